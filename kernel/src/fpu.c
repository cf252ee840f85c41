/*
 * FP/SIMD registers: switched lazily. A core's registers hold the state of at most one thread, its
 * owner (fpu_owner[core], t->fpu_core), which need not be running: a native thread runs trapped
 * (CPTR_EL2.TFP) unless it is the owner and loads its state at its first use (fpu_trap); a vCPU
 * never runs trapped (QEMU translates a guest's code once per trap setting); an owner moved to
 * another core is saved by its old one (TS_BLOCKED_FPU until then), also when that core is idle.
 * docs/kernel.md "FP/SIMD".
 */
#include <kernel/fpu.h>
#include <kernel/sched.h>

static struct tcb *fpu_owner[CV_MAX_CORES];

static void set_trap(struct core *c, bool trap)
{
    if (c->fpu_trapping != trap) {
        arch_fpu_set_trap(trap);
        c->fpu_trapping = trap;
    }
}

/* Saves the owner's registers into its TCB; leaves FP/SIMD untrapped.
 * Returns the owner if that woke it (it waited for this), else NULL. */
static struct tcb *save_owner(struct core *c)
{
    struct tcb *o = fpu_owner[c->index];
    set_trap(c, false);
    arch_fpu_save(&o->fpu);
    o->fpu_core = 0;
    fpu_owner[c->index] = NULL;
    if (o->state != TS_BLOCKED_FPU)
        return NULL;
    sched_wake(o);
    return o;
}

/* Makes `t` the owner with its own state (zeroes at its first use: no
 * leftovers of others); leaves FP/SIMD untrapped. Returns the thread that
 * saving the last owner woke (save_owner), or NULL. */
static struct tcb *load(struct core *c, struct tcb *t)
{
    struct tcb *woken = fpu_owner[c->index] ? save_owner(c) : NULL;
    set_trap(c, false);
    if (t->fpu_used)
        arch_fpu_restore(&t->fpu);
    else
        arch_fpu_restore(&(struct fpu_state){0});
    t->fpu_used = true;
    t->fpu_core = c->index + 1;
    fpu_owner[c->index] = t;
    return woken;
}

/* Whether the owner's state must leave this core's registers: it was moved to another core, where
 * it may wait for it (TS_BLOCKED_FPU). */
static bool owner_gone(const struct core *c, const struct tcb *o)
{
    return o && (o->affinity != c->index || o->state == TS_BLOCKED_FPU);
}

bool fpu_idle(struct core *c)
{
    struct tcb *woken = owner_gone(c, fpu_owner[c->index]) ? save_owner(c) : NULL;
    return woken && woken->affinity == c->index; /* moved back while it waited */
}

void fpu_trap(struct tcb *t)
{
    load(this_core(), t); /* a thread it wakes is chosen at this kernel exit */
}

bool fpu_runnable_here(struct core *c, struct tcb *t)
{
    if (!t->fpu_core || t->fpu_core == c->index + 1)
        return true;
    sched_block(t, TS_BLOCKED_FPU);
    arch_send_ipi(t->fpu_core - 1, ARCH_IPI_RESCHEDULE);
    return false;
}

bool fpu_switch_fast(struct core *c, struct tcb *t)
{
    struct tcb *o = fpu_owner[c->index];
    if ((t->fpu_core && t->fpu_core != c->index + 1) || (o != t && owner_gone(c, o)))
        return false;
    set_trap(c, o != t);
    return true;
}

bool fpu_switch(struct core *c, struct tcb *t)
{
    struct tcb *o = fpu_owner[c->index];
    if (o == t) {
        set_trap(c, false);
        return false;
    }
    struct tcb *woken = NULL;
    if (t->vcpu) {
        woken = load(c, t);
    } else {
        /* it moved: it may run elsewhere next (or waits for this already,
         * and may have been moved back meanwhile) */
        if (owner_gone(c, o))
            woken = save_owner(c);
        set_trap(c, true);
    }
    /* one that was moved back may be due here before t */
    return woken && woken->affinity == c->index && woken->prio > t->prio;
}

void fpu_forget(struct tcb *t)
{
    for (uint32_t i = 0; i < CV_MAX_CORES; i++) /* not only fpu_core: no dangling owner */
        if (fpu_owner[i] == t)
            fpu_owner[i] = NULL;
    t->fpu_core = 0;
}
