/*
 * chart.h: internals of the chart writer shared by chart.c (script and data
 * writer), render.c (running gnuplot) and text.c (making text from data safe
 * for a gnuplot script).  Not installed: the tests include it to reach the
 * escaping and tick helpers directly.
 */
#ifndef SILK_CHART_INTERNAL_H
#define SILK_CHART_INTERNAL_H

#include <stddef.h>

#include "silkstat.h"

/* Returns a malloc'd copy of text (NULL counts as "") in which every control
 * character (0x00-0x1F, 0x7F, U+0080-U+009F) is a space and every invalid
 * UTF-8 sequence (stray continuation bytes, truncated, overlong, surrogate,
 * beyond U+10FFFF) and U+FFFE/U+FFFF is U+FFFD.  A raw newline would end a
 * gnuplot command and invalid UTF-8 makes the SVG invalid XML; see
 * RELIABILITY.md.  NULL only when out of memory. */
char *silk_chart_clean_text(const char *text);

/* Returns a malloc'd gnuplot double-quoted literal of the cleaned text,
 * quotes included, escaping exactly \ -> \\, " -> \", ` -> \` (the rule
 * RELIABILITY.md measured as safe).  NULL only when out of memory. */
char *silk_chart_quote(const char *text);

/* True when name is a file name the engine may hand to gnuplot: 1-255
 * characters of [A-Za-z0-9_.-], not starting with '-' and not "." or "..".
 * Names never come from data, so anything else is a caller bug. */
int silk_chart_name_ok(const char *name);

/* Nice value-axis ticks covering [lo, hi]: a step of 1, 2 or 5 times a power
 * of ten giving at most 8 intervals, *first = the largest multiple of the
 * step <= lo, *last = the smallest multiple >= hi.  Returns the step. */
double silk_chart_ticks(double lo, double hi, double *first, double *last);

/* Runs `gnuplot -d -e "outfile='TMP'" SCRIPT` with dir as the working
 * directory, without a shell, and fails with SILK_ECHART (quoting the first
 * lines of gnuplot's stderr) unless it exits 0.  gnuplot == NULL means
 * "gnuplot" on PATH; script and tmp_name must pass silk_chart_name_ok. */
int silk_chart_run(const char *gnuplot, const char *dir, const char *script,
                   const char *tmp_name, silk_error *err);

#endif
