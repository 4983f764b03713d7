/*
 * batch.h: batch functions for the ingest readers that are not part of
 * the public API (internal: not in silkstat.h).
 */
#ifndef SILK_CORE_BATCH_H
#define SILK_CORE_BATCH_H

#include "silkstat.h"

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

#endif
