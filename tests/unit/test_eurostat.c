/*
 * test_eurostat.c: the Eurostat TSV format (src/ingest/eurostat.c) and
 * the ISO2 look-up it needs (silk_countries_resolve_iso2).  Comments cite
 * the numbered rules of eurostat.c's header.
 *
 * Fixtures in tests/data/eurostat/ are written by hand in the layout of
 * Eurostat's migr_asyappctza (annual) and migr_asyappctzm (quarterly,
 * with the older 2023Q1 labels, `\time` and CRLF) downloads: trailing
 * spaces after periods and values, flags p, e, b, c and ':' as Eurostat
 * writes them.  The figures are plausible, not copied: the tests check
 * that each cell arrives where the layout puts it.  The country table is
 * the project's datasets/countries.csv.  Eurostat's own codes (rule 6)
 * are those of the citizenship and geo code lists of migr_asyappctza,
 * migr_asydcfsta, migr_eiord and migr_eirtn.  Run from the repository
 * root.
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

#define DATA "tests/data/eurostat/"
#define ANNUAL DATA "migr_asyappctza.tsv"
#define QUARTERLY DATA "migr_asyappctzm_q.tsv"
#define HEADER4 "freq,unit,citizen,geo\\TIME_PERIOD"

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

static silk_batch *read_ok(const char *file, const silk_ingest_options *opt,
                           uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_format_eurostat.read(file, opt, 0, batch, &rows, &err) != SILK_OK)
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
    assert_int_equal(silk_format_eurostat.read(file, opt, 0, batch, &rows,
                                               &err),
                     code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

/* The set cell (origin, destination, period): value (NaN = missing) and
 * flags as letters. */
static void expect_cell(const silk_cube *cube, const char *origin,
                        const char *destination, silk_period p, double value,
                        const char *flags)
{
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t = silk_cube_find_period(cube, p);
    char letters[SILK_FLAGS_TEXT_MAX];

    if (o == (size_t)-1 || d == (size_t)-1 || t == (size_t)-1)
        fail_msg("no cell %s %s in %s", origin, destination, cube->indicator);
    size_t i = silk_cube_index(cube, o, d, t);
    assert_non_null(cube->set);
    assert_true(cube->set[i]);
    if (isnan(value)) {
        if (!isnan(cube->value[i]))
            fail_msg("%s %s: %.17g, expected NaN", origin, destination,
                     cube->value[i]);
    } else if (cube->value[i] != value) {
        fail_msg("%s %s: %.17g, expected %.17g", origin, destination,
                 cube->value[i], value);
    }
    silk_flags_format(cube->flags[i], letters);
    assert_string_equal(letters, flags);
}

static silk_period year(int y)
{
    return (silk_period){SILK_FREQ_ANNUAL, y, 0};
}

static silk_period quarter(int y, int q)
{
    return (silk_period){SILK_FREQ_QUARTERLY, y, q};
}

static void expect_axis(char *const *axis, size_t n, const char *const *codes,
                        size_t n_codes)
{
    assert_int_equal(n, n_codes);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(axis[i], codes[i]);
}

/* ---- silk_countries_resolve_iso2 ------------------------------------- */

static void test_iso2(void **state)
{
    const char *iso3 = NULL;

    (void)state;
    assert_int_equal(silk_countries_resolve_iso2(countries, "AF", &iso3),
                     SILK_OK);
    assert_string_equal(iso3, "AFG");
    assert_int_equal(silk_countries_resolve_iso2(countries, "DE", &iso3),
                     SILK_OK);
    assert_string_equal(iso3, "DEU");
    /* ISO's own codes and Eurostat's exceptions both resolve */
    assert_int_equal(silk_countries_resolve_iso2(countries, "GR", &iso3),
                     SILK_OK);
    assert_string_equal(iso3, "GRC");
    assert_int_equal(silk_countries_resolve_iso2(countries, "EL", &iso3),
                     SILK_OK);
    assert_string_equal(iso3, "GRC");
    assert_int_equal(silk_countries_resolve_iso2(countries, "UK", &iso3),
                     SILK_OK);
    assert_string_equal(iso3, "GBR");
    iso3 = "unchanged";
    assert_int_equal(silk_countries_resolve_iso2(countries, "ZZ", &iso3),
                     SILK_ENOTFOUND);
    assert_int_equal(silk_countries_resolve_iso2(countries, "A", &iso3),
                     SILK_ENOTFOUND);
    assert_int_equal(silk_countries_resolve_iso2(countries, "AFG", &iso3),
                     SILK_ENOTFOUND);
    assert_int_equal(silk_countries_resolve_iso2(countries, "", &iso3),
                     SILK_ENOTFOUND);
    assert_string_equal(iso3, "unchanged");
}

/* ---- good files ----------------------------------------------------- */

/* Rules 3-8 on the annual fixture: asyl_app varies (two names), unit,
 * sex and age do not (dropped); EL -> GRC; EU27_2020 and TOTAL to
 * .aggregates as EUU and QTO; UNK stays with the countries; ': c' and
 * ': ' are NaN with and without a flag; '0 b' is a real zero. */
static void test_annual(void **state)
{
    static const char *const origins[] = {"AFG", "BGD", "IRN",
                                          "IRQ", "PAK", "UNK"};
    static const char *const destinations[] = {"AUT", "DEU", "GRC"};
    static const char *const agg_origins[] = {"AFG", "QTO"};
    static const char *const agg_destinations[] = {"EUU"};
    silk_ingest_options opt = {.indicator = "migr_asyappctza",
                               .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(ANNUAL, &opt, 11);
    assert_int_equal(silk_batch_indicator_count(batch), 3);

    cube = cube_of(batch, "migr_asyappctza.ASY_APP");
    expect_axis(cube->origin, cube->n_origin, origins, 6);
    expect_axis(cube->destination, cube->n_destination, destinations, 3);
    assert_int_equal(cube->n_period, 3);
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source, "Eurostat");
    expect_cell(cube, "AFG", "AUT", year(2021), 8630, "");
    expect_cell(cube, "AFG", "AUT", year(2022), 4770, "");
    expect_cell(cube, "AFG", "AUT", year(2023), 7950, "p");
    expect_cell(cube, "AFG", "DEU", year(2023), 51275, "p");
    expect_cell(cube, "AFG", "GRC", year(2021), 4980, "");
    expect_cell(cube, "AFG", "GRC", year(2023), 3915, "e");
    expect_cell(cube, "BGD", "DEU", year(2021), NAN, "c");
    expect_cell(cube, "BGD", "DEU", year(2022), 155, "");
    expect_cell(cube, "IRQ", "DEU", year(2022), 14855, "");
    expect_cell(cube, "IRN", "AUT", year(2022), 2020, "");
    expect_cell(cube, "IRN", "AUT", year(2023), NAN, "");
    expect_cell(cube, "PAK", "GRC", year(2023), 3755, "");
    expect_cell(cube, "UNK", "DEU", year(2023), 0, "b");
    silk_cube_free(cube);

    cube = cube_of(batch, "migr_asyappctza.NASY_APP");
    assert_int_equal(cube->n_origin, 1);
    assert_int_equal(cube->n_destination, 1);
    expect_cell(cube, "AFG", "DEU", year(2021), 15530, "");
    expect_cell(cube, "AFG", "DEU", year(2022), 35540, "");
    expect_cell(cube, "AFG", "DEU", year(2023), 42745, "p");
    silk_cube_free(cube);

    cube = cube_of(batch, "migr_asyappctza.ASY_APP.aggregates");
    expect_axis(cube->origin, cube->n_origin, agg_origins, 2);
    expect_axis(cube->destination, cube->n_destination, agg_destinations, 1);
    expect_cell(cube, "AFG", "EUU", year(2022), 128655, "");
    expect_cell(cube, "QTO", "EUU", year(2021), 632635, "");
    expect_cell(cube, "QTO", "EUU", year(2023), 1129610, "p");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rules 2 and 4: 2023Q1 labels, `\time`, CRLF; no dimension but the
 * countries varies, so the name is --indicator alone; UK -> GBR. */
static void test_quarterly(void **state)
{
    silk_ingest_options opt = {.indicator = "migr_asyappctzm",
                               .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(QUARTERLY, &opt, 3);
    assert_int_equal(silk_batch_indicator_count(batch), 1);
    cube = cube_of(batch, "migr_asyappctzm");
    assert_int_equal(cube->freq, SILK_FREQ_QUARTERLY);
    assert_int_equal(cube->n_period, 3);
    expect_cell(cube, "AFG", "DEU", quarter(2023, 1), 12965, "");
    expect_cell(cube, "AFG", "DEU", quarter(2023, 3), 13200, "p");
    expect_cell(cube, "IRN", "DEU", quarter(2023, 1), NAN, "c");
    expect_cell(cube, "IRN", "DEU", quarter(2023, 2), 1100, "");
    expect_cell(cube, "PAK", "GBR", quarter(2023, 1), 1010, "e");
    expect_cell(cube, "PAK", "GBR", quarter(2023, 2), NAN, "");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rule 3: without citizen or c_birth, geo is the origin of a
 * country-level value; monthly 2023M01 labels; c_birth as origin. */
static void test_country_level_and_monthly(void **state)
{
    silk_ingest_options opt = {.indicator = "pop", .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(write_text("level.tsv",
                               "freq,unit,geo\\TIME_PERIOD\t2023M01\t2023M02\n"
                               "M,NR,AF\t10\t11\n"
                               "M,NR,EU27_2020\t100\t110 p\n"),
                    &opt, 2);
    cube = cube_of(batch, "pop");
    assert_int_equal(cube->freq, SILK_FREQ_MONTHLY);
    assert_string_equal(cube->unit, "number");
    assert_int_equal(cube->n_destination, 1);
    expect_cell(cube, "AFG", "", (silk_period){SILK_FREQ_MONTHLY, 2023, 2},
                11, "");
    silk_cube_free(cube);
    cube = cube_of(batch, "pop.aggregates");
    expect_cell(cube, "EUU", "", (silk_period){SILK_FREQ_MONTHLY, 2023, 2},
                110, "p");
    silk_cube_free(cube);
    silk_batch_free(batch);

    batch = read_ok(write_text("birth.tsv",
                               "freq,unit,c_birth,geo\\TIME_PERIOD\t2022\n"
                               "A,THS_PER,IQ,AT\t12.5\n"
                               "A,THS_PER,STLS,AT\t0.4\n"),
                    &opt, 2);
    cube = cube_of(batch, "pop");
    assert_string_equal(cube->unit, "thousand persons");
    expect_cell(cube, "IRQ", "AUT", year(2022), 12.5, "");
    expect_cell(cube, "XXA", "AUT", year(2022), 0.4, "");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rule 1 and detection: the first line has more commas than tabs, so
 * the delimiter detected is ',', yet the file is recognised and read
 * with tabs. */
static void test_ingest_file(void **state)
{
    silk_ingest_options opt = {.indicator = "migr_asyappctza",
                               .countries = countries};
    silk_batch *batch = NULL;
    silk_error err = {0};
    const char *format = NULL;
    uint64_t rows = 0;
    char delimiter = 0;

    (void)state;
    assert_int_equal(silk_csv_detect_delimiter(ANNUAL, &delimiter, &err),
                     SILK_OK);
    assert_int_equal(delimiter, ',');
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_ingest_file(ANNUAL, &opt, 0, batch, &rows, &format, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "eurostat");
    assert_int_equal(rows, 11);
    assert_int_equal(silk_batch_indicator_count(batch), 3);
    assert_int_equal(silk_batch_provenance_count(batch), 1);
    assert_int_equal(silk_batch_provenance(batch, 0)->rows, 11);
    silk_batch_free(batch);
}

/* ---- errors --------------------------------------------------------- */

static void test_option_errors(void **state)
{
    silk_ingest_options opt = {.countries = countries};

    (void)state;
    expect_failure(ANNUAL, &opt, SILK_EINVAL,
                   ":1:1: a Eurostat TSV file does not name its dataset; "
                   "expected --indicator NAME such as migr_asyappctza");
    /* the --indicator name is checked once, by silk_ingest_file */
    opt.indicator = "migr asy";
    silk_batch *batch = NULL;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(ANNUAL, &opt, 0, batch, NULL, NULL, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message,
                        "--indicator 'migr asy' is not an indicator name; "
                        "expected 1-64 letters, digits, '_', '.' or '-', not "
                        "starting with '.' or '-'");
    silk_batch_free(batch);
    opt.indicator = "migr_asyappctza";
    opt.countries = NULL;
    expect_failure(ANNUAL, &opt, SILK_EINVAL,
                   ":1:1: Eurostat tables name countries by ISO2 code; "
                   "expected the country table (datasets/countries.csv)");
}

static void test_header_errors(void **state)
{
    silk_ingest_options opt = {.indicator = "x", .countries = countries};
    const char *file;

    (void)state;
    file = write_text("h1.tsv", "freq,unit,citizen,geo\t2023\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:1: 'freq,unit,citizen,geo' is not a Eurostat "
                   "dimension header; expected the dimensions then "
                   "'\\TIME_PERIOD' such as "
                   "'freq,unit,citizen,geo\\TIME_PERIOD', tab-separated");
    file = write_text("h2.tsv", HEADER4 "\t2023\t2023-S1\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:3: '2023-S1' in the header is not a period; expected "
                   "2023, 2023-Q1, 2023Q1, 2023-01 or 2023M01");
    file = write_text("h3.tsv", HEADER4 "\t2023\t2023-Q1\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:3: '2023-Q1' in the header is a quarterly period "
                   "after annual ones; expected one frequency per file");
    file = write_text("h4.tsv", "freq,unit,citizen\\TIME_PERIOD\t2023\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:1: the header has no dimension 'geo'; expected the "
                   "reporting country as 'geo' such as "
                   "'freq,unit,citizen,geo\\TIME_PERIOD'");
    file = write_text("h5.tsv", "freq,,geo\\TIME_PERIOD\t2023\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:1: dimension 2 of the header has no name; expected "
                   "names separated by commas such as "
                   "'freq,unit,citizen,geo'");
    file = write_text("h6.tsv", "freq,geo,geo\\TIME_PERIOD\t2023\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:1: dimension 'geo' is named twice in the header; "
                   "expected each dimension once");
    file = write_text("h7.tsv", HEADER4 "\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:2: the header has no period column; expected periods "
                   "such as 2023, 2023-Q1 or 2023-01 after the dimensions, "
                   "tab-separated");
    file = write_text("h8.tsv", "");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":1:1: empty file; expected a header such as "
                   "'freq,unit,citizen,geo\\TIME_PERIOD' followed by "
                   "periods, tab-separated");
}

static void test_row_errors(void **state)
{
    silk_ingest_options opt = {.indicator = "x", .countries = countries};
    const char *file;

    (void)state;
    /* rule 3: freq must match the periods */
    file = write_text("r1.tsv", HEADER4 "\t2023Q1\nA,PER,AF,DE\t5\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:1: 'A' in column 'freq' does not match the periods; "
                   "expected Q as the quarterly periods of the header");
    /* rule 5 */
    file = write_text("r2.tsv", HEADER4 "\t2023\nA,PER,ZZ,DE\t5\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:1: 'ZZ' in column 'citizen' is not a country of the "
                   "country table; expected an ISO 3166 alpha-2 code such as "
                   "AF (EL for Greece, UK for the United Kingdom)");
    /* rule 6: an unknown code is named, not dropped, with the three
     * closest Eurostat codes by edit distance: EA20 1, then EU28 and EA19
     * 2 (a tie keeps table order), every other code 3 or more */
    file = write_text("r3.tsv", HEADER4 "\t2023\nA,PER,AF,EA21\t5\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:1: 'EA21' in column 'geo' is neither a country nor a "
                   "known Eurostat code; expected an ISO 3166 alpha-2 code "
                   "such as AF or a Eurostat code; closest known: 'EA20' "
                   "(Euro area, 20 countries from 2023), 'EU28' (European "
                   "Union, 28 countries 2013-2020), 'EA19' (Euro area, 19 "
                   "countries 2015-2022)");
    /* EXT_EU27: EXT_EU28 1, then EU28 (four deletions and a
     * substitution) and EXT_EU27_2020 (five insertions) 5 each, in table
     * order; every other code 6 or more */
    file = write_text("r3b.tsv", HEADER4 "\t2023\nA,PER,EXT_EU27,DE\t5\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:1: 'EXT_EU27' in column 'citizen' is neither a "
                   "country nor a known Eurostat code; expected an ISO 3166 "
                   "alpha-2 code such as AF or a Eurostat code; closest "
                   "known: 'EXT_EU28' (Non-EU28 countries), 'EU28' "
                   "(European Union, 28 countries 2013-2020), "
                   "'EXT_EU27_2020' (Non-EU27 countries from 2020)");
    /* rule 7 */
    file = write_text("r4.tsv", HEADER4 "\t2022\t2023\nA,PER,AF,DE\t1\t12x p\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:3: '12x p' in column '2023' is not a value; expected "
                   "a number with optional flags after a space such as 123 "
                   "or 123 p, or ':' for missing (': c' when confidential)");
    file = write_text("r5.tsv", HEADER4 "\t2023\nA,PER,AF,DE\t12 P\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:2: '12 P' in column '2023' is not a value; expected "
                   "a number with optional flags after a space such as 123 "
                   "or 123 p, or ':' for missing (': c' when confidential)");
    file = write_text("r6.tsv", HEADER4 "\t2023\nA,PER,AF\t5\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:1: 'A,PER,AF' has 3 dimension values; expected 4 as "
                   "in the header (freq,unit,citizen,geo\\TIME_PERIOD)");
    file = write_text("r7.tsv", HEADER4 "\t2023\nA,PER,AF,DE\t5\t6\n");
    expect_failure(file, &opt, SILK_EPARSE,
                   ":2:3: line 2 has 3 fields; expected 2 as in the header");
    /* rule 4: the name made of 60 letters and ".ASY_APP" is too long */
    silk_ingest_options longer = {
        .indicator =
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
        .countries = countries};
    file = write_text("r8.tsv",
                      "freq,asyl_app,citizen,geo\\TIME_PERIOD\t2023\n"
                      "A,ASY_APP,AF,DE\t5\nA,NASY_APP,AF,DE\t6\n");
    expect_failure(file, &longer, SILK_EPARSE,
                   ":2:1: the indicator name "
                   "'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
                   "abcdefghij.ASY_APP' made of --indicator and the "
                   "dimensions that vary (rule 4) is not valid; expected "
                   "1-64 letters, digits, '_', '.' or '-' (a shorter "
                   "--indicator, or one file per value of a dimension)");
}

/* With an ingest --check collector, bad rows are recorded and the good
 * ones read. */
static void test_check_collects(void **state)
{
    silk_problems *problems = NULL;
    silk_error err = {0};
    silk_batch *batch = NULL;
    uint64_t rows = 0;
    const char *file;

    (void)state;
    assert_int_equal(silk_problems_alloc(true, &problems, &err), SILK_OK);
    silk_ingest_options opt = {.indicator = "x", .countries = countries,
                               .problems = problems};
    file = write_text("check.tsv", HEADER4 "\t2023\n"
                                   "A,PER,ZZ,DE\t5\n"
                                   "A,PER,AF,DE\t7 p\n"
                                   "A,PER,AF,XX\t5\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(
        silk_format_eurostat.read(file, &opt, 0, batch, &rows, &err), SILK_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(silk_problems_error_count(problems), 2);
    silk_batch_free(batch);
    silk_problems_free(problems);
}

/* Rules 5 and 6, code by code: every Eurostat code that is not ISO 3166
 * alpha-2, the code it becomes, and whether it goes apart.  Each code is
 * also a row of datasets/countries.csv of the same kind, so charts label
 * it and silk_ingest_put agrees on what is an aggregate. */
static void test_codes(void **state)
{
    static const struct {
        const char *eurostat, *code;
        bool aggregate;
    } expected[] = {
        {"EU27_2020", "EUU", true},     {"EU28", "QUA", true},
        {"EU27_2007", "QUB", true},     {"EU27_2020_FOR", "QUC", true},
        {"EU28_FOR", "QUD", true},      {"EA19", "QUE", true},
        {"EA20", "QUF", true},          {"EXT_EU27_2020", "QXE", true},
        {"EXT_EU28", "QXF", true},      {"EFTA", "QNA", true},
        {"UK_OCT", "QNO", true},        {"TOTAL", "QTO", true},
        {"AFR", "QRF", true},           {"AME", "QRM", true},
        {"ASI", "QRS", true},           {"EUR", "QRE", true},
        {"OCE", "QRO", true},           {"UNK", "UNK", false},
        {"STLS", "XXA", false},         {"RNC", "XNC", false},
        {"NRP", "XNR", false},          {"XK", "XKX", false},
    };
    size_t n = sizeof expected / sizeof *expected;
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, HEADER4 "\t2023\n");
    silk_ingest_options opt = {.indicator = "x", .countries = countries};

    (void)state;
    /* value i + 1 for code i, as the citizenship of applicants in Germany */
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "A,PER,%s,DE\t%zu\n", expected[i].eurostat,
                                 i + 1);
    silk_batch *batch = read_ok(write_text("codes.tsv", text), &opt, n);
    silk_cube *apart = cube_of(batch, "x.aggregates");
    silk_cube *kept = cube_of(batch, "x");
    for (size_t i = 0; i < n; i++) {
        const char *code = expected[i].code;
        expect_cell(expected[i].aggregate ? apart : kept, code, "DEU",
                    year(2023), (double)(i + 1), "");
        assert_true(silk_cube_find_origin(expected[i].aggregate ? kept : apart,
                                          code) == (size_t)-1);
        if (silk_countries_name(countries, code) == NULL)
            fail_msg("%s (%s) is not in datasets/countries.csv", code,
                     expected[i].eurostat);
        assert_int_equal(silk_countries_is_aggregate(countries, code),
                         expected[i].aggregate);
    }
    assert_int_equal(apart->n_origin + kept->n_origin, n);
    silk_cube_free(apart);
    silk_cube_free(kept);
    silk_batch_free(batch);
}

/* Rule 6: a known aggregate on the geo side (EA19, EFTA) takes the whole
 * row apart; the same citizenship in a country stays with the countries. */
static void test_aggregate_kept_apart(void **state)
{
    silk_ingest_options opt = {.indicator = "migr_eiord",
                               .countries = countries};
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = read_ok(write_text("apart.tsv",
                               HEADER4 "\t2022\t2023\n"
                               "A,PER,AF,EA19\t41200\t:\n"
                               "A,PER,AF,EFTA\t2570\t2890 p\n"
                               "A,PER,AF,AT\t5440\t6105\n"),
                    &opt, 3);
    assert_int_equal(silk_batch_indicator_count(batch), 2);
    cube = cube_of(batch, "migr_eiord");
    assert_int_equal(cube->n_destination, 1);
    assert_string_equal(cube->destination[0], "AUT");
    expect_cell(cube, "AFG", "AUT", year(2023), 6105, "");
    silk_cube_free(cube);
    cube = cube_of(batch, "migr_eiord.aggregates");
    assert_int_equal(cube->n_destination, 2);
    expect_cell(cube, "AFG", "QNA", year(2023), 2890, "p");
    expect_cell(cube, "AFG", "QUE", year(2022), 41200, "");
    expect_cell(cube, "AFG", "QUE", year(2023), NAN, "");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rule 5: unknown, stateless, recognised non-citizens and no response
 * side by side for one country and year: four codes, no collision. */
static void test_pseudo_codes_side_by_side(void **state)
{
    silk_ingest_options opt = {.indicator = "x", .countries = countries};
    static const char *const origins[] = {"UNK", "XNC", "XNR", "XXA"};

    (void)state;
    silk_batch *batch = read_ok(write_text("pseudo.tsv",
                                           HEADER4 "\t2023\n"
                                           "A,PER,UNK,LV\t10\n"
                                           "A,PER,STLS,LV\t20\n"
                                           "A,PER,RNC,LV\t30\n"
                                           "A,PER,NRP,LV\t40\n"),
                                &opt, 4);
    assert_int_equal(silk_batch_indicator_count(batch), 1);
    silk_cube *cube = cube_of(batch, "x");
    expect_axis(cube->origin, cube->n_origin, origins, 4);
    expect_cell(cube, "UNK", "LVA", year(2023), 10, "");
    expect_cell(cube, "XXA", "LVA", year(2023), 20, "");
    expect_cell(cube, "XNC", "LVA", year(2023), 30, "");
    expect_cell(cube, "XNR", "LVA", year(2023), 40, "");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Rule 7: a flag after a number and a space is kept with the number; two
 * letters are two flags; spaces around the cell do not matter. */
static void test_flag_after_number(void **state)
{
    silk_ingest_options opt = {.indicator = "x", .countries = countries};

    (void)state;
    silk_batch *batch = read_ok(write_text("flags.tsv",
                                           HEADER4 "\t2020\t2021\t2022\t2023\n"
                                           "A,PER,AF,DE\t123 p\t 45 ep \t0 b\t"
                                           ": c\n"),
                                &opt, 1);
    silk_cube *cube = cube_of(batch, "x");
    expect_cell(cube, "AFG", "DEU", year(2020), 123, "p");
    expect_cell(cube, "AFG", "DEU", year(2021), 45, "ep");
    expect_cell(cube, "AFG", "DEU", year(2022), 0, "b");
    expect_cell(cube, "AFG", "DEU", year(2023), NAN, "c");
    silk_cube_free(cube);
    silk_batch_free(batch);
    /* no space between the number and its flag: not a value */
    expect_failure(write_text("flag2.tsv", HEADER4 "\t2023\nA,PER,AF,DE\t123p\n"),
                   &opt, SILK_EPARSE,
                   ":2:2: '123p' in column '2023' is not a value; expected a "
                   "number with optional flags after a space such as 123 or "
                   "123 p, or ':' for missing (': c' when confidential)");
}

static void test_detect(void **state)
{
    silk_sniff sniff;
    char a[] = "freq", b[] = "unit", c[] = "citizen",
         d[] = "geo\\TIME_PERIOD\t2021 \t2022 ";
    char whole[] = "freq,unit,citizen,geo\\time";
    char tidy[] = "indicator";

    (void)state;
    memset(&sniff, 0, sizeof sniff);
    sniff.n_records = 1;
    sniff.record[0].n_fields = sniff.record[0].n_stored = 4;
    sniff.record[0].field[0] = a;
    sniff.record[0].field[1] = b;
    sniff.record[0].field[2] = c;
    sniff.record[0].field[3] = d;
    assert_int_equal(silk_format_eurostat.detect(&sniff), 90);
    sniff.record[0].n_fields = sniff.record[0].n_stored = 1;
    sniff.record[0].field[0] = whole;
    assert_int_equal(silk_format_eurostat.detect(&sniff), 90);
    sniff.record[0].field[0] = tidy;
    assert_int_equal(silk_format_eurostat.detect(&sniff), 0);
    sniff.n_records = 0;
    assert_int_equal(silk_format_eurostat.detect(&sniff), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso2),
        cmocka_unit_test(test_annual),
        cmocka_unit_test(test_quarterly),
        cmocka_unit_test(test_country_level_and_monthly),
        cmocka_unit_test(test_ingest_file),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_row_errors),
        cmocka_unit_test(test_check_collects),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_aggregate_kept_apart),
        cmocka_unit_test(test_pseudo_codes_side_by_side),
        cmocka_unit_test(test_flag_after_number),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
