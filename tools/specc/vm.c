/*
 * Files and virtual machines of a component, see vm.h.
 */
#include "vm.h"

#include "diag.h"
#include "passthru.h"
#include "vmdev.h"

#include <capvisor/abi.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define VM_ALIGN     (1ull << CV_LARGE_PAGE_BITS) /* 2 MiB: stage-2 block size */
#define VM_MAX_VCPUS 8u

static const char *const vm_props[] = {
    "ram-base",  "ram-size",        "vcpus",         "kernel",       "initrd", "bootargs",
    "kernel-gz", "unbacked-access", "vcpu-affinity", "ram-identity", NULL};

/** Reports any child node of n other than one named `allowed`. */
static int vm_only_child(const struct prop_node *n, const char *allowed)
{
    struct prop_node c;
    int child;

    fdt_for_each_subnode(child, n->fdt, n->off)
    {
        if (prop_node_init(&c, n->src, child, NULL))
            return -1;
        if (strcmp(c.name, allowed) != 0)
            return prop_error(&c, NULL, "%s '%s': unexpected child node '%s'", n->what, n->name,
                              c.name);
    }
    return 0;
}

int vm_check_children(const struct prop_node *n)
{
    return vm_only_child(n, "vm");
}

/** Index of the FILE object named `name`, creating it if new. */
static int vm_file_object(struct desc *d, const struct prop_node *n, const char *name,
                          uint32_t *obj)
{
    struct desc_object *o;

    for (uint32_t i = 0; i < d->obj_count; i++) {
        if (strcmp(d->obj[i].spec.name, name) == 0) {
            *obj = i;
            return 0;
        }
    }
    o = desc_add_object(d);
    if (!o)
        return -1;
    strcpy(o->spec.name, name);
    o->spec.kind = CV_SPEC_OBJ_FILE;
    o->loc = prop_loc(n, "files");
    *obj = d->obj_count - 1;
    return 0;
}

/** Check file `i` of the list: length, --files, not listed before. */
static int vm_check_file(const struct prop_node *n, int i, const struct desc_programs *files)
{
    const char *name = prop_string_at(n, "files", i);

    if (strlen(name) >= CV_SPEC_NAME_MAX)
        return prop_error(n, "files", "file name '%s' is longer than %u characters", name,
                          CV_SPEC_NAME_MAX - 1);
    if (desc_check_listed(n, "files", "file", name, files))
        return -1;
    for (int j = 0; j < i; j++) {
        if (strcmp(prop_string_at(n, "files", j), name) == 0)
            return prop_error(n, "files", "file '%s' is listed twice", name);
    }
    return 0;
}

int vm_load_files(struct desc *d, const struct prop_node *n, uint32_t comp,
                  const struct desc_programs *files)
{
    int count = prop_string_count(n, "files");
    struct desc_iface *f;
    uint32_t obj;

    for (int i = 0; i < count; i++) {
        const char *name = prop_string_at(n, "files", i);

        if (vm_check_file(n, i, files) || vm_file_object(d, n, name, &obj))
            return -1;
        f = desc_add_iface(d, comp);
        if (!f)
            return -1;
        strcpy(f->spec.name, name);
        f->spec.kind = CV_SPEC_IF_FILE;
        f->spec.object = obj;
        f->spec.rights = CV_RIGHT_READ;
        f->spec.ntfn_iface = CV_SPEC_NONE;
        f->loc = prop_loc(n, "files");
    }
    return count < 0 ? -1 : 0;
}

/** Read ram-base and ram-size: 2 MiB aligned, non-empty, no wrap. */
static int vm_ram(const struct prop_node *n, struct cv_spec_vm *vm)
{
    if (prop_u64(n, "ram-base", &vm->ram_base) || prop_u64(n, "ram-size", &vm->ram_size))
        return -1;
    if (vm->ram_base % VM_ALIGN != 0)
        return prop_error(n, "ram-base", "ram-base 0x%llx is not 2 MiB aligned",
                          (unsigned long long)vm->ram_base);
    if (vm->ram_size == 0 || vm->ram_size % VM_ALIGN != 0)
        return prop_error(n, "ram-size", "ram-size 0x%llx is not a non-zero multiple of 2 MiB",
                          (unsigned long long)vm->ram_size);
    if (vm->ram_base + vm->ram_size < vm->ram_base)
        return prop_error(n, "ram-size", "guest RAM 0x%llx + 0x%llx wraps around",
                          (unsigned long long)vm->ram_base, (unsigned long long)vm->ram_size);
    return 0;
}

/** The FILE interface `name` of component comp, or NULL. */
static struct desc_iface *vm_file_iface(struct desc *d, uint32_t comp, const char *name)
{
    for (uint32_t i = 0; i < d->iface_count; i++) {
        struct desc_iface *f = &d->iface[i];
        if (f->comp == comp && f->spec.kind == CV_SPEC_IF_FILE && strcmp(f->spec.name, name) == 0)
            return f;
    }
    return NULL;
}

/** Read image property `prop` (kernel, initrd, kernel-gz): one of the component's files. */
static int vm_image(struct desc *d, const struct prop_node *n, uint32_t comp, const char *prop,
                    int required, char *buf)
{
    if (prop_name(n, prop, required, buf))
        return -1;
    if (buf[0] == '\0' || vm_file_iface(d, comp, buf))
        return 0;
    return prop_error(n, prop, "%s '%s' is not one of the component's files", prop, buf);
}

/**
 * Read kernel-gz (optional): a gzip of the kernel that resets boot from,
 * so the first boot may run the kernel file itself, in place: its FILE
 * interface becomes writable (vm_check_own_kernels checks no other
 * interface shares its frames).
 */
static int vm_kernel_gz(struct desc *d, const struct prop_node *n, uint32_t comp,
                        struct cv_spec_vm *vm)
{
    if (vm_image(d, n, comp, "kernel-gz", 0, vm->kernel_gz))
        return -1;
    if (vm->kernel_gz[0] == '\0')
        return 0;
    if (strcmp(vm->kernel_gz, vm->kernel) == 0 || strcmp(vm->kernel_gz, vm->initrd) == 0)
        return prop_error(n, "kernel-gz", "kernel-gz '%s' must be a file of its own, not the %s",
                          vm->kernel_gz,
                          strcmp(vm->kernel_gz, vm->kernel) == 0 ? "kernel" : "initrd");
    if (strcmp(vm->kernel, vm->initrd) == 0)
        return prop_error(
            n, "kernel-gz",
            "with kernel-gz the kernel runs in place, so it cannot be the initrd too");
    vm_file_iface(d, comp, vm->kernel)->spec.rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    d->comp[comp].kernel_gz_loc = prop_loc(n, "kernel-gz");
    return 0;
}

int vm_check_own_kernels(const struct desc *d)
{
    for (uint32_t c = 0; c < d->comp_count; c++) {
        const struct desc_component *dc = &d->comp[c];
        if (dc->spec.vm_index == CV_SPEC_NONE || !d->vm[dc->spec.vm_index].kernel_gz[0])
            continue;
        const char *kernel = d->vm[dc->spec.vm_index].kernel;
        for (uint32_t i = 0; i < d->iface_count; i++) {
            const struct desc_iface *f = &d->iface[i];
            if (f->comp == c || strcmp(d->obj[f->spec.object].spec.name, kernel) != 0)
                continue;
            diag_error(dc->kernel_gz_loc,
                       "component '%s': with kernel-gz its kernel '%s' runs in place and the "
                       "guest writes it, so no other component may have that file ('%s' does)",
                       dc->spec.name, kernel, d->comp[f->comp].spec.name);
            return -1;
        }
    }
    return 0;
}

/** Read bootargs (optional, shorter than CV_SPEC_BOOTARGS_MAX). */
static int vm_bootargs(const struct prop_node *n, struct cv_spec_vm *vm)
{
    const char *s;

    if (!prop_has(n, "bootargs"))
        return 0;
    s = prop_string(n, "bootargs");
    if (!s)
        return -1;
    if (strlen(s) >= CV_SPEC_BOOTARGS_MAX)
        return prop_error(n, "bootargs", "bootargs is %zu characters, at most %u", strlen(s),
                          CV_SPEC_BOOTARGS_MAX - 1);
    strcpy(vm->bootargs, s);
    return 0;
}

/** Read unbacked-access: "stop" (the default) or "abort" (CV_SPEC_VM_ABORT_UNBACKED). */
static int vm_unbacked(const struct prop_node *n, struct cv_spec_vm *vm)
{
    static const char *const choices[] = {"stop", "abort", NULL};
    uint32_t i;

    if (prop_choice(n, "unbacked-access", choices, &i))
        return -1;
    if (i == 1)
        vm->flags |= CV_SPEC_VM_ABORT_UNBACKED;
    return 0;
}

/** `vcpu-affinity = <c0 c1 ...>`: one core per vCPU (optional; the VMM spreads them without). */
static int vm_affinity(const struct prop_node *n, struct cv_spec_vm *vm)
{
    int len;
    const fdt32_t *cell = fdt_getprop(n->fdt, n->off, "vcpu-affinity", &len);

    if (!cell)
        return 0;
    if (len != (int)(vm->vcpus * sizeof(*cell)))
        return prop_error(n, "vcpu-affinity",
                          "vcpu-affinity: one core per vCPU, %u cells for %u vCPUs",
                          (unsigned)(len > 0 ? len / (int)sizeof(*cell) : 0), vm->vcpus);
    for (uint32_t i = 0; i < vm->vcpus; i++) {
        uint32_t core = fdt32_to_cpu(cell[i]);
        if (core >= DESC_MAX_CORES)
            return prop_error(n, "vcpu-affinity", "vcpu-affinity: vCPU %u on core %u, not 0..%u", i,
                              core, DESC_MAX_CORES - 1);
        vm->vcpu_core[i] = (uint8_t)core;
    }
    vm->flags |= CV_SPEC_VM_VCPU_AFFINITY;
    return 0;
}

int vm_load(struct desc *d, const struct prop_node *n, uint32_t comp)
{
    struct prop_node v;
    struct cv_spec_vm vm;
    struct cv_spec_vm *e;
    int off = fdt_subnode_offset(n->fdt, n->off, "vm");

    if (off < 0)
        return 0;
    memset(&vm, 0, sizeof(vm));
    if (prop_node_init(&v, n->src, off, "vm of component"))
        return -1;
    v.name = n->name;
    if (prop_check_known(&v, vm_props) || vm_only_child(&v, "devices"))
        return -1;
    if (!prop_has(n, "files"))
        return prop_error(&v, NULL, "a vm needs the component's 'files' (its kernel image)");
    if (vm_ram(&v, &vm) || prop_u32(&v, "vcpus", 1, 1, VM_MAX_VCPUS, &vm.vcpus) ||
        vm_image(d, &v, comp, "kernel", 1, vm.kernel) ||
        vm_image(d, &v, comp, "initrd", 0, vm.initrd) || vm_kernel_gz(d, &v, comp, &vm) ||
        vm_bootargs(&v, &vm) || vm_unbacked(&v, &vm) || vm_affinity(&v, &vm) ||
        passthru_ram(d, &v, comp, &vm) || vmdev_load(d, &v, &vm))
        return -1;
    e = desc_add_vm(d);
    if (!e)
        return -1;
    *e = vm;
    d->comp[comp].spec.vm_index = d->vm_count - 1;
    return 0;
}
