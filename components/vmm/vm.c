/*
 * The VM's life: create, start, stop, reboot (vm.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>
#include <cap/runtime.h>
#include <cap/self.h>

#include "boot.h"
#include "console.h"
#include "guest.h"
#include "vcpu.h"
#include "vdev.h"
#include "vio.h"
#include "virq.h"
#include "vpass.h"

#define VM_CNODE_RADIX 12u             /* the description gives the VMM cnode-radix 12 */
#define VM_SELF_VADDR  0x1000000000ull /* the self allocator's own mappings */

/**
 * The VM's machine from its config (the loader copied it from the
 * description): QEMU virt's RAM, vCPUs, GIC (the version of the machine's:
 * a GICv3 guest uses the hardware's virtual CPU interface through system
 * registers, a GICv2 one through the GICV frames) and PL011, then its devices in
 * the order given, placed as specc placed them when it checked them.
 */
static bool vm_machine(struct vm *vm)
{
    const struct cv_spec_vm *c = vm->cfg;
    enum machine_result r =
        machine_virt_gic(&vm->machine, IPA(c->ram_base), c->ram_size, c->vcpus, vm->gic_version);
    for (uint32_t k = 0; r == MACHINE_OK && k < c->device_count; k++) {
        const struct cv_spec_vm_device *d = &c->device[k];
        if (d->kind == CV_SPEC_VDEV_PASSTHRU)
            continue; /* after the emulated ones: vpass_machine */
        r = d->transport == CV_SPEC_VDEV_PCI
                ? machine_add_virtio_pci(&vm->machine, d->kind, NULL)
                : machine_add_virtio_mmio(&vm->machine, d->kind, IPA(d->address), d->interrupt,
                                          NULL);
        if (r != MACHINE_OK)
            printf("[%s] device '%s': %s\n", vm->name, d->name, machine_strerror(r));
    }
    if (r != MACHINE_OK)
        printf("[%s] bad vm config: %s\n", vm->name, machine_strerror(r));
    return r == MACHINE_OK && vpass_machine(vm);
}

/** Resets devices and PSCI state (vCPU 0 on). */
static bool vm_devices_reset(struct vm *vm)
{
    if (!virq_init(vm)) {
        printf("[%s] vGIC set-up failed\n", vm->name);
        return false;
    }
    vdev_init(vm);
    vio_reset(vm);
    vpass_reset(vm);
    return psci_init(&vm->psci, vm->vcpu_count, IPA(vm->cfg->ram_base), vm->cfg->ram_size);
}

/** Objects: guest memory (first: see guest_create), endpoint, vCPUs. */
static bool vm_build(struct vm *vm)
{
    enum cv_err err;
    cv_self_init(CV_COMP_SLOT_UNTYPED, cv_first_free_slot(), 1ull << VM_CNODE_RADIX, VM_SELF_VADDR);
    if (!guest_create(vm))
        return false;
    vm->ep = cv_self_retype(CV_OBJ_ENDPOINT, 0, &err);
    uint64_t lock = vm->ep ? cv_self_retype(CV_OBJ_NOTIFICATION, 0, &err) : 0;
    if (!lock) {
        printf("[%s] cannot create the endpoint and the lock: %s\n", vm->name, cv_err_str(err));
        return false;
    }
    cv_mutex_init(&vm->lock, lock);
    if (!guest_map_gicv(vm) || !vio_create(vm) || !vdev_create(vm) || !vpass_create(vm))
        return false;
    for (unsigned i = 0; i < vm->vcpu_count; i++)
        if (!vcpu_create(vm, i))
            return false;
    return true;
}

/** Every vCPU's core is online (a description may place vCPUs on cores this build lacks). */
static bool vm_cores(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vcpu_count; i++)
        if (vcpu_core(vm, i) >= (vm->core_count ? vm->core_count : 1u)) {
            printf("[%s] vcpu %u: vcpu-affinity core %u, but only %u cores are online\n", vm->name,
                   i, vcpu_core(vm, i), vm->core_count);
            return false;
        }
    return true;
}

bool vm_create(struct vm *vm)
{
    const struct cv_comp_info *info = cv_comp_info();
    memset(vm, 0, sizeof(*vm));
    vm->waiting = -1;
    snprintf(vm->name, sizeof(vm->name), "%s", cv_comp_name());
    if (!info || !info->has_vm) {
        printf("[%s] no vm config in the info page (a `vm` node in the description)\n", vm->name);
        return false;
    }
    vm->cfg = &info->vm;
    vm->vcpu_count = vm->cfg->vcpus;
    vm->gic_version = info->gic_version == 3 ? 3 : 2;
    vm->core_count = info->core_count;
    return vm_cores(vm) && vm_machine(vm) && vm_build(vm) && vm_devices_reset(vm) &&
           console_init(vm) && vpass_bind(vm);
}

bool vm_start(struct vm *vm)
{
    if (!boot_load(vm) || !vcpu_start(vm, 0, vm->entry, vm->dtb))
        return false;
    vm->stopped = false;
    return true;
}

/** The mmio exits by device: "vm0: mmio exits: gicd 120, pl011 30". */
static void vm_report_mmio(struct vm *vm)
{
    char text[256];
    size_t n = (size_t)snprintf(text, sizeof(text), "[%s] mmio exits:", vm->name);
    for (size_t k = 0; k < vm->mmio.count && n < sizeof(text); k++) {
        const struct mmio_region *r = &vm->mmio.region[k];
        n +=
            (size_t)snprintf(text + n, sizeof(text) - n, "%s %s 0x%llx %llu", k ? "," : "", r->name,
                             (unsigned long long)r->base.v, (unsigned long long)vm->mmio_exits[k]);
        vm->mmio_exits[k] = 0;
    }
    printf("%s\n", text);
}

/**
 * Each vCPU's exits and where its server thread ran and the vCPU last ran
 * ("[vm0] vcpu 1: 57 exits served on core 1, the vcpu's core 1"):
 * system.vm_conform.smp4 checks that each is served on its own core.
 */
static void vm_report_served(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vcpu_count; i++) {
        struct vm_vcpu *c = &vm->vcpu[i];
        unsigned core = 0;
        if (cv_tcb_get_core(c->tcb, &core) != CV_OK)
            core = ~0u;
        printf("[%s] vcpu %u: %llu exits served on core %d, the vcpu's core %d\n", vm->name, i,
               (unsigned long long)c->served, c->served_core, (int)core);
        c->served = 0;
    }
}

void vm_report(struct vm *vm)
{
    const uint64_t *e = vm->exits;
    unsigned long long total = 0;
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        total += e[k];
    printf("[%s] %llu exits: %llu mmio, %llu ram, %llu firmware, %llu timer/eoi, %llu posted, "
           "%llu other; %llu posted writes\n",
           vm->name, total, (unsigned long long)e[VM_EXIT_MMIO], (unsigned long long)e[VM_EXIT_RAM],
           (unsigned long long)e[VM_EXIT_FW], (unsigned long long)e[VM_EXIT_IRQ],
           (unsigned long long)e[VM_EXIT_POSTED], (unsigned long long)e[VM_EXIT_OTHER],
           (unsigned long long)vm->posted_writes);
    vm_report_mmio(vm);
    vm_report_served(vm);
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        vm->exits[k] = 0;
    vm->posted_writes = 0;
    vio_report(vm);
    vpass_report(vm);
}

struct vmexit_result vm_halt(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    vm_stop(vm);
    printf("[%s] ", vm->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" — VM stopped\n");
    return vmexit_reply(CV_FAULT_STOP, 0);
}

void vm_stop(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vcpu_count; i++) {
        if ((int)i == vm->waiting)
            vm->vcpu[i].running = false;
        else
            vcpu_suspend(vm, i);
    }
    vm->stopped = true;
    /* The other vCPUs' last writes: nothing adds to them now. Only the
     * waiting vCPU's were taken, at its exit. */
    vdev_take_posted(vm, true);
    console_flush(vm);
}

bool vm_reboot(struct vm *vm)
{
    console_flush(vm);
    vm->stopped = true; /* until vCPU 0 runs again */
    for (unsigned i = 0; i < vm->vcpu_count; i++)
        if (!vcpu_renew(vm, i))
            return false;
    if (!vm_devices_reset(vm))
        return false;
    console_reset(vm);
    return vm_start(vm);
}
