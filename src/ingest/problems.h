/*
 * problems.h: the row-level sanity checks every format shares (internal
 * to src/ingest).  They only warn: the value is still read.  Each does
 * nothing unless opt->problems is set, so a plain ingest without a
 * collector pays one comparison per call.
 */
#ifndef SILK_INGEST_PROBLEMS_H
#define SILK_INGEST_PROBLEMS_H

#include <stdbool.h>

#include "silkstat.h"

/* The years silk_ingest_check_year accepts without a warning, or false
 * when opt collects no warnings: a reader may skip the row checks whose
 * conditions it can see cannot hold. */
bool silk_ingest_year_range(const silk_ingest_options *opt, int *lo,
                            int *hi);

/* Warns when a year is before 1950 or more than one year after the
 * current one (the parse range, 1800-2200, stays the hard limit): most
 * often a typing error such as 1202 or 2202. */
void silk_ingest_check_year(const silk_ingest_options *opt, const char *path,
                            size_t line, size_t column,
                            const char *column_name, const char *text,
                            size_t len, silk_period period);

/* Warns when a value in unit "persons" is negative (tidy; the UNHCR and
 * DESA readers reject negative counts as errors), unless indicator (may be
 * NULL) is a balance (silk_ingest_is_balance), which may be negative. */
void silk_ingest_check_count(const silk_ingest_options *opt, const char *path,
                             size_t line, size_t column,
                             const char *column_name, const char *text,
                             size_t len, const char *indicator,
                             const char *unit, double value);

/* True for an indicator that is a balance rather than a count: its name
 * contains "net" in any case (net_migration, the World Bank's
 * SM.POP.NETM), negative when more people leave than arrive. */
bool silk_ingest_is_balance(const char *indicator);

/* Warns when origin equals destination for an indicator of people counted
 * outside their country (see impossible_same[] in problems.c), unless the
 * value is missing or 0 or the code is UNHCR's unknown/stateless. */
void silk_ingest_check_pair(const silk_ingest_options *opt, const char *path,
                            size_t line, size_t column, const char *indicator,
                            const char *origin, const char *destination,
                            double value);

#endif /* SILK_INGEST_PROBLEMS_H */
