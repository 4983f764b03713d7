/*
 * test_desa.c: UN DESA's bilateral migrant stock table, wide
 * (src/ingest/desa.c, format desa-wide).  The fixture
 * tests/data/desa/stock_wide.csv holds real rows and columns of
 * ../shared/datasets/undesa_ims2019_bilateral_stock_wide.csv (values copied
 * verbatim, CRLF line endings added) except one cell: Bangladeshis in
 * Afghanistan 1990 is ".." there (0 in the real table) to test a gap.
 * "Caribbean" is a region row of the real table; the fixture's country
 * table lists it as an aggregate with the made-up code XCB.  The real
 * table is read when ../shared/datasets is present (skipped otherwise).
 * Run from the repository root, as tests/run.sh does.
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
#include <time.h>
#include <unistd.h>

#include "silkstat.h"
#include "ingest/format.h"
#include "fixture.h"

extern const silk_format silk_format_desa_wide;

#define DATA "tests/data/desa/"
#define SHARED "../shared/datasets/"
#define SOURCE \
    "UN DESA Population Division, International Migrant Stock 2019 " \
    "(CC BY 3.0 IGO)"
#define HEADER "Year,Dest,Afghanistan,Pakistan\n"

static int setup(void **state)
{
    (void)state;
    return fixture_setup(DATA "countries.csv");
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

static silk_batch *read_ok(const char *file, const silk_ingest_options *opt,
                           uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_format_desa_wide.read(file, opt, 0, batch, &rows, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, expected_rows);
    return batch;
}

/* Expects code and the message "<file><suffix>". */
static void expect_failure(const char *file, const silk_ingest_options *opt,
                           int code, const char *suffix)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char expected[SILK_MESSAGE_MAX];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", file, suffix);
    assert_int_equal(silk_format_desa_wide.read(file, opt, 0, batch, &rows,
                                                &err),
                     code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

static void expect_cell(const silk_batch *batch, const char *indicator,
                        const char *origin, const char *destination, int year,
                        double value)
{
    silk_cube *cube = cube_of(batch, indicator);
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t = silk_cube_find_period(cube, p);

    if (o == (size_t)-1 || d == (size_t)-1 || t == (size_t)-1)
        fail_msg("no cell %s %s %d in %s", origin, destination, year,
                 indicator);
    size_t i = silk_cube_index(cube, o, d, t);
    assert_non_null(cube->set);
    assert_true(cube->set[i]);
    if (isnan(value))
        assert_true(isnan(cube->value[i]));
    else if (cube->value[i] != value)
        fail_msg("%s %s->%s %d: %.17g, expected %.17g", indicator, origin,
                 destination, year, cube->value[i], value);
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source, SOURCE);
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    silk_cube_free(cube);
}

/* ---- good files ----------------------------------------------------- */

/* CRLF, quoted "China, Hong Kong SAR", accents, apostrophes, "..", 0. */
static void test_fixture(void **state)
{
    static const char *const origins[] = {"AFG", "BGD", "CIV",
                                          "HKG", "IRN", "PAK", "PRK"};
    static const char *const destinations[] = {"AFG", "CIV", "IRN", "PAK"};
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(DATA "stock_wide.csv", &opt, 7);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    cube = cube_of(batch, "migrant_stock");
    assert_int_equal(cube->n_origin, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(cube->origin[i], origins[i]);
    assert_int_equal(cube->n_destination, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(cube->destination[i], destinations[i]);
    assert_int_equal(cube->n_period, 2);
    silk_cube_free(cube);
    /* MANIFEST 3b check values */
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 1990, 3123968);
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 2019, 2310292);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 1990, 3374973);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 2019, 1589146);
    expect_cell(batch, "migrant_stock", "PAK", "AFG", 1990, 8107);
    expect_cell(batch, "migrant_stock", "IRN", "PAK", 2019, 2137);
    /* rule 3: ".." is NaN, 0 stays 0 */
    expect_cell(batch, "migrant_stock", "BGD", "AFG", 1990, NAN);
    expect_cell(batch, "migrant_stock", "AFG", "CIV", 2019, 0);
    expect_cell(batch, "migrant_stock", "PRK", "CIV", 2019, 0);
    /* rule 2: the region row goes apart */
    expect_cell(batch, "migrant_stock.aggregates", "IRN", "XCB", 1990, 72);
    expect_cell(batch, "migrant_stock.aggregates", "PAK", "XCB", 1990, 230);
    expect_cell(batch, "migrant_stock.aggregates", "HKG", "XCB", 1990, 104);
    silk_batch_free(batch);

    opt.indicator = "stock_2019";
    batch = read_ok(DATA "stock_wide.csv", &opt, 7);
    expect_cell(batch, "stock_2019", "AFG", "IRN", 2019, 2310292);
    expect_cell(batch, "stock_2019.aggregates", "IRN", "XCB", 1990, 72);
    silk_batch_free(batch);
}

/* ---- errors --------------------------------------------------------- */

static void test_errors(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    silk_ingest_options none = {.format = NULL, .indicator = NULL, .countries = NULL};

    (void)state;
    expect_failure(DATA "stock_wide.csv", &none, SILK_EINVAL,
                   ":1:1: DESA tables name countries; expected the country "
                   "table (datasets/countries.csv)");
    expect_failure(DATA "stock_wide.csv", NULL, SILK_EINVAL,
                   ":1:1: DESA tables name countries; expected the country "
                   "table (datasets/countries.csv)");
    /* resolver suggestions (countries.c): Levenshtein distance to the
     * folded names and aliases, worked out apart.  "afghanstan": afghanistan
     * 1, pakistan 6, then bangladesh, iran and caribbean 8 (a tie keeps the
     * first key in sorted order).  "pakistn": pakistan 1, iran 5, then
     * afghanistan, iraq and caribbean 6. */
    expect_failure(write_text("origin.csv",
                              "Year,Dest,Afghanstan,Pakistan\n"
                              "1990,Pakistan,1,2\n"),
                   &opt, SILK_ENOTFOUND,
                   ":1:3: unknown country 'Afghanstan'; closest known: "
                   "'Afghanistan' (AFG), 'Pakistan' (PAK), 'Bangladesh' "
                   "(BGD)");
    expect_failure(write_text("dest.csv", HEADER "1990,Pakistan,1,2\n"
                                                 "1990,Pakistn,1,2\n"),
                   &opt, SILK_ENOTFOUND,
                   ":3:2: unknown country 'Pakistn'; closest known: "
                   "'Pakistan' (PAK), 'Iran (Islamic Republic of)' (IRN), "
                   "'Afghanistan' (AFG)");
    expect_failure(write_text("year.csv", HEADER "1990,Pakistan,1,2\n"
                                                 "199O,Pakistan,1,2\n"),
                   &opt, SILK_EPARSE,
                   ":3:1: '199O' in column 'Year' is not a year; expected "
                   "YYYY such as 2019");
    expect_failure(write_text("value.csv", HEADER "1990,Pakistan,1,2\n"
                                                  "1995,Pakistan,\"1,5\",2\n"),
                   &opt, SILK_EPARSE,
                   ":3:3: '1,5' in column 'Afghanistan' is not a number; "
                   "expected a count such as 1234, or '..' for missing");
    expect_failure(write_text("negative.csv", HEADER "1990,Pakistan,1,-2\n"),
                   &opt, SILK_EPARSE,
                   ":2:4: '-2' in column 'Pakistan' is negative; expected a "
                   "count of 0 or more");
    expect_failure(write_text("twice.csv",
                              "Year,Dest,Iran,Iran (Islamic Republic of)\n"),
                   &opt, SILK_EPARSE,
                   ":1:4: 'Iran (Islamic Republic of)' names the same "
                   "country (IRN) as column 3 ('Iran'); expected each origin "
                   "once");
    expect_failure(write_text("nodest.csv", "Year,Afghanistan\n"), &opt,
                   SILK_EPARSE,
                   ":1:1: the header lacks the column 'Dest'; expected Year, "
                   "Dest and one column per origin country");
    expect_failure(write_text("fields.csv", HEADER "1990,Pakistan,1\n"),
                   &opt, SILK_EPARSE,
                   ":2:4: line 2 has 3 fields; expected 4 as in the header");
    expect_failure(write_text("empty.csv", ""), &opt, SILK_EPARSE,
                   ":1:1: empty file; expected a header naming Year, Dest "
                   "and one column per origin country");
}

static void test_detect(void **state)
{
    silk_sniff sniff;
    static char f0[] = "Year", f1[] = "Dest", f2[] = "Afghanistan";

    (void)state;
    memset(&sniff, 0, sizeof sniff);
    sniff.n_records = 1;
    sniff.record[0].field[0] = f0;
    sniff.record[0].field[1] = f1;
    sniff.record[0].field[2] = f2;
    sniff.record[0].n_stored = 3;
    sniff.record[0].n_fields = 234;
    assert_int_equal(silk_format_desa_wide.detect(&sniff), 90);
    sniff.record[0].field[1] = f2;
    assert_int_equal(silk_format_desa_wide.detect(&sniff), 0);
    sniff.n_records = 0;
    assert_int_equal(silk_format_desa_wide.detect(&sniff), 0);
}

/* ---- the real table ------------------------------------------------- */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void test_real_table(void **state)
{
    const char *file = SHARED "undesa_ims2019_bilateral_stock_wide.csv";
    silk_countries *table = NULL;
    silk_error err = {0};
    silk_batch *batch;
    size_t cells = 0, missing = 0;

    (void)state;
    if (access(file, R_OK) != 0) {
        print_message("# " SHARED " absent: real DESA table skipped\n");
        skip();
    }
    if (silk_countries_load("datasets/countries.csv", NULL, &table, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = table};
    double start = seconds();
    batch = read_ok(file, &opt, 1659);
    print_message("# desa-wide: 1,659 rows x 232 origins in %.0f ms\n",
                  (seconds() - start) * 1e3);
    /* MANIFEST 3b check values */
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 1990, 3123968);
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 2019, 2310292);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 1990, 3374973);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 2019, 1589146);
    /* every cell put once; missing: ".." 341 times (MANIFEST 3a) and "-"
     * 4 times (Albanians in Montenegro 1990-2005, counted with pandas;
     * the MANIFEST does not mention them) */
    for (size_t i = 0; i < silk_batch_indicator_count(batch); i++) {
        silk_cube *cube = NULL;
        assert_int_equal(silk_batch_cube(batch, i, &cube, &err), SILK_OK);
        size_t n = cube->n_origin * cube->n_destination * cube->n_period;
        for (size_t k = 0; k < n; k++)
            if (cube->set[k]) {
                cells++;
                missing += isnan(cube->value[k]);
            }
        silk_cube_free(cube);
    }
    assert_int_equal(cells, (size_t)1659 * 232);
    assert_int_equal(missing, 341 + 4);
    silk_batch_free(batch);
    silk_countries_free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_real_table),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
