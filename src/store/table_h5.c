/*
 * table_h5.c: result tables in the store.
 *
 *   /results/<name>/      attrs kind, parameters, inputs, created,
 *                         silkstat_version
 *       row               netCDF dimension without values
 *       <column>          float64[row] (NaN missing) or vlen UTF-8[row]
 *
 * Plain 1-D datasets on one dimension: xarray opens the group as a table
 * (group="results/<name>"), pandas via ds.to_dataframe().
 *
 * Writing: the numeric columns are deflated on every core
 * (store_h5_deflate_*), from the start of the table while HDF5 writes the
 * text columns, with zlib's run-length strategy (the same deflate level
 * to readers: on the bench table's columns half the time of the default
 * strategy and 3% smaller).  A
 * table a commit carries over from the old store has its numeric chunks
 * copied as stored (store_h5_copy_table); its text, vlen strings whose
 * stored form points into the file's global heap, is read and written
 * again.
 */
#include "store/store_h5.h"
#include "store/chunks_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per chunk of a numeric column: 512 KiB. */
#define NUMBER_CHUNK 65536

static hsize_t number_chunk(size_t n)
{
    return n == 0 ? 1 : n < NUMBER_CHUNK ? n : NUMBER_CHUNK;
}

static const double nan_fill = NAN;

/* The creation properties of a numeric column of n rows; -1 on
 * failure. */
static hid_t number_dcpl(size_t n)
{
    hsize_t chunk[1] = {number_chunk(n)};
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl >= 0 &&
        (H5Pset_chunk(dcpl, 1, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
         H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
         H5Pset_fletcher32(dcpl) < 0 ||
         H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan_fill) < 0)) {
        H5Pclose(dcpl);
        dcpl = -1;
    }
    return dcpl;
}

/* Creates the numeric column c (attached to row_dim) in *out, without
 * its values: write_table writes them all at the end. */
static int create_numbers(hid_t group, const silk_table_column *c, size_t n,
                          hid_t row_dim, const char *path, const char *where,
                          hid_t *out, silk_error *err)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    int status = SILK_OK;

    *out = -1;
    space = H5Screate_simple(1, dims, maxdims);
    dcpl = number_dcpl(n);
    if (space < 0 || dcpl < 0 ||
        (dset = H5Dcreate2(group, c->name, H5T_IEEE_F64LE, space,
                           H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0 ||
        H5DSattach_scale(dset, row_dim, 0) < 0 ||
        H5DSset_label(dset, 0, "row") < 0)
        status = store_h5_fail(err, path, "cannot write '%s/%s'", where,
                               c->name);
    else
        *out = dset;
    if (status != SILK_OK && dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static int write_text(hid_t group, const silk_table_column *c, size_t n,
                      hid_t row_dim, const char *path, const char *where,
                      const char *indicator, silk_error *err)
{
    hid_t dset = -1;
    int status = store_h5_write_strings(group, c->name,
                                        (const char *const *)c->string, n,
                                        false, path, indicator, &dset, err);
    if (status == SILK_OK && (H5DSattach_scale(dset, row_dim, 0) < 0 ||
                              H5DSset_label(dset, 0, "row") < 0))
        status = store_h5_fail(err, path, "cannot attach '%s/row'", where);
    if (dset >= 0)
        H5Dclose(dset);
    return status;
}

/* The numeric columns' values copied as stored from the group from of
 * the old store (numbers_copyable checked them). */
static int copy_numbers(const silk_table *t, hid_t from, const hid_t *dsets,
                        const char *path, const char *where, silk_error *err)
{
    hsize_t dims[1] = {t->n_rows}, chunk[1] = {number_chunk(t->n_rows)};
    int status = SILK_OK;

    for (size_t k = 0, i = 0; k < t->n_columns && status == SILK_OK; k++) {
        const silk_table_column *c = &t->columns[k];
        if (c->text)
            continue;
        hid_t old = H5Dopen2(from, c->name, H5P_DEFAULT);
        status = old < 0 ? SILK_ESTORE
                         : store_h5_copy_chunks(old, dsets[i++], 1, dims,
                                                chunk);
        if (status == SILK_ENOMEM)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        else if (status != SILK_OK)
            status = store_h5_fail(err, path, "cannot write '%s/%s'", where,
                                   c->name);
        if (old >= 0)
            H5Dclose(old);
    }
    return status;
}

/* The numeric columns' values: their chunks as compressed by deflater
 * (NULL when it could not start), else, or when it ran out of memory,
 * through H5Dwrite. */
static int write_numbers(const silk_table *t, store_h5_deflater *deflater,
                         const hid_t *dsets, const char *path,
                         const char *where, silk_error *err)
{
    bool written = false;
    if (t->n_rows == 0)
        return SILK_OK;
    if (deflater != NULL &&
        store_h5_deflate_finish(deflater, dsets, &written) == SILK_ESTORE)
        return store_h5_fail(err, path, "cannot write the numeric columns "
                             "of '%s'", where);
    for (size_t k = 0, i = 0; k < t->n_columns && !written; k++) {
        const silk_table_column *c = &t->columns[k];
        if (c->text)
            continue;
        if (H5Dwrite(dsets[i++], H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                     H5P_DEFAULT, c->number) < 0)
            return store_h5_fail(err, path, "cannot write '%s/%s'", where,
                                 c->name);
    }
    return SILK_OK;
}

/* The numeric columns' arrays for store_h5_deflate_start, in column
 * order, and their count. */
static store_h5_array *number_arrays(const silk_table *t, size_t *count)
{
    store_h5_array *arrays = calloc(t->n_columns ? t->n_columns : 1,
                                    sizeof *arrays);
    size_t n = 0;
    if (arrays == NULL)
        return NULL;
    for (size_t k = 0; k < t->n_columns; k++) {
        if (t->columns[k].text)
            continue;
        arrays[n].data = t->columns[k].number;
        arrays[n].elem = sizeof(double);
        arrays[n].rank = 1;
        arrays[n].dims[0] = t->n_rows;
        arrays[n].chunk[0] = number_chunk(t->n_rows);
        arrays[n].fill = &nan_fill;
        n++;
    }
    *count = n;
    return arrays;
}

/* store_h5_write_table; with from, the old store's group of a table
 * whose numeric columns copy_table found made as create_numbers makes
 * them, their chunks copied as stored (t's numbers unused). */
static int write_table(hid_t results, const silk_table *t,
                       const char *created, hid_t from, const char *path,
                       silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 16], indicator[SILK_INDICATOR_MAX + 16];
    hid_t group = -1, row_dim = -1, *numbers = NULL;
    store_h5_array *arrays = NULL;
    store_h5_deflater *deflater = NULL;
    size_t n_numbers = 0;
    int status = SILK_OK;

    /* messages say /indicators/<x> for scales: name the table there */
    snprintf(where, sizeof where, "/results/%s", t->name);
    snprintf(indicator, sizeof indicator, "../results/%s", t->name);
    numbers = malloc((t->n_columns ? t->n_columns : 1) * sizeof *numbers);
    arrays = number_arrays(t, &n_numbers);
    if (numbers == NULL || arrays == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_numbers; i++)
        numbers[i] = -1;
    /* Deflating the numeric columns (1.7 MB each for the 217,374 rows of
     * the 10M-row bench store) is most of a table's time: it starts here
     * on the helper threads and goes on while this thread writes the text
     * columns, which HDF5 stores one string at a time (H5HG_insert).
     * Without memory for it, H5Dwrite does it at the end. */
    if (from < 0 && t->n_rows > 0 && n_numbers > 0 &&
        H5Tequal(H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE) > 0 &&
        store_h5_deflate_start(arrays, n_numbers, DEFLATE_LEVEL, true,
                               &deflater) != SILK_OK)
        deflater = NULL;
    group = H5Gcreate2(results, t->name, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
    if (group < 0) {
        status = store_h5_fail(err, path, "cannot create '%s'", where);
        goto done;
    }
    status = store_h5_write_text_attr(group, "kind", t->kind, path, where,
                                      err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "parameters", t->parameters,
                                          path, where, err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "inputs", t->inputs, path,
                                          where, err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "created", created, path,
                                          where, err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "silkstat_version",
                                          SILK_VERSION, path, where, err);
    /* the column order, which HDF5's name-ordered links would lose */
    size_t len = 1;
    for (size_t k = 0; k < t->n_columns; k++)
        len += strlen(t->columns[k].name) + 1;
    char *columns = malloc(len);
    if (columns == NULL && status == SILK_OK)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (columns != NULL) {
        columns[0] = '\0';
        for (size_t k = 0; k < t->n_columns; k++) {
            if (k > 0)
                strcat(columns, " ");
            strcat(columns, t->columns[k].name);
        }
    }
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "columns", columns, path,
                                          where, err);
    free(columns);
    if (status == SILK_OK)
        status = store_h5_write_dim(group, "row", t->n_rows, path, where,
                                    &row_dim, err);
    for (size_t k = 0, i = 0; k < t->n_columns && status == SILK_OK; k++) {
        const silk_table_column *c = &t->columns[k];
        if (c->text)
            status = write_text(group, c, t->n_rows, row_dim, path, where,
                                indicator, err);
        else
            status = create_numbers(group, c, t->n_rows, row_dim, path,
                                    where, &numbers[i++], err);
    }
    if (status == SILK_OK && from >= 0)
        status = copy_numbers(t, from, numbers, path, where, err);
    else if (status == SILK_OK)
        status = write_numbers(t, deflater, numbers, path, where, err);
done:
    store_h5_deflate_free(deflater);
    for (size_t i = 0; numbers != NULL && i < n_numbers; i++)
        if (numbers[i] >= 0)
            H5Dclose(numbers[i]);
    free(numbers);
    free(arrays);
    if (row_dim >= 0)
        H5Dclose(row_dim);
    if (group >= 0)
        H5Gclose(group);
    return status;
}

int store_h5_write_table(hid_t results, const silk_table *t,
                         const char *created, const char *path,
                         silk_error *err)
{
    return write_table(results, t, created, -1, path, err);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* Reads the column `name` (numbers or strings, by its stored type). */
static int read_column(hid_t group, const char *name, silk_table *t,
                       bool numbers, const char *path, const char *where,
                       silk_error *err)
{
    hid_t dset = H5Dopen2(group, name, H5P_DEFAULT), type = -1, space = -1;
    hsize_t dims[1] = {0};
    silk_table_column *c = NULL;
    int status = SILK_OK;

    if (dset < 0)
        return store_h5_fail(err, path, "cannot open '%s/%s'", where, name);
    type = H5Dget_type(dset);
    space = H5Dget_space(dset);
    if (type < 0 || space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0 ||
        dims[0] != t->n_rows) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '%s/%s' is not a column of %zu "
                                "rows", path, where, name, t->n_rows);
        goto done;
    }
    bool text = H5Tget_class(type) == H5T_STRING;
    status = silk_table_add_column(t, name, text, &c, err);
    if (status != SILK_OK)
        goto done;
    if (!text) {
        if (numbers && t->n_rows > 0 &&
            H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    c->number) < 0)
            status = store_h5_fail(err, path, "cannot read '%s/%s'", where,
                                   name);
        goto done;
    }
    char **labels = NULL;
    size_t n = 0;
    char relative[SILK_INDICATOR_MAX + 16];
    snprintf(relative, sizeof relative, "../results/%s", t->name);
    status = store_h5_read_labels(group, name, path, relative, &labels, &n,
                                  err);
    if (status == SILK_OK) {
        for (size_t r = 0; r < n; r++) {
            free(c->string[r]);
            c->string[r] = labels[r];
        }
        free(labels);
    }
done:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(dset);
    return status;
}

/* store_h5_read_table; without numbers, the numeric columns are made
 * but not read. */
static int read_table(hid_t results, const char *name, bool numbers,
                      const char *path, silk_table **out, silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 16];
    char *kind = NULL, *parameters = NULL, *inputs = NULL, *created = NULL;
    char *columns = NULL;
    silk_table *t = NULL;
    hid_t group = -1, row = -1, space = -1;
    hsize_t dims[1] = {0};
    int status;

    *out = NULL;
    snprintf(where, sizeof where, "/results/%s", name);
    group = H5Gopen2(results, name, H5P_DEFAULT);
    if (group < 0)
        return store_h5_fail(err, path, "cannot open '%s'", where);
    status = store_h5_read_text_attr(group, "kind", path, where, &kind, err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(group, "parameters", path, where,
                                         &parameters, err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(group, "inputs", path, where, &inputs,
                                         err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(group, "created", path, where,
                                         &created, err);
    if (status == SILK_OK)
        status = store_h5_read_text_attr(group, "columns", path, where,
                                         &columns, err);
    if (status != SILK_OK)
        goto done;
    row = H5Dopen2(group, "row", H5P_DEFAULT);
    space = row >= 0 ? H5Dget_space(row) : -1;
    if (space < 0 || H5Sget_simple_extent_dims(space, dims, NULL) != 1) {
        status = store_h5_fail(err, path, "cannot read '%s/row'", where);
        goto done;
    }
    status = silk_table_alloc(name, kind, (size_t)dims[0], &t, err);
    if (status == SILK_OK)
        status = silk_table_set_info(t, parameters, inputs, err);
    if (status != SILK_OK)
        goto done;
    free(t->created);
    t->created = created;
    created = NULL;
    for (char *c = columns; status == SILK_OK && *c;) {
        char *end = strchr(c, ' ');
        if (end != NULL)
            *end = '\0';
        status = read_column(group, c, t, numbers, path, where, err);
        c = end ? end + 1 : c + strlen(c);
    }
    if (status == SILK_OK) {
        *out = t;
        t = NULL;
    }
done:
    free(columns);
    silk_table_free(t);
    free(kind);
    free(parameters);
    free(inputs);
    free(created);
    if (space >= 0)
        H5Sclose(space);
    if (row >= 0)
        H5Dclose(row);
    H5Gclose(group);
    return status;
}

int store_h5_read_table(hid_t results, const char *name, const char *path,
                        silk_table **out, silk_error *err)
{
    return read_table(results, name, true, path, out, err);
}

/* Whether every numeric column of t in the old store's group from is
 * made as create_numbers makes it, so that its chunks can be copied. */
static bool numbers_copyable(hid_t from, const silk_table *t)
{
    hsize_t dims[1] = {t->n_rows};
    hid_t want = number_dcpl(t->n_rows);
    bool same = want >= 0;
    for (size_t k = 0; k < t->n_columns && same; k++) {
        if (t->columns[k].text)
            continue;
        hid_t old = H5Dopen2(from, t->columns[k].name, H5P_DEFAULT);
        same = old >= 0 &&
               store_h5_same_chunks(old, want, H5T_IEEE_F64LE,
                                    H5T_NATIVE_DOUBLE, &nan_fill, 1, dims);
        if (old >= 0)
            H5Dclose(old);
    }
    if (want >= 0)
        H5Pclose(want);
    return same;
}

int store_h5_copy_table(hid_t results, hid_t old_results, const char *name,
                        const char *path, silk_error *err)
{
    silk_table *t = NULL;
    hid_t from = -1;
    int status = read_table(old_results, name, false, path, &t, err);

    if (status != SILK_OK)
        return status;
    from = H5Gopen2(old_results, name, H5P_DEFAULT);
    if (from >= 0 && numbers_copyable(from, t)) {
        status = write_table(results, t, t->created, from, path, err);
    } else {
        silk_table_free(t);
        t = NULL;
        status = read_table(old_results, name, true, path, &t, err);
        if (status == SILK_OK)
            status = write_table(results, t, t->created, -1, path, err);
    }
    if (from >= 0)
        H5Gclose(from);
    silk_table_free(t);
    return status;
}
