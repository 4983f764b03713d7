/*
 * segments.c: series breaks.  A break (a reclassification, a new source,
 * a change of definition) makes the values before and after it
 * incomparable, so a trend is computed on each segment separately; this
 * module turns break times into segment bounds.  The trend functions
 * then take y + first, t + first, end - first.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "silkstat.h"
#include "stats/stats.h"

/* The first index with t >= b (n when none), by bisection; t NULL means
 * t[i] = i. */
static size_t first_at_or_after(const double *t, size_t n, double b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        double tm = t ? t[mid] : (double)mid;
        if (tm < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

SILK_API int silk_segments_split(const double *t, size_t n,
                                 const double *breaks, size_t n_breaks,
                                 silk_segment *segs, size_t *n_segs,
                                 silk_error *err)
{
    const char *method = "series breaks";
    int rc;

    if (!segs || !n_segs || (n_breaks > 0 && !breaks))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: segs, n_segs and breaks must not be null",
                              method);
    if (t && ((rc = silk_stats_finite(method, "t", t, n, err)) ||
              (rc = silk_stats_increasing(method, t, n, err))))
        return rc;
    for (size_t q = 0; q < n_breaks; q++)
        if (isnan(breaks[q]))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: breaks[%zu] is nan, expected a time",
                                  method, q);
    if (n == 0) {
        *n_segs = 0;
        return SILK_OK;
    }

    /* Segment starts, kept sorted and distinct in segs[].first as they
     * come (insertion: a series has a handful of breaks). */
    size_t count = 1;
    segs[0].first = 0;
    for (size_t q = 0; q < n_breaks; q++) {
        size_t at = first_at_or_after(t, n, breaks[q]);
        if (at == 0 || at == n)
            continue; /* before the first or after the last point */
        size_t pos = count;
        while (pos > 0 && segs[pos - 1].first > at)
            pos--;
        if (segs[pos - 1].first == at)
            continue; /* two breaks between the same two points */
        for (size_t m = count; m > pos; m--)
            segs[m].first = segs[m - 1].first;
        segs[pos].first = at;
        count++;
    }
    for (size_t m = 0; m < count; m++)
        segs[m].end = m + 1 < count ? segs[m + 1].first : n;
    *n_segs = count;
    return SILK_OK;
}
