/*
 * test_desa.c: UN DESA's bilateral migrant stock table, wide
 * (src/ingest/desa.c, format desa-wide) and long (src/ingest/desa_long.c,
 * format desa-long; its tests cite the rules of that file's header as
 * "long rule N").  The fixture
 * tests/data/desa/stock_wide.csv holds real rows and columns of
 * ../shared/datasets/undesa_ims2019_bilateral_stock_wide.csv (values copied
 * verbatim, CRLF line endings added) except one cell: Bangladeshis in
 * Afghanistan 1990 is ".." there (0 in the real table) to test a gap.
 * "Caribbean" is a region row of the real table; the fixture's country
 * table lists it as an aggregate with the made-up code XCB.  The real
 * table is read when ../shared/datasets is present (skipped otherwise).
 * The long fixture, LONG below, is ten rows of
 * ../shared/datasets/undesa_ims2019_bilateral_stock_silkroutes_long.csv
 * copied verbatim and read with the project's datasets/countries.csv; the
 * expected values are those rows' numbers, and the MANIFEST's check
 * values for Afghans in Iran and Pakistan.
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

#define DATA "tests/data/desa/"
#define SHARED "../shared/datasets/"
#define SOURCE \
    "UN DESA Population Division, International Migrant Stock 2019 " \
    "(CC BY 3.0 IGO)"
#define HEADER "Year,Dest,Afghanistan,Pakistan\n"
#define LONG_HEADER \
    "year,origin,origin_iso3,destination,destination_iso3,migrant_stock\n"
#define LONG                                                         \
    LONG_HEADER                                                      \
    "1990,Pakistan,PAK,Afghanistan,AFG,8107\n"                       \
    "1990,Tajikistan,,Afghanistan,AFG,40537\n"                       \
    "1990,Afghanistan,AFG,Iran (Islamic Republic of),IRN,3123968\n"  \
    "1990,Afghanistan,AFG,Pakistan,PAK,3374973\n"                    \
    "2019,Afghanistan,AFG,Iran (Islamic Republic of),IRN,2310292\n"  \
    "2019,Afghanistan,AFG,Pakistan,PAK,1589146\n"                    \
    "1990,Lao People's Democratic Republic,,Bangladesh,BGD,58722\n"  \
    "1990,Bangladesh,BGD,\"China, Hong Kong SAR\",,297\n"           \
    "1990,Bangladesh,BGD,Slovenia,,\n"                               \
    "1990,Pakistan,PAK,Caribbean,,230\n"

/* the project's table, for the long tests (the fixture's lacks
 * Tajikistan, Laos and Slovenia) */
static silk_countries *table;

static int setup(void **state)
{
    silk_error err = {0};

    (void)state;
    if (fixture_setup(DATA "countries.csv") != 0)
        return -1;
    if (silk_countries_load("datasets/countries.csv", NULL, &table, &err) !=
        SILK_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    silk_countries_free(table);
    table = NULL;
    return fixture_teardown();
}

static silk_batch *read_with(const silk_format *format, const char *file,
                             const silk_ingest_options *opt,
                             uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (format->read(file, opt, 0, batch, &rows, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, expected_rows);
    return batch;
}

static silk_batch *read_ok(const char *file, const silk_ingest_options *opt,
                           uint64_t expected_rows)
{
    return read_with(&silk_format_desa_wide, file, opt, expected_rows);
}

/* Expects code and the message "<file><suffix>" from format. */
static void expect_failure_with(const silk_format *format, const char *file,
                                const silk_ingest_options *opt, int code,
                                const char *suffix)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char expected[SILK_MESSAGE_MAX];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", file, suffix);
    assert_int_equal(format->read(file, opt, 0, batch, &rows, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

static void expect_failure(const char *file, const silk_ingest_options *opt,
                           int code, const char *suffix)
{
    expect_failure_with(&silk_format_desa_wide, file, opt, code, suffix);
}

static void expect_long_failure(const char *file, int code,
                                const char *suffix)
{
    silk_ingest_options opt = {.countries = table};
    expect_failure_with(&silk_format_desa_long, file, &opt, code, suffix);
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
    silk_error err = {0};
    silk_batch *batch;
    size_t cells = 0, missing = 0;

    (void)state;
    if (access(file, R_OK) != 0) {
        print_message("# " SHARED " absent: real DESA table skipped\n");
        skip();
    }
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
}

/* ---- the long table (desa_long.c) ----------------------------------- */

/* Long rules 2-5 on ten real rows: codes where given, names otherwise
 * (Tajikistan, Laos, "China, Hong Kong SAR" with its comma), the empty
 * stock of Bangladeshis in Slovenia 1990 a gap, the Caribbean apart. */
static void test_long_fixture(void **state)
{
    static const char *const origins[] = {"AFG", "BGD", "LAO", "PAK", "TJK"};
    static const char *const destinations[] = {"AFG", "BGD", "HKG", "IRN",
                                               "PAK", "SVN"};
    silk_ingest_options opt = {.countries = table};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_with(&silk_format_desa_long, write_text("long.csv", LONG),
                      &opt, 10);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    cube = cube_of(batch, "migrant_stock");
    assert_int_equal(cube->n_origin, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(cube->origin[i], origins[i]);
    assert_int_equal(cube->n_destination, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(cube->destination[i], destinations[i]);
    assert_int_equal(cube->n_period, 2);
    silk_cube_free(cube);
    /* MANIFEST 3b check values */
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 1990, 3123968);
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 2019, 2310292);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 1990, 3374973);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 2019, 1589146);
    expect_cell(batch, "migrant_stock", "PAK", "AFG", 1990, 8107);
    /* long rule 2: names where the code is empty */
    expect_cell(batch, "migrant_stock", "TJK", "AFG", 1990, 40537);
    expect_cell(batch, "migrant_stock", "LAO", "BGD", 1990, 58722);
    expect_cell(batch, "migrant_stock", "BGD", "HKG", 1990, 297);
    /* long rule 4: empty is a gap, stored as NaN, never 0 */
    expect_cell(batch, "migrant_stock", "BGD", "SVN", 1990, NAN);
    /* long rule 5: the region goes apart */
    expect_cell(batch, "migrant_stock.aggregates", "PAK", "XCB", 1990, 230);
    silk_batch_free(batch);

    /* long rule 5: --indicator renames, the aggregates with it */
    opt.indicator = "stock_2019";
    batch = read_with(&silk_format_desa_long, write_text("long.csv", LONG),
                      &opt, 10);
    expect_cell(batch, "stock_2019", "AFG", "PAK", 2019, 1589146);
    expect_cell(batch, "stock_2019.aggregates", "PAK", "XCB", 1990, 230);
    silk_batch_free(batch);
}

/* Long rule 5: the wide and the long table, detected, feed one indicator
 * with one unit and source; the later file's cells win where both give
 * one (here they agree, as the long file is derived from the wide). */
static void test_long_and_wide_one_indicator(void **state)
{
    silk_ingest_options opt = {.countries = table};
    silk_batch *batch = NULL;
    silk_error err = {0};
    const char *format = NULL;
    uint64_t rows = 0;
    char long_path[sizeof path];

    (void)state;
    snprintf(long_path, sizeof long_path, "%s",
             write_text("long.csv", LONG));
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_ingest_file(long_path, &opt, 0, batch, &rows, &format, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "desa-long");
    assert_int_equal(rows, 10);
    if (silk_ingest_file(DATA "stock_wide.csv", &opt, 1, batch, &rows,
                         &format, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "desa-wide");
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    /* from the long file alone */
    expect_cell(batch, "migrant_stock", "TJK", "AFG", 1990, 40537);
    expect_cell(batch, "migrant_stock", "BGD", "SVN", 1990, NAN);
    /* from both, equal; and zeros, which only the wide table carries */
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 2019, 1589146);
    expect_cell(batch, "migrant_stock", "AFG", "CIV", 2019, 0);
    expect_cell(batch, "migrant_stock.aggregates", "PAK", "XCB", 1990, 230);
    assert_int_equal(silk_batch_provenance_count(batch), 2);
    assert_string_equal(silk_batch_provenance(batch, 0)->indicators,
                        "migrant_stock,migrant_stock.aggregates");
    silk_batch_free(batch);
}

static void test_long_errors(void **state)
{
    silk_ingest_options none = {.countries = NULL};

    (void)state;
    /* long rule 2: a table is required */
    expect_failure_with(&silk_format_desa_long, write_text("l0.csv", LONG),
                        &none, SILK_EINVAL,
                        ":1:1: DESA tables name countries; expected the "
                        "country table (datasets/countries.csv)");
    /* long rule 2: the name and the code must agree, whichever side */
    expect_long_failure(write_text("l1.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,Afghanistan,AFG,8107\n"
                                   "1990,Pakistan,IRN,Afghanistan,AFG,8107\n"),
                        SILK_EPARSE,
                        ":3:3: 'IRN' in column 'origin_iso3' disagrees with "
                        "'Pakistan' in column 'origin', which is PAK in the "
                        "country table; expected the code and the name of "
                        "one country");
    expect_long_failure(write_text("l2.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,Afghanistan,AFG,8107\n"
                                   "1990,Pakistan,PAK,Iraq,IRN,5\n"),
                        SILK_EPARSE,
                        ":3:5: 'IRN' in column 'destination_iso3' disagrees "
                        "with 'Iraq' in column 'destination', which is IRQ "
                        "in the country table; expected the code and the "
                        "name of one country");
    /* long rule 2: an unknown name, with the resolver's suggestions
     * (countries.c); an unknown or malformed code */
    expect_long_failure(write_text("l3.csv", LONG_HEADER
                                   "1990,Tajikistn,,Afghanistan,AFG,40537\n"),
                        SILK_ENOTFOUND,
                        ":2:2: unknown country 'Tajikistn'; closest known: "
                        "'Tajikistan' (TJK), 'Pakistan' (PAK), 'Kazakhstan' "
                        "(KAZ)");
    {
        /* the suggestions for a code are the resolver's business (it
         * compares names): only the position and the subject here */
        silk_ingest_options opt = {.countries = table};
        silk_batch *batch = NULL;
        silk_error err = {0};
        char expected[SILK_MESSAGE_MAX];
        const char *file = write_text("l4.csv", LONG_HEADER
                                      "1990,,QQQ,Afghanistan,AFG,1\n");
        assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
        assert_int_equal(silk_format_desa_long.read(file, &opt, 0, batch,
                                                    NULL, &err),
                         SILK_ENOTFOUND);
        snprintf(expected, sizeof expected,
                 "%s:2:3: unknown country 'QQQ'; closest known: ", file);
        assert_memory_equal(err.message, expected, strlen(expected));
        silk_batch_free(batch);
    }
    expect_long_failure(write_text("l5.csv", LONG_HEADER
                                   "1990,Pakistan,Pak,Afghanistan,AFG,1\n"),
                        SILK_EPARSE,
                        ":2:3: 'Pak' in column 'origin_iso3' is not a "
                        "country code; expected three capital letters such "
                        "as AFG, or an empty field to resolve the name");
    expect_long_failure(write_text("l6.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,,,1\n"),
                        SILK_EPARSE,
                        ":2:4: empty field in column 'destination' and in "
                        "column 'destination_iso3'; expected the country's "
                        "name, its ISO3 code or both");
    /* long rules 3 and 4 */
    expect_long_failure(write_text("l7.csv", LONG_HEADER
                                   "199O,Pakistan,PAK,Afghanistan,AFG,1\n"),
                        SILK_EPARSE,
                        ":2:1: '199O' in column 'year' is not a year; "
                        "expected YYYY such as 2019");
    expect_long_failure(write_text("l8.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,Afghanistan,AFG,-5\n"),
                        SILK_EPARSE,
                        ":2:6: '-5' in column 'migrant_stock' is negative; "
                        "expected a count of 0 or more");
    expect_long_failure(write_text("l9.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,Afghanistan,AFG,..x\n"),
                        SILK_EPARSE,
                        ":2:6: '..x' in column 'migrant_stock' is not a "
                        "number; expected a count such as 1234, or an empty "
                        "field for missing");
    expect_long_failure(write_text("l10.csv", LONG_HEADER
                                   "1990,Pakistan,PAK,Afghanistan,AFG\n"),
                        SILK_EPARSE,
                        ":2:6: line 2 has 5 fields; expected 6 as in the "
                        "header");
    /* long rule 1 */
    expect_long_failure(write_text("l11.csv",
                                   "year,origin,origin_iso3,destination,"
                                   "destination_iso3\n"),
                        SILK_EPARSE,
                        ":1:1: the header lacks the column 'migrant_stock'; "
                        "expected year, origin, origin_iso3, destination, "
                        "destination_iso3 and migrant_stock");
    expect_long_failure(write_text("l12.csv",
                                   "year,origin,origin_iso3,destination,"
                                   "destination_iso3,migrant_stock,Year\n"),
                        SILK_EPARSE,
                        ":1:7: the column 'year' is named twice (columns 1 "
                        "and 7); expected each column once");
    expect_long_failure(write_text("l13.csv",
                                   "year,origin,origin_iso3,destination,"
                                   "destination_iso3,migrant_stock,note\n"),
                        SILK_EPARSE,
                        ":1:7: 'note' is not a column of DESA's long table; "
                        "expected year, origin, origin_iso3, destination, "
                        "destination_iso3 and migrant_stock");
    expect_long_failure(write_text("l14.csv", ""), SILK_EPARSE,
                        ":1:1: empty file; expected a header naming year, "
                        "origin, origin_iso3, destination, destination_iso3 "
                        "and migrant_stock");
}

/* With an ingest --check collector, every bad row is listed and the good
 * ones read. */
static void test_long_check_collects(void **state)
{
    silk_problems *problems = NULL;
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_problems_alloc(true, &problems, &err), SILK_OK);
    silk_ingest_options opt = {.countries = table, .problems = problems};
    const char *file = write_text("lc.csv",
                                  LONG_HEADER
                                  "1990,Pakistan,IRN,Afghanistan,AFG,1\n"
                                  "1990,Pakistan,PAK,Afghanistan,AFG,8107\n"
                                  "1990,Atlantis,,Afghanistan,AFG,3\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(
        silk_format_desa_long.read(file, &opt, 0, batch, &rows, &err),
        SILK_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(silk_problems_error_count(problems), 2);
    expect_cell(batch, "migrant_stock", "PAK", "AFG", 1990, 8107);
    silk_batch_free(batch);
    silk_problems_free(problems);
}

static void test_long_detect(void **state)
{
    silk_sniff sniff;
    static char f0[] = "year", f1[] = "origin", f2[] = "origin_iso3",
                f3[] = "destination", f4[] = "destination_iso3",
                f5[] = "migrant_stock", other[] = "value";

    (void)state;
    memset(&sniff, 0, sizeof sniff);
    sniff.n_records = 1;
    sniff.record[0].field[0] = f0;
    sniff.record[0].field[1] = f1;
    sniff.record[0].field[2] = f2;
    sniff.record[0].field[3] = f3;
    sniff.record[0].field[4] = f4;
    sniff.record[0].field[5] = f5;
    sniff.record[0].n_stored = sniff.record[0].n_fields = 6;
    assert_int_equal(silk_format_desa_long.detect(&sniff), 90);
    assert_int_equal(silk_format_desa_wide.detect(&sniff), 0);
    sniff.record[0].field[5] = other;
    assert_int_equal(silk_format_desa_long.detect(&sniff), 0);
    sniff.n_records = 0;
    assert_int_equal(silk_format_desa_long.detect(&sniff), 0);
}

static void test_long_real_table(void **state)
{
    const char *file =
        SHARED "undesa_ims2019_bilateral_stock_silkroutes_long.csv";
    silk_ingest_options opt = {.countries = table};
    silk_error err = {0};
    silk_batch *batch;
    size_t cells = 0, missing = 0;

    (void)state;
    if (access(file, R_OK) != 0) {
        print_message("# " SHARED " absent: real DESA long table skipped\n");
        skip();
    }
    batch = read_with(&silk_format_desa_long, file, &opt, 3057);
    /* MANIFEST 3b check values */
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 1990, 3123968);
    expect_cell(batch, "migrant_stock", "AFG", "IRN", 2019, 2310292);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 1990, 3374973);
    expect_cell(batch, "migrant_stock", "AFG", "PAK", 2019, 1589146);
    /* one cell a row; empty 2 times (MANIFEST 3b) */
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
    assert_int_equal(cells, 3057);
    assert_int_equal(missing, 2);
    silk_batch_free(batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_real_table),
        cmocka_unit_test(test_long_fixture),
        cmocka_unit_test(test_long_and_wide_one_indicator),
        cmocka_unit_test(test_long_errors),
        cmocka_unit_test(test_long_check_collects),
        cmocka_unit_test(test_long_detect),
        cmocka_unit_test(test_long_real_table),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
