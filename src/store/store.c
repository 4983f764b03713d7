/*
 * store.c: the read side of the HDF5 store (open, list, read a cube, read
 * provenance) and the helpers commit.c shares.  Writing lives in commit.c
 * because it also owns the lock file, the temporary file and the rename.
 */
#include "store/store_h5.h"
#include "store/chunks_h5.h"
#include "store/derivation_h5.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct silk_store {
    char *path;
    hid_t file;
    char **names; /* indicators, strcmp order */
    size_t n_names;
    char **tables; /* result tables, strcmp order */
    size_t n_tables;
};

/* ------------------------------------------------------------------ */
/* Helpers shared with commit.c                                        */
/* ------------------------------------------------------------------ */

static pthread_once_t h5_once = PTHREAD_ONCE_INIT;

static void h5_quiet(void)
{
    /* No HDF5 clean-up at exit: after a write failed (disk full), H5Fclose
     * fails and leaves a half-closed file id that HDF5 1.10.8's atexit
     * handler dereferences (SIGSEGV in H5F__close_cb, found by the ENOSPC
     * test in tests/cli/store.sh).  Every id is closed explicitly anyway,
     * and the kernel closes the descriptors.  Must precede any other HDF5
     * call. */
    H5dont_atexit();
    /* The library never prints: errors reach the caller as messages. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void store_h5_init(void)
{
    pthread_once(&h5_once, h5_quiet);
}

typedef struct walk_state {
    char text[256];
} walk_state;

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    walk_state *state = data;
    /* Walking upward, record 0 is the most specific error (e.g. "file
     * signature not found"), the one an analyst can act on. */
    if (n != 0)
        return 0;
    if (e->desc != NULL && e->desc[0] != '\0') {
        /* The virtual file driver's system-call failures read "file write
         * failed: time = ..., filename = ..., errno = 28, error message =
         * 'No space left on device', buf = 0x..., ...": keep the reason. */
        const char *reason = strstr(e->desc, "error message = '");
        const char *end = reason != NULL ? strchr(reason + 17, '\'') : NULL;
        if (end != NULL)
            snprintf(state->text, sizeof state->text, "%.*s",
                     (int)(end - (reason + 17)), reason + 17);
        else
            snprintf(state->text, sizeof state->text, "%s", e->desc);
    } else if (H5Eget_msg(e->min_num, NULL, state->text, sizeof state->text) < 0)
        state->text[0] = '\0';
    return 0;
}

int store_h5_fail(silk_error *err, const char *path, const char *what, ...)
{
    walk_state state = {{0}};
    char detail[512];
    va_list ap;

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &state);
    va_start(ap, what);
    vsnprintf(detail, sizeof detail, what, ap);
    va_end(ap);
    if (state.text[0] != '\0')
        return silk_error_set(err, SILK_ESTORE, "store '%s': %s: %s", path,
                              detail, state.text);
    return silk_error_set(err, SILK_ESTORE, "store '%s': %s", path, detail);
}

hid_t store_h5_vlen_string(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return type;
    if (H5Tset_size(type, H5T_VARIABLE) < 0 ||
        H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return -1;
    }
    return type;
}

hid_t store_h5_prov_type(void)
{
    hid_t type = -1, vstr = -1, hex = -1, result = -1;

    vstr = store_h5_vlen_string();
    hex = H5Tcopy(H5T_C_S1);
    if (vstr < 0 || hex < 0 || H5Tset_size(hex, 65) < 0 ||
        H5Tset_strpad(hex, H5T_STR_NULLTERM) < 0)
        goto done;
    type = H5Tcreate(H5T_COMPOUND, sizeof(store_prov_row));
    if (type < 0 ||
        H5Tinsert(type, "file", HOFFSET(store_prov_row, file), vstr) < 0 ||
        H5Tinsert(type, "sha256", HOFFSET(store_prov_row, sha256), hex) < 0 ||
        H5Tinsert(type, "rows", HOFFSET(store_prov_row, rows),
                  H5T_NATIVE_UINT64) < 0 ||
        H5Tinsert(type, "time", HOFFSET(store_prov_row, time), vstr) < 0 ||
        H5Tinsert(type, "version", HOFFSET(store_prov_row, version), vstr) < 0 ||
        H5Tinsert(type, "indicators", HOFFSET(store_prov_row, indicators),
                  vstr) < 0)
        goto done;
    result = type;
    type = -1;
done:
    if (type >= 0)
        H5Tclose(type);
    if (hex >= 0)
        H5Tclose(hex);
    if (vstr >= 0)
        H5Tclose(vstr);
    return result;
}

int store_h5_check_format(hid_t file, const char *path, silk_error *err)
{
    hid_t attr = -1;
    int format = 0;
    int status = SILK_OK;
    htri_t has = H5Aexists(file, "silkstat_format");

    if (has < 0)
        return store_h5_fail(err, path, "cannot read the root attributes");
    if (has == 0)
        return silk_error_set(err, SILK_ESTORE,
                              "'%s' is not a silkstat store (no "
                              "'silkstat_format' attribute)", path);
    attr = H5Aopen(file, "silkstat_format", H5P_DEFAULT);
    if (attr < 0 || H5Aread(attr, H5T_NATIVE_INT, &format) < 0) {
        status = store_h5_fail(err, path, "cannot read 'silkstat_format'");
        goto done;
    }
    if (format != STORE_FORMAT)
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s' has format %d; this silkstat "
                                "reads format %d", path, format, STORE_FORMAT);
done:
    if (attr >= 0)
        H5Aclose(attr);
    return status;
}

/* ------------------------------------------------------------------ */
/* Open, list, close                                                   */
/* ------------------------------------------------------------------ */

const char *silk_store_default_path(void)
{
    const char *env = getenv("SILKSTAT_STORE");
    return env != NULL && env[0] != '\0' ? env : "silkstat.h5";
}

typedef struct name_list {
    char **names;
    size_t n, cap;
    int failed;
} name_list;

static herr_t collect_name(hid_t group, const char *name,
                           const H5L_info_t *info, void *data)
{
    name_list *list = data;
    (void)group;
    (void)info;
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        char **grown = realloc(list->names, cap * sizeof *grown);
        if (grown == NULL) {
            list->failed = 1;
            return -1;
        }
        list->names = grown;
        list->cap = cap;
    }
    list->names[list->n] = strdup(name);
    if (list->names[list->n] == NULL) {
        list->failed = 1;
        return -1;
    }
    list->n++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The names of the links in group `name` of file (none if absent), in
 * strcmp order. */
static int list_group(hid_t file, const char *name, const char *path,
                      name_list *list, silk_error *err)
{
    htri_t has = H5Lexists(file, name, H5P_DEFAULT);
    if (has < 0)
        return store_h5_fail(err, path, "cannot look up '/%s'", name);
    if (has == 0)
        return SILK_OK;
    hid_t group = H5Gopen2(file, name, H5P_DEFAULT);
    if (group < 0)
        return store_h5_fail(err, path, "cannot open '/%s'", name);
    int status = SILK_OK;
    if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name,
                   list) < 0)
        status = list->failed
                     ? silk_error_set(err, SILK_ENOMEM, "out of memory")
                     : store_h5_fail(err, path, "cannot list '/%s'", name);
    H5Gclose(group);
    /* HDF5 orders by its own comparison; the contract says strcmp. */
    if (status == SILK_OK && list->n > 1)
        qsort(list->names, list->n, sizeof *list->names, compare_names);
    return status;
}

int silk_store_open(const char *path, silk_store **out, silk_error *err)
{
    silk_store *store = NULL;
    name_list list = {0};
    struct stat st;
    htri_t is_hdf5;
    int status = SILK_OK;

    *out = NULL;
    store_h5_init();
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return silk_error_set(err, SILK_ENOTFOUND,
                                  "store '%s' does not exist (run 'silkstat "
                                  "ingest' first)", path);
        return silk_error_set(err, SILK_EIO, "cannot read store '%s': %s",
                              path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return silk_error_set(err, SILK_ESTORE,
                              "'%s' is not a silkstat store (not a regular "
                              "file)", path);
    /* libhdf5 crashes on some malformed files (RELIABILITY.md): look for
     * the signature before opening, then for our format attribute before
     * touching anything else. */
    is_hdf5 = H5Fis_hdf5(path);
    if (is_hdf5 <= 0)
        return silk_error_set(err, SILK_ESTORE,
                              "'%s' is not a silkstat store (not an HDF5 "
                              "file)", path);
    store = calloc(1, sizeof *store);
    if (store == NULL || (store->path = strdup(path)) == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    store->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (store->file < 0) {
        status = store_h5_fail(err, path, "cannot open");
        goto done;
    }
    status = store_h5_check_format(store->file, path, err);
    if (status != SILK_OK)
        goto done;
    status = list_group(store->file, "indicators", path, &list, err);
    if (status != SILK_OK)
        goto done;
    name_list tables = {0};
    status = list_group(store->file, "results", path, &tables, err);
    store->tables = tables.names;
    store->n_tables = tables.n;
    if (status != SILK_OK)
        goto done;
    store->names = list.names;
    store->n_names = list.n;
    list.names = NULL;
    list.n = 0;
    *out = store;
    store = NULL;
done:
    free_names(list.names, list.n);
    silk_store_close(store);
    return status;
}

void silk_store_close(silk_store *store)
{
    if (store == NULL)
        return;
    if (store->file > 0)
        H5Fclose(store->file);
    free_names(store->names, store->n_names);
    free_names(store->tables, store->n_tables);
    free(store->path);
    free(store);
}

size_t silk_store_table_count(const silk_store *store)
{
    return store->n_tables;
}

const char *silk_store_table_name(const silk_store *store, size_t i)
{
    return i < store->n_tables ? store->tables[i] : NULL;
}

int silk_store_read_table(silk_store *store, const char *name,
                          silk_table **out, silk_error *err)
{
    *out = NULL;
    if (bsearch(&name, store->tables, store->n_tables, sizeof *store->tables,
                compare_names) == NULL)
        return silk_error_set(err, SILK_ENOTFOUND,
                              "no result table '%s' in store '%s'", name,
                              store->path);
    hid_t results = H5Gopen2(store->file, "results", H5P_DEFAULT);
    if (results < 0)
        return store_h5_fail(err, store->path, "cannot open '/results'");
    int status = store_h5_read_table(results, name, store->path, out, err);
    H5Gclose(results);
    return status;
}

size_t silk_store_indicator_count(const silk_store *store)
{
    return store->n_names;
}

const char *silk_store_indicator_name(const silk_store *store, size_t i)
{
    return i < store->n_names ? store->names[i] : NULL;
}

/* ------------------------------------------------------------------ */
/* Reading one indicator                                               */
/* ------------------------------------------------------------------ */

/* Reads a 1-D string dataset (a dimension scale) into malloc'd copies. */
int store_h5_read_labels(hid_t group, const char *name, const char *path,
                         const char *indicator, char ***out, size_t *count,
                         silk_error *err)
{
    hid_t dset = -1, space = -1, type = -1;
    hsize_t dims[1] = {0};
    char **raw = NULL, **labels = NULL;
    size_t n = 0;
    int read_ok = 0;
    int status = SILK_OK;

    *out = NULL;
    *count = 0;
    dset = H5Dopen2(group, name, H5P_DEFAULT);
    if (dset < 0) {
        status = store_h5_fail(err, path, "cannot open '/indicators/%s/%s'",
                               indicator, name);
        goto done;
    }
    space = H5Dget_space(dset);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '/indicators/%s/%s' is not a "
                                "1-D list of labels", path, indicator, name);
        goto done;
    }
    n = (size_t)dims[0];
    type = store_h5_vlen_string();
    raw = calloc(n ? n : 1, sizeof *raw);
    labels = calloc(n ? n : 1, sizeof *labels);
    if (type < 0 || raw == NULL || labels == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    if (n > 0) {
        if (H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
            status = store_h5_fail(err, path, "cannot read '/indicators/%s/%s'",
                                   indicator, name);
            goto done;
        }
        read_ok = 1;
    }
    for (size_t i = 0; i < n; i++) {
        labels[i] = strdup(raw[i] != NULL ? raw[i] : "");
        if (labels[i] == NULL) {
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
            goto done;
        }
    }
    *out = labels;
    *count = n;
    labels = NULL;
done:
    if (read_ok)
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
    free(raw);
    free_names(labels, n);
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return status;
}

/* Reads a scalar string attribute (variable or fixed length) into a
 * malloc'd copy; "" if the attribute is absent. */
int store_h5_read_text_attr(hid_t obj, const char *name, const char *path,
                            const char *where, char **out, silk_error *err)
{
    hid_t attr = -1, type = -1, mem = -1;
    char *text = NULL, *vlen = NULL;
    int status = SILK_OK;
    htri_t has;

    *out = NULL;
    has = H5Aexists(obj, name);
    if (has < 0)
        return store_h5_fail(err, path, "cannot look up attribute '%s' of "
                             "'%s'", name, where);
    if (has == 0) {
        *out = strdup("");
        return *out ? SILK_OK : silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    type = attr >= 0 ? H5Aget_type(attr) : -1;
    if (type < 0 || H5Tget_class(type) != H5T_STRING) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': attribute '%s' of '%s' is not a "
                                "string", path, name, where);
        goto done;
    }
    if (H5Tis_variable_str(type) > 0) {
        mem = store_h5_vlen_string();
        if (mem < 0 || H5Aread(attr, mem, &vlen) < 0) {
            status = store_h5_fail(err, path, "cannot read attribute '%s' of "
                                   "'%s'", name, where);
            goto done;
        }
        text = strdup(vlen != NULL ? vlen : "");
    } else {
        size_t size = H5Tget_size(type);
        text = calloc(size + 1, 1);
        if (text != NULL && H5Aread(attr, type, text) < 0) {
            status = store_h5_fail(err, path, "cannot read attribute '%s' of "
                                   "'%s'", name, where);
            goto done;
        }
    }
    if (text == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    *out = text;
    text = NULL;
done:
    if (vlen != NULL)
        H5free_memory(vlen);
    free(text);
    if (mem >= 0)
        H5Tclose(mem);
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    return status;
}

static silk_freq freq_from_text(const char *text)
{
    if (strcmp(text, "annual") == 0)
        return SILK_FREQ_ANNUAL;
    if (strcmp(text, "quarterly") == 0)
        return SILK_FREQ_QUARTERLY;
    if (strcmp(text, "monthly") == 0)
        return SILK_FREQ_MONTHLY;
    return SILK_FREQ_NONE;
}

/* Reads a 3-D dataset of the cube's shape into buf: its chunks decoded
 * on every core (chunks_h5.c) when the dataset has the filters silkstat
 * writes and the file's byte order, else through H5Dread. */
static int read_grid(hid_t group, const char *name, hid_t mem_type,
                     const silk_cube *cube, void *buf, const char *path,
                     silk_error *err)
{
    hid_t dset = -1, space = -1;
    hsize_t dims[3] = {0, 0, 0};
    char where[SILK_INDICATOR_MAX + 32];
    bool done = false;
    int status = SILK_OK;

    dset = H5Dopen2(group, name, H5P_DEFAULT);
    if (dset < 0) {
        status = store_h5_fail(err, path, "cannot open '/indicators/%s/%s'",
                               cube->indicator, name);
        goto done;
    }
    space = H5Dget_space(dset);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 3 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0 ||
        dims[0] != cube->n_origin || dims[1] != cube->n_destination ||
        dims[2] != cube->n_period) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '/indicators/%s/%s' does not "
                                "match its origin, destination and period "
                                "scales", path, cube->indicator, name);
        goto done;
    }
    if (dims[0] * dims[1] * dims[2] == 0)
        goto done;
    snprintf(where, sizeof where, "/indicators/%s/%s", cube->indicator, name);
    status = store_h5_read_chunks(dset, mem_type, buf, path, where, &done,
                                  err);
    if (status != SILK_OK || done)
        goto done;
    if (H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        status = store_h5_fail(err, path, "cannot read '%s'", where);
        goto done;
    }
done:
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return status;
}

static bool store_has(const silk_store *store, const char *indicator)
{
    return bsearch(&indicator, store->names, store->n_names,
                   sizeof *store->names, compare_names) != NULL;
}

/* The cube without value and flags: what silk_cube_alloc makes, the two
 * grids left NULL. */
static int shell_alloc(const char *indicator, silk_freq freq, char ***origin,
                       size_t n_origin, char ***destination,
                       size_t n_destination, silk_period **period,
                       size_t n_period, silk_cube **out, silk_error *err)
{
    silk_cube *cube = calloc(1, sizeof *cube);
    *out = NULL;
    if (cube == NULL || (cube->indicator = strdup(indicator)) == NULL ||
        (cube->unit = strdup("")) == NULL ||
        (cube->source = strdup("")) == NULL) {
        silk_cube_free(cube);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    cube->freq = freq;
    /* the labels and periods read, moved in */
    cube->origin = *origin;
    cube->n_origin = n_origin;
    *origin = NULL;
    cube->destination = *destination;
    cube->n_destination = n_destination;
    *destination = NULL;
    cube->period = *period;
    cube->n_period = n_period;
    *period = NULL;
    *out = cube;
    return SILK_OK;
}

/* silk_store_read; without grids, the cube of store_h5_read_shell. */
static int read_cube(silk_store *store, const char *indicator, bool grids,
                     silk_cube **out, silk_error *err)
{
    hid_t group = -1, value = -1;
    char **origin = NULL, **destination = NULL, **labels = NULL;
    size_t n_origin = 0, n_destination = 0, n_period = 0;
    silk_period *period = NULL;
    char *unit = NULL, *source = NULL, *frequency = NULL;
    char where[SILK_INDICATOR_MAX + 32];
    silk_cube *cube = NULL;
    silk_freq freq;
    int status = SILK_OK;

    *out = NULL;
    if (!store_has(store, indicator))
        return silk_error_set(err, SILK_ENOTFOUND,
                              "no indicator '%s' in store '%s'", indicator,
                              store->path);
    snprintf(where, sizeof where, "/indicators/%s", indicator);
    group = H5Gopen2(store->file, where, H5P_DEFAULT);
    if (group < 0) {
        status = store_h5_fail(err, store->path, "cannot open '%s'", where);
        goto done;
    }
    status = store_h5_read_labels(group, "origin", store->path, indicator, &origin,
                         &n_origin, err);
    if (status == SILK_OK)
        status = store_h5_read_labels(group, "destination", store->path, indicator,
                             &destination, &n_destination, err);
    if (status == SILK_OK)
        status = store_h5_read_labels(group, "period", store->path, indicator, &labels,
                             &n_period, err);
    if (status != SILK_OK)
        goto done;

    snprintf(where, sizeof where, "/indicators/%s/value", indicator);
    value = H5Dopen2(group, "value", H5P_DEFAULT);
    if (value < 0) {
        status = store_h5_fail(err, store->path, "cannot open '%s'", where);
        goto done;
    }
    status = store_h5_read_text_attr(value, "units", store->path, where, &unit, err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(value, "source", store->path, where, &source,
                                err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(value, "frequency", store->path, where,
                                &frequency, err);
    if (status != SILK_OK)
        goto done;
    freq = freq_from_text(frequency);
    if (freq == SILK_FREQ_NONE) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '%s' has frequency '%s', expected "
                                "'annual', 'quarterly' or 'monthly'",
                                store->path, where, frequency);
        goto done;
    }
    period = calloc(n_period ? n_period : 1, sizeof *period);
    if (period == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_period; i++) {
        if (silk_period_parse(labels[i], strlen(labels[i]), &period[i]) !=
                SILK_OK ||
            period[i].freq != freq) {
            status = silk_error_set(err, SILK_ESTORE,
                                    "store '%s': period '%s' of indicator "
                                    "'%s' is not a%s period", store->path,
                                    labels[i], indicator,
                                    freq == SILK_FREQ_ANNUAL ? "n annual"
                                    : freq == SILK_FREQ_QUARTERLY ? " quarterly"
                                                                  : " monthly");
            goto done;
        }
    }
    if (grids)
        status = silk_cube_alloc(indicator, freq, (const char *const *)origin,
                                 n_origin, (const char *const *)destination,
                                 n_destination, period, n_period, false,
                                 &cube, err);
    else
        status = shell_alloc(indicator, freq, &origin, n_origin, &destination,
                             n_destination, &period, n_period, &cube, err);
    if (status != SILK_OK)
        goto done;
    status = silk_cube_set_unit(cube, unit, err);
    if (status == SILK_OK)
        status = silk_cube_set_source(cube, source, err);
    if (status == SILK_OK && grids)
        status = read_grid(group, "value", H5T_NATIVE_DOUBLE, cube,
                           cube->value, store->path, err);
    if (status == SILK_OK && grids)
        status = read_grid(group, "flags", H5T_NATIVE_UINT32, cube,
                           cube->flags, store->path, err);
    if (status == SILK_OK) {
        htri_t has = H5Lexists(group, "detail", H5P_DEFAULT);
        if (has < 0)
            status = store_h5_fail(err, store->path, "cannot look up "
                                   "'/indicators/%s/detail'", indicator);
        else if (has > 0)
            status = store_h5_read_detail(group, cube, store->path, err);
    }
    if (status == SILK_OK)
        status = store_h5_read_derivation(group, cube, store->path, err);
    if (status != SILK_OK)
        goto done;
    *out = cube;
    cube = NULL;
done:
    silk_cube_free(cube);
    free(unit);
    free(source);
    free(frequency);
    free(period);
    free_names(origin, n_origin);
    free_names(destination, n_destination);
    free_names(labels, n_period);
    if (value >= 0)
        H5Dclose(value);
    if (group >= 0)
        H5Gclose(group);
    return status;
}

int silk_store_read(silk_store *store, const char *indicator, silk_cube **out,
                    silk_error *err)
{
    return read_cube(store, indicator, true, out, err);
}

int store_h5_read_shell(silk_store *store, const char *indicator,
                        silk_cube **out, silk_error *err)
{
    return read_cube(store, indicator, false, out, err);
}

hid_t store_h5_file(const silk_store *store)
{
    return store->file;
}

/* ------------------------------------------------------------------ */
/* Provenance                                                          */
/* ------------------------------------------------------------------ */

static char *dup_or_empty(const char *text)
{
    return strdup(text != NULL ? text : "");
}

int silk_store_provenance(silk_store *store, silk_provenance **out,
                          size_t *count, silk_error *err)
{
    hid_t dset = -1, space = -1, type = -1;
    hsize_t dims[1] = {0};
    store_prov_row *rows = NULL;
    silk_provenance *prov = NULL;
    size_t n = 0;
    int read_ok = 0;
    int status = SILK_OK;
    htri_t has;

    *out = NULL;
    *count = 0;
    has = H5Lexists(store->file, "provenance", H5P_DEFAULT);
    if (has < 0)
        return store_h5_fail(err, store->path, "cannot look up '/provenance'");
    if (has == 0)
        return SILK_OK;
    dset = H5Dopen2(store->file, "provenance", H5P_DEFAULT);
    if (dset < 0) {
        status = store_h5_fail(err, store->path, "cannot open '/provenance'");
        goto done;
    }
    space = H5Dget_space(dset);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '/provenance' is not a 1-D table",
                                store->path);
        goto done;
    }
    n = (size_t)dims[0];
    type = store_h5_prov_type();
    rows = calloc(n ? n : 1, sizeof *rows);
    prov = calloc(n ? n : 1, sizeof *prov);
    if (type < 0 || rows == NULL || prov == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        n = 0;
        goto done;
    }
    if (n > 0) {
        if (H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
            status = store_h5_fail(err, store->path,
                                   "cannot read '/provenance'");
            goto done;
        }
        read_ok = 1;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(prov[i].sha256, rows[i].sha256, sizeof prov[i].sha256);
        prov[i].sha256[64] = '\0';
        prov[i].rows = rows[i].rows;
        prov[i].file = dup_or_empty(rows[i].file);
        prov[i].time = dup_or_empty(rows[i].time);
        prov[i].version = dup_or_empty(rows[i].version);
        prov[i].indicators = dup_or_empty(rows[i].indicators);
        if (!prov[i].file || !prov[i].time || !prov[i].version ||
            !prov[i].indicators) {
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
            goto done;
        }
    }
    *out = prov;
    *count = n;
    prov = NULL;
done:
    if (read_ok)
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, rows);
    free(rows);
    silk_store_provenance_free(prov, n);
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return status;
}

void silk_store_provenance_free(silk_provenance *prov, size_t count)
{
    if (prov == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        free(prov[i].file);
        free(prov[i].time);
        free(prov[i].version);
        free(prov[i].indicators);
    }
    free(prov);
}
