/*
 * bars.c: the two charts with one horizontal row per category: ranked bars
 * (silk_chart_render_bars: top hosts, origins, corridors) and the dumbbell
 * (silk_chart_render_dumbbell: then versus now).  Both sort largest first,
 * name the categories left of the plot (right-aligned), write values in
 * short scale beside the marks, and draw the grid on the value axis (x)
 * only.  Long lists grow the image downwards so rows keep 22 px.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

#define ROW_PX 22.0     /* smallest row height before the image grows */
#define PLOT_TOP 154.0  /* px from the top, as on the line chart */
#define PLOT_BOTTOM 84.0 /* px from the bottom */

/* Shared layout of a chart of rows. */
typedef struct rows {
    size_t n;
    double left, right; /* plot edges, screen fractions */
    double plot_px;     /* plot width in pixels */
} rows;

static void rows_layout(chart_job *job, rows *r, size_t n,
                        const char *const *labels, double right_px)
{
    r->n = n;
    double need = ROW_PX * (double)n + PLOT_TOP + PLOT_BOTTOM;
    if (need > job->height)
        job->height = (int)ceil(need);
    double widest = 0;
    for (size_t i = 0; i < n; i++)
        widest = fmax(widest, chart_text_px(labels[i], 13, false));
    /* Labels up to 40% of the width; longer ones run into the margin
     * edge rather than squeeze the plot away. */
    double left_px = fmin(0.4 * job->width, widest + 30 + 14);
    r->left = left_px / job->width;
    r->right = 1 - right_px / job->width;
    r->plot_px = job->width * (r->right - r->left);
    FILE *f = job->body;
    fprintf(f, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
            r->left, r->right, chart_from_top(job, PLOT_TOP),
            PLOT_BOTTOM / job->height);
    /* Row i (0 = top) sits at y = n - i. */
    fprintf(f, "set yrange [0.4:%.17g]\nunset ytics\n", (double)n + 0.6);
}

/* The category name left of row i (at its y). */
static void row_label(chart_job *job, const char *text, double y)
{
    fprintf(job->body, "set label $LBL[%zu] at graph 0, first %.17g right "
                       "offset -1,0 font ',%.2f' textcolor rgb '#222222' "
                       "noenhanced\n",
            chart_text(job, text), y, 13 * job->s);
}

/* The value axis along the bottom over [x_lo, x_hi]: short-scale ticks
 * from first to last, vertical grid, a zero line. */
static void value_axis(chart_job *job, double x_lo, double x_hi,
                       double first, double last, double step)
{
    FILE *f = job->body;
    fprintf(f, "set xrange [%.17g:%.17g]\n", x_lo, x_hi);
    chart_value_tics(job, "x", first, last, step);
    fputs("set grid xtics noytics lt 1 lw 1 lc rgb '#dddddd' dt 3\n"
          "set border 0\n", f);
    /* The zero line, darker than the grid. */
    if (x_lo <= 0 && x_hi >= 0)
        fputs("set arrow from 0, graph 0 to 0, graph 1 nohead lw 1 lc rgb "
              "'#999999' front\n", f);
}

/* Order of rows: largest first, NaN last, ties in the given order. */
static const double *sort_key;
static int by_key(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double x = sort_key[i], y = sort_key[j];
    if (isnan(x) != isnan(y))
        return isnan(x) ? 1 : -1;
    if (!isnan(x) && x != y)
        return x > y ? -1 : 1;
    return i < j ? -1 : i > j;
}

static size_t *row_order(size_t n, const double *key, bool keep)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    if (!keep) {
        /* qsort is not stable: by_key breaks ties by index. */
        sort_key = key;
        qsort(order, n, sizeof *order, by_key);
    }
    return order;
}

static int check_rows(const char *out, size_t n, const void *labels,
                      const char *kind, silk_error *err)
{
    if (n == 0)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no %s", out,
                              kind);
    if (n > SILK_CHART_MAX_BARS)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu %s; at most %d are "
                              "readable (show the top ones)", out, n, kind,
                              SILK_CHART_MAX_BARS);
    if (labels == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no labels",
                              out);
    return SILK_OK;
}

static int check_values(const char *out, const char *const *labels,
                        const double *v, size_t n, bool *any,
                        silk_error *err)
{
    if (v == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no values",
                              out);
    for (size_t i = 0; i < n; i++) {
        if (isinf(v[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': the value of '%s' is "
                                  "infinite", out,
                                  chart_or_empty(labels[i]));
        if (!isnan(v[i]))
            *any = true;
    }
    return SILK_OK;
}

/* Room for a value label ("12.3M") beyond the largest mark, as a share of
 * the data span: the label is about 48 px on a plot of plot_px. */
static double headroom(double span, double plot_px, double label_px)
{
    double share = fmin(0.3, (label_px + 14) / plot_px);
    return span * share / (1 - share);
}

SILK_API int silk_chart_render_bars(const silk_chart_bars_spec *spec,
                                    silk_error *err)
{
    chart_job job;
    int status;
    size_t *order = NULL;
    bool any = false;

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    const char *out = spec->frame.out_path;
    status = chart_begin(&job, out, err);
    if (status == SILK_OK)
        status = check_rows(out, spec->n, spec->labels, "bars", err);
    if (status == SILK_OK)
        status = check_values(out, spec->labels, spec->values, spec->n, &any,
                              err);
    if (status == SILK_OK && !any)
        status = silk_error_set(err, SILK_EINVAL,
                                "chart '%s' has no values to plot", out);
    if (status != SILK_OK)
        goto done;
    order = row_order(spec->n, spec->values, spec->keep_order);
    if (order == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }

    size_t n = spec->n;
    double lo = 0, hi = 0, label_px = 0;
    for (size_t i = 0; i < n; i++) {
        double v = spec->values[i];
        if (isnan(v))
            continue;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
        char text[32];
        silk_format_short(v, text, sizeof text);
        label_px = fmax(label_px, chart_text_px(text, 12, true));
    }
    rows r;
    rows_layout(&job, &r, n, spec->labels, 40);

    double first, last, step;
    step = silk_chart_ticks(lo, hi > lo ? hi : lo + 1, &first, &last);
    /* The axis ends at the last tick or where the longest value label
     * needs it, whichever is further; the same below zero. */
    double room = headroom(hi - lo, r.plot_px, label_px);
    double x_hi = fmax(last, hi + room);
    double x_lo = lo < 0 ? fmin(first, lo - room) : first;
    value_axis(&job, x_lo, x_hi, first, last, step);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);

    FILE *f = job.body;
    double s = job.s;
    /* Bars 68% of a row, but never thicker than 30 px: a short list of
     * slabs reads as heavy as a long one of bars reads light. */
    double row_px = (job.height - PLOT_TOP - PLOT_BOTTOM) / ((double)n + 0.2);
    double half = fmin(0.34, 15 / row_px);
    FILE *d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    fputs("# silkstat ranked bars, top first: x_centre y half_width "
          "half_height colour (0xRRGGBB)\n", d);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        double v = spec->values[i], y = (double)(n - k);
        row_label(&job, spec->labels[i], y);
        if (isnan(v)) {
            fprintf(f, "set label \"no data\" at 0, %.17g left offset 0.6,0 "
                       "font 'Lato Italic,%.2f' textcolor rgb '#888888' "
                       "noenhanced\n", y, 11.5 * s);
            continue;
        }
        unsigned colour = spec->colours ? spec->colours[i] : 1;
        const char *hex = chart_colour(colour, 0);
        fprintf(d, "%.17g %.17g %.17g %.17g %ld\n", v / 2, y, fabs(v) / 2,
                half, strtol(hex + 1, NULL, 16));
        char text[32];
        silk_format_short(v, text, sizeof text);
        fprintf(f, "set label \"%s\" at %.17g, %.17g %s offset %s0.6,0 "
                   "font 'Lato Bold,%.2f' textcolor rgb '#333333' "
                   "noenhanced\n", text, v, y, v < 0 ? "right" : "left",
                v < 0 ? "-" : "", 12 * s);
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;
    fprintf(f, "plot '%s' using 1:2:3:4:5 with boxxyerror fill solid 1 "
               "noborder lc rgb variable notitle\n", job.dat_name);
    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    free(order);
    chart_end(&job);
    return status;
}

SILK_API int silk_chart_render_dumbbell(const silk_chart_dumbbell_spec *spec,
                                        silk_error *err)
{
    chart_job job;
    int status;
    size_t *order = NULL;
    double *key = NULL;
    bool any = false;

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    const char *out = spec->frame.out_path;
    status = chart_begin(&job, out, err);
    if (status == SILK_OK)
        status = check_rows(out, spec->n, spec->labels, "categories", err);
    if (status == SILK_OK)
        status = check_values(out, spec->labels, spec->then, spec->n, &any,
                              err);
    if (status == SILK_OK)
        status = check_values(out, spec->labels, spec->now, spec->n, &any,
                              err);
    if (status == SILK_OK && !any)
        status = silk_error_set(err, SILK_EINVAL,
                                "chart '%s' has no values to plot", out);
    if (status != SILK_OK)
        goto done;
    size_t n = spec->n;
    key = malloc(n * sizeof *key);
    if (key == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    /* Sort by now; a row without a now value by its then value. */
    for (size_t i = 0; i < n; i++)
        key[i] = isnan(spec->now[i]) ? spec->then[i] : spec->now[i];
    order = row_order(n, key, spec->keep_order);
    if (order == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }

    double lo = 0, hi = 0, label_px = 0;
    for (size_t i = 0; i < n; i++) {
        double v[2] = {spec->then[i], spec->now[i]};
        for (int k = 0; k < 2; k++) {
            if (isnan(v[k]))
                continue;
            lo = fmin(lo, v[k]);
            hi = fmax(hi, v[k]);
            char text[32];
            silk_format_short(v[k], text, sizeof text);
            label_px = fmax(label_px, chart_text_px(text, 12, true));
        }
    }
    rows r;
    rows_layout(&job, &r, n, spec->labels, 40);
    double first, last, step;
    step = silk_chart_ticks(lo, hi > lo ? hi : lo + 1, &first, &last);
    double x_hi = fmax(last, hi + headroom(hi - lo, r.plot_px, label_px));
    double x_lo = first;
    value_axis(&job, x_lo, x_hi, first, last, step);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);
    const char *then_colour = "#9A9A9A";
    const char *now_colour = chart_colour(1, 0);
    const char *key_texts[2] = {chart_or_empty(spec->then_label),
                                chart_or_empty(spec->now_label)};
    const char *key_colours[2] = {then_colour, now_colour};
    if (key_texts[0][0] || key_texts[1][0])
        chart_key(&job, r.right * job.width, 2, key_texts, key_colours,
                  true);

    FILE *f = job.body;
    double s = job.s;
    double per_px = (x_hi - x_lo) / r.plot_px;
    FILE *d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    fputs("# silkstat dumbbell, top first: y then now (NaN: missing)\n", d);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        double y = (double)(n - k);
        double then = spec->then[i], now = spec->now[i];
        row_label(&job, spec->labels[i], y);
        fprintf(d, "%.17g %.17g %.17g\n", y, then, now);
        /* The right-hand dot's value on its right; the left-hand one's on
         * its left when that stays inside the plot.  The now value is
         * never dropped: without room on the left it goes to the right of
         * the row, and the then value gives way. */
        double ends[2] = {then, now};
        int right_end = isnan(then) ? 1 : isnan(now) ? 0 : now >= then;
        double at[2] = {then, now};
        bool right_of[2] = {right_end == 0, right_end == 1};
        bool show[2] = {!isnan(then), !isnan(now)};
        char text[2][32];
        for (int e = 0; e < 2; e++) {
            if (!show[e])
                continue;
            silk_format_short(ends[e], text[e], sizeof text[e]);
            bool room = ends[e] - (chart_text_px(text[e], 11.5, e == 1) +
                                   16) * per_px >= x_lo;
            if (!right_of[e] && !room) {
                if (e == 1) { /* the now value moves beyond the then dot */
                    at[1] = then;
                    right_of[1] = true;
                    show[0] = false;
                } else {
                    show[0] = false;
                }
            }
        }
        /* Equal values: one label is enough. */
        if (show[0] && show[1] && then == now)
            show[0] = false;
        for (int e = 0; e < 2; e++)
            if (show[e])
                fprintf(f, "set label \"%s\" at %.17g, %.17g %s offset "
                           "%s1.1,0 font '%s,%.2f' textcolor rgb '%s' "
                           "noenhanced\n",
                        text[e], at[e], y, right_of[e] ? "left" : "right",
                        right_of[e] ? "" : "-",
                        e == 1 ? "Lato Bold" : "Lato", 11.5 * s,
                        e == 1 ? now_colour : "#777777");
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;
    fprintf(f, "plot '%s' using 2:1:($3-$2):(0) with vectors nohead lw 4 lc rgb "
               "'#D9D9D9' notitle, \\\n"
               "  '%s' using 2:1 with points pt 7 ps 1.7 lc rgb '%s' "
               "notitle, \\\n"
               "  '%s' using 3:1 with points pt 7 ps 1.7 lc rgb '%s' "
               "notitle\n",
            job.dat_name, job.dat_name, then_colour, job.dat_name,
            now_colour);
    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    free(order);
    free(key);
    chart_end(&job);
    return status;
}
