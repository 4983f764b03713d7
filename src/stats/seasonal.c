/*
 * seasonal.c: trend tests for monthly and quarterly series that respect
 * the seasons: the seasonal Mann-Kendall test (Hirsch and Slack, as R's
 * trend::smk.test) and the seasonal Sen slope (as trend::sea.sens.slope).
 *
 * Separate from trend.c because the series is regular (index = period,
 * NaN = missing) and is split by season; each season is then a short
 * series handled with the shared Mann-Kendall pieces of stats.h.
 * Season of y[i] = i mod period: where the series starts in the year
 * does not matter, only that all values of a season share a residue.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "silkstat.h"
#include "stats/stats.h"

/* period >= 2, y and out not null, no infinities (NaN = missing). */
static int check_args(const char *method, const double *y, size_t n,
                      size_t period, const void *out, silk_error *err)
{
    if (period < 2)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: period is %zu, expected 2 or more (12 "
                              "monthly, 4 quarterly)",
                              method, period);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    for (size_t i = 0; i < n; i++)
        if (isinf(y[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: y[%zu] is %s, expected a finite "
                                  "number or nan (missing)",
                                  method, i, y[i] > 0 ? "inf" : "-inf");
    return SILK_OK;
}

/* The observed values of season s into value[] (and their cycle numbers
 * into cycle[] if not NULL); returns how many. */
static size_t season_values(const double *y, size_t n, size_t period,
                            size_t s, double *value, double *cycle)
{
    size_t m = 0;
    for (size_t i = s, c = 0; i < n; i += period, c++) {
        if (isnan(y[i]))
            continue;
        value[m] = y[i];
        if (cycle)
            cycle[m] = (double)c;
        m++;
    }
    return m;
}

/*
 * Per season: S_g = sum over k < j of sgn(x_j - x_k) and the
 * tie-corrected Var(S_g) of its m observed values; then S = sum S_g,
 * Var(S) = sum Var(S_g) (seasons independent), z and p as for the
 * Mann-Kendall test.
 */
SILK_API int silk_seasonal_mann_kendall(const double *y, size_t n,
                                        size_t period, silk_smk *out,
                                        silk_mk *seasons, silk_error *err)
{
    const char *method = "seasonal mann-kendall";
    double *value = NULL;
    int rc;

    silk_gsl_init();
    if ((rc = check_args(method, y, n, period, out, err)))
        return rc;
    size_t per = n / period + 1; /* values a season can have */
    if (!(value = malloc(per * sizeof *value)))
        return silk_error_set(err, SILK_ENOMEM,
                              "%s: out of memory for %zu values", method,
                              per);

    silk_gsl_clear();
    silk_smk r = {.period = period};
    size_t most = 0;
    for (size_t s = 0; s < period; s++) {
        size_t m = season_values(y, n, period, s, value, NULL);
        double sg = 0.0, var = 0.0, ties = 0.0, tied = 0.0;
        for (size_t k = 0; k + 1 < m; k++)
            for (size_t j = k + 1; j < m; j++)
                sg += (double)((value[j] > value[k]) - (value[j] < value[k]));
        if (m >= 2) {
            gsl_sort(value, 1, m);
            silk_stats_mk_ties(value, m, &ties, &tied);
            var = silk_stats_mk_var(m, ties);
        }
        if (seasons)
            silk_stats_mk_finish(m, sg, var, tied, &seasons[s]);
        r.n += m;
        r.s += sg;
        r.var_s += var;
        most = m > most ? m : most;
    }
    if (most < 2) {
        rc = silk_error_set(err, SILK_ETOOFEW,
                            "%s needs a season with 2 observed values, got "
                            "at most %zu per season",
                            method, most);
        goto done;
    }
    silk_stats_mk_zp(r.s, r.var_s, &r.z, &r.p);
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, method)))
        goto done;
    *out = r;
    rc = SILK_OK;
done:
    free(value);
    return rc;
}

/*
 * The median of (x_j - x_k) / (c_j - c_k) over pairs k < j of observed
 * values within one season, c = the cycle (year) number, so the slope is
 * per cycle.  R's sea.sens.slope takes complete series only, where c_j -
 * c_k is its j - k; keeping the cycle numbers of the observed values
 * extends it to missing values without changing it on complete ones.
 */
SILK_API int silk_seasonal_sen(const double *y, size_t n, size_t period,
                               silk_seasonal_slope *out, silk_error *err)
{
    const char *method = "seasonal sen slope";
    double *value = NULL, *cycle = NULL, *slope = NULL;
    int rc;

    silk_gsl_init();
    if ((rc = check_args(method, y, n, period, out, err)))
        return rc;
    size_t per = n / period + 1;
    /* pairs <= period * per(per-1)/2 <= n * per / 2 + per: check before
     * multiplying. */
    if (per > SIZE_MAX / per || period > SIZE_MAX / (per * per) ||
        period * per * per > SIZE_MAX / sizeof *slope)
        return silk_error_set(err, SILK_ENOMEM,
                              "%s: %zu values give too many pairs to hold in "
                              "memory",
                              method, n);
    size_t cap = period * (per * (per - 1) / 2);
    value = malloc(per * sizeof *value);
    cycle = malloc(per * sizeof *cycle);
    slope = malloc((cap ? cap : 1) * sizeof *slope);
    if (!value || !cycle || !slope) {
        rc = silk_error_set(err, SILK_ENOMEM,
                            "%s: out of memory for %zu pairs", method, cap);
        goto done;
    }

    silk_gsl_clear();
    silk_seasonal_slope r = {.n = 0};
    size_t most = 0;
    for (size_t s = 0; s < period; s++) {
        size_t m = season_values(y, n, period, s, value, cycle);
        for (size_t k = 0; k + 1 < m; k++)
            for (size_t j = k + 1; j < m; j++) {
                double d = (value[j] - value[k]) / (cycle[j] - cycle[k]);
                if (!isfinite(d)) {
                    rc = silk_error_set(err, SILK_ENUMERIC,
                                        "%s: the slope between y[%zu] and "
                                        "y[%zu] overflows",
                                        method,
                                        s + (size_t)cycle[k] * period,
                                        s + (size_t)cycle[j] * period);
                    goto done;
                }
                slope[r.pairs++] = d;
            }
        r.n += m;
        most = m > most ? m : most;
    }
    if (r.pairs == 0) {
        rc = silk_error_set(err, SILK_ETOOFEW,
                            "%s needs a season with 2 observed values, got "
                            "at most %zu per season",
                            method, most);
        goto done;
    }
    gsl_sort(slope, 1, r.pairs);
    r.slope = silk_stats_median_pair(slope[(r.pairs - 1) / 2],
                                     slope[r.pairs / 2], r.pairs);
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, method)))
        goto done;
    *out = r;
    rc = SILK_OK;
done:
    free(value);
    free(cycle);
    free(slope);
    return rc;
}
