/*
 * test_countries.c: the country resolver and groups (src/ingest/
 * countries.c) on a small table written by the test, with every expected
 * code and message worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "silkstat.h"

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[2][128];
    static int turn;
    char *p = path[turn++ % 2];
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static silk_countries *load(void)
{
    silk_countries *c = NULL;
    silk_error err = {0};
    /* the aliases field holds quotes: write it as proper CSV */
    const char *path = write_file(
        "countries.csv",
        "iso3,iso2,m49,unhcr_code,name,kind,region,aliases\n"
        "AUS,AU,036,AUL,Australia,country,Asia and the Pacific,\n"
        "AUT,AT,040,AUS,Austria,country,Europe,\n"
        "CIV,CI,384,ICO,C\xc3\xb4te d'Ivoire,country,,Ivory Coast\n"
        "CUW,CW,531,CUW,Cura\xc3\xa7" "ao,territory,,\n"
        "IRN,IR,364,IRN,Iran,country,,\"Iran (Islamic Republic of)|Iran, "
        "Islamic Rep.\"\n"
        "KOR,KR,410,KOR,South Korea,country,,\"Republic of Korea|Korea, "
        "Rep.\"\n"
        "PRK,KP,408,PRK,North Korea,country,,Dem. People's Republic of "
        "Korea\n"
        "TUR,TR,792,TUR,T\xc3\xbcrkiye,country,,Turkey\n"
        "WLD,,,,World,aggregate,,\n"
        "XXA,,,STA,Stateless,pseudo,,\n");
    const char *groups = write_file(
        "groups.csv", "group,title,members\n"
                      "pair,Two hosts,IRN TUR\n"
                      "koreas,,KOR  PRK\n");
    if (silk_countries_load(path, groups, &c, &err) != SILK_OK)
        fail_msg("load failed: %s", err.message);
    return c;
}

static void expect_code(const silk_countries *c, const char *text,
                        const char *want)
{
    const char *code = NULL;
    silk_error err = {0};
    if (silk_countries_resolve(c, text, strlen(text), &code, &err) != SILK_OK)
        fail_msg("'%s' did not resolve: %s", text, err.message);
    assert_string_equal(code, want);
}

static void test_resolve_names(void **state)
{
    (void)state;
    silk_countries *c = load();
    expect_code(c, "IRN", "IRN");
    expect_code(c, "Iran (Islamic Republic of)", "IRN");
    expect_code(c, "iran, islamic rep.", "IRN");
    expect_code(c, "  Iran  ", "IRN");
    /* accents folded both ways, case ignored */
    expect_code(c, "Turkiye", "TUR");
    expect_code(c, "T\xc3\x9c" "RKIYE", "TUR");
    expect_code(c, "Turkey", "TUR");
    expect_code(c, "Cote d'Ivoire", "CIV");
    expect_code(c, "Curacao", "CUW");
    /* curly apostrophe U+2019 as in some World Bank names */
    expect_code(c, "C\xc3\xb4te d\xe2\x80\x99Ivoire", "CIV");
    expect_code(c, "Dem. People\xe2\x80\x99s Republic of Korea", "PRK");
    /* ISO first: AUS is Australia; UNHCR's AUS (Austria) never shadows it,
     * while UNHCR-only codes (AUL, STA) still resolve */
    expect_code(c, "AUS", "AUS");
    expect_code(c, "AUL", "AUS");
    expect_code(c, "STA", "XXA");
    assert_string_equal(silk_countries_name(c, "TUR"), "T\xc3\xbcrkiye");
    assert_null(silk_countries_name(c, "ZZZ"));
    /* codes are three capitals, exactly */
    assert_null(silk_countries_name(c, "tur"));
    assert_null(silk_countries_name(c, "TU"));
    assert_null(silk_countries_name(c, "TURK"));
    assert_null(silk_countries_name(c, ""));
    assert_true(silk_countries_is_aggregate(c, "WLD"));
    assert_false(silk_countries_is_aggregate(c, "IRN"));
    assert_false(silk_countries_is_aggregate(c, "ZZZ"));
    silk_countries_free(c);
}

/* The table's unhcr_code column as given: UNHCR's own code, also where it
 * is another row's ISO code (AUT's AUS); "" where the table gives none;
 * NULL for a code that is no row (a UNHCR code such as AUL is not an ISO3
 * code of the table). */
static void test_unhcr_code(void **state)
{
    (void)state;
    silk_countries *c = load();
    assert_string_equal(silk_countries_unhcr_code(c, "CIV"), "ICO");
    assert_string_equal(silk_countries_unhcr_code(c, "AUT"), "AUS");
    assert_string_equal(silk_countries_unhcr_code(c, "AUS"), "AUL");
    assert_string_equal(silk_countries_unhcr_code(c, "XXA"), "STA");
    assert_string_equal(silk_countries_unhcr_code(c, "WLD"), "");
    assert_null(silk_countries_unhcr_code(c, "ZZZ"));
    assert_null(silk_countries_unhcr_code(c, "AUL"));
    assert_null(silk_countries_unhcr_code(NULL, "AUT"));
    silk_countries_free(c);
}

static void test_unknown_name_suggests(void **state)
{
    (void)state;
    silk_countries *c = load();
    const char *code = NULL;
    silk_error err = {0};
    /* "iram" is one substitution from "iran": the closest by far. */
    assert_int_equal(silk_countries_resolve(c, "Iram", 4, &code, &err),
                     SILK_ENOTFOUND);
    assert_true(strncmp(err.message,
                        "unknown country 'Iram'; closest known: 'Iran' (IRN)",
                        strlen("unknown country 'Iram'; closest known: "
                               "'Iran' (IRN)")) == 0);
    /* "austia": one insertion from "austria" (r), three from "australia"
     * (r, a, l): Austria first, then Australia. */
    assert_int_equal(silk_countries_resolve(c, "Austia", 6, &code, &err),
                     SILK_ENOTFOUND);
    assert_true(strncmp(err.message,
                        "unknown country 'Austia'; closest known: 'Austria' "
                        "(AUT), 'Australia' (AUS), ",
                        strlen("unknown country 'Austia'; closest known: "
                               "'Austria' (AUT), 'Australia' (AUS), ")) == 0);
    silk_countries_free(c);
}

static void test_groups(void **state)
{
    (void)state;
    silk_countries *c = load();
    const char *const *codes;
    size_t n;
    silk_error err = {0};
    assert_int_equal(silk_countries_group(c, "PAIR", &codes, &n, &err), SILK_OK);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "IRN");
    assert_string_equal(codes[1], "TUR");
    assert_int_equal(silk_countries_group(c, "koreas", &codes, &n, &err),
                     SILK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(silk_countries_group(c, "eu27", &codes, &n, &err),
                     SILK_ENOTFOUND);
    assert_string_equal(err.message, "unknown country group 'eu27'; expected "
                                     "one of: pair, koreas");
    /* a user's own groups file adds to the table */
    const char *mine = write_file("mine.csv", "group,members\nmine,AUS AUT\n");
    assert_int_equal(silk_countries_add_groups(c, mine, &err), SILK_OK);
    assert_int_equal(silk_countries_group(c, "mine", &codes, &n, &err), SILK_OK);
    assert_int_equal(n, 2);
    const char *bad = write_file("bad.csv", "group,members\nbad,IRN XYZ\n");
    assert_int_equal(silk_countries_add_groups(c, bad, &err), SILK_EPARSE);
    char want[256];
    snprintf(want, sizeof want,
             "%s:2:2: 'XYZ' in group 'bad' is not a code of the country "
             "table; expected ISO3 codes separated by spaces",
             bad);
    assert_string_equal(err.message, want);
    silk_countries_free(c);
}

static void test_bad_tables(void **state)
{
    (void)state;
    silk_countries *c = NULL;
    silk_error err = {0};
    char want[256];
    const char *p = write_file("dup.csv", "iso3,name,aliases\n"
                                          "AAA,Alpha,Same\n"
                                          "BBB,Beta,same\n");
    assert_int_equal(silk_countries_load(p, NULL, &c, &err), SILK_EPARSE);
    snprintf(want, sizeof want,
             "%s: the name 'same' is given to both AAA and BBB; expected "
             "each name or alias for one country", p);
    assert_string_equal(err.message, want);
    assert_null(c);

    p = write_file("code.csv", "iso3,name\nAAA,Alpha\nAb1,Beta\n");
    assert_int_equal(silk_countries_load(p, NULL, &c, &err), SILK_EPARSE);
    snprintf(want, sizeof want,
             "%s:3:1: 'Ab1' in column 'iso3' is not a country code; expected "
             "three capital letters such as AFG", p);
    assert_string_equal(err.message, want);

    p = write_file("nohead.csv", "code,label\nAAA,Alpha\n");
    assert_int_equal(silk_countries_load(p, NULL, &c, &err), SILK_EPARSE);
    snprintf(want, sizeof want,
             "%s:1:1: the header must name the columns 'iso3' and 'name'", p);
    assert_string_equal(err.message, want);

    p = write_file("twice.csv", "iso3,name\nAAA,Alpha\nAAA,Alpha again\n");
    assert_int_equal(silk_countries_load(p, NULL, &c, &err), SILK_EPARSE);
    snprintf(want, sizeof want,
             "%s: the code 'AAA' is listed twice; expected one row per "
             "country", p);
    assert_string_equal(err.message, want);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/silk-countries-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"countries.csv", "groups.csv", "mine.csv",
                           "bad.csv",       "dup.csv",    "code.csv",
                           "nohead.csv",    "twice.csv"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_names),
        cmocka_unit_test(test_unhcr_code),
        cmocka_unit_test(test_unknown_name_suggests),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_bad_tables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
