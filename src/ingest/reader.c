/*
 * reader.c: streams a CSV file through libcsv and hands each record, with
 * line numbers, to a format-specific callback.
 *
 * libcsv counts neither lines nor columns and reports an error only as a
 * short byte count.  The reader therefore finds the line ends itself (CR,
 * LF and CRLF each end a line; a newline inside a quoted field too) and
 * feeds libcsv so that every callback can be placed: a "plain" line (not
 * blank, no quote, begun with the parser between records) gives exactly
 * one record, so runs of plain lines go to csv_parse in one call and the
 * record callback counts their lines; any other line is fed on its own,
 * so that during that csv_parse call every callback belongs to it, a
 * failing byte is on it, and a field still open when it ends began on it
 * (recorded for multi-line quoted fields).
 *
 * libcsv 3.0.3 (RELIABILITY.md) does not catch NUL bytes, UTF-16 or a BOM,
 * and buffers the rest of the file into a quoted field that never closes;
 * the checks for those live here.  Memory is bounded: two blocks, libcsv's
 * field buffer capped at SILK_FIELD_MAX + 2, and one record's fields.
 *
 * silk_csv_read_split reads a large file in parts on every core, each part
 * with its own parser and context, and falls back to one pass from the
 * first part that cannot be joined exactly (see the comment above it).
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define READER_SSE2 1
#endif

#include "reader.h"
#include "core/digest.h"

/* 256 KiB: two blocks (one parsed, one hashed) stay in the L2 cache of
 * most cores; 64 KiB blocks cost about 3% more in system calls. */
#define BLOCK_SIZE (256 * 1024)

/* libcsv checks for room before each byte and keeps a quoted field's
 * closing quote in its buffer until the next byte, so a field of exactly
 * SILK_FIELD_MAX bytes needs two bytes more than its content. */
#define ENTRY_CAP ((size_t)SILK_FIELD_MAX + 2)

/* libcsv 3.0.x parser states (struct csv_parser.pstate; not named in
 * <csv.h>, stable since 2.0). */
enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED };

/* pass_run's answer when another thread asked it to stop. */
#define CANCELLED (-100)

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
    char *arena; /* one record's stored fields, one after the other */
    size_t arena_len, arena_cap;
    const char *const *names;
    size_t n_names;
    bool last_cr; /* the previous block ended with CR */
    bool partial; /* the previous block ended inside a line */
    bool bulk;    /* feeding a run of plain lines: on_record counts lines */
    /* In a run of plain lines each field is the run's own bytes up to the
     * next delimiter or line end (no quote to undo, no blank to trim), so
     * it can be used where it lies instead of copied: `cursor` is where
     * the next field starts, NULL when fields are copied.  Allowed only
     * while no other thread reads the block (in_place): the field's end
     * is overwritten with its NUL. */
    bool in_place;
    unsigned char *cursor;
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

/* Room for len more bytes and a NUL; the fields stored so far move with
 * the arena (they lie in it one after the other). */
static bool grow_arena(silk_csv_reader *r, size_t len)
{
    size_t cap = r->arena_cap ? r->arena_cap : 4096;
    uintptr_t old = (uintptr_t)r->arena;
    while (cap < r->arena_len + len + 1)
        cap *= 2;
    char *grown = realloc(r->arena, cap);
    if (grown == NULL)
        return false;
    r->arena = grown;
    r->arena_cap = cap;
    /* a record's fields may be partly in place (see cursor) */
    for (size_t i = 0; i < r->n_fields && i < r->max_fields; i++) {
        uintptr_t text = (uintptr_t)r->fields[i].text;
        if (old != 0 && text >= old && text < old + r->arena_len)
            r->fields[i].text = grown + (text - old);
    }
    return true;
}

/* The field libcsv just gave, where it lies in the run being fed, or
 * NULL (then it is copied, and so are the rest of the run's fields).
 * Between records the cursor may stand on the LF of a CRLF, or on the
 * CR or LF of the record before (fields end at the delimiter or the line
 * end; the first and the ending byte are checked, as a guard). */
static inline __attribute__((always_inline)) char *
field_in_place(silk_csv_reader *r, const char *text, size_t len)
{
    unsigned char *at = r->cursor;
    unsigned char delimiter = (unsigned char)r->delimiter;

    if (r->n_fields == 0)
        while (*at == '\n' || *at == '\r')
            at++;
    if ((len > 0 && *at != (unsigned char)text[0]) ||
        (at[len] != delimiter && at[len] != '\n' && at[len] != '\r')) {
        r->cursor = NULL;
        return NULL;
    }
    r->cursor = at + len + 1;
    at[len] = '\0';
    return (char *)at;
}

/* Every other field: copied into the arena, or in place but with a line
 * or a count to check first.  Kept out of on_field so that its common
 * case stays a few instructions. */
static void __attribute__((noinline))
field_slow(silk_csv_reader *r, const char *text, size_t len)
{
    size_t line = r->field_line ? r->field_line : r->line;

    r->field_line = 0;
    if (r->status != SILK_OK)
        return;
    if (r->n_fields == 0)
        r->row_line = line;
    if (len > SILK_FIELD_MAX) {
        r->status = too_long(r, line, r->n_fields + 1);
        r->cursor = NULL;
        return;
    }
    if (r->cursor != NULL) {
        char *in_place = field_in_place(r, text, len);
        if (in_place != NULL) {
            if (r->n_fields < r->max_fields) {
                r->fields[r->n_fields].text = in_place;
                r->fields[r->n_fields].len = len;
                r->fields[r->n_fields].line = line;
            }
            r->n_fields++;
            return;
        }
    }
    if (r->n_fields < r->max_fields) {
        if (r->arena_len + len + 1 > r->arena_cap && !grow_arena(r, len)) {
            r->status = silk_error_set(r->err, SILK_ENOMEM,
                                       "out of memory reading '%s'", r->path);
            r->cursor = NULL;
            return;
        }
        char *copy = r->arena + r->arena_len;
        if (len)
            memcpy(copy, text, len);
        copy[len] = '\0';
        r->fields[r->n_fields].text = copy;
        r->fields[r->n_fields].len = len;
        r->fields[r->n_fields].line = line;
        r->arena_len += len + 1;
    }
    r->n_fields++;
}

static void on_field(void *text, size_t len, void *data)
{
    silk_csv_reader *r = data;

    /* A field of a plain run.  The cursor is set only for a run fed from
     * between records, so no field is open across lines (field_line is
     * 0), and cleared as soon as status fails; the row's line is the
     * run's current line (on_record). */
    if (r->cursor != NULL && len <= SILK_FIELD_MAX &&
        r->n_fields < r->max_fields) {
        char *in_place = field_in_place(r, text, len);
        if (in_place != NULL) {
            silk_csv_field *f = &r->fields[r->n_fields++];
            f->text = in_place;
            f->len = len;
            f->line = r->line;
            return;
        }
    }
    field_slow(r, text, len);
}

static void on_record(int terminator, void *data)
{
    silk_csv_reader *r = data;
    silk_csv_row row;

    (void)terminator;
    if (r->status == SILK_OK) {
        row.n_fields = r->n_fields;
        row.n_stored = r->n_fields < r->max_fields ? r->n_fields
                                                   : r->max_fields;
        row.field = r->fields;
        /* a plain line is one record: its fields began on it */
        row.line = r->bulk ? r->line : r->row_line;
        r->status = r->on_row(r, r->ctx, &row, r->err);
        if (r->status != SILK_OK)
            r->cursor = NULL; /* the rest of the run is not used */
    }
    r->n_fields = 0;
    r->arena_len = 0;
    if (r->bulk)
        r->line++; /* a plain line is one record */
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

static int no_space(unsigned char c)
{
    /* Keep spaces: libcsv would trim them silently around unquoted fields;
     * the format decides whether a space is an error. */
    (void)c;
    return 0;
}

/* Feeds a run of plain lines in one call (see the top of the file).
 * Without a space or tab in the run (other than the delimiter) libcsv
 * may use its own space test, which is inlined: the space function is
 * called for every byte of a field, a fifth of csv_parse's time.  Both
 * give the same fields when there is no blank to trim. */
static int feed_run(silk_csv_reader *r, struct csv_parser *p,
                    unsigned char *s, size_t n, bool blanks)
{
    int status;

    if (n == 0)
        return SILK_OK;
    r->bulk = true;
    /* a run without blanks: libcsv trims nothing, so fields are the
     * run's bytes (see cursor) */
    if (!blanks)
        csv_set_space_func(p, NULL);
    if (!blanks && r->in_place && p->pstate == ROW_NOT_BEGUN)
        r->cursor = s;
    status = feed(r, p, s, n);
    if (!blanks)
        csv_set_space_func(p, no_space);
    r->bulk = false;
    r->cursor = NULL;
    return status;
}

#ifndef READER_SSE2
/* The bytes process_block stops at: line ends, NUL and the quote. */
static const bool special[256] = {['\0'] = true, ['\n'] = true,
                                  ['\r'] = true, ['"'] = true};
#endif

/* Position of the first LF, CR, NUL or '"' in s[i..n), or n.  Sets
 * *blank when a space, or a tab that is not the delimiter, comes before
 * it. */
static size_t next_special(const unsigned char *s, size_t i, size_t n,
                           unsigned char delimiter, bool *blank)
{
    unsigned char tab = delimiter == '\t' ? ' ' : '\t';
#ifdef READER_SSE2
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();
    const __m128i space = _mm_set1_epi8(' '), tabs = _mm_set1_epi8((char)tab);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, nul)));
        unsigned bits = (unsigned)_mm_movemask_epi8(hit);
        unsigned blanks = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tabs)));
        if (bits != 0) {
            /* only the blanks before the hit */
            if (blanks & ((bits & -bits) - 1))
                *blank = true;
            return i + (size_t)__builtin_ctz(bits);
        }
        if (blanks)
            *blank = true;
    }
    for (; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '"' || s[i] == '\0')
            return i;
        if (s[i] == ' ' || s[i] == tab)
            *blank = true;
    }
#else
    for (; i < n; i++) {
        if (special[s[i]])
            return i;
        if (s[i] == ' ' || s[i] == tab)
            *blank = true;
    }
#endif
    return n;
}

static int process_block(silk_csv_reader *r, struct csv_parser *p,
                         unsigned char *s, size_t n)
{
    const unsigned char *end = s + n;
    /* read before any feed: a field used in place gets a NUL at its end */
    bool ends_cr = n > 0 && s[n - 1] == '\r';
    size_t start = 0; /* the first byte not fed yet */
    size_t run = 0;   /* [start, run): plain lines not fed yet */
    size_t line = 0;  /* where the current line's text begins */
    bool quote = false;          /* the current line holds a quote */
    bool blank = false;          /* or a space or tab */
    bool partial = r->partial;   /* it began in an earlier block */
    bool run_blanks = false;     /* some line of the run holds one */
    unsigned char delimiter = (unsigned char)r->delimiter;
    size_t i = 0;
    int status;
    char where[96];

    if (r->scanning)
        return scan(r, s, n);
    while ((i = next_special(s, i, n, delimiter, &blank)) < n) {
        unsigned char c = s[i];

        if (c == '"') {
            quote = true;
            i++;
            continue;
        }
        if (c == '\n' && (i > 0 ? s[i - 1] == '\r' : r->last_cr)) {
            /* the LF of a CRLF: the line already ended at the CR (it is
             * fed with the next line; libcsv skips it between records) */
            line = ++i;
            continue;
        }
        if (c == '\0') {
            /* parse what precedes it so the field number is known */
            status = feed_run(r, p, s + start, run - start, run_blanks);
            if (status == SILK_OK)
                status = feed(r, p, s + run, i - run);
            if (status != SILK_OK)
                return status;
            if (r->scanning)
                return scan(r, r->scan_from, (size_t)(end - r->scan_from));
            return silk_ingest_error_at(
                r->err, SILK_EPARSE, r->path, r->line, r->n_fields + 1,
                "NUL byte%s; expected text (is the file binary or UTF-16?)",
                column_phrase(r, r->n_fields + 1, where, sizeof where));
        }
        /* a line ends at i: plain lines join the run, others go alone;
         * a run of lines without blanks is kept apart */
        if (!quote && !partial && i > line &&
            (run > start || p->pstate == ROW_NOT_BEGUN)) {
            if (run > start && blank != run_blanks) {
                status = feed_run(r, p, s + start, run - start, run_blanks);
                if (status != SILK_OK)
                    return status;
                start = run;
            }
            run = i + 1;
            run_blanks = blank;
        } else {
            status = feed_run(r, p, s + start, run - start, run_blanks);
            if (status == SILK_OK)
                status = feed(r, p, s + run, i + 1 - run);
            if (status != SILK_OK)
                return status;
            if (r->scanning)
                return scan(r, r->scan_from, (size_t)(end - r->scan_from));
            r->line++;
            start = run = i + 1;
        }
        line = ++i;
        quote = blank = partial = false;
    }
    status = feed_run(r, p, s + start, run - start, run_blanks);
    if (status == SILK_OK)
        status = feed(r, p, s + run, n - run);
    if (status != SILK_OK)
        return status;
    if (r->scanning)
        return scan(r, r->scan_from, (size_t)(end - r->scan_from));
    r->partial = line < n;
    r->last_cr = ends_cr;
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

/* One reader over a range of an open file: its own parser, blocks and
 * record state, so that several can run on several threads. */
typedef struct pass {
    silk_csv_reader r;
    struct csv_parser parser;
    bool parser_ready;
    int fd;
    bool positioned;       /* pread at pos (a part); else read on */
    uint64_t pos;          /* the next byte to read */
    bool eof;              /* a read returned 0 bytes */
    unsigned char *blocks; /* two: one parsed while the other is hashed */
    unsigned k;            /* the block to read into next */
} pass;

static int pass_init(pass *ps, int fd, const char *path, char delimiter,
                     size_t max_fields, silk_csv_row_fn on_row, void *ctx,
                     silk_error *err)
{
    memset(ps, 0, sizeof *ps);
    ps->fd = fd;
    ps->r.path = path;
    ps->r.delimiter = delimiter ? delimiter : ',';
    ps->r.on_row = on_row;
    ps->r.ctx = ctx;
    ps->r.err = err;
    ps->r.line = 1;
    ps->r.max_fields = max_fields;
    ps->blocks = malloc(2 * BLOCK_SIZE);
    ps->r.fields = malloc(max_fields * sizeof *ps->r.fields);
    if (ps->blocks == NULL || ps->r.fields == NULL ||
        csv_init(&ps->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return silk_error_set(err, SILK_ENOMEM, "out of memory reading '%s'",
                              path);
    ps->parser_ready = true;
    csv_set_delim(&ps->parser, (unsigned char)ps->r.delimiter);
    csv_set_space_func(&ps->parser, no_space);
    csv_set_realloc_func(&ps->parser, capped_realloc);
    csv_set_blk_size(&ps->parser, 4096);
    return SILK_OK;
}

static void pass_release(pass *ps)
{
    if (ps->parser_ready)
        csv_free(&ps->parser);
    ps->parser_ready = false;
    free(ps->blocks);
    free(ps->r.fields);
    free(ps->r.arena);
    ps->blocks = NULL;
    ps->r.fields = NULL;
    ps->r.arena = NULL;
}

static ssize_t read_at(int fd, void *buf, size_t n, uint64_t offset)
{
    ssize_t got;
    do
        got = pread(fd, buf, n, (off_t)offset);
    while (got < 0 && errno == EINTR);
    return got;
}

/* Parses bytes [ps->pos, end) of the file, or up to its end (end =
 * UINT64_MAX), handing each block to sha when it is not NULL.  Returns
 * SILK_OK there (ps->pos = end, or ps->eof), SILK_CSV_STOP when the
 * callback asked to stop, CANCELLED when *cancel was set, or an error. */
static int pass_run(pass *ps, uint64_t end, hasher *sha,
                    const atomic_bool *cancel)
{
    silk_csv_reader *r = &ps->r;

    while (ps->pos < end && !ps->eof) {
        unsigned char *block = ps->blocks + (ps->k++ % 2) * BLOCK_SIZE;
        size_t want = end - ps->pos < BLOCK_SIZE ? (size_t)(end - ps->pos)
                                                 : BLOCK_SIZE;
        size_t skip = 0;
        ssize_t got;
        int status;

        if (cancel != NULL && atomic_load(cancel))
            return CANCELLED;
        if (ps->positioned) {
            got = read_at(ps->fd, block, want, ps->pos);
        } else {
            /* read, not pread: the file may be a pipe */
            do
                got = read(ps->fd, block, want);
            while (got < 0 && errno == EINTR);
        }
        if (got < 0)
            return silk_error_set(r->err, SILK_EIO, "cannot read '%s': %s",
                                  r->path, strerror(errno));
        if (got == 0) {
            ps->eof = true;
            break;
        }
        if (sha != NULL)
            hasher_submit(sha, block, (size_t)got);
        /* a hashing thread reads the block while it is parsed */
        r->in_place = sha == NULL || !sha->threaded;
        if (ps->pos == 0) {
            if (looks_utf16(block, (size_t)got))
                return silk_ingest_error_at(
                    r->err, SILK_EPARSE, r->path, 1, 1,
                    "the file looks like UTF-16; save the file as UTF-8");
            /* a UTF-8 BOM is not part of the first column's name */
            if (got >= 3 && block[0] == 0xEF && block[1] == 0xBB &&
                block[2] == 0xBF)
                skip = 3;
        }
        ps->pos += (uint64_t)got;
        status = process_block(r, &ps->parser, block + skip,
                               (size_t)got - skip);
        if (status != SILK_OK)
            return status;
    }
    return SILK_OK;
}

/* The end of the file: what is still open, and libcsv's last record.
 * Returns SILK_OK, SILK_CSV_STOP or an error. */
static int pass_finish(pass *ps)
{
    silk_csv_reader *r = &ps->r;

    if (r->scanning)
        return r->scan_quote ? too_long(r, r->open_line, r->open_column)
                             : unterminated(r, r->open_line, r->open_column);
    if (csv_fini(&ps->parser, on_field, on_record, r) != 0)
        return unterminated(r, r->field_line ? r->field_line : r->line,
                            r->n_fields + 1);
    /* the sniff's last record can be the file's unterminated last line,
     * which libcsv hands over only in csv_fini (found by make fuzz) */
    return r->status;
}

static int open_file(const char *path, int *fd, silk_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return silk_error_set(err, SILK_EIO, "cannot open '%s': %s", path,
                              strerror(errno));
    return SILK_OK;
}

/* The whole file in one pass on this thread; the digest is computed on a
 * second one (see hasher). */
static int read_sequential(int fd, const char *path, char delimiter,
                           size_t max_fields, silk_csv_row_fn on_row,
                           void *ctx, char sha256[65], uint64_t *bytes,
                           silk_error *err)
{
    pass ps;
    hasher sha;
    bool hashing = false;
    int status = pass_init(&ps, fd, path, delimiter, max_fields, on_row, ctx,
                           err);

    if (status == SILK_OK) {
        hasher_start(&sha);
        hashing = true;
        status = pass_run(&ps, UINT64_MAX, &sha, NULL);
    }
    if (status == SILK_OK)
        status = pass_finish(&ps);
    if (status == SILK_CSV_STOP) {
        /* the callback has seen enough (a format's header sniff) */
        status = SILK_OK;
        sha256[0] = '\0';
        *bytes = ps.pos;
    } else if (status == SILK_OK) {
        hasher_stop(&sha);
        hashing = false;
        silk_sha256_final(&sha.sha, sha256);
        *bytes = ps.pos;
    }
    if (hashing)
        hasher_stop(&sha);
    pass_release(&ps);
    return status;
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
    int fd, status = open_file(path, &fd, err);

    if (status != SILK_OK)
        return status;
    status = read_sequential(fd, path, delimiter, max_fields, on_row, ctx,
                             sha256, bytes, err);
    close(fd);
    return status;
}

/* ------------------------------------------------------------------ */
/* The split read                                                      */
/* ------------------------------------------------------------------ */

/* Below this size a file is read in one pass: more threads save nothing
 * worth their set-up (about a millisecond) on a few megabytes. */
#define SPLIT_MIN (4 * 1024 * 1024)
/* How far past a cut to look for a line end. */
#define SPLIT_WINDOW (64 * 1024)
/* The parts are handed out one at a time, so when one core runs slower
 * than the other (on this kind of VM one often runs at half the speed of
 * the other for seconds) the faster one takes more parts and both finish
 * within a part of each other.  Cut in two fixed halves, the file waited
 * for the slower half: in six runs of the 10M-row bench file the halves
 * took 1.22/1.57, 1.34/2.17, 1.26/1.32, 2.09/1.24, 1.36/1.66 and
 * 1.22/1.74 s.  The parts shrink (guided scheduling): each is what is
 * left divided by one more than the threads, down to PART_MIN, so the
 * last ones are small and there are few: a part of a year-major file
 * holds a series of nearly every corridor, and each part costs a merge
 * of all of them: the bench's 10M-row file sorted by period took 6.5-6.9 s
 * in 42 equal parts of 8 MiB, 5.5-6.0 s in two halves, 4.4-5.0 s in the
 * 13 guided parts of 2 threads (with codes mapped once a merge). */
#define PART_MIN (2 * 1024 * 1024)
#define PARTS_MAX 64
/* SILKSTAT_SPLIT=always cuts even a small file into up to this many
 * parts, so that tests exercise the joins between several. */
#define PARTS_ALWAYS 8
#define WORKERS_MAX 8

enum split_mode { SPLIT_OFF, SPLIT_AUTO, SPLIT_ALWAYS };

static enum split_mode split_mode(void)
{
    const char *mode = getenv("SILKSTAT_SPLIT");
    if (mode == NULL)
        return SPLIT_AUTO;
    if (strcmp(mode, "off") == 0)
        return SPLIT_OFF;
    if (strcmp(mode, "always") == 0)
        return SPLIT_ALWAYS;
    return SPLIT_AUTO;
}

static long online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

/* Whether a file of this kind and size is worth several threads. */
static bool splittable(const struct stat *st)
{
    enum split_mode mode = split_mode();
    return mode != SPLIT_OFF && S_ISREG(st->st_mode) &&
           (mode == SPLIT_ALWAYS ||
            ((uint64_t)st->st_size >= SPLIT_MIN && online_cores() >= 2));
}

bool silk_csv_can_split(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && splittable(&st);
}

/* Where the parts start: 0, then just past the first LF at or after each
 * cut, a cut being the part before's start plus what is left divided by
 * threads + 1 (at least PART_MIN), or an eighth of the file with
 * SILKSTAT_SPLIT=always.  Whether such an LF ends a record (it may lie
 * inside a quoted field) is only known once the part before it is
 * parsed.  Returns the number of parts, 1 for no split. */
static size_t plan_parts(int fd, uint64_t size, size_t threads,
                         uint64_t start[PARTS_MAX])
{
    bool always = split_mode() == SPLIT_ALWAYS;
    unsigned char *window = malloc(SPLIT_WINDOW);
    size_t n = 1;

    start[0] = 0;
    while (window != NULL && n < PARTS_MAX) {
        uint64_t at = start[n - 1], step;
        ssize_t got;
        const unsigned char *lf;
        if (always) {
            step = size / PARTS_ALWAYS ? size / PARTS_ALWAYS : 1;
        } else {
            step = (size - at) / (threads + 1);
            if (step < PART_MIN)
                step = PART_MIN;
        }
        if (step >= size - at)
            break; /* the rest is the last part */
        got = read_at(fd, window, SPLIT_WINDOW, at + step);
        lf = got > 0 ? memchr(window, '\n', (size_t)got) : NULL;
        if (lf == NULL)
            break; /* no line end near: the rest is one part */
        at += step + (uint64_t)(lf - window) + 1;
        if (at >= size)
            break;
        start[n++] = at;
    }
    free(window);
    return n;
}

/* One part of a split read: bytes [start, end) of the file, or [start,
 * EOF) for the last, parsed into its own context on whichever thread
 * takes it. */
typedef struct split_part {
    uint64_t start, end;
    void *ctx;
    silk_error err; /* its messages are never shown: see the fallback */
    atomic_bool cancel;
    atomic_bool finished; /* the fields below are final (or never set) */
    bool ran;
    int status;
    bool ends_clean; /* stopped at end between records (at_record_start) */
    size_t lines;
    uint64_t pos;
} split_part;

typedef struct split_run {
    int fd;
    const char *path;
    char delimiter;
    size_t max_fields;
    silk_csv_row_fn on_row;
    split_part *parts;
    size_t n_parts;
    atomic_size_t next;
    silk_digest *digest; /* started when the last part is taken */
    /* the calling thread's joins: parts before `joined` are in the first
     * context, with `lines` lines; `stopped` once a part cannot be */
    const silk_csv_split *split;
    size_t joined, lines;
    bool stopped;
} split_run;

/* Whether a pass stopped at `at` stands where a fresh parser starts:
 * between records, outside any quote, nothing of a line or field
 * pending.  Then the records after `at` are exactly those a single pass
 * would give there. */
static bool at_record_start(const pass *ps, uint64_t at)
{
    const silk_csv_reader *r = &ps->r;
    return ps->pos == at && !ps->eof && r->status == SILK_OK &&
           ps->parser.pstate == ROW_NOT_BEGUN && !r->scanning &&
           r->field_line == 0 && r->n_fields == 0 && !r->partial &&
           !r->last_cr;
}

/* No part after i is of any use once part i cannot be joined. */
static void cancel_after(split_run *s, size_t i)
{
    for (size_t j = i + 1; j < s->n_parts; j++)
        atomic_store(&s->parts[j].cancel, true);
}

/* Part i >= 1, on its own pass and context. */
static void run_part(split_run *s, size_t i)
{
    split_part *p = &s->parts[i];
    pass ps;

    p->ran = true;
    p->status = pass_init(&ps, s->fd, s->path, s->delimiter, s->max_fields,
                          s->on_row, p->ctx, &p->err);
    if (p->status == SILK_OK) {
        ps.positioned = true;
        ps.pos = p->start;
        p->status = pass_run(&ps, p->end, NULL, &p->cancel);
    }
    if (p->status == SILK_OK && p->end == UINT64_MAX)
        p->status = pass_finish(&ps);
    else if (p->status == SILK_OK)
        p->ends_clean = at_record_start(&ps, p->end);
    p->lines = ps.r.line - 1;
    p->pos = ps.pos;
    pass_release(&ps);
    if (p->status != SILK_OK || (p->end != UINT64_MAX && !p->ends_clean))
        cancel_after(s, i);
}

/* Takes the next part, if any is left: false when none is. */
static bool take_part(split_run *s)
{
    size_t i = atomic_fetch_add(&s->next, 1);
    if (i >= s->n_parts)
        return false;
    if (!atomic_load(&s->parts[i].cancel))
        run_part(s, i);
    atomic_store_explicit(&s->parts[i].finished, true, memory_order_release);
    return true;
}

static void *worker(void *arg)
{
    split_run *s = arg;
    while (take_part(s))
        continue;
    silk_digest_go(s->digest);
    return NULL;
}

/* Joins into the first context, in order, every part already finished
 * that was read whole and ended between records, while join agrees;
 * frees each context once joined.  Run by the calling thread between
 * the parts it reads, so that the joins overlap the other threads'
 * parsing.  Sets s->stopped at the first part that cannot be joined
 * (SILK_CSV_RETRY: its results cannot be merged exactly).  Returns
 * SILK_OK or join's error. */
static int join_finished(split_run *s, silk_error *err)
{
    while (!s->stopped && s->joined < s->n_parts) {
        split_part *p = &s->parts[s->joined];
        bool last = s->joined + 1 == s->n_parts;
        int status;
        if (!atomic_load_explicit(&p->finished, memory_order_acquire))
            break;
        if (!p->ran || p->status != SILK_OK || (!last && !p->ends_clean)) {
            s->stopped = true;
            break;
        }
        status = s->split->join(s->split->first, p->ctx, s->lines, err);
        if (status == SILK_CSV_RETRY) {
            s->stopped = true;
            cancel_after(s, s->joined);
            break;
        }
        if (status != SILK_OK)
            return status;
        s->split->part_free(p->ctx);
        p->ctx = NULL;
        s->lines += p->lines;
        s->joined++;
    }
    return SILK_OK;
}

/* silk_csv_read_delim for silk_csv_read_split, whose digest is then
 * known at once; closes fd. */
static int read_whole(int fd, const char *path, char delimiter,
                      size_t max_fields, silk_csv_row_fn on_row, void *ctx,
                      silk_digest **digest, uint64_t *bytes, silk_error *err)
{
    char sha256[65];
    int status = read_sequential(fd, path, delimiter, max_fields, on_row,
                                 ctx, sha256, bytes, err);
    close(fd);
    if (status == SILK_OK)
        status = silk_digest_ready(sha256, digest, err);
    return status;
}

/* Frees the contexts of the parts not joined. */
static void free_parts(split_run *s)
{
    if (s->parts == NULL)
        return;
    for (size_t i = 1; i < s->n_parts; i++)
        if (s->parts[i].ctx != NULL) {
            s->split->part_free(s->parts[i].ctx);
            s->parts[i].ctx = NULL;
        }
}

/*
 * How the split read keeps the result of a single pass:
 *
 *  - The file is cut into parts after an LF near every PART_BYTES.  The
 *    first part is read on this thread with split->first; each later one
 *    with a context of its own (split->part_new) and a fresh parser, its
 *    lines counted from 1, by whichever thread takes it next.  When no
 *    part is left to take, the digest's thread starts.
 *  - Part i's records are those of a single pass only if every part
 *    before it ended between records (a cut's LF may lie inside a quoted
 *    field: the only way to know is to have parsed everything before it).
 *    This thread joins the parts in order, between the parts it reads,
 *    while each was read whole, ended between records and join agrees
 *    (SILK_CSV_RETRY: its results cannot be merged exactly).  From the
 *    first part that fails any of these, the first context reads the
 *    rest of the file itself, on a fresh parser at that part's start with
 *    the line count so far, or, when the first part did not end between
 *    records, on its own parser: a single pass, whose results and
 *    messages are by construction those of silk_csv_read_delim.  Errors
 *    cost time, never correctness.
 *  - An error in the first part is the first error of the file: it is
 *    returned and the other parts are cancelled.  A part that fails
 *    cancels the parts after it.
 *  - The file must not change while it is read: the bytes hashed must be
 *    the bytes parsed (silk_digest_finish compares the lengths).
 */
int silk_csv_read_split(const char *path, char delimiter, size_t max_fields,
                        const silk_csv_split *split, silk_digest **digest,
                        uint64_t *bytes, silk_error *err)
{
    struct stat st;
    uint64_t start[PARTS_MAX];
    split_run s;
    pass first, rest;
    pthread_t workers[WORKERS_MAX - 1];
    size_t n_threads = 0;
    bool have_rest = false;
    int fd, status = open_file(path, &fd, err);

    *digest = NULL;
    if (status != SILK_OK)
        return status;
    memset(&s, 0, sizeof s);
    long cores = online_cores();
    size_t threads = cores < WORKERS_MAX ? (size_t)cores : WORKERS_MAX;
    if (fstat(fd, &st) == 0 && splittable(&st))
        s.n_parts = plan_parts(fd, (uint64_t)st.st_size, threads, start);
    if (s.n_parts < 2)
        return read_whole(fd, path, delimiter, max_fields, split->on_row,
                          split->first, digest, bytes, err);

    s.fd = fd;
    s.path = path;
    s.delimiter = delimiter;
    s.max_fields = max_fields;
    s.on_row = split->on_row;
    s.split = split;
    atomic_init(&s.next, 1); /* part 0 is this thread's */
    memset(&first, 0, sizeof first);
    memset(&rest, 0, sizeof rest);
    s.parts = calloc(s.n_parts, sizeof *s.parts);
    if (s.parts == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s.n_parts; i++) {
        split_part *p = &s.parts[i];
        p->start = start[i];
        p->end = i + 1 < s.n_parts ? start[i + 1] : UINT64_MAX;
        atomic_init(&p->cancel, false);
        atomic_init(&p->finished, false);
        p->ctx = i == 0 ? split->first : split->part_new(split->arg, err);
        if (p->ctx == NULL) {
            status = SILK_ENOMEM; /* part_new filled err */
            goto done;
        }
    }
    status = silk_digest_start(fd, path, &s.digest, err);
    if (status == SILK_OK)
        status = pass_init(&first, fd, path, delimiter, max_fields,
                           split->on_row, split->first, err);
    if (status != SILK_OK)
        goto done;
    first.positioned = true;

    while (n_threads + 1 < threads && n_threads + 1 < s.n_parts &&
           pthread_create(&workers[n_threads], NULL, worker, &s) == 0)
        n_threads++;
    status = pass_run(&first, s.parts[0].end, NULL, NULL);
    if (status != SILK_OK) {
        cancel_after(&s, 0); /* the first error of the file */
        goto done;
    }
    s.lines = first.r.line - 1;
    s.joined = 1;
    if (!at_record_start(&first, s.parts[0].end)) {
        s.stopped = true;
        s.joined = 0;
        cancel_after(&s, 0);
    }
    do
        status = join_finished(&s, err);
    while (status == SILK_OK && take_part(&s));
    if (status != SILK_OK)
        cancel_after(&s, 0);
    silk_digest_go(s.digest);
    while (n_threads > 0)
        pthread_join(workers[--n_threads], NULL);
    if (status == SILK_OK)
        status = join_finished(&s, err);
    if (status != SILK_OK)
        goto done;
    free_parts(&s); /* their memory is free before the rest is read */

    if (s.joined == s.n_parts) {
        *bytes = s.parts[s.n_parts - 1].pos;
    } else if (s.joined == 0) {
        /* the first part ended inside a record: its parser reads on */
        status = pass_run(&first, UINT64_MAX, NULL, NULL);
        if (status == SILK_OK)
            status = pass_finish(&first);
        *bytes = first.pos;
    } else {
        /* a fresh parser from the first part not joined */
        status = pass_init(&rest, fd, path, delimiter, max_fields,
                           split->on_row, split->first, err);
        have_rest = status == SILK_OK;
        if (have_rest) {
            rest.positioned = true;
            rest.pos = s.parts[s.joined].start;
            rest.r.line = s.lines + 1;
            rest.r.names = first.r.names;
            rest.r.n_names = first.r.n_names;
            status = pass_run(&rest, UINT64_MAX, NULL, NULL);
        }
        if (status == SILK_OK)
            status = pass_finish(&rest);
        *bytes = rest.pos;
    }
    if (status == SILK_OK) {
        *digest = s.digest;
        s.digest = NULL;
    }

done:
    if (status == SILK_CSV_STOP) {
        /* as silk_csv_read_delim: the callback has seen enough, no
         * digest */
        static const char none[65] = "";
        status = silk_digest_ready(none, digest, err);
        *bytes = have_rest ? rest.pos : first.pos;
    }
    if (s.parts != NULL && n_threads > 0)
        cancel_after(&s, 0);
    while (n_threads > 0)
        pthread_join(workers[--n_threads], NULL);
    silk_digest_free(s.digest);
    free_parts(&s);
    free(s.parts);
    pass_release(&first);
    pass_release(&rest);
    close(fd);
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
