/*
 * digest.c: a file's SHA-256 on a thread of its own (see digest.h).
 *
 * The thread reads the file again, by pread on its own descriptor, rather
 * than taking the parser's blocks: the blocks would have to be kept until
 * it caught up, and the pages are in the cache since the parse read them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/digest.h"

/* As the reader's blocks: the read costs little beside the hash. */
#define DIGEST_BLOCK (256 * 1024)

struct silk_digest {
    char *path;
    int fd; /* -1 once the hash is done, or for a ready digest */
    pthread_t thread;
    bool threaded; /* a thread to join */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool go;           /* under lock */
    atomic_bool stop;  /* silk_digest_free: give up */
    bool done;         /* hex, hashed and error are final */
    bool known;        /* silk_digest_ready's: no length to check */
    int error;         /* errno of a failed read, or 0 */
    uint64_t hashed;   /* bytes hashed */
    char hex[65];
};

/* The whole file into d (on the thread, or on the caller's). */
static void hash_file(silk_digest *d)
{
    unsigned char *block = malloc(DIGEST_BLOCK);
    silk_sha256 sha;
    ssize_t got;

    if (block == NULL) {
        d->error = ENOMEM;
        return;
    }
    silk_sha256_init(&sha);
    for (;;) {
        if (atomic_load(&d->stop))
            break;
        do
            got = pread(d->fd, block, DIGEST_BLOCK, (off_t)d->hashed);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            d->error = errno;
        if (got <= 0)
            break;
        silk_sha256_update(&sha, block, (size_t)got);
        d->hashed += (uint64_t)got;
    }
    silk_sha256_final(&sha, d->hex);
    free(block);
}

static void *digest_loop(void *arg)
{
    silk_digest *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->go && !atomic_load(&d->stop))
        pthread_cond_wait(&d->wake, &d->lock);
    pthread_mutex_unlock(&d->lock);
    hash_file(d);
    return NULL;
}

static silk_digest *digest_alloc(const char *path)
{
    silk_digest *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->path = strdup(path);
    if (d->path == NULL) {
        free(d);
        return NULL;
    }
    d->fd = -1;
    atomic_init(&d->stop, false);
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    return d;
}

int silk_digest_start(int fd, const char *path, silk_digest **out,
                      silk_error *err)
{
    silk_digest *d = digest_alloc(path);

    *out = NULL;
    if (d == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    d->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (d->fd < 0) {
        int e = errno;
        silk_digest_free(d);
        return silk_error_set(err, SILK_EIO, "cannot read '%s': %s", path,
                              strerror(e));
    }
    d->threaded = pthread_create(&d->thread, NULL, digest_loop, d) == 0;
    *out = d;
    return SILK_OK;
}

int silk_digest_ready(const char hex[65], silk_digest **out, silk_error *err)
{
    silk_digest *d = digest_alloc("");

    *out = NULL;
    if (d == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    memcpy(d->hex, hex, 65);
    d->hex[64] = '\0';
    d->done = d->known = true;
    *out = d;
    return SILK_OK;
}

void silk_digest_go(silk_digest *d)
{
    pthread_mutex_lock(&d->lock);
    d->go = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
}

/* Ends the thread (or does its work) and closes the file: the result is
 * final. */
static void settle(silk_digest *d)
{
    if (d->done)
        return;
    if (d->threaded) {
        silk_digest_go(d);
        pthread_join(d->thread, NULL);
        d->threaded = false;
    } else if (!atomic_load(&d->stop)) {
        hash_file(d);
    }
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    d->done = true;
}

int silk_digest_finish(silk_digest *d, uint64_t bytes, char hex[65],
                       silk_error *err)
{
    settle(d);
    if (d->error == ENOMEM)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (d->error != 0)
        return silk_error_set(err, SILK_EIO, "cannot read '%s': %s",
                              d->path, strerror(d->error));
    if (!d->known && d->hashed != bytes)
        return silk_error_set(err, SILK_EIO,
                              "'%s' changed while it was read; expected "
                              "the file to stay as it is during an ingest",
                              d->path);
    memcpy(hex, d->hex, 65);
    return SILK_OK;
}

void silk_digest_free(silk_digest *d)
{
    if (d == NULL)
        return;
    atomic_store(&d->stop, true);
    settle(d);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d->path);
    free(d);
}
