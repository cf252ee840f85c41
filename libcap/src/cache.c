/*
 * Data cache maintenance (cap/cache.h).
 */
#include <stdint.h>

#include <cap/cache.h>

void cv_dcache_clean(const void *p, size_t len)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uintptr_t line = 4u << ((ctr >> 16) & 0xfu); /* DminLine: log2 of words */
    uintptr_t a = (uintptr_t)p & ~(line - 1), end = (uintptr_t)p + len;
    for (; a < end; a += line)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    __asm__ volatile("dsb sy" ::: "memory");
}
