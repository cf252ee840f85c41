/*
 * libFuzzer target for the virtio-net device (virtio_net.h) on
 * virtio-mmio: the input is the guest's RAM (rings, descriptors, headers
 * and frames alike), the two queues' sizes and ring addresses, and a
 * sequence of events: the driver notifying either queue or rewriting RAM
 * or a register meanwhile, the VMM giving frames of any length and
 * content (one at a time or in a batch), the backend filling up and
 * resuming, the link going down and up. After each event the invariants
 * must hold: every frame the backend gets is 14..1514 bytes, each
 * received frame has exactly one outcome, counted, and the interrupt
 * line follows the ISR.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ram.h"
#include "vmm/virtio_mmio.h"
#include "vmm/virtio_net.h"

#define HDR_BYTES 21u /* two queue sizes, six ring addresses, the event count */

static uint8_t frame[VIRTIO_NET_FRAME_MAX + 64];
static struct virtio_net net;
static bool line;
static unsigned tx_room, tx_taken;

static void on_irq(void *ctx, bool level)
{
    (void)ctx;
    REQUIRE(level != line);
    line = level;
}

static bool on_tx(void *ctx, const uint8_t *f, size_t len)
{
    (void)ctx;
    REQUIRE(f == net.tx_frame);
    REQUIRE(len >= VIRTIO_NET_FRAME_MIN && len <= VIRTIO_NET_FRAME_MAX);
    if (tx_room == 0)
        return false;
    tx_room--;
    tx_taken++;
    return true;
}

static const struct virtio_net_backend backend = {on_tx, NULL, NULL};

static void reg(uint64_t off, uint64_t v)
{
    (void)virtio_mmio_access(&net.dev, off, 4, true, &v);
}

/** The driver's start (virtio 1.2 section 3.1.1) with both queues as the input says. */
static void driver_start(const uint8_t **p, size_t *n)
{
    uint32_t size[2] = {1u << (fuzz_take(p, n, 1) % 9), 1u << (fuzz_take(p, n, 1) % 9)};
    reg(0x070, 3);
    reg(0x024, 1);
    reg(0x020, 1); /* VERSION_1 */
    reg(0x024, 0);
    reg(0x020, (uint32_t)(VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS));
    reg(0x070, 0x0b);
    for (unsigned q = 0; q < 2; q++) {
        reg(0x030, q);
        reg(0x038, size[q]);
        for (unsigned r = 0; r < 3; r++) {
            uint64_t a = fuzz_ring_addr(p, n);
            reg(0x080 + 0x10 * r, (uint32_t)a);
            reg(0x084 + 0x10 * r, a >> 32);
        }
        reg(0x044, 1);
    }
    reg(0x070, 0x0f);
}

static uint64_t drops(void)
{
    return net.stats.rx_dropped_frame + net.stats.rx_dropped_buffer;
}

/** The VMM gives a frame of `len` bytes (any length: the device checks). */
static void give(size_t len, unsigned from, bool batch)
{
    if (len > sizeof(frame))
        len = sizeof(frame);
    for (size_t i = 0; i < len; i++)
        frame[i] = fuzz_ram[(from + i) % FUZZ_RAM_SIZE];
    uint64_t ok = net.stats.rx_frames, none = net.stats.rx_no_buffer, dropped = drops();
    enum virtio_net_rx_result r =
        batch ? virtio_net_rx_put(&net, frame, len) : virtio_net_rx(&net, frame, len);
    REQUIRE(net.stats.rx_frames == ok + (r == VIRTIO_NET_RX_OK));
    REQUIRE(net.stats.rx_no_buffer == none + (r == VIRTIO_NET_RX_NO_BUFFER));
    REQUIRE(drops() == dropped + (r == VIRTIO_NET_RX_DROPPED));
    REQUIRE(r != VIRTIO_NET_RX_OK || (len >= VIRTIO_NET_FRAME_MIN && len <= VIRTIO_NET_FRAME_MAX));
}

/** One event, 4 bytes: [0] what, [1..3] its arguments. */
static void event(const uint8_t *e)
{
    unsigned arg = e[1] | (unsigned)e[2] << 8;
    switch (e[0] % 8) {
    case 0:
        reg(0x050, VIRTIO_NET_TX);
        break;
    case 1:
        reg(0x050, e[1] & 1 ? VIRTIO_NET_RX : e[2]);
        break;
    case 2:
        give(arg % (VIRTIO_NET_FRAME_MAX + 32), (unsigned)e[3] << 8, false);
        break;
    case 3:
        give(arg % (VIRTIO_NET_FRAME_MAX + 32), (unsigned)e[3] << 8, true);
        if (e[3] & 1)
            virtio_net_rx_flush(&net);
        break;
    case 4:
        tx_room = e[1] % 4 == 0 ? ~0u : e[1] % 4 - 1u;
        virtio_net_tx_resume(&net);
        break;
    case 5:
        virtio_net_set_link(&net, e[1] & 1);
        break;
    case 6: /* the guest rewrites its RAM meanwhile (rings, descriptors, headers) */
        fuzz_ram[arg % FUZZ_RAM_SIZE] = e[3];
        break;
    default: /* or a register: status, queue select, interrupt acknowledge, ... */
        reg((e[1] % 64) * 4u, e[2] | (uint32_t)e[3] << 8);
        break;
    }
    REQUIRE(line == (virtio_isr(&net.dev) != 0));
    REQUIRE(net.stats.tx_frames == tx_taken);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t mac[VIRTIO_NET_MAC_LEN] = {0x02, 0, 0, 0, 0, 1};
    const struct gmem mem = {{FUZZ_RAM_BASE}, FUZZ_RAM_SIZE, fuzz_map, NULL};
    if (size < HDR_BYTES)
        return 0;
    line = false;
    tx_room = ~0u;
    tx_taken = 0;
    memset(fuzz_ram, 0, sizeof(fuzz_ram));
    virtio_net_init(&net, &mem, on_irq, fuzz_no_warn, mac, &backend, NULL);
    /* [0..20) the queues, [20] the event count, the events, then RAM */
    const uint8_t *ev = data + HDR_BYTES, *queues = data;
    size_t rest = size - HDR_BYTES, queue_bytes = HDR_BYTES - 1;
    size_t ev_bytes = data[HDR_BYTES - 1] * 4u < rest ? data[HDR_BYTES - 1] * 4u : rest - rest % 4;
    rest -= ev_bytes;
    memcpy(fuzz_ram, ev + ev_bytes, rest < FUZZ_RAM_SIZE ? rest : FUZZ_RAM_SIZE);
    driver_start(&queues, &queue_bytes);
    for (size_t i = 0; i + 4 <= ev_bytes; i += 4)
        event(ev + i);
    reg(0x050, VIRTIO_NET_TX); /* a last pass over whatever is left */
    give(60, 0, false);
    return 0;
}
