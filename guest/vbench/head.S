/*
 * vbench: entry (an arm64 Image at text_offset __text_offset, vbench.ld;
 * guest/common/image.h), exception vectors, vCPU 1's entry and the
 * counter reads the figures are stamped with.
 */
#include "image.h"
#include "vbench.h"

    image_start vbench_vectors, vbench_main, __text_offset

/*
 * VBENCH_READS reads of CNTVCT_EL0 into x1..x16, one an instruction (under
 * -icount shift=0 each is 1 ns after the one before, so the first read of
 * a new tick says to the instruction when the first read was: vbench.c
 * stamp_ns), then stored at [x0].
 */
    .macro  counter_reads
    .irp    r, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
    mrs     x\r, cntvct_el0
    .endr
    stp     x1, x2, [x0]
    stp     x3, x4, [x0, #16]
    stp     x5, x6, [x0, #32]
    stp     x7, x8, [x0, #48]
    stp     x9, x10, [x0, #64]
    stp     x11, x12, [x0, #80]
    stp     x13, x14, [x0, #96]
    stp     x15, x16, [x0, #112]
    .endm

/* void vbench_reads(uint64_t r[VBENCH_READS]): the first read is the
 * function's first instruction. */
    .text
    .globl  vbench_reads
vbench_reads:
    counter_reads
    ret

/*
 * An IRQ at EL1 (the only exception vbench asks for): the registers C may
 * change (x0-x18, x29, x30) are saved, each at 8 * its number, the counter
 * is read (the reads above them), then vbench_irq(reads, lead), lead being
 * the instructions from the vector to the first read, counted by the
 * assembler: the vector's branch and what comes before label 1.
 */
#define IRQ_READS 256                         /* past x30's slot, 16-aligned */
#define IRQ_FRAME (IRQ_READS + 8 * VBENCH_READS)
    .macro  irq_regs op
    .irp    r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 29, 30
    \op     x\r, [sp, #(8 * \r)]
    .endr
    .endm

vbench_irq_entry:
    sub     sp, sp, #IRQ_FRAME
    irq_regs str
    add     x0, sp, #IRQ_READS
1:  counter_reads
    mov     x1, #((1b - vbench_irq_entry) / 4 + 1)
    bl      vbench_irq
    irq_regs ldr
    add     sp, sp, #IRQ_FRAME
    eret

/* Anything else: reported with its vector's number (x2), then power-off. */
vbench_other:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    bl      vbench_unexpected
2:  wfi
    b       2b

/* The vector table: the IRQ from the current EL with SP_EL1 (index 5) to
 * vbench_irq_entry, the other 15 to vbench_other. */
    .balign 0x800
vbench_vectors:
    .irp    index, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    .if     \index == 5
    b       vbench_irq_entry
    .else
    mov     x2, #\index
    b       vbench_other
    .endif
    .endr

/* vCPU 1's entry (PSCI CPU_ON; x0 = context = its index). */
    .text
    .globl  vbench_secondary
vbench_secondary:
    image_secondary vbench_vectors, vbench_stacks, VBENCH_STACK_SHIFT, vbench_secondary_main
