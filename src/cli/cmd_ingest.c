/*
 * cmd_ingest.c: `silkstat ingest [--store FILE] FILE...`
 * Reads every file into one batch first and commits only if all of them
 * were read without error, so a bad file changes nothing in the store.
 * `--check` reads the same way into a collector of problems, lists every
 * one and never touches the store.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat ingest [--store FILE] [--format NAME] [--indicator NAME]\n"
    "                       [--indicator FILE=NAME]... [--countries FILE]\n"
    "                       [--quiet] FILE...\n"
    "       silkstat ingest --check [--json] [OPTIONS] FILE...\n"
    "Reads CSV files and merges them into the store; nothing is written\n"
    "unless every file is valid.  The format is detected from the header\n"
    "(or named with --format); --indicator names the indicator of a file\n"
    "that holds one without naming it (FILE=NAME: of that file only, by its\n"
    "path or base name).  --check validates without writing:\n"
    "every error and warning, grouped and counted (--json for machines);\n"
    "exit status 1 if any error.\n"
    "Any other long or wide table is read through a column mapping:\n"
    "  --column origin=COL --column destination=COL --column period=COL\n"
    "  --value-columns A,B    (long: each value column is an indicator)\n"
    "  --periods-as-columns   (wide: columns named like periods hold values)\n"
    "  --delimiter ,|;|tab    (default: detected from the first line)\n"
    "Formats:\n";

static void print_usage(FILE *out)
{
    int width = 0;

    fputs(usage, out);
    /* the widest name sets the column (unhcr-countries: 15) */
    for (size_t i = 0; i < silk_ingest_format_count(); i++) {
        int len = (int)strlen(silk_ingest_format_name(i));
        if (len > width)
            width = len;
    }
    for (size_t i = 0; i < silk_ingest_format_count(); i++)
        fprintf(out, "  %-*s %s\n", width, silk_ingest_format_name(i),
                silk_ingest_format_summary(i));
}

static const char *severity_name(silk_severity severity)
{
    return severity == SILK_SEVERITY_ERROR ? "error" : "warning";
}

static void print_problem(FILE *out, const char *indent,
                          const silk_problem *p)
{
    if (p->file[0] != '\0' && p->column > 0)
        fprintf(out, "%s%s:%zu:%zu: %s\n", indent, p->file, p->line,
                p->column, p->message);
    else if (p->file[0] != '\0')
        fprintf(out, "%s%s:%zu: %s\n", indent, p->file, p->line, p->message);
    else
        fprintf(out, "%s%s\n", indent, p->message);
}

/* --check: each group as "error (COUNT): KIND", its listed problems, then
 * how many more it has; the totals last, where a terminal shows them. */
static void print_check(const silk_problems *problems, int n_files)
{
    size_t errors = silk_problems_error_count(problems);
    size_t warnings = silk_problems_warning_count(problems);
    for (size_t g = 0; g < silk_problems_group_count(problems); g++) {
        size_t total = silk_problems_group_total(problems, g);
        size_t listed = silk_problems_group_listed(problems, g);
        printf("%s (%zu): %s\n",
               severity_name(silk_problems_group_severity(problems, g)),
               total, silk_problems_group_kind(problems, g));
        for (size_t i = 0; i < listed; i++)
            print_problem(stdout, "  ", silk_problems_get(problems, g, i));
        if (total > listed)
            printf("  ... and %zu more\n", total - listed);
    }
    printf("%zu error%s, %zu warning%s in %d file%s\n", errors,
           errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
           n_files, n_files == 1 ? "" : "s");
}

static void print_check_json(const silk_problems *problems, int n_files)
{
    printf("{\"errors\": %zu, \"warnings\": %zu, \"files\": %d, "
           "\"groups\": [",
           silk_problems_error_count(problems),
           silk_problems_warning_count(problems), n_files);
    for (size_t g = 0; g < silk_problems_group_count(problems); g++) {
        printf("%s\n  {\"kind\": ", g ? "," : "");
        cli_json_string(stdout, silk_problems_group_kind(problems, g));
        printf(", \"severity\": \"%s\", \"count\": %zu, \"listed\": %zu, "
               "\"problems\": [",
               severity_name(silk_problems_group_severity(problems, g)),
               silk_problems_group_total(problems, g),
               silk_problems_group_listed(problems, g));
        for (size_t i = 0; i < silk_problems_group_listed(problems, g); i++) {
            const silk_problem *p = silk_problems_get(problems, g, i);
            printf("%s\n    {\"file\": ", i ? "," : "");
            /* no position (a series-level warning): null, not "" and 0 */
            if (p->file[0] != '\0') {
                cli_json_string(stdout, p->file);
                printf(", \"line\": %zu, \"column\": ", p->line);
                /* 0: the batch did not know the value's column */
                printf(p->column > 0 ? "%zu" : "null", p->column);
            } else {
                printf("null, \"line\": null, \"column\": null");
            }
            printf(", \"message\": ");
            cli_json_string(stdout, p->message);
            printf("}");
        }
        printf("]}");
    }
    printf("%s]}\n", silk_problems_group_count(problems) ? "\n" : "");
}

/* A plain ingest's warnings: on stderr, at most 20, then how many more. */
#define MAX_PRINTED_WARNINGS 20

static void print_warnings(const silk_problems *problems)
{
    size_t printed = 0, total = silk_problems_warning_count(problems);
    for (size_t g = 0; g < silk_problems_group_count(problems); g++)
        for (size_t i = 0; i < silk_problems_group_listed(problems, g) &&
                           printed < MAX_PRINTED_WARNINGS;
             i++, printed++)
            print_problem(stderr, "silkstat: warning: ",
                          silk_problems_get(problems, g, i));
    if (total > printed)
        fprintf(stderr,
                "silkstat: warning: ... and %zu more warning%s (see ingest "
                "--check)\n",
                total - printed, total - printed == 1 ? "" : "s");
}

/* FILE of a FILE=NAME (text, len) names path: the same text, path's base
 * name, or another path to the same file. */
typedef struct sanity_ctx {
    const silk_batch *batch;
    const silk_ingest_options *options;
} sanity_ctx;

static void check_cube(const silk_cube *cube, size_t i, void *arg)
{
    const sanity_ctx *ctx = arg;
    silk_ingest_sanity_cube(ctx->batch, i, cube, ctx->options);
}

static bool names_file(const char *text, size_t len, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if ((strlen(path) == len && strncmp(path, text, len) == 0) ||
        (strlen(base) == len && strncmp(base, text, len) == 0))
        return true;
    char *file = strndup(text, len);
    struct stat a, b;
    bool same = file != NULL && stat(file, &a) == 0 && stat(path, &b) == 0 &&
                a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    free(file);
    return same;
}

/* The --indicator for one file: a FILE=NAME naming it, else the plain
 * --indicator. */
static const char *indicator_for(const cli_options *opt, const char *path)
{
    for (size_t i = 0; i < opt->n_indicator_for; i++) {
        const char *text = opt->indicator_for[i];
        const char *eq = strrchr(text, '=');
        if (names_file(text, (size_t)(eq - text), path))
            return eq + 1;
    }
    return opt->indicator;
}

/* Every FILE=NAME must name one of the files: a typo would otherwise
 * leave a file unnamed and its error far from the cause. */
static bool check_indicator_for(const cli_options *opt)
{
    for (size_t i = 0; i < opt->n_indicator_for; i++) {
        const char *text = opt->indicator_for[i];
        const char *eq = strrchr(text, '=');
        bool found = false;
        for (int k = 0; k < opt->n_args && !found; k++)
            found = names_file(text, (size_t)(eq - text), opt->args[k]);
        if (!found || eq[1] == '\0') {
            cli_usage_error("--indicator '%s': %s; expected FILE=NAME with "
                            "FILE one of the files to ingest",
                            text, found ? "no NAME" : "no such FILE");
            return false;
        }
    }
    return true;
}

int cmd_ingest(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_QUIET | OPT_FORMAT | OPT_INDICATOR |
                               OPT_COUNTRIES | OPT_CHECK | OPT_JSON |
                               OPT_MAPPING | OPT_INDICATOR_FOR,
                           "", &opt);
    if (status != CLI_GO) {
        if (status == 0)
            print_usage(stdout);
        return status;
    }
    if (opt.n_args == 0) {
        cli_usage_error("ingest needs at least one FILE");
        print_usage(stderr);
        cli_options_release(&opt);
        return EXIT_USAGE;
    }
    if (opt.json && !opt.check) {
        cli_usage_error("--json applies to ingest --check only");
        print_usage(stderr);
        cli_options_release(&opt);
        return EXIT_USAGE;
    }
    if (!check_indicator_for(&opt)) {
        cli_options_release(&opt);
        return EXIT_USAGE;
    }

    silk_error err = {0};
    silk_batch *batch = NULL;
    silk_problems *problems = NULL;
    uint64_t total = 0;
    /* --check collects errors too; a plain ingest only its warnings */
    if (cli_load_countries(&opt, false, &err) != SILK_OK ||
        silk_batch_alloc(&batch, &err) != SILK_OK ||
        silk_problems_alloc(opt.check, &problems, &err) != SILK_OK)
        goto fail;
    silk_ingest_options options = {.format = opt.format,
                                   .indicator = opt.indicator,
                                   .countries = opt.countries,
                                   .origin_column = opt.origin_column,
                                   .destination_column = opt.destination_column,
                                   .period_column = opt.period_column,
                                   .value_columns = opt.value_columns,
                                   .periods_as_columns = opt.periods_as_columns,
                                   .problems = problems,
                                   .delimiter = opt.delimiter};
    if (opt.check) {
        for (int i = 0; i < opt.n_args; i++) {
            /* an error that ends one file's read (header, quoting,
             * encoding) is listed too; the next file is read all the same */
            options.indicator = indicator_for(&opt, opt.args[i]);
            if (silk_ingest_file(opt.args[i], &options, (unsigned)i, batch,
                                 NULL, NULL, &err) != SILK_OK &&
                silk_problems_add(problems, SILK_SEVERITY_ERROR, err.code,
                                  NULL, err.message, &err) != SILK_OK)
                goto fail;
        }
        if (silk_ingest_sanity(batch, &options, &err) != SILK_OK)
            goto fail;
        if (opt.json)
            print_check_json(problems, opt.n_args);
        else
            print_check(problems, opt.n_args);
        status = silk_problems_error_count(problems) > 0 ? 1 : 0;
        silk_problems_free(problems);
        silk_batch_free(batch);
        cli_options_release(&opt);
        return status;
    }
    for (int i = 0; i < opt.n_args; i++) {
        uint64_t rows = 0;
        const char *format = NULL;
        options.indicator = indicator_for(&opt, opt.args[i]);
        if (silk_ingest_file(opt.args[i], &options, (unsigned)i, batch, &rows,
                             &format, &err) != SILK_OK)
            goto fail;
        if (!opt.quiet && opt.n_args > 1)
            printf("%s: %llu rows (%s)\n", opt.args[i],
                   (unsigned long long)rows, format);
        total += rows;
    }
    /* the series checks run on each cube as the commit builds it: one
     * build instead of two; their warnings follow the commit */
    sanity_ctx sanity = {batch, &options};
    if (silk_store_commit_visit(opt.store, batch, check_cube, &sanity,
                                &err) != SILK_OK)
        goto fail;
    print_warnings(problems);
    if (!opt.quiet) {
        printf("ingested %llu rows from %d file%s into %s:",
               (unsigned long long)total, opt.n_args, opt.n_args == 1 ? "" : "s",
               opt.store);
        for (size_t i = 0; i < silk_batch_indicator_count(batch); i++)
            printf("%s %s", i ? "," : "", silk_batch_indicator_name(batch, i));
        /* a lookup table (unhcr-countries) is checked, not stored */
        if (silk_batch_indicator_count(batch) == 0)
            printf(" no indicator touched");
        printf("\n");
    }
    silk_problems_free(problems);
    silk_batch_free(batch);
    cli_options_release(&opt);
    return 0;

fail:
    silk_problems_free(problems);
    silk_batch_free(batch);
    status = cli_fail(&err);
    if (!opt.check)
        fprintf(stderr, "silkstat: nothing was written to %s\n", opt.store);
    cli_options_release(&opt);
    return status;
}
