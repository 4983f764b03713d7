/*
 * fan.c: the forecast fan chart (silk_chart_render_fan).  The history is
 * a solid line; the forecast a dashed line in the same colour starting at
 * the last observed value; the 95% band a light fill and the 80% band a
 * darker one over it, both opening from the last observed value (where
 * the uncertainty is zero); the forecast period on a faint grey ground
 * behind a dashed vertical line labelled at the forecast start.  The
 * series is named at the end of the forecast line, the bands at their
 * right edge.  Counts that cannot go below zero (a history without
 * negative values) have their bands clipped at zero.
 *
 * OUT.dat: block 0 the history (x y provisional-y), block 1 the forecast
 * (x mean lo80 hi80 lo95 hi95), its first row the last observed value.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart/chart.h"

static int check(const silk_chart_fan_spec *spec, silk_error *err)
{
    const char *out = spec->frame.out_path;
    if (spec->n_history == 0 || spec->history_x == NULL ||
        spec->history_y == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no history",
                              out);
    if (spec->n_forecast == 0 || spec->forecast_x == NULL ||
        spec->mean == NULL || spec->lo80 == NULL || spec->hi80 == NULL ||
        spec->lo95 == NULL || spec->hi95 == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no forecast (x, mean and the "
                              "four bounds are needed)", out);
    if (spec->n_markers > 0 && spec->markers == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no marker array", out);
    bool any = false;
    double last_x = -INFINITY;
    for (size_t i = 0; i < spec->n_history; i++) {
        if (!isfinite(spec->history_x[i]) || isinf(spec->history_y[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': history point %zu is not "
                                  "finite", out, i);
        if (spec->history_x[i] <= last_x)
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': history x[%zu] does not "
                                  "increase", out, i);
        last_x = spec->history_x[i];
        any = any || !isnan(spec->history_y[i]);
    }
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no observed value", out);
    for (size_t h = 0; h < spec->n_forecast; h++) {
        double b[5] = {spec->lo95[h], spec->lo80[h], spec->mean[h],
                       spec->hi80[h], spec->hi95[h]};
        if (!isfinite(spec->forecast_x[h]) || !isfinite(spec->mean[h]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': forecast step %zu has no "
                                  "finite x or mean", out, h + 1);
        if (spec->forecast_x[h] <= last_x)
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': forecast step %zu is not "
                                  "after the history and the steps before "
                                  "it", out, h + 1);
        last_x = spec->forecast_x[h];
        double below = -INFINITY;
        for (int k = 0; k < 5; k++) {
            if (isinf(b[k]))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart '%s': forecast step %zu has an "
                                      "infinite bound", out, h + 1);
            if (isnan(b[k]))
                continue;
            if (b[k] < below)
                return silk_error_set(err, SILK_EINVAL,
                                      "chart '%s': forecast step %zu needs "
                                      "lo95 <= lo80 <= mean <= hi80 <= hi95",
                                      out, h + 1);
            below = b[k];
        }
    }
    return chart_markers_check(out, spec->markers, spec->n_markers, err);
}

SILK_API int silk_chart_render_fan(const silk_chart_fan_spec *spec,
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

    size_t nh = spec->n_history, nf = spec->n_forecast, last = 0;
    double lo = INFINITY, hi = -INFINITY;
    bool prov = false;
    for (size_t i = 0; i < nh; i++) {
        double y = spec->history_y[i];
        if (isnan(y))
            continue;
        lo = fmin(lo, y);
        hi = fmax(hi, y);
        last = i;
        prov = prov || (spec->history_flags &&
                        (spec->history_flags[i] & SILK_FLAG('p')));
    }
    bool counts = lo >= 0;
    /* Clip a count's bounds at zero: a negative number of people is not
     * a possible outcome, however the normal approximation spreads. */
    double clip = counts ? 0 : -INFINITY;
    for (size_t h = 0; h < nf; h++) {
        double b[5] = {spec->lo95[h], spec->lo80[h], spec->mean[h],
                       spec->hi80[h], spec->hi95[h]};
        for (int k = 0; k < 5; k++)
            if (!isnan(b[k])) {
                lo = fmin(lo, fmax(b[k], clip));
                hi = fmax(hi, b[k]);
            }
    }
    double x0 = spec->history_x[last];
    double y0 = spec->history_y[last];
    double x_lo = spec->history_x[0], x_hi = spec->forecast_x[nf - 1];
    for (size_t m = 0; m < spec->n_markers; m++) {
        x_lo = fmin(x_lo, spec->markers[m].x);
        x_hi = fmax(x_hi, spec->markers[m].x);
    }
    double y_first, y_last, y_step;
    chart_value_range(lo, hi, &y_first, &y_last, &y_step);
    const char *colour = chart_colour(spec->colour ? spec->colour : 1, 0);

    /* Labels at the right end: the series at the mean, the bands at their
     * upper edges, pushed apart. */
    size_t e = nf - 1;
    double label_y[3] = {spec->mean[e], spec->hi80[e], spec->hi95[e]};
    chart_spread(label_y, 3, (y_last - y_first) * 0.05, y_first, y_last);

    FILE *d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    fputs("# silkstat fan chart.  block 0: history x y provisional-y; "
          "block 1: forecast\n# x mean lo80 hi80 lo95 hi95 (first row: "
          "the last observed value)\n# block 0\n", d);
    bool in_run = false;
    for (size_t i = 0; i < nh; i++) {
        double y = spec->history_y[i];
        if (isnan(y)) {
            if (in_run)
                fputc('\n', d);
            in_run = false;
            continue;
        }
        bool p = spec->history_flags &&
                 (spec->history_flags[i] & SILK_FLAG('p'));
        fprintf(d, "%.17g %.17g ", spec->history_x[i], y);
        if (p)
            fprintf(d, "%.17g\n", y);
        else
            fputs("NaN\n", d);
        in_run = true;
    }
    fprintf(d, "\n\n# block 1\n%.17g %.17g %.17g %.17g %.17g %.17g\n", x0,
            y0, y0, y0, y0, y0);
    for (size_t h = 0; h < nf; h++) {
        double b[4] = {spec->lo80[h], spec->hi80[h], spec->lo95[h],
                       spec->hi95[h]};
        fprintf(d, "%.17g %.17g", spec->forecast_x[h], spec->mean[h]);
        for (int k = 0; k < 4; k++)
            fprintf(d, " %.17g", isnan(b[k]) ? NAN : fmax(b[k], clip));
        fputc('\n', d);
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;

    FILE *f = job.body;
    double s = job.s;
    const char *series = chart_or_empty(spec->label);
    double label_px = fmax(chart_text_px(series, 13, true),
                           chart_text_px("95%", 11, false));
    double right = 1 - (label_px + 46) / job.width;
    right = fmax(0.70, fmin(0.96, right));
    chart_time_axes(&job, right, x_lo, x_hi, chart_year_step(x_hi - x_lo, 10),
                    y_first, y_last, y_step);
    fputs("set grid noxtics ytics lt 1 lw 1 lc rgb '#cccccc' dt 3\n", f);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);
    /* The forecast period: a faint ground and the start line, labelled
     * on the marker row to the right of the line. */
    fprintf(f, "set object rect from %.17g, graph 0 to graph 1, graph 1 fc "
               "rgb '#f3f3f3' fs solid 1 noborder behind\n", x0);
    double plot_top = (1 - 0.78) * job.height;
    fprintf(f, "set arrow from %.17g, graph 0 to %.17g, screen %.4f nohead "
               "dt 2 lw 1 lc rgb '#888888' back\n", x0, x0,
            chart_from_top(&job, plot_top - 9));
    const char *start = spec->start_label ? spec->start_label : "Forecast";
    if (start[0])
        fprintf(f, "set label $LBL[%zu] at %.17g, screen %.4f left offset "
                   "0.5,0 font 'Lato Italic,%.2f' textcolor rgb '#555555' "
                   "noenhanced\n",
                chart_text(&job, start), x0,
                chart_from_top(&job, plot_top - 23), 11 * s);
    chart_markers(&job, spec->markers, spec->n_markers, x_lo, x_hi,
                  (right - 0.065) * job.width, plot_top - 23, true, false);
    double x_end = spec->forecast_x[e];
    if (series[0])
        fprintf(f, "set label $LBL[%zu] at %.17g, %.17g left offset 0.8,0 "
                   "font 'Lato Bold,%.2f' textcolor rgb '%s' noenhanced\n",
                chart_text(&job, series), x_end, label_y[0], 13 * s, colour);
    if (!isnan(spec->hi80[e]))
        fprintf(f, "set label \"80%%\" at %.17g, %.17g left offset 0.8,0 "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                x_end, label_y[1], 11 * s);
    if (!isnan(spec->hi95[e]))
        fprintf(f, "set label \"95%%\" at %.17g, %.17g left offset 0.8,0 "
                   "font ',%.2f' textcolor rgb '#888888' noenhanced\n",
                x_end, label_y[2], 11 * s);
    if (prov)
        fprintf(f, "set label $LBL[%zu] at screen 0.975, screen %.4f right "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                chart_text(&job, "\xE2\x97\x8B provisional value"),
                21.0 / job.height, 10 * s);
    fprintf(f, "plot \\\n"
               "  '%s' index 1 using 1:5:6 with filledcurves fill "
               "transparent solid 0.18 noborder lc rgb '%s' notitle, \\\n"
               "  '%s' index 1 using 1:3:4 with filledcurves fill "
               "transparent solid 0.32 noborder lc rgb '%s' notitle, \\\n"
               "  '%s' index 1 using 1:2 with lines dt (8,5) lw 2.5 lc rgb "
               "'%s' notitle, \\\n"
               "  '%s' index 0 using 1:2 with lines lw 2.5 lc rgb '%s' "
               "notitle",
            job.dat_name, colour, job.dat_name, colour, job.dat_name, colour,
            job.dat_name, colour);
    if (prov)
        fprintf(f, ", \\\n  '%s' index 0 using 1:3 with points pt 7 ps 1.1 "
                   "lc rgb '#ffffff' notitle, \\\n  '%s' index 0 using 1:3 "
                   "with points pt 6 ps 1.4 lw 2 lc rgb '%s' notitle",
                job.dat_name, job.dat_name, colour);
    fputs("\n", f);
    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    chart_end(&job);
    return status;
}
