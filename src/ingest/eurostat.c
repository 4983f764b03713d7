/*
 * eurostat.c: Eurostat's TSV tables (the bulk download and the "TSV"
 * export of the data browser), e.g. migr_asyappctza:
 *
 *     freq,unit,citizen,sex,age,asyl_app,geo\TIME_PERIOD<TAB>2022<TAB>2023
 *     A,PER,AF,T,TOTAL,ASY_APP,DE<TAB>36360<TAB>51275 p
 *
 * Rules (tests/unit/test_eurostat.c cites them by number):
 *   1. Tab-separated whatever the detected delimiter: the first cell holds
 *      commas of its own, so comma detection cannot be trusted here.
 *   2. The first header cell is the dimension codes separated by commas,
 *      a backslash, then TIME_PERIOD or time; every other header cell is
 *      a period: 2023, 2023-Q1, 2023-01, or the older 2023Q1 and 2023M01
 *      (converted).  Spaces around header cells are ignored.  All periods
 *      of a file have one frequency.
 *   3. Dimensions: `citizen` (else `c_birth`) is the origin and `geo` the
 *      destination; without either origin dimension `geo` is the origin of
 *      a country-level value (destination "").  `freq` (A, Q, M) must
 *      agree with the periods of the header and never enters the name.
 *   4. The file does not name its dataset: --indicator is required.  Every
 *      other dimension that takes more than one value in the file adds
 *      ".VALUE" to the indicator, in header order
 *      (migr_asyappctza.F.Y14-17 when sex and age vary); a dimension with
 *      one value is dropped from the name.  So the names depend on the
 *      file: read a whole dataset at once.  This needs a first pass over
 *      the file that only looks at the dimension values.
 *   5. Countries are ISO 3166 alpha-2 codes resolved through the country
 *      table (required), with Eurostat's EL (Greece) and UK (United
 *      Kingdom); XK (Kosovo) is the table's iso2 of XKX.  Eurostat's
 *      citizenships that are no country stay with the countries, as
 *      UNHCR's pseudo-codes do: UNK (unknown) and STLS (stateless) become
 *      the table's UNK and XXA, and RNC (recognised non-citizens, Latvia's
 *      and Estonia's "non-citizens") and NRP (no response) get codes of
 *      their own, XNC and XNR (ISO 3166's user-assigned X-range), since a
 *      file may hold them beside STLS and UNK and merging would collide.
 *   6. Aggregates are never dropped: the codes of `codes[]` below that
 *      group countries (EU27_2020, EU28, EA19, EA20, EFTA, EXT_EU27_2020,
 *      TOTAL, the continents, ...) become three-letter codes (EUU as in
 *      the World Bank's tables, and ISO 3166's user-assigned QM-QZ range
 *      for the rest, which no country will ever get) and their values go
 *      to "<indicator>.aggregates", as the World Bank's WLD does.  The
 *      country table lists them with their names (make-countries.py).
 *      Any other code is an error that names it and the closest known
 *      Eurostat codes, so a new aggregate is added to the table, not lost.
 *   7. A cell is a number with optional flags after a space ("123",
 *      "123 p", "45 e", "0 b"), or ':' for missing with optional flags
 *      (": c" confidential): missing is NaN with its flags kept; an empty
 *      cell is missing too.  Spaces around a cell are ignored.
 *   8. Unit: the `unit` dimension, PER -> "persons", THS_PER -> "thousand
 *      persons", PC -> "percent", NR -> "number", any other code as is.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "problems.h"

/* Monthly tables since 2008 have about 200 periods; leave room. */
#define MAX_FIELDS 4096
#define MAX_DIMS 32
#define SOURCE "Eurostat"

/* Rules 5 and 6: the codes other than ISO 3166 alpha-2 that the citizen
 * and geo columns of the asylum and return tables (migr_asyappctza,
 * migr_asydcfsta, migr_eiord, migr_eirtn) use; RNC, UK_OCT and ASI
 * appear in migr_eiord's citizen column, and the other continents of
 * Eurostat's citizenship code list are listed with ASI.  The names are
 * Eurostat's labels, shortened, and appear in the suggestions for an
 * unknown code; datasets/countries.csv gives the codes the same names
 * (scripts/make-countries.py keeps the two in step; EUU keeps the World
 * Bank's "European Union" there). */
static const struct eurostat_code {
    const char *eurostat, *code, *name;
    bool is_aggregate; /* false: kept with the countries (rule 5) */
} codes[] = {
    {"EU27_2020", "EUU", "European Union, 27 countries from 2020", true},
    {"EU28", "QUA", "European Union, 28 countries 2013-2020", true},
    {"EU27_2007", "QUB", "European Union, 27 countries 2007-2013", true},
    {"EU27_2020_FOR", "QUC",
     "EU27 countries from 2020 except the reporting country", true},
    {"EU28_FOR", "QUD", "EU28 countries except the reporting country", true},
    {"EA19", "QUE", "Euro area, 19 countries 2015-2022", true},
    {"EA20", "QUF", "Euro area, 20 countries from 2023", true},
    {"EXT_EU27_2020", "QXE", "Non-EU27 countries from 2020", true},
    {"EXT_EU28", "QXF", "Non-EU28 countries", true},
    {"EFTA", "QNA", "EFTA countries", true},
    {"UK_OCT", "QNO", "United Kingdom overseas countries and territories",
     true},
    {"TOTAL", "QTO", "Eurostat total", true},
    {"AFR", "QRF", "Africa", true},
    {"AME", "QRM", "Americas", true},
    {"ASI", "QRS", "Asia", true},
    {"EUR", "QRE", "Europe", true},
    {"OCE", "QRO", "Oceania", true},
    {"UNK", "UNK", "Unknown", false},
    {"STLS", "XXA", "Stateless", false},
    {"RNC", "XNC", "Recognised non-citizens", false},
    {"NRP", "XNR", "No response", false},
};
#define N_CODES (sizeof codes / sizeof *codes)

typedef struct text {
    const char *s;
    size_t len;
} text;

typedef struct eurostat {
    const char *path;
    const silk_ingest_options *opt;
    silk_ingest_options plain; /* opt without the table: aggregate rows are
                                  routed here already (rule 6) */
    unsigned file_index;
    silk_batch *batch;
    int pass; /* 1: which dimensions vary; 2: read */
    bool have_header;
    size_t n_columns;
    size_t n_dims;
    char *dim[MAX_DIMS];
    int origin_dim, destination_dim, freq_dim, unit_dim;
    char *first[MAX_DIMS]; /* pass 1: the first row's value per dimension */
    bool varies[MAX_DIMS];
    char **names; /* header cells, for messages */
    silk_period *period; /* per column; column 0 unused */
    silk_freq freq;
    const char *iso3[26][26]; /* resolved ISO2 codes, NULL = not yet */
    uint64_t rows;
} eurostat;

static text trim(const char *s, size_t len)
{
    text t = {s, len};
    silk_ingest_trim(&t.s, &t.len);
    return t;
}

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int silk_ingest_period(const char *s, size_t len, silk_period *out)
{
    text t = trim(s, len);
    char buf[8];

    if (silk_period_parse(t.s, t.len, out) == SILK_OK)
        return SILK_OK;
    /* Eurostat's older labels: 2023Q1 and 2023M01 */
    if (t.len == 6 && is_digits(t.s, 4) && t.s[4] == 'Q') {
        snprintf(buf, sizeof buf, "%.4s-Q%c", t.s, t.s[5]);
        return silk_period_parse(buf, 7, out);
    }
    if (t.len == 7 && is_digits(t.s, 4) && t.s[4] == 'M' &&
        is_digits(t.s + 5, 2)) {
        snprintf(buf, sizeof buf, "%.4s-%.2s", t.s, t.s + 5);
        return silk_period_parse(buf, 7, out);
    }
    return SILK_EPARSE;
}

static const char *freq_name(silk_freq freq)
{
    return freq == SILK_FREQ_ANNUAL      ? "annual"
           : freq == SILK_FREQ_QUARTERLY ? "quarterly"
                                         : "monthly";
}

/* Splits the dimension cell at its commas into at most max parts;
 * returns the number of parts (which may exceed max). */
static size_t split_dims(const char *s, size_t len, text *part, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || s[i] == ',') {
            if (n < max)
                part[n] = trim(s + start, i - start);
            n++;
            start = i + 1;
        }
    return n;
}

static int header(eurostat *e, silk_csv_reader *reader,
                  const silk_csv_row *row, silk_error *err)
{
    const silk_csv_field *f = &row->field[0];
    char shown[80];
    const char *slash = memchr(f->text, '\\', f->len);
    text time = slash ? trim(slash + 1, f->len - (size_t)(slash - f->text) - 1)
                      : (text){"", 0};

    if (slash == NULL || !(silk_ingest_field_is(time.s, time.len,
                                                "TIME_PERIOD") ||
                           silk_ingest_field_is(time.s, time.len, "time")))
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, f->line, 1,
            "'%s' is not a Eurostat dimension header; expected the "
            "dimensions then '\\TIME_PERIOD' such as "
            "'freq,unit,citizen,geo\\TIME_PERIOD', tab-separated",
            silk_ingest_show(f->text, f->len, shown, sizeof shown));
    if (row->n_fields > row->n_stored)
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, row->line, row->n_stored + 1,
            "the header has %zu columns; expected at most %d", row->n_fields,
            MAX_FIELDS);
    text part[MAX_DIMS];
    size_t n = split_dims(f->text, (size_t)(slash - f->text), part, MAX_DIMS);
    if (n > MAX_DIMS)
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, f->line, 1,
            "the header names %zu dimensions; expected at most %d", n,
            MAX_DIMS);
    e->origin_dim = e->destination_dim = e->freq_dim = e->unit_dim = -1;
    int c_birth = -1;
    for (size_t d = 0; d < n; d++) {
        if (part[d].len == 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, e->path, f->line, 1,
                "dimension %zu of the header has no name; expected names "
                "separated by commas such as 'freq,unit,citizen,geo'", d + 1);
        e->dim[d] = strndup(part[d].s, part[d].len);
        if (e->dim[d] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        e->n_dims = d + 1;
        int *role = NULL;
        if (strcasecmp(e->dim[d], "citizen") == 0)
            role = &e->origin_dim;
        else if (strcasecmp(e->dim[d], "c_birth") == 0)
            role = &c_birth;
        else if (strcasecmp(e->dim[d], "geo") == 0)
            role = &e->destination_dim;
        else if (strcasecmp(e->dim[d], "freq") == 0)
            role = &e->freq_dim;
        else if (strcasecmp(e->dim[d], "unit") == 0)
            role = &e->unit_dim;
        if (role != NULL && *role >= 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, e->path, f->line, 1,
                "dimension '%s' is named twice in the header; expected each "
                "dimension once", e->dim[d]);
        if (role != NULL)
            *role = (int)d;
    }
    if (e->destination_dim < 0)
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, f->line, 1,
            "the header has no dimension 'geo'; expected the reporting "
            "country as 'geo' such as 'freq,unit,citizen,geo\\TIME_PERIOD'");
    if (e->origin_dim < 0)
        e->origin_dim = c_birth;
    if (e->origin_dim < 0) { /* rule 3: a country-level table */
        e->origin_dim = e->destination_dim;
        e->destination_dim = -1;
    }

    e->n_columns = row->n_fields;
    e->names = calloc(row->n_stored, sizeof *e->names);
    e->period = calloc(row->n_stored, sizeof *e->period);
    if (e->names == NULL || e->period == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t c = 0; c < row->n_stored; c++) {
        text t = trim(row->field[c].text, row->field[c].len);
        e->names[c] = strndup(t.s, t.len);
        if (e->names[c] == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    if (row->n_stored < 2)
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, row->line, 2,
            "the header has no period column; expected periods such as "
            "2023, 2023-Q1 or 2023-01 after the dimensions, tab-separated");
    for (size_t c = 1; c < row->n_stored; c++) {
        const silk_csv_field *p = &row->field[c];
        if (silk_ingest_period(p->text, p->len, &e->period[c]) != SILK_OK)
            return silk_ingest_error_at(
                err, SILK_EPARSE, e->path, p->line, c + 1,
                "'%s' in the header is not a period; expected 2023, 2023-Q1, "
                "2023Q1, 2023-01 or 2023M01",
                silk_ingest_show(p->text, p->len, shown, sizeof shown));
        silk_ingest_check_year(e->opt, e->path, p->line, c + 1,
                               "TIME_PERIOD", p->text, p->len, e->period[c]);
        if (c == 1)
            e->freq = e->period[c].freq;
        else if (e->period[c].freq != e->freq)
            return silk_ingest_error_at(
                err, SILK_EPARSE, e->path, p->line, c + 1,
                "'%s' in the header is a %s period after %s ones; expected "
                "one frequency per file",
                silk_ingest_show(p->text, p->len, shown, sizeof shown),
                freq_name(e->period[c].freq), freq_name(e->freq));
    }
    e->have_header = true;
    silk_csv_set_names(reader, (const char *const *)e->names, row->n_stored);
    return SILK_OK;
}

/* Splits the row's dimension cell, checking the count. */
static int row_dims(eurostat *e, const silk_csv_row *row, text *part,
                    silk_error *err)
{
    const silk_csv_field *f = &row->field[0];
    size_t n = split_dims(f->text, f->len, part, MAX_DIMS);
    if (n == e->n_dims)
        return SILK_OK;
    char shown[80];
    return silk_ingest_error_at(
        err, SILK_EPARSE, e->path, f->line, 1,
        "'%s' has %zu dimension value%s; expected %zu as in the header (%s)",
        silk_ingest_show(f->text, f->len, shown, sizeof shown), n,
        n == 1 ? "" : "s", e->n_dims, e->names[0]);
}

/* Pass 1 (rule 4): remembers whether each dimension takes a second
 * value.  Malformed rows are left to pass 2, which reports them. */
static void note_dims(eurostat *e, const silk_csv_row *row)
{
    text part[MAX_DIMS];
    if (split_dims(row->field[0].text, row->field[0].len, part, MAX_DIMS) !=
        e->n_dims)
        return;
    for (size_t d = 0; d < e->n_dims; d++) {
        if (e->first[d] == NULL) {
            e->first[d] = strndup(part[d].s, part[d].len);
            continue; /* out of memory: the dimension then never varies,
                         and pass 2 gives the same names throughout */
        }
        if (strlen(e->first[d]) != part[d].len ||
            memcmp(e->first[d], part[d].s, part[d].len) != 0)
            e->varies[d] = true;
    }
}

static int dim_error(eurostat *e, silk_error *err, const silk_csv_row *row,
                     size_t d, text value, const char *what,
                     const char *expected)
{
    char shown[80];
    return silk_ingest_error_at(
        err, SILK_EPARSE, e->path, row->field[0].line, 1,
        "'%s' in column '%s' %s; expected %s",
        silk_ingest_show(value.s, value.len, shown, sizeof shown), e->dim[d],
        what, expected);
}

/* Levenshtein distance between two short codes, for suggestions only. */
static size_t distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b), row[32];
    if (la > 31)
        la = 31;
    if (lb > 31)
        lb = 31;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

/* "'EA20' (Euro area, ...), ..." : the three codes of codes[] closest to
 * value, ties in table order. */
static void closest_codes(text value, char *buf, size_t size)
{
    size_t best[3] = {N_CODES, N_CODES, N_CODES};
    size_t score[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    for (size_t i = 0; i < N_CODES; i++) {
        size_t d = distance(value.s, value.len, codes[i].eurostat);
        for (size_t s = 0; s < 3; s++)
            if (d < score[s]) {
                for (size_t t = 2; t > s; t--) {
                    best[t] = best[t - 1];
                    score[t] = score[t - 1];
                }
                best[s] = i;
                score[s] = d;
                break;
            }
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < 3 && best[s] < N_CODES && used < size; s++)
        used += (size_t)snprintf(buf + used, size - used, "%s'%s' (%s)",
                                 s ? ", " : "", codes[best[s]].eurostat,
                                 codes[best[s]].name);
}

/* Rules 5 and 6: a country's ISO3 code, or an aggregate's code with
 * *aggregate set. */
static int country(eurostat *e, const silk_csv_row *row, size_t d, text value,
                   const char **code, bool *aggregate, silk_error *err)
{
    const char *s = value.s;
    if (value.len == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
        s[1] <= 'Z') {
        const char **slot = &e->iso3[s[0] - 'A'][s[1] - 'A'];
        char iso2[3] = {s[0], s[1], '\0'};
        if (*slot == NULL &&
            silk_countries_resolve_iso2(e->opt->countries, iso2, slot) !=
                SILK_OK)
            *slot = NULL;
        if (*slot != NULL) {
            *code = *slot;
            return SILK_OK;
        }
        return dim_error(e, err, row, d, value,
                         "is not a country of the country table",
                         "an ISO 3166 alpha-2 code such as AF (EL for "
                         "Greece, UK for the United Kingdom)");
    }
    for (size_t i = 0; i < N_CODES; i++)
        if (strlen(codes[i].eurostat) == value.len &&
            memcmp(codes[i].eurostat, s, value.len) == 0) {
            *code = codes[i].code;
            *aggregate = *aggregate || codes[i].is_aggregate;
            return SILK_OK;
        }
    char expected[512];
    size_t used = (size_t)snprintf(expected, sizeof expected,
                                   "an ISO 3166 alpha-2 code such as AF or a "
                                   "Eurostat code; closest known: ");
    closest_codes(value, expected + used, sizeof expected - used);
    return dim_error(e, err, row, d, value,
                     "is neither a country nor a known Eurostat code",
                     expected);
}

static const char *unit_name(text unit)
{
    static const char *const units[][2] = {{"PER", "persons"},
                                           {"THS_PER", "thousand persons"},
                                           {"PC", "percent"},
                                           {"NR", "number"}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strlen(units[i][0]) == unit.len &&
            memcmp(units[i][0], unit.s, unit.len) == 0)
            return units[i][1];
    return NULL;
}

static int cell_error(eurostat *e, silk_error *err, const silk_csv_field *f,
                      size_t column)
{
    char shown[80];
    return silk_ingest_error_at(
        err, SILK_EPARSE, e->path, f->line, column,
        "'%s' in column '%s' is not a value; expected a number with optional "
        "flags after a space such as 123 or 123 p, or ':' for missing (': c' "
        "when confidential)",
        silk_ingest_show(f->text, f->len, shown, sizeof shown),
        e->names[column - 1]);
}

/* Rule 7: the value (NaN for missing) and its flags. */
static int cell(eurostat *e, const silk_csv_field *f, size_t column,
                double *value, uint32_t *flags, silk_error *err)
{
    text t = trim(f->text, f->len);
    const char *space = memchr(t.s, ' ', t.len);
    size_t number_len = space ? (size_t)(space - t.s) : t.len;

    *flags = 0;
    if (space != NULL) {
        text letters = trim(space, t.len - number_len);
        if (silk_flags_parse(letters.s, letters.len, flags) != SILK_OK)
            return cell_error(e, err, f, column);
    }
    if (number_len == 0 || (number_len == 1 && t.s[0] == ':')) {
        *value = NAN;
        return SILK_OK;
    }
    int status = silk_ingest_number(t.s, number_len, value);
    if (status == -2) {
        char shown[80];
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, f->line, column,
            "'%s' in column '%s' is out of range; expected a finite decimal "
            "value",
            silk_ingest_show(f->text, f->len, shown, sizeof shown),
            e->names[column - 1]);
    }
    return status == 0 ? SILK_OK : cell_error(e, err, f, column);
}

static int data_row(eurostat *e, const silk_csv_row *row, silk_error *err)
{
    text part[MAX_DIMS];
    char indicator[SILK_INDICATOR_MAX + 32], shown[80];
    const char *origin = NULL, *destination = "", *unit = NULL;
    char unit_code[SILK_INDICATOR_MAX + 1];
    bool aggregate = false;
    int status;

    if (row->n_fields != e->n_columns) {
        size_t column = (row->n_fields < e->n_columns ? row->n_fields
                                                      : e->n_columns) + 1;
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, row->line, column,
            "line %zu has %zu field%s; expected %zu as in the header",
            row->line, row->n_fields, row->n_fields == 1 ? "" : "s",
            e->n_columns);
    }
    status = row_dims(e, row, part, err);
    if (status != SILK_OK)
        return status;

    size_t used = (size_t)snprintf(indicator, sizeof indicator, "%s",
                                   e->opt->indicator);
    for (size_t d = 0; d < e->n_dims; d++) {
        int di = (int)d;
        if (di == e->origin_dim)
            status = country(e, row, d, part[d], &origin, &aggregate, err);
        else if (di == e->destination_dim)
            status = country(e, row, d, part[d], &destination, &aggregate,
                             err);
        else if (di == e->freq_dim) {
            static const char freq_code[] = {[SILK_FREQ_ANNUAL] = 'A',
                                             [SILK_FREQ_QUARTERLY] = 'Q',
                                             [SILK_FREQ_MONTHLY] = 'M'};
            char want[2] = {freq_code[e->freq], '\0'};
            if (part[d].len != 1 || part[d].s[0] != want[0]) {
                char expected[64];
                snprintf(expected, sizeof expected, "%s as the %s periods of "
                         "the header", want, freq_name(e->freq));
                status = dim_error(e, err, row, d, part[d],
                                   "does not match the periods", expected);
            }
        } else {
            if (di == e->unit_dim) {
                unit = unit_name(part[d]);
                if (unit == NULL && part[d].len < sizeof unit_code) {
                    memcpy(unit_code, part[d].s, part[d].len);
                    unit_code[part[d].len] = '\0';
                    unit = unit_code;
                }
            }
            if (e->varies[d] && used < sizeof indicator)
                used += (size_t)snprintf(indicator + used,
                                         sizeof indicator - used, ".%.*s",
                                         (int)part[d].len, part[d].s);
        }
        if (status != SILK_OK)
            return status;
    }
    if (aggregate && used < sizeof indicator)
        used += (size_t)snprintf(indicator + used, sizeof indicator - used,
                                 ".aggregates");
    if (used >= sizeof indicator ||
        !silk_indicator_name_valid(indicator, used))
        return silk_ingest_error_at(
            err, SILK_EPARSE, e->path, row->field[0].line, 1,
            "the indicator name '%s' made of --indicator and the "
            "dimensions that vary (rule 4) is not valid; expected 1-64 "
            "letters, digits, '_', '.' or '-' (a shorter --indicator, or "
            "one file per value of a dimension)",
            silk_ingest_show(indicator, used, shown, sizeof shown));

    for (size_t c = 1; c < row->n_stored; c++) {
        double value;
        uint32_t flags;
        const silk_csv_field *f = &row->field[c];
        status = cell(e, f, c + 1, &value, &flags, err);
        if (status != SILK_OK)
            return status;
        silk_ingest_check_count(e->opt, e->path, f->line, c + 1, e->names[c],
                                f->text, f->len, indicator, unit, value);
        silk_ingest_check_pair(e->opt, e->path, f->line, c + 1, indicator,
                               origin, destination, value);
        status = silk_ingest_put(e->path, f->line, c + 1,
                                 aggregate ? &e->plain : e->opt, e->batch,
                                 indicator, origin, destination, e->period[c],
                                 value, flags, unit, SOURCE, e->file_index,
                                 err);
        if (status != SILK_OK)
            return status;
    }
    e->rows++;
    return SILK_OK;
}

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    eurostat *e = ctx;

    if (silk_ingest_blank_row(row))
        return SILK_OK;
    if (!e->have_header) {
        if (e->pass == 2) { /* read and checked in pass 1 */
            e->have_header = true;
            silk_csv_set_names(reader, (const char *const *)e->names,
                               row->n_stored);
            return SILK_OK;
        }
        return header(e, reader, row, err);
    }
    if (e->pass == 1) {
        note_dims(e, row);
        return SILK_OK;
    }
    /* a data row's errors concern that row alone (--check reads on) */
    return silk_ingest_row_problem(e->opt, data_row(e, row, err), err);
}

static int read_eurostat(const char *path, const silk_ingest_options *opt,
                         unsigned file_index, silk_batch *batch,
                         uint64_t *rows_out, silk_error *err)
{
    eurostat e;
    char sha256[65];
    uint64_t bytes = 0;
    int status;

    if (rows_out != NULL)
        *rows_out = 0;
    if (opt == NULL || opt->countries == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "%s:1:1: Eurostat tables name countries by ISO2 code; expected "
            "the country table (datasets/countries.csv)", path);
    if (opt->indicator == NULL)
        return silk_error_set(
            err, SILK_EINVAL,
            "%s:1:1: a Eurostat TSV file does not name its dataset; "
            "expected --indicator NAME such as migr_asyappctza", path);
    memset(&e, 0, sizeof e);
    e.path = path;
    e.opt = opt;
    e.plain = *opt;
    e.plain.countries = NULL;
    e.file_index = file_index;
    e.batch = batch;

    e.pass = 1;
    status = silk_csv_read_delim(path, '\t', MAX_FIELDS, on_row, &e, sha256,
                                 &bytes, err);
    if (status != SILK_OK)
        goto done;
    if (!e.have_header) {
        status = silk_error_set(
            err, SILK_EPARSE,
            "%s:1:1: %s; expected a header such as "
            "'freq,unit,citizen,geo\\TIME_PERIOD' followed by periods, "
            "tab-separated", path, bytes == 0 ? "empty file" : "no header row");
        goto done;
    }
    e.pass = 2;
    e.have_header = false;
    status = silk_csv_read_delim(path, '\t', MAX_FIELDS, on_row, &e, sha256,
                                 &bytes, err);
    if (status != SILK_OK)
        goto done;
    status = silk_batch_add_provenance(batch, file_index, path, sha256, e.rows,
                                       err);
    if (status == SILK_OK && rows_out != NULL)
        *rows_out = e.rows;
done:
    for (size_t d = 0; d < MAX_DIMS; d++) {
        free(e.dim[d]);
        free(e.first[d]);
    }
    if (e.names != NULL)
        for (size_t c = 0; c < e.n_columns; c++)
            free(e.names[c]);
    free(e.names);
    free(e.period);
    return status;
}

/* The first record holds "...\TIME_PERIOD" (or "\time") in some field,
 * whatever delimiter the sniff used: with commas the dimension cell is
 * cut into pieces but the backslash stays in the last one. */
static int detect(const silk_sniff *sniff)
{
    if (sniff->n_records == 0)
        return 0;
    for (size_t i = 0; i < sniff->record[0].n_stored; i++) {
        const char *slash = strchr(sniff->record[0].field[i], '\\');
        if (slash != NULL && (strncasecmp(slash + 1, "TIME_PERIOD", 11) == 0 ||
                              strncasecmp(slash + 1, "time", 4) == 0))
            return 90;
    }
    return 0;
}

const silk_format silk_format_eurostat = {
    "eurostat",
    "Eurostat TSV (freq,unit,citizen,geo\\TIME_PERIOD then periods; needs "
    "--indicator)",
    detect, read_eurostat};
