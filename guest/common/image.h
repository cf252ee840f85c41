/*
 * The bare-metal guests' start (guest/attacker, guest/conform,
 * guest/vbench), for their head.S: `image_start vectors, main[, offset]`
 * emits _start, an arm64 Image header (Linux
 * Documentation/arch/arm64/booting.rst), so a VMM boots the guest like a
 * Linux kernel: at RAM base + text_offset (`offset`, 0 unless given), in
 * EL1 with the MMU off, x0 = DTB; then the entry: VBAR_EL1 = vectors, sp =
 * __stack_top, .bss (8-byte aligned, a multiple of 8: the linker script's
 * __bss_start/__bss_end) cleared, main called; if it returns, WFI forever.
 * The linker script defines __image_size (everything up to the stack top)
 * and links the image at RAM base + text_offset.
 *
 * Bare QEMU's -kernel (hw/arm/boot.c) moves an Image whose text_offset is
 * below 4 KiB (its own boot code's room) up by 2 MiB: text_offset 0 runs
 * at RAM base + 2 MiB there, where a capvisor VMM puts it at RAM base. A
 * guest that both boot (guest/vbench) gives a text_offset of at least
 * 4 KiB, and both place it at RAM base + text_offset.
 */
#ifndef GUEST_IMAGE_H
#define GUEST_IMAGE_H

#ifdef __ASSEMBLER__
    .macro  image_start vectors, main, offset=0
    .section .head.text, "ax"
    .globl  _start
_start:
    b       1f                  /* code0 */
    .long   0                   /* code1 */
    .quad   \offset             /* text_offset */
    .quad   __image_size        /* image_size */
    .quad   0x2                 /* flags: little-endian, 4 KiB pages, at RAM base */
    .quad   0, 0, 0             /* res2..res4 */
    .ascii  "ARM\x64"           /* magic */
    .long   0                   /* res5 */
1:  adr     x1, \vectors
    msr     vbar_el1, x1
    isb
    adrp    x1, __stack_top
    add     x1, x1, :lo12:__stack_top
    mov     sp, x1
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
2:  cmp     x1, x2
    b.hs    3f
    str     xzr, [x1], #8
    b       2b
3:  bl      \main
4:  wfi
    b       4b
    .endm

/*
 * `image_secondary vectors, stacks, shift, main`: a secondary CPU's entry
 * (PSCI CPU_ON with context = its index in x0): the same vectors, a stack
 * of its own (the top of slot `index` of `stacks`, 1 << shift bytes a
 * slot; slot 0, the first CPU's, is not used), no .bss clearing (the first
 * CPU did it), then main(index); if it returns, WFI forever.
 */
    .macro  image_secondary vectors, stacks, shift, main
    adr     x1, \vectors
    msr     vbar_el1, x1
    isb
    adrp    x1, \stacks
    add     x1, x1, :lo12:\stacks
    add     x2, x0, #1
    add     x1, x1, x2, lsl #\shift
    mov     sp, x1
    bl      \main
9:  wfi
    b       9b
    .endm
#endif

#endif /* GUEST_IMAGE_H */
