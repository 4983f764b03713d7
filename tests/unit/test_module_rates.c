/*
 * test_module_rates.c: the built-in modules of src/modules/rates.c
 * (net_migration_rate, refugees_per_1000, remittances_gdp, per_1000),
 * called through their descriptors as silkstat calls them.
 *
 * Reference values: World Bank WDI (wb_wdi_migration_indicators.csv) and
 * UNHCR (unhcr_population.csv) figures of ../shared/datasets, worked out
 * by hand with bc (scale=20) in the comments; two are the MANIFEST's own
 * check values (remittances PAK 2023 ~ 7.89% and BGD 2023 ~ 5.05% of
 * GDP).  Rules R1-R3 are those of the header of rates.c.
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
} lists[] = {{silk_builtin_rates, &silk_builtin_rates_count}};

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

static const char *const years[] = {"2023", "2024"};

/* ---- net_migration_rate ---- */

/*
 * WDI: SM.POP.NETM and SP.POP.TOTL.
 *   PAK 2023: 1000 * -1619557 / 247504495 = -6.54354580509739833209
 *   AFG 2024: 1000 * -44089 / 42647492    = -1.03380053392119752317
 *   IRN 2023: 1000 * 262044 / 90608707    =  2.89203994490286678519
 */
static void net_migration_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "IRN", "PAK"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 3, destination, 1, years, 2,
            1);
    assert_int_equal(f.module->kind, SILK_MODULE_COUNTRY);
    fx_set(&f, 0, "PAK", "", "2023", -1619557, SILK_FLAG('p'));
    fx_set(&f, 1, "PAK", "", "2023", 247504495, SILK_FLAG('e'));
    fx_set(&f, 0, "AFG", "", "2024", -44089, 0);
    fx_set(&f, 1, "AFG", "", "2024", 42647492, 0);
    fx_set(&f, 0, "IRN", "", "2023", 262044, 0);
    fx_set(&f, 1, "IRN", "", "2023", 90608707, 0);
    /* R1: a population without a net figure, and the reverse */
    fx_set(&f, 1, "IRN", "", "2024", 91567738, 0);
    fx_set(&f, 0, "AFG", "", "2023", -48958, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), -6.54354580509739833209);
    REL(fx_country(&f, 0, "AFG", "2024"), -1.03380053392119752317);
    REL(fx_country(&f, 0, "IRN", "2023"), 2.89203994490286678519);
    /* flags of both inputs carried */
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "PAK", "2023")],
                     SILK_FLAG('p') | SILK_FLAG('e'));
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    fx_free(&f);
}

/* R2: a population of 0 or below is no denominator. */
static void net_migration_rate_bad_population(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 1, destination, 1, years, 2,
            1);
    fx_set(&f, 0, "AFG", "", "2023", -48958, 0);
    fx_set(&f, 1, "AFG", "", "2023", 0, 0);
    fx_set(&f, 0, "AFG", "", "2024", -44089, 0);
    fx_set(&f, 1, "AFG", "", "2024", -42647492, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* R3: no country-level entry (no "" destination): nothing to read. */
static void net_migration_rate_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN"};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 1, destination, 1, years, 2,
            1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "IRN", "2023", -48958, 0);
    fx_set(&f, 1, "AFG", "IRN", "2023", 41454761, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- refugees_per_1000 ---- */

/* UNHCR refugees 2024 by origin into PAK and IRN, WDI population 2024. */
static void hosts(fx *f)
{
    fx_set(f, 0, "AFG", "PAK", "2024", 1559964, 0);
    fx_set(f, 0, "DZA", "PAK", "2024", 22, SILK_FLAG('p'));
    fx_set(f, 0, "CHN", "PAK", "2024", 0, 0);
    fx_set(f, 0, "AFG", "IRN", "2024", 3477082, 0);
    fx_set(f, 1, "PAK", "", "2024", 251269164, 0);
    fx_set(f, 1, "IRN", "", "2024", 91567738, 0);
    fx_set(f, 1, "AFG", "", "2024", 42647492, 0);
    fx_set(f, 1, "PAK", "", "2023", 247504495, 0);
}

static const char *const host_origin[] = {"AFG", "CHN", "DZA", "IRN", "PAK"};
static const char *const host_destination[] = {"", "IRN", "PAK"};

/*
 * PAK 2024: 1000 * (1559964 + 22 + 0) / 251269164 = 6.20842595711426014853
 * IRN 2024: 1000 * 3477082 / 91567738            = 37.97278469410263252325
 * (the selected origins only; other origins PAK hosts are not selected).
 */
static void refugees_per_1000_reference(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "refugees_per_1000", host_origin, 5, host_destination, 3,
            years, 2, 1);
    hosts(&f);
    /* IRN 2024 origins with no value (CHN, DZA, ...) are left out */
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2024"), 6.20842595711426014853);
    REL(fx_country(&f, 0, "IRN", "2024"), 37.97278469410263252325);
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "PAK", "2024")],
                     SILK_FLAG('p'));
    /* R1: AFG is never a country of asylum here: unknown, not 0 */
    MISSING(fx_country(&f, 0, "AFG", "2024"));
    /* R1: PAK 2023 has a population but no refugee value at all */
    MISSING(fx_country(&f, 0, "PAK", "2023"));
    /* R1/R2: IRN 2023 has neither; CHN and DZA no population */
    MISSING(fx_country(&f, 0, "IRN", "2023"));
    MISSING(fx_country(&f, 0, "CHN", "2024"));
    MISSING(fx_country(&f, 0, "DZA", "2024"));
    fx_free(&f);
}

/* R2: zero population; R3: no country-level entry at all. */
static void refugees_per_1000_degenerate(void **state)
{
    (void)state;
    static const char *const destination[] = {"IRN", "PAK"};
    fx f;
    fx_init(&f, "refugees_per_1000", host_origin, 5, host_destination, 3,
            years, 2, 1);
    hosts(&f);
    fx_set(&f, 1, "PAK", "", "2024", 0, 0);
    fx_set(&f, 1, "IRN", "", "2024", NAN, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);

    fx_init(&f, "refugees_per_1000", host_origin, 5, destination, 2, years,
            2, 1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "PAK", "2024", 1559964, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* A single country hosting its own citizens' figure only (a 1 x 1
 * matrix plus its population): 1000 * 500 / 250000 = 2. */
static void refugees_per_1000_single_country(void **state)
{
    (void)state;
    static const char *const origin[] = {"PAK"};
    static const char *const destination[] = {"", "PAK"};
    fx f;
    fx_init(&f, "refugees_per_1000", origin, 1, destination, 2, years, 1, 1);
    assert_int_equal(f.axes.n_country, 1);
    fx_set(&f, 0, "PAK", "PAK", "2023", 500, 0);
    fx_set(&f, 1, "PAK", "", "2023", 250000, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), 2.0);
    fx_free(&f);
}

/* ---- remittances_gdp ---- */

/*
 * WDI BX.TRF.PWKR.CD.DT and NY.GDP.MKTP.CD, 2023 (MANIFEST: PAK ~ 7.89%,
 * BGD ~ 5.05%):
 *   PAK: 100 * 26558000000 / 336686348609.266      = 7.88805370627643349112
 *   BGD: 100 * 22070041063.2115 / 437415333018.291 = 5.04555725354250833332
 * AFG has a GDP for 2023 but no remittances (WDI stops in 2020): NaN.
 */
static void remittances_gdp_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "BGD", "PAK"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "remittances_gdp", origin, 3, destination, 1, years, 2, 1);
    fx_set(&f, 0, "PAK", "", "2023", 26558000000.0, 0);
    fx_set(&f, 1, "PAK", "", "2023", 336686348609.266, 0);
    fx_set(&f, 0, "BGD", "", "2023", 22070041063.2115, 0);
    fx_set(&f, 1, "BGD", "", "2023", 437415333018.291, 0);
    fx_set(&f, 1, "AFG", "", "2023", 17152234636.8715, 0);
    /* R2: a GDP of 0 */
    fx_set(&f, 0, "BGD", "", "2024", 27524564108.9817, 0);
    fx_set(&f, 1, "BGD", "", "2024", 0, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), 7.88805370627643349112);
    REL(fx_country(&f, 0, "BGD", "2023"), 5.04555725354250833332);
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    MISSING(fx_country(&f, 0, "BGD", "2024"));
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    fx_free(&f);
}

static void remittances_gdp_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"PAK"};
    static const char *const destination[] = {"ARE"};
    fx f;
    fx_init(&f, "remittances_gdp", origin, 1, destination, 1, years, 2, 1);
    fx_set(&f, 0, "PAK", "ARE", "2023", 26558000000.0, 0);
    fx_set(&f, 1, "PAK", "ARE", "2023", 336686348609.266, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- per_1000 ---- */

/*
 * side=origin, refugees from AFG in 2024 over the selected countries of
 * asylum: 1000 * (3477082 + 1559964) / 42647492 = 118.10884447788864114213;
 * a total stored at AFG "" (9,999,999) is not added in.
 * side=destination, into PAK: as refugees_per_1000, 6.20842595711426014853.
 */
static void per_1000_bilateral(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "per_1000", host_origin, 5, host_destination, 3, years, 2,
            1);
    assert_null(f.module->inputs[0].indicator); /* --input is required */
    assert_int_equal(f.param[0].integer, 0);   /* default side=origin */
    hosts(&f);
    fx_set(&f, 0, "AFG", "", "2024", 9999999, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2024"), 118.10884447788864114213);
    /* PAK is no origin of a value: NaN, not 0 */
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    fx_free(&f);

    fx_init(&f, "per_1000", host_origin, 5, host_destination, 3, years, 2,
            1);
    fx_param(&f, "side", "destination");
    assert_int_equal(f.param[0].integer, 1);
    hosts(&f);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2024"), 6.20842595711426014853);
    REL(fx_country(&f, 0, "IRN", "2024"), 37.97278469410263252325);
    MISSING(fx_country(&f, 0, "AFG", "2024"));
    fx_free(&f);
}

/* A country-level value is read at "" whatever the side: net migration
 * per 1,000 gives the net migration rate, PAK 2023
 * 1000 * -1619557 / 247504495 = -6.54354580509739833209. */
static void per_1000_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "PAK"};
    static const char *const destination[] = {""};
    for (int side = 0; side < 2; side++) {
        fx f;
        fx_init(&f, "per_1000", origin, 2, destination, 1, years, 2, 1);
        fx_param(&f, "side", side ? "destination" : "origin");
        fx_set(&f, 0, "PAK", "", "2023", -1619557, 0);
        fx_set(&f, 1, "PAK", "", "2023", 247504495, 0);
        fx_set(&f, 1, "AFG", "", "2023", 41454761, 0);
        assert_int_equal(fx_run(&f), 0);
        REL(fx_country(&f, 0, "PAK", "2023"), -6.54354580509739833209);
        MISSING(fx_country(&f, 0, "AFG", "2023")); /* R1 */
        MISSING(fx_country(&f, 0, "PAK", "2024"));
        fx_free(&f);
    }
}

/* R3: a bilateral value without any population on the axes. */
static void per_1000_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN", "PAK"};
    fx f;
    fx_init(&f, "per_1000", origin, 1, destination, 2, years, 2, 1);
    fx_set(&f, 0, "AFG", "IRN", "2024", 3477082, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* The descriptors are well formed and in the list once each. */
static void rates_descriptors(void **state)
{
    (void)state;
    /* what the registry checks at start-up (names, defaults, units) */
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++) {
            silk_error err = {0};
            if (silk_module_validate(lists[l].list[i], &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    static const char *const names[] = {"net_migration_rate",
                                        "refugees_per_1000", "per_1000",
                                        "remittances_gdp"};
    assert_int_equal(silk_builtin_rates_count, 4);
    for (size_t i = 0; i < 4; i++) {
        const silk_module *m = find_module(names[i]);
        assert_int_equal(m->kind, SILK_MODULE_COUNTRY);
        assert_int_equal(m->n_outputs, 1);
        assert_non_null(m->compute);
        assert_true(strlen(m->description) > 0);
    }
    assert_string_equal(find_module("per_1000")->outputs[0].units,
                        "per 1,000 inhabitants");
    assert_string_equal(find_module("remittances_gdp")->outputs[0].units,
                        "% of GDP");
    assert_string_equal(find_module("net_migration_rate")->inputs[0].indicator,
                        "net_migration");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(net_migration_rate_reference),
        cmocka_unit_test(net_migration_rate_bad_population),
        cmocka_unit_test(net_migration_rate_no_country_level),
        cmocka_unit_test(refugees_per_1000_reference),
        cmocka_unit_test(refugees_per_1000_degenerate),
        cmocka_unit_test(refugees_per_1000_single_country),
        cmocka_unit_test(remittances_gdp_reference),
        cmocka_unit_test(remittances_gdp_no_country_level),
        cmocka_unit_test(per_1000_bilateral),
        cmocka_unit_test(per_1000_country_level),
        cmocka_unit_test(per_1000_no_country_level),
        cmocka_unit_test(rates_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
