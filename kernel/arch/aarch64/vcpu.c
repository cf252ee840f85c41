/*
 * Guest state switching for vCPU threads: EL1 system registers, the EL1 virtual and physical
 * timers (the guest's own while it runs, switched like the rest: docs/kernel.md "Timers"), the GIC
 * virtual CPU interface (through the driver, kernel/irqc.h), and the HCR_EL2 configurations of the
 * two modes. Native threads reach neither timer: their CNTKCTL_EL1 has EL0PTEN and EL0VTEN clear,
 * so an EL0 access traps to EL2 (TGE) and is undefined (ARM ARM D11.2).
 */
#include <kernel/core.h>
#include <kernel/irqc.h>
#include <kernel/vcpu.h>

#include <arch/sysreg.h>

/* HCR_EL2 for a guest (ARM ARM D17.2.48): stage 2 on, interrupts to EL2,
 * SMC/WFI/WFE trapped, broadcast TLB/cache maintenance inner shareable,
 * ID group 3 registers trapped (TID3: arch_vcpu_id_reg). */
#define HCR_GUEST                                                                                  \
    ((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 9) |           \
     (1ull << 10) | (1ull << 13) | (1ull << 14) | (1ull << 18) | (1ull << 19) | (1ull << 31))
#define CNT_CTL_RW     (CNT_CTL_ENABLE | CNT_CTL_IMASK) /* ISTATUS is read-only */
#define NATIVE_CPACR   (3ull << 20)
#define NATIVE_CNTKCTL 3ull /* EL0PCTEN | EL0VCTEN */
/* nTWE: an EL0 WFE is not trapped (it waits for at most a tick); Linux
 * sets it too, so that its SCTLR_EL1 can stay (arch_enter_native_mode). */
#define NATIVE_SCTLR_EL1                                                                           \
    (SCTLR_EL1_RES1 | SCTLR_EL1_SA0 | SCTLR_EL1_DZE | SCTLR_EL1_UCT | SCTLR_EL1_UCI |              \
     SCTLR_EL1_NTWE)

#define RD(reg)                                                                                    \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)))
/* For the timer registers: under QEMU each write re-arms a host timer and
 * wakes QEMU's main loop (a host context switch); an exit wrote five and
 * cost 43 us of wall time where it now costs 28 (cvprobe mmio-bench). */
#define WR_CHANGED(reg, v)                                                                         \
    do {                                                                                           \
        uint64_t new_ = (v);                                                                       \
        if (RD(reg) != new_)                                                                       \
            WR(reg, new_);                                                                         \
    } while (0)

/*
 * ID registers a guest reads (HCR_EL2.TID3 traps them): the CPU's own, but without what the kernel
 * does not switch between guests and threads: SVE and SME state, pointer authentication keys, MTE
 * tags, activity monitors, MPAM, the PMU, and the GICv3 system registers unless the machine's GIC
 * is a GICv3 (then the guest's is one too). Registers of that space an ARMv8.0 CPU does not have
 * read as 0, as the architecture has them (and so are hidden, e.g. ID_AA64ISAR2's QARMA3). ARM ARM
 * D17.2 (ID_AA64PFR0/1, ID_AA64ISAR1).
 */
#define ID_FIELD(shift) (0xfull << (shift))
#define PFR0_GIC        ID_FIELD(24)
#define PFR0_HIDDEN     (ID_FIELD(32) /* SVE */ | ID_FIELD(40) /* MPAM */ | ID_FIELD(44) /* AMU */)
/* EL0 and EL1 are AArch64 only (value 1): the guest's EL1 is by HCR_EL2.RW,
 * and an AArch32 EL0 program would come back from an exit as AArch64 (the
 * guest SPSR the kernel keeps has no AArch32 state: T, IT, GE, M[4]). */
#define PFR0_EL0_EL1      (ID_FIELD(0) | ID_FIELD(4))
#define PFR0_AARCH64_ONLY 0x11ull
#define PFR1_KEPT         (ID_FIELD(0) /* BT */ | ID_FIELD(4) /* SSBS */)
/* No PMU (docs/vmm.md: the VMM UNDEFs its registers): PMUVer, PMSS (its
 * snapshot extension), MTPMU and HPMN0 (features of a PMUv3) read 0 in
 * ID_AA64DFR0_EL1, PerfMon in ID_DFR0_EL1 (ARM ARM D17.2, both registers). */
#define DFR0_PMU_HIDDEN  (ID_FIELD(8) | ID_FIELD(16) | ID_FIELD(48) | ID_FIELD(60))
#define DFR0_A32_PERFMON ID_FIELD(24)
#define ISAR1_HIDDEN                                                                               \
    (ID_FIELD(4) /* APA */ | ID_FIELD(8) /* API */ | ID_FIELD(24) /* GPA */ |                      \
     ID_FIELD(28) /* GPI */)

#define ID_READ(crm, op2)                                                                          \
    case ((crm) << 3 | (op2)):                                                                     \
        __asm__ volatile("mrs %0, s3_0_c0_c" #crm "_" #op2 : "=r"(v));                             \
        break

bool arch_vcpu_id_reg(uint32_t crm, uint32_t op2, uint64_t *value)
{
    uint64_t v = 0;
    if (crm < 1 || crm > 7 || op2 > 7)
        return false;
    switch (crm << 3 | op2) {
        /* AArch32 (CRm 1-3) and AArch64 (4-7) ID registers of ARMv8.0 */
        ID_READ(1, 0);
        ID_READ(1, 1);
        ID_READ(1, 2);
        ID_READ(1, 3);
        ID_READ(1, 4);
        ID_READ(1, 5);
        ID_READ(1, 6);
        ID_READ(1, 7);
        ID_READ(2, 0);
        ID_READ(2, 1);
        ID_READ(2, 2);
        ID_READ(2, 3);
        ID_READ(2, 4);
        ID_READ(2, 5);
        ID_READ(3, 0);
        ID_READ(3, 1);
        ID_READ(3, 2);
        ID_READ(4, 0);
        ID_READ(4, 1);
        ID_READ(5, 0);
        ID_READ(5, 1);
        ID_READ(5, 4);
        ID_READ(5, 5);
        ID_READ(6, 0);
        ID_READ(6, 1);
        ID_READ(7, 0);
        ID_READ(7, 1);
    default:
        break;
    }
    if (crm == 4 && op2 == 0)
        v = (v & ~(PFR0_HIDDEN | PFR0_EL0_EL1 | (plat.gic_version == 3 ? 0 : PFR0_GIC))) |
            PFR0_AARCH64_ONLY;
    else if (crm == 4 && op2 == 1)
        v &= PFR1_KEPT;
    else if (crm == 6 && op2 == 1)
        v &= ~ISAR1_HIDDEN;
    else if (crm == 5 && op2 == 0)
        v &= ~DFR0_PMU_HIDDEN;
    else if (crm == 1 && op2 == 2)
        v &= ~DFR0_A32_PERFMON;
    *value = v;
    return true;
}

uint32_t arch_vcpu_lr_count(void)
{
    uint32_t n = irqc->vif_lr_count();
    return n > VCPU_MAX_LRS ? VCPU_MAX_LRS : n;
}

void arch_vcpu_init_core(void)
{
    irqc->vif_init_core();
    arch_irq_enable(ARCH_IRQ_MAINTENANCE);
}

#define SCTLR_EL1_RESET 0x30d00800ull
#define MPIDR_RES1      (1ull << 31)
#define OSLSR_OSLK      2ull         /* set at a cold reset (ARM ARM D19.2 OSLSR_EL1) */
#define MDSCR_TDCC      (1ull << 12) /* EL0 DCC accesses UNDEF */

void arch_vcpu_reset(struct vcpu *v)
{
    v->arch.reg[CV_VCPU_SCTLR] = SCTLR_EL1_RESET;
    v->arch.reg[CV_VCPU_VMPIDR] = MPIDR_RES1;
    v->arch.dbg[ARCH_DBG_OSLSR] = OSLSR_OSLK;
}

uint64_t *arch_vcpu_reg(struct vcpu *v, uint32_t i)
{
    if (i >= CV_VCPU_REG_COUNT)
        return NULL;
    if (i == CV_VCPU_GICH_VMCR)
        return &v->vif.vmcr;
    if (i == CV_VCPU_GICH_APR)
        return &v->vif.apr;
    return &v->arch.reg[i];
}

uint64_t arch_vcpu_timer_due(const struct vcpu *v, uint32_t timer)
{
    const uint64_t *r = v->arch.reg;
    bool phys = timer == VCPU_TIMER_PHYS;
    uint64_t ctl = r[phys ? CV_VCPU_CNTP_CTL : CV_VCPU_CNTV_CTL];
    if (!(ctl & CNT_CTL_ENABLE) || (ctl & CNT_CTL_IMASK))
        return 0;
    uint64_t d = phys ? r[CV_VCPU_CNTP_CVAL] : r[CV_VCPU_CNTV_CVAL] + r[CV_VCPU_CNTVOFF];
    return d ? d : 1;
}

uint64_t arch_read_cntvct(void)
{
    return RD(cntvct_el0);
}

void arch_vcpu_save(struct vcpu *v, uint32_t lrs)
{
    uint64_t *r = v->arch.reg;
    r[CV_VCPU_SCTLR] = RD(sctlr_el1);
    r[CV_VCPU_TTBR0] = RD(ttbr0_el1);
    r[CV_VCPU_TTBR1] = RD(ttbr1_el1);
    r[CV_VCPU_TCR] = RD(tcr_el1);
    r[CV_VCPU_MAIR] = RD(mair_el1);
    r[CV_VCPU_AMAIR] = RD(amair_el1);
    r[CV_VCPU_CONTEXTIDR] = RD(contextidr_el1);
    r[CV_VCPU_VBAR] = RD(vbar_el1);
    r[CV_VCPU_TPIDR_EL1] = RD(tpidr_el1);
    r[CV_VCPU_TPIDRRO_EL0] = RD(tpidrro_el0);
    r[CV_VCPU_SP_EL1] = RD(sp_el1);
    r[CV_VCPU_ELR_EL1] = RD(elr_el1);
    r[CV_VCPU_SPSR_EL1] = RD(spsr_el1);
    r[CV_VCPU_ESR_EL1] = RD(esr_el1);
    r[CV_VCPU_FAR_EL1] = RD(far_el1);
    r[CV_VCPU_AFSR0] = RD(afsr0_el1);
    r[CV_VCPU_AFSR1] = RD(afsr1_el1);
    r[CV_VCPU_PAR] = RD(par_el1);
    r[CV_VCPU_CPACR] = RD(cpacr_el1);
    r[CV_VCPU_CNTKCTL] = RD(cntkctl_el1);
    r[CV_VCPU_CSSELR] = RD(csselr_el1);
    r[CV_VCPU_CNTV_CTL] = RD(cntv_ctl_el0);
    r[CV_VCPU_CNTV_CVAL] = RD(cntv_cval_el0);
    r[CV_VCPU_CNTP_CTL] = RD(cntp_ctl_el0);
    r[CV_VCPU_CNTP_CVAL] = RD(cntp_cval_el0);
    /* The timers keep running: clearing a CTL here would drop the level
     * of a firing timer before irq_handle() acknowledges it (spurious 1023,
     * an endless IRQ loop). Outside the guest they run on too, and a PPI is
     * disabled if its timer fires (vcpu.c vcpu_handle_irq). */
    irqc->vif_save(v->lr, lrs, &v->vif);
    /* The guest's debug registers if it had them (MDCR_EL2.TDE 0: its debug
     * exceptions are its own), then disarmed: with MDSCR_EL1.MDE, KDE and SS
     * clear no breakpoint, watchpoint or step reaches a native thread, the
     * kernel or another vCPU before that one loads its own (ARM ARM D2.4,
     * D2.12). A lazy vCPU's MDSCR_EL1 has them clear (dbg_enter). */
    if (v->arch.dbg_state != ARCH_DBG_LOADED)
        return;
    arch_dbg_save(v->arch.dbg);
    v->arch.dbg[ARCH_DBG_MDSCR] = RD(mdscr_el1);
    v->arch.dbg[ARCH_DBG_OSLSR] = RD(oslsr_el1);
    v->arch.dbg[ARCH_DBG_OSDLR] = RD(osdlr_el1);
    WR(mdscr_el1, MDSCR_TDCC);
    v->arch.dbg_state = ARCH_DBG_LAZY;
}

/*
 * Debug registers are switched only for a vCPU that uses them, as KVM does: one armed
 * (MDSCR_EL1.MDE, KDE or SS) or whose access trapped (MDCR_EL2.TDA, TDOSA; arch_vcpu_dbg_trap)
 * since its last exit. Any other runs with them trapped and its MDSCR_EL1 (armed by nothing)
 * loaded: the other registers may hold another vCPU's values, which it can neither read nor be
 * stopped by. That spares ~60 instructions a save and a load.
 */
#define MDSCR_ARMED    (1ull << 0 | 1ull << 13 | 1ull << 15) /* SS, KDE, MDE */
#define MDCR_DBG_TRAPS (MDCR_TDA | MDCR_TDOSA)

static void dbg_enter(struct vcpu *v, bool live)
{
    const uint64_t *d = v->arch.dbg;
    uint64_t mdcr = RD(mdcr_el2);
    if (!live)
        v->arch.dbg_hw = false;
    if (v->arch.dbg_state == ARCH_DBG_LAZY && !(d[ARCH_DBG_MDSCR] & MDSCR_ARMED)) {
        if (!(mdcr & MDCR_DBG_TRAPS))
            WR(mdcr_el2, mdcr | MDCR_DBG_TRAPS);
        WR_CHANGED(mdscr_el1, d[ARCH_DBG_MDSCR]);
        return;
    }
    if (!v->arch.dbg_hw) {
        arch_dbg_restore(d);
        WR(oslar_el1, (d[ARCH_DBG_OSLSR] & OSLSR_OSLK) >> 1);
        WR(osdlr_el1, d[ARCH_DBG_OSDLR]);
        v->arch.dbg_hw = true;
    }
    WR(mdscr_el1, d[ARCH_DBG_MDSCR]);
    if (mdcr & MDCR_DBG_TRAPS)
        WR(mdcr_el2, mdcr & ~(uint64_t)MDCR_DBG_TRAPS);
    v->arch.dbg_state = ARCH_DBG_LOADED;
}

bool arch_vcpu_dbg_trap(struct vcpu *v, uint64_t esr)
{
    if (((esr >> 20) & 3u) != 2u || v->arch.dbg_state != ARCH_DBG_LAZY)
        return false; /* not a debug register (Op0 2), or one trapped while loaded (TDRA) */
    v->arch.dbg_state = ARCH_DBG_WANTED; /* loaded at the entry, where it runs again */
    return true;
}

/* The EL1 context native mode leaves alone (arch_enter_native_mode). */
static void restore_el1_context(const uint64_t *r)
{
    WR(ttbr0_el1, r[CV_VCPU_TTBR0]);
    WR(ttbr1_el1, r[CV_VCPU_TTBR1]);
    WR(tcr_el1, r[CV_VCPU_TCR]);
    WR(mair_el1, r[CV_VCPU_MAIR]);
    WR(amair_el1, r[CV_VCPU_AMAIR]);
    WR(contextidr_el1, r[CV_VCPU_CONTEXTIDR]);
    WR(vbar_el1, r[CV_VCPU_VBAR]);
    WR(tpidr_el1, r[CV_VCPU_TPIDR_EL1]);
    WR(sp_el1, r[CV_VCPU_SP_EL1]);
    WR(elr_el1, r[CV_VCPU_ELR_EL1]);
    WR(spsr_el1, r[CV_VCPU_SPSR_EL1]);
    WR(esr_el1, r[CV_VCPU_ESR_EL1]);
    WR(far_el1, r[CV_VCPU_FAR_EL1]);
    WR(afsr0_el1, r[CV_VCPU_AFSR0]);
    WR(afsr1_el1, r[CV_VCPU_AFSR1]);
    WR(par_el1, r[CV_VCPU_PAR]);
    WR(csselr_el1, r[CV_VCPU_CSSELR]);
}

void arch_vcpu_restore(struct vcpu *v, uint32_t lrs, bool el1_live)
{
    const uint64_t *r = v->arch.reg;
    if (!el1_live)
        restore_el1_context(r);
    dbg_enter(v, el1_live);
    WR(sctlr_el1, r[CV_VCPU_SCTLR]);
    WR(tpidrro_el0, r[CV_VCPU_TPIDRRO_EL0]); /* native mode clears it */
    WR(cpacr_el1, r[CV_VCPU_CPACR]);
    WR(cntkctl_el1, r[CV_VCPU_CNTKCTL]);
    WR_CHANGED(cntvoff_el2, r[CV_VCPU_CNTVOFF]);
    WR(vmpidr_el2, r[CV_VCPU_VMPIDR]);
    WR_CHANGED(cntv_cval_el0, r[CV_VCPU_CNTV_CVAL]);
    if ((RD(cntv_ctl_el0) ^ r[CV_VCPU_CNTV_CTL]) & CNT_CTL_RW)
        WR(cntv_ctl_el0, r[CV_VCPU_CNTV_CTL]);
    WR_CHANGED(cntp_cval_el0, r[CV_VCPU_CNTP_CVAL]);
    if ((RD(cntp_ctl_el0) ^ r[CV_VCPU_CNTP_CTL]) & CNT_CTL_RW)
        WR(cntp_ctl_el0, r[CV_VCPU_CNTP_CTL]);
    irqc->vif_restore(v->lr, lrs, &v->vif);
    __asm__ volatile("isb");
}

void arch_vcpu_set_lr(uint32_t i, const struct irqc_lr *lr)
{
    irqc->vif_set_lr(i, lr);
}

/* ISS of a data abort (ARM ARM D17.2.40): DFSC 0b0011xx is a permission
 * fault; S1PTW: the fault was on the stage-1 walk, HPFAR is then valid. */
#define ISS_DFSC_MASK        0x3cu
#define ISS_DFSC_PERM        0x0cu
#define ISS_S1PTW            (1u << 7)
#define PAR_F                1u
#define PAR_PA_MASK          0x0000fffffffff000ull
#define HPFAR_FIPA_TO_IPA(h) (((h) >> 4) << 12)

uint64_t arch_guest_fault_ipa(uint64_t esr)
{
    uint64_t far = RD(far_el2);
    uint64_t ipa = HPFAR_FIPA_TO_IPA(RD(hpfar_el2)) | (far & 0xfffu);
    if ((esr & ISS_DFSC_MASK) != ISS_DFSC_PERM || (esr & ISS_S1PTW))
        return ipa;
    uint64_t par = RD(par_el1); /* the guest's */
    __asm__ volatile("at s1e1r, %0\n\tisb" : : "r"(far));
    uint64_t res = RD(par_el1);
    WR(par_el1, par);
    /* a failed walk (the guest changed its tables meanwhile): HPFAR is
     * the best there is, and what QEMU fills in */
    return (res & PAR_F) ? ipa : (res & PAR_PA_MASK) | (far & 0xfffu);
}

void arch_enter_guest_mode(void)
{
    WR(hcr_el2, HCR_GUEST);
    __asm__ volatile("isb");
}

void arch_enter_native_mode(void)
{
    WR(hcr_el2, HCR_EL2_NATIVE);
    /* A guest's SCTLR_EL1 stays if native threads would not see the
     * difference: under QEMU, each change of it is a full TLB flush (two
     * per exit to the VMM, and the guest refills its TLB after each). */
    if ((RD(sctlr_el1) ^ NATIVE_SCTLR_EL1) & ~(uint64_t)SCTLR_EL1_NOT_EL0)
        WR(sctlr_el1, NATIVE_SCTLR_EL1);
    WR(cpacr_el1, NATIVE_CPACR);
    WR(cntkctl_el1, NATIVE_CNTKCTL);
    /* EL0 can read it: a native thread must not see the guest's value. */
    WR(tpidrro_el0, 0);
    /* The guest's timers run on: if one fires here, its interrupt is turned
     * off until the guest runs again (vcpu.c vcpu_handle_irq). Native
     * threads read the virtual count unshifted. */
    WR_CHANGED(cntvoff_el2, 0);
    __asm__ volatile("isb");
}
