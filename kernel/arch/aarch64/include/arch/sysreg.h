/*
 * AArch64 system-register field values used by the EL2 architecture layer, and accessors. Usable
 * from assembly (the #defines) and C (the accessors). Field positions: ARM ARM (DDI 0487) chapter
 * D17/D19 register descriptions.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#ifdef __ASSEMBLER__
#define SR_ULL(x) x
#else
#define SR_ULL(x) (x##ull)
#endif
#define SR_BIT(n)  (1 << (n))
#define SR_BITL(n) (SR_ULL(1) << (n))

/* CurrentEL: EL in bits [3:2]. */
#define CURRENTEL_EL2 (2 << 2)

/* SCTLR_EL2 (non-VHE): RES1 bits 4,5,11,16,18,22,23,28,29. */
#define SCTLR_EL2_RES1 0x30c50830
#define SCTLR_M        SR_BIT(0)  /* stage-1 MMU enable */
#define SCTLR_C        SR_BIT(2)  /* data cacheability */
#define SCTLR_SA       SR_BIT(3)  /* SP alignment check */
#define SCTLR_I        SR_BIT(12) /* instruction cacheability */

/*
 * SCTLR_EL1 as seen by EL0 with HCR_EL2.TGE=1 (M is treated as 0). RES1 bits 11,20,22,23,28,29.
 * UCI/UCT/DZE let EL0 do cache maintenance to PoU (loaders writing code), read CTR_EL0 and use DC
 * ZVA (libc memset). nTWI/nTWE stay 0 so EL0 WFI/WFE trap to EL2 (EC 0x01) instead of sleeping on
 * the core. SA0: EL0 SP alignment check.
 */
#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_EL1_SA0  SR_BIT(4)
#define SCTLR_EL1_DZE  SR_BIT(14)
#define SCTLR_EL1_UCT  SR_BIT(15)
#define SCTLR_EL1_UCI  SR_BIT(26)
#define SCTLR_EL1_NTWE SR_BIT(18)
/*
 * SCTLR_EL1 bits that do not act on a native EL0 thread (HCR_EL2.TGE 1, E2H 0: stage 1 off,
 * exceptions to EL2, AArch64 only): stage-1 and cache enables (M, C, I, WXN), EL1-only controls
 * (SA, EOS, IESB, EIS, SPAN, EE, BT1, ITFSB, TCF, ATA, DSSBS, EPAN) and AArch32 EL0 ones (CP15BEN,
 * ITD, SED, UMA, nTLSMD, LSMAOE). ARM ARM D17.2.118.
 */
#define SCTLR_EL1_NOT_EL0                                                                          \
    (SR_BIT(0) | SR_BIT(2) | SR_BIT(3) | SR_BIT(5) | SR_BIT(7) | SR_BIT(8) | SR_BIT(9) |           \
     SR_BIT(11) | SR_BIT(12) | SR_BIT(19) | SR_BIT(21) | SR_BIT(22) | SR_BIT(23) | SR_BIT(25) |    \
     SR_BIT(28) | SR_BIT(29) | SR_BITL(36) | SR_BITL(37) | SR_BITL(40) | SR_BITL(41) |             \
     SR_BITL(43) | SR_BITL(44) | SR_BITL(57))

/* HCR_EL2 (ARM ARM D17.2.48). */
#define HCR_VM         SR_BITL(0)
#define HCR_FMO        SR_BITL(3)
#define HCR_IMO        SR_BITL(4)
#define HCR_AMO        SR_BITL(5)
#define HCR_DC         SR_BITL(12)
#define HCR_TSC        SR_BITL(19)
#define HCR_TGE        SR_BITL(27)
#define HCR_RW         SR_BITL(31)
#define HCR_EL2_NATIVE (HCR_RW | HCR_TGE | HCR_VM | HCR_DC | HCR_IMO | HCR_FMO | HCR_AMO | HCR_TSC)

/* MAIR_EL2 attribute indices of the EL2 identity map. */
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_NORMAL        1
#define MAIR_IDX_DEVICE_nGnRE  2
#define MAIR_EL2_VALUE         0x04ff00 /* attr0 0x00, attr1 0xff (WB RW-alloc), attr2 0x04 */

/* TCR_EL2 (non-VHE): RES1 bits 23 and 31; 39-bit VA, 4K, WB WA, inner shareable. */
#define TCR_EL2_RES1     (SR_BITL(31) | SR_BITL(23))
#define TCR_T0SZ_39      25
#define TCR_IRGN0_WBWA   (1 << 8)
#define TCR_ORGN0_WBWA   (1 << 10)
#define TCR_SH0_INNER    (3 << 12)
#define TCR_TG0_4K       (0 << 14)
#define TCR_EL2_PS_SHIFT 16
#define TCR_EL2_BASE                                                                               \
    (TCR_EL2_RES1 | TCR_T0SZ_39 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K)

/* VTCR_EL2: 39-bit IPA, start at level 1 (SL0=1), 4K, WB WA, inner shareable. */
#define VTCR_RES1       SR_BITL(31)
#define VTCR_T0SZ_39    25
#define VTCR_SL0_L1     (1 << 6)
#define VTCR_IRGN0_WBWA (1 << 8)
#define VTCR_ORGN0_WBWA (1 << 10)
#define VTCR_SH0_INNER  (3 << 12)
#define VTCR_TG0_4K     (0 << 14)
#define VTCR_PS_SHIFT   16
#define VTCR_VS_16      SR_BITL(19)
#define VTCR_BASE                                                                                  \
    (VTCR_RES1 | VTCR_T0SZ_39 | VTCR_SL0_L1 | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER | \
     VTCR_TG0_4K)
#define VTTBR_VMID_SHIFT 48

/* ID_AA64MMFR0_EL1.PARange [3:0] and ID_AA64MMFR1_EL1.VMIDBits [7:4]. */
#define PARANGE_40BIT     2
#define MMFR1_VMIDBITS_16 2

/* CPTR_EL2 (non-VHE): RES1 bits [13:12], [9:0]; TFP traps FP/SIMD (EC 0x07). */
#define CPTR_EL2_RES1 0x33ff
#define CPTR_TFP      SR_BIT(10)

/* MDCR_EL2: trap EL0/EL1 PMU accesses and MDRAR_EL1 to EL2; the other
 * debug registers (TDA, TDOSA) until a vCPU uses them (vcpu.c dbg_enter). */
#define MDCR_TPMCR     SR_BIT(5)
#define MDCR_TPM       SR_BIT(6)
#define MDCR_TDA       SR_BIT(9)
#define MDCR_TDOSA     SR_BIT(10)
#define MDCR_TDRA      SR_BIT(11)
#define MDCR_HPMN_MASK 0x1f

/* CNTHCTL_EL2 (E2H=0): EL1PCTEN, EL1PCEN. CNTKCTL_EL1: EL0PCTEN, EL0VCTEN. */
#define CNTHCTL_EL1PCTEN SR_BIT(0)
#define CNTHCTL_EL1PCEN  SR_BIT(1)
#define CNTKCTL_EL0PCTEN SR_BIT(0)
#define CNTKCTL_EL0VCTEN SR_BIT(1)

/* CNTHP_CTL_EL2, CNTP_CTL_EL0 and CNTV_CTL_EL0 (one layout). */
#define CNT_CTL_ENABLE SR_BIT(0)
#define CNT_CTL_IMASK  SR_BIT(1)

#ifndef __ASSEMBLER__
#include <stdint.h>

#define sysreg_read(r)                                                                             \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #r : "=r"(v_));                                                \
        v_;                                                                                        \
    })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define isb()              __asm__ volatile("isb" ::: "memory")
#define dsb(opt)           __asm__ volatile("dsb " #opt ::: "memory")
#endif

#endif /* ARCH_SYSREG_H */
