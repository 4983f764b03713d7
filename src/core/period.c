/*
 * period.c: the small value types every module shares: periods, country
 * codes, flags and indicator names.  Parsers here return a bare status and
 * leave the message to the caller, which knows the file position.
 */
#include <stdio.h>
#include <string.h>

#include "silkstat.h"

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int silk_period_parse(const char *text, size_t len, silk_period *out)
{
    if (len < 4)
        return SILK_EPARSE;
    /* the year's four digits, each tested once (unsigned: below '0'
     * wraps above 9) */
    unsigned d0 = (unsigned)(text[0] - '0'), d1 = (unsigned)(text[1] - '0');
    unsigned d2 = (unsigned)(text[2] - '0'), d3 = (unsigned)(text[3] - '0');
    if (d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9)
        return SILK_EPARSE;
    int year = (int)(d0 * 1000 + d1 * 100 + d2 * 10 + d3);
    if (year < SILK_YEAR_MIN || year > SILK_YEAR_MAX)
        return SILK_EPARSE;

    silk_period p = {SILK_FREQ_ANNUAL, year, 0};
    if (len == 4) {
        *out = p;
        return SILK_OK;
    }
    if (text[4] != '-')
        return SILK_EPARSE;
    if (len == 7 && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
        p.freq = SILK_FREQ_QUARTERLY;
        p.sub = text[6] - '0';
    } else if (len == 7 && digits(text + 5, 2)) {
        p.freq = SILK_FREQ_MONTHLY;
        p.sub = number(text + 5, 2);
        if (p.sub < 1 || p.sub > 12)
            return SILK_EPARSE;
    } else {
        return SILK_EPARSE;
    }
    *out = p;
    return SILK_OK;
}

long silk_period_ordinal(silk_period p)
{
    switch (p.freq) {
    case SILK_FREQ_QUARTERLY: return (long)p.year * 4 + p.sub - 1;
    case SILK_FREQ_MONTHLY: return (long)p.year * 12 + p.sub - 1;
    default: return p.year;
    }
}

silk_period silk_period_from_ordinal(silk_freq freq, long ordinal)
{
    silk_period p = {freq, (int)ordinal, 0};
    if (freq == SILK_FREQ_QUARTERLY || freq == SILK_FREQ_MONTHLY) {
        p.year = (int)(ordinal / freq);
        p.sub = (int)(ordinal % freq) + 1;
    } else {
        p.freq = SILK_FREQ_ANNUAL;
    }
    return p;
}

double silk_period_decimal_year(silk_period p)
{
    if (p.freq == SILK_FREQ_QUARTERLY || p.freq == SILK_FREQ_MONTHLY)
        return p.year + (double)(p.sub - 1) / p.freq;
    return p.year;
}

void silk_period_format(silk_period p, char *buf)
{
    switch (p.freq) {
    case SILK_FREQ_QUARTERLY:
        snprintf(buf, SILK_PERIOD_LABEL_MAX, "%04d-Q%d", p.year, p.sub);
        break;
    case SILK_FREQ_MONTHLY:
        snprintf(buf, SILK_PERIOD_LABEL_MAX, "%04d-%02d", p.year, p.sub);
        break;
    default:
        snprintf(buf, SILK_PERIOD_LABEL_MAX, "%04d", p.year);
        break;
    }
}

int silk_period_compare(silk_period a, silk_period b)
{
    if (a.freq != b.freq)
        return a.freq < b.freq ? -1 : 1;
    long x = silk_period_ordinal(a), y = silk_period_ordinal(b);
    return (x > y) - (x < y);
}

_Static_assert(SILK_CODE_LEN == 3, "silk_code_valid tests three letters");

bool silk_code_valid(const char *text, size_t len)
{
    /* one test a letter: unsigned, 'A' - 1 and below wrap above 25 */
    return len == SILK_CODE_LEN && (unsigned)(text[0] - 'A') < 26 &&
           (unsigned)(text[1] - 'A') < 26 && (unsigned)(text[2] - 'A') < 26;
}

int silk_flags_parse(const char *text, size_t len, uint32_t *out)
{
    uint32_t flags = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            flags |= SILK_FLAG(c);
        else if (c == '*')
            flags |= SILK_FLAG_REDACTED;
        else
            return SILK_EPARSE;
    }
    *out = flags;
    return SILK_OK;
}

void silk_flags_format(uint32_t flags, char *buf)
{
    size_t n = 0;
    for (char c = 'a'; c <= 'z'; c++)
        if (flags & SILK_FLAG(c))
            buf[n++] = c;
    if (flags & SILK_FLAG_REDACTED)
        buf[n++] = '*';
    buf[n] = '\0';
}

bool silk_indicator_name_valid(const char *text, size_t len)
{
    if (len == 0 || len > SILK_INDICATOR_MAX)
        return false;
    if (text[0] == '.' || text[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}
