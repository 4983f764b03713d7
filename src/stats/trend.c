/*
 * trend.c: trend statistics of one series: OLS line (with mean-response
 * and prediction intervals), Mann-Kendall test and Sen's slope
 * (definitions in reference/METHODS.md; Mann-Kendall and Sen follow R's
 * trend package).
 *
 * Every entry point validates sizes, finiteness and variance first
 * (GSL, like the sums here, would return NaN for fewer than 3 points or
 * a constant t), checks every GSL status and the error recorded by the
 * handler of gsl_error.c, and checks isfinite after.
 * Callers pass only the observed points: NaN is rejected, not skipped.
 *
 * The silk_stats_* pieces below are shared with kernel.c (silk_trend_all)
 * so that both paths compute every field with the same operations.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort_double.h>

#include "silkstat.h"
#include "stats/stats.h"

static double sign(double v)
{
    return (double)((v > 0) - (v < 0));
}

/* ---------------------------------------------------------------- */
/* OLS                                                               */
/* ---------------------------------------------------------------- */

double silk_stats_ols_tcrit(size_t n)
{
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 2));
}

/*
 * The OLS fit by centred sums, the textbook two-pass algorithm: means,
 * one correction step (the mean of the deviations from the first mean,
 * which makes the means exact to rounding when t are years ~2000), then
 * S_tt, S_ty, S_yy about the means.  slope = S_ty / S_tt, intercept =
 * ybar - slope tbar, SSE from the centred residuals, s^2 = SSE / (n - 2),
 * se(slope) = s / sqrt(S_tt), se(intercept) = s sqrt(1/n + tbar^2 /
 * S_tt), CI slope +- t_{n-2, 0.975} se, p = 2 Q_t(|slope / se|, n - 2),
 * r2 = 1 - SSE / S_yy.
 * Not gsl_fit_linear: it updates running means with a division per
 * point (four dependent chains of divisions), which made the OLS cost
 * more than the Mann-Kendall and Sen pass of silk_trend_all on short
 * series.  Same formulas; NIST's certified Norris values hold
 * to 5e-14.
 */
int silk_stats_ols_fit(const char *method, const double *t, const double *y,
                       size_t n, double tcrit, silk_ols *out,
                       silk_error *err)
{
    /* Each sum in two halves (even and odd i), added at the end: twice
     * as fast as one chain of additions, and the same order every time.
     * n >= 3, so the loops run at least once; the last i of an odd n
     * goes to the even half. */
    double dn = (double)n;
    size_t even = n & ~(size_t)1;
    double st0 = 0.0, st1 = 0.0, sy0 = 0.0, sy1 = 0.0;
    for (size_t i = 0; i < even; i += 2) {
        st0 += t[i];
        st1 += t[i + 1];
        sy0 += y[i];
        sy1 += y[i + 1];
    }
    if (even < n) {
        st0 += t[even];
        sy0 += y[even];
    }
    double tm = (st0 + st1) / dn, ym = (sy0 + sy1) / dn;
    double ct0 = 0.0, ct1 = 0.0, cy0 = 0.0, cy1 = 0.0;
    for (size_t i = 0; i < even; i += 2) {
        ct0 += t[i] - tm;
        ct1 += t[i + 1] - tm;
        cy0 += y[i] - ym;
        cy1 += y[i + 1] - ym;
    }
    if (even < n) {
        ct0 += t[even] - tm;
        cy0 += y[even] - ym;
    }
    tm += (ct0 + ct1) / dn;
    ym += (cy0 + cy1) / dn;

    double stt0 = 0.0, stt1 = 0.0, sty0 = 0.0, sty1 = 0.0;
    double syy0 = 0.0, syy1 = 0.0;
    for (size_t i = 0; i < even; i += 2) {
        double dt0 = t[i] - tm, dy0 = y[i] - ym;
        double dt1 = t[i + 1] - tm, dy1 = y[i + 1] - ym;
        stt0 += dt0 * dt0;
        sty0 += dt0 * dy0;
        syy0 += dy0 * dy0;
        stt1 += dt1 * dt1;
        sty1 += dt1 * dy1;
        syy1 += dy1 * dy1;
    }
    if (even < n) {
        double dt0 = t[even] - tm, dy0 = y[even] - ym;
        stt0 += dt0 * dt0;
        sty0 += dt0 * dy0;
        syy0 += dy0 * dy0;
    }
    double s_tt = stt0 + stt1, s_yy = syy0 + syy1;
    double b1 = (sty0 + sty1) / s_tt;
    double sse0 = 0.0, sse1 = 0.0;
    for (size_t i = 0; i < even; i += 2) {
        double e0 = (y[i] - ym) - b1 * (t[i] - tm);
        double e1 = (y[i + 1] - ym) - b1 * (t[i + 1] - tm);
        sse0 += e0 * e0;
        sse1 += e1 * e1;
    }
    if (even < n) {
        double e0 = (y[even] - ym) - b1 * (t[even] - tm);
        sse0 += e0 * e0;
    }
    double sse = sse0 + sse1;
    double df = (double)(n - 2);
    double s2 = sse / df;
    silk_ols r = {.n = n, .slope = b1, .intercept = ym - b1 * tm};
    r.t_mean = tm;
    r.y_mean = ym;
    r.s_tt = s_tt;
    r.resid_sd = sqrt(s2);
    r.slope_se = sqrt(s2 / s_tt);
    r.intercept_se = sqrt(s2 * (1.0 / dn + tm * tm / s_tt));
    r.slope_lo = b1 - tcrit * r.slope_se;
    r.slope_hi = b1 + tcrit * r.slope_se;
    /* Rounding can push SSE a hair above S_yy when the slope is ~0. */
    r.r2 = s_yy > 0.0 ? fmax(0.0, 1.0 - sse / s_yy) : 0.0;

    /* Overflow (values near DBL_MAX, or t nearly constant) shows up here,
     * before the t distribution sees a NaN. */
    if (!isfinite(r.intercept) || !isfinite(r.intercept_se) ||
        !isfinite(r.slope) || !isfinite(r.slope_se) ||
        !isfinite(r.slope_lo) || !isfinite(r.slope_hi) || !isfinite(r.r2) ||
        !isfinite(r.resid_sd) || !isfinite(r.t_mean) ||
        !isfinite(r.y_mean) || !isfinite(s_yy) || !(s_tt > 0.0) ||
        !isfinite(s_tt))
        return silk_error_set(err, SILK_ENUMERIC,
                              "%s: the fit is not finite (values too "
                              "large, or t nearly constant)",
                              method);
    silk_gsl_clear();
    if (r.slope_se > 0.0)
        r.p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(b1 / r.slope_se), df));
    else
        r.p = b1 != 0.0 ? 0.0 : 1.0; /* exact fit: slope/se undefined */
    int rc = silk_gsl_check(GSL_SUCCESS, err, method);
    if (rc)
        return rc;
    *out = r;
    return SILK_OK;
}

/*
 * OLS fit of y = intercept + slope * t (silk_stats_ols_fit).
 * Degenerate cases (documented in silkstat.h): SSE = 0 gives se 0, CI
 * [slope, slope], p 0 (or 1 when slope is 0); constant y gives slope 0,
 * p 1 and r2 0 (SST = 0, nothing to explain).  t may be in any order.
 */
SILK_API int silk_trend_ols(const double *t, const double *y, size_t n,
                            silk_ols *out, silk_error *err)
{
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "ols trend needs at least 3 points, got %zu",
                              n);
    if (!t || !y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "ols trend: t, y and out must not be null");
    if ((rc = silk_stats_finite("ols trend", "t", t, n, err)) ||
        (rc = silk_stats_finite("ols trend", "y", y, n, err)))
        return rc;

    size_t i = 1;
    while (i < n && t[i] == t[0])
        i++;
    if (i == n)
        return silk_error_set(err, SILK_EINVAL,
                              "ols trend: every t is %g, expected at least "
                              "two different times",
                              t[0]);
    return silk_stats_ols_fit("ols trend", t, y, n, silk_stats_ols_tcrit(n),
                              out, err);
}

/*
 * METHODS.md: yhat +- t_{n-2, 1-alpha/2} s sqrt(1/n + (t0 - tbar)^2 /
 * S_tt) for the mean response, with 1 + under the root for a new
 * observation.  yhat is computed as ybar + b1 (t0 - tbar), which equals
 * b0 + b1 t0 but does not cancel digits when t0 and tbar are years.
 */
SILK_API int silk_trend_ols_predict(const silk_ols *fit, double t0,
                                    double alpha, silk_ols_prediction *out,
                                    silk_error *err)
{
    int rc;

    silk_gsl_init();
    if (!fit || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "ols prediction: fit and out must not be null");
    if (fit->n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "ols prediction needs a fit of at least 3 "
                              "points, got %zu",
                              fit->n);
    if (!(fit->s_tt > 0.0) || !isfinite(fit->s_tt) ||
        !isfinite(fit->t_mean) || !isfinite(fit->y_mean) ||
        !isfinite(fit->slope) || !(fit->resid_sd >= 0.0) ||
        !isfinite(fit->resid_sd))
        return silk_error_set(err, SILK_EINVAL,
                              "ols prediction: the fit has no usable t_mean, "
                              "y_mean, s_tt or resid_sd, expected a fit from "
                              "silk_trend_ols");
    if (!isfinite(t0))
        return silk_error_set(err, SILK_EINVAL,
                              "ols prediction: t0 is %s, expected a finite "
                              "number",
                              silk_stats_nonfinite_name(t0));
    if (!(alpha > 0.0 && alpha < 1.0))
        return silk_error_set(err, SILK_EINVAL,
                              "ols prediction: alpha is %g, expected a number "
                              "between 0 and 1 (exclusive)",
                              alpha);

    silk_gsl_clear();
    double dt = t0 - fit->t_mean;
    double lever = 1.0 / (double)fit->n + dt * dt / fit->s_tt;
    double tq = gsl_cdf_tdist_Pinv(1.0 - alpha / 2.0, (double)(fit->n - 2));
    silk_ols_prediction r = {.t0 = t0};

    r.fit = fit->y_mean + fit->slope * dt;
    r.se_mean = fit->resid_sd * sqrt(lever);
    r.se_pred = fit->resid_sd * sqrt(1.0 + lever);
    /* An exact fit (s = 0) has zero-width intervals, also when alpha is
     * so small that the quantile is +inf (inf * 0 would be NaN). */
    double hm = r.se_mean > 0.0 ? tq * r.se_mean : 0.0;
    double hp = r.se_pred > 0.0 ? tq * r.se_pred : 0.0;
    r.mean_lo = r.fit - hm;
    r.mean_hi = r.fit + hm;
    r.pred_lo = r.fit - hp;
    r.pred_hi = r.fit + hp;
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "ols prediction")))
        return rc;
    if (!isfinite(r.fit) || !isfinite(r.mean_lo) || !isfinite(r.mean_hi) ||
        !isfinite(r.pred_lo) || !isfinite(r.pred_hi))
        return silk_error_set(err, SILK_ENUMERIC,
                              "ols prediction: the interval at t0 = %g is "
                              "not finite (t0 too far out, or alpha too "
                              "small)",
                              t0);
    *out = r;
    return SILK_OK;
}

/* ---------------------------------------------------------------- */
/* Mann-Kendall                                                      */
/* ---------------------------------------------------------------- */

/* Doubles hold these integers exactly up to n ~ 1.6e5. */
void silk_stats_mk_ties(const double *sorted, size_t n, double *ties,
                        double *tied_pairs)
{
    double sum = 0.0, pairs = 0.0;
    size_t i = 0;

    while (i < n) {
        size_t j = i + 1;
        while (j < n && sorted[j] == sorted[i])
            j++;
        double tp = (double)(j - i);
        sum += tp * (tp - 1.0) * (2.0 * tp + 5.0);
        pairs += tp * (tp - 1.0) / 2.0;
        i = j;
    }
    *ties = sum;
    *tied_pairs = pairs;
}

/* [n(n-1)(2n+5) - sum_p t_p(t_p-1)(2t_p+5)] / 18 */
double silk_stats_mk_var(size_t n, double ties)
{
    double dn = (double)n;
    return (dn * (dn - 1.0) * (2.0 * dn + 5.0) - ties) / 18.0;
}

void silk_stats_mk_zp(double s, double var_s, double *z, double *p)
{
    if (s == 0.0 || var_s <= 0.0)
        *z = 0.0; /* var_s 0 only when all are tied, and then S is 0 */
    else
        *z = (s - sign(s)) / sqrt(var_s);
    *p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(*z)));
}

void silk_stats_mk_finish(size_t n, double s, double var_s,
                          double tied_pairs, silk_mk *out)
{
    /* n(n-1)/2 is 0 for n < 2 (unsigned n - 1 would wrap) */
    double n0 = n < 2 ? 0.0 : (double)n * (double)(n - 1) / 2.0;
    silk_mk r = {.n = n, .s = s, .var_s = var_s};

    silk_stats_mk_zp(s, var_s, &r.z, &r.p);
    r.tau = n0 - tied_pairs > 0.0 ? s / (sqrt(n0 - tied_pairs) * sqrt(n0))
                                  : 0.0;
    *out = r;
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
    if ((rc = silk_stats_finite("mann-kendall", "y", y, n, err)))
        return rc;
    if (n > SIZE_MAX / sizeof *sorted ||
        !(sorted = malloc(n * sizeof *sorted)))
        return silk_error_set(err, SILK_ENOMEM,
                              "mann-kendall: out of memory for %zu values",
                              n);

    silk_gsl_clear();
    memcpy(sorted, y, n * sizeof *sorted);
    gsl_sort(sorted, 1, n);

    double ties, tied;
    silk_mk r;
    silk_stats_mk_ties(sorted, n, &ties, &tied);
    silk_stats_mk_finish(n, mk_s(y, n), silk_stats_mk_var(n, ties), tied, &r);
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "mann-kendall")))
        goto done;
    *out = r;
    rc = SILK_OK;
done:
    free(sorted);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Sen's slope                                                       */
/* ---------------------------------------------------------------- */

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

void silk_stats_sen_ranks(size_t npairs, double var_s, double zq, size_t *lo,
                          size_t *hi)
{
    /* As R: qnorm(1 - alpha/2).  For a tiny alpha that is +inf, and the
     * clamped ranks then give [min d, max d]; Var(S) = 0 (all y tied)
     * must give C = 0, not inf * 0. */
    double c = var_s > 0.0 ? zq * sqrt(var_s) : 0.0;
    double dn = (double)npairs;

    *lo = rank((dn - c) / 2.0, npairs);
    *hi = rank((dn + c) / 2.0 + 1.0, npairs);
}

/* "+ 0.0" turns -0.0 into +0.0: a sort and a selection may pick
 * different zeros out of equal values, and the results should not
 * depend on which. */
double silk_stats_median_pair(double lower, double upper, size_t n)
{
    return (n % 2 ? lower : (lower + upper) / 2.0) + 0.0;
}

/*
 * Sen's slope: the median of the N = n(n-1)/2 pairwise slopes (y_j - y_i)
 * / (t_j - t_i) over actual times (gaps allowed), the Hipel-McLeod
 * interval at level 1 - alpha (silk_stats_sen_ranks), and the intercept
 * median(y - slope t).  t must be strictly increasing.  One buffer of N
 * doubles serves the sorted copy of y (for Var S), the slopes, then the
 * intercept residuals.
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
    if ((rc = silk_stats_finite("sen slope", "t", t, n, err)) ||
        (rc = silk_stats_finite("sen slope", "y", y, n, err)) ||
        (rc = silk_stats_increasing("sen slope", t, n, err)))
        return rc;

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
    double ties, tied;
    silk_stats_mk_ties(work, n, &ties, &tied);
    double var_s = silk_stats_mk_var(n, ties);

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
    size_t lo, hi;
    silk_stats_sen_ranks(npairs, var_s,
                         gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0), &lo, &hi);
    r.slope = silk_stats_median_pair(work[(npairs - 1) / 2], work[npairs / 2],
                                     npairs);
    r.lo = work[lo - 1] + 0.0;
    r.hi = work[hi - 1] + 0.0;

    for (size_t i = 0; i < n; i++)
        work[i] = y[i] - r.slope * t[i];
    gsl_sort(work, 1, n);
    r.intercept = silk_stats_median_pair(work[(n - 1) / 2], work[n / 2], n);
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
