/*
 * detail.h: the categorical breakdown of a cube (silk_detail), shared by
 * cube.c (free, merge), batch.c (build) and the store (read).  Internal:
 * not in the public header.
 */
#ifndef SILK_CORE_DETAIL_H
#define SILK_CORE_DETAIL_H

#include "silkstat.h"

/* A detail with copies of the column names and categories, n_series
 * series over n_period periods: every value NaN, every flag 0, the series
 * keys zero (the caller fills them), `set` allocated when with_set. */
int silk_detail_alloc(const char *const *columns, size_t n_column,
                      const char *const *categories, size_t n_category,
                      size_t n_series, size_t n_period, bool with_set,
                      silk_detail **out, silk_error *err);
void silk_detail_free(silk_detail *detail);

/* Merges the details of base and update into merged (whose axes are the
 * union of theirs; map_* give each input position on them) and recomputes
 * merged's aggregate.  Either detail may be NULL for an empty side. */
int silk_detail_merge(const silk_cube *base, const silk_cube *update,
                      silk_cube *merged, const size_t *base_o,
                      const size_t *base_d, const size_t *base_p,
                      const size_t *update_o, const size_t *update_d,
                      const size_t *update_p, silk_error *err);

/* Union of two sorted arrays of `size`-byte elements ordered by cmp;
 * map_a/map_b get each input element's position in the union (cube.c). */
void *silk_union_sorted(const void *a, size_t na, const void *b, size_t nb,
                        size_t size, int (*cmp)(const void *, const void *),
                        size_t *n_out, size_t *map_a, size_t *map_b);

#endif
