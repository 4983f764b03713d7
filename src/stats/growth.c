/*
 * growth.c: growth of one series: the log-linear trend rate, compound
 * growth between the end points, year-on-year change and an index to a
 * base period (reference/METHODS.md, "Log-linear growth" and the
 * indicator list).
 *
 * Separate from trend.c because these transform the values (logs,
 * ratios) and so have their own rules for zeros, negatives and missing
 * values, stated at each function and in silkstat.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"
#include "stats/stats.h"

/*
 * OLS of ln(y) on t (silk_stats_ols_fit); rate = 100 (exp(b1) - 1), the
 * interval maps b1's through the same increasing function.  expm1 keeps
 * the digits of small rates (b1 = 0.001 is 0.10005%).
 */
SILK_API int silk_growth_loglinear(const double *t, const double *y,
                                   size_t n, silk_growth *out,
                                   silk_error *err)
{
    const char *method = "log-linear growth";
    double *logy = NULL;
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs at least 3 points, got %zu", method,
                              n);
    if (!t || !y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: t, y and out must not be null", method);
    if ((rc = silk_stats_finite(method, "t", t, n, err)) ||
        (rc = silk_stats_finite(method, "y", y, n, err)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!(y[i] > 0.0))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: y[%zu] is %g, expected a positive "
                                  "number (the fit is to log y)",
                                  method, i, y[i]);
    size_t i = 1;
    while (i < n && t[i] == t[0])
        i++;
    if (i == n)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: every t is %g, expected at least two "
                              "different times",
                              method, t[0]);
    if (!(logy = malloc(n * sizeof *logy)))
        return silk_error_set(err, SILK_ENOMEM,
                              "%s: out of memory for %zu values", method, n);
    for (i = 0; i < n; i++)
        logy[i] = log(y[i]);

    silk_growth r = {.n = n};
    if ((rc = silk_stats_ols_fit(method, t, logy, n, silk_stats_ols_tcrit(n),
                                 &r.log_fit, err)))
        goto done;
    r.rate = 100.0 * expm1(r.log_fit.slope);
    r.rate_lo = 100.0 * expm1(r.log_fit.slope_lo);
    r.rate_hi = 100.0 * expm1(r.log_fit.slope_hi);
    r.p = r.log_fit.p;
    if (!isfinite(r.rate) || !isfinite(r.rate_lo) || !isfinite(r.rate_hi)) {
        rc = silk_error_set(err, SILK_ENUMERIC,
                            "%s: the rate overflows (log y grows by %g per "
                            "period)",
                            method, r.log_fit.slope);
        goto done;
    }
    *out = r;
    rc = SILK_OK;
done:
    free(logy);
    return rc;
}

/* t NULL means t[i] = i; otherwise finite and strictly increasing. */
static int check_times(const char *method, const double *t, size_t n,
                       silk_error *err)
{
    int rc;
    if (!t)
        return SILK_OK;
    if ((rc = silk_stats_finite(method, "t", t, n, err)))
        return rc;
    return silk_stats_increasing(method, t, n, err);
}

/* NaN marks a missing value; infinities are errors. */
static int check_missing_or_finite(const char *method, const double *y,
                                   size_t n, silk_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (isinf(y[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: y[%zu] is %s, expected a finite "
                                  "number or nan (missing)",
                                  method, i, y[i] > 0 ? "inf" : "-inf");
    return SILK_OK;
}

/*
 * METHODS.md: CAGR = (y_T / y_0)^(1/T) - 1, here in percent and through
 * logs, 100 expm1((ln y_T - ln y_0) / T), which neither overflows in the
 * ratio nor loses the digits of a small rate.  y_T = 0 gives ln 0 = -inf
 * and so -100 exactly.
 */
SILK_API int silk_growth_cagr(const double *t, const double *y, size_t n,
                              silk_cagr *out, silk_error *err)
{
    const char *method = "compound growth";
    int rc;

    silk_gsl_init();
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    if ((rc = check_missing_or_finite(method, y, n, err)) ||
        (rc = check_times(method, t, n, err)))
        return rc;
    size_t first = 0, last = n, seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        if (seen++ == 0)
            first = i;
        last = i;
    }
    if (seen < 2)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs 2 observed values, got %zu", method,
                              seen);
    if (!(y[first] > 0.0))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the first value y[%zu] is %g, expected a "
                              "positive number",
                              method, first, y[first]);
    if (!(y[last] >= 0.0))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the last value y[%zu] is %g, expected 0 or "
                              "more",
                              method, last, y[last]);

    silk_cagr r = {.first = first, .last = last};
    r.periods = t ? t[last] - t[first] : (double)(last - first);
    r.rate = 100.0 * expm1((log(y[last]) - log(y[first])) / r.periods);
    if (!isfinite(r.rate) || !isfinite(r.periods))
        return silk_error_set(err, SILK_ENUMERIC,
                              "%s: the rate overflows (from %g to %g in %g "
                              "periods)",
                              method, y[first], y[last], r.periods);
    *out = r;
    return SILK_OK;
}

/*
 * 100 (y_i - y_{i-lag}) / |y_{i-lag}|: the plain 100 (y_i / y_{i-lag} - 1)
 * for a positive base, and the right sign when the base is negative (net
 * migration from -100 to -50 is a rise of 50%, not a fall).  Computed
 * from the end backwards so that out may be y.
 */
SILK_API int silk_growth_yoy(const double *y, size_t n, size_t lag,
                             double *out, size_t *n_defined,
                             silk_error *err)
{
    const char *method = "year-on-year change";
    int rc;

    silk_gsl_init();
    if (lag < 1)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: lag is 0, expected the periods per year "
                              "(1, 4 or 12)",
                              method);
    if (n <= lag)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s with lag %zu needs more than %zu periods, "
                              "got %zu",
                              method, lag, lag, n);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    if ((rc = check_missing_or_finite(method, y, n, err)))
        return rc;
    /* Overflow is checked before anything is written, so that a failure
     * leaves out (which may be y) as it was. */
    for (size_t i = lag; i < n; i++) {
        double base = y[i - lag];
        if (isnan(y[i]) || isnan(base) || base == 0.0)
            continue;
        if (!isfinite(100.0 * (y[i] - base) / fabs(base)))
            return silk_error_set(err, SILK_ENUMERIC,
                                  "%s: the change at y[%zu] overflows (from "
                                  "%g to %g)",
                                  method, i, base, y[i]);
    }
    size_t defined = 0;
    for (size_t i = n; i-- > 0;) {
        double v = NAN;
        if (i >= lag) {
            double base = y[i - lag];
            if (!isnan(y[i]) && !isnan(base) && base != 0.0) {
                v = 100.0 * (y[i] - base) / fabs(base);
                defined++;
            }
        }
        out[i] = v;
    }
    if (n_defined)
        *n_defined = defined;
    return SILK_OK;
}

SILK_API int silk_growth_index(const double *y, size_t n, size_t base,
                               double *out, silk_error *err)
{
    const char *method = "index";
    int rc;

    silk_gsl_init();
    if (n == 0)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs at least 1 value, got 0", method);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    if (base >= n)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: base %zu is outside the %zu values",
                              method, base, n);
    if ((rc = check_missing_or_finite(method, y, n, err)))
        return rc;
    double b = y[base];
    if (isnan(b))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the base y[%zu] is missing (nan), "
                              "expected an observed value",
                              method, base);
    if (!(b > 0.0))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the base y[%zu] is %g, expected a "
                              "positive number",
                              method, base, b);
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]) && !isfinite(100.0 * y[i] / b))
            return silk_error_set(err, SILK_ENUMERIC,
                                  "%s: y[%zu] = %g is too large against the "
                                  "base %g",
                                  method, i, y[i], b);
    for (size_t i = 0; i < n; i++)
        out[i] = 100.0 * y[i] / b; /* NaN stays NaN */
    return SILK_OK;
}
