/*
 * job.h: batch jobs (`silkstat run JOB.ini`) and the briefing pack
 * (`silkstat report JOB.ini`).
 *
 * A job file (INI, read with inih; format in scripts/jobs/README.md) names
 * the store, the output folder, the files to ingest, the modules to
 * compute and the charts and tables of a briefing.  silk_job_load parses
 * and checks it; silk_job_plan turns it into steps, each a list of
 * command lines of the silkstat binary itself (argv arrays, never shell
 * text) with a SHA-256 key over what the step's output depends on;
 * silk_job_run runs the steps that are out of date as child processes,
 * the independent ones in parallel; silk_report_build writes the pack
 * (index.html, briefing.pdf, figures.csv) from what the charts left in
 * the output folder.
 *
 * Kept out of silkstat.h so that embedders who only read stores do not
 * see process management.  Conventions as in silkstat.h.
 */
#ifndef SILKSTAT_JOB_H
#define SILKSTAT_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "silkstat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Priority goals of the Budapest Process Call for Action 2025-2030    */
/* ------------------------------------------------------------------ */

/* In the Call for Action's order, after the overview.  Append-only. */
typedef enum silk_goal {
    SILK_GOAL_OVERVIEW = 0,
    SILK_GOAL_IRREGULAR = 1,   /* irregular migration and smuggling */
    SILK_GOAL_LEGAL = 2,       /* legal migration and labour mobility */
    SILK_GOAL_RETURN = 3,      /* return, readmission and reintegration */
    SILK_GOAL_DEVELOPMENT = 4, /* migration and development */
    SILK_GOAL_PROTECTION = 5,  /* international protection */
    SILK_GOAL_INTEGRATION = 6, /* integration */
    SILK_GOAL_COUNT = 7
} silk_goal;

/* "overview", "irregular", ... as written in job files. */
SILK_API const char *silk_goal_name(silk_goal goal);
/* The section heading ("International protection"). */
SILK_API const char *silk_goal_title(silk_goal goal);
/* What data a briefing would need to speak to the goal, for the closing
 * sentence on goals without figures ("asylum applications and first
 * decisions ..."); "" for the overview. */
SILK_API const char *silk_goal_needs(silk_goal goal);
/* Parses a goal name; SILK_EINVAL (no message) for anything else. */
SILK_API int silk_goal_parse(const char *name, silk_goal *out);

/* ------------------------------------------------------------------ */
/* Job files                                                           */
/* ------------------------------------------------------------------ */

/* Append-only. */
typedef enum silk_step_kind {
    SILK_STEP_INGEST = 0,
    SILK_STEP_COMPUTE = 1,
    SILK_STEP_CHART = 2,
    SILK_STEP_TREND = 3,
    SILK_STEP_FORECAST = 4,
    SILK_STEP_RESULTS = 5,
    SILK_STEP_REPORT = 6
} silk_step_kind;

/* "ingest", "compute", ... (the section type of a job file). */
SILK_API const char *silk_step_kind_name(silk_step_kind kind);

/* One `key = value` line; a value continued on indented lines is joined
 * with single spaces. */
typedef struct silk_job_setting {
    char *key;
    char *value;
    size_t line; /* of the key */
} silk_job_setting;

/* One [ingest], [compute NAME], [chart NAME], [trend NAME], [forecast
 * NAME] or [results NAME] section, with its settings in file order. */
typedef struct silk_job_step {
    silk_step_kind kind;
    char *name;  /* [a-z0-9-]+, unique in the job; "ingest" for [ingest] */
    size_t line; /* of the section header */
    silk_job_setting *settings;
    size_t n_settings;
    int goal; /* a silk_goal for charts and tables, -1 otherwise */
} silk_job_step;

/* A job file, parsed and checked.  Paths (store, out, files) are kept as
 * written; relative ones are relative to base. */
typedef struct silk_job {
    char *path; /* the job file as given */
    char *base; /* absolute: the job file's folder, joined with [job] root */
    char *title, *subtitle; /* "" when not given */
    char *store, *out;
    silk_job_step *steps; /* file order */
    size_t n_steps;
    /* [section GOAL]: intro text and what data the goal would need
     * (NULL: not given), and the line of the section. */
    char *intro[SILK_GOAL_COUNT];
    char *needs[SILK_GOAL_COUNT];
    size_t section_line[SILK_GOAL_COUNT];
    /* The file's bytes and their SHA-256: the report's key covers every
     * text of the job. */
    char sha256[65];
} silk_job;

/* Reads and checks a job file.  Every error starts with "FILE:LINE: "
 * and names the section and key: an unknown section type, a bad or
 * duplicate name, an unknown key, a repeated key that takes one value,
 * a missing required key, a flag that is not yes or no, a goal that is
 * not one of silk_goal_name's.  SILK_EIO when the file cannot be read
 * (or [job] root is not a folder), SILK_EPARSE otherwise. */
SILK_API int silk_job_load(const char *path, silk_job **out, silk_error *err);

/* silk_job_load on text held in memory; path names it in messages and
 * its folder is the base (it need not exist when [job] root is absent). */
SILK_API int silk_job_parse(const char *text, size_t len, const char *path,
                            silk_job **out, silk_error *err);
SILK_API void silk_job_free(silk_job *job);

/* The first value of key in step, or NULL. */
SILK_API const char *silk_job_get(const silk_job_step *step, const char *key);

/* The step named name, or NULL. */
SILK_API const silk_job_step *silk_job_find(const silk_job *job,
                                            const char *name);

/* path as seen from the current folder: absolute paths unchanged, others
 * joined to job->base.  Malloc'd; NULL when out of memory. */
SILK_API char *silk_job_resolve(const silk_job *job, const char *path);

/* The keys a step of kind accepts, in the order `silkstat run` documents
 * them, as --KEY of its command (NULL: a key of the job itself, such as
 * goal, or a positional argument); i from 0 while the name is not NULL.
 * For tests that compare the table with each command's options. */
SILK_API const char *silk_job_key_name(silk_step_kind kind, size_t i,
                                       const char **option);

/* ------------------------------------------------------------------ */
/* Plans: command lines, dependencies and keys                         */
/* ------------------------------------------------------------------ */

/* One child process: argv[0] is the program, argv[argc] NULL.  stdout
 * goes to stdout_path (a trend's CSV, written to a temporary name and
 * renamed on success) or, when NULL, to the step's log.  dry is the
 * position of the "--" before the positional arguments (argc when none):
 * the check inserts "--help" there. */
typedef struct silk_job_command {
    char **argv;
    size_t argc, dry;
    char *stdout_path;
} silk_job_command;

typedef struct silk_plan_step {
    silk_step_kind kind;
    const silk_job_step *step; /* NULL for the report */
    char *name;  /* "ingest", the section name, or "report" */
    char *label; /* "chart NAME", for messages */
    silk_job_command *commands; /* run one after the other */
    size_t n_commands;
    char **outputs; /* files that must exist for the step to be up to
                       date, as seen from the current folder */
    size_t n_outputs;
    /* Steps that must succeed first (needs) and steps that only run
     * first (after: the report waits for every chart, drawn or not). */
    size_t *needs, n_needs;
    size_t *after, n_after;
    bool parallel; /* may run beside other parallel steps */
    char *log;     /* OUT/logs/NAME.log */
    /* A store built fresh by the ingest: written to promote_from and
     * renamed to promote_to on success (NULL otherwise). */
    char *promote_from, *promote_to;
    char key[65];
} silk_plan_step;

typedef struct silk_plan {
    const silk_job *job; /* borrowed */
    char *out_dir;       /* as seen from the current folder */
    char *state_path;    /* OUT/.silkstat-job */
    char program_sha256[65]; /* of the program's bytes */
    silk_plan_step *steps; /* ingest, computes (file order), charts and
                              tables (file order), the report */
    size_t n_steps;
} silk_plan;

/* Builds the plan of job, every command running program (the silkstat
 * binary; /proc/self/exe for the CLI) in job->base.  A section's
 * `key = value` becomes `--key=value`, `key = yes` on a flag the bare
 * `--key`, and repeated keys repeat.  Keys: SHA-256 over the version and
 * the program's bytes (a rebuilt silkstat redoes everything), the step's
 * command lines without the program's path, the bytes of the files it
 * reads by name (ingest files, countries and group tables) and the keys
 * of the steps it needs; the report's over the job file and every step's
 * key.  SILK_EIO when the program or an input file cannot be read. */
SILK_API int silk_job_plan(const silk_job *job, const char *program,
                           silk_plan **out, silk_error *err);
SILK_API void silk_plan_free(silk_plan *plan);

/* ------------------------------------------------------------------ */
/* Running a plan                                                      */
/* ------------------------------------------------------------------ */

typedef enum silk_step_result {
    SILK_RESULT_PENDING = 0,
    SILK_RESULT_RUNNING = 1,
    SILK_RESULT_OK = 2,
    SILK_RESULT_UP_TO_DATE = 3,
    SILK_RESULT_FAILED = 4,
    SILK_RESULT_NOT_RUN = 5 /* a step it needs failed */
} silk_step_result;

#define SILK_STEP_ERROR_MAX 512

typedef struct silk_step_outcome {
    silk_step_result result;
    double seconds;
    /* FAILED: the first line of the error ("silkstat: ...", else the
     * exit status); NOT_RUN: which step it needed. */
    char error[SILK_STEP_ERROR_MAX];
} silk_step_outcome;

/* Called when a step starts (RUNNING) and when it ends; done counts the
 * steps ended so far. */
typedef void (*silk_run_progress)(const silk_plan *plan, size_t step,
                                  const silk_step_outcome *outcome,
                                  size_t done, void *ctx);

typedef struct silk_run_options {
    bool force;    /* redo every step */
    unsigned jobs; /* parallel steps at once (0: 1) */
    silk_run_progress progress; /* may be NULL */
    void *ctx;
} silk_run_options;

/* Runs the steps of plan that are out of date: a step is redone when
 * forced, when its key differs from the one OUT/.silkstat-job recorded
 * for its last success, when one of its outputs is missing or when a
 * step it needs or follows is redone.  First every command line to run
 * is checked with the command's own option parser (`--help` inserted;
 * nothing runs): a rejected one fails with SILK_EINVAL "FILE:LINE:
 * [chart NAME] key 'K': <the command's message>".  Then ingest and
 * computes run in order, charts and tables up to opt->jobs at a time,
 * the report last.  A failed step leaves no outputs (so the pack never
 * shows a stale chart) and the steps that need it are NOT_RUN; the
 * others go on.  outcomes holds plan->n_steps entries.  Each step's
 * output goes to its log; keys are saved after each success (temporary
 * file and rename).  Returns SILK_OK when the run was carried out, even
 * with failed steps (see outcomes); an error only when the run itself
 * could not proceed (output folder, state file, processes).  The
 * caller's child processes are its own: it waits only for the ones it
 * started. */
SILK_API int silk_job_run(const silk_plan *plan, const silk_run_options *opt,
                          silk_step_outcome *outcomes, silk_error *err);

/* ------------------------------------------------------------------ */
/* The briefing pack                                                   */
/* ------------------------------------------------------------------ */

typedef struct silk_report_options {
    const char *gnuplot; /* NULL: "gnuplot" on PATH */
    const char *made;    /* the "made" time shown; NULL: now (UTC) */
} silk_report_options;

/* Writes OUT/index.html, OUT/figures.csv and OUT/briefing.pdf (through
 * OUT/briefing.gp, one page per drawn chart) from the job and what its
 * steps left in OUT: each chart's NAME.svg and NAME.csv (label, period,
 * value, flag), each table's NAME.csv, the store's provenance.  A chart
 * without its files is shown as not drawn, naming its log.  Every text
 * from the job or the data is HTML-escaped.  Each file is written to a
 * temporary name and renamed. */
SILK_API int silk_report_build(const silk_job *job,
                               const silk_report_options *opt,
                               silk_error *err);

/* A malloc'd copy of text safe inside HTML elements and quoted
 * attributes: & < > " ' escaped, control characters (but tab and
 * newline) made spaces, invalid UTF-8 replaced by U+FFFD.  NULL counts as
 * "".  NULL only when out of memory. */
SILK_API char *silk_html_escape(const char *text);

/* One number behind a chart (a row of its NAME.csv). */
typedef struct silk_figure {
    const char *label;  /* the series or category as shown */
    const char *period; /* as the store labels it */
    double value;       /* NaN when missing */
} silk_figure;

/* A dashed mark on a chart, as the job gives it (mark = P=LABEL). */
typedef struct silk_figure_mark {
    const char *period;
    const char *label;
} silk_figure_mark;

/* The key-figures summary of a chart, as plain text (escape it for
 * HTML), into *out (malloc'd).  Rows of one label are one series, in
 * period order; unit is the indicator's ("persons", "%", "% of GDP",
 * "current US$": numbers are written 0.76M, 74.3%, 9.4% of GDP,
 * $34.9B); about is a phrase with "{label}" standing for the label
 * ("Afghan refugees in {label}"), or NULL for the label alone.
 *
 *   - Series (some label has two values or more): for the three with the
 *     largest latest values, "ABOUT: LATEST in P, down 78% from PREV in
 *     P0; peak X in PP." (a change of percentages in points; a change of
 *     2 times or more as "N times"; peak only with three values or more and none below zero,
 *     "the highest since FIRST" when the latest is the peak); a mark at
 *     the latest period is quoted; "N other series in the table." when
 *     more.
 *   - One value per label (bars, heatmaps): "In P the largest are A (X),
 *     B (Y) and C (Z); the N shown total T." (", of N shown" for
 *     percentages, which do not add up; "; together T" when all are
 *     named).
 *   - Nothing finite: "No figures to show." */
SILK_API int silk_report_summary(const silk_figure *rows, size_t n,
                                 const char *unit, const char *about,
                                 const silk_figure_mark *marks,
                                 size_t n_marks, char **out,
                                 silk_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SILKSTAT_JOB_H */
