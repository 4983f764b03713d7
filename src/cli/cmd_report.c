/*
 * cmd_report.c: `silkstat report JOB.ini`: the briefing pack of a job
 * (index.html, briefing.pdf, figures.csv in its output folder) from what
 * its steps left there; `silkstat run` calls it as its last step.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "silkstat/job.h"

static const char usage[] =
    "usage: silkstat report JOB.ini [--quiet]\n"
    "Writes the briefing pack of a job into its output folder: index.html\n"
    "(every chart as NAME.svg under its priority goal, with key figures\n"
    "computed from the numbers drawn and the table behind it; the sources\n"
    "with their SHA-256), briefing.pdf (one page per chart, through\n"
    "briefing.gp) and figures.csv (chart,label,period,value,flag).  Reads\n"
    "each chart's NAME.svg and NAME.csv, each table's NAME.csv and the\n"
    "store's provenance; 'silkstat run JOB.ini' makes them first.\n";

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool quiet = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'q') {
            quiet = true;
        } else if (c == 'h') {
            printf("%s", usage);
            return 0;
        } else {
            cli_usage_error(c == ':' ? "option '%s' needs a value"
                                     : "unknown option '%s' for 'report'",
                            argv[optind - 1]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_usage_error("expected one job file, got %d arguments",
                        argc - optind);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    silk_error err;
    silk_error_clear(&err);
    silk_job *job = NULL;
    int status = silk_job_load(argv[optind], &job, &err);
    if (status != SILK_OK) {
        fprintf(stderr, "silkstat: %s\n", err.message);
        return status == SILK_EPARSE ? EXIT_USAGE : 1;
    }
    status = silk_report_build(job, NULL, &err);
    if (status == SILK_OK && !quiet)
        printf("wrote %s/index.html, briefing.pdf and figures.csv\n",
               job->out);
    silk_job_free(job);
    if (status != SILK_OK) {
        fprintf(stderr, "silkstat: %s\n", err.message);
        return 1;
    }
    return 0;
}
