/*
 * test_fill.c: silk_fill_gaps (src/stats/fill.c).
 *
 * Steffen values from tests/ref/series_ref.py (Steffen 1990 written out
 * in Python: slopes by eq. 11, the "simplest" end slopes of section 2.2
 * as GSL takes them, cubic Hermite pieces); linear values by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

static const double T[10] = {2000, 2001, 2002, 2003, 2004,
                             2006, 2007, 2008, 2009, 2010};
static const double Y[10] = {1, 2, NAN, 8, NAN, NAN, 9, 9.5, NAN, 20};

/* series_ref.py "steffen fill"; 8.353125 and 8.684375 lie between their
 * neighbours 8 and 9 (monotone: no overshoot). */
static void steffen(void **state)
{
    (void)state;
    double out[10];
    bool filled[10];
    size_t count = 0;
    silk_error err = {0};

    assert_int_equal(silk_fill_gaps(T, Y, 10, SILK_FILL_STEFFEN, 0, out,
                                    filled, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 4);
    const double want[4] = {5.291666666666667, 8.353125, 8.684375, 13.6875};
    const size_t at[4] = {2, 4, 5, 8};
    for (int q = 0; q < 4; q++) {
        assert_true(filled[at[q]]);
        assert_true(fabs(out[at[q]] - want[q]) <= 1e-12 * want[q]);
    }
    for (size_t i = 0; i < 10; i++)
        if (!isnan(Y[i]))
            assert_true(out[i] == Y[i] && !filled[i]);
}

/* Linear over t: 2002 halfway from 2 to 8 = 5; 2004 and 2006 a quarter
 * and three quarters of the way from 8 (2003) to 9 (2007): 8.25, 8.75;
 * 2009 halfway from 9.5 to 20 = 14.75. */
static void linear(void **state)
{
    (void)state;
    double out[10];
    size_t count;
    silk_error err = {0};

    assert_int_equal(silk_fill_gaps(T, Y, 10, SILK_FILL_LINEAR, 0, out, NULL,
                                    &count, &err),
                     SILK_OK);
    assert_int_equal(count, 4);
    assert_true(out[2] == 5.0 && out[4] == 8.25 && out[5] == 8.75 &&
                out[8] == 14.75);
    /* without t: by index, in place */
    double y[5] = {NAN, 1, NAN, NAN, 4};
    assert_int_equal(
        silk_fill_gaps(NULL, y, 5, SILK_FILL_LINEAR, 0, y, NULL, NULL, &err),
        SILK_OK);
    assert_true(isnan(y[0]) && y[1] == 1.0 && y[2] == 2.0 && y[3] == 3.0);
}

/* Never extrapolates; max_gap leaves long runs missing. */
static void ends_and_max_gap(void **state)
{
    (void)state;
    const double y[9] = {NAN, NAN, 1, NAN, 3, NAN, NAN, 6, NAN};
    double out[9];
    bool filled[9];
    size_t count;
    silk_error err = {0};

    assert_int_equal(silk_fill_gaps(NULL, y, 9, SILK_FILL_LINEAR, 1, out,
                                    filled, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 1);
    assert_true(isnan(out[0]) && isnan(out[1]) && isnan(out[8]));
    assert_true(out[3] == 2.0 && filled[3]);
    assert_true(isnan(out[5]) && isnan(out[6]) && !filled[5]);
    assert_int_equal(silk_fill_gaps(NULL, y, 9, SILK_FILL_STEFFEN, 2, out,
                                    filled, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 3);
    assert_true(isnan(out[8]) && !filled[8]);
}

/* Nothing to fill: success whatever the count of observed values. */
static void nothing_to_fill(void **state)
{
    (void)state;
    const double one[3] = {NAN, 7, NAN}, none[2] = {NAN, NAN};
    double out[3];
    size_t count = 99;
    silk_error err = {0};

    assert_int_equal(silk_fill_gaps(NULL, one, 3, SILK_FILL_STEFFEN, 0, out,
                                    NULL, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 0);
    assert_true(out[1] == 7.0 && isnan(out[0]) && isnan(out[2]));
    assert_int_equal(silk_fill_gaps(NULL, none, 2, SILK_FILL_LINEAR, 0, out,
                                    NULL, &count, &err),
                     SILK_OK);
    assert_int_equal(silk_fill_gaps(NULL, one, 0, SILK_FILL_LINEAR, 0, out,
                                    NULL, &count, &err),
                     SILK_OK);
}

static void rejects(void **state)
{
    (void)state;
    const double two[3] = {1, NAN, 3}, yinf[3] = {1, INFINITY, 3};
    const double tdup[3] = {1, 1, 2};
    double out[3] = {9, 9, 9};
    silk_error err = {0};

    expect_error(silk_fill_gaps(NULL, two, 3, SILK_FILL_STEFFEN, 0, out, NULL,
                                NULL, &err),
                 &err, SILK_ETOOFEW,
                 "steffen gap filling needs at least 3 observed values, got "
                 "2");
    assert_true(out[0] == 9 && out[1] == 9 && out[2] == 9);
    expect_error(silk_fill_gaps(NULL, two, 3, (silk_fill_method)7, 0, out,
                                NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "gap filling: method is 7, expected SILK_FILL_LINEAR or "
                 "SILK_FILL_STEFFEN");
    expect_error(silk_fill_gaps(NULL, yinf, 3, SILK_FILL_LINEAR, 0, out, NULL,
                                NULL, &err),
                 &err, SILK_EINVAL,
                 "linear gap filling: y[1] is inf, expected a finite number "
                 "or nan (missing)");
    expect_error(silk_fill_gaps(tdup, two, 3, SILK_FILL_LINEAR, 0, out, NULL,
                                NULL, &err),
                 &err, SILK_EINVAL,
                 "linear gap filling: t[1] is 1 after t[0] = 1, expected "
                 "strictly increasing times");
    expect_error(silk_fill_gaps(NULL, NULL, 3, SILK_FILL_LINEAR, 0, out, NULL,
                                NULL, &err),
                 &err, SILK_EINVAL,
                 "linear gap filling: y and out must not be null");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steffen),
        cmocka_unit_test(linear),
        cmocka_unit_test(ends_and_max_gap),
        cmocka_unit_test(nothing_to_fill),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
