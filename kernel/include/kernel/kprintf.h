/* Kernel console output on the PL011 (arch_uart_putc). */
#ifndef KERNEL_KPRINTF_H
#define KERNEL_KPRINTF_H

#include <kernel/types.h>
#include <stdarg.h>

/** printf subset: %s %c %d %u %x %lx %lu %ld %p %%, and the 'l'/'z' sizes. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kputs_n(const char *s, size_t n);
__attribute__((noreturn)) void kpanic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** For our own invariants only, never for user-controlled input. */
#define KASSERT(c)                                                                                 \
    do {                                                                                           \
        if (!(c))                                                                                  \
            kpanic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);                       \
    } while (0)

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
