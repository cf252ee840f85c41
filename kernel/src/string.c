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
        for (uint64_t *w = d; n; n -= 8)
            *w++ = 0;
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
