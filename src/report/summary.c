/*
 * summary.c: the key figures under each chart, written from the numbers
 * the chart drew (its NAME.csv), never typed into the job file: latest
 * value, change from the period before, peak; or, for charts of one
 * period (bars, heatmaps), the largest categories.  Numbers are written
 * as the agencies write them in text: 0.76M and 3.48M in one sentence
 * share the unit of the larger, percentages keep their unit ("74.3%",
 * "9.4% of GDP") and change in points, money in dollars ("$34.9B").
 * Rules: include/silkstat/job.h, silk_report_summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

enum unit_kind { U_COUNT, U_PERCENT, U_MONEY, U_OTHER };

static enum unit_kind unit_kind_of(const char *unit)
{
    if (unit == NULL || unit[0] == '\0' || strcmp(unit, "persons") == 0 ||
        strcmp(unit, "people") == 0)
        return U_COUNT;
    if (unit[0] == '%')
        return U_PERCENT;
    if (strstr(unit, "US$") != NULL || strstr(unit, "USD") != NULL)
        return U_MONEY;
    return U_OTHER;
}

/* Removes trailing zeros after a decimal point ("2.70" -> "2.7"). */
static void trim_zeros(char *buf)
{
    char *dot = strchr(buf, '.');
    if (dot == NULL)
        return;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
}

/* 1234567 -> "1,234,567" (rounded to a whole number). */
static void grouped(double value, char *buf, size_t size)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(value));
    if (strcmp(digits, "0") == 0)
        value = 0; /* no "-0" */
    size_t n = strlen(digits), used = 0;
    if (value < 0 && used + 1 < size)
        buf[used++] = '-';
    for (size_t i = 0; i < n && used + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[used++] = ',';
        buf[used++] = digits[i];
    }
    buf[used] = '\0';
}

void report_number(double value, char *buf, size_t size)
{
    if (isnan(value)) {
        buf[0] = '\0';
    } else if (isinf(value)) {
        snprintf(buf, size, "%s", value > 0 ? "inf" : "-inf");
    } else if (fabs(value) >= 1000 || value == floor(value)) {
        grouped(value, buf, size);
    } else {
        snprintf(buf, size, "%.3g", value);
    }
}

/* value in the short-scale unit of ref (the largest number of the
 * sentence), three significant digits for ref: 3477082 -> "3.48M" and,
 * with the same ref, 758339 -> "0.76M". */
static void short_scale(double value, double ref, char *buf, size_t size)
{
    static const struct {
        double unit;
        const char *suffix;
    } scales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}};
    ref = fabs(ref);
    for (size_t i = 0; i < sizeof scales / sizeof *scales; i++) {
        if (ref < scales[i].unit)
            continue;
        double r = ref / scales[i].unit;
        int decimals = r < 10 ? 2 : r < 100 ? 1 : 0;
        snprintf(buf, size, "%.*f", decimals, value / scales[i].unit);
        trim_zeros(buf);
        if (strcmp(buf, "0") == 0 || strcmp(buf, "-0") == 0) {
            snprintf(buf, size, "0"); /* "0", never "0M" */
            return;
        }
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s", scales[i].suffix);
        return;
    }
    grouped(value, buf, size); /* below a million: 237,452 */
}

/* A value as the sentence writes it. */
static void figure_text(double value, double ref, enum unit_kind kind,
                        const char *unit, char *buf, size_t size)
{
    char number[48];
    switch (kind) {
    case U_COUNT: short_scale(value, ref, buf, size); return;
    case U_MONEY:
        short_scale(fabs(value), ref, number, sizeof number);
        snprintf(buf, size, "%s$%s", value < 0 ? "-" : "", number);
        return;
    case U_PERCENT:
    case U_OTHER: {
        double a = fabs(value);
        int decimals = a >= 100 ? 0 : a >= 1 ? 1 : 2;
        snprintf(number, sizeof number, "%.*f", decimals, value);
        trim_zeros(number);
        if (kind == U_PERCENT)
            snprintf(buf, size, "%s%s", number, unit);
        else
            snprintf(buf, size, "%s", number);
        return;
    }
    }
}

/* The chart writer's labels of a forecast fan's extra series. */
static const char *const aux_suffix[] = {", forecast", ", 80% low",
                                         ", 80% high", ", 95% low",
                                         ", 95% high"};
enum { AUX_NONE = -1, AUX_FORECAST = 0, AUX_LOW80 = 1, AUX_HIGH80 = 2 };

static int aux_of(const char *label, size_t *base_len)
{
    size_t n = strlen(label);
    for (int i = 0; i < 5; i++) {
        size_t m = strlen(aux_suffix[i]);
        if (n > m && strcmp(label + n - m, aux_suffix[i]) == 0) {
            *base_len = n - m;
            return i;
        }
    }
    *base_len = n;
    return AUX_NONE;
}

/* One label's values in period order. */
typedef struct series {
    const char *label;
    size_t *row; /* indices into the rows, finite values only */
    size_t n;
    int aux;
    size_t base_len;
} series;

/* Orders periods: by silk_period ordinal when both parse, else as text. */
static int period_cmp(const char *a, const char *b)
{
    silk_period pa, pb;
    if (silk_period_parse(a, strlen(a), &pa) == SILK_OK &&
        silk_period_parse(b, strlen(b), &pb) == SILK_OK)
        return silk_period_compare(pa, pb);
    return strcmp(a, b);
}

/* Sorts a label's rows by period, stably (insertion sort: a series has
 * tens of periods, and no global comparator state is needed). */
static void sort_by_period(const silk_figure *rows, size_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 &&
               period_cmp(rows[idx[j - 1]].period, rows[v].period) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

/* A mark at period p, or between after (exclusive) and p. */
static const silk_figure_mark *mark_at(const silk_figure_mark *marks,
                                       size_t n, const char *after,
                                       const char *p)
{
    for (size_t i = 0; i < n; i++) {
        if (marks[i].period == NULL || marks[i].label == NULL ||
            marks[i].label[0] == '\0')
            continue;
        int to_p = period_cmp(marks[i].period, p);
        if (to_p == 0 || (to_p < 0 && after != NULL &&
                          period_cmp(marks[i].period, after) > 0))
            return &marks[i];
    }
    return NULL;
}

/* "Afghan refugees in {label}" with the label put in; an about without
 * {label} stands alone for a single series and before ", LABEL" for
 * several. */
static void subject(FILE *f, const char *about, const char *label,
                    size_t label_len, bool several)
{
    if (about == NULL || about[0] == '\0') {
        fprintf(f, "%.*s", (int)label_len, label);
        return;
    }
    const char *at = strstr(about, "{label}");
    if (at == NULL) {
        if (several)
            fprintf(f, "%s, %.*s", about, (int)label_len, label);
        else
            fputs(about, f);
        return;
    }
    fprintf(f, "%.*s%.*s%s", (int)(at - about), about, (int)label_len, label,
            at + 7);
}

/* The change from prev to latest, after "latest in P". */
static void change_text(FILE *f, double latest, double prev,
                        const char *prev_period, double ref,
                        enum unit_kind kind, const char *unit)
{
    char prev_text[64];
    figure_text(prev, ref, kind, unit, prev_text, sizeof prev_text);
    double diff = latest - prev;
    if (kind == U_PERCENT) {
        /* shares change in points, not in per cent of themselves */
        char points[32];
        snprintf(points, sizeof points, "%.1f", fabs(diff));
        trim_zeros(points);
        if (strcmp(points, "0") == 0)
            fprintf(f, ", about the same as in %s", prev_period);
        else
            fprintf(f, ", %s %s point%s from %s in %s",
                    diff > 0 ? "up" : "down", points,
                    strcmp(points, "1") == 0 ? "" : "s", prev_text,
                    prev_period);
        return;
    }
    if (prev == 0) {
        if (latest == 0)
            fprintf(f, ", as in %s", prev_period);
        else
            fprintf(f, ", %s from 0 in %s", latest > 0 ? "up" : "down",
                    prev_period);
        return;
    }
    if (prev < 0 || latest < 0) {
        /* per cent changes of negative numbers (net migration) mislead */
        char by[64];
        figure_text(fabs(diff), ref, kind, unit, by, sizeof by);
        fprintf(f, ", %s by %s from %s in %s", diff > 0 ? "up" : "down", by,
                prev_text, prev_period);
        return;
    }
    double ratio = latest / prev;
    if (ratio >= 2) {
        char times[32];
        snprintf(times, sizeof times, ratio < 10 ? "%.1f" : "%.0f", ratio);
        trim_zeros(times);
        fprintf(f, ", up from %s in %s (%s times)", prev_text, prev_period,
                times);
        return;
    }
    double pct = 100 * diff / prev;
    char pct_text[32];
    snprintf(pct_text, sizeof pct_text, fabs(pct) < 10 ? "%.1f" : "%.0f",
             fabs(pct));
    trim_zeros(pct_text);
    if (strcmp(pct_text, "0") == 0)
        fprintf(f, ", about the same as in %s (%s)", prev_period, prev_text);
    else
        fprintf(f, ", %s %s%% from %s in %s", pct > 0 ? "up" : "down",
                pct_text, prev_text, prev_period);
}

static void series_sentence(FILE *f, const silk_figure *rows,
                            const series *s, const series *forecast,
                            const series *low, const series *high,
                            enum unit_kind kind, const char *unit,
                            const char *about, bool several,
                            const silk_figure_mark *marks, size_t n_marks,
                            bool *mark_quoted)
{
    const silk_figure *last = &rows[s->row[s->n - 1]];
    const silk_figure *prev = s->n >= 2 ? &rows[s->row[s->n - 2]] : NULL;
    const silk_figure *peak = last;
    bool negative = false;
    for (size_t i = 0; i < s->n; i++) {
        if (rows[s->row[i]].value > peak->value)
            peak = &rows[s->row[i]];
        negative = negative || rows[s->row[i]].value < 0;
    }
    /* latest and previous share a scale (0.76M from 3.48M); the peak
     * has its own, so a small latest value never reads "0M" */
    double ref = fabs(last->value);
    if (prev != NULL && fabs(prev->value) > ref)
        ref = fabs(prev->value);
    char text[64];
    subject(f, about, s->label, s->base_len, several);
    figure_text(last->value, ref, kind, unit, text, sizeof text);
    fprintf(f, ": %s in %s", text, last->period);
    if (prev != NULL)
        change_text(f, last->value, prev->value, prev->period, ref, kind,
                    unit);
    const silk_figure_mark *m =
        mark_at(marks, n_marks, prev ? prev->period : NULL, last->period);
    if (m != NULL && !*mark_quoted) {
        /* once per chart: the mark is the chart's, not each series' */
        fprintf(f, " (marked on the chart: %s)", m->label);
        *mark_quoted = true;
    }
    /* a "peak" of a balance that goes below zero says little */
    if (s->n >= 3 && !negative) {
        if (peak == last) {
            fprintf(f, "; the highest since %s", rows[s->row[0]].period);
        } else {
            figure_text(peak->value, peak->value, kind, unit, text,
                        sizeof text);
            fprintf(f, "; peak %s in %s", text, peak->period);
        }
    }
    if (forecast != NULL && forecast->n > 0) {
        const silk_figure *end = &rows[forecast->row[forecast->n - 1]];
        double fref = fabs(end->value);
        const silk_figure *lo = NULL, *hi = NULL;
        for (size_t i = 0; low != NULL && i < low->n; i++)
            if (strcmp(rows[low->row[i]].period, end->period) == 0)
                lo = &rows[low->row[i]];
        for (size_t i = 0; high != NULL && i < high->n; i++)
            if (strcmp(rows[high->row[i]].period, end->period) == 0)
                hi = &rows[high->row[i]];
        if (hi != NULL && fabs(hi->value) > fref)
            fref = fabs(hi->value);
        figure_text(end->value, fref, kind, unit, text, sizeof text);
        fprintf(f, "; forecast %s in %s", text, end->period);
        if (lo != NULL && hi != NULL) {
            char a[64], b[64];
            /* counts cannot go below zero, whatever the band says */
            double lo_value =
                kind == U_COUNT && lo->value < 0 ? 0 : lo->value;
            figure_text(lo_value, fref, kind, unit, a, sizeof a);
            figure_text(hi->value, fref, kind, unit, b, sizeof b);
            fprintf(f, " (80%% interval %s to %s)", a, b);
        }
    }
    fputs(".", f);
}

/* The category list of a one-period chart: order holds the n series by
 * value, largest first. */
static void ranking_sentence(FILE *f, const silk_figure *rows,
                             const series *list, const size_t *order,
                             size_t n, enum unit_kind kind, const char *unit)
{
    size_t shown = n < 3 ? n : 3;
    const silk_figure *top = &rows[list[order[0]].row[0]];
    bool one_period = true;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const silk_figure *r = &rows[list[order[i]].row[0]];
        one_period = one_period && strcmp(r->period, top->period) == 0;
        total += r->value;
    }
    double ref = fabs(top->value);
    char text[64];
    if (n == 1) {
        figure_text(top->value, ref, kind, unit, text, sizeof text);
        fprintf(f, "%s: %s in %s.", top->label, text, top->period);
        return;
    }
    if (one_period)
        fprintf(f, "In %s the largest are ", top->period);
    else
        fputs("The largest are ", f);
    for (size_t k = 0; k < shown; k++) {
        const silk_figure *r = &rows[list[order[k]].row[0]];
        figure_text(r->value, ref, kind, unit, text, sizeof text);
        fprintf(f, "%s%s (%s%s%s)",
                k == 0 ? "" : k + 1 == shown ? " and " : ", ", r->label, text,
                one_period ? "" : ", ", one_period ? "" : r->period);
    }
    /* a total only of what adds up, and only of what the chart shows
     * (a top 10 is not all hosts) */
    if (kind == U_COUNT || kind == U_MONEY) {
        figure_text(total, total, kind, unit, text, sizeof text);
        if (n > shown)
            fprintf(f, "; the %zu shown total %s", n, text);
        else
            fprintf(f, "; together %s", text);
    } else if (n > shown) {
        fprintf(f, ", of %zu shown", n);
    }
    fputs(".", f);
}

/* Orders series by the size of their latest value (net migration is
 * large when very negative), largest first, ties in order of appearance
 * (stable insertion sort). */
static void sort_by_latest(const silk_figure *rows, const series *list,
                           size_t *order, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        const series *sv = &list[v];
        double value = fabs(rows[sv->row[sv->n - 1]].value);
        while (j > 0) {
            const series *sp = &list[order[j - 1]];
            if (fabs(rows[sp->row[sp->n - 1]].value) >= value)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

int silk_report_summary(const silk_figure *rows, size_t n, const char *unit,
                        const char *about, const silk_figure_mark *marks,
                        size_t n_marks, char **out, silk_error *err)
{
    *out = NULL;
    series *list = calloc(n ? n : 1, sizeof *list);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    size_t *rowbuf = calloc(n ? n : 1, sizeof *rowbuf);
    char *text = NULL;
    size_t text_len = 0;
    FILE *f = NULL;
    int status = SILK_OK;
    if (list == NULL || order == NULL || rowbuf == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    enum unit_kind kind = unit_kind_of(unit);
    if (unit == NULL)
        unit = "";

    /* Group the finite values by label, in order of first appearance;
     * each label's rows are contiguous in rowbuf. */
    size_t n_list = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(rows[i].value) || rows[i].label == NULL ||
            rows[i].period == NULL)
            continue;
        size_t k = 0;
        while (k < n_list && strcmp(list[k].label, rows[i].label) != 0)
            k++;
        if (k == n_list) {
            list[k].label = rows[i].label;
            list[k].aux = aux_of(rows[i].label, &list[k].base_len);
            n_list++;
        }
    }
    for (size_t k = 0; k < n_list; k++) {
        list[k].row = rowbuf + used;
        for (size_t i = 0; i < n; i++)
            if (isfinite(rows[i].value) && rows[i].label != NULL &&
                rows[i].period != NULL &&
                strcmp(rows[i].label, list[k].label) == 0)
                list[k].row[list[k].n++] = i;
        used += list[k].n;
        sort_by_period(rows, list[k].row, list[k].n);
    }

    f = open_memstream(&text, &text_len);
    if (f == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    size_t n_main = 0, longest = 0;
    for (size_t k = 0; k < n_list; k++)
        if (list[k].aux == AUX_NONE) {
            order[n_main++] = k;
            if (list[k].n > longest)
                longest = list[k].n;
        }
    if (n_main == 0) {
        fputs("No figures to show.", f);
    } else {
        sort_by_latest(rows, list, order, n_main);
        if (longest < 2) {
            ranking_sentence(f, rows, list, order, n_main, kind, unit);
        } else {
            size_t shown = 0;
            bool mark_quoted = false;
            double lead = fabs(rows[list[order[0]].row[list[order[0]].n - 1]]
                                   .value);
            for (size_t j = 0; j < n_main && shown < 3; j++) {
                const series *s = &list[order[j]];
                /* a series under 5% of the largest is left to the table:
                 * 164 returns beside 1.95M say nothing */
                if (shown > 0 &&
                    fabs(rows[s->row[s->n - 1]].value) < 0.05 * lead)
                    break;
                /* the fan's forecast and 80% band of this series */
                const series *aux[3] = {NULL, NULL, NULL};
                for (size_t k = 0; k < n_list; k++)
                    if (list[k].aux >= AUX_FORECAST &&
                        list[k].aux <= AUX_HIGH80 &&
                        list[k].base_len == s->base_len &&
                        strncmp(list[k].label, s->label, s->base_len) == 0)
                        aux[list[k].aux] = &list[k];
                if (shown > 0)
                    fputc(' ', f);
                series_sentence(f, rows, s, aux[AUX_FORECAST],
                                aux[AUX_LOW80], aux[AUX_HIGH80], kind, unit,
                                about, n_main > 1, marks, n_marks,
                                &mark_quoted);
                shown++;
            }
            if (n_main > shown)
                fprintf(f, " %zu other series in the table%s.",
                        n_main - shown,
                        n_main - shown == 1 ? "" : ", each smaller");
        }
    }
    if (fclose(f) != 0) {
        f = NULL;
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    f = NULL;
    *out = text;
    text = NULL;
done:
    if (f != NULL)
        fclose(f);
    free(text);
    free(list);
    free(order);
    free(rowbuf);
    return status;
}
