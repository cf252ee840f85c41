/*
 * Per-core state, idling, halting and syndrome access for AArch64 EL2.
 */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/vcpu.h>

_Static_assert(__builtin_offsetof(struct arch_regs, x[30]) == ARCH_REGS_X30, "x30");
_Static_assert(__builtin_offsetof(struct arch_regs, sp) == ARCH_REGS_SP, "sp");
_Static_assert(__builtin_offsetof(struct arch_regs, pc) == ARCH_REGS_PC, "pc");
_Static_assert(__builtin_offsetof(struct arch_regs, spsr) == ARCH_REGS_SPSR, "spsr");
_Static_assert(__builtin_offsetof(struct arch_regs, tpidr) == ARCH_REGS_TPIDR, "tpidr");
/* the return path keeps what the kernel keeps, but M[3] and M[1] */
_Static_assert((ARCH_SPSR_GUEST_MASK | 0xaull) == VCPU_SPSR_BITS, "guest SPSR bits");
_Static_assert(sizeof(struct arch_regs) == ARCH_REGS_SIZE, "arch_regs size");
_Static_assert(ARCH_MAX_CORES == PLAT_MAX_CORES, "core count");

/** The kernel stacks (head.S points each core's SP_EL2 at the top of its own). */
uint8_t arch_stacks[PLAT_MAX_CORES][ARCH_STACK_SIZE] __attribute__((aligned(ARCH_STACK_SIZE)));

/** TPIDR_EL2 holds the core's `struct core` (EL2-only, so EL0 cannot see it). */
void arch_set_core(struct core *c)
{
    sysreg_write(tpidr_el2, (uintptr_t)c);
}

struct core *arch_core(void)
{
    return (struct core *)(uintptr_t)sysreg_read(tpidr_el2);
}

/**
 * WFI with IRQs still masked, then a short unmasked window. WFI wakes on a pending interrupt even
 * when PSTATE.I masks it (ARM ARM D1.16.2), so an interrupt arriving after the caller decided to
 * idle is never lost; it is taken (kernel_irq_from_idle) between the daifclr and the daifset.
 */
void arch_idle_wait(void)
{
    __asm__ volatile("dsb sy\n"
                     "wfi\n"
                     "msr daifclr, #2\n"
                     "isb\n"
                     "msr daifset, #2\n" ::
                         : "memory");
}

void arch_halt(void)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    for (;;)
        __asm__ volatile("wfi");
}

uint64_t arch_read_esr(void)
{
    return sysreg_read(esr_el2);
}

uint64_t arch_read_far(void)
{
    return sysreg_read(far_el2);
}

uint64_t arch_read_hpfar(void)
{
    return sysreg_read(hpfar_el2);
}
