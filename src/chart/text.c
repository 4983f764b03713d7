/*
 * text.c: turning text from data (titles, labels, sources) into something
 * a gnuplot script can carry without running it.  Separate so the rules sit
 * in one place and the tests can hit them directly; see RELIABILITY.md
 * "gnuplot runs shell commands from text" for why each step exists.
 */
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        /* The NUL terminator fails this test, so we never read past it. */
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

char *silk_chart_clean_text(const char *text)
{
    const unsigned char *in = (const unsigned char *)(text ? text : "");
    /* Worst case every byte becomes the 3-byte U+FFFD. */
    char *out = malloc(strlen((const char *)in) * 3 + 1);
    if (out == NULL)
        return NULL;
    char *w = out;
    while (*in) {
        unsigned cp;
        size_t n = utf8_len(in, &cp);
        if (n == 0) {
            memcpy(w, "\xEF\xBF\xBD", 3);
            w += 3;
            in++;
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            *w++ = ' ';
            in += n;
        } else if (cp == 0xFFFE || cp == 0xFFFF) {
            /* Not allowed in XML: the SVG would not load. */
            memcpy(w, "\xEF\xBF\xBD", 3);
            w += 3;
            in += n;
        } else {
            memcpy(w, in, n);
            w += n;
            in += n;
        }
    }
    *w = '\0';
    return out;
}

char *silk_chart_quote(const char *text)
{
    char *clean = silk_chart_clean_text(text);
    if (clean == NULL)
        return NULL;
    char *out = malloc(strlen(clean) * 2 + 3);
    if (out != NULL) {
        char *w = out;
        *w++ = '"';
        for (const char *r = clean; *r; r++) {
            if (*r == '\\' || *r == '"' || *r == '`')
                *w++ = '\\';
            *w++ = *r;
        }
        *w++ = '"';
        *w = '\0';
    }
    free(clean);
    return out;
}

int silk_chart_name_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > 255 || name[0] == '-' || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}
