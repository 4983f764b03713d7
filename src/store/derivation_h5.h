/*
 * derivation_h5.h: the derivation record of an indicator computed by a
 * module, kept as text attributes of its group /indicators/<name>
 * (module, module_version, parameters, selection, inputs,
 * input_provenance, created, silkstat_version; see README "Store
 * layout").  An ingested indicator has none of them.  Private to
 * src/store.
 */
#ifndef SILK_STORE_DERIVATION_H5_H
#define SILK_STORE_DERIVATION_H5_H

#include "store/store_h5.h"

/* Writes cube->derivation's attributes into group; nothing without one. */
int store_h5_write_derivation(hid_t group, const silk_cube *cube,
                              const char *path, silk_error *err);

/* Reads them into cube->derivation when group has a 'module' attribute;
 * leaves it NULL otherwise. */
int store_h5_read_derivation(hid_t group, silk_cube *cube, const char *path,
                             silk_error *err);

#endif
