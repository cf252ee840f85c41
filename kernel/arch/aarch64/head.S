/*
 * Boot path of capvisor on AArch64 EL2 (non-VHE), entered at EL2 with the MMU and caches off
 * (docs/build.md). The ELF is loaded at its link address, RAM base + 2 MiB (kernel.ld), with
 * x0 = 0 and the DTB at the base of RAM; image.bin starts with the arm64 Image header (Linux
 * Documentation/arch/arm64/booting.rst), loaded at RAM base + text_offset with x0 = the DTB.
 * Secondary cores enter at arch_secondary_entry (PSCI CPU_ON, x0 = core index).
 */
#include <arch/asm.h>
#include <arch/pte.h>
#include <arch/sysreg.h>

/* Identity-map block descriptors (level 1, 1 GiB each). */
#define BLOCK_DEVICE (PTE_VALID | PTE_BLOCK | S1_ATTRIDX(MAIR_IDX_DEVICE_nGnRnE) | \
                      S1_AP1_RES1 | PTE_AF | PTE_XN)
#define BLOCK_NORMAL (PTE_VALID | PTE_BLOCK | S1_ATTRIDX(MAIR_IDX_NORMAL) |        \
                      S1_AP1_RES1 | PTE_SH_INNER | PTE_AF)

    .section .head.text, "ax"
    .global _start
_start:
    /* arm64 Image header, 64 bytes. */
    b primary_entry             /* code0 */
    .long 0                     /* code1 */
    .quad 0x200000              /* text_offset: load at RAM base + 2 MiB */
    .quad __image_size          /* image_size, BSS included */
    /* flags: little endian, 4 KiB pages, bit 3 = 0: not relocatable, at 2 MiB-aligned
     * base + text_offset as close to the start of RAM as possible (QEMU virt 0x40200000) */
    .quad 0x2
    .quad 0, 0, 0               /* res2..res4 */
    .ascii "ARM\x64"            /* magic */
    .long 0                     /* res5 */

primary_entry:
    msr daifset, #0xf
    mov x19, x0                 /* DTB physical address, or 0 */
    bl check_el2_at_link_address
    bl mmu_build_identity_map
    bl el2_setup
    /* BSS zeroed only now, caches on, so no line a previous boot stage left dirty can later
     * overwrite the zeroes (the identity table is in .pagetable, outside the BSS). */
    adrp x0, __bss_start
    add x0, x0, :lo12:__bss_start
    adrp x1, __bss_end
    add x1, x1, :lo12:__bss_end
1:  cmp x0, x1
    b.hs 2f
    stp xzr, xzr, [x0], #16
    b 1b
2:  mov x0, #0
    bl set_stack
    mov x0, x19
    mrs x1, mpidr_el1
    bl kernel_main
    b arch_halt

    .text
/* PSCI CPU_ON entry, x0 = core index; the boot core built the identity map. */
    .global arch_secondary_entry
    .balign 8
arch_secondary_entry:
    msr daifset, #0xf
    mov x19, x0
    bl check_el2_at_link_address
    cmp x19, #ARCH_MAX_CORES
    b.hs park
    bl el2_setup
    mov x0, x19
    bl set_stack
    mov x0, x19
    bl kernel_secondary_main
    b arch_halt

/* Spins unless at EL2 at the link address (not position independent); no UART known yet. */
check_el2_at_link_address:
    mrs x0, CurrentEL
    cmp x0, #CURRENTEL_EL2
    b.ne park
    adr x0, _start
    ldr x1, =_start
    cmp x0, x1
    b.ne park
    ret

park:
    wfe
    b park

/* SP = top of arch_stacks[x0]. */
set_stack:
    adrp x1, arch_stacks
    add x1, x1, :lo12:arch_stacks
    add x0, x0, #1
    lsl x0, x0, #ARCH_STACK_SHIFT
    add sp, x1, x0
    ret

/*
 * Builds the EL2 stage-1 level-1 table (39-bit VA, 1 GiB blocks): the GiBs below the kernel's
 * Device-nGnRnE (the boards' devices are below RAM), the rest Normal write-back inner shareable.
 * Written with the MMU off, then invalidated so the walker (cacheable per TCR_EL2.IRGN0) cannot
 * hit stale cache contents.
 */
mmu_build_identity_map:
    adrp x0, arch_el2_l1_table
    adr x4, _start
    lsr x4, x4, #30
    ldr x5, =BLOCK_DEVICE
    ldr x6, =BLOCK_NORMAL
    mov x2, #0
1:  cmp x2, x4
    csel x1, x5, x6, lo
    orr x3, x1, x2, lsl #30
    str x3, [x0, x2, lsl #3]
    add x2, x2, #1
    cmp x2, #512
    b.lo 1b
    dsb sy
    mov x2, #0
2:  add x3, x0, x2
    dc ivac, x3
    add x2, x2, #64             /* smallest D-cache line of ARMv8 cores */
    cmp x2, #4096
    b.lo 2b
    dsb sy
    ret

/* Programs this core's EL2 controls, identity map on. Clobbers x0..x3; no stack yet. */
el2_setup:
    msr spsel, #1               /* the kernel runs on SP_EL2 */
    /* Known state with the MMU off (a firmware may have left bits set). */
    ldr x0, =SCTLR_EL2_RES1
    msr sctlr_el2, x0
    isb
    adr x0, arch_vectors
    msr vbar_el2, x0

    /* EL2 stage 1: MAIR, TCR (PS capped at 40 bits), TTBR0. */
    ldr x0, =MAIR_EL2_VALUE
    msr mair_el2, x0
    mrs x1, id_aa64mmfr0_el1
    and x1, x1, #0xf
    cmp x1, #PARANGE_40BIT
    mov x2, #PARANGE_40BIT
    csel x1, x1, x2, lo         /* x1 = min(PARange, 40-bit) */
    ldr x0, =TCR_EL2_BASE
    orr x0, x0, x1, lsl #TCR_EL2_PS_SHIFT
    msr tcr_el2, x0
    adrp x0, arch_el2_l1_table
    msr ttbr0_el2, x0

    /* Stage 2 of EL1&0 (the EL0 threads): same PS cap, 16-bit VMIDs if present. */
    ldr x0, =VTCR_BASE
    orr x0, x0, x1, lsl #VTCR_PS_SHIFT
    mrs x2, id_aa64mmfr1_el1
    ubfx x2, x2, #4, #4
    cmp x2, #MMFR1_VMIDBITS_16
    b.ne 1f
    orr x0, x0, #VTCR_VS_16
1:  msr vtcr_el2, x0
    msr vttbr_el2, xzr

    /* EL0 threads: TGE routes their exceptions here, VM gives stage 2. */
    ldr x0, =HCR_EL2_NATIVE
    msr hcr_el2, x0
    ldr x0, =(SCTLR_EL1_RES1 | SCTLR_EL1_SA0 | SCTLR_EL1_DZE | SCTLR_EL1_UCT | SCTLR_EL1_UCI)
    msr sctlr_el1, x0
    ldr x0, =(CPTR_EL2_RES1 | CPTR_TFP)
    msr cptr_el2, x0
    mrs x0, mdcr_el2
    and x0, x0, #MDCR_HPMN_MASK
    mov x2, #(MDCR_TPMCR | MDCR_TPM | MDCR_TDRA | MDCR_TDA | MDCR_TDOSA)
    orr x0, x0, x2
    msr mdcr_el2, x0
    msr pmuserenr_el0, xzr
    msr hstr_el2, xzr

    /* Counters readable from EL0, timers not; EL1 (guests) owns counters and timers untrapped. */
    mov x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
    msr cnthctl_el2, x0
    mov x0, #(CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN)
    msr cntkctl_el1, x0
    msr cntvoff_el2, xzr
    msr cnthp_ctl_el2, xzr
    msr cntp_ctl_el0, xzr
    msr cntv_ctl_el0, xzr

    /* MMU on: invalidate stale EL2 and EL1&0 TLB entries first. */
    tlbi alle2
    tlbi alle1
    dsb nsh
    isb
    ldr x0, =(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I)
    msr sctlr_el2, x0
    isb
    ret
    .ltorg

/* EL2 stage-1 level-1 table: 512 1 GiB entries, outside the BSS (see above). */
    .section .pagetable, "aw", %nobits
    .balign 4096
    .global arch_el2_l1_table
arch_el2_l1_table:
    .space 4096
