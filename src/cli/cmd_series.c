/*
 * cmd_series.c: `silkstat series --indicator I --origin O --destination D`
 * prints one series as CSV period,value,flag (or JSON), missing values as
 * empty fields, never as zero.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat series --indicator I --origin O --destination D\n"
    "                       [--from P] [--to P] [--where COL=V[,V]]...\n"
    "                       [--fill linear|steffen] [--moving mean:K|median:K]\n"
    "                       [--store FILE] [--json]\n"
    "Prints period,value,flag for one series.  O and D are ISO3 codes or\n"
    "country names; D is '-' for country-level indicators (population, GDP,\n"
    "remittances).  An indicator split by categorical columns (UNHCR's\n"
    "asylum tables) shows the sum over every category unless --where\n"
    "selects some, e.g. --where dec_level=FI --where dec_pc=P.\n"
    "--fill interpolates missing values between the first and the last\n"
    "observed one (linear, or GSL's monotone Steffen spline; never beyond\n"
    "them) and flags each filled value i.  --moving adds a column with the\n"
    "centred moving mean or median over K periods (K odd).\n";

int cmd_series(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_JSON | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE | OPT_SMOOTH,
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
    double *y = NULL, *smooth = NULL;
    uint32_t *fl = NULL;
    bool *filled = NULL;
    const char *fill = opt.fill;
    size_t moving_k = 0;
    bool moving_median = false;
    if (fill != NULL && strcmp(fill, "linear") != 0 &&
        strcmp(fill, "steffen") != 0) {
        silk_error_set(&err, SILK_EINVAL,
                       "--fill '%s' is not a method; expected linear or "
                       "steffen", fill);
        goto fail;
    }
    if (opt.moving != NULL) {
        const char *colon = strchr(opt.moving, ':');
        char *end = NULL;
        unsigned long k = colon ? strtoul(colon + 1, &end, 10) : 0;
        moving_median = colon && strncmp(opt.moving, "median:", 7) == 0;
        if (colon == NULL || *end != '\0' || colon[1] == '-' || k < 3 ||
            k % 2 == 0 || k > 999 ||
            !(moving_median || strncmp(opt.moving, "mean:", 5) == 0)) {
            silk_error_set(&err, SILK_EINVAL,
                           "--moving '%s' is not a window; expected mean:K "
                           "or median:K with K odd, from 3 to 999",
                           opt.moving);
            goto fail;
        }
        moving_k = k;
    }
    if (cli_read_selection(&opt, &cube, &po, &pd, &err) != SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }

    size_t first, end;
    cli_period_range(cube, &opt, &first, &end);
    /* With --fill or --moving, one slot a period from the first to the
     * last in range, including periods absent from the store's axis, so
     * that filling and windows see the real distances; else the axis's
     * periods as stored (DESA's five-year steps stay five-year steps). */
    bool regular = fill != NULL || moving_k > 0;
    size_t span = end <= first ? 0
                  : regular
                      ? (size_t)(silk_period_ordinal(cube->period[end - 1]) -
                                 silk_period_ordinal(cube->period[first])) + 1
                      : end - first;
    long base = span ? silk_period_ordinal(cube->period[first]) : 0;
    y = malloc((span + 1) * sizeof *y);
    smooth = malloc((span + 1) * sizeof *smooth);
    fl = calloc(span + 1, sizeof *fl);
    filled = calloc(span + 1, sizeof *filled);
    if (y == NULL || smooth == NULL || fl == NULL || filled == NULL) {
        silk_error_set(&err, SILK_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t k = 0; k < span; k++)
        y[k] = smooth[k] = NAN;
    for (size_t p = first; p < end; p++) {
        size_t k = regular ? (size_t)(silk_period_ordinal(cube->period[p]) -
                                      base)
                           : p - first;
        size_t at = silk_cube_index(cube, po.index[0], pd.index[0], p);
        y[k] = cube->value[at];
        fl[k] = cube->flags[at];
    }
    if (fill != NULL &&
        silk_fill_gaps(NULL, y, span, strcmp(fill, "steffen") == 0
                                          ? SILK_FILL_STEFFEN
                                          : SILK_FILL_LINEAR,
                       0, y, filled, NULL, &err) != SILK_OK)
        goto fail;
    for (size_t k = 0; k < span; k++)
        if (filled[k])
            fl[k] |= SILK_FLAG('i');
    if (moving_k > 0 && span >= moving_k &&
        (moving_median ? silk_movstat_median(y, span, moving_k / 2,
                                             moving_k / 2, smooth, NULL, &err)
                       : silk_movstat_mean(y, span, moving_k / 2,
                                           moving_k / 2, smooth, NULL,
                                           &err)) != SILK_OK)
        goto fail;
    if (opt.json)
        printf("[");
    else
        printf("period,value,flag%s\n", moving_k ? ",moving" : "");
    for (size_t k = 0; k < span; k++) {
        char label[SILK_PERIOD_LABEL_MAX], flags[SILK_FLAGS_TEXT_MAX];
        silk_period_format(regular ? silk_period_from_ordinal(
                                         cube->freq, base + (long)k)
                                   : cube->period[first + k],
                           label);
        silk_flags_format(fl[k], flags);
        if (opt.json)
            fputs(k ? ",\n  " : "\n  ", stdout);
        cli_row r = {.out = stdout, .json = opt.json};
        cli_row_text(&r, "period", label);
        cli_row_number(&r, "value", y[k]);
        cli_row_text(&r, "flag", flags);
        if (moving_k)
            cli_row_number(&r, "moving", smooth[k]);
        cli_row_end(&r);
    }
    if (opt.json)
        printf("\n]\n");
    status = 0;
    goto done;
fail:
    status = cli_fail(&err);
done:
    free(y);
    free(smooth);
    free(fl);
    free(filled);
    cli_pick_release(&po);
    cli_pick_release(&pd);
    silk_cube_free(cube);
    cli_options_release(&opt);
    return status;
}
