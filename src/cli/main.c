/*
 * main.c: silkstat's entry point and command table.
 *
 * To add a command:
 *   1. write src/cli/cmd_<name>.c with `int cmd_<name>(int argc, char **argv)`
 *      (argv[0] is the command name; return an exit status);
 *   2. declare it in cli.h;
 *   3. add a row to `commands` below;
 *   4. document it in README.md ("Command line") and add tests/cli tests.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"ingest", cmd_ingest, "read tidy CSV files into the store"},
    {"info", cmd_info, "summarise the store: indicators, axes, provenance"},
    {"series", cmd_series, "print one series as period,value,flag"},
    {"trend", cmd_trend, "trend tests, growth, change points and outliers per series"},
    {"chart", cmd_chart, "draw series and their trend lines with gnuplot"},
    {"forecast", cmd_forecast, "Holt's damped-trend forecasts with intervals"},
    {"modules", cmd_modules, "list the indicator modules, or show one in full"},
    {"compute", cmd_compute, "run an indicator module; store what it derives"},
    {"results", cmd_results, "list the result tables, or print one as CSV"},
    {"run", cmd_run, "run a job file: ingest, compute, charts, briefing pack"},
    {"report", cmd_report, "write a job's briefing pack (HTML, PDF, CSV)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: silkstat COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nThe store is silkstat.h5 in the current folder unless "
                 "--store FILE or SILKSTAT_STORE names another.\n"
                 "Run 'silkstat COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("silkstat %s\n", SILK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "silkstat: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
