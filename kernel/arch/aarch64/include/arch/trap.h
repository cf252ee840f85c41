/*
 * The syndrome decode the hot paths need (a guest's posted write, its device access exit, the IPC
 * fast path), inline: ARM ARM D17.2.37 ESR_EL2: EC [31:26]; the ISS of a data abort D17.2.40.
 * Declared for the generic kernel in kernel/arch.h; the rest of the decode is in trap.c.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <capvisor/abi.h>

#define ARCH_EC_WFX        0x01u
#define ARCH_EC_FP         0x07u
#define ARCH_EC_SVC64      0x15u
#define ARCH_EC_HVC64      0x16u
#define ARCH_EC_SMC64      0x17u
#define ARCH_EC_SYSREG     0x18u
#define ARCH_EC_IABT_LOWER 0x20u
#define ARCH_EC_PC_ALIGN   0x22u
#define ARCH_EC_DABT_LOWER 0x24u
#define ARCH_EC_SP_ALIGN   0x26u

#define ARCH_ISS_ISV            (1u << 24)
#define ARCH_ISS_SAS_SHIFT      22u
#define ARCH_ISS_SSE            (1u << 21)
#define ARCH_ISS_SRT_SHIFT      16u
#define ARCH_ISS_SF             (1u << 15)
#define ARCH_ISS_CM             (1u << 8)
#define ARCH_ISS_S1PTW          (1u << 7)
#define ARCH_ISS_WNR            (1u << 6)
#define ARCH_ISS_DFSC_MASK      0x3fu
#define ARCH_DFSC_ALIGNMENT     0x21u
#define ARCH_ISS_WFX_WFE        1u
#define ARCH_ISS_SYSREG_READ    1u
#define ARCH_ISS_SYSREG_RT(esr) (((uint32_t)(esr) >> 5) & 31u)

static inline enum arch_trap arch_trap_kind(uint64_t syndrome, bool guest)
{
    switch ((uint32_t)(syndrome >> 26) & 0x3fu) {
    case ARCH_EC_SVC64:
        return guest ? ARCH_TRAP_OTHER : ARCH_TRAP_SYSCALL;
    case ARCH_EC_FP:
        return ARCH_TRAP_FP;
    case ARCH_EC_WFX:
        return (syndrome & ARCH_ISS_WFX_WFE) ? ARCH_TRAP_WFE : ARCH_TRAP_WFI;
    case ARCH_EC_DABT_LOWER:
        if (!guest && (syndrome & ARCH_ISS_DFSC_MASK) == ARCH_DFSC_ALIGNMENT)
            return ARCH_TRAP_ALIGNMENT;
        return ARCH_TRAP_DATA_ABORT;
    case ARCH_EC_IABT_LOWER:
        return ARCH_TRAP_INSN_ABORT;
    case ARCH_EC_PC_ALIGN:
    case ARCH_EC_SP_ALIGN:
        return guest ? ARCH_TRAP_OTHER : ARCH_TRAP_ALIGNMENT;
    case ARCH_EC_HVC64:
        return guest ? ARCH_TRAP_HVC : ARCH_TRAP_OTHER;
    case ARCH_EC_SMC64:
        return guest ? ARCH_TRAP_SMC : ARCH_TRAP_OTHER;
    case ARCH_EC_SYSREG:
        return guest ? ARCH_TRAP_SYSREG : ARCH_TRAP_OTHER;
    default:
        return ARCH_TRAP_OTHER;
    }
}

static inline bool arch_trap_is_syscall(uint64_t syndrome)
{
    return ((uint32_t)(syndrome >> 26) & 0x3fu) == ARCH_EC_SVC64;
}

static inline uint64_t arch_abort_access(uint64_t syndrome)
{
    uint64_t a = (uint64_t)(uint32_t)syndrome << CV_DA_SYNDROME_SHIFT;
    if (syndrome & ARCH_ISS_WNR)
        a |= CV_DA_WRITE;
    if (syndrome & ARCH_ISS_S1PTW)
        a |= CV_DA_S1PTW;
    if (syndrome & ARCH_ISS_CM)
        a |= CV_DA_CACHE;
    if (!(syndrome & ARCH_ISS_ISV))
        return a; /* width 0: the syndrome does not describe the access */
    a |= 1u << ((syndrome >> ARCH_ISS_SAS_SHIFT) & 3u);
    a |= (uint64_t)((syndrome >> ARCH_ISS_SRT_SHIFT) & 31u) << CV_DA_REG_SHIFT;
    if (syndrome & ARCH_ISS_SSE)
        a |= CV_DA_SIGNED;
    if (syndrome & ARCH_ISS_SF)
        a |= CV_DA_SF;
    return a;
}

/** All ones in the low `width` bytes. */
static inline uint64_t arch_width_mask(uint32_t width)
{
    return width >= 8 ? ~0ull : (1ull << (8u * width)) - 1u;
}

static inline uint64_t arch_store_value(const struct arch_regs *r, uint64_t access)
{
    uint32_t rt = CV_DA_REG(access), width = CV_DA_WIDTH(access);
    if (!width || !(access & CV_DA_WRITE) || rt == 31)
        return 0;
    return r->x[rt] & arch_width_mask(width);
}

#endif
