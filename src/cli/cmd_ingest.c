/*
 * cmd_ingest.c: `silkstat ingest [--store FILE] FILE...`
 * Reads every file into one batch first and commits only if all of them
 * were read without error, so a bad file changes nothing in the store.
 */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat ingest [--store FILE] [--format NAME] [--indicator NAME]\n"
    "                       [--countries FILE] [--quiet] FILE...\n"
    "Reads CSV files and merges them into the store; nothing is written\n"
    "unless every file is valid.  The format is detected from the header\n"
    "(or named with --format); --indicator names the indicator of a file\n"
    "that holds one without naming it.  Formats:\n";

static void print_usage(FILE *out)
{
    fputs(usage, out);
    for (size_t i = 0; i < silk_ingest_format_count(); i++)
        fprintf(out, "  %-13s %s\n", silk_ingest_format_name(i),
                silk_ingest_format_summary(i));
}

int cmd_ingest(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_QUIET | OPT_FORMAT | OPT_INDICATOR |
                               OPT_COUNTRIES,
                           "", &opt);
    if (status != CLI_GO) {
        if (status == 0)
            print_usage(stdout);
        return status;
    }
    if (opt.n_args == 0) {
        cli_usage_error("ingest needs at least one FILE");
        print_usage(stderr);
        return EXIT_USAGE;
    }

    silk_error err = {0};
    silk_batch *batch = NULL;
    uint64_t total = 0;
    if (cli_load_countries(&opt, false, &err) != SILK_OK ||
        silk_batch_alloc(&batch, &err) != SILK_OK)
        goto fail;
    silk_ingest_options options = {.format = opt.format,
                                   .indicator = opt.indicator,
                                   .countries = opt.countries};
    for (int i = 0; i < opt.n_args; i++) {
        uint64_t rows = 0;
        const char *format = NULL;
        if (silk_ingest_file(opt.args[i], &options, (unsigned)i, batch, &rows,
                             &format, &err) != SILK_OK)
            goto fail;
        if (!opt.quiet && opt.n_args > 1)
            printf("%s: %llu rows (%s)\n", opt.args[i],
                   (unsigned long long)rows, format);
        total += rows;
    }
    if (silk_store_commit(opt.store, batch, &err) != SILK_OK)
        goto fail;
    if (!opt.quiet) {
        printf("ingested %llu rows from %d file%s into %s:",
               (unsigned long long)total, opt.n_args, opt.n_args == 1 ? "" : "s",
               opt.store);
        for (size_t i = 0; i < silk_batch_indicator_count(batch); i++)
            printf("%s %s", i ? "," : "", silk_batch_indicator_name(batch, i));
        printf("\n");
    }
    silk_batch_free(batch);
    cli_options_release(&opt);
    return 0;

fail:
    silk_batch_free(batch);
    status = cli_fail(&err);
    fprintf(stderr, "silkstat: nothing was written to %s\n", opt.store);
    cli_options_release(&opt);
    return status;
}
