/* The scheduler: per-core priority queues, round robin within a priority. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/core.h>

/** Timeslice in timer ticks of the EL2 physical timer: 5 ms. */
#define SCHED_TIMESLICE_US 5000u

/** Makes `t` (runnable) eligible to run on its affinity core. */
void sched_enqueue(struct tcb *t);
/** Takes `t` out of its ready queue if it is in one. */
void sched_dequeue(struct tcb *t);
/** Called when `t` stops being runnable (block, suspend). */
void sched_block(struct tcb *t, uint32_t new_state);
/** Makes a blocked `t` runnable. */
void sched_wake(struct tcb *t);
/** Chooses what this core runs next; updates core->cur. */
void sched_choose(struct core *c);
/** The current thread gives up the rest of its timeslice. */
void sched_yield(void);
/** The highest priority ready on `c`, or -1. */
int sched_highest(const struct core *c);

#endif
