/*
 * A virtio-net device's port on a virtual switch (netport.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/ipc.h>
#include <cap/runtime.h>

#include "netport.h"

/** The interface NAME + suffix of device v, e.g. "net0_kick". */
static void netport_name(const struct vm_virtio *v, const char *suffix, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", v->cfg->name, suffix);
}

bool netport_open(struct vm_virtio *v)
{
    struct vm_netport *p = &v->port;
    char kick[CV_SPEC_NAME_MAX + 8];
    size_t size = 0;
    memset(p, 0, sizeof(*p));
    netport_name(v, "_kick", kick, sizeof(kick));
    void *ring = cv_iface_vaddr(v->cfg->name, &size);
    p->kick = cv_iface_cap(kick);
    if (!ring && !p->kick)
        return true; /* no port: unplugged */
    if (!ring || !p->kick) {
        printf("[%s] %s: a switch port needs a dataport '%s' and a notification '%s'; "
               "the description gives only '%s'\n",
               v->vm->name, v->cfg->name, v->cfg->name, kick, ring ? v->cfg->name : kick);
        return false;
    }
    if (!fring_port_open(ring, size, FRING_SIDE_VM, &p->tx, &p->rx)) {
        printf("[%s] %s: dataport of %zu bytes is too small for a switch port\n", v->vm->name,
               v->cfg->name, size);
        return false;
    }
    p->plugged = true;
    return true;
}

/** The cap of device v's NAME_signal, 0 if it has none. */
static uint64_t netport_own_signal(const struct vm_virtio *v)
{
    char name[CV_SPEC_NAME_MAX + 8];
    netport_name(v, "_signal", name, sizeof(name));
    return v->port.plugged ? cv_iface_cap(name) : 0;
}

uint64_t netport_signal(struct vm *vm)
{
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        uint64_t s = netport_own_signal(&vm->virtio[k]);
        if (s)
            return s;
    }
    return 0;
}

bool netport_check_signal(struct vm *vm, uint64_t bound)
{
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        const struct vm_virtio *v = &vm->virtio[k];
        uint64_t s = netport_own_signal(v);
        if (s && s != bound) {
            printf("[%s] %s: the VMM waits on one notification, not on %s_signal: route the "
                   "switch's signal to %s.%s\n",
                   vm->name, v->cfg->name, v->cfg->name, vm->name,
                   vm->con.serial ? "serial_signal" : "the first port's NAME_signal");
            return false;
        }
    }
    return true;
}

/** Publishes what was staged; kicks the switch if it sleeps. */
static void netport_publish(struct vm_netport *p)
{
    if (fring_publish(&p->tx))
        cv_signal(p->kick);
}

/**
 * virtio_net_backend.tx: the frame into the to_switch ring. No room:
 * publish what is staged (the switch takes it and frees slots) and ask
 * for its signal; the frame waits in the guest's queue until then.
 */
static bool netport_tx(void *ctx, const uint8_t *frame, size_t len)
{
    struct vm_virtio *v = ctx;
    struct vm_netport *p = &v->port;
    /* the device passes only VIRTIO_NET_FRAME_MIN..MAX, the ring's bounds
     * too: a length it refused would loop below as "no room" */
    _Static_assert(VIRTIO_NET_FRAME_MIN == FRING_FRAME_MIN &&
                       VIRTIO_NET_FRAME_MAX == FRING_FRAME_MAX,
                   "the device's frames fit the ring's slots");
    if (!p->plugged || len < FRING_FRAME_MIN || len > FRING_FRAME_MAX) {
        v->net_unplugged++;
        return true;
    }
    while (!fring_put(&p->tx, frame, (uint32_t)len)) {
        netport_publish(p);
        if (fring_prod_wait(&p->tx)) {
            p->tx_waits++;
            return false;
        }
    }
    return true;
}

/** virtio_net_backend.tx_batch_end: one publish (and at most one kick) a batch. */
static void netport_tx_end(void *ctx)
{
    struct vm_virtio *v = ctx;
    if (v->port.plugged)
        netport_publish(&v->port);
}

/**
 * Frames from the switch into the guest's receive buffers until either
 * runs out; one interrupt and one release for the batch. A frame with no
 * buffer goes back into the ring (the device asks the driver for a
 * notification then: rx_ready). With the ring empty, ask the switch for
 * a signal and look once more. At most a ring's worth of frames a call:
 * this runs under the VM lock, and a peer that keeps the ring full while
 * the guest (on other cores) keeps giving buffers would hold it for ever;
 * the VMM's own notification brings it back after the work waiting.
 */
static void netport_rx(struct vm_virtio *v)
{
    struct vm_netport *p = &v->port;
    struct fring_frame f;
    uint32_t budget = p->rx.mask + 1u;
    bool more = true;
    while (more) {
        while (fring_get(&p->rx, &f)) {
            if (budget-- == 0) {
                fring_unget(&p->rx);
                cv_signal(v->vm->wake);
                more = false;
                break;
            }
            if (!f.data) {
                p->rx_bad++;
                continue;
            }
            /* a frame its buffer cannot hold is dropped and counted by the device */
            if (virtio_net_rx_put(&v->net, f.data, f.len) == VIRTIO_NET_RX_NO_BUFFER) {
                fring_unget(&p->rx);
                more = false;
                break;
            }
        }
        virtio_net_rx_flush(&v->net);
        if (fring_release(&p->rx))
            cv_signal(p->kick);
        if (more)
            more = !fring_cons_wait(&p->rx);
    }
}

/** virtio_net_backend.rx_ready: the guest gave receive buffers. */
static void netport_rx_ready(void *ctx)
{
    struct vm_virtio *v = ctx;
    if (v->port.plugged && !v->vm->stopped)
        netport_rx(v);
}

const struct virtio_net_backend netport_backend = {
    .tx = netport_tx,
    .tx_batch_end = netport_tx_end,
    .rx_ready = netport_rx_ready,
};

void netport_poll(struct vm *vm)
{
    if (vm->stopped)
        return;
    for (unsigned k = 0; k < vm->virtio_count; k++) {
        struct vm_virtio *v = &vm->virtio[k];
        if (v->cfg->kind != CV_SPEC_VDEV_VIRTIO_NET || !v->port.plugged)
            continue;
        netport_rx(v);
        if (v->net.tx_busy)
            virtio_net_tx_resume(&v->net);
    }
}
