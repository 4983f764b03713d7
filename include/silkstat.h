/*
 * silkstat.h: the public API of libsilkstat, used by the CLI and by any
 * program that embeds the engine.
 *
 * Conventions (see README "Design"):
 *   - Fallible functions return a silk_status (SILK_OK == 0) and describe
 *     the failure in a caller-owned silk_error.  The library never prints,
 *     exits or aborts.
 *   - Whatever comes back through a `**out` parameter belongs to the caller
 *     and is released with the matching _free/_close, which accept NULL.
 *   - `const T *` parameters are borrowed for the duration of the call.
 */
#ifndef SILKSTAT_H
#define SILKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "silkstat/module.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SILK_VERSION "0.1.0"

#if defined(__GNUC__)
#define SILK_API __attribute__((visibility("default")))
#define SILK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SILK_API
#define SILK_PRINTF(f, a)
#endif

/* ------------------------------------------------------------------ */
/* Status codes and errors                                             */
/* ------------------------------------------------------------------ */

/* Append-only: never renumber, never remove (they reach exit codes). */
typedef enum silk_status {
    SILK_OK = 0,
    SILK_ENOMEM = 1,    /* out of memory */
    SILK_EIO = 2,       /* a file could not be read, written or renamed */
    SILK_EPARSE = 3,    /* an input file is malformed */
    SILK_EINVAL = 4,    /* a bad argument or option */
    SILK_ENOTFOUND = 5, /* no such indicator or series in the store */
    SILK_ESTORE = 6,    /* the HDF5 library reported an error */
    SILK_ECONFLICT = 7, /* conflicting values for one key */
    SILK_ENUMERIC = 8,  /* GSL reported a numerical failure */
    SILK_ELOCK = 9,     /* another writer holds the store */
    SILK_ECHART = 10,   /* gnuplot failed to render */
    SILK_ETOOFEW = 11   /* too few values for the method */
} silk_status;

#define SILK_MESSAGE_MAX 1024

/* Filled by a failing call; embed it on the stack and pass its address. */
typedef struct silk_error {
    int code;
    char message[SILK_MESSAGE_MAX];
} silk_error;

/* A short constant description of a status code ("parse error"). */
SILK_API const char *silk_strerror(int code);

/* Records code and a printf-style message in err (if err is not NULL) and
 * returns code, so callers can write `return silk_error_set(err, ...)`. */
SILK_API int silk_error_set(silk_error *err, int code, const char *fmt, ...)
    SILK_PRINTF(3, 4);

/* Prepends "prefix" to the message already in err (for adding context such
 * as "FILE:LINE:COLUMN: "); returns err->code. */
SILK_API int silk_error_prefix(silk_error *err, const char *fmt, ...)
    SILK_PRINTF(2, 3);

SILK_API void silk_error_clear(silk_error *err);

/* ------------------------------------------------------------------ */
/* Periods, codes and flags                                            */
/* ------------------------------------------------------------------ */

typedef enum silk_freq {
    SILK_FREQ_NONE = 0,
    SILK_FREQ_ANNUAL = 1,
    SILK_FREQ_QUARTERLY = 4,
    SILK_FREQ_MONTHLY = 12
} silk_freq;

/* A period: 2024 (annual, sub 0), 2024-Q3 (quarterly, sub 3) or 2024-07
 * (monthly, sub 7). */
typedef struct silk_period {
    silk_freq freq;
    int year;
    int sub;
} silk_period;

#define SILK_YEAR_MIN 1800
#define SILK_YEAR_MAX 2200
#define SILK_PERIOD_LABEL_MAX 16

/* Parses "YYYY", "YYYY-Qn" or "YYYY-MM" (exactly; no spaces).  Returns
 * SILK_OK or SILK_EPARSE without touching any error struct: the caller
 * knows the file position and writes the message. */
SILK_API int silk_period_parse(const char *text, size_t len, silk_period *out);

/* Consecutive integers within one frequency: the year, year*4 + q - 1, or
 * year*12 + m - 1.  Trend slopes are per step of this ordinal. */
SILK_API long silk_period_ordinal(silk_period p);
SILK_API silk_period silk_period_from_ordinal(silk_freq freq, long ordinal);

/* Decimal year of the start of the period (2024-07 -> 2024.5), for axes. */
SILK_API double silk_period_decimal_year(silk_period p);

/* "2024", "2024-Q3" or "2024-07"; buf holds SILK_PERIOD_LABEL_MAX bytes. */
SILK_API void silk_period_format(silk_period p, char *buf);

/* Numbers as every table prints them: value as printf's "%.15g" when
 * strtod reads that back as value, otherwise as "%.17g" ("0.1", "1234",
 * "-0.99547279038914582"), so text output keeps every bit.  Writes at
 * most SILK_NUMBER_MAX bytes with the NUL and returns the length; NaN
 * and the infinities come out as printf writes them ("nan", "-inf").
 * The same bytes as snprintf and strtod give, about nine times faster;
 * safe on any thread. */
#define SILK_NUMBER_MAX 32
SILK_API size_t silk_number_format(double value, char *buf);

/* <0, 0, >0 like strcmp; periods of different frequencies order by
 * frequency first (callers never mix them in one series). */
SILK_API int silk_period_compare(silk_period a, silk_period b);

/* A country code: three ASCII capital letters (ISO 3166 alpha-3 or one of
 * UNHCR's pseudo-codes such as UNK, XXA, STA, TIB). */
#define SILK_CODE_LEN 3
SILK_API bool silk_code_valid(const char *text, size_t len);

/* Flags: one bit per letter a-z (Eurostat's p, e, b, ... ) and one for the
 * '*' that UNHCR prints for redacted small numbers.  Stored as a uint32
 * bitmask beside each value (see README "Store layout"). */
#define SILK_FLAG_REDACTED (UINT32_C(1) << 26)
#define SILK_FLAG(letter) (UINT32_C(1) << ((letter) - 'a'))
#define SILK_FLAGS_TEXT_MAX 32

/* Parses a flag string such as "p", "pe" or "*"; returns SILK_EPARSE for
 * any other character (no error struct, as for periods). */
SILK_API int silk_flags_parse(const char *text, size_t len, uint32_t *out);

/* Writes the letters of flags in a fixed order ("ep*"); "" for none. */
SILK_API void silk_flags_format(uint32_t flags, char *buf);

/* Indicator names: 1-64 characters of [A-Za-z0-9_.-], not starting with
 * '.' or '-' (they become HDF5 group names and chart file names). */
#define SILK_INDICATOR_MAX 64
SILK_API bool silk_indicator_name_valid(const char *text, size_t len);

/* ------------------------------------------------------------------ */
/* SHA-256 (provenance of ingested files)                              */
/* ------------------------------------------------------------------ */

typedef struct silk_sha256 {
    uint32_t state[8];
    uint64_t length;
    unsigned char block[64];
    size_t used;
} silk_sha256;

SILK_API void silk_sha256_init(silk_sha256 *ctx);
SILK_API void silk_sha256_update(silk_sha256 *ctx, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex. */
SILK_API void silk_sha256_final(silk_sha256 *ctx, char hex[65]);

/* ------------------------------------------------------------------ */
/* Cubes: one indicator as a dense [origin][destination][period] array */
/* ------------------------------------------------------------------ */

/* Axes are sorted: codes in strcmp order ("" - no destination - first),
 * periods chronologically.  value is NaN where missing; flags 0 where
 * none.  `set` is non-NULL only for cubes built from ingested rows: it
 * marks the cells the input named (an explicit empty value sets NaN).
 * All arrays are owned by the cube. */
typedef struct silk_cube {
    char *indicator;
    char *unit;   /* "" when not given */
    char *source; /* "" when not given */
    silk_freq freq;
    size_t n_origin, n_destination, n_period;
    char **origin;      /* n_origin codes */
    char **destination; /* n_destination codes, "" = country-level */
    silk_period *period;
    double *value;   /* n_origin * n_destination * n_period */
    uint32_t *flags; /* same shape */
    unsigned char *set; /* same shape, or NULL */
    struct silk_detail *detail; /* categorical breakdown, or NULL */
    /* What made a derived indicator (a module run; see "Modules"), or
     * NULL for an ingested one.  Owned by the cube. */
    struct silk_derivation *derivation;
} silk_cube;

/* The categorical breakdown of an indicator whose rows are classified by
 * columns such as UNHCR's procedure_type, dec_level or pop_type.  The
 * cube's own value/flags then hold the default aggregation, the sum over
 * every category (see silk_cube_aggregate); the detail holds the rows as
 * read, one series per (origin, destination, category) over the cube's
 * period axis.  Owned by the cube.
 *
 * A category is a tuple of one value per column, kept as one string with
 * the values joined by SILK_CATEGORY_SEP, so tuples sort and compare as
 * strings; categories are sorted and distinct.  Series are sorted by
 * (origin, destination, category) and distinct. */
#define SILK_CATEGORY_SEP '\x1f'
#define SILK_CATEGORY_COLUMNS_MAX 8

typedef struct silk_detail {
    size_t n_column;
    char **column;   /* names: [a-z][a-z0-9_]*, at most 64 characters */
    size_t n_category;
    char **category; /* joined tuples */
    size_t n_series;
    uint32_t *origin;      /* n_series positions on the cube's axes */
    uint32_t *destination;
    uint32_t *category_of; /* n_series positions in category[] */
    double *value;   /* n_series * cube->n_period, NaN = missing */
    uint32_t *flags; /* same shape */
    unsigned char *set; /* same shape, or NULL (as the cube's) */
} silk_detail;

/* True for a usable categorical column name (see silk_detail.column). */
SILK_API bool silk_category_column_valid(const char *name);

/* Recomputes cube->value and flags from cube->detail: each cell is the sum
 * of the finite detail values over all categories (NaN if none), its flags
 * the union of theirs.  Does nothing without a detail. */
SILK_API void silk_cube_aggregate(silk_cube *cube);

/* A selection of categories: column = one of values. */
typedef struct silk_where {
    const char *column;
    const char *const *values;
    size_t n_values;
} silk_where;

/* A new cube (without detail) on cube's axes, summing only the categories
 * whose tuples match every condition.  Fails with SILK_EINVAL naming the
 * column or value when a column is unknown, a value never occurs in it,
 * or cube has no categorical columns. */
SILK_API int silk_cube_select(const silk_cube *cube, const silk_where *where,
                              size_t n_where, silk_cube **out,
                              silk_error *err);

/* Value k of category c, into buf (at most size bytes, NUL-terminated). */
SILK_API void silk_detail_category_value(const silk_detail *detail, size_t c,
                                         size_t k, char *buf, size_t size);

static inline size_t silk_cube_index(const silk_cube *cube, size_t origin,
                                     size_t destination, size_t period)
{
    return (origin * cube->n_destination + destination) * cube->n_period +
           period;
}

/* Allocates a cube with copies of the given axes, every value NaN, every
 * flag 0, and `set` allocated (all zero) when with_set is true. */
SILK_API int silk_cube_alloc(const char *indicator, silk_freq freq,
                             const char *const *origin, size_t n_origin,
                             const char *const *destination,
                             size_t n_destination, const silk_period *period,
                             size_t n_period, bool with_set, silk_cube **out,
                             silk_error *err);
SILK_API void silk_cube_free(silk_cube *cube);

/* Replaces unit or source (copies text). */
SILK_API int silk_cube_set_unit(silk_cube *cube, const char *unit,
                                silk_error *err);
SILK_API int silk_cube_set_source(silk_cube *cube, const char *source,
                                  silk_error *err);

/* Index of a code or period on an axis, or (size_t)-1 if absent. */
SILK_API size_t silk_cube_find_origin(const silk_cube *cube, const char *code);
SILK_API size_t silk_cube_find_destination(const silk_cube *cube,
                                           const char *code);
SILK_API size_t silk_cube_find_period(const silk_cube *cube, silk_period p);

/* Upsert: a new cube on the union of both cubes' axes holding base's cells,
 * overwritten by every cell that update marks as set.  The new cube carries
 * a copy of update's derivation record, else of base's (an ingest into a
 * derived indicator keeps its record; a recompute replaces the indicator
 * whole, see silk_store_commit_derived).  Fails with
 * SILK_ECONFLICT if the frequencies differ or both give different non-empty
 * units, or if one has categorical columns and the other not the same
 * ones.  With a detail the upsert works on the detail's cells (a category
 * the update does not name keeps its values) and the aggregate is
 * recomputed.  base may be NULL. */
SILK_API int silk_cube_merge(const silk_cube *base, const silk_cube *update,
                             silk_cube **out, silk_error *err);

/* ------------------------------------------------------------------ */
/* Batches: everything one ingest run will commit                      */
/* ------------------------------------------------------------------ */

typedef struct silk_batch silk_batch;

SILK_API int silk_batch_alloc(silk_batch **out, silk_error *err);
SILK_API void silk_batch_free(silk_batch *batch);

/* Records one cell.  `file_index` numbers the input files of the run: a
 * second, different value or flag for the same (indicator, origin,
 * destination, period) from the same file fails with SILK_ECONFLICT and a
 * message naming the line of the first; an identical repeat is accepted;
 * a later file replaces an earlier one.  unit and source may be NULL or
 * ""; a different non-empty unit for an indicator that already has one
 * fails with SILK_ECONFLICT, as does a second frequency.  destination ""
 * means a country-level value. */
SILK_API int silk_batch_put(silk_batch *batch, const char *indicator,
                            const char *origin, const char *destination,
                            silk_period period, double value, uint32_t flags,
                            const char *unit, const char *source,
                            unsigned file_index, size_t line, silk_error *err);

/* silk_batch_put with the 1-based column of the value in its file (0:
 * unknown), kept so that silk_batch_cell_source can name it later. */
SILK_API int silk_batch_put_at(silk_batch *batch, const char *indicator,
                               const char *origin, const char *destination,
                               silk_period period, double value,
                               uint32_t flags, const char *unit,
                               const char *source, unsigned file_index,
                               size_t line, size_t column, silk_error *err);

/* Where the cell (origin, destination, period) of indicator i was read:
 * the file (as given to silk_batch_add_provenance; borrowed), line and
 * column (0 if unknown).  For an indicator split by categories, the first
 * category's cell.  SILK_ENOTFOUND (no message) when the cell was never
 * put, its file has no provenance record yet, or its line is unknown. */
SILK_API int silk_batch_cell_source(const silk_batch *batch, size_t i,
                                    const char *origin,
                                    const char *destination,
                                    silk_period period, const char **file,
                                    size_t *line, size_t *column);

/* Declares the categorical columns of an indicator (before its first
 * put; or again with the same columns).  SILK_ECONFLICT if the indicator
 * already has other columns or values put without categories;
 * SILK_EINVAL for a bad column name or more than
 * SILK_CATEGORY_COLUMNS_MAX columns. */
SILK_API int silk_batch_set_categories(silk_batch *batch,
                                       const char *indicator,
                                       const char *const *columns,
                                       size_t n_columns, silk_error *err);

/* silk_batch_put for an indicator with categorical columns: category
 * holds one value per declared column (any non-empty text without control
 * characters; "NA" is a value like any other).  The key is (indicator,
 * origin, destination, category, period). */
SILK_API int silk_batch_put_category(silk_batch *batch, const char *indicator,
                                     const char *origin,
                                     const char *destination,
                                     const char *const *category,
                                     silk_period period, double value,
                                     uint32_t flags, const char *unit,
                                     const char *source, unsigned file_index,
                                     size_t line, size_t column,
                                     silk_error *err);

/* A provenance record for one ingested file. */
typedef struct silk_provenance {
    char *file;       /* as named on the command line */
    char sha256[65];  /* hex digest of the file's bytes */
    uint64_t rows;    /* data rows read */
    char *time;       /* ISO 8601 UTC, set when committed */
    char *version;    /* silkstat version that ingested it */
    char *indicators; /* comma-separated indicator names it touched */
} silk_provenance;

/* file_index is the one the file's rows were put with: the record lists
 * the indicators those rows touched. */
SILK_API int silk_batch_add_provenance(silk_batch *batch, unsigned file_index,
                                       const char *file,
                                       const char sha256[65], uint64_t rows,
                                       silk_error *err);

/* Number of indicators, and indicator i's cells as a cube with `set`
 * (sorted axes spanning only the cells given).  The cube is the caller's. */
SILK_API size_t silk_batch_indicator_count(const silk_batch *batch);
SILK_API const char *silk_batch_indicator_name(const silk_batch *batch,
                                               size_t i);
SILK_API int silk_batch_cube(const silk_batch *batch, size_t i,
                             silk_cube **out, silk_error *err);
SILK_API size_t silk_batch_provenance_count(const silk_batch *batch);
/* Borrowed; valid until the batch is freed.  time is NULL here. */
SILK_API const silk_provenance *silk_batch_provenance(const silk_batch *batch,
                                                      size_t i);

SILK_API void silk_provenance_release(silk_provenance *prov);

/* ------------------------------------------------------------------ */
/* Countries: codes, names as the agencies spell them, groups          */
/* ------------------------------------------------------------------ */

/* The country table (datasets/countries.csv: iso3, name required; iso2,
 * m49, unhcr_code, kind, region, aliases optional, aliases separated by
 * '|') and the group table (datasets/country-groups.csv: group, title,
 * members as space-separated ISO3 codes; users add their own files). */
typedef struct silk_countries silk_countries;

/* groups may be NULL.  Errors name the file, line and column. */
SILK_API int silk_countries_load(const char *countries_csv,
                                 const char *groups_csv,
                                 silk_countries **out, silk_error *err);
/* Adds the groups of another file (a user's own). */
SILK_API int silk_countries_add_groups(silk_countries *countries,
                                       const char *groups_csv,
                                       silk_error *err);
SILK_API void silk_countries_free(silk_countries *countries);

/* Resolves text (an ISO3 or UNHCR code, an English name or any alias, as
 * the agencies spell it) to its ISO3 code, matching case- and
 * accent-insensitively and ignoring surrounding spaces.  *code is
 * borrowed from the table.  An unknown name fails with SILK_ENOTFOUND and
 * "unknown country 'X'; closest known: 'A' (AAA), 'B' (BBB), 'C' (CCC)";
 * the caller prefixes the position. */
SILK_API int silk_countries_resolve(const silk_countries *countries,
                                    const char *text, size_t len,
                                    const char **code, silk_error *err);

/* Resolves an ISO 3166-1 alpha-2 code (two capital letters, the table's
 * iso2 column) to its ISO3 code; also the two codes the EU institutions
 * use in place of ISO's, which ISO reserves for them: EL (Greece, GRC)
 * and UK (United Kingdom, GBR).  *iso3 is borrowed from the table.
 * Returns SILK_ENOTFOUND, touching no error struct, for any other text:
 * the caller knows the position and writes the message. */
SILK_API int silk_countries_resolve_iso2(const silk_countries *countries,
                                         const char *iso2,
                                         const char **iso3);

/* The short English name of a code, or NULL if unknown. */
SILK_API const char *silk_countries_name(const silk_countries *countries,
                                         const char *code);

/* UNHCR's own code for an ISO3 code of the table ("ALG" for DZA, "AUS" for
 * AUT), "" when the table gives none, NULL when the code is not in the
 * table.  Borrowed from the table. */
SILK_API const char *silk_countries_unhcr_code(const silk_countries *countries,
                                               const char *code);

/* True for regional and income aggregates (WLD, ARB, LMC, EUU...): their
 * values are kept apart from countries' (see silk_ingest_file). */
SILK_API bool silk_countries_is_aggregate(const silk_countries *countries,
                                          const char *code);

/* The members of a group ("silk5", "eu27", "gcc", ...; case-insensitive):
 * *codes is borrowed from the table.  SILK_ENOTFOUND names the group and
 * lists the known ones. */
SILK_API int silk_countries_group(const silk_countries *countries,
                                  const char *group, const char *const **codes,
                                  size_t *n, silk_error *err);

/* ------------------------------------------------------------------ */
/* Ingest (libcsv)                                                     */
/* ------------------------------------------------------------------ */

/* Longest field accepted; longer ones are an error at their position. */
#define SILK_FIELD_MAX (64 * 1024)

/* Reads one tidy CSV file (header naming indicator, origin, destination,
 * period, value in any order; optional flag, unit, source) into batch,
 * streaming, and adds its provenance record.  On error returns the status
 * with "FILE:LINE:COLUMN: what was wrong, what was expected" in err, where
 * COLUMN is the 1-based field number, and *rows_out is 0; the batch may
 * then hold part of the file and must be discarded.  Blank lines are
 * skipped; a header-only file is a successful ingest of 0 rows. */
SILK_API int silk_ingest_tidy(const char *path, unsigned file_index,
                              silk_batch *batch, uint64_t *rows_out,
                              silk_error *err);

/* Problems found by `ingest --check`: every error and warning of a run,
 * each with its FILE:LINE:COLUMN, instead of stopping at the first. */
typedef struct silk_problems silk_problems;
/* (the silk_problems_* functions are declared in the section below) */

/* What silk_ingest_file needs beyond the file. */
typedef struct silk_ingest_options {
    const char *format;    /* a format's name; NULL or "auto": detect it */
    const char *indicator; /* names the indicator of a file that holds one
                              without naming it (World Bank per-indicator
                              form, DESA stock table); NULL otherwise */
    const silk_countries *countries; /* resolves names and aggregates;
                                        formats that name countries need it */
    /* The "mapping" format: any long or wide table, columns named by the
     * user (--column origin=COL --column destination=COL --column
     * period=COL --value-columns A,B); NULL when not given. */
    const char *origin_column, *destination_column, *period_column;
    const char *value_columns; /* comma-separated; each becomes an
                                  indicator (or --indicator if one) */
    bool periods_as_columns;   /* wide: every column named like a period
                                  is a value column of that period */
    /* When set, warnings are collected here; a collector made to collect
     * errors too (ingest --check) also takes row-level errors, and reading
     * goes on past them (the run then writes nothing).  NULL: the first
     * error stops the read and warnings are dropped. */
    silk_problems *problems;
    /* ',', ';' or '\t'; 0 = detect from the first non-blank line (the
     * separator giving the most fields, ',' winning ties).  Eurostat TSV
     * is always read with tabs. */
    char delimiter;
} silk_ingest_options;

/* ---- silk_problems: the collector of ingest --check ---- */

/* A collector keeps every error and warning of a run with its position,
 * grouped by kind.  Two modes: for `ingest --check` (collect_errors true)
 * a row-level error is recorded and reading goes on with the next row;
 * for a plain ingest (collect_errors false) only warnings are recorded
 * and the first error stops the read exactly as without a collector.
 *
 * Kinds: a problem's kind is its message without the "FILE:LINE:COLUMN: "
 * prefix, cut before the first "; " (what was expected), with a leading
 * quoted value and its " in " dropped, parenthesised asides dropped, and
 * every word starting with a digit outside quotes replaced by N:
 *   "'x' in column 'value' is not a number; expected ..."
 *       -> "column 'value' is not a number"
 *   "line 7 has 3 fields; expected 5 as in the header"
 *       -> "line N has N fields"
 * Groups come errors first, then warnings, each in order of first
 * appearance; within a group problems are in file order (the order files
 * first appear), then line, then column; problems without a position come
 * last.  Memory stays bounded whatever the input: each group lists its
 * first SILK_PROBLEMS_LISTED problems and only counts the rest, and after
 * SILK_PROBLEMS_GROUPS groups of one severity new kinds are counted in a
 * last group "other problems". */
#define SILK_PROBLEMS_LISTED 100
#define SILK_PROBLEMS_GROUPS 200

typedef enum silk_severity {
    SILK_SEVERITY_ERROR = 0,
    SILK_SEVERITY_WARNING = 1
} silk_severity;

/* One problem; every string is borrowed from the collector. */
typedef struct silk_problem {
    silk_severity severity;
    int code;            /* the error's silk_status; SILK_OK for warnings */
    const char *file;    /* "" when the message names no position */
    size_t line, column; /* 0 when unknown */
    const char *message; /* without its "FILE:LINE:COLUMN: " prefix */
} silk_problem;

SILK_API int silk_problems_alloc(bool collect_errors, silk_problems **out,
                                 silk_error *err);
SILK_API void silk_problems_free(silk_problems *problems);
SILK_API bool silk_problems_collect_errors(const silk_problems *problems);

/* Records one problem.  message may start with "FILE:LINE:COLUMN: ",
 * which is parsed into the position; kind NULL derives the kind from the
 * message (see above).  The counts grow even when memory runs out (the
 * problem is then counted but not listed, and SILK_ENOMEM returned). */
SILK_API int silk_problems_add(silk_problems *problems,
                               silk_severity severity, int code,
                               const char *kind, const char *message,
                               silk_error *err);

/* The kind of a message, as silk_problems_add derives it, into buf. */
SILK_API void silk_problems_kind(const char *message, char *buf,
                                 size_t size);

SILK_API size_t silk_problems_error_count(const silk_problems *problems);
SILK_API size_t silk_problems_warning_count(const silk_problems *problems);

/* Groups in the order described above; group i's kind, severity, count of
 * problems (all of them) and how many are listed (at most
 * SILK_PROBLEMS_LISTED), and the listed ones in order. */
SILK_API size_t silk_problems_group_count(const silk_problems *problems);
SILK_API const char *silk_problems_group_kind(const silk_problems *problems,
                                              size_t group);
SILK_API silk_severity
silk_problems_group_severity(const silk_problems *problems, size_t group);
SILK_API size_t silk_problems_group_total(const silk_problems *problems,
                                          size_t group);
SILK_API size_t silk_problems_group_listed(const silk_problems *problems,
                                           size_t group);
SILK_API const silk_problem *silk_problems_get(const silk_problems *problems,
                                               size_t group, size_t i);

/* The checks that need whole series, run on batch after every file is
 * read: a value at least 1000 times larger or smaller than both its
 * nearest non-missing neighbours in its series (both non-zero; the value
 * itself non-zero) is a warning in opt->problems, reported at the cell's
 * position (silk_batch_cell_source; "FILE:LINE: " when the column is
 * unknown, none when the line is) as "indicator I, O -> D, period P:
 * ...".  Does nothing when opt->problems is NULL. */
/* The same checks on one cube of indicator i of batch (for
 * silk_store_commit_visit: the cube may hold the store's cells too; a
 * jump is reported only where the batch named the jumping cell). */
SILK_API void silk_ingest_sanity_cube(const silk_batch *batch, size_t i,
                                      const silk_cube *cube,
                                      const silk_ingest_options *opt);
SILK_API int silk_ingest_sanity(const silk_batch *batch,
                                const silk_ingest_options *opt,
                                silk_error *err);


/* Reads one file of any supported format into batch, streaming, and adds
 * its provenance record; *format_out (may be NULL) gets the name of the
 * format read.  Errors as for silk_ingest_tidy.  Regional and income
 * aggregates go to a separate indicator "<indicator>.aggregates", never
 * mixed with countries. */
SILK_API int silk_ingest_file(const char *path, const silk_ingest_options *opt,
                              unsigned file_index, silk_batch *batch,
                              uint64_t *rows_out, const char **format_out,
                              silk_error *err);

/* The supported formats, for help texts: name and a one-line summary. */
SILK_API size_t silk_ingest_format_count(void);
SILK_API const char *silk_ingest_format_name(size_t i);
SILK_API const char *silk_ingest_format_summary(size_t i);

/* ------------------------------------------------------------------ */
/* The HDF5 store                                                      */
/* ------------------------------------------------------------------ */

/* $SILKSTAT_STORE if set and not empty, else "silkstat.h5". */
SILK_API const char *silk_store_default_path(void);

/* Merges every indicator of batch into the store at path (created if
 * absent) and appends its provenance records.  Atomic: the new store is
 * written beside the old one and renamed over it after fsync, under a
 * writer lock (path + ".lock"); on any failure the old store is left
 * byte-for-byte as it was. */
SILK_API int silk_store_commit(const char *path, const silk_batch *batch,
                               silk_error *err);

/* silk_store_commit that shows visit each indicator's cube as it will be
 * stored (the batch's merged with the store's), with the indicator's
 * position in batch, before writing it: checks that need whole series
 * then cost no second build of the cubes. */
typedef void (*silk_cube_visitor)(const silk_cube *cube, size_t batch_index,
                                  void *ctx);
SILK_API int silk_store_commit_visit(const char *path,
                                     const silk_batch *batch,
                                     silk_cube_visitor visit, void *ctx,
                                     silk_error *err);

typedef struct silk_store silk_store;

/* Opens a store read-only.  SILK_ENOTFOUND if the file does not exist,
 * SILK_ESTORE if it is not a silkstat store. */
SILK_API int silk_store_open(const char *path, silk_store **out,
                             silk_error *err);
SILK_API void silk_store_close(silk_store *store);

/* Indicators in name order; the name is borrowed from the store. */
SILK_API size_t silk_store_indicator_count(const silk_store *store);
SILK_API const char *silk_store_indicator_name(const silk_store *store,
                                               size_t i);

/* Reads one indicator in full (set == NULL).  SILK_ENOTFOUND names it. */
SILK_API int silk_store_read(silk_store *store, const char *indicator,
                             silk_cube **out, silk_error *err);

/* ---- Result tables: what trend --save and modules keep ---- */

/* A table of results (one row per series, say): named columns of numbers
 * or of text, with what made it, so a chart or report can use it later
 * and tell where it came from. */
typedef struct silk_table_column {
    char *name;     /* [a-z0-9_], as a CSV header; unique in the table */
    bool text;      /* text values (string), else numbers (number) */
    double *number; /* n_rows, NaN = missing */
    char **string;  /* n_rows, never NULL entries ("" = none) */
} silk_table_column;

typedef struct silk_table {
    char *name;       /* an indicator-style name: results/<name> */
    char *kind;       /* "trend", "forecast", "module", ... */
    char *parameters; /* the options that made it, as text */
    char *inputs;     /* the inputs: indicators and their files' sha256 */
    char *created;    /* ISO 8601 UTC, set by the store when committed */
    size_t n_rows, n_columns;
    silk_table_column *columns;
} silk_table;

/* An empty table of n_rows rows (no columns yet); text fields "" . */
SILK_API int silk_table_alloc(const char *name, const char *kind,
                              size_t n_rows, silk_table **out,
                              silk_error *err);
SILK_API void silk_table_free(silk_table *table);
/* Adds a column of NaN numbers or of "" texts; *out (may be NULL) points
 * at it until the next column is added. */
SILK_API int silk_table_add_column(silk_table *table, const char *name,
                                   bool text, silk_table_column **out,
                                   silk_error *err);
/* Replaces row's text in a text column (copies it). */
SILK_API int silk_table_set_text(silk_table_column *column, size_t row,
                                 const char *text, silk_error *err);
/* Replaces parameters or inputs (copies text). */
SILK_API int silk_table_set_info(silk_table *table, const char *parameters,
                                 const char *inputs, silk_error *err);

/* Writes table as /results/<name> (replacing a table of that name) with
 * the same atomic commit as silk_store_commit; everything else in the
 * store is kept.  The store must exist. */
SILK_API int silk_store_commit_table(const char *path,
                                     const silk_table *table,
                                     silk_error *err);
/* Tables in name order; the name is borrowed from the store. */
SILK_API size_t silk_store_table_count(const silk_store *store);
SILK_API const char *silk_store_table_name(const silk_store *store, size_t i);
/* Reads one table; SILK_ENOTFOUND names it. */
SILK_API int silk_store_read_table(silk_store *store, const char *name,
                                   silk_table **out, silk_error *err);

/* Every provenance record, oldest first; free with
 * silk_store_provenance_free. */
SILK_API int silk_store_provenance(silk_store *store, silk_provenance **out,
                                   size_t *count, silk_error *err);
SILK_API void silk_store_provenance_free(silk_provenance *prov, size_t count);

/* ------------------------------------------------------------------ */
/* Modules: indicators derived by indicator modules                    */
/* ------------------------------------------------------------------ */
/*
 * A module (include/silkstat/module.h) computes new indicators from
 * indicators of the store.  The registry holds the built-in modules and
 * the shared objects loaded on request; silk_module_run reads a module's
 * inputs from a store, lines them up on shared axes and calls it;
 * silk_module_commit writes the results back with a derivation record.
 * The CLI's `modules` and `compute` commands and the batch runner are
 * thin clients of these functions.
 */

/* What made a derived indicator, stored as attributes of its group (see
 * README "Store layout") and shown by `silkstat info`.  Every field is a
 * malloc'd UTF-8 string, "" when empty, never NULL. */
typedef struct silk_derivation {
    char *module;         /* the module's name */
    char *module_version; /* its own version */
    /* Every parameter as NAME=VALUE, "; "-separated, in the descriptor's
     * order; a default is followed by " (default)". */
    char *parameters;
    /* The selection as given: "origin=silk5; destination=*; from=2000;
     * to=*; where=dec_level=FI". */
    char *selection;
    char *inputs; /* ROLE=INDICATOR, "; "-separated; a missing optional
                     input reads ROLE=(none) */
    /* Where each input came from, "; "-separated: "INDICATOR: FILE
     * sha256:HEX[, FILE sha256:HEX]" for an ingested one (from the store's
     * provenance), "INDICATOR: module NAME VERSION at TIME from ROLE=IND
     * [its own input_provenance]" for a derived one. */
    char *input_provenance;
    char *created;          /* ISO 8601 UTC, when it was computed */
    char *silkstat_version; /* the silkstat that computed it */
} silk_derivation;

/* A deep copy of from into *out (the caller frees it). */
SILK_API int silk_derivation_copy(const silk_derivation *from,
                                  silk_derivation **out, silk_error *err);
/* Frees every field and d; NULL is a no-op. */
SILK_API void silk_derivation_free(silk_derivation *d);

/* A derived indicator of a commit: replaced whole, with its record. */
typedef struct silk_derived {
    const char *indicator;
    const silk_derivation *derivation; /* copied into the store */
} silk_derived;

/* silk_store_commit for indicators computed by a module.  Each indicator
 * named in derived[] is REPLACED by the batch's cells for it (nothing of
 * the stored indicator survives, so a recompute on a narrower selection
 * leaves no stale cell; a name the batch has no cell for is removed) and
 * carries its derivation record.  A stored indicator of that name that
 * has no derivation record (an ingested one) is never replaced:
 * SILK_ECONFLICT.  Other indicators of the batch merge as in
 * silk_store_commit.  Atomic and locked like silk_store_commit. */
SILK_API int silk_store_commit_derived(const char *path,
                                       const silk_batch *batch,
                                       const silk_derived *derived,
                                       size_t n_derived, silk_error *err);

/* ---- The registry (src/modules/registry.c) ---- */

typedef struct silk_registry silk_registry;

/* A registry holding the built-in modules (validated; listed once, in the
 * order of src/modules/builtin.h).  Free with silk_registry_free. */
SILK_API int silk_registry_alloc(silk_registry **out, silk_error *err);
/* Closes the loaded shared objects (their descriptors die with them) and
 * frees reg; NULL is a no-op. */
SILK_API void silk_registry_free(silk_registry *reg);

/* Checks a descriptor: ABI version, names ([a-z][a-z0-9_]*; a module
 * name at most 48 bytes, role and parameter names 32), kind, at least one
 * input and one output, compute set, parameter types, choices of a CHOICE
 * parameter, every default parsing as its type, no repeated role,
 * parameter or output name, NAME.OUTPUT fitting an indicator name, and no
 * output "period" in a MATRIX module.  SILK_EPARSE "module 'NAME': what
 * is wrong"; the caller prefixes the file. */
SILK_API int silk_module_validate(const silk_module *module, silk_error *err);

/* Registers a descriptor that the caller keeps alive as long as reg (an
 * embedder's own module; tests).  origin names where it came from in
 * messages and listings (NULL: built in).  A name already registered is
 * SILK_ECONFLICT. */
SILK_API int silk_registry_add(silk_registry *reg, const silk_module *module,
                               const char *origin, silk_error *err);

/* Loads a module from a shared object: dlopen(RTLD_NOW | RTLD_LOCAL), the
 * entry SILK_MODULE_ENTRY, the ABI version checked before any other
 * member is read, then silk_module_validate and the name's uniqueness.
 * The object stays loaded until silk_registry_free.  Every error starts
 * with the path: "build/x.so: module ABI version 2; this silkstat
 * supports version 1 (rebuild it against include/silkstat/module.h)".
 * SILK_EIO (cannot be opened or has no entry), SILK_EPARSE (version or
 * descriptor), SILK_ECONFLICT (name taken).  Loading the same object
 * twice is a no-op. */
SILK_API int silk_registry_load(silk_registry *reg, const char *path,
                                silk_error *err);

/* Loads every entry of a colon-separated list (SILKSTAT_MODULE_PATH): a
 * file is loaded as silk_registry_load does, a folder's *.so files in
 * name order; empty entries are skipped.  Stops at the first error. */
SILK_API int silk_registry_load_path(silk_registry *reg, const char *list,
                                     silk_error *err);

/* The modules: built-ins first, then loaded ones in load order.  Origin
 * is NULL for a built-in, else the path it was loaded from (borrowed). */
SILK_API size_t silk_registry_count(const silk_registry *reg);
SILK_API const silk_module *silk_registry_module(const silk_registry *reg,
                                                 size_t i);
SILK_API const char *silk_registry_origin(const silk_registry *reg,
                                          size_t i);
/* The module of that name, or NULL; *index (may be NULL) gets its
 * position. */
SILK_API const silk_module *silk_registry_find(const silk_registry *reg,
                                               const char *name,
                                               size_t *index);

/* "country", "corridor", "matrix"; "number", "integer", "text",
 * "period", "choice"; "?" for anything else. */
SILK_API const char *silk_module_kind_name(silk_module_kind kind);
SILK_API const char *silk_module_param_type_name(silk_module_param_type type);

/* ---- Running a module (src/modules/host.c) ---- */

/* NAME=VALUE: one --param, or one --input (ROLE=INDICATOR). */
typedef struct silk_module_setting {
    const char *name;
    const char *value;
} silk_module_setting;

/* What to run, as the user gave it.  Every pointer is borrowed. */
typedef struct silk_module_request {
    const char *module; /* a registered module's name */
    const silk_module_setting *params; /* in any order */
    size_t n_params;
    const silk_module_setting *inputs; /* roles rebound to indicators */
    size_t n_inputs;
    const char *name; /* the result's name (--as); NULL: the module's */
    /* Country lists as the CLI takes them: codes, '-' (the country-level
     * destination), '*' or NULL for all, group names (silk5) and country
     * names (with countries).  An explicit code no input has is
     * SILK_ENOTFOUND; a group selects the members the inputs have. */
    const char *origin, *destination;
    const silk_countries *countries; /* may be NULL: codes only */
    bool has_from, has_to;
    silk_period from, to; /* inclusive; the inputs' frequency */
    /* Conditions on categorical columns, applied to every input split by
     * categories (silk_cube_select); an input without categories is read
     * whole. */
    const silk_where *where;
    size_t n_where;
    /* Sum each bilateral input over the selected destinations into the
     * country-level entry "" before the call (--total): a corridor
     * module then gives each origin's figure over all of them, a rate of
     * sums (recognised over decided, all countries of asylum), never a
     * mean of rates.  Country-level inputs are kept as they are. */
    bool total;
} silk_module_request;

/* A module's results on the call's axes.  Read-only for the caller;
 * free with silk_module_results_free. */
typedef struct silk_module_results {
    const silk_module *module; /* borrowed from the registry */
    char *name;                /* the result's name (--as or the module's) */
    silk_freq freq;
    /* The axes the module saw (module.h); the arrays below back them. */
    silk_module_axes axes;
    char **origin, **destination, **country;
    char **period_label;
    long *ordinal, *country_origin, *country_destination;
    silk_period *period;
    /* One per output, in the descriptor's order: the arrays (shapes as
     * in module.h, every non-finite value NaN with flags 0), the stored
     * name (the indicator NAME or NAME.OUTPUT; the column for MATRIX) and
     * the count of values (non-NaN cells). */
    size_t n_output;
    silk_module_result *output;
    char **output_name;
    size_t *output_values;
    silk_derivation *derivation;
} silk_module_results;

/* Runs module req->module of reg on store: reads each input (the
 * descriptor's default indicator unless req->inputs rebinds the role; an
 * indicator split by categories summed over req->where's categories),
 * builds the axes (the union of the inputs' codes and periods within the
 * selection, sorted; one frequency for all inputs; for COUNTRY modules
 * the country axis and its maps), checks and converts the parameters,
 * and calls compute.  A COUNTRY module keeps the country-level entry ""
 * whatever the destination list (it holds the countries' own values:
 * population, GDP) and reads the country-level values of every country
 * on the destination axis too (a host's population), but none of those
 * countries' bilateral cells outside the origin list; other kinds keep
 * "" only when the destination list selects it ('*' or '-').  Errors: SILK_EINVAL for the request (unknown module,
 * parameter or role, a value that is not of its type, a period not on
 * the axis, a bad name), SILK_ENOTFOUND (an input or a code the store
 * does not have), SILK_ECONFLICT (inputs of different frequencies),
 * SILK_ETOOFEW (the selection leaves nothing), SILK_ENUMERIC ("module
 * NAME: <its message>" when compute fails).  *out is the caller's. */
SILK_API int silk_module_run(silk_store *store, const silk_registry *reg,
                             const silk_module_request *req,
                             silk_module_results **out, silk_error *err);

/* Writes results into the store at path: COUNTRY and CORRIDOR outputs
 * as indicators (their non-NaN cells; units from the output descriptor;
 * replaced whole, with the derivation record: silk_store_commit_derived),
 * MATRIX outputs as the result table results/NAME (kind "module"; a
 * period column and one column per output).  Atomic and locked. */
SILK_API int silk_module_commit(const char *path,
                                const silk_module_results *res,
                                silk_error *err);
SILK_API void silk_module_results_free(silk_module_results *res);

/* ------------------------------------------------------------------ */
/* Trend statistics (GSL)                                              */
/* ------------------------------------------------------------------ */
/*
 * Functions over plain arrays: t = time as period ordinals
 * (silk_period_ordinal, so slopes are per year, quarter or month), y =
 * values, n = their count.  Definitions: reference/METHODS.md.
 * Common rules (each function states its exceptions):
 *   - too few values: SILK_ETOOFEW, the message says how many are needed;
 *   - NaN or infinite values: SILK_EINVAL naming the index, unless the
 *     function says it skips missing (NaN) values;
 *   - on SILK_OK no result field is NaN; arrays written by a function use
 *     NaN only where its comment says so; on failure *out is untouched;
 *   - every function may be called from several threads at once (a
 *     silk_trend_workspace belongs to one thread at a time).
 */

/* Ordinary least squares y = intercept + slope * t. */
typedef struct silk_ols {
    size_t n;
    double intercept, intercept_se;
    double slope, slope_se;
    double slope_lo, slope_hi; /* 95% confidence interval */
    double r2;
    double p;        /* two-sided, H0: slope = 0 (t with n-2 df) */
    double resid_sd; /* s = sqrt(SSE / (n - 2)) */
    double t_mean, y_mean; /* for silk_trend_ols_predict */
    double s_tt;           /* sum of (t - t_mean)^2, > 0 */
} silk_ols;

/* Needs n >= 3 finite points (SILK_ETOOFEW) and t not constant
 * (SILK_EINVAL).  When the residuals are exactly zero (SSE == 0) the
 * fit is exact: se 0, CI [slope, slope], p 0 if slope != 0 else 1, r2 1
 * (0 when y is constant); a straight line whose residuals round to a few
 * ulps gets a tiny se instead.  No field is ever NaN on SILK_OK. */
SILK_API int silk_trend_ols(const double *t, const double *y, size_t n,
                            silk_ols *out, silk_error *err);

/* The fitted line at one time t0 with its two intervals at level
 * 1 - alpha (t quantile with n - 2 df, s = resid_sd):
 *   mean response  fit +- t s sqrt(1/n + (t0 - t_mean)^2 / s_tt)
 *   new value      fit +- t s sqrt(1 + 1/n + (t0 - t_mean)^2 / s_tt). */
typedef struct silk_ols_prediction {
    double t0;
    double fit;              /* intercept + slope * t0 */
    double se_mean, se_pred; /* the two standard errors */
    double mean_lo, mean_hi; /* confidence interval of the mean response */
    double pred_lo, pred_hi; /* prediction interval of a new value */
} silk_ols_prediction;

/* fit comes from silk_trend_ols (or silk_trend_all, silk_growth_loglinear);
 * t0 may lie outside the fitted range.  alpha in (0, 1) (SILK_EINVAL).  An
 * exact fit (resid_sd 0) gives zero-width intervals.  SILK_ENUMERIC if the
 * interval overflows. */
SILK_API int silk_trend_ols_predict(const silk_ols *fit, double t0,
                                    double alpha, silk_ols_prediction *out,
                                    silk_error *err);

/* Mann-Kendall test with tie-corrected variance and continuity-corrected
 * z, as in R's trend::mk.test.  y in time order, n >= 3 (SILK_ETOOFEW).
 * All values tied: z 0, p 1, tau 0 (R gives NaN for tau). */
typedef struct silk_mk {
    size_t n;
    double s, var_s, z, p, tau;
} silk_mk;

SILK_API int silk_trend_mann_kendall(const double *y, size_t n, silk_mk *out,
                                     silk_error *err);

/* Sen's slope: median of (y_j - y_i)/(t_j - t_i), its confidence interval
 * at level 1 - alpha (rank rule of METHODS.md), and the intercept
 * median(y - slope * t).  t strictly increasing and alpha in (0, 1)
 * (SILK_EINVAL); n >= 3 (SILK_ETOOFEW); ranks are clamped to [1, N]. */
typedef struct silk_sen {
    size_t n;
    double slope, lo, hi, intercept;
} silk_sen;

SILK_API int silk_trend_sen(const double *t, const double *y, size_t n,
                            double alpha, silk_sen *out, silk_error *err);

/* ---- OLS + Mann-Kendall + Sen of many series (trend_all.c) ---- */

/* Scratch memory for series of up to max_n points, reused from call to
 * call so that silk_trend_all allocates nothing.  One per thread. */
typedef struct silk_trend_workspace silk_trend_workspace;

/* 3 <= max_n (SILK_EINVAL); SILK_ENOMEM above 100000 or when its ~10
 * max_n^2 bytes cannot be had.  Free with silk_trend_workspace_free
 * (NULL is a no-op). */
SILK_API int silk_trend_workspace_alloc(size_t max_n,
                                        silk_trend_workspace **out,
                                        silk_error *err);
SILK_API void silk_trend_workspace_free(silk_trend_workspace *ws);

/* silk_trend_ols, silk_trend_mann_kendall and silk_trend_sen of one
 * series in one pass over the pairs, bit for bit the same results, and
 * no sorting (see trend_all.c; about 3 ns a pair).  Needs 3 <= n <= max_n
 * (SILK_ETOOFEW / SILK_EINVAL), finite t and y, t strictly increasing,
 * alpha in (0, 1) as silk_trend_sen.  Any of ols, mk, sen may be NULL to
 * skip it.  On failure none of them is written: call the separate
 * functions to find which method failed. */
SILK_API int silk_trend_all(silk_trend_workspace *ws, const double *t,
                            const double *y, size_t n, double alpha,
                            silk_ols *ols, silk_mk *mk, silk_sen *sen,
                            silk_error *err);

/* ---- Growth (growth.c) ---- */

/* Log-linear growth: OLS of ln(y) on t.  rate = 100 (exp(b1) - 1) in %
 * per period, its 95% interval from b1's, p of H0: b1 = 0.  It can
 * disagree in sign with the CAGR, which uses only the end points.  Needs
 * n >= 3, t not constant and every y > 0 (SILK_EINVAL naming the first
 * zero or negative value). */
typedef struct silk_growth {
    size_t n;
    double rate;             /* % per period */
    double rate_lo, rate_hi; /* 95% interval */
    double p;
    silk_ols log_fit; /* the fit of ln(y): slope b1, r2, ... */
} silk_growth;

SILK_API int silk_growth_loglinear(const double *t, const double *y,
                                   size_t n, silk_growth *out,
                                   silk_error *err);

/* Compound growth between the first and last observed values (NaN values
 * are skipped): rate = 100 ((y_last / y_first)^(1 / periods) - 1) in % per
 * period, periods = t[last] - t[first] (t NULL: indices).  Needs 2
 * observed values (SILK_ETOOFEW), y_first > 0 and y_last >= 0 (a series
 * that falls to 0 gives -100) (SILK_EINVAL), t finite and strictly
 * increasing. */
typedef struct silk_cagr {
    size_t first, last; /* indices of the end points used */
    double periods;
    double rate; /* % per period */
} silk_cagr;

SILK_API int silk_growth_cagr(const double *t, const double *y, size_t n,
                              silk_cagr *out, silk_error *err);

/* Change on the same period a year earlier, one value per period of a
 * regular series (lag = periods per year: 1, 4 or 12; NaN = missing):
 * out[i] = 100 (y[i] - y[i-lag]) / |y[i-lag]|, which is 100 (y[i]/y[i-lag]
 * - 1) for a positive base.  out[i] is NaN for i < lag and where y[i] or
 * y[i-lag] is missing or y[i-lag] is 0.  *n_defined (may be NULL) counts
 * the other values.  Needs n > lag (SILK_ETOOFEW), lag >= 1; out may be
 * y. */
SILK_API int silk_growth_yoy(const double *y, size_t n, size_t lag,
                             double *out, size_t *n_defined,
                             silk_error *err);

/* Index to a base period: out[i] = 100 y[i] / y[base]; missing (NaN)
 * values stay NaN.  y[base] must be observed and > 0 (SILK_EINVAL); out
 * may be y. */
SILK_API int silk_growth_index(const double *y, size_t n, size_t base,
                               double *out, silk_error *err);

/* ---- Seasonal trend tests (seasonal.c) ---- */

/* Seasonal Mann-Kendall (Hirsch-Slack, as R's trend::smk.test): y is a
 * regular series with `period` seasons (12 monthly, 4 quarterly; any >=
 * 2), season of y[i] = i mod period.  Missing values (NaN) are dropped
 * within each season.  S and Var(S) (tie-corrected) are summed over the
 * seasons, then z and p as for Mann-Kendall.  Needs a season with 2
 * observed values (SILK_ETOOFEW).  All values tied within every season:
 * z 0, p 1.  seasons (period entries, may be NULL) receives each season's
 * own test; a season with fewer than 2 values gets s 0, var 0, z 0, p 1. */
typedef struct silk_smk {
    size_t n;      /* observed values used */
    size_t period;
    double s, var_s, z, p;
} silk_smk;

SILK_API int silk_seasonal_mann_kendall(const double *y, size_t n,
                                        size_t period, silk_smk *out,
                                        silk_mk *seasons, silk_error *err);

/* Seasonal Sen slope (as R's trend::sea.sens.slope): the median of the
 * slopes (y_j - y_k) / (j - k) over pairs within one season, where j and
 * k count cycles (years), so the slope is per year.  Missing values are
 * dropped, keeping the distance in years of the others (R accepts only
 * complete series; with those the results agree).  Needs one pair
 * (SILK_ETOOFEW). */
typedef struct silk_seasonal_slope {
    size_t n;     /* observed values used */
    size_t pairs; /* within-season pairs */
    double slope; /* per cycle (year) */
} silk_seasonal_slope;

SILK_API int silk_seasonal_sen(const double *y, size_t n, size_t period,
                               silk_seasonal_slope *out, silk_error *err);

/* ---- Change point (pettitt.c) ---- */

/* Pettitt's test: r = ranks of y (ties averaged), U_k = 2 sum_{i<=k} r_i
 * - k(n+1), U* = max |U_k|, k = the first (1-based) k reaching it (the
 * last value before the change), p = min(1, 2 exp(-6 U*^2/(n^3 + n^2))).
 * Needs n >= 3.  Constant y: U* 0, k 1, p 1 (no change point). */
typedef struct silk_pettitt {
    size_t n;
    double u; /* U* */
    size_t k;
    double p;
} silk_pettitt;

SILK_API int silk_pettitt_test(const double *y, size_t n, silk_pettitt *out,
                               silk_error *err);

/* ---- Outliers (hampel.c) ---- */

#define SILK_HAMPEL_K 3     /* default window half-width */
#define SILK_HAMPEL_T0 3.0  /* default threshold */

/* Hampel filter: for each i with a full window y[i-k..i+k], x0 = its
 * median, S0 = 1.4826 median(|window - x0|); i is an outlier when
 * |y[i] - x0| > t0 S0.  The first and last k points are never flagged.
 * A window whose values mostly agree has S0 = 0, and then any departure
 * from x0 is flagged.  outlier (n flags) is required; x0 and s0 (n values
 * each, may be NULL) receive the window statistics, NaN at the k points
 * at each end.  Needs n >= 2k + 1 (SILK_ETOOFEW), k >= 1, t0 >= 0. */
SILK_API int silk_hampel_detect(const double *y, size_t n, size_t k,
                                double t0, bool *outlier, double *x0,
                                double *s0, size_t *n_outliers,
                                silk_error *err);

/* ---- Holt's damped trend, ETS(A,Ad,N) (holt.c) ---- */

/* Which parameters to hold fixed: NaN (or spec NULL) = fit.  alpha in
 * (0, 1], beta (METHODS' b*, the trend smoothing) in [0, 1], phi in
 * (0, 1] (1: no damping); level0 and trend0, both finite, replace the
 * regression start (both NaN: keep it). */
typedef struct silk_holt_spec {
    double alpha, beta, phi;
    double level0, trend0;
} silk_holt_spec;

/* The bounds and start of the fit (forecast::ets's usual region):
 * alpha, beta in [1e-4, 0.9999], phi in [0.8, 0.98]. */
#define SILK_HOLT_START_ALPHA 0.2
#define SILK_HOLT_START_BETA 0.1
#define SILK_HOLT_START_PHI 0.9

typedef struct silk_holt {
    size_t n;
    double alpha, beta, phi; /* error-correction beta is alpha * beta */
    double level0, trend0;   /* states before y[0] */
    double level, trend;     /* l_T and b_T after y[n-1] */
    double sse;       /* one-step squared errors at (alpha, beta, phi) */
    double sse_start; /* the same at the starting values */
    double s2;        /* SSE / n, the variance of the forecast errors */
    int fitted;       /* parameters fitted (0-3) */
    int converged;    /* 1 when Nelder-Mead met its tolerance */
    size_t iterations;
} silk_holt;

/* Fits ETS(A,Ad,N) to y (no NaN): level0 and trend0 from the OLS line of
 * the first min(n, 10) values, unless given; then the free parameters
 * minimise the one-step SSE (gsl_multimin Nelder-Mead inside the
 * bounds).  Needs n >= 4 (SILK_ETOOFEW).  A constant series has SSE 0
 * and keeps the starting values. */
SILK_API int silk_holt_fit(const double *y, size_t n,
                           const silk_holt_spec *spec, silk_holt *out,
                           silk_error *err);

/* Forecast h >= 1 periods after the last value: mean l_T + (phi + ... +
 * phi^h) b_T, variance v_h (Hyndman et al. 2008, class 1), 80% and 95%
 * intervals mean +- z sqrt(v_h). */
typedef struct silk_holt_point {
    size_t h;
    double mean, var;
    double lo80, hi80, lo95, hi95;
} silk_holt_point;

SILK_API int silk_holt_forecast(const silk_holt *fit, size_t h,
                                silk_holt_point *out, silk_error *err);

/* ---- Gap filling and moving statistics (fill.c, movstat.c) ---- */

typedef enum silk_fill_method {
    SILK_FILL_LINEAR = 0,
    SILK_FILL_STEFFEN = 1 /* GSL's monotone cubic: no overshoot */
} silk_fill_method;

/* Fills missing values (NaN) between the first and last observed ones by
 * interpolation over t (NULL: indices; else finite and strictly
 * increasing); never extrapolates, so leading and trailing NaN stay.  A
 * run of more than max_gap missing values stays NaN (max_gap 0: no
 * limit).  out (n values, may be y itself) receives the series, filled
 * (n flags, may be NULL) marks the values filled in, *n_filled (may be
 * NULL) counts them.  Needs 2 observed values for linear and 3 for
 * Steffen when there is a gap to fill (SILK_ETOOFEW); infinite values
 * are rejected. */
SILK_API int silk_fill_gaps(const double *t, const double *y, size_t n,
                            silk_fill_method method, size_t max_gap,
                            double *out, bool *filled, size_t *n_filled,
                            silk_error *err);

/* Moving mean and median over the window y[i-before .. i+after]
 * (gsl_movstat): before = after = h gives a centred window of 2h + 1,
 * after = 0 a trailing one.  out[i] is NaN where the window does not fit
 * in the series or holds a missing (NaN) value; *n_defined (may be NULL)
 * counts the others.  Needs n >= before + after + 1 (SILK_ETOOFEW);
 * infinite values are rejected; out may be y. */
SILK_API int silk_movstat_mean(const double *y, size_t n, size_t before,
                               size_t after, double *out, size_t *n_defined,
                               silk_error *err);
SILK_API int silk_movstat_median(const double *y, size_t n, size_t before,
                                 size_t after, double *out,
                                 size_t *n_defined, silk_error *err);

/* ---- Series breaks (segments.c) ---- */

/* One segment of a series: y[first .. end). */
typedef struct silk_segment {
    size_t first, end;
} silk_segment;

/* Splits a series at breaks (times, e.g. the period ordinal of a
 * reclassification) so each segment's trend is computed on its own: a
 * break at b starts a new segment at the first point with t >= b.  t
 * (NULL: indices) strictly increasing; breaks in any order; breaks at or
 * before t[0], after t[n-1] or repeated make no empty segment.  segs must
 * hold n_breaks + 1 entries; *n_segs receives how many were written
 * (0 when n is 0, else at least 1).  A break that is NaN is SILK_EINVAL. */
SILK_API int silk_segments_split(const double *t, size_t n,
                                 const double *breaks, size_t n_breaks,
                                 silk_segment *segs, size_t *n_segs,
                                 silk_error *err);

/* ------------------------------------------------------------------ */
/* Charts (gnuplot)                                                    */
/* ------------------------------------------------------------------ */

typedef struct silk_chart_line {
    const char *label; /* from data: never reaches the script unescaped */
    size_t n;
    const double *x; /* decimal years */
    const double *y; /* NaN = gap */
    const uint32_t *flags; /* may be NULL; SILK_FLAG('p') marks provisional */
    unsigned colour; /* 1-8: a fixed palette entry, so a country keeps its
                        colour across charts; 0: by position */
    bool has_trend;        /* draw the straight line (x0,y0)-(x1,y1) */
    double trend_x0, trend_y0, trend_x1, trend_y1;
} silk_chart_line;

typedef struct silk_chart_marker {
    double x;          /* decimal year of a vertical dashed line */
    const char *label; /* e.g. "2025: reclassification" */
} silk_chart_marker;

typedef struct silk_chart_spec {
    const char *title;
    const char *subtitle; /* measure, scope and period */
    const char *y_label;  /* with units */
    const char *source;   /* the last line: source and licence */
    const silk_chart_line *lines;
    size_t n_lines;
    const silk_chart_marker *markers;
    size_t n_markers;
    const char *out_path; /* .png, .svg or .pdf: the format follows it */
    const char *gnuplot;  /* program to run; NULL = "gnuplot" on PATH */
} silk_chart_spec;

/* Writes OUT.gp and OUT.dat beside out_path and runs gnuplot on them
 * (without a shell), rendering to a temporary name that is renamed to
 * out_path on success. */
SILK_API int silk_chart_render(const silk_chart_spec *spec, silk_error *err);

/* Short-scale number for labels: 1234567 -> "1.2M", 950 -> "950". */
SILK_API void silk_format_short(double value, char *buf, size_t size);
#include "silkstat/chart_types.h" /* the other chart types */

#ifdef __cplusplus
}
#endif

#endif /* SILKSTAT_H */
