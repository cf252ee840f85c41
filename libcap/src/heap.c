/*
 * sbrk() for picolibc's malloc over the heap region the loader mapped.
 */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include <cap/heap.h>

static uintptr_t heap_base;
static uintptr_t heap_cur;
static uintptr_t heap_end;

void cv_heap_init(uint64_t base, uint64_t size)
{
    heap_base = (uintptr_t)base;
    heap_cur = heap_base;
    heap_end = heap_base + (uintptr_t)size;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old = heap_cur;

    if ((incr >= 0 && (uintptr_t)incr > heap_end - heap_cur) ||
        (incr < 0 && (uintptr_t)-incr > heap_cur - heap_base)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_cur += (uintptr_t)incr;
    return (void *)old;
}
