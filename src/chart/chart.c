/*
 * chart.c: the line chart (silk_chart_render, silk_chart_render_bands) and
 * the line helpers small multiples and the fan chart share: checking and
 * measuring lines, their OUT.dat blocks, the plot command, change-point
 * markers.  frame.c does the files, the datablock and the title block.
 *
 * Look: STYLE.md "Charts" and reference/chart-target.png (agency style:
 * title flush left, grid on the value axis only, short-scale ticks, direct
 * labels instead of a key, source line last).  Provisional values get an
 * open ring, explained in a note under the plot; confidence bands are a
 * light fill in the line's colour under everything else.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

#define MAX_LINES 8

static const char *line_colour(const chart_lines *cl, size_t l)
{
    return chart_colour(cl->lines[l].colour, l);
}

static bool band_given(const silk_chart_band *bands, size_t l)
{
    return bands != NULL && (bands[l].lower != NULL || bands[l].upper != NULL);
}

int chart_lines_plan(chart_lines *cl, const silk_chart_line *lines,
                     size_t n, const silk_chart_band *bands,
                     const silk_chart_marker *markers, size_t n_markers,
                     const char *out, const char *what, silk_error *err)
{
    bool any = false;
    size_t n_trends = 0, n_bands = 0;
    memset(cl, 0, sizeof *cl);
    cl->lines = lines;
    cl->bands = bands;
    cl->n = n;
    cl->x_lo = cl->y_lo = INFINITY;
    cl->x_hi = cl->y_hi = -INFINITY;
    if (n > CHART_MAX_SERIES)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has %zu %ss; at "
                              "most %d", out, n, what, CHART_MAX_SERIES);
    for (size_t l = 0; l < n; l++) {
        const silk_chart_line *line = &lines[l];
        const char *name = chart_or_empty(line->label);
        cl->trend_block[l] = cl->band_block[l] = SIZE_MAX;
        if (line->n > 0 && (line->x == NULL || line->y == NULL))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart %s '%s' has no x or y array", what,
                                  name);
        if (band_given(bands, l) &&
            (bands[l].lower == NULL || bands[l].upper == NULL))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart %s '%s': a band needs both lower "
                                  "and upper", what, name);
        for (size_t i = 0; i < line->n; i++) {
            if (!isfinite(line->x[i]))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart %s '%s': x[%zu] is not finite",
                                      what, name, i);
            if (isinf(line->y[i]))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart %s '%s': y[%zu] is infinite",
                                      what, name, i);
            cl->x_lo = fmin(cl->x_lo, line->x[i]);
            cl->x_hi = fmax(cl->x_hi, line->x[i]);
            if (band_given(bands, l)) {
                double lo = bands[l].lower[i], hi = bands[l].upper[i];
                if (isinf(lo) || isinf(hi))
                    return silk_error_set(err, SILK_EINVAL,
                                          "chart %s '%s': band[%zu] is "
                                          "infinite", what, name, i);
                if (lo > hi)
                    return silk_error_set(err, SILK_EINVAL,
                                          "chart %s '%s': band[%zu] has "
                                          "lower %g above upper %g",
                                          what, name, i, lo, hi);
                /* Bands raise the top but, like trends, never pull a
                 * count axis below zero: they are clipped there. */
                if (!isnan(hi))
                    cl->y_hi = fmax(cl->y_hi, hi);
            }
            if (isnan(line->y[i]))
                continue;
            cl->y_lo = fmin(cl->y_lo, line->y[i]);
            cl->y_hi = fmax(cl->y_hi, line->y[i]);
            cl->last[l] = i;
            cl->has_points[l] = any = true;
            if (line->flags && (line->flags[i] & SILK_FLAG('p')))
                cl->has_prov[l] = true;
        }
        if (line->has_trend) {
            if (!isfinite(line->trend_x0) || !isfinite(line->trend_y0) ||
                !isfinite(line->trend_x1) || !isfinite(line->trend_y1))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart %s '%s': trend end points are "
                                      "not finite", what, name);
            /* The trend may raise the top but never pulls the axis below
             * zero for counts: it is clipped there instead. */
            cl->y_hi = fmax(cl->y_hi, fmax(line->trend_y0, line->trend_y1));
            cl->trend_block[l] = n_trends++;
        }
        if (band_given(bands, l))
            cl->band_block[l] = n_bands++;
        size_t chars = chart_chars(name);
        if (chars > cl->label_chars)
            cl->label_chars = chars;
    }
    for (size_t l = 0; l < n; l++) {
        if (cl->trend_block[l] != SIZE_MAX)
            cl->trend_block[l] += n;
        if (cl->band_block[l] != SIZE_MAX)
            cl->band_block[l] += n + n_trends;
    }
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no values to plot", out);
    int checked = chart_markers_check(out, markers, n_markers, err);
    if (checked != SILK_OK)
        return checked;
    for (size_t m = 0; m < n_markers; m++) {
        cl->x_lo = fmin(cl->x_lo, markers[m].x);
        cl->x_hi = fmax(cl->x_hi, markers[m].x);
    }
    if (!(cl->x_hi > cl->x_lo)) {
        cl->x_lo -= 0.5;
        cl->x_hi += 0.5;
    }
    return SILK_OK;
}

void chart_value_range(double lo, double hi, double *first, double *last,
                       double *step)
{
    /* Counts start at zero; headroom above the highest value. */
    lo = lo >= 0 ? 0 : lo;
    if (!(hi > lo))
        hi = lo + (lo == 0 ? 1 : fabs(lo));
    hi += (hi - lo) * 0.04;
    *step = silk_chart_ticks(lo, hi, first, last);
}

int chart_lines_data(chart_job *job, const chart_lines *cl, silk_error *err)
{
    FILE *f = chart_data_open(job, err);
    if (f == NULL)
        return err->code;
    fprintf(f, "# silkstat chart data: one block per line (index 0..%zu), "
               "then one per trend line,\n# then one per band.\n# columns: "
               "x (decimal year), y, y again where the value is provisional "
               "(else NaN);\n# bands: x, lower, upper\n",
            cl->n - 1);
    for (size_t l = 0; l < cl->n; l++) {
        const silk_chart_line *line = &cl->lines[l];
        bool in_run = false;
        if (l > 0)
            fputs("\n\n", f);
        fprintf(f, "# line %zu\n", l);
        for (size_t i = 0; i < line->n; i++) {
            if (isnan(line->y[i])) {
                /* One blank line breaks the line at a gap; never two, which
                 * would start a new index. */
                if (in_run)
                    fputc('\n', f);
                in_run = false;
                continue;
            }
            bool prov = line->flags && (line->flags[i] & SILK_FLAG('p'));
            fprintf(f, "%.17g %.17g ", line->x[i], line->y[i]);
            if (prov)
                fprintf(f, "%.17g\n", line->y[i]);
            else
                fputs("NaN\n", f);
            in_run = true;
        }
    }
    for (size_t l = 0; l < cl->n; l++) {
        const silk_chart_line *line = &cl->lines[l];
        if (!line->has_trend)
            continue;
        fprintf(f, "\n\n# trend of line %zu\n%.17g %.17g NaN\n%.17g %.17g "
                   "NaN\n", l, line->trend_x0, line->trend_y0,
                line->trend_x1, line->trend_y1);
    }
    for (size_t l = 0; l < cl->n; l++) {
        if (cl->band_block[l] == SIZE_MAX)
            continue;
        const silk_chart_band *band = &cl->bands[l];
        bool in_run = false;
        fprintf(f, "\n\n# band of line %zu\n", l);
        for (size_t i = 0; i < cl->lines[l].n; i++) {
            if (isnan(band->lower[i]) || isnan(band->upper[i])) {
                if (in_run)
                    fputc('\n', f);
                in_run = false;
                continue;
            }
            fprintf(f, "%.17g %.17g %.17g\n", cl->lines[l].x[i],
                    band->lower[i], band->upper[i]);
            in_run = true;
        }
        if (!in_run) /* an empty block still needs its place */
            fputs("NaN NaN NaN\n", f);
    }
    return chart_data_close(job, f, err);
}

void chart_lines_plot(chart_job *job, const chart_lines *cl, size_t from,
                      size_t to)
{
    FILE *f = job->body;
    const char *sep = "";
    fputs("plot \\\n", f);
    /* Bands, then trends and provisional rings, so data lines sit on top. */
    for (size_t l = from; l < to; l++) {
        if (cl->band_block[l] == SIZE_MAX)
            continue;
        fprintf(f, "%s  '%s' index %zu using 1:2:3 with filledcurves fill "
                   "transparent solid 0.16 noborder lc rgb '%s' notitle",
                sep, job->dat_name, cl->band_block[l], line_colour(cl, l));
        sep = ", \\\n";
    }
    for (size_t l = from; l < to; l++) {
        if (cl->trend_block[l] == SIZE_MAX)
            continue;
        fprintf(f, "%s  '%s' index %zu using 1:2 with lines dt (8,5) lw 1.5 "
                   "lc rgb '%s' notitle", sep, job->dat_name,
                cl->trend_block[l], line_colour(cl, l));
        sep = ", \\\n";
    }
    for (size_t l = from; l < to; l++) {
        if (!cl->has_points[l])
            continue;
        fprintf(f, "%s  '%s' index %zu using 1:2 with lines lw 2.5 lc rgb "
                   "'%s' notitle", sep, job->dat_name, l, line_colour(cl, l));
        sep = ", \\\n";
        /* A white disc under the ring so the line does not run through
         * it: the ring then reads as "this point is different". */
        if (cl->has_prov[l])
            fprintf(f, "%s  '%s' index %zu using 1:3 with points pt 7 ps 1.1 "
                       "lc rgb '#ffffff' notitle, \\\n  '%s' index %zu using "
                       "1:3 with points pt 6 ps 1.4 lw 2 lc rgb '%s' notitle",
                    sep, job->dat_name, l, job->dat_name, l,
                    line_colour(cl, l));
    }
    fputs("\n", f);
}

int chart_markers_check(const char *out, const silk_chart_marker *markers,
                        size_t n, silk_error *err)
{
    if (n > 0 && markers == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no marker array", out);
    for (size_t m = 0; m < n; m++)
        if (!isfinite(markers[m].x))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart marker '%s' has no finite x",
                                  chart_or_empty(markers[m].label));
    return SILK_OK;
}

void chart_markers(chart_job *job, const silk_chart_marker *markers,
                   size_t n, double x_lo, double x_hi, double plot_px,
                   double label_px, bool labels, bool front)
{
    FILE *f = job->body;
    double mid = (x_lo + x_hi) / 2;
    double per_px = (x_hi - x_lo) / plot_px;
    /* Two rows of labels, the second used when a label would run into
     * one already placed. */
    double row_px[2] = {label_px, label_px - 14};
    double placed_lo[2][16], placed_hi[2][16];
    size_t n_placed[2] = {0, 0};
    for (size_t m = 0; m < n; m++) {
        double x = markers[m].x;
        const char *text = chart_or_empty(markers[m].label);
        bool right = x > mid;
        int row = 0;
        if (labels && text[0]) {
            double w = (chart_text_px(text, 10, false) + 8) * per_px;
            double lo = right ? x - w : x, hi = right ? x : x + w;
            for (row = 0; row < 2; row++) {
                bool clash = false;
                for (size_t k = 0; k < n_placed[row]; k++)
                    if (lo < placed_hi[row][k] && placed_lo[row][k] < hi)
                        clash = true;
                if (!clash)
                    break;
            }
            if (row == 2)
                row = 1; /* both rows taken: overlap rather than vanish */
            if (n_placed[row] < 16) {
                placed_lo[row][n_placed[row]] = lo;
                placed_hi[row][n_placed[row]++] = hi;
            }
        }
        if (labels && text[0])
            fprintf(f, "set arrow from %.17g, graph 0 to %.17g, screen %.4f "
                       "nohead dt 2 lw 1 lc rgb '#aaaaaa' %s\n", x, x,
                    chart_from_top(job, row_px[row] + 14),
                    front ? "front" : "back");
        else
            fprintf(f, "set arrow from %.17g, graph 0 to %.17g, graph 1 "
                       "nohead dt 2 lw 1 lc rgb '#aaaaaa' %s\n", x, x,
                    front ? "front" : "back");
        if (labels && text[0])
            fprintf(f, "set label $LBL[%zu] at %.17g, screen %.4f %s "
                       "font 'Lato Italic,%.2f' textcolor rgb '#777777' "
                       "noenhanced\n",
                    chart_text(job, text), x,
                    chart_from_top(job, row_px[row]),
                    right ? "right" : "left", 10 * job->s);
    }
}

void chart_provisional_note(chart_job *job, const chart_lines *cl)
{
    bool any = false;
    for (size_t l = 0; l < cl->n; l++)
        any = any || cl->has_prov[l];
    if (!any)
        return;
    fprintf(job->body, "set label $LBL[%zu] at screen 0.975, screen %.4f "
                       "right font ',%.2f' textcolor rgb '#666666' "
                       "noenhanced\n",
            chart_text(job, "\xE2\x97\x8B provisional value"),
            21.0 / job->height, 10 * job->s);
}

static int render_lines(const silk_chart_spec *spec,
                        const silk_chart_band *bands, silk_error *err)
{
    chart_job job;
    chart_lines cl;
    int status;

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    status = chart_begin(&job, spec->out_path, err);
    if (status != SILK_OK)
        goto done;
    const char *out = spec->out_path;
    if (spec->n_lines == 0 || spec->lines == NULL) {
        status = silk_error_set(err, SILK_EINVAL, "chart '%s' has no lines",
                                out);
        goto done;
    }
    if (spec->n_lines > MAX_LINES) {
        status = silk_error_set(err, SILK_EINVAL,
                                "chart '%s' has %zu lines; at most %d fit on "
                                "one panel: draw small multiples instead",
                                out, spec->n_lines, MAX_LINES);
        goto done;
    }
    status = chart_lines_plan(&cl, spec->lines, spec->n_lines, bands,
                              spec->markers, spec->n_markers, out, "line",
                              err);
    if (status != SILK_OK)
        goto done;

    double y_first, y_last, y_step;
    chart_value_range(cl.y_lo, cl.y_hi, &y_first, &y_last, &y_step);
    double x_step = chart_year_step(cl.x_hi - cl.x_lo, 10);

    /* Direct labels at each line's last value, pushed apart so neighbours
     * keep one label height between them. */
    double label_y[MAX_LINES];
    for (size_t l = 0; l < cl.n; l++)
        label_y[l] = cl.has_points[l] ? spec->lines[l].y[cl.last[l]] : NAN;
    chart_spread(label_y, cl.n, (y_last - y_first) * 0.05, y_first, y_last);

    FILE *f = job.body;
    double s = job.s;
    /* Room on the right for the longest direct label. */
    double right = 1 - 0.03 - 0.0075 * (double)cl.label_chars;
    right = fmax(0.70, fmin(0.96, right));
    chart_time_axes(&job, right, cl.x_lo, cl.x_hi, x_step, y_first, y_last,
                    y_step);
    fputs("set grid noxtics ytics lt 1 lw 1 lc rgb '#cccccc' dt 3\n", f);

    chart_titles(&job, spec->title, spec->subtitle, spec->y_label,
                 spec->source);
    double plot_px = (right - 0.065) * job.width;
    chart_markers(&job, spec->markers, spec->n_markers, cl.x_lo, cl.x_hi,
                  plot_px, (1 - 0.78) * job.height - 23, true, false);
    for (size_t l = 0; l < cl.n; l++) {
        if (!cl.has_points[l] || !chart_or_empty(spec->lines[l].label)[0])
            continue;
        /* Clear of the ring when the last value is provisional. */
        const uint32_t *fl = spec->lines[l].flags;
        bool ring = fl && (fl[cl.last[l]] & SILK_FLAG('p'));
        fprintf(f, "set label $LBL[%zu] at %.17g, %.17g left offset %s,0 "
                   "font 'Lato Bold,%.2f' textcolor rgb '%s' noenhanced\n",
                chart_text(&job, spec->lines[l].label),
                spec->lines[l].x[cl.last[l]], label_y[l], ring ? "1.4" : "0.8",
                13 * s, line_colour(&cl, l));
    }
    chart_provisional_note(&job, &cl);
    chart_lines_plot(&job, &cl, 0, cl.n);

    status = chart_lines_data(&job, &cl, err);
    if (status == SILK_OK)
        status = chart_finish(&job, spec->gnuplot, err);
done:
    chart_end(&job);
    return status;
}

/*
 * Renders spec into spec->out_path (.png 1200x700, .svg 1200x700 or .pdf
 * 8x4.7in, chosen by the extension) and leaves OUT.gp and OUT.dat beside it.
 * Returns SILK_EINVAL for a bad spec (no lines, more than 8, a file name
 * outside [A-Za-z0-9_.-], an unknown extension, non-finite x), SILK_EIO when
 * a file cannot be written or renamed, SILK_ECHART when gnuplot cannot be
 * run or fails (its first stderr lines are in the message).  On failure no
 * temporary image is left behind; an existing out_path is untouched.
 */
SILK_API int silk_chart_render(const silk_chart_spec *spec, silk_error *err)
{
    return render_lines(spec, NULL, err);
}

SILK_API int silk_chart_render_bands(const silk_chart_spec *spec,
                                     const silk_chart_band *bands,
                                     silk_error *err)
{
    return render_lines(spec, bands, err);
}
