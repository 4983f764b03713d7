/*
 * runner.c: runs a plan's steps as child processes of the silkstat
 * binary.  fork + execv with argv arrays, never a shell: a value from the
 * job file is one argv element whatever it holds.  Each child runs in the
 * job's base folder with stdin /dev/null and its output in OUT/logs/
 * NAME.log (a table's stdout in a temporary file renamed into place).
 *
 * One process, one loop, no threads: start what is ready (ingest and
 * computes one at a time, charts and tables up to `jobs` at once, the
 * report last), wait for one of our children, move its step on.  Only
 * our own children are reaped: waitid(WNOWAIT) peeks at whichever child
 * ended and we reap it only if it is ours (an embedder's children are
 * left alone; we then poll ours).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "job/job.h"

/* What the run knows of each step. */
typedef struct slot {
    bool stale;
    bool started, done;
    size_t command; /* the command running or next */
    pid_t pid;
    int log_fd, out_fd;
    char *out_tmp; /* the temporary stdout file of a table */
    struct timespec start;
} slot;

typedef struct run {
    const silk_plan *plan;
    const silk_run_options *opt;
    silk_step_outcome *outcomes;
    slot *slots;
    job_state state;
    size_t done, running;
    bool exclusive_running; /* an ingest, compute or report is running */
    silk_error *err;
} run;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int make_dirs(const char *path, silk_error *err)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = SILK_OK;
    for (char *c = copy + 1;; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char keep = *c;
        *c = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            status = silk_error_set(err, SILK_EIO,
                                    "cannot create folder '%s': %s", copy,
                                    strerror(errno));
            break;
        }
        *c = keep;
        if (keep == '\0')
            break;
    }
    free(copy);
    return status;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Starts argv in dir with the given descriptors (stdin /dev/null).
 * Returns the pid, or -1 with errno set. */
static pid_t spawn(char *const *argv, const char *dir, int out_fd,
                   int err_fd)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        static const char msg[] = "silkstat run: cannot start the step\n";
        if (chdir(dir) != 0 || dup2(devnull, 0) < 0 ||
            dup2(out_fd < 0 ? devnull : out_fd, 1) < 0 ||
            dup2(err_fd < 0 ? devnull : err_fd, 2) < 0) {
            if (write(err_fd, msg, sizeof msg - 1) < 0)
                _exit(127);
            _exit(127);
        }
        execv(argv[0], argv);
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(127);
        _exit(127);
    }
    int saved = errno;
    close(devnull);
    errno = saved;
    return pid;
}

/* Waits for one of pids (n of them, -1 entries ignored); returns its
 * index and exit status. */
static int wait_one(const pid_t *pids, size_t n, size_t *which, int *status)
{
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (pids[i] > 0 && pids[i] == info.si_pid) {
                while (waitpid(pids[i], status, 0) < 0)
                    if (errno != EINTR)
                        return -1;
                *which = i;
                return 0;
            }
        /* Someone else's child ended: poll ours. */
        for (;;) {
            for (size_t i = 0; i < n; i++) {
                if (pids[i] <= 0)
                    continue;
                pid_t got = waitpid(pids[i], status, WNOHANG);
                if (got == pids[i]) {
                    *which = i;
                    return 0;
                }
            }
            struct timespec tick = {0, 10 * 1000 * 1000};
            nanosleep(&tick, NULL);
        }
    }
}

static void exit_text(int wstatus, char *buf, size_t size)
{
    if (WIFEXITED(wstatus))
        snprintf(buf, size, "exit status %d", WEXITSTATUS(wstatus));
    else if (WIFSIGNALED(wstatus))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(wstatus));
    else
        snprintf(buf, size, "ended abnormally");
}

/* The first line of an error in text: the first "silkstat: ..." that is
 * not a warning, without the prefix; else the first non-blank line. */
static void first_error(const char *text, char *buf, size_t size)
{
    const char *fallback = NULL;
    buf[0] = '\0';
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > 10 && strncmp(line, "silkstat: ", 10) == 0 &&
            strncmp(line, "silkstat: warning", 17) != 0) {
            snprintf(buf, size, "%.*s", (int)(len - 10), line + 10);
            return;
        }
        if (fallback == NULL && len > 0 && line[0] != '$' && line[0] != '#')
            fallback = line;
        line += len + (end ? 1 : 0);
    }
    if (fallback != NULL)
        snprintf(buf, size, "%.*s", (int)strcspn(fallback, "\n"), fallback);
}

/* The first error line of a log file (at most 64 KiB read). */
static void log_error(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char *text = malloc(65537);
    if (text != NULL) {
        size_t n = fread(text, 1, 65536, f);
        text[n] = '\0';
        first_error(text, buf, size);
        free(text);
    }
    fclose(f);
}

static void report(run *r, size_t i)
{
    if (r->opt->progress != NULL)
        r->opt->progress(r->plan, i, &r->outcomes[i], r->done, r->opt->ctx);
}

/* ---- the check before anything runs ---------------------------------- */

/* Runs one command with --help where its positional arguments start: its
 * own option parser checks every option and value, and nothing runs. */
static int dry_run(const silk_plan *plan, size_t i, silk_error *err)
{
    const silk_plan_step *p = &plan->steps[i];
    const silk_job_command *c = &p->commands[0];
    char **argv = calloc(c->argc + 2, sizeof *argv);
    int pipefd[2] = {-1, -1};
    int status = SILK_OK;
    if (argv == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t a = 0, o = 0; a <= c->argc; a++) {
        if (a == c->dry)
            argv[o++] = "--help";
        if (a < c->argc)
            argv[o++] = c->argv[a];
    }
    if (pipe(pipefd) != 0 || fcntl(pipefd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot create a pipe: %s",
                                strerror(errno));
        goto done;
    }
    pid_t pid = spawn(argv, plan->job->base, -1, pipefd[1]);
    if (pid < 0) {
        status = silk_error_set(err, SILK_EIO, "cannot start '%s': %s",
                                argv[0], strerror(errno));
        goto done;
    }
    close(pipefd[1]);
    pipefd[1] = -1;
    char text[4096];
    size_t used = 0;
    for (;;) {
        ssize_t got = read(pipefd[0], text + used, sizeof text - 1 - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        used += (size_t)got;
        if (used == sizeof text - 1) {
            char sink[1024]; /* keep draining so the child can end */
            while (read(pipefd[0], sink, sizeof sink) > 0)
                ;
            break;
        }
    }
    text[used] = '\0';
    int wstatus = 0;
    size_t which;
    if (wait_one(&pid, 1, &which, &wstatus) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot wait for '%s': %s",
                                argv[0], strerror(errno));
        goto done;
    }
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
        goto done;

    /* Place the message at the key whose option it names. */
    char message[SILK_STEP_ERROR_MAX];
    first_error(text, message, sizeof message);
    if (message[0] == '\0')
        exit_text(wstatus, message, sizeof message);
    const silk_job_step *s = p->step;
    size_t line = s ? s->line : 1;
    const char *key = NULL;
    const job_key *table = job_keys(p->kind);
    for (size_t k = 0; s != NULL && k < s->n_settings && key == NULL; k++) {
        const job_key *spec = job_key_find(table, s->settings[k].key);
        if (spec == NULL || spec->option == NULL)
            continue;
        char option[80];
        snprintf(option, sizeof option, "--%s", spec->option);
        for (const char *at = strstr(message, option); at != NULL;
             at = strstr(at + 1, option)) {
            char next = at[strlen(option)];
            if (!((next >= 'a' && next <= 'z') || next == '-')) {
                key = s->settings[k].key;
                line = s->settings[k].line;
                break;
            }
        }
    }
    if (key != NULL)
        status = silk_error_set(err, SILK_EINVAL, "%s:%zu: [%s] key '%s': %s",
                                plan->job->path, line, p->label, key,
                                message);
    else
        status = silk_error_set(err, SILK_EINVAL, "%s:%zu: [%s]: %s",
                                plan->job->path, line, p->label, message);
done:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    free(argv);
    return status;
}

/* ---- running steps --------------------------------------------------- */

static void close_fds(slot *s)
{
    if (s->log_fd >= 0)
        close(s->log_fd);
    if (s->out_fd >= 0)
        close(s->out_fd);
    s->log_fd = s->out_fd = -1;
}

/* Removes what a failed step may have left, so the pack never shows a
 * chart or table of an earlier, different step. */
static void remove_outputs(const silk_plan *plan, const silk_plan_step *p,
                           slot *s)
{
    if (s->out_tmp != NULL)
        unlink(s->out_tmp);
    if (p->kind == SILK_STEP_INGEST) {
        if (p->promote_from != NULL)
            unlink(p->promote_from);
        return; /* the old store stays: it is still whole */
    }
    if (p->kind == SILK_STEP_COMPUTE || p->kind == SILK_STEP_REPORT)
        return;
    for (size_t o = 0; o < p->n_outputs; o++)
        unlink(p->outputs[o]);
    if (p->kind == SILK_STEP_CHART) {
        static const char *const extra[] = {".gp", ".dat"};
        for (size_t e = 0; e < 2; e++) {
            char *path =
                job_format("%s/%s%s", plan->out_dir, p->name, extra[e]);
            if (path != NULL)
                unlink(path);
            free(path);
        }
    }
}

static int save_state(run *r)
{
    return job_state_save(r->plan->state_path, &r->state, r->err);
}

static int finish_step(run *r, size_t i, silk_step_result result,
                       const char *error)
{
    const silk_plan_step *p = &r->plan->steps[i];
    slot *s = &r->slots[i];
    close_fds(s);
    silk_step_outcome *o = &r->outcomes[i];
    o->result = result;
    o->seconds = s->started ? seconds_since(&s->start) : 0;
    if (error != NULL)
        snprintf(o->error, sizeof o->error, "%s", error);
    s->done = true;
    s->pid = -1;
    r->done++;
    int status = SILK_OK;
    if (s->started) {
        if (!p->parallel)
            r->exclusive_running = false;
        r->running--;
        if (result == SILK_RESULT_OK) {
            status = job_state_set(&r->state, p->name, p->key, r->err);
        } else {
            remove_outputs(r->plan, p, s);
            job_state_remove(&r->state, p->name);
        }
        if (status == SILK_OK)
            status = save_state(r);
    }
    free(s->out_tmp);
    s->out_tmp = NULL;
    report(r, i);
    return status;
}

/* Writes the command line into the log, one argument a line after the
 * first, quoted: for the reader, never run. */
static void log_command(int fd, const silk_job_command *c)
{
    FILE *f = fdopen(dup(fd), "a");
    if (f == NULL)
        return;
    fprintf(f, "$ silkstat");
    for (size_t a = 1; a < c->argc; a++) {
        fputs(a == 1 ? " " : " \\\n    ", f);
        fputc('\'', f);
        for (const char *t = c->argv[a]; *t; t++) {
            if (*t == '\'')
                fputs("'\\''", f);
            else if (*t == '\n')
                fputs("\\n", f);
            else
                fputc(*t, f);
        }
        fputc('\'', f);
    }
    fputc('\n', f);
    fclose(f);
}

static int start_command(run *r, size_t i)
{
    const silk_plan_step *p = &r->plan->steps[i];
    slot *s = &r->slots[i];
    const silk_job_command *c = &p->commands[s->command];
    log_command(s->log_fd, c);
    if (c->stdout_path != NULL) {
        free(s->out_tmp);
        s->out_tmp = job_format("%s.tmp-%ld", c->stdout_path, (long)getpid());
        if (s->out_tmp == NULL)
            return silk_error_set(r->err, SILK_ENOMEM, "out of memory");
        if (s->out_fd >= 0)
            close(s->out_fd);
        s->out_fd = open(s->out_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                         0644);
        if (s->out_fd < 0)
            return silk_error_set(r->err, SILK_EIO, "cannot write '%s': %s",
                                  s->out_tmp, strerror(errno));
    }
    s->pid = spawn(c->argv, r->plan->job->base,
                   s->out_fd >= 0 ? s->out_fd : s->log_fd, s->log_fd);
    if (s->pid < 0)
        return silk_error_set(r->err, SILK_EIO, "cannot start '%s': %s",
                              c->argv[0], strerror(errno));
    return SILK_OK;
}

static int start_step(run *r, size_t i)
{
    const silk_plan_step *p = &r->plan->steps[i];
    slot *s = &r->slots[i];
    s->started = true;
    s->command = 0;
    clock_gettime(CLOCK_MONOTONIC, &s->start);
    r->running++;
    if (!p->parallel)
        r->exclusive_running = true;
    r->outcomes[i].result = SILK_RESULT_RUNNING;
    report(r, i);
    s->log_fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s->log_fd < 0)
        return silk_error_set(r->err, SILK_EIO, "cannot write '%s': %s",
                              p->log, strerror(errno));
    if (p->promote_from != NULL)
        unlink(p->promote_from); /* an ingest builds its store afresh */
    return start_command(r, i);
}

/* A child of step i ended with wstatus. */
static int command_ended(run *r, size_t i, int wstatus)
{
    const silk_plan_step *p = &r->plan->steps[i];
    slot *s = &r->slots[i];
    const silk_job_command *c = &p->commands[s->command];
    s->pid = -1;
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        char error[SILK_STEP_ERROR_MAX], how[64];
        log_error(p->log, error, sizeof error);
        exit_text(wstatus, how, sizeof how);
        if (error[0] == '\0')
            snprintf(error, sizeof error, "%s", how);
        return finish_step(r, i, SILK_RESULT_FAILED, error);
    }
    if (c->stdout_path != NULL) {
        close(s->out_fd);
        s->out_fd = -1;
        if (rename(s->out_tmp, c->stdout_path) != 0) {
            char error[SILK_STEP_ERROR_MAX];
            snprintf(error, sizeof error, "cannot write '%s': %s",
                     c->stdout_path, strerror(errno));
            return finish_step(r, i, SILK_RESULT_FAILED, error);
        }
    }
    if (++s->command < p->n_commands)
        return start_command(r, i);
    if (p->promote_from != NULL && rename(p->promote_from, p->promote_to)) {
        char error[SILK_STEP_ERROR_MAX];
        snprintf(error, sizeof error, "cannot rename '%s' to '%s': %s",
                 p->promote_from, p->promote_to, strerror(errno));
        return finish_step(r, i, SILK_RESULT_FAILED, error);
    }
    for (size_t o = 0; o < p->n_outputs; o++)
        if (!exists(p->outputs[o])) {
            char error[SILK_STEP_ERROR_MAX];
            snprintf(error, sizeof error, "the step did not write '%s'",
                     p->outputs[o]);
            return finish_step(r, i, SILK_RESULT_FAILED, error);
        }
    return finish_step(r, i, SILK_RESULT_OK, NULL);
}

/* Whether step i can start now; marks it NOT_RUN when a step it needs
 * failed. */
static int ready(run *r, size_t i, bool *go)
{
    const silk_plan_step *p = &r->plan->steps[i];
    *go = false;
    for (size_t k = 0; k < p->n_needs; k++) {
        size_t n = p->needs[k];
        if (!r->slots[n].done)
            return SILK_OK;
        silk_step_result res = r->outcomes[n].result;
        if (res != SILK_RESULT_OK && res != SILK_RESULT_UP_TO_DATE) {
            char why[SILK_STEP_ERROR_MAX];
            snprintf(why, sizeof why, "not run: %s %s",
                     r->plan->steps[n].label,
                     res == SILK_RESULT_FAILED ? "failed" : "did not run");
            return finish_step(r, i, SILK_RESULT_NOT_RUN, why);
        }
    }
    for (size_t k = 0; k < p->n_after; k++)
        if (!r->slots[p->after[k]].done)
            return SILK_OK;
    if (r->exclusive_running)
        return SILK_OK;
    if (!p->parallel && r->running > 0)
        return SILK_OK;
    unsigned jobs = r->opt->jobs ? r->opt->jobs : 1;
    *go = r->running < jobs;
    return SILK_OK;
}

static int loop(run *r)
{
    const silk_plan *plan = r->plan;
    size_t n = plan->n_steps;
    pid_t *pids = malloc(n * sizeof *pids);
    if (pids == NULL)
        return silk_error_set(r->err, SILK_ENOMEM, "out of memory");
    int status = SILK_OK;
    while (status == SILK_OK && r->done < n) {
        /* start everything that can start, in plan order */
        bool progress = true;
        while (status == SILK_OK && progress) {
            progress = false;
            for (size_t i = 0; i < n && status == SILK_OK; i++) {
                if (r->slots[i].started || r->slots[i].done)
                    continue;
                bool go;
                size_t before = r->done;
                status = ready(r, i, &go);
                if (r->done != before)
                    progress = true; /* NOT_RUN: may unblock others */
                if (status == SILK_OK && go) {
                    status = start_step(r, i);
                    progress = true;
                }
            }
        }
        if (status != SILK_OK || r->done == n)
            break;
        if (r->running == 0) {
            status = silk_error_set(r->err, SILK_EINVAL,
                                    "internal error: no step can start");
            break;
        }
        for (size_t i = 0; i < n; i++)
            pids[i] = r->slots[i].started && !r->slots[i].done
                          ? r->slots[i].pid
                          : -1;
        size_t which;
        int wstatus;
        if (wait_one(pids, n, &which, &wstatus) != 0) {
            status = silk_error_set(r->err, SILK_EIO,
                                    "cannot wait for a step: %s",
                                    strerror(errno));
            break;
        }
        status = command_ended(r, which, wstatus);
    }
    if (status != SILK_OK) {
        /* the run itself failed: stop what still runs */
        for (size_t i = 0; i < n; i++)
            if (r->slots[i].started && !r->slots[i].done &&
                r->slots[i].pid > 0) {
                kill(r->slots[i].pid, SIGTERM);
                waitpid(r->slots[i].pid, NULL, 0);
            }
    }
    free(pids);
    return status;
}

int silk_job_run(const silk_plan *plan, const silk_run_options *opt,
                 silk_step_outcome *outcomes, silk_error *err)
{
    run r = {0};
    r.plan = plan;
    r.opt = opt;
    r.outcomes = outcomes;
    r.err = err;
    size_t n = plan->n_steps;
    memset(outcomes, 0, n * sizeof *outcomes);
    r.slots = calloc(n ? n : 1, sizeof *r.slots);
    if (r.slots == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r.slots[i].pid = -1;
        r.slots[i].log_fd = r.slots[i].out_fd = -1;
    }
    int status = make_dirs(plan->out_dir, err);
    char *logs = status == SILK_OK ? job_join(plan->out_dir, "logs") : NULL;
    if (status == SILK_OK && logs == NULL)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status == SILK_OK)
        status = make_dirs(logs, err);
    free(logs);
    if (status == SILK_OK && !opt->force)
        status = job_state_load(plan->state_path, &r.state, err);
    if (status != SILK_OK)
        goto done;
    /* forget steps the job no longer has */
    for (size_t k = r.state.n; k-- > 0;) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(plan->steps[i].name, r.state.name[k]) == 0;
        if (!known)
            job_state_remove(&r.state, r.state.name[k]);
    }

    /* What is out of date: forced, a new key, a missing output, or a
     * step it needs or follows redone. */
    for (size_t i = 0; i < n; i++) {
        const silk_plan_step *p = &plan->steps[i];
        const char *key = job_state_key(&r.state, p->name);
        bool stale = opt->force || key == NULL || strcmp(key, p->key) != 0;
        for (size_t o = 0; o < p->n_outputs && !stale; o++)
            stale = !exists(p->outputs[o]);
        for (size_t k = 0; k < p->n_needs && !stale; k++)
            stale = r.slots[p->needs[k]].stale;
        for (size_t k = 0; k < p->n_after && !stale; k++)
            stale = r.slots[p->after[k]].stale;
        r.slots[i].stale = stale;
    }
    for (size_t i = 0; i < n && status == SILK_OK; i++)
        if (r.slots[i].stale)
            status = dry_run(plan, i, err);
    if (status != SILK_OK)
        goto done;
    for (size_t i = 0; i < n && status == SILK_OK; i++)
        if (!r.slots[i].stale)
            status = finish_step(&r, i, SILK_RESULT_UP_TO_DATE, NULL);
    if (status == SILK_OK)
        status = loop(&r);
done:
    for (size_t i = 0; i < n; i++) {
        close_fds(&r.slots[i]);
        free(r.slots[i].out_tmp);
    }
    free(r.slots);
    job_state_release(&r.state);
    return status;
}
