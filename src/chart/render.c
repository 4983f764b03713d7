/*
 * render.c: running gnuplot.  fork + execvp, never a shell, so nothing in a
 * path or a label can become a shell command; the child changes into the
 * chart's folder so the script names its files by basename.  Separate from
 * the script writer because it is the only code here that deals with
 * processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chart/chart.h"

#define STDERR_KEEP 4096 /* enough for the first lines of gnuplot's error */

/* What the child reports through the close-on-exec pipe when it fails
 * before exec: the step and errno. */
enum { STEP_CHDIR = 1, STEP_DEVNULL = 2, STEP_EXEC = 3 };

/* Keeps the first few meaningful lines of gnuplot's stderr on one line:
 * gnuplot echoes the offending command and a caret line first, then
 * '"x.gp" line 3: unrecognized option'. */
static void summarize(const char *text, char *out, size_t size)
{
    size_t used = 0;
    int lines = 0;
    out[0] = '\0';
    while (*text && lines < 4) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        const char *s = text;
        size_t n = len;
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
            n--;
        if (n > 0 && strspn(s, "^ \t") < n) {
            int w = snprintf(out + used, size - used, "%s%.*s",
                             lines ? " | " : "", (int)n, s);
            if (w < 0 || (size_t)w >= size - used)
                break;
            used += (size_t)w;
            lines++;
        }
        text += len + (end ? 1 : 0);
    }
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            *c = ' ';
}

/* Relative program paths break once the child changes folder. */
static char *absolute_program(const char *program)
{
    if (strchr(program, '/') == NULL || program[0] == '/')
        return strdup(program);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return strdup(program);
    size_t len = strlen(cwd) + strlen(program) + 2;
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s/%s", cwd, program);
    return path;
}

int silk_chart_run(const char *gnuplot, const char *dir, const char *script,
                   const char *tmp_name, silk_error *err)
{
    int status = SILK_OK;
    int errpipe[2] = {-1, -1}, reportpipe[2] = {-1, -1};
    pid_t pid = -1;
    char *program = NULL;
    char outfile_arg[300];
    char captured[STDERR_KEEP + 1];
    size_t captured_len = 0;

    if (gnuplot == NULL || gnuplot[0] == '\0')
        gnuplot = "gnuplot";
    if (!silk_chart_name_ok(script) || !silk_chart_name_ok(tmp_name))
        return silk_error_set(err, SILK_EINVAL,
                              "chart file name '%s' has characters other "
                              "than [A-Za-z0-9_.-]",
                              silk_chart_name_ok(script) ? tmp_name : script);
    /* Safe inside single quotes: silk_chart_name_ok allows no quote. */
    snprintf(outfile_arg, sizeof outfile_arg, "outfile='%s'", tmp_name);
    program = absolute_program(gnuplot);
    if (program == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    if (pipe(errpipe) != 0 || pipe(reportpipe) != 0 ||
        fcntl(reportpipe[1], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(errpipe[1], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(errpipe[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(reportpipe[0], F_SETFD, FD_CLOEXEC) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot create a pipe: %s",
                                strerror(errno));
        goto done;
    }
    /* -d: skip ~/.gnuplot and system init files, which could change the
     * output or run commands of their own. */
    char *argv[] = {program, "-d", "-e", outfile_arg, (char *)script, NULL};
    pid = fork();
    if (pid < 0) {
        status = silk_error_set(err, SILK_ECHART, "cannot start '%s': %s",
                                gnuplot, strerror(errno));
        goto done;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int report[2] = {STEP_CHDIR, 0};
        int devnull;
        if (chdir(dir) != 0)
            goto child_fail;
        report[0] = STEP_DEVNULL;
        devnull = open("/dev/null", O_RDWR);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
            dup2(errpipe[1], 2) < 0)
            goto child_fail;
        report[0] = STEP_EXEC;
        execvp(program, argv);
    child_fail:
        report[1] = errno;
        if (write(reportpipe[1], report, sizeof report) < 0)
            _exit(127);
        _exit(127);
    }
    close(errpipe[1]);
    errpipe[1] = -1;
    close(reportpipe[1]);
    reportpipe[1] = -1;

    /* Drain stderr while gnuplot runs so a chatty run cannot fill the pipe
     * and block; keep only the start. */
    for (;;) {
        char chunk[1024];
        ssize_t got = read(errpipe[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = (size_t)got;
        if (keep > STDERR_KEEP - captured_len)
            keep = STDERR_KEEP - captured_len;
        memcpy(captured + captured_len, chunk, keep);
        captured_len += keep;
    }
    captured[captured_len] = '\0';

    int report[2] = {0, 0};
    ssize_t got;
    do
        got = read(reportpipe[0], report, sizeof report);
    while (got < 0 && errno == EINTR);

    int wstatus = 0;
    pid_t waited;
    do
        waited = waitpid(pid, &wstatus, 0);
    while (waited < 0 && errno == EINTR);
    pid = -1;

    if (got == (ssize_t)sizeof report) {
        if (report[0] == STEP_CHDIR)
            status = silk_error_set(err, SILK_ECHART,
                                    "cannot enter chart folder '%s': %s", dir,
                                    strerror(report[1]));
        else if (report[0] == STEP_DEVNULL)
            status = silk_error_set(err, SILK_ECHART,
                                    "cannot redirect gnuplot's output: %s",
                                    strerror(report[1]));
        else
            status = silk_error_set(err, SILK_ECHART,
                                    "cannot run gnuplot '%s': %s (install "
                                    "gnuplot or give its path)",
                                    gnuplot, strerror(report[1]));
        goto done;
    }
    if (waited < 0 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        char summary[700];
        char how[64];
        summarize(captured, summary, sizeof summary);
        if (waited >= 0 && WIFSIGNALED(wstatus))
            snprintf(how, sizeof how, "killed by signal %d",
                     WTERMSIG(wstatus));
        else
            snprintf(how, sizeof how, "exit status %d",
                     waited >= 0 ? WEXITSTATUS(wstatus) : -1);
        status = silk_error_set(err, SILK_ECHART,
                                "gnuplot failed on '%s/%s' (%s): %s", dir,
                                script, how,
                                summary[0] ? summary : "no message");
        goto done;
    }

done:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    for (int i = 0; i < 2; i++) {
        if (errpipe[i] >= 0)
            close(errpipe[i]);
        if (reportpipe[i] >= 0)
            close(reportpipe[i]);
    }
    free(program);
    return status;
}
