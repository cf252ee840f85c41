/* The few C library routines the freestanding kernel needs (and gcc emits). */
#include <kernel/kprintf.h>

/* Bytes one `dc zva` zeroes (ARM ARM D17.2.35 DCZID_EL0), 0 if prohibited. */
static size_t zva_block(void)
{
    static size_t block = (size_t)-1;
    if (block == (size_t)-1) {
        uint64_t id;
        __asm__ volatile("mrs %0, dczid_el0" : "=r"(id));
        block = (id & 16u) ? 0 : (size_t)4 << (id & 15u);
    }
    return block;
}

/* n words at w: 64 bytes a loop (every invocation zeroes the message
 * words not sent, ~60: a word a loop cost ~190 instructions). In asm: gcc
 * may turn a C loop of stores back into a call to memset. */
static void zero_words(uint64_t *w, size_t n)
{
    if (n & 1) {
        *w++ = 0;
        n--;
    }
    for (; n >= 8; n -= 8, w += 8)
        __asm__ volatile("stp xzr, xzr, [%0]\n stp xzr, xzr, [%0, #16]\n"
                         "stp xzr, xzr, [%0, #32]\n stp xzr, xzr, [%0, #48]"
                         :
                         : "r"(w)
                         : "memory");
    for (; n; n -= 2, w += 2)
        __asm__ volatile("stp xzr, xzr, [%0]" : : "r"(w) : "memory");
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    size_t zb = c == 0 ? zva_block() : 0;
    /* zeroing retyped objects (guest RAM included) is the hot use: a cache
     * line per instruction instead of a word */
    if (zb && ((uintptr_t)p & (zb - 1)) == 0 && (n & (zb - 1)) == 0) {
        for (unsigned char *e = p + n; p < e; p += zb)
            __asm__ volatile("dc zva, %0" : : "r"(p) : "memory");
        return d;
    }
    if (((uintptr_t)p & 7) == 0 && (n & 7) == 0 && c == 0) {
        zero_words(d, n / 8);
        return d;
    }
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp | n) & 7) == 0) {
        uint64_t *dw = d;
        const uint64_t *sw = s;
        for (; n; n -= 8)
            *dw++ = *sw++;
        return d;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
