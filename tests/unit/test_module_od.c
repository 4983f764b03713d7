/*
 * test_module_od.c: the origin-destination built-in modules
 * (src/modules/od.c): od_totals, od_bilateral, od_indices, od_gini,
 * stock_flows.
 *
 * Each test builds a silk_module_call by hand, as silkstat would (axes,
 * inputs, parameters with their text and converted value, outputs filled
 * with NaN: module_call.h), and calls the descriptor's compute.  Expected
 * values are METHODS.md reference values 6-9 (migest), the Korean 2020
 * matrix read from ../shared/reference/ relative to the repository root,
 * and hand calculations written beside each case.  Rule numbers (T1, Q2,
 * ...) are those of the header comment of od.c.
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

/* The list under test (module_call.h looks names up here). */
static const struct {
    const silk_module *const *list;
    const size_t *count;
} lists[] = {{silk_builtin_od, &silk_builtin_od_count}};

#include "module_call.h"

#ifndef KOREA_FLOWS
#define KOREA_FLOWS "../shared/reference/korea_2020_flows.csv"
#endif
#ifndef KOREA_POP
#define KOREA_POP "../shared/reference/korea_2020_pop.csv"
#endif

#define FLAG_E (1u << ('e' - 'a'))
#define FLAG_P (1u << ('p' - 'a'))
#define FLAG_REDACTED (1u << 26)

/* ------------------------------------------------------------------ */
/* The call, built as silkstat builds it (module_call.h), in this      */
/* file's terms: one call H, periods by index, outputs by name         */
/* ------------------------------------------------------------------ */

static fx H;

static const char *const PERIOD[8] = {"2000", "2001", "2002", "2003",
                                      "2004", "2005", "2006", "2007"};

/* Sets the parameter `name` as silkstat converts it. */
static void set_param(const char *name, const char *text)
{
    fx_param(&H, name, text);
}

/* A call of module `name` on these axes, periods 2000 onwards (ordinal
 * = year): the country axis and its maps (COUNTRY modules),
 * country_level, parameters at their defaults, inputs all missing (NaN)
 * and present, outputs NaN with 0 flags.  Frees the previous call. */
static void start(const char *name, const char *const *origin, size_t n_o,
                  const char *const *destination, size_t n_d, size_t n_p)
{
    assert_true(n_p <= 8);
    fx_free(&H);
    fx_init(&H, name, origin, n_o, destination, n_d, PERIOD, n_p, 1);
}

/* Input i absent; a bad call may drop a required one. */
static void drop_input(size_t i)
{
    fx_drop(&H, i);
}

static void set_cell(size_t input, const char *o, const char *d, size_t p,
                     double value, uint32_t flags)
{
    size_t c = fx_cell_at(&H, o, d, p);
    ((double *)H.input[input].value)[c] = value;
    ((uint32_t *)H.input[input].flags)[c] = flags;
}

/* Writes an n x n matrix (row = origin) of input `input` at period p, on
 * codes[]; every code must be on both axes. */
static void set_matrix(size_t input, const char *const *codes, size_t n,
                       size_t p, const double *m)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            set_cell(input, codes[i], codes[j], p, m[i * n + j], 0);
}

static int run(void)
{
    H.message[0] = '\0';
    return fx_run(&H);
}

static size_t output_named(const char *name)
{
    for (size_t k = 0; k < H.module->n_outputs; k++)
        if (strcmp(H.module->outputs[k].name, name) == 0)
            return k;
    fail_msg("module '%s' has no output '%s'", H.module->name, name);
    return 0;
}

/* Output `name` at cell i, its flags into *flags when asked. */
static double output_at(const char *name, size_t i, uint32_t *flags)
{
    size_t k = output_named(name);
    if (flags)
        *flags = H.output[k].flags[i];
    return H.output[k].value[i];
}

/* Output `name` of country `code` at period p (COUNTRY modules). */
static double by_country(const char *name, const char *code, size_t p,
                         uint32_t *flags)
{
    return output_at(name, fx_country_cell_at(&H, code, p), flags);
}

/* Output `name` of corridor o -> d at period p (CORRIDOR modules). */
static double by_corridor(const char *name, const char *o, const char *d,
                          size_t p, uint32_t *flags)
{
    return output_at(name, fx_cell_at(&H, o, d, p), flags);
}

/* Output `name` at period p (MATRIX modules). */
static double by_period(const char *name, size_t p)
{
    return output_at(name, p, NULL);
}

/* got within an absolute tolerance tol of want (REL's is relative). */
static void near_abs(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got,
                 want, tol);
}

#define NEAR(got, want, tol) near_abs((got), (want), (tol), #got)
#define EXACT(got, want) near_abs((got), (want), 0.0, #got)

static const char *const ABCD[4] = {"A", "B", "C", "D"};
static const char *const LEVEL_ABCD[5] = {"", "A", "B", "C", "D"};

/* METHODS.md reference 6 (rows A..D = origin). */
static const double REF6[16] = {0,  100, 30, 70, 50, 0,  45, 5,
                                60, 35,  0,  40, 20, 25, 20, 0};

/* ------------------------------------------------------------------ */
/* The descriptors                                                     */
/* ------------------------------------------------------------------ */

static void descriptors(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        silk_module_kind kind;
        size_t n_inputs, n_params;
        const char *outputs;
    } want[] = {
        {"od_totals", SILK_MODULE_COUNTRY, 1, 0, "out in net turnover"},
        {"od_bilateral", SILK_MODULE_CORRIDOR, 1, 0,
         "counterflow net interchange"},
        {"od_indices", SILK_MODULE_MATRIX, 2, 1,
         "mei anmr cmi courgeau_k connectivity gini gini_corrected"},
        {"od_gini", SILK_MODULE_COUNTRY, 1, 2, "out_gini in_gini"},
        {"stock_flows", SILK_MODULE_CORRIDOR, 1, 1, "flow"},
    };
    assert_int_equal(silk_builtin_od_count, 5);
    for (size_t i = 0; i < 5; i++) {
        const silk_module *m = silk_builtin_od[i];
        char names[128] = "";
        assert_int_equal(m->abi, SILK_MODULE_ABI);
        assert_string_equal(m->name, want[i].name);
        assert_int_equal(m->kind, want[i].kind);
        assert_int_equal(m->n_inputs, want[i].n_inputs);
        assert_int_equal(m->n_params, want[i].n_params);
        assert_non_null(m->compute);
        assert_true(strlen(m->description) > 100);
        for (size_t k = 0; k < m->n_outputs; k++) {
            if (k > 0)
                strcat(names, " ");
            strcat(names, m->outputs[k].name);
        }
        assert_string_equal(names, want[i].outputs);
        silk_error err = {0};
        if (silk_module_validate(m, &err) != SILK_OK)
            fail_msg("%s", err.message);
    }
    const silk_module *m = find_module("od_indices");
    assert_string_equal(m->inputs[0].role, "flows");
    assert_string_equal(m->inputs[0].indicator, "migrant_stock");
    assert_false(m->inputs[0].optional);
    assert_string_equal(m->inputs[1].role, "population");
    assert_string_equal(m->inputs[1].indicator, "population");
    assert_true(m->inputs[1].optional);
    m = find_module("od_gini");
    assert_string_equal(m->params[0].name, "variant");
    assert_int_equal(m->params[0].type, SILK_PARAM_CHOICE);
    assert_string_equal(m->params[0].choices, "corrected|plane_mulligan");
    assert_string_equal(m->params[0].default_text, "corrected");
    m = find_module("stock_flows");
    assert_string_equal(m->inputs[0].role, "stock");
    assert_string_equal(m->inputs[0].indicator, "migrant_stock");
    assert_string_equal(m->params[0].name, "method");
    assert_string_equal(m->params[0].choices, "zero|return");
    assert_string_equal(m->params[0].default_text, "zero");
}

/* ------------------------------------------------------------------ */
/* od_totals                                                           */
/* ------------------------------------------------------------------ */

/* Reference 6 (T1), with stayers on the diagonal and a country-level
 * value at destination "" that must not count (T2). */
static void totals_reference(void **state)
{
    (void)state;
    static const double out[4] = {200, 100, 135, 65},
                        in[4] = {130, 160, 95, 115},
                        turnover[4] = {330, 260, 230, 180},
                        net[4] = {-70, 60, -40, 50};
    start("od_totals", ABCD, 4, LEVEL_ABCD, 5, 1);
    set_matrix(0, ABCD, 4, 0, REF6);
    for (size_t i = 0; i < 4; i++) {
        set_cell(0, ABCD[i], ABCD[i], 0, 1000, 0);
        set_cell(0, ABCD[i], "", 0, 5000, 0);
    }
    assert_int_equal(run(), 0);
    assert_int_equal(H.axes.n_country, 4);
    for (size_t i = 0; i < 4; i++) {
        EXACT(by_country("out", ABCD[i], 0, NULL), out[i]);
        EXACT(by_country("in", ABCD[i], 0, NULL), in[i]);
        EXACT(by_country("net", ABCD[i], 0, NULL), net[i]);
        EXACT(by_country("turnover", ABCD[i], 0, NULL), turnover[i]);
    }
}

/* T3, T4: period 1 of reference 6 with A->B missing (and redacted),
 * A->C flagged e, and the row of D all missing. */
static void totals_missing(void **state)
{
    (void)state;
    uint32_t f;
    start("od_totals", ABCD, 4, ABCD, 4, 2);
    set_matrix(0, ABCD, 4, 0, REF6);
    set_matrix(0, ABCD, 4, 1, REF6);
    set_cell(0, "A", "B", 1, NAN, FLAG_REDACTED);
    set_cell(0, "A", "C", 1, 30, FLAG_E);
    for (size_t j = 0; j < 4; j++)
        set_cell(0, "D", ABCD[j], 1, NAN, 0);
    assert_int_equal(run(), 0);

    EXACT(by_country("out", "A", 0, &f), 200);
    assert_int_equal(f, 0);
    /* out A = 30 + 70 (A->B absent); flags of the cells with a value */
    EXACT(by_country("out", "A", 1, &f), 100);
    assert_int_equal(f, FLAG_E);
    /* in A = 50 + 60 (D->A absent); net A = 110 - 100 */
    EXACT(by_country("in", "A", 1, &f), 110);
    assert_int_equal(f, 0);
    EXACT(by_country("net", "A", 1, &f), 10);
    assert_int_equal(f, FLAG_E);
    EXACT(by_country("turnover", "A", 1, NULL), 210);
    /* in B = 35 (A->B and D->B absent); in C = 30 + 45 */
    EXACT(by_country("in", "B", 1, NULL), 35);
    EXACT(by_country("in", "C", 1, &f), 75);
    assert_int_equal(f, FLAG_E);
    /* the row of D is all missing: out, net, turnover missing, no flags */
    MISSING(by_country("out", "D", 1, &f));
    assert_int_equal(f, 0);
    MISSING(by_country("net", "D", 1, NULL));
    MISSING(by_country("turnover", "D", 1, NULL));
    EXACT(by_country("in", "D", 1, NULL), 115); /* 70 + 5 + 40 */
    EXACT(by_country("out", "D", 0, NULL), 65);
}

/* T2, T3 on axes that differ: origins {A, B}, destinations {"", B, C}.
 * A is no destination (no in), C no origin (no out). */
static void totals_axes_differ(void **state)
{
    (void)state;
    static const char *const origin[2] = {"A", "B"};
    static const char *const destination[3] = {"", "B", "C"};
    start("od_totals", origin, 2, destination, 3, 1);
    set_cell(0, "A", "", 0, 1000, 0);
    set_cell(0, "A", "B", 0, 10, 0);
    set_cell(0, "A", "C", 0, 20, 0);
    set_cell(0, "B", "", 0, 2000, 0);
    set_cell(0, "B", "B", 0, 99, 0);
    set_cell(0, "B", "C", 0, 5, 0);
    assert_int_equal(run(), 0);
    assert_int_equal(H.axes.n_country, 3);

    EXACT(by_country("out", "A", 0, NULL), 30);
    MISSING(by_country("in", "A", 0, NULL));
    MISSING(by_country("net", "A", 0, NULL));
    MISSING(by_country("turnover", "A", 0, NULL));
    EXACT(by_country("out", "B", 0, NULL), 5); /* B->B ignored */
    EXACT(by_country("in", "B", 0, NULL), 10);
    EXACT(by_country("net", "B", 0, NULL), 5);
    EXACT(by_country("turnover", "B", 0, NULL), 15);
    MISSING(by_country("out", "C", 0, NULL));
    EXACT(by_country("in", "C", 0, NULL), 25);
    MISSING(by_country("net", "C", 0, NULL));
}

/* ------------------------------------------------------------------ */
/* od_bilateral                                                        */
/* ------------------------------------------------------------------ */

/* B1 on reference 6: counterflow = transpose of M, net = M - M^T,
 * interchange = M + M^T, written out by hand.  B3: diagonal and "". */
static void bilateral_reference(void **state)
{
    (void)state;
    static const double counter[16] = {0,  50, 60, 20, 100, 0,  35, 25,
                                       30, 45, 0,  20, 70,  5,  40, 0};
    static const double net[16] = {0,  50,  -30, 50, -50, 0,   10,  -20,
                                   30, -10, 0,   20, -50, 20,  -20, 0};
    static const double interchange[16] = {0,  150, 90, 90, 150, 0,  80, 30,
                                           90, 80,  0,  60, 90,  30, 60, 0};
    start("od_bilateral", ABCD, 4, LEVEL_ABCD, 5, 1);
    set_matrix(0, ABCD, 4, 0, REF6);
    for (size_t i = 0; i < 4; i++) {
        set_cell(0, ABCD[i], ABCD[i], 0, 1000, 0);
        set_cell(0, ABCD[i], "", 0, 5000, 0);
    }
    assert_int_equal(run(), 0);
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 4; j++) {
            const char *o = ABCD[i], *d = ABCD[j];
            if (i == j) {
                MISSING(by_corridor("counterflow", o, d, 0, NULL));
                MISSING(by_corridor("net", o, d, 0, NULL));
                MISSING(by_corridor("interchange", o, d, 0, NULL));
                continue;
            }
            EXACT(by_corridor("counterflow", o, d, 0, NULL),
                  counter[i * 4 + j]);
            EXACT(by_corridor("net", o, d, 0, NULL), net[i * 4 + j]);
            EXACT(by_corridor("interchange", o, d, 0, NULL),
                  interchange[i * 4 + j]);
        }
        MISSING(by_corridor("counterflow", ABCD[i], "", 0, NULL));
        MISSING(by_corridor("net", ABCD[i], "", 0, NULL));
    }
}

/* B2 on axes that differ (origins {A, B, C}, destinations {"", A, B})
 * and a counter-flow missing in period 1. */
static void bilateral_missing(void **state)
{
    (void)state;
    static const char *const origin[3] = {"A", "B", "C"};
    static const char *const destination[3] = {"", "A", "B"};
    uint32_t f;
    start("od_bilateral", origin, 3, destination, 3, 2);
    for (size_t p = 0; p < 2; p++) {
        set_cell(0, "A", "A", p, 99, 0);
        set_cell(0, "A", "B", p, 10, 0);
        set_cell(0, "B", "A", p, p == 0 ? 4 : NAN, FLAG_P);
        set_cell(0, "C", "A", p, 7, 0);
    }
    assert_int_equal(run(), 0);

    EXACT(by_corridor("counterflow", "A", "B", 0, &f), 4);
    assert_int_equal(f, FLAG_P);
    EXACT(by_corridor("net", "A", "B", 0, &f), 6);
    assert_int_equal(f, FLAG_P);
    EXACT(by_corridor("interchange", "A", "B", 0, NULL), 14);
    EXACT(by_corridor("counterflow", "B", "A", 0, &f), 10);
    assert_int_equal(f, 0);
    EXACT(by_corridor("net", "B", "A", 0, &f), -6);
    assert_int_equal(f, FLAG_P);
    /* period 1: B->A missing */
    MISSING(by_corridor("counterflow", "A", "B", 1, &f));
    assert_int_equal(f, 0);
    MISSING(by_corridor("net", "A", "B", 1, NULL));
    MISSING(by_corridor("interchange", "A", "B", 1, NULL));
    EXACT(by_corridor("counterflow", "B", "A", 1, NULL), 10);
    MISSING(by_corridor("net", "B", "A", 1, NULL));
    /* C is no destination: C->A has no counter-corridor A->C */
    MISSING(by_corridor("counterflow", "C", "A", 0, NULL));
    MISSING(by_corridor("net", "C", "A", 0, NULL));
    MISSING(by_corridor("interchange", "C", "A", 0, NULL));
    /* C->B: the flow and its counter-corridor are both absent */
    MISSING(by_corridor("interchange", "C", "B", 0, NULL));
    MISSING(by_corridor("counterflow", "A", "A", 0, NULL)); /* B3 */
}

/* ------------------------------------------------------------------ */
/* od_indices                                                          */
/* ------------------------------------------------------------------ */

/* Reference 6: MEI 22, connectivity 1 (I1, I3), with stayers on the
 * diagonal (zeroed, Q1), a flows total at "" that is no country (Q1),
 * and a population of 1000 each at "" (I2):
 * sum|D - O| = 70 + 60 + 40 + 50 = 220, sum M = 500, sum P = 4000;
 * ANMR = 100 * 0.5 * 220 / 4000 = 2.75; CMI = 100 * 500 / 4000 = 12.5;
 * k = 12.5 / ln(4^2). */
static void indices_reference(void **state)
{
    (void)state;
    start("od_indices", ABCD, 4, LEVEL_ABCD, 5, 1);
    set_matrix(0, ABCD, 4, 0, REF6);
    for (size_t i = 0; i < 4; i++) {
        set_cell(0, ABCD[i], ABCD[i], 0, 1000, 0);
        set_cell(0, ABCD[i], "", 0, 5000, 0);
        set_cell(1, ABCD[i], "", 0, 1000, 0);
    }
    assert_int_equal(run(), 0);
    NEAR(by_period("mei", 0), 22.0, 1e-12);
    EXACT(by_period("connectivity", 0), 1.0);
    NEAR(by_period("anmr", 0), 2.75, 1e-12);
    NEAR(by_period("cmi", 0), 12.5, 1e-12);
    NEAR(by_period("courgeau_k", 0), 12.5 / log(16.0), 1e-12);
}

static const double HYP[9] = {0, 10, 10, 20, 0, 20, 30, 30, 0};
static const double HYP2[9] = {0, 20, 20, 30, 0, 50, 20, 20, 0};

/* Reference 7: total Gini, Plane-Mulligan and corrected (I4), and both
 * unchanged when the matrix is multiplied by 1000 (period 2: hyp, 3:
 * hyp2).  Hand: hyp has O = 20 40 60, D = 50 40 30, so MEI = 100 * 60 /
 * 240 = 25.  No population input: ANMR, CMI, k missing (I2). */
static void indices_gini_reference(void **state)
{
    (void)state;
    double scaled[9], scaled2[9];
    for (size_t i = 0; i < 9; i++) {
        scaled[i] = 1000 * HYP[i];
        scaled2[i] = 1000 * HYP2[i];
    }
    start("od_indices", ABCD, 3, ABCD, 3, 4);
    drop_input(1);
    set_matrix(0, ABCD, 3, 0, HYP);
    set_matrix(0, ABCD, 3, 1, HYP2);
    set_matrix(0, ABCD, 3, 2, scaled);
    set_matrix(0, ABCD, 3, 3, scaled2);
    assert_int_equal(run(), 0);
    for (size_t p = 0; p < 4; p += 2) {
        NEAR(by_period("gini", p), 0.2222222, 1e-7);
        NEAR(by_period("gini_corrected", p), 0.2666667, 1e-7);
        NEAR(by_period("gini", p + 1), 0.1875, 1e-12);
        NEAR(by_period("gini_corrected", p + 1), 0.225, 1e-12);
        NEAR(by_period("mei", p), 25.0, 1e-12);
        EXACT(by_period("connectivity", p), 1.0);
        MISSING(by_period("anmr", p));
        MISSING(by_period("cmi", p));
        MISSING(by_period("courgeau_k", p));
    }
}

/* Reads the Korean 2020 matrix (17 regions, stayers on the diagonal)
 * and populations (millions) into a call of `module`: origins the
 * regions, destinations "" and the regions.  0 when the files are
 * absent. */
static int load_korea(const char *module)
{
    static char names[17][32];
    const char *region[17], *destination[18];
    char line[256], o[64], d[64];
    double v;
    FILE *f = fopen(KOREA_POP, "r");
    size_t n = 0;

    if (f == NULL)
        return 0;
    assert_non_null(fgets(line, sizeof line, f)); /* "region","pop_millions" */
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "\"%63[^\"]\",%lf", o, &v), 2);
        assert_true(n < 17 && strlen(o) < sizeof names[0]);
        strcpy(names[n], o);
        region[n] = names[n];
        n++;
    }
    fclose(f);
    assert_int_equal(n, 17);
    qsort(region, 17, sizeof *region, compare_text);
    destination[0] = "";
    for (size_t i = 0; i < 17; i++)
        destination[i + 1] = region[i];
    start(module, region, 17, destination, 18, 1);

    f = fopen(KOREA_POP, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "\"%63[^\"]\",%lf", o, &v), 2);
        if (H.module->n_inputs > 1)
            set_cell(1, o, "", 0, v * 1e6, 0); /* persons */
    }
    fclose(f);

    f = fopen(KOREA_FLOWS, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f)); /* "orig","dest","flow" */
    n = 0;
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(
            sscanf(line, "\"%63[^\"]\",\"%63[^\"]\",%lf", o, d, &v), 3);
        set_cell(0, o, d, 0, v, 0);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 17 * 17);
    return 1;
}

/* Reference 8 (migest index_impact, index_connectivity on Korea 2020). */
static void indices_korea(void **state)
{
    (void)state;
    if (!load_korea("od_indices")) {
        print_message("%s not found: skipping the Korean reference\n",
                      KOREA_POP);
        skip();
    }
    assert_int_equal(run(), 0);
    NEAR(by_period("mei", 0), 7.672425155, 1e-9);
    NEAR(by_period("anmr", 0), 0.375133, 1e-6);
    NEAR(by_period("gini_corrected", 0), 0.7090336867, 1e-10);
    EXACT(by_period("connectivity", 0), 1.0);
}

/* Q2: reference 6 with A->B missing in period 1.  missing=nan: period 1
 * is missing, period 0 not.  missing=zero: with A->B = 0, O = 100 100
 * 135 65, D = 130 60 95 115, sum|D - O| = 30 + 40 + 40 + 50 = 160, sum M
 * = 400: MEI = 100 * 160 / 800 = 20; 11 of 12 cells above 0. */
static void indices_missing_cell(void **state)
{
    (void)state;
    for (int zero = 0; zero < 2; zero++) {
        start("od_indices", ABCD, 4, ABCD, 4, 2);
        drop_input(1);
        set_matrix(0, ABCD, 4, 0, REF6);
        set_matrix(0, ABCD, 4, 1, REF6);
        set_cell(0, "A", "B", 1, NAN, 0);
        set_cell(0, "B", "C", 1, 45, FLAG_E);
        if (zero)
            set_param("missing", "zero");
        assert_int_equal(run(), 0);
        NEAR(by_period("mei", 0), 22.0, 1e-12);
        assert_int_equal(H.output[output_named("mei")].flags[0], 0);
        if (!zero) {
            for (size_t k = 0; k < H.module->n_outputs; k++) {
                MISSING(H.output[k].value[1]);
                assert_int_equal(H.output[k].flags[1], 0);
            }
            continue;
        }
        NEAR(by_period("mei", 1), 20.0, 1e-12);
        NEAR(by_period("connectivity", 1), 11.0 / 12.0, 1e-15);
        assert_int_equal(H.output[output_named("mei")].flags[1], FLAG_E);
    }
}

/* Q3: a period whose cells are all missing is missing, also with
 * missing=zero; Q4: a negative flow gives NaN. */
static void indices_all_missing(void **state)
{
    (void)state;
    start("od_indices", ABCD, 4, ABCD, 4, 3);
    drop_input(1);
    set_param("missing", "zero");
    set_matrix(0, ABCD, 4, 0, REF6);
    set_matrix(0, ABCD, 4, 2, REF6);
    set_cell(0, "C", "D", 2, -40, 0);
    assert_int_equal(run(), 0);
    NEAR(by_period("mei", 0), 22.0, 1e-12);
    for (size_t k = 0; k < H.module->n_outputs; k++) {
        MISSING(H.output[k].value[1]);
        MISSING(H.output[k].value[2]);
    }
}

/* I5: one country (only its diagonal), and no country at all: every
 * index missing, and no failure. */
static void indices_one_country(void **state)
{
    (void)state;
    static const char *const a[1] = {"A"};
    static const char *const level_a[2] = {"", "A"};
    start("od_indices", a, 1, level_a, 2, 1);
    set_cell(0, "A", "A", 0, 50, 0);
    set_cell(1, "A", "", 0, 100, 0);
    assert_int_equal(run(), 0);
    for (size_t k = 0; k < H.module->n_outputs; k++)
        MISSING(H.output[k].value[0]);

    start("od_indices", NULL, 0, NULL, 0, 2);
    assert_int_equal(run(), 0);
    for (size_t k = 0; k < H.module->n_outputs; k++) {
        MISSING(H.output[k].value[0]);
        MISSING(H.output[k].value[1]);
    }
}

/* I2: period 0 population all zero, period 1 C's population missing,
 * period 2 complete (1000 each: ANMR 2.75 as in indices_reference).  E
 * is on the origin axis only through the population input: not part of
 * the matrix (Q1), its population not added. */
static void indices_population(void **state)
{
    (void)state;
    static const char *const origin[5] = {"A", "B", "C", "D", "E"};
    start("od_indices", origin, 5, LEVEL_ABCD, 5, 3);
    for (size_t p = 0; p < 3; p++) {
        set_matrix(0, ABCD, 4, p, REF6);
        for (size_t i = 0; i < 5; i++)
            set_cell(1, origin[i], "", p, p == 0 ? 0 : 1000, FLAG_P);
    }
    set_cell(1, "C", "", 1, NAN, 0);
    assert_int_equal(run(), 0);
    for (size_t p = 0; p < 3; p++) {
        NEAR(by_period("mei", p), 22.0, 1e-12);
        assert_int_equal(H.output[output_named("mei")].flags[p], 0);
    }
    MISSING(by_period("anmr", 0));
    MISSING(by_period("cmi", 0));
    MISSING(by_period("courgeau_k", 0));
    MISSING(by_period("anmr", 1));
    MISSING(by_period("cmi", 1));
    NEAR(by_period("anmr", 2), 2.75, 1e-12);
    NEAR(by_period("cmi", 2), 12.5, 1e-12);
    assert_int_equal(H.output[output_named("anmr")].flags[2], FLAG_P);

    /* the optional input absent: no population figures, the rest kept */
    start("od_indices", ABCD, 4, ABCD, 4, 1);
    drop_input(1);
    set_matrix(0, ABCD, 4, 0, REF6);
    assert_int_equal(run(), 0);
    NEAR(by_period("mei", 0), 22.0, 1e-12);
    MISSING(by_period("anmr", 0));
    MISSING(by_period("cmi", 0));
    MISSING(by_period("courgeau_k", 0));
}

/* Axes that differ: origins {A, B, C}, destinations {"", B, C, D}; the
 * matrix is over A B C D, A's column and D's row absent.  missing=nan:
 * missing (Q2).  missing=zero, by hand:
 *   M = A [0 10 20 0], B [0 0 30 40], C [0 5 0 15], D [0 0 0 0]
 *   O = 30 70 20 0, D = 0 15 50 55, sum|D - O| = 30+55+30+55 = 170,
 *   sum M = 120: MEI = 100 * 170 / 240; 6 of 12 cells above 0. */
static void indices_axes_differ(void **state)
{
    (void)state;
    static const char *const origin[3] = {"A", "B", "C"};
    static const char *const destination[4] = {"", "B", "C", "D"};
    for (int zero = 0; zero < 2; zero++) {
        start("od_indices", origin, 3, destination, 4, 1);
        drop_input(1);
        set_cell(0, "A", "B", 0, 10, 0);
        set_cell(0, "A", "C", 0, 20, 0);
        set_cell(0, "B", "C", 0, 30, 0);
        set_cell(0, "B", "D", 0, 40, 0);
        set_cell(0, "C", "B", 0, 5, 0);
        set_cell(0, "C", "D", 0, 15, 0);
        if (zero)
            set_param("missing", "zero");
        assert_int_equal(run(), 0);
        if (!zero) {
            MISSING(by_period("mei", 0));
            MISSING(by_period("connectivity", 0));
            continue;
        }
        NEAR(by_period("mei", 0), 100.0 * 170.0 / 240.0, 1e-12);
        EXACT(by_period("connectivity", 0), 0.5);
    }
}

/* ------------------------------------------------------------------ */
/* od_gini                                                             */
/* ------------------------------------------------------------------ */

/* Reference 7 (G1), periods 0-1 hyp and hyp2, 2-3 the same times 1000.
 * Plane-Mulligan in-Ginis of hyp by hand: N = 2 partners, so each is
 * the corrected one times (N - 1) / N: 0.1, 0.25, 0.1666667. */
static void gini_reference(void **state)
{
    (void)state;
    static const double out1[3] = {0, 0, 0}, in1[3] = {0.2, 0.5, 1.0 / 3};
    static const double out2[3] = {0, 0.25, 0},
                        in2[3] = {0.2, 0, 0.4285714};
    static const double in_pm[3] = {0.1, 0.25, 1.0 / 6};
    double scaled[9], scaled2[9];
    for (size_t i = 0; i < 9; i++) {
        scaled[i] = 1000 * HYP[i];
        scaled2[i] = 1000 * HYP2[i];
    }
    for (int pm = 0; pm < 2; pm++) {
        start("od_gini", ABCD, 3, ABCD, 3, 4);
        set_matrix(0, ABCD, 3, 0, HYP);
        set_matrix(0, ABCD, 3, 1, HYP2);
        set_matrix(0, ABCD, 3, 2, scaled);
        set_matrix(0, ABCD, 3, 3, scaled2);
        if (pm)
            set_param("variant", "plane_mulligan");
        assert_int_equal(run(), 0);
        for (size_t p = 0; p < 4; p += 2)
            for (size_t i = 0; i < 3; i++) {
                const char *c = ABCD[i];
                NEAR(by_country("out_gini", c, p, NULL), out1[i], 1e-12);
                if (pm) {
                    NEAR(by_country("in_gini", c, p, NULL), in_pm[i], 1e-12);
                    continue;
                }
                NEAR(by_country("in_gini", c, p, NULL), in1[i], 1e-7);
                NEAR(by_country("out_gini", c, p + 1, NULL), out2[i], 1e-12);
                NEAR(by_country("in_gini", c, p + 1, NULL), in2[i], 1e-7);
            }
    }
}

/* Q2, G2 per row and column on reference 6, period 1 with A->B missing
 * and the row of C all zero.  By hand, corrected (N = 3 partners,
 * denominator 2 (N - 1) sum = 4 sum), sum over ordered pairs:
 *   out B {50 45 5}: 2 (5 + 45 + 40) = 180, sum 100: 180 / 400 = 0.45
 *   out A with A->B = 0, {0 30 70}: 2 (30 + 70 + 40) = 280, sum 100:
 *   0.7 (missing=zero only). */
static void gini_missing(void **state)
{
    (void)state;
    for (int zero = 0; zero < 2; zero++) {
        start("od_gini", ABCD, 4, ABCD, 4, 2);
        set_matrix(0, ABCD, 4, 0, REF6);
        set_matrix(0, ABCD, 4, 1, REF6);
        set_cell(0, "A", "B", 1, NAN, 0);
        for (size_t j = 0; j < 4; j++)
            set_cell(0, "C", ABCD[j], 1, 0, 0);
        if (zero)
            set_param("missing", "zero");
        assert_int_equal(run(), 0);
        NEAR(by_country("out_gini", "B", 0, NULL), 0.45, 1e-12);
        NEAR(by_country("out_gini", "B", 1, NULL), 0.45, 1e-12);
        /* out A {100 30 70}: 2 (70 + 30 + 40) = 280, sum 200: 0.35 */
        NEAR(by_country("out_gini", "A", 0, NULL), 0.35, 1e-12);
        MISSING(by_country("out_gini", "C", 1, NULL)); /* sums to 0 */
        if (zero) {
            NEAR(by_country("out_gini", "A", 1, NULL), 0.7, 1e-12);
            assert_false(isnan(by_country("in_gini", "B", 1, NULL)));
        } else {
            MISSING(by_country("out_gini", "A", 1, NULL));
            MISSING(by_country("in_gini", "B", 1, NULL));
            assert_false(isnan(by_country("in_gini", "C", 1, NULL)));
        }
    }
}

/* G2: two countries (one partner each): the corrected Gini divides by
 * 2 (1 - 1) sum, so it is missing; Plane-Mulligan's is 0.  A code on the
 * axes whose cells are all missing has no Gini, and is no partner of the
 * others (Q1): with C in the axes but empty, A and B still have one
 * partner each. */
static void gini_two_countries(void **state)
{
    (void)state;
    for (int pm = 0; pm < 2; pm++) {
        start("od_gini", ABCD, 3, ABCD, 3, 1);
        set_cell(0, "A", "B", 0, 10, 0);
        set_cell(0, "B", "A", 0, 30, 0);
        if (pm)
            set_param("variant", "plane_mulligan");
        assert_int_equal(run(), 0);
        for (size_t i = 0; i < 2; i++) {
            double out = by_country("out_gini", ABCD[i], 0, NULL);
            double in = by_country("in_gini", ABCD[i], 0, NULL);
            if (pm) {
                EXACT(out, 0.0);
                EXACT(in, 0.0);
            } else {
                MISSING(out);
                MISSING(in);
            }
        }
        MISSING(by_country("out_gini", "C", 0, NULL));
        MISSING(by_country("in_gini", "C", 0, NULL));
    }
}

/* ------------------------------------------------------------------ */
/* stock_flows                                                         */
/* ------------------------------------------------------------------ */

static const double S1[16] = {100, 10, 10, 0,   20, 55, 25, 10,
                              10,  40, 140, 65, 20, 25, 20, 200};
static const double S2[16] = {75, 25, 5,   15, 20, 45, 30, 15,
                              30, 40, 150, 35, 10, 50, 5,  200};

static void expect_flows(size_t p, const double *want)
{
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            double got = by_corridor("flow", ABCD[i], ABCD[j], p, NULL);
            if (got != want[i * 4 + j])
                fail_msg("flow %s -> %s at period %zu: got %g, want %g",
                         ABCD[i], ABCD[j], p, got, want[i * 4 + j]);
        }
}

/* Reference 9 (S1), periods s1, s2, then s1 again (spacing 1 and 5: the
 * ordinal does not matter).  Period 2 by hand: D = s1 - s2 = -D12, so
 * zero gives max(-D12, 0) and return max(-D12, 0) + transpose(max(D12,
 * 0)), D12 = s2 - s1 with a zero diagonal:
 *   D12 = [. 15 -5 15; 0 . 5 5; 20 0 . -30; -10 25 -15 .]
 *   max(-D12, 0) = [0 0 5 0; 0 0 0 0; 0 0 0 30; 10 0 15 0]
 *   transpose(max(D12, 0)) = [0 0 20 0; 15 0 0 25; 0 5 0 0; 15 5 0 0]
 * The "" destination holds a total that is ignored. */
static void stock_flows_reference(void **state)
{
    (void)state;
    static const double zero9[16] = {0, 15, 0, 15, 0, 0,  5, 5,
                                     20, 0, 0, 0,  0, 25, 0, 0};
    static const double return9[16] = {0,  15, 0, 25, 0, 0,  5,  5,
                                       25, 0,  0, 15, 0, 25, 30, 0};
    static const double zero_back[16] = {0, 0, 5, 0, 0,  0, 0,  0,
                                         0, 0, 0, 30, 10, 0, 15, 0};
    static const double return_back[16] = {0, 0, 25, 0,  15, 0, 0,  25,
                                           0, 5, 0,  30, 25, 5, 15, 0};
    for (int back = 0; back < 2; back++) {
        start("stock_flows", ABCD, 4, LEVEL_ABCD, 5, 3);
        H.ordinal[2] = 2006; /* 2001 -> 2006: five years */
        set_matrix(0, ABCD, 4, 0, S1);
        set_matrix(0, ABCD, 4, 1, S2);
        set_matrix(0, ABCD, 4, 2, S1);
        for (size_t i = 0; i < 4; i++)
            for (size_t p = 0; p < 3; p++)
                set_cell(0, ABCD[i], "", p, 1e6, 0);
        if (back)
            set_param("method", "return");
        assert_int_equal(run(), 0);
        for (size_t i = 0; i < 4; i++) {
            for (size_t j = 0; j < 4; j++)
                MISSING(by_corridor("flow", ABCD[i], ABCD[j], 0, NULL));
            MISSING(by_corridor("flow", ABCD[i], "", 1, NULL));
        }
        expect_flows(1, back ? return9 : zero9);
        expect_flows(2, back ? return_back : zero_back);
    }
}

/* S2, S3: in period 1, A->B missing (flagged) and A->A missing; C->D
 * flagged e; the axes differ (origins {A, B, C, D}, destinations
 * {"", A, B, C, D, E}: the counter-corridor of A->E is absent). */
static void stock_flows_missing(void **state)
{
    (void)state;
    static const char *const destination[6] = {"", "A", "B", "C", "D", "E"};
    uint32_t f;
    for (int back = 0; back < 2; back++) {
        start("stock_flows", ABCD, 4, destination, 6, 2);
        set_matrix(0, ABCD, 4, 0, S1);
        set_matrix(0, ABCD, 4, 1, S2);
        set_cell(0, "A", "B", 1, NAN, FLAG_REDACTED);
        set_cell(0, "A", "A", 1, NAN, 0);
        set_cell(0, "C", "D", 1, 35, FLAG_E);
        set_cell(0, "A", "E", 0, 1, 0);
        set_cell(0, "A", "E", 1, 4, 0);
        if (back)
            set_param("method", "return");
        assert_int_equal(run(), 0);
        MISSING(by_corridor("flow", "A", "B", 1, &f));
        assert_int_equal(f, 0);
        MISSING(by_corridor("flow", "A", "A", 1, NULL)); /* S3 */
        EXACT(by_corridor("flow", "B", "B", 1, NULL), 0.0);
        EXACT(by_corridor("flow", "B", "D", 1, NULL), 5.0); /* 15 - 10 */
        if (!back) {
            /* max(4 - 1, 0); max(45 - 40, 0) */
            EXACT(by_corridor("flow", "A", "E", 1, NULL), 3.0);
            EXACT(by_corridor("flow", "B", "A", 1, NULL), 0.0);
            EXACT(by_corridor("flow", "C", "D", 1, &f), 0.0);
            assert_int_equal(f, FLAG_E);
            continue;
        }
        /* return needs B->A's counter-corridor A->B: missing */
        MISSING(by_corridor("flow", "B", "A", 1, NULL));
        MISSING(by_corridor("flow", "A", "E", 1, NULL));
        /* D->C = max(5 - 20, 0) + max(65 - 35, 0) = 30, flags of C->D */
        EXACT(by_corridor("flow", "D", "C", 1, &f), 30.0);
        assert_int_equal(f, FLAG_E);
    }
}

/* ------------------------------------------------------------------ */
/* Bad calls: a message, never a crash                                 */
/* ------------------------------------------------------------------ */

static void bad_calls(void **state)
{
    (void)state;
    start("od_totals", ABCD, 4, ABCD, 4, 1);
    H.call.n_input = 2;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_totals: got 2 inputs, expected 1");

    start("od_totals", ABCD, 4, ABCD, 4, 1);
    drop_input(0);
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_totals: input 'flows' is missing");

    start("od_indices", ABCD, 4, ABCD, 4, 1);
    H.call.axes = NULL;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_indices: no axes");

    start("od_gini", ABCD, 4, ABCD, 4, 1);
    H.param[0].integer = 2;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message,
                        "od_gini: parameter 'variant' is choice 2, expected "
                        "0 to 1 (corrected|plane_mulligan)");

    start("stock_flows", ABCD, 4, ABCD, 4, 2);
    H.call.n_param = 0;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "stock_flows: got 0 parameters, "
                                   "expected 1");

    start("od_bilateral", ABCD, 4, ABCD, 4, 1);
    H.output[1].value = NULL;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_bilateral: output 'net' has no "
                                   "arrays");

    start("od_totals", ABCD, 4, ABCD, 4, 1);
    H.country_origin[2] = 7;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_totals: the country axis or its "
                                   "maps are missing or out of range");

    start("od_indices", ABCD, 4, ABCD, 4, 1);
    H.axes.country_level = 4;
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_indices: country_level 4 is not on "
                                   "the destination axis");

    /* a code twice on one axis cannot be matched to its counterpart */
    static const char *const twice[3] = {"A", "B", "B"};
    start("od_indices", twice, 3, ABCD, 4, 1);
    assert_int_equal(run(), 1);
    assert_string_equal(H.message, "od_indices: code 'B' appears twice on "
                                   "the origin axis");

    /* no room for a message: still a failure, no crash */
    start("od_totals", ABCD, 4, ABCD, 4, 1);
    H.call.n_output = 0;
    H.call.message = NULL;
    H.call.message_size = 0;
    assert_int_equal(run(), 1);

    /* without input flags (NULL), the results carry none */
    start("od_totals", ABCD, 4, ABCD, 4, 1);
    set_matrix(0, ABCD, 4, 0, REF6);
    H.input[0].flags = NULL;
    assert_int_equal(run(), 0);
    EXACT(by_country("out", "A", 0, NULL), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(descriptors),
        cmocka_unit_test(totals_reference),
        cmocka_unit_test(totals_missing),
        cmocka_unit_test(totals_axes_differ),
        cmocka_unit_test(bilateral_reference),
        cmocka_unit_test(bilateral_missing),
        cmocka_unit_test(indices_reference),
        cmocka_unit_test(indices_gini_reference),
        cmocka_unit_test(indices_korea),
        cmocka_unit_test(indices_missing_cell),
        cmocka_unit_test(indices_all_missing),
        cmocka_unit_test(indices_one_country),
        cmocka_unit_test(indices_population),
        cmocka_unit_test(indices_axes_differ),
        cmocka_unit_test(gini_reference),
        cmocka_unit_test(gini_missing),
        cmocka_unit_test(gini_two_countries),
        cmocka_unit_test(stock_flows_reference),
        cmocka_unit_test(stock_flows_missing),
        cmocka_unit_test(bad_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
