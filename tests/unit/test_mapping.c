/*
 * test_mapping.c: the "mapping" format (src/ingest/mapping.c), any long
 * or wide table read through a column mapping.  Comments cite the
 * numbered rules of mapping.c's header.
 *
 * Fixtures in tests/data/mapping/:
 *   national_wide.csv  a national statistics office's export as Excel
 *                      writes it in continental Europe: ';', every header
 *                      cell quoted, CRLF, names ("Islamic Republic of
 *                      Iran"), thousands separated by spaces, a notes
 *                      column with a quoted ';', '..', '-' and an empty
 *                      cell, and a World row (an aggregate).  Figures
 *                      plausible, not copied.
 *   codes_long.csv     a long table of codes with two value columns,
 *                      decimal commas, NA, an empty value and "2 312 000".
 * The real ../shared/datasets/undesa_ims2019_bilateral_stock_silkroutes_
 * long.csv is read when present (skipped otherwise).  The country table
 * is the project's datasets/countries.csv.  Run from the repository root.
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
#include "ingest/format.h"
#include "fixture.h"

#define DATA "tests/data/mapping/"
#define DESA_LONG \
    "../shared/datasets/undesa_ims2019_bilateral_stock_silkroutes_long.csv"

/* Through silk_ingest_file, as the CLI calls it: the mapping options
 * alone choose the format and the delimiter is detected. */
static int setup(void **state)
{
    (void)state;
    return fixture_setup("datasets/countries.csv");
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

static silk_batch *ingest_ok(const char *file, const silk_ingest_options *opt,
                             uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *format = NULL;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_ingest_file(file, opt, 0, batch, &rows, &format, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "mapping");
    assert_int_equal(rows, expected_rows);
    return batch;
}

/* Expects code and the message "<prefix><suffix>" from silk_ingest_file. */
static void expect_failure(const char *file, const silk_ingest_options *opt,
                           int code, const char *prefix, const char *suffix)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char expected[SILK_MESSAGE_MAX];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", prefix, suffix);
    assert_int_equal(silk_ingest_file(file, opt, 0, batch, &rows, NULL, &err),
                     code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

/* Index of the cell (origin, destination, year), which must exist. */
static size_t cell(const silk_cube *cube, const char *origin,
                   const char *destination, int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t = silk_cube_find_period(cube, p);

    if (o == (size_t)-1 || d == (size_t)-1 || t == (size_t)-1)
        fail_msg("no cell %s %s %d in %s", origin, destination, year,
                 cube->indicator);
    return silk_cube_index(cube, o, d, t);
}

static void expect_stored(const silk_cube *cube, const char *origin,
                         const char *destination, int year, double value)
{
    size_t i = cell(cube, origin, destination, year);

    assert_non_null(cube->set);
    if (!cube->set[i])
        fail_msg("%s %s %d is not set", origin, destination, year);
    if (isnan(value) ? !isnan(cube->value[i]) : cube->value[i] != value)
        fail_msg("%s %s %d: %.17g, expected %.17g", origin, destination, year,
                 cube->value[i], value);
    assert_int_equal(cube->flags[i], 0);
}

/* ---- good files ----------------------------------------------------- */

/* Rules 1, 3, 4, 5, 6 on the national office's wide export. */
static void test_national_wide(void **state)
{
    static const char *const origins[] = {"AFG", "BGD", "IRN", "IRQ", "PAK"};
    silk_ingest_options opt = {.indicator = "asylum_applications",
                               .countries = countries,
                               .origin_column = "citizenship",
                               .destination_column = "Reporting country",
                               .periods_as_columns = true};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = ingest_ok(DATA "national_wide.csv", &opt, 6);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    cube = cube_of(batch, "asylum_applications");
    assert_int_equal(cube->n_origin, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(cube->origin[i], origins[i]);
    assert_int_equal(cube->n_destination, 1);
    assert_string_equal(cube->destination[0], "AUT");
    assert_int_equal(cube->n_period, 4);
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    expect_stored(cube, "AFG", "AUT", 2020, 3189);
    expect_stored(cube, "AFG", "AUT", 2022, 24757);
    expect_stored(cube, "AFG", "AUT", 2023, 7950);
    expect_stored(cube, "IRN", "AUT", 2021, 1185);
    expect_stored(cube, "IRN", "AUT", 2023, NAN); /* ".." */
    expect_stored(cube, "IRQ", "AUT", 2023, NAN); /* "-" */
    expect_stored(cube, "PAK", "AUT", 2021, 2146);
    expect_stored(cube, "BGD", "AUT", 2022, 1939);
    /* rule 5: the empty cell of the grid is no data */
    assert_false(cube->set[cell(cube, "BGD", "AUT", 2023)]);
    silk_cube_free(cube);
    cube = cube_of(batch, "asylum_applications.aggregates");
    assert_int_equal(cube->n_origin, 1);
    expect_stored(cube, "WLD", "AUT", 2022, 112272);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rules 2, 5, 6 on a long table of codes without the country table:
 * two value columns name two indicators; decimal commas because the
 * file is ';'-delimited; NA, ".. " and an empty value are stored gaps. */
static void test_codes_long(void **state)
{
    silk_ingest_options opt = {.origin_column = "origin",
                               .destination_column = "destination",
                               .period_column = "year",
                               .value_columns = "stock, share"};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = ingest_ok(DATA "codes_long.csv", &opt, 4);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    cube = cube_of(batch, "stock");
    expect_stored(cube, "AFG", "IRN", 2019, 2310292);
    expect_stored(cube, "AFG", "IRN", 2020, 2312000);
    expect_stored(cube, "AFG", "PAK", 2019, 1589146);
    expect_stored(cube, "IRQ", "TUR", 2019, NAN);
    silk_cube_free(cube);
    cube = cube_of(batch, "share");
    expect_stored(cube, "AFG", "IRN", 2019, 10.5);
    expect_stored(cube, "AFG", "PAK", 2019, NAN);
    expect_stored(cube, "IRQ", "TUR", 2019, 0.25);
    expect_stored(cube, "AFG", "IRN", 2020, NAN);
    silk_cube_free(cube);
    silk_batch_free(batch);

    /* one value column takes --indicator; no destination column means
     * country-level values; quarters in the older 2023Q1 form */
    silk_ingest_options one = {.indicator = "arrivals",
                               .origin_column = "Country",
                               .period_column = "Quarter",
                               .value_columns = "Persons"};
    batch = ingest_ok(write_text("q.csv", "Country,Quarter,Persons\n"
                                          "AFG,2023Q4,1 204\n"
                                          "PAK,2024-Q1,35\n"),
                      &one, 2);
    cube = cube_of(batch, "arrivals");
    assert_int_equal(cube->freq, SILK_FREQ_QUARTERLY);
    assert_int_equal(cube->n_destination, 1);
    assert_string_equal(cube->destination[0], "");
    assert_int_equal(cube->n_period, 2);
    assert_true(isnan(cube->value[silk_cube_index(cube, 0, 0, 1)]));
    assert_true(cube->value[silk_cube_index(cube, 0, 0, 0)] == 1204);
    assert_true(cube->value[silk_cube_index(cube, 1, 0, 1)] == 35);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* The real DESA long file: names resolved through the country table. */
static void test_desa_long(void **state)
{
    silk_ingest_options opt = {.countries = countries,
                               .origin_column = "origin",
                               .destination_column = "destination",
                               .period_column = "year",
                               .value_columns = "migrant_stock"};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    if (access(DESA_LONG, R_OK) != 0) {
        print_message("skipping: %s is absent\n", DESA_LONG);
        skip();
    }
    batch = ingest_ok(DESA_LONG, &opt, 3057);
    cube = cube_of(batch, "migrant_stock");
    /* MANIFEST.md's check values */
    expect_stored(cube, "AFG", "IRN", 1990, 3123968);
    expect_stored(cube, "AFG", "IRN", 2019, 2310292);
    expect_stored(cube, "AFG", "PAK", 1990, 3374973);
    expect_stored(cube, "AFG", "PAK", 2019, 1589146);
    /* the first row: 1990,Pakistan,PAK,Afghanistan,AFG,8107 */
    expect_stored(cube, "PAK", "AFG", 1990, 8107);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rule 3's decimal comma applies only off ','-delimited files, and the
 * choice of format: mapping when the options map columns. */
static void test_number_forms(void **state)
{
    silk_ingest_options opt = {.origin_column = "o",
                               .period_column = "y",
                               .value_columns = "v"};
    const char *file;

    (void)state;
    file = write_text("n1.csv", "o,y,v\nAFG,2020,\"12,5\"\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:3: '12,5' in column 'v' is not a number; expected a "
                   "number such as 1234, 1 234 or 12.5, or '..', ':', '-', "
                   "'NA' or an empty field for missing");
    file = write_text("n2.csv", "o;y;v\nAFG;2020;1.234,5\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:3: '1.234,5' in column 'v' is not a number; expected "
                   "a number such as 1234, 1 234 or 12,5, or '..', ':', '-', "
                   "'NA' or an empty field for missing");
    file = write_text("n3.csv", "o;y;v\nAFG;2020;12 \n");
    silk_batch *batch = ingest_ok(file, &opt, 1);
    silk_cube *cube = cube_of(batch, "v");
    expect_stored(cube, "AFG", "", 2020, 12);
    silk_cube_free(cube);
    silk_batch_free(batch);
    file = write_text("n4.csv", "o;y;v\nAFG;2020;1  234\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:3: '1  234' in column 'v' is not a number; expected "
                   "a number such as 1234, 1 234 or 12,5, or '..', ':', '-', "
                   "'NA' or an empty field for missing");
}

/* ---- errors --------------------------------------------------------- */

static void test_option_errors(void **state)
{
    const char *file = DATA "codes_long.csv";

    (void)state;
    silk_ingest_options no_origin = {.period_column = "year",
                                     .value_columns = "stock"};
    expect_failure(file, &no_origin, SILK_EINVAL, "",
                   "the mapping format needs the origin column; expected "
                   "--column origin=COL");
    silk_ingest_options no_period = {.origin_column = "origin",
                                     .value_columns = "stock"};
    expect_failure(file, &no_period, SILK_EINVAL, "",
                   "the mapping format needs the period column; expected "
                   "--column period=COL and --value-columns A[,B...] (or "
                   "--periods-as-columns for a table with one column per "
                   "period)");
    silk_ingest_options wide_period = {.origin_column = "origin",
                                       .period_column = "year",
                                       .indicator = "x",
                                       .periods_as_columns = true};
    expect_failure(file, &wide_period, SILK_EINVAL, "",
                   "--periods-as-columns takes the periods and values from "
                   "the column names; expected no --column period=COL and "
                   "no --value-columns with it");
    silk_ingest_options wide_unnamed = {.origin_column = "origin",
                                        .periods_as_columns = true};
    expect_failure(file, &wide_unnamed, SILK_EINVAL, "",
                   "a table with periods as columns does not name its "
                   "indicator; expected --indicator NAME");
    silk_ingest_options two = {.origin_column = "origin",
                               .period_column = "year",
                               .value_columns = "stock,share",
                               .indicator = "x"};
    expect_failure(file, &two, SILK_EINVAL, "",
                   "--indicator names one indicator but --value-columns "
                   "gives 2; expected one value column with --indicator, or "
                   "none (each column then names its indicator)");
    silk_ingest_options spaced = {.origin_column = "origin",
                                  .period_column = "year",
                                  .value_columns = "migrant stock"};
    expect_failure(file, &spaced, SILK_EINVAL, "",
                   "value column 'migrant stock' is not an indicator name; "
                   "expected 1-64 letters, digits, '_', '.' or '-', not "
                   "starting with '.' or '-' (or --indicator NAME for a "
                   "single value column)");
    silk_ingest_options empty = {.origin_column = "origin",
                                 .period_column = "year",
                                 .value_columns = "stock,,share"};
    expect_failure(file, &empty, SILK_EINVAL, "",
                   "--value-columns 'stock,,share' has an empty name; "
                   "expected column names separated by commas");
    silk_ingest_options forced = {.format = "tidy", .origin_column = "origin"};
    expect_failure(file, &forced, SILK_EINVAL, "",
                   "a column mapping (--column, --value-columns, "
                   "--periods-as-columns) applies only to the format "
                   "'mapping', not 'tidy'");
}

static void test_header_errors(void **state)
{
    silk_ingest_options opt = {.origin_column = "origin",
                               .destination_column = "dest",
                               .period_column = "year",
                               .value_columns = "stock"};
    const char *file = DATA "codes_long.csv";

    (void)state;
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":1:1: the header has no column 'dest' (--column "
                   "destination=dest); found 'year', 'origin', "
                   "'destination', 'stock', 'share'");
    /* the delimiter forced to ',' leaves one column */
    opt.destination_column = NULL;
    opt.delimiter = ',';
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":1:1: the header has no column 'origin' (--column "
                   "origin=origin); found 'year;origin;destination;stock;"
                   "share'");
    opt.delimiter = 0;
    file = write_text("h1.csv", "year,origin,Origin,stock\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":1:3: column 'origin' (--column origin=origin) is in the "
                   "header twice, as columns 2 and 3; expected a name that "
                   "picks one column");
    silk_ingest_options wide = {.origin_column = "country",
                                .periods_as_columns = true,
                                .indicator = "x"};
    file = write_text("h2.csv", "country,value\n");
    expect_failure(file, &wide, SILK_EPARSE, file,
                   ":1:1: the header has no period column "
                   "(--periods-as-columns); expected columns named like "
                   "2023, 2023-Q1 or 2023-01; found 'country', 'value'");
    file = write_text("h3.csv", "country;2023;2023-Q1\n");
    expect_failure(file, &wide, SILK_EPARSE, file,
                   ":1:3: '2023-Q1' in the header is a period of another "
                   "frequency than '2023'; expected one frequency per file");
    file = write_text("h4.csv", "");
    expect_failure(file, &wide, SILK_EPARSE, file,
                   ":1:1: empty file; expected a header naming the mapped "
                   "columns");
}

static void test_row_errors(void **state)
{
    silk_ingest_options opt = {.origin_column = "origin",
                               .destination_column = "destination",
                               .period_column = "year",
                               .value_columns = "stock"};
    const char *file;
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *expected_start = ":2:2: unknown country 'Absurdistan'; "
                                 "closest known: ";
    char expected[512];

    (void)state;
    file = write_text("r1.csv", "year,origin,destination,stock\n"
                                "19x0,AFG,IRN,5\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:1: '19x0' in column 'year' is not a period; expected "
                   "2024, 2024-Q3 or 2024-07 (or 2024Q3, 2024M07)");
    file = write_text("r2.csv", "year,origin,destination,stock\n"
                                "1990,Afghanistan,IRN,5\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:2: 'Afghanistan' in column 'origin' is not a country "
                   "code; expected three capital letters such as AFG (give "
                   "the country table to read names)");
    file = write_text("r3.csv", "year,origin,destination,stock\n"
                                "1990,AFG,IRN,5\n1990,PAK,IRN\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":3:4: line 3 has 3 fields; expected 4 as in the header");
    file = write_text("r4.csv", "year,origin,destination,stock\n"
                                "1990, ,IRN,5\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:2: ' ' in column 'origin' is empty; expected the "
                   "origin country");
    file = write_text("r5.csv", "year,origin,destination,stock\n"
                                "1990,AFG,IRN,12a\n");
    expect_failure(file, &opt, SILK_EPARSE, file,
                   ":2:4: '12a' in column 'stock' is not a number; expected "
                   "a number such as 1234, 1 234 or 12.5, or '..', ':', '-', "
                   "'NA' or an empty field for missing");

    /* the resolver's message, with the position in front; the closest
     * names depend on the table, so only the start is fixed here */
    opt.countries = countries;
    file = write_text("r6.csv", "year,origin,destination,stock\n"
                                "1990,Absurdistan,IRN,5\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(file, &opt, 0, batch, &rows, NULL,
                                      &err),
                     SILK_ENOTFOUND);
    snprintf(expected, sizeof expected, "%s%s", file, expected_start);
    if (strncmp(err.message, expected, strlen(expected)) != 0)
        fail_msg("got '%s'", err.message);
    silk_batch_free(batch);
}

static void test_never_detected(void **state)
{
    silk_sniff sniff;

    (void)state;
    memset(&sniff, 0, sizeof sniff);
    assert_int_equal(silk_format_mapping.detect(&sniff), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_national_wide),
        cmocka_unit_test(test_codes_long),
        cmocka_unit_test(test_desa_long),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_row_errors),
        cmocka_unit_test(test_never_detected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
