/*
 * test_job_keys.c: plans (src/job/plan.c): the command lines built from a
 * section (--key=value, bare switches, repeats, positional arguments after
 * "--", job-only keys kept out), the order and dependencies of steps, and
 * the keys: a change of one setting changes that step's key and those of
 * the steps that depend on it, and no other; a changed input file changes
 * everything from the ingest on.  Last, the key tables against the
 * commands themselves: every option a table passes is one the command's
 * own parser accepts ($SILKSTAT, set by tests/run.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "silkstat/job.h"
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

static void write_file(const char *name, const char *text)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", tmpdir, name);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The template job; %s are the chart b title, the compute's param, and
 * an extra line for chart a. */
static const char *job_text =
    "[job]\nstore = s.h5\nout = out\n"
    "[ingest]\nfile = in.csv\n"
    "[compute c1]\nmodule = yoy_change\n%s"
    "[compute c2]\nmodule = index\nparam = base=2020\n"
    "[chart a]\ngoal = overview\ntitle = A\nindicator = refugees\n"
    "origin = AFG\ntotal = yes\nno-trend = no\nmark = 2025=x\n"
    "mark = 2020=y\nabout = Refugees in {label}\n%s"
    "[chart b]\ngoal = protection\ntitle = %s\nindicator = refugees\n"
    "[trend t]\ngoal = return\ntitle = T\nindicator = refugees\n";

typedef struct keys {
    char step[8][65];
    char name[8][32];
    size_t n;
} keys;

static void plan_keys(const char *c1_extra, const char *a_extra,
                      const char *b_title, keys *out, silk_plan **keep)
{
    char text[2048], job_path[512], program[512];
    snprintf(program, sizeof program, "%s/silkstat", tmpdir);
    snprintf(text, sizeof text, job_text, c1_extra, a_extra, b_title);
    snprintf(job_path, sizeof job_path, "%s/job.ini", tmpdir);
    write_file("job.ini", text);
    silk_job *job = NULL;
    silk_plan *plan = NULL;
    silk_error err;
    silk_error_clear(&err);
    if (silk_job_load(job_path, &job, &err) != SILK_OK ||
        silk_job_plan(job, program, &plan, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_true(plan->n_steps <= 8);
    out->n = plan->n_steps;
    for (size_t i = 0; i < plan->n_steps; i++) {
        memcpy(out->step[i], plan->steps[i].key, 65);
        snprintf(out->name[i], sizeof out->name[i], "%s",
                 plan->steps[i].name);
    }
    if (keep != NULL) {
        *keep = plan;
        return; /* the caller frees plan and job (plan->job) */
    }
    silk_plan_free(plan);
    silk_job_free(job);
}

/* Which steps' keys differ, as "name,name". */
static void changed(const keys *a, const keys *b, char *buf, size_t size)
{
    buf[0] = '\0';
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->step[i], b->step[i]) != 0) {
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                     a->name[i]);
        }
}

static void commands(void **state)
{
    (void)state;
    write_file("in.csv", "indicator,origin,destination,period,value\n");
    write_file("silkstat", "a program\n");
    char program[512];
    snprintf(program, sizeof program, "%s/silkstat", tmpdir);
    keys k;
    silk_plan *plan = NULL;
    plan_keys("", "", "B", &k, &plan);
    const silk_job *job = plan->job;
    /* order: ingest, computes in file order, charts and tables, report */
    const char *order[] = {"ingest", "c1", "c2", "a", "b", "t", "report"};
    assert_int_equal(plan->n_steps, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(plan->steps[i].name, order[i]);

    /* the ingest writes a fresh store, renamed over the old on success */
    const silk_plan_step *ingest = &plan->steps[0];
    const char *want_ingest[] = {program, "ingest",
                                 "--store=s.new.h5", "--", "in.csv"};
    assert_int_equal(ingest->commands[0].argc, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(ingest->commands[0].argv[i], want_ingest[i]);
    assert_null(ingest->commands[0].argv[5]);
    assert_int_equal(ingest->commands[0].dry, 3);
    assert_false(ingest->parallel);

    /* chart a: SVG, PNG, then PDF; switches bare or left out; repeats
     * repeated; job-only keys (goal, about) not passed */
    const silk_plan_step *a = &plan->steps[3];
    assert_true(a->parallel);
    assert_int_equal(a->n_commands, 3);
    const char *want_a[] = {program,             "chart", "--store=s.h5",
                            "--out=out/a.svg",   "--title=A",
                            "--indicator=refugees", "--origin=AFG",
                            "--total",           "--mark=2025=x",
                            "--mark=2020=y"};
    assert_int_equal(a->commands[0].argc, 10);
    for (size_t i = 0; i < 10; i++)
        assert_string_equal(a->commands[0].argv[i], want_a[i]);
    assert_string_equal(a->commands[1].argv[3], "--out=out/a.png");
    assert_string_equal(a->commands[2].argv[3], "--out=out/a.pdf");
    assert_int_equal(a->n_needs, 1);
    assert_int_equal(a->needs[0], 2); /* the last compute */

    /* compute: the module as an argument */
    const silk_plan_step *c2 = &plan->steps[2];
    const char *want_c2[] = {program, "compute", "--store=s.h5",
                             "--param=base=2020", "--", "index"};
    assert_int_equal(c2->commands[0].argc, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(c2->commands[0].argv[i], want_c2[i]);
    assert_int_equal(c2->needs[0], 1);

    /* a table's stdout goes to OUT/NAME.csv */
    const silk_plan_step *t = &plan->steps[5];
    char want_csv[512];
    snprintf(want_csv, sizeof want_csv, "%s/out/t.csv", job->base);
    assert_string_equal(t->commands[0].stdout_path, want_csv);
    assert_string_equal(t->label, "trend t");

    /* the report needs the computes and follows every chart and table */
    const silk_plan_step *report = &plan->steps[6];
    assert_false(report->parallel);
    assert_int_equal(report->n_needs, 1);
    assert_int_equal(report->needs[0], 2);
    assert_int_equal(report->n_after, 3);
    assert_string_equal(report->commands[0].argv[1], "report");
    silk_plan_free(plan);
    silk_job_free((silk_job *)job);
}

static void keys_change_with_their_inputs(void **state)
{
    (void)state;
    write_file("silkstat", "a program\n");
    write_file("in.csv", "indicator,origin,destination,period,value\n"
                         "refugees,AFG,IRN,2024,1\n");
    keys base, other;
    char diff[256];
    plan_keys("", "", "B", &base, NULL);
    plan_keys("", "", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, ""); /* deterministic */

    /* one chart's title: that chart and the report */
    plan_keys("", "", "B, retitled", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "b,report");

    /* a key the report reads but the chart command does not: the
     * report only */
    plan_keys("", "note = a note\n", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "report");

    /* an option of chart a */
    plan_keys("", "from = 2000\n", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "a,report");

    /* the first compute: it, the computes after it, everything after */
    plan_keys("param = x=1\n", "", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "c1,c2,a,b,t,report");

    /* an input file's bytes: everything */
    write_file("in.csv", "indicator,origin,destination,period,value\n"
                         "refugees,AFG,IRN,2024,2\n");
    plan_keys("", "", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "ingest,c1,c2,a,b,t,report");

    /* a rebuilt program: everything, whatever the path */
    plan_keys("", "", "B", &base, NULL);
    write_file("silkstat", "a program, rebuilt\n");
    plan_keys("", "", "B", &other, NULL);
    changed(&base, &other, diff, sizeof diff);
    assert_string_equal(diff, "ingest,c1,c2,a,b,t,report");
}

static void missing_input(void **state)
{
    (void)state;
    write_file("job.ini", "[job]\nstore = s.h5\nout = out\n[ingest]\n"
                          "file = in.csv\nfile = nowhere.csv\n");
    char job_path[512];
    snprintf(job_path, sizeof job_path, "%s/job.ini", tmpdir);
    silk_job *job = NULL;
    silk_plan *plan = NULL;
    silk_error err;
    silk_error_clear(&err);
    assert_int_equal(silk_job_load(job_path, &job, &err), SILK_OK);
    char program[512];
    snprintf(program, sizeof program, "%s/silkstat", tmpdir);
    write_file("silkstat", "a program\n");
    assert_int_equal(silk_job_plan(job, program, &plan, &err), SILK_EIO);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:6: [ingest] file 'nowhere.csv' cannot be read: No such "
             "file or directory",
             job_path);
    assert_string_equal(err.message, want);
    assert_null(plan);
    silk_job_free(job);
}

/* A value each option's own parser accepts (periods, marks, settings). */
static const char *sample(const char *option)
{
    static const struct {
        const char *option, *value;
    } values[] = {{"from", "2000"},       {"to", "2001"},
                  {"break", "2000"},      {"mark", "2000=x"},
                  {"where", "a=b"},       {"column", "origin=o"},
                  {"delimiter", ","},     {"param", "a=b"},
                  {"input", "a=b"},       {"indicator", "x"}};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        if (strcmp(values[i].option, option) == 0)
            return values[i].value;
    return "1";
}

/* Runs SILKSTAT COMMAND --OPTION[=VALUE] --help; its exit status. */
static int accepts(const char *silkstat, const char *command,
                   const char *option, bool is_switch)
{
    char arg[256];
    if (is_switch)
        snprintf(arg, sizeof arg, "--%s", option);
    else
        snprintf(arg, sizeof arg, "--%s=%s", option, sample(option));
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(silkstat, silkstat, command, arg, "--help", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void tables_match_the_commands(void **state)
{
    (void)state;
    const char *silkstat = getenv("SILKSTAT");
    if (silkstat == NULL || silkstat[0] == '\0')
        silkstat = "build/silkstat";
    if (access(silkstat, X_OK) != 0)
        skip();
    /* the switches, as the tables mark them (KEY_FLAG) */
    static const char *const switches[] = {"total", "no-trend", "band", "log",
                                           "periods-as-columns"};
    for (int kind = SILK_STEP_INGEST; kind < SILK_STEP_REPORT; kind++) {
        const char *option = NULL, *key;
        for (size_t i = 0;
             (key = silk_job_key_name((silk_step_kind)kind, i, &option));
             i++) {
            if (option == NULL)
                continue;
            bool is_switch = false;
            for (size_t s = 0; s < sizeof switches / sizeof *switches; s++)
                is_switch = is_switch || strcmp(option, switches[s]) == 0;
            int status = accepts(silkstat,
                                 silk_step_kind_name((silk_step_kind)kind),
                                 option, is_switch);
            if (status != 0)
                fail_msg("'%s %s --%s' is refused (exit %d): the key table "
                         "of [%s] is out of date",
                         silkstat, silk_step_kind_name((silk_step_kind)kind),
                         option, status,
                         silk_step_kind_name((silk_step_kind)kind));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commands),
        cmocka_unit_test(keys_change_with_their_inputs),
        cmocka_unit_test(missing_input),
        cmocka_unit_test(tables_match_the_commands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
