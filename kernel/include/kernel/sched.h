/* The scheduler: per-core priority queues, round robin within a priority. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/core.h>

/** Timeslice in timer ticks of the EL2 physical timer: 5 ms. */
#define SCHED_TIMESLICE_US 5000u
/** The tick of an idle core, without a nearer deadline (a timed wait, a
 * vCPU's WFI): 100 ms. */
#define SCHED_IDLE_TICK_MS 100u

/** Makes `t` (runnable) eligible to run on its affinity core. */
void sched_enqueue(struct tcb *t);
/** `t`, current on `c` and runnable, gives way to a higher priority: it
 * is queued at the head of its priority (as sched_choose does). */
void sched_preempted(struct core *c, struct tcb *t);
/** Takes the first thread of priority `prio` (there is one) out of c's queue. */
struct tcb *sched_pop(struct core *c, uint32_t prio);
/** Takes `t` out of its ready queue if it is in one. */
void sched_dequeue(struct tcb *t);
/** Makes `core` choose again: this core at its kernel exit, another by IPI. */
void sched_resched(uint32_t core);
/** Called when `t` stops being runnable (block, suspend). */
void sched_block(struct tcb *t, uint32_t new_state);
/** Makes a blocked `t` runnable. */
void sched_wake(struct tcb *t);
/**
 * Makes `t`, woken by IPC on this core (the partner of a Call, a reply, a fault message), runnable.
 * It most often runs next: rather than queued it is left in the core's handoff slot, and the next
 * scheduling decision here runs it at once if no ready thread here has its priority or more (the
 * order the queues would give as well), else queues it.
 */
void sched_wake_ipc(struct tcb *t);
/** Chooses what this core runs next; updates core->cur. */
void sched_choose(struct core *c);
/** The current thread gives up the rest of its timeslice. */
void sched_yield(void);
/** The highest priority ready on `c`, or -1. */
int sched_highest(const struct core *c);
/** Whether a thread of priority `prio` or more is ready on `c` (the IPC fast path's test). */
static inline __attribute__((always_inline)) bool sched_ready_at_least(const struct core *c,
                                                                       uint32_t prio)
{
    uint32_t w = prio / 64;
    return (c->ready_words >> w >> 1) || (c->ready_bitmap[w] >> (prio % 64));
}

#endif
