/*
 * chunks_h5.c: writes a whole chunked dataset with its filters run on
 * several threads.
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
 * changes.  A separate file because it is the one place that knows the
 * filters' byte formats (and the only user of zlib).
 */
#include "store/chunks_h5.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Compressed chunks waiting to be written: enough to keep every thread
 * busy while the writer catches up, and a bound on memory. */
#define SLOTS 16
#define THREADS_MAX 4

typedef struct slot {
    unsigned char *bytes; /* the chunk as stored: deflated, then checksum */
    size_t size;
    bool ready;
} slot;

typedef struct job {
    const unsigned char *data;
    size_t elem;                  /* bytes per element */
    hsize_t dims[3], chunk[3], grid[3];
    const unsigned char *fill;    /* one element */
    int level;
    size_t chunk_bytes, bound;    /* raw and compressBound sizes */
    size_t n_chunks;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next;    /* the next chunk to compress */
    size_t written; /* chunks handed to HDF5 */
    bool failed;    /* a thread ran out of memory */
    bool stop;      /* the writer gave up */
    slot slots[SLOTS];
} job;

/* One thread's buffers and deflate stream, kept across chunks. */
typedef struct scratch {
    unsigned char *raw, *shuffled;
    unsigned char *fill_row; /* chunk[2] fill values, for padding */
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

/* out[k * n + i] = in[i * e + k]: byte k of element i.  Blocks of 8
 * (doubles) or 4 (uint32) elements are transposed as byte matrices in
 * registers, three (two) rounds of masked swaps, about ten times faster
 * than a byte loop; the rest byte by byte.  The swaps assume bytes in
 * little-endian order within a word. */
static void shuffle(unsigned char *out, const unsigned char *in, size_t e,
                    size_t n)
{
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (e == 8) {
        for (; i + 8 <= n; i += 8) {
            uint64_t x[8], t;
            memcpy(x, in + i * 8, sizeof x);
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
            for (int k = 0; k < 8; k++)
                memcpy(out + k * n + i, &x[k], 8);
        }
    } else if (e == 4) {
        for (; i + 4 <= n; i += 4) {
            uint32_t x[4], t;
            memcpy(x, in + i * 4, sizeof x);
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
            for (int k = 0; k < 4; k++)
                memcpy(out + k * n + i, &x[k], 4);
        }
    }
#endif
    for (; i < n; i++)
        for (size_t k = 0; k < e; k++)
            out[k * n + i] = in[i * e + k];
}

static void chunk_offset(const job *j, size_t index, hsize_t offset[3])
{
    offset[2] = (index % j->grid[2]) * j->chunk[2];
    index /= j->grid[2];
    offset[1] = (index % j->grid[1]) * j->chunk[1];
    offset[0] = (index / j->grid[1]) * j->chunk[0];
}

/* Chunk `index` as stored, into out (j->bound + 4 bytes); its size. */
static int compress_chunk(const job *j, scratch *s, size_t index,
                          unsigned char *out, size_t *size)
{
    hsize_t offset[3];
    size_t e = j->elem, row = (size_t)j->chunk[2] * e, at = 0;
    size_t n = j->chunk_bytes / e;

    chunk_offset(j, index, offset);
    /* the chunk in C order; outside the dataset, the fill value */
    for (hsize_t a = 0; a < j->chunk[0]; a++)
        for (hsize_t b = 0; b < j->chunk[1]; b++, at += row) {
            hsize_t o = offset[0] + a, d = offset[1] + b;
            size_t inside = 0;
            if (o < j->dims[0] && d < j->dims[1] && offset[2] < j->dims[2]) {
                hsize_t left = j->dims[2] - offset[2];
                inside = (size_t)(left < j->chunk[2] ? left : j->chunk[2]);
                memcpy(s->raw + at,
                       j->data + (size_t)((o * j->dims[1] + d) * j->dims[2] +
                                          offset[2]) * e,
                       inside * e);
            }
            if (inside < (size_t)j->chunk[2])
                memcpy(s->raw + at + inside * e, s->fill_row,
                       ((size_t)j->chunk[2] - inside) * e);
        }
    /* shuffle (H5Zshuffle.c): byte k of every element, then byte k + 1;
     * one element is left as it is */
    const unsigned char *in = s->raw;
    if (e > 1 && n > 1) {
        shuffle(s->shuffled, s->raw, e, n);
        in = s->shuffled;
    }
    /* deflate (H5Zdeflate.c): compress2 at the level, which is deflateInit
     * + deflate(Z_FINISH); a reset stream gives the same bytes */
    if (!s->z_ready) {
        memset(&s->z, 0, sizeof s->z);
        if (deflateInit(&s->z, j->level) != Z_OK)
            return SILK_ENOMEM;
        s->z_ready = true;
    } else if (deflateReset(&s->z) != Z_OK) {
        return SILK_ENOMEM;
    }
    s->z.next_in = (Bytef *)(uintptr_t)in;
    s->z.avail_in = (uInt)j->chunk_bytes;
    s->z.next_out = out;
    s->z.avail_out = (uInt)j->bound;
    if (deflate(&s->z, Z_FINISH) != Z_STREAM_END)
        return SILK_ENOMEM;
    size_t stored = j->bound - s->z.avail_out;
    /* Fletcher-32 over the deflated bytes, appended little-endian */
    uint32_t sum = fletcher32(out, stored);
    out[stored] = (unsigned char)sum;
    out[stored + 1] = (unsigned char)(sum >> 8);
    out[stored + 2] = (unsigned char)(sum >> 16);
    out[stored + 3] = (unsigned char)(sum >> 24);
    *size = stored + 4;
    return SILK_OK;
}

/* The buffers of one thread; false without memory. */
static bool scratch_init(scratch *s, const job *j)
{
    memset(s, 0, sizeof *s);
    s->raw = malloc(j->chunk_bytes);
    s->shuffled = malloc(j->chunk_bytes);
    s->fill_row = malloc((size_t)j->chunk[2] * j->elem);
    if (s->raw == NULL || s->shuffled == NULL || s->fill_row == NULL)
        return false;
    for (size_t k = 0; k < (size_t)j->chunk[2]; k++)
        memcpy(s->fill_row + k * j->elem, j->fill, j->elem);
    return true;
}

static void scratch_release(scratch *s)
{
    free(s->raw);
    free(s->shuffled);
    free(s->fill_row);
    if (s->z_ready)
        deflateEnd(&s->z);
}

/* Compresses the next chunk that has a free slot, if any: returns false
 * when there is none now (or at all).  Called with j->lock held; drops it
 * while compressing. */
static bool compress_next(job *j, scratch *s)
{
    if (j->failed || j->stop || j->next >= j->n_chunks ||
        j->next >= j->written + SLOTS)
        return false;
    size_t index = j->next++;
    slot *out = &j->slots[index % SLOTS];
    pthread_mutex_unlock(&j->lock);
    int status = compress_chunk(j, s, index, out->bytes, &out->size);
    pthread_mutex_lock(&j->lock);
    if (status != SILK_OK)
        j->failed = true;
    else
        out->ready = true;
    pthread_cond_broadcast(&j->changed);
    return true;
}

static void *compress_loop(void *arg)
{
    job *j = arg;
    scratch s;
    bool ready = scratch_init(&s, j);

    pthread_mutex_lock(&j->lock);
    if (!ready) {
        j->failed = true;
        pthread_cond_broadcast(&j->changed);
    }
    while (!j->failed && !j->stop && j->next < j->n_chunks) {
        if (!compress_next(j, &s))
            pthread_cond_wait(&j->changed, &j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    scratch_release(&s);
    return NULL;
}

static size_t thread_count(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online < 1 ? 1 : online > THREADS_MAX ? THREADS_MAX : (size_t)online;
}

int store_h5_write_chunks(hid_t dset, const void *data, size_t elem,
                          const hsize_t dims[3], const hsize_t chunk[3],
                          const void *fill, int level, bool *written)
{
    job j;
    scratch mine;
    pthread_t helpers[THREADS_MAX];
    size_t n_helpers = 0;
    int status = SILK_OK;

    *written = false;
    memset(&j, 0, sizeof j);
    j.data = data;
    j.elem = elem;
    j.fill = fill;
    j.level = level;
    j.n_chunks = 1;
    for (int k = 0; k < 3; k++) {
        j.dims[k] = dims[k];
        j.chunk[k] = chunk[k];
        j.grid[k] = (dims[k] + chunk[k] - 1) / chunk[k];
        j.n_chunks *= (size_t)j.grid[k];
    }
    j.chunk_bytes = (size_t)(chunk[0] * chunk[1] * chunk[2]) * elem;
    j.bound = compressBound((uLong)j.chunk_bytes); /* as H5Zdeflate.c */
    if (j.n_chunks == 0)
        return SILK_OK;
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.changed, NULL);
    if (!scratch_init(&mine, &j))
        status = SILK_ENOMEM;
    for (size_t k = 0; k < SLOTS; k++)
        if ((j.slots[k].bytes = malloc(j.bound + 4)) == NULL)
            status = SILK_ENOMEM;
    if (status != SILK_OK)
        goto done;
    for (size_t k = 1; k < thread_count(); k++)
        if (pthread_create(&helpers[n_helpers], NULL, compress_loop, &j) == 0)
            n_helpers++;

    /* This thread writes the chunks in order and compresses whenever the
     * next one to write is not ready. */
    pthread_mutex_lock(&j.lock);
    while (j.written < j.n_chunks && !j.failed) {
        slot *next = &j.slots[j.written % SLOTS];
        if (!next->ready) {
            if (!compress_next(&j, &mine))
                pthread_cond_wait(&j.changed, &j.lock);
            continue;
        }
        pthread_mutex_unlock(&j.lock);
        hsize_t offset[3];
        chunk_offset(&j, j.written, offset);
        herr_t rc = H5Dwrite_chunk(dset, H5P_DEFAULT, 0, offset, next->size,
                                   next->bytes);
        pthread_mutex_lock(&j.lock);
        if (rc < 0) {
            status = SILK_ESTORE;
            break;
        }
        next->ready = false;
        j.written++;
        pthread_cond_broadcast(&j.changed);
    }
    if (status == SILK_OK && j.failed)
        status = SILK_ENOMEM;
    j.stop = true;
    pthread_cond_broadcast(&j.changed);
    pthread_mutex_unlock(&j.lock);
    for (size_t k = 0; k < n_helpers; k++)
        pthread_join(helpers[k], NULL);
    *written = status == SILK_OK;

done:
    scratch_release(&mine);
    for (size_t k = 0; k < SLOTS; k++)
        free(j.slots[k].bytes);
    pthread_cond_destroy(&j.changed);
    pthread_mutex_destroy(&j.lock);
    return status;
}
