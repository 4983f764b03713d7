/*
 * cmd_trend.c: `silkstat trend`: the chosen trend methods for every
 * selected series (or segment of one, between declared breaks) with
 * enough values, one CSV row (or JSON object) each.
 *
 * Time is the period ordinal, so slopes are per year for annual data, per
 * quarter or per month otherwise; gaps keep their true distance.  Series
 * are computed on several threads; each writes its own row buffer and the
 * rows are printed in series order, so the output is byte-identical for
 * any thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/parallel.h"

static const char usage[] =
    "usage: silkstat trend [--indicator I[,I...]] [--origin O[,O...]]\n"
    "                      [--destination D[,D...]] [--from P] [--to P]\n"
    "                      [--where COL=V[,V]]... [--method M[,M...]]\n"
    "                      [--break P]... [--threads N] [--json]\n"
    "                      [--save NAME] [--quiet] [--store FILE]\n"
    "Prints one CSV row (--json: one object) per series with enough values:\n"
    "  indicator,origin,destination,segment,n,first,last, then the columns\n"
    "  of each method (README \"Trend columns\"):\n"
    "  ols   ols_slope,ols_se,ols_ci_low,ols_ci_high,ols_r2,ols_p,\n"
    "        ols_intercept,ols_resid_sd\n"
    "  mk    mk_s,mk_var_s,mk_z,mk_p,mk_tau\n"
    "  sen   sen_slope,sen_ci_low,sen_ci_high,sen_intercept\n"
    "  loglin loglin_rate,loglin_rate_low,loglin_rate_high,loglin_p,cagr\n"
    "  smk   smk_s,smk_var_s,smk_z,smk_p,ssen_slope (monthly, quarterly)\n"
    "  pettitt pettitt_u,pettitt_k,pettitt_p\n"
    "  hampel hampel_outliers,hampel_worst,hampel_worst_score\n"
    "  holt  holt_alpha,holt_beta,holt_phi,holt_sigma,holt_next,\n"
    "        holt_next_low95,holt_next_high95\n"
    "Default methods: ols,mk,sen.  Slopes are per period (year, quarter or\n"
    "month).  --break P starts a new segment at period P (as does a value\n"
    "flagged b): each segment gets its own row, so a reclassification is\n"
    "not read as a trend.  Country lists take ISO3 codes, names, group\n"
    "names (silk5, eu27, ...), '*' (all, the default) and '-' (the\n"
    "country-level destination).  --where sums only the selected categories\n"
    "of an indicator split by categorical columns (without --indicator: of\n"
    "every indicator that has those columns).  --threads (or\n"
    "SILKSTAT_THREADS; default: every core) never changes the output.\n"
    "--save NAME also writes the rows into the store as the result table\n"
    "results/NAME, with the command line and the inputs' provenance\n"
    "(--quiet: save without printing).\n";

/* ------------------------------------------------------------------ */
/* Methods                                                             */
/* ------------------------------------------------------------------ */

/* One segment: its observed points in period order, and the same
 * segment as a regular series (one value a period, NaN where missing)
 * for the seasonal methods. */
typedef struct points {
    const double *t, *y; /* t: period ordinals */
    size_t n;
    const double *regular;
    size_t n_regular;
    silk_freq freq;
    silk_trend_workspace *ws; /* the thread's */
} points;

/* A method's output column: a number, or a period (computed as its
 * ordinal, printed and saved as its label). */
typedef enum { COL_NUMBER, COL_PERIOD } col_kind;

typedef struct column {
    const char *name;
    col_kind kind;
} column;

typedef struct method {
    const char *name;
    const column *columns;
    size_t n_columns;
    /* Fills out[0..n_columns) (NaN where it has nothing) or fails. */
    int (*compute)(const points *pts, double *out, silk_error *err);
} method;

static const column ols_columns[] = {
    {"ols_slope", COL_NUMBER},     {"ols_se", COL_NUMBER},
    {"ols_ci_low", COL_NUMBER},    {"ols_ci_high", COL_NUMBER},
    {"ols_r2", COL_NUMBER},        {"ols_p", COL_NUMBER},
    {"ols_intercept", COL_NUMBER}, {"ols_resid_sd", COL_NUMBER}};

static int compute_ols(const points *pts, double *out, silk_error *err)
{
    silk_ols ols;
    int status = silk_trend_ols(pts->t, pts->y, pts->n, &ols, err);
    if (status == SILK_OK) {
        double v[] = {ols.slope, ols.slope_se, ols.slope_lo, ols.slope_hi,
                      ols.r2,    ols.p,        ols.intercept, ols.resid_sd};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column mk_columns[] = {
    {"mk_s", COL_NUMBER}, {"mk_var_s", COL_NUMBER}, {"mk_z", COL_NUMBER},
    {"mk_p", COL_NUMBER}, {"mk_tau", COL_NUMBER}};

static int compute_mk(const points *pts, double *out, silk_error *err)
{
    silk_mk mk;
    int status = silk_trend_mann_kendall(pts->y, pts->n, &mk, err);
    if (status == SILK_OK) {
        double v[] = {mk.s, mk.var_s, mk.z, mk.p, mk.tau};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column sen_columns[] = {
    {"sen_slope", COL_NUMBER}, {"sen_ci_low", COL_NUMBER},
    {"sen_ci_high", COL_NUMBER}, {"sen_intercept", COL_NUMBER}};

static int compute_sen(const points *pts, double *out, silk_error *err)
{
    silk_sen sen;
    int status = silk_trend_sen(pts->t, pts->y, pts->n, 0.05, &sen, err);
    if (status == SILK_OK) {
        double v[] = {sen.slope, sen.lo, sen.hi, sen.intercept};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column loglin_columns[] = {
    {"loglin_rate", COL_NUMBER}, {"loglin_rate_low", COL_NUMBER},
    {"loglin_rate_high", COL_NUMBER},     {"loglin_p", COL_NUMBER},
    {"cagr", COL_NUMBER}};

/* Log-linear growth (% per period) and the compound growth between the
 * end points, side by side: they can disagree in sign (README). */
static int compute_loglin(const points *pts, double *out, silk_error *err)
{
    silk_growth g;
    silk_cagr c;
    int status = silk_growth_loglinear(pts->t, pts->y, pts->n, &g, err);
    if (status == SILK_OK)
        status = silk_growth_cagr(pts->t, pts->y, pts->n, &c, err);
    if (status == SILK_OK) {
        double v[] = {g.rate, g.rate_lo, g.rate_hi, g.p, c.rate};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column smk_columns[] = {
    {"smk_s", COL_NUMBER}, {"smk_var_s", COL_NUMBER}, {"smk_z", COL_NUMBER},
    {"smk_p", COL_NUMBER}, {"ssen_slope", COL_NUMBER}};

/* Seasonal Mann-Kendall and Sen (monthly and quarterly series; annual
 * ones have no seasons and get empty columns, not an error). */
static int compute_smk(const points *pts, double *out, silk_error *err)
{
    if (pts->freq != SILK_FREQ_MONTHLY && pts->freq != SILK_FREQ_QUARTERLY)
        return SILK_OK;
    silk_smk smk;
    silk_seasonal_slope ssen;
    size_t period = (size_t)pts->freq;
    int status = silk_seasonal_mann_kendall(pts->regular, pts->n_regular,
                                            period, &smk, NULL, err);
    if (status == SILK_OK)
        status = silk_seasonal_sen(pts->regular, pts->n_regular, period,
                                   &ssen, err);
    if (status == SILK_OK) {
        double v[] = {smk.s, smk.var_s, smk.z, smk.p, ssen.slope};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column pettitt_columns[] = {{"pettitt_u", COL_NUMBER},
                                         {"pettitt_k", COL_PERIOD},
                                         {"pettitt_p", COL_NUMBER}};

/* K is the last period before the change (METHODS: the first k reaching
 * U*). */
static int compute_pettitt(const points *pts, double *out, silk_error *err)
{
    silk_pettitt pt;
    int status = silk_pettitt_test(pts->y, pts->n, &pt, err);
    if (status == SILK_OK) {
        double v[] = {pt.u, pts->t[pt.k - 1], pt.p};
        memcpy(out, v, sizeof v);
    }
    return status;
}

static const column hampel_columns[] = {{"hampel_outliers", COL_NUMBER},
                                        {"hampel_worst", COL_PERIOD},
                                        {"hampel_worst_score", COL_NUMBER}};

/* Hampel (window half-width 3, threshold 3): how many outliers, and the
 * one furthest from its window's median in MADs.  Series shorter than a
 * window (7 values) have none to find: 0, not an error. */
static int compute_hampel(const points *pts, double *out, silk_error *err)
{
    size_t k = SILK_HAMPEL_K, n_out = 0;
    if (pts->n < 2 * k + 1) {
        out[0] = 0;
        return SILK_OK;
    }
    bool *flag = malloc(pts->n * sizeof *flag);
    double *x0 = malloc(pts->n * sizeof *x0);
    double *s0 = malloc(pts->n * sizeof *s0);
    int status = flag && x0 && s0
                     ? silk_hampel_detect(pts->y, pts->n, k, SILK_HAMPEL_T0,
                                          flag, x0, s0, &n_out, err)
                     : silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status == SILK_OK) {
        out[0] = (double)n_out;
        double worst = -1;
        for (size_t i = 0; i < pts->n; i++) {
            if (!flag[i])
                continue;
            /* S0 = 0 flags any departure: its score is infinite */
            double score = s0[i] > 0 ? fabs(pts->y[i] - x0[i]) / s0[i]
                                     : INFINITY;
            if (score > worst) {
                worst = score;
                out[1] = pts->t[i];
                out[2] = isinf(score) ? NAN : score;
            }
        }
    }
    free(flag);
    free(x0);
    free(s0);
    return status;
}

static const column holt_columns[] = {
    {"holt_alpha", COL_NUMBER}, {"holt_beta", COL_NUMBER},
    {"holt_phi", COL_NUMBER},   {"holt_sigma", COL_NUMBER},
    {"holt_next", COL_NUMBER},  {"holt_next_low95", COL_NUMBER},
    {"holt_next_high95", COL_NUMBER}};

/* Holt's damped trend fitted to the segment, and its forecast of the
 * next period (silkstat forecast gives any horizon). */
static int compute_holt(const points *pts, double *out, silk_error *err)
{
    silk_holt fit;
    silk_holt_point next;
    int status = silk_holt_fit(pts->y, pts->n, NULL, &fit, err);
    if (status == SILK_OK)
        status = silk_holt_forecast(&fit, 1, &next, err);
    if (status == SILK_OK) {
        double v[] = {fit.alpha, fit.beta,  fit.phi,  sqrt(fit.s2),
                      next.mean, next.lo95, next.hi95};
        memcpy(out, v, sizeof v);
    }
    return status;
}

#define COLUMNS(c) c, sizeof c / sizeof *c

/* Every method, in output order (not the order --method lists them). */
static const method methods[] = {
    {"ols", COLUMNS(ols_columns), compute_ols},
    {"loglin", COLUMNS(loglin_columns), compute_loglin},
    {"mk", COLUMNS(mk_columns), compute_mk},
    {"sen", COLUMNS(sen_columns), compute_sen},
    {"smk", COLUMNS(smk_columns), compute_smk},
    {"pettitt", COLUMNS(pettitt_columns), compute_pettitt},
    {"hampel", COLUMNS(hampel_columns), compute_hampel},
    {"holt", COLUMNS(holt_columns), compute_holt},
};
#define N_METHODS (sizeof methods / sizeof *methods)
#define DEFAULT_METHODS "ols,mk,sen"

/* The base columns every row starts with. */
static const char *const base_columns[] = {"indicator", "origin",
                                           "destination", "segment", "n",
                                           "first", "last"};
#define N_BASE (sizeof base_columns / sizeof *base_columns)

/* --method "a,b": the chosen methods as a bit set. */
static int parse_methods(const char *list, unsigned *out, silk_error *err)
{
    *out = 0;
    const char *p = list ? list : DEFAULT_METHODS;
    while (*p) {
        size_t len = strcspn(p, ",");
        size_t m = 0;
        while (m < N_METHODS && !(strlen(methods[m].name) == len &&
                                  strncmp(methods[m].name, p, len) == 0))
            m++;
        if (m == N_METHODS) {
            char names[128] = "";
            for (size_t k = 0; k < N_METHODS; k++)
                snprintf(names + strlen(names), sizeof names - strlen(names),
                         "%s%s", k ? ", " : "", methods[k].name);
            return silk_error_set(err, SILK_EINVAL,
                                  "--method '%.*s' is not a method; expected "
                                  "a list of: %s",
                                  (int)len, p, names);
        }
        *out |= 1u << m;
        p += len;
        if (*p == ',')
            p++;
    }
    if (*out == 0)
        return silk_error_set(err, SILK_EINVAL,
                              "--method is empty; expected a list of methods");
    return SILK_OK;
}

/* The chosen methods' columns in output order. */
typedef struct layout {
    const method *method[N_METHODS];
    size_t n_methods;
    size_t n_values; /* columns of all chosen methods */
    /* ols, mk and sen together go through silk_trend_all, one pass over
     * the pairs: where their columns start in a row's values */
    bool all_three;
    size_t at_ols, at_mk, at_sen;
} layout;

static layout make_layout(unsigned chosen)
{
    layout l = {.n_methods = 0};
    bool has_ols = false, has_mk = false, has_sen = false;
    for (size_t m = 0; m < N_METHODS; m++)
        if (chosen & (1u << m)) {
            if (methods[m].compute == compute_ols) {
                has_ols = true;
                l.at_ols = l.n_values;
            } else if (methods[m].compute == compute_mk) {
                has_mk = true;
                l.at_mk = l.n_values;
            } else if (methods[m].compute == compute_sen) {
                has_sen = true;
                l.at_sen = l.n_values;
            }
            l.method[l.n_methods++] = &methods[m];
            l.n_values += methods[m].n_columns;
        }
    l.all_three = has_ols && has_mk && has_sen;
    return l;
}

/* ols, mk and sen in one pass (bit for bit the separate functions'
 * results).  False when it failed: the caller then runs them one by one
 * to learn which failed and why. */
static bool compute_all_three(const layout *l, const points *pts,
                              double *out)
{
    silk_ols ols;
    silk_mk mk;
    silk_sen sen;
    silk_error err = {0};
    if (silk_trend_all(pts->ws, pts->t, pts->y, pts->n, 0.05, &ols, &mk, &sen,
                       &err) != SILK_OK)
        return false;
    double o[] = {ols.slope, ols.slope_se, ols.slope_lo, ols.slope_hi,
                  ols.r2,    ols.p,        ols.intercept, ols.resid_sd};
    double m[] = {mk.s, mk.var_s, mk.z, mk.p, mk.tau};
    double se[] = {sen.slope, sen.lo, sen.hi, sen.intercept};
    memcpy(out + l->at_ols, o, sizeof o);
    memcpy(out + l->at_mk, m, sizeof m);
    memcpy(out + l->at_sen, se, sizeof se);
    return true;
}

/* ------------------------------------------------------------------ */
/* Jobs: one segment of one series                                     */
/* ------------------------------------------------------------------ */

typedef struct job {
    size_t o, d;            /* on the cube's axes */
    size_t first, end;      /* period positions [first, end) */
    unsigned segment;       /* 1-based */
    size_t n;               /* values observed; < 3: no row */
    size_t p_first, p_last; /* positions of the first and last value */
    double *values;         /* layout.n_values results */
    char *text, *errors;    /* the row, and messages for stderr (or NULL) */
    size_t text_len, errors_len;
    bool failed, oom;
} job;

typedef struct run_ctx {
    const silk_cube *cube;
    const layout *layout;
    bool json;
    bool print; /* format each row as soon as it is computed */
    job *jobs;
    size_t span;     /* ordinals from the cube's first period to its last */
    double *scratch; /* per thread: 2 * (n_period + 1) + span + 1 */
    /* each period's ordinal and label, worked out once for the cube */
    const long *ordinal;
    const char (*label)[SILK_PERIOD_LABEL_MAX];
    silk_trend_workspace **ws; /* per thread */
} run_ctx;

/* A row's numbers: every method on the job's segment. */
static void compute_job(void *arg, size_t i, unsigned thread)
{
    run_ctx *ctx = arg;
    const silk_cube *cube = ctx->cube;
    job *jb = &ctx->jobs[i];
    double *t = ctx->scratch + (size_t)thread * (2 * (cube->n_period + 1) +
                                                 ctx->span + 1);
    double *y = t + cube->n_period + 1;
    /* one slot a period, including those absent from the cube's axis */
    double *regular = y + cube->n_period + 1;
    const long *ordinal = ctx->ordinal;
    long base = jb->end > jb->first ? ordinal[jb->first] : 0;
    size_t n_regular =
        jb->end > jb->first ? (size_t)(ordinal[jb->end - 1] - base) + 1 : 0;
    for (size_t k = 0; k < n_regular; k++)
        regular[k] = NAN;
    size_t n = 0;
    for (size_t p = jb->first; p < jb->end; p++) {
        double v = cube->value[silk_cube_index(cube, jb->o, jb->d, p)];
        regular[ordinal[p] - base] = v;
        if (isnan(v))
            continue;
        if (n == 0)
            jb->p_first = p;
        jb->p_last = p;
        t[n] = (double)ordinal[p];
        y[n++] = v;
    }
    jb->n = n;
    for (size_t k = 0; k < ctx->layout->n_values; k++)
        jb->values[k] = NAN;
    if (n < 3)
        return; /* too short for any method: no row */
    points pts = {t, y, n, regular, n_regular, cube->freq, ctx->ws[thread]};
    const layout *l = ctx->layout;
    FILE *errors = NULL; /* opened at the first failure */
    bool three_done = l->all_three && compute_all_three(l, &pts, jb->values);
    double *out = jb->values;
    for (size_t m = 0; m < l->n_methods; m++) {
        const method *me = l->method[m];
        silk_error err = {0};
        bool in_three = me->compute == compute_ols ||
                        me->compute == compute_mk ||
                        me->compute == compute_sen;
        if (three_done && in_three) {
            out += me->n_columns;
            continue;
        }
        int rc = me->compute(&pts, out, &err);
        if (rc == SILK_ETOOFEW) {
            /* a method that needs more values than the segment has (Holt
             * 4, Hampel a full window): empty columns, not a failure */
            for (size_t k = 0; k < me->n_columns; k++)
                out[k] = NAN;
        } else if (rc != SILK_OK) {
            for (size_t k = 0; k < me->n_columns; k++)
                out[k] = NAN;
            jb->failed = true;
            char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
            silk_period_format(cube->period[jb->p_first], from);
            silk_period_format(cube->period[jb->p_last], to);
            if (errors == NULL &&
                (errors = open_memstream(&jb->errors, &jb->errors_len)) ==
                    NULL)
                jb->oom = true;
            if (errors != NULL)
                fprintf(errors, "silkstat: %s %s %s %s-%s: %s\n",
                        cube->indicator, cube->origin[jb->o],
                        cli_code_label(cube->destination[jb->d]), from, to,
                        err.message);
        }
        out += me->n_columns;
    }
    if (errors != NULL && fclose(errors) != 0)
        jb->oom = true;
}

/* A period column's label ("" for NaN). */
static void period_label(silk_freq freq, double ordinal,
                         char buf[SILK_PERIOD_LABEL_MAX])
{
    buf[0] = '\0';
    if (!isnan(ordinal))
        silk_period_format(silk_period_from_ordinal(freq, (long)ordinal), buf);
}

/* A row's text (when printing), formatted by the thread that computed
 * it (run_job). */
static void format_job(void *arg, size_t i, unsigned thread)
{
    run_ctx *ctx = arg;
    const silk_cube *cube = ctx->cube;
    job *jb = &ctx->jobs[i];
    (void)thread;
    if (jb->n < 3)
        return;
    const char *from = ctx->label[jb->p_first], *to = ctx->label[jb->p_last];
    FILE *f = open_memstream(&jb->text, &jb->text_len);
    if (f == NULL) {
        jb->oom = true;
        return;
    }
    cli_row r = {.out = f, .json = ctx->json};
    cli_row_text(&r, "indicator", cube->indicator);
    cli_row_text(&r, "origin", cube->origin[jb->o]);
    cli_row_text(&r, "destination", cli_code_label(cube->destination[jb->d]));
    cli_row_number(&r, "segment", jb->segment);
    cli_row_number(&r, "n", (double)jb->n);
    cli_row_text(&r, "first", from);
    cli_row_text(&r, "last", to);
    const double *v = jb->values;
    for (size_t m = 0; m < ctx->layout->n_methods; m++) {
        const method *me = ctx->layout->method[m];
        for (size_t k = 0; k < me->n_columns; k++, v++) {
            if (me->columns[k].kind == COL_PERIOD) {
                char label[SILK_PERIOD_LABEL_MAX];
                period_label(cube->freq, *v, label);
                cli_row_text(&r, me->columns[k].name, label);
            } else {
                cli_row_number(&r, me->columns[k].name, *v);
            }
        }
    }
    cli_row_end(&r);
    if (fclose(f) != 0)
        jb->oom = true;
}

/* One item of the parallel loop: the row's numbers, then its text while
 * they are still in cache (and without a second pass over the block). */
static void run_job(void *arg, size_t i, unsigned thread)
{
    const run_ctx *ctx = arg;
    compute_job(arg, i, thread);
    if (ctx->print)
        format_job(arg, i, thread);
}

/* The positions where a new segment starts in series (o, d): a --break
 * period, or a value flagged b. */
static bool starts_segment(const silk_cube *cube, const cli_options *opt,
                           size_t o, size_t d, size_t p)
{
    if (cube->flags[silk_cube_index(cube, o, d, p)] & SILK_FLAG('b'))
        return true;
    for (size_t k = 0; k < opt->n_breaks; k++)
        if (silk_period_compare(cube->period[p], opt->breaks[k]) == 0)
            return true;
    return false;
}

/* Appends the segments of series (o, d) within [first, end). */
static int add_jobs(job **jobs, size_t *n, size_t *cap,
                    const silk_cube *cube, const cli_options *opt, size_t o,
                    size_t d, size_t first, size_t end)
{
    size_t start = first;
    unsigned segment = 1;
    for (size_t p = first; p <= end; p++) {
        if (p < end && (p == first || !starts_segment(cube, opt, o, d, p)))
            continue;
        if (*n == *cap) {
            size_t grown = *cap ? *cap * 2 : 1024;
            job *more = realloc(*jobs, grown * sizeof *more);
            if (more == NULL)
                return SILK_ENOMEM;
            *jobs = more;
            *cap = grown;
        }
        (*jobs)[(*n)++] = (job){.o = o, .d = d, .first = start, .end = p,
                                .segment = segment++};
        start = p;
    }
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* --save: every row into a result table                               */
/* ------------------------------------------------------------------ */

typedef struct saved {
    char **text;    /* N_BASE - 2 text columns a row (not segment, n) */
    double *number; /* segment, n, frequency, then layout.n_values a row */
    size_t n, cap;
    size_t n_values;
    bool failed;
} saved;

enum { SAVED_TEXT = 5, SAVED_NUMBERS = 3 };

static void save_rows(saved *s, const silk_cube *cube,
                      const char (*label)[SILK_PERIOD_LABEL_MAX],
                      const job *jobs, size_t n)
{
    size_t per_row = SAVED_NUMBERS + s->n_values;
    for (size_t i = 0; i < n && !s->failed; i++) {
        const job *jb = &jobs[i];
        if (jb->n < 3)
            continue;
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 1024;
            char **text = realloc(s->text, cap * SAVED_TEXT * sizeof *text);
            if (text != NULL)
                s->text = text;
            double *number =
                realloc(s->number, cap * per_row * sizeof *number);
            if (number != NULL)
                s->number = number;
            if (text == NULL || number == NULL) {
                s->failed = true;
                return;
            }
            s->cap = cap;
        }
        const char *texts[SAVED_TEXT] = {
            cube->indicator, cube->origin[jb->o],
            cli_code_label(cube->destination[jb->d]), label[jb->p_first],
            label[jb->p_last]};
        char **row_text = s->text + s->n * SAVED_TEXT;
        for (size_t k = 0; k < SAVED_TEXT; k++)
            if ((row_text[k] = strdup(texts[k])) == NULL) {
                for (size_t j = 0; j < k; j++)
                    free(row_text[j]);
                s->failed = true;
                return;
            }
        double *row_number = s->number + s->n * per_row;
        row_number[0] = jb->segment;
        row_number[1] = (double)jb->n;
        row_number[2] = (double)cube->freq; /* for period columns */
        memcpy(row_number + SAVED_NUMBERS, jb->values,
               s->n_values * sizeof *jb->values);
        s->n++;
    }
}

static void saved_free(saved *s)
{
    for (size_t i = 0; i < s->n * SAVED_TEXT; i++)
        free(s->text[i]);
    free(s->text);
    free(s->number);
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

/* Prints the rows (and their messages) of jobs in order and frees their
 * text; returns false if any failed. */
static bool flush(job *jobs, size_t n, bool json, bool *first_object)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        job *jb = &jobs[i];
        if (jb->oom) {
            fprintf(stderr, "silkstat: out of memory formatting a row\n");
            ok = false;
        }
        if (jb->text_len > 0) {
            if (json)
                fputs(*first_object ? "\n  " : ",\n  ", stdout);
            fwrite(jb->text, 1, jb->text_len, stdout);
            *first_object = false;
        }
        if (jb->errors_len > 0)
            fwrite(jb->errors, 1, jb->errors_len, stderr);
        ok &= !jb->failed;
        free(jb->text);
        free(jb->errors);
        jb->text = jb->errors = NULL;
        jb->text_len = jb->errors_len = 0;
    }
    return ok;
}

static void print_header(const layout *l)
{
    for (size_t k = 0; k < N_BASE; k++)
        printf("%s%s", k ? "," : "", base_columns[k]);
    for (size_t m = 0; m < l->n_methods; m++)
        for (size_t c = 0; c < l->method[m]->n_columns; c++)
            printf(",%s", l->method[m]->columns[c].name);
    putchar('\n');
}

/* What one run does with its rows. */
typedef struct output {
    const layout *layout;
    unsigned threads;
    bool print, json;
    bool first_object;
    saved *save; /* NULL without --save */
    bool all_ok;
} output;

/* All series of one cube: the jobs in blocks, so memory stays bounded. */
#define JOBS_PER_BLOCK 8192

static int trend_cube(const silk_cube *cube, const cli_options *opt,
                      const cli_pick *po, const cli_pick *pd, output *out,
                      silk_error *err)
{
    size_t first, end;
    cli_period_range(cube, opt, &first, &end);
    job *jobs = NULL;
    size_t n = 0, cap = 0;
    size_t n_values = out->layout->n_values;
    run_ctx ctx = {cube, out->layout, out->json, out->print, NULL, 0, NULL,
                   NULL, NULL, NULL};
    long *ordinal = malloc((cube->n_period + 1) * sizeof *ordinal);
    char (*label)[SILK_PERIOD_LABEL_MAX] =
        malloc((cube->n_period + 1) * sizeof *label);
    for (size_t p = 0; ordinal != NULL && label != NULL && p < cube->n_period;
         p++) {
        ordinal[p] = silk_period_ordinal(cube->period[p]);
        silk_period_format(cube->period[p], label[p]);
    }
    ctx.ordinal = ordinal;
    ctx.label = (const char (*)[SILK_PERIOD_LABEL_MAX])label;
    ctx.span = cube->n_period > 0 && ordinal != NULL
                   ? (size_t)(ordinal[cube->n_period - 1] - ordinal[0]) + 1
                   : 0;
    ctx.scratch = malloc((size_t)out->threads *
                         (2 * (cube->n_period + 1) + ctx.span + 1) *
                         sizeof *ctx.scratch);
    ctx.ws = calloc(out->threads, sizeof *ctx.ws);
    double *values = malloc(JOBS_PER_BLOCK * 2 * (n_values + 1) *
                            sizeof *values);
    int status = SILK_OK;
    if (ctx.scratch == NULL || values == NULL || ctx.ws == NULL ||
        ordinal == NULL || label == NULL)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (unsigned k = 0; k < out->threads && status == SILK_OK; k++)
        status = silk_trend_workspace_alloc(cube->n_period + 1, &ctx.ws[k],
                                            err);
    for (size_t a = 0; a < po->n && status == SILK_OK; a++)
        for (size_t b = 0; b < pd->n && status == SILK_OK; b++) {
            if (add_jobs(&jobs, &n, &cap, cube, opt, po->index[a],
                         pd->index[b], first, end) != SILK_OK) {
                status = silk_error_set(err, SILK_ENOMEM, "out of memory");
                break;
            }
            /* a series adds at most MAX_BREAKS + 1 segments: a block
             * holds fewer than 2 * JOBS_PER_BLOCK jobs */
            if (n < JOBS_PER_BLOCK && (a + 1 < po->n || b + 1 < pd->n))
                continue;
            for (size_t i = 0; i < n; i++)
                jobs[i].values = values + i * n_values;
            ctx.jobs = jobs;
            cli_parallel_for(n, out->threads, run_job, &ctx);
            if (out->save != NULL)
                save_rows(out->save, cube, ctx.label, jobs, n);
            out->all_ok &= flush(jobs, n, out->json, &out->first_object);
            n = 0;
        }
    for (unsigned k = 0; ctx.ws != NULL && k < out->threads; k++)
        silk_trend_workspace_free(ctx.ws[k]);
    free(ctx.ws);
    free(values);
    free(jobs);
    free(ctx.scratch);
    free(ordinal);
    free(label);
    return status;
}

/* The table of every saved row, with what made it. */
static int save_table(const cli_options *opt, const layout *l,
                      const saved *s, silk_store *store, char **names,
                      size_t n_names, int argc, char **argv, silk_error *err)
{
    silk_table *t = NULL;
    int status = silk_table_alloc(opt->save, "trend", s->n, &t, err);
    size_t per_row = SAVED_NUMBERS + s->n_values;
    /* columns: the base ones, then each method's */
    for (size_t k = 0, text = 0, number = 0;
         k < N_BASE && status == SILK_OK; k++) {
        bool is_text = strcmp(base_columns[k], "segment") != 0 &&
                       strcmp(base_columns[k], "n") != 0;
        silk_table_column *c = NULL;
        status = silk_table_add_column(t, base_columns[k], is_text, &c, err);
        for (size_t r = 0; r < s->n && status == SILK_OK; r++) {
            if (is_text) {
                free(c->string[r]);
                c->string[r] = s->text[r * SAVED_TEXT + text];
                s->text[r * SAVED_TEXT + text] = NULL;
            } else {
                c->number[r] = s->number[r * per_row + number];
            }
        }
        if (is_text)
            text++;
        else
            number++;
    }
    size_t v = SAVED_NUMBERS;
    for (size_t m = 0; m < l->n_methods && status == SILK_OK; m++)
        for (size_t k = 0; k < l->method[m]->n_columns && status == SILK_OK;
             k++, v++) {
            const column *col = &l->method[m]->columns[k];
            bool is_period = col->kind == COL_PERIOD;
            silk_table_column *c = NULL;
            status = silk_table_add_column(t, col->name, is_period, &c, err);
            for (size_t r = 0; r < s->n && status == SILK_OK; r++) {
                double x = s->number[r * per_row + v];
                if (!is_period) {
                    c->number[r] = x;
                    continue;
                }
                char label[SILK_PERIOD_LABEL_MAX];
                period_label((silk_freq)s->number[r * per_row + 2], x,
                             label);
                status = silk_table_set_text(c, r, label, err);
            }
        }
    if (status == SILK_OK)
        status = cli_table_info(t, store, names, n_names, argc, argv, err);
    /* the store is read-only while open: the commit reopens it */
    if (status == SILK_OK)
        status = silk_store_commit_table(opt->store, t, err);
    silk_table_free(t);
    return status;
}

int cmd_trend(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE | OPT_JSON |
                               OPT_METHOD | OPT_BREAK | OPT_THREADS |
                               OPT_SAVE | OPT_QUIET,
                           usage, &opt);
    if (status != CLI_GO)
        return status;

    silk_error err = {0};
    silk_store *store = NULL;
    char **names = NULL;
    size_t n_names = 0;
    unsigned chosen = 0;
    layout l;
    saved save = {0};
    output out = {.layout = &l, .threads = 1, .print = !opt.quiet,
                  .json = opt.json, .first_object = true,
                  .save = opt.save ? &save : NULL, .all_ok = true};
    if (opt.save != NULL &&
        !silk_indicator_name_valid(opt.save, strlen(opt.save))) {
        silk_error_set(&err, SILK_EINVAL,
                       "--save '%s' is not a result name; expected 1-64 "
                       "letters, digits, '_', '.' or '-'", opt.save);
        status = cli_fail(&err);
        goto done;
    }
    if (parse_methods(opt.method, &chosen, &err) != SILK_OK ||
        cli_thread_count(opt.threads, &out.threads, &err) != SILK_OK ||
        cli_load_countries(&opt, false, &err) != SILK_OK ||
        silk_store_open(opt.store, &store, &err) != SILK_OK ||
        cli_indicators(store, opt.indicator, &names, &n_names, &err) !=
            SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    l = make_layout(chosen);
    save.n_values = l.n_values;
    if (out.print && opt.json)
        fputs("[", stdout);
    else if (out.print)
        print_header(&l);
    for (size_t i = 0; i < n_names; i++) {
        silk_cube *cube = NULL;
        cli_pick po = {0}, pd = {0};
        if (silk_store_read(store, names[i], &cube, &err) != SILK_OK) {
            status = cli_fail(&err);
            goto done;
        }
        /* every indicator scanned: --where picks the ones it applies to */
        if (n_names > 1 && !cli_where_applies(&opt, cube)) {
            silk_cube_free(cube);
            continue;
        }
        if (cli_apply_where(&opt, &cube, &err) != SILK_OK ||
            cli_pick_cube(&opt, cube, n_names > 1, &po, &pd, &err) !=
                SILK_OK ||
            trend_cube(cube, &opt, &po, &pd, &out, &err) != SILK_OK) {
            cli_pick_release(&po);
            cli_pick_release(&pd);
            silk_cube_free(cube);
            status = cli_fail(&err);
            goto done;
        }
        cli_pick_release(&po);
        cli_pick_release(&pd);
        silk_cube_free(cube);
    }
    if (out.print && opt.json)
        fputs(out.first_object ? "]\n" : "\n]\n", stdout);
    if (save.failed) {
        silk_error_set(&err, SILK_ENOMEM, "out of memory keeping the rows");
        status = cli_fail(&err);
        goto done;
    }
    if (opt.save != NULL &&
        save_table(&opt, &l, &save, store, names, n_names, argc, argv,
                   &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    status = out.all_ok ? 0 : 1;

done:
    saved_free(&save);
    cli_indicators_free(names, n_names);
    silk_store_close(store);
    cli_options_release(&opt);
    return status;
}
