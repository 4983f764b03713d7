/*
 * problems.c: the collector behind `ingest --check` (silk_problems), the
 * two doors the formats use to reach it (silk_ingest_row_problem,
 * silk_ingest_warning), and the sanity checks: per row (problems.h) and
 * per series after the read (silk_ingest_sanity).
 *
 * Separate from the formats because it is about reporting, not reading:
 * the formats only decide what is wrong; this file decides how problems
 * are grouped, ordered and bounded in memory (see silkstat.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "format.h"
#include "problems.h"
#include "core/memory.h"

/* The earliest plausible year: UNHCR's statistics start in 1951, the
 * World Bank's in 1960, DESA's in 1990.  Earlier years parse (1800-2200)
 * but are most likely typing errors. */
#define PLAUSIBLE_YEAR_MIN 1950

/* A value this many times above (or below) both neighbours in its series
 * is reported as a jump: about a unit error (thousands vs persons) or a
 * few extra digits typed. */
#define JUMP_FACTOR 1000.0
/* A file name and its line and column, as a message prefix. */
#define PATH_POSITION_MAX 512

typedef struct entry {
    silk_problem problem;
    size_t file_order; /* position of the file in files[]; SIZE_MAX: none */
} entry;

typedef struct group {
    char *kind;
    silk_severity severity;
    size_t total;
    entry *items; /* at most SILK_PROBLEMS_LISTED, kept sorted */
    size_t n_items, cap_items;
} group;

struct silk_problems {
    bool collect_errors;
    int latest_year; /* the current year + 1 */
    size_t count[2]; /* by severity */
    group *groups;   /* in order of first appearance */
    size_t n_groups, cap_groups;
    size_t kinds[2];  /* groups per severity, "other problems" excluded */
    size_t *order;    /* group positions: errors first, then warnings */
    char **files;     /* file names in order of first appearance */
    size_t n_files, cap_files;
};

int silk_problems_alloc(bool collect_errors, silk_problems **out,
                        silk_error *err)
{
    silk_problems *p = calloc(1, sizeof *p);
    if (p == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    time_t now = time(NULL);
    struct tm tm;
    p->collect_errors = collect_errors;
    p->latest_year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 + 1 : 2100;
    *out = p;
    return SILK_OK;
}

void silk_problems_free(silk_problems *p)
{
    if (p == NULL)
        return;
    for (size_t g = 0; g < p->n_groups; g++) {
        for (size_t i = 0; i < p->groups[g].n_items; i++)
            free((char *)p->groups[g].items[i].problem.message);
        free(p->groups[g].items);
        free(p->groups[g].kind);
    }
    free(p->groups);
    free(p->order);
    for (size_t f = 0; f < p->n_files; f++)
        free(p->files[f]);
    free(p->files);
    free(p);
}

bool silk_problems_collect_errors(const silk_problems *p)
{
    return p != NULL && p->collect_errors;
}

/* The "FILE:LINE:COLUMN: " prefix: the first ":<digits>:<digits>: " after
 * a non-empty file name (or ":<digits>: ", column 0 = unknown).  Returns
 * the length of the file name, or 0. */
static size_t position(const char *message, size_t *line, size_t *column,
                       const char **rest)
{
    for (const char *c = strchr(message, ':'); c != NULL;
         c = strchr(c + 1, ':')) {
        const char *s = c + 1;
        char *end;
        if (c == message || !isdigit((unsigned char)*s))
            continue;
        unsigned long l = strtoul(s, &end, 10);
        if (end[0] == ':' && end[1] == ' ') {
            *line = l;
            *column = 0;
            *rest = end + 2;
            return (size_t)(c - message);
        }
        if (*end != ':' || !isdigit((unsigned char)end[1]))
            continue;
        unsigned long col = strtoul(end + 1, &end, 10);
        if (end[0] != ':' || end[1] != ' ')
            continue;
        *line = l;
        *column = col;
        *rest = end + 2;
        return (size_t)(c - message);
    }
    *line = *column = 0;
    *rest = message;
    return 0;
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.';
}

void silk_problems_kind(const char *message, char *buf, size_t size)
{
    size_t line, column, o = 0;
    const char *m;
    position(message, &line, &column, &m);
    const char *semicolon = strstr(m, "; ");
    const char *end = semicolon ? semicolon : m + strlen(m);
    /* "'x' in column 'y' is ...": the value differs row by row, the rest
     * names the kind. */
    if (m[0] == '\'') {
        const char *in = strstr(m + 1, "' in ");
        if (in != NULL && in < end)
            m = in + 5;
    }
    bool quoted = false;
    for (const char *c = m; c < end && o + 2 < size; c++) {
        if (*c == '\'') {
            quoted = !quoted;
        } else if (!quoted && *c == '(') {
            /* asides such as "(also column 4)" or "(byte 0xc3)" */
            int depth = 0;
            for (; c < end; c++) {
                depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
                if (depth == 0)
                    break;
            }
            while (o > 0 && buf[o - 1] == ' ')
                o--;
            if (c == end)
                break;
            continue;
        } else if (!quoted && isdigit((unsigned char)*c) &&
                   (c == m ||
                    !(word_char(c[-1]) ||
                      (c[-1] == '-' && c - 1 > m &&
                       isalpha((unsigned char)c[-2]))))) {
            /* a number (line 7, 3 fields, 0x1f): N, so rows group */
            while (c + 1 < end && word_char(c[1]))
                c++;
            buf[o++] = 'N';
            continue;
        }
        buf[o++] = *c;
    }
    while (o > 0 && buf[o - 1] == ' ')
        o--;
    buf[o] = '\0';
}

static size_t file_order(silk_problems *p, const char *file, size_t len,
                         const char **name)
{
    *name = "";
    if (len == 0)
        return SIZE_MAX;
    for (size_t f = 0; f < p->n_files; f++)
        if (strlen(p->files[f]) == len && memcmp(p->files[f], file, len) == 0) {
            *name = p->files[f];
            return f;
        }
    char *copy = strndup(file, len);
    if (copy == NULL ||
        silk_grow((void **)&p->files, &p->cap_files, p->n_files + 1,
             sizeof *p->files) != SILK_OK) {
        free(copy);
        return SIZE_MAX;
    }
    p->files[p->n_files] = copy;
    *name = copy;
    return p->n_files++;
}

static group *find_group(silk_problems *p, silk_severity severity,
                         const char *kind)
{
    for (size_t g = 0; g < p->n_groups; g++)
        if (p->groups[g].severity == severity &&
            strcmp(p->groups[g].kind, kind) == 0)
            return &p->groups[g];
    return NULL;
}

static group *new_group(silk_problems *p, silk_severity severity,
                        const char *kind)
{
    char *copy = strdup(kind);
    size_t cap = p->cap_groups;
    if (copy == NULL ||
        silk_grow((void **)&p->groups, &p->cap_groups, p->n_groups + 1,
             sizeof *p->groups) != SILK_OK) {
        free(copy);
        return NULL;
    }
    if (p->cap_groups != cap) {
        size_t *order = realloc(p->order, p->cap_groups * sizeof *order);
        if (order == NULL) {
            free(copy);
            return NULL;
        }
        p->order = order;
    }
    /* errors before warnings, each in order of first appearance */
    size_t at = p->n_groups;
    if (severity == SILK_SEVERITY_ERROR)
        while (at > 0 && p->groups[p->order[at - 1]].severity != severity)
            at--;
    memmove(p->order + at + 1, p->order + at,
            (p->n_groups - at) * sizeof *p->order);
    p->order[at] = p->n_groups;
    group *g = &p->groups[p->n_groups++];
    memset(g, 0, sizeof *g);
    g->kind = copy;
    g->severity = severity;
    return g;
}

static bool before(const entry *a, const entry *b)
{
    if (a->file_order != b->file_order)
        return a->file_order < b->file_order;
    if (a->problem.line != b->problem.line)
        return a->problem.line < b->problem.line;
    return a->problem.column < b->problem.column;
}

int silk_problems_add(silk_problems *p, silk_severity severity, int code,
                      const char *kind, const char *message, silk_error *err)
{
    char derived[SILK_MESSAGE_MAX];
    severity = severity == SILK_SEVERITY_ERROR ? SILK_SEVERITY_ERROR
                                               : SILK_SEVERITY_WARNING;
    p->count[severity]++;
    if (kind == NULL) {
        silk_problems_kind(message, derived, sizeof derived);
        kind = derived;
    }
    group *g = find_group(p, severity, kind);
    if (g == NULL && p->kinds[severity] >= SILK_PROBLEMS_GROUPS) {
        kind = "other problems";
        g = find_group(p, severity, kind);
    }
    if (g == NULL) {
        g = new_group(p, severity, kind);
        if (g == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        if (strcmp(kind, "other problems") != 0)
            p->kinds[severity]++;
    }
    g->total++;
    if (g->n_items == SILK_PROBLEMS_LISTED)
        return SILK_OK; /* counted, not listed: memory stays bounded */

    entry e;
    const char *rest;
    size_t file_len = position(message, &e.problem.line, &e.problem.column,
                               &rest);
    e.file_order = file_order(p, message, file_len, &e.problem.file);
    e.problem.severity = severity;
    e.problem.code = severity == SILK_SEVERITY_ERROR ? code : SILK_OK;
    e.problem.message = strdup(rest);
    if (e.problem.message == NULL ||
        silk_grow((void **)&g->items, &g->cap_items, g->n_items + 1,
             sizeof *g->items) != SILK_OK) {
        free((char *)e.problem.message);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    /* Problems mostly arrive in order: the insertion walks back rarely. */
    size_t at = g->n_items;
    while (at > 0 && before(&e, &g->items[at - 1]))
        at--;
    memmove(g->items + at + 1, g->items + at,
            (g->n_items - at) * sizeof *g->items);
    g->items[at] = e;
    g->n_items++;
    return SILK_OK;
}

size_t silk_problems_error_count(const silk_problems *p)
{
    return p ? p->count[SILK_SEVERITY_ERROR] : 0;
}

size_t silk_problems_warning_count(const silk_problems *p)
{
    return p ? p->count[SILK_SEVERITY_WARNING] : 0;
}

size_t silk_problems_group_count(const silk_problems *p)
{
    return p ? p->n_groups : 0;
}

static const group *nth(const silk_problems *p, size_t i)
{
    return p != NULL && i < p->n_groups ? &p->groups[p->order[i]] : NULL;
}

const char *silk_problems_group_kind(const silk_problems *p, size_t i)
{
    const group *g = nth(p, i);
    return g ? g->kind : NULL;
}

silk_severity silk_problems_group_severity(const silk_problems *p, size_t i)
{
    const group *g = nth(p, i);
    return g ? g->severity : SILK_SEVERITY_ERROR;
}

size_t silk_problems_group_total(const silk_problems *p, size_t i)
{
    const group *g = nth(p, i);
    return g ? g->total : 0;
}

size_t silk_problems_group_listed(const silk_problems *p, size_t i)
{
    const group *g = nth(p, i);
    return g ? g->n_items : 0;
}

const silk_problem *silk_problems_get(const silk_problems *p, size_t i,
                                      size_t k)
{
    const group *g = nth(p, i);
    return g != NULL && k < g->n_items ? &g->items[k].problem : NULL;
}

/* ---- the formats' doors (format.h) ---- */

int silk_ingest_record_problem(const silk_ingest_options *opt, int status,
                               silk_error *err)
{
    char message[SILK_MESSAGE_MAX];
    /* out of memory is never a property of the row: always fatal */
    if (status == SILK_ENOMEM || opt == NULL ||
        !silk_problems_collect_errors(opt->problems))
        return status;
    snprintf(message, sizeof message, "%s", err->message);
    silk_error_clear(err);
    return silk_problems_add(opt->problems, SILK_SEVERITY_ERROR, status, NULL,
                             message, err);
}

void silk_ingest_warning(const silk_ingest_options *opt, const char *fmt, ...)
{
    char message[SILK_MESSAGE_MAX];
    va_list ap;
    if (opt == NULL || opt->problems == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* a warning that cannot be listed is still counted */
    silk_problems_add(opt->problems, SILK_SEVERITY_WARNING, SILK_OK, NULL,
                      message, NULL);
}

/* ---- row-level sanity checks (problems.h) ---- */

bool silk_ingest_year_range(const silk_ingest_options *opt, int *lo,
                            int *hi)
{
    if (opt == NULL || opt->problems == NULL)
        return false;
    *lo = PLAUSIBLE_YEAR_MIN;
    *hi = opt->problems->latest_year;
    return true;
}

void silk_ingest_check_year(const silk_ingest_options *opt, const char *path,
                            size_t line, size_t column,
                            const char *column_name, const char *text,
                            size_t len, silk_period period)
{
    char shown[80];
    if (opt == NULL || opt->problems == NULL)
        return;
    if (period.year < PLAUSIBLE_YEAR_MIN)
        silk_ingest_warning(opt,
                            "%s:%zu:%zu: '%s' in column '%s' is an "
                            "implausible year; expected %d or later",
                            path, line, column,
                            silk_ingest_show(text, len, shown, sizeof shown),
                            column_name, PLAUSIBLE_YEAR_MIN);
    else if (period.year > opt->problems->latest_year)
        silk_ingest_warning(opt,
                            "%s:%zu:%zu: '%s' in column '%s' is an "
                            "implausible year; expected at most next year",
                            path, line, column,
                            silk_ingest_show(text, len, shown, sizeof shown),
                            column_name);
}

/* Balances such as net migration (net_migration, the World Bank's
 * SM.POP.NETM) are negative when more people leave than arrive: an
 * indicator whose name contains "net" is not a count. */
bool silk_ingest_is_balance(const char *indicator)
{
    for (const char *c = indicator; *c; c++)
        if (strncasecmp(c, "net", 3) == 0)
            return true;
    return false;
}

void silk_ingest_check_count(const silk_ingest_options *opt, const char *path,
                             size_t line, size_t column,
                             const char *column_name, const char *text,
                             size_t len, const char *indicator,
                             const char *unit, double value)
{
    char shown[80];
    if (opt == NULL || opt->problems == NULL || !(value < 0) || unit == NULL ||
        strcasecmp(unit, "persons") != 0 ||
        (indicator != NULL && silk_ingest_is_balance(indicator)))
        return;
    silk_ingest_warning(opt,
                        "%s:%zu:%zu: '%s' in column '%s' is a negative number "
                        "of persons; check the sign and the unit",
                        path, line, column,
                        silk_ingest_show(text, len, shown, sizeof shown),
                        column_name);
}

/* Indicators of people counted outside their own country, where origin
 * equal to destination cannot be (UNHCR's refugees, asylum seekers,
 * people in a refugee-like situation, other people in need of
 * international protection, resettled and naturalised refugees, refugee
 * returns; DESA's migrant stock).  An indicator matches by its whole name
 * or by the part after its last '.', so flows.refugees and
 * solutions.resettlement match too.  Not listed: idps, returned_idps,
 * idp_returns, stateless, ooc, hst, returned_refugees (population's
 * returnees are reported by the country they returned to). */
static const char *const impossible_same[] = {
    "refugees",     "asylum_seekers", "refugee_like",    "oip",
    "resettlement", "naturalisation", "refugee_returns", "migrant_stock"};

/* UNHCR's unknown and stateless pseudo-codes: UNK -> UNK says nothing
 * about a country. */
static const char *const pseudo_codes[] = {"UNK", "UKN", "XXA", "STA"};

void silk_ingest_check_pair(const silk_ingest_options *opt, const char *path,
                            size_t line, size_t column, const char *indicator,
                            const char *origin, const char *destination,
                            double value)
{
    if (opt == NULL || opt->problems == NULL || destination == NULL ||
        isnan(value) || value == 0 || strcmp(origin, destination) != 0)
        return;
    for (size_t i = 0; i < sizeof pseudo_codes / sizeof *pseudo_codes; i++)
        if (strcmp(origin, pseudo_codes[i]) == 0)
            return;
    const char *dot = strrchr(indicator, '.');
    const char *last = dot ? dot + 1 : indicator;
    size_t i, n = sizeof impossible_same / sizeof *impossible_same;
    for (i = 0; i < n; i++)
        if (strcmp(indicator, impossible_same[i]) == 0 ||
            strcmp(last, impossible_same[i]) == 0)
            break;
    if (i == n)
        return;
    silk_ingest_warning(opt,
                        "%s:%zu:%zu: origin and destination are the same "
                        "(%s), which is impossible for indicator '%s'; "
                        "expected people counted outside their own country "
                        "(only IDPs stay in it)",
                        path, line, column, origin, indicator);
}

/* ---- series-level sanity checks ---- */

/* Where the cell was read, as a message prefix ("" when unknown);
 * false when the batch does not know the cell. */
static bool cell_position(const silk_batch *batch, size_t i,
                          const silk_cube *cube, size_t o, size_t d, size_t p,
                          char *buf, size_t size)
{
    const char *file;
    size_t line, column;
    buf[0] = '\0';
    if (silk_batch_cell_source(batch, i, cube->origin[o],
                               cube->destination[d], cube->period[p], &file,
                               &line, &column) != SILK_OK)
        return false;
    if (column > 0)
        snprintf(buf, size, "%s:%zu:%zu: ", file, line, column);
    else
        snprintf(buf, size, "%s:%zu: ", file, line);
    return true;
}

/* from_batch_only: a cube that holds the store's cells too (the commit's
 * merged one) reports only jumps at cells this run read; the others were
 * reported when they were ingested. */
/* +1 when v is JUMP_FACTOR times above both neighbours a and b, -1
 * when as many times below, else 0 (also when one of them is zero);
 * *factor says how many times.  Inline: scan tests every cell. */
static inline int jump_test(double a, double v, double b, double *factor)
{
    double fa = fabs(a), fb = fabs(b), fv = fabs(v);
    double lo = fa < fb ? fa : fb, hi = fa < fb ? fb : fa;
    if (v == 0 || lo == 0)
        return 0;
    if (fv >= JUMP_FACTOR * hi) {
        *factor = fv / hi;
        return 1;
    }
    if (fv * JUMP_FACTOR <= lo) {
        *factor = lo / fv;
        return -1;
    }
    return 0;
}

/* The warning for the value at `at`, which jump_test found `dir` times
 * `factor` off its neighbours at prev and next. */
static void jump(const silk_ingest_options *opt, const silk_batch *batch,
                 size_t i, const silk_cube *cube, size_t o, size_t d,
                 size_t prev, size_t at, size_t next, int dir, double factor,
                 bool from_batch_only)
{
    double v = cube->value[silk_cube_index(cube, o, d, at)];
    double a = cube->value[silk_cube_index(cube, o, d, prev)];
    double b = cube->value[silk_cube_index(cube, o, d, next)];
    char pa[SILK_PERIOD_LABEL_MAX], pv[SILK_PERIOD_LABEL_MAX],
        pb[SILK_PERIOD_LABEL_MAX], message[SILK_MESSAGE_MAX];
    const char *verb = dir > 0 ? "jumps" : "drops";

    silk_period_format(cube->period[prev], pa);
    silk_period_format(cube->period[at], pv);
    silk_period_format(cube->period[next], pb);
    const char *dest = cube->destination[d];
    char where[PATH_POSITION_MAX];
    if (!cell_position(batch, i, cube, o, d, at, where, sizeof where) &&
        from_batch_only)
        return;
    snprintf(message, sizeof message,
             "%sindicator %s, %s -> %s, period %s: %.15g %s from %.15g in %s "
             "and %.15g in %s (%s%.0f); check for a unit or typing error",
             where, cube->indicator, cube->origin[o], dest[0] ? dest : "-",
             pv, v, verb, a, pa, b, pb, dir > 0 ? "x" : "1/", factor);
    silk_problems_add(opt->problems, SILK_SEVERITY_WARNING, SILK_OK,
                      "a value 1000 times above or below both neighbours in "
                      "its series",
                      message, NULL);
}

static void scan(const silk_batch *batch, size_t i, const silk_cube *cube,
                 const silk_ingest_options *opt, bool from_batch_only)
{
    for (size_t o = 0; o < cube->n_origin; o++)
        for (size_t d = 0; d < cube->n_destination; d++) {
            const double *row = cube->value + silk_cube_index(cube, o, d, 0);
            /* the last two non-missing periods before p */
            size_t prev = SIZE_MAX, at = SIZE_MAX;
            for (size_t p = 0; p < cube->n_period; p++) {
                if (isnan(row[p]))
                    continue;
                double factor;
                int dir = prev == SIZE_MAX
                              ? 0
                              : jump_test(row[prev], row[at], row[p], &factor);
                if (dir != 0)
                    jump(opt, batch, i, cube, o, d, prev, at, p, dir, factor,
                         from_batch_only);
                prev = at;
                at = p;
            }
        }
}

void silk_ingest_sanity_cube(const silk_batch *batch, size_t i,
                             const silk_cube *cube,
                             const silk_ingest_options *opt)
{
    if (opt != NULL && opt->problems != NULL)
        scan(batch, i, cube, opt, true);
}

int silk_ingest_sanity(const silk_batch *batch, const silk_ingest_options *opt,
                       silk_error *err)
{
    if (opt == NULL || opt->problems == NULL)
        return SILK_OK;
    for (size_t i = 0; i < silk_batch_indicator_count(batch); i++) {
        silk_cube *cube = NULL;
        int status = silk_batch_cube(batch, i, &cube, err);
        if (status != SILK_OK)
            return status;
        scan(batch, i, cube, opt, false);
        silk_cube_free(cube);
    }
    return SILK_OK;
}
