/*
 * Boot images (boot.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/cache.h>
#include <cap/invoke.h>
#include <cap/runtime.h>
#include <vmm/fdtgen.h>
#include <vmm/gunzip.h>
#include <vmm/image.h>

#include "boot.h"
#include "guest.h"

#define BOOT_INITRD_TOP (512ull << 20) /* initrd ends below ram_base + 512 MiB */
#define BOOT_PAGE       0x1000ull

/** A boot file: where the loader mapped it in the VMM. */
struct boot_file {
    const void *data;
    size_t size;
};

/** The FILE interface `name`; false (reported) if absent. */
static bool boot_file(const struct vm *vm, const char *name, struct boot_file *f)
{
    const struct cv_comp_iface_info *i = cv_iface_find(name);
    f->data = i && i->kind == CV_SPEC_IF_FILE ? (const void *)(uintptr_t)i->vaddr : NULL;
    f->size = f->data ? (size_t)i->size : 0;
    if (!f->data)
        printf("[%s] no boot file '%s' (a `files` entry of the component)\n", vm->name, name);
    return f->data != NULL;
}

/** Copies f to IPA ipa and cleans it to the point of coherency. */
static bool boot_copy(struct vm *vm, uint64_t ipa, const void *data, size_t size, const char *what)
{
    void *dst = guest_ptr(vm, ipa, size);
    if (!dst) {
        printf("[%s] %s at IPA 0x%llx (%zu bytes) is outside guest RAM\n", vm->name, what,
               (unsigned long long)ipa, size);
        return false;
    }
    memcpy(dst, data, size);
    cv_dcache_clean(dst, size);
    return true;
}

/** The initrd's IPA: as high as possible below 512 MiB, not before image_layout's slot. */
static uint64_t boot_initrd_ipa(const struct vm *vm, uint64_t slot, uint64_t size)
{
    uint64_t ram = vm->cfg->ram_size < BOOT_INITRD_TOP ? vm->cfg->ram_size : BOOT_INITRD_TOP;
    uint64_t top = vm->cfg->ram_base + ram;
    if (slot > top || size > top - slot)
        return slot;
    return (top - size) & ~(BOOT_PAGE - 1u);
}

/** Generates the device tree for this VM and copies it to IPA dtb. */
static bool boot_dtb(struct vm *vm, uint64_t dtb, uint64_t initrd, uint64_t initrd_size)
{
    static uint8_t buf[BOOT_DTB_MAX];
    struct fdtgen_params p = {.machine = &vm->machine};
    size_t size;
    p.bootargs = vm->cfg->bootargs[0] ? vm->cfg->bootargs : NULL;
    p.initrd_start = IPA(initrd);
    p.initrd_end = IPA(initrd + initrd_size);
    enum fdtgen_result r = fdtgen_build(&p, buf, sizeof(buf), &size);
    if (r != FDTGEN_OK) {
        printf("[%s] generating the device tree failed (%d)\n", vm->name, (int)r);
        return false;
    }
    return boot_copy(vm, dtb, buf, size, "device tree");
}

/**
 * The kernel file's frames, if they can be its guest RAM: the file is the
 * VM's own (a writable interface: its frame caps at f->cptr) and the
 * kernel starts on a 2 MiB block. NULL otherwise: it is copied.
 */
static const struct cv_comp_iface_info *boot_own_kernel(const struct vm *vm)
{
    const struct cv_comp_iface_info *f = cv_iface_find(vm->cfg->kernel);
    if (!vm->cfg->kernel_gz[0] || !f || f->kind != CV_SPEC_IF_FILE || !f->cptr)
        return NULL;
    if ((vm->boot.kernel_ipa - vm->cfg->ram_base) % GUEST_BLOCK) {
        printf("[%s] kernel copied, not run in place: IPA 0x%llx is within a 2 MiB block\n",
               vm->name, (unsigned long long)vm->boot.kernel_ipa);
        return NULL;
    }
    return f;
}

/**
 * Works out where kernel, DTB and initrd go (vm->boot), from the kernel's
 * header, and whether the kernel can run in place.
 */
static bool boot_place(struct vm *vm, const struct boot_file *kernel, uint64_t initrd_size)
{
    struct image_hdr hdr;
    struct image_layout lay;
    enum image_error err = image_parse(kernel->data, kernel->size, &hdr);
    if (err == IMAGE_OK)
        err = image_layout(&hdr, IPA(vm->cfg->ram_base), vm->cfg->ram_size, BOOT_DTB_MAX,
                           initrd_size, &lay);
    if (err != IMAGE_OK) {
        printf("[%s] kernel '%s': %s\n", vm->name, vm->cfg->kernel, image_strerror(err));
        return false;
    }
    vm->boot.kernel_ipa = lay.kernel.v;
    vm->boot.kernel_size = kernel->size;
    vm->boot.dtb_ipa = lay.dtb.v;
    vm->boot.initrd_slot = lay.initrd.v;
    vm->boot.own = boot_own_kernel(vm);
    vm->boot.placed = true;
    return true;
}

/** The kernel-gz file, checked to hold the kernel's size (its gzip trailer); false if not. */
static bool boot_gz(const struct vm *vm, struct boot_file *gz)
{
    uint32_t isize = 0;
    if (!boot_file(vm, vm->cfg->kernel_gz, gz))
        return false;
    if (gunzip_isize(gz->data, gz->size, &isize) && isize == (uint32_t)vm->boot.kernel_size)
        return true;
    printf("[%s] kernel-gz '%s' is not a gzip of the %llu-byte kernel '%s'\n", vm->name,
           vm->cfg->kernel_gz, (unsigned long long)vm->boot.kernel_size, vm->cfg->kernel);
    return false;
}

/**
 * The first boot in place: the kernel file's 2 MiB frames become the RAM
 * blocks it runs in, so nothing is zeroed, copied or cleaned (the loader of
 * capvisor's image left it at the point of coherency, as it must for any
 * kernel it starts; nothing wrote it since). The tail of the last frame is
 * zero, the archive's padding (no other file shares the block: mkarchive,
 * loader) or a fresh frame's.
 */
static bool boot_adopt(struct vm *vm, const struct cv_comp_iface_info *f)
{
    uint64_t n = (vm->boot.kernel_size + GUEST_BLOCK - 1) / GUEST_BLOCK;
    for (uint64_t j = 0; j < n; j++) {
        uint64_t ipa = vm->boot.kernel_ipa + j * GUEST_BLOCK;
        enum cv_err err = guest_adopt(vm, ipa, f->cptr + j);
        if (err != CV_OK) {
            printf("[%s] kernel in place: RAM block at IPA 0x%llx: %s\n", vm->name,
                   (unsigned long long)ipa, cv_err_str(err));
            return false;
        }
    }
    vm->boot.in_place = true;
    printf("[%s] kernel '%s' (%llu bytes) runs in place; resets inflate '%s'\n", vm->name,
           vm->cfg->kernel, (unsigned long long)vm->boot.kernel_size, vm->cfg->kernel_gz);
    return true;
}

/** A reset after a boot in place: the pristine kernel from kernel-gz, over the guest's RAM. */
static bool boot_inflate(struct vm *vm, const struct boot_file *gz)
{
    size_t n = 0;
    uint8_t *dst = guest_ptr(vm, vm->boot.kernel_ipa, vm->boot.kernel_size);
    if (!dst)
        return false;
    enum gunzip_result r = gunzip(gz->data, gz->size, dst, vm->boot.kernel_size, &n);
    if (r == GUNZIP_OK && n != vm->boot.kernel_size)
        r = GUNZIP_E_SIZE;
    if (r != GUNZIP_OK) {
        printf("[%s] kernel-gz '%s': %s after %zu of %llu bytes\n", vm->name, vm->cfg->kernel_gz,
               gunzip_strerror(r), n, (unsigned long long)vm->boot.kernel_size);
        return false;
    }
    cv_dcache_clean(dst, n);
    return true;
}

/** The kernel into guest RAM: in place (the first boot), inflated (after one in place) or copied.
 */
static bool boot_kernel(struct vm *vm, const struct boot_file *kernel)
{
    struct boot_file gz = {NULL, 0};
    if (vm->cfg->kernel_gz[0] && !boot_gz(vm, &gz))
        return false;
    if (vm->boot.in_place)
        return boot_inflate(vm, &gz);
    if (vm->boot.own)
        return boot_adopt(vm, vm->boot.own);
    return boot_copy(vm, vm->boot.kernel_ipa, kernel->data, kernel->size, "kernel");
}

bool boot_load(struct vm *vm)
{
    struct boot_file kernel, initrd = {NULL, 0};
    if (!boot_file(vm, vm->cfg->kernel, &kernel))
        return false;
    if (vm->cfg->initrd[0] && !boot_file(vm, vm->cfg->initrd, &initrd))
        return false;
    if (!vm->boot.placed && !boot_place(vm, &kernel, initrd.size))
        return false;
    uint64_t initrd_ipa = boot_initrd_ipa(vm, vm->boot.initrd_slot, initrd.size);
    if (!boot_kernel(vm, &kernel) ||
        (initrd.size && !boot_copy(vm, initrd_ipa, initrd.data, initrd.size, "initrd")) ||
        !boot_dtb(vm, vm->boot.dtb_ipa, initrd_ipa, initrd.size))
        return false;
    vm->entry = vm->boot.kernel_ipa;
    vm->dtb = vm->boot.dtb_ipa;
    printf("[%s] kernel at 0x%llx, dtb at 0x%llx, initrd at 0x%llx (%zu bytes)\n", vm->name,
           (unsigned long long)vm->entry, (unsigned long long)vm->dtb,
           (unsigned long long)initrd_ipa, initrd.size);
    return true;
}
