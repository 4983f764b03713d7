/*
 * movstat.c: moving mean and moving median of a regular series over a
 * window of `before` values, the value itself and `after` values
 * (gsl_movstat).
 *
 * Missing values (NaN) split the series into runs; GSL sees one run at a
 * time (its accumulators cannot take a NaN out of a window again), and a
 * window that does not fit in its run (the ends of the series, the
 * neighbours of a gap) gives NaN rather than a statistic of fewer values,
 * so every number out has its full window behind it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_movstat.h>
#include <gsl/gsl_vector.h>

#include "silkstat.h"
#include "stats/stats.h"

typedef int (*movstat_fn)(const gsl_movstat_end_t, const gsl_vector *,
                          gsl_vector *, gsl_movstat_workspace *);

static int moving(const char *method, movstat_fn fn, const double *y,
                  size_t n, size_t before, size_t after, double *out,
                  size_t *n_defined, silk_error *err)
{
    double *run_out = NULL;
    gsl_movstat_workspace *w = NULL;
    int rc;

    silk_gsl_init();
    if (before > SIZE_MAX / 2 - 1 || after > SIZE_MAX / 2 - 1)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the window (%zu before, %zu after) is too "
                              "wide",
                              method, before, after);
    size_t window = before + after + 1;
    if (n < window)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s over a window of %zu needs at least %zu "
                              "values, got %zu",
                              method, window, window, n);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    for (size_t i = 0; i < n; i++)
        if (isinf(y[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: y[%zu] is %s, expected a finite "
                                  "number or nan (missing)",
                                  method, i, y[i] > 0 ? "inf" : "-inf");

    if (!(run_out = malloc(n * sizeof *run_out))) {
        rc = silk_error_set(err, SILK_ENOMEM,
                            "%s: out of memory for %zu values", method, n);
        goto done;
    }
    silk_gsl_clear();
    if (!(w = gsl_movstat_alloc2(before, after))) {
        rc = silk_gsl_check(GSL_ENOMEM, err, method);
        goto done;
    }
    /* All results into run_out first: out may be y, and a failure leaves
     * it as it was. */
    size_t defined = 0;
    for (size_t a = 0; a < n;) {
        if (isnan(y[a])) {
            run_out[a++] = NAN;
            continue;
        }
        size_t b = a;
        while (b < n && !isnan(y[b]))
            b++;
        if (b - a >= window) {
            gsl_vector_const_view in = gsl_vector_const_view_array(y + a,
                                                                   b - a);
            gsl_vector_view res = gsl_vector_view_array(run_out + a, b - a);
            rc = fn(GSL_MOVSTAT_END_TRUNCATE, &in.vector, &res.vector, w);
            if ((rc = silk_gsl_check(rc, err, method)))
                goto done;
        }
        for (size_t i = a; i < b; i++) {
            bool full = i >= a + before && i + after < b;
            if (!full)
                run_out[i] = NAN;
            else if (!isfinite(run_out[i])) {
                rc = silk_error_set(err, SILK_ENUMERIC,
                                    "%s: the value at %zu is not finite "
                                    "(values too large)",
                                    method, i);
                goto done;
            }
            defined += full;
        }
        a = b;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = run_out[i];
    if (n_defined)
        *n_defined = defined;
    rc = SILK_OK;
done:
    if (w)
        gsl_movstat_free(w);
    free(run_out);
    return rc;
}

SILK_API int silk_movstat_mean(const double *y, size_t n, size_t before,
                               size_t after, double *out, size_t *n_defined,
                               silk_error *err)
{
    return moving("moving mean", gsl_movstat_mean, y, n, before, after, out,
                  n_defined, err);
}

SILK_API int silk_movstat_median(const double *y, size_t n, size_t before,
                                 size_t after, double *out,
                                 size_t *n_defined, silk_error *err)
{
    return moving("moving median", gsl_movstat_median, y, n, before, after,
                  out, n_defined, err);
}
