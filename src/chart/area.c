/*
 * area.c: the stacked area chart (silk_chart_render_area): composition
 * over time, by population type or by destination.  Layers stack bottom up
 * in the caller's order, each in its fixed colour, separated by a thin
 * white line; each is named at the right end, level with the middle of
 * its last band (labels pushed apart so they never overlap), so no key
 * hides the data.
 *
 * OUT.dat holds one row per x: x, 0, then the running totals; layer j
 * fills between columns j+2 and j+3.  A missing value in any layer is a
 * gap in the whole stack (a blank line), since every layer above it would
 * otherwise be drawn at the wrong height.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

/* Label text in the layer's colour, darkened where the fill colour is too
 * light to read as text on white (yellow, grey). */
static const char *text_colour(unsigned colour, size_t position)
{
    const char *c = chart_colour(colour, position);
    if (strcmp(c, "#F0E442") == 0)
        return "#9A8F00";
    if (strcmp(c, "#999999") == 0)
        return "#707070";
    return c;
}

static bool column_ok(const silk_chart_area_spec *spec, size_t i)
{
    for (size_t j = 0; j < spec->n_layers; j++)
        if (isnan(spec->layers[j].y[i]))
            return false;
    return true;
}

static int check(const silk_chart_area_spec *spec, silk_error *err)
{
    const char *out = spec->frame.out_path;
    if (spec->n_layers == 0 || spec->layers == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no layers",
                              out);
    if (spec->n_layers > SILK_CHART_MAX_LAYERS)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu layers; at most %d stack "
                              "readably (merge the smallest into 'other')",
                              out, spec->n_layers, SILK_CHART_MAX_LAYERS);
    if (spec->n_x == 0 || spec->x == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no x values",
                              out);
    if (spec->n_markers > 0 && spec->markers == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no marker array", out);
    for (size_t i = 0; i < spec->n_x; i++) {
        if (!isfinite(spec->x[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': x[%zu] is not finite", out, i);
        if (i > 0 && !(spec->x[i] > spec->x[i - 1]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': x[%zu] does not increase", out,
                                  i);
    }
    bool any = false;
    for (size_t j = 0; j < spec->n_layers; j++) {
        const silk_chart_series *layer = &spec->layers[j];
        if (layer->y == NULL)
            return silk_error_set(err, SILK_EINVAL,
                                  "chart layer '%s' has no values",
                                  chart_or_empty(layer->label));
        for (size_t i = 0; i < spec->n_x; i++) {
            double v = layer->y[i];
            if (isinf(v) || v < 0)
                return silk_error_set(err, SILK_EINVAL,
                                      "chart layer '%s': y[%zu] = %g; a stack "
                                      "needs finite values >= 0 (NaN for a "
                                      "gap)", chart_or_empty(layer->label),
                                      i, v);
        }
    }
    for (size_t i = 0; i < spec->n_x; i++)
        any = any || column_ok(spec, i);
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no x where every layer has a "
                              "value", out);
    return chart_markers_check(out, spec->markers, spec->n_markers, err);
}

SILK_API int silk_chart_render_area(const silk_chart_area_spec *spec,
                                    silk_error *err)
{
    chart_job job;
    int status;
    FILE *d = NULL;
    /* the two lines of wrapped labels: borrowed by chart_text until
     * chart_finish */
    char part[SILK_CHART_MAX_LAYERS][2][512];
    bool two_lines[SILK_CHART_MAX_LAYERS];

    if (spec == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart has no spec");
    status = chart_begin(&job, spec->frame.out_path, err);
    if (status == SILK_OK)
        status = check(spec, err);
    if (status != SILK_OK)
        goto done;

    size_t n = spec->n_layers, last = 0;
    double top = 0;
    double x_lo = spec->x[0], x_hi = spec->x[spec->n_x - 1];
    for (size_t i = 0; i < spec->n_x; i++) {
        if (!column_ok(spec, i))
            continue;
        double sum = 0;
        for (size_t j = 0; j < n; j++)
            sum += spec->layers[j].y[i];
        top = fmax(top, sum);
        last = i;
    }
    for (size_t m = 0; m < spec->n_markers; m++) {
        x_lo = fmin(x_lo, spec->markers[m].x);
        x_hi = fmax(x_hi, spec->markers[m].x);
    }
    if (!(x_hi > x_lo)) {
        x_lo -= 0.5;
        x_hi += 0.5;
    }
    double y_first, y_last, y_step;
    chart_value_range(0, top, &y_first, &y_last, &y_step);

    /* Labels level with the middle of each layer's last band; a long one
     * on two lines (split at the space nearest its middle) so the plot
     * keeps its width. */
    double label_y[SILK_CHART_MAX_LAYERS], size[SILK_CHART_MAX_LAYERS];
    double below = 0, widest = 0, gap = (y_last - y_first) * 0.05;
    for (size_t j = 0; j < n; j++) {
        double v = spec->layers[j].y[last];
        label_y[j] = below + v / 2;
        below += v;
        const char *text = chart_or_empty(spec->layers[j].label);
        size_t len = strlen(text), cut = 0;
        if (chart_text_px(text, 13, true) > 190 && len < sizeof part[j][0]) {
            for (size_t i = 1; i + 1 < len; i++)
                if (text[i] == ' ' &&
                    (cut == 0 || (i > len / 2 ? i - len / 2 : len / 2 - i) <
                                     (cut > len / 2 ? cut - len / 2
                                                    : len / 2 - cut)))
                    cut = i;
        }
        if (cut > 0) {
            snprintf(part[j][0], sizeof part[j][0], "%.*s", (int)cut, text);
            snprintf(part[j][1], sizeof part[j][1], "%s", text + cut + 1);
            widest = fmax(widest, fmax(chart_text_px(part[j][0], 13, true),
                                       chart_text_px(part[j][1], 13, true)));
        } else {
            widest = fmax(widest, chart_text_px(text, 13, true));
        }
        two_lines[j] = cut > 0;
        size[j] = two_lines[j] ? 1.9 * gap : gap;
    }
    chart_spread_sized(label_y, size, n, y_first, y_last);

    d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    fprintf(d, "# silkstat stacked area: x (decimal year), 0, then the "
               "running totals of layers 1..%zu\n# (layer j fills between "
               "columns j+1 and j+2); a blank line is a gap\n", n);
    bool in_run = false;
    for (size_t i = 0; i < spec->n_x; i++) {
        if (!column_ok(spec, i)) {
            if (in_run)
                fputc('\n', d);
            in_run = false;
            continue;
        }
        double sum = 0;
        fprintf(d, "%.17g 0", spec->x[i]);
        for (size_t j = 0; j < n; j++) {
            sum += spec->layers[j].y[i];
            fprintf(d, " %.17g", sum);
        }
        fputc('\n', d);
        in_run = true;
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;

    FILE *f = job.body;
    double s = job.s;
    double right = 1 - (widest + 46) / (double)job.width;
    right = fmax(0.62, fmin(0.96, right));
    chart_time_axes(&job, right, x_lo, x_hi, chart_year_step(x_hi - x_lo, 10),
                    y_first, y_last, y_step);
    /* The grid behind the fills, which let it show through faintly, so
     * levels can be read across the stack. */
    fputs("set grid noxtics ytics back lt 1 lw 1 lc rgb '#cccccc' dt 3\n",
          f);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);
    chart_markers(&job, spec->markers, spec->n_markers, x_lo, x_hi,
                  (right - 0.065) * job.width, (1 - 0.78) * job.height - 23,
                  true, true);
    for (size_t j = 0; j < n; j++) {
        const char *ink = text_colour(spec->layers[j].colour, j);
        for (int k = 0; k < (two_lines[j] ? 2 : 1); k++) {
            double y = label_y[j];
            if (two_lines[j])
                y += (k == 0 ? 0.45 : -0.45) * gap;
            fprintf(f, "set label $LBL[%zu] at %.17g, %.17g left offset "
                       "0.8,0 font 'Lato Bold,%.2f' textcolor rgb '%s' "
                       "noenhanced\n",
                    chart_text(&job, two_lines[j] ? part[j][k]
                                                  : spec->layers[j].label),
                    spec->x[last], y, 13 * s, ink);
        }
    }
    fputs("plot \\\n", f);
    for (size_t j = 0; j < n; j++)
        fprintf(f, "%s  '%s' using 1:%zu:%zu with filledcurves fill "
                   "transparent solid 0.88 noborder lc rgb '%s' notitle",
                j ? ", \\\n" : "", job.dat_name, j + 2, j + 3,
                chart_colour(spec->layers[j].colour, j));
    for (size_t j = 0; j + 1 < n; j++)
        fprintf(f, ", \\\n  '%s' using 1:%zu with lines lw 1 lc rgb "
                   "'#ffffff' notitle", job.dat_name, j + 3);
    fputs("\n", f);

    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    chart_end(&job);
    return status;
}
