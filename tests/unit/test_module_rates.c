/*
 * test_module_rates.c: the built-in modules of src/modules/rates.c
 * (net_migration_rate, refugees_per_1000, remittances_gdp, per_1000),
 * called through their descriptors as silkstat calls them.
 *
 * Reference values: World Bank WDI (wb_wdi_migration_indicators.csv) and
 * UNHCR (unhcr_population.csv) figures of ../shared/datasets, worked out
 * by hand with bc (scale=20) in the comments; two are the MANIFEST's own
 * check values (remittances PAK 2023 ~ 7.89% and BGD 2023 ~ 5.05% of
 * GDP).  Rules R1-R3 are those of the header of rates.c.
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
} lists[] = {{silk_builtin_rates, &silk_builtin_rates_count}};

#include "module_call.h"

static const char *const years[] = {"2023", "2024"};

/* ---- net_migration_rate ---- */

/*
 * WDI: SM.POP.NETM and SP.POP.TOTL.
 *   PAK 2023: 1000 * -1619557 / 247504495 = -6.54354580509739833209
 *   AFG 2024: 1000 * -44089 / 42647492    = -1.03380053392119752317
 *   IRN 2023: 1000 * 262044 / 90608707    =  2.89203994490286678519
 */
static void net_migration_rate_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "IRN", "PAK"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 3, destination, 1, years, 2,
            1);
    assert_int_equal(f.module->kind, SILK_MODULE_COUNTRY);
    fx_set(&f, 0, "PAK", "", "2023", -1619557, SILK_FLAG('p'));
    fx_set(&f, 1, "PAK", "", "2023", 247504495, SILK_FLAG('e'));
    fx_set(&f, 0, "AFG", "", "2024", -44089, 0);
    fx_set(&f, 1, "AFG", "", "2024", 42647492, 0);
    fx_set(&f, 0, "IRN", "", "2023", 262044, 0);
    fx_set(&f, 1, "IRN", "", "2023", 90608707, 0);
    /* R1: a population without a net figure, and the reverse */
    fx_set(&f, 1, "IRN", "", "2024", 91567738, 0);
    fx_set(&f, 0, "AFG", "", "2023", -48958, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), -6.54354580509739833209);
    REL(fx_country(&f, 0, "AFG", "2024"), -1.03380053392119752317);
    REL(fx_country(&f, 0, "IRN", "2023"), 2.89203994490286678519);
    /* flags of both inputs carried */
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "PAK", "2023")],
                     SILK_FLAG('p') | SILK_FLAG('e'));
    MISSING(fx_country(&f, 0, "IRN", "2024"));
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    fx_free(&f);
}

/* R2: a population of 0 or below is no denominator. */
static void net_migration_rate_bad_population(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 1, destination, 1, years, 2,
            1);
    fx_set(&f, 0, "AFG", "", "2023", -48958, 0);
    fx_set(&f, 1, "AFG", "", "2023", 0, 0);
    fx_set(&f, 0, "AFG", "", "2024", -44089, 0);
    fx_set(&f, 1, "AFG", "", "2024", -42647492, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* R3: no country-level entry (no "" destination): nothing to read. */
static void net_migration_rate_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN"};
    fx f;
    fx_init(&f, "net_migration_rate", origin, 1, destination, 1, years, 2,
            1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "IRN", "2023", -48958, 0);
    fx_set(&f, 1, "AFG", "IRN", "2023", 41454761, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- refugees_per_1000 ---- */

/* UNHCR refugees 2024 by origin into PAK and IRN, WDI population 2024. */
static void hosts(fx *f)
{
    fx_set(f, 0, "AFG", "PAK", "2024", 1559964, 0);
    fx_set(f, 0, "DZA", "PAK", "2024", 22, SILK_FLAG('p'));
    fx_set(f, 0, "CHN", "PAK", "2024", 0, 0);
    fx_set(f, 0, "AFG", "IRN", "2024", 3477082, 0);
    fx_set(f, 1, "PAK", "", "2024", 251269164, 0);
    fx_set(f, 1, "IRN", "", "2024", 91567738, 0);
    fx_set(f, 1, "AFG", "", "2024", 42647492, 0);
    fx_set(f, 1, "PAK", "", "2023", 247504495, 0);
}

static const char *const host_origin[] = {"AFG", "CHN", "DZA", "IRN", "PAK"};
static const char *const host_destination[] = {"", "IRN", "PAK"};

/*
 * PAK 2024: 1000 * (1559964 + 22 + 0) / 251269164 = 6.20842595711426014853
 * IRN 2024: 1000 * 3477082 / 91567738            = 37.97278469410263252325
 * (the selected origins only; other origins PAK hosts are not selected).
 */
static void refugees_per_1000_reference(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "refugees_per_1000", host_origin, 5, host_destination, 3,
            years, 2, 1);
    hosts(&f);
    /* IRN 2024 origins with no value (CHN, DZA, ...) are left out */
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2024"), 6.20842595711426014853);
    REL(fx_country(&f, 0, "IRN", "2024"), 37.97278469410263252325);
    assert_int_equal(f.output[0].flags[fx_country_cell(&f, "PAK", "2024")],
                     SILK_FLAG('p'));
    /* R1: AFG is never a country of asylum here: unknown, not 0 */
    MISSING(fx_country(&f, 0, "AFG", "2024"));
    /* R1: PAK 2023 has a population but no refugee value at all */
    MISSING(fx_country(&f, 0, "PAK", "2023"));
    /* R1/R2: IRN 2023 has neither; CHN and DZA no population */
    MISSING(fx_country(&f, 0, "IRN", "2023"));
    MISSING(fx_country(&f, 0, "CHN", "2024"));
    MISSING(fx_country(&f, 0, "DZA", "2024"));
    fx_free(&f);
}

/* R2: zero population; R3: no country-level entry at all. */
static void refugees_per_1000_degenerate(void **state)
{
    (void)state;
    static const char *const destination[] = {"IRN", "PAK"};
    fx f;
    fx_init(&f, "refugees_per_1000", host_origin, 5, host_destination, 3,
            years, 2, 1);
    hosts(&f);
    fx_set(&f, 1, "PAK", "", "2024", 0, 0);
    fx_set(&f, 1, "IRN", "", "2024", NAN, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);

    fx_init(&f, "refugees_per_1000", host_origin, 5, destination, 2, years,
            2, 1);
    assert_int_equal(f.axes.country_level, -1);
    fx_set(&f, 0, "AFG", "PAK", "2024", 1559964, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* A single country hosting its own citizens' figure only (a 1 x 1
 * matrix plus its population): 1000 * 500 / 250000 = 2. */
static void refugees_per_1000_single_country(void **state)
{
    (void)state;
    static const char *const origin[] = {"PAK"};
    static const char *const destination[] = {"", "PAK"};
    fx f;
    fx_init(&f, "refugees_per_1000", origin, 1, destination, 2, years, 1, 1);
    assert_int_equal(f.axes.n_country, 1);
    fx_set(&f, 0, "PAK", "PAK", "2023", 500, 0);
    fx_set(&f, 1, "PAK", "", "2023", 250000, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), 2.0);
    fx_free(&f);
}

/* ---- remittances_gdp ---- */

/*
 * WDI BX.TRF.PWKR.CD.DT and NY.GDP.MKTP.CD, 2023 (MANIFEST: PAK ~ 7.89%,
 * BGD ~ 5.05%):
 *   PAK: 100 * 26558000000 / 336686348609.266      = 7.88805370627643349112
 *   BGD: 100 * 22070041063.2115 / 437415333018.291 = 5.04555725354250833332
 * AFG has a GDP for 2023 but no remittances (WDI stops in 2020): NaN.
 */
static void remittances_gdp_reference(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "BGD", "PAK"};
    static const char *const destination[] = {""};
    fx f;
    fx_init(&f, "remittances_gdp", origin, 3, destination, 1, years, 2, 1);
    fx_set(&f, 0, "PAK", "", "2023", 26558000000.0, 0);
    fx_set(&f, 1, "PAK", "", "2023", 336686348609.266, 0);
    fx_set(&f, 0, "BGD", "", "2023", 22070041063.2115, 0);
    fx_set(&f, 1, "BGD", "", "2023", 437415333018.291, 0);
    fx_set(&f, 1, "AFG", "", "2023", 17152234636.8715, 0);
    /* R2: a GDP of 0 */
    fx_set(&f, 0, "BGD", "", "2024", 27524564108.9817, 0);
    fx_set(&f, 1, "BGD", "", "2024", 0, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2023"), 7.88805370627643349112);
    REL(fx_country(&f, 0, "BGD", "2023"), 5.04555725354250833332);
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    MISSING(fx_country(&f, 0, "BGD", "2024"));
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    fx_free(&f);
}

static void remittances_gdp_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"PAK"};
    static const char *const destination[] = {"ARE"};
    fx f;
    fx_init(&f, "remittances_gdp", origin, 1, destination, 1, years, 2, 1);
    fx_set(&f, 0, "PAK", "ARE", "2023", 26558000000.0, 0);
    fx_set(&f, 1, "PAK", "ARE", "2023", 336686348609.266, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* ---- per_1000 ---- */

/*
 * side=origin, refugees from AFG in 2024 over the selected countries of
 * asylum: 1000 * (3477082 + 1559964) / 42647492 = 118.10884447788864114213;
 * a total stored at AFG "" (9,999,999) is not added in.
 * side=destination, into PAK: as refugees_per_1000, 6.20842595711426014853.
 */
static void per_1000_bilateral(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, "per_1000", host_origin, 5, host_destination, 3, years, 2,
            1);
    assert_null(f.module->inputs[0].indicator); /* --input is required */
    assert_int_equal(f.param[0].integer, 0);   /* default side=origin */
    hosts(&f);
    fx_set(&f, 0, "AFG", "", "2024", 9999999, 0);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "AFG", "2024"), 118.10884447788864114213);
    /* PAK is no origin of a value: NaN, not 0 */
    MISSING(fx_country(&f, 0, "PAK", "2024"));
    MISSING(fx_country(&f, 0, "AFG", "2023"));
    fx_free(&f);

    fx_init(&f, "per_1000", host_origin, 5, host_destination, 3, years, 2,
            1);
    fx_param(&f, "side", "destination");
    assert_int_equal(f.param[0].integer, 1);
    hosts(&f);
    assert_int_equal(fx_run(&f), 0);
    REL(fx_country(&f, 0, "PAK", "2024"), 6.20842595711426014853);
    REL(fx_country(&f, 0, "IRN", "2024"), 37.97278469410263252325);
    MISSING(fx_country(&f, 0, "AFG", "2024"));
    fx_free(&f);
}

/* A country-level value is read at "" whatever the side: net migration
 * per 1,000 gives the net migration rate, PAK 2023
 * 1000 * -1619557 / 247504495 = -6.54354580509739833209. */
static void per_1000_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG", "PAK"};
    static const char *const destination[] = {""};
    for (int side = 0; side < 2; side++) {
        fx f;
        fx_init(&f, "per_1000", origin, 2, destination, 1, years, 2, 1);
        fx_param(&f, "side", side ? "destination" : "origin");
        fx_set(&f, 0, "PAK", "", "2023", -1619557, 0);
        fx_set(&f, 1, "PAK", "", "2023", 247504495, 0);
        fx_set(&f, 1, "AFG", "", "2023", 41454761, 0);
        assert_int_equal(fx_run(&f), 0);
        REL(fx_country(&f, 0, "PAK", "2023"), -6.54354580509739833209);
        MISSING(fx_country(&f, 0, "AFG", "2023")); /* R1 */
        MISSING(fx_country(&f, 0, "PAK", "2024"));
        fx_free(&f);
    }
}

/* R3: a bilateral value without any population on the axes. */
static void per_1000_no_country_level(void **state)
{
    (void)state;
    static const char *const origin[] = {"AFG"};
    static const char *const destination[] = {"IRN", "PAK"};
    fx f;
    fx_init(&f, "per_1000", origin, 1, destination, 2, years, 2, 1);
    fx_set(&f, 0, "AFG", "IRN", "2024", 3477082, 0);
    assert_int_equal(fx_run(&f), 0);
    assert_all_missing(&f, 0);
    fx_free(&f);
}

/* The descriptors are well formed and in the list once each. */
static void rates_descriptors(void **state)
{
    (void)state;
    /* what the registry checks at start-up (names, defaults, units) */
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < *lists[l].count; i++) {
            silk_error err = {0};
            if (silk_module_validate(lists[l].list[i], &err) != SILK_OK)
                fail_msg("%s", err.message);
        }
    static const char *const names[] = {"net_migration_rate",
                                        "refugees_per_1000", "per_1000",
                                        "remittances_gdp"};
    assert_int_equal(silk_builtin_rates_count, 4);
    for (size_t i = 0; i < 4; i++) {
        const silk_module *m = find_module(names[i]);
        assert_int_equal(m->kind, SILK_MODULE_COUNTRY);
        assert_int_equal(m->n_outputs, 1);
        assert_non_null(m->compute);
        assert_true(strlen(m->description) > 0);
    }
    assert_string_equal(find_module("per_1000")->outputs[0].units,
                        "per 1,000 inhabitants");
    assert_string_equal(find_module("remittances_gdp")->outputs[0].units,
                        "% of GDP");
    assert_string_equal(find_module("net_migration_rate")->inputs[0].indicator,
                        "net_migration");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(net_migration_rate_reference),
        cmocka_unit_test(net_migration_rate_bad_population),
        cmocka_unit_test(net_migration_rate_no_country_level),
        cmocka_unit_test(refugees_per_1000_reference),
        cmocka_unit_test(refugees_per_1000_degenerate),
        cmocka_unit_test(refugees_per_1000_single_country),
        cmocka_unit_test(remittances_gdp_reference),
        cmocka_unit_test(remittances_gdp_no_country_level),
        cmocka_unit_test(per_1000_bilateral),
        cmocka_unit_test(per_1000_country_level),
        cmocka_unit_test(per_1000_no_country_level),
        cmocka_unit_test(rates_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
