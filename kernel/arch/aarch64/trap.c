/*
 * What a synchronous exception from EL0 or a guest's EL1 is, decoded from its syndrome once, here
 * (ARM ARM D17.2.37 ESR_EL2: EC [31:26]; the ISS of a data abort D17.2.40, of a trapped MSR/MRS
 * D17.2.37 EC 0x18). The generic kernel sees only enum arch_trap, the exit record's access word
 * (abi.h CV_DA_*) and the hooks below; the syndrome itself goes to user level only as an opaque
 * word in fault and exit messages.
 */
#include <kernel/arch.h>
#include <kernel/vcpu.h>

#include <arch/trap.h>

void arch_trap_restart(struct arch_regs *r, uint64_t syndrome)
{
    uint32_t ec = (uint32_t)(syndrome >> 26) & 0x3fu;
    if (ec == ARCH_EC_SVC64 || ec == ARCH_EC_HVC64) /* ELR_EL2 is past them */
        r->pc -= 4;
}

/* A load's value: sign- or zero-extended to 64 bits, then cut to 32 for a
 * W register (ARM ARM C6.2 LDRSB/LDRSH/LDRSW and the plain loads). */
void arch_load_done(struct arch_regs *r, uint64_t access, uint64_t value)
{
    uint32_t rt = CV_DA_REG(access), bits = CV_DA_WIDTH(access) * 8;
    if (bits < 64) {
        value &= (1ull << bits) - 1;
        if ((access & CV_DA_SIGNED) && (value >> (bits - 1)) & 1)
            value |= ~((1ull << bits) - 1);
    }
    if (!(access & CV_DA_SF))
        value &= 0xffffffffull;
    if (!(access & CV_DA_WRITE) && rt < 31)
        r->x[rt] = value;
    arch_regs_skip(r);
}

uint64_t arch_sysreg_value(const struct arch_regs *r, uint64_t syndrome)
{
    uint32_t rt = ARCH_ISS_SYSREG_RT(syndrome);
    return (syndrome & ARCH_ISS_SYSREG_READ) || rt == 31 ? 0 : r->x[rt];
}

void arch_sysreg_read_done(struct arch_regs *r, uint64_t syndrome, uint64_t value)
{
    uint32_t rt = ARCH_ISS_SYSREG_RT(syndrome);
    if ((syndrome & ARCH_ISS_SYSREG_READ) && rt < 31)
        r->x[rt] = value;
    arch_regs_skip(r);
}

/* ISS of a trapped MSR/MRS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn
 * [13:10], CRm [4:1]. The ID registers (TID3) are Op0 3, Op1 0, CRn 0. */
#define SYSREG_ID_SPACE_MASK 0x31fc00u
#define SYSREG_ID_SPACE      0x300000u
#define SYSREG_OP2(esr)      ((uint32_t)((esr) >> 17) & 7u)
#define SYSREG_CRM(esr)      ((uint32_t)((esr) >> 1) & 15u)

bool arch_sysreg_local(struct arch_regs *r, uint64_t syndrome)
{
    uint64_t v;
    if ((syndrome & SYSREG_ID_SPACE_MASK) != SYSREG_ID_SPACE ||
        !(syndrome & ARCH_ISS_SYSREG_READ) ||
        !arch_vcpu_id_reg(SYSREG_CRM(syndrome), SYSREG_OP2(syndrome), &v))
        return false;
    arch_sysreg_read_done(r, syndrome, v);
    return true;
}

void arch_call_args(const struct arch_regs *r, uint64_t *args, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < 8; i++)
        args[i] = r->x[i];
}

void arch_call_result(struct arch_regs *r, uint64_t value)
{
    r->x[0] = value;
}

uint64_t arch_insn_abort_ipa(void)
{
    return (arch_read_hpfar() >> 4) << 12;
}
