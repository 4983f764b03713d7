/*
 * twice.c: test fixture, a good out-of-tree module with a formula a test
 * can check by hand: value = factor * x (factor defaults to 2) on every
 * corridor, the input's flags carried.  Built by the Makefile into
 * BUILD/tests/modules/twice.so exactly as a researcher builds a module.
 */
#include <math.h>
#include <stddef.h>

#include "silkstat/module.h"

static int twice(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *x = &call->input[0];
    double factor = call->param[0].number;
    size_t n = axes->n_origin * axes->n_destination * axes->n_period;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x->value[i])) {
            call->output[0].value[i] = factor * x->value[i];
            call->output[0].flags[i] = x->flags[i];
        }
    return 0;
}

static const silk_module_input inputs[] = {
    {"x", "x", "any count", 0},
};

static const silk_module_param params[] = {
    {"factor", SILK_PARAM_NUMBER, "2", NULL, "the multiplier"},
};

static const silk_module_output outputs[] = {
    {"value", "persons", "factor times x"},
};

static const silk_module module = {
    .abi = SILK_MODULE_ABI,
    .name = "twice",
    .version = "1.0",
    .title = "Twice the input (test fixture)",
    .description = "value = factor * x; a missing x gives NaN.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = inputs,
    .n_inputs = 1,
    .params = params,
    .n_params = 1,
    .outputs = outputs,
    .n_outputs = 1,
    .compute = twice,
};

const silk_module *silkstat_module(void)
{
    return &module;
}
