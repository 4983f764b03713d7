/*
 * test_trend_all.c: silk_trend_all and its workspace (src/stats/
 * trend_all.c).
 *
 * The main check: on 2880 random series (noise around a trend, small
 * counts full of ties, log-normal flows, constant and nearly constant
 * series, zeros of both signs, t with gaps, n from 3 to 200)
 * silk_trend_all gives bit for bit what silk_trend_ols,
 * silk_trend_mann_kendall and silk_trend_sen give.  Also: the property of gsl_stats_select that the
 * kernel relies on, the reference values of METHODS.md through the
 * kernel, every rejected input, and, where the CPU has AVX2, the AVX2
 * pair pass against the SSE2 one (SILKSTAT_SIMD=sse2) on series of 2 to
 * 400 points.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_statistics_double.h>

#include "silkstat.h"

#ifndef MAXAU
#define MAXAU "../shared/reference/maxau.csv"
#endif

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/* xorshift64*: the same series on every run and machine. */
static uint64_t rng = 0x2545F4914F6CDD1DULL;

static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) * 0x1p-53;
}

static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2.0 * M_PI * v);
}

/* Two doubles with the same bits (so -0.0 != +0.0 and NaN == NaN). */
static void same_bits(double got, double want, const char *what, size_t n,
                      int kind, size_t series)
{
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("%s differs (series %zu, kind %d, n %zu): trend_all "
                 "%.17g, separate %.17g",
                 what, series, kind, n, got, want);
}

static void make_series(int kind, size_t n, double *t, double *y)
{
    double tt = 1990.0 + floor(uniform() * 20.0);
    bool gaps = uniform() < 0.4;
    double level = 10.0 + 1000.0 * uniform(), slope = normal() * 5.0;
    for (size_t i = 0; i < n; i++) {
        t[i] = tt;
        tt += gaps && uniform() < 0.25 ? 1.0 + floor(uniform() * 3.0) : 1.0;
        switch (kind) {
        case 0: /* trend plus noise */
            y[i] = level + slope * (double)i + 30.0 * normal();
            break;
        case 1: /* small counts: ties everywhere, zero slopes galore */
            y[i] = floor(-log(uniform() + 1e-300) * 1.2);
            break;
        case 2: /* log-normal flows, rounded */
            y[i] = floor(level * exp(normal()));
            break;
        case 3: /* mostly zeros */
            y[i] = uniform() < 0.85 ? 0.0 : floor(uniform() * 5.0);
            break;
        case 4: /* constant, now and then one change */
            y[i] = uniform() < 0.05 ? level + 1.0 : level;
            break;
        case 5: /* a level shift with outliers */
            y[i] = (i > n / 2 ? 50.0 : 0.0) + normal() +
                   (uniform() < 0.05 ? 1e4 * normal() : 0.0);
            break;
        case 6: /* strong trend, tiny noise: slopes in a narrow band */
            y[i] = 1e6 + 100.0 * (double)i + 1e-3 * normal();
            break;
        default: /* -0.0, +0.0 and 1: zeros of both signs compare equal,
                  * and a sort and a selection may pick either */
            y[i] = uniform() < 0.3 ? 1.0 : uniform() < 0.5 ? -0.0 : 0.0;
            break;
        }
    }
}

static void compare_one(silk_trend_workspace *ws, const double *t,
                        const double *y, size_t n, double alpha, int kind,
                        size_t series)
{
    silk_ols o1, o2;
    silk_mk m1, m2;
    silk_sen s1, s2;
    silk_error err = {0};

    if (silk_trend_all(ws, t, y, n, alpha, &o1, &m1, &s1, &err) != SILK_OK)
        fail_msg("trend_all failed (series %zu, kind %d, n %zu): %s", series,
                 kind, n, err.message);
    assert_int_equal(silk_trend_ols(t, y, n, &o2, &err), SILK_OK);
    assert_int_equal(silk_trend_mann_kendall(y, n, &m2, &err), SILK_OK);
    assert_int_equal(silk_trend_sen(t, y, n, alpha, &s2, &err), SILK_OK);

#define SAME(a, b, f) same_bits(a.f, b.f, #f, n, kind, series)
    assert_int_equal(o1.n, o2.n);
    SAME(o1, o2, intercept);
    SAME(o1, o2, intercept_se);
    SAME(o1, o2, slope);
    SAME(o1, o2, slope_se);
    SAME(o1, o2, slope_lo);
    SAME(o1, o2, slope_hi);
    SAME(o1, o2, r2);
    SAME(o1, o2, p);
    SAME(o1, o2, resid_sd);
    SAME(o1, o2, t_mean);
    SAME(o1, o2, y_mean);
    SAME(o1, o2, s_tt);
    assert_int_equal(m1.n, m2.n);
    SAME(m1, m2, s);
    SAME(m1, m2, var_s);
    SAME(m1, m2, z);
    SAME(m1, m2, p);
    SAME(m1, m2, tau);
    assert_int_equal(s1.n, s2.n);
    SAME(s1, s2, slope);
    SAME(s1, s2, lo);
    SAME(s1, s2, hi);
    SAME(s1, s2, intercept);
#undef SAME
}

/* 8 kinds x n from 3 to 200, several alphas, one workspace for all. */
static void identical_to_separate(void **state)
{
    (void)state;
    enum { MAX_N = 200 };
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    double t[MAX_N], y[MAX_N];
    const double alphas[] = {0.05, 0.1, 0.5, 0.01, 1e-12};
    size_t series = 0;

    assert_int_equal(silk_trend_workspace_alloc(MAX_N, &ws, &err), SILK_OK);
    for (int round = 0; round < 6; round++) {
        for (int kind = 0; kind < 8; kind++) {
            for (size_t n = 3; n <= MAX_N; n += (n < 40 ? 1 : 7)) {
                make_series(kind, n, t, y);
                compare_one(ws, t, y, n, alphas[series % 5], kind, series);
                series++;
            }
        }
    }
    assert_true(series >= 2880);
    silk_trend_workspace_free(ws);
}

/* A workspace made with SILKSTAT_SIMD set to simd (NULL: unset); the
 * variable is read when a workspace is made, and put back as it was. */
static void alloc_with_simd(const char *simd, size_t max_n,
                            silk_trend_workspace **ws)
{
    silk_error err = {0};
    const char *old = getenv("SILKSTAT_SIMD");
    char *keep = old ? strdup(old) : NULL;
    if (simd)
        assert_int_equal(setenv("SILKSTAT_SIMD", simd, 1), 0);
    else
        assert_int_equal(unsetenv("SILKSTAT_SIMD"), 0);
    assert_int_equal(silk_trend_workspace_alloc(max_n, ws, &err), SILK_OK);
    if (keep)
        setenv("SILKSTAT_SIMD", keep, 1);
    else
        unsetenv("SILKSTAT_SIMD");
    free(keep);
}

static bool cpu_has_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* Same return code, message and result bits from the two workspaces. */
static void same_on_both(silk_trend_workspace *ws_a,
                         silk_trend_workspace *ws_b, const double *t,
                         const double *y, size_t n, double alpha,
                         bool with_ols, bool with_sen, int kind,
                         size_t series)
{
    silk_ols o[2];
    silk_mk m[2];
    silk_sen s[2];
    silk_error err[2] = {{0}, {0}};
    int rc[2];
    silk_trend_workspace *ws[2] = {ws_a, ws_b};

    /* zeroed first, so memcmp sees no stale bytes where nothing is
     * written (a failed call writes none of them) */
    memset(o, 0, sizeof o);
    memset(m, 0, sizeof m);
    memset(s, 0, sizeof s);
    for (int q = 0; q < 2; q++)
        rc[q] = silk_trend_all(ws[q], t, y, n, alpha,
                               with_ols ? &o[q] : NULL, &m[q],
                               with_sen ? &s[q] : NULL, &err[q]);
    if (rc[0] != rc[1] || strcmp(err[0].message, err[1].message) != 0)
        fail_msg("series %zu (kind %d, n %zu): AVX2 gives %d '%s', SSE2 "
                 "%d '%s'",
                 series, kind, n, rc[0], err[0].message, rc[1],
                 err[1].message);
    const struct {
        const char *name;
        const void *a, *b;
        size_t size;
    } parts[] = {{"ols", &o[0], &o[1], sizeof o[0]},
                 {"mk", &m[0], &m[1], sizeof m[0]},
                 {"sen", &s[0], &s[1], sizeof s[0]}};
    for (size_t p = 0; p < 3; p++) {
        if (memcmp(parts[p].a, parts[p].b, parts[p].size) != 0) {
            print_message("series %zu (kind %d, n %zu, alpha %g): %s "
                          "differs between AVX2 and SSE2\n",
                          series, kind, n, alpha, parts[p].name);
            assert_memory_equal(parts[p].a, parts[p].b, parts[p].size);
        }
    }
}

/* The AVX2 pair pass gives the SSE2 pass's bits: every n from 2 to 400
 * twice over the 8 kinds of make_series, all three results (the pass
 * with the bucket histogram from n = 24 up) and Mann-Kendall alone (the
 * plain pass), one pair of workspaces for all.  Where the CPU has no
 * AVX2 both workspaces would run the SSE2 pass: skipped. */
static void avx2_same_as_sse2(void **state)
{
    (void)state;
    enum { MAX_N = 400 };
    silk_trend_workspace *ws_avx2 = NULL, *ws_sse2 = NULL;
    double t[MAX_N], y[MAX_N];
    const double alphas[] = {0.05, 0.1, 0.5, 0.01, 1e-12};
    size_t series = 0;

    if (!cpu_has_avx2()) {
        print_message("no AVX2 on this CPU: skipping the AVX2 = SSE2 "
                      "check\n");
        skip();
    }
    alloc_with_simd(NULL, MAX_N, &ws_avx2);
    alloc_with_simd("sse2", MAX_N, &ws_sse2);
    for (int round = 0; round < 2; round++) {
        for (size_t n = 2; n <= MAX_N; n++) {
            int kind = (int)((n + (size_t)round * 3) % 8);
            make_series(kind, n, t, y);
            double alpha = alphas[series % 5];
            same_on_both(ws_avx2, ws_sse2, t, y, n, alpha, true, true, kind,
                         series);
            same_on_both(ws_avx2, ws_sse2, t, y, n, alpha, false, false,
                         kind, series);
            series++;
        }
    }
    assert_int_equal(series, 798);
    silk_trend_workspace_free(ws_avx2);
    silk_trend_workspace_free(ws_sse2);
}

/* A workspace reused across sizes and alphas keeps nothing stale: the
 * same series gives the same answer before and after others. */
static void workspace_reuse(void **state)
{
    (void)state;
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    double t[150], y[150], t2[150], y2[150];
    silk_ols o1, o2;
    silk_mk m1, m2;
    silk_sen s1, s2;

    assert_int_equal(silk_trend_workspace_alloc(150, &ws, &err), SILK_OK);
    make_series(0, 150, t, y);
    assert_int_equal(silk_trend_all(ws, t, y, 150, 0.05, &o1, &m1, &s1, &err),
                     SILK_OK);
    for (int kind = 0; kind < 7; kind++) {
        make_series(kind, 40, t2, y2);
        assert_int_equal(
            silk_trend_all(ws, t2, y2, 40, 0.2, &o2, &m2, &s2, &err),
            SILK_OK);
    }
    assert_int_equal(silk_trend_all(ws, t, y, 150, 0.05, &o2, &m2, &s2, &err),
                     SILK_OK);
    assert_memory_equal(&o1, &o2, sizeof o1);
    assert_memory_equal(&m1, &m2, sizeof m1);
    assert_memory_equal(&s1, &s2, sizeof s1);
    silk_trend_workspace_free(ws);
}

/* Any of the three results may be skipped; the others do not change. */
static void outputs_optional(void **state)
{
    (void)state;
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    double t[60], y[60];
    silk_ols o1, o2;
    silk_mk m1, m2;
    silk_sen s1, s2;

    assert_int_equal(silk_trend_workspace_alloc(60, &ws, &err), SILK_OK);
    make_series(2, 60, t, y);
    assert_int_equal(silk_trend_all(ws, t, y, 60, 0.05, &o1, &m1, &s1, &err),
                     SILK_OK);
    assert_int_equal(silk_trend_all(ws, t, y, 60, 0.05, &o2, NULL, NULL, &err),
                     SILK_OK);
    assert_memory_equal(&o1, &o2, sizeof o1);
    assert_int_equal(silk_trend_all(ws, t, y, 60, 0.05, NULL, &m2, NULL, &err),
                     SILK_OK);
    assert_memory_equal(&m1, &m2, sizeof m1);
    assert_int_equal(silk_trend_all(ws, t, y, 60, 0.05, NULL, NULL, &s2, &err),
                     SILK_OK);
    assert_memory_equal(&s1, &s2, sizeof s1);
    assert_int_equal(silk_trend_all(ws, t, y, 60, 0.05, NULL, NULL, NULL, &err),
                     SILK_OK);
    silk_trend_workspace_free(ws);
}

/*
 * The property multi_select relies on: after gsl_stats_select(a, n, k),
 * a[0..k) <= a[k] <= a(k..n) and a is a permutation of the input.  On
 * random arrays with many ties, every k.
 */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void gsl_select_partitions(void **state)
{
    (void)state;
    double a[97], sorted[97], copy[97];

    for (int round = 0; round < 40; round++) {
        size_t n = 1 + (size_t)(uniform() * 97.0);
        if (n > 97)
            n = 97;
        double levels = round % 2 ? 4.0 : 1e6;
        for (size_t i = 0; i < n; i++)
            a[i] = floor(uniform() * levels);
        memcpy(sorted, a, n * sizeof *a);
        qsort(sorted, n, sizeof *sorted, cmp_double);
        for (size_t k = 0; k < n; k++) {
            memcpy(copy, a, n * sizeof *a);
            double v = gsl_stats_select(copy, 1, n, k);
            assert_true(v == sorted[k]);
            assert_true(copy[k] == v);
            for (size_t i = 0; i < k; i++)
                assert_true(copy[i] <= v);
            for (size_t i = k + 1; i < n; i++)
                assert_true(copy[i] >= v);
            qsort(copy, n, sizeof *copy, cmp_double);
            assert_memory_equal(copy, sorted, n * sizeof *copy);
        }
    }
}

/* METHODS.md references 2 and 3 through the kernel (maxau.csv). */
static void maxau_through_kernel(void **state)
{
    (void)state;
    FILE *f = fopen(MAXAU, "r");
    char line[256];
    double year[64], s[64], q[64];
    size_t n = 0;
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    silk_mk mk;
    silk_sen sen;

    if (!f) {
        print_message("%s not found: skipping the maxau checks\n", MAXAU);
        skip();
    }
    assert_non_null(fgets(line, sizeof line, f));
    while (n < 64 && fgets(line, sizeof line, f)) {
        char *end;
        year[n] = strtod(line, &end);
        s[n] = strtod(end + 1, &end);
        q[n] = strtod(end + 1, &end);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 45);
    assert_int_equal(silk_trend_workspace_alloc(45, &ws, &err), SILK_OK);
    assert_int_equal(silk_trend_all(ws, year, q, n, 0.05, NULL, &mk, NULL,
                                    &err),
                     SILK_OK);
    assert_true(mk.s == -144.0 && mk.var_s == 10450.0);
    assert_true(fabs(mk.tau - -0.1454545) <= 0.5e-7);
    assert_true(fabs(mk.z - -1.3989) <= 0.5e-4);
    assert_true(fabs(mk.p - 0.1619) <= 0.5e-4);
    assert_int_equal(silk_trend_all(ws, year, s, n, 0.05, NULL, &mk, &sen,
                                    &err),
                     SILK_OK);
    assert_true(mk.s == -394.0);
    assert_true(fabs(mk.z - -3.8445) <= 0.5e-4);
    assert_true(fabs(mk.p - 0.0001208) <= 0.5e-7);
    assert_true(fabs(sen.slope - -0.2876139) <= 0.5e-7);
    assert_true(fabs(sen.lo - -0.4196477) <= 0.5e-7);
    assert_true(fabs(sen.hi - -0.1519026) <= 0.5e-7);
    silk_trend_workspace_free(ws);
}

/* Ties counted without sorting: y = 1,2,2,3 (one pair of 2s) and
 * 5,5,5,1 (a triple): Var(S) = (4*3*13 - 2*1*9)/18 = 138/18 and
 * (156 - 3*2*11)/18 = 90/18 = 5, tied pairs 1 and 3. */
static void ties_without_sort(void **state)
{
    (void)state;
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    const double t[] = {1, 2, 3, 4};
    const double a[] = {1, 2, 2, 3}, b[] = {5, 5, 5, 1};
    silk_mk mk;

    assert_int_equal(silk_trend_workspace_alloc(4, &ws, &err), SILK_OK);
    assert_int_equal(silk_trend_all(ws, t, a, 4, 0.05, NULL, &mk, NULL, &err),
                     SILK_OK);
    assert_true(mk.s == 5.0);
    assert_true(mk.var_s == 138.0 / 18.0);
    assert_true(mk.tau == 5.0 / (sqrt(5.0) * sqrt(6.0)));
    assert_int_equal(silk_trend_all(ws, t, b, 4, 0.05, NULL, &mk, NULL, &err),
                     SILK_OK);
    /* pairs: (5,5)0 x3, (5,1)- x3: S = -3 */
    assert_true(mk.s == -3.0);
    assert_true(mk.var_s == 5.0);
    assert_true(mk.tau == -3.0 / (sqrt(3.0) * sqrt(6.0)));
    silk_trend_workspace_free(ws);
}

static void rejects(void **state)
{
    (void)state;
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};
    const double t[] = {1, 2, 3, 4}, y[] = {1, 2, 3, 4};
    const double tdup[] = {1, 2, 2, 4}, ynan[] = {1, 2, NAN, 4};
    const double ttiny[] = {0, 1e-300, 1, 2}, ybig[] = {0, 1e10, 0, 1};
    silk_ols ols;
    silk_sen sen;

    expect_error(silk_trend_workspace_alloc(2, &ws, &err), &err, SILK_EINVAL,
                 "trend workspace: max_n is 2, expected at least 3");
    assert_null(ws);
    char want[SILK_MESSAGE_MAX];
    snprintf(want, sizeof want,
             "trend workspace: %zu points give too many pairwise slopes to "
             "hold in memory",
             SIZE_MAX / 2);
    expect_error(silk_trend_workspace_alloc(SIZE_MAX / 2, &ws, &err), &err,
                 SILK_ENOMEM, want);
    expect_error(silk_trend_workspace_alloc(100001, &ws, &err), &err,
                 SILK_ENOMEM,
                 "trend workspace: 100001 points give too many pairwise "
                 "slopes to hold in memory");
    assert_int_equal(silk_trend_workspace_alloc(4, &ws, &err), SILK_OK);

    expect_error(silk_trend_all(ws, t, y, 2, 0.05, &ols, NULL, NULL, &err),
                 &err, SILK_ETOOFEW, "trend needs at least 3 points, got 2");
    expect_error(silk_trend_all(NULL, t, y, 4, 0.05, &ols, NULL, NULL, &err),
                 &err, SILK_EINVAL, "trend: ws, t and y must not be null");
    expect_error(silk_trend_all(ws, t, y, 5, 0.05, &ols, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "trend: 5 points exceed the workspace's 4");
    expect_error(silk_trend_all(ws, t, y, 4, 1.0, &ols, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "trend: alpha is 1, expected a number between 0 and 1 "
                 "(exclusive)");
    expect_error(silk_trend_all(ws, t, ynan, 4, 0.05, &ols, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "trend: y[2] is nan, expected a finite number");
    expect_error(silk_trend_all(ws, tdup, y, 4, 0.05, &ols, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "trend: t[2] is 2 after t[1] = 2, expected strictly "
                 "increasing times");
    /* the same overflow message and pair as silk_trend_sen */
    expect_error(silk_trend_all(ws, ttiny, ybig, 4, 0.05, NULL, NULL, &sen,
                                &err),
                 &err, SILK_ENUMERIC,
                 "sen slope: the slope between t = 0 and t = 1e-300 "
                 "overflows");
    silk_trend_workspace_free(ws);
    silk_trend_workspace_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_to_separate),
        cmocka_unit_test(avx2_same_as_sse2),
        cmocka_unit_test(workspace_reuse),
        cmocka_unit_test(outputs_optional),
        cmocka_unit_test(gsl_select_partitions),
        cmocka_unit_test(maxau_through_kernel),
        cmocka_unit_test(ties_without_sort),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
