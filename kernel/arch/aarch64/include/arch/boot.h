/*
 * Internal interface between the aarch64 boot/entry assembly and the C
 * parts of the architecture layer (not used by generic code).
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#include <arch/asm.h>
#include <kernel/arch.h>

/** Kernel stacks, one per core, ARCH_STACK_SIZE-aligned (head.S uses them). */
extern uint8_t arch_stacks[PLAT_MAX_CORES][ARCH_STACK_SIZE];

/** PSCI CPU_ON entry point of secondary cores (head.S); x0 = core index. */
void arch_secondary_entry(void);

/**
 * Index of the calling core, derived from the kernel stack it runs on: the
 * kernel only ever runs on its own core's stack, so this needs no register.
 */
static inline uint32_t arch_core_index(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (uint32_t)((sp - 1 - (uintptr_t)arch_stacks) >> ARCH_STACK_SHIFT);
}

/** Issues an SMC with PSCI calling convention (SMCCC): function id in x0, result in x0. */
uint64_t arch_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

#endif /* ARCH_BOOT_H */
