/*
 * check.c: input checks shared by every module of src/stats.
 *
 * GSL trusts its input, so each entry point validates before calling it;
 * keeping the checks here gives every method the same messages ("METHOD:
 * y[3] is nan, expected a finite number"), which the CLI shows as they are.
 */
#include <math.h>

#include "silkstat.h"
#include "stats/stats.h"

const char *silk_stats_nonfinite_name(double v)
{
    /* Spelled out because printf prints "-nan" for some NaNs. */
    return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

int silk_stats_finite(const char *method, const char *name, const double *v,
                      size_t n, silk_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]))
            continue;
        return silk_error_set(err, SILK_EINVAL,
                              "%s: %s[%zu] is %s, expected a finite number",
                              method, name, i,
                              silk_stats_nonfinite_name(v[i]));
    }
    return SILK_OK;
}

int silk_stats_increasing(const char *method, const double *t, size_t n,
                          silk_error *err)
{
    for (size_t i = 1; i < n; i++)
        if (!(t[i] > t[i - 1]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: t[%zu] is %g after t[%zu] = %g, "
                                  "expected strictly increasing times",
                                  method, i, t[i], i - 1, t[i - 1]);
    return SILK_OK;
}
