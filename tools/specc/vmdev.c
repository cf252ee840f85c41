/*
 * A VM's devices (vmdev.h).
 */
#include "vmdev.h"

#include <libfdt.h>
#include <string.h>
#include <vmm/machine.h>

static const char *const dev_props[] = {"type", "transport", "address", "interrupt", NULL};

/* What a description may name, and what the VMM implements so far. */
static const char *const dev_types[] = {"virtio-console", "virtio-net", "virtio-blk", NULL};
static const char *const dev_transports[] = {"mmio", "pci", NULL};
static const uint32_t dev_kinds[] = {CV_SPEC_VDEV_VIRTIO_CONSOLE};
#define DEV_TYPES_DONE      1u /* virtio-console */
#define DEV_TRANSPORTS_DONE 2u /* mmio, pci */

/** type and transport: known, and implemented. */
static int vmdev_kind(const struct prop_node *n, struct cv_spec_vm_device *dev)
{
    uint32_t type, transport;

    if (!prop_has(n, "type"))
        return prop_error(n, NULL, "missing required property 'type'");
    if (prop_choice(n, "type", dev_types, &type) ||
        prop_choice(n, "transport", dev_transports, &transport))
        return -1;
    if (type >= DEV_TYPES_DONE)
        return prop_error(n, "type", "type '%s' is not implemented by the VMM yet",
                          dev_types[type]);
    if (transport >= DEV_TRANSPORTS_DONE)
        return prop_error(n, "transport", "transport '%s' is not implemented by the VMM yet",
                          dev_transports[transport]);
    dev->kind = dev_kinds[type];
    dev->transport = CV_SPEC_VDEV_MMIO + transport;
    return 0;
}

/** address and interrupt: optional, 0 means the platform's choice. */
static int vmdev_place(const struct prop_node *n, struct cv_spec_vm_device *dev)
{
    if (dev->transport == CV_SPEC_VDEV_PCI && (prop_has(n, "address") || prop_has(n, "interrupt")))
        return prop_error(n, prop_has(n, "address") ? "address" : "interrupt",
                          "a pci device has no address or interrupt of its own (the guest "
                          "places its BAR; its INTx is its slot's)");
    if (prop_has(n, "address") && prop_u64(n, "address", &dev->address))
        return -1;
    if (prop_has(n, "address") && dev->address == 0)
        return prop_error(n, "address",
                          "address 0 is not a device address (leave it out for "
                          "the platform's choice)");
    return prop_u32(n, "interrupt", 0, MACHINE_SPI_BASE, MACHINE_IRQ_COUNT - 1, &dev->interrupt);
}

/*
 * The machines a VM may get: its GIC follows the board's (the loader reads
 * it at boot), so a device must fit both layouts: GICv2's CPU interface
 * and GICv3's redistributors (MACHINE_GICR_STRIDE per vCPU) sit in
 * different places.
 */
#define VMDEV_GICS 2
static const unsigned vmdev_gic[VMDEV_GICS] = {2, 3};

/** Puts the device on each of the VM's machines (m[VMDEV_GICS]) as the VMM will
 * (machine_add_virtio_mmio). */
static int vmdev_add(const struct prop_node *n, const struct cv_spec_vm_device *dev,
                     struct machine *m)
{
    for (unsigned g = 0; g < VMDEV_GICS; g++) {
        enum machine_result r = dev->transport == CV_SPEC_VDEV_PCI
                                    ? machine_add_virtio_pci(&m[g], dev->kind, NULL)
                                    : machine_add_virtio_mmio(&m[g], dev->kind, IPA(dev->address),
                                                              dev->interrupt, NULL);
        const char *prop = NULL;

        if (r == MACHINE_OK)
            continue;
        if (r == MACHINE_E_OVERLAP || r == MACHINE_E_RANGE)
            prop = dev->address ? "address" : NULL;
        else if (r == MACHINE_E_IRQ || r == MACHINE_E_IRQ_USED)
            prop = dev->interrupt ? "interrupt" : NULL;
        /* the first layout's errors are everyone's; a later one's only its own */
        return g ? prop_error(n, prop, "%s on a board with GICv%u", machine_strerror(r),
                              vmdev_gic[g])
                 : prop_error(n, prop, "%s", machine_strerror(r));
    }
    return 0;
}

/** One device node; m: the VM's machines, one per GIC layout. */
static int vmdev_one(const struct prop_node *n, struct cv_spec_vm *vm, struct machine *m)
{
    struct cv_spec_vm_device *dev;

    if (vm->device_count == CV_SPEC_VM_DEVICES_MAX)
        return prop_error(n, NULL, "more than %u devices in one vm", CV_SPEC_VM_DEVICES_MAX);
    if (strlen(n->name) >= CV_SPEC_NAME_MAX)
        return prop_error(n, NULL, "device name is longer than %u characters",
                          CV_SPEC_NAME_MAX - 1);
    dev = &vm->device[vm->device_count];
    memset(dev, 0, sizeof(*dev));
    strcpy(dev->name, n->name);
    if (prop_check_known(n, dev_props) || prop_check_leaf(n) || vmdev_kind(n, dev) ||
        vmdev_place(n, dev) || vmdev_add(n, dev, m))
        return -1;
    vm->device_count++;
    return 0;
}

int vmdev_load(const struct prop_node *v, struct cv_spec_vm *vm)
{
    struct machine m[VMDEV_GICS];
    struct prop_node devs, n;
    int child, off = fdt_subnode_offset(v->fdt, v->off, "devices");

    for (unsigned g = 0; g < VMDEV_GICS; g++) {
        enum machine_result r =
            machine_virt_gic(&m[g], IPA(vm->ram_base), vm->ram_size, vm->vcpus, vmdev_gic[g]);
        if (r != MACHINE_OK)
            return prop_error(v, "ram-base", "%s", machine_strerror(r));
    }
    if (off < 0)
        return 0;
    if (prop_node_init(&devs, v->src, off, "devices of vm"))
        return -1;
    devs.name = v->name;
    if (prop_check_known(&devs, (const char *const[]){NULL}))
        return -1;
    fdt_for_each_subnode(child, v->fdt, off)
    {
        if (prop_node_init(&n, v->src, child, "device") || vmdev_one(&n, vm, m))
            return -1;
    }
    return 0;
}
