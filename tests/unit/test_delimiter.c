/*
 * test_delimiter.c: delimiter detection (silk_csv_detect_delimiter), the
 * reader with ';' and tabs (silk_csv_read_delim), and silk_ingest_file
 * passing the detected delimiter to the formats.  Files are written into
 * a temporary folder; run from the repository root.
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

static char detect(const char *text)
{
    silk_error err = {0};
    char delimiter = 'x';

    assert_int_equal(silk_csv_detect_delimiter(write_text("d.csv", text),
                                               &delimiter, &err),
                     SILK_OK);
    return delimiter;
}

static void test_detect(void **state)
{
    silk_error err = {0};
    char delimiter = 'x';

    (void)state;
    assert_int_equal(detect("a,b,c\n1,2,3\n"), ',');
    assert_int_equal(detect("a;b;c\n1;2;3\n"), ';');
    assert_int_equal(detect("a\tb\tc\n1\t2\t3\n"), '\t');
    /* the most fields wins: 3 by ';' against 2 by ',' */
    assert_int_equal(detect("a;b,5;c\n"), ';');
    /* ties: ',' first, then ';' before tab */
    assert_int_equal(detect("a;b,c\n"), ',');
    assert_int_equal(detect("a;b\tc\n"), ';');
    /* separators inside quotes do not count, "" included */
    assert_int_equal(detect("\"a;b;c\",d\n"), ',');
    assert_int_equal(detect("\"a \"\";\"\" b;c\",d\n"), ',');
    /* a quoted newline does not end the first line */
    assert_int_equal(detect("\"x\ny;z;w\",a\n1;2;3;4;5\n"), ',');
    /* a BOM, blank lines and a line of spaces and tabs come first */
    assert_int_equal(detect("\xEF\xBB\xBF\n\r\n  \t\t\t \na;b;c\n1,2,3,4,5\n"),
                     ';');
    /* only the first non-blank line decides; CR alone ends it */
    assert_int_equal(detect("a,b\r1;2;3;4\r"), ',');
    /* no separator at all, and an empty file */
    assert_int_equal(detect("value\n"), ',');
    assert_int_equal(detect(""), ',');
    /* a last line without a newline */
    assert_int_equal(detect("a\tb"), '\t');

    snprintf(path, sizeof path, "%s/none.csv", tmpdir);
    assert_int_equal(silk_csv_detect_delimiter(path, &delimiter, &err),
                     SILK_EIO);
    char expected[300];
    snprintf(expected, sizeof expected,
             "cannot open '%s': No such file or directory", path);
    assert_string_equal(err.message, expected);
}

typedef struct seen {
    size_t records;
    size_t fields[4];
    char text[4][4][16];
} seen;

static int collect(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                   silk_error *err)
{
    seen *s = ctx;

    (void)reader;
    (void)err;
    if (s->records < 4) {
        s->fields[s->records] = row->n_fields;
        for (size_t i = 0; i < row->n_stored && i < 4; i++)
            snprintf(s->text[s->records][i], 16, "%s", row->field[i].text);
    }
    s->records++;
    return SILK_OK;
}

static void test_read_delim(void **state)
{
    silk_error err = {0};
    char sha256[65];
    uint64_t bytes = 0;
    seen s;

    (void)state;
    memset(&s, 0, sizeof s);
    write_text("s.csv", "a;\"b;c\";d\n1,5;\"x\"\"y\";\n");
    assert_int_equal(silk_csv_read_delim(path, ';', 8, collect, &s, sha256,
                                         &bytes, &err),
                     SILK_OK);
    assert_int_equal(s.records, 2);
    assert_int_equal(s.fields[0], 3);
    assert_string_equal(s.text[0][1], "b;c");
    assert_int_equal(s.fields[1], 3);
    assert_string_equal(s.text[1][0], "1,5");
    assert_string_equal(s.text[1][1], "x\"y");
    assert_string_equal(s.text[1][2], "");

    memset(&s, 0, sizeof s);
    write_text("t.tsv", "a,b\t c \t\n");
    assert_int_equal(silk_csv_read_delim(path, '\t', 8, collect, &s, sha256,
                                         &bytes, &err),
                     SILK_OK);
    assert_int_equal(s.fields[0], 3);
    assert_string_equal(s.text[0][0], "a,b");
    assert_string_equal(s.text[0][1], " c "); /* spaces kept */

    /* the message names the delimiter in use */
    memset(&s, 0, sizeof s);
    const char *file = write_text("q.csv", "a;\"b\"x;c\n");
    assert_int_equal(silk_csv_read_delim(file, ';', 8, collect, &s, sha256,
                                         &bytes, &err),
                     SILK_EPARSE);
    char expected[400];
    snprintf(expected, sizeof expected,
             "%s:1:2: 'x' after the closing quote; expected ';' or the end "
             "of the line after a quoted field", file);
    assert_string_equal(err.message, expected);
    file = write_text("q.tsv", "a\t\"b\"x\tc\n");
    assert_int_equal(silk_csv_read_delim(file, '\t', 8, collect, &s, sha256,
                                         &bytes, &err),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:1:2: 'x' after the closing quote; expected a tab or the end "
             "of the line after a quoted field", file);
    assert_string_equal(err.message, expected);
}

static silk_batch *ingest(const char *file, const silk_ingest_options *opt,
                          const char *format, uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *chosen = NULL;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_ingest_file(file, opt, 0, batch, &rows, &chosen, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(chosen, format);
    assert_int_equal(rows, expected_rows);
    return batch;
}

static double only_value(const silk_batch *batch, size_t indicator)
{
    silk_cube *cube = NULL;
    silk_error err = {0};

    assert_int_equal(silk_batch_cube(batch, indicator, &cube, &err), SILK_OK);
    assert_int_equal(cube->n_origin * cube->n_destination * cube->n_period, 1);
    double v = cube->value[0];
    silk_cube_free(cube);
    return v;
}

/* With detection a ';' or tab tidy file simply works; forced to ',' the
 * tidy reader's hint about the delimiter comes back. */
static void test_tidy(void **state)
{
    silk_ingest_options opt = {0};
    silk_batch *batch;
    silk_error err = {0};
    uint64_t rows = 0;
    const char *file;
    char expected[400];

    (void)state;
    file = write_text("tidy_semi.csv",
                      "indicator;origin;destination;period;value\n"
                      "refugees;AFG;PAK;2023;\"1,5\"\n");
    /* a quoted ',' is no decimal mark in tidy: the number is refused
     * with the tidy message, which proves tidy read the ';' fields */
    batch = NULL;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(file, &opt, 0, batch, &rows, NULL, &err),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:2:5: '1,5' in column 'value' is not a number; expected a "
             "decimal value such as 1234 or 12.5, or an empty field for "
             "missing", file);
    assert_string_equal(err.message, expected);
    silk_batch_free(batch);

    file = write_text("tidy_semi2.csv",
                      "indicator;origin;destination;period;value\r\n"
                      "refugees;AFG;PAK;2023;1500\r\n");
    batch = ingest(file, &opt, "tidy", 1);
    assert_string_equal(silk_batch_indicator_name(batch, 0), "refugees");
    assert_true(only_value(batch, 0) == 1500);
    silk_batch_free(batch);

    file = write_text("tidy.tsv", "indicator\torigin\tdestination\tperiod\t"
                                  "value\nrefugees\tAFG\tIRN\t2023-Q2\t42\n");
    batch = ingest(file, &opt, "tidy", 1);
    assert_true(only_value(batch, 0) == 42);
    silk_batch_free(batch);

    /* detection forced off */
    silk_ingest_options comma = {.format = "tidy", .delimiter = ','};
    file = write_text("tidy_semi3.csv",
                      "indicator;origin;destination;period;value\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(file, &comma, 0, batch, &rows, NULL,
                                      &err),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:1:1: the header has one field; the file seems to use ';' as "
             "delimiter, expected ','", file);
    assert_string_equal(err.message, expected);
    silk_batch_free(batch);
}

/* The World Bank's long form, ';'-separated: detected and read. */
static void test_other_formats(void **state)
{
    silk_ingest_options opt = {0};
    silk_batch *batch;
    const char *file;

    (void)state;
    file = write_text("wb_semi.csv",
                      "indicator_code;country_name;country_code;year;value\n"
                      "SP.POP.TOTL;\"Iran; Islamic Rep.\";IRN;2023;90608707\n");
    batch = ingest(file, &opt, "wb-long", 1);
    assert_true(only_value(batch, 0) == 90608707);
    silk_batch_free(batch);
}

static void test_bad_delimiter(void **state)
{
    silk_ingest_options opt = {.delimiter = '|'};
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_ingest_file(write_text("p.csv", "a|b\n"), &opt, 0,
                                      batch, &rows, NULL, &err),
                     SILK_EINVAL);
    assert_string_equal(err.message, "delimiter '|' is not supported; "
                                     "expected ',', ';' or a tab");
    silk_batch_free(batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_read_delim),
        cmocka_unit_test(test_tidy),
        cmocka_unit_test(test_other_formats),
        cmocka_unit_test(test_bad_delimiter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
