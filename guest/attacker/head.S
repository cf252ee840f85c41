/*
 * attacker: entry, exception vectors and the instructions C cannot name.
 *
 * The file starts with an arm64 Image header (Linux
 * Documentation/arch/arm64/booting.rst), so a VMM boots it like a Linux
 * kernel: at RAM base + text_offset (0), in EL1 with the MMU off, x0 = DTB.
 */
    .section .head.text, "ax"
    .globl _start
_start:
    b       attacker_entry      /* code0 */
    .long   0                   /* code1 */
    .quad   0                   /* text_offset */
    .quad   __image_size        /* image_size: everything up to the stack top */
    .quad   0x2                 /* flags: little-endian, 4 KiB pages, at RAM base */
    .quad   0, 0, 0             /* res2..res4 */
    .ascii  "ARM\x64"           /* magic */
    .long   0                   /* res5 */

attacker_entry:
    adr     x1, attacker_vectors
    msr     vbar_el1, x1
    isb
    adrp    x1, __stack_top
    add     x1, x1, :lo12:__stack_top
    mov     sp, x1
    adrp    x1, __bss_start     /* .bss: 8-byte aligned, a multiple of 8 */
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      attacker_main
3:  wfi
    b       3b

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
