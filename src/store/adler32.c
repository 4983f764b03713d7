/*
 * adler32.c: Adler-32 (RFC 1950), 32 bytes at a time with AVX2.
 *
 * Over n bytes b_0 .. b_{n-1}, starting from (s1, s2):
 *   s1' = s1 + sum b_k,   s2' = s2 + n s1 + sum (n - k) b_k   (mod 65521).
 * Cut into blocks of 32, byte i of block j has n - k = 32 (B - 1 - j) +
 * (32 - i) with B blocks: a weighted sum of each block with weights 32 ..
 * 1 (maddubs), plus 32 times the sum over blocks of the bytes of all the
 * blocks before (the running byte sum added up before each block).  The
 * sums are reduced every RUN bytes, where none of the lanes can overflow
 * (at most 255 * RUN per byte-sum lane, and the 64-bit totals below).
 */
#include "store/adler32.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define ADLER_AVX2 1
#include <immintrin.h>
#endif

#define BASE 65521u
/* bytes summed before reducing: a multiple of 32 */
#define RUN 5536

#ifdef ADLER_AVX2
__attribute__((target("avx2"))) static uint32_t
adler32_avx2(uint32_t adler, const unsigned char *data, size_t n)
{
    uint64_t s1 = adler & 0xffff, s2 = adler >> 16;
    const __m256i weights = _mm256_setr_epi8(
        32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();

    while (n >= 32) {
        size_t run = n < RUN ? n - n % 32 : RUN;
        __m256i sum = zero, before = zero, weighted = zero;
        n -= run;
        s2 += s1 * run;
        for (size_t k = 0; k < run; k += 32, data += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)data);
            before = _mm256_add_epi64(before, sum);
            sum = _mm256_add_epi64(sum, _mm256_sad_epu8(v, zero));
            weighted = _mm256_add_epi32(
                weighted,
                _mm256_madd_epi16(_mm256_maddubs_epi16(v, weights), ones));
        }
        uint64_t lanes[4], bytes = 0, earlier = 0, weight = 0;
        uint32_t w[8];
        _mm256_storeu_si256((__m256i *)(void *)lanes, sum);
        for (int i = 0; i < 4; i++)
            bytes += lanes[i];
        _mm256_storeu_si256((__m256i *)(void *)lanes, before);
        for (int i = 0; i < 4; i++)
            earlier += lanes[i];
        _mm256_storeu_si256((__m256i *)(void *)w, weighted);
        for (int i = 0; i < 8; i++)
            weight += w[i];
        s1 = (s1 + bytes) % BASE;
        s2 = (s2 + 32 * earlier + weight) % BASE;
    }
    for (; n > 0; n--) {
        s1 += *data++;
        s2 += s1;
    }
    return (uint32_t)((s2 % BASE) << 16 | (s1 % BASE));
}
#endif

int store_adler32_simd(void)
{
#ifdef ADLER_AVX2
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

uint32_t store_adler32(uint32_t adler, const unsigned char *data, size_t n)
{
#ifdef ADLER_AVX2
    if (__builtin_cpu_supports("avx2"))
        return adler32_avx2(adler, data, n);
#endif
    return (uint32_t)adler32_z(adler, data, n);
}
