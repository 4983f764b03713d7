/*
 * wb.c: the World Bank's World Development Indicators in the three layouts
 * the data come in:
 *
 *   wb-long       indicator_code,country_name,country_code,year,value
 *                 (datahub's stacked file: many indicators, one value a row)
 *   wb-indicator  Country Name,Country Code,Year,Value
 *                 (one indicator per file, which the file does not name:
 *                 --indicator is required)
 *   wb-wide       the World Bank's own download (API_*.csv): preamble lines
 *                 ("Data Source", "Last Updated Date"), then
 *                 Country Name,Country Code,Indicator Name,Indicator Code,
 *                 1960,1961,... with one column per year and often a
 *                 trailing unnamed empty column.
 *
 * One reader serves all three, since they differ only in which columns
 * the header has.  Rules:
 *   1. Header names match without case and surrounding spaces, in any
 *      order; an unknown column is an error (a typo would drop data).
 *   2. The key is country_code, never country_name: the World Bank spells
 *      one country with a straight ' in some indicators and a curly U+2019
 *      in others.  Names are not read at all.
 *   3. With a country table (opt->countries) each code is resolved, so an
 *      unknown code fails with the resolver's suggestions, and aggregates
 *      (WLD, ARB, LMC, ...) go to "<indicator>.aggregates" through
 *      silk_ingest_put.  Without a table codes are taken as given (three
 *      capital letters) and aggregates stay mixed in.
 *   4. Values: silk_ingest_number; negative values are valid (net
 *      migration).  In the long layouts a row whose value is empty or ".."
 *      names its cell, which is stored as NaN (as in the tidy format).  In
 *      the wide layout an empty cell only means "no data for that year" (a
 *      grid has every year for every country), so it stores nothing: NaN
 *      cells would cost memory and read back the same.
 *   5. --indicator (opt->indicator) names the indicator of a wb-indicator
 *      file (required there).  In wb-long and wb-wide it renames the
 *      file's indicator only when the file holds one code: a second code is
 *      an error at its line, since renaming several indicators to one name
 *      would merge them.
 *   6. Units come from the indicator code for the codes silkstat knows
 *      (persons, current US$); otherwise the unit is left empty.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "problems.h"

#define WB_SOURCE "World Bank, World Development Indicators (CC BY 4.0)"

/* Long layouts have 4-5 columns; wide ones one per year since 1960 (66 in
 * 2025) plus four: 512 leaves room for centuries and catches runaway
 * headers as "too many columns". */
#define MAX_FIELDS_LONG 32
#define MAX_FIELDS_WIDE 512

typedef enum layout { LAYOUT_LONG, LAYOUT_INDICATOR, LAYOUT_WIDE } layout;

enum role {
    ROLE_INDICATOR,
    ROLE_NAME,
    ROLE_CODE,
    ROLE_YEAR,
    ROLE_VALUE,
    ROLE_INDICATOR_NAME,
    N_ROLES
};

/* datahub writes snake_case, the World Bank Title Case; matching ignores
 * case, so each role has these two spellings. */
static const char *const role_names[N_ROLES][2] = {
    {"indicator_code", "Indicator Code"}, {"country_name", "Country Name"},
    {"country_code", "Country Code"},     {"year", "Year"},
    {"value", "Value"},                   {"indicator_name", "Indicator Name"}};

/* Which roles each layout needs (bit set) and allows. */
#define BIT(r) (1u << (r))
static const unsigned required[3] = {
    BIT(ROLE_INDICATOR) | BIT(ROLE_CODE) | BIT(ROLE_YEAR) | BIT(ROLE_VALUE),
    BIT(ROLE_CODE) | BIT(ROLE_YEAR) | BIT(ROLE_VALUE),
    BIT(ROLE_INDICATOR) | BIT(ROLE_CODE)};
static const unsigned allowed[3] = {
    BIT(ROLE_INDICATOR) | BIT(ROLE_NAME) | BIT(ROLE_CODE) | BIT(ROLE_YEAR) |
        BIT(ROLE_VALUE),
    BIT(ROLE_NAME) | BIT(ROLE_CODE) | BIT(ROLE_YEAR) | BIT(ROLE_VALUE),
    BIT(ROLE_INDICATOR) | BIT(ROLE_NAME) | BIT(ROLE_CODE) |
        BIT(ROLE_INDICATOR_NAME)};
static const char *const expected_header[3] = {
    "indicator_code, country_name, country_code, year, value",
    "Country Name, Country Code, Year, Value",
    "Country Name, Country Code, Indicator Name, Indicator Code and one "
    "column per year (1960, 1961, ...)"};

/* The units of the WDI codes listed in datasets/MANIFEST.md. */
static const struct {
    const char *code, *unit;
} known_units[] = {
    {"SP.POP.TOTL", "persons"},          {"SM.POP.NETM", "persons"},
    {"SM.POP.TOTL", "persons"},          {"SM.POP.REFG", "persons"},
    {"SM.POP.REFG.OR", "persons"},       {"BX.TRF.PWKR.CD.DT", "current US$"},
    {"NY.GDP.MKTP.CD", "current US$"},   {"NY.GDP.PCAP.CD", "current US$"}};

typedef struct wb {
    layout layout;
    const char *path;
    const silk_ingest_options *opt;
    unsigned file_index;
    silk_batch *batch;
    bool have_header;
    size_t preamble;  /* records skipped before the wide header */
    size_t n_columns;
    int column[N_ROLES]; /* field index of each role, -1 if absent */
    char **names;        /* header texts, for "in column 'x'" */
    size_t n_names;
    silk_period *year;   /* wide: the year of each column (freq NONE: none) */
    char first[SILK_INDICATOR_MAX + 1]; /* first code, with --indicator */
    size_t first_line;
    /* The last code resolved: rows come grouped by country (wide: one row
     * per country and indicator), so one entry saves most look-ups. */
    char last_text[SILK_CODE_LEN + 1];
    const char *last_code;
    uint64_t rows;
} wb;

static int role_of(const char *text, size_t len)
{
    for (int r = 0; r < N_ROLES; r++)
        if (silk_ingest_field_is(text, len, role_names[r][0]) ||
            silk_ingest_field_is(text, len, role_names[r][1]))
            return r;
    return -1;
}

/* A wide header's year column: exactly YYYY (spaces allowed around it). */
static bool year_of(const char *text, size_t len, silk_period *out)
{
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    return silk_period_parse(text, len, out) == SILK_OK &&
           out->freq == SILK_FREQ_ANNUAL;
}

static const char *unit_of(const char *code)
{
    for (size_t i = 0; i < sizeof known_units / sizeof *known_units; i++)
        if (strcmp(code, known_units[i].code) == 0)
            return known_units[i].unit;
    return "";
}

static int field_error(const wb *w, silk_error *err, const silk_csv_field *f,
                       size_t column, const char *what, const char *expected)
{
    char shown[80];

    return silk_ingest_error_at(
        err, SILK_EPARSE, w->path, f->line, column,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        w->names[column - 1], what, expected);
}

static int header(wb *w, silk_csv_reader *reader, const silk_csv_row *row,
                  silk_error *err)
{
    char shown[80];
    unsigned found = 0;
    size_t n_years = 0;

    if (w->layout == LAYOUT_WIDE) {
        /* The preamble ("Data Source", "Last Updated Date") comes before
         * the header; the header is the first record naming Country Code. */
        bool is_header = false;
        for (size_t i = 0; i < row->n_stored; i++)
            if (role_of(row->field[i].text, row->field[i].len) == ROLE_CODE)
                is_header = true;
        if (!is_header) {
            if (++w->preamble < SILK_SNIFF_RECORDS)
                return SILK_OK;
            return silk_ingest_error_at(
                err, SILK_EPARSE, w->path, row->line, 1,
                "no header among the first %d records; expected a header "
                "naming %s", SILK_SNIFF_RECORDS, expected_header[w->layout]);
        }
    }
    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, w->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected at most %zu",
            row->n_fields, row->n_stored);
    w->names = calloc(row->n_stored, sizeof *w->names);
    w->year = calloc(row->n_stored, sizeof *w->year);
    if (w->names == NULL || w->year == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    w->n_names = row->n_stored;
    for (int r = 0; r < N_ROLES; r++)
        w->column[r] = -1;
    for (size_t i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        w->names[i] = strndup(f->text, f->len);
        if (w->names[i] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        int r = role_of(f->text, f->len);

        if (r >= 0 && (allowed[w->layout] & BIT(r))) {
            if (w->column[r] >= 0)
                return silk_ingest_error_at(
                    err, SILK_EPARSE, w->path, f->line, i + 1,
                    "duplicate column '%s' (also column %d); expected each "
                    "column once",
                    silk_ingest_show(f->text, f->len, shown, sizeof shown),
                    w->column[r] + 1);
            w->column[r] = (int)i;
            found |= BIT(r);
            continue;
        }
        if (w->layout == LAYOUT_WIDE && year_of(f->text, f->len, &w->year[i])) {
            n_years++;
            continue;
        }
        /* The World Bank ends every line with a comma: one unnamed last
         * column, whose cells must then be empty (checked per row). */
        if (w->layout == LAYOUT_WIDE && f->len == 0 && i + 1 == row->n_stored)
            continue;
        return silk_ingest_error_at(
            err, SILK_EPARSE, w->path, f->line, i + 1,
            "unknown column '%s'; expected %s",
            silk_ingest_show(f->text, f->len, shown, sizeof shown),
            expected_header[w->layout]);
    }
    for (int r = 0; r < N_ROLES; r++)
        if ((required[w->layout] & BIT(r)) && !(found & BIT(r)))
            return silk_ingest_error_at(
                err, SILK_EPARSE, w->path, row->line, 1,
                "the header lacks the column '%s'; expected %s",
                w->layout == LAYOUT_LONG ? role_names[r][0] : role_names[r][1],
                expected_header[w->layout]);
    if (w->layout == LAYOUT_WIDE && n_years == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, w->path, row->line, row->n_stored,
            "the header has no year column; expected %s",
            expected_header[w->layout]);
    w->n_columns = row->n_fields;
    w->have_header = true;
    silk_csv_set_names(reader, (const char *const *)w->names, w->n_names);
    return SILK_OK;
}

/* The row's indicator: the file's code, or --indicator (see rule 5);
 * *code gets the file's code for the unit look-up. */
static int row_indicator(wb *w, const silk_csv_row *row, const char **out,
                         const char **code, silk_error *err)
{
    if (w->layout == LAYOUT_INDICATOR) {
        *out = *code = w->opt->indicator;
        return SILK_OK;
    }
    size_t c = (size_t)w->column[ROLE_INDICATOR];
    const silk_csv_field *f = &row->field[c];
    if (!silk_indicator_name_valid(f->text, f->len))
        return field_error(w, err, f, c + 1, "is not an indicator code",
                           "1-64 letters, digits, '_', '.' or '-' such as "
                           "SP.POP.TOTL");
    *out = *code = f->text;
    if (w->opt == NULL || w->opt->indicator == NULL)
        return SILK_OK;
    if (w->first[0] == '\0') {
        memcpy(w->first, f->text, f->len + 1);
        w->first_line = f->line;
    } else if (strcmp(w->first, f->text) != 0) {
        char shown[80];
        return silk_ingest_error_at(
            err, SILK_EPARSE, w->path, f->line, c + 1,
            "'%s' in column '%s' is a second indicator (line %zu has "
            "'%s'); expected one indicator code in a file read with "
            "--indicator, which renames it",
            silk_ingest_show(f->text, f->len, shown, sizeof shown),
            w->names[c], w->first_line, w->first);
    }
    *out = w->opt->indicator;
    return SILK_OK;
}

static int row_origin(wb *w, const silk_csv_row *row, const char **out,
                      silk_error *err)
{
    size_t c = (size_t)w->column[ROLE_CODE];
    const silk_csv_field *f = &row->field[c];
    const silk_countries *countries = w->opt ? w->opt->countries : NULL;

    if (!silk_code_valid(f->text, f->len))
        return field_error(w, err, f, c + 1, "is not a country code",
                           "three capital letters such as AFG");
    if (countries == NULL) {
        *out = f->text;
        return SILK_OK;
    }
    if (w->last_code != NULL && memcmp(w->last_text, f->text, 4) == 0) {
        *out = w->last_code;
        return SILK_OK;
    }
    int status = silk_countries_resolve(countries, f->text, f->len, out, err);
    if (status != SILK_OK)
        return silk_error_prefix(err, "%s:%zu:%zu: ", w->path, f->line, c + 1);
    memcpy(w->last_text, f->text, 4);
    w->last_code = *out;
    return SILK_OK;
}

/* 0 and the value, 1 for missing, or the status after an error. */
static int cell_value(const wb *w, const silk_csv_field *f, size_t column,
                      double *out, silk_error *err)
{
    if (silk_ingest_is_missing(f->text, f->len, false))
        return 1;
    int status = silk_ingest_number(f->text, f->len, out);
    if (status == -2)
        return field_error(w, err, f, column, "is out of range",
                           "a finite decimal value");
    if (status != 0)
        return field_error(w, err, f, column, "is not a number",
                           "a decimal value such as 1234 or -56.5, or '..' "
                           "or an empty field for missing");
    return 0;
}

static int data_row(wb *w, const silk_csv_row *row, silk_error *err)
{
    const char *indicator = NULL, *code = NULL, *origin = NULL;
    silk_period period;
    double value;
    int status;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != w->n_columns) {
        size_t column = (row->n_fields < w->n_columns ? row->n_fields
                                                      : w->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, w->path, row->line, column,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            w->n_columns);
    }
    status = row_indicator(w, row, &indicator, &code, err);
    if (status == SILK_OK)
        status = row_origin(w, row, &origin, err);
    if (status != SILK_OK)
        return status;
    const char *unit = unit_of(code);

    if (w->layout != LAYOUT_WIDE) {
        size_t c = (size_t)w->column[ROLE_YEAR];
        const silk_csv_field *f = &row->field[c];
        if (silk_period_parse(f->text, f->len, &period) != SILK_OK ||
            period.freq != SILK_FREQ_ANNUAL)
            return field_error(w, err, f, c + 1, "is not a year",
                               "YYYY such as 2024");
        silk_ingest_check_year(w->opt, w->path, f->line, c + 1, w->names[c],
                               f->text, f->len, period);
        c = (size_t)w->column[ROLE_VALUE];
        status = cell_value(w, &row->field[c], c + 1, &value, err);
        if (status == 1)
            value = NAN;
        else if (status != 0)
            return status;
        status = silk_ingest_put(w->path, row->line, c + 1, w->opt, w->batch,
                                 indicator, origin, "", period, value, 0,
                                 unit, WB_SOURCE, w->file_index, err);
        if (status != SILK_OK)
            return status;
        w->rows++;
        return SILK_OK;
    }
    for (size_t c = 0; c < row->n_stored; c++) {
        const silk_csv_field *f = &row->field[c];
        if (w->year[c].freq == SILK_FREQ_NONE) {
            if (w->names[c][0] == '\0' && f->len > 0)
                return field_error(w, err, f, c + 1, "has no year",
                                   "an empty field in a column without a "
                                   "year in the header");
            continue;
        }
        status = cell_value(w, f, c + 1, &value, err);
        if (status == 1)
            continue; /* rule 4: an empty cell of the grid is no data */
        if (status != 0)
            return status;
        status = silk_ingest_put(w->path, row->line, c + 1, w->opt, w->batch,
                                 indicator, origin, "", w->year[c], value, 0,
                                 unit, WB_SOURCE, w->file_index, err);
        if (status != SILK_OK)
            return status;
    }
    w->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    wb *w = ctx;

    if (!w->have_header)
        return header(w, reader, row, err);
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(w->opt, data_row(w, row, err), err);
}

static int read_layout(layout kind, const char *path,
                       const silk_ingest_options *opt, unsigned file_index,
                       silk_batch *batch, uint64_t *rows_out, silk_error *err)
{
    wb w;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    if (rows_out != NULL)
        *rows_out = 0;
    memset(&w, 0, sizeof w);
    w.layout = kind;
    w.path = path;
    w.opt = opt;
    w.file_index = file_index;
    w.batch = batch;
    const char *indicator = opt ? opt->indicator : NULL;
    if (kind == LAYOUT_INDICATOR && indicator == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "%s:1:1: this World Bank per-indicator file does not name its "
            "indicator; expected --indicator NAME", path);

    status = silk_csv_read_delim(path, opt ? opt->delimiter : 0,
                                 kind == LAYOUT_WIDE ? MAX_FIELDS_WIDE
                                                     : MAX_FIELDS_LONG,
                                 on_row, &w, sha256, &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!w.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE, "%s:1:1: %s; expected a header naming %s", path,
            bytes == 0 ? "empty file" : "no header row",
            expected_header[kind]);
        goto done;
    }
    status = silk_batch_add_provenance(batch, file_index, path, sha256, w.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = w.rows;
done:
    for (size_t i = 0; i < w.n_names; i++)
        free(w.names[i]);
    free(w.names);
    free(w.year);
    return status;
}

static int read_long(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch, uint64_t *rows,
                     silk_error *err)
{
    return read_layout(LAYOUT_LONG, path, opt, file_index, batch, rows, err);
}

static int read_indicator(const char *path, const silk_ingest_options *opt,
                          unsigned file_index, silk_batch *batch,
                          uint64_t *rows, silk_error *err)
{
    return read_layout(LAYOUT_INDICATOR, path, opt, file_index, batch, rows,
                       err);
}

static int read_wide(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch, uint64_t *rows,
                     silk_error *err)
{
    return read_layout(LAYOUT_WIDE, path, opt, file_index, batch, rows, err);
}

/* The roles named by one sniffed record, as bits; *years counts fields
 * that are years. */
static unsigned sniffed_roles(const silk_sniff *sniff, size_t r, size_t *years)
{
    unsigned roles = 0;
    silk_period p;

    *years = 0;
    for (size_t i = 0; i < sniff->record[r].n_stored; i++) {
        const char *f = sniff->record[r].field[i];
        int role = role_of(f, strlen(f));
        if (role >= 0)
            roles |= BIT(role);
        else if (year_of(f, strlen(f), &p))
            (*years)++;
    }
    return roles;
}

/* Scores below tidy's 100: these headers share no required column with
 * tidy's, so the order only matters for a file made to look like both. */
static int detect_long(const silk_sniff *sniff)
{
    size_t years;
    if (sniff->n_records == 0)
        return 0;
    unsigned roles = sniffed_roles(sniff, 0, &years);
    return (roles & required[LAYOUT_LONG]) == required[LAYOUT_LONG] &&
                   !(roles & BIT(ROLE_INDICATOR_NAME))
               ? 90
               : 0;
}

static int detect_indicator(const silk_sniff *sniff)
{
    size_t years;
    if (sniff->n_records == 0)
        return 0;
    unsigned roles = sniffed_roles(sniff, 0, &years);
    return (roles & required[LAYOUT_INDICATOR]) ==
                       required[LAYOUT_INDICATOR] &&
                   !(roles & (BIT(ROLE_INDICATOR) | BIT(ROLE_INDICATOR_NAME)))
               ? 90
               : 0;
}

/* The header may follow a preamble: look at every sniffed record. */
static int detect_wide(const silk_sniff *sniff)
{
    for (size_t r = 0; r < sniff->n_records; r++) {
        size_t years;
        unsigned roles = sniffed_roles(sniff, r, &years);
        if ((roles & required[LAYOUT_WIDE]) == required[LAYOUT_WIDE] &&
            !(roles & (BIT(ROLE_YEAR) | BIT(ROLE_VALUE))) && years > 0)
            return 90;
    }
    return 0;
}

const silk_format silk_format_wb_long = {
    "wb-long",
    "indicator_code,country_name,country_code,year,value: World Bank WDI, "
    "many indicators stacked (datahub)",
    detect_long, read_long};

const silk_format silk_format_wb_indicator = {
    "wb-indicator",
    "Country Name,Country Code,Year,Value: one World Bank WDI indicator "
    "(needs --indicator)",
    detect_indicator, read_indicator};

const silk_format silk_format_wb_wide = {
    "wb-wide",
    "the World Bank's API_*.csv download: preamble, then Country Name, "
    "Country Code, Indicator Name, Indicator Code, one column per year",
    detect_wide, read_wide};
