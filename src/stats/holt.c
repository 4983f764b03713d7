/*
 * holt.c: Holt's damped trend, ETS(A,Ad,N) (reference/METHODS.md):
 * the recursion, its one-step SSE fitted with GSL's Nelder-Mead, and
 * forecasts with their variance (Hyndman et al. 2008, class 1).
 *
 * A module of its own because it is the only model here with a state
 * that runs through the series and parameters found by optimisation.
 *
 * Choices (the README repeats them for analysts):
 *   - Start states: level0 and trend0 are the intercept and slope of the
 *     OLS line through the first min(n, 10) values at times 1, 2, ...,
 *     i.e. the line's value one step before y[0] and its slope.  This is
 *     the start R's forecast::ets takes before it optimises the states
 *     too; here they stay fixed, so the fit searches 3 parameters, not 5,
 *     which keeps it stable on series of a few dozen points, and a least
 *     squares start is far less noisy than HoltWinters' y[1] - y[0].
 *   - Bounds: alpha and beta* in [1e-4, 0.9999], phi in [0.8, 0.98], the
 *     region forecast::ets uses by default.  beta* < 1 is its beta <
 *     alpha in error-correction form (beta = alpha beta*); phi <= 0.98
 *     keeps the damping visible (phi -> 1 is the undamped Holt), phi >=
 *     0.8 keeps the trend from dying within a few periods.
 *   - The search runs in logit coordinates, p = lo + (hi - lo) / (1 +
 *     exp(-u)), so Nelder-Mead (which knows no bounds) stays inside them;
 *     it starts at alpha 0.2, beta* 0.1, phi 0.9 (forecast's start is
 *     near these) with steps of 1 in u, and stops when the simplex is
 *     below 1e-6 in u or after 1000 iterations.  The simplex keeps its
 *     best vertex, which starts at the starting values, so the fitted SSE
 *     is never above the SSE at the start.
 *   - s2 = SSE / n, the maximum-likelihood variance of the one-step
 *     errors (Hyndman et al. 2008, ch. 5); forecast::ets divides by n
 *     minus the number of parameters instead, giving intervals a little
 *     wider.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>

#include "silkstat.h"
#include "stats/stats.h"

enum { ALPHA, BETA, PHI, NPARAM };

static const double lower[NPARAM] = {1e-4, 1e-4, 0.8};
static const double upper[NPARAM] = {0.9999, 0.9999, 0.98};
static const double start[NPARAM] = {SILK_HOLT_START_ALPHA,
                                     SILK_HOLT_START_BETA,
                                     SILK_HOLT_START_PHI};
static const char *const param_name[NPARAM] = {"alpha", "beta", "phi"};

/* The recursion of METHODS.md from (level0, trend0); returns the SSE of
 * the one-step forecasts and leaves the last states in *level, *trend. */
static double recursion(const double *y, size_t n, const double *p,
                        double level0, double trend0, double *level,
                        double *trend)
{
    double a = p[ALPHA], b = p[BETA], phi = p[PHI];
    double l = level0, tr = trend0, sse = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = l + phi * tr; /* yhat_{t|t-1} */
        double e = y[i] - f;
        double ln = a * y[i] + (1.0 - a) * f;
        tr = b * (ln - l) + (1.0 - b) * phi * tr;
        l = ln;
        sse += e * e;
    }
    *level = l;
    *trend = tr;
    return sse;
}

typedef struct problem {
    const double *y;
    size_t n;
    double level0, trend0;
    double p[NPARAM]; /* fixed values; free ones are overwritten */
    int free_param[NPARAM];
    size_t nfree;
} problem;

static double from_logit(double u, int q)
{
    return lower[q] + (upper[q] - lower[q]) / (1.0 + exp(-u));
}

static double sse_at(const gsl_vector *u, void *params)
{
    problem *pr = params;
    double p[NPARAM], l, tr;
    for (int q = 0; q < NPARAM; q++)
        p[q] = pr->p[q];
    for (size_t v = 0; v < pr->nfree; v++)
        p[pr->free_param[v]] =
            from_logit(gsl_vector_get(u, v), pr->free_param[v]);
    return recursion(pr->y, pr->n, p, pr->level0, pr->trend0, &l, &tr);
}

/* Nelder-Mead over the free parameters; writes them into pr->p. */
static int minimise(problem *pr, int *converged, size_t *iterations,
                    silk_error *err)
{
    const char *method = "holt fit";
    gsl_multimin_fminimizer *s = NULL;
    gsl_vector *u = NULL, *step = NULL;
    gsl_multimin_function f = {sse_at, pr->nfree, pr};
    int rc, status;

    silk_gsl_clear();
    s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
                                      pr->nfree);
    u = gsl_vector_alloc(pr->nfree);
    step = gsl_vector_alloc(pr->nfree);
    if (!s || !u || !step) {
        rc = silk_gsl_check(GSL_ENOMEM, err, method);
        goto done;
    }
    for (size_t v = 0; v < pr->nfree; v++) {
        int q = pr->free_param[v];
        gsl_vector_set(u, v,
                       log((start[q] - lower[q]) / (upper[q] - start[q])));
        gsl_vector_set(step, v, 1.0);
    }
    if ((rc = silk_gsl_check(gsl_multimin_fminimizer_set(s, &f, u, step), err,
                             method)))
        goto done;
    *converged = 0;
    for (*iterations = 0; *iterations < 1000;) {
        status = gsl_multimin_fminimizer_iterate(s);
        ++*iterations;
        if (status == GSL_ENOPROG) {
            /* a flat SSE (a constant series): nothing left to gain */
            silk_gsl_clear();
            *converged = 1;
            break;
        }
        if ((rc = silk_gsl_check(status, err, method)))
            goto done;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-6) ==
            GSL_SUCCESS) {
            *converged = 1;
            break;
        }
    }
    const gsl_vector *best = gsl_multimin_fminimizer_x(s);
    for (size_t v = 0; v < pr->nfree; v++)
        pr->p[pr->free_param[v]] =
            from_logit(gsl_vector_get(best, v), pr->free_param[v]);
    rc = silk_gsl_check(GSL_SUCCESS, err, method);
done:
    if (s)
        gsl_multimin_fminimizer_free(s);
    if (u)
        gsl_vector_free(u);
    if (step)
        gsl_vector_free(step);
    return rc;
}

/* OLS line through (1, y[0]) .. (m, y[m-1]): its value at time 0 and its
 * slope. */
static void start_states(const double *y, size_t m, double *level0,
                         double *trend0)
{
    double xm = ((double)m + 1.0) / 2.0, ym = 0.0, sxx = 0.0, sxy = 0.0;
    for (size_t i = 0; i < m; i++)
        ym += y[i];
    ym /= (double)m;
    for (size_t i = 0; i < m; i++) {
        double dx = (double)(i + 1) - xm;
        sxx += dx * dx;
        sxy += dx * (y[i] - ym);
    }
    *trend0 = sxy / sxx;
    *level0 = ym - *trend0 * xm;
}

SILK_API int silk_holt_fit(const double *y, size_t n,
                           const silk_holt_spec *spec, silk_holt *out,
                           silk_error *err)
{
    const char *method = "holt fit";
    int rc;

    silk_gsl_init();
    if (n < 4)
        return silk_error_set(err, SILK_ETOOFEW,
                              "%s needs at least 4 values, got %zu", method,
                              n);
    if (!y || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: y and out must not be null", method);
    if ((rc = silk_stats_finite(method, "y", y, n, err)))
        return rc;

    problem pr = {.y = y, .n = n};
    double given[NPARAM] = {NAN, NAN, NAN};
    if (spec) {
        given[ALPHA] = spec->alpha;
        given[BETA] = spec->beta;
        given[PHI] = spec->phi;
    }
    for (int q = 0; q < NPARAM; q++) {
        if (isnan(given[q])) {
            pr.p[q] = start[q];
            pr.free_param[pr.nfree++] = q;
            continue;
        }
        /* alpha and phi in (0, 1], beta in [0, 1] */
        bool ok = q == BETA ? given[q] >= 0.0 && given[q] <= 1.0
                            : given[q] > 0.0 && given[q] <= 1.0;
        if (!ok)
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: %s is %g, expected a number in %s",
                                  method, param_name[q], given[q],
                                  q == BETA ? "[0, 1]" : "(0, 1]");
        pr.p[q] = given[q];
    }
    bool has_l = spec && !isnan(spec->level0);
    bool has_b = spec && !isnan(spec->trend0);
    if (has_l != has_b)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: level0 and trend0 must be given together",
                              method);
    if (has_l) {
        if (!isfinite(spec->level0) || !isfinite(spec->trend0))
            return silk_error_set(err, SILK_EINVAL,
                                  "%s: level0 and trend0 must be finite",
                                  method);
        pr.level0 = spec->level0;
        pr.trend0 = spec->trend0;
    } else {
        start_states(y, n < 10 ? n : 10, &pr.level0, &pr.trend0);
    }

    silk_holt r = {.n = n, .level0 = pr.level0, .trend0 = pr.trend0};
    r.sse_start = recursion(y, n, pr.p, pr.level0, pr.trend0, &r.level,
                            &r.trend);
    r.fitted = (int)pr.nfree;
    r.converged = 1;
    if (!isfinite(r.sse_start))
        return silk_error_set(err, SILK_ENUMERIC,
                              "%s: the one-step errors overflow (values too "
                              "large)",
                              method);
    /* An SSE of 0 (a straight line the start states already follow, a
     * constant) cannot improve, and Nelder-Mead on a flat function only
     * wanders: keep the starting values. */
    if (pr.nfree > 0 && r.sse_start > 0.0 &&
        (rc = minimise(&pr, &r.converged, &r.iterations, err)))
        return rc;
    r.alpha = pr.p[ALPHA];
    r.beta = pr.p[BETA];
    r.phi = pr.p[PHI];
    r.sse = recursion(y, n, pr.p, pr.level0, pr.trend0, &r.level, &r.trend);
    r.s2 = r.sse / (double)n;
    if (!isfinite(r.sse) || !isfinite(r.level) || !isfinite(r.trend))
        return silk_error_set(err, SILK_ENUMERIC,
                              "%s: the fit is not finite (values too large)",
                              method);
    *out = r;
    return SILK_OK;
}

/*
 * mean = l_T + (phi + ... + phi^h) b_T.  v_h = s2 [1 + sum_{j=1}^{h-1}
 * c_j^2], c_j = alpha + beta (phi + ... + phi^j) with beta = alpha beta*:
 * the sum whose closed form METHODS.md gives (test_holt.c checks the two
 * agree); the sum also holds at phi = 1 and loses no digits as phi nears
 * 1, where the closed form divides by (1 - phi)^2.
 */
SILK_API int silk_holt_forecast(const silk_holt *fit, size_t h,
                                silk_holt_point *out, silk_error *err)
{
    const char *method = "holt forecast";

    silk_gsl_init();
    if (!fit || !out)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: fit and out must not be null", method);
    if (h < 1 || h > 100000)
        return silk_error_set(err, SILK_EINVAL,
                              "%s: horizon h is %zu, expected 1 to 100000",
                              method, h);
    if (fit->n < 4 || !(fit->alpha > 0.0 && fit->alpha <= 1.0) ||
        !(fit->beta >= 0.0 && fit->beta <= 1.0) ||
        !(fit->phi > 0.0 && fit->phi <= 1.0) || !(fit->s2 >= 0.0) ||
        !isfinite(fit->s2) || !isfinite(fit->level) || !isfinite(fit->trend))
        return silk_error_set(err, SILK_EINVAL,
                              "%s: the fit is not usable, expected one from "
                              "silk_holt_fit",
                              method);

    double beta = fit->alpha * fit->beta; /* error-correction form */
    double phisum = 0.0, power = 1.0, sum = 0.0;
    for (size_t j = 1; j <= h; j++) {
        power *= fit->phi;
        phisum += power; /* phi + ... + phi^j */
        if (j < h) {
            double c = fit->alpha + beta * phisum;
            sum += c * c;
        }
    }
    silk_holt_point r = {.h = h};
    r.mean = fit->level + phisum * fit->trend;
    r.var = fit->s2 * (1.0 + sum);
    double sd = sqrt(r.var);
    /* z quantiles from GSL rather than typed-in constants */
    double z80 = gsl_cdf_ugaussian_Pinv(0.9);
    double z95 = gsl_cdf_ugaussian_Pinv(0.975);
    r.lo80 = r.mean - z80 * sd;
    r.hi80 = r.mean + z80 * sd;
    r.lo95 = r.mean - z95 * sd;
    r.hi95 = r.mean + z95 * sd;
    if (!isfinite(r.mean) || !isfinite(r.lo95) || !isfinite(r.hi95))
        return silk_error_set(err, SILK_ENUMERIC,
                              "%s: the forecast %zu periods ahead is not "
                              "finite",
                              method, h);
    *out = r;
    return SILK_OK;
}
