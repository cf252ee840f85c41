/*
 * The big kernel lock. Lock order: there is one lock; it is taken on
 * every kernel entry (after the core has saved the user context and
 * published that it left user mode, see core.h) and released on exit.
 */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#include <kernel/types.h>

/** A ticket lock: fair between cores. */
struct ticket_lock {
    uint32_t next;
    uint32_t owner;
};

void lock_acquire(struct ticket_lock *l);
void lock_release(struct ticket_lock *l);

extern struct ticket_lock kernel_lock;

#endif
