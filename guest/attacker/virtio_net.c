/*
 * attacker: bad transmit and receive chains on virtio-net (virtio 1.2
 * section 5.1; the VMM's side is libvmm's virtio_net.c and the VMM's
 * netport.c, the switch is components/vswitch): vm1's evilnet0 and
 * evilnet1, the two ports of the switch sw (apps/vm_hostile). evilnet0
 * transmits to evilnet1's MAC; evilnet1 receives.
 *
 * A port's frames keep their order through the switch, so each case sends
 * what it tries and then a good frame with the case's tag: the next frame
 * evilnet1 receives must be the case's own (a frame the spec allows,
 * intact) or that good one (a frame the VMM or the switch must drop), and
 * nothing after it. A dropped chain still comes back to the driver, used
 * with length 0. A receive case gives evilnet1 a bad buffer first: it
 * comes back empty (length 0) and costs the frame that met it, the good
 * buffer after it gets the next frame. A broken ring makes the device
 * need a reset, after which it works again.
 *
 * The MMU is off (virtio.c says what that means for the rings).
 */
#include <stdbool.h>
#include <stdint.h>

#include "attacker.h"
#include "virtio_net.h"
#include "vmmio.h"

#define NET0      0x0a000600ul /* evilnet0, apps/vm_hostile/vm_hostile.dts */
#define NET1      0x0a000800ul /* evilnet1 */
#define GICD_BASE 0x08000000ul

#define RXQ   0u /* receiveq1 (section 5.1.2) */
#define TXQ   1u /* transmitq1 */
#define QSIZE 8u /* the queues' size here (QueueNum) */

/* The header with VERSION_1 (section 5.1.6): flags, gso_type, ..., num_buffers */
#define HDR            12u
#define HDR_NEEDS_CSUM 1u
#define HDR_GSO_TCPV4  1u
#define ETH_HDR        14u
#define ETH_MAX        1514u
#define ETYPE_LOCAL    0x88b5u /* IEEE 802 local experimental EtherType */
#define RX_TRIES       20000u  /* MMIO reads (exits) to wait for a frame */
#define NOTHING_MORE   200u    /* ... and to see that no other one follows */

/*
 * Rings and buffers: a 2 MiB block of RAM of their own, past the blocks
 * virtio.c, virtio_pci.c and attacker.c's reset state use.
 */
#define AREA      0x40a00000ul
#define TX_RING   (AREA + 0x0000u)
#define RX_RING   (AREA + 0x1000u)
#define AVAIL_OFF 0x100u /* each ring set: descriptors, available, used ring */
#define USED_OFF  0x200u
#define TX_BUF    (AREA + 0x10000u) /* the frame being sent, header first */
#define RX_BUF    (AREA + 0x20000u) /* receive buffer i at RX_BUF + i * SLOT */
#define SLOT      0x800u

static const uint8_t mac0[6] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x00}; /* evilnet0's */
static const uint8_t mac1[6] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x01}; /* evilnet1's */
static const uint8_t spoof[6] = {0x02, 0x00, 0x00, 0x00, 0x10, 0x77};

/** A queue the driver runs: its device, index, rings and its two indices. */
struct nq {
    uint64_t base;
    uint32_t q;
    struct ring r;
    uint16_t avail, used; /* published; used entries read so far */
};

static struct nq txq = {NET0, TXQ, {TX_RING, TX_RING + AVAIL_OFF, TX_RING + USED_OFF}, 0, 0};
static struct nq rxq = {NET1, RXQ, {RX_RING, RX_RING + AVAIL_OFF, RX_RING + USED_OFF}, 0, 0};

static struct attack_suite ncase = {.name = "virtio-net"};

/* --- the driver side --- */

/** Reset, negotiation (VERSION_1 only: no offloads, one buffer a frame), one queue, DRIVER_OK. */
static void nq_start(struct nq *n)
{
    write32(n->base + STATUS, 0);
    write32(n->base + STATUS, S_ACK);
    write32(n->base + STATUS, S_ACK | S_DRIVER);
    write32(n->base + DRIVER_FEATURES_SEL, 0);
    write32(n->base + DRIVER_FEATURES, 0);
    write32(n->base + DRIVER_FEATURES_SEL, 1);
    write32(n->base + DRIVER_FEATURES, VERSION_1_HI);
    write32(n->base + STATUS, S_FEATURES);
    for (uint64_t a = n->r.desc; a < n->r.used + 8u * QSIZE + 8u; a += 8)
        write64(a, 0);
    write32(n->base + QUEUE_SEL, n->q);
    write32(n->base + QUEUE_NUM, QSIZE);
    write32(n->base + QUEUE_DESC, (uint32_t)n->r.desc);
    write32(n->base + QUEUE_DESC + 4, 0);
    write32(n->base + QUEUE_DRIVER, (uint32_t)n->r.avail);
    write32(n->base + QUEUE_DRIVER + 4, 0);
    write32(n->base + QUEUE_DEVICE, (uint32_t)n->r.used);
    write32(n->base + QUEUE_DEVICE + 4, 0);
    write32(n->base + QUEUE_READY, 1);
    write32(n->base + STATUS, S_LIVE);
    n->avail = n->used = 0;
    suite_check(&ncase, "status after bring-up", read32(n->base + STATUS), S_LIVE);
}

/** Makes chain `head` available and notifies the device (section 2.7.13). */
static void nq_publish(struct nq *n, uint16_t head)
{
    write16(n->r.avail + 4u + 2u * (n->avail % QSIZE), head);
    n->avail++;
    __asm__ volatile("dsb sy" ::: "memory");
    write16(n->r.avail + 2u, n->avail);
    __asm__ volatile("dsb sy" ::: "memory");
    write32(n->base + QUEUE_NOTIFY, n->q);
}

static uint16_t nq_used_idx(const struct nq *n)
{
    return read16(n->r.used + 2u);
}

/**
 * Waits (at most `tries` exits: the VMM and the switch run meanwhile) for
 * the next used entry; takes it: its id and length.
 */
static bool nq_take(struct nq *n, unsigned tries, uint32_t *id, uint32_t *len)
{
    for (unsigned i = 0; nq_used_idx(n) == n->used; i++) {
        if (i == tries)
            return false;
        (void)read32(n->base + INTERRUPT_STATUS);
    }
    uint64_t e = n->r.used + 4u + 8u * (n->used % QSIZE);
    *id = read32(e);
    *len = read32(e + 4);
    n->used++;
    write32(n->base + INTERRUPT_ACK, read32(n->base + INTERRUPT_STATUS));
    return true;
}

/* --- frames --- */

/** Byte i of a frame tagged `tag` from `src` to evilnet1, of any length. */
static uint8_t frame_byte(const uint8_t *src, uint8_t tag, uint32_t i)
{
    if (i < 6)
        return mac1[i];
    if (i < 12)
        return src[i - 6];
    if (i < ETH_HDR)
        return (uint8_t)(i == 12 ? ETYPE_LOCAL >> 8 : ETYPE_LOCAL);
    if (i == ETH_HDR)
        return tag;
    return (uint8_t)(i * 31u + tag);
}

/** A header (flags, gso_type) then `len` bytes of the frame into TX_BUF. */
static void frame_put(const uint8_t *src, uint8_t tag, uint32_t len, uint8_t flags, uint8_t gso)
{
    for (uint32_t i = 0; i < HDR; i++)
        write8(TX_BUF + i, 0);
    write8(TX_BUF, flags);
    write8(TX_BUF + 1u, gso);
    for (uint32_t i = 0; i < len; i++)
        write8(TX_BUF + HDR + i, frame_byte(src, tag, i));
}

/** The transmit chain: `parts` descriptors over header and frame (1, 2: header apart, 3). */
static uint16_t tx_chain(uint32_t bytes, unsigned parts, uint16_t last_flags)
{
    if (parts == 1 || bytes <= HDR) {
        desc_set(&txq.r, 0, TX_BUF, bytes, last_flags, 0);
    } else if (parts == 2) {
        desc_set(&txq.r, 0, TX_BUF, HDR, NEXT, 1);
        desc_set(&txq.r, 1, TX_BUF + HDR, bytes - HDR, last_flags, 0);
    } else {
        uint32_t half = (bytes - HDR) / 2u;
        desc_set(&txq.r, 0, TX_BUF, HDR, NEXT, 1);
        desc_set(&txq.r, 1, TX_BUF + HDR, half, NEXT, 2);
        desc_set(&txq.r, 2, TX_BUF + HDR + half, bytes - HDR - half, last_flags, 0);
    }
    return 0;
}

/** Sends what TX_BUF holds as a chain; the device takes it at once and returns it, length 0. */
static void tx_send(uint32_t bytes, unsigned parts, uint16_t last_flags)
{
    nq_publish(&txq, tx_chain(bytes, parts, last_flags));
    uint32_t id = 0, len = 0;
    suite_check(&ncase, "transmit chain returned", nq_take(&txq, 0, &id, &len), 1);
    suite_check(&ncase, "transmit chain's used id", id, 0);
    suite_check(&ncase, "transmit chain's used length", len, 0);
}

/** A good frame of `len` bytes tagged `tag`, from evilnet0's own MAC. */
static void tx_good(uint8_t tag, uint32_t len)
{
    frame_put(mac0, tag, len, 0, 0);
    tx_send(HDR + len, 1, 0);
}

/** Gives evilnet1 receive buffer `i`: `parts` descriptors, device-writable unless `readable`. */
static void rx_give(uint16_t i, uint32_t size, unsigned parts, bool readable)
{
    uint64_t at = RX_BUF + (uint64_t)i * SLOT;
    uint16_t flags = readable ? 0 : WRITE;
    for (uint32_t b = 0; b < size; b += 8)
        write64(at + b, 0);
    if (parts == 2) {
        desc_set(&rxq.r, i, at, HDR, flags | NEXT, (uint16_t)(i + 1u));
        desc_set(&rxq.r, (uint16_t)(i + 1u), at + HDR, size - HDR, flags, 0);
    } else {
        desc_set(&rxq.r, i, at, size, flags, 0);
    }
    nq_publish(&rxq, i);
}

/** The next buffer evilnet1 fills holds buffer `i`, the frame `tag` of `len` bytes from `src`. */
static void rx_expect(uint16_t i, const uint8_t *src, uint8_t tag, uint32_t len)
{
    uint32_t id = 0, used = 0;
    if (!nq_take(&rxq, RX_TRIES, &id, &used)) {
        suite_check(&ncase, "a frame received", 0, 1);
        return;
    }
    suite_check(&ncase, "receive buffer used", id, i);
    suite_check(&ncase, "received length", used, HDR + len);
    if (used != HDR + len)
        return;
    uint64_t at = RX_BUF + (uint64_t)i * SLOT;
    suite_check(&ncase, "received header's num_buffers", read16(at + 10u), 1);
    for (uint32_t b = 0; b < len; b++) {
        uint8_t got = read8(at + HDR + b), want = frame_byte(src, tag, b);
        if (got != want) {
            suite_check(&ncase, "received frame's byte", got, want);
            return;
        }
    }
}

/** Receive buffer `i` came back empty: length 0. */
static void rx_expect_empty(uint16_t i)
{
    uint32_t id = 0, used = 1;
    suite_check(&ncase, "a buffer returned", nq_take(&rxq, RX_TRIES, &id, &used), 1);
    suite_check(&ncase, "returned buffer", id, i);
    suite_check(&ncase, "returned buffer's length", used, 0);
}

/** Gives evilnet1 good receive buffers from..to-1, one descriptor each. */
static void rx_give_good(uint16_t from, uint16_t to)
{
    for (uint16_t i = from; i < to; i++)
        rx_give(i, SLOT, 1, false);
}

/** The end of a case: nothing else arrives; its line; evilnet1 starts afresh. */
static void case_done(const char *outcome)
{
    uint32_t id = 0, used = 0;
    suite_check(&ncase, "frames after the last", nq_take(&rxq, NOTHING_MORE, &id, &used), 0);
    suite_end(&ncase, outcome);
    nq_start(&rxq);
}

/* --- the cases --- */

/** One transmit: its frame's length and header, descriptors, and whether it arrives. */
struct tx_case {
    const char *name;
    uint32_t bytes; /* header and frame: the chain's length */
    uint8_t flags, gso;
    unsigned parts;
    uint16_t last_flags; /* WRITE: a device-writable buffer */
    const uint8_t *src;  /* the frame's source MAC */
    bool arrives;
};

static const struct tx_case tx_cases[] = {
    {"60-byte frame", HDR + 60u, 0, 0, 1, 0, mac0, true},
    {"1514-byte frame", HDR + ETH_MAX, 0, 0, 1, 0, mac0, true},
    {"frame in three descriptors, the header apart", HDR + 300u, 0, 0, 3, 0, mac0, true},
    {"header and no frame", HDR, 0, 0, 1, 0, mac0, false},
    {"8 bytes, shorter than the header", 8u, 0, 0, 1, 0, mac0, false},
    {"13-byte frame, short of an Ethernet header", HDR + 13u, 0, 0, 2, 0, mac0, false},
    {"1515-byte frame, over the MTU", HDR + ETH_MAX + 1u, 0, 0, 2, 0, mac0, false},
    {"4000-byte frame", HDR + 4000u, 0, 0, 1, 0, mac0, false},
    {"writable buffer on the transmit queue", HDR + 60u, 0, 0, 2, WRITE, mac0, false},
    {"header asking for a checksum, not negotiated", HDR + 60u, HDR_NEEDS_CSUM, 0, 1, 0, mac0,
     false},
    {"header asking for TCPv4 segmentation, not negotiated", HDR + 60u, 0, HDR_GSO_TCPV4, 1, 0,
     mac0, false},
    {"source MAC not the port's", HDR + 60u, 0, 0, 1, 0, spoof, false},
};

/**
 * Sends the case's chain, then a good frame tagged after the case; the
 * case's frame arrives first if it must, then the good one, and nothing
 * else.
 */
static void case_tx(const struct tx_case *c, uint8_t tag)
{
    suite_case(&ncase, c->name);
    rx_give_good(0, 3);
    frame_put(c->src, tag, c->bytes > HDR ? c->bytes - HDR : 0, c->flags, c->gso);
    tx_send(c->bytes, c->parts, c->last_flags);
    tx_good((uint8_t)(tag | 0x80u), 60u);
    uint16_t next = 0;
    if (c->arrives)
        rx_expect(next++, c->src, tag, c->bytes - HDR);
    rx_expect(next, mac0, (uint8_t)(tag | 0x80u), 60u);
    case_done(c->arrives ? "received intact" : "dropped");
}

/** A receive buffer that cannot take the frame: returned empty, the frame dropped. */
static void case_rx_bad(const char *name, uint32_t size, bool readable, uint8_t tag)
{
    suite_case(&ncase, name);
    rx_give(0, size, 1, readable);
    rx_give_good(1, 3);
    tx_good(tag, 200u);
    tx_good((uint8_t)(tag | 0x80u), 200u);
    rx_expect_empty(0);
    rx_expect(1, mac0, (uint8_t)(tag | 0x80u), 200u);
    case_done("returned empty, its frame dropped");
}

/** A receive buffer of two descriptors, the header apart (section 5.1.6.3.1 allows it). */
static void case_rx_split(uint8_t tag)
{
    suite_case(&ncase, "receive buffer in two descriptors, the header apart");
    rx_give(0, SLOT, 2, false); /* descriptors 0 and 1 */
    rx_give_good(2, 3);
    tx_good(tag, 1000u);
    rx_expect(0, mac0, tag, 1000u);
    case_done("received intact");
}

/** The device at `base` needs a reset (section 2.1.2) and works after one. */
static void expect_needs_reset(struct nq *n)
{
    suite_check(&ncase, "status", read32(n->base + STATUS), S_LIVE | S_NEEDS_RESET);
    suite_check(&ncase, "interrupt status", read32(n->base + INTERRUPT_STATUS) & ISR_CONFIG,
                ISR_CONFIG);
    write32(n->base + INTERRUPT_ACK, ISR_CONFIG | ISR_QUEUE);
    nq_start(n);
}

/** A transmit chain that loops: the transmit queue is broken. */
static void case_tx_loop(uint8_t tag)
{
    suite_case(&ncase, "transmit chain loop 0->1->0");
    frame_put(mac0, tag, 60u, 0, 0);
    desc_set(&txq.r, 0, TX_BUF, HDR, NEXT, 1);
    desc_set(&txq.r, 1, TX_BUF + HDR, 60u, NEXT, 0);
    nq_publish(&txq, 0);
    expect_needs_reset(&txq);
    rx_give_good(0, 2);
    tx_good((uint8_t)(tag | 0x80u), 60u);
    rx_expect(0, mac0, (uint8_t)(tag | 0x80u), 60u);
    case_done("needs reset");
}

/**
 * A receive buffer on the GIC distributor: the receive queue is broken at
 * the next frame, which waits (the switch's port keeps it) until the
 * driver, after a reset, gives a buffer: it arrives then, nothing lost.
 */
static void case_rx_outside(uint8_t tag)
{
    suite_case(&ncase, "receive buffer on the GIC distributor");
    desc_set(&rxq.r, 0, GICD_BASE, SLOT, WRITE, 0);
    nq_publish(&rxq, 0);
    tx_good(tag, 60u);
    for (unsigned i = 0; i < RX_TRIES && !(read32(NET1 + STATUS) & S_NEEDS_RESET); i++)
        ;
    expect_needs_reset(&rxq);
    rx_give_good(0, 3);
    tx_good((uint8_t)(tag | 0x80u), 60u);
    rx_expect(0, mac0, tag, 60u);
    rx_expect(1, mac0, (uint8_t)(tag | 0x80u), 60u);
    case_done("needs reset, the frame kept for the next buffer");
}

void attack_virtio_net(void)
{
    nq_start(&txq);
    nq_start(&rxq);
    uint8_t tag = 1;
    for (unsigned i = 0; i < sizeof(tx_cases) / sizeof(tx_cases[0]); i++)
        case_tx(&tx_cases[i], tag++);
    case_rx_bad("receive buffer too small for the frame", HDR + 100u, false, tag++);
    case_rx_bad("device-readable receive buffer", SLOT, true, tag++);
    case_rx_split(tag++);
    case_tx_loop(tag++);
    case_rx_outside(tag++);
    suite_summary(&ncase);
}
