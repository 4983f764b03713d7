/*
 * stats.h: internal interface of src/stats shared with the other modules
 * that call GSL (indicators).  Not installed, not part of the public API.
 *
 * GSL's default error handler prints and calls abort().  silkstat replaces
 * it, once per process, with a handler that records the last error in
 * thread-local storage, and turns what was recorded into SILK_ENUMERIC.
 * This header deliberately includes no GSL header.
 */
#ifndef SILK_STATS_H
#define SILK_STATS_H

#include <stdbool.h>

#include "silkstat.h"

#define SILK_GSL_REASON_MAX 256
#define SILK_GSL_FILE_MAX 128

/* The last error GSL reported on the calling thread. */
typedef struct silk_gsl_error {
    int gsl_errno; /* GSL_EDOM, GSL_ENOMEM, ... */
    int line;
    char file[SILK_GSL_FILE_MAX];     /* GSL source file that raised it */
    char reason[SILK_GSL_REASON_MAX]; /* GSL's own text */
} silk_gsl_error;

/* Installs the recording handler (pthread_once: safe to call from every
 * entry point on every thread; only the first call does anything).  It
 * replaces whatever handler the embedding program had set. */
void silk_gsl_init(void);

/* Forgets any error recorded on the calling thread.  Call before a run of
 * GSL calls whose errors silk_gsl_check will inspect. */
void silk_gsl_clear(void);

/* Copies the error recorded on the calling thread into out (if not NULL)
 * and returns true, or returns false if none was recorded.  Does not clear
 * it. */
bool silk_gsl_last(silk_gsl_error *out);

/* Turns a GSL status and/or a recorded error into SILK_ENUMERIC:
 * "WHAT: gsl: REASON (GSL_ERRNO_TEXT)".  The recorded reason is preferred
 * because it is more specific than gsl_strerror(status).  Consumes (clears)
 * the recorded error.  Returns SILK_OK when status is 0 and nothing was
 * recorded. */
int silk_gsl_check(int status, silk_error *err, const char *what);

#endif /* SILK_STATS_H */
