/*
 * test_stats_threads.c: the functions of src/stats called from four
 * threads at once give what they give on one thread.
 *
 * Each function keeps its state on the stack, in its arguments or in a
 * caller-owned workspace; GSL's error record is per thread
 * (gsl_error.c).  This runs every entry point that allocates or calls
 * GSL (workspace kernel, Holt's Nelder-Mead, the seasonal test, movstat,
 * the Steffen spline, Pettitt's ranks, the Hampel filter) on the same
 * series in four threads and compares the bits with a first, single
 * threaded run.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

enum { SERIES = 24, N = 48, THREADS = 4 };

/* Everything one run computes, compared with memcmp. */
typedef struct results {
    silk_ols ols[SERIES];
    silk_mk mk[SERIES];
    silk_sen sen[SERIES];
    silk_holt holt[SERIES];
    silk_smk smk[SERIES];
    silk_pettitt pettitt[SERIES];
    double median[SERIES][N];
    double filled[SERIES][N];
    bool outlier[SERIES][N];
    int failures;
} results;

static double t[N], y[SERIES][N], gappy[SERIES][N];

static void make_data(void)
{
    uint64_t state = 0x853C49E6748FEA9BULL;
    for (size_t i = 0; i < N; i++)
        t[i] = 2000.0 + (double)i / 12.0;
    for (size_t s = 0; s < SERIES; s++)
        for (size_t i = 0; i < N; i++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            double noise = (double)(state >> 11) * 0x1p-53 - 0.5;
            y[s][i] = 100.0 + (double)s * (double)i * 0.1 +
                      10.0 * sin((double)i * 0.5) + 20.0 * noise;
            gappy[s][i] = (i % 7 == 3 && i + 1 < N) ? NAN : y[s][i];
        }
}

static void run_all(results *r)
{
    silk_trend_workspace *ws = NULL;
    silk_error err = {0};

    memset(r, 0, sizeof *r);
    if (silk_trend_workspace_alloc(N, &ws, &err) != SILK_OK) {
        r->failures++;
        return;
    }
    for (size_t s = 0; s < SERIES; s++) {
        r->failures +=
            silk_trend_all(ws, t, y[s], N, 0.05, &r->ols[s], &r->mk[s],
                           &r->sen[s], &err) != SILK_OK;
        r->failures +=
            silk_holt_fit(y[s], N, NULL, &r->holt[s], &err) != SILK_OK;
        r->failures += silk_seasonal_mann_kendall(gappy[s], N, 12, &r->smk[s],
                                                  NULL, &err) != SILK_OK;
        r->failures +=
            silk_pettitt_test(y[s], N, &r->pettitt[s], &err) != SILK_OK;
        r->failures += silk_movstat_median(gappy[s], N, 2, 2, r->median[s],
                                           NULL, &err) != SILK_OK;
        r->failures += silk_fill_gaps(t, gappy[s], N, SILK_FILL_STEFFEN, 0,
                                      r->filled[s], NULL, NULL,
                                      &err) != SILK_OK;
        r->failures += silk_hampel_detect(y[s], N, 3, 3.0, r->outlier[s],
                                          NULL, NULL, NULL, &err) != SILK_OK;
    }
    silk_trend_workspace_free(ws);
}

static void *thread_main(void *arg)
{
    run_all(arg);
    return NULL;
}

static void same_in_threads(void **state)
{
    (void)state;
    static results alone, in_thread[THREADS];
    pthread_t th[THREADS];

    make_data();
    run_all(&alone);
    assert_int_equal(alone.failures, 0);
    for (int q = 0; q < THREADS; q++)
        assert_int_equal(
            pthread_create(&th[q], NULL, thread_main, &in_thread[q]), 0);
    for (int q = 0; q < THREADS; q++)
        assert_int_equal(pthread_join(th[q], NULL), 0);
    for (int q = 0; q < THREADS; q++)
        assert_memory_equal(&in_thread[q], &alone, sizeof alone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_in_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
