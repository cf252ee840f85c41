/*
 * EL2 exception vectors (VBAR_EL2) and the EL0 entry/exit path.
 *
 * Layout (ARM ARM D1.10.2): 16 slots of 0x80 bytes, 2 KiB aligned, kind = 4 * {current EL SP0,
 * current EL SPx, lower EL AArch64, lower EL AArch32} + {sync, IRQ, FIQ, SError}.
 *
 * The kernel runs on SP_EL2 with PSTATE.I set except in arch_idle_wait, so a current-EL IRQ
 * comes from the idle loop; any other current-EL exception is a kernel bug and panics.
 * Lower-EL exceptions save the user context into core->cur_regs (TPIDR_EL2 -> struct core) and
 * run the generic handler, which never returns (the way back is arch_return_to_user).
 */
#include <arch/asm.h>

/* A slot that calls kernel_panic_exception(esr, elr, far, kind). */
.macro vec_panic kind
    .balign 0x80
    mov x3, #\kind
    b exc_panic
.endm

.macro vec_branch target
    .balign 0x80
    b \target
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global arch_vectors
arch_vectors:
    vec_panic ARCH_EXC_CUR_SP0_SYNC
    vec_panic (ARCH_EXC_CUR_SP0_SYNC + 1)
    vec_panic (ARCH_EXC_CUR_SP0_SYNC + 2)
    vec_panic (ARCH_EXC_CUR_SP0_SYNC + 3)
    vec_panic ARCH_EXC_CUR_SPX_SYNC
    vec_branch idle_irq
    vec_panic ARCH_EXC_CUR_SPX_FIQ
    vec_panic ARCH_EXC_CUR_SPX_SERROR
    vec_branch user_sync
    vec_branch user_irq
    vec_panic ARCH_EXC_LOWER64_FIQ
    /* An SError at EL0 is the thread's (ESR EC 0x2F): it faults the thread, not the system. */
    vec_branch user_sync
    vec_panic ARCH_EXC_LOWER32_SYNC
    vec_panic (ARCH_EXC_LOWER32_SYNC + 1)
    vec_panic (ARCH_EXC_LOWER32_SYNC + 2)
    vec_panic (ARCH_EXC_LOWER32_SYNC + 3)

exc_panic:
    mrs x0, esr_el2
    mrs x1, elr_el2
    mrs x2, far_el2
    bl kernel_panic_exception
    b arch_halt

/* IRQ during arch_idle_wait, in C: only x0..x18, x29, x30 and ELR/SPSR need saving. */
#define IDLE_FRAME (22 * 8)
idle_irq:
    sub sp, sp, #IDLE_FRAME
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x29, [sp, #144]
    mrs x0, elr_el2
    mrs x1, spsr_el2
    stp x30, x0, [sp, #160]
    str x1, [sp, #176]
    bl kernel_irq_from_idle
    ldr x1, [sp, #176]
    ldp x30, x0, [sp, #160]
    msr elr_el2, x0
    msr spsr_el2, x1
    ldp x18, x29, [sp, #144]
    ldp x16, x17, [sp, #128]
    ldp x14, x15, [sp, #112]
    ldp x12, x13, [sp, #96]
    ldp x10, x11, [sp, #80]
    ldp x8, x9, [sp, #64]
    ldp x6, x7, [sp, #48]
    ldp x4, x5, [sp, #32]
    ldp x2, x3, [sp, #16]
    ldp x0, x1, [sp, #0]
    add sp, sp, #IDLE_FRAME
    eret

/*
 * Saves all user state into core->cur_regs and calls \handler (noreturn) on an empty kernel
 * stack: every return leaves through return_common, which leaves SP_EL2 at the top of this
 * core's stack, so it is there again on entry.
 */
.macro user_entry handler
    stp x0, x1, [sp, #-16]!
    mrs x0, tpidr_el2
    ldr x0, [x0, #CORE_CUR_REGS]
    stp x2, x3, [x0, #16]
    stp x4, x5, [x0, #32]
    stp x6, x7, [x0, #48]
    stp x8, x9, [x0, #64]
    stp x10, x11, [x0, #80]
    stp x12, x13, [x0, #96]
    stp x14, x15, [x0, #112]
    stp x16, x17, [x0, #128]
    stp x18, x19, [x0, #144]
    stp x20, x21, [x0, #160]
    stp x22, x23, [x0, #176]
    stp x24, x25, [x0, #192]
    stp x26, x27, [x0, #208]
    stp x28, x29, [x0, #224]
    ldp x2, x3, [sp], #16
    stp x2, x3, [x0, #ARCH_REGS_X0]
    mrs x1, sp_el0
    stp x30, x1, [x0, #ARCH_REGS_X30]
    mrs x1, elr_el2
    mrs x2, spsr_el2
    stp x1, x2, [x0, #ARCH_REGS_PC]
    mrs x1, tpidr_el0
    str x1, [x0, #ARCH_REGS_TPIDR]
    mov x29, #0
    mov x30, #0
    bl \handler
    b arch_halt
.endm

user_sync:
    user_entry kernel_sync_from_user

user_irq:
    user_entry kernel_irq_from_user

/*
 * void arch_return_to_user(struct arch_regs *r): makes r the core's current context, empties
 * the kernel stack and restores r, to EL0t with D/A/I/F clear whatever r->spsr says.
 */
    .text
    .global arch_return_to_user
    .type arch_return_to_user, %function
arch_return_to_user:
    mov x3, #ARCH_SPSR_USER_MASK
    b return_common

/*
 * void arch_return_to_guest(struct arch_regs *r): the same for a vCPU thread, to EL1h, EL1t or
 * EL0t with its own D/A/I/F. r->spsr was checked when written (tcb WRITE_REGS); the mask and
 * the M[0] fix below keep even an unchecked value at one of those (asm.h).
 */
    .global arch_return_to_guest
    .type arch_return_to_guest, %function
arch_return_to_guest:
    ldr x3, =ARCH_SPSR_GUEST_MASK
return_common:
    mrs x1, tpidr_el2
    str x0, [x1, #CORE_CUR_REGS]
    /* SP := top of the kernel stack holding SP - 1 (SP may already sit at the top). */
    mov x1, sp
    sub x1, x1, #1
    orr x1, x1, #(ARCH_STACK_SIZE - 1)
    add x1, x1, #1
    mov sp, x1
    ldp x1, x2, [x0, #ARCH_REGS_PC]
    and x2, x2, x3
    and x4, x2, x2, lsr #2      /* bit 0: M[0] & M[2], SP_ELx only at EL1 */
    bfi x2, x4, #0, #1
    msr elr_el2, x1
    msr spsr_el2, x2
    ldp x30, x1, [x0, #ARCH_REGS_X30]
    msr sp_el0, x1
    ldr x1, [x0, #ARCH_REGS_TPIDR]
    msr tpidr_el0, x1
    /* Another thread's LDXR must not pair with this thread's STXR. */
    clrex
    ldp x2, x3, [x0, #16]
    ldp x4, x5, [x0, #32]
    ldp x6, x7, [x0, #48]
    ldp x8, x9, [x0, #64]
    ldp x10, x11, [x0, #80]
    ldp x12, x13, [x0, #96]
    ldp x14, x15, [x0, #112]
    ldp x16, x17, [x0, #128]
    ldp x18, x19, [x0, #144]
    ldp x20, x21, [x0, #160]
    ldp x22, x23, [x0, #176]
    ldp x24, x25, [x0, #192]
    ldp x26, x27, [x0, #208]
    ldp x28, x29, [x0, #224]
    ldp x0, x1, [x0, #ARCH_REGS_X0]
    eret
    /* No speculation past the eret (ARM's recommended sequence). */
    dsb nsh
    isb
    .size arch_return_to_user, . - arch_return_to_user
