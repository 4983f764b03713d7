/*
 * parallel.h: running independent work items on several threads.  Each
 * item writes only its own result slot, and the caller prints the slots
 * in item order, so output never depends on the thread count.
 */
#ifndef SILK_CLI_PARALLEL_H
#define SILK_CLI_PARALLEL_H

#include <stddef.h>

#include "silkstat.h"

/* Most threads silkstat starts for one command. */
#define CLI_THREADS_MAX 256

/* The thread count: text (--threads) if not NULL, else $SILKSTAT_THREADS if
 * set and not empty, else the number of online processors.  SILK_EINVAL
 * for anything but a whole number from 1 to CLI_THREADS_MAX. */
int cli_thread_count(const char *text, unsigned *out, silk_error *err);

/* Calls work(ctx, i, thread) for every i in [0, n), on up to `threads`
 * threads (thread numbers below threads; 1 runs everything in the
 * caller).  Items are handed out in small blocks as threads come free.  A
 * thread that cannot be started leaves its share to the others. */
void cli_parallel_for(size_t n, unsigned threads,
                      void (*work)(void *ctx, size_t i, unsigned thread),
                      void *ctx);

#endif
