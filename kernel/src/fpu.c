/*
 * FP/SIMD registers: restored lazily, saved when dirty.
 *
 * Invariant: a core's registers hold live state of at most one thread, its
 * current one (fpu_owner[core] is NULL or core->cur). A thread's FP/SIMD
 * state lives in its TCB otherwise, so it may run on any core next.
 * - Switching away from the owner (or going idle) saves its registers.
 * - Switching to a thread leaves FP/SIMD trapping (CPTR_EL2.TFP); its first
 *   FP/SIMD instruction in this run traps and restores its state.
 * So a thread that used FP once (picolibc's printf saves q0-q7) but not in
 * its hot path costs nothing on each IPC switch.
 */
#include <kernel/fpu.h>

static struct tcb *fpu_owner[CV_MAX_CORES];

static void set_trap(struct core *c, bool trap)
{
    if (c->fpu_trapping != trap) {
        arch_fpu_set_trap(trap);
        c->fpu_trapping = trap;
    }
}

void fpu_release(struct core *c)
{
    struct tcb **owner = &fpu_owner[c->index];
    if (!*owner)
        return;
    set_trap(c, false);
    arch_fpu_save(&(*owner)->fpu);
    *owner = NULL;
    set_trap(c, true);
}

void fpu_switch(struct core *c, struct tcb *t)
{
    if (fpu_owner[c->index] != t)
        fpu_release(c);
    set_trap(c, fpu_owner[c->index] != t);
}

void fpu_trap(struct tcb *t)
{
    struct core *c = this_core();
    fpu_release(c);
    set_trap(c, false);
    if (t->fpu_used)
        arch_fpu_restore(&t->fpu);
    else
        arch_fpu_restore(&(struct fpu_state){0}); /* no leftovers of others */
    t->fpu_used = true;
    fpu_owner[c->index] = t;
}

void fpu_forget(struct tcb *t)
{
    for (uint32_t i = 0; i < CV_MAX_CORES; i++)
        if (fpu_owner[i] == t)
            fpu_owner[i] = NULL;
}
