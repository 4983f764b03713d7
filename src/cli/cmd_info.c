/*
 * cmd_info.c: `silkstat info [--store FILE] [--json]`: what the store holds,
 * indicator by indicator, and where it came from.
 */
#include <math.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat info [--store FILE] [--json]\n"
    "Summarises the store: indicators with units, frequency, axes, counts of\n"
    "values, periods covered and source; then the provenance of each ingest.\n";

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
           "\"last\": \"%s\"}",
           freq_name(cube->freq), cube->n_origin, cube->n_destination,
           cube->n_period, n, from, to);
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
