/*
 * duplicate.c: test fixture, a valid module whose name is a built-in's
 * (net_migration_rate, src/modules/rates.c): loading it must fail with
 * the file named.
 */
#include <stddef.h>

#include "silkstat/module.h"

static int nothing(silk_module_call *call)
{
    (void)call;
    return 0;
}

static const silk_module_input inputs[] = {
    {"x", "x", "any count", 0},
};

static const silk_module_output outputs[] = {
    {"value", "", "nothing"},
};

static const silk_module module = {
    .abi = SILK_MODULE_ABI,
    .name = "net_migration_rate",
    .version = "0.1",
    .title = "A second net migration rate (test fixture)",
    .description = "Leaves every value missing.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = inputs,
    .n_inputs = 1,
    .outputs = outputs,
    .n_outputs = 1,
    .compute = nothing,
};

const silk_module *silkstat_module(void)
{
    return &module;
}
