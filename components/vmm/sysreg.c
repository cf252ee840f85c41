/*
 * Trapped system registers (sysreg.h). ISS of EC 0x18 (ARM ARM D17.2.37,
 * "ISS encoding for an exception from MSR, MRS, or System instruction
 * execution in AArch64 state"): Op0 [21:20], Op2 [19:17], Op1 [16:14],
 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
 */
#include <stdio.h>

#include <cap/invoke.h>

#include "inject.h"
#include "sysreg.h"
#include "virq.h"

#define ISS_MASK    0x1ffffffull
#define ISS_READ    1ull
#define ISS_RT(iss) (((iss) >> 5) & 31u)
/* The encoding fields only: Rt and Direction cleared. */
#define ISS_ENC(iss) ((iss)&0x3ffc1eull)
#define ENC(op0, op1, crn, crm, op2)                                                               \
    (((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) |                 \
     ((uint64_t)(crn) << 10) | ((uint64_t)(crm) << 1))

/** What a trapped access to a group's registers does. */
enum sysreg_action {
    SYSREG_RAZ_WI, /* reads give 0, writes are ignored */
    SYSREG_UNDEF,  /* an Undefined Instruction exception in the guest */
};

/** A group of registers: those whose encoding & mask == match. */
struct sysreg_group {
    uint64_t mask;
    uint64_t match;
    const char *name;
    enum sysreg_action action;
};

/*
 * The trapped registers the VMM answers (ARM ARM D19: debug; D23: PMUv3).
 * The PMU is hidden (ID_AA64DFR0_EL1.PMUVer 0, kernel arch_vcpu_id_reg;
 * docs/vmm.md "What the virtual CPU advertises"): every PMU register
 * UNDEFs, as on a CPU without one. MDCR_EL2.TPM traps them all.
 */
static const struct sysreg_group sysreg_groups[] = {
    /* Op0 = 2: what of debug and trace still traps (MDRAR_EL1, MDCR_EL2.TDRA;
     * the debug registers themselves are the vCPU's own: docs/vmm.md) */
    {ENC(3, 0, 0, 0, 0), ENC(2, 0, 0, 0, 0), "debug", SYSREG_RAZ_WI},
    /* Op0 = 3, CRn = 9, CRm = 12..15: PMCR_EL0, PMCNTENSET/CLR_EL0,
     * PMOVSCLR/SET_EL0, PMSWINC_EL0, PMSELR_EL0, PMCEID0/1_EL0, PMCCNTR_EL0,
     * PMXEVTYPER/CNTR_EL0, PMUSERENR_EL0 (Op1 3); PMINTENSET/CLR_EL1,
     * PMMIR_EL1 (Op1 0) */
    {ENC(3, 0, 15, 12, 0), ENC(3, 0, 9, 12, 0), "pmu", SYSREG_UNDEF},
    /* Op0 = 3, Op1 = 3, CRn = 9, CRm = 4..7: PMICNTR_EL0, PMICFILTR_EL0 (PMUv3.9) */
    {ENC(3, 7, 15, 12, 0), ENC(3, 3, 9, 4, 0), "pmu", SYSREG_UNDEF},
    /* Op0 = 3, Op1 = 3, CRn = 14, CRm = 8..15: PMEVCNTRn, PMEVTYPERn, PMCCFILTR */
    {ENC(3, 7, 15, 8, 0), ENC(3, 3, 14, 8, 0), "pmu", SYSREG_UNDEF},
};

/** The group holding encoding enc, or NULL. */
static const struct sysreg_group *sysreg_find(uint64_t enc)
{
    for (size_t i = 0; i < sizeof(sysreg_groups) / sizeof(sysreg_groups[0]); i++)
        if ((enc & sysreg_groups[i].mask) == sysreg_groups[i].match)
            return &sysreg_groups[i];
    return NULL;
}

/** An UNDEF for the access at vCPU i's pc; the vCPU resumes at its vector. */
static struct vmexit_result sysreg_undef(struct vm *vm, unsigned i)
{
    enum cv_err err = inject_undef(vm, i);
    if (err != CV_OK)
        return vm_halt(vm, "vcpu %u: injecting an UNDEF: %s", i, cv_err_str(err));
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

/** A read: Rt = 0 and on to the next instruction. */
static struct vmexit_result sysreg_read_zero(struct vm *vm, unsigned i, unsigned rt)
{
    struct cv_user_regs regs;
    enum cv_err err = cv_tcb_read_regs(vm->vcpu[i].tcb, &regs);
    if (err == CV_OK) {
        if (rt < 31)
            regs.x[rt] = 0;
        regs.pc += 4;
        err = cv_tcb_write_regs(vm->vcpu[i].tcb, &regs);
    }
    if (err != CV_OK)
        return vm_halt(vm, "vcpu %u: emulating a system register read: %s", i, cv_err_str(err));
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

/* GICv3 SGI generation (GIC architecture specification v3, 12.2.21-23):
 * EL1 writes trap to EL2 while HCR_EL2.IMO is set, as it is for guests. */
#define ICC_SGI1R_EL1  ENC(3, 0, 12, 11, 5)
#define ICC_ASGI1R_EL1 ENC(3, 0, 12, 11, 6)
#define ICC_SGI0R_EL1  ENC(3, 0, 12, 11, 7)

/**
 * An SGI register write of a GICv3 guest: ICC_SGI1R_EL1 raises the SGI at
 * its targets (a Group 1 guest's, Linux's IPIs); the Group 0 forms have no
 * Group 0 interrupts to raise in a guest of one security state that uses
 * Group 1, so they are ignored. True if `enc` was one of them.
 */
static bool sysreg_sgi(struct vm *vm, const struct vmexit *m, uint64_t enc, bool read)
{
    if (vm->gic_version != 3 || read ||
        (enc != ICC_SGI1R_EL1 && enc != ICC_ASGI1R_EL1 && enc != ICC_SGI0R_EL1))
        return false;
    if (enc == ICC_SGI1R_EL1) {
        (void)vgic_sgi1r_write(&vm->vgic, m->vcpu, m->mr[2]);
        virq_deliver(vm);
    }
    return true;
}

struct vmexit_result sysreg_access(struct vm *vm, const struct vmexit *m)
{
    uint64_t iss = m->mr[1] & ISS_MASK;
    if (sysreg_sgi(vm, m, ISS_ENC(iss), iss & ISS_READ))
        return vmexit_reply(CV_FAULT_SKIP, 0);
    const struct sysreg_group *g = sysreg_find(ISS_ENC(iss));
    if (!g) {
        uint64_t e = ISS_ENC(iss);
        return vm_halt(vm,
                       "vcpu %u: trapped %s of system register S%u_%u_C%u_C%u_%u "
                       "(pc 0x%llx, esr 0x%llx)",
                       m->vcpu, (iss & ISS_READ) ? "read" : "write", (unsigned)(e >> 20) & 3,
                       (unsigned)(e >> 14) & 7, (unsigned)(e >> 10) & 15, (unsigned)(e >> 1) & 15,
                       (unsigned)(e >> 17) & 7, (unsigned long long)m->mr[0],
                       (unsigned long long)m->mr[1]);
    }
    if (g->action == SYSREG_UNDEF)
        return sysreg_undef(vm, m->vcpu);
    if (iss & ISS_READ)
        return sysreg_read_zero(vm, m->vcpu, ISS_RT(iss));
    return vmexit_reply(CV_FAULT_SKIP, 0);
}
