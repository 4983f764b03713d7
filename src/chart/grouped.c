/*
 * grouped.c: grouped bars (silk_chart_render_grouped): a few periods
 * compared per category.  Vertical bars side by side in each category's
 * slot, the groups in tints of one blue (the earliest lightest, the latest
 * the full Okabe-Ito blue) so "then" and "now" read without a legend hunt;
 * a compact key above the plot on the right; values on top of the bars
 * when they fit; category names under the slots, slanted when crowded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

#define PLOT_TOP 154.0
#define PLOT_BOTTOM 84.0

/* Tint g of n of the Okabe-Ito blue #0072B2: mixed with white so the
 * shares of the colour run evenly up to 1 for the last group. */
static void tint(size_t g, size_t n, char out[8])
{
    static const int base[3] = {0x00, 0x72, 0xB2};
    double share = n == 1 ? 1 : 0.3 + 0.7 * (double)g / (double)(n - 1);
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(255 - (255 - base[k]) * share);
    snprintf(out, 8, "#%02X%02X%02X", c[0], c[1], c[2]);
}

static int check(const silk_chart_grouped_spec *spec, silk_error *err)
{
    const char *out = spec->frame.out_path;
    if (spec->n_groups == 0 || spec->n_categories == 0 ||
        spec->values == NULL || spec->categories == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no groups or no categories",
                              out);
    if (spec->n_groups > SILK_CHART_MAX_GROUPS)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu groups; at most %d bars "
                              "per category compare well", out,
                              spec->n_groups, SILK_CHART_MAX_GROUPS);
    if (spec->n_categories > SILK_CHART_MAX_CATEGORIES)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu categories; at most %d "
                              "(show the top ones)", out, spec->n_categories,
                              SILK_CHART_MAX_CATEGORIES);
    bool any = false;
    for (size_t i = 0; i < spec->n_groups * spec->n_categories; i++) {
        if (isinf(spec->values[i]))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart '%s': the value of '%s' in group "
                                  "'%s' is infinite", out,
                                  chart_or_empty(spec->categories[i %
                                                 spec->n_categories]),
                                  spec->groups ? chart_or_empty(spec->groups[
                                      i / spec->n_categories]) : "");
        any = any || !isnan(spec->values[i]);
    }
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no values to plot", out);
    return SILK_OK;
}

SILK_API int silk_chart_render_grouped(const silk_chart_grouped_spec *spec,
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

    size_t ng = spec->n_groups, nc = spec->n_categories;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < ng * nc; i++)
        if (!isnan(spec->values[i])) {
            lo = fmin(lo, spec->values[i]);
            hi = fmax(hi, spec->values[i]);
        }
    /* Headroom for the value labels on top: 8% of the span. */
    double y_first, y_last, y_step;
    y_step = silk_chart_ticks(lo, hi + (hi - lo) * 0.08, &y_first, &y_last);

    double left = 0.065, right = 0.975;
    double plot_px = (right - left) * job.width;
    double slot_px = plot_px / (double)nc;
    double bar = 0.8 / (double)ng; /* bar width in slot units */
    double bar_px = bar * slot_px;
    /* Category names: straight when every one fits its slot, slanted
     * otherwise, and then the plot's bottom rises to make room. */
    double widest = 0;
    for (size_t c = 0; c < nc; c++)
        widest = fmax(widest, chart_text_px(spec->categories[c], 13, false));
    bool slant = widest > slot_px - 8;
    double bottom = PLOT_BOTTOM;
    if (slant)
        bottom = fmin(0.35 * job.height, 50 + 0.5 * widest + 18);

    FILE *f = job.body;
    double s = job.s;
    fputs("set border 1 lw 1 lc rgb '#999999'\n", f);
    fprintf(f, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
            left, right, chart_from_top(&job, PLOT_TOP),
            bottom / job.height);
    fprintf(f, "set xrange [0.5:%.17g]\nset yrange [%.17g:%.17g]\n",
            (double)nc + 0.5, y_first, y_last);
    chart_value_tics(&job, "y", y_first, y_last, y_step);
    fputs("set grid noxtics ytics lt 1 lw 1 lc rgb '#dddddd' dt 3\n", f);
    fputs("set xtics (", f);
    for (size_t c = 0; c < nc; c++)
        fprintf(f, "%s$LBL[%zu] %zu", c ? ", " : "",
                chart_text(&job, spec->categories[c]), c + 1);
    fprintf(f, ") nomirror scale 0 %s textcolor rgb '#222222' font ',%.2f'"
               "\n", slant ? "rotate by 30 right" : "", 13 * s);
    if (lo < 0)
        fputs("set arrow from graph 0, first 0 to graph 1, first 0 nohead "
              "lw 1 lc rgb '#999999' front\n", f);
    chart_titles(&job, spec->frame.title, spec->frame.subtitle,
                 spec->frame.y_label, spec->frame.source);

    /* The key: a square and a label per group above the plot's right
     * end, in group order. */
    char key_colours[SILK_CHART_MAX_GROUPS][8];
    const char *key_texts[SILK_CHART_MAX_GROUPS], *key_ink[SILK_CHART_MAX_GROUPS];
    for (size_t g = 0; g < ng; g++) {
        tint(g, ng, key_colours[g]);
        key_ink[g] = key_colours[g];
        key_texts[g] = spec->groups ? chart_or_empty(spec->groups[g]) : "";
    }
    chart_key(&job, right * job.width, ng, key_texts, key_ink, false);

    /* Values on the bars, all or none: only when every label fits the
     * width of its bar (a chart where some bars are labelled and some
     * not reads as if the others had no value). */
    double label_pt = 11 * s;
    bool labelled = true;
    for (size_t i = 0; i < ng * nc && labelled; i++) {
        char text[32];
        if (isnan(spec->values[i]))
            continue;
        silk_format_short(spec->values[i], text, sizeof text);
        labelled = chart_text_px(text, 11, false) + 4 <= bar_px;
    }
    FILE *d = chart_data_open(&job, err);
    if (d == NULL) {
        status = err->code;
        goto done;
    }
    fputs("# silkstat grouped bars: one block per group; x (slot centre "
          "+ offset) value width\n", d);
    for (size_t g = 0; g < ng; g++) {
        fprintf(d, "%s# group %zu\n", g ? "\n\n" : "", g);
        bool any = false;
        for (size_t c = 0; c < nc; c++) {
            double v = spec->values[g * nc + c];
            double xc = (double)(c + 1) - 0.4 + bar * ((double)g + 0.5);
            if (isnan(v)) {
                fprintf(f, "set label \"n/a\" at %.17g, first 0 center "
                           "offset 0,0.6 font ',%.2f' textcolor rgb "
                           "'#888888' noenhanced\n", xc, 10 * s);
                continue;
            }
            /* Drawn 90% of the slot share so bars of a group touch but
             * stay apart. */
            fprintf(d, "%.17g %.17g %.17g\n", xc, v, bar * 0.92);
            any = true;
            char text[32];
            silk_format_short(v, text, sizeof text);
            if (labelled)
                fprintf(f, "set label \"%s\" at %.17g, %.17g center offset "
                           "0,%s0.7 font ',%.2f' textcolor rgb '#444444' "
                           "noenhanced\n", text, xc, v, v < 0 ? "-" : "",
                        label_pt);
        }
        if (!any)
            fputs("NaN NaN NaN\n", d);
    }
    status = chart_data_close(&job, d, err);
    if (status != SILK_OK)
        goto done;
    fputs("plot \\\n", f);
    for (size_t g = 0; g < ng; g++) {
        char colour[8];
        tint(g, ng, colour);
        fprintf(f, "%s  '%s' index %zu using 1:2:3 with boxes fill solid 1 "
                   "noborder lc rgb '%s' notitle",
                g ? ", \\\n" : "", job.dat_name, g, colour);
    }
    fputs("\n", f);
    status = chart_finish(&job, spec->frame.gnuplot, err);
done:
    chart_end(&job);
    return status;
}
