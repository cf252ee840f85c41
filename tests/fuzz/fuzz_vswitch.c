/*
 * libFuzzer target for the virtual switch's frame path (components/vswitch
 * fwd.h over libcap's fring.h): four ports, three with assigned MACs and
 * one learning, whose VM sides the input drives as 8-byte records: frames
 * of any length, destination and source; publishing or not; taking frames
 * or not; asking to be woken; and, as a hostile VMM would, any value
 * written over a shared index, wait flag or slot length. Passes run at
 * times the input advances. Each dataport is its own heap block, so ASan
 * catches an access outside a ring.
 *
 * After each pass every frame taken is counted once (accepted, or dropped
 * as short, long or spoofed), and every copy of an accepted frame is sent
 * or dropped as full. Every frame a VM side takes (unless the input
 * rewrote that ring's head, which only fools the VM side itself) has a
 * frame's length, a unicast source, and came from another port: each
 * frame carries its sender's number (in its EtherType), and a sender with an assigned MAC
 * never gets a frame out with another source.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "fwd.h"

#define PORTS    4u
#define LEARNER  3u /* the port without an assigned MAC */
#define SLOTS    8u
#define DP_SIZE  (FRING_PORT_SLOTS + 2u * SLOTS * FRING_SLOT_SIZE)
#define TAG      13u /* EtherType's low byte: 0x40 + the sender's number */
#define TAG_MARK 0x40u

static uint8_t *dp[PORTS];
static struct fring vm_tx[PORTS], vm_rx[PORTS];
static bool fooled[PORTS]; /* the input rewrote to_vm's head: the VM side's view is garbage */
static struct fwd sw;
static uint64_t now, taken;

static const uint8_t bcast[FWD_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void mac_of(unsigned p, uint8_t *mac)
{
    static const uint8_t base[FWD_MAC_LEN] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x00};
    memcpy(mac, base, FWD_MAC_LEN);
    mac[5] = (uint8_t)(p + 1u);
}

static void setup(void)
{
    struct fring in, out;
    fwd_init(&sw, 1000);
    now = taken = 0;
    for (unsigned p = 0; p < PORTS; p++) {
        uint8_t mac[FWD_MAC_LEN];
        if (dp[p] == NULL)
            dp[p] = malloc(DP_SIZE);
        REQUIRE(dp[p] != NULL);
        memset(dp[p], 0, DP_SIZE);
        fooled[p] = false;
        REQUIRE(fring_port_open(dp[p], DP_SIZE, FRING_SIDE_VM, &vm_tx[p], &vm_rx[p]));
        REQUIRE(fring_port_open(dp[p], DP_SIZE, FRING_SIDE_SWITCH, &out, &in));
        mac_of(p, mac);
        REQUIRE(fwd_port_add(&sw, p == LEARNER ? NULL : mac, &in, &out) == (int)p);
    }
}

/** An address picked by sel: a port's, broadcast, a group, or any unicast. */
static void pick_mac(uint8_t sel, uint8_t v, uint8_t *mac)
{
    switch (sel % 5u) {
    case 0:
        mac_of(v % PORTS, mac);
        return;
    case 1:
        memcpy(mac, bcast, FWD_MAC_LEN);
        return;
    default:
        memset(mac, v, FWD_MAC_LEN);
        mac[0] = sel % 5u == 2 ? 0x01 : 0x02; /* a group, else a local unicast */
        return;
    }
}

/** Record a = {sel dst, v dst, sel src, v src, len lo, len hi}: port p stages a frame. */
static void op_put(unsigned p, const uint8_t *a)
{
    uint8_t frame[FRING_FRAME_MAX];
    uint32_t len = FRING_FRAME_MIN + (uint32_t)(a[4] | a[5] << 8) % (FRING_FRAME_MAX - 13u);
    memset(frame, a[5], sizeof(frame));
    pick_mac(a[0], a[1], frame);
    if (a[2] % 2u == 0)
        mac_of(p, frame + FWD_MAC_LEN);
    else
        pick_mac(a[2] / 2u, a[3], frame + FWD_MAC_LEN);
    frame[TAG - 1u] = 0x88;
    frame[TAG] = (uint8_t)(TAG_MARK | p);
    (void)fring_put(&vm_tx[p], frame, len);
}

/** Port p's VM side takes up to max frames, checking each. */
static void op_take(unsigned p, unsigned max)
{
    struct fring_frame f;
    for (unsigned n = 0; n < max && fring_get(&vm_rx[p], &f); n++) {
        if (fooled[p])
            continue;
        REQUIRE(f.data != NULL && f.len >= FRING_FRAME_MIN && f.len <= FRING_FRAME_MAX);
        const uint8_t *src = f.data + FWD_MAC_LEN;
        REQUIRE(!(src[0] & 1u));
        unsigned from = f.data[TAG] & 7u;
        REQUIRE((f.data[TAG] & ~7u) == TAG_MARK && from < PORTS && from != p);
        uint8_t mac[FWD_MAC_LEN];
        mac_of(from, mac);
        REQUIRE(from == LEARNER || memcmp(src, mac, FWD_MAC_LEN) == 0);
    }
    fring_release(&vm_rx[p]);
}

/** Any value over one of port p's shared words (a hostile VMM). */
static void op_hostile(unsigned p, const uint8_t *a)
{
    struct fring_port *port = (struct fring_port *)dp[p];
    uint32_t v = (uint32_t)a[1] | (uint32_t)a[2] << 8 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 24;
    if (a[5] & 1u)
        v = vm_tx[p].pos + (v & 15u) - 8u; /* near the truth: partly plausible */
    volatile uint32_t *word[8] = {&port->to_switch.head,      &port->to_switch.tail,
                                  &port->to_switch.prod_wait, &port->to_switch.cons_wait,
                                  &port->to_vm.head,          &port->to_vm.tail,
                                  &port->to_vm.prod_wait,     &port->to_vm.cons_wait};
    *word[a[0] % 8u] = v;
    fooled[p] |= a[0] % 8u == 4u;
}

/** The counts add up: each frame taken once, each copy of an accepted one once. */
static void check_counts(void)
{
    uint64_t in = 0, copies = 0, out = 0;
    for (unsigned p = 0; p < PORTS; p++) {
        const struct fwd_counters *c = &sw.port[p].count;
        in += c->rx + c->dropped_short + c->dropped_long + c->dropped_spoof;
        copies += c->rx - c->dropped_self - c->flooded + c->flooded * (PORTS - 1u);
        out += c->tx + c->dropped_full;
    }
    REQUIRE(in == taken);
    REQUIRE(copies == out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t wake;
    setup();
    for (; size >= 8; data += 8, size -= 8) {
        unsigned p = data[1] % PORTS;
        const uint8_t *a = data + 2;
        switch (data[0] % 8u) {
        case 0:
            op_put(p, a);
            break;
        case 1:
            (void)fring_publish(&vm_tx[p]);
            break;
        case 2:
            op_take(p, a[0]);
            break;
        case 3:
            op_hostile(p, a);
            break;
        case 4: /* any length over a slot of to_switch */
            vm_tx[p].slot[a[0] % SLOTS].len =
                (uint32_t)a[1] | (uint32_t)a[2] << 8 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 24;
            break;
        case 5:
            now += a[0];
            taken += fwd_pass(&sw, now, &wake);
            REQUIRE(wake < (1u << PORTS));
            check_counts();
            break;
        case 6:
            (void)fwd_wait(&sw);
            break;
        default:
            (void)(a[0] & 1u ? fring_cons_wait(&vm_rx[p]) : fring_prod_wait(&vm_tx[p]));
            break;
        }
    }
    return 0;
}
