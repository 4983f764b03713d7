/*
 * test_detail.c: indicators split by categorical columns (src/core/
 * detail.c, the category side of batch.c and cube.c, src/store/
 * detail_h5.c): the sum is the default value, --where sums a choice, an
 * upsert replaces only the categories it names, and the store keeps the
 * rows as read.  Every expected number is worked out by hand in the
 * comments beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"
#include "fixture.h"

static const char *const columns[] = {"dec_level", "dec_pc"};

static int setup(void **state)
{
    (void)state;
    return fixture_setup(NULL);
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

static void put(silk_batch *batch, const char *origin, const char *level,
                const char *pc, int year, double value, unsigned file,
                size_t line)
{
    silk_error err = {0};
    const char *category[] = {level, pc};
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    if (silk_batch_put_category(batch, "dec", origin, "DEU", category, p,
                                value, 0, "persons", "test", file, line, 11,
                                &err) != SILK_OK)
        fail_msg("%s", err.message);
}

static silk_batch *declared(void)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(
        silk_batch_set_categories(batch, "dec", columns, 2, &err), SILK_OK);
    return batch;
}

static double value_at(const silk_cube *cube, const char *origin, int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, "DEU");
    size_t t = silk_cube_find_period(cube, p);
    assert_true(o != (size_t)-1 && d != (size_t)-1 && t != (size_t)-1);
    return cube->value[silk_cube_index(cube, o, d, t)];
}

static silk_cube *select_one(const silk_cube *cube, const char *column,
                             const char *value)
{
    silk_cube *out = NULL;
    silk_error err = {0};
    const char *values[] = {value};
    silk_where where = {column, values, 1};
    if (silk_cube_select(cube, &where, 1, &out, &err) != SILK_OK)
        fail_msg("%s", err.message);
    return out;
}

/* The batch's cube: the sum over categories, NaN where every category is
 * missing, and a selection by column. */
static void test_batch_sum(void **state)
{
    (void)state;
    silk_batch *batch = declared();
    put(batch, "AFG", "FI", "P", 2024, 100, 0, 2);
    put(batch, "AFG", "AR", "P", 2024, 30, 0, 3);
    put(batch, "AFG", "FI", "C", 2024, 5, 0, 4);
    put(batch, "AFG", "FI", "P", 2023, NAN, 0, 5);
    put(batch, "IRQ", "FI", "P", 2023, 7, 0, 6);
    silk_cube *cube = cube_of(batch, "dec");
    /* 100 + 30 + 5 */
    assert_true(value_at(cube, "AFG", 2024) == 135);
    /* AFG 2023: its only category is missing */
    assert_true(isnan(value_at(cube, "AFG", 2023)));
    assert_true(value_at(cube, "IRQ", 2023) == 7);
    /* FI only: 100 + 5; persons only: 100 + 30 */
    silk_cube *fi = select_one(cube, "dec_level", "FI");
    assert_true(value_at(fi, "AFG", 2024) == 105);
    silk_cube_free(fi);
    silk_cube *p = select_one(cube, "dec_pc", "P");
    assert_true(value_at(p, "AFG", 2024) == 130);
    silk_cube_free(p);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Selection errors name the column or value and what exists. */
static void test_select_errors(void **state)
{
    (void)state;
    silk_error err = {0};
    silk_batch *batch = declared();
    put(batch, "AFG", "FI", "P", 2024, 100, 0, 2);
    put(batch, "AFG", "AR", "C", 2024, 1, 0, 3);
    silk_cube *cube = cube_of(batch, "dec");
    silk_cube *out = NULL;
    const char *xx[] = {"XX"};
    silk_where bad_value = {"dec_level", xx, 1};
    assert_int_equal(silk_cube_select(cube, &bad_value, 1, &out, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message,
                        "'XX' never occurs in column 'dec_level' of "
                        "indicator 'dec'; expected one of: 'AR', 'FI'");
    silk_where bad_column = {"app_type", xx, 1};
    assert_int_equal(silk_cube_select(cube, &bad_column, 1, &out, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message,
                        "indicator 'dec' has no categorical column "
                        "'app_type'; expected one of: dec_level, dec_pc");
    assert_null(out);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Declaring columns: names checked, one kind per indicator. */
static void test_declare(void **state)
{
    (void)state;
    silk_batch *batch = NULL;
    silk_error err = {0};
    silk_period p = {SILK_FREQ_ANNUAL, 2024, 0};
    const char *bad[] = {"Dec Level"};
    const char *twice[] = {"a", "a"};
    const char *other[] = {"dec_level"};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_batch_set_categories(batch, "x", bad, 1, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message,
                        "'Dec Level' is not a usable name for a categorical "
                        "column; expected lower-case letters, digits and "
                        "'_', starting with a letter (not 'series')");
    assert_int_equal(silk_batch_set_categories(batch, "x", twice, 2, &err),
                     SILK_EINVAL);
    assert_int_equal(silk_batch_set_categories(batch, "dec", columns, 2, &err),
                     SILK_OK);
    /* the same columns again are fine; others are not */
    assert_int_equal(silk_batch_set_categories(batch, "dec", columns, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_set_categories(batch, "dec", other, 1, &err),
                     SILK_ECONFLICT);
    /* a plain value for a split indicator, and the other way round */
    assert_int_equal(silk_batch_put(batch, "dec", "AFG", "DEU", p, 1, 0, NULL,
                                    NULL, 0, 2, &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "indicator 'dec' is split by categorical columns; "
                        "expected a category with each value");
    assert_int_equal(silk_batch_put(batch, "plain", "AFG", "DEU", p, 1, 0,
                                    NULL, NULL, 0, 2, &err),
                     SILK_OK);
    assert_int_equal(
        silk_batch_set_categories(batch, "plain", columns, 2, &err),
        SILK_ECONFLICT);
    /* an empty or control-character value */
    const char *empty[] = {"", "P"};
    const char *control[] = {"F\nI", "P"};
    assert_int_equal(silk_batch_put_category(batch, "dec", "AFG", "DEU", empty,
                                             p, 1, 0, NULL, NULL, 0, 2, 1,
                                             &err),
                     SILK_EINVAL);
    assert_int_equal(silk_batch_put_category(batch, "dec", "AFG", "DEU",
                                             control, p, 1, 0, NULL, NULL, 0,
                                             2, 1, &err),
                     SILK_EINVAL);
    silk_batch_free(batch);
}

static void commit(const char *store, silk_batch *batch)
{
    silk_error err = {0};
    if (silk_store_commit(store, batch, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_batch_free(batch);
}

static silk_cube *read_back(const char *store, const char *indicator)
{
    silk_store *s = NULL;
    silk_cube *cube = NULL;
    silk_error err = {0};
    if (silk_store_open(store, &s, &err) != SILK_OK ||
        silk_store_read(s, indicator, &cube, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_store_close(s);
    return cube;
}

/* The store keeps the categories; a second ingest replaces the cells it
 * names and keeps the rest; the sum follows. */
static void test_store_upsert(void **state)
{
    (void)state;
    char store[300];
    snprintf(store, sizeof store, "%s/detail.h5", tmpdir);
    silk_batch *batch = declared();
    put(batch, "AFG", "FI", "P", 2024, 100, 0, 2);
    put(batch, "AFG", "AR", "P", 2024, 30, 0, 3);
    put(batch, "IRQ", "FI", "P", 2023, 7, 0, 4);
    commit(store, batch);

    silk_cube *cube = read_back(store, "dec");
    assert_non_null(cube->detail);
    assert_int_equal(cube->detail->n_column, 2);
    assert_string_equal(cube->detail->column[1], "dec_pc");
    assert_int_equal(cube->detail->n_category, 2);
    assert_int_equal(cube->detail->n_series, 3);
    assert_true(value_at(cube, "AFG", 2024) == 130);
    silk_cube_free(cube);

    /* revise AFG FI/P 2024 to 110, add a new category and a new year */
    batch = declared();
    put(batch, "AFG", "FI", "P", 2024, 110, 0, 2);
    put(batch, "AFG", "FI", "C", 2024, 4, 0, 3);
    put(batch, "AFG", "FI", "P", 2025, 50, 0, 4);
    commit(store, batch);
    cube = read_back(store, "dec");
    /* 110 (revised) + 30 (kept) + 4 (new) */
    assert_true(value_at(cube, "AFG", 2024) == 144);
    assert_true(value_at(cube, "AFG", 2025) == 50);
    assert_true(value_at(cube, "IRQ", 2023) == 7);
    assert_int_equal(cube->detail->n_category, 3);
    assert_int_equal(cube->detail->n_series, 4);
    silk_cube *ar = select_one(cube, "dec_level", "AR");
    assert_true(value_at(ar, "AFG", 2024) == 30);
    assert_true(isnan(value_at(ar, "AFG", 2025)));
    silk_cube_free(ar);
    silk_cube_free(cube);

    /* the same indicator without categories is refused, store unchanged */
    silk_error err = {0};
    silk_period p = {SILK_FREQ_ANNUAL, 2024, 0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_batch_put(batch, "dec", "AFG", "DEU", p, 1, 0, NULL,
                                    NULL, 0, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_store_commit(store, batch, &err), SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "indicator 'dec' is stored with categorical columns; "
                        "the input has none (an indicator is split by "
                        "categories or not)");
    silk_batch_free(batch);
    cube = read_back(store, "dec");
    assert_true(value_at(cube, "AFG", 2024) == 144);
    silk_cube_free(cube);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_sum),
        cmocka_unit_test(test_select_errors),
        cmocka_unit_test(test_declare),
        cmocka_unit_test(test_store_upsert),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
