/*
 * batch.h: batch functions for the ingest readers that are not part of
 * the public API (internal: not in silkstat.h).
 */
#ifndef SILK_CORE_BATCH_H
#define SILK_CORE_BATCH_H

#include "silkstat.h"
#include "core/digest.h"

/* Moves every cell of `from` into batch as if from's puts had followed
 * batch's own: `from` holds the later part of one file (file_index) read
 * on its own, with lines counted from 1, and lines_before is added to its
 * line numbers (cells and frequencies).  Indicators new to batch are added
 * in from's order; units, sources, frequencies and cells follow the rules
 * of silk_batch_put.
 *
 * Returns SILK_ECONFLICT, touching neither batch nor err, when those puts
 * would not all have succeeded (a key of file_index in both with another
 * value or flags, another frequency or unit, categorical columns, too many
 * files): the caller must then put from's rows itself to get the message.
 * SILK_ENOMEM (with err) may leave batch part-merged.  On SILK_OK from
 * keeps no cells; free it with silk_batch_free.  `from` must hold plain
 * (uncategorised) cells of file_index only and no provenance. */
int silk_batch_merge(silk_batch *batch, silk_batch *from, unsigned file_index,
                     size_t lines_before, silk_error *err);

/* A put's indicator and codes, looked up once: rows of a series repeat
 * them, and a reader that keeps the key while they do saves the lookups
 * (silk_batch_put_at = silk_batch_key_find + silk_batch_put_key). */
typedef struct silk_batch_key {
    size_t indicator;
    uint32_t origin, destination;
} silk_batch_key;

/* Fills key, adding the indicator and codes when new; fails as
 * silk_batch_put_at would before its cell checks (an indicator split by
 * categorical columns, out of memory).  A key stays valid for its batch's
 * life, also after silk_batch_merge into it (not for the merged-from
 * batch). */
int silk_batch_key_find(silk_batch *batch, const char *indicator,
                        const char *origin, const char *destination,
                        silk_batch_key *key, silk_error *err);

/* silk_batch_put_at with a key from silk_batch_key_find on this batch. */
int silk_batch_put_key(silk_batch *batch, const silk_batch_key *key,
                       silk_period period, double value, uint32_t flags,
                       const char *unit, const char *source,
                       unsigned file_index, size_t line, size_t column,
                       silk_error *err);

/* silk_batch_add_provenance for a file whose digest is still being
 * computed (core/digest.h; bytes is what the reader parsed).  Takes
 * digest in every case.  The record's sha256 is filled by
 * silk_batch_provenance_settle, which the commit calls last, or by
 * silk_batch_provenance. */
int silk_batch_add_provenance_digest(silk_batch *batch, unsigned file_index,
                                     const char *file, silk_digest *digest,
                                     uint64_t bytes, uint64_t rows,
                                     silk_error *err);

/* Waits for every digest still being computed and fills its record's
 * sha256: SILK_OK, or the first failure (a file that changed while it
 * was read, a read error), after which the batch must not be stored. */
int silk_batch_provenance_settle(const silk_batch *batch, silk_error *err);

#endif
