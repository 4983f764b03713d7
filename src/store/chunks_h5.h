/*
 * chunks_h5.h: a dataset's chunks compressed on several threads
 * (chunks_h5.c).  Private to src/store.
 */
#ifndef SILK_STORE_CHUNKS_H5_H
#define SILK_STORE_CHUNKS_H5_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store_h5.h"

/* Writes every chunk of dset, a 3-D dataset of dims created with chunks
 * of chunk and the filters shuffle, deflate at level and Fletcher-32 (in
 * that order), from data (C order, elem bytes per element, already in
 * the file's byte order): the bytes H5Dwrite would store, compressed on
 * up to four threads, written in chunk order.  Cells of edge chunks past
 * the dataset hold fill (one element).  Returns SILK_OK, SILK_ENOMEM or
 * SILK_ESTORE (HDF5's error stack left for store_h5_fail); *written says
 * whether every chunk was written. */
int store_h5_write_chunks(hid_t dset, const void *data, size_t elem,
                          const hsize_t dims[3], const hsize_t chunk[3],
                          const void *fill, int level, bool *written);

#endif
