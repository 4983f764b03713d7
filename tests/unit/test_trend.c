/*
 * test_trend.c: silk_trend_ols, silk_trend_ols_predict,
 * silk_trend_mann_kendall, silk_trend_sen and the GSL error handler of
 * src/stats.
 *
 * Reference values come from METHODS.md (NIST StRD Norris; R trend on
 * maxau.csv), from hand calculations written out beside each case, and
 * from R 4.2.2 for two short series (see the comment above gap_t) and for
 * the intervals of silk_trend_ols_predict (tests/ref/ols_predict.R).
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>

#include "silkstat.h"
#include "stats/stats.h"

/* The suite runs from the repository root, with shared/ beside it (as in
 * CI); -DMAXAU=... points the test elsewhere (or nowhere, to see the
 * skip). */
#ifndef MAXAU
#define MAXAU "../shared/reference/maxau.csv"
#endif

/* |got - want| <= tol * |want| (rel) or <= tol (abs, when rel is false). */
static void near(double got, double want, double tol, int rel,
                 const char *what)
{
    double bound = rel ? tol * fabs(want) : tol;
    if (!(fabs(got - want) <= bound))
        fail_msg("%s: got %.17g, want %.17g (tolerance %g%s)", what, got,
                 want, tol, rel ? " relative" : "");
}

#define REL(got, want, tol) near((got), (want), (tol), 1, #got)
#define ABS(got, want, tol) near((got), (want), (tol), 0, #got)

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/* ---------------------------------------------------------------- */
/* GSL handler (first, so no earlier test has installed it)          */
/* ---------------------------------------------------------------- */

/* A public entry point installs the handler: afterwards a GSL domain
 * error returns instead of aborting, and is recorded and consumed. */
static void gsl_handler_installed_lazily(void **state)
{
    (void)state;
    const double y[] = {1, 2, 3};
    silk_mk mk;
    silk_error err = {0};
    silk_gsl_error last;
    gsl_sf_result res;

    assert_int_equal(silk_trend_mann_kendall(y, 3, &mk, &err), SILK_OK);
    silk_gsl_clear();
    assert_false(silk_gsl_last(&last));
    int status = gsl_sf_log_e(-1.0, &res); /* would abort by default */
    assert_int_equal(status, GSL_EDOM);
    assert_true(silk_gsl_last(&last));
    assert_int_equal(last.gsl_errno, GSL_EDOM);
    assert_string_equal(last.reason, "domain error");
    assert_true(last.line > 0);
    assert_non_null(strstr(last.file, "log.c"));

    expect_error(silk_gsl_check(status, &err, "log of a rate"), &err,
                 SILK_ENUMERIC,
                 "log of a rate: gsl: domain error (input domain error)");
    /* consumed */
    assert_false(silk_gsl_last(NULL));
    assert_int_equal(silk_gsl_check(GSL_SUCCESS, &err, "x"), SILK_OK);
    /* a bad status without a recorded error still fails */
    expect_error(silk_gsl_check(GSL_EMAXITER, &err, "holt fit"), &err,
                 SILK_ENUMERIC,
                 "holt fit: gsl: exceeded max number of iterations");
    /* a recorded error fails even when the caller saw GSL_SUCCESS */
    gsl_sf_log_e(0.0, &res);
    expect_error(silk_gsl_check(GSL_SUCCESS, &err, "log"), &err,
                 SILK_ENUMERIC, "log: gsl: domain error (input domain error)");
}

static void *raise_in_thread(void *arg)
{
    gsl_sf_result res;
    *(int *)arg = gsl_sf_log_e(-2.0, &res);
    *((int *)arg + 1) = silk_gsl_last(NULL);
    return NULL;
}

/* The record is per thread: another thread's error is not seen here. */
static void gsl_error_is_thread_local(void **state)
{
    (void)state;
    pthread_t th;
    int seen[2] = {0, 0};

    silk_gsl_init();
    silk_gsl_clear();
    assert_int_equal(pthread_create(&th, NULL, raise_in_thread, seen), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(seen[0], GSL_EDOM);
    assert_int_equal(seen[1], 1);
    assert_false(silk_gsl_last(NULL));
}

/* ---------------------------------------------------------------- */
/* OLS                                                               */
/* ---------------------------------------------------------------- */

/* NIST StRD Norris, certified values (METHODS.md reference 1). */
static void ols_norris(void **state)
{
    (void)state;
    static const double x[36] = {
        0.2,   337.4, 118.2, 884.6, 10.1,  226.5, 666.3, 996.3, 448.6,
        777.0, 558.2, 0.4,   0.6,   775.5, 666.9, 338.0, 447.5, 11.6,
        556.0, 228.1, 995.8, 887.6, 120.2, 0.3,   0.3,   556.8, 339.1,
        887.2, 999.0, 779.0, 11.1,  118.3, 229.2, 669.1, 448.9, 0.5};
    static const double y[36] = {
        0.1,   338.8, 118.1, 888.0, 9.2,   228.1, 668.5, 998.5, 449.1,
        778.9, 559.2, 0.3,   0.1,   778.1, 668.8, 339.3, 448.9, 10.8,
        557.7, 228.3, 998.0, 888.8, 119.6, 0.3,   0.6,   557.6, 339.3,
        888.0, 998.5, 778.9, 10.2,  117.6, 228.9, 668.4, 449.2, 0.2};
    silk_ols r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(x, y, 36, &r, &err), SILK_OK);
    assert_int_equal(r.n, 36);
    REL(r.intercept, -0.262323073774029, 1e-10);
    REL(r.intercept_se, 0.232818234301152, 1e-10);
    REL(r.slope, 1.00211681802045, 1e-10);
    REL(r.slope_se, 4.29796848199937e-4, 1e-10);
    REL(r.resid_sd, 0.884796396144373, 1e-10);
    REL(r.r2, 0.999993745883712, 1e-10);
    /* the centred sums kept for silk_trend_ols_predict: sum x / 36 and
     * sum (x - xbar)^2 (Python fractions on the decimal inputs) */
    REL(r.t_mean, 15090.4 / 36.0, 1e-14);
    REL(r.y_mean, 15112.9 / 36.0, 1e-14);
    REL(r.s_tt, 4237993.022222222, 1e-12);
    /* t_{34, 0.975} = 2.0322445093177182 (R: qt(0.975, 34)) */
    REL(r.slope_lo, 1.00211681802045 - 2.0322445093177182 * 4.29796848199937e-4,
        1e-10);
    REL(r.slope_hi, 1.00211681802045 + 2.0322445093177182 * 4.29796848199937e-4,
        1e-10);
    /* R: tt <- slope / se = 2331.6057858904442; 2 * pt(-tt, 34) */
    REL(r.p, 4.6540408524730348e-90, 1e-8);
}

/*
 * Two short series checked against R 4.2.2 (Rscript, base R only):
 *   gap_t <- c(2000,2001,2002,2004,2005,2007:2013)      # gaps in t
 *   set.seed(20240607)
 *   gap_y <- round(100 + 3*(gap_t-2000) + rnorm(12, 0, 6), 1)
 *   summary(lm(gap_y ~ gap_t)); confint(lm(gap_y ~ gap_t))
 *   tie_y <- c(5,3,3,4,7,7,7,2,6,6,1,8,4,9); tie_t <- 1:14  # ties
 *   cor.test(t, y, method = "kendall", exact = FALSE, continuity = TRUE)
 * cor.test's z, p and tau agree with our MK here because t has no ties.
 * The Sen values come from a direct R transcription of METHODS.md.
 */
static const double gap_t[12] = {2000, 2001, 2002, 2004, 2005, 2007,
                              2008, 2009, 2010, 2011, 2012, 2013};
static const double gap_y[12] = {102.9, 99.9,  108.4, 117.7, 111.6, 131.9,
                              123.1, 121.6, 128.7, 138.8, 134.9, 131.7};
static const double tie_t[14] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
static const double tie_y[14] = {5, 3, 3, 4, 7, 7, 7, 2, 6, 6, 1, 8, 4, 9};

static void ols_against_r(void **state)
{
    (void)state;
    silk_ols r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(gap_t, gap_y, 12, &r, &err), SILK_OK);
    REL(r.intercept, -5290.6289391577302013, 1e-9);
    REL(r.intercept_se, 732.31143164040111060, 1e-9);
    REL(r.slope, 2.6965678627145904, 1e-10);
    REL(r.slope_se, 0.36490813694466684, 1e-10);
    REL(r.p, 2.3429244970107498e-05, 1e-8);
    REL(r.r2, 0.84522020808587317, 1e-10);
    REL(r.resid_sd, 5.33398678069217791, 1e-10);
    REL(r.slope_lo, 1.8835018653822506, 1e-10);
    REL(r.slope_hi, 3.5096338600469301, 1e-10);

    assert_int_equal(silk_trend_ols(tie_t, tie_y, 14, &r, &err), SILK_OK);
    REL(r.intercept, 3.92307692307692379, 1e-10);
    REL(r.intercept_se, 1.34082296485440211, 1e-10);
    REL(r.slope, 0.16263736263736259, 1e-10);
    REL(r.slope_se, 0.15747167115043151, 1e-10);
    REL(r.p, 0.322062355996528438, 1e-9);
    REL(r.r2, 0.081633870005963019, 1e-10);
    REL(r.resid_sd, 2.375161455857673243, 1e-10);
    REL(r.slope_lo, -0.18046393477433634, 1e-10);
    REL(r.slope_hi, 0.50573866004906154, 1e-10);
}

/*
 * By hand: t = 1,2,3, y = 1,3,2.  tbar = 2, ybar = 2, S_tt = 2, S_ty =
 * (-1)(-1) + 0 + (1)(0) = 1, slope 0.5, intercept 2 - 0.5*2 = 1.
 * Residuals 1-1.5 = -0.5, 3-2 = 1, 2-2.5 = -0.5: SSE 1.5, s^2 = 1.5/1,
 * se(slope) = sqrt(1.5/2) = sqrt(0.75), se(intercept) = s sqrt(1/3 +
 * 4/2) = sqrt(1.5 * 7/3) = sqrt(3.5).  SST = 1+1+0 = 2, r2 = 1 - 0.75 =
 * 0.25.  t = 0.5/sqrt(0.75) = 1/sqrt(3) on 1 df: p = 1 - 2 atan(1/sqrt 3)
 * / pi = 1 - (2/pi)(pi/6) = 2/3.  t_{1,0.975} = tan(0.475 pi).
 */
static void ols_by_hand(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 3, 2};
    silk_ols r;
    silk_error err = {0};
    double tq = tan(0.475 * M_PI);

    assert_int_equal(silk_trend_ols(t, y, 3, &r, &err), SILK_OK);
    REL(r.slope, 0.5, 1e-14);
    REL(r.intercept, 1.0, 1e-14);
    REL(r.slope_se, sqrt(0.75), 1e-14);
    REL(r.intercept_se, sqrt(3.5), 1e-14);
    REL(r.resid_sd, sqrt(1.5), 1e-14);
    REL(r.r2, 0.25, 1e-14);
    REL(r.p, 2.0 / 3.0, 1e-12);
    REL(r.slope_lo, 0.5 - tq * sqrt(0.75), 1e-12);
    REL(r.slope_hi, 0.5 + tq * sqrt(0.75), 1e-12);
}

/* silkstat.h: SSE = 0 gives se 0, CI [slope, slope], p 0, r2 1. */
static void ols_perfect_fit(void **state)
{
    (void)state;
    const double t[] = {2001, 2002, 2003, 2004, 2005};
    const double y[] = {7, 9, 11, 13, 15}; /* 2t - 3995 */
    silk_ols r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(t, y, 5, &r, &err), SILK_OK);
    assert_true(r.slope == 2.0);
    assert_true(r.intercept == -3995.0);
    assert_true(r.slope_se == 0.0 && r.intercept_se == 0.0);
    assert_true(r.slope_lo == 2.0 && r.slope_hi == 2.0);
    assert_true(r.p == 0.0);
    assert_true(r.r2 == 1.0);
    assert_true(r.resid_sd == 0.0);
}

/* silkstat.h: constant y: slope 0, p 1, r2 0, nothing NaN. */
static void ols_constant_y(void **state)
{
    (void)state;
    const double t[] = {1, 2, 4, 8}, y[] = {3.5, 3.5, 3.5, 3.5};
    silk_ols r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(t, y, 4, &r, &err), SILK_OK);
    assert_true(r.slope == 0.0 && r.intercept == 3.5);
    assert_true(r.slope_se == 0.0 && r.intercept_se == 0.0);
    assert_true(r.slope_lo == 0.0 && r.slope_hi == 0.0);
    assert_true(r.p == 1.0);
    assert_true(r.r2 == 0.0);
    assert_true(r.resid_sd == 0.0);
}

static void ols_rejects(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 2, 3};
    const double tc[] = {2020, 2020, 2020};
    const double ynan[] = {1, NAN, 3}, tinf[] = {1, 2, -INFINITY};
    silk_ols r;
    silk_error err = {0};

    expect_error(silk_trend_ols(t, y, 2, &r, &err), &err, SILK_ETOOFEW,
                 "ols trend needs at least 3 points, got 2");
    expect_error(silk_trend_ols(NULL, NULL, 0, &r, &err), &err, SILK_ETOOFEW,
                 "ols trend needs at least 3 points, got 0");
    expect_error(silk_trend_ols(tc, y, 3, &r, &err), &err, SILK_EINVAL,
                 "ols trend: every t is 2020, expected at least two "
                 "different times");
    expect_error(silk_trend_ols(t, ynan, 3, &r, &err), &err, SILK_EINVAL,
                 "ols trend: y[1] is nan, expected a finite number");
    expect_error(silk_trend_ols(tinf, y, 3, &r, &err), &err, SILK_EINVAL,
                 "ols trend: t[2] is -inf, expected a finite number");
    expect_error(silk_trend_ols(t, NULL, 3, &r, &err), &err, SILK_EINVAL,
                 "ols trend: t, y and out must not be null");
}

/* ---------------------------------------------------------------- */
/* OLS prediction intervals (tests/ref/ols_predict.R)                */
/* ---------------------------------------------------------------- */

/* NIST Norris through R's predict.lm, 95%: at x = 0 (the fit there is
 * the intercept, and se.fit its certified se), inside and far outside. */
static void ols_predict_norris(void **state)
{
    (void)state;
    static const double x[36] = {
        0.2,   337.4, 118.2, 884.6, 10.1,  226.5, 666.3, 996.3, 448.6,
        777.0, 558.2, 0.4,   0.6,   775.5, 666.9, 338.0, 447.5, 11.6,
        556.0, 228.1, 995.8, 887.6, 120.2, 0.3,   0.3,   556.8, 339.1,
        887.2, 999.0, 779.0, 11.1,  118.3, 229.2, 669.1, 448.9, 0.5};
    static const double y[36] = {
        0.1,   338.8, 118.1, 888.0, 9.2,   228.1, 668.5, 998.5, 449.1,
        778.9, 559.2, 0.3,   0.1,   778.1, 668.8, 339.3, 448.9, 10.8,
        557.7, 228.3, 998.0, 888.8, 119.6, 0.3,   0.6,   557.6, 339.3,
        888.0, 998.5, 778.9, 10.2,  117.6, 228.9, 668.4, 449.2, 0.2};
    static const struct {
        double t0, fit, se, mlo, mhi, plo, phi;
    } want[] = {
        {0, -0.26232307377411718, 0.23281823430115431, -0.73546665210168405,
         0.21082050455344969, -2.1216535432761714, 1.5970073957279369},
        {500, 500.79608593645303927, 0.15150217580019185,
         500.48819647153339929, 501.10397540137267924, 498.9717940541834764,
         502.6203778187226021},
        {1500, 1502.91290395690725745, 0.48737876795595653,
         1501.92243113177073610, 1503.90337678204377880,
         1500.8600324639880910, 1504.9657754498264239},
    };
    silk_ols fit;
    silk_ols_prediction r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(x, y, 36, &fit, &err), SILK_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(
            silk_trend_ols_predict(&fit, want[i].t0, 0.05, &r, &err),
            SILK_OK);
        assert_true(r.t0 == want[i].t0);
        /* fit and bounds to 1e-9 relative (NIST-grade); at x = 0 the
         * fit is the intercept, certified -0.262323073774029 */
        REL(r.fit, want[i].fit, 1e-9);
        REL(r.se_mean, want[i].se, 1e-9);
        REL(r.mean_lo, want[i].mlo, 1e-9);
        REL(r.mean_hi, want[i].mhi, 1e-9);
        REL(r.pred_lo, want[i].plo, 1e-9);
        REL(r.pred_hi, want[i].phi, 1e-9);
        REL(r.se_pred, sqrt(r.se_mean * r.se_mean +
                            0.884796396144373 * 0.884796396144373),
            1e-9);
    }
}

/* gap_t / gap_y at 90%, inside the data (2006.5, in a gap) and seven
 * years after it (R: predict(lm(gap_y ~ gap_t), level = 0.90)). */
static void ols_predict_against_r(void **state)
{
    (void)state;
    silk_ols fit;
    silk_ols_prediction r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(gap_t, gap_y, 12, &fit, &err), SILK_OK);
    assert_int_equal(silk_trend_ols_predict(&fit, 2006.5, 0.10, &r, &err),
                     SILK_OK);
    REL(r.fit, 120.03447737909573, 1e-12);
    REL(r.mean_lo, 117.23497491352880, 1e-12);
    REL(r.mean_hi, 122.83397984466266, 1e-12);
    REL(r.pred_lo, 109.96966003465303, 1e-12);
    REL(r.pred_hi, 130.09929472353843, 1e-12);
    assert_int_equal(silk_trend_ols_predict(&fit, 2020.0, 0.10, &r, &err),
                     SILK_OK);
    REL(r.fit, 156.43814352574191, 1e-12);
    REL(r.mean_lo, 147.29367791227421, 1e-12);
    REL(r.mean_hi, 165.58260913920961, 1e-12);
    REL(r.pred_lo, 143.13083029285480, 1e-12);
    REL(r.pred_hi, 169.74545675862902, 1e-12);
}

/*
 * By hand (ols_by_hand's line: t = 1,2,3, y = 1,3,2, slope 0.5, s^2 =
 * 1.5, tbar = 2, ybar = 2, S_tt = 2).  At t0 = 4: fit = 2 + 0.5 * 2 = 3,
 * lever = 1/3 + 4/2 = 7/3, se_mean = sqrt(1.5 * 7/3) = sqrt(3.5), se_pred
 * = sqrt(1.5 * 10/3) = sqrt(5); alpha = 0.5 on 1 df: t = tan(pi/4) = 1.
 */
static void ols_predict_by_hand(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 3, 2};
    silk_ols fit;
    silk_ols_prediction r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(t, y, 3, &fit, &err), SILK_OK);
    assert_true(fit.t_mean == 2.0 && fit.y_mean == 2.0 && fit.s_tt == 2.0);
    assert_int_equal(silk_trend_ols_predict(&fit, 4.0, 0.5, &r, &err),
                     SILK_OK);
    REL(r.fit, 3.0, 1e-15);
    REL(r.se_mean, sqrt(3.5), 1e-15);
    REL(r.se_pred, sqrt(5.0), 1e-15);
    REL(r.mean_lo, 3.0 - sqrt(3.5), 1e-12);
    REL(r.mean_hi, 3.0 + sqrt(3.5), 1e-12);
    REL(r.pred_lo, 3.0 - sqrt(5.0), 1e-12);
    REL(r.pred_hi, 3.0 + sqrt(5.0), 1e-12);
}

/* An exact line (s = 0): zero-width intervals, even for an alpha whose
 * quantile is +inf (not inf * 0 = NaN). */
static void ols_predict_exact_fit(void **state)
{
    (void)state;
    const double t[] = {2001, 2002, 2003, 2004, 2005};
    const double y[] = {7, 9, 11, 13, 15};
    silk_ols fit;
    silk_ols_prediction r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(t, y, 5, &fit, &err), SILK_OK);
    assert_int_equal(silk_trend_ols_predict(&fit, 2010, 1e-300, &r, &err),
                     SILK_OK);
    assert_true(r.fit == 25.0);
    assert_true(r.se_mean == 0.0 && r.se_pred == 0.0);
    assert_true(r.mean_lo == 25.0 && r.mean_hi == 25.0);
    assert_true(r.pred_lo == 25.0 && r.pred_hi == 25.0);
}

static void ols_predict_rejects(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 3, 2};
    silk_ols fit, blank = {0};
    silk_ols_prediction r;
    silk_error err = {0};

    assert_int_equal(silk_trend_ols(t, y, 3, &fit, &err), SILK_OK);
    expect_error(silk_trend_ols_predict(NULL, 1, 0.05, &r, &err), &err,
                 SILK_EINVAL, "ols prediction: fit and out must not be null");
    expect_error(silk_trend_ols_predict(&blank, 1, 0.05, &r, &err), &err,
                 SILK_ETOOFEW,
                 "ols prediction needs a fit of at least 3 points, got 0");
    blank.n = 5;
    expect_error(silk_trend_ols_predict(&blank, 1, 0.05, &r, &err), &err,
                 SILK_EINVAL,
                 "ols prediction: the fit has no usable t_mean, y_mean, "
                 "s_tt or resid_sd, expected a fit from silk_trend_ols");
    expect_error(silk_trend_ols_predict(&fit, NAN, 0.05, &r, &err), &err,
                 SILK_EINVAL,
                 "ols prediction: t0 is nan, expected a finite number");
    expect_error(silk_trend_ols_predict(&fit, 1, 0.0, &r, &err), &err,
                 SILK_EINVAL,
                 "ols prediction: alpha is 0, expected a number between 0 "
                 "and 1 (exclusive)");
    expect_error(silk_trend_ols_predict(&fit, 1e308, 0.05, &r, &err), &err,
                 SILK_ENUMERIC,
                 "ols prediction: the interval at t0 = 1e+308 is not finite "
                 "(t0 too far out, or alpha too small)");
}

/* Squares of 1e308 overflow inside GSL: caught by isfinite after. */
static void ols_overflow(void **state)
{
    (void)state;
    const double t[] = {0, 1, 2}, y[] = {1e308, -1e308, 1e308};
    silk_ols r;
    silk_error err = {0};

    expect_error(silk_trend_ols(t, y, 3, &r, &err), &err, SILK_ENUMERIC,
                 "ols trend: the fit is not finite (values too large, or "
                 "t nearly constant)");
}

/* ---------------------------------------------------------------- */
/* Mann-Kendall                                                      */
/* ---------------------------------------------------------------- */

/* Reads maxau.csv ("year","s","Q"; 45 rows) into year, s, q. */
static size_t read_maxau(double *year, double *s, double *q, size_t max)
{
    FILE *f = fopen(MAXAU, "r");
    char line[256];
    size_t n = 0;

    if (!f)
        return 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, f)) {
        char *end;
        year[n] = strtod(line, &end);
        s[n] = strtod(end + 1, &end);
        q[n] = strtod(end + 1, &end);
        n++;
    }
    fclose(f);
    return n;
}

/* METHODS.md references 2 and 3 (R trend::mk.test, sens.slope); half a
 * unit in the last printed digit. */
static void maxau(void **state)
{
    (void)state;
    double year[64], s[64], q[64];
    size_t n = read_maxau(year, s, q, 64);
    silk_mk mk;
    silk_sen sen;
    silk_error err = {0};

    if (n == 0) {
        print_message("%s not found: skipping the maxau checks\n", MAXAU);
        skip();
    }
    assert_int_equal(n, 45);

    assert_int_equal(silk_trend_mann_kendall(q, n, &mk, &err), SILK_OK);
    assert_int_equal(mk.n, 45);
    assert_true(mk.s == -144.0);
    assert_true(mk.var_s == 10450.0);
    ABS(mk.tau, -0.1454545, 0.5e-7);
    ABS(mk.z, -1.3989, 0.5e-4);
    ABS(mk.p, 0.1619, 0.5e-4);

    assert_int_equal(silk_trend_mann_kendall(s, n, &mk, &err), SILK_OK);
    assert_true(mk.s == -394.0);
    assert_true(mk.var_s == 10450.0);
    ABS(mk.z, -3.8445, 0.5e-4);
    ABS(mk.p, 0.0001208, 0.5e-7);

    assert_int_equal(silk_trend_sen(year, s, n, 0.05, &sen, &err), SILK_OK);
    assert_int_equal(sen.n, 45);
    ABS(sen.slope, -0.2876139, 0.5e-7);
    ABS(sen.lo, -0.4196477, 0.5e-7);
    ABS(sen.hi, -0.1519026, 0.5e-7);
    /* median(s - b * year), from the R transcription of METHODS.md */
    REL(sen.intercept, 596.73108452516999023, 1e-12);
}

/*
 * y = 1..5: every pair rises, S = C(5,2) = 10.  No ties: Var(S) =
 * 5*4*15/18 = 300/18 = 16.667 (not 50: that would be /6).  z = (10-1) /
 * sqrt(300/18) = 2.2045407685048604, p = erfc(z/sqrt 2) =
 * 0.027486336111510353 (Python math.erfc), tau = 10/10 = 1.
 */
static void mk_increasing(void **state)
{
    (void)state;
    const double y[] = {1, 2, 3, 4, 5};
    const double down[] = {5, 4, 3, 2, 1};
    silk_mk r;
    silk_error err = {0};

    assert_int_equal(silk_trend_mann_kendall(y, 5, &r, &err), SILK_OK);
    assert_true(r.s == 10.0);
    REL(r.var_s, 300.0 / 18.0, 1e-15);
    REL(r.z, 2.2045407685048604, 1e-14);
    REL(r.p, 0.027486336111510353, 1e-12);
    REL(r.tau, 1.0, 1e-15);

    assert_int_equal(silk_trend_mann_kendall(down, 5, &r, &err), SILK_OK);
    assert_true(r.s == -10.0);
    REL(r.z, -2.2045407685048604, 1e-14);
    REL(r.tau, -1.0, 1e-15);
}

/*
 * Ties: y = 1,2,2,3.  Pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+:
 * S = 5.  One tie group of size 2: Var(S) = (4*3*13 - 2*1*9)/18 =
 * (156 - 18)/18 = 138/18.  z = 4/sqrt(138/18) = 1.4446302370292303,
 * p = erfc(z/sqrt 2) = 0.1485617748918687, tau = 5/(sqrt(6 - 1) sqrt 6)
 * = 5/sqrt(30).
 * tie_y (14 values, groups 3,3 / 4,4 / 6,6 / 7,7,7): Var(S) = (14*13*33 -
 * 3*(2*1*9) - 3*2*11)/18 = (6006 - 54 - 66)/18 = 327; tied pairs 1+1+1+3
 * = 6, tau = 19/(sqrt(91 - 6) sqrt 91).  z, p from R (R comment above gap_t).
 */
static void mk_ties(void **state)
{
    (void)state;
    const double y[] = {1, 2, 2, 3};
    silk_mk r;
    silk_error err = {0};

    assert_int_equal(silk_trend_mann_kendall(y, 4, &r, &err), SILK_OK);
    assert_true(r.s == 5.0);
    REL(r.var_s, 138.0 / 18.0, 1e-15);
    REL(r.z, 1.4446302370292303, 1e-14);
    REL(r.p, 0.1485617748918687, 1e-12);
    REL(r.tau, 5.0 / sqrt(30.0), 1e-15);

    assert_int_equal(silk_trend_mann_kendall(tie_y, 14, &r, &err), SILK_OK);
    assert_true(r.s == 19.0);
    assert_true(r.var_s == 327.0);
    REL(r.tau, 19.0 / (sqrt(85.0) * sqrt(91.0)), 1e-15);
    REL(r.z, 0.99540227449679586, 1e-13);
    REL(r.p, 0.31954065282563276, 1e-12);

    /* gap_y from R: S 46, Var 212.667 (no ties), z, p, tau (cor.test) */
    assert_int_equal(silk_trend_mann_kendall(gap_y, 12, &r, &err), SILK_OK);
    assert_true(r.s == 46.0);
    REL(r.var_s, 2.1266666666666666e+02, 1e-15);
    REL(r.z, 3.0857646659568374, 1e-13);
    REL(r.p, 2.0302944356094068e-03, 1e-11);
    REL(r.tau, 0.6969696969696970168, 1e-14);
}

/* All tied: S = 0 and Var(S) = 0: z 0, p 1, tau 0 (not NaN). */
static void mk_all_tied(void **state)
{
    (void)state;
    const double y[] = {4, 4, 4, 4, 4};
    silk_mk r;
    silk_error err = {0};

    assert_int_equal(silk_trend_mann_kendall(y, 5, &r, &err), SILK_OK);
    assert_true(r.s == 0.0 && r.var_s == 0.0);
    assert_true(r.z == 0.0 && r.p == 1.0 && r.tau == 0.0);
}

/* S = 0 with variance: y = 2,4,1,3 has pairs (2,4)+ (2,1)- (2,3)+
 * (4,1)- (4,3)- (1,3)+ : S = 0, so z 0, p 1, tau 0. */
static void mk_zero_s(void **state)
{
    (void)state;
    const double y[] = {2, 4, 1, 3};
    silk_mk r;
    silk_error err = {0};

    assert_int_equal(silk_trend_mann_kendall(y, 4, &r, &err), SILK_OK);
    assert_true(r.s == 0.0);
    REL(r.var_s, 4.0 * 3.0 * 13.0 / 18.0, 1e-15);
    assert_true(r.z == 0.0 && r.p == 1.0 && r.tau == 0.0);
}

static void mk_rejects(void **state)
{
    (void)state;
    const double y[] = {1, INFINITY, 3};
    silk_mk r;
    silk_error err = {0};

    expect_error(silk_trend_mann_kendall(y, 2, &r, &err), &err, SILK_ETOOFEW,
                 "mann-kendall needs at least 3 values, got 2");
    expect_error(silk_trend_mann_kendall(y, 3, &r, &err), &err, SILK_EINVAL,
                 "mann-kendall: y[1] is inf, expected a finite number");
    expect_error(silk_trend_mann_kendall(NULL, 3, &r, &err), &err,
                 SILK_EINVAL, "mann-kendall: y and out must not be null");
}

/* ---------------------------------------------------------------- */
/* Sen's slope                                                       */
/* ---------------------------------------------------------------- */

/*
 * A gap in t: t = 1,2,4, y = 1,3,4.  Slopes (3-1)/1 = 2, (4-1)/3 = 1,
 * (4-3)/2 = 0.5: median 1 (with j - i instead of t it would be 1.5).
 * Intercept: y - t = 0,1,0, median 0.  CI: Var(S) = 3*2*11/18 = 11/3,
 * C = 1.959964 * 1.914854 = 3.7530, N = 3: lower rank round(-0.38) = 0,
 * clamped to 1 -> 0.5; upper rank round(4.38) = 4, clamped to 3 -> 2.
 */
static void sen_gap(void **state)
{
    (void)state;
    const double t[] = {1, 2, 4}, y[] = {1, 3, 4};
    silk_sen r;
    silk_error err = {0};

    assert_int_equal(silk_trend_sen(t, y, 3, 0.05, &r, &err), SILK_OK);
    assert_int_equal(r.n, 3);
    assert_true(r.slope == 1.0);
    assert_true(r.intercept == 0.0);
    assert_true(r.lo == 0.5);
    assert_true(r.hi == 2.0);
}

/*
 * Ranks inside the range, worked by hand: y = 1..6 at t = 1..6 with y[5]
 * = 20 (t = 6): slopes among 1..5 are all 1 (10 pairs), and to t = 6:
 * (20 - k)/(6 - k) for k = 1..5: 19/5, 18/4, 17/3, 16/2, 15/1 = 3.8,
 * 4.5, 5.67, 8, 15.  N = 15 sorted: ten 1s, 3.8, 4.5, 5.67, 8, 15;
 * median (8th) = 1.  Var(S) = 6*5*17/18 = 85/3, at alpha = 0.5 C =
 * 0.6744898 * 5.3229065 = 3.5902: lower round(5.70) = 6 -> 1, upper
 * round(10.30) = 10 -> 1.  At alpha = 0.05 C = 10.4327: lower
 * round(2.28) = 2 -> 1, upper round(13.72) = 14 -> 8.
 */
static void sen_ranks(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3, 4, 5, 6}, y[] = {1, 2, 3, 4, 5, 20};
    silk_sen r;
    silk_error err = {0};

    assert_int_equal(silk_trend_sen(t, y, 6, 0.5, &r, &err), SILK_OK);
    assert_true(r.slope == 1.0 && r.lo == 1.0 && r.hi == 1.0);
    assert_int_equal(silk_trend_sen(t, y, 6, 0.05, &r, &err), SILK_OK);
    assert_true(r.lo == 1.0 && r.hi == 8.0);
    /* residuals y - t = 0,0,0,0,0,14: median 0 */
    assert_true(r.intercept == 0.0);
    /* alpha so small that z_{1-alpha/2} is +inf: the whole range */
    assert_int_equal(silk_trend_sen(t, y, 6, 1e-300, &r, &err), SILK_OK);
    assert_true(r.slope == 1.0 && r.lo == 1.0 && r.hi == 15.0);
}

/* R transcription of METHODS.md on gap_y (gapped t) and tie_y (ties). */
static void sen_against_r(void **state)
{
    (void)state;
    silk_sen r;
    silk_error err = {0};

    assert_int_equal(silk_trend_sen(gap_t, gap_y, 12, 0.05, &r, &err), SILK_OK);
    REL(r.slope, 2.6499999999999995, 1e-14);
    REL(r.lo, 1.7399999999999978, 1e-14);
    REL(r.hi, 3.3777777777777782, 1e-14);
    REL(r.intercept, -5197.4499999999989086, 1e-14);

    assert_int_equal(silk_trend_sen(tie_t, tie_y, 14, 0.05, &r, &err), SILK_OK);
    REL(r.slope, 0.2, 1e-14);
    REL(r.lo, -0.25, 1e-14);
    REL(r.hi, 0.5, 1e-14);
    REL(r.intercept, 4.1, 1e-14);
}

/* Constant y: every slope 0, Var(S) 0 so C = 0: CI [0, 0]. */
static void sen_constant_y(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3, 5}, y[] = {7, 7, 7, 7};
    silk_sen r;
    silk_error err = {0};

    assert_int_equal(silk_trend_sen(t, y, 4, 0.05, &r, &err), SILK_OK);
    assert_true(r.slope == 0.0 && r.lo == 0.0 && r.hi == 0.0);
    assert_true(r.intercept == 7.0);
    assert_int_equal(silk_trend_sen(t, y, 4, 1e-300, &r, &err), SILK_OK);
    assert_true(r.lo == 0.0 && r.hi == 0.0);
}

static void sen_rejects(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 2, 3};
    const double tdup[] = {1, 2, 2}, tdown[] = {3, 2, 1};
    const double ynan[] = {NAN, 2, 3};
    const double ttiny[] = {0, 1e-300, 1}, ybig[] = {0, 1e10, 0};
    silk_sen r;
    silk_error err = {0};

    expect_error(silk_trend_sen(t, y, 2, 0.05, &r, &err), &err, SILK_ETOOFEW,
                 "sen slope needs at least 3 points, got 2");
    expect_error(silk_trend_sen(t, y, 3, 0.0, &r, &err), &err, SILK_EINVAL,
                 "sen slope: alpha is 0, expected a number between 0 and 1 "
                 "(exclusive)");
    expect_error(silk_trend_sen(t, y, 3, NAN, &r, &err), &err, SILK_EINVAL,
                 "sen slope: alpha is nan, expected a number between 0 and "
                 "1 (exclusive)");
    expect_error(silk_trend_sen(tdup, y, 3, 0.05, &r, &err), &err,
                 SILK_EINVAL,
                 "sen slope: t[2] is 2 after t[1] = 2, expected strictly "
                 "increasing times");
    expect_error(silk_trend_sen(tdown, y, 3, 0.05, &r, &err), &err,
                 SILK_EINVAL,
                 "sen slope: t[1] is 2 after t[0] = 3, expected strictly "
                 "increasing times");
    expect_error(silk_trend_sen(t, ynan, 3, 0.05, &r, &err), &err,
                 SILK_EINVAL,
                 "sen slope: y[0] is nan, expected a finite number");
    expect_error(silk_trend_sen(ttiny, ybig, 3, 0.05, &r, &err), &err,
                 SILK_ENUMERIC,
                 "sen slope: the slope between t = 0 and t = 1e-300 "
                 "overflows");
    expect_error(silk_trend_sen(NULL, y, 3, 0.05, &r, &err), &err,
                 SILK_EINVAL, "sen slope: t, y and out must not be null");
}

/* The pair count is checked before anything is read or allocated, so a
 * huge n fails cleanly (the arrays here are far shorter than n). */
static void sen_too_many_pairs(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, y[] = {1, 2, 3};
    silk_sen r;
    silk_error err = {0};
    size_t n = SIZE_MAX / 4;
    char want[SILK_MESSAGE_MAX];

    snprintf(want, sizeof want,
             "sen slope: %zu points give too many pairwise slopes to hold "
             "in memory",
             n);
    expect_error(silk_trend_sen(t, y, n, 0.05, &r, &err), &err, SILK_ENOMEM,
                 want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gsl_handler_installed_lazily),
        cmocka_unit_test(gsl_error_is_thread_local),
        cmocka_unit_test(ols_norris),
        cmocka_unit_test(ols_against_r),
        cmocka_unit_test(ols_by_hand),
        cmocka_unit_test(ols_perfect_fit),
        cmocka_unit_test(ols_constant_y),
        cmocka_unit_test(ols_rejects),
        cmocka_unit_test(ols_overflow),
        cmocka_unit_test(ols_predict_norris),
        cmocka_unit_test(ols_predict_against_r),
        cmocka_unit_test(ols_predict_by_hand),
        cmocka_unit_test(ols_predict_exact_fit),
        cmocka_unit_test(ols_predict_rejects),
        cmocka_unit_test(maxau),
        cmocka_unit_test(mk_increasing),
        cmocka_unit_test(mk_ties),
        cmocka_unit_test(mk_all_tied),
        cmocka_unit_test(mk_zero_s),
        cmocka_unit_test(mk_rejects),
        cmocka_unit_test(sen_gap),
        cmocka_unit_test(sen_ranks),
        cmocka_unit_test(sen_against_r),
        cmocka_unit_test(sen_constant_y),
        cmocka_unit_test(sen_rejects),
        cmocka_unit_test(sen_too_many_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
