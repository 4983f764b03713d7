/*
 * report.c: the briefing pack of a job: OUT/index.html (one page, no
 * script, inline CSS, the charts as NAME.svg beside it), OUT/figures.csv
 * (every chart's numbers with the chart's name) and OUT/briefing.pdf
 * (pack.c).  Built only from what the steps left in OUT and the store's
 * provenance, so `silkstat report` can be rerun alone.
 *
 * Layout: header (title, subtitle, latest period of the figures, when and
 * with which silkstat it was made, downloads), the overview, then one
 * section per priority goal of the Call for Action that has charts or
 * tables, in the Call's order; one sentence on the goals without; the
 * sources with their SHA-256.  Every text from the job or the data goes
 * through html_put.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

#define TABLE_ROWS_MAX 100000 /* rows read from one CSV */
#define TABLE_ROWS_SHOWN 400  /* rows shown on the page; the CSV has all */
#define PIVOT_LABELS_MAX 8    /* more series: one row per number */

/* A chart or table of the page. */
typedef struct item {
    const silk_job_step *step;
    const char *title;
    bool drawn;       /* a chart with its SVG and figures */
    bool have_table;  /* figures of a chart, or a table step's CSV */
    csv_table table;
    char *summary;    /* charts: the key figures */
    char error[SILK_MESSAGE_MAX]; /* why the table could not be read */
} item;

typedef struct page {
    const silk_job *job;
    char *out_dir;
    item *items;
    size_t n_items;
    silk_provenance *prov;
    size_t n_prov;
    char latest[SILK_PERIOD_LABEL_MAX + 16];
    char made[64];
} page;

static char *path_in(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *path = malloc(n);
    if (path != NULL)
        snprintf(path, n, "%s/%s%s", dir, name, ext);
    return path;
}

static bool file_exists(const char *dir, const char *name, const char *ext)
{
    char *path = path_in(dir, name, ext);
    struct stat st;
    bool yes = path != NULL && stat(path, &st) == 0;
    free(path);
    return yes;
}

static bool is_chart(const item *it)
{
    return it->step->kind == SILK_STEP_CHART;
}

/* The value of a figures row, NaN when empty or not a number. */
static double cell_number(const char *text)
{
    if (text[0] == '\0')
        return NAN;
    char *end;
    double v = strtod(text, &end);
    return *end == '\0' ? v : NAN;
}

/* The unit of a chart's (first) indicator, read from the store; "" when
 * unknown. */
static void unit_of(silk_store *store, const silk_job_step *s, char *buf,
                    size_t size)
{
    buf[0] = '\0';
    const char *list = silk_job_get(s, "indicator");
    if (store == NULL || list == NULL)
        return;
    char name[SILK_INDICATOR_MAX + 1];
    size_t n = strcspn(list, ",");
    if (n == 0 || n > SILK_INDICATOR_MAX)
        return;
    memcpy(name, list, n);
    name[n] = '\0';
    silk_cube *cube = NULL;
    silk_error ignored;
    if (silk_store_read(store, name, &cube, &ignored) == SILK_OK)
        snprintf(buf, size, "%s", cube->unit ? cube->unit : "");
    silk_cube_free(cube);
}

static int chart_summary(item *it, const char *unit, silk_error *err)
{
    const csv_table *t = &it->table;
    size_t n = t->n_rows - 1;
    silk_figure *rows = calloc(n ? n : 1, sizeof *rows);
    silk_figure_mark marks[16];
    size_t n_marks = 0;
    char *copies[16];
    if (rows == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t r = 0; r < n; r++) {
        rows[r].label = csv_cell(t, r + 1, 0);
        rows[r].period = csv_cell(t, r + 1, 1);
        rows[r].value = cell_number(csv_cell(t, r + 1, 2));
    }
    /* mark = 2025=2025: reclassification */
    for (size_t k = 0; k < it->step->n_settings && n_marks < 16; k++) {
        const silk_job_setting *set = &it->step->settings[k];
        const char *eq = strchr(set->value, '=');
        if (strcmp(set->key, "mark") != 0 || eq == NULL)
            continue;
        copies[n_marks] = strndup(set->value, (size_t)(eq - set->value));
        if (copies[n_marks] == NULL)
            break;
        marks[n_marks].period = copies[n_marks];
        marks[n_marks].label = eq + 1;
        n_marks++;
    }
    int status = silk_report_summary(rows, n, unit,
                                     silk_job_get(it->step, "about"), marks,
                                     n_marks, &it->summary, err);
    for (size_t k = 0; k < n_marks; k++)
        free(copies[k]);
    free(rows);
    return status;
}

/* Reads what each chart and table step left in OUT. */
static int load_items(page *pg, silk_store *store, silk_error *err)
{
    const silk_job *job = pg->job;
    pg->items = calloc(job->n_steps ? job->n_steps : 1, sizeof *pg->items);
    if (pg->items == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    silk_period latest = {SILK_FREQ_NONE, 0, 0};
    for (size_t i = 0; i < job->n_steps; i++) {
        const silk_job_step *s = &job->steps[i];
        if (s->goal < 0)
            continue;
        item *it = &pg->items[pg->n_items++];
        it->step = s;
        it->title = silk_job_get(s, "title");
        if (it->title == NULL)
            it->title = s->name;
        char *csv = path_in(pg->out_dir, s->name, ".csv");
        if (csv == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        bool have_csv = file_exists(pg->out_dir, s->name, ".csv");
        if (have_csv) {
            silk_error read_err;
            silk_error_clear(&read_err);
            if (csv_table_read(csv, TABLE_ROWS_MAX, &it->table, &read_err) ==
                SILK_OK)
                it->have_table = true;
            else
                snprintf(it->error, sizeof it->error, "%s",
                         read_err.message);
        }
        free(csv);
        if (s->kind != SILK_STEP_CHART)
            continue;
        if (it->have_table &&
            (it->table.n_cols < 4 ||
             strcmp(csv_cell(&it->table, 0, 0), "label") != 0 ||
             strcmp(csv_cell(&it->table, 0, 1), "period") != 0 ||
             strcmp(csv_cell(&it->table, 0, 2), "value") != 0)) {
            snprintf(it->error, sizeof it->error,
                     "%s.csv: expected the header label,period,value,flag",
                     s->name);
            csv_table_release(&it->table);
            it->have_table = false;
        }
        it->drawn = it->have_table &&
                    file_exists(pg->out_dir, s->name, ".svg");
        if (!it->drawn)
            continue;
        char unit[256];
        unit_of(store, s, unit, sizeof unit);
        int status = chart_summary(it, unit, err);
        if (status != SILK_OK)
            return status;
        for (size_t r = 1; r < it->table.n_rows; r++) {
            const char *p = csv_cell(&it->table, r, 1);
            silk_period per;
            if (isnan(cell_number(csv_cell(&it->table, r, 2))) ||
                silk_period_parse(p, strlen(p), &per) != SILK_OK)
                continue;
            /* the latest year whatever the frequency */
            if (latest.freq == SILK_FREQ_NONE ||
                silk_period_decimal_year(per) >
                    silk_period_decimal_year(latest))
                latest = per;
        }
    }
    if (latest.freq != SILK_FREQ_NONE)
        silk_period_format(latest, pg->latest);
    return SILK_OK;
}

/* ---- the page ------------------------------------------------------- */

static const char css[] =
    ":root{--ink:#1b1b1b;--muted:#5a5a5a;--rule:#dcdcdc;--accent:#0072B2;"
    "--warn:#b34700}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:#fff;color:var(--ink);font:16px/1.55 Lato,"
    "'Helvetica Neue',Arial,sans-serif}\n"
    "header,main,footer{max-width:64rem;margin:0 auto;padding:0 1.5rem}\n"
    "header{padding-top:2.2rem;padding-bottom:1rem;"
    "border-bottom:4px solid var(--accent)}\n"
    "h1{font-size:2.1rem;line-height:1.2;margin:0 0 .3rem}\n"
    ".subtitle{font-size:1.2rem;color:var(--muted);margin:0 0 .8rem}\n"
    ".meta{font-size:.9rem;color:var(--muted);margin:.2rem 0}\n"
    ".meta code{font-size:.8rem}\n"
    "nav{margin:1rem 0 0;font-size:.95rem}\n"
    "nav ul{margin:0;padding-left:1.2rem;columns:2;column-gap:2.5rem}\n"
    "a{color:var(--accent)}\n"
    "h2{font-size:1.55rem;line-height:1.25;margin:2.8rem 0 .4rem}\n"
    "h2 .goal{display:block;font-size:.78rem;letter-spacing:.06em;"
    "text-transform:uppercase;color:var(--accent);margin-bottom:.2rem}\n"
    ".intro{max-width:46rem;margin:.3rem 0 1rem}\n"
    "figure{margin:1.8rem 0 2.6rem;padding:0}\n"
    "figure h3{font-size:1.12rem;margin:0 0 .5rem}\n"
    "figure img{display:block;width:100%;height:auto;"
    "border:1px solid var(--rule)}\n"
    ".key{margin:.7rem 0 .3rem;max-width:50rem}\n"
    ".key strong{font-weight:700}\n"
    ".note{margin:.2rem 0;font-size:.92rem;color:var(--muted);"
    "max-width:50rem}\n"
    ".files{margin:.2rem 0;font-size:.85rem;color:var(--muted)}\n"
    ".missing{border:1px dashed var(--warn);color:var(--warn);"
    "padding:.8rem 1rem}\n"
    "details{margin-top:.4rem;font-size:.9rem}\n"
    "summary{cursor:pointer;color:var(--accent)}\n"
    ".scroll{overflow-x:auto;margin-top:.4rem}\n"
    "table{border-collapse:collapse;font-size:.85rem;"
    "font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.22rem .65rem;border-bottom:1px solid var(--rule);"
    "text-align:right;white-space:nowrap;vertical-align:top}\n"
    "th{background:#f3f5f7;font-weight:700}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "td.text{text-align:left}\n"
    "sup{color:var(--muted)}\n"
    ".gaps{max-width:50rem}\n"
    ".sources th,.sources td{white-space:normal;text-align:left}\n"
    ".sources td.num{text-align:right}.sources td.time{white-space:nowrap}\n"
    ".sources .ind{font-size:.82rem;color:var(--muted)}\n"
    ".sources code{font-size:.78rem;word-break:break-all}\n"
    "footer{margin:3rem auto 2rem;font-size:.85rem;color:var(--muted);"
    "border-top:1px solid var(--rule);padding-top:1rem}\n"
    "@media print{body{font-size:10.5pt}nav,.files,details{display:none}"
    "header{border-bottom:2px solid #000}figure{break-inside:avoid}"
    "h2{break-before:page;margin-top:0}a{color:inherit;"
    "text-decoration:none}}\n";

static bool goal_has_items(const page *pg, int goal)
{
    for (size_t i = 0; i < pg->n_items; i++)
        if (pg->items[i].step->goal == goal)
            return true;
    return false;
}

/* A table cell: a number formatted for reading, else escaped text. */
static void put_cell(FILE *f, const char *text, const char *flag)
{
    double v = cell_number(text);
    if (isnan(v) && text[0] != '\0') {
        fputs("<td class=\"text\">", f);
        html_put(f, text);
    } else {
        char buf[64];
        report_number(v, buf, sizeof buf);
        fprintf(f, "<td>%s", buf);
    }
    if (flag != NULL && flag[0] != '\0') {
        fputs(" <sup>", f);
        html_put(f, flag);
        fputs("</sup>", f);
    }
    fputs("</td>", f);
}

/* A chart's figures: periods down and series across when there are a
 * few series over several periods; otherwise one row per number. */
static void figures_table(FILE *f, const csv_table *t)
{
    size_t n = t->n_rows - 1;
    const char **labels = calloc(n ? n : 1, sizeof *labels);
    const char **periods = calloc(n ? n : 1, sizeof *periods);
    size_t n_labels = 0, n_periods = 0;
    bool flags = false;
    for (size_t r = 1; labels && periods && r <= n; r++) {
        const char *l = csv_cell(t, r, 0), *p = csv_cell(t, r, 1);
        size_t k = 0;
        while (k < n_labels && strcmp(labels[k], l) != 0)
            k++;
        if (k == n_labels)
            labels[n_labels++] = l;
        k = 0;
        while (k < n_periods && strcmp(periods[k], p) != 0)
            k++;
        if (k == n_periods)
            periods[n_periods++] = p;
        flags = flags || csv_cell(t, r, 3)[0] != '\0';
    }
    fputs("<div class=\"scroll\"><table>\n", f);
    if (labels && periods && n_labels <= PIVOT_LABELS_MAX && n_periods > 1 &&
        n_periods <= TABLE_ROWS_SHOWN) {
        /* periods in time order */
        for (size_t i = 1; i < n_periods; i++) {
            const char *v = periods[i];
            size_t j = i;
            silk_period a, b;
            while (j > 0 &&
                   silk_period_parse(periods[j - 1], strlen(periods[j - 1]),
                                     &a) == SILK_OK &&
                   silk_period_parse(v, strlen(v), &b) == SILK_OK &&
                   silk_period_compare(a, b) > 0) {
                periods[j] = periods[j - 1];
                j--;
            }
            periods[j] = v;
        }
        fputs("<tr><th>Period</th>", f);
        for (size_t k = 0; k < n_labels; k++) {
            fputs("<th>", f);
            html_put(f, labels[k]);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
        for (size_t p = 0; p < n_periods; p++) {
            fputs("<tr><td>", f);
            html_put(f, periods[p]);
            fputs("</td>", f);
            for (size_t k = 0; k < n_labels; k++) {
                size_t r = 1;
                while (r <= n && (strcmp(csv_cell(t, r, 0), labels[k]) != 0 ||
                                  strcmp(csv_cell(t, r, 1), periods[p]) != 0))
                    r++;
                if (r > n)
                    fputs("<td></td>", f);
                else
                    put_cell(f, csv_cell(t, r, 2), csv_cell(t, r, 3));
            }
            fputs("</tr>\n", f);
        }
    } else {
        fprintf(f, "<tr><th>Series</th><th>Period</th><th>Value</th>%s"
                   "</tr>\n",
                flags ? "<th>Flag</th>" : "");
        for (size_t r = 1; r <= n && r <= TABLE_ROWS_SHOWN; r++) {
            fputs("<tr><td>", f);
            html_put(f, csv_cell(t, r, 0));
            fputs("</td><td>", f);
            html_put(f, csv_cell(t, r, 1));
            fputs("</td>", f);
            put_cell(f, csv_cell(t, r, 2), NULL);
            if (flags) {
                fputs("<td class=\"text\">", f);
                html_put(f, csv_cell(t, r, 3));
                fputs("</td>", f);
            }
            fputs("</tr>\n", f);
        }
    }
    fputs("</table></div>\n", f);
    if (n > TABLE_ROWS_SHOWN && !(n_labels <= PIVOT_LABELS_MAX &&
                                  n_periods > 1))
        fprintf(f, "<p class=\"note\">The first %d of %zu rows; the CSV "
                   "file has all.</p>\n",
                TABLE_ROWS_SHOWN, n);
    free(labels);
    free(periods);
}

/* A table step's CSV, rows without any figure left out. */
static void plain_table(FILE *f, const csv_table *t, size_t *shown_out,
                        size_t *kept_out)
{
    size_t shown = 0, kept = 0;
    fputs("<div class=\"scroll\"><table>\n<tr>", f);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputs("<th>", f);
        html_put(f, csv_cell(t, 0, c));
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 1; r < t->n_rows; r++) {
        bool any = t->n_cols == 1;
        for (size_t c = 1; c < t->n_cols && !any; c++)
            any = csv_cell(t, r, c)[0] != '\0';
        if (!any)
            continue;
        kept++;
        if (shown == TABLE_ROWS_SHOWN)
            continue;
        shown++;
        fputs("<tr>", f);
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *head = csv_cell(t, 0, c);
            /* periods are labels, not quantities: 2005, never 2,005 */
            if (strcmp(head, "period") == 0 || strcmp(head, "first") == 0 ||
                strcmp(head, "last") == 0 || strcmp(head, "year") == 0) {
                fputs("<td class=\"text\">", f);
                html_put(f, csv_cell(t, r, c));
                fputs("</td>", f);
            } else {
                put_cell(f, csv_cell(t, r, c), NULL);
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
    *shown_out = shown;
    *kept_out = kept;
}

static void put_note(FILE *f, const silk_job_step *s)
{
    const char *note = silk_job_get(s, "note");
    if (note == NULL)
        return;
    fputs("<p class=\"note\">", f);
    html_put(f, note);
    fputs("</p>\n", f);
}

static void put_item(FILE *f, const item *it)
{
    const silk_job_step *s = it->step;
    bool chart = is_chart(it);
    fprintf(f, "<figure id=\"%s\">\n", s->name);
    /* A drawn chart carries its title in the image (and in alt); a
     * heading above it would say it twice. */
    if (!chart || !it->drawn) {
        fputs("<h3>", f);
        html_put(f, it->title);
        fputs("</h3>\n", f);
    }
    if (chart ? !it->drawn : !it->have_table) {
        /* a failed step leaves nothing: say so rather than show an old
         * chart */
        fputs("<p class=\"missing\">Not available in this run", f);
        if (it->error[0] != '\0') {
            fputs(" (", f);
            html_put(f, it->error);
            fputs(")", f);
        }
        fprintf(f, ": see <a href=\"logs/%s.log\">logs/%s.log</a>.</p>\n",
                s->name, s->name);
        put_note(f, s);
        fputs("</figure>\n", f);
        return;
    }
    if (chart) {
        fprintf(f, "<img src=\"%s.svg\" alt=\"", s->name);
        html_put(f, it->title);
        fputs("\">\n", f);
    }
    fputs("<figcaption>\n", f);
    if (chart) {
        fputs("<p class=\"key\"><strong>Key figures.</strong> ", f);
        html_put(f, it->summary);
        fputs("</p>\n", f);
    }
    put_note(f, s);
    if (chart)
        fprintf(f, "<p class=\"files\">Files: <a href=\"%s.png\">PNG</a> · "
                   "<a href=\"%s.pdf\">PDF</a> · <a href=\"%s.csv\">figures "
                   "(CSV)</a> · <a href=\"%s.gp\">gnuplot script</a> · "
                   "<a href=\"logs/%s.log\">log</a></p>\n",
                s->name, s->name, s->name, s->name, s->name);
    else
        fprintf(f, "<p class=\"files\">Files: <a href=\"%s.csv\">table "
                   "(CSV)</a> · <a href=\"logs/%s.log\">log</a></p>\n",
                s->name, s->name);
    fputs("</figcaption>\n", f);
    if (chart) {
        fprintf(f, "<details><summary>Figures behind the chart (%zu "
                   "numbers)</summary>\n",
                it->table.n_rows - 1);
        figures_table(f, &it->table);
        fputs("</details>\n", f);
    } else {
        char *buf = NULL;
        size_t len = 0, shown = 0, kept = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem != NULL) {
            plain_table(mem, &it->table, &shown, &kept);
            fclose(mem);
        }
        fprintf(f, "<details open><summary>The table (%zu row%s%s)"
                   "</summary>\n",
                kept, kept == 1 ? "" : "s",
                kept > shown ? ", the first shown here" : "");
        if (buf != NULL)
            fputs(buf, f);
        free(buf);
        fputs("</details>\n", f);
    }
    fputs("</figure>\n", f);
}

static void put_gaps(FILE *f, const page *pg)
{
    int missing[SILK_GOAL_COUNT];
    size_t n = 0;
    for (int g = 1; g < SILK_GOAL_COUNT; g++)
        if (!goal_has_items(pg, g))
            missing[n++] = g;
    if (n == 0)
        return;
    fputs("<section id=\"gaps\">\n<h2><span class=\"goal\">Not covered"
          "</span>What these figures cannot show</h2>\n<p class=\"gaps\">"
          "The data of this briefing cannot speak to ",
          f);
    for (size_t i = 0; i < n; i++) {
        const silk_job *job = pg->job;
        const char *needs = job->needs[missing[i]]
                                ? job->needs[missing[i]]
                                : silk_goal_needs((silk_goal)missing[i]);
        char title[128];
        snprintf(title, sizeof title, "%s",
                 silk_goal_title((silk_goal)missing[i]));
        title[0] = (char)(title[0] - 'A' + 'a'); /* mid-sentence */
        fprintf(f, "%s<strong>", i == 0 ? "" : i + 1 == n ? " or " : "; ");
        html_put(f, title);
        fprintf(f, "</strong> (goal %d; it would need ", missing[i]);
        html_put(f, needs);
        fputs(")", f);
    }
    fputs(".</p>\n</section>\n", f);
}

static void put_sources(FILE *f, const page *pg)
{
    fputs("<section id=\"sources\">\n<h2><span class=\"goal\">Sources"
          "</span>Data behind this briefing</h2>\n",
          f);
    if (pg->n_prov == 0) {
        fputs("<p>The store records no ingested file.</p>\n", f);
    } else {
        fputs("<div class=\"scroll\"><table class=\"sources\">\n<tr><th>File "
              "and the indicators it holds</th><th>Rows</th><th>Ingested "
              "(UTC)</th><th>SHA-256 of the file</th></tr>\n",
              f);
        for (size_t i = 0; i < pg->n_prov; i++) {
            const silk_provenance *p = &pg->prov[i];
            char rows[32];
            report_number((double)p->rows, rows, sizeof rows);
            fputs("<tr><td>", f);
            html_put(f, p->file);
            fputs("<br><span class=\"ind\">", f);
            /* "a,b,c" as "a, b, c" so the list can wrap */
            for (const char *c = p->indicators; c && *c; c++) {
                char one[2] = {*c, '\0'};
                html_put(f, one);
                if (*c == ',')
                    fputc(' ', f);
            }
            fprintf(f, "</span></td><td class=\"num\">%s</td><td "
                       "class=\"time\">",
                    rows);
            html_put(f, p->time);
            fputs("</td><td><code>", f);
            html_put(f, p->sha256);
            fputs("</code></td></tr>\n", f);
        }
        fputs("</table></div>\n", f);
    }
    fputs("<p class=\"note\">Each chart names its source and licence on "
          "its last line. <a href=\"figures.csv\">figures.csv</a> holds "
          "every number drawn, with the chart's name; "
          "<a href=\"briefing.pdf\">briefing.pdf</a> one page per chart "
          "for printing.</p>\n</section>\n",
          f);
}

static void write_page(FILE *f, const page *pg)
{
    const silk_job *job = pg->job;
    const char *title = job->title[0] ? job->title : "Migration briefing";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8"
          "\">\n<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>",
          f);
    html_put(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
               "<h1>",
            css);
    html_put(f, title);
    fputs("</h1>\n", f);
    if (job->subtitle[0] != '\0') {
        fputs("<p class=\"subtitle\">", f);
        html_put(f, job->subtitle);
        fputs("</p>\n", f);
    }
    fputs("<p class=\"meta\">", f);
    if (pg->latest[0] != '\0') {
        fputs("Figures to ", f);
        html_put(f, pg->latest);
        fputs(" (the latest period drawn) · ", f);
    }
    fputs("Made ", f);
    html_put(f, pg->made);
    fputs(" with silkstat " SILK_VERSION " from ", f);
    const char *base = strrchr(job->path, '/');
    html_put(f, base ? base + 1 : job->path);
    fputs("</p>\n", f);
    if (pg->n_prov > 0) {
        /* the files behind every figure, each with the start of its
         * SHA-256 (in full under Sources) */
        fputs("<p class=\"meta\">Data: ", f);
        for (size_t i = 0; i < pg->n_prov; i++) {
            const char *file = pg->prov[i].file;
            const char *slash = strrchr(file, '/');
            fputs(i ? "; " : "", f);
            html_put(f, slash ? slash + 1 : file);
            char start[13];
            memcpy(start, pg->prov[i].sha256, 12);
            start[12] = '\0';
            fputs(" <code>sha256:", f);
            html_put(f, start);
            fputs("…</code>", f);
        }
        fputs(" (<a href=\"#sources\">in full</a>)</p>\n", f);
    }
    fputs("<p class=\"meta\">For printing: <a href=\"briefing.pdf\">"
          "briefing.pdf</a> (one page per chart) · every number drawn: "
          "<a href=\"figures.csv\">figures.csv</a> · sources: <a "
          "href=\"#sources\">below</a></p>\n<nav aria-label=\"Contents\">"
          "<ul>\n",
          f);
    /* numbered as the Call for Action numbers its goals */
    for (int g = 0; g < SILK_GOAL_COUNT; g++)
        if (goal_has_items(pg, g)) {
            fprintf(f, "<li><a href=\"#%s\">", silk_goal_name((silk_goal)g));
            if (g == SILK_GOAL_OVERVIEW)
                fputs("Overview: ", f);
            else
                fprintf(f, "Goal %d: ", g);
            html_put(f, silk_goal_title((silk_goal)g));
            fputs("</a></li>\n", f);
        }
    fputs("</ul></nav>\n</header>\n<main>\n", f);

    for (int g = 0; g < SILK_GOAL_COUNT; g++) {
        if (!goal_has_items(pg, g))
            continue;
        fprintf(f, "<section id=\"%s\">\n<h2><span class=\"goal\">",
                silk_goal_name((silk_goal)g));
        if (g == SILK_GOAL_OVERVIEW)
            fputs("Overview", f);
        else
            fprintf(f, "Priority goal %d", g);
        fputs("</span>", f);
        html_put(f, silk_goal_title((silk_goal)g));
        fputs("</h2>\n", f);
        if (job->intro[g] != NULL) {
            fputs("<p class=\"intro\">", f);
            html_put(f, job->intro[g]);
            fputs("</p>\n", f);
        }
        for (size_t i = 0; i < pg->n_items; i++)
            if (pg->items[i].step->goal == g)
                put_item(f, &pg->items[i]);
        fputs("</section>\n", f);
    }
    put_gaps(f, pg);
    put_sources(f, pg);
    fputs("</main>\n<footer>Made by silkstat " SILK_VERSION
          " (<code>silkstat run</code>); each chart's gnuplot script and "
          "data sit beside it in this folder.</footer>\n</body>\n</html>\n",
          f);
}

/* ---- files ---------------------------------------------------------- */

static void csv_field(FILE *f, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (; *text; text++) {
        if (*text == '"')
            fputc('"', f);
        fputc(*text, f);
    }
    fputc('"', f);
}

/* Opens OUT/name's temporary file; commit renames it into place. */
typedef struct outfile {
    char *path, *tmp;
    FILE *f;
} outfile;

static int outfile_open(outfile *o, const char *dir, const char *name,
                        silk_error *err)
{
    o->path = path_in(dir, name, "");
    char suffix[48];
    snprintf(suffix, sizeof suffix, ".tmp-%ld", (long)getpid());
    o->tmp = o->path ? path_in(dir, name, suffix) : NULL;
    o->f = NULL;
    if (o->tmp == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    o->f = fopen(o->tmp, "w");
    if (o->f == NULL)
        return silk_error_set(err, SILK_EIO, "cannot write '%s': %s", o->tmp,
                              strerror(errno));
    return SILK_OK;
}

static int outfile_commit(outfile *o, silk_error *err)
{
    bool bad = ferror(o->f) != 0;
    bad = fclose(o->f) != 0 || bad;
    o->f = NULL;
    if (bad || rename(o->tmp, o->path) != 0)
        return silk_error_set(err, SILK_EIO, "cannot write '%s': %s",
                              o->path, strerror(errno));
    return SILK_OK;
}

static void outfile_release(outfile *o)
{
    if (o->f != NULL) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp != NULL)
        unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
}

static int write_figures(const page *pg, silk_error *err)
{
    outfile o = {0};
    int status = outfile_open(&o, pg->out_dir, "figures.csv", err);
    if (status != SILK_OK)
        goto done;
    fputs("chart,label,period,value,flag\n", o.f);
    for (size_t i = 0; i < pg->n_items; i++) {
        const item *it = &pg->items[i];
        if (!is_chart(it) || !it->drawn)
            continue;
        for (size_t r = 1; r < it->table.n_rows; r++) {
            fputs(it->step->name, o.f);
            for (size_t c = 0; c < 4; c++) {
                fputc(',', o.f);
                csv_field(o.f, csv_cell(&it->table, r, c));
            }
            fputc('\n', o.f);
        }
    }
    status = outfile_commit(&o, err);
done:
    outfile_release(&o);
    return status;
}

int silk_report_build(const silk_job *job, const silk_report_options *opt,
                      silk_error *err)
{
    page pg = {0};
    pg.job = job;
    silk_store *store = NULL;
    outfile html = {0};
    const char **names = NULL;
    char *store_path = silk_job_resolve(job, job->store);
    pg.out_dir = silk_job_resolve(job, job->out);
    int status = SILK_OK;
    if (store_path == NULL || pg.out_dir == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    if (opt != NULL && opt->made != NULL) {
        snprintf(pg.made, sizeof pg.made, "%s", opt->made);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(pg.made, sizeof pg.made, "%Y-%m-%d %H:%M UTC", &tm);
    }
    struct stat st;
    if (stat(pg.out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        status = silk_error_set(err, SILK_ENOTFOUND,
                                "%s: output folder '%s' does not exist; run "
                                "'silkstat run %s' first",
                                job->path, job->out, job->path);
        goto done;
    }
    status = silk_store_open(store_path, &store, err);
    if (status != SILK_OK) {
        silk_error_prefix(err, "%s: store: ", job->path);
        goto done;
    }
    status = silk_store_provenance(store, &pg.prov, &pg.n_prov, err);
    if (status == SILK_OK)
        status = load_items(&pg, store, err);
    silk_store_close(store);
    store = NULL;
    if (status != SILK_OK)
        goto done;

    status = write_figures(&pg, err);
    if (status != SILK_OK)
        goto done;

    /* the pack: drawn charts in the order of the page */
    names = calloc(pg.n_items ? pg.n_items : 1, sizeof *names);
    if (names == NULL) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    size_t n_names = 0;
    for (int g = 0; g < SILK_GOAL_COUNT; g++)
        for (size_t i = 0; i < pg.n_items; i++)
            if (pg.items[i].step->goal == g && is_chart(&pg.items[i]) &&
                pg.items[i].drawn &&
                file_exists(pg.out_dir, pg.items[i].step->name, ".gp"))
                names[n_names++] = pg.items[i].step->name;
    status = report_pack(pg.out_dir, names, n_names,
                         opt ? opt->gnuplot : NULL, err);
    if (status != SILK_OK)
        goto done;

    status = outfile_open(&html, pg.out_dir, "index.html", err);
    if (status != SILK_OK)
        goto done;
    write_page(html.f, &pg);
    status = outfile_commit(&html, err);
done:
    outfile_release(&html);
    silk_store_close(store);
    for (size_t i = 0; i < pg.n_items; i++) {
        csv_table_release(&pg.items[i].table);
        free(pg.items[i].summary);
    }
    free(pg.items);
    free(names);
    silk_store_provenance_free(pg.prov, pg.n_prov);
    free(store_path);
    free(pg.out_dir);
    return status;
}
