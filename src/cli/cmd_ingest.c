/*
 * cmd_ingest.c: `silkstat ingest [--store FILE] FILE...`
 * Reads every file into one batch first and commits only if all of them
 * were read without error, so a bad file changes nothing in the store.
 */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat ingest [--store FILE] [--quiet] FILE...\n"
    "Reads tidy CSV files (columns indicator, origin, destination, period,\n"
    "value; optional flag, unit, source) and merges them into the store.\n"
    "Nothing is written unless every file is valid.\n";

int cmd_ingest(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv, OPT_STORE | OPT_QUIET, usage, &opt);
    if (status != CLI_GO)
        return status;
    if (opt.n_args == 0) {
        cli_usage_error("ingest needs at least one FILE");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }

    silk_error err = {0};
    silk_batch *batch = NULL;
    uint64_t total = 0;
    if (silk_batch_alloc(&batch, &err) != SILK_OK)
        goto fail;
    for (int i = 0; i < opt.n_args; i++) {
        uint64_t rows = 0;
        if (silk_ingest_tidy(opt.args[i], (unsigned)i, batch, &rows, &err) !=
            SILK_OK)
            goto fail;
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
    return 0;

fail:
    silk_batch_free(batch);
    status = cli_fail(&err);
    fprintf(stderr, "silkstat: nothing was written to %s\n", opt.store);
    return status;
}
