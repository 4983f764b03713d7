/*
 * batch.c: the cells of one ingest run, held sparsely until commit.
 *
 * Memory grows with the number of distinct cells, never with the size of
 * the input files (an identical repeated row costs nothing).  Each cell
 * remembers the file and line that set it, so a conflicting duplicate in
 * one file is reported with both lines, and a later file may overwrite an
 * earlier one (upsert within a run, as across runs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"

typedef struct cell {
    uint32_t origin, destination; /* ids in the batch's code table */
    long ordinal;
    double value;
    uint32_t flags;
    unsigned file_index;
    size_t line;
} cell;

typedef struct indicator {
    char *name;
    char *unit;
    char *source;
    silk_freq freq;
    size_t freq_line; /* where the frequency was first seen */
    cell *cells;
    size_t n_cells, cap_cells;
    uint32_t *slots; /* open addressing: cell index + 1, 0 = empty */
    size_t n_slots;
    unsigned last_file; /* for provenance: files that touched it */
    unsigned *files;
    size_t n_files, cap_files;
} indicator;

struct silk_batch {
    indicator *indicators;
    size_t n_indicators, cap_indicators;
    size_t last; /* index of the indicator of the previous put */
    /* interned country codes ("" included); id = position */
    char (*codes)[SILK_CODE_LEN + 1];
    size_t n_codes, cap_codes;
    uint32_t *code_slots;
    size_t n_code_slots;
    silk_provenance *prov;
    size_t n_prov, cap_prov;
};

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static int grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return SILK_OK;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, n * size);
    if (p == NULL)
        return SILK_ENOMEM;
    *array = p;
    *cap = n;
    return SILK_OK;
}

static uint64_t mix(uint64_t h)
{
    /* splitmix64 finaliser: cheap and spreads consecutive keys well */
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    return h ^ (h >> 31);
}

static uint64_t cell_hash(uint32_t o, uint32_t d, long ordinal)
{
    return mix(((uint64_t)o << 40) ^ ((uint64_t)d << 20) ^ (uint64_t)ordinal);
}

static uint64_t code_hash(const char *code)
{
    uint64_t h = 0;
    for (const char *c = code; *c; c++)
        h = h * 131 + (unsigned char)*c;
    return mix(h + 1);
}

int silk_batch_alloc(silk_batch **out, silk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    return SILK_OK;
}

void silk_provenance_release(silk_provenance *prov)
{
    if (prov == NULL)
        return;
    free(prov->file);
    free(prov->time);
    free(prov->version);
    free(prov->indicators);
    memset(prov, 0, sizeof *prov);
}

void silk_batch_free(silk_batch *batch)
{
    if (batch == NULL)
        return;
    for (size_t i = 0; i < batch->n_indicators; i++) {
        indicator *ind = &batch->indicators[i];
        free(ind->name);
        free(ind->unit);
        free(ind->source);
        free(ind->cells);
        free(ind->slots);
        free(ind->files);
    }
    free(batch->indicators);
    free(batch->codes);
    free(batch->code_slots);
    for (size_t i = 0; i < batch->n_prov; i++)
        silk_provenance_release(&batch->prov[i]);
    free(batch->prov);
    free(batch);
}

static int rehash_codes(silk_batch *batch)
{
    size_t n = batch->n_code_slots ? batch->n_code_slots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return SILK_ENOMEM;
    for (size_t id = 0; id < batch->n_codes; id++) {
        size_t s = code_hash(batch->codes[id]) & (n - 1);
        while (slots[s])
            s = (s + 1) & (n - 1);
        slots[s] = (uint32_t)id + 1;
    }
    free(batch->code_slots);
    batch->code_slots = slots;
    batch->n_code_slots = n;
    return SILK_OK;
}

static int intern_code(silk_batch *batch, const char *code, uint32_t *id)
{
    if (2 * (batch->n_codes + 1) > batch->n_code_slots &&
        rehash_codes(batch) != SILK_OK)
        return SILK_ENOMEM;
    size_t mask = batch->n_code_slots - 1;
    size_t s = code_hash(code) & mask;
    for (; batch->code_slots[s]; s = (s + 1) & mask) {
        uint32_t candidate = batch->code_slots[s] - 1;
        if (strcmp(batch->codes[candidate], code) == 0) {
            *id = candidate;
            return SILK_OK;
        }
    }
    if (grow((void **)&batch->codes, &batch->cap_codes, batch->n_codes + 1,
             sizeof *batch->codes) != SILK_OK)
        return SILK_ENOMEM;
    snprintf(batch->codes[batch->n_codes], SILK_CODE_LEN + 1, "%s", code);
    batch->code_slots[s] = (uint32_t)batch->n_codes + 1;
    *id = (uint32_t)batch->n_codes++;
    return SILK_OK;
}

static int find_indicator(silk_batch *batch, const char *name, size_t *out)
{
    if (batch->last < batch->n_indicators &&
        strcmp(batch->indicators[batch->last].name, name) == 0) {
        *out = batch->last;
        return SILK_OK;
    }
    for (size_t i = 0; i < batch->n_indicators; i++)
        if (strcmp(batch->indicators[i].name, name) == 0) {
            *out = batch->last = i;
            return SILK_OK;
        }
    if (grow((void **)&batch->indicators, &batch->cap_indicators,
             batch->n_indicators + 1, sizeof *batch->indicators) != SILK_OK)
        return SILK_ENOMEM;
    indicator *ind = &batch->indicators[batch->n_indicators];
    memset(ind, 0, sizeof *ind);
    ind->name = dupstr(name);
    ind->unit = dupstr("");
    ind->source = dupstr("");
    if (!ind->name || !ind->unit || !ind->source) {
        free(ind->name);
        free(ind->unit);
        free(ind->source);
        return SILK_ENOMEM;
    }
    *out = batch->last = batch->n_indicators++;
    return SILK_OK;
}

static int rehash_cells(indicator *ind)
{
    size_t n = ind->n_slots ? ind->n_slots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return SILK_ENOMEM;
    for (size_t i = 0; i < ind->n_cells; i++) {
        const cell *c = &ind->cells[i];
        size_t s = cell_hash(c->origin, c->destination, c->ordinal) & (n - 1);
        while (slots[s])
            s = (s + 1) & (n - 1);
        slots[s] = (uint32_t)i + 1;
    }
    free(ind->slots);
    ind->slots = slots;
    ind->n_slots = n;
    return SILK_OK;
}

static const char *freq_name(silk_freq freq)
{
    switch (freq) {
    case SILK_FREQ_MONTHLY: return "monthly";
    case SILK_FREQ_QUARTERLY: return "quarterly";
    default: return "annual";
    }
}

static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

int silk_batch_put(silk_batch *batch, const char *indicator_name,
                   const char *origin, const char *destination,
                   silk_period period, double value, uint32_t flags,
                   const char *unit, const char *source, unsigned file_index,
                   size_t line, silk_error *err)
{
    size_t i;
    uint32_t o, d;
    if (find_indicator(batch, indicator_name, &i) != SILK_OK ||
        intern_code(batch, origin, &o) != SILK_OK ||
        intern_code(batch, destination ? destination : "", &d) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    indicator *ind = &batch->indicators[i];

    if (ind->freq == SILK_FREQ_NONE) {
        ind->freq = period.freq;
        ind->freq_line = line;
    } else if (ind->freq != period.freq) {
        return silk_error_set(err, SILK_ECONFLICT,
                              "indicator '%s' has %s periods since line %zu; "
                              "expected no %s period in the same indicator",
                              indicator_name, freq_name(ind->freq),
                              ind->freq_line, freq_name(period.freq));
    }
    if (unit != NULL && unit[0] != '\0') {
        if (ind->unit[0] == '\0') {
            char *copy = dupstr(unit);
            if (copy == NULL)
                return silk_error_set(err, SILK_ENOMEM, "out of memory");
            free(ind->unit);
            ind->unit = copy;
        } else if (strcmp(ind->unit, unit) != 0) {
            return silk_error_set(err, SILK_ECONFLICT,
                                  "unit '%s' differs from unit '%s' given "
                                  "earlier for indicator '%s'; expected one "
                                  "unit per indicator",
                                  unit, ind->unit, indicator_name);
        }
    }
    if (source != NULL && source[0] != '\0' && strcmp(ind->source, source)) {
        /* The last source named wins: a later file may cite a revision. */
        char *copy = dupstr(source);
        if (copy == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        free(ind->source);
        ind->source = copy;
    }
    if (ind->n_files == 0 || ind->last_file != file_index) {
        if (grow((void **)&ind->files, &ind->cap_files,
                 ind->n_files + 1, sizeof *ind->files) != SILK_OK)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        ind->files[ind->n_files++] = file_index;
        ind->last_file = file_index;
    }

    if (2 * (ind->n_cells + 1) > ind->n_slots && rehash_cells(ind) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    long ordinal = silk_period_ordinal(period);
    size_t mask = ind->n_slots - 1;
    size_t s = cell_hash(o, d, ordinal) & mask;
    for (; ind->slots[s]; s = (s + 1) & mask) {
        cell *c = &ind->cells[ind->slots[s] - 1];
        if (c->origin != o || c->destination != d || c->ordinal != ordinal)
            continue;
        bool same = same_value(c->value, value) && c->flags == flags;
        if (c->file_index == file_index && same)
            return SILK_OK; /* keep the first line for later messages */
        if (c->file_index == file_index) {
            char label[SILK_PERIOD_LABEL_MAX];
            silk_period_format(period, label);
            return silk_error_set(
                err, SILK_ECONFLICT,
                "duplicate key (%s, %s, %s, %s) with a different value than "
                "on line %zu; expected each key once per file",
                indicator_name, origin,
                destination && destination[0] ? destination : "-", label,
                c->line);
        }
        c->value = value;
        c->flags = flags;
        c->file_index = file_index;
        c->line = line;
        return SILK_OK;
    }
    if (grow((void **)&ind->cells, &ind->cap_cells, ind->n_cells + 1,
             sizeof *ind->cells) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    ind->cells[ind->n_cells] = (cell){o, d, ordinal, value, flags, file_index,
                                      line};
    ind->slots[s] = (uint32_t)++ind->n_cells;
    return SILK_OK;
}

int silk_batch_add_provenance(silk_batch *batch, unsigned file_index,
                              const char *file, const char sha256[65],
                              uint64_t rows, silk_error *err)
{
    size_t len = 1;
    for (size_t i = 0; i < batch->n_indicators; i++)
        for (size_t f = 0; f < batch->indicators[i].n_files; f++)
            if (batch->indicators[i].files[f] == file_index)
                len += strlen(batch->indicators[i].name) + 1;
    char *names = malloc(len);
    if (names == NULL ||
        grow((void **)&batch->prov, &batch->cap_prov, batch->n_prov + 1,
             sizeof *batch->prov) != SILK_OK) {
        free(names);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    names[0] = '\0';
    for (size_t i = 0; i < batch->n_indicators; i++)
        for (size_t f = 0; f < batch->indicators[i].n_files; f++)
            if (batch->indicators[i].files[f] == file_index) {
                if (names[0])
                    strcat(names, ",");
                strcat(names, batch->indicators[i].name);
                break;
            }

    silk_provenance *p = &batch->prov[batch->n_prov];
    memset(p, 0, sizeof *p);
    p->file = dupstr(file);
    p->version = dupstr(SILK_VERSION);
    p->indicators = names;
    p->rows = rows;
    snprintf(p->sha256, sizeof p->sha256, "%s", sha256);
    if (p->file == NULL || p->version == NULL) {
        silk_provenance_release(p);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    batch->n_prov++;
    return SILK_OK;
}

size_t silk_batch_indicator_count(const silk_batch *batch)
{
    return batch->n_indicators;
}

const char *silk_batch_indicator_name(const silk_batch *batch, size_t i)
{
    return i < batch->n_indicators ? batch->indicators[i].name : NULL;
}

size_t silk_batch_provenance_count(const silk_batch *batch)
{
    return batch->n_prov;
}

const silk_provenance *silk_batch_provenance(const silk_batch *batch, size_t i)
{
    return i < batch->n_prov ? &batch->prov[i] : NULL;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_longs(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Sorted distinct labels among the ids used; fills position[id]. */
static const char **axis_labels(const silk_batch *batch, const bool *used,
                                size_t *position, size_t *n_out)
{
    const char **labels = malloc((batch->n_codes + 1) * sizeof *labels);
    if (labels == NULL)
        return NULL;
    size_t n = 0;
    for (size_t id = 0; id < batch->n_codes; id++)
        if (used[id])
            labels[n++] = batch->codes[id];
    qsort(labels, n, sizeof *labels, compare_strings);
    for (size_t k = 0; k < n; k++)
        position[(const char(*)[SILK_CODE_LEN + 1])labels[k] - batch->codes] =
            k;
    *n_out = n;
    return labels;
}

int silk_batch_cube(const silk_batch *batch, size_t i, silk_cube **out,
                    silk_error *err)
{
    *out = NULL;
    if (i >= batch->n_indicators)
        return silk_error_set(err, SILK_EINVAL, "no indicator %zu in batch", i);
    const indicator *ind = &batch->indicators[i];
    size_t nc = batch->n_codes;
    int rc = SILK_ENOMEM;
    const char **origins = NULL, **destinations = NULL;
    silk_period *periods = NULL;
    long *ordinals = malloc((ind->n_cells + 1) * sizeof *ordinals);
    bool *used_o = calloc(nc + 1, sizeof *used_o);
    bool *used_d = calloc(nc + 1, sizeof *used_d);
    size_t *pos_o = calloc(nc + 1, sizeof *pos_o);
    size_t *pos_d = calloc(nc + 1, sizeof *pos_d);
    if (!ordinals || !used_o || !used_d || !pos_o || !pos_d)
        goto done;

    for (size_t k = 0; k < ind->n_cells; k++) {
        used_o[ind->cells[k].origin] = true;
        used_d[ind->cells[k].destination] = true;
        ordinals[k] = ind->cells[k].ordinal;
    }
    size_t n_o, n_d, n_p = 0;
    origins = axis_labels(batch, used_o, pos_o, &n_o);
    destinations = axis_labels(batch, used_d, pos_d, &n_d);
    if (origins == NULL || destinations == NULL)
        goto done;
    qsort(ordinals, ind->n_cells, sizeof *ordinals, compare_longs);
    for (size_t k = 0; k < ind->n_cells; k++)
        if (n_p == 0 || ordinals[n_p - 1] != ordinals[k])
            ordinals[n_p++] = ordinals[k];
    periods = malloc((n_p + 1) * sizeof *periods);
    if (periods == NULL)
        goto done;
    for (size_t k = 0; k < n_p; k++)
        periods[k] = silk_period_from_ordinal(ind->freq, ordinals[k]);

    silk_cube *cube = NULL;
    rc = silk_cube_alloc(ind->name, ind->freq, origins, n_o, destinations, n_d,
                         periods, n_p, true, &cube, err);
    if (rc != SILK_OK)
        goto done;
    for (size_t k = 0; k < ind->n_cells; k++) {
        const cell *c = &ind->cells[k];
        const long *hit = bsearch(&c->ordinal, ordinals, n_p, sizeof *ordinals,
                                  compare_longs);
        size_t at = silk_cube_index(cube, pos_o[c->origin],
                                    pos_d[c->destination],
                                    (size_t)(hit - ordinals));
        cube->value[at] = c->value;
        cube->flags[at] = c->flags;
        cube->set[at] = 1;
    }
    if ((rc = silk_cube_set_unit(cube, ind->unit, err)) != SILK_OK ||
        (rc = silk_cube_set_source(cube, ind->source, err)) != SILK_OK) {
        silk_cube_free(cube);
        goto done;
    }
    *out = cube;
    rc = SILK_OK;

done:
    if (rc == SILK_ENOMEM && (err == NULL || err->code != SILK_ENOMEM))
        silk_error_set(err, SILK_ENOMEM, "out of memory building cube '%s'",
                       ind->name);
    free(ordinals);
    free(used_o);
    free(used_d);
    free(pos_o);
    free(pos_d);
    free(origins);
    free(destinations);
    free(periods);
    return rc;
}
