/*
 * The fake architecture's exception syndrome: a format of its own, so the
 * host tests show that the generic kernel reads a syndrome only through
 * these hooks (kernel/arch.h). Bits 7:0 say what happened (FAKE_EC_*); a
 * data abort adds its access in bits 31:8 (FAKE_DA_*), a trapped system
 * register access its transfer register and direction.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <capvisor/abi.h>

enum fake_ec {
    FAKE_EC_OTHER = 0,
    FAKE_EC_SVC,
    FAKE_EC_FP,
    FAKE_EC_WFI,
    FAKE_EC_WFE,
    FAKE_EC_DABT,
    FAKE_EC_IABT,
    FAKE_EC_ALIGN,
    FAKE_EC_HVC,
    FAKE_EC_SMC,
    FAKE_EC_SYSREG,
};

#define FAKE_EC(s)       ((uint32_t)(s)&0xffu)
#define FAKE_DA_WRITE    (1u << 8)
#define FAKE_DA_LOG2W(n) (((uint32_t)(n) + 1u) << 9) /* 0: no access described */
#define FAKE_DA_REG(r)   ((uint32_t)(r) << 16)       /* also a sysreg's Rt */
#define FAKE_DA_SIGNED   (1u << 21)
#define FAKE_DA_SF       (1u << 22)
#define FAKE_SYSREG_READ (1u << 8)
#define FAKE_REG_OF(s)   (((uint32_t)(s) >> 16) & 31u)

static inline enum arch_trap arch_trap_kind(uint64_t syndrome, bool guest)
{
    static const enum arch_trap native[] = {
        [FAKE_EC_SVC] = ARCH_TRAP_SYSCALL,     [FAKE_EC_FP] = ARCH_TRAP_FP,
        [FAKE_EC_WFI] = ARCH_TRAP_WFI,         [FAKE_EC_WFE] = ARCH_TRAP_WFE,
        [FAKE_EC_DABT] = ARCH_TRAP_DATA_ABORT, [FAKE_EC_IABT] = ARCH_TRAP_INSN_ABORT,
        [FAKE_EC_ALIGN] = ARCH_TRAP_ALIGNMENT,
    };
    uint32_t ec = FAKE_EC(syndrome);
    if (guest) {
        static const enum arch_trap g[] = {
            [FAKE_EC_FP] = ARCH_TRAP_FP,           [FAKE_EC_WFI] = ARCH_TRAP_WFI,
            [FAKE_EC_WFE] = ARCH_TRAP_WFE,         [FAKE_EC_DABT] = ARCH_TRAP_DATA_ABORT,
            [FAKE_EC_IABT] = ARCH_TRAP_INSN_ABORT, [FAKE_EC_HVC] = ARCH_TRAP_HVC,
            [FAKE_EC_SMC] = ARCH_TRAP_SMC,         [FAKE_EC_SYSREG] = ARCH_TRAP_SYSREG,
        };
        return ec < sizeof(g) / sizeof(g[0]) ? g[ec] : ARCH_TRAP_OTHER;
    }
    return ec < sizeof(native) / sizeof(native[0]) ? native[ec] : ARCH_TRAP_OTHER;
}

static inline bool arch_trap_is_syscall(uint64_t syndrome)
{
    return FAKE_EC(syndrome) == FAKE_EC_SVC;
}

static inline uint64_t arch_abort_access(uint64_t syndrome)
{
    uint32_t s = (uint32_t)syndrome, log2w1 = (s >> 9) & 7u;
    uint64_t a = (uint64_t)s << CV_DA_SYNDROME_SHIFT;
    a |= (s & FAKE_DA_WRITE) ? CV_DA_WRITE : 0;
    if (!log2w1)
        return a;
    a |= 1u << (log2w1 - 1u);
    a |= (uint64_t)FAKE_REG_OF(s) << CV_DA_REG_SHIFT;
    a |= (s & FAKE_DA_SIGNED) ? CV_DA_SIGNED : 0;
    a |= (s & FAKE_DA_SF) ? CV_DA_SF : 0;
    return a;
}

static inline uint64_t arch_store_value(const struct arch_regs *r, uint64_t access)
{
    uint32_t w = CV_DA_WIDTH(access), rt = CV_DA_REG(access);
    if (!(access & CV_DA_WRITE) || !w || rt > 30)
        return 0;
    return w == 8 ? r->x[rt] : r->x[rt] & ((1ull << (8 * w)) - 1);
}

#endif
