/*
 * test_store_copy.c: what a commit carries over from the store it
 * rewrites without inflating and deflating it again (copy_indicator in
 * src/store/commit.c, store_h5_copy_table in table_h5.c, and
 * store_h5_copy_chunks / store_h5_same_chunks in chunks_h5.c), and the
 * numeric columns of a new result table compressed on several threads
 * (store_h5_deflate_*):
 *   1. an indicator a commit does not touch (a table commit, then an
 *      ingest of another indicator) reads back identically: values
 *      (bits, NaN included), flags, axes, unit, source, frequency, the
 *      derivation record of a derived one, the detail of a categorical
 *      one; its grids keep their type, chunks, filters and fill value,
 *      and hold the old file's chunks byte for byte; the scales stay
 *      attached and labelled, the attributes as write_cube writes them;
 *   2. an old grid made otherwise (contiguous; deflate at another level)
 *      is read and rewritten as write_cube makes it, values unchanged;
 *   3. store_h5_copy_chunks on datasets made here: chunks never written
 *      stay unwritten, a chunk that skipped a filter keeps its mask,
 *      ranks 1 and 2, edge chunks; store_h5_same_chunks says no to
 *      every difference it checks;
 *   4. result tables: a new table's numeric chunks carry every filter
 *      and give the numbers back through HDF5's own pipeline; an old table carried over reads back identically with its
 *      numeric chunks copied byte for byte, or rewritten when one of its
 *      columns is made otherwise;
 *   5. a cube's chunks that hold only the fill value are not stored and
 *      read back as the fill.
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

static const char *in_dir(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
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

/* A code of three characters: the letter and i in base 36. */
static void label(char letter, size_t i, char code[4])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    assert_true(i < 36 * 36);
    code[0] = letter;
    code[1] = digits[i / 36];
    code[2] = digits[i % 36];
    code[3] = '\0';
}

static void put(silk_batch *batch, const char *indicator, const char *origin,
                const char *destination, int year, double value,
                uint32_t flags, const char *unit, const char *source)
{
    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    silk_error err = {0};
    if (silk_batch_put(batch, indicator, origin, destination, p, value, flags,
                       unit, source, 0, 1, &err) != SILK_OK)
        fail_msg("put: %s", err.message);
}

/* "refugees": 3 origins x 70 destinations (two chunks along
 * destination, the second an edge chunk) x 5 years, some cells never
 * put (NaN), flags on some, a unit and a source. */
static void put_refugees(silk_batch *batch)
{
    char origin[4], destination[4];
    for (size_t o = 0; o < 3; o++)
        for (size_t d = 0; d < 70; d++)
            for (int y = 2019; y < 2024; y++) {
                if ((o + d + (size_t)y) % 7 == 0)
                    continue;
                label('O', o, origin);
                label('D', d, destination);
                put(batch, "refugees", origin, destination, y,
                    (double)(o * 1000 + d) + y / 8.0,
                    (d % 5 == 0) ? SILK_FLAG_REDACTED | 1u : 0, "persons",
                    "UNHCR test");
            }
}

static void commit_ok(const char *store, const silk_batch *batch)
{
    silk_error err = {0};
    if (silk_store_commit(store, batch, &err) != SILK_OK)
        fail_msg("commit failed: %s", err.message);
}

static silk_cube *read_cube(const char *store, const char *indicator)
{
    silk_store *s = NULL;
    silk_cube *cube = NULL;
    silk_error err = {0};
    if (silk_store_open(store, &s, &err) != SILK_OK ||
        silk_store_read(s, indicator, &cube, &err) != SILK_OK)
        fail_msg("read '%s': %s", indicator, err.message);
    silk_store_close(s);
    return cube;
}

static silk_table *read_table(const char *store, const char *name)
{
    silk_store *s = NULL;
    silk_table *t = NULL;
    silk_error err = {0};
    if (silk_store_open(store, &s, &err) != SILK_OK ||
        silk_store_read_table(s, name, &t, &err) != SILK_OK)
        fail_msg("read table '%s': %s", name, err.message);
    silk_store_close(s);
    return t;
}

static void assert_same_labels(char **a, char **b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_string_equal(a[i], b[i]);
}

static void assert_same_derivation(const silk_derivation *a,
                                   const silk_derivation *b)
{
    if (a == NULL || b == NULL) {
        assert_null(a);
        assert_null(b);
        return;
    }
    assert_string_equal(a->module, b->module);
    assert_string_equal(a->module_version, b->module_version);
    assert_string_equal(a->parameters, b->parameters);
    assert_string_equal(a->selection, b->selection);
    assert_string_equal(a->inputs, b->inputs);
    assert_string_equal(a->input_provenance, b->input_provenance);
    assert_string_equal(a->created, b->created);
    assert_string_equal(a->silkstat_version, b->silkstat_version);
}

static void assert_same_detail(const silk_detail *a, const silk_detail *b,
                               size_t n_period)
{
    if (a == NULL || b == NULL) {
        assert_null(a);
        assert_null(b);
        return;
    }
    assert_int_equal(a->n_column, b->n_column);
    assert_same_labels(a->column, b->column, a->n_column);
    assert_int_equal(a->n_category, b->n_category);
    assert_same_labels(a->category, b->category, a->n_category);
    assert_int_equal(a->n_series, b->n_series);
    assert_memory_equal(a->origin, b->origin, a->n_series * sizeof(uint32_t));
    assert_memory_equal(a->destination, b->destination,
                        a->n_series * sizeof(uint32_t));
    assert_memory_equal(a->category_of, b->category_of,
                        a->n_series * sizeof(uint32_t));
    assert_memory_equal(a->value, b->value,
                        a->n_series * n_period * sizeof(double));
    assert_memory_equal(a->flags, b->flags,
                        a->n_series * n_period * sizeof(uint32_t));
}

/* Everything silk_store_read gives, compared exactly (values by their
 * bits, so NaN against NaN too). */
static void assert_same_cube(const silk_cube *a, const silk_cube *b)
{
    size_t total = a->n_origin * a->n_destination * a->n_period;
    expect_same_axes(a, b);
    assert_memory_equal(a->period, b->period, a->n_period * sizeof *a->period);
    assert_memory_equal(a->value, b->value, total * sizeof(double));
    assert_memory_equal(a->flags, b->flags, total * sizeof(uint32_t));
    assert_same_derivation(a->derivation, b->derivation);
    assert_same_detail(a->detail, b->detail, a->n_period);
}

/* The dataset's stored chunks, one by one: offsets, filter masks, sizes
 * and bytes. */
static void assert_same_chunks(hid_t a, hid_t b)
{
    hid_t space_a = H5Dget_space(a), space_b = H5Dget_space(b);
    hsize_t n_a = 0, n_b = 0;
    int rank = H5Sget_simple_extent_ndims(space_a);
    assert_true(rank >= 1 && rank <= 3);
    assert_true(H5Dget_num_chunks(a, space_a, &n_a) >= 0);
    assert_true(H5Dget_num_chunks(b, space_b, &n_b) >= 0);
    assert_int_equal(n_a, n_b);
    for (hsize_t i = 0; i < n_a; i++) {
        hsize_t offset_a[3], offset_b[3], size_a = 0, size_b = 0;
        unsigned mask_a = 0, mask_b = 0;
        haddr_t addr = 0;
        uint32_t filters_a = 0, filters_b = 0;
        assert_true(H5Dget_chunk_info(a, space_a, i, offset_a, &mask_a, &addr,
                                      &size_a) >= 0);
        assert_true(H5Dget_chunk_info(b, space_b, i, offset_b, &mask_b, &addr,
                                      &size_b) >= 0);
        assert_memory_equal(offset_a, offset_b, (size_t)rank * sizeof(hsize_t));
        assert_int_equal(mask_a, mask_b);
        assert_int_equal(size_a, size_b);
        unsigned char *bytes_a = malloc((size_t)size_a + 1);
        unsigned char *bytes_b = malloc((size_t)size_b + 1);
        assert_non_null(bytes_a);
        assert_non_null(bytes_b);
        assert_true(H5Dread_chunk(a, H5P_DEFAULT, offset_a, &filters_a,
                                  bytes_a) >= 0);
        assert_true(H5Dread_chunk(b, H5P_DEFAULT, offset_b, &filters_b,
                                  bytes_b) >= 0);
        assert_int_equal(filters_a, filters_b);
        assert_memory_equal(bytes_a, bytes_b, (size_t)size_a);
        free(bytes_a);
        free(bytes_b);
    }
    H5Sclose(space_a);
    H5Sclose(space_b);
}

/* The filters of dset: shuffle (recording elem), deflate at level,
 * Fletcher-32, in that order; chunked as chunk (rank entries). */
static void assert_filters(hid_t dset, size_t elem, unsigned level, int rank,
                           const hsize_t *chunk)
{
    hid_t dcpl = H5Dget_create_plist(dset);
    hsize_t have[3];
    unsigned flags, values[4];
    size_t n;
    assert_true(dcpl >= 0);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    assert_int_equal(H5Pget_chunk(dcpl, rank, have), rank);
    assert_memory_equal(have, chunk, (size_t)rank * sizeof(hsize_t));
    assert_int_equal(H5Pget_nfilters(dcpl), 3);
    n = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &n, values, 0, NULL,
                                    NULL), H5Z_FILTER_SHUFFLE);
    assert_int_equal(n, 1);
    assert_int_equal(values[0], elem);
    n = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &n, values, 0, NULL,
                                    NULL), H5Z_FILTER_DEFLATE);
    assert_int_equal(n, 1);
    assert_int_equal(values[0], level);
    n = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 2, &flags, &n, values, 0, NULL,
                                    NULL), H5Z_FILTER_FLETCHER32);
    H5Pclose(dcpl);
}

static char *text_attr(hid_t obj, const char *name)
{
    char *text = NULL;
    silk_error err = {0};
    if (store_h5_read_text_attr(obj, name, "test", name, &text, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    return text;
}

static void assert_text_attr(hid_t obj, const char *name, const char *want)
{
    char *text = text_attr(obj, name);
    assert_string_equal(text, want);
    free(text);
}

/* The grids of /indicators/<name> in both files: same chunks byte for
 * byte, the filters and fill value write_cube sets, the three scales
 * attached and labelled, the attributes write_cube writes. */
static void assert_grids_copied(const char *old_path, const char *new_path,
                                const char *name, const silk_cube *cube)
{
    static const char *const dims[3] = {"origin", "destination", "period"};
    static const char *const grids[2] = {"value", "flags"};
    char where[128];
    hid_t old_file = H5Fopen(old_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t new_file = H5Fopen(new_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(old_file >= 0 && new_file >= 0);
    snprintf(where, sizeof where, "/indicators/%s", name);
    hid_t group = H5Gopen2(new_file, where, H5P_DEFAULT);
    assert_true(group >= 0);
    for (int g = 0; g < 2; g++) {
        snprintf(where, sizeof where, "/indicators/%s/%s", name, grids[g]);
        hid_t old = H5Dopen2(old_file, where, H5P_DEFAULT);
        hid_t now = H5Dopen2(new_file, where, H5P_DEFAULT);
        assert_true(old >= 0 && now >= 0);
        assert_same_chunks(old, now);
        /* in the old grid's chunks, whatever width a new grid would get */
        hsize_t chunk[3];
        hid_t old_dcpl = H5Dget_create_plist(old);
        assert_int_equal(H5Pget_chunk(old_dcpl, 3, chunk), 3);
        H5Pclose(old_dcpl);
        assert_int_equal(chunk[2], cube->n_period);
        assert_filters(now, g == 0 ? 8 : 4, 1, 3, chunk);
        /* fill value and time as write_grid sets them */
        hid_t dcpl = H5Dget_create_plist(now);
        H5D_fill_time_t fill_time;
        H5D_fill_value_t defined;
        assert_true(H5Pget_fill_time(dcpl, &fill_time) >= 0);
        assert_int_equal(fill_time, H5D_FILL_TIME_IFSET);
        assert_true(H5Pfill_value_defined(dcpl, &defined) >= 0);
        assert_int_equal(defined, H5D_FILL_VALUE_USER_DEFINED);
        if (g == 0) {
            double fill = 0;
            assert_true(H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >=
                        0);
            assert_true(isnan(fill));
        }
        H5Pclose(dcpl);
        /* the scales of this file, attached and labelled */
        for (unsigned d = 0; d < 3; d++) {
            hid_t scale = H5Dopen2(group, dims[d], H5P_DEFAULT);
            char text[32] = "";
            assert_true(scale >= 0);
            assert_int_equal(H5DSis_scale(scale), 1);
            assert_int_equal(H5DSis_attached(now, scale, d), 1);
            assert_true(H5DSget_label(now, d, text, sizeof text) > 0);
            assert_string_equal(text, dims[d]);
            H5Dclose(scale);
        }
        if (g == 0) {
            assert_text_attr(now, "long_name", name);
            assert_text_attr(now, "units", cube->unit);
            assert_text_attr(now, "source", cube->source);
            assert_text_attr(now, "frequency", "annual");
        } else {
            uint32_t masks[27];
            hid_t attr = H5Aopen(now, "flag_masks", H5P_DEFAULT);
            assert_true(attr >= 0);
            assert_true(H5Aread(attr, H5T_NATIVE_UINT32, masks) >= 0);
            H5Aclose(attr);
            assert_int_equal(masks[0], 1);
            assert_int_equal(masks[26], SILK_FLAG_REDACTED);
            char *meanings = text_attr(now, "flag_meanings");
            assert_non_null(strstr(meanings, "a b c"));
            assert_non_null(strstr(meanings, "redacted"));
            free(meanings);
        }
        H5Dclose(old);
        H5Dclose(now);
        snprintf(where, sizeof where, "/indicators/%s", name);
    }
    H5Gclose(group);
    H5Fclose(old_file);
    H5Fclose(new_file);
}

/* A table of n rows: a text column, then numbers with NaN, then text,
 * then numbers spread over every bit pattern's exponent range. */
static silk_table *table_of(const char *name, size_t n)
{
    silk_table *t = NULL;
    silk_table_column *c = NULL;
    silk_error err = {0};
    char text[32];
    assert_int_equal(silk_table_alloc(name, "trend", n, &t, &err), SILK_OK);
    assert_int_equal(silk_table_add_column(t, "origin", true, &c, &err),
                     SILK_OK);
    for (size_t r = 0; r < n; r++) {
        snprintf(text, sizeof text, "O%zu", r % 211);
        assert_int_equal(silk_table_set_text(c, r, text, &err), SILK_OK);
    }
    assert_int_equal(silk_table_add_column(t, "slope", false, &c, &err),
                     SILK_OK);
    for (size_t r = 0; r < n; r++)
        c->number[r] = r % 13 == 0 ? NAN : (double)r / 7.0 - 100.0;
    assert_int_equal(silk_table_add_column(t, "first", true, &c, &err),
                     SILK_OK);
    for (size_t r = 0; r < n; r++)
        assert_int_equal(silk_table_set_text(c, r, r % 2 ? "2019" : "Côte",
                                             &err),
                         SILK_OK);
    assert_int_equal(silk_table_add_column(t, "p", false, &c, &err), SILK_OK);
    uint64_t x = 88172645463325252u;
    for (size_t r = 0; r < n; r++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        c->number[r] = ldexp((double)(x >> 11), (int)(x % 200) - 150);
    }
    assert_int_equal(silk_table_set_info(t, "--save x", "refugees: f", &err),
                     SILK_OK);
    return t;
}

static void assert_same_table(const silk_table *a, const silk_table *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->kind, b->kind);
    assert_string_equal(a->parameters, b->parameters);
    assert_string_equal(a->inputs, b->inputs);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_columns, b->n_columns);
    for (size_t k = 0; k < a->n_columns; k++) {
        assert_string_equal(a->columns[k].name, b->columns[k].name);
        assert_int_equal(a->columns[k].text, b->columns[k].text);
        if (a->columns[k].text)
            assert_same_labels(a->columns[k].string, b->columns[k].string,
                               a->n_rows);
        else
            assert_memory_equal(a->columns[k].number, b->columns[k].number,
                                a->n_rows * sizeof(double));
    }
}

static void commit_table(const char *store, const silk_table *t)
{
    silk_error err = {0};
    if (silk_store_commit_table(store, t, &err) != SILK_OK)
        fail_msg("commit table: %s", err.message);
}

/* HDF5's Fletcher-32 (H5checksum.c) of an even number of bytes: 16-bit
 * words read big-endian, sums folded every 360 words. */
static uint32_t fletcher32(const unsigned char *data, size_t n)
{
    uint32_t sum1 = 0, sum2 = 0;
    size_t words = n / 2;
    while (words > 0) {
        size_t run = words > 360 ? 360 : words;
        words -= run;
        do {
            sum1 += (uint32_t)((data[0] << 8) | data[1]);
            data += 2;
            sum2 += sum1;
        } while (--run);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

/* Stores the chunk at offset of the dataset `where` of store again with
 * deflate skipped (filter mask bit 1): its shuffled bytes, then their
 * checksum, the values unchanged.  A commit that copies the chunk keeps
 * the mask; one that rewrote the dataset would deflate it. */
static void undeflate_chunk(const char *store, const char *where,
                            const hsize_t *offset)
{
    hid_t file = H5Fopen(store, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t dset = H5Dopen2(file, where, H5P_DEFAULT);
    hsize_t size = 0, chunk[3];
    uint32_t filters = 0;
    assert_true(file >= 0 && dset >= 0);
    hid_t dcpl = H5Dget_create_plist(dset), type = H5Dget_type(dset);
    int rank = H5Pget_chunk(dcpl, 3, chunk);
    uLongf plain_size = (uLongf)H5Tget_size(type);
    for (int k = 0; k < rank; k++)
        plain_size *= (uLongf)chunk[k];
    assert_true(H5Dget_chunk_storage_size(dset, offset, &size) >= 0);
    unsigned char *stored = malloc((size_t)size);
    unsigned char *plain = malloc((size_t)plain_size + 4);
    assert_non_null(stored);
    assert_non_null(plain);
    assert_true(H5Dread_chunk(dset, H5P_DEFAULT, offset, &filters, stored) >=
                0);
    assert_int_equal(filters, 0);
    uLongf got = plain_size;
    assert_int_equal(uncompress(plain, &got, stored, (uLong)size - 4), Z_OK);
    assert_int_equal(got, plain_size);
    uint32_t sum = fletcher32(plain, (size_t)plain_size);
    for (int k = 0; k < 4; k++)
        plain[plain_size + (uLongf)k] = (unsigned char)(sum >> (8 * k));
    assert_true(H5Dwrite_chunk(dset, H5P_DEFAULT, 0x2, offset,
                               (size_t)plain_size + 4, plain) >= 0);
    free(stored);
    free(plain);
    H5Tclose(type);
    H5Pclose(dcpl);
    H5Dclose(dset);
    assert_true(H5Fclose(file) >= 0);
}

/* ------------------------------------------------------------------ */
/* 1. Indicators carried over                                          */
/* ------------------------------------------------------------------ */

/* A store holding refugees (ingested), share (derived, with its record)
 * and dec (split by a categorical column), at path. */
static void make_store(const char *store)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    char origin[4];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put_refugees(batch);
    put(batch, "returns", "AFG", "PAK", 2023, 5, 0, "persons", NULL);
    commit_ok(store, batch);
    silk_batch_free(batch);

    /* a derived indicator, with every field of its record */
    silk_derivation record = {
        .module = "rates", .module_version = "1.2",
        .parameters = "per=1000 (default)", .selection = "origin=*",
        .inputs = "numerator=refugees", .input_provenance = "refugees: f",
        .created = "2024-01-02T03:04:05Z", .silkstat_version = "0.1.0"};
    silk_derived derived = {"share", &record};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    for (size_t o = 0; o < 4; o++) {
        label('S', o, origin);
        put(batch, "share", origin, "", 2020 + (int)o, o * 0.25, 0, "", NULL);
    }
    if (silk_store_commit_derived(store, batch, &derived, 1, &err) != SILK_OK)
        fail_msg("derived: %s", err.message);
    silk_batch_free(batch);

    /* a categorical indicator */
    const char *columns[] = {"dec_level"};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_batch_set_categories(batch, "dec", columns, 1,
                                               &err),
                     SILK_OK);
    for (int y = 2020; y < 2023; y++)
        for (size_t c = 0; c < 2; c++) {
            const char *category[] = {c ? "FI" : "AR"};
            silk_period p = {SILK_FREQ_ANNUAL, y, 0};
            if (silk_batch_put_category(batch, "dec", "SYR", "DEU", category,
                                        p, y * 10.0 + (double)c, 0,
                                        "persons", "test", 0, 1, 0,
                                        &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    commit_ok(store, batch);
    silk_batch_free(batch);
}

static void test_indicators_carried_over(void **state)
{
    (void)state;
    static const char *const names[] = {"refugees", "share", "dec"};
    char store[256], before[256], between[256];
    silk_cube *old[3];
    silk_batch *batch = NULL;
    silk_error err = {0};

    in_dir("s.h5", store, sizeof store);
    in_dir("before.h5", before, sizeof before);
    in_dir("between.h5", between, sizeof between);
    make_store(store);
    /* two chunks that only a copy keeps as they are: the second
     * origin's chunk of value, the first of flags */
    hsize_t second[3] = {1, 0, 0}, first[3] = {0, 0, 0};
    undeflate_chunk(store, "/indicators/refugees/value", second);
    undeflate_chunk(store, "/indicators/refugees/flags", first);
    copy_file(store, before);
    for (int i = 0; i < 3; i++)
        old[i] = read_cube(store, names[i]);
    assert_non_null(old[1]->derivation);
    assert_non_null(old[2]->detail);

    /* a table commit touches no indicator (trend --save) */
    silk_table *t = table_of("all", 10);
    commit_table(store, t);
    silk_table_free(t);
    for (int i = 0; i < 3; i++) {
        silk_cube *now = read_cube(store, names[i]);
        assert_same_cube(old[i], now);
        silk_cube_free(now);
        assert_grids_copied(before, store, names[i], old[i]);
    }

    /* an ingest of another indicator carries these over again */
    copy_file(store, between);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "returns", "AFG", "PAK", 2024, 6, 0, "persons", NULL);
    commit_ok(store, batch);
    silk_batch_free(batch);
    for (int i = 0; i < 3; i++) {
        silk_cube *now = read_cube(store, names[i]);
        assert_same_cube(old[i], now);
        silk_cube_free(now);
        assert_grids_copied(between, store, names[i], old[i]);
        silk_cube_free(old[i]);
    }
    silk_cube *returns = read_cube(store, "returns");
    assert_int_equal(returns->n_period, 2);
    silk_cube_free(returns);
}

/* ------------------------------------------------------------------ */
/* 2. Grids made otherwise are rewritten                               */
/* ------------------------------------------------------------------ */

/* Replaces /indicators/refugees/value by a dataset of the same values
 * made with dcpl (the scales re-attached, the attributes rewritten). */
static void remake_value(const char *store, const silk_cube *cube, hid_t dcpl)
{
    static const char *const dims[3] = {"origin", "destination", "period"};
    silk_error err = {0};
    hid_t file = H5Fopen(store, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t group = H5Gopen2(file, "/indicators/refugees", H5P_DEFAULT);
    hid_t value = H5Dopen2(group, "value", H5P_DEFAULT), scale[3];
    hsize_t shape[3] = {cube->n_origin, cube->n_destination, cube->n_period};
    hsize_t maxdims[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
    assert_true(file >= 0 && group >= 0 && value >= 0);
    for (unsigned d = 0; d < 3; d++) {
        scale[d] = H5Dopen2(group, dims[d], H5P_DEFAULT);
        assert_true(H5DSdetach_scale(value, scale[d], d) >= 0);
    }
    H5Dclose(value);
    assert_true(H5Ldelete(group, "value", H5P_DEFAULT) >= 0);
    bool chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
    hid_t space = H5Screate_simple(3, shape, chunked ? maxdims : NULL);
    value = H5Dcreate2(group, "value", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                       dcpl, H5P_DEFAULT);
    assert_true(value >= 0);
    assert_true(H5Dwrite(value, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                         H5P_DEFAULT, cube->value) >= 0);
    for (unsigned d = 0; d < 3; d++) {
        assert_true(H5DSattach_scale(value, scale[d], d) >= 0);
        assert_true(H5DSset_label(value, d, dims[d]) >= 0);
        H5Dclose(scale[d]);
    }
    assert_int_equal(store_h5_write_text_attr(value, "long_name", "refugees",
                                              store, "value", &err), SILK_OK);
    assert_int_equal(store_h5_write_text_attr(value, "units", cube->unit,
                                              store, "value", &err), SILK_OK);
    assert_int_equal(store_h5_write_text_attr(value, "source", cube->source,
                                              store, "value", &err), SILK_OK);
    assert_int_equal(store_h5_write_text_attr(value, "frequency", "annual",
                                              store, "value", &err), SILK_OK);
    H5Sclose(space);
    H5Dclose(value);
    H5Gclose(group);
    assert_true(H5Fclose(file) >= 0);
}

static void rewritten_after(hid_t dcpl)
{
    char store[256];
    silk_batch *batch = NULL;
    silk_error err = {0};

    in_dir("s.h5", store, sizeof store);
    unlink(store);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put_refugees(batch);
    commit_ok(store, batch);
    silk_batch_free(batch);
    silk_cube *old = read_cube(store, "refugees");
    remake_value(store, old, dcpl);
    silk_cube *remade = read_cube(store, "refugees");
    assert_same_cube(old, remade);
    silk_cube_free(remade);

    silk_table *t = table_of("all", 3);
    commit_table(store, t);
    silk_table_free(t);
    silk_cube *now = read_cube(store, "refugees");
    assert_same_cube(old, now);
    silk_cube_free(now);
    /* rewritten as write_cube makes a grid */
    hid_t file = H5Fopen(store, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t value = H5Dopen2(file, "/indicators/refugees/value", H5P_DEFAULT);
    /* six cells in seven hold data: all 70 destinations in one chunk */
    hsize_t chunk[3] = {1, old->n_destination, old->n_period};
    assert_int_equal(old->n_destination, 70);
    assert_true(value >= 0);
    assert_filters(value, 8, 1, 3, chunk);
    H5Dclose(value);
    H5Fclose(file);
    silk_cube_free(old);
}

static void test_contiguous_rewritten(void **state)
{
    (void)state;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    rewritten_after(dcpl);
    H5Pclose(dcpl);
}

static void test_other_level_rewritten(void **state)
{
    (void)state;
    hsize_t chunk[3] = {1, 64, 5};
    const double fill = NAN;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 3, chunk) >= 0 &&
                H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, 5) >= 0 &&
                H5Pset_fletcher32(dcpl) >= 0 &&
                H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
                H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET) >= 0);
    rewritten_after(dcpl);
    H5Pclose(dcpl);
}

/* value in the 64 destinations a chunk that stores written before wide
 * chunks have, flags in this store's 70: each grid alone could be
 * copied, but not the two in different chunks */
static void test_mixed_chunks_rewritten(void **state)
{
    (void)state;
    hsize_t chunk[3] = {1, 64, 5};
    const double fill = NAN;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 3, chunk) >= 0 &&
                H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, 1) >= 0 &&
                H5Pset_fletcher32(dcpl) >= 0 &&
                H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
                H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET) >= 0);
    rewritten_after(dcpl);
    H5Pclose(dcpl);
}

/* ------------------------------------------------------------------ */
/* 3. store_h5_copy_chunks and store_h5_same_chunks                    */
/* ------------------------------------------------------------------ */

static hid_t make_dcpl(int rank, const hsize_t *chunk, unsigned level,
                       double fill)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(dcpl >= 0);
    assert_true(H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
                H5Pset_shuffle(dcpl) >= 0 &&
                H5Pset_deflate(dcpl, level) >= 0 &&
                H5Pset_fletcher32(dcpl) >= 0 &&
                H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
                H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET) >= 0);
    return dcpl;
}

static hid_t make_dataset(hid_t file, const char *name, int rank,
                          const hsize_t *dims, hid_t dcpl)
{
    hsize_t maxdims[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    hid_t dset = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT,
                            dcpl, H5P_DEFAULT);
    assert_true(dset >= 0);
    H5Sclose(space);
    return dset;
}

/* Copies from into a new dataset of the same dcpl in to_file and checks
 * the chunks and every value H5Dread gives (fills included). */
static void copy_and_check(hid_t from, hid_t to_file, const char *name,
                           int rank, const hsize_t *dims,
                           const hsize_t *chunk, size_t n)
{
    hid_t dcpl = H5Dget_create_plist(from);
    hid_t to = make_dataset(to_file, name, rank, dims, dcpl);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    hid_t want = make_dcpl(rank, chunk, 1, NAN);
    const double fill = NAN;
    assert_true(store_h5_same_chunks(from, want, H5T_IEEE_F64LE,
                                     H5T_NATIVE_DOUBLE, &fill, rank, dims));
    H5Pclose(want);
    assert_int_equal(store_h5_copy_chunks(from, to, rank, dims, chunk),
                     SILK_OK);
    assert_same_chunks(from, to);
    assert_true(H5Dread(from, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                        H5P_DEFAULT, a) >= 0);
    assert_true(H5Dread(to, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        b) >= 0);
    assert_memory_equal(a, b, n * sizeof *a);
    free(a);
    free(b);
    H5Dclose(to);
    H5Pclose(dcpl);
}

static void test_copy_chunks(void **state)
{
    (void)state;
    char from_path[256], to_path[256];
    hid_t from_file = H5Fcreate(in_dir("from.h5", from_path, sizeof from_path),
                                H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t to_file = H5Fcreate(in_dir("to.h5", to_path, sizeof to_path),
                              H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(from_file >= 0 && to_file >= 0);

    /* rank 2, 10 x 7 in chunks of 4 x 3: edge chunks on both axes; one
     * chunk never written, one written with deflate skipped (mask bit 1:
     * the shuffled bytes then their checksum, as HDF5 stores it) */
    hsize_t dims2[2] = {10, 7}, chunk2[2] = {4, 3};
    hid_t dcpl = make_dcpl(2, chunk2, 1, NAN);
    hid_t grid = make_dataset(from_file, "grid", 2, dims2, dcpl);
    double values[70];
    for (int i = 0; i < 70; i++)
        values[i] = i % 9 == 0 ? NAN : i * 1.5;
    hsize_t start[2] = {0, 0}, count[2] = {8, 7};
    hid_t file_space = H5Dget_space(grid), mem_space;
    /* rows 0..7 only: the chunks of rows 8..9 stay unwritten */
    assert_true(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL,
                                    count, NULL) >= 0);
    mem_space = H5Screate_simple(2, count, NULL);
    assert_true(H5Dwrite(grid, H5T_NATIVE_DOUBLE, mem_space, file_space,
                         H5P_DEFAULT, values) >= 0);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    {
        /* chunk [8][0]: 12 doubles, shuffled, not deflated, checksummed */
        double plain[12];
        unsigned char shuffled[12 * 8 + 4];
        for (int i = 0; i < 12; i++)
            plain[i] = -i - 0.5;
        for (int i = 0; i < 12; i++)
            for (int k = 0; k < 8; k++)
                shuffled[k * 12 + i] = ((unsigned char *)&plain[i])[k];
        uint32_t sum = fletcher32(shuffled, 96);
        for (int k = 0; k < 4; k++)
            shuffled[96 + k] = (unsigned char)(sum >> (8 * k));
        hsize_t at[2] = {8, 0};
        assert_true(H5Dwrite_chunk(grid, H5P_DEFAULT, 0x2, at,
                                   sizeof shuffled, shuffled) >= 0);
    }
    H5Dclose(grid);
    assert_true(H5Fflush(from_file, H5F_SCOPE_GLOBAL) >= 0);
    grid = H5Dopen2(from_file, "grid", H5P_DEFAULT);
    copy_and_check(grid, to_file, "grid", 2, dims2, chunk2, 70);
    H5Dclose(grid);
    H5Pclose(dcpl);

    /* rank 1: 100 values in chunks of 32, all written, then none */
    hsize_t dims1[1] = {100}, chunk1[1] = {32};
    double column[100];
    for (int i = 0; i < 100; i++)
        column[i] = i / 3.0;
    dcpl = make_dcpl(1, chunk1, 1, NAN);
    hid_t line = make_dataset(from_file, "line", 1, dims1, dcpl);
    assert_true(H5Dwrite(line, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                         H5P_DEFAULT, column) >= 0);
    copy_and_check(line, to_file, "line", 1, dims1, chunk1, 100);
    hid_t empty = make_dataset(from_file, "empty", 1, dims1, dcpl);
    copy_and_check(empty, to_file, "empty", 1, dims1, chunk1, 100);
    H5Dclose(empty);

    /* store_h5_same_chunks: no to each difference */
    const double nan_fill = NAN, zero_fill = 0;
    hsize_t other_chunk[1] = {16}, other_dims[1] = {99};
    hid_t want = make_dcpl(1, chunk1, 1, NAN);
    assert_true(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                     H5T_NATIVE_DOUBLE, &nan_fill, 1, dims1));
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &zero_fill, 1,
                                      dims1));
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      other_dims));
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64BE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    want = make_dcpl(1, other_chunk, 1, NAN);
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    want = make_dcpl(1, chunk1, 5, NAN);
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    want = make_dcpl(1, chunk1, 1, 0.0);
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &zero_fill, 1,
                                      dims1)); /* the old fill is NaN */
    H5Pclose(want);
    want = make_dcpl(1, chunk1, 1, NAN);
    assert_true(H5Pset_fill_time(want, H5D_FILL_TIME_ALLOC) >= 0);
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    /* without Fletcher-32 */
    want = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(want, 1, chunk1) >= 0 &&
                H5Pset_shuffle(want) >= 0 && H5Pset_deflate(want, 1) >= 0 &&
                H5Pset_fill_value(want, H5T_NATIVE_DOUBLE, &nan_fill) >= 0);
    assert_false(store_h5_same_chunks(line, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    /* a contiguous dataset */
    hid_t space = H5Screate_simple(1, dims1, NULL);
    hid_t flat = H5Dcreate2(from_file, "flat", H5T_IEEE_F64LE, space,
                            H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    want = make_dcpl(1, chunk1, 1, NAN);
    assert_false(store_h5_same_chunks(flat, want, H5T_IEEE_F64LE,
                                      H5T_NATIVE_DOUBLE, &nan_fill, 1,
                                      dims1));
    H5Pclose(want);
    H5Dclose(flat);
    H5Sclose(space);
    H5Dclose(line);
    H5Pclose(dcpl);
    H5Fclose(from_file);
    H5Fclose(to_file);
}

/* ------------------------------------------------------------------ */
/* 4. Result tables                                                    */
/* ------------------------------------------------------------------ */

/* Each numeric column of /results/<name> holds the chunks H5Dwrite
 * stores for the same values and creation properties. */
/* Every numeric column of t in store: the table's filters, every chunk
 * stored with all of them applied (mask 0), and HDF5's own filter
 * pipeline (H5Dread) giving back the column's bytes exactly, NaN
 * included. */
static void assert_numbers_stored(const char *store, const silk_table *t)
{
    char where[128];
    hid_t file = H5Fopen(store, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    double *back = malloc((t->n_rows ? t->n_rows : 1) * sizeof *back);
    assert_non_null(back);
    for (size_t k = 0; k < t->n_columns; k++) {
        if (t->columns[k].text)
            continue;
        snprintf(where, sizeof where, "/results/%s/%s", t->name,
                 t->columns[k].name);
        hid_t dset = H5Dopen2(file, where, H5P_DEFAULT);
        assert_true(dset >= 0);
        hsize_t chunk[1] = {t->n_rows < 65536 ? t->n_rows : 65536};
        assert_filters(dset, 8, 1, 1, chunk);
        for (hsize_t at = 0; at < t->n_rows; at += chunk[0]) {
            uint32_t mask = 1;
            hsize_t size = 0, offset[1] = {at};
            assert_true(H5Dget_chunk_storage_size(dset, offset, &size) >= 0);
            assert_true(size > 4);
            unsigned char *bytes = malloc(size);
            assert_non_null(bytes);
            assert_true(H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask,
                                      bytes) >= 0);
            assert_int_equal(mask, 0);
            free(bytes);
        }
        assert_true(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                            H5P_DEFAULT, back) >= 0);
        assert_memory_equal(back, t->columns[k].number,
                            t->n_rows * sizeof *back);
        H5Dclose(dset);
    }
    free(back);
    H5Fclose(file);
}

static void assert_table_chunks_copied(const char *old_path,
                                       const char *new_path,
                                       const silk_table *t)
{
    char where[128];
    hid_t old_file = H5Fopen(old_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t new_file = H5Fopen(new_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(old_file >= 0 && new_file >= 0);
    for (size_t k = 0; k < t->n_columns; k++) {
        if (t->columns[k].text)
            continue;
        snprintf(where, sizeof where, "/results/%s/%s", t->name,
                 t->columns[k].name);
        hid_t old = H5Dopen2(old_file, where, H5P_DEFAULT);
        hid_t now = H5Dopen2(new_file, where, H5P_DEFAULT);
        assert_true(old >= 0 && now >= 0);
        assert_same_chunks(old, now);
        /* still attached to the table's row dimension */
        snprintf(where, sizeof where, "/results/%s/row", t->name);
        hid_t row = H5Dopen2(new_file, where, H5P_DEFAULT);
        assert_int_equal(H5DSis_attached(now, row, 0), 1);
        H5Dclose(row);
        H5Dclose(old);
        H5Dclose(now);
    }
    H5Fclose(old_file);
    H5Fclose(new_file);
}

static void test_tables(void **state)
{
    (void)state;
    char store[256], before[256];
    silk_batch *batch = NULL;
    silk_error err = {0};

    in_dir("s.h5", store, sizeof store);
    in_dir("before.h5", before, sizeof before);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "returns", "AFG", "PAK", 2023, 5, 0, "persons", NULL);
    commit_ok(store, batch);
    silk_batch_free(batch);

    /* 140,000 rows: three chunks a column, the last an edge chunk */
    silk_table *big = table_of("big", 140000), *small = table_of("small", 5);
    commit_table(store, big);
    commit_table(store, small);
    silk_table *got = read_table(store, "big");
    assert_same_table(big, got);
    silk_table_free(got);
    assert_numbers_stored(store, big);
    assert_numbers_stored(store, small);

    /* a third table: big and small carried over, chunks copied (the
     * middle chunk of big's slope only a copy keeps as it is) */
    hsize_t middle[1] = {65536};
    undeflate_chunk(store, "/results/big/slope", middle);
    copy_file(store, before);
    silk_table *created = read_table(store, "big");
    silk_table *third = table_of("third", 70000);
    commit_table(store, third);
    got = read_table(store, "big");
    assert_same_table(big, got);
    assert_string_equal(got->created, created->created);
    silk_table_free(got);
    silk_table_free(created);
    got = read_table(store, "small");
    assert_same_table(small, got);
    silk_table_free(got);
    assert_table_chunks_copied(before, store, big);
    assert_table_chunks_copied(before, store, small);
    assert_numbers_stored(store, third);

    /* big's column p made contiguous: big is read and rewritten */
    hid_t file = H5Fopen(store, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Ldelete(file, "/results/big/p", H5P_DEFAULT) >= 0);
    hsize_t dims[1] = {big->n_rows};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t p = H5Dcreate2(file, "/results/big/p", H5T_IEEE_F64LE, space,
                         H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(p >= 0);
    assert_true(H5Dwrite(p, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                         big->columns[3].number) >= 0);
    H5Dclose(p);
    H5Sclose(space);
    assert_true(H5Fclose(file) >= 0);
    silk_table_free(third);
    third = table_of("third", 7);
    commit_table(store, third);
    got = read_table(store, "big");
    assert_same_table(big, got);
    silk_table_free(got);
    assert_numbers_stored(store, big);

    silk_table_free(third);
    silk_table_free(small);
    silk_table_free(big);
}

/* 5. A cube's chunks that hold nothing but the fill value are not
 * stored (store_h5_write_chunks, skip_fill) and read back as the fill:
 * "sparse" has 3 origins x 100 destinations (chunks of 64, so two along
 * destination) x 3 years; numbers for origin O00 in 2021 (every
 * destination, so the axes hold all 100), for origin O01 and
 * destinations below D0A (its first chunk), and one missing value with a
 * flag (origin O02, destination D1Y, in the second chunk).  Of the 6
 * chunks of each grid, the value grid stores the 3 with numbers, and the
 * flags grid those whose flags are not all 0. */
static void test_fill_chunks_unwritten(void **state)
{
    (void)state;
    char store[512], origin[4], destination[4];
    in_dir("sparse.h5", store, sizeof store);
    silk_batch *batch = NULL;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    for (size_t o = 0; o < 3; o++)
        for (size_t d = 0; d < 100; d++)
            for (int y = 2021; y < 2024; y++) {
                label('O', o, origin);
                label('D', d, destination);
                if (o == 1 && d < 10)
                    put(batch, "sparse", origin, destination, y,
                        (double)(d * 10 + (size_t)y - 2021), 0, "persons",
                        "test");
                else if (o == 2 && d == 70 && y == 2022)
                    put(batch, "sparse", origin, destination, y, NAN,
                        SILK_FLAG('p'), "persons", "test");
                else if (o == 0 && y == 2021)
                    put(batch, "sparse", origin, destination, y, (double)d,
                        0, "persons", "test");
            }
    commit_ok(store, batch);
    silk_batch_free(batch);

    silk_cube *cube = read_cube(store, "sparse");
    assert_int_equal(cube->n_origin, 3);
    assert_int_equal(cube->n_destination, 100);
    assert_int_equal(cube->n_period, 3);
    size_t numbers = 0;
    for (size_t o = 0; o < 3; o++)
        for (size_t d = 0; d < 100; d++)
            for (size_t p = 0; p < 3; p++) {
                size_t at = silk_cube_index(cube, o, d, p);
                if (o == 1 && d < 10) {
                    assert_true(cube->value[at] == (double)(d * 10 + p));
                    numbers++;
                } else if (o == 0 && p == 0) {
                    assert_true(cube->value[at] == (double)d);
                    numbers++;
                } else {
                    assert_true(isnan(cube->value[at]));
                }
                if (o == 2 && d == 70 && p == 1)
                    assert_true(cube->flags[at] & SILK_FLAG('p'));
                else if (!(o == 1 && d < 10))
                    assert_false(cube->flags[at] & SILK_FLAG('p'));
            }
    assert_int_equal(numbers, 130);

    /* the chunks stored: those with any element other than the fill */
    static const char *const grids[2] = {"value", "flags"};
    hid_t file = H5Fopen(store, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    for (int g = 0; g < 2; g++) {
        char where[64];
        snprintf(where, sizeof where, "/indicators/sparse/%s", grids[g]);
        hid_t dset = H5Dopen2(file, where, H5P_DEFAULT);
        assert_true(dset >= 0);
        hsize_t stored = 0;
        hid_t space = H5Dget_space(dset);
        assert_true(space >= 0);
        assert_true(H5Dget_num_chunks(dset, space, &stored) >= 0);
        H5Sclose(space);
        size_t want = 0;
        for (size_t o = 0; o < 3; o++)
            for (size_t first = 0; first < 100; first += 64) {
                bool any = false;
                for (size_t d = first; d < first + 64 && d < 100; d++)
                    for (size_t p = 0; p < 3; p++) {
                        size_t at = silk_cube_index(cube, o, d, p);
                        any |= g == 0 ? !isnan(cube->value[at])
                                      : cube->flags[at] != 0;
                    }
                want += any;
            }
        assert_int_equal(stored, want);
        assert_true(want < 6);
        if (g == 0)
            assert_int_equal(want, 3);
        H5Dclose(dset);
    }
    H5Fclose(file);
    silk_cube_free(cube);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indicators_carried_over, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_contiguous_rewritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_other_level_rewritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mixed_chunks_rewritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_copy_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fill_chunks_unwritten, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
