/*
 * html.c: text made safe for HTML.  Everything the page shows from the
 * job file or the data goes through html_put: the five characters that
 * can end an element or attribute are escaped, control characters become
 * spaces and invalid UTF-8 becomes U+FFFD, so no text can add markup,
 * scripts or a broken byte to the page.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid
 * (stray continuation, truncated, overlong, surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned long cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    /* C1 controls (U+0080-U+009F) are controls too */
    if (n == 2 && cp < 0xA0)
        return 0;
    return n;
}

void html_put(FILE *f, const char *text)
{
    if (text == NULL)
        return;
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        switch (*s) {
        case '&': fputs("&amp;", f); s++; continue;
        case '<': fputs("&lt;", f); s++; continue;
        case '>': fputs("&gt;", f); s++; continue;
        case '"': fputs("&quot;", f); s++; continue;
        case '\'': fputs("&#39;", f); s++; continue;
        default: break;
        }
        if (*s < 0x20 || *s == 0x7F) {
            fputc(*s == '\n' || *s == '\t' ? *s : ' ', f);
            s++;
            continue;
        }
        size_t n = utf8_len(s);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD */
            s++;
            continue;
        }
        fwrite(s, 1, n, f);
        s += n;
    }
}

char *silk_html_escape(const char *text)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (f == NULL)
        return NULL;
    html_put(f, text);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
