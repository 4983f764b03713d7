/*
 * unhcr.c: the tables of UNHCR's Refugee Population Statistics Database,
 * as the Refugee Data Finder and the `refugees` R package publish them:
 *
 *     year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,<count>,<count>,...
 *
 * Tables read: population, solutions, flows, idmc, unrwa (counts), and
 * asylum_applications, asylum_decisions, demographics (counts classified
 * by categorical columns).  Rules:
 *
 *  1. Every column other than the seven above is a count column and
 *     becomes one indicator named after the column (refugees,
 *     asylum_seekers, returned_refugees, idps, returned_idps, stateless,
 *     ooc, oip, hst, resettlement, naturalisation, refugee_like, total,
 *     ...).  Tables that reuse a column name are kept apart in one store:
 *     the solutions table's returned_refugees/returned_idps become
 *     refugee_returns/idp_returns (population's returned_refugees is a
 *     stock), the flows table's columns are prefixed "flows." (its
 *     refugees are arrivals), the demographics table's "demographics."
 *     (its f_0_4 ... total are meaningless alone), and a table whose only
 *     count is "total" is named by its rows: IDMC's (origin = country of
 *     asylum in every row: people displaced inside their country) becomes
 *     idps_idmc, UNRWA's (every origin Palestinian, PSE) unrwa_refugees;
 *     any other needs opt->indicator, which then names it whole.
 *     Otherwise opt->indicator (`--indicator solutions`) prefixes every
 *     name: `solutions.returned_refugees`.
 *  2. Origin is coo_iso and destination coa_iso, never coo/coa: those are
 *     UNHCR's own codes, in which AUS is Austria (ISO: Australia).  Any
 *     three capital letters are accepted (the flows table uses the
 *     pseudo-codes UKN and STA, the others UNK and XXA); with a country
 *     table (opt->countries) every code must also resolve there, and the
 *     resolved ISO3 code is stored.  An empty *_iso (UNHCR's Tibetan row)
 *     is resolved through the country table by UNHCR's code in coo/coa
 *     (the three UNHCR codes that are other countries' ISO codes, AUS, ARE
 *     and MAR, are translated first); a code that is not three capitals
 *     (IDMC's AB9, Abyei) resolves only through the table too.
 *  3. Period = year (YYYY).
 *  4. Values: an empty field (or another marker of silk_ingest_is_missing)
 *     is missing: NaN, never zero, and stored as an explicit gap so a
 *     revised file can withdraw a figure.  `*`, the website's redacted
 *     small number, is missing with SILK_FLAG_REDACTED.  Anything else is a
 *     whole number of persons, >= 0.
 *  5. Small numbers: UNHCR publishes no values 1-4.  Through the API and
 *     the R package a redacted small cell is printed as 5, so a 5 in these
 *     tables means "between 1 and 5" (the website prints `*` instead).  The
 *     5 is stored as read; analyses of small pairs must treat it as a
 *     bound, not a count.
 *  6. Categorical tables (asylum_applications, asylum_decisions,
 *     demographics) carry columns such as procedure_type, dec_level,
 *     pop_type that classify rows.  They are kept: each count indicator
 *     is split by them (silk_batch_set_categories; the store keeps the
 *     rows as read under detail/), and the indicator's plain value is the
 *     sum over every category, which is how UNHCR publishes its totals
 *     (MANIFEST's check: Afghan decisions summed over all asylum
 *     countries and categories in 2024 total 161,640).  Note that the
 *     sum mixes persons and cases where a table does (app_pc/dec_pc P and
 *     C) and counts one person again at each decision level; select with
 *     --where to avoid either.  In those columns the string `NA` is a
 *     code (app_type/dec_level NA = "new application"), not R's missing
 *     value, and an empty value is an error.
 *
 * Unit "persons"; source "UNHCR Refugee Population Statistics Database
 * (CC BY 4.0)".  Positions are "FILE:LINE:COLUMN" as in tidy.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "problems.h"

#define UNIT "persons"
#define SOURCE "UNHCR Refugee Population Statistics Database (CC BY 4.0)"

/* The widest table (demographics) has 26 columns. */
#define MAX_FIELDS 128

enum key {
    KEY_YEAR,
    KEY_COO_NAME,
    KEY_COO,
    KEY_COO_ISO,
    KEY_COA_NAME,
    KEY_COA,
    KEY_COA_ISO,
    N_KEYS
};

static const char *const key_names[N_KEYS] = {
    "year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso"};

/* Columns of the asylum and demographics tables that classify rows rather
 * than count persons. */
static const char *const categorical[] = {
    "procedure_type", "app_type", "dec_level", "app_pc", "dec_pc",
    "pop_type",       "location", "loc_type",  "acc_type"};
#define N_CATEGORICAL (sizeof categorical / sizeof *categorical)

#define COUNT_TABLES                                                      \
    "a UNHCR table (population, solutions, flows, idmc, unrwa, "           \
    "asylum_applications, asylum_decisions, demographics)"

/* Longest categorical value kept (the demographics' location names are
 * at most about 100 bytes). */
#define CATEGORY_VALUE_MAX 256

typedef struct count_column {
    size_t column; /* 0-based field index */
    char indicator[SILK_INDICATOR_MAX + 1];
} count_column;

/* The last code text resolved in one column, and its result: consecutive
 * rows mostly repeat the origin or the destination. */
typedef struct code_cache {
    char text[64];
    size_t len;
    bool from_iso; /* text came from *_iso, not from coo/coa */
    const char *code; /* NULL: nothing cached */
} code_cache;

typedef struct unhcr {
    const char *path;
    const silk_ingest_options *opt;
    unsigned file_index;
    silk_batch *batch;
    bool have_header;
    size_t n_columns;
    size_t key[N_KEYS]; /* field index of each key column */
    char **names;       /* header names, for messages */
    count_column *counts;
    size_t n_counts;
    code_cache cache[2]; /* origin, destination */
    size_t cat_column[N_CATEGORICAL]; /* categorical columns */
    const char *cat_name[N_CATEGORICAL];
    size_t n_cat;
    /* a lone "total" named by its rows: the first pass only looks */
    bool probe;
    bool all_same_pair, all_palestinian;
    const char *forced_name; /* the second pass: the name found */
    silk_ingest_options probe_opt; /* the first pass's: reports nothing */
    uint64_t rows;
} unhcr;

static int field_error(unhcr *u, silk_error *err, const silk_csv_field *f,
                       size_t column, const char *what, const char *expected)
{
    char shown[80];

    return silk_ingest_error_at(
        err, SILK_EPARSE, u->path, f->line, column,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        u->names[column - 1], what, expected);
}

static bool is_categorical(const silk_csv_field *f)
{
    for (size_t k = 0; k < N_CATEGORICAL; k++)
        if (silk_ingest_field_is(f->text, f->len, categorical[k]))
            return true;
    return false;
}

/* Default names that keep UNHCR's tables apart in one store (rule 1):
 * the solutions table's returns become refugee_returns and idp_returns
 * (population has returned_refugees too, as a stock); the flows table's
 * columns get the prefix "flows." (its refugees are arrivals, not a
 * stock); a lone "total" (IDMC's IDPs, UNRWA's refugees) needs a name
 * from --indicator, which then names it whole. */
static bool has_count(const unhcr *u, const char *name)
{
    for (size_t c = 0; c < u->n_counts; c++)
        if (strcmp(u->names[u->counts[c].column], name) == 0)
            return true;
    return false;
}

static int table_names(unhcr *u, const char *prefix, const silk_csv_row *row,
                       silk_error *err)
{
    bool lone_total = u->n_counts == 1 && has_count(u, "total");
    (void)row;
    (void)err;
    if (lone_total && u->forced_name != NULL) {
        snprintf(u->counts[0].indicator, sizeof u->counts[0].indicator, "%s",
                 u->forced_name);
        return SILK_OK;
    }
    if (lone_total && !(prefix && prefix[0])) {
        /* named after the first pass has seen every row (read_unhcr) */
        u->probe = true;
        u->all_same_pair = u->all_palestinian = true;
        if (u->opt != NULL)
            u->probe_opt = *u->opt;
        u->probe_opt.problems = NULL;
        u->opt = &u->probe_opt;
        return SILK_OK;
    }
    if (lone_total) {
        snprintf(u->counts[0].indicator, sizeof u->counts[0].indicator, "%s",
                 prefix);
        return SILK_OK;
    }
    if (prefix && prefix[0])
        return SILK_OK;
    bool solutions = has_count(u, "resettlement") ||
                     has_count(u, "naturalisation");
    bool flows = has_count(u, "refugee_like");
    bool demographics = has_count(u, "f_total") || has_count(u, "m_total");
    for (size_t c = 0; c < u->n_counts; c++) {
        count_column *cc = &u->counts[c];
        const char *name = u->names[cc->column];
        if (demographics && strlen(name) + 13 <= SILK_INDICATOR_MAX)
            snprintf(cc->indicator, sizeof cc->indicator, "demographics.%s",
                     name);
        else if (solutions && strcmp(name, "returned_refugees") == 0)
            snprintf(cc->indicator, sizeof cc->indicator, "refugee_returns");
        else if (solutions && strcmp(name, "returned_idps") == 0)
            snprintf(cc->indicator, sizeof cc->indicator, "idp_returns");
        else if (flows && strlen(name) + 6 <= SILK_INDICATOR_MAX)
            snprintf(cc->indicator, sizeof cc->indicator, "flows.%s", name);
    }
    return SILK_OK;
}

static int header(unhcr *u, silk_csv_reader *reader, const silk_csv_row *row,
                  silk_error *err)
{
    const char *prefix = u->opt ? u->opt->indicator : NULL;
    char shown[80];
    bool found[N_KEYS] = {false};
    size_t i, k;
    int status;

    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, u->path, row->line, MAX_FIELDS + 1,
            "the header has %zu columns; expected at most %d",
            row->n_fields, MAX_FIELDS);
    u->names = calloc(row->n_stored, sizeof *u->names);
    u->counts = calloc(row->n_stored, sizeof *u->counts);
    if (u->names == NULL || u->counts == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    u->n_columns = row->n_stored;
    for (i = 0; i < row->n_stored; i++) {
        const silk_csv_field *f = &row->field[i];
        const char *name = f->text;
        size_t len = f->len;

        silk_ingest_trim(&name, &len);
        u->names[i] = strndup(name, len);
        if (u->names[i] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        if (len == 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, u->path, f->line, i + 1,
                "column %zu of the header has no name; expected the name of "
                "a count column such as refugees", i + 1);
        for (k = 0; k < N_KEYS; k++)
            if (silk_ingest_field_is(name, len, key_names[k]))
                break;
        if (k < N_KEYS) {
            if (found[k])
                return silk_ingest_error_at(
                    err, SILK_EPARSE, u->path, f->line, i + 1,
                    "duplicate column '%s' (also column %zu); expected each "
                    "column once", key_names[k], u->key[k] + 1);
            found[k] = true;
            u->key[k] = i;
            continue;
        }
        if (is_categorical(f)) {
            for (size_t c = 0; c < u->n_cat; c++)
                if (strcmp(u->cat_name[c], u->names[i]) == 0)
                    return silk_ingest_error_at(
                        err, SILK_EPARSE, u->path, f->line, i + 1,
                        "duplicate column '%s' (also column %zu); expected "
                        "each column once", u->names[i],
                        u->cat_column[c] + 1);
            /* each of the N_CATEGORICAL names at most once */
            u->cat_column[u->n_cat] = i;
            u->cat_name[u->n_cat++] = u->names[i];
            continue;
        }
        for (size_t c = 0; c < u->n_counts; c++)
            if (strcmp(u->names[u->counts[c].column], u->names[i]) == 0)
                return silk_ingest_error_at(
                    err, SILK_EPARSE, u->path, f->line, i + 1,
                    "duplicate column '%s' (also column %zu); expected each "
                    "column once", u->names[i], u->counts[c].column + 1);
        count_column *cc = &u->counts[u->n_counts];
        int n = prefix && prefix[0]
                    ? snprintf(cc->indicator, sizeof cc->indicator, "%s.%s",
                               prefix, u->names[i])
                    : snprintf(cc->indicator, sizeof cc->indicator, "%s",
                               u->names[i]);
        if (n < 0 || (size_t)n >= sizeof cc->indicator ||
            !silk_indicator_name_valid(cc->indicator, (size_t)n))
            return silk_ingest_error_at(
                err, SILK_EPARSE, u->path, f->line, i + 1,
                "count column '%s' does not make a valid indicator name%s%s"
                "; expected 1-64 letters, digits, '_', '.' or '-' in all",
                silk_ingest_show(name, len, shown, sizeof shown),
                prefix && prefix[0] ? " with the prefix " : "",
                prefix && prefix[0] ? prefix : "");
        cc->column = i;
        u->n_counts++;
    }
    status = table_names(u, prefix, row, err);
    if (status != SILK_OK)
        return status;
    for (k = 0; k < N_KEYS; k++)
        if (!found[k])
            return silk_ingest_error_at(
                err, SILK_EPARSE, u->path, row->line, 1,
                "the header lacks the column '%s'; expected year, coo_name, "
                "coo, coo_iso, coa_name, coa, coa_iso and count columns",
                key_names[k]);
    if (u->n_counts == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, u->path, row->line, 1,
            "the header has no count column; expected " COUNT_TABLES);
    for (size_t c = 0; c < u->n_counts && u->n_cat > 0; c++) {
        status = silk_batch_set_categories(u->batch, u->counts[c].indicator,
                                           u->cat_name, u->n_cat, err);
        if (status != SILK_OK)
            return silk_error_prefix(err, "%s:%zu:%zu: ", u->path, row->line,
                                     u->counts[c].column + 1);
    }
    u->have_header = true;
    silk_csv_set_names(reader, (const char *const *)u->names, u->n_columns);
    return SILK_OK;
}

/* UNHCR codes that are another row's code in the country table: an ISO
 * code, or the World Bank's CHI (unhcr_countries.csv, 2025.12.1).  silk_countries_resolve tries ISO codes first, so these must
 * be translated before an empty *_iso is resolved by coo/coa: UNHCR's AUS
 * would otherwise become Australia. */
static const char *const unhcr_not_iso[][2] = {
    {"AUS", "AUT"}, /* Austria (ISO AUS: Australia) */
    {"ARE", "EGY"}, /* Egypt (ISO ARE: United Arab Emirates) */
    {"MAR", "MTQ"}, /* Martinique (ISO MAR: Morocco) */
    {"CHI", "CHN"}, /* China (CHI: the World Bank's Channel Islands) */
};

static const char *unhcr_to_iso(const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof unhcr_not_iso / sizeof *unhcr_not_iso; i++)
        if (len == SILK_CODE_LEN && memcmp(text, unhcr_not_iso[i][0], len) == 0)
            return unhcr_not_iso[i][1];
    return NULL;
}

/* The ISO3 code of one side (origin: side 0, coo/coo_iso; destination:
 * side 1, coa/coa_iso), following rule 2 of the header. */
static int country(unhcr *u, const silk_csv_row *row, int side,
                   const char **code, silk_error *err)
{
    const silk_countries *countries = u->opt ? u->opt->countries : NULL;
    size_t iso_col = u->key[side ? KEY_COA_ISO : KEY_COO_ISO];
    size_t unhcr_col = u->key[side ? KEY_COA : KEY_COO];
    const silk_csv_field *iso = &row->field[iso_col];
    const silk_csv_field *f = iso;
    size_t column = iso_col;
    code_cache *cache = &u->cache[side];

    if (iso->len == 0) {
        f = &row->field[unhcr_col];
        column = unhcr_col;
        if (countries == NULL) {
            char shown[80];
            return silk_ingest_error_at(
                err, SILK_EPARSE, u->path, iso->line, iso_col + 1,
                "empty code in column '%s' (UNHCR code '%s' in column '%s'); "
                "expected an ISO code, or a country table (--countries) to "
                "resolve UNHCR's code",
                u->names[iso_col],
                silk_ingest_show(f->text, f->len, shown, sizeof shown),
                u->names[unhcr_col]);
        }
    }
    if (countries == NULL) {
        if (!silk_code_valid(f->text, f->len)) {
            char expected[160];
            snprintf(expected, sizeof expected,
                     "three capital letters such as AFG, or an empty field "
                     "with UNHCR's code in column '%s' and a country table",
                     u->names[unhcr_col]);
            return field_error(u, err, f, column + 1, "is not a country code",
                               expected);
        }
        *code = f->text;
        return SILK_OK;
    }
    if (cache->code != NULL && f->len == cache->len &&
        (f == iso) == cache->from_iso &&
        memcmp(cache->text, f->text, f->len) == 0) {
        *code = cache->code;
        return SILK_OK;
    }
    const char *text = f->text;
    size_t len = f->len;
    if (f != iso && unhcr_to_iso(text, len) != NULL) {
        text = unhcr_to_iso(text, len);
        len = SILK_CODE_LEN;
    }
    if (silk_countries_resolve(countries, text, len, code, err) != SILK_OK) {
        cache->code = NULL;
        return silk_error_prefix(err, "%s:%zu:%zu: ", u->path, f->line,
                                 column + 1);
    }
    if (f->len <= sizeof cache->text) {
        memcpy(cache->text, f->text, f->len);
        cache->len = f->len;
        cache->from_iso = f == iso;
        cache->code = *code;
    } else {
        cache->code = NULL;
    }
    return SILK_OK;
}

/* One count: NaN for a gap, NaN + SILK_FLAG_REDACTED for '*', else a whole
 * number of persons. */
static int count_value(unhcr *u, const silk_csv_field *f, size_t column,
                       double *value, uint32_t *flags, silk_error *err)
{
    int status;

    *flags = 0;
    *value = NAN;
    /* false: in UNHCR's tables "NA" is never R's missing value in a count
     * column (R writes those as empty); a literal NA is malformed. */
    if (silk_ingest_is_missing(f->text, f->len, false))
        return SILK_OK;
    if (f->len == 1 && f->text[0] == '*') {
        *flags = SILK_FLAG_REDACTED;
        return SILK_OK;
    }
    status = silk_ingest_number(f->text, f->len, value);
    if (status == -2)
        return field_error(u, err, f, column, "is out of range",
                           "a whole number of persons");
    if (status != 0)
        return field_error(u, err, f, column, "is not a number",
                           "a whole number of persons, '*' (redacted) or an "
                           "empty field for missing");
    if (f->text[0] == '-')
        return field_error(u, err, f, column, "is negative",
                           "a whole number of persons");
    if (*value != floor(*value))
        return field_error(u, err, f, column, "is not a whole number",
                           "a whole number of persons");
    return SILK_OK;
}

static int data_row(unhcr *u, const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f;
    const char *origin, *destination;
    silk_period period;
    int status;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (row->n_fields != u->n_columns) {
        size_t column = (row->n_fields < u->n_columns ? row->n_fields
                                                      : u->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, u->path, row->line, column,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            u->n_columns);
    }
    f = &row->field[u->key[KEY_YEAR]];
    if (silk_period_parse(f->text, f->len, &period) != SILK_OK ||
        period.freq != SILK_FREQ_ANNUAL)
        return field_error(u, err, f, u->key[KEY_YEAR] + 1, "is not a year",
                           "YYYY such as 2024");
    silk_ingest_check_year(u->opt, u->path, f->line, u->key[KEY_YEAR] + 1,
                           u->names[u->key[KEY_YEAR]], f->text, f->len,
                           period);
    status = country(u, row, 0, &origin, err);
    if (status != SILK_OK)
        return status;
    status = country(u, row, 1, &destination, err);
    if (status != SILK_OK)
        return status;
    if (u->probe) {
        const silk_csv_field *coo = &row->field[u->key[KEY_COO_ISO]];
        const silk_csv_field *coa = &row->field[u->key[KEY_COA_ISO]];
        u->all_same_pair &= coo->len == coa->len &&
                            memcmp(coo->text, coa->text, coo->len) == 0;
        u->all_palestinian &= strcmp(origin, "PSE") == 0;
        u->rows++;
        return SILK_OK;
    }
    char cat_text[N_CATEGORICAL][CATEGORY_VALUE_MAX];
    const char *category[N_CATEGORICAL];
    for (size_t k = 0; k < u->n_cat; k++) {
        size_t column = u->cat_column[k];
        const char *text = row->field[column].text;
        size_t len = row->field[column].len;
        silk_ingest_trim(&text, &len);
        if (len == 0)
            return field_error(u, err, &row->field[column], column + 1,
                               "is empty",
                               "a code (UNHCR writes every one; \"NA\" is "
                               "a code too)");
        if (len >= CATEGORY_VALUE_MAX)
            return field_error(u, err, &row->field[column], column + 1,
                               "is too long",
                               "a code of at most 255 bytes");
        memcpy(cat_text[k], text, len);
        cat_text[k][len] = '\0';
        category[k] = cat_text[k];
    }
    for (size_t c = 0; c < u->n_counts; c++) {
        size_t column = u->counts[c].column;
        double value;
        uint32_t flags;

        status = count_value(u, &row->field[column], column + 1, &value,
                             &flags, err);
        if (status != SILK_OK)
            return status;
        silk_ingest_check_pair(u->opt, u->path, row->line, column + 1,
                               u->counts[c].indicator, origin, destination,
                               value);
        if (u->n_cat > 0)
            status = silk_ingest_put_category(
                u->path, row->line, column + 1, u->opt, u->batch,
                u->counts[c].indicator, u->cat_name, u->n_cat,
                category, origin, destination, period, value, flags, UNIT,
                SOURCE, u->file_index, err);
        else
            status = silk_ingest_put(u->path, row->line, column + 1, u->opt,
                                     u->batch, u->counts[c].indicator, origin,
                                     destination, period, value, flags, UNIT,
                                     SOURCE, u->file_index, err);
        if (status != SILK_OK)
            return status;
    }
    u->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    unhcr *u = ctx;

    if (!u->have_header)
        return header(u, reader, row, err);
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(u->opt, data_row(u, row, err), err);
}

static void release(unhcr *u)
{
    if (u->names != NULL)
        for (size_t i = 0; i < u->n_columns; i++)
            free(u->names[i]);
    free(u->names);
    free(u->counts);
}

/* The name of a lone "total" from what the first pass saw (rule 1). */
static int name_total(unhcr *u, silk_error *err)
{
    const char *name = u->all_same_pair     ? "idps_idmc"
                       : u->all_palestinian ? "unrwa_refugees"
                                            : NULL;
    if (name == NULL || u->rows == 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, u->path, 1, u->counts[0].column + 1,
            "the only count column is 'total', and the rows are neither "
            "IDMC's (origin = country of asylum in every row) nor UNRWA's "
            "(every origin PSE); expected --indicator NAME to name it");
    snprintf(u->counts[0].indicator, sizeof u->counts[0].indicator, "%s",
             name);
    return SILK_OK;
}

static int read_unhcr(const char *path, const silk_ingest_options *opt,
                      unsigned file_index, silk_batch *batch, uint64_t *rows,
                      silk_error *err)
{
    unhcr u;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    memset(&u, 0, sizeof u);
    u.path = path;
    u.opt = opt;
    u.file_index = file_index;
    u.batch = batch;
    if (rows != NULL)
        *rows = 0;
    status = silk_csv_read_delim(path, opt ? opt->delimiter : 0, MAX_FIELDS,
                                 on_row, &u, sha256, &bytes, err);
    /* --check lists every error: the second pass finds them all */
    if (status != SILK_OK && u.probe && opt && opt->problems &&
        silk_problems_collect_errors(opt->problems)) {
        silk_error_clear(err);
        status = SILK_OK;
    }
    if (status == SILK_OK && u.probe) {
        /* A lone "total": the first pass only looked at the rows (and
         * reported nothing); name it, then read again for real. */
        char name[SILK_INDICATOR_MAX + 1];
        status = name_total(&u, err);
        snprintf(name, sizeof name, "%s", u.counts[0].indicator);
        release(&u);
        memset(&u, 0, sizeof u);
        u.path = path;
        u.opt = opt;
        u.file_index = file_index;
        u.batch = batch;
        u.forced_name = name;
        if (status == SILK_OK)
            status = silk_csv_read_delim(path, opt ? opt->delimiter : 0,
                                         MAX_FIELDS, on_row, &u, sha256,
                                         &bytes, err);
    }
    if (status != SILK_OK)
        goto done;
    if (!u.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header row starting year, coo_name, coo, "
            "coo_iso, coa_name, coa, coa_iso",
            path, bytes == 0 ? "empty file" : "no header row (only blank lines)");
        goto done;
    }
    status = silk_batch_add_provenance(batch, file_index, path, sha256, u.rows,
                                       err);
    if (status == SILK_OK && rows != NULL)
        *rows = u.rows;
done:
    release(&u);
    return status;
}

/* The seven key columns present: a UNHCR table (the categorical ones too,
 * so that they get read's precise refusal, not "no known format"). */
static int detect(const silk_sniff *sniff)
{
    size_t found = silk_sniff_columns(sniff, key_names, N_KEYS);
    return found == N_KEYS ? 100 : 0;
}

const silk_format silk_format_unhcr = {
    "unhcr",
    "UNHCR Refugee Data Finder / refugees package tables (population, "
    "solutions, flows, idmc, unrwa, asylum applications and decisions, "
    "demographics)",
    detect, read_unhcr};
