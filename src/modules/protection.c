/*
 * protection.c: recognition rates of asylum decisions, UNHCR's and
 * Eurostat's (reference/METHODS.md, "Migration indicators").
 *
 * Both are CORRIDOR modules: a rate per (origin, destination, period)
 * cell, from the decision counts of that same cell.  A rate for an origin
 * over all countries of asylum is the rate of the summed counts, never
 * the mean of the corridors' rates: select the destinations and let
 * silkstat sum them before the call.  Rules, cited by the tests:
 *   P1. a missing count in a cell gives NaN in that cell, never a rate
 *       computed as if it were 0;
 *   P2. a denominator of 0 (no decision counted) gives NaN;
 *   P3. a negative count (not a count) gives NaN;
 *   P4. results are in %, and carry the OR of the counts' flags.
 * UNHCR publishes counts of 1 to 4 as 5: rates of small corridors are
 * rough, and the tests keep to the published numbers as they are.
 */
#include <math.h>
#include <stddef.h>

#include "modules/builtin.h"
#include "modules/common.h"

/* 100 * part / whole, NaN for a whole that is not a positive number
 * (P2; a NaN whole is also caught here). */
static double percent(double part, double whole)
{
    return whole > 0.0 ? 100.0 * part / whole : NAN;
}

/* The value of input in at cell i for a count: NaN when missing or
 * negative (P1, P3); ORs its flags into *flags. */
static double count(const silk_module_array *in, size_t i, uint32_t *flags)
{
    double x = in->value[i];
    if (!(x >= 0.0))
        return NAN;
    *flags |= silk_mod_flags(in, i);
    return x;
}

static size_t cells(const silk_module_axes *axes)
{
    return axes->n_origin * axes->n_destination * axes->n_period;
}

/* ---- recognition_rate ---- */

static int recognition_rate(silk_module_call *call)
{
    const silk_module_array *recognized = &call->input[0];
    const silk_module_array *complementary = &call->input[1];
    const silk_module_array *rejected = &call->input[2];

    for (size_t i = 0; i < cells(call->axes); i++) {
        uint32_t flags = 0;
        double rec = count(recognized, i, &flags);
        double comp = count(complementary, i, &flags);
        double rej = count(rejected, i, &flags);
        /* UNHCR leaves "otherwise closed" decisions (no decision on the
         * merits) out of the denominator, so dec_total is the wrong one. */
        double merits = rec + comp + rej;
        silk_mod_put(&call->output[0], i, percent(rec, merits), flags);
        silk_mod_put(&call->output[1], i, percent(rec + comp, merits),
                     flags);
    }
    return 0;
}

static const silk_module_input recognition_rate_inputs[] = {
    {"recognized", "dec_recognized",
     "decisions granting Convention refugee status, persons or cases", 0},
    {"complementary", "dec_other",
     "decisions granting complementary protection, same units", 0},
    {"rejected", "dec_rejected", "rejections on the merits, same units", 0},
};

static const silk_module_output recognition_rate_outputs[] = {
    {"refugee_rate", "%",
     "Refugee Recognition Rate: recognized over substantive decisions"},
    {"total_rate", "%",
     "Total Recognition Rate: recognized plus complementary over "
     "substantive decisions"},
};

static const silk_module recognition_rate_module = {
    .abi = SILK_MODULE_ABI,
    .name = "recognition_rate",
    .version = "1.0",
    .title = "UNHCR refugee and total recognition rates",
    .description =
        "refugee_rate = 100 * recognized / (recognized + complementary + "
        "rejected); total_rate = 100 * (recognized + complementary) / (the "
        "same denominator), per origin, country of asylum and period.  "
        "Otherwise closed decisions are not in the denominator (UNHCR's "
        "definition), so dec_total must not be used.  (1) A missing count "
        "gives NaN.  (2) No substantive decision (denominator 0) gives "
        "NaN.  (3) A negative count gives NaN.  For an origin's rate over "
        "all countries of asylum, select them: the rate is then of the "
        "summed counts, not a mean of rates.  Keep persons (dec_pc=P) and "
        "cases (C) apart with --where dec_pc=P; UNHCR publishes counts of "
        "1 to 4 as 5, so rates of small corridors are rough.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = recognition_rate_inputs,
    .n_inputs = 3,
    .params = NULL,
    .n_params = 0,
    .outputs = recognition_rate_outputs,
    .n_outputs = 2,
    .compute = recognition_rate,
};

/* ---- first_instance_rate ---- */

static int first_instance_rate(silk_module_call *call)
{
    const silk_module_array *positive = &call->input[0];
    const silk_module_array *negative = &call->input[1];
    const silk_module_array *other = &call->input[2];

    for (size_t i = 0; i < cells(call->axes); i++) {
        uint32_t flags = 0;
        double pos = count(positive, i, &flags);
        /* the optional second positive count, when bound, is needed in
         * every cell: a missing one would understate the rate (P1) */
        if (other->present)
            pos += count(other, i, &flags);
        double neg = count(negative, i, &flags);
        silk_mod_put(&call->output[0], i, percent(pos, pos + neg), flags);
    }
    return 0;
}

static const silk_module_input first_instance_rate_inputs[] = {
    {"positive", NULL,
     "positive decisions of one stage, persons (Eurostat: total "
     "positive; UNHCR: dec_recognized)",
     0},
    {"negative", NULL,
     "negative decisions of the same stage, same units (Eurostat: "
     "rejected; UNHCR: dec_rejected)",
     0},
    {"positive_other", NULL,
     "optional: more positive decisions added to positive (UNHCR: "
     "dec_other, complementary protection)",
     1},
};

static const silk_module_output first_instance_rate_outputs[] = {
    {"rate", "%", "positive decisions over positive plus negative ones"},
};

static const silk_module first_instance_rate_module = {
    .abi = SILK_MODULE_ABI,
    .name = "first_instance_rate",
    .version = "1.0",
    .title = "Recognition rate of one decision stage (Eurostat)",
    .description =
        "rate = 100 * positive / (positive + negative), where positive is "
        "the positive input plus positive_other when that optional input "
        "is bound; per origin, destination and period, and per stage: the "
        "counts must all come from one stage (first instance or final), "
        "never from both.  With Eurostat data bind the first-instance (or "
        "final) tables; with UNHCR data select one stage with --where "
        "dec_level=FI and bind positive=dec_recognized, "
        "positive_other=dec_other, negative=dec_rejected.  (1) A missing "
        "count, including a missing positive_other when it is bound, gives "
        "NaN.  (2) No decision (denominator 0) gives NaN.  (3) A negative "
        "count gives NaN.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = first_instance_rate_inputs,
    .n_inputs = 3,
    .params = NULL,
    .n_params = 0,
    .outputs = first_instance_rate_outputs,
    .n_outputs = 1,
    .compute = first_instance_rate,
};

const silk_module *const silk_builtin_protection[] = {
    &recognition_rate_module,
    &first_instance_rate_module,
};
const size_t silk_builtin_protection_count =
    sizeof silk_builtin_protection / sizeof silk_builtin_protection[0];
