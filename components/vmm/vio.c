/*
 * The VM's virtio devices (vio.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmm/virtio_mmio.h>

#include "console.h"
#include "guest.h"
#include "netport.h"
#include "vio.h"
#include "virq.h"
#include "vxconn.h"

bool vio_warn_begin(struct vm *vm)
{
    if (vm->logs.virtio_count == VM_WARN_LOG_MAX)
        return false;
    console_flush(vm);
    return true;
}

void vio_warn_end(struct vm *vm)
{
    printf("%s\n", ++vm->logs.virtio_count == VM_WARN_LOG_MAX
                       ? " (further virtio warnings not reported)"
                       : "");
}

/**
 * One rate-limited line about device v (VM_WARN_LOG_MAX per VM): what a
 * guest's driver did wrong must be seen, but cannot flood the console.
 */
static void vio_log(struct vm_virtio *v, const char *fmt, ...)
{
    struct vm *vm = v->vm;
    va_list ap;
    if (!vio_warn_begin(vm))
        return;
    if (v->on_pci)
        printf("[%s] %s (%s, pci 00:%02x.0): ", vm->name, v->cfg->name, v->dev->ops->name,
               v->at->pci_slot);
    else
        printf("[%s] %s (%s@0x%llx): ", vm->name, v->cfg->name, v->dev->ops->name,
               (unsigned long long)v->at->base.v);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    vio_warn_end(vm);
}

/** gmem_map_fn: guest RAM as the VMM maps it, backed on first use. */
static void *vio_map(void *ctx, ipa_t ipa, uint64_t len)
{
    return guest_ptr(ctx, ipa.v, len);
}

/** A line of the VM's vGIC (an SPI) moved. */
static void vio_line(struct vm *vm, unsigned intid, bool level)
{
    (void)vgic_set_irq_level(&vm->vgic, 0, intid, level);
    virq_deliver(vm);
}

/** pci_intx_fn: a line of the PCI host bridge. */
static void vio_intx(void *ctx, unsigned intid, bool level)
{
    vio_line(ctx, intid, level);
}

/** virtio_irq_fn: the device's interrupt, on its line or through PCI INTx. */
static void vio_irq(void *ctx, bool level)
{
    struct vm_virtio *v = ctx;
    if (v->on_pci)
        virtio_pci_irq(&v->pci, level);
    else
        vio_line(v->vm, v->at->intid, level);
}

/** virtio_warn_fn: a driver error; the device now needs a reset. */
static void vio_warn(void *ctx, int queue, const char *why)
{
    vio_log(ctx, "queue %d: %s: device needs reset", queue, why);
}

/** virtio_console_out_fn: the first console's to the serial server, if any; the rest's into the
 * console lines. */
static size_t vio_console_out(void *ctx, const uint8_t *buf, size_t n)
{
    struct vm_virtio *v = ctx;
    if (&v->con == v->vm->hvc)
        return console_hvc_out(v->vm, buf, n);
    for (size_t i = 0; i < n; i++)
        console_tx(v->vm, buf[i]);
    return n;
}

/** virtio_console_rx_fn: the guest has room for input now. */
static void vio_console_rx(void *ctx)
{
    struct vm_virtio *v = ctx;
    if (&v->con == v->vm->hvc)
        console_feed(v->vm);
}

/** Puts device v on its PCI slot (the machine chose it); its class follows its type. */
static bool vio_plug(struct vm *vm, struct vm_virtio *v)
{
    virtio_pci_init(&v->pci, v->dev, virtio_pci_class(v->dev->ops->device_id));
    return pci_bus_add(&vm->pci, v->at->pci_slot, v->at->intid, &v->pci.fn);
}

/**
 * Sets device v up as the type its description names: false (the reason
 * printed) if the VMM has no such type or cannot connect it.
 */
static bool vio_device(struct vm_virtio *v, const struct gmem *mem)
{
    switch (v->cfg->kind) {
    case CV_SPEC_VDEV_VIRTIO_CONSOLE:
        virtio_console_init(&v->con, mem, vio_irq, vio_warn, vio_console_out, vio_console_rx, v);
        v->dev = &v->con.dev;
        if (!v->vm->hvc)
            v->vm->hvc = &v->con;
        return true;
    case CV_SPEC_VDEV_VIRTIO_NET:
        virtio_net_init(&v->net, mem, vio_irq, vio_warn, v->cfg->mac, &netport_backend, v);
        v->dev = &v->net.dev;
        return netport_open(v);
    default:
        printf("[%s] device '%s': not a device this VMM has\n", v->vm->name, v->cfg->name);
        return false;
    }
}

/** The PCI host bridge's bus, if the machine has one. */
static void vio_bus(struct vm *vm)
{
    const struct machine_dev *ecam = machine_find(&vm->machine, MACHINE_PCI_ECAM, 0);
    const struct machine_dev *window = machine_find(&vm->machine, MACHINE_PCI_WINDOW, 0);
    if (ecam && window)
        pci_bus_init(&vm->pci, window->base, window->size, ecam->intid, vio_intx, vm);
}

bool vio_create(struct vm *vm)
{
    const struct gmem mem = {IPA(vm->cfg->ram_base), vm->cfg->ram_size, vio_map, vm};
    unsigned mmio = 0, pci = 0;
    vm->virtio_count = 0;
    vio_bus(vm);
    vm->xconn_count = 0;
    for (uint32_t k = 0; k < vm->cfg->device_count; k++) {
        const struct cv_spec_vm_device *cfg = &vm->cfg->device[k];
        if (cfg->kind == CV_SPEC_VDEV_XCONN) {
            const struct machine_dev *at = machine_find(&vm->machine, MACHINE_VIRTIO_PCI, pci++);
            if (!at || !vxconn_create(vm, cfg, at))
                return false;
            continue;
        }
        if (cfg->kind == CV_SPEC_VDEV_PASSTHRU)
            continue; /* the hardware's own: vpass.c */
        struct vm_virtio *v = &vm->virtio[vm->virtio_count];
        v->vm = vm;
        v->cfg = cfg;
        v->on_pci = v->cfg->transport == CV_SPEC_VDEV_PCI;
        /* the machine holds the devices in the description's order (vm.c) */
        v->at = v->on_pci ? machine_find(&vm->machine, MACHINE_VIRTIO_PCI, pci++)
                          : machine_find(&vm->machine, MACHINE_VIRTIO_MMIO, mmio++);
        if (!v->at) {
            printf("[%s] device '%s': not a device this VMM has\n", vm->name, v->cfg->name);
            return false;
        }
        if (!vio_device(v, &mem))
            return false;
        if (v->on_pci && !vio_plug(vm, v)) {
            printf("[%s] device '%s': no PCI slot\n", vm->name, v->cfg->name);
            return false;
        }
        vm->virtio_count++;
    }
    return true;
}

/**
 * A system reset resets a PCI function's config space too: the rebooted
 * guest finds its BAR unplaced and memory decode off, as at power-on. Its
 * slot and line stay; the line drops.
 */
static void vio_pci_reset(struct vm_virtio *v)
{
    struct pci_bus *bus = v->pci.fn.bus;
    unsigned intid = v->pci.fn.intid;
    virtio_pci_init(&v->pci, v->dev, virtio_pci_class(v->dev->ops->device_id));
    v->pci.fn.bus = bus;
    v->pci.fn.intid = intid;
    pci_set_intx(&v->pci.fn, false);
}

void vio_reset(struct vm *vm)
{
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        struct vm_virtio *v = &vm->virtio[k];
        virtio_reset(v->dev);
        if (v->cfg->kind == CV_SPEC_VDEV_VIRTIO_CONSOLE)
            v->con.tx_bytes = v->con.tx_buffers = 0;
        if (v->on_pci)
            vio_pci_reset(v);
    }
    vxconn_reset(vm);
}

/** A rate-limited line about the VM's PCI bus. */
static void vio_pci_log(struct vm *vm, const char *where, uint64_t offset, unsigned width,
                        bool write, const char *why)
{
    if (!vio_warn_begin(vm))
        return;
    printf("[%s] pci %s: %s of %u bytes at +0x%llx: %s", vm->name, where, write ? "write" : "read",
           width, (unsigned long long)offset, why);
    vio_warn_end(vm);
}

bool vio_ecam(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value)
{
    struct vm *vm = dev;
    enum pci_result r = pci_ecam_access(&vm->pci, offset, width, write, value);
    /* an empty slot is what enumeration finds: not worth a line */
    if (r != PCI_OK && r != PCI_NO_FUNC)
        vio_pci_log(vm, "config", offset, width, write, pci_strerror(r));
    return true;
}

bool vio_window(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value)
{
    struct vm *vm = dev;
    enum pci_result r = pci_window_access(&vm->pci, offset, width, write, value);
    if (r != PCI_OK) {
        vio_pci_log(vm, "window", offset, width, write, pci_strerror(r));
        return true;
    }
    vxconn_accessed(vm, offset, width, write);
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        struct vm_virtio *v = &vm->virtio[k];
        if (v->on_pci && v->pci.last != VIRTIO_PCI_OK) {
            vio_log(v, "%s of %u bytes in its BAR: %s", write ? "write" : "read", width,
                    virtio_pci_strerror(v->pci.last));
            v->pci.last = VIRTIO_PCI_OK;
        }
    }
    return true;
}

bool vio_mmio(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value)
{
    struct vm_virtio *v = dev;
    enum virtio_mmio_result r = virtio_mmio_access(v->dev, offset, width, write, value);
    if (r != VIRTIO_MMIO_OK)
        vio_log(v, "%s of %u bytes at +0x%llx: %s", write ? "write" : "read", width,
                (unsigned long long)offset, virtio_mmio_strerror(r));
    return true;
}

/** A console's line: its output since the last one. */
static void vio_report_console(struct vm *vm, struct vm_virtio *v)
{
    struct virtio_console *c = &v->con;
    if (c->tx_buffers == 0) /* a guest resetting in a loop: no line per reset */
        return;
    printf("[%s] %s: %llu bytes out in %llu buffers\n", vm->name, v->cfg->name,
           (unsigned long long)c->tx_bytes, (unsigned long long)c->tx_buffers);
    c->tx_bytes = c->tx_buffers = 0;
}

/** A virtio-net device's line: frames each way and what its checks dropped. */
static void vio_report_net(struct vm *vm, struct vm_virtio *v)
{
    const struct virtio_net_stats *s = &v->net.stats;
    uint64_t bad = s->tx_dropped_header + s->tx_dropped_short + s->tx_dropped_long +
                   s->tx_dropped_writable + s->tx_dropped_offload + s->rx_dropped_buffer;
    if (s->tx_frames == 0 && s->rx_frames == 0 && bad == 0)
        return;
    const struct vm_netport *p = &v->port;
    if (p->plugged)
        printf("[%s] %s: %llu frames out (the switch's ring full %llu times), %llu in, %llu "
               "malformed dropped, %llu from the switch dropped\n",
               vm->name, v->cfg->name, (unsigned long long)s->tx_frames,
               (unsigned long long)p->tx_waits, (unsigned long long)s->rx_frames,
               (unsigned long long)bad, (unsigned long long)(p->rx_bad + s->rx_dropped_frame));
    else
        printf("[%s] %s: %llu frames out (%llu with no switch port to take them), %llu in, %llu "
               "malformed dropped\n",
               vm->name, v->cfg->name, (unsigned long long)s->tx_frames,
               (unsigned long long)v->net_unplugged, (unsigned long long)s->rx_frames,
               (unsigned long long)bad);
    memset(&v->net.stats, 0, sizeof(v->net.stats));
    v->net_unplugged = v->port.tx_waits = v->port.rx_bad = 0;
}

void vio_report(struct vm *vm)
{
    vxconn_report(vm);
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        struct vm_virtio *v = &vm->virtio[k];
        if (v->cfg->kind == CV_SPEC_VDEV_VIRTIO_NET)
            vio_report_net(vm, v);
        else
            vio_report_console(vm, v);
    }
}
