/*
 * tidy.c: the tidy CSV format, one value per row:
 *
 *     indicator,origin,destination,period,value[,flag][,unit][,source]
 *
 * Columns come in any order; header names are matched without case and
 * without surrounding spaces.  An unknown or repeated column is an error
 * (in this format an unknown name is most likely a typo, and ignoring it
 * would drop data silently).  Rows are checked strictly: codes, periods,
 * numbers and flags may not carry spaces; an empty value is missing (NaN),
 * never zero.  Blank lines, and lines whose fields are all empty or
 * spaces, are skipped.  A header-only file is a successful 0-row ingest; a
 * 0-byte file is an error.  Positions are "FILE:LINE:COLUMN" with LINE the
 * physical line where the field starts (CR, LF and CRLF each end one) and
 * COLUMN the 1-based field number, not a character offset.
 *
 * A large file is read in parts on every core (silk_csv_read_split): each
 * part after the first goes into a batch of its own, merged afterwards,
 * and its warnings are replayed in order; whenever that could differ from
 * one pass the reader reads the rest of the file again from that part
 * (see read_split below).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "problems.h"
#include "core/batch.h"

enum role {
    ROLE_INDICATOR,
    ROLE_ORIGIN,
    ROLE_DESTINATION,
    ROLE_PERIOD,
    ROLE_VALUE,
    ROLE_FLAG,
    ROLE_UNIT,
    ROLE_SOURCE,
    N_ROLES
};
#define N_REQUIRED 5 /* the roles before ROLE_FLAG */

static const char *const role_names[N_ROLES] = {
    "indicator", "origin", "destination", "period",
    "value",     "flag",   "unit",        "source"};

#define ACCEPTED                                                          \
    "indicator, origin, destination, period, value (required, any "      \
    "order), flag, unit, source (optional)"

/* Enough for any valid header (8 columns) plus the first bad ones. */
#define MAX_FIELDS 32

/* Rows of later parts whose sanity checks warned, replayed against the
 * caller's collector once the parts are joined; past this size, counted
 * over all parts, the rest is read again in one pass instead (a file of
 * warnings). */
#define WARNED_MAX (16 * 1024 * 1024)

typedef struct tidy {
    const char *path;
    const silk_ingest_options *opt; /* may be NULL */
    unsigned file_index;
    silk_batch *batch;
    bool have_header;
    size_t n_columns;
    int column[N_ROLES]; /* field index of each role, -1 if absent */
    const char *names[N_ROLES]; /* role name of field i, for messages */
    uint64_t rows;
    /* the last indicator name that passed the check: rows of a series
     * repeat it */
    char last_indicator[SILK_INDICATOR_MAX + 1];
    size_t last_indicator_len;
    /* the batch key of the last row put, while its indicator is
     * last_indicator and its codes are these (code_key) */
    bool have_key;
    silk_batch_key key;
    uint32_t key_origin, key_destination;
    /* whether the row checks can warn (silk_ingest_year_range) */
    bool checks;
    int year_lo, year_hi;
    /* A later part of a split read: its own batch, its warnings
     * counted in its own collector, and the rows that warned, as
     * (line, period, value, has_unit, then six NUL-terminated texts:
     * period, value, indicator, origin, destination, unit). */
    bool later_part;
    silk_ingest_options own_opt;
    silk_problems *own_problems;
    size_t warned;
    atomic_size_t *log_total; /* bytes logged by all parts */
    unsigned char *log;
    size_t log_len, log_cap;
} tidy;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int header(tidy *t, silk_csv_reader *reader, const silk_csv_row *row,
                  silk_error *err)
{
    char shown[80], found[512];
    size_t i, used = 0;
    int r;

    if (row->n_fields == 1) {
        const silk_csv_field *f = &row->field[0];
        if (memchr(f->text, ';', f->len))
            return silk_ingest_error_at(
                err, SILK_EPARSE, t->path, f->line, 1,
                "the header has one field; the file seems to use ';' as "
                "delimiter, expected ','");
        if (memchr(f->text, '\t', f->len))
            return silk_ingest_error_at(
                err, SILK_EPARSE, t->path, f->line, 1,
                "the header has one field; the file seems to use tabs as "
                "delimiter, expected ','");
    }
    for (r = 0; r < N_ROLES; r++)
        t->column[r] = -1;
    for (i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        const char *name = f->text;
        size_t len = f->len;

        silk_ingest_trim(&name, &len);
        if (len == 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, t->path, f->line, i + 1,
                "column %zu of the header has no name; expected one of "
                ACCEPTED, i + 1);
        for (r = 0; r < N_ROLES; r++)
            if (strlen(role_names[r]) == len &&
                strncasecmp(name, role_names[r], len) == 0)
                break;
        if (r == N_ROLES)
            return silk_ingest_error_at(
                err, SILK_EPARSE, t->path, f->line, i + 1,
                "unknown column '%s'; expected one of " ACCEPTED,
                silk_ingest_show(name, len, shown, sizeof shown));
        if (t->column[r] >= 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, t->path, f->line, i + 1,
                "duplicate column '%s' (also column %d); expected each "
                "column once", role_names[r], t->column[r] + 1);
        t->column[r] = (int)i;
        t->names[i] = role_names[r];
    }
    for (r = 0; r < N_REQUIRED; r++)
        if (t->column[r] < 0)
            break;
    if (r < N_REQUIRED) {
        char missing[128] = "";
        size_t m = 0, count = 0;

        for (r = 0; r < N_REQUIRED; r++) {
            if (t->column[r] >= 0)
                continue;
            m += (size_t)snprintf(missing + m, sizeof missing - m, "%s'%s'",
                                  count ? ", " : "", role_names[r]);
            count++;
        }
        for (i = 0; i < row->n_stored && used + 4 < sizeof found; i++) {
            if (i > 0)
                found[used++] = ',';
            silk_ingest_show(row->field[i].text, row->field[i].len,
                             found + used, sizeof found - used);
            used += strlen(found + used);
        }
        found[used] = '\0';
        return silk_ingest_error_at(
            err, SILK_EPARSE, t->path, row->line, 1,
            "the header lacks the column%s %s; expected " ACCEPTED
            "; found '%s'", count > 1 ? "s" : "", missing, found);
    }
    t->n_columns = row->n_fields;
    t->have_header = true;
    silk_csv_set_names(reader, t->names, t->n_columns);
    return SILK_OK;
}

static int field_error(tidy *t, silk_error *err, const silk_csv_field *f,
                       size_t column, const char *what, const char *expected)
{
    char shown[80];

    return silk_ingest_error_at(
        err, SILK_EPARSE, t->path, f->line, column,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        t->names[column - 1], what, expected);
}

static int text_error(tidy *t, silk_error *err, const silk_csv_field *f,
                      size_t column, size_t at)
{
    unsigned char byte = (unsigned char)f->text[at];

    if (byte < 0x20 || byte == 0x7F)
        return silk_ingest_error_at(
            err, SILK_EPARSE, t->path, f->line, column,
            "control character 0x%02x at byte %zu of column '%s'; expected "
            "printable text on one line", byte, at + 1,
            t->names[column - 1]);
    return silk_ingest_error_at(
        err, SILK_EPARSE, t->path, f->line, column,
        "invalid UTF-8 (byte 0x%02x) at byte %zu of column '%s'; save the "
        "file as UTF-8", byte, at + 1, t->names[column - 1]);
}

/* Codes, periods, numbers and flags: spaces around them are reported as
 * such, since "AFG " looks right in a spreadsheet. */
static bool padded(const silk_csv_field *f)
{
    return f->len > 0 && (is_blank(f->text[0]) || is_blank(f->text[f->len - 1]));
}

/* The row-level sanity checks (problems.h).  texts: period, value,
 * indicator, origin, destination, unit (may be NULL). */
static void warn(const tidy *t, const silk_ingest_options *opt, size_t line,
                 silk_period period, double value, const char *const texts[6],
                 size_t period_len, size_t value_len)
{
    silk_ingest_check_year(opt, t->path, line,
                           (size_t)t->column[ROLE_PERIOD] + 1, "period",
                           texts[0], period_len, period);
    silk_ingest_check_count(opt, t->path, line,
                            (size_t)t->column[ROLE_VALUE] + 1, "value",
                            texts[1], value_len, texts[2], texts[5], value);
    silk_ingest_check_pair(opt, t->path, line,
                           (size_t)t->column[ROLE_DESTINATION] + 1, texts[2],
                           texts[3], texts[4], value);
}

typedef struct warned_row {
    size_t line;
    silk_period period;
    double value;
    bool has_unit;
} warned_row;

/* Appends a row that warned in a later part to t->log. */
static int log_warned(tidy *t, size_t line, silk_period period, double value,
                      const char *const texts[6])
{
    warned_row w = {line, period, value, texts[5] != NULL};
    size_t need = sizeof w;
    for (int k = 0; k < 6; k++)
        need += (texts[k] ? strlen(texts[k]) : 0) + 1;
    if (atomic_fetch_add(t->log_total, need) + need > WARNED_MAX)
        return SILK_ENOMEM;
    if (t->log_len + need > t->log_cap) {
        size_t cap = t->log_cap ? t->log_cap : 4096;
        while (cap < t->log_len + need)
            cap *= 2;
        unsigned char *grown = realloc(t->log, cap);
        if (grown == NULL)
            return SILK_ENOMEM;
        t->log = grown;
        t->log_cap = cap;
    }
    memcpy(t->log + t->log_len, &w, sizeof w);
    t->log_len += sizeof w;
    for (int k = 0; k < 6; k++) {
        size_t len = texts[k] ? strlen(texts[k]) : 0;
        if (len)
            memcpy(t->log + t->log_len, texts[k], len);
        t->log[t->log_len + len] = '\0';
        t->log_len += len + 1;
    }
    return SILK_OK;
}

/* A later part's warnings into the first's collector, in line order,
 * as one pass would have given them. */
static void replay_warned(const tidy *first, const tidy *part,
                          size_t lines_before)
{
    size_t at = 0;
    while (at < part->log_len) {
        warned_row w;
        const char *texts[6];
        memcpy(&w, part->log + at, sizeof w);
        at += sizeof w;
        for (int k = 0; k < 6; k++) {
            texts[k] = (const char *)part->log + at;
            at += strlen(texts[k]) + 1;
        }
        if (!w.has_unit)
            texts[5] = NULL;
        warn(first, first->opt, w.line + lines_before, w.period, w.value,
             texts, strlen(texts[0]), strlen(texts[1]));
    }
}

/* A code (three capital letters, or empty) as one number: rows of a
 * series repeat their codes, and two numbers compare at once. */
static uint32_t code_key(const silk_csv_field *f)
{
    const unsigned char *t = (const unsigned char *)f->text;
    if (f->len != 3)
        return (uint32_t)f->len; /* empty (checked before) */
    return 3u | (uint32_t)t[0] << 8 | (uint32_t)t[1] << 16 |
           (uint32_t)t[2] << 24;
}

static int data_row(tidy *t, const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f;
    const char *unit = NULL, *source = NULL;
    silk_period period = {SILK_FREQ_NONE, 0, 0};
    uint32_t flags = 0;
    double value = NAN;
    size_t c, at;
    int r, status;
    bool same_indicator = false;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != t->n_columns) {
        size_t column = (row->n_fields < t->n_columns ? row->n_fields
                                                      : t->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, t->path, row->line, column,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            t->n_columns);
    }
    /* unrolled, each role's case is chosen at compile time */
#pragma GCC unroll 8
    for (r = 0; r < N_ROLES; r++) {
        if (t->column[r] < 0)
            continue;
        c = (size_t)t->column[r];
        f = &row->field[c];
        /* a code equal to the last row's passed its checks then: the
         * rows of a series repeat it */
        if (r == ROLE_ORIGIN && t->have_key && code_key(f) == t->key_origin)
            continue;
        if (r == ROLE_DESTINATION && t->have_key &&
            code_key(f) == t->key_destination)
            continue;
        if (r < ROLE_UNIT && padded(f))
            return field_error(t, err, f, c + 1,
                               "has spaces around it",
                               "the text alone, without spaces");
        switch (r) {
        case ROLE_INDICATOR:
            if (f->len > 0 && f->len == t->last_indicator_len &&
                memcmp(f->text, t->last_indicator, f->len) == 0) {
                same_indicator = true;
                break;
            }
            if (!silk_indicator_name_valid(f->text, f->len))
                return field_error(
                    t, err, f, c + 1, "is not an indicator name",
                    "1-64 letters, digits, '_', '.' or '-', not starting "
                    "with '.' or '-'");
            memcpy(t->last_indicator, f->text, f->len);
            t->last_indicator_len = f->len;
            t->have_key = false;
            break;
        case ROLE_ORIGIN:
            if (!silk_code_valid(f->text, f->len))
                return field_error(t, err, f, c + 1, "is not a country code",
                                   "three capital letters such as AFG");
            break;
        case ROLE_DESTINATION:
            if (f->len > 0 && !silk_code_valid(f->text, f->len))
                return field_error(t, err, f, c + 1, "is not a country code",
                                   "three capital letters such as IRN, or an "
                                   "empty field for a country-level value");
            break;
        case ROLE_PERIOD:
            if (silk_period_parse(f->text, f->len, &period) != SILK_OK)
                return field_error(t, err, f, c + 1, "is not a period",
                                   "YYYY, YYYY-Qn or YYYY-MM such as 2024, "
                                   "2024-Q3 or 2024-07");
            break;
        case ROLE_VALUE:
            if (f->len == 0)
                break;
            status = silk_ingest_number(f->text, f->len, &value);
            if (status == -2)
                return field_error(t, err, f, c + 1, "is out of range",
                                   "a finite decimal value");
            if (status != 0)
                return field_error(t, err, f, c + 1, "is not a number",
                                   "a decimal value such as 1234 or 12.5, "
                                   "or an empty field for missing");
            break;
        case ROLE_FLAG:
            if (f->len > 0 &&
                silk_flags_parse(f->text, f->len, &flags) != SILK_OK)
                return field_error(t, err, f, c + 1, "is not a flag",
                                   "letters a-z such as p (provisional) or "
                                   "e (estimated), or '*' (redacted)");
            break;
        case ROLE_UNIT:
        case ROLE_SOURCE:
            at = silk_ingest_text_check(f->text, f->len);
            if (at < f->len)
                return text_error(t, err, f, c + 1, at);
            if (r == ROLE_UNIT)
                unit = f->text;
            else
                source = f->text;
            break;
        default:
            break;
        }
    }
    const silk_csv_field *ind = &row->field[t->column[ROLE_INDICATOR]];
    const silk_csv_field *o = &row->field[t->column[ROLE_ORIGIN]];
    const silk_csv_field *d = &row->field[t->column[ROLE_DESTINATION]];
    uint32_t o_key = code_key(o), d_key = code_key(d);
    /* sanity warnings: the row is still read.  warn runs only where one
     * of its checks can fire: a year out of range, a negative value, the
     * same code twice. */
    if (t->checks && (period.year < t->year_lo || period.year > t->year_hi ||
                      value < 0 || o_key == d_key)) {
        const silk_csv_field *p = &row->field[t->column[ROLE_PERIOD]];
        const silk_csv_field *v = &row->field[t->column[ROLE_VALUE]];
        const char *texts[6] = {p->text, v->text, ind->text,
                                o->text, d->text,  unit};
        warn(t, t->opt, row->line, period, value, texts, p->len, v->len);
        if (t->later_part && t->own_problems != NULL &&
            silk_problems_warning_count(t->own_problems) != t->warned) {
            t->warned = silk_problems_warning_count(t->own_problems);
            if (log_warned(t, row->line, period, value, texts) != SILK_OK)
                return SILK_CSV_STOP; /* too many: read the rest again */
        }
    }
    c = (size_t)t->column[ROLE_VALUE];
    status = SILK_OK;
    if (!t->have_key || !same_indicator || o_key != t->key_origin ||
        d_key != t->key_destination) {
        t->have_key = false;
        status = silk_batch_key_find(t->batch, ind->text, o->text, d->text,
                                     &t->key, err);
        if (status == SILK_OK) {
            t->have_key = true;
            t->key_origin = o_key;
            t->key_destination = d_key;
        }
    }
    /* the value's column, so that a later jump warning can name it */
    if (status == SILK_OK)
        status = silk_batch_put_key(t->batch, &t->key, period, value, flags,
                                    unit, source, t->file_index, row->line,
                                    c + 1, err);
    if (status != SILK_OK)
        return silk_error_prefix(err, "%s:%zu:%zu: ", t->path, row->line,
                                 c + 1);
    t->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    tidy *t = ctx;

    if (!t->have_header)
        return header(t, reader, row, err);
    /* every error of a data row concerns that row alone: with --check it
     * is recorded and the next row read */
    return silk_ingest_row_problem(t->opt, data_row(t, row, err), err);
}

/* The first record only: the later parts' copy of the header. */
static int header_row(silk_csv_reader *reader, void *ctx,
                      const silk_csv_row *row, silk_error *err)
{
    int status = header(ctx, reader, row, err);
    return status == SILK_OK ? SILK_CSV_STOP : status;
}

/* silk_csv_split.join: a later part's cells into the first's batch,
 * then its warnings, then its row count. */
static int join(void *first, void *part, size_t lines_before,
                silk_error *err)
{
    tidy *a = first, *b = part;
    int status = silk_batch_merge(a->batch, b->batch, a->file_index,
                                  lines_before, err);
    if (status == SILK_ECONFLICT)
        return SILK_CSV_RETRY; /* its message comes from one pass */
    if (status != SILK_OK)
        return status;
    replay_warned(a, b, lines_before);
    a->rows += b->rows;
    return SILK_OK;
}

/* silk_csv_split.part_new: a context for a later part, made from the
 * one that read the header (read_split's). */
static void *part_new(void *arg, silk_error *err)
{
    const tidy *proto = arg;
    tidy *t = malloc(sizeof *t);
    if (t == NULL) {
        silk_error_set(err, SILK_ENOMEM, "out of memory");
        return NULL;
    }
    *t = *proto; /* the prototype owns nothing: these are the part's */
    t->batch = NULL;
    t->own_problems = NULL;
    if (silk_batch_alloc(&t->batch, err) != SILK_OK) {
        free(t);
        return NULL;
    }
    if (proto->opt != NULL && proto->opt->problems != NULL) {
        t->own_opt = *proto->opt;
        if (silk_problems_alloc(false, &t->own_problems, err) != SILK_OK) {
            silk_batch_free(t->batch);
            free(t);
            return NULL;
        }
        t->own_opt.problems = t->own_problems;
        t->opt = &t->own_opt;
    }
    return t;
}

static void part_free(void *part)
{
    tidy *t = part;
    if (t == NULL)
        return;
    silk_batch_free(t->batch);
    silk_problems_free(t->own_problems);
    free(t->log);
    free(t);
}

/*
 * The read in parts.  Later parts need the header's column roles before
 * their first row, so a short read of the first record fills a prototype
 * that every part's context copies; if that read fails or finds no
 * header, the file is read in one pass, which reports the problem exactly
 * as before.  Each later part puts into a batch of its own and counts its
 * warnings in a collector of its own, logging the rows that warned; join
 * merges the batch (silk_batch_merge says when that would differ from one
 * pass: a duplicate key across the parts, a unit or frequency clash) and
 * replays the logged rows through the same checks with the true line
 * numbers.  Any error in a later part makes the reader read the rest
 * again from there with the first context, so every message is that of
 * one pass.  --check
 * (a collector of errors) always reads in one pass: its errors do not
 * stop the read, and their order is the file's.  Fills *digest (still
 * being computed) or, when the file is read in one pass after all,
 * sha256.
 */
static int read_split(tidy *t, char delimiter, silk_digest **digest,
                      char sha256[65], uint64_t *bytes, silk_error *err)
{
    tidy proto;
    atomic_size_t log_total;
    char unused[65];
    uint64_t ignored = 0;
    silk_error header_err = {0};
    int status;

    memset(&proto, 0, sizeof proto);
    proto.path = t->path;
    proto.opt = t->opt;
    proto.file_index = t->file_index;
    proto.later_part = true;
    proto.checks = t->checks;
    proto.year_lo = t->year_lo;
    proto.year_hi = t->year_hi;
    atomic_init(&log_total, 0);
    proto.log_total = &log_total;
    status = silk_csv_read_delim(t->path, delimiter, MAX_FIELDS, header_row,
                                 &proto, unused, &ignored, &header_err);
    if (status != SILK_OK || !proto.have_header)
        return silk_csv_read_delim(t->path, delimiter, MAX_FIELDS, on_row, t,
                                   sha256, bytes, err);
    silk_csv_split split = {on_row, t, part_new, &proto, join, part_free};
    return silk_csv_read_split(t->path, delimiter, MAX_FIELDS, &split, digest,
                               bytes, err);
}

static int read_file(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch,
                     uint64_t *rows_out, silk_error *err)
{
    tidy t;
    char sha256[65] = "";
    silk_digest *digest = NULL;
    uint64_t bytes = 0;
    char delimiter = opt ? opt->delimiter : 0;
    int status;

    memset(&t, 0, sizeof t);
    t.path = path;
    t.opt = opt;
    t.file_index = file_index;
    t.batch = batch;
    t.checks = silk_ingest_year_range(opt, &t.year_lo, &t.year_hi);
    if (rows_out != NULL)
        *rows_out = 0;
    if ((opt == NULL || !silk_problems_collect_errors(opt->problems)) &&
        silk_csv_can_split(path))
        status = read_split(&t, delimiter, &digest, sha256, &bytes, err);
    else
        status = silk_csv_read_delim(path, delimiter, MAX_FIELDS, on_row, &t,
                                     sha256, &bytes, err);
    if (status == SILK_OK && !t.have_header)
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header row naming the columns " ACCEPTED,
            path, bytes == 0 ? "empty file" : "no header row (only blank lines)");
    if (status != SILK_OK) {
        silk_digest_free(digest);
        return status;
    }
    if (digest != NULL)
        status = silk_batch_add_provenance_digest(batch, file_index, path,
                                                  digest, bytes, t.rows, err);
    else
        status = silk_batch_add_provenance(batch, file_index, path, sha256,
                                           t.rows, err);
    if (status != SILK_OK)
        return status;
    if (rows_out != NULL)
        *rows_out = t.rows;
    return SILK_OK;
}

int silk_ingest_tidy(const char *path, unsigned file_index, silk_batch *batch,
                     uint64_t *rows_out, silk_error *err)
{
    return read_file(path, NULL, file_index, batch, rows_out, err);
}

/* The header names the five required columns: 100 (nothing else decides:
 * the reader then reports unknown ones precisely).  Three or four of them
 * (a typo, a missing or a repeated column): 50, below every other
 * format's full match, so such a header gets the tidy reader's precise
 * message rather than "matches no known format". */
static int detect(const silk_sniff *sniff)
{
    size_t found = silk_sniff_columns(sniff, role_names, N_REQUIRED);
    return found == N_REQUIRED ? 100 : found >= 3 ? 50 : 0;
}

static int read_tidy(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch, uint64_t *rows,
                     silk_error *err)
{
    return read_file(path, opt, file_index, batch, rows, err);
}

const silk_format silk_format_tidy = {
    "tidy",
    "indicator,origin,destination,period,value[,flag,unit,source]: "
    "silkstat's own long form",
    detect, read_tidy};
