/*
 * The big kernel lock. Lock order: there is one lock; it is taken on
 * every kernel entry (after the core has saved the user context and
 * published that it left user mode, see core.h) and released on exit.
 */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#include <arch/cpu.h>
#include <kernel/types.h>

/** A ticket lock: fair between cores; atomics with acquire/release order. */
struct ticket_lock {
    uint32_t next;
    uint32_t owner;
};

/* Inline: every kernel entry and exit takes and drops it. */
static inline __attribute__((always_inline)) void lock_acquire(struct ticket_lock *l)
{
    uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        arch_relax();
}

/* Takes the lock if it is free (no ticket out: next == owner), else false. */
static inline __attribute__((always_inline)) bool lock_try(struct ticket_lock *l)
{
    uint32_t free = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    return __atomic_compare_exchange_n(&l->next, &free, free + 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline __attribute__((always_inline)) void lock_release(struct ticket_lock *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

extern struct ticket_lock kernel_lock;

#endif
