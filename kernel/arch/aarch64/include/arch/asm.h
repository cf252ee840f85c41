/* Constants shared by the aarch64 assembly and C; cpu.c checks them against struct arch_regs. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

/* Byte offsets in struct arch_regs. */
#define ARCH_REGS_X0    0
#define ARCH_REGS_X30   240
#define ARCH_REGS_SP    248
#define ARCH_REGS_PC    256
#define ARCH_REGS_SPSR  264
#define ARCH_REGS_TPIDR 272
#define ARCH_REGS_SIZE  288

/* Equals PLAT_MAX_CORES of kernel/arch.h (checked in cpu.c). */
#define ARCH_MAX_CORES 8

/* struct core: the lead guarantees `struct arch_regs *cur_regs` at offset 0. */
#define CORE_CUR_REGS 0

/* Per-core kernel stacks, aligned to their size: the core follows from any SP inside. */
#define ARCH_STACK_SHIFT 14
#define ARCH_STACK_SIZE  (1 << ARCH_STACK_SHIFT)

/* SPSR bits kept on return to EL0: only NZCV (ARM ARM C5.2.19); M = EL0t, the rest 0. */
#define ARCH_SPSR_USER_MASK 0xf0000000
/*
 * For vCPU threads: kernel vcpu.h VCPU_SPSR_BITS with only M[2] and M[0] of M. Without M[3] and
 * M[1] no SPSR can name EL2 or EL3, whatever reaches the return; the return path also clears
 * M[0] at EL0 (no SP_ELx), so every value masked is EL0t, EL1t or EL1h.
 */
#define ARCH_SPSR_GUEST_MASK 0xf1e01fc5

/* Vector-table slots (layout: vectors.S) that reach kernel_panic_exception as `kind`. */
#define ARCH_EXC_CUR_SP0_SYNC   0
#define ARCH_EXC_CUR_SPX_SYNC   4
#define ARCH_EXC_CUR_SPX_FIQ    6
#define ARCH_EXC_CUR_SPX_SERROR 7
#define ARCH_EXC_LOWER64_FIQ    10
#define ARCH_EXC_LOWER32_SYNC   12

#endif /* ARCH_ASM_H */
