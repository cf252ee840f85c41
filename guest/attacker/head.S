/*
 * attacker: entry (an arm64 Image, guest/common/image.h), exception
 * vectors and the instructions C cannot name.
 */
#include "image.h"

    image_start attacker_vectors, attacker_main

/*
 * A synchronous exception from EL1 (the aborts the attacks provoke): its
 * ESR_EL1 goes to attacker_esr and the faulting instruction is skipped.
 * x0 and x1 are restored: the interrupted code keeps its registers.
 */
attacker_sync:
    stp     x0, x1, [sp, #-16]!
    mrs     x0, esr_el1
    adrp    x1, attacker_esr
    str     x0, [x1, :lo12:attacker_esr]
    mrs     x0, elr_el1
    add     x0, x0, #4
    msr     elr_el1, x0
    ldp     x0, x1, [sp], #16
    eret

/* Anything else (an interrupt, SError, an exception with SP_EL0): report, stop. */
attacker_other:
    mrs     x0, esr_el1
    bl      attacker_unexpected
4:  wfi
    b       4b

    .macro  vector target
    .balign 0x80
    b       \target
    .endm

    .balign 0x800
attacker_vectors:
    vector  attacker_other      /* current EL, SP_EL0 */
    vector  attacker_other
    vector  attacker_other
    vector  attacker_other
    vector  attacker_sync       /* current EL, SP_ELx: synchronous */
    vector  attacker_other
    vector  attacker_other
    vector  attacker_other
    .rept   8                   /* lower EL: never taken, there is no EL0 */
    vector  attacker_other
    .endr

/*
 * vCPU 1's entry (PSCI CPU_ON; x0 = context = the top of its stack): the
 * same vectors, no BSS clearing (vCPU 0 did it), then C.
 */
    .text
    .globl  attacker_secondary
attacker_secondary:
    adr     x1, attacker_vectors
    msr     vbar_el1, x1
    isb
    mov     sp, x0
    bl      attacker_secondary_main
5:  wfi
    b       5b

/* uint64_t attacker_hvc(x0..x3): HVC #0, x0 back. */
    .globl  attacker_hvc
attacker_hvc:
    hvc     #0
    ret

/* uint64_t attacker_smc(x0..x3): SMC #0, x0 back. */
    .globl  attacker_smc
attacker_smc:
    smc     #0
    ret

/* uint64_t attacker_hvc_imm(x0..x3): HVC with a non-zero immediate (SMCCC: reserved). */
    .globl  attacker_hvc_imm
attacker_hvc_imm:
    hvc     #0x1234
    ret

/*
 * void attacker_ldp(addr): a load pair from addr. A data abort on it has no
 * instruction syndrome (ISV 0): the VMM cannot emulate it, so at a device
 * the VM stops; where nothing is, the guest gets an abort like any access.
 */
    .globl  attacker_ldp
attacker_ldp:
    ldp     x2, x3, [x0]
    ret
