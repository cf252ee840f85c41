/*
 * Per-core state and the cross-core protocol.
 *
 * Each core's `struct core` is found through TPIDR_EL2 (arch_core()). `in_user` is the thread this
 * core is running at EL0, or NULL while the core is in the kernel or idle: a core clears it
 * (release) on every kernel entry *before* taking the kernel lock. A core that, holding the lock,
 * destroys a thread or an address space another core may be running sends that core an IPI and
 * waits until `in_user` no longer names it (core_wait_out); the other core needs no lock to leave,
 * so the wait cannot deadlock.
 */
#ifndef KERNEL_CORE_H
#define KERNEL_CORE_H

#include <kernel/arch.h>
#include <kernel/tcb.h>

#ifndef CV_MAX_CORES
#define CV_MAX_CORES 4
#endif

struct core {
    struct arch_regs *cur_regs; /* MUST stay first: used by vectors.S */
    uint32_t index;
    bool online;
    bool resched;        /* timeslice over or higher priority woken */
    struct tcb *cur;     /* thread owning this core, NULL when idle */
    struct tcb *handoff; /* woken by IPC, not queued yet (sched_wake_ipc) */
    struct tcb *volatile in_user;
    volatile uint32_t active_vmid;
    bool fpu_trapping;            /* CPTR_EL2.TFP set */
    bool guest_mode;              /* HCR_EL2 and EL1 registers set for a guest */
    uint8_t timer_irq_on;         /* bit t: vCPU timer t's PPI enabled at the GIC (vcpu.h) */
    uint64_t timer_at;            /* when its kernel timer fires next (physical count) */
    const struct vcpu *live_vcpu; /* whose EL1 context the registers hold (vcpu.h) */
    /* ready queues: one FIFO per priority, a bitmap of non-empty ones and
     * a summary of its non-zero words (so both tests below are O(1)) */
    struct tcb *ready_head[TCB_PRIO_COUNT];
    struct tcb *ready_tail[TCB_PRIO_COUNT];
    uint64_t ready_bitmap[TCB_PRIO_COUNT / 64];
    uint64_t ready_words;
};

extern struct core cores[CV_MAX_CORES];
extern uint32_t core_count;
extern struct plat_info plat;

static inline struct core *this_core(void)
{
    return arch_core();
}

/** Waits until no other core runs `t` at EL0 (IPI + spin on in_user). */
void core_wait_thread_out(const struct tcb *t);
/** True if another core runs `t` at EL0 now (with the kernel lock held:
 * it can leave, but not come back before the lock is released). */
bool core_runs_elsewhere(const struct tcb *t);
/** Waits until no other core runs a thread with `vmid` at EL0. */
void core_wait_vmid_out(uint16_t vmid);

/** Kernel exit: pick the next thread and run it (or idle). */
__attribute__((noreturn)) void kernel_exit(void);

#endif
