/*
 * The VM's virtio devices (vio.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include <vmm/virtio_mmio.h>

#include "console.h"
#include "guest.h"
#include "vio.h"
#include "virq.h"

/**
 * One rate-limited line about device v (VM_WARN_LOG_MAX per VM): what a
 * guest's driver did wrong must be seen, but cannot flood the console.
 */
static void vio_log(struct vm_virtio *v, const char *fmt, ...)
{
    struct vm *vm = v->vm;
    va_list ap;
    if (vm->logs.virtio_count == VM_WARN_LOG_MAX)
        return;
    console_flush(vm);
    printf("%s: %s (%s@0x%llx): ", vm->name, v->cfg->name, v->con.dev.ops->name,
           (unsigned long long)v->at->base.v);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("%s\n", ++vm->logs.virtio_count == VM_WARN_LOG_MAX
                       ? " (further virtio warnings not reported)"
                       : "");
}

/** gmem_map_fn: guest RAM as the VMM maps it, backed on first use. */
static void *vio_map(void *ctx, ipa_t ipa, uint64_t len)
{
    return guest_ptr(ctx, ipa.v, len);
}

/** virtio_irq_fn: the device's line on the vGIC. */
static void vio_irq(void *ctx, bool level)
{
    struct vm_virtio *v = ctx;
    (void)vgic_set_irq_level(&v->vm->vgic, 0, v->at->intid, level);
    virq_deliver(v->vm);
}

/** virtio_warn_fn: a driver error; the device now needs a reset. */
static void vio_warn(void *ctx, int queue, const char *why)
{
    vio_log(ctx, "queue %d: %s: device needs reset", queue, why);
}

/** virtio_console_out_fn: the guest's hvc output, into its console lines. */
static void vio_console_out(void *ctx, const uint8_t *buf, size_t n)
{
    struct vm_virtio *v = ctx;
    for (size_t i = 0; i < n; i++)
        console_tx(v->vm, buf[i]);
}

/** virtio_console_rx_fn: the guest has room for input now. */
static void vio_console_rx(void *ctx)
{
    struct vm_virtio *v = ctx;
    if (&v->con == v->vm->hvc)
        console_feed(v->vm);
}

bool vio_create(struct vm *vm)
{
    const struct gmem mem = {IPA(vm->cfg->ram_base), vm->cfg->ram_size, vio_map, vm};
    vm->virtio_count = 0;
    for (uint32_t k = 0; k < vm->cfg->device_count; k++) {
        struct vm_virtio *v = &vm->virtio[k];
        v->vm = vm;
        v->cfg = &vm->cfg->device[k];
        v->at = machine_find(&vm->machine, MACHINE_VIRTIO_MMIO, k);
        if (!v->at || v->cfg->kind != CV_SPEC_VDEV_VIRTIO_CONSOLE) {
            printf("%s: device '%s': not a device this VMM has\n", vm->name, v->cfg->name);
            return false;
        }
        virtio_console_init(&v->con, &mem, vio_irq, vio_warn, vio_console_out, vio_console_rx, v);
        if (!vm->hvc)
            vm->hvc = &v->con;
        vm->virtio_count++;
    }
    return true;
}

void vio_reset(struct vm *vm)
{
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        virtio_reset(&vm->virtio[k].con.dev);
        vm->virtio[k].con.tx_bytes = vm->virtio[k].con.tx_buffers = 0;
    }
}

bool vio_mmio(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value)
{
    struct vm_virtio *v = dev;
    enum virtio_mmio_result r = virtio_mmio_access(&v->con.dev, offset, width, write, value);
    if (r != VIRTIO_MMIO_OK)
        vio_log(v, "%s of %u bytes at +0x%llx: %s", write ? "write" : "read", width,
                (unsigned long long)offset, virtio_mmio_strerror(r));
    return true;
}

void vio_report(struct vm *vm)
{
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        struct virtio_console *c = &vm->virtio[k].con;
        printf("%s: %s: %llu bytes out in %llu buffers\n", vm->name, vm->virtio[k].cfg->name,
               (unsigned long long)c->tx_bytes, (unsigned long long)c->tx_buffers);
        c->tx_bytes = c->tx_buffers = 0;
    }
}
