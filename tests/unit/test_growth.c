/*
 * test_growth.c: silk_growth_loglinear, silk_growth_cagr,
 * silk_growth_yoy and silk_growth_index (src/stats/growth.c).
 *
 * Reference values: R 4.2.2 for the log-linear fit of a noisy series
 * (tests/ref/ols_predict.R, last block), hand calculations written out
 * beside the other cases (checked with Python's math module).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

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

/* y = 100 * 1.05^t exactly: ln y is a line of slope ln 1.05, so the rate
 * is 5%, the fit exact (se 0, CI [5, 5], r2 1). */
static void loglinear_exact(void **state)
{
    (void)state;
    double t[10], y[10];
    silk_growth g;
    silk_error err = {0};

    for (int i = 0; i < 10; i++) {
        t[i] = 2010 + i;
        y[i] = 100.0 * pow(1.05, i);
    }
    assert_int_equal(silk_growth_loglinear(t, y, 10, &g, &err), SILK_OK);
    assert_int_equal(g.n, 10);
    REL(g.rate, 5.0, 1e-12);
    REL(g.log_fit.slope, log(1.05), 1e-12);
    ABS(g.rate_hi - g.rate_lo, 0.0, 1e-9);
    ABS(g.log_fit.r2, 1.0, 1e-12);
}

/* R: lm(log(gap_y) ~ gap_t); 100 (exp(b1) - 1) and the same of confint. */
static void loglinear_against_r(void **state)
{
    (void)state;
    const double t[12] = {2000, 2001, 2002, 2004, 2005, 2007,
                          2008, 2009, 2010, 2011, 2012, 2013};
    const double y[12] = {102.9, 99.9,  108.4, 117.7, 111.6, 131.9,
                          123.1, 121.6, 128.7, 138.8, 134.9, 131.7};
    silk_growth g;
    silk_error err = {0};

    assert_int_equal(silk_growth_loglinear(t, y, 12, &g, &err), SILK_OK);
    REL(g.log_fit.slope, 2.2838668277007392e-02, 1e-10);
    REL(g.rate, 2.3101467509347717, 1e-10);
    REL(g.rate_lo, 1.6167516813426763, 1e-10);
    REL(g.rate_hi, 3.0082732916138832, 1e-10);
    REL(g.p, 2.1035267929656337e-05, 1e-8);
    REL(g.log_fit.r2, 8.4847366461564111e-01, 1e-10);
}

/*
 * The documented disagreement: y = 100, 150, 200, 250, 95 rises for four
 * periods and drops at the end.  ln y on t = 0..4 has slope
 * 0.040823903499088840 (+4.17% a period) while the end points give
 * (95/100)^(1/4) - 1 = -1.27%.
 */
static void loglinear_and_cagr_disagree(void **state)
{
    (void)state;
    const double t[5] = {0, 1, 2, 3, 4}, y[5] = {100, 150, 200, 250, 95};
    silk_growth g;
    silk_cagr c;
    silk_error err = {0};

    assert_int_equal(silk_growth_loglinear(t, y, 5, &g, &err), SILK_OK);
    REL(g.log_fit.slope, 0.04082390349908884, 1e-12);
    REL(g.rate, 4.166865518818314, 1e-12);
    assert_int_equal(silk_growth_cagr(t, y, 5, &c, &err), SILK_OK);
    REL(c.rate, -1.2741455098566203, 1e-12);
    assert_true(g.rate > 0.0 && c.rate < 0.0);
}

/* Constant positive y: rate 0, interval [0, 0], p 1. */
static void loglinear_constant(void **state)
{
    (void)state;
    const double t[4] = {1, 2, 3, 4}, y[4] = {7, 7, 7, 7};
    silk_growth g;
    silk_error err = {0};

    assert_int_equal(silk_growth_loglinear(t, y, 4, &g, &err), SILK_OK);
    assert_true(g.rate == 0.0 && g.rate_lo == 0.0 && g.rate_hi == 0.0);
    assert_true(g.p == 1.0);
}

static void loglinear_rejects(void **state)
{
    (void)state;
    const double t[4] = {1, 2, 3, 4}, tc[4] = {5, 5, 5, 5};
    const double zero[4] = {3, 0, 2, 1}, neg[4] = {3, 2, 1, -1};
    const double y[4] = {1, 2, 3, 4}, ynan[4] = {1, NAN, 3, 4};
    const double huge[4] = {1e-300, 1e300, 1e-300, 1e300};
    const double tclose[4] = {0, 1e-300, 2e-300, 3e-300};
    silk_growth g;
    silk_error err = {0};

    expect_error(silk_growth_loglinear(t, y, 2, &g, &err), &err,
                 SILK_ETOOFEW,
                 "log-linear growth needs at least 3 points, got 2");
    expect_error(silk_growth_loglinear(t, zero, 4, &g, &err), &err,
                 SILK_EINVAL,
                 "log-linear growth: y[1] is 0, expected a positive number "
                 "(the fit is to log y)");
    expect_error(silk_growth_loglinear(t, neg, 4, &g, &err), &err,
                 SILK_EINVAL,
                 "log-linear growth: y[3] is -1, expected a positive number "
                 "(the fit is to log y)");
    expect_error(silk_growth_loglinear(t, ynan, 4, &g, &err), &err,
                 SILK_EINVAL,
                 "log-linear growth: y[1] is nan, expected a finite number");
    expect_error(silk_growth_loglinear(tc, y, 4, &g, &err), &err,
                 SILK_EINVAL,
                 "log-linear growth: every t is 5, expected at least two "
                 "different times");
    expect_error(silk_growth_loglinear(NULL, y, 4, &g, &err), &err,
                 SILK_EINVAL,
                 "log-linear growth: t, y and out must not be null");
    /* ln y swings by 1381 over 3e-300 of t: exp of the slope overflows */
    assert_int_equal(silk_growth_loglinear(tclose, huge, 4, &g, &err),
                     SILK_ENUMERIC);
}

/*
 * CAGR by hand: 100 -> 121 over two periods is 10% a period.  Missing
 * values at both ends and inside are skipped; with t the periods are
 * the time between the end points (2001 -> 2003), without t the index
 * distance (1 -> 3).  A series that falls to 0 gives -100.
 */
static void cagr_by_hand(void **state)
{
    (void)state;
    const double t[5] = {2000, 2001, 2002, 2003, 2005};
    const double y[5] = {NAN, 100, NAN, 121, NAN};
    const double down[3] = {50, 20, 0};
    silk_cagr c;
    silk_error err = {0};

    assert_int_equal(silk_growth_cagr(t, y, 5, &c, &err), SILK_OK);
    assert_int_equal(c.first, 1);
    assert_int_equal(c.last, 3);
    assert_true(c.periods == 2.0);
    REL(c.rate, 10.0, 1e-13);
    assert_int_equal(silk_growth_cagr(NULL, y, 5, &c, &err), SILK_OK);
    assert_true(c.periods == 2.0);
    /* t[4] - t[1] with the last value at 2005 instead */
    const double y2[5] = {NAN, 100, NAN, NAN, 121};
    assert_int_equal(silk_growth_cagr(t, y2, 5, &c, &err), SILK_OK);
    assert_true(c.periods == 4.0);
    REL(c.rate, 100.0 * (sqrt(1.1) - 1.0), 1e-13);
    assert_int_equal(silk_growth_cagr(NULL, down, 3, &c, &err), SILK_OK);
    assert_true(c.rate == -100.0);
}

static void cagr_rejects(void **state)
{
    (void)state;
    const double one[3] = {NAN, 5, NAN}, first0[3] = {0, 5, 6};
    const double lastneg[3] = {4, 5, -6}, yinf[3] = {1, INFINITY, 2};
    const double y[3] = {1, 2, 3}, tdown[3] = {3, 2, 1};
    silk_cagr c;
    silk_error err = {0};

    expect_error(silk_growth_cagr(NULL, one, 3, &c, &err), &err,
                 SILK_ETOOFEW, "compound growth needs 2 observed values, got 1");
    expect_error(silk_growth_cagr(NULL, y, 0, &c, &err), &err, SILK_ETOOFEW,
                 "compound growth needs 2 observed values, got 0");
    expect_error(silk_growth_cagr(NULL, first0, 3, &c, &err), &err,
                 SILK_EINVAL,
                 "compound growth: the first value y[0] is 0, expected a "
                 "positive number");
    expect_error(silk_growth_cagr(NULL, lastneg, 3, &c, &err), &err,
                 SILK_EINVAL,
                 "compound growth: the last value y[2] is -6, expected 0 or "
                 "more");
    expect_error(silk_growth_cagr(NULL, yinf, 3, &c, &err), &err,
                 SILK_EINVAL,
                 "compound growth: y[1] is inf, expected a finite number or "
                 "nan (missing)");
    expect_error(silk_growth_cagr(tdown, y, 3, &c, &err), &err, SILK_EINVAL,
                 "compound growth: t[1] is 2 after t[0] = 3, expected "
                 "strictly increasing times");
}

/*
 * Quarterly (lag 4), by hand: 80 -> 100 is +25%, -100 -> -50 is +50%
 * (against |base|), 50 -> 40 is -20%; NaN for the first year, a missing
 * value on either side and a zero base.
 */
static void yoy_by_hand(void **state)
{
    (void)state;
    const double y[10] = {80, -100, 50, 0, 100, -50, 40, 7, NAN, 3};
    double out[10];
    size_t defined = 99;
    silk_error err = {0};

    assert_int_equal(silk_growth_yoy(y, 10, 4, out, &defined, &err),
                     SILK_OK);
    for (int i = 0; i < 4; i++)
        assert_true(isnan(out[i]));
    REL(out[4], 25.0, 1e-15);
    REL(out[5], 50.0, 1e-15);
    REL(out[6], -20.0, 1e-15);
    assert_true(isnan(out[7])); /* base 0 */
    assert_true(isnan(out[8])); /* y[8] missing */
    REL(out[9], 106.0, 1e-15); /* -50 -> 3: (3 + 50) / 50 */
    assert_int_equal(defined, 4);

    /* in place, annual */
    double z[4] = {10, 11, NAN, 12.1};
    assert_int_equal(silk_growth_yoy(z, 4, 1, z, NULL, &err), SILK_OK);
    assert_true(isnan(z[0]) && isnan(z[2]) && isnan(z[3]));
    REL(z[1], 10.0, 1e-13);
}

static void yoy_rejects(void **state)
{
    (void)state;
    const double y[3] = {1, 2, 3}, yinf[3] = {1, -INFINITY, 3};
    const double big[2] = {1e-300, 1e300};
    double out[3] = {7, 7, 7};
    silk_error err = {0};

    expect_error(silk_growth_yoy(y, 3, 0, out, NULL, &err), &err,
                 SILK_EINVAL,
                 "year-on-year change: lag is 0, expected the periods per "
                 "year (1, 4 or 12)");
    expect_error(silk_growth_yoy(y, 3, 4, out, NULL, &err), &err,
                 SILK_ETOOFEW,
                 "year-on-year change with lag 4 needs more than 4 periods, "
                 "got 3");
    expect_error(silk_growth_yoy(yinf, 3, 1, out, NULL, &err), &err,
                 SILK_EINVAL,
                 "year-on-year change: y[1] is -inf, expected a finite "
                 "number or nan (missing)");
    expect_error(silk_growth_yoy(big, 2, 1, out, NULL, &err), &err,
                 SILK_ENUMERIC,
                 "year-on-year change: the change at y[1] overflows (from "
                 "1e-300 to 1e+300)");
    /* failures write nothing */
    assert_true(out[0] == 7 && out[1] == 7 && out[2] == 7);
}

/* Index to 2011 (base 1): 100 y / 120. */
static void index_by_hand(void **state)
{
    (void)state;
    double y[4] = {90, 120, NAN, 150};
    double out[4];
    silk_error err = {0};

    assert_int_equal(silk_growth_index(y, 4, 1, out, &err), SILK_OK);
    REL(out[0], 75.0, 1e-15);
    assert_true(out[1] == 100.0);
    assert_true(isnan(out[2]));
    REL(out[3], 125.0, 1e-15);
    assert_int_equal(silk_growth_index(y, 4, 1, y, &err), SILK_OK);
    REL(y[3], 125.0, 1e-15);
}

static void index_rejects(void **state)
{
    (void)state;
    const double y[3] = {NAN, 0, -5}, ok[2] = {1, 2};
    const double big[2] = {1e-300, 1e300};
    double out[3];
    silk_error err = {0};

    expect_error(silk_growth_index(y, 0, 0, out, &err), &err, SILK_ETOOFEW,
                 "index needs at least 1 value, got 0");
    expect_error(silk_growth_index(ok, 2, 2, out, &err), &err, SILK_EINVAL,
                 "index: base 2 is outside the 2 values");
    expect_error(silk_growth_index(y, 3, 0, out, &err), &err, SILK_EINVAL,
                 "index: the base y[0] is missing (nan), expected an "
                 "observed value");
    expect_error(silk_growth_index(y, 3, 1, out, &err), &err, SILK_EINVAL,
                 "index: the base y[1] is 0, expected a positive number");
    expect_error(silk_growth_index(y, 3, 2, out, &err), &err, SILK_EINVAL,
                 "index: the base y[2] is -5, expected a positive number");
    expect_error(silk_growth_index(big, 2, 0, out, &err), &err,
                 SILK_ENUMERIC,
                 "index: y[1] = 1e+300 is too large against the base "
                 "1e-300");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loglinear_exact),
        cmocka_unit_test(loglinear_against_r),
        cmocka_unit_test(loglinear_and_cagr_disagree),
        cmocka_unit_test(loglinear_constant),
        cmocka_unit_test(loglinear_rejects),
        cmocka_unit_test(cagr_by_hand),
        cmocka_unit_test(cagr_rejects),
        cmocka_unit_test(yoy_by_hand),
        cmocka_unit_test(yoy_rejects),
        cmocka_unit_test(index_by_hand),
        cmocka_unit_test(index_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
