/*
 * adler32.h: the Adler-32 checksum of RFC 1950 (internal: not in
 * silkstat.h), for the zlib streams chunks_h5.c writes.
 *
 * zlib 1.2.13 sums a byte at a time; on the store's chunks that was an
 * eighth of deflate's time.  This one sums 32 bytes at a time with AVX2
 * when the CPU has it, and is zlib's adler32() otherwise: the same value
 * either way.
 */
#ifndef SILK_STORE_ADLER32_H
#define SILK_STORE_ADLER32_H

#include <stddef.h>
#include <stdint.h>

/* adler32(adler, data, n) as zlib computes it; start with adler = 1. */
uint32_t store_adler32(uint32_t adler, const unsigned char *data, size_t n);

/* Whether store_adler32 uses its AVX2 path (for tests). */
int store_adler32_simd(void);

#endif
