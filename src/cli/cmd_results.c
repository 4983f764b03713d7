/*
 * cmd_results.c: `silkstat results [NAME]`: the result tables of the
 * store (trend --save, forecast --save, matrix modules), listed, or one
 * printed as CSV (or JSON) with what made it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat results [NAME] [--store FILE] [--json]\n"
    "Without NAME lists the result tables of the store (kind, rows,\n"
    "columns, when they were made).  With NAME prints results/NAME: one\n"
    "CSV row per table row under a header of its column names (--json: one\n"
    "object per row); missing numbers are empty fields.  What made the\n"
    "table (parameters and inputs) goes to stderr as '# ' lines, so stdout\n"
    "stays a plain table.\n";

static void print_table(const silk_table *t, bool json)
{
    if (!json) {
        fprintf(stderr, "# %s (%s), made %s\n# parameters: %s\n# inputs: %s\n",
                t->name, t->kind, t->created ? t->created : "-",
                t->parameters ? t->parameters : "",
                t->inputs ? t->inputs : "");
        for (size_t c = 0; c < t->n_columns; c++) {
            if (c)
                putchar(',');
            cli_csv_field(stdout, t->columns[c].name);
        }
        putchar('\n');
    } else {
        printf("[");
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        if (json)
            printf("%s\n ", r ? "," : "");
        cli_row row = {.out = stdout, .json = json};
        for (size_t c = 0; c < t->n_columns; c++) {
            const silk_table_column *col = &t->columns[c];
            if (col->text)
                cli_row_text(&row, col->name, col->string[r]);
            else
                cli_row_number(&row, col->name, col->number[r]);
        }
        cli_row_end(&row);
    }
    if (json)
        printf("%s]\n", t->n_rows ? "\n" : "");
}

int cmd_results(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv, OPT_STORE | OPT_JSON, usage, &opt);
    if (status != CLI_GO)
        return status;
    if (opt.n_args > 1) {
        cli_options_release(&opt);
        return cli_usage_error("results takes at most one NAME");
    }
    silk_error err = {0};
    silk_store *store = NULL;
    silk_table *table = NULL;
    if (silk_store_open(opt.store, &store, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    if (opt.n_args == 0) {
        size_t n = silk_store_table_count(store);
        if (opt.json)
            printf("[");
        for (size_t i = 0; i < n; i++) {
            const char *name = silk_store_table_name(store, i);
            if (silk_store_read_table(store, name, &table, &err) != SILK_OK) {
                status = cli_fail(&err);
                goto done;
            }
            if (opt.json) {
                printf("%s\n {\"name\": ", i ? "," : "");
                cli_json_string(stdout, table->name);
                printf(", \"kind\": ");
                cli_json_string(stdout, table->kind);
                printf(", \"rows\": %zu, \"columns\": %zu, \"created\": ",
                       table->n_rows, table->n_columns);
                cli_json_string(stdout, table->created ? table->created : "");
                printf("}");
            } else {
                printf("%-24s %-10s %6zu rows x %2zu columns  %s\n",
                       table->name, table->kind, table->n_rows,
                       table->n_columns, table->created ? table->created : "");
            }
            silk_table_free(table);
            table = NULL;
        }
        if (opt.json)
            printf("%s]\n", n ? "\n" : "");
        status = 0;
        goto done;
    }
    if (silk_store_read_table(store, opt.args[0], &table, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    print_table(table, opt.json);
    status = 0;
done:
    silk_table_free(table);
    silk_store_close(store);
    cli_options_release(&opt);
    return status;
}
