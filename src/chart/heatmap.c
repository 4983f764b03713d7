/*
 * heatmap.c: the origin-destination heatmap (silk_chart_render_heatmap).
 * Rows are origins (top down in the given order), columns destinations;
 * each cell is a box coloured on ColorBrewer's YlGnBu, a sequential
 * scale that stays ordered for every common colour-vision deficiency and
 * in greyscale (light = few).  Missing cells are pale grey and unlabelled,
 * so "no data" never reads as "few".  Values are written in the cells in
 * short scale when every one fits (white on the dark half of the scale).  With
 * log_scale, colours follow log10 of the value and the colour bar is
 * labelled at powers of ten.
 *
 * OUT.dat holds four blocks: coloured cells (x y half-width half-height
 * colour-value), missing cells (x y), labels on light cells and labels on
 * dark cells (x y "text"; the text is a number the engine formatted).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

#define PLOT_TOP 154.0
#define CELL_MIN_PX 20.0

static const char *const ylgnbu[] = {"#ffffd9", "#edf8b1", "#c7e9b4",
                                     "#7fcdbb", "#41b6c4", "#1d91c0",
                                     "#225ea8", "#253494", "#081d58"};

static int check(const silk_chart_heatmap_spec *spec, silk_error *err)
{
    const char *out = spec->frame.out_path;
    if (spec->n_rows == 0 || spec->n_cols == 0 || spec->values == NULL ||
        spec->rows == NULL || spec->cols == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no rows or no columns", out);
    if (spec->n_rows > SILK_CHART_MAX_CELLS_AXIS ||
        spec->n_cols > SILK_CHART_MAX_CELLS_AXIS)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu rows and %zu columns; at "
                              "most %d each (show the top ones)", out,
                              spec->n_rows, spec->n_cols,
                              SILK_CHART_MAX_CELLS_AXIS);
    bool any = false;
    for (size_t i = 0; i < spec->n_rows * spec->n_cols; i++) {
        double v = spec->values[i];
        const char *row = chart_or_empty(spec->rows[i / spec->n_cols]);
        const char *col = chart_or_empty(spec->cols[i % spec->n_cols]);
        if (isinf(v))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': cell '%s' x '%s' is "
                                  "infinite", out, row, col);
        if (spec->log_scale && v < 0)
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': cell '%s' x '%s' is %g; a "
                                  "log scale needs values >= 0", out, row,
                                  col, v);
        any = any || !isnan(v);
    }
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no values to plot", out);
    return SILK_OK;
}

/* Colour-bar tick label of 10^k: "1", "10", "100", "1k", ... */
static void power_label(int k, char *buf, size_t size)
{
    silk_format_short(pow(10, k), buf, size);
}

SILK_API int silk_chart_render_heatmap(const silk_chart_heatmap_spec *spec,
                                       silk_error *err)
{
    chart_job job;
    int status;

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    status = chart_begin(&job, spec->frame.out_path, err);
    if (status == SILK_OK)
        status = check(spec, err);
    if (status != SILK_OK)
        goto done;

    size_t nr = spec->n_rows, nc = spec->n_cols;
    const double *v = spec->values;
    /* The colour scale. */
    double lo = INFINITY, hi = -INFINITY, min_pos = INFINITY;
    for (size_t i = 0; i < nr * nc; i++) {
        if (isnan(v[i]))
            continue;
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
        if (v[i] > 0)
            min_pos = fmin(min_pos, v[i]);
    }
    double cb_lo, cb_hi, cb_step = 1;
    if (spec->log_scale) {
        if (isinf(min_pos)) /* all zero */
            min_pos = hi = 1;
        cb_lo = floor(log10(min_pos));
        cb_hi = ceil(log10(hi));
        if (!(cb_hi > cb_lo))
            cb_hi = cb_lo + 1;
    } else {
        cb_step = silk_chart_ticks(lo < 0 ? lo : 0, hi > 0 ? hi : 1, &cb_lo,
                                   &cb_hi);
    }

    /* Geometry: row names on the left, column names under the grid
     * (slanted when they do not fit a column), the colour bar on the
     * right.  Cells keep at least 20 px; a tall matrix grows the image. */
    double row_px = 0, col_px = 0;
    for (size_t r = 0; r < nr; r++)
        row_px = fmax(row_px, chart_text_px(spec->rows[r], 12.5, false));
    for (size_t c = 0; c < nc; c++)
        col_px = fmax(col_px, chart_text_px(spec->cols[c], 12.5, false));
    double left_px = fmin(0.35 * job.width, row_px + 30 + 12);
    double right_px = 120; /* the colour bar and its labels */
    double plot_w = job.width - left_px - right_px;
    double cell_w = plot_w / (double)nc;
    bool slant = col_px > cell_w - 6;
    double bottom_px = (slant ? fmin(220, 0.55 * col_px + 16) : 24) + 50;
    if (chart_or_empty(spec->col_title)[0])
        bottom_px += 20;
    double plot_h = job.height - PLOT_TOP - bottom_px;
    if (plot_h / (double)nr < CELL_MIN_PX) {
        job.height = (int)ceil(PLOT_TOP + bottom_px + CELL_MIN_PX *
                                                          (double)nr);
        plot_h = CELL_MIN_PX * (double)nr;
    }
    double cell_h = plot_h / (double)nr;

    FILE *f = job.body;
    double s = job.s;
    double W = job.width, H = job.height;
    fprintf(f, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
            left_px / W, 1 - right_px / W, chart_from_top(&job, PLOT_TOP),
            bottom_px / H);
    fprintf(f, "set xrange [0.5:%.17g]\nset yrange [0.5:%.17g]\n",
            (double)nc + 0.5, (double)nr + 0.5);
    fputs("set border 0\nunset grid\n", f);
    fputs("set xtics (", f);
    for (size_t c = 0; c < nc; c++)
        fprintf(f, "%s$LBL[%zu] %zu", c ? ", " : "",
                chart_text(&job, spec->cols[c]), c + 1);
    fprintf(f, ") nomirror scale 0 %s textcolor rgb '#222222' font ',%.2f'"
               "\n", slant ? "rotate by 40 right" : "", 12.5 * s);
    fputs("set ytics (", f);
    for (size_t r = 0; r < nr; r++)
        fprintf(f, "%s$LBL[%zu] %zu", r ? ", " : "",
                chart_text(&job, spec->rows[r]), nr - r);
    fprintf(f, ") nomirror scale 0 textcolor rgb '#222222' font ',%.2f'\n",
            12.5 * s);
    /* Axis titles: the rows' flush left under the units (above the row
     * names, however long), the columns' under the column names. */
    if (chart_or_empty(spec->row_title)[0])
        fprintf(f, "set label $LBL[%zu] at screen 0.025, screen %.4f left "
                   "font 'Lato Bold,%.2f' textcolor rgb '#444444' "
                   "noenhanced\n",
                chart_text(&job, spec->row_title),
                chart_from_top(&job, PLOT_TOP - 8), 12 * s);
    if (chart_or_empty(spec->col_title)[0])
        fprintf(f, "set label $LBL[%zu] at screen %.4f, screen %.4f center "
                   "font 'Lato Bold,%.2f' textcolor rgb '#444444' "
                   "noenhanced\n",
                chart_text(&job, spec->col_title),
                (left_px + plot_w / 2) / W, 52 / H, 12 * s);

    /* The palette, the colour range and the bar. */
    fputs("set palette defined (", f);
    for (size_t k = 0; k < 9; k++)
        fprintf(f, "%s%zu '%s'", k ? ", " : "", k, ylgnbu[k]);
    fputs(")\n", f);
    fprintf(f, "set cbrange [%.17g:%.17g]\n", cb_lo, cb_hi);
    fprintf(f, "set colorbox user origin screen %.4f, screen %.4f size "
               "screen %.4f, screen %.4f noborder\n",
            (W - right_px + 22) / W, bottom_px / H, 14 / W,
            fmin(plot_h, 260) / H);
    if (spec->log_scale) {
        fputs("set cbtics (", f);
        for (int k = (int)cb_lo; k <= (int)cb_hi; k++) {
            char text[32];
            power_label(k, text, sizeof text);
            fprintf(f, "%s\"%s\" %d", k > (int)cb_lo ? ", " : "", text, k);
        }
        fprintf(f, ") scale 0 textcolor rgb '#555555' font ',%.2f'\n",
                11.5 * s);
    } else {
        chart_value_tics(&job, "cb", cb_lo, cb_hi, cb_step);
        fputs("set cbtics scale 0\n", f);
    }
    if (spec->log_scale)
        fprintf(f, "set label $LBL[%zu] at screen %.4f, screen %.4f left "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                chart_text(&job, "log scale"), (W - right_px + 18) / W,
                (bottom_px + fmin(plot_h, 260) + 14) / H, 11 * s);

    FILE *d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    size_t n_blocks[4] = {0, 0, 0, 0};
    fputs("# silkstat heatmap, 4 blocks: cells (x y dx dy colour-value), "
          "missing cells (x y dx dy),\n# labels on light cells, labels on "
          "dark cells (x y text)\n", d);
    /* Values in the cells, all or none: only when every one fits its
     * cell (as wide as the text plus a margin, tall enough for the font);
     * a matrix where some cells are labelled and others not reads as if
     * the others had no value. */
    double label_pt = cell_h >= 30 && cell_w >= 60 ? 11.5 : 10;
    bool labelled = cell_h >= label_pt + 5;
    for (size_t i = 0; i < nr * nc && labelled; i++) {
        char text[32];
        if (isnan(v[i]))
            continue;
        silk_format_short(v[i], text, sizeof text);
        labelled = chart_text_px(text, label_pt, false) + 6 <= cell_w;
    }
    for (int block = 0; block < 4; block++) {
        fprintf(d, "%s# block %d\n", block ? "\n\n" : "", block);
        for (size_t r = 0; r < nr; r++)
            for (size_t c = 0; c < nc; c++) {
                double value = v[r * nc + c];
                double x = (double)(c + 1), y = (double)(nr - r);
                if (isnan(value)) {
                    if (block == 1) {
                        fprintf(d, "%g %g 0.5 0.5\n", x, y);
                        n_blocks[1]++;
                    }
                    continue;
                }
                double cv = spec->log_scale
                                ? (value > 0 ? fmax(log10(value), cb_lo)
                                             : cb_lo)
                                : value;
                if (block == 0) {
                    fprintf(d, "%g %g 0.5 0.5 %.17g\n", x, y, cv);
                    n_blocks[0]++;
                    continue;
                }
                if (block == 1)
                    continue;
                char text[32];
                silk_format_short(value, text, sizeof text);
                if (!labelled)
                    continue;
                /* White text on the darker part of the scale (from
                 * #1d91c0 on: stop 5 of 8). */
                bool dark = (cv - cb_lo) / (cb_hi - cb_lo) > 0.55;
                if ((block == 3) == dark) {
                    fprintf(d, "%g %g \"%s\"\n", x, y, text);
                    n_blocks[block]++;
                }
            }
        if (n_blocks[block] == 0)
            fputs("NaN NaN NaN NaN NaN\n", d);
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;

    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);
    fprintf(f, "plot '%s' index 0 using 1:2:3:4:5 with boxxyerror fill "
               "solid 1 border lc rgb '#ffffff' fc palette notitle",
            job.dat_name);
    if (n_blocks[1])
        fprintf(f, ", \\\n  '%s' index 1 using 1:2:3:4 with boxxyerror fill "
                   "solid 1 border lc rgb '#ffffff' fc rgb '#eeeeee' "
                   "notitle", job.dat_name);
    const char *ink[2] = {"#222222", "#ffffff"};
    for (int block = 2; block < 4; block++)
        if (n_blocks[block])
            fprintf(f, ", \\\n  '%s' index %d using 1:2:3 with labels "
                       "center font ',%.2f' textcolor rgb '%s' notitle",
                    job.dat_name, block, label_pt * s, ink[block - 2]);
    fputs("\n", f);
    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    chart_end(&job);
    return status;
}
