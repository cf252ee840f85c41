/*
 * virtio network device, one queue pair (virtio_net.h; virtio 1.2
 * section 5.1).
 */
#include <string.h>

#include "vmm/virtio_net.h"

/* struct virtio_net_config (section 5.1.4): mac[6] and status; the fields
 * after them belong to features not offered. */
#define NET_CONFIG_SIZE 8u

/* struct virtio_net_hdr (section 5.1.6): the bytes the device looks at. */
#define HDR_FLAGS        0u
#define HDR_GSO_TYPE     1u
#define HDR_NUM_BUFFERS  10u
#define HDR_F_NEEDS_CSUM 1u /* needs VIRTIO_NET_F_CSUM, not offered */
#define HDR_GSO_NONE     0u

static struct virtio_net *net_of(struct virtio_dev *d)
{
    return d->priv;
}

/**
 * Checks transmit chain c and copies its frame into n->tx_frame: true if
 * it is one to pass on; false if it is dropped (counted).
 */
static bool net_tx_frame(struct virtio_net *n, const struct virtq_chain *c)
{
    struct virtio_net_stats *s = &n->stats;
    uint8_t hdr[VIRTIO_NET_HDR_SIZE];
    if (c->count > c->out_count) { /* section 5.1.6.2: transmit buffers are device-readable */
        s->tx_dropped_writable++;
        return false;
    }
    if (c->out_len < VIRTIO_NET_HDR_SIZE) {
        s->tx_dropped_header++;
        return false;
    }
    uint64_t len = c->out_len - VIRTIO_NET_HDR_SIZE;
    if (len < VIRTIO_NET_FRAME_MIN) {
        s->tx_dropped_short++;
        return false;
    }
    if (len > VIRTIO_NET_FRAME_MAX) {
        s->tx_dropped_long++;
        return false;
    }
    (void)virtq_chain_read(c, 0, hdr, sizeof(hdr));
    /* section 5.1.6.2: without the offload features negotiated the driver
     * asks for no checksum and sets gso_type NONE; other flags are ignored */
    if ((hdr[HDR_FLAGS] & HDR_F_NEEDS_CSUM) || hdr[HDR_GSO_TYPE] != HDR_GSO_NONE) {
        s->tx_dropped_offload++;
        return false;
    }
    n->tx_len = virtq_chain_read(c, VIRTIO_NET_HDR_SIZE, n->tx_frame, (size_t)len);
    return true;
}

/** Offers the frame in hand to the backend: true if it took it. */
static bool net_tx_give(struct virtio_net *n)
{
    if (!n->be->tx(n->ctx, n->tx_frame, n->tx_len)) {
        n->stats.tx_held++;
        return false;
    }
    n->stats.tx_frames++;
    n->stats.tx_bytes += n->tx_len;
    return true;
}

/**
 * Takes every available transmit chain (section 5.1.6.2), the one held
 * first, until the queue is empty, broken, or the backend is full (the
 * frame in hand then waits with its chain).
 */
static void net_tx(struct virtio_net *n)
{
    struct virtio_dev *d = &n->dev;
    struct virtq *q;
    bool used = false, given = false;
    enum virtq_result bad = VIRTQ_OK;
    while ((q = virtio_queue_live(d, VIRTIO_NET_TX)) != NULL) {
        if (!n->tx_busy) {
            enum virtq_result r = virtq_pop(q, &n->tx_chain);
            if (r != VIRTQ_OK) {
                bad = r == VIRTQ_EMPTY ? VIRTQ_OK : r;
                break;
            }
            n->tx_busy = net_tx_frame(n, &n->tx_chain);
        }
        if (n->tx_busy && !net_tx_give(n))
            break;
        given |= n->tx_busy;
        n->tx_busy = false;
        bad = virtq_push(q, &n->tx_chain, 0);
        if (bad != VIRTQ_OK)
            break;
        used = true;
    }
    virtio_queue_done(d, VIRTIO_NET_TX, used, bad);
    if (given && n->be->tx_batch_end)
        n->be->tx_batch_end(n->ctx);
}

void virtio_net_tx_resume(struct virtio_net *n)
{
    net_tx(n);
}

static void net_notify(struct virtio_dev *d, unsigned q)
{
    struct virtio_net *n = net_of(d);
    if (q == VIRTIO_NET_TX) {
        net_tx(n);
    } else if (q == VIRTIO_NET_RX) {
        /* buffers are only worth a notification while a frame waits for
         * one: from here on, not (virtio_net_rx_put asks again) */
        virtio_notify_off(d, VIRTIO_NET_RX);
        if (n->be->rx_ready)
            n->be->rx_ready(n->ctx);
    }
}

/** mac, then status (little-endian), byte by byte: any aligned 1, 2 or 4 bytes. */
static uint32_t net_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    const struct virtio_net *n = net_of(d);
    uint8_t cfg[NET_CONFIG_SIZE];
    uint32_t v = 0;
    memcpy(cfg, n->mac, VIRTIO_NET_MAC_LEN);
    cfg[6] = (uint8_t)n->status;
    cfg[7] = (uint8_t)(n->status >> 8);
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)cfg[off + i] << (8 * i);
    return v;
}

/** A reset drops the frame in hand and what waits for an interrupt: the queues are gone. */
static void net_reset(struct virtio_dev *d)
{
    struct virtio_net *n = net_of(d);
    n->tx_busy = false;
    n->rx_pending = false;
}

/** So does turning its queue off (a new ring may come, with other indices). */
static void net_queue_off(struct virtio_dev *d, unsigned q)
{
    struct virtio_net *n = net_of(d);
    if (q == VIRTIO_NET_TX)
        n->tx_busy = false;
    else if (q == VIRTIO_NET_RX)
        n->rx_pending = false;
}

const struct virtio_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
    .queue_count = 2,
    .config_size = NET_CONFIG_SIZE,
    .reset = net_reset,
    .queue_off = net_queue_off,
    .notify = net_notify,
    .config_read = net_config_read,
};

void virtio_net_init(struct virtio_net *n, const struct gmem *mem, virtio_irq_fn irq,
                     virtio_warn_fn warn, const uint8_t mac[VIRTIO_NET_MAC_LEN],
                     const struct virtio_net_backend *be, void *ctx)
{
    memset(n, 0, sizeof(*n));
    n->be = be;
    n->ctx = ctx;
    memcpy(n->mac, mac, VIRTIO_NET_MAC_LEN);
    n->status = VIRTIO_NET_S_LINK_UP;
    virtio_init(&n->dev, &virtio_net_ops, n, mem, irq, warn, ctx);
}

/**
 * Writes the header (num_buffers 1, the rest 0: section 5.1.6.4) and the
 * frame into receive chain c; false if c cannot hold them (a buffer the
 * device may only read, or too small: section 5.1.6.3).
 */
static bool net_rx_fill(const struct virtq_chain *c, const uint8_t *frame, size_t len)
{
    uint8_t hdr[VIRTIO_NET_HDR_SIZE] = {0};
    if (c->out_count != 0 || c->in_len < VIRTIO_NET_HDR_SIZE + len)
        return false;
    hdr[HDR_NUM_BUFFERS] = 1;
    (void)virtq_chain_write(c, 0, hdr, sizeof(hdr));
    (void)virtq_chain_write(c, VIRTIO_NET_HDR_SIZE, frame, len);
    return true;
}

enum virtio_net_rx_result virtio_net_rx_put(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    struct virtio_dev *d = &n->dev;
    if (len < VIRTIO_NET_FRAME_MIN || len > VIRTIO_NET_FRAME_MAX) {
        n->stats.rx_dropped_frame++;
        return VIRTIO_NET_RX_DROPPED;
    }
    struct virtq *q = virtio_queue_live(d, VIRTIO_NET_RX);
    /* out of buffers with a frame waiting: the driver's next one is notified */
    enum virtq_result r = q ? virtq_pop_or_arm(q, &n->rx_chain) : VIRTQ_EMPTY;
    bool fits = r == VIRTQ_OK && net_rx_fill(&n->rx_chain, frame, len);
    if (r == VIRTQ_OK)
        r = virtq_push(q, &n->rx_chain, fits ? (uint32_t)(VIRTIO_NET_HDR_SIZE + len) : 0);
    if (r != VIRTQ_OK) {
        /* the buffers returned before a queue error are notified first */
        virtio_queue_done(d, VIRTIO_NET_RX, n->rx_pending, r == VIRTQ_EMPTY ? VIRTQ_OK : r);
        n->rx_pending = false;
        n->stats.rx_no_buffer++;
        return VIRTIO_NET_RX_NO_BUFFER;
    }
    n->rx_pending = true;
    if (!fits) {
        n->stats.rx_dropped_buffer++;
        return VIRTIO_NET_RX_DROPPED;
    }
    n->stats.rx_frames++;
    n->stats.rx_bytes += len;
    return VIRTIO_NET_RX_OK;
}

void virtio_net_rx_flush(struct virtio_net *n)
{
    virtio_queue_done(&n->dev, VIRTIO_NET_RX, n->rx_pending, VIRTQ_OK);
    n->rx_pending = false;
}

enum virtio_net_rx_result virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    enum virtio_net_rx_result r = virtio_net_rx_put(n, frame, len);
    virtio_net_rx_flush(n);
    return r;
}

void virtio_net_set_link(struct virtio_net *n, bool up)
{
    uint16_t status = up ? VIRTIO_NET_S_LINK_UP : 0;
    if (status == n->status)
        return;
    n->status = status;
    virtio_config_changed(&n->dev);
}
