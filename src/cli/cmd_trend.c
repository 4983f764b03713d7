/*
 * cmd_trend.c: `silkstat trend`: OLS, Mann-Kendall and Sen's slope for
 * every selected series with at least 3 values, one CSV row each.
 * Time is the period ordinal, so slopes are per year for annual data, per
 * quarter or per month otherwise; gaps keep their true distance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: silkstat trend [--indicator I[,I...]] [--origin O[,O...]]\n"
    "                      [--destination D[,D...]] [--from P] [--to P]\n"
    "                      [--where COL=V[,V]]... [--store FILE]\n"
    "Prints one CSV row per series with at least 3 values:\n"
    "  indicator,origin,destination,n,first,last,\n"
    "  ols_slope,ols_se,ols_ci_low,ols_ci_high,ols_r2,ols_p,\n"
    "  mk_s,mk_var_s,mk_z,mk_p,mk_tau,sen_slope,sen_ci_low,sen_ci_high\n"
    "Slopes are per period (year, quarter or month).  Country lists take\n"
    "ISO3 codes, country names and group names (silk5, eu27, gcc, ...), '*'\n"
    "(the default: all) and '-' (the country-level destination).\n"
    "--where sums only the selected categories of an indicator split by\n"
    "categorical columns (without --indicator: of every indicator that has\n"
    "those columns).\n";

static const char header[] =
    "indicator,origin,destination,n,first,last,ols_slope,ols_se,ols_ci_low,"
    "ols_ci_high,ols_r2,ols_p,mk_s,mk_var_s,mk_z,mk_p,mk_tau,sen_slope,"
    "sen_ci_low,sen_ci_high\n";

static void put_numbers(const double *values, size_t n)
{
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        cli_number(buf, sizeof buf, values[i]);
        printf(",%s", buf);
    }
}

/* One series: returns false if a method failed (reported on stderr). */
static bool trend_row(const silk_cube *cube, size_t o, size_t d, size_t first,
                      size_t end, double *t, double *y)
{
    size_t n = 0, p_first = 0, p_last = 0;
    for (size_t p = first; p < end; p++) {
        double v = cube->value[silk_cube_index(cube, o, d, p)];
        if (isnan(v))
            continue;
        if (n == 0)
            p_first = p;
        p_last = p;
        t[n] = (double)silk_period_ordinal(cube->period[p]);
        y[n++] = v;
    }
    if (n < 3)
        return true;

    silk_error err = {0};
    silk_ols ols;
    silk_mk mk;
    silk_sen sen;
    double fields[14];
    for (size_t i = 0; i < 14; i++)
        fields[i] = NAN;
    bool ok = true;
    if (silk_trend_ols(t, y, n, &ols, &err) == SILK_OK) {
        double v[] = {ols.slope, ols.slope_se, ols.slope_lo, ols.slope_hi,
                      ols.r2, ols.p};
        memcpy(fields, v, sizeof v);
    } else {
        ok = false;
        fprintf(stderr, "silkstat: %s %s %s: %s\n", cube->indicator,
                cube->origin[o], cli_code_label(cube->destination[d]),
                err.message);
    }
    if (silk_trend_mann_kendall(y, n, &mk, &err) == SILK_OK) {
        double v[] = {mk.s, mk.var_s, mk.z, mk.p, mk.tau};
        memcpy(fields + 6, v, sizeof v);
    } else {
        ok = false;
        fprintf(stderr, "silkstat: %s %s %s: %s\n", cube->indicator,
                cube->origin[o], cli_code_label(cube->destination[d]),
                err.message);
    }
    if (silk_trend_sen(t, y, n, 0.05, &sen, &err) == SILK_OK) {
        double v[] = {sen.slope, sen.lo, sen.hi};
        memcpy(fields + 11, v, sizeof v);
    } else {
        ok = false;
        fprintf(stderr, "silkstat: %s %s %s: %s\n", cube->indicator,
                cube->origin[o], cli_code_label(cube->destination[d]),
                err.message);
    }

    char from[SILK_PERIOD_LABEL_MAX], to[SILK_PERIOD_LABEL_MAX];
    silk_period_format(cube->period[p_first], from);
    silk_period_format(cube->period[p_last], to);
    cli_csv_field(stdout, cube->indicator);
    printf(",%s,%s,%zu,%s,%s", cube->origin[o],
           cli_code_label(cube->destination[d]), n, from, to);
    put_numbers(fields, 14);
    putchar('\n');
    return ok;
}

int cmd_trend(int argc, char **argv)
{
    cli_options opt;
    int status = cli_parse(argc, argv,
                           OPT_STORE | OPT_INDICATOR | OPT_ORIGIN |
                               OPT_DESTINATION | OPT_FROM | OPT_TO |
                               OPT_COUNTRIES | OPT_WHERE,
                           usage, &opt);
    if (status != CLI_GO)
        return status;

    silk_error err = {0};
    silk_store *store = NULL;
    char **names = NULL;
    size_t n_names = 0;
    bool all_ok = true;
    if (cli_load_countries(&opt, false, &err) != SILK_OK ||
        silk_store_open(opt.store, &store, &err) != SILK_OK ||
        cli_indicators(store, opt.indicator, &names, &n_names, &err) !=
            SILK_OK) {
        status = cli_fail(&err);
        goto done;
    }
    fputs(header, stdout);
    for (size_t i = 0; i < n_names; i++) {
        silk_cube *cube = NULL;
        cli_pick po = {0}, pd = {0};
        double *t = NULL, *y = NULL;
        if (silk_store_read(store, names[i], &cube, &err) != SILK_OK) {
            status = cli_fail(&err);
            goto done;
        }
        /* every indicator scanned: --where picks the ones it applies to */
        if (n_names > 1 && !cli_where_applies(&opt, cube)) {
            silk_cube_free(cube);
            continue;
        }
        if (cli_apply_where(&opt, &cube, &err) != SILK_OK ||
            cli_pick_cube(&opt, cube, n_names > 1, &po, &pd, &err) !=
                SILK_OK) {
            silk_cube_free(cube);
            status = cli_fail(&err);
            goto done;
        }
        t = malloc((cube->n_period + 1) * sizeof *t);
        y = malloc((cube->n_period + 1) * sizeof *y);
        if (t == NULL || y == NULL) {
            free(t);
            free(y);
            cli_pick_release(&po);
            cli_pick_release(&pd);
            silk_cube_free(cube);
            silk_error_set(&err, SILK_ENOMEM, "out of memory");
            status = cli_fail(&err);
            goto done;
        }
        size_t first, end;
        cli_period_range(cube, &opt, &first, &end);
        for (size_t a = 0; a < po.n; a++)
            for (size_t b = 0; b < pd.n; b++)
                all_ok &= trend_row(cube, po.index[a], pd.index[b], first, end,
                                    t, y);
        free(t);
        free(y);
        cli_pick_release(&po);
        cli_pick_release(&pd);
        silk_cube_free(cube);
    }
    status = all_ok ? 0 : 1;

done:
    cli_indicators_free(names, n_names);
    silk_store_close(store);
    cli_options_release(&opt);
    return status;
}
