/*
 * trend.c: trend statistics of one series: OLS line, Mann-Kendall test
 * and Sen's slope (definitions in reference/METHODS.md; Mann-Kendall and
 * Sen follow R's trend package).
 *
 * GSL trusts its input (gsl_fit_linear returns success with NaN for fewer
 * than 3 points or a constant t), so every entry point validates sizes,
 * finiteness and variance first, checks every GSL status and the error
 * recorded by the handler of gsl_error.c, and checks isfinite after.
 * Callers pass only the observed points: NaN is rejected, not skipped.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "silkstat.h"
#include "stats/stats.h"

/* Rejects NaN and infinities, naming the array and the 0-based index.
 * The kind is spelled out because printf gives "-nan" for some NaNs. */
static int check_finite(const char *method, const char *name,
                        const double *v, size_t n, silk_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]))
            continue;
        return silk_error_set(err, SILK_EINVAL,
                              "%s: %s[%zu] is %s, expected a finite number",
                              method, name, i,
                              isnan(v[i]) ? "nan" : v[i] > 0 ? "inf" : "-inf");
    }
    return SILK_OK;
}

static double sign(double v)
{
    return (double)((v > 0) - (v < 0));
}

/* Tie-corrected Var(S) of Mann-Kendall from the values sorted ascending:
 * [n(n-1)(2n+5) - sum_p t_p(t_p-1)(2t_p+5)] / 18 over the tie groups p.
 * *tied_pairs receives sum_p t_p(t_p-1)/2, the tau denominator's
 * correction.  Doubles hold these integers exactly up to n ~ 1.6e5. */
static double variance(const double *sorted, size_t n, double *tied_pairs)
{
    double dn = (double)n;
    double ties = 0.0, pairs = 0.0;
    size_t i = 0;

    while (i < n) {
        size_t j = i + 1;
        while (j < n && sorted[j] == sorted[i])
            j++;
        double tp = (double)(j - i);
        ties += tp * (tp - 1.0) * (2.0 * tp + 5.0);
        pairs += tp * (tp - 1.0) / 2.0;
        i = j;
    }
    if (tied_pairs)
        *tied_pairs = pairs;
    return (dn * (dn - 1.0) * (2.0 * dn + 5.0) - ties) / 18.0;
}

/* S = sum over k < j of sgn(y_j - y_k); O(n^2) like trend::mk.test. */
static double mk_s(const double *y, size_t n)
{
    double s = 0.0;

    for (size_t k = 0; k + 1 < n; k++)
        for (size_t j = k + 1; j < n; j++)
            s += sign(y[j] - y[k]);
    return s;
}

/*
 * OLS fit of y = intercept + slope * t with gsl_fit_linear.
 * se(slope) = s / sqrt(S_tt), s^2 = SSE / (n - 2); CI slope +- t_{n-2,
 * 0.975} se; p = 2 Q_t(|slope / se|, n - 2); r2 = 1 - SSE / SST.
 * Degenerate cases (documented in silkstat.h): SSE = 0 gives se 0, CI
 * [slope, slope], p 0 (or 1 when slope is 0); constant y gives slope 0,
 * p 1 and r2 0 (SST = 0, nothing to explain).  t may be in any order.
 */
SILK_API int silk_trend_ols(const double *t, const double *y, size_t n,
                            silk_ols *out, silk_error *err)
{
    double c0, c1, cov00, cov01, cov11, sse;
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "ols trend needs at least 3 points, got %zu",
                              n);
    if (!t || !y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "ols trend: t, y and out must not be null");
    if ((rc = check_finite("ols trend", "t", t, n, err)) ||
        (rc = check_finite("ols trend", "y", y, n, err)))
        return rc;

    size_t i = 1;
    while (i < n && t[i] == t[0])
        i++;
    if (i == n)
        return silk_error_set(err, SILK_EINVAL,
                              "ols trend: every t is %g, expected at least "
                              "two different times",
                              t[0]);

    silk_gsl_clear();
    rc = gsl_fit_linear(t, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11,
                        &sse);
    if ((rc = silk_gsl_check(rc, err, "ols trend")))
        return rc;

    double df = (double)(n - 2);
    double sst = gsl_stats_tss(y, 1, n);
    double tcrit = gsl_cdf_tdist_Pinv(0.975, df);
    silk_ols r = {.n = n, .intercept = c0, .slope = c1};

    r.intercept_se = sqrt(cov00);
    r.slope_se = sqrt(cov11);
    r.resid_sd = sqrt(sse / df);
    r.slope_lo = c1 - tcrit * r.slope_se;
    r.slope_hi = c1 + tcrit * r.slope_se;
    /* Rounding can push SSE a hair above SST when the slope is ~0. */
    r.r2 = sst > 0.0 ? fmax(0.0, 1.0 - sse / sst) : 0.0;
    if (r.slope_se > 0.0)
        r.p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(c1 / r.slope_se), df));
    else
        r.p = c1 != 0.0 ? 0.0 : 1.0; /* exact fit: slope/se undefined */
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "ols trend")))
        return rc;

    /* Overflow (values near DBL_MAX, or t nearly constant) shows up here. */
    if (!isfinite(r.intercept) || !isfinite(r.intercept_se) ||
        !isfinite(r.slope) || !isfinite(r.slope_se) ||
        !isfinite(r.slope_lo) || !isfinite(r.slope_hi) || !isfinite(r.r2) ||
        !isfinite(r.p) || !isfinite(r.resid_sd))
        return silk_error_set(err, SILK_ENUMERIC,
                              "ols trend: the fit is not finite (values too "
                              "large, or t nearly constant)");
    *out = r;
    return SILK_OK;
}

/*
 * Mann-Kendall test as R's trend::mk.test: S, tie-corrected Var(S), z
 * with continuity correction (S -+ 1), p = 2 (1 - Phi(|z|)), and tau =
 * S / (sqrt(N0 - tied pairs) sqrt(N0)), N0 = n(n-1)/2.  When every value
 * is tied Var(S) = 0 and S = 0: z 0, p 1, tau 0 (R gives NaN there).
 */
SILK_API int silk_trend_mann_kendall(const double *y, size_t n, silk_mk *out,
                                     silk_error *err)
{
    double *sorted = NULL;
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "mann-kendall needs at least 3 values, got %zu",
                              n);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "mann-kendall: y and out must not be null");
    if ((rc = check_finite("mann-kendall", "y", y, n, err)))
        return rc;
    if (n > SIZE_MAX / sizeof *sorted ||
        !(sorted = malloc(n * sizeof *sorted)))
        return silk_error_set(err, SILK_ENOMEM,
                              "mann-kendall: out of memory for %zu values",
                              n);

    silk_gsl_clear();
    memcpy(sorted, y, n * sizeof *sorted);
    gsl_sort(sorted, 1, n);

    double tied, n0 = (double)n * (double)(n - 1) / 2.0;
    silk_mk r = {.n = n, .s = mk_s(y, n)};

    r.var_s = variance(sorted, n, &tied);
    if (r.s == 0.0 || r.var_s <= 0.0)
        r.z = 0.0; /* var_s 0 only when all are tied, and then S is 0 */
    else
        r.z = (r.s - sign(r.s)) / sqrt(r.var_s);
    r.p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(r.z)));
    r.tau = n0 - tied > 0.0 ? r.s / (sqrt(n0 - tied) * sqrt(n0)) : 0.0;
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "mann-kendall")))
        goto done;
    *out = r;
    rc = SILK_OK;
done:
    free(sorted);
    return rc;
}

/* 1-based rank rounded half-to-even (R's round; nearbyint in the default
 * rounding mode), clamped to [1, npairs]: for short series C can exceed N
 * and R would index d[0] (empty) or d[N + 1] (NA); we take the extremes. */
static size_t rank(double r, size_t npairs)
{
    r = nearbyint(r);
    if (!(r >= 1.0))
        return 1;
    if (r >= (double)npairs)
        return npairs;
    return (size_t)r;
}

/*
 * Sen's slope: the median of the N = n(n-1)/2 pairwise slopes (y_j - y_i)
 * / (t_j - t_i) over actual times (gaps allowed), the Hipel-McLeod
 * interval at level 1 - alpha: C = z_{1-alpha/2} sqrt(Var S), lower =
 * d[round((N - C)/2)], upper = d[round((N + C)/2 + 1)] (1-based, see
 * rank()), and the intercept median(y - slope t).  t must be strictly
 * increasing.  One buffer of N doubles serves the sorted copy of y (for
 * Var S), the slopes, then the intercept residuals.
 */
SILK_API int silk_trend_sen(const double *t, const double *y, size_t n,
                            double alpha, silk_sen *out, silk_error *err)
{
    double *work = NULL;
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "sen slope needs at least 3 points, got %zu", n);
    if (!t || !y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "sen slope: t, y and out must not be null");
    if (!(alpha > 0.0 && alpha < 1.0))
        return silk_error_set(err, SILK_EINVAL,
                              "sen slope: alpha is %g, expected a number "
                              "between 0 and 1 (exclusive)",
                              alpha);
    /* n(n-1) <= SIZE_MAX  <=>  n - 1 <= SIZE_MAX / n (integer division). */
    if (n - 1 > SIZE_MAX / n ||
        n * (n - 1) / 2 > SIZE_MAX / sizeof *work)
        return silk_error_set(err, SILK_ENOMEM,
                              "sen slope: %zu points give too many pairwise "
                              "slopes to hold in memory",
                              n);
    if ((rc = check_finite("sen slope", "t", t, n, err)) ||
        (rc = check_finite("sen slope", "y", y, n, err)))
        return rc;
    for (size_t i = 1; i < n; i++)
        if (!(t[i] > t[i - 1]))
            return silk_error_set(err, SILK_EINVAL,
                                  "sen slope: t[%zu] is %g after t[%zu] = %g, "
                                  "expected strictly increasing times",
                                  i, t[i], i - 1, t[i - 1]);

    size_t npairs = n * (n - 1) / 2;
    if (!(work = malloc(npairs * sizeof *work)))
        return silk_error_set(err, SILK_ENOMEM,
                              "sen slope: out of memory for %zu pairwise "
                              "slopes",
                              npairs);

    silk_gsl_clear();
    /* npairs >= n for n >= 3, so the buffer first holds the sorted y. */
    memcpy(work, y, n * sizeof *work);
    gsl_sort(work, 1, n);
    double var_s = variance(work, n, NULL);

    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            double d = (y[j] - y[i]) / (t[j] - t[i]);
            if (!isfinite(d)) {
                rc = silk_error_set(err, SILK_ENUMERIC,
                                    "sen slope: the slope between t = %g and "
                                    "t = %g overflows",
                                    t[i], t[j]);
                goto done;
            }
            work[k++] = d;
        }
    }
    gsl_sort(work, 1, npairs);

    silk_sen r = {.n = n};
    /* As R: qnorm(1 - alpha/2).  For a tiny alpha that is +inf, and the
     * clamped ranks then give [min d, max d]; Var(S) = 0 (all y tied)
     * must give C = 0, not inf * 0. */
    double zq = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0);
    double c = var_s > 0.0 ? zq * sqrt(var_s) : 0.0;
    double dn = (double)npairs;

    r.slope = gsl_stats_median_from_sorted_data(work, 1, npairs);
    r.lo = work[rank((dn - c) / 2.0, npairs) - 1];
    r.hi = work[rank((dn + c) / 2.0 + 1.0, npairs) - 1];

    for (size_t i = 0; i < n; i++)
        work[i] = y[i] - r.slope * t[i];
    gsl_sort(work, 1, n);
    r.intercept = gsl_stats_median_from_sorted_data(work, 1, n);
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "sen slope")))
        goto done;
    if (!isfinite(r.intercept)) {
        rc = silk_error_set(err, SILK_ENUMERIC,
                            "sen slope: the intercept is not finite (values "
                            "too large)");
        goto done;
    }
    *out = r;
    rc = SILK_OK;
done:
    free(work);
    return rc;
}
