/*
 * libvmm virtio-net (virtio_net.h), every case on virtio-mmio and on
 * virtio-pci: feature negotiation, the configuration space (MAC, link
 * status), frames sent by a driver in the test reaching the backend with
 * the header stripped, frames received landing in its buffers with the
 * header and used length right, one interrupt for a batch, and every
 * malformed frame or chain dropped, counted and returned.
 */
#include <stdlib.h>

#include "test_virtio_drv.h"
#include "vmm/virtio_net.h"

static const uint8_t mac[VIRTIO_NET_MAC_LEN] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
static const uint64_t all_features = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;

static struct virtio_net net;
static struct tdrv drv;
static unsigned irq_raises, warnings, batch_ends, rx_ready_calls;

/* What the backend was given. */
#define TX_KEEP 4u
static uint8_t tx_got[TX_KEEP][VIRTIO_NET_FRAME_MAX];
static size_t tx_got_len[TX_KEEP];
static unsigned tx_count;
static unsigned tx_room; /* frames the backend takes before it is full */

static void on_irq(void *ctx, bool level)
{
    (void)ctx;
    irq_raises += level;
    tdrv_irq(&drv, level);
}

static void on_warn(void *ctx, int queue, const char *why)
{
    (void)ctx;
    fprintf(stderr, "(expected) queue %d: %s\n", queue, why);
    warnings++;
}

static bool on_tx(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    CHECK(len >= VIRTIO_NET_FRAME_MIN && len <= VIRTIO_NET_FRAME_MAX);
    if (tx_room == 0)
        return false;
    tx_room--;
    memcpy(tx_got[tx_count % TX_KEEP], frame, len);
    tx_got_len[tx_count % TX_KEEP] = len;
    tx_count++;
    return true;
}

static void on_tx_batch_end(void *ctx)
{
    (void)ctx;
    batch_ends++;
}

static void on_rx_ready(void *ctx)
{
    (void)ctx;
    rx_ready_calls++;
}

static const struct virtio_net_backend backend = {on_tx, on_tx_batch_end, on_rx_ready};

/* Buffers: transmit from TXB, receive from RXB, 0x800 apart. */
#define TXB(i) (RAM_BASE + 0x20000 + (i)*0x800ull)
#define RXB(i) (RAM_BASE + 0x60000 + (i)*0x800ull)

static unsigned next_desc[2]; /* the driver's next free descriptor, per queue */

/** One buffer of a chain: guest address, length, VIRTQ_DESC_F_WRITE or 0. */
struct seg {
    uint64_t ipa;
    uint32_t len;
    uint16_t flags;
};

/** Links segs into a chain of queue q's descriptors and makes it available; returns its head. */
static uint16_t chain(unsigned q, const struct seg *s, unsigned count)
{
    uint16_t head = (uint16_t)next_desc[q];
    for (unsigned i = 0; i < count; i++) {
        unsigned d = next_desc[q]++ % TDRV_QSIZE_DEFAULT;
        uint16_t more = i + 1 < count ? VIRTQ_DESC_F_NEXT : 0;
        drv_set_desc(TDRV_QDESC_AT(q), d, s[i].ipa, s[i].len, s[i].flags | more,
                     (uint16_t)((d + 1) % TDRV_QSIZE_DEFAULT));
    }
    drv_avail(TDRV_QAVAIL_AT(q), TDRV_QSIZE_DEFAULT, head % TDRV_QSIZE_DEFAULT);
    return head % TDRV_QSIZE_DEFAULT;
}

/** A frame of len bytes to our MAC, from seed's address, ether type IPv4, payload from seed. */
static void frame_make(uint8_t *f, size_t len, uint8_t seed)
{
    memcpy(f, mac, 6);
    const uint8_t src[6] = {0x02, 0, 0, 0, 0, seed};
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(i * 7 + seed);
}

/** Writes a header (flags, gso_type, the rest 0) and a len-byte frame at ipa. */
static void tx_put(uint64_t ipa, uint8_t flags, uint8_t gso, size_t len, uint8_t seed)
{
    uint8_t *p = at(ipa);
    memset(p, 0, VIRTIO_NET_HDR_SIZE);
    p[0] = flags;
    p[1] = gso;
    frame_make(p + VIRTIO_NET_HDR_SIZE, len, seed);
}

/** A transmit chain of header and frame in one buffer at TXB(i). */
static uint16_t tx_one(unsigned i, uint8_t flags, uint8_t gso, size_t len, uint8_t seed)
{
    tx_put(TXB(i), flags, gso, len, seed);
    const struct seg s = {TXB(i), (uint32_t)(VIRTIO_NET_HDR_SIZE + len), 0};
    return chain(VIRTIO_NET_TX, &s, 1);
}

/** Whether the backend's frame k is the frame of len bytes from seed. */
static bool tx_is(unsigned k, size_t len, uint8_t seed)
{
    uint8_t want[VIRTIO_NET_FRAME_MAX];
    frame_make(want, len, seed);
    return tx_got_len[k % TX_KEEP] == len && memcmp(tx_got[k % TX_KEEP], want, len) == 0;
}

/** A receive chain of one writable buffer of len bytes at RXB(i), filled with 0xee. */
static uint16_t rx_buf(unsigned i, uint32_t len)
{
    memset(at(RXB(i)), 0xee, len);
    const struct seg s = {RXB(i), len, VIRTQ_DESC_F_WRITE};
    return chain(VIRTIO_NET_RX, &s, 1);
}

static volatile struct virtq_used *used(unsigned q)
{
    return drv_used(TDRV_QUSED_AT(q));
}

/** A fresh device on transport tt, not yet started. */
static void fresh(enum tdrv_transport tt)
{
    ram_init();
    irq_raises = warnings = batch_ends = rx_ready_calls = 0;
    tx_count = 0;
    tx_room = ~0u;
    next_desc[0] = next_desc[1] = 0;
    virtio_net_init(&net, &test_mem, on_irq, on_warn, mac, &backend, NULL);
    tdrv_attach(&drv, tt, &net.dev);
}

/** A fresh device, started as Linux's virtio_net would (MAC and STATUS accepted). */
static void setup(enum tdrv_transport tt)
{
    fresh(tt);
    tdrv_start(&drv, all_features, 2);
}

/** Offered: VERSION_1, MAC, STATUS and nothing else; IDs on both transports. */
static void test_features(enum tdrv_transport tt)
{
    fresh(tt);
    CHECK_EQ(tdrv_device_features(&drv), all_features);
    CHECK(!tdrv_negotiate(&drv, VIRTIO_NET_F_MAC));                  /* no VERSION_1 */
    CHECK(!tdrv_negotiate(&drv, all_features | 1u));                 /* CSUM */
    CHECK(!tdrv_negotiate(&drv, VIRTIO_F_VERSION_1 | (1u << 15)));   /* MRG_RXBUF */
    CHECK(!tdrv_negotiate(&drv, VIRTIO_F_VERSION_1 | (1ull << 17))); /* CTRL_VQ */
    CHECK(tdrv_negotiate(&drv, VIRTIO_F_VERSION_1));                 /* the least */
    CHECK(tdrv_negotiate(&drv, all_features));
    CHECK_EQ(net.dev.driver_features, all_features);
    if (tt == TDRV_PCI) {
        CHECK_EQ(pci_cfg_get(&drv.vp.fn, PCI_DEVICE_ID, 2), 0x1041);
        CHECK_EQ(pci_cfg_get(&drv.vp.fn, 0x08, 4) >> 8, VIRTIO_PCI_CLASS_NET);
        CHECK_EQ(pci_cfg_get(&drv.vp.fn, PCI_SUBSYS_ID, 2), 0x40 + VIRTIO_ID_NET);
        CHECK_EQ(tdrv_access(&drv, 0x12, 2, false, 0), 2); /* num_queues */
    } else {
        CHECK_EQ(tdrv_access(&drv, 0x008, 4, false, 0), VIRTIO_ID_NET);
        tdrv_wr(&drv, TDRV_QSEL, 2); /* no third queue: no control queue */
        CHECK_EQ(tdrv_access(&drv, 0x034, 4, false, 0), 0);
    }
}

static uint32_t cfg(uint32_t off, unsigned width)
{
    uint32_t v = 0;
    CHECK(tdrv_config(&drv, off, width, &v));
    return v;
}

/** The MAC byte by byte, as 16- and 32-bit words; the link status and its changes. */
static void test_config(enum tdrv_transport tt)
{
    uint32_t v;
    setup(tt);
    for (unsigned i = 0; i < 6; i++)
        CHECK_EQ(cfg(i, 1), mac[i]);
    for (unsigned i = 0; i < 6; i += 2)
        CHECK_EQ(cfg(i, 2), mac[i] | mac[i + 1] << 8);
    CHECK_EQ(cfg(0, 4), 0x105e0002u);
    CHECK_EQ(cfg(4, 4), 0x00013020u); /* mac[4], mac[5], status (link up) */
    CHECK_EQ(cfg(6, 2), VIRTIO_NET_S_LINK_UP);
    CHECK_EQ(cfg(7, 1), 0);
    CHECK(!tdrv_config(&drv, 8, 1, &v)); /* past status: no field offered there */
    CHECK_EQ(v, 0);
    CHECK(!tdrv_config(&drv, 1, 2, &v)); /* misaligned */
    CHECK(!tdrv_config(&drv, 6, 4, &v));
    /* link down: status, a new generation and the configuration interrupt */
    uint32_t gen = tdrv_generation(&drv);
    virtio_net_set_link(&net, false);
    CHECK_EQ(cfg(6, 2), 0);
    CHECK(tdrv_generation(&drv) != gen);
    CHECK(drv.line);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_CONFIG);
    CHECK(!drv.line);
    gen = tdrv_generation(&drv);
    virtio_net_set_link(&net, false); /* no change: nothing said */
    CHECK_EQ(tdrv_generation(&drv), gen);
    CHECK(!drv.line);
    /* the link is the backend's: a driver reset keeps it */
    tdrv_wr(&drv, TDRV_STATUS, 0);
    CHECK_EQ(cfg(6, 2), 0);
    virtio_net_set_link(&net, true); /* not running: no interrupt */
    CHECK(!drv.line);
    CHECK_EQ(cfg(6, 2), VIRTIO_NET_S_LINK_UP);
    CHECK_EQ(warnings, 0);
}

/** Frames in one or several buffers, one notification: each reaches the backend whole. */
static void test_tx(enum tdrv_transport tt)
{
    setup(tt);
    /* header and frame in separate buffers, the frame split in two */
    tx_put(TXB(0), 0, 0, 60, 1);
    const struct seg split[3] = {{TXB(0), VIRTIO_NET_HDR_SIZE, 0},
                                 {TXB(0) + VIRTIO_NET_HDR_SIZE, 20, 0},
                                 {TXB(0) + VIRTIO_NET_HDR_SIZE + 20, 40, 0}};
    uint16_t h0 = chain(VIRTIO_NET_TX, split, 3);
    uint16_t h1 = tx_one(1, 0, 0, VIRTIO_NET_FRAME_MAX, 2);
    uint16_t h2 = tx_one(2, 0, 0, VIRTIO_NET_FRAME_MIN, 3);
    CHECK_EQ(tx_count, 0);
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 3);
    CHECK(tx_is(0, 60, 1));
    CHECK(tx_is(1, VIRTIO_NET_FRAME_MAX, 2));
    CHECK(tx_is(2, VIRTIO_NET_FRAME_MIN, 3));
    CHECK_EQ(batch_ends, 1);
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 3);
    CHECK_EQ(used(VIRTIO_NET_TX)->ring[0].id, h0);
    CHECK_EQ(used(VIRTIO_NET_TX)->ring[1].id, h1);
    CHECK_EQ(used(VIRTIO_NET_TX)->ring[2].id, h2);
    CHECK_EQ(used(VIRTIO_NET_TX)->ring[0].len, 0);
    CHECK(drv.line);
    CHECK_EQ(irq_raises, 1);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE);
    CHECK(!drv.line);
    CHECK_EQ(net.stats.tx_frames, 3);
    CHECK_EQ(net.stats.tx_bytes, 60 + VIRTIO_NET_FRAME_MAX + VIRTIO_NET_FRAME_MIN);
    /* a notification with nothing new: no call, no interrupt */
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(batch_ends, 1);
    CHECK(!drv.line);
    CHECK_EQ(warnings, 0);
}

/** Whether receive buffer i holds a header (num_buffers 1) and the frame of len from seed. */
static bool rx_is(uint64_t hdr_ipa, uint64_t frame_ipa, size_t len, uint8_t seed)
{
    static const uint8_t hdr[VIRTIO_NET_HDR_SIZE] = {[10] = 1};
    uint8_t want[VIRTIO_NET_FRAME_MAX];
    frame_make(want, len, seed);
    return memcmp(at(hdr_ipa), hdr, sizeof(hdr)) == 0 && memcmp(at(frame_ipa), want, len) == 0;
}

/** Frames into the driver's buffers, one and a batch; none without a buffer. */
static void test_rx(enum tdrv_transport tt)
{
    uint8_t f[VIRTIO_NET_FRAME_MAX];
    setup(tt);
    frame_make(f, 100, 9);
    CHECK_EQ(used(VIRTIO_NET_RX)->flags, 0); /* notifications on at the start */
    CHECK_EQ(virtio_net_rx(&net, f, 100), VIRTIO_NET_RX_NO_BUFFER);
    CHECK_EQ(net.stats.rx_no_buffer, 1);
    uint16_t h0 = rx_buf(0, VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX);
    memset(at(RXB(1)), 0xee, 0x800);
    const struct seg two[2] = {{RXB(1), VIRTIO_NET_HDR_SIZE, VIRTQ_DESC_F_WRITE},
                               {RXB(1) + 0x10, VIRTIO_NET_FRAME_MAX, VIRTQ_DESC_F_WRITE}};
    uint16_t h1 = chain(VIRTIO_NET_RX, two, 2);
    (void)rx_buf(2, 0x800);
    tdrv_notify(&drv, VIRTIO_NET_RX);
    CHECK_EQ(rx_ready_calls, 1);
    CHECK_EQ(used(VIRTIO_NET_RX)->flags, VIRTQ_USED_F_NO_NOTIFY);
    /* one frame: header, frame, used length, interrupt */
    CHECK_EQ(virtio_net_rx(&net, f, 100), VIRTIO_NET_RX_OK);
    CHECK(rx_is(RXB(0), RXB(0) + VIRTIO_NET_HDR_SIZE, 100, 9));
    CHECK_EQ(*(uint8_t *)at(RXB(0) + VIRTIO_NET_HDR_SIZE + 100), 0xee); /* nothing past it */
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 1);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[0].id, h0);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[0].len, VIRTIO_NET_HDR_SIZE + 100);
    CHECK(drv.line);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE);
    /* a batch: two frames, one interrupt at the flush */
    frame_make(f, VIRTIO_NET_FRAME_MAX, 10);
    CHECK_EQ(virtio_net_rx_put(&net, f, VIRTIO_NET_FRAME_MAX), VIRTIO_NET_RX_OK);
    frame_make(f, 60, 11);
    CHECK_EQ(virtio_net_rx_put(&net, f, 60), VIRTIO_NET_RX_OK);
    CHECK(!drv.line);
    CHECK_EQ(irq_raises, 1);
    virtio_net_rx_flush(&net);
    CHECK(drv.line);
    CHECK_EQ(irq_raises, 2);
    CHECK(rx_is(RXB(1), RXB(1) + 0x10, VIRTIO_NET_FRAME_MAX, 10));
    CHECK(rx_is(RXB(2), RXB(2) + VIRTIO_NET_HDR_SIZE, 60, 11));
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 3);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[1].id, h1);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[1].len, VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[2].len, VIRTIO_NET_HDR_SIZE + 60);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE);
    virtio_net_rx_flush(&net); /* nothing since: no interrupt */
    CHECK(!drv.line);
    /* out of buffers: the frame stays the caller's, the next buffer is notified */
    CHECK_EQ(virtio_net_rx(&net, f, 60), VIRTIO_NET_RX_NO_BUFFER);
    CHECK_EQ(used(VIRTIO_NET_RX)->flags, 0);
    CHECK_EQ(net.stats.rx_no_buffer, 2);
    CHECK_EQ(net.stats.rx_frames, 3);
    CHECK_EQ(net.stats.rx_bytes, 100 + VIRTIO_NET_FRAME_MAX + 60);
    /* a driver that wants no interrupt gets none */
    ((volatile struct virtq_avail *)at(TDRV_QAVAIL_AT(VIRTIO_NET_RX)))->flags =
        VIRTQ_AVAIL_F_NO_INTERRUPT;
    (void)rx_buf(3, 0x800);
    CHECK_EQ(virtio_net_rx(&net, f, 60), VIRTIO_NET_RX_OK);
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 4);
    CHECK(!drv.line);
    CHECK_EQ(warnings, 0);
}

/** Each malformed transmit chain is dropped, counted and returned; the good ones go. */
static void test_tx_drops(enum tdrv_transport tt)
{
    setup(tt);
    tx_put(TXB(0), 0, 0, 60, 1);
    const struct seg writable[2] = {{TXB(0), VIRTIO_NET_HDR_SIZE, 0},
                                    {TXB(0) + VIRTIO_NET_HDR_SIZE, 60, VIRTQ_DESC_F_WRITE}};
    (void)chain(VIRTIO_NET_TX, writable, 2);
    const struct seg no_hdr = {TXB(1), 8, 0};
    (void)chain(VIRTIO_NET_TX, &no_hdr, 1);
    const struct seg empty = {TXB(1), 0, 0}; /* a zero-length buffer: nothing at all */
    (void)chain(VIRTIO_NET_TX, &empty, 1);
    (void)tx_one(2, 0, 0, VIRTIO_NET_FRAME_MIN - 1, 2);
    (void)tx_one(3, 0, 0, VIRTIO_NET_FRAME_MAX + 1, 3);
    (void)tx_one(4, 1, 0, 60, 4); /* NEEDS_CSUM, not negotiated */
    (void)tx_one(5, 0, 1, 60, 5); /* GSO_TCPV4, not negotiated */
    (void)tx_one(6, 0, 0, 60, 6);
    (void)tx_one(7, 2, 0, 60, 7); /* DATA_VALID: a flag the device ignores on transmit */
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 2);
    CHECK(tx_is(0, 60, 6));
    CHECK(tx_is(1, 60, 7));
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 9);
    for (unsigned i = 0; i < 9; i++)
        CHECK_EQ(used(VIRTIO_NET_TX)->ring[i].len, 0);
    const struct virtio_net_stats *s = &net.stats;
    CHECK_EQ(s->tx_dropped_writable, 1);
    CHECK_EQ(s->tx_dropped_header, 2);
    CHECK_EQ(s->tx_dropped_short, 1);
    CHECK_EQ(s->tx_dropped_long, 1);
    CHECK_EQ(s->tx_dropped_offload, 2);
    CHECK_EQ(s->tx_frames, 2);
    CHECK_EQ(tdrv_rd(&drv, TDRV_STATUS), 0x0f); /* the device goes on */
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE);
    CHECK_EQ(warnings, 0);
}

/** Frames that are not frames, and buffers that cannot hold them. */
static void test_rx_drops(enum tdrv_transport tt)
{
    uint8_t f[VIRTIO_NET_FRAME_MAX + 1];
    setup(tt);
    uint16_t h0 = rx_buf(0, 100);
    frame_make(f, sizeof(f), 1);
    CHECK_EQ(virtio_net_rx(&net, f, VIRTIO_NET_FRAME_MIN - 1), VIRTIO_NET_RX_DROPPED);
    CHECK_EQ(virtio_net_rx(&net, f, VIRTIO_NET_FRAME_MAX + 1), VIRTIO_NET_RX_DROPPED);
    CHECK_EQ(virtio_net_rx(&net, f, 0), VIRTIO_NET_RX_DROPPED);
    CHECK_EQ(net.stats.rx_dropped_frame, 3);
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 0); /* no buffer spent on them */
    CHECK(!drv.line);
    /* too small for this frame, smaller than the header, device-readable: each
     * returned empty with the frame dropped */
    (void)rx_buf(1, 8);
    const struct seg readable[2] = {{RXB(2), 64, 0}, {RXB(2) + 64, 0x700, VIRTQ_DESC_F_WRITE}};
    (void)chain(VIRTIO_NET_RX, readable, 2);
    uint16_t h3 = rx_buf(3, VIRTIO_NET_HDR_SIZE + 200); /* just right */
    frame_make(f, 200, 2);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(virtio_net_rx(&net, f, 200), VIRTIO_NET_RX_DROPPED);
    CHECK_EQ(*(uint8_t *)at(RXB(0)), 0xee); /* nothing written */
    CHECK_EQ(virtio_net_rx(&net, f, 200), VIRTIO_NET_RX_OK);
    CHECK(rx_is(RXB(3), RXB(3) + VIRTIO_NET_HDR_SIZE, 200, 2));
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 4);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[0].id, h0);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[0].len, 0);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[2].len, 0);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[3].id, h3);
    CHECK_EQ(used(VIRTIO_NET_RX)->ring[3].len, VIRTIO_NET_HDR_SIZE + 200);
    CHECK_EQ(net.stats.rx_dropped_buffer, 3);
    CHECK_EQ(net.stats.rx_frames, 1);
    CHECK_EQ(tdrv_rd(&drv, TDRV_STATUS), 0x0f);
    CHECK_EQ(warnings, 0);
}

/** A full backend: the frame in hand and the rest wait with their chains, then go on. */
static void test_back_pressure(enum tdrv_transport tt)
{
    setup(tt);
    for (unsigned i = 0; i < 3; i++)
        (void)tx_one(i, 0, 0, 60 + i, (uint8_t)i);
    tx_room = 1;
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 1);
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 1);
    CHECK_EQ(net.stats.tx_held, 1);
    CHECK_EQ(batch_ends, 1);
    tdrv_notify(&drv, VIRTIO_NET_TX); /* still full */
    CHECK_EQ(tx_count, 1);
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 1);
    CHECK_EQ(batch_ends, 1);
    tx_room = ~0u;
    virtio_net_tx_resume(&net);
    CHECK_EQ(tx_count, 3);
    CHECK(tx_is(1, 61, 1));
    CHECK(tx_is(2, 62, 2));
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 3);
    CHECK_EQ(batch_ends, 2);
    /* a reset while a frame is held drops it */
    (void)tx_one(3, 0, 0, 60, 3);
    tx_room = 0;
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK(net.tx_busy);
    tdrv_wr(&drv, TDRV_STATUS, 0);
    CHECK(!net.tx_busy);
    tx_room = ~0u;
    virtio_net_tx_resume(&net); /* not running: nothing */
    CHECK_EQ(tx_count, 3);
    CHECK_EQ(warnings, 0);
}

/** A broken ring: the frames before it go and are notified, then the device needs a reset. */
static void test_bad_rings(enum tdrv_transport tt)
{
    uint8_t f[60];
    setup(tt);
    (void)tx_one(0, 0, 0, 60, 1);
    drv_set_desc(TDRV_QDESC_AT(VIRTIO_NET_TX), 5, TXB(1), 64, VIRTQ_DESC_F_NEXT, 5); /* loops */
    drv_avail(TDRV_QAVAIL_AT(VIRTIO_NET_TX), TDRV_QSIZE_DEFAULT, 5);
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 1);
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 1);
    CHECK_EQ(warnings, 1);
    CHECK(tdrv_rd(&drv, TDRV_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    frame_make(f, sizeof(f), 2);
    (void)rx_buf(0, 0x800);
    CHECK_EQ(virtio_net_rx(&net, f, sizeof(f)), VIRTIO_NET_RX_NO_BUFFER); /* stopped */
    /* the receive ring: a frame put, then a chain whose next is past the queue */
    setup(tt);
    (void)rx_buf(0, 0x800);
    drv_set_desc(TDRV_QDESC_AT(VIRTIO_NET_RX), 1, RXB(1), 64,
                 VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 40);
    drv_avail(TDRV_QAVAIL_AT(VIRTIO_NET_RX), TDRV_QSIZE_DEFAULT, 1);
    CHECK_EQ(virtio_net_rx_put(&net, f, sizeof(f)), VIRTIO_NET_RX_OK);
    CHECK_EQ(virtio_net_rx_put(&net, f, sizeof(f)), VIRTIO_NET_RX_NO_BUFFER);
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 1);
    CHECK_EQ(warnings, 1);
    CHECK_EQ(tdrv_isr(&drv), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG); /* the put's too */
    virtio_net_rx_flush(&net);
    CHECK(!drv.line);
    /* a reset and a new start recover */
    setup(tt);
    (void)tx_one(0, 0, 0, 60, 3);
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 1);
    CHECK_EQ(warnings, 0);
}

/** Before DRIVER_OK, or without FEATURES_OK, the device moves no frame. */
static void test_not_running(enum tdrv_transport tt)
{
    uint8_t f[60];
    frame_make(f, sizeof(f), 1);
    fresh(tt);
    CHECK_EQ(virtio_net_rx(&net, f, sizeof(f)), VIRTIO_NET_RX_NO_BUFFER);
    CHECK(tdrv_negotiate(&drv, all_features));
    tdrv_queue(&drv, VIRTIO_NET_RX);
    tdrv_queue(&drv, VIRTIO_NET_TX);
    (void)rx_buf(0, 0x800);
    (void)tx_one(0, 0, 0, 60, 1);
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(virtio_net_rx(&net, f, sizeof(f)), VIRTIO_NET_RX_NO_BUFFER);
    CHECK_EQ(tx_count, 0);
    CHECK_EQ(used(VIRTIO_NET_RX)->idx, 0);
    CHECK_EQ(used(VIRTIO_NET_TX)->idx, 0);
    /* DRIVER_OK: the frames waiting go */
    tdrv_wr(&drv, TDRV_STATUS, 0x0f);
    CHECK_EQ(virtio_net_rx(&net, f, sizeof(f)), VIRTIO_NET_RX_OK);
    tdrv_notify(&drv, VIRTIO_NET_TX);
    CHECK_EQ(tx_count, 1);
    CHECK_EQ(warnings, 0);
}

int main(void)
{
    static const enum tdrv_transport transports[2] = {TDRV_MMIO, TDRV_PCI};
    for (unsigned t = 0; t < 2; t++) {
        test_features(transports[t]);
        test_config(transports[t]);
        test_tx(transports[t]);
        test_rx(transports[t]);
        test_tx_drops(transports[t]);
        test_rx_drops(transports[t]);
        test_back_pressure(transports[t]);
        test_bad_rings(transports[t]);
        test_not_running(transports[t]);
    }
    free(ram);
    return test_done("test_virtio_net");
}
