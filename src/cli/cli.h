/*
 * cli.h: what the subcommands share: parsed options, selections of series
 * out of a cube, and output helpers (CSV numbers, JSON strings).
 * The CLI is a thin client of include/silkstat.h.
 */
#ifndef SILK_CLI_H
#define SILK_CLI_H

#include <stdio.h>

#include "silkstat.h"

/* Exit statuses: 0 success, 1 the data or the store, 2 the command line. */
enum { EXIT_USAGE = 2 };

/* Options a subcommand accepts, as a bit set. */
enum {
    OPT_STORE = 1 << 0,
    OPT_JSON = 1 << 1,
    OPT_INDICATOR = 1 << 2,
    OPT_ORIGIN = 1 << 3,
    OPT_DESTINATION = 1 << 4,
    OPT_FROM = 1 << 5,
    OPT_TO = 1 << 6,
    OPT_OUT = 1 << 7,
    OPT_TITLE = 1 << 8,
    OPT_SUBTITLE = 1 << 9,
    OPT_MARK = 1 << 10,
    OPT_NO_TREND = 1 << 11,
    OPT_COUNTRIES = 1 << 12, /* --countries and --groups */
    OPT_SOURCE = 1 << 13,
    OPT_QUIET = 1 << 14,
    OPT_TOTAL = 1 << 15,
    OPT_FORMAT = 1 << 16,
    OPT_MAPPING = 1 << 17, /* --column, --value-columns, --periods-as-columns,
                              --delimiter */
    OPT_WHERE = 1 << 18, /* --where COLUMN=V1,V2 (categorical columns) */
    OPT_INDICATOR_FOR = 1 << 19, /* ingest: --indicator FILE=NAME too */
    OPT_METHOD = 1 << 20,  /* trend --method a,b */
    OPT_BREAK = 1 << 21,   /* trend --break P (repeatable) */
    OPT_THREADS = 1 << 22, /* --threads N */
    OPT_SAVE = 1 << 23,    /* trend --save NAME */
    OPT_HOLT = 1 << 25,    /* forecast --horizon, --alpha, --beta, --phi */
    OPT_SMOOTH = 1 << 26,  /* series --fill, --moving */
    OPT_CHECK = 1 << 24, /* ingest --check */
    OPT_MODULE = 1 << 27,  /* --module PATH (repeatable) */
    OPT_COMPUTE = 1 << 28, /* compute --param, --input (repeatable), --as */
    OPT_CHART = 1 << 30    /* chart --type, --period(s), --top, --by, --log,
                              --band */
};

#define MAX_MARKS 8
#define MAX_WHERE 8
#define MAX_WHERE_VALUES 32
#define MAX_INDICATOR_FOR 64
#define MAX_BREAKS 16
#define MAX_MODULES 16
#define MAX_SETTINGS 32

/* One --where option: its text copied and cut into column and values. */
typedef struct cli_where {
    char *copy;
    const char *values[MAX_WHERE_VALUES];
    size_t n;
} cli_where;

typedef struct cli_options {
    const char *store;
    bool json, no_trend, quiet, total;
    bool check; /* ingest --check: validate only */
    /* ingest's column mapping (the "mapping" format) */
    const char *origin_column, *destination_column, *period_column;
    const char *value_columns;
    bool periods_as_columns;
    char delimiter; /* 0 = detect */
    const char *indicator, *origin, *destination;
    bool has_from, has_to;
    silk_period from, to;
    const char *out, *title, *subtitle, *source;
    const char *countries_path, *groups_path, *format;
    silk_countries *countries; /* loaded by cli_load_countries; owned */
    size_t n_marks;
    silk_chart_marker marks[MAX_MARKS];
    /* --where: conditions on categorical columns (silk_cube_select) */
    silk_where where[MAX_WHERE];
    cli_where where_text[MAX_WHERE];
    size_t n_where;
    /* trend: --method list, --break periods, --threads (borrowed) */
    const char *method, *threads, *save;
    const char *horizon, *alpha, *beta, *phi; /* forecast (borrowed) */
    const char *fill, *moving;                /* series (borrowed) */
    silk_period breaks[MAX_BREAKS];
    size_t n_breaks;
    /* ingest --indicator FILE=NAME, borrowed from argv */
    const char *indicator_for[MAX_INDICATOR_FOR];
    size_t n_indicator_for;
    /* --module PATH (borrowed); compute's --param NAME=VALUE and --input
     * ROLE=INDICATOR (cut copies, released with the options), --as */
    const char *module_paths[MAX_MODULES];
    size_t n_module_paths;
    silk_module_setting params[MAX_SETTINGS], inputs[MAX_SETTINGS];
    size_t n_params, n_inputs;
    char *setting_copy[2 * MAX_SETTINGS];
    size_t n_setting_copies;
    const char *as;
    /* chart (borrowed from argv) */
    const char *chart_type, *period, *periods, *top, *by;
    bool log, band;
    char **args; /* positional arguments, borrowed from argv */
    int n_args;
} cli_options;

/* Parses argv[1..] of a subcommand.  Returns CLI_GO to go on, otherwise
 * the exit status to return at once (0 after --help, 2 after an error,
 * which it has printed with the command's usage). */
#define CLI_GO (-1)
int cli_parse(int argc, char **argv, unsigned allowed, const char *usage,
              cli_options *opt);

/* Prints "silkstat: message" and returns the exit status for err. */
int cli_fail(const silk_error *err);
int cli_usage_error(const char *fmt, ...) SILK_PRINTF(1, 2);

/* A selection of positions on one cube axis from "AFG,IRN", "*" or "-". */
typedef struct cli_pick {
    size_t *index;
    size_t n;
} cli_pick;

/* Resolves a list against the labels: codes, '-' (the country-level
 * destination), group names and country names (with a country table).
 * An unknown code is an error naming it and the indicator, unless lenient
 * (several indicators are scanned and not every one has every code); a
 * group selects the members the indicator has.  NULL or "*" selects every
 * label. */
int cli_pick_labels(const char *list, char *const *labels, size_t n_labels,
                    const char *axis, const char *indicator, bool lenient,
                    const silk_countries *countries, cli_pick *out,
                    silk_error *err);
void cli_pick_release(cli_pick *pick);

/* The origins and destinations of opt picked out of cube. */
int cli_pick_cube(const cli_options *opt, const silk_cube *cube, bool lenient,
                  cli_pick *po, cli_pick *pd, silk_error *err);

/* Reads opt->indicator from opt->store and picks opt's origins and
 * destinations in it; the cube is the caller's. */
int cli_read_selection(cli_options *opt, silk_cube **cube, cli_pick *po,
                       cli_pick *pd, silk_error *err);

/* With --where: replaces *cube by the sum over the selected categories
 * (silk_cube_select).  Without: does nothing. */
int cli_apply_where(const cli_options *opt, silk_cube **cube,
                    silk_error *err);
/* True when cube has every column --where names (or no --where). */
bool cli_where_applies(const cli_options *opt, const silk_cube *cube);

/* Records in a result table what made it: the command line (argv[1..])
 * and, for each indicator named, the files that fed it with the start of
 * their SHA-256 (from store's provenance). */
int cli_table_info(silk_table *table, silk_store *store, char *const *names,
                   size_t n_names, int argc, char **argv, silk_error *err);

/* Loads the country table into opt->countries: --countries FILE or the
 * bundled datasets/countries.csv (with country-groups.csv), plus --groups
 * FILE.  Without --countries a missing bundled table is not an error
 * unless required. */
int cli_load_countries(cli_options *opt, bool required, silk_error *err);
void cli_options_release(cli_options *opt);

/* The period positions within [from, to]; first/last are inclusive. */
void cli_period_range(const silk_cube *cube, const cli_options *opt,
                      size_t *first, size_t *end);

/* Indicator names: the list in opt->indicator or every one in the store. */
int cli_indicators(silk_store *store, const char *list, char ***names,
                   size_t *n, silk_error *err);
void cli_indicators_free(char **names, size_t n);

/* A number as every table prints it (silk_number_format); "" for NaN. */
void cli_number(char buf[SILK_NUMBER_MAX], double value);
void cli_json_string(FILE *out, const char *text);
/* A CSV field, quoted if it needs to be (RFC 4180). */
void cli_csv_field(FILE *out, const char *text);

/* One output row: CSV fields, or a JSON object's members ("name": value)
 * in column order; cli_row_end closes it (newline or '}'). */
typedef struct cli_row {
    FILE *out;
    bool json;
    size_t fields; /* written so far */
    /* numbers not yet written: a run of them goes out in one fwrite (a
     * trend table prints four million) */
    size_t n_pending;
    char pending[512];
} cli_row;
void cli_row_text(cli_row *r, const char *name, const char *text);
void cli_row_number(cli_row *r, const char *name, double value);
void cli_row_end(cli_row *r);

/* The module registry: the built-ins, then the shared objects of
 * SILKSTAT_MODULE_PATH, then each --module PATH.  The caller frees it. */
int cli_load_registry(const cli_options *opt, silk_registry **out,
                      silk_error *err);

/* Creates the folders above path, as mkdir -p does. */
int cli_make_parent(const char *path, silk_error *err);

/* "-" for the country-level destination "". */
const char *cli_code_label(const char *code);

int cmd_ingest(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_series(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_chart(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_modules(int argc, char **argv);
int cmd_compute(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
