/*
 * cmd_forecast.c: `silkstat forecast`: Holt's damped-trend forecasts
 * (ETS(A,Ad,N)) with 80% and 95% prediction intervals for every selected
 * series, H periods ahead, one row per series and step.
 *
 * Holt needs one value a period: missing values between the first and
 * the last observed one are filled by linear interpolation first (the
 * row says how many), and a series needs 4 values.  Series run on all
 * cores; rows print in series order, so the output does not depend on
 * the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/parallel.h"

static const char usage[] =
    "usage: silkstat forecast --indicator I [--origin O[,O...]]\n"
    "                         [--destination D[,D...]] [--from P] [--to P]\n"
    "                         [--where COL=V[,V]]... [--horizon H]\n"
    "                         [--alpha A] [--beta B] [--phi F]\n"
    "                         [--threads N] [--json] [--save NAME] [--quiet]\n"
    "                         [--store FILE]\n"
    "Holt's damped trend fitted to each series (parameters by least squares\n"
    "of the one-step errors, or fixed with --alpha, --beta, --phi), then H\n"
    "periods ahead (default 5) with 80% and 95% prediction intervals:\n"
    "  indicator,origin,destination,period,h,forecast,low80,high80,low95,\n"
    "  high95,alpha,beta,phi,sigma,n,filled\n"
    "Gaps inside a series are filled linearly first (filled counts them).\n"
    "--save NAME keeps the rows as the result table results/NAME.\n";

static const char *const columns[] = {
    "indicator", "origin", "destination", "period", "h",     "forecast",
    "low80",     "high80", "low95",       "high95", "alpha", "beta",
    "phi",       "sigma",  "n",           "filled"};
#define N_COLUMNS (sizeof columns / sizeof *columns)
#define N_TEXT 4 /* indicator, origin, destination, period */

typedef struct series_job {
    size_t o, d;
    silk_holt fit;
    silk_holt_point *points; /* horizon of them */
    size_t n, filled;
    long last; /* ordinal of the last value */
    bool ok, skipped;
    char message[SILK_MESSAGE_MAX];
} series_job;

typedef struct ctx {
    const silk_cube *cube;
    size_t first, end, horizon;
    silk_holt_spec spec;
    series_job *jobs;
    size_t span;     /* ordinals from the first period to the last */
    double *scratch; /* per thread: 2 * (span + 1) */
} ctx;

static void run(void *arg, size_t i, unsigned thread)
{
    ctx *c = arg;
    const silk_cube *cube = c->cube;
    series_job *jb = &c->jobs[i];
    /* one slot a period, including those absent from the cube's axis */
    size_t span = c->span;
    double *y = c->scratch + (size_t)thread * 2 * (span + 1);
    double *filled = y + span + 1;
    size_t lo = span, hi = 0;
    long base = silk_period_ordinal(cube->period[c->first]);
    for (size_t k = 0; k < span; k++)
        y[k] = NAN;
    for (size_t p = c->first; p < c->end; p++) {
        size_t k = (size_t)(silk_period_ordinal(cube->period[p]) - base);
        y[k] = cube->value[silk_cube_index(cube, jb->o, jb->d, p)];
        if (!isnan(y[k])) {
            lo = lo < k ? lo : k;
            hi = k;
        }
    }
    if (lo == span || hi - lo + 1 < 4) {
        jb->skipped = true; /* fewer than 4 values: nothing to fit */
        return;
    }
    silk_error err = {0};
    size_t n = hi - lo + 1, n_filled = 0;
    int status = silk_fill_gaps(NULL, y + lo, n, SILK_FILL_LINEAR, 0,
                                filled, NULL, &n_filled, &err);
    if (status == SILK_OK)
        status = silk_holt_fit(filled, n, &c->spec, &jb->fit, &err);
    for (size_t h = 1; h <= c->horizon && status == SILK_OK; h++)
        status = silk_holt_forecast(&jb->fit, h, &jb->points[h - 1], &err);
    jb->n = n;
    jb->filled = n_filled;
    jb->last = base + (long)hi;
    jb->ok = status == SILK_OK;
    if (!jb->ok)
        snprintf(jb->message, sizeof jb->message, "%s", err.message);
}

/* Row h of a series: its text columns (label is the period's buffer)
 * and its numbers, in the order of columns[]. */
static void row_of(const silk_cube *cube, const series_job *jb, size_t h,
                   char label[SILK_PERIOD_LABEL_MAX],
                   const char *text[N_TEXT], double v[N_COLUMNS - N_TEXT])
{
    const silk_holt_point *pt = &jb->points[h];
    silk_period_format(silk_period_from_ordinal(cube->freq,
                                                jb->last + (long)h + 1),
                       label);
    text[0] = cube->indicator;
    text[1] = cube->origin[jb->o];
    text[2] = cli_code_label(cube->destination[jb->d]);
    text[3] = label;
    double numbers[] = {(double)(h + 1), pt->mean,     pt->lo80,
                        pt->hi80,        pt->lo95,     pt->hi95,
                        jb->fit.alpha,   jb->fit.beta, jb->fit.phi,
                        sqrt(jb->fit.s2), (double)jb->n, (double)jb->filled};
    memcpy(v, numbers, sizeof numbers);
}

/* Every forecast row as a result table. */
static int make_table(const silk_cube *cube, const ctx *c, size_t n_jobs,
                      const char *name, silk_table **out, silk_error *err)
{
    size_t n_rows = 0;
    for (size_t i = 0; i < n_jobs; i++)
        if (c->jobs[i].ok)
            n_rows += c->horizon;
    silk_table *t = NULL;
    int status = silk_table_alloc(name, "forecast", n_rows, &t, err);
    for (size_t k = 0; k < N_COLUMNS && status == SILK_OK; k++)
        status = silk_table_add_column(t, columns[k], k < N_TEXT, NULL, err);
    size_t r = 0;
    for (size_t i = 0; i < n_jobs && status == SILK_OK; i++)
        for (size_t h = 0; c->jobs[i].ok && h < c->horizon &&
                           status == SILK_OK;
             h++, r++) {
            char label[SILK_PERIOD_LABEL_MAX];
            const char *text[N_TEXT];
            double v[N_COLUMNS - N_TEXT];
            row_of(cube, &c->jobs[i], h, label, text, v);
            for (size_t k = 0; k < N_TEXT && status == SILK_OK; k++)
                status = silk_table_set_text(&t->columns[k], r, text[k], err);
            for (size_t k = N_TEXT; k < N_COLUMNS; k++)
                t->columns[k].number[r] = v[k - N_TEXT];
        }
    if (status != SILK_OK) {
        silk_table_free(t);
        return status;
    }
    *out = t;
    return SILK_OK;
}

static void print_rows(const silk_cube *cube, const ctx *c, size_t n_jobs,
                       bool json)
{
    bool first = true;
    if (json) {
        putchar('[');
    } else {
        for (size_t k = 0; k < N_COLUMNS; k++)
            printf("%s%s", k ? "," : "", columns[k]);
        putchar('\n');
    }
    for (size_t i = 0; i < n_jobs; i++)
        for (size_t h = 0; c->jobs[i].ok && h < c->horizon; h++) {
            char label[SILK_PERIOD_LABEL_MAX];
            const char *text[N_TEXT];
            double v[N_COLUMNS - N_TEXT];
            row_of(cube, &c->jobs[i], h, label, text, v);
            if (json)
                fputs(first ? "\n  " : ",\n  ", stdout);
            cli_row r = {.out = stdout, .json = json};
            for (size_t k = 0; k < N_COLUMNS; k++) {
                if (k < N_TEXT)
                    cli_row_text(&r, columns[k], text[k]);
                else
                    cli_row_number(&r, columns[k], v[k - N_TEXT]);
            }
            cli_row_end(&r);
            first = false;
        }
    if (json)
        fputs(first ? "]\n" : "\n]\n", stdout);
}

/* --alpha etc.: a number in [lo, hi], or NaN (fit it) when absent. */
static int parse_parameter(const char *text, const char *name, double lo,
                           double hi, double *out, silk_error *err)
{
    *out = NAN;
    if (text == NULL)
        return SILK_OK;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= lo && v <= hi))
        return silk_error_set(err, SILK_EINVAL,
                              "--%s '%s' is not a number from %g to %g", name,
                              text, lo, hi);
    *out = v;
    return SILK_OK;
}

int cmd_forecast(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE | OPT_JSON |
                               OPT_THREADS | OPT_SAVE | OPT_QUIET |
                               OPT_HOLT,
                           usage, &opt);
    if (status != CLI_GO)
        return status;
    silk_error err = {0};
    silk_cube *cube = NULL;
    cli_pick po = {0}, pd = {0};
    unsigned threads = 1;
    ctx c = {0};
    silk_table *table = NULL;
    if (opt.indicator == NULL || strchr(opt.indicator, ',') != NULL) {
        cli_usage_error("forecast needs one --indicator");
        fputs(usage, stderr);
        cli_options_release(&opt);
        return EXIT_USAGE;
    }
    char *end = NULL;
    unsigned long horizon = opt.horizon ? strtoul(opt.horizon, &end, 10) : 5;
    if (opt.horizon != NULL &&
        (*end != '\0' || opt.horizon[0] == '-' || horizon < 1 ||
         horizon > 1000)) {
        silk_error_set(&err, SILK_EINVAL,
                       "--horizon '%s' is not a whole number from 1 to 1000",
                       opt.horizon);
        goto fail;
    }
    c.horizon = horizon;
    if (parse_parameter(opt.alpha, "alpha", 1e-4, 1, &c.spec.alpha, &err) !=
            SILK_OK ||
        parse_parameter(opt.beta, "beta", 0, 1, &c.spec.beta, &err) !=
            SILK_OK ||
        parse_parameter(opt.phi, "phi", 1e-4, 1, &c.spec.phi, &err) !=
            SILK_OK ||
        cli_thread_count(opt.threads, &threads, &err) != SILK_OK)
        goto fail;
    c.spec.level0 = c.spec.trend0 = NAN;
    if (opt.save != NULL &&
        !silk_indicator_name_valid(opt.save, strlen(opt.save))) {
        silk_error_set(&err, SILK_EINVAL,
                       "--save '%s' is not a result name; expected 1-64 "
                       "letters, digits, '_', '.' or '-'", opt.save);
        goto fail;
    }
    if (cli_read_selection(&opt, &cube, &po, &pd, &err) != SILK_OK)
        goto fail;
    cli_period_range(cube, &opt, &c.first, &c.end);
    c.cube = cube;
    size_t n_jobs = po.n * pd.n;
    c.jobs = calloc(n_jobs ? n_jobs : 1, sizeof *c.jobs);
    c.span = c.end > c.first
                 ? (size_t)(silk_period_ordinal(cube->period[c.end - 1]) -
                            silk_period_ordinal(cube->period[c.first])) + 1
                 : 0;
    c.scratch = malloc((size_t)threads * 2 * (c.span + 1) *
                       sizeof *c.scratch);
    if (c.jobs == NULL || c.scratch == NULL) {
        silk_error_set(&err, SILK_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t a = 0, i = 0; a < po.n; a++)
        for (size_t b = 0; b < pd.n; b++, i++) {
            c.jobs[i].o = po.index[a];
            c.jobs[i].d = pd.index[b];
            c.jobs[i].points = calloc(c.horizon, sizeof *c.jobs[i].points);
            if (c.jobs[i].points == NULL) {
                silk_error_set(&err, SILK_ENOMEM, "out of memory");
                goto fail;
            }
        }
    cli_parallel_for(n_jobs, threads, run, &c);
    bool all_ok = true;
    for (size_t i = 0; i < n_jobs; i++)
        if (!c.jobs[i].ok && !c.jobs[i].skipped) {
            all_ok = false;
            fprintf(stderr, "silkstat: %s %s %s: %s\n", cube->indicator,
                    cube->origin[c.jobs[i].o],
                    cli_code_label(cube->destination[c.jobs[i].d]),
                    c.jobs[i].message);
        }
    if (!opt.quiet)
        print_rows(cube, &c, n_jobs, opt.json);
    if (opt.save != NULL) {
        if (make_table(cube, &c, n_jobs, opt.save, &table, &err) != SILK_OK)
            goto fail;
        silk_store *store = NULL;
        char *names[] = {cube->indicator};
        int rc = silk_store_open(opt.store, &store, &err);
        if (rc == SILK_OK)
            rc = cli_table_info(table, store, names, 1, argc, argv, &err);
        silk_store_close(store);
        if (rc != SILK_OK ||
            silk_store_commit_table(opt.store, table, &err) != SILK_OK)
            goto fail;
    }
    status = all_ok ? 0 : 1;
    goto done;
fail:
    status = cli_fail(&err);
done:
    for (size_t i = 0; c.jobs != NULL && i < po.n * pd.n; i++)
        free(c.jobs[i].points);
    free(c.jobs);
    free(c.scratch);
    silk_table_free(table);
    cli_pick_release(&po);
    cli_pick_release(&pd);
    silk_cube_free(cube);
    cli_options_release(&opt);
    return status;
}
