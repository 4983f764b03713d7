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

/* Advises the kernel to back the whole 2 MiB pages inside [p, p + size)
 * with huge pages (Linux transparent huge pages, which Debian enables on
 * request): a large array not yet touched is then faulted in 2 MiB at a
 * time, 50 faults for 100 MB where 4 KiB pages take 25,600.  Advice
 * only: it changes no content, and a kernel that refuses it changes
 * nothing. */
void silk_advise_huge(void *p, size_t size);

#endif
