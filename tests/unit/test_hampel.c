/*
 * test_hampel.c: silk_hampel_detect (src/stats/hampel.c).
 *
 * A series with two outliers against tests/ref/series_ref.py (the rule
 * of METHODS.md written out in Python), cases worked by hand for the
 * degenerate windows, and one that tells METHODS.md's 1.4826 from GSL's
 * 1.482602218505602 (why gsl_filter_impulse is not used).
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

/* series_ref.py, "hampel, k 3, t0 3". */
static void against_python(void **state)
{
    (void)state;
    const double y[15] = {10.0, 10.5, 11.0, 50.0, 11.2, 10.8, 11.5, 12.0,
                          11.9, -30.0, 12.3, 12.1, 12.4, 12.2, 12.5};
    const double x0_want[15] = {NAN,  NAN,  NAN,  11.0, 11.2, 11.5, 11.5, 11.5,
                                11.9, 12.0, 12.1, 12.2, NAN,  NAN,  NAN};
    const double s0_want[15] = {NAN,
                                NAN,
                                NAN,
                                0.7413,
                                0.5930399999999979,
                                0.7413,
                                0.7413,
                                0.7413,
                                0.5930400000000005,
                                0.444780000000001,
                                0.29651999999999895,
                                0.29652000000000156,
                                NAN,
                                NAN,
                                NAN};
    bool out[15];
    double x0[15], s0[15];
    size_t count = 99;
    silk_error err = {0};

    assert_int_equal(silk_hampel_detect(y, 15, SILK_HAMPEL_K, SILK_HAMPEL_T0,
                                        out, x0, s0, &count, &err),
                     SILK_OK);
    assert_int_equal(count, 2);
    for (int i = 0; i < 15; i++) {
        assert_true(out[i] == (i == 3 || i == 9));
        if (isnan(x0_want[i])) {
            assert_true(isnan(x0[i]) && isnan(s0[i]));
            continue;
        }
        assert_true(x0[i] == x0_want[i]);
        assert_true(fabs(s0[i] - s0_want[i]) <= 1e-12 * s0_want[i]);
    }
}

/*
 * The scale is METHODS.md's 1.4826.  k = 2, y = 0, -1, 0, 4.4478005, 1,
 * 0, 0.  At i = 3 the window -1, 0, 4.4478005, 1, 0 has median 0 and MAD
 * 1, so S0 = 1.4826 and 3 S0 = 4.4478 < 4.4478005: an outlier.  With
 * GSL's 1.482602218505602 the bound would be 4.4478067: not one.  At i
 * = 4 the window 0, 4.4478005, 1, 0, 0 has median 0 and MAD 0: any
 * departure (here 1) is flagged.  i = 2: MAD 1, |0 - 0| = 0: not.
 */
static void methods_scale(void **state)
{
    (void)state;
    const double y[7] = {0, -1, 0, 4.4478005, 1, 0, 0};
    bool out[7];
    double s0[7];
    silk_error err = {0};

    assert_int_equal(
        silk_hampel_detect(y, 7, 2, 3.0, out, NULL, s0, NULL, &err), SILK_OK);
    assert_true(s0[3] == 1.4826);
    assert_true(!out[0] && !out[1] && !out[2] && out[3] && out[4] &&
                !out[5] && !out[6]);
}

/*
 * A plateau: 5 5 5 5 6 5 5 5 5, k 3.  Around i = 4 every window has
 * median 5 and MAD 0: the 6 is flagged, the 5s (departure 0) are not.
 * A wild value at either end has no full window and is never flagged.
 * A constant series flags nothing (S0 = 0 and no departure).
 */
static void degenerate_windows(void **state)
{
    (void)state;
    const double plateau[9] = {5, 5, 5, 5, 6, 5, 5, 5, 5};
    const double ends[9] = {1e9, 5, 5, 5, 5, 5, 5, 5, -1e9};
    const double flat[7] = {2, 2, 2, 2, 2, 2, 2};
    bool out[9];
    double s0[9];
    size_t count;
    silk_error err = {0};

    assert_int_equal(silk_hampel_detect(plateau, 9, 3, 3.0, out, NULL, s0,
                                        &count, &err),
                     SILK_OK);
    assert_int_equal(count, 1);
    assert_true(out[4] && s0[4] == 0.0);
    assert_int_equal(
        silk_hampel_detect(ends, 9, 3, 3.0, out, NULL, NULL, &count, &err),
        SILK_OK);
    assert_int_equal(count, 0);
    assert_int_equal(
        silk_hampel_detect(flat, 7, 3, 0.0, out, NULL, NULL, &count, &err),
        SILK_OK);
    assert_int_equal(count, 0);
}

static void rejects(void **state)
{
    (void)state;
    const double y[7] = {1, 2, 3, NAN, 5, 6, 7};
    bool out[7];
    silk_error err = {0};

    expect_error(silk_hampel_detect(y, 7, 0, 3.0, out, NULL, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "hampel filter: half-width k is 0, expected 1 or more");
    expect_error(
        silk_hampel_detect(y, 7, 3, -1.0, out, NULL, NULL, NULL, &err), &err,
        SILK_EINVAL,
        "hampel filter: threshold t0 is -1, expected a finite number >= 0");
    expect_error(silk_hampel_detect(y, 5, 3, 3.0, out, NULL, NULL, NULL, &err),
                 &err, SILK_ETOOFEW,
                 "hampel filter with half-width 3 needs at least 7 values, "
                 "got 5");
    expect_error(silk_hampel_detect(y, 7, 3, 3.0, out, NULL, NULL, NULL, &err),
                 &err, SILK_EINVAL,
                 "hampel filter: y[3] is nan, expected a finite number");
    expect_error(
        silk_hampel_detect(y, 7, 3, 3.0, NULL, NULL, NULL, NULL, &err), &err,
        SILK_EINVAL, "hampel filter: y and outlier must not be null");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(against_python),
        cmocka_unit_test(methods_scale),
        cmocka_unit_test(degenerate_windows),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
