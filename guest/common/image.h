/*
 * The bare-metal guests' start (guest/attacker, guest/conform), for their
 * head.S: `image_start vectors, main` emits _start, an arm64 Image header
 * (Linux Documentation/arch/arm64/booting.rst), so a VMM boots the guest
 * like a Linux kernel: at RAM base + text_offset (0), in EL1 with the MMU
 * off, x0 = DTB; then the entry: VBAR_EL1 = vectors, sp = __stack_top,
 * .bss (8-byte aligned, a multiple of 8: the linker script's
 * __bss_start/__bss_end) cleared, main called; if it returns, WFI forever.
 * The linker script defines __image_size (everything up to the stack top).
 */
#ifndef GUEST_IMAGE_H
#define GUEST_IMAGE_H

#ifdef __ASSEMBLER__
    .macro  image_start vectors, main
    .section .head.text, "ax"
    .globl  _start
_start:
    b       1f                  /* code0 */
    .long   0                   /* code1 */
    .quad   0                   /* text_offset */
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
#endif

#endif /* GUEST_IMAGE_H */
