/*
 * pack.c: briefing.pdf, one page per chart, for printing.  Each chart's
 * NAME.gp (the PDF variant: the run renders it last) leaves terminal and
 * output alone when silk_pack is defined, so one gnuplot session with one
 * pdfcairo terminal loads them in turn and every plot becomes a page.
 * The pack script names only engine-chosen files ([a-z0-9-]+ chart names)
 * and runs through the chart module's runner: gnuplot without a shell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart/chart.h"
#include "report/report.h"

#define DEFAULT_TERMINAL                                                  \
    "set terminal pdfcairo size 8in,4.667in font 'Lato,12.48' noenhanced " \
    "linewidth 0.96 background rgb '#ffffff'"

/* The pdfcairo terminal line of a chart script and its page height in
 * inches (0 when the script has none). */
static double terminal_of(const char *path, char *line, size_t size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char buf[1024];
    double height = 0;
    while (fgets(buf, sizeof buf, f) != NULL) {
        const char *at = strstr(buf, "set terminal pdfcairo size ");
        double w, h;
        if (at == NULL ||
            sscanf(at, "set terminal pdfcairo size %lfin,%lfin", &w, &h) != 2)
            continue;
        buf[strcspn(buf, "\r\n")] = '\0';
        snprintf(line, size, "%s", at);
        height = h;
        break;
    }
    fclose(f);
    return height;
}

static char *path_in(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *path = malloc(n);
    if (path != NULL)
        snprintf(path, n, "%s/%s", dir, file);
    return path;
}

int report_pack(const char *out_dir, const char *const *names, size_t n,
                const char *gnuplot, silk_error *err)
{
    char *gp = path_in(out_dir, "briefing.gp");
    char *pdf = path_in(out_dir, "briefing.pdf");
    char tmp_name[64];
    snprintf(tmp_name, sizeof tmp_name, "briefing-tmp-%ld.pdf",
             (long)getpid());
    char *tmp = path_in(out_dir, tmp_name);
    int status = SILK_OK;
    FILE *f = NULL;
    if (gp == NULL || pdf == NULL || tmp == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    if (n == 0) {
        unlink(pdf);
        unlink(gp);
        goto done;
    }

    /* One page size for all: the tallest chart's, so no chart is
     * squeezed (a shorter one gets a little more room). */
    char terminal[1024] = DEFAULT_TERMINAL;
    double tallest = 0;
    for (size_t i = 0; i < n; i++) {
        char name[300], line[1024];
        snprintf(name, sizeof name, "%s.gp", names[i]);
        char *script = path_in(out_dir, name);
        if (script == NULL) {
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
            goto done;
        }
        double h = terminal_of(script, line, sizeof line);
        free(script);
        if (h > tallest) {
            tallest = h;
            snprintf(terminal, sizeof terminal, "%s", line);
        }
    }

    f = fopen(gp, "w");
    if (f == NULL) {
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", gp,
                                strerror(errno));
        goto done;
    }
    fputs("# silkstat briefing pack: one page per chart, in the order of "
          "the page.\n# Re-make it with `gnuplot briefing.gp` in this "
          "folder; it loads each\n# chart's script (which leaves the "
          "terminal alone when silk_pack is set).\n",
          f);
    fputs("silk_pack = 1\nif (!exists(\"outfile\")) outfile = "
          "'briefing.pdf'\n",
          f);
    fprintf(f, "%s\nset output outfile\n", terminal);
    for (size_t i = 0; i < n; i++) {
        char name[300];
        snprintf(name, sizeof name, "%s.gp", names[i]);
        if (!silk_chart_name_ok(name)) {
            status = silk_error_set(err, SILK_EINVAL,
                                    "chart name '%s' cannot go into the "
                                    "pack",
                                    names[i]);
            goto done;
        }
        fprintf(f, "load '%s'\nreset\n", name);
    }
    fputs("unset output\n", f);
    bool bad = ferror(f) != 0;
    bad = fclose(f) != 0 || bad;
    f = NULL;
    if (bad) {
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", gp,
                                strerror(errno));
        goto done;
    }
    status = silk_chart_run(gnuplot, out_dir, "briefing.gp", tmp_name, err);
    if (status != SILK_OK) {
        silk_error_prefix(err, "briefing.pdf: ");
        goto done;
    }
    if (rename(tmp, pdf) != 0)
        status = silk_error_set(err, SILK_EIO, "cannot write '%s': %s", pdf,
                                strerror(errno));
done:
    if (f != NULL)
        fclose(f);
    if (tmp != NULL)
        unlink(tmp);
    free(gp);
    free(pdf);
    free(tmp);
    return status;
}
