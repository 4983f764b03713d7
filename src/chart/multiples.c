/*
 * multiples.c: small multiples (silk_chart_render_multiples), one panel per
 * series on one value scale and one time axis, drawn with gnuplot's
 * multiplot.  STYLE.md: "small multiples instead of more than six lines on
 * one panel".  The lines, trends, bands and provisional rings are drawn
 * by chart.c's helpers, one panel at a time.
 *
 * Layout (1200x700): the title block as on every chart, then a grid of
 * cells between 140 px from the top and 58 px from the bottom.  Every
 * panel has the same width and the same ticks; the tick labels of the
 * value axis appear in the first column only, the years only on a panel
 * with no panel below it.  Each panel's title is the series' label in its
 * colour, its last value is written at the line's end.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart/chart.h"

static size_t auto_columns(size_t n)
{
    if (n <= 3)
        return n;
    if (n == 4)
        return 2;
    if (n <= 6 || n == 9)
        return 3;
    return 4;
}

SILK_API int silk_chart_render_multiples(const silk_chart_multiples_spec *spec,
                                         silk_error *err)
{
    chart_job job;
    chart_lines cl;
    int status;

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    status = chart_begin(&job, spec->frame.out_path, err);
    if (status != SILK_OK)
        goto done;
    const char *out = spec->frame.out_path;
    if (spec->n_panels == 0 || spec->panels == NULL) {
        status = silk_error_set(err, SILK_EINVAL, "chart '%s' has no panels",
                                out);
        goto done;
    }
    if (spec->n_panels > SILK_CHART_MAX_PANELS) {
        status = silk_error_set(err, SILK_EINVAL,
                                "chart '%s' has %zu panels; at most %d fit "
                                "(select fewer series or draw two charts)",
                                out, spec->n_panels, SILK_CHART_MAX_PANELS);
        goto done;
    }
    status = chart_lines_plan(&cl, spec->panels, spec->n_panels, spec->bands,
                              spec->markers, spec->n_markers, out, "panel",
                              err);
    if (status != SILK_OK)
        goto done;

    size_t n = spec->n_panels;
    size_t cols = spec->columns ? spec->columns : auto_columns(n);
    if (cols > n)
        cols = n;
    size_t rows = (n + cols - 1) / cols;
    double y_first, y_last, y_step;
    chart_value_range(cl.y_lo, cl.y_hi, &y_first, &y_last, &y_step);
    double s = job.s;
    double W = job.width, H = job.height;
    /* Panel geometry in pixels: a 50 px gutter for the value labels on
     * the left of every cell (so every panel has the same width), 46 px on
     * the right for the last value, 30 px above for the panel title, 26
     * px below for the years. */
    double top = 140, bottom = H - 58, left = 18, right = W - 18;
    double cell_w = (right - left) / (double)cols;
    double cell_h = (bottom - top) / (double)rows;
    double plot_w = cell_w - 50 - 46;
    /* Fewer year ticks on narrow panels: about one per 70 px. */
    double x_step = chart_year_step(cl.x_hi - cl.x_lo,
                                    fmax(2, floor(plot_w / 70)));
    /* Fewer value ticks on short panels: keep every other one when the
     * labels would sit closer than 30 px. */
    double plot_h = cell_h - 30 - 26;
    size_t n_ticks = (size_t)llround((y_last - y_first) / y_step);
    double tick_step = y_step;
    while (n_ticks > 1 && plot_h / (double)n_ticks < 30) {
        tick_step *= 2;
        n_ticks = (n_ticks + 1) / 2;
    }
    double tick_last = y_first + (double)n_ticks * tick_step;
    if (tick_last < y_last - 1e-9 * tick_step)
        tick_last += tick_step;
    y_last = tick_last;

    FILE *f = job.body;
    fputs("set border 1 lw 1 lc rgb '#999999'\n", f);
    fprintf(f, "set xrange [%.17g:%.17g]\n", cl.x_lo, cl.x_hi);
    fprintf(f, "set yrange [%.17g:%.17g]\n", y_first, y_last);
    fputs("set grid noxtics ytics lt 1 lw 1 lc rgb '#cccccc' dt 3\n", f);
    fputs("set multiplot\n", f);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);
    chart_provisional_note(&job, &cl);

    for (size_t p = 0; p < n; p++) {
        size_t r = p / cols, c = p % cols;
        bool below = p + cols < n; /* a panel under this one */
        double x0 = left + (double)c * cell_w + 50;
        double x1 = x0 + plot_w;
        double y0 = top + (double)r * cell_h + 30; /* plot top, px */
        double y1 = top + (double)(r + 1) * cell_h - 26;
        if (p > 0)
            fputs("unset label\nunset arrow\n", f);
        fprintf(f, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
                   "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
                x0 / W, x1 / W, 1 - y0 / H, 1 - y1 / H);
        fprintf(f, "set xtics %.17g, %.17g nomirror out scale 0.5 format "
                   "'%s' textcolor rgb '#555555' font ',%.2f'\n",
                ceil(cl.x_lo / x_step) * x_step, x_step,
                below ? "" : "%.0f", 11.5 * s);
        if (c == 0) {
            chart_value_tics(&job, "y", y_first, y_last, tick_step);
        } else {
            fputs("set ytics (", f);
            for (size_t k = 0; k <= n_ticks; k++)
                fprintf(f, "%s\"\" %.17g", k ? ", " : "",
                        y_first + (double)k * tick_step);
            fputs(") nomirror scale 0\n", f);
        }
        const silk_chart_line *line = &spec->panels[p];
        const char *colour = chart_colour(line->colour, p);
        fprintf(f, "set label $LBL[%zu] at graph 0, screen %.4f left "
                   "font 'Lato Bold,%.2f' textcolor rgb '%s' noenhanced\n",
                chart_text(&job, line->label), 1 - (y0 - 10) / H, 13 * s,
                colour);
        if (cl.has_points[p]) {
            char value[32];
            silk_format_short(line->y[cl.last[p]], value, sizeof value);
            /* Lifted off the axis when the value sits on it. */
            double v = line->y[cl.last[p]];
            bool low = v - y_first < 0.08 * (y_last - y_first);
            fprintf(f, "set label \"%s\" at %.17g, %.17g left offset "
                       "0.5,%s font ',%.2f' textcolor rgb '%s' noenhanced\n",
                    value, line->x[cl.last[p]], v, low ? "0.6" : "0",
                    11 * s, colour);
        }
        /* Marker lines in every panel, their labels once (first panel, on
         * its title row, so the reader meets them first). */
        chart_markers(&job, spec->markers, spec->n_markers, cl.x_lo,
                      cl.x_hi, plot_w, y0 - 10, p == 0, false);
        chart_lines_plot(&job, &cl, p, p + 1);
    }
    fputs("unset multiplot\n", f);

    status = chart_lines_data(&job, &cl, err);
    if (status == SILK_OK)
        status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    chart_end(&job);
    return status;
}
