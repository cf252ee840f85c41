/*
 * efi_enter_kernel(x0 = DTB physical address, x1 = kernel entry): the
 * last step of the EFI stub (stub.c), after ExitBootServices. Puts the
 * core in the state the kernel's head.S expects from QEMU's -kernel:
 * exceptions masked, EL2 stage 1 (MMU), data and instruction caches off.
 * Runs from the firmware's identity map, so turning the MMU off does not
 * move the next instruction. The kernel's image and the DTB are already
 * cleaned to the point of coherency; the I-cache is invalidated here so
 * no stale line of the old contents of the kernel's range is fetched.
 */
#define SCTLR_M (1 << 0)  /* stage 1 translation */
#define SCTLR_C (1 << 2)  /* data cacheable */
#define SCTLR_I (1 << 12) /* instruction cacheable */

    .text
    .global efi_enter_kernel
    .hidden efi_enter_kernel
    .type efi_enter_kernel, %function
efi_enter_kernel:
    msr daifset, #0xf
    mrs x2, sctlr_el2
    mov x3, #(SCTLR_M | SCTLR_C)
    orr x3, x3, #SCTLR_I
    bic x2, x2, x3
    dsb sy
    msr sctlr_el2, x2
    isb
    ic iallu
    dsb sy
    isb
    br x1
    .size efi_enter_kernel, . - efi_enter_kernel
    .global efi_enter_kernel_end
    .hidden efi_enter_kernel_end
efi_enter_kernel_end: /* stub.c cleans [efi_enter_kernel, here) to the PoC */
