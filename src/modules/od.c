/*
 * od.c: the origin-destination built-in modules, migest's set (Abel):
 * totals by country, bilateral summaries, matrix-wide indices, Gini of
 * spatial focusing per country, and flows estimated from stock
 * differences.  Formulas: METHODS.md, "Migration indicators".  They share
 * one file because they share the hard part: lining the origin and
 * destination axes up into one square country matrix.
 *
 * Axes.  silkstat gives the origin and destination axes as unions over
 * the inputs within the user's selection, so they may differ.  A country
 * is a code; corridor (o, d) and its counter-corridor (d, o) are found by
 * matching codes between the two axes, never by position.  The
 * country-level destination "" (axes->country_level) is never a country.
 * Flags: a result carries the union (OR) of the flags of the input cells
 * with a value it is computed from; a missing result has no flags (the
 * rule of src/modules/common.h, so every module flags alike).  An input
 * without flags (NULL) counts as all 0.
 *
 * Rules, cited by tests/unit/test_module_od.c:
 *
 * od_totals (COUNTRY)
 *   T1 out_i = sum over destinations d of M[i][d]; in_j = sum over
 *      origins o of M[o][j]; net = in - out; turnover = in + out.
 *   T2 the diagonal (origin = destination) and the destination "" are
 *      ignored.
 *   T3 missing cells count as absent; a sum whose cells are all missing,
 *      or that has no cells (a country not on the origin axis has no
 *      out), is NaN; net and turnover are NaN when in or out is.
 *   T4 flags: the union over the cells summed (net, turnover: in's | out's).
 *
 * od_bilateral (CORRIDOR)
 *   B1 for corridor (o, d): counterflow = M[d][o], net = M[o][d] - M[d][o],
 *      interchange = M[o][d] + M[d][o].
 *   B2 NaN when a cell it needs is missing or absent from the axes (d not
 *      an origin, o not a destination).
 *   B3 the diagonal and the destination "" stay NaN: they are not
 *      corridors.
 *
 * od_indices (MATRIX) and od_gini (COUNTRY): the square matrix
 *   Q1 the countries are the codes of the origin and destination axes
 *      ("" excluded) that have at least one non-missing flows cell, in any
 *      period; a code that only another input brings in (a population
 *      row) is not part of the matrix.  n = their number; the diagonal is
 *      zeroed.
 *   Q2 parameter missing=nan (default): a result over cells one of which
 *      is missing (or absent from the axes) is NaN.  A partial matrix
 *      would give a plausible but wrong MEI or Gini; the MEI of a matrix
 *      whose missing cells are unknown is unknown.  missing=zero: missing
 *      cells are zero, for sources that drop zero cells (the DESA long
 *      file does).
 *   Q3 cells that are all missing give NaN whatever `missing` says.
 *   Q4 a negative flow gives NaN (the indices are defined for counts).
 *
 * od_indices
 *   I1 MEI = 100 sum|D_i - O_i| / sum(D_i + O_i); NaN when sum M = 0.
 *   I2 ANMR = 100 0.5 sum|D_i - O_i| / sum P_i, CMI = 100 sum M / sum P_i,
 *      courgeau_k = CMI / ln(n^2); P_i is the population input at
 *      destination "".  NaN without the population input, when a
 *      country's population is missing, or when sum P_i <= 0.
 *   I3 connectivity = (off-diagonal cells > 0) / (n(n-1)).
 *   I4 gini = sum_a sum_b |m_a - m_b| / (2 N sum M) over the N = n(n-1)
 *      off-diagonal cells (Plane and Mulligan); gini_corrected divides
 *      by 2 (N - 1) sum M (Bell et al.).  NaN when sum M = 0.
 *   I5 n < 2 (no off-diagonal cell): every index is NaN.
 *
 * od_gini
 *   G1 out_gini of country i: the Gini of its n-1 outflows; in_gini: of
 *      its n-1 inflows; variant corrected (2 (N-1), N = n-1) or
 *      plane_mulligan (2 N).  Q2-Q4 apply per row or column.
 *   G2 NaN when the row (column) sums to 0, for corrected when n = 2
 *      (N - 1 = 0), and for a country with no flows (Q1).
 *
 * stock_flows (CORRIDOR)
 *   S1 for each period p after the first: D = S_p - S_{p-1} (consecutive
 *      periods on the axis, whatever their spacing); "zero":
 *      F = max(D, 0); "return": F = max(D, 0) + transpose(max(-D, 0)).
 *      The result at p is the flow between p-1 and p; the first period
 *      stays NaN.
 *   S2 NaN when a stock cell it needs (both periods; for "return" also
 *      the counter-corridor) is missing or absent from the axes.
 *   S3 the diagonal is zeroed: 0 where the stock's diagonal cell is
 *      present in both periods, NaN where it is not.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modules/builtin.h"
#include "modules/common.h"

/* ------------------------------------------------------------------ */
/* Checks shared by every module                                       */
/* ------------------------------------------------------------------ */

/* a * b into *out, 0 on overflow (axes silkstat never builds, but a
 * module must not index past them). */
static int mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

static int codes_ok(const char *const *code, size_t n)
{
    if (n > 0 && code == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (code[i] == NULL)
            return 0;
    return 1;
}

static int map_ok(const long *map, size_t n, size_t n_axis)
{
    for (size_t i = 0; i < n; i++)
        if (map[i] < -1 || (map[i] >= 0 && (size_t)map[i] >= n_axis))
            return 0;
    return 1;
}

/* Checks what silkstat fixes by the descriptor (counts, shapes, present
 * arrays), so a call built by hand or by a newer silkstat fails with a
 * message instead of reading out of bounds.  *cells: the size of each
 * output array. */
static int check_call(silk_module_call *call, const silk_module *m,
                      size_t *cells)
{
    if (call == NULL)
        return 1;
    const silk_module_axes *ax = call->axes;
    if (ax == NULL)
        return silk_mod_fail(call, "%s: no axes", m->name);
    if (call->n_input != m->n_inputs || (m->n_inputs > 0 && !call->input))
        return silk_mod_fail(call, "%s: got %zu inputs, expected %zu", m->name,
                             call->n_input, m->n_inputs);
    if (call->n_param != m->n_params || (m->n_params > 0 && !call->param))
        return silk_mod_fail(call, "%s: got %zu parameters, expected %zu",
                             m->name, call->n_param, m->n_params);
    if (call->n_output != m->n_outputs || call->output == NULL)
        return silk_mod_fail(call, "%s: got %zu outputs, expected %zu",
                             m->name, call->n_output, m->n_outputs);
    if (!codes_ok(ax->origin, ax->n_origin) ||
        !codes_ok(ax->destination, ax->n_destination))
        return silk_mod_fail(
            call, "%s: the origin or destination axis has no codes", m->name);
    if (ax->country_level < -1 ||
        (ax->country_level >= 0 &&
         (size_t)ax->country_level >= ax->n_destination))
        return silk_mod_fail(call, "%s: country_level %ld is not on the "
                             "destination axis", m->name, ax->country_level);

    size_t input_cells, out_cells = ax->n_period;
    if (!mul(ax->n_origin, ax->n_destination, &input_cells) ||
        !mul(input_cells, ax->n_period, &input_cells))
        return silk_mod_fail(call, "%s: the axes are too large", m->name);
    if (m->kind == SILK_MODULE_COUNTRY) {
        if (ax->n_country > 0 &&
            (!codes_ok(ax->country, ax->n_country) ||
             ax->country_origin == NULL || ax->country_destination == NULL ||
             !map_ok(ax->country_origin, ax->n_country, ax->n_origin) ||
             !map_ok(ax->country_destination, ax->n_country,
                     ax->n_destination)))
            return silk_mod_fail(call, "%s: the country axis or its maps "
                                 "are missing or out of range", m->name);
        if (!mul(ax->n_country, ax->n_period, &out_cells))
            return silk_mod_fail(call, "%s: the axes are too large", m->name);
    } else if (m->kind == SILK_MODULE_CORRIDOR) {
        out_cells = input_cells;
    }

    for (size_t i = 0; i < m->n_inputs; i++) {
        const silk_module_array *in = &call->input[i];
        if (!in->present) {
            if (!m->inputs[i].optional)
                return silk_mod_fail(call, "%s: input '%s' is missing",
                                     m->name, m->inputs[i].role);
            continue;
        }
        if (input_cells > 0 && in->value == NULL)
            return silk_mod_fail(call, "%s: input '%s' has no values", m->name,
                                 m->inputs[i].role);
    }
    for (size_t i = 0; i < m->n_params; i++)
        if (call->param[i].text == NULL)
            return silk_mod_fail(call, "%s: parameter '%s' has no value",
                                 m->name, m->params[i].name);
    for (size_t i = 0; i < m->n_outputs; i++)
        if (out_cells > 0 &&
            (call->output[i].value == NULL || call->output[i].flags == NULL))
            return silk_mod_fail(call, "%s: output '%s' has no arrays",
                                 m->name, m->outputs[i].name);
    *cells = out_cells;
    return 0;
}

/* The index of a CHOICE parameter's value in its list, checked against
 * the list so a bad index cannot select a branch that does not exist. */
static int choice(silk_module_call *call, const silk_module *m, size_t i,
                  long *out)
{
    long n = 1;
    for (const char *c = m->params[i].choices; *c; c++)
        n += *c == '|';
    long v = call->param[i].integer;
    if (v < 0 || v >= n)
        return silk_mod_fail(call, "%s: parameter '%s' is choice %ld, "
                             "expected 0 to %ld (%s)", m->name,
                             m->params[i].name, v, n - 1,
                             m->params[i].choices);
    *out = v;
    return 0;
}

/* Every output NaN with 0 flags: silkstat does it too, but a cell this
 * file leaves alone must be NaN whoever called. */
static void clear(silk_module_call *call, size_t cells)
{
    for (size_t k = 0; k < call->n_output; k++)
        for (size_t i = 0; i < cells; i++) {
            call->output[k].value[i] = NAN;
            call->output[k].flags[i] = 0;
        }
}

/* Stores a result: a NaN stays missing with no flags (clear).
 * Not silk_mod_put: that also drops infinities; od.c drops NaN only. */
static void put(silk_module_result *out, size_t i, double value,
                uint32_t flags)
{
    if (isnan(value))
        return;
    out->value[i] = value;
    out->flags[i] = flags;
}

static int is_country_level(const silk_module_axes *ax, size_t d)
{
    return (long)d == ax->country_level || ax->destination[d][0] == '\0';
}

/* ------------------------------------------------------------------ */
/* Matching codes between axes                                         */
/* ------------------------------------------------------------------ */

typedef struct code_ref {
    const char *code;
    long index;
} code_ref;

static int cmp_ref(const void *a, const void *b)
{
    const code_ref *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c != 0)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const code_ref *)a)->code, ((const code_ref *)b)->code);
}

/* For each from[i], its index in to[], or -1; "" never matches (it is
 * the country-level entry, not a country).  The axes are sorted by
 * contract, but sorting here costs little and makes no assumption.
 * Returns a malloc'd array the caller frees, NULL when out of memory. */
static long *match_axis(const char *const *from, size_t n_from,
                        const char *const *to, size_t n_to)
{
    long *map = malloc((n_from + 1) * sizeof *map);
    code_ref *ref = malloc((n_to + 1) * sizeof *ref);
    if (map == NULL || ref == NULL) {
        free(map);
        free(ref);
        return NULL;
    }
    size_t n_ref = 0;
    for (size_t j = 0; j < n_to; j++)
        if (to[j][0] != '\0')
            ref[n_ref++] = (code_ref){to[j], (long)j};
    if (n_ref > 1)
        qsort(ref, n_ref, sizeof *ref, cmp_ref);
    for (size_t i = 0; i < n_from; i++) {
        code_ref key = {from[i], 0};
        const code_ref *hit =
            from[i][0] == '\0' || n_ref == 0
                ? NULL
                : bsearch(&key, ref, n_ref, sizeof *ref, cmp_code);
        map[i] = hit ? hit->index : -1;
    }
    free(ref);
    return map;
}

/* ------------------------------------------------------------------ */
/* The square country matrix (rules Q1-Q4)                             */
/* ------------------------------------------------------------------ */

typedef struct od_country {
    const char *code; /* borrowed from the axes */
    long row;         /* index on the origin axis, or -1 */
    long col;         /* index on the destination axis, or -1 */
} od_country;

typedef struct od_square {
    size_t n;
    od_country *country; /* n, sorted by code; owned, square_release */
} od_square;

static void square_release(od_square *sq)
{
    free(sq->country);
    sq->country = NULL;
    sq->n = 0;
}

/* Builds the country list of rule Q1 from the axes and the flows input.
 * On failure fills call->message and returns 1 (sq empty). */
static int square_build(silk_module_call *call, const char *name,
                        const silk_module_array *flows, od_square *sq)
{
    const silk_module_axes *ax = call->axes;
    size_t n_o = ax->n_origin, n_d = ax->n_destination;
    code_ref *ref = malloc((n_o + n_d + 1) * sizeof *ref);
    od_country *all = malloc((n_o + n_d + 1) * sizeof *all);
    long *origin_country = malloc((n_o + 1) * sizeof *origin_country);
    long *dest_country = malloc((n_d + 1) * sizeof *dest_country);
    unsigned char *seen = calloc(n_o + n_d + 1, 1);
    int rc = 0;

    sq->n = 0;
    sq->country = NULL;
    if (!ref || !all || !origin_country || !dest_country || !seen) {
        rc = silk_mod_fail(call, "%s: out of memory", name);
        goto done;
    }
    /* one list of both axes: index < n_o is an origin, else n_o + d */
    size_t n_ref = 0;
    for (size_t o = 0; o < n_o; o++) {
        origin_country[o] = -1;
        if (ax->origin[o][0] != '\0')
            ref[n_ref++] = (code_ref){ax->origin[o], (long)o};
    }
    for (size_t d = 0; d < n_d; d++) {
        dest_country[d] = -1;
        if (!is_country_level(ax, d))
            ref[n_ref++] = (code_ref){ax->destination[d], (long)(n_o + d)};
    }
    if (n_ref > 1)
        qsort(ref, n_ref, sizeof *ref, cmp_ref);

    size_t n_all = 0;
    for (size_t r = 0; r < n_ref; r++) {
        if (r == 0 || strcmp(ref[r].code, ref[r - 1].code) != 0)
            all[n_all++] = (od_country){ref[r].code, -1, -1};
        od_country *c = &all[n_all - 1];
        size_t ix = (size_t)ref[r].index;
        if (ix < n_o) {
            if (c->row >= 0) {
                rc = silk_mod_fail(call, "%s: code '%s' appears twice on "
                                   "the origin axis", name, c->code);
                goto done;
            }
            c->row = (long)ix;
            origin_country[ix] = (long)(n_all - 1);
        } else {
            if (c->col >= 0) {
                rc = silk_mod_fail(call, "%s: code '%s' appears twice on "
                                   "the destination axis", name, c->code);
                goto done;
            }
            c->col = (long)(ix - n_o);
            dest_country[ix - n_o] = (long)(n_all - 1);
        }
    }

    /* Q1: keep the codes the flows input says something about */
    for (size_t o = 0; o < n_o; o++) {
        if (origin_country[o] < 0)
            continue;
        for (size_t d = 0; d < n_d; d++) {
            if (dest_country[d] < 0)
                continue;
            const double *v = flows->value + silk_mod_cell(ax, o, d, 0);
            for (size_t p = 0; p < ax->n_period; p++)
                if (!isnan(v[p])) {
                    seen[origin_country[o]] = 1;
                    seen[dest_country[d]] = 1;
                    break;
                }
        }
    }
    size_t n = 0;
    for (size_t k = 0; k < n_all; k++)
        if (seen[k])
            all[n++] = all[k];
    sq->n = n;
    sq->country = all;
    all = NULL;
done:
    free(ref);
    free(all);
    free(origin_country);
    free(dest_country);
    free(seen);
    return rc;
}

/* The index of code in sq, or -1. */
static long square_find(const od_square *sq, const char *code)
{
    if (sq->n == 0 || code[0] == '\0')
        return -1;
    size_t lo = 0, hi = sq->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sq->country[mid].code, code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Period p of the flows as an n x n matrix m (row = origin) with a zero
 * diagonal; a cell missing from the input or from the axes is NaN.  f
 * holds each cell's flags (0 on the diagonal, which is ignored). */
static void square_load(const od_square *sq, const silk_module_axes *ax,
                        const silk_module_array *flows, size_t p, double *m,
                        uint32_t *f)
{
    size_t n = sq->n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            size_t k = i * n + j;
            long row = sq->country[i].row, col = sq->country[j].col;
            m[k] = i == j ? 0.0 : NAN;
            f[k] = 0;
            if (i == j || row < 0 || col < 0)
                continue;
            size_t c = silk_mod_cell(ax, (size_t)row, (size_t)col, p);
            m[k] = flows->value[c];
            f[k] = silk_mod_flags(flows, c);
        }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Gini of x[0..N) (sorted in place): sum_a sum_b |x_a - x_b| over
 * 2 N sum x (Plane and Mulligan) or 2 (N - 1) sum x (corrected, Bell et
 * al.).  NaN for no cells, a negative or missing one, a zero sum, or a
 * corrected Gini of one cell.  The double sum is O(N^2); on sorted
 * values it is 2 sum_i (2i - N + 1) x_(i), i from 0, which is O(N log N)
 * and matters for a 200-country matrix (N = 39,800). */
static double gini(double *x, size_t N, int corrected)
{
    if (N == 0 || (corrected && N < 2))
        return NAN;
    double total = 0.0;
    for (size_t i = 0; i < N; i++) {
        if (!(x[i] >= 0.0))
            return NAN;
        total += x[i];
    }
    if (!(total > 0.0))
        return NAN;
    if (N > 1)
        qsort(x, N, sizeof *x, cmp_double);
    double half = 0.0; /* half the sum over ordered pairs */
    for (size_t i = 0; i < N; i++)
        half += (2.0 * (double)i - (double)N + 1.0) * x[i];
    double cells = corrected ? (double)(N - 1) : (double)N;
    return 2.0 * half / (2.0 * cells * total);
}

/* ------------------------------------------------------------------ */
/* od_totals                                                           */
/* ------------------------------------------------------------------ */

static int totals_compute(silk_module_call *call);

static const silk_module_input flows_input[] = {
    {"flows", "migrant_stock",
     "bilateral flows or stocks, origin x destination, in persons", 0},
};

enum { TOT_OUT, TOT_IN, TOT_NET, TOT_TURNOVER };

static const silk_module_output totals_outputs[] = {
    {"out", "persons", "row sum: what leaves the country (O_i)"},
    {"in", "persons", "column sum: what enters the country (D_j)"},
    {"net", "persons", "in - out"},
    {"turnover", "persons", "in + out"},
};

static const silk_module od_totals = {
    SILK_MODULE_ABI,
    "od_totals",
    "1.0",
    "Out, in, net and turnover of each country (migest sum_region)",
    "For each country and period: out = the sum of its row of the flows "
    "matrix (O_i), in = the sum of its column (D_j), net = in - out, "
    "turnover = in + out, over the selected corridors. The diagonal "
    "(origin = destination) and the country-level destination are "
    "ignored. Missing cells count as absent; a sum whose cells are all "
    "missing, or that has none (a country that is not an origin has no "
    "out), is missing, and so are net and turnover when in or out is. "
    "Flags: the union of the flags of the cells summed.",
    SILK_MODULE_COUNTRY,
    flows_input,
    1,
    NULL,
    0,
    totals_outputs,
    4,
    totals_compute,
};

/* Adds cell i of in to the running sum *sum, which starts NaN, so the
 * sum of no present cell stays NaN (T3), and its flags to *flags.
 * Not silk_mod_total_*: T2 skips the diagonal, T3 drops NaN only. */
static void add_present(double *sum, uint32_t *flags,
                        const silk_module_array *in, size_t i)
{
    double v = in->value[i];
    if (isnan(v))
        return;
    *sum = isnan(*sum) ? v : *sum + v;
    *flags |= silk_mod_flags(in, i);
}

static int totals_compute(silk_module_call *call)
{
    size_t cells;
    if (check_call(call, &od_totals, &cells))
        return 1;
    clear(call, cells);
    const silk_module_axes *ax = call->axes;
    const silk_module_array *flows = &call->input[0];
    silk_module_result *out = &call->output[TOT_OUT];
    silk_module_result *in = &call->output[TOT_IN];
    size_t n_p = ax->n_period;

    for (size_t c = 0; c < ax->n_country; c++) {
        long self_o = ax->country_origin[c];
        long self_d = ax->country_destination[c];
        double *out_v = out->value + c * n_p, *in_v = in->value + c * n_p;
        uint32_t *out_f = out->flags + c * n_p, *in_f = in->flags + c * n_p;
        if (self_o >= 0)
            for (size_t d = 0; d < ax->n_destination; d++) {
                if ((long)d == self_d || is_country_level(ax, d))
                    continue; /* T2 */
                size_t k = silk_mod_cell(ax, (size_t)self_o, d, 0);
                for (size_t p = 0; p < n_p; p++) {
                    add_present(&out_v[p], &out_f[p], flows, k + p);
                }
            }
        if (self_d >= 0)
            for (size_t o = 0; o < ax->n_origin; o++) {
                if ((long)o == self_o || ax->origin[o][0] == '\0')
                    continue; /* T2 */
                size_t k = silk_mod_cell(ax, o, (size_t)self_d, 0);
                for (size_t p = 0; p < n_p; p++) {
                    add_present(&in_v[p], &in_f[p], flows, k + p);
                }
            }
    }
    for (size_t i = 0; i < cells; i++) {
        double o = out->value[i], d = in->value[i];
        uint32_t f = out->flags[i] | in->flags[i];
        put(&call->output[TOT_NET], i, d - o, f); /* T3: NaN stays */
        put(&call->output[TOT_TURNOVER], i, d + o, f);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* od_bilateral                                                        */
/* ------------------------------------------------------------------ */

static int bilateral_compute(silk_module_call *call);

enum { BIL_COUNTER, BIL_NET, BIL_INTERCHANGE };

static const silk_module_output bilateral_outputs[] = {
    {"counterflow", "persons", "the flow the other way, M[d][o]"},
    {"net", "persons", "flow - counterflow, M[o][d] - M[d][o]"},
    {"interchange", "persons", "flow + counterflow, M[o][d] + M[d][o]"},
};

static const silk_module od_bilateral = {
    SILK_MODULE_ABI,
    "od_bilateral",
    "1.0",
    "Counter-flow, net flow and interchange of each corridor "
    "(migest sum_bilat)",
    "For each corridor origin -> destination and period: counterflow = "
    "the flow destination -> origin, net = flow - counterflow, "
    "interchange = flow + counterflow. The counter-corridor is found by "
    "country code. Missing when a cell it needs is missing or not on the "
    "axes (the destination is not among the origins, or the reverse); "
    "the diagonal and the country-level destination stay missing (they "
    "are not corridors). Flags: the union of the two cells' flags "
    "(counterflow: its own cell's).",
    SILK_MODULE_CORRIDOR,
    flows_input,
    1,
    NULL,
    0,
    bilateral_outputs,
    3,
    bilateral_compute,
};

static int bilateral_compute(silk_module_call *call)
{
    size_t cells;
    if (check_call(call, &od_bilateral, &cells))
        return 1;
    clear(call, cells);
    const silk_module_axes *ax = call->axes;
    const silk_module_array *flows = &call->input[0];
    size_t n_p = ax->n_period;
    long *origin_as_dest =
        match_axis(ax->origin, ax->n_origin, ax->destination,
                   ax->n_destination);
    long *dest_as_origin =
        match_axis(ax->destination, ax->n_destination, ax->origin,
                   ax->n_origin);
    int rc = 0;
    if (origin_as_dest == NULL || dest_as_origin == NULL) {
        rc = silk_mod_fail(call, "od_bilateral: out of memory");
        goto done;
    }
    for (size_t o = 0; o < ax->n_origin; o++)
        for (size_t d = 0; d < ax->n_destination; d++) {
            long back_o = dest_as_origin[d], back_d = origin_as_dest[o];
            if (is_country_level(ax, d) || back_d == (long)d)
                continue; /* B3 */
            size_t k = silk_mod_cell(ax, o, d, 0);
            for (size_t p = 0; p < n_p; p++) {
                double flow = flows->value[k + p], counter = NAN;
                uint32_t f = silk_mod_flags(flows, k + p), fc = 0;
                if (back_o >= 0 && back_d >= 0) { /* B2 */
                    size_t r =
                        silk_mod_cell(ax, (size_t)back_o, (size_t)back_d, p);
                    counter = flows->value[r];
                    fc = silk_mod_flags(flows, r);
                }
                /* NaN in either operand gives NaN, which put skips */
                put(&call->output[BIL_COUNTER], k + p, counter, fc);
                put(&call->output[BIL_NET], k + p, flow - counter, f | fc);
                put(&call->output[BIL_INTERCHANGE], k + p, flow + counter,
                    f | fc);
            }
        }
done:
    free(origin_as_dest);
    free(dest_as_origin);
    return rc;
}

/* ------------------------------------------------------------------ */
/* od_indices                                                          */
/* ------------------------------------------------------------------ */

static int indices_compute(silk_module_call *call);

static const silk_module_input indices_inputs[] = {
    {"flows", "migrant_stock",
     "bilateral flows, origin x destination, in persons", 0},
    {"population", "population",
     "population of each country at the country-level destination, in "
     "persons (ANMR, CMI, Courgeau's k)", 1},
};

static const silk_module_param indices_params[] = {
    {"missing", SILK_PARAM_CHOICE, "nan", "nan|zero",
     "missing flow cells make the result missing (nan) or count as 0 "
     "(zero, for sources that drop zero cells)"},
};

enum {
    IND_MEI,
    IND_ANMR,
    IND_CMI,
    IND_COURGEAU,
    IND_CONNECTIVITY,
    IND_GINI,
    IND_GINI_CORRECTED
};

static const silk_module_output indices_outputs[] = {
    {"mei", "%",
     "migration effectiveness index, 100 sum|D-O| / sum(D+O)"},
    {"anmr", "%",
     "aggregate net migration rate, 100 0.5 sum|D-O| / sum P"},
    {"cmi", "%", "crude migration intensity, 100 sum M / sum P"},
    {"courgeau_k", "% per ln(n^2)", "Courgeau's k, CMI / ln(n^2)"},
    {"connectivity", "share (0-1)",
     "share of off-diagonal cells with a non-zero flow"},
    {"gini", "index (0-1)",
     "Gini of the off-diagonal flows (Plane and Mulligan)"},
    {"gini_corrected", "index (0-1)",
     "Gini of the off-diagonal flows, corrected (Bell et al.)"},
};

static const silk_module od_indices = {
    SILK_MODULE_ABI,
    "od_indices",
    "1.0",
    "Migration effectiveness, intensity, connectivity and focusing of the "
    "whole matrix (migest index_impact, index_connectivity)",
    "One figure per period over the square matrix of the countries the "
    "flows name (origins and destinations, the country-level entry "
    "excluded; n of them; diagonal zeroed). MEI = 100 sum|D_i - O_i| / "
    "sum(D_i + O_i); ANMR = 100 0.5 sum|D_i - O_i| / sum P_i; CMI = 100 "
    "sum M / sum P_i; Courgeau's k = CMI / ln(n^2); connectivity = share "
    "of the n(n-1) off-diagonal cells above zero; Gini = sum_a sum_b "
    "|m_a - m_b| / (2 N sum M) over the N = n(n-1) cells (Plane and "
    "Mulligan), corrected with 2 (N - 1) (Bell et al.). With missing=nan "
    "(default) a period with any missing off-diagonal cell is missing "
    "(an index over part of a matrix is not the index of the matrix); "
    "missing=zero counts them as 0, for sources that drop zero cells. A "
    "period with no flow at all, a negative flow, n < 2, or a zero total "
    "(MEI, Gini) is missing. ANMR, CMI and k are missing without the "
    "population input, when a country's population is missing, or when "
    "the total population is not positive. Flags: the union of the "
    "cells' flags (and the populations' for ANMR, CMI, k).",
    SILK_MODULE_MATRIX,
    indices_inputs,
    2,
    indices_params,
    1,
    indices_outputs,
    7,
    indices_compute,
};

/* sum P_i and the union of its flags; NaN when a population is missing
 * or not on the axes (I2). */
static double population_total(const od_square *sq,
                               const silk_module_axes *ax,
                               const silk_module_array *pop, size_t p,
                               uint32_t *flags)
{
    *flags = 0;
    if (!pop->present || ax->country_level < 0)
        return NAN;
    double total = 0.0;
    for (size_t i = 0; i < sq->n; i++) {
        long row = sq->country[i].row;
        if (row < 0)
            return NAN;
        size_t c =
            silk_mod_cell(ax, (size_t)row, (size_t)ax->country_level, p);
        *flags |= silk_mod_flags(pop, c);
        total += pop->value[c]; /* NaN stays NaN */
    }
    return total;
}

static int indices_compute(silk_module_call *call)
{
    size_t cells;
    long zero_missing;
    if (check_call(call, &od_indices, &cells) ||
        choice(call, &od_indices, 0, &zero_missing))
        return 1;
    clear(call, cells);
    const silk_module_axes *ax = call->axes;
    const silk_module_array *flows = &call->input[0];
    const silk_module_array *pop = &call->input[1];
    silk_module_result *out = call->output;
    od_square sq;
    double *m = NULL, *off = NULL;
    uint32_t *f = NULL;
    int rc = 0;

    if (square_build(call, "od_indices", flows, &sq))
        return 1;
    size_t n = sq.n;
    if (n < 2)
        goto done; /* I5 */
    size_t N = n * (n - 1);
    m = malloc(n * n * sizeof *m);
    f = malloc(n * n * sizeof *f);
    off = malloc(N * sizeof *off);
    if (m == NULL || f == NULL || off == NULL) {
        rc = silk_mod_fail(call, "od_indices: out of memory");
        goto done;
    }
    for (size_t p = 0; p < ax->n_period; p++) {
        square_load(&sq, ax, flows, p, m, f);
        size_t missing = 0, present = 0, negative = 0, positive = 0;
        uint32_t flags = 0;
        double total = 0.0;
        for (size_t k = 0, c = 0; k < n * n; k++) {
            if (k / n == k % n)
                continue;
            if (isnan(m[k])) {
                missing++;
                m[k] = 0.0; /* Q2 zero; with nan the period is skipped */
            } else {
                present++;
                flags |= f[k];
                negative += m[k] < 0.0;
                positive += m[k] > 0.0;
            }
            total += m[k];
            off[c++] = m[k];
        }
        uint32_t pop_flags;
        double pop_total = population_total(&sq, ax, pop, p, &pop_flags);
        if (present == 0 || (missing > 0 && !zero_missing) || negative > 0)
            continue; /* Q2, Q3, Q4 */

        double net_abs = 0.0; /* sum |D_i - O_i| */
        for (size_t i = 0; i < n; i++) {
            double o_i = 0.0, d_i = 0.0;
            for (size_t j = 0; j < n; j++) {
                o_i += m[i * n + j];
                d_i += m[j * n + i];
            }
            net_abs += fabs(d_i - o_i);
        }
        /* sum(D_i + O_i) is every flow counted twice, once at each end */
        if (total > 0.0)
            put(&out[IND_MEI], p, 100.0 * net_abs / (2.0 * total), flags);
        put(&out[IND_CONNECTIVITY], p, (double)positive / (double)N, flags);
        put(&out[IND_GINI], p, gini(off, N, 0), flags);
        put(&out[IND_GINI_CORRECTED], p, gini(off, N, 1), flags); /* sorted */
        if (pop_total > 0.0) { /* false for NaN too */
            double cmi = 100.0 * total / pop_total;
            flags |= pop_flags;
            put(&out[IND_ANMR], p, 100.0 * 0.5 * net_abs / pop_total, flags);
            put(&out[IND_CMI], p, cmi, flags);
            put(&out[IND_COURGEAU], p, cmi / log((double)(n * n)), flags);
        }
    }
done:
    free(m);
    free(f);
    free(off);
    square_release(&sq);
    return rc;
}

/* ------------------------------------------------------------------ */
/* od_gini                                                             */
/* ------------------------------------------------------------------ */

static int gini_compute(silk_module_call *call);

static const silk_module_param gini_params[] = {
    {"variant", SILK_PARAM_CHOICE, "corrected", "corrected|plane_mulligan",
     "denominator 2(N-1) sum (Bell et al.) or 2N sum (Plane and "
     "Mulligan), N = n-1 partners"},
    {"missing", SILK_PARAM_CHOICE, "nan", "nan|zero",
     "missing flow cells make the result missing (nan) or count as 0 "
     "(zero, for sources that drop zero cells)"},
};

enum { GINI_OUT, GINI_IN };

static const silk_module_output gini_outputs[] = {
    {"out_gini", "index (0-1)",
     "Gini of the country's flows to its n-1 partners"},
    {"in_gini", "index (0-1)",
     "Gini of the country's flows from its n-1 partners"},
};

static const silk_module od_gini = {
    SILK_MODULE_ABI,
    "od_gini",
    "1.0",
    "Spatial focusing of each country's out- and in-flows (Gini)",
    "For each country and period, over the square matrix of the "
    "countries the flows name (n of them, country-level entry excluded): "
    "out_gini = the Gini of its n-1 outflows, in_gini = of its n-1 "
    "inflows, sum_a sum_b |m_a - m_b| / (2 (N - 1) sum m) with N = n-1 "
    "(variant=corrected, Bell et al.) or 2 N sum m "
    "(variant=plane_mulligan). With missing=nan (default) a row (column) "
    "with a missing cell is missing; missing=zero counts missing cells as "
    "0. Missing too: a row of missing cells only, a negative flow, a zero "
    "sum, n = 2 with the corrected variant (N - 1 = 0), a country with no "
    "flows. Flags: the union of the row's (column's) cells' flags.",
    SILK_MODULE_COUNTRY,
    flows_input,
    1,
    gini_params,
    2,
    gini_outputs,
    2,
    gini_compute,
};

/* The Gini of the n-1 off-diagonal cells of row (or column) k of m;
 * buf holds n values.  Q2-Q4 and G2. */
static double gini_line(const double *m, const uint32_t *f, size_t n,
                        size_t k, int column, int corrected,
                        int zero_missing, double *buf, uint32_t *flags)
{
    size_t count = 0, missing = 0;
    *flags = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == k)
            continue;
        size_t c = column ? j * n + k : k * n + j;
        double v = m[c];
        if (isnan(v)) {
            missing++;
            v = 0.0;
        } else {
            *flags |= f[c];
        }
        buf[count++] = v;
    }
    if (missing == count || (missing > 0 && !zero_missing))
        return NAN;
    return gini(buf, count, corrected);
}

static int gini_compute(silk_module_call *call)
{
    size_t cells;
    long variant, zero_missing;
    if (check_call(call, &od_gini, &cells) ||
        choice(call, &od_gini, 0, &variant) ||
        choice(call, &od_gini, 1, &zero_missing))
        return 1;
    clear(call, cells);
    const silk_module_axes *ax = call->axes;
    const silk_module_array *flows = &call->input[0];
    int corrected = variant == 0;
    od_square sq;
    double *m = NULL, *buf = NULL;
    uint32_t *f = NULL;
    long *index = NULL;
    int rc = 0;

    if (square_build(call, "od_gini", flows, &sq))
        return 1;
    size_t n = sq.n;
    if (n == 0 || ax->n_country == 0)
        goto done;
    m = malloc(n * n * sizeof *m);
    f = malloc(n * n * sizeof *f);
    buf = malloc(n * sizeof *buf);
    index = malloc(ax->n_country * sizeof *index);
    if (m == NULL || f == NULL || buf == NULL || index == NULL) {
        rc = silk_mod_fail(call, "od_gini: out of memory");
        goto done;
    }
    for (size_t c = 0; c < ax->n_country; c++)
        index[c] = square_find(&sq, ax->country[c]);
    for (size_t p = 0; p < ax->n_period; p++) {
        square_load(&sq, ax, flows, p, m, f);
        for (size_t c = 0; c < ax->n_country; c++) {
            if (index[c] < 0)
                continue; /* G2: no flows */
            size_t k = (size_t)index[c], cell = c * ax->n_period + p;
            uint32_t fl;
            double g = gini_line(m, f, n, k, 0, corrected, (int)zero_missing,
                                 buf, &fl);
            put(&call->output[GINI_OUT], cell, g, fl);
            g = gini_line(m, f, n, k, 1, corrected, (int)zero_missing, buf,
                          &fl);
            put(&call->output[GINI_IN], cell, g, fl);
        }
    }
done:
    free(m);
    free(f);
    free(buf);
    free(index);
    square_release(&sq);
    return rc;
}

/* ------------------------------------------------------------------ */
/* stock_flows                                                         */
/* ------------------------------------------------------------------ */

static int stock_flows_compute(silk_module_call *call);

static const silk_module_input stock_inputs[] = {
    {"stock", "migrant_stock",
     "migrant stock, birthplace (origin) x residence (destination), in "
     "persons", 0},
};

static const silk_module_param stock_params[] = {
    {"method", SILK_PARAM_CHOICE, "zero", "zero|return",
     "zero: F = max(D, 0); return: also count falls as returns, "
     "F = max(D, 0) + transpose(max(-D, 0))"},
};

static const silk_module_output stock_outputs[] = {
    {"flow", "persons",
     "flow from origin to destination between the previous period and "
     "this one"},
};

static const silk_module od_stock_flows = {
    SILK_MODULE_ABI,
    "stock_flows",
    "1.0",
    "Flows estimated from differences in bilateral stocks (migest "
    "ffs_diff)",
    "For each period after the first, between it and the period before "
    "it on the axis (whatever their spacing): the diagonals are zeroed, "
    "D = S_now - S_before (rows = birthplace, columns = residence); "
    "method=zero: F = max(D, 0); method=return: F = max(D, 0) + "
    "transpose(max(-D, 0)) (a fall in the stock born in d living in o is "
    "a return flow o -> d). The value at a period is the flow that ended "
    "there; the first period stays missing. Missing when a stock cell it "
    "needs (both periods; for return also the counter-corridor) is "
    "missing or not on the axes. The diagonal is 0 where the stock's "
    "diagonal is present in both periods. Flags: the union of the cells "
    "used.",
    SILK_MODULE_CORRIDOR,
    stock_inputs,
    1,
    stock_params,
    1,
    stock_outputs,
    1,
    stock_flows_compute,
};

static int stock_flows_compute(silk_module_call *call)
{
    size_t cells;
    long method;
    if (check_call(call, &od_stock_flows, &cells) ||
        choice(call, &od_stock_flows, 0, &method))
        return 1;
    clear(call, cells);
    const silk_module_axes *ax = call->axes;
    const silk_module_array *stock = &call->input[0];
    silk_module_result *out = &call->output[0];
    long *origin_as_dest =
        match_axis(ax->origin, ax->n_origin, ax->destination,
                   ax->n_destination);
    long *dest_as_origin =
        match_axis(ax->destination, ax->n_destination, ax->origin,
                   ax->n_origin);
    int rc = 0;
    if (origin_as_dest == NULL || dest_as_origin == NULL) {
        rc = silk_mod_fail(call, "stock_flows: out of memory");
        goto done;
    }
    for (size_t o = 0; o < ax->n_origin; o++)
        for (size_t d = 0; d < ax->n_destination; d++) {
            if (is_country_level(ax, d))
                continue;
            long back_o = dest_as_origin[d], back_d = origin_as_dest[o];
            int diagonal = back_d == (long)d;
            size_t k = silk_mod_cell(ax, o, d, 0);
            for (size_t p = 1; p < ax->n_period; p++) { /* S1 */
                double before = stock->value[k + p - 1];
                double now = stock->value[k + p];
                uint32_t f = silk_mod_flags(stock, k + p - 1) |
                             silk_mod_flags(stock, k + p);
                /* S3: the zeroed diagonal gives D = 0, so F = 0 */
                double flow = diagonal ? 0.0 : fmax(now - before, 0.0);
                if (isnan(before) || isnan(now))
                    flow = NAN; /* S2 (fmax would drop a NaN) */
                if (method == 1 && !diagonal) {
                    double fall = NAN; /* max(-D[d][o], 0) */
                    if (back_o >= 0 && back_d >= 0) {
                        size_t r = silk_mod_cell(ax, (size_t)back_o,
                                                 (size_t)back_d, p);
                        double back_before = stock->value[r - 1];
                        double back_now = stock->value[r];
                        f |= silk_mod_flags(stock, r - 1) |
                             silk_mod_flags(stock, r);
                        if (!isnan(back_before) && !isnan(back_now))
                            fall = fmax(back_before - back_now, 0.0);
                    }
                    flow += fall; /* S2: NaN when the reverse is */
                }
                put(out, k + p, flow, f);
            }
        }
done:
    free(origin_as_dest);
    free(dest_as_origin);
    return rc;
}

/* ------------------------------------------------------------------ */

const silk_module *const silk_builtin_od[] = {
    &od_totals, &od_bilateral, &od_indices, &od_gini, &od_stock_flows,
};
const size_t silk_builtin_od_count =
    sizeof silk_builtin_od / sizeof silk_builtin_od[0];
