/*
 * test_wb.c: the World Bank WDI formats (src/ingest/wb.c): wb-long,
 * wb-indicator and wb-wide.  Good files are checked cell by cell through
 * silk_batch_cube; bad ones for their exact message.  Fixtures in
 * tests/data/wb/ are real rows of ../shared/datasets/
 * wb_wdi_migration_indicators.csv (values copied verbatim), except the
 * BGD SM.POP.NETM 2024 row whose value was made ".." to test a gap; the
 * wide fixture is those rows in the layout of the World Bank's API_*.csv
 * download (BOM, preamble, every field quoted, trailing comma).  The real
 * files are read when ../shared/datasets is present (skipped otherwise).
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

extern const silk_format silk_format_wb_long;
extern const silk_format silk_format_wb_indicator;
extern const silk_format silk_format_wb_wide;

#define DATA "tests/data/wb/"
#define SHARED "../shared/datasets/"
#define SOURCE "World Bank, World Development Indicators (CC BY 4.0)"

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

static silk_batch *read_ok(const silk_format *format, const char *file,
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

/* Expects code and the message "<file><suffix>". */
static void expect_failure(const silk_format *format, const char *file,
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

/* The value of the set cell (origin, "", year). */
static double value_of(const silk_cube *cube, const char *origin, int year)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, "");
    size_t t = silk_cube_find_period(cube, p);

    if (o == (size_t)-1 || d == (size_t)-1 || t == (size_t)-1)
        fail_msg("no cell %s %d in %s", origin, year, cube->indicator);
    size_t i = silk_cube_index(cube, o, d, t);
    assert_non_null(cube->set);
    assert_true(cube->set[i]);
    return cube->value[i];
}

static void expect_cell(const silk_batch *batch, const char *indicator,
                        const char *origin, int year, double value,
                        const char *unit)
{
    silk_cube *cube = cube_of(batch, indicator);
    double v = value_of(cube, origin, year);

    if (isnan(value))
        assert_true(isnan(v));
    else if (v != value)
        fail_msg("%s %s %d: %.17g, expected %.17g", indicator, origin, year,
                 v, value);
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    assert_string_equal(cube->unit, unit);
    assert_string_equal(cube->source, SOURCE);
    silk_cube_free(cube);
}

static void expect_origins(const silk_batch *batch, const char *indicator,
                           const char *const *codes, size_t n)
{
    silk_cube *cube = cube_of(batch, indicator);

    assert_int_equal(cube->n_origin, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cube->origin[i], codes[i]);
    assert_int_equal(cube->n_destination, 1);
    assert_string_equal(cube->destination[0], "");
    silk_cube_free(cube);
}

/* ---- good files ----------------------------------------------------- */

/* Quoted names with commas, a curly apostrophe, negative values, an
 * 11-digit integer, "..", and WLD kept apart. */
static void test_long_fixture(void **state)
{
    static const char *const pop[] = {"AFG", "IRN", "PRK"};
    static const char *const netm[] = {"BGD", "CIV", "PAK", "PRK"};
    static const char *const world[] = {"WLD"};
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    silk_batch *batch;

    (void)state;
    batch = read_ok(&silk_format_wb_long, DATA "long.csv", &opt, 11);
    assert_int_equal(silk_batch_indicator_count(batch), 5);
    expect_origins(batch, "SP.POP.TOTL", pop, 3);
    expect_origins(batch, "SM.POP.NETM", netm, 4);
    expect_origins(batch, "SP.POP.TOTL.aggregates", world, 1);
    expect_origins(batch, "BX.TRF.PWKR.CD.DT.aggregates", world, 1);
    expect_cell(batch, "SP.POP.TOTL", "AFG", 2023, 41454761, "persons");
    expect_cell(batch, "SP.POP.TOTL", "AFG", 2024, 42647492, "persons");
    expect_cell(batch, "SP.POP.TOTL", "IRN", 2023, 90608707, "persons");
    expect_cell(batch, "SP.POP.TOTL", "PRK", 2023, 26418204, "persons");
    expect_cell(batch, "SP.POP.TOTL.aggregates", "WLD", 2024, 8140897523.0,
                "persons");
    expect_cell(batch, "SM.POP.NETM", "PAK", 2023, -1619557, "persons");
    expect_cell(batch, "SM.POP.NETM", "PRK", 2023, -1997, "persons");
    expect_cell(batch, "SM.POP.NETM", "CIV", 2023, 6002, "persons");
    expect_cell(batch, "SM.POP.NETM", "BGD", 2024, NAN, "persons");
    expect_cell(batch, "BX.TRF.PWKR.CD.DT", "PAK", 2024, 34914000000.0,
                "current US$");
    expect_cell(batch, "BX.TRF.PWKR.CD.DT.aggregates", "WLD", 2024,
                856609714692.509, "current US$");
    silk_batch_free(batch);
}

/* Without a country table, codes are kept as given and WLD is not known
 * as an aggregate (rule 3). */
static void test_long_without_countries(void **state)
{
    static const char *const pop[] = {"AFG", "IRN", "PRK", "WLD"};
    silk_batch *batch;

    (void)state;
    batch = read_ok(&silk_format_wb_long, DATA "long.csv", NULL, 11);
    assert_int_equal(silk_batch_indicator_count(batch), 3);
    expect_origins(batch, "SP.POP.TOTL", pop, 4);
    expect_cell(batch, "SP.POP.TOTL", "WLD", 2024, 8140897523.0, "persons");
    silk_batch_free(batch);
}

/* Rule 5: --indicator renames a one-code file, keeping the code's unit,
 * and refuses a file with two codes. */
static void test_long_rename(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = "population", .countries = countries};
    silk_batch *batch;
    const char *file = write_text(
        "one.csv", "indicator_code,country_name,country_code,year,value\n"
                   "SP.POP.TOTL,Pakistan,PAK,2024,251269164\n"
                   "SP.POP.TOTL,World,WLD,2024,8140897523\n");

    (void)state;
    batch = read_ok(&silk_format_wb_long, file, &opt, 2);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    expect_cell(batch, "population", "PAK", 2024, 251269164, "persons");
    expect_cell(batch, "population.aggregates", "WLD", 2024, 8140897523.0,
                "persons");
    silk_batch_free(batch);

    expect_failure(&silk_format_wb_long, DATA "long.csv", &opt, SILK_EPARSE,
                   ":7:1: 'SM.POP.NETM' in column 'indicator_code' is a "
                   "second indicator (line 2 has 'SP.POP.TOTL'); expected "
                   "one indicator code in a file read with --indicator, "
                   "which renames it");
    /* an option, not a place in the file: no position; checked once, by
     * silk_ingest_file */
    silk_error err = {0};
    uint64_t rows = 0;
    opt.indicator = ".bad";
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(DATA "long.csv", &opt, 0, batch, &rows,
                                      NULL, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message,
                        "--indicator '.bad' is not an indicator name; "
                        "expected 1-64 letters, digits, '_', '.' or '-', not "
                        "starting with '.' or '-'");
    silk_batch_free(batch);
}

/* The datahub original: CRLF, header names with spaces, one indicator. */
static void test_indicator_crlf(void **state)
{
    static const char *const netm[] = {"IRN", "PAK", "PRK"};
    silk_ingest_options opt = {.format = NULL, .indicator = "SM.POP.NETM", .countries = countries};
    silk_batch *batch;

    (void)state;
    batch = read_ok(&silk_format_wb_indicator, DATA "netm_crlf.csv", &opt, 6);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    expect_origins(batch, "SM.POP.NETM", netm, 3);
    expect_cell(batch, "SM.POP.NETM", "IRN", 2023, 262044, "persons");
    expect_cell(batch, "SM.POP.NETM", "IRN", 2024, 190156, "persons");
    expect_cell(batch, "SM.POP.NETM", "PAK", 2023, -1619557, "persons");
    expect_cell(batch, "SM.POP.NETM", "PAK", 2024, -1401173, "persons");
    expect_cell(batch, "SM.POP.NETM", "PRK", 2023, -1997, "persons");
    expect_cell(batch, "SM.POP.NETM.aggregates", "WLD", 2023, 0, "persons");
    silk_batch_free(batch);

    /* a code silkstat has no unit for: the unit stays empty */
    opt.indicator = "net_migration";
    batch = read_ok(&silk_format_wb_indicator, DATA "netm_crlf.csv", &opt, 6);
    expect_cell(batch, "net_migration", "PAK", 2024, -1401173, "");
    silk_batch_free(batch);
}

static void test_indicator_needs_name(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};

    (void)state;
    expect_failure(&silk_format_wb_indicator, DATA "netm_crlf.csv", &opt,
                   SILK_EINVAL,
                   ":1:1: this World Bank per-indicator file does not name "
                   "its indicator; expected --indicator NAME");
    expect_failure(&silk_format_wb_indicator, DATA "netm_crlf.csv", NULL,
                   SILK_EINVAL,
                   ":1:1: this World Bank per-indicator file does not name "
                   "its indicator; expected --indicator NAME");
}

/* The API_*.csv layout: BOM, preamble, quoted fields, trailing comma;
 * empty cells store nothing (rule 4), so 2020 and 2021 are not periods. */
static void test_wide(void **state)
{
    static const char *const pop[] = {"AFG", "IRN"};
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(&silk_format_wb_wide, DATA "API_wide.csv", &opt, 4);
    assert_int_equal(silk_batch_indicator_count(batch), 3);
    expect_origins(batch, "SP.POP.TOTL", pop, 2);
    cube = cube_of(batch, "SP.POP.TOTL");
    assert_int_equal(cube->n_period, 3);
    assert_int_equal(cube->period[0].year, 2022);
    assert_int_equal(cube->period[2].year, 2024);
    /* IRN has 2023 only: its 2022 and 2024 cells were never put */
    size_t irn = silk_cube_find_origin(cube, "IRN");
    assert_false(cube->set[silk_cube_index(cube, irn, 0, 0)]);
    assert_false(cube->set[silk_cube_index(cube, irn, 0, 2)]);
    silk_cube_free(cube);
    expect_cell(batch, "SP.POP.TOTL", "AFG", 2022, 40578842, "persons");
    expect_cell(batch, "SP.POP.TOTL", "AFG", 2024, 42647492, "persons");
    expect_cell(batch, "SP.POP.TOTL", "IRN", 2023, 90608707, "persons");
    expect_cell(batch, "SM.POP.NETM", "PAK", 2022, -1322625, "persons");
    expect_cell(batch, "SM.POP.NETM", "PAK", 2024, -1401173, "persons");
    expect_cell(batch, "SP.POP.TOTL.aggregates", "WLD", 2023, 8062923417.0,
                "persons");
    silk_batch_free(batch);

    /* two codes: --indicator is refused (rule 5) at the second one */
    opt.indicator = "population";
    expect_failure(&silk_format_wb_wide, DATA "API_wide.csv", &opt,
                   SILK_EPARSE,
                   ":8:4: 'SM.POP.NETM' in column 'Indicator Code' is a "
                   "second indicator (line 6 has 'SP.POP.TOTL'); expected "
                   "one indicator code in a file read with --indicator, "
                   "which renames it");
}

/* ---- errors --------------------------------------------------------- */

#define LONG_HEADER "indicator_code,country_name,country_code,year,value\n"

static void test_long_errors(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    const silk_format *f = &silk_format_wb_long;

    (void)state;
    expect_failure(f, write_text("year.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024,1\n"
                                 "SP.POP.TOTL,Pakistan,PAK,20x4,1\n"),
                   &opt, SILK_EPARSE,
                   ":3:4: '20x4' in column 'year' is not a year; expected "
                   "YYYY such as 2024");
    expect_failure(f, write_text("quarter.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024-Q1,1\n"),
                   &opt, SILK_EPARSE,
                   ":2:4: '2024-Q1' in column 'year' is not a year; expected "
                   "YYYY such as 2024");
    expect_failure(f, write_text("value.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024,\"1,234\"\n"),
                   &opt, SILK_EPARSE,
                   ":2:5: '1,234' in column 'value' is not a number; "
                   "expected a decimal value such as 1234 or -56.5, or '..' "
                   "or an empty field for missing");
    expect_failure(f, write_text("code.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,Pak,2024,1\n"),
                   &opt, SILK_EPARSE,
                   ":2:3: 'Pak' in column 'country_code' is not a country "
                   "code; expected three capital letters such as AFG");
    expect_failure(f, write_text("indicator.csv", LONG_HEADER
                                 "SP POP,Pakistan,PAK,2024,1\n"),
                   &opt, SILK_EPARSE,
                   ":2:1: 'SP POP' in column 'indicator_code' is not an "
                   "indicator code; expected 1-64 letters, digits, '_', '.' "
                   "or '-' such as SP.POP.TOTL");
    /* the resolver's suggestions (countries.c): Levenshtein distance from
     * "pax" to the fixture's folded names and aliases, worked out apart:
     * iran 3, iraq 3, world 5, pakistan 6 (codes are not compared) */
    expect_failure(f, write_text("unknown.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024,1\n"
                                 "SP.POP.TOTL,Pakistan,PAX,2024,1\n"),
                   &opt, SILK_ENOTFOUND,
                   ":3:3: unknown country 'PAX'; closest known: 'Iran "
                   "(Islamic Republic of)' (IRN), 'Iraq' (IRQ), 'World' "
                   "(WLD)");
    expect_failure(f, write_text("fields.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024\n"),
                   &opt, SILK_EPARSE,
                   ":2:5: line 2 has 4 fields; expected 5 as in the header");
    expect_failure(f, write_text("header.csv",
                                 "indicator_code,country_name,country_code,"
                                 "year\nSP.POP.TOTL,Pakistan,PAK,2024\n"),
                   &opt, SILK_EPARSE,
                   ":1:1: the header lacks the column 'value'; expected "
                   "indicator_code, country_name, country_code, year, value");
    expect_failure(f, write_text("extra.csv",
                                 "indicator_code,country_name,country_code,"
                                 "year,value,note\n"),
                   &opt, SILK_EPARSE,
                   ":1:6: unknown column 'note'; expected indicator_code, "
                   "country_name, country_code, year, value");
    expect_failure(f, write_text("empty.csv", ""), &opt, SILK_EPARSE,
                   ":1:1: empty file; expected a header naming "
                   "indicator_code, country_name, country_code, year, value");
    /* one key twice with different values: the batch's message, placed */
    expect_failure(f, write_text("dup.csv", LONG_HEADER
                                 "SP.POP.TOTL,Pakistan,PAK,2024,1\n"
                                 "SP.POP.TOTL,Pakistan,PAK,2024,2\n"),
                   &opt, SILK_ECONFLICT,
                   ":3:5: duplicate key (SP.POP.TOTL, PAK, -, 2024) with a "
                   "different value than on line 2; expected each key once "
                   "per file");
}

static void test_indicator_errors(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = "SM.POP.NETM", .countries = countries};
    const silk_format *f = &silk_format_wb_indicator;

    (void)state;
    expect_failure(f, write_text("value.csv",
                                 "Country Name,Country Code,Year,Value\r\n"
                                 "Pakistan,PAK,2024,n/a\r\n"),
                   &opt, SILK_EPARSE,
                   ":2:4: 'n/a' in column 'Value' is not a number; expected "
                   "a decimal value such as 1234 or -56.5, or '..' or an "
                   "empty field for missing");
    expect_failure(f, write_text("year.csv",
                                 "Country Name,Country Code,Year,Value\r\n"
                                 "Pakistan,PAK,Y2024,1\r\n"),
                   &opt, SILK_EPARSE,
                   ":2:3: 'Y2024' in column 'Year' is not a year; expected "
                   "YYYY such as 2024");
    /* the long file given to the per-indicator format */
    expect_failure(f, DATA "long.csv", &opt, SILK_EPARSE,
                   ":1:1: unknown column 'indicator_code'; expected Country "
                   "Name, Country Code, Year, Value");
}

static void test_wide_errors(void **state)
{
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    const silk_format *f = &silk_format_wb_wide;

    (void)state;
    expect_failure(
        f,
        write_text("value.csv",
                   "\"Data Source\",\"World Development Indicators\",\n\n"
                   "\"Country Name\",\"Country Code\",\"Indicator Name\","
                   "\"Indicator Code\",\"2023\",\"2024\",\n"
                   "\"Pakistan\",\"PAK\",\"Population, total\","
                   "\"SP.POP.TOTL\",\"247504495\",\"2.5e8x\",\n"),
        &opt, SILK_EPARSE,
        ":4:6: '2.5e8x' in column '2024' is not a number; expected a decimal "
        "value such as 1234 or -56.5, or '..' or an empty field for missing");
    expect_failure(
        f,
        write_text("trailing.csv",
                   "Country Name,Country Code,Indicator Name,Indicator Code,"
                   "2024,\nPakistan,PAK,x,SP.POP.TOTL,1,7\n"),
        &opt, SILK_EPARSE,
        ":2:6: '7' in column '' has no year; expected an empty field in a "
        "column without a year in the header");
    expect_failure(
        f,
        write_text("noyear.csv",
                   "Country Name,Country Code,Indicator Name,Indicator Code\n"),
        &opt, SILK_EPARSE,
        ":1:4: the header has no year column; expected Country Name, Country "
        "Code, Indicator Name, Indicator Code and one column per year (1960, "
        "1961, ...)");
    expect_failure(
        f, write_text("preamble.csv", "a\nb\nc\nd\ne\nf\ng\nh\ni\n"), &opt,
        SILK_EPARSE,
        ":8:1: no header among the first 8 records; expected a header naming "
        "Country Name, Country Code, Indicator Name, Indicator Code and one "
        "column per year (1960, 1961, ...)");
}

/* ---- detection ------------------------------------------------------ */

/* A sniff of the given records (fields separated by '|'). */
static void sniff_of(silk_sniff *sniff, const char *const *records, size_t n)
{
    static char storage[SILK_SNIFF_RECORDS][512];

    memset(sniff, 0, sizeof *sniff);
    for (size_t r = 0; r < n; r++) {
        snprintf(storage[r], sizeof storage[r], "%s", records[r]);
        char *p = storage[r];
        size_t k = 0;
        for (;;) {
            sniff->record[r].field[k++] = p;
            p = strchr(p, '|');
            if (p == NULL || k == SILK_SNIFF_FIELDS)
                break;
            *p++ = '\0';
        }
        sniff->record[r].n_stored = sniff->record[r].n_fields = k;
        sniff->record[r].line = r + 1;
    }
    sniff->n_records = n;
}

static void test_detect(void **state)
{
    static const char *const long_header[] = {
        "indicator_code|country_name|country_code|year|value"};
    static const char *const indicator_header[] = {
        "Country Name|Country Code|Year|Value"};
    static const char *const wide[] = {
        "Data Source|World Development Indicators|",
        "Last Updated Date|2025-07-01|",
        "Country Name|Country Code|Indicator Name|Indicator Code|1960|1961|"};
    static const char *const tidy[] = {
        "indicator|origin|destination|period|value"};
    silk_sniff sniff;

    (void)state;
    sniff_of(&sniff, long_header, 1);
    assert_int_equal(silk_format_wb_long.detect(&sniff), 90);
    assert_int_equal(silk_format_wb_indicator.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_wide.detect(&sniff), 0);
    sniff_of(&sniff, indicator_header, 1);
    assert_int_equal(silk_format_wb_long.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_indicator.detect(&sniff), 90);
    assert_int_equal(silk_format_wb_wide.detect(&sniff), 0);
    sniff_of(&sniff, wide, 3);
    assert_int_equal(silk_format_wb_long.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_indicator.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_wide.detect(&sniff), 90);
    sniff_of(&sniff, tidy, 1);
    assert_int_equal(silk_format_wb_long.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_indicator.detect(&sniff), 0);
    assert_int_equal(silk_format_wb_wide.detect(&sniff), 0);
    sniff_of(&sniff, tidy, 0);
    assert_int_equal(silk_format_wb_wide.detect(&sniff), 0);
}

/* Through silk_ingest_file, once ingest.c lists the formats. */
static void test_ingest_file(void **state)
{
    static const char *const files[] = {DATA "long.csv", DATA "netm_crlf.csv",
                                        DATA "API_wide.csv"};
    static const char *const names[] = {"wb-long", "wb-indicator", "wb-wide"};
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = countries};
    size_t found = 0;

    (void)state;
    for (size_t i = 0; i < silk_ingest_format_count(); i++)
        if (strncmp(silk_ingest_format_name(i), "wb-", 3) == 0)
            found++;
    if (found < 3) {
        print_message("# wb formats not yet listed in ingest.c\n");
        skip();
    }
    for (size_t i = 0; i < 3; i++) {
        silk_batch *batch = NULL;
        silk_error err = {0};
        const char *format = NULL;
        uint64_t rows = 0;

        opt.indicator = i == 1 ? "SM.POP.NETM" : NULL;
        assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
        if (silk_ingest_file(files[i], &opt, 0, batch, &rows, &format,
                             &err) != SILK_OK)
            fail_msg("%s", err.message);
        assert_string_equal(format, names[i]);
        silk_batch_free(batch);
    }
}

/* ---- the real files ------------------------------------------------- */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void test_real_files(void **state)
{
    silk_countries *table = NULL;
    silk_error err = {0};
    silk_batch *batch, *netm;
    double start;

    (void)state;
    if (access(SHARED "wb_wdi_migration_indicators.csv", R_OK) != 0 ||
        access(SHARED "wb_sm_pop_netm_datahub_original_crlf.csv", R_OK) != 0) {
        print_message("# " SHARED " absent: real World Bank files skipped\n");
        skip();
    }
    if (silk_countries_load("datasets/countries.csv", NULL, &table, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    silk_ingest_options opt = {.format = NULL, .indicator = NULL, .countries = table};

    start = seconds();
    batch = read_ok(&silk_format_wb_long,
                    SHARED "wb_wdi_migration_indicators.csv", &opt, 87275);
    print_message("# wb-long: 87,275 rows in %.0f ms\n",
                  (seconds() - start) * 1e3);
    /* MANIFEST 2a; AFG from the file's line "SP.POP.TOTL,Afghanistan,AFG,
     * 2024,42647492" */
    expect_cell(batch, "BX.TRF.PWKR.CD.DT", "PAK", 2024, 34914000000.0,
                "current US$");
    expect_cell(batch, "SP.POP.TOTL", "AFG", 2024, 42647492, "persons");
    expect_cell(batch, "SP.POP.TOTL.aggregates", "WLD", 2024, 8140897523.0,
                "persons");
    silk_cube *pop = cube_of(batch, "SP.POP.TOTL");
    assert_int_equal(silk_cube_find_origin(pop, "WLD"), (size_t)-1);
    silk_cube_free(pop);

    opt.indicator = "SM.POP.NETM";
    start = seconds();
    netm = read_ok(&silk_format_wb_indicator,
                   SHARED "wb_sm_pop_netm_datahub_original_crlf.csv", &opt,
                   17424);
    print_message("# wb-indicator: 17,424 rows in %.0f ms\n",
                  (seconds() - start) * 1e3);
    /* MANIFEST 2b: the same values as the long file's SM.POP.NETM */
    silk_cube *a = cube_of(batch, "SM.POP.NETM");
    silk_cube *b = cube_of(netm, "SM.POP.NETM");
    size_t pa = silk_cube_find_origin(a, "PAK");
    size_t pb = silk_cube_find_origin(b, "PAK");
    assert_true(pa != (size_t)-1 && pb != (size_t)-1);
    assert_int_equal(a->n_period, b->n_period);
    assert_int_equal(a->n_period, 66); /* 1960-2025 */
    for (size_t t = 0; t < a->n_period; t++) {
        assert_int_equal(a->period[t].year, b->period[t].year);
        assert_true(a->value[silk_cube_index(a, pa, 0, t)] ==
                    b->value[silk_cube_index(b, pb, 0, t)]);
    }
    silk_cube_free(a);
    silk_cube_free(b);
    silk_batch_free(netm);
    silk_batch_free(batch);
    silk_countries_free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_fixture),
        cmocka_unit_test(test_long_without_countries),
        cmocka_unit_test(test_long_rename),
        cmocka_unit_test(test_indicator_crlf),
        cmocka_unit_test(test_indicator_needs_name),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_long_errors),
        cmocka_unit_test(test_indicator_errors),
        cmocka_unit_test(test_wide_errors),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_ingest_file),
        cmocka_unit_test(test_real_files),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
