/*
 * cmd_series.c: `silkstat series --indicator I --origin O --destination D`
 * prints one series as CSV period,value,flag (or JSON), missing values as
 * empty fields, never as zero.
 */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat series --indicator I --origin O --destination D\n"
    "                       [--from P] [--to P] [--where COL=V[,V]]...\n"
    "                       [--store FILE] [--json]\n"
    "Prints period,value,flag for one series.  O and D are ISO3 codes or\n"
    "country names; D is '-' for country-level indicators (population, GDP,\n"
    "remittances).  An indicator split by categorical columns (UNHCR's\n"
    "asylum tables) shows the sum over every category unless --where\n"
    "selects some, e.g. --where dec_level=FI --where dec_pc=P.\n";

int cmd_series(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_JSON | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE,
                           usage, &opt);
    if (status != CLI_GO)
        return status;
    if (!opt.indicator || !opt.origin || !opt.destination) {
        cli_usage_error("series needs --indicator, --origin and --destination");
        fputs(usage, stderr);
        cli_options_release(&opt);
        return EXIT_USAGE;
    }
    if (strchr(opt.origin, ',') || strchr(opt.destination, ',') ||
        strcmp(opt.origin, "*") == 0 || strcmp(opt.destination, "*") == 0) {
        cli_options_release(&opt);
        return cli_usage_error("series takes one origin and one destination; "
                               "use 'trend' or 'chart' for several");
    }

    silk_error err = {0};
    silk_cube *cube = NULL;
    cli_pick po = {0}, pd = {0};
    if (cli_read_selection(&opt, &cube, &po, &pd, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }

    size_t first, end;
    cli_period_range(cube, &opt, &first, &end);
    if (opt.json)
        printf("[");
    else
        printf("period,value,flag\n");
    for (size_t p = first; p < end; p++) {
        size_t at = silk_cube_index(cube, po.index[0], pd.index[0], p);
        char label[SILK_PERIOD_LABEL_MAX], number[32], flags[SILK_FLAGS_TEXT_MAX];
        silk_period_format(cube->period[p], label);
        cli_number(number, sizeof number, cube->value[at]);
        silk_flags_format(cube->flags[at], flags);
        if (opt.json)
            printf("%s\n  {\"period\": \"%s\", \"value\": %s, \"flag\": \"%s\"}",
                   p > first ? "," : "", label, number[0] ? number : "null",
                   flags);
        else
            printf("%s,%s,%s\n", label, number, flags);
    }
    if (opt.json)
        printf("\n]\n");
    status = 0;

done:
    cli_pick_release(&po);
    cli_pick_release(&pd);
    silk_cube_free(cube);
    cli_options_release(&opt);
    return status;
}
