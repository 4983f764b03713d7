/*
 * gsl_error.c: GSL error handling for the whole library.
 *
 * GSL's default handler aborts the process, possibly in the middle of a
 * store write, and gsl_set_error_handler_off() would make range errors
 * silent.  So the handler is replaced once with one that records the error
 * (per thread, since GSL calls the handler on the failing thread) and
 * every caller checks GSL's status and the record through silk_gsl_check.
 */
#include <pthread.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "stats/stats.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local silk_gsl_error last;
static _Thread_local bool have_last;

/* Called by GSL in place of abort(): keep the details, return to GSL,
 * which then returns its error code to the caller. */
static void record(const char *reason, const char *file, int line,
                   int gsl_errno)
{
    last.gsl_errno = gsl_errno;
    last.line = line;
    snprintf(last.file, sizeof last.file, "%s", file ? file : "");
    snprintf(last.reason, sizeof last.reason, "%s", reason ? reason : "");
    have_last = true;
}

static void install(void)
{
    gsl_set_error_handler(record);
}

void silk_gsl_init(void)
{
    pthread_once(&once, install);
}

void silk_gsl_clear(void)
{
    have_last = false;
}

bool silk_gsl_last(silk_gsl_error *out)
{
    if (have_last && out)
        *out = last;
    return have_last;
}

int silk_gsl_check(int status, silk_error *err, const char *what)
{
    if (status == GSL_SUCCESS && !have_last)
        return SILK_OK;
    if (!have_last)
        return silk_error_set(err, SILK_ENUMERIC, "%s: gsl: %s", what,
                              gsl_strerror(status));
    have_last = false;
    return silk_error_set(err, SILK_ENUMERIC, "%s: gsl: %s (%s)", what,
                          last.reason, gsl_strerror(last.gsl_errno));
}
