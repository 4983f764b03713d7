/*
 * batch.c: the cells of one ingest run, held sparsely until commit.
 *
 * Memory grows with the number of distinct cells, never with the size of
 * the input files (an identical repeated row costs nothing).  Each cell
 * remembers the file and line that set it, so a conflicting duplicate in
 * one file is reported with both lines, and a later file may overwrite an
 * earlier one (upsert within a run, as across runs).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"
#include "core/batch.h"
#include "core/detail.h"
#include "core/digest.h"
#include "core/memory.h"

/* A series is one (origin, destination, category) of an indicator.  Its
 * cells are held densely over a window of period ordinals [lo, lo + cap),
 * as five arrays in one block: value (double), flags, line (uint32), the
 * file slot (uint16, 0 = the cell was never named) and the column
 * (uint16, 0 = unknown), so a later check can name the cell's position.
 * Rows of a series usually come together and in order, so a put is one
 * comparison with the last series and an array store: no per-cell
 * hashing, 20 bytes per cell. */
typedef struct series {
    uint32_t origin, destination; /* ids in the batch's code table */
    uint32_t category;            /* id in the category table, 0 = none */
    long lo;                      /* ordinal of the window's first slot */
    uint32_t cap;                 /* slots in the window */
    uint32_t n_set;               /* cells named */
    unsigned char *block;
} series;

#define LINE_UNKNOWN UINT32_MAX /* a line past 2^32 - 2 */
/* A window wider than this is refused: valid periods (years 1800-2200)
 * span at most 4812 months. */
#define WINDOW_MAX (1L << 22)

static double *s_value(const series *s) { return (double *)s->block; }
static uint32_t *s_flags(const series *s)
{
    return (uint32_t *)(s->block + 8 * (size_t)s->cap);
}
static uint32_t *s_line(const series *s)
{
    return (uint32_t *)(s->block + 12 * (size_t)s->cap);
}
static uint16_t *s_file(const series *s)
{
    return (uint16_t *)(s->block + 16 * (size_t)s->cap);
}
static uint16_t *s_column(const series *s)
{
    return (uint16_t *)(s->block + 18 * (size_t)s->cap);
}
#define SLOT_BYTES 20

typedef struct indicator {
    char *name;
    char *unit;
    char *source;
    silk_freq freq;
    size_t freq_line; /* where the frequency was first seen */
    char **columns;   /* categorical columns, NULL when it has none */
    size_t n_columns;
    bool plain;       /* values were put without a category */
    series *series;
    size_t n_series, cap_series;
    uint32_t *slots; /* open addressing: series index + 1, 0 = empty */
    size_t n_slots;
    size_t last_series; /* index of the series of the previous put */
    size_t n_cells;     /* cells named */
    long min_ord, max_ord; /* over the cells named (when n_cells > 0) */
    unsigned last_file; /* for provenance: files that touched it */
    unsigned *files;
    size_t n_files, cap_files;
} indicator;

/* A provenance record's digest, still being computed (core/digest.h). */
typedef struct pending_digest {
    silk_digest *digest; /* NULL when the record's sha256 is known */
    uint64_t bytes;      /* what the reader parsed */
} pending_digest;

struct silk_batch {
    indicator *indicators;
    size_t n_indicators, cap_indicators;
    size_t last; /* index of the indicator of the previous put */
    /* interned country codes ("" included); id = position */
    char (*codes)[SILK_CODE_LEN + 1];
    size_t n_codes, cap_codes;
    uint32_t *code_slots;
    size_t n_code_slots;
    uint32_t last_o, last_d; /* ids of the previous put's codes */
    bool have_last_codes;
    /* interned category tuples (joined by SILK_CATEGORY_SEP); id 0 is ""
     * (no category) once the table exists */
    char **categories;
    size_t n_categories, cap_categories;
    uint32_t *category_slots;
    size_t n_category_slots;
    uint32_t last_category;
    /* file_index of each file slot (slot k + 1 is file_ids[k]) */
    unsigned *file_ids;
    size_t n_file_ids, cap_file_ids;
    uint16_t last_file_slot;
    silk_provenance *prov;
    unsigned *prov_file; /* file_index of each provenance record */
    size_t n_prov, cap_prov, cap_prov_file;
    pending_digest *prov_pending; /* one per record */
    size_t cap_prov_pending;
};

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
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

static uint64_t series_hash(uint32_t o, uint32_t d, uint32_t c)
{
    return mix((((uint64_t)o << 32) | d) ^ mix(c));
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
    /* newest first: a block freed next to the heap's top joins it at
     * once, where freeing oldest first merges each with its freed
     * neighbour (perf, 10M-row bench batch: 47 ms of free, now 34) */
    for (size_t i = batch->n_indicators; i-- > 0;) {
        indicator *ind = &batch->indicators[i];
        free(ind->name);
        free(ind->unit);
        free(ind->source);
        for (size_t k = ind->n_series; k-- > 0;)
            free(ind->series[k].block);
        free(ind->series);
        free(ind->slots);
        free(ind->files);
        for (size_t k = 0; k < ind->n_columns; k++)
            free(ind->columns[k]);
        free(ind->columns);
    }
    for (size_t k = 0; k < batch->n_categories; k++)
        free(batch->categories[k]);
    free(batch->categories);
    free(batch->category_slots);
    free(batch->indicators);
    free(batch->codes);
    free(batch->code_slots);
    free(batch->file_ids);
    for (size_t i = 0; i < batch->n_prov; i++) {
        silk_provenance_release(&batch->prov[i]);
        silk_digest_free(batch->prov_pending[i].digest);
    }
    free(batch->prov);
    free(batch->prov_pending);
    free(batch->prov_file);
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
    if (silk_grow((void **)&batch->codes, &batch->cap_codes, batch->n_codes + 1,
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
    /* wide tables put one row's indicators in turn: try the next one */
    size_t next = batch->last + 1 < batch->n_indicators ? batch->last + 1 : 0;
    if (next < batch->n_indicators &&
        strcmp(batch->indicators[next].name, name) == 0) {
        *out = batch->last = next;
        return SILK_OK;
    }
    for (size_t i = 0; i < batch->n_indicators; i++)
        if (strcmp(batch->indicators[i].name, name) == 0) {
            *out = batch->last = i;
            return SILK_OK;
        }
    if (silk_grow((void **)&batch->indicators, &batch->cap_indicators,
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

static int rehash_series(indicator *ind)
{
    size_t n = ind->n_slots ? ind->n_slots * 2 : 256;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return SILK_ENOMEM;
    for (size_t i = 0; i < ind->n_series; i++) {
        const series *s = &ind->series[i];
        size_t k = series_hash(s->origin, s->destination, s->category) &
                   (n - 1);
        while (slots[k])
            k = (k + 1) & (n - 1);
        slots[k] = (uint32_t)i + 1;
    }
    free(ind->slots);
    ind->slots = slots;
    ind->n_slots = n;
    return SILK_OK;
}

/* find_series past its last series: the hash table, or a new series. */
static int search_series(indicator *ind, uint32_t o, uint32_t d, uint32_t c,
                         series **out)
{
    if (2 * (ind->n_series + 1) > ind->n_slots && rehash_series(ind) != SILK_OK)
        return SILK_ENOMEM;
    size_t mask = ind->n_slots - 1;
    size_t k = series_hash(o, d, c) & mask;
    for (; ind->slots[k]; k = (k + 1) & mask) {
        series *s = &ind->series[ind->slots[k] - 1];
        if (s->origin == o && s->destination == d && s->category == c) {
            ind->last_series = ind->slots[k] - 1;
            *out = s;
            return SILK_OK;
        }
    }
    if (ind->n_series >= UINT32_MAX - 1 ||
        silk_grow((void **)&ind->series, &ind->cap_series, ind->n_series + 1,
             sizeof *ind->series) != SILK_OK)
        return SILK_ENOMEM;
    series *s = &ind->series[ind->n_series];
    memset(s, 0, sizeof *s);
    s->origin = o;
    s->destination = d;
    s->category = c;
    ind->slots[k] = (uint32_t)++ind->n_series;
    ind->last_series = ind->n_series - 1;
    *out = s;
    return SILK_OK;
}

/* The series (o, d, c) of ind, created empty if new.  Inline for its
 * first test: rows of a series come together, so most puts go to the
 * last one. */
static inline int find_series(indicator *ind, uint32_t o, uint32_t d,
                              uint32_t c, series **out)
{
    if (ind->last_series < ind->n_series) {
        series *s = &ind->series[ind->last_series];
        if (s->origin == o && s->destination == d && s->category == c) {
            *out = s;
            return SILK_OK;
        }
    }
    return search_series(ind, o, d, c, out);
}

/* Widens s's window to hold ordinal ord.  The window reaches to the
 * periods the indicator already has on the side it grows (series are
 * usually written in order and end together, so most windows are
 * allocated once, at their final size), and at least by half its size
 * (amortised growth for series written one period at a time). */
static int widen(const indicator *ind, series *s, long ord)
{
    long lo, hi;
    if (s->cap == 0) {
        lo = ord;
        hi = ord;
        if (ind->n_cells > 0 && ind->max_ord > ord && ind->max_ord - ord < 4096)
            hi = ind->max_ord;
    } else {
        long old_hi = s->lo + (long)s->cap - 1, step = (long)s->cap / 2 + 1;
        lo = s->lo;
        hi = old_hi;
        if (ord > old_hi) {
            hi = ord;
            if (ind->max_ord > hi && ind->max_ord - hi < 4096)
                hi = ind->max_ord;
            if (hi - old_hi < step)
                hi = old_hi + step;
        } else {
            lo = ord;
            if (ind->min_ord < lo && lo - ind->min_ord < 4096)
                lo = ind->min_ord;
            if (s->lo - lo < step)
                lo = s->lo - step;
        }
    }
    if (hi - lo + 1 > WINDOW_MAX)
        return SILK_EINVAL;
    uint32_t cap = (uint32_t)(hi - lo + 1);
    series grown = *s;
    grown.lo = lo;
    grown.cap = cap;
    grown.block = malloc((size_t)cap * SLOT_BYTES);
    if (grown.block == NULL)
        return SILK_ENOMEM;
    memset(s_file(&grown), 0, (size_t)cap * sizeof(uint16_t));
    if (s->cap > 0) {
        size_t at = (size_t)(s->lo - lo), n = s->cap;
        memcpy(s_value(&grown) + at, s_value(s), n * sizeof(double));
        memcpy(s_flags(&grown) + at, s_flags(s), n * sizeof(uint32_t));
        memcpy(s_line(&grown) + at, s_line(s), n * sizeof(uint32_t));
        memcpy(s_file(&grown) + at, s_file(s), n * sizeof(uint16_t));
        memcpy(s_column(&grown) + at, s_column(s), n * sizeof(uint16_t));
    }
    free(s->block);
    *s = grown;
    return SILK_OK;
}

/* The slot (1-65535) standing for file_index in cells. */
static inline int file_slot(silk_batch *batch, unsigned file_index, uint16_t *out)
{
    if (batch->last_file_slot &&
        batch->file_ids[batch->last_file_slot - 1] == file_index) {
        *out = batch->last_file_slot;
        return SILK_OK;
    }
    for (size_t k = 0; k < batch->n_file_ids; k++)
        if (batch->file_ids[k] == file_index) {
            *out = batch->last_file_slot = (uint16_t)(k + 1);
            return SILK_OK;
        }
    if (batch->n_file_ids >= UINT16_MAX)
        return SILK_EINVAL;
    if (silk_grow((void **)&batch->file_ids, &batch->cap_file_ids,
             batch->n_file_ids + 1, sizeof *batch->file_ids) != SILK_OK)
        return SILK_ENOMEM;
    batch->file_ids[batch->n_file_ids++] = file_index;
    *out = batch->last_file_slot = (uint16_t)batch->n_file_ids;
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

static int rehash_categories(silk_batch *batch)
{
    size_t n = batch->n_category_slots ? batch->n_category_slots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return SILK_ENOMEM;
    for (size_t id = 0; id < batch->n_categories; id++) {
        size_t s = code_hash(batch->categories[id]) & (n - 1);
        while (slots[s])
            s = (s + 1) & (n - 1);
        slots[s] = (uint32_t)id + 1;
    }
    free(batch->category_slots);
    batch->category_slots = slots;
    batch->n_category_slots = n;
    return SILK_OK;
}

/* The id of a joined category tuple; "" (no category) is id 0. */
static int intern_category(silk_batch *batch, const char *text, uint32_t *id)
{
    if (batch->n_categories > 0 &&
        strcmp(batch->categories[batch->last_category], text) == 0) {
        *id = batch->last_category;
        return SILK_OK;
    }
    if (batch->n_categories == 0) {
        if (silk_grow((void **)&batch->categories, &batch->cap_categories, 1,
                      sizeof *batch->categories) != SILK_OK ||
            (batch->categories[0] = dupstr("")) == NULL)
            return SILK_ENOMEM;
        batch->n_categories = 1;
        if (rehash_categories(batch) != SILK_OK) {
            free(batch->categories[0]);
            batch->n_categories = 0;
            return SILK_ENOMEM;
        }
    }
    if (2 * (batch->n_categories + 1) > batch->n_category_slots &&
        rehash_categories(batch) != SILK_OK)
        return SILK_ENOMEM;
    size_t mask = batch->n_category_slots - 1;
    size_t k = code_hash(text) & mask;
    for (; batch->category_slots[k]; k = (k + 1) & mask) {
        uint32_t candidate = batch->category_slots[k] - 1;
        if (strcmp(batch->categories[candidate], text) == 0) {
            *id = batch->last_category = candidate;
            return SILK_OK;
        }
    }
    char *copy = NULL;
    if (batch->n_categories >= UINT32_MAX - 1 ||
        silk_grow((void **)&batch->categories, &batch->cap_categories,
                  batch->n_categories + 1, sizeof *batch->categories) !=
            SILK_OK ||
        (copy = dupstr(text)) == NULL)
        return SILK_ENOMEM;
    batch->categories[batch->n_categories] = copy;
    batch->category_slots[k] = (uint32_t)batch->n_categories + 1;
    *id = batch->last_category = (uint32_t)batch->n_categories++;
    return SILK_OK;
}

/* "G, A, AR, C" for messages. */
static void category_label(const char *joined, char *buf, size_t size)
{
    size_t used = 0;
    for (const char *c = joined; *c && used + 3 < size; c++) {
        if (*c == SILK_CATEGORY_SEP) {
            buf[used++] = ',';
            buf[used++] = ' ';
        } else {
            buf[used++] = *c;
        }
    }
    buf[used] = '\0';
}

int silk_batch_set_categories(silk_batch *batch, const char *indicator_name,
                              const char *const *columns, size_t n_columns,
                              silk_error *err)
{
    size_t i;
    if (n_columns == 0 || n_columns > SILK_CATEGORY_COLUMNS_MAX)
        return silk_error_set(err, SILK_EINVAL,
                              "indicator '%s' has %zu categorical columns; "
                              "expected 1 to %d", indicator_name, n_columns,
                              SILK_CATEGORY_COLUMNS_MAX);
    for (size_t k = 0; k < n_columns; k++) {
        if (!silk_category_column_valid(columns[k]))
            return silk_error_set(
                err, SILK_EINVAL,
                "'%s' is not a usable name for a categorical column; "
                "expected lower-case letters, digits and '_', starting with "
                "a letter (not 'series')", columns[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(columns[j], columns[k]) == 0)
                return silk_error_set(err, SILK_EINVAL,
                                      "categorical column '%s' is named "
                                      "twice; expected each once",
                                      columns[k]);
    }
    if (find_indicator(batch, indicator_name, &i) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    indicator *ind = &batch->indicators[i];
    if (ind->columns != NULL) {
        bool same = ind->n_columns == n_columns;
        for (size_t k = 0; same && k < n_columns; k++)
            same = strcmp(ind->columns[k], columns[k]) == 0;
        if (!same)
            return silk_error_set(err, SILK_ECONFLICT,
                                  "indicator '%s' was split by other "
                                  "categorical columns earlier in this run; "
                                  "expected the same columns in every file",
                                  indicator_name);
        return SILK_OK;
    }
    if (ind->plain)
        return silk_error_set(err, SILK_ECONFLICT,
                              "indicator '%s' has values without categories "
                              "earlier in this run; expected one kind",
                              indicator_name);
    ind->columns = calloc(n_columns, sizeof *ind->columns);
    if (ind->columns == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t k = 0; k < n_columns; k++)
        if ((ind->columns[k] = dupstr(columns[k])) == NULL) {
            for (size_t j = 0; j < k; j++)
                free(ind->columns[j]);
            free(ind->columns);
            ind->columns = NULL;
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
    ind->n_columns = n_columns;
    return SILK_OK;
}

static int put_cell(silk_batch *batch, size_t i, uint32_t category,
                    const char *origin, const char *destination,
                    silk_period period, double value, uint32_t flags,
                    const char *unit, const char *source, unsigned file_index,
                    size_t line, size_t column, silk_error *err);

int silk_batch_put(silk_batch *batch, const char *indicator_name,
                   const char *origin, const char *destination,
                   silk_period period, double value, uint32_t flags,
                   const char *unit, const char *source, unsigned file_index,
                   size_t line, silk_error *err)
{
    return silk_batch_put_at(batch, indicator_name, origin, destination,
                             period, value, flags, unit, source, file_index,
                             line, 0, err);
}

/* The index of indicator_name (added when new) for a plain put: one
 * not split by categorical columns. */
static int find_plain(silk_batch *batch, const char *indicator_name,
                      size_t *i, silk_error *err)
{
    if (find_indicator(batch, indicator_name, i) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (batch->indicators[*i].columns != NULL)
        return silk_error_set(err, SILK_ECONFLICT,
                              "indicator '%s' is split by categorical "
                              "columns; expected a category with each value",
                              indicator_name);
    return SILK_OK;
}

int silk_batch_put_at(silk_batch *batch, const char *indicator_name,
                      const char *origin, const char *destination,
                      silk_period period, double value, uint32_t flags,
                      const char *unit, const char *source,
                      unsigned file_index, size_t line, size_t column,
                      silk_error *err)
{
    size_t i;
    int status = find_plain(batch, indicator_name, &i, err);
    if (status != SILK_OK)
        return status;
    batch->indicators[i].plain = true;
    return put_cell(batch, i, 0, origin, destination, period, value, flags,
                    unit, source, file_index, line, column, err);
}

int silk_batch_put_category(silk_batch *batch, const char *indicator_name,
                            const char *origin, const char *destination,
                            const char *const *category, silk_period period,
                            double value, uint32_t flags, const char *unit,
                            const char *source, unsigned file_index,
                            size_t line, size_t column, silk_error *err)
{
    size_t i;
    char joined[1024];
    size_t used = 0;
    uint32_t c;
    if (find_indicator(batch, indicator_name, &i) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    const indicator *ind = &batch->indicators[i];
    if (ind->columns == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "indicator '%s' has no categorical columns "
                              "declared; expected silk_batch_set_categories "
                              "first", indicator_name);
    for (size_t k = 0; k < ind->n_columns; k++) {
        const char *v = category[k];
        size_t len = strlen(v);
        if (len == 0)
            return silk_error_set(err, SILK_EINVAL,
                                  "empty value for categorical column '%s'; "
                                  "expected a code", ind->columns[k]);
        for (size_t j = 0; j < len; j++)
            if ((unsigned char)v[j] < 0x20 || v[j] == 0x7f)
                return silk_error_set(err, SILK_EINVAL,
                                      "control character in the value of "
                                      "categorical column '%s'; expected "
                                      "printable text", ind->columns[k]);
        if (used + len + 1 >= sizeof joined)
            return silk_error_set(err, SILK_EINVAL,
                                  "the values of the categorical columns "
                                  "are %zu bytes long or more; expected at "
                                  "most %zu in all", used + len + 1,
                                  sizeof joined - 1);
        if (k > 0)
            joined[used++] = SILK_CATEGORY_SEP;
        memcpy(joined + used, v, len);
        used += len;
    }
    joined[used] = '\0';
    if (intern_category(batch, joined, &c) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    return put_cell(batch, i, c, origin, destination, period, value, flags,
                    unit, source, file_index, line, column, err);
}

/* Inline in its two callers: every row of every file passes here, and
 * the call with its fourteen arguments cost a sixth of the put. */
static inline __attribute__((always_inline)) int
put_ids(silk_batch *batch, size_t i, uint32_t category, uint32_t o,
        uint32_t d, silk_period period, double value, uint32_t flags,
        const char *unit, const char *source, unsigned file_index,
        size_t line, size_t column, silk_error *err);

static int put_cell(silk_batch *batch, size_t i, uint32_t category,
                    const char *origin, const char *destination,
                    silk_period period, double value, uint32_t flags,
                    const char *unit, const char *source, unsigned file_index,
                    size_t line, size_t column, silk_error *err)
{
    uint32_t o, d;
    const char *dest = destination ? destination : "";
    /* rows of one series repeat both codes */
    if (batch->have_last_codes &&
        strcmp(batch->codes[batch->last_o], origin) == 0 &&
        strcmp(batch->codes[batch->last_d], dest) == 0) {
        o = batch->last_o;
        d = batch->last_d;
    } else {
        if (intern_code(batch, origin, &o) != SILK_OK ||
            intern_code(batch, dest, &d) != SILK_OK)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        batch->last_o = o;
        batch->last_d = d;
        batch->have_last_codes = true;
    }
    return put_ids(batch, i, category, o, d, period, value, flags, unit,
                   source, file_index, line, column, err);
}

int silk_batch_key_find(silk_batch *batch, const char *indicator_name,
                        const char *origin, const char *destination,
                        silk_batch_key *key, silk_error *err)
{
    size_t i;
    int status = find_plain(batch, indicator_name, &i, err);
    if (status != SILK_OK)
        return status;
    if (intern_code(batch, origin, &key->origin) != SILK_OK ||
        intern_code(batch, destination ? destination : "",
                    &key->destination) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    key->indicator = i;
    return SILK_OK;
}

int silk_batch_put_key(silk_batch *batch, const silk_batch_key *key,
                       silk_period period, double value, uint32_t flags,
                       const char *unit, const char *source,
                       unsigned file_index, size_t line, size_t column,
                       silk_error *err)
{
    batch->indicators[key->indicator].plain = true;
    return put_ids(batch, key->indicator, 0, key->origin, key->destination,
                   period, value, flags, unit, source, file_index, line,
                   column, err);
}

static inline __attribute__((always_inline)) int
put_ids(silk_batch *batch, size_t i, uint32_t category, uint32_t o,
        uint32_t d, silk_period period, double value, uint32_t flags,
        const char *unit, const char *source, unsigned file_index,
        size_t line, size_t column, silk_error *err)
{
    const char *origin = batch->codes[o], *dest = batch->codes[d];
    const char *indicator_name = batch->indicators[i].name;
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
        if (silk_grow((void **)&ind->files, &ind->cap_files,
                 ind->n_files + 1, sizeof *ind->files) != SILK_OK)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        ind->files[ind->n_files++] = file_index;
        ind->last_file = file_index;
    }

    uint16_t fslot;
    int rc = file_slot(batch, file_index, &fslot);
    if (rc == SILK_EINVAL)
        return silk_error_set(err, SILK_EINVAL,
                              "more than %d input files in one ingest; "
                              "expected at most %d", UINT16_MAX - 1,
                              UINT16_MAX - 1);
    if (rc != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    series *s;
    if (find_series(ind, o, d, category, &s) != SILK_OK)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    long ordinal = silk_period_ordinal(period);
    if (s->cap == 0 || ordinal < s->lo || ordinal - s->lo >= (long)s->cap) {
        rc = widen(ind, s, ordinal);
        if (rc == SILK_EINVAL) {
            char label[SILK_PERIOD_LABEL_MAX];
            silk_period_format(period, label);
            return silk_error_set(
                err, SILK_EINVAL,
                "period %s of (%s, %s, %s) is too far from the series' other "
                "periods; expected one series to span at most %ld periods",
                label, indicator_name, origin, dest[0] ? dest : "-",
                WINDOW_MAX);
        }
        if (rc != SILK_OK)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    size_t at = (size_t)(ordinal - s->lo);
    double *v = s_value(s) + at;
    uint32_t *fl = s_flags(s) + at;
    uint32_t *ln = s_line(s) + at;
    uint16_t *fi = s_file(s) + at;
    uint16_t *co = s_column(s) + at;
    uint32_t line32 = line < LINE_UNKNOWN ? (uint32_t)line : LINE_UNKNOWN;
    uint16_t column16 = column <= UINT16_MAX ? (uint16_t)column : 0;
    if (*fi != 0) {
        bool same = same_value(*v, value) && *fl == flags;
        if (*fi == fslot && same)
            return SILK_OK; /* keep the first line for later messages */
        if (*fi == fslot) {
            char label[SILK_PERIOD_LABEL_MAX], where[48], cat[256] = "";
            silk_period_format(period, label);
            if (*ln == LINE_UNKNOWN)
                snprintf(where, sizeof where, "an earlier line");
            else
                snprintf(where, sizeof where, "line %lu",
                         (unsigned long)*ln);
            if (category != 0) {
                cat[0] = '[';
                category_label(batch->categories[category], cat + 1,
                               sizeof cat - 4);
                strcat(cat, "], ");
            }
            return silk_error_set(
                err, SILK_ECONFLICT,
                "duplicate key (%s, %s, %s, %s%s) with a different value "
                "than on %s; expected each key once per file",
                indicator_name, origin, dest[0] ? dest : "-", cat, label,
                where);
        }
        *v = value;
        *fl = flags;
        *fi = fslot;
        *ln = line32;
        *co = column16;
        return SILK_OK;
    }
    *v = value;
    *fl = flags;
    *fi = fslot;
    *ln = line32;
    *co = column16;
    s->n_set++;
    if (ind->n_cells == 0 || ordinal < ind->min_ord)
        ind->min_ord = ordinal;
    if (ind->n_cells == 0 || ordinal > ind->max_ord)
        ind->max_ord = ordinal;
    ind->n_cells++;
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
        silk_grow((void **)&batch->prov, &batch->cap_prov, batch->n_prov + 1,
                  sizeof *batch->prov) != SILK_OK ||
        silk_grow((void **)&batch->prov_file, &batch->cap_prov_file,
                  batch->n_prov + 1, sizeof *batch->prov_file) != SILK_OK ||
        silk_grow((void **)&batch->prov_pending, &batch->cap_prov_pending,
                  batch->n_prov + 1, sizeof *batch->prov_pending) != SILK_OK) {
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
    batch->prov_pending[batch->n_prov] = (pending_digest){NULL, 0};
    batch->prov_file[batch->n_prov++] = file_index;
    return SILK_OK;
}

int silk_batch_add_provenance_digest(silk_batch *batch, unsigned file_index,
                                     const char *file, silk_digest *digest,
                                     uint64_t bytes, uint64_t rows,
                                     silk_error *err)
{
    static const char unknown[65] = ""; /* until settled */
    int status = silk_batch_add_provenance(batch, file_index, file, unknown,
                                           rows, err);
    if (status != SILK_OK) {
        silk_digest_free(digest);
        return status;
    }
    batch->prov_pending[batch->n_prov - 1] = (pending_digest){digest, bytes};
    return SILK_OK;
}

/* Record i's digest into its sha256, once computed.  The batch is const
 * to its readers; the digest is part of the record that was owed. */
static int settle_digest(const silk_batch *batch, size_t i, silk_error *err)
{
    pending_digest *p = &batch->prov_pending[i];
    if (p->digest == NULL)
        return SILK_OK;
    int status = silk_digest_finish(p->digest, p->bytes, batch->prov[i].sha256,
                                    err);
    if (status == SILK_OK) {
        silk_digest_free(p->digest);
        p->digest = NULL;
    }
    return status;
}

int silk_batch_provenance_settle(const silk_batch *batch, silk_error *err)
{
    int status = SILK_OK;
    for (size_t i = 0; i < batch->n_prov && status == SILK_OK; i++)
        status = settle_digest(batch, i, err);
    return status;
}

/* The id of a code already interned, or false. */
static bool find_code(const silk_batch *batch, const char *code, uint32_t *id)
{
    if (batch->n_code_slots == 0)
        return false;
    size_t mask = batch->n_code_slots - 1;
    for (size_t s = code_hash(code) & mask; batch->code_slots[s];
         s = (s + 1) & mask) {
        uint32_t candidate = batch->code_slots[s] - 1;
        if (strcmp(batch->codes[candidate], code) == 0) {
            *id = candidate;
            return true;
        }
    }
    return false;
}

/* ---- merging the parts of a split read (core/batch.h) ---- */

/* The indicator named name, or NULL (no caches touched). */
static indicator *lookup_indicator(const silk_batch *batch, const char *name)
{
    for (size_t i = 0; i < batch->n_indicators; i++)
        if (strcmp(batch->indicators[i].name, name) == 0)
            return &batch->indicators[i];
    return NULL;
}

/* The series (o, d, c) of ind, or NULL (no caches touched). */
static series *lookup_series(const indicator *ind, uint32_t o, uint32_t d,
                             uint32_t c)
{
    if (ind->n_slots == 0)
        return NULL;
    size_t mask = ind->n_slots - 1;
    for (size_t k = series_hash(o, d, c) & mask; ind->slots[k];
         k = (k + 1) & mask) {
        series *s = &ind->series[ind->slots[k] - 1];
        if (s->origin == o && s->destination == d && s->category == c)
            return s;
    }
    return NULL;
}

/* The slot of file_index, or 0 (no caches touched). */
static uint16_t lookup_file_slot(const silk_batch *batch, unsigned file_index)
{
    for (size_t k = 0; k < batch->n_file_ids; k++)
        if (batch->file_ids[k] == file_index)
            return (uint16_t)(k + 1);
    return 0;
}

static uint32_t shift_line(uint32_t line, size_t lines_before)
{
    if (line == LINE_UNKNOWN || lines_before >= LINE_UNKNOWN - line)
        return LINE_UNKNOWN;
    return line + (uint32_t)lines_before;
}

/* Whether putting from's cells after batch's would all succeed: the
 * conditions under which silk_batch_put fails, checked without changing
 * anything. */
static bool merge_possible(const silk_batch *batch, const silk_batch *from,
                           unsigned file_index)
{
    uint16_t fslot = lookup_file_slot(batch, file_index);
    if (fslot == 0 && batch->n_file_ids >= UINT16_MAX)
        return false;
    if (from->n_prov > 0 || from->n_file_ids > 1 ||
        (from->n_file_ids == 1 && from->file_ids[0] != file_index))
        return false;
    for (size_t i = 0; i < from->n_indicators; i++) {
        const indicator *b = &from->indicators[i];
        const indicator *a = lookup_indicator(batch, b->name);
        if (b->columns != NULL)
            return false;
        if (a == NULL)
            continue;
        if (a->columns != NULL ||
            (a->freq != SILK_FREQ_NONE && b->freq != SILK_FREQ_NONE &&
             a->freq != b->freq) ||
            (a->unit[0] && b->unit[0] && strcmp(a->unit, b->unit) != 0))
            return false;
        for (size_t k = 0; k < b->n_series; k++) {
            const series *bs = &b->series[k];
            uint32_t o, d;
            if (bs->n_set == 0 ||
                !find_code(batch, from->codes[bs->origin], &o) ||
                !find_code(batch, from->codes[bs->destination], &d))
                continue;
            const series *as = lookup_series(a, o, d, 0);
            if (as == NULL || as->cap == 0)
                continue;
            /* widen() adds slack: stay far from its limit */
            long lo = as->lo < bs->lo ? as->lo : bs->lo;
            long a_hi = as->lo + (long)as->cap, b_hi = bs->lo + (long)bs->cap;
            if ((a_hi > b_hi ? a_hi : b_hi) - lo > WINDOW_MAX / 2)
                return false;
            const uint16_t *bf = s_file(bs), *af = s_file(as);
            for (uint32_t j = 0; j < bs->cap; j++) {
                long ord = bs->lo + (long)j;
                if (!bf[j] || ord < as->lo || ord - as->lo >= (long)as->cap)
                    continue;
                size_t at = (size_t)(ord - as->lo);
                if (fslot != 0 && af[at] == fslot &&
                    !(same_value(s_value(as)[at], s_value(bs)[j]) &&
                      s_flags(as)[at] == s_flags(bs)[j]))
                    return false; /* the duplicate-key error */
            }
        }
    }
    return true;
}

/* Puts from's series bs (already in batch's code ids o, d) into a. */
static int merge_series(indicator *a, uint32_t o, uint32_t d, series *bs,
                        uint16_t fslot, size_t lines_before)
{
    series *as;
    if (find_series(a, o, d, 0, &as) != SILK_OK)
        return SILK_ENOMEM;
    if (as->cap == 0) {
        /* new to batch: the block moves over, slots and lines renamed */
        uint16_t *fi = s_file(bs);
        uint32_t *ln = s_line(bs);
        long lo = LONG_MAX, hi = LONG_MIN;
        for (uint32_t j = 0; j < bs->cap; j++) {
            if (!fi[j])
                continue;
            fi[j] = fslot;
            ln[j] = shift_line(ln[j], lines_before);
            if (lo == LONG_MAX)
                lo = bs->lo + (long)j;
            hi = bs->lo + (long)j;
        }
        free(as->block);
        as->lo = bs->lo;
        as->cap = bs->cap;
        as->block = bs->block;
        as->n_set = bs->n_set;
        bs->block = NULL;
        bs->cap = 0;
        if (as->n_set > 0) {
            if (a->n_cells == 0 || lo < a->min_ord)
                a->min_ord = lo;
            if (a->n_cells == 0 || hi > a->max_ord)
                a->max_ord = hi;
            a->n_cells += as->n_set;
        }
        return SILK_OK;
    }
    /* in both (a series across the cut, or from an earlier file): cell by
     * cell, as put_cell does */
    for (uint32_t j = 0; j < bs->cap; j++) {
        if (!s_file(bs)[j])
            continue;
        long ord = bs->lo + (long)j;
        if (ord < as->lo || ord - as->lo >= (long)as->cap) {
            int rc = widen(a, as, ord);
            if (rc != SILK_OK)
                return rc;
        }
        size_t at = (size_t)(ord - as->lo);
        double *v = s_value(as) + at;
        uint32_t *fl = s_flags(as) + at;
        uint16_t *fi = s_file(as) + at;
        if (*fi == fslot)
            continue; /* the same value (merge_possible): keep the first */
        bool fresh = *fi == 0;
        *v = s_value(bs)[j];
        *fl = s_flags(bs)[j];
        *fi = fslot;
        s_line(as)[at] = shift_line(s_line(bs)[j], lines_before);
        s_column(as)[at] = s_column(bs)[j];
        if (fresh) {
            as->n_set++;
            if (a->n_cells == 0 || ord < a->min_ord)
                a->min_ord = ord;
            if (a->n_cells == 0 || ord > a->max_ord)
                a->max_ord = ord;
            a->n_cells++;
        }
    }
    return SILK_OK;
}

static int replace_string(char **slot, const char *text)
{
    char *copy = dupstr(text);
    if (copy == NULL)
        return SILK_ENOMEM;
    free(*slot);
    *slot = copy;
    return SILK_OK;
}

/* batch's id of from's code `id`, interned on first use through map
 * (from's code ids to batch's, UINT32_MAX while not yet known): a part of
 * a year-major file holds a series of every corridor, and interning both
 * codes of each by their text was a fifth of its merge. */
static int mapped_code(silk_batch *batch, const silk_batch *from,
                       uint32_t *map, uint32_t id, uint32_t *out)
{
    if (map[id] == UINT32_MAX &&
        intern_code(batch, from->codes[id], &map[id]) != SILK_OK)
        return SILK_ENOMEM;
    *out = map[id];
    return SILK_OK;
}

int silk_batch_merge(silk_batch *batch, silk_batch *from, unsigned file_index,
                     size_t lines_before, silk_error *err)
{
    uint16_t fslot;
    uint32_t *map = NULL;
    if (!merge_possible(batch, from, file_index))
        return SILK_ECONFLICT;
    if (from->n_indicators == 0)
        return SILK_OK;
    if (file_slot(batch, file_index, &fslot) != SILK_OK)
        goto nomem;
    map = malloc((from->n_codes ? from->n_codes : 1) * sizeof *map);
    if (map == NULL)
        goto nomem;
    for (size_t k = 0; k < from->n_codes; k++)
        map[k] = UINT32_MAX;
    for (size_t i = 0; i < from->n_indicators; i++) {
        indicator *b = &from->indicators[i];
        size_t ai;
        if (find_indicator(batch, b->name, &ai) != SILK_OK)
            goto nomem;
        indicator *a = &batch->indicators[ai];
        a->plain = a->plain || b->plain;
        if (a->freq == SILK_FREQ_NONE && b->freq != SILK_FREQ_NONE) {
            a->freq = b->freq;
            a->freq_line = b->freq_line + lines_before;
        }
        if ((b->unit[0] && !a->unit[0] &&
             replace_string(&a->unit, b->unit) != SILK_OK) ||
            (b->source[0] && strcmp(a->source, b->source) != 0 &&
             replace_string(&a->source, b->source) != SILK_OK))
            goto nomem;
        if (b->n_files > 0 && (a->n_files == 0 || a->last_file != file_index)) {
            if (silk_grow((void **)&a->files, &a->cap_files, a->n_files + 1,
                          sizeof *a->files) != SILK_OK)
                goto nomem;
            a->files[a->n_files++] = file_index;
            a->last_file = file_index;
        }
        for (size_t k = 0; k < b->n_series; k++) {
            series *bs = &b->series[k];
            uint32_t o, d;
            if (bs->n_set == 0)
                continue;
            if (mapped_code(batch, from, map, bs->origin, &o) != SILK_OK ||
                mapped_code(batch, from, map, bs->destination, &d) !=
                    SILK_OK ||
                merge_series(a, o, d, bs, fslot, lines_before) != SILK_OK)
                goto nomem;
        }
    }
    free(map);
    batch->have_last_codes = false;
    return SILK_OK;
nomem:
    free(map);
    return silk_error_set(err, SILK_ENOMEM, "out of memory");
}

int silk_batch_cell_source(const silk_batch *batch, size_t i,
                           const char *origin, const char *destination,
                           silk_period period, const char **file,
                           size_t *line, size_t *column)
{
    uint32_t o, d;
    if (i >= batch->n_indicators || !find_code(batch, origin, &o) ||
        !find_code(batch, destination ? destination : "", &d))
        return SILK_ENOTFOUND;
    const indicator *ind = &batch->indicators[i];
    long ord = silk_period_ordinal(period);
    /* a warning is rare: a scan of the series is cheap enough, and finds
     * the first category of a split indicator too */
    for (size_t k = 0; k < ind->n_series; k++) {
        const series *s = &ind->series[k];
        if (s->origin != o || s->destination != d || ord < s->lo ||
            ord - s->lo >= (long)s->cap)
            continue;
        size_t at = (size_t)(ord - s->lo);
        uint16_t slot = s_file(s)[at];
        if (slot == 0)
            continue;
        unsigned file_index = batch->file_ids[slot - 1];
        *file = NULL;
        for (size_t p = 0; p < batch->n_prov; p++)
            if (batch->prov_file[p] == file_index)
                *file = batch->prov[p].file;
        *line = s_line(s)[at] == LINE_UNKNOWN ? 0 : s_line(s)[at];
        *column = s_column(s)[at];
        return *file != NULL && *line > 0 ? SILK_OK : SILK_ENOTFOUND;
    }
    return SILK_ENOTFOUND;
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
    if (i >= batch->n_prov)
        return NULL;
    /* a digest that failed leaves sha256 empty here; the commit reports
     * it (silk_batch_provenance_settle) */
    settle_digest(batch, i, NULL);
    return &batch->prov[i];
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

typedef struct detail_entry {
    uint32_t origin, destination, category; /* positions on the axes */
    size_t series;                          /* index in the indicator */
} detail_entry;

static int compare_entries(const void *a, const void *b)
{
    const detail_entry *x = a, *y = b;
    if (x->origin != y->origin)
        return x->origin < y->origin ? -1 : 1;
    if (x->destination != y->destination)
        return x->destination < y->destination ? -1 : 1;
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    return 0;
}

typedef struct category_entry {
    const char *text;
    uint32_t id;
} category_entry;

static int compare_category_entries(const void *a, const void *b)
{
    return strcmp(((const category_entry *)a)->text,
                  ((const category_entry *)b)->text);
}

/* Gives cube (built on the axes of ind's cells) the categorical detail of
 * ind and its aggregate; period_of maps an ordinal to its position. */
static int build_detail(const silk_batch *batch, const indicator *ind,
                        silk_cube *cube, const size_t *pos_o,
                        const size_t *pos_d,
                        size_t (*period_of)(const void *, long),
                        const void *period_ctx, silk_error *err)
{
    int rc = SILK_ENOMEM;
    size_t nc = batch->n_categories, n_cat = 0, n_series = 0;
    uint32_t *pos_c = calloc(nc + 1, sizeof *pos_c);
    category_entry *cats = malloc((nc + 1) * sizeof *cats);
    const char **texts = malloc((nc + 1) * sizeof *texts);
    detail_entry *entries =
        malloc((ind->n_series + 1) * sizeof *entries);
    bool *used = calloc(nc + 1, sizeof *used);
    silk_detail *d = NULL;
    if (!pos_c || !cats || !texts || !entries || !used)
        goto done;
    for (size_t k = 0; k < ind->n_series; k++)
        if (ind->series[k].n_set > 0)
            used[ind->series[k].category] = true;
    for (uint32_t id = 0; id < nc; id++)
        if (used[id])
            cats[n_cat++] = (category_entry){batch->categories[id], id};
    qsort(cats, n_cat, sizeof *cats, compare_category_entries);
    for (size_t c = 0; c < n_cat; c++) {
        pos_c[cats[c].id] = (uint32_t)c;
        texts[c] = cats[c].text;
    }
    for (size_t k = 0; k < ind->n_series; k++) {
        const series *s = &ind->series[k];
        if (s->n_set == 0)
            continue;
        entries[n_series++] = (detail_entry){
            (uint32_t)pos_o[s->origin], (uint32_t)pos_d[s->destination],
            pos_c[s->category], k};
    }
    qsort(entries, n_series, sizeof *entries, compare_entries);
    rc = silk_detail_alloc((const char *const *)ind->columns, ind->n_columns,
                           texts, n_cat, n_series, cube->n_period, true, &d,
                           err);
    if (rc != SILK_OK)
        goto done;
    for (size_t e = 0; e < n_series; e++) {
        const series *s = &ind->series[entries[e].series];
        const double *v = s_value(s);
        const uint32_t *fl = s_flags(s);
        const uint16_t *fi = s_file(s);
        size_t row = e * cube->n_period;
        size_t cell = silk_cube_index(cube, entries[e].origin,
                                      entries[e].destination, 0);
        d->origin[e] = entries[e].origin;
        d->destination[e] = entries[e].destination;
        d->category_of[e] = entries[e].category;
        for (uint32_t j = 0; j < s->cap; j++) {
            if (!fi[j])
                continue;
            size_t p = period_of(period_ctx, s->lo + (long)j);
            d->value[row + p] = v[j];
            d->flags[row + p] = fl[j];
            d->set[row + p] = 1;
            cube->set[cell + p] = 1;
        }
    }
    cube->detail = d;
    silk_cube_aggregate(cube);
    rc = SILK_OK;
done:
    if (rc == SILK_ENOMEM && (err == NULL || err->code != SILK_ENOMEM))
        silk_error_set(err, SILK_ENOMEM, "out of memory building cube '%s'",
                       ind->name);
    free(pos_c);
    free(cats);
    free(texts);
    free(entries);
    free(used);
    return rc;
}

/* Where an ordinal lands on the cube's period axis: an array over the
 * ordinal range when it is dense, else a binary search. */
typedef struct period_map {
    bool dense;
    long min_ord;
    const size_t *pos_p;
    const long *ordinals;
    size_t n_p;
} period_map;

static size_t period_position(const void *ctx, long ord)
{
    const period_map *m = ctx;
    if (m->dense)
        return m->pos_p[ord - m->min_ord];
    const long *hit =
        bsearch(&ord, m->ordinals, m->n_p, sizeof *m->ordinals, compare_longs);
    return (size_t)(hit - m->ordinals);
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
    long *ordinals = NULL;
    size_t *pos_p = NULL; /* by ordinal - min_ord, when dense */
    bool *used_o = calloc(nc + 1, sizeof *used_o);
    bool *used_d = calloc(nc + 1, sizeof *used_d);
    size_t *pos_o = calloc(nc + 1, sizeof *pos_o);
    size_t *pos_d = calloc(nc + 1, sizeof *pos_d);
    if (!used_o || !used_d || !pos_o || !pos_d)
        goto done;

    for (size_t k = 0; k < ind->n_series; k++)
        if (ind->series[k].n_set > 0) {
            used_o[ind->series[k].origin] = true;
            used_d[ind->series[k].destination] = true;
        }
    size_t n_o, n_d, n_p = 0;
    origins = axis_labels(batch, used_o, pos_o, &n_o);
    destinations = axis_labels(batch, used_d, pos_d, &n_d);
    if (origins == NULL || destinations == NULL)
        goto done;

    /* The periods named: valid ones span a few thousand ordinals at most,
     * so mark them in an array over [min_ord, max_ord] (no sort); a wider
     * range (only through the API) is sorted instead. */
    size_t range = ind->n_cells ? (size_t)(ind->max_ord - ind->min_ord) + 1 : 0;
    bool dense = range <= 4 * ind->n_cells + 65536;
    if (dense) {
        pos_p = calloc(range + 1, sizeof *pos_p);
        ordinals = malloc((range + 1) * sizeof *ordinals);
        if (pos_p == NULL || ordinals == NULL)
            goto done;
        for (size_t k = 0; k < ind->n_series; k++) {
            const series *s = &ind->series[k];
            const uint16_t *fi = s_file(s);
            size_t base = (size_t)(s->lo - ind->min_ord);
            if (s->n_set == 0)
                continue;
            for (uint32_t j = 0; j < s->cap; j++)
                if (s->n_set == s->cap || fi[j]) /* full: fi not read */
                    pos_p[base + j] = 1;
        }
        for (size_t r = 0; r < range; r++)
            if (pos_p[r]) {
                ordinals[n_p] = ind->min_ord + (long)r;
                pos_p[r] = n_p++;
            }
    } else {
        ordinals = malloc((ind->n_cells + 1) * sizeof *ordinals);
        if (ordinals == NULL)
            goto done;
        for (size_t k = 0; k < ind->n_series; k++) {
            const series *s = &ind->series[k];
            const uint16_t *fi = s_file(s);
            for (uint32_t j = 0; j < s->cap; j++)
                if (fi[j])
                    ordinals[n_p++] = s->lo + (long)j;
        }
        qsort(ordinals, n_p, sizeof *ordinals, compare_longs);
        size_t u = 0;
        for (size_t k = 0; k < n_p; k++)
            if (u == 0 || ordinals[u - 1] != ordinals[k])
                ordinals[u++] = ordinals[k];
        n_p = u;
    }
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
    period_map map = {dense, ind->min_ord, pos_p, ordinals, n_p};
    if (ind->columns != NULL &&
        (rc = build_detail(batch, ind, cube, pos_o, pos_d, period_position,
                           &map, err)) != SILK_OK) {
        silk_cube_free(cube);
        goto done;
    }
    for (size_t k = 0; k < ind->n_series && ind->columns == NULL; k++) {
        const series *s = &ind->series[k];
        if (s->n_set == 0)
            continue;
        const double *v = s_value(s);
        const uint32_t *fl = s_flags(s);
        const uint16_t *fi = s_file(s);
        size_t row = silk_cube_index(cube, pos_o[s->origin],
                                     pos_d[s->destination], 0);
        /* dense: the positions of the series' window, looked up inline
         * (every cell of every cube passes here) */
        const size_t *at = dense ? pos_p + (s->lo - ind->min_ord) : NULL;
        /* a whole window on consecutive positions (most series of a
         * file written series after series): copied as blocks */
        if (at && s->n_set == s->cap &&
            at[s->cap - 1] - at[0] == s->cap - 1) {
            memcpy(cube->value + row + at[0], v, s->cap * sizeof *v);
            memcpy(cube->flags + row + at[0], fl, s->cap * sizeof *fl);
            memset(cube->set + row + at[0], 1, s->cap);
            continue;
        }
        for (uint32_t j = 0; j < s->cap; j++) {
            if (!fi[j])
                continue;
            size_t p = at ? at[j] : period_position(&map, s->lo + (long)j);
            cube->value[row + p] = v[j];
            cube->flags[row + p] = fl[j];
            cube->set[row + p] = 1;
        }
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
    free(pos_p);
    free(used_o);
    free(used_d);
    free(pos_o);
    free(pos_d);
    free(origins);
    free(destinations);
    free(periods);
    return rc;
}
