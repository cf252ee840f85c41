/*
 * FP/SIMD registers of EL0 threads and guests: restored lazily on the
 * first use in a run (CPTR_EL2.TFP trap), saved when a core switches away
 * from the thread whose state it holds (kernel/src/fpu.c).
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include <kernel/core.h>

/** First FP/SIMD use by `t` (EC 0x07): give it its registers. */
void fpu_trap(struct tcb *t);
/** Kernel exit to `t` on `c`: hand the registers over if needed. */
void fpu_switch(struct core *c, struct tcb *t);
/** Saves the live state of this core's owner (before idling). */
void fpu_release(struct core *c);
/** `t` is destroyed: forget it as the registers' owner anywhere. */
void fpu_forget(struct tcb *t);

/* arch layer (arch/aarch64/fpu.c) */
void arch_fpu_save(struct fpu_state *s);
void arch_fpu_restore(const struct fpu_state *s);
void arch_fpu_set_trap(bool trap);
/** Per core at boot: EL0 FP allowed by EL1 controls, trapped to EL2. */
void arch_fpu_init(void);

#endif
