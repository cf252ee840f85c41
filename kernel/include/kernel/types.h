/* Basic kernel types: fixed-width integers and distinct address types. */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A physical address. Kernel objects are reached through the EL2 identity map. */
typedef struct {
    uint64_t v;
} paddr_t;

/** A user (EL0) virtual address = its intermediate physical address. */
typedef struct {
    uint64_t v;
} vaddr_t;

#define PA(x) ((paddr_t){(uint64_t)(x)})
#define VA(x) ((vaddr_t){(uint64_t)(x)})

/** The kernel pointer for a physical address (EL2 maps RAM 1:1). */
static inline void *pa_ptr(paddr_t pa)
{
    return (void *)(uintptr_t)pa.v;
}

static inline paddr_t ptr_pa(const void *p)
{
    return PA((uintptr_t)p);
}

#define BIT(n)         (1ull << (n))
#define ALIGNED(x, a)  (((x) & ((a)-1)) == 0)
#define ROUND_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

#endif /* KERNEL_TYPES_H */
