/*
 * store_h5.h: helpers shared by the read side (store.c) and the write side
 * (commit.c) of the HDF5 store.  Private to src/store: the only header in
 * the project that includes <hdf5.h>.
 *
 * Layout (format 1, see README "Store layout"):
 *   /                      attrs silkstat_format (int32 = 1),
 *                                silkstat_version (vlen UTF-8 string)
 *   /indicators/<name>/    one group per indicator
 *       origin, destination, period   1-D vlen UTF-8 dimension scales
 *       value   float64 [origin][destination][period], NaN = missing
 *       flags   uint32  same shape, CF flag_masks / flag_meanings
 *       detail/ only for indicators split by categorical columns: the
 *               rows as read (see detail_h5.c); value is then their sum
 *   /results/<name>/       result tables (trend --save, modules): see
 *                          table_h5.c
 *   /provenance            1-D compound, one row per ingested file
 *   /record                its netCDF-style dimension (no values)
 */
#ifndef SILK_STORE_H5_H
#define SILK_STORE_H5_H

#include <hdf5.h>
#include <hdf5_hl.h>

#include "silkstat.h"

#define STORE_FORMAT 1

/* Deflate level: every commit rewrites the store, so speed wins.  On the
 * 1M-row bench file level 1 wrote 3.7 MB in 1.87 s against level 5's
 * 3.1 MB in 2.17 s (the bundled data: 343 KB against 288 KB). */
#define DEFLATE_LEVEL 1
/* HDF5's default chunk cache is 1 MiB: a chunk must fit in it. */
#define CHUNK_BYTES_MAX (1024 * 1024)

/* Disables HDF5's automatic error printing, once per process.  Call before
 * any other HDF5 function. */
void store_h5_init(void);

/* Records SILK_ESTORE "store 'PATH': WHAT: <innermost HDF5 message>" and
 * returns SILK_ESTORE.  Call right after the failing HDF5 call, before any
 * other HDF5 call clears the error stack. */
int store_h5_fail(silk_error *err, const char *path, const char *what, ...)
    SILK_PRINTF(3, 4);

/* A variable-length UTF-8 string type; close with H5Tclose. */
hid_t store_h5_vlen_string(void);

/* Checks that file (opened by H5Fopen) carries silkstat_format == 1. */
int store_h5_check_format(hid_t file, const char *path, silk_error *err);

/* Writing (commit.c): a scalar vlen string attribute; a 1-D extendible
 * vlen string dataset, made a dimension scale when scale is true (open
 * in *out); a netCDF "dimension without a variable" of length n (open in
 * *out).  where/indicator name the object in messages. */
int store_h5_write_text_attr(hid_t obj, const char *name, const char *text,
                             const char *path, const char *where,
                             silk_error *err);
int store_h5_write_strings(hid_t group, const char *name,
                           const char *const *labels, size_t n, bool scale,
                           const char *path, const char *indicator,
                           hid_t *out, silk_error *err);
int store_h5_write_dim(hid_t group, const char *name, size_t n,
                       const char *path, const char *where, hid_t *out,
                       silk_error *err);

/* Reading (store.c): a 1-D string dataset into malloc'd copies; a scalar
 * string attribute ("" when absent). */
int store_h5_read_labels(hid_t group, const char *name, const char *path,
                         const char *indicator, char ***out, size_t *count,
                         silk_error *err);
int store_h5_read_text_attr(hid_t obj, const char *name, const char *path,
                            const char *where, char **out, silk_error *err);

/* The cube of indicator as silk_store_read reads it (labels, attributes,
 * detail, derivation record) but for value and flags, left NULL: for a
 * commit that copies those two as stored.  Free with silk_cube_free. */
int store_h5_read_shell(silk_store *store, const char *indicator,
                        silk_cube **out, silk_error *err);

/* The store's open file (owned by the store: do not close it). */
hid_t store_h5_file(const silk_store *store);

/* The categorical detail of a cube (detail_h5.c): written into the
 * indicator's group as detail/ (period_scale: the group's period scale,
 * attached to the detail's period axis); read into cube->detail. */
int store_h5_write_detail(hid_t group, const silk_cube *cube,
                          hid_t period_scale, const char *path,
                          silk_error *err);
int store_h5_read_detail(hid_t group, silk_cube *cube, const char *path,
                         silk_error *err);

/* Result tables (table_h5.c): written as results/<name> into the group
 * results with the commit time; read by name. */
int store_h5_write_table(hid_t results, const silk_table *table,
                         const char *created, const char *path,
                         silk_error *err);
int store_h5_read_table(hid_t results, const char *name, const char *path,
                        silk_table **out, silk_error *err);
/* Carries the table name of the old store's group old_results over into
 * results, as store_h5_read_table then store_h5_write_table (keeping its
 * created time) would, but with the stored chunks of its numeric columns
 * copied without inflating and deflating them when they are made as
 * store_h5_write_table makes them (else they are read and rewritten). */
int store_h5_copy_table(hid_t results, hid_t old_results, const char *name,
                        const char *path, silk_error *err);

/* Provenance rows as HDF5 reads and writes them. */
typedef struct store_prov_row {
    char *file;
    char sha256[65];
    uint64_t rows;
    char *time;
    char *version;
    char *indicators;
} store_prov_row;

/* The compound type of store_prov_row in memory (and in the file). */
hid_t store_h5_prov_type(void);

#endif
