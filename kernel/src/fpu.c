/* Lazy-at-first-use, eager-on-switch FP/SIMD context handling. */
#include <kernel/fpu.h>

static struct tcb *fpu_owner[CV_MAX_CORES];

static void set_trap(struct core *c, bool trap)
{
    if (c->fpu_trapping != trap) {
        arch_fpu_set_trap(trap);
        c->fpu_trapping = trap;
    }
}

void fpu_switch(struct core *c, struct tcb *t)
{
    struct tcb **owner = &fpu_owner[c->index];
    if (*owner && *owner != t) {
        set_trap(c, false);
        arch_fpu_save(&(*owner)->fpu);
        *owner = NULL;
    }
    if (t->fpu_used && *owner != t) {
        set_trap(c, false);
        arch_fpu_restore(&t->fpu);
        *owner = t;
    }
    set_trap(c, *owner != t);
}

void fpu_trap(struct tcb *t)
{
    t->fpu_used = true;
    fpu_switch(this_core(), t);
}

void fpu_forget(struct tcb *t)
{
    for (uint32_t i = 0; i < CV_MAX_CORES; i++)
        if (fpu_owner[i] == t)
            fpu_owner[i] = NULL;
}
