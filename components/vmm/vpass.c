/*
 * The VM's passed-through devices (vpass.h).
 */
#include <stdio.h>

#include <cap/invoke.h>
#include <cap/runtime.h>
#include <cap/self.h>

#include "guest.h"
#include "virq.h"
#include "vpass.h"

#define RIGHTS_RW (CV_RIGHT_READ | CV_RIGHT_WRITE)

/** The VMM's own interface `index` of the info page, or NULL. */
static const struct cv_comp_iface_info *vpass_iface(unsigned index)
{
    const struct cv_comp_info *info = cv_comp_info();
    return info && index < info->iface_count ? &info->iface[index] : NULL;
}

/** The region's frames interface: FRAMES with caps; its vaddr is the frames' physical address. */
static const struct cv_comp_iface_info *vpass_region(struct vm *vm,
                                                     const struct cv_spec_vm_device *d)
{
    const struct cv_comp_iface_info *f = vpass_iface(d->passthru.region);
    if (f && f->kind == CV_SPEC_IF_FRAMES && f->cptr && f->size && f->vaddr)
        return f;
    printf("[%s] passthrough '%s': its region is not a device's frame caps\n", vm->name, d->name);
    return NULL;
}

bool vpass_machine(struct vm *vm)
{
    const struct cv_spec_vm *c = vm->cfg;
    for (uint32_t k = 0; k < c->device_count; k++) {
        const struct cv_spec_vm_device *d = &c->device[k];
        if (d->kind != CV_SPEC_VDEV_PASSTHRU)
            continue;
        const struct cv_comp_iface_info *f = vpass_region(vm, d);
        if (!f)
            return false;
        struct vm_pass *p = &vm->pass[vm->pass_count++];
        const struct cv_spec_passthru *s = &d->passthru;
        enum machine_result r = machine_add_passthru(&vm->machine, IPA(f->vaddr), f->size,
                                                     IPA(f->vaddr + s->reg_offset), s->reg_size,
                                                     s->interrupt, s->compatible, &p->at);
        if (r != MACHINE_OK) {
            printf("[%s] passthrough '%s': %s\n", vm->name, d->name, machine_strerror(r));
            return false;
        }
        p->cfg = d;
        p->frames = f->cptr;
    }
    return true;
}

bool vpass_create(struct vm *vm)
{
    for (unsigned k = 0; k < vm->pass_count; k++) {
        struct vm_pass *p = &vm->pass[k];
        const struct cv_comp_iface_info *h = p->cfg->passthru.irq == CV_SPEC_PASSTHRU_NO_IRQ
                                                 ? NULL
                                                 : vpass_iface(p->cfg->passthru.irq);
        p->handler = h && h->kind == CV_SPEC_IF_IRQ ? h->cptr : 0;
        /* IPA == PA: a driver's addresses are the device's own, and so are its DMA's */
        for (uint64_t i = 0; i < p->at->size / CV_PAGE_SIZE; i++) {
            enum cv_err err =
                guest_map(vm, p->frames + i, p->at->base.v + i * CV_PAGE_SIZE, RIGHTS_RW);
            if (err != CV_OK) {
                printf("[%s] passthrough '%s': mapping page %llu: %s\n", vm->name, p->cfg->name,
                       (unsigned long long)i, cv_err_str(err));
                return false;
            }
        }
    }
    return true;
}

bool vpass_bind(struct vm *vm)
{
    for (unsigned k = 0; k < vm->pass_count; k++) {
        struct vm_pass *p = &vm->pass[k];
        if (!p->handler)
            continue;
        uint64_t badged = cv_self_slot();
        enum cv_err err = badged ? cv_cnode_mint(CV_COMP_SLOT_CNODE, badged, 0, vm->bound,
                                                 CV_RIGHT_WRITE, VPASS_BADGE(k))
                                 : CV_E_RANGE;
        if (err == CV_OK)
            err = cv_irq_set_ntfn(p->handler, badged);
        if (err != CV_OK) {
            printf("[%s] passthrough '%s': its interrupt %u: %s\n", vm->name, p->cfg->name,
                   p->at->intid, cv_err_str(err));
            return false;
        }
    }
    return true;
}

void vpass_poll(struct vm *vm, uint64_t badge)
{
    bool any = false;
    for (unsigned k = 0; k < vm->pass_count; k++) {
        struct vm_pass *p = &vm->pass[k];
        if (!p->handler || !(badge & VPASS_BADGE(k)))
            continue;
        p->masked = true; /* the kernel masks a user interrupt as it signals */
        p->raised++;
        (void)vgic_set_irq_level(&vm->vgic, 0, p->at->intid, true);
        any = true;
    }
    if (any)
        virq_deliver(vm);
}

/** Lowers passthrough p's virtual line and unmasks the hardware's if the kernel masked it. */
static void vpass_lower(struct vm *vm, struct vm_pass *p)
{
    (void)vgic_set_irq_level(&vm->vgic, 0, p->at->intid, false);
    if (!p->masked)
        return;
    p->masked = false;
    enum cv_err err = cv_irq_ack(p->handler);
    if (err != CV_OK)
        printf("[%s] passthrough '%s': ack of interrupt %u: %s\n", vm->name, p->cfg->name,
               p->at->intid, cv_err_str(err));
}

void vpass_eoi(struct vm *vm, unsigned intid)
{
    for (unsigned k = 0; k < vm->pass_count; k++)
        if (vm->pass[k].handler && vm->pass[k].at->intid == intid)
            vpass_lower(vm, &vm->pass[k]);
}

void vpass_reset(struct vm *vm)
{
    for (unsigned k = 0; k < vm->pass_count; k++)
        if (vm->pass[k].handler)
            vpass_lower(vm, &vm->pass[k]);
}

void vpass_report(struct vm *vm)
{
    for (unsigned k = 0; k < vm->pass_count; k++) {
        struct vm_pass *p = &vm->pass[k];
        printf("[%s] passthrough %s at 0x%llx: %llu interrupts forwarded\n", vm->name, p->cfg->name,
               (unsigned long long)p->at->reg.v, (unsigned long long)p->raised);
        p->raised = 0;
    }
}
