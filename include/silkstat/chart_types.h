/*
 * silkstat/chart_types.h: the chart types of the briefing pack, beyond the
 * line chart of silkstat.h (silk_chart_render): confidence bands on lines,
 * small multiples, stacked areas, ranked bars, grouped bars, an
 * origin-destination heatmap, a forecast fan and a dumbbell chart; plus
 * the fixed colours (population types, the Silk Routes countries) and a
 * safe file-name slug.
 *
 * Included by silkstat.h (section "Charts"); do not include it alone.
 *
 * Every chart is drawn in one house style (STYLE.md "Charts"): title flush
 * left, a subtitle with scope and reference date, the value axis' units,
 * a source line last, a light grid on the value axis only, short-scale
 * numbers (1.2M), the Okabe-Ito palette, Lato (or fontconfig's sans when
 * Lato is missing).  The format follows out_path's extension: .png
 * (1200x700 px unless a type says otherwise), .svg (same size) or .pdf
 * (8in wide).  OUT.gp and OUT.dat stay beside the image, so `gnuplot
 * OUT.gp` in its folder draws it again; the image is rendered under a
 * temporary name and renamed, so out_path is either the old file or the
 * whole new one.
 *
 * Text: every label, title and source may come from data and is treated
 * as hostile: it reaches gnuplot only as a line of a datablock (control
 * characters become spaces, invalid UTF-8 becomes U+FFFD) and is drawn
 * without enhanced-text markup, so quotes, backquotes, `system(...)`,
 * newlines, `@`, `\` and `$` are drawn literally and never run.  NULL
 * texts count as "".  The file name of out_path must be 1-200 characters
 * of [A-Za-z0-9_.-], not starting with '-' (the folder is free); build
 * names from data with silk_chart_slug.
 *
 * Numbers: NaN is a missing value, drawn as a gap (never as zero);
 * infinities are rejected (SILK_EINVAL), as are non-finite positions on
 * the time axis.  Each render function returns SILK_OK, SILK_EINVAL (bad
 * spec: the message names the chart and what is wrong), SILK_ENOMEM,
 * SILK_EIO (a file could not be written or renamed) or SILK_ECHART
 * (gnuplot missing or failing; its first stderr lines are quoted).
 */
#ifndef SILKSTAT_CHART_TYPES_H
#define SILKSTAT_CHART_TYPES_H

#ifndef SILKSTAT_H
#error "include silkstat.h, which includes silkstat/chart_types.h"
#endif

/* ---- Colours ---------------------------------------------------------- */

/* The palette: entries 1-8 are Okabe-Ito (distinguishable with every
 * common colour-vision deficiency), 9 is a neutral grey for "other".
 *   1 #0072B2 blue        2 #D55E00 vermillion   3 #009E73 bluish green
 *   4 #CC79A7 pink        5 #E69F00 orange       6 #56B4E9 sky blue
 *   7 #000000 black       8 #F0E442 yellow       9 #999999 grey
 * Returns "#RRGGBB", or NULL for another index. */
SILK_API const char *silk_chart_palette(unsigned index);
#define SILK_CHART_OTHER 9u /* palette entry of "other" / "rest" */

/* The fixed colour of a Silk Routes country, the same in every chart:
 * AFG 1 blue, IRN 2 vermillion, PAK 3 green, BGD 4 pink, IRQ 5 orange
 * (the two closest hues go to Iran and Iraq, rarely the pair a reader
 * must tell apart).  0 for any other code (take a free entry). */
SILK_API unsigned silk_chart_country_colour(const char *iso3);

/* UNHCR's population types, each with one fixed colour. */
typedef enum silk_population {
    SILK_POP_NONE = 0,          /* not a population type */
    SILK_POP_REFUGEES,          /* 1 blue */
    SILK_POP_ASYLUM_SEEKERS,    /* 6 sky blue: next to refugees */
    SILK_POP_RETURNED_REFUGEES, /* 3 bluish green */
    SILK_POP_IDPS,              /* 5 orange */
    SILK_POP_OIP,               /* 4 pink: other people in need of
                                   international protection */
    SILK_POP_STATELESS          /* 2 vermillion */
} silk_population;

/* The population type an indicator name holds: refugees, asylum_seekers,
 * returned_refugees and refugee_returns, idps (and idps_idmc), oip,
 * stateless; a prefix before a '.' is ignored (flows.refugees).
 * SILK_POP_NONE otherwise. */
SILK_API silk_population silk_chart_population_of(const char *indicator);
/* Its palette entry (above), 0 for SILK_POP_NONE. */
SILK_API unsigned silk_chart_population_colour(silk_population type);
/* Its name as the agencies print it ("Asylum-seekers"), "" for NONE. */
SILK_API const char *silk_chart_population_label(silk_population type);

/* Writes into buf a file-name slug of text: lowercase ASCII letters and
 * digits, every other run of characters one '-', no leading or trailing
 * '-', at most size - 1 bytes (cut at a '-' boundary when possible);
 * "chart" when nothing is left.  So "../x" -> "x", "Côte d'Ivoire" ->
 * "c-te-d-ivoire".  The result passes the out_path name rule once an
 * extension is added, and can never name a parent folder.  size >= 8. */
SILK_API void silk_chart_slug(const char *text, char *buf, size_t size);

/* ---- What every chart type shares ---------------------------------------- */

typedef struct silk_chart_frame {
    const char *title;    /* bold, flush left */
    const char *subtitle; /* measure, scope and reference date */
    const char *y_label;  /* units of the value axis ("persons") */
    const char *source;   /* the last line: source and licence */
    const char *out_path; /* .png, .svg or .pdf */
    const char *gnuplot;  /* program to run; NULL = "gnuplot" on PATH */
} silk_chart_frame;

/* ---- 1. Lines with confidence bands -------------------------------------- */

/* A band for one line of a silk_chart_spec, on the line's own x: lower[i]
 * and upper[i] at x[i] (NaN in either = a gap in the band; lower <= upper
 * where both are given).  Drawn as a light fill in the line's colour under
 * the lines, e.g. the 95% confidence band of the trend line. */
typedef struct silk_chart_band {
    const double *lower, *upper; /* both NULL: no band for this line */
} silk_chart_band;

/* silk_chart_render with bands: bands holds spec->n_lines entries (NULL:
 * none).  The value axis covers the bands too. */
SILK_API int silk_chart_render_bands(const silk_chart_spec *spec,
                                     const silk_chart_band *bands,
                                     silk_error *err);

/* ---- 2. Small multiples -------------------------------------------------- */

#define SILK_CHART_MAX_PANELS 12

/* One panel per line (its label is the panel title, its colour the line's;
 * trend and provisional flags as in silk_chart_render), all on one value
 * scale and one time axis so panels compare at a glance; one title block
 * and source for the whole figure; markers drawn in every panel (their
 * labels in the first row only).  1-12 panels, laid out in columns
 * (0 = automatic: up to 3 per row, 4 for 7 or more panels). */
typedef struct silk_chart_multiples_spec {
    silk_chart_frame frame;
    const silk_chart_line *panels;
    size_t n_panels;
    const silk_chart_band *bands; /* n_panels entries, or NULL */
    const silk_chart_marker *markers;
    size_t n_markers;
    size_t columns;
} silk_chart_multiples_spec;

SILK_API int silk_chart_render_multiples(const silk_chart_multiples_spec *spec,
                                         silk_error *err);

/* ---- 3. Stacked area ------------------------------------------------------ */

#define SILK_CHART_MAX_LAYERS 9

/* One layer of a stack: n_x values on the stack's x (NaN = missing: the
 * whole stack has a gap at that x, since the layers above would be drawn
 * at the wrong height; negative values are rejected). */
typedef struct silk_chart_series {
    const char *label; /* from data */
    const double *y;
    unsigned colour; /* palette entry 1-9 (population type, country,
                        SILK_CHART_OTHER), 0: by position */
} silk_chart_series;

/* Composition over time: 1-9 layers stacked bottom up in the given order,
 * labelled directly at the right end (at the middle of each layer's last
 * band, pushed apart so labels never overlap). */
typedef struct silk_chart_area_spec {
    silk_chart_frame frame;
    size_t n_x;
    const double *x; /* decimal years, finite, increasing */
    const silk_chart_series *layers;
    size_t n_layers;
    const silk_chart_marker *markers;
    size_t n_markers;
} silk_chart_area_spec;

SILK_API int silk_chart_render_area(const silk_chart_area_spec *spec,
                                    silk_error *err);

/* ---- 4. Ranked horizontal bars ------------------------------------------- */

#define SILK_CHART_MAX_BARS 30

/* Top hosts, origins or corridors: one bar per category, sorted largest
 * first (top to bottom; ties keep the given order), the value written at
 * the bar's end in short scale.  A NaN value keeps its row, drawn empty
 * with "no data", at the bottom.  1-30 bars; negative values are drawn
 * left of zero. */
typedef struct silk_chart_bars_spec {
    silk_chart_frame frame;
    size_t n;
    const char *const *labels; /* n, from data */
    const double *values;      /* n */
    const unsigned *colours;   /* n palette entries, or NULL: all blue */
    bool keep_order;           /* draw in the given order, unsorted */
} silk_chart_bars_spec;

SILK_API int silk_chart_render_bars(const silk_chart_bars_spec *spec,
                                    silk_error *err);

/* ---- 5. Grouped bars ------------------------------------------------------ */

#define SILK_CHART_MAX_GROUPS 4
#define SILK_CHART_MAX_CATEGORIES 12

/* A few periods (groups) compared per category: vertical bars side by
 * side, the earliest group lightest, a compact key above the plot, values
 * on the bars when every one fits its bar (all or none).  values[g * n_categories + c] (NaN: no bar,
 * "n/a" under the slot).  1-4 groups, 1-12 categories. */
typedef struct silk_chart_grouped_spec {
    silk_chart_frame frame;
    size_t n_groups, n_categories;
    const char *const *groups;     /* n_groups, e.g. "2015", "2024" */
    const char *const *categories; /* n_categories, from data */
    const double *values;
} silk_chart_grouped_spec;

SILK_API int silk_chart_render_grouped(const silk_chart_grouped_spec *spec,
                                       silk_error *err);

/* ---- 6. Origin-destination heatmap ----------------------------------------- */

#define SILK_CHART_MAX_CELLS_AXIS 30

/* Rows origins, columns destinations, cell colour on a sequential
 * colour-blind-safe scale (ColorBrewer YlGnBu: light = few), the values
 * written in the cells when every one fits (all or none).  values[r * n_cols + c]; NaN cells
 * are pale grey without a number.  log_scale colours by log10 (for
 * counts spanning orders of magnitude; needs values >= 0, zeros take the
 * lightest colour).  1-30 rows and columns. */
typedef struct silk_chart_heatmap_spec {
    silk_chart_frame frame;
    size_t n_rows, n_cols;
    const char *const *rows; /* n_rows, from data */
    const char *const *cols; /* n_cols, from data */
    const double *values;
    bool log_scale;
    const char *row_title, *col_title; /* "Origin", "Destination"; NULL */
} silk_chart_heatmap_spec;

SILK_API int silk_chart_render_heatmap(const silk_chart_heatmap_spec *spec,
                                       silk_error *err);

/* ---- 7. Forecast fan ------------------------------------------------------- */

/* The history as a solid line, the forecast as a dashed line from the
 * last observed value, its 95% band light and its 80% band darker, a
 * dashed vertical line at the forecast start labelled start_label
 * ("Forecast" when NULL), the bands named at their right end.  History:
 * n_history >= 1 points (NaN = gap, flags mark provisional values);
 * forecast: n_forecast >= 1 steps after the history, each with
 * lo95 <= lo80 <= mean <= hi80 <= hi95 (NaN mean not allowed; NaN bounds
 * leave the band out at that step). */
typedef struct silk_chart_fan_spec {
    silk_chart_frame frame;
    const char *label;   /* the series, at the line's end; from data */
    unsigned colour;     /* palette entry, 0: blue */
    size_t n_history;
    const double *history_x, *history_y;
    const uint32_t *history_flags; /* may be NULL */
    size_t n_forecast;
    const double *forecast_x, *mean, *lo80, *hi80, *lo95, *hi95;
    const char *start_label;
    const silk_chart_marker *markers;
    size_t n_markers;
} silk_chart_fan_spec;

SILK_API int silk_chart_render_fan(const silk_chart_fan_spec *spec,
                                   silk_error *err);

/* ---- 8. Dumbbell (then versus now) ----------------------------------------- */

/* Per category a grey dot (then), a coloured dot (now) and a bar between,
 * sorted by the now value, largest first (unless keep_order), the now
 * value written beside the row.  A NaN end draws the other dot alone.
 * 1-30 categories. */
typedef struct silk_chart_dumbbell_spec {
    silk_chart_frame frame;
    size_t n;
    const char *const *labels; /* n, from data */
    const double *then, *now;  /* n each */
    const char *then_label, *now_label; /* the key: "2015", "2024" */
    bool keep_order;
} silk_chart_dumbbell_spec;

SILK_API int silk_chart_render_dumbbell(const silk_chart_dumbbell_spec *spec,
                                        silk_error *err);

#endif /* SILKSTAT_CHART_TYPES_H */
