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
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "problems.h"

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

static int data_row(tidy *t, const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f;
    const char *unit = NULL, *source = NULL;
    silk_period period = {SILK_FREQ_NONE, 0, 0};
    uint32_t flags = 0;
    double value = NAN;
    size_t c, at;
    int r, status;

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
    for (r = 0; r < N_ROLES; r++) {
        if (t->column[r] < 0)
            continue;
        c = (size_t)t->column[r];
        f = &row->field[c];
        if (r < ROLE_UNIT && padded(f))
            return field_error(t, err, f, c + 1,
                               "has spaces around it",
                               "the text alone, without spaces");
        switch (r) {
        case ROLE_INDICATOR:
            if (!silk_indicator_name_valid(f->text, f->len))
                return field_error(
                    t, err, f, c + 1, "is not an indicator name",
                    "1-64 letters, digits, '_', '.' or '-', not starting "
                    "with '.' or '-'");
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
    /* sanity warnings: the row is still read */
    c = (size_t)t->column[ROLE_PERIOD];
    silk_ingest_check_year(t->opt, t->path, row->line, c + 1, "period",
                           row->field[c].text, row->field[c].len, period);
    c = (size_t)t->column[ROLE_VALUE];
    silk_ingest_check_count(t->opt, t->path, row->line, c + 1, "value",
                            row->field[c].text, row->field[c].len,
                            row->field[t->column[ROLE_INDICATOR]].text, unit,
                            value);
    silk_ingest_check_pair(t->opt, t->path, row->line,
                           (size_t)t->column[ROLE_DESTINATION] + 1,
                           row->field[t->column[ROLE_INDICATOR]].text,
                           row->field[t->column[ROLE_ORIGIN]].text,
                           row->field[t->column[ROLE_DESTINATION]].text,
                           value);
    status = silk_batch_put(
        t->batch, row->field[t->column[ROLE_INDICATOR]].text,
        row->field[t->column[ROLE_ORIGIN]].text,
        row->field[t->column[ROLE_DESTINATION]].text, period, value, flags,
        unit, source, t->file_index, row->line, err);
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

static int read_file(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch,
                     uint64_t *rows_out, silk_error *err)
{
    tidy t;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    memset(&t, 0, sizeof t);
    t.path = path;
    t.opt = opt;
    t.file_index = file_index;
    t.batch = batch;
    if (rows_out != NULL)
        *rows_out = 0;
    status = silk_csv_read_delim(path, opt ? opt->delimiter : 0, MAX_FIELDS,
                                 on_row, &t, sha256, &bytes, err);
    if (status != SILK_OK)
        return status;
    if (!t.have_header)
        return silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header row naming the columns " ACCEPTED,
            path, bytes == 0 ? "empty file" : "no header row (only blank lines)");
    status = silk_batch_add_provenance(batch, file_index, path, sha256, t.rows,
                                       err);
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
    if (sniff->n_records == 0)
        return 0;
    int found = 0;
    for (size_t r = 0; r < N_REQUIRED; r++)
        for (size_t i = 0; i < sniff->record[0].n_stored; i++) {
            const char *f = sniff->record[0].field[i];
            if (silk_ingest_field_is(f, strlen(f), role_names[r])) {
                found++;
                break;
            }
        }
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
