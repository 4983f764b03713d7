/*
 * detail.c: indicators whose rows are classified by categorical columns
 * (UNHCR's asylum tables: procedure_type, app_type, dec_level, app_pc;
 * its demographics: pop_type, location, ...).
 *
 * The rows are kept as read, one series per (origin, destination,
 * category), so nothing is summed that a user may want apart; the cube's
 * dense array holds the default aggregation (the sum over every category,
 * which is how UNHCR publishes its totals), and silk_cube_select sums any
 * other choice of categories on demand.  Sparse series rather than a
 * dense category axis: the demographics table has 5,813 categories over
 * 6,293 pairs, and a dense [category][origin][destination] array of it
 * would need 200M cells for 20,771 rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detail.h"

bool silk_category_column_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 64 || name[0] < 'a' || name[0] > 'z')
        return false;
    /* the store keeps the series keys beside the columns' datasets */
    if (strcmp(name, "series") == 0 || strncmp(name, "series_", 7) == 0 ||
        strcmp(name, "value") == 0 || strcmp(name, "flags") == 0 ||
        strcmp(name, "category") == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

void silk_detail_free(silk_detail *detail)
{
    if (detail == NULL)
        return;
    if (detail->column != NULL)
        for (size_t k = 0; k < detail->n_column; k++)
            free(detail->column[k]);
    free(detail->column);
    if (detail->category != NULL)
        for (size_t c = 0; c < detail->n_category; c++)
            free(detail->category[c]);
    free(detail->category);
    free(detail->origin);
    free(detail->destination);
    free(detail->category_of);
    free(detail->value);
    free(detail->flags);
    free(detail->set);
    free(detail);
}

int silk_detail_alloc(const char *const *columns, size_t n_column,
                      const char *const *categories, size_t n_category,
                      size_t n_series, size_t n_period, bool with_set,
                      silk_detail **out, silk_error *err)
{
    *out = NULL;
    size_t cells = n_series * n_period;
    if (n_period != 0 && cells / n_period != n_series)
        return silk_error_set(err, SILK_ENOMEM,
                              "categorical detail of %zu series is too large",
                              n_series);
    silk_detail *d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    d->column = calloc(n_column ? n_column : 1, sizeof *d->column);
    d->category = calloc(n_category ? n_category : 1, sizeof *d->category);
    d->origin = calloc(n_series ? n_series : 1, sizeof *d->origin);
    d->destination = calloc(n_series ? n_series : 1, sizeof *d->destination);
    d->category_of = calloc(n_series ? n_series : 1, sizeof *d->category_of);
    d->value = malloc((cells ? cells : 1) * sizeof *d->value);
    d->flags = calloc(cells ? cells : 1, sizeof *d->flags);
    if (with_set)
        d->set = calloc(cells ? cells : 1, 1);
    if (!d->column || !d->category || !d->origin || !d->destination ||
        !d->category_of || !d->value || !d->flags || (with_set && !d->set))
        goto nomem;
    /* counts follow the copies, so a partial failure frees only those */
    for (; d->n_column < n_column; d->n_column++)
        if ((d->column[d->n_column] = dupstr(columns[d->n_column])) == NULL)
            goto nomem;
    for (; d->n_category < n_category; d->n_category++)
        if ((d->category[d->n_category] =
                 dupstr(categories[d->n_category])) == NULL)
            goto nomem;
    d->n_series = n_series;
    for (size_t i = 0; i < cells; i++)
        d->value[i] = NAN;
    *out = d;
    return SILK_OK;
nomem:
    silk_detail_free(d);
    return silk_error_set(err, SILK_ENOMEM,
                          "out of memory allocating a categorical detail of "
                          "%zu series", n_series);
}

/* Value k of a joined tuple: its start and length. */
static const char *tuple_field(const char *joined, size_t k, size_t *len)
{
    const char *start = joined;
    for (; k > 0; k--) {
        const char *sep = strchr(start, SILK_CATEGORY_SEP);
        if (sep == NULL) {
            *len = 0;
            return start + strlen(start);
        }
        start = sep + 1;
    }
    const char *end = strchr(start, SILK_CATEGORY_SEP);
    *len = end ? (size_t)(end - start) : strlen(start);
    return start;
}

void silk_detail_category_value(const silk_detail *detail, size_t c, size_t k,
                                char *buf, size_t size)
{
    size_t len = 0;
    const char *v = c < detail->n_category
                        ? tuple_field(detail->category[c], k, &len)
                        : "";
    if (size == 0)
        return;
    if (len >= size)
        len = size - 1;
    memcpy(buf, v, len);
    buf[len] = '\0';
}

/* Sums the detail's series whose category is in mask (NULL: all) into the
 * cube's value and flags, which it overwrites. */
static void aggregate(silk_cube *cube, const silk_detail *d,
                      const unsigned char *mask)
{
    size_t total = cube->n_origin * cube->n_destination * cube->n_period;
    for (size_t i = 0; i < total; i++) {
        cube->value[i] = NAN;
        cube->flags[i] = 0;
    }
    for (size_t s = 0; s < d->n_series; s++) {
        if (mask != NULL && !mask[d->category_of[s]])
            continue;
        size_t row = silk_cube_index(cube, d->origin[s], d->destination[s], 0);
        const double *v = d->value + s * cube->n_period;
        const uint32_t *f = d->flags + s * cube->n_period;
        for (size_t p = 0; p < cube->n_period; p++) {
            double *cell = &cube->value[row + p];
            if (!isnan(v[p]))
                *cell = isnan(*cell) ? v[p] : *cell + v[p];
            cube->flags[row + p] |= f[p];
        }
    }
}

void silk_cube_aggregate(silk_cube *cube)
{
    if (cube != NULL && cube->detail != NULL)
        aggregate(cube, cube->detail, NULL);
}

/* "a, b, c" (the first 20 distinct values of column k) into buf. */
static void known_values(const silk_detail *d, size_t k, char *buf,
                         size_t size)
{
    size_t used = 0, listed = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < d->n_category && used < size; c++) {
        size_t len;
        const char *v = tuple_field(d->category[c], k, &len);
        bool seen = false;
        for (size_t e = 0; e < c && !seen; e++) {
            size_t elen;
            const char *ev = tuple_field(d->category[e], k, &elen);
            seen = elen == len && memcmp(ev, v, len) == 0;
        }
        if (seen)
            continue;
        if (listed++ == 20) {
            snprintf(buf + used, size - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s'%.*s'",
                                 used ? ", " : "", (int)len, v);
    }
}

static bool in_list(const char *v, size_t len, const silk_where *w)
{
    for (size_t i = 0; i < w->n_values; i++)
        if (strlen(w->values[i]) == len && memcmp(w->values[i], v, len) == 0)
            return true;
    return false;
}

int silk_cube_select(const silk_cube *cube, const silk_where *where,
                     size_t n_where, silk_cube **out, silk_error *err)
{
    *out = NULL;
    const silk_detail *d = cube->detail;
    if (d == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "indicator '%s' has no categorical columns; "
                              "expected no --where", cube->indicator);
    unsigned char *mask = malloc(d->n_category ? d->n_category : 1);
    if (mask == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    memset(mask, 1, d->n_category);
    char list[512];
    int status = SILK_OK;
    for (size_t w = 0; w < n_where && status == SILK_OK; w++) {
        size_t k = 0;
        while (k < d->n_column && strcmp(d->column[k], where[w].column) != 0)
            k++;
        if (k == d->n_column) {
            size_t used = 0;
            list[0] = '\0';
            for (size_t j = 0; j < d->n_column && used < sizeof list; j++)
                used += (size_t)snprintf(list + used, sizeof list - used,
                                         "%s%s", j ? ", " : "", d->column[j]);
            status = silk_error_set(err, SILK_EINVAL,
                                    "indicator '%s' has no categorical column "
                                    "'%s'; expected one of: %s",
                                    cube->indicator, where[w].column, list);
            break;
        }
        for (size_t i = 0; i < where[w].n_values; i++) {
            const char *want = where[w].values[i];
            bool found = false;
            for (size_t c = 0; c < d->n_category && !found; c++) {
                size_t len;
                const char *v = tuple_field(d->category[c], k, &len);
                found = strlen(want) == len && memcmp(v, want, len) == 0;
            }
            if (!found) {
                known_values(d, k, list, sizeof list);
                status = silk_error_set(
                    err, SILK_EINVAL,
                    "'%s' never occurs in column '%s' of indicator '%s'; "
                    "expected one of: %s",
                    want, d->column[k], cube->indicator, list);
                break;
            }
        }
        for (size_t c = 0; c < d->n_category && status == SILK_OK; c++) {
            size_t len;
            const char *v = tuple_field(d->category[c], k, &len);
            if (!in_list(v, len, &where[w]))
                mask[c] = 0;
        }
    }
    silk_cube *selected = NULL;
    if (status == SILK_OK)
        status = silk_cube_alloc(cube->indicator, cube->freq,
                                 (const char *const *)cube->origin,
                                 cube->n_origin,
                                 (const char *const *)cube->destination,
                                 cube->n_destination, cube->period,
                                 cube->n_period, false, &selected, err);
    if (status == SILK_OK &&
        ((status = silk_cube_set_unit(selected, cube->unit, err)) != SILK_OK ||
         (status = silk_cube_set_source(selected, cube->source, err)) !=
             SILK_OK)) {
        silk_cube_free(selected);
        selected = NULL;
    }
    if (status == SILK_OK) {
        aggregate(selected, d, mask);
        *out = selected;
    }
    free(mask);
    return status;
}

/* ------------------------------------------------------------------ */
/* Merge                                                               */
/* ------------------------------------------------------------------ */

typedef struct series_key {
    uint32_t origin, destination, category;
} series_key;

static int compare_keys(const void *a, const void *b)
{
    const series_key *x = a, *y = b;
    if (x->origin != y->origin)
        return x->origin < y->origin ? -1 : 1;
    if (x->destination != y->destination)
        return x->destination < y->destination ? -1 : 1;
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool same_columns(const silk_detail *a, const silk_detail *b)
{
    if (a->n_column != b->n_column)
        return false;
    for (size_t k = 0; k < a->n_column; k++)
        if (strcmp(a->column[k], b->column[k]) != 0)
            return false;
    return true;
}

/* The keys of d's series on the merged axes (monotone maps keep them
 * sorted). */
static series_key *mapped_keys(const silk_detail *d, const size_t *map_o,
                               const size_t *map_d, const size_t *map_c)
{
    series_key *keys = malloc((d->n_series ? d->n_series : 1) * sizeof *keys);
    if (keys == NULL)
        return NULL;
    for (size_t s = 0; s < d->n_series; s++) {
        keys[s].origin = (uint32_t)map_o[d->origin[s]];
        keys[s].destination = (uint32_t)map_d[d->destination[s]];
        keys[s].category = (uint32_t)map_c[d->category_of[s]];
    }
    return keys;
}

static void copy_series(const silk_detail *from, size_t from_periods,
                        silk_detail *to, size_t to_periods,
                        const size_t *map_s, const size_t *map_p)
{
    for (size_t s = 0; s < from->n_series; s++)
        for (size_t p = 0; p < from_periods; p++) {
            size_t src = s * from_periods + p;
            if (from->set != NULL && !from->set[src])
                continue;
            size_t dst = map_s[s] * to_periods + map_p[p];
            to->value[dst] = from->value[src];
            to->flags[dst] = from->flags[src];
        }
}

int silk_detail_merge(const silk_cube *base, const silk_cube *update,
                      silk_cube *merged, const size_t *base_o,
                      const size_t *base_d, const size_t *base_p,
                      const size_t *update_o, const size_t *update_d,
                      const size_t *update_p, silk_error *err)
{
    static const silk_detail none = {0};
    const silk_detail *db = base && base->detail ? base->detail : &none;
    const silk_detail *du = update->detail ? update->detail : &none;
    const silk_detail *cols = du != &none ? du : db;
    if (db != &none && du != &none && !same_columns(db, du))
        return silk_error_set(err, SILK_ECONFLICT,
                              "indicator '%s' is stored split by other "
                              "categorical columns than the input's; "
                              "expected the same columns",
                              update->indicator);

    int rc = SILK_ENOMEM;
    size_t n_category = 0, n_series = 0;
    char **categories = NULL;
    series_key *kb = NULL, *ku = NULL, *keys = NULL;
    silk_detail *out = NULL;
    size_t *maps = calloc(db->n_category + du->n_category + db->n_series +
                              du->n_series + 1,
                          sizeof *maps);
    if (maps == NULL)
        goto done;
    size_t *bc = maps, *uc = bc + db->n_category;
    size_t *bs = uc + du->n_category, *us = bs + db->n_series;
    categories = silk_union_sorted(db->category, db->n_category, du->category,
                                   du->n_category, sizeof *categories,
                                   compare_strings, &n_category, bc, uc);
    kb = mapped_keys(db, base_o, base_d, bc);
    ku = mapped_keys(du, update_o, update_d, uc);
    if (categories == NULL || kb == NULL || ku == NULL)
        goto done;
    keys = silk_union_sorted(kb, db->n_series, ku, du->n_series, sizeof *keys,
                             compare_keys, &n_series, bs, us);
    if (keys == NULL)
        goto done;
    rc = silk_detail_alloc((const char *const *)cols->column, cols->n_column,
                           (const char *const *)categories, n_category,
                           n_series, merged->n_period, false, &out, err);
    if (rc != SILK_OK)
        goto done;
    for (size_t s = 0; s < n_series; s++) {
        out->origin[s] = keys[s].origin;
        out->destination[s] = keys[s].destination;
        out->category_of[s] = keys[s].category;
    }
    if (db != &none)
        copy_series(db, base->n_period, out, merged->n_period, bs, base_p);
    copy_series(du, update->n_period, out, merged->n_period, us, update_p);
    silk_detail_free(merged->detail);
    merged->detail = out;
    silk_cube_aggregate(merged);
    rc = SILK_OK;
done:
    if (rc == SILK_ENOMEM && (err == NULL || err->code != SILK_ENOMEM))
        silk_error_set(err, SILK_ENOMEM, "out of memory merging '%s'",
                       update->indicator);
    free(maps);
    free(categories);
    free(kb);
    free(ku);
    free(keys);
    return rc;
}
