/*
 * The virtual switch's forwarding core (fwd.h, docs/vswitch.md).
 *
 * A frame is read from its input slot, which its VM's side may rewrite at
 * any time: its length is read once (fring_get) and its Ethernet header is
 * copied here before any decision, and that copy is what goes out, so the
 * source MAC checked is the one the receivers get. The payload is copied
 * straight from the input slot to each output slot (one copy per
 * receiver); if the sender changes it meanwhile, only its own bytes change.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fwd.h"

#define ETH_HDR 14u /* destination, source, EtherType (IEEE 802.3 clause 3.2) */

static const uint8_t mac_zero[FWD_MAC_LEN];

static bool mac_eq(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, FWD_MAC_LEN) == 0;
}

/** The I/G bit (IEEE 802-2014 8.2): group addresses, broadcast included. */
static bool mac_group(const uint8_t *mac)
{
    return mac[0] & 1u;
}

void fwd_init(struct fwd *f, uint64_t age)
{
    memset(f, 0, sizeof(*f));
    f->age = age;
}

/** The entry holding mac, live or aged out, or -1. */
static int fwd_find(const struct fwd *f, const uint8_t *mac)
{
    for (unsigned i = 0; i < FWD_TABLE; i++)
        if (f->table[i].kind != FWD_ENTRY_FREE && mac_eq(f->table[i].mac, mac))
            return (int)i;
    return -1;
}

int fwd_lookup(const struct fwd *f, const uint8_t *mac)
{
    int i = fwd_find(f, mac);
    if (i < 0)
        return -1;
    const struct fwd_entry *e = &f->table[i];
    if (e->kind == FWD_ENTRY_LEARNED && f->now - e->seen > f->age)
        return -1;
    return e->port;
}

/** A free entry, or -1 (cannot happen while FWD_TABLE covers every port's entries). */
static int fwd_free_entry(const struct fwd *f)
{
    for (unsigned i = 0; i < FWD_TABLE; i++)
        if (f->table[i].kind == FWD_ENTRY_FREE)
            return (int)i;
    return -1;
}

int fwd_port_add(struct fwd *f, const uint8_t *mac, const struct fring *in, const struct fring *out)
{
    bool learning = mac == NULL || mac_eq(mac, mac_zero);
    if (f->port_count == FWD_PORTS_MAX || (!learning && (mac_group(mac) || fwd_find(f, mac) >= 0)))
        return -1;
    unsigned p = f->port_count;
    struct fwd_port *port = &f->port[p];
    memset(port, 0, sizeof(*port));
    port->in = *in;
    port->out = *out;
    port->learning = learning;
    if (!learning) {
        int e = fwd_free_entry(f);
        if (e < 0)
            return -1;
        memcpy(port->mac, mac, FWD_MAC_LEN);
        memcpy(f->table[e].mac, mac, FWD_MAC_LEN);
        f->table[e].port = (uint8_t)p;
        f->table[e].kind = FWD_ENTRY_STATIC;
    }
    f->port_count++;
    return (int)p;
}

/**
 * Whether port p may send from src: never a group address or zero; its
 * assigned MAC if it has one; else anything but another port's assigned MAC.
 */
static bool fwd_src_ok(const struct fwd *f, unsigned p, const uint8_t *src)
{
    if (mac_group(src) || mac_eq(src, mac_zero))
        return false;
    if (!f->port[p].learning)
        return mac_eq(src, f->port[p].mac);
    int e = fwd_find(f, src);
    return e < 0 || f->table[e].kind != FWD_ENTRY_STATIC;
}

/**
 * A learning port p sent from src: its entry is refreshed, moved to p, or
 * made, evicting p's own oldest entry once p has FWD_LEARN_PER_PORT (so a
 * port sending from many addresses never pushes out another port's).
 */
static void fwd_learn(struct fwd *f, unsigned p, const uint8_t *src)
{
    if (!f->port[p].learning)
        return; /* its one MAC is a static entry */
    int e = fwd_find(f, src), oldest = -1;
    if (e >= 0 && f->table[e].port == p) {
        f->table[e].seen = f->now;
        return;
    }
    unsigned mine = 0;
    for (unsigned i = 0; i < FWD_TABLE; i++) {
        const struct fwd_entry *t = &f->table[i];
        if (t->kind != FWD_ENTRY_LEARNED || t->port != p)
            continue;
        mine++;
        if (oldest < 0 || t->seen < f->table[oldest].seen)
            oldest = (int)i;
    }
    if (mine >= FWD_LEARN_PER_PORT)
        f->table[oldest].kind = FWD_ENTRY_FREE;
    if (e < 0)
        e = fwd_free_entry(f);
    if (e < 0)
        return;
    memcpy(f->table[e].mac, src, FWD_MAC_LEN);
    f->table[e].port = (uint8_t)p;
    f->table[e].kind = FWD_ENTRY_LEARNED;
    f->table[e].seen = f->now;
}

/**
 * Max-min fair shares of room slots among demands (demand[i] frames
 * wanting in, at most): every demand at or below the fair share is met,
 * the rest split what is left evenly, a remainder going one slot each to
 * the first in rotation order from rot.
 */
static void fwd_fill(uint32_t room, const uint32_t *demand, unsigned n, unsigned rot,
                     uint32_t *share)
{
    bool done[FWD_PORTS_MAX];
    unsigned left = 0;
    for (unsigned i = 0; i < n; i++) {
        done[i] = demand[i] == 0;
        share[i] = 0;
        left += !done[i];
    }
    for (bool met = true; met && left;) {
        uint32_t fair = room / left;
        met = false;
        for (unsigned i = 0; i < n; i++) {
            if (done[i] || demand[i] > fair)
                continue;
            share[i] = demand[i];
            room -= demand[i];
            done[i] = met = true;
            left--;
        }
    }
    for (unsigned k = 0, rank = 0; left && k < n; k++) {
        unsigned i = (rot + k) % n;
        if (!done[i])
            share[i] = room / left + (rank++ < room % left ? 1u : 0u);
    }
}

/** Each output's free slots shared among the inputs' demands (a port never feeds itself). */
static void fwd_share(struct fwd *f, const uint32_t *demand)
{
    uint32_t want[FWD_PORTS_MAX];
    for (unsigned o = 0; o < f->port_count; o++) {
        memcpy(want, demand, sizeof(want));
        want[o] = 0;
        f->room[o] = fring_room(&f->port[o].out);
        fwd_fill(f->room[o], want, f->port_count, f->start, f->share[o]);
    }
}

/** Whether input in has used up its share of output o this pass. */
static bool fwd_share_spent(const struct fwd *f, unsigned in, unsigned o)
{
    return f->used[o] >= f->share[o][in];
}

/** A copy of the frame (header hdr, the rest from data) for port o, within in's share. */
static void fwd_send(struct fwd *f, unsigned in, unsigned o, const uint8_t *hdr,
                     const uint8_t *data, uint32_t len)
{
    struct fwd_port *port = &f->port[o];
    uint8_t *buf = fwd_share_spent(f, in, o) ? NULL : fring_stage_buf(&port->out);
    if (buf == NULL) {
        port->count.dropped_full++;
        return;
    }
    memcpy(buf, hdr, ETH_HDR);
    memcpy(buf + ETH_HDR, data + ETH_HDR, len - ETH_HDR);
    (void)fring_stage(&port->out, len); /* len was checked: it stages */
    f->used[o]++;
    port->count.tx++;
    port->count.tx_bytes += len;
}

/** Whether a frame of in passes the length and source checks (else counted). */
static bool fwd_check(struct fwd *f, unsigned in, const struct fring_frame *fr, const uint8_t *hdr)
{
    struct fwd_counters *c = &f->port[in].count;
    if (fr->data == NULL)
        c->dropped_long++;
    else if (fr->len < ETH_HDR)
        c->dropped_short++;
    else if (!fwd_src_ok(f, in, hdr + FWD_MAC_LEN))
        c->dropped_spoof++;
    else
        return true;
    return false;
}

/**
 * One frame from port in: checked, learned from, and sent on or dropped.
 * false: held back (a unicast frame whose output had room at the start of
 * the pass but in's share of it is spent, and may_hold): it stays first
 * in in's ring for the next pass.
 */
static bool fwd_frame(struct fwd *f, unsigned in, const struct fring_frame *fr, bool may_hold)
{
    struct fwd_counters *c = &f->port[in].count;
    uint8_t hdr[ETH_HDR] = {0};
    if (fr->data != NULL && fr->len >= ETH_HDR)
        memcpy(hdr, fr->data, ETH_HDR); /* what is checked is what goes out */
    if (!fwd_check(f, in, fr, hdr))
        return true;
    fwd_learn(f, in, hdr + FWD_MAC_LEN);
    int to = mac_group(hdr) ? -1 : fwd_lookup(f, hdr);
    if (to >= 0 && to != (int)in && may_hold && f->room[to] && fwd_share_spent(f, in, (unsigned)to))
        return false;
    c->rx++;
    c->rx_bytes += fr->len;
    if (to == (int)in) {
        c->dropped_self++;
    } else if (to >= 0) {
        fwd_send(f, in, (unsigned)to, hdr, fr->data, fr->len);
    } else {
        c->flooded++;
        for (unsigned o = 0; o < f->port_count; o++)
            if (o != in)
                fwd_send(f, in, o, hdr, fr->data, fr->len);
    }
    return true;
}

/**
 * Up to n frames of port p, stopping at one held back; how many it took.
 * A frame is held at most once: first in the next pass, it goes or is
 * dropped, so a slow receiver delays the frames behind it by one pass at
 * most. Sets p's bit in *wake if its VM side waits for the room freed.
 */
static uint32_t fwd_input(struct fwd *f, unsigned p, uint32_t n, uint32_t *wake)
{
    struct fwd_port *port = &f->port[p];
    struct fring_frame fr;
    bool held = port->held;
    uint32_t k = 0;
    port->held = false;
    memset(f->used, 0, sizeof(f->used));
    for (; k < n && fring_get(&port->in, &fr); k++) {
        if (!fwd_frame(f, p, &fr, k > 0 || !held)) {
            fring_unget(&port->in);
            port->held = true;
            break;
        }
    }
    if (fring_release(&port->in))
        *wake |= 1u << p;
    return k;
}

uint32_t fwd_pass(struct fwd *f, uint64_t now, uint32_t *wake)
{
    uint32_t demand[FWD_PORTS_MAX] = {0}, taken = 0;
    bool any = false;
    f->now = now;
    *wake = 0;
    for (unsigned p = 0; p < f->port_count; p++) {
        uint32_t n = fring_avail(&f->port[p].in);
        demand[p] = n < FWD_BUDGET ? n : FWD_BUDGET;
        any |= n > 0;
    }
    if (!any)
        return 0;
    fwd_share(f, demand);
    for (unsigned k = 0; k < f->port_count; k++) {
        unsigned p = (f->start + k) % f->port_count;
        if (demand[p])
            taken += fwd_input(f, p, demand[p], wake);
    }
    for (unsigned o = 0; o < f->port_count; o++)
        if (fring_publish(&f->port[o].out))
            *wake |= 1u << o;
    if (++f->start >= f->port_count)
        f->start = 0;
    return taken;
}

bool fwd_wait(struct fwd *f)
{
    for (unsigned p = 0; p < f->port_count; p++)
        if (!fring_cons_wait(&f->port[p].in))
            return false;
    return true;
}

void fwd_status(const struct fwd *f, unsigned p, char *buf, size_t n)
{
    const struct fwd_port *port = &f->port[p];
    const struct fwd_counters *c = &port->count;
    const uint8_t *m = port->mac;
    snprintf(buf, n,
             "%02x:%02x:%02x:%02x:%02x:%02x rx %" PRIu64 " (%" PRIu64 " B) tx %" PRIu64 " (%" PRIu64
             " B) flooded %" PRIu64 " dropped: short %" PRIu64 " long %" PRIu64 " spoof %" PRIu64
             " self %" PRIu64 " full %" PRIu64 " ring %" PRIu64,
             m[0], m[1], m[2], m[3], m[4], m[5], c->rx, c->rx_bytes, c->tx, c->tx_bytes, c->flooded,
             c->dropped_short, c->dropped_long, c->dropped_spoof, c->dropped_self, c->dropped_full,
             port->in.bad_index + port->out.bad_index);
}

/** A hex digit's value, or -1. */
static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool fwd_mac_parse(const char *s, uint8_t *mac)
{
    for (unsigned i = 0; i < FWD_MAC_LEN; i++, s += 3) {
        int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0 || s[2] != (i + 1 < FWD_MAC_LEN ? ':' : '\0'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int fwd_ports_find(const char *text, size_t len, const char *name, uint8_t *mac)
{
    size_t name_len = strlen(name);
    for (size_t at = 0, end; at < len; at = end + 1) {
        for (end = at; end < len && text[end] != '\n';)
            end++;
        size_t i = at;
        while (i < end && blank(text[i]))
            i++;
        if (end - i <= name_len || text[i] == '#' || memcmp(text + i, name, name_len) != 0 ||
            !blank(text[i + name_len]))
            continue; /* another port's line, a comment, or a blank line */
        char addr[FWD_MAC_TEXT];
        size_t k = 0;
        for (i += name_len; i < end && blank(text[i]);)
            i++;
        while (i < end && !blank(text[i]) && k < sizeof(addr) - 1u)
            addr[k++] = text[i++];
        addr[k] = 0;
        while (i < end && blank(text[i]))
            i++;
        return i == end && fwd_mac_parse(addr, mac) ? 1 : -1;
    }
    return 0;
}
