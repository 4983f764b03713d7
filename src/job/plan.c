/*
 * plan.c: turns a parsed job into steps: the command lines of each step
 * (argv arrays of the silkstat binary: a value from the job file is one
 * argv element, never text for a shell), the files that must exist for
 * it to be up to date, what it depends on, and its key.
 *
 * Order and dependencies: the ingest, then each compute in file order,
 * each needing the one before (a module may read what an earlier one
 * derived); every chart and table needs the last of those; the report
 * follows them all.  The key of a step is a SHA-256 over the version, its
 * command lines (without the program's path, so a plain and a sanitizer
 * build agree), the bytes of every file it reads by name, and the keys of
 * the steps it needs: a changed title changes one chart's key, a changed
 * input file the ingest's and so everything after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/job.h"

/* A growing argv. */
typedef struct args {
    char **v;
    size_t n, cap;
    bool oom;
} args;

static void push(args *a, const char *text)
{
    if (a->oom)
        return;
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        char **grown = realloc(a->v, cap * sizeof *grown);
        if (grown == NULL) {
            a->oom = true;
            return;
        }
        a->v = grown;
        a->cap = cap;
    }
    a->v[a->n] = strdup(text);
    if (a->v[a->n] == NULL) {
        a->oom = true;
        return;
    }
    a->n++;
    a->v[a->n] = NULL;
}

static void pushf(args *a, const char *fmt, ...) SILK_PRINTF(2, 3);
static void pushf(args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = job_vformat(fmt, ap);
    va_end(ap);
    if (text == NULL) {
        a->oom = true;
        return;
    }
    push(a, text);
    free(text);
}

static void args_free(args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

/* Appends one command of step s to step p: program, command, --store,
 * extra options (out), the section's options, then "--" and its
 * positional arguments. */
static int add_command(silk_plan_step *p, const silk_job *job,
                       const char *program, const char *command,
                       const char *store, const char *out_option,
                       const char *stdout_path, silk_error *err)
{
    args a = {0};
    const silk_job_step *s = p->step;
    const job_key *table = job_keys(p->kind);
    push(&a, program);
    push(&a, command);
    if (store != NULL)
        pushf(&a, "--store=%s", store);
    if (out_option != NULL)
        pushf(&a, "--out=%s", out_option);
    for (size_t i = 0; s != NULL && i < s->n_settings; i++) {
        const job_key *k = job_key_find(table, s->settings[i].key);
        if (k == NULL || (k->flags & (KEY_JOB | KEY_POSITIONAL)))
            continue;
        if (k->flags & KEY_FLAG) {
            if (strcmp(s->settings[i].value, "yes") == 0)
                pushf(&a, "--%s", k->option);
            continue;
        }
        pushf(&a, "--%s=%s", k->option, s->settings[i].value);
    }
    size_t dry = a.n;
    bool positional = false;
    for (size_t i = 0; s != NULL && i < s->n_settings; i++) {
        const job_key *k = job_key_find(table, s->settings[i].key);
        if (k == NULL || !(k->flags & KEY_POSITIONAL))
            continue;
        if (!positional)
            push(&a, "--");
        positional = true;
        push(&a, s->settings[i].value);
    }
    if (p->kind == SILK_STEP_REPORT) {
        char real[PATH_MAX];
        push(&a, "--");
        push(&a, realpath(job->path, real) ? real : job->path);
    }
    silk_job_command *grown =
        realloc(p->commands, (p->n_commands + 1) * sizeof *grown);
    if (a.oom || grown == NULL) {
        if (grown != NULL)
            p->commands = grown;
        args_free(&a);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    p->commands = grown;
    silk_job_command *c = &p->commands[p->n_commands++];
    c->argv = a.v;
    c->argc = a.n;
    c->dry = dry;
    c->stdout_path = NULL;
    if (stdout_path != NULL &&
        (c->stdout_path = strdup(stdout_path)) == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    return SILK_OK;
}

static int add_output(silk_plan_step *p, char *path, silk_error *err)
{
    char **grown = realloc(p->outputs, (p->n_outputs + 1) * sizeof *grown);
    if (path == NULL || grown == NULL) {
        free(path);
        if (grown != NULL)
            p->outputs = grown;
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    p->outputs = grown;
    p->outputs[p->n_outputs++] = path;
    return SILK_OK;
}

static int add_index(size_t **list, size_t *n, size_t i, silk_error *err)
{
    size_t *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (grown == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    *list = grown;
    (*list)[(*n)++] = i;
    return SILK_OK;
}

/* OUT/NAME.ext as seen from the current folder. */
static char *out_file(const silk_plan *plan, const char *name,
                      const char *ext)
{
    char *file = job_format("%s%s", name, ext);
    if (file == NULL)
        return NULL;
    char *path = job_join(plan->out_dir, file);
    free(file);
    return path;
}

/* OUT/NAME.ext as the child sees it (relative to the job's base). */
static char *out_arg(const silk_job *job, const char *name, const char *ext)
{
    char *file = job_format("%s%s", name, ext);
    if (file == NULL)
        return NULL;
    char *path = job_join(job->out, file);
    free(file);
    return path;
}

/* Hashes the bytes of the file at path into sha; -1 with errno set when
 * it cannot be opened. */
static int hash_path(silk_sha256 *sha, const char *path, silk_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int status = SILK_OK;
    char buf[65536];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            status = silk_error_set(err, SILK_EIO, "cannot read '%s': %s",
                                    path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        silk_sha256_update(sha, buf, (size_t)got);
    }
    close(fd);
    return status;
}

/* Hashes the bytes of a file the step reads by name into sha. */
static int hash_file(silk_sha256 *sha, const silk_job *job,
                     const silk_job_step *s, const silk_job_setting *set,
                     silk_error *err)
{
    char *path = silk_job_resolve(job, set->value);
    if (path == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = hash_path(sha, path, err);
    if (status < 0)
        status = silk_error_set(
            err, SILK_EIO, "%s:%zu: [%s%s%s] %s '%s' cannot be read: %s",
            job->path, set->line, silk_step_kind_name(s->kind),
            s->kind == SILK_STEP_INGEST ? "" : " ",
            s->kind == SILK_STEP_INGEST ? "" : s->name, set->key, set->value,
            strerror(errno));
    free(path);
    return status;
}

static void hash_text(silk_sha256 *sha, const char *text)
{
    silk_sha256_update(sha, text, strlen(text) + 1); /* NUL: a separator */
}

static int step_key(silk_plan *plan, size_t i, silk_error *err)
{
    silk_plan_step *p = &plan->steps[i];
    const silk_job *job = plan->job;
    silk_sha256 sha;
    silk_sha256_init(&sha);
    hash_text(&sha, "silkstat-step 1");
    hash_text(&sha, SILK_VERSION);
    hash_text(&sha, plan->program_sha256);
    hash_text(&sha, silk_step_kind_name(p->kind));
    hash_text(&sha, p->name);
    if (p->kind == SILK_STEP_REPORT) {
        /* every text of the job, and what every step made */
        hash_text(&sha, job->sha256);
        for (size_t k = 0; k < i; k++)
            hash_text(&sha, plan->steps[k].key);
        silk_sha256_final(&sha, p->key);
        return SILK_OK;
    }
    for (size_t c = 0; c < p->n_commands; c++) {
        const silk_job_command *cmd = &p->commands[c];
        hash_text(&sha, "command");
        for (size_t a = 1; a < cmd->argc; a++)
            hash_text(&sha, cmd->argv[a]);
        hash_text(&sha, cmd->stdout_path ? "stdout-file" : "stdout-log");
    }
    const job_key *table = job_keys(p->kind);
    for (size_t k = 0; k < p->step->n_settings; k++) {
        const silk_job_setting *set = &p->step->settings[k];
        const job_key *spec = job_key_find(table, set->key);
        if (spec == NULL || !(spec->flags & KEY_PATH))
            continue;
        hash_text(&sha, "file");
        int status = hash_file(&sha, job, p->step, set, err);
        if (status != SILK_OK)
            return status;
    }
    for (size_t k = 0; k < p->n_needs; k++)
        hash_text(&sha, plan->steps[p->needs[k]].key);
    silk_sha256_final(&sha, p->key);
    return SILK_OK;
}

/* The fresh store an ingest writes: STEM.new.h5 beside STORE.h5. */
static char *fresh_store(const char *store)
{
    size_t n = strlen(store);
    if (n > 3 && strcmp(store + n - 3, ".h5") == 0)
        return job_format("%.*s.new.h5", (int)(n - 3), store);
    return job_format("%s.new", store);
}

static silk_plan_step *new_step(silk_plan *plan, silk_step_kind kind,
                                const silk_job_step *s, silk_error *err)
{
    silk_plan_step *grown =
        realloc(plan->steps, (plan->n_steps + 1) * sizeof *grown);
    if (grown == NULL) {
        silk_error_set(err, SILK_ENOMEM, "out of memory");
        return NULL;
    }
    plan->steps = grown;
    silk_plan_step *p = &plan->steps[plan->n_steps++];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->step = s;
    const char *name = s ? s->name : "report";
    p->name = strdup(name);
    if (kind == SILK_STEP_INGEST || kind == SILK_STEP_REPORT)
        p->label = strdup(name);
    else
        p->label = job_format("%s %s", silk_step_kind_name(kind), name);
    p->log = job_format("%s/logs/%s.log", plan->out_dir, name);
    if (p->name == NULL || p->label == NULL || p->log == NULL) {
        silk_error_set(err, SILK_ENOMEM, "out of memory");
        return NULL;
    }
    return p;
}

static int plan_step(silk_plan *plan, const char *program,
                     const silk_job_step *s, size_t need, silk_error *err)
{
    const silk_job *job = plan->job;
    silk_plan_step *p = new_step(plan, s->kind, s, err);
    if (p == NULL)
        return SILK_ENOMEM;
    int status = SILK_OK;
    const char *command = job_command(s->kind);
    if (need != (size_t)-1 &&
        (status = add_index(&p->needs, &p->n_needs, need, err)) != SILK_OK)
        return status;

    switch (s->kind) {
    case SILK_STEP_INGEST: {
        char *fresh = fresh_store(job->store);
        if (fresh == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        status = add_command(p, job, program, command, fresh, NULL, NULL,
                             err);
        p->promote_from = silk_job_resolve(job, fresh);
        p->promote_to = silk_job_resolve(job, job->store);
        free(fresh);
        if (status == SILK_OK && (p->promote_from == NULL ||
                                  p->promote_to == NULL))
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        if (status == SILK_OK)
            status = add_output(p, strdup(p->promote_to), err);
        break;
    }
    case SILK_STEP_COMPUTE:
        status = add_command(p, job, program, command, job->store, NULL,
                             NULL, err);
        if (status == SILK_OK)
            status = add_output(p, silk_job_resolve(job, job->store), err);
        break;
    case SILK_STEP_CHART: {
        /* SVG for the page, PNG to paste, PDF last: its script NAME.gp
         * is the one the PDF pack loads. */
        static const char *const exts[] = {".svg", ".png", ".pdf"};
        p->parallel = true;
        for (size_t e = 0; e < 3 && status == SILK_OK; e++) {
            char *out = out_arg(job, s->name, exts[e]);
            if (out == NULL)
                return silk_error_set(err, SILK_ENOMEM, "out of memory");
            status = add_command(p, job, program, command, job->store, out,
                                 NULL, err);
            free(out);
            if (status == SILK_OK)
                status = add_output(p, out_file(plan, s->name, exts[e]), err);
        }
        if (status == SILK_OK)
            status = add_output(p, out_file(plan, s->name, ".csv"), err);
        break;
    }
    case SILK_STEP_TREND:
    case SILK_STEP_FORECAST:
    case SILK_STEP_RESULTS: {
        p->parallel = true;
        char *csv = out_file(plan, s->name, ".csv");
        if (csv == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        status = add_command(p, job, program, command, job->store, NULL,
                             csv, err);
        if (status == SILK_OK)
            status = add_output(p, csv, err);
        else
            free(csv);
        break;
    }
    case SILK_STEP_REPORT: break;
    }
    return status;
}

int silk_job_plan(const silk_job *job, const char *program, silk_plan **out,
                  silk_error *err)
{
    *out = NULL;
    silk_plan *plan = calloc(1, sizeof *plan);
    if (plan == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    plan->job = job;
    int status = SILK_OK;
    /* The program's bytes are part of every key: a rebuilt silkstat may
     * draw differently, so its outputs are not up to date. */
    silk_sha256 sha;
    silk_sha256_init(&sha);
    status = hash_path(&sha, program, err);
    if (status < 0) {
        status = silk_error_set(err, SILK_EIO,
                                "cannot read the silkstat program '%s': %s",
                                program, strerror(errno));
        goto done;
    }
    if (status != SILK_OK)
        goto done;
    silk_sha256_final(&sha, plan->program_sha256);
    plan->out_dir = silk_job_resolve(job, job->out);
    plan->state_path =
        plan->out_dir ? job_join(plan->out_dir, ".silkstat-job") : NULL;
    if (plan->state_path == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }

    /* the sequential chain: ingest, then computes in file order */
    size_t last = (size_t)-1;
    for (size_t i = 0; i < job->n_steps && status == SILK_OK; i++)
        if (job->steps[i].kind == SILK_STEP_INGEST) {
            status = plan_step(plan, program, &job->steps[i], last, err);
            last = plan->n_steps - 1;
        }
    for (size_t i = 0; i < job->n_steps && status == SILK_OK; i++)
        if (job->steps[i].kind == SILK_STEP_COMPUTE) {
            status = plan_step(plan, program, &job->steps[i], last, err);
            last = plan->n_steps - 1;
        }
    size_t chain = plan->n_steps;
    for (size_t i = 0; i < job->n_steps && status == SILK_OK; i++) {
        silk_step_kind k = job->steps[i].kind;
        if (k != SILK_STEP_INGEST && k != SILK_STEP_COMPUTE)
            status = plan_step(plan, program, &job->steps[i], last, err);
    }
    if (status != SILK_OK)
        goto done;

    /* the report: needs the chain, follows every chart and table */
    silk_plan_step *report = new_step(plan, SILK_STEP_REPORT, NULL, err);
    if (report == NULL) {
        status = SILK_ENOMEM;
        goto done;
    }
    if (last != (size_t)-1)
        status = add_index(&report->needs, &report->n_needs, last, err);
    for (size_t i = chain; i + 1 < plan->n_steps && status == SILK_OK; i++)
        status = add_index(&report->after, &report->n_after, i, err);
    if (status == SILK_OK)
        status = add_command(report, job, program, "report", NULL, NULL,
                             NULL, err);
    static const char *const pack[] = {"index.html", "figures.csv"};
    for (size_t i = 0; i < 2 && status == SILK_OK; i++)
        status = add_output(report, job_join(plan->out_dir, pack[i]), err);

    for (size_t i = 0; i < plan->n_steps && status == SILK_OK; i++)
        status = step_key(plan, i, err);
done:
    if (status != SILK_OK) {
        silk_plan_free(plan);
        return status;
    }
    *out = plan;
    return SILK_OK;
}

void silk_plan_free(silk_plan *plan)
{
    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->n_steps; i++) {
        silk_plan_step *p = &plan->steps[i];
        for (size_t c = 0; c < p->n_commands; c++) {
            for (size_t a = 0; a < p->commands[c].argc; a++)
                free(p->commands[c].argv[a]);
            free(p->commands[c].argv);
            free(p->commands[c].stdout_path);
        }
        free(p->commands);
        for (size_t o = 0; o < p->n_outputs; o++)
            free(p->outputs[o]);
        free(p->outputs);
        free(p->needs);
        free(p->after);
        free(p->name);
        free(p->label);
        free(p->log);
        free(p->promote_from);
        free(p->promote_to);
    }
    free(plan->steps);
    free(plan->out_dir);
    free(plan->state_path);
    free(plan);
}
