/*
 * The virtual switch's forwarding core, portable (host unit tested and
 * fuzzed): up to FWD_PORTS_MAX ports, each a pair of frame rings
 * (cap/fring.h) to one VM's VMM, and each with the MAC address its VM is
 * assigned in the description. docs/vswitch.md has the design.
 *
 * A pass (fwd_pass) takes at most FWD_BUDGET frames from each port's
 * input ring, starting at a port that rotates from pass to pass, and for
 * each frame:
 *   - drops and counts it if it is shorter than an Ethernet header or its
 *     slot claims more than FRING_FRAME_MAX bytes;
 *   - drops and counts it if its source MAC is not the port's assigned
 *     one (a port without one, a learning port, may use any unicast MAC
 *     that is not another port's assigned one);
 *   - learns the source (a bounded table: the assigned MACs are static
 *     entries, a learning port's are aged and at most FWD_LEARN_PER_PORT);
 *   - forwards a known unicast destination to its port, floods broadcast,
 *     multicast and unknown unicast to every other port; never sends a
 *     frame back to the port it came from.
 * Each output ring's free slots at the start of the pass are shared
 * max-min fairly among the inputs with frames waiting (fwd_fill): an
 * input never gets more than its share of another port's ring, so one
 * that floods cannot crowd out the others. A unicast frame over its
 * input's share of a ring that had room is held back in its input ring
 * for one pass (the input's batch ends there: backpressure on the sender,
 * not loss); otherwise a copy that finds no room is dropped and counted at
 * that output. Nothing is buffered beyond the rings.
 */
#ifndef VSWITCH_FWD_H
#define VSWITCH_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cap/fring.h>

#define FWD_PORTS_MAX      8u
#define FWD_BUDGET         32u /* frames taken from one input per pass */
#define FWD_LEARN_PER_PORT 7u  /* MACs a learning port may have in the table */
#define FWD_TABLE          (FWD_PORTS_MAX * (1u + FWD_LEARN_PER_PORT))
#define FWD_MAC_LEN        6u
#define FWD_MAC_TEXT       18u  /* "aa:bb:cc:dd:ee:ff" and its NUL */
#define FWD_STATUS_MAX     320u /* a status line's length with its NUL, any counts */

/** What happened at a port, from the switch's side: rx is from its VM, tx to it. */
struct fwd_counters {
    uint64_t rx, rx_bytes;  /* frames (bytes) from the VM accepted */
    uint64_t tx, tx_bytes;  /* frames (bytes) put in the VM's ring */
    uint64_t flooded;       /* accepted frames sent to every other port */
    uint64_t dropped_short; /* from the VM: shorter than FRING_FRAME_MIN */
    uint64_t dropped_long;  /* from the VM: its slot claimed over FRING_FRAME_MAX */
    uint64_t dropped_spoof; /* from the VM: a source MAC it may not use */
    uint64_t dropped_self;  /* from the VM: unicast to a MAC of its own port */
    uint64_t dropped_full;  /* for the VM: its ring (or the sender's share of it) was full */
};

/** One port: its rings (the switch's side), its assigned MAC, its counts. */
struct fwd_port {
    struct fring in;  /* the VM's frames (to_switch) */
    struct fring out; /* frames for the VM (to_vm) */
    uint8_t mac[FWD_MAC_LEN];
    bool learning; /* no assigned MAC: learns what it uses */
    bool held;     /* its first waiting frame was held back last pass */
    struct fwd_counters count;
};

/** A learning-table entry: a MAC and its port. */
struct fwd_entry {
    uint8_t mac[FWD_MAC_LEN];
    uint8_t port;
    uint8_t kind;  /* FWD_ENTRY_FREE, _STATIC (assigned), _LEARNED (aged) */
    uint64_t seen; /* learned: when its source last came (fwd_pass's now) */
};

enum { FWD_ENTRY_FREE, FWD_ENTRY_STATIC, FWD_ENTRY_LEARNED };

/** A switch: its ports, learning table and per-pass state. */
struct fwd {
    struct fwd_port port[FWD_PORTS_MAX];
    unsigned port_count;
    struct fwd_entry table[FWD_TABLE];
    uint64_t now;   /* of the current pass */
    uint64_t age;   /* a learned entry older than this is forgotten */
    unsigned start; /* first port of the next pass (rotates) */
    /* this pass: output o's free slots at its start, how many input i may fill
     * (share[o][i]), how many the current input has filled (used[o]) */
    uint32_t room[FWD_PORTS_MAX];
    uint32_t share[FWD_PORTS_MAX][FWD_PORTS_MAX];
    uint32_t used[FWD_PORTS_MAX];
};

/** An empty switch whose learned entries live age units of fwd_pass's clock. */
void fwd_init(struct fwd *f, uint64_t age);

/**
 * Adds a port with rings in and out (opened on the switch's side) and
 * assigned MAC mac (NULL or all zero: a learning port). Its index, or -1:
 * FWD_PORTS_MAX ports already, a multicast MAC, or another port's MAC.
 */
int fwd_port_add(struct fwd *f, const uint8_t *mac, const struct fring *in,
                 const struct fring *out);

/**
 * One pass over the ports at time now (any unit, the one of fwd_init's
 * age): forwards what waits, at most FWD_BUDGET frames per input, and
 * publishes each output once. *wake gets a bit per port whose VM side
 * asked to be signalled (frames for it, or room in its input ring).
 * Returns the frames taken (a frame held back is not: fwd_frame in
 * fwd.c); 0 when every input was empty, or when each waiting one's first
 * frame was held back, which fwd_wait tells apart (it says: run again).
 */
uint32_t fwd_pass(struct fwd *f, uint64_t now, uint32_t *wake);

/**
 * Before the switch sleeps: asks every input to signal it when frames come
 * (fring_cons_wait). false if some already came: run another pass.
 */
bool fwd_wait(struct fwd *f);

/** The port a frame to mac goes to, or -1 (unknown: flooded). */
int fwd_lookup(const struct fwd *f, const uint8_t *mac);

/**
 * Port p's status line into buf (n bytes, FWD_STATUS_MAX is enough):
 * MAC, rx/tx frames and bytes, every drop count, ring errors.
 */
void fwd_status(const struct fwd *f, unsigned p, char *buf, size_t n);

/** Parses "aa:bb:cc:dd:ee:ff" (hex, either case) at s into mac; false if not that. */
bool fwd_mac_parse(const char *s, uint8_t *mac);

/**
 * The MAC of port name in a ports file (text, len bytes, not
 * NUL-terminated): lines "NAME aa:bb:cc:dd:ee:ff", blanks around, other
 * lines (comments, other ports) ignored. 1 and *mac set if name's line is
 * well-formed; -1 if it is not; 0 if there is none.
 */
int fwd_ports_find(const char *text, size_t len, const char *name, uint8_t *mac);

#endif /* VSWITCH_FWD_H */
