/*
 * test_job.c: job files (src/job/parse.c): what a good file gives, and
 * every error with its exact message, file and line: unknown section
 * type, bad or reserved or repeated name, unknown key, a key given twice,
 * a switch that is not yes/no, a bad goal, a missing required key, an
 * empty section, a key before any section, no [job], INI syntax.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat/job.h"

#define HEAD "[job]\nstore = s.h5\nout = out\n"

/* Parses text as /nonexistent/job.ini (no root: the folder need not
 * exist) and returns the status; *job is set on success. */
static int parse(const char *text, silk_job **job, silk_error *err)
{
    silk_error_clear(err);
    return silk_job_parse(text, strlen(text), "/nonexistent/job.ini", job,
                          err);
}

/* The parse fails with exactly this message. */
static void expect_error(const char *text, const char *message)
{
    silk_job *job = NULL;
    silk_error err;
    int status = parse(text, &job, &err);
    if (status == SILK_OK) {
        silk_job_free(job);
        fail_msg("accepted; expected \"%s\"", message);
    }
    assert_null(job);
    assert_string_equal(err.message, message);
}

static void good_job(void **state)
{
    (void)state;
    const char *text =
        "; a comment\n"
        "[job]\n"
        "title = Briefing & <more>\n"
        "subtitle = first line\n"
        "    continued here\n"
        "store = build/s.h5   ; an inline comment\n"
        "out = plots/b\n"
        "\n"
        "[ingest]\n"
        "file = a.csv\n"
        "file = b.csv\n"
        "[compute rates]\n"
        "module = recognition_rate\n"
        "total = yes\n"
        "[chart afghan-refugees]\n"
        "goal = protection\n"
        "title = Afghan refugees; Iran\n"
        "indicator = refugees\n"
        "mark = 2025=a\n"
        "mark = 2020=b\n"
        "no-trend = no\n"
        "[section protection]\n"
        "intro = Protection\n"
        "  in two lines\n";
    silk_job *job = NULL;
    silk_error err;
    if (parse(text, &job, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(job->title, "Briefing & <more>");
    assert_string_equal(job->subtitle, "first line continued here");
    assert_string_equal(job->store, "build/s.h5");
    assert_string_equal(job->out, "plots/b");
    assert_string_equal(job->base, "/nonexistent");
    assert_int_equal(job->n_steps, 3);
    assert_int_equal(job->steps[0].kind, SILK_STEP_INGEST);
    assert_string_equal(job->steps[0].name, "ingest");
    assert_int_equal(job->steps[0].n_settings, 2);
    assert_int_equal(job->steps[1].kind, SILK_STEP_COMPUTE);
    assert_int_equal(job->steps[1].line, 12);
    const silk_job_step *chart = silk_job_find(job, "afghan-refugees");
    assert_non_null(chart);
    assert_int_equal(chart->kind, SILK_STEP_CHART);
    assert_int_equal(chart->goal, SILK_GOAL_PROTECTION);
    assert_int_equal(chart->line, 15);
    /* a ';' without a blank before it is text, not a comment */
    assert_string_equal(silk_job_get(chart, "title"), "Afghan refugees; Iran");
    /* repeated keys stay apart, in order, with their lines */
    assert_int_equal(chart->n_settings, 6);
    assert_string_equal(chart->settings[3].key, "mark");
    assert_string_equal(chart->settings[3].value, "2025=a");
    assert_int_equal(chart->settings[3].line, 19);
    assert_string_equal(chart->settings[4].value, "2020=b");
    assert_string_equal(job->intro[SILK_GOAL_PROTECTION],
                        "Protection in two lines");
    assert_null(job->intro[SILK_GOAL_RETURN]);
    assert_int_equal(job->section_line[SILK_GOAL_PROTECTION], 22);
    silk_job_free(job);
}

static void bom_and_crlf(void **state)
{
    (void)state;
    /* a job saved by a Windows editor: BOM, CRLF */
    const char *text = "\xEF\xBB\xBF[job]\r\nstore = s.h5\r\nout = o\r\n"
                       "[chart a]\r\ngoal = overview\r\ntitle = T\r\n"
                       "indicator = x\r\n";
    silk_job *job = NULL;
    silk_error err;
    if (parse(text, &job, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(job->store, "s.h5");
    assert_int_equal(job->steps[0].line, 4);
    assert_string_equal(silk_job_get(&job->steps[0], "title"), "T");
    silk_job_free(job);
    expect_error("\xEF\xBB\xBF[job]\r\nstore = s\r\nout = o\r\n[job]\r\n"
                 "out = p\r\n",
                 "/nonexistent/job.ini:4: section [job] repeated (first at "
                 "line 1)");
}

static void long_lines(void **state)
{
    (void)state;
    /* inih's default 200-byte line buffer would cut this in two */
    size_t n = 10000;
    char *text = malloc(n + 200);
    assert_non_null(text);
    int at = snprintf(text, 200, HEAD "[chart a]\ngoal = overview\n"
                                 "indicator = x\ntitle = ");
    memset(text + at, 'x', n);
    strcpy(text + at + n, "\n");
    silk_job *job = NULL;
    silk_error err;
    if (parse(text, &job, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(strlen(silk_job_get(&job->steps[0], "title")), n);
    silk_job_free(job);
    free(text);

    n = 70000; /* over the limit: an error at its line, not a bogus key */
    text = malloc(n + 200);
    assert_non_null(text);
    at = snprintf(text, 200, HEAD "[chart a]\ngoal = overview\n"
                             "indicator = x\ntitle = ");
    memset(text + at, 'x', n);
    strcpy(text + at + n, "\n");
    expect_error(text, "/nonexistent/job.ini:7: line longer than 65536 "
                       "bytes");
    free(text);
}

static void unknown_section_type(void **state)
{
    (void)state;
    expect_error(HEAD "[graph x]\ntitle = t\n",
                 "/nonexistent/job.ini:4: section [graph x]: unknown section "
                 "type 'graph'; expected job, ingest, compute, chart, trend, "
                 "forecast, results or section");
}

static void bad_names(void **state)
{
    (void)state;
    expect_error(HEAD "[chart Afghan_Refugees]\ngoal = overview\n",
                 "/nonexistent/job.ini:4: section [chart Afghan_Refugees]: "
                 "name 'Afghan_Refugees' must be 1-64 lowercase letters, "
                 "digits and '-' ([a-z0-9-]+, not starting with '-'): it "
                 "names the output files");
    expect_error(HEAD "[chart ../../etc]\ngoal = overview\n",
                 "/nonexistent/job.ini:4: section [chart ../../etc]: name "
                 "'../../etc' must be 1-64 lowercase letters, digits and '-' "
                 "([a-z0-9-]+, not starting with '-'): it names the output "
                 "files");
    expect_error(HEAD "[chart]\ngoal = overview\n",
                 "/nonexistent/job.ini:4: section [chart]: a chart needs a "
                 "name, as in [chart NAME]");
    expect_error(HEAD "[trend figures]\ngoal = overview\n",
                 "/nonexistent/job.ini:4: section [trend figures]: name "
                 "'figures' is reserved for the pack's own files");
    expect_error(HEAD "[ingest more]\nfile = x\n",
                 "/nonexistent/job.ini:4: section [ingest more]: [ingest] "
                 "takes no name");
}

static void duplicate_sections(void **state)
{
    (void)state;
    const char *chart = "goal = overview\ntitle = t\nindicator = i\n";
    char text[512];
    snprintf(text, sizeof text, HEAD "[chart a]\n%s[chart a]\n%s", chart,
             chart);
    expect_error(text, "/nonexistent/job.ini:8: section [chart a]: name 'a' "
                       "already used by the section at line 4");
    /* names are one namespace: logs/NAME.log, OUT/NAME.csv */
    snprintf(text, sizeof text,
             HEAD "[compute a]\nmodule = m\n[chart a]\n%s", chart);
    expect_error(text, "/nonexistent/job.ini:6: section [chart a]: name 'a' "
                       "already used by the section at line 4");
    expect_error(HEAD "[job]\ntitle = t\n",
                 "/nonexistent/job.ini:4: section [job] repeated (first at "
                 "line 1)");
    expect_error(HEAD "[section return]\nintro = a\n[section return]\n"
                      "intro = b\n",
                 "/nonexistent/job.ini:6: section [section return] repeated "
                 "(first at line 4)");
}

static void unknown_key(void **state)
{
    (void)state;
    expect_error(HEAD "[chart a]\ngoal = overview\ncolour = red\n",
                 "/nonexistent/job.ini:6: [chart a] unknown key 'colour'; a "
                 "chart section takes goal, note, about, title, type, "
                 "indicator, origin, destination, from, to, where, "
                 "countries, groups, subtitle, source, mark, total, "
                 "no-trend, band, period, periods, top, by, log, horizon, "
                 "alpha, beta, phi");
    expect_error(HEAD "[ingest]\nfile = a\nstore = b\n",
                 "/nonexistent/job.ini:6: [ingest] unknown key 'store'; a "
                 "ingest section takes file, format, indicator, column, "
                 "value-columns, periods-as-columns, delimiter, countries, "
                 "groups");
    expect_error("[job]\nstore = s\nout = o\nthreads = 4\n",
                 "/nonexistent/job.ini:4: [job] unknown key 'threads'; "
                 "expected title, subtitle, store, out or root");
    expect_error(HEAD "[section protection]\ntitle = x\n",
                 "/nonexistent/job.ini:5: [section protection] unknown key "
                 "'title'; expected intro or needs");
}

static void repeated_key(void **state)
{
    (void)state;
    expect_error(HEAD "[chart a]\ngoal = overview\ntitle = one\n"
                      "title = two\n",
                 "/nonexistent/job.ini:7: [chart a] key 'title' given twice "
                 "(first at line 6); it takes one value");
    expect_error("[job]\nstore = s\nout = o\nout = p\n",
                 "/nonexistent/job.ini:4: [job] key 'out' given twice; it "
                 "takes one value");
}

static void bad_values(void **state)
{
    (void)state;
    expect_error(HEAD "[chart a]\ngoal = overview\ntotal = true\n",
                 "/nonexistent/job.ini:6: [chart a] key 'total' is a switch: "
                 "expected yes or no, got 'true'");
    expect_error(HEAD "[chart a]\ngoal = asylum\n",
                 "/nonexistent/job.ini:5: [chart a] goal 'asylum' is not one "
                 "of overview, irregular, legal, return, development, "
                 "protection, integration");
    expect_error(HEAD "[section asylum]\nintro = x\n",
                 "/nonexistent/job.ini:4: section [section asylum]: 'asylum' "
                 "is not a goal; expected overview, irregular, legal, "
                 "return, development, protection or integration");
}

static void missing_keys(void **state)
{
    (void)state;
    expect_error(HEAD "[chart a]\ngoal = overview\nindicator = x\n",
                 "/nonexistent/job.ini:4: [chart a] missing required key "
                 "'title'");
    expect_error(HEAD "[chart a]\ntitle = t\nindicator = x\n",
                 "/nonexistent/job.ini:4: [chart a] missing required key "
                 "'goal'");
    expect_error(HEAD "[compute a]\ntotal = yes\n",
                 "/nonexistent/job.ini:4: [compute a] missing required key "
                 "'module'");
    expect_error(HEAD "[ingest]\nformat = tidy\n",
                 "/nonexistent/job.ini:4: [ingest] missing required key "
                 "'file'");
    expect_error(HEAD "[results r]\ngoal = legal\ntitle = t\ntable =\n",
                 "/nonexistent/job.ini:4: [results r] missing required key "
                 "'table'");
    expect_error("[job]\nstore = s\n",
                 "/nonexistent/job.ini:1: [job] missing required key 'out'");
    expect_error("[ingest]\nfile = a\n",
                 "/nonexistent/job.ini:1: missing section [job] (with store "
                 "and out at least)");
}

static void structure(void **state)
{
    (void)state;
    expect_error("title = x\n[job]\nstore = s\nout = o\n",
                 "/nonexistent/job.ini:1: key 'title' before any section; "
                 "start with [job]");
    expect_error(HEAD "[chart a]\n[chart b]\ngoal = overview\ntitle = t\n"
                      "indicator = i\n",
                 "/nonexistent/job.ini:4: section [chart a] has no keys");
    expect_error(HEAD "[chart a]\ngoal overview\n",
                 "/nonexistent/job.ini:5: expected '[section]', 'key = "
                 "value' or a comment");
    expect_error(HEAD "[chart a\ngoal = overview\n",
                 "/nonexistent/job.ini:4: expected '[section]', 'key = "
                 "value' or a comment");
}

static void load_errors(void **state)
{
    (void)state;
    silk_job *job = NULL;
    silk_error err;
    silk_error_clear(&err);
    assert_int_equal(silk_job_load("/nonexistent/job.ini", &job, &err),
                     SILK_EIO);
    assert_string_equal(err.message, "cannot read job file "
                                     "'/nonexistent/job.ini': No such file "
                                     "or directory");
    const char *text = "[job]\nstore = s\nout = o\nroot = missing-folder\n";
    assert_int_equal(silk_job_parse(text, strlen(text), "/tmp/job.ini", &job,
                                    &err),
                     SILK_EIO);
    assert_string_equal(err.message,
                        "/tmp/job.ini:1: [job] root 'missing-folder' is not "
                        "a folder: No such file or directory");
}

static void goals_and_keys(void **state)
{
    (void)state;
    silk_goal g;
    assert_int_equal(silk_goal_parse("protection", &g), SILK_OK);
    assert_int_equal(g, SILK_GOAL_PROTECTION);
    assert_int_equal(g, 5); /* the Call for Action's numbering */
    assert_string_equal(silk_goal_name(SILK_GOAL_IRREGULAR), "irregular");
    assert_string_equal(silk_goal_title(SILK_GOAL_RETURN),
                        "Return, readmission and reintegration");
    assert_int_equal(silk_goal_parse("Protection", &g), SILK_EINVAL);
    const char *option = NULL;
    assert_string_equal(silk_job_key_name(SILK_STEP_COMPUTE, 0, &option),
                        "module");
    assert_null(option); /* the module is an argument, not an option */
    size_t i = 0;
    while (silk_job_key_name(SILK_STEP_COMPUTE, i, &option) != NULL &&
           strcmp(silk_job_key_name(SILK_STEP_COMPUTE, i, NULL), "load"))
        i++;
    assert_string_equal(option, "module"); /* load = x.so -> --module=x.so */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_job),
        cmocka_unit_test(bom_and_crlf),
        cmocka_unit_test(long_lines),
        cmocka_unit_test(unknown_section_type),
        cmocka_unit_test(bad_names),
        cmocka_unit_test(duplicate_sections),
        cmocka_unit_test(unknown_key),
        cmocka_unit_test(repeated_key),
        cmocka_unit_test(bad_values),
        cmocka_unit_test(missing_keys),
        cmocka_unit_test(structure),
        cmocka_unit_test(load_errors),
        cmocka_unit_test(goals_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
