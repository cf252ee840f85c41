/*
 * Per-core scheduling: 256 priorities, FIFO within a priority, the current thread is not in a queue
 * while it runs. A thread runs only on its affinity core; waking one for another core sends that
 * core an IPI.
 */
#include <kernel/core.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>

static void bitmap_set(struct core *c, uint32_t prio)
{
    c->ready_bitmap[prio / 64] |= BIT(prio % 64);
    c->ready_words |= BIT(prio / 64);
}

static void bitmap_clear(struct core *c, uint32_t prio)
{
    c->ready_bitmap[prio / 64] &= ~BIT(prio % 64);
    if (!c->ready_bitmap[prio / 64])
        c->ready_words &= ~BIT(prio / 64);
}

int sched_highest(const struct core *c)
{
    if (!c->ready_words)
        return -1;
    int w = 63 - __builtin_clzll(c->ready_words);
    return w * 64 + 63 - __builtin_clzll(c->ready_bitmap[w]);
}

static void queue_append(struct core *c, struct tcb *t, bool at_head)
{
    uint32_t p = t->prio;
    t->sched_prev = t->sched_next = NULL;
    if (!c->ready_head[p]) {
        c->ready_head[p] = c->ready_tail[p] = t;
    } else if (at_head) {
        t->sched_next = c->ready_head[p];
        c->ready_head[p]->sched_prev = t;
        c->ready_head[p] = t;
    } else {
        t->sched_prev = c->ready_tail[p];
        c->ready_tail[p]->sched_next = t;
        c->ready_tail[p] = t;
    }
    t->in_ready_queue = true;
    bitmap_set(c, p);
}

void sched_preempted(struct core *c, struct tcb *t)
{
    queue_append(c, t, true);
}

/* Takes t out of c's queue of its priority (it is in it). */
static inline __attribute__((always_inline)) void queue_unlink(struct core *c, struct tcb *t)
{
    uint32_t p = t->prio;
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        c->ready_head[p] = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        c->ready_tail[p] = t->sched_prev;
    if (!c->ready_head[p])
        bitmap_clear(c, p);
    t->sched_next = t->sched_prev = NULL;
    t->in_ready_queue = false;
}

struct tcb *sched_pop(struct core *c, uint32_t prio)
{
    struct tcb *t = c->ready_head[prio];
    queue_unlink(c, t);
    return t;
}

void sched_dequeue(struct tcb *t)
{
    if (t->in_ready_queue)
        queue_unlink(&cores[t->affinity], t);
}

/* A core in the kernel with a current thread chooses before it leaves, under the lock (and sees
 * `resched`): an IPI would only bring it back out of the thread it then runs. One running a thread
 * or without one (idle: it waits in WFI, the lock released) needs the IPI (docs/kernel.md
 * "Reschedule IPIs"). */
void sched_resched(uint32_t core)
{
    struct core *c = &cores[core];
    c->resched = true;
    if (c != this_core() && (__atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE) || !c->cur))
        arch_send_ipi(core, ARCH_IPI_RESCHEDULE);
}

/* Tells the core that should run `t` to reconsider. */
static void sched_kick(struct tcb *t)
{
    const struct tcb *cur = cores[t->affinity].cur;
    if (!cur || t->prio > cur->prio)
        sched_resched(t->affinity);
}

void sched_enqueue(struct tcb *t)
{
    KASSERT(t->state == TS_RUNNABLE);
    /* Running on its own core already, or still on the one it was moved
     * from: that core queues it here when it switches away (sched_choose),
     * and was told to (tcb_set_affinity, sched_block). Queued now, it
     * could run on two cores at once. */
    for (uint32_t i = 0; i < core_count; i++)
        if (cores[i].cur == t)
            return;
    if (t->in_ready_queue)
        return;
    queue_append(&cores[t->affinity], t, false);
    sched_kick(t);
}

void sched_block(struct tcb *t, uint32_t new_state)
{
    sched_dequeue(t);
    t->state = new_state;
    for (uint32_t i = 0; i < core_count; i++)
        if (cores[i].cur == t)
            sched_resched(i);
}

void sched_wake(struct tcb *t)
{
    t->state = TS_RUNNABLE;
    sched_enqueue(t);
}

void sched_yield(void)
{
    this_core()->resched = true;
    struct tcb *t = this_core()->cur;
    if (t)
        t->ipc_call = false;
}

void sched_wake_ipc(struct tcb *t)
{
    struct core *c = this_core();
    if (t->affinity != c->index || c->handoff || t->in_ready_queue) {
        sched_wake(t);
        return;
    }
    t->state = TS_RUNNABLE;
    c->handoff = t;
}

/* The handoff thread runs now if the current one stopped (blocked, or gone) and nothing ready here
 * has its priority or more; otherwise, if it is still runnable, it is queued as sched_wake would
 * have. True if it became current. */
static bool sched_take_handoff(struct core *c)
{
    struct tcb *t = c->handoff;
    if (!t)
        return false;
    c->handoff = NULL;
    if (t->state != TS_RUNNABLE || t->in_ready_queue || t == c->cur)
        return false; /* blocked again, or already queued by someone */
    struct tcb *cur = c->cur;
    if ((!cur || cur->state != TS_RUNNABLE) && sched_highest(c) < (int)t->prio) {
        c->cur = t;
        c->resched = false;
        return true;
    }
    queue_append(c, t, false); /* sched_enqueue's effect: t, blocked until now, runs nowhere */
    return false;
}

/* Picks this core's next thread: the highest-priority ready thread, unless the current one is still
 * runnable here, has at least that priority and has not used up its timeslice. */
void sched_choose(struct core *c)
{
    if (sched_take_handoff(c))
        return;
    struct tcb *cur = c->cur;
    bool cur_ok = cur && cur->state == TS_RUNNABLE && cur->affinity == c->index;
    int best = sched_highest(c);
    if (cur_ok &&
        (best < 0 || (uint32_t)best < cur->prio || ((uint32_t)best == cur->prio && !c->resched))) {
        c->resched = false;
        return;
    }
    if (cur && cur->state == TS_RUNNABLE) {
        /* preempted: a higher priority keeps our place at the head */
        if (cur->affinity == c->index) {
            bool expired = best >= 0 && (uint32_t)best == cur->prio;
            queue_append(c, cur, !expired);
        } else {
            c->cur = NULL;
            sched_enqueue(cur); /* moved to another core */
        }
    }
    c->resched = false;
    c->cur = NULL;
    if (best < 0 && cur_ok) { /* nothing else: keep running (re-take it) */
        sched_dequeue(cur);
        c->cur = cur;
        return;
    }
    best = sched_highest(c);
    if (best < 0)
        return;
    c->cur = sched_pop(c, (uint32_t)best);
}
