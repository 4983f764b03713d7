/*
 * mapping.c: any other long or wide table, read through a column mapping
 * the user gives (a national office's spreadsheet export, a researcher's
 * own table), so such a file is read without editing it:
 *
 *   long   --column origin=COL [--column destination=COL]
 *          --column period=COL --value-columns A[,B...]
 *   wide   --column origin=COL [--column destination=COL]
 *          --periods-as-columns --indicator NAME
 *
 * It is never detected: silk_ingest_file picks it when the options map
 * columns (opt->origin_column and friends).  Rules (tests/unit/
 * test_mapping.c cites them by number):
 *   1. Header names match the mapping without case and surrounding
 *      spaces; a mapped name missing from the header, or found twice, is
 *      an error that lists the header.  Columns the mapping does not name
 *      are ignored (a national table has notes, names beside codes, ...).
 *   2. Long: each value column becomes an indicator named after the
 *      column, or --indicator when there is exactly one value column (a
 *      column name that is not an indicator name then needs it).
 *   3. Wide: every other column whose header is a period (2023, 2023-Q1,
 *      2023-01, 2023Q1, 2023M01) is a value column of that period, all of
 *      one frequency; the indicator is --indicator (required).
 *   4. Countries: with the country table (opt->countries) a cell may be a
 *      code or any name or alias the table knows ("Islamic Republic of
 *      Iran"), and aggregates go to "<indicator>.aggregates"; without it
 *      cells must be three-letter codes.  An empty destination cell is a
 *      country-level value, as in the tidy format; without a destination
 *      column every value is country-level.
 *   5. Values: the missing markers "", "..", ":", "-" and "NA" are missing
 *      (NaN), never zero.  In the long layout every row names its cell,
 *      so a missing value is stored as a gap; in the wide layout an empty
 *      cell is no data (a grid has empty cells for periods not yet
 *      published, which must not overwrite stored values) while an
 *      explicit marker is stored as a gap.
 *   6. Numbers as national offices write them: spaces (also U+00A0 and
 *      U+202F) and apostrophes between digits are thousands separators;
 *      in a file not delimited by ',' a single ',' with no '.' is the
 *      decimal mark (1 234,5).  A '.' is always the decimal mark, never a
 *      thousands separator (1.234 is one point two three four).
 *   7. Every row has as many fields as the header; blank lines are
 *      skipped.
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

#define MAX_FIELDS 4096
#define NUMBER_MAX 64

typedef struct text {
    const char *s;
    size_t len;
} text;

/* A country cell resolved on the previous row: tables repeat one origin
 * or destination over many rows. */
typedef struct memo {
    char text[128];
    size_t len;
    const char *code;
} memo;

typedef struct mapping {
    const char *path;
    const silk_ingest_options *opt;
    unsigned file_index;
    silk_batch *batch;
    bool wide;
    bool decimal_comma; /* rule 6 */
    bool have_header;
    size_t n_columns;
    long origin, destination, period; /* field index, -1 if not mapped */
    /* The value columns: names as given, field index, indicator. */
    size_t n_values;
    char **value_name;
    long *value_column;
    char **indicator;
    silk_period *column_period; /* wide: per field, freq NONE if no period */
    char **names; /* header cells, for messages */
    memo memo[2];
    uint64_t rows;
} mapping;

static text trim(const char *s, size_t len)
{
    text t = {s, len};
    silk_ingest_trim(&t.s, &t.len);
    return t;
}

static void release(mapping *m)
{
    for (size_t i = 0; i < m->n_values; i++) {
        free(m->value_name[i]);
        if (m->indicator && m->indicator[i] != m->opt->indicator)
            free(m->indicator[i]);
    }
    free(m->value_name);
    free(m->value_column);
    free(m->indicator);
    if (m->names != NULL)
        for (size_t c = 0; c < m->n_columns; c++)
            free(m->names[c]);
    free(m->names);
    free(m->column_period);
}

static int bad_indicator(silk_error *err, const char *what, const char *name)
{
    return silk_error_set(
        err, SILK_EINVAL,
        "%s '%s' is not an indicator name; expected 1-64 letters, digits, "
        "'_', '.' or '-', not starting with '.' or '-'%s", what, name,
        what[0] == 'v' ? " (or --indicator NAME for a single value column)"
                       : "");
}

/* The options alone, before the file is opened. */
static int check_options(mapping *m, silk_error *err)
{
    const silk_ingest_options *opt = m->opt;
    const char *indicator = opt->indicator;

    if (opt->origin_column == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "the mapping format needs the origin column; "
                              "expected --column origin=COL");
    if (indicator != NULL &&
        !silk_indicator_name_valid(indicator, strlen(indicator)))
        return bad_indicator(err, "--indicator", indicator);
    if (m->wide) {
        if (opt->period_column != NULL || opt->value_columns != NULL)
            return silk_error_set(
                err, SILK_EINVAL,
                "--periods-as-columns takes the periods and values from the "
                "column names; expected no --column period=COL and no "
                "--value-columns with it");
        if (indicator == NULL)
            return silk_error_set(
                err, SILK_EINVAL,
                "a table with periods as columns does not name its "
                "indicator; expected --indicator NAME");
        return SILK_OK;
    }
    if (opt->period_column == NULL || opt->value_columns == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "the mapping format needs %s; expected --column period=COL and "
            "--value-columns A[,B...] (or --periods-as-columns for a table "
            "with one column per period)",
            opt->period_column == NULL ? "the period column"
                                       : "the value columns");

    /* rule 2: split --value-columns */
    const char *p = opt->value_columns, *end = p + strlen(p);
    size_t n = 1;
    for (const char *q = p; q < end; q++)
        n += *q == ',';
    m->value_name = calloc(n, sizeof *m->value_name);
    m->value_column = calloc(n, sizeof *m->value_column);
    m->indicator = calloc(n, sizeof *m->indicator);
    if (!m->value_name || !m->value_column || !m->indicator)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        text name = trim(p, (size_t)((comma ? comma : end) - p));
        if (name.len == 0)
            return silk_error_set(
                err, SILK_EINVAL,
                "--value-columns '%s' has an empty name; expected column "
                "names separated by commas", opt->value_columns);
        m->value_name[m->n_values] = strndup(name.s, name.len);
        if (m->value_name[m->n_values] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        m->n_values++;
        p += (size_t)((comma ? comma : end) - p) + 1;
    }
    if (indicator != NULL && m->n_values > 1)
        return silk_error_set(
            err, SILK_EINVAL,
            "--indicator names one indicator but --value-columns gives %zu; "
            "expected one value column with --indicator, or none (each "
            "column then names its indicator)", m->n_values);
    for (size_t i = 0; i < m->n_values; i++) {
        if (indicator != NULL) {
            m->indicator[i] = (char *)indicator;
            continue;
        }
        if (!silk_indicator_name_valid(m->value_name[i],
                                       strlen(m->value_name[i])))
            return bad_indicator(err, "value column", m->value_name[i]);
        m->indicator[i] = strdup(m->value_name[i]);
        if (m->indicator[i] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    return SILK_OK;
}

/* "'a', 'b', 'c'" for messages: what the header holds. */
static void list_header(const silk_csv_row *row, char *buf, size_t size)
{
    char shown[80];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < row->n_stored && used + 8 < size; i++)
        used += (size_t)snprintf(
            buf + used, size - used, "%s'%s'", i ? ", " : "",
            silk_ingest_show(row->field[i].text, row->field[i].len, shown,
                             sizeof shown));
}

/* Rule 1: the field index of a mapped name. */
static int find_column(mapping *m, const silk_csv_row *row, const char *name,
                       const char *option, long *out, silk_error *err)
{
    char found[512];
    *out = -1;
    for (size_t i = 0; i < row->n_stored; i++) {
        if (!silk_ingest_field_is(row->field[i].text, row->field[i].len,
                                  name))
            continue;
        if (*out >= 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, m->path, row->field[i].line, i + 1,
                "column '%s' (%s) is in the header twice, as columns %ld and "
                "%zu; expected a name that picks one column", name, option,
                *out + 1, i + 1);
        *out = (long)i;
    }
    if (*out >= 0)
        return SILK_OK;
    list_header(row, found, sizeof found);
    return silk_ingest_error_at(
        err, SILK_EPARSE, m->path, row->line, 1,
        "the header has no column '%s' (%s); found %s", name, option, found);
}

static int header(mapping *m, silk_csv_reader *reader,
                  const silk_csv_row *row, silk_error *err)
{
    const silk_ingest_options *opt = m->opt;
    char option[160], shown[80];
    int status;

    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, m->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected at most %d", row->n_fields,
            MAX_FIELDS);
    m->n_columns = row->n_fields;
    m->names = calloc(row->n_stored, sizeof *m->names);
    m->column_period = calloc(row->n_stored, sizeof *m->column_period);
    if (m->names == NULL || m->column_period == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t c = 0; c < row->n_stored; c++) {
        text t = trim(row->field[c].text, row->field[c].len);
        m->names[c] = strndup(t.s, t.len);
        if (m->names[c] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }

    snprintf(option, sizeof option, "--column origin=%s", opt->origin_column);
    status = find_column(m, row, opt->origin_column, option, &m->origin, err);
    m->destination = m->period = -1;
    if (status == SILK_OK && opt->destination_column != NULL) {
        snprintf(option, sizeof option, "--column destination=%s",
                 opt->destination_column);
        status = find_column(m, row, opt->destination_column, option,
                             &m->destination, err);
    }
    if (status == SILK_OK && opt->period_column != NULL) {
        snprintf(option, sizeof option, "--column period=%s",
                 opt->period_column);
        status = find_column(m, row, opt->period_column, option, &m->period,
                             err);
    }
    for (size_t i = 0; status == SILK_OK && i < m->n_values; i++)
        status = find_column(m, row, m->value_name[i], "--value-columns",
                             &m->value_column[i], err);
    if (status != SILK_OK)
        return status;

    if (m->wide) { /* rule 3 */
        silk_freq freq = SILK_FREQ_NONE;
        size_t n = 0, first = 0;
        for (size_t c = 0; c < row->n_stored; c++) {
            const silk_csv_field *f = &row->field[c];
            silk_period p;
            if ((long)c == m->origin || (long)c == m->destination ||
                silk_ingest_period(f->text, f->len, &p) != SILK_OK)
                continue;
            if (freq != SILK_FREQ_NONE && p.freq != freq)
                return silk_ingest_error_at(
                    err, SILK_EPARSE, m->path, f->line, c + 1,
                    "'%s' in the header is a period of another frequency "
                    "than '%s'; expected one frequency per file",
                    silk_ingest_show(f->text, f->len, shown, sizeof shown),
                    m->names[first]);
            if (n == 0)
                first = c;
            silk_ingest_check_year(m->opt, m->path, f->line, c + 1,
                                   m->names[c], f->text, f->len, p);
            freq = p.freq;
            m->column_period[c] = p;
            n++;
        }
        if (n == 0) {
            char found[512];
            list_header(row, found, sizeof found);
            return silk_ingest_error_at(
                err, SILK_EPARSE, m->path, row->line, 1,
                "the header has no period column (--periods-as-columns); "
                "expected columns named like 2023, 2023-Q1 or 2023-01; "
                "found %s", found);
        }
    }
    m->have_header = true;
    silk_csv_set_names(reader, (const char *const *)m->names, row->n_stored);
    return SILK_OK;
}

static int field_error(mapping *m, silk_error *err, const silk_csv_field *f,
                       size_t column, const char *what, const char *expected)
{
    char shown[80];
    return silk_ingest_error_at(
        err, SILK_EPARSE, m->path, f->line, column,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        m->names[column - 1], what, expected);
}

/* Rule 4. */
static int country(mapping *m, const silk_csv_row *row, long column,
                   memo *seen, const char **code, silk_error *err)
{
    const silk_csv_field *f = &row->field[column];
    text t = trim(f->text, f->len);
    const silk_countries *countries = m->opt->countries;

    if (t.len == 0) {
        if (seen == &m->memo[1]) {
            *code = "";
            return SILK_OK;
        }
        return field_error(m, err, f, (size_t)column + 1, "is empty",
                           "the origin country");
    }
    if (countries == NULL) {
        if (!silk_code_valid(t.s, t.len))
            return field_error(m, err, f, (size_t)column + 1,
                               "is not a country code",
                               "three capital letters such as AFG (give the "
                               "country table to read names)");
        if (f->len != t.len || f->text[t.len] != '\0') {
            /* a padded code: copy it out so the batch sees the code alone */
            memcpy(seen->text, t.s, t.len);
            seen->text[t.len] = '\0';
            *code = seen->text;
            seen->code = NULL;
            seen->len = 0;
            return SILK_OK;
        }
        *code = f->text;
        return SILK_OK;
    }
    if (seen->code != NULL && seen->len == t.len &&
        memcmp(seen->text, t.s, t.len) == 0) {
        *code = seen->code;
        return SILK_OK;
    }
    int status = silk_countries_resolve(countries, t.s, t.len, code, err);
    if (status != SILK_OK)
        return silk_error_prefix(err, "%s:%zu:%ld: ", m->path, f->line,
                                 column + 1);
    if (t.len < sizeof seen->text) {
        memcpy(seen->text, t.s, t.len);
        seen->len = t.len;
        seen->code = *code;
    }
    return SILK_OK;
}

/* Rule 6: copies a number as a national office writes it into the form
 * silk_ingest_number reads; false if it cannot be one. */
static bool normalise(const mapping *m, text t, char *out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)t.s;
    size_t n = 0, commas = 0, dots = 0;
    for (size_t i = 0; i < t.len; i++) {
        size_t skip = 0;
        if (s[i] == ' ' || s[i] == '\'')
            skip = 1;
        else if (s[i] == 0xC2 && i + 1 < t.len && s[i + 1] == 0xA0)
            skip = 2; /* U+00A0 no-break space */
        else if (s[i] == 0xE2 && i + 2 < t.len && s[i + 1] == 0x80 &&
                 s[i + 2] == 0xAF)
            skip = 3; /* U+202F narrow no-break space */
        if (skip) {
            /* a separator only between digits */
            if (n == 0 || out[n - 1] < '0' || out[n - 1] > '9' ||
                i + skip >= t.len || s[i + skip] < '0' || s[i + skip] > '9')
                return false;
            i += skip - 1;
            continue;
        }
        if (n + 1 >= NUMBER_MAX)
            return false;
        commas += s[i] == ',';
        dots += s[i] == '.';
        out[n++] = (char)s[i];
    }
    if (commas > 0) {
        if (!m->decimal_comma || commas > 1 || dots > 0)
            return false;
        *strchr(out, ',') = '.';
    }
    out[n] = '\0';
    *out_len = n;
    return true;
}

/* 0 and the value, 1 for missing (2 when the cell is empty), or the
 * status after an error. */
static int cell(mapping *m, const silk_csv_field *f, size_t column,
                double *value, silk_error *err)
{
    text t = trim(f->text, f->len);
    char number[NUMBER_MAX];
    size_t len = 0;
    int status;

    if (t.len == 0)
        return -1;
    if (silk_ingest_is_missing(t.s, t.len, true))
        return 1;
    status = normalise(m, t, number, &len)
                 ? silk_ingest_number(number, len, value)
                 : -1;
    if (status == -2)
        return field_error(m, err, f, column, "is out of range",
                           "a finite decimal value");
    if (status != 0)
        return field_error(m, err, f, column, "is not a number",
                           m->decimal_comma
                               ? "a number such as 1234, 1 234 or 12,5, or "
                                 "'..', ':', '-', 'NA' or an empty field for "
                                 "missing"
                               : "a number such as 1234, 1 234 or 12.5, or "
                                 "'..', ':', '-', 'NA' or an empty field for "
                                 "missing");
    return 0;
}

static int put(mapping *m, const silk_csv_row *row, size_t column,
               const char *indicator, const char *origin,
               const char *destination, silk_period period, double value,
               silk_error *err)
{
    silk_ingest_check_pair(m->opt, m->path, row->field[column].line,
                           column + 1, indicator, origin, destination, value);
    return silk_ingest_put(m->path, row->field[column].line, column + 1,
                           m->opt, m->batch, indicator, origin, destination,
                           period, value, 0, NULL, NULL, m->file_index, err);
}

static int data_row(mapping *m, const silk_csv_row *row, silk_error *err)
{
    const char *origin = NULL, *destination = "";
    silk_period period;
    double value;
    int status;

    if (row->n_fields != m->n_columns) { /* rule 7 */
        size_t column = (row->n_fields < m->n_columns ? row->n_fields
                                                      : m->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, m->path, row->line, column,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            m->n_columns);
    }
    status = country(m, row, m->origin, &m->memo[0], &origin, err);
    if (status == SILK_OK && m->destination >= 0)
        status = country(m, row, m->destination, &m->memo[1], &destination,
                         err);
    if (status != SILK_OK)
        return status;

    if (!m->wide) {
        const silk_csv_field *f = &row->field[m->period];
        if (silk_ingest_period(f->text, f->len, &period) != SILK_OK)
            return field_error(m, err, f, (size_t)m->period + 1,
                               "is not a period",
                               "2024, 2024-Q3 or 2024-07 (or 2024Q3, "
                               "2024M07)");
        silk_ingest_check_year(m->opt, m->path, f->line, (size_t)m->period + 1,
                               m->names[m->period], f->text, f->len, period);
        for (size_t i = 0; i < m->n_values; i++) {
            size_t c = (size_t)m->value_column[i];
            status = cell(m, &row->field[c], c + 1, &value, err);
            if (status == 1 || status == -1)
                value = NAN; /* rule 5: the row names the cell */
            else if (status != 0)
                return status;
            status = put(m, row, c, m->indicator[i], origin, destination,
                         period, value, err);
            if (status != SILK_OK)
                return status;
        }
        m->rows++;
        return SILK_OK;
    }
    for (size_t c = 0; c < row->n_stored; c++) {
        if (m->column_period[c].freq == SILK_FREQ_NONE)
            continue;
        status = cell(m, &row->field[c], c + 1, &value, err);
        if (status == -1)
            continue; /* rule 5: an empty cell of the grid is no data */
        if (status == 1)
            value = NAN;
        else if (status != 0)
            return status;
        status = put(m, row, c, m->opt->indicator, origin, destination,
                     m->column_period[c], value, err);
        if (status != SILK_OK)
            return status;
    }
    m->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    mapping *m = ctx;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (!m->have_header)
        return header(m, reader, row, err);
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(m->opt, data_row(m, row, err), err);
}

static int read_mapping(const char *path, const silk_ingest_options *opt,
                        unsigned file_index, silk_batch *batch,
                        uint64_t *rows_out, silk_error *err)
{
    static const silk_ingest_options none = {0};
    mapping m;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    if (rows_out != NULL)
        *rows_out = 0;
    memset(&m, 0, sizeof m);
    m.path = path;
    m.opt = opt ? opt : &none;
    m.file_index = file_index;
    m.batch = batch;
    m.wide = m.opt->periods_as_columns;
    m.decimal_comma = m.opt->delimiter != 0 && m.opt->delimiter != ',';
    status = check_options(&m, err);
    if (status != SILK_OK)
        goto done;
    status = silk_csv_read_delim(path, m.opt->delimiter, MAX_FIELDS, on_row,
                                 &m, sha256, &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!m.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE, "%s:1:1: %s; expected a header naming the "
            "mapped columns", path, bytes == 0 ? "empty file" : "no header row");
        goto done;
    }
    status = silk_batch_add_provenance(batch, file_index, path, sha256, m.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = m.rows;
done:
    release(&m);
    return status;
}

/* Never by its header: only a column mapping says how to read a table. */
static int detect(const silk_sniff *sniff)
{
    (void)sniff;
    return 0;
}

const silk_format silk_format_mapping = {
    "mapping",
    "any long or wide table through --column origin=COL [destination=COL "
    "period=COL] and --value-columns A,B or --periods-as-columns",
    detect, read_mapping};
