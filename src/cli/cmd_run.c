/*
 * cmd_run.c: `silkstat run JOB.ini [--force] [--quiet] [--jobs N]`: runs a
 * job file (scripts/jobs/README.md) through the library's planner and
 * runner, every step a child process of this same binary, and prints
 * progress on stderr and the summary on stdout.  Its own few options
 * are parsed here: they belong to no other command.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli/parallel.h"
#include "silkstat/job.h"

static const char usage[] =
    "usage: silkstat run JOB.ini [--force] [--quiet] [--jobs N]\n"
    "Runs a job file: ingests its files into a fresh store, runs its\n"
    "computes in order, draws its charts and tables (in parallel) into its\n"
    "output folder and makes the briefing pack there (index.html,\n"
    "briefing.pdf, figures.csv; see 'silkstat report').  Each step is a\n"
    "child process of silkstat with its output in OUT/logs/NAME.log; a\n"
    "step whose inputs have not changed since its last success is up to\n"
    "date and skipped.  The job file format: scripts/jobs/README.md.\n"
    "  --force    redo every step\n"
    "  --quiet    print only failures and the summary line\n"
    "  --jobs N   steps at once (default SILKSTAT_THREADS, else every core)\n"
    "Exit status: 0 when every step succeeded, 1 when one failed, 2 for a\n"
    "problem with the command line or the job file (nothing is run).\n";

typedef struct view {
    bool tty, quiet;
    size_t total;
    char cwd[PATH_MAX];
} view;

/* A path as the user would type it: relative to the current folder when
 * it lies below it. */
static const char *shown(const view *v, const char *path)
{
    size_t n = strlen(v->cwd);
    if (n > 0 && strncmp(path, v->cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static const char *result_word(silk_step_result r)
{
    switch (r) {
    case SILK_RESULT_OK: return "ok";
    case SILK_RESULT_UP_TO_DATE: return "up to date";
    case SILK_RESULT_FAILED: return "FAILED";
    case SILK_RESULT_NOT_RUN: return "not run";
    case SILK_RESULT_PENDING:
    case SILK_RESULT_RUNNING: break;
    }
    return "?";
}

static void bar(const view *v, size_t done, const char *label)
{
    enum { WIDTH = 24 };
    size_t fill = v->total ? done * WIDTH / v->total : WIDTH;
    fputs("\r\033[K[", stderr);
    for (size_t i = 0; i < WIDTH; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu", done, v->total);
    if (label != NULL)
        fprintf(stderr, "  %.50s", label);
    fflush(stderr);
}

static void on_progress(const silk_plan *plan, size_t i,
                        const silk_step_outcome *o, size_t done, void *ctx)
{
    view *v = ctx;
    const silk_plan_step *p = &plan->steps[i];
    if (o->result == SILK_RESULT_RUNNING) {
        if (v->tty && !v->quiet)
            bar(v, done, p->label);
        return;
    }
    bool bad = o->result == SILK_RESULT_FAILED ||
               o->result == SILK_RESULT_NOT_RUN;
    if (!bad && (v->quiet || v->tty)) {
        if (v->tty && !v->quiet)
            bar(v, done, NULL);
        return;
    }
    if (v->tty && !v->quiet)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "[%zu/%zu] %s: %s", done, v->total, p->label,
            result_word(o->result));
    if (o->result == SILK_RESULT_OK)
        fprintf(stderr, " (%.1f s)", o->seconds);
    if (bad && o->error[0] != '\0')
        fprintf(stderr, ": %s", o->error);
    if (o->result == SILK_RESULT_FAILED)
        fprintf(stderr, " (log: %s)", shown(v, p->log));
    fputc('\n', stderr);
    if (v->tty && !v->quiet)
        bar(v, done, NULL);
}

static void summary(const view *v, const silk_plan *plan,
                    const silk_step_outcome *outcomes, double seconds)
{
    size_t count[6] = {0};
    for (size_t i = 0; i < plan->n_steps; i++)
        count[outcomes[i].result]++;
    if (!v->quiet) {
        printf("summary:\n");
        for (size_t i = 0; i < plan->n_steps; i++) {
            const silk_plan_step *p = &plan->steps[i];
            const silk_step_outcome *o = &outcomes[i];
            bool more = o->result != SILK_RESULT_UP_TO_DATE;
            /* columns, without blanks at the end of a line */
            printf("  %-10s  %-*s", result_word(o->result), more ? 32 : 0,
                   p->label);
            if (o->result == SILK_RESULT_OK)
                printf("  %6.1f s", o->seconds);
            if (o->result == SILK_RESULT_FAILED ||
                o->result == SILK_RESULT_NOT_RUN)
                printf("  %s", o->error);
            if (o->result == SILK_RESULT_FAILED)
                printf(" (log: %s)", shown(v, p->log));
            printf("\n");
        }
    }
    printf("%zu steps: %zu ok, %zu up to date", plan->n_steps,
           count[SILK_RESULT_OK], count[SILK_RESULT_UP_TO_DATE]);
    if (count[SILK_RESULT_FAILED])
        printf(", %zu FAILED", count[SILK_RESULT_FAILED]);
    if (count[SILK_RESULT_NOT_RUN])
        printf(", %zu not run", count[SILK_RESULT_NOT_RUN]);
    printf(" in %.1f s; briefing pack: %s/index.html\n", seconds,
           shown(v, plan->out_dir));
}

int cmd_run(int argc, char **argv)
{
    static const struct option options[] = {
        {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    silk_run_options ropt = {0};
    const char *jobs_text = NULL;
    view v = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'f': ropt.force = true; break;
        case 'q': v.quiet = true; break;
        case 'j': jobs_text = optarg; break;
        case 'h': printf("%s", usage); return 0;
        default:
            cli_usage_error(c == ':' ? "option '%s' needs a value"
                                     : "unknown option '%s' for 'run'",
                            argv[optind - 1]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_usage_error("expected one job file, got %d arguments",
                        argc - optind);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    silk_error err;
    silk_error_clear(&err);
    unsigned jobs;
    if (cli_thread_count(jobs_text, &jobs, &err) != SILK_OK) {
        /* the message names --threads; this command calls it --jobs */
        if (jobs_text != NULL)
            return cli_usage_error("--jobs '%s' is not a number of steps; "
                                   "expected a whole number from 1 to %d",
                                   jobs_text, CLI_THREADS_MAX);
        return cli_usage_error("%s", err.message);
    }
    char program[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", program, sizeof program - 1);
    if (n <= 0)
        return cli_usage_error("cannot find the silkstat binary "
                               "(/proc/self/exe)");
    program[n] = '\0';
    if (getcwd(v.cwd, sizeof v.cwd) == NULL)
        v.cwd[0] = '\0';

    silk_job *job = NULL;
    silk_plan *plan = NULL;
    silk_step_outcome *outcomes = NULL;
    int status = silk_job_load(argv[optind], &job, &err);
    if (status == SILK_OK)
        status = silk_job_plan(job, program, &plan, &err);
    if (status != SILK_OK) {
        silk_job_free(job);
        fprintf(stderr, "silkstat: %s\n", err.message);
        return status == SILK_EPARSE || status == SILK_EINVAL ? EXIT_USAGE
                                                              : 1;
    }
    outcomes = calloc(plan->n_steps, sizeof *outcomes);
    if (outcomes == NULL) {
        silk_plan_free(plan);
        silk_job_free(job);
        return cli_usage_error("out of memory");
    }
    v.tty = isatty(STDERR_FILENO) == 1;
    v.total = plan->n_steps;
    ropt.jobs = jobs;
    ropt.progress = on_progress;
    ropt.ctx = &v;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    status = silk_job_run(plan, &ropt, outcomes, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (v.tty && !v.quiet)
        fputs("\r\033[K", stderr);
    int exit_status = 0;
    if (status != SILK_OK) {
        fprintf(stderr, "silkstat: %s\n", err.message);
        exit_status = status == SILK_EINVAL ? EXIT_USAGE : 1;
    } else {
        summary(&v, plan, outcomes,
                (double)(t1.tv_sec - t0.tv_sec) +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        for (size_t i = 0; i < plan->n_steps; i++)
            if (outcomes[i].result != SILK_RESULT_OK &&
                outcomes[i].result != SILK_RESULT_UP_TO_DATE)
                exit_status = 1;
    }
    free(outcomes);
    silk_plan_free(plan);
    silk_job_free(job);
    return exit_status;
}
