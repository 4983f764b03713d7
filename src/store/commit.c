/*
 * commit.c: the write side of the HDF5 store.  HDF5 1.10 has no journal
 * and in-place writes did not survive a crash (RELIABILITY.md), so a commit
 * never modifies the store: under a writer lock (path + ".lock") it writes
 * a complete new file path.tmp-<pid>, fsyncs it, renames it over the store
 * and fsyncs the folder.  Readers that opened the old file keep it whole.
 */
#include "store/store_h5.h"
#include "store/chunks_h5.h"
#include "store/derivation_h5.h"
#include "core/batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LABEL_CHUNK 1024
#define PROV_CHUNK 64
/* A full cube's chunks: up to 128 KiB and 1024 destinations (chunk_shape). */
#define CHUNK_WIDE_BYTES (128 * 1024)
#define CHUNK_WIDTH_MAX 1024

/* Everything one commit holds open, closed in one place. */
typedef struct commit_state {
    const char *path;
    char *lock_path;
    char *tmp_path;
    int lock_fd;
    silk_store *old;
    hid_t fapl;
    hid_t file;
    hid_t indicators;
    bool tmp_created;
    const silk_table *table; /* a result table to add, or NULL */
    silk_cube_visitor visit; /* shown each merged cube, or NULL */
    void *visit_ctx;
    const silk_derived *derived; /* indicators replaced whole (modules) */
    size_t n_derived;
} commit_state;

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* Writing HDF5 objects                                                */
/* ------------------------------------------------------------------ */

int store_h5_write_text_attr(hid_t obj, const char *name, const char *text,
                             const char *path, const char *where,
                             silk_error *err)
{
    hid_t type = -1, space = -1, attr = -1;
    int status = SILK_OK;

    /* Variable-length strings: fixed-length ones cannot hold "" and
     * h5netcdf returns both as str. */
    type = store_h5_vlen_string();
    space = H5Screate(H5S_SCALAR);
    if (type < 0 || space < 0 ||
        (attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT,
                           H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, type, &text) < 0)
        status = store_h5_fail(err, path, "cannot write attribute '%s' of "
                               "'%s'", name, where);
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return status;
}

int store_h5_write_strings(hid_t group, const char *name,
                           const char *const *labels, size_t n, bool scale,
                           const char *path, const char *indicator,
                           hid_t *out, silk_error *err)
{
    hid_t type = -1, space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    hsize_t chunk[1] = {n == 0 ? 1 : n < LABEL_CHUNK ? n : LABEL_CHUNK};
    int status = SILK_OK;

    *out = -1;
    type = store_h5_vlen_string();
    space = H5Screate_simple(1, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (type < 0 || space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        (dset = H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl,
                           H5P_DEFAULT)) < 0 ||
        (n > 0 && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           labels) < 0) ||
        (scale && H5DSset_scale(dset, name) < 0)) {
        status = store_h5_fail(err, path, "cannot write '/indicators/%s/%s'",
                               indicator, name);
        goto done;
    }
    *out = dset;
    dset = -1;
done:
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return status;
}

/* The fill values of the two grids: missing, no flags. */
static const double nan_fill = NAN;
static const uint32_t zero_fill = 0;

/* Whether at least a quarter of the cube's cells hold a value or a
 * flag, judged from every 97th cell (a prime, so that the sample does
 * not follow the period axis): counting them all took 2.4% of the
 * instructions of the UNHCR population ingest. */
static bool mostly_full(const silk_cube *cube)
{
    size_t total = cube->n_origin * cube->n_destination * cube->n_period;
    size_t seen = 0, used = 0;
    for (size_t i = 0; i < total; i += 97, seen++)
        used += !isnan(cube->value[i]) || cube->flags[i] != 0;
    return seen > 0 && 4 * used >= seen;
}

/* Chunks hold one origin's block of destinations over all periods, so
 * reading one series touches one chunk.  The block is 64 destinations
 * wide, so that a sparse table's empty corners are chunks never stored;
 * a cube at least a quarter full has few such corners, and its block
 * doubles while a chunk stays within CHUNK_WIDE_BYTES: zlib's cost per
 * chunk (its hash table cleared, its Huffman trees built) was about 30%
 * of deflate's time with the 18 KB chunks of annual cubes.  Then the
 * destinations (then the periods) are halved until a chunk fits the
 * default 1 MiB cache. */
static void chunk_shape(const silk_cube *cube, hsize_t chunk[3])
{
    hsize_t width = 64, periods = cube->n_period == 0 ? 1 : cube->n_period;
    if (cube->n_destination > width && mostly_full(cube))
        while (width < CHUNK_WIDTH_MAX &&
               2 * width * periods * sizeof(double) <= CHUNK_WIDE_BYTES)
            width *= 2;
    chunk[0] = 1;
    chunk[1] = cube->n_destination == 0 ? 1
               : cube->n_destination < width ? cube->n_destination
                                             : width;
    chunk[2] = periods;
    while (chunk[1] * chunk[2] * sizeof(double) >= CHUNK_BYTES_MAX) {
        if (chunk[1] > 1)
            chunk[1] = (chunk[1] + 1) / 2;
        else
            chunk[2] = (chunk[2] + 1) / 2;
    }
}

/* The creation properties of a grid of chunks of chunk: filter order as
 * h5py (shuffle, deflate, then the checksum over the bytes actually
 * stored), the fill value set.  -1 on failure. */
static hid_t grid_dcpl(const hsize_t chunk[3], hid_t mem_type,
                       const void *fill)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl >= 0 &&
        (H5Pset_chunk(dcpl, 3, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
         H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0 ||
         H5Pset_fletcher32(dcpl) < 0 ||
         H5Pset_fill_value(dcpl, mem_type, fill) < 0 ||
         H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET) < 0)) {
        H5Pclose(dcpl);
        dcpl = -1;
    }
    return dcpl;
}

/* The chunk shape of old, a grid of the store being rewritten: false
 * when it is not chunked in three dimensions. */
static bool grid_chunk(hid_t old, hsize_t chunk[3])
{
    hid_t dcpl = H5Dget_create_plist(old);
    bool ok = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED &&
              H5Pget_chunk(dcpl, 3, chunk) == 3;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return ok;
}

/* Whether old, a grid of the store being rewritten, is made as
 * create_grid makes a grid of cube's shape, in old's own chunks
 * (store_h5_same_chunks), so that its stored chunks can be copied as
 * they are; *chunk is that shape.  Its chunks are kept whatever width
 * chunk_shape would choose: it cannot choose without the cells. */
static bool same_grid(hid_t old, hid_t file_type, hid_t mem_type,
                      const void *fill, const silk_cube *cube,
                      hsize_t chunk[3])
{
    hsize_t dims[3] = {cube->n_origin, cube->n_destination, cube->n_period};
    if (!grid_chunk(old, chunk))
        return false;
    hid_t want = grid_dcpl(chunk, mem_type, fill);
    bool same = want >= 0 && store_h5_same_chunks(old, want, file_type,
                                                  mem_type, fill, 3, dims);
    if (want >= 0)
        H5Pclose(want);
    return same;
}

/* Creates the grid `name` of cube in chunks of chunk, its cells not yet
 * written. */
static int create_grid(hid_t group, const char *name, hid_t file_type,
                       hid_t mem_type, const void *fill, const silk_cube *cube,
                       const hsize_t chunk[3], const char *path, hid_t *out,
                       silk_error *err)
{
    hsize_t dims[3] = {cube->n_origin, cube->n_destination, cube->n_period};
    hsize_t maxdims[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
    hid_t space, dcpl;
    int status = SILK_OK;

    space = H5Screate_simple(3, dims, maxdims);
    dcpl = grid_dcpl(chunk, mem_type, fill);
    if (space < 0 || dcpl < 0 ||
        (*out = H5Dcreate2(group, name, file_type, space, H5P_DEFAULT, dcpl,
                           H5P_DEFAULT)) < 0)
        status = store_h5_fail(err, path, "cannot write '/indicators/%s/%s'",
                               cube->indicator, name);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static const char *const grid_names[2] = {"value", "flags"};

/* One cube on its way into /indicators.  cube_write_start starts
 * compressing its grids on the helper threads (chunks_h5.c); the caller
 * may then do other work on this thread (see merge_indicators);
 * cube_write_begin makes the group with everything but the grids'
 * cells, and cube_write_done writes those and frees the write.  HDF5 is
 * called from this thread only. */
typedef struct cube_write {
    const silk_cube *cube;       /* NULL: no write under way */
    silk_cube *owned;            /* freed with the write, or NULL */
    const hid_t *from;           /* the old store's grids to copy, or NULL */
    store_h5_deflater *deflater; /* compressing value then flags, or NULL */
    hid_t grids[2];              /* value and flags, made by begin */
    hsize_t chunk[3];            /* the grids' chunk shape */
} cube_write;

#define CUBE_WRITE_NONE {.grids = {-1, -1}}

/* Starts the write of cube.  from is NULL, or the old store's value and
 * flags grids, which same_grid accepted in chunks of from_chunk, to copy
 * as stored (cube->value and flags unused).  When the deflater cannot
 * start (no memory for its threads, or file types that are not the
 * native ones) the grids are written by store_h5_write_all at the end
 * instead. */
static void cube_write_start(cube_write *w, const silk_cube *cube,
                             const hid_t *from, const hsize_t from_chunk[3])
{
    size_t total = cube->n_origin * cube->n_destination * cube->n_period;

    *w = (cube_write)CUBE_WRITE_NONE;
    w->cube = cube;
    w->from = from;
    if (from != NULL)
        memcpy(w->chunk, from_chunk, sizeof w->chunk);
    else
        chunk_shape(cube, w->chunk);
    if (from != NULL || total == 0 ||
        H5Tequal(H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE) <= 0 ||
        H5Tequal(H5T_NATIVE_UINT32, H5T_STD_U32LE) <= 0)
        return;
    store_h5_array arrays[2] = {
        {.data = cube->value, .elem = sizeof *cube->value, .fill = &nan_fill},
        {.data = cube->flags, .elem = sizeof *cube->flags,
         .fill = &zero_fill}};
    for (int k = 0; k < 2; k++) {
        arrays[k].rank = 3;
        arrays[k].dims[0] = cube->n_origin;
        arrays[k].dims[1] = cube->n_destination;
        arrays[k].dims[2] = cube->n_period;
        memcpy(arrays[k].chunk, w->chunk, sizeof w->chunk);
        arrays[k].skip_fill = true; /* grid_dcpl sets the fill value */
    }
    if (store_h5_deflate_start(arrays, 2, DEFLATE_LEVEL, true,
                               &w->deflater) != SILK_OK)
        w->deflater = NULL;
}

/* The cells of both grids: copied as stored, or the compressed chunks
 * written, or (no deflater, or it ran out of memory) whatever
 * store_h5_write_all does. */
static int write_grids(cube_write *w, const char *path, silk_error *err)
{
    const silk_cube *cube = w->cube;
    hsize_t dims[3] = {cube->n_origin, cube->n_destination, cube->n_period};
    const void *data[2] = {cube->value, cube->flags};
    const void *fills[2] = {&nan_fill, &zero_fill};
    hid_t file_types[2] = {H5T_IEEE_F64LE, H5T_STD_U32LE};
    hid_t mem_types[2] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_UINT32};
    bool written = false;
    int status;

    if (cube->n_origin * cube->n_destination * cube->n_period == 0)
        return SILK_OK;
    for (int k = 0; k < 2 && w->from != NULL; k++) {
        status = store_h5_copy_chunks(w->from[k], w->grids[k], 3, dims,
                                      w->chunk);
        if (status == SILK_ENOMEM)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        if (status != SILK_OK)
            return store_h5_fail(err, path, "cannot write '/indicators/%s/%s'",
                                 cube->indicator, grid_names[k]);
    }
    if (w->from != NULL)
        return SILK_OK;
    if (w->deflater != NULL &&
        store_h5_deflate_finish(w->deflater, w->grids, &written) ==
            SILK_ESTORE)
        return store_h5_fail(err, path, "cannot write '/indicators/%s/%s'",
                             cube->indicator,
                             grid_names[store_h5_deflate_refused(w->deflater)]);
    for (int k = 0; k < 2 && !written; k++)
        if (store_h5_write_all(w->grids[k], file_types[k], mem_types[k],
                               data[k], 3, dims, w->chunk, fills[k]) < 0)
            return store_h5_fail(err, path, "cannot write '/indicators/%s/%s'",
                                 cube->indicator, grid_names[k]);
    return SILK_OK;
}

/* Ends w (writes its grids) when status is SILK_OK, then stops its
 * threads and frees it; returns the status.  Nothing when no write is
 * under way. */
static int cube_write_done(cube_write *w, int status, const char *path,
                           silk_error *err)
{
    if (w->cube == NULL)
        return status;
    if (status == SILK_OK)
        status = write_grids(w, path, err);
    /* the threads read the cube: stopped before it is freed */
    store_h5_deflate_free(w->deflater);
    for (int k = 0; k < 2; k++)
        if (w->grids[k] >= 0)
            H5Dclose(w->grids[k]);
    silk_cube_free(w->owned);
    *w = (cube_write)CUBE_WRITE_NONE;
    return status;
}

/* CF flag attributes: bit i is letter 'a' + i, bit 26 is UNHCR's '*'. */
static int write_flag_attrs(hid_t flags, const char *path,
                            const char *indicator, silk_error *err)
{
    uint32_t masks[27];
    char meanings[27 * 2 + 16];
    char where[SILK_INDICATOR_MAX + 32];
    hsize_t dims[1] = {27};
    hid_t space = -1, attr = -1;
    size_t used = 0;
    int status;

    for (int i = 0; i < 26; i++) {
        masks[i] = UINT32_C(1) << i;
        meanings[used++] = (char)('a' + i);
        meanings[used++] = ' ';
    }
    masks[26] = SILK_FLAG_REDACTED;
    memcpy(meanings + used, "redacted", sizeof "redacted");
    snprintf(where, sizeof where, "/indicators/%s/flags", indicator);

    space = H5Screate_simple(1, dims, NULL);
    if (space < 0 ||
        (attr = H5Acreate2(flags, "flag_masks", H5T_STD_U32LE, space,
                           H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, H5T_NATIVE_UINT32, masks) < 0) {
        status = store_h5_fail(err, path, "cannot write attribute "
                               "'flag_masks' of '%s'", where);
        goto done;
    }
    status = store_h5_write_text_attr(flags, "flag_meanings", meanings, path, where,
                             err);
done:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static const char *freq_text(silk_freq freq)
{
    switch (freq) {
    case SILK_FREQ_ANNUAL:
        return "annual";
    case SILK_FREQ_QUARTERLY:
        return "quarterly";
    case SILK_FREQ_MONTHLY:
        return "monthly";
    default:
        return NULL;
    }
}

/* Makes /indicators/<name> for w's cube: three scales, value and flags
 * (left open in w, their cells not yet written), their attributes, the
 * detail and the derivation record. */
static int cube_write_begin(cube_write *w, hid_t indicators, const char *path,
                            silk_error *err)
{
    static const char *const dim_names[3] = {"origin", "destination",
                                             "period"};
    const silk_cube *cube = w->cube;
    hid_t group = -1, value, flags;
    hid_t scale[3] = {-1, -1, -1};
    char (*period_text)[SILK_PERIOD_LABEL_MAX] = NULL;
    const char **period_labels = NULL;
    char where[SILK_INDICATOR_MAX + 32];
    const char *frequency = freq_text(cube->freq);
    int status = SILK_OK;

    if (frequency == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "indicator '%s' has no frequency",
                              cube->indicator);
    snprintf(where, sizeof where, "/indicators/%s/value", cube->indicator);
    period_text = calloc(cube->n_period ? cube->n_period : 1,
                         sizeof *period_text);
    period_labels = calloc(cube->n_period ? cube->n_period : 1,
                           sizeof *period_labels);
    if (period_text == NULL || period_labels == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cube->n_period; i++) {
        silk_period_format(cube->period[i], period_text[i]);
        period_labels[i] = period_text[i];
    }
    group = H5Gcreate2(indicators, cube->indicator, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
    if (group < 0) {
        status = store_h5_fail(err, path, "cannot create '/indicators/%s'",
                               cube->indicator);
        goto done;
    }
    status = store_h5_write_strings(group, "origin",
                                    (const char *const *)cube->origin,
                                    cube->n_origin, true, path,
                                    cube->indicator, &scale[0], err);
    if (status == SILK_OK)
        status = store_h5_write_strings(
            group, "destination", (const char *const *)cube->destination,
            cube->n_destination, true, path, cube->indicator, &scale[1], err);
    if (status == SILK_OK)
        status = store_h5_write_strings(group, "period", period_labels,
                                        cube->n_period, true, path,
                                        cube->indicator, &scale[2], err);
    if (status == SILK_OK)
        status = create_grid(group, grid_names[0], H5T_IEEE_F64LE,
                             H5T_NATIVE_DOUBLE, &nan_fill, cube, w->chunk,
                             path, &w->grids[0], err);
    if (status == SILK_OK)
        status = create_grid(group, grid_names[1], H5T_STD_U32LE,
                             H5T_NATIVE_UINT32, &zero_fill, cube, w->chunk,
                             path, &w->grids[1], err);
    if (status != SILK_OK)
        goto done;
    value = w->grids[0];
    flags = w->grids[1];
    for (unsigned d = 0; d < 3; d++) {
        if (H5DSattach_scale(value, scale[d], d) < 0 ||
            H5DSattach_scale(flags, scale[d], d) < 0 ||
            H5DSset_label(value, d, dim_names[d]) < 0 ||
            H5DSset_label(flags, d, dim_names[d]) < 0) {
            status = store_h5_fail(err, path, "cannot attach scale '%s' in "
                                   "'/indicators/%s'", dim_names[d],
                                   cube->indicator);
            goto done;
        }
    }
    status = store_h5_write_text_attr(value, "long_name", cube->indicator, path, where,
                             err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(value, "units", cube->unit ? cube->unit : "",
                                 path, where, err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(value, "source",
                                 cube->source ? cube->source : "", path, where,
                                 err);
    if (status == SILK_OK)
        status = store_h5_write_text_attr(value, "frequency", frequency, path, where,
                                 err);
    if (status == SILK_OK)
        status = write_flag_attrs(flags, path, cube->indicator, err);
    if (status == SILK_OK && cube->detail != NULL)
        status = store_h5_write_detail(group, cube, scale[2], path, err);
    if (status == SILK_OK)
        status = store_h5_write_derivation(group, cube, path, err);
done:
    for (int d = 0; d < 3; d++)
        if (scale[d] >= 0)
            H5Dclose(scale[d]);
    if (group >= 0)
        H5Gclose(group);
    free(period_labels);
    free(period_text);
    return status;
}

/* Writes one cube as /indicators/<name>, all at once; from and
 * from_chunk as for cube_write_start. */
static int write_cube(hid_t indicators, const silk_cube *cube,
                      const hid_t *from, const hsize_t from_chunk[3],
                      const char *path, silk_error *err)
{
    cube_write w;
    cube_write_start(&w, cube, from, from_chunk);
    return cube_write_done(&w, cube_write_begin(&w, indicators, path, err),
                           path, err);
}

/* ------------------------------------------------------------------ */
/* Provenance                                                          */
/* ------------------------------------------------------------------ */

static void utc_now(char buf[32])
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

int store_h5_write_dim(hid_t group, const char *name, size_t n,
                       const char *path, const char *where, hid_t *out,
                       silk_error *err)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    hsize_t chunk[1] = {PROV_CHUNK};
    char scale_name[96];
    int status = SILK_OK;

    *out = -1;
    snprintf(scale_name, sizeof scale_name, "This is a netCDF dimension but "
             "not a netCDF variable.%10zu", n);
    space = H5Screate_simple(1, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        (dset = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT,
                           dcpl, H5P_DEFAULT)) < 0 ||
        H5DSset_scale(dset, scale_name) < 0)
        status = store_h5_fail(err, path, "cannot write '%s'", where);
    else
        *out = dset;
    if (status != SILK_OK && dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

/* A dimension scale without values for /provenance, named as netCDF-C
 * names a "dimension but not a variable", so that h5netcdf (xarray) can
 * open the root group without phony_dims. */
static int write_record_dim(commit_state *st, hid_t provenance, size_t n,
                            silk_error *err)
{
    hid_t dim = -1;
    int status = store_h5_write_dim(st->file, "record", n, st->path,
                                    "/record", &dim, err);
    if (status == SILK_OK && (H5DSattach_scale(provenance, dim, 0) < 0 ||
                              H5DSset_label(provenance, 0, "record") < 0))
        status = store_h5_fail(err, st->path, "cannot write '/record'");
    if (dim >= 0)
        H5Dclose(dim);
    return status;
}

/* Writes /provenance: the old store's rows, then the batch's, stamped
 * with the commit time and this version. */
static int write_provenance(commit_state *st, const silk_batch *batch,
                            silk_error *err)
{
    silk_provenance *old = NULL;
    size_t n_old = 0, n_new = silk_batch_provenance_count(batch), n;
    store_prov_row *rows = NULL;
    hid_t type = -1, space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1], maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {PROV_CHUNK};
    char now[32];
    /* digests of files read in parts were computed while the cubes were
     * written: here the commit waits for them, last */
    int status = silk_batch_provenance_settle(batch, err);

    if (status != SILK_OK)
        return status;
    if (st->old != NULL) {
        status = silk_store_provenance(st->old, &old, &n_old, err);
        if (status != SILK_OK)
            return status;
    }
    n = n_old + n_new;
    dims[0] = n;
    utc_now(now);
    rows = calloc(n ? n : 1, sizeof *rows);
    if (rows == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const silk_provenance *p =
            i < n_old ? &old[i] : silk_batch_provenance(batch, i - n_old);
        rows[i].file = p->file ? p->file : "";
        memcpy(rows[i].sha256, p->sha256, sizeof rows[i].sha256);
        rows[i].sha256[64] = '\0';
        rows[i].rows = p->rows;
        rows[i].time = i < n_old && p->time ? p->time : now;
        rows[i].version = i < n_old && p->version ? p->version
                                                  : (char *)SILK_VERSION;
        rows[i].indicators = p->indicators ? p->indicators : "";
    }
    type = store_h5_prov_type();
    space = H5Screate_simple(1, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (type < 0 || space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        (dset = H5Dcreate2(st->file, "provenance", type, space, H5P_DEFAULT,
                           dcpl, H5P_DEFAULT)) < 0 ||
        (n > 0 &&
         H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0)) {
        status = store_h5_fail(err, st->path, "cannot write '/provenance'");
        goto done;
    }
    status = write_record_dim(st, dset, n, err);
done:
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    free(rows);
    silk_store_provenance_free(old, n_old);
    return status;
}

/* ------------------------------------------------------------------ */
/* Lock, temporary file, rename                                        */
/* ------------------------------------------------------------------ */

/* Splits path into its folder ("." if none) and base name. */
static int split_path(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        *dir = strdup(".");
        *base = path;
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        *dir = strndup(path, len);
        *base = slash + 1;
    }
    return *dir != NULL ? SILK_OK : SILK_ENOMEM;
}

static int take_lock(commit_state *st, silk_error *err)
{
    st->lock_fd = open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (st->lock_fd < 0)
        return silk_error_set(err, SILK_EIO, "cannot open lock file '%s': %s",
                              st->lock_path, strerror(errno));
    /* Fail at once rather than wait: ingest runs are minutes long and a
     * second one should say so instead of hanging. */
    if (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(st->lock_fd);
        st->lock_fd = -1;
        if (e == EWOULDBLOCK)
            return silk_error_set(err, SILK_ELOCK,
                                  "store '%s' is being written by another "
                                  "process", st->path);
        return silk_error_set(err, SILK_EIO, "cannot lock '%s': %s",
                              st->lock_path, strerror(e));
    }
    return SILK_OK;
}

/* Under the lock no other writer exists, so any path.tmp-* is left over
 * from a crashed commit. */
static int remove_stale(const char *path, silk_error *err)
{
    char *dir = NULL, *prefix = NULL;
    const char *base;
    DIR *d = NULL;
    struct dirent *entry;
    int status = SILK_OK;

    if (split_path(path, &dir, &base) != SILK_OK ||
        (prefix = concat(base, ".tmp-")) == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    d = opendir(dir);
    if (d == NULL) {
        status = silk_error_set(err, SILK_EIO, "cannot list folder '%s': %s",
                                dir, strerror(errno));
        goto done;
    }
    while ((entry = readdir(d)) != NULL) {
        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        if (unlinkat(dirfd(d), entry->d_name, 0) != 0 && errno != ENOENT) {
            status = silk_error_set(err, SILK_EIO,
                                    "cannot remove stale temporary file "
                                    "'%s/%s': %s", dir, entry->d_name,
                                    strerror(errno));
            goto done;
        }
    }
done:
    if (d != NULL)
        closedir(d);
    free(prefix);
    free(dir);
    return status;
}

static int fsync_path(const char *path, int flags, silk_error *err)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return silk_error_set(err, SILK_EIO, "cannot open '%s' to sync: %s",
                              path, strerror(errno));
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return silk_error_set(err, SILK_EIO, "cannot sync '%s': %s", path,
                              strerror(e));
    }
    close(fd);
    return SILK_OK;
}

static bool batch_has(const silk_batch *batch, const char *name)
{
    size_t n = silk_batch_indicator_count(batch);
    for (size_t i = 0; i < n; i++)
        if (strcmp(silk_batch_indicator_name(batch, i), name) == 0)
            return true;
    return false;
}

/* Carries an indicator the batch does not touch over from the old store.
 * Not H5Ocopy: on HDF5 1.10.8 it leaves the dimension-scale references
 * (DIMENSION_LIST is a vlen of references, REFERENCE_LIST a compound with
 * one) null even with H5O_COPY_EXPAND_REFERENCE_FLAG, which detaches the
 * labels for xarray.  So the group is rebuilt by write_cube, as for a
 * merged cube, from everything but the two grids (store_h5_read_shell);
 * the grids' chunks are copied as stored, without inflating and
 * deflating them again (for the 8 cubes of the 10M-row bench store, 0.07
 * s instead of about 1 s), when same_grid finds them made as create_grid
 * makes them, else the whole cube is read and rewritten. */
static int copy_indicator(commit_state *st, const char *name, silk_error *err)
{
    char where[SILK_INDICATOR_MAX + 32];
    silk_cube *cube = NULL;
    hid_t group = -1, from[2] = {-1, -1};
    int status = store_h5_read_shell(st->old, name, &cube, err);

    if (status != SILK_OK)
        return status;
    /* The shell read opened the group already; a grid that does not open
     * here is left to silk_store_read, which says what is wrong. */
    snprintf(where, sizeof where, "/indicators/%s", name);
    group = H5Gopen2(store_h5_file(st->old), where, H5P_DEFAULT);
    if (group >= 0 && (from[0] = H5Dopen2(group, "value", H5P_DEFAULT)) >= 0)
        from[1] = H5Dopen2(group, "flags", H5P_DEFAULT);
    hsize_t chunk[3], flags_chunk[3];
    if (from[1] >= 0 &&
        same_grid(from[0], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &nan_fill,
                  cube, chunk) &&
        same_grid(from[1], H5T_STD_U32LE, H5T_NATIVE_UINT32, &zero_fill,
                  cube, flags_chunk) &&
        memcmp(chunk, flags_chunk, sizeof chunk) == 0) {
        status = write_cube(st->indicators, cube, from, chunk, st->path, err);
    } else {
        silk_cube_free(cube);
        cube = NULL;
        status = silk_store_read(st->old, name, &cube, err);
        if (status == SILK_OK)
            status = write_cube(st->indicators, cube, NULL, NULL, st->path,
                                err);
    }
    for (int k = 0; k < 2; k++)
        if (from[k] >= 0)
            H5Dclose(from[k]);
    if (group >= 0)
        H5Gclose(group);
    silk_cube_free(cube);
    return status;
}

static bool old_has(const silk_store *old, const char *name)
{
    size_t n = silk_store_indicator_count(old);
    for (size_t i = 0; i < n; i++)
        if (strcmp(silk_store_indicator_name(old, i), name) == 0)
            return true;
    return false;
}

/* The entry of derived[] for name, or NULL. */
static const silk_derived *find_derived(const commit_state *st,
                                        const char *name)
{
    for (size_t k = 0; k < st->n_derived; k++)
        if (strcmp(st->derived[k].indicator, name) == 0)
            return &st->derived[k];
    return NULL;
}

/* A derived indicator replaces only an indicator a module made: an
 * ingested one of the same name holds data no recompute can restore. */
static int check_replaceable(commit_state *st, const char *name,
                             silk_error *err)
{
    silk_cube *old = NULL;
    /* its record is all that matters: the grids are not read */
    int status = store_h5_read_shell(st->old, name, &old, err);
    if (status == SILK_OK && old->derivation == NULL)
        status = silk_error_set(err, SILK_ECONFLICT,
                                "indicator '%s' of store '%s' was ingested, "
                                "not computed by a module; it is not "
                                "replaced (choose another name)",
                                name, st->path);
    silk_cube_free(old);
    return status;
}

/* Indicator i of the batch as it is stored: the batch's cells merged
 * into the old store's indicator, or, for a new or derived indicator,
 * the batch's cube itself. */
static int build_cube(commit_state *st, const silk_batch *batch, size_t i,
                      silk_cube **out, silk_error *err)
{
    const char *name = silk_batch_indicator_name(batch, i);
    const silk_derived *derived = find_derived(st, name);
    silk_cube *base = NULL, *update = NULL, *merged = NULL;
    int status;

    *out = NULL;
    status = silk_batch_cube(batch, i, &update, err);
    /* A derived indicator is the batch's cells alone, with its record:
     * nothing of an earlier computation survives. */
    if (status == SILK_OK && derived != NULL && derived->derivation != NULL)
        status = silk_derivation_copy(derived->derivation,
                                      &update->derivation, err);
    if (status == SILK_OK && derived == NULL && st->old != NULL &&
        old_has(st->old, name))
        status = silk_store_read(st->old, name, &base, err);
    /* A new indicator is the batch's cube as it is (cells never named are
     * already NaN): skipping the merge saves a second copy of the largest
     * cube, 12 bytes a cell. */
    if (status == SILK_OK && base != NULL)
        status = silk_cube_merge(base, update, &merged, err);
    if (status == SILK_OK && merged != NULL) {
        *out = merged;
        merged = NULL;
    } else if (status == SILK_OK) {
        *out = update;
        update = NULL;
    }
    silk_cube_free(merged);
    silk_cube_free(update);
    silk_cube_free(base);
    return status;
}

/* The memory a built cube keeps while it is held (without `set`). */
static size_t held_bytes(const silk_cube *cube)
{
    size_t cells = cube->n_origin * cube->n_destination * cube->n_period;
    size_t bytes = cells * (sizeof *cube->value + sizeof *cube->flags);
    if (cube->detail != NULL)
        bytes += cube->detail->n_series * cube->n_period *
                 (sizeof *cube->value + sizeof *cube->flags + 1);
    return bytes;
}

/* Holding a cube while the next one is built costs at most this much
 * more memory than writing it first (see merge_indicators). */
#define HOLD_BYTES_MAX ((size_t)32 << 20)

/* Builds, shows (st->visit) and writes every indicator of the batch.
 *
 * Building a cube and the visitor's checks run on this thread and were
 * half of a commit's time on the 10M-row bench file, with the other
 * cores idle; compressing its grids is most of the rest.  So a cube's
 * compression starts on the helper threads before its visit and goes on
 * while this thread makes its HDF5 objects and builds the next cube;
 * only then are its chunks written (HDF5 stays on this thread).  On 2
 * cores that commit went from 0.99 to 0.82 s (medians of 10 runs).
 * Holding the cube over the next one's build costs its memory (12 bytes
 * a cell: `set`, not stored, is freed first) on top of the next cube's:
 * a cube over HOLD_BYTES_MAX is written before the next build, its
 * compression overlapping only its visit and its labels (there, the two
 * 5.3M-cell cubes of 19.2M cells; peak RSS went from 317 to 326 MB). */
static int merge_indicators(commit_state *st, const silk_batch *batch,
                            silk_error *err)
{
    size_t n = silk_batch_indicator_count(batch);
    cube_write held = CUBE_WRITE_NONE;
    int status = SILK_OK;

    for (size_t i = 0; i < n && status == SILK_OK; i++) {
        cube_write w;
        silk_cube *cube = NULL;

        status = build_cube(st, batch, i, &cube, err);
        /* written before the next one starts: one deflater at a time */
        status = cube_write_done(&held, status, st->path, err);
        if (status != SILK_OK) {
            silk_cube_free(cube);
            break;
        }
        cube_write_start(&w, cube, NULL, NULL);
        w.owned = cube;
        if (st->visit != NULL)
            st->visit(cube, i, st->visit_ctx);
        /* not stored: a held cube keeps only what is written */
        free(cube->set);
        cube->set = NULL;
        status = cube_write_begin(&w, st->indicators, st->path, err);
        if (status == SILK_OK && i + 1 < n &&
            held_bytes(cube) <= HOLD_BYTES_MAX)
            held = w;
        else
            status = cube_write_done(&w, status, st->path, err);
    }
    return cube_write_done(&held, status, st->path, err);
}

/* /results: the old store's tables (rebuilt, as indicators are, so that
 * their dimension stays attached; their numeric columns' chunks copied
 * as stored, see store_h5_copy_table), then the new one, which replaces
 * a table of the same name. */
static int write_results(commit_state *st, silk_error *err)
{
    size_t n_old = st->old != NULL ? silk_store_table_count(st->old) : 0;
    hid_t results = -1, old_results = -1;
    int status = SILK_OK;

    if (n_old == 0 && st->table == NULL)
        return SILK_OK;
    results = H5Gcreate2(st->file, "results", H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    if (results < 0)
        return store_h5_fail(err, st->path, "cannot create '/results'");
    if (n_old > 0 &&
        (old_results = H5Gopen2(store_h5_file(st->old), "results",
                                H5P_DEFAULT)) < 0)
        status = store_h5_fail(err, st->path, "cannot open '/results'");
    for (size_t i = 0; i < n_old && status == SILK_OK; i++) {
        const char *name = silk_store_table_name(st->old, i);
        if (st->table != NULL && strcmp(name, st->table->name) == 0)
            continue;
        status = store_h5_copy_table(results, old_results, name, st->path,
                                     err);
    }
    if (status == SILK_OK && st->table != NULL) {
        char now[32];
        utc_now(now);
        status = store_h5_write_table(results, st->table, now, st->path, err);
    }
    if (old_results >= 0)
        H5Gclose(old_results);
    H5Gclose(results);
    return status;
}

/* Writes the whole new store into st->tmp_path and closes it. */
static int write_store(commit_state *st, const silk_batch *batch,
                       silk_error *err)
{
    int format = STORE_FORMAT;
    hid_t space = -1, attr = -1;
    int status = SILK_OK;
    size_t n_old = st->old != NULL ? silk_store_indicator_count(st->old) : 0;

    /* LATEST + fletcher32 cut silent corruption of damaged files from 10%
     * to 1% (RELIABILITY.md); h5py 3.7 / h5netcdf 1.1 on this HDF5 read it.
     * STRONG close so that H5Fclose really closes before fsync. */
    st->fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (st->fapl < 0 ||
        H5Pset_libver_bounds(st->fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0 ||
        H5Pset_fclose_degree(st->fapl, H5F_CLOSE_STRONG) < 0)
        return store_h5_fail(err, st->path, "cannot set file properties");
    /* Set before H5Fcreate: it can create the file and then fail writing
     * the superblock (disk full), which must not leave the file behind. */
    st->tmp_created = true;
    st->file = H5Fcreate(st->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, st->fapl);
    if (st->file < 0)
        return store_h5_fail(err, st->path, "cannot create '%s'", st->tmp_path);

    space = H5Screate(H5S_SCALAR);
    if (space < 0 ||
        (attr = H5Acreate2(st->file, "silkstat_format", H5T_STD_I32LE, space,
                           H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, H5T_NATIVE_INT, &format) < 0) {
        status = store_h5_fail(err, st->path, "cannot write attribute "
                               "'silkstat_format'");
        goto done;
    }
    status = store_h5_write_text_attr(st->file, "silkstat_version", SILK_VERSION,
                             st->path, "/", err);
    if (status != SILK_OK)
        goto done;
    st->indicators = H5Gcreate2(st->file, "indicators", H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT);
    if (st->indicators < 0) {
        status = store_h5_fail(err, st->path, "cannot create '/indicators'");
        goto done;
    }
    for (size_t i = 0; i < n_old && status == SILK_OK; i++) {
        const char *name = silk_store_indicator_name(st->old, i);
        if (find_derived(st, name) != NULL)
            status = check_replaceable(st, name, err);
        else if (!batch_has(batch, name))
            status = copy_indicator(st, name, err);
    }
    if (status == SILK_OK)
        status = merge_indicators(st, batch, err);
    if (status == SILK_OK)
        status = write_results(st, err);
    if (status == SILK_OK)
        status = write_provenance(st, batch, err);
    if (status != SILK_OK)
        goto done;
    H5Gclose(st->indicators);
    st->indicators = -1;
    if (H5Fclose(st->file) < 0) {
        st->file = -1;
        status = store_h5_fail(err, st->path, "cannot close '%s'", st->tmp_path);
        goto done;
    }
    st->file = -1;
done:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return status;
}

static void commit_release(commit_state *st, bool failed)
{
    if (st->indicators >= 0)
        H5Gclose(st->indicators);
    if (st->file >= 0)
        H5Fclose(st->file);
    if (st->fapl >= 0)
        H5Pclose(st->fapl);
    silk_store_close(st->old);
    if (failed && st->tmp_created)
        unlink(st->tmp_path);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the flock */
    free(st->tmp_path);
    free(st->lock_path);
}

static int commit(const char *path, const silk_batch *batch,
                  const silk_table *table, silk_cube_visitor visit,
                  void *visit_ctx, const silk_derived *derived,
                  size_t n_derived, silk_error *err)
{
    commit_state st = {.path = path, .lock_fd = -1, .fapl = -1, .file = -1,
                       .indicators = -1, .table = table, .visit = visit,
                       .visit_ctx = visit_ctx, .derived = derived,
                       .n_derived = n_derived};
    char suffix[32];
    char *dir = NULL;
    const char *base;
    bool renamed = false;
    int status;

    store_h5_init();
    if (path == NULL || path[0] == '\0' || batch == NULL)
        return silk_error_set(err, SILK_EINVAL, "no store path or batch given");
    snprintf(suffix, sizeof suffix, ".tmp-%ld", (long)getpid());
    st.lock_path = concat(path, ".lock");
    st.tmp_path = concat(path, suffix);
    if (st.lock_path == NULL || st.tmp_path == NULL ||
        split_path(path, &dir, &base) != SILK_OK) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    status = take_lock(&st, err);
    if (status == SILK_OK)
        status = remove_stale(path, err);
    if (status != SILK_OK)
        goto done;
    /* An existing file must be a silkstat store: anything else (another
     * HDF5 file, a CSV given as --store) is refused, never overwritten. */
    status = silk_store_open(path, &st.old, err);
    if (status == SILK_ENOTFOUND && table == NULL) {
        if (err != NULL)
            silk_error_clear(err);
        status = SILK_OK;
    }
    if (status == SILK_OK)
        status = write_store(&st, batch, err);
    if (status == SILK_OK)
        status = fsync_path(st.tmp_path, O_RDONLY, err);
    if (status != SILK_OK)
        goto done;
    /* The old store can be closed only now: merges read from it. */
    silk_store_close(st.old);
    st.old = NULL;
    if (rename(st.tmp_path, path) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot rename '%s' to '%s': %s",
                                st.tmp_path, path, strerror(errno));
        goto done;
    }
    renamed = true;
    status = fsync_path(dir, O_RDONLY | O_DIRECTORY, err);
    if (status != SILK_OK)
        silk_error_prefix(err, "store '%s' was replaced, but ", path);
done:
    commit_release(&st, status != SILK_OK && !renamed);
    free(dir);
    return status;
}

int silk_store_commit(const char *path, const silk_batch *batch,
                      silk_error *err)
{
    return commit(path, batch, NULL, NULL, NULL, NULL, 0, err);
}

int silk_store_commit_derived(const char *path, const silk_batch *batch,
                              const silk_derived *derived, size_t n_derived,
                              silk_error *err)
{
    for (size_t k = 0; k < n_derived; k++)
        if (derived[k].indicator == NULL ||
            !silk_indicator_name_valid(derived[k].indicator,
                                       strlen(derived[k].indicator)))
            return silk_error_set(err, SILK_EINVAL,
                                  "'%s' is not an indicator name",
                                  derived[k].indicator ? derived[k].indicator
                                                       : "");
    return commit(path, batch, NULL, NULL, NULL, derived, n_derived, err);
}

int silk_store_commit_visit(const char *path, const silk_batch *batch,
                            silk_cube_visitor visit, void *ctx,
                            silk_error *err)
{
    return commit(path, batch, NULL, visit, ctx, NULL, 0, err);
}

int silk_store_commit_table(const char *path, const silk_table *table,
                            silk_error *err)
{
    silk_batch *empty = NULL;
    if (table == NULL)
        return silk_error_set(err, SILK_EINVAL, "no table given");
    int status = silk_batch_alloc(&empty, err);
    if (status == SILK_OK)
        status = commit(path, empty, table, NULL, NULL, NULL, 0, err);
    silk_batch_free(empty);
    return status;
}
