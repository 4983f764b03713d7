/*
 * countries.c: the country table and the country groups.
 *
 * Agencies spell countries their own way ("Iran (Islamic Republic of)",
 * "Iran, Islamic Rep.", "Türkiye"/"Turkey", curly or straight
 * apostrophes), so every name and alias is stored folded: lowercase, Latin
 * accents removed, curly quotes straightened, spaces collapsed.  ISO3 codes
 * match exactly and first; UNHCR's own codes only where they are not also
 * ISO codes (UNHCR's AUS is Austria, ISO's AUS Australia).  An unknown name
 * is reported with the three closest known names (edit distance on the
 * folded forms), so a typo is one glance away from its fix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "core/memory.h"

enum kind { KIND_COUNTRY, KIND_TERRITORY, KIND_PSEUDO, KIND_AGGREGATE };

typedef struct country {
    char iso3[SILK_CODE_LEN + 1];
    char iso2[3]; /* "" when the table gives none */
    char unhcr[SILK_CODE_LEN + 1];
    char *name;
    enum kind kind;
} country;

typedef struct key {
    char *folded;
    size_t country;
} key;

typedef struct group {
    char *name;
    char *title;
    const char **members; /* borrowed iso3 strings of the table */
    size_t n;
} group;

struct silk_countries {
    country *countries;
    size_t n, cap;
    key *keys; /* folded names and aliases, sorted */
    size_t n_keys, cap_keys;
    group *groups;
    size_t n_groups, cap_groups;
    /* position + 1 of the country of each code (AAA = 0, AAB = 1, ...;
     * every iso3 is three capitals), 0 for none: an ingest asks for the
     * codes of every value it puts (18 times a row of UNHCR population,
     * where a binary search with its strcmp calls took about 13% of the
     * CPU, perf).  At most 26^3 countries, so 16 bits hold any position. */
    uint16_t *by_code;
};

#define LETTER_CODES (26 * 26 * 26)

/* The by_code slot of code, or -1 when it is not three capitals. */
static long letter_slot(const char *code)
{
    long slot = 0;
    for (int i = 0; i < 3; i++) {
        if (code[i] < 'A' || code[i] > 'Z')
            return -1;
        slot = slot * 26 + (code[i] - 'A');
    }
    return code[3] == '\0' ? slot : -1;
}

/* Latin-1 Supplement letters U+00C0-U+00FF and Latin Extended-A
 * U+0100-U+017F folded to one ASCII letter each.  Both sides of a match
 * fold alike, so "Œ" -> "o" is consistent even if not a spelling. */
static const char fold_c0[] =
    "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
static const char fold_100[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllll"
    "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Writes the folded form of text into a new string. */
static char *fold(const char *text, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    bool space = false;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len; i++) {
        unsigned c = s[i];
        char put = 0;
        if (c == ' ' || c == '\t') {
            space = n > 0;
            continue;
        }
        if (c < 0x80) {
            put = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < len) {
            unsigned cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            if (cp == 0xA0) { /* no-break space */
                space = n > 0;
                i++;
                continue;
            }
            if (cp >= 0xC0 && cp < 0x100)
                put = fold_c0[cp - 0xC0];
            else if (cp >= 0x100 && cp < 0x180)
                put = fold_100[cp - 0x100];
            if (put)
                i++;
        } else if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
                   (s[i + 2] == 0x98 || s[i + 2] == 0x99)) {
            put = '\''; /* curly apostrophes */
            i += 2;
        }
        if (space) {
            out[n++] = ' ';
            space = false;
        }
        if (put) {
            out[n++] = put;
        } else {
            out[n++] = (char)c; /* other bytes as they are */
        }
    }
    out[n] = '\0';
    return out;
}

static int add_key(silk_countries *c, const char *text, size_t len,
                   size_t index)
{
    if (len == 0)
        return SILK_OK;
    if (silk_grow((void **)&c->keys, &c->cap_keys, c->n_keys + 1, sizeof *c->keys))
        return SILK_ENOMEM;
    char *folded = fold(text, len);
    if (folded == NULL)
        return SILK_ENOMEM;
    c->keys[c->n_keys].folded = folded;
    c->keys[c->n_keys++].country = index;
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* Loading the country table                                           */
/* ------------------------------------------------------------------ */

enum column {
    COL_ISO3, COL_NAME, COL_UNHCR, COL_KIND, COL_ALIASES, COL_ISO2, N_COLS
};
static const char *const column_names[N_COLS] = {
    "iso3", "name", "unhcr_code", "kind", "aliases", "iso2"};

typedef struct loader {
    silk_countries *c;
    const char *path;
    bool have_header;
    long col[N_COLS];
} loader;

static int country_row(silk_csv_reader *reader, void *ctx,
                       const silk_csv_row *row, silk_error *err)
{
    (void)reader;
    loader *l = ctx;
    silk_countries *c = l->c;
    char shown[80];
    if (!l->have_header) {
        for (size_t k = 0; k < N_COLS; k++)
            l->col[k] = -1;
        for (size_t i = 0; i < row->n_stored; i++)
            for (size_t k = 0; k < N_COLS; k++)
                if (silk_ingest_field_is(row->field[i].text, row->field[i].len,
                                         column_names[k]))
                    l->col[k] = (long)i;
        if (l->col[COL_ISO3] < 0 || l->col[COL_NAME] < 0)
            return silk_ingest_error_at(err, SILK_EPARSE, l->path, row->line,
                                        1, "the header must name the columns "
                                           "'iso3' and 'name'");
        l->have_header = true;
        return SILK_OK;
    }
    const silk_csv_field *f[N_COLS] = {NULL};
    for (size_t k = 0; k < N_COLS; k++) {
        if (l->col[k] < 0)
            continue;
        if ((size_t)l->col[k] >= row->n_stored)
            return silk_ingest_error_at(
                err, SILK_EPARSE, l->path, row->line, row->n_fields,
                "line has %zu fields; expected a value in column '%s'",
                row->n_fields, column_names[k]);
        f[k] = &row->field[l->col[k]];
    }
    if (!silk_code_valid(f[COL_ISO3]->text, f[COL_ISO3]->len))
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, row->line, (size_t)l->col[COL_ISO3] + 1,
            "'%s' in column 'iso3' is not a country code; expected three "
            "capital letters such as AFG",
            silk_ingest_show(f[COL_ISO3]->text, f[COL_ISO3]->len, shown,
                             sizeof shown));
    if (silk_grow((void **)&c->countries, &c->cap, c->n + 1, sizeof *c->countries))
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    country *k = &c->countries[c->n];
    memset(k, 0, sizeof *k);
    memcpy(k->iso3, f[COL_ISO3]->text, SILK_CODE_LEN);
    if (f[COL_UNHCR] && silk_code_valid(f[COL_UNHCR]->text, f[COL_UNHCR]->len))
        memcpy(k->unhcr, f[COL_UNHCR]->text, SILK_CODE_LEN);
    if (f[COL_ISO2] && f[COL_ISO2]->len == 2 &&
        f[COL_ISO2]->text[0] >= 'A' && f[COL_ISO2]->text[0] <= 'Z' &&
        f[COL_ISO2]->text[1] >= 'A' && f[COL_ISO2]->text[1] <= 'Z')
        memcpy(k->iso2, f[COL_ISO2]->text, 2);
    k->name = strndup(f[COL_NAME]->text, f[COL_NAME]->len);
    if (k->name == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (f[COL_KIND]) {
        const char *kinds[] = {"country", "territory", "pseudo", "aggregate"};
        size_t i;
        for (i = 0; i < 4; i++)
            if (silk_ingest_field_is(f[COL_KIND]->text, f[COL_KIND]->len,
                                     kinds[i]))
                break;
        if (i == 4 && f[COL_KIND]->len > 0)
            return silk_ingest_error_at(
                err, SILK_EPARSE, l->path, row->line,
                (size_t)l->col[COL_KIND] + 1,
                "'%s' in column 'kind' is not a kind; expected country, "
                "territory, pseudo or aggregate",
                silk_ingest_show(f[COL_KIND]->text, f[COL_KIND]->len, shown,
                                 sizeof shown));
        k->kind = i == 4 ? KIND_COUNTRY : (enum kind)i;
    }
    size_t index = c->n++;
    if (add_key(c, f[COL_NAME]->text, f[COL_NAME]->len, index))
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (f[COL_ALIASES]) {
        const char *p = f[COL_ALIASES]->text, *end = p + f[COL_ALIASES]->len;
        while (p < end) {
            const char *bar = memchr(p, '|', (size_t)(end - p));
            size_t len = (size_t)((bar ? bar : end) - p);
            if (add_key(c, p, len, index))
                return silk_error_set(err, SILK_ENOMEM, "out of memory");
            p += len + 1;
        }
    }
    return SILK_OK;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(((const key *)a)->folded, ((const key *)b)->folded);
}

/* Sorts the keys and drops exact repeats; the same folded name for two
 * different countries is an error, since a file could then resolve to
 * either. */
static int index_keys(silk_countries *c, const char *path, silk_error *err)
{
    qsort(c->keys, c->n_keys, sizeof *c->keys, compare_keys);
    size_t n = 0;
    for (size_t i = 0; i < c->n_keys; i++) {
        if (n > 0 && strcmp(c->keys[n - 1].folded, c->keys[i].folded) == 0) {
            size_t a = c->keys[n - 1].country, b = c->keys[i].country;
            if (a != b && strcmp(c->countries[a].iso3, c->countries[b].iso3))
                return silk_error_set(
                    err, SILK_EPARSE,
                    "%s: the name '%s' is given to both %s and %s; expected "
                    "each name or alias for one country",
                    path, c->keys[i].folded, c->countries[a].iso3,
                    c->countries[b].iso3);
            free(c->keys[i].folded);
            continue;
        }
        c->keys[n++] = c->keys[i];
    }
    c->n_keys = n;
    c->by_code = calloc(LETTER_CODES, sizeof *c->by_code);
    if (c->by_code == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    /* a repeat is found before position 26^3 + 1, so none overflows */
    for (size_t i = 0; i < c->n; i++) {
        long slot = letter_slot(c->countries[i].iso3);
        if (c->by_code[slot] != 0)
            return silk_error_set(err, SILK_EPARSE,
                                  "%s: the code '%s' is listed twice; "
                                  "expected one row per country",
                                  path, c->countries[i].iso3);
        c->by_code[slot] = (uint16_t)(i + 1);
    }
    return SILK_OK;
}

static const country *by_iso3(const silk_countries *c, const char *code)
{
    long slot = letter_slot(code);
    if (slot < 0 || c->by_code == NULL || c->by_code[slot] == 0)
        return NULL;
    return &c->countries[c->by_code[slot] - 1];
}

/* ------------------------------------------------------------------ */
/* Groups                                                              */
/* ------------------------------------------------------------------ */

typedef struct group_loader {
    silk_countries *c;
    const char *path;
    bool have_header;
    long col_group, col_title, col_members;
} group_loader;

static bool group_name_valid(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

static int group_row(silk_csv_reader *reader, void *ctx,
                     const silk_csv_row *row, silk_error *err)
{
    (void)reader;
    group_loader *l = ctx;
    silk_countries *c = l->c;
    char shown[80];
    if (!l->have_header) {
        l->col_group = l->col_title = l->col_members = -1;
        for (size_t i = 0; i < row->n_stored; i++) {
            const silk_csv_field *f = &row->field[i];
            if (silk_ingest_field_is(f->text, f->len, "group"))
                l->col_group = (long)i;
            else if (silk_ingest_field_is(f->text, f->len, "title"))
                l->col_title = (long)i;
            else if (silk_ingest_field_is(f->text, f->len, "members"))
                l->col_members = (long)i;
        }
        if (l->col_group < 0 || l->col_members < 0)
            return silk_ingest_error_at(err, SILK_EPARSE, l->path, row->line,
                                        1, "the header must name the columns "
                                           "'group' and 'members' (and "
                                           "optionally 'title')");
        l->have_header = true;
        return SILK_OK;
    }
    long need = l->col_group > l->col_members ? l->col_group : l->col_members;
    if (l->col_title > need)
        need = l->col_title;
    if ((size_t)need >= row->n_stored)
        return silk_ingest_error_at(err, SILK_EPARSE, l->path, row->line,
                                    row->n_fields,
                                    "line has %zu fields; expected %ld",
                                    row->n_fields, need + 1);
    const silk_csv_field *g = &row->field[l->col_group];
    const silk_csv_field *m = &row->field[l->col_members];
    if (!group_name_valid(g->text, g->len))
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, row->line, (size_t)l->col_group + 1,
            "'%s' in column 'group' is not a group name; expected lowercase "
            "letters, digits, '_' or '-' such as silk5",
            silk_ingest_show(g->text, g->len, shown, sizeof shown));
    if (silk_grow((void **)&c->groups, &c->cap_groups, c->n_groups + 1,
             sizeof *c->groups))
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    group *gr = &c->groups[c->n_groups];
    memset(gr, 0, sizeof *gr);
    gr->name = strndup(g->text, g->len);
    gr->title = l->col_title >= 0
                    ? strndup(row->field[l->col_title].text,
                              row->field[l->col_title].len)
                    : strdup("");
    gr->members = malloc((m->len / 4 + 2) * sizeof *gr->members);
    if (!gr->name || !gr->title || !gr->members) {
        free(gr->name);
        free(gr->title);
        free(gr->members);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    c->n_groups++; /* owned by the table from here on */
    const char *p = m->text, *end = p + m->len;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        const char *word = p;
        while (p < end && *p != ' ')
            p++;
        if (p == word)
            break;
        const country *k = NULL;
        if (silk_code_valid(word, (size_t)(p - word))) {
            char code[SILK_CODE_LEN + 1];
            memcpy(code, word, SILK_CODE_LEN);
            code[SILK_CODE_LEN] = '\0';
            k = by_iso3(c, code);
        }
        if (k == NULL)
            return silk_ingest_error_at(
                err, SILK_EPARSE, l->path, row->line,
                (size_t)l->col_members + 1,
                "'%s' in group '%s' is not a code of the country table; "
                "expected ISO3 codes separated by spaces",
                silk_ingest_show(word, (size_t)(p - word), shown, sizeof shown),
                gr->name);
        gr->members[gr->n++] = k->iso3;
    }
    return SILK_OK;
}

int silk_countries_add_groups(silk_countries *c, const char *groups_csv,
                              silk_error *err)
{
    group_loader l = {.c = c, .path = groups_csv};
    char digest[65];
    uint64_t bytes;
    return silk_csv_read(groups_csv, 64, group_row, &l, digest, &bytes, err);
}

int silk_countries_load(const char *countries_csv, const char *groups_csv,
                        silk_countries **out, silk_error *err)
{
    *out = NULL;
    silk_countries *c = calloc(1, sizeof *c);
    if (c == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    loader l = {.c = c, .path = countries_csv};
    char digest[65];
    uint64_t bytes;
    int rc = silk_csv_read(countries_csv, 64, country_row, &l, digest, &bytes,
                           err);
    if (rc == SILK_OK && !l.have_header)
        rc = silk_error_set(err, SILK_EPARSE,
                            "%s:1:1: empty file; expected a header naming "
                            "'iso3' and 'name'",
                            countries_csv);
    if (rc == SILK_OK)
        rc = index_keys(c, countries_csv, err);
    if (rc == SILK_OK && groups_csv != NULL)
        rc = silk_countries_add_groups(c, groups_csv, err);
    if (rc != SILK_OK) {
        silk_countries_free(c);
        return rc;
    }
    *out = c;
    return SILK_OK;
}

void silk_countries_free(silk_countries *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->countries[i].name);
    for (size_t i = 0; i < c->n_keys; i++)
        free(c->keys[i].folded);
    for (size_t i = 0; i < c->n_groups; i++) {
        free(c->groups[i].name);
        free(c->groups[i].title);
        free(c->groups[i].members);
    }
    free(c->countries);
    free(c->keys);
    free(c->groups);
    free(c->by_code);
    free(c);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

/* Levenshtein distance, for suggestions only (names are short). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 80)
        la = 80;
    if (lb > 80)
        lb = 80;
    size_t row[81];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diagonal + cost;
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

static int suggest(const silk_countries *c, const char *text, size_t len,
                   const char *folded, silk_error *err)
{
    size_t best[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    size_t score[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    for (size_t i = 0; i < c->n_keys; i++) {
        size_t who = c->keys[i].country;
        size_t d = distance(folded, c->keys[i].folded);
        /* one entry per country: keep its best alias */
        size_t slot = 3;
        for (size_t s = 0; s < 3; s++)
            if (best[s] == who)
                slot = s;
        if (slot < 3) {
            if (d >= score[slot])
                continue;
            score[slot] = d;
        } else {
            if (d >= score[2])
                continue;
            best[2] = who;
            score[2] = d;
            slot = 2;
        }
        for (size_t s = slot; s > 0 && score[s] < score[s - 1]; s--) {
            size_t tb = best[s], ts = score[s];
            best[s] = best[s - 1];
            score[s] = score[s - 1];
            best[s - 1] = tb;
            score[s - 1] = ts;
        }
    }
    char shown[80], list[400] = "";
    size_t used = 0;
    for (size_t s = 0; s < 3 && best[s] != (size_t)-1; s++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s' (%s)",
                                 s ? ", " : "", c->countries[best[s]].name,
                                 c->countries[best[s]].iso3);
    return silk_error_set(err, SILK_ENOTFOUND,
                          "unknown country '%s'; closest known: %s",
                          silk_ingest_show(text, len, shown, sizeof shown),
                          used ? list : "none");
}

int silk_countries_resolve(const silk_countries *c, const char *text,
                           size_t len, const char **code, silk_error *err)
{
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (silk_code_valid(text, len)) {
        char buf[SILK_CODE_LEN + 1];
        memcpy(buf, text, SILK_CODE_LEN);
        buf[SILK_CODE_LEN] = '\0';
        const country *k = by_iso3(c, buf);
        if (k != NULL) {
            *code = k->iso3;
            return SILK_OK;
        }
    }
    char *folded = fold(text, len);
    if (folded == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    key probe = {folded, 0};
    const key *hit = bsearch(&probe, c->keys, c->n_keys, sizeof *c->keys,
                             compare_keys);
    if (hit != NULL) {
        *code = c->countries[hit->country].iso3;
        free(folded);
        return SILK_OK;
    }
    /* UNHCR's own codes last: where they differ from ISO they never shadow
     * an ISO code (checked above). */
    if (silk_code_valid(text, len))
        for (size_t i = 0; i < c->n; i++)
            if (memcmp(c->countries[i].unhcr, text, SILK_CODE_LEN) == 0 &&
                c->countries[i].unhcr[0]) {
                *code = c->countries[i].iso3;
                free(folded);
                return SILK_OK;
            }
    int rc = suggest(c, text, len, folded, err);
    free(folded);
    return rc;
}

int silk_countries_resolve_iso2(const silk_countries *c, const char *iso2,
                                const char **iso3)
{
    /* ISO 3166-1 reserves EL and UK for the EU's own use; Eurostat writes
     * them for Greece and the United Kingdom instead of GR and GB. */
    if (strcmp(iso2, "EL") == 0)
        iso2 = "GR";
    else if (strcmp(iso2, "UK") == 0)
        iso2 = "GB";
    if (strlen(iso2) != 2)
        return SILK_ENOTFOUND;
    for (size_t i = 0; i < c->n; i++)
        if (memcmp(c->countries[i].iso2, iso2, 3) == 0) {
            *iso3 = c->countries[i].iso3;
            return SILK_OK;
        }
    return SILK_ENOTFOUND;
}

const char *silk_countries_name(const silk_countries *c, const char *code)
{
    const country *k = c ? by_iso3(c, code) : NULL;
    return k ? k->name : NULL;
}

const char *silk_countries_unhcr_code(const silk_countries *c,
                                      const char *code)
{
    const country *k = c ? by_iso3(c, code) : NULL;
    return k ? k->unhcr : NULL;
}

bool silk_countries_is_aggregate(const silk_countries *c, const char *code)
{
    const country *k = c ? by_iso3(c, code) : NULL;
    return k != NULL && k->kind == KIND_AGGREGATE;
}

int silk_countries_group(const silk_countries *c, const char *name,
                         const char *const **codes, size_t *n, silk_error *err)
{
    for (size_t i = 0; i < c->n_groups; i++)
        if (strcasecmp(c->groups[i].name, name) == 0) {
            *codes = c->groups[i].members;
            *n = c->groups[i].n;
            return SILK_OK;
        }
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < c->n_groups && used < sizeof list - 8; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i ? ", " : "", c->groups[i].name);
    return silk_error_set(err, SILK_ENOTFOUND,
                          "unknown country group '%s'; expected one of: %s",
                          name, c->n_groups ? list : "(no groups loaded)");
}
