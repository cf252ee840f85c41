/*
 * capvisor's EFI stub: the boot image as a UEFI application (U-Boot's
 * `bootefi` and its distro boot of \EFI\BOOT\BOOTAA64.EFI, or EDK2's
 * removable-media boot of the same file; docs/build.md).
 *
 * The kernel is linked for one address and expects the entry state QEMU's
 * -kernel gives it (docs/build.md): EL2, MMU and caches off, the DTB's
 * physical address in x0. The stub gets there from the firmware's state
 * (EL2 with the firmware's identity map and caches on):
 *   1. claim the kernel's range, [CV_KERNEL_LOAD, + image_size), from the
 *      firmware with AllocateAddress, so nothing the firmware still needs
 *      is there (its own code, the stub);
 *   2. find the DTB in the EFI configuration table and copy it to pages of
 *      its own below the kernel (the kernel keeps the pages it is told
 *      about, and all of its RAM bank below itself);
 *   3. take the memory map and leave boot services;
 *   4. copy the kernel's raw image (payload.S) to its address, clean it
 *      and the DTB to the point of coherency, turn the MMU and caches off
 *      and branch to it (enter.S).
 * Every firmware call's failure is printed with its status and stops the
 * stub with that status: the firmware prompt comes back.
 *
 * The stub is position independent and carries no relocations (the build
 * checks): the firmware may load it anywhere.
 */
#include <stddef.h>
#include <stdint.h>

#include "efi.h"
#include "kernel_load.h" /* CV_KERNEL_LOAD: generated from kernel.elf */

/* Hidden: reached PC-relative, not through a GOT the firmware would not fill. */
extern const uint8_t efi_payload_start[] __attribute__((visibility("hidden"))); /* payload.S */
extern const uint8_t efi_payload_end[] __attribute__((visibility("hidden")));
__attribute__((noreturn, visibility("hidden"))) void efi_enter_kernel(uint64_t dtb,
                                                                      uint64_t entry); /* enter.S */
extern const uint8_t efi_enter_kernel_end[] __attribute__((visibility("hidden")));
efi_status efi_main(efi_handle image, struct efi_system_table *st);

/* arm64 Image header (Linux Documentation/arch/arm64/booting.rst). */
#define IMAGE_SIZE_OFFSET  16
#define IMAGE_MAGIC_OFFSET 56
#define IMAGE_MAGIC        0x644d5241u /* "ARM\x64" */
#define FDT_MAGIC          0xd00dfeedu
#define FDT_MAX_SIZE       (2u << 20) /* what the kernel reads (kernel_main) */

/* The compiler may call these for copies and zeroing. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

/* ---- console: ASCII through Simple Text Output ---- */

static void efi_say(struct efi_system_table *st, const char *s)
{
    efi_char16 buf[64];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '\n')
            buf[n++] = '\r';
        buf[n++] = (efi_char16)*s;
        if (n >= sizeof buf / sizeof buf[0] - 2) {
            buf[n] = 0;
            st->con_out->output_string(st->con_out, buf);
            n = 0;
        }
    }
    buf[n] = 0;
    st->con_out->output_string(st->con_out, buf);
}

static void efi_say_hex(struct efi_system_table *st, uint64_t v)
{
    char buf[19] = "0x";
    int shift = 60;
    while (shift > 0 && !(v >> shift))
        shift -= 4;
    size_t n = 2;
    for (; shift >= 0; shift -= 4)
        buf[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
    buf[n] = 0;
    efi_say(st, buf);
}

/* Ends a failure line: prints "TAIL (status S)" and returns S. */
static efi_status efi_fail_end(struct efi_system_table *st, const char *tail, efi_status s)
{
    efi_say(st, tail);
    efi_say(st, " (status ");
    efi_say_hex(st, s);
    efi_say(st, ")\n");
    return s;
}

/* Prints "capvisor: efi: WHAT (status S)" and returns S. */
static efi_status efi_fail(struct efi_system_table *st, const char *what, efi_status s)
{
    efi_say(st, "capvisor: efi: ");
    return efi_fail_end(st, what, s);
}

/* ---- what the stub boots ---- */

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t read_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Two symbols of payload.S: compared as addresses, not as C objects. */
static size_t payload_size(void)
{
    return (size_t)((uintptr_t)efi_payload_end - (uintptr_t)efi_payload_start);
}

static uint64_t pages_of(uint64_t bytes)
{
    return (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
}

static uint64_t current_el(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    return (el >> 2) & 3;
}

static int guid_eq(const struct efi_guid *a, const struct efi_guid *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (size_t i = 0; i < sizeof *a; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

/* The firmware's DTB (configuration table), or NULL. */
static const uint8_t *efi_find_dtb(struct efi_system_table *st)
{
    static const struct efi_guid dtb_guid = EFI_DTB_TABLE_GUID;
    for (uint64_t i = 0; i < st->number_of_table_entries; i++)
        if (guid_eq(&st->configuration_table[i].vendor_guid, &dtb_guid))
            return st->configuration_table[i].vendor_table;
    return NULL;
}

/* Copies the firmware's DTB to pages of the stub's; *out is their address. */
static efi_status efi_copy_dtb(struct efi_system_table *st, uint64_t *out, uint64_t *size)
{
    const uint8_t *fdt = efi_find_dtb(st);
    if (!fdt)
        return efi_fail(st,
                        "no device tree in the EFI configuration table (the firmware "
                        "describes the machine with ACPI only; EDK2 on QEMU: -M virt,acpi=off)",
                        EFI_NOT_FOUND);
    *size = read_be32(fdt + 4);
    if (read_be32(fdt) != FDT_MAGIC || *size < 40 || *size > FDT_MAX_SIZE)
        return efi_fail(st, "the firmware's device tree is not a valid DTB", EFI_LOAD_ERROR);
    /* Below the kernel first: the kernel keeps the RAM under itself anyway
     * (kernel_bank_base), where a DTB higher up would cut a hole in the
     * large aligned blocks components ask for (vm_minimal's 1 GiB). */
    *out = CV_KERNEL_LOAD - 1;
    efi_status s = st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA,
                                                     pages_of(*size), out);
    if (s != EFI_SUCCESS)
        s = st->boot_services->allocate_pages(EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
                                              pages_of(*size), out);
    if (s != EFI_SUCCESS)
        return efi_fail(st, "no memory for the device tree", s);
    memcpy((void *)(uintptr_t)*out, fdt, *size);
    return EFI_SUCCESS;
}

/* Claims [CV_KERNEL_LOAD, + the image's size with its BSS). */
static efi_status efi_claim_kernel_range(struct efi_system_table *st, uint64_t *image_size)
{
    size_t payload = payload_size();
    if (payload < 64 || read_le32(efi_payload_start + IMAGE_MAGIC_OFFSET) != IMAGE_MAGIC)
        return efi_fail(st, "the payload is not the kernel's arm64 Image", EFI_LOAD_ERROR);
    *image_size = read_le32(efi_payload_start + IMAGE_SIZE_OFFSET) |
                  (uint64_t)read_le32(efi_payload_start + IMAGE_SIZE_OFFSET + 4) << 32;
    if (*image_size < payload)
        return efi_fail(st, "the payload is larger than its image_size", EFI_LOAD_ERROR);
    uint64_t at = CV_KERNEL_LOAD;
    efi_status s = st->boot_services->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA,
                                                     pages_of(*image_size), &at);
    if (s != EFI_SUCCESS) {
        efi_say(st, "capvisor: efi: the kernel runs only at ");
        efi_say_hex(st, CV_KERNEL_LOAD);
        efi_say(st, ", size ");
        efi_say_hex(st, *image_size);
        return efi_fail_end(st, ", and the firmware uses memory there", s);
    }
    return EFI_SUCCESS;
}

/*
 * Leaves boot services. The map buffer is allocated once, with room to
 * spare, before the first attempt: an allocation between attempts would
 * change the map again. After a failed ExitBootServices the firmware may
 * have shut part of itself down (UEFI 7.4: only the memory allocation
 * services are left), its console too: nothing is printed then, the
 * status goes back as it is.
 */
static efi_status efi_leave(struct efi_system_table *st, efi_handle image)
{
    struct efi_boot_services *bs = st->boot_services;
    uint64_t size = 0, key, desc_size;
    uint32_t desc_version;
    efi_status s = bs->get_memory_map(&size, NULL, &key, &desc_size, &desc_version);
    if (s != EFI_BUFFER_TOO_SMALL)
        return efi_fail(st, "GetMemoryMap (size) failed", s);
    uint64_t room = size + 16 * desc_size;
    void *map;
    s = bs->allocate_pool(EFI_LOADER_DATA, room, &map);
    if (s != EFI_SUCCESS)
        return efi_fail(st, "no memory for the memory map", s);
    for (int attempt = 0; attempt < 4; attempt++) {
        size = room;
        s = bs->get_memory_map(&size, map, &key, &desc_size, &desc_version);
        if (s != EFI_SUCCESS)
            return attempt ? s : efi_fail(st, "GetMemoryMap failed", s);
        s = bs->exit_boot_services(image, key);
        if (s != EFI_INVALID_PARAMETER) /* else the map changed meanwhile: take it again */
            return s;
    }
    return s;
}

/* Cleans and invalidates [at, at + len) to the point of coherency: the
 * kernel starts with its MMU and caches off and must see what we wrote,
 * and no dirty line of ours may later land on what it writes. */
static void dcache_clean_invalidate(uint64_t at, uint64_t len)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uint64_t line = 4ull << ((ctr >> 16) & 0xf); /* DminLine: log2 of words */
    for (uint64_t a = at & ~(line - 1); a < at + len; a += line)
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb sy" ::: "memory");
}

efi_status efi_main(efi_handle image, struct efi_system_table *st)
{
    efi_say(st, "capvisor: efi: stub started\n");
    if (current_el() != 2) {
        char el[] = "started at ELx, but the kernel runs at EL2 (QEMU: -M "
                    "virt,virtualization=on): boot failed";
        el[sizeof "started at EL" - 1] = (char)('0' + current_el());
        return efi_fail(st, el, EFI_UNSUPPORTED);
    }
    uint64_t dtb, dtb_size, image_size;
    /* The kernel's range first: the DTB's pages must not be taken there. */
    efi_status s = efi_claim_kernel_range(st, &image_size);
    if (s != EFI_SUCCESS)
        return s;
    s = efi_copy_dtb(st, &dtb, &dtb_size);
    if (s != EFI_SUCCESS) {
        /* back to the firmware with nothing of ours still allocated: a
         * second attempt must find the kernel's range free again */
        st->boot_services->free_pages(CV_KERNEL_LOAD, pages_of(image_size));
        return s;
    }
    efi_say(st, "capvisor: efi: kernel at ");
    efi_say_hex(st, CV_KERNEL_LOAD);
    efi_say(st, ", device tree at ");
    efi_say_hex(st, dtb);
    efi_say(st, "; leaving boot services\n");
    s = efi_leave(st, image);
    if (s != EFI_SUCCESS)
        return s; /* boot services may be gone: no FreePages */
    /* From here on no firmware service: the firmware's memory is ours. */
    size_t payload = payload_size();
    memcpy((void *)(uintptr_t)CV_KERNEL_LOAD, efi_payload_start, payload);
    dcache_clean_invalidate(CV_KERNEL_LOAD, image_size);
    dcache_clean_invalidate(dtb, dtb_size);
    /* enter.S goes on running with the caches off: its instructions are
     * then fetched from memory, where a firmware that made the image
     * coherent only to the point of unification did not put them */
    dcache_clean_invalidate(
        (uint64_t)(uintptr_t)efi_enter_kernel,
        (uint64_t)((uintptr_t)efi_enter_kernel_end - (uintptr_t)efi_enter_kernel));
    efi_enter_kernel(dtb, CV_KERNEL_LOAD);
}
