/*
 * state.c: OUT/.silkstat-job, the key of each step's last success, one
 * "KEY NAME" line a step under a version line.  Written whole through a
 * temporary file, fsync and rename after every success, so a run killed
 * half-way keeps what it finished and never leaves half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/memory.h"
#include "job/job.h"

#define STATE_HEADER "silkstat-job 1"

static bool hex64(const char *text)
{
    return strlen(text) == 64 &&
           strspn(text, "0123456789abcdef") == 64;
}

int job_state_load(const char *path, job_state *st, silk_error *err)
{
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT)
            return SILK_OK;
        return silk_error_set(err, SILK_EIO, "cannot read '%s': %s", path,
                              strerror(errno));
    }
    char line[512];
    bool header = false;
    int status = SILK_OK;
    while (status == SILK_OK && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!header) {
            header = strcmp(line, STATE_HEADER) == 0;
            if (!header)
                break; /* another version: start afresh */
            continue;
        }
        char *space = strchr(line, ' ');
        if (space == NULL)
            continue;
        *space = '\0';
        if (hex64(line) && space[1] != '\0')
            status = job_state_set(st, space + 1, line, err);
    }
    fclose(f);
    return status;
}

const char *job_state_key(const job_state *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->name[i], name) == 0)
            return st->key[i];
    return NULL;
}

int job_state_set(job_state *st, const char *name, const char *key,
                  silk_error *err)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->name[i], name) == 0) {
            snprintf(st->key[i], sizeof st->key[i], "%s", key);
            return SILK_OK;
        }
    if (silk_grow((void **)&st->name, &st->cap_name, st->n + 1,
                  sizeof *st->name) != SILK_OK ||
        silk_grow((void **)&st->key, &st->cap_key, st->n + 1,
                  sizeof *st->key) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    st->name[st->n] = strdup(name);
    if (st->name[st->n] == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    snprintf(st->key[st->n], sizeof st->key[st->n], "%s", key);
    st->n++;
    return SILK_OK;
}

void job_state_remove(job_state *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->name[i], name) == 0) {
            free(st->name[i]);
            memmove(&st->name[i], &st->name[i + 1],
                    (st->n - i - 1) * sizeof *st->name);
            memmove(&st->key[i], &st->key[i + 1],
                    (st->n - i - 1) * sizeof *st->key);
            st->n--;
            return;
        }
}

int job_state_save(const char *path, const job_state *st, silk_error *err)
{
    char *tmp = job_format("%s.tmp-%ld", path, (long)getpid());
    if (tmp == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = SILK_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (f == NULL) {
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", tmp,
                                strerror(errno));
        if (fd >= 0)
            close(fd);
        goto done;
    }
    fprintf(f, "%s\n", STATE_HEADER);
    for (size_t i = 0; i < st->n; i++)
        fprintf(f, "%s %s\n", st->key[i], st->name[i]);
    bool bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad = fclose(f) != 0 || bad;
    if (bad || rename(tmp, path) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                                strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    return status;
}

void job_state_release(job_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->name[i]);
    free(st->name);
    free(st->key);
    memset(st, 0, sizeof *st);
}
