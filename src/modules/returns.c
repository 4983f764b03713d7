/*
 * returns.c: returns, as a rate of orders to leave (Eurostat's
 * enforcement statistics) and as counts of refugees going home (UNHCR's
 * solutions table) (reference/METHODS.md, "Migration indicators").
 *
 * Rules, cited by the tests:
 *   T1. a missing input cell gives NaN, never 0;
 *   T2. return_rate: no order to leave (0) gives NaN; a negative count
 *       gives NaN;
 *   T3. refugee_returns: countries of asylum with no value are left out
 *       of the sum; none at all, or a country never an origin, gives NaN;
 *       the country-level "" column is not a country of asylum and is not
 *       added in.
 * Results carry the OR of the flags of the cells they come from.
 */
#include <math.h>
#include <stddef.h>

#include "modules/builtin.h"
#include "modules/common.h"

/* ---- return_rate ----
 *
 * A CORRIDOR module: Eurostat counts both orders to leave (migr_eiord)
 * and returns following one (migr_eirtn) by citizenship (origin) and
 * reporting country (destination), and the rate is a ratio of two counts
 * of the same cell and period.  Keeping the corridor lets the user choose
 * the aggregate by the selection (an origin over all reporting countries
 * is the ratio of the summed counts), where a COUNTRY module would have
 * to fix one side. */

static int return_rate(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *returned = &call->input[0];
    const silk_module_array *ordered = &call->input[1];
    size_t n = axes->n_origin * axes->n_destination * axes->n_period;

    for (size_t i = 0; i < n; i++) {
        double r = returned->value[i], o = ordered->value[i];
        /* a period ratio, not a cohort: people returned this period may
         * have been ordered to leave in an earlier one, so the rate may
         * pass 100% and is not capped */
        if (r >= 0.0 && o > 0.0)
            silk_mod_put(&call->output[0], i, 100.0 * r / o,
                         silk_mod_flags(returned, i) |
                             silk_mod_flags(ordered, i));
    }
    return 0;
}

static const silk_module_input return_rate_inputs[] = {
    {"returned", "returned",
     "persons returned following an order to leave, in the period "
     "(Eurostat migr_eirtn)",
     0},
    {"ordered", "ordered_to_leave",
     "persons ordered to leave, in the same period (Eurostat migr_eiord)",
     0},
};

static const silk_module_output return_rate_outputs[] = {
    {"rate", "%", "returns over orders to leave of the same period"},
};

static const silk_module return_rate_module = {
    .abi = SILK_MODULE_ABI,
    .name = "return_rate",
    .version = "1.0",
    .title = "Return rate (returns over orders to leave)",
    .description =
        "rate = 100 * returned / ordered, per citizenship (origin), "
        "reporting country (destination) and period.  A period ratio, not "
        "a cohort: returns in a period may follow orders of earlier "
        "periods, so the rate can exceed 100% and is not capped.  (1) A "
        "missing count gives NaN.  (2) No order to leave (0) gives NaN.  "
        "(3) A negative count gives NaN.  For an origin over several "
        "reporting countries, select them: the rate is then of the summed "
        "counts.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = return_rate_inputs,
    .n_inputs = 2,
    .params = NULL,
    .n_params = 0,
    .outputs = return_rate_outputs,
    .n_outputs = 1,
    .compute = return_rate,
};

/* ---- refugee_returns ---- */

static int refugee_returns(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *returns = &call->input[0];

    for (size_t c = 0; c < axes->n_country; c++) {
        long o = axes->country_origin[c];
        if (o < 0) /* no one returned to it in the data: unknown, not 0 */
            continue;
        for (size_t p = 0; p < axes->n_period; p++) {
            silk_mod_total total;
            silk_mod_total_row(axes, returns, (size_t)o, p, &total);
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         total.sum, total.flags);
        }
    }
    return 0;
}

static const silk_module_input refugee_returns_inputs[] = {
    {"returns", "refugee_returns",
     "refugees returned to their country of origin (origin) from a "
     "country of asylum (destination), persons (UNHCR solutions)",
     0},
};

static const silk_module_output refugee_returns_outputs[] = {
    {"returns", "persons",
     "refugees returned to the country, over the selected countries of "
     "asylum"},
};

static const silk_module refugee_returns_module = {
    .abi = SILK_MODULE_ABI,
    .name = "refugee_returns",
    .version = "1.0",
    .title = "Refugee returns by country of origin",
    .description =
        "returns of country c = the sum over the selected countries of "
        "asylum of the returns input at origin c (UNHCR's solutions "
        "table: the destination is the country people returned from).  "
        "(1) Countries of asylum with no value are left out of the sum "
        "(UNHCR leaves a cell empty when not applicable or not reported); "
        "no value at all gives NaN, not 0, as does a country that is "
        "never an origin.  (2) The country-level \"\" column is not a "
        "country of asylum and is not added in.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = refugee_returns_inputs,
    .n_inputs = 1,
    .params = NULL,
    .n_params = 0,
    .outputs = refugee_returns_outputs,
    .n_outputs = 1,
    .compute = refugee_returns,
};

const silk_module *const silk_builtin_returns[] = {
    &return_rate_module,
    &refugee_returns_module,
};
const size_t silk_builtin_returns_count =
    sizeof silk_builtin_returns / sizeof silk_builtin_returns[0];
