/*
 * Translation-table descriptor bits, 4 KiB granule, VMSAv8-64.
 *
 * Stage 2 (VTTBR_EL2, EL0 threads' address spaces, built by the generic kernel): ARM ARM D8.3
 * "Translation table descriptor formats" and D8.5.5 "Stage 2 memory type and Cacheability
 * attributes". Stage 1 of EL2 (TTBR0_EL2, the kernel's identity map): same layout with AttrIndx/AP
 * instead of MemAttr/S2AP.
 */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include <arch/sysreg.h> /* SR_ULL: constants usable from assembly too */

/* Common to both stages. */
#define PTE_VALID     (SR_ULL(1) << 0)
#define PTE_TABLE     (SR_ULL(1) << 1) /* level 0..2: next-level table (with VALID) */
#define PTE_PAGE      (SR_ULL(1) << 1) /* level 3: page (with VALID); 0 there is reserved */
#define PTE_BLOCK     (SR_ULL(0) << 1) /* level 1..2: block (with VALID) */
#define PTE_TYPE_MASK SR_ULL(3)
#define PTE_SH_INNER  (SR_ULL(3) << 8)  /* SH[1:0] = 0b11 inner shareable */
#define PTE_AF        (SR_ULL(1) << 10) /* access flag: 0 would fault on first access */
/* Execute never (stage 2: XN[1]; XN[0] ignored without FEAT_XNX). */
#define PTE_XN (SR_ULL(1) << 54)
/* Output address bits [47:12] of a page/table; a level-2 block uses [47:21]. */
#define PTE_OA_MASK          SR_ULL(0x0000fffffffff000)
#define PTE_OA_MASK_L2_BLOCK SR_ULL(0x0000ffffffe00000)

/* Stage 2: MemAttr[3:0] at [5:2] (HCR_EL2.FWB=0). */
#define S2_MEMATTR(x)           (SR_ULL(x) << 2)
#define S2_MEMATTR_NORMAL_WB    S2_MEMATTR(0xf) /* outer WB, inner WB */
#define S2_MEMATTR_DEVICE_nGnRE S2_MEMATTR(0x1)
/* Stage 2: S2AP[1:0] at [7:6]: bit 6 = read, bit 7 = write. */
#define S2_AP_R (SR_ULL(1) << 6)
#define S2_AP_W (SR_ULL(1) << 7)

/* Stage-2 geometry chosen in VTCR_EL2: 39-bit IPA, walk starts at level 1. */
#define S2_ENTRIES           512 /* per 4 KiB table */
#define S2_L1_SHIFT          30
#define S2_L2_SHIFT          21
#define S2_L3_SHIFT          12
#define S2_INDEX(ipa, shift) (((ipa) >> (shift)) & (S2_ENTRIES - 1))

/* Stage 1 of EL2: AttrIndx[2:0] at [4:2]; AP[1] RES1 (EL2 has no EL0); AP[2] 0: writable. */
#define S1_ATTRIDX(i) (SR_ULL(i) << 2)
#define S1_AP1_RES1   (SR_ULL(1) << 6)

#endif /* ARCH_PTE_H */
