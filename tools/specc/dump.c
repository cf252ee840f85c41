/*
 * Spec dump, see dump.h.
 */
#include "dump.h"

#include "diag.h"

#include <capvisor/spec.h>
#include <inttypes.h>
#include <string.h>

/** The tables of a checked blob. */
struct dump_tables {
    const struct cv_spec_header *h;
    const struct cv_spec_component *comp;
    const struct cv_spec_object *obj;
    const struct cv_spec_iface *iface;
    const struct cv_spec_vm *vm;
};

static const char *const dump_obj_kinds[] = {"?",      "endpoint", "notification", "dataport",
                                             "device", "irq",      "file",         "console"};
static const char *const dump_if_kinds[] = {
    "?",      "rpc_client", "rpc_server", "ntfn_emit", "ntfn_consume", "dataport",
    "device", "irq",        "file",       "frames",    "console"};
#define DUMP_COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/** Name of `kind` in `names` (count entries), "?" if out of range. */
static const char *dump_kind(const char *const names[], uint32_t count, uint32_t kind)
{
    return kind < count ? names[kind] : "?";
}

/** Whether a table of `count` entries of `esize` at `off` fits in `total`. */
static int dump_table_ok(uint32_t off, uint32_t count, size_t esize, uint32_t total)
{
    return off % 8 == 0 && off <= total && (uint64_t)count * esize <= (uint64_t)(total - off);
}

/** Whether a fixed-size name field is NUL-terminated. */
static int dump_name_ok(const char *name)
{
    return memchr(name, '\0', CV_SPEC_NAME_MAX) != NULL;
}

/** Check the header and table bounds; fill `t`. */
static int dump_check_header(const void *buf, size_t size, struct dump_tables *t)
{
    const struct cv_spec_header *h = buf;
    const char *b = buf;

    if (size < sizeof(*h) || h->magic != CV_SPEC_MAGIC || h->version != CV_SPEC_VERSION ||
        h->total_size > size || h->total_size < sizeof(*h) || !dump_name_ok(h->app_name))
        return -1;
    if (!dump_table_ok(h->component_off, h->component_count, sizeof(*t->comp), h->total_size) ||
        !dump_table_ok(h->object_off, h->object_count, sizeof(*t->obj), h->total_size) ||
        !dump_table_ok(h->iface_off, h->iface_count, sizeof(*t->iface), h->total_size) ||
        !dump_table_ok(h->vm_off, h->vm_count, sizeof(*t->vm), h->total_size))
        return -1;
    t->h = h;
    t->comp = (const void *)(b + h->component_off);
    t->obj = (const void *)(b + h->object_off);
    t->iface = (const void *)(b + h->iface_off);
    t->vm = (const void *)(b + h->vm_off);
    return 0;
}

/** Check every index and name in the tables. */
static int dump_check_tables(const struct dump_tables *t)
{
    for (uint32_t i = 0; i < t->h->component_count; i++) {
        const struct cv_spec_component *c = &t->comp[i];

        if (!dump_name_ok(c->name) || !dump_name_ok(c->program) ||
            c->iface_first > t->h->iface_count ||
            c->iface_count > t->h->iface_count - c->iface_first ||
            (c->fault_handler != CV_SPEC_NONE && c->fault_handler >= t->h->component_count) ||
            (c->vm_index != CV_SPEC_NONE && c->vm_index >= t->h->vm_count))
            return -1;
    }
    for (uint32_t i = 0; i < t->h->vm_count; i++) {
        const struct cv_spec_vm *v = &t->vm[i];

        if (!dump_name_ok(v->kernel) || !dump_name_ok(v->initrd) || !dump_name_ok(v->kernel_gz) ||
            !memchr(v->bootargs, '\0', sizeof(v->bootargs)) ||
            v->device_count > CV_SPEC_VM_DEVICES_MAX)
            return -1;
        for (uint32_t k = 0; k < v->device_count; k++) {
            if (!dump_name_ok(v->device[k].name))
                return -1;
        }
    }
    for (uint32_t i = 0; i < t->h->object_count; i++) {
        if (!dump_name_ok(t->obj[i].name))
            return -1;
    }
    for (uint32_t i = 0; i < t->h->iface_count; i++) {
        const struct cv_spec_iface *f = &t->iface[i];

        if (!dump_name_ok(f->name) || f->object >= t->h->object_count ||
            (f->ntfn_iface != CV_SPEC_NONE && f->ntfn_iface >= t->h->iface_count))
            return -1;
    }
    return 0;
}

/** Print interface `i`. */
static void dump_iface(const struct dump_tables *t, uint32_t i, FILE *out)
{
    const struct cv_spec_iface *f = &t->iface[i];
    char ntfn[16] = "none";

    if (f->ntfn_iface != CV_SPEC_NONE)
        snprintf(ntfn, sizeof(ntfn), "%u", f->ntfn_iface);
    fprintf(out,
            "  iface[%u] name=%s kind=%s object=%s badge=0x%" PRIx64 " vaddr=0x%" PRIx64
            " rights=0x%x ntfn_iface=%s\n",
            i, f->name, dump_kind(dump_if_kinds, DUMP_COUNT(dump_if_kinds), f->kind),
            t->obj[f->object].name, f->badge, f->vaddr, f->rights, ntfn);
}

/** Print component `i` and its interfaces. */
static void dump_component(const struct dump_tables *t, uint32_t i, FILE *out)
{
    const struct cv_spec_component *c = &t->comp[i];
    char vm[16] = "none";

    if (c->vm_index != CV_SPEC_NONE)
        snprintf(vm, sizeof(vm), "%u", c->vm_index);
    fprintf(out,
            "component[%u] name=%s program=%s priority=%u affinity=%u "
            "stack_size=0x%x heap_size=0x%x cnode_radix=%u untyped_bits=%u "
            "flags=0x%x fault_handler=%s iface_first=%u iface_count=%u vm=%s\n",
            i, c->name, c->program, c->priority, c->affinity, c->stack_size, c->heap_size,
            c->cnode_radix, c->untyped_bits, c->flags,
            c->fault_handler == CV_SPEC_NONE ? "none" : t->comp[c->fault_handler].name,
            c->iface_first, c->iface_count, vm);
    for (uint32_t j = 0; j < c->iface_count; j++)
        dump_iface(t, c->iface_first + j, out);
}

/** Print object `i`. */
static void dump_object(const struct dump_tables *t, uint32_t i, FILE *out)
{
    const struct cv_spec_object *o = &t->obj[i];

    fprintf(out, "object[%u] name=%s kind=%s irq=%u paddr=0x%" PRIx64 " size=0x%" PRIx64 "\n", i,
            o->name, dump_kind(dump_obj_kinds, DUMP_COUNT(dump_obj_kinds), o->kind), o->irq,
            o->paddr, o->size);
}

/** n bytes of list as "a,b,c" ("-" if empty). */
static void dump_bytes(FILE *out, const char *key, const uint8_t *list, unsigned n)
{
    fprintf(out, " %s=", key);
    for (unsigned k = 0; k < n; k++)
        fprintf(out, "%s%u", k ? "," : "", list[k]);
    if (n == 0)
        fputc('-', out);
}

/** A cross-connector's ends: the VMM's interface indices, the events' badge bits. */
static void dump_xconn(FILE *out, uint32_t i, uint32_t k, const struct cv_spec_vm_device *d)
{
    const struct cv_spec_xconn *x = &d->xconn;
    fprintf(out, "  vm[%u].device[%u] name=%s kind=%u transport=%u", i, k, d->name, d->kind,
            d->transport);
    dump_bytes(out, "dataports", x->dataport,
               x->dataport_count < CV_SPEC_XCONN_DATAPORTS ? x->dataport_count
                                                           : CV_SPEC_XCONN_DATAPORTS);
    dump_bytes(out, "emits", x->emit,
               x->emit_count < CV_SPEC_XCONN_EMITS ? x->emit_count : CV_SPEC_XCONN_EMITS);
    dump_bytes(out, "event_bits", x->event_bit,
               x->event_count < CV_SPEC_XCONN_EVENTS ? x->event_count : CV_SPEC_XCONN_EVENTS);
    fprintf(out, " signal=%u\n", x->signal);
}

/** Print vm `i`; bootargs last, quoted, as it may hold spaces. */
static void dump_vm(const struct dump_tables *t, uint32_t i, FILE *out)
{
    const struct cv_spec_vm *v = &t->vm[i];

    fprintf(out,
            "vm[%u] ram_base=0x%" PRIx64 " ram_size=0x%" PRIx64 " vcpus=%u flags=0x%x kernel=%s "
            "initrd=%s kernel_gz=%s bootargs=\"%s\"\n",
            i, v->ram_base, v->ram_size, v->vcpus, v->flags, v->kernel,
            v->initrd[0] ? v->initrd : "none", v->kernel_gz[0] ? v->kernel_gz : "none",
            v->bootargs);
    if (v->flags & CV_SPEC_VM_VCPU_AFFINITY) {
        fprintf(out, "  vm[%u].vcpu_affinity cores=", i);
        for (uint32_t k = 0; k < v->vcpus && k < CV_SPEC_VM_VCPUS_MAX; k++)
            fprintf(out, "%s%u", k ? "," : "", v->vcpu_core[k]);
        fputc('\n', out);
    }
    for (uint32_t k = 0; k < v->device_count; k++) {
        const struct cv_spec_vm_device *d = &v->device[k];

        if (d->kind == CV_SPEC_VDEV_XCONN) {
            dump_xconn(out, i, k, d);
            continue;
        }
        if (d->kind == CV_SPEC_VDEV_PASSTHRU) {
            const struct cv_spec_passthru *p = &d->passthru;
            fprintf(out,
                    "  vm[%u].device[%u] name=%s kind=%u region=%u irq=%u interrupt=%u "
                    "reg_offset=0x%x reg_size=0x%x compatible=%.*s\n",
                    i, k, d->name, d->kind, p->region, p->irq, p->interrupt, p->reg_offset,
                    p->reg_size, (int)CV_SPEC_PASSTHRU_COMPAT, p->compatible);
            continue;
        }
        fprintf(out,
                "  vm[%u].device[%u] name=%s kind=%u transport=%u address=0x%" PRIx64
                " interrupt=%u mac=%02x:%02x:%02x:%02x:%02x:%02x\n",
                i, k, d->name, d->kind, d->transport, d->address, d->interrupt, d->mac[0],
                d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
    }
}

int dump_spec(const void *buf, size_t size, FILE *out)
{
    struct dump_tables t;

    if (dump_check_header(buf, size, &t) || dump_check_tables(&t)) {
        diag_tool_error("malformed spec (bad magic, version, size, table, "
                        "index or name)");
        return -1;
    }
    fprintf(out,
            "spec app=%s total_size=%u components=%u objects=%u "
            "ifaces=%u vms=%u\n",
            t.h->app_name, t.h->total_size, t.h->component_count, t.h->object_count,
            t.h->iface_count, t.h->vm_count);
    for (uint32_t i = 0; i < t.h->component_count; i++)
        dump_component(&t, i, out);
    for (uint32_t i = 0; i < t.h->object_count; i++)
        dump_object(&t, i, out);
    for (uint32_t i = 0; i < t.h->vm_count; i++)
        dump_vm(&t, i, out);
    return 0;
}
