/*
 * The VM's cross-VM connectors (vxconn.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>
#include <cap/ipc.h>
#include <cap/runtime.h>

#include "guest.h"
#include "vio.h"
#include "vxconn.h"

#define RIGHTS_RW (CV_RIGHT_READ | CV_RIGHT_WRITE)

/** The VMM's own interface `index` (spec.h cv_spec_xconn), or NULL. */
static const struct cv_comp_iface_info *vxconn_iface(unsigned index)
{
    const struct cv_comp_info *info = (const struct cv_comp_info *)CV_COMP_INFO_VADDR;
    return index < info->iface_count ? &info->iface[index] : NULL;
}

/** A rate-limited line about connector x (the VM's device warning budget, vio.h). */
static void vxconn_log(struct vm_xconn *x, const char *fmt, ...)
{
    va_list ap;
    if (!vio_warn_begin(x->vm))
        return;
    printf("[%s] %s (cross-connector, pci 00:%02x.0): ", x->vm->name, x->cfg->name,
           x->at->pci_slot);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    vio_warn_end(x->vm);
}

/** Unmaps dataport dp's frames from the guest, if mapped. */
static void vxconn_unmap(struct vm_xconn *x, unsigned dp)
{
    struct vm_xconn_port *p = &x->port[dp];
    for (uint64_t i = 0; i < p->mapped_pages; i++)
        (void)cv_frame_unmap(p->cptr + i);
    p->mapped_pages = 0;
}

/** Maps dataport dp's frames at ipa; on a failure none stays mapped (said). */
static void vxconn_map(struct vm_xconn *x, unsigned dp, uint64_t ipa)
{
    struct vm_xconn_port *p = &x->port[dp];
    for (uint64_t i = 0; i < p->pages; i++) {
        enum cv_err err = guest_map(x->vm, p->cptr + i, ipa + i * CV_PAGE_SIZE, RIGHTS_RW);
        if (err != CV_OK) {
            vxconn_log(x, "BAR %u at 0x%llx: mapping page %llu: %s: its accesses are ignored",
                       dp + 1, (unsigned long long)ipa, (unsigned long long)i, cv_err_str(err));
            vxconn_unmap(x, dp);
            return;
        }
        p->mapped_pages = i + 1;
    }
    p->ipa = ipa;
}

/** xconn_layout_fn: each dataport mapped where its BAR decodes now, and only there. */
static void vxconn_layout(void *ctx)
{
    struct vm_xconn *x = ctx;
    const struct pci_bus *bus = &x->vm->pci;
    for (unsigned dp = 0; dp < x->dev.dataport_count; dp++) {
        uint64_t ipa = 0;
        bool want = xconn_bar_ipa(&x->dev, dp, bus->window.v, bus->window_size, &ipa);
        struct vm_xconn_port *p = &x->port[dp];
        if (p->mapped_pages && (!want || ipa != p->ipa))
            vxconn_unmap(x, dp);
        if (want && !p->mapped_pages)
            vxconn_map(x, dp, ipa);
    }
}

/** xconn_emit_fn: the guest rang doorbell `event`. */
static void vxconn_emit(void *ctx, unsigned event)
{
    struct vm_xconn *x = ctx;
    cv_signal(x->emit[event]);
}

/** The device with the description's dataport sizes, emits and events. */
static bool vxconn_init(struct vm_xconn *x)
{
    const struct cv_spec_xconn *s = &x->cfg->xconn;
    uint32_t size[XCONN_DATAPORTS_MAX];
    for (unsigned dp = 0; dp < s->dataport_count && dp < XCONN_DATAPORTS_MAX; dp++)
        size[dp] = (uint32_t)(x->port[dp].pages * CV_PAGE_SIZE);
    return xconn_init(&x->dev, size, s->dataport_count, s->emit_count, s->event_count, vxconn_emit,
                      vxconn_layout, x);
}

/** The caps the description gives it: false, printed, if one is missing. */
static bool vxconn_caps(struct vm_xconn *x)
{
    const struct cv_spec_xconn *s = &x->cfg->xconn;
    for (unsigned dp = 0; dp < s->dataport_count && dp < CV_SPEC_XCONN_DATAPORTS; dp++) {
        const struct cv_comp_iface_info *f = vxconn_iface(s->dataport[dp]);
        if (!f || f->kind != CV_SPEC_IF_FRAMES || !f->cptr) {
            printf("[%s] %s: dataport %u has no frame caps\n", x->vm->name, x->cfg->name, dp);
            return false;
        }
        x->port[dp] = (struct vm_xconn_port){f->cptr, f->size / CV_PAGE_SIZE, 0, 0};
    }
    for (unsigned e = 0; e < s->emit_count && e < CV_SPEC_XCONN_EMITS; e++) {
        const struct cv_comp_iface_info *f = vxconn_iface(s->emit[e]);
        x->emit[e] = f && f->kind == CV_SPEC_IF_NTFN_EMIT ? f->cptr : 0;
        if (!x->emit[e]) {
            printf("[%s] %s: emitted event %u has no notification\n", x->vm->name, x->cfg->name, e);
            return false;
        }
    }
    return true;
}

bool vxconn_create(struct vm *vm, const struct cv_spec_vm_device *cfg, const struct machine_dev *at)
{
    struct vm_xconn *x = &vm->xconn[vm->xconn_count];
    memset(x, 0, sizeof(*x));
    x->vm = vm;
    x->cfg = cfg;
    x->at = at;
    if (!vxconn_caps(x) || !vxconn_init(x)) {
        printf("[%s] %s: not a cross-connector this VMM can make\n", vm->name, cfg->name);
        return false;
    }
    if (!pci_bus_add(&vm->pci, at->pci_slot, at->intid, &x->dev.fn)) {
        printf("[%s] device '%s': no PCI slot\n", vm->name, cfg->name);
        return false;
    }
    vm->xconn_count++;
    return true;
}

uint64_t vxconn_signal(const struct vm *vm)
{
    for (unsigned k = 0; k < vm->xconn_count; k++) {
        const struct cv_spec_xconn *s = &vm->xconn[k].cfg->xconn;
        const struct cv_comp_iface_info *f = s->event_count ? vxconn_iface(s->signal) : NULL;
        if (f && f->kind == CV_SPEC_IF_NTFN_CONSUME)
            return f->cptr;
    }
    return 0;
}

uint64_t vxconn_self_cap(const struct vm *vm, uint64_t ntfn)
{
    uint64_t own = ntfn && ntfn == vxconn_signal(vm) ? cv_self_slot() : 0;
    if (!own)
        return ntfn;
    enum cv_err err =
        cv_cnode_mint(CV_COMP_SLOT_CNODE, own, 0, ntfn, CV_RIGHT_WRITE, VXCONN_SELF_BADGE);
    if (err == CV_OK)
        return own;
    printf("[%s] a badged cap of the connectors' notification: %s\n", vm->name, cv_err_str(err));
    return ntfn;
}

bool vxconn_check_signal(const struct vm *vm, uint64_t bound)
{
    uint64_t s = vxconn_signal(vm);
    if (s && s != bound) {
        printf("[%s] the cross-connectors' events arrive at a notification the VMM does not "
               "wait on: route them to the one it does\n",
               vm->name);
        return false;
    }
    return true;
}

void vxconn_poll(struct vm *vm, uint64_t badge)
{
    if (vm->stopped)
        return;
    for (unsigned k = 0; k < vm->xconn_count; k++) {
        struct vm_xconn *x = &vm->xconn[k];
        const struct cv_spec_xconn *s = &x->cfg->xconn;
        for (unsigned e = 0; e < s->event_count && e < CV_SPEC_XCONN_EVENTS; e++)
            if (badge >> s->event_bit[e] & 1u)
                xconn_raise(&x->dev, e);
    }
}

void vxconn_accessed(struct vm *vm, uint64_t offset, unsigned width, bool write)
{
    for (unsigned k = 0; k < vm->xconn_count; k++) {
        struct vm_xconn *x = &vm->xconn[k];
        if (x->dev.last == XCONN_OK)
            continue;
        vxconn_log(x, "%s of %u bytes at +0x%llx of BAR 0 (window +0x%llx): %s: refused",
                   write ? "write" : "read", width, (unsigned long long)x->dev.last_off,
                   (unsigned long long)offset, xconn_strerror(x->dev.last));
        x->dev.last = XCONN_OK;
    }
}

void vxconn_reset(struct vm *vm)
{
    for (unsigned k = 0; k < vm->xconn_count; k++) {
        struct vm_xconn *x = &vm->xconn[k];
        struct pci_bus *bus = x->dev.fn.bus;
        unsigned intid = x->dev.fn.intid;
        struct xconn_stats stats = x->dev.stats;
        for (unsigned dp = 0; dp < x->dev.dataport_count; dp++)
            vxconn_unmap(x, dp);
        (void)vxconn_init(x); /* it worked at creation, with the same sizes */
        x->dev.stats = stats;
        x->dev.fn.bus = bus;
        x->dev.fn.intid = intid;
        pci_set_intx(&x->dev.fn, false);
    }
}

void vxconn_report(struct vm *vm)
{
    for (unsigned k = 0; k < vm->xconn_count; k++) {
        struct xconn_stats *s = &vm->xconn[k].dev.stats;
        if (!s->doorbells && !s->refused && !s->raised)
            continue;
        printf("[%s] %s: %llu doorbells rung, %llu events raised, %llu accesses refused\n",
               vm->name, vm->xconn[k].cfg->name, (unsigned long long)s->doorbells,
               (unsigned long long)s->raised, (unsigned long long)s->refused);
        memset(s, 0, sizeof(*s));
    }
}
