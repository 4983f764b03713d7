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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/parallel.h"

static const char usage[] =
    "usage: silkstat trend [--indicator I[,I...]] [--origin O[,O...]]\n"
    "                      [--destination D[,D...]] [--from P] [--to P]\n"
    "                      [--where COL=V[,V]]... [--method M[,M...]]\n"
    "                      [--break P]... [--threads N] [--json]\n"
    "                      [--store FILE]\n"
    "Prints one CSV row (--json: one object) per series with enough values:\n"
    "  indicator,origin,destination,segment,n,first,last, then the columns\n"
    "  of each method (README \"Trend columns\"):\n"
    "  ols   ols_slope,ols_se,ols_ci_low,ols_ci_high,ols_r2,ols_p,\n"
    "        ols_intercept,ols_resid_sd\n"
    "  mk    mk_s,mk_var_s,mk_z,mk_p,mk_tau\n"
    "  sen   sen_slope,sen_ci_low,sen_ci_high,sen_intercept\n"
    "Default methods: ols,mk,sen.  Slopes are per period (year, quarter or\n"
    "month).  --break P starts a new segment at period P (as does a value\n"
    "flagged b): each segment gets its own row, so a reclassification is\n"
    "not read as a trend.  Country lists take ISO3 codes, names, group\n"
    "names (silk5, eu27, ...), '*' (all, the default) and '-' (the\n"
    "country-level destination).  --where sums only the selected categories\n"
    "of an indicator split by categorical columns (without --indicator: of\n"
    "every indicator that has those columns).  --threads (or\n"
    "SILKSTAT_THREADS; default: every core) never changes the output.\n";

/* ------------------------------------------------------------------ */
/* Row text                                                            */
/* ------------------------------------------------------------------ */

/* A growing string; on allocation failure it stops growing and remembers
 * that it failed. */
typedef struct strbuf {
    char *text;
    size_t len, cap;
    bool failed;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) SILK_PRINTF(2, 3);

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->text ? b->text + b->len : NULL,
                          b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if (b->text != NULL && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
}

static void sb_free(strbuf *b)
{
    free(b->text);
    memset(b, 0, sizeof *b);
}

/* One output row: CSV fields or JSON members, in column order. */
typedef struct row {
    strbuf *out;
    bool json;
    size_t fields;
} row;

static void put_text(row *r, const char *name, const char *text)
{
    if (r->json) {
        sb_printf(r->out, "%s\"%s\": \"", r->fields ? ", " : "", name);
        for (const char *c = text; *c; c++)
            sb_printf(r->out, *c == '"' || *c == '\\' ? "\\%c"
                              : (unsigned char)*c < 0x20 ? "?%c"
                                                         : "%c",
                      *c);
        sb_printf(r->out, "\"");
    } else {
        const char *sep = r->fields ? "," : "";
        if (strpbrk(text, ",\"\r\n") == NULL) {
            sb_printf(r->out, "%s%s", sep, text);
        } else {
            sb_printf(r->out, "%s\"", sep);
            for (const char *c = text; *c; c++)
                sb_printf(r->out, *c == '"' ? "\"\"" : "%c", *c);
            sb_printf(r->out, "\"");
        }
    }
    r->fields++;
}

static void put_number(row *r, const char *name, double value)
{
    char buf[32];
    cli_number(buf, sizeof buf, value);
    if (r->json)
        sb_printf(r->out, "%s\"%s\": %s", r->fields ? ", " : "", name,
                  buf[0] ? buf : "null");
    else
        sb_printf(r->out, "%s%s", r->fields ? "," : "", buf);
    r->fields++;
}

/* ------------------------------------------------------------------ */
/* Methods                                                             */
/* ------------------------------------------------------------------ */

/* One segment's observed points, in period order. */
typedef struct points {
    const double *t, *y;
    size_t n;
} points;

typedef struct method {
    const char *name;
    const char *const *columns; /* NULL-terminated */
    /* Puts the method's columns (NaN/empty where it failed) and returns
     * SILK_OK or the failure in err. */
    int (*emit)(const points *pts, row *r, silk_error *err);
} method;

static void put_numbers(row *r, const char *const *columns,
                        const double *values)
{
    for (size_t i = 0; columns[i] != NULL; i++)
        put_number(r, columns[i], values[i]);
}

static const char *const ols_columns[] = {
    "ols_slope",  "ols_se",        "ols_ci_low",   "ols_ci_high",
    "ols_r2",     "ols_p",         "ols_intercept", "ols_resid_sd", NULL};

static int emit_ols(const points *pts, row *r, silk_error *err)
{
    silk_ols ols;
    int status = silk_trend_ols(pts->t, pts->y, pts->n, &ols, err);
    double v[8] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (status == SILK_OK) {
        double got[8] = {ols.slope, ols.slope_se, ols.slope_lo, ols.slope_hi,
                         ols.r2,    ols.p,        ols.intercept,
                         ols.resid_sd};
        memcpy(v, got, sizeof v);
    }
    put_numbers(r, ols_columns, v);
    return status;
}

static const char *const mk_columns[] = {"mk_s", "mk_var_s", "mk_z", "mk_p",
                                         "mk_tau", NULL};

static int emit_mk(const points *pts, row *r, silk_error *err)
{
    silk_mk mk;
    int status = silk_trend_mann_kendall(pts->y, pts->n, &mk, err);
    double v[5] = {NAN, NAN, NAN, NAN, NAN};
    if (status == SILK_OK) {
        double got[5] = {mk.s, mk.var_s, mk.z, mk.p, mk.tau};
        memcpy(v, got, sizeof v);
    }
    put_numbers(r, mk_columns, v);
    return status;
}

static const char *const sen_columns[] = {"sen_slope", "sen_ci_low",
                                          "sen_ci_high", "sen_intercept",
                                          NULL};

static int emit_sen(const points *pts, row *r, silk_error *err)
{
    silk_sen sen;
    int status = silk_trend_sen(pts->t, pts->y, pts->n, 0.05, &sen, err);
    double v[4] = {NAN, NAN, NAN, NAN};
    if (status == SILK_OK) {
        double got[4] = {sen.slope, sen.lo, sen.hi, sen.intercept};
        memcpy(v, got, sizeof v);
    }
    put_numbers(r, sen_columns, v);
    return status;
}

/* Every method, in output order (not the order --method lists them). */
static const method methods[] = {
    {"ols", ols_columns, emit_ols},
    {"mk", mk_columns, emit_mk},
    {"sen", sen_columns, emit_sen},
};
#define N_METHODS (sizeof methods / sizeof *methods)
#define DEFAULT_METHODS "ols,mk,sen"

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

/* ------------------------------------------------------------------ */
/* Jobs: one segment of one series                                     */
/* ------------------------------------------------------------------ */

typedef struct job {
    size_t o, d;          /* on the cube's axes */
    size_t first, end;    /* period positions [first, end) */
    unsigned segment;     /* 1-based */
    strbuf text, errors;  /* the row, and messages for stderr */
    bool failed;
} job;

typedef struct run_ctx {
    const silk_cube *cube;
    unsigned methods;
    bool json;
    job *jobs;
    double *scratch; /* per thread: 2 * n_period */
} run_ctx;

static void run_job(void *arg, size_t i, unsigned thread)
{
    run_ctx *ctx = arg;
    const silk_cube *cube = ctx->cube;
    job *jb = &ctx->jobs[i];
    double *t = ctx->scratch + (size_t)thread * 2 * (cube->n_period + 1);
    double *y = t + cube->n_period + 1;
    size_t n = 0, p_first = 0, p_last = 0;
    for (size_t p = jb->first; p < jb->end; p++) {
        double v = cube->value[silk_cube_index(cube, jb->o, jb->d, p)];
        if (isnan(v))
            continue;
        if (n == 0)
            p_first = p;
        p_last = p;
        t[n] = (double)silk_period_ordinal(cube->period[p]);
        y[n++] = v;
    }
    if (n < 3)
        return; /* too short for any method: no row */

    char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
    silk_period_format(cube->period[p_first], from);
    silk_period_format(cube->period[p_last], to);
    row r = {&jb->text, ctx->json, 0};
    if (ctx->json)
        sb_printf(r.out, "{");
    put_text(&r, "indicator", cube->indicator);
    put_text(&r, "origin", cube->origin[jb->o]);
    put_text(&r, "destination", cli_code_label(cube->destination[jb->d]));
    put_number(&r, "segment", jb->segment);
    put_number(&r, "n", (double)n);
    put_text(&r, "first", from);
    put_text(&r, "last", to);
    points pts = {t, y, n};
    for (size_t m = 0; m < N_METHODS; m++) {
        if (!(ctx->methods & (1u << m)))
            continue;
        silk_error err = {0};
        if (methods[m].emit(&pts, &r, &err) != SILK_OK) {
            jb->failed = true;
            sb_printf(&jb->errors, "silkstat: %s %s %s %s-%s: %s\n",
                      cube->indicator, cube->origin[jb->o],
                      cli_code_label(cube->destination[jb->d]), from, to,
                      err.message);
        }
    }
    sb_printf(r.out, ctx->json ? "}" : "\n");
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

/* Prints the rows (and their messages) of jobs in order; frees them. */
static bool flush(job *jobs, size_t n, bool json, bool *first_object)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        job *jb = &jobs[i];
        if (jb->text.failed || jb->errors.failed) {
            fprintf(stderr, "silkstat: out of memory formatting a row\n");
            ok = false;
        }
        if (jb->text.len > 0) {
            if (json)
                fputs(*first_object ? "\n  " : ",\n  ", stdout);
            fwrite(jb->text.text, 1, jb->text.len, stdout);
            *first_object = false;
        }
        if (jb->errors.len > 0)
            fwrite(jb->errors.text, 1, jb->errors.len, stderr);
        ok &= !jb->failed;
        sb_free(&jb->text);
        sb_free(&jb->errors);
    }
    return ok;
}

static void print_header(unsigned chosen)
{
    fputs("indicator,origin,destination,segment,n,first,last", stdout);
    for (size_t m = 0; m < N_METHODS; m++)
        if (chosen & (1u << m))
            for (size_t c = 0; methods[m].columns[c] != NULL; c++)
                printf(",%s", methods[m].columns[c]);
    putchar('\n');
}

/* All series of one cube: the jobs in blocks, so memory stays bounded. */
#define JOBS_PER_BLOCK 8192

static int trend_cube(const silk_cube *cube, const cli_options *opt,
                      const cli_pick *po, const cli_pick *pd, unsigned chosen,
                      unsigned threads, bool *all_ok, bool *first_object,
                      silk_error *err)
{
    size_t first, end;
    cli_period_range(cube, opt, &first, &end);
    job *jobs = NULL;
    size_t n = 0, cap = 0;
    run_ctx ctx = {cube, chosen, opt->json, NULL, NULL};
    ctx.scratch = malloc((size_t)threads * 2 * (cube->n_period + 1) *
                         sizeof *ctx.scratch);
    if (ctx.scratch == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = SILK_OK;
    for (size_t a = 0; a < po->n && status == SILK_OK; a++)
        for (size_t b = 0; b < pd->n && status == SILK_OK; b++) {
            if (add_jobs(&jobs, &n, &cap, cube, opt, po->index[a],
                         pd->index[b], first, end) != SILK_OK) {
                status = silk_error_set(err, SILK_ENOMEM, "out of memory");
                break;
            }
            if (n >= JOBS_PER_BLOCK || (a + 1 == po->n && b + 1 == pd->n)) {
                ctx.jobs = jobs;
                cli_parallel_for(n, threads, run_job, &ctx);
                *all_ok &= flush(jobs, n, opt->json, first_object);
                n = 0;
            }
        }
    free(jobs);
    free(ctx.scratch);
    return status;
}

int cmd_trend(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE | OPT_JSON |
                               OPT_METHOD | OPT_BREAK | OPT_THREADS,
                           usage, &opt);
    if (status != CLI_GO)
        return status;

    silk_error err = {0};
    silk_store *store = NULL;
    char **names = NULL;
    size_t n_names = 0;
    unsigned chosen = 0, threads = 1;
    bool all_ok = true, first_object = true;
    if (parse_methods(opt.method, &chosen, &err) != SILK_OK ||
        cli_thread_count(opt.threads, &threads, &err) != SILK_OK ||
        cli_load_countries(&opt, false, &err) != SILK_OK ||
        silk_store_open(opt.store, &store, &err) != SILK_OK ||
        cli_indicators(store, opt.indicator, &names, &n_names, &err) !=
            SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    if (opt.json)
        fputs("[", stdout);
    else
        print_header(chosen);
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
            trend_cube(cube, &opt, &po, &pd, chosen, threads, &all_ok,
                       &first_object, &err) != SILK_OK) {
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
    if (opt.json)
        fputs(first_object ? "]\n" : "\n]\n", stdout);
    status = all_ok ? 0 : 1;

done:
    cli_indicators_free(names, n_names);
    silk_store_close(store);
    cli_options_release(&opt);
    return status;
}
