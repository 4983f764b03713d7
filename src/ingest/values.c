/*
 * values.c: the value rules every input format shares: numbers, the
 * agencies' missing-value markers, header matching, and where aggregates
 * go.  One place, so a number or a gap reads the same in every format.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"

static const double powers_of_ten[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parses a whole field as a finite decimal number: [+-]digits[.digits]
 * with an optional exponent; no spaces, hex, "nan", "inf" or thousands
 * separators.  Returns 0, -1 for bad syntax, -2 for out of range. */
int silk_ingest_number(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0, fraction = 0;
    uint64_t mantissa = 0;
    bool negative = false;
    char *end;
    double v;

    if (i < len && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        if (digits < 19)
            mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, fraction++)
            if (digits + fraction < 19)
                mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
    }
    if (digits + fraction == 0)
        return -1;
    /* Clinger's fast path: an integer below 2^53 divided by an exact power
     * of ten is one correctly rounded operation, the same as strtod. */
    if (i == len && digits + fraction < 19 && fraction <= 22 &&
        mantissa <= (UINT64_C(1) << 53)) {
        /* an integer needs no division (x / 1 is x): most counts */
        v = fraction ? (double)mantissa / powers_of_ten[fraction]
                     : (double)mantissa;
        *out = negative ? -v : v;
        return 0;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exponent_digits = 0;
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exponent_digits++;
        if (exponent_digits == 0)
            return -1;
    }
    if (i != len)
        return -1;
    /* the syntax is checked: strtod sees no hex, nan or inf here */
    v = strtod(s, &end);
    if (end != s + len)
        return -1;
    if (!isfinite(v))
        return -2;
    *out = v;
    return 0;
}

bool silk_ingest_is_missing(const char *text, size_t len, bool na_is_missing)
{
    /* "..": UN DESA and the World Bank; ":": Eurostat; "-": the UNHCR API's
     * "not applicable"; "NA": R's export, unless the column holds codes. */
    return len == 0 || (len == 2 && memcmp(text, "..", 2) == 0) ||
           (len == 1 && (text[0] == ':' || text[0] == '-')) ||
           (na_is_missing && len == 2 && memcmp(text, "NA", 2) == 0);
}

void silk_ingest_trim(const char **text, size_t *len)
{
    while (*len > 0 && (**text == ' ' || **text == '\t')) {
        (*text)++;
        (*len)--;
    }
    while (*len > 0 && ((*text)[*len - 1] == ' ' || (*text)[*len - 1] == '\t'))
        (*len)--;
}

bool silk_ingest_blank_fields(const silk_csv_row *row)
{
    /* fields past the stored ones were not seen: not provably blank */
    if (row->n_fields > row->n_stored)
        return false;
    for (size_t i = 0; i < row->n_stored; i++) {
        const char *text = row->field[i].text;
        size_t len = row->field[i].len;
        if (len > 0 && text[0] != ' ' && text[0] != '\t')
            return false; /* most rows, at their first field */
        silk_ingest_trim(&text, &len);
        if (len > 0)
            return false;
    }
    return true;
}

bool silk_ingest_field_is(const char *text, size_t len, const char *name)
{
    silk_ingest_trim(&text, &len);
    return len == strlen(name) && strncasecmp(text, name, len) == 0;
}

size_t silk_sniff_columns(const silk_sniff *sniff, const char *const *names,
                          size_t n)
{
    size_t found = 0;
    if (sniff->n_records == 0)
        return 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < sniff->record[0].n_stored; i++) {
            const char *f = sniff->record[0].field[i];
            if (silk_ingest_field_is(f, strlen(f), names[k])) {
                found++;
                break;
            }
        }
    return found;
}

int silk_ingest_put_category(const char *path, size_t line, size_t column,
                             const silk_ingest_options *opt, silk_batch *batch,
                             const char *indicator,
                             const char *const *columns, size_t n_columns,
                             const char *const *category, const char *origin,
                             const char *destination, silk_period period,
                             double value, uint32_t flags, const char *unit,
                             const char *source, unsigned file_index,
                             silk_error *err)
{
    char aggregate[SILK_INDICATOR_MAX + 16];
    const silk_countries *countries = opt ? opt->countries : NULL;
    if (countries != NULL &&
        (silk_countries_is_aggregate(countries, origin) ||
         (destination && destination[0] &&
          silk_countries_is_aggregate(countries, destination)))) {
        snprintf(aggregate, sizeof aggregate, "%s.aggregates", indicator);
        indicator = aggregate;
    }
    /* idempotent: the aggregates' indicator is declared at its first row */
    int status = silk_batch_set_categories(batch, indicator, columns,
                                           n_columns, err);
    if (status == SILK_OK)
        status = silk_batch_put_category(batch, indicator, origin,
                                         destination, category, period, value,
                                         flags, unit, source, file_index,
                                         line, column, err);
    if (status != SILK_OK)
        silk_error_prefix(err, "%s:%zu:%zu: ", path, line, column);
    return status;
}

int silk_ingest_put(const char *path, size_t line, size_t column,
                    const silk_ingest_options *opt, silk_batch *batch,
                    const char *indicator, const char *origin,
                    const char *destination, silk_period period, double value,
                    uint32_t flags, const char *unit, const char *source,
                    unsigned file_index, silk_error *err)
{
    char aggregate[SILK_INDICATOR_MAX + 16];
    const silk_countries *countries = opt ? opt->countries : NULL;
    if (countries != NULL &&
        (silk_countries_is_aggregate(countries, origin) ||
         (destination && destination[0] &&
          silk_countries_is_aggregate(countries, destination)))) {
        snprintf(aggregate, sizeof aggregate, "%s.aggregates", indicator);
        indicator = aggregate;
    }
    int status = silk_batch_put_at(batch, indicator, origin, destination,
                                   period, value, flags, unit, source,
                                   file_index, line, column, err);
    if (status != SILK_OK)
        silk_error_prefix(err, "%s:%zu:%zu: ", path, line, column);
    return status;
}
