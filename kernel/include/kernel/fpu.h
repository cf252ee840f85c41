/*
 * FP/SIMD registers of EL0 threads and guests: a core keeps its owner's state in its registers
 * until another thread uses them (native threads trap on their first use, CPTR_EL2.TFP; guests get
 * theirs at once). The rules are in kernel/src/fpu.c.
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include <kernel/core.h>

/** First FP/SIMD use by `t` (EC 0x07): give it its registers. */
void fpu_trap(struct tcb *t);
/** Kernel exit to `t` on `c`: hand the registers over if needed. True if
 * that woke a thread of higher priority here: the caller chooses again. */
bool fpu_switch(struct core *c, struct tcb *t);
/**
 * fpu_switch to `t` when that needs nothing saved, loaded or waited for (the fast paths; a vCPU
 * runs untrapped, so only once its state is in this core's registers: t->fpu_core): false, and
 * nothing changed, otherwise.
 */
bool fpu_switch_fast(struct core *c, struct tcb *t);
/** False if `t`'s state is still in another core's registers: `t` then
 * waits (TS_BLOCKED_FPU) until that core saves it, and must not run. */
bool fpu_runnable_here(struct core *c, struct tcb *t);
/** This core goes idle: saves its owner's state if another core needs it (fpu.c owner_gone); an
 * owner that stays (a vCPU waiting for an interrupt) finds it in place. True if the save woke a
 * thread of this core: the caller chooses again rather than idle. */
bool fpu_idle(struct core *c);
/** `t` is destroyed: forget it as the registers' owner anywhere. */
void fpu_forget(struct tcb *t);

/* arch layer (arch/aarch64/fpu.c) */
void arch_fpu_save(struct fpu_state *s);
void arch_fpu_restore(const struct fpu_state *s);
void arch_fpu_set_trap(bool trap);
/** Per core at boot: EL0 FP allowed by EL1 controls, trapped to EL2. */
void arch_fpu_init(void);

#endif
