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
 */
#include "store/store_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_numbers(hid_t group, const silk_table_column *c, size_t n,
                         hid_t row_dim, const char *path, const char *where,
                         silk_error *err)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    hsize_t chunk[1] = {n == 0 ? 1 : n < 65536 ? n : 65536};
    const double nan_fill = NAN;
    int status = SILK_OK;

    space = H5Screate_simple(1, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
        H5Pset_fletcher32(dcpl) < 0 ||
        H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan_fill) < 0 ||
        (dset = H5Dcreate2(group, c->name, H5T_IEEE_F64LE, space,
                           H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0 ||
        (n > 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, c->number) < 0) ||
        H5DSattach_scale(dset, row_dim, 0) < 0 ||
        H5DSset_label(dset, 0, "row") < 0)
        status = store_h5_fail(err, path, "cannot write '%s/%s'", where,
                               c->name);
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

int store_h5_write_table(hid_t results, const silk_table *t,
                         const char *created, const char *path,
                         silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 16], indicator[SILK_INDICATOR_MAX + 16];
    hid_t group = -1, row_dim = -1;
    int status;

    /* messages say /indicators/<x> for scales: name the table there */
    snprintf(where, sizeof where, "/results/%s", t->name);
    snprintf(indicator, sizeof indicator, "../results/%s", t->name);
    group = H5Gcreate2(results, t->name, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
    if (group < 0)
        return store_h5_fail(err, path, "cannot create '%s'", where);
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
    for (size_t k = 0; k < t->n_columns && status == SILK_OK; k++) {
        const silk_table_column *c = &t->columns[k];
        if (!c->text) {
            status = write_numbers(group, c, t->n_rows, row_dim, path, where,
                                   err);
            continue;
        }
        hid_t dset = -1;
        status = store_h5_write_strings(group, c->name,
                                        (const char *const *)c->string,
                                        t->n_rows, false, path, indicator,
                                        &dset, err);
        if (status == SILK_OK && (H5DSattach_scale(dset, row_dim, 0) < 0 ||
                                  H5DSset_label(dset, 0, "row") < 0))
            status = store_h5_fail(err, path, "cannot attach '%s/row'",
                                   where);
        if (dset >= 0)
            H5Dclose(dset);
    }
    if (row_dim >= 0)
        H5Dclose(row_dim);
    H5Gclose(group);
    return status;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* Reads the column `name` (numbers or strings, by its stored type). */
static int read_column(hid_t group, const char *name, silk_table *t,
                       const char *path, const char *where, silk_error *err)
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
        if (t->n_rows > 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL,
                                     H5S_ALL, H5P_DEFAULT, c->number) < 0)
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

int store_h5_read_table(hid_t results, const char *name, const char *path,
                        silk_table **out, silk_error *err)
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
        status = read_column(group, c, t, path, where, err);
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
