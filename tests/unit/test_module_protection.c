/*
 * test_module_protection.c: the built-in modules of
 * src/modules/protection.c (recognition_rate, first_instance_rate) and
 * src/modules/returns.c (return_rate, refugee_returns), called through
 * their descriptors as silkstat calls them.
 *
 * Reference values: UNHCR's asylum decisions and solutions tables of
 * ../shared/datasets (the MANIFEST's check values for Afghans in 2024:
 * 83,221 recognized, 26,626 other, 23,036 rejected, 28,757 closed; Afghan
 * returns from Iran 516, 237,452 and 1,386,970 in 2023-2025), worked out
 * by hand with bc (scale=20) in the comments.  Rules P1-P4 and T1-T3 are
 * those of the headers of protection.c and returns.c.
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
} lists[] = {{silk_builtin_protection, &silk_builtin_protection_count},
             {silk_builtin_returns, &silk_builtin_returns_count}};

#include "module_call.h"

static const char *const year_2024[] = {"2024"};

/* ---- recognition_rate ---- */

/* Inputs: 0 recognized, 1 complementary, 2 rejected. */
static void decisions(fx *f, const char *destination, double recognized,
                      double complementary, double rejected)
{
    fx_set(f, 0, "AFG", destination, "2024", recognized, 0);
    fx_set(f, 1, "AFG", destination, "2024", complementary, 0);
    fx_set(f, 2, "AFG", destination, "2024", rejected, 0);
}

/*
 * Afghans 2024 over all countries of asylum (the MANIFEST's check value),
 * in the "" cell as silkstat's selection would sum them: the denominator
 * is 83221 + 26626 + 23036 = 132883; the 28,757 otherwise closed are not
 * in it (dec_total, 161,640, would be the wrong denominator).
 *   refugee rate 100 * 83221 / 132883  = 62.62727361664020228321
 *   total rate   100 * 109847 / 132883 = 82.66444917709564052587
 * Germany, first instance: 13742 + 16641 + 2274 = 32657;
 *   refugee rate 100 * 13742 / 32657 = 42.07979912423063967908
 *   total rate   100 * 30383 / 32657 = 93.03671494625960743485
 */
static void recognition_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"", "DEU", "FRA"};
    fx f;
    fx_init(&f, "recognition_rate", origin, 1, destination, 3, year_2024, 1,
            1);
    assert_int_equal(f.module->kind, SILK_MODULE_CORRIDOR);
    assert_string_equal(f.module->inputs[0].indicator, "dec_recognized");
    assert_string_equal(f.module->inputs[1].indicator, "dec_other");
    assert_string_equal(f.module->inputs[2].indicator, "dec_rejected");
    decisions(&f, "", 83221, 26626, 23036);
    decisions(&f, "DEU", 13742, 16641, 2274);
    fx_set(&f, 2, "AFG", "DEU", "2024", 2274, SILK_FLAG('p'));
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "", "2024"), 62.62727361664020228321);
    REL(fx_out(&f, 1, "AFG", "", "2024"), 82.66444917709564052587);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024"), 42.07979912423063967908);
    REL(fx_out(&f, 1, "AFG", "DEU", "2024"), 93.03671494625960743485);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    assert_int_equal(fx_out_flags(&f, 1, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2024")); /* P1: no data */
    MISSING(fx_out(&f, 1, "AFG", "FRA", "2024"));
    fx_free(&f);
}

/* P1-P3, and a real 0%: none recognized out of 5 rejected. */
static void recognition_rate_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"AUT", "BEL", "CHE", "DEU",
                                              "FRA"};
    fx f;
    fx_init(&f, "recognition_rate", origin, 1, destination, 5, year_2024, 1,
            1);
    decisions(&f, "AUT", 0, 0, 0);        /* P2: only closed cases */
    decisions(&f, "BEL", 120, NAN, 40);   /* P1: complementary missing */
    decisions(&f, "CHE", NAN, NAN, NAN);  /* P1 */
    decisions(&f, "DEU", -5, 10, 10);     /* P3 */
    decisions(&f, "FRA", 0, 0, 5);        /* 0 / 5 = 0%, a real zero */
    assert_int_equal(fx_run(&f), 0);
    for (size_t k = 0; k < 2; k++) {
        MISSING(fx_out(&f, k, "AFG", "AUT", "2024"));
        MISSING(fx_out(&f, k, "AFG", "BEL", "2024"));
        MISSING(fx_out(&f, k, "AFG", "CHE", "2024"));
        MISSING(fx_out(&f, k, "AFG", "DEU", "2024"));
        assert_true(fx_out(&f, k, "AFG", "FRA", "2024") == 0.0);
    }
    fx_free(&f);
}

/* ---- first_instance_rate ---- */

/*
 * Afghans in France 2024, first instance (dec_level FI): positive
 * 10320 recognized + 1857 complementary = 12177, negative 5815:
 *   100 * 12177 / 17992 = 67.68008003557136505113
 * Without positive_other: 100 * 10320 / 16135 = 63.96033467616981716764.
 */
static void first_instance_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"DEU", "FRA"};
    fx f;
    fx_init(&f, "first_instance_rate", origin, 1, destination, 2, year_2024,
            1, 1);
    assert_null(f.module->inputs[0].indicator);
    assert_null(f.module->inputs[1].indicator);
    assert_true(f.module->inputs[2].optional);
    fx_set(&f, 0, "AFG", "FRA", "2024", 10320, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 5815, 0);
    fx_set(&f, 2, "AFG", "FRA", "2024", 1857, SILK_FLAG('e'));
    /* P1: positive_other is bound but missing for DEU */
    fx_set(&f, 0, "AFG", "DEU", "2024", 13742, 0);
    fx_set(&f, 1, "AFG", "DEU", "2024", 2274, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "FRA", "2024"), 67.68008003557136505113);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "FRA", "2024"),
                     SILK_FLAG('e'));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    fx_free(&f);

    fx_init(&f, "first_instance_rate", origin, 1, destination, 2, year_2024,
            1, 1);
    fx_absent(&f, 2); /* the optional input not bound */
    fx_set(&f, 0, "AFG", "FRA", "2024", 10320, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 5815, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "FRA", "2024"), 63.96033467616981716764);
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2024"));
    fx_free(&f);
}

/* P2: no decision; P1: a missing negative count; P3. */
static void first_instance_rate_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"AUT", "DEU", "FRA"};
    fx f;
    fx_init(&f, "first_instance_rate", origin, 1, destination, 3, year_2024,
            1, 1);
    fx_absent(&f, 2);
    fx_set(&f, 0, "AFG", "AUT", "2024", 0, 0);
    fx_set(&f, 1, "AFG", "AUT", "2024", 0, 0);
    fx_set(&f, 0, "AFG", "DEU", "2024", 13742, 0);
    fx_set(&f, 0, "AFG", "FRA", "2024", 10, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", -1, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- return_rate ---- */

/*
 * By hand: 1250 returned / 5000 ordered = 25%; 600 / 400 = 150% (returns
 * of orders from an earlier period: a period ratio is not capped);
 * 0 / 10 = 0%, a real zero.
 */
static void return_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "PAK"};
    static const char *const destination[] = {"DEU", "FRA"};
    static const char *const period[] = {"2023", "2024"};
    fx f;
    fx_init(&f, "return_rate", origin, 2, destination, 2, period, 2, 1);
    assert_string_equal(f.module->inputs[0].indicator, "returned");
    assert_string_equal(f.module->inputs[1].indicator, "ordered_to_leave");
    fx_set(&f, 0, "AFG", "DEU", "2024", 1250, SILK_FLAG('p'));
    fx_set(&f, 1, "AFG", "DEU", "2024", 5000, 0);
    fx_set(&f, 0, "PAK", "FRA", "2024", 600, 0);
    fx_set(&f, 1, "PAK", "FRA", "2024", 400, 0);
    fx_set(&f, 0, "PAK", "DEU", "2024", 0, 0);
    fx_set(&f, 1, "PAK", "DEU", "2024", 10, 0);
    /* T1, T2 */
    fx_set(&f, 0, "AFG", "FRA", "2024", 35, 0);
    fx_set(&f, 1, "AFG", "FRA", "2024", 0, 0);
    fx_set(&f, 1, "AFG", "DEU", "2023", 4000, 0);
    fx_set(&f, 0, "AFG", "FRA", "2023", -3, 0);
    fx_set(&f, 1, "AFG", "FRA", "2023", 30, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_out(&f, 0, "AFG", "DEU", "2024"), 25.0);
    assert_int_equal(fx_out_flags(&f, 0, "AFG", "DEU", "2024"),
                     SILK_FLAG('p'));
    REL(fx_out(&f, 0, "PAK", "FRA", "2024"), 150.0);
    assert_true(fx_out(&f, 0, "PAK", "DEU", "2024") == 0.0);
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2024"));
    MISSING(fx_out(&f, 0, "AFG", "DEU", "2023"));
    MISSING(fx_out(&f, 0, "AFG", "FRA", "2023"));
    MISSING(fx_out(&f, 0, "PAK", "FRA", "2023"));
    fx_free(&f);
}

/* ---- refugee_returns ---- */

static const char *const asylum[] = {"",    "AUS", "AZE", "CAN", "CHE",
                                     "IDN", "IND", "IRN", "NPL", "PAK",
                                     "PNG", "RUS", "TJK"};

/*
 * UNHCR solutions, returned_refugees of Afghans by country of asylum
 * (CAN and the others with an empty cell are missing, not 0):
 *   2023: 516 IRN + 56797 PAK + 75 AUS + 62 IND + 8 AZE + 9 NPL + 9 PNG
 *         + 21 RUS + 33 TJK = 57530
 *   2024: 6 AZE + 43 IND + 6 IDN + 237452 IRN + 126812 PAK + 16 RUS
 *         + 42 CHE + 66 TJK = 364443
 *   2025 (of the selected countries; MYS and RWA are not):
 *         307 AUS + 105 IND + 8 IDN + 1386970 IRN + 558359 PAK + 1421 TJK
 *         = 1947170
 * A value in the "" column (999,999) is not a country of asylum (T3).
 */
static void refugee_returns_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const period[] = {"2022", "2023", "2024", "2025"};
    fx f;
    fx_init(&f, "refugee_returns", origin, 1, asylum, 13, period, 4, 1);
    assert_int_equal(f.module->kind, SILK_MODULE_COUNTRY);
    assert_string_equal(f.module->inputs[0].indicator, "refugee_returns");
    assert_int_equal(f.module->n_params, 0);
    static const struct {
        const char *asylum, *year;
        double value;
    } rows[] = {
        {"IRN", "2023", 516},     {"PAK", "2023", 56797},
        {"AUS", "2023", 75},      {"IND", "2023", 62},
        {"AZE", "2023", 8},       {"NPL", "2023", 9},
        {"PNG", "2023", 9},       {"RUS", "2023", 21},
        {"TJK", "2023", 33},      {"AZE", "2024", 6},
        {"IND", "2024", 43},      {"IDN", "2024", 6},
        {"IRN", "2024", 237452},  {"PAK", "2024", 126812},
        {"RUS", "2024", 16},      {"CHE", "2024", 42},
        {"TJK", "2024", 66},      {"AUS", "2025", 307},
        {"IND", "2025", 105},     {"IDN", "2025", 8},
        {"IRN", "2025", 1386970}, {"PAK", "2025", 558359},
        {"TJK", "2025", 1421},    {"", "2024", 999999},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fx_set(&f, 0, "AFG", rows[i].asylum, rows[i].year, rows[i].value, 0);
    fx_set(&f, 0, "AFG", "PAK", "2025", 558359, SILK_FLAG('p'));
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2023"), 57530);
    REL(fx_country(&f, 0, "AFG", "2024"), 364443);
    REL(fx_country(&f, 0, "AFG", "2025"), 1947170);
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "AFG", "2025")],
                     SILK_FLAG('p'));
    /* T3: no value at all in 2022: NaN, not 0 */
    MISSING(fx_country(&f, 0, "AFG", "2022"));
    /* T3: countries of asylum are never origins here */
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    MISSING(fx_country(&f, 0, "PAK", "2025"));
    fx_free(&f);
}

/* A single country of asylum, and an input with no value at all. */
static void refugee_returns_degenerate(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN"};
    fx f;
    fx_init(&f, "refugee_returns", origin, 1, destination, 1, year_2024, 1,
            1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "IRN", "2024", 237452, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2024"), 237452);
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    fx_free(&f);

    fx_init(&f, "refugee_returns", origin, 1, destination, 1, year_2024, 1,
            1);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

static void descriptors(void **state)
{
    (void)state;
    /* what the registry checks at start-up (names, defaults, units) */
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++) {
            silk_error err = {0};
            if (silk_module_validate(lists[l].list[i], &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    assert_int_equal(silk_builtin_protection_count, 2);
    assert_int_equal(silk_builtin_returns_count, 2);
    const silk_module *r = find_module("recognition_rate");
    assert_int_equal(r->n_outputs, 2);
    assert_string_equal(r->outputs[0].name, "refugee_rate");
    assert_string_equal(r->outputs[1].name, "total_rate");
    assert_string_equal(r->outputs[0].units, "%");
    assert_int_equal(find_module("first_instance_rate")->kind,
                     SILK_MODULE_CORRIDOR);
    assert_int_equal(find_module("return_rate")->kind, SILK_MODULE_CORRIDOR);
    assert_string_equal(find_module("refugee_returns")->outputs[0].units,
                        "persons");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recognition_rate_reference),
        cmocka_unit_test(recognition_rate_degenerate),
        cmocka_unit_test(first_instance_rate_reference),
        cmocka_unit_test(first_instance_rate_degenerate),
        cmocka_unit_test(return_rate_reference),
        cmocka_unit_test(refugee_returns_reference),
        cmocka_unit_test(refugee_returns_degenerate),
        cmocka_unit_test(descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
