/*
 * test_seasonal.c: silk_seasonal_mann_kendall and silk_seasonal_sen
 * (src/stats/seasonal.c).
 *
 * METHODS.md reference 5 (R trend::smk.test and sea.sens.slope on
 * nottem.csv, read from ../shared/reference/ relative to the repository
 * root, where the suite runs), and small quarterly series worked by hand.
 * tests/ref/series_ref.py recomputes the nottem values from the
 * definitions.
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

#ifndef NOTTEM
#define NOTTEM "../shared/reference/nottem.csv"
#endif

static void expect_error(int rc, const silk_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

/* nottem.csv: "year","month","temp"; 240 monthly rows from January. */
static size_t read_nottem(double *temp, size_t max)
{
    FILE *f = fopen(NOTTEM, "r");
    char line[256];
    size_t n = 0;

    if (!f)
        return 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, f)) {
        char *end;
        strtod(line, &end);
        strtod(end + 1, &end);
        temp[n++] = strtod(end + 1, &end);
    }
    fclose(f);
    return n;
}

/* METHODS.md reference 5: S = 224, Var(S) = 11364, z = 2.0919, p =
 * 0.03645; seasonal Sen slope 0.05 (half a unit in the last printed
 * digit each). */
static void nottem(void **state)
{
    (void)state;
    double temp[300];
    size_t n = read_nottem(temp, 300);
    silk_smk r;
    silk_mk seasons[12];
    silk_seasonal_slope sen;
    silk_error err = {0};

    if (n == 0) {
        print_message("%s not found: skipping the nottem checks\n", NOTTEM);
        skip();
    }
    assert_int_equal(n, 240);
    assert_int_equal(
        silk_seasonal_mann_kendall(temp, n, 12, &r, seasons, &err), SILK_OK);
    assert_int_equal(r.n, 240);
    assert_int_equal(r.period, 12);
    assert_true(r.s == 224.0);
    assert_true(r.var_s == 11364.0);
    assert_true(fabs(r.z - 2.0919) <= 0.5e-4);
    assert_true(fabs(r.p - 0.03645) <= 0.5e-5);
    double s = 0.0, v = 0.0;
    for (int q = 0; q < 12; q++) {
        assert_int_equal(seasons[q].n, 20);
        s += seasons[q].s;
        v += seasons[q].var_s;
    }
    assert_true(s == 224.0 && v == 11364.0);

    assert_int_equal(silk_seasonal_sen(temp, n, 12, &sen, &err), SILK_OK);
    assert_true(fabs(sen.slope - 0.05) <= 0.005);
    assert_int_equal(sen.pairs, 12 * 190);
    assert_int_equal(sen.n, 240);
}

/*
 * Quarterly, three years, missing values dropped within their season:
 *   season 0: 1, 2, 3         S 3, Var 3*2*11/18 = 11/3
 *   season 1: 5, NaN, 4       S -1 (5 -> 4), Var 2*1*9/18 = 1
 *   season 2: NaN, NaN, 7     one value: S 0, Var 0
 *   season 3: 2, 2, 2         all tied: S 0, Var (66 - 66)/18 = 0
 * S = 2, Var = 14/3, z = (2 - 1)/sqrt(14/3) = 0.4629100498862757,
 * p = erfc(z / sqrt 2) = 0.6434288435636206 (Python math.erfc).
 * Sen: slopes 1, 1, 1 | (4 - 5)/(2 - 0) = -0.5 | - | 0, 0, 0; sorted
 * -0.5 0 0 0 1 1 1, median 0; 7 pairs of 9 observed values.
 */
static void quarterly_by_hand(void **state)
{
    (void)state;
    const double y[12] = {1, 5, NAN, 2, 2, NAN, NAN, 2, 3, 4, 7, 2};
    silk_smk r;
    silk_mk seasons[4];
    silk_seasonal_slope sen;
    silk_error err = {0};

    assert_int_equal(silk_seasonal_mann_kendall(y, 12, 4, &r, seasons, &err),
                     SILK_OK);
    assert_int_equal(r.n, 9);
    assert_true(r.s == 2.0);
    assert_true(fabs(r.var_s - 14.0 / 3.0) <= 1e-14);
    assert_true(fabs(r.z - 0.4629100498862757) <= 1e-14);
    assert_true(fabs(r.p - 0.6434288435636206) <= 1e-13);
    assert_int_equal(seasons[0].n, 3);
    assert_true(seasons[0].s == 3.0 && fabs(seasons[0].tau - 1.0) <= 1e-15);
    assert_int_equal(seasons[1].n, 2);
    assert_true(seasons[1].s == -1.0 && seasons[1].var_s == 1.0);
    assert_int_equal(seasons[2].n, 1);
    assert_true(seasons[2].s == 0.0 && seasons[2].var_s == 0.0);
    assert_true(seasons[2].z == 0.0 && seasons[2].p == 1.0 &&
                seasons[2].tau == 0.0);
    assert_true(seasons[3].s == 0.0 && seasons[3].var_s == 0.0);
    assert_true(seasons[3].p == 1.0 && seasons[3].tau == 0.0);

    assert_int_equal(silk_seasonal_sen(y, 12, 4, &sen, &err), SILK_OK);
    assert_int_equal(sen.n, 9);
    assert_int_equal(sen.pairs, 7);
    assert_true(sen.slope == 0.0);
}

/* The series may end mid-year, and seasons may be NULL. */
static void ragged_end(void **state)
{
    (void)state;
    /* monthly, 2 years and 3 months: Jan-Mar have 3 values, the rest 2;
     * every season rises by 1 a year: S = 3*3 + 9*1 = 18 */
    double y[27];
    silk_smk r;
    silk_seasonal_slope sen;
    silk_error err = {0};

    for (int i = 0; i < 27; i++)
        y[i] = (double)(i % 12) * 10.0 + (double)(i / 12);
    assert_int_equal(silk_seasonal_mann_kendall(y, 27, 12, &r, NULL, &err),
                     SILK_OK);
    assert_true(r.s == 18.0);
    /* Var: 3 seasons of 3 (3*2*11/18) + 9 of 2 (2*1*9/18) = 11 + 9 */
    assert_true(fabs(r.var_s - 20.0) <= 1e-13);
    assert_int_equal(silk_seasonal_sen(y, 27, 12, &sen, &err), SILK_OK);
    assert_true(sen.slope == 1.0);
}

/* Every value tied within its season: S 0, Var 0, z 0, p 1; slope 0. */
static void all_tied(void **state)
{
    (void)state;
    const double y[8] = {3, 9, 3, 9, 3, 9, 3, 9};
    silk_smk r;
    silk_seasonal_slope sen;
    silk_error err = {0};

    assert_int_equal(silk_seasonal_mann_kendall(y, 8, 2, &r, NULL, &err),
                     SILK_OK);
    assert_true(r.s == 0.0 && r.var_s == 0.0 && r.z == 0.0 && r.p == 1.0);
    assert_int_equal(silk_seasonal_sen(y, 8, 2, &sen, &err), SILK_OK);
    assert_true(sen.slope == 0.0);
}

static void rejects(void **state)
{
    (void)state;
    const double y[4] = {1, 2, 3, 4}, yinf[4] = {1, 2, INFINITY, 4};
    const double gappy[8] = {1, 2, 3, 4, NAN, NAN, NAN, NAN};
    silk_smk r;
    silk_seasonal_slope sen;
    silk_error err = {0};

    expect_error(silk_seasonal_mann_kendall(y, 4, 1, &r, NULL, &err), &err,
                 SILK_EINVAL,
                 "seasonal mann-kendall: period is 1, expected 2 or more (12 "
                 "monthly, 4 quarterly)");
    expect_error(silk_seasonal_mann_kendall(y, 4, 4, &r, NULL, &err), &err,
                 SILK_ETOOFEW,
                 "seasonal mann-kendall needs a season with 2 observed "
                 "values, got at most 1 per season");
    expect_error(silk_seasonal_mann_kendall(gappy, 8, 4, &r, NULL, &err),
                 &err, SILK_ETOOFEW,
                 "seasonal mann-kendall needs a season with 2 observed "
                 "values, got at most 1 per season");
    expect_error(silk_seasonal_mann_kendall(y, 0, 4, &r, NULL, &err), &err,
                 SILK_ETOOFEW,
                 "seasonal mann-kendall needs a season with 2 observed "
                 "values, got at most 0 per season");
    expect_error(silk_seasonal_mann_kendall(yinf, 4, 2, &r, NULL, &err),
                 &err, SILK_EINVAL,
                 "seasonal mann-kendall: y[2] is inf, expected a finite "
                 "number or nan (missing)");
    expect_error(silk_seasonal_mann_kendall(NULL, 4, 2, &r, NULL, &err),
                 &err, SILK_EINVAL,
                 "seasonal mann-kendall: y and out must not be null");
    expect_error(silk_seasonal_sen(y, 4, 0, &sen, &err), &err, SILK_EINVAL,
                 "seasonal sen slope: period is 0, expected 2 or more (12 "
                 "monthly, 4 quarterly)");
    expect_error(silk_seasonal_sen(gappy, 8, 4, &sen, &err), &err,
                 SILK_ETOOFEW,
                 "seasonal sen slope needs a season with 2 observed values, "
                 "got at most 1 per season");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nottem),
        cmocka_unit_test(quarterly_by_hand),
        cmocka_unit_test(ragged_end),
        cmocka_unit_test(all_tied),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
