/* Ticket lock (the big kernel lock): atomics with acquire/release order. */
#include <kernel/lock.h>

void lock_acquire(struct ticket_lock *l)
{
    uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        __asm__ volatile("yield");
}

void lock_release(struct ticket_lock *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}
