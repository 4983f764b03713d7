/*
 * common.h: helpers shared by the built-in modules of rates.c,
 * protection.c, returns.c, growth.c and od.c: the failure message, cell
 * indexing, a country's country-level value and totals over a row or a
 * column of the origin x destination matrix with one rule for missing
 * values (od.c takes the message, cell and flags helpers; its rules T2-T3
 * sum otherwise).  Kept out of silkstat/module.h so that header stays
 * the whole contract of an out-of-tree module.
 */
#ifndef SILK_MODULES_COMMON_H
#define SILK_MODULES_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "silkstat/module.h"

/* Index of cell (o, d, p) in a CORRIDOR input or output. */
static inline size_t silk_mod_cell(const silk_module_axes *axes, size_t o,
                                   size_t d, size_t p)
{
    return (o * axes->n_destination + d) * axes->n_period + p;
}

/* The flags of cell i of an input (0 if the input carries none). */
static inline uint32_t silk_mod_flags(const silk_module_array *in, size_t i)
{
    return in->flags ? in->flags[i] : 0;
}

/* Writes a one-line reason into call->message (truncated to fit) and
 * returns 1, compute's failure code. */
int silk_mod_fail(silk_module_call *call, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Stores value at cell i of out with flags; a non-finite value leaves the
 * cell missing (NaN, flags 0), so no result is ever a made-up number. */
void silk_mod_put(silk_module_result *out, size_t i, double value,
                  uint32_t flags);

/* The country-level value (destination "") of country c (an index on
 * axes->country) at period p, ORing its flags into *flags; NaN when the
 * axes have no "" entry (country_level -1), c is not on the origin axis,
 * or the cell is missing. */
double silk_mod_country_value(const silk_module_axes *axes,
                              const silk_module_array *in, size_t c,
                              size_t p, uint32_t *flags);

/* A total over the members of a row or column.  Rule, the same for
 * every module that sums: a member whose value is missing is left out
 * (a corridor absent from the data is missing, not zero, and most
 * corridors are absent); the total is NaN when no member has a value. */
typedef struct silk_mod_total {
    double sum;      /* NaN when n == 0 */
    size_t n;        /* members with a value */
    size_t negative; /* members with a value below 0 */
    uint32_t flags;  /* OR of the flags of the members with a value */
} silk_mod_total;

/* Over the destinations of origin o at period p, the country-level ""
 * entry excluded (it is not a destination). */
void silk_mod_total_row(const silk_module_axes *axes,
                        const silk_module_array *in, size_t o, size_t p,
                        silk_mod_total *out);

/* Over the origins of destination d at period p. */
void silk_mod_total_column(const silk_module_axes *axes,
                           const silk_module_array *in, size_t d, size_t p,
                           silk_mod_total *out);

#endif
