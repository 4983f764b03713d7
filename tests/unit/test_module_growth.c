/*
 * test_module_growth.c: the built-in modules of src/modules/growth.c
 * (yoy_change, cagr, index, group_share, top_destinations, hhi), called
 * through their descriptors as silkstat calls them.
 *
 * Reference values: UNHCR figures of ../shared/datasets (Afghan refugee
 * returns from Iran 516, 237,452, 1,386,970 in 2023-2025, the MANIFEST's
 * check values; Afghan refugees by country of asylum in 2024 from
 * unhcr_population.csv), WDI net migration, and small made-up series, all
 * worked out by hand with bc (scale=20) in the comments.  Rules G1-G6
 * are those of the header of growth.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modules/builtin.h"
#include "silkstat.h"

/* The lists under test: descriptors validates every module of them,
 * module_call.h finds modules by name there. */
static const struct {
    const silk_module *const *list;
    const size_t *count;
} lists[] = {{silk_builtin_growth, &silk_builtin_growth_count}};

#include "module_call.h"

static const char *const returns_origin[] = {"AFG", "PAK"};
static const char *const returns_destination[] = {"", "IRN", "PAK"};
static const char *const returns_years[] = {"2023", "2024", "2025"};

/* Afghan refugee returns from Iran (UNHCR solutions) and net migration
 * of Afghanistan (WDI SM.POP.NETM, at ""), 2023-2025. */
static void afghan_series(fx *f)
{
    fx_set(f, 0, "AFG", "IRN", "2023", 516, 0);
    fx_set(f, 0, "AFG", "IRN", "2024", 237452, SILK_FLAG('p'));
    fx_set(f, 0, "AFG", "IRN", "2025", 1386970, 0);
    fx_set(f, 0, "AFG", "", "2023", -48958, 0);
    fx_set(f, 0, "AFG", "", "2024", -44089, 0);
}

/* ---- yoy_change ---- */

/*
 *   AFG-IRN 2024: 237452 - 516 = 236936; 100 * 236936 / 516
 *                 = 45917.82945736434108527131
 *   AFG-IRN 2025: 1386970 - 237452 = 1149518; 100 * 1149518 / 237452
 *                 = 484.10541920051210349881
 *   AFG "" 2024:  -44089 - -48958 = 4869; G2: 100 * 4869 / |-48958|
 *                 = 9.94525920176477797295 (fewer leaving: a rise)
 *   PAK-IRN 2024: 0 -> 5: change 5, percent NaN (base 0).
 */
static void yoy_change_annual(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "yoy_change", returns_origin, 2, returns_destination, 3,
            returns_years, 3, 1);
    afghan_series(&f);
    fx_set(&f, 0, "PAK", "IRN", "2023", 0, 0);
    fx_set(&f, 0, "PAK", "IRN", "2024", 5, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 236936);
    REL(fx_out(&f, 1, "AFG", "IRN", "2024"), 45917.82945736434108527131);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "IRN", "2024"),
                     SILK_FLAG('p'));
    assert_int_equal(fx_out_flags(&f, 1, "AFG", "IRN", "2025"),
                     SILK_FLAG('p'));
    REL(fx_out(&f, 0, "AFG", "IRN", "2025"), 1149518);
    REL(fx_out(&f, 1, "AFG", "IRN", "2025"), 484.10541920051210349881);
    REL(fx_out(&f, 0, "AFG", "", "2024"), 4869);
    REL(fx_out(&f, 1, "AFG", "", "2024"), 9.94525920176477797295);
    REL(fx_out(&f, 0, "PAK", "IRN", "2024"), 5);
    MISSING(fx_out(&f, 1, "PAK", "IRN", "2024"));
    /* G1: no 2022 on the axis; AFG "" 2025 missing */
    for (size_t k = 0; k < 2; k++) {
        MISSING(fx_out(&f, k, "AFG", "IRN", "2023"));
        MISSING(fx_out(&f, k, "AFG", "", "2025"));
        MISSING(fx_out(&f, k, "PAK", "IRN", "2025"));
        MISSING(fx_out(&f, k, "AFG", "PAK", "2024"));
    }
    fx_free(&f);
}

/*
 * Quarterly, with holes in the axis: 2024-Q1 is compared with 2023-Q1
 * (4 ordinals back), not with the entry before it (2023-Q3):
 * 100 -> 130: change 30, percent 30.  2024-Q2 has no 2023-Q2: NaN.
 * Monthly: 2023-12 -> 2024-12, 80 -> 60: change -20, percent -25.
 */
static void yoy_change_subannual(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"DEU"};
    static const char *const quarters[] = {"2023-Q1", "2023-Q3", "2024-Q1",
                                           "2024-Q2"};
    static const char *const months[] = {"2023-11", "2023-12", "2024-11",
                                         "2024-12"};
    fx f;
    fx_init(&f, "yoy_change", origin, 1, destination, 1, quarters, 4, 4);
    fx_set(&f, 0, "AFG", "DEU", "2023-Q1", 100, 0);
    fx_set(&f, 0, "AFG", "DEU", "2023-Q3", 120, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024-Q1", 130, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024-Q2", 140, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024-Q1"), 30);
    REL(fx_out(&f, 1, "AFG", "DEU", "2024-Q1"), 30);
    for (size_t k = 0; k < 2; k++) {
        MISSING(fx_out(&f, k, "AFG", "DEU", "2024-Q2"));
        MISSING(fx_out(&f, k, "AFG", "DEU", "2023-Q3"));
        MISSING(fx_out(&f, k, "AFG", "DEU", "2023-Q1"));
    }
    fx_free(&f);

    fx_init(&f, "yoy_change", origin, 1, destination, 1, months, 4, 12);
    fx_set(&f, 0, "AFG", "DEU", "2023-12", 80, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024-11", 70, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024-12", 60, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024-12"), -20);
    REL(fx_out(&f, 1, "AFG", "DEU", "2024-12"), -25);
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024-11")); /* 2023-11 missing */
    fx_free(&f);
}

/* A single period: no year earlier, nothing to compute. */
static void yoy_change_single_period(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "yoy_change", returns_origin, 2, returns_destination, 3,
            returns_years, 1, 1);
    fx_set(&f, 0, "AFG", "IRN", "2023", 516, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    assert_all_missing(&f, 1);
    fx_free(&f);
}

/* ---- cagr ---- */

/*
 * AFG-IRN 2023 -> 2025, 2 years: 100 * (sqrt(1386970 / 516) - 1)
 *   = 5084.52153683360378691600, written at 2025 only.
 * PAK-IRN 40 -> 0: 100 * (0 - 1) = -100.  G3: PAK-PAK base 0, PAK ""
 * base -10, AFG "" (net migration) base negative, AFG-PAK missing: NaN.
 */
static void cagr_reference(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "cagr", returns_origin, 2, returns_destination, 3,
            returns_years, 3, 1);
    assert_null(f.module->params[0].default_text); /* required */
    assert_null(f.module->params[1].default_text);
    fx_param(&f, "from", "2023");
    fx_param(&f, "to", "2025");
    assert_int_equal(f.param[0].period, 0);
    assert_int_equal(f.param[1].period, 2);
    afghan_series(&f);
    fx_set(&f, 0, "AFG", "", "2025", -40000, 0);
    fx_set(&f, 0, "PAK", "IRN", "2023", 40, 0);
    fx_set(&f, 0, "PAK", "IRN", "2025", 0, 0);
    fx_set(&f, 0, "PAK", "PAK", "2023", 0, 0);
    fx_set(&f, 0, "PAK", "PAK", "2025", 10, 0);
    fx_set(&f, 0, "PAK", "", "2023", -10, 0);
    fx_set(&f, 0, "PAK", "", "2025", 10, 0);
    fx_set(&f, 0, "AFG", "PAK", "2025", 10, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2025"), 5084.52153683360378691600);
    REL(fx_out(&f, 0, "PAK", "IRN", "2025"), -100);
    MISSING(fx_out(&f, 0, "AFG", "IRN", "2023"));
    MISSING(fx_out(&f, 0, "AFG", "IRN", "2024"));
    MISSING(fx_out(&f, 0, "PAK", "PAK", "2025"));
    MISSING(fx_out(&f, 0, "PAK", "", "2025"));
    MISSING(fx_out(&f, 0, "AFG", "", "2025"));
    MISSING(fx_out(&f, 0, "AFG", "PAK", "2025"));
    fx_free(&f);
}

/*
 * Quarterly: 2020-Q1 -> 2022-Q3 is 10 quarters = 2.5 years; 1 -> 32:
 * 32^(1/2.5) = 2^(5 * 0.4) = 4, so 100 * (4 - 1) = 300.  G3: an end
 * value below 0 is NaN.
 */
static void cagr_quarterly(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "PAK"};
    static const char *const destination[] = {"TUR"};
    static const char *const quarters[] = {"2020-Q1", "2021-Q2", "2022-Q3"};
    fx f;
    fx_init(&f, "cagr", origin, 2, destination, 1, quarters, 3, 4);
    fx_param(&f, "from", "2020-Q1");
    fx_param(&f, "to", "2022-Q3");
    fx_set(&f, 0, "AFG", "TUR", "2020-Q1", 1, 0);
    fx_set(&f, 0, "AFG", "TUR", "2022-Q3", 32, 0);
    fx_set(&f, 0, "PAK", "TUR", "2020-Q1", 5, 0);
    fx_set(&f, 0, "PAK", "TUR", "2022-Q3", -5, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "TUR", "2022-Q3"), 300);
    MISSING(fx_out(&f, 0, "PAK", "TUR", "2022-Q3"));
    fx_free(&f);
}

/* G6: periods not on the axis, reversed or equal (a single period). */
static void cagr_bad_periods(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "cagr", returns_origin, 2, returns_destination, 3,
            returns_years, 3, 1);
    fx_param(&f, "from", "2030");
    fx_param(&f, "to", "2025");
    afghan_series(&f);
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message, "parameter 'from': period '2030' is not "
                                   "among the periods of the selected data");
    fx_param(&f, "from", "2023");
    fx_param(&f, "to", "2022");
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message, "parameter 'to': period '2022' is not "
                                   "among the periods of the selected data");
    fx_param(&f, "from", "2025");
    fx_param(&f, "to", "2023");
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message,
                        "parameter 'to': period '2023' must come after "
                        "'from' (2025)");
    assert_all_missing(&f, 0);
    fx_free(&f);

    fx_init(&f, "cagr", returns_origin, 2, returns_destination, 3,
            returns_years, 1, 1);
    fx_param(&f, "from", "2023");
    fx_param(&f, "to", "2023");
    fx_set(&f, 0, "AFG", "IRN", "2023", 516, 0);
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message,
                        "parameter 'to': period '2023' must come after "
                        "'from' (2023)");
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- index ---- */

/*
 * Base 2023 = 100: AFG-IRN 2024 100 * 237452 / 516
 * = 46017.82945736434108527131, 2025 100 * 1386970 / 516
 * = 268792.63565891472868217054.  G3: AFG "" (net migration, base
 * -48958) and PAK-IRN (base 0) stay NaN; G1: AFG-PAK has no base.
 */
static void index_reference(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "index", returns_origin, 2, returns_destination, 3,
            returns_years, 3, 1);
    fx_param(&f, "base", "2023");
    afghan_series(&f);
    fx_set(&f, 0, "PAK", "IRN", "2023", 0, 0);
    fx_set(&f, 0, "PAK", "IRN", "2024", 7, 0);
    fx_set(&f, 0, "AFG", "PAK", "2024", 126812, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2023"), 100);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 46017.82945736434108527131);
    REL(fx_out(&f, 0, "AFG", "IRN", "2025"), 268792.63565891472868217054);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "IRN", "2024"),
                     SILK_FLAG('p'));
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "IRN", "2025"), 0);
    for (size_t p = 0; p < 3; p++) {
        MISSING(fx_out(&f, 0, "AFG", "", returns_years[p]));
        MISSING(fx_out(&f, 0, "PAK", "IRN", returns_years[p]));
        MISSING(fx_out(&f, 0, "AFG", "PAK", returns_years[p]));
    }
    fx_free(&f);
}

/* A single period is its own base (100); a base off the axis fails. */
static void index_degenerate(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "index", returns_origin, 2, returns_destination, 3,
            returns_years, 1, 1);
    fx_param(&f, "base", "2023");
    fx_set(&f, 0, "AFG", "IRN", "2023", 516, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2023"), 100);
    MISSING(fx_out(&f, 0, "AFG", "PAK", "2023"));
    fx_param(&f, "base", "2019");
    assert_int_equal(f.param[0].period, -1);
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message, "parameter 'base': period '2019' is not "
                                   "among the periods of the selected data");
    fx_free(&f);
}

/* ---- group_share ---- */

static const char *const share_origin[] = {"AFG", "CHN", "DZA", "PAK"};
static const char *const share_destination[] = {"", "DEU", "IRN", "PAK"};

/* UNHCR refugees 2024 (AFG to IRN and PAK, CHN and DZA to PAK) and WDI
 * population 2024 at "". */
static void shares_2024(fx *f)
{
    fx_set(f, 0, "AFG", "IRN", "2024", 3477082, 0);
    fx_set(f, 0, "AFG", "PAK", "2024", 1559964, SILK_FLAG('p'));
    fx_set(f, 0, "DZA", "PAK", "2024", 22, 0);
    fx_set(f, 0, "CHN", "PAK", "2024", 0, 0);
    fx_set(f, 0, "AFG", "", "2024", 42647492, 0);
    fx_set(f, 0, "PAK", "", "2024", 251269164, 0);
}

/*
 * over=destination, AFG: total 3477082 + 1559964 = 5037046 (DEU has no
 * value and is left out, G4; the "" population is no destination, G5):
 *   IRN 100 * 3477082 / 5037046 = 69.03018157864748505373
 *   PAK 100 * 1559964 / 5037046 = 30.96981842135251494626
 * DZA: a single member, 100.  CHN: its only member is 0, total 0: NaN.
 */
static void group_share_destination(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "group_share", share_origin, 4, share_destination, 4,
            returns_years + 1, 1, 1);
    assert_int_equal(f.param[0].integer, 0); /* default over=destination */
    shares_2024(&f);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 69.03018157864748505373);
    REL(fx_out(&f, 0, "AFG", "PAK", "2024"), 30.96981842135251494626);
    /* the total depends on every member: flags of all of them */
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "IRN", "2024"),
                     SILK_FLAG('p'));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    MISSING(fx_out(&f, 0, "AFG", "", "2024"));
    REL(fx_out(&f, 0, "DZA", "PAK", "2024"), 100);
    MISSING(fx_out(&f, 0, "CHN", "PAK", "2024"));
    MISSING(fx_out(&f, 0, "PAK", "", "2024"));
    fx_free(&f);
}

/*
 * over=origin, into PAK: total 1559964 + 22 + 0 = 1559986:
 *   AFG 100 * 1559964 / 1559986 = 99.99858973093348273638
 *   DZA 100 * 22 / 1559986      = 0.00141026906651726361
 *   CHN 0 (a real 0 share)
 * The "" column is a group too: population shares of the two countries,
 *   AFG 100 * 42647492 / 293916656  = 14.51006301595919082585
 *   PAK 100 * 251269164 / 293916656 = 85.48993698404080917414
 */
static void group_share_origin(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "group_share", share_origin, 4, share_destination, 4,
            returns_years + 1, 1, 1);
    fx_param(&f, "over", "origin");
    shares_2024(&f);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "PAK", "2024"), 99.99858973093348273638);
    REL(fx_out(&f, 0, "DZA", "PAK", "2024"), 0.00141026906651726361);
    assert_true(fx_out(&f, 0, "CHN", "PAK", "2024") == 0.0);
    REL(fx_out(&f, 0, "AFG", "", "2024"), 14.51006301595919082585);
    REL(fx_out(&f, 0, "PAK", "", "2024"), 85.48993698404080917414);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 100);
    MISSING(fx_out(&f, 0, "PAK", "PAK", "2024"));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    fx_free(&f);
}

/* G4: a negative member voids its group (net migration has no shares). */
static void group_share_negative(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "group_share", share_origin, 4, share_destination, 4,
            returns_years + 1, 1, 1);
    fx_set(&f, 0, "AFG", "IRN", "2024", 300, 0);
    fx_set(&f, 0, "AFG", "PAK", "2024", -100, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- top_destinations ---- */

static const char *const top_destination[] = {
    "", "AUT", "CHE", "DEU", "FRA", "GBR", "IRN", "PAK", "TUR", "USA"};

/*
 * Afghan refugees 2024 by country of asylum (UNHCR): IRN 3477082, PAK
 * 1559964, DEU 279737, FRA 93482, GBR 54908, USA 46137, AUT 44714, CHE
 * 22327, TUR 14145; total 5592496.  n = 3:
 *   IRN rank 1, 100 * 3477082 / 5592496 = 62.17406324474796226944
 *   PAK rank 2, 100 * 1559964 / 5592496 = 27.89387779624697094106
 *   DEU rank 3, 100 * 279737 / 5592496  = 5.00200625981672584119
 *   the others (beyond n) NaN; the "" entry (a total) never ranked.
 * BGD (made up): AUT 50, CHE 50, DEU 20, FRA missing: the tie goes to
 * AUT (code order), shares 100 * 50 / 120 = 41.66666666666666666666 and
 * 100 * 20 / 120 = 16.66666666666666666666; FRA unranked.
 */
static void top_destinations_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "BGD"};
    static const struct {
        const char *destination;
        double value;
    } afghans[] = {{"IRN", 3477082}, {"PAK", 1559964}, {"DEU", 279737},
                   {"FRA", 93482},   {"GBR", 54908},   {"USA", 46137},
                   {"AUT", 44714},   {"CHE", 22327},   {"TUR", 14145},
                   {"", 99999999}};
    fx f;
    fx_init(&f, "top_destinations", origin, 2, top_destination, 10,
            returns_years + 1, 1, 1);
    assert_int_equal(f.param[0].integer, 10); /* the default */
    fx_param(&f, "n", "3");
    for (size_t i = 0; i < sizeof afghans / sizeof afghans[0]; i++)
        fx_set(&f, 0, "AFG", afghans[i].destination, "2024",
               afghans[i].value, 0);
    fx_set(&f, 0, "BGD", "AUT", "2024", 50, 0);
    fx_set(&f, 0, "BGD", "CHE", "2024", 50, 0);
    fx_set(&f, 0, "BGD", "DEU", "2024", 20, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 1);
    REL(fx_out(&f, 0, "AFG", "PAK", "2024"), 2);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024"), 3);
    REL(fx_out(&f, 1, "AFG", "IRN", "2024"), 62.17406324474796226944);
    REL(fx_out(&f, 1, "AFG", "PAK", "2024"), 27.89387779624697094106);
    REL(fx_out(&f, 1, "AFG", "DEU", "2024"), 5.00200625981672584119);
    static const char *const beyond[] = {"FRA", "GBR", "USA", "AUT", "CHE",
                                         "TUR", ""};
    for (size_t i = 0; i < 7; i++) {
        MISSING(fx_out(&f, 0, "AFG", beyond[i], "2024"));
        MISSING(fx_out(&f, 1, "AFG", beyond[i], "2024"));
    }
    REL(fx_out(&f, 0, "BGD", "AUT", "2024"), 1);
    REL(fx_out(&f, 0, "BGD", "CHE", "2024"), 2);
    REL(fx_out(&f, 0, "BGD", "DEU", "2024"), 3);
    REL(fx_out(&f, 1, "BGD", "AUT", "2024"), 41.66666666666666666666);
    REL(fx_out(&f, 1, "BGD", "CHE", "2024"), 41.66666666666666666666);
    REL(fx_out(&f, 1, "BGD", "DEU", "2024"), 16.66666666666666666666);
    MISSING(fx_out(&f, 0, "BGD", "FRA", "2024"));
    MISSING(fx_out(&f, 1, "BGD", "FRA", "2024"));
    fx_free(&f);
}

/* n below 1 fails; a negative value keeps its rank but voids the
 * shares; no value at all ranks nothing. */
static void top_destinations_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "BGD"};
    fx f;
    fx_init(&f, "top_destinations", origin, 2, top_destination, 10,
            returns_years + 1, 1, 1);
    fx_param(&f, "n", "0");
    assert_int_not_equal(fx_run(&f), 0);
    assert_string_equal(f.message, "parameter 'n': expected 1 or more, got 0");
    fx_param(&f, "n", "10");
    fx_set(&f, 0, "AFG", "IRN", "2024", 30, 0);
    fx_set(&f, 0, "AFG", "PAK", "2024", -10, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "IRN", "2024"), 1);
    REL(fx_out(&f, 0, "AFG", "PAK", "2024"), 2);
    assert_all_missing(&f, 1);
    for (size_t d = 0; d < 10; d++)
        MISSING(fx_out(&f, 0, "BGD", top_destination[d], "2024"));
    fx_free(&f);
}

/* ---- hhi ---- */

/*
 * Afghan refugees 2024 over the nine countries of asylum above:
 * sum of (x_d / 5592496)^2 = (3477082^2 + 1559964^2 + 279737^2 + 93482^2
 * + 54908^2 + 46137^2 + 44714^2 + 22327^2 + 14145^2) / 5592496^2
 * = 0.46740039131314802338 (the "" entry not a destination).
 * BGD: 4 equal destinations, 1/4; PAK: a single destination, 1.
 */
static void hhi_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "BGD", "PAK"};
    static const struct {
        const char *destination;
        double value;
    } afghans[] = {{"IRN", 3477082}, {"PAK", 1559964}, {"DEU", 279737},
                   {"FRA", 93482},   {"GBR", 54908},   {"USA", 46137},
                   {"AUT", 44714},   {"CHE", 22327},   {"TUR", 14145},
                   {"", 99999999}};
    fx f;
    fx_init(&f, "hhi", origin, 3, top_destination, 10, returns_years, 2, 1);
    assert_int_equal(f.module->kind, SILK_MODULE_COUNTRY);
    for (size_t i = 0; i < sizeof afghans / sizeof afghans[0]; i++)
        fx_set(&f, 0, "AFG", afghans[i].destination, "2024",
               afghans[i].value, 0);
    fx_set(&f, 0, "BGD", "AUT", "2024", 7, 0);
    fx_set(&f, 0, "BGD", "CHE", "2024", 7, 0);
    fx_set(&f, 0, "BGD", "DEU", "2024", 7, SILK_FLAG('e'));
    fx_set(&f, 0, "BGD", "FRA", "2024", 7, 0);
    fx_set(&f, 0, "PAK", "GBR", "2024", 1234, 0);
    /* 2023: zero total (BGD), negative (PAK) */
    fx_set(&f, 0, "BGD", "AUT", "2023", 0, 0);
    fx_set(&f, 0, "PAK", "GBR", "2023", 10, 0);
    fx_set(&f, 0, "PAK", "USA", "2023", -5, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2024"), 0.46740039131314802338);
    REL(fx_country(&f, 0, "BGD", "2024"), 0.25);
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "BGD", "2024")],
                     SILK_FLAG('e'));
    REL(fx_country(&f, 0, "PAK", "2024"), 1);
    MISSING(fx_country(&f, 0, "AFG", "2023")); /* no value */
    MISSING(fx_country(&f, 0, "BGD", "2023")); /* total 0 */
    MISSING(fx_country(&f, 0, "PAK", "2023")); /* negative */
    MISSING(fx_country(&f, 0, "IRN", "2024")); /* never an origin */
    MISSING(fx_country(&f, 0, "DEU", "2024"));
    fx_free(&f);
}

static void growth_descriptors(void **state)
{
    (void)state;
    /* what the registry checks at start-up (names, defaults, units) */
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++) {
            silk_error err = {0};
            if (silk_module_validate(lists[l].list[i], &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    static const char *const names[] = {"yoy_change",  "cagr",
                                        "index",       "group_share",
                                        "top_destinations", "hhi"};
    assert_int_equal(silk_builtin_growth_count, 6);
    for (size_t i = 0; i < 6; i++) {
        const silk_module *m = find_module(names[i]);
        assert_int_equal(m->abi, SILK_MODULE_ABI);
        assert_int_equal(m->kind, i == 5 ? SILK_MODULE_COUNTRY
                                         : SILK_MODULE_CORRIDOR);
        assert_non_null(m->compute);
    }
    const silk_module *s = find_module("group_share");
    assert_int_equal(s->params[0].type, SILK_PARAM_CHOICE);
    assert_string_equal(s->params[0].choices, "destination|origin");
    assert_int_equal(find_module("cagr")->params[0].type, SILK_PARAM_PERIOD);
    assert_int_equal(find_module("top_destinations")->params[0].type,
                     SILK_PARAM_INTEGER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yoy_change_annual),
        cmocka_unit_test(yoy_change_subannual),
        cmocka_unit_test(yoy_change_single_period),
        cmocka_unit_test(cagr_reference),
        cmocka_unit_test(cagr_quarterly),
        cmocka_unit_test(cagr_bad_periods),
        cmocka_unit_test(index_reference),
        cmocka_unit_test(index_degenerate),
        cmocka_unit_test(group_share_destination),
        cmocka_unit_test(group_share_origin),
        cmocka_unit_test(group_share_negative),
        cmocka_unit_test(top_destinations_reference),
        cmocka_unit_test(top_destinations_degenerate),
        cmocka_unit_test(hhi_reference),
        cmocka_unit_test(growth_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
