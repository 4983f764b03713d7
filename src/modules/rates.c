/*
 * rates.c: rates of one country against its population or its economy:
 * the net migration rate, refugees hosted per 1,000 inhabitants, any
 * indicator per 1,000 inhabitants and remittances as a share of GDP
 * (reference/METHODS.md, "Migration indicators").
 *
 * All four are COUNTRY modules: one series per country.  Population, GDP
 * and net migration are country-level inputs, read at destination ""
 * (axes->country_level) of the country's origin entry.  Rules common to
 * the four, cited by the tests as R1-R3:
 *   R1. a missing input cell gives a missing result (NaN), never 0;
 *   R2. a denominator (population, GDP) that is zero, negative or missing
 *       gives NaN: neither can be zero or negative in real data;
 *   R3. no "" entry on the destination axis (country_level -1: no input
 *       is country-level) leaves every result NaN; compute still succeeds.
 * Results carry the OR of the flags of the cells they come from.
 */
#include <math.h>
#include <stddef.h>

#include "modules/builtin.h"
#include "modules/common.h"

/* scale * x / base for a base that is a positive number, else NaN (R2). */
static double ratio(double scale, double x, double base)
{
    return base > 0.0 ? scale * x / base : NAN;
}

/* The population input, shared by three modules. */
#define POPULATION_INPUT                                                   \
    {"population", "population",                                           \
     "mid-year population, persons, country-level (World Bank "           \
     "SP.POP.TOTL)",                                                      \
     0}

/* ---- net_migration_rate ---- */

static int net_migration_rate(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *net = &call->input[0], *pop = &call->input[1];

    for (size_t c = 0; c < axes->n_country; c++)
        for (size_t p = 0; p < axes->n_period; p++) {
            uint32_t flags = 0;
            double n = silk_mod_country_value(axes, net, c, p, &flags);
            double people = silk_mod_country_value(axes, pop, c, p, &flags);
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         ratio(1000.0, n, people), flags);
        }
    return 0;
}

static const silk_module_input net_migration_rate_inputs[] = {
    {"net_migration", "net_migration",
     "net migration (immigrants minus emigrants) in the period, persons, "
     "country-level (World Bank SM.POP.NETM)",
     0},
    POPULATION_INPUT,
};

static const silk_module_output net_migration_rate_outputs[] = {
    {"rate", "per 1,000 inhabitants",
     "net migration per 1,000 inhabitants; negative: more emigrants"},
};

static const silk_module net_migration_rate_module = {
    .abi = SILK_MODULE_ABI,
    .name = "net_migration_rate",
    .version = "1.0",
    .title = "Net migration rate",
    .description =
        "rate = 1000 * net_migration / population for each country and "
        "period, both read from the country-level entry (destination \"\"). "
        "(1) A missing net migration or population gives NaN.  (2) A "
        "population that is zero or negative gives NaN.  (3) With no "
        "country-level entry on the axes every rate is NaN.  The World "
        "Bank's SM.POP.NETM is a count over the year and SP.POP.TOTL a "
        "mid-year figure, as the rate's definition asks.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = net_migration_rate_inputs,
    .n_inputs = 2,
    .params = NULL,
    .n_params = 0,
    .outputs = net_migration_rate_outputs,
    .n_outputs = 1,
    .compute = net_migration_rate,
};

/* ---- refugees_per_1000 ---- */

static int refugees_per_1000(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *refugees = &call->input[0];
    const silk_module_array *pop = &call->input[1];

    for (size_t c = 0; c < axes->n_country; c++) {
        long d = axes->country_destination[c];
        if (d < 0) /* hosts no one in the data: unknown, not 0 */
            continue;
        for (size_t p = 0; p < axes->n_period; p++) {
            silk_mod_total hosted;
            silk_mod_total_column(axes, refugees, (size_t)d, p, &hosted);
            uint32_t flags = hosted.flags;
            double people = silk_mod_country_value(axes, pop, c, p, &flags);
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         ratio(1000.0, hosted.sum, people), flags);
        }
    }
    return 0;
}

static const silk_module_input refugees_per_1000_inputs[] = {
    {"refugees", "refugees",
     "refugees by country of origin (origin) and of asylum "
     "(destination), persons (UNHCR)",
     0},
    POPULATION_INPUT,
};

static const silk_module_output refugees_per_1000_outputs[] = {
    {"rate", "per 1,000 inhabitants",
     "refugees hosted per 1,000 inhabitants of the host country"},
};

static const silk_module refugees_per_1000_module = {
    .abi = SILK_MODULE_ABI,
    .name = "refugees_per_1000",
    .version = "1.0",
    .title = "Refugees hosted per 1,000 inhabitants",
    .description =
        "rate = 1000 * hosted / population, where hosted is the sum over "
        "the selected origins of refugees at destination (country of "
        "asylum) c; the country-level \"\" column is not read (for a "
        "country-level count of refugees hosted use per_1000).  (1) Origins "
        "with no value are left out of the sum; no value at all, or a "
        "country that is never a destination, gives NaN, not 0.  (2) A "
        "population that is missing, zero or negative gives NaN.  (3) With "
        "no country-level entry on the axes (no population) every rate is "
        "NaN.  Select --origin to count only some origins.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = refugees_per_1000_inputs,
    .n_inputs = 2,
    .params = NULL,
    .n_params = 0,
    .outputs = refugees_per_1000_outputs,
    .n_outputs = 1,
    .compute = refugees_per_1000,
};

/* ---- remittances_gdp ---- */

static int remittances_gdp(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *received = &call->input[0];
    const silk_module_array *gdp = &call->input[1];

    for (size_t c = 0; c < axes->n_country; c++)
        for (size_t p = 0; p < axes->n_period; p++) {
            uint32_t flags = 0;
            double r = silk_mod_country_value(axes, received, c, p, &flags);
            double g = silk_mod_country_value(axes, gdp, c, p, &flags);
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         ratio(100.0, r, g), flags);
        }
    return 0;
}

static const silk_module_input remittances_gdp_inputs[] = {
    {"remittances", "remittances",
     "personal remittances received, current US$, country-level (World "
     "Bank BX.TRF.PWKR.CD.DT)",
     0},
    {"gdp", "gdp", "GDP, current US$, country-level (World Bank "
                   "NY.GDP.MKTP.CD)",
     0},
};

static const silk_module_output remittances_gdp_outputs[] = {
    {"share", "% of GDP", "personal remittances received as a share of GDP"},
};

static const silk_module remittances_gdp_module = {
    .abi = SILK_MODULE_ABI,
    .name = "remittances_gdp",
    .version = "1.0",
    .title = "Remittances received, share of GDP",
    .description =
        "share = 100 * remittances / GDP, both in current US$ of the same "
        "year, read from the country-level entry (destination \"\"); the "
        "World Bank's BX.TRF.PWKR.DT.GD.ZS computed from its two parts.  "
        "(1) A missing remittance or GDP value gives NaN (the World Bank's "
        "gaps are real gaps, not zeros).  (2) A GDP that is zero or "
        "negative gives NaN.  (3) With no country-level entry on the axes "
        "every share is NaN.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = remittances_gdp_inputs,
    .n_inputs = 2,
    .params = NULL,
    .n_params = 0,
    .outputs = remittances_gdp_outputs,
    .n_outputs = 1,
    .compute = remittances_gdp,
};

/* ---- per_1000 ---- */

/* True when the input has values only in the "" column: a country-level
 * indicator.  One bilateral value makes it bilateral, and then the ""
 * column (a total, not a partner country) is never added in. */
static int country_level_only(const silk_module_axes *axes,
                              const silk_module_array *in)
{
    if (axes->country_level < 0)
        return 0;
    for (size_t o = 0; o < axes->n_origin; o++)
        for (size_t d = 0; d < axes->n_destination; d++) {
            if ((long)d == axes->country_level)
                continue;
            for (size_t p = 0; p < axes->n_period; p++)
                if (isfinite(in->value[silk_mod_cell(axes, o, d, p)]))
                    return 0;
        }
    return 1;
}

enum { SIDE_ORIGIN = 0, SIDE_DESTINATION = 1 }; /* the choices' order */

static int per_1000(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *value = &call->input[0];
    const silk_module_array *pop = &call->input[1];
    long side = call->param[0].integer;
    int country_level = country_level_only(axes, value);

    for (size_t c = 0; c < axes->n_country; c++) {
        long at = side == SIDE_ORIGIN ? axes->country_origin[c]
                                      : axes->country_destination[c];
        for (size_t p = 0; p < axes->n_period; p++) {
            silk_mod_total count = {.sum = NAN};
            if (country_level)
                count.sum = silk_mod_country_value(axes, value, c, p,
                                                   &count.flags);
            else if (at >= 0 && side == SIDE_ORIGIN)
                silk_mod_total_row(axes, value, (size_t)at, p, &count);
            else if (at >= 0)
                silk_mod_total_column(axes, value, (size_t)at, p, &count);
            uint32_t flags = count.flags;
            double people = silk_mod_country_value(axes, pop, c, p, &flags);
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         ratio(1000.0, count.sum, people), flags);
        }
    }
    return 0;
}

static const silk_module_input per_1000_inputs[] = {
    {"value", NULL,
     "any count in persons, bilateral or country-level (bind it with "
     "--input value=INDICATOR)",
     0},
    POPULATION_INPUT,
};

static const silk_module_param per_1000_params[] = {
    {"side", SILK_PARAM_CHOICE, "origin", "origin|destination",
     "for a bilateral value: count the country as origin (sum over "
     "destinations) or as destination (sum over origins)"},
};

static const silk_module_output per_1000_outputs[] = {
    {"rate", "per 1,000 inhabitants", "the value per 1,000 inhabitants"},
};

static const silk_module per_1000_module = {
    .abi = SILK_MODULE_ABI,
    .name = "per_1000",
    .version = "1.0",
    .title = "Any indicator per 1,000 inhabitants",
    .description =
        "rate = 1000 * count / population.  A country-level value (one "
        "with values only at destination \"\") is read there and side is "
        "ignored.  A bilateral value is summed over the selected partners: "
        "side=origin sums the country's row over destinations (e.g. "
        "refugees from it), side=destination its column over origins (e.g. "
        "refugees hosted); the \"\" column is then never added in (select "
        "--destination - to use it instead).  (1) Partners with no value "
        "are left out of the sum; none at all, or a country not on that "
        "side of the data, gives NaN, not 0.  (2) A population that is "
        "missing, zero or negative gives NaN.  (3) With no country-level "
        "entry on the axes (no population) every rate is NaN.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = per_1000_inputs,
    .n_inputs = 2,
    .params = per_1000_params,
    .n_params = 1,
    .outputs = per_1000_outputs,
    .n_outputs = 1,
    .compute = per_1000,
};

const silk_module *const silk_builtin_rates[] = {
    &net_migration_rate_module,
    &refugees_per_1000_module,
    &per_1000_module,
    &remittances_gdp_module,
};
const size_t silk_builtin_rates_count =
    sizeof silk_builtin_rates / sizeof silk_builtin_rates[0];
