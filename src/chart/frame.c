/*
 * frame.c: what every chart type shares, so each family file only draws:
 * checking the output path and naming OUT.gp, OUT.dat and the temporary
 * image; the $LBL datablock that carries every text from data; terminal
 * and fonts per format; the title block and source line; short-scale
 * value ticks; the palette; and the atomic render (gnuplot writes a
 * temporary name, which is renamed over out_path only on success).
 *
 * Safety (RELIABILITY.md rule 1): texts reach the script only as lines of
 * $LBL, cleaned by silk_chart_clean_text and ended by a random 128-bit
 * marker; charts refer to them as $LBL[i] and draw them noenhanced.  File
 * names are engine-chosen and checked by silk_chart_name_ok.
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

/* Okabe-Ito (yellow last: the weakest on white), then a neutral grey. */
static const char *const palette[CHART_PALETTE_SIZE] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
    "#56B4E9", "#000000", "#F0E442", "#999999"};

const char *chart_colour(unsigned index, size_t position)
{
    if (index >= 1 && index <= CHART_PALETTE_SIZE)
        return palette[index - 1];
    return palette[position % 8];
}

const char *chart_or_empty(const char *text) { return text ? text : ""; }

size_t chart_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)chart_or_empty(text);
         *s; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

/* Advance widths of Lato 2.015 (fonts-lato) for ASCII 32-126, in
 * thousandths of an em, regular and bold (read from the fonts' hmtx
 * tables).  Other characters count as 0.56 em.  Cairo draws a font of
 * pt points at 96 dpi, so an em is pt * 4/3 pixels.  When fontconfig
 * substitutes another sans the estimate is a little off, which the
 * margins absorb. */
static const unsigned short lato_regular[95] = {
    256, 269, 370, 580, 580, 802, 712, 204, 267, 267, 425, 580, 227, 372, 236, 452,
    580, 580, 580, 580, 580, 580, 580, 580, 580, 580, 250, 262, 580, 580, 580, 448,
    836, 677, 646, 668, 760, 578, 566, 730, 764, 280, 422, 662, 514, 928, 764, 800,
    600, 800, 626, 542, 590, 736, 677, 1036, 649, 624, 602, 306, 452, 306, 580, 459,
    400, 497, 560, 478, 560, 528, 350, 520, 558, 240, 240, 508, 236, 822, 558, 567,
    560, 560, 364, 433, 358, 558, 516, 786, 498, 516, 452, 301, 250, 301, 580};
static const unsigned short lato_bold[95] = {
    243, 281, 396, 580, 580, 820, 724, 212, 274, 274, 425, 580, 234, 373, 238, 466,
    580, 580, 580, 580, 580, 580, 580, 580, 580, 580, 258, 270, 580, 580, 580, 460,
    844, 694, 658, 662, 760, 575, 566, 726, 770, 296, 430, 686, 520, 945, 770, 808,
    619, 808, 643, 548, 600, 742, 694, 1051, 670, 648, 606, 314, 466, 314, 580, 466,
    400, 508, 568, 482, 568, 534, 358, 528, 564, 254, 254, 534, 248, 838, 564, 574,
    568, 568, 373, 440, 372, 564, 528, 802, 522, 528, 460, 306, 261, 306, 580};

double chart_text_px(const char *text, double pt, bool bold)
{
    const unsigned short *w = bold ? lato_bold : lato_regular;
    double em = 0;
    for (const unsigned char *c = (const unsigned char *)chart_or_empty(text);
         *c; c++) {
        if (*c >= 32 && *c < 127)
            em += w[*c - 32] / 1000.0;
        else if ((*c & 0xC0) != 0x80) /* the first byte of a character */
            em += 0.56;
    }
    return em * pt * 4 / 3;
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
void chart_tick_label(double value, double largest, char *buf, size_t size)
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

void chart_value_tics(chart_job *job, const char *axis, double first,
                      double last, double step)
{
    FILE *f = job->body;
    fprintf(f, "set %stics (", axis);
    for (int k = 0;; k++) {
        double v = first + k * step;
        if (v > last + step * 1e-6)
            break;
        if (fabs(v) < step * 1e-9)
            v = 0;
        char label[416]; /* chart_tick_label can write 400 + suffix */
        chart_tick_label(v, fmax(fabs(first), fabs(last)), label,
                         sizeof label);
        fprintf(f, "%s\"%s\" %.17g", k ? ", " : "", label, v);
    }
    fprintf(f, ") nomirror scale 0 textcolor rgb '#555555' font ',%.2f'\n",
            13.5 * job->s);
}

void chart_time_axes(chart_job *job, double right, double x_lo,
                     double x_hi, double x_step, double y_first,
                     double y_last, double y_step)
{
    FILE *f = job->body;
    fputs("set border 1 lw 1 lc rgb '#999999'\n", f);
    fprintf(f, "set lmargin at screen 0.065\nset rmargin at screen %.4f\n"
               "set tmargin at screen 0.78\nset bmargin at screen 0.12\n",
            right);
    fprintf(f, "set xrange [%.17g:%.17g]\n", x_lo, x_hi);
    fprintf(f, "set yrange [%.17g:%.17g]\n", y_first, y_last);
    fprintf(f, "set xtics %.17g, %.17g nomirror out scale 0.6 format '%%.0f' "
               "textcolor rgb '#555555' font ',%.2f'\n",
            ceil(x_lo / x_step) * x_step, x_step, 13.5 * job->s);
    chart_value_tics(job, "y", y_first, y_last, y_step);
}

double chart_year_step(double span, double max_ticks)
{
    static const double steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++)
        if (span / steps[k] <= max_ticks)
            return steps[k];
    return 1000;
}

void chart_spread_sized(double *pos, const double *size, size_t n,
                        double lo, double hi)
{
    size_t *order = malloc((n + 1) * sizeof *order), m = 0;
    if (order == NULL)
        return; /* labels may touch; the chart still renders */
    for (size_t i = 0; i < n; i++) {
        if (isnan(pos[i]))
            continue;
        size_t k = m++;
        while (k > 0 && pos[order[k - 1]] > pos[i]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
#define GAP(a, b) ((size[order[a]] + size[order[b]]) / 2)
    if (m > 0 && pos[order[0]] < lo)
        pos[order[0]] = lo;
    for (size_t k = 1; k < m; k++)
        if (pos[order[k]] < pos[order[k - 1]] + GAP(k, k - 1))
            pos[order[k]] = pos[order[k - 1]] + GAP(k, k - 1);
    /* If that pushed the top label off the axis, slide the stack down. */
    if (m > 0 && pos[order[m - 1]] > hi) {
        pos[order[m - 1]] = hi;
        for (size_t k = m - 1; k-- > 0;)
            if (pos[order[k]] > pos[order[k + 1]] - GAP(k + 1, k))
                pos[order[k]] = pos[order[k + 1]] - GAP(k + 1, k);
    }
#undef GAP
    free(order);
}

void chart_spread(double *pos, size_t n, double gap, double lo, double hi)
{
    double size[CHART_SPREAD_MAX];
    if (n > CHART_SPREAD_MAX)
        n = CHART_SPREAD_MAX;
    for (size_t i = 0; i < n; i++)
        size[i] = gap;
    chart_spread_sized(pos, size, n, lo, hi);
}

void chart_key(chart_job *job, double right_px, size_t n,
               const char *const *texts, const char *const *colours,
               bool dots)
{
    FILE *f = job->body;
    double W = job->width, H = job->height;
    /* gnuplot centres a label vertically on its point, so the swatch is
     * centred on the same height. */
    double y = chart_from_top(job, 126);
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += 12 + 6 + chart_text_px(texts[k], 12, false) +
                 (k + 1 < n ? 22 : 0);
    double x = right_px - total;
    for (size_t k = 0; k < n; k++) {
        if (dots)
            fprintf(f, "set object circle at screen %.4f, screen %.4f size "
                       "screen %.4f fc rgb '%s' fs solid 1 noborder front\n",
                    (x + 6) / W, y, 6.0 / W, colours[k]);
        else
            fprintf(f, "set object rect from screen %.4f, screen %.4f to "
                       "screen %.4f, screen %.4f fc rgb '%s' fs solid 1 "
                       "noborder front\n",
                    x / W, y - 6.0 / H, (x + 12) / W, y + 6.0 / H,
                    colours[k]);
        fprintf(f, "set label $LBL[%zu] at screen %.4f, screen %.4f left "
                   "font ',%.2f' textcolor rgb '#444444' noenhanced\n",
                chart_text(job, texts[k]), (x + 18) / W, y, 12 * job->s);
        x += 12 + 6 + chart_text_px(texts[k], 12, false) + 22;
    }
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
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

int chart_begin(chart_job *job, const char *out_path, silk_error *err)
{
    memset(job, 0, sizeof *job);
    job->width = 1200;
    job->height = 700;
    job->s = 1;
    if (out_path == NULL || out_path[0] == '\0')
        return silk_error_set(err, SILK_EINVAL, "chart has no output path");
    job->out_path = out_path;
    const char *slash = strrchr(out_path, '/');
    const char *base = slash ? slash + 1 : out_path;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s' needs a .png, .svg or .pdf "
                              "extension", out_path);
    if (strcasecmp(dot, ".png") == 0)
        job->fmt = FMT_PNG;
    else if (strcasecmp(dot, ".svg") == 0)
        job->fmt = FMT_SVG;
    else if (strcasecmp(dot, ".pdf") == 0)
        job->fmt = FMT_PDF;
    else
        return silk_error_set(err, SILK_EINVAL,
                              "chart '%s': unknown extension '%s' (expected "
                              ".png, .svg or .pdf)", out_path, dot);
    /* The folder never reaches gnuplot (it runs inside it); the file name
     * does, so it must be plain. */
    if (!silk_chart_name_ok(base) || strlen(base) > 200)
        return silk_error_set(err, SILK_EINVAL,
                              "chart file name '%s' must be 1-200 characters "
                              "of [A-Za-z0-9_.-], not starting with '-'",
                              base);
    job->base = base;
    job->ext = dot;
    /* Sizes are tuned for 1200x700 px; the PDF is 8in = 576pt wide, so its
     * points scale by 576/1200 = 0.48 to keep the same proportions, and
     * pdfcairo already halves fonts and line widths (its fontscale and
     * linewidth default to 0.5): 0.96 in all, checked with pdftoppm. */
    job->s = job->fmt == FMT_PDF ? 0.96 : 1.0;
    /* Cairo asks fontconfig, which substitutes a sans when Lato is
     * missing; SVG viewers get an explicit family list. */
    job->font = job->fmt == FMT_SVG ? "Lato, sans-serif" : "Lato";

    job->dir = slash ? strndup(out_path, (size_t)(slash - out_path))
                     : strdup(".");
    job->stem = strndup(base, (size_t)(dot - base));
    if (job->dir == NULL || job->stem == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (job->dir[0] == '\0') { /* "/chart.png" */
        free(job->dir);
        job->dir = strdup("/");
        if (job->dir == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    snprintf(job->gp_name, sizeof job->gp_name, "%s.gp", job->stem);
    snprintf(job->dat_name, sizeof job->dat_name, "%s.dat", job->stem);
    snprintf(job->tmp_name, sizeof job->tmp_name, ".%s.tmp-%ld%s",
             job->stem, (long)getpid(), dot);
    job->gp_path = join(job->dir, job->gp_name);
    job->dat_path = join(job->dir, job->dat_name);
    job->tmp_path = join(job->dir, job->tmp_name);
    job->body = open_memstream(&job->body_text, &job->body_len);
    if (job->gp_path == NULL || job->dat_path == NULL ||
        job->tmp_path == NULL || job->body == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    return SILK_OK;
}

size_t chart_text(chart_job *job, const char *text)
{
    if (job->n_labels == job->cap_labels) {
        size_t cap = job->cap_labels ? 2 * job->cap_labels : 16;
        const char **grown = realloc(job->labels, cap * sizeof *grown);
        if (grown == NULL) {
            job->oom = true;
            return 1;
        }
        job->labels = grown;
        job->cap_labels = cap;
    }
    job->labels[job->n_labels++] = chart_or_empty(text);
    return job->n_labels;
}

double chart_from_top(const chart_job *job, double px)
{
    return 1 - px / job->height;
}

void chart_titles(chart_job *job, const char *title, const char *subtitle,
                  const char *y_label, const char *source)
{
    FILE *f = job->body;
    double s = job->s;
    /* Baselines as in the reference: 49, 87.5 and 126 px from the top,
     * the source 21 px from the bottom. */
    if (chart_or_empty(title)[0])
        fprintf(f, "set label $LBL[%zu] at screen 0.025, screen %.4f left "
                   "font 'Lato Bold,%.2f' textcolor rgb '#111111' "
                   "noenhanced\n",
                chart_text(job, title), chart_from_top(job, 49), 20 * s);
    if (chart_or_empty(subtitle)[0])
        fprintf(f, "set label $LBL[%zu] at screen 0.025, screen %.4f left "
                   "font ',%.2f' textcolor rgb '#444444' noenhanced\n",
                chart_text(job, subtitle), chart_from_top(job, 87.5),
                14.5 * s);
    if (chart_or_empty(y_label)[0])
        fprintf(f, "set label $LBL[%zu] at screen 0.025, screen %.4f left "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                chart_text(job, y_label), chart_from_top(job, 126),
                11.5 * s);
    if (chart_or_empty(source)[0])
        fprintf(f, "set label $LBL[%zu] at screen 0.025, screen %.4f left "
                   "font ',%.2f' textcolor rgb '#666666' noenhanced\n",
                chart_text(job, source), 21.0 / job->height, 10 * s);
}

FILE *chart_data_open(chart_job *job, silk_error *err)
{
    FILE *f = fopen(job->dat_path, "w");
    if (f == NULL)
        silk_error_set(err, SILK_EIO, "cannot write '%s': %s", job->dat_path,
                       strerror(errno));
    return f;
}

int chart_data_close(chart_job *job, FILE *f, silk_error *err)
{
    int status = SILK_OK;
    if (ferror(f))
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                                job->dat_path, strerror(errno));
    if (fclose(f) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                                job->dat_path, strerror(errno));
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

static int write_script(chart_job *job, silk_error *err)
{
    char hex[33], eod[40];
    int status = random_hex(hex, err);
    if (status != SILK_OK)
        return status;
    snprintf(eod, sizeof eod, "EOD_%s", hex);
    FILE *f = fopen(job->gp_path, "w");
    if (f == NULL)
        return silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                              job->gp_path, strerror(errno));
    fprintf(f, "# silkstat chart.  Re-render with `gnuplot %s` in this "
               "folder;\n# it reads %s and writes %s.  Text from the data "
               "lives in $LBL\n# and is drawn noenhanced.\n",
            job->gp_name, job->dat_name, job->base);
    fprintf(f, "$LBL << %s\n", eod);
    for (size_t i = 0; i < job->n_labels && status == SILK_OK; i++)
        status = put_label(f, job->labels[i], eod, err);
    if (status != SILK_OK)
        goto done;
    fprintf(f, "%s\n\n", eod);

    double s = job->s;
    /* A briefing pack loads many chart scripts into one gnuplot session
     * with one terminal and output, one page a chart: it sets silk_pack,
     * and the scripts leave the terminal alone (changing it would start
     * a new file). */
    fprintf(f, "if (!exists(\"outfile\")) outfile = '%s'\n", job->base);
    fputs("if (!exists(\"silk_pack\")) {\n", f);
    switch (job->fmt) {
    case FMT_PNG:
        fprintf(f, "set terminal pngcairo size %d,%d font '%s,13' "
                   "noenhanced background rgb '#ffffff'\n",
                job->width, job->height, job->font);
        break;
    case FMT_SVG:
        fprintf(f, "set terminal svg size %d,%d font '%s,13' noenhanced "
                   "background rgb '#ffffff'\n",
                job->width, job->height, job->font);
        break;
    case FMT_PDF:
        fprintf(f, "set terminal pdfcairo size 8in,%.3fin font '%s,%.2f' "
                   "noenhanced linewidth %.2f background rgb '#ffffff'\n",
                8.0 * job->height / job->width, job->font, 13 * s, s);
        break;
    }
    fputs("set output outfile\n}\nset encoding utf8\nunset key\n", f);
    if (job->body_len > 0 &&
        fwrite(job->body_text, 1, job->body_len, f) != job->body_len)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                                job->gp_path, strerror(errno));

done:
    if (ferror(f) && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                                job->gp_path, strerror(errno));
    if (fclose(f) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                                job->gp_path, strerror(errno));
    return status;
}

int chart_finish(chart_job *job, const char *gnuplot, silk_error *err)
{
    if (job->body == NULL || fclose(job->body) != 0) {
        job->body = NULL;
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    job->body = NULL;
    if (job->oom || job->body_text == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = write_script(job, err);
    if (status == SILK_OK)
        status = silk_chart_run(gnuplot, job->dir, job->gp_name,
                                job->tmp_name, err);
    if (status != SILK_OK)
        return status;
    struct stat st;
    if (stat(job->tmp_path, &st) != 0 || st.st_size == 0)
        return silk_error_set(err, SILK_ECHART,
                              "gnuplot wrote no image for '%s'",
                              job->out_path);
    if (rename(job->tmp_path, job->out_path) != 0)
        return silk_error_set(err, SILK_EIO,
                              "cannot rename '%s' to '%s': %s",
                              job->tmp_path, job->out_path, strerror(errno));
    free(job->tmp_path); /* renamed: nothing left to remove */
    job->tmp_path = NULL;
    return SILK_OK;
}

void chart_end(chart_job *job)
{
    if (job->body != NULL)
        fclose(job->body);
    if (job->tmp_path != NULL)
        unlink(job->tmp_path);
    free(job->body_text);
    free(job->labels);
    free(job->dir);
    free(job->stem);
    free(job->gp_path);
    free(job->dat_path);
    free(job->tmp_path);
    memset(job, 0, sizeof *job);
}
