/*
 * test_movstat.c: silk_movstat_mean and silk_movstat_median
 * (src/stats/movstat.c), against tests/ref/series_ref.py ("moving mean
 * and median, 2 before, 1 after") and by hand.
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

/* Window y[i-2 .. i+1]; the NaN at 6 spoils the windows of 5..8, the
 * ends have no full window. */
static void trailing_with_gap(void **state)
{
    (void)state;
    const double y[12] = {3, 1, 4, 1, 5, 9, NAN, 2, 6, 5, 3, 5};
    const double mean[12] = {NAN, NAN, 2.25, 2.75, 4.75, NAN,
                             NAN, NAN, NAN,  4.0,  4.75, NAN};
    const double median[12] = {NAN, NAN, 2.0, 2.5, 4.5, NAN,
                               NAN, NAN, NAN, 4.0, 5.0, NAN};
    double out[12];
    size_t defined = 0;
    silk_error err = {0};

    assert_int_equal(silk_movstat_mean(y, 12, 2, 1, out, &defined, &err),
                     SILK_OK);
    assert_int_equal(defined, 5);
    for (int i = 0; i < 12; i++) {
        if (isnan(mean[i]))
            assert_true(isnan(out[i]));
        else
            assert_true(fabs(out[i] - mean[i]) <= 1e-14 * mean[i]);
    }
    assert_int_equal(silk_movstat_median(y, 12, 2, 1, out, &defined, &err),
                     SILK_OK);
    assert_int_equal(defined, 5);
    for (int i = 0; i < 12; i++) {
        if (isnan(median[i]))
            assert_true(isnan(out[i]));
        else
            assert_true(out[i] == median[i]);
    }
}

/* Centred window of 3, in place: means 2, 3, 4 of 1..5; a window of
 * one value (0 before, 0 after) returns the series. */
static void centred_in_place(void **state)
{
    (void)state;
    double y[5] = {1, 2, 3, 4, 5};
    double same[3] = {7, NAN, 8};
    silk_error err = {0};

    assert_int_equal(silk_movstat_mean(y, 5, 1, 1, y, NULL, &err), SILK_OK);
    assert_true(isnan(y[0]) && isnan(y[4]));
    assert_true(fabs(y[1] - 2.0) <= 1e-15 && fabs(y[2] - 3.0) <= 1e-15 &&
                fabs(y[3] - 4.0) <= 1e-15);
    assert_int_equal(silk_movstat_median(same, 3, 0, 0, same, NULL, &err),
                     SILK_OK);
    assert_true(same[0] == 7.0 && isnan(same[1]) && same[2] == 8.0);
}

static void rejects(void **state)
{
    (void)state;
    const double y[3] = {1, -INFINITY, 3};
    double out[3];
    silk_error err = {0};

    expect_error(silk_movstat_mean(y, 3, 2, 1, out, NULL, &err), &err,
                 SILK_ETOOFEW,
                 "moving mean over a window of 4 needs at least 4 values, got "
                 "3");
    expect_error(silk_movstat_median(y, 3, 1, 1, out, NULL, &err), &err,
                 SILK_EINVAL,
                 "moving median: y[1] is -inf, expected a finite number or nan "
                 "(missing)");
    expect_error(silk_movstat_mean(NULL, 3, 1, 1, out, NULL, &err), &err,
                 SILK_EINVAL, "moving mean: y and out must not be null");
    char want[SILK_MESSAGE_MAX];
    snprintf(want, sizeof want,
             "moving mean: the window (%zu before, 1 after) is too wide",
             (size_t)SIZE_MAX);
    expect_error(silk_movstat_mean(y, 3, SIZE_MAX, 1, out, NULL, &err), &err,
                 SILK_EINVAL, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trailing_with_gap),
        cmocka_unit_test(centred_in_place),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
