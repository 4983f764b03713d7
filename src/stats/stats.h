/*
 * stats.h: internal interface of src/stats shared with the other modules
 * that call GSL (indicators).  Not installed, not part of the public API.
 *
 * GSL's default error handler prints and calls abort().  silkstat replaces
 * it, once per process, with a handler that records the last error in
 * thread-local storage, and turns what was recorded into SILK_ENUMERIC.
 * It also declares the checks and the pieces of the trend statistics
 * that several files of src/stats share.  This header deliberately
 * includes no GSL header.
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

/* ---- Checks shared by the stats modules (check.c) ---- */

/* Rejects NaN and infinities in v[0..n): "METHOD: NAME[I] is nan,
 * expected a finite number" (SILK_EINVAL), naming the first bad index. */
int silk_stats_finite(const char *method, const char *name, const double *v,
                      size_t n, silk_error *err);

/* Rejects t that is not strictly increasing: "METHOD: t[I] is X after
 * t[I-1] = Y, expected strictly increasing times" (SILK_EINVAL). */
int silk_stats_increasing(const char *method, const double *t, size_t n,
                          silk_error *err);

/* "NAME" is nan/inf/-inf, for messages (printf gives "-nan" for some). */
const char *silk_stats_nonfinite_name(double v);

/* ---- Pieces of OLS, Mann-Kendall and Sen shared by trend.c and
 * kernel.c, so that silk_trend_all and the separate functions compute
 * every field with the same operations (bit-identical results) ---- */

/* The OLS fit of validated input (n >= 3, finite, t not constant).
 * tcrit is t_{n-2, 0.975} (passed in so a caller can cache it).  Fills
 * every field of out or fails with SILK_ENUMERIC ("METHOD: the fit is
 * not finite ..."). */
int silk_stats_ols_fit(const char *method, const double *t, const double *y,
                       size_t n, double tcrit, silk_ols *out,
                       silk_error *err);

/* t_{df, 0.975}, the quantile of silk_ols's 95% interval. */
double silk_stats_ols_tcrit(size_t n);

/* Var(S) of Mann-Kendall from n and ties = sum_p t_p(t_p-1)(2t_p+5). */
double silk_stats_mk_var(size_t n, double ties);

/* Sums over the tie groups of y sorted ascending: *ties = sum_p
 * t_p(t_p-1)(2t_p+5), *tied_pairs = sum_p t_p(t_p-1)/2. */
void silk_stats_mk_ties(const double *sorted, size_t n, double *ties,
                        double *tied_pairs);

/* z = (S - sgn S) / sqrt(Var S) (0 when S or Var S is 0) and p = 2 (1 -
 * Phi(|z|)), as R's trend package (also for the seasonal test). */
void silk_stats_mk_zp(double s, double var_s, double *z, double *p);

/* z (continuity corrected), p and tau from S, Var(S) and the tied pairs;
 * fills every field of out (n, s and var_s included). */
void silk_stats_mk_finish(size_t n, double s, double var_s,
                          double tied_pairs, silk_mk *out);

/* 1-based ranks of Sen's interval among npairs sorted slopes: C = zq *
 * sqrt(var_s) (0 when var_s is 0), lower = round((N - C)/2), upper =
 * round((N + C)/2 + 1), half-to-even, clamped to [1, N]. */
void silk_stats_sen_ranks(size_t npairs, double var_s, double zq,
                          size_t *lo, size_t *hi);

/* The median of sorted[0..n) as GSL computes it (mean of the two middle
 * values for even n). */
double silk_stats_median_pair(double lower, double upper, size_t n);

#endif /* SILK_STATS_H */
