/*
 * memory.c: silk_grow, shared by every module that appends to an array
 * (batches, the country table, the problem collector), and the huge-page
 * advice for the largest arrays (cubes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "core/memory.h"
#include "silkstat.h"

int silk_grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return SILK_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return SILK_ENOMEM;
        n *= 2;
    }
    if (size != 0 && n > SIZE_MAX / size)
        return SILK_ENOMEM;
    void *p = realloc(*array, n * size);
    if (p == NULL)
        return SILK_ENOMEM;
    *array = p;
    *cap = n;
    return SILK_OK;
}

void silk_advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + size) & ~(huge - 1);
    if (p != NULL && end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}
