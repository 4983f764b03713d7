/*
 * growth.c: change over time and structure across partners of any
 * indicator: year-on-year change, compound annual growth, an index to a
 * base period, shares of a group total, the top destinations and the
 * Herfindahl-Hirschman concentration of destinations
 * (reference/METHODS.md, "Migration indicators").
 *
 * The growth rules follow silk_growth_cagr, silk_growth_yoy and
 * silk_growth_index (src/stats/growth.c) so a module and the library give
 * the same number; the modules work cell by cell on the period axis,
 * which may have holes, so they find periods by ordinal instead of
 * calling those functions on a regular series.  Rules, cited by the
 * tests:
 *   G1. a missing value, or a missing base, gives NaN, never 0;
 *   G2. percent changes divide by |base|, and a base of 0 gives NaN
 *       (the absolute change is still given);
 *   G3. cagr and index need a base above 0: a base of 0 or below gives
 *       NaN; cagr also needs an end value of 0 or more (0 gives -100);
 *   G4. totals over a group (shares, ranks, HHI) leave out the members
 *       with no value: the total is that of the members that have one,
 *       so a missing member raises the others' shares; a group with no
 *       value, a total of 0, or a negative member gives NaN (a share of a
 *       total with negative parts means nothing);
 *   G5. the country-level "" column is not a destination: it is never a
 *       member of a group of destinations;
 *   G6. a period parameter not on the period axis, or an end period not
 *       after the start, fails the call with a message.
 * Results carry the OR of the flags of the cells they come from (for
 * group figures: of every member with a value).
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "modules/builtin.h"
#include "modules/common.h"

static int compare_ordinal(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The index on the period axis of the period with ordinal target, or -1
 * (the axis is chronological, so its ordinals are sorted). */
static long period_with_ordinal(const silk_module_axes *axes, long target)
{
    if (axes->n_period == 0)
        return -1;
    const long *hit = bsearch(&target, axes->ordinal, axes->n_period,
                              sizeof *axes->ordinal, compare_ordinal);
    return hit ? (long)(hit - axes->ordinal) : -1;
}

/* G6: the index of period parameter k, or -1 with call->message set. */
static long period_param(silk_module_call *call, size_t k, const char *name)
{
    long p = call->param[k].period;
    if (p < 0 || (size_t)p >= call->axes->n_period) {
        silk_mod_fail(call,
                      "parameter '%s': period '%s' is not among the "
                      "periods of the selected data",
                      name, call->param[k].text);
        return -1;
    }
    return p;
}

/* ---- yoy_change ---- */

static int yoy_change(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];

    for (size_t p = 0; p < axes->n_period; p++) {
        /* the same period a year earlier: 1, 4 or 12 ordinals back */
        long q = period_with_ordinal(axes, axes->ordinal[p] -
                                               axes->periods_per_year);
        if (q < 0)
            continue;
        for (size_t o = 0; o < axes->n_origin; o++)
            for (size_t d = 0; d < axes->n_destination; d++) {
                size_t now = silk_mod_cell(axes, o, d, p);
                size_t before = silk_mod_cell(axes, o, d, (size_t)q);
                double x = in->value[now], base = in->value[before];
                uint32_t flags =
                    silk_mod_flags(in, now) | silk_mod_flags(in, before);
                double change = x - base;
                silk_mod_put(&call->output[0], now, change, flags);
                if (base != 0.0)
                    silk_mod_put(&call->output[1], now,
                                 100.0 * change / fabs(base), flags);
            }
    }
    return 0;
}

static const silk_module_input value_input[] = {
    {"value", NULL, "any indicator (bind it with --input value=INDICATOR)",
     0},
};

static const silk_module_output yoy_change_outputs[] = {
    {"change", "units of the input",
     "value minus the value of the same period a year earlier"},
    {"percent", "%", "the change in % of |value a year earlier|"},
};

static const silk_module yoy_change_module = {
    .abi = SILK_MODULE_ABI,
    .name = "yoy_change",
    .version = "1.0",
    .title = "Year-on-year change",
    .description =
        "change = x_t - x_(t-1y) and percent = 100 * change / |x_(t-1y)|, "
        "where t-1y is the same period a year earlier (the previous year, "
        "the same quarter or month of the previous year).  (1) A missing "
        "value at t or t-1y, or no period a year earlier on the axis, "
        "gives NaN.  (2) A base of 0 gives a NaN percent (the change is "
        "still given); a negative base (net migration) is divided by its "
        "absolute value, so the sign of percent is that of the change, as "
        "silk_growth_yoy does.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = value_input,
    .n_inputs = 1,
    .params = NULL,
    .n_params = 0,
    .outputs = yoy_change_outputs,
    .n_outputs = 2,
    .compute = yoy_change,
};

/* ---- cagr ---- */

static int cagr(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];
    long from = period_param(call, 0, "from");
    if (from < 0)
        return 1;
    long to = period_param(call, 1, "to");
    if (to < 0)
        return 1;
    if (axes->ordinal[to] <= axes->ordinal[from])
        return silk_mod_fail(call,
                             "parameter 'to': period '%s' must come after "
                             "'from' (%s)",
                             call->param[1].text, call->param[0].text);
    double years = (double)(axes->ordinal[to] - axes->ordinal[from]) /
                   axes->periods_per_year;

    for (size_t o = 0; o < axes->n_origin; o++)
        for (size_t d = 0; d < axes->n_destination; d++) {
            size_t start = silk_mod_cell(axes, o, d, (size_t)from);
            size_t end = silk_mod_cell(axes, o, d, (size_t)to);
            double x0 = in->value[start], x1 = in->value[end];
            if (!(x0 > 0.0 && x1 >= 0.0)) /* G1, G3 */
                continue;
            silk_mod_put(&call->output[0], end,
                         100.0 * (pow(x1 / x0, 1.0 / years) - 1.0),
                         silk_mod_flags(in, start) | silk_mod_flags(in, end));
        }
    return 0;
}

static const silk_module_param cagr_params[] = {
    {"from", SILK_PARAM_PERIOD, NULL, NULL, "the start period"},
    {"to", SILK_PARAM_PERIOD, NULL, NULL,
     "the end period, where the rate is written"},
};

static const silk_module_output cagr_outputs[] = {
    {"rate", "% per year", "compound annual growth from 'from' to 'to'"},
};

static const silk_module cagr_module = {
    .abi = SILK_MODULE_ABI,
    .name = "cagr",
    .version = "1.0",
    .title = "Compound annual growth rate",
    .description =
        "rate = 100 * ((x_to / x_from)^(1 / years) - 1), years = the "
        "periods between from and to over the periods per year (2020-Q1 "
        "to 2022-Q3 is 2.5 years), written at period 'to' only.  (1) A "
        "missing x_from or x_to gives NaN.  (2) x_from of 0 or below gives "
        "NaN (no growth from nothing); x_to below 0 gives NaN, x_to of 0 "
        "gives -100.  (3) from or to not among the selected periods, or to "
        "not after from, fails with a message.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = value_input,
    .n_inputs = 1,
    .params = cagr_params,
    .n_params = 2,
    .outputs = cagr_outputs,
    .n_outputs = 1,
    .compute = cagr,
};

/* ---- index ---- */

static int index_to_base(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];
    long base = period_param(call, 0, "base");
    if (base < 0)
        return 1;

    for (size_t o = 0; o < axes->n_origin; o++)
        for (size_t d = 0; d < axes->n_destination; d++) {
            size_t b = silk_mod_cell(axes, o, d, (size_t)base);
            double xb = in->value[b];
            if (!(xb > 0.0)) /* G1, G3 */
                continue;
            for (size_t p = 0; p < axes->n_period; p++) {
                size_t i = silk_mod_cell(axes, o, d, p);
                silk_mod_put(&call->output[0], i, 100.0 * in->value[i] / xb,
                             silk_mod_flags(in, i) | silk_mod_flags(in, b));
            }
        }
    return 0;
}

static const silk_module_param index_params[] = {
    {"base", SILK_PARAM_PERIOD, NULL, NULL, "the base period (= 100)"},
};

static const silk_module_output index_outputs[] = {
    {"index", "base period = 100", "100 * value / value of the base period"},
};

static const silk_module index_module = {
    .abi = SILK_MODULE_ABI,
    .name = "index",
    .version = "1.0",
    .title = "Index to a base period",
    .description =
        "index = 100 * x_t / x_base for every period of each corridor.  "
        "(1) A missing x_t, or a missing x_base (the whole corridor), "
        "gives NaN.  (2) x_base of 0 or below gives NaN (an index of a "
        "negative base turns the series over).  (3) base not among the "
        "selected periods fails with a message.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = value_input,
    .n_inputs = 1,
    .params = index_params,
    .n_params = 1,
    .outputs = index_outputs,
    .n_outputs = 1,
    .compute = index_to_base,
};

/* ---- group_share ---- */

/* G4: whether a total can be shared out. */
static int shareable(const silk_mod_total *total)
{
    return total->n > 0 && total->negative == 0 && total->sum > 0.0;
}

enum { OVER_DESTINATION = 0, OVER_ORIGIN = 1 }; /* the choices' order */

static int group_share(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];
    int over_origin = call->param[0].integer == OVER_ORIGIN;
    silk_mod_total total;

    for (size_t p = 0; p < axes->n_period; p++) {
        if (over_origin) {
            /* every column, "" too: shares of a country-level value
             * (population) among the selected countries */
            for (size_t d = 0; d < axes->n_destination; d++) {
                silk_mod_total_column(axes, in, d, p, &total);
                if (!shareable(&total))
                    continue;
                for (size_t o = 0; o < axes->n_origin; o++) {
                    size_t i = silk_mod_cell(axes, o, d, p);
                    silk_mod_put(&call->output[0], i,
                                 100.0 * in->value[i] / total.sum,
                                 total.flags);
                }
            }
            continue;
        }
        for (size_t o = 0; o < axes->n_origin; o++) {
            silk_mod_total_row(axes, in, o, p, &total); /* G5 */
            if (!shareable(&total))
                continue;
            for (size_t d = 0; d < axes->n_destination; d++) {
                if ((long)d == axes->country_level)
                    continue;
                size_t i = silk_mod_cell(axes, o, d, p);
                silk_mod_put(&call->output[0], i,
                             100.0 * in->value[i] / total.sum, total.flags);
            }
        }
    }
    return 0;
}

static const silk_module_param group_share_params[] = {
    {"over", SILK_PARAM_CHOICE, "destination", "destination|origin",
     "the group: the origin's selected destinations, or the destination's "
     "selected origins"},
};

static const silk_module_output group_share_outputs[] = {
    {"share", "%", "the cell's share of its group's total"},
};

static const silk_module group_share_module = {
    .abi = SILK_MODULE_ABI,
    .name = "group_share",
    .version = "1.0",
    .title = "Share of a group total",
    .description =
        "share = 100 * x / total, where the total is over the selected "
        "destinations of the cell's origin (over=destination) or over the "
        "selected origins of its destination (over=origin), in the same "
        "period.  (1) Members with no value are left out: the total is "
        "that of the members that have a value, so the shares of those "
        "add up to 100 and a missing member raises the others' shares; "
        "its own share is NaN.  (2) A group with no value, a total of 0, "
        "or a negative member gives NaN for the whole group.  (3) With "
        "over=destination the country-level \"\" column is not a member "
        "and stays NaN; with over=origin it is a group like any column "
        "(each country's share of the group's population, say).",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = value_input,
    .n_inputs = 1,
    .params = group_share_params,
    .n_params = 1,
    .outputs = group_share_outputs,
    .n_outputs = 1,
    .compute = group_share,
};

/* ---- top_destinations ---- */

typedef struct ranked {
    double value;
    size_t destination; /* index on the sorted axis: code order */
} ranked;

/* Largest first; ties in code order, so the order is total and qsort's
 * instability cannot show. */
static int compare_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return (x->destination > y->destination) -
           (x->destination < y->destination);
}

static int top_destinations(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];
    long n = call->param[0].integer;
    if (n < 1)
        return silk_mod_fail(call,
                             "parameter 'n': expected 1 or more, got %ld", n);
    if (axes->n_destination == 0)
        return 0;
    ranked *order = malloc(axes->n_destination * sizeof *order);
    if (!order)
        return silk_mod_fail(call, "out of memory for %zu destinations",
                             axes->n_destination);

    for (size_t o = 0; o < axes->n_origin; o++)
        for (size_t p = 0; p < axes->n_period; p++) {
            silk_mod_total total;
            silk_mod_total_row(axes, in, o, p, &total);
            size_t k = 0;
            for (size_t d = 0; d < axes->n_destination; d++) {
                double x = in->value[silk_mod_cell(axes, o, d, p)];
                if ((long)d != axes->country_level && isfinite(x))
                    order[k++] = (ranked){x, d};
            }
            qsort(order, k, sizeof *order, compare_ranked);
            /* beyond n: rank and share stay NaN, so the output holds the
             * top n only; the rest's share is 100 minus theirs */
            for (size_t r = 0; r < k && r < (size_t)n; r++) {
                size_t i = silk_mod_cell(axes, o, order[r].destination, p);
                silk_mod_put(&call->output[0], i, (double)(r + 1),
                             total.flags);
                if (shareable(&total))
                    silk_mod_put(&call->output[1], i,
                                 100.0 * order[r].value / total.sum,
                                 total.flags);
            }
        }
    free(order);
    return 0;
}

static const silk_module_param top_destinations_params[] = {
    {"n", SILK_PARAM_INTEGER, "10", NULL,
     "how many destinations to rank per origin and period (1 or more)"},
};

static const silk_module_output top_destinations_outputs[] = {
    {"rank", "rank (1 = largest)",
     "the destination's rank among the origin's destinations"},
    {"share", "%", "the destination's share of the origin's total"},
};

static const silk_module top_destinations_module = {
    .abi = SILK_MODULE_ABI,
    .name = "top_destinations",
    .version = "1.0",
    .title = "Top destinations of each origin",
    .description =
        "Per origin and period, the selected destinations ranked by value: "
        "rank 1 is the largest, ties go to the code that sorts first; "
        "share = 100 * x / the origin's total over all its selected "
        "destinations.  Only the first n get a rank and a share; the "
        "others stay NaN (their combined share is 100 minus the top n's).  "
        "(1) Destinations with no value are not ranked and not in the "
        "total.  (2) If the total is 0 or a destination is negative, ranks "
        "are given but shares are NaN.  (3) The country-level \"\" column "
        "is not a destination: never ranked.  (4) n below 1 fails.",
    .kind = SILK_MODULE_CORRIDOR,
    .inputs = value_input,
    .n_inputs = 1,
    .params = top_destinations_params,
    .n_params = 1,
    .outputs = top_destinations_outputs,
    .n_outputs = 2,
    .compute = top_destinations,
};

/* ---- hhi ---- */

static int hhi(silk_module_call *call)
{
    const silk_module_axes *axes = call->axes;
    const silk_module_array *in = &call->input[0];

    for (size_t c = 0; c < axes->n_country; c++) {
        long o = axes->country_origin[c];
        if (o < 0) /* never an origin: nothing to concentrate */
            continue;
        for (size_t p = 0; p < axes->n_period; p++) {
            silk_mod_total total;
            silk_mod_total_row(axes, in, (size_t)o, p, &total);
            if (!shareable(&total))
                continue;
            double sum_squares = 0.0;
            for (size_t d = 0; d < axes->n_destination; d++) {
                double x = in->value[silk_mod_cell(axes, (size_t)o, d, p)];
                if ((long)d != axes->country_level && isfinite(x))
                    sum_squares += (x / total.sum) * (x / total.sum);
            }
            silk_mod_put(&call->output[0], c * axes->n_period + p,
                         sum_squares, total.flags);
        }
    }
    return 0;
}

static const silk_module_output hhi_outputs[] = {
    {"hhi", "index 0-1",
     "sum of squared destination shares; 1 = a single destination"},
};

static const silk_module hhi_module = {
    .abi = SILK_MODULE_ABI,
    .name = "hhi",
    .version = "1.0",
    .title = "Concentration of destinations (Herfindahl-Hirschman)",
    .description =
        "hhi = sum over the selected destinations d of (x_d / total)^2 "
        "for each origin and period, on a 0-1 scale (multiply by 10,000 "
        "for the antitrust scale): 1 when one destination takes all, 1/k "
        "when k destinations take equal parts.  (1) Destinations with no "
        "value are left out, as from the total.  (2) No value, a total of "
        "0, or a negative value gives NaN.  (3) The country-level \"\" "
        "column is not a destination.  (4) A country that is never an "
        "origin gives NaN.  The index depends on the selection: restrict "
        "--destination and it measures concentration within that set.",
    .kind = SILK_MODULE_COUNTRY,
    .inputs = value_input,
    .n_inputs = 1,
    .params = NULL,
    .n_params = 0,
    .outputs = hhi_outputs,
    .n_outputs = 1,
    .compute = hhi,
};

const silk_module *const silk_builtin_growth[] = {
    &yoy_change_module, &cagr_module,             &index_module,
    &group_share_module, &top_destinations_module, &hhi_module,
};
const size_t silk_builtin_growth_count =
    sizeof silk_builtin_growth / sizeof silk_builtin_growth[0];
