/*
 * asylum_share.c: a worked example of an indicator module for the Silk
 * Routes data.  For each corridor (origin -> country of asylum) and year:
 *
 *     share = 100 * asylum_seekers / (refugees + asylum_seekers)
 *
 * the share of people still waiting for a decision among all those the
 * country hosts from that origin, refugees and asylum-seekers together
 * (UNHCR end-of-year stocks).  A high share means a backlog: 76-97% of
 * the Afghans hosted by Türkiye in 2020-2025 were asylum-seekers, 13-22%
 * of those in Germany, and at most 3% of those in Pakistan until 2023,
 * where most are recognised prima facie.
 *
 * Rules (cited by tests/cli/modules.sh):
 *   R1. a missing refugee or asylum-seeker figure gives a missing share,
 *       never a share computed as if it were 0 (UNHCR leaves a corridor
 *       out where it has no figure, which is not a count of zero);
 *   R2. refugees + asylum-seekers = 0 gives a missing share;
 *   R3. a negative count (never in UNHCR's data) gives a missing share;
 *   R4. the share carries the flags of both cells (the `*` of a redacted
 *       small number, a provisional `p`).
 *
 * Build and run on the bundled store (`make run` builds build/main.h5):
 *     make examples
 *     build/silkstat compute --module build/examples/asylum_share.so \
 *         asylum_share --origin AFG --store build/main.h5
 *     build/silkstat series --store build/main.h5 --indicator asylum_share \
 *         --origin AFG --destination DEU
 */
#include <math.h>
#include <stddef.h>

#include "silkstat/module.h"

static int asylum_share(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *refugees = &call->input[0];
    const silk_module_array *seekers = &call->input[1];
    silk_module_result *share = &call->output[0];
    size_t n = axes->n_origin * axes->n_destination * axes->n_period;

    /* Every cell: both inputs and the output share one layout. */
    for (size_t i = 0; i < n; i++) {
        double r = refugees->value[i], a = seekers->value[i];
        if (isnan(r) || isnan(a))   /* R1 */
            continue;
        if (r < 0.0 || a < 0.0)     /* R3 */
            continue;
        if (r + a == 0.0)           /* R2 */
            continue;
        share->value[i] = 100.0 * a / (r + a);
        share->flags[i] = refugees->flags[i] | seekers->flags[i]; /* R4 */
    }
    return 0;
}

static const silk_module_input inputs[] = {
    {"refugees", "refugees",
     "refugees (and people in refugee-like situations) by origin and "
     "country of asylum, persons, end of year (UNHCR)",
     0},
    {"asylum_seekers", "asylum_seekers",
     "asylum-seekers awaiting a decision by origin and country of asylum, "
     "persons, end of year (UNHCR)",
     0},
};

static const silk_module_output outputs[] = {
    {"share", "%",
     "asylum-seekers as a share of refugees and asylum-seekers hosted"},
};

static const silk_module module = {
    .abi = SILK_MODULE_ABI,
    .name = "asylum_share",
    .version = "1.0",
    .title = "Share of asylum-seekers among refugees and asylum-seekers",
    .description =
        "share = 100 * asylum_seekers / (refugees + asylum_seekers) for "
        "each corridor and year.  (1) A missing refugee or asylum-seeker "
        "figure gives NaN, never a share computed as if it were 0.  (2) A "
        "total of 0 gives NaN.  (3) A negative count gives NaN.  (4) The "
        "share carries the flags of both cells.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = inputs,
    .n_inputs = 2,
    .params = NULL,
    .n_params = 0,
    .outputs = outputs,
    .n_outputs = 1,
    .compute = asylum_share,
};

const silk_module *silkstat_module(void)
{
    return &module;
}
