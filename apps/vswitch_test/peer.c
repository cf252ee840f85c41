/*
 * vswitch_peer: a native component on one port of the virtual switch,
 * doing what a VMM's port backend does (docs/vswitch.md, "The VMM's
 * side"): frames into its to_switch ring in batches, one kick when the
 * switch asked for it, a wait for room when the ring is full; frames out
 * of its to_vm ring, a wait for the switch's signal when it is empty.
 *
 * Each peer (a, b, c, named by its component name; MACs from the `ports`
 * file the switch reads) sends: a broadcast, a frame to an unknown MAC
 * (flooded), one to its own MAC (the switch drops it), PEER_SPOOFS frames
 * from another peer's MAC, a short and an oversized slot (as a hostile
 * VMM would), then PEER_FRAMES unicast frames of varied lengths to each
 * other peer. It then takes frames until it has the broadcast, the flood
 * and every unicast frame of each other peer, in order and intact, and
 * nothing else, and says "vswitch_test: NAME ok" (else why not).
 */
#include <stdio.h>
#include <string.h>

#include <cap/fring.h>
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/time.h>

#include "fwd.h"

#define PEERS       3u
#define PEER_FRAMES 300u /* unicast frames to each other peer */
#define PEER_SPOOFS 5u
#define PEER_BATCH  8u      /* frames a publish */
#define PEER_WAIT_S 30u     /* for the others' frames */
#define ETHERTYPE   0x88b5u /* IEEE 802 local experimental */

/* payload: [14] sender's letter, [15] kind, [16..19] sequence, then a pattern */
enum { KIND_BCAST = 'B', KIND_FLOOD = 'X', KIND_SELF = 'M', KIND_SPOOF = 'S', KIND_UNI = 'U' };

static const char *const peer_name[PEERS] = {"a", "b", "c"};
static const uint8_t unknown_mac[FWD_MAC_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xee};

static struct {
    struct fring tx, rx;
    uint64_t kick, signal;
    uint8_t mac[PEERS][FWD_MAC_LEN];
    unsigned me;
    uint32_t got[PEERS]; /* frames from each peer */
    uint32_t next_seq[PEERS];
    uint32_t bad;
    char why[96];
} peer;

/** The length of unicast frame seq: 60..1514, varied. */
static uint32_t uni_len(uint32_t seq)
{
    return 60u + (seq * 97u) % (FRING_FRAME_MAX - 59u);
}

/** The byte at offset i of a frame with sequence seq. */
static uint8_t pattern(uint32_t seq, uint32_t i)
{
    return (uint8_t)(seq * 13u + i);
}

static void publish(void)
{
    if (fring_publish(&peer.tx))
        cv_signal(peer.kick);
}

/** The next free slot's data, waiting for room (publishing first) if needed. */
static uint8_t *slot_wait(void)
{
    uint64_t word;
    uint8_t *buf;
    while ((buf = fring_stage_buf(&peer.tx)) == NULL) {
        publish();
        if (fring_prod_wait(&peer.tx))
            cv_wait(peer.signal, &word);
    }
    return buf;
}

/** Stages a frame dst <- src of kind and seq, len bytes; then a slot claiming claim bytes. */
static void send(const uint8_t *dst, const uint8_t *src, uint8_t kind, uint32_t seq, uint32_t len,
                 uint32_t claim)
{
    uint8_t *buf = slot_wait();
    memcpy(buf, dst, FWD_MAC_LEN);
    memcpy(buf + 6, src, FWD_MAC_LEN);
    buf[12] = (uint8_t)(ETHERTYPE >> 8);
    buf[13] = (uint8_t)ETHERTYPE;
    buf[14] = (uint8_t)('a' + peer.me);
    buf[15] = kind;
    memcpy(buf + 16, &seq, sizeof(seq));
    for (uint32_t i = 20; i < len; i++)
        buf[i] = pattern(seq, i);
    (void)fring_stage(&peer.tx, len);
    if (claim != len) /* a hostile VMM's slot: the length rewritten */
        peer.tx.slot[(peer.tx.pos + peer.tx.next - 1u) & peer.tx.mask].len = claim;
}

static void send_all(void)
{
    static const uint8_t bcast[FWD_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t *me = peer.mac[peer.me];
    send(bcast, me, KIND_BCAST, 0, 60, 60);
    send(unknown_mac, me, KIND_FLOOD, 0, 60, 60);
    send(me, me, KIND_SELF, 0, 60, 60);
    for (uint32_t i = 0; i < PEER_SPOOFS; i++)
        send(bcast, peer.mac[(peer.me + 1u) % PEERS], KIND_SPOOF, i, 60, 60);
    send(bcast, me, KIND_SPOOF, 0, 60, FRING_FRAME_MIN - 4u);
    send(bcast, me, KIND_SPOOF, 0, 60, 2000);
    publish();
    for (uint32_t seq = 0; seq < PEER_FRAMES; seq++) {
        for (unsigned to = 0; to < PEERS; to++)
            if (to != peer.me)
                send(peer.mac[to], me, KIND_UNI, seq, uni_len(seq), uni_len(seq));
        if (seq % PEER_BATCH == PEER_BATCH - 1u)
            publish();
    }
    publish();
}

/** Records a bad frame (the first reason kept). */
static void bad(const char *why, unsigned from)
{
    if (peer.bad++ == 0)
        snprintf(peer.why, sizeof(peer.why), "%s (from %c)", why, (char)('a' + from));
}

/** Checks a unicast frame's sequence, length and pattern. */
static void check_uni(const struct fring_frame *f, unsigned from)
{
    uint32_t seq;
    memcpy(&seq, f->data + 16, sizeof(seq));
    if (seq != peer.next_seq[from]++)
        bad("a unicast frame out of order", from);
    else if (f->len != uni_len(seq))
        bad("a unicast frame of the wrong length", from);
    for (uint32_t i = 20; i < f->len && f->len == uni_len(seq); i++)
        if (f->data[i] != pattern(seq, i)) {
            bad("a unicast frame's bytes changed", from);
            break;
        }
}

/** One frame taken: from whom, of what kind, intact. */
static void check(const struct fring_frame *f)
{
    unsigned from = f->data && f->len >= 20 ? (unsigned)(f->data[14] - 'a') : PEERS;
    if (from >= PEERS || from == peer.me) {
        bad("a frame from nobody, or from myself", peer.me);
        return;
    }
    peer.got[from]++;
    if (memcmp(f->data + 6, peer.mac[from], FWD_MAC_LEN) != 0)
        bad("a frame whose source is not its sender's MAC", from);
    else if (f->data[15] == KIND_UNI)
        check_uni(f, from);
    else if (f->data[15] != KIND_BCAST && f->data[15] != KIND_FLOOD)
        bad("a frame the switch should have dropped", from);
}

/** Whether every other peer's frames are all here. */
static bool all_here(void)
{
    for (unsigned p = 0; p < PEERS; p++)
        if (p != peer.me && peer.got[p] < PEER_FRAMES + 2u)
            return false;
    return true;
}

/** Takes frames until all are here or PEER_WAIT_S pass. */
static void receive_all(void)
{
    uint64_t deadline = cv_now() + cv_timer_freq() * PEER_WAIT_S, word;
    struct fring_frame f;
    while (!all_here() && cv_now() < deadline) {
        while (fring_get(&peer.rx, &f))
            check(&f);
        if (fring_release(&peer.rx))
            cv_signal(peer.kick);
        if (!all_here() && fring_cons_wait(&peer.rx))
            (void)cv_wait_until(peer.signal, deadline, &word);
    }
}

/** Finds the interfaces and the MACs; NULL, or what is missing. */
static const char *peer_open(void)
{
    size_t size = 0, ports_len = 0;
    void *net = cv_iface_vaddr("net", &size);
    const char *ports = cv_iface_vaddr("ports", &ports_len);
    peer.kick = cv_iface_cap("net_kick");
    peer.signal = cv_iface_cap("net_signal");
    peer.me = PEERS;
    if (!net || !ports || !peer.kick || !peer.signal)
        return "net, net_kick, net_signal or ports missing";
    if (!fring_port_open(net, size, FRING_SIDE_VM, &peer.tx, &peer.rx))
        return "the net dataport is too small";
    for (unsigned p = 0; p < PEERS; p++) {
        if (fwd_ports_find(ports, ports_len, peer_name[p], peer.mac[p]) != 1)
            return "a peer's MAC is not in the ports file";
        if (strcmp(cv_comp_name(), peer_name[p]) == 0)
            peer.me = p;
    }
    return peer.me < PEERS ? NULL : "not one of the peers a, b, c";
}

int run(void)
{
    const char *why = peer_open();
    if (why) {
        printf("vswitch_test: %s FAIL: %s\n", cv_comp_name(), why);
        return 1;
    }
    send_all();
    receive_all();
    unsigned o1 = (peer.me + 1u) % PEERS, o2 = (peer.me + 2u) % PEERS;
    printf("vswitch_test: %s got %u from %s, %u from %s, %u bad\n", cv_comp_name(),
           (unsigned)peer.got[o1], peer_name[o1], (unsigned)peer.got[o2], peer_name[o2],
           (unsigned)peer.bad);
    if (peer.bad || !all_here())
        printf("vswitch_test: %s FAIL: %s\n", cv_comp_name(),
               peer.bad ? peer.why : "frames missing");
    else
        printf("vswitch_test: %s ok\n", cv_comp_name());
    return 0;
}
