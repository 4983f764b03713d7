/*
 * cmd_compute.c: `silkstat compute MODULE [--param K=V]... [--input
 * ROLE=INDICATOR]... [--as NAME] [selection] [--module PATH]...`: runs an
 * indicator module on the store and writes what it derives back into it
 * (silk_module_run, then silk_module_commit; the batch runner calls the
 * same two).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat compute MODULE [--param NAME=VALUE]...\n"
    "                        [--input ROLE=INDICATOR]... [--as NAME]\n"
    "                        [--origin L] [--destination L] [--from P]\n"
    "                        [--to P] [--where COL=V[,V]]... [--total]\n"
    "                        [--module PATH]... [--store FILE] [--quiet]\n"
    "                        [--json]\n"
    "Runs indicator module MODULE ('silkstat modules' lists them) on the\n"
    "selected part of its input indicators and stores the result: an\n"
    "indicator NAME (NAME.OUTPUT with several outputs; NAME is the module's\n"
    "name unless --as gives one) for country and corridor modules, replaced\n"
    "whole on a recompute and carrying how it was made ('silkstat info');\n"
    "the result table results/NAME for matrix modules.  --input binds a\n"
    "role to another indicator; --where sums an input split by categories\n"
    "over the selected ones.  --total first sums every bilateral input\n"
    "over the selected destinations: a corridor module then gives each\n"
    "origin's figure over all of them (stored at destination '-'), a rate\n"
    "of sums, never a mean of rates.\n";

/* "x2: wrote 6 values to indicator x2 in S", one clause per output. */
static void summary(const silk_module_results *res, const char *store,
                    bool json)
{
    const silk_module *m = res->module;
    if (json) {
        printf("{\"module\": ");
        cli_json_string(stdout, m->name);
        printf(", \"kind\": \"%s\", \"store\": ",
               silk_module_kind_name(m->kind));
        cli_json_string(stdout, store);
        printf(", \"table\": ");
        if (m->kind == SILK_MODULE_MATRIX) {
            char table[SILK_INDICATOR_MAX + 16];
            snprintf(table, sizeof table, "results/%s", res->name);
            cli_json_string(stdout, table);
        } else {
            printf("null");
        }
        printf(", \"origins\": %zu, \"destinations\": %zu, \"countries\": "
               "%zu, \"periods\": %zu, \"outputs\": [",
               res->axes.n_origin, res->axes.n_destination,
               res->axes.n_country, res->axes.n_period);
        for (size_t k = 0; k < res->n_output; k++) {
            printf("%s{\"name\": ", k ? ", " : "");
            cli_json_string(stdout, res->output_name[k]);
            printf(", \"values\": %zu}", res->output_values[k]);
        }
        printf("]}\n");
        return;
    }
    if (m->kind == SILK_MODULE_MATRIX) {
        printf("%s: wrote table results/%s (%zu periods:", m->name,
               res->name, res->axes.n_period);
        for (size_t k = 0; k < res->n_output; k++)
            printf("%s %zu %s", k ? "," : "", res->output_values[k],
                   res->output_name[k]);
        printf(") in %s\n", store);
        return;
    }
    printf("%s: wrote", m->name);
    for (size_t k = 0; k < res->n_output; k++)
        printf("%s %zu value%s to indicator %s%s", k ? "," : "",
               res->output_values[k],
               res->output_values[k] == 1 ? "" : "s", res->output_name[k],
               res->output_values[k] == 0 ? " (removed: no value)" : "");
    printf(" in %s\n", store);
}

int cmd_compute(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_JSON | OPT_QUIET | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_WHERE | OPT_COUNTRIES | OPT_MODULE |
                               OPT_COMPUTE | OPT_TOTAL,
                           usage, &opt);
    if (status != CLI_GO)
        return status;
    if (opt.n_args != 1) {
        cli_options_release(&opt);
        cli_usage_error("compute needs one MODULE; 'silkstat modules' "
                        "lists them");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }

    silk_error err = {0};
    silk_registry *reg = NULL;
    silk_store *store = NULL;
    silk_module_results *res = NULL;
    silk_module_request req = {
        .module = opt.args[0],
        .params = opt.params,
        .n_params = opt.n_params,
        .inputs = opt.inputs,
        .n_inputs = opt.n_inputs,
        .name = opt.as,
        .origin = opt.origin,
        .destination = opt.destination,
        .has_from = opt.has_from,
        .has_to = opt.has_to,
        .from = opt.from,
        .to = opt.to,
        .where = opt.where,
        .n_where = opt.n_where,
        .total = opt.total,
    };
    if (cli_load_registry(&opt, &reg, &err) != SILK_OK ||
        cli_load_countries(&opt, false, &err) != SILK_OK)
        goto fail;
    req.countries = opt.countries;
    if (silk_store_open(opt.store, &store, &err) != SILK_OK ||
        silk_module_run(store, reg, &req, &res, &err) != SILK_OK)
        goto fail;
    /* The commit reopens the store under its writer lock. */
    silk_store_close(store);
    store = NULL;
    if (silk_module_commit(opt.store, res, &err) != SILK_OK)
        goto fail;
    if (!opt.quiet)
        summary(res, opt.store, opt.json);
    silk_module_results_free(res);
    silk_registry_free(reg);
    cli_options_release(&opt);
    return 0;

fail:
    silk_module_results_free(res);
    silk_store_close(store);
    silk_registry_free(reg);
    cli_options_release(&opt);
    return cli_fail(&err);
}
