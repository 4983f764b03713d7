/*
 * palette.c: the fixed colours of the chart types (the palette, one colour
 * per Silk Routes country and per UNHCR population type) and file-name
 * slugs.  Public so the CLI, the report and the batch runner colour and
 * name charts the same way.
 */
#include <stdio.h>
#include <string.h>

#include "chart/chart.h"

SILK_API const char *silk_chart_palette(unsigned index)
{
    return index >= 1 && index <= CHART_PALETTE_SIZE
               ? chart_colour(index, 0)
               : NULL;
}

SILK_API unsigned silk_chart_country_colour(const char *iso3)
{
    static const char *const fixed[] = {"AFG", "IRN", "PAK", "BGD", "IRQ"};
    for (unsigned i = 0; iso3 != NULL && i < 5; i++)
        if (strcmp(iso3, fixed[i]) == 0)
            return i + 1;
    return 0;
}

static const struct {
    silk_population type;
    unsigned colour;
    const char *label;
} populations[] = {
    {SILK_POP_NONE, 0, ""},
    /* Refugees and asylum-seekers share the blue family (the two faces of
     * international protection), returns are green (a solution), IDPs
     * orange, OIP pink, stateless vermillion: UNHCR's own charts keep
     * refugees blue, and no two neighbours in a usual stack (refugees,
     * asylum-seekers, OIP, returns, IDPs) are a confusable pair. */
    {SILK_POP_REFUGEES, 1, "Refugees"},
    {SILK_POP_ASYLUM_SEEKERS, 6, "Asylum-seekers"},
    {SILK_POP_RETURNED_REFUGEES, 3, "Returned refugees"},
    {SILK_POP_IDPS, 5, "IDPs"},
    {SILK_POP_OIP, 4, "Other people in need of international protection"},
    {SILK_POP_STATELESS, 2, "Stateless persons"},
};

SILK_API silk_population silk_chart_population_of(const char *indicator)
{
    static const struct {
        const char *name;
        silk_population type;
    } names[] = {
        {"refugees", SILK_POP_REFUGEES},
        {"asylum_seekers", SILK_POP_ASYLUM_SEEKERS},
        {"returned_refugees", SILK_POP_RETURNED_REFUGEES},
        {"refugee_returns", SILK_POP_RETURNED_REFUGEES},
        {"idps", SILK_POP_IDPS},
        {"idps_idmc", SILK_POP_IDPS},
        {"oip", SILK_POP_OIP},
        {"stateless", SILK_POP_STATELESS},
    };
    if (indicator == NULL)
        return SILK_POP_NONE;
    const char *dot = strrchr(indicator, '.');
    const char *name = dot ? dot + 1 : indicator;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].type;
    return SILK_POP_NONE;
}

SILK_API unsigned silk_chart_population_colour(silk_population type)
{
    for (size_t i = 0; i < sizeof populations / sizeof *populations; i++)
        if (populations[i].type == type)
            return populations[i].colour;
    return 0;
}

SILK_API const char *silk_chart_population_label(silk_population type)
{
    for (size_t i = 0; i < sizeof populations / sizeof *populations; i++)
        if (populations[i].type == type)
            return populations[i].label;
    return "";
}

SILK_API void silk_chart_slug(const char *text, char *buf, size_t size)
{
    size_t used = 0, last_cut = 0;
    bool dash = false, cut = false;
    if (buf == NULL || size == 0)
        return;
    for (const unsigned char *s = (const unsigned char *)chart_or_empty(text);
         *s; s++) {
        unsigned char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            dash = true; /* one '-' for a run, only between kept letters */
            continue;
        }
        size_t need = dash && used > 0 ? 2 : 1;
        if (used + need + 1 > size) {
            cut = need == 1; /* mid-word; at a word's start it is whole */
            break;
        }
        if (need == 2) {
            last_cut = used;
            buf[used++] = '-';
        }
        dash = false;
        buf[used++] = (char)c;
    }
    /* Cut short: end at the last whole word when that keeps something. */
    if (cut && last_cut > 0)
        used = last_cut;
    buf[used] = '\0';
    if (used == 0)
        snprintf(buf, size, "chart");
}
