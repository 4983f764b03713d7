/*
 * test_chunks_read.c: reading chunked datasets on several threads
 * (store_h5_read_chunks in src/store/chunks_h5.c, used by
 * silk_store_read).  Every read is compared byte for byte with H5Dread
 * of the same dataset:
 *   1. cubes committed through the store: one cell, edge chunks, more
 *      chunks than the reader's slots, chunks halved along destination;
 *   2. datasets made here with HDF5: chunks cut on every axis, chunks
 *      never written (the fill value), no chunk written at all, the
 *      default fill value, one chunk larger than the dataset;
 *   3. what the threads must leave to H5Dread (done = false): other
 *      filters or their order, another byte order, fill time "never", a
 *      chunk written with a filter skipped (also through silk_store_read);
 *   4. damage: one byte of a chunk, of its checksum, of the flags, a chunk
 *      whose checksum is right but whose stream is not: an error naming
 *      the store and the dataset, the same message H5Dread gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "silkstat.h"
#include "store/chunks_h5.h"
#include "fixture.h"

static int setup(void **state)
{
    (void)state;
    store_h5_init();
    return fixture_setup(NULL);
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static uint64_t rng_state = 88172645463325252u;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Doubles a cube can hold: mostly counts, some NaN (missing), negative
 * zero, tiny and huge values. */
static double random_value(void)
{
    switch (next_random() % 10) {
    case 0:
        return NAN;
    case 1:
        return -0.0;
    case 2:
        return 4.9e-324;
    case 3:
        return -1.7e308;
    default:
        return (double)(next_random() % 5000000) / 4.0;
    }
}

/* Doubles with any bits, NaN payloads and signs included. */
static void random_bits(void *buf, size_t bytes)
{
    unsigned char *at = buf;
    for (size_t i = 0; i < bytes; i++)
        at[i] = (unsigned char)next_random();
}

static const char *in_dir(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

static void put(silk_batch *batch, const char *indicator, const char *origin,
                const char *destination, const char *period, double value,
                uint32_t flags)
{
    silk_period p;
    silk_error err = {0};
    assert_int_equal(silk_period_parse(period, strlen(period), &p), SILK_OK);
    if (silk_batch_put(batch, indicator, origin, destination, p, value, flags,
                       NULL, NULL, 0, 1, &err) != SILK_OK)
        fail_msg("put: %s", err.message);
}

static void commit_ok(const char *store_path, const silk_batch *batch)
{
    silk_error err = {0};
    if (silk_store_commit(store_path, batch, &err) != SILK_OK)
        fail_msg("commit failed: %s", err.message);
}

/* A code of three characters (the batch keeps no more): the letter and
 * i in base 36. */
static void label(char letter, size_t i, char code[4])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    assert_true(i < 36 * 36);
    code[0] = letter;
    code[1] = digits[i / 36];
    code[2] = digits[i % 36];
    code[3] = '\0';
}

/* Puts about one cell in `every` of an origins x destinations x periods
 * cube with random values and flags, and enough others that every label
 * of every axis is used; periods are annual from 2000, or monthly from
 * 1900-01 when monthly. */
static void put_cube(silk_batch *batch, const char *indicator, size_t origins,
                     size_t destinations, size_t periods, bool monthly,
                     unsigned every)
{
    char origin[4], destination[4], period[32];
    for (size_t o = 0; o < origins; o++)
        for (size_t d = 0; d < destinations; d++)
            for (size_t t = 0; t < periods; t++) {
                bool axis = (o == 0) + (d == 0) + (t == 0) >= 2;
                if (next_random() % every != 0 && !axis)
                    continue;
                label('O', o, origin);
                label('D', d, destination);
                if (monthly)
                    snprintf(period, sizeof period, "%04u-%02u",
                             (unsigned)(1900 + t / 12) % 10000,
                             (unsigned)(t % 12 + 1));
                else
                    snprintf(period, sizeof period, "%04u",
                             (unsigned)(2000 + t) % 10000);
                uint32_t flags = next_random() % 4 == 0
                                     ? (uint32_t)(next_random() & 0x7ffffff)
                                     : 0;
                put(batch, indicator, origin, destination, period,
                    random_value(), flags);
            }
}

static size_t dataset_size(hid_t dset, hsize_t dims[3])
{
    hid_t space = H5Dget_space(dset);
    assert_true(space >= 0);
    assert_int_equal(H5Sget_simple_extent_ndims(space), 3);
    assert_true(H5Sget_simple_extent_dims(space, dims, NULL) >= 0);
    H5Sclose(space);
    return (size_t)(dims[0] * dims[1] * dims[2]);
}

/* H5Dread of dset into a fresh buffer (cells H5Dread left alone keep the
 * pattern 0xAB); the caller frees it. */
static unsigned char *plain_read(hid_t dset, hid_t mem_type, size_t *bytes)
{
    hsize_t dims[3];
    *bytes = dataset_size(dset, dims) * H5Tget_size(mem_type);
    unsigned char *buf = malloc(*bytes ? *bytes : 1);
    assert_non_null(buf);
    memset(buf, 0xAB, *bytes);
    assert_true(H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >=
                0);
    return buf;
}

/* store_h5_read_chunks of dset equals H5Dread of it, byte for byte, and
 * says done as expected. */
static void check_same(hid_t dset, hid_t mem_type, bool expect_done)
{
    size_t bytes;
    unsigned char *expected = plain_read(dset, mem_type, &bytes);
    unsigned char *got = malloc(bytes ? bytes : 1);
    silk_error err = {0};
    bool done = !expect_done;

    assert_non_null(got);
    memset(got, 0xCD, bytes);
    if (store_h5_read_chunks(dset, mem_type, got, "f.h5", "/x", &done,
                             &err) != SILK_OK)
        fail_msg("read_chunks: %s", err.message);
    assert_int_equal(done, expect_done);
    if (done)
        assert_memory_equal(got, expected, bytes);
    free(expected);
    free(got);
}

/* Every indicator of the store at store_path: its value and flags read
 * through the threads equal H5Dread's (when value_done; else the threads
 * leave value to H5Dread), and silk_store_read gives the same bytes. */
static void check_store(const char *store_path, const char *const *names,
                        size_t n_names, bool value_done)
{
    hid_t file = H5Fopen(store_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    silk_store *store = NULL;
    silk_error err = {0};
    char where[128];

    assert_true(file >= 0);
    assert_int_equal(silk_store_open(store_path, &store, &err), SILK_OK);
    for (size_t i = 0; i < n_names; i++) {
        silk_cube *cube = NULL;
        size_t bytes;
        if (silk_store_read(store, names[i], &cube, &err) != SILK_OK)
            fail_msg("read '%s': %s", names[i], err.message);

        snprintf(where, sizeof where, "/indicators/%s/value", names[i]);
        hid_t dset = H5Dopen2(file, where, H5P_DEFAULT);
        assert_true(dset >= 0);
        check_same(dset, H5T_NATIVE_DOUBLE, value_done);
        unsigned char *expected = plain_read(dset, H5T_NATIVE_DOUBLE, &bytes);
        assert_int_equal(bytes, cube->n_origin * cube->n_destination *
                                    cube->n_period * sizeof(double));
        assert_memory_equal(cube->value, expected, bytes);
        free(expected);
        H5Dclose(dset);

        snprintf(where, sizeof where, "/indicators/%s/flags", names[i]);
        dset = H5Dopen2(file, where, H5P_DEFAULT);
        assert_true(dset >= 0);
        check_same(dset, H5T_NATIVE_UINT32, true);
        expected = plain_read(dset, H5T_NATIVE_UINT32, &bytes);
        assert_memory_equal(cube->flags, expected, bytes);
        free(expected);
        H5Dclose(dset);
        silk_cube_free(cube);
    }
    silk_store_close(store);
    H5Fclose(file);
}

/* The chunk shape of a dataset. */
static void chunk_of(hid_t dset, hsize_t chunk[3])
{
    hid_t dcpl = H5Dget_create_plist(dset);
    assert_true(dcpl >= 0);
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    H5Pclose(dcpl);
}

enum { SHUFFLE = 1, DEFLATE = 2, FLETCHER = 3 };

/* A dataset in file with the filters listed (0-terminated, in order),
 * chunked, extendible on every axis; fill NULL: HDF5's default. */
static hid_t make_dataset(hid_t file, const char *name, hid_t file_type,
                          const hsize_t dims[3], const hsize_t chunk[3],
                          const int *filters, H5D_fill_time_t fill_time,
                          hid_t fill_type, const void *fill)
{
    hsize_t maxdims[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
    hid_t space = H5Screate_simple(3, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(space >= 0 && dcpl >= 0);
    assert_true(H5Pset_chunk(dcpl, 3, chunk) >= 0);
    for (; *filters != 0; filters++)
        assert_true((*filters == SHUFFLE    ? H5Pset_shuffle(dcpl)
                     : *filters == DEFLATE ? H5Pset_deflate(dcpl, 1)
                                           : H5Pset_fletcher32(dcpl)) >= 0);
    if (fill != NULL)
        assert_true(H5Pset_fill_value(dcpl, fill_type, fill) >= 0);
    assert_true(H5Pset_fill_time(dcpl, fill_time) >= 0);
    hid_t dset = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, dcpl,
                            H5P_DEFAULT);
    assert_true(dset >= 0);
    H5Pclose(dcpl);
    H5Sclose(space);
    return dset;
}

/* Writes random bits into the box [start, start + count) of dset. */
static void write_box(hid_t dset, hid_t mem_type, const hsize_t start[3],
                      const hsize_t count[3])
{
    size_t n = (size_t)(count[0] * count[1] * count[2]);
    size_t bytes = n * H5Tget_size(mem_type);
    unsigned char *buf = malloc(bytes);
    hid_t file_space = H5Dget_space(dset);
    hid_t mem_space = H5Screate_simple(3, count, NULL);
    assert_non_null(buf);
    random_bits(buf, bytes);
    assert_true(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL,
                                    count, NULL) >= 0);
    assert_true(H5Dwrite(dset, mem_type, mem_space, file_space, H5P_DEFAULT,
                         buf) >= 0);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    free(buf);
}

static void write_all(hid_t dset, hid_t mem_type)
{
    hsize_t dims[3], start[3] = {0, 0, 0};
    dataset_size(dset, dims);
    write_box(dset, mem_type, start, dims);
}

static const int full_pipeline[] = {SHUFFLE, DEFLATE, FLETCHER, 0};

/* The stored bytes of one chunk, made by HDF5 itself: `bytes` of data
 * written into a fresh uint8 dataset of one chunk with the given filters,
 * then read back raw.  The caller frees *out. */
static void stored_bytes(hid_t file, const char *name, const int *filters,
                         const void *data, size_t bytes, unsigned char **out,
                         size_t *size)
{
    hsize_t dims[1] = {bytes}, offset[1] = {0};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 1, dims) >= 0);
    for (; *filters != 0; filters++)
        assert_true((*filters == DEFLATE ? H5Pset_deflate(dcpl, 1)
                                         : H5Pset_fletcher32(dcpl)) >= 0);
    hid_t dset = H5Dcreate2(file, name, H5T_NATIVE_UINT8, space, H5P_DEFAULT,
                            dcpl, H5P_DEFAULT);
    assert_true(dset >= 0);
    assert_true(H5Dwrite(dset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL,
                         H5P_DEFAULT, data) >= 0);
    /* (1.10.8's H5Dget_chunk_storage_size says 0 here, the chunk being
     * still in the chunk cache) */
    hsize_t stored = 0;
    haddr_t addr;
    unsigned info_mask = 0;
    uint32_t mask = 0;
    assert_true(H5Dget_chunk_info_by_coord(dset, offset, &info_mask, &addr,
                                           &stored) >= 0);
    assert_true(stored > 0);
    *out = malloc((size_t)stored);
    assert_non_null(*out);
    assert_true(H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask, *out) >= 0);
    assert_int_equal(mask, 0);
    *size = (size_t)stored;
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
}

/* ------------------------------------------------------------------ */
/* 1. Cubes committed through the store                                */
/* ------------------------------------------------------------------ */

static void test_store_shapes(void **state)
{
    (void)state;
    static const char *const names[] = {"edges", "halved", "many", "single",
                                        "wide"};
    char store_path[256];
    silk_batch *batch = NULL;
    silk_error err = {0};

    in_dir("shapes.h5", store_path, sizeof store_path);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    /* one cell: one chunk of one element (shuffle leaves it alone) */
    put(batch, "single", "AFG", "IRN", "2024", 3.5, 1);
    /* 130 destinations, an eighth of the cells: chunks of 64, 64 and an
     * edge chunk of 2 */
    put_cube(batch, "edges", 3, 130, 7, false, 8);
    /* a third of the cells: a chunk of all 70 destinations per origin,
     * 40 chunks, more than the reader's 16 slots */
    put_cube(batch, "many", 40, 70, 12, false, 3);
    /* every cell, 40 years: chunks of 256 destinations (80 KiB, the
     * widest under 128 KiB) and an edge chunk of 44 */
    put_cube(batch, "wide", 2, 300, 40, false, 1);
    /* 2100 months, a fifth of the cells: 64 x 2100 doubles pass 1 MiB,
     * so chunks of 32 destinations (32, 32 and an edge of 6) */
    put_cube(batch, "halved", 1, 70, 2100, true, 5);
    commit_ok(store_path, batch);
    silk_batch_free(batch);

    /* the chunk shapes the cases above are about */
    hid_t file = H5Fopen(store_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    static const struct {
        const char *grid;
        hsize_t chunk[3];
    } shapes[] = {
        {"/indicators/halved/value", {1, 32, 2100}},
        {"/indicators/edges/flags", {1, 64, 7}},
        {"/indicators/many/value", {1, 70, 12}},
        {"/indicators/wide/flags", {1, 256, 40}},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        hsize_t chunk[3];
        hid_t dset = H5Dopen2(file, shapes[i].grid, H5P_DEFAULT);
        chunk_of(dset, chunk);
        assert_memory_equal(chunk, shapes[i].chunk, sizeof chunk);
        H5Dclose(dset);
    }
    H5Fclose(file);

    check_store(store_path, names, sizeof names / sizeof names[0], true);
}

/* ------------------------------------------------------------------ */
/* 2. Datasets made here                                               */
/* ------------------------------------------------------------------ */

static void test_geometry(void **state)
{
    (void)state;
    char file_path[256];
    const double nan_fill = NAN;
    const uint32_t flag_fill = 0x5a5a5a5a;
    const hsize_t dims[3] = {5, 7, 11};
    const hsize_t small[3] = {2, 3, 5}, large[3] = {8, 8, 16};
    const hsize_t row[3] = {1, 7, 11};

    hid_t file = H5Fcreate(in_dir("geometry.h5", file_path, sizeof file_path),
                           H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);

    /* chunks cut on every axis, edges on every axis: 3 x 3 x 3 chunks */
    hid_t dset = make_dataset(file, "cut_value", H5T_IEEE_F64LE, dims, small,
                              full_pipeline, H5D_FILL_TIME_IFSET,
                              H5T_NATIVE_DOUBLE, &nan_fill);
    write_all(dset, H5T_NATIVE_DOUBLE);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    H5Dclose(dset);
    dset = make_dataset(file, "cut_flags", H5T_STD_U32LE, dims, small,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_UINT32,
                        &flag_fill);
    write_all(dset, H5T_NATIVE_UINT32);
    check_same(dset, H5T_NATIVE_UINT32, true);
    H5Dclose(dset);

    /* whole rows of chunks [1][7][11]: each chunk one run in the output */
    dset = make_dataset(file, "rows", H5T_IEEE_F64LE, dims, row,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_DOUBLE,
                        &nan_fill);
    write_all(dset, H5T_NATIVE_DOUBLE);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    H5Dclose(dset);

    /* one chunk larger than the dataset on every axis */
    dset = make_dataset(file, "large", H5T_IEEE_F64LE, dims, large,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_DOUBLE,
                        &nan_fill);
    write_all(dset, H5T_NATIVE_DOUBLE);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    H5Dclose(dset);

    /* only some chunks written: the others are the fill value */
    const hsize_t start[3] = {2, 3, 5}, count[3] = {1, 2, 3};
    dset = make_dataset(file, "sparse_value", H5T_IEEE_F64LE, dims, small,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_DOUBLE,
                        &nan_fill);
    write_box(dset, H5T_NATIVE_DOUBLE, start, count);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    H5Dclose(dset);
    dset = make_dataset(file, "sparse_flags", H5T_STD_U32LE, dims, small,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_UINT32,
                        &flag_fill);
    write_box(dset, H5T_NATIVE_UINT32, start, count);
    check_same(dset, H5T_NATIVE_UINT32, true);
    H5Dclose(dset);

    /* nothing written at all */
    dset = make_dataset(file, "empty", H5T_IEEE_F64LE, dims, small,
                        full_pipeline, H5D_FILL_TIME_IFSET, H5T_NATIVE_DOUBLE,
                        &nan_fill);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    H5Dclose(dset);

    /* HDF5's default fill (zeros), always allocated */
    dset = make_dataset(file, "alloc", H5T_STD_U32LE, dims, small,
                        full_pipeline, H5D_FILL_TIME_ALLOC, H5T_NATIVE_UINT32,
                        NULL);
    write_box(dset, H5T_NATIVE_UINT32, start, count);
    check_same(dset, H5T_NATIVE_UINT32, true);
    H5Dclose(dset);

    H5Fclose(file);
}

/* ------------------------------------------------------------------ */
/* 3. Left to H5Dread                                                  */
/* ------------------------------------------------------------------ */

static void test_left_to_hdf5(void **state)
{
    (void)state;
    static const int deflate_only[] = {DEFLATE, 0};
    static const int no_checksum[] = {SHUFFLE, DEFLATE, 0};
    static const int reordered[] = {DEFLATE, SHUFFLE, FLETCHER, 0};
    static const int twice[] = {SHUFFLE, SHUFFLE, DEFLATE, FLETCHER, 0};
    const double nan_fill = NAN;
    const hsize_t dims[3] = {4, 6, 9}, chunk[3] = {1, 4, 9};
    char file_path[256];
    hid_t file = H5Fcreate(in_dir("other.h5", file_path, sizeof file_path),
                           H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);

    const struct {
        const char *name;
        const int *filters;
        hid_t type;
        H5D_fill_time_t fill_time;
    } cases[] = {
        {"deflate_only", deflate_only, H5T_IEEE_F64LE, H5D_FILL_TIME_IFSET},
        {"no_checksum", no_checksum, H5T_IEEE_F64LE, H5D_FILL_TIME_IFSET},
        {"reordered", reordered, H5T_IEEE_F64LE, H5D_FILL_TIME_IFSET},
        {"twice", twice, H5T_IEEE_F64LE, H5D_FILL_TIME_IFSET},
        {"big_endian", full_pipeline, H5T_IEEE_F64BE, H5D_FILL_TIME_IFSET},
        {"float32", full_pipeline, H5T_IEEE_F32LE, H5D_FILL_TIME_IFSET},
        {"fill_never", full_pipeline, H5T_IEEE_F64LE, H5D_FILL_TIME_NEVER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hid_t dset = make_dataset(file, cases[i].name, cases[i].type, dims,
                                  chunk, cases[i].filters, cases[i].fill_time,
                                  H5T_NATIVE_DOUBLE, &nan_fill);
        write_all(dset, H5T_NATIVE_DOUBLE);
        check_same(dset, H5T_NATIVE_DOUBLE, false);
        H5Dclose(dset);
    }

    /* a chunk stored with the shuffle skipped (filter mask bit 0): its
     * bytes deflated and checksummed by HDF5 itself */
    hid_t dset = make_dataset(file, "skipped", H5T_IEEE_F64LE, dims, chunk,
                              full_pipeline, H5D_FILL_TIME_IFSET,
                              H5T_NATIVE_DOUBLE, &nan_fill);
    write_all(dset, H5T_NATIVE_DOUBLE);
    check_same(dset, H5T_NATIVE_DOUBLE, true);
    double plain[4 * 9];
    unsigned char *bytes;
    size_t size;
    static const int deflate_checksum[] = {DEFLATE, FLETCHER, 0};
    random_bits(plain, sizeof plain);
    stored_bytes(file, "skipped_source", deflate_checksum, plain,
                 sizeof plain, &bytes, &size);
    const hsize_t at[3] = {2, 4, 0};
    assert_true(H5Dwrite_chunk(dset, H5P_DEFAULT, 1, at, size, bytes) >= 0);
    free(bytes);
    check_same(dset, H5T_NATIVE_DOUBLE, false);
    H5Dclose(dset);
    H5Fclose(file);
}

/* The same chunk trick on a committed store: silk_store_read falls back
 * to H5Dread and still gives H5Dread's bytes. */
static void test_store_fallback(void **state)
{
    (void)state;
    static const char *const names[] = {"edges"};
    static const int deflate_checksum[] = {DEFLATE, FLETCHER, 0};
    char store_path[256];
    silk_batch *batch = NULL;
    silk_error err = {0};

    in_dir("fallback.h5", store_path, sizeof store_path);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put_cube(batch, "edges", 2, 70, 5, false, 8); /* sparse: 64 wide */
    commit_ok(store_path, batch);
    silk_batch_free(batch);

    hid_t file = H5Fopen(store_path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t dset = H5Dopen2(file, "/indicators/edges/value", H5P_DEFAULT);
    hsize_t chunk[3];
    chunk_of(dset, chunk);
    assert_int_equal(chunk[1], 64);
    double plain[64 * 5];
    unsigned char *bytes;
    size_t size;
    random_bits(plain, sizeof plain);
    stored_bytes(file, "source", deflate_checksum, plain, sizeof plain, &bytes,
                 &size);
    const hsize_t at[3] = {1, 0, 0};
    assert_true(H5Dwrite_chunk(dset, H5P_DEFAULT, 1, at, size, bytes) >= 0);
    free(bytes);
    check_same(dset, H5T_NATIVE_DOUBLE, false);
    H5Dclose(dset);
    H5Fclose(file);

    check_store(store_path, names, 1, false);
}

/* ------------------------------------------------------------------ */
/* 4. Damage                                                           */
/* ------------------------------------------------------------------ */

/* Where chunk `at` of dataset `name` lies in the store, and its size. */
static void chunk_place(const char *store_path, const char *name,
                        const hsize_t at[3], haddr_t *addr, hsize_t *size)
{
    hid_t file = H5Fopen(store_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    unsigned mask = 0;
    assert_true(dset >= 0);
    assert_true(H5Dget_chunk_info_by_coord(dset, at, &mask, addr, size) >= 0);
    assert_true(*size > 4);
    H5Dclose(dset);
    H5Fclose(file);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Flips the bits of the byte at `at` of the file. */
static void flip_byte(const char *file_path, off_t at)
{
    int fd = open(file_path, O_RDWR);
    unsigned char byte;
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &byte, 1, at), 1);
    byte ^= 0xff;
    assert_int_equal(pwrite(fd, &byte, 1, at), 1);
    close(fd);
}

/* The message store_h5_fail makes of H5Dread's failure on the dataset,
 * as read_grid made it before the threads. */
static void hdf5_message(const char *store_path, const char *name,
                         hid_t mem_type, char *message, size_t size)
{
    hid_t file = H5Fopen(store_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    hsize_t dims[3];
    size_t n = dataset_size(dset, dims);
    void *buf = malloc(n * H5Tget_size(mem_type));
    silk_error err = {0};
    assert_non_null(buf);
    assert_true(H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) <
                0);
    store_h5_fail(&err, store_path, "cannot read '%s'", name);
    snprintf(message, size, "%s", err.message);
    free(buf);
    H5Dclose(dset);
    H5Fclose(file);
}

/* silk_store_read of indicator fails with exactly `expected`. */
static void read_fails(const char *store_path, const char *indicator,
                       const char *expected)
{
    silk_store *store = NULL;
    silk_cube *cube = (silk_cube *)1;
    silk_error err = {0};
    assert_int_equal(silk_store_open(store_path, &store, &err), SILK_OK);
    assert_int_equal(silk_store_read(store, indicator, &cube, &err),
                     SILK_ESTORE);
    assert_null(cube);
    assert_string_equal(err.message, expected);
    silk_store_close(store);
}

static void test_damage(void **state)
{
    (void)state;
    static const char *const names[] = {"refugees"};
    char good[256], bad[256], expected[SILK_MESSAGE_MAX], hdf5[SILK_MESSAGE_MAX];
    silk_batch *batch = NULL;
    silk_error err = {0};
    haddr_t addr;
    hsize_t size;

    in_dir("good.h5", good, sizeof good);
    in_dir("bad.h5", bad, sizeof bad);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put_cube(batch, "refugees", 4, 100, 9, false, 8); /* sparse: 64 wide */
    commit_ok(good, batch);
    silk_batch_free(batch);

    struct {
        const char *dataset;
        hsize_t at[3];
        int where; /* 0 the middle of the chunk, 1 its first byte, 2 the
                      last byte of the checksum */
    } cases[] = {
        {"/indicators/refugees/value", {0, 0, 0}, 0},
        {"/indicators/refugees/value", {3, 64, 0}, 1}, /* edge chunk */
        {"/indicators/refugees/value", {2, 0, 0}, 2},
        {"/indicators/refugees/flags", {1, 64, 0}, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        copy_file(good, bad);
        chunk_place(bad, cases[i].dataset, cases[i].at, &addr, &size);
        off_t at = (off_t)addr + (cases[i].where == 0   ? (off_t)size / 2
                                  : cases[i].where == 1 ? 0
                                                        : (off_t)size - 1);
        flip_byte(bad, at);
        snprintf(expected, sizeof expected,
                 "store '%s': cannot read '%s': data error detected by "
                 "Fletcher32 checksum", bad, cases[i].dataset);
        read_fails(bad, "refugees", expected);
        /* the same words as HDF5's own read error */
        hdf5_message(bad, cases[i].dataset,
                     strstr(cases[i].dataset, "flags") ? H5T_NATIVE_UINT32
                                                       : H5T_NATIVE_DOUBLE,
                     hdf5, sizeof hdf5);
        assert_string_equal(hdf5, expected);
    }
    /* the original is untouched and reads */
    check_store(good, names, 1, true);
}

/* A chunk whose checksum is right but whose deflate stream is not (or
 * holds the wrong number of bytes): still an error, never data. */
static void test_bad_stream(void **state)
{
    (void)state;
    static const int checksum_only[] = {FLETCHER, 0};
    char store_path[256], expected[SILK_MESSAGE_MAX], hdf5[SILK_MESSAGE_MAX];
    const char *name = "/indicators/refugees/value";
    silk_batch *batch = NULL;
    silk_error err = {0};
    unsigned char garbage[300], *bytes;
    size_t size;
    const hsize_t at[3] = {1, 0, 0};

    in_dir("stream.h5", store_path, sizeof store_path);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put_cube(batch, "refugees", 2, 30, 6, false, 2);
    commit_ok(store_path, batch);
    silk_batch_free(batch);

    /* not a zlib stream, with a right checksum */
    hid_t file = H5Fopen(store_path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    random_bits(garbage, sizeof garbage);
    garbage[0] = 0x00; /* not a zlib header either */
    stored_bytes(file, "garbage", checksum_only, garbage, sizeof garbage,
                 &bytes, &size);
    assert_true(H5Dwrite_chunk(dset, H5P_DEFAULT, 0, at, size, bytes) >= 0);
    free(bytes);
    H5Dclose(dset);
    H5Fclose(file);
    snprintf(expected, sizeof expected,
             "store '%s': cannot read '%s': inflate() failed", store_path,
             name);
    read_fails(store_path, "refugees", expected);
    hdf5_message(store_path, name, H5T_NATIVE_DOUBLE, hdf5, sizeof hdf5);
    assert_string_equal(hdf5, expected);

    /* a good zlib stream of half a chunk (30 x 6 doubles), checksummed */
    double half[15 * 6];
    unsigned char deflated[1024];
    uLongf deflated_size = sizeof deflated;
    random_bits(half, sizeof half);
    assert_int_equal(compress2(deflated, &deflated_size,
                               (const Bytef *)half, sizeof half, 1),
                     Z_OK);
    file = H5Fopen(store_path, H5F_ACC_RDWR, H5P_DEFAULT);
    dset = H5Dopen2(file, name, H5P_DEFAULT);
    stored_bytes(file, "short", checksum_only, deflated, deflated_size,
                 &bytes, &size);
    assert_true(H5Dwrite_chunk(dset, H5P_DEFAULT, 0, at, size, bytes) >= 0);
    free(bytes);
    H5Dclose(dset);
    H5Fclose(file);
    snprintf(expected, sizeof expected,
             "store '%s': cannot read '%s': the chunk at [1][0][0] does not "
             "inflate to 1440 bytes", store_path, name);
    read_fails(store_path, "refugees", expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_left_to_hdf5, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_stream, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
