/*
 * report.h: what the parts of the briefing pack share inside src/report:
 * HTML escaping (html.c), reading the CSV files the steps left (csv.c,
 * through the ingest reader: libcsv, never a parser of our own), numbers
 * for people (summary.c) and the PDF pack (pack.c).  Not installed.
 */
#ifndef SILK_REPORT_INTERNAL_H
#define SILK_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "silkstat/job.h"

/* Writes text to f escaped as silk_html_escape does. */
void html_put(FILE *f, const char *text);

/* A CSV file read whole: row 0 is the header; every row has n_cols
 * cells (short rows padded with ""). */
typedef struct csv_table {
    size_t n_cols, n_rows;
    char **cell; /* n_rows * n_cols, each malloc'd */
} csv_table;

/* Reads path (at most max_rows rows after the header; more is
 * SILK_EPARSE).  Errors name the file, line and column. */
int csv_table_read(const char *path, size_t max_rows, csv_table *out,
                   silk_error *err);
void csv_table_release(csv_table *t);
static inline const char *csv_cell(const csv_table *t, size_t row,
                                   size_t col)
{
    return t->cell[row * t->n_cols + col];
}

/* A number for a table cell: whole numbers with thousands separators
 * (1,386,970), others with three significant digits (74.3, 0.877), ""
 * for NaN. */
void report_number(double value, char *buf, size_t size);

/* Writes OUT/briefing.gp, which loads each chart's script (NAME.gp, the
 * PDF variant) in one gnuplot session, and runs it into
 * OUT/briefing.pdf (temporary name, renamed).  n may be 0: no PDF then,
 * and an old one is removed. */
int report_pack(const char *out_dir, const char *const *names, size_t n,
                const char *gnuplot, silk_error *err);

#endif
