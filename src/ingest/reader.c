/*
 * reader.c: streams a CSV file through libcsv in 64 KiB blocks and hands
 * each record, with line numbers, to a format-specific callback.
 *
 * libcsv counts neither lines nor columns and reports an error only as a
 * short byte count, so the reader feeds it one physical line at a time
 * (CR, LF and CRLF each end a line; a newline inside a quoted field too):
 * during a csv_parse call every callback then belongs to the line being
 * fed, a failing byte is on that line, and a field still open when the
 * line ends began on that line (recorded for multi-line quoted fields).
 *
 * libcsv 3.0.3 (RELIABILITY.md) does not catch NUL bytes, UTF-16 or a BOM,
 * and buffers the rest of the file into a quoted field that never closes;
 * the checks for those live here.  Memory is bounded: one block, libcsv's
 * field buffer capped at SILK_FIELD_MAX + 2, and one record's fields.
 */
#include <csv.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define BLOCK_SIZE (64 * 1024)

/* libcsv checks for room before each byte and keeps a quoted field's
 * closing quote in its buffer until the next byte, so a field of exactly
 * SILK_FIELD_MAX bytes needs two bytes more than its content. */
#define ENTRY_CAP ((size_t)SILK_FIELD_MAX + 2)

/* libcsv 3.0.x parser states (struct csv_parser.pstate; not named in
 * <csv.h>, stable since 2.0). */
enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED };

struct silk_csv_reader {
    const char *path;
    char delimiter; /* ',', ';' or '\t' */
    silk_csv_row_fn on_row;
    void *ctx;
    silk_error *err;
    int status;        /* first failure; later callbacks do nothing */
    size_t line;       /* physical line being fed to libcsv */
    size_t field_line; /* where the unfinished field began; 0 = none */
    size_t row_line;
    size_t n_fields; /* fields completed in the current record */
    size_t max_fields;
    silk_csv_field *fields;
    size_t *offset; /* of each stored field in arena (arena may move) */
    char *arena;
    size_t arena_len, arena_cap;
    const char *const *names;
    size_t n_names;
    bool last_cr; /* the previous block ended with CR */
    /* After libcsv gave up on an over-long quoted field: look for its
     * closing quote to tell "too long" from "never closed". */
    bool scanning;
    bool scan_quote; /* the previous byte was a quote inside the field */
    const unsigned char *scan_from;
    size_t open_line, open_column;
};

int silk_ingest_error_at(silk_error *err, int code, const char *path,
                         size_t line, size_t column, const char *fmt, ...)
{
    char message[SILK_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return silk_error_set(err, code, "%s:%zu:%zu: %s", path, line, column,
                          message);
}

/* Length of the valid UTF-8 character at s that is not a control
 * character, or 0. */
static size_t char_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len, i;

    if (c < 0x20 || c == 0x7F)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    /* Second-byte ranges exclude overlong forms, surrogates and code
     * points above U+10FFFF (RFC 3629, section 4). */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

size_t silk_ingest_text_check(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, n;

    while (i < len) {
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            i++;
            continue;
        }
        n = char_len(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

const char *silk_ingest_show(const char *text, size_t len, char *buf,
                             size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, o = 0, n;

    while (i < len) {
        n = char_len(s + i, len - i);
        /* keep room for "...", the NUL, and one escape */
        if (o + (n ? n : 4) + 4 > size) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (n) {
            memcpy(buf + o, s + i, n);
            o += n;
            i += n;
        } else {
            snprintf(buf + o, 5, "\\x%02x", s[i]);
            o += 4;
            i++;
        }
    }
    buf[o] = '\0';
    return buf;
}

void silk_csv_set_names(silk_csv_reader *reader, const char *const *names,
                        size_t n)
{
    reader->names = names;
    reader->n_names = n;
}

/* " in column 'origin'" for messages, or "" before the header is known. */
static const char *column_phrase(const silk_csv_reader *r, size_t column,
                                 char *buf, size_t size)
{
    if (column == 0 || column > r->n_names) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, size, " in column '%s'", r->names[column - 1]);
    return buf;
}

static int too_long(silk_csv_reader *r, size_t line, size_t column)
{
    char where[96];

    return silk_ingest_error_at(
        r->err, SILK_EPARSE, r->path, line, column,
        "field%s is longer than %d bytes; expected at most %d bytes per field",
        column_phrase(r, column, where, sizeof where), SILK_FIELD_MAX,
        SILK_FIELD_MAX);
}

static int unterminated(silk_csv_reader *r, size_t line, size_t column)
{
    char where[96];

    return silk_ingest_error_at(
        r->err, SILK_EPARSE, r->path, line, column,
        "quote opened here%s is never closed; expected a closing '\"' "
        "(write a quote inside a quoted field as \"\")",
        column_phrase(r, column, where, sizeof where));
}

static void on_field(void *text, size_t len, void *data)
{
    silk_csv_reader *r = data;
    size_t line = r->field_line ? r->field_line : r->line;
    size_t need;
    char *grown;

    r->field_line = 0;
    if (r->status != SILK_OK)
        return;
    if (r->n_fields == 0)
        r->row_line = line;
    if (len > SILK_FIELD_MAX) {
        r->status = too_long(r, line, r->n_fields + 1);
        return;
    }
    if (r->n_fields < r->max_fields) {
        need = r->arena_len + len + 1;
        if (need > r->arena_cap) {
            size_t cap = r->arena_cap ? r->arena_cap : 4096;
            while (cap < need)
                cap *= 2;
            grown = realloc(r->arena, cap);
            if (grown == NULL) {
                r->status = silk_error_set(r->err, SILK_ENOMEM,
                                           "out of memory reading '%s'",
                                           r->path);
                return;
            }
            r->arena = grown;
            r->arena_cap = cap;
        }
        if (len)
            memcpy(r->arena + r->arena_len, text, len);
        r->arena[r->arena_len + len] = '\0';
        r->offset[r->n_fields] = r->arena_len;
        r->fields[r->n_fields].len = len;
        r->fields[r->n_fields].line = line;
        r->arena_len += len + 1;
    }
    r->n_fields++;
}

static void on_record(int terminator, void *data)
{
    silk_csv_reader *r = data;
    silk_csv_row row;
    size_t i;

    (void)terminator;
    if (r->status == SILK_OK) {
        row.n_fields = r->n_fields;
        row.n_stored = r->n_fields < r->max_fields ? r->n_fields
                                                   : r->max_fields;
        for (i = 0; i < row.n_stored; i++)
            r->fields[i].text = r->arena + r->offset[i];
        row.field = r->fields;
        row.line = r->row_line;
        r->status = r->on_row(r, r->ctx, &row, r->err);
    }
    r->n_fields = 0;
    r->arena_len = 0;
}

/* Maps a short csv_parse count to a message; `rest` is the byte libcsv
 * stopped at.  An over-long quoted field switches to scanning instead. */
static int parse_error(silk_csv_reader *r, struct csv_parser *p,
                       const unsigned char *rest)
{
    size_t column = r->n_fields + 1;
    size_t start = r->field_line ? r->field_line : r->line;
    char where[96], shown[16];

    switch (csv_error(p)) {
    case CSV_EPARSE:
        if (p->pstate == FIELD_MIGHT_HAVE_ENDED)
            return silk_ingest_error_at(
                r->err, SILK_EPARSE, r->path, r->line, column,
                "'%s' after the closing quote%s; expected %s or the end of "
                "the line after a quoted field",
                silk_ingest_show((const char *)rest, 1, shown, sizeof shown),
                column_phrase(r, column, where, sizeof where),
                r->delimiter == '\t' ? "a tab"
                : r->delimiter == ';' ? "';'"
                                      : "','");
        return silk_ingest_error_at(
            r->err, SILK_EPARSE, r->path, r->line, column,
            "'\"' inside an unquoted field%s; expected quotes only around a "
            "whole field, with each quote inside it doubled (\"\")",
            column_phrase(r, column, where, sizeof where));
    case CSV_ENOMEM:
        if (csv_get_buffer_size(p) < ENTRY_CAP)
            break;
        if (!p->quoted)
            return too_long(r, start, column);
        r->scanning = true;
        r->scan_quote = p->pstate == FIELD_MIGHT_HAVE_ENDED;
        r->scan_from = rest;
        r->open_line = start;
        r->open_column = column;
        return SILK_OK;
    default:
        break;
    }
    if (csv_error(p) == CSV_ENOMEM)
        return silk_error_set(r->err, SILK_ENOMEM,
                              "out of memory reading '%s'", r->path);
    return silk_error_set(r->err, SILK_EPARSE, "%s:%zu:%zu: %s", r->path,
                          r->line, column, csv_strerror(csv_error(p)));
}

static int feed(silk_csv_reader *r, struct csv_parser *p,
                const unsigned char *s, size_t n)
{
    size_t done;

    if (n == 0)
        return SILK_OK;
    done = csv_parse(p, s, n, on_field, on_record, r);
    if (r->status != SILK_OK)
        return r->status;
    if (done < n)
        return parse_error(r, p, s + done);
    if ((p->pstate == FIELD_BEGUN || p->pstate == FIELD_MIGHT_HAVE_ENDED) &&
        r->field_line == 0)
        r->field_line = r->line;
    return SILK_OK;
}

/* Looks for the closing quote of an over-long quoted field ("" is an
 * escaped quote, not a closing one). */
static int scan(silk_csv_reader *r, const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (r->scan_quote) {
            r->scan_quote = false;
            if (s[i] == '"')
                continue;
            return too_long(r, r->open_line, r->open_column);
        }
        if (s[i] == '"')
            r->scan_quote = true;
    }
    return SILK_OK;
}

static int process_block(silk_csv_reader *r, struct csv_parser *p,
                         const unsigned char *s, size_t n)
{
    const unsigned char *end = s + n;
    size_t start = 0, i;
    int status;
    char where[96];

    if (r->scanning)
        return scan(r, s, n);
    for (i = 0; i < n; i++) {
        unsigned char c = s[i];

        if (c > '\r')
            continue;
        if (c == '\n' || c == '\r') {
            /* the LF of a CRLF: the line already ended at the CR */
            if (c == '\n' && (i > 0 ? s[i - 1] == '\r' : r->last_cr))
                continue;
            status = feed(r, p, s + start, i + 1 - start);
            if (status != SILK_OK)
                return status;
            if (r->scanning)
                return scan(r, r->scan_from, (size_t)(end - r->scan_from));
            r->line++;
            start = i + 1;
        } else if (c == '\0') {
            /* parse what precedes it so the field number is known */
            status = feed(r, p, s + start, i - start);
            if (status != SILK_OK)
                return status;
            if (r->scanning)
                return scan(r, r->scan_from, (size_t)(end - r->scan_from));
            return silk_ingest_error_at(
                r->err, SILK_EPARSE, r->path, r->line, r->n_fields + 1,
                "NUL byte%s; expected text (is the file binary or UTF-16?)",
                column_phrase(r, r->n_fields + 1, where, sizeof where));
        }
    }
    status = feed(r, p, s + start, n - start);
    if (status != SILK_OK)
        return status;
    if (r->scanning)
        return scan(r, r->scan_from, (size_t)(end - r->scan_from));
    r->last_cr = n > 0 && s[n - 1] == '\r';
    return SILK_OK;
}

/* UTF-16 has a BOM or, for the ASCII text a header holds, a NUL in every
 * other byte. */
static bool looks_utf16(const unsigned char *s, size_t n)
{
    size_t nul[2] = {0, 0}, i;

    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
                   (s[0] == 0xFE && s[1] == 0xFF)))
        return true;
    if (n > 256)
        n = 256;
    if (n < 2)
        return false;
    for (i = 0; i < n; i++)
        if (s[i] == 0)
            nul[i % 2]++;
    return (nul[0] == 0 && nul[1] * 2 >= n / 2) ||
           (nul[1] == 0 && nul[0] * 2 >= (n + 1) / 2);
}

static int no_space(unsigned char c)
{
    /* Keep spaces: libcsv would trim them silently around unquoted fields;
     * the format decides whether a space is an error. */
    (void)c;
    return 0;
}

static void *capped_realloc(void *old, size_t size)
{
    /* libcsv halves its request after a failure, so the buffer still
     * fills up to exactly ENTRY_CAP before CSV_ENOMEM. */
    if (size > ENTRY_CAP)
        return NULL;
    return realloc(old, size);
}

/* The file's SHA-256 is computed on a second thread while the parser
 * works on the same block: hashing took a quarter of an ingest's time
 * on one core.  Blocks alternate between two buffers; a block is handed
 * over only after the previous one is hashed, so the buffer being read
 * into is never the one being hashed.  Without a thread (pthread_create
 * failed) the hash is computed inline. */
typedef struct hasher {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    silk_sha256 sha;
    const unsigned char *data;
    size_t len;
    bool busy, stop, threaded;
} hasher;

static void *hash_loop(void *arg)
{
    hasher *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->busy && !h->stop)
            pthread_cond_wait(&h->cond, &h->lock);
        if (!h->busy)
            break;
        pthread_mutex_unlock(&h->lock);
        silk_sha256_update(&h->sha, h->data, h->len);
        pthread_mutex_lock(&h->lock);
        h->busy = false;
        pthread_cond_broadcast(&h->cond);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void hasher_start(hasher *h)
{
    memset(h, 0, sizeof *h);
    silk_sha256_init(&h->sha);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    h->threaded = pthread_create(&h->thread, NULL, hash_loop, h) == 0;
}

static void hasher_submit(hasher *h, const unsigned char *data, size_t len)
{
    if (!h->threaded) {
        silk_sha256_update(&h->sha, data, len);
        return;
    }
    pthread_mutex_lock(&h->lock);
    while (h->busy)
        pthread_cond_wait(&h->cond, &h->lock);
    h->data = data;
    h->len = len;
    h->busy = true;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

/* Waits for the last block and ends the thread; the digest is complete. */
static void hasher_stop(hasher *h)
{
    if (h->threaded) {
        pthread_mutex_lock(&h->lock);
        h->stop = true;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->thread, NULL);
        h->threaded = false;
    }
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
}

int silk_csv_read(const char *path, size_t max_fields, silk_csv_row_fn on_row,
                  void *ctx, char sha256[65], uint64_t *bytes,
                  silk_error *err)
{
    return silk_csv_read_delim(path, ',', max_fields, on_row, ctx, sha256,
                               bytes, err);
}

int silk_csv_read_delim(const char *path, char delimiter, size_t max_fields,
                        silk_csv_row_fn on_row, void *ctx, char sha256[65],
                        uint64_t *bytes, silk_error *err)
{
    silk_csv_reader r;
    struct csv_parser parser;
    bool parser_ready = false, first = true;
    hasher sha;
    bool hashing = false;
    unsigned char *blocks = NULL, *block;
    unsigned k = 0;
    FILE *file = NULL;
    uint64_t total = 0;
    size_t n, skip;
    int status = SILK_OK;

    memset(&r, 0, sizeof r);
    r.path = path;
    r.delimiter = delimiter ? delimiter : ',';
    r.on_row = on_row;
    r.ctx = ctx;
    r.err = err;
    r.line = 1;
    r.max_fields = max_fields;

    file = fopen(path, "rb");
    if (file == NULL) {
        status = silk_error_set(err, SILK_EIO, "cannot open '%s': %s", path,
                                strerror(errno));
        goto done;
    }
    blocks = malloc(2 * BLOCK_SIZE);
    r.fields = malloc(max_fields * sizeof *r.fields);
    r.offset = malloc(max_fields * sizeof *r.offset);
    if (blocks == NULL || r.fields == NULL || r.offset == NULL ||
        csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory reading '%s'",
                                path);
        goto done;
    }
    parser_ready = true;
    csv_set_delim(&parser, (unsigned char)r.delimiter);
    csv_set_space_func(&parser, no_space);
    csv_set_realloc_func(&parser, capped_realloc);
    csv_set_blk_size(&parser, 4096);
    hasher_start(&sha);
    hashing = true;

    for (block = blocks; (n = fread(block, 1, BLOCK_SIZE, file)) > 0;
         block = blocks + (++k % 2) * BLOCK_SIZE) {
        total += n;
        hasher_submit(&sha, block, n);
        skip = 0;
        if (first) {
            first = false;
            if (looks_utf16(block, n)) {
                status = silk_ingest_error_at(
                    err, SILK_EPARSE, path, 1, 1,
                    "the file looks like UTF-16; save the file as UTF-8");
                goto done;
            }
            /* a UTF-8 BOM is not part of the first column's name */
            if (n >= 3 && block[0] == 0xEF && block[1] == 0xBB &&
                block[2] == 0xBF)
                skip = 3;
        }
        status = process_block(&r, &parser, block + skip, n - skip);
        if (status == SILK_CSV_STOP) {
            /* the callback has seen enough (a format's header sniff) */
            status = SILK_OK;
            sha256[0] = '\0';
            *bytes = total;
            goto done;
        }
        if (status != SILK_OK)
            goto done;
    }
    if (ferror(file)) {
        status = silk_error_set(err, SILK_EIO, "cannot read '%s': %s", path,
                                strerror(errno));
        goto done;
    }
    if (r.scanning) {
        status = r.scan_quote ? too_long(&r, r.open_line, r.open_column)
                              : unterminated(&r, r.open_line, r.open_column);
        goto done;
    }
    if (csv_fini(&parser, on_field, on_record, &r) != 0) {
        status = unterminated(&r, r.field_line ? r.field_line : r.line,
                              r.n_fields + 1);
        goto done;
    }
    if (r.status == SILK_CSV_STOP) {
        /* the sniff's last record can be the file's unterminated last line,
         * which libcsv hands over only in csv_fini (found by make fuzz) */
        status = SILK_OK;
        sha256[0] = '\0';
        *bytes = total;
        goto done;
    }
    if (r.status != SILK_OK) {
        status = r.status;
        goto done;
    }
    hasher_stop(&sha);
    hashing = false;
    silk_sha256_final(&sha.sha, sha256);
    *bytes = total;

done:
    if (hashing)
        hasher_stop(&sha);
    if (parser_ready)
        csv_free(&parser);
    if (file != NULL)
        fclose(file);
    free(blocks);
    free(r.fields);
    free(r.offset);
    free(r.arena);
    return status;
}

/* Only the first non-blank line is looked at: a preamble or a header
 * decides, and the rest of the file is never read twice for this.  A
 * line that does not end within DETECT_MAX bytes is judged on what was
 * read of it. */
#define DETECT_MAX (1024 * 1024)

int silk_csv_detect_delimiter(const char *path, char *out, silk_error *err)
{
    static const char candidates[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0};
    unsigned char *block = NULL;
    bool quoted = false, content = false, done = false, first = true;
    size_t total = 0, n;
    FILE *file;
    int status = SILK_OK;

    *out = ',';
    file = fopen(path, "rb");
    if (file == NULL)
        return silk_error_set(err, SILK_EIO, "cannot open '%s': %s", path,
                              strerror(errno));
    block = malloc(BLOCK_SIZE);
    if (block == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory reading '%s'",
                                path);
        goto done;
    }
    while (!done && total < DETECT_MAX &&
           (n = fread(block, 1, BLOCK_SIZE, file)) > 0) {
        size_t i = 0;
        if (first) {
            first = false;
            if (n >= 3 && block[0] == 0xEF && block[1] == 0xBB &&
                block[2] == 0xBF)
                i = 3;
        }
        total += n;
        for (; i < n && !done; i++) {
            unsigned char c = block[i];
            if (c == '"') {
                /* "" inside a quoted field toggles twice: still quoted */
                quoted = !quoted;
                content = true;
            } else if (quoted) {
                continue;
            } else if (c == '\n' || c == '\r') {
                if (content)
                    done = true;
                else /* blank: only spaces or tabs, which decide nothing */
                    count[0] = count[1] = count[2] = 0;
            } else if (c == ',') {
                count[0]++;
                content = true;
            } else if (c == ';') {
                count[1]++;
                content = true;
            } else if (c == '\t') {
                count[2]++;
            } else if (c != ' ') {
                content = true;
            }
        }
    }
    if (ferror(file)) {
        status = silk_error_set(err, SILK_EIO, "cannot read '%s': %s", path,
                                strerror(errno));
        goto done;
    }
    /* Most fields wins; on a tie the earlier candidate (comma first). */
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    *out = candidates[best];
done:
    free(block);
    fclose(file);
    return status;
}
