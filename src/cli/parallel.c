/*
 * parallel.c: a minimal pthreads work loop.  An atomic counter hands out
 * blocks of items, which balances series of very different lengths
 * (annual and monthly) without a scheduler.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/parallel.h"

/* Items per claim: small enough to balance, large enough that the counter
 * is not contended (a series takes microseconds). */
#define BLOCK 16

int cli_thread_count(const char *text, unsigned *out, silk_error *err)
{
    const char *what = "--threads";
    if (text == NULL || text[0] == '\0') {
        text = getenv("SILKSTAT_THREADS");
        what = "SILKSTAT_THREADS";
    }
    if (text == NULL || text[0] == '\0') {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        *out = online < 1                ? 1
               : online > CLI_THREADS_MAX ? CLI_THREADS_MAX
                                          : (unsigned)online;
        return SILK_OK;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || text[0] == '-' || text[0] == '+' ||
        n < 1 || n > CLI_THREADS_MAX)
        return silk_error_set(err, SILK_EINVAL,
                              "%s '%s' is not a thread count; expected a "
                              "whole number from 1 to %d",
                              what, text, CLI_THREADS_MAX);
    *out = (unsigned)n;
    return SILK_OK;
}

typedef struct loop {
    size_t n;
    atomic_size_t next;
    void (*work)(void *, size_t, unsigned);
    void *ctx;
} loop;

typedef struct worker {
    loop *shared;
    unsigned thread;
} worker;

static void run(loop *l, unsigned thread)
{
    for (;;) {
        size_t start = atomic_fetch_add(&l->next, BLOCK);
        if (start >= l->n)
            return;
        size_t end = start + BLOCK < l->n ? start + BLOCK : l->n;
        for (size_t i = start; i < end; i++)
            l->work(l->ctx, i, thread);
    }
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    run(w->shared, w->thread);
    return NULL;
}

void cli_parallel_for(size_t n, unsigned threads,
                      void (*work)(void *ctx, size_t i, unsigned thread),
                      void *ctx)
{
    loop l = {.n = n, .work = work, .ctx = ctx};
    atomic_init(&l.next, 0);
    if (threads > CLI_THREADS_MAX)
        threads = CLI_THREADS_MAX;
    if (threads <= 1 || n <= BLOCK) {
        run(&l, 0);
        return;
    }
    pthread_t ids[CLI_THREADS_MAX];
    worker workers[CLI_THREADS_MAX];
    unsigned started = 0;
    /* thread 0 is the caller */
    for (unsigned k = 1; k < threads; k++) {
        workers[k] = (worker){&l, k};
        if (pthread_create(&ids[k], NULL, thread_main, &workers[k]) != 0)
            break;
        started = k;
    }
    run(&l, 0);
    for (unsigned k = 1; k <= started; k++)
        pthread_join(ids[k], NULL);
}
