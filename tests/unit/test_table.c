/*
 * test_table.c: result tables (src/core/table.c, src/store/table_h5.c):
 * columns of numbers and text round-trip through the store in their
 * order; an ingest keeps the tables; a table of the same name replaces
 * the old one; bad names are refused.
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

/* A store with one indicator, made by an ingest commit. */
static void make_store(const char *store, double value)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    silk_period p = {SILK_FREQ_ANNUAL, 2024, 0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", p, value,
                                    0, "persons", NULL, 0, 2, &err),
                     SILK_OK);
    if (silk_store_commit(store, batch, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_batch_free(batch);
}

static silk_table *two_rows(const char *name)
{
    silk_table *t = NULL;
    silk_table_column *c = NULL;
    silk_error err = {0};
    assert_int_equal(silk_table_alloc(name, "trend", 2, &t, &err), SILK_OK);
    assert_int_equal(silk_table_add_column(t, "origin", true, &c, &err),
                     SILK_OK);
    assert_int_equal(silk_table_set_text(c, 0, "AFG", &err), SILK_OK);
    assert_int_equal(silk_table_set_text(c, 1, "Côte d'Ivoire, \"x\"", &err),
                     SILK_OK);
    assert_int_equal(silk_table_add_column(t, "ols_slope", false, &c, &err),
                     SILK_OK);
    c->number[0] = 0.1; /* not exact in binary: must come back the same */
    /* row 1 stays NaN */
    assert_int_equal(silk_table_add_column(t, "a_first", false, &c, &err),
                     SILK_OK);
    c->number[0] = -1e300;
    c->number[1] = 42;
    assert_int_equal(silk_table_set_info(t, "--method ols", "refugees: abc",
                                         &err),
                     SILK_OK);
    return t;
}

static silk_table *read_back(const char *store, const char *name)
{
    silk_store *s = NULL;
    silk_table *t = NULL;
    silk_error err = {0};
    if (silk_store_open(store, &s, &err) != SILK_OK ||
        silk_store_read_table(s, name, &t, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_store_close(s);
    return t;
}

static void test_round_trip(void **state)
{
    (void)state;
    char store[300];
    silk_error err = {0};
    snprintf(store, sizeof store, "%s/t.h5", tmpdir);
    silk_table *t = two_rows("trend_all");
    /* no store yet: a table needs one */
    assert_int_equal(silk_store_commit_table(store, t, &err), SILK_ENOTFOUND);
    make_store(store, 5);
    if (silk_store_commit_table(store, t, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_table_free(t);

    t = read_back(store, "trend_all");
    assert_string_equal(t->kind, "trend");
    assert_string_equal(t->parameters, "--method ols");
    assert_string_equal(t->inputs, "refugees: abc");
    assert_int_equal(strlen(t->created), 20); /* 2026-11-27T23:59:59Z */
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->n_columns, 3);
    /* the order written, not HDF5's name order */
    assert_string_equal(t->columns[0].name, "origin");
    assert_string_equal(t->columns[1].name, "ols_slope");
    assert_string_equal(t->columns[2].name, "a_first");
    assert_true(t->columns[0].text && !t->columns[1].text);
    assert_string_equal(t->columns[0].string[1], "Côte d'Ivoire, \"x\"");
    assert_true(t->columns[1].number[0] == 0.1);
    assert_true(isnan(t->columns[1].number[1]));
    assert_true(t->columns[2].number[0] == -1e300);
    silk_table_free(t);

    /* an ingest keeps the table, and the table kept the indicator */
    make_store(store, 6);
    t = read_back(store, "trend_all");
    assert_int_equal(t->n_rows, 2);
    silk_table_free(t);
    silk_store *s = NULL;
    assert_int_equal(silk_store_open(store, &s, &err), SILK_OK);
    assert_int_equal(silk_store_indicator_count(s), 1);
    assert_int_equal(silk_store_table_count(s), 1);
    assert_string_equal(silk_store_table_name(s, 0), "trend_all");
    silk_table *none = NULL;
    assert_int_equal(silk_store_read_table(s, "nope", &none, &err),
                     SILK_ENOTFOUND);
    silk_store_close(s);

    /* the same name again replaces it; another name adds one */
    assert_int_equal(silk_table_alloc("trend_all", "trend", 1, &t, &err),
                     SILK_OK);
    assert_int_equal(silk_store_commit_table(store, t, &err), SILK_OK);
    silk_table_free(t);
    t = two_rows("other");
    assert_int_equal(silk_store_commit_table(store, t, &err), SILK_OK);
    silk_table_free(t);
    t = read_back(store, "trend_all");
    assert_int_equal(t->n_rows, 1);
    assert_int_equal(t->n_columns, 0);
    silk_table_free(t);
    assert_int_equal(silk_store_open(store, &s, &err), SILK_OK);
    assert_int_equal(silk_store_table_count(s), 2);
    silk_store_close(s);
}

static void test_bad_names(void **state)
{
    (void)state;
    silk_table *t = NULL;
    silk_error err = {0};
    assert_int_equal(silk_table_alloc("../x", "trend", 1, &t, &err),
                     SILK_EINVAL);
    assert_null(t);
    assert_int_equal(silk_table_alloc("ok", "trend", 1, &t, &err), SILK_OK);
    assert_int_equal(silk_table_add_column(t, "Bad Name", false, NULL, &err),
                     SILK_EINVAL);
    assert_int_equal(silk_table_add_column(t, "row", false, NULL, &err),
                     SILK_EINVAL);
    assert_int_equal(silk_table_add_column(t, "x", false, NULL, &err),
                     SILK_OK);
    assert_int_equal(silk_table_add_column(t, "x", true, NULL, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message, "table 'ok' has a column 'x' already");
    silk_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
