/*
 * hampel.c: the Hampel filter, outliers against a moving median
 * (reference/METHODS.md).
 *
 * Not gsl_filter_impulse, though GSL has the filter: its MAD scale is
 * 1.482602218505602 (1 / Phi^-1(3/4)) where METHODS.md (and R's
 * pracma::hampel) use 1.4826, which moves the threshold by 1.5e-6 of
 * itself; and at the ends it flags points from truncated or padded
 * windows, where METHODS.md leaves every point without a full window
 * alone.  So the window statistics come from gsl_movstat_mad0 (the
 * median and the unscaled MAD of each window) and the rule is applied
 * here, to interior points only.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_movstat.h>
#include <gsl/gsl_vector.h>

#include "silkstat.h"
#include "stats/stats.h"

/* The scale that makes the MAD estimate a normal standard deviation, as
 * METHODS.md writes it. */
#define MAD_SCALE 1.4826

SILK_API int silk_hampel_detect(const double *y, size_t n, size_t k,
                                double t0, bool *outlier, double *x0,
                                double *s0, size_t *n_outliers,
                                silk_error *err)
{
    const char *method = "hampel filter";
    double *median = NULL, *mad = NULL;
    gsl_movstat_workspace *w = NULL;
    int rc;

    silk_gsl_init();
    if (k < 1)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: half-width k is 0, expected 1 or more",
                              method);
    if (!(t0 >= 0.0) || !isfinite(t0))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: threshold t0 is %g, expected a finite "
                              "number >= 0",
                              method, t0);
    if (k > (SIZE_MAX - 1) / 2 || n < 2 * k + 1)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s with half-width %zu needs at least %zu "
                              "values, got %zu",
                              method, k,
                              k > (SIZE_MAX - 1) / 2 ? SIZE_MAX : 2 * k + 1,
                              n);
    if (!y || !outlier)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and outlier must not be null", method);
    if ((rc = silk_stats_finite(method, "y", y, n, err)))
        return rc;

    median = malloc(n * sizeof *median);
    mad = malloc(n * sizeof *mad);
    if (!median || !mad) {
        rc = silk_error_set(err, SILK_ENOMEM,
                            "%s: out of memory for %zu values", method, n);
        goto done;
    }
    silk_gsl_clear();
    if (!(w = gsl_movstat_alloc(2 * k + 1))) {
        rc = silk_gsl_check(GSL_ENOMEM, err, method);
        goto done;
    }
    gsl_vector_const_view yv = gsl_vector_const_view_array(y, n);
    gsl_vector_view mv = gsl_vector_view_array(median, n);
    gsl_vector_view dv = gsl_vector_view_array(mad, n);
    /* The end handling is irrelevant: only full windows are used. */
    rc = gsl_movstat_mad0(GSL_MOVSTAT_END_TRUNCATE, &yv.vector, &mv.vector,
                          &dv.vector, w);
    if ((rc = silk_gsl_check(rc, err, method)))
        goto done;

    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        bool full = i >= k && i + k < n;
        double scale = MAD_SCALE * mad[i];
        outlier[i] = full && fabs(y[i] - median[i]) > t0 * scale;
        count += outlier[i];
        if (x0)
            x0[i] = full ? median[i] : NAN;
        if (s0)
            s0[i] = full ? scale : NAN;
    }
    if (n_outliers)
        *n_outliers = count;
    rc = SILK_OK;
done:
    if (w)
        gsl_movstat_free(w);
    free(median);
    free(mad);
    return rc;
}
