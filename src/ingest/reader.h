/*
 * reader.h: the streaming CSV reader shared by the ingest formats.
 *
 * It wraps libcsv (<csv.h> is included by reader.c alone, so a change of
 * CSV library touches one file) and adds what libcsv lacks:
 * physical line numbers, field numbers, the file's SHA-256, and checks for
 * NUL bytes, UTF-16, a UTF-8 BOM, over-long fields and unterminated quotes,
 * each reported as "FILE:LINE:COLUMN: ..." where COLUMN is the 1-based
 * field number (not a character offset).
 *
 * Internal to src/ingest: nothing here is exported.
 */
#ifndef SILK_INGEST_READER_H
#define SILK_INGEST_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "silkstat.h"
#include "core/digest.h"

/* One field of a record, valid only during the row callback. */
typedef struct silk_csv_field {
    const char *text; /* unquoted content, NUL-terminated */
    size_t len;
    size_t line; /* physical line where the field starts (1-based) */
} silk_csv_field;

typedef struct silk_csv_row {
    const silk_csv_field *field; /* the first n_stored fields */
    size_t n_stored;
    size_t n_fields; /* fields in the record; may exceed n_stored */
    size_t line;     /* line of the first field */
} silk_csv_row;

typedef struct silk_csv_reader silk_csv_reader;

/* Called once per record (blank lines produce none).  Returns SILK_OK to go
 * on, SILK_CSV_STOP to end the read early with SILK_OK (sha256 is then ""),
 * or a status after filling err to stop the read with that status. */
#define SILK_CSV_STOP (-1)
typedef int (*silk_csv_row_fn)(silk_csv_reader *reader, void *ctx,
                               const silk_csv_row *row, silk_error *err);

/* Names used in messages for fields 1..n ("in column 'origin'"); the array
 * is borrowed and must outlive the read.  Callable from the row callback. */
void silk_csv_set_names(silk_csv_reader *reader, const char *const *names,
                        size_t n);

/* Reads path to the end, calling on_row for every record and storing at
 * most max_fields fields per record.  On SILK_OK, sha256 holds the digest
 * of every byte of the file and *bytes its size. */
int silk_csv_read(const char *path, size_t max_fields, silk_csv_row_fn on_row,
                  void *ctx, char sha256[65], uint64_t *bytes,
                  silk_error *err);

/* As silk_csv_read, with fields separated by delimiter: ',', ';' or '\t'
 * (0 means ',').  Quoting rules are the same whatever the delimiter. */
int silk_csv_read_delim(const char *path, char delimiter, size_t max_fields,
                        silk_csv_row_fn on_row, void *ctx, char sha256[65],
                        uint64_t *bytes, silk_error *err);

/* A read in parts on several threads (silk_csv_read_split).  The format
 * gives a context for the file's first part (first) and makes one for
 * each later part (part_new(arg), on the calling thread; NULL after
 * filling err when out of memory), all for the same row callback.  A
 * later part is read on any thread with its lines counted from 1; its
 * context never sees the header: prepare it from one, e.g. with a
 * SILK_CSV_STOP read of the first record.
 *
 * join runs on the calling thread, part after part in file order, as
 * each is read (between the parts that thread reads itself, and for the
 * rest at the end); lines_before is the number of lines before the
 * part (add it to the part's line numbers).  It moves what the part holds
 * into first and returns SILK_OK, or returns SILK_CSV_RETRY, having
 * changed nothing, when that cannot give exactly the result of one pass
 * (e.g. a duplicate key across the parts, which needs its message); or
 * another status after filling err.  From the first part not joined
 * (also one that failed in any way), first reads the rest of the file
 * itself, so results and messages are always those of
 * silk_csv_read_delim with first.  part_free frees a part's context,
 * joined or not (never first). */
#define SILK_CSV_RETRY (-2)
typedef struct silk_csv_split {
    silk_csv_row_fn on_row;
    void *first;
    void *(*part_new)(void *arg, silk_error *err);
    void *arg;
    int (*join)(void *first, void *part, size_t lines_before,
                silk_error *err);
    void (*part_free)(void *part);
} silk_csv_split;

/* As silk_csv_read_delim with split->first, on every core when the file
 * is large enough (4 MiB) and the machine has two cores or more: the file
 * is cut into parts that shrink from a third of it (with two cores) down
 * to 2 MiB, handed out one at a time, the first to this thread.  On
 * SILK_OK *digest (the caller's to free) is the file's digest, still
 * being computed on a thread of its own that starts when the last part
 * is taken: silk_digest_finish with *bytes gives it (a file changed
 * meanwhile is an error there).  The environment variable
 * SILKSTAT_SPLIT=off reads every file in one pass, SILKSTAT_SPLIT=always
 * cuts even small files into up to 8 parts (for tests). */
int silk_csv_read_split(const char *path, char delimiter, size_t max_fields,
                        const silk_csv_split *split, silk_digest **digest,
                        uint64_t *bytes, silk_error *err);

/* Whether silk_csv_read_split would split path now (a regular file large
 * enough, two cores, SILKSTAT_SPLIT): a format need not prepare a second
 * context otherwise.  Only stat(2): a pipe is not read. */
bool silk_csv_can_split(const char *path);

/* The delimiter of path, judged on its first non-blank line (after a
 * UTF-8 BOM; separators inside double quotes do not count): whichever of
 * ',', ';' and '\t' splits it into the most fields, ',' winning ties and
 * ';' winning over '\t'.  An empty file gives ','.  Fails only when the
 * file cannot be opened or read (SILK_EIO, message as silk_csv_read). */
int silk_csv_detect_delimiter(const char *path, char *out, silk_error *err);

/* silk_error_set with "FILE:LINE:COLUMN: " in front. */
int silk_ingest_error_at(silk_error *err, int code, const char *path,
                         size_t line, size_t column, const char *fmt, ...)
    SILK_PRINTF(6, 7);

/* Writes text into buf (size >= 8) for quoting in a message: control bytes
 * and invalid UTF-8 become \xNN, and long text is cut with "...". */
const char *silk_ingest_show(const char *text, size_t len, char *buf,
                             size_t size);

/* Offset of the first byte that is not valid UTF-8 or is a control
 * character (0x00-0x1F, 0x7F), or len if there is none. */
size_t silk_ingest_text_check(const char *text, size_t len);

#endif /* SILK_INGEST_READER_H */
