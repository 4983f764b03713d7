/*
 * number.c: doubles as the shortest of "%.15g" and "%.17g" that reads
 * back exactly.
 *
 * The rule is the one silkstat's tables have always used, and their text
 * must not change.  glibc computes it with multi-precision arithmetic:
 * two snprintf calls and a strtod, about 1 us a number, and a trend table
 * of 200,000 series holds four million numbers (2 s of a 3.3 s run).
 *
 * Here a finite normal double x = m 2^e is rounded to p digits exactly in
 * 128-bit integers: x 10^k = m 5^k 2^(e+k), so a multiplication by a
 * power of 5 and a shift (or a division when k < 0) give floor(x 10^k)
 * and how the rest compares with one half; the rounding is printf's, to
 * nearest with ties to even.  Whether strtod would read the 15 digits
 * back as x is the question whether they lie between the midpoints to
 * x's neighbours (a midpoint itself rounds to the even mantissa), again
 * an exact comparison of integers.  Where 128 bits cannot hold a step
 * (|x| below about 1e-16 or above 1e70, subnormals) the text comes from
 * snprintf and strtod as before; tests/unit/test_number.c compares both
 * ways on millions of doubles.
 */
#include "silkstat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* 5^0 .. 5^27, the powers that fit in 64 bits. */
static const uint64_t pow5_64[28] = {
    1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u,
    9765625u, 48828125u, 244140625u, 1220703125u, 6103515625u, 30517578125u,
    152587890625u, 762939453125u, 3814697265625u, 19073486328125u,
    95367431640625u, 476837158203125u, 2384185791015625u,
    11920928955078125u, 59604644775390625u, 298023223876953125u,
    1490116119384765625u, 7450580596923828125u,
};

/* 10^0 .. 10^17: p-digit integers lie in [10^(p-1), 10^p). */
static const uint64_t pow10_64[18] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
    100000000u, 1000000000u, 10000000000u, 100000000000u,
    1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u,
};

#define POW5_MAX 54 /* 5^54 < 2^126: twice a remainder below it fits */

static u128 pow5(int k)
{
    return k <= 27 ? pow5_64[k] : (u128)pow5_64[27] * pow5_64[k - 27];
}

static int bit_length(u128 v)
{
    uint64_t high = (uint64_t)(v >> 64), low = (uint64_t)v;
    if (high != 0)
        return 128 - __builtin_clzll(high);
    return low != 0 ? 64 - __builtin_clzll(low) : 0;
}

/* How rest compares with half: -1 below, 0 equal, 1 above. */
static int against(u128 rest, u128 half)
{
    return rest < half ? -1 : rest > half;
}

/* floor(m 2^e 10^k) into *q and how the remainder compares with one
 * half into *half; false when 128 bits do not hold a step. */
static bool scale(uint64_t m, int e, int k, u128 *q, int *half)
{
    if (k >= 0) {
        if (k > POW5_MAX)
            return false;
        u128 p5 = pow5(k);
        if (bit_length(m) + bit_length(p5) > 128)
            return false;
        u128 n = (u128)m * p5;
        int shift = e + k;
        if (shift >= 0) {
            if (bit_length(n) + shift > 127)
                return false;
            *q = n << shift;
            *half = -1; /* an integer: nothing left over */
            return true;
        }
        if (-shift > 127)
            return false;
        int s = -shift;
        *q = n >> s;
        *half = against(n & (((u128)1 << s) - 1), (u128)1 << (s - 1));
        return true;
    }
    if (-k > POW5_MAX)
        return false;
    u128 divisor = pow5(-k), dividend = m;
    int shift = e + k; /* x / 10^-k = m 2^(e+k) / 5^-k */
    if (shift >= 0) {
        if (53 + shift > 127)
            return false;
        dividend <<= shift;
    } else {
        if (bit_length(divisor) - shift > 126)
            return false;
        divisor <<= -shift;
    }
    *q = dividend / divisor;
    *half = against((dividend % divisor) << 1, divisor);
    return true;
}

/* x = m 2^e to p significant digits: *digits in [10^(p-1), 10^p) and
 * *exp10 the decimal exponent of its first digit, as "%.{p}e" would
 * give them; guess is a first estimate of that exponent. */
static bool round_digits(uint64_t m, int e, int p, int guess,
                         uint64_t *digits, int *exp10)
{
    int d = guess;
    for (int tries = 0; tries < 4; tries++) {
        u128 q;
        int half;
        if (!scale(m, e, p - 1 - d, &q, &half))
            return false;
        if (q < pow10_64[p - 1]) {
            d--;
            continue;
        }
        if (q >= pow10_64[p]) {
            d++;
            continue;
        }
        uint64_t v = (uint64_t)q;
        if (half > 0 || (half == 0 && (v & 1)))
            v++;
        if (v == pow10_64[p]) { /* 9.99..95 rounds up to 10.0 */
            v = pow10_64[p - 1];
            d++;
        }
        *digits = v;
        *exp10 = d;
        return true;
    }
    return false;
}

/* Compares digits 10^-k with M 2^(e-2): -1, 0 or 1, or 2 when 128 bits
 * do not hold it. */
static int compare_scaled(uint64_t digits, int k, u128 midpoint, int e)
{
    u128 left = digits, right = midpoint;
    int shift;
    if (k >= 0) { /* digits vs M 5^k 2^(e-2+k) */
        u128 p5 = pow5(k);
        if (bit_length(right) + bit_length(p5) > 127)
            return 2;
        right *= p5;
        shift = e - 2 + k;
    } else { /* digits 5^-k vs M 2^(e-2+k) */
        u128 p5 = pow5(-k);
        if (bit_length(left) + bit_length(p5) > 127)
            return 2;
        left *= p5;
        shift = e - 2 + k;
    }
    if (shift >= 0) {
        if (bit_length(right) + shift > 127)
            return 2;
        right <<= shift;
    } else {
        if (bit_length(left) - shift > 127)
            return 2;
        left <<= -shift;
    }
    return left < right ? -1 : left > right;
}

/* Whether strtod reads digits 10^(exp10-p+1) back as m 2^e: 1 yes, 0 no,
 * -1 when 128 bits do not settle it.  The doubles next to x are
 * (m +- 1) 2^e, except below m = 2^52, where the spacing halves. */
static int reads_back(uint64_t m, int e, uint64_t digits, int p, int exp10)
{
    int k = p - 1 - exp10;
    u128 four_m = (u128)m << 2;
    u128 high = four_m + 2;
    u128 low = m == (uint64_t)1 << 52 ? four_m - 1 : four_m - 2;
    int above_low = compare_scaled(digits, k, low, e);
    int below_high = compare_scaled(digits, k, high, e);
    if (above_low == 2 || below_high == 2)
        return -1;
    if (above_low > 0 && below_high < 0)
        return 1;
    /* on a midpoint strtod takes the even mantissa */
    return (above_low == 0 || below_high == 0) && (m & 1) == 0;
}

/* digits (p of them) with decimal exponent exp10, as "%.{p}g" writes
 * them: trailing zeros dropped, exponent form below 1e-4 and from 10^p. */
static size_t put_g(char *out, bool negative, uint64_t digits, int p,
                    int exp10)
{
    static const char pairs[] = "00010203040506070809"
                                "10111213141516171819"
                                "20212223242526272829"
                                "30313233343536373839"
                                "40414243444546474849"
                                "50515253545556575859"
                                "60616263646566676869"
                                "70717273747576777879"
                                "80818283848586878889"
                                "90919293949596979899";
    char d[20];
    char *o = out;
    int n = p;
    /* the last eight digits and the first p - 8 as two independent
     * chains of 32-bit divisions */
    uint32_t low = (uint32_t)(digits % 100000000u);
    uint32_t high = (uint32_t)(digits / 100000000u);
    for (int at = p - 2; at >= p - 8; at -= 2) {
        memcpy(d + at, pairs + 2 * (low % 100), 2);
        low /= 100;
    }
    int left = p - 8;
    for (; left >= 2; left -= 2) {
        memcpy(d + left - 2, pairs + 2 * (high % 100), 2);
        high /= 100;
    }
    if (left == 1)
        d[0] = (char)('0' + high);
    while (n > 1 && d[n - 1] == '0')
        n--;
    if (negative)
        *o++ = '-';
    if (exp10 < -4 || exp10 >= p) {
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)n - 1);
            o += n - 1;
        }
        int x = exp10 < 0 ? -exp10 : exp10;
        *o++ = 'e';
        *o++ = exp10 < 0 ? '-' : '+';
        if (x >= 100)
            *o++ = (char)('0' + x / 100);
        *o++ = (char)('0' + x / 10 % 10);
        *o++ = (char)('0' + x % 10);
    } else if (exp10 >= 0) {
        int whole = exp10 + 1;
        for (int i = 0; i < whole; i++)
            *o++ = i < n ? d[i] : '0';
        if (n > whole) {
            *o++ = '.';
            memcpy(o, d + whole, (size_t)(n - whole));
            o += n - whole;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exp10 - 1; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)n);
        o += n;
    }
    *o = '\0';
    return (size_t)(o - out);
}

static size_t by_printf(double value, char buf[SILK_NUMBER_MAX])
{
    snprintf(buf, SILK_NUMBER_MAX, "%.15g", value);
    if (strtod(buf, NULL) != value)
        snprintf(buf, SILK_NUMBER_MAX, "%.17g", value);
    return strlen(buf);
}

size_t silk_number_format(double value, char *buf)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    if (biased == 0 || biased == 0x7ff) /* zero, subnormal, inf, NaN */
        return by_printf(value, buf);

    bool negative = bits >> 63;
    uint64_t m = (bits & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52;
    int e = biased - 1075;
    /* log10 of 2^(e+52), a first guess at the exponent */
    int guess = (int)floor((e + 52) * 0.30102999566398120);
    uint64_t digits17, digits15;
    int exp17, exp15;

    if (round_digits(m, e, 15, guess, &digits15, &exp15)) {
        int back = reads_back(m, e, digits15, 15, exp15);
        if (back == 1)
            return put_g(buf, negative, digits15, 15, exp15);
        if (back == 0 && round_digits(m, e, 17, exp15, &digits17, &exp17))
            return put_g(buf, negative, digits17, 17, exp17);
    }
    return by_printf(value, buf);
}
