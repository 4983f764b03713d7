/*
 * test_number.c: silk_number_format against two references.
 *
 * 1. Texts worked out independently: Python's '%.15g' / '%.17g' (David
 *    Gay's correctly rounded dtoa, not glibc), with the rule "15 digits
 *    when float() reads them back, else 17", for values chosen at the
 *    edges: ties at the 17th digit, rounding that carries into a new
 *    exponent, the switch to exponent form, powers of two and ten.
 * 2. The rule computed with glibc's snprintf and strtod, which silkstat
 *    used before, on about two million doubles: random bit patterns over
 *    the whole range, random mantissas in the range the integer path
 *    covers, ratios of small integers (thirds, sevenths), dyadic
 *    fractions (exact ties), integers near 2^53 and the neighbours of
 *    every power of ten.  Both must give the same bytes.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "silkstat.h"

static void reference(double value, char buf[SILK_NUMBER_MAX])
{
    snprintf(buf, SILK_NUMBER_MAX, "%.15g", value);
    if (strtod(buf, NULL) != value)
        snprintf(buf, SILK_NUMBER_MAX, "%.17g", value);
}

static size_t mismatches;

static void same_as_reference(double value)
{
    char got[SILK_NUMBER_MAX], want[SILK_NUMBER_MAX];
    size_t len = silk_number_format(value, got);
    reference(value, want);
    if (strcmp(got, want) != 0 || len != strlen(want)) {
        if (mismatches++ < 10)
            print_error("%a: got '%s', snprintf/strtod give '%s'\n", value,
                        got, want);
    }
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static void test_known_texts(void **state)
{
    (void)state;
    static const struct {
        double value;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},
        {1.0 / 3.0, "0.33333333333333331"},
        {2.0 / 3.0, "0.66666666666666663"},
        {0.30000000000000004, "0.30000000000000004"},
        {1e15, "1e+15"},
        {1e16, "1e+16"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {123456789012345.0, "123456789012345"},
        {1234567890123455.0, "1234567890123455"},
        {123456789012345678.0, "1.2345678901234568e+17"},
        /* 26215 / 2^18 = 0.100002288818359375 exactly: a tie at the 17th
         * digit, to even */
        {26215.0 / 262144.0, "0.10000228881835938"},
        /* 15 digits carry into 1e+15 but do not read back */
        {999999999999999.9, "999999999999999.88"},
        {1e-5, "1e-05"},
        {1e-7, "1e-07"},
        {0.0001, "0.0001"},
        {0.00012345678901234567, "0.00012345678901234567"},
        {9.5367431640625e-07, "9.5367431640625e-07"}, /* 2^-20 */
        {8.9443699604299586e-09, "8.9443699604299586e-09"},
        {0.16173507719998609, "0.16173507719998609"},
        {-2785.0, "-2785"},
        {246841.0, "246841"},
        {100.0, "100"},
        {9.5, "9.5"},
        {-0.0, "-0"},
        {0.0, "0"},
        {5e-324, "4.94065645841247e-324"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {INFINITY, "inf"},
        {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char got[SILK_NUMBER_MAX];
        size_t len = silk_number_format(cases[i].value, got);
        if (strcmp(got, cases[i].text) != 0)
            fail_msg("%a: got '%s', expected '%s'", cases[i].value, got,
                     cases[i].text);
        assert_int_equal(len, strlen(cases[i].text));
    }
}

static void test_random_bits(void **state)
{
    (void)state;
    uint64_t seed = 1;
    mismatches = 0;
    for (int i = 0; i < 200000; i++) {
        double v = from_bits(splitmix(&seed));
        if (!isnan(v))
            same_as_reference(v);
    }
    assert_int_equal(mismatches, 0);
}

static void test_covered_range(void **state)
{
    (void)state;
    uint64_t seed = 2;
    mismatches = 0;
    /* every binary exponent from 2^-60 to 2^240, random mantissas */
    for (int i = 0; i < 300000; i++) {
        uint64_t r = splitmix(&seed);
        int biased = 1023 - 60 + (int)(r % 300);
        uint64_t bits = (uint64_t)biased << 52 | (r >> 12);
        double v = from_bits(bits);
        same_as_reference(i % 2 ? -v : v);
    }
    assert_int_equal(mismatches, 0);
}

static void test_ratios_and_ties(void **state)
{
    (void)state;
    mismatches = 0;
    /* ratios of small integers, the values statistics produce */
    for (int a = 1; a < 400; a++)
        for (int b = 1; b < 400; b++)
            same_as_reference((double)a / b);
    /* dyadic fractions n / 2^j: exact decimal expansions, many of them
     * ties at the 15th or 17th digit */
    uint64_t seed = 3;
    for (int j = 1; j <= 80; j++)
        for (int i = 0; i < 2000; i++) {
            uint64_t n = splitmix(&seed) >> (11 + splitmix(&seed) % 40);
            same_as_reference(ldexp((double)n, -j));
        }
    /* integers around 2^53 and 10^15..10^18 */
    for (int64_t n = -3000; n <= 3000; n++) {
        same_as_reference(9007199254740992.0 + 2.0 * (double)n);
        same_as_reference(1e15 + (double)n / 8);
        same_as_reference(1e17 + 16.0 * (double)n);
    }
    assert_int_equal(mismatches, 0);
}

static void test_powers_of_ten(void **state)
{
    (void)state;
    mismatches = 0;
    for (int x = -30; x <= 80; x++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", x);
        double p = strtod(text, NULL);
        double v = p;
        for (int k = 0; k < 40; k++)
            v = nextafter(v, 0.0);
        for (int k = 0; k < 80; k++) {
            same_as_reference(v);
            same_as_reference(-v);
            same_as_reference(v * 5); /* 5, 50, ... and neighbours */
            v = nextafter(v, INFINITY);
        }
    }
    assert_int_equal(mismatches, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_texts),
        cmocka_unit_test(test_random_bits),
        cmocka_unit_test(test_covered_range),
        cmocka_unit_test(test_ratios_and_ties),
        cmocka_unit_test(test_powers_of_ten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
