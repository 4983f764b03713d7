/*
 * test_split.c: the read of a tidy file in parts on several threads
 * (silk_csv_read_split, silk_batch_merge) against the one-pass read.
 * Every case reads the same file with SILKSTAT_SPLIT=off and
 * SILKSTAT_SPLIT=always and wants the same result: status, message,
 * rows, digest, warnings and every cube.  The files are small, so
 * "always" makes the reader cut them into up to 8 parts of about equal
 * size; each case puts what matters (an error, a duplicate, a quoted line
 * end, a warning) in a later part, in several, or across a cut.
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
#include "core/batch.h"
#include "fixture.h"

static int setup(void **state)
{
    (void)state;
    return fixture_setup(NULL);
}

static int teardown(void **state)
{
    (void)state;
    unsetenv("SILKSTAT_SPLIT");
    return fixture_teardown();
}

/* ---- a generated tidy file ---- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    char line[512];
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof line);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->len, line, (size_t)n + 1);
    t->len += (size_t)n;
}

static const char *const codes[] = {"AFG", "IRN", "SYR", "TUR", "DEU",
                                    "AUT", "PAK", "IRQ", "SDN", "UGA"};

/* Rows of series (indicator, origin, destination) of 20 periods each:
 * 90 series of refugees (annual, persons), then 90 of arrivals_monthly,
 * and so on (3600 rows before keys repeat); values from the row number
 * and salt.  The codes are those of codes[]: KEN or ZAF never occur.
 * Returns the next line number. */
static size_t add_rows(text *t, size_t line, size_t n_rows, const char *eol,
                       size_t salt)
{
    size_t row = 0;
    for (size_t s = 0; row < n_rows; s++) {
        /* the 90 pairs of different codes, then again monthly */
        size_t pair = s % 90;
        const char *origin = codes[pair / 9];
        const char *destination = codes[(pair / 9 + 1 + pair % 9) % 10];
        bool monthly = (s / 90) % 2 == 1;
        for (int p = 0; p < 20 && row < n_rows; p++, row++, line++) {
            if (monthly)
                add(t, "arrivals_monthly,%s,%s,%d-%02d,%zu,%s,,%s", origin,
                    destination, 2015 + p / 12, p % 12 + 1,
                    (row + salt) * 7 % 1000,
                    row % 9 == 0 ? "p" : "", eol);
            else
                add(t, "refugees,%s,%s,%d,%zu,,persons,%s%s", origin,
                    destination, 1990 + p, (row + salt) * 13 % 5000,
                    row % 50 == 0 ? "src" : "", eol);
        }
    }
    return line;
}

static const char *header = "indicator,origin,destination,period,value,flag,"
                            "unit,source";

/* ---- reading both ways ---- */

typedef struct result {
    int status;
    char message[SILK_MESSAGE_MAX];
    uint64_t rows;
    char sha256[65];
    char warnings[32768]; /* every listed warning, one a line */
    size_t n_warnings;
    silk_batch *batch;
} result;

static void read_with(const char *mode, const char *const *files,
                      size_t n_files, result *r)
{
    silk_problems *problems = NULL;
    silk_error err = {0};
    memset(r, 0, sizeof *r);
    assert_int_equal(setenv("SILKSTAT_SPLIT", mode, 1), 0);
    assert_int_equal(silk_batch_alloc(&r->batch, &err), SILK_OK);
    assert_int_equal(silk_problems_alloc(false, &problems, &err), SILK_OK);
    silk_ingest_options opt = {.format = "tidy", .problems = problems};
    for (size_t i = 0; i < n_files && r->status == SILK_OK; i++) {
        uint64_t rows = 0;
        r->status = silk_ingest_file(files[i], &opt, (unsigned)i, r->batch,
                                     &rows, NULL, &err);
        r->rows += rows;
    }
    if (r->status == SILK_OK)
        r->status = silk_ingest_sanity(r->batch, &opt, &err);
    snprintf(r->message, sizeof r->message, "%s", err.message);
    size_t n = silk_batch_provenance_count(r->batch);
    if (n > 0)
        snprintf(r->sha256, sizeof r->sha256, "%s",
                 silk_batch_provenance(r->batch, n - 1)->sha256);
    r->n_warnings = silk_problems_warning_count(problems);
    size_t used = 0;
    for (size_t g = 0; g < silk_problems_group_count(problems); g++)
        for (size_t k = 0; k < silk_problems_group_listed(problems, g); k++) {
            const silk_problem *p = silk_problems_get(problems, g, k);
            used += (size_t)snprintf(r->warnings + used,
                                     sizeof r->warnings - used,
                                     "%zu:%zu %s\n", p->line, p->column,
                                     p->message);
            if (used >= sizeof r->warnings)
                used = sizeof r->warnings - 1;
        }
    silk_problems_free(problems);
    unsetenv("SILKSTAT_SPLIT");
}

static void same_cube(const silk_cube *a, const silk_cube *b)
{
    expect_same_axes(a, b);
    size_t cells = a->n_origin * a->n_destination * a->n_period;
    for (size_t i = 0; i < cells; i++) {
        assert_int_equal(a->set[i], b->set[i]);
        assert_int_equal(a->flags[i], b->flags[i]);
        assert_true((isnan(a->value[i]) && isnan(b->value[i])) ||
                    a->value[i] == b->value[i]);
    }
}

/* Reads files one pass and split; both must agree in everything.
 * Returns the one-pass result's status; *out (may be NULL) gets its
 * message. */
static int both_ways(const char *const *files, size_t n_files,
                     char *message, size_t size)
{
    result one, two;
    silk_error err = {0};
    read_with("off", files, n_files, &one);
    read_with("always", files, n_files, &two);
    assert_int_equal(one.status, two.status);
    assert_string_equal(one.message, two.message);
    assert_int_equal(one.rows, two.rows);
    assert_string_equal(one.sha256, two.sha256);
    assert_int_equal(one.n_warnings, two.n_warnings);
    assert_string_equal(one.warnings, two.warnings);
    size_t n = silk_batch_indicator_count(one.batch);
    assert_int_equal(n, silk_batch_indicator_count(two.batch));
    for (size_t i = 0; i < n && one.status == SILK_OK; i++) {
        silk_cube *a = NULL, *b = NULL;
        assert_string_equal(silk_batch_indicator_name(one.batch, i),
                            silk_batch_indicator_name(two.batch, i));
        assert_int_equal(silk_batch_cube(one.batch, i, &a, &err), SILK_OK);
        assert_int_equal(silk_batch_cube(two.batch, i, &b, &err), SILK_OK);
        same_cube(a, b);
        silk_cube_free(a);
        silk_cube_free(b);
    }
    for (size_t p = 0; p < silk_batch_provenance_count(one.batch); p++)
        assert_string_equal(silk_batch_provenance(one.batch, p)->indicators,
                            silk_batch_provenance(two.batch, p)->indicators);
    if (message != NULL)
        snprintf(message, size, "%s", one.message);
    silk_batch_free(one.batch);
    silk_batch_free(two.batch);
    return one.status;
}

static const char *write_file(const char *name, const text *t)
{
    static char copy[4][256];
    static int next;
    const char *p = write_bytes(name, t->s, t->len);
    char *slot = copy[next++ % 4];
    snprintf(slot, sizeof copy[0], "%s", p);
    return slot;
}

/* ---- cases ---- */

static void test_clean_file(void **state)
{
    (void)state;
    const char *eols[3] = {"\n", "\r\n", "\r"};
    for (int k = 0; k < 3; k++) {
        text t = {0};
        add(&t, "%s%s", header, eols[k]);
        add_rows(&t, 2, 3000, eols[k], 0);
        const char *files[1] = {write_file("clean.csv", &t)};
        assert_int_equal(both_ways(files, 1, NULL, 0), SILK_OK);
        free(t.s);
    }
}

static void test_error_in_a_later_part(void **state)
{
    char message[SILK_MESSAGE_MAX], expected[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    size_t line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,AFG,IRN,2030,12x,,persons,\n");
    add_rows(&t, line + 1, 500, "\n", 0);
    const char *files[1] = {write_file("bad.csv", &t)};
    assert_int_equal(both_ways(files, 1, message, sizeof message),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:%zu:5: '12x' in column 'value' is not a number; expected "
             "a decimal value such as 1234 or 12.5, or an empty field for "
             "missing", files[0], line);
    assert_string_equal(message, expected);
    free(t.s);
}

static void test_duplicates_across_the_cut(void **state)
{
    char message[SILK_MESSAGE_MAX];
    (void)state;
    /* the same key in two parts with the same value: fine */
    text t = {0};
    add(&t, "%s\n", header);
    size_t line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,AFG,IRN,1990,0,,persons,\n"); /* as line 2 */
    add_rows(&t, line + 1, 10, "\n", 0);
    const char *same[1] = {write_file("same.csv", &t)};
    assert_int_equal(both_ways(same, 1, NULL, 0), SILK_OK);
    free(t.s);

    /* with another value: the message names both lines */
    memset(&t, 0, sizeof t);
    add(&t, "%s\n", header);
    line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,AFG,IRN,1990,5,,persons,\n");
    add_rows(&t, line + 1, 10, "\n", 0);
    const char *other[1] = {write_file("other.csv", &t)};
    assert_int_equal(both_ways(other, 1, message, sizeof message),
                     SILK_ECONFLICT);
    assert_non_null(strstr(message, "duplicate key (refugees, AFG, IRN, "
                                     "1990) with a different value than on "
                                     "line 2"));
    char where[300];
    snprintf(where, sizeof where, "%s:%zu:5: ", other[0], line);
    assert_memory_equal(message, where, strlen(where));
    free(t.s);
}

static void test_unit_and_frequency_across_the_cut(void **state)
{
    char message[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    size_t line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,KEN,SDN,2001,7,,thousands,\n");
    add_rows(&t, line + 1, 10, "\n", 0);
    const char *unit[1] = {write_file("unit.csv", &t)};
    assert_int_equal(both_ways(unit, 1, message, sizeof message),
                     SILK_ECONFLICT);
    assert_non_null(strstr(message, "unit 'thousands' differs from unit "
                                    "'persons'"));
    free(t.s);

    memset(&t, 0, sizeof t);
    add(&t, "%s\n", header);
    line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,KEN,SDN,2001-03,7,,,\n");
    add_rows(&t, line + 1, 10, "\n", 0);
    const char *freq[1] = {write_file("freq.csv", &t)};
    assert_int_equal(both_ways(freq, 1, message, sizeof message),
                     SILK_ECONFLICT);
    assert_non_null(strstr(message, "indicator 'refugees' has annual "
                                    "periods since line 2"));
    free(t.s);
}

/* Cuts fall inside a quoted field that spans lines: the part before
 * does not end between records (a tidy source may not hold a line end,
 * so the file is refused where the field begins). */
static void test_quoted_line_end_at_the_cut(void **state)
{
    char message[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    add_rows(&t, 2, 1000, "\n", 0);
    /* a source of many short lines around the middle of the file */
    add(&t, "refugees,UGA,SDN,2001,7,,persons,\"a");
    for (int k = 0; k < 4000; k++)
        add(&t, "\nline %d", k);
    add(&t, "\"\n");
    add_rows(&t, 1, 1000, "\n", 0);
    const char *files[1] = {write_file("quoted.csv", &t)};
    assert_int_equal(both_ways(files, 1, message, sizeof message),
                     SILK_EPARSE);
    assert_non_null(strstr(message, "quoted.csv:1002:8: control character "
                                    "0x0a at byte 2 of column 'source'"));
    free(t.s);
}

/* Warnings of a later part are replayed with their own lines. */
static void test_warnings_in_a_later_part(void **state)
{
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    size_t line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, "refugees,KEN,KEN,1995,40,,persons,\n");
    add(&t, "refugees,KEN,ZAF,1940,-3,,persons,\n");
    add_rows(&t, line + 2, 30, "\n", 0);
    /* more than are listed: the rest are counted */
    for (int y = 1950; y < 2020; y++)
        add(&t, "refugees,ZAF,ZAF,%d,1,,persons,\n", y);
    const char *files[1] = {write_file("warn.csv", &t)};
    assert_int_equal(both_ways(files, 1, NULL, 0), SILK_OK);

    /* and the lines are the file's */
    result r;
    read_with("always", files, 1, &r);
    assert_int_equal(r.status, SILK_OK);
    char want[64];
    snprintf(want, sizeof want, "%zu:3 origin and destination", line);
    assert_non_null(strstr(r.warnings, want));
    snprintf(want, sizeof want, "%zu:4 '1940'", line + 1);
    assert_non_null(strstr(r.warnings, want));
    silk_batch_free(r.batch);
    free(t.s);
}

/* Warnings in every part are replayed in order with the file's lines;
 * keys repeated with the same value in every part are fine. */
static void test_warnings_in_every_part(void **state)
{
    (void)state;
    text t = {0};
    size_t line = 2, warned[8];
    add(&t, "%s\n", header);
    for (int k = 0; k < 8; k++) {
        line = add_rows(&t, line, 300, "\n", 0);
        warned[k] = line++;
        add(&t, "refugees,KEN,KEN,%d,40,,persons,\n", 1990 + k);
    }
    const char *files[1] = {write_file("parts.csv", &t)};
    assert_int_equal(both_ways(files, 1, NULL, 0), SILK_OK);

    result r;
    read_with("always", files, 1, &r);
    assert_int_equal(r.status, SILK_OK);
    assert_int_equal(r.n_warnings, 8);
    const char *at = r.warnings;
    for (int k = 0; k < 8; k++) {
        char want[64];
        snprintf(want, sizeof want, "%zu:3 origin and destination",
                 warned[k]);
        at = strstr(at, want);
        assert_non_null(at); /* and after the one before */
    }
    silk_batch_free(r.batch);
    free(t.s);
}

/* A key first seen in a middle part and repeated with another value two
 * parts later: the parts in between are joined, the one with the
 * duplicate is read again with the joined cells, and the message names
 * both lines. */
static void test_duplicate_between_middle_parts(void **state)
{
    char message[SILK_MESSAGE_MAX], expected[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    size_t first = add_rows(&t, 2, 1100, "\n", 0);
    add(&t, "refugees,KEN,ZAF,2001,7,,persons,\n");
    size_t again = add_rows(&t, first + 1, 900, "\n", 0);
    add(&t, "refugees,KEN,ZAF,2001,8,,persons,\n");
    add_rows(&t, again + 1, 400, "\n", 0);
    const char *files[1] = {write_file("middle.csv", &t)};
    assert_int_equal(both_ways(files, 1, message, sizeof message),
                     SILK_ECONFLICT);
    snprintf(expected, sizeof expected,
             "%s:%zu:5: duplicate key (refugees, KEN, ZAF, 2001) with a "
             "different value than on line %zu", files[0], again, first);
    assert_memory_equal(message, expected, strlen(expected));
    free(t.s);
}

/* A second file overwrites cells of the first (later files win); the
 * second file's parts merge over the first file's cells. */
static void test_later_file_wins(void **state)
{
    (void)state;
    text a = {0}, b = {0};
    add(&a, "%s\n", header);
    add_rows(&a, 2, 3000, "\n", 0);
    add(&b, "%s\n", header);
    add_rows(&b, 2, 1500, "\n", 1);
    add(&b, "refugees,KEN,ZAF,1990,99,e,,newer\n");
    const char *files[2] = {write_file("a.csv", &a), write_file("b.csv", &b)};
    assert_int_equal(both_ways(files, 2, NULL, 0), SILK_OK);
    free(a.s);
    free(b.s);
}

/* A header only, blank lines, row-less later parts. */
static void test_small_and_odd(void **state)
{
    char message[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", header);
    const char *blank[1] = {write_file("blank.csv", &t)};
    assert_int_equal(both_ways(blank, 1, NULL, 0), SILK_OK);
    free(t.s);

    memset(&t, 0, sizeof t);
    add(&t, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nrefugees\n");
    const char *no_header[1] = {write_file("noheader.csv", &t)};
    assert_int_not_equal(both_ways(no_header, 1, message, sizeof message),
                         SILK_OK);
    free(t.s);
}

/* The indicator check is skipped for a name equal to the previous row's:
 * an empty name after a valid one is still refused. */
static void test_indicator_cache(void **state)
{
    char message[SILK_MESSAGE_MAX];
    (void)state;
    text t = {0};
    add(&t, "%s\n", header);
    size_t line = add_rows(&t, 2, 2000, "\n", 0);
    add(&t, ",KEN,SDN,2001,7,,persons,\n");
    const char *files[1] = {write_file("empty.csv", &t)};
    assert_int_equal(both_ways(files, 1, message, sizeof message),
                     SILK_EPARSE);
    char expected[300];
    snprintf(expected, sizeof expected,
             "%s:%zu:1: '' in column 'indicator' is not an indicator name",
             files[0], line);
    assert_memory_equal(message, expected, strlen(expected));
    free(t.s);
}

/* silk_batch_merge refuses, touching nothing, what one pass would not
 * accept. */
static void test_merge_refuses(void **state)
{
    silk_batch *a = NULL, *b = NULL;
    silk_error err = {0};
    silk_period y2000 = {SILK_FREQ_ANNUAL, 2000, 0};
    silk_period m2000 = {SILK_FREQ_MONTHLY, 2000, 1};
    (void)state;
    assert_int_equal(silk_batch_alloc(&a, &err), SILK_OK);
    assert_int_equal(silk_batch_alloc(&b, &err), SILK_OK);
    assert_int_equal(silk_batch_put(a, "x", "AFG", "IRN", y2000, 1, 0, "", "",
                                    0, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put(b, "x", "AFG", "IRN", y2000, 2, 0, "", "",
                                    0, 1, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_merge(a, b, 0, 10, &err), SILK_ECONFLICT);
    silk_batch_free(b);
    assert_int_equal(silk_batch_alloc(&b, &err), SILK_OK);
    assert_int_equal(silk_batch_put(b, "x", "AFG", "SYR", m2000, 2, 0, "", "",
                                    0, 1, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_merge(a, b, 0, 10, &err), SILK_ECONFLICT);
    silk_batch_free(b);
    /* a cell of an earlier file is overwritten; lines are shifted */
    assert_int_equal(silk_batch_alloc(&b, &err), SILK_OK);
    assert_int_equal(silk_batch_put(b, "x", "AFG", "IRN", y2000, 3, 0, "", "",
                                    1, 1, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put(b, "y", "AFG", "IRN", y2000, 4, 0, "",
                                    "", 1, 7, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_merge(a, b, 1, 10, &err), SILK_OK);
    silk_batch_free(b);
    assert_int_equal(silk_batch_indicator_count(a), 2);
    assert_string_equal(silk_batch_indicator_name(a, 1), "y");
    /* one pass would now refuse x again in file 1 with another value:
     * the line kept is the shifted one */
    assert_int_equal(silk_batch_put(a, "x", "AFG", "IRN", y2000, 5, 0, "", "",
                                    1, 30, &err),
                     SILK_ECONFLICT);
    assert_non_null(strstr(err.message, "than on line 11"));
    silk_cube *cube = NULL;
    assert_int_equal(silk_batch_cube(a, 1, &cube, &err), SILK_OK);
    assert_true(cube->value[0] == 4);
    silk_cube_free(cube);
    silk_batch_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_file),
        cmocka_unit_test(test_error_in_a_later_part),
        cmocka_unit_test(test_duplicates_across_the_cut),
        cmocka_unit_test(test_unit_and_frequency_across_the_cut),
        cmocka_unit_test(test_quoted_line_end_at_the_cut),
        cmocka_unit_test(test_warnings_in_a_later_part),
        cmocka_unit_test(test_warnings_in_every_part),
        cmocka_unit_test(test_duplicate_between_middle_parts),
        cmocka_unit_test(test_later_file_wins),
        cmocka_unit_test(test_small_and_odd),
        cmocka_unit_test(test_indicator_cache),
        cmocka_unit_test(test_merge_refuses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
