/*
 * test_ingest.c: the tidy CSV reader (src/ingest).  Good files are checked
 * cell by cell through silk_batch_cube; every bad file is checked for its
 * exact message, "FILE:LINE:COLUMN: ..." with COLUMN the field number.
 * Fixtures: tests/data/ingest/ (run from the repository root, as
 * tests/run.sh does) and files written into a temporary folder.
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

/* Ingests file, expects failure with code and the message
 * "<file><suffix>". */
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

static void expect_failure(const char *file, int code, const char *suffix)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char expected[SILK_MESSAGE_MAX];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", file, suffix);
    assert_int_equal(silk_ingest_tidy(file, 0, batch, &rows, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, expected);
    silk_batch_free(batch);
}

/* The same with the file written from text first. */
static void expect_text_failure(const char *text, int code, const char *suffix)
{
    expect_failure(write_text("bad.csv", text), code, suffix);
}

#define HEADER "indicator,origin,destination,period,value\n"

static silk_batch *ingest_ok(const char *file, uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    int status;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    status = silk_ingest_tidy(file, 0, batch, &rows, &err);
    if (status != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, expected_rows);
    return batch;
}

/* Index of the cell (origin, destination, period) that must be set. */
static size_t cell(const silk_cube *cube, const char *origin,
                   const char *destination, const char *period_text)
{
    silk_period period;
    size_t o, d, p, i;

    assert_int_equal(
        silk_period_parse(period_text, strlen(period_text), &period),
        SILK_OK);
    o = silk_cube_find_origin(cube, origin);
    d = silk_cube_find_destination(cube, destination);
    p = silk_cube_find_period(cube, period);
    assert_true(o != (size_t)-1 && d != (size_t)-1 && p != (size_t)-1);
    i = silk_cube_index(cube, o, d, p);
    assert_non_null(cube->set);
    assert_true(cube->set[i]);
    return i;
}

/* ---- good files ----------------------------------------------------- */

static void test_fixture_bom_crlf_quotes(void **state)
{
    const char *file = "tests/data/ingest/good.csv";
    silk_batch *batch;
    silk_cube *cube;
    const silk_provenance *prov;

    (void)state;
    /* BOM, CRLF, header names in any case with spaces, quoted commas and
     * quotes, a blank line, a line of empty fields, no final newline */
    batch = ingest_ok(file, 5);
    cube = cube_of(batch, "refugees");
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    assert_true(cube->value[cell(cube, "AFG", "IRN", "2024")] == 3477082.0);
    assert_int_equal(cube->flags[cell(cube, "AFG", "IRN", "2024")], 0);
    assert_true(cube->value[cell(cube, "AFG", "IRN", "2025")] == 758339.0);
    assert_int_equal(cube->flags[cell(cube, "AFG", "IRN", "2025")],
                     SILK_FLAG('p'));
    assert_true(isnan(cube->value[cell(cube, "AFG", "PAK", "2025")]));
    assert_true(cube->value[cell(cube, "IRQ", "", "2025")] == 5.0);
    assert_int_equal(cube->flags[cell(cube, "IRQ", "", "2025")],
                     SILK_FLAG_REDACTED);
    assert_true(cube->value[cell(cube, "BGD", "", "2024")] == -12.5);
    assert_int_equal(cube->flags[cell(cube, "BGD", "", "2024")],
                     SILK_FLAG('p') | SILK_FLAG('e'));
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source, "T\xc3\xbcrkiye office");
    silk_cube_free(cube);

    /* the digest of the bytes on disk, BOM included (sha256sum) */
    assert_int_equal(silk_batch_provenance_count(batch), 1);
    prov = silk_batch_provenance(batch, 0);
    assert_string_equal(prov->file, file);
    assert_string_equal(
        prov->sha256,
        "1915f6ddd69a8a465567662803ad3d7e375eaee718153d0f291a7e54887d7ed2");
    assert_int_equal(prov->rows, 5);
    silk_batch_free(batch);
}

static void test_quoted_fields(void **state)
{
    silk_batch *batch;
    silk_cube *cube;

    (void)state;
    batch = ingest_ok(
        write_text("quoted.csv",
                   "indicator,origin,destination,period,value,source\n"
                   "\"stock\",\"AFG\",\"\",\"2019\",\"2310292\","
                   "\"DESA \"\"IMS\"\", 2019\"\n"),
        1);
    cube = cube_of(batch, "stock");
    assert_true(cube->value[cell(cube, "AFG", "", "2019")] == 2310292.0);
    assert_string_equal(cube->source, "DESA \"IMS\", 2019");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

/* Every order of the five required columns reads the same cells. */
static void test_column_permutations(void **state)
{
    static const char *const names[5] = {"indicator", "origin", "destination",
                                         "period", "value"};
    static const char *const row1[5] = {"m", "AFG", "IRN", "2024-Q3", "7"};
    static const char *const row2[5] = {"m", "PAK", "", "2024-Q4", ""};
    int order[5] = {0, 1, 2, 3, 4};
    int count = 0;

    (void)state;
    for (;;) {
        char text[512];
        size_t used = 0;
        int i, j, k;
        silk_batch *batch;
        silk_cube *cube;

        for (k = 0; k < 3; k++) {
            const char *const *cells = k == 0 ? names : k == 1 ? row1 : row2;
            for (i = 0; i < 5; i++)
                used += (size_t)snprintf(text + used, sizeof text - used,
                                         "%s%s", i ? "," : "",
                                         cells[order[i]]);
            text[used++] = '\n';
        }
        text[used] = '\0';
        batch = ingest_ok(write_text("perm.csv", text), 2);
        cube = cube_of(batch, "m");
        assert_int_equal(cube->freq, SILK_FREQ_QUARTERLY);
        assert_true(cube->value[cell(cube, "AFG", "IRN", "2024-Q3")] == 7.0);
        assert_true(isnan(cube->value[cell(cube, "PAK", "", "2024-Q4")]));
        silk_cube_free(cube);
        silk_batch_free(batch);
        count++;

        /* next permutation in lexicographic order */
        for (i = 3; i >= 0 && order[i] > order[i + 1]; i--)
            ;
        if (i < 0)
            break;
        for (j = 4; order[j] < order[i]; j--)
            ;
        k = order[i], order[i] = order[j], order[j] = k;
        for (i++, j = 4; i < j; i++, j--)
            k = order[i], order[i] = order[j], order[j] = k;
    }
    assert_int_equal(count, 120);
}

static void test_line_endings(void **state)
{
    static const char *const texts[] = {
        HEADER "x,AFG,,2024-07,1\nx,AFG,,2024-08,2\n",     /* LF */
        HEADER "x,AFG,,2024-07,1\r\nx,AFG,,2024-08,2\r\n", /* CRLF */
        HEADER "x,AFG,,2024-07,1\rx,AFG,,2024-08,2\r",     /* CR */
        HEADER "x,AFG,,2024-07,1\nx,AFG,,2024-08,2",       /* no final */
        HEADER "\n\n , , \nx,AFG,,2024-07,1\n,,,,\n\nx,AFG,,2024-08,2\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof texts / sizeof *texts; i++) {
        silk_batch *batch = ingest_ok(write_text("eol.csv", texts[i]), 2);
        silk_cube *cube = cube_of(batch, "x");
        assert_true(cube->value[cell(cube, "AFG", "", "2024-07")] == 1.0);
        assert_true(cube->value[cell(cube, "AFG", "", "2024-08")] == 2.0);
        silk_cube_free(cube);
        silk_batch_free(batch);
    }
}

static void test_header_only(void **state)
{
    silk_batch *batch;

    (void)state;
    batch = ingest_ok(write_text("header.csv", HEADER), 0);
    assert_int_equal(silk_batch_indicator_count(batch), 0);
    assert_int_equal(silk_batch_provenance_count(batch), 1);
    assert_int_equal(silk_batch_provenance(batch, 0)->rows, 0);
    silk_batch_free(batch);
}

/* Numbers the fast path takes and those it leaves to strtod give the
 * same doubles as strtod. */
static void test_numbers(void **state)
{
    static const char *const numbers[] = {
        "0",     "-0",   "+4",   "0.1",    "12.5",    "-12.50",
        ".5",    "5.",   "1e3",  "2.5E-3", "34914000000",
        "2569832.325", "9007199254740993", "123456789012345678901234",
        "0.30000000000000004", "1.7976931348623157e308"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        char text[256];
        silk_batch *batch;
        silk_cube *cube;
        double v;

        snprintf(text, sizeof text, HEADER "n,AFG,,2024,%s\n", numbers[i]);
        batch = ingest_ok(write_text("num.csv", text), 1);
        cube = cube_of(batch, "n");
        v = cube->value[cell(cube, "AFG", "", "2024")];
        assert_memory_equal(&v, &(double){strtod(numbers[i], NULL)},
                            sizeof v);
        silk_cube_free(cube);
        silk_batch_free(batch);
    }
}

/* A field of exactly SILK_FIELD_MAX bytes is accepted, quoted or not. */
static void test_longest_field(void **state)
{
    size_t size = SILK_FIELD_MAX + 256, used, k;
    char *text = malloc(size);
    silk_batch *batch;

    (void)state;
    assert_non_null(text);
    for (k = 0; k < 2; k++) {
        used = (size_t)snprintf(text, size,
                                "indicator,origin,destination,period,value,"
                                "source\nx,AFG,,2024,1,%s",
                                k ? "\"" : "");
        memset(text + used, 'a', SILK_FIELD_MAX);
        used += SILK_FIELD_MAX;
        used += (size_t)snprintf(text + used, size - used, "%s\n",
                                 k ? "\"" : "");
        batch = ingest_ok(write_bytes("long.csv", text, used), 1);
        silk_batch_free(batch);
    }
    free(text);
}

/* ---- errors: structure ---------------------------------------------- */

static void test_missing_file(void **state)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_tidy("tests/data/ingest/no-such.csv", 0,
                                      batch, &rows, &err),
                     SILK_EIO);
    assert_string_equal(err.message, "cannot open "
                                     "'tests/data/ingest/no-such.csv': No "
                                     "such file or directory");
    assert_int_equal(silk_batch_provenance_count(batch), 0);
    silk_batch_free(batch);
}

static void test_empty_files(void **state)
{
    (void)state;
    expect_text_failure(
        "", SILK_EPARSE,
        ":1:1: empty file; expected a header row naming the columns "
        "indicator, "
        "origin, destination, period, value (required, any order), flag, "
        "unit, source (optional)");
    expect_text_failure(
        "\n\r\n", SILK_EPARSE,
        ":1:1: no header row (only blank lines); expected a header row "
        "naming "
        "the columns indicator, origin, destination, period, value "
        "(required, any order), flag, unit, source (optional)");
}

static void test_header_errors(void **state)
{
    (void)state;
    expect_text_failure("indicator;origin;destination;period;value\n",
                        SILK_EPARSE,
                        ":1:1: the header has one field; the file seems to "
                        "use ';' as delimiter, expected ','");
    expect_text_failure("indicator\torigin\tdestination\tperiod\tvalue\n",
                        SILK_EPARSE,
                        ":1:1: the header has one field; the file seems to "
                        "use tabs as delimiter, expected ','");
    expect_text_failure(
        "indicator,orign,destination,period,value\n", SILK_EPARSE,
        ":1:2: unknown column 'orign'; expected one of indicator, origin, "
        "destination, period, value (required, any order), flag, unit, "
        "source (optional)");
    expect_text_failure(
        "\n\nindicator,origin,,period,value\n", SILK_EPARSE,
        ":3:3: column 3 of the header has no name; expected one of "
        "indicator, origin, destination, period, value (required, any "
        "order), flag, unit, source (optional)");
    expect_text_failure("indicator,origin,destination,period,value,ORIGIN\n",
                        SILK_EPARSE,
                        ":1:6: duplicate column 'origin' (also column 2); "
                        "expected each column once");
    expect_text_failure(
        "indicator,origin,destination,flag\n", SILK_EPARSE,
        ":1:1: the header lacks the columns 'period', 'value'; expected "
        "indicator, origin, destination, period, value (required, any "
        "order), flag, unit, source (optional); found "
        "'indicator,origin,destination,flag'");
    expect_text_failure(
        "indicator,origin,period,value\n", SILK_EPARSE,
        ":1:1: the header lacks the column 'destination'; expected "
        "indicator, origin, destination, period, value (required, any "
        "order), flag, unit, source (optional); found "
        "'indicator,origin,period,value'");
}

static void test_ragged_rows(void **state)
{
    (void)state;
    expect_text_failure(HEADER "x,AFG,,2024,1\n\nx,AFG,,2025\n", SILK_EPARSE,
                        ":4:5: line 4 has 4 fields; expected 5 as in the "
                        "header");
    expect_text_failure(HEADER "x,AFG,,2024,1,\n", SILK_EPARSE,
                        ":2:6: line 2 has 6 fields; expected 5 as in the "
                        "header");
}

static void test_quote_errors(void **state)
{
    (void)state;
    expect_failure("tests/data/ingest/unterminated.csv", SILK_EPARSE,
                   ":3:3: quote opened here in column 'destination' is never "
                   "closed; expected a closing '\"' (write a quote inside a "
                   "quoted field as \"\")");
    expect_text_failure(HEADER "x,AFG,IRN,2024,1\"2\n", SILK_EPARSE,
                        ":2:5: '\"' inside an unquoted field in column "
                        "'value'; expected quotes only around a whole field, "
                        "with each quote inside it doubled (\"\")");
    expect_text_failure(HEADER "x,AFG,\"IRN\" ,2024,1\n", SILK_EPARSE,
                        ":2:3: ' ' after the closing quote in column "
                        "'destination'; expected ',' or the end of the line "
                        "after a quoted field");
    /* in the header, before column names are known */
    expect_text_failure("indicator,\"origin\"x,destination,period,value\n",
                        SILK_EPARSE,
                        ":1:2: 'x' after the closing quote; expected ',' or "
                        "the end of the line after a quoted field");
}

/* An unclosed quote followed by more than SILK_FIELD_MAX bytes is still
 * reported where it opened, as unterminated; a closed but over-long quoted
 * field as too long, also where it opened. */
static void test_long_fields(void **state)
{
    size_t rows = 5000, size = rows * 32 + SILK_FIELD_MAX + 256, used, i;
    char *text = malloc(size);

    (void)state;
    assert_non_null(text);
    used = (size_t)snprintf(text, size,
                            "indicator,origin,destination,period,value,"
                            "source\nx,AFG,,2024,1,\"a\n");
    for (i = 0; i < rows; i++)
        used += (size_t)snprintf(text + used, size - used,
                                 "x,AFG,,%zu,1,b\n", 1800 + i % 400);
    expect_failure(write_bytes("open.csv", text, used), SILK_EPARSE,
                   ":2:6: quote opened here in column 'source' is never "
                   "closed; expected a closing '\"' (write a quote inside a "
                   "quoted field as \"\")");

    /* the same with a closing quote far away (and "" before it) */
    used += (size_t)snprintf(text + used, size - used, "\"\"\"\n");
    expect_failure(write_bytes("closed.csv", text, used), SILK_EPARSE,
                   ":2:6: field in column 'source' is longer than 65536 "
                   "bytes; expected at most 65536 bytes per field");

    /* unquoted, one byte too many, last field of the file */
    used = (size_t)snprintf(text, size,
                            "indicator,origin,destination,period,value,"
                            "source\n\nx,AFG,,2024,1,");
    memset(text + used, 'a', SILK_FIELD_MAX + 1);
    used += SILK_FIELD_MAX + 1;
    expect_failure(write_bytes("unquoted.csv", text, used), SILK_EPARSE,
                   ":3:6: field in column 'source' is longer than 65536 "
                   "bytes; expected at most 65536 bytes per field");

    /* quoted, one byte too many, then a delimiter */
    used = (size_t)snprintf(text, size,
                            "source,indicator,origin,destination,period,"
                            "value\n\"");
    memset(text + used, 'a', SILK_FIELD_MAX + 1);
    used += SILK_FIELD_MAX + 1;
    used += (size_t)snprintf(text + used, size - used, "\",x,AFG,,2024,1\n");
    expect_failure(write_bytes("quoted.csv", text, used), SILK_EPARSE,
                   ":2:1: field in column 'source' is longer than 65536 "
                   "bytes; expected at most 65536 bytes per field");
    free(text);
}

static void test_encoding_errors(void **state)
{
    static const char utf16le[] = "\xff\xfei\0n\0d\0";
    static const char utf16be[] = "\xfe\xff\0i\0n\0d";
    static const char utf16raw[] = "i\0n\0d\0i\0c\0a\0t\0o\0r\0,\0";
    static const char nul[] = HEADER "x,AFG,,2024,1\nx,AFG,IRN,20\00024,1\n";

    (void)state;
    expect_failure(write_bytes("le.csv", utf16le, sizeof utf16le - 1),
                   SILK_EPARSE,
                   ":1:1: the file looks like UTF-16; save the file as UTF-8");
    expect_failure(write_bytes("be.csv", utf16be, sizeof utf16be - 1),
                   SILK_EPARSE,
                   ":1:1: the file looks like UTF-16; save the file as UTF-8");
    expect_failure(write_bytes("raw.csv", utf16raw, sizeof utf16raw - 1),
                   SILK_EPARSE,
                   ":1:1: the file looks like UTF-16; save the file as UTF-8");
    expect_failure(write_bytes("nul.csv", nul, sizeof nul - 1), SILK_EPARSE,
                   ":3:4: NUL byte in column 'period'; expected text (is the "
                   "file binary or UTF-16?)");
    expect_text_failure(
        "indicator,origin,destination,period,value,unit\n"
        "x,AFG,,2024,1,caf\xe9\n",
        SILK_EPARSE,
        ":2:6: invalid UTF-8 (byte 0xe9) at byte 4 of column 'unit'; save "
        "the file as UTF-8");
    expect_text_failure(
        "indicator,origin,destination,period,value,source\n"
        "x,AFG,,2024,1,\"UNHCR\nGlobal Trends\"\n",
        SILK_EPARSE,
        ":2:6: control character 0x0a at byte 6 of column 'source'; "
        "expected printable text on one line");
}

/* ---- errors: values ------------------------------------------------- */

static void test_value_errors(void **state)
{
    static const char *const bad[] = {"abc", "nan", "inf", "-Infinity",
                                      "0x10", "1e", "-", ".", "1..2",
                                      "12a", "\"1,234\"", "1 000"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[128], suffix[256];
        const char *shown = strcmp(bad[i], "\"1,234\"") ? bad[i] : "1,234";

        snprintf(text, sizeof text, HEADER "x,AFG,,2024,1\nx,AFG,,2025,%s\n",
                 bad[i]);
        snprintf(suffix, sizeof suffix,
                 ":3:5: '%s' in column 'value' is not a number; expected a "
                 "decimal value such as 1234 or 12.5, or an empty field for "
                 "missing", shown);
        expect_text_failure(text, SILK_EPARSE, suffix);
    }
    expect_text_failure(HEADER "x,AFG,,2024,1e999\n", SILK_EPARSE,
                        ":2:5: '1e999' in column 'value' is out of range; "
                        "expected a finite decimal value");
    expect_text_failure(HEADER "x,AFG,,2024, 12\n", SILK_EPARSE,
                        ":2:5: ' 12' in column 'value' has spaces around it; "
                        "expected the text alone, without spaces");
}

static void test_field_errors(void **state)
{
    static const struct {
        const char *row, *suffix;
    } cases[] = {
        {"x,AFG,,2024-13,1", ":2:4: '2024-13' in column 'period' is not a "
                             "period; expected YYYY, YYYY-Qn or YYYY-MM such "
                             "as 2024, 2024-Q3 or 2024-07"},
        {"x,AFG,,2024Q1,1", ":2:4: '2024Q1' in column 'period' is not a "
                            "period; expected YYYY, YYYY-Qn or YYYY-MM such "
                            "as 2024, 2024-Q3 or 2024-07"},
        {"x,AFG,,24,1", ":2:4: '24' in column 'period' is not a period; "
                        "expected YYYY, YYYY-Qn or YYYY-MM such as 2024, "
                        "2024-Q3 or 2024-07"},
        {"x,Iran,,2024,1", ":2:2: 'Iran' in column 'origin' is not a country "
                           "code; expected three capital letters such as "
                           "AFG"},
        {"x,af,,2024,1", ":2:2: 'af' in column 'origin' is not a country "
                         "code; expected three capital letters such as AFG"},
        {"x,AF1,,2024,1", ":2:2: 'AF1' in column 'origin' is not a country "
                          "code; expected three capital letters such as AFG"},
        {"x,,,2024,1", ":2:2: '' in column 'origin' is not a country code; "
                       "expected three capital letters such as AFG"},
        {"x,AFG,Pakistan,2024,1",
         ":2:3: 'Pakistan' in column 'destination' is not a country code; "
         "expected three capital letters such as IRN, or an empty field for "
         "a country-level value"},
        {"x,AFG ,,2024,1", ":2:2: 'AFG ' in column 'origin' has spaces around "
                           "it; expected the text alone, without spaces"},
        {"bad name,AFG,,2024,1",
         ":2:1: 'bad name' in column 'indicator' is not an indicator name; "
         "expected 1-64 letters, digits, '_', '.' or '-', not starting with "
         "'.' or '-'"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[256], suffix[320];
        snprintf(text, sizeof text, HEADER "%s\n", cases[i].row);
        expect_text_failure(text, SILK_EPARSE, cases[i].suffix);
        /* after a good row of the series: a code equal to the last row's
         * is not checked again, so each bad one must differ from it */
        assert_memory_equal(cases[i].suffix, ":2:", 3);
        snprintf(suffix, sizeof suffix, ":3:%s", cases[i].suffix + 3);
        snprintf(text, sizeof text, HEADER "x,AFG,,2023,1\n%s\n",
                 cases[i].row);
        expect_text_failure(text, SILK_EPARSE, suffix);
        snprintf(text, sizeof text, HEADER "x,AFG,IRN,2023,1\n%s\n",
                 cases[i].row);
        expect_text_failure(text, SILK_EPARSE, suffix);
    }
    expect_text_failure(
        "indicator,origin,destination,period,value,flag\nx,AFG,,2024,1,P\n",
        SILK_EPARSE,
        ":2:6: 'P' in column 'flag' is not a flag; expected letters a-z such "
        "as p (provisional) or e (estimated), or '*' (redacted)");
}

static void test_conflicts(void **state)
{
    (void)state;
    expect_text_failure(HEADER "x,AFG,IRN,2024,1\nx,AFG,IRN,2024,1\n"
                               "x,AFG,IRN,2024,2\n",
                        SILK_ECONFLICT,
                        ":4:5: duplicate key (x, AFG, IRN, 2024) with a "
                        "different value than on line 2; expected each key "
                        "once per file");
    expect_text_failure(
        "indicator,origin,destination,period,value,unit\n"
        "x,AFG,IRN,2024,1,persons\nx,AFG,IRN,2025,1,households\n",
        SILK_ECONFLICT,
        ":3:5: unit 'households' differs from unit 'persons' given earlier "
        "for indicator 'x'; expected one unit per indicator");
}

/* Line numbers stay right to the end of a big file, after quoted fields
 * with commas and a quoted field spanning lines. */
static void test_big_file_lines(void **state)
{
    size_t rows = 200000, size = rows * 48 + 256, used, i;
    char *text = malloc(size), suffix[256];
    silk_batch *batch;

    (void)state;
    assert_non_null(text);
    used = (size_t)snprintf(text, size,
                            "source,indicator,origin,destination,period,"
                            "value\n");
    /* 4800 months (1800-2199) per destination DAA, DAB, ... */
    for (i = 0; i < rows; i++)
        used += (size_t)snprintf(
            text + used, size - used, "%s,big,AFG,D%c%c,%zu-%02zu,%zu\r\n",
            i % 3 ? "\"a, b\"" : "", 'A' + (int)(i / 4800 / 26),
            'A' + (int)(i / 4800 % 26), 1800 + i / 12 % 400, i % 12 + 1, i);
    batch = ingest_ok(write_bytes("big.csv", text, used), rows);
    silk_batch_free(batch);

    /* the value starts on the second line of its record */
    used += (size_t)snprintf(text + used, size - used,
                             "\"two\r\nlines\",big,AFG,IRN,2024-01,x\n");
    snprintf(suffix, sizeof suffix,
             ":%zu:6: 'x' in column 'value' is not a number; expected a "
             "decimal value such as 1234 or 12.5, or an empty field for "
             "missing", rows + 3);
    expect_failure(write_bytes("big.csv", text, used), SILK_EPARSE, suffix);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_bom_crlf_quotes),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_column_permutations),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_longest_field),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_empty_files),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_quote_errors),
        cmocka_unit_test(test_long_fields),
        cmocka_unit_test(test_encoding_errors),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_big_file_lines),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
