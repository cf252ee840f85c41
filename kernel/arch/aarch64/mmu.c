/*
 * Stage-2 address spaces of EL0 threads: VTTBR_EL2 switching and TLB maintenance. With
 * HCR_EL2.{TGE,VM} = {1,1} and E2H = 0, EL0 accesses go through the stage-2 tables only (stage 1 of
 * EL1&0 is off), so an EL0 virtual address is the IPA. The tables themselves are built by the
 * generic kernel with the bits in arch/pte.h.
 *
 * TLB maintenance by VMID: the stage-2 TLBI instructions act on the VMID currently in VTTBR_EL2
 * (ARM ARM D8.13 "TLB maintenance instructions"), so to flush another VMID we switch VTTBR_EL2 to
 * it briefly. The kernel runs with interrupts masked, so nothing can run in between.
 */
#include <arch/sysreg.h>
#include <kernel/arch.h>

/* Left alone when it is current already (a switch between threads of one
 * address space): under QEMU's TCG a VTTBR_EL2 write flushes the TLB. */
void arch_vspace_activate(paddr_t root, uint16_t vmid)
{
    uint64_t v = root.v | ((uint64_t)vmid << VTTBR_VMID_SHIFT);
    if (sysreg_read(vttbr_el2) == v)
        return;
    sysreg_write(vttbr_el2, v);
    isb();
}

/**
 * Runs with VTTBR_EL2.VMID = vmid (TLBI by VMID acts on the current one); returns the previous
 * VTTBR_EL2. Left alone when the VMID is already current (the usual case: a thread unmapping from
 * its own vspace): a VTTBR_EL2 write is a full TLB flush under QEMU's TCG.
 */
static uint64_t mmu_vmid_enter(uint16_t vmid)
{
    uint64_t old = sysreg_read(vttbr_el2);
    if ((uint16_t)(old >> VTTBR_VMID_SHIFT) == vmid)
        return old;
    sysreg_write(vttbr_el2, (uint64_t)vmid << VTTBR_VMID_SHIFT);
    isb();
    return old;
}

static void mmu_vmid_leave(uint64_t old)
{
    if (sysreg_read(vttbr_el2) == old)
        return;
    sysreg_write(vttbr_el2, old);
    isb();
}

void arch_tlb_flush_vmid(uint16_t vmid)
{
    uint64_t old = mmu_vmid_enter(vmid);
    dsb(ishst);
    __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    dsb(ish);
    mmu_vmid_leave(old);
}

/**
 * IPAS2E1IS drops the stage-2 entry; entries combining stage 1 and 2 may still hold the old
 * translation, so VMALLE1IS follows (ARM ARM D8.13.5).
 */
void arch_tlb_flush_ipa(uint16_t vmid, uint64_t ipa)
{
    uint64_t old = mmu_vmid_enter(vmid);
    dsb(ishst);
    __asm__ volatile("tlbi ipas2e1is, %0" ::"r"(ipa >> 12) : "memory");
    dsb(ish);
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    dsb(ish);
    mmu_vmid_leave(old);
}

void arch_pt_barrier(void)
{
    dsb(ishst);
}

void arch_dcache_clean_poc(const void *p, uint64_t len)
{
    uint64_t ctr = sysreg_read(ctr_el0);
    uint64_t line = 4ull << ((ctr >> 16) & 0xfu); /* DminLine: log2 of words */
    uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1), end = (uint64_t)(uintptr_t)p + len;
    for (; a < end; a += line)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    dsb(sy); /* complete for every observer, as Linux's dcache_clean_poc */
}

/** 16 when VTCR_EL2.VS could be set (FEAT_VMID16), else 8. */
uint32_t arch_vmid_bits(void)
{
    return (sysreg_read(vtcr_el2) & VTCR_VS_16) ? 16 : 8;
}
