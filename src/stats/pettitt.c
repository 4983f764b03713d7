/*
 * pettitt.c: Pettitt's (1979) test for a single change point, as R's
 * trend::pettitt.test (reference/METHODS.md).
 *
 * A module of its own: it works on the ranks of the series, not on its
 * pairs like trend.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort_double.h>

#include "silkstat.h"
#include "stats/stats.h"

/*
 * r_i = ranks of y with ties averaged, U_k = 2 sum_{i<=k} r_i - k(n+1)
 * for k = 1..n, U* = max |U_k|, K = the first k reaching it, p = min(1,
 * 2 exp(-6 U*^2 / (n^3 + n^2))).  Twice a rank is an integer (ties
 * average to halves), so U_k is summed exactly in doubles.
 */
SILK_API int silk_pettitt_test(const double *y, size_t n, silk_pettitt *out,
                               silk_error *err)
{
    const char *method = "pettitt test";
    size_t *order = NULL;
    double *rank2 = NULL;
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs at least 3 values, got %zu", method,
                              n);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    if ((rc = silk_stats_finite(method, "y", y, n, err)))
        return rc;
    if (n > SIZE_MAX / sizeof *order || n > SIZE_MAX / sizeof *rank2)
        return silk_error_set(err, SILK_ENOMEM,
                              "%s: out of memory for %zu values", method, n);
    order = malloc(n * sizeof *order);
    rank2 = malloc(n * sizeof *rank2);
    if (!order || !rank2) {
        rc = silk_error_set(err, SILK_ENOMEM,
                            "%s: out of memory for %zu values", method, n);
        goto done;
    }

    silk_gsl_clear();
    gsl_sort_index(order, y, 1, n); /* void: errors go to the handler */
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, method)))
        goto done;
    /* A tie group at sorted places a..b (0-based) has rank (a + b)/2 + 1,
     * twice that is a + b + 2. */
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && y[order[b + 1]] == y[order[a]])
            b++;
        for (size_t q = a; q <= b; q++)
            rank2[order[q]] = (double)(a + b + 2);
        a = b + 1;
    }

    double dn = (double)n, cum = 0.0, best = -1.0;
    silk_pettitt r = {.n = n};
    for (size_t k = 1; k <= n; k++) {
        cum += rank2[k - 1];
        double u = fabs(cum - (double)k * (dn + 1.0));
        if (u > best) {
            best = u;
            r.k = k;
        }
    }
    r.u = best;
    r.p = fmin(1.0, 2.0 * exp(-6.0 * best * best / (dn * dn * dn + dn * dn)));
    *out = r;
    rc = SILK_OK;
done:
    free(order);
    free(rank2);
    return rc;
}
