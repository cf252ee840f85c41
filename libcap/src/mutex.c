/*
 * The sleeping lock (cap/mutex.h).
 */
#include <cap/ipc.h>
#include <cap/mutex.h>

void cv_mutex_init(struct cv_mutex *m, uint64_t ntfn)
{
    __atomic_store_n(&m->count, 0, __ATOMIC_RELAXED);
    m->ntfn = ntfn;
}

void cv_mutex_lock(struct cv_mutex *m)
{
    uint64_t word;
    if (__atomic_fetch_add(&m->count, 1, __ATOMIC_ACQUIRE) == 0)
        return;
    /* the kernel's lock orders the releaser's writes before our wake-up */
    cv_wait(m->ntfn, &word);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void cv_mutex_unlock(struct cv_mutex *m)
{
    if (__atomic_fetch_sub(&m->count, 1, __ATOMIC_RELEASE) > 1)
        cv_signal(m->ntfn);
}
