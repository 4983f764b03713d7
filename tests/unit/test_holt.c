/*
 * test_holt.c: silk_holt_fit and silk_holt_forecast (src/stats/holt.c).
 *
 * The recursion and the forecast variance are checked with fixed
 * parameters against tests/ref/holt_ref.py, which writes both out
 * independently (the variance by METHODS.md's closed form, where holt.c
 * sums c_j^2) and whose numbers statsmodels' ETSModel reproduces (the
 * script prints both).  The optimiser is checked only for what it
 * promises: parameters inside the bounds, an SSE no higher than at the
 * start, and lower on a series with a trend.
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

static void near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("%s: got %.17g, want %.17g (tolerance %g relative)", what,
                 got, want, tol);
}

#define REL(got, want, tol) near((got), (want), (tol), #got)

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/* The series of tests/ref/holt_ref.py. */
static const double Y[24] = {
    112.0, 118.5, 121.0, 130.2, 133.9, 141.0, 139.5, 148.8,
    151.2, 149.9, 157.3, 160.1, 158.4, 163.0, 166.2, 164.9,
    169.8, 171.0, 170.2, 174.5, 175.1, 173.9, 177.6, 178.0};

/* Case A: alpha 0.5, beta* 0.3, phi 0.9, start from the regression line
 * of the first 10 values (level0 109.8, trend0 4.50909...). */
static void fixed_a(void **state)
{
    (void)state;
    const silk_holt_spec spec = {0.5, 0.3, 0.9, NAN, NAN};
    static const struct {
        size_t h;
        double mean, var, lo80, hi95;
    } want[] = {
        {1, 178.7513396102929, 7.819587947384786, 175.16766953873235,
         184.2320900237559},
        {2, 179.57319475307548, 10.972641297469021, 175.32805808465366,
         186.065571028252},
        {3, 180.31286438157983, 15.44773087795074, 175.27590518320764,
         188.01622871418235},
        {5, 181.57769944632227, 28.580753957769215, 174.7264003676123,
         192.05585717529166},
        {12, 184.3908225155565, 115.7637799229165, 170.60215070328857,
         205.47877626886742},
    };
    silk_holt fit;
    silk_holt_point f;
    silk_error err = {0};

    assert_int_equal(silk_holt_fit(Y, 24, &spec, &fit, &err), SILK_OK);
    assert_int_equal(fit.fitted, 0);
    assert_int_equal(fit.n, 24);
    assert_true(fit.alpha == 0.5 && fit.beta == 0.3 && fit.phi == 0.9);
    REL(fit.level0, 109.80000000000003, 1e-13);
    REL(fit.trend0, 4.509090909090909, 1e-13);
    REL(fit.sse, 187.67011073723495, 1e-12);
    assert_true(fit.sse == fit.sse_start);
    REL(fit.level, 177.83816722942333, 1e-12);
    REL(fit.trend, 1.0146359787439527, 1e-12);
    REL(fit.s2, 7.81958794738479, 1e-12);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(silk_holt_forecast(&fit, want[i].h, &f, &err),
                         SILK_OK);
        assert_int_equal(f.h, want[i].h);
        REL(f.mean, want[i].mean, 1e-12);
        REL(f.var, want[i].var, 1e-12);
        REL(f.lo80, want[i].lo80, 1e-12);
        REL(f.hi95, want[i].hi95, 1e-12);
        REL(f.hi80 - f.mean, f.mean - f.lo80, 1e-9);
        REL(f.hi95 - f.mean, f.mean - f.lo95, 1e-9);
    }
}

/* Case B: alpha 0.8, beta* 0.05, phi 0.98, start states given. */
static void fixed_b(void **state)
{
    (void)state;
    const silk_holt_spec spec = {0.8, 0.05, 0.98, 110.0, 5.0};
    silk_holt fit;
    silk_holt_point f;
    silk_error err = {0};

    assert_int_equal(silk_holt_fit(Y, 24, &spec, &fit, &err), SILK_OK);
    assert_true(fit.level0 == 110.0 && fit.trend0 == 5.0);
    REL(fit.sse, 221.62559570256693, 1e-12);
    REL(fit.level, 178.35901406727052, 1e-12);
    REL(fit.trend, 2.2324238909307796, 1e-12);
    assert_int_equal(silk_holt_forecast(&fit, 3, &f, &err), SILK_OK);
    REL(f.mean, 184.79194889198553, 1e-12);
    REL(f.var, 22.850212851748882, 1e-12);
    REL(f.lo80, 178.66588939436065, 1e-12);
    REL(f.hi95, 194.16094839641977, 1e-12);
    assert_int_equal(silk_holt_forecast(&fit, 12, &f, &err), SILK_OK);
    REL(f.mean, 201.90858700063242, 1e-12);
    REL(f.var, 116.21258763099699, 1e-12);
}

/* METHODS.md's closed form of v_h, written out once more here. */
static double closed_form(double s2, double a, double bstar, double phi,
                          double h)
{
    double beta = a * bstar, q = 1.0 - phi;
    return s2 * (1.0 + a * a * (h - 1.0) +
                 beta * phi * h / (q * q) * (2.0 * a * q + beta * phi) -
                 beta * phi * (1.0 - pow(phi, h)) /
                     (q * q * (1.0 - phi * phi)) *
                     (2.0 * a * (1.0 - phi * phi) +
                      beta * phi * (1.0 + 2.0 * phi - pow(phi, h))));
}

/* The variance for many parameters and horizons against the closed form;
 * and at phi = 1 (no damping) against the undamped Holt formula v_h =
 * s2 [1 + (h-1)(alpha^2 + alpha beta h + beta^2 h (2h-1) / 6)]. */
static void variance_formula(void **state)
{
    (void)state;
    const double alphas[] = {0.05, 0.3, 0.9999};
    const double betas[] = {0.0, 0.1, 0.7};
    const double phis[] = {0.8, 0.9, 0.98};
    silk_holt fit = {.n = 10, .s2 = 2.5, .level = 10.0, .trend = 1.0};
    silk_holt_point f;
    silk_error err = {0};

    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (size_t h = 1; h <= 40; h += 3) {
                    fit.alpha = alphas[i];
                    fit.beta = betas[j];
                    fit.phi = phis[k];
                    assert_int_equal(silk_holt_forecast(&fit, h, &f, &err),
                                     SILK_OK);
                    REL(f.var,
                        closed_form(2.5, alphas[i], betas[j], phis[k],
                                    (double)h),
                        1e-10);
                }
    fit.alpha = 0.4;
    fit.beta = 0.25;
    fit.phi = 1.0;
    for (size_t h = 1; h <= 10; h++) {
        double a = 0.4, b = 0.4 * 0.25, dh = (double)h;
        assert_int_equal(silk_holt_forecast(&fit, h, &f, &err), SILK_OK);
        REL(f.var,
            2.5 * (1.0 + (dh - 1.0) * (a * a + a * b * dh +
                                       b * b * dh * (2.0 * dh - 1.0) / 6.0)),
            1e-13);
        REL(f.mean, 10.0 + dh, 1e-15); /* phi = 1: l + h b */
    }
}

/* All three fitted: inside the bounds, SSE below the start (569.74...,
 * holt_ref.py's "start SSE"). */
static void fitted_improves(void **state)
{
    (void)state;
    silk_holt fit;
    silk_error err = {0};

    assert_int_equal(silk_holt_fit(Y, 24, NULL, &fit, &err), SILK_OK);
    assert_int_equal(fit.fitted, 3);
    REL(fit.sse_start, 569.7412713697958, 1e-12);
    assert_true(fit.sse < 0.5 * fit.sse_start);
    assert_true(fit.alpha >= 1e-4 && fit.alpha <= 0.9999);
    assert_true(fit.beta >= 1e-4 && fit.beta <= 0.9999);
    assert_true(fit.phi >= 0.8 && fit.phi <= 0.98);
    assert_true(fit.iterations > 0 && fit.converged);
    assert_true(fit.s2 == fit.sse / 24.0);

    /* phi held at 0.9, the two others fitted: phi stays, SSE no higher
     * than with all three at their start */
    const silk_holt_spec spec = {NAN, NAN, 0.9, NAN, NAN};
    silk_holt part;
    assert_int_equal(silk_holt_fit(Y, 24, &spec, &part, &err), SILK_OK);
    assert_int_equal(part.fitted, 2);
    assert_true(part.phi == 0.9);
    assert_true(part.sse <= part.sse_start);
    REL(part.sse_start, 569.7412713697958, 1e-12);
    /* one free parameter: Nelder-Mead in one dimension */
    const silk_holt_spec one = {NAN, 0.3, 0.9, NAN, NAN};
    assert_int_equal(silk_holt_fit(Y, 24, &one, &part, &err), SILK_OK);
    assert_int_equal(part.fitted, 1);
    assert_true(part.sse <= part.sse_start);
    assert_true(part.beta == 0.3);
}

/* A constant series: SSE 0 whatever the parameters, forecasts equal to
 * the value, zero-width intervals. */
static void constant_series(void **state)
{
    (void)state;
    const double y[6] = {42, 42, 42, 42, 42, 42};
    silk_holt fit;
    silk_holt_point f;
    silk_error err = {0};

    assert_int_equal(silk_holt_fit(y, 6, NULL, &fit, &err), SILK_OK);
    assert_true(fit.sse == 0.0 && fit.s2 == 0.0);
    assert_true(fit.level0 == 42.0 && fit.trend0 == 0.0);
    /* nothing to minimise: no iterations, the starting values kept */
    assert_true(fit.iterations == 0 && fit.converged);
    assert_true(fit.alpha == SILK_HOLT_START_ALPHA &&
                fit.beta == SILK_HOLT_START_BETA &&
                fit.phi == SILK_HOLT_START_PHI);
    assert_int_equal(silk_holt_forecast(&fit, 4, &f, &err), SILK_OK);
    assert_true(f.mean == 42.0 && f.var == 0.0);
    assert_true(f.lo95 == 42.0 && f.hi95 == 42.0);
}

static void rejects(void **state)
{
    (void)state;
    const double y[4] = {1, 2, 3, 4}, ynan[5] = {1, 2, NAN, 4, 5};
    const silk_holt_spec bad_alpha = {0.0, NAN, NAN, NAN, NAN};
    const silk_holt_spec bad_beta = {NAN, 1.5, NAN, NAN, NAN};
    const silk_holt_spec bad_phi = {NAN, NAN, 1.01, NAN, NAN};
    const silk_holt_spec half = {NAN, NAN, NAN, 5.0, NAN};
    silk_holt fit, blank = {0};
    silk_holt_point f;
    silk_error err = {0};

    expect_error(silk_holt_fit(y, 3, NULL, &fit, &err), &err, SILK_ETOOFEW,
                 "holt fit needs at least 4 values, got 3");
    expect_error(silk_holt_fit(ynan, 5, NULL, &fit, &err), &err, SILK_EINVAL,
                 "holt fit: y[2] is nan, expected a finite number");
    expect_error(silk_holt_fit(y, 4, &bad_alpha, &fit, &err), &err,
                 SILK_EINVAL,
                 "holt fit: alpha is 0, expected a number in (0, 1]");
    expect_error(silk_holt_fit(y, 4, &bad_beta, &fit, &err), &err,
                 SILK_EINVAL,
                 "holt fit: beta is 1.5, expected a number in [0, 1]");
    expect_error(silk_holt_fit(y, 4, &bad_phi, &fit, &err), &err,
                 SILK_EINVAL,
                 "holt fit: phi is 1.01, expected a number in (0, 1]");
    expect_error(silk_holt_fit(y, 4, &half, &fit, &err), &err, SILK_EINVAL,
                 "holt fit: level0 and trend0 must be given together");
    expect_error(silk_holt_fit(NULL, 4, NULL, &fit, &err), &err, SILK_EINVAL,
                 "holt fit: y and out must not be null");

    assert_int_equal(silk_holt_fit(y, 4, NULL, &fit, &err), SILK_OK);
    expect_error(silk_holt_forecast(&fit, 0, &f, &err), &err, SILK_EINVAL,
                 "holt forecast: horizon h is 0, expected 1 to 100000");
    expect_error(silk_holt_forecast(&blank, 1, &f, &err), &err, SILK_EINVAL,
                 "holt forecast: the fit is not usable, expected one from "
                 "silk_holt_fit");
    expect_error(silk_holt_forecast(NULL, 1, &f, &err), &err, SILK_EINVAL,
                 "holt forecast: fit and out must not be null");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_a),
        cmocka_unit_test(fixed_b),
        cmocka_unit_test(variance_formula),
        cmocka_unit_test(fitted_improves),
        cmocka_unit_test(constant_series),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
