/*
 * test_problems.c: the collector of `ingest --check` (silk_problems):
 * kinds, grouping, counts, order, the per-group cap; the two doors of the
 * formats (silk_ingest_row_problem, silk_ingest_warning); and the
 * series-level sanity check (silk_ingest_sanity).  Expected kinds and
 * messages are written out by hand from the rules in silkstat.h.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"
#include "ingest/format.h"

static silk_problems *collector(bool collect_errors)
{
    silk_problems *p = NULL;
    silk_error err = {0};
    assert_int_equal(silk_problems_alloc(collect_errors, &p, &err), SILK_OK);
    return p;
}

static void add(silk_problems *p, silk_severity severity, const char *message)
{
    silk_error err = {0};
    assert_int_equal(silk_problems_add(p, severity, SILK_EPARSE, NULL, message,
                                       &err),
                     SILK_OK);
}

static void expect_kind(const char *message, const char *kind)
{
    char buf[SILK_MESSAGE_MAX];
    silk_problems_kind(message, buf, sizeof buf);
    assert_string_equal(buf, kind);
}

/* The kind rules, one case each. */
static void test_kind(void **state)
{
    (void)state;
    /* position and "; expected ..." removed, the leading value dropped */
    expect_kind("a.csv:3:5: 'x' in column 'value' is not a number; expected "
                "a decimal value",
                "column 'value' is not a number");
    /* numbers outside quotes become N */
    expect_kind("a.csv:7:6: line 7 has 3 fields; expected 5 as in the header",
                "line N has N fields");
    /* parenthesised asides dropped, numbers inside quotes kept */
    expect_kind("w.csv:1:6: duplicate column 'origin' (also column 2); "
                "expected each column once",
                "duplicate column 'origin'");
    expect_kind("w.csv:4:7: 'x' in column '2019' is not a number",
                "column '2019' is not a number");
    /* hex is a number; UTF-8 keeps its 8 */
    expect_kind("a.csv:2:7: control character 0x01 at byte 5 of column "
                "'unit'; expected printable text",
                "control character N at byte N of column 'unit'");
    expect_kind("a.csv:2:8: invalid UTF-8 (byte 0xff) at byte 7 of column "
                "'source'; save the file as UTF-8",
                "invalid UTF-8 at byte N of column 'source'");
    /* no position: the whole message up to "; " */
    expect_kind("cannot open 'x.csv': No such file or directory",
                "cannot open 'x.csv': No such file or directory");
    /* a path with colons: the position is the first ":L:C: " */
    expect_kind("dir:a/b.csv:12:3: unknown country 'Atlantis'; closest known",
                "unknown country 'Atlantis'");
}

static void test_position_and_counts(void **state)
{
    (void)state;
    silk_problems *p = collector(true);
    add(p, SILK_SEVERITY_ERROR,
        "dir:a.csv:12:3: unknown country 'Atlantis'; closest known: x");
    add(p, SILK_SEVERITY_WARNING, "indicator r, AFG -> IRN, period 2024: big");
    assert_true(silk_problems_collect_errors(p));
    assert_int_equal(silk_problems_error_count(p), 1);
    assert_int_equal(silk_problems_warning_count(p), 1);
    assert_int_equal(silk_problems_group_count(p), 2);

    const silk_problem *e = silk_problems_get(p, 0, 0);
    assert_int_equal(e->severity, SILK_SEVERITY_ERROR);
    assert_int_equal(e->code, SILK_EPARSE);
    assert_string_equal(e->file, "dir:a.csv");
    assert_int_equal(e->line, 12);
    assert_int_equal(e->column, 3);
    assert_string_equal(e->message,
                        "unknown country 'Atlantis'; closest known: x");

    const silk_problem *w = silk_problems_get(p, 1, 0);
    assert_int_equal(w->code, SILK_OK); /* warnings carry no status */
    assert_string_equal(w->file, "");
    assert_int_equal(w->line, 0);
    assert_string_equal(w->message,
                        "indicator r, AFG -> IRN, period 2024: big");
    assert_null(silk_problems_get(p, 1, 1));
    assert_null(silk_problems_get(p, 2, 0));
    silk_problems_free(p);
    silk_problems_free(NULL);
}

/* Errors before warnings, each in order of first appearance; within a
 * group file order (first appearance), then line, then column. */
static void test_order(void **state)
{
    (void)state;
    silk_problems *p = collector(true);
    add(p, SILK_SEVERITY_WARNING, "b.csv:9:4: '1900' in column 'period' is "
                                  "an implausible year; expected 1950");
    add(p, SILK_SEVERITY_ERROR, "b.csv:5:5: 'x' in column 'value' is not a "
                                "number; expected a number");
    add(p, SILK_SEVERITY_ERROR, "b.csv:4:1: line 4 has 2 fields; expected 5");
    add(p, SILK_SEVERITY_ERROR, "c.csv:2:5: 'y' in column 'value' is not a "
                                "number; expected a number");
    /* out of order: an earlier line of b.csv, then a second column */
    add(p, SILK_SEVERITY_ERROR, "b.csv:3:5: 'z' in column 'value' is not a "
                                "number; expected a number");
    add(p, SILK_SEVERITY_ERROR, "b.csv:3:2: 'w' in column 'value' is not a "
                                "number; expected a number");

    assert_int_equal(silk_problems_group_count(p), 3);
    assert_string_equal(silk_problems_group_kind(p, 0),
                        "column 'value' is not a number");
    assert_string_equal(silk_problems_group_kind(p, 1), "line N has N fields");
    assert_string_equal(silk_problems_group_kind(p, 2),
                        "column 'period' is an implausible year");
    assert_int_equal(silk_problems_group_severity(p, 0), SILK_SEVERITY_ERROR);
    assert_int_equal(silk_problems_group_severity(p, 2),
                     SILK_SEVERITY_WARNING);
    assert_int_equal(silk_problems_group_total(p, 0), 4);
    assert_int_equal(silk_problems_group_listed(p, 0), 4);

    const char *want[4][2] = {{"b.csv", "3:2"}, {"b.csv", "3:5"},
                              {"b.csv", "5:5"}, {"c.csv", "2:5"}};
    for (size_t i = 0; i < 4; i++) {
        const silk_problem *e = silk_problems_get(p, 0, i);
        char at[32];
        snprintf(at, sizeof at, "%zu:%zu", e->line, e->column);
        assert_string_equal(e->file, want[i][0]);
        assert_string_equal(at, want[i][1]);
    }
    assert_int_equal(silk_problems_error_count(p), 5);
    assert_int_equal(silk_problems_warning_count(p), 1);
    silk_problems_free(p);
}

/* A group lists its first SILK_PROBLEMS_LISTED problems and counts all;
 * past SILK_PROBLEMS_GROUPS kinds, new kinds go to "other problems". */
static void test_caps(void **state)
{
    (void)state;
    silk_problems *p = collector(true);
    char message[128];
    for (int i = 1; i <= 250; i++) {
        snprintf(message, sizeof message,
                 "big.csv:%d:5: 'x%d' in column 'value' is not a number; "
                 "expected a number", i + 1, i);
        add(p, SILK_SEVERITY_ERROR, message);
    }
    assert_int_equal(silk_problems_group_count(p), 1);
    assert_int_equal(silk_problems_group_total(p, 0), 250);
    assert_int_equal(silk_problems_group_listed(p, 0), SILK_PROBLEMS_LISTED);
    assert_int_equal(silk_problems_get(p, 0, 99)->line, 101);
    assert_null(silk_problems_get(p, 0, 100));
    silk_problems_free(p);

    p = collector(true);
    for (int i = 0; i < SILK_PROBLEMS_GROUPS + 5; i++) {
        snprintf(message, sizeof message,
                 "a.csv:2:1: unknown country 'C%c%c'; closest known: x",
                 'A' + i / 26, 'A' + i % 26);
        add(p, SILK_SEVERITY_ERROR, message);
    }
    assert_int_equal(silk_problems_group_count(p), SILK_PROBLEMS_GROUPS + 1);
    assert_string_equal(
        silk_problems_group_kind(p, SILK_PROBLEMS_GROUPS), "other problems");
    assert_int_equal(silk_problems_group_total(p, SILK_PROBLEMS_GROUPS), 5);
    assert_string_equal(silk_problems_get(p, SILK_PROBLEMS_GROUPS, 0)->message,
                        "unknown country 'CHS'; closest known: x");
    assert_int_equal(silk_problems_error_count(p), SILK_PROBLEMS_GROUPS + 5);
    silk_problems_free(p);
}

/* The formats' doors: with a --check collector a row error is recorded
 * and cleared; without one, or with a warnings-only collector, the status
 * comes back unchanged; out of memory is never swallowed. */
static void test_row_problem(void **state)
{
    (void)state;
    silk_error err = {0};
    silk_ingest_options none = {0};
    silk_error_set(&err, SILK_EPARSE, "a.csv:2:5: 'x' in column 'value' is "
                                      "not a number; expected a number");
    assert_int_equal(silk_ingest_row_problem(&none, SILK_EPARSE, &err),
                     SILK_EPARSE);
    assert_int_equal(silk_ingest_row_problem(NULL, SILK_EPARSE, &err),
                     SILK_EPARSE);

    silk_problems *warnings = collector(false);
    silk_ingest_options plain = {.problems = warnings};
    assert_int_equal(silk_ingest_row_problem(&plain, SILK_EPARSE, &err),
                     SILK_EPARSE);
    assert_int_equal(silk_problems_error_count(warnings), 0);
    silk_ingest_warning(&plain, "a.csv:3:4: '1900' in column 'period' is an "
                                "implausible year; expected 1950 or later");
    assert_int_equal(silk_problems_warning_count(warnings), 1);
    silk_problems_free(warnings);

    silk_problems *p = collector(true);
    silk_ingest_options check = {.problems = p};
    assert_int_equal(silk_ingest_row_problem(&check, SILK_EPARSE, &err),
                     SILK_OK);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.message, "");
    assert_int_equal(silk_problems_error_count(p), 1);
    assert_string_equal(silk_problems_get(p, 0, 0)->message,
                        "'x' in column 'value' is not a number; expected a "
                        "number");
    silk_error_set(&err, SILK_ENOMEM, "out of memory");
    assert_int_equal(silk_ingest_row_problem(&check, SILK_ENOMEM, &err),
                     SILK_ENOMEM);
    assert_int_equal(silk_ingest_row_problem(&check, SILK_OK, &err), SILK_OK);
    assert_int_equal(silk_problems_error_count(p), 1);
    silk_ingest_warning(NULL, "ignored");
    silk_problems_free(p);
}

static void put(silk_batch *batch, const char *origin, const char *period,
                double value)
{
    silk_period p;
    silk_error err = {0};
    assert_int_equal(silk_period_parse(period, strlen(period), &p), SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", origin, "IRN", p, value,
                                    0, "persons", NULL, 0, 2, &err),
                     SILK_OK);
}

/* A jump needs both neighbours (the nearest non-missing values), both
 * non-zero, and a factor of 1000 against each. */
static void test_sanity(void **state)
{
    (void)state;
    silk_batch *batch = NULL;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    /* AFG: 12, gap, 250000, 15: a jump over the gap, 250000/15 = 16667 */
    put(batch, "AFG", "2020", 12);
    put(batch, "AFG", "2021", NAN);
    put(batch, "AFG", "2022", 250000);
    put(batch, "AFG", "2023", 15);
    /* PAK: 12000, 3, 15000: a drop, 12000/3 = 4000 */
    put(batch, "PAK", "2020", 12000);
    put(batch, "PAK", "2022", 3);
    put(batch, "PAK", "2023", 15000);
    /* BGD: 999 times only; IRQ: a zero neighbour; IRN: at the edge */
    put(batch, "BGD", "2020", 10);
    put(batch, "BGD", "2022", 9990);
    put(batch, "BGD", "2023", 10);
    put(batch, "IRQ", "2020", 0);
    put(batch, "IRQ", "2022", 50000);
    put(batch, "IRQ", "2023", 5);
    put(batch, "IRN", "2020", 5);
    put(batch, "IRN", "2022", 50000);

    silk_problems *p = collector(true);
    silk_ingest_options opt = {.problems = p};
    assert_int_equal(silk_ingest_sanity(batch, &opt, &err), SILK_OK);
    assert_int_equal(silk_problems_warning_count(p), 2);
    assert_int_equal(silk_problems_group_count(p), 1);
    assert_int_equal(silk_problems_group_severity(p, 0),
                     SILK_SEVERITY_WARNING);
    /* no position: ordered as added, origins in code order */
    assert_string_equal(silk_problems_get(p, 0, 0)->message,
                        "indicator refugees, AFG -> IRN, period 2022: 250000 "
                        "jumps from 12 in 2020 and 15 in 2023 (x16667); check "
                        "for a unit or typing error");
    assert_string_equal(silk_problems_get(p, 0, 1)->message,
                        "indicator refugees, PAK -> IRN, period 2022: 3 drops "
                        "from 12000 in 2020 and 15000 in 2023 (1/4000); check "
                        "for a unit or typing error");
    assert_string_equal(silk_problems_get(p, 0, 1)->file, "");
    silk_problems_free(p);

    silk_ingest_options quiet = {0};
    assert_int_equal(silk_ingest_sanity(batch, &quiet, &err), SILK_OK);
    silk_batch_free(batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind),
        cmocka_unit_test(test_position_and_counts),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_row_problem),
        cmocka_unit_test(test_sanity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
