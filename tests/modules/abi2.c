/*
 * abi2.c: test fixture, a module built for another ABI version
 * (SILK_MODULE_ABI + 1): silkstat must refuse it after reading the
 * version alone.  The other members are deliberately invalid (no name, no
 * compute) so that reading any of them would show in the message.
 */
#include <stddef.h>

#include "silkstat/module.h"

static const silk_module module = {
    .abi = SILK_MODULE_ABI + 1,
    .name = NULL,
    .compute = NULL,
};

const silk_module *silkstat_module(void)
{
    return &module;
}
