/*
 * chunks_h5.h: a dataset's chunks compressed, or read back and
 * decompressed, on several threads (chunks_h5.c).  Private to src/store.
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

/* Reads the whole of dset into out (C order, the bytes H5Dread gives for
 * mem_type) when dset is a 3-D chunked dataset with the filters shuffle,
 * deflate and Fletcher-32 (in that order) whose file type is mem_type
 * itself: each chunk's stored bytes come from H5Dread_chunk on the
 * calling thread; on up to four threads each is checked against its
 * Fletcher-32 sum, inflated, unshuffled and placed (edge chunks clipped,
 * chunks never written the fill value).
 *
 * *done is false, with SILK_OK, when the dataset is not of that kind, a
 * chunk skipped a filter, or memory ran short: the caller then reads it
 * with H5Dread (out may hold part of the data).  Errors are SILK_ESTORE:
 * "store 'PATH': cannot read 'WHERE': data error detected by Fletcher32
 * checksum" (or ": inflate() failed"), the words of H5Dread's own error;
 * ": the chunk at [o][d][p] does not inflate to N bytes"; and an HDF5
 * failure through store_h5_fail. */
int store_h5_read_chunks(hid_t dset, hid_t mem_type, void *out,
                         const char *path, const char *where, bool *done,
                         silk_error *err);

#endif
