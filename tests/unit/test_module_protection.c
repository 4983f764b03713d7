/*
 * test_module_protection.c: the built-in modules of
 * src/modules/protection.c (recognition_rate, first_instance_rate) and
 * src/modules/returns.c (return_rate, refugee_returns), called through
 * their descriptors as silkstat calls them.
 *
 * Reference values: UNHCR's asylum decisions and solutions tables of
 * ../shared/datasets (the MANIFEST's check values for Afghans in 2024:
 * 83,221 recognized, 26,626 other, 23,036 rejected, 28,757 closed; Afghan
 * returns from Iran 516, 237,452 and 1,386,970 in 2023-2025), worked out
 * by hand with bc (scale=20) in the comments.  Rules P1-P4 and T1-T3 are
 * those of the headers of protection.c and returns.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modules/builtin.h"
#include "silkstat.h"

static const struct {
    const silk_module *const *list;
    const size_t *count;
} lists[] = {{silk_builtin_protection, &silk_builtin_protection_count},
             {silk_builtin_returns, &silk_builtin_returns_count}};

/* ---- building a call as silkstat would (the same in each
 * test_module_*.c: there is no shared test header for modules yet; static
 * inline because each file uses a different part) ---- */

typedef struct fx {
    const silk_module *module;
    silk_module_axes axes;
    silk_module_array input[4];
    silk_module_value param[4];
    silk_module_result output[4];
    char message[160];
    silk_module_call call;
    /* owned arrays behind the axes */
    const char **country;
    long *country_origin, *country_destination, *ordinal;
} fx;

static const silk_module *find_module(const char *name)
{
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++)
            if (strcmp(lists[l].list[i]->name, name) == 0)
                return lists[l].list[i];
    fail_msg("no module '%s'", name);
    return NULL;
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
 * fx_param), every output NaN with 0 flags. */
static inline void fx_init(fx *f, const char *name, const char *const *origin,
                    size_t n_origin, const char *const *destination,
                    size_t n_destination, const char *const *period,
                    size_t n_period, int periods_per_year)
{
    memset(f, 0, sizeof *f);
    f->module = find_module(name);
    assert_int_equal(f->module->abi, SILK_MODULE_ABI);
    assert_true(f->module->n_inputs <= 4 && f->module->n_params <= 4 &&
                f->module->n_outputs <= 4);
    silk_module_axes *a = &f->axes;
    a->n_origin = n_origin;
    a->n_destination = n_destination;
    a->n_period = n_period;
    a->origin = origin;
    a->destination = destination;
    a->period = period;
    a->periods_per_year = periods_per_year;
    a->country_level = index_of(destination, n_destination, "");
    f->ordinal = calloc(n_period + 1, sizeof *f->ordinal);
    assert_non_null(f->ordinal);
    for (size_t p = 0; p < n_period; p++)
        f->ordinal[p] = ordinal_of(period[p]);
    a->ordinal = f->ordinal;

    if (f->module->kind == SILK_MODULE_COUNTRY) {
        /* the union of origin and destination codes, "" excluded */
        f->country = calloc(n_origin + n_destination + 1, sizeof *f->country);
        assert_non_null(f->country);
        size_t n = 0;
        for (size_t i = 0; i < n_origin + n_destination; i++) {
            const char *code =
                i < n_origin ? origin[i] : destination[i - n_origin];
            if (code[0] != '\0' && index_of(f->country, n, code) < 0)
                f->country[n++] = code;
        }
        qsort(f->country, n, sizeof *f->country, compare_text);
        f->country_origin = calloc(n + 1, sizeof *f->country_origin);
        f->country_destination = calloc(n + 1, sizeof *f->country_origin);
        assert_true(f->country_origin && f->country_destination);
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
        double *v = malloc((cells + 1) * sizeof *v);
        uint32_t *fl = calloc(cells + 1, sizeof *fl);
        assert_true(v && fl);
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
        double *v = malloc((out_cells ? out_cells : 1) * sizeof *v);
        uint32_t *fl = calloc(out_cells ? out_cells : 1, sizeof *fl);
        assert_true(v && fl);
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

/* Makes optional input k absent, as silkstat does for an unbound one. */
static inline void fx_absent(fx *f, size_t k)
{
    assert_true(f->module->inputs[k].optional);
    free((void *)f->input[k].value);
    free((void *)f->input[k].flags);
    f->input[k].present = 0;
    f->input[k].value = NULL;
    f->input[k].flags = NULL;
}

static inline void fx_free(fx *f)
{
    for (size_t k = 0; k < f->module->n_inputs; k++) {
        free((void *)f->input[k].value);
        free((void *)f->input[k].flags);
    }
    for (size_t k = 0; k < f->module->n_outputs; k++) {
        free(f->output[k].value);
        free(f->output[k].flags);
    }
    free(f->country);
    free(f->country_origin);
    free(f->country_destination);
    free(f->ordinal);
}

static inline size_t fx_cell(const fx *f, const char *origin,
                      const char *destination, const char *period)
{
    long o = index_of(f->axes.origin, f->axes.n_origin, origin);
    long d = index_of(f->axes.destination, f->axes.n_destination, destination);
    long p = index_of(f->axes.period, f->axes.n_period, period);
    assert_true(o >= 0 && d >= 0 && p >= 0);
    return ((size_t)o * f->axes.n_destination + (size_t)d) * f->axes.n_period +
           (size_t)p;
}

/* Input k at (origin, destination, period) := value, with flags. */
static inline void fx_set(fx *f, size_t k, const char *origin,
                   const char *destination, const char *period, double value,
                   uint32_t flags)
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
                             const char *destination, const char *period)
{
    return f->output[k].flags[fx_cell(f, origin, destination, period)];
}

/* Output k of a COUNTRY module at (country, period). */
static inline size_t fx_country_cell(const fx *f, const char *country,
                              const char *period)
{
    long c = index_of(f->axes.country, f->axes.n_country, country);
    long p = index_of(f->axes.period, f->axes.n_period, period);
    assert_true(c >= 0 && p >= 0);
    return (size_t)c * f->axes.n_period + (size_t)p;
}

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

static const char *const year_2024[] = {"2024"};

/* ---- recognition_rate ---- */

/* Inputs: 0 recognized, 1 complementary, 2 rejected. */
static void decisions(fx *f, const char *destination, double recognized,
                      double complementary, double rejected)
{
    fx_set(f, 0, "AFG", destination, "2024", recognized, 0);
    fx_set(f, 1, "AFG", destination, "2024", complementary, 0);
    fx_set(f, 2, "AFG", destination, "2024", rejected, 0);
}

/*
 * Afghans 2024 over all countries of asylum (the MANIFEST's check value),
 * in the "" cell as silkstat's selection would sum them: the denominator
 * is 83221 + 26626 + 23036 = 132883; the 28,757 otherwise closed are not
 * in it (dec_total, 161,640, would be the wrong denominator).
 *   refugee rate 100 * 83221 / 132883  = 62.62727361664020228321
 *   total rate   100 * 109847 / 132883 = 82.66444917709564052587
 * Germany, first instance: 13742 + 16641 + 2274 = 32657;
 *   refugee rate 100 * 13742 / 32657 = 42.07979912423063967908
 *   total rate   100 * 30383 / 32657 = 93.03671494625960743485
 */
static void recognition_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"", "DEU", "FRA"};
    fx f;
    fx_init(&f, "recognition_rate", origin, 1, destination, 3, year_2024, 1,
            1);
    assert_int_equal(f.module->kind, SILK_MODULE_CORRIDOR);
    assert_string_equal(f.module->inputs[0].indicator, "dec_recognized");
    assert_string_equal(f.module->inputs[1].indicator, "dec_other");
    assert_string_equal(f.module->inputs[2].indicator, "dec_rejected");
    decisions(&f, "", 83221, 26626, 23036);
    decisions(&f, "DEU", 13742, 16641, 2274);
    fx_set(&f, 2, "AFG", "DEU", "2024", 2274, SILK_FLAG('p'));
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "", "2024"), 62.62727361664020228321);
    REL(fx_out(&f, 1, "AFG", "", "2024"), 82.66444917709564052587);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024"), 42.07979912423063967908);
    REL(fx_out(&f, 1, "AFG", "DEU", "2024"), 93.03671494625960743485);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    assert_int_equal(fx_out_flags(&f, 1, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2024")); /* P1: no data */
    MISSING(fx_out(&f, 1, "AFG", "FRA", "2024"));
    fx_free(&f);
}

/* P1-P3, and a real 0%: none recognized out of 5 rejected. */
static void recognition_rate_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"AUT", "BEL", "CHE", "DEU",
                                              "FRA"};
    fx f;
    fx_init(&f, "recognition_rate", origin, 1, destination, 5, year_2024, 1,
            1);
    decisions(&f, "AUT", 0, 0, 0);        /* P2: only closed cases */
    decisions(&f, "BEL", 120, NAN, 40);   /* P1: complementary missing */
    decisions(&f, "CHE", NAN, NAN, NAN);  /* P1 */
    decisions(&f, "DEU", -5, 10, 10);     /* P3 */
    decisions(&f, "FRA", 0, 0, 5);        /* 0 / 5 = 0%, a real zero */
    assert_int_equal(fx_run(&f), 0);
    for (size_t k = 0; k < 2; k++) {
        MISSING(fx_out(&f, k, "AFG", "AUT", "2024"));
        MISSING(fx_out(&f, k, "AFG", "BEL", "2024"));
        MISSING(fx_out(&f, k, "AFG", "CHE", "2024"));
        MISSING(fx_out(&f, k, "AFG", "DEU", "2024"));
        assert_true(fx_out(&f, k, "AFG", "FRA", "2024") == 0.0);
    }
    fx_free(&f);
}

/* ---- first_instance_rate ---- */

/*
 * Afghans in France 2024, first instance (dec_level FI): positive
 * 10320 recognized + 1857 complementary = 12177, negative 5815:
 *   100 * 12177 / 17992 = 67.68008003557136505113
 * Without positive_other: 100 * 10320 / 16135 = 63.96033467616981716764.
 */
static void first_instance_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"DEU", "FRA"};
    fx f;
    fx_init(&f, "first_instance_rate", origin, 1, destination, 2, year_2024,
            1, 1);
    assert_null(f.module->inputs[0].indicator);
    assert_null(f.module->inputs[1].indicator);
    assert_true(f.module->inputs[2].optional);
    fx_set(&f, 0, "AFG", "FRA", "2024", 10320, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 5815, 0);
    fx_set(&f, 2, "AFG", "FRA", "2024", 1857, SILK_FLAG('e'));
    /* P1: positive_other is bound but missing for DEU */
    fx_set(&f, 0, "AFG", "DEU", "2024", 13742, 0);
    fx_set(&f, 1, "AFG", "DEU", "2024", 2274, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "FRA", "2024"), 67.68008003557136505113);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "FRA", "2024"),
                     SILK_FLAG('e'));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    fx_free(&f);

    fx_init(&f, "first_instance_rate", origin, 1, destination, 2, year_2024,
            1, 1);
    fx_absent(&f, 2); /* the optional input not bound */
    fx_set(&f, 0, "AFG", "FRA", "2024", 10320, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 5815, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "FRA", "2024"), 63.96033467616981716764);
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    fx_free(&f);
}

/* P2: no decision; P1: a missing negative count; P3. */
static void first_instance_rate_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"AUT", "DEU", "FRA"};
    fx f;
    fx_init(&f, "first_instance_rate", origin, 1, destination, 3, year_2024,
            1, 1);
    fx_absent(&f, 2);
    fx_set(&f, 0, "AFG", "AUT", "2024", 0, 0);
    fx_set(&f, 1, "AFG", "AUT", "2024", 0, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024", 13742, 0);
    fx_set(&f, 0, "AFG", "FRA", "2024", 10, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", -1, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- return_rate ---- */

/*
 * By hand: 1250 returned / 5000 ordered = 25%; 600 / 400 = 150% (returns
 * of orders from an earlier period: a period ratio is not capped);
 * 0 / 10 = 0%, a real zero.
 */
static void return_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "PAK"};
    static const char *const destination[] = {"DEU", "FRA"};
    static const char *const period[] = {"2023", "2024"};
    fx f;
    fx_init(&f, "return_rate", origin, 2, destination, 2, period, 2, 1);
    assert_string_equal(f.module->inputs[0].indicator, "returned");
    assert_string_equal(f.module->inputs[1].indicator, "ordered_to_leave");
    fx_set(&f, 0, "AFG", "DEU", "2024", 1250, SILK_FLAG('p'));
    fx_set(&f, 1, "AFG", "DEU", "2024", 5000, 0);
    fx_set(&f, 0, "PAK", "FRA", "2024", 600, 0);
    fx_set(&f, 1, "PAK", "FRA", "2024", 400, 0);
    fx_set(&f, 0, "PAK", "DEU", "2024", 0, 0);
    fx_set(&f, 1, "PAK", "DEU", "2024", 10, 0);
    /* T1, T2 */
    fx_set(&f, 0, "AFG", "FRA", "2024", 35, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 0, 0);
    fx_set(&f, 1, "AFG", "DEU", "2023", 4000, 0);
    fx_set(&f, 0, "AFG", "FRA", "2023", -3, 0);
    fx_set(&f, 1, "AFG", "FRA", "2023", 30, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024"), 25.0);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    REL(fx_out(&f, 0, "PAK", "FRA", "2024"), 150.0);
    assert_true(fx_out(&f, 0, "PAK", "DEU", "2024") == 0.0);
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2024"));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2023"));
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2023"));
    MISSING(fx_out(&f, 0, "PAK", "FRA", "2023"));
    fx_free(&f);
}

/* ---- refugee_returns ---- */

static const char *const asylum[] = {"",    "AUS", "AZE", "CAN", "CHE",
                                     "IDN", "IND", "IRN", "NPL", "PAK",
                                     "PNG", "RUS", "TJK"};

/*
 * UNHCR solutions, returned_refugees of Afghans by country of asylum
 * (CAN and the others with an empty cell are missing, not 0):
 *   2023: 516 IRN + 56797 PAK + 75 AUS + 62 IND + 8 AZE + 9 NPL + 9 PNG
 *         + 21 RUS + 33 TJK = 57530
 *   2024: 6 AZE + 43 IND + 6 IDN + 237452 IRN + 126812 PAK + 16 RUS
 *         + 42 CHE + 66 TJK = 364443
 *   2025 (of the selected countries; MYS and RWA are not):
 *         307 AUS + 105 IND + 8 IDN + 1386970 IRN + 558359 PAK + 1421 TJK
 *         = 1947170
 * A value in the "" column (999,999) is not a country of asylum (T3).
 */
static void refugee_returns_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const period[] = {"2022", "2023", "2024", "2025"};
    fx f;
    fx_init(&f, "refugee_returns", origin, 1, asylum, 13, period, 4, 1);
    assert_int_equal(f.module->kind, SILK_MODULE_COUNTRY);
    assert_string_equal(f.module->inputs[0].indicator, "refugee_returns");
    assert_int_equal(f.module->n_params, 0);
    static const struct {
        const char *asylum, *year;
        double value;
    } rows[] = {
        {"IRN", "2023", 516},     {"PAK", "2023", 56797},
        {"AUS", "2023", 75},      {"IND", "2023", 62},
        {"AZE", "2023", 8},       {"NPL", "2023", 9},
        {"PNG", "2023", 9},       {"RUS", "2023", 21},
        {"TJK", "2023", 33},      {"AZE", "2024", 6},
        {"IND", "2024", 43},      {"IDN", "2024", 6},
        {"IRN", "2024", 237452},  {"PAK", "2024", 126812},
        {"RUS", "2024", 16},      {"CHE", "2024", 42},
        {"TJK", "2024", 66},      {"AUS", "2025", 307},
        {"IND", "2025", 105},     {"IDN", "2025", 8},
        {"IRN", "2025", 1386970}, {"PAK", "2025", 558359},
        {"TJK", "2025", 1421},    {"", "2024", 999999},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fx_set(&f, 0, "AFG", rows[i].asylum, rows[i].year, rows[i].value, 0);
    fx_set(&f, 0, "AFG", "PAK", "2025", 558359, SILK_FLAG('p'));
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2023"), 57530);
    REL(fx_country(&f, 0, "AFG", "2024"), 364443);
    REL(fx_country(&f, 0, "AFG", "2025"), 1947170);
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "AFG", "2025")],
                     SILK_FLAG('p'));
    /* T3: no value at all in 2022: NaN, not 0 */
    MISSING(fx_country(&f, 0, "AFG", "2022"));
    /* T3: countries of asylum are never origins here */
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    MISSING(fx_country(&f, 0, "PAK", "2025"));
    fx_free(&f);
}

/* A single country of asylum, and an input with no value at all. */
static void refugee_returns_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN"};
    fx f;
    fx_init(&f, "refugee_returns", origin, 1, destination, 1, year_2024, 1,
            1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "IRN", "2024", 237452, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2024"), 237452);
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    fx_free(&f);

    fx_init(&f, "refugee_returns", origin, 1, destination, 1, year_2024, 1,
            1);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

static void descriptors(void **state)
{
    (void)state;
    /* what the registry checks at start-up (names, defaults, units) */
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++) {
            silk_error err = {0};
            if (silk_module_validate(lists[l].list[i], &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    assert_int_equal(silk_builtin_protection_count, 2);
    assert_int_equal(silk_builtin_returns_count, 2);
    const silk_module *r = find_module("recognition_rate");
    assert_int_equal(r->n_outputs, 2);
    assert_string_equal(r->outputs[0].name, "refugee_rate");
    assert_string_equal(r->outputs[1].name, "total_rate");
    assert_string_equal(r->outputs[0].units, "%");
    assert_int_equal(find_module("first_instance_rate")->kind,
                     SILK_MODULE_CORRIDOR);
    assert_int_equal(find_module("return_rate")->kind, SILK_MODULE_CORRIDOR);
    assert_string_equal(find_module("refugee_returns")->outputs[0].units,
                        "persons");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recognition_rate_reference),
        cmocka_unit_test(recognition_rate_degenerate),
        cmocka_unit_test(first_instance_rate_reference),
        cmocka_unit_test(first_instance_rate_degenerate),
        cmocka_unit_test(return_rate_reference),
        cmocka_unit_test(refugee_returns_reference),
        cmocka_unit_test(refugee_returns_degenerate),
        cmocka_unit_test(descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
