/*
 * The Linux arm64 Image header and where the kernel, DTB and initrd go in
 * guest RAM. Linux Documentation/arm64/booting.rst, section 4 ("Call the
 * kernel image"): the 64-byte header, the 2 MiB-aligned base + text_offset,
 * the DTB rules (8-byte aligned, at most 2 MiB, not sharing a 2 MiB block
 * that needs other attributes) and the initrd window (one 1 GiB-aligned
 * window of at most 32 GiB covering the kernel image too).
 */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/types.h"

#define IMAGE_HEADER_SIZE     64u
#define IMAGE_MAGIC           0x644d5241u /* "ARM\x64", little-endian, at 0x38 */
#define IMAGE_OLD_TEXT_OFFSET 0x80000u    /* image_size == 0: pre-3.17 kernels */
#define IMAGE_ALIGN           0x200000u   /* 2 MiB */
#define IMAGE_DTB_MAX         0x200000u
#define IMAGE_DTB_ALIGN       8u
#define IMAGE_INITRD_WINDOW   (32ull << 30) /* 32 GiB window ... */
#define IMAGE_INITRD_WIN_ALGN (1ull << 30)  /* ... aligned to 1 GiB */

/** Page size the kernel asks for (flags bits 1-2). */
enum image_page_size {
    IMAGE_PAGE_UNSPECIFIED = 0,
    IMAGE_PAGE_4K = 1,
    IMAGE_PAGE_16K = 2,
    IMAGE_PAGE_64K = 3
};

/** Why an Image is rejected. image_strerror() names each. */
enum image_error {
    IMAGE_OK = 0,
    IMAGE_E_TOO_SHORT,     /* fewer than 64 bytes */
    IMAGE_E_BAD_MAGIC,     /* no "ARM\x64" at 0x38 */
    IMAGE_E_BIG_ENDIAN,    /* flags bit 0: a big-endian kernel */
    IMAGE_E_TEXT_OFFSET,   /* text_offset not below 2 MiB or not 4 KiB aligned */
    IMAGE_E_SIZE_SMALL,    /* image_size smaller than the file's contents */
    IMAGE_E_SIZE_HUGE,     /* image_size absurd (>= 1 GiB) */
    IMAGE_E_NO_RAM,        /* kernel does not fit in RAM where it must go */
    IMAGE_E_DTB_SIZE,      /* DTB empty or above 2 MiB */
    IMAGE_E_NO_ROOM,       /* DTB or initrd does not fit after the kernel */
    IMAGE_E_INITRD_WINDOW, /* kernel and initrd not in one aligned 32 GiB window */
    IMAGE_E_COUNT
};

/** The parsed header, fields in host order with the pre-3.17 rule applied. */
struct image_hdr {
    uint64_t text_offset; /* from the 2 MiB-aligned base */
    uint64_t image_size;  /* bytes the kernel needs from its start (with BSS) */
    uint64_t flags;
    enum image_page_size page_size;
    bool place_anywhere; /* flags bit 3: base anywhere, not near the start of RAM */
    bool legacy;         /* image_size was 0 */
    uint64_t file_size;
};

/** Where each boot item goes (all IPAs). */
struct image_layout {
    ipa_t kernel; /* entry point: first byte of the Image */
    ipa_t kernel_end;
    ipa_t dtb; /* own 2 MiB block after the kernel */
    ipa_t initrd;
    ipa_t initrd_end; /* == initrd if no initrd */
};

/** Parses the header of a `len`-byte Image file at `data` (booting.rst 4). */
enum image_error image_parse(const void *data, size_t len, struct image_hdr *out);

/** The kernel's load IPA: first 2 MiB-aligned base in RAM + text_offset, checked to fit. */
enum image_error image_place(const struct image_hdr *hdr, ipa_t ram_base, uint64_t ram_size,
                             ipa_t *kernel_ipa);

/** Kernel, DTB (`dtb_size` bytes) and initrd (`initrd_size`, may be 0) in RAM. */
enum image_error image_layout(const struct image_hdr *hdr, ipa_t ram_base, uint64_t ram_size,
                              uint64_t dtb_size, uint64_t initrd_size, struct image_layout *out);

/** A short English description of `err`. */
const char *image_strerror(enum image_error err);

#endif /* VMM_IMAGE_H */
