/*
 * trend_all.c: OLS, Mann-Kendall and Sen's slope of one series in one
 * pass over its pairs, with a caller-owned workspace (silk_trend_all),
 * for runs over ~10^5 series where the separate functions of trend.c
 * would spend their time sorting.
 *
 * Separate from trend.c because of the workspace and the selection
 * below; every formula (OLS fit, Var(S), z, p, tau, Sen's ranks, the
 * median of two middle values) is the shared code of trend.c declared in
 * stats.h, so the results are bit-identical to the separate functions.
 *
 * Where the time goes, and what replaces what (figures: README):
 *   - MK's S and its tie groups: one pass over the pairs computes the
 *     slope d = (y_j - y_i) / (t_j - t_i), counts the pairs going up and,
 *     for each i, the number c_i of later values equal to y_i (S = 2 up +
 *     equal - pairs).  Within a tie group of size t the c_i are t-1, ...,
 *     1, 0, so sum_i 6 c_i (c_i + 2) = sum_p t_p(t_p-1)(2t_p+5) (the
 *     terms telescope) and sum_i c_i = sum_p t_p(t_p-1)/2: Var(S) and tau
 *     without sorting y.  These are integers, exact in doubles, so they
 *     equal trend.c's sums.
 *   - Sen needs only four order statistics of the N slopes (the two
 *     middle ones and the interval's two ranks), all near the middle.  A
 *     sample of 16 or 32 slopes gives the range of the bulk of them; the
 *     pair pass maps every slope to one of up to N buckets over that
 *     range by a monotone function of its value (multiply, add, clamp,
 *     truncate: a larger slope never gets a smaller bucket, whatever the
 *     rounding) and counts them; the counts give the bucket of each
 *     wanted rank, and only those few buckets' slopes are collected and
 *     searched with gsl_stats_select.  A poor sample costs time (a wanted
 *     rank in a big bucket), never correctness.  A bucket holding a
 *     single value (ties: count data give many zero slopes) is answered
 *     without a search.
 *   - gsl_stats_select (GSL's quickselect) leaves the array partitioned
 *     around the k it returns (a[0..k) <= a[k] <= a(k..n)), as its
 *     Numerical Recipes original documents and test_trend_all.c checks;
 *     multi_select uses that to look for further ranks on one side only.
 *   - The intercept's median of n residuals uses a branch-free
 *     quickselect (select_copy): on ~100 values the mispredicted branches
 *     of an ordinary one cost more than the rest of the work.
 *   - t_{n-2, 0.975}, z_{1-alpha/2} and the sampled pair positions (they
 *     depend on n only) are kept in the workspace.
 * On x86-64 the pair pass uses SSE2 (part of the x86-64 baseline), four
 * pairs a step, through intrinsics so that the bucket of a slope is
 * computed by the same operations in the loop and in its tail, or, where
 * the CPU has it, AVX2 (chosen when a workspace is made; SILKSTAT_SIMD=
 * sse2 forces SSE2); other targets run the scalar loop.  Both x86 paths
 * give the same bits (test_trend_all.c checks it).  AVX2 on its own
 * barely helps (the divider does as many doubles a cycle in 128 bits as
 * in 256); what the AVX2 pass gains is mostly from counting the
 * histogram a few steps behind the divisions (see pair_pass_avx2).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

/* SSE2 path on x86-64 (it needs 64-bit moves out of xmm registers);
 * -DSILK_NO_SIMD builds the scalar path, for testing it. */
#if defined(__SSE2__) && defined(__x86_64__) && !defined(SILK_NO_SIMD)
#define SILK_SSE2 1
#include <emmintrin.h>
#endif

/* AVX2 path beside it, compiled for AVX2 function by function and chosen
 * at run time (silk_trend_workspace_alloc), so the build still runs on
 * any x86-64.  GCC and clang only (the target attribute and
 * __builtin_cpu_supports).
 * Not target_clones: its ifunc is glibc-only, and tests must pick a path. */
#if defined(SILK_SSE2) && defined(__GNUC__)
#define SILK_AVX2 1
#include <immintrin.h>
#define AVX2_FN __attribute__((target("avx2")))
#endif

#include "silkstat.h"
#include "stats/stats.h"

/* Buckets: one per pair over the sampled range, at most BUCKETS_MAX
 * (four histograms of them stay within L1).  Up to SMALL pairs selecting
 * on all slopes is as quick as anything.  NS sampled pairs, of which the
 * two smallest and two largest slopes are left out of the range. */
enum { BUCKETS_MAX = 2048, SMALL = 256, NS = 32 };

/* Sampled pairs: NS from 2048 pairs up, NS / 2 below (a smaller range
 * estimate costs less than it loses on a short series). */
static size_t sample_size(size_t npairs)
{
    return npairs >= 2048 ? NS : NS / 2;
}

struct silk_trend_workspace {
    size_t max_n, max_pairs;
    double *slope;    /* the N pairwise slopes, in pair order */
    uint32_t *bucket; /* bucket of each slope */
    double *pick;     /* slopes of the buckets that hold wanted ranks */
    uint32_t *count;  /* four histograms of BUCKETS_MAX + 2 (pair_pass) */
    double *resid;    /* y - slope t, for the intercept */
    double *tcrit;    /* t_{n-2, 0.975} by n, NaN until needed */
    double alpha, zq; /* the last alpha and z_{1-alpha/2}, NaN at first */
    size_t sample_n;  /* n of the sampled pair positions below, 0: none */
    uint32_t sample_i[NS], sample_j[NS];
    bool avx2; /* the pair pass to use (pick_avx2) */
};

/* Whether a new workspace runs the AVX2 pair pass: when the CPU has
 * AVX2, unless the environment variable SILKSTAT_SIMD is "sse2" (for
 * testing and timing the SSE2 path; any other value, or none, means the
 * best the CPU has).  Both give bit-identical results.  Read once per
 * workspace (silk_trend_workspace_alloc), not per call: a workspace
 * lives as long as its thread's run, and a test can hold one of each. */
static bool pick_avx2(void)
{
#if defined(SILK_AVX2)
    const char *simd = getenv("SILKSTAT_SIMD");
    if (simd && strcmp(simd, "sse2") == 0)
        return false;
    /* the CPU model was read by a constructor of libgcc (compiler-rt
     * under clang) before main */
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

SILK_API int silk_trend_workspace_alloc(size_t max_n,
                                        silk_trend_workspace **out,
                                        silk_error *err)
{
    silk_trend_workspace *ws = NULL;

    if (!out)
        return silk_error_set(err, SILK_EINVAL,
                              "trend workspace: out must not be null");
    *out = NULL;
    if (max_n < 3)
        return silk_error_set(err, SILK_EINVAL,
                              "trend workspace: max_n is %zu, expected at "
                              "least 3",
                              max_n);
    /* Pair count and the largest array (8 bytes a pair) must fit size_t;
     * the bucket ids are uint32_t and the MK sums exact in doubles. */
    if (max_n - 1 > SIZE_MAX / max_n ||
        max_n * (max_n - 1) / 2 > SIZE_MAX / sizeof(double) ||
        max_n > 100000)
        return silk_error_set(err, SILK_ENOMEM,
                              "trend workspace: %zu points give too many "
                              "pairwise slopes to hold in memory",
                              max_n);
    size_t npairs = max_n * (max_n - 1) / 2;
    if (!(ws = calloc(1, sizeof *ws)))
        goto nomem;
    ws->max_n = max_n;
    ws->max_pairs = npairs;
    ws->slope = malloc(npairs * sizeof *ws->slope);
    ws->bucket = malloc(npairs * sizeof *ws->bucket);
    ws->pick = malloc((npairs + 1) * sizeof *ws->pick);
    ws->count = malloc(4 * (BUCKETS_MAX + 2) * sizeof *ws->count);
    ws->resid = malloc(max_n * sizeof *ws->resid);
    ws->tcrit = malloc((max_n + 1) * sizeof *ws->tcrit);
    if (!ws->slope || !ws->bucket || !ws->pick || !ws->count || !ws->resid ||
        !ws->tcrit)
        goto nomem;
    for (size_t i = 0; i <= max_n; i++)
        ws->tcrit[i] = NAN;
    ws->avx2 = pick_avx2();
    ws->alpha = NAN;
    ws->zq = NAN;
    *out = ws;
    return SILK_OK;
nomem:
    silk_trend_workspace_free(ws);
    return silk_error_set(err, SILK_ENOMEM,
                          "trend workspace: out of memory for %zu points",
                          max_n);
}

SILK_API void silk_trend_workspace_free(silk_trend_workspace *ws)
{
    if (!ws)
        return;
    free(ws->slope);
    free(ws->bucket);
    free(ws->pick);
    free(ws->count);
    free(ws->resid);
    free(ws->tcrit);
    free(ws);
}

/* ---------------------------------------------------------------- */
/* The pass over the pairs                                           */
/* ---------------------------------------------------------------- */

/* The bucket map b(d) = trunc(min(max(d * scale + shift, 0), top)):
 * monotone in d for scale > 0 whatever the rounding, as long as d *
 * scale + shift is never NaN (finite d, scale and shift). */
typedef struct bucket_map {
    double scale, shift, top;
} bucket_map;

typedef struct pair_sums {
    int64_t s;     /* MK S */
    uint64_t ties; /* sum_i 6 c_i (c_i + 2) */
    uint64_t tied; /* sum_i c_i */
} pair_sums;

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

#if defined(SILK_SSE2)
/* The product d * scale of a bucket kept apart from the add: GCC writes
 * _mm_mul_pd and _mm256_mul_pd as plain vector arithmetic, which
 * -ffp-contract=fast (GNU C's default; -std=c11 turns it off) fuses
 * with the add into an FMA wherever FMA is enabled (-march=native, say).
 * The empty asm makes the product an opaque value, so every slope of a
 * pass gets the bucket of the one map (a fused body and an unfused tail
 * would be two maps, not monotone together), on either path. */
#if defined(__GNUC__)
#define KEEP_PRODUCT(v) __asm__("" : "+x"(v))
#else
#define KEEP_PRODUCT(v) (void)0
#endif

/* One slope's bucket with the same SSE2 operations as the paired loop
 * (scalar _sd forms, which GCC never contracts: they are builtins). */
static inline uint32_t bucket_one(double d, const bucket_map *map)
{
    __m128d v = _mm_add_sd(_mm_mul_sd(_mm_set_sd(d), _mm_set_sd(map->scale)),
                           _mm_set_sd(map->shift));
    v = _mm_min_sd(_mm_max_sd(v, _mm_setzero_pd()), _mm_set_sd(map->top));
    return (uint32_t)_mm_cvttsd_si32(v);
}

/* Two pairs (i, j) and (i, j+1): slopes, S and tie counts, and with
 * with_count their buckets (returned as two 32-bit ids in 64 bits). */
typedef struct pass_regs {
    __m128d yi, ti, scale, shift, top, zero;
    __m128i up;    /* -(pairs with y_j > y_i), in 64-bit lanes */
    __m128i equal; /* -c_i (pairs with y_j == y_i), in 64-bit lanes */
} pass_regs;

static ALWAYS_INLINE __m128i two_pairs(pass_regs *r, const double *y,
                                       const double *t, double *slope,
                                       bool with_count)
{
    __m128d yj = _mm_loadu_pd(y), tj = _mm_loadu_pd(t);
    __m128d d = _mm_div_pd(_mm_sub_pd(yj, r->yi), _mm_sub_pd(tj, r->ti));
    _mm_storeu_pd(slope, d);
    /* compare masks are -1 (all ones) or 0 per lane; the pairs going
     * down are the others, so S = 2 up + equal - pairs */
    r->up = _mm_add_epi64(r->up, _mm_castpd_si128(_mm_cmpgt_pd(yj, r->yi)));
    r->equal = _mm_add_epi64(r->equal,
                             _mm_castpd_si128(_mm_cmpeq_pd(yj, r->yi)));
    if (!with_count)
        return _mm_setzero_si128();
    __m128d v = _mm_mul_pd(d, r->scale);
    KEEP_PRODUCT(v);
    v = _mm_min_pd(_mm_max_pd(_mm_add_pd(v, r->shift), r->zero), r->top);
    return _mm_cvttpd_epi32(v);
}

/* Slopes, S, the tie sums and (with_count) the bucket ids and their
 * histogram.  The histogram is kept in four copies, one per position in
 * a step of four pairs, so that runs of one id (ties, the two ends of
 * the range) do not make every increment wait for the previous one. */
static ALWAYS_INLINE void pair_pass_impl(const double *t, const double *y,
                                         size_t n, const bucket_map *map,
                                         double *slope, uint32_t *bucket,
                                         uint32_t *count, size_t nbuckets,
                                         pair_sums *sums, bool with_count)
{
    pass_regs r;
    uint32_t *h1 = count + nbuckets, *h2 = h1 + nbuckets, *h3 = h2 + nbuckets;
    int64_t s = 0;
    uint64_t ties = 0, tied = 0, body_equal = 0, body_pairs = 0;
    size_t k = 0;

    r.scale = _mm_set1_pd(map->scale);
    r.shift = _mm_set1_pd(map->shift);
    r.top = _mm_set1_pd(map->top);
    r.zero = _mm_setzero_pd();
    r.up = _mm_setzero_si128();
    for (size_t i = 0; i + 1 < n; i++) {
        r.yi = _mm_set1_pd(y[i]);
        r.ti = _mm_set1_pd(t[i]);
        r.equal = _mm_setzero_si128();
        size_t j = i + 1;
        for (; j + 4 <= n; j += 4, k += 4) {
            __m128i a = two_pairs(&r, y + j, t + j, slope + k, with_count);
            __m128i b = two_pairs(&r, y + j + 2, t + j + 2, slope + k + 2,
                                  with_count);
            if (with_count) {
                __m128i ab = _mm_unpacklo_epi64(a, b);
                _mm_storeu_si128((__m128i *)(void *)(bucket + k), ab);
                uint64_t lo = (uint64_t)_mm_cvtsi128_si64(ab);
                uint64_t hi =
                    (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(ab, ab));
                count[(uint32_t)lo]++;
                h1[lo >> 32]++;
                h2[(uint32_t)hi]++;
                h3[hi >> 32]++;
            }
        }
        if (j + 2 <= n) {
            __m128i a = two_pairs(&r, y + j, t + j, slope + k, with_count);
            if (with_count) {
                _mm_storel_epi64((__m128i *)(void *)(bucket + k), a);
                uint64_t lo = (uint64_t)_mm_cvtsi128_si64(a);
                count[(uint32_t)lo]++;
                h1[lo >> 32]++;
            }
            j += 2;
            k += 2;
        }
        int64_t lanes[2];
        _mm_storeu_si128((__m128i *)(void *)lanes, r.equal);
        uint64_t c = (uint64_t)(-(lanes[0] + lanes[1]));
        body_equal += c;
        body_pairs += j - (i + 1);
        if (j < n) {
            double yj = y[j];
            __m128d d = _mm_div_sd(_mm_sub_sd(_mm_set_sd(yj), r.yi),
                                   _mm_sub_sd(_mm_set_sd(t[j]), r.ti));
            slope[k] = _mm_cvtsd_f64(d);
            if (with_count) {
                bucket[k] = bucket_one(slope[k], map);
                h2[bucket[k]]++;
            }
            s += (yj > y[i]) - (yj < y[i]);
            c += yj == y[i];
            k++;
        }
        ties += 6 * c * (c + 2);
        tied += c;
    }
    int64_t lanes[2];
    _mm_storeu_si128((__m128i *)(void *)lanes, r.up);
    /* the tails were counted in s directly */
    uint64_t body_up = (uint64_t)(-(lanes[0] + lanes[1]));
    sums->s = s + 2 * (int64_t)body_up + (int64_t)body_equal -
              (int64_t)body_pairs;
    sums->ties = ties;
    sums->tied = tied;
}

#if defined(SILK_AVX2)
/* The same pass with AVX2: four pairs a step, and for the rest of a row
 * two_pairs (VEX-encoded here) and the scalar tail.  Every operation is
 * the SSE2 one on wider registers (vdivpd is IEEE division, the compares
 * are the ordered ones, max/min/cvtt the same instructions; no FMA is
 * enabled here and KEEP_PRODUCT holds the product apart), so slopes,
 * counts and buckets are the SSE2 path's bit for bit.
 *
 * Where the time goes (per pair, on a Sapphire Rapids Xeon): the
 * divider takes ~0.72 ns a double whether fed 2, 4 or 8 at a time, so no
 * width beats that, and the histogram costs ~0.45 ns of its own.  With
 * the increments right after the bucket of the same step (as in the
 * SSE2 loop) their addresses wait for the division, and the pass took
 * 1.1 to 5 ns a pair depending only on where y and t lie modulo 4 KiB
 * (memory-ordering stalls against the stores in flight, by the look of
 * it), in SSE2 and AVX2 alike.  Here a step counts the ids stored LAG
 * pairs earlier instead, whose addresses are long known: 1.05 to 1.9 ns,
 * ~1.3 at most offsets (the same lag in the SSE2 loop: 1.2 to 2.5).
 * The ids of the rows' tails and of the last LAG pairs are counted after
 * the loop, in the first copy. */
enum { LAG = 64 };

typedef struct pass_regs4 {
    __m256d yi, ti, scale, shift, top, zero;
    __m256i up;    /* -(pairs with y_j > y_i), in 64-bit lanes */
    __m256i equal; /* -c_i, in 64-bit lanes */
} pass_regs4;

AVX2_FN static ALWAYS_INLINE __m128i four_pairs(pass_regs4 *r,
                                                const double *y,
                                                const double *t,
                                                double *slope,
                                                bool with_count)
{
    __m256d yj = _mm256_loadu_pd(y), tj = _mm256_loadu_pd(t);
    __m256d d =
        _mm256_div_pd(_mm256_sub_pd(yj, r->yi), _mm256_sub_pd(tj, r->ti));
    _mm256_storeu_pd(slope, d);
    r->up = _mm256_add_epi64(
        r->up, _mm256_castpd_si256(_mm256_cmp_pd(yj, r->yi, _CMP_GT_OQ)));
    r->equal = _mm256_add_epi64(
        r->equal, _mm256_castpd_si256(_mm256_cmp_pd(yj, r->yi, _CMP_EQ_OQ)));
    if (!with_count)
        return _mm_setzero_si128();
    __m256d v = _mm256_mul_pd(d, r->scale);
    KEEP_PRODUCT(v);
    v = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(v, r->shift), r->zero),
                      r->top);
    return _mm256_cvttpd_epi32(v);
}

/* Sum of the four 64-bit lanes. */
AVX2_FN static ALWAYS_INLINE int64_t lane_sum(__m256i v)
{
    __m128i h = _mm_add_epi64(_mm256_castsi256_si128(v),
                              _mm256_extracti128_si256(v, 1));
    return _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1);
}

AVX2_FN static ALWAYS_INLINE void
pair_pass_avx2(const double *t, const double *y, size_t n,
               const bucket_map *map, double *slope, uint32_t *bucket,
               uint32_t *count, size_t nbuckets, pair_sums *sums,
               bool with_count)
{
    pass_regs4 r;
    pass_regs r2; /* for two_pairs: its own up and equal */
    uint32_t *h1 = count + nbuckets, *h2 = h1 + nbuckets, *h3 = h2 + nbuckets;
    int64_t s = 0;
    uint64_t ties = 0, tied = 0, body_equal = 0, body_pairs = 0;
    size_t k = 0, done = 0; /* pairs done; their histogram done */

    r.scale = _mm256_set1_pd(map->scale);
    r.shift = _mm256_set1_pd(map->shift);
    r.top = _mm256_set1_pd(map->top);
    r.zero = _mm256_setzero_pd();
    r.up = _mm256_setzero_si256();
    r2.scale = _mm_set1_pd(map->scale);
    r2.shift = _mm_set1_pd(map->shift);
    r2.top = _mm_set1_pd(map->top);
    r2.zero = _mm_setzero_pd();
    r2.up = _mm_setzero_si128();
    for (size_t i = 0; i + 1 < n; i++) {
        r.yi = _mm256_set1_pd(y[i]);
        r.ti = _mm256_set1_pd(t[i]);
        r.equal = _mm256_setzero_si256();
        size_t j = i + 1;
        for (; j + 4 <= n; j += 4, k += 4) {
            __m128i ids = four_pairs(&r, y + j, t + j, slope + k, with_count);
            if (with_count) {
                _mm_storeu_si128((__m128i *)(void *)(bucket + k), ids);
                if (done + LAG <= k) {
                    count[bucket[done]]++;
                    h1[bucket[done + 1]]++;
                    h2[bucket[done + 2]]++;
                    h3[bucket[done + 3]]++;
                    done += 4;
                }
            }
        }
        uint64_t c = (uint64_t)-lane_sum(r.equal);
        if (j + 2 <= n) {
            r2.yi = _mm256_castpd256_pd128(r.yi);
            r2.ti = _mm256_castpd256_pd128(r.ti);
            r2.equal = _mm_setzero_si128();
            __m128i a = two_pairs(&r2, y + j, t + j, slope + k, with_count);
            if (with_count)
                _mm_storel_epi64((__m128i *)(void *)(bucket + k), a);
            c += (uint64_t)-(_mm_cvtsi128_si64(r2.equal) +
                             _mm_extract_epi64(r2.equal, 1));
            j += 2;
            k += 2;
        }
        body_equal += c;
        body_pairs += j - (i + 1);
        if (j < n) {
            double yj = y[j];
            __m128d d = _mm_div_sd(
                _mm_sub_sd(_mm_set_sd(yj), _mm256_castpd256_pd128(r.yi)),
                _mm_sub_sd(_mm_set_sd(t[j]), _mm256_castpd256_pd128(r.ti)));
            slope[k] = _mm_cvtsd_f64(d);
            if (with_count)
                bucket[k] = bucket_one(slope[k], map);
            s += (yj > y[i]) - (yj < y[i]);
            c += yj == y[i];
            k++;
        }
        ties += 6 * c * (c + 2);
        tied += c;
    }
    if (with_count)
        for (; done < k; done++)
            count[bucket[done]]++;
    /* the tails were counted in s directly */
    uint64_t body_up = (uint64_t)-(lane_sum(r.up) +
                                   _mm_cvtsi128_si64(r2.up) +
                                   _mm_extract_epi64(r2.up, 1));
    sums->s = s + 2 * (int64_t)body_up + (int64_t)body_equal -
              (int64_t)body_pairs;
    sums->ties = ties;
    sums->tied = tied;
}

AVX2_FN static void pair_pass_counted_avx2(const double *t, const double *y,
                                           size_t n, const bucket_map *map,
                                           double *slope, uint32_t *bucket,
                                           uint32_t *count, size_t nbuckets,
                                           pair_sums *sums)
{
    pair_pass_avx2(t, y, n, map, slope, bucket, count, nbuckets, sums, true);
}

AVX2_FN static void pair_pass_plain_avx2(const double *t, const double *y,
                                         size_t n, double *slope,
                                         pair_sums *sums)
{
    bucket_map none = {0.0, 0.0, 0.0};
    pair_pass_avx2(t, y, n, &none, slope, NULL, NULL, 0, sums, false);
}
#endif /* SILK_AVX2 */
#else
static inline uint32_t bucket_one(double d, const bucket_map *map)
{
    double v = d * map->scale;
    v = v + map->shift;
    v = v > 0.0 ? v : 0.0;
    v = v < map->top ? v : map->top;
    return (uint32_t)v;
}

static ALWAYS_INLINE void pair_pass_impl(const double *t, const double *y,
                                         size_t n, const bucket_map *map,
                                         double *slope, uint32_t *bucket,
                                         uint32_t *count, size_t nbuckets,
                                         pair_sums *sums, bool with_count)
{
    int64_t s = 0;
    uint64_t ties = 0, tied = 0;
    size_t k = 0;

    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t c = 0;
        for (size_t j = i + 1; j < n; j++, k++) {
            slope[k] = (y[j] - y[i]) / (t[j] - t[i]);
            if (with_count) {
                bucket[k] = bucket_one(slope[k], map);
                count[(k & 3) * nbuckets + bucket[k]]++;
            }
            s += (y[j] > y[i]) - (y[j] < y[i]);
            c += y[j] == y[i];
        }
        ties += 6 * c * (c + 2);
        tied += c;
    }
    sums->s = s;
    sums->ties = ties;
    sums->tied = tied;
}
#endif

/* The two specialisations: with the histogram (a plan exists) or not.
 * The four histogram copies are left apart: slope_ranks adds them up
 * only as far as it needs. */
static void pair_pass_counted(const double *t, const double *y, size_t n,
                              const bucket_map *map, double *slope,
                              uint32_t *bucket, uint32_t *count,
                              size_t nbuckets, pair_sums *sums, bool avx2)
{
    memset(count, 0, 4 * nbuckets * sizeof *count);
#if defined(SILK_AVX2)
    if (avx2) {
        pair_pass_counted_avx2(t, y, n, map, slope, bucket, count, nbuckets,
                               sums);
        return;
    }
#endif
    (void)avx2;
    pair_pass_impl(t, y, n, map, slope, bucket, count, nbuckets, sums, true);
}

static void pair_pass_plain(const double *t, const double *y, size_t n,
                            double *slope, pair_sums *sums, bool avx2)
{
#if defined(SILK_AVX2)
    if (avx2) {
        pair_pass_plain_avx2(t, y, n, slope, sums);
        return;
    }
#endif
    (void)avx2;
    bucket_map none = {0.0, 0.0, 0.0};
    pair_pass_impl(t, y, n, &none, slope, NULL, NULL, 0, sums, false);
}

/* ---------------------------------------------------------------- */
/* Order statistics                                                  */
/* ---------------------------------------------------------------- */

/* out[i] = the rank[i]-th smallest (0-based) of a[0..n), rank ascending
 * (repeats allowed), m <= 4.  Selects the middle wanted rank k, then
 * the smaller ranks in a[0..k) and the larger ones in a(k..n): GSL's
 * quickselect leaves a partitioned around k.  The smallest or largest
 * value (the second middle of an even count, often) is a plain scan. */
static void multi_select(double *a, size_t n, const size_t *rank, size_t m,
                         double *out)
{
    if (m == 0)
        return;
    size_t mid = m / 2, k = rank[mid];
    double v;
    if (k == 0 || k == n - 1) {
        size_t at = 0;
        for (size_t i = 1; i < n; i++)
            if (k == 0 ? a[i] < a[at] : a[i] > a[at])
                at = i;
        v = a[at];
        a[at] = a[k];
        a[k] = v;
    } else {
        v = gsl_stats_select(a, 1, n, k);
    }
    size_t lo = mid, hi = mid + 1;
    while (lo > 0 && rank[lo - 1] == k)
        lo--;
    while (hi < m && rank[hi] == k)
        hi++;
    for (size_t i = lo; i < hi; i++)
        out[i] = v;
    multi_select(a, k, rank, lo, out);
    size_t right[4];
    for (size_t i = hi; i < m; i++)
        right[i - hi] = rank[i] - (k + 1);
    multi_select(a + k + 1, n - k - 1, right, m - hi, out + hi);
}

/* The k-th smallest (0-based) of src[0..n), src unchanged, for the
 * intercept's median of n residuals: a quickselect that partitions out
 * of place, into a and b by turns, around a median-of-three pivot.  Each
 * value is written at both ends of the output and the end it belongs to
 * advances (below the pivot, above it; equal ones are counted by what
 * is left between), so there is no branch on the data to mispredict.
 * The pivot is one of the values, so every round removes at least one. */
static double select_copy(const double *src, size_t n, size_t k, double *a,
                          double *b)
{
    const double *cur = src;
    double *buf[2] = {a, b};
    for (int turn = 0;; turn ^= 1) {
        if (n == 1)
            return cur[0];
        double x0 = cur[0], x1 = cur[n / 2], x2 = cur[n - 1];
        double lo01 = x0 < x1 ? x0 : x1, hi01 = x0 < x1 ? x1 : x0;
        double p = hi01 < x2 ? hi01 : x2;
        p = lo01 > p ? lo01 : p;
        double *out = buf[turn];
        size_t below = 0, above = n; /* out[0..below) < p, out[above..n) > p */
        for (size_t i = 0; i < n; i++) {
            double x = cur[i];
            out[below] = x;
            out[above - 1] = x;
            below += x < p;
            above -= x > p;
        }
        if (k < below) {
            n = below;
            cur = out;
        } else if (k < above) {
            return p;
        } else {
            k -= above;
            n -= above;
            cur = out + above;
        }
    }
}

/* A monotone bucket map over the bulk of the slopes: the range of 16 or
 * 32 slopes at evenly spaced pair numbers, without the two smallest and
 * largest (so a few outlying slopes do not stretch it), in as many
 * buckets as pairs (at most BUCKETS_MAX).  The wanted ranks sit near the middle, far inside
 * it.  The pair positions depend on n only and are kept in the
 * workspace.  Returns false when no usable map exists (then all slopes
 * are searched). */
static bool plan_buckets(silk_trend_workspace *ws, const double *t,
                         const double *y, size_t n, size_t npairs,
                         bucket_map *map, size_t *nbuckets)
{
    size_t ns = sample_size(npairs);
    if (ws->sample_n != n) {
        /* Pair numbers q * step + step / 2, walked to their (i, j). */
        size_t step = npairs / ns, i = 0, row_start = 0;
        for (size_t q = 0; q < ns; q++) {
            size_t k = q * step + step / 2;
            while (k >= row_start + (n - 1 - i)) {
                row_start += n - 1 - i;
                i++;
            }
            ws->sample_i[q] = (uint32_t)i;
            ws->sample_j[q] = (uint32_t)(i + 1 + (k - row_start));
        }
        ws->sample_n = n;
    }
    /* The three smallest and three largest sampled slopes, kept with
     * min and max (no branches to mispredict). */
    double lo1 = INFINITY, lo2 = INFINITY, lo3 = INFINITY;
    double hi1 = -INFINITY, hi2 = -INFINITY, hi3 = -INFINITY;
    for (size_t q = 0; q < ns; q++) {
        size_t i = ws->sample_i[q], j = ws->sample_j[q];
        double d = (y[j] - y[i]) / (t[j] - t[i]), x = d, a;
        a = x < lo1 ? x : lo1;
        x = x < lo1 ? lo1 : x;
        lo1 = a;
        a = x < lo2 ? x : lo2;
        x = x < lo2 ? lo2 : x;
        lo2 = a;
        lo3 = x < lo3 ? x : lo3;
        x = d;
        a = x > hi1 ? x : hi1;
        x = x > hi1 ? hi1 : x;
        hi1 = a;
        a = x > hi2 ? x : hi2;
        x = x > hi2 ? hi2 : x;
        hi2 = a;
        hi3 = x > hi3 ? x : hi3;
    }
    double lo = lo3, hi = hi3;
    if (!(hi > lo)) {
        /* Mostly one value (ties): widen to the extreme sampled values,
         * or a narrow band, so that value gets a bucket alone. */
        double w = lo != 0.0 ? fabs(lo) * 1e-9 : 1e-300;
        lo = lo1 < lo ? lo1 : lo - w;
        hi = hi1 > hi ? hi1 : hi + w;
    }

    size_t k = npairs;
    if (k > BUCKETS_MAX)
        k = BUCKETS_MAX;
    double scale = (double)k / (hi - lo);
    double shift = 1.0 - lo * scale;
    if (!(scale > 0.0) || !isfinite(scale) || !isfinite(shift))
        return false;
    map->scale = scale;
    map->shift = shift;
    map->top = (double)(k + 1);
    *nbuckets = k + 2; /* 0 below the range, 1..k, k+1 above */
    return true;
}

/* True when every slope in bucket `id` equals the first one found. */
static bool bucket_single(const double *slope, const uint32_t *bucket,
                          size_t npairs, uint32_t id, double *value)
{
    size_t k = 0;
    while (bucket[k] != id)
        k++;
    double v = slope[k];
#if defined(SILK_SSE2)
    /* differ |= (bucket == id) & (slope != v), four ids at a time */
    const __m128i want = _mm_set1_epi32((int)id);
    const __m128d val = _mm_set1_pd(v);
    __m128d differ = _mm_setzero_pd();
    for (; k + 4 <= npairs; k += 4) {
        __m128i hit = _mm_cmpeq_epi32(
            _mm_loadu_si128((const __m128i *)(const void *)(bucket + k)),
            want);
        __m128d h01 = _mm_castsi128_pd(_mm_unpacklo_epi32(hit, hit));
        __m128d h23 = _mm_castsi128_pd(_mm_unpackhi_epi32(hit, hit));
        differ = _mm_or_pd(
            differ,
            _mm_or_pd(
                _mm_and_pd(h01, _mm_cmpneq_pd(_mm_loadu_pd(slope + k), val)),
                _mm_and_pd(h23,
                           _mm_cmpneq_pd(_mm_loadu_pd(slope + k + 2), val))));
    }
    if (_mm_movemask_pd(differ))
        return false;
#endif
    for (; k < npairs; k++)
        if (bucket[k] == id && slope[k] != v)
            return false;
    *value = v;
    return true;
}

/* Copies the slopes whose bucket is one of id[0..nb) into pick, in pair
 * order, and returns how many (expect: how many there are).  Writes are
 * unconditional and the count advances by the match bit, so crowded
 * buckets cost no mispredicted branches.  pick needs one spare slot. */
static size_t collect(const double *slope, const uint32_t *bucket,
                      size_t npairs, const uint32_t *id, size_t nb,
                      size_t expect, double *pick)
{
    size_t m = 0, k = 0;
    (void)expect; /* only the SSE2 loop uses it */
#if defined(SILK_SSE2)
    /* Skipping steps without a match pays while matches are rare; with
     * one step in four or more matching, the skip branch mispredicts. */
    bool sparse = expect * 16 < npairs;
    __m128i want[4];
    for (size_t q = 0; q < 4; q++)
        want[q] = _mm_set1_epi32((int)id[q < nb ? q : nb - 1]);
    for (; k + 4 <= npairs; k += 4) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)
                                        (bucket + k));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi32(b, want[0]),
                         _mm_cmpeq_epi32(b, want[1])),
            _mm_or_si128(_mm_cmpeq_epi32(b, want[2]),
                         _mm_cmpeq_epi32(b, want[3])));
        unsigned bits = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(hit));
        if (sparse && !bits)
            continue;
        pick[m] = slope[k];
        m += bits & 1;
        pick[m] = slope[k + 1];
        m += (bits >> 1) & 1;
        pick[m] = slope[k + 2];
        m += (bits >> 2) & 1;
        pick[m] = slope[k + 3];
        m += bits >> 3;
    }
#endif
    for (; k < npairs; k++) {
        bool hit = false;
        for (size_t q = 0; q < nb; q++)
            hit |= bucket[k] == id[q];
        pick[m] = slope[k];
        m += hit;
    }
    return m;
}

/* The order statistics rank[0..m) (ascending, m <= 4) of the slopes
 * from the histograms of a plan: find each rank's bucket, answer a
 * bucket of one value (ties) directly, collect the others together and
 * select in them (the buckets are ordered by value, so a rank within
 * bucket q is a rank in the union once the counts of the wanted buckets
 * before q are added).  tied = the number of pairs with y_j == y_i, i.e.
 * of zero slopes: when the bucket of 0 holds exactly that many, it holds
 * only zeros. */
static void slope_ranks(silk_trend_workspace *ws, size_t npairs,
                        const size_t *rank, size_t m, const bucket_map *map,
                        size_t nbuckets, uint64_t tied, double *out)
{
    const uint32_t *h = ws->count;
    uint32_t which[4];
    size_t below[4], size[4], w = 0, cum = 0;
    const uint32_t *h1 = h + nbuckets, *h2 = h1 + nbuckets,
                   *h3 = h2 + nbuckets;
    for (uint32_t b = 0; b < nbuckets && w < m;) {
#if defined(SILK_SSE2)
        /* A whole step of four buckets while the next wanted rank lies
         * beyond it (counts fit 32 bits: npairs < 2^32). */
        if (b + 4 <= nbuckets) {
            __m128i c = _mm_add_epi32(
                _mm_add_epi32(
                    _mm_loadu_si128((const __m128i *)(const void *)(h + b)),
                    _mm_loadu_si128((const __m128i *)(const void *)(h1 + b))),
                _mm_add_epi32(
                    _mm_loadu_si128((const __m128i *)(const void *)(h2 + b)),
                    _mm_loadu_si128(
                        (const __m128i *)(const void *)(h3 + b))));
            c = _mm_add_epi32(c, _mm_shuffle_epi32(c, 0x4e));
            c = _mm_add_epi32(c, _mm_shuffle_epi32(c, 0xb1));
            size_t four = (uint32_t)_mm_cvtsi128_si32(c);
            if (rank[w] >= cum + four) {
                cum += four;
                b += 4;
                continue;
            }
        }
#endif
        size_t c = (size_t)h[b] + h1[b] + h2[b] + h3[b];
        while (w < m && rank[w] < cum + c) {
            which[w] = b;
            below[w] = cum;
            size[w] = c;
            w++;
        }
        cum += c;
        b++;
    }

    uint32_t zero_id = bucket_one(0.0, map);
    uint32_t id[4];
    size_t local[4], slot[4], nb = 0, nlocal = 0, before = 0;
    for (size_t r = 0; r < m; r++) {
        if (nb > 0 && id[nb - 1] == which[r]) {
            slot[nlocal] = r;
            local[nlocal++] = rank[r] - below[r] + before - size[r];
            continue;
        }
        size_t c = size[r];
        double v = 0.0;
        bool single = which[r] == zero_id && c == tied;
        if (!single && c > 64 && c > npairs / 64)
            single = bucket_single(ws->slope, ws->bucket, npairs, which[r],
                                   &v);
        if (single) {
            size_t e = r;
            while (e < m && which[e] == which[r])
                out[e++] = v;
            r = e - 1;
            continue;
        }
        id[nb++] = which[r];
        slot[nlocal] = r;
        local[nlocal++] = rank[r] - below[r] + before;
        before += c;
    }
    if (nb == 0)
        return;
    size_t got =
        collect(ws->slope, ws->bucket, npairs, id, nb, before, ws->pick);
    double v[4];
    multi_select(ws->pick, got, local, nlocal, v);
    for (size_t q = 0; q < nlocal; q++)
        out[slot[q]] = v[q];
}

/* ---------------------------------------------------------------- */
/* The entry point                                                   */
/* ---------------------------------------------------------------- */

SILK_API int silk_trend_all(silk_trend_workspace *ws, const double *t,
                            const double *y, size_t n, double alpha,
                            silk_ols *ols, silk_mk *mk, silk_sen *sen,
                            silk_error *err)
{
    int rc;

    silk_gsl_init();
    if (n < 3)
        return silk_error_set(err, SILK_ETOOFEW,
                              "trend needs at least 3 points, got %zu", n);
    if (!ws || !t || !y)
        return silk_error_set(err, SILK_EINVAL,
                              "trend: ws, t and y must not be null");
    if (n > ws->max_n)
        return silk_error_set(err, SILK_EINVAL,
                              "trend: %zu points exceed the workspace's "
                              "%zu",
                              n, ws->max_n);
    if (!(alpha > 0.0 && alpha < 1.0))
        return silk_error_set(err, SILK_EINVAL,
                              "trend: alpha is %g, expected a number "
                              "between 0 and 1 (exclusive)",
                              alpha);
    if ((rc = silk_stats_finite("trend", "t", t, n, err)) ||
        (rc = silk_stats_finite("trend", "y", y, n, err)) ||
        (rc = silk_stats_increasing("trend", t, n, err)))
        return rc;

    silk_gsl_clear();
    silk_ols r_ols = {0};
    if (ols) {
        if (isnan(ws->tcrit[n]))
            ws->tcrit[n] = silk_stats_ols_tcrit(n);
        if ((rc = silk_stats_ols_fit("ols trend", t, y, n, ws->tcrit[n],
                                     &r_ols, err)))
            return rc;
    }
    if (!mk && !sen) {
        if ((rc = silk_gsl_check(GSL_SUCCESS, err, "trend")))
            return rc;
        if (ols)
            *ols = r_ols;
        return SILK_OK;
    }

    /* Every |slope| <= 2 max|y| / min(t_{i+1} - t_i) by monotone rounding:
     * when that bound is finite no slope overflows (the bucket map needs
     * finite slopes). */
    size_t npairs = n * (n - 1) / 2;
    double ymax = 0.0, dtmin = INFINITY;
    for (size_t i = 0; i < n; i++)
        ymax = fabs(y[i]) > ymax ? fabs(y[i]) : ymax;
    for (size_t i = 1; i < n; i++)
        dtmin = t[i] - t[i - 1] < dtmin ? t[i] - t[i - 1] : dtmin;
    bool bounded = isfinite(2.0 * ymax / dtmin);

    bucket_map map;
    size_t nbuckets = 0;
    bool planned = sen && npairs > SMALL && bounded &&
                   plan_buckets(ws, t, y, n, npairs, &map, &nbuckets);
    pair_sums sums;
    if (planned)
        pair_pass_counted(t, y, n, &map, ws->slope, ws->bucket, ws->count,
                          nbuckets, &sums, ws->avx2);
    else
        pair_pass_plain(t, y, n, ws->slope, &sums, ws->avx2);

    double ties = (double)sums.ties, tied = (double)sums.tied;
    double var_s = silk_stats_mk_var(n, ties);
    silk_mk r_mk;
    silk_stats_mk_finish(n, (double)sums.s, var_s, tied, &r_mk);

    silk_sen r_sen = {.n = n};
    if (sen) {
        if (!bounded) {
            /* The same message and pair as silk_trend_sen. */
            size_t k = 0;
            for (size_t i = 0; i + 1 < n; i++)
                for (size_t j = i + 1; j < n; j++, k++)
                    if (!isfinite(ws->slope[k]))
                        return silk_error_set(
                            err, SILK_ENUMERIC,
                            "sen slope: the slope between t = %g and t = "
                            "%g overflows",
                            t[i], t[j]);
        }
        if (!(alpha == ws->alpha)) {
            ws->zq = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0);
            ws->alpha = alpha;
        }
        size_t lo, hi;
        silk_stats_sen_ranks(npairs, var_s, ws->zq, &lo, &hi);
        size_t rank[4] = {lo - 1, (npairs - 1) / 2, npairs / 2, hi - 1};
        double v[4];
        if (planned)
            slope_ranks(ws, npairs, rank, 4, &map, nbuckets, sums.tied, v);
        else
            multi_select(ws->slope, npairs, rank, 4, v);
        r_sen.slope = silk_stats_median_pair(v[1], v[2], npairs);
        r_sen.lo = v[0] + 0.0;
        r_sen.hi = v[3] + 0.0;

        /* The slopes are no longer needed: their arrays are scratch. */
        double *e = ws->resid;
        for (size_t i = 0; i < n; i++)
            e[i] = y[i] - r_sen.slope * t[i];
        double lower = select_copy(e, n, (n - 1) / 2, ws->slope, ws->pick);
        double upper = lower;
        if (n % 2 == 0) {
            /* the next value up: lower again if it occurs twice or more
             * at and below the middle, else the least value above it */
            size_t le = 0;
            double above = INFINITY;
            for (size_t i = 0; i < n; i++) {
                le += e[i] <= lower;
                above = e[i] > lower && e[i] < above ? e[i] : above;
            }
            upper = le > n / 2 ? lower : above;
        }
        r_sen.intercept = silk_stats_median_pair(lower, upper, n);
        if (!isfinite(r_sen.intercept))
            return silk_error_set(err, SILK_ENUMERIC,
                                  "sen slope: the intercept is not finite "
                                  "(values too large)");
    }
    if ((rc = silk_gsl_check(GSL_SUCCESS, err, "trend")))
        return rc;
    if (ols)
        *ols = r_ols;
    if (mk)
        *mk = r_mk;
    if (sen)
        *sen = r_sen;
    return SILK_OK;
}
