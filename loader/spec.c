/*
 * Validation of the compiled spec. Every check names the offending entry,
 * since a bad spec is a build bug someone has to find.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"

#define PAGE_MASK ((uint64_t)CV_PAGE_SIZE - 1)

/** Lowest address a stack (plus its guard page) may reach. */
#define STACK_FLOOR (CV_COMP_IPCBUF_VADDR + CV_PAGE_SIZE)

#define VM_ALIGN     (1ull << CV_LARGE_PAGE_BITS) /* guest RAM: 2 MiB blocks */
#define VM_MAX_VCPUS 8u
#define COMP_FLAGS   (CV_SPEC_COMP_IRQ_CONTROL | CV_SPEC_COMP_CONSOLE)

/** Format the reason into err and fail. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/** A name field: NUL-terminated and, if nonempty is set, not empty. */
static int name_ok(const char name[CV_SPEC_NAME_MAX], int nonempty)
{
    return memchr(name, 0, CV_SPEC_NAME_MAX) != NULL && (!nonempty || name[0] != '\0');
}

/** A table of count entries of esize at off lies inside total bytes. */
static int table_ok(uint64_t off, uint64_t count, uint64_t esize, uint64_t total)
{
    return off % 8 == 0 && off <= total && count <= (total - off) / esize;
}

int spec_iface_has_cap(uint32_t kind)
{
    return kind == CV_SPEC_IF_RPC_CLIENT || kind == CV_SPEC_IF_RPC_SERVER ||
           kind == CV_SPEC_IF_NTFN_EMIT || kind == CV_SPEC_IF_NTFN_CONSUME ||
           kind == CV_SPEC_IF_IRQ;
}

int spec_iface_has_mapping(uint32_t kind)
{
    return kind == CV_SPEC_IF_DATAPORT || kind == CV_SPEC_IF_DEVICE;
}

uint64_t spec_iface_slots(const struct spec *s, const struct cv_spec_iface *f)
{
    if (f->kind == CV_SPEC_IF_FRAMES)
        return spec_obj_pages(&s->obj[f->object]);
    return spec_iface_has_cap(f->kind) ? 1 : 0;
}

uint64_t spec_comp_cap_count(const struct spec *s, const struct cv_spec_component *c)
{
    uint64_t n = 0;

    for (uint32_t k = 0; k < c->iface_count; k++)
        n += spec_iface_slots(s, &s->iface[c->iface_first + k]);
    return n;
}

uint32_t spec_comp_info_ifaces(const struct cv_spec_component *c)
{
    return c->iface_count + ((c->flags & CV_SPEC_COMP_CONSOLE) ? 1u : 0u);
}

/** The object kind an interface kind must refer to. */
static uint32_t iface_obj_kind(uint32_t kind)
{
    switch (kind) {
    case CV_SPEC_IF_RPC_CLIENT:
    case CV_SPEC_IF_RPC_SERVER:
        return CV_SPEC_OBJ_ENDPOINT;
    case CV_SPEC_IF_NTFN_EMIT:
    case CV_SPEC_IF_NTFN_CONSUME:
        return CV_SPEC_OBJ_NOTIFICATION;
    case CV_SPEC_IF_DATAPORT:
        return CV_SPEC_OBJ_DATAPORT;
    case CV_SPEC_IF_DEVICE:
        return CV_SPEC_OBJ_DEVICE;
    case CV_SPEC_IF_IRQ:
        return CV_SPEC_OBJ_IRQ;
    case CV_SPEC_IF_FILE:
        return CV_SPEC_OBJ_FILE;
    default: /* CONSOLE: the loader adds it for CV_SPEC_COMP_CONSOLE */
        return 0;
    }
}

/** Header, table placement and string fields of the header. */
static int check_header(struct spec *s, const uint8_t *p, size_t size, char *err, size_t errlen)
{
    const struct cv_spec_header *h = (const struct cv_spec_header *)p;

    if ((uintptr_t)p % 8 != 0)
        return fail(err, errlen, "spec: blob not 8-byte aligned");
    if (size < sizeof(*h))
        return fail(err, errlen, "spec: %zu bytes, shorter than the header", size);
    if (h->magic != CV_SPEC_MAGIC)
        return fail(err, errlen, "spec: bad magic %#x", (unsigned)h->magic);
    if (h->version != CV_SPEC_VERSION)
        return fail(err, errlen, "spec: version %u, loader reads %u", (unsigned)h->version,
                    CV_SPEC_VERSION);
    if (h->total_size < sizeof(*h) || h->total_size > size)
        return fail(err, errlen, "spec: total_size %u outside 64..%zu", (unsigned)h->total_size,
                    size);
    if (!name_ok(h->app_name, 0))
        return fail(err, errlen, "spec: app_name not NUL-terminated");
    if (!table_ok(h->component_off, h->component_count, sizeof(struct cv_spec_component),
                  h->total_size) ||
        !table_ok(h->object_off, h->object_count, sizeof(struct cv_spec_object), h->total_size) ||
        !table_ok(h->iface_off, h->iface_count, sizeof(struct cv_spec_iface), h->total_size) ||
        !table_ok(h->vm_off, h->vm_count, sizeof(struct cv_spec_vm), h->total_size))
        return fail(err, errlen,
                    "spec: a table lies outside the blob or "
                    "is misaligned");
    s->hdr = h;
    s->comp = (const struct cv_spec_component *)(p + h->component_off);
    s->obj = (const struct cv_spec_object *)(p + h->object_off);
    s->iface = (const struct cv_spec_iface *)(p + h->iface_off);
    s->vm = (const struct cv_spec_vm *)(p + h->vm_off);
    return 0;
}

/** One shared object. */
static int check_object(const struct cv_spec_object *o, uint32_t i, char *err, size_t errlen)
{
    if (!name_ok(o->name, 1))
        return fail(err, errlen, "spec: object %u: bad name", i);
    if (o->kind < CV_SPEC_OBJ_ENDPOINT || o->kind > CV_SPEC_OBJ_FILE)
        return fail(err, errlen, "spec: object %s: unknown kind %u", o->name, (unsigned)o->kind);
    if (o->kind != CV_SPEC_OBJ_DATAPORT && o->kind != CV_SPEC_OBJ_DEVICE)
        return 0;
    if (o->size == 0 || (o->size & PAGE_MASK) || o->size > (1ull << CV_VSPACE_BITS))
        return fail(err, errlen,
                    "spec: object %s: size %#llx not a page "
                    "multiple in 4K..512G",
                    o->name, (unsigned long long)o->size);
    if (o->kind == CV_SPEC_OBJ_DEVICE && ((o->paddr & PAGE_MASK) || o->paddr + o->size < o->paddr))
        return fail(err, errlen,
                    "spec: device %s: paddr %#llx unaligned or "
                    "wraps",
                    o->name, (unsigned long long)o->paddr);
    return 0;
}

/**
 * Object names are unique: FILE objects are found in the archive by name,
 * and two objects of one file would share its frames behind check_file.
 */
static int check_object_name(const struct spec *s, uint32_t i, char *err, size_t errlen)
{
    for (uint32_t j = 0; j < i; j++)
        if (strcmp(s->obj[j].name, s->obj[i].name) == 0)
            return fail(err, errlen, "spec: object %s twice", s->obj[i].name);
    return 0;
}

/** Mapping placement of a DATAPORT/DEVICE interface. */
static int check_mapping(const struct spec *s, const struct cv_spec_iface *f, char *err,
                         size_t errlen)
{
    uint64_t size = s->obj[f->object].size;

    if ((f->vaddr & PAGE_MASK) || f->vaddr < CV_COMP_SHARED_BASE ||
        f->vaddr > CV_COMP_FILES_BASE - size)
        return fail(err, errlen,
                    "spec: iface %s: mapping %#llx+%#llx "
                    "outside the shared area",
                    f->name, (unsigned long long)f->vaddr, (unsigned long long)size);
    if (f->rights & ~CV_RIGHTS_ALL)
        return fail(err, errlen, "spec: iface %s: bad rights %#x", f->name, (unsigned)f->rights);
    return 0;
}

/** A FRAMES interface: caps to the frames of a dataport or device. */
static int check_frames(const struct spec *s, const struct cv_spec_component *c,
                        const struct cv_spec_iface *f, char *err, size_t errlen)
{
    uint32_t kind = s->obj[f->object].kind;

    if (kind != CV_SPEC_OBJ_DATAPORT && kind != CV_SPEC_OBJ_DEVICE)
        return fail(err, errlen, "spec: %s.%s: frames of object %s, not a dataport or device",
                    c->name, f->name, s->obj[f->object].name);
    if (f->rights & ~CV_RIGHTS_ALL)
        return fail(err, errlen, "spec: iface %s: bad rights %#x", f->name, (unsigned)f->rights);
    return 0;
}

/**
 * A FILE interface: read-only, or read-write when it is the only interface
 * on its file (a VM's kernel run in place: the guest writes the frames).
 */
static int check_file(const struct spec *s, const struct cv_spec_iface *f, char *err, size_t errlen)
{
    if (f->rights != CV_RIGHT_READ && f->rights != (CV_RIGHT_READ | CV_RIGHT_WRITE))
        return fail(err, errlen, "spec: file iface %s: rights %#x, not r or rw", f->name,
                    (unsigned)f->rights);
    if (!(f->rights & CV_RIGHT_WRITE))
        return 0;
    for (uint32_t i = 0; i < s->hdr->iface_count; i++)
        if (&s->iface[i] != f && s->iface[i].kind == CV_SPEC_IF_FILE &&
            s->iface[i].object == f->object)
            return fail(err, errlen, "spec: file %s is writable in one interface, named by another",
                        s->obj[f->object].name);
    return 0;
}

/**
 * A writable FILE interface is only ever the kernel of its component's vm
 * run in place: that vm has a kernel_gz of its own (not the kernel, not
 * the initrd), as specc makes it.
 */
static int check_own_kernel(const struct spec *s, const struct cv_spec_component *c,
                            const struct cv_spec_iface *f, char *err, size_t errlen)
{
    const struct cv_spec_vm *v = c->vm_index < s->hdr->vm_count ? &s->vm[c->vm_index] : NULL;
    if (!v || !v->kernel_gz[0] || strcmp(f->name, v->kernel) != 0 ||
        strcmp(v->kernel_gz, v->kernel) == 0 || strcmp(v->kernel_gz, v->initrd) == 0 ||
        strcmp(v->kernel, v->initrd) == 0)
        return fail(err, errlen, "spec: %s.%s: writable, but not the kernel of a vm with kernel_gz",
                    c->name, f->name);
    return 0;
}

/** One interface; comp is the component whose range holds it. */
static int check_iface(const struct spec *s, const struct cv_spec_component *c, uint32_t i,
                       char *err, size_t errlen)
{
    const struct cv_spec_iface *f = &s->iface[i];

    if (!name_ok(f->name, 1))
        return fail(err, errlen, "spec: %s: iface %u: bad name", c->name, i);
    if (iface_obj_kind(f->kind) == 0 && f->kind != CV_SPEC_IF_FRAMES)
        return fail(err, errlen, "spec: %s.%s: unknown kind %u", c->name, f->name,
                    (unsigned)f->kind);
    if (f->object >= s->hdr->object_count)
        return fail(err, errlen, "spec: %s.%s: object %u out of range", c->name, f->name,
                    (unsigned)f->object);
    if (f->kind == CV_SPEC_IF_FRAMES)
        return check_frames(s, c, f, err, errlen);
    if (s->obj[f->object].kind != iface_obj_kind(f->kind))
        return fail(err, errlen,
                    "spec: %s.%s: kind %u does not match object "
                    "%s",
                    c->name, f->name, (unsigned)f->kind, s->obj[f->object].name);
    if (spec_iface_has_mapping(f->kind))
        return check_mapping(s, f, err, errlen);
    if (f->kind == CV_SPEC_IF_FILE) {
        if (check_file(s, f, err, errlen))
            return -1;
        return (f->rights & CV_RIGHT_WRITE) ? check_own_kernel(s, c, f, err, errlen) : 0;
    }
    if (f->kind != CV_SPEC_IF_IRQ)
        return 0;
    uint32_t n = f->ntfn_iface;
    if (n == CV_SPEC_NONE) /* left unbound: its owner names the notification */
        return 0;
    if (n < c->iface_first || n - c->iface_first >= c->iface_count ||
        s->iface[n].kind != CV_SPEC_IF_NTFN_CONSUME)
        return fail(err, errlen,
                    "spec: %s.%s: ntfn_iface %u is not a "
                    "notification this component consumes",
                    c->name, f->name, (unsigned)n);
    return 0;
}

/**
 * Interface names are unique within a component (lookup by name), and
 * "console" is free for the one the loader adds with CV_SPEC_COMP_CONSOLE.
 */
static int check_iface_names(const struct spec *s, const struct cv_spec_component *c, char *err,
                             size_t errlen)
{
    for (uint32_t a = 0; a < c->iface_count; a++) {
        if ((c->flags & CV_SPEC_COMP_CONSOLE) &&
            strcmp(s->iface[c->iface_first + a].name, "console") == 0)
            return fail(err, errlen, "spec: %s: iface console clashes with the console input",
                        c->name);
        for (uint32_t b = a + 1; b < c->iface_count; b++)
            if (strcmp(s->iface[c->iface_first + a].name, s->iface[c->iface_first + b].name) == 0)
                return fail(err, errlen, "spec: %s: iface %s twice", c->name,
                            s->iface[c->iface_first + a].name);
    }
    return 0;
}

/** Sizes and limits of one component (not its interfaces). */
static int check_comp_limits(const struct spec *s, const struct cv_spec_component *c, uint32_t i,
                             char *err, size_t errlen)
{
    if (c->priority > 255)
        return fail(err, errlen, "spec: %s: priority %u > 255", c->name, (unsigned)c->priority);
    if (c->stack_size == 0 || (c->stack_size & PAGE_MASK) ||
        c->stack_size > CV_COMP_STACK_TOP - STACK_FLOOR - CV_PAGE_SIZE)
        return fail(err, errlen,
                    "spec: %s: stack_size %#x not a page "
                    "multiple in 4K..%#llx",
                    c->name, (unsigned)c->stack_size,
                    CV_COMP_STACK_TOP - STACK_FLOOR - CV_PAGE_SIZE);
    if ((c->heap_size & PAGE_MASK) || c->heap_size > CV_COMP_SHARED_BASE - CV_COMP_HEAP_BASE)
        return fail(err, errlen, "spec: %s: heap_size %#x", c->name, (unsigned)c->heap_size);
    if (c->cnode_radix < CV_CNODE_MIN_RADIX || c->cnode_radix > CV_CNODE_MAX_RADIX)
        return fail(err, errlen, "spec: %s: cnode_radix %u", c->name, (unsigned)c->cnode_radix);
    if (c->fault_handler != CV_SPEC_NONE &&
        (c->fault_handler >= s->hdr->component_count || c->fault_handler == i))
        return fail(err, errlen, "spec: %s: bad fault_handler %u", c->name,
                    (unsigned)c->fault_handler);
    if (c->untyped_bits != 0 &&
        (c->untyped_bits < CV_UNTYPED_MIN_BITS || c->untyped_bits > CV_UNTYPED_MAX_BITS))
        return fail(err, errlen, "spec: %s: untyped_bits %u", c->name, (unsigned)c->untyped_bits);
    if (c->flags & ~COMP_FLAGS)
        return fail(err, errlen, "spec: %s: unknown flags %#x", c->name, (unsigned)c->flags);
    return 0;
}

/** Whether component c has a FILE interface named name. */
static int has_file(const struct spec *s, const struct cv_spec_component *c, const char *name)
{
    for (uint32_t k = 0; k < c->iface_count; k++) {
        const struct cv_spec_iface *f = &s->iface[c->iface_first + k];
        if (f->kind == CV_SPEC_IF_FILE && strcmp(f->name, name) == 0)
            return 1;
    }
    return 0;
}

/** A passthrough's region is a FRAMES interface of a device, its irq an IRQ one. */
static int check_passthru(const struct spec *s, const struct cv_spec_component *c,
                          const struct cv_spec_passthru *p)
{
    if (p->region >= c->iface_count)
        return -1;
    const struct cv_spec_iface *r = &s->iface[c->iface_first + p->region];
    if (r->kind != CV_SPEC_IF_FRAMES || s->obj[r->object].kind != CV_SPEC_OBJ_DEVICE ||
        p->reg_size == 0 || (uint64_t)p->reg_offset + p->reg_size > s->obj[r->object].size)
        return -1;
    if (p->irq == CV_SPEC_PASSTHRU_NO_IRQ)
        return 0;
    return p->irq < c->iface_count && s->iface[c->iface_first + p->irq].kind == CV_SPEC_IF_IRQ ? 0
                                                                                               : -1;
}

/** The component's vm: in the table, its images among its files. */
static int check_comp_vm(const struct spec *s, const struct cv_spec_component *c, char *err,
                         size_t errlen)
{
    if (c->vm_index == CV_SPEC_NONE)
        return 0;
    if (c->vm_index >= s->hdr->vm_count)
        return fail(err, errlen, "spec: %s: vm_index %u out of range", c->name,
                    (unsigned)c->vm_index);
    const struct cv_spec_vm *v = &s->vm[c->vm_index];
    if (!has_file(s, c, v->kernel) || (v->initrd[0] && !has_file(s, c, v->initrd)) ||
        (v->kernel_gz[0] && !has_file(s, c, v->kernel_gz)))
        return fail(err, errlen,
                    "spec: %s: vm kernel %s / initrd %s / kernel_gz %s not among its files",
                    c->name, v->kernel, v->initrd, v->kernel_gz);
    if ((v->flags & CV_SPEC_VM_RAM_IDENTITY) &&
        (!c->untyped_bits || v->ram_size >= 1ull << c->untyped_bits ||
         (v->ram_base & ((1ull << c->untyped_bits) - 1))))
        return fail(err, errlen, "spec: %s: 1:1 RAM %#llx+%#llx does not fit its untyped", c->name,
                    (unsigned long long)v->ram_base, (unsigned long long)v->ram_size);
    for (uint32_t k = 0; k < v->device_count && k < CV_SPEC_VM_DEVICES_MAX; k++)
        if (v->device[k].kind == CV_SPEC_VDEV_PASSTHRU &&
            check_passthru(s, c, &v->device[k].passthru))
            return fail(err, errlen, "spec: %s: passthrough %s: bad region or irq interface",
                        c->name, v->device[k].name);
    return 0;
}

/** A virtio-net device's MAC is unicast and not all zero; no other kind has one. */
static int mac_ok(const struct cv_spec_vm_device *d)
{
    static const uint8_t zero[CV_SPEC_MAC_LEN];
    int none = !memcmp(d->mac, zero, sizeof(zero));
    if (d->kind != CV_SPEC_VDEV_VIRTIO_NET)
        return none;
    return !none && !(d->mac[0] & 1u);
}

/**
 * A cross-connector: a PCI device with its counts in range (the VMM checks
 * each interface index against its info page).
 */
static int xconn_ok(const struct cv_spec_vm_device *d)
{
    const struct cv_spec_xconn *x = &d->xconn;
    return d->transport == CV_SPEC_VDEV_PCI && x->dataport_count <= CV_SPEC_XCONN_DATAPORTS &&
           x->emit_count <= CV_SPEC_XCONN_EMITS && x->event_count <= CV_SPEC_XCONN_EVENTS;
}

/** The vm's devices: a count within the table, names, kinds, transports and MACs. */
static int check_vm_devices(const struct cv_spec_vm *v, uint32_t i, char *err, size_t errlen)
{
    if (v->device_count > CV_SPEC_VM_DEVICES_MAX)
        return fail(err, errlen, "spec: vm %u: %u devices, at most %u", i,
                    (unsigned)v->device_count, CV_SPEC_VM_DEVICES_MAX);
    for (uint32_t k = 0; k < v->device_count; k++) {
        const struct cv_spec_vm_device *d = &v->device[k];
        if (d->kind == CV_SPEC_VDEV_XCONN) {
            if (!name_ok(d->name, 1) || !xconn_ok(d))
                return fail(err, errlen, "spec: vm %u: device %u: bad cross-connector", i, k);
            continue;
        }
        if (d->kind == CV_SPEC_VDEV_PASSTHRU) {
            const struct cv_spec_passthru *p = &d->passthru;
            if (!name_ok(d->name, 1) || !p->compatible[0] || d->transport ||
                !memchr(p->compatible, 0, sizeof(p->compatible)))
                return fail(err, errlen, "spec: vm %u: device %u: bad passthrough", i, k);
            continue; /* its interfaces: check_comp_vm */
        }
        int pci = d->transport == CV_SPEC_VDEV_PCI;
        int kind_ok = d->kind == CV_SPEC_VDEV_VIRTIO_CONSOLE || d->kind == CV_SPEC_VDEV_VIRTIO_NET;
        if (!name_ok(d->name, 1) || !kind_ok || (d->transport != CV_SPEC_VDEV_MMIO && !pci) ||
            (pci && (d->address || d->interrupt)))
            return fail(err, errlen, "spec: vm %u: device %u: bad name, kind %u or transport %u", i,
                        k, (unsigned)d->kind, (unsigned)d->transport);
        if (!mac_ok(d))
            return fail(err, errlen,
                        "spec: vm %u: device %u: bad mac (a virtio-net device's is unicast "
                        "and not zero, no other kind has one)",
                        i, k);
    }
    return 0;
}

/** One vm table entry on its own. */
static int check_vm(const struct cv_spec_vm *v, uint32_t i, char *err, size_t errlen)
{
    if (!name_ok(v->kernel, 1) || !name_ok(v->initrd, 0) || !name_ok(v->kernel_gz, 0) ||
        !memchr(v->bootargs, 0, sizeof(v->bootargs)))
        return fail(err, errlen, "spec: vm %u: bad kernel, initrd, kernel_gz or bootargs string",
                    i);
    if ((v->ram_base % VM_ALIGN) || v->ram_size == 0 || (v->ram_size % VM_ALIGN) ||
        v->ram_base + v->ram_size < v->ram_base)
        return fail(err, errlen, "spec: vm %u: ram %#llx+%#llx not 2 MiB aligned or wraps", i,
                    (unsigned long long)v->ram_base, (unsigned long long)v->ram_size);
    if (v->vcpus == 0 || v->vcpus > VM_MAX_VCPUS || (v->flags & ~CV_SPEC_VM_FLAGS))
        return fail(err, errlen, "spec: vm %u: vcpus %u not in 1..%u, or flags %#x", i,
                    (unsigned)v->vcpus, VM_MAX_VCPUS, (unsigned)v->flags);
    return check_vm_devices(v, i, err, errlen);
}

/** One component and the interfaces in its range. */
static int check_comp(const struct spec *s, uint32_t i, char *err, size_t errlen)
{
    const struct cv_spec_component *c = &s->comp[i];

    if (!name_ok(c->name, 1) || !name_ok(c->program, 1))
        return fail(err, errlen, "spec: component %u: bad name or program", i);
    if (check_comp_limits(s, c, i, err, errlen))
        return -1;
    if (c->iface_first > s->hdr->iface_count ||
        c->iface_count > s->hdr->iface_count - c->iface_first ||
        spec_comp_info_ifaces(c) > CV_COMP_INFO_MAX_IFACES)
        return fail(err, errlen, "spec: %s: ifaces %u+%u out of range", c->name,
                    (unsigned)c->iface_first, (unsigned)c->iface_count);
    for (uint32_t k = 0; k < c->iface_count; k++)
        if (check_iface(s, c, c->iface_first + k, err, errlen))
            return -1;
    if (check_iface_names(s, c, err, errlen) || check_comp_vm(s, c, err, errlen))
        return -1;
    uint64_t slots = (uint64_t)CV_COMP_SLOT_FIRST_IFACE + spec_comp_cap_count(s, c);
    if (slots > (1ull << c->cnode_radix))
        return fail(err, errlen,
                    "spec: %s: %llu slots needed, cnode_radix "
                    "%u too small",
                    c->name, (unsigned long long)slots, (unsigned)c->cnode_radix);
    return 0;
}

int spec_parse(struct spec *s, const void *data, size_t size, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    if (check_header(s, data, size, err, errlen))
        return -1;
    for (uint32_t i = 0; i < s->hdr->object_count; i++)
        if (check_object(&s->obj[i], i, err, errlen) || check_object_name(s, i, err, errlen))
            return -1;
    for (uint32_t i = 0; i < s->hdr->vm_count; i++)
        if (check_vm(&s->vm[i], i, err, errlen))
            return -1;
    for (uint32_t i = 0; i < s->hdr->component_count; i++)
        if (check_comp(s, i, err, errlen))
            return -1;
    return 0;
}
