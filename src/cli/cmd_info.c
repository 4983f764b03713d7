/*
 * cmd_info.c: `silkstat info [--store FILE] [--json]`: what the store holds,
 * indicator by indicator, and where it came from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat info [--store FILE] [--json]\n"
    "Summarises the store: indicators with units, frequency, axes, counts of\n"
    "values, periods covered and source (and, for an indicator computed by a\n"
    "module, how it was derived); then the provenance of each ingest.\n";

static const char *freq_name(silk_freq freq)
{
    switch (freq) {
    case SILK_FREQ_MONTHLY: return "monthly";
    case SILK_FREQ_QUARTERLY: return "quarterly";
    default: return "annual";
    }
}

/* Values present and the first/last period holding one. */
static size_t count_values(const silk_cube *cube, size_t *first, size_t *last)
{
    size_t n = 0;
    *first = cube->n_period;
    *last = 0;
    size_t cells = cube->n_origin * cube->n_destination;
    for (size_t c = 0; c < cells; c++)
        for (size_t p = 0; p < cube->n_period; p++)
            if (!isnan(cube->value[c * cube->n_period + p])) {
                n++;
                if (p < *first)
                    *first = p;
                if (p > *last)
                    *last = p;
            }
    return n;
}

#define AGGREGATION                                                         \
    "the sum over every category (UNHCR's published totals); --where "      \
    "COLUMN=VALUE sums only those"

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct values of column k, sorted (each malloc'd; the caller
 * frees them and the array).  NULL when out of memory. */
static char **column_values(const silk_detail *d, size_t k, size_t *n)
{
    char **values = calloc(d->n_category + 1, sizeof *values);
    *n = 0;
    if (values == NULL)
        return NULL;
    for (size_t c = 0; c < d->n_category; c++) {
        size_t size = strlen(d->category[c]) + 1;
        char *v = malloc(size);
        if (v == NULL) {
            for (size_t i = 0; i < *n; i++)
                free(values[i]);
            free(values);
            return NULL;
        }
        silk_detail_category_value(d, c, k, v, size);
        values[(*n)++] = v;
    }
    qsort(values, *n, sizeof *values, compare_text);
    size_t u = 0;
    for (size_t i = 0; i < *n; i++) {
        if (u > 0 && strcmp(values[u - 1], values[i]) == 0)
            free(values[i]);
        else
            values[u++] = values[i];
    }
    *n = u;
    return values;
}

static void print_categories(const silk_detail *d, bool json)
{
    if (!json)
        printf("  %-20s split by", "");
    else
        printf(", \"categories\": {\"count\": %zu, \"series\": %zu, "
               "\"aggregation\": \"" AGGREGATION "\", \"columns\": [",
               d->n_category, d->n_series);
    for (size_t k = 0; k < d->n_column; k++) {
        size_t n = 0;
        char **values = column_values(d, k, &n);
        if (json) {
            printf("%s{\"name\": ", k ? ", " : "");
            cli_json_string(stdout, d->column[k]);
            printf(", \"values\": [");
        } else {
            printf("%s %s (%zu:", k ? "," : "", d->column[k], n);
        }
        for (size_t i = 0; i < n; i++) {
            if (json) {
                printf("%s", i ? ", " : "");
                cli_json_string(stdout, values[i]);
            } else if (i < 10) {
                printf(" %s", values[i]);
            } else if (i == 10) {
                printf(" ...");
            }
            free(values[i]);
        }
        free(values);
        printf(json ? "]}" : ")");
    }
    if (json)
        printf("]}");
    else
        printf("\n  %-20s %zu categories, %zu series; value = " AGGREGATION
               "\n", "", d->n_category, d->n_series);
}

/* What made a derived indicator (silk_derivation): the module, its
 * parameters and selection, the inputs and where they came from. */
static void print_derivation(const silk_derivation *d, bool json)
{
    if (!json) {
        printf("  %-20s derived: module %s %s at %s (silkstat %s)\n", "",
               d->module, d->module_version, d->created,
               d->silkstat_version);
        if (d->parameters[0])
            printf("  %-20s parameters: %s\n", "", d->parameters);
        printf("  %-20s selection: %s\n", "", d->selection);
        printf("  %-20s inputs: %s\n", "", d->inputs);
        printf("  %-20s from: %s\n", "", d->input_provenance);
        return;
    }
    const char *names[] = {"module", "module_version", "parameters",
                           "selection", "inputs", "input_provenance",
                           "created", "silkstat_version"};
    const char *values[] = {d->module, d->module_version, d->parameters,
                            d->selection, d->inputs, d->input_provenance,
                            d->created, d->silkstat_version};
    printf(", \"derivation\": {");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        printf("%s\"%s\": ", i ? ", " : "", names[i]);
        cli_json_string(stdout, values[i]);
    }
    printf("}");
}

static void print_indicator(const silk_cube *cube, bool json, bool first_item)
{
    size_t first, last;
    size_t n = count_values(cube, &first, &last);
    char from[SILK_PERIOD_LABEL_MAX] = "", to[SILK_PERIOD_LABEL_MAX] = "";
    if (n > 0) {
        silk_period_format(cube->period[first], from);
        silk_period_format(cube->period[last], to);
    }
    if (!json) {
        printf("  %-20s %-12s %-9s %4zu origins x %3zu destinations x %3zu "
               "periods, %zu values, %s-%s\n",
               cube->indicator, cube->unit[0] ? cube->unit : "-",
               freq_name(cube->freq), cube->n_origin, cube->n_destination,
               cube->n_period, n, from, to);
        if (cube->source[0])
            printf("  %-20s source: %s\n", "", cube->source);
        if (cube->detail != NULL)
            print_categories(cube->detail, false);
        if (cube->derivation != NULL)
            print_derivation(cube->derivation, false);
        return;
    }
    printf("%s\n    {\"name\": ", first_item ? "" : ",");
    cli_json_string(stdout, cube->indicator);
    printf(", \"unit\": ");
    cli_json_string(stdout, cube->unit);
    printf(", \"source\": ");
    cli_json_string(stdout, cube->source);
    printf(", \"frequency\": \"%s\", \"origins\": %zu, \"destinations\": %zu, "
           "\"periods\": %zu, \"values\": %zu, \"first\": \"%s\", "
           "\"last\": \"%s\"",
           freq_name(cube->freq), cube->n_origin, cube->n_destination,
           cube->n_period, n, from, to);
    if (cube->detail != NULL)
        print_categories(cube->detail, true);
    if (cube->derivation != NULL)
        print_derivation(cube->derivation, true);
    printf("}");
}

/* The result tables: name, kind, rows, columns, when, what made them. */
static int print_tables(silk_store *store, bool json, silk_error *err)
{
    size_t n = silk_store_table_count(store);
    if (json)
        printf("  \"results\": [");
    else if (n > 0)
        printf("results (%zu table%s):\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        silk_table *t = NULL;
        int status = silk_store_read_table(store, silk_store_table_name(store,
                                                                        i),
                                           &t, err);
        if (status != SILK_OK)
            return status;
        if (json) {
            printf("%s\n    {\"name\": ", i ? "," : "");
            cli_json_string(stdout, t->name);
            printf(", \"kind\": ");
            cli_json_string(stdout, t->kind);
            printf(", \"rows\": %zu, \"columns\": %zu, \"created\": ",
                   t->n_rows, t->n_columns);
            cli_json_string(stdout, t->created);
            printf(", \"parameters\": ");
            cli_json_string(stdout, t->parameters);
            printf(", \"inputs\": ");
            cli_json_string(stdout, t->inputs);
            printf("}");
        } else {
            printf("  %-20s %-8s %zu rows x %zu columns  %s\n", t->name,
                   t->kind, t->n_rows, t->n_columns, t->created);
            printf("  %-20s made by: %s\n", "", t->parameters);
            printf("  %-20s from: %s\n", "", t->inputs);
        }
        silk_table_free(t);
    }
    if (json)
        printf("%s],\n", n ? "\n  " : "");
    return SILK_OK;
}

static void print_provenance(const silk_provenance *prov, size_t n, bool json)
{
    if (!json) {
        printf("provenance (%zu ingested file%s):\n", n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++)
            printf("  %s  %s  %llu rows  sha256 %.16s...  silkstat %s  [%s]\n",
                   prov[i].time, prov[i].file,
                   (unsigned long long)prov[i].rows, prov[i].sha256,
                   prov[i].version, prov[i].indicators);
        return;
    }
    printf("  \"provenance\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s\n    {\"file\": ", i ? "," : "");
        cli_json_string(stdout, prov[i].file);
        printf(", \"sha256\": \"%s\", \"rows\": %llu, \"time\": ",
               prov[i].sha256, (unsigned long long)prov[i].rows);
        cli_json_string(stdout, prov[i].time);
        printf(", \"version\": ");
        cli_json_string(stdout, prov[i].version);
        printf(", \"indicators\": ");
        cli_json_string(stdout, prov[i].indicators);
        printf("}");
    }
    printf("\n  ]\n");
}

int cmd_info(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv, OPT_STORE | OPT_JSON, usage, &opt);
    if (status != CLI_GO)
        return status;

    silk_error err = {0};
    silk_store *store = NULL;
    silk_provenance *prov = NULL;
    size_t n_prov = 0;
    if (silk_store_open(opt.store, &store, &err) != SILK_OK ||
        silk_store_provenance(store, &prov, &n_prov, &err) != SILK_OK)
        goto fail;

    size_t n = silk_store_indicator_count(store);
    if (opt.json) {
        printf("{\n  \"store\": ");
        cli_json_string(stdout, opt.store);
        printf(",\n  \"indicators\": [");
    } else {
        printf("store %s: %zu indicator%s\n", opt.store, n, n == 1 ? "" : "s");
    }
    for (size_t i = 0; i < n; i++) {
        silk_cube *cube = NULL;
        if (silk_store_read(store, silk_store_indicator_name(store, i), &cube,
                            &err) != SILK_OK)
            goto fail;
        print_indicator(cube, opt.json, i == 0);
        silk_cube_free(cube);
    }
    if (opt.json)
        printf("\n  ],\n");
    if (print_tables(store, opt.json, &err) != SILK_OK)
        goto fail;
    print_provenance(prov, n_prov, opt.json);
    if (opt.json)
        printf("}\n");
    silk_store_provenance_free(prov, n_prov);
    silk_store_close(store);
    return 0;

fail:
    silk_store_provenance_free(prov, n_prov);
    silk_store_close(store);
    return cli_fail(&err);
}
