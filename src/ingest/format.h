/*
 * format.h: the contract between silk_ingest_file and each input format
 * (internal to src/ingest).
 *
 * A format is one file (tidy.c, unhcr.c, wb.c, desa.c, ...) exporting one
 * const silk_format.  A format either reads values into the batch or, for
 * a code lookup table (lookup.c), only checks it and puts nothing there.
 * To add a format:
 *   1. write src/ingest/<name>.c with `const silk_format silk_format_<name>`;
 *   2. list it in `formats[]` in ingest.c (order matters only for ties);
 *   3. give it fixtures and exact-message tests in tests/unit/test_<name>.c;
 *   4. document it in README.md ("Input formats").
 */
#ifndef SILK_INGEST_FORMAT_H
#define SILK_INGEST_FORMAT_H

#include "reader.h"

/* The first records of a file, for detection: a format may need more than
 * the header (the World Bank's wide download has preamble lines). */
#define SILK_SNIFF_RECORDS 8
#define SILK_SNIFF_FIELDS 16

typedef struct silk_sniff {
    size_t n_records;
    struct {
        size_t n_fields; /* fields in the record (may exceed n_stored) */
        size_t n_stored;
        size_t line;
        char *field[SILK_SNIFF_FIELDS]; /* NUL-terminated copies */
    } record[SILK_SNIFF_RECORDS];
} silk_sniff;

typedef struct silk_format {
    const char *name;    /* as given to --format */
    const char *summary; /* one line for help texts */
    /* How surely the sniffed records are this format: 0 = not at all;
     * the highest score wins.  Must not fail or allocate. */
    int (*detect)(const silk_sniff *sniff);
    /* Reads the whole file into batch and adds the provenance record
     * (silk_batch_add_provenance with file_index); on error returns the
     * status with "FILE:LINE:COLUMN: ..." in err. */
    int (*read)(const char *path, const silk_ingest_options *opt,
                unsigned file_index, silk_batch *batch, uint64_t *rows,
                silk_error *err);
} silk_format;

/* Shared value rules, so every format reads numbers and gaps alike. */

/* A whole field as a finite decimal number ([+-]digits[.digits][e[+-]d]):
 * 0, or -1 for bad syntax, -2 for out of range.  No spaces, hex, nan, inf
 * or thousands separators. */
int silk_ingest_number(const char *text, size_t len, double *out);

/* The missing-value markers the agencies use: "", "..", ":", "-", and
 * "NA" where the format says it is not a code. */
bool silk_ingest_is_missing(const char *text, size_t len, bool na_is_missing);

/* True for a record of only empty or space/tab fields (a blank line, or
 * ",,," as spreadsheets write them): every format skips those.  Inline
 * for the answer of nearly every row, a first field that is not blank;
 * silk_ingest_blank_fields looks at the rest. */
bool silk_ingest_blank_fields(const silk_csv_row *row);
static inline bool silk_ingest_blank_row(const silk_csv_row *row)
{
    if (row->n_stored > 0 && row->field[0].len > 0 &&
        row->field[0].text[0] != ' ' && row->field[0].text[0] != '\t')
        return false;
    return silk_ingest_blank_fields(row);
}

/* How many of names[0..n) the sniffed header (the first record) holds,
 * matched as silk_ingest_field_is does: the detect() of formats known by
 * their column names. */
size_t silk_sniff_columns(const silk_sniff *sniff, const char *const *names,
                          size_t n);

/* Drops spaces and tabs at both ends of text. */
void silk_ingest_trim(const char **text, size_t *len);

/* Case-insensitive equality of a field with a NUL-terminated name,
 * ignoring surrounding spaces (header matching). */
bool silk_ingest_field_is(const char *text, size_t len, const char *name);

/* Puts one value into the batch under indicator, or under
 * "<indicator>.aggregates" when either code is an aggregate of countries
 * (opt->countries decides; without a table nothing is an aggregate).
 * Prefixes a batch error with the position. */
int silk_ingest_put(const char *path, size_t line, size_t column,
                    const silk_ingest_options *opt, silk_batch *batch,
                    const char *indicator, const char *origin,
                    const char *destination, silk_period period, double value,
                    uint32_t flags, const char *unit, const char *source,
                    unsigned file_index, silk_error *err);

/* silk_ingest_put for an indicator split by categorical columns: declares
 * the columns (for "<indicator>.aggregates" too) and puts the value under
 * its category (one value per column). */
int silk_ingest_put_category(const char *path, size_t line, size_t column,
                             const silk_ingest_options *opt, silk_batch *batch,
                             const char *indicator,
                             const char *const *columns, size_t n_columns,
                             const char *const *category, const char *origin,
                             const char *destination, silk_period period,
                             double value, uint32_t flags, const char *unit,
                             const char *source, unsigned file_index,
                             silk_error *err);

/* The failures silk_ingest_row_problem passes on (status > SILK_OK). */
int silk_ingest_record_problem(const silk_ingest_options *opt, int status,
                               silk_error *err);

/* Every row-level error of a format goes through here: without a
 * collector of errors (opt->problems NULL, or a plain ingest's
 * warnings-only collector) it returns status unchanged and the read stops;
 * with one (ingest --check) it records err's message and code, clears err
 * and returns SILK_OK, so the format skips the row and reads on.  Errors
 * that make the rest of the file unreadable (header, quoting, encoding)
 * are returned directly, never through here.  Inline for the answer of
 * nearly every row, read or stopped: nothing to record. */
static inline int silk_ingest_row_problem(const silk_ingest_options *opt,
                                          int status, silk_error *err)
{
    return status <= SILK_OK ? status
                             : silk_ingest_record_problem(opt, status, err);
}

/* A warning (a sanity check: negative count, implausible year, a jump by
 * orders of magnitude): recorded when collecting, ignored otherwise.
 * The message carries its own "FILE:LINE:COLUMN: " prefix. */
void silk_ingest_warning(const silk_ingest_options *opt, const char *fmt, ...)
    SILK_PRINTF(2, 3);

extern const silk_format silk_format_tidy;
extern const silk_format silk_format_unhcr;
extern const silk_format silk_format_wb_long;
extern const silk_format silk_format_wb_indicator;
extern const silk_format silk_format_wb_wide;
extern const silk_format silk_format_desa_wide;
extern const silk_format silk_format_desa_long;
extern const silk_format silk_format_eurostat;
extern const silk_format silk_format_unhcr_countries;
extern const silk_format silk_format_mapping;

/* UN DESA's migrant stock, shared by its wide (desa.c) and long
 * (desa_long.c) tables so that both feed one indicator: the same name,
 * unit and source whichever layout a file has. */
#define SILK_DESA_INDICATOR "migrant_stock"
#define SILK_DESA_UNIT "persons"
#define SILK_DESA_SOURCE \
    "UN DESA Population Division, International Migrant Stock 2019 " \
    "(CC BY 3.0 IGO)"

/* A period header or cell as the agencies write it (eurostat.c): the
 * forms of silk_period_parse plus Eurostat's older 2023Q1 and 2023M01,
 * spaces around it ignored.  SILK_OK or SILK_EPARSE, no message. */
int silk_ingest_period(const char *text, size_t len, silk_period *out);

#endif /* SILK_INGEST_FORMAT_H */
