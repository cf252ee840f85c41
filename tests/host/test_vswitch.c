/*
 * The virtual switch's forwarding core (components/vswitch/fwd.h) over
 * real frame rings: unicast, flooding, no echo, spoofed sources, short
 * and long frames, learning ports (ageing, the per-port bound), a port
 * that floods against one that sends a few frames (input and output
 * fairness, a frame held back for its share), full output rings, the wake bits, hostile ring
 * indices, the status line and MAC parsing.
 */
#include <stdlib.h>

#include "fwd.h"
#include "test_vmm.h"

#define SLOTS     64u /* more than FWD_BUDGET: a pass cannot empty a full ring */
#define PORT_SIZE (FRING_PORT_SLOTS + 2u * SLOTS * FRING_SLOT_SIZE)
#define AGE       100u
#define A         0u
#define B         1u
#define C         2u
#define D         3u

static _Alignas(64) uint8_t mem[FWD_PORTS_MAX][PORT_SIZE];
static struct fring vm_tx[FWD_PORTS_MAX], vm_rx[FWD_PORTS_MAX];
static struct fwd sw;
static uint64_t now;
static uint32_t wake;

static const uint8_t bcast[FWD_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mcast[FWD_MAC_LEN] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t stranger[FWD_MAC_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

/** Port p's assigned MAC: 02:00:00:00:00:p+1. */
static const uint8_t *mac_of(unsigned p)
{
    static uint8_t macs[FWD_PORTS_MAX][FWD_MAC_LEN];
    uint8_t *m = macs[p];
    memset(m, 0, FWD_MAC_LEN);
    m[0] = 0x02;
    m[5] = (uint8_t)(p + 1u);
    return m;
}

/** A switch of n ports; those in learning_mask have no assigned MAC. */
static void net_init(unsigned n, unsigned learning_mask)
{
    struct fring in, out;
    fwd_init(&sw, AGE);
    now = 0;
    for (unsigned p = 0; p < n; p++) {
        memset(mem[p], 0, PORT_SIZE);
        CHECK(fring_port_open(mem[p], PORT_SIZE, FRING_SIDE_VM, &vm_tx[p], &vm_rx[p]));
        CHECK(fring_port_open(mem[p], PORT_SIZE, FRING_SIDE_SWITCH, &out, &in));
        const uint8_t *mac = (learning_mask >> p) & 1u ? NULL : mac_of(p);
        CHECK_EQ(fwd_port_add(&sw, mac, &in, &out), p);
    }
}

/** VM p stages a frame dst <- src of len bytes whose payload is tag; false if no room. */
static bool vm_put(unsigned p, const uint8_t *dst, const uint8_t *src, uint32_t len, uint8_t tag)
{
    uint8_t buf[FRING_FRAME_MAX];
    memset(buf, tag, sizeof(buf));
    memcpy(buf, dst, FWD_MAC_LEN);
    memcpy(buf + FWD_MAC_LEN, src, FWD_MAC_LEN);
    buf[12] = 0x08;
    buf[13] = 0x00;
    return fring_put(&vm_tx[p], buf, len);
}

/** VM p sends one frame from its own MAC now. */
static void vm_send(unsigned p, const uint8_t *dst, uint8_t tag)
{
    CHECK(vm_put(p, dst, mac_of(p), 64, tag));
    fring_publish(&vm_tx[p]);
}

/** VM p sends a frame whose slot claims len bytes (any value: a hostile VMM). */
static void vm_send_raw(unsigned p, uint32_t len)
{
    CHECK(vm_put(p, bcast, mac_of(p), 64, 0));
    vm_tx[p].slot[(vm_tx[p].pos + vm_tx[p].next - 1u) & vm_tx[p].mask].len = len;
    fring_publish(&vm_tx[p]);
}

static uint32_t pass(void)
{
    return fwd_pass(&sw, now, &wake);
}

/**
 * VM p takes up to max frames, each checked (a length a frame may have,
 * never its own source MAC); their tags into tags (if not NULL). How many.
 */
static unsigned vm_recv(unsigned p, uint8_t *tags, unsigned max)
{
    struct fring_frame f;
    unsigned n = 0;
    while (n < max && fring_get(&vm_rx[p], &f)) {
        CHECK(f.data != NULL && f.len >= FRING_FRAME_MIN && f.len <= FRING_FRAME_MAX);
        if (f.data == NULL)
            continue;
        CHECK(!sw.port[p].learning ? memcmp(f.data + FWD_MAC_LEN, mac_of(p), FWD_MAC_LEN) != 0
                                   : true);
        if (tags)
            tags[n] = f.data[f.len - 1u];
        n++;
    }
    fring_release(&vm_rx[p]);
    return n;
}

static unsigned vm_drain(unsigned p)
{
    return vm_recv(p, NULL, ~0u);
}

static void test_unicast(void)
{
    uint8_t tag = 0;
    net_init(3, 0);
    vm_send(A, mac_of(B), 7);
    CHECK_EQ(pass(), 1);
    CHECK_EQ(vm_recv(B, &tag, 1), 1);
    CHECK_EQ(tag, 7);
    CHECK_EQ(vm_drain(A) + vm_drain(C), 0);
    CHECK_EQ(sw.port[A].count.rx, 1);
    CHECK_EQ(sw.port[A].count.rx_bytes, 64);
    CHECK_EQ(sw.port[B].count.tx, 1);
    CHECK_EQ(sw.port[B].count.tx_bytes, 64);
    CHECK_EQ(sw.port[A].count.flooded, 0);
    /* the whole frame arrives as sent */
    struct fring_frame f;
    vm_send(C, mac_of(A), 9);
    pass();
    CHECK(fring_get(&vm_rx[A], &f) && f.len == 64);
    CHECK(memcmp(f.data, mac_of(A), 6) == 0 && memcmp(f.data + 6, mac_of(C), 6) == 0);
    CHECK(f.data[12] == 0x08 && f.data[13] == 0 && f.data[14] == 9 && f.data[63] == 9);
    fring_release(&vm_rx[A]);
    CHECK_EQ(pass(), 0);
}

/** Broadcast, multicast and unknown unicast go to every other port, never back. */
static void test_flood(void)
{
    net_init(4, 0);
    vm_send(A, bcast, 1);
    vm_send(A, mcast, 2);
    vm_send(A, stranger, 3);
    CHECK_EQ(pass(), 3);
    for (unsigned p = B; p <= D; p++) {
        uint8_t tags[4] = {0};
        CHECK_EQ(vm_recv(p, tags, 4), 3);
        CHECK(tags[0] == 1 && tags[1] == 2 && tags[2] == 3);
    }
    CHECK_EQ(vm_drain(A), 0);
    CHECK_EQ(sw.port[A].count.flooded, 3);
    CHECK_EQ(sw.port[A].count.rx, 3);
    CHECK_EQ(sw.port[D].count.tx, 3);
}

/** A frame to the sender's own MAC is not echoed. */
static void test_self(void)
{
    net_init(3, 0);
    vm_send(A, mac_of(A), 1);
    pass();
    CHECK_EQ(vm_drain(A) + vm_drain(B) + vm_drain(C), 0);
    CHECK_EQ(sw.port[A].count.dropped_self, 1);
    CHECK_EQ(sw.port[A].count.rx, 1);
}

/** A source that is not the port's assigned MAC is dropped, counted, and not learned. */
static void test_spoof(void)
{
    static const uint8_t zero[FWD_MAC_LEN];
    net_init(3, 0);
    CHECK(vm_put(A, bcast, mac_of(B), 64, 1)); /* B's MAC */
    CHECK(vm_put(A, mac_of(C), stranger, 64, 2));
    CHECK(vm_put(A, mac_of(C), bcast, 64, 3)); /* a group address */
    CHECK(vm_put(A, mac_of(C), zero, 64, 4));
    fring_publish(&vm_tx[A]);
    CHECK_EQ(pass(), 4);
    CHECK_EQ(vm_drain(B) + vm_drain(C), 0);
    CHECK_EQ(sw.port[A].count.dropped_spoof, 4);
    CHECK_EQ(sw.port[A].count.rx, 0);
    CHECK_EQ(fwd_lookup(&sw, stranger), -1);
    CHECK_EQ(fwd_lookup(&sw, mac_of(B)), B);
}

/** Shorter than a header, or a slot claiming more than a frame: dropped, counted, never sent. */
static void test_bad_length(void)
{
    net_init(3, 0);
    vm_send_raw(A, FRING_FRAME_MIN - 1u);
    vm_send_raw(A, 0);
    vm_send_raw(A, FRING_FRAME_MAX + 1u);
    vm_send_raw(A, 0x80000000u);
    vm_send_raw(A, FRING_FRAME_MAX); /* the largest frame is fine */
    vm_send_raw(A, FRING_FRAME_MIN); /* and so is a bare header */
    CHECK_EQ(pass(), 6);
    CHECK_EQ(sw.port[A].count.dropped_short, 2);
    CHECK_EQ(sw.port[A].count.dropped_long, 2);
    CHECK_EQ(sw.port[A].in.bad_len, 2);
    CHECK_EQ(sw.port[A].count.rx, 2);
    CHECK_EQ(vm_drain(B), 2);
    CHECK_EQ(sw.port[B].count.tx_bytes, FRING_FRAME_MAX + FRING_FRAME_MIN);
}

/** A learning port: learned, forwarded to, aged out, bounded, and never another's MAC. */
static void test_learning(void)
{
    uint8_t mac[FWD_MAC_LEN] = {0x02, 0, 0, 0, 0xd, 0};
    net_init(4, 1u << D);
    CHECK_EQ(fwd_lookup(&sw, mac), -1);
    CHECK(vm_put(D, bcast, mac, 64, 1));
    fring_publish(&vm_tx[D]);
    pass();
    CHECK_EQ(fwd_lookup(&sw, mac), D);
    CHECK_EQ(vm_drain(A) + vm_drain(B) + vm_drain(C), 3);
    vm_send(A, mac, 2); /* now unicast */
    pass();
    CHECK_EQ(vm_drain(D), 1);
    CHECK_EQ(vm_drain(B) + vm_drain(C), 0);
    /* D may not use an assigned MAC */
    CHECK(vm_put(D, bcast, mac_of(A), 64, 3));
    fring_publish(&vm_tx[D]);
    pass();
    CHECK_EQ(sw.port[D].count.dropped_spoof, 1);
    CHECK_EQ(fwd_lookup(&sw, mac_of(A)), A);
    /* aged out: flooded again */
    now += AGE + 1u;
    CHECK_EQ(pass(), 0); /* the switch's clock moves at a pass */
    CHECK_EQ(fwd_lookup(&sw, mac), -1);
    vm_send(A, mac, 4);
    pass();
    CHECK_EQ(vm_drain(B) + vm_drain(C) + vm_drain(D), 3);
    /* many sources: only FWD_LEARN_PER_PORT stay, the newest, and the statics too */
    for (uint8_t i = 0; i < 12; i++) {
        mac[5] = i;
        now++;
        CHECK(vm_put(D, bcast, mac, 64, 5));
        fring_publish(&vm_tx[D]);
        pass();
    }
    unsigned known = 0;
    for (uint8_t i = 0; i < 12; i++) {
        mac[5] = i;
        known += fwd_lookup(&sw, mac) == (int)D;
    }
    CHECK_EQ(known, FWD_LEARN_PER_PORT);
    mac[5] = 11;
    CHECK_EQ(fwd_lookup(&sw, mac), D);
    mac[5] = 0;
    CHECK_EQ(fwd_lookup(&sw, mac), -1);
    for (unsigned p = A; p <= C; p++)
        CHECK_EQ(fwd_lookup(&sw, mac_of(p)), p);
}

/** A MAC moves between learning ports; one's bound never evicts the other's entries. */
static void test_learning_ports(void)
{
    uint8_t mac[FWD_MAC_LEN] = {0x02, 0, 0, 0, 0xc, 1};
    net_init(4, (1u << C) | (1u << D));
    CHECK(vm_put(C, bcast, mac, 64, 1));
    fring_publish(&vm_tx[C]);
    pass();
    CHECK_EQ(fwd_lookup(&sw, mac), C);
    CHECK(vm_put(D, bcast, mac, 64, 1)); /* it moved */
    fring_publish(&vm_tx[D]);
    pass();
    CHECK_EQ(fwd_lookup(&sw, mac), D);
    mac[4] = 0xcc;
    CHECK(vm_put(C, bcast, mac, 64, 1));
    fring_publish(&vm_tx[C]);
    pass();
    for (uint8_t i = 0; i < 40; i++) { /* D sends from 40 addresses */
        uint8_t other[FWD_MAC_LEN] = {0x02, 0, 0, 0, 0xd, i};
        now++;
        CHECK(vm_put(D, bcast, other, 64, 2));
        fring_publish(&vm_tx[D]);
        pass();
        vm_drain(A);
        vm_drain(B);
        vm_drain(C);
    }
    CHECK_EQ(fwd_lookup(&sw, mac), C); /* C's entry stays */
}

/**
 * Port A floods (its input ring full at every pass, broadcasts), port B
 * sends a few unicast frames to C: B's frames all arrive in the first
 * pass, and A gets FWD_BUDGET frames through per pass, however many wait.
 */
static void test_fair_input(void)
{
    uint8_t tags[SLOTS];
    net_init(4, 0);
    for (unsigned k = 0; k < 3; k++)
        CHECK(vm_put(B, mac_of(C), mac_of(B), 64, (uint8_t)(0xb0 + k)));
    fring_publish(&vm_tx[B]);
    unsigned from_b = 0;
    for (unsigned round = 0; round < 10; round++) {
        while (vm_put(A, bcast, mac_of(A), 64, 0xa0))
            ;
        fring_publish(&vm_tx[A]);
        CHECK_EQ(pass(), FWD_BUDGET + (round == 0 ? 3u : 0u));
        CHECK_EQ(sw.port[A].count.rx, (round + 1u) * FWD_BUDGET); /* its budget, no more */
        unsigned n = vm_recv(C, tags, SLOTS);
        for (unsigned i = 0; i < n; i++)
            from_b += tags[i] >= 0xb0;
        vm_drain(B);
        vm_drain(D);
        if (round == 0)
            CHECK_EQ(from_b, 3);
    }
    CHECK_EQ(from_b, 3);
    CHECK_EQ(sw.port[B].count.rx, 3);
}

/**
 * C's ring is full and C takes only 2 frames per pass while A floods it
 * with unicast: B's 4 frames to C still all get into C's ring within 4
 * passes, one per pass (its fair share of C's two free slots; first come
 * would give A both whenever A went first). A's excess waits in A's own
 * ring: nothing is dropped while C has room.
 */
static void test_fair_output(void)
{
    uint8_t tags[SLOTS];
    net_init(3, 0);
    for (unsigned i = 0; i < 2u * SLOTS; i++) { /* C's ring fills */
        if (vm_put(A, mac_of(C), mac_of(A), 64, 0xa0))
            fring_publish(&vm_tx[A]);
        pass();
    }
    CHECK_EQ(fring_room(&sw.port[C].out), 0);
    for (unsigned k = 0; k < 4; k++)
        CHECK(vm_put(B, mac_of(C), mac_of(B), 64, (uint8_t)(0xb0 + k)));
    fring_publish(&vm_tx[B]);
    uint64_t full = sw.port[C].count.dropped_full, a_rx = sw.port[A].count.rx;
    for (unsigned passes = 0; passes < 4; passes++) {
        while (vm_put(A, mac_of(C), mac_of(A), 64, 0xa0))
            ;
        fring_publish(&vm_tx[A]);
        CHECK_EQ(vm_recv(C, tags, 2), 2);
        pass();
    }
    unsigned from_b = 0, n = vm_recv(C, tags, SLOTS);
    for (unsigned i = 0; i < n; i++)
        from_b += tags[i] >= 0xb0;
    CHECK_EQ(from_b, 4);
    CHECK_EQ(sw.port[B].count.rx, 4);
    CHECK_EQ(sw.port[A].count.rx - a_rx, 4); /* its share: one per pass */
    CHECK_EQ(sw.port[C].count.dropped_full, full);
    CHECK(fring_room(&vm_tx[A]) < SLOTS / 2u); /* the rest waits with A */
    CHECK_EQ(sw.port[C].count.tx + sw.port[C].count.dropped_full,
             sw.port[A].count.rx + sw.port[B].count.rx);
}

/**
 * A frame held back for its share waits one pass at most: C has one free
 * slot per pass and A and B both want it; each pass one of them gets it,
 * and a held frame that again finds no share is dropped (so a slow
 * receiver delays the frames behind it by one pass at most).
 */
static void test_hold_once(void)
{
    net_init(3, 0);
    for (unsigned i = 0; i < SLOTS - 1u; i++) {
        CHECK(vm_put(A, mac_of(C), mac_of(A), 64, 0xa0));
        fring_publish(&vm_tx[A]);
        pass();
    }
    for (unsigned k = 0; k < 2; k++) {
        CHECK(vm_put(A, mac_of(C), mac_of(A), 64, 0xa1));
        CHECK(vm_put(B, mac_of(C), mac_of(B), 64, 0xb1));
    }
    fring_publish(&vm_tx[A]);
    fring_publish(&vm_tx[B]);
    uint64_t tx = sw.port[C].count.tx;
    pass();
    CHECK_EQ(sw.port[C].count.tx, tx + 1u);
    CHECK(sw.port[A].held && sw.port[B].held);
    CHECK_EQ(sw.port[C].count.dropped_full, 0);
    CHECK_EQ(vm_recv(C, NULL, 1), 1);
    pass();
    CHECK_EQ(sw.port[C].count.tx, tx + 2u);
    CHECK_EQ(sw.port[C].count.dropped_full, 1); /* the one held twice */
    CHECK(sw.port[A].held != sw.port[B].held);  /* the last one waits */
    CHECK_EQ(sw.port[A].count.rx + sw.port[B].count.rx, SLOTS - 1u + 3u);
}

/** A full output ring drops and counts at that port; the others go on. */
static void test_full(void)
{
    net_init(3, 0);
    for (unsigned i = 0; i < SLOTS + 4u; i++) {
        CHECK(vm_put(A, mac_of(C), mac_of(A), 64, (uint8_t)i));
        if (i % 8u == 7u || i == SLOTS + 3u)
            fring_publish(&vm_tx[A]);
        pass();
    }
    CHECK_EQ(sw.port[C].count.tx, SLOTS);
    CHECK_EQ(sw.port[C].count.dropped_full, 4);
    vm_send(A, mac_of(B), 1);
    pass();
    CHECK_EQ(vm_drain(B), 1);
    CHECK_EQ(vm_drain(C), SLOTS);
    vm_send(A, mac_of(C), 2);
    pass();
    CHECK_EQ(vm_drain(C), 1);
}

/** Wake bits: only for a VM side that asked, for frames or for room. */
static void test_wake(void)
{
    struct fring_frame f;
    net_init(3, 0);
    vm_send(A, mac_of(B), 1);
    pass();
    CHECK_EQ(wake, 0);
    CHECK(fring_cons_wait(&vm_rx[C])); /* C sleeps until frames come */
    vm_send(A, mac_of(C), 2);
    pass();
    CHECK_EQ(wake, 1u << C);
    CHECK_EQ(vm_drain(C), 1);
    while (vm_put(A, mac_of(B), mac_of(A), 64, 3))
        ;
    CHECK(fring_prod_wait(&vm_tx[A])); /* A waits for room */
    fring_publish(&vm_tx[A]);
    pass();
    CHECK_EQ(wake, 1u << A);
    CHECK(fring_get(&vm_rx[B], &f));
    /* the switch's own sleep: frames since its last look keep it up */
    vm_drain(B);
    while (pass())
        vm_drain(B);
    CHECK(fwd_wait(&sw));
    vm_put(C, mac_of(A), mac_of(C), 64, 4);
    CHECK(fring_publish(&vm_tx[C])); /* C signals the switch */
    CHECK(!fwd_wait(&sw));
}

/** Hostile indices on one port's rings: that port loses its frames, counted; others go on. */
static void test_hostile_rings(void)
{
    net_init(3, 0);
    struct fring_port *a = (struct fring_port *)mem[A], *c = (struct fring_port *)mem[C];
    a->to_switch.head = 0x12345678u;
    c->to_vm.tail = 0x9abcdef0u;
    CHECK_EQ(pass(), 0);
    CHECK_EQ(sw.port[A].in.bad_index, 1);
    vm_send(B, mac_of(C), 1);
    vm_send(B, mac_of(A), 2);
    pass();
    CHECK_EQ(sw.port[C].count.dropped_full, 1);
    CHECK(sw.port[C].out.bad_index >= 1);
    CHECK_EQ(sw.port[A].count.tx, 1);
    char line[FWD_STATUS_MAX];
    fwd_status(&sw, C, line, sizeof(line));
    CHECK(strstr(line, "full 1 ring ") != NULL);
}

static void test_ports(void)
{
    struct fring in = {0}, out = {0};
    fwd_init(&sw, AGE);
    CHECK_EQ(fwd_port_add(&sw, mcast, &in, &out), -1);
    CHECK_EQ(fwd_port_add(&sw, mac_of(0), &in, &out), 0);
    CHECK_EQ(fwd_port_add(&sw, mac_of(0), &in, &out), -1); /* taken */
    for (unsigned p = 1; p < FWD_PORTS_MAX; p++)
        CHECK_EQ(fwd_port_add(&sw, p % 2u ? NULL : mac_of(p), &in, &out), p);
    CHECK_EQ(fwd_port_add(&sw, NULL, &in, &out), -1);
    CHECK(sw.port[1].learning && !sw.port[2].learning);
}

static void test_status(void)
{
    char line[FWD_STATUS_MAX];
    net_init(2, 0);
    vm_send(A, mac_of(B), 1);
    vm_send_raw(A, 3);
    pass();
    fwd_status(&sw, A, line, sizeof(line));
    CHECK(strcmp(line, "02:00:00:00:00:01 rx 1 (64 B) tx 0 (0 B) flooded 0 dropped: short 1 "
                       "long 0 spoof 0 self 0 full 0 ring 0") == 0);
    memset(&sw.port[A].count, 0xff, sizeof(sw.port[A].count));
    sw.port[A].in.bad_index = sw.port[A].out.bad_index = 1ull << 62;
    fwd_status(&sw, A, line, sizeof(line));
    CHECK(strlen(line) < FWD_STATUS_MAX - 1u);
}

static void test_mac_parse(void)
{
    uint8_t mac[FWD_MAC_LEN];
    static const uint8_t want[FWD_MAC_LEN] = {0x52, 0x54, 0x00, 0xab, 0xCD, 0xef};
    CHECK(fwd_mac_parse("52:54:00:ab:CD:ef", mac));
    CHECK(memcmp(mac, want, FWD_MAC_LEN) == 0);
    CHECK(!fwd_mac_parse("52:54:00:ab:cd", mac));
    CHECK(!fwd_mac_parse("52:54:00:ab:cd:ef:", mac));
    CHECK(!fwd_mac_parse("52-54-00-ab-cd-ef", mac));
    CHECK(!fwd_mac_parse("52:54:00:ab:cd:eg", mac));
    CHECK(!fwd_mac_parse("5:54:00:ab:cd:ef", mac));
    CHECK(!fwd_mac_parse("", mac));
}

static void test_ports_file(void)
{
    static const char text[] = "# port MAC\n"
                               "vm0 02:00:00:00:00:01\n"
                               "  vm1\t02:00:00:00:00:02 \r\n"
                               "vm10 02:00:00:00:00:10\n"
                               "bad 02:00:00:00:00\n"
                               "worse 02:00:00:00:00:01 extra\n"
                               "last 02:00:00:00:00:0f";
    uint8_t mac[FWD_MAC_LEN];
    size_t len = sizeof(text) - 1u;
    CHECK_EQ(fwd_ports_find(text, len, "vm1", mac), 1);
    CHECK(memcmp(mac, mac_of(1), FWD_MAC_LEN) == 0);
    CHECK_EQ(fwd_ports_find(text, len, "vm10", mac), 1);
    CHECK_EQ(mac[5], 0x10);
    CHECK_EQ(fwd_ports_find(text, len, "vm0", mac), 1);
    CHECK(memcmp(mac, mac_of(0), FWD_MAC_LEN) == 0);
    CHECK_EQ(fwd_ports_find(text, len, "last", mac), 1); /* no newline at the end */
    CHECK_EQ(fwd_ports_find(text, len, "bad", mac), -1);
    CHECK_EQ(fwd_ports_find(text, len, "worse", mac), -1);
    CHECK_EQ(fwd_ports_find(text, len, "vm", mac), 0);
    CHECK_EQ(fwd_ports_find(text, len, "#", mac), 0);
    CHECK_EQ(fwd_ports_find(text, 10, "vm0", mac), 0); /* the length bounds it */
}

int main(void)
{
    test_unicast();
    test_flood();
    test_self();
    test_spoof();
    test_bad_length();
    test_learning();
    test_learning_ports();
    test_fair_input();
    test_fair_output();
    test_hold_once();
    test_full();
    test_wake();
    test_hostile_rings();
    test_ports();
    test_status();
    test_mac_parse();
    test_ports_file();
    return test_done("test_vswitch");
}
