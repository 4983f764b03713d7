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
 *   /provenance            1-D compound, one row per ingested file
 *   /record                its netCDF-style dimension (no values)
 */
#ifndef SILK_STORE_H5_H
#define SILK_STORE_H5_H

#include <hdf5.h>
#include <hdf5_hl.h>

#include "silkstat.h"

#define STORE_FORMAT 1

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
