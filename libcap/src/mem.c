/*
 * memcpy and memset for every EL0 program, in place of picolibc's: Debian
 * builds picolibc for aarch64 optimised for size, where both are a loop of
 * single bytes. A VMM copies its guest's 27 MiB kernel Image at every boot:
 * 0.93 s a byte at a time under QEMU's TCG, 0.11-0.15 s a word at a time, 0.02 s
 * in blocks (MEM_BLOCK).
 *
 * Built with -fno-tree-loop-distribute-patterns (CMakeLists.txt): GCC
 * would otherwise turn these loops back into calls to memcpy and memset.
 */
#include <stdint.h>
#include <string.h>

/* A word that may alias the bytes it is copied from (what memcpy is for). */
typedef uint64_t __attribute__((may_alias)) mem_word;

#define MEM_WORD  sizeof(mem_word)
#define MEM_ALIGN (MEM_WORD - 1u)
/*
 * Words loaded before any is stored. QEMU's TLB is direct-mapped: when the
 * source and destination pages share an index (the VMM's Image copy: both
 * 2 MiB aligned, at the same offsets), every access evicts the other page
 * and alternating loads and stores ran ten times slower than a copy
 * between pages that do not collide. In blocks, that is one miss a block.
 */
#define MEM_BLOCK 16u

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp ^ (uintptr_t)sp) & MEM_ALIGN) == 0) {
        for (; n && ((uintptr_t)dp & MEM_ALIGN); n--)
            *dp++ = *sp++;
        mem_word *dw = (mem_word *)(void *)dp;
        const mem_word *sw = (const mem_word *)(const void *)sp;
        for (; n >= MEM_BLOCK * MEM_WORD; n -= MEM_BLOCK * MEM_WORD) {
            mem_word w[MEM_BLOCK]; /* in registers: the loops unroll */
#pragma GCC unroll 16
            for (unsigned i = 0; i < MEM_BLOCK; i++)
                w[i] = sw[i];
            __asm__ volatile("" ::: "memory"); /* every load before any store */
#pragma GCC unroll 16
            for (unsigned i = 0; i < MEM_BLOCK; i++)
                dw[i] = w[i];
            dw += MEM_BLOCK;
            sw += MEM_BLOCK;
        }
        for (; n >= MEM_WORD; n -= MEM_WORD)
            *dw++ = *sw++;
        dp = (unsigned char *)dw;
        sp = (const unsigned char *)sw;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    for (; n && ((uintptr_t)dp & MEM_ALIGN); n--)
        *dp++ = (unsigned char)c;
    mem_word w = (unsigned char)c * 0x0101010101010101ull;
    mem_word *dw = (mem_word *)(void *)dp;
    for (; n >= MEM_WORD; n -= MEM_WORD)
        *dw++ = w;
    dp = (unsigned char *)dw;
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}
