/*
 * chart.h: internals of the chart writer shared by the chart families
 * (chart.c lines, multiples.c, area.c, bars.c, heatmap.c, fan.c), frame.c
 * (what every chart has: output names, the label datablock, terminal,
 * title block, ticks, the atomic render), render.c (running gnuplot) and
 * text.c (making text from data safe for a gnuplot script).  Not
 * installed: the tests include it to reach the helpers directly.
 */
#ifndef SILK_CHART_INTERNAL_H
#define SILK_CHART_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/* ---- frame.c: what every chart shares ---------------------------------- */

enum chart_format { FMT_PNG, FMT_SVG, FMT_PDF };

/* Palette entries (silk_chart_palette): 1-8 Okabe-Ito, 9 neutral grey. */
#define CHART_PALETTE_SIZE 9

/* One chart being written.  chart_begin fills the names, chart_text
 * collects the labels of the $LBL datablock while the chart writes its
 * commands into body (a memory stream), chart_finish writes OUT.gp
 * (header, datablock, terminal, body), runs gnuplot on a temporary image
 * name and renames it into place; chart_end frees everything and removes
 * a temporary image left by a failure. */
typedef struct chart_job {
    const char *out_path;
    enum chart_format fmt;
    int width, height; /* pixels of PNG and SVG; the PDF is 8in wide */
    double s;          /* font and line scale: 0.96 for PDF, else 1 */
    const char *font;  /* the family for the terminal ("Lato" ...) */
    char *dir, *stem;
    const char *base; /* the file name inside out_path */
    const char *ext;  /* ".png", ".svg" or ".pdf" as the caller wrote it */
    char gp_name[300], dat_name[300], tmp_name[300];
    char *gp_path, *dat_path, *tmp_path;
    const char **labels; /* borrowed until chart_finish */
    size_t n_labels, cap_labels;
    bool oom;
    FILE *body;
    char *body_text;
    size_t body_len;
} chart_job;

/* Checks out_path (an extension .png/.svg/.pdf, a file name of 1-200
 * characters of [A-Za-z0-9_.-], not starting with '-'), works out the
 * names of the .gp, .dat and temporary image, and opens the body stream.
 * SILK_EINVAL for a bad path; chart_end must be called either way. */
int chart_begin(chart_job *job, const char *out_path, silk_error *err);

/* Appends text (from data: borrowed, cleaned when written) to the $LBL
 * datablock and returns its 1-based index.  Out of memory is reported by
 * chart_finish. */
size_t chart_text(chart_job *job, const char *text);

/* Opens OUT.dat for writing (with an error naming it). */
FILE *chart_data_open(chart_job *job, silk_error *err);
/* Closes it, turning a write error into SILK_EIO. */
int chart_data_close(chart_job *job, FILE *f, silk_error *err);

/* Writes OUT.gp, renders it to the temporary name and renames it to
 * out_path. */
int chart_finish(chart_job *job, const char *gnuplot, silk_error *err);

/* Frees the job; removes the temporary image unless it was renamed. */
void chart_end(chart_job *job);

/* The title block flush left (bold title, subtitle, value-axis units)
 * and the source on the last line; empty or NULL texts are skipped. */
void chart_titles(chart_job *job, const char *title, const char *subtitle,
                  const char *y_label, const char *source);

/* Screen y of a point px pixels below the top of the image. */
double chart_from_top(const chart_job *job, double px);

/* Writes `set AXIS (labels...) ...` for the value axis: ticks from first to
 * last by step, labelled in short scale with the unit of the largest
 * ("0.5M, 1M").  axis is "x", "y" or "cb". */
void chart_value_tics(chart_job *job, const char *axis, double first,
                      double last, double step);

/* Tick label in the unit of the largest tick (as above). */
void chart_tick_label(double value, double largest, char *buf, size_t size);

/* A palette entry as "#RRGGBB": index 1-9, else the entry for position
 * (0-based, cycling through the first eight). */
const char *chart_colour(unsigned index, size_t position);

/* Estimated width in pixels of text at pt points (Lato; bold a little
 * wider).  Used to make room for labels before gnuplot draws them. */
double chart_text_px(const char *text, double pt, bool bold);

/* Number of UTF-8 characters. */
size_t chart_chars(const char *text);

/* Pushes the label positions pos[0..n-1] apart so neighbours are at least
 * gap apart, keeping them within [lo, hi] where possible (bottom-up, then
 * sliding the stack down from hi).  NaN positions are left alone. */
void chart_spread(double *pos, size_t n, double gap, double lo, double hi);

/* The same with a height per label: neighbours i and j end up at least
 * (size[i] + size[j]) / 2 apart. */
void chart_spread_sized(double *pos, const double *size, size_t n,
                        double lo, double hi);
#define CHART_SPREAD_MAX 32 /* chart_spread handles this many labels */

/* A compact key on the units row (126 px from the top), ending at
 * right_px: per entry a swatch in its colour (a dot, or a square for
 * bars) and its text (from data). */
void chart_key(chart_job *job, double right_px, size_t n,
               const char *const *texts, const char *const *colours,
               bool dots);

/* The frame of a chart over years (line, area, fan): the axis line, the
 * plot area from 0.065 to right (screen fractions), x from x_lo to x_hi
 * with a year tick every x_step, and the value axis from y_first to
 * y_last by y_step (chart_value_tics). */
void chart_time_axes(chart_job *job, double right, double x_lo,
                     double x_hi, double x_step, double y_first,
                     double y_last, double y_step);

/* Step between year ticks giving at most max_ticks ticks over span. */
double chart_year_step(double span, double max_ticks);

/* Validates a label array's pointer: NULL entries count as "". */
const char *chart_or_empty(const char *text);

/* ---- chart.c: line helpers shared with multiples.c and fan.c ---------- */

#define CHART_MAX_SERIES 12 /* lines of one chart or panels of multiples */

/* Checked lines with their extent and where their blocks sit in OUT.dat:
 * index l for line l, then the trend lines, then the bands. */
typedef struct chart_lines {
    const silk_chart_line *lines;
    const silk_chart_band *bands; /* n entries or NULL */
    size_t n;
    double x_lo, x_hi, y_lo, y_hi; /* data extent (y: values, trends' tops,
                                      bands) */
    size_t last[CHART_MAX_SERIES]; /* index of the last finite point */
    bool has_points[CHART_MAX_SERIES], has_prov[CHART_MAX_SERIES];
    size_t trend_block[CHART_MAX_SERIES]; /* SIZE_MAX: none */
    size_t band_block[CHART_MAX_SERIES];  /* SIZE_MAX: none */
    size_t label_chars; /* longest line label, in characters */
} chart_lines;

/* Validates lines (and bands, markers) for the chart at out and measures
 * them.  what names the things in messages ("line", "panel"). */
int chart_lines_plan(chart_lines *cl, const silk_chart_line *lines,
                     size_t n, const silk_chart_band *bands,
                     const silk_chart_marker *markers, size_t n_markers,
                     const char *out, const char *what, silk_error *err);

/* Writes the blocks of OUT.dat (header comment included). */
int chart_lines_data(chart_job *job, const chart_lines *cl, silk_error *err);

/* Writes the `plot` command drawing lines [from, to): bands first, then
 * trends, then the lines and their provisional rings on top. */
void chart_lines_plot(chart_job *job, const chart_lines *cl, size_t from,
                      size_t to);

/* "o provisional value" bottom right when a line has one. */
void chart_provisional_note(chart_job *job, const chart_lines *cl);

/* Value axis of counts: from zero (or the lowest value when negative) to
 * hi plus 4% headroom, on nice ticks. */
void chart_value_range(double lo, double hi, double *first, double *last,
                       double *step);

/* Dashed vertical lines at the markers.  With labels, their texts sit on
 * a row whose baseline is label_px pixels from the top of the image,
 * right-aligned in the right half and left-aligned in the left, moved to
 * a second row 14 px higher when they would overlap (plot_px: the plot's
 * width in pixels), and the lines reach up to them; without, the lines
 * span the plot.  front: over the data (areas hide what is behind). */
/* Checks the markers of the chart at out: an array when n > 0, every x
 * finite.  SILK_EINVAL with a message naming the chart or the marker. */
int chart_markers_check(const char *out, const silk_chart_marker *markers,
                        size_t n, silk_error *err);

void chart_markers(chart_job *job, const silk_chart_marker *markers,
                   size_t n, double x_lo, double x_hi, double plot_px,
                   double label_px, bool labels, bool front);

#endif
