/*
 * test_modules.c: the module framework (src/modules/registry.c, host.c;
 * derivation records in src/core/cube.c and src/store/).
 *
 *   - registry: every built-in once, find, duplicate names refused;
 *   - shared objects (tests/modules/NAME.c, built by the Makefile into
 *     BUILD/tests/modules/): a good one, another ABI version, a
 *     built-in's name, no entry, a missing file; SILKSTAT_MODULE_PATH
 *     lists and folders (name order); exact messages naming the file;
 *   - descriptor validation, one case per rule;
 *   - parameters: conversion and every error;
 *   - axes on small stores: union, selection (codes, names, groups,
 *     periods), country maps and country_level, frequency mismatch,
 *     categories, empty selections, missing inputs;
 *   - results: replace on recompute, derivation kept across commits,
 *     ingested indicators never replaced, a matrix table checked against
 *     METHODS.md reference value 6 (MEI = 22).
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"
#include "fixture.h"
#include "modules/builtin.h"

static char store_path[300];
static char fixtures[4096]; /* BUILD/tests/modules */

static int setup(void **state)
{
    (void)state;
    /* the fixtures live beside this binary: BUILD/tests/modules */
    ssize_t n = readlink("/proc/self/exe", fixtures, sizeof fixtures - 32);
    if (n <= 0)
        return -1;
    fixtures[n] = '\0';
    char *slash = strrchr(fixtures, '/');
    if (slash == NULL)
        return -1;
    strcpy(slash, "/modules");
    if (fixture_setup(NULL) != 0)
        return -1;
    snprintf(store_path, sizeof store_path, "%s/store.h5", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

static const char *fixture(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.so", fixtures, name);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Modules defined here                                                */
/* ------------------------------------------------------------------ */

/* probe (CORRIDOR): copies its inputs x and y (optional) into outputs x
 * and y, so a test sees them on the call's axes, and records the
 * parameters it was given.  The recording is state between calls, which
 * a real module must not keep: test-only. */
static silk_module_value probe_param[5];
static char probe_text[5][64];
static int probe_y_present;

static int probe(silk_module_call *call)
{
    const silk_module_axes *ax = call->axes;
    size_t n = ax->n_origin * ax->n_destination * ax->n_period;
    for (size_t k = 0; k < call->n_param; k++) {
        probe_param[k] = call->param[k];
        snprintf(probe_text[k], sizeof probe_text[k], "%s",
                 call->param[k].text);
        probe_param[k].text = probe_text[k];
    }
    probe_y_present = call->input[1].present;
    for (size_t i = 0; i < n; i++) {
        call->output[0].value[i] = call->input[0].value[i];
        call->output[0].flags[i] = call->input[0].flags[i];
        if (call->input[1].present)
            call->output[1].value[i] = call->input[1].value[i];
    }
    return 0;
}

static const silk_module_input probe_inputs[] = {
    {"x", "x", "any", 0},
    {"y", "y", "any, optional", 1},
};
static const silk_module_param probe_params[] = {
    {"num", SILK_PARAM_NUMBER, "1.5", NULL, "a number"},
    {"count", SILK_PARAM_INTEGER, "3", NULL, "a whole number"},
    {"label", SILK_PARAM_TEXT, "hi there", NULL, "any text"},
    {"base", SILK_PARAM_PERIOD, "1999", NULL, "a period"},
    {"mode", SILK_PARAM_CHOICE, "zero", "zero|return", "a choice"},
};
static const silk_module_output probe_outputs[] = {
    {"x", "persons", "x as given"},
    {"y", "persons", "y as given"},
};
static const silk_module probe_module = {
    .abi = SILK_MODULE_ABI,
    .name = "probe",
    .version = "0.1",
    .title = "Probe",
    .description = "copies its inputs",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = probe_inputs,
    .n_inputs = 2,
    .params = probe_params,
    .n_params = 5,
    .outputs = probe_outputs,
    .n_outputs = 2,
    .compute = probe,
};

/* hosted (COUNTRY): for country c, output "hosted" = the sum over
 * origins of flows at destination c (the country-level column left
 * out), "pop" = pop's country-level value of c. */
static int hosted(silk_module_call *call)
{
    const silk_module_axes *ax = call->axes;
    const silk_module_array *flows = &call->input[0], *pop = &call->input[1];
    for (size_t c = 0; c < ax->n_country; c++)
        for (size_t p = 0; p < ax->n_period; p++) {
            size_t out = c * ax->n_period + p;
            long d = ax->country_destination[c];
            double sum = NAN;
            for (size_t o = 0; d >= 0 && d != ax->country_level &&
                               o < ax->n_origin; o++) {
                double v = flows->value[(o * ax->n_destination + (size_t)d) *
                                            ax->n_period + p];
                if (!isnan(v))
                    sum = isnan(sum) ? v : sum + v;
            }
            call->output[0].value[out] = sum;
            long o = ax->country_origin[c];
            if (pop->present && o >= 0 && ax->country_level >= 0)
                call->output[1].value[out] =
                    pop->value[((size_t)o * ax->n_destination +
                                (size_t)ax->country_level) * ax->n_period + p];
        }
    return 0;
}

static const silk_module_input hosted_inputs[] = {
    {"flows", "flows", "bilateral counts", 0},
    {"pop", "pop", "population, country-level", 1},
};
static const silk_module_output hosted_outputs[] = {
    {"hosted", "persons", "sum over origins"},
    {"pop", "persons", "population"},
};
static const silk_module hosted_module = {
    .abi = SILK_MODULE_ABI,
    .name = "hosted",
    .version = "0.1",
    .title = "Hosted",
    .description = "sums a column",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = hosted_inputs,
    .n_inputs = 2,
    .outputs = hosted_outputs,
    .n_outputs = 2,
    .compute = hosted,
};

/* mei (MATRIX): the migration effectiveness index of METHODS.md,
 * MEI = 100 sum_i |D_i - O_i| / sum_i (D_i + O_i), and the total flow,
 * one figure per period.  O_i sums row i, D_i column i; codes match
 * between the two axes by name.  Also writes +inf into a third output,
 * which the host must turn into NaN. */
static int mei(silk_module_call *call)
{
    const silk_module_axes *ax = call->axes;
    const silk_module_array *m = &call->input[0];
    for (size_t p = 0; p < ax->n_period; p++) {
        double num = 0, den = 0, total = 0;
        for (size_t o = 0; o < ax->n_origin; o++) {
            double out = 0, in = 0;
            for (size_t d = 0; d < ax->n_destination; d++) {
                double v = m->value[(o * ax->n_destination + d) *
                                        ax->n_period + p];
                out += isnan(v) ? 0 : v;
            }
            for (size_t d = 0; d < ax->n_destination; d++)
                if (strcmp(ax->destination[d], ax->origin[o]) == 0)
                    for (size_t k = 0; k < ax->n_origin; k++) {
                        double v = m->value[(k * ax->n_destination + d) *
                                                ax->n_period + p];
                        in += isnan(v) ? 0 : v;
                    }
            num += fabs(in - out);
            den += in + out;
            total += out;
        }
        call->output[0].value[p] = den > 0 ? 100 * num / den : NAN;
        call->output[1].value[p] = total;
        call->output[2].value[p] = INFINITY;
    }
    return 0;
}

static const silk_module_input mei_inputs[] = {
    {"flows", "m", "a square flow matrix", 0},
};
static const silk_module_output mei_outputs[] = {
    {"mei", "%", "migration effectiveness index"},
    {"total", "persons", "sum of the flows"},
    {"bad", "", "always infinite"},
};
static const silk_module mei_module = {
    .abi = SILK_MODULE_ABI,
    .name = "mei",
    .version = "0.1",
    .title = "MEI",
    .description = "migration effectiveness",
    .kind = SILK_MODULE_MATRIX,
    .inputs = mei_inputs,
    .n_inputs = 1,
    .outputs = mei_outputs,
    .n_outputs = 3,
    .compute = mei,
};

static int failing(silk_module_call *call)
{
    snprintf(call->message, call->message_size, "needs two countries");
    return 2;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static silk_period year(int y)
{
    return (silk_period){SILK_FREQ_ANNUAL, y, 0};
}

static void put(silk_batch *b, const char *ind, const char *o, const char *d,
                silk_period p, double v, uint32_t flags)
{
    silk_error err = {0};
    if (silk_batch_put(b, ind, o, d, p, v, flags, "persons", NULL, 0, 2,
                       &err) != SILK_OK)
        fail_msg("%s", err.message);
}

static void commit(silk_batch *b)
{
    silk_error err = {0};
    if (silk_store_commit(store_path, b, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_batch_free(b);
}

static silk_batch *batch(void)
{
    silk_batch *b = NULL;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&b, &err), SILK_OK);
    return b;
}

/* A fresh store:
 *   x: AFG->IRN 2001 = 1, 2002 = 3 (flag p); AFG->PAK 2001 = 5;
 *      IRQ->IRN 2003 = 7
 *   y: PAK->TUR 2000 = 11; AFG->IRN 2002 = 13 */
static void small_store(void)
{
    unlink(store_path);
    silk_batch *b = batch();
    put(b, "x", "AFG", "IRN", year(2001), 1, 0);
    put(b, "x", "AFG", "IRN", year(2002), 3, SILK_FLAG('p'));
    put(b, "x", "AFG", "PAK", year(2001), 5, 0);
    put(b, "x", "IRQ", "IRN", year(2003), 7, 0);
    put(b, "y", "PAK", "TUR", year(2000), 11, 0);
    put(b, "y", "AFG", "IRN", year(2002), 13, 0);
    commit(b);
}

static silk_registry *registry(void)
{
    silk_registry *reg = NULL;
    silk_error err = {0};
    if (silk_registry_alloc(&reg, &err) != SILK_OK ||
        silk_registry_add(reg, &probe_module, "test", &err) != SILK_OK ||
        silk_registry_add(reg, &hosted_module, "test", &err) != SILK_OK ||
        silk_registry_add(reg, &mei_module, "test", &err) != SILK_OK)
        fail_msg("%s", err.message);
    return reg;
}

/* Runs req on the store; returns the status, results in *out. */
static int run(silk_registry *reg, const silk_module_request *req,
               silk_module_results **out, silk_error *err)
{
    silk_store *store = NULL;
    *out = NULL;
    if (silk_store_open(store_path, &store, err) != SILK_OK)
        fail_msg("%s", err->message);
    int status = silk_module_run(store, reg, req, out, err);
    silk_store_close(store);
    return status;
}

static silk_module_results *run_ok(silk_registry *reg,
                                   const silk_module_request *req)
{
    silk_module_results *res = NULL;
    silk_error err = {0};
    if (run(reg, req, &res, &err) != SILK_OK)
        fail_msg("%s", err.message);
    return res;
}

static void expect_error(silk_registry *reg, const silk_module_request *req,
                         int code, const char *message)
{
    silk_module_results *res = NULL;
    silk_error err = {0};
    assert_int_equal(run(reg, req, &res, &err), code);
    assert_null(res);
    assert_string_equal(err.message, message);
}

/* Cell (o, d, p) of output k of a CORRIDOR result, found by labels. */
static double cell(const silk_module_results *res, size_t k, const char *o,
                   const char *d, const char *period)
{
    const silk_module_axes *ax = &res->axes;
    for (size_t i = 0; i < ax->n_origin; i++)
        for (size_t j = 0; j < ax->n_destination; j++)
            for (size_t p = 0; p < ax->n_period; p++)
                if (strcmp(ax->origin[i], o) == 0 &&
                    strcmp(ax->destination[j], d) == 0 &&
                    strcmp(ax->period[p], period) == 0)
                    return res->output[k]
                        .value[(i * ax->n_destination + j) * ax->n_period + p];
    fail_msg("no cell %s %s %s", o, d, period);
    return NAN;
}

static void expect_labels(const char *const *labels, size_t n,
                          const char *joined)
{
    char buf[512] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(buf, i ? "," : "");
        strcat(buf, labels[i][0] ? labels[i] : "-");
    }
    assert_string_equal(buf, joined);
}

/* ------------------------------------------------------------------ */
/* Registry                                                            */
/* ------------------------------------------------------------------ */

static void test_builtins_once(void **state)
{
    (void)state;
    silk_registry *reg = NULL;
    silk_error err = {0};
    assert_int_equal(silk_registry_alloc(&reg, &err), SILK_OK);
    size_t expected = silk_builtin_rates_count +
                      silk_builtin_protection_count +
                      silk_builtin_returns_count + silk_builtin_growth_count +
                      silk_builtin_od_count;
    size_t n = silk_registry_count(reg);
    assert_int_equal(n, expected);
    for (size_t i = 0; i < n; i++) {
        const silk_module *m = silk_registry_module(reg, i);
        size_t at = 99999;
        assert_ptr_equal(silk_registry_find(reg, m->name, &at), m);
        assert_int_equal(at, i); /* the first of that name is itself */
        assert_null(silk_registry_origin(reg, i));
    }
    assert_null(silk_registry_find(reg, "no_such_module", NULL));
    assert_null(silk_registry_module(reg, n));
    silk_registry_free(reg);
    silk_registry_free(NULL);
}

static void test_duplicates_refused(void **state)
{
    (void)state;
    silk_registry *reg = registry();
    silk_error err = {0};
    /* a built-in's name */
    silk_module copy = probe_module;
    copy.name = silk_registry_module(reg, 0)->name;
    assert_int_equal(silk_registry_add(reg, &copy, "mine", &err),
                     SILK_ECONFLICT);
    char want[256];
    snprintf(want, sizeof want,
             "mine: module '%s' is already registered (built in)",
             copy.name);
    assert_string_equal(err.message, want);
    /* a loaded module's name */
    assert_int_equal(silk_registry_add(reg, &probe_module, "again", &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message, "again: module 'probe' is already "
                                     "registered (loaded from test)");
    silk_registry_free(reg);
}

static void test_load_shared_objects(void **state)
{
    (void)state;
    silk_registry *reg = NULL;
    silk_error err = {0};
    char so[4200], want[4400];
    assert_int_equal(silk_registry_alloc(&reg, &err), SILK_OK);
    size_t builtins = silk_registry_count(reg);

    fixture("twice", so, sizeof so);
    if (silk_registry_load(reg, so, &err) != SILK_OK)
        fail_msg("%s", err.message);
    size_t at = 0;
    const silk_module *m = silk_registry_find(reg, "twice", &at);
    assert_non_null(m);
    assert_int_equal(at, builtins);
    assert_string_equal(silk_registry_origin(reg, at), so);
    assert_string_equal(m->title, "Twice the input (test fixture)");
    /* the same object again is a no-op */
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_OK);
    assert_int_equal(silk_registry_count(reg), builtins + 1);

    /* another ABI version: refused on the version alone (its name is
     * NULL and its compute too: reading either would show) */
    fixture("abi2", so, sizeof so);
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_EPARSE);
    snprintf(want, sizeof want, "%s: module ABI version %d; this silkstat "
             "supports version %d (rebuild it against "
             "include/silkstat/module.h)", so, SILK_MODULE_ABI + 1,
             SILK_MODULE_ABI);
    assert_string_equal(err.message, want);

    fixture("duplicate", so, sizeof so);
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_ECONFLICT);
    snprintf(want, sizeof want, "%s: module 'net_migration_rate' is already "
             "registered (built in)", so);
    assert_string_equal(err.message, want);

    fixture("noentry", so, sizeof so);
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_EIO);
    snprintf(want, sizeof want, "%s: no function 'silkstat_module'; a "
             "module exports 'const silk_module *silkstat_module(void)'",
             so);
    assert_string_equal(err.message, want);

    fixture("missing", so, sizeof so);
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_EIO);
    snprintf(want, sizeof want, "%s: cannot load module: No such file or "
             "directory", so);
    assert_string_equal(err.message, want);

    /* a file that is not a shared object: dlopen's reason, after the so */
    const char *text = write_text("notes.so", "not an ELF file\n");
    snprintf(so, sizeof so, "%s", text);
    assert_int_equal(silk_registry_load(reg, so, &err), SILK_EIO);
    snprintf(want, sizeof want, "%s: cannot load module: ", so);
    assert_memory_equal(err.message, want, strlen(want));

    /* nothing failed half-way: still the built-ins and twice */
    assert_int_equal(silk_registry_count(reg), builtins + 1);
    silk_registry_free(reg);
}

static void test_module_path(void **state)
{
    (void)state;
    silk_registry *reg = NULL;
    silk_error err = {0};
    char list[9000], a[4200], b[4200], want[4400];
    assert_int_equal(silk_registry_alloc(&reg, &err), SILK_OK);
    size_t builtins = silk_registry_count(reg);
    /* files, and empty entries skipped */
    snprintf(list, sizeof list, "%s::%s:", fixture("fails", a, sizeof a),
             fixture("twice", b, sizeof b));
    if (silk_registry_load_path(reg, list, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(silk_registry_count(reg), builtins + 2);
    assert_string_equal(silk_registry_module(reg, builtins)->name, "fails");
    assert_string_equal(silk_registry_module(reg, builtins + 1)->name,
                        "twice");
    assert_int_equal(silk_registry_load_path(reg, NULL, &err), SILK_OK);
    silk_registry_free(reg);

    /* a folder: its *.so in name order, so abi2.so (first) stops it */
    assert_int_equal(silk_registry_alloc(&reg, &err), SILK_OK);
    assert_int_equal(silk_registry_load_path(reg, fixtures, &err),
                     SILK_EPARSE);
    snprintf(want, sizeof want, "%s/abi2.so: module ABI version", fixtures);
    assert_memory_equal(err.message, want, strlen(want));
    silk_registry_free(reg);
}

/* ------------------------------------------------------------------ */
/* Validation: one case per rule                                       */
/* ------------------------------------------------------------------ */

static void expect_invalid(const silk_module *m, const char *message)
{
    silk_error err = {0};
    assert_int_equal(silk_module_validate(m, &err), SILK_EPARSE);
    assert_string_equal(err.message, message);
}

static void test_validate(void **state)
{
    (void)state;
    silk_error err = {0};
    assert_int_equal(silk_module_validate(&probe_module, &err), SILK_OK);
    assert_int_equal(silk_module_validate(&hosted_module, &err), SILK_OK);
    assert_int_equal(silk_module_validate(&mei_module, &err), SILK_OK);

    silk_module m = probe_module;
    m.abi = 7;
    expect_invalid(&m, "module ABI version 7; this silkstat supports "
                       "version 1 (rebuild it against "
                       "include/silkstat/module.h)");
    m = probe_module;
    m.name = "Probe";
    expect_invalid(&m, "module name 'Probe' does not match [a-z][a-z0-9_]* "
                       "(at most 48 bytes)");
    m.name = "a_name_that_is_far_too_long_for_a_module_name_xyz"; /* 49 */
    expect_invalid(&m, "module name 'a_name_that_is_far_too_long_for_a_"
                       "module_name_xyz' does not match [a-z][a-z0-9_]* "
                       "(at most 48 bytes)");
    m.name = NULL;
    expect_invalid(&m, "module name '(null)' does not match [a-z][a-z0-9_]* "
                       "(at most 48 bytes)");
    m = probe_module;
    m.title = NULL;
    expect_invalid(&m, "module 'probe' has no title");
    m = probe_module;
    m.kind = (silk_module_kind)4;
    expect_invalid(&m, "module 'probe' has kind 4; expected "
                       "SILK_MODULE_COUNTRY, CORRIDOR or MATRIX");
    m = probe_module;
    m.compute = NULL;
    expect_invalid(&m, "module 'probe' has no compute function");
    m = probe_module;
    m.n_outputs = 0;
    expect_invalid(&m, "module 'probe': no outputs; expected at least one");
    m = probe_module;
    m.n_inputs = 0;
    expect_invalid(&m, "module 'probe': no inputs; expected at least one "
                       "(the axes are the inputs')");

    /* inputs */
    silk_module_input in[2] = {probe_inputs[0], probe_inputs[1]};
    m = probe_module;
    m.inputs = in;
    in[1].role = "x";
    expect_invalid(&m, "module 'probe': input role 'x' appears twice");
    in[1].role = "2y";
    expect_invalid(&m, "module 'probe': input 2: role '2y' does not match "
                       "[a-z][a-z0-9_]* (at most 32 bytes)");
    in[1].role = "y";
    in[1].indicator = "bad name";
    expect_invalid(&m, "module 'probe': input 'y': default indicator 'bad "
                       "name' is not an indicator name");

    /* parameters */
    silk_module_param p[5];
    memcpy(p, probe_params, sizeof p);
    m = probe_module;
    m.params = p;
    p[4].name = "num";
    expect_invalid(&m, "module 'probe': parameter 'num' appears twice");
    memcpy(p, probe_params, sizeof p);
    p[0].type = (silk_module_param_type)9;
    expect_invalid(&m, "module 'probe': parameter 'num' has type 9; expected "
                       "SILK_PARAM_NUMBER, INTEGER, TEXT, PERIOD or CHOICE");
    memcpy(p, probe_params, sizeof p);
    p[4].choices = NULL;
    expect_invalid(&m, "module 'probe': choice parameter 'mode' has no "
                       "choices; expected alternatives such as "
                       "\"zero|return\"");
    p[4].choices = "zero||return";
    expect_invalid(&m, "module 'probe': choice parameter 'mode' has no "
                       "choices; expected alternatives such as "
                       "\"zero|return\"");
    memcpy(p, probe_params, sizeof p);
    p[0].default_text = "1,5";
    expect_invalid(&m, "module 'probe': parameter 'num': default '1,5' is "
                       "not a valid number");
    memcpy(p, probe_params, sizeof p);
    p[0].default_text = "inf";
    expect_invalid(&m, "module 'probe': parameter 'num': default 'inf' is "
                       "not a valid number");
    memcpy(p, probe_params, sizeof p);
    p[1].default_text = "3.0";
    expect_invalid(&m, "module 'probe': parameter 'count': default '3.0' is "
                       "not a valid integer");
    memcpy(p, probe_params, sizeof p);
    p[3].default_text = "2024-13";
    expect_invalid(&m, "module 'probe': parameter 'base': default '2024-13' "
                       "is not a valid period");
    memcpy(p, probe_params, sizeof p);
    p[4].default_text = "both";
    expect_invalid(&m, "module 'probe': parameter 'mode': default 'both' is "
                       "not a valid choice: expected one of zero|return");
    memcpy(p, probe_params, sizeof p);
    p[0].default_text = NULL; /* required: valid */
    assert_int_equal(silk_module_validate(&m, &err), SILK_OK);

    /* outputs */
    silk_module_output out[3];
    memcpy(out, mei_outputs, sizeof out);
    m = mei_module;
    m.outputs = out;
    out[2].name = "mei";
    expect_invalid(&m, "module 'mei': output 'mei' appears twice");
    out[2].name = "period";
    expect_invalid(&m, "module 'mei': a matrix module's output cannot be "
                       "named 'period' (the table's period column)");
    out[2].name = "Bad";
    expect_invalid(&m, "module 'mei': output 3: name 'Bad' does not match "
                       "[a-z][a-z0-9_]*");
    out[2].name = "bad";
    out[2].units = NULL;
    expect_invalid(&m, "module 'mei': output 'bad' has no units");
    /* NAME.OUTPUT must fit an indicator name (64 bytes) */
    m = probe_module;
    m.name = "a_module_name_of_forty_eight_bytes_exactly_xxxxx";
    silk_module_output longer[2] = {probe_outputs[0],
                                    {"a_longest_output", "", "x"}};
    m.outputs = longer;
    expect_invalid(&m, "module 'a_module_name_of_forty_eight_bytes_exactly_"
                       "xxxxx': output 'a_longest_output': 'a_module_name_of_"
                       "forty_eight_bytes_exactly_xxxxx.a_longest_output' is "
                       "longer than an indicator name (64 bytes)");
    assert_int_equal(silk_module_validate(NULL, &err), SILK_EPARSE);
}

/* ------------------------------------------------------------------ */
/* Parameters                                                          */
/* ------------------------------------------------------------------ */

static void test_params(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_module_setting given[] = {
        {"mode", "return"}, {"count", "-4"}, {"num", "2e3"},
        {"label", "a b"},   {"base", "2002"},
    };
    silk_module_request req = {.module = "probe", .params = given,
                               .n_params = 5};
    silk_module_results *res = run_ok(reg, &req);
    assert_true(probe_param[0].number == 2000);
    assert_int_equal(probe_param[1].integer, -4);
    assert_true(probe_param[1].number == -4);
    assert_string_equal(probe_param[2].text, "a b");
    /* periods 2000..2003 on the axis: 2002 is index 2 */
    assert_int_equal(probe_param[3].period, 2);
    assert_int_equal(probe_param[4].integer, 1); /* zero|return */
    assert_string_equal(res->derivation->parameters,
                        "num=2e3; count=-4; label=a b; base=2002; "
                        "mode=return");
    silk_module_results_free(res);

    /* defaults: "1999" is not on the axis, and a default may miss it */
    req.n_params = 0;
    res = run_ok(reg, &req);
    assert_true(probe_param[0].number == 1.5);
    assert_int_equal(probe_param[1].integer, 3);
    assert_string_equal(probe_param[2].text, "hi there");
    assert_int_equal(probe_param[3].period, -1);
    assert_int_equal(probe_param[4].integer, 0);
    assert_string_equal(res->derivation->parameters,
                        "num=1.5 (default); count=3 (default); label=hi "
                        "there (default); base=1999 (default); mode=zero "
                        "(default)");
    silk_module_results_free(res);

    struct {
        silk_module_setting setting;
        int code;
        const char *message;
    } bad[] = {
        {{"nope", "1"}, SILK_EINVAL,
         "module 'probe' has no parameter 'nope'; its parameters: num, "
         "count, label, base, mode"},
        {{"num", "abc"}, SILK_EINVAL,
         "parameter 'num': 'abc' is not a number; expected a finite decimal "
         "number such as 2.5"},
        {{"num", "nan"}, SILK_EINVAL,
         "parameter 'num': 'nan' is not a number; expected a finite decimal "
         "number such as 2.5"},
        {{"num", ""}, SILK_EINVAL,
         "parameter 'num': '' is not a number; expected a finite decimal "
         "number such as 2.5"},
        {{"count", "2.5"}, SILK_EINVAL,
         "parameter 'count': '2.5' is not a whole number; expected an "
         "integer such as 3"},
        {{"count", "99999999999999999999"}, SILK_EINVAL,
         "parameter 'count': '99999999999999999999' is not a whole number; "
         "expected an integer such as 3"},
        {{"mode", "Zero"}, SILK_EINVAL,
         "parameter 'mode': 'Zero' is not one of zero|return"},
        {{"base", "2002-Q5"}, SILK_EINVAL,
         "parameter 'base': '2002-Q5' is not a period; expected YYYY, "
         "YYYY-Qn or YYYY-MM"},
        {{"base", "2010"}, SILK_EINVAL,
         "parameter 'base': period 2010 is not on the period axis; expected "
         "one of 2000 to 2003 (annual)"},
        {{"base", "2002-01"}, SILK_EINVAL,
         "parameter 'base': period 2002-01 is not on the period axis; "
         "expected one of 2000 to 2003 (annual)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        req.params = &bad[i].setting;
        req.n_params = 1;
        expect_error(reg, &req, bad[i].code, bad[i].message);
    }
    silk_module_setting twice_given[] = {{"num", "1"}, {"num", "2"}};
    req.params = twice_given;
    req.n_params = 2;
    expect_error(reg, &req, SILK_EINVAL, "parameter 'num' is given twice");

    /* a parameter without a default is required */
    silk_module_param required[5];
    memcpy(required, probe_params, sizeof required);
    required[1].default_text = NULL;
    silk_module req_module = probe_module;
    req_module.name = "probe_required";
    req_module.params = required;
    silk_error err = {0};
    assert_int_equal(silk_registry_add(reg, &req_module, NULL, &err),
                     SILK_OK);
    req = (silk_module_request){.module = "probe_required"};
    expect_error(reg, &req, SILK_EINVAL,
                 "module 'probe_required': parameter 'count' is required; "
                 "give it a value (--param count=integer)");

    req = (silk_module_request){.module = "no_such"};
    expect_error(reg, &req, SILK_EINVAL,
                 "unknown module 'no_such'; 'silkstat modules' lists them");
    silk_registry_free(reg);
}

/* ------------------------------------------------------------------ */
/* Axes                                                                */
/* ------------------------------------------------------------------ */

static void test_axes_union(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_module_request req = {.module = "probe"};
    silk_module_results *res = run_ok(reg, &req);
    const silk_module_axes *ax = &res->axes;
    /* origins x: AFG IRQ, y: PAK AFG -> AFG IRQ PAK; destinations x: IRN
     * PAK, y: TUR IRN -> IRN PAK TUR; periods 2000..2003 */
    expect_labels(ax->origin, ax->n_origin, "AFG,IRQ,PAK");
    expect_labels(ax->destination, ax->n_destination, "IRN,PAK,TUR");
    expect_labels(ax->period, ax->n_period, "2000,2001,2002,2003");
    assert_int_equal(ax->ordinal[0], 2000);
    assert_int_equal(ax->ordinal[3], 2003);
    assert_int_equal(ax->periods_per_year, 1);
    assert_int_equal(ax->country_level, -1);
    assert_int_equal(ax->n_country, 0);
    assert_null(ax->country);
    assert_null(ax->country_origin);
    assert_int_equal(probe_y_present, 1);
    /* x lined up: its cells where it has them, NaN elsewhere */
    assert_true(cell(res, 0, "AFG", "IRN", "2001") == 1);
    assert_true(cell(res, 0, "AFG", "IRN", "2002") == 3);
    assert_true(cell(res, 0, "IRQ", "IRN", "2003") == 7);
    assert_true(isnan(cell(res, 0, "PAK", "TUR", "2000")));
    assert_true(isnan(cell(res, 0, "AFG", "IRN", "2000")));
    assert_true(cell(res, 1, "PAK", "TUR", "2000") == 11);
    assert_true(cell(res, 1, "AFG", "IRN", "2002") == 13);
    /* flags carried: the p of x AFG->IRN 2002 */
    const silk_module_axes *a = &res->axes;
    size_t i = (0 * a->n_destination + 0) * a->n_period + 2;
    assert_int_equal(res->output[0].flags[i], SILK_FLAG('p'));
    /* x has 4 values, y 2 */
    assert_int_equal(res->output_values[0], 4);
    assert_int_equal(res->output_values[1], 2);
    assert_string_equal(res->output_name[0], "probe.x");
    assert_string_equal(res->output_name[1], "probe.y");
    assert_string_equal(res->derivation->inputs, "x=x; y=y");
    assert_string_equal(res->derivation->selection,
                        "origin=*; destination=*; from=*; to=*; where=*");
    silk_module_results_free(res);

    /* --input rebinds a role; --as renames the result */
    silk_module_setting bind[] = {{"x", "y"}, {"y", "x"}};
    req.inputs = bind;
    req.n_inputs = 2;
    req.name = "swapped";
    res = run_ok(reg, &req);
    assert_true(cell(res, 0, "PAK", "TUR", "2000") == 11);
    assert_true(cell(res, 1, "IRQ", "IRN", "2003") == 7);
    assert_string_equal(res->output_name[0], "swapped.x");
    assert_string_equal(res->derivation->inputs, "x=y; y=x");
    silk_module_results_free(res);

    /* an optional input that is not in the store */
    silk_module_setting absent_y[] = {{"y", "not_here"}};
    req = (silk_module_request){.module = "probe", .inputs = absent_y,
                                .n_inputs = 1};
    res = run_ok(reg, &req);
    assert_int_equal(probe_y_present, 0);
    expect_labels(res->axes.origin, res->axes.n_origin, "AFG,IRQ");
    assert_string_equal(res->derivation->inputs, "x=x; y=(none)");
    silk_module_results_free(res);

    /* a required input that is not */
    silk_module_setting absent_x[] = {{"x", "not_here"}};
    req.inputs = absent_x;
    char want[600];
    snprintf(want, sizeof want, "module 'probe': input 'x': no indicator "
             "'not_here' in store '%s'", store_path);
    expect_error(reg, &req, SILK_ENOTFOUND, want);
    silk_module_setting bad_role[] = {{"z", "x"}};
    req.inputs = bad_role;
    expect_error(reg, &req, SILK_EINVAL,
                 "module 'probe' has no input 'z'; its inputs: x, y");
    silk_module_setting bad_name[] = {{"x", "a b"}};
    req.inputs = bad_name;
    expect_error(reg, &req, SILK_EINVAL,
                 "input 'x': 'a b' is not an indicator name");
    /* a result may not replace its own input */
    req = (silk_module_request){.module = "probe", .name = "x"};
    silk_module m1 = probe_module; /* one output: the result is NAME */
    m1.name = "probe_one";
    m1.n_outputs = 1;
    silk_error err = {0};
    assert_int_equal(silk_registry_add(reg, &m1, NULL, &err), SILK_OK);
    req.module = "probe_one";
    expect_error(reg, &req, SILK_EINVAL,
                 "result 'x' would replace the module's own input 'x'; "
                 "choose another name");
    silk_registry_free(reg);
}

static void test_axes_selection(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_countries *table = NULL;
    silk_error err = {0};
    if (silk_countries_load("datasets/countries.csv",
                            "datasets/country-groups.csv", &table,
                            &err) != SILK_OK)
        fail_msg("%s", err.message);

    /* codes, and periods */
    silk_module_request req = {.module = "probe", .origin = "AFG",
                               .destination = "IRN", .has_from = true,
                               .from = year(2002)};
    silk_module_results *res = run_ok(reg, &req);
    expect_labels(res->axes.origin, res->axes.n_origin, "AFG");
    expect_labels(res->axes.destination, res->axes.n_destination, "IRN");
    expect_labels(res->axes.period, res->axes.n_period, "2002,2003");
    assert_true(cell(res, 0, "AFG", "IRN", "2002") == 3);
    assert_true(cell(res, 1, "AFG", "IRN", "2002") == 13);
    assert_string_equal(res->derivation->selection,
                        "origin=AFG; destination=IRN; from=2002; to=*; "
                        "where=*");
    silk_module_results_free(res);

    /* a group selects the members the inputs have; names resolve */
    req = (silk_module_request){.module = "probe", .origin = "silk5",
                                .destination = "Iran (Islamic Republic of)",
                                .countries = table, .has_to = true,
                                .to = year(2001)};
    res = run_ok(reg, &req);
    expect_labels(res->axes.origin, res->axes.n_origin, "AFG,IRQ,PAK");
    expect_labels(res->axes.destination, res->axes.n_destination, "IRN");
    expect_labels(res->axes.period, res->axes.n_period, "2000,2001");
    silk_module_results_free(res);

    /* an explicit code no input has */
    req = (silk_module_request){.module = "probe", .origin = "SYR"};
    expect_error(reg, &req, SILK_ENOTFOUND,
                 "no input (x, y) has origin 'SYR'");
    silk_module_setting only_x[] = {{"y", "not_here"}};
    req.inputs = only_x;
    req.n_inputs = 1;
    expect_error(reg, &req, SILK_ENOTFOUND,
                 "indicator 'x' has no origin 'SYR'");
    req = (silk_module_request){.module = "probe", .destination = "-"};
    expect_error(reg, &req, SILK_ENOTFOUND,
                 "no input (x, y) has destination '-'");
    req = (silk_module_request){.module = "probe", .origin = "Narnia"};
    expect_error(reg, &req, SILK_EINVAL,
                 "origin 'Narnia' is not a country code; expected ISO 3166 "
                 "alpha-3 codes such as AFG,IRN, '-' for none, or '*' for "
                 "all");
    req.countries = table;
    silk_module_results *none = NULL;
    assert_int_equal(run(reg, &req, &none, &err), SILK_EINVAL);
    assert_memory_equal(err.message, "origin: unknown country 'Narnia'",
                        strlen("origin: unknown country 'Narnia'"));

    /* empty selections: nothing to compute, an error, not a crash */
    req = (silk_module_request){.module = "probe", .has_from = true,
                                .from = year(2030)};
    expect_error(reg, &req, SILK_ETOOFEW,
                 "module 'probe': the selection leaves no period of its "
                 "inputs; nothing to compute");
    req = (silk_module_request){.module = "probe", .origin = "eu27",
                                .countries = table};
    expect_error(reg, &req, SILK_ETOOFEW,
                 "module 'probe': the selection leaves no origin of its "
                 "inputs; nothing to compute");
    /* a period of another frequency */
    req = (silk_module_request){.module = "probe", .has_to = true,
                                .to = {SILK_FREQ_MONTHLY, 2002, 3}};
    expect_error(reg, &req, SILK_EINVAL,
                 "to 2002-03 is a monthly period; the inputs are annual");
    silk_countries_free(table);
    silk_registry_free(reg);
}

/* COUNTRY modules: the country axis, its maps and country_level, and the
 * country-level values of selected destinations.  Store:
 *   flows: AFG->IRN 2020 = 100, AFG->PAK 2020 = 200, IRN->PAK 2020 = 7
 *   pop:   AFG,"" = 40, IRN,"" = 90, PAK,"" = 240 (2020) */
static void test_country_axes(void **state)
{
    (void)state;
    unlink(store_path);
    silk_batch *b = batch();
    put(b, "flows", "AFG", "IRN", year(2020), 100, 0);
    put(b, "flows", "AFG", "PAK", year(2020), 200, 0);
    put(b, "flows", "IRN", "PAK", year(2020), 7, 0);
    put(b, "pop", "AFG", "", year(2020), 40, 0);
    put(b, "pop", "IRN", "", year(2020), 90, 0);
    put(b, "pop", "PAK", "", year(2020), 240, 0);
    commit(b);
    silk_registry *reg = registry();

    silk_module_request req = {.module = "hosted"};
    silk_module_results *res = run_ok(reg, &req);
    const silk_module_axes *ax = &res->axes;
    expect_labels(ax->origin, ax->n_origin, "AFG,IRN,PAK");
    expect_labels(ax->destination, ax->n_destination, "-,IRN,PAK");
    assert_int_equal(ax->country_level, 0);
    expect_labels(ax->country, ax->n_country, "AFG,IRN,PAK");
    /* AFG: origin 0, never a destination; IRN: 1 and 1; PAK: 2 and 2 */
    assert_int_equal(ax->country_origin[0], 0);
    assert_int_equal(ax->country_destination[0], -1);
    assert_int_equal(ax->country_origin[1], 1);
    assert_int_equal(ax->country_destination[1], 1);
    assert_int_equal(ax->country_origin[2], 2);
    assert_int_equal(ax->country_destination[2], 2);
    /* hosted: AFG none (NaN), IRN 100, PAK 200 + 7 = 207 */
    assert_true(isnan(res->output[0].value[0]));
    assert_true(res->output[0].value[1] == 100);
    assert_true(res->output[0].value[2] == 207);
    assert_true(res->output[1].value[2] == 240);
    silk_module_results_free(res);

    /* --origin AFG --destination PAK: PAK's population is read (its
     * country-level cell), but PAK's and IRN's own flows are not (IRN ->
     * PAK is outside the selection): hosted PAK = 200 */
    req = (silk_module_request){.module = "hosted", .origin = "AFG",
                                .destination = "PAK"};
    res = run_ok(reg, &req);
    ax = &res->axes;
    expect_labels(ax->origin, ax->n_origin, "AFG,PAK");
    expect_labels(ax->destination, ax->n_destination, "-,PAK");
    expect_labels(ax->country, ax->n_country, "AFG,PAK");
    assert_true(res->output[0].value[1] == 200);
    assert_true(res->output[1].value[1] == 240);
    assert_true(res->output[1].value[0] == 40);
    silk_module_results_free(res);

    /* a single country, as destination only: IRN hosts 100 */
    req = (silk_module_request){.module = "hosted", .destination = "IRN"};
    res = run_ok(reg, &req);
    expect_labels(res->axes.country, res->axes.n_country, "AFG,IRN,PAK");
    /* AFG and PAK are there as origins (their population too) */
    assert_true(res->output[0].value[1] == 100);
    assert_true(isnan(res->output[0].value[2]));
    silk_module_results_free(res);

    /* a single country: AFG with its own values only.  AFG never hosts
     * (hosted NaN, never 0); its population 40 */
    req = (silk_module_request){.module = "hosted", .origin = "AFG",
                                .destination = "-"};
    res = run_ok(reg, &req);
    expect_labels(res->axes.country, res->axes.n_country, "AFG");
    expect_labels(res->axes.destination, res->axes.n_destination, "-");
    assert_int_equal(res->axes.country_destination[0], -1);
    assert_true(isnan(res->output[0].value[0]));
    assert_true(res->output[1].value[0] == 40);
    assert_int_equal(res->output_values[0], 0);
    silk_module_results_free(res);

    /* inputs that are all country-level (as net_migration_rate's): the
     * origin list alone picks the countries; no destination pulls others
     * in */
    silk_module_setting level[] = {{"flows", "pop"}};
    req = (silk_module_request){.module = "hosted", .origin = "AFG",
                                .inputs = level, .n_inputs = 1};
    res = run_ok(reg, &req);
    expect_labels(res->axes.country, res->axes.n_country, "AFG");
    assert_true(res->output[1].value[0] == 40);
    silk_module_results_free(res);

    /* a CORRIDOR module keeps "" only when the destination list allows */
    silk_module_setting bind[] = {{"x", "pop"}, {"y", "flows"}};
    req = (silk_module_request){.module = "probe", .inputs = bind,
                                .n_inputs = 2, .destination = "IRN"};
    res = run_ok(reg, &req);
    expect_labels(res->axes.destination, res->axes.n_destination, "IRN");
    assert_int_equal(res->axes.country_level, -1);
    silk_module_results_free(res);
    req.destination = "-";
    res = run_ok(reg, &req);
    expect_labels(res->axes.destination, res->axes.n_destination, "-");
    assert_int_equal(res->axes.country_level, 0);
    assert_true(cell(res, 0, "IRN", "", "2020") == 90);
    silk_module_results_free(res);
    silk_registry_free(reg);
}

static void test_frequency_mismatch(void **state)
{
    (void)state;
    unlink(store_path);
    silk_batch *b = batch();
    put(b, "x", "AFG", "IRN", year(2020), 1, 0);
    put(b, "y", "AFG", "IRN", (silk_period){SILK_FREQ_MONTHLY, 2020, 1}, 2,
        0);
    commit(b);
    silk_registry *reg = registry();
    silk_module_request req = {.module = "probe"};
    expect_error(reg, &req, SILK_ECONFLICT,
                 "module 'probe': input 'y' is monthly but 'x' is annual; "
                 "bind inputs of one frequency");
    /* monthly alone is fine: 12 periods a year */
    silk_module_setting bind[] = {{"x", "y"}, {"y", "none"}};
    req.inputs = bind;
    req.n_inputs = 2;
    silk_module_results *res = run_ok(reg, &req);
    assert_int_equal(res->axes.periods_per_year, 12);
    expect_labels(res->axes.period, res->axes.n_period, "2020-01");
    assert_int_equal(res->axes.ordinal[0], 2020 * 12);
    silk_module_results_free(res);
    silk_registry_free(reg);
}

/* An input split by categories is summed over --where's. */
static void test_where(void **state)
{
    (void)state;
    unlink(store_path);
    silk_batch *b = batch();
    silk_error err = {0};
    const char *columns[] = {"dec_level"};
    const char *fi[] = {"FI"}, *ar[] = {"AR"};
    assert_int_equal(silk_batch_set_categories(b, "x", columns, 1, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put_category(b, "x", "AFG", "DEU", fi,
                                             year(2024), 10, 0, "persons",
                                             NULL, 0, 2, 0, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put_category(b, "x", "AFG", "DEU", ar,
                                             year(2024), 5, 0, "persons",
                                             NULL, 0, 3, 0, &err),
                     SILK_OK);
    put(b, "y", "AFG", "DEU", year(2024), 1, 0);
    commit(b);
    silk_registry *reg = registry();
    silk_module_request req = {.module = "probe"};
    silk_module_results *res = run_ok(reg, &req);
    assert_true(cell(res, 0, "AFG", "DEU", "2024") == 15); /* 10 + 5 */
    silk_module_results_free(res);
    const char *values[] = {"FI"};
    silk_where where = {"dec_level", values, 1};
    req.where = &where;
    req.n_where = 1;
    res = run_ok(reg, &req);
    assert_true(cell(res, 0, "AFG", "DEU", "2024") == 10);
    assert_true(cell(res, 1, "AFG", "DEU", "2024") == 1); /* y as it is */
    assert_string_equal(res->derivation->selection,
                        "origin=*; destination=*; from=*; to=*; "
                        "where=dec_level=FI");
    silk_module_results_free(res);
    silk_where unknown = {"app_type", values, 1};
    req.where = &unknown;
    silk_module_results *none = NULL;
    assert_int_equal(run(reg, &req, &none, &err), SILK_EINVAL);
    assert_memory_equal(err.message, "module 'probe': input 'x': ",
                        strlen("module 'probe': input 'x': "));
    silk_module_setting plain[] = {{"x", "y"}, {"y", "none"}};
    req.inputs = plain;
    req.n_inputs = 2;
    req.where = &where;
    expect_error(reg, &req, SILK_EINVAL,
                 "--where 'dec_level': no input of module 'probe' is split "
                 "by categorical columns");
    silk_registry_free(reg);
}

static void test_compute_failure(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_module m = probe_module;
    m.name = "failing";
    m.compute = failing;
    silk_error err = {0};
    assert_int_equal(silk_registry_add(reg, &m, NULL, &err), SILK_OK);
    silk_module_request req = {.module = "failing"};
    expect_error(reg, &req, SILK_ENUMERIC, "module failing: needs two "
                                           "countries");
    /* the shared-object fixture: its trailing newline is dropped */
    char so[4200];
    assert_int_equal(silk_registry_load(reg, fixture("fails", so,
                                                     sizeof so), &err),
                     SILK_OK);
    req.module = "fails";
    expect_error(reg, &req, SILK_ENUMERIC,
                 "module fails: denominator is zero everywhere");
    silk_registry_free(reg);
}

/* ------------------------------------------------------------------ */
/* Results in the store                                                */
/* ------------------------------------------------------------------ */

static silk_cube *read_cube(const char *name)
{
    silk_store *s = NULL;
    silk_cube *cube = NULL;
    silk_error err = {0};
    if (silk_store_open(store_path, &s, &err) != SILK_OK ||
        silk_store_read(s, name, &cube, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_store_close(s);
    return cube;
}

static double value_at(const silk_cube *c, const char *o, const char *d,
                       int y)
{
    size_t io = silk_cube_find_origin(c, o), id = silk_cube_find_destination(c, d);
    size_t ip = silk_cube_find_period(c, year(y));
    if (io == (size_t)-1 || id == (size_t)-1 || ip == (size_t)-1)
        return NAN;
    return c->value[silk_cube_index(c, io, id, ip)];
}

static void test_commit_replaces(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_error err = {0};
    char so[4200];
    assert_int_equal(silk_registry_load(reg, fixture("twice", so,
                                                     sizeof so), &err),
                     SILK_OK);
    /* twice: 2 x on every cell of x: AFG->IRN 2001 2, 2002 6 (p);
     * AFG->PAK 2001 10; IRQ->IRN 2003 14 */
    silk_module_request req = {.module = "twice"};
    silk_module_results *res = run_ok(reg, &req);
    assert_int_equal(res->output_values[0], 4);
    if (silk_module_commit(store_path, res, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_module_results_free(res);
    silk_cube *c = read_cube("twice");
    assert_true(value_at(c, "AFG", "IRN", 2001) == 2);
    assert_true(value_at(c, "AFG", "IRN", 2002) == 6);
    assert_true(value_at(c, "AFG", "PAK", 2001) == 10);
    assert_true(value_at(c, "IRQ", "IRN", 2003) == 14);
    assert_int_equal(c->flags[silk_cube_index(c, 0, 0, 1)], SILK_FLAG('p'));
    assert_string_equal(c->unit, "persons");
    assert_string_equal(c->source, "computed by module twice 1.0");
    assert_non_null(c->derivation);
    assert_string_equal(c->derivation->module, "twice");
    assert_string_equal(c->derivation->module_version, "1.0");
    assert_string_equal(c->derivation->parameters, "factor=2 (default)");
    assert_string_equal(c->derivation->inputs, "x=x");
    assert_string_equal(c->derivation->silkstat_version, SILK_VERSION);
    assert_int_equal(strlen(c->derivation->created), 20);
    /* x came from no file (a test batch): said, not left blank */
    assert_string_equal(c->derivation->input_provenance,
                        "x: no provenance record");
    silk_cube_free(c);

    /* a recompute on IRQ alone with factor 3 replaces it whole:
     * IRQ->IRN 2003 = 21, and AFG is gone */
    silk_module_setting factor[] = {{"factor", "3"}};
    req = (silk_module_request){.module = "twice", .origin = "IRQ",
                                .params = factor, .n_params = 1};
    res = run_ok(reg, &req);
    assert_int_equal(silk_module_commit(store_path, res, &err), SILK_OK);
    silk_module_results_free(res);
    c = read_cube("twice");
    assert_int_equal(c->n_origin, 1);
    assert_string_equal(c->origin[0], "IRQ");
    assert_int_equal(c->n_destination, 1);
    assert_int_equal(c->n_period, 1);
    assert_true(value_at(c, "IRQ", "IRN", 2003) == 21);
    assert_string_equal(c->derivation->parameters, "factor=3");
    assert_string_equal(c->derivation->selection,
                        "origin=IRQ; destination=*; from=*; to=*; where=*");
    silk_cube_free(c);

    /* an ingest of other data keeps the record (and the values) */
    silk_batch *b = batch();
    put(b, "other", "BGD", "IND", year(2020), 1, 0);
    commit(b);
    c = read_cube("twice");
    assert_non_null(c->derivation);
    assert_string_equal(c->derivation->parameters, "factor=3");
    assert_true(value_at(c, "IRQ", "IRN", 2003) == 21);
    silk_cube_free(c);

    /* a derived input's provenance is its derivation */
    silk_module_setting from_twice[] = {{"x", "twice"}};
    req = (silk_module_request){.module = "twice", .inputs = from_twice,
                                .n_inputs = 1, .name = "four_times"};
    res = run_ok(reg, &req);
    const char *prefix = "twice: module twice 1.0 at ";
    assert_memory_equal(res->derivation->input_provenance, prefix,
                        strlen(prefix));
    assert_non_null(strstr(res->derivation->input_provenance,
                           " from x=x [x: no provenance record]"));
    assert_true(cell(res, 0, "IRQ", "IRN", "2003") == 42);
    silk_module_results_free(res);

    /* an ingested indicator is never replaced */
    req = (silk_module_request){.module = "twice", .name = "other"};
    res = run_ok(reg, &req);
    assert_int_equal(silk_module_commit(store_path, res, &err),
                     SILK_ECONFLICT);
    char want[600];
    snprintf(want, sizeof want, "indicator 'other' of store '%s' was "
             "ingested, not computed by a module; it is not replaced "
             "(choose another name)", store_path);
    assert_string_equal(err.message, want);
    silk_module_results_free(res);
    c = read_cube("other");
    assert_null(c->derivation);
    assert_true(value_at(c, "BGD", "IND", 2020) == 1);
    silk_cube_free(c);
    silk_registry_free(reg);
}

/* An output with no value this time is removed, not left stale: probe
 * with y, then without (an optional input bound to nothing). */
static void test_empty_output_removed(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_error err = {0};
    silk_module_request req = {.module = "probe"};
    silk_module_results *res = run_ok(reg, &req);
    assert_int_equal(silk_module_commit(store_path, res, &err), SILK_OK);
    silk_module_results_free(res);
    silk_cube *c = read_cube("probe.y");
    assert_true(value_at(c, "PAK", "TUR", 2000) == 11);
    silk_cube_free(c);
    silk_module_setting none[] = {{"y", "not_here"}};
    req.inputs = none;
    req.n_inputs = 1;
    res = run_ok(reg, &req);
    assert_int_equal(res->output_values[1], 0);
    assert_int_equal(silk_module_commit(store_path, res, &err), SILK_OK);
    silk_module_results_free(res);
    silk_store *s = NULL;
    assert_int_equal(silk_store_open(store_path, &s, &err), SILK_OK);
    silk_cube *gone = NULL;
    assert_int_equal(silk_store_read(s, "probe.y", &gone, &err),
                     SILK_ENOTFOUND);
    assert_int_equal(silk_store_indicator_count(s), 3); /* probe.x x y */
    silk_store_close(s);
    silk_registry_free(reg);
}

/* METHODS.md reference value 6: M = [[0,100,30,70],[50,0,45,5],
 * [60,35,0,40],[20,25,20,0]] (rows A..D = origin; here AFG BGD IRN IRQ):
 * out 200 100 135 65, in 130 160 95 115, MEI = 22.  Total 500.  2021
 * holds 2M: MEI unchanged, total 1000. */
static void test_matrix_table(void **state)
{
    (void)state;
    static const char *codes[] = {"AFG", "BGD", "IRN", "IRQ"};
    static const double m[4][4] = {{0, 100, 30, 70},
                                   {50, 0, 45, 5},
                                   {60, 35, 0, 40},
                                   {20, 25, 20, 0}};
    unlink(store_path);
    silk_batch *b = batch();
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            if (i != j) {
                put(b, "m", codes[i], codes[j], year(2020), m[i][j], 0);
                put(b, "m", codes[i], codes[j], year(2021), 2 * m[i][j], 0);
            }
    commit(b);
    silk_registry *reg = registry();
    silk_module_request req = {.module = "mei"};
    silk_module_results *res = run_ok(reg, &req);
    assert_int_equal(res->output_values[0], 2);
    assert_int_equal(res->output_values[2], 0); /* inf became NaN */
    assert_true(isnan(res->output[2].value[0]));
    silk_error err = {0};
    if (silk_module_commit(store_path, res, &err) != SILK_OK)
        fail_msg("%s", err.message);
    silk_module_results_free(res);

    silk_store *s = NULL;
    silk_table *t = NULL;
    assert_int_equal(silk_store_open(store_path, &s, &err), SILK_OK);
    assert_int_equal(silk_store_read_table(s, "mei", &t, &err), SILK_OK);
    silk_store_close(s);
    assert_string_equal(t->kind, "module");
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->n_columns, 4);
    assert_string_equal(t->columns[0].name, "period");
    assert_string_equal(t->columns[0].string[0], "2020");
    assert_string_equal(t->columns[0].string[1], "2021");
    assert_string_equal(t->columns[1].name, "mei");
    assert_float_equal(t->columns[1].number[0], 22.0, 1e-12);
    assert_float_equal(t->columns[1].number[1], 22.0, 1e-12);
    assert_string_equal(t->columns[2].name, "total");
    assert_true(t->columns[2].number[0] == 500);
    assert_true(t->columns[2].number[1] == 1000);
    assert_true(isnan(t->columns[3].number[0]));
    assert_string_equal(t->parameters, "module mei 0.1; origin=*; "
                                       "destination=*; from=*; to=*; "
                                       "where=*");
    assert_string_equal(t->inputs, "flows=m; m: no provenance record");
    silk_table_free(t);

    /* the diagonal was never stored: AFG is no destination of AFG's,
     * but as the destination list names it, it must be on the axis */
    silk_module_setting bind[] = {{"x", "m"}, {"y", "none"}};
    req = (silk_module_request){.module = "probe", .inputs = bind,
                                .n_inputs = 2, .origin = "AFG",
                                .destination = "AFG,SYR"};
    expect_error(reg, &req, SILK_ENOTFOUND,
                 "indicator 'm' has no destination 'SYR'");
    silk_registry_free(reg);
}

static int compute_nothing(silk_module_call *call)
{
    (void)call; /* every output stays NaN */
    return 0;
}

/* A module that computes no value writes nothing: an empty result
 * would only erase an earlier one. */
static void test_empty_result_not_written(void **state)
{
    (void)state;
    small_store();
    silk_registry *reg = registry();
    silk_module m = probe_module;
    m.name = "nothing";
    m.compute = compute_nothing;
    silk_error err = {0};
    assert_int_equal(silk_registry_add(reg, &m, NULL, &err), SILK_OK);
    silk_module_request req = {.module = "nothing"};
    silk_module_results *res = run_ok(reg, &req);
    assert_int_equal(res->output_values[0], 0);
    assert_int_equal(res->output_values[1], 0);
    assert_int_equal(silk_module_commit(store_path, res, &err), SILK_ETOOFEW);
    assert_string_equal(err.message, "module nothing computed no value in "
                                     "the selection; nothing was written");
    silk_module_results_free(res);
    silk_store *s = NULL;
    assert_int_equal(silk_store_open(store_path, &s, &err), SILK_OK);
    assert_int_equal(silk_store_indicator_count(s), 2); /* x and y */
    silk_store_close(s);
    silk_registry_free(reg);
}

/* silk_cube_merge carries the derivation record. */
static void test_merge_carries_derivation(void **state)
{
    (void)state;
    silk_error err = {0};
    const char *o[] = {"AFG"}, *d[] = {"IRN"};
    silk_period p[] = {year(2020)};
    silk_cube *base = NULL, *update = NULL, *merged = NULL;
    assert_int_equal(silk_cube_alloc("x", SILK_FREQ_ANNUAL, o, 1, d, 1, p, 1,
                                     false, &base, &err), SILK_OK);
    assert_int_equal(silk_cube_alloc("x", SILK_FREQ_ANNUAL, o, 1, d, 1, p, 1,
                                     true, &update, &err), SILK_OK);
    silk_derivation rec = {.module = "m", .module_version = "1",
                           .parameters = NULL, .selection = "s"};
    assert_int_equal(silk_derivation_copy(&rec, &base->derivation, &err),
                     SILK_OK);
    assert_string_equal(base->derivation->parameters, ""); /* NULL -> "" */
    assert_int_equal(silk_cube_merge(base, update, &merged, &err), SILK_OK);
    assert_non_null(merged->derivation);
    assert_string_equal(merged->derivation->module, "m");
    assert_string_equal(merged->derivation->selection, "s");
    silk_cube_free(merged);
    /* a new indicator (no base) keeps update's */
    assert_int_equal(silk_cube_merge(NULL, base, &merged, &err), SILK_OK);
    assert_string_equal(merged->derivation->module, "m");
    silk_cube_free(merged);
    silk_cube_free(base);
    silk_cube_free(update);
    silk_derivation_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_once),
        cmocka_unit_test(test_duplicates_refused),
        cmocka_unit_test(test_load_shared_objects),
        cmocka_unit_test(test_module_path),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_axes_union),
        cmocka_unit_test(test_axes_selection),
        cmocka_unit_test(test_country_axes),
        cmocka_unit_test(test_frequency_mismatch),
        cmocka_unit_test(test_where),
        cmocka_unit_test(test_compute_failure),
        cmocka_unit_test(test_commit_replaces),
        cmocka_unit_test(test_empty_output_removed),
        cmocka_unit_test(test_matrix_table),
        cmocka_unit_test(test_empty_result_not_written),
        cmocka_unit_test(test_merge_carries_derivation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
