/*
 * test_unhcr.c: the UNHCR table format (src/ingest/unhcr.c).  The numbered
 * rules of unhcr.c's header are cited as "rule N".  Good files are checked
 * cell by cell through silk_batch_cube (value, NaN, flag, set); bad files
 * for their exact message.  Fixtures: tests/data/unhcr/ (run from the
 * repository root, as tests/run.sh does; population.csv holds real rows of
 * unhcr_population.csv plus made-up ones for '*', UKN and STA), files
 * written into a temporary folder, and the real tables under
 * ../shared/datasets/ when present (skipped otherwise).
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

extern const silk_format silk_format_unhcr;

#define DATA "tests/data/unhcr/"
#define SHARED "../shared/datasets/"
#define HEADER                                                              \
    "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,"             \
    "asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip," \
    "hst\n"
#define COUNT_TABLES                                                        \
    "expected a UNHCR table (population, solutions, flows, idmc, unrwa, "  \
    "asylum_applications, asylum_decisions, demographics)"

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

static int read_file(const char *file, const silk_countries *table,
                     const char *indicator, silk_batch *batch, uint64_t *rows,
                     silk_error *err)
{
    silk_ingest_options opt = {.format = "unhcr", .indicator = indicator, .countries = table};

    return silk_format_unhcr.read(file, &opt, 0, batch, rows, err);
}

/* The position of (origin, destination, year) in cube. */
static size_t cell_index(const silk_cube *cube, const char *origin,
                         const char *destination, int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t = silk_cube_find_period(cube, p);

    assert_true(o != (size_t)-1 && d != (size_t)-1 && t != (size_t)-1);
    return silk_cube_index(cube, o, d, t);
}

/* Reads file, expects failure with code and the message "<file><suffix>". */
static void expect_failure(const char *file, const silk_countries *table,
                           int code, const char *suffix)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char expected[SILK_MESSAGE_MAX];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", file, suffix);
    assert_int_equal(read_file(file, table, NULL, batch, &rows, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

static void expect_row_failure(const char *row, int code, const char *suffix)
{
    char text[1024];

    snprintf(text, sizeof text, HEADER "%s\n", row);
    expect_failure(write_text("bad.csv", text), NULL, code, suffix);
}

/* The cell (origin, destination, year) of cube, which must be set. */
static size_t cell(const silk_cube *cube, const char *origin,
                   const char *destination, int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t = silk_cube_find_period(cube, p);

    assert_true(o != (size_t)-1);
    assert_true(d != (size_t)-1);
    assert_true(t != (size_t)-1);
    size_t i = silk_cube_index(cube, o, d, t);
    assert_non_null(cube->set);
    assert_true(cube->set[i]);
    return i;
}

static void expect_cell(const silk_batch *batch, const char *indicator,
                         const char *origin, const char *destination,
                         int year, double value, uint32_t flags)
{
    silk_cube *cube = cube_of(batch, indicator);
    size_t i = cell(cube, origin, destination, year);

    if (isnan(value))
        assert_true(isnan(cube->value[i]));
    else
        assert_true(cube->value[i] == value);
    assert_int_equal(cube->flags[i], flags);
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source,
                        "UNHCR Refugee Population Statistics Database "
                        "(CC BY 4.0)");
    silk_cube_free(cube);
}

static void expect_axis(char **axis, size_t n, const char *const *codes)
{
    size_t i;

    for (i = 0; i < n && codes[i] != NULL; i++)
        assert_string_equal(axis[i], codes[i]);
    assert_int_equal(i, n);
    assert_null(codes[i]);
}

/* Rules 1-4 on real rows: names from the header, ISO columns, gaps, '*'. */
static void test_population(void **state)
{
    static const char *const indicators[] = {
        "refugees", "asylum_seekers", "returned_refugees", "idps",
        "returned_idps", "stateless", "ooc", "oip", "hst"};
    static const char *const origins[] = {"AFG", "AUT", "IRQ", "STA", "UKN",
                                          NULL};
    static const char *const destinations[] = {"AUS", "COG", "IRN", "IRQ",
                                               "PAK", "TUR", NULL};
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(DATA "population.csv", NULL, NULL, batch,
                               &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 7);
    assert_int_equal(silk_batch_indicator_count(batch), 9);
    for (size_t i = 0; i < 9; i++) {
        silk_cube *cube = cube_of(batch, indicators[i]);
        /* rule 2: AUS as coa_iso is Australia; UKN and STA kept as given */
        expect_axis(cube->origin, cube->n_origin, origins);
        expect_axis(cube->destination, cube->n_destination, destinations);
        assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
        assert_int_equal(cube->n_period, 5);
        assert_int_equal(cube->period[0].year, 1963);
        assert_int_equal(cube->period[4].year, 2025);
        silk_cube_free(cube);
    }
    /* MANIFEST 1a: the 2025 reclassification of Afghans in Iran */
    expect_cell(batch, "refugees", "AFG", "IRN", 2024, 3477082, 0);
    expect_cell(batch, "refugees", "AFG", "IRN", 2025, 758339, 0);
    expect_cell(batch, "oip", "AFG", "IRN", 2024, NAN, 0); /* empty */
    expect_cell(batch, "oip", "AFG", "IRN", 2025, 879500, 0);
    expect_cell(batch, "returned_refugees", "AFG", "IRN", 2025, 1386970, 0);
    expect_cell(batch, "idps", "AFG", "IRN", 2025, 0, 0); /* 0 stays 0 */
    /* the quoted name with a comma, '*' and a 5 (rule 5: kept as read) */
    expect_cell(batch, "refugees", "AFG", "COG", 2025, NAN,
                 SILK_FLAG_REDACTED);
    expect_cell(batch, "asylum_seekers", "AFG", "COG", 2025, 5, 0);
    expect_cell(batch, "oip", "AFG", "COG", 2025, NAN, 0);
    /* Türkiye */
    expect_cell(batch, "asylum_seekers", "IRQ", "TUR", 2025, 49893, 0);
    /* Austria (UNHCR AUS) to Australia (ISO AUS) */
    expect_cell(batch, "asylum_seekers", "AUT", "AUS", 2023, 7, 0);
    expect_cell(batch, "refugees", "UKN", "PAK", 1963, 40, 0);
    expect_cell(batch, "asylum_seekers", "STA", "IRQ", 1970, 221, 0);

    assert_int_equal(silk_batch_provenance_count(batch), 1);
    const silk_provenance *prov = silk_batch_provenance(batch, 0);
    assert_string_equal(prov->file, DATA "population.csv");
    assert_string_equal(prov->sha256, "28fd26c7f4fe0ceb8d9f575f6800c1dcc856ba1"
                                      "b8f9cc35298a34c5539768aae");
    assert_int_equal(prov->rows, 7);
    silk_batch_free(batch);
}

/* Rule 2 with a country table: pseudo-codes resolve to their ISO form. */
static void test_population_with_countries(void **state)
{
    static const char *const origins[] = {"AFG", "AUT", "IRQ", "UNK", "XXA",
                                          NULL};
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(DATA "population.csv", countries, NULL, batch,
                               &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 7);
    silk_cube *cube = cube_of(batch, "refugees");
    expect_axis(cube->origin, cube->n_origin, origins);
    silk_cube_free(cube);
    expect_cell(batch, "refugees", "UNK", "PAK", 1963, 40, 0);
    expect_cell(batch, "asylum_seekers", "XXA", "IRQ", 1970, 221, 0);
    expect_cell(batch, "asylum_seekers", "AUT", "AUS", 2023, 7, 0);
    silk_batch_free(batch);
}

/* Rule 1: --indicator prefixes every column's name. */
static void test_prefix(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *file = write_text(
        "solutions.csv",
        "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,returned_refugees,"
        "resettlement,naturalisation,returned_idps\n"
        "2023,Afghanistan,AFG,AFG,Iran (Islamic Rep. of),IRN,IRN,516,,,\n"
        "2024,Afghanistan,AFG,AFG,Iran (Islamic Rep. of),IRN,IRN,237452,,,\n");

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(file, NULL, "solutions", batch, &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 2);
    assert_int_equal(silk_batch_indicator_count(batch), 4);
    expect_cell(batch, "solutions.returned_refugees", "AFG", "IRN", 2023,
                 516, 0);
    expect_cell(batch, "solutions.returned_refugees", "AFG", "IRN", 2024,
                 237452, 0);
    expect_cell(batch, "solutions.resettlement", "AFG", "IRN", 2024, NAN, 0);
    expect_cell(batch, "solutions.naturalisation", "AFG", "IRN", 2024, NAN,
                 0);
    expect_cell(batch, "solutions.returned_idps", "AFG", "IRN", 2023, NAN, 0);
    silk_batch_free(batch);
}

/* Rule 1: without --indicator, the tables that reuse column names get
 * names that keep them apart. */
static void test_table_names(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    char solutions[256], flows[256], idmc[256], unrwa[256], other[256];
    /* write_text returns one static buffer: copy each path */
    snprintf(solutions, sizeof solutions, "%s", write_text(
        "solutions-plain.csv",
        "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,returned_refugees,"
        "resettlement,naturalisation,returned_idps\n"
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,558359,,,\n"));
    snprintf(flows, sizeof flows, "%s", write_text(
        "flows.csv",
        "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,"
        "asylum_seekers,refugee_like,oip\n"
        "2024,Afghanistan,AFG,AFG,Germany,GFR,DEU,,12345,,\n"));
    snprintf(idmc, sizeof idmc, "%s", write_text(
        "idmc.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,total\n"
                    "2024,Afghanistan,AFG,AFG,Afghanistan,AFG,AFG,4000000\n"
                    "2024,Unknown,UKN,UNK,Unknown,UKN,UNK,70000000\n"));
    snprintf(unrwa, sizeof unrwa, "%s", write_text(
        "unrwa.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,total\n"
                     "1952,Palestinian,GAZ,PSE,Lebanon,LEB,LBN,103137\n"
                     "1952,Palestinian,GAZ,PSE,Jordan,JOR,JOR,200000\n"));
    snprintf(other, sizeof other, "%s", write_text(
        "other.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,total\n"
                     "2024,Afghanistan,AFG,AFG,Afghanistan,AFG,AFG,4000000\n"
                     "2024,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,400\n"));

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(solutions, NULL, NULL, batch, &rows, &err),
                     SILK_OK);
    expect_cell(batch, "refugee_returns", "AFG", "PAK", 2025, 558359, 0);
    expect_cell(batch, "idp_returns", "AFG", "PAK", 2025, NAN, 0);
    expect_cell(batch, "resettlement", "AFG", "PAK", 2025, NAN, 0);
    assert_int_equal(read_file(flows, NULL, NULL, batch, &rows, &err),
                     SILK_OK);
    expect_cell(batch, "flows.asylum_seekers", "AFG", "DEU", 2024, 12345, 0);
    expect_cell(batch, "flows.refugees", "AFG", "DEU", 2024, NAN, 0);
    /* a lone total is named by its rows: origin = asylum everywhere is
     * IDMC's, origin PSE everywhere UNRWA's; --indicator names it whole */
    assert_int_equal(read_file(idmc, NULL, NULL, batch, &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 2);
    expect_cell(batch, "idps_idmc", "AFG", "AFG", 2024, 4000000, 0);
    expect_cell(batch, "idps_idmc", "UNK", "UNK", 2024, 70000000, 0);
    assert_int_equal(read_file(unrwa, NULL, NULL, batch, &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 2);
    expect_cell(batch, "unrwa_refugees", "PSE", "LBN", 1952, 103137, 0);
    expect_cell(batch, "unrwa_refugees", "PSE", "JOR", 1952, 200000, 0);
    assert_int_equal(read_file(idmc, NULL, "conflict_idps", batch, &rows,
                               &err), SILK_OK);
    expect_cell(batch, "conflict_idps", "AFG", "AFG", 2024, 4000000, 0);
    silk_batch_free(batch);
    expect_failure(other, NULL, SILK_EPARSE,
                   ":1:8: the only count column is 'total', and the rows are "
                   "neither IDMC's (origin = country of asylum in every row) "
                   "nor UNRWA's (every origin PSE); expected --indicator NAME "
                   "to name it");
}

/* Rule 2: an empty *_iso (UNHCR's Tibetan row) needs the table, and is
 * resolved by UNHCR's code. */
static void test_empty_iso(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(DATA "empty_iso.csv", countries, NULL, batch,
                               &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 2);
    expect_cell(batch, "refugees", "TIB", "NPL", 1964, 7000, 0);
    /* UNHCR's AUS is Austria, though ISO's AUS is Australia */
    expect_cell(batch, "refugees", "AFG", "AUT", 2023, 41456, 0);
    silk_batch_free(batch);

    expect_failure(DATA "empty_iso.csv", NULL, SILK_EPARSE,
                   ":2:4: empty code in column 'coo_iso' (UNHCR code 'TIB' in "
                   "column 'coo'); expected an ISO code, or a country table "
                   "(--countries) to resolve UNHCR's code");
}

/* Rule 2: UNHCR's CHI is China, but CHI is the World Bank's Channel
 * Islands in the country table (as in datasets/countries.csv), which the
 * resolver reads first; an empty coo_iso with coo CHI is China. */
static void test_empty_iso_china(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    const char *code = NULL;
    uint64_t rows = 0;

    (void)state;
    /* without the translation CHI would be the Channel Islands */
    assert_int_equal(silk_countries_resolve(countries, "CHI", 3, &code, &err),
                     SILK_OK);
    assert_string_equal(code, "CHI");
    assert_string_equal(silk_countries_unhcr_code(countries, "CHN"), "CHI");

    const char *file = write_text(
        "china.csv",
        HEADER "2024,China,CHI,,Nepal,NEP,NPL,120,0,0,0,0,0,0,,0\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (read_file(file, countries, NULL, batch, &rows, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, 1);
    expect_cell(batch, "refugees", "CHN", "NPL", 2024, 120, 0);
    silk_cube *cube = cube_of(batch, "refugees");
    assert_int_equal(silk_cube_find_origin(cube, "CHI"), (size_t)-1);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,12a,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:8: '12a' in column 'refugees' is not a number; expected a whole "
        "number of persons, '*' (redacted) or an empty field for missing");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,1 200,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:8: '1 200' in column 'refugees' is not a number; expected a whole "
        "number of persons, '*' (redacted) or an empty field for missing");
    /* "NA" is no gap in a count column (rule 6) */
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,0,0,0,0,0,NA,0",
        SILK_EPARSE,
        ":2:15: 'NA' in column 'oip' is not a number; expected a whole "
        "number of persons, '*' (redacted) or an empty field for missing");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,-5,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:9: '-5' in column 'asylum_seekers' is negative; expected a whole "
        "number of persons");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,12.5,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:10: '12.5' in column 'returned_refugees' is not a whole number; "
        "expected a whole number of persons");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,0,0,0,0,0,,1e999",
        SILK_EPARSE,
        ":2:16: '1e999' in column 'hst' is out of range; expected a whole "
        "number of persons");
}

static void test_bad_keys(void **state)
{
    (void)state;
    expect_row_failure(
        "2025-07,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:1: '2025-07' in column 'year' is not a year; expected YYYY such "
        "as 2024");
    expect_row_failure(
        "20x5,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:1: '20x5' in column 'year' is not a year; expected YYYY such as "
        "2024");
    expect_row_failure(
        "2025,Afghanistan,AFG,Af,Pakistan,PAK,PAK,0,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:4: 'Af' in column 'coo_iso' is not a country code; expected "
        "three capital letters such as AFG, or an empty field with UNHCR's "
        "code in column 'coo' and a country table");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK ,0,0,0,0,0,0,0,,0",
        SILK_EPARSE,
        ":2:7: 'PAK ' in column 'coa_iso' is not a country code; expected "
        "three capital letters such as AFG, or an empty field with UNHCR's "
        "code in column 'coa' and a country table");
    expect_row_failure(
        "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,0,0,0,0,0,0,0,0",
        SILK_EPARSE,
        ":2:16: line 2 has 15 fields; expected 16 as in the header");
}

/* With a table, a code it does not know is an error with suggestions. */
static void test_unknown_code(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    char expected[SILK_MESSAGE_MAX];
    const char *file = write_text(
        "unknown.csv",
        HEADER "2025,Afghanistan,AFG,AFG,Nowhere,QQQ,QQQ,0,0,0,0,0,0,0,,0\n"
               "1964,Tibetan,TIB,,Nepal,NEP,NPL,7000,0,0,0,0,0,0,,0\n");

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected,
             "%s:2:7: unknown country 'QQQ'; closest known: ", file);
    assert_int_equal(read_file(file, countries, NULL, batch, &rows, &err),
                     SILK_ENOTFOUND);
    assert_memory_equal(err.message, expected, strlen(expected));
    silk_batch_free(batch);

    /* an empty *_iso whose UNHCR code the table lacks: coo's position */
    file = write_text(
        "unknown.csv",
        HEADER "1964,Tibetan,TBT,,Nepal,NEP,NPL,7000,0,0,0,0,0,0,,0\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected,
             "%s:2:3: unknown country 'TBT'; closest known: ", file);
    assert_int_equal(read_file(file, countries, NULL, batch, &rows, &err),
                     SILK_ENOTFOUND);
    assert_memory_equal(err.message, expected, strlen(expected));
    silk_batch_free(batch);
}

#define ASYLUM_HEADER                                                       \
    "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,procedure_type,"       \
    "app_type,dec_level,app_pc,applied\n"

/* The value of one category's cell in cube's detail (NaN if absent). */
static double detail_cell(const silk_cube *cube, const char *origin,
                          const char *destination, const char *category,
                          int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    const silk_detail *d = cube->detail;
    size_t o = silk_cube_find_origin(cube, origin);
    size_t t = silk_cube_find_period(cube, p);
    size_t dd = silk_cube_find_destination(cube, destination);

    assert_non_null(d);
    for (size_t s = 0; s < d->n_series; s++)
        if (d->origin[s] == o && d->destination[s] == dd &&
            strcmp(d->category[d->category_of[s]], category) == 0)
            return d->value[s * cube->n_period + t];
    return NAN;
}

/* Rule 6: categorical tables keep their rows by category; the plain value
 * is their sum (worked by hand below); NA is a code. */
static void test_categorical(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *file = write_text(
        "asylum.csv", ASYLUM_HEADER
        "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,A,AR,C,14\n"
        "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,N,NA,P,21\n"
        "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,U,N,FI,P,5\n"
        "2007,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,N,NA,P,30\n"
        "2006,Iraq,IRQ,IRQ,Australia,AUL,AUS,G,N,NA,P,7\n");

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (read_file(file, NULL, NULL, batch, &rows, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, 5);
    assert_int_equal(silk_batch_indicator_count(batch), 1);
    /* 14 + 21 + 5 = 40 in 2006; 30 in 2007 */
    expect_cell(batch, "applied", "AFG", "AUS", 2006, 40, 0);
    expect_cell(batch, "applied", "AFG", "AUS", 2007, 30, 0);
    expect_cell(batch, "applied", "IRQ", "AUS", 2006, 7, 0);
    silk_cube *cube = cube_of(batch, "applied");
    const silk_detail *d = cube->detail;
    assert_non_null(d);
    assert_int_equal(d->n_column, 4);
    assert_string_equal(d->column[0], "procedure_type");
    assert_string_equal(d->column[3], "app_pc");
    /* three distinct tuples, sorted; four (origin, category) series */
    assert_int_equal(d->n_category, 3);
    assert_string_equal(d->category[0], "G\x1f" "A\x1f" "AR\x1f" "C");
    assert_string_equal(d->category[1], "G\x1f" "N\x1f" "NA\x1f" "P");
    assert_string_equal(d->category[2], "U\x1f" "N\x1f" "FI\x1f" "P");
    assert_int_equal(d->n_series, 4);
    assert_true(detail_cell(cube, "AFG", "AUS", "G\x1fN\x1fNA\x1fP", 2006) ==
                21);
    assert_true(detail_cell(cube, "AFG", "AUS", "G\x1fN\x1fNA\x1fP", 2007) ==
                30);
    assert_true(isnan(detail_cell(cube, "AFG", "AUS", "U\x1f" "N\x1f" "FI\x1f" "P",
                                  2007)));

    /* --where dec_level=NA,FI: 21 + 5 = 26 in 2006 */
    const char *levels[] = {"NA", "FI"};
    silk_where where = {"dec_level", levels, 2};
    silk_cube *selected = NULL;
    assert_int_equal(silk_cube_select(cube, &where, 1, &selected, &err),
                     SILK_OK);
    size_t i = cell_index(selected, "AFG", "AUS", 2006);
    assert_true(selected->value[i] == 26);
    assert_null(selected->detail);
    silk_cube_free(selected);
    silk_cube_free(cube);
    silk_batch_free(batch);

    /* an empty category is an error at its column; a duplicate key names
     * the category */
    expect_failure(write_text("empty-cat.csv", ASYLUM_HEADER
                              "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,"
                              ",AR,C,14\n"),
                   NULL, SILK_EPARSE,
                   ":2:9: '' in column 'app_type' is empty; expected a code "
                   "(UNHCR writes every one; \"NA\" is a code too)");
    expect_failure(write_text("dup-cat.csv", ASYLUM_HEADER
                              "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,"
                              "N,NA,P,14\n"
                              "2006,Afghanistan,AFG,AFG,Australia,AUL,AUS,G,"
                              "N,NA,P,15\n"),
                   NULL, SILK_ECONFLICT,
                   ":3:12: duplicate key (applied, AFG, AUS, [G, N, NA, P], "
                   "2006) with a different value than on line 2; expected "
                   "each key once per file");
}

/* The demographics table: every count prefixed "demographics.". */
static void test_demographics(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *file = write_text(
        "demographics.csv",
        "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,pop_type,location,"
        "loc_type,acc_type,f_total,m_total,total\n"
        "2025,Afghanistan,AFG,AFG,Iran,IRN,IRN,REF,Tehran [Admin 1],U,I,"
        "10,12,22\n"
        "2025,Afghanistan,AFG,AFG,Iran,IRN,IRN,REF,\"Dispersed in the "
        "country / territory\",V,I,100,120,220\n"
        "2025,Afghanistan,AFG,AFG,Iran,IRN,IRN,OIP,Tehran [Admin 1],U,I,"
        "1,2,3\n");

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (read_file(file, NULL, NULL, batch, &rows, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(silk_batch_indicator_count(batch), 3);
    assert_string_equal(silk_batch_indicator_name(batch, 0),
                        "demographics.f_total");
    /* 22 + 220 + 3 */
    expect_cell(batch, "demographics.total", "AFG", "IRN", 2025, 245, 0);
    silk_cube *cube = cube_of(batch, "demographics.total");
    const char *types[] = {"REF"};
    silk_where where = {"pop_type", types, 1};
    silk_cube *selected = NULL;
    assert_int_equal(silk_cube_select(cube, &where, 1, &selected, &err),
                     SILK_OK);
    assert_true(selected->value[cell_index(selected, "AFG", "IRN", 2025)] ==
                242);
    silk_cube_free(selected);
    silk_cube_free(cube);
    silk_batch_free(batch);
}

static void test_bad_header(void **state)
{
    (void)state;
    expect_failure(
        write_text("h.csv", "year,coo_name,coo,coo_iso,coa_name,coa,"
                            "refugees\n"),
        NULL, SILK_EPARSE,
        ":1:1: the header lacks the column 'coa_iso'; expected year, "
        "coo_name, coo, coo_iso, coa_name, coa, coa_iso and count columns");
    expect_failure(
        write_text("h.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso\n"),
        NULL, SILK_EPARSE,
        ":1:1: the header has no count column; " COUNT_TABLES);
    expect_failure(
        write_text("h.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,"
                            "total,total\n"),
        NULL, SILK_EPARSE,
        ":1:9: duplicate column 'total' (also column 8); expected each "
        "column once");
    expect_failure(
        write_text("h.csv", "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,"
                            "new arrivals\n"),
        NULL, SILK_EPARSE,
        ":1:8: count column 'new arrivals' does not make a valid indicator "
        "name; expected 1-64 letters, digits, '_', '.' or '-' in all");
    expect_failure(write_text("h.csv", ""), NULL, SILK_EPARSE,
                   ":1:1: empty file; expected a header row starting year, "
                   "coo_name, coo, coo_iso, coa_name, coa, coa_iso");
}

/* A second, different value for one cell: the batch's conflict, placed. */
static void test_conflict(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *file = write_text(
        "twice.csv",
        HEADER "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,10,0,0,0,0,0,0,,0\n"
               "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,10,0,0,0,0,0,0,,0\n"
               "2025,Afghanistan,AFG,AFG,Pakistan,PAK,PAK,11,0,0,0,0,0,0,,0\n");
    char expected[320];

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(read_file(file, NULL, NULL, batch, &rows, &err),
                     SILK_ECONFLICT);
    snprintf(expected, sizeof expected, "%s:4:8: ", file);
    assert_memory_equal(err.message, expected, strlen(expected));
    silk_batch_free(batch);
}

static void sniff_header(silk_sniff *sniff, char *header)
{
    memset(sniff, 0, sizeof *sniff);
    sniff->n_records = 1;
    for (char *p = strtok(header, ","); p != NULL; p = strtok(NULL, ","))
        sniff->record[0].field[sniff->record[0].n_stored++] = p;
    sniff->record[0].n_fields = sniff->record[0].n_stored;
    sniff->record[0].line = 1;
}

static void test_detect(void **state)
{
    silk_sniff sniff;
    char population[] = "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,"
                        "refugees,oip";
    char asylum[] = "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,"
                    "procedure_type,applied";
    char partial[] = "year,coo_name,coo,coo_iso,coa_name,coa,total";
    char tidy[] = "indicator,origin,destination,period,value";

    (void)state;
    sniff_header(&sniff, population);
    assert_int_equal(silk_format_unhcr.detect(&sniff), 100);
    sniff_header(&sniff, asylum);
    assert_int_equal(silk_format_unhcr.detect(&sniff), 100);
    sniff_header(&sniff, partial);
    assert_int_equal(silk_format_unhcr.detect(&sniff), 0);
    sniff_header(&sniff, tidy);
    assert_int_equal(silk_format_unhcr.detect(&sniff), 0);
    memset(&sniff, 0, sizeof sniff);
    assert_int_equal(silk_format_unhcr.detect(&sniff), 0);
    assert_string_equal(silk_format_unhcr.name, "unhcr");
}

/* MANIFEST 1a and 1d check values on the real tables. */
static void test_real_tables(void **state)
{
    silk_batch *batch = NULL;
    silk_countries *table = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    if (access(SHARED "unhcr_population.csv", R_OK) != 0 ||
        access(SHARED "unhcr_solutions.csv", R_OK) != 0)
        skip();
    /* the real table when it loads, to check every code resolves too */
    if (silk_countries_load(SHARED "countries.csv", NULL, &table, &err) !=
            SILK_OK &&
        silk_countries_load("datasets/countries.csv", NULL, &table, &err) !=
            SILK_OK)
        table = NULL;
    for (int pass = 0; pass < (table ? 2 : 1); pass++) {
        const silk_countries *with = pass ? table : NULL;
        assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
        if (read_file(SHARED "unhcr_population.csv", with, NULL, batch, &rows,
                      &err) != SILK_OK)
            fail_msg("%s", err.message);
        assert_int_equal(rows, 138893);
        assert_int_equal(silk_batch_indicator_count(batch), 9);
        expect_cell(batch, "refugees", "AFG", "IRN", 2024, 3477082, 0);
        expect_cell(batch, "refugees", "AFG", "IRN", 2025, 758339, 0);
        expect_cell(batch, "oip", "AFG", "IRN", 2025, 879500, 0);
        expect_cell(batch, "oip", "AFG", "IRN", 2024, NAN, 0);
        if (read_file(SHARED "unhcr_solutions.csv", with, "solutions", batch,
                      &rows, &err) != SILK_OK)
            fail_msg("%s", err.message);
        assert_int_equal(rows, 21258);
        expect_cell(batch, "solutions.returned_refugees", "AFG", "IRN", 2023,
                     516, 0);
        expect_cell(batch, "solutions.returned_refugees", "AFG", "IRN", 2024,
                     237452, 0);
        expect_cell(batch, "solutions.returned_refugees", "AFG", "IRN", 2025,
                     1386970, 0);
        expect_cell(batch, "solutions.returned_refugees", "AFG", "PAK", 2025,
                     558359, 0);
        assert_int_equal(silk_batch_provenance_count(batch), 2);
        silk_batch_free(batch);
    }
    /* MANIFEST 1c: Afghan decisions in 2024 summed over every asylum
     * country and category: recognized 83,221, other 26,626, rejected
     * 23,036, closed 28,757, total 161,640 */
    static const struct {
        const char *name;
        double sum;
    } decisions[] = {{"dec_recognized", 83221}, {"dec_other", 26626},
                     {"dec_rejected", 23036},   {"dec_closed", 28757},
                     {"dec_total", 161640}};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (read_file(SHARED "unhcr_asylum_decisions.csv", table, NULL, batch,
                  &rows, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, 113929);
    for (size_t k = 0; k < 5; k++) {
        silk_cube *cube = cube_of(batch, decisions[k].name);
        silk_period y2024 = {SILK_FREQ_ANNUAL, 2024, 0};
        size_t o = silk_cube_find_origin(cube, "AFG");
        size_t t = silk_cube_find_period(cube, y2024);
        double sum = 0;
        for (size_t dd = 0; dd < cube->n_destination; dd++) {
            double v = cube->value[silk_cube_index(cube, o, dd, t)];
            if (!isnan(v))
                sum += v;
        }
        assert_true(sum == decisions[k].sum);
        silk_cube_free(cube);
    }
    silk_batch_free(batch);
    silk_countries_free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_population),
        cmocka_unit_test(test_population_with_countries),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_table_names),
        cmocka_unit_test(test_empty_iso),
        cmocka_unit_test(test_empty_iso_china),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_unknown_code),
        cmocka_unit_test(test_categorical),
        cmocka_unit_test(test_demographics),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_real_tables),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
