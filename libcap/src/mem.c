/*
 * memcpy and memset for every EL0 program, in place of picolibc's: Debian
 * builds picolibc for aarch64 optimised for size, where both are a loop of
 * single bytes. A VMM copies its guest's 27 MiB kernel Image at every boot:
 * 0.93 s a byte at a time under QEMU's TCG, 0.11 s a word at a time.
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

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp ^ (uintptr_t)sp) & MEM_ALIGN) == 0) {
        for (; n && ((uintptr_t)dp & MEM_ALIGN); n--)
            *dp++ = *sp++;
        mem_word *dw = (mem_word *)(void *)dp;
        const mem_word *sw = (const mem_word *)(const void *)sp;
        for (; n >= 4 * MEM_WORD; n -= 4 * MEM_WORD, dw += 4, sw += 4) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
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
