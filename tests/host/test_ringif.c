/*
 * netstack's network interface (components/netstack/ringif.c) with lwIP
 * built for the host, over a real port dataport whose other side the test
 * plays (the switch's): the address is announced (a gratuitous ARP), an
 * ARP request is answered with the component's
 * MAC, an ICMP echo request with its reply (payload, checksums), frames
 * with a bad slot length, under a header or for another MAC are dropped
 * and counted, nothing comes back for them; with its ring full the
 * interface waits RINGIF_TX_WAIT_MS for room, then drops and counts; one
 * kick answers the switch's request for one. cap/time.h and cap/ipc.h are
 * fakes (tests/host/fake_cap): time moves only when the test or a wait
 * moves it.
 */
#include "lwip/init.h"
#include "lwip/stats.h"
#include "ringif.h"
#include "test_vmm.h"

#define SLOTS     8u
#define PORT_SIZE (FRING_PORT_SLOTS + 2u * SLOTS * FRING_SLOT_SIZE)

uint64_t fake_now;
static unsigned kicks;

static _Alignas(64) uint8_t mem[PORT_SIZE];
static struct fring sw_out, sw_in; /* the switch's side: to_vm, to_switch */
static struct ringif rif;

static const uint8_t ns_mac[6] = {2, 0, 0, 0, 0, 2};
static const uint8_t vm_mac[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t ns_ip[4] = {10, 0, 0, 2};
static const uint8_t vm_ip[4] = {10, 0, 0, 1};

void cv_signal(uint64_t ntfn)
{
    CHECK_EQ(ntfn, 1); /* only ever the kick */
    kicks++;
}

bool cv_wait_until(uint64_t ntfn, uint64_t deadline, uint64_t *word)
{
    CHECK_EQ(ntfn, 2);
    if (deadline > fake_now)
        fake_now = deadline;
    *word = 0;
    return false;
}

/** The Internet checksum of n bytes (RFC 1071): 0 over a header holding its own. */
static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1u)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)~s;
}

/** An Ethernet header dst <- src of type at f. */
static void eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
}

/** The switch publishes a frame; claim, if not 0, is the length its slot says instead. */
static void sw_send(const uint8_t *f, uint32_t len, uint32_t claim)
{
    CHECK(fring_put(&sw_out, f, len));
    if (claim)
        sw_out.slot[(sw_out.pos + sw_out.next - 1u) & sw_out.mask].len = claim;
    (void)fring_publish(&sw_out);
}

/** The next frame the component sent, copied to buf; its length, 0 if none. */
static uint32_t sw_recv(uint8_t *buf)
{
    struct fring_frame f;
    if (!fring_get(&sw_in, &f))
        return 0;
    CHECK(f.data != NULL);
    memcpy(buf, f.data, f.len);
    (void)fring_release(&sw_in);
    return f.len;
}

/** The component takes what is waiting and publishes what it sends. */
static void ns_run(void)
{
    (void)ringif_input(&rif);
    ringif_flush(&rif);
}

/** At start, lwIP announces the address: one gratuitous ARP, broadcast. */
static void test_announce(void)
{
    uint8_t r[FRING_FRAME_MAX] = {0};
    ns_run();
    CHECK_EQ(sw_recv(r), 42);
    CHECK(r[0] == 0xff && memcmp(r + 6, ns_mac, 6) == 0 && r[12] == 0x08 && r[13] == 0x06);
    CHECK(memcmp(r + 28, ns_ip, 4) == 0 && memcmp(r + 38, ns_ip, 4) == 0);
    CHECK_EQ(sw_recv(r), 0);
}

static void test_arp(void)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t arp_hdr[8] = {0, 1, 8, 0, 6, 4, 0, 1}; /* Ethernet, IPv4, request */
    uint8_t f[60] = {0}, r[FRING_FRAME_MAX] = {0};
    eth(f, bcast, vm_mac, 0x0806);
    memcpy(f + 14, arp_hdr, 8);
    memcpy(f + 22, vm_mac, 6);
    memcpy(f + 28, vm_ip, 4);
    memcpy(f + 38, ns_ip, 4);
    sw_send(f, sizeof(f), 0);
    ns_run();
    CHECK_EQ(sw_recv(r), 42);
    CHECK(memcmp(r, vm_mac, 6) == 0 && memcmp(r + 6, ns_mac, 6) == 0);
    CHECK(r[12] == 0x08 && r[13] == 0x06 && r[21] == 2); /* a reply */
    CHECK(memcmp(r + 22, ns_mac, 6) == 0 && memcmp(r + 28, ns_ip, 4) == 0);
    CHECK(memcmp(r + 32, vm_mac, 6) == 0 && memcmp(r + 38, vm_ip, 4) == 0);
    CHECK_EQ(sw_recv(r), 0);
}

/** An echo request of id, seq and a 56-byte payload into f; its length. */
static uint32_t echo_request(uint8_t *f, uint16_t seq)
{
    uint8_t *ip = f + 14, *icmp = ip + 20;
    memset(f, 0, 98);
    eth(f, ns_mac, vm_mac, 0x0800);
    ip[0] = 0x45;
    ip[3] = 84; /* total length */
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, vm_ip, 4);
    memcpy(ip + 16, ns_ip, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    icmp[0] = 8;
    icmp[4] = 0x12;
    icmp[5] = 0x34;
    icmp[6] = (uint8_t)(seq >> 8);
    icmp[7] = (uint8_t)seq;
    for (unsigned i = 0; i < 56; i++)
        icmp[8 + i] = (uint8_t)(i * 7u + seq);
    c = csum(icmp, 64);
    icmp[2] = (uint8_t)(c >> 8);
    icmp[3] = (uint8_t)c;
    return 98;
}

/** r is the reply to echo request q. */
static void check_echo_reply(const uint8_t *r, uint32_t len, const uint8_t *q)
{
    CHECK_EQ(len, 98);
    CHECK(memcmp(r, vm_mac, 6) == 0 && memcmp(r + 6, ns_mac, 6) == 0);
    CHECK_EQ(csum(r + 14, 20), 0);
    CHECK(memcmp(r + 26, ns_ip, 4) == 0 && memcmp(r + 30, vm_ip, 4) == 0);
    CHECK_EQ(r[34], 0); /* echo reply */
    CHECK_EQ(csum(r + 34, 64), 0);
    CHECK(memcmp(r + 38, q + 38, 60) == 0); /* id, seq, payload */
}

static void test_icmp(void)
{
    uint8_t q[98], r[FRING_FRAME_MAX] = {0};
    uint32_t len = echo_request(q, 1);
    sw_send(q, len, 0);
    ns_run();
    check_echo_reply(r, sw_recv(r), q);
    CHECK_EQ(sw_recv(r), 0);
}

static void test_dropped(void)
{
    static const uint8_t other[6] = {2, 0, 0, 0, 0, 0x99};
    uint8_t q[98], r[FRING_FRAME_MAX] = {0};
    struct ringif_counters before = rif.count;
    uint32_t len = echo_request(q, 2);
    sw_send(q, len, 2000); /* a slot claiming more than a frame */
    sw_send(q, len, 10);   /* less than a header */
    memcpy(q, other, 6);   /* for another MAC */
    sw_send(q, len, 0);
    ns_run();
    CHECK_EQ(sw_recv(r), 0);
    CHECK_EQ(rif.count.rx_malformed - before.rx_malformed, 2);
    CHECK_EQ(rif.count.rx_not_mine - before.rx_not_mine, 1);
    CHECK_EQ(rif.count.rx, before.rx);
    CHECK_EQ(rif.count.tx, before.tx);
}

static void test_full(void)
{
    uint8_t q[98], r[FRING_FRAME_MAX] = {0};
    struct ringif_counters before = rif.count;
    for (uint16_t i = 0; i < SLOTS; i++) { /* fills the ring of replies */
        sw_send(q, echo_request(q, (uint16_t)(10u + i)), 0);
        ns_run();
    }
    uint64_t t = fake_now;
    sw_send(q, echo_request(q, 99), 0);
    ns_run(); /* no room: waits, then drops */
    CHECK_EQ(fake_now - t, RINGIF_TX_WAIT_MS * 1000u);
    CHECK_EQ(rif.count.tx_full - before.tx_full, 1);
    CHECK_EQ(rif.count.tx - before.tx, SLOTS);
    unsigned n = 0;
    while (sw_recv(r))
        n++;
    CHECK_EQ(n, SLOTS);
    CHECK_EQ(lwip_stats.link.drop > 0, 1);
}

static void test_kick(void)
{
    uint8_t q[98], r[FRING_FRAME_MAX] = {0};
    unsigned k = kicks;
    ns_run();
    CHECK(fring_cons_wait(&sw_in)); /* the switch waits for frames */
    sw_send(q, echo_request(q, 3), 0);
    ns_run();
    CHECK_EQ(kicks - k, 1); /* asked once, kicked once */
    check_echo_reply(r, sw_recv(r), q);
    sw_send(q, echo_request(q, 4), 0);
    ns_run();
    CHECK_EQ(kicks - k, 1); /* not asked again */
    check_echo_reply(r, sw_recv(r), q);
}

int main(void)
{
    ip4_addr_t ip, mask;
    IP4_ADDR(&ip, 10, 0, 0, 2);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    fake_now = 1000000u;
    lwip_init();
    CHECK(fring_port_open(mem, PORT_SIZE, FRING_SIDE_SWITCH, &sw_out, &sw_in));
    CHECK(ringif_open(&rif, mem, PORT_SIZE, 1, 2, ns_mac, &ip, &mask));
    CHECK(!ringif_open(&rif, mem, FRING_PORT_SLOTS + FRING_SLOT_SIZE, 1, 2, ns_mac, &ip, &mask));
    test_announce();
    test_arp();
    test_icmp();
    test_dropped();
    test_full();
    test_kick();
    return test_done("test_ringif");
}
