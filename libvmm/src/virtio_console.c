/*
 * virtio console, one port (virtio_console.h; virtio 1.2 section 5.3).
 */
#include <string.h>

#include "vmm/virtio_console.h"

/* struct virtio_console_config (section 5.3.4): cols, rows, max_nr_ports,
 * emerg_wr. Without VIRTIO_CONSOLE_F_SIZE, _MULTIPORT or _EMERG_WRITE the
 * fields mean nothing; they read as zero. */
#define CONSOLE_CONFIG_SIZE 12u

static struct virtio_console *console_of(struct virtio_dev *d)
{
    return d->priv;
}

/** Writes the taken chain out from tx_off; true once all of it is out. */
static bool console_tx_chain(struct virtio_console *c)
{
    const struct virtq_chain *ch = &c->tx_chain;
    uint64_t skip = c->tx_off;
    for (unsigned s = 0; s < ch->out_count; s++) {
        const struct virtq_seg *g = &ch->seg[s];
        if (skip >= g->len) {
            skip -= g->len;
            continue;
        }
        size_t want = (size_t)(g->len - skip);
        size_t took = c->out(c->ctx, g->ptr + skip, want);
        c->tx_off += took;
        if (took < want)
            return false;
        skip = 0;
    }
    return true;
}

/**
 * Hands the available transmit buffers to `out` and returns them, until
 * the queue is empty or `out` is full (then the chain in hand waits).
 */
static void console_tx(struct virtio_console *c)
{
    struct virtio_dev *d = &c->dev;
    struct virtq *q;
    bool used = false;
    enum virtq_result bad = VIRTQ_OK;
    while ((q = virtio_queue_live(d, VIRTIO_CONSOLE_TX)) != NULL) {
        enum virtq_result r = VIRTQ_OK;
        if (!c->tx_busy) {
            r = virtq_pop(q, &c->tx_chain);
            if (r == VIRTQ_EMPTY)
                break;
            c->tx_busy = r == VIRTQ_OK;
            c->tx_off = 0;
        }
        if (r == VIRTQ_OK && !console_tx_chain(c))
            break;
        if (r == VIRTQ_OK)
            r = virtq_push(q, &c->tx_chain, 0);
        c->tx_busy = false;
        if (r != VIRTQ_OK) {
            bad = r;
            break;
        }
        c->tx_bytes += c->tx_chain.out_len;
        c->tx_buffers++;
        used = true;
    }
    virtio_queue_done(d, VIRTIO_CONSOLE_TX, used, bad);
}

void virtio_console_tx_resume(struct virtio_console *c)
{
    console_tx(c);
}

/**
 * New receive buffers. Their notifications matter only while input waits
 * for a buffer: from here on the driver is asked not to send them
 * (virtio_console_input asks again when it runs out). Linux adds a whole
 * queue of buffers at its start, notifying for each: 256 exits at boot.
 */
static void console_rx_notify(struct virtio_console *c)
{
    virtio_notify_off(&c->dev, VIRTIO_CONSOLE_RX);
    if (c->rx_ready)
        c->rx_ready(c->ctx);
}

static void console_notify(struct virtio_dev *d, unsigned q)
{
    struct virtio_console *c = console_of(d);
    if (q == VIRTIO_CONSOLE_TX)
        console_tx(c);
    else if (q == VIRTIO_CONSOLE_RX)
        console_rx_notify(c);
}

static uint32_t console_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    (void)d;
    (void)off;
    (void)width;
    return 0;
}

/** A reset drops the chain in hand: its queue is gone. */
static void console_reset(struct virtio_dev *d)
{
    console_of(d)->tx_busy = false;
}

/** So does turning the transmit queue off (a new ring may come, with other indices). */
static void console_queue_off(struct virtio_dev *d, unsigned q)
{
    if (q == VIRTIO_CONSOLE_TX)
        console_of(d)->tx_busy = false;
}

const struct virtio_ops virtio_console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .features = 0,
    .queue_count = 2,
    .config_size = CONSOLE_CONFIG_SIZE,
    .reset = console_reset,
    .queue_off = console_queue_off,
    .notify = console_notify,
    .config_read = console_config_read,
};

void virtio_console_init(struct virtio_console *c, const struct gmem *mem, virtio_irq_fn irq,
                         virtio_warn_fn warn, virtio_console_out_fn out,
                         virtio_console_rx_fn rx_ready, void *ctx)
{
    memset(c, 0, sizeof(*c));
    c->out = out;
    c->rx_ready = rx_ready;
    c->ctx = ctx;
    virtio_init(&c->dev, &virtio_console_ops, c, mem, irq, warn, ctx);
}

size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t n)
{
    struct virtio_dev *d = &c->dev;
    struct virtq *q;
    size_t done = 0;
    bool used = false;
    enum virtq_result bad = VIRTQ_OK;
    while (done < n && (q = virtio_queue_live(d, VIRTIO_CONSOLE_RX)) != NULL) {
        /* out of buffers with input waiting: the driver's next one must be
         * notified */
        enum virtq_result r = virtq_pop_or_arm(q, &c->rx_chain);
        if (r == VIRTQ_EMPTY)
            break;
        size_t k = 0;
        if (r == VIRTQ_OK) {
            k = virtq_chain_write(&c->rx_chain, 0, buf + done, n - done);
            r = virtq_push(q, &c->rx_chain, (uint32_t)k);
        }
        if (r != VIRTQ_OK) {
            bad = r;
            break;
        }
        done += k;
        used = true; /* a buffer with no room is used too: it goes back */
    }
    virtio_queue_done(d, VIRTIO_CONSOLE_RX, used, bad);
    return done;
}
