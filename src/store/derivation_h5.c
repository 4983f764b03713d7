/*
 * derivation_h5.c: reads and writes the derivation record of a derived
 * indicator as attributes of its group (see derivation_h5.h).  Group
 * attributes, not a dataset, so xarray shows them as the dataset's attrs
 * (`xr.open_dataset(..., group="indicators/NAME").attrs["module"]`) and
 * h5py as `f["indicators/NAME"].attrs`.
 */
#include "store/derivation_h5.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The attributes in the order they are written; "module" marks a derived
 * indicator. */
static const char *const names[] = {
    "module",     "module_version",   "parameters", "selection",
    "inputs",     "input_provenance", "created",    "silkstat_version"};
#define N_NAMES (sizeof names / sizeof *names)

static char **field(silk_derivation *d, size_t i)
{
    char **fields[N_NAMES] = {&d->module,     &d->module_version,
                              &d->parameters, &d->selection,
                              &d->inputs,     &d->input_provenance,
                              &d->created,    &d->silkstat_version};
    return fields[i];
}

int store_h5_write_derivation(hid_t group, const silk_cube *cube,
                              const char *path, silk_error *err)
{
    if (cube->derivation == NULL)
        return SILK_OK;
    char where[SILK_INDICATOR_MAX + 32];
    snprintf(where, sizeof where, "/indicators/%s", cube->indicator);
    for (size_t i = 0; i < N_NAMES; i++) {
        const char *text = *field(cube->derivation, i);
        int status = store_h5_write_text_attr(group, names[i],
                                              text ? text : "", path, where,
                                              err);
        if (status != SILK_OK)
            return status;
    }
    return SILK_OK;
}

int store_h5_read_derivation(hid_t group, silk_cube *cube, const char *path,
                             silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 32];
    snprintf(where, sizeof where, "/indicators/%s", cube->indicator);
    htri_t has = H5Aexists(group, "module");
    if (has < 0)
        return store_h5_fail(err, path, "cannot look up attribute 'module' "
                             "of '%s'", where);
    if (has == 0)
        return SILK_OK;
    silk_derivation *d = calloc(1, sizeof *d);
    if (d == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    /* A missing attribute reads as "" (store_h5_read_text_attr). */
    for (size_t i = 0; i < N_NAMES; i++) {
        int status = store_h5_read_text_attr(group, names[i], path, where,
                                             field(d, i), err);
        if (status != SILK_OK) {
            silk_derivation_free(d);
            return status;
        }
    }
    silk_derivation_free(cube->derivation);
    cube->derivation = d;
    return SILK_OK;
}
