/*
 * test_adler32.c: store_adler32 (src/store/adler32.c) against zlib's
 * adler32, and the zlib streams chunks_h5.c makes around raw deflate
 * against zlib's own:
 *   1. every length from 0 to 300 and those around the reduction run
 *      (5536 bytes), random bytes and all 0xFF (the largest sums), from
 *      several starting values and unaligned starts;
 *   2. a 3-D dataset of doubles and one of uint32 written by
 *      store_h5_write_chunks: each stored chunk, less its Fletcher-32,
 *      is byte for byte what zlib's deflate (level 1, run-length
 *      strategy, zlib wrapper) makes of the chunk shuffled here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "silkstat.h"
#include "store/adler32.h"
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

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void expect_zlib(uint32_t start, const unsigned char *p, size_t n)
{
    uint32_t want = (uint32_t)adler32(start, p, (uInt)n);
    uint32_t got = store_adler32(start, p, n);
    if (want != got)
        fail_msg("length %zu from %08x: %08x, zlib %08x", n, start, got,
                 want);
}

static void test_against_zlib(void **state)
{
    (void)state;
    size_t size = 3 * 5536 + 300;
    unsigned char *random = malloc(size + 1), *ones = malloc(size + 1);
    assert_non_null(random);
    assert_non_null(ones);
    for (size_t i = 0; i <= size; i++)
        random[i] = (unsigned char)next_random();
    memset(ones, 0xFF, size + 1);
    uint32_t starts[3] = {1, 0xFFF0FFF0u, 0x12345678u % 65521u << 16 | 999};
    for (int s = 0; s < 3; s++)
        for (int off = 0; off < 2; off++) {
            for (size_t n = 0; n <= 300; n++) {
                expect_zlib(starts[s], random + off, n);
                expect_zlib(starts[s], ones + off, n);
            }
            for (size_t n = 5536 - 40; n <= 5536 + 40; n++) {
                expect_zlib(starts[s], random + off, n);
                expect_zlib(starts[s], ones + off, n);
            }
            expect_zlib(starts[s], random + off, size);
            expect_zlib(starts[s], ones + off, size);
        }
    /* in two calls as in one */
    uint32_t a = store_adler32(1, random, 1000);
    assert_int_equal(store_adler32(a, random + 1000, 7000),
                     (uint32_t)adler32(1, random, 8000));
    print_message("(AVX2 path: %s)\n", store_adler32_simd() ? "yes" : "no");
    free(random);
    free(ones);
}

/* zlib's stream for the chunk: shuffled byte by byte (H5Zshuffle.c),
 * deflated in one call at level 1 with the run-length strategy. */
static size_t reference_stream(const unsigned char *raw, size_t elem,
                               size_t n, unsigned char *out, size_t cap)
{
    unsigned char *shuffled = malloc(elem * n);
    assert_non_null(shuffled);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < elem; k++)
            shuffled[k * n + i] = raw[i * elem + k];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, MAX_WBITS, 8, Z_RLE),
                     Z_OK);
    z.next_in = shuffled;
    z.avail_in = (uInt)(elem * n);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t size = cap - z.avail_out;
    deflateEnd(&z);
    free(shuffled);
    return size;
}

/* A dataset of dims, chunks 1 x 64 x dims[2], with the store's filters,
 * written by store_h5_write_chunks; every chunk compared. */
static void check_grid(hid_t file, const char *name, hid_t type,
                       size_t elem, const void *data, const void *fill,
                       const hsize_t dims[3])
{
    hsize_t chunk[3] = {1, 64, dims[2]};
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 3, chunk) >= 0);
    assert_true(H5Pset_fill_value(dcpl, type, fill) >= 0);
    assert_true(H5Pset_shuffle(dcpl) >= 0);
    assert_true(H5Pset_deflate(dcpl, 1) >= 0);
    assert_true(H5Pset_fletcher32(dcpl) >= 0);
    hid_t dset = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl,
                            H5P_DEFAULT);
    assert_true(dset >= 0);
    bool written = false;
    assert_int_equal(store_h5_write_chunks(dset, data, elem, 3, dims, chunk,
                                           fill, 1, &written),
                     SILK_OK);
    assert_true(written);

    size_t n = (size_t)(chunk[1] * chunk[2]), compared = 0;
    unsigned char *raw = malloc(n * elem);
    size_t cap = compressBound((uLong)(n * elem)) + 16;
    unsigned char *want = malloc(cap), *got = malloc(cap);
    assert_non_null(raw);
    assert_non_null(want);
    assert_non_null(got);
    for (hsize_t o = 0; o < dims[0]; o++)
        for (hsize_t d = 0; d < dims[1]; d += 64) {
            hsize_t offset[3] = {o, d, 0};
            hsize_t stored = 0;
            uint32_t mask = 0;
            if (H5Dget_chunk_storage_size(dset, offset, &stored) < 0 ||
                stored == 0)
                continue; /* fill only: not stored */
            assert_true(stored <= cap);
            assert_true(H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask, got) >=
                        0);
            assert_int_equal(mask, 0);
            /* the chunk in C order, padded with fill past the edge */
            for (size_t b = 0; b < 64; b++)
                for (size_t p = 0; p < dims[2]; p++) {
                    const unsigned char *from =
                        d + b < dims[1]
                            ? (const unsigned char *)data +
                                  ((o * dims[1] + d + b) * dims[2] + p) * elem
                            : fill;
                    memcpy(raw + (b * dims[2] + p) * elem, from, elem);
                }
            size_t size = reference_stream(raw, elem, n, want, cap);
            assert_int_equal(stored, size + 4); /* + Fletcher-32 */
            assert_memory_equal(got, want, size);
            compared++;
        }
    assert_true(compared > 0);
    free(raw);
    free(want);
    free(got);
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static void test_chunk_streams(void **state)
{
    (void)state;
    char where[512];
    snprintf(where, sizeof where, "%s/streams.h5", tmpdir);
    hid_t file = H5Fcreate(where, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    /* 5 x 150 x 36: edge chunks along destination; counts with NaN gaps
     * and a flag now and then */
    hsize_t dims[3] = {5, 150, 36};
    size_t cells = 5 * 150 * 36;
    double *value = malloc(cells * sizeof *value);
    uint32_t *flags = malloc(cells * sizeof *flags);
    assert_non_null(value);
    assert_non_null(flags);
    for (size_t i = 0; i < cells; i++) {
        uint64_t r = next_random();
        value[i] = r % 3 == 0 ? NAN : (double)(r % 100000);
        flags[i] = r % 50 == 0 ? 1u << 15 : 0;
    }
    /* the second origin holds nothing: its chunks are not stored */
    for (size_t i = 150 * 36; i < 2 * 150 * 36; i++) {
        value[i] = NAN;
        flags[i] = 0;
    }
    double nan_fill = NAN;
    uint32_t zero_fill = 0;
    check_grid(file, "value", H5T_IEEE_F64LE, 8, value, &nan_fill, dims);
    check_grid(file, "flags", H5T_STD_U32LE, 4, flags, &zero_fill, dims);
    H5Fclose(file);
    free(value);
    free(flags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_zlib),
        cmocka_unit_test(test_chunk_streams),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
