/*
 * Emulated devices (vdev.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/cache.h>
#include <cap/invoke.h>
#include <cap/self.h>
#include <vmm/mmio.h>

#include "console.h"
#include "guest.h"
#include "inject.h"
#include "vdev.h"
#include "vio.h"
#include "virq.h"

/** The UART's guest address, from the machine. */
static uint64_t vdev_uart_base(const struct vm *vm)
{
    return machine_find(&vm->machine, MACHINE_PL011, 0)->base.v;
}

/* After a guest access to the distributor or a redistributor: a write may
 * have changed the timer PPI's delivery or made an interrupt deliverable. */
static bool vdev_gic_written(struct vm *vm, bool write)
{
    if (write) {
        virq_vtimer_resync(vm);
        virq_deliver(vm);
    }
    return true;
}

/**
 * mmio_handler_fn of the distributor: every access has a defined outcome.
 * Its banked registers are those of the vCPU whose exit this is.
 */
static bool vdev_gicd(void *dev, uint64_t off, unsigned width, bool write, uint64_t *value)
{
    struct vm *vm = dev;
    (void)vgic_dist_access(&vm->vgic, (unsigned)vm->waiting, off, width, write, value);
    return vdev_gic_written(vm, write);
}

/**
 * mmio_handler_fn of the GICv3 redistributors: vCPU k's frames at k *
 * VGIC_REDIST_STRIDE; any vCPU may reach any of them.
 */
static bool vdev_gicr(void *dev, uint64_t off, unsigned width, bool write, uint64_t *value)
{
    struct vm *vm = dev;
    (void)vgic_redist_access(&vm->vgic, (unsigned)vm->waiting, off, width, write, value);
    return vdev_gic_written(vm, write);
}

/** mmio_handler_fn of the UART: a bad width reads 0 and writes nothing. */
static bool vdev_uart(void *dev, uint64_t off, unsigned width, bool write, uint64_t *value)
{
    struct vm *vm = dev;
    bool level = pl011_irq_level(&vm->uart);
    (void)pl011_access(&vm->uart, off, width, write, value);
    console_feed(vm); /* delivers if it gave the UART input */
    vdev_uart_changed(vm, level);
    return true;
}

/** The region of machine device d, or false if the VMM does not emulate it. */
static bool vdev_region(struct vm *vm, const struct machine_dev *d, struct mmio_region *r)
{
    *r = (struct mmio_region){d->base, d->size, NULL, vm, NULL};
    switch (d->kind) {
    case MACHINE_GICD:
        r->handler = vdev_gicd;
        r->name = "gicd";
        return true;
    case MACHINE_GICR:
        r->handler = vdev_gicr;
        r->name = "gicr";
        return true;
    case MACHINE_PL011:
        r->handler = vdev_uart;
        r->name = "pl011";
        return true;
    case MACHINE_VIRTIO_MMIO:
        for (unsigned k = 0; k < vm->virtio_count; k++)
            if (vm->virtio[k].at == d)
                r->dev = &vm->virtio[k];
        r->handler = vio_mmio;
        r->name = "virtio-mmio";
        return r->dev != vm;
    case MACHINE_PCI_ECAM:
        r->handler = vio_ecam;
        r->name = "pci-ecam";
        return true;
    case MACHINE_PCI_WINDOW:
        r->handler = vio_window;
        r->name = "pci-window";
        return true;
    default: /* the GICC is the hardware's GICV frames, mapped (guest.c); a PCI
              * function is reached through the window */
        return false;
    }
}

/** Registers every emulated device of the machine. */
static bool vdev_register(struct vm *vm)
{
    mmio_registry_init(&vm->mmio);
    for (unsigned i = 0; i < vm->machine.dev_count; i++) {
        struct mmio_region r;
        if (!vdev_region(vm, &vm->machine.dev[i], &r))
            continue;
        enum mmio_reg_result e = mmio_register(&vm->mmio, &r);
        if (e != MMIO_REG_OK) { /* the machine has no overlaps: a bug of ours */
            printf("[%s] device %s at 0x%llx: registry error %d\n", vm->name, r.name,
                   (unsigned long long)r.base.v, (int)e);
            return false;
        }
    }
    return true;
}

bool vdev_create(struct vm *vm)
{
    struct vm_uart_page *p = &vm->uart_page;
    if (!vdev_register(vm))
        return false;
    uint64_t frame;
    enum cv_err err;
    p->words = cv_self_page(&frame, &err);
    p->guest_cap = p->words ? cv_self_slot() : 0;
    if (p->guest_cap)
        err = cv_cnode_copy(CV_COMP_SLOT_CNODE, p->guest_cap, 0, frame, CV_RIGHT_READ);
    else if (p->words)
        err = CV_E_RANGE;
    if (err != CV_OK)
        printf("[%s] UART read page: %s\n", vm->name, cv_err_str(err));
    return err == CV_OK;
}

#define UART_CR          0x030u
#define UART_CR_FIRMWARE 0x301u /* UARTEN | TXE | RXE */

/** posted_take_fn: CV_OP_VCPU_TAKE_POSTED of vCPU i. */
static bool vdev_posted_take(void *ctx, unsigned i, const uint32_t *limit, uint64_t *rec,
                             unsigned *n, uint32_t *next)
{
    struct vm *vm = ctx;
    uint64_t res[2 + CV_POSTED_TAKE_MAX], arg = limit ? *limit : 0;
    enum cv_err err = cv_invoke(vm->vcpu[i].vcpu, CV_OP_VCPU_TAKE_POSTED, &arg, limit ? 1 : 0, res,
                                2 + CV_POSTED_TAKE_MAX);
    if (err != CV_OK || res[0] > CV_POSTED_TAKE_MAX)
        return false;
    memcpy(rec, &res[2], res[0] * sizeof(res[0]));
    *n = (unsigned)res[0];
    *next = (uint32_t)res[1];
    return true;
}

/** posted_emit_fn: vCPU i's UARTDR write, emulated. */
static void vdev_posted_emit(void *ctx, unsigned i, uint64_t rec)
{
    struct vm *vm = ctx;
    uint64_t value = CV_POSTED_VALUE(rec);
    (void)pl011_access(&vm->uart, 0, CV_POSTED_WIDTH(rec), true, &value);
    vm->con.writer = i;
}

void vdev_init(struct vm *vm)
{
    posted_init(&vm->posted, vm->vcpu_count, vdev_posted_take, vdev_posted_emit, vm);
    pl011_init(&vm->uart, console_tx, vm);
    /* as firmware leaves it: enabled, so that Linux's console writes of
     * UARTCR around each line keep its value (and need no exit) */
    uint64_t cr = UART_CR_FIRMWARE;
    (void)pl011_access(&vm->uart, UART_CR, 4, true, &cr);
    vdev_uart_sync(vm);
}

enum cv_err vdev_posted_set(struct vm *vm, unsigned i)
{
    uint64_t base = vdev_uart_base(vm);
    const uint64_t args[3] = {base, base + UART_CR, vm->uart.cr};
    enum cv_err err = cv_invoke(vm->vcpu[i].vcpu, CV_OP_VCPU_SET_POSTED, args, 3, NULL, 0);
    if (err == CV_OK)
        vm->vcpu[i].steady_cr = vm->uart.cr;
    return err;
}

/* UARTCR changed: the kernel must no longer drop writes of the old value. */
static void vdev_steady_sync(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vcpu_count; i++) {
        if (!vm->vcpu[i].vcpu || vm->vcpu[i].steady_cr == vm->uart.cr)
            continue;
        enum cv_err err = vdev_posted_set(vm, i);
        if (err != CV_OK) /* the invocation's arguments are always valid */
            printf("[%s] vcpu %u: UARTCR for the kernel: %s\n", vm->name, i, cv_err_str(err));
    }
}

/* Maps or unmaps the page; on failure the UART is emulated on every read,
 * which is slower but right, so only said. */
static void vdev_uart_map(struct vm *vm, bool map)
{
    struct vm_uart_page *p = &vm->uart_page;
    enum cv_err err = map ? guest_map(vm, p->guest_cap, vdev_uart_base(vm), CV_RIGHT_READ)
                          : cv_frame_unmap(p->guest_cap);
    if (err == CV_OK)
        p->mapped = map;
    else
        printf("[%s] UART read page %s: %s\n", vm->name, map ? "map" : "unmap", cv_err_str(err));
}

void vdev_uart_sync(struct vm *vm)
{
    struct vm_uart_page *p = &vm->uart_page;
    vdev_steady_sync(vm);
    if (!p->words)
        return;
    if (!pl011_reads_pure(&vm->uart)) {
        if (p->mapped)
            vdev_uart_map(vm, false);
        return;
    }
    /* the guest reads it with its caches off (a Device mapping) */
    if (pl011_read_page(&vm->uart, p->words))
        cv_dcache_clean(p->words, PL011_MMIO_SIZE);
    if (!p->mapped)
        vdev_uart_map(vm, true);
}

/* Most changes (a byte of output, a flag read) move no interrupt line:
 * then there is nothing new to deliver. */
void vdev_uart_changed(struct vm *vm, bool level_before)
{
    if (pl011_irq_level(&vm->uart) != level_before) {
        virq_uart_update(vm);
        virq_deliver(vm);
    }
    vdev_uart_sync(vm);
}

void vdev_take_posted(struct vm *vm, bool all)
{
    bool level = pl011_irq_level(&vm->uart);
    vm->posted_writes += posted_drain(&vm->posted, all);
    vdev_uart_changed(vm, level);
}

/** Why an access cannot be emulated, for the stop line. */
static const char *vdev_why(enum mmio_result r)
{
    switch (r) {
    case MMIO_UNDECODABLE:
        return "without syndrome (ISV 0)";
    case MMIO_STAGE1_WALK:
        return "by a stage-1 table walk";
    case MMIO_CACHE_OP:
        return "by cache maintenance";
    default:
        return "of an unknown kind";
    }
}

/**
 * The abort injected for an unbacked access of vCPU i (what: "read",
 * "write" or "instruction fetch") is reported, rate-limited: the VM
 * resumes at its vector. On an injection error the VM stops.
 */
static struct vmexit_result vdev_abort_injected(struct vm *vm, unsigned i, enum cv_err err,
                                                const char *what, unsigned long long ipa,
                                                unsigned long long pc)
{
    if (err != CV_OK)
        return vm_halt(vm, "vcpu %u: injecting an abort for IPA 0x%llx: %s", i, ipa,
                       cv_err_str(err));
    struct vm_logs *l = &vm->logs;
    if (l->abort_count < VM_WARN_LOG_MAX) {
        console_flush(vm);
        printf("[%s] vcpu %u: %s of unbacked IPA 0x%llx (pc 0x%llx): external abort injected%s\n",
               vm->name, i, what, ipa, pc,
               ++l->abort_count == VM_WARN_LOG_MAX ? " (further ones not reported)" : "");
    }
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

/**
 * An access to an IPA that is neither RAM nor a device: the VM's
 * `unbacked-access` (spec.h CV_SPEC_VM_ABORT_UNBACKED) says whether the
 * guest gets an external abort (reported, rate-limited) or the VM stops.
 */
static struct vmexit_result vdev_unbacked(struct vm *vm, const struct vmexit *m,
                                          const struct mmio_access *acc)
{
    unsigned long long ipa = m->mr[CV_VMEXIT_DA_IPA], pc = m->mr[CV_VMEXIT_DA_PC];
    const char *dir = acc->write ? "write" : "read";
    if (!(vm->cfg->flags & CV_SPEC_VM_ABORT_UNBACKED))
        return vm_halt(vm, "guest access to unbacked IPA 0x%llx (pc 0x%llx, %s)", ipa, pc, dir);
    enum cv_err err = inject_data_abort(vm, m->vcpu, CV_DA_SYNDROME(m->mr[CV_VMEXIT_DA_ACCESS]));
    return vdev_abort_injected(vm, m->vcpu, err, dir, ipa, pc);
}

struct vmexit_result vdev_insn_abort(struct vm *vm, const struct vmexit *m)
{
    /* MR1 is the IPA's page (HPFAR_EL2): exits_ram took RAM's already */
    unsigned long long pc = m->mr[0], ipa = m->mr[1];
    if (!(vm->cfg->flags & CV_SPEC_VM_ABORT_UNBACKED))
        return vm_halt(vm,
                       "vcpu %u: instruction fetch from unbacked IPA 0x%llx (pc 0x%llx, "
                       "esr 0x%llx)",
                       m->vcpu, ipa, pc, (unsigned long long)m->mr[2]);
    return vdev_abort_injected(vm, m->vcpu, inject_insn_abort(vm, m->vcpu), "instruction fetch",
                               ipa, pc);
}

struct vmexit_result vdev_data_abort(struct vm *vm, const struct vmexit *m)
{
    const struct mmio_exit ex = {m->mr[CV_VMEXIT_DA_IPA], m->mr[CV_VMEXIT_DA_VALUE],
                                 m->mr[CV_VMEXIT_DA_ACCESS]};
    uint64_t pc = m->mr[CV_VMEXIT_DA_PC];
    struct mmio_access acc = {0};
    enum mmio_result r = mmio_decode(&ex, &acc);
    /* no device where an undecodable access went: the VM's unbacked-access
     * decides, as for any access (a load pair, a SIMD load via /dev/mem) */
    if (r == MMIO_UNDECODABLE && !mmio_region_at(&vm->mmio, acc.ipa))
        return vdev_unbacked(vm, m, &acc);
    if (r != MMIO_OK)
        return vm_halt(vm, "guest access to IPA 0x%llx %s (pc 0x%llx, esr 0x%llx)",
                       (unsigned long long)ex.ipa, vdev_why(r), (unsigned long long)pc,
                       (unsigned long long)CV_DA_SYNDROME(ex.access));
    const struct mmio_region *hit;
    r = mmio_dispatch(&vm->mmio, &acc, &hit);
    if (r == MMIO_UNBACKED)
        return vdev_unbacked(vm, m, &acc);
    vm->mmio_exits[hit - vm->mmio.region]++;
    return vmexit_reply(CV_FAULT_VM_EMULATED, acc.write ? 0 : acc.value);
}
