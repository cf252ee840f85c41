/*
 * The EFI stub's payload: the kernel's raw arm64 Image (image.bin: the
 * kernel with its boot archive), copied to its link address by stub.c.
 */
    .section .rodata.payload, "a"
    .balign 4096
    .global efi_payload_start, efi_payload_end
    .hidden efi_payload_start, efi_payload_end
efi_payload_start:
    .incbin CV_PAYLOAD_FILE
efi_payload_end:
