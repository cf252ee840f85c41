/*
 * Virtual interrupts (virq.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>

#include "console.h"
#include "virq.h"
#include "vpass.h"

/** vgic_injector: one CV_OP_VCPU_INJECT_IRQ into list register lr. */
static int virq_inject(void *ctx, unsigned vcpu, unsigned lr, const struct vgic_lr *e)
{
    struct vm *vm = ctx;
    uint64_t flags = CV_INJECT_EOI_EXIT | (e->group1 ? CV_INJECT_GROUP1 : 0);
    uint64_t args[5] = {e->intid, e->priority, lr, flags, e->source};
    enum cv_err err = cv_invoke(vm->vcpu[vcpu].vcpu, CV_OP_VCPU_INJECT_IRQ, args, 5, NULL, 0);
    if (err == CV_E_BUSY)
        return VGIC_INJECT_BUSY;
    if (err != CV_OK) {
        printf("[%s] vcpu %u: injecting INTID %u: %s\n", vm->name, vcpu, e->intid, cv_err_str(err));
        return -1;
    }
    return 0;
}

/**
 * vgic_log_fn: one line per distinct odd distributor or redistributor
 * access (libvmm logs each offset once), at most VM_WARN_LOG_MAX lines: a
 * guest writing junk over the whole distributor must not flood the console.
 */
static void virq_log(void *ctx, unsigned vcpu, const char *frame, uint64_t offset, bool write,
                     const char *why)
{
    struct vm *vm = ctx;
    if (vm->logs.vgic_count == VM_WARN_LOG_MAX)
        return;
    console_flush(vm);
    printf("[%s] vgic: vcpu %u %s %s+0x%llx: %s\n", vm->name, vcpu, write ? "write" : "read", frame,
           (unsigned long long)offset, why);
    if (++vm->logs.vgic_count == VM_WARN_LOG_MAX)
        printf("[%s] vgic: further odd distributor accesses are not reported\n", vm->name);
}

bool virq_init(struct vm *vm)
{
    enum vgic_version ver = vm->gic_version == 3 ? VGIC_V3 : VGIC_V2;
    if (vgic_init_version(&vm->vgic, ver, vm->vcpu_count, MACHINE_IRQ_COUNT) != VGIC_OK)
        return false;
    vgic_set_log(&vm->vgic, virq_log, vm);
    vm->timer_gen = vm->vgic.private_gen - 1u; /* the first distributor write syncs */
    for (unsigned i = 0; i < vm->vcpu_count; i++) {
        unsigned lrs = vm->vcpu[i].lr_count;
        if (lrs > VGIC_MAX_LRS)
            lrs = VGIC_MAX_LRS;
        if (vgic_set_lr_count(&vm->vgic, i, lrs) != VGIC_OK)
            return false;
    }
    return true;
}

/* vgic_deliver on every vCPU: it finds nothing to do at the cost of one
 * look for a pending interrupt, which asking vgic_pending_vcpus first
 * would pay once more for the vCPU that has one. */
void virq_deliver(struct vm *vm)
{
    const struct vgic_injector inj = {virq_inject, vm};
    if (vm->stopped)
        return;
    for (unsigned i = 0; i < vm->vcpu_count; i++)
        (void)vgic_deliver(&vm->vgic, i, &inj);
}

/** The timer's list register of vCPU i is free again: line low, timer on. */
static void virq_timer_done(struct vm *vm, unsigned i)
{
    (void)vgic_set_irq_level(&vm->vgic, i, vm->machine.timer_intid, false);
    enum cv_err err = cv_invoke(vm->vcpu[i].vcpu, CV_OP_VCPU_ACK_VTIMER, NULL, 0, NULL, 0);
    if (err != CV_OK)
        printf("[%s] vcpu %u: timer ack: %s\n", vm->name, i, cv_err_str(err));
}

void virq_vtimer(struct vm *vm, unsigned i)
{
    if (vm->vcpu[i].timer[0][0]) { /* the kernel delivers it since this exit was raised */
        virq_timer_done(vm, i);
        return;
    }
    (void)vgic_set_irq_level(&vm->vgic, i, vm->machine.timer_intid, true);
    virq_deliver(vm);
}

void virq_maintenance(struct vm *vm, unsigned i, uint64_t freed)
{
    const struct vgic_vcpu *c = &vm->vgic.vcpu[i];
    uint64_t ours = freed & c->lr_used;
    for (unsigned lr = 0; ours; lr++, ours >>= 1) {
        if ((ours & 1u) && c->lr_intid[lr] == vm->machine.timer_intid)
            virq_timer_done(vm, i);
        else if (ours & 1u)
            vpass_eoi(vm, c->lr_intid[lr]); /* a forwarded line: lower, unmask */
    }
    (void)vgic_lrs_freed(&vm->vgic, i, freed, NULL);
    virq_deliver(vm);
}

/** Timer t (0 virtual, 1 physical) of vCPU i: the kernel's delivery follows the vGIC's PPI. */
static void virq_timer_sync(struct vm *vm, unsigned i, unsigned t)
{
    struct vm_vcpu *c = &vm->vcpu[i];
    unsigned intid = t ? vm->machine.ptimer_intid : vm->machine.timer_intid;
    uint8_t prio = 0;
    uint64_t want[3] = {0, 0, t ? CV_TIMER_PHYS : 0};
    if (vgic_irq_enabled(&vm->vgic, i, intid, &prio)) {
        want[0] = intid;
        want[1] = prio;
        want[2] |= vgic_irq_group1(&vm->vgic, i, intid) ? CV_INJECT_GROUP1 : 0;
    }
    if (memcmp(want, c->timer[t], sizeof(want)) == 0)
        return;
    enum cv_err err = cv_invoke(c->vcpu, CV_OP_VCPU_SET_VTIMER, want, 3, NULL, 0);
    if (err != CV_OK) {
        printf("[%s] vcpu %u: timer %u delivery: %s\n", vm->name, i, t, cv_err_str(err));
        return;
    }
    /* The kernel takes the virtual timer over: a line virq_vtimer latched
     * drops, the timer is on again, and the kernel injects it if it is
     * still due (its level, not a latch of an old one: docs/vmm.md). */
    if (t == 0 && want[0] && !c->timer[0][0])
        virq_timer_done(vm, i);
    memcpy(c->timer[t], want, sizeof(want));
}

void virq_vtimer_resync(struct vm *vm)
{
    if (vm->vgic.private_gen == vm->timer_gen)
        return; /* nothing the timers' delivery depends on changed (most writes: an SGI) */
    vm->timer_gen = vm->vgic.private_gen;
    virq_vtimer_sync(vm);
}

void virq_vtimer_sync(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vcpu_count; i++) {
        virq_timer_sync(vm, i, 0);
        virq_timer_sync(vm, i, 1);
    }
}

void virq_uart_update(struct vm *vm)
{
    unsigned intid = machine_find(&vm->machine, MACHINE_PL011, 0)->intid;
    (void)vgic_set_irq_level(&vm->vgic, 0, intid, pl011_irq_level(&vm->uart));
}
