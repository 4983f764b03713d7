/*
 * bench_trend_kernel.c: nanoseconds per pair of silk_trend_all on series
 * of 36 and 132 points and on a mix of 36 to 132 (the CLI's workload):
 * with all three results (OLS + Mann-Kendall + Sen's slope with its
 * interval), with Mann-Kendall and Sen only (ols NULL), and, beside
 * them, the three separate functions.  Not part of `make test` (the
 * name does not start with test_); build and run by hand:
 *
 *   make && cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc \
 *       tests/unit/bench_trend_kernel.c build/libsilkstat.a \
 *       $(pkg-config --libs gsl) -lpthread -lm -o build/bench_trend_kernel
 *   ./build/bench_trend_kernel [seconds per case] [all | simd]
 *
 * With "all" only silk_trend_all with all three runs (for a profiler).
 * SILKSTAT_SIMD=sse2 in the environment times the SSE2 pair pass.
 * With "simd" silk_trend_all with all three runs on two workspaces, one
 * on the default pair pass (AVX2 where the CPU has it) and one made
 * with SILKSTAT_SIMD=sse2, their slices taking turns so that both see
 * the same machine; the last column is SSE2 time / default time.  Each
 * case runs in five slices (ten with "simd") and the fastest slice is
 * reported: the time is CPU time of this thread, but other processes on
 * a shared machine still slow it (caches, frequency), and the minimum is
 * the least disturbed figure.
 * The series are generated once and cycled through: a trend plus noise,
 * small counts (many ties), rounded log-normal flows with gaps in t, and
 * a level shift with 5% outliers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "silkstat.h"

enum { SERIES = 256, SLICES = 5, MAX_N = 132 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: reproducible without a global generator. */
static double uniform(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (double)((*state * 2685821657736338717ULL) >> 11) * 0x1p-53;
}

static double normal(uint64_t *state)
{
    double u = uniform(state), v = uniform(state);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static void make_series(size_t n, int kind, uint64_t *state, double *t,
                        double *y)
{
    double tt = 2000.0;
    for (size_t i = 0; i < n; i++) {
        t[i] = tt;
        tt += (kind == 2 && uniform(state) < 0.2) ? 2.0 : 1.0;
        if (kind == 0)
            y[i] = 100.0 + 0.5 * (double)i + 10.0 * normal(state);
        else if (kind == 1)
            y[i] = floor(-log(uniform(state) + 1e-300) * 1.5);
        else if (kind == 2)
            y[i] = floor(1000.0 * exp(normal(state)));
        else /* a level shift two thirds in, and 5% outliers */
            y[i] = (i > 2 * n / 3 ? 500.0 : 100.0) + 20.0 * normal(state) +
                   (uniform(state) < 0.05 ? 5000.0 * uniform(state) : 0.0);
    }
}

typedef struct cases {
    double t[SERIES][MAX_N], y[SERIES][MAX_N];
    size_t n[SERIES];
    double pairs; /* in one sweep over the SERIES series */
} cases;

/* One slice of about `seconds`, in ns per pair.  mode 0: silk_trend_all
 * with all three; 1: without OLS; 2: the separate functions. */
static double slice(silk_trend_workspace *ws, const cases *c, double seconds,
                    int mode)
{
    silk_ols ols;
    silk_mk mk;
    silk_sen sen;
    silk_error err = {0};
    double sink = 0.0;
    double start = now(), elapsed = 0.0, pairs = 0.0;

    while (elapsed < seconds) {
        for (size_t s = 0; s < SERIES; s++) {
            size_t n = c->n[s];
            int rc;
            if (mode == 2)
                rc = silk_trend_ols(c->t[s], c->y[s], n, &ols, &err) ||
                     silk_trend_mann_kendall(c->y[s], n, &mk, &err) ||
                     silk_trend_sen(c->t[s], c->y[s], n, 0.05, &sen, &err);
            else
                rc = silk_trend_all(ws, c->t[s], c->y[s], n, 0.05,
                                    mode == 0 ? &ols : NULL, &mk, &sen,
                                    &err);
            if (rc) {
                fprintf(stderr, "bench: %s\n", err.message);
                exit(1);
            }
            sink += ols.slope + mk.z + sen.slope;
        }
        pairs += c->pairs;
        elapsed = now() - start;
    }
    if (sink == 12345.678)
        puts("");
    return elapsed / pairs * 1e9;
}

/* Fastest of SLICES slices, in ns per pair. */
static double run(silk_trend_workspace *ws, const cases *c, double seconds,
                  int mode)
{
    double best = INFINITY;
    for (int k = 0; k < SLICES; k++) {
        double ns = slice(ws, c, seconds / SLICES, mode);
        best = ns < best ? ns : best;
    }
    return best;
}

/* The fastest of 2 SLICES slices on each of two workspaces, by turns. */
static void run_two(silk_trend_workspace *ws_a, silk_trend_workspace *ws_b,
                    const cases *c, double seconds, double *a, double *b)
{
    *a = *b = INFINITY;
    for (int k = 0; k < 2 * SLICES; k++) {
        double ns = slice(ws_a, c, seconds / (2 * SLICES), 0);
        *a = ns < *a ? ns : *a;
        ns = slice(ws_b, c, seconds / (2 * SLICES), 0);
        *b = ns < *b ? ns : *b;
    }
}

/* A workspace made with SILKSTAT_SIMD set to simd (NULL: unset, the
 * default pass); the variable is read when a workspace is made, and put
 * back as it was. */
static int alloc_simd(const char *simd, size_t max_n,
                      silk_trend_workspace **ws, silk_error *err)
{
    const char *old = getenv("SILKSTAT_SIMD");
    char *keep = old ? strdup(old) : NULL;
    if (simd)
        setenv("SILKSTAT_SIMD", simd, 1);
    else
        unsetenv("SILKSTAT_SIMD");
    int rc = silk_trend_workspace_alloc(max_n, ws, err);
    if (keep)
        setenv("SILKSTAT_SIMD", keep, 1);
    else
        unsetenv("SILKSTAT_SIMD");
    free(keep);
    return rc;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    int only_all = argc > 2 && strcmp(argv[2], "all") == 0;
    int simd = argc > 2 && strcmp(argv[2], "simd") == 0;
    const char *kinds[] = {"trend+noise", "small counts", "flows, gaps",
                           "shift+outlier"};
    const size_t sizes[] = {36, 132, 0}; /* 0: each series 36..132 */
    silk_trend_workspace *ws = NULL, *ws_sse2 = NULL;
    silk_error err = {0};
    cases *c = malloc(sizeof *c);

    /* without "simd", SILKSTAT_SIMD of the environment applies */
    if (!c ||
        (simd ? alloc_simd(NULL, MAX_N, &ws, &err)
              : silk_trend_workspace_alloc(MAX_N, &ws, &err)) ||
        (simd && alloc_simd("sse2", MAX_N, &ws_sse2, &err))) {
        fprintf(stderr, "bench: %s\n", c ? err.message : "out of memory");
        return 1;
    }
    if (simd)
        printf("ns per pair      %-13s %9s %9s %9s\n", "series", "default",
               "SSE2", "ratio");
    else
        printf("ns per pair      %-13s %9s %9s %9s\n", "series", "all",
               "MK+Sen", "separate");
    for (size_t z = 0; z < 3; z++) {
        uint64_t state = 0x9E3779B97F4A7C15ULL;
        for (int kind = 0; kind < 4; kind++) {
            c->pairs = 0.0;
            for (size_t s = 0; s < SERIES; s++) {
                size_t n = sizes[z] ? sizes[z]
                                    : 36 + (size_t)(uniform(&state) * 97.0);
                c->n[s] = n;
                c->pairs += (double)(n * (n - 1) / 2);
                make_series(n, kind, &state, c->t[s], c->y[s]);
            }
            if (simd) {
                double dflt, sse2;
                run_two(ws, ws_sse2, c, 2.0 * seconds, &dflt, &sse2);
                printf("n = %-12s %-13s %9.2f %9.2f %9.2f\n",
                       z == 0 ? "36" : z == 1 ? "132" : "36 to 132",
                       kinds[kind], dflt, sse2, sse2 / dflt);
                continue;
            }
            double all = run(ws, c, seconds, 0);
            double mksen = only_all ? NAN : run(ws, c, seconds, 1);
            double sep = only_all ? NAN : run(ws, c, seconds / 4, 2);
            printf("n = %-12s %-13s %9.2f %9.2f %9.2f\n",
                   z == 0 ? "36" : z == 1 ? "132" : "36 to 132", kinds[kind],
                   all, mksen, sep);
        }
    }
    silk_trend_workspace_free(ws);
    silk_trend_workspace_free(ws_sse2);
    free(c);
    return 0;
}
