/*
 * module_call.h: a silk_module_call built by hand, as silkstat builds
 * one (axes, inputs, parameters with their text and converted value,
 * outputs filled with NaN), for the unit tests of the built-in modules
 * (test_module_*.c).  Each test file is a program of its own (see the
 * Makefile), so everything here is static inline: a file compiles the
 * part it uses, without unused-function warnings, and no test object
 * is shared.  Define lists[] first, the module lists under test
 * ({list, &count} pairs of builtin.h): find_module and fx_init look
 * names up there.
 */
#ifndef SILK_TESTS_MODULE_CALL_H
#define SILK_TESTS_MODULE_CALL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modules/builtin.h"
#include "silkstat.h"

/* Every buffer fx_init allocates, freed by fx_free whatever a test did
 * to the call (a bad call sets an array to NULL: nothing leaks). */
#define FX_OWNED 32

typedef struct fx {
    const silk_module *module;
    silk_module_axes axes;
    silk_module_array input[4];
    silk_module_value param[4];
    silk_module_result output[8];
    char message[160];
    silk_module_call call;
    /* owned arrays behind the axes (tests may change them: bad calls) */
    const char **country;
    long *country_origin, *country_destination, *ordinal;
    void *owned[FX_OWNED];
    size_t n_owned;
} fx;

/* The module called name among lists[], the lists under test. */
static inline const silk_module *find_module(const char *name)
{
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++)
            if (strcmp(lists[l].list[i]->name, name) == 0)
                return lists[l].list[i];
    fail_msg("no module '%s'", name);
    return NULL;
}

/* n zeroed elements of size bytes, owned by f (at least one element,
 * so an empty axis still has an array). */
static inline void *fx_alloc(fx *f, size_t n, size_t size)
{
    assert_true(f->n_owned < FX_OWNED);
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    f->owned[f->n_owned++] = p;
    return p;
}

/* "2024" -> 2024, "2024-Q3" -> 4 * 2024 + 2, "2024-07" -> 12 * 2024 + 6:
 * consecutive periods differ by 1, as module.h asks. */
static inline long ordinal_of(const char *label)
{
    long year = strtol(label, NULL, 10);
    if (label[4] == '\0')
        return year;
    if (label[5] == 'Q')
        return 4 * year + strtol(label + 6, NULL, 10) - 1;
    return 12 * year + strtol(label + 5, NULL, 10) - 1;
}

static inline long index_of(const char *const *labels, size_t n,
                            const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i], label) == 0)
            return (long)i;
    return -1;
}

static inline int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of labels[0..n), so the caller's array may be automatic. */
static inline const char **fx_labels(fx *f, const char *const *labels,
                                     size_t n)
{
    const char **copy = fx_alloc(f, n, sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = labels[i];
    return copy;
}

/* Sets a parameter from its text and converts it, as silkstat does. */
static inline void fx_param(fx *f, const char *name, const char *text)
{
    size_t k = 0;
    while (k < f->module->n_params &&
           strcmp(f->module->params[k].name, name) != 0)
        k++;
    assert_true(k < f->module->n_params);
    const silk_module_param *spec = &f->module->params[k];
    silk_module_value *v = &f->param[k];
    *v = (silk_module_value){.text = text, .number = NAN, .period = -1};
    if (spec->type == SILK_PARAM_NUMBER)
        v->number = strtod(text, NULL);
    else if (spec->type == SILK_PARAM_INTEGER) {
        v->integer = strtol(text, NULL, 10);
        v->number = (double)v->integer;
    } else if (spec->type == SILK_PARAM_PERIOD)
        v->period = index_of(f->axes.period, f->axes.n_period, text);
    else if (spec->type == SILK_PARAM_CHOICE) {
        const char *c = spec->choices;
        size_t len = strlen(text);
        long i = 0;
        v->integer = -1;
        for (;;) {
            const char *bar = strchr(c, '|');
            size_t n = bar ? (size_t)(bar - c) : strlen(c);
            if (n == len && strncmp(c, text, n) == 0) {
                v->integer = i;
                break;
            }
            if (!bar)
                break;
            c = bar + 1;
            i++;
        }
        assert_true(v->integer >= 0);
    }
}

/* A call of module name on these axes ("" in destination is the
 * country-level entry): every input present and all NaN, every
 * parameter at its default (a required one stays unset: give it with
 * fx_param), every output NaN with 0 flags.  The axes are copied. */
static inline void fx_init(fx *f, const char *name, const char *const *origin,
                           size_t n_origin, const char *const *destination,
                           size_t n_destination, const char *const *period,
                           size_t n_period, int periods_per_year)
{
    memset(f, 0, sizeof *f);
    f->module = find_module(name);
    assert_int_equal(f->module->abi, SILK_MODULE_ABI);
    assert_true(f->module->n_inputs <= 4 && f->module->n_params <= 4 &&
                f->module->n_outputs <= 8);
    silk_module_axes *a = &f->axes;
    a->n_origin = n_origin;
    a->n_destination = n_destination;
    a->n_period = n_period;
    a->origin = origin = fx_labels(f, origin, n_origin);
    a->destination = destination =
        fx_labels(f, destination, n_destination);
    a->period = period = fx_labels(f, period, n_period);
    a->periods_per_year = periods_per_year;
    a->country_level = index_of(destination, n_destination, "");
    f->ordinal = fx_alloc(f, n_period + 1, sizeof *f->ordinal);
    for (size_t p = 0; p < n_period; p++)
        f->ordinal[p] = ordinal_of(period[p]);
    a->ordinal = f->ordinal;

    if (f->module->kind == SILK_MODULE_COUNTRY) {
        /* the union of origin and destination codes, "" excluded */
        f->country =
            fx_alloc(f, n_origin + n_destination + 1, sizeof *f->country);
        size_t n = 0;
        for (size_t i = 0; i < n_origin + n_destination; i++) {
            const char *code =
                i < n_origin ? origin[i] : destination[i - n_origin];
            if (code[0] != '\0' && index_of(f->country, n, code) < 0)
                f->country[n++] = code;
        }
        qsort(f->country, n, sizeof *f->country, compare_text);
        f->country_origin = fx_alloc(f, n + 1, sizeof *f->country_origin);
        f->country_destination =
            fx_alloc(f, n + 1, sizeof *f->country_destination);
        for (size_t c = 0; c < n; c++) {
            f->country_origin[c] = index_of(origin, n_origin, f->country[c]);
            f->country_destination[c] =
                index_of(destination, n_destination, f->country[c]);
        }
        a->n_country = n;
        a->country = f->country;
        a->country_origin = f->country_origin;
        a->country_destination = f->country_destination;
    }

    size_t cells = n_origin * n_destination * n_period;
    for (size_t k = 0; k < f->module->n_inputs; k++) {
        double *v = fx_alloc(f, cells + 1, sizeof *v);
        uint32_t *fl = fx_alloc(f, cells + 1, sizeof *fl);
        for (size_t i = 0; i < cells; i++)
            v[i] = NAN;
        f->input[k] = (silk_module_array){
            .indicator = f->module->inputs[k].indicator
                             ? f->module->inputs[k].indicator
                             : "bound",
            .units = "",
            .present = 1,
            .value = v,
            .flags = fl};
    }
    for (size_t k = 0; k < f->module->n_params; k++)
        if (f->module->params[k].default_text)
            fx_param(f, f->module->params[k].name,
                     f->module->params[k].default_text);
    size_t out_cells = f->module->kind == SILK_MODULE_COUNTRY
                           ? a->n_country * n_period
                       : f->module->kind == SILK_MODULE_MATRIX ? n_period
                                                               : cells;
    for (size_t k = 0; k < f->module->n_outputs; k++) {
        /* exact sizes, so ASan sees a write past the end */
        double *v = fx_alloc(f, out_cells, sizeof *v);
        uint32_t *fl = fx_alloc(f, out_cells, sizeof *fl);
        for (size_t i = 0; i < out_cells; i++)
            v[i] = NAN;
        f->output[k] = (silk_module_result){v, fl};
    }
    f->call = (silk_module_call){
        .axes = &f->axes,
        .input = f->input,
        .n_input = f->module->n_inputs,
        .param = f->param,
        .n_param = f->module->n_params,
        .output = f->output,
        .n_output = f->module->n_outputs,
        .message = f->message,
        .message_size = sizeof f->message};
}

/* Input k absent (present 0, no arrays), optional or not: a bad call
 * may drop a required one. */
static inline void fx_drop(fx *f, size_t k)
{
    f->input[k].present = 0;
    f->input[k].value = NULL;
    f->input[k].flags = NULL;
}

/* Makes optional input k absent, as silkstat does for an unbound one. */
static inline void fx_absent(fx *f, size_t k)
{
    assert_true(f->module->inputs[k].optional);
    fx_drop(f, k);
}

static inline void fx_free(fx *f)
{
    for (size_t i = 0; i < f->n_owned; i++)
        free(f->owned[i]);
    f->n_owned = 0;
}

/* Index of cell (origin, destination, period index p) of a CORRIDOR
 * array. */
static inline size_t fx_cell_at(const fx *f, const char *origin,
                                const char *destination, size_t p)
{
    long o = index_of(f->axes.origin, f->axes.n_origin, origin);
    long d = index_of(f->axes.destination, f->axes.n_destination, destination);
    if (o < 0 || d < 0 || p >= f->axes.n_period)
        fail_msg("no cell '%s' -> '%s' at period %zu on the axes", origin,
                 destination, p);
    return ((size_t)o * f->axes.n_destination + (size_t)d) * f->axes.n_period +
           p;
}

/* The index of period label on the axes. */
static inline size_t fx_period(const fx *f, const char *period)
{
    long p = index_of(f->axes.period, f->axes.n_period, period);
    assert_true(p >= 0);
    return (size_t)p;
}

static inline size_t fx_cell(const fx *f, const char *origin,
                             const char *destination, const char *period)
{
    return fx_cell_at(f, origin, destination, fx_period(f, period));
}

/* Input k at (origin, destination, period) := value, with flags. */
static inline void fx_set(fx *f, size_t k, const char *origin,
                          const char *destination, const char *period,
                          double value, uint32_t flags)
{
    size_t i = fx_cell(f, origin, destination, period);
    ((double *)f->input[k].value)[i] = value;
    ((uint32_t *)f->input[k].flags)[i] = flags;
}

static inline int fx_run(fx *f)
{
    return f->module->compute(&f->call);
}

/* Output k of a CORRIDOR module at (origin, destination, period). */
static inline double fx_out(const fx *f, size_t k, const char *origin,
                            const char *destination, const char *period)
{
    return f->output[k].value[fx_cell(f, origin, destination, period)];
}

static inline uint32_t fx_out_flags(const fx *f, size_t k, const char *origin,
                                    const char *destination,
                                    const char *period)
{
    return f->output[k].flags[fx_cell(f, origin, destination, period)];
}

/* Index of (country, period index p) in an output of a COUNTRY module. */
static inline size_t fx_country_cell_at(const fx *f, const char *country,
                                        size_t p)
{
    long c = index_of(f->axes.country, f->axes.n_country, country);
    assert_true(c >= 0 && p < f->axes.n_period);
    return (size_t)c * f->axes.n_period + p;
}

static inline size_t fx_country_cell(const fx *f, const char *country,
                                     const char *period)
{
    return fx_country_cell_at(f, country, fx_period(f, period));
}

/* Output k of a COUNTRY module at (country, period). */
static inline double fx_country(const fx *f, size_t k, const char *country,
                                const char *period)
{
    return f->output[k].value[fx_country_cell(f, country, period)];
}

/* Every value of output k is NaN (and its flags 0). */
static inline void assert_all_missing(const fx *f, size_t k)
{
    size_t n = f->module->kind == SILK_MODULE_COUNTRY
                   ? f->axes.n_country * f->axes.n_period
                   : f->axes.n_origin * f->axes.n_destination *
                         f->axes.n_period;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(f->output[k].value[i]))
            fail_msg("output %zu cell %zu: got %.17g, want NaN", k, i,
                     f->output[k].value[i]);
        assert_int_equal(f->output[k].flags[i], 0);
    }
}

/* got within a relative tolerance tol of want. */
static inline void near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("%s: got %.17g, want %.17g (relative tolerance %g)", what,
                 got, want, tol);
}

#define REL(got, want) near((got), (want), 1e-12, #got)
#define MISSING(got)                                                       \
    do {                                                                   \
        double v_ = (got);                                                 \
        if (!isnan(v_))                                                    \
            fail_msg("%s: got %.17g, want NaN", #got, v_);                 \
    } while (0)

#endif
