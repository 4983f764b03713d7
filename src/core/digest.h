/*
 * digest.h: a file's SHA-256 computed on a thread of its own, for the
 * provenance record of an ingested file (internal: not in silkstat.h).
 *
 * The digest is needed only when the store is written, after the cubes:
 * a reader that parses in parts on every core starts the digest when the
 * last part is taken (silk_digest_go), and the commit waits for it at the
 * end (silk_digest_finish), so hashing runs beside the last parts and the
 * commit instead of delaying the parse.
 */
#ifndef SILK_CORE_DIGEST_H
#define SILK_CORE_DIGEST_H

#include <stdint.h>

#include "silkstat.h"

typedef struct silk_digest silk_digest;

/* A digest of the file open as fd (duplicated: the caller may close its
 * own), named path in messages.  Its thread reads nothing before
 * silk_digest_go.  Without a thread (none could be started) the file is
 * hashed by silk_digest_finish itself.  SILK_ENOMEM or SILK_EIO (with
 * err) on failure. */
int silk_digest_start(int fd, const char *path, silk_digest **out,
                      silk_error *err);

/* A digest known already: hex (64 hex digits, or "" for none). */
int silk_digest_ready(const char hex[65], silk_digest **out, silk_error *err);

/* Lets the thread hash the file from its first byte to its end.  Any
 * thread may call it, any number of times. */
void silk_digest_go(silk_digest *d);

/* Waits for the digest and puts it in hex.  bytes is how much of the
 * file was parsed: another length hashed means the file changed while it
 * was read (SILK_EIO), as does a read error.  Idempotent: the result (or
 * the failure) is kept. */
int silk_digest_finish(silk_digest *d, uint64_t bytes, char hex[65],
                       silk_error *err);

/* Stops the thread (without waiting for the hash) and frees d; NULL is
 * ignored. */
void silk_digest_free(silk_digest *d);

#endif
