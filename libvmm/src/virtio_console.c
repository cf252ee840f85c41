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

/** Hands every available transmit buffer to `out` and returns it. */
static void console_tx(struct virtio_console *c)
{
    struct virtio_dev *d = &c->dev;
    struct virtq *q;
    bool used = false;
    while ((q = virtio_queue_live(d, VIRTIO_CONSOLE_TX)) != NULL) {
        enum virtq_result r = virtq_pop(q, &c->chain);
        if (r == VIRTQ_EMPTY)
            break;
        if (r == VIRTQ_OK)
            r = virtq_push(q, &c->chain, 0);
        if (r != VIRTQ_OK) {
            virtio_queue_error(d, VIRTIO_CONSOLE_TX, r);
            break;
        }
        for (unsigned s = 0; s < c->chain.out_count; s++)
            c->out(c->ctx, c->chain.seg[s].ptr, c->chain.seg[s].len);
        c->tx_bytes += c->chain.out_len;
        c->tx_buffers++;
        used = true;
    }
    if (used)
        virtio_used(d, VIRTIO_CONSOLE_TX);
}

static void console_notify(struct virtio_dev *d, unsigned q)
{
    struct virtio_console *c = console_of(d);
    if (q == VIRTIO_CONSOLE_TX)
        console_tx(c);
    else if (q == VIRTIO_CONSOLE_RX && c->rx_ready)
        c->rx_ready(c->ctx);
}

static uint32_t console_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    (void)d;
    (void)off;
    (void)width;
    return 0;
}

const struct virtio_ops virtio_console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .features = 0,
    .queue_count = 2,
    .config_size = CONSOLE_CONFIG_SIZE,
    .reset = NULL,
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
    while (done < n && (q = virtio_queue_live(d, VIRTIO_CONSOLE_RX)) != NULL) {
        enum virtq_result r = virtq_pop(q, &c->chain);
        if (r == VIRTQ_EMPTY)
            break;
        size_t k = 0;
        if (r == VIRTQ_OK) {
            k = virtq_chain_write(&c->chain, 0, buf + done, n - done);
            r = virtq_push(q, &c->chain, (uint32_t)k);
        }
        if (r != VIRTQ_OK) {
            virtio_queue_error(d, VIRTIO_CONSOLE_RX, r);
            break;
        }
        done += k;
    }
    if (done)
        virtio_used(d, VIRTIO_CONSOLE_RX);
    return done;
}
