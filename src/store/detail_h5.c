/*
 * detail_h5.c: the categorical detail of an indicator in the store.
 *
 *   /indicators/<name>/detail/     attrs columns (the column names, in
 *                                  order, separated by spaces) and
 *                                  aggregation (what value above holds)
 *       series, category           netCDF dimensions without values
 *       <column>                   vlen UTF-8 [category]: the column's
 *                                  value in each category
 *       series_origin              uint32 [series]: position on ../origin
 *       series_destination         uint32 [series]: on ../destination
 *       series_category            uint32 [series]: position on category
 *       value                      float64 [series][period], NaN missing
 *       flags                      uint32 [series][period]
 *
 * So h5py, xarray (group "indicators/<name>/detail") and pandas can
 * rebuild the rows as read: one per (series, period) with a value.
 */
#include "store/store_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detail.h"

static int write_keys(hid_t group, const char *name, const uint32_t *data,
                      size_t n, hid_t series_dim, const char *path,
                      const char *where, silk_error *err)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    hsize_t chunk[1] = {n == 0 ? 1 : n < 65536 ? n : 65536};
    int status = SILK_OK;

    space = H5Screate_simple(1, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
        H5Pset_fletcher32(dcpl) < 0 ||
        (dset = H5Dcreate2(group, name, H5T_STD_U32LE, space, H5P_DEFAULT,
                           dcpl, H5P_DEFAULT)) < 0 ||
        (n > 0 && H5Dwrite(dset, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, data) < 0) ||
        H5DSattach_scale(dset, series_dim, 0) < 0 ||
        H5DSset_label(dset, 0, "series") < 0)
        status = store_h5_fail(err, path, "cannot write '%s/%s'", where, name);
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static int write_cells(hid_t group, const char *name, hid_t file_type,
                       hid_t mem_type, const void *fill, const void *data,
                       size_t n_series, size_t n_period, hid_t series_dim,
                       hid_t period_scale, const char *path,
                       const char *where, silk_error *err)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[2] = {n_series, n_period};
    hsize_t maxdims[2] = {H5S_UNLIMITED, H5S_UNLIMITED};
    hsize_t chunk[2] = {1, n_period == 0 ? 1 : n_period};
    int status = SILK_OK;

    /* whole series per chunk, as many as fit half the chunk cache */
    while (chunk[0] * 2 <= n_series &&
           chunk[0] * 2 * chunk[1] * sizeof(double) < CHUNK_BYTES_MAX / 2)
        chunk[0] *= 2;
    space = H5Screate_simple(2, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 2, chunk) < 0 ||
        H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
        H5Pset_fletcher32(dcpl) < 0 ||
        H5Pset_fill_value(dcpl, mem_type, fill) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET) < 0 ||
        (dset = H5Dcreate2(group, name, file_type, space, H5P_DEFAULT, dcpl,
                           H5P_DEFAULT)) < 0 ||
        (n_series * n_period > 0 &&
         H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ||
        H5DSattach_scale(dset, series_dim, 0) < 0 ||
        H5DSattach_scale(dset, period_scale, 1) < 0 ||
        H5DSset_label(dset, 0, "series") < 0 ||
        H5DSset_label(dset, 1, "period") < 0)
        status = store_h5_fail(err, path, "cannot write '%s/%s'", where, name);
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

/* Column k's value in every category, as separate strings. */
static int write_column(hid_t group, const silk_detail *d, size_t k,
                        hid_t category_dim, const char *path,
                        const char *indicator, silk_error *err)
{
    char **values = calloc(d->n_category ? d->n_category : 1, sizeof *values);
    hid_t dset = -1;
    int status = SILK_OK;

    if (values == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t c = 0; c < d->n_category && status == SILK_OK; c++) {
        size_t size = strlen(d->category[c]) + 1;
        values[c] = malloc(size);
        if (values[c] == NULL)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        else
            silk_detail_category_value(d, c, k, values[c], size);
    }
    if (status == SILK_OK)
        status = store_h5_write_strings(group, d->column[k],
                                        (const char *const *)values,
                                        d->n_category, false, path, indicator,
                                        &dset, err);
    if (status == SILK_OK && (H5DSattach_scale(dset, category_dim, 0) < 0 ||
                              H5DSset_label(dset, 0, "category") < 0))
        status = store_h5_fail(err, path, "cannot attach '/indicators/%s/"
                               "category'", indicator);
    if (dset >= 0)
        H5Dclose(dset);
    for (size_t c = 0; c < d->n_category; c++)
        free(values[c]);
    free(values);
    return status;
}

int store_h5_write_detail(hid_t parent, const silk_cube *cube,
                          hid_t period_scale, const char *path,
                          silk_error *err)
{
    const silk_detail *d = cube->detail;
    char where[SILK_INDICATOR_MAX + 32], indicator[SILK_INDICATOR_MAX + 16];
    char columns[SILK_CATEGORY_COLUMNS_MAX * 66], aggregation[1024];
    hid_t group = -1, series_dim = -1, category_dim = -1;
    const double nan_fill = NAN;
    const uint32_t zero_fill = 0;
    size_t used = 0;
    int status;

    snprintf(where, sizeof where, "/indicators/%s/detail", cube->indicator);
    snprintf(indicator, sizeof indicator, "%s/detail", cube->indicator);
    columns[0] = '\0';
    for (size_t k = 0; k < d->n_column && used < sizeof columns; k++)
        used += (size_t)snprintf(columns + used, sizeof columns - used, "%s%s",
                                 k ? " " : "", d->column[k]);
    snprintf(aggregation, sizeof aggregation,
             "value is the sum over every category (%s), as UNHCR publishes "
             "totals; detail/ holds the rows as read", columns);
    group = H5Gcreate2(parent, "detail", H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
    if (group < 0)
        return store_h5_fail(err, path, "cannot create '%s'", where);
    status = store_h5_write_text_attr(group, "columns", columns, path, where,
                                      err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(group, "aggregation", aggregation,
                                          path, where, err);
    if (status == SILK_OK)
        status = store_h5_write_dim(group, "series", d->n_series, path, where,
                                    &series_dim, err);
    if (status == SILK_OK)
        status = store_h5_write_dim(group, "category", d->n_category, path,
                                    where, &category_dim, err);
    for (size_t k = 0; k < d->n_column && status == SILK_OK; k++)
        status = write_column(group, d, k, category_dim, path, indicator, err);
    if (status == SILK_OK)
        status = write_keys(group, "series_origin", d->origin, d->n_series,
                            series_dim, path, where, err);
    if (status == SILK_OK)
        status = write_keys(group, "series_destination", d->destination,
                            d->n_series, series_dim, path, where, err);
    if (status == SILK_OK)
        status = write_keys(group, "series_category", d->category_of,
                            d->n_series, series_dim, path, where, err);
    if (status == SILK_OK)
        status = write_cells(group, "value", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                             &nan_fill, d->value, d->n_series, cube->n_period,
                             series_dim, period_scale, path, where, err);
    if (status == SILK_OK)
        status = write_cells(group, "flags", H5T_STD_U32LE, H5T_NATIVE_UINT32,
                             &zero_fill, d->flags, d->n_series,
                             cube->n_period, series_dim, period_scale, path,
                             where, err);
    if (category_dim >= 0)
        H5Dclose(category_dim);
    if (series_dim >= 0)
        H5Dclose(series_dim);
    H5Gclose(group);
    return status;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* Reads an n-element (rank 1) or n x m (rank 2) dataset into buf. */
static int read_array(hid_t group, const char *name, hid_t mem_type, int rank,
                      size_t n, size_t m, void *buf, const char *path,
                      const char *where, silk_error *err)
{
    hid_t dset = -1, space = -1;
    hsize_t dims[2] = {0, 0};
    int status = SILK_OK;

    dset = H5Dopen2(group, name, H5P_DEFAULT);
    if (dset < 0)
        return store_h5_fail(err, path, "cannot open '%s/%s'", where, name);
    space = H5Dget_space(dset);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != rank ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0 || dims[0] != n ||
        (rank == 2 && dims[1] != m)) {
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': '%s/%s' does not match the "
                                "detail's series and periods",
                                path, where, name);
        goto done;
    }
    if (n * (rank == 2 ? m : 1) > 0 &&
        H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        status = store_h5_fail(err, path, "cannot read '%s/%s'", where, name);
done:
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(dset);
    return status;
}

static void free_strings(char **s, size_t n)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

/* Splits "a b c" into column names. */
static int parse_columns(const char *text, char names[][66], size_t *n,
                         const char *path, const char *where,
                         silk_error *err)
{
    *n = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (*n == SILK_CATEGORY_COLUMNS_MAX || len == 0 || len > 64)
            break;
        memcpy(names[*n], p, len);
        names[*n][len] = '\0';
        if (!silk_category_column_valid(names[*n]))
            break;
        (*n)++;
        p += len;
        if (*p == ' ')
            p++;
        if (*p == '\0')
            return SILK_OK;
    }
    return silk_error_set(err, SILK_ESTORE,
                          "store '%s': attribute 'columns' of '%s' is not a "
                          "list of 1 to %d categorical column names",
                          path, where, SILK_CATEGORY_COLUMNS_MAX);
}

/* Joins every column's value of each category. */
static int join_categories(char **values[], size_t n_column, size_t n,
                           char ***out, silk_error *err)
{
    char **joined = calloc(n ? n : 1, sizeof *joined);
    if (joined == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t c = 0; c < n; c++) {
        size_t size = 1;
        for (size_t k = 0; k < n_column; k++)
            size += strlen(values[k][c]) + 1;
        joined[c] = malloc(size);
        if (joined[c] == NULL) {
            free_strings(joined, c);
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
        size_t used = 0;
        for (size_t k = 0; k < n_column; k++) {
            size_t len = strlen(values[k][c]);
            if (k > 0)
                joined[c][used++] = SILK_CATEGORY_SEP;
            memcpy(joined[c] + used, values[k][c], len);
            used += len;
        }
        joined[c][used] = '\0';
    }
    *out = joined;
    return SILK_OK;
}

int store_h5_read_detail(hid_t parent, silk_cube *cube, const char *path,
                         silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 32], indicator[SILK_INDICATOR_MAX + 16];
    char names[SILK_CATEGORY_COLUMNS_MAX][66];
    const char *name_ptr[SILK_CATEGORY_COLUMNS_MAX];
    char **values[SILK_CATEGORY_COLUMNS_MAX] = {NULL};
    size_t n_values[SILK_CATEGORY_COLUMNS_MAX] = {0};
    char *columns = NULL, **joined = NULL;
    size_t n_column = 0, n_category = 0, n_series = 0;
    silk_detail *d = NULL;
    hid_t group = -1, dset = -1, space = -1;
    hsize_t dims[1] = {0};
    int status;

    snprintf(where, sizeof where, "/indicators/%s/detail", cube->indicator);
    snprintf(indicator, sizeof indicator, "%s/detail", cube->indicator);
    group = H5Gopen2(parent, "detail", H5P_DEFAULT);
    if (group < 0)
        return store_h5_fail(err, path, "cannot open '%s'", where);
    status = store_h5_read_text_attr(group, "columns", path, where, &columns,
                                     err);
    if (status == SILK_OK)
        status = parse_columns(columns, names, &n_column, path, where, err);
    for (size_t k = 0; k < n_column && status == SILK_OK; k++) {
        name_ptr[k] = names[k];
        status = store_h5_read_labels(group, names[k], path, indicator,
                                      &values[k], &n_values[k], err);
        if (status == SILK_OK && n_values[k] != n_values[0])
            status = silk_error_set(err, SILK_ESTORE,
                                    "store '%s': the columns of '%s' have "
                                    "different lengths", path, where);
    }
    if (status != SILK_OK)
        goto done;
    n_category = n_values[0];
    dset = H5Dopen2(group, "series_origin", H5P_DEFAULT);
    space = dset >= 0 ? H5Dget_space(dset) : -1;
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        status = store_h5_fail(err, path, "cannot read '%s/series_origin'",
                               where);
        goto done;
    }
    n_series = (size_t)dims[0];
    status = join_categories(values, n_column, n_category, &joined, err);
    if (status == SILK_OK)
        status = silk_detail_alloc(name_ptr, n_column,
                                   (const char *const *)joined, n_category,
                                   n_series, cube->n_period, false, &d, err);
    if (status == SILK_OK)
        status = read_array(group, "series_origin", H5T_NATIVE_UINT32, 1,
                            n_series, 0, d->origin, path, where, err);
    if (status == SILK_OK)
        status = read_array(group, "series_destination", H5T_NATIVE_UINT32, 1,
                            n_series, 0, d->destination, path, where, err);
    if (status == SILK_OK)
        status = read_array(group, "series_category", H5T_NATIVE_UINT32, 1,
                            n_series, 0, d->category_of, path, where, err);
    if (status == SILK_OK)
        status = read_array(group, "value", H5T_NATIVE_DOUBLE, 2, n_series,
                            cube->n_period, d->value, path, where, err);
    if (status == SILK_OK)
        status = read_array(group, "flags", H5T_NATIVE_UINT32, 2, n_series,
                            cube->n_period, d->flags, path, where, err);
    /* positions index the cube's arrays: a damaged store must not */
    for (size_t s = 0; s < n_series && status == SILK_OK; s++)
        if (d->origin[s] >= cube->n_origin ||
            d->destination[s] >= cube->n_destination ||
            d->category_of[s] >= n_category)
            status = silk_error_set(err, SILK_ESTORE,
                                    "store '%s': series %zu of '%s' points "
                                    "outside its axes", path, s, where);
    if (status == SILK_OK) {
        silk_detail_free(cube->detail);
        cube->detail = d;
        d = NULL;
    }
done:
    silk_detail_free(d);
    free_strings(joined, n_category);
    for (size_t k = 0; k < n_column; k++)
        free_strings(values[k], n_values[k]);
    free(columns);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    H5Gclose(group);
    return status;
}
