/*
 * chunks_h5.c: writes, and reads, a whole chunked dataset with its
 * filters run on several threads.
 *
 * HDF5 1.10 is not thread-safe, and H5Dwrite runs the filter pipeline
 * (shuffle, deflate, Fletcher-32) chunk after chunk on the calling
 * thread: deflate was four fifths of a commit (1.9 s of 2.4 s for the
 * cubes of the 10M-row bench file).  Here the chunks are cut from the
 * array, shuffled, deflated with zlib at the same level and checksummed
 * as HDF5's filters do it, on every core, and handed in order to
 * H5Dwrite_chunk on the calling thread.  Each chunk's stored bytes are
 * those H5Dwrite would store (edge chunks padded with the fill value, as
 * H5Dwrite pads them), so readers see no difference: only the time
 * changes.  Two differences that readers cannot see either.  Chunks of a
 * cube that hold only the fill value (no data for a chunk's corridors:
 * most of a sparse table such as UNHCR's) are not stored at all and read
 * back as the fill value.  And the deflate stream is made with zlib's
 * run-length strategy (Z_RLE), not the default one: shuffled doubles
 * are runs of equal bytes (NaN, zeros, exponents) plus noise that no
 * match helps with, so on the bench cubes it takes 15% less time for
 * 10-45% fewer bytes, on a trend table's columns half the time for 3%
 * fewer bytes.
 * The level stays 1 and any zlib inflates it.
 *
 * The same threads compress several arrays in one run
 * (store_h5_deflate_*): the numeric columns of a result table, started
 * before the table's text columns are written so that the compression
 * overlaps HDF5's one-string-at-a-time vlen writes; a cube's value and
 * flags grids, compressed while the commit builds the next cube.
 *
 * Reading is the mirror: H5Dread inflates chunk after chunk on one
 * thread (a third of `silkstat trend` on the 10M-row bench store).  The
 * calling thread fetches each chunk's stored bytes with H5Dread_chunk;
 * every core checks its Fletcher-32 sum exactly as HDF5 does (a mismatch
 * is an error, never data), inflates (without zlib's own Adler-32 of the
 * output, which the Fletcher-32 of the input makes redundant), unshuffles
 * and places it in the array.  Anything else (other filters, another byte order, a chunk that
 * skipped a filter) is left to H5Dread.
 *
 * Copying (store_h5_copy_chunks) moves a dataset's chunks from the store
 * a commit rewrites into the new file as they are stored, after
 * store_h5_same_chunks found both datasets made alike: nothing is
 * inflated or deflated again.
 *
 * A separate file because it is the one place that knows the filters'
 * byte formats (and, with adler32.c, the only user of zlib).
 */
#include "store/chunks_h5.h"
#include "store/adler32.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Compressed chunks waiting to be written: enough to keep every thread
 * busy while the writer catches up, and a bound on memory. */
#define SLOTS 16
#define THREADS_MAX 4
/* Largest element a fill value buffer holds (the store uses 4 and 8). */
#define ELEM_MAX 16
/* A deflater started ahead of its writer (store_h5_deflate_start with
 * ahead) keeps up to this many chunks' compressBound bytes compressed in
 * advance (the slots hold only the bytes stored, a tenth of it on the
 * bench cubes). */
#define AHEAD_BYTES ((size_t)32 << 20)

typedef struct slot {
    /* the chunk as stored: deflated, then checksum; grown to the largest
     * chunk it held, not to compressBound, so that a deflater running
     * ahead holds about the bytes it will write */
    unsigned char *bytes;
    size_t size, cap;
    bool ready;
} slot;

/* One array of a deflater, seen as 3-D (pad3). */
typedef struct part {
    const unsigned char *data;
    size_t elem;               /* bytes per element */
    int rank;
    hsize_t dims[3], chunk[3], grid[3];
    const unsigned char *fill; /* one element */
    bool skip_fill;            /* store_h5_array's */
    size_t chunk_bytes, bound; /* raw and compressBound sizes */
    size_t first, n_chunks;    /* its chunks' place in the deflater's order */
} part;

struct store_h5_deflater {
    part *parts;
    size_t n_parts;
    int level;
    size_t n_chunks;         /* of all parts, in order */
    size_t raw_max, row_max; /* bytes of the largest chunk, chunk row */
    size_t bound_max;        /* the largest compressBound, + 4 */
    size_t n_slots;
    slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next;    /* the next chunk to compress */
    size_t written; /* chunks handed to HDF5 */
    size_t refused; /* the part whose chunk H5Dwrite_chunk refused */
    bool failed;    /* a thread ran out of memory */
    bool stop;      /* the writer gave up, or is done */
    pthread_t helpers[THREADS_MAX];
    size_t n_helpers;
};

/* One thread's buffers and deflate stream, kept across chunks. */
typedef struct scratch {
    unsigned char *raw, *shuffled;
    unsigned char *deflated; /* bound_max bytes */
    unsigned char *fill_row; /* chunk[2] fill values of part fill_of */
    const part *fill_of;
    z_stream z;
    bool z_ready;
} scratch;

/* HDF5's Fletcher-32 (H5checksum.c): 16-bit words read big-endian, an odd
 * last byte as the high byte of a word, sums folded every 360 words. */
static uint32_t fletcher32(const unsigned char *data, size_t n)
{
    size_t words = n / 2;
    uint32_t sum1 = 0, sum2 = 0;

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
    if (n % 2) {
        sum1 += (uint32_t)(*data << 8);
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

/* Transposes an 8 x 8 byte matrix held as eight words, row r in x[r],
 * column c in byte c of the word in little-endian order: three rounds of
 * masked swaps.  Its own inverse. */
static inline void transpose8(uint64_t x[8])
{
    uint64_t t;
    for (int j = 0; j < 4; j++) {
        t = ((x[j] >> 32) ^ x[j + 4]) & UINT64_C(0x00000000FFFFFFFF);
        x[j] ^= t << 32;
        x[j + 4] ^= t;
    }
    for (int j = 0; j < 8; j += (j % 4 == 1) ? 3 : 1) {
        t = ((x[j] >> 16) ^ x[j + 2]) & UINT64_C(0x0000FFFF0000FFFF);
        x[j] ^= t << 16;
        x[j + 2] ^= t;
    }
    for (int j = 0; j < 8; j += 2) {
        t = ((x[j] >> 8) ^ x[j + 1]) & UINT64_C(0x00FF00FF00FF00FF);
        x[j] ^= t << 8;
        x[j + 1] ^= t;
    }
}

/* The same for a 4 x 4 byte matrix in four 32-bit words. */
static inline void transpose4(uint32_t x[4])
{
    uint32_t t;
    for (int j = 0; j < 2; j++) {
        t = ((x[j] >> 16) ^ x[j + 2]) & UINT32_C(0x0000FFFF);
        x[j] ^= t << 16;
        x[j + 2] ^= t;
    }
    for (int j = 0; j < 4; j += 2) {
        t = ((x[j] >> 8) ^ x[j + 1]) & UINT32_C(0x00FF00FF);
        x[j] ^= t << 8;
        x[j + 1] ^= t;
    }
}

/* out[k * n + i] = in[i * e + k]: byte k of element i.  With SSE2, 16
 * elements at a time: the e registers that hold them, paired i with
 * i + e/2 and interleaved byte by byte (unpack low and high), log2(16) =
 * 4 times, end as the e planes in element order (2.1% of the 10M-row
 * ingest's CPU; compress_chunk took 2.5% with the word swaps).  Those
 * take blocks of 8 (doubles) or 4 (uint32) elements after it, transposed
 * as byte matrices in registers, about ten times faster than a byte
 * loop; the rest byte by byte.  The swaps assume bytes in little-endian
 * order within a word. */
#if defined(__SSE2__)
/* The 16-element blocks for an element size known when compiled, so that
 * the registers stay registers. */
static inline __attribute__((always_inline)) size_t
shuffle_sse2(unsigned char *out, const unsigned char *in, size_t e,
             size_t n)
{
    size_t i = 0, half = e / 2;
    for (; i + 16 <= n; i += 16) {
        __m128i x[8], y[8];
#pragma GCC unroll 8
        for (size_t k = 0; k < e; k++)
            x[k] = _mm_loadu_si128(
                (const __m128i *)(const void *)(in + i * e + k * 16));
#pragma GCC unroll 4
        for (int round = 0; round < 4; round++) {
#pragma GCC unroll 4
            for (size_t k = 0; k < half; k++) {
                y[2 * k] = _mm_unpacklo_epi8(x[k], x[k + half]);
                y[2 * k + 1] = _mm_unpackhi_epi8(x[k], x[k + half]);
            }
#pragma GCC unroll 8
            for (size_t k = 0; k < e; k++)
                x[k] = y[k];
        }
#pragma GCC unroll 8
        for (size_t k = 0; k < e; k++)
            _mm_storeu_si128((__m128i *)(void *)(out + k * n + i), x[k]);
    }
    return i;
}
#endif

static void shuffle(unsigned char *out, const unsigned char *in, size_t e,
                    size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    if (e == 8)
        i = shuffle_sse2(out, in, 8, n);
    else if (e == 4)
        i = shuffle_sse2(out, in, 4, n);
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (e == 8) {
        for (; i + 8 <= n; i += 8) {
            uint64_t x[8];
            memcpy(x, in + i * 8, sizeof x);
            transpose8(x);
            for (int k = 0; k < 8; k++)
                memcpy(out + k * n + i, &x[k], 8);
        }
    } else if (e == 4) {
        for (; i + 4 <= n; i += 4) {
            uint32_t x[4];
            memcpy(x, in + i * 4, sizeof x);
            transpose4(x);
            for (int k = 0; k < 4; k++)
                memcpy(out + k * n + i, &x[k], 4);
        }
    }
#endif
    for (; i < n; i++)
        for (size_t k = 0; k < e; k++)
            out[k * n + i] = in[i * e + k];
}

/* The inverse for the first m of n elements (H5Zshuffle.c on read):
 * out[i * e + k] = in[k * n + i] for i < m.  With SSE2, 16 elements at a
 * time: the byte planes are interleaved by bytes, then 16-bit, then
 * 32-bit pairs (unpack instructions), a third of the time of the word
 * swaps; those take blocks of 8 (4) after it, as a transpose is its own
 * inverse; the rest byte by byte. */
static void unshuffle(unsigned char *out, const unsigned char *in, size_t e,
                      size_t n, size_t m)
{
    size_t i = 0;
#if defined(__SSE2__)
    if (e == 8) {
        for (; i + 16 <= m; i += 16) {
            __m128i p[8], a[8], b[8];
#pragma GCC unroll 8
            for (int k = 0; k < 8; k++)
                p[k] = _mm_loadu_si128((const __m128i *)(in + k * n + i));
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++) { /* bytes 2k, 2k+1 */
                a[2 * k] = _mm_unpacklo_epi8(p[2 * k], p[2 * k + 1]);
                a[2 * k + 1] = _mm_unpackhi_epi8(p[2 * k], p[2 * k + 1]);
            }
#pragma GCC unroll 2
            for (int k = 0; k < 2; k++) /* bytes 4k .. 4k+3 */
#pragma GCC unroll 2
                for (int h = 0; h < 2; h++) {
                    b[4 * k + 2 * h] =
                        _mm_unpacklo_epi16(a[4 * k + h], a[4 * k + 2 + h]);
                    b[4 * k + 2 * h + 1] =
                        _mm_unpackhi_epi16(a[4 * k + h], a[4 * k + 2 + h]);
                }
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++) { /* elements 4q .. 4q+3 */
                _mm_storeu_si128((__m128i *)(out + (i + 4 * q) * 8),
                                 _mm_unpacklo_epi32(b[q], b[4 + q]));
                _mm_storeu_si128((__m128i *)(out + (i + 4 * q + 2) * 8),
                                 _mm_unpackhi_epi32(b[q], b[4 + q]));
            }
        }
    } else if (e == 4) {
        for (; i + 16 <= m; i += 16) {
            __m128i p[4], a[4];
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++)
                p[k] = _mm_loadu_si128((const __m128i *)(in + k * n + i));
#pragma GCC unroll 2
            for (int k = 0; k < 2; k++) {
                a[2 * k] = _mm_unpacklo_epi8(p[2 * k], p[2 * k + 1]);
                a[2 * k + 1] = _mm_unpackhi_epi8(p[2 * k], p[2 * k + 1]);
            }
#pragma GCC unroll 2
            for (int h = 0; h < 2; h++) { /* elements 8h .. 8h+7 */
                _mm_storeu_si128((__m128i *)(out + (i + 8 * h) * 4),
                                 _mm_unpacklo_epi16(a[h], a[2 + h]));
                _mm_storeu_si128((__m128i *)(out + (i + 8 * h + 4) * 4),
                                 _mm_unpackhi_epi16(a[h], a[2 + h]));
            }
        }
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (e == 8) {
        for (; i + 8 <= m; i += 8) {
            uint64_t x[8];
            for (int k = 0; k < 8; k++)
                memcpy(&x[k], in + k * n + i, 8);
            transpose8(x);
            memcpy(out + i * 8, x, sizeof x);
        }
    } else if (e == 4) {
        for (; i + 4 <= m; i += 4) {
            uint32_t x[4];
            for (int k = 0; k < 4; k++)
                memcpy(&x[k], in + k * n + i, 4);
            transpose4(x);
            memcpy(out + i * 4, x, sizeof x);
        }
    }
#endif
    for (; i < m; i++)
        for (size_t k = 0; k < e; k++)
            out[i * e + k] = in[k * n + i];
}

/* The first cell of chunk `index` of a grid of chunks, in C order. */
static void chunk_at(const hsize_t grid[3], const hsize_t chunk[3],
                     size_t index, hsize_t offset[3])
{
    offset[2] = (index % grid[2]) * chunk[2];
    index /= grid[2];
    offset[1] = (index % grid[1]) * chunk[1];
    offset[0] = (index / grid[1]) * chunk[0];
}

/* The part that chunk `index` of d belongs to. */
static const part *part_of(const store_h5_deflater *d, size_t index)
{
    size_t k = 0;
    while (k + 1 < d->n_parts && index >= d->parts[k + 1].first)
        k++;
    return &d->parts[k];
}

/* Chunk `index` as stored, into out (grown to its size); its size in
 * out->size. */
static int compress_chunk(const store_h5_deflater *d, scratch *s,
                          size_t index, slot *out)
{
    const part *p = part_of(d, index);
    hsize_t offset[3];
    size_t e = p->elem, row = (size_t)p->chunk[2] * e, at = 0;
    size_t n = p->chunk_bytes / e;

    if (s->fill_of != p) {
        for (size_t k = 0; k < (size_t)p->chunk[2]; k++)
            memcpy(s->fill_row + k * e, p->fill, e);
        s->fill_of = p;
    }
    chunk_at(p->grid, p->chunk, index - p->first, offset);
    /* the chunk in C order; outside the dataset, the fill value.  A chunk
     * of whole last-axis rows, inside the dataset and one block in it
     * (the cubes' chunks but those at the edge), is read where it is. */
    const unsigned char *raw = s->raw;
    bool whole_rows = offset[2] == 0 && p->chunk[2] == p->dims[2] &&
                      offset[0] + p->chunk[0] <= p->dims[0] &&
                      offset[1] + p->chunk[1] <= p->dims[1] &&
                      (p->chunk[0] == 1 || p->chunk[1] == p->dims[1]);
    if (whole_rows)
        raw = p->data +
              (size_t)((offset[0] * p->dims[1] + offset[1]) * p->dims[2]) * e;
    for (hsize_t a = 0; a < p->chunk[0] && !whole_rows; a++)
        for (hsize_t b = 0; b < p->chunk[1]; b++, at += row) {
            hsize_t o = offset[0] + a, dd = offset[1] + b;
            size_t inside = 0;
            if (o < p->dims[0] && dd < p->dims[1] && offset[2] < p->dims[2]) {
                hsize_t left = p->dims[2] - offset[2];
                inside = (size_t)(left < p->chunk[2] ? left : p->chunk[2]);
                memcpy(s->raw + at,
                       p->data + (size_t)((o * p->dims[1] + dd) * p->dims[2] +
                                          offset[2]) * e,
                       inside * e);
            }
            if (inside < (size_t)p->chunk[2])
                memcpy(s->raw + at + inside * e, s->fill_row,
                       ((size_t)p->chunk[2] - inside) * e);
        }
    /* nothing but fill: size 0, and the writer skips it */
    if (p->skip_fill) {
        bool empty = true;
        for (size_t r = 0; r < p->chunk_bytes && empty; r += row)
            empty = memcmp(raw + r, s->fill_row, row) == 0;
        if (empty) {
            out->size = 0;
            return SILK_OK;
        }
    }
    /* shuffle (H5Zshuffle.c): byte k of every element, then byte k + 1;
     * one element is left as it is */
    const unsigned char *in = raw;
    if (e > 1 && n > 1) {
        shuffle(s->shuffled, raw, e, n);
        in = s->shuffled;
    }
    /* deflate (H5Zdeflate.c does deflateInit at the level + deflate with
     * Z_FINISH), with the run-length strategy; a reset stream gives the
     * same bytes as a new one.  The zlib stream is made by hand around
     * raw deflate, so that its Adler-32 is store_adler32's: the header
     * zlib writes for a 32K window, no dictionary and the run-length
     * strategy at any level (FLEVEL 0), the deflate data, the Adler-32
     * of the input, big-endian.  The bytes are zlib's (test_adler32
     * compares them). */
    if (!s->z_ready) {
        memset(&s->z, 0, sizeof s->z);
        if (deflateInit2(&s->z, d->level, Z_DEFLATED, -MAX_WBITS, 8,
                         Z_RLE) != Z_OK)
            return SILK_ENOMEM;
        s->z_ready = true;
    } else if (deflateReset(&s->z) != Z_OK) {
        return SILK_ENOMEM;
    }
    s->deflated[0] = 0x78;
    s->deflated[1] = 0x01;
    s->z.next_in = (Bytef *)(uintptr_t)in;
    s->z.avail_in = (uInt)p->chunk_bytes;
    s->z.next_out = s->deflated + 2;
    /* compressBound less the wrapper: raw deflate's own bound */
    s->z.avail_out = (uInt)(p->bound - 6);
    if (deflate(&s->z, Z_FINISH) != Z_STREAM_END)
        return SILK_ENOMEM;
    size_t stored = p->bound - 4 - s->z.avail_out;
    uint32_t adler = store_adler32(1, in, p->chunk_bytes);
    s->deflated[stored] = (unsigned char)(adler >> 24);
    s->deflated[stored + 1] = (unsigned char)(adler >> 16);
    s->deflated[stored + 2] = (unsigned char)(adler >> 8);
    s->deflated[stored + 3] = (unsigned char)adler;
    stored += 4;
    /* Fletcher-32 over the deflated bytes, appended little-endian */
    uint32_t sum = fletcher32(s->deflated, stored);
    s->deflated[stored] = (unsigned char)sum;
    s->deflated[stored + 1] = (unsigned char)(sum >> 8);
    s->deflated[stored + 2] = (unsigned char)(sum >> 16);
    s->deflated[stored + 3] = (unsigned char)(sum >> 24);
    if (out->cap < stored + 4) {
        unsigned char *grown = realloc(out->bytes, stored + 4);
        if (grown == NULL)
            return SILK_ENOMEM;
        out->bytes = grown;
        out->cap = stored + 4;
    }
    memcpy(out->bytes, s->deflated, stored + 4);
    out->size = stored + 4;
    return SILK_OK;
}

/* The buffers of one thread; false without memory. */
static bool scratch_init(scratch *s, const store_h5_deflater *d)
{
    memset(s, 0, sizeof *s);
    s->raw = malloc(d->raw_max);
    s->shuffled = malloc(d->raw_max);
    s->fill_row = malloc(d->row_max);
    s->deflated = malloc(d->bound_max);
    return s->raw != NULL && s->shuffled != NULL && s->fill_row != NULL &&
           s->deflated != NULL;
}

static void scratch_release(scratch *s)
{
    free(s->raw);
    free(s->shuffled);
    free(s->fill_row);
    free(s->deflated);
    if (s->z_ready)
        deflateEnd(&s->z);
}

/* Compresses the next chunk that has a free slot, if any: returns false
 * when there is none now (or at all).  Called with d->lock held; drops it
 * while compressing. */
static bool compress_next(store_h5_deflater *d, scratch *s)
{
    if (d->failed || d->stop || d->next >= d->n_chunks ||
        d->next >= d->written + d->n_slots)
        return false;
    size_t index = d->next++;
    slot *out = &d->slots[index % d->n_slots];
    pthread_mutex_unlock(&d->lock);
    int status = compress_chunk(d, s, index, out);
    pthread_mutex_lock(&d->lock);
    if (status != SILK_OK)
        d->failed = true;
    else
        out->ready = true;
    pthread_cond_broadcast(&d->changed);
    return true;
}

static void *compress_loop(void *arg)
{
    store_h5_deflater *d = arg;
    scratch s;
    bool ready = scratch_init(&s, d);

    pthread_mutex_lock(&d->lock);
    if (!ready) {
        d->failed = true;
        pthread_cond_broadcast(&d->changed);
    }
    while (!d->failed && !d->stop && d->next < d->n_chunks) {
        if (!compress_next(d, &s))
            pthread_cond_wait(&d->changed, &d->lock);
    }
    pthread_mutex_unlock(&d->lock);
    scratch_release(&s);
    return NULL;
}

static size_t thread_count(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online < 1 ? 1 : online > THREADS_MAX ? THREADS_MAX : (size_t)online;
}

/* A dataset of rank 1 to 3 seen as 3-D: leading axes of extent 1, so
 * that a chunk's 3-D offset ends with its offset in the dataset. */
static bool pad3(int rank, const hsize_t dims[], const hsize_t chunk[],
                 hsize_t dims3[3], hsize_t chunk3[3])
{
    if (rank < 1 || rank > 3)
        return false;
    for (int k = 0; k < 3; k++) {
        int at = k - (3 - rank);
        dims3[k] = at < 0 ? 1 : dims[at];
        chunk3[k] = at < 0 ? 1 : chunk[at];
        if (chunk3[k] == 0)
            return false;
    }
    return true;
}

int store_h5_deflate_start(const store_h5_array *arrays, size_t n, int level,
                           bool ahead, store_h5_deflater **out)
{
    store_h5_deflater *d = calloc(1, sizeof *d);

    *out = NULL;
    if (d == NULL || (d->parts = calloc(n ? n : 1, sizeof *d->parts)) == NULL) {
        free(d);
        return SILK_ENOMEM;
    }
    d->n_parts = n;
    d->level = level;
    for (size_t k = 0; k < n; k++) {
        const store_h5_array *a = &arrays[k];
        part *p = &d->parts[k];
        if (a->elem == 0 ||
            !pad3(a->rank, a->dims, a->chunk, p->dims, p->chunk)) {
            free(d->parts);
            free(d);
            return SILK_EINVAL;
        }
        p->data = a->data;
        p->elem = a->elem;
        p->rank = a->rank;
        p->fill = a->fill;
        p->skip_fill = a->skip_fill;
        p->first = d->n_chunks;
        p->n_chunks = 1;
        for (int i = 0; i < 3; i++) {
            p->grid[i] = (p->dims[i] + p->chunk[i] - 1) / p->chunk[i];
            p->n_chunks *= (size_t)p->grid[i];
        }
        p->chunk_bytes = (size_t)(p->chunk[0] * p->chunk[1] * p->chunk[2]) *
                         p->elem;
        p->bound = compressBound((uLong)p->chunk_bytes); /* as H5Zdeflate.c */
        d->n_chunks += p->n_chunks;
        if (p->chunk_bytes > d->raw_max)
            d->raw_max = p->chunk_bytes;
        if ((size_t)p->chunk[2] * p->elem > d->row_max)
            d->row_max = (size_t)p->chunk[2] * p->elem;
        if (p->bound + 4 > d->bound_max)
            d->bound_max = p->bound + 4;
    }
    d->n_slots = SLOTS;
    if (ahead && d->bound_max > 0 && AHEAD_BYTES / d->bound_max > d->n_slots)
        d->n_slots = AHEAD_BYTES / d->bound_max;
    if (d->n_slots > d->n_chunks)
        d->n_slots = d->n_chunks ? d->n_chunks : 1;
    d->slots = calloc(d->n_slots, sizeof *d->slots);
    if (d->slots == NULL) {
        free(d->parts);
        free(d);
        return SILK_ENOMEM;
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->changed, NULL);
    /* the calling thread compresses too, once it writes */
    for (size_t k = 1; k < thread_count() && k < d->n_chunks; k++)
        if (pthread_create(&d->helpers[d->n_helpers], NULL, compress_loop,
                           d) == 0)
            d->n_helpers++;
    *out = d;
    return SILK_OK;
}

/* Stops the helpers and waits for them. */
static void deflate_stop(store_h5_deflater *d)
{
    pthread_mutex_lock(&d->lock);
    d->stop = true;
    pthread_cond_broadcast(&d->changed);
    pthread_mutex_unlock(&d->lock);
    for (size_t k = 0; k < d->n_helpers; k++)
        pthread_join(d->helpers[k], NULL);
    d->n_helpers = 0;
}

int store_h5_deflate_finish(store_h5_deflater *d, const hid_t *dsets,
                            bool *written)
{
    scratch mine;
    bool can_compress = scratch_init(&mine, d);
    int status = SILK_OK;

    *written = false;
    /* This thread writes the chunks in order and compresses whenever the
     * next one to write is not ready. */
    pthread_mutex_lock(&d->lock);
    if (!can_compress && d->n_helpers == 0)
        d->failed = true;
    while (d->written < d->n_chunks && !d->failed && !d->stop) {
        slot *next = &d->slots[d->written % d->n_slots];
        if (!next->ready) {
            if (!can_compress || !compress_next(d, &mine))
                pthread_cond_wait(&d->changed, &d->lock);
            continue;
        }
        pthread_mutex_unlock(&d->lock);
        const part *p = part_of(d, d->written);
        hsize_t offset[3];
        chunk_at(p->grid, p->chunk, d->written - p->first, offset);
        herr_t rc = next->size == 0
                        ? 0 /* all fill: left unwritten */
                        : H5Dwrite_chunk(dsets[p - d->parts], H5P_DEFAULT, 0,
                                         offset + (3 - p->rank), next->size,
                                         next->bytes);
        pthread_mutex_lock(&d->lock);
        if (rc < 0) {
            d->refused = (size_t)(p - d->parts);
            status = SILK_ESTORE;
            break;
        }
        next->ready = false;
        d->written++;
        pthread_cond_broadcast(&d->changed);
    }
    if (status == SILK_OK && d->written < d->n_chunks)
        status = SILK_ENOMEM;
    pthread_mutex_unlock(&d->lock);
    deflate_stop(d);
    scratch_release(&mine);
    *written = status == SILK_OK;
    return status;
}

size_t store_h5_deflate_refused(const store_h5_deflater *d)
{
    return d->refused;
}

void store_h5_deflate_free(store_h5_deflater *d)
{
    if (d == NULL)
        return;
    deflate_stop(d);
    for (size_t k = 0; k < d->n_slots; k++)
        free(d->slots[k].bytes);
    free(d->slots);
    free(d->parts);
    pthread_cond_destroy(&d->changed);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

int store_h5_write_chunks(hid_t dset, const void *data, size_t elem, int rank,
                          const hsize_t dims[], const hsize_t chunk[],
                          const void *fill, int level, bool *written)
{
    store_h5_array array = {.data = data, .elem = elem, .rank = rank,
                            .fill = fill, .skip_fill = true};
    store_h5_deflater *d = NULL;
    int status;

    *written = false;
    if (rank < 1 || rank > 3)
        return SILK_OK; /* nothing written: H5Dwrite takes it */
    for (int k = 0; k < rank; k++) {
        array.dims[k] = dims[k];
        array.chunk[k] = chunk[k];
    }
    status = store_h5_deflate_start(&array, 1, level, false, &d);
    if (status == SILK_EINVAL)
        return SILK_OK;
    if (status == SILK_OK)
        status = store_h5_deflate_finish(d, &dset, written);
    store_h5_deflate_free(d);
    return status;
}

herr_t store_h5_write_all(hid_t dset, hid_t file_type, hid_t mem_type,
                          const void *data, int rank, const hsize_t dims[],
                          const hsize_t chunk[], const void *fill)
{
    bool written = false;
    if (H5Tequal(file_type, mem_type) > 0) {
        int status = store_h5_write_chunks(dset, data, H5Tget_size(mem_type),
                                           rank, dims, chunk, fill,
                                           DEFLATE_LEVEL, &written);
        if (status == SILK_ESTORE)
            return -1;
        /* out of memory for the threads' buffers: HDF5 writes what is
         * left, overwriting any chunk written already */
        if (written)
            return 0;
    }
    return H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
}

/* ------------------------------------------------------------------ */
/* Copying: chunks moved as stored                                     */
/* ------------------------------------------------------------------ */

/* Whether filter k of have is filter k of want: the same filter, flags
 * and parameters.  Shuffle records the element size (elem) when the
 * dataset is created, so want (not yet used) has none. */
static bool same_filter(hid_t have, hid_t want, unsigned k, size_t elem)
{
    unsigned have_flags = 0, want_flags = 0, config = 0;
    unsigned have_values[8], want_values[8];
    size_t n_have = 8, n_want = 8;
    H5Z_filter_t id = H5Pget_filter2(have, k, &have_flags, &n_have,
                                     have_values, 0, NULL, &config);
    if (id < 0 || id != H5Pget_filter2(want, k, &want_flags, &n_want,
                                       want_values, 0, NULL, &config) ||
        have_flags != want_flags || n_have > 8 || n_want > 8)
        return false;
    if (id == H5Z_FILTER_SHUFFLE)
        return n_want == 0 && n_have == 1 && have_values[0] == elem;
    return n_have == n_want &&
           memcmp(have_values, want_values, n_have * sizeof *have_values) == 0;
}

bool store_h5_same_chunks(hid_t old, hid_t want, hid_t file_type,
                          hid_t mem_type, const void *fill, int rank,
                          const hsize_t dims[])
{
    hsize_t chunk[3], have_dims[3], have_max[3], have_chunk[3];
    hid_t type = -1, space = -1, have = -1;
    size_t elem = H5Tget_size(file_type);
    unsigned char have_fill[ELEM_MAX];
    H5D_fill_value_t fill_status;
    H5D_fill_time_t have_time, want_time;
    H5D_alloc_time_t have_alloc, want_alloc;
    int n_filters;
    bool same = false;

    if (rank < 1 || rank > 3 || elem == 0 || elem > sizeof have_fill ||
        H5Tget_size(mem_type) != elem)
        return false;
    type = H5Dget_type(old);
    space = H5Dget_space(old);
    have = H5Dget_create_plist(old);
    if (type < 0 || space < 0 || have < 0 ||
        H5Tequal(type, file_type) <= 0 ||
        H5Sget_simple_extent_ndims(space) != rank ||
        H5Sget_simple_extent_dims(space, have_dims, have_max) != rank ||
        H5Pget_layout(have) != H5D_CHUNKED ||
        H5Pget_layout(want) != H5D_CHUNKED ||
        H5Pget_chunk(have, rank, have_chunk) != rank ||
        H5Pget_chunk(want, rank, chunk) != rank)
        goto done;
    for (int k = 0; k < rank; k++)
        if (have_dims[k] != dims[k] || have_max[k] != H5S_UNLIMITED ||
            have_chunk[k] != chunk[k])
            goto done;
    n_filters = H5Pget_nfilters(have);
    if (n_filters < 0 || n_filters != H5Pget_nfilters(want))
        goto done;
    for (int k = 0; k < n_filters; k++)
        if (!same_filter(have, want, (unsigned)k, elem))
            goto done;
    if (H5Pfill_value_defined(have, &fill_status) < 0 ||
        fill_status != H5D_FILL_VALUE_USER_DEFINED ||
        H5Pget_fill_value(have, mem_type, have_fill) < 0 ||
        memcmp(have_fill, fill, elem) != 0 ||
        H5Pget_fill_time(have, &have_time) < 0 ||
        H5Pget_fill_time(want, &want_time) < 0 || have_time != want_time ||
        H5Pget_alloc_time(have, &have_alloc) < 0 ||
        H5Pget_alloc_time(want, &want_alloc) < 0 || have_alloc != want_alloc)
        goto done;
    same = true;
done:
    if (have >= 0)
        H5Pclose(have);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return same;
}

int store_h5_copy_chunks(hid_t from, hid_t to, int rank, const hsize_t dims[],
                         const hsize_t chunk[])
{
    hsize_t dims3[3], chunk3[3], grid[3], offset[3];
    size_t n_chunks = 1, cap = 0;
    unsigned char *bytes = NULL;
    int status = SILK_OK;

    if (!pad3(rank, dims, chunk, dims3, chunk3))
        return SILK_ESTORE;
    for (int k = 0; k < 3; k++) {
        grid[k] = (dims3[k] + chunk3[k] - 1) / chunk3[k];
        n_chunks *= (size_t)grid[k];
    }
    /* In chunk order, as store_h5_write_chunks writes them, so the new
     * file holds them in the same order as a rewrite would. */
    for (size_t index = 0; index < n_chunks; index++) {
        const hsize_t *at = offset + (3 - rank);
        hsize_t size = 0;
        uint32_t filters = 0;

        chunk_at(grid, chunk3, index, offset);
        /* As read_raw: the fast lookup first; the walk of the index only
         * for a chunk it does not find, which stays unwritten (its cells
         * read as the fill value in both files). */
        if (H5Dget_chunk_storage_size(from, at, &size) < 0 || size == 0) {
            unsigned mask = 0;
            haddr_t addr = 0;
            size = 0;
            if (H5Dget_chunk_info_by_coord(from, at, &mask, &addr, &size) <
                0) {
                status = SILK_ESTORE;
                break;
            }
            if (size == 0)
                continue;
        }
        if (size > cap) {
            unsigned char *grown = realloc(bytes, (size_t)size);
            if (grown == NULL) {
                status = SILK_ENOMEM;
                break;
            }
            bytes = grown;
            cap = (size_t)size;
        }
        /* the filter mask goes along: a chunk that skipped an optional
         * filter is still read as it was */
        if (H5Dread_chunk(from, H5P_DEFAULT, at, &filters, bytes) < 0 ||
            H5Dwrite_chunk(to, H5P_DEFAULT, filters, at, (size_t)size,
                           bytes) < 0) {
            status = SILK_ESTORE;
            break;
        }
    }
    free(bytes);
    return status;
}

/* ------------------------------------------------------------------ */
/* Reading: the same filters undone on several threads                 */
/* ------------------------------------------------------------------ */

/* Largest chunk read here: zlib counts in 32-bit lengths, and silkstat's
 * chunks stay under 1 MiB (CHUNK_BYTES_MAX). */
#define READ_CHUNK_MAX ((size_t)1 << 30)

typedef enum slot_state { SLOT_FREE, SLOT_READ, SLOT_BUSY } slot_state;

/* A chunk as HDF5 stored it, on its way from the reader to a decoder. */
typedef struct raw_slot {
    unsigned char *bytes; /* deflated, then the checksum */
    size_t size, cap;
    bool missing; /* never written: the fill value */
    slot_state state;
} raw_slot;

/* Why a chunk could not be decoded: each is an error of the file, but
 * for BAD_MEMORY, which hands the dataset back to H5Dread. */
typedef enum bad_chunk {
    BAD_NONE,
    BAD_CHECKSUM,
    BAD_INFLATE,
    BAD_SIZE,
    BAD_MEMORY
} bad_chunk;

typedef struct read_job {
    unsigned char *out;           /* C order, elem bytes per element */
    size_t elem;
    hsize_t dims[3], chunk[3], grid[3];
    unsigned char fill[ELEM_MAX]; /* one element */
    size_t chunk_bytes, n_chunks;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t n_read;    /* chunks read into slots (by the calling thread) */
    size_t n_missing; /* of those, never written */
    size_t next;      /* the next chunk to decode */
    size_t decoded;   /* chunks placed in out */
    bad_chunk bad;    /* the first failure, at chunk bad_index */
    size_t bad_index;
    bool stop;        /* the reader gave up */
    raw_slot slots[SLOTS];
} read_job;

/* One decoder's buffers and inflate stream, kept across chunks. */
typedef struct read_scratch {
    unsigned char *inflated, *plain;
    z_stream z;
    bool z_ready;
} read_scratch;

static bool read_scratch_init(read_scratch *s, const read_job *j)
{
    memset(s, 0, sizeof *s);
    s->inflated = malloc(j->chunk_bytes);
    s->plain = malloc(j->chunk_bytes);
    if (s->inflated == NULL || s->plain == NULL)
        return false;
    if (inflateInit(&s->z) != Z_OK)
        return false;
    s->z_ready = true;
    /* No Adler-32: the Fletcher-32 checked first covers the same bytes,
     * so the zlib check proves nothing more, and it costs a tenth of
     * reading a store.  (inflateReset keeps the setting.) */
    if (inflateValidate(&s->z, 0) != Z_OK)
        return false;
    return true;
}

static void read_scratch_release(read_scratch *s)
{
    free(s->inflated);
    free(s->plain);
    if (s->z_ready)
        inflateEnd(&s->z);
}

/* Whether a box of extents `inside` at the start of an array of `shape`
 * (or anywhere in it) is one run in C order: every axis after the first
 * one longer than 1 is whole. */
static bool one_run(const hsize_t inside[3], const hsize_t shape[3])
{
    bool flat = true; /* every axis so far has extent 1 */
    for (int k = 0; k < 3; k++) {
        if (!flat && inside[k] != shape[k])
            return false;
        flat = flat && inside[k] == 1;
    }
    return true;
}

/* Copies the part of a chunk inside the dataset (C order, chunk[]
 * extents; NULL for the fill value) to its place in out. */
static void place(const read_job *j, const hsize_t offset[3],
                  const hsize_t inside[3], const unsigned char *plain)
{
    size_t e = j->elem, row = (size_t)inside[2] * e;
    for (hsize_t a = 0; a < inside[0]; a++)
        for (hsize_t b = 0; b < inside[1]; b++) {
            unsigned char *to =
                j->out + (size_t)(((offset[0] + a) * j->dims[1] + offset[1] +
                                   b) * j->dims[2] + offset[2]) * e;
            if (plain != NULL)
                memcpy(to, plain + (size_t)((a * j->chunk[1] + b) *
                                            j->chunk[2]) * e, row);
            else
                for (size_t at = 0; at < row; at += e)
                    memcpy(to + at, j->fill, e);
        }
}

/* Undoes the filters of one chunk in HDF5's order (H5Z_pipeline on read:
 * the last filter first) and places it in out. */
static bad_chunk decode_chunk(const read_job *j, read_scratch *s,
                              const raw_slot *raw, size_t index)
{
    hsize_t offset[3], inside[3];
    size_t e = j->elem, n = j->chunk_bytes / e;

    chunk_at(j->grid, j->chunk, index, offset);
    for (int k = 0; k < 3; k++) {
        hsize_t left = j->dims[k] - offset[k];
        inside[k] = left < j->chunk[k] ? left : j->chunk[k];
    }
    if (raw->missing) {
        place(j, offset, inside, NULL);
        return BAD_NONE;
    }

    /* Fletcher-32 (H5Zfletcher32.c): the sum of all but the last four
     * bytes against those four, read little-endian.  HDF5 also accepts
     * the sum with the bytes of each 16-bit half swapped (what versions
     * before 1.6.3 wrote on little-endian machines), built from the
     * sum's bytes in memory as it does; so do we, and nothing else. */
    if (raw->size < 4)
        return BAD_CHECKSUM;
    size_t stored = raw->size - 4;
    const unsigned char *tail = raw->bytes + stored;
    uint32_t expected = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 |
                        (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
    uint32_t sum = fletcher32(raw->bytes, stored), reversed;
    unsigned char c[4], t;
    memcpy(c, &sum, 4);
    t = c[1];
    c[1] = c[0];
    c[0] = t;
    t = c[3];
    c[3] = c[2];
    c[2] = t;
    memcpy(&reversed, c, 4);
    if (expected != sum && expected != reversed)
        return BAD_CHECKSUM;

    /* deflate (H5Zdeflate.c): one zlib stream, inflated whole; a chunk
     * must come out at exactly its size. */
    if (inflateReset(&s->z) != Z_OK)
        return BAD_MEMORY;
    s->z.next_in = raw->bytes;
    s->z.avail_in = (uInt)stored;
    s->z.next_out = s->inflated;
    s->z.avail_out = (uInt)j->chunk_bytes;
    int rc = inflate(&s->z, Z_FINISH);
    if (rc == Z_MEM_ERROR)
        return BAD_MEMORY;
    if (rc == Z_STREAM_END ? s->z.total_out != j->chunk_bytes
                           : rc == Z_BUF_ERROR && s->z.avail_out == 0)
        return BAD_SIZE;
    if (rc != Z_STREAM_END)
        return BAD_INFLATE;

    /* shuffle (H5Zshuffle.c), straight into out when the part inside the
     * dataset is one run both in the chunk and in out (all but the edge
     * chunks of a [1][w][n_p] layout), else through plain */
    bool direct = one_run(inside, j->chunk) && one_run(inside, j->dims);
    size_t m = direct ? (size_t)(inside[0] * inside[1] * inside[2]) : n;
    unsigned char *to =
        direct ? j->out + (size_t)((offset[0] * j->dims[1] + offset[1]) *
                                       j->dims[2] + offset[2]) * e
               : s->plain;
    if (e > 1 && n > 1)
        unshuffle(to, s->inflated, e, n, m);
    else
        memcpy(to, s->inflated, m * e);
    if (!direct)
        place(j, offset, inside, s->plain);
    return BAD_NONE;
}

/* Decodes the next chunk read and not yet taken, if any: false when
 * there is none now.  Called with j->lock held; drops it while
 * decoding. */
static bool decode_next(read_job *j, read_scratch *s)
{
    if (j->bad != BAD_NONE || j->stop || j->next >= j->n_read)
        return false;
    size_t index = j->next++;
    raw_slot *raw = &j->slots[index % SLOTS];
    raw->state = SLOT_BUSY;
    pthread_mutex_unlock(&j->lock);
    bad_chunk bad = decode_chunk(j, s, raw, index);
    pthread_mutex_lock(&j->lock);
    raw->state = SLOT_FREE;
    j->decoded++;
    if (bad != BAD_NONE && j->bad == BAD_NONE) {
        j->bad = bad;
        j->bad_index = index;
    }
    pthread_cond_broadcast(&j->changed);
    return true;
}

static void *decode_loop(void *arg)
{
    read_job *j = arg;
    read_scratch s;
    bool ready = read_scratch_init(&s, j);

    pthread_mutex_lock(&j->lock);
    /* without buffers this thread just does not help */
    while (ready && !j->stop && j->bad == BAD_NONE && j->next < j->n_chunks)
        if (!decode_next(j, &s))
            pthread_cond_wait(&j->changed, &j->lock);
    pthread_mutex_unlock(&j->lock);
    read_scratch_release(&s);
    return NULL;
}

/* Whether this file reads dset: a 3-D chunked dataset whose filters are
 * exactly shuffle (of elements of the type's size), deflate and
 * Fletcher-32, whose type in the file is mem_type itself (so no
 * conversion: same size, same byte order), and whose unwritten chunks
 * read as a fill value H5Dread would give.  Fills in the geometry; any
 * HDF5 failure just means no (H5Dread reports it). */
static bool readable(hid_t dset, hid_t mem_type, read_job *j)
{
    static const H5Z_filter_t pipeline[3] = {
        H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32};
    hid_t dcpl = -1, type = -1, space = -1, file = -1;
    unsigned intent = 0;
    bool ok = false;

    /* Chunks written through this handle may still sit in HDF5's chunk
     * cache, where the chunk index does not see them (1.10.8's
     * H5Dget_chunk_storage_size says 0 for one): write them out first.
     * A store opened for reading has none. */
    file = H5Iget_file_id(dset);
    if (file < 0 || H5Fget_intent(file, &intent) < 0 ||
        ((intent & H5F_ACC_RDWR) && H5Dflush(dset) < 0))
        goto done;
    dcpl = H5Dget_create_plist(dset);
    type = H5Dget_type(dset);
    space = H5Dget_space(dset);
    if (dcpl < 0 || type < 0 || space < 0 || H5Tequal(type, mem_type) <= 0)
        goto done;
    j->elem = H5Tget_size(mem_type);
    if (j->elem == 0 || j->elem > ELEM_MAX ||
        H5Sget_simple_extent_ndims(space) != 3 ||
        H5Sget_simple_extent_dims(space, j->dims, NULL) < 0 ||
        H5Pget_layout(dcpl) != H5D_CHUNKED ||
        H5Pget_chunk(dcpl, 3, j->chunk) != 3 || H5Pget_nfilters(dcpl) != 3)
        goto done;
    for (unsigned k = 0; k < 3; k++) {
        unsigned flags = 0, config = 0, values[8];
        size_t n_values = sizeof values / sizeof values[0];
        if (H5Pget_filter2(dcpl, k, &flags, &n_values, values, 0, NULL,
                           &config) != pipeline[k])
            goto done;
        /* shuffle undoes elements of the size it recorded at creation */
        if (k == 0 && (n_values < 1 || values[0] != j->elem))
            goto done;
    }
    /* Unwritten chunks: H5Dread fills them when the fill value is set by
     * the user (fill time "if set") or always allocated; otherwise it
     * may leave the buffer as it was, which no copy can match. */
    H5D_fill_value_t fill_status;
    H5D_fill_time_t fill_time;
    if (H5Pfill_value_defined(dcpl, &fill_status) < 0 ||
        H5Pget_fill_time(dcpl, &fill_time) < 0)
        goto done;
    if (!(fill_status == H5D_FILL_VALUE_USER_DEFINED &&
          fill_time != H5D_FILL_TIME_NEVER) &&
        !(fill_status == H5D_FILL_VALUE_DEFAULT &&
          fill_time == H5D_FILL_TIME_ALLOC))
        goto done;
    if (H5Pget_fill_value(dcpl, mem_type, j->fill) < 0)
        goto done;
    ok = true;
done:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (file >= 0)
        H5Fclose(file);
    return ok;
}

/* Whether the chunk index holds exactly the chunks found (all but
 * n_missing): a chunk taken for unwritten must really be, or the fill
 * value would stand in for data.  Asked only when some chunk was
 * missing (never in a store silkstat wrote: it writes every chunk). */
static bool missing_confirmed(hid_t dset, size_t n_chunks, size_t n_missing)
{
    hsize_t allocated = 0;
    /* 1.10's H5Dget_num_chunks mishandles H5S_ALL: pass the space */
    hid_t space = H5Dget_space(dset);
    bool ok = space >= 0 && H5Dget_num_chunks(dset, space, &allocated) >= 0 &&
              allocated == n_chunks - n_missing;
    if (space >= 0)
        H5Sclose(space);
    return ok;
}

/* Reads chunk `offset` into raw: its stored bytes, or missing.  False
 * in *usable when the chunk skipped a filter or is larger than any
 * deflated chunk (H5Dread takes the dataset then).  SILK_ESTORE when
 * HDF5 fails, its error stack left for store_h5_fail. */
static int read_raw(hid_t dset, const hsize_t offset[3], size_t limit,
                    raw_slot *raw, bool *usable)
{
    hsize_t size = 0;
    uint32_t filters = 0;

    raw->missing = false;
    raw->size = 0;
    /* H5Dget_chunk_storage_size is a lookup in the chunk index;
     * H5Dget_chunk_info_by_coord walks the whole index in 1.10.8 (8 us a
     * chunk against 0.5 on the bench store), so it is asked only when the
     * first fails (a chunk never written, when others are) or says 0
     * (none written at all). */
    if (H5Dget_chunk_storage_size(dset, offset, &size) < 0 || size == 0) {
        unsigned mask = 0;
        haddr_t addr = 0;
        size = 0;
        if (H5Dget_chunk_info_by_coord(dset, offset, &mask, &addr, &size) < 0)
            return SILK_ESTORE;
        if (size == 0) {
            raw->missing = true;
            return SILK_OK;
        }
    }
    if (size > limit) {
        *usable = false;
        return SILK_OK;
    }
    if (size > raw->cap) {
        unsigned char *grown = realloc(raw->bytes, (size_t)size);
        if (grown == NULL) {
            *usable = false;
            return SILK_OK;
        }
        raw->bytes = grown;
        raw->cap = (size_t)size;
    }
    if (H5Dread_chunk(dset, H5P_DEFAULT, offset, &filters, raw->bytes) < 0)
        return SILK_ESTORE;
    /* a filter skipped for this chunk (bit k: filter k of the pipeline) */
    if (filters != 0)
        *usable = false;
    raw->size = (size_t)size;
    return SILK_OK;
}

int store_h5_read_chunks(hid_t dset, hid_t mem_type, void *out,
                         const char *path, const char *where, bool *done,
                         silk_error *err)
{
    read_job j;
    read_scratch mine;
    pthread_t helpers[THREADS_MAX];
    size_t n_helpers = 0, limit;
    hsize_t at[3];
    bool usable = true;
    int status = SILK_OK;

    *done = false;
    memset(&j, 0, sizeof j);
    memset(&mine, 0, sizeof mine);
    if (!readable(dset, mem_type, &j))
        return SILK_OK;
    j.out = out;
    j.n_chunks = 1;
    for (int k = 0; k < 3; k++) {
        if (j.chunk[k] == 0)
            return SILK_OK;
        j.grid[k] = (j.dims[k] + j.chunk[k] - 1) / j.chunk[k];
        j.n_chunks *= (size_t)j.grid[k];
    }
    if (j.n_chunks == 0) {
        *done = true;
        return SILK_OK;
    }
    j.chunk_bytes = (size_t)(j.chunk[0] * j.chunk[1] * j.chunk[2]) * j.elem;
    if (j.chunk_bytes > READ_CHUNK_MAX)
        return SILK_OK;
    /* H5Zdeflate.c gives a chunk at most 1.001 times its size + 12 bytes
     * (then 4 of checksum): anything larger is no chunk of ours */
    limit = j.chunk_bytes + j.chunk_bytes / 500 + 64;
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.changed, NULL);
    if (!read_scratch_init(&mine, &j)) {
        usable = false;
        goto done;
    }
    for (size_t k = 1; k < thread_count() && k < j.n_chunks; k++)
        if (pthread_create(&helpers[n_helpers], NULL, decode_loop, &j) == 0)
            n_helpers++;

    /* This thread reads the chunks in order (HDF5 is called from one
     * thread only) into free slots, and decodes whenever it cannot read. */
    pthread_mutex_lock(&j.lock);
    while (j.decoded < j.n_chunks && j.bad == BAD_NONE) {
        raw_slot *raw = &j.slots[j.n_read % SLOTS];
        if (j.n_read < j.n_chunks && raw->state == SLOT_FREE) {
            hsize_t offset[3];
            pthread_mutex_unlock(&j.lock);
            chunk_at(j.grid, j.chunk, j.n_read, offset);
            status = read_raw(dset, offset, limit, raw, &usable);
            if (status != SILK_OK)
                status = store_h5_fail(err, path, "cannot read '%s'", where);
            pthread_mutex_lock(&j.lock);
            if (status != SILK_OK || !usable)
                break;
            raw->state = SLOT_READ;
            j.n_missing += raw->missing;
            j.n_read++;
            pthread_cond_broadcast(&j.changed);
        } else if (!decode_next(&j, &mine)) {
            pthread_cond_wait(&j.changed, &j.lock);
        }
    }
    j.stop = true;
    pthread_cond_broadcast(&j.changed);
    pthread_mutex_unlock(&j.lock);
    for (size_t k = 0; k < n_helpers; k++)
        pthread_join(helpers[k], NULL);
    if (status != SILK_OK || !usable)
        goto done;
    if (j.bad == BAD_NONE && j.n_missing > 0 &&
        !missing_confirmed(dset, j.n_chunks, j.n_missing))
        goto done;

    /* The messages H5Dread would give, after the same "cannot read". */
    chunk_at(j.grid, j.chunk, j.bad_index, at);
    switch (j.bad) {
    case BAD_NONE:
        *done = true;
        break;
    case BAD_MEMORY:
        break;
    case BAD_CHECKSUM:
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': cannot read '%s': data error "
                                "detected by Fletcher32 checksum", path, where);
        break;
    case BAD_INFLATE:
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': cannot read '%s': inflate() "
                                "failed", path, where);
        break;
    case BAD_SIZE:
        status = silk_error_set(err, SILK_ESTORE,
                                "store '%s': cannot read '%s': the chunk at "
                                "[%llu][%llu][%llu] does not inflate to %zu "
                                "bytes", path, where,
                                (unsigned long long)at[0],
                                (unsigned long long)at[1],
                                (unsigned long long)at[2], j.chunk_bytes);
        break;
    }
done:
    read_scratch_release(&mine);
    for (size_t k = 0; k < SLOTS; k++)
        free(j.slots[k].bytes);
    pthread_cond_destroy(&j.changed);
    pthread_mutex_destroy(&j.lock);
    return status;
}
