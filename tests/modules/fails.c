/*
 * fails.c: test fixture, a module whose compute fails with a message:
 * silkstat must report "module fails: denominator is zero everywhere" and
 * write nothing.
 */
#include <stdio.h>

#include "silkstat/module.h"

static int fails(silk_module_call *call)
{
    /* a trailing newline, which silkstat must not pass on */
    snprintf(call->message, call->message_size,
             "denominator is zero everywhere\n");
    return 1;
}

static const silk_module_input inputs[] = {
    {"x", "x", "any count", 0},
};

static const silk_module_output outputs[] = {
    {"value", "%", "never computed"},
};

static const silk_module module = {
    .abi = SILK_MODULE_ABI,
    .name = "fails",
    .version = "1.0",
    .title = "Always fails (test fixture)",
    .description = "Returns an error on every call.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = inputs,
    .n_inputs = 1,
    .outputs = outputs,
    .n_outputs = 1,
    .compute = fails,
};

const silk_module *silkstat_module(void)
{
    return &module;
}
