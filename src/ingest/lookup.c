/*
 * lookup.c: UNHCR's country code lookup table (unhcr_countries.csv in the
 * `refugees` R package), read as a check of silkstat's own country table,
 * never as data:
 *
 *     iso_code,unhcr_code,name,unhcr_region,unsd_region,unsd_subregion,...
 *     DZA,ALG,Algeria,Middle East and North Africa,Africa,...
 *     ,TIB,Tibetan,Asia and the Pacific,,,
 *
 * UNHCR's data tables name countries three ways (ISO code, UNHCR's own
 * code, English name), and silkstat reads all three through the country
 * table (opt->countries, datasets/countries.csv).  This table is UNHCR's
 * word on how the three belong together, so reading it checks that the
 * country table agrees; a separate format because it shares nothing with
 * the data readers but the CSV reader and the resolver.  Rules
 * (tests/unit/test_lookup.c cites them by number):
 *   1. Columns iso_code, unhcr_code and name are found by name; the region
 *      columns and any other are not read.  A country table is required.
 *   2. A row with an iso_code: the code must be three capital letters
 *      known to the table (silk_countries_resolve: UNHCR's XXX for
 *      "Unknown" is an alias of UNK there); the name must resolve to the
 *      same code; the unhcr_code must be the table's for it (rule 4).
 *   3. A row with an empty iso_code (the Tibetan row) is checked by its
 *      unhcr_code alone, which must be known to the table, and its name
 *      must resolve to the same code.  A row that gives neither an ISO
 *      code nor a name (UNHCR's CRB and CUR, whose name is the code
 *      itself) says nothing to check: it is a warning, not an error.
 *   4. The unhcr_code must be the table's UNHCR code for the row's
 *      country (silk_countries_unhcr_code), letter for letter: also where
 *      UNHCR's code is another row's code (AUS is Austria for UNHCR,
 *      Australia for ISO; also ARE, MAR, CHI, and STA and UKN, which are
 *      pseudo-code rows of their own), which the resolver would read as
 *      that other row.  A country the table gives no UNHCR code has none
 *      to agree with: an error.
 *   5. Every disagreement is an error at its FILE:LINE:COLUMN saying what
 *      the table holds and what was expected; with ingest --check every
 *      row is checked and all are listed.
 *   6. Nothing goes into the batch: no indicator is touched.  The file
 *      gets its provenance record (the rows checked), so the store tells
 *      which lookup its country table was checked against.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

enum column { COL_ISO, COL_UNHCR, COL_NAME, N_COLUMNS };

static const char *const column_names[N_COLUMNS] = {"iso_code", "unhcr_code",
                                                    "name"};

/* UNHCR's table has 7 columns; leave room for the documented sdg_region
 * and a few more. */
#define MAX_FIELDS 64

typedef struct lookup {
    const char *path;
    const silk_ingest_options *opt;
    bool have_header;
    size_t n_columns;
    size_t column[N_COLUMNS];
    char **names; /* header texts, for the reader's messages */
    size_t n_names;
    uint64_t rows;
} lookup;

typedef struct text {
    const char *s;
    size_t len;
    size_t line, column; /* the position of the field, for messages */
} text;

/* Rule 1. */
static int header(lookup *l, silk_csv_reader *reader, const silk_csv_row *row,
                  silk_error *err)
{
    bool found[N_COLUMNS] = {false};

    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected at most %zu",
            row->n_fields, row->n_stored);
    l->names = calloc(row->n_stored, sizeof *l->names);
    if (l->names == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    l->n_names = row->n_stored;
    for (size_t i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        const char *name = f->text;
        size_t len = f->len;

        silk_ingest_trim(&name, &len);
        l->names[i] = strndup(name, len);
        if (l->names[i] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        for (size_t k = 0; k < N_COLUMNS; k++)
            if (silk_ingest_field_is(f->text, f->len, column_names[k])) {
                if (found[k])
                    return silk_ingest_error_at(
                        err, SILK_EPARSE, l->path, f->line, i + 1,
                        "the column '%s' is named twice (columns %zu and "
                        "%zu); expected each column once",
                        column_names[k], l->column[k] + 1, i + 1);
                found[k] = true;
                l->column[k] = i;
            }
    }
    for (size_t k = 0; k < N_COLUMNS; k++)
        if (!found[k])
            return silk_ingest_error_at(
                err, SILK_EPARSE, l->path, row->line, 1,
                "the header lacks the column '%s'; expected iso_code, "
                "unhcr_code and name (UNHCR's country lookup table)",
                column_names[k]);
    l->n_columns = row->n_fields;
    l->have_header = true;
    silk_csv_set_names(reader, (const char *const *)l->names, l->n_names);
    return SILK_OK;
}

static text field(const lookup *l, const silk_csv_row *row, enum column k)
{
    const silk_csv_field *f = &row->field[l->column[k]];
    text t = {f->text, f->len, f->line, l->column[k] + 1};
    silk_ingest_trim(&t.s, &t.len);
    return t;
}

/* "AFG (Afghanistan)" for messages. */
static const char *named(const lookup *l, const char *code, char *buf,
                         size_t size)
{
    const char *name = silk_countries_name(l->opt->countries, code);
    if (name != NULL)
        snprintf(buf, size, "%s (%s)", code, name);
    else
        snprintf(buf, size, "%s", code);
    return buf;
}

/* Resolves t; on failure the resolver's message ("unknown country 'X';
 * closest known: ...") gets t's position. */
static int resolve(const lookup *l, text t, const char **code, silk_error *err)
{
    int status = silk_countries_resolve(l->opt->countries, t.s, t.len, code,
                                        err);
    if (status != SILK_OK)
        silk_error_prefix(err, "%s:%zu:%zu: ", l->path, t.line, t.column);
    return status;
}

/* Rules 2 and 3: the name must resolve to code, which came from column
 * `from`. */
static int check_name(const lookup *l, text name, const char *code,
                      enum column from, silk_error *err)
{
    char shown[80], who[128], expected[128];
    const char *by_name;

    if (name.len == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, name.line, name.column,
            "empty field in column 'name'; expected the name of %s",
            named(l, code, expected, sizeof expected));
    int status = resolve(l, name, &by_name, err);
    if (status != SILK_OK)
        return status;
    if (strcmp(by_name, code) == 0)
        return SILK_OK;
    return silk_ingest_error_at(
        err, SILK_EPARSE, l->path, name.line, name.column,
        "'%s' in column 'name' is %s in the country table; expected a name "
        "of %s as in column '%s'",
        silk_ingest_show(name.s, name.len, shown, sizeof shown),
        named(l, by_name, who, sizeof who),
        named(l, code, expected, sizeof expected), column_names[from]);
}

/* Rules 2 and 4: UNHCR's code must be the table's for code. */
static int check_unhcr_code(const lookup *l, text unhcr, const char *code,
                            silk_error *err)
{
    char shown[80], who[128];
    const char *table = silk_countries_unhcr_code(l->opt->countries, code);

    if (!silk_code_valid(unhcr.s, unhcr.len))
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, unhcr.line, unhcr.column,
            "'%s' in column 'unhcr_code' is not a UNHCR code; expected three "
            "capital letters, UNHCR's code of %s",
            silk_ingest_show(unhcr.s, unhcr.len, shown, sizeof shown),
            named(l, code, who, sizeof who));
    if (table != NULL && table[0] != '\0' &&
        memcmp(table, unhcr.s, SILK_CODE_LEN) == 0)
        return SILK_OK;
    return silk_ingest_error_at(
        err, SILK_EPARSE, l->path, unhcr.line, unhcr.column,
        "'%s' in column 'unhcr_code' is not the UNHCR code of %s in the "
        "country table; expected %s",
        silk_ingest_show(unhcr.s, unhcr.len, shown, sizeof shown),
        named(l, code, who, sizeof who),
        table != NULL && table[0] != '\0'
            ? table
            : "none (the table gives no UNHCR code)");
}

static int data_row(lookup *l, const silk_csv_row *row, silk_error *err)
{
    const char *code;
    char shown[80];
    int status;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != l->n_columns) {
        size_t c = (row->n_fields < l->n_columns ? row->n_fields
                                                 : l->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, row->line, c,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            l->n_columns);
    }
    text iso = field(l, row, COL_ISO);
    text unhcr = field(l, row, COL_UNHCR);
    text name = field(l, row, COL_NAME);

    if (iso.len > 0) { /* rule 2 */
        if (!silk_code_valid(iso.s, iso.len))
            return silk_ingest_error_at(
                err, SILK_EPARSE, l->path, iso.line, iso.column,
                "'%s' in column 'iso_code' is not a country code; expected "
                "three capital letters such as AFG, or an empty field",
                silk_ingest_show(iso.s, iso.len, shown, sizeof shown));
        status = resolve(l, iso, &code, err);
        if (status == SILK_OK)
            status = check_unhcr_code(l, unhcr, code, err);
        if (status == SILK_OK)
            status = check_name(l, name, code, COL_ISO, err);
        if (status != SILK_OK)
            return status;
        l->rows++;
        return SILK_OK;
    }
    /* rule 3 */
    if (unhcr.len == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, iso.line, iso.column,
            "empty field in column 'iso_code' and in column 'unhcr_code'; "
            "expected at least UNHCR's code");
    if (name.len == 0 ||
        (name.len == unhcr.len && memcmp(name.s, unhcr.s, name.len) == 0)) {
        silk_ingest_warning(
            l->opt,
            "%s:%zu:%zu: '%s' in column 'unhcr_code' has neither an ISO code "
            "nor a name of its own in UNHCR's table; not checked",
            l->path, unhcr.line, unhcr.column,
            silk_ingest_show(unhcr.s, unhcr.len, shown, sizeof shown));
        l->rows++;
        return SILK_OK;
    }
    if (!silk_code_valid(unhcr.s, unhcr.len))
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, unhcr.line, unhcr.column,
            "'%s' in column 'unhcr_code' is not a UNHCR code; expected three "
            "capital letters such as TIB",
            silk_ingest_show(unhcr.s, unhcr.len, shown, sizeof shown));
    status = resolve(l, unhcr, &code, err);
    if (status == SILK_OK)
        status = check_name(l, name, code, COL_UNHCR, err);
    if (status != SILK_OK)
        return status;
    l->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    lookup *l = ctx;

    if (!l->have_header)
        return header(l, reader, row, err);
    /* rule 5: a row's disagreements concern that row alone */
    return silk_ingest_row_problem(l->opt, data_row(l, row, err), err);
}

static int read_lookup(const char *path, const silk_ingest_options *opt,
                       unsigned file_index, silk_batch *batch,
                       uint64_t *rows_out, silk_error *err)
{
    lookup l;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    if (rows_out != NULL)
        *rows_out = 0;
    if (opt == NULL || opt->countries == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "%s:1:1: a country lookup table is checked against the country "
            "table; expected the country table (datasets/countries.csv)",
            path);
    memset(&l, 0, sizeof l);
    l.path = path;
    l.opt = opt;

    status = silk_csv_read_delim(path, opt->delimiter, MAX_FIELDS, on_row, &l,
                                 sha256, &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!l.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header naming iso_code, unhcr_code and "
            "name (UNHCR's country lookup table)",
            path, bytes == 0 ? "empty file" : "no header row");
        goto done;
    }
    /* rule 6 */
    status = silk_batch_add_provenance(batch, file_index, path, sha256, l.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = l.rows;
done:
    for (size_t i = 0; i < l.n_names; i++)
        free(l.names[i]);
    free(l.names);
    return status;
}

/* iso_code and unhcr_code side by side with name: UNHCR's lookup, which
 * no data table resembles (those say coo_iso, coa_iso). */
static int detect(const silk_sniff *sniff)
{
    size_t found = silk_sniff_columns(sniff, column_names, N_COLUMNS);
    return found == N_COLUMNS ? 90 : 0;
}

const silk_format silk_format_unhcr_countries = {
    "unhcr-countries",
    "iso_code,unhcr_code,name,...: UNHCR's country lookup, checked against "
    "the country table (stores nothing)",
    detect, read_lookup};
