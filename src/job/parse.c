/*
 * parse.c: job files.  inih reads the INI syntax (the only file that
 * includes <ini.h>); this file checks what the sections and keys mean:
 * section types and names, the keys each step accepts (the tables below,
 * which mirror the options of each command), repeats, flags, goals and
 * required keys, each error placed at its file and line.
 *
 * inih details that matter here:
 *   - Debian builds inih with INI_HANDLER_LINENO, so the handler gets the
 *     line of each key; its other settings are run-time globals there,
 *     set in configure() (long lines: the default 200-byte line buffer
 *     would cut a long subtitle into a bogus second line).
 *   - A section with no keys never reaches the handler, and two sections
 *     of the same name reach it as one.  The reader below therefore
 *     notes the line of every `[` line, so an empty or repeated section
 *     is still reported at its header.
 *   - An indented line continues the previous key's value (as in
 *     Python's configparser): joined with a space, so an intro can span
 *     lines.  The reader tells a continuation from a repeated key.
 *   - `;` after whitespace starts a comment; `#` and `;` at the start of
 *     a line do too.
 */
#define INI_HANDLER_LINENO 1
#include <ini.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/memory.h"
#include "job/job.h"

#define JOB_FILE_MAX (1024 * 1024) /* a job file is a page of text */
#define NAME_MAX_LEN 64
#define LINE_MAX_LEN 65536 /* longer lines are an error at their line */

/* ------------------------------------------------------------------ */
/* Goals and kinds                                                     */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name, *title, *needs;
} goals[SILK_GOAL_COUNT] = {
    {"overview", "The five countries side by side", ""},
    {"irregular", "Irregular migration and migrant smuggling",
     "detections of irregular border crossings and stays (Frontex, national "
     "border police) and smuggling cases by route"},
    {"legal", "Legal migration and labour mobility",
     "first residence and work permits by reason (Eurostat migr_resfirst) "
     "and the five's own emigration registers (Bangladesh's BMET, "
     "Pakistan's BE&OE)"},
    {"return", "Return, readmission and reintegration",
     "orders to leave and returns by country of return (Eurostat "
     "migr_eiord and migr_eirtn) and assisted voluntary returns (IOM AVRR)"},
    {"development", "Migration and development",
     "remittances by sending country and their cost (World Bank bilateral "
     "remittance matrix, Remittance Prices Worldwide)"},
    {"protection", "International protection",
     "asylum applications and decisions by country of origin and of asylum "
     "(UNHCR, Eurostat migr_asyappctza and migr_asydcfsta)"},
    {"integration", "Integration",
     "outcomes of migrants from the five in their host countries: "
     "employment, education, language (OECD/EU Indicators of Immigrant "
     "Integration, Eurostat migr_integration)"},
};

const char *silk_goal_name(silk_goal goal)
{
    return (unsigned)goal < SILK_GOAL_COUNT ? goals[goal].name : "?";
}

const char *silk_goal_title(silk_goal goal)
{
    return (unsigned)goal < SILK_GOAL_COUNT ? goals[goal].title : "?";
}

const char *silk_goal_needs(silk_goal goal)
{
    return (unsigned)goal < SILK_GOAL_COUNT ? goals[goal].needs : "";
}

int silk_goal_parse(const char *name, silk_goal *out)
{
    for (int g = 0; g < SILK_GOAL_COUNT; g++)
        if (strcmp(name, goals[g].name) == 0) {
            *out = (silk_goal)g;
            return SILK_OK;
        }
    return SILK_EINVAL;
}

static const char *const kind_names[] = {"ingest",   "compute", "chart",
                                         "trend",    "forecast", "results",
                                         "report"};

const char *silk_step_kind_name(silk_step_kind kind)
{
    return (unsigned)kind <= SILK_STEP_REPORT ? kind_names[kind] : "?";
}

const char *job_command(silk_step_kind kind)
{
    return silk_step_kind_name(kind);
}

/* ------------------------------------------------------------------ */
/* The keys of each section type                                       */
/* ------------------------------------------------------------------ */

/* Options shared by the commands that select series. */
#define SELECTION                                                         \
    {"origin", "origin", 0}, {"destination", "destination", 0},          \
        {"from", "from", 0}, {"to", "to", 0},                             \
        {"where", "where", KEY_REPEAT},                                   \
        {"countries", "countries", KEY_PATH},                             \
        {"groups", "groups", KEY_PATH}

/* What the report reads from a chart or table section. */
#define REPORT_KEYS                                                       \
    {"goal", NULL, KEY_JOB | KEY_REQUIRED}, {"note", NULL, KEY_JOB}

static const job_key ingest_keys[] = {
    {"file", NULL, KEY_POSITIONAL | KEY_REPEAT | KEY_REQUIRED | KEY_PATH},
    {"format", "format", 0},
    {"indicator", "indicator", KEY_REPEAT},
    {"column", "column", KEY_REPEAT},
    {"value-columns", "value-columns", 0},
    {"periods-as-columns", "periods-as-columns", KEY_FLAG},
    {"delimiter", "delimiter", 0},
    {"countries", "countries", KEY_PATH},
    {"groups", "groups", KEY_PATH},
    {NULL, NULL, 0}};

static const job_key compute_keys[] = {
    {"module", NULL, KEY_POSITIONAL | KEY_REQUIRED},
    {"param", "param", KEY_REPEAT},
    {"input", "input", KEY_REPEAT},
    {"as", "as", 0},
    SELECTION,
    {"total", "total", KEY_FLAG},
    /* a module's shared object: `module` names the module itself */
    {"load", "module", KEY_REPEAT | KEY_PATH},
    {NULL, NULL, 0}};

static const job_key chart_keys[] = {
    REPORT_KEYS,
    /* the sentence of key figures: "Afghan refugees in {label}" */
    {"about", NULL, KEY_JOB},
    {"title", "title", KEY_REQUIRED},
    {"type", "type", 0},
    {"indicator", "indicator", KEY_REQUIRED},
    SELECTION,
    {"subtitle", "subtitle", 0},
    {"source", "source", 0},
    {"mark", "mark", KEY_REPEAT},
    {"total", "total", KEY_FLAG},
    {"no-trend", "no-trend", KEY_FLAG},
    {"band", "band", KEY_FLAG},
    {"period", "period", 0},
    {"periods", "periods", 0},
    {"top", "top", 0},
    {"by", "by", 0},
    {"log", "log", KEY_FLAG},
    {"horizon", "horizon", 0},
    {"alpha", "alpha", 0},
    {"beta", "beta", 0},
    {"phi", "phi", 0},
    {NULL, NULL, 0}};

static const job_key trend_keys[] = {
    REPORT_KEYS,
    {"title", NULL, KEY_JOB | KEY_REQUIRED},
    {"indicator", "indicator", 0},
    SELECTION,
    {"method", "method", 0},
    {"break", "break", KEY_REPEAT},
    {NULL, NULL, 0}};

static const job_key forecast_keys[] = {
    REPORT_KEYS,
    {"title", NULL, KEY_JOB | KEY_REQUIRED},
    {"indicator", "indicator", KEY_REQUIRED},
    SELECTION,
    {"horizon", "horizon", 0},
    {"alpha", "alpha", 0},
    {"beta", "beta", 0},
    {"phi", "phi", 0},
    {NULL, NULL, 0}};

static const job_key results_keys[] = {
    REPORT_KEYS,
    {"title", NULL, KEY_JOB | KEY_REQUIRED},
    {"table", NULL, KEY_POSITIONAL | KEY_REQUIRED},
    {NULL, NULL, 0}};

static const job_key no_keys[] = {{NULL, NULL, 0}};

static const job_key job_section_keys[] = {
    {"title", NULL, 0},  {"subtitle", NULL, 0},
    {"store", NULL, KEY_REQUIRED}, {"out", NULL, KEY_REQUIRED},
    {"root", NULL, 0},   {NULL, NULL, 0}};

const job_key *job_keys(silk_step_kind kind)
{
    switch (kind) {
    case SILK_STEP_INGEST: return ingest_keys;
    case SILK_STEP_COMPUTE: return compute_keys;
    case SILK_STEP_CHART: return chart_keys;
    case SILK_STEP_TREND: return trend_keys;
    case SILK_STEP_FORECAST: return forecast_keys;
    case SILK_STEP_RESULTS: return results_keys;
    case SILK_STEP_REPORT: return no_keys;
    }
    return no_keys;
}

const job_key *job_key_find(const job_key *table, const char *key)
{
    for (; table->key != NULL; table++)
        if (strcmp(table->key, key) == 0)
            return table;
    return NULL;
}

const char *silk_job_key_name(silk_step_kind kind, size_t i,
                              const char **option)
{
    const job_key *table = job_keys(kind);
    for (size_t k = 0; k < i; k++)
        if (table[k].key == NULL)
            return NULL;
    if (option != NULL)
        *option = table[i].option;
    return table[i].key;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

enum section_type { SEC_NONE, SEC_JOB, SEC_STEP, SEC_TEXT };

typedef struct parser {
    silk_job *job;
    const char *path;
    silk_error *err;
    int status; /* first error; later lines are not looked at */
    /* The reader's view of the text */
    const char *text;
    size_t len, pos;
    size_t line;         /* of the line being read, 1-based */
    bool at_line_start;  /* the next byte read starts a line */
    bool indented;       /* the current line starts with a blank */
    size_t header_line;  /* last line starting with '[' */
    size_t long_line;    /* first line longer than the buffer */
    size_t line_bytes;   /* of the current line, read so far */
    size_t *headers;     /* every such line */
    size_t n_headers, cap_headers;
    /* The section being filled */
    char *section;       /* inih's section text */
    size_t section_header; /* header line it started at */
    enum section_type type;
    silk_job_step *step;   /* SEC_STEP */
    int text_goal;         /* SEC_TEXT */
    bool job_seen;
    size_t job_line;
    size_t cap_steps;
    size_t *section_lines; /* header lines that produced a section */
    size_t n_sections, cap_sections;
    /* The previous key, for continuation lines */
    char *last_key;
    char **last_value; /* where its value lives */
} parser;

static int fail(parser *p, int code, size_t line, const char *fmt, ...)
    SILK_PRINTF(4, 5);

static int fail(parser *p, int code, size_t line, const char *fmt, ...)
{
    if (p->status != SILK_OK)
        return 0;
    char msg[SILK_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->status = silk_error_set(p->err, code, "%s:%zu: %s", p->path, line, msg);
    return 0;
}

/* fgets over the text in memory, noting where lines start. */
static char *reader(char *str, int num, void *stream)
{
    parser *p = stream;
    if (p->pos >= p->len || num < 2)
        return NULL;
    if (p->at_line_start) {
        p->line++;
        p->line_bytes = 0;
        size_t at = p->pos;
        /* inih skips a UTF-8 BOM before the first line; so do we */
        if (p->line == 1 && p->len - at >= 3 &&
            memcmp(p->text + at, "\xEF\xBB\xBF", 3) == 0)
            at += 3;
        char c = at < p->len ? p->text[at] : '\n';
        p->indented = c == ' ' || c == '\t';
        if (c == '[') {
            p->header_line = p->line;
            if (silk_grow((void **)&p->headers, &p->cap_headers,
                          p->n_headers + 1, sizeof *p->headers) == SILK_OK)
                p->headers[p->n_headers++] = p->line;
        }
    }
    size_t n = 0;
    while (n < (size_t)num - 1 && p->pos < p->len) {
        char c = p->text[p->pos++];
        str[n++] = c;
        if (c == '\n')
            break;
    }
    str[n] = '\0';
    p->at_line_start = n > 0 && str[n - 1] == '\n';
    p->line_bytes += n;
    /* inih grows its buffer and reads on, up to ini_max_line; past that
     * it would take the rest of the line as a line of its own */
    if (!p->at_line_start && p->line_bytes >= LINE_MAX_LEN + 2 &&
        p->pos < p->len && p->long_line == 0)
        p->long_line = p->line;
    return str;
}

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > NAME_MAX_LEN || name[0] == '-')
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool reserved(const char *name)
{
    static const char *const words[] = {"briefing", "figures", "index",
                                        "ingest", "report", "logs"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(name, words[i]) == 0)
            return true;
    return false;
}

static const char *type_list =
    "job, ingest, compute, chart, trend, forecast, results or section";

/* Starts the section inih calls `section` (header at p->header_line). */
static int open_section(parser *p, const char *section)
{
    size_t line = p->header_line;
    free(p->section);
    p->section = strdup(section);
    p->section_header = line;
    p->step = NULL;
    p->type = SEC_NONE;
    free(p->last_key);
    p->last_key = NULL;
    if (p->section == NULL ||
        silk_grow((void **)&p->section_lines, &p->cap_sections,
                  p->n_sections + 1, sizeof *p->section_lines) != SILK_OK)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    p->section_lines[p->n_sections++] = line;

    /* "chart afghan-refugees": the type, blanks, the name */
    char type[32];
    size_t tl = strcspn(section, " \t");
    const char *name = section + tl;
    name += strspn(name, " \t");
    if (tl == 0 || tl >= sizeof type)
        return fail(p, SILK_EPARSE, line,
                    "section [%s]: unknown section type; expected %s",
                    section, type_list);
    memcpy(type, section, tl);
    type[tl] = '\0';

    if (strcmp(type, "job") == 0 || strcmp(type, "ingest") == 0) {
        if (*name != '\0')
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: [%s] takes no name", section, type);
    }
    if (strcmp(type, "job") == 0) {
        if (p->job_seen)
            return fail(p, SILK_EPARSE, line,
                        "section [job] repeated (first at line %zu)",
                        p->job_line);
        p->job_seen = true;
        p->job_line = line;
        p->type = SEC_JOB;
        return 1;
    }
    if (strcmp(type, "section") == 0) {
        silk_goal g;
        if (silk_goal_parse(name, &g) != SILK_OK)
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: '%s' is not a goal; expected "
                        "overview, irregular, legal, return, development, "
                        "protection or integration",
                        section, name);
        if (p->job->section_line[g] != 0)
            return fail(p, SILK_EPARSE, line,
                        "section [%s] repeated (first at line %zu)", section,
                        p->job->section_line[g]);
        p->job->section_line[g] = line;
        p->type = SEC_TEXT;
        p->text_goal = (int)g;
        return 1;
    }
    int kind = -1;
    for (int k = SILK_STEP_INGEST; k < SILK_STEP_REPORT; k++)
        if (strcmp(type, kind_names[k]) == 0)
            kind = k;
    if (kind < 0)
        return fail(p, SILK_EPARSE, line,
                    "section [%s]: unknown section type '%s'; expected %s",
                    section, type, type_list);
    const char *step_name = kind == SILK_STEP_INGEST ? "ingest" : name;
    if (kind != SILK_STEP_INGEST) {
        if (*step_name == '\0')
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: a %s needs a name, as in [%s NAME]",
                        section, type, type);
        if (!name_ok(step_name))
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: name '%s' must be 1-%d lowercase "
                        "letters, digits and '-' ([a-z0-9-]+, not starting "
                        "with '-'): it names the output files",
                        section, step_name, NAME_MAX_LEN);
        if (reserved(step_name))
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: name '%s' is reserved for the pack's "
                        "own files",
                        section, step_name);
    }
    for (size_t i = 0; i < p->job->n_steps; i++)
        if (strcmp(p->job->steps[i].name, step_name) == 0)
            return fail(p, SILK_EPARSE, line,
                        "section [%s]: name '%s' already used by the "
                        "section at line %zu",
                        section, step_name, p->job->steps[i].line);
    if (silk_grow((void **)&p->job->steps, &p->cap_steps,
                  p->job->n_steps + 1, sizeof *p->job->steps) != SILK_OK)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    silk_job_step *s = &p->job->steps[p->job->n_steps];
    memset(s, 0, sizeof *s);
    s->kind = (silk_step_kind)kind;
    s->line = line;
    s->goal = -1;
    s->name = strdup(step_name);
    if (s->name == NULL)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    p->job->n_steps++;
    p->step = s;
    p->type = SEC_STEP;
    return 1;
}

static int set_string(parser *p, char **slot, const char *value, size_t line,
                      const char *key)
{
    if (*slot != NULL)
        return fail(p, SILK_EPARSE, line,
                    "[%s] key '%s' given twice; it takes one value",
                    p->section, key);
    *slot = strdup(value);
    if (*slot == NULL)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    p->last_value = slot;
    return 1;
}

static int add_setting(parser *p, const job_key *spec, const char *key,
                       const char *value, size_t line)
{
    silk_job_step *s = p->step;
    if (!(spec->flags & KEY_REPEAT))
        for (size_t i = 0; i < s->n_settings; i++)
            if (strcmp(s->settings[i].key, key) == 0)
                return fail(p, SILK_EPARSE, line,
                            "[%s] key '%s' given twice (first at line %zu); "
                            "it takes one value",
                            p->section, key, s->settings[i].line);
    if (spec->flags & KEY_FLAG) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(p, SILK_EPARSE, line,
                        "[%s] key '%s' is a switch: expected yes or no, got "
                        "'%s'",
                        p->section, key, value);
    }
    if (strcmp(key, "goal") == 0) {
        silk_goal g;
        if (silk_goal_parse(value, &g) != SILK_OK)
            return fail(p, SILK_EPARSE, line,
                        "[%s] goal '%s' is not one of overview, irregular, "
                        "legal, return, development, protection, integration",
                        p->section, value);
        s->goal = (int)g;
    }
    size_t cap = s->n_settings; /* grown exactly: sections are short */
    silk_job_setting *grown =
        realloc(s->settings, (cap + 1) * sizeof *s->settings);
    if (grown == NULL)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    s->settings = grown;
    silk_job_setting *set = &s->settings[s->n_settings];
    set->key = strdup(key);
    set->value = strdup(value);
    set->line = line;
    if (set->key == NULL || set->value == NULL) {
        free(set->key);
        free(set->value);
        return fail(p, SILK_ENOMEM, line, "out of memory");
    }
    s->n_settings++;
    p->last_value = &set->value;
    return 1;
}

/* Appends a continuation line to the previous key's value. */
static int continue_value(parser *p, const char *value, size_t line)
{
    char *old = *p->last_value;
    size_t n = strlen(old), m = strlen(value);
    char *joined = malloc(n + m + 2);
    if (joined == NULL)
        return fail(p, SILK_ENOMEM, line, "out of memory");
    memcpy(joined, old, n);
    size_t at = n;
    if (n > 0 && m > 0)
        joined[at++] = ' ';
    memcpy(joined + at, value, m + 1);
    free(old);
    *p->last_value = joined;
    return 1;
}

static int handler(void *user, const char *section, const char *key,
                   const char *value, int lineno)
{
    parser *p = user;
    size_t line = (size_t)lineno;
    if (p->status != SILK_OK)
        return 0;
    if (section[0] == '\0')
        return fail(p, SILK_EPARSE, line,
                    "key '%s' before any section; start with [job]", key);
    /* A new section, or the same name again under a new header. */
    if (p->section == NULL || strcmp(section, p->section) != 0 ||
        p->header_line != p->section_header) {
        if (!open_section(p, section))
            return 0;
    }
    if (p->last_key != NULL && p->indented &&
        strcmp(p->last_key, key) == 0)
        return continue_value(p, value, line);
    free(p->last_key);
    p->last_key = strdup(key);
    if (p->last_key == NULL)
        return fail(p, SILK_ENOMEM, line, "out of memory");

    switch (p->type) {
    case SEC_JOB: {
        const job_key *spec = job_key_find(job_section_keys, key);
        silk_job *job = p->job;
        char **slot = NULL;
        if (spec == NULL)
            return fail(p, SILK_EPARSE, line,
                        "[job] unknown key '%s'; expected title, subtitle, "
                        "store, out or root",
                        key);
        if (strcmp(key, "title") == 0)
            slot = &job->title;
        else if (strcmp(key, "subtitle") == 0)
            slot = &job->subtitle;
        else if (strcmp(key, "store") == 0)
            slot = &job->store;
        else if (strcmp(key, "out") == 0)
            slot = &job->out;
        else
            slot = &job->base; /* root, resolved after the parse */
        return set_string(p, slot, value, line, key);
    }
    case SEC_TEXT: {
        if (strcmp(key, "intro") == 0)
            return set_string(p, &p->job->intro[p->text_goal], value, line,
                              key);
        if (strcmp(key, "needs") == 0)
            return set_string(p, &p->job->needs[p->text_goal], value, line,
                              key);
        return fail(p, SILK_EPARSE, line,
                    "[%s] unknown key '%s'; expected intro or needs",
                    p->section, key);
    }
    case SEC_STEP: {
        const job_key *table = job_keys(p->step->kind);
        const job_key *spec = job_key_find(table, key);
        if (spec == NULL) {
            char list[1024];
            size_t used = 0;
            list[0] = '\0';
            for (const job_key *k = table; k->key != NULL; k++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 used ? ", " : "", k->key);
                if (w < 0 || (size_t)w >= sizeof list - used)
                    break;
                used += (size_t)w;
            }
            return fail(p, SILK_EPARSE, line,
                        "[%s] unknown key '%s'; a %s section takes %s",
                        p->section, key,
                        silk_step_kind_name(p->step->kind), list);
        }
        return add_setting(p, spec, key, value, line);
    }
    case SEC_NONE: break;
    }
    return 0;
}

/* inih's globals (Debian builds them as variables): a line buffer on the
 * heap that grows up to the longest line a job file may have, stop at the
 * first error. */
static void configure(void)
{
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = LINE_MAX_LEN + 3; /* '\r', '\n' and NUL, as ini.h says */
    ini_stop_on_first_error = true;
    ini_allow_multiline = true;
    ini_allow_inline_comments = true;
}

/* Checks what a section needs once all its keys are read. */
static int check_step(parser *p, const silk_job_step *s)
{
    const job_key *table = job_keys(s->kind);
    for (const job_key *k = table; k->key != NULL; k++) {
        if (!(k->flags & KEY_REQUIRED))
            continue;
        const char *v = silk_job_get(s, k->key);
        if (v == NULL || v[0] == '\0') {
            const char *type = silk_step_kind_name(s->kind);
            if (s->kind == SILK_STEP_INGEST)
                return fail(p, SILK_EPARSE, s->line,
                            "[ingest] missing required key '%s'", k->key);
            return fail(p, SILK_EPARSE, s->line,
                        "[%s %s] missing required key '%s'", type, s->name,
                        k->key);
        }
    }
    return 1;
}

/* The absolute folder of the job file. */
static char *job_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL || dir[0] == '/')
        return dir;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        free(dir);
        return NULL;
    }
    char *abs = strcmp(dir, ".") == 0 ? strdup(cwd) : job_join(cwd, dir);
    free(dir);
    return abs;
}

char *job_vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *out = n < 0 ? NULL : malloc((size_t)n + 1);
    if (out != NULL)
        vsnprintf(out, (size_t)n + 1, fmt, again);
    va_end(again);
    return out;
}

char *job_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = job_vformat(fmt, ap);
    va_end(ap);
    return out;
}

char *job_join(const char *a, const char *b)
{
    if (b[0] == '/')
        return strdup(b);
    size_t la = strlen(a), lb = strlen(b);
    char *out = malloc(la + lb + 2);
    if (out == NULL)
        return NULL;
    memcpy(out, a, la);
    size_t at = la;
    if (la > 0 && a[la - 1] != '/')
        out[at++] = '/';
    memcpy(out + at, b, lb + 1);
    return out;
}

/* base = the job's folder joined with root (kept in job->base by the
 * handler), made canonical so children can run in it. */
static int resolve_base(parser *p)
{
    silk_job *job = p->job;
    char *root = job->base;
    job->base = NULL;
    char *folder = job_folder(p->path);
    char *joined = NULL;
    int status = SILK_OK;
    if (folder == NULL) {
        status = silk_error_set(p->err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    joined = root ? job_join(folder, root) : strdup(folder);
    if (joined == NULL) {
        status = silk_error_set(p->err, SILK_ENOMEM, "out of memory");
        goto done;
    }
    char real[PATH_MAX];
    if (realpath(joined, real) != NULL) {
        job->base = strdup(real);
    } else if (root != NULL) {
        status = silk_error_set(p->err, SILK_EIO,
                                "%s:%zu: [job] root '%s' is not a folder: %s",
                                p->path, p->job_line, root, strerror(errno));
        goto done;
    } else {
        job->base = joined; /* a job given as text for a folder not made */
        joined = NULL;
    }
    if (job->base == NULL)
        status = silk_error_set(p->err, SILK_ENOMEM, "out of memory");
done:
    free(root);
    free(folder);
    free(joined);
    return status;
}

static int finish(parser *p)
{
    silk_job *job = p->job;
    /* Headers that produced no section: empty, or a repeat inih merged */
    for (size_t h = 0; h < p->n_headers; h++) {
        bool used = false;
        for (size_t s = 0; s < p->n_sections && !used; s++)
            used = p->section_lines[s] == p->headers[h];
        if (used)
            continue;
        const char *start = p->text;
        for (size_t l = 1; l < p->headers[h]; l++) {
            const char *nl = memchr(start, '\n',
                                    p->len - (size_t)(start - p->text));
            start = nl ? nl + 1 : p->text + p->len;
        }
        size_t n = strcspn(start, "\r\n");
        return silk_error_set(p->err, SILK_EPARSE,
                              "%s:%zu: section %.*s has no keys", p->path,
                              p->headers[h], (int)(n > 200 ? 200 : n), start);
    }
    if (!p->job_seen)
        return silk_error_set(p->err, SILK_EPARSE,
                              "%s:1: missing section [job] (with store and "
                              "out at least)",
                              p->path);
    if (job->store == NULL || job->store[0] == '\0')
        return silk_error_set(p->err, SILK_EPARSE,
                              "%s:%zu: [job] missing required key 'store'",
                              p->path, p->job_line);
    if (job->out == NULL || job->out[0] == '\0')
        return silk_error_set(p->err, SILK_EPARSE,
                              "%s:%zu: [job] missing required key 'out'",
                              p->path, p->job_line);
    for (size_t i = 0; i < job->n_steps; i++)
        if (!check_step(p, &job->steps[i]))
            return p->status;
    if ((job->title == NULL && (job->title = strdup("")) == NULL) ||
        (job->subtitle == NULL && (job->subtitle = strdup("")) == NULL))
        return silk_error_set(p->err, SILK_ENOMEM, "out of memory");
    return resolve_base(p);
}

int silk_job_parse(const char *text, size_t len, const char *path,
                   silk_job **out, silk_error *err)
{
    *out = NULL;
    parser p = {0};
    p.path = path;
    p.err = err;
    p.text = text;
    p.len = len;
    p.at_line_start = true;
    p.job = calloc(1, sizeof *p.job);
    if (p.job == NULL || (p.job->path = strdup(path)) == NULL) {
        free(p.job);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    silk_sha256 sha;
    silk_sha256_init(&sha);
    silk_sha256_update(&sha, text, len);
    silk_sha256_final(&sha, p.job->sha256);

    int status;
    if (memchr(text, '\0', len) != NULL) {
        status = silk_error_set(err, SILK_EPARSE,
                                "%s: holds a NUL byte; expected a text file",
                                path);
        goto done;
    }
    configure();
    int bad = ini_parse_stream(reader, &p, handler, &p);
    if (p.long_line != 0) {
        /* what inih made of the line's rest is no error of the user's */
        silk_error_clear(err);
        status = silk_error_set(err, SILK_EPARSE,
                                "%s:%zu: line longer than %d bytes", path,
                                p.long_line, LINE_MAX_LEN);
    } else if (p.status != SILK_OK) {
        status = p.status;
    } else if (bad == -2) {
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    } else if (bad != 0) {
        status = silk_error_set(err, SILK_EPARSE,
                                "%s:%d: expected '[section]', 'key = value' "
                                "or a comment",
                                path, bad);
    } else {
        status = finish(&p);
    }
done:
    free(p.section);
    free(p.last_key);
    free(p.headers);
    free(p.section_lines);
    if (status != SILK_OK) {
        silk_job_free(p.job);
        return status;
    }
    *out = p.job;
    return SILK_OK;
}

int silk_job_load(const char *path, silk_job **out, silk_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return silk_error_set(err, SILK_EIO, "cannot read job file '%s': %s",
                              path, strerror(errno));
    char *text = malloc(JOB_FILE_MAX + 1);
    if (text == NULL) {
        fclose(f);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    size_t len = fread(text, 1, JOB_FILE_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    int status;
    if (bad)
        status = silk_error_set(err, SILK_EIO, "cannot read job file '%s'",
                                path);
    else if (len > JOB_FILE_MAX)
        status = silk_error_set(err, SILK_EPARSE,
                                "%s: larger than %d bytes; expected a job "
                                "file",
                                path, JOB_FILE_MAX);
    else
        status = silk_job_parse(text, len, path, out, err);
    free(text);
    return status;
}

void silk_job_free(silk_job *job)
{
    if (job == NULL)
        return;
    for (size_t i = 0; i < job->n_steps; i++) {
        silk_job_step *s = &job->steps[i];
        for (size_t k = 0; k < s->n_settings; k++) {
            free(s->settings[k].key);
            free(s->settings[k].value);
        }
        free(s->settings);
        free(s->name);
    }
    free(job->steps);
    for (int g = 0; g < SILK_GOAL_COUNT; g++) {
        free(job->intro[g]);
        free(job->needs[g]);
    }
    free(job->path);
    free(job->base);
    free(job->title);
    free(job->subtitle);
    free(job->store);
    free(job->out);
    free(job);
}

const char *silk_job_get(const silk_job_step *step, const char *key)
{
    for (size_t i = 0; i < step->n_settings; i++)
        if (strcmp(step->settings[i].key, key) == 0)
            return step->settings[i].value;
    return NULL;
}

const silk_job_step *silk_job_find(const silk_job *job, const char *name)
{
    for (size_t i = 0; i < job->n_steps; i++)
        if (strcmp(job->steps[i].name, name) == 0)
            return &job->steps[i];
    return NULL;
}

char *silk_job_resolve(const silk_job *job, const char *path)
{
    return job_join(job->base, path);
}
