/*
 * csv.c: the CSV files the steps leave in the output folder (each
 * chart's NAME.csv of figures, each table's NAME.csv) read into memory
 * through the ingest module's streaming reader, which wraps libcsv and
 * places every error at its line and column.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/reader.h"
#include "report/report.h"

#define MAX_COLUMNS 256

typedef struct reading {
    csv_table *t;
    size_t cap, max_rows;
    const char *path;
} reading;

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    (void)reader;
    reading *r = ctx;
    csv_table *t = r->t;
    if (t->n_rows == 0)
        t->n_cols = row->n_stored ? row->n_stored : 1;
    else if (t->n_rows > r->max_rows)
        return silk_ingest_error_at(err, SILK_EPARSE, r->path, row->line, 1,
                                    "more than %zu rows", r->max_rows);
    if (row->n_fields > t->n_cols)
        return silk_ingest_error_at(err, SILK_EPARSE, r->path, row->line,
                                    t->n_cols + 1,
                                    "%zu fields; expected %zu as in the "
                                    "header",
                                    row->n_fields, t->n_cols);
    size_t need = (t->n_rows + 1) * t->n_cols;
    if (need > r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64 * t->n_cols;
        while (cap < need)
            cap *= 2;
        char **grown = realloc(t->cell, cap * sizeof *grown);
        if (grown == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        t->cell = grown;
        r->cap = cap;
    }
    char **cells = t->cell + t->n_rows * t->n_cols;
    for (size_t c = 0; c < t->n_cols; c++) {
        cells[c] = strdup(c < row->n_stored ? row->field[c].text : "");
        if (cells[c] == NULL) {
            for (size_t k = 0; k < c; k++)
                free(cells[k]);
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
    }
    t->n_rows++;
    return SILK_OK;
}

int csv_table_read(const char *path, size_t max_rows, csv_table *out,
                   silk_error *err)
{
    memset(out, 0, sizeof *out);
    reading r = {out, 0, max_rows, path};
    char sha256[65];
    uint64_t bytes;
    int status = silk_csv_read_delim(path, ',', MAX_COLUMNS, on_row, &r,
                                     sha256, &bytes, err);
    if (status == SILK_OK && out->n_rows == 0)
        status = silk_error_set(err, SILK_EPARSE,
                                "%s: empty; expected a header line", path);
    if (status != SILK_OK)
        csv_table_release(out);
    return status;
}

void csv_table_release(csv_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cell[i]);
    free(t->cell);
    memset(t, 0, sizeof *t);
}
