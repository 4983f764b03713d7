/*
 * memory.h: the one growth rule for the library's arrays (internal: not in
 * the public header).
 */
#ifndef SILK_CORE_MEMORY_H
#define SILK_CORE_MEMORY_H

#include <stddef.h>

/* Makes *array (of *cap elements of size bytes) hold at least need
 * elements, doubling from 16; *array and *cap change only on success.
 * Returns SILK_OK or SILK_ENOMEM (also when the size would overflow). */
int silk_grow(void **array, size_t *cap, size_t need, size_t size);

#endif
