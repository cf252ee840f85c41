/*
 * PSCI (ARM DEN 0022) calls from EL2.
 *
 * The conduit is always SMC here: an HVC issued at EL2 is taken by our own EL2 vectors, so the
 * DTB's method = "hvc" (meant for an EL1 kernel) can not be honoured from EL2. QEMU's virt machine
 * with virtualization=on (and no EL3) says "smc" and emulates PSCI on SMC.
 */
#include <arch/boot.h>
#include <kernel/arch.h>

#define PSCI_CPU_ON_64  0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u

uint64_t arch_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    /* SMCCC: x4..x17 may be clobbered by the callee. */
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return x0;
}

/**
 * CPU_ON (PSCI 5.1.4): the core starts at arch_secondary_entry (identity mapped, so its address is
 * physical) at EL2 with x0 = core index. Returns 0 or a negative PSCI error (ALREADY_ON = -4, ...).
 */
int arch_cpu_on(uint32_t core, uint64_t mpidr)
{
    if (core >= PLAT_MAX_CORES)
        return -2; /* PSCI INVALID_PARAMETERS */
    /* Everything the new core reads must be in memory it sees. */
    __asm__ volatile("dsb ish" ::: "memory");
    return (int)(int64_t)arch_psci_call(PSCI_CPU_ON_64, mpidr, (uintptr_t)arch_secondary_entry,
                                        core);
}

void arch_system_off(void)
{
    arch_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    arch_halt();
}
