/*
 * fill.c: filling missing values inside a series by interpolation,
 * linear or GSL's Steffen spline (monotone between the data, so a filled
 * value never overshoots its neighbours: no negative flows between two
 * small ones).
 *
 * Separate from movstat.c: this invents values, so it reports which, and
 * the caller flags them in its output.  It never extrapolates: the
 * missing values before the first and after the last observed one stay
 * missing, as do runs longer than the caller's max_gap.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>

#include "silkstat.h"
#include "stats/stats.h"

SILK_API int silk_fill_gaps(const double *t, const double *y, size_t n,
                            silk_fill_method method, size_t max_gap,
                            double *out, bool *filled, size_t *n_filled,
                            silk_error *err)
{
    const char *name = method == SILK_FILL_STEFFEN ? "steffen gap filling"
                                                   : "linear gap filling";
    double *xs = NULL, *ys = NULL;
    gsl_interp *interp = NULL;
    gsl_interp_accel *acc = NULL;
    int rc;

    silk_gsl_init();
    if (method != SILK_FILL_LINEAR && method != SILK_FILL_STEFFEN)
        return silk_error_set(err, SILK_EINVAL,
                              "gap filling: method is %d, expected "
                              "SILK_FILL_LINEAR or SILK_FILL_STEFFEN",
                              (int)method);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", name);
    for (size_t i = 0; i < n; i++)
        if (isinf(y[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: y[%zu] is %s, expected a finite "
                                  "number or nan (missing)",
                                  name, i, y[i] > 0 ? "inf" : "-inf");
    if (t && ((rc = silk_stats_finite(name, "t", t, n, err)) ||
              (rc = silk_stats_increasing(name, t, n, err))))
        return rc;

    size_t first = n, last = 0, seen = 0, gaps = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        if (seen++ == 0)
            first = i;
        last = i;
    }
    for (size_t i = first; seen > 0 && i < last; i++)
        gaps += isnan(y[i]);

    size_t need = method == SILK_FILL_STEFFEN ? 3 : 2;
    if (gaps > 0 && seen < need)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs at least %zu observed values, got "
                              "%zu",
                              name, need, seen);

    /* The filled values go to value[] (at where[]) and reach out only
     * when all are computed: out may be y, and a failure leaves it as it
     * was. */
    double *value = NULL;
    size_t *where = NULL, count = 0;
    if (gaps > 0) {
        xs = malloc(seen * sizeof *xs);
        ys = malloc(seen * sizeof *ys);
        value = malloc(gaps * sizeof *value);
        where = malloc(gaps * sizeof *where);
        if (!xs || !ys || !value || !where) {
            rc = silk_error_set(err, SILK_ENOMEM,
                                "%s: out of memory for %zu values", name,
                                seen);
            goto done;
        }
        for (size_t i = 0, m = 0; i < n; i++)
            if (!isnan(y[i])) {
                xs[m] = t ? t[i] : (double)i;
                ys[m++] = y[i];
            }
        silk_gsl_clear();
        interp = gsl_interp_alloc(method == SILK_FILL_STEFFEN
                                      ? gsl_interp_steffen
                                      : gsl_interp_linear,
                                  seen);
        acc = gsl_interp_accel_alloc();
        if (!interp || !acc) {
            rc = silk_gsl_check(GSL_ENOMEM, err, name);
            goto done;
        }
        if ((rc = silk_gsl_check(gsl_interp_init(interp, xs, ys, seen), err,
                                 name)))
            goto done;
    }
    for (size_t i = first + 1; gaps > 0 && i < last; i++) {
        if (!isnan(y[i]))
            continue;
        size_t run = 0;
        while (i + run < last && isnan(y[i + run]))
            run++;
        for (size_t q = i; (max_gap == 0 || run <= max_gap) && q < i + run;
             q++) {
            double v;
            int status = gsl_interp_eval_e(interp, xs, ys,
                                           t ? t[q] : (double)q, acc, &v);
            if ((rc = silk_gsl_check(status, err, name)))
                goto done;
            if (!isfinite(v)) {
                rc = silk_error_set(err, SILK_ENUMERIC,
                                    "%s: the value filled at %zu is not "
                                    "finite",
                                    name, q);
                goto done;
            }
            value[count] = v;
            where[count++] = q;
        }
        i += run - 1;
    }

    if (out != y)
        memcpy(out, y, n * sizeof *out);
    if (filled)
        for (size_t i = 0; i < n; i++)
            filled[i] = false;
    for (size_t q = 0; q < count; q++) {
        out[where[q]] = value[q];
        if (filled)
            filled[where[q]] = true;
    }
    if (n_filled)
        *n_filled = count;
    rc = SILK_OK;
done:
    if (interp)
        gsl_interp_free(interp);
    if (acc)
        gsl_interp_accel_free(acc);
    free(xs);
    free(ys);
    free(value);
    free(where);
    return rc;
}
