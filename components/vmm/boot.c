/*
 * Boot images (boot.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/runtime.h>
#include <vmm/fdtgen.h>
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
        printf("%s: no boot file '%s' (a `files` entry of the component)\n", vm->name, name);
    return f->data != NULL;
}

/** Copies f to IPA ipa and cleans it to the point of coherency. */
static bool boot_copy(struct vm *vm, uint64_t ipa, const void *data, size_t size, const char *what)
{
    void *dst = guest_ptr(vm, ipa, size);
    if (!dst) {
        printf("%s: %s at IPA 0x%llx (%zu bytes) is outside guest RAM\n", vm->name, what,
               (unsigned long long)ipa, size);
        return false;
    }
    memcpy(dst, data, size);
    guest_clean(dst, size);
    return true;
}

/** The initrd's IPA: as high as possible below 512 MiB, not before image_layout's slot. */
static uint64_t boot_initrd_ipa(const struct vm *vm, const struct image_layout *lay, uint64_t size)
{
    uint64_t ram = vm->cfg->ram_size < BOOT_INITRD_TOP ? vm->cfg->ram_size : BOOT_INITRD_TOP;
    uint64_t top = vm->cfg->ram_base + ram;
    if (lay->initrd.v > top || size > top - lay->initrd.v)
        return lay->initrd.v;
    return (top - size) & ~(BOOT_PAGE - 1u);
}

/** Generates the device tree for this VM and copies it to IPA dtb. */
static bool boot_dtb(struct vm *vm, uint64_t dtb, uint64_t initrd, uint64_t initrd_size)
{
    static uint8_t buf[BOOT_DTB_MAX];
    struct fdtgen_params p;
    size_t size;
    fdtgen_defaults(&p);
    p.ram_base = IPA(vm->cfg->ram_base);
    p.ram_size = vm->cfg->ram_size;
    p.vcpu_count = vm->vcpu_count;
    p.bootargs = vm->cfg->bootargs[0] ? vm->cfg->bootargs : NULL;
    p.initrd_start = IPA(initrd);
    p.initrd_end = IPA(initrd + initrd_size);
    enum fdtgen_result r = fdtgen_build(&p, buf, sizeof(buf), &size);
    if (r != FDTGEN_OK) {
        printf("%s: generating the device tree failed (%d)\n", vm->name, (int)r);
        return false;
    }
    return boot_copy(vm, dtb, buf, size, "device tree");
}

bool boot_load(struct vm *vm)
{
    struct boot_file kernel, initrd = {NULL, 0};
    struct image_hdr hdr;
    struct image_layout lay;
    if (!boot_file(vm, vm->cfg->kernel, &kernel))
        return false;
    if (vm->cfg->initrd[0] && !boot_file(vm, vm->cfg->initrd, &initrd))
        return false;
    enum image_error err = image_parse(kernel.data, kernel.size, &hdr);
    if (err == IMAGE_OK)
        err = image_layout(&hdr, IPA(vm->cfg->ram_base), vm->cfg->ram_size, BOOT_DTB_MAX,
                           initrd.size, &lay);
    if (err != IMAGE_OK) {
        printf("%s: kernel '%s': %s\n", vm->name, vm->cfg->kernel, image_strerror(err));
        return false;
    }
    uint64_t initrd_ipa = boot_initrd_ipa(vm, &lay, initrd.size);
    if (!boot_copy(vm, lay.kernel.v, kernel.data, kernel.size, "kernel") ||
        (initrd.size && !boot_copy(vm, initrd_ipa, initrd.data, initrd.size, "initrd")) ||
        !boot_dtb(vm, lay.dtb.v, initrd_ipa, initrd.size))
        return false;
    vm->entry = lay.kernel.v;
    vm->dtb = lay.dtb.v;
    printf("%s: kernel at 0x%llx, dtb at 0x%llx, initrd at 0x%llx (%zu bytes)\n", vm->name,
           (unsigned long long)vm->entry, (unsigned long long)vm->dtb,
           (unsigned long long)initrd_ipa, initrd.size);
    return true;
}
