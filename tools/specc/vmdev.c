/*
 * A VM's devices (vmdev.h).
 */
#include "vmdev.h"
#include "passthru.h"
#include "xconn.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <vmm/machine.h>

static const char *const dev_props[] = {"type",   "transport",  "address", "interrupt",
                                        "mac",    "dataports",  "emits",   "consumes",
                                        "region", "compatible", "size",    NULL};

/* What a description may name, and what the VMM implements so far. */
static const char *const dev_types[] = {"virtio-console", "virtio-net", "cross-connector",
                                        "passthrough",    "virtio-blk", NULL};
static const char *const dev_transports[] = {"mmio", "pci", NULL};
static const uint32_t dev_kinds[] = {CV_SPEC_VDEV_VIRTIO_CONSOLE, CV_SPEC_VDEV_VIRTIO_NET,
                                     CV_SPEC_VDEV_XCONN, CV_SPEC_VDEV_PASSTHRU};
#define DEV_TYPES_DONE      4u /* virtio-console, virtio-net, cross-connector, passthrough */
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
    if (dev->kind == CV_SPEC_VDEV_PASSTHRU) {
        dev->transport = 0;
        return prop_has(n, "transport") ? prop_error(n, "transport",
                                                     "a passthrough device has no transport: it is "
                                                     "the hardware's own")
                                        : 0;
    }
    if (dev->kind != CV_SPEC_VDEV_XCONN)
        return 0;
    if (prop_has(n, "transport") && dev->transport != CV_SPEC_VDEV_PCI)
        return prop_error(n, "transport", "a cross-connector is a PCI device: transport 'pci'");
    dev->transport = CV_SPEC_VDEV_PCI;
    return 0;
}

/** address and interrupt: optional, 0 means the platform's choice. */
static int vmdev_place(const struct prop_node *n, struct cv_spec_vm_device *dev)
{
    if (dev->kind == CV_SPEC_VDEV_PASSTHRU)
        return prop_has(n, "interrupt")
                   ? prop_error(n, "interrupt",
                                "a passthrough device's interrupt is its device "
                                "connection's ('region')")
                   : 0; /* its address: passthru_read */
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

/** "02:00:00:00:00:01" into buf (18 bytes). */
static const char *vmdev_mac_str(const uint8_t *mac, char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
    return buf;
}

/** The device of vms[0..count) (or of vm, the one being read) with `mac`, or NULL. */
static const struct cv_spec_vm_device *vmdev_mac_owner(const struct cv_spec_vm *vms, uint32_t count,
                                                       const uint8_t *mac, uint32_t *which)
{
    for (uint32_t i = 0; i < count; i++)
        for (uint32_t k = 0; k < vms[i].device_count; k++) {
            const struct cv_spec_vm_device *o = &vms[i].device[k];
            if (o->kind == CV_SPEC_VDEV_VIRTIO_NET && !memcmp(o->mac, mac, CV_SPEC_MAC_LEN)) {
                *which = i;
                return o;
            }
        }
    return NULL;
}

/** The component whose vm is vm index i (the description holds one). */
static const char *vmdev_vm_name(const struct desc *d, uint32_t i)
{
    for (uint32_t c = 0; c < d->comp_count; c++)
        if (d->comp[c].spec.vm_index == i)
            return d->comp[c].spec.name;
    return "?";
}

/**
 * mac: a virtio-net device's own (6 bytes, unicast, not all zero, no
 * other device of the system's VMs, the earlier ones in d and this one's
 * earlier devices, has it); no other device type has one.
 */
static int vmdev_mac(const struct prop_node *n, struct cv_spec_vm_device *dev, const struct desc *d,
                     const struct cv_spec_vm *vm)
{
    static const uint8_t zero[CV_SPEC_MAC_LEN];
    const struct cv_spec_vm_device *o;
    char text[18];
    uint32_t which = 0;

    if (dev->kind != CV_SPEC_VDEV_VIRTIO_NET)
        return prop_has(n, "mac") ? prop_error(n, "mac", "only a virtio-net device has a 'mac'")
                                  : 0;
    if (prop_bytes(n, "mac", dev->mac, CV_SPEC_MAC_LEN, "mac = [02 00 00 00 00 01]"))
        return -1;
    vmdev_mac_str(dev->mac, text);
    if (!memcmp(dev->mac, zero, CV_SPEC_MAC_LEN))
        return prop_error(n, "mac", "mac %s is not an address", text);
    if (dev->mac[0] & 1u)
        return prop_error(n, "mac",
                          "mac %s is a multicast address (bit 0 of its first byte is set); "
                          "a device's must be unicast",
                          text);
    if ((o = vmdev_mac_owner(vm, 1, dev->mac, &which)) != NULL)
        return prop_error(n, "mac", "mac %s is already the mac of device '%s' of this vm", text,
                          o->name);
    if ((o = vmdev_mac_owner(d->vm, d->vm_count, dev->mac, &which)) != NULL)
        return prop_error(n, "mac", "mac %s is already the mac of device '%s' of component '%s'",
                          text, o->name, vmdev_vm_name(d, which));
    return 0;
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
    if (dev->kind == CV_SPEC_VDEV_PASSTHRU)
        return 0; /* placed once its region is known (passthru_resolve) */
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

/** One device node; m: the VM's machines, one per GIC layout; d: the VMs read before. */
static int vmdev_one(const struct prop_node *n, struct desc *d, struct cv_spec_vm *vm,
                     struct machine *m)
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
        vmdev_mac(n, dev, d, vm) || vmdev_place(n, dev) || vmdev_add(n, dev, m) ||
        xconn_read(d, n, dev, vm->device_count) || passthru_read(d, n, dev, vm->device_count))
        return -1;
    vm->device_count++;
    return 0;
}

int vmdev_load(struct desc *d, const struct prop_node *v, struct cv_spec_vm *vm)
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
        if (prop_node_init(&n, v->src, child, "device") || vmdev_one(&n, d, vm, m))
            return -1;
    }
    return 0;
}
