/*
 * ingest.c: silk_ingest_file, the one door for every input format.  It
 * detects the delimiter (unless the options fix it), reads the first
 * records of a file, asks each format how surely it is its own, and hands
 * the file to the best (or to the one --format names; or to "mapping"
 * when the options map columns).  The delimiter reaches the formats in
 * their copy of the options (opt->delimiter), never in shared state, so
 * two threads may ingest at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"

/* Every format, listed once.  Ties go to the earlier entry. */
static const silk_format *const formats[] = {
    &silk_format_tidy,
    &silk_format_unhcr,
    &silk_format_unhcr_countries, /* checks a code lookup, stores nothing */
    &silk_format_wb_long,
    &silk_format_wb_indicator,
    &silk_format_wb_wide,
    &silk_format_desa_wide,
    &silk_format_desa_long,
    &silk_format_eurostat,
    &silk_format_mapping, /* never detected: chosen by the column mapping */
};

#define N_FORMATS (sizeof formats / sizeof *formats)

size_t silk_ingest_format_count(void)
{
    return N_FORMATS;
}

const char *silk_ingest_format_name(size_t i)
{
    return i < N_FORMATS ? formats[i]->name : NULL;
}

const char *silk_ingest_format_summary(size_t i)
{
    return i < N_FORMATS ? formats[i]->summary : NULL;
}

static void sniff_release(silk_sniff *sniff)
{
    for (size_t r = 0; r < sniff->n_records; r++)
        for (size_t f = 0; f < sniff->record[r].n_stored; f++)
            free(sniff->record[r].field[f]);
    sniff->n_records = 0;
}

static int sniff_row(silk_csv_reader *reader, void *ctx,
                     const silk_csv_row *row, silk_error *err)
{
    (void)reader;
    silk_sniff *sniff = ctx;
    if (sniff->n_records == SILK_SNIFF_RECORDS)
        return SILK_CSV_STOP;
    size_t r = sniff->n_records;
    sniff->record[r].n_fields = row->n_fields;
    sniff->record[r].line = row->line;
    sniff->record[r].n_stored = 0;
    for (size_t f = 0; f < row->n_stored && f < SILK_SNIFF_FIELDS; f++) {
        char *copy = strndup(row->field[f].text, row->field[f].len);
        if (copy == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        sniff->record[r].field[f] = copy;
        sniff->record[r].n_stored = f + 1;
    }
    sniff->n_records++;
    return SILK_OK;
}

static void list_formats(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_FORMATS && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i ? ", " : "", formats[i]->name);
}

/* The format named by --format, or the one that recognises the file. */
static bool maps_columns(const silk_ingest_options *opt)
{
    return opt->origin_column || opt->destination_column ||
           opt->period_column || opt->value_columns ||
           opt->periods_as_columns;
}

static int choose(const char *path, const silk_ingest_options *opt,
                  const silk_format **out, silk_error *err)
{
    char names[256];
    list_formats(names, sizeof names);
    if (opt->format && strcmp(opt->format, "auto") != 0) {
        for (size_t i = 0; i < N_FORMATS; i++)
            if (strcasecmp(opt->format, formats[i]->name) == 0) {
                /* a mapping given to another format would be ignored */
                if (maps_columns(opt) && formats[i] != &silk_format_mapping)
                    return silk_error_set(
                        err, SILK_EINVAL,
                        "a column mapping (--column, --value-columns, "
                        "--periods-as-columns) applies only to the format "
                        "'mapping', not '%s'", formats[i]->name);
                *out = formats[i];
                return SILK_OK;
            }
        return silk_error_set(err, SILK_EINVAL,
                              "unknown format '%s'; expected one of: %s",
                              opt->format, names);
    }
    if (maps_columns(opt)) {
        *out = &silk_format_mapping;
        return SILK_OK;
    }

    /* The sniff is a short, separate read: the chosen format then streams
     * the whole file itself, with its own line numbers and digest. */
    silk_sniff sniff;
    char digest[65];
    uint64_t bytes = 0;
    memset(&sniff, 0, sizeof sniff);
    int status = silk_csv_read_delim(path, opt->delimiter, 64, sniff_row,
                                     &sniff, digest, &bytes, err);
    if (status != SILK_OK) {
        sniff_release(&sniff);
        return status;
    }
    int best = 0;
    *out = NULL;
    for (size_t i = 0; i < N_FORMATS; i++) {
        int score = formats[i]->detect(&sniff);
        if (score > best) {
            best = score;
            *out = formats[i];
        }
    }
    size_t n_records = sniff.n_records;
    sniff_release(&sniff);
    if (*out != NULL)
        return SILK_OK;
    if (bytes == 0 || n_records == 0) {
        /* let the tidy reader give its precise empty-file message */
        *out = &silk_format_tidy;
        return SILK_OK;
    }
    return silk_error_set(err, SILK_EPARSE,
                          "%s:1:1: the header matches no known format; "
                          "expected one of: %s (or name one with --format)",
                          path, names);
}

int silk_ingest_file(const char *path, const silk_ingest_options *opt,
                     unsigned file_index, silk_batch *batch,
                     uint64_t *rows_out, const char **format_out,
                     silk_error *err)
{
    const silk_format *format = NULL;
    if (rows_out != NULL)
        *rows_out = 0;
    /* Checked once here: formats use it as a name or as a prefix. */
    if (opt != NULL && opt->indicator != NULL &&
        !silk_indicator_name_valid(opt->indicator, strlen(opt->indicator)))
        return silk_error_set(
            err, SILK_EINVAL,
            "--indicator '%s' is not an indicator name; expected 1-64 "
            "letters, digits, '_', '.' or '-', not starting with '.' or '-'",
            opt->indicator);
    /* The formats read the delimiter from their options: a copy carries
     * the detected one without touching the caller's. */
    silk_ingest_options local = {0};
    if (opt != NULL)
        local = *opt;
    if (local.delimiter != 0 && local.delimiter != ',' &&
        local.delimiter != ';' && local.delimiter != '\t')
        return silk_error_set(err, SILK_EINVAL,
                              "delimiter '%c' is not supported; expected ',', "
                              "';' or a tab", local.delimiter);
    int status = SILK_OK;
    if (local.delimiter == 0)
        status = silk_csv_detect_delimiter(path, &local.delimiter, err);
    if (status == SILK_OK)
        status = choose(path, &local, &format, err);
    if (status != SILK_OK)
        return status;
    if (format_out != NULL)
        *format_out = format->name;
    uint64_t rows = 0;
    status = format->read(path, &local, file_index, batch, &rows, err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = rows;
    return status;
}
