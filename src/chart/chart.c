/*
 * chart.c: silk_chart_render.  Writes OUT.dat (the numbers) and OUT.gp (the
 * gnuplot script) beside the image, so anyone can re-render or tweak a chart
 * with `gnuplot OUT.gp` in its folder, then has render.c run gnuplot on a
 * temporary name and renames the result into place.
 *
 * Safety: text from the data reaches the script only as lines of the $LBL
 * datablock, cleaned by silk_chart_clean_text and terminated by a random
 * 128-bit marker, and is drawn with `noenhanced` (RELIABILITY.md rule 1).
 * File names are engine-chosen and checked by silk_chart_name_ok.
 *
 * Look: STYLE.md "Charts" and reference/chart-target.png (agency style:
 * title flush left, grid on the value axis only, short-scale ticks, direct
 * labels instead of a key, source line last).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"

#define MAX_LINES 8

/* Okabe-Ito: distinguishable with every common colour-vision deficiency.
 * Yellow last: it is the weakest on white. */
static const char *const palette[MAX_LINES] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

/* A line's colour: its fixed palette entry if it asks for one. */
static const char *line_colour(const silk_chart_spec *spec, size_t l)
{
    unsigned c = spec->lines[l].colour;
    return c >= 1 && c <= MAX_LINES ? palette[c - 1] : palette[l];
}

enum format { FMT_PNG, FMT_SVG, FMT_PDF };

/* Datablock lines 1-4; line labels and marker labels follow. */
enum { LBL_TITLE = 1, LBL_SUBTITLE, LBL_YLABEL, LBL_SOURCE, LBL_FIRST };

typedef struct layout {
    double x_lo, x_hi, y_lo, y_hi; /* data extent */
    double y_first, y_last, y_step; /* ticks = axis range */
    double x_step;
    size_t last[MAX_LINES];      /* index of the last finite point */
    int has_points[MAX_LINES];   /* any finite y at all */
    int has_prov[MAX_LINES];     /* any provisional finite point */
    double label_y[MAX_LINES];   /* nudged label heights */
    size_t label_chars;          /* longest line label, in characters */
} layout;

static const char *or_empty(const char *text) { return text ? text : ""; }

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
}

double silk_chart_ticks(double lo, double hi, double *first, double *last)
{
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / 8;
    double power = pow(10, floor(log10(raw)));
    double step = power;
    /* 1, 2, 5 only: multiples of them keep one decimal in "1.5M" labels,
     * 2.5 would need two ("1.25M"). */
    if (raw > 5 * power)
        step = 10 * power;
    else if (raw > 2 * power)
        step = 5 * power;
    else if (raw > power)
        step = 2 * power;
    /* Round so 0.30000000000000004 does not miss its tick. */
    *first = floor(lo / step + 1e-9) * step;
    *last = ceil(hi / step - 1e-9) * step;
    return step;
}

/* Tick labels share the unit of the largest tick ("0.5M, 1M", not "500k,
 * 1M", as agencies print them); silk_format_short's rule otherwise. */
static void tick_label(double value, double largest, char *buf, size_t size)
{
    static const struct {
        double unit;
        const char *suffix;
    } scales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    for (size_t i = 0; i < sizeof scales / sizeof *scales; i++) {
        if (largest < scales[i].unit)
            continue;
        if (value == 0) {
            snprintf(buf, size, "0");
            return;
        }
        char text[400];
        snprintf(text, sizeof text, "%.1f", value / scales[i].unit);
        size_t len = strlen(text);
        if (len > 2 && strcmp(text + len - 2, ".0") == 0)
            text[len - 2] = '\0';
        snprintf(buf, size, "%s%s", text, scales[i].suffix);
        return;
    }
    silk_format_short(value, buf, size);
}

static int random_hex(char out[33], silk_error *err)
{
    unsigned char bytes[16];
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return silk_error_set(err, SILK_EIO, "cannot open '/dev/urandom': %s",
                              strerror(errno));
    while (got < sizeof bytes) {
        ssize_t n = read(fd, bytes + got, sizeof bytes - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return silk_error_set(err, SILK_EIO,
                                  "cannot read '/dev/urandom'");
        }
        got += (size_t)n;
    }
    close(fd);
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    return SILK_OK;
}

static size_t utf8_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

/* Checks the numbers and works out ranges, ticks and label positions. */
static int plan(const silk_chart_spec *spec, layout *lay, silk_error *err)
{
    int any = 0;
    memset(lay, 0, sizeof *lay);
    lay->x_lo = lay->y_lo = INFINITY;
    lay->x_hi = lay->y_hi = -INFINITY;
    for (size_t l = 0; l < spec->n_lines; l++) {
        const silk_chart_line *line = &spec->lines[l];
        const char *name = or_empty(line->label);
        if (line->n > 0 && (line->x == NULL || line->y == NULL))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart line '%s' has no x or y array", name);
        for (size_t i = 0; i < line->n; i++) {
            if (!isfinite(line->x[i]))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart line '%s': x[%zu] is not finite",
                                      name, i);
            if (isinf(line->y[i]))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart line '%s': y[%zu] is infinite",
                                      name, i);
            lay->x_lo = fmin(lay->x_lo, line->x[i]);
            lay->x_hi = fmax(lay->x_hi, line->x[i]);
            if (isnan(line->y[i]))
                continue;
            lay->y_lo = fmin(lay->y_lo, line->y[i]);
            lay->y_hi = fmax(lay->y_hi, line->y[i]);
            lay->last[l] = i;
            lay->has_points[l] = any = 1;
            if (line->flags && (line->flags[i] & SILK_FLAG('p')))
                lay->has_prov[l] = 1;
        }
        if (line->has_trend) {
            if (!isfinite(line->trend_x0) || !isfinite(line->trend_y0) ||
                !isfinite(line->trend_x1) || !isfinite(line->trend_y1))
                return silk_error_set(err, SILK_EINVAL,
                                      "chart line '%s': trend end points are "
                                      "not finite", name);
            /* The trend may raise the top but never pulls the axis below
             * zero for counts: it is clipped there instead. */
            lay->y_hi = fmax(lay->y_hi, fmax(line->trend_y0, line->trend_y1));
        }
        size_t chars = utf8_chars(name);
        if (chars > lay->label_chars)
            lay->label_chars = chars;
    }
    if (!any)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no values to plot",
                              spec->out_path);
    for (size_t m = 0; m < spec->n_markers; m++) {
        if (!isfinite(spec->markers[m].x))
            return silk_error_set(err, SILK_EINVAL,
                                  "chart marker '%s' has no finite x",
                                  or_empty(spec->markers[m].label));
        lay->x_lo = fmin(lay->x_lo, spec->markers[m].x);
        lay->x_hi = fmax(lay->x_hi, spec->markers[m].x);
    }
    if (!(lay->x_hi > lay->x_lo)) {
        lay->x_lo -= 0.5;
        lay->x_hi += 0.5;
    }

    /* Counts start at zero; headroom above the highest value. */
    double lo = lay->y_lo >= 0 ? 0 : lay->y_lo;
    double hi = lay->y_hi;
    if (!(hi > lo))
        hi = lo + (lo == 0 ? 1 : fabs(lo));
    hi += (hi - lo) * 0.04;
    lay->y_step = silk_chart_ticks(lo, hi, &lay->y_first, &lay->y_last);

    /* Years: the first step giving at most 10 ticks. */
    static const double year_steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    double span = lay->x_hi - lay->x_lo;
    lay->x_step = 1000;
    for (size_t k = 0; k < sizeof year_steps / sizeof *year_steps; k++)
        if (span / year_steps[k] <= 10) {
            lay->x_step = year_steps[k];
            break;
        }

    /* Direct labels: start at each line's last value, then push apart
     * (bottom up) so neighbours keep one label height between them. */
    size_t order[MAX_LINES], n = 0;
    for (size_t l = 0; l < spec->n_lines; l++) {
        if (!lay->has_points[l])
            continue;
        lay->label_y[l] = spec->lines[l].y[lay->last[l]];
        size_t k = n++;
        while (k > 0 && lay->label_y[order[k - 1]] > lay->label_y[l]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = l;
    }
    double gap = (lay->y_last - lay->y_first) * 0.05;
    for (size_t k = 1; k < n; k++) {
        double floor_y = lay->label_y[order[k - 1]] + gap;
        if (lay->label_y[order[k]] < floor_y)
            lay->label_y[order[k]] = floor_y;
    }
    /* If that pushed the top label off the axis, slide the stack down. */
    if (n > 0 && lay->label_y[order[n - 1]] > lay->y_last) {
        lay->label_y[order[n - 1]] = lay->y_last;
        for (size_t k = n - 1; k-- > 0;)
            if (lay->label_y[order[k]] > lay->label_y[order[k + 1]] - gap)
                lay->label_y[order[k]] = lay->label_y[order[k + 1]] - gap;
    }
    return SILK_OK;
}

static int write_data(const char *path, const silk_chart_spec *spec,
                      const layout *lay, silk_error *err)
{
    int status = SILK_OK;
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                              strerror(errno));
    fprintf(f, "# silkstat chart data: one block per line (index 0..%zu), "
               "then one per trend line.\n# columns: x (decimal year), y, "
               "y again where the value is provisional (else NaN)\n",
            spec->n_lines - 1);
    for (size_t l = 0; l < spec->n_lines; l++) {
        const silk_chart_line *line = &spec->lines[l];
        int in_run = 0;
        if (l > 0)
            fputs("\n\n", f);
        fprintf(f, "# line %zu\n", l);
        for (size_t i = 0; i < line->n; i++) {
            if (isnan(line->y[i])) {
                /* One blank line breaks the line at a gap; never two, which
                 * would start a new index. */
                if (in_run)
                    fputc('\n', f);
                in_run = 0;
                continue;
            }
            int prov = line->flags && (line->flags[i] & SILK_FLAG('p'));
            fprintf(f, "%.17g %.17g ", line->x[i], line->y[i]);
            if (prov)
                fprintf(f, "%.17g\n", line->y[i]);
            else
                fputs("NaN\n", f);
            in_run = 1;
        }
    }
    for (size_t l = 0; l < spec->n_lines; l++) {
        const silk_chart_line *line = &spec->lines[l];
        if (!line->has_trend)
            continue;
        fprintf(f, "\n\n# trend of line %zu\n%.17g %.17g NaN\n%.17g %.17g "
                   "NaN\n", l, line->trend_x0, line->trend_y0,
                line->trend_x1, line->trend_y1);
    }
    (void)lay;
    if (ferror(f))
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                                strerror(errno));
    if (fclose(f) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                                strerror(errno));
    return status;
}

/* Writes one cleaned label as a datablock line.  The terminator is matched
 * as a prefix, so a line starting with it would end the block early: with
 * 128 random bits that means the data guessed it, and we refuse. */
static int put_label(FILE *f, const char *text, const char *eod,
                     silk_error *err)
{
    char *clean = silk_chart_clean_text(text);
    if (clean == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int bad = strncmp(clean, eod, strlen(eod)) == 0;
    if (!bad)
        fprintf(f, "%s\n", clean);
    free(clean);
    if (bad)
        return silk_error_set(err, SILK_EINVAL,
                              "chart label starts with the datablock "
                              "terminator");
    return SILK_OK;
}

static int write_script(const char *path, const char *image_name,
                        const char *data_name, enum format fmt,
                        const silk_chart_spec *spec, const layout *lay,
                        silk_error *err)
{
    int status = SILK_OK;
    char hex[33], eod[40];
    FILE *f = NULL;

    status = random_hex(hex, err);
    if (status != SILK_OK)
        return status;
    snprintf(eod, sizeof eod, "EOD_%s", hex);
    f = fopen(path, "w");
    if (f == NULL)
        return silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                              strerror(errno));

    fprintf(f, "# silkstat chart.  Re-render with `gnuplot %s` in this "
               "folder;\n# it reads %s and writes %s.  Text from the data "
               "lives in $LBL\n# and is drawn noenhanced.\n",
            strrchr(path, '/') ? strrchr(path, '/') + 1 : path, data_name,
            image_name);
    fprintf(f, "$LBL << %s\n", eod);
    const char *fixed[] = {spec->title, spec->subtitle, spec->y_label,
                           spec->source};
    for (size_t i = 0; i < 4 && status == SILK_OK; i++)
        status = put_label(f, fixed[i], eod, err);
    for (size_t l = 0; l < spec->n_lines && status == SILK_OK; l++)
        status = put_label(f, spec->lines[l].label, eod, err);
    for (size_t m = 0; m < spec->n_markers && status == SILK_OK; m++)
        status = put_label(f, spec->markers[m].label, eod, err);
    if (status != SILK_OK)
        goto done;
    fprintf(f, "%s\n\n", eod);

    /* Sizes are tuned for 1200x700 px; the PDF is 8in = 576pt wide, so its
     * points scale by 576/1200 = 0.48 to keep the same proportions, and
     * pdfcairo already halves fonts and line widths (its fontscale and
     * linewidth default to 0.5): 0.96 in all, checked with pdftoppm. */
    double s = fmt == FMT_PDF ? 0.96 : 1.0;
    /* Cairo asks fontconfig, which substitutes a sans when Lato is missing;
     * SVG viewers get an explicit family list. */
    const char *family = fmt == FMT_SVG ? "Lato, sans-serif" : "Lato";
    fprintf(f, "if (!exists(\"outfile\")) outfile = '%s'\n", image_name);
    switch (fmt) {
    case FMT_PNG:
        fprintf(f, "set terminal pngcairo size 1200,700 font '%s,13' "
                   "noenhanced background rgb '#ffffff'\n", family);
        break;
    case FMT_SVG:
        fprintf(f, "set terminal svg size 1200,700 font '%s,13' noenhanced "
                   "background rgb '#ffffff'\n", family);
        break;
    case FMT_PDF:
        fprintf(f, "set terminal pdfcairo size 8in,4.7in font '%s,%.2f' "
                   "noenhanced linewidth %.2f background rgb '#ffffff'\n",
                family, 13 * s, s);
        break;
    }
    fputs("set output outfile\nset encoding utf8\nunset key\n", f);
    fputs("set border 1 lw 1 lc rgb '#999999'\n", f);

    /* Room on the right for the longest direct label. */
    double right = 1 - 0.03 - 0.0075 * (double)lay->label_chars;
    right = fmax(0.70, fmin(0.96, right));
    fprintf(f, "set lmargin at screen 0.065\nset rmargin at screen %.4f\n"
               "set tmargin at screen 0.78\nset bmargin at screen 0.12\n",
            right);
    fprintf(f, "set xrange [%.17g:%.17g]\n", lay->x_lo, lay->x_hi);
    fprintf(f, "set yrange [%.17g:%.17g]\n", lay->y_first, lay->y_last);
    fprintf(f, "set xtics %.17g, %.17g nomirror out scale 0.6 format '%%.0f' "
               "textcolor rgb '#555555' font ',%.2f'\n",
            ceil(lay->x_lo / lay->x_step) * lay->x_step, lay->x_step, 13.5 * s);
    fputs("set ytics (", f);
    for (int k = 0;; k++) {
        double v = lay->y_first + k * lay->y_step;
        if (v > lay->y_last + lay->y_step * 1e-6)
            break;
        if (fabs(v) < lay->y_step * 1e-9)
            v = 0;
        char label[416]; /* tick_label can write 400 + suffix */
        tick_label(v, fmax(fabs(lay->y_first), fabs(lay->y_last)), label,
                   sizeof label);
        fprintf(f, "%s\"%s\" %.17g", k ? ", " : "", label, v);
    }
    fprintf(f, ") nomirror scale 0 textcolor rgb '#555555' font ',%.2f'\n",
            13.5 * s);
    fputs("set grid noxtics ytics lt 1 lw 1 lc rgb '#cccccc' dt 3\n", f);

    /* Title block flush left, source on the last line. */
    if (or_empty(spec->title)[0])
        fprintf(f, "set label $LBL[%d] at screen 0.025, screen 0.93 left "
                   "font '%s Bold,%.2f' textcolor rgb '#111111' noenhanced\n",
                LBL_TITLE, fmt == FMT_SVG ? "Lato" : family, 20 * s);
    if (or_empty(spec->subtitle)[0])
        fprintf(f, "set label $LBL[%d] at screen 0.025, screen 0.875 left "
                   "font ',%.2f' textcolor rgb '#444444' noenhanced\n",
                LBL_SUBTITLE, 14.5 * s);
    if (or_empty(spec->y_label)[0])
        fprintf(f, "set label $LBL[%d] at screen 0.025, screen 0.82 left "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                LBL_YLABEL, 11.5 * s);
    if (or_empty(spec->source)[0])
        fprintf(f, "set label $LBL[%d] at screen 0.025, screen 0.03 left "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                LBL_SOURCE, 10 * s);

    double mid = (lay->x_lo + lay->x_hi) / 2;
    for (size_t m = 0; m < spec->n_markers; m++) {
        double x = spec->markers[m].x;
        fprintf(f, "set arrow from %.17g, graph 0 to %.17g, graph 1.02 "
                   "nohead dt 2 lw 1 lc rgb '#aaaaaa' back\n", x, x);
        if (or_empty(spec->markers[m].label)[0])
            fprintf(f, "set label $LBL[%zu] at %.17g, graph 1.05 %s "
                       "font '%s Italic,%.2f' textcolor rgb '#777777' "
                       "noenhanced\n",
                    LBL_FIRST + spec->n_lines + m, x,
                    x > mid ? "right" : "left",
                    fmt == FMT_SVG ? "Lato" : family, 10 * s);
    }
    for (size_t l = 0; l < spec->n_lines; l++) {
        if (!lay->has_points[l] || !or_empty(spec->lines[l].label)[0])
            continue;
        fprintf(f, "set label $LBL[%zu] at %.17g, %.17g left offset 0.8,0 "
                   "font '%s Bold,%.2f' textcolor rgb '%s' noenhanced\n",
                LBL_FIRST + l, spec->lines[l].x[lay->last[l]], lay->label_y[l],
                fmt == FMT_SVG ? "Lato" : family, 13 * s, line_colour(spec, l));
    }

    /* Trends and provisional rings first so the data lines sit on top. */
    fputs("plot \\\n", f);
    const char *sep = "";
    size_t trend_index = spec->n_lines;
    for (size_t l = 0; l < spec->n_lines; l++) {
        if (!spec->lines[l].has_trend)
            continue;
        fprintf(f, "%s  '%s' index %zu using 1:2 with lines dt (8,5) lw 1.5 "
                   "lc rgb '%s' notitle", sep, data_name, trend_index++,
                line_colour(spec, l));
        sep = ", \\\n";
    }
    for (size_t l = 0; l < spec->n_lines; l++) {
        if (!lay->has_points[l])
            continue;
        fprintf(f, "%s  '%s' index %zu using 1:2 with lines lw 2.5 lc rgb "
                   "'%s' notitle", sep, data_name, l, line_colour(spec, l));
        sep = ", \\\n";
        if (lay->has_prov[l])
            fprintf(f, "%s  '%s' index %zu using 1:3 with points pt 6 ps 1.4 "
                       "lw 2 lc rgb '%s' notitle", sep, data_name, l,
                    line_colour(spec, l));
    }
    fputs("\n", f);

done:
    if (ferror(f) && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                                strerror(errno));
    if (fclose(f) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", path,
                                strerror(errno));
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
    int status = SILK_OK;
    char *dir = NULL, *stem = NULL, *gp_path = NULL, *dat_path = NULL;
    char *tmp_path = NULL;
    char gp_name[300], dat_name[300], tmp_name[300];
    enum format fmt;
    layout lay;

    if (spec == NULL || spec->out_path == NULL || spec->out_path[0] == '\0')
        return silk_error_set(err, SILK_EINVAL, "chart has no output path");
    const char *out = spec->out_path;
    if (spec->n_lines == 0 || spec->lines == NULL)
        return silk_error_set(err, SILK_EINVAL, "chart '%s' has no lines",
                              out);
    if (spec->n_lines > MAX_LINES)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has %zu lines; at most %d fit on "
                              "one panel: draw small multiples instead",
                              out, spec->n_lines, MAX_LINES);
    if (spec->n_markers > 0 && spec->markers == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' has no marker array", out);

    const char *slash = strrchr(out, '/');
    const char *base = slash ? slash + 1 : out;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' needs a .png, .svg or .pdf "
                              "extension", out);
    if (strcasecmp(dot, ".png") == 0)
        fmt = FMT_PNG;
    else if (strcasecmp(dot, ".svg") == 0)
        fmt = FMT_SVG;
    else if (strcasecmp(dot, ".pdf") == 0)
        fmt = FMT_PDF;
    else
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s': unknown extension '%s' (expected "
                              ".png, .svg or .pdf)", out, dot);
    /* The folder never reaches gnuplot (it runs inside it); the file name
     * does, so it must be plain. */
    if (!silk_chart_name_ok(base) || strlen(base) > 200)
        return silk_error_set(err, SILK_EINVAL,
                              "chart file name '%s' must be 1-200 characters "
                              "of [A-Za-z0-9_.-], not starting with '-'",
                              base);

    status = plan(spec, &lay, err);
    if (status != SILK_OK)
        return status;

    dir = slash ? strndup(out, (size_t)(slash - out)) : strdup(".");
    stem = strndup(base, (size_t)(dot - base));
    if (dir == NULL || stem == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    if (dir[0] == '\0') { /* "/chart.png" */
        free(dir);
        dir = strdup("/");
    }
    snprintf(gp_name, sizeof gp_name, "%s.gp", stem);
    snprintf(dat_name, sizeof dat_name, "%s.dat", stem);
    snprintf(tmp_name, sizeof tmp_name, ".%s.tmp-%ld%s", stem,
             (long)getpid(), dot);
    if (dir != NULL) {
        gp_path = join(dir, gp_name);
        dat_path = join(dir, dat_name);
        tmp_path = join(dir, tmp_name);
    }
    if (dir == NULL || gp_path == NULL || dat_path == NULL ||
        tmp_path == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }

    status = write_data(dat_path, spec, &lay, err);
    if (status == SILK_OK)
        status = write_script(gp_path, base, dat_name, fmt, spec, &lay, err);
    if (status == SILK_OK)
        status = silk_chart_run(spec->gnuplot, dir, gp_name, tmp_name, err);
    if (status != SILK_OK)
        goto done;

    struct stat st;
    if (stat(tmp_path, &st) != 0 || st.st_size == 0) {
        status = silk_error_set(err, SILK_ECHART,
                                "gnuplot wrote no image for '%s'", out);
        goto done;
    }
    if (rename(tmp_path, out) != 0) {
        status = silk_error_set(err, SILK_EIO, "cannot rename '%s' to '%s': %s",
                                tmp_path, out, strerror(errno));
        goto done;
    }

done:
    if (status != SILK_OK && tmp_path != NULL)
        unlink(tmp_path);
    free(dir);
    free(stem);
    free(gp_path);
    free(dat_path);
    free(tmp_path);
    return status;
}
