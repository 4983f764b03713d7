/*
 * chunks_h5.h: a dataset's chunks compressed, or read back and
 * decompressed, on several threads, or copied as stored from another
 * file (chunks_h5.c).  Private to src/store.
 */
#ifndef SILK_STORE_CHUNKS_H5_H
#define SILK_STORE_CHUNKS_H5_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store_h5.h"

/* Writes every chunk of dset, a dataset of rank 1 to 3 and dims created
 * with chunks of chunk and the filters shuffle, deflate at level and
 * Fletcher-32 (in that order), from data (C order, elem bytes per
 * element, already in the file's byte order), compressed on up to four
 * threads with zlib's run-length strategy (chunks_h5.c says why),
 * written in chunk order.  Cells of edge chunks past the dataset hold fill (one
 * element).  A chunk that holds nothing but fill is not written at all:
 * dset's fill value must be fill, set by the user, so that it reads back
 * the same.  Returns
 * SILK_OK, SILK_ENOMEM or SILK_ESTORE (HDF5's error stack left for
 * store_h5_fail); *written says whether every chunk was handled. */
int store_h5_write_chunks(hid_t dset, const void *data, size_t elem, int rank,
                          const hsize_t dims[], const hsize_t chunk[],
                          const void *fill, int level, bool *written);

/* Several arrays compressed as store_h5_write_chunks does, started
 * before their datasets are written so that other work (the text columns
 * of a result table, the next cube of a commit) overlaps the compression:
 * store_h5_deflate_start starts the helper threads on arrays[0..n) (each
 * array's chunks in order, then the next array's), with ahead as many
 * chunks compressed in advance as 32 MiB holds at compressBound (held at
 * their stored size), else 16 chunks; the arrays and
 * their fill values must outlive the deflater.
 * store_h5_deflate_finish then writes every chunk of array k into
 * dsets[k] (created with that array's chunks and the filters shuffle,
 * deflate at level and Fletcher-32), compressing on the calling thread
 * too, and *written says whether all were written (SILK_ENOMEM: the
 * caller writes the arrays with H5Dwrite).  store_h5_deflate_free stops
 * the threads if finish was not called and frees everything; NULL is a
 * no-op.  start returns SILK_OK, SILK_ENOMEM or SILK_EINVAL (a rank not
 * 1 to 3, a zero chunk or element size); finish SILK_OK, SILK_ENOMEM or
 * SILK_ESTORE (HDF5's error stack left for store_h5_fail).  HDF5 is
 * called from the calling thread only. */
typedef struct store_h5_array {
    const void *data;          /* C order, in the file's byte order */
    size_t elem;               /* bytes per element */
    int rank;                  /* 1 to 3 */
    hsize_t dims[3], chunk[3]; /* the first rank entries */
    const void *fill;          /* one element, for the edge chunks */
    /* leave a chunk that holds nothing but fill unwritten: only for a
     * dataset whose fill value is fill, set by the user (it reads back
     * as that fill value, from H5Dread as from the parallel read) */
    bool skip_fill;
} store_h5_array;

typedef struct store_h5_deflater store_h5_deflater;

int store_h5_deflate_start(const store_h5_array *arrays, size_t n, int level,
                           bool ahead, store_h5_deflater **out);
int store_h5_deflate_finish(store_h5_deflater *d, const hid_t *dsets,
                            bool *written);
/* After finish returned SILK_ESTORE: the index of the array whose
 * dataset refused a chunk, for the message. */
size_t store_h5_deflate_refused(const store_h5_deflater *d);
void store_h5_deflate_free(store_h5_deflater *d);

/* The whole array data (mem_type) into dset, a dataset as above with
 * deflate at DEFLATE_LEVEL: through store_h5_write_chunks when mem_type
 * is file_type itself (no conversion), else, or when the threads ran out
 * of memory, through H5Dwrite.  Negative on an HDF5 failure, as
 * H5Dwrite. */
herr_t store_h5_write_all(hid_t dset, hid_t file_type, hid_t mem_type,
                          const void *data, int rank, const hsize_t dims[],
                          const hsize_t chunk[], const void *fill);

/* Whether old, a dataset of the store being rewritten, is made as a new
 * dataset of rank, dims and file_type created with want (a dataset
 * creation property list, not yet used) would be: the same type, shape,
 * extendible axes, chunks, filters with their flags and parameters (the
 * element size shuffle records on creation aside), fill value fill (one
 * element of mem_type, compared byte for byte) and fill and allocation
 * times.  Its stored chunks are then those the new dataset would store,
 * and store_h5_copy_chunks may move them.  Anything else (an older
 * layout, other filters, a contiguous dataset), or an HDF5 failure, is
 * false. */
bool store_h5_same_chunks(hid_t old, hid_t want, hid_t file_type,
                          hid_t mem_type, const void *fill, int rank,
                          const hsize_t dims[]);

/* Copies every chunk stored in from (rank 1 to 3, dims, chunks of chunk)
 * into to, a new dataset of the same type, shape, chunks and filter
 * pipeline: each chunk's stored bytes and filter mask through
 * H5Dread_chunk and H5Dwrite_chunk, never inflated or deflated, in chunk
 * order; a chunk never written stays unwritten.  The caller checks that
 * both datasets agree (commit.c: same_grid).  SILK_OK, SILK_ENOMEM or
 * SILK_ESTORE (HDF5's error stack left for store_h5_fail). */
int store_h5_copy_chunks(hid_t from, hid_t to, int rank, const hsize_t dims[],
                         const hsize_t chunk[]);

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
