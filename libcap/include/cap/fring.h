/*
 * A frame ring in memory shared by two components, one producer and one
 * consumer: the link between a VM's VMM and the virtual switch
 * (components/vswitch, docs/vswitch.md). Each slot holds one Ethernet
 * frame (header included, no FCS) and its length; the slot count is a
 * power of two and the indices (frames ever published, frames ever taken)
 * are free-running.
 *
 * Batches: the producer fills any number of slots, then publishes them
 * with one write of `head`; the consumer takes every frame waiting, then
 * frees their slots with one write of `tail`.
 *
 * Neither side trusts the other. Each keeps its own copy of the index it
 * owns (the producer its head, the consumer its tail) and reads the
 * other's once per refresh: a head that claims more frames than the ring
 * holds, or goes back, makes the consumer drop everything waiting (it
 * moves its tail up to that head, counted in bad_index); a tail ahead of
 * the head, or more than the ring behind it, leaves the producer no room
 * (counted likewise); a slot whose length is over FRING_FRAME_MAX is
 * never handed out as a frame (counted in bad_len). No index or length is
 * used to address memory without being reduced to the ring first.
 *
 * Signals (docs/vswitch.md, "Signalling"): a side that runs out of work
 * (the consumer: nothing waiting; the producer: no room) sets its wait
 * flag and checks again (fring_cons_wait, fring_prod_wait) before it
 * sleeps; the other side, after its one index write of a batch, clears
 * that flag and signals only if it was set (fring_publish, fring_release).
 * A full barrier sits between each side's store and its load, so one of
 * the two always sees the other: no signal is lost, and none is sent
 * unless asked for.
 */
#ifndef CAP_FRING_H
#define CAP_FRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRING_FRAME_MIN  14u   /* an Ethernet header: destination, source, type */
#define FRING_FRAME_MAX  1514u /* header + 1500 bytes of payload, no FCS */
#define FRING_SLOT_SIZE  1536u
#define FRING_SLOTS_MAX  1024u /* per ring, so indices stay far from wrapping in a batch */
#define FRING_PORT_SLOTS 4096u /* offset of the first slot in a port's dataport */

/** One slot: a frame's length and bytes. */
struct fring_slot {
    volatile uint32_t len; /* bytes of data holding the frame */
    uint32_t reserved;
    uint8_t data[FRING_SLOT_SIZE - 8u];
};
_Static_assert(sizeof(struct fring_slot) == FRING_SLOT_SIZE, "slots are 1536 bytes");
_Static_assert(FRING_SLOT_SIZE - 8u >= FRING_FRAME_MAX, "a slot holds the largest frame");

/**
 * A ring's shared indices and wait flags, each side's own on its own
 * cache line. A flag is set by the side that waits and cleared by the one
 * that signals it.
 */
struct fring_shared {
    volatile uint32_t head;      /* frames ever published (producer) */
    volatile uint32_t prod_wait; /* producer: signal me when tail moves */
    uint32_t reserved0[14];
    volatile uint32_t tail;      /* frames ever taken (consumer) */
    volatile uint32_t cons_wait; /* consumer: signal me when head moves */
    uint32_t reserved1[14];
};
_Static_assert(sizeof(struct fring_shared) == 128, "two cache lines");

/**
 * A port's dataport between a VMM and the switch: the two rings' shared
 * parts, then from FRING_PORT_SLOTS the to_switch ring's slots followed by
 * the to_vm ring's, as many in each as the dataport's size allows
 * (fring_port_slots).
 */
struct fring_port {
    struct fring_shared to_switch; /* the VM's frames: the VMM produces */
    struct fring_shared to_vm;     /* frames for the VM: the switch produces */
};

/** Which end of a port's dataport a component is. */
enum fring_side {
    FRING_SIDE_VM,     /* the VMM: produces to_switch, consumes to_vm */
    FRING_SIDE_SWITCH, /* the switch: produces to_vm, consumes to_switch */
};

/**
 * One side's private view of a ring (not in shared memory): where it is,
 * its size, the index this side owns, what it has seen, and its counts.
 */
struct fring {
    struct fring_shared *sh;
    struct fring_slot *slot;
    uint32_t mask;      /* slots - 1 */
    uint32_t pos;       /* producer: head published; consumer: tail published */
    uint32_t next;      /* producer: frames staged after pos; consumer: taken after pos */
    uint32_t seen;      /* producer: free slots known after pos; consumer: frames known waiting */
    uint64_t bad_index; /* the other side's index claimed more than the ring holds */
    uint64_t bad_len;   /* slots whose length was over FRING_FRAME_MAX */
};

/** A frame the consumer took: data in the ring (valid until fring_release). */
struct fring_frame {
    const uint8_t *data; /* NULL: the slot's length was bad and the frame is dropped */
    uint32_t len;        /* as the slot claims it (over FRING_FRAME_MAX if data is NULL) */
};

/**
 * Slots per ring in a port's dataport of size bytes: the largest power of
 * two, at most FRING_SLOTS_MAX, whose two rings fit; 0 if not 2.
 */
uint32_t fring_port_slots(size_t size);

/**
 * Opens the two rings of a port's dataport (mem, size bytes) as side:
 * *out is the ring this side produces into, *in the one it consumes.
 * false if the dataport holds fewer than 2 slots per ring.
 */
bool fring_port_open(void *mem, size_t size, enum fring_side side, struct fring *out,
                     struct fring *in);

/**
 * Opens a ring of slots slots (a power of two, 2..FRING_SLOTS_MAX) with
 * shared part sh and slot array slot, as its producer or consumer: the
 * index this side owns starts where the shared one is.
 */
void fring_open(struct fring *r, struct fring_shared *sh, struct fring_slot *slot, uint32_t slots,
                bool producer);

/** Producer: free slots after those staged (0 if the consumer's tail is inconsistent). */
uint32_t fring_room(struct fring *r);

/** Producer: the data of the next free slot, to write a frame into; NULL if none. */
uint8_t *fring_stage_buf(struct fring *r);

/**
 * Producer: the slot fring_stage_buf gave holds a frame of len bytes
 * (FRING_FRAME_MIN..FRING_FRAME_MAX, else nothing is staged: false).
 */
bool fring_stage(struct fring *r, uint32_t len);

/** Producer: copies a frame into the next free slot and stages it; false if no room or bad len. */
bool fring_put(struct fring *r, const void *frame, uint32_t len);

/**
 * Producer: makes every staged frame visible (one write of head). true if
 * the consumer asked to be woken: the caller signals it (the flag is
 * cleared, so one signal answers one request).
 */
bool fring_publish(struct fring *r);

/**
 * Producer that found no room: asks for a signal when the consumer frees
 * slots. true: still no room, sleep until signalled (then try again);
 * false: room came meanwhile, go on.
 */
bool fring_prod_wait(struct fring *r);

/** Consumer: frames waiting and not yet taken (a bad head resets the ring: 0). */
uint32_t fring_avail(struct fring *r);

/** Consumer: takes the next waiting frame into *f; false if none waits. */
bool fring_get(struct fring *r, struct fring_frame *f);

/** Consumer: the frame fring_get gave last goes back; the next fring_get gives it again. */
void fring_unget(struct fring *r);

/**
 * Consumer: frees the slots of every frame taken (one write of tail); the
 * frames' data may be overwritten from then on. true if the producer
 * asked to be woken: the caller signals it.
 */
bool fring_release(struct fring *r);

/**
 * Consumer that found nothing waiting: asks for a signal when frames are
 * published. true: still nothing, sleep until signalled; false: frames
 * came meanwhile, go on.
 */
bool fring_cons_wait(struct fring *r);

#endif /* CAP_FRING_H */
