/*
 * cmd_chart.c: `silkstat chart`: the chart types of the briefing pack drawn
 * from the store.  This file only selects and sums series and picks
 * labels and colours; every chart is drawn by the library
 * (silk_chart_render*, include/silkstat/chart_types.h), which escapes
 * every label that comes from the store or the country table: nothing
 * here builds gnuplot text.
 *
 * Sums follow --total's rule everywhere: missing values are skipped, and
 * a sum with no value at all is missing (never zero).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat chart [--type TYPE] --indicator I --origin O[,O...]\n"
    "                      --destination D[,D...] --out FILE.(png|svg|pdf)\n"
    "                      [--from P] [--to P] [--title T] [--subtitle S]\n"
    "                      [--source S] [--mark P=LABEL]... [--total]\n"
    "                      [--where COL=V[,V]]... [--countries FILE]\n"
    "                      [--store FILE] [options of the type]\n"
    "TYPE (default line):\n"
    "  line       one line per series (at most 8) with its OLS trend line\n"
    "             [--no-trend] [--band: the trend's 95% confidence band]\n"
    "  multiples  one panel per series (at most 12), one value scale\n"
    "             [--no-trend] [--band]\n"
    "  area       stacked composition over time: --by indicator (several\n"
    "             --indicator A,B,..., e.g. population types), or --by\n"
    "             destination|origin [--top N: N layers and 'Other']\n"
    "  bars       ranked bars at --period P (default: the latest with data)\n"
    "             [--by destination|origin|corridor] [--top N, default 10]\n"
    "  grouped    --periods P1,P2[,P3,P4] compared per category\n"
    "             [--by destination|origin] [--top N, default 8]\n"
    "  heatmap    origins x destinations at --period P [--top N: the N\n"
    "             largest rows and columns, default 12] [--log]\n"
    "  fan        Holt's damped-trend forecast of one series (one origin\n"
    "             and destination, or --total) [--horizon H, default 5]\n"
    "             [--alpha A] [--beta B] [--phi F]\n"
    "  dumbbell   --periods THEN,NOW per category [--by ...] [--top N]\n"
    "The gnuplot script FILE.gp and data FILE.dat stay beside the image.\n"
    "Labels use the short names of the country table (datasets/countries.csv\n"
    "unless --countries names another CSV with columns iso3,name).\n"
    "--total sums the selected destinations into one series per origin\n"
    "(missing values are skipped; a period with none is a gap); --where\n"
    "sums only the selected categories (see silkstat series).\n";

#define MAX_LINES 8
#define MAX_SERIES 12 /* SILK_CHART_MAX_PANELS */
#define MAX_TEXT 160

enum type { T_LINE, T_MULTIPLES, T_AREA, T_BARS, T_GROUPED, T_HEATMAP,
            T_FAN, T_DUMBBELL };

static const char *const type_names[] = {"line",    "multiples", "area",
                                         "bars",    "grouped",   "heatmap",
                                         "fan",     "dumbbell"};

enum by { BY_DESTINATION, BY_ORIGIN, BY_CORRIDOR, BY_INDICATOR };

/* What every type needs: the options, the cube and the picks, the texts
 * of the frame. */
typedef struct run {
    cli_options opt;
    enum type type;
    enum by by;
    silk_cube *cube;
    cli_pick po, pd;
    size_t first, end; /* period positions in [from, to] */
    char source[1200];
    char scope[600]; /* area --by indicator: the origins, named */
    silk_error err;
    /* Every number the chart draws, for OUT.csv (see figure) */
    FILE *fig;
    char *fig_text;
    size_t fig_len;
} run;

/* One number drawn, as a row of OUT.csv beside the image: the table of
 * figures behind the chart (label as shown, period as the store labels
 * it, value empty when missing, flags).  A batch job's report reads it
 * instead of parsing each chart type's .dat layout. */
static void figure(run *r, const char *label, const char *period,
                   double value, uint32_t flags)
{
    char number[SILK_NUMBER_MAX], flag_text[SILK_FLAGS_TEXT_MAX];
    if (r->fig == NULL)
        return;
    cli_number(number, value);
    silk_flags_format(flags, flag_text);
    cli_csv_field(r->fig, label);
    fputc(',', r->fig);
    cli_csv_field(r->fig, period);
    fprintf(r->fig, ",%s,%s\n", isnan(value) ? "" : number, flag_text);
}

/* The label of the period at decimal-year position p of the cube's
 * frequency, from its ordinal. */
static void ordinal_text(silk_freq freq, long ordinal, char *buf)
{
    silk_period_format(silk_period_from_ordinal(freq, ordinal), buf);
}

/* Writes the collected figures as OUT.csv (OUT = --out without its
 * extension), through a temporary name, as the image is. */
static int write_figures(run *r)
{
    const char *out = r->opt.out;
    const char *slash = strrchr(out, '/');
    const char *dot = strrchr(slash ? slash + 1 : out, '.');
    size_t stem = dot ? (size_t)(dot - out) : strlen(out);
    char path[4096], tmp[4200];
    if (stem + 5 > sizeof path)
        return silk_error_set(&r->err, SILK_EINVAL, "--out '%s' is too long",
                              out);
    snprintf(path, sizeof path, "%.*s.csv", (int)stem, out);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return silk_error_set(&r->err, SILK_EIO, "cannot write '%s': %s",
                              tmp, strerror(errno));
    fputs("label,period,value,flag\n", f);
    if (r->fig_len > 0)
        fwrite(r->fig_text, 1, r->fig_len, f);
    bool bad = ferror(f) != 0;
    bad = fclose(f) != 0 || bad;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return silk_error_set(&r->err, SILK_EIO, "cannot write '%s': %s",
                              path, strerror(e));
    }
    return SILK_OK;
}

static const char *name_of(const silk_countries *names, const char *code)
{
    const char *name = names ? silk_countries_name(names, code) : NULL;
    return name ? name : cli_code_label(code);
}

/* "AFG, IRN and PAK" style lists of names, for default titles. */
static void list_names(char *buf, size_t size, const silk_cube *cube,
                       const cli_pick *pick, bool destination,
                       const silk_countries *names)
{
    buf[0] = '\0';
    for (size_t i = 0; i < pick->n; i++) {
        const char *code = destination ? cube->destination[pick->index[i]]
                                       : cube->origin[pick->index[i]];
        const char *sep = i == 0 ? "" : i + 1 == pick->n ? " and " : ", ";
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", sep, name_of(names, code));
    }
}

/* The indicator as a title starts it: the population type's name
 * ("Asylum-seekers"), else the name with spaces for '_' and a capital
 * ("Net migration"). */
static void indicator_title(const char *indicator, char *buf, size_t size)
{
    silk_population type = silk_chart_population_of(indicator);
    if (type != SILK_POP_NONE) {
        snprintf(buf, size, "%s", silk_chart_population_label(type));
        return;
    }
    snprintf(buf, size, "%s", indicator);
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* The countries of one axis for a title: their names when a few, "all
 * destinations" for '*', else how many. */
static void scope_text(char *buf, size_t size, const silk_cube *cube,
                       const cli_pick *pick, const char *list,
                       bool destination, const silk_countries *names)
{
    const char *noun = destination ? "destinations" : "origins";
    if (list == NULL || strcmp(list, "*") == 0)
        snprintf(buf, size, "all %s", noun);
    else if (pick->n > 5)
        snprintf(buf, size, "%zu %s", pick->n, noun);
    else
        list_names(buf, size, cube, pick, destination, names);
}

/* "2015 and 2024", "2015, 2020 and 2024" */
static void list_texts(char *buf, size_t size, const char *const *texts,
                       size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s",
                 i == 0 ? "" : i + 1 == n ? " and " : ", ", texts[i]);
    }
}

/* Gives every series without a fixed colour the first entry no series of
 * this chart uses, so two series never share a colour while the palette
 * lasts. */
static void assign_free_colours(unsigned *colours, size_t n, bool areas)
{
    bool used[10] = {false};
    for (size_t i = 0; i < n; i++)
        if (colours[i] <= 9)
            used[colours[i]] = true;
    /* Lines take black early (a thin black line reads well); a black
     * area would outweigh the rest of the stack, so areas take it last. */
    static const unsigned line_order[] = {6, 7, 8, 1, 2, 3, 4, 5};
    static const unsigned area_order[] = {6, 8, 4, 5, 3, 1, 2, 7};
    const unsigned *order = areas ? area_order : line_order;
    for (size_t i = 0; i < n; i++) {
        if (colours[i] != 0)
            continue;
        for (size_t k = 0; k < 8; k++)
            if (!used[order[k]]) {
                colours[i] = order[k];
                used[order[k]] = true;
                break;
            }
    }
}

/* The sum over the origins os and destinations ds at period p; NaN when
 * every value is missing.  flags collects the flags of the values. */
static double cell_sum(const silk_cube *cube, const size_t *os, size_t no,
                       const size_t *ds, size_t nd, size_t p,
                       uint32_t *flags)
{
    double sum = NAN;
    for (size_t a = 0; a < no; a++)
        for (size_t b = 0; b < nd; b++) {
            size_t at = silk_cube_index(cube, os[a], ds[b], p);
            double v = cube->value[at];
            if (!isnan(v))
                sum = isnan(sum) ? v : sum + v;
            if (flags)
                *flags |= cube->flags[at];
        }
    return sum;
}

static void period_text(const silk_cube *cube, size_t p,
                        char out[SILK_PERIOD_LABEL_MAX])
{
    silk_period_format(cube->period[p], out);
}

/* The source line: --source, or the indicator's, and the engine. */
static void make_source(run *r, const char *recorded, const char *note)
{
    snprintf(r->source, sizeof r->source, "Source: %s.%s%s Chart: silkstat "
             "%s.",
             r->opt.source ? r->opt.source
             : recorded && recorded[0] ? recorded
                                       : "not recorded",
             note ? " " : "", note ? note : "", SILK_VERSION);
}

static silk_chart_frame frame_of(const run *r, const char *title,
                                 const char *subtitle, const char *unit)
{
    return (silk_chart_frame){
        .title = r->opt.title ? r->opt.title : title,
        .subtitle = r->opt.subtitle ? r->opt.subtitle : subtitle,
        .y_label = unit,
        .source = r->source,
        .out_path = r->opt.out,
        .gnuplot = getenv("SILKSTAT_GNUPLOT"),
    };
}

/* A whole number option in [lo, hi], or def when absent. */
static bool parse_count(const char *text, const char *name, size_t def,
                        size_t lo, size_t hi, size_t *out, silk_error *err)
{
    *out = def;
    if (text == NULL)
        return true;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || text[0] == '-' || v < lo || v > hi) {
        silk_error_set(err, SILK_EINVAL,
                       "--%s '%s' is not a whole number from %zu to %zu",
                       name, text, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

/* --alpha etc.: a number in [lo, hi], or NaN (fit it) when absent. */
static bool parse_parameter(const char *text, const char *name, double lo,
                            double hi, double *out, silk_error *err)
{
    *out = NAN;
    if (text == NULL)
        return true;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= lo && v <= hi)) {
        silk_error_set(err, SILK_EINVAL,
                       "--%s '%s' is not a number from %g to %g", name, text,
                       lo, hi);
        return false;
    }
    *out = v;
    return true;
}

/* The position of period text in the cube, within [from, to]. */
static bool find_period(const run *r, const char *text, const char *option,
                        size_t *out, silk_error *err)
{
    silk_period p;
    if (silk_period_parse(text, strlen(text), &p) != SILK_OK) {
        silk_error_set(err, SILK_EINVAL,
                       "%s '%s' is not a period; expected YYYY, YYYY-Qn or "
                       "YYYY-MM", option, text);
        return false;
    }
    for (size_t i = 0; i < r->cube->n_period; i++)
        if (silk_period_compare(r->cube->period[i], p) == 0) {
            *out = i;
            return true;
        }
    silk_error_set(err, SILK_ENOTFOUND, "indicator '%s' has no period '%s'",
                   r->cube->indicator, text);
    return false;
}

/* ---- categories: destinations, origins or corridors ----------------- */

typedef struct category {
    size_t o, d; /* with BY_DESTINATION o is unused, BY_ORIGIN d */
    double rank; /* the value ranked on */
    char label[MAX_TEXT];
    unsigned colour;
} category;

static int by_rank(const void *a, const void *b)
{
    const category *x = a, *y = b;
    if (isnan(x->rank) != isnan(y->rank))
        return isnan(x->rank) ? 1 : -1;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    /* stable: keep the store's order */
    if (x->o != y->o)
        return x->o < y->o ? -1 : 1;
    return x->d < y->d ? -1 : x->d > y->d;
}

/* The value of category c at period p: the sum over the other axis. */
static double category_value(const run *r, const category *c, size_t p,
                             uint32_t *flags)
{
    switch (r->by) {
    case BY_DESTINATION:
        return cell_sum(r->cube, r->po.index, r->po.n, &c->d, 1, p, flags);
    case BY_ORIGIN:
        return cell_sum(r->cube, &c->o, 1, r->pd.index, r->pd.n, p, flags);
    default:
        return cell_sum(r->cube, &c->o, 1, &c->d, 1, p, flags);
    }
}

/* Every category of the selection, ranked by rank_period's value (or,
 * with rank_period == SIZE_MAX, the sum over [first, end)); those without
 * a value there are left out.  *out is the caller's (free). */
static int make_categories(run *r, size_t rank_period, category **out,
                           size_t *n_out, silk_error *err)
{
    const silk_cube *cube = r->cube;
    const silk_countries *names = r->opt.countries;
    size_t n = r->by == BY_DESTINATION ? r->pd.n
               : r->by == BY_ORIGIN    ? r->po.n
                                       : r->po.n * r->pd.n;
    category *cats = calloc(n ? n : 1, sizeof *cats);
    if (cats == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        category *c = &cats[k];
        if (r->by == BY_DESTINATION) {
            c->d = r->pd.index[i];
        } else if (r->by == BY_ORIGIN) {
            c->o = r->po.index[i];
        } else {
            c->o = r->po.index[i / r->pd.n];
            c->d = r->pd.index[i % r->pd.n];
        }
        if (rank_period != SIZE_MAX) {
            c->rank = category_value(r, c, rank_period, NULL);
        } else {
            c->rank = NAN;
            for (size_t p = r->first; p < r->end; p++) {
                double v = category_value(r, c, p, NULL);
                if (!isnan(v))
                    c->rank = isnan(c->rank) ? v : c->rank + v;
            }
        }
        if (isnan(c->rank))
            continue;
        const char *o = cube->origin[c->o], *d = cube->destination[c->d];
        if (r->by == BY_DESTINATION) {
            snprintf(c->label, sizeof c->label, "%s", name_of(names, d));
            c->colour = silk_chart_country_colour(d);
        } else if (r->by == BY_ORIGIN) {
            snprintf(c->label, sizeof c->label, "%s", name_of(names, o));
            c->colour = silk_chart_country_colour(o);
        } else {
            snprintf(c->label, sizeof c->label, "%s \xE2\x86\x92 %s",
                     name_of(names, o), name_of(names, d));
        }
        k++;
    }
    qsort(cats, k, sizeof *cats, by_rank);
    *out = cats;
    *n_out = k;
    return SILK_OK;
}

static const char *by_noun(enum by by)
{
    return by == BY_DESTINATION ? "destinations"
           : by == BY_ORIGIN    ? "origins"
                                : "corridors";
}

/* The last period in [first, end) where the selection has a value. */
static size_t latest_period(const run *r)
{
    for (size_t p = r->end; p-- > r->first;)
        if (!isnan(cell_sum(r->cube, r->po.index, r->po.n, r->pd.index,
                            r->pd.n, p, NULL)))
            return p;
    return SIZE_MAX;
}

/* The period of a one-period chart (bars, heatmap): --period, or the
 * latest with a value in the selection. */
static int snapshot_period(run *r, size_t *p)
{
    if (r->opt.period != NULL)
        return find_period(r, r->opt.period, "--period", p, &r->err)
                   ? SILK_OK
                   : r->err.code;
    if ((*p = latest_period(r)) == SIZE_MAX)
        return silk_error_set(&r->err, SILK_ENOTFOUND,
                              "no values for indicator '%s' in the selection",
                              r->cube->indicator);
    return SILK_OK;
}

/* ---- line, multiples, fan: series over time ------------------------- */

typedef struct series_set {
    size_t n, np;
    double *x[MAX_SERIES], *y[MAX_SERIES];
    double *lo[MAX_SERIES], *hi[MAX_SERIES];
    uint32_t *flags[MAX_SERIES];
    char label[MAX_SERIES][MAX_TEXT];
    silk_chart_line lines[MAX_SERIES];
    silk_chart_band bands[MAX_SERIES];
    size_t span_first, span_last; /* periods with values */
} series_set;

static void series_release(series_set *s)
{
    for (size_t i = 0; i < MAX_SERIES; i++) {
        free(s->x[i]);
        free(s->y[i]);
        free(s->lo[i]);
        free(s->hi[i]);
        free(s->flags[i]);
    }
}

/* The OLS trend of line l (and with band, its 95% confidence band of
 * the mean at every period of the fit's span). */
static void fit_trend(const run *r, series_set *s, size_t l, bool band)
{
    const silk_cube *cube = r->cube;
    size_t np = s->np, n_fit = 0;
    double *t = malloc((np + 1) * sizeof *t);
    double *yy = malloc((np + 1) * sizeof *yy);
    if (t == NULL || yy == NULL)
        goto done;
    for (size_t i = 0; i < np; i++)
        if (!isnan(s->y[l][i])) {
            t[n_fit] = (double)silk_period_ordinal(cube->period[r->first + i]);
            yy[n_fit++] = s->y[l][i];
        }
    silk_ols ols;
    silk_error fit_err = {0};
    if (n_fit < 3 || silk_trend_ols(t, yy, n_fit, &ols, &fit_err) != SILK_OK)
        goto done;
    silk_chart_line *line = &s->lines[l];
    line->has_trend = true;
    line->trend_x0 = silk_period_decimal_year(
        silk_period_from_ordinal(cube->freq, (long)t[0]));
    line->trend_x1 = silk_period_decimal_year(
        silk_period_from_ordinal(cube->freq, (long)t[n_fit - 1]));
    line->trend_y0 = ols.intercept + ols.slope * t[0];
    line->trend_y1 = ols.intercept + ols.slope * t[n_fit - 1];
    if (!band)
        goto done;
    s->lo[l] = malloc(np * sizeof **s->lo);
    s->hi[l] = malloc(np * sizeof **s->hi);
    if (s->lo[l] == NULL || s->hi[l] == NULL)
        goto done;
    for (size_t i = 0; i < np; i++) {
        double ti = (double)silk_period_ordinal(cube->period[r->first + i]);
        silk_ols_prediction pr;
        s->lo[l][i] = s->hi[l][i] = NAN;
        if (ti >= t[0] && ti <= t[n_fit - 1] &&
            silk_trend_ols_predict(&ols, ti, 0.05, &pr, &fit_err) ==
                SILK_OK) {
            s->lo[l][i] = pr.mean_lo;
            s->hi[l][i] = pr.mean_hi;
        }
    }
    s->bands[l] = (silk_chart_band){s->lo[l], s->hi[l]};
done:
    free(t);
    free(yy);
}

/* One series per origin (with --total: summing the destinations) or per
 * (origin, destination) pair with data, at most max. */
static int make_series(run *r, size_t max, bool trend, bool band,
                       series_set *s, silk_error *err)
{
    const silk_cube *cube = r->cube;
    const silk_countries *names = r->opt.countries;
    bool total = r->opt.total;
    size_t n_groups = total ? 1 : r->pd.n;
    size_t np = r->end - r->first;
    memset(s, 0, sizeof *s);
    s->np = np;
    s->span_first = r->end;
    s->span_last = r->first;
    for (size_t a = 0; a < r->po.n; a++)
        for (size_t g = 0; g < n_groups; g++) {
            size_t o = r->po.index[a];
            const size_t *dests = total ? r->pd.index : &r->pd.index[g];
            size_t n_dests = total ? r->pd.n : 1;
            size_t l = s->n;
            bool any = false;
            for (size_t p = r->first; p < r->end && !any; p++)
                any = !isnan(cell_sum(cube, &o, 1, dests, n_dests, p, NULL));
            if (!any)
                continue; /* nothing to draw for this pair */
            if (l == max)
                return silk_error_set(
                    err, SILK_EINVAL,
                    "more than %zu series selected; a %s chart shows at "
                    "most %zu (select fewer, use --total%s, or draw several "
                    "charts)", max, type_names[r->type], max,
                    r->type == T_LINE ? ", --type multiples" : "");
            s->x[l] = malloc((np + 1) * sizeof **s->x);
            s->y[l] = malloc((np + 1) * sizeof **s->y);
            s->flags[l] = calloc(np + 1, sizeof **s->flags);
            if (!s->x[l] || !s->y[l] || !s->flags[l])
                return silk_error_set(err, SILK_ENOMEM, "out of memory");
            s->n++;
            for (size_t p = r->first; p < r->end; p++) {
                double v = cell_sum(cube, &o, 1, dests, n_dests, p,
                                    &s->flags[l][p - r->first]);
                s->x[l][p - r->first] =
                    silk_period_decimal_year(cube->period[p]);
                s->y[l][p - r->first] = v;
                if (!isnan(v)) {
                    s->span_first = p < s->span_first ? p : s->span_first;
                    s->span_last = p > s->span_last ? p : s->span_last;
                }
            }
            size_t d = dests[0];
            bool pairs = r->po.n > 1 && r->pd.n > 1 && !total;
            const char *code = r->pd.n > 1 && !total ? cube->destination[d]
                                                     : cube->origin[o];
            if (pairs)
                snprintf(s->label[l], MAX_TEXT, "%s to %s",
                         name_of(names, cube->origin[o]),
                         name_of(names, cube->destination[d]));
            else
                snprintf(s->label[l], MAX_TEXT, "%s", name_of(names, code));
            s->lines[l] = (silk_chart_line){
                .label = s->label[l], .n = np, .x = s->x[l], .y = s->y[l],
                .flags = s->flags[l],
                .colour = silk_chart_country_colour(code)};
            if (trend)
                fit_trend(r, s, l, band);
        }
    if (s->n == 0)
        return silk_error_set(err, SILK_ENOTFOUND,
                              "no values for indicator '%s' in the selection",
                              cube->indicator);
    unsigned colours[MAX_SERIES];
    for (size_t l = 0; l < s->n; l++)
        colours[l] = s->lines[l].colour;
    assign_free_colours(colours, s->n, false);
    for (size_t l = 0; l < s->n; l++)
        s->lines[l].colour = colours[l];
    return SILK_OK;
}

/* The default title of a chart of series over time. */
static void series_title(const run *r, char *title, size_t size)
{
    const silk_cube *cube = r->cube;
    char what[200], origins[600], destinations[600];
    indicator_title(cube->indicator, what, sizeof what);
    scope_text(origins, sizeof origins, cube, &r->po, r->opt.origin, false,
               r->opt.countries);
    scope_text(destinations, sizeof destinations, cube, &r->pd,
               r->opt.destination, true, r->opt.countries);
    if (r->pd.n == 1 && cube->destination[r->pd.index[0]][0] == '\0')
        snprintf(title, size, "%s: %s", what, origins);
    else if (r->opt.total && (r->opt.destination == NULL ||
                              strcmp(r->opt.destination, "*") == 0))
        snprintf(title, size, "%s from %s, all destinations", what, origins);
    else
        snprintf(title, size, "%s from %s in %s", what, origins,
                 destinations);
}

static int draw_lines(run *r)
{
    bool multiples = r->type == T_MULTIPLES;
    bool trend = !r->opt.no_trend;
    series_set s;
    int rc = make_series(r, multiples ? MAX_SERIES : MAX_LINES, trend,
                         trend && r->opt.band, &s, &r->err);
    if (rc == SILK_OK) {
        const silk_cube *cube = r->cube;
        char title[1600], subtitle[1400];
        char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
        series_title(r, title, sizeof title);
        period_text(cube, s.span_first, from);
        period_text(cube, s.span_last, to);
        snprintf(subtitle, sizeof subtitle, "%s%s%s-%s%s%s",
                 cube->unit[0] ? cube->unit : "", cube->unit[0] ? ", " : "",
                 from, to, trend ? "; dashed: linear trend (OLS)" : "",
                 trend && r->opt.band ? ", shaded: its 95% confidence band"
                                      : "");
        make_source(r, cube->source, NULL);
        for (size_t l = 0; l < s.n; l++)
            for (size_t p = r->first; p < r->end; p++) {
                char when[SILK_PERIOD_LABEL_MAX];
                period_text(cube, p, when);
                figure(r, s.label[l], when, s.y[l][p - r->first],
                       s.flags[l][p - r->first]);
            }
        silk_chart_frame fr = frame_of(r, title, subtitle, cube->unit);
        bool bands = trend && r->opt.band;
        if (multiples) {
            silk_chart_multiples_spec spec = {
                .frame = fr, .panels = s.lines, .n_panels = s.n,
                .bands = bands ? s.bands : NULL,
                .markers = r->opt.marks, .n_markers = r->opt.n_marks};
            rc = silk_chart_render_multiples(&spec, &r->err);
        } else {
            silk_chart_spec spec = {
                .title = fr.title, .subtitle = fr.subtitle,
                .y_label = fr.y_label, .source = fr.source,
                .lines = s.lines, .n_lines = s.n, .markers = r->opt.marks,
                .n_markers = r->opt.n_marks, .out_path = fr.out_path,
                .gnuplot = fr.gnuplot};
            rc = silk_chart_render_bands(&spec, bands ? s.bands : NULL,
                                         &r->err);
        }
    }
    series_release(&s);
    return rc;
}

static int draw_fan(run *r)
{
    series_set s;
    size_t horizon;
    silk_holt_spec hs = {NAN, NAN, NAN, NAN, NAN};
    silk_holt fit;
    double *filled = NULL, *fx = NULL, *pts = NULL;
    int rc = SILK_EINVAL;
    memset(&s, 0, sizeof s);
    if (!parse_count(r->opt.horizon, "horizon", 5, 1, 100, &horizon,
                     &r->err) ||
        !parse_parameter(r->opt.alpha, "alpha", 1e-4, 1, &hs.alpha,
                         &r->err) ||
        !parse_parameter(r->opt.beta, "beta", 0, 1, &hs.beta, &r->err) ||
        !parse_parameter(r->opt.phi, "phi", 1e-4, 1, &hs.phi, &r->err))
        goto done;
    r->type = T_FAN;
    rc = make_series(r, 1, false, false, &s, &r->err);
    if (rc == SILK_EINVAL && strncmp(r->err.message, "more than", 9) == 0)
        rc = silk_error_set(&r->err, SILK_EINVAL,
                            "a fan chart forecasts one series: select one "
                            "origin and one destination, or use --total");
    if (rc != SILK_OK)
        goto done;
    const silk_cube *cube = r->cube;
    /* Holt needs one value a period: fill the gaps between the first and
     * the last observed value linearly, as `silkstat forecast` does. */
    size_t lo = s.span_first - r->first, hi = s.span_last - r->first;
    size_t n = hi - lo + 1, n_filled = 0;
    if (n < 4) {
        rc = silk_error_set(&r->err, SILK_ETOOFEW,
                            "a forecast needs at least 4 periods with "
                            "values; '%s' has %zu", s.label[0], n);
        goto done;
    }
    filled = malloc(n * sizeof *filled);
    fx = malloc(horizon * sizeof *fx);
    pts = malloc(5 * horizon * sizeof *pts);
    if (filled == NULL || fx == NULL || pts == NULL) {
        rc = silk_error_set(&r->err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    rc = silk_fill_gaps(NULL, s.y[0] + lo, n, SILK_FILL_LINEAR, 0, filled,
                        NULL, &n_filled, &r->err);
    if (rc == SILK_OK)
        rc = silk_holt_fit(filled, n, &hs, &fit, &r->err);
    long last = silk_period_ordinal(cube->period[s.span_last]);
    double *mean = pts, *lo80 = pts + horizon, *hi80 = pts + 2 * horizon;
    double *lo95 = pts + 3 * horizon, *hi95 = pts + 4 * horizon;
    for (size_t h = 1; h <= horizon && rc == SILK_OK; h++) {
        silk_holt_point pt;
        rc = silk_holt_forecast(&fit, h, &pt, &r->err);
        fx[h - 1] = silk_period_decimal_year(
            silk_period_from_ordinal(cube->freq, last + (long)h));
        mean[h - 1] = pt.mean;
        lo80[h - 1] = pt.lo80;
        hi80[h - 1] = pt.hi80;
        lo95[h - 1] = pt.lo95;
        hi95[h - 1] = pt.hi95;
    }
    if (rc != SILK_OK)
        goto done;

    char title[1600], subtitle[1400], from[SILK_PERIOD_LABEL_MAX];
    char to[SILK_PERIOD_LABEL_MAX], until[SILK_PERIOD_LABEL_MAX];
    series_title(r, title, sizeof title);
    period_text(cube, s.span_first, from);
    period_text(cube, s.span_last, to);
    silk_period_format(
        silk_period_from_ordinal(cube->freq, last + (long)horizon), until);
    snprintf(subtitle, sizeof subtitle,
             "%s%s%s-%s; forecast to %s with 80%% and 95%% prediction "
             "intervals", cube->unit[0] ? cube->unit : "",
             cube->unit[0] ? ", " : "", from, to, until);
    char note[300];
    snprintf(note, sizeof note, "Forecast: Holt's damped trend (alpha %.2f, "
             "beta %.2f, phi %.2f%s).", fit.alpha, fit.beta, fit.phi,
             n_filled ? "; gaps filled linearly first" : "");
    make_source(r, cube->source, note);
    for (size_t p = r->first; p < r->end; p++) {
        char when[SILK_PERIOD_LABEL_MAX];
        period_text(cube, p, when);
        figure(r, s.label[0], when, s.y[0][p - r->first],
               s.flags[0][p - r->first]);
    }
    for (size_t h = 1; h <= horizon; h++) {
        static const char *const what[] = {"forecast", "80% low", "80% high",
                                           "95% low", "95% high"};
        char when[SILK_PERIOD_LABEL_MAX], label[MAX_TEXT + 16];
        ordinal_text(cube->freq, last + (long)h, when);
        for (size_t k = 0; k < 5; k++) {
            snprintf(label, sizeof label, "%s, %s", s.label[0], what[k]);
            figure(r, label, when, pts[k * horizon + h - 1], 0);
        }
    }
    silk_chart_fan_spec spec = {
        .frame = frame_of(r, title, subtitle, cube->unit),
        .label = s.label[0],
        .colour = s.lines[0].colour,
        .n_history = s.np,
        .history_x = s.x[0],
        .history_y = s.y[0],
        .history_flags = s.flags[0],
        .n_forecast = horizon,
        .forecast_x = fx,
        .mean = mean, .lo80 = lo80, .hi80 = hi80, .lo95 = lo95, .hi95 = hi95,
        .markers = r->opt.marks,
        .n_markers = r->opt.n_marks};
    rc = silk_chart_render_fan(&spec, &r->err);
done:
    free(filled);
    free(fx);
    free(pts);
    series_release(&s);
    return rc;
}

/* ---- bars, grouped, dumbbell, heatmap -------------------------------- */

/* The periods of --periods (2 to max), in the cube. */
static int parse_periods(run *r, size_t min, size_t max, size_t *out,
                         size_t *n)
{
    const char *list = r->opt.periods;
    *n = 0;
    if (list == NULL)
        return silk_error_set(&r->err, SILK_EINVAL,
                              "chart --type %s needs --periods P1,P2%s",
                              type_names[r->type], max > 2 ? "[,...]" : "");
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char text[64];
        snprintf(text, sizeof text, "%.*s", (int)len, p);
        if (*n == max)
            return silk_error_set(&r->err, SILK_EINVAL,
                                  "--periods '%s': at most %zu periods",
                                  list, max);
        if (!find_period(r, text, "--periods", &out[*n], &r->err))
            return r->err.code;
        (*n)++;
        p += len + (p[len] == ',');
    }
    if (*n < min)
        return silk_error_set(&r->err, SILK_EINVAL,
                              "--periods '%s': expected %s%zu periods", list,
                              min == max ? "" : "at least ", min);
    return SILK_OK;
}

static int draw_bars(run *r)
{
    const silk_cube *cube = r->cube;
    category *cats = NULL;
    size_t n_cats = 0, top, p;
    int rc;
    if (!parse_count(r->opt.top, "top", 10, 1, SILK_CHART_MAX_BARS, &top,
                     &r->err))
        return SILK_EINVAL;
    rc = snapshot_period(r, &p);
    if (rc != SILK_OK)
        return rc;
    rc = make_categories(r, p, &cats, &n_cats, &r->err);
    if (rc != SILK_OK)
        return rc;
    /* Zeros are not "top" anything. */
    size_t n_nonzero = 0;
    while (n_nonzero < n_cats && cats[n_nonzero].rank != 0)
        n_nonzero++;
    size_t n = n_nonzero < top ? n_nonzero : top;
    if (n == 0) {
        free(cats);
        return silk_error_set(&r->err, SILK_ENOTFOUND,
                              "no values for indicator '%s' in the selection "
                              "in %s", cube->indicator,
                              r->opt.period ? r->opt.period : "any period");
    }
    const char *labels[SILK_CHART_MAX_BARS];
    double values[SILK_CHART_MAX_BARS];
    unsigned colours[SILK_CHART_MAX_BARS];
    for (size_t i = 0; i < n; i++) {
        labels[i] = cats[i].label;
        values[i] = cats[i].rank;
        /* One blue for all: a ranking, not an identity; the Silk Routes
         * countries keep their colour only where they are the subject. */
        colours[i] = 1;
    }
    char when[SILK_PERIOD_LABEL_MAX], title[1400], subtitle[1400];
    char scope[600], what[200];
    period_text(cube, p, when);
    indicator_title(cube->indicator, what, sizeof what);
    if (r->by == BY_DESTINATION)
        scope_text(scope, sizeof scope, cube, &r->po, r->opt.origin, false,
                   r->opt.countries);
    else
        scope_text(scope, sizeof scope, cube, &r->pd, r->opt.destination,
                   true, r->opt.countries);
    if (r->by == BY_CORRIDOR)
        snprintf(title, sizeof title, "%s: the %zu largest corridors, %s",
                 what, n, when);
    else
        snprintf(title, sizeof title, "%s %s %s: the %zu largest %s, %s",
                 what, r->by == BY_DESTINATION ? "from" : "in", scope, n,
                 by_noun(r->by), when);
    snprintf(subtitle, sizeof subtitle, "%s%s%s; %zu %s with a value in "
             "all", cube->unit[0] ? cube->unit : "",
             cube->unit[0] ? ", " : "", when, n_cats, by_noun(r->by));
    make_source(r, cube->source, NULL);
    for (size_t i = 0; i < n; i++)
        figure(r, labels[i], when, values[i], 0);
    silk_chart_bars_spec spec = {
        .frame = frame_of(r, title, subtitle, cube->unit),
        .n = n, .labels = labels, .values = values, .colours = colours};
    rc = silk_chart_render_bars(&spec, &r->err);
    free(cats);
    return rc;
}

/* grouped and dumbbell: --periods per category. */
static int draw_periods(run *r)
{
    const silk_cube *cube = r->cube;
    bool dumbbell = r->type == T_DUMBBELL;
    size_t periods[SILK_CHART_MAX_GROUPS], n_periods, top;
    category *cats = NULL;
    size_t n_cats = 0;
    size_t max_cats = dumbbell ? SILK_CHART_MAX_BARS
                               : SILK_CHART_MAX_CATEGORIES;
    int rc;
    if (!parse_count(r->opt.top, "top", dumbbell ? 10 : 8, 1, max_cats, &top,
                     &r->err))
        return SILK_EINVAL;
    if (r->by == BY_CORRIDOR && !dumbbell)
        return silk_error_set(&r->err, SILK_EINVAL,
                              "--by corridor is for --type bars and "
                              "dumbbell");
    rc = parse_periods(r, 2, dumbbell ? 2 : SILK_CHART_MAX_GROUPS, periods,
                       &n_periods);
    if (rc != SILK_OK)
        return rc;
    /* Ranked on the last period named (the "now"). */
    rc = make_categories(r, periods[n_periods - 1], &cats, &n_cats, &r->err);
    if (rc != SILK_OK)
        return rc;
    size_t n = n_cats < top ? n_cats : top;
    if (n == 0) {
        free(cats);
        return silk_error_set(&r->err, SILK_ENOTFOUND,
                              "no values for indicator '%s' in the selection "
                              "in %s", cube->indicator,
                              r->opt.periods);
    }
    const char *labels[SILK_CHART_MAX_BARS];
    char group_text[SILK_CHART_MAX_GROUPS][SILK_PERIOD_LABEL_MAX];
    const char *groups[SILK_CHART_MAX_GROUPS];
    double values[SILK_CHART_MAX_GROUPS * SILK_CHART_MAX_BARS];
    for (size_t g = 0; g < n_periods; g++) {
        period_text(cube, periods[g], group_text[g]);
        groups[g] = group_text[g];
        for (size_t c = 0; c < n; c++)
            values[g * n + c] = category_value(r, &cats[c], periods[g],
                                               NULL);
    }
    for (size_t c = 0; c < n; c++)
        labels[c] = cats[c].label;
    char title[1400], subtitle[1400], scope[600], what[200], when[200];
    indicator_title(cube->indicator, what, sizeof what);
    list_texts(when, sizeof when, groups, n_periods);
    if (r->by == BY_DESTINATION)
        scope_text(scope, sizeof scope, cube, &r->po, r->opt.origin, false,
                   r->opt.countries);
    else
        scope_text(scope, sizeof scope, cube, &r->pd, r->opt.destination,
                   true, r->opt.countries);
    if (r->by == BY_CORRIDOR)
        snprintf(title, sizeof title, "%s by corridor, %s", what, when);
    else
        snprintf(title, sizeof title, "%s %s %s by %s, %s", what,
                 r->by == BY_DESTINATION ? "from" : "in", scope,
                 r->by == BY_DESTINATION ? "destination" : "origin", when);
    snprintf(subtitle, sizeof subtitle,
             "%s%sthe top %zu of %zu %s in %s", cube->unit[0] ?
             cube->unit : "", cube->unit[0] ? "; " : "", n, n_cats,
             by_noun(r->by), group_text[n_periods - 1]);
    make_source(r, cube->source, NULL);
    for (size_t c = 0; c < n; c++)
        for (size_t g = 0; g < n_periods; g++)
            figure(r, labels[c], groups[g], values[g * n + c], 0);
    silk_chart_frame fr = frame_of(r, title, subtitle, cube->unit);
    if (dumbbell) {
        silk_chart_dumbbell_spec spec = {
            .frame = fr, .n = n, .labels = labels, .then = values,
            .now = values + n, .then_label = groups[0],
            .now_label = groups[1]};
        rc = silk_chart_render_dumbbell(&spec, &r->err);
    } else {
        silk_chart_grouped_spec spec = {
            .frame = fr, .n_groups = n_periods, .n_categories = n,
            .groups = groups, .categories = labels, .values = values};
        rc = silk_chart_render_grouped(&spec, &r->err);
    }
    free(cats);
    return rc;
}

static int draw_heatmap(run *r)
{
    const silk_cube *cube = r->cube;
    size_t top, p;
    int rc = SILK_OK;
    if (!parse_count(r->opt.top, "top", 12, 1, SILK_CHART_MAX_CELLS_AXIS,
                     &top, &r->err))
        return SILK_EINVAL;
    rc = snapshot_period(r, &p);
    if (rc != SILK_OK)
        return rc;
    /* Rows: origins ranked by their total over the selected destinations;
     * columns: destinations ranked by their total over the kept rows. */
    category *rows = NULL, *cols = NULL;
    size_t n_rows = 0, n_cols = 0;
    r->by = BY_ORIGIN;
    rc = make_categories(r, p, &rows, &n_rows, &r->err);
    if (rc == SILK_OK) {
        if (n_rows > top)
            n_rows = top;
        cli_pick kept = {NULL, 0}, saved = r->po;
        kept.index = malloc((n_rows + 1) * sizeof *kept.index);
        if (kept.index == NULL) {
            rc = silk_error_set(&r->err, SILK_ENOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < n_rows; i++)
                kept.index[kept.n++] = rows[i].o;
            r->po = kept;
            r->by = BY_DESTINATION;
            rc = make_categories(r, p, &cols, &n_cols, &r->err);
            r->po = saved;
            free(kept.index);
        }
    }
    if (rc == SILK_OK && (n_rows == 0 || n_cols == 0))
        rc = silk_error_set(&r->err, SILK_ENOTFOUND,
                            "no values for indicator '%s' in the selection",
                            cube->indicator);
    if (rc != SILK_OK)
        goto done;
    if (n_cols > top)
        n_cols = top;
    const char *row_labels[SILK_CHART_MAX_CELLS_AXIS];
    const char *col_labels[SILK_CHART_MAX_CELLS_AXIS];
    double values[SILK_CHART_MAX_CELLS_AXIS * SILK_CHART_MAX_CELLS_AXIS];
    for (size_t i = 0; i < n_rows; i++) {
        row_labels[i] = rows[i].label;
        for (size_t j = 0; j < n_cols; j++)
            values[i * n_cols + j] = cell_sum(cube, &rows[i].o, 1,
                                              &cols[j].d, 1, p, NULL);
    }
    for (size_t j = 0; j < n_cols; j++)
        col_labels[j] = cols[j].label;
    char when[SILK_PERIOD_LABEL_MAX], title[1200], subtitle[1400];
    period_text(cube, p, when);
    char what[200];
    indicator_title(cube->indicator, what, sizeof what);
    snprintf(title, sizeof title, "%s by origin and destination, %s", what,
             when);
    snprintf(subtitle, sizeof subtitle,
             "%s%s%s; the largest %zu origins and %zu destinations%s; "
             "grey: no data", cube->unit[0] ? cube->unit : "",
             cube->unit[0] ? ", " : "", when, n_rows, n_cols,
             r->opt.log ? "; colours on a log scale" : "");
    make_source(r, cube->source, NULL);
    for (size_t i = 0; i < n_rows; i++)
        for (size_t j = 0; j < n_cols; j++) {
            char label[2 * MAX_TEXT + 8];
            snprintf(label, sizeof label, "%s to %s", row_labels[i],
                     col_labels[j]);
            figure(r, label, when, values[i * n_cols + j], 0);
        }
    silk_chart_heatmap_spec spec = {
        .frame = frame_of(r, title, subtitle, cube->unit),
        .n_rows = n_rows, .n_cols = n_cols, .rows = row_labels,
        .cols = col_labels, .values = values, .log_scale = r->opt.log,
        .row_title = "Origin", .col_title = "Destination"};
    rc = silk_chart_render_heatmap(&spec, &r->err);
done:
    free(rows);
    free(cols);
    return rc;
}

/* ---- area ----------------------------------------------------------- */

typedef struct stack {
    size_t n_x, n_layers;
    double *x;
    double *y[SILK_CHART_MAX_LAYERS];
    char label[SILK_CHART_MAX_LAYERS][MAX_TEXT];
    silk_chart_series layers[SILK_CHART_MAX_LAYERS];
    long first_ordinal;
    silk_freq freq;
} stack;

static void stack_release(stack *st)
{
    free(st->x);
    for (size_t j = 0; j < SILK_CHART_MAX_LAYERS; j++)
        free(st->y[j]);
}

/* A period where some layer has a value: the missing layers count as
 * zero there (--total's rule); a period where none has one stays a
 * gap.  Leading and trailing gaps are dropped. */
static int stack_finish(stack *st, silk_error *err)
{
    size_t lo = st->n_x, hi = 0;
    for (size_t i = 0; i < st->n_x; i++) {
        bool any = false;
        for (size_t j = 0; j < st->n_layers; j++)
            any = any || !isnan(st->y[j][i]);
        if (!any)
            continue;
        for (size_t j = 0; j < st->n_layers; j++)
            if (isnan(st->y[j][i]))
                st->y[j][i] = 0;
        lo = i < lo ? i : lo;
        hi = i;
    }
    if (lo == st->n_x)
        return silk_error_set(err, SILK_ENOTFOUND,
                              "no values in the selection to stack");
    st->x += lo; /* moved back before freeing */
    for (size_t j = 0; j < st->n_layers; j++)
        st->y[j] += lo;
    st->first_ordinal += (long)lo;
    st->n_x = hi - lo + 1;
    for (size_t j = 0; j < st->n_layers; j++)
        st->layers[j].y = st->y[j];
    return SILK_OK;
}

static void stack_unshift(stack *st, size_t shift)
{
    st->x -= shift;
    for (size_t j = 0; j < st->n_layers; j++)
        st->y[j] -= shift;
}

static int stack_alloc(stack *st, size_t n_x, size_t n_layers,
                       silk_error *err)
{
    st->n_x = n_x;
    st->n_layers = n_layers;
    st->x = malloc((n_x + 1) * sizeof *st->x);
    if (st->x == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t j = 0; j < n_layers; j++) {
        st->y[j] = malloc((n_x + 1) * sizeof **st->y);
        if (st->y[j] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        for (size_t i = 0; i < n_x; i++)
            st->y[j][i] = NAN;
    }
    return SILK_OK;
}

/* Layers: the top --top destinations (or origins) over the whole range,
 * then "Other" for the rest. */
static int stack_by_country(run *r, stack *st)
{
    const silk_cube *cube = r->cube;
    size_t top;
    category *cats = NULL;
    size_t n_cats = 0;
    if (!parse_count(r->opt.top, "top", 5, 1, SILK_CHART_MAX_LAYERS - 1, &top,
                     &r->err))
        return SILK_EINVAL;
    int rc = make_categories(r, SIZE_MAX, &cats, &n_cats, &r->err);
    if (rc != SILK_OK)
        return rc;
    size_t n_top = n_cats < top ? n_cats : top;
    bool other = n_cats > n_top;
    size_t n_x = r->end - r->first;
    rc = stack_alloc(st, n_x, n_top + other, &r->err);
    if (rc == SILK_OK && n_cats == 0)
        rc = silk_error_set(&r->err, SILK_ENOTFOUND,
                            "no values for indicator '%s' in the selection",
                            cube->indicator);
    if (rc != SILK_OK)
        goto done;
    st->freq = cube->freq;
    st->first_ordinal = silk_period_ordinal(cube->period[r->first]);
    for (size_t i = 0; i < n_x; i++)
        st->x[i] = silk_period_decimal_year(cube->period[r->first + i]);
    unsigned colours[SILK_CHART_MAX_LAYERS] = {0};
    for (size_t c = 0; c < n_cats; c++) {
        size_t j = c < n_top ? c : n_top;
        for (size_t i = 0; i < n_x; i++) {
            double v = category_value(r, &cats[c], r->first + i, NULL);
            if (!isnan(v))
                st->y[j][i] = isnan(st->y[j][i]) ? v : st->y[j][i] + v;
        }
        if (c < n_top) {
            snprintf(st->label[j], MAX_TEXT, "%s", cats[c].label);
            colours[j] = cats[c].colour;
        }
    }
    if (other) {
        snprintf(st->label[n_top], MAX_TEXT, "Other (%zu)", n_cats - n_top);
        colours[n_top] = SILK_CHART_OTHER;
    }
    assign_free_colours(colours, st->n_layers, true);
    for (size_t j = 0; j < st->n_layers; j++)
        st->layers[j] = (silk_chart_series){st->label[j], st->y[j],
                                            colours[j]};
done:
    free(cats);
    return rc;
}

/* Layers: one indicator each (population types), on the union of their
 * periods; each summed over the selected origins and destinations it
 * has. */
static int stack_by_indicator(run *r, stack *st)
{
    silk_store *store = NULL;
    silk_cube *cubes[SILK_CHART_MAX_LAYERS] = {NULL};
    cli_pick po[SILK_CHART_MAX_LAYERS], pd[SILK_CHART_MAX_LAYERS];
    size_t n = 0;
    int rc = cli_load_countries(&r->opt, false, &r->err);
    memset(po, 0, sizeof po);
    memset(pd, 0, sizeof pd);
    if (rc == SILK_OK)
        rc = silk_store_open(r->opt.store, &store, &r->err);
    for (const char *p = r->opt.indicator; rc == SILK_OK && *p;) {
        size_t len = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        if (n == SILK_CHART_MAX_LAYERS) {
            rc = silk_error_set(&r->err, SILK_EINVAL,
                                "--indicator: at most %d layers stack "
                                "readably", SILK_CHART_MAX_LAYERS);
            break;
        }
        rc = silk_store_read(store, name, &cubes[n], &r->err);
        if (rc == SILK_OK)
            rc = cli_apply_where(&r->opt, &cubes[n], &r->err);
        if (rc == SILK_OK)
            rc = cli_pick_cube(&r->opt, cubes[n], true, &po[n], &pd[n],
                               &r->err);
        if (rc == SILK_OK && n > 0 && cubes[n]->freq != cubes[0]->freq)
            rc = silk_error_set(&r->err, SILK_EINVAL,
                                "indicators '%s' and '%s' have different "
                                "frequencies", cubes[0]->indicator, name);
        if (rc == SILK_OK)
            n++;
    }
    silk_store_close(store);
    if (rc != SILK_OK)
        goto done;
    /* The union of their periods within [from, to]. */
    long lo = 0, hi = -1;
    bool any = false;
    for (size_t k = 0; k < n; k++) {
        size_t first, end;
        cli_period_range(cubes[k], &r->opt, &first, &end);
        if (first == end)
            continue;
        long a = silk_period_ordinal(cubes[k]->period[first]);
        long b = silk_period_ordinal(cubes[k]->period[end - 1]);
        lo = any && lo < a ? lo : a;
        hi = any && hi > b ? hi : b;
        any = true;
    }
    if (!any) {
        rc = silk_error_set(&r->err, SILK_ENOTFOUND,
                            "no periods in the selection");
        goto done;
    }
    rc = stack_alloc(st, (size_t)(hi - lo + 1), n, &r->err);
    if (rc != SILK_OK)
        goto done;
    st->freq = cubes[0]->freq;
    st->first_ordinal = lo;
    for (long t = lo; t <= hi; t++)
        st->x[t - lo] = silk_period_decimal_year(
            silk_period_from_ordinal(st->freq, t));
    unsigned colours[SILK_CHART_MAX_LAYERS] = {0};
    for (size_t k = 0; k < n; k++) {
        const silk_cube *c = cubes[k];
        size_t first, end;
        cli_period_range(c, &r->opt, &first, &end);
        for (size_t q = first; q < end; q++) {
            long t = silk_period_ordinal(c->period[q]);
            st->y[k][t - lo] = cell_sum(c, po[k].index, po[k].n, pd[k].index,
                                        pd[k].n, q, NULL);
        }
        silk_population type = silk_chart_population_of(c->indicator);
        snprintf(st->label[k], MAX_TEXT, "%s",
                 type ? silk_chart_population_label(type) : c->indicator);
        colours[k] = silk_chart_population_colour(type);
    }
    assign_free_colours(colours, n, true);
    for (size_t k = 0; k < n; k++)
        st->layers[k] = (silk_chart_series){st->label[k], st->y[k],
                                            colours[k]};
    /* The title names the origins of the indicator that has the most of
     * those selected (the picks are lenient: not every one has all). */
    size_t widest = 0;
    for (size_t k = 1; k < n; k++)
        if (po[k].n > po[widest].n)
            widest = k;
    scope_text(r->scope, sizeof r->scope, cubes[widest], &po[widest],
               r->opt.origin, false, r->opt.countries);
    /* The frame's texts come from the first indicator's cube. */
    make_source(r, cubes[0]->source, NULL);
done:
    for (size_t k = 0; k < SILK_CHART_MAX_LAYERS; k++) {
        silk_cube_free(cubes[k]);
        cli_pick_release(&po[k]);
        cli_pick_release(&pd[k]);
    }
    return rc;
}

static int draw_area(run *r)
{
    stack st;
    memset(&st, 0, sizeof st);
    int rc;
    size_t shift = 0;
    char title[1600], subtitle[1400], unit[200] = "", what[200];
    char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
    char origins[600];
    if (r->by == BY_INDICATOR) {
        rc = stack_by_indicator(r, &st);
    } else {
        rc = stack_by_country(r, &st);
        if (rc == SILK_OK)
            make_source(r, r->cube->source, NULL);
    }
    if (rc == SILK_OK) {
        long before = st.first_ordinal;
        rc = stack_finish(&st, &r->err);
        shift = (size_t)(st.first_ordinal - before);
    }
    if (rc != SILK_OK)
        goto done;
    silk_period_format(silk_period_from_ordinal(st.freq, st.first_ordinal),
                       from);
    silk_period_format(silk_period_from_ordinal(
                           st.freq, st.first_ordinal + (long)st.n_x - 1),
                       to);
    if (r->by == BY_INDICATOR) {
        snprintf(title, sizeof title, "%s by population type", r->scope);
        snprintf(subtitle, sizeof subtitle,
                 "Stacked by population type, %s-%s; a missing type counts "
                 "as zero where another has a value", from, to);
    } else {
        const silk_cube *cube = r->cube;
        if (r->by == BY_DESTINATION)
            scope_text(origins, sizeof origins, cube, &r->po, r->opt.origin,
                       false, r->opt.countries);
        else
            scope_text(origins, sizeof origins, cube, &r->pd,
                       r->opt.destination, true, r->opt.countries);
        indicator_title(cube->indicator, what, sizeof what);
        snprintf(title, sizeof title, "%s %s %s by %s", what,
                 r->by == BY_DESTINATION ? "from" : "in", origins,
                 r->by == BY_DESTINATION ? "destination" : "origin");
        snprintf(subtitle, sizeof subtitle,
                 "%s%sstacked by %s, %s-%s; the largest over the period, "
                 "the rest as 'Other'",
                 cube->unit[0] ? cube->unit : "", cube->unit[0] ? ", " : "",
                 r->by == BY_DESTINATION ? "destination" : "origin", from,
                 to);
        snprintf(unit, sizeof unit, "%s", cube->unit);
    }
    silk_chart_area_spec spec = {
        .frame = frame_of(r, title, subtitle, unit[0] ? unit : "persons"),
        .n_x = st.n_x, .x = st.x, .layers = st.layers,
        .n_layers = st.n_layers, .markers = r->opt.marks,
        .n_markers = r->opt.n_marks};
    if (r->by == BY_INDICATOR)
        spec.frame.y_label = "persons";
    for (size_t j = 0; j < st.n_layers; j++)
        for (size_t i = 0; i < st.n_x; i++) {
            char when[SILK_PERIOD_LABEL_MAX];
            ordinal_text(st.freq, st.first_ordinal + (long)i, when);
            figure(r, st.label[j], when, st.y[j][i], 0);
        }
    rc = silk_chart_render_area(&spec, &r->err);
done:
    if (shift)
        stack_unshift(&st, shift);
    stack_release(&st);
    return rc;
}

/* ---- the command ---------------------------------------------------- */

static bool parse_type(run *r)
{
    const char *t = r->opt.chart_type ? r->opt.chart_type : "line";
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
        if (strcmp(t, type_names[i]) == 0) {
            r->type = (enum type)i;
            break;
        } else if (i + 1 == sizeof type_names / sizeof *type_names) {
            cli_usage_error("--type '%s' is not a chart type; expected line, "
                            "multiples, area, bars, grouped, heatmap, fan "
                            "or dumbbell", t);
            return false;
        }
    const char *by = r->opt.by;
    bool several = r->opt.indicator && strchr(r->opt.indicator, ',');
    r->by = several && r->type == T_AREA ? BY_INDICATOR : BY_DESTINATION;
    if (by == NULL)
        return true;
    if (r->type != T_AREA && r->type != T_BARS && r->type != T_GROUPED &&
        r->type != T_DUMBBELL) {
        cli_usage_error("--by applies to --type area, bars, grouped and "
                        "dumbbell");
        return false;
    }
    if (strcmp(by, "destination") == 0)
        r->by = BY_DESTINATION;
    else if (strcmp(by, "origin") == 0)
        r->by = BY_ORIGIN;
    else if (strcmp(by, "corridor") == 0 && r->type != T_AREA)
        r->by = BY_CORRIDOR;
    else if (strcmp(by, "indicator") == 0 && r->type == T_AREA)
        r->by = BY_INDICATOR;
    else {
        cli_usage_error("--by '%s' is not a grouping; expected destination, "
                        "origin%s", by,
                        r->type == T_AREA ? " or indicator"
                                          : " or corridor");
        return false;
    }
    if ((r->by == BY_INDICATOR) != several) {
        cli_usage_error(several ? "several --indicator names stack only "
                                  "--by indicator"
                                : "--by indicator needs several --indicator "
                                  "names, as in --indicator refugees,idps");
        return false;
    }
    return true;
}

/* Options that only some types take: an error for the others, so a
 * mistyped command does not silently draw something else. */
static bool check_type_options(const run *r)
{
    const cli_options *o = &r->opt;
    enum type t = r->type;
    struct {
        bool given, allowed;
        const char *name;
    } rules[] = {
        {o->period != NULL, t == T_BARS || t == T_HEATMAP, "--period"},
        {o->periods != NULL, t == T_GROUPED || t == T_DUMBBELL, "--periods"},
        {o->top != NULL, t == T_AREA || t == T_BARS || t == T_GROUPED ||
                             t == T_HEATMAP || t == T_DUMBBELL, "--top"},
        {o->log, t == T_HEATMAP, "--log"},
        {o->band, t == T_LINE || t == T_MULTIPLES, "--band"},
        {o->horizon || o->alpha || o->beta || o->phi, t == T_FAN,
         "--horizon, --alpha, --beta and --phi"},
        {o->no_trend, t == T_LINE || t == T_MULTIPLES, "--no-trend"},
        {o->n_marks > 0, t == T_LINE || t == T_MULTIPLES || t == T_AREA ||
                             t == T_FAN, "--mark"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (rules[i].given && !rules[i].allowed) {
            cli_usage_error("%s does not apply to --type %s", rules[i].name,
                            type_names[t]);
            return false;
        }
    if (o->band && o->no_trend) {
        cli_usage_error("--band draws the trend's confidence band: it needs "
                        "the trend (drop --no-trend)");
        return false;
    }
    return true;
}

int cmd_chart(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO | OPT_OUT |
                               OPT_TITLE | OPT_SUBTITLE | OPT_MARK |
                               OPT_NO_TREND | OPT_COUNTRIES | OPT_SOURCE |
                               OPT_TOTAL | OPT_WHERE | OPT_HOLT | OPT_CHART,
                           usage, &r.opt);
    if (status != CLI_GO)
        return status;
    if (!parse_type(&r) || !check_type_options(&r)) {
        fputs(usage, stderr);
        cli_options_release(&r.opt);
        return EXIT_USAGE;
    }
    /* Country-level indicators have one destination, '-'. */
    bool needs_destination = r.by != BY_INDICATOR;
    if (!r.opt.indicator || !r.opt.origin || !r.opt.out ||
        (needs_destination && !r.opt.destination)) {
        cli_usage_error("chart needs --indicator, --origin, --destination and "
                        "--out");
        fputs(usage, stderr);
        cli_options_release(&r.opt);
        return EXIT_USAGE;
    }
    status = 1;
    int rc = SILK_OK;
    if (r.by != BY_INDICATOR) {
        rc = cli_read_selection(&r.opt, &r.cube, &r.po, &r.pd, &r.err);
        if (rc == SILK_OK)
            cli_period_range(r.cube, &r.opt, &r.first, &r.end);
    }
    if (rc == SILK_OK)
        rc = cli_make_parent(r.opt.out, &r.err);
    if (rc == SILK_OK &&
        (r.fig = open_memstream(&r.fig_text, &r.fig_len)) == NULL)
        rc = silk_error_set(&r.err, SILK_ENOMEM, "out of memory");
    if (rc == SILK_OK) {
        switch (r.type) {
        case T_LINE:
        case T_MULTIPLES: rc = draw_lines(&r); break;
        case T_FAN: rc = draw_fan(&r); break;
        case T_AREA: rc = draw_area(&r); break;
        case T_BARS: rc = draw_bars(&r); break;
        case T_GROUPED:
        case T_DUMBBELL: rc = draw_periods(&r); break;
        case T_HEATMAP: rc = draw_heatmap(&r); break;
        }
    }
    if (r.fig != NULL && fclose(r.fig) != 0 && rc == SILK_OK)
        rc = silk_error_set(&r.err, SILK_ENOMEM, "out of memory");
    r.fig = NULL;
    if (rc == SILK_OK)
        rc = write_figures(&r);
    free(r.fig_text);
    if (rc != SILK_OK) {
        status = cli_fail(&r.err);
    } else {
        printf("%s\n", r.opt.out);
        status = 0;
    }
    cli_pick_release(&r.po);
    cli_pick_release(&r.pd);
    silk_cube_free(r.cube);
    cli_options_release(&r.opt);
    return status;
}
