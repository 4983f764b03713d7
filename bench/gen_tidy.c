/*
 * gen_tidy.c: a seeded generator of synthetic tidy CSV for the benchmarks.
 *
 *     gen_tidy [--compact] ROWS SEED > file.csv
 *
 * Writes the header and exactly ROWS data rows in silkstat's tidy format
 * (indicator,origin,destination,period,value,flag,unit,source).  With
 * --compact the optional unit and source columns are left empty (the tidy
 * format allows it: see src/ingest/tidy.c): about 36 bytes a row instead
 * of 70, close to the file issue 3's figures were measured on (392 MB for
 * 10M rows).  The values are the same either way.  The output
 * depends only on ROWS and SEED: the PRNG is our own splitmix64 and the
 * arithmetic avoids anything libm may round differently (no exp/log/sqrt in
 * the value path: see draw_normal and the integer log-normal table below),
 * so the file is byte-identical on every machine.
 *
 * Shape (close to the UNHCR tables): 200 real ISO 3166 alpha-3 codes as
 * origins and destinations; annual indicators (refugees, asylum_seekers,
 * returns; periods 1990-2025) and a monthly one (arrivals_monthly,
 * 2015-01..2025-12).  A series is one (indicator, origin, destination), all
 * its periods written consecutively, starting in a random period and running
 * to the last one.  Each (origin, destination) pair occurs at most once per
 * indicator, so no key repeats.  Values are log-normal-ish counts with a
 * per-series trend and noise; about 3% are empty (missing) and about 2%
 * carry a flag (p or e).  The indicators are interleaved round-robin, so any
 * ROWS gives all of them; if ROWS exceeds what the four can hold (about
 * 9.6 million rows), four more indicators join (resettlement, oip,
 * stateless, departures_monthly: about 19 million rows in all).  The last
 * series is cut short to give exactly ROWS rows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const codes[] = {
    "AFG", "ALB", "DZA", "AGO", "ARG", "ARM", "AUS", "AUT", "AZE", "BHR",
    "BGD", "BLR", "BEL", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN",
    "BGR", "BFA", "BDI", "KHM", "CMR", "CAN", "CPV", "CAF", "TCD", "CHL",
    "CHN", "COL", "COM", "COG", "COD", "CRI", "CIV", "HRV", "CUB", "CYP",
    "CZE", "DNK", "DJI", "DOM", "ECU", "EGY", "SLV", "GNQ", "ERI", "EST",
    "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU", "GHA",
    "GRC", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND",
    "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM", "JPN", "JOR", "KAZ",
    "KEN", "KIR", "PRK", "KOR", "KWT", "KGZ", "LAO", "LVA", "LBN", "LSO",
    "LBR", "LBY", "LIE", "LTU", "LUX", "MDG", "MWI", "MYS", "MDV", "MLI",
    "MLT", "MHL", "MRT", "MUS", "MEX", "FSM", "MDA", "MCO", "MNG", "MNE",
    "MAR", "MOZ", "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER",
    "NGA", "MKD", "NOR", "OMN", "PAK", "PLW", "PAN", "PNG", "PRY", "PER",
    "PHL", "POL", "PRT", "QAT", "ROU", "RUS", "RWA", "KNA", "LCA", "VCT",
    "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC", "SLE", "SGP", "SVK",
    "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE",
    "CHE", "SYR", "TJK", "TZA", "THA", "TLS", "TGO", "TON", "TTO", "TUN",
    "TUR", "TKM", "TUV", "UGA", "UKR", "ARE", "GBR", "USA", "URY", "UZB",
    "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE", "PSE", "XKX", "HKG", "MAC",
    "PRI", "CUW", "ABW", "GRL", "NCL", "PYF", "REU", "UNK", "XXA", "TIB",
};
#define N_CODES (sizeof codes / sizeof codes[0])
/* Every (origin, destination) pair but a country with itself, which no
 * refugee or asylum indicator has (ingest warns about it). */
#define N_PAIRS (N_CODES * (N_CODES - 1))

typedef struct indicator {
    const char *name;
    int monthly;    /* periods YYYY-MM from 2015-01, else YYYY from 1990 */
    int n_period;   /* 36 annual, 132 monthly */
    uint32_t *pair; /* a seeded permutation of the N_PAIRS pairs */
    size_t next;    /* next unused entry of pair */
} indicator;

static indicator indicators[] = {
    {"refugees", 0, 36, NULL, 0},
    {"asylum_seekers", 0, 36, NULL, 0},
    {"returns", 0, 36, NULL, 0},
    {"arrivals_monthly", 1, 132, NULL, 0},
    {"resettlement", 0, 36, NULL, 0},
    {"oip", 0, 36, NULL, 0},
    {"stateless", 0, 36, NULL, 0},
    {"departures_monthly", 1, 132, NULL, 0},
};
#define N_BASIC 4
#define N_ALL (sizeof indicators / sizeof indicators[0])

/* splitmix64 (Steele, Lea and Flood 2014; Vigna's public-domain code). */
static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, bound); the modulo bias is below 2^-40 for our bounds. */
static uint64_t below(uint64_t bound)
{
    return next_u64() % bound;
}

/* Uniform double in [0, 1) from 53 random bits (exact arithmetic). */
static double unit(void)
{
    return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0);
}

/* Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin-Hall).
 * Only additions, so every machine with IEEE doubles gets the same bits. */
static double draw_normal(void)
{
    double sum = 0.0;
    for (int i = 0; i < 12; i++)
        sum += unit();
    return sum - 6.0;
}

/* exp(x) for |x| <= 40 by range reduction and a fixed Taylor polynomial:
 * plain + and * in a fixed order, so it is reproducible (libm's exp is
 * allowed to differ in the last bit between implementations). */
static double exp_fixed(double x)
{
    int k = 0;
    while (x > 0.5) {
        x -= 0.6931471805599453;
        k++;
    }
    while (x < -0.5) {
        x += 0.6931471805599453;
        k--;
    }
    double term = 1.0, sum = 1.0;
    for (int i = 1; i <= 16; i++) {
        term = term * x / i;
        sum += term;
    }
    while (k > 0) {
        sum *= 2.0;
        k--;
    }
    while (k < 0) {
        sum *= 0.5;
        k++;
    }
    return sum;
}

/* Output buffering: rows are formatted by hand into one large buffer. */
static char out_buf[1 << 20];
static size_t out_used;

static void flush_out(void)
{
    if (out_used > 0 && fwrite(out_buf, 1, out_used, stdout) != out_used) {
        fprintf(stderr, "gen_tidy: write error: %s\n", strerror(errno));
        exit(1);
    }
    out_used = 0;
}

static void put_str(const char *s)
{
    size_t len = strlen(s);
    if (out_used + len > sizeof out_buf)
        flush_out();
    memcpy(out_buf + out_used, s, len);
    out_used += len;
}

static void put_char(char c)
{
    if (out_used + 1 > sizeof out_buf)
        flush_out();
    out_buf[out_used++] = c;
}

static void put_uint(uint64_t v, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n < width)
        digits[n++] = '0';
    while (n > 0)
        put_char(digits[--n]);
}

static uint64_t parse_count(const char *text, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
        fprintf(stderr, "gen_tidy: %s: expected a non-negative integer, got '%s'\n",
                what, text);
        exit(2);
    }
    return (uint64_t)v;
}

/* Writes one series of at most `limit` rows; returns the rows written. */
static uint64_t write_series(const indicator *ind, uint32_t pair, uint64_t limit,
                             const char *tail)
{
    const char *origin = codes[pair / N_CODES];
    const char *destination = codes[pair % N_CODES];
    /* Half the series cover every period, the rest start later. */
    int start = below(2) == 0 ? 0 : (int)below((uint64_t)ind->n_period - 3);
    /* Level: log-normal, median around e^6 ~ 400, a long right tail. */
    double log_level = 6.0 + 2.0 * draw_normal();
    if (log_level > 15.0)
        log_level = 15.0;
    /* Trend in log units per year (or per month / 12) and noise scale. */
    double slope = 0.08 * draw_normal() / (ind->monthly ? 12.0 : 1.0);
    double noise = 0.1 + 0.3 * unit();
    double seasonal = ind->monthly ? 0.3 * unit() : 0.0;
    uint64_t written = 0;

    for (int p = start; p < ind->n_period && written < limit; p++, written++) {
        double x = log_level + slope * (p - start) + noise * draw_normal();
        if (ind->monthly) {
            /* A crude summer peak: +seasonal in months 6-9. */
            int month = p % 12;
            if (month >= 5 && month <= 8)
                x += seasonal;
        }
        if (x > 40.0)
            x = 40.0;
        if (x < -40.0)
            x = -40.0;
        uint64_t r = below(1000);
        put_str(ind->name);
        put_char(',');
        put_str(origin);
        put_char(',');
        put_str(destination);
        put_char(',');
        if (ind->monthly) {
            put_uint((uint64_t)(2015 + p / 12), 4);
            put_char('-');
            put_uint((uint64_t)(p % 12 + 1), 2);
        } else {
            put_uint((uint64_t)(1990 + p), 4);
        }
        put_char(',');
        if (r >= 30) /* 3% empty: missing */
            put_uint((uint64_t)(exp_fixed(x) + 0.5), 1);
        put_char(',');
        if (r >= 30 && r < 50) /* 2% flagged */
            put_char(r < 40 ? 'p' : 'e');
        put_str(tail);
    }
    return written;
}

int main(int argc, char **argv)
{
    int compact = argc > 1 && strcmp(argv[1], "--compact") == 0;
    if (argc != 3 + compact) {
        fprintf(stderr, "usage: gen_tidy [--compact] ROWS SEED > file.csv\n");
        return 2;
    }
    uint64_t rows = parse_count(argv[1 + compact], "ROWS");
    uint64_t seed = parse_count(argv[2 + compact], "SEED");
    char tail[128];
    if (compact)
        snprintf(tail, sizeof tail, ",,\n");
    else
        snprintf(tail, sizeof tail,
                 ",persons,synthetic (gen_tidy seed %" PRIu64 ")\n", seed);

    uint64_t capacity = 0;
    size_t n_active = N_BASIC;
    for (size_t i = 0; i < N_ALL; i++) {
        capacity += (uint64_t)N_PAIRS * (uint64_t)indicators[i].n_period;
        if (i + 1 == N_BASIC && rows > capacity * 2 / 3)
            n_active = N_ALL; /* series start late: use ~2/3 of capacity */
    }
    if (rows > capacity * 2 / 3) {
        fprintf(stderr, "gen_tidy: at most %" PRIu64 " rows, got %" PRIu64 "\n",
                capacity * 2 / 3, rows);
        return 2;
    }

    rng_state = seed;
    for (size_t i = 0; i < n_active; i++) {
        indicator *ind = &indicators[i];
        ind->pair = malloc(N_PAIRS * sizeof *ind->pair);
        if (ind->pair == NULL) {
            fprintf(stderr, "gen_tidy: out of memory\n");
            return 1;
        }
        for (uint32_t k = 0; k < N_PAIRS; k++) {
            uint32_t origin = k / (N_CODES - 1), destination = k % (N_CODES - 1);
            if (destination >= origin)
                destination++; /* skip the diagonal */
            ind->pair[k] = origin * N_CODES + destination;
        }
        for (uint32_t k = N_PAIRS - 1; k > 0; k--) { /* Fisher-Yates */
            uint32_t j = (uint32_t)below((uint64_t)k + 1);
            uint32_t t = ind->pair[k];
            ind->pair[k] = ind->pair[j];
            ind->pair[j] = t;
        }
    }

    put_str("indicator,origin,destination,period,value,flag,unit,source\n");
    uint64_t done = 0;
    size_t turn = 0, exhausted = 0;
    while (done < rows) {
        indicator *ind = &indicators[turn % n_active];
        turn++;
        if (ind->next == N_PAIRS) {
            /* Cannot happen below the capacity check; guard anyway. */
            if (++exhausted > n_active) {
                fprintf(stderr, "gen_tidy: ran out of series\n");
                return 1;
            }
            continue;
        }
        exhausted = 0;
        done += write_series(ind, ind->pair[ind->next++], rows - done, tail);
    }
    flush_out();
    for (size_t i = 0; i < n_active; i++)
        free(indicators[i].pair);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gen_tidy: write error\n");
        return 1;
    }
    return 0;
}
