/*
 * conform: entry (an arm64 Image, guest/common/image.h), exception
 * vectors and the instructions the cases provoke.
 */
#include "conform.h"
#include "image.h"

    image_start conform_vectors, conform_main

/*
 * A synchronous exception from EL1 (what the cases provoke): ESR, FAR and
 * ELR_EL1 go to conform_exc (conform.h struct conform_exc) and its count
 * goes up. The exception returns to the next instruction, or, if the case
 * set ret_lr (a branch to where nothing can be fetched), to x30: the
 * caller of the BLR that faulted. Only x0 and x1 are used, and restored.
 */
conform_sync:
    stp     x0, x1, [sp, #-16]!
    adrp    x1, conform_exc
    add     x1, x1, :lo12:conform_exc
    mrs     x0, esr_el1
    str     x0, [x1, #0]
    mrs     x0, far_el1
    str     x0, [x1, #8]
    mrs     x0, elr_el1
    str     x0, [x1, #16]
    ldr     x0, [x1, #24]
    add     x0, x0, #1
    str     x0, [x1, #24]
    mrs     x0, esr_el1             /* a software step (EC 0x33): stop */
    lsr     x0, x0, #26             /* stepping, return to the next one */
    cmp     x0, #0x33
    b.ne    3f
    mrs     x0, mdscr_el1
    bic     x0, x0, #1              /* MDSCR_EL1.SS */
    msr     mdscr_el1, x0
    b       2f
3:
    ldr     x0, [x1, #32]
    cbz     x0, 1f
    str     xzr, [x1, #32]
    msr     elr_el1, x30
    b       2f
1:  mrs     x0, elr_el1
    add     x0, x0, #4
    msr     elr_el1, x0
2:  ldp     x0, x1, [sp], #16
    eret

/*
 * An IRQ at EL1 (SP_EL1): the counters first (CNTVCT in x0, CNTPCT in x1:
 * the time of the handler's entry), then conform_irq_handle (conform.c)
 * with the registers a C call may clobber saved. PSTATE.I stays set until
 * the ERET: no nesting, so ELR and SPSR need no saving.
 */
    .macro  irq_frame op                /* x2..x18, x29, x30: stp or ldp */
    \op     x2, x3, [sp, #16]
    \op     x4, x5, [sp, #32]
    \op     x6, x7, [sp, #48]
    \op     x8, x9, [sp, #64]
    \op     x10, x11, [sp, #80]
    \op     x12, x13, [sp, #96]
    \op     x14, x15, [sp, #112]
    \op     x16, x17, [sp, #128]
    \op     x18, x29, [sp, #144]
    \op     x30, xzr, [sp, #160]
    .endm
conform_irq:
    stp     x0, x1, [sp, #-176]!
    mrs     x0, cntvct_el0
    mrs     x1, cntpct_el0
    irq_frame stp
    bl      conform_irq_handle
    irq_frame ldp
    ldp     x0, x1, [sp], #176
    eret

/* Anything else (an interrupt with SP_EL0 or from a lower level, an FIQ,
 * SError): report it with its vector (x2) and power off. */
conform_other:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    bl      conform_unexpected
4:  wfi
    b       4b

    .macro  vector target, index
    .balign 0x80
    mov     x2, #\index
    b       \target
    .endm

    .balign 0x800
conform_vectors:
    vector  conform_other, 0    /* current EL, SP_EL0 */
    vector  conform_other, 1
    vector  conform_other, 2
    vector  conform_other, 3
    .balign 0x80
    b       conform_sync        /* current EL, SP_ELx: synchronous */
    .balign 0x80
    b       conform_irq         /* current EL, SP_ELx: IRQ */
    vector  conform_other, 6
    vector  conform_other, 7
    .irp    index, 8, 9, 10, 11, 12, 13, 14, 15 /* lower EL: there is no EL0 */
    vector  conform_other, \index
    .endr

/* A secondary vCPU's entry (PSCI CPU_ON; x0 = context = its index). */
    .text
    .globl  conform_secondary
conform_secondary:
    image_secondary conform_vectors, conform_stacks, CONFORM_STACK_SHIFT, conform_secondary_main

/* uint64_t conform_hvc(x0..x3): HVC #0 (SMCCC), x0 back. */
    .globl  conform_hvc
conform_hvc:
    hvc     #0
    ret

/* uint64_t conform_eoi_hvc(eoir, iar, x0): writes iar to GICC_EOIR at eoir, then HVC #0 with x0
 * at once, in one translated block: QEMU (without icount) takes the maintenance interrupt the
 * EOI raises only after the HVC's exit. x0 back. */
    .globl  conform_eoi_hvc
conform_eoi_hvc:
    str     w1, [x0]
    mov     x0, x2
    hvc     #0
    ret

/* void conform_eoi_wfi(eoir, iar): writes iar to GICC_EOIR at eoir, then WFI at once, in one
 * translated block: the WFI's exit comes before the maintenance interrupt the EOI raises. */
    .globl  conform_eoi_wfi
conform_eoi_wfi:
    str     w1, [x0]
    wfi
    ret

/* uint64_t conform_load(addr): one load from addr. */
    .globl  conform_load
conform_load:
    ldr     x0, [x0]
    ret

/* void conform_store(addr, value): one 64-bit store of value to addr. */
    .globl  conform_store
conform_store:
    str     x1, [x0]
    ret

/* void conform_nop(void): a function to put a breakpoint on. */
    .globl  conform_nop
conform_nop:
    nop
    ret

/*
 * uint64_t conform_step(x0): an ERET to conform_stepped with SPSR_EL1.SS
 * set (MDSCR_EL1.SS and KDE are the caller's): one instruction runs, then
 * a software step exception there (conform_sync stops stepping and returns
 * to it). EL1h, D clear, A, I and F masked. x0 + 2 back.
 */
    .globl  conform_step, conform_stepped
conform_step:
    adr     x1, conform_stepped - 4
    msr     elr_el1, x1
    mov     x1, #0x1c5
    orr     x1, x1, #(1 << 21)
    msr     spsr_el1, x1
    eret
    add     x0, x0, #1
conform_stepped:
    add     x0, x0, #1
    ret

/* void conform_call(addr): BLR to addr, which returns (or faults; the
 * handler's ret_lr brings it back here). */
    .globl  conform_call
conform_call:
    stp     x29, x30, [sp, #-16]!
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

/*
 * PMU register accesses, one function each, the access its first
 * instruction (so an exception's ELR is the function's address). Names as
 * ARM ARM D23 (PMUv3), by encoding where an assembler for ARMv8.0 has none.
 */
    .macro  pmu_read name, reg
    .globl  conform_pmu_rd_\name
conform_pmu_rd_\name:
    mrs     x0, \reg
    ret
    .endm
    .macro  pmu_write name, reg
    .globl  conform_pmu_wr_\name
conform_pmu_wr_\name:
    msr     \reg, xzr
    ret
    .endm

    pmu_read  pmcr, pmcr_el0
    pmu_read  pmcntenset, pmcntenset_el0
    pmu_read  pmcntenclr, pmcntenclr_el0
    pmu_read  pmovsclr, pmovsclr_el0
    pmu_read  pmselr, pmselr_el0
    pmu_read  pmceid0, pmceid0_el0
    pmu_read  pmceid1, pmceid1_el0
    pmu_read  pmccntr, pmccntr_el0
    pmu_read  pmxevtyper, pmxevtyper_el0
    pmu_read  pmxevcntr, pmxevcntr_el0
    pmu_read  pmuserenr, pmuserenr_el0
    pmu_read  pmintenset, pmintenset_el1
    pmu_read  pmintenclr, pmintenclr_el1
    pmu_read  pmovsset, pmovsset_el0
    pmu_read  pmevcntr0, pmevcntr0_el0
    pmu_read  pmevtyper0, pmevtyper0_el0
    pmu_read  pmccfiltr, pmccfiltr_el0
    pmu_write pmcr, pmcr_el0
    pmu_write pmcntenset, pmcntenset_el0
    pmu_write pmcntenclr, pmcntenclr_el0
    pmu_write pmovsclr, pmovsclr_el0
    pmu_write pmswinc, pmswinc_el0
    pmu_write pmselr, pmselr_el0
    pmu_write pmccntr, pmccntr_el0
    pmu_write pmxevtyper, pmxevtyper_el0
    pmu_write pmxevcntr, pmxevcntr_el0
    pmu_write pmuserenr, pmuserenr_el0
    pmu_write pmintenset, pmintenset_el1
    pmu_write pmintenclr, pmintenclr_el1
    pmu_write pmovsset, pmovsset_el0
    pmu_write pmevcntr0, pmevcntr0_el0
    pmu_write pmevtyper0, pmevtyper0_el0
    pmu_write pmccfiltr, pmccfiltr_el0
