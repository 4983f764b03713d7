/*
 * cmd_modules.c: `silkstat modules [NAME] [--module PATH]... [--json]`:
 * the indicator modules silkstat knows (built in, and loaded from
 * SILKSTAT_MODULE_PATH or --module), one a line, or one in full: what it
 * reads, its parameters, what it writes and where.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat modules [NAME] [--module PATH]... [--json]\n"
    "Lists every indicator module (name, kind, title), or shows module NAME\n"
    "in full: inputs, parameters, outputs and how its results are stored.\n"
    "--module loads a module built as a shared object (repeatable);\n"
    "SILKSTAT_MODULE_PATH lists more (.so files or folders, ':'-separated).\n";

/* How a kind's results are stored, for one module named name. */
static void storage(const silk_module *m, const char *name, char *buf,
                    size_t size)
{
    switch (m->kind) {
    case SILK_MODULE_COUNTRY:
        snprintf(buf, size, "indicator%s %s%s, one series per country "
                 "(origin = the country, destination -)",
                 m->n_outputs == 1 ? "" : "s", name,
                 m->n_outputs == 1 ? "" : ".OUTPUT");
        return;
    case SILK_MODULE_CORRIDOR:
        snprintf(buf, size, "indicator%s %s%s, one series per origin and "
                 "destination", m->n_outputs == 1 ? "" : "s", name,
                 m->n_outputs == 1 ? "" : ".OUTPUT");
        return;
    case SILK_MODULE_MATRIX:
        snprintf(buf, size, "result table results/%s: a period column and "
                 "one column per output", name);
        return;
    }
    snprintf(buf, size, "?");
}

static void json_text_or_null(const char *text)
{
    if (text == NULL)
        fputs("null", stdout);
    else
        cli_json_string(stdout, text);
}

static void show_json(const silk_module *m, const char *origin)
{
    char stored[256];
    storage(m, m->name, stored, sizeof stored);
    printf("{\"name\": ");
    cli_json_string(stdout, m->name);
    printf(", \"version\": ");
    cli_json_string(stdout, m->version);
    printf(", \"kind\": \"%s\", \"title\": ", silk_module_kind_name(m->kind));
    cli_json_string(stdout, m->title);
    printf(", \"origin\": ");
    json_text_or_null(origin);
    printf(", \"description\": ");
    cli_json_string(stdout, m->description);
    printf(", \"stored_as\": ");
    cli_json_string(stdout, stored);
    printf(", \"inputs\": [");
    for (size_t i = 0; i < m->n_inputs; i++) {
        const silk_module_input *in = &m->inputs[i];
        printf("%s{\"role\": ", i ? ", " : "");
        cli_json_string(stdout, in->role);
        printf(", \"indicator\": ");
        json_text_or_null(in->indicator);
        printf(", \"description\": ");
        cli_json_string(stdout, in->description);
        printf(", \"optional\": %s}", in->optional ? "true" : "false");
    }
    printf("], \"parameters\": [");
    for (size_t i = 0; i < m->n_params; i++) {
        const silk_module_param *p = &m->params[i];
        printf("%s{\"name\": ", i ? ", " : "");
        cli_json_string(stdout, p->name);
        printf(", \"type\": \"%s\", \"default\": ",
               silk_module_param_type_name(p->type));
        json_text_or_null(p->default_text);
        printf(", \"choices\": ");
        json_text_or_null(p->type == SILK_PARAM_CHOICE ? p->choices : NULL);
        printf(", \"description\": ");
        cli_json_string(stdout, p->description);
        printf("}");
    }
    printf("], \"outputs\": [");
    for (size_t i = 0; i < m->n_outputs; i++) {
        const silk_module_output *o = &m->outputs[i];
        printf("%s{\"name\": ", i ? ", " : "");
        cli_json_string(stdout, o->name);
        printf(", \"units\": ");
        cli_json_string(stdout, o->units);
        printf(", \"description\": ");
        cli_json_string(stdout, o->description);
        printf("}");
    }
    printf("]}\n");
}

/* text folded at spaces to lines of at most 78 columns, each line
 * after the indent (the first line's indent is already printed). */
static void wrap(const char *text, int indent)
{
    const int width = 78 - indent;
    int column = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        int word = (int)strcspn(p, " ");
        if (word == 0)
            break;
        if (column > 0 && column + 1 + word > width) {
            printf("\n%*s", indent, "");
            column = 0;
        } else if (column > 0) {
            putchar(' ');
            column++;
        }
        printf("%.*s", word, p);
        column += word;
        p += word;
    }
    putchar('\n');
}

static void show_text(const silk_module *m, const char *origin)
{
    char stored[256];
    storage(m, m->name, stored, sizeof stored);
    printf("%s %s: %s\n", m->name, m->version, m->title);
    printf("kind: %s\nstored as: ", silk_module_kind_name(m->kind));
    wrap(stored, 11);
    printf("from: %s\n\n", origin ? origin : "built in");
    wrap(m->description, 0);
    printf("\ninputs (bind another indicator with --input ROLE="
           "INDICATOR):\n");
    for (size_t i = 0; i < m->n_inputs; i++) {
        const silk_module_input *in = &m->inputs[i];
        if (in->indicator != NULL)
            printf("  %-16s default %s%s\n", in->role, in->indicator,
                   in->optional ? " (optional)" : "");
        else
            printf("  %-16s no default: bind it with --input %s=INDICATOR"
                   "%s\n", in->role, in->role,
                   in->optional ? " (optional)" : "");
        printf("  %-16s ", "");
        wrap(in->description, 19);
    }
    printf("parameters (--param NAME=VALUE):%s\n",
           m->n_params ? "" : " none");
    for (size_t i = 0; i < m->n_params; i++) {
        const silk_module_param *p = &m->params[i];
        printf("  %-16s %s", p->name, silk_module_param_type_name(p->type));
        if (p->type == SILK_PARAM_CHOICE)
            printf(" %s", p->choices);
        if (p->default_text)
            printf(", default %s\n", p->default_text);
        else
            printf(", required\n");
        printf("  %-16s ", "");
        wrap(p->description, 19);
    }
    printf("outputs:\n");
    for (size_t i = 0; i < m->n_outputs; i++) {
        const silk_module_output *o = &m->outputs[i];
        printf("  %-16s %s\n", o->name, o->units[0] ? o->units : "-");
        printf("  %-16s ", "");
        wrap(o->description, 19);
    }
}

static void list(const silk_registry *reg, bool json)
{
    size_t n = silk_registry_count(reg);
    if (json)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        const silk_module *m = silk_registry_module(reg, i);
        const char *origin = silk_registry_origin(reg, i);
        if (!json) {
            printf("%-24s %-9s %s%s%s%s\n", m->name,
                   silk_module_kind_name(m->kind), m->title,
                   origin ? " [" : "", origin ? origin : "",
                   origin ? "]" : "");
            continue;
        }
        printf("%s\n  {\"name\": ", i ? "," : "");
        cli_json_string(stdout, m->name);
        printf(", \"kind\": \"%s\", \"version\": ",
               silk_module_kind_name(m->kind));
        cli_json_string(stdout, m->version);
        printf(", \"title\": ");
        cli_json_string(stdout, m->title);
        printf(", \"origin\": ");
        json_text_or_null(origin);
        printf("}");
    }
    if (json)
        printf("%s]\n", n ? "\n" : "");
}

int cmd_modules(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv, OPT_JSON | OPT_MODULE, usage, &opt);
    if (status != CLI_GO)
        return status;
    if (opt.n_args > 1) {
        cli_options_release(&opt);
        cli_usage_error("modules takes at most one NAME");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    silk_error err = {0};
    silk_registry *reg = NULL;
    if (cli_load_registry(&opt, &reg, &err) != SILK_OK) {
        cli_options_release(&opt);
        return cli_fail(&err);
    }
    if (opt.n_args == 0) {
        list(reg, opt.json);
    } else {
        size_t at = 0;
        const silk_module *m = silk_registry_find(reg, opt.args[0], &at);
        if (m == NULL) {
            silk_error_set(&err, SILK_EINVAL, "unknown module '%s'; "
                           "'silkstat modules' lists them", opt.args[0]);
            silk_registry_free(reg);
            cli_options_release(&opt);
            return cli_fail(&err);
        }
        if (opt.json)
            show_json(m, silk_registry_origin(reg, at));
        else
            show_text(m, silk_registry_origin(reg, at));
    }
    silk_registry_free(reg);
    cli_options_release(&opt);
    return 0;
}
