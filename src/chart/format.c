/*
 * format.c: short-scale numbers for chart tick labels and annotations
 * ("1.2M"), kept apart from the script writer because the CLI and the
 * report use it too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"

/* Drops a trailing ".0"/".00"/".50"->".5" so ticks read "2M", not "2.0M". */
static void strip_zeros(char *text)
{
    char *dot = strchr(text, '.');
    if (dot == NULL)
        return;
    char *end = text + strlen(text);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
}

/*
 * The rule: below 1000 in absolute value, the number with at most two
 * decimals (950 -> "950", 12.5 -> "12.5", 0.25 -> "0.25"); from 1000 on,
 * the value in thousands (k), millions (M), billions (B, short scale, 1e9)
 * or trillions (T) with one decimal, trailing ".0" dropped (1500 -> "1.5k",
 * 1234567 -> "1.2M", 2e6 -> "2M").  A value that rounds up to 1000 of a unit
 * moves to the next one (999999 -> "1M", not "1000k").  Negatives get a
 * leading "-"; anything that rounds to zero is "0" (never "-0").  NaN is
 * "NaN", infinities "inf"/"-inf".  The text is truncated to size - 1 bytes;
 * size 0 writes nothing.
 */
SILK_API void silk_format_short(double value, char *buf, size_t size)
{
    static const struct {
        double unit;
        const char *suffix;
    } scales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    char text[400]; /* "%.1f" of 1e308 / 1e12 fits */

    if (buf == NULL || size == 0)
        return;
    if (isnan(value)) {
        snprintf(buf, size, "NaN");
        return;
    }
    if (isinf(value)) {
        snprintf(buf, size, "%s", value < 0 ? "-inf" : "inf");
        return;
    }

    double magnitude = fabs(value);
    const char *sign = value < 0 ? "-" : "";
    text[0] = '\0';
    /* Below 1000 first: 999.996 rounds to "1000.00" and then reads "1k". */
    snprintf(text, sizeof text, "%.2f", magnitude);
    if (magnitude < 1e3 && strtod(text, NULL) < 1e3) {
        strip_zeros(text);
        if (strcmp(text, "0") == 0)
            sign = "";
        snprintf(buf, size, "%s%s", sign, text);
        return;
    }
    /* Smallest unit first so that rounding up (999.96k) can promote. */
    for (int i = 3; i >= 0; i--) {
        double scaled = magnitude / scales[i].unit;
        if (i > 0 && magnitude >= scales[i - 1].unit)
            continue;
        snprintf(text, sizeof text, "%.1f", scaled);
        if (i > 0 && strtod(text, NULL) >= 1e3)
            continue; /* "1000.0k": say "1M" instead */
        strip_zeros(text);
        snprintf(buf, size, "%s%s%s", sign, text, scales[i].suffix);
        return;
    }
}
