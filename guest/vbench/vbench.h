/*
 * vbench: what a guest pays for a hypercall, an IPI and a timer interrupt
 * (vbench.c), and what its assembly (head.S) and C share.
 */
#ifndef VBENCH_H
#define VBENCH_H

#define VBENCH_CPUS        2u  /* vCPU 0 measures; vCPU 1 takes the IPIs */
#define VBENCH_STACK_SHIFT 12u /* vCPU 1's stack: 4 KiB */
#define VBENCH_READS       16u /* counter reads in a row for a stamp (vbench_stamp) */

#ifndef __ASSEMBLER__
#include <stdint.h>

/**
 * VBENCH_READS reads of CNTVCT_EL0, one instruction after another, into
 * r[]: the first is where the stamp is taken (head.S).
 */
void vbench_reads(uint64_t r[VBENCH_READS]);

/** vCPU 1's entry (PSCI CPU_ON, context 1): head.S, then vbench_secondary_main. */
void vbench_secondary(void);

/**
 * An IRQ (head.S vbench_irq): `r` are the counter reads the vector took
 * after saving registers, `lead` the instructions it ran before the first
 * of them (the vector's entry is that many ns before it under icount).
 */
void vbench_irq(const uint64_t r[VBENCH_READS], uint64_t lead);

/** Any other exception (head.S): reported with its vector's number, then power-off. */
void vbench_unexpected(uint64_t esr, uint64_t elr, uint64_t vector);
#endif /* __ASSEMBLER__ */

#endif /* VBENCH_H */
