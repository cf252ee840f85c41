/*
 * Device passthrough and 1:1 guest RAM (passthru.h).
 */
#include "passthru.h"

#include "diag.h"

#include <capvisor/abi.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmm/machine.h>

/**
 * What specc knows of the platform's physical memory, from the build's
 * board data (plat/<board>/board.cmake, target/CMakeLists.txt): its RAM
 * (--ram) and where the image lies in it (--image: the kernel, its boot
 * archive, the DTB below; a bound, the archive's size is not known when
 * the spec is compiled, and the loader checks again at boot). Without
 * them no VM can have 1:1 RAM.
 */
static struct {
    bool known;
    uint64_t ram_base, ram_size;
    uint64_t image_base, image_size;
} passthru_mem;

/** Parses "BASE:SIZE" (numbers as strtoull base 0 reads them). */
static int passthru_range(const char *opt, const char *arg, uint64_t *base, uint64_t *size)
{
    char *end;
    errno = 0;
    *base = strtoull(arg, &end, 0);
    if (*end == ':')
        *size = strtoull(end + 1, &end, 0);
    if (errno || *end || arg[0] == ':' || *size == 0 || *base + *size < *base) {
        fprintf(stderr, "specc: %s wants BASE:SIZE (a non-empty range), got '%s'\n", opt, arg);
        return -1;
    }
    return 0;
}

int passthru_set_ram(const char *arg)
{
    int rc = passthru_range("--ram", arg, &passthru_mem.ram_base, &passthru_mem.ram_size);
    passthru_mem.known = rc == 0;
    return rc;
}

int passthru_set_image(const char *arg)
{
    return passthru_range("--image", arg, &passthru_mem.image_base, &passthru_mem.image_size);
}

/** The end of [base, base + size), for messages. */
static unsigned long long passthru_end(uint64_t base, uint64_t size)
{
    return base + size;
}

/** Whether [a, a + as) and [b, b + bs) share a byte. */
static int passthru_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

/** The physical range a 1:1 VM of component c takes: its whole untyped. */
static uint64_t passthru_span(const struct desc *d, uint32_t c)
{
    return 1ull << d->comp[c].spec.untyped_bits;
}

/** The component whose vm is index i. */
static uint32_t passthru_comp(const struct desc *d, uint32_t i)
{
    for (uint32_t c = 0; c < d->comp_count; c++)
        if (d->comp[c].spec.vm_index == i)
            return c;
    return CV_SPEC_NONE;
}

/** The untyped the loader places at ram-base: big enough, aligned. */
static int passthru_ram_untyped(const struct prop_node *v, const struct desc_component *c,
                                const struct cv_spec_vm *vm)
{
    uint32_t bits = c->spec.untyped_bits;
    if (!bits)
        return prop_error(v, "ram-identity",
                          "ram-identity: the VMM's untyped (untyped-bits) is placed at ram-base, "
                          "and component '%s' has none",
                          c->spec.name);
    if (vm->ram_size >= 1ull << bits)
        return prop_error(v, "ram-size",
                          "ram-size 0x%llx leaves nothing of the 2^%u-byte untyped for the "
                          "VMM's own objects (ram-identity: RAM is its first part)",
                          (unsigned long long)vm->ram_size, bits);
    if (vm->ram_base & ((1ull << bits) - 1))
        return prop_error(v, "ram-base",
                          "ram-base 0x%llx is not aligned to the VMM's 2^%u-byte untyped "
                          "(ram-identity places the untyped there)",
                          (unsigned long long)vm->ram_base, bits);
    return 0;
}

/** [base, base + span) inside the platform's RAM and clear of its image. */
static int passthru_ram_plat(const struct prop_node *v, uint64_t base, uint64_t span)
{
    if (!passthru_mem.known)
        return prop_error(v, "ram-identity",
                          "ram-identity: specc was not told the platform's RAM (--ram BASE:SIZE, "
                          "from the board's data)");
    uint64_t rb = passthru_mem.ram_base, rs = passthru_mem.ram_size;
    if (base < rb || base - rb > rs || span > rs - (base - rb))
        return prop_error(v, "ram-base",
                          "1:1 RAM 0x%llx..0x%llx is outside physical memory (RAM "
                          "0x%llx..0x%llx)",
                          (unsigned long long)base, passthru_end(base, span),
                          (unsigned long long)rb, passthru_end(rb, rs));
    if (passthru_overlap(base, span, passthru_mem.image_base, passthru_mem.image_size))
        return prop_error(v, "ram-base",
                          "1:1 RAM 0x%llx..0x%llx overlaps the kernel image (0x%llx..0x%llx: "
                          "kernel, boot archive, DTB)",
                          (unsigned long long)base, passthru_end(base, span),
                          (unsigned long long)passthru_mem.image_base,
                          passthru_end(passthru_mem.image_base, passthru_mem.image_size));
    return 0;
}

int passthru_ram(struct desc *d, const struct prop_node *v, uint32_t comp, struct cv_spec_vm *vm)
{
    int on = 0;
    if (prop_flag(v, "ram-identity", &on) || !on)
        return on ? -1 : 0;
    struct desc_component *c = &d->comp[comp];
    uint64_t span = passthru_span(d, comp);
    if (vm->kernel_gz[0])
        return prop_error(v, "ram-identity",
                          "ram-identity with kernel-gz: a kernel run in place sits in the boot "
                          "archive's frames, not at IPA == PA; leave kernel-gz out");
    if (passthru_ram_untyped(v, c, vm) || passthru_ram_plat(v, vm->ram_base, span))
        return -1;
    for (uint32_t i = 0; i < d->vm_count; i++) {
        uint32_t o = passthru_comp(d, i);
        if (!(d->vm[i].flags & CV_SPEC_VM_RAM_IDENTITY) ||
            !passthru_overlap(vm->ram_base, span, d->vm[i].ram_base, passthru_span(d, o)))
            continue;
        return prop_error(v, "ram-base",
                          "1:1 RAM 0x%llx..0x%llx overlaps that of component '%s' "
                          "(0x%llx..0x%llx)",
                          (unsigned long long)vm->ram_base, passthru_end(vm->ram_base, span),
                          d->comp[o].spec.name, (unsigned long long)d->vm[i].ram_base,
                          passthru_end(d->vm[i].ram_base, passthru_span(d, o)));
    }
    vm->flags |= CV_SPEC_VM_RAM_IDENTITY;
    c->ram_loc = prop_loc(v, "ram-identity");
    return 0;
}

/** compatible: required, short enough for the spec's room. */
static int passthru_compatible(const struct prop_node *n, struct cv_spec_vm_device *dev)
{
    if (!prop_has(n, "compatible"))
        return prop_error(n, NULL, "a passthrough device needs 'compatible' (its guest node's)");
    const char *s = prop_string(n, "compatible");
    if (!s)
        return -1;
    if (!*s || strlen(s) >= CV_SPEC_PASSTHRU_COMPAT)
        return prop_error(n, "compatible", "compatible '%s' must be 1..%u characters", s,
                          CV_SPEC_PASSTHRU_COMPAT - 1);
    strcpy(dev->passthru.compatible, s);
    return 0;
}

int passthru_read(struct desc *d, const struct prop_node *n, struct cv_spec_vm_device *dev,
                  uint32_t index)
{
    static const char *const own[] = {"region", "compatible", "size", NULL};
    if (dev->kind != CV_SPEC_VDEV_PASSTHRU)
        return prop_check_absent(n, own, "passthrough device");
    struct desc_passthru p = {.vm = d->vm_count, .dev = index, .node = *n};
    uint32_t size = 0;
    if (!prop_has(n, "region"))
        return prop_error(n, NULL, "a passthrough device needs 'region' (a device interface)");
    if (!prop_string(n, "region") || passthru_compatible(n, dev) ||
        (prop_has(n, "address") && prop_u64(n, "address", &p.reg)) ||
        prop_u32(n, "size", 0, 1, 0xffff, &size))
        return -1;
    p.reg_size = size;
    struct desc_passthru *list = realloc(d->passthru, (d->passthru_count + 1) * sizeof(*list));
    if (!list)
        return prop_error(n, NULL, "out of memory");
    d->passthru = list;
    list[d->passthru_count++] = p;
    return 0;
}

/** Global index of interface `name` of component c, or CV_SPEC_NONE. */
static uint32_t passthru_iface(const struct desc *d, uint32_t c, const char *name)
{
    const struct cv_spec_component *comp = &d->comp[c].spec;
    for (uint32_t i = comp->iface_first; i < comp->iface_first + comp->iface_count; i++)
        if (strcmp(d->iface[i].spec.name, name) == 0)
            return i;
    return CV_SPEC_NONE;
}

/** The region: a device connection's `caps` end in the VMM, and nobody else's. */
static int passthru_region(const struct desc *d, const struct desc_passthru *p, uint32_t c,
                           uint32_t *out)
{
    const char *name = prop_string(&p->node, "region");
    uint32_t i = passthru_iface(d, c, name);
    if (i == CV_SPEC_NONE || d->iface[i].spec.kind != CV_SPEC_IF_FRAMES ||
        d->obj[d->iface[i].spec.object].spec.kind != CV_SPEC_OBJ_DEVICE)
        return prop_error(&p->node, "region",
                          "'%s' is not the end of a device connection with 'caps;' in "
                          "component '%s' (the VMM maps its frames into the guest)",
                          name, d->comp[c].spec.name);
    for (uint32_t k = 0; k < d->iface_count; k++)
        if (k != i && d->iface[k].spec.object == d->iface[i].spec.object)
            return prop_error(&p->node, "region",
                              "device '%s' is passed through to '%s', so it may have no other "
                              "end ('%s.%s')",
                              d->obj[d->iface[i].spec.object].spec.name, d->comp[c].spec.name,
                              d->comp[d->iface[k].comp].spec.name, d->iface[k].spec.name);
    *out = i;
    return 0;
}

/** The region's interrupt: its `<iface>_irq` interface, if the connection has one. */
static void passthru_irq(const struct desc *d, uint32_t c, uint32_t region,
                         struct cv_spec_passthru *out)
{
    char name[2 * CV_SPEC_NAME_MAX];
    snprintf(name, sizeof(name), "%s_irq", d->iface[region].spec.name);
    uint32_t i = passthru_iface(d, c, name);
    out->irq = CV_SPEC_PASSTHRU_NO_IRQ;
    if (i == CV_SPEC_NONE || d->iface[i].spec.kind != CV_SPEC_IF_IRQ)
        return;
    out->irq = (uint8_t)(i - d->comp[c].spec.iface_first);
    out->interrupt = d->obj[d->iface[i].spec.object].spec.irq;
}

/** The VM's machine as the VMM builds it (vm.c): its emulated devices. */
static enum machine_result passthru_machine(const struct cv_spec_vm *vm, unsigned gic,
                                            struct machine *m)
{
    enum machine_result r = machine_virt_gic(m, IPA(vm->ram_base), vm->ram_size, vm->vcpus, gic);
    for (uint32_t k = 0; r == MACHINE_OK && k < vm->device_count; k++) {
        const struct cv_spec_vm_device *v = &vm->device[k];
        if (v->kind == CV_SPEC_VDEV_PASSTHRU)
            continue;
        r = v->transport == CV_SPEC_VDEV_PCI
                ? machine_add_virtio_pci(m, v->kind, NULL)
                : machine_add_virtio_mmio(m, v->kind, IPA(v->address), v->interrupt, NULL);
    }
    return r;
}

/** Adds passthrough p (resolved) to m. */
static enum machine_result passthru_add(const struct desc *d, const struct desc_passthru *p,
                                        struct machine *m)
{
    const struct cv_spec_passthru *pt = &d->vm[p->vm].device[p->dev].passthru;
    return machine_add_passthru(m, IPA(p->paddr), p->size, IPA(p->paddr + pt->reg_offset),
                                pt->reg_size, pt->interrupt, pt->compatible, NULL);
}

/**
 * Passthrough k on its VM's machines (both GIC layouts), after the emulated
 * devices and the VM's passthroughs before it, as the VMM adds them.
 */
static int passthru_place(const struct desc *d, uint32_t k)
{
    static const unsigned gics[2] = {2, 3};
    const struct desc_passthru *p = &d->passthru[k];
    for (unsigned g = 0; g < 2; g++) {
        struct machine m;
        enum machine_result r = passthru_machine(&d->vm[p->vm], gics[g], &m);
        for (uint32_t j = 0; r == MACHINE_OK && j < k; j++)
            if (d->passthru[j].vm == p->vm)
                r = passthru_add(d, &d->passthru[j], &m);
        if (r == MACHINE_OK)
            r = passthru_add(d, p, &m);
        if (r != MACHINE_OK)
            return prop_error(&p->node, r == MACHINE_E_RANGE ? "address" : "region",
                              "region 0x%llx..0x%llx%s: %s", (unsigned long long)p->paddr,
                              passthru_end(p->paddr, p->size), g ? " (on a board with GICv3)" : "",
                              machine_strerror(r));
    }
    return 0;
}

/** The node's reg inside the region: [address, + size), default the whole region. */
static int passthru_reg(struct desc_passthru *p, struct cv_spec_passthru *out)
{
    uint64_t reg = p->reg ? p->reg : p->paddr;
    uint64_t size = p->reg_size ? p->reg_size : p->size;
    if (reg < p->paddr || reg - p->paddr >= p->size || size > p->size - (reg - p->paddr) ||
        size > 0xffff)
        return prop_error(&p->node, p->reg ? "address" : "region",
                          "its registers 0x%llx..0x%llx are not inside its region "
                          "0x%llx..0x%llx (or span 64 KiB or more)",
                          (unsigned long long)reg, passthru_end(reg, size),
                          (unsigned long long)p->paddr, passthru_end(p->paddr, p->size));
    out->reg_offset = (uint16_t)(reg - p->paddr);
    out->reg_size = (uint16_t)size;
    return 0;
}

/** A 1:1 VM's range clear of device regions (anyone's). */
static int passthru_ram_devices(const struct desc *d)
{
    for (uint32_t i = 0; i < d->vm_count; i++) {
        uint32_t c = passthru_comp(d, i);
        if (!(d->vm[i].flags & CV_SPEC_VM_RAM_IDENTITY))
            continue;
        for (uint32_t k = 0; k < d->obj_count; k++) {
            const struct cv_spec_object *o = &d->obj[k].spec;
            if (o->kind != CV_SPEC_OBJ_DEVICE ||
                !passthru_overlap(d->vm[i].ram_base, passthru_span(d, c), o->paddr, o->size))
                continue;
            diag_error(d->comp[c].ram_loc,
                       "component '%s': 1:1 RAM 0x%llx..0x%llx overlaps device '%s' "
                       "(0x%llx..0x%llx)",
                       d->comp[c].spec.name, (unsigned long long)d->vm[i].ram_base,
                       passthru_end(d->vm[i].ram_base, passthru_span(d, c)), o->name,
                       (unsigned long long)o->paddr, passthru_end(o->paddr, o->size));
            return -1;
        }
    }
    return 0;
}

int passthru_resolve(struct desc *d)
{
    for (uint32_t k = 0; k < d->passthru_count; k++) {
        struct desc_passthru *p = &d->passthru[k];
        uint32_t c = passthru_comp(d, p->vm), region = 0;
        struct cv_spec_passthru *out = &d->vm[p->vm].device[p->dev].passthru;
        if (passthru_region(d, p, c, &region))
            return -1;
        const struct cv_spec_object *o = &d->obj[d->iface[region].spec.object].spec;
        p->paddr = o->paddr;
        p->size = o->size;
        out->region = (uint8_t)(region - d->comp[c].spec.iface_first);
        passthru_irq(d, c, region, out);
        if (passthru_reg(p, out) || passthru_place(d, k))
            return -1;
    }
    return passthru_ram_devices(d);
}
