/*
 * cmd_chart.c: `silkstat chart`: a line chart of the selected series with
 * their OLS trend lines, in the house style of src/chart.  Every label
 * that comes from the store or the country table goes to the chart module,
 * which escapes it; nothing here builds gnuplot text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat chart --indicator I --origin O[,O...] --destination "
    "D[,D...]\n"
    "                      --out FILE.(png|svg|pdf) [--from P] [--to P]\n"
    "                      [--title T] [--subtitle S] [--source S]\n"
    "                      [--mark P=LABEL]... [--countries FILE] [--no-trend]\n"
    "                      [--total] [--where COL=V[,V]]... [--store FILE]\n"
    "Draws one line per series (at most 8) with its OLS trend line; the\n"
    "gnuplot script FILE.gp and data FILE.dat stay beside the image.\n"
    "Labels use the short names of the country table (datasets/countries.csv\n"
    "unless --countries names another CSV with columns iso3,name).\n"
    "--total draws one line per origin: the sum over the selected\n"
    "destinations (missing values are skipped; a period with none is a gap).\n"
    "--where sums only the selected categories (see silkstat series).\n";

#define MAX_LINES 8

typedef struct line_data {
    double *x, *y;
    uint32_t *flags;
    char label[160];
} line_data;

/* The five Silk Routes countries keep one palette entry each across every
 * chart (Okabe-Ito order: blue, vermillion, green, pink, orange); other
 * countries take the remaining entries.  The two closest hues (vermillion
 * and orange) go to Iran and Iraq, which are rarely the lines a reader
 * must tell apart; the hosts Iran and Pakistan, and the remittance
 * leaders Bangladesh and Pakistan, get clearly different ones. */
static unsigned country_colour(const char *code)
{
    static const char *const fixed[] = {"AFG", "IRN", "PAK", "BGD", "IRQ"};
    for (unsigned i = 0; i < 5; i++)
        if (strcmp(code, fixed[i]) == 0)
            return i + 1;
    return 0;
}

/* Gives every line without a fixed colour the first entry no line of this
 * chart uses, so two lines never share a colour. */
static void assign_free_colours(silk_chart_line *lines, size_t n)
{
    bool used[MAX_LINES + 1] = {false};
    for (size_t i = 0; i < n; i++)
        used[lines[i].colour] = true;
    static const unsigned order[] = {6, 7, 8, 1, 2, 3, 4, 5};
    for (size_t i = 0; i < n; i++) {
        if (lines[i].colour != 0)
            continue;
        for (size_t k = 0; k < MAX_LINES; k++)
            if (!used[order[k]]) {
                lines[i].colour = order[k];
                used[order[k]] = true;
                break;
            }
    }
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

int cmd_chart(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO | OPT_OUT |
                               OPT_TITLE | OPT_SUBTITLE | OPT_MARK |
                               OPT_NO_TREND | OPT_COUNTRIES | OPT_SOURCE | OPT_TOTAL |
                               OPT_WHERE,
                           usage, &opt);
    if (status != CLI_GO)
        return status;
    if (!opt.indicator || !opt.origin || !opt.destination || !opt.out) {
        cli_usage_error("chart needs --indicator, --origin, --destination and "
                        "--out");
        fputs(usage, stderr);
        cli_options_release(&opt);
        return EXIT_USAGE;
    }

    silk_error err = {0};
    silk_cube *cube = NULL;
    cli_pick po = {0}, pd = {0};
    line_data data[MAX_LINES];
    silk_chart_line lines[MAX_LINES];
    size_t n_lines = 0;
    memset(data, 0, sizeof data);
    status = 1;

    if (cli_read_selection(&opt, &cube, &po, &pd, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }

    const silk_countries *names = opt.countries;
    size_t first, end;
    cli_period_range(cube, &opt, &first, &end);
    size_t span_first = end, span_last = first;
    /* With --total, one line per origin summing the selected destinations;
     * otherwise one line per (origin, destination) pair with data. */
    size_t n_groups = opt.total ? 1 : pd.n;
    for (size_t a = 0; a < po.n; a++)
        for (size_t g = 0; g < n_groups; g++) {
            size_t o = po.index[a];
            const size_t *dests = opt.total ? pd.index : &pd.index[g];
            size_t n_dests = opt.total ? pd.n : 1;
            size_t np = end - first;
            double *y = malloc((np + 1) * sizeof *y);
            uint32_t *flags = malloc((np + 1) * sizeof *flags);
            double *x = malloc((np + 1) * sizeof *x);
            double *t = malloc((np + 1) * sizeof *t);
            double *yy = malloc((np + 1) * sizeof *yy);
            if (!y || !flags || !x || !t || !yy) {
                free(y); free(flags); free(x); free(t); free(yy);
                silk_error_set(&err, SILK_ENOMEM, "out of memory");
                status = cli_fail(&err);
                goto done;
            }
            size_t n_fit = 0;
            for (size_t p = first; p < end; p++) {
                /* A sum of missing values is missing, never zero. */
                double sum = NAN;
                uint32_t f = 0;
                for (size_t k = 0; k < n_dests; k++) {
                    size_t at = silk_cube_index(cube, o, dests[k], p);
                    if (!isnan(cube->value[at]))
                        sum = isnan(sum) ? cube->value[at] : sum + cube->value[at];
                    f |= cube->flags[at];
                }
                x[p - first] = silk_period_decimal_year(cube->period[p]);
                y[p - first] = sum;
                flags[p - first] = f;
                if (!isnan(sum)) {
                    span_first = p < span_first ? p : span_first;
                    span_last = p > span_last ? p : span_last;
                    t[n_fit] = (double)silk_period_ordinal(cube->period[p]);
                    yy[n_fit++] = sum;
                }
            }
            if (n_fit == 0 || n_lines == MAX_LINES) {
                bool too_many = n_fit > 0;
                free(y); free(flags); free(x); free(t); free(yy);
                if (!too_many)
                    continue; /* nothing to draw for this pair */
                cli_usage_error("more than %d series selected; a chart shows "
                                "at most %d lines (select fewer, use --total, "
                                "or draw several charts)",
                                MAX_LINES, MAX_LINES);
                status = EXIT_USAGE;
                goto done;
            }
            line_data *ld = &data[n_lines]; /* n_lines < MAX_LINES here */
            ld->x = x;
            ld->y = y;
            ld->flags = flags;
            size_t d = dests[0];
            if (po.n > 1 && pd.n > 1 && !opt.total)
                snprintf(ld->label, sizeof ld->label, "%s to %s",
                         name_of(names, cube->origin[o]),
                         name_of(names, cube->destination[d]));
            else
                snprintf(ld->label, sizeof ld->label, "%s",
                         name_of(names, pd.n > 1 && !opt.total
                                            ? cube->destination[d]
                                            : cube->origin[o]));
            silk_chart_line *line = &lines[n_lines];
            memset(line, 0, sizeof *line);
            line->label = ld->label;
            line->colour = country_colour(
                pd.n > 1 && !opt.total ? cube->destination[d] : cube->origin[o]);
            line->n = np;
            line->x = ld->x;
            line->y = ld->y;
            line->flags = ld->flags;
            silk_ols ols;
            silk_error fit_err = {0};
            if (!opt.no_trend && n_fit >= 3 &&
                silk_trend_ols(t, yy, n_fit, &ols, &fit_err) == SILK_OK) {
                line->has_trend = true;
                line->trend_x0 = silk_period_decimal_year(
                    silk_period_from_ordinal(cube->freq, (long)t[0]));
                line->trend_x1 = silk_period_decimal_year(
                    silk_period_from_ordinal(cube->freq, (long)t[n_fit - 1]));
                line->trend_y0 = ols.intercept + ols.slope * t[0];
                line->trend_y1 = ols.intercept + ols.slope * t[n_fit - 1];
            }
            free(t);
            free(yy);
            n_lines++;
        }
    if (n_lines == 0) {
        silk_error_set(&err, SILK_ENOTFOUND,
                       "no values for indicator '%s' in the selection",
                       opt.indicator);
        status = cli_fail(&err);
        goto done;
    }

    assign_free_colours(lines, n_lines);

    char origins[512], destinations[512], title[1200], subtitle[1400];
    char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
    char source[1200];
    list_names(origins, sizeof origins, cube, &po, false, names);
    list_names(destinations, sizeof destinations, cube, &pd, true, names);
    silk_period_format(cube->period[span_first], from);
    silk_period_format(cube->period[span_last], to);
    if (pd.n == 1 && cube->destination[pd.index[0]][0] == '\0')
        snprintf(title, sizeof title, "%s: %s", cube->indicator, origins);
    else if (opt.total && (opt.destination == NULL ||
                           strcmp(opt.destination, "*") == 0))
        snprintf(title, sizeof title, "%s from %s, all destinations",
                 cube->indicator, origins);
    else
        snprintf(title, sizeof title, "%s from %s in %s", cube->indicator,
                 origins, destinations);
    snprintf(subtitle, sizeof subtitle, "%s%s%s-%s%s",
             cube->unit[0] ? cube->unit : "", cube->unit[0] ? ", " : "", from,
             to, opt.no_trend ? "" : "; dashed: linear trend (OLS)");
    snprintf(source, sizeof source, "Source: %s. Chart: silkstat %s.",
             opt.source ? opt.source
             : cube->source[0] ? cube->source
                               : "not recorded",
             SILK_VERSION);

    silk_chart_spec spec = {
        .title = opt.title ? opt.title : title,
        .subtitle = opt.subtitle ? opt.subtitle : subtitle,
        .y_label = cube->unit,
        .source = source,
        .lines = lines,
        .n_lines = n_lines,
        .markers = opt.marks,
        .n_markers = opt.n_marks,
        .out_path = opt.out,
        .gnuplot = getenv("SILKSTAT_GNUPLOT"),
    };
    if (cli_make_parent(opt.out, &err) != SILK_OK ||
        silk_chart_render(&spec, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    printf("%s\n", opt.out);
    status = 0;

done:
    for (size_t i = 0; i < MAX_LINES; i++) {
        free(data[i].x);
        free(data[i].y);
        free(data[i].flags);
    }
    cli_pick_release(&po);
    cli_pick_release(&pd);
    silk_cube_free(cube);
    cli_options_release(&opt);
    return status;
}
