/*
 * desa_long.c: UN DESA's bilateral International Migrant Stock in long
 * form, one origin-destination pair a row
 * (undesa_ims2019_bilateral_stock_silkroutes_long.csv, derived from the
 * wide table that desa.c reads):
 *
 *     year,origin,origin_iso3,destination,destination_iso3,migrant_stock
 *     1990,Pakistan,PAK,Afghanistan,AFG,8107
 *     1990,Tajikistan,,Afghanistan,AFG,40537
 *
 * A separate file from desa.c because the layouts share nothing but their
 * indicator: desa.c resolves a header of names once, this file resolves
 * two countries on every row.  Rules (tests/unit/test_desa.c cites them
 * by number):
 *   1. The six columns are found by name (any order, any case, spaces
 *      around ignored); a missing, repeated or unknown column is an error
 *      in the header.
 *   2. A country table (opt->countries) is required.  The *_iso3 columns
 *      are filled only for some countries (the five Silk Routes countries
 *      in the file above), so each side is its code when one is given and
 *      otherwise its name resolved through silk_countries_resolve.  When
 *      both are given they must name one country: a name that resolves to
 *      another code than the one beside it is an error at the code's
 *      line:column naming both, never a silent choice of either.  A code
 *      must be three capital letters known to the table; a side with
 *      neither a name nor a code is an error.
 *   3. year is the period (annual).
 *   4. migrant_stock: an empty field (DESA's ".." became empty when the
 *      long file was derived; 2 cells), and the other markers of
 *      silk_ingest_is_missing, are missing: NaN, never zero.  Otherwise a
 *      count, 0 or more, as in desa.c.  The derived file dropped the pairs
 *      whose stock is 0, so a pair absent here is not a gap: read the wide
 *      table for zeros.
 *   5. Indicator, unit and source are desa.c's (SILK_DESA_* in format.h),
 *      so the wide and the long table feed one indicator; --indicator
 *      renames it for both alike.  Regions among the countries (Caribbean,
 *      ...) are aggregates in the table and go to "<indicator>.aggregates"
 *      through silk_ingest_put.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "problems.h"

enum column {
    COL_YEAR,
    COL_ORIGIN,
    COL_ORIGIN_ISO3,
    COL_DESTINATION,
    COL_DESTINATION_ISO3,
    COL_STOCK,
    N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
    "year",        "origin",           "origin_iso3",
    "destination", "destination_iso3", "migrant_stock"};

#define EXPECTED_HEADER                                                  \
    "year, origin, origin_iso3, destination, destination_iso3 and " \
    "migrant_stock"

typedef struct desa_long {
    const char *path;
    const silk_ingest_options *opt;
    const char *indicator;
    unsigned file_index;
    silk_batch *batch;
    bool have_header;
    size_t n_columns;
    size_t column[N_COLUMNS]; /* field index of each column */
    char *names[N_COLUMNS];   /* as the header spells them, for messages */
    const char *by_field[N_COLUMNS]; /* the same names in field order */
    uint64_t rows;
} desa_long;

static int field_error(const desa_long *d, silk_error *err,
                       const silk_csv_field *f, enum column k,
                       const char *what, const char *expected)
{
    char shown[80];

    return silk_ingest_error_at(
        err, SILK_EPARSE, d->path, f->line, d->column[k] + 1,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown), d->names[k],
        what, expected);
}

/* Rule 1. */
static int header(desa_long *d, silk_csv_reader *reader,
                  const silk_csv_row *row, silk_error *err)
{
    bool found[N_COLUMNS] = {false};
    char shown[80];

    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected the %d columns "
            EXPECTED_HEADER, row->n_fields, N_COLUMNS);
    for (size_t i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        size_t k;

        for (k = 0; k < N_COLUMNS; k++)
            if (silk_ingest_field_is(f->text, f->len, column_names[k]))
                break;
        if (k == N_COLUMNS)
            return silk_ingest_error_at(
                err, SILK_EPARSE, d->path, f->line, i + 1,
                "'%s' is not a column of DESA's long table; expected "
                EXPECTED_HEADER,
                silk_ingest_show(f->text, f->len, shown, sizeof shown));
        if (found[k])
            return silk_ingest_error_at(
                err, SILK_EPARSE, d->path, f->line, i + 1,
                "the column '%s' is named twice (columns %zu and %zu); "
                "expected each column once", column_names[k],
                d->column[k] + 1, i + 1);
        found[k] = true;
        d->column[k] = i;
        const char *name = f->text;
        size_t len = f->len;
        silk_ingest_trim(&name, &len);
        d->names[k] = strndup(name, len);
        if (d->names[k] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < N_COLUMNS; k++)
        if (!found[k])
            return silk_ingest_error_at(
                err, SILK_EPARSE, d->path, row->line, 1,
                "the header lacks the column '%s'; expected " EXPECTED_HEADER,
                column_names[k]);
    d->n_columns = row->n_fields;
    d->have_header = true;
    /* Every field is one of the six (checked above), so the header has
     * exactly N_COLUMNS fields; the reader's own messages name them. */
    for (size_t k = 0; k < N_COLUMNS; k++)
        d->by_field[d->column[k]] = d->names[k];
    silk_csv_set_names(reader, d->by_field, N_COLUMNS);
    return SILK_OK;
}

/* Rule 2: the ISO3 code of one side from its name and code columns. */
static int country(desa_long *d, const silk_csv_row *row, enum column name_k,
                   enum column code_k, const char **out, silk_error *err)
{
    const silk_csv_field *name_f = &row->field[d->column[name_k]];
    const silk_csv_field *code_f = &row->field[d->column[code_k]];
    const char *name = name_f->text, *code = code_f->text;
    size_t name_len = name_f->len, code_len = code_f->len;
    const char *by_name;
    int status;

    silk_ingest_trim(&name, &name_len);
    silk_ingest_trim(&code, &code_len);
    if (code_len == 0 && name_len == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, name_f->line, d->column[name_k] + 1,
            "empty field in column '%s' and in column '%s'; expected the "
            "country's name, its ISO3 code or both",
            d->names[name_k], d->names[code_k]);
    if (code_len > 0) {
        if (!silk_code_valid(code, code_len))
            return field_error(d, err, code_f, code_k,
                               "is not a country code",
                               "three capital letters such as AFG, or an "
                               "empty field to resolve the name");
        status = silk_countries_resolve(d->opt->countries, code, code_len,
                                        out, err);
        if (status != SILK_OK)
            return silk_error_prefix(err, "%s:%zu:%zu: ", d->path,
                                     code_f->line, d->column[code_k] + 1);
        if (name_len == 0)
            return SILK_OK; /* a code alone is enough */
    }
    status = silk_countries_resolve(d->opt->countries, name, name_len,
                                    &by_name, err);
    if (status != SILK_OK)
        return silk_error_prefix(err, "%s:%zu:%zu: ", d->path, name_f->line,
                                 d->column[name_k] + 1);
    if (code_len == 0) {
        *out = by_name;
        return SILK_OK;
    }
    if (strcmp(by_name, *out) != 0) {
        char shown_code[80], shown_name[80];
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, code_f->line, d->column[code_k] + 1,
            "'%s' in column '%s' disagrees with '%s' in column '%s', which "
            "is %s in the country table; expected the code and the name of "
            "one country",
            silk_ingest_show(code, code_len, shown_code, sizeof shown_code),
            d->names[code_k],
            silk_ingest_show(name, name_len, shown_name, sizeof shown_name),
            d->names[name_k], by_name);
    }
    return SILK_OK;
}

static int data_row(desa_long *d, const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f;
    const char *origin, *destination;
    silk_period period;
    double value = NAN;
    int status;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != d->n_columns) {
        size_t c = (row->n_fields < d->n_columns ? row->n_fields
                                                 : d->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, d->path, row->line, c,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            d->n_columns);
    }
    /* rule 3 */
    f = &row->field[d->column[COL_YEAR]];
    if (silk_period_parse(f->text, f->len, &period) != SILK_OK ||
        period.freq != SILK_FREQ_ANNUAL)
        return field_error(d, err, f, COL_YEAR, "is not a year",
                           "YYYY such as 2019");
    silk_ingest_check_year(d->opt, d->path, f->line, d->column[COL_YEAR] + 1,
                           d->names[COL_YEAR], f->text, f->len, period);
    /* rule 2 */
    status = country(d, row, COL_ORIGIN, COL_ORIGIN_ISO3, &origin, err);
    if (status == SILK_OK)
        status = country(d, row, COL_DESTINATION, COL_DESTINATION_ISO3,
                         &destination, err);
    if (status != SILK_OK)
        return status;
    /* rule 4 */
    f = &row->field[d->column[COL_STOCK]];
    if (!silk_ingest_is_missing(f->text, f->len, false)) {
        int number = silk_ingest_number(f->text, f->len, &value);
        if (number == -2)
            return field_error(d, err, f, COL_STOCK, "is out of range",
                               "a finite count");
        if (number != 0)
            return field_error(d, err, f, COL_STOCK, "is not a number",
                               "a count such as 1234, or an empty field for "
                               "missing");
        if (value < 0)
            return field_error(d, err, f, COL_STOCK, "is negative",
                               "a count of 0 or more");
    }
    size_t column = d->column[COL_STOCK] + 1;
    silk_ingest_check_pair(d->opt, d->path, f->line, column, d->indicator,
                           origin, destination, value);
    /* rule 5 */
    status = silk_ingest_put(d->path, f->line, column, d->opt, d->batch,
                             d->indicator, origin, destination, period, value,
                             0, SILK_DESA_UNIT, SILK_DESA_SOURCE,
                             d->file_index, err);
    if (status != SILK_OK)
        return status;
    d->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    desa_long *d = ctx;

    if (!d->have_header) {
        if (silk_ingest_blank_row(row))
            return SILK_OK;
        return header(d, reader, row, err);
    }
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(d->opt, data_row(d, row, err), err);
}

static int read_desa_long(const char *path, const silk_ingest_options *opt,
                          unsigned file_index, silk_batch *batch,
                          uint64_t *rows_out, silk_error *err)
{
    desa_long d;
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

    status = silk_csv_read_delim(path, opt->delimiter, 64, on_row, &d, sha256,
                                 &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!d.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header naming " EXPECTED_HEADER, path,
            bytes == 0 ? "empty file" : "no header row");
        goto done;
    }
    status = silk_batch_add_provenance(batch, file_index, path, sha256, d.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = d.rows;
done:
    for (size_t k = 0; k < N_COLUMNS; k++)
        free(d.names[k]);
    return status;
}

/* All six columns, whatever else: the *_iso3 names are DESA's long table
 * alone (UNHCR writes coo_iso, the World Bank country_code). */
static int detect(const silk_sniff *sniff)
{
    size_t found = silk_sniff_columns(sniff, column_names, N_COLUMNS);
    return found == N_COLUMNS ? 90 : 0;
}

const silk_format silk_format_desa_long = {
    "desa-long",
    "year,origin,origin_iso3,destination,destination_iso3,migrant_stock: "
    "UN DESA bilateral migrant stock, long (needs the country table)",
    detect, read_desa_long};
