/*
 * job.h: what the job files (parse.c), plans (plan.c), state (state.c) and
 * the runner (runner.c) share inside src/job.  Not installed.
 */
#ifndef SILK_JOB_INTERNAL_H
#define SILK_JOB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "silkstat/job.h"

/* How a key of a section becomes part of a command line. */
enum {
    KEY_FLAG = 1 << 0,       /* yes/no: `yes` gives the bare --option */
    KEY_REPEAT = 1 << 1,     /* may be given more than once */
    KEY_REQUIRED = 1 << 2,   /* the section is incomplete without it */
    KEY_PATH = 1 << 3,       /* names a file the command reads: its bytes
                                go into the step's key */
    KEY_POSITIONAL = 1 << 4, /* an argument after "--", not an option */
    KEY_JOB = 1 << 5         /* read by the job or the report, not passed */
};

typedef struct job_key {
    const char *key;
    const char *option; /* the command's long option; NULL for KEY_JOB and
                           KEY_POSITIONAL */
    unsigned flags;
} job_key;

/* The key table of a step kind ([job] and [section] have their own in
 * parse.c), ended by a NULL key. */
const job_key *job_keys(silk_step_kind kind);

/* The entry of key in a table, or NULL. */
const job_key *job_key_find(const job_key *table, const char *key);

/* The command a step kind runs ("ingest", "chart", ...; "report"). */
const char *job_command(silk_step_kind kind);

/* printf into a malloc'd string; NULL when out of memory. */
char *job_format(const char *fmt, ...) SILK_PRINTF(1, 2);
char *job_vformat(const char *fmt, va_list ap);

/* Malloc'd "a/b" ("b" alone when b is absolute); NULL when out of memory. */
char *job_join(const char *a, const char *b);

/* ---- state.c: OUT/.silkstat-job, the key of each step's last success */

typedef struct job_state {
    char **name;
    char (*key)[65];
    size_t n, cap_name, cap_key;
} job_state;

/* Reads path into st (empty when the file does not exist; a line that
 * is not "KEY NAME" is ignored: the file is a cache, and a damaged one
 * only means work redone). */
int job_state_load(const char *path, job_state *st, silk_error *err);
/* The key recorded for name, or NULL. */
const char *job_state_key(const job_state *st, const char *name);
int job_state_set(job_state *st, const char *name, const char *key,
                  silk_error *err);
void job_state_remove(job_state *st, const char *name);
/* Writes st to path through a temporary file, fsync and rename. */
int job_state_save(const char *path, const job_state *st, silk_error *err);
void job_state_release(job_state *st);

#endif
