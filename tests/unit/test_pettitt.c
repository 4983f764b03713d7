/*
 * test_pettitt.c: silk_pettitt_test (src/stats/pettitt.c).
 *
 * METHODS.md reference 4 (R trend::pettitt.test on
 * pages_pettitt1979.csv, read from ../shared/reference/ relative to the
 * repository root), a series with ties (tests/ref/series_ref.py) and
 * cases worked by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

#ifndef PAGES
#define PAGES "../shared/reference/pages_pettitt1979.csv"
#endif

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/* METHODS.md reference 4: U* = 232, K = 17, p = 0.01456. */
static void pages(void **state)
{
    (void)state;
    FILE *f = fopen(PAGES, "r");
    char line[128];
    double x[64];
    size_t n = 0;
    silk_pettitt r;
    silk_error err = {0};

    if (!f) {
        print_message("%s not found: skipping the Pettitt reference\n",
                      PAGES);
        skip();
    }
    assert_non_null(fgets(line, sizeof line, f)); /* "t","x" */
    while (n < 64 && fgets(line, sizeof line, f)) {
        char *end;
        strtod(line, &end);
        x[n++] = strtod(end + 1, &end);
    }
    fclose(f);
    assert_int_equal(n, 40);
    assert_int_equal(silk_pettitt_test(x, n, &r, &err), SILK_OK);
    assert_int_equal(r.n, 40);
    assert_true(r.u == 232.0);
    assert_int_equal(r.k, 17);
    assert_true(fabs(r.p - 0.01456) <= 0.5e-5);
}

/*
 * Ties averaged: y = 1,1,2,2,2,7,7,7 has ranks 1.5,1.5, 4,4,4, 7,7,7;
 * U_k = 2 sum r - 9k: -6, -12, -13, -14, -15, -10, -5, 0, so U* = 15 at
 * k = 5, p = 2 exp(-6 * 225 / (512 + 64)) = 0.19193417208999694.
 */
static void ties(void **state)
{
    (void)state;
    const double y[8] = {1, 1, 2, 2, 2, 7, 7, 7};
    silk_pettitt r;
    silk_error err = {0};

    assert_int_equal(silk_pettitt_test(y, 8, &r, &err), SILK_OK);
    assert_true(r.u == 15.0);
    assert_int_equal(r.k, 5);
    assert_true(fabs(r.p - 0.19193417208999694) <= 1e-15);
}

/*
 * The first k reaching U*: y = 1,2,3 gives U_1 = 2 - 4 = -2, U_2 = 6 - 8
 * = -2, U_3 = 0: U* = 2 first at k = 1, p = 2 exp(-24/36) > 1 -> 1.
 * Constant y: all ranks (n+1)/2, every U_k = 0: U* 0, k 1, p 1.
 */
static void by_hand(void **state)
{
    (void)state;
    const double up[3] = {1, 2, 3}, flat[5] = {4, 4, 4, 4, 4};
    silk_pettitt r;
    silk_error err = {0};

    assert_int_equal(silk_pettitt_test(up, 3, &r, &err), SILK_OK);
    assert_true(r.u == 2.0);
    assert_int_equal(r.k, 1);
    assert_true(r.p == 1.0);
    assert_int_equal(silk_pettitt_test(flat, 5, &r, &err), SILK_OK);
    assert_true(r.u == 0.0);
    assert_int_equal(r.k, 1);
    assert_true(r.p == 1.0);
}

static void rejects(void **state)
{
    (void)state;
    const double y[3] = {1, NAN, 3};
    silk_pettitt r;
    silk_error err = {0};

    expect_error(silk_pettitt_test(y, 2, &r, &err), &err, SILK_ETOOFEW,
                 "pettitt test needs at least 3 values, got 2");
    expect_error(silk_pettitt_test(y, 3, &r, &err), &err, SILK_EINVAL,
                 "pettitt test: y[1] is nan, expected a finite number");
    expect_error(silk_pettitt_test(NULL, 3, &r, &err), &err, SILK_EINVAL,
                 "pettitt test: y and out must not be null");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages),
        cmocka_unit_test(ties),
        cmocka_unit_test(by_hand),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
