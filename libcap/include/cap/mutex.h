/*
 * A sleeping lock for the threads of one program: an atomic count of the
 * threads that hold or want it, and a notification the waiters block on
 * (a "benaphore"). Taking a free lock is one atomic add, releasing one
 * nobody waits for one atomic subtract: no system call. A thread that
 * finds it taken waits on the notification and is woken by the release
 * that hands it over, so it spends no core while it waits (the kernel has
 * no futex; a spinner that yields gives its core only to the threads of
 * that core, and under QEMU -icount it keeps the one TCG thread).
 *
 * Why a notification suffices as the semaphore: its word is one bit here,
 * and at most one wake-up is ever outstanding. A release signals only if
 * some thread counted itself in and has not been handed the lock; the one
 * it wakes (or the first to wait, if it signals before anyone waits) owns
 * the lock and must release it before another signal can come.
 *
 * Not recursive; no owner is recorded. The notification must be used for
 * nothing else and must not be bound to a thread.
 */
#ifndef CAP_MUTEX_H
#define CAP_MUTEX_H

#include <stdint.h>

/** The lock: cv_mutex_init before use. */
struct cv_mutex {
    uint32_t count; /* threads holding (0 or 1) or waiting for it */
    uint64_t ntfn;  /* cptr of its notification (read and write rights) */
};

/** A free lock whose waiters block on ntfn. */
void cv_mutex_init(struct cv_mutex *m, uint64_t ntfn);

/** Takes the lock, waiting while another thread holds it. */
void cv_mutex_lock(struct cv_mutex *m);

/** Releases the lock, handing it to one waiter if there is one. */
void cv_mutex_unlock(struct cv_mutex *m);

#endif /* CAP_MUTEX_H */
