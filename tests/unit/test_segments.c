/*
 * test_segments.c: silk_segments_split (src/stats/segments.c), by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/*
 * t = 2000..2009.  Breaks 2005 (starts at index 5), 2003 (3), 1990
 * (before the data: none), 2020 (after: none), 2003.5 (the first point
 * at or after it is 2004: index 4), 2005 again (none): segments [0,3)
 * [3,4) [4,5) [5,10), whatever the order of the breaks.
 */
static void by_time(void **state)
{
    (void)state;
    double t[10];
    const double breaks[6] = {2005, 2003, 1990, 2020, 2003.5, 2005};
    silk_segment segs[7];
    size_t count = 0;
    silk_error err = {0};

    for (int i = 0; i < 10; i++)
        t[i] = 2000 + i;
    assert_int_equal(silk_segments_split(t, 10, breaks, 6, segs, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 4);
    const size_t first[4] = {0, 3, 4, 5}, end[4] = {3, 4, 5, 10};
    for (size_t q = 0; q < 4; q++) {
        assert_int_equal(segs[q].first, first[q]);
        assert_int_equal(segs[q].end, end[q]);
    }
}

/* With gaps in t a break between two observed periods starts the segment
 * at the next observed one; no t means indices; no breaks, one segment;
 * an empty series, none. */
static void gaps_indices_and_empty(void **state)
{
    (void)state;
    const double t[5] = {2000, 2001, 2004, 2005, 2008};
    const double b2002 = 2002, b3 = 3;
    silk_segment segs[2];
    size_t count;
    silk_error err = {0};

    assert_int_equal(silk_segments_split(t, 5, &b2002, 1, segs, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 2);
    assert_true(segs[0].first == 0 && segs[0].end == 2);
    assert_true(segs[1].first == 2 && segs[1].end == 5);
    assert_int_equal(silk_segments_split(NULL, 5, &b3, 1, segs, &count, &err),
                     SILK_OK);
    assert_true(count == 2 && segs[0].end == 3 && segs[1].first == 3);
    assert_int_equal(silk_segments_split(t, 5, NULL, 0, segs, &count, &err),
                     SILK_OK);
    assert_true(count == 1 && segs[0].first == 0 && segs[0].end == 5);
    assert_int_equal(silk_segments_split(NULL, 0, &b3, 1, segs, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 0);
}

static void rejects(void **state)
{
    (void)state;
    const double t[3] = {1, 3, 2}, b[2] = {2, NAN};
    silk_segment segs[3];
    size_t count;
    silk_error err = {0};

    expect_error(silk_segments_split(NULL, 3, b, 2, segs, &count, &err), &err,
                 SILK_EINVAL, "series breaks: breaks[1] is nan, expected a time");
    expect_error(silk_segments_split(t, 3, b, 1, segs, &count, &err), &err,
                 SILK_EINVAL,
                 "series breaks: t[2] is 2 after t[1] = 3, expected strictly "
                 "increasing times");
    expect_error(silk_segments_split(NULL, 3, NULL, 1, segs, &count, &err),
                 &err, SILK_EINVAL,
                 "series breaks: segs, n_segs and breaks must not be null");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_time),
        cmocka_unit_test(gaps_indices_and_empty),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
