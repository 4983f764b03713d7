/*
 * options.c: option parsing and series selection shared by the commands,
 * plus the small output helpers (numbers that read back exactly, JSON and
 * CSV quoting).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const struct option long_options[] = {
    {"store", required_argument, NULL, 's'},
    {"json", no_argument, NULL, 'j'},
    {"indicator", required_argument, NULL, 'i'},
    {"origin", required_argument, NULL, 'o'},
    {"destination", required_argument, NULL, 'd'},
    {"from", required_argument, NULL, 'F'},
    {"to", required_argument, NULL, 'T'},
    {"out", required_argument, NULL, 'O'},
    {"title", required_argument, NULL, 't'},
    {"subtitle", required_argument, NULL, 'u'},
    {"mark", required_argument, NULL, 'm'},
    {"no-trend", no_argument, NULL, 'n'},
    {"countries", required_argument, NULL, 'C'},
    {"groups", required_argument, NULL, 'G'},
    {"format", required_argument, NULL, 'f'},
    {"source", required_argument, NULL, 'S'},
    {"quiet", no_argument, NULL, 'q'},
    {"check", no_argument, NULL, 'K'},
    {"column", required_argument, NULL, 'c'},
    {"value-columns", required_argument, NULL, 'V'},
    {"periods-as-columns", no_argument, NULL, 'P'},
    {"delimiter", required_argument, NULL, 'D'},
    {"total", no_argument, NULL, 'A'},
    {"where", required_argument, NULL, 'W'},
    {"method", required_argument, NULL, 'M'},
    {"break", required_argument, NULL, 'B'},
    {"threads", required_argument, NULL, 'N'},
    {"save", required_argument, NULL, 'Y'},
    {"horizon", required_argument, NULL, 'H'},
    {"fill", required_argument, NULL, 'L'},
    {"moving", required_argument, NULL, 'v'},
    {"alpha", required_argument, NULL, 'a'},
    {"beta", required_argument, NULL, 'b'},
    {"phi", required_argument, NULL, 'p'},
    {"module", required_argument, NULL, 'X'},
    {"param", required_argument, NULL, 'R'},
    {"input", required_argument, NULL, 'I'},
    {"as", required_argument, NULL, 'E'},
    {"type", required_argument, NULL, 256},
    {"period", required_argument, NULL, 257},
    {"periods", required_argument, NULL, 258},
    {"top", required_argument, NULL, 259},
    {"by", required_argument, NULL, 260},
    {"log", no_argument, NULL, 261},
    {"band", no_argument, NULL, 262},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static unsigned option_bit(int c)
{
    switch (c) {
    case 's': return OPT_STORE;
    case 'j': return OPT_JSON;
    case 'i': return OPT_INDICATOR;
    case 'o': return OPT_ORIGIN;
    case 'd': return OPT_DESTINATION;
    case 'F': return OPT_FROM;
    case 'T': return OPT_TO;
    case 'O': return OPT_OUT;
    case 't': return OPT_TITLE;
    case 'u': return OPT_SUBTITLE;
    case 'm': return OPT_MARK;
    case 'n': return OPT_NO_TREND;
    case 'C': return OPT_COUNTRIES;
    case 'G': return OPT_COUNTRIES;
    case 'f': return OPT_FORMAT;
    case 'S': return OPT_SOURCE;
    case 'q': return OPT_QUIET;
    case 'K': return OPT_CHECK;
    case 'c':
    case 'V':
    case 'P':
    case 'D': return OPT_MAPPING;
    case 'A': return OPT_TOTAL;
    case 'W': return OPT_WHERE;
    case 'M': return OPT_METHOD;
    case 'B': return OPT_BREAK;
    case 'N': return OPT_THREADS;
    case 'Y': return OPT_SAVE;
    case 'H':
    case 'a':
    case 'b':
    case 'p': return OPT_HOLT;
    case 'L':
    case 'v': return OPT_SMOOTH;
    case 'X': return OPT_MODULE;
    case 'R':
    case 'I':
    case 'E': return OPT_COMPUTE;
    case 256: case 257: case 258: case 259: case 260: case 261:
    case 262: return OPT_CHART;
    }
    return 0;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("silkstat: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

int cli_fail(const silk_error *err)
{
    fprintf(stderr, "silkstat: %s\n", err->message);
    return err->code == SILK_EINVAL ? EXIT_USAGE : 1;
}

static bool parse_period(const char *text, const char *option,
                         silk_period *out)
{
    if (silk_period_parse(text, strlen(text), out) == SILK_OK)
        return true;
    cli_usage_error("%s '%s' is not a period; expected YYYY, YYYY-Qn or "
                    "YYYY-MM",
                    option, text);
    return false;
}

/* --mark 2025=label: a vertical line at the start of that period. */
static bool parse_mark(const char *text, cli_options *opt)
{
    const char *eq = strchr(text, '=');
    silk_period p;
    size_t len = eq ? (size_t)(eq - text) : strlen(text);
    if (silk_period_parse(text, len, &p) != SILK_OK) {
        cli_usage_error("--mark '%s' must start with a period, as in "
                        "--mark '2025=reclassification'",
                        text);
        return false;
    }
    if (opt->n_marks == MAX_MARKS) {
        cli_usage_error("at most %d --mark options", MAX_MARKS);
        return false;
    }
    opt->marks[opt->n_marks].x = silk_period_decimal_year(p);
    opt->marks[opt->n_marks].label = eq ? eq + 1 : "";
    opt->n_marks++;
    return true;
}

/* --column ROLE=COL, ROLE one of origin, destination, period. */
static bool parse_column(const char *text, cli_options *opt)
{
    const char *eq = strchr(text, '=');
    if (eq != NULL && eq[1] != '\0') {
        size_t len = (size_t)(eq - text);
        if (len == 6 && strncmp(text, "origin", 6) == 0) {
            opt->origin_column = eq + 1;
            return true;
        }
        if (len == 11 && strncmp(text, "destination", 11) == 0) {
            opt->destination_column = eq + 1;
            return true;
        }
        if (len == 6 && strncmp(text, "period", 6) == 0) {
            opt->period_column = eq + 1;
            return true;
        }
    }
    cli_usage_error("--column '%s' is not a mapping; expected origin=COL, "
                    "destination=COL or period=COL",
                    text);
    return false;
}

/* --where COLUMN=V1,V2: the categories whose COLUMN is one of the values.
 * The values live in a copy cut at the commas (released with the
 * options). */
static bool parse_where(const char *text, cli_options *opt)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text || eq[1] == '\0') {
        cli_usage_error("--where '%s' is not a selection; expected "
                        "COLUMN=VALUE[,VALUE...], as in --where dec_level=FI",
                        text);
        return false;
    }
    if (opt->n_where == MAX_WHERE) {
        cli_usage_error("at most %d --where options", MAX_WHERE);
        return false;
    }
    cli_where *w = &opt->where_text[opt->n_where];
    w->copy = strdup(text);
    if (w->copy == NULL) {
        cli_usage_error("out of memory");
        return false;
    }
    w->copy[eq - text] = '\0';
    w->n = 0;
    for (char *v = w->copy + (eq - text) + 1; v != NULL;) {
        char *comma = strchr(v, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*v == '\0' || w->n == MAX_WHERE_VALUES) {
            cli_usage_error("--where '%s': %s", text,
                            *v ? "too many values" : "an empty value");
            free(w->copy);
            return false;
        }
        w->values[w->n++] = v;
        v = comma ? comma + 1 : NULL;
    }
    opt->where[opt->n_where] = (silk_where){w->copy, w->values, w->n};
    opt->n_where++;
    return true;
}

/* --indicator NAME, or for ingest also FILE=NAME (repeatable). */
static bool parse_indicator(const char *text, cli_options *opt)
{
    if (opt->n_indicator_for == MAX_INDICATOR_FOR) {
        cli_usage_error("at most %d --indicator options", MAX_INDICATOR_FOR);
        return false;
    }
    if (strchr(text, '=') == NULL) {
        if (opt->indicator != NULL) {
            cli_usage_error("--indicator '%s' and '%s': expected one NAME "
                            "(name single files with FILE=NAME)",
                            opt->indicator, text);
            return false;
        }
        opt->indicator = text;
        return true;
    }
    opt->indicator_for[opt->n_indicator_for++] = text;
    return true;
}

/* --delimiter ',' ';' or 'tab' (default: detected). */
static bool parse_delimiter(const char *text, cli_options *opt)
{
    if (strcmp(text, ",") == 0 || strcmp(text, ";") == 0) {
        opt->delimiter = text[0];
        return true;
    }
    if (strcmp(text, "tab") == 0 || strcmp(text, "\t") == 0) {
        opt->delimiter = '\t';
        return true;
    }
    cli_usage_error("--delimiter '%s' is not supported; expected ',', ';' or "
                    "tab",
                    text);
    return false;
}

/* --param NAME=VALUE or --input ROLE=INDICATOR: a copy cut at the first
 * '=' (released with the options). */
static bool parse_setting(const char *text, const char *option,
                          const char *expected, silk_module_setting *list,
                          size_t *n, cli_options *opt)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text) {
        cli_usage_error("%s '%s' is not a setting; expected %s", option,
                        text, expected);
        return false;
    }
    if (*n == MAX_SETTINGS) {
        cli_usage_error("at most %d %s options", MAX_SETTINGS, option);
        return false;
    }
    char *copy = strdup(text);
    if (copy == NULL) {
        cli_usage_error("out of memory");
        return false;
    }
    opt->setting_copy[opt->n_setting_copies++] = copy;
    copy[eq - text] = '\0';
    list[(*n)++] = (silk_module_setting){copy, copy + (eq - text) + 1};
    return true;
}

static int parse_options(int argc, char **argv, unsigned allowed,
                         const char *usage, cli_options *opt)
{
    opt->store = silk_store_default_path();
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (c == 'h') {
            printf("%s", usage);
            return 0;
        }
        if (c == '?' || c == ':') {
            const char *what = argv[optind - 1];
            cli_usage_error(c == ':' ? "option '%s' needs a value"
                                     : "unknown option '%s' for '%s'",
                            what, argv[0]);
            fprintf(stderr, "%s", usage);
            return EXIT_USAGE;
        }
        if (!(option_bit(c) & allowed)) {
            cli_usage_error("option '%s' does not apply to '%s'",
                            argv[optind - 1], argv[0]);
            fprintf(stderr, "%s", usage);
            return EXIT_USAGE;
        }
        switch (c) {
        case 's': opt->store = optarg; break;
        case 'j': opt->json = true; break;
        case 'i':
            if (!(allowed & OPT_INDICATOR_FOR)) {
                opt->indicator = optarg;
            } else if (!parse_indicator(optarg, opt)) {
                return EXIT_USAGE;
            }
            break;
        case 'o': opt->origin = optarg; break;
        case 'd': opt->destination = optarg; break;
        case 'F':
            if (!parse_period(optarg, "--from", &opt->from))
                return EXIT_USAGE;
            opt->has_from = true;
            break;
        case 'T':
            if (!parse_period(optarg, "--to", &opt->to))
                return EXIT_USAGE;
            opt->has_to = true;
            break;
        case 'O': opt->out = optarg; break;
        case 't': opt->title = optarg; break;
        case 'u': opt->subtitle = optarg; break;
        case 'm':
            if (!parse_mark(optarg, opt))
                return EXIT_USAGE;
            break;
        case 'n': opt->no_trend = true; break;
        case 'C': opt->countries_path = optarg; break;
        case 'G': opt->groups_path = optarg; break;
        case 'f': opt->format = optarg; break;
        case 'S': opt->source = optarg; break;
        case 'q': opt->quiet = true; break;
        case 'K': opt->check = true; break;
        case 'c':
            if (!parse_column(optarg, opt))
                return EXIT_USAGE;
            break;
        case 'V': opt->value_columns = optarg; break;
        case 'P': opt->periods_as_columns = true; break;
        case 'D':
            if (!parse_delimiter(optarg, opt))
                return EXIT_USAGE;
            break;
        case 'A': opt->total = true; break;
        case 'W':
            if (!parse_where(optarg, opt))
                return EXIT_USAGE;
            break;
        case 'M': opt->method = optarg; break;
        case 'N': opt->threads = optarg; break;
        case 'Y': opt->save = optarg; break;
        case 'H': opt->horizon = optarg; break;
        case 'L': opt->fill = optarg; break;
        case 'v': opt->moving = optarg; break;
        case 'a': opt->alpha = optarg; break;
        case 'b': opt->beta = optarg; break;
        case 'p': opt->phi = optarg; break;
        case 'X':
            if (opt->n_module_paths == MAX_MODULES) {
                cli_usage_error("at most %d --module options", MAX_MODULES);
                return EXIT_USAGE;
            }
            opt->module_paths[opt->n_module_paths++] = optarg;
            break;
        case 'R':
            if (!parse_setting(optarg, "--param", "NAME=VALUE", opt->params,
                               &opt->n_params, opt))
                return EXIT_USAGE;
            break;
        case 'I':
            if (!parse_setting(optarg, "--input", "ROLE=INDICATOR",
                               opt->inputs, &opt->n_inputs, opt))
                return EXIT_USAGE;
            break;
        case 'E': opt->as = optarg; break;
        case 256: opt->chart_type = optarg; break;
        case 257: opt->period = optarg; break;
        case 258: opt->periods = optarg; break;
        case 259: opt->top = optarg; break;
        case 260: opt->by = optarg; break;
        case 261: opt->log = true; break;
        case 262: opt->band = true; break;
        case 'B':
            if (opt->n_breaks == MAX_BREAKS) {
                cli_usage_error("at most %d --break options", MAX_BREAKS);
                return EXIT_USAGE;
            }
            if (!parse_period(optarg, "--break", &opt->breaks[opt->n_breaks]))
                return EXIT_USAGE;
            opt->n_breaks++;
            break;
        }
    }
    opt->args = argv + optind;
    opt->n_args = argc - optind;
    return CLI_GO;
}

int cli_parse(int argc, char **argv, unsigned allowed, const char *usage,
              cli_options *opt)
{
    memset(opt, 0, sizeof *opt);
    int status = parse_options(argc, argv, allowed, usage, opt);
    if (status != CLI_GO)
        cli_options_release(opt);
    return status;
}

void cli_pick_release(cli_pick *pick)
{
    free(pick->index);
    pick->index = NULL;
    pick->n = 0;
}

/* Appends position i once. */
static void pick_add(cli_pick *out, size_t i)
{
    for (size_t k = 0; k < out->n; k++)
        if (out->index[k] == i)
            return;
    out->index[out->n++] = i;
}

static size_t find_label(char *const *labels, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i], code) == 0)
            return i;
    return n;
}

int cli_pick_labels(const char *list, char *const *labels, size_t n_labels,
                    const char *axis, const char *indicator, bool lenient,
                    const silk_countries *countries, cli_pick *out,
                    silk_error *err)
{
    out->n = 0;
    out->index = malloc((n_labels + 1) * sizeof *out->index);
    if (out->index == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (list == NULL || strcmp(list, "*") == 0) {
        for (size_t i = 0; i < n_labels; i++)
            out->index[out->n++] = i;
        return SILK_OK;
    }
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char token[128];
        snprintf(token, sizeof token, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        if (strcmp(token, "-") == 0 || silk_code_valid(token, len)) {
            const char *code = token[0] == '-' ? "" : token;
            size_t found = find_label(labels, n_labels, code);
            if (found < n_labels)
                pick_add(out, found);
            else if (!lenient)
                goto absent;
            continue;
        }
        /* a group: its members that this indicator has */
        const char *const *members;
        size_t n_members;
        silk_error group_err = {0};
        if (countries != NULL &&
            silk_countries_group(countries, token, &members, &n_members,
                                 &group_err) == SILK_OK) {
            for (size_t k = 0; k < n_members; k++) {
                size_t found = find_label(labels, n_labels, members[k]);
                if (found < n_labels)
                    pick_add(out, found);
            }
            continue;
        }
        /* a country's name, as the agencies spell it */
        const char *code = NULL;
        if (countries != NULL &&
            silk_countries_resolve(countries, token, strlen(token), &code,
                                   err) == SILK_OK) {
            size_t found = find_label(labels, n_labels, code);
            snprintf(token, sizeof token, "%s", code);
            if (found < n_labels)
                pick_add(out, found);
            else if (!lenient)
                goto absent;
            continue;
        }
        cli_pick_release(out);
        if (countries == NULL)
            return silk_error_set(err, SILK_EINVAL,
                                  "--%s '%s' is not a country code; expected "
                                  "ISO 3166 alpha-3 codes such as AFG,IRN, "
                                  "'-' for none, or '*' for all",
                                  axis, token);
        char why[SILK_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        return silk_error_set(err, SILK_EINVAL,
                              "--%s: %s (and no group of that name)", axis,
                              why);
    absent:
        cli_pick_release(out);
        return silk_error_set(err, SILK_ENOTFOUND,
                              "indicator '%s' has no %s '%s'", indicator, axis,
                              token[0] && token[0] != '-' ? token : "-");
    }
    return SILK_OK;
}

int cli_pick_cube(const cli_options *opt, const silk_cube *cube, bool lenient,
                  cli_pick *po, cli_pick *pd, silk_error *err)
{
    int rc = cli_pick_labels(opt->origin, cube->origin, cube->n_origin,
                             "origin", cube->indicator, lenient,
                             opt->countries, po, err);
    if (rc == SILK_OK)
        rc = cli_pick_labels(opt->destination, cube->destination,
                             cube->n_destination, "destination",
                             cube->indicator, lenient, opt->countries, pd,
                             err);
    if (rc != SILK_OK)
        cli_pick_release(po);
    return rc;
}

int cli_read_selection(cli_options *opt, silk_cube **cube, cli_pick *po,
                       cli_pick *pd, silk_error *err)
{
    silk_store *store = NULL;
    *cube = NULL;
    int rc = cli_load_countries(opt, false, err);
    if (rc != SILK_OK)
        return rc;
    rc = silk_store_open(opt->store, &store, err);
    if (rc == SILK_OK)
        rc = silk_store_read(store, opt->indicator, cube, err);
    silk_store_close(store);
    if (rc == SILK_OK)
        rc = cli_apply_where(opt, cube, err);
    if (rc == SILK_OK)
        rc = cli_pick_cube(opt, *cube, false, po, pd, err);
    if (rc != SILK_OK) {
        silk_cube_free(*cube);
        *cube = NULL;
    }
    return rc;
}

void cli_period_range(const silk_cube *cube, const cli_options *opt,
                      size_t *first, size_t *end)
{
    *first = 0;
    *end = cube->n_period;
    while (*first < *end && opt->has_from &&
           silk_period_ordinal(cube->period[*first]) <
               silk_period_ordinal(opt->from))
        (*first)++;
    while (*end > *first && opt->has_to &&
           silk_period_ordinal(cube->period[*end - 1]) >
               silk_period_ordinal(opt->to))
        (*end)--;
}

void cli_indicators_free(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int cli_indicators(silk_store *store, const char *list, char ***names,
                   size_t *n, silk_error *err)
{
    size_t cap = silk_store_indicator_count(store) + 1;
    if (list != NULL && strcmp(list, "*") != 0)
        for (const char *p = list; *p; p++)
            cap += *p == ',';
    *n = 0;
    *names = calloc(cap, sizeof **names);
    if (*names == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (list == NULL || strcmp(list, "*") == 0) {
        for (size_t i = 0; i < silk_store_indicator_count(store); i++)
            if (((*names)[(*n)++] = strdup(silk_store_indicator_name(store, i))) == NULL)
                goto nomem;
        return SILK_OK;
    }
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (((*names)[(*n)++] = strndup(p, len)) == NULL)
            goto nomem;
        p += len;
        if (*p == ',')
            p++;
    }
    return SILK_OK;
nomem:
    cli_indicators_free(*names, *n);
    *names = NULL;
    *n = 0;
    return silk_error_set(err, SILK_ENOMEM, "out of memory");
}

void cli_number(char buf[SILK_NUMBER_MAX], double value)
{
    /* %.15g when it reads back exactly, else %.17g */
    if (isnan(value))
        buf[0] = '\0';
    else
        silk_number_format(value, buf);
}

void cli_json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void cli_csv_field(FILE *out, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

const char *cli_code_label(const char *code)
{
    return code[0] ? code : "-";
}

int cli_make_parent(const char *path, silk_error *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
        return silk_error_set(err, SILK_EINVAL, "path '%s' is too long", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return SILK_OK;
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return silk_error_set(err, SILK_EIO,
                                      "cannot create folder '%s': %s", dir,
                                      strerror(errno));
            if (end)
                break;
            *p = '/';
        }
    }
    return SILK_OK;
}

/* Where the bundled tables live: $SILKSTAT_DATA, else datasets/ beside
 * the build folder of this executable, else ./datasets. */
static void data_path(const char *file, char *buf, size_t size)
{
    const char *env = getenv("SILKSTAT_DATA");
    if (env != NULL && env[0] != '\0') {
        snprintf(buf, size, "%s/%s", env, file);
        return;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            /* build/silkstat, or build/asan/silkstat one level deeper */
            const char *ups[] = {"..", "../.."};
            for (size_t i = 0; i < 2; i++) {
                int len = snprintf(buf, size, "%s/%s/datasets/%s", exe, ups[i],
                                   file);
                if (len > 0 && (size_t)len < size && access(buf, R_OK) == 0)
                    return;
            }
        }
    }
    snprintf(buf, size, "datasets/%s", file);
}

int cli_load_countries(cli_options *opt, bool required, silk_error *err)
{
    if (opt->countries != NULL)
        return SILK_OK;
    char table[4096], groups[4096];
    const char *path = opt->countries_path;
    if (path == NULL) {
        data_path("countries.csv", table, sizeof table);
        path = table;
        if (access(path, R_OK) != 0 && !required)
            return SILK_OK; /* codes still work without names */
    }
    data_path("country-groups.csv", groups, sizeof groups);
    int rc = silk_countries_load(
        path, opt->countries_path == NULL && access(groups, R_OK) == 0 ? groups
                                                                       : NULL,
        &opt->countries, err);
    if (rc == SILK_OK && opt->groups_path != NULL)
        rc = silk_countries_add_groups(opt->countries, opt->groups_path, err);
    return rc;
}

void cli_options_release(cli_options *opt)
{
    silk_countries_free(opt->countries);
    opt->countries = NULL;
    for (size_t i = 0; i < opt->n_where; i++)
        free(opt->where_text[i].copy);
    opt->n_where = 0;
    for (size_t i = 0; i < opt->n_setting_copies; i++)
        free(opt->setting_copy[i]);
    opt->n_setting_copies = 0;
    opt->n_params = opt->n_inputs = 0;
}

int cli_load_registry(const cli_options *opt, silk_registry **out,
                      silk_error *err)
{
    silk_registry *reg = NULL;
    int rc = silk_registry_alloc(&reg, err);
    if (rc == SILK_OK)
        rc = silk_registry_load_path(reg, getenv("SILKSTAT_MODULE_PATH"),
                                     err);
    for (size_t i = 0; rc == SILK_OK && i < opt->n_module_paths; i++)
        rc = silk_registry_load(reg, opt->module_paths[i], err);
    if (rc != SILK_OK) {
        silk_registry_free(reg);
        reg = NULL;
    }
    *out = reg;
    return rc;
}

bool cli_where_applies(const cli_options *opt, const silk_cube *cube)
{
    if (opt->n_where == 0)
        return true;
    if (cube->detail == NULL)
        return false;
    for (size_t w = 0; w < opt->n_where; w++) {
        bool found = false;
        for (size_t k = 0; k < cube->detail->n_column && !found; k++)
            found = strcmp(cube->detail->column[k], opt->where[w].column) == 0;
        if (!found)
            return false;
    }
    return true;
}

int cli_apply_where(const cli_options *opt, silk_cube **cube, silk_error *err)
{
    if (opt->n_where == 0)
        return SILK_OK;
    silk_cube *selected = NULL;
    int rc = silk_cube_select(*cube, opt->where, opt->n_where, &selected, err);
    if (rc != SILK_OK)
        return rc;
    silk_cube_free(*cube);
    *cube = selected;
    return SILK_OK;
}

static void row_flush(cli_row *r)
{
    if (r->n_pending > 0)
        fwrite(r->pending, 1, r->n_pending, r->out);
    r->n_pending = 0;
}

static void row_member(cli_row *r, const char *name)
{
    row_flush(r);
    if (r->json) {
        fputs(r->fields ? ", " : "{", r->out);
        cli_json_string(r->out, name);
        fputs(": ", r->out);
    } else if (r->fields) {
        fputc(',', r->out);
    }
    r->fields++;
}

void cli_row_text(cli_row *r, const char *name, const char *text)
{
    row_member(r, name);
    if (r->json)
        cli_json_string(r->out, text);
    else
        cli_csv_field(r->out, text);
}

void cli_row_number(cli_row *r, const char *name, double value)
{
    if (r->json) {
        row_member(r, name);
        if (isnan(value)) {
            fputs("null", r->out);
            return;
        }
    } else if (r->fields++) {
        if (r->n_pending + 1 > sizeof r->pending)
            row_flush(r);
        r->pending[r->n_pending++] = ',';
    }
    if (isnan(value))
        return;
    if (r->n_pending + SILK_NUMBER_MAX > sizeof r->pending)
        row_flush(r);
    r->n_pending += silk_number_format(value, r->pending + r->n_pending);
}

void cli_row_end(cli_row *r)
{
    row_flush(r);
    fputs(r->json ? (r->fields ? "}" : "{}") : "\n", r->out);
}

int cli_table_info(silk_table *table, silk_store *store, char *const *names,
                   size_t n_names, int argc, char **argv, silk_error *err)
{
    char *params = NULL, *inputs = NULL;
    size_t len_params = 0, len_inputs = 0;
    silk_provenance *prov = NULL;
    size_t n_prov = 0;
    int status = silk_store_provenance(store, &prov, &n_prov, err);
    FILE *p = open_memstream(&params, &len_params);
    FILE *in = open_memstream(&inputs, &len_inputs);
    if (status == SILK_OK && (p == NULL || in == NULL))
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (int a = 1; status == SILK_OK && a < argc; a++)
        fprintf(p, "%s%s", a > 1 ? " " : "", argv[a]);
    for (size_t i = 0; status == SILK_OK && i < n_names; i++) {
        fprintf(in, "%s%s:", i ? "; " : "", names[i]);
        size_t len = strlen(names[i]);
        for (size_t k = 0; k < n_prov; k++) {
            /* indicators is "a,b,c": match a whole name */
            const char *list = prov[k].indicators;
            for (const char *hit = strstr(list, names[i]); hit != NULL;
                 hit = strstr(hit + 1, names[i]))
                if ((hit == list || hit[-1] == ',') &&
                    (hit[len] == '\0' || hit[len] == ',')) {
                    fprintf(in, " %s sha256:%.16s", prov[k].file,
                            prov[k].sha256);
                    break;
                }
        }
    }
    if (p != NULL && fclose(p) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (in != NULL && fclose(in) != 0 && status == SILK_OK)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status == SILK_OK)
        status = silk_table_set_info(table, params ? params : "",
                                     inputs ? inputs : "", err);
    free(params);
    free(inputs);
    silk_store_provenance_free(prov, n_prov);
    return status;
}
