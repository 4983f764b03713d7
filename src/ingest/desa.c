/*
 * desa.c: UN DESA's bilateral International Migrant Stock table in its
 * wide form (datasets/undesa_ims2019_bilateral_stock_wide.csv):
 *
 *     Year,Dest,Afghanistan,Albania,...   (one column per origin)
 *     1990,Burundi,0,0,...
 *
 * A cell is the stock of people born in the column's country and living
 * in the row's Dest at mid-year.  Rules:
 *   1. DESA names countries and never codes them, so a country table
 *      (opt->countries) is required; every name, in the header and in Dest,
 *      is resolved through silk_countries_resolve, and an unknown one fails
 *      at its line:column with the resolver's suggestions.  The header is
 *      resolved once and the code kept per column; two columns resolving
 *      to one country are an error (their values would collide).
 *   2. Year is the period (annual); Dest the destination; the column the
 *      origin.  Regions among the Dest rows (Caribbean, Melanesia, ...) are
 *      aggregates in the table and go to "<indicator>.aggregates" through
 *      silk_ingest_put.
 *   3. ".." (not available; 341 cells in 2019) and "-" (not applicable:
 *      Albanians in Montenegro 1990-2005, before it existed; 4 cells), like
 *      an empty field, are missing: stored as NaN, never zero (the shared
 *      silk_ingest_is_missing rule).  "0" stays 0.  A stock is a count:
 *      negative values are an error.
 *   4. Indicator: --indicator or "migrant_stock"; unit persons.  The long
 *      table (desa_long.c) uses the same name, unit and source
 *      (SILK_DESA_* in format.h), so both layouts feed one indicator.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "problems.h"

/* The 2019 table has 234 columns; later revisions add a few countries. */
#define MAX_FIELDS 512

typedef struct desa {
    const char *path;
    const silk_ingest_options *opt;
    const char *indicator;
    unsigned file_index;
    silk_batch *batch;
    bool have_header;
    size_t n_columns;
    int year_column, dest_column;
    char **names;          /* header texts, for "in column 'x'" */
    const char **origin;   /* per column: its code (borrowed), or NULL */
    size_t n_names;
    uint64_t rows;
} desa;

static int field_error(const desa *d, silk_error *err,
                       const silk_csv_field *f, size_t column,
                       const char *what, const char *expected)
{
    char shown[80];

    return silk_ingest_error_at(
        err, SILK_EPARSE, d->path, f->line, column,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        d->names[column - 1], what, expected);
}

static int header(desa *d, silk_csv_reader *reader, const silk_csv_row *row,
                  silk_error *err)
{
    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected at most %zu",
            row->n_fields, row->n_stored);
    d->names = calloc(row->n_stored, sizeof *d->names);
    d->origin = calloc(row->n_stored, sizeof *d->origin);
    if (d->names == NULL || d->origin == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    d->n_names = row->n_stored;
    for (size_t i = 0; i < row->n_stored; i++) {
        d->names[i] = strndup(row->field[i].text, row->field[i].len);
        if (d->names[i] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    d->year_column = d->dest_column = -1;
    for (size_t i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        char shown[80];

        if (d->year_column < 0 && silk_ingest_field_is(f->text, f->len, "Year")) {
            d->year_column = (int)i;
            continue;
        }
        if (d->dest_column < 0 && silk_ingest_field_is(f->text, f->len, "Dest")) {
            d->dest_column = (int)i;
            continue;
        }
        if (f->len == 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, d->path, f->line, i + 1,
                "column %zu of the header has no name; expected Year, Dest "
                "and one column per origin country", i + 1);
        int status = silk_countries_resolve(d->opt->countries, f->text, f->len,
                                            &d->origin[i], err);
        if (status != SILK_OK)
            return silk_error_prefix(err, "%s:%zu:%zu: ", d->path, f->line,
                                     i + 1);
        for (size_t j = 0; j < i; j++)
            if (d->origin[j] != NULL && strcmp(d->origin[j], d->origin[i]) == 0)
                return silk_ingest_error_at(
                    err, SILK_EPARSE, d->path, f->line, i + 1,
                    "'%s' names the same country (%s) as column %zu ('%s'); "
                    "expected each origin once",
                    silk_ingest_show(f->text, f->len, shown, sizeof shown),
                    d->origin[i], j + 1, d->names[j]);
    }
    if (d->year_column < 0 || d->dest_column < 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, row->line, 1,
            "the header lacks the column '%s'; expected Year, Dest and one "
            "column per origin country",
            d->year_column < 0 ? "Year" : "Dest");
    d->n_columns = row->n_fields;
    d->have_header = true;
    silk_csv_set_names(reader, (const char *const *)d->names, d->n_names);
    return SILK_OK;
}

static int data_row(desa *d, const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f;
    const char *destination;
    silk_period period;
    size_t c;
    int status;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != d->n_columns) {
        c = (row->n_fields < d->n_columns ? row->n_fields : d->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, row->line, c,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            d->n_columns);
    }
    c = (size_t)d->year_column;
    f = &row->field[c];
    if (silk_period_parse(f->text, f->len, &period) != SILK_OK ||
        period.freq != SILK_FREQ_ANNUAL)
        return field_error(d, err, f, c + 1, "is not a year",
                           "YYYY such as 2019");
    silk_ingest_check_year(d->opt, d->path, f->line, c + 1, d->names[c],
                           f->text, f->len, period);
    c = (size_t)d->dest_column;
    f = &row->field[c];
    status = silk_countries_resolve(d->opt->countries, f->text, f->len,
                                    &destination, err);
    if (status != SILK_OK)
        return silk_error_prefix(err, "%s:%zu:%zu: ", d->path, f->line, c + 1);

    for (c = 0; c < row->n_stored; c++) {
        double value = NAN;

        if (d->origin[c] == NULL)
            continue;
        f = &row->field[c];
        if (!silk_ingest_is_missing(f->text, f->len, false)) {
            int number = silk_ingest_number(f->text, f->len, &value);
            if (number == -2)
                return field_error(d, err, f, c + 1, "is out of range",
                                   "a finite count");
            if (number != 0)
                return field_error(d, err, f, c + 1, "is not a number",
                                   "a count such as 1234, or '..' for "
                                   "missing");
            if (value < 0)
                return field_error(d, err, f, c + 1, "is negative",
                                   "a count of 0 or more");
        }
        silk_ingest_check_pair(d->opt, d->path, row->line, c + 1,
                               d->indicator, d->origin[c], destination, value);
        status = silk_ingest_put(d->path, row->line, c + 1, d->opt, d->batch,
                                 d->indicator, d->origin[c], destination,
                                 period, value, 0, SILK_DESA_UNIT,
                                 SILK_DESA_SOURCE, d->file_index, err);
        if (status != SILK_OK)
            return status;
    }
    d->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    desa *d = ctx;

    if (!d->have_header)
        return header(d, reader, row, err);
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(d->opt, data_row(d, row, err), err);
}

static int read_desa(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch,
                     uint64_t *rows_out, silk_error *err)
{
    desa d;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    if (rows_out != NULL)
        *rows_out = 0;
    if (opt == NULL || opt->countries == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "%s:1:1: DESA tables name countries; expected the country table "
            "(datasets/countries.csv)", path);
    memset(&d, 0, sizeof d);
    d.path = path;
    d.opt = opt;
    d.indicator = opt->indicator ? opt->indicator : SILK_DESA_INDICATOR;
    d.file_index = file_index;
    d.batch = batch;

    status = silk_csv_read_delim(path, opt->delimiter, MAX_FIELDS, on_row, &d,
                                 sha256, &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!d.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header naming Year, Dest and one column "
            "per origin country", path,
            bytes == 0 ? "empty file" : "no header row");
        goto done;
    }
    status = silk_batch_add_provenance(batch, file_index, path, sha256, d.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = d.rows;
done:
    for (size_t i = 0; i < d.n_names; i++)
        free(d.names[i]);
    free(d.names);
    free(d.origin);
    return status;
}

/* Year and Dest side by side, then at least one origin column. */
static int detect(const silk_sniff *sniff)
{
    if (sniff->n_records == 0 || sniff->record[0].n_fields < 3)
        return 0;
    bool year = false, dest = false;
    for (size_t i = 0; i < sniff->record[0].n_stored; i++) {
        const char *f = sniff->record[0].field[i];
        year |= silk_ingest_field_is(f, strlen(f), "Year");
        dest |= silk_ingest_field_is(f, strlen(f), "Dest");
    }
    return year && dest ? 90 : 0;
}

const silk_format silk_format_desa_wide = {
    "desa-wide",
    "Year,Dest,<origin country>...: UN DESA bilateral migrant stock "
    "(needs the country table)",
    detect, read_desa};
