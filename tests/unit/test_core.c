/*
 * test_core.c: periods, codes, flags, SHA-256, batches and the upsert
 * rule of cube merging.  Expected values are worked out by hand below or
 * come from FIPS 180-2's published SHA-256 examples.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

static silk_period P(const char *text)
{
    silk_period p = {0};
    assert_int_equal(silk_period_parse(text, strlen(text), &p), SILK_OK);
    return p;
}

static void test_period_parse(void **state)
{
    (void)state;
    silk_period p = P("2024");
    assert_int_equal(p.freq, SILK_FREQ_ANNUAL);
    assert_int_equal(p.year, 2024);
    p = P("2024-Q3");
    assert_int_equal(p.freq, SILK_FREQ_QUARTERLY);
    assert_int_equal(p.sub, 3);
    p = P("2024-07");
    assert_int_equal(p.freq, SILK_FREQ_MONTHLY);
    assert_int_equal(p.sub, 7);

    const char *bad[] = {"", "24", "2024-13", "2024-00", "2024Q1", "2024-Q5",
                         "2024-Q0", "2024-1", "2024-001", " 2024", "2024 ",
                         "abcd", "1799", "2201", "2024-", "2024/07"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        silk_period q;
        assert_int_equal(silk_period_parse(bad[i], strlen(bad[i]), &q),
                         SILK_EPARSE);
    }
}

static void test_period_ordinal_and_format(void **state)
{
    (void)state;
    char buf[SILK_PERIOD_LABEL_MAX];
    /* 2024-07: 2024*12 + 7 - 1 = 24294 */
    assert_int_equal(silk_period_ordinal(P("2024-07")), 24294);
    silk_period back = silk_period_from_ordinal(SILK_FREQ_MONTHLY, 24294);
    silk_period_format(back, buf);
    assert_string_equal(buf, "2024-07");
    /* 2023-Q4: 2023*4 + 3 = 8095; the next quarter is 2024-Q1 */
    assert_int_equal(silk_period_ordinal(P("2023-Q4")), 8095);
    silk_period_format(silk_period_from_ordinal(SILK_FREQ_QUARTERLY, 8096),
                       buf);
    assert_string_equal(buf, "2024-Q1");
    assert_true(fabs(silk_period_decimal_year(P("2024-07")) - 2024.5) < 1e-12);
    assert_true(fabs(silk_period_decimal_year(P("2024-Q2")) - 2024.25) < 1e-12);
    assert_true(silk_period_compare(P("2023-12"), P("2024-01")) < 0);
    assert_true(silk_period_compare(P("2024"), P("2024")) == 0);
}

static void test_codes_flags_names(void **state)
{
    (void)state;
    assert_true(silk_code_valid("AFG", 3));
    assert_true(silk_code_valid("XXA", 3));
    assert_false(silk_code_valid("AF", 2));
    assert_false(silk_code_valid("afg", 3));
    assert_false(silk_code_valid("AF1", 3));
    assert_false(silk_code_valid("Iran", 4));

    uint32_t f = 0;
    char buf[SILK_FLAGS_TEXT_MAX];
    assert_int_equal(silk_flags_parse("pe*", 3, &f), SILK_OK);
    assert_int_equal(f, (1u << 15) | (1u << 4) | (1u << 26));
    silk_flags_format(f, buf);
    assert_string_equal(buf, "ep*");
    assert_int_equal(silk_flags_parse("P", 1, &f), SILK_EPARSE);
    assert_int_equal(silk_flags_parse("p ", 2, &f), SILK_EPARSE);

    assert_true(silk_indicator_name_valid("SP.POP.TOTL", 11));
    assert_true(silk_indicator_name_valid("asylum_seekers", 14));
    assert_false(silk_indicator_name_valid("a/b", 3));
    assert_false(silk_indicator_name_valid(".hidden", 7));
    assert_false(silk_indicator_name_valid("", 0));
}

static void sha(const char *text, size_t len, char hex[65])
{
    silk_sha256 ctx;
    silk_sha256_init(&ctx);
    /* feed in uneven pieces to exercise the block buffer */
    size_t step = 7;
    for (size_t i = 0; i < len; i += step)
        silk_sha256_update(&ctx, text + i, len - i < step ? len - i : step);
    silk_sha256_final(&ctx, hex);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    sha("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                             "27ae41e4649b934ca495991b7852b855");
    sha("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
                             "a33ce45964ff2167f6ecedd419db06c1");
}

static void test_batch_cube_and_conflicts(void **state)
{
    (void)state;
    silk_batch *batch;
    silk_error err = {0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    /* rows deliberately out of order: the cube sorts its axes */
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "PAK", P("2024"),
                                    1500.0, 0, "persons", "UNHCR", 0, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", P("2023"),
                                    NAN, 0, NULL, NULL, 0, 3, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", P("2024"),
                                    7.5, SILK_FLAG('p'), NULL, NULL, 0, 4,
                                    &err),
                     SILK_OK);
    /* identical repeat is fine */
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", P("2024"),
                                    7.5, SILK_FLAG('p'), NULL, NULL, 0, 5,
                                    &err),
                     SILK_OK);
    /* conflicting repeat in the same file */
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", P("2024"),
                                    8.0, 0, NULL, NULL, 0, 6, &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "duplicate key (refugees, AFG, IRN, 2024) with a "
                        "different value than on line 4; expected each key "
                        "once per file");
    /* a later file replaces it */
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", P("2024"),
                                    8.0, 0, NULL, NULL, 1, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN",
                                    P("2024-01"), 1, 0, NULL, NULL, 1, 3,
                                    &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "indicator 'refugees' has annual periods since line 2; "
                        "expected no monthly period in the same indicator");
    assert_int_equal(silk_batch_put(batch, "refugees", "IRQ", "", P("2024"), 1,
                                    0, "USD", NULL, 1, 4, &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "unit 'USD' differs from unit 'persons' given earlier "
                        "for indicator 'refugees'; expected one unit per "
                        "indicator");

    assert_int_equal(silk_batch_indicator_count(batch), 1);
    silk_cube *cube;
    assert_int_equal(silk_batch_cube(batch, 0, &cube, &err), SILK_OK);
    assert_int_equal(cube->n_origin, 1);
    assert_int_equal(cube->n_destination, 2);
    assert_int_equal(cube->n_period, 2);
    assert_string_equal(cube->destination[0], "IRN");
    assert_string_equal(cube->destination[1], "PAK");
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source, "UNHCR");
    /* IRN 2023 explicitly missing but set; IRN 2024 = 8 (file 1 won) */
    assert_true(isnan(cube->value[silk_cube_index(cube, 0, 0, 0)]));
    assert_int_equal(cube->set[silk_cube_index(cube, 0, 0, 0)], 1);
    assert_true(cube->value[silk_cube_index(cube, 0, 0, 1)] == 8.0);
    assert_int_equal(cube->flags[silk_cube_index(cube, 0, 0, 1)], 0);
    /* PAK 2023 never named: missing and not set */
    assert_true(isnan(cube->value[silk_cube_index(cube, 0, 1, 0)]));
    assert_int_equal(cube->set[silk_cube_index(cube, 0, 1, 0)], 0);
    assert_true(cube->value[silk_cube_index(cube, 0, 1, 1)] == 1500.0);

    char hex[65];
    sha("abc", 3, hex);
    assert_int_equal(silk_batch_add_provenance(batch, 0, "a.csv", hex, 4, &err),
                     SILK_OK);
    assert_string_equal(silk_batch_provenance(batch, 0)->indicators,
                        "refugees");
    silk_cube_free(cube);
    silk_batch_free(batch);
}

static void test_cube_merge_upsert(void **state)
{
    (void)state;
    silk_error err = {0};
    const char *o1[] = {"AFG", "IRQ"}, *d1[] = {"IRN"};
    silk_period p1[] = {P("2020"), P("2021")};
    silk_cube *base, *update, *merged;
    assert_int_equal(silk_cube_alloc("x", SILK_FREQ_ANNUAL, o1, 2, d1, 1, p1, 2,
                                     false, &base, &err),
                     SILK_OK);
    /* base: AFG 10 20, IRQ 30 40 */
    for (size_t i = 0; i < 4; i++)
        base->value[i] = 10.0 * (double)(i + 1);
    assert_int_equal(silk_cube_set_unit(base, "persons", &err), SILK_OK);

    const char *o2[] = {"AFG", "BGD"}, *d2[] = {"IRN"};
    silk_period p2[] = {P("2021"), P("2022")};
    assert_int_equal(silk_cube_alloc("x", SILK_FREQ_ANNUAL, o2, 2, d2, 1, p2, 2,
                                     true, &update, &err),
                     SILK_OK);
    /* update: AFG 2021 -> 25 (set), AFG 2022 unset, BGD 2022 = 5 */
    update->value[silk_cube_index(update, 0, 0, 0)] = 25;
    update->set[silk_cube_index(update, 0, 0, 0)] = 1;
    update->value[silk_cube_index(update, 1, 0, 1)] = 5;
    update->set[silk_cube_index(update, 1, 0, 1)] = 1;

    assert_int_equal(silk_cube_merge(base, update, &merged, &err), SILK_OK);
    /* union: origins AFG BGD IRQ, periods 2020 2021 2022 */
    assert_int_equal(merged->n_origin, 3);
    assert_string_equal(merged->origin[1], "BGD");
    assert_int_equal(merged->n_period, 3);
    double expect[3][3] = {{10, 25, NAN}, {NAN, NAN, 5}, {30, 40, NAN}};
    for (size_t o = 0; o < 3; o++)
        for (size_t p = 0; p < 3; p++) {
            double v = merged->value[silk_cube_index(merged, o, 0, p)];
            if (isnan(expect[o][p]))
                assert_true(isnan(v));
            else
                assert_true(v == expect[o][p]);
        }
    assert_string_equal(merged->unit, "persons");
    silk_cube_free(merged);

    silk_cube_set_unit(update, "USD", &err);
    assert_int_equal(silk_cube_merge(base, update, &merged, &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message, "indicator 'x' is stored in unit "
                                     "'persons'; the input gives unit 'USD'");
    silk_cube_free(update);
    silk_cube_free(base);
}

static void test_error_prefix(void **state)
{
    (void)state;
    silk_error err = {0};
    silk_error_set(&err, SILK_EPARSE, "'x' is not a number");
    assert_int_equal(silk_error_prefix(&err, "%s:%d:%d: ", "f.csv", 3, 5),
                     SILK_EPARSE);
    assert_string_equal(err.message, "f.csv:3:5: 'x' is not a number");
    assert_string_equal(silk_strerror(SILK_ELOCK), "store is locked");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_parse),
        cmocka_unit_test(test_period_ordinal_and_format),
        cmocka_unit_test(test_codes_flags_names),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_batch_cube_and_conflicts),
        cmocka_unit_test(test_cube_merge_upsert),
        cmocka_unit_test(test_error_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
