/*
 * A virtio console device with one port (virtio 1.2 section 5.3), no
 * feature bits beyond VERSION_1: queue 0 is the receive queue (host to
 * guest), queue 1 the transmit queue. Linux's virtio_console shows it as
 * /dev/hvc0.
 *
 * Output costs one exit per buffer the guest hands over (a kick), not per
 * byte: every chain on the transmit queue goes to `out`. If `out` takes
 * less than it is given (its sink is full), the chain stays the device's
 * and the rest of the queue waits, so the guest waits too (back-pressure),
 * until virtio_console_tx_resume says the sink has room. Input is
 * pushed by the VMM into the buffers the guest made available; when none
 * are, virtio_console_input takes nothing and the VMM keeps its bytes
 * until `rx_ready` says the guest added buffers.
 */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/virtio.h"

#define VIRTIO_CONSOLE_RX 0u
#define VIRTIO_CONSOLE_TX 1u

/** Takes up to n bytes the guest wrote; returns how many it took. */
typedef size_t (*virtio_console_out_fn)(void *ctx, const uint8_t *buf, size_t n);
/** The guest made receive buffers available. */
typedef void (*virtio_console_rx_fn)(void *ctx);

/** The device; `dev` is what the transport drives. */
struct virtio_console {
    struct virtio_dev dev;
    virtio_console_out_fn out;
    virtio_console_rx_fn rx_ready;
    void *ctx;
    uint64_t tx_bytes, tx_buffers; /* since the VM started: statistics */
    bool tx_busy;                  /* tx_chain is taken and partly written out */
    uint64_t tx_off;               /* bytes of it written out */
    struct virtq_chain tx_chain;   /* the transmit chain being handled */
    struct virtq_chain rx_chain;   /* the receive chain being filled */
};

/** The device type, for virtio_init. */
extern const struct virtio_ops virtio_console_ops;

/**
 * Sets the console up (reset state). irq and warn are the virtio core's
 * (virtio.h); out and rx_ready the console's; all get ctx.
 */
void virtio_console_init(struct virtio_console *c, const struct gmem *mem, virtio_irq_fn irq,
                         virtio_warn_fn warn, virtio_console_out_fn out,
                         virtio_console_rx_fn rx_ready, void *ctx);

/**
 * Gives the guest up to n bytes of input, into as many receive buffers as
 * it has made available; returns how many bytes it took (0 if the driver
 * is not ready or has no buffer).
 */
size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t n);

/** The output sink has room again: the transmit queue goes on. */
void virtio_console_tx_resume(struct virtio_console *c);

#endif /* VMM_VIRTIO_CONSOLE_H */
