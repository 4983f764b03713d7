/*
 * cube.c: one indicator held as a dense [origin][destination][period]
 * array with sorted, labelled axes.  Ingest builds cubes from rows, the
 * store writes and reads them, stats and charts take series out of them;
 * merge is the upsert rule in one place.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"
#include "core/detail.h"
#include "core/memory.h"

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static char **copy_labels(const char *const *labels, size_t n)
{
    char **copy = calloc(n ? n : 1, sizeof *copy);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        copy[i] = dupstr(labels[i]);
        if (copy[i] == NULL) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

static void free_labels(char **labels, size_t n)
{
    if (labels == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
}

/* silk_cube_alloc; with fill false, value is left for the caller to
 * write in full (the NaN pass over a large cube is not free). */
static int cube_alloc(const char *indicator, silk_freq freq,
                      const char *const *origin, size_t n_origin,
                      const char *const *destination, size_t n_destination,
                      const silk_period *period, size_t n_period,
                      bool with_set, bool fill, silk_cube **out,
                      silk_error *err)
{
    *out = NULL;
    size_t cells = n_origin * n_destination;
    if (n_destination != 0 && cells / n_destination != n_origin)
        return silk_error_set(err, SILK_ENOMEM, "cube '%s' is too large",
                              indicator);
    size_t total = cells * n_period;
    if (n_period != 0 && total / n_period != cells)
        return silk_error_set(err, SILK_ENOMEM, "cube '%s' is too large",
                              indicator);

    silk_cube *cube = calloc(1, sizeof *cube);
    if (cube == NULL)
        goto nomem;
    cube->freq = freq;
    cube->n_origin = n_origin;
    cube->n_destination = n_destination;
    cube->n_period = n_period;
    cube->indicator = dupstr(indicator);
    cube->unit = dupstr("");
    cube->source = dupstr("");
    cube->origin = copy_labels(origin, n_origin);
    cube->destination = copy_labels(destination, n_destination);
    cube->period = malloc((n_period ? n_period : 1) * sizeof *cube->period);
    cube->value = malloc((total ? total : 1) * sizeof *cube->value);
    cube->flags = calloc(total ? total : 1, sizeof *cube->flags);
    if (with_set)
        cube->set = calloc(total ? total : 1, 1);
    if (!cube->indicator || !cube->unit || !cube->source || !cube->origin ||
        !cube->destination || !cube->period || !cube->value || !cube->flags ||
        (with_set && !cube->set))
        goto nomem;
    if (n_period > 0)
        memcpy(cube->period, period, n_period * sizeof *period);
    silk_advise_huge(cube->value, total * sizeof *cube->value);
    silk_advise_huge(cube->flags, total * sizeof *cube->flags);
    if (with_set)
        silk_advise_huge(cube->set, total);
    if (fill)
        for (size_t i = 0; i < total; i++)
            cube->value[i] = NAN;
    *out = cube;
    return SILK_OK;

nomem:
    silk_cube_free(cube);
    return silk_error_set(err, SILK_ENOMEM,
                          "out of memory allocating cube '%s' (%zu cells)",
                          indicator, total);
}

int silk_cube_alloc(const char *indicator, silk_freq freq,
                    const char *const *origin, size_t n_origin,
                    const char *const *destination, size_t n_destination,
                    const silk_period *period, size_t n_period, bool with_set,
                    silk_cube **out, silk_error *err)
{
    return cube_alloc(indicator, freq, origin, n_origin, destination,
                      n_destination, period, n_period, with_set, true, out,
                      err);
}

void silk_cube_free(silk_cube *cube)
{
    if (cube == NULL)
        return;
    free(cube->indicator);
    free(cube->unit);
    free(cube->source);
    free_labels(cube->origin, cube->n_origin);
    free_labels(cube->destination, cube->n_destination);
    free(cube->period);
    free(cube->value);
    free(cube->flags);
    free(cube->set);
    silk_detail_free(cube->detail);
    silk_derivation_free(cube->derivation);
    free(cube);
}

/* ---- Derivation records (what made a derived indicator) ---- */

void silk_derivation_free(silk_derivation *d)
{
    if (d == NULL)
        return;
    free(d->module);
    free(d->module_version);
    free(d->parameters);
    free(d->selection);
    free(d->inputs);
    free(d->input_provenance);
    free(d->created);
    free(d->silkstat_version);
    free(d);
}

int silk_derivation_copy(const silk_derivation *from, silk_derivation **out,
                         silk_error *err)
{
    *out = NULL;
    silk_derivation *d = calloc(1, sizeof *d);
    if (d == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    /* A NULL field reads as "": the struct promises never NULL. */
    char **to[] = {&d->module,     &d->module_version,   &d->parameters,
                   &d->selection,  &d->inputs,           &d->input_provenance,
                   &d->created,    &d->silkstat_version};
    const char *text[] = {from->module,    from->module_version,
                          from->parameters, from->selection,
                          from->inputs,    from->input_provenance,
                          from->created,   from->silkstat_version};
    for (size_t i = 0; i < sizeof to / sizeof *to; i++)
        if ((*to[i] = dupstr(text[i] ? text[i] : "")) == NULL) {
            silk_derivation_free(d);
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
    *out = d;
    return SILK_OK;
}

/* The merged cube keeps the record of what made it: update's, else
 * base's (an ingest into a derived indicator keeps the record). */
static int carry_derivation(const silk_cube *base, const silk_cube *update,
                            silk_cube *merged, silk_error *err)
{
    const silk_derivation *d = update->derivation ? update->derivation
                               : base != NULL     ? base->derivation
                                                  : NULL;
    if (d == NULL)
        return SILK_OK;
    return silk_derivation_copy(d, &merged->derivation, err);
}

static int replace_text(char **slot, const char *text, silk_error *err)
{
    char *copy = dupstr(text ? text : "");
    if (copy == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    free(*slot);
    *slot = copy;
    return SILK_OK;
}

int silk_cube_set_unit(silk_cube *cube, const char *unit, silk_error *err)
{
    return replace_text(&cube->unit, unit, err);
}

int silk_cube_set_source(silk_cube *cube, const char *source, silk_error *err)
{
    return replace_text(&cube->source, source, err);
}

static size_t find_label(char *const *labels, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(labels[mid], code);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

size_t silk_cube_find_origin(const silk_cube *cube, const char *code)
{
    return find_label(cube->origin, cube->n_origin, code);
}

size_t silk_cube_find_destination(const silk_cube *cube, const char *code)
{
    return find_label(cube->destination, cube->n_destination, code);
}

size_t silk_cube_find_period(const silk_cube *cube, silk_period p)
{
    size_t lo = 0, hi = cube->n_period;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = silk_period_compare(cube->period[mid], p);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

void *silk_union_sorted(const void *a, size_t na, const void *b, size_t nb,
                        size_t size, int (*cmp)(const void *, const void *),
                        size_t *n_out, size_t *map_a, size_t *map_b)
{
    char *u = malloc((na + nb ? na + nb : 1) * size);
    if (u == NULL)
        return NULL;
    const char *pa = a, *pb = b;
    size_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : cmp(pa + i * size, pb + j * size);
        if (c <= 0) {
            map_a[i] = n;
            if (c == 0)
                map_b[j++] = n;
            memcpy(u + n++ * size, pa + i++ * size, size);
        } else {
            map_b[j] = n;
            memcpy(u + n++ * size, pb + j++ * size, size);
        }
    }
    *n_out = n;
    return u;
}

static int compare_labels(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_periods(const void *a, const void *b)
{
    return silk_period_compare(*(const silk_period *)a,
                               *(const silk_period *)b);
}

static void copy_cells(const silk_cube *from, silk_cube *to,
                       const size_t *map_o, const size_t *map_d,
                       const size_t *map_p, bool only_set)
{
    for (size_t o = 0; o < from->n_origin; o++)
        for (size_t d = 0; d < from->n_destination; d++)
            for (size_t p = 0; p < from->n_period; p++) {
                size_t src = silk_cube_index(from, o, d, p);
                if (only_set && !from->set[src])
                    continue;
                size_t dst = silk_cube_index(to, map_o[o], map_d[d], map_p[p]);
                to->value[dst] = from->value[src];
                to->flags[dst] = from->flags[src];
            }
}

/* A new categorical indicator: update's detail on the same axes. */
static int merge_new_detail(const silk_cube *update, silk_cube *merged,
                            silk_error *err)
{
    size_t n = update->n_origin + update->n_destination + update->n_period;
    size_t *identity = malloc((n ? n : 1) * sizeof *identity);
    if (identity == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory merging '%s'",
                              update->indicator);
    size_t *io = identity, *id = io + update->n_origin;
    size_t *ip = id + update->n_destination;
    for (size_t i = 0; i < update->n_origin; i++)
        io[i] = i;
    for (size_t i = 0; i < update->n_destination; i++)
        id[i] = i;
    for (size_t i = 0; i < update->n_period; i++)
        ip[i] = i;
    int rc = silk_detail_merge(NULL, update, merged, NULL, NULL, NULL, io, id,
                               ip, err);
    free(identity);
    return rc;
}

int silk_cube_merge(const silk_cube *base, const silk_cube *update,
                    silk_cube **out, silk_error *err)
{
    static const silk_cube empty = {0};
    *out = NULL;
    if (base == NULL) {
        base = &empty;
    } else {
        if (base->freq != update->freq)
            return silk_error_set(
                err, SILK_ECONFLICT,
                "indicator '%s' is stored with %s periods; the input has %s "
                "periods (one indicator holds one frequency)",
                update->indicator,
                base->freq == SILK_FREQ_MONTHLY     ? "monthly"
                : base->freq == SILK_FREQ_QUARTERLY ? "quarterly"
                                                    : "annual",
                update->freq == SILK_FREQ_MONTHLY     ? "monthly"
                : update->freq == SILK_FREQ_QUARTERLY ? "quarterly"
                                                      : "annual");
        if ((base->detail == NULL) != (update->detail == NULL))
            return silk_error_set(
                err, SILK_ECONFLICT,
                "indicator '%s' is stored %s categorical columns; the input "
                "has %s (an indicator is split by categories or not)",
                update->indicator, base->detail ? "with" : "without",
                update->detail ? "some" : "none");
        if (base->unit[0] && update->unit[0] &&
            strcmp(base->unit, update->unit) != 0)
            return silk_error_set(err, SILK_ECONFLICT,
                                  "indicator '%s' is stored in unit '%s'; the "
                                  "input gives unit '%s'",
                                  update->indicator, base->unit, update->unit);
    }

    if (base == &empty) {
        /* A new indicator: the merged cube is update on the same axes,
         * NaN and no flags where update names nothing.  One linear pass
         * instead of three axis unions and an indexed copy. */
        silk_cube *merged = NULL;
        int st = cube_alloc(update->indicator, update->freq,
                            (const char *const *)update->origin,
                            update->n_origin,
                            (const char *const *)update->destination,
                            update->n_destination, update->period,
                            update->n_period, false, false, &merged, err);
        if (st != SILK_OK)
            return st;
        size_t total =
            update->n_origin * update->n_destination * update->n_period;
        if (update->set == NULL) {
            memcpy(merged->value, update->value, total * sizeof *update->value);
            memcpy(merged->flags, update->flags, total * sizeof *update->flags);
        } else {
            for (size_t k = 0; k < total; k++) {
                bool set = update->set[k] != 0;
                merged->value[k] = set ? update->value[k] : NAN;
                merged->flags[k] = set ? update->flags[k] : 0;
            }
        }
        const char *unit = update->unit ? update->unit : "";
        const char *source = update->source ? update->source : "";
        if ((st = silk_cube_set_unit(merged, unit, err)) != SILK_OK ||
            (st = silk_cube_set_source(merged, source, err)) != SILK_OK ||
            (update->detail != NULL &&
             (st = merge_new_detail(update, merged, err)) != SILK_OK) ||
            (st = carry_derivation(NULL, update, merged, err)) != SILK_OK) {
            silk_cube_free(merged);
            return st;
        }
        *out = merged;
        return SILK_OK;
    }

    int rc = SILK_ENOMEM;
    const char **origin = NULL, **destination = NULL;
    silk_period *period = NULL;
    size_t n_origin = 0, n_destination = 0, n_period = 0;
    size_t *maps = calloc(2 * (base->n_origin + base->n_destination +
                               base->n_period + update->n_origin +
                               update->n_destination + update->n_period) + 1,
                          sizeof *maps);
    if (maps == NULL)
        goto done;
    size_t *bo = maps, *uo = bo + base->n_origin;
    size_t *bd = uo + update->n_origin, *ud = bd + base->n_destination;
    size_t *bp = ud + update->n_destination, *up = bp + base->n_period;

    origin = silk_union_sorted(base->origin, base->n_origin, update->origin,
                        update->n_origin, sizeof *origin, compare_labels,
                        &n_origin, bo, uo);
    destination = silk_union_sorted(base->destination, base->n_destination,
                             update->destination, update->n_destination,
                             sizeof *destination, compare_labels,
                             &n_destination, bd, ud);
    period = silk_union_sorted(base->period, base->n_period, update->period,
                        update->n_period, sizeof *period, compare_periods,
                        &n_period, bp, up);
    if (origin == NULL || destination == NULL || period == NULL)
        goto done;

    silk_cube *merged = NULL;
    rc = silk_cube_alloc(update->indicator, update->freq, origin, n_origin,
                         destination, n_destination, period, n_period, false,
                         &merged, err);
    if (rc != SILK_OK)
        goto done;
    if (update->detail != NULL) {
        rc = silk_detail_merge(base, update, merged, bo, bd, bp, uo, ud, up,
                               err);
        if (rc != SILK_OK) {
            silk_cube_free(merged);
            goto done;
        }
    } else {
        copy_cells(base, merged, bo, bd, bp, false);
        copy_cells(update, merged, uo, ud, up, update->set != NULL);
    }

    const char *unit = update->unit[0] ? update->unit : base->unit;
    const char *source = update->source[0] ? update->source : base->source;
    if ((rc = silk_cube_set_unit(merged, unit ? unit : "", err)) != SILK_OK ||
        (rc = silk_cube_set_source(merged, source ? source : "", err)) !=
            SILK_OK ||
        (rc = carry_derivation(base, update, merged, err)) != SILK_OK) {
        silk_cube_free(merged);
        goto done;
    }
    *out = merged;
    rc = SILK_OK;

done:
    if (rc == SILK_ENOMEM && (err == NULL || err->code != SILK_ENOMEM))
        silk_error_set(err, SILK_ENOMEM, "out of memory merging '%s'",
                       update->indicator);
    free(maps);
    free(origin);
    free(destination);
    free(period);
    return rc;
}
