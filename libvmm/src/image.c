/*
 * Linux arm64 Image header parsing and boot placement.
 * Documentation/arm64/booting.rst section 4: header layout
 *   0x00 code0, 0x04 code1, 0x08 text_offset, 0x10 image_size, 0x18 flags,
 *   0x20 res2, 0x28 res3, 0x30 res4, 0x38 magic, 0x3c res5 (little-endian);
 * flags bit 0 endianness, bits 1-2 page size, bit 3 physical placement.
 */
#include "vmm/image.h"

#define OFF_TEXT_OFFSET 0x08u
#define OFF_IMAGE_SIZE  0x10u
#define OFF_FLAGS       0x18u
#define OFF_MAGIC       0x38u
#define IMAGE_SIZE_MAX  (1ull << 30)
#define PAGE_4K         0x1000u

/** Little-endian load of `n` bytes; the host may be either endianness. */
static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1u) & ~(a - 1u);
}

/** Fills the size fields; image_size 0 means the pre-3.17 rules. */
static enum image_error parse_sizes(const uint8_t *p, size_t len, struct image_hdr *out)
{
    out->text_offset = le(p + OFF_TEXT_OFFSET, 8);
    out->image_size = le(p + OFF_IMAGE_SIZE, 8);
    out->legacy = out->image_size == 0;
    if (out->legacy) {
        out->text_offset = IMAGE_OLD_TEXT_OFFSET;
        out->image_size = len; /* no BSS size known: at least the file */
    }
    if (out->text_offset >= IMAGE_ALIGN || out->text_offset % PAGE_4K != 0)
        return IMAGE_E_TEXT_OFFSET;
    if (out->image_size >= IMAGE_SIZE_MAX)
        return IMAGE_E_SIZE_HUGE;
    if (out->image_size < len)
        return IMAGE_E_SIZE_SMALL;
    return IMAGE_OK;
}

/** Checks magic and flags, then the sizes (booting.rst 4). */
enum image_error image_parse(const void *data, size_t len, struct image_hdr *out)
{
    const uint8_t *p = data;

    if (len < IMAGE_HEADER_SIZE)
        return IMAGE_E_TOO_SHORT;
    if (le(p + OFF_MAGIC, 4) != IMAGE_MAGIC)
        return IMAGE_E_BAD_MAGIC;
    out->flags = le(p + OFF_FLAGS, 8);
    out->file_size = len;
    /* Before 3.17 (image_size 0) the flags were reserved: nothing to check. */
    bool has_flags = le(p + OFF_IMAGE_SIZE, 8) != 0;
    if (has_flags && (out->flags & 1u) != 0)
        return IMAGE_E_BIG_ENDIAN;
    out->page_size = (enum image_page_size)((out->flags >> 1) & 3u);
    out->place_anywhere = (out->flags >> 3) & 1u;
    return parse_sizes(p, len, out);
}

/** base = RAM start rounded up to 2 MiB; the kernel must fit below the end of RAM. */
enum image_error image_place(const struct image_hdr *hdr, ipa_t ram_base, uint64_t ram_size,
                             ipa_t *kernel_ipa)
{
    uint64_t base = align_up(ram_base.v, IMAGE_ALIGN);
    uint64_t end = ram_base.v + ram_size;

    if (ram_base.v > UINT64_MAX - ram_size || base < ram_base.v)
        return IMAGE_E_NO_RAM;
    uint64_t start = base + hdr->text_offset;
    if (start >= end || hdr->image_size > end - start)
        return IMAGE_E_NO_RAM;
    *kernel_ipa = IPA(start);
    return IMAGE_OK;
}

/** Whether [lo, hi) fits in one 1 GiB-aligned 32 GiB window. */
static bool in_initrd_window(uint64_t lo, uint64_t hi)
{
    uint64_t win = lo & ~(IMAGE_INITRD_WIN_ALGN - 1u);
    return hi - win <= IMAGE_INITRD_WINDOW;
}

/** Kernel, then the DTB in its own 2 MiB block, then the initrd (page aligned). */
enum image_error image_layout(const struct image_hdr *hdr, ipa_t ram_base, uint64_t ram_size,
                              uint64_t dtb_size, uint64_t initrd_size, struct image_layout *out)
{
    ipa_t k;
    enum image_error err = image_place(hdr, ram_base, ram_size, &k);

    if (err != IMAGE_OK)
        return err;
    if (dtb_size == 0 || dtb_size > IMAGE_DTB_MAX)
        return IMAGE_E_DTB_SIZE;
    uint64_t end = ram_base.v + ram_size;
    uint64_t dtb = align_up(k.v + hdr->image_size, IMAGE_ALIGN);
    uint64_t initrd = dtb + IMAGE_ALIGN;
    if (dtb < k.v || initrd < dtb || initrd > end || initrd_size > end - initrd)
        return IMAGE_E_NO_ROOM;
    if (initrd_size && !in_initrd_window(k.v, initrd + initrd_size))
        return IMAGE_E_INITRD_WINDOW;
    out->kernel = k;
    out->kernel_end = IPA(k.v + hdr->image_size);
    out->dtb = IPA(dtb);
    out->initrd = IPA(initrd);
    out->initrd_end = IPA(initrd + initrd_size);
    return IMAGE_OK;
}

/** Names each image_error. */
const char *image_strerror(enum image_error err)
{
    static const char *const msg[IMAGE_E_COUNT] = {
        [IMAGE_OK] = "ok",
        [IMAGE_E_TOO_SHORT] = "file shorter than the 64-byte Image header",
        [IMAGE_E_BAD_MAGIC] = "no ARM\\x64 magic at offset 0x38: not an arm64 Image",
        [IMAGE_E_BIG_ENDIAN] = "big-endian kernel (flags bit 0)",
        [IMAGE_E_TEXT_OFFSET] = "text_offset not 4 KiB aligned below 2 MiB",
        [IMAGE_E_SIZE_SMALL] = "image_size smaller than the file",
        [IMAGE_E_SIZE_HUGE] = "image_size of 1 GiB or more",
        [IMAGE_E_NO_RAM] = "kernel does not fit in guest RAM",
        [IMAGE_E_DTB_SIZE] = "device tree empty or larger than 2 MiB",
        [IMAGE_E_NO_ROOM] = "no room for the device tree or initrd after the kernel",
        [IMAGE_E_INITRD_WINDOW] = "initrd and kernel not within one 1 GiB-aligned 32 GiB window",
    };
    return (unsigned)err < IMAGE_E_COUNT ? msg[err] : "unknown image error";
}
