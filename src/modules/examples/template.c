/*
 * template.c: a complete indicator module to copy and edit.
 *
 * It computes, for every corridor (origin -> destination) and period,
 *
 *     ratio = scale * numerator / denominator
 *
 * from two indicators of the store.  Copy this file, rename the module,
 * change the descriptor and the compute function, and build it with only
 * this header and the C library:
 *
 *     cc -std=c11 -Wall -Wextra -shared -fPIC -Iinclude \
 *        -o my_ratio.so my_ratio.c
 *     silkstat modules --module ./my_ratio.so my_ratio
 *     silkstat compute --module ./my_ratio.so my_ratio --origin silk5
 *
 * Rules the module keeps (number them so its tests can cite them):
 *   R1. a missing numerator or denominator gives a missing result (NaN),
 *       never 0;
 *   R2. a denominator of 0 gives NaN (no infinity reaches the store);
 *   R3. the result carries the flags of both cells (provisional,
 *       estimated, redacted...).
 * And the rules of every module (include/silkstat/module.h): compute never
 * aborts, exits or prints; it reads only its inputs and parameters and
 * writes only its outputs; it keeps no state between calls.
 */
#include <math.h>   /* isnan, NAN */
#include <stddef.h> /* size_t */
#include <stdio.h>  /* snprintf, for call->message */

#include "silkstat/module.h"

/* The compute function: silkstat calls it once per run, with every input
 * already on the same axes and every output filled with NaN and 0 flags.
 * Return 0, or non-zero with a one-line reason in call->message (silkstat
 * then reports "module NAME: <reason>" and writes nothing). */
static int template_ratio(silk_module_call *call)
{
    /* The axes every input and output shares: n_origin x n_destination x
     * n_period, codes and period labels sorted. */
    const silk_module_axes *axes = call->axes;
    /* Inputs in the descriptor's order: input[0] is "numerator". */
    const silk_module_array *numerator = &call->input[0];
    const silk_module_array *denominator = &call->input[1];
    /* Parameters in the descriptor's order, converted by silkstat:
     * a NUMBER's value is in .number. */
    double scale = call->param[0].number;
    /* The one output, [n_origin][n_destination][n_period]. */
    silk_module_result *out = &call->output[0];

    /* A check that fails the run: say why in one line. */
    if (scale == 0.0) {
        snprintf(call->message, call->message_size,
                 "scale is 0; every ratio would be 0");
        return 1;
    }
    /* Every cell, in C order: origin, then destination, then period; cell
     * (o, d, p) is at (o * n_destination + d) * n_period + p in every
     * input and in the output (a COUNTRY module's outputs are
     * [n_country][n_period] instead: c * n_period + p). */
    for (size_t o = 0; o < axes->n_origin; o++) {
        /* One corridor: origin o to destination d (destination "" at
         * index axes->country_level holds country-level values, e.g.
         * population; it is a corridor like the others here). */
        for (size_t d = 0; d < axes->n_destination; d++) {
            /* One period: labels in axes->period[p], consecutive
             * periods differ by 1 in axes->ordinal[p]. */
            for (size_t p = 0; p < axes->n_period; p++) {
                size_t i = (o * axes->n_destination + d) * axes->n_period + p;
                double top = numerator->value[i];
                double bottom = denominator->value[i];
                /* R1: missing in, missing out (the output is NaN
                 * already: leave it). */
                if (isnan(top) || isnan(bottom))
                    continue;
                /* R2: no ratio over 0. */
                if (bottom == 0.0)
                    continue;
                out->value[i] = scale * top / bottom;
                /* R3: the flags of every cell the result comes from. */
                out->flags[i] = numerator->flags[i] | denominator->flags[i];
            }
        }
    }
    return 0;
}

/* The inputs: one role each, bound by default to an indicator of the
 * store; the user rebinds one with --input ROLE=INDICATOR. */
static const silk_module_input inputs[] = {
    {
        /* role: [a-z][a-z0-9_]*, how --input names it */
        .role = "numerator",
        /* the indicator bound by default, as ingested; NULL makes
         * --input numerator=... required */
        .indicator = "asylum_seekers",
        /* one line for `silkstat modules`: what it must hold, units */
        .description = "the count on top, persons",
        /* 0: the indicator must be in the store; non-zero: it may be
         * missing, and the module then sees present == 0 and NULL
         * arrays */
        .optional = 0,
    },
    {
        .role = "denominator",
        .indicator = "refugees",
        .description = "the count below, persons, on the same corridors",
        .optional = 0,
    },
};

/* The parameters, set with --param NAME=VALUE. */
static const silk_module_param params[] = {
    {
        /* name: [a-z][a-z0-9_]*, at most 32 bytes */
        .name = "scale",
        /* NUMBER, INTEGER, TEXT, PERIOD or CHOICE: silkstat checks and
         * converts the text before compute runs */
        .type = SILK_PARAM_NUMBER,
        /* the default as the user would type it; NULL makes the
         * parameter required */
        .default_text = "100",
        /* CHOICE only: the alternatives, "a|b|c"; NULL otherwise */
        .choices = NULL,
        /* one line for `silkstat modules` */
        .description = "the result per this many of the denominator (100: "
                       "a percentage)",
    },
};

/* The outputs.  With one, the result is the indicator NAME (the module's
 * name, or --as NAME); with several, NAME.OUTPUT each. */
static const silk_module_output outputs[] = {
    {
        /* name: [a-z][a-z0-9_]* */
        .name = "ratio",
        /* stored as the indicator's units */
        .units = "%",
        /* one line for `silkstat modules` */
        .description = "scale * numerator / denominator",
    },
};

/* The descriptor: everything silkstat needs to know about the module. */
static const silk_module module = {
    /* must stay first: silkstat reads it before anything else and
     * refuses a module built against another version of the header */
    .abi = SILK_MODULE_ABI,
    /* [a-z][a-z0-9_]*, at most 48 bytes, unique among all modules: the
     * name `silkstat compute` takes and the default result name */
    .name = "template_ratio",
    /* the module's own version, stored with every result it makes */
    .version = "1.0",
    /* one line */
    .title = "Ratio of two indicators per corridor (template)",
    /* a paragraph: the formula and the rules for missing values and
     * zero denominators */
    .description = "ratio = scale * numerator / denominator for each "
                   "corridor and period.  (1) A missing numerator or "
                   "denominator gives NaN.  (2) A denominator of 0 gives "
                   "NaN.  (3) The result carries the flags of both cells.",
    /* COUNTRY (one series per country), CORRIDOR (per origin and
     * destination) or MATRIX (one figure per period, stored as a table) */
    .kind = SILK_MODULE_CORRIDOR,
    /* the inputs above and their count */
    .inputs = inputs,
    .n_inputs = sizeof inputs / sizeof inputs[0],
    /* the parameters above and their count (NULL and 0 for none) */
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    /* the outputs above and their count (at least 1) */
    .outputs = outputs,
    .n_outputs = sizeof outputs / sizeof outputs[0],
    /* the function that computes the outputs */
    .compute = template_ratio,
};

/* The one symbol silkstat looks up (SILK_MODULE_ENTRY): it returns the
 * descriptor, which lives as long as the shared object is loaded. */
const silk_module *silkstat_module(void)
{
    return &module;
}
