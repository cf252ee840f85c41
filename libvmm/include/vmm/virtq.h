/*
 * Split virtqueues, the device side (virtio 1.2 section 2.7).
 *
 * The three rings live in guest RAM and the guest may change any word of
 * them at any time, from another core. So every word is read once into a
 * local before it is checked and used: ring indices, descriptor indices,
 * lengths and addresses are all checked against the queue and against
 * guest RAM (gmem.h), and a chain is copied out as a list of checked
 * segments before a device touches its buffers. What a guest can get
 * wrong is an error the device reports (it then needs a reset, virtio
 * 1.2 section 2.1.2), never a read or write outside guest RAM.
 *
 * Feature bits the devices here do not offer: VIRTIO_F_INDIRECT_DESC (a
 * descriptor with the INDIRECT flag is an error) and VIRTIO_F_EVENT_IDX
 * (notifications follow the flags fields alone).
 */
#ifndef VMM_VIRTQ_H
#define VMM_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/gmem.h"

/* virtq_desc.flags, virtio 1.2 section 2.7.5 */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
/* virtq_avail.flags, section 2.7.6; virtq_used.flags, section 2.7.8 */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u

/** The largest queue the devices here offer (QueueNumMax); a power of two. */
#define VIRTQ_SIZE_MAX 256u

/** What a queue operation found. */
enum virtq_result {
    VIRTQ_OK = 0,
    VIRTQ_EMPTY,       /* no buffer available */
    VIRTQ_E_SIZE,      /* queue size 0, not a power of two or above VIRTQ_SIZE_MAX */
    VIRTQ_E_ALIGN,     /* a ring address is not aligned as section 2.7 requires */
    VIRTQ_E_RING,      /* a ring is not wholly inside guest RAM */
    VIRTQ_E_AVAIL_IDX, /* the driver made more buffers available than the queue holds */
    VIRTQ_E_HEAD,      /* an available ring entry names a descriptor past the queue */
    VIRTQ_E_NEXT,      /* a descriptor's next is past the queue */
    VIRTQ_E_LOOP,      /* a chain longer than the queue: it loops */
    VIRTQ_E_BUFFER,    /* a buffer not wholly inside guest RAM */
    VIRTQ_E_INDIRECT,  /* an indirect descriptor (the feature is not offered) */
    VIRTQ_E_ORDER,     /* a device-readable descriptor after a device-writable one */
    VIRTQ_E_USED_LEN,  /* the device reports more written than the chain can take */
};

/** One checked buffer of a chain: the VMM's pointer to it and its length. */
struct virtq_seg {
    uint8_t *ptr;
    uint32_t len;
};

/**
 * A descriptor chain taken from the available ring, readable segments
 * first: seg[0..out_count) the device reads, seg[out_count..count) it
 * writes (section 2.7.4.2).
 */
struct virtq_chain {
    uint16_t head;
    unsigned count, out_count;
    uint64_t out_len, in_len; /* bytes the device can read, can write */
    struct virtq_seg seg[VIRTQ_SIZE_MAX];
};

/* The rings' layout in guest memory (section 2.7), little-endian. */
struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/** A queue the driver has set up (virtq_setup). */
struct virtq {
    uint16_t size;
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t last_avail; /* next available ring entry to take */
    uint16_t used_idx;   /* our copy of used->idx */
    struct gmem mem;
};

/**
 * Checks a queue as the driver set it up (size, and the IPAs of the
 * descriptor table, driver (available) and device (used) rings) and maps
 * it. On an error q is left unusable (size 0).
 */
enum virtq_result virtq_setup(struct virtq *q, const struct gmem *mem, uint16_t size, uint64_t desc,
                              uint64_t avail, uint64_t used);

/** True once virtq_setup succeeded (and until virtq_clear). */
bool virtq_ready(const struct virtq *q);

/** Forgets the queue (device reset). */
void virtq_clear(struct virtq *q);

/**
 * Takes the next available chain into *c, checking every descriptor of it:
 * VIRTQ_OK, VIRTQ_EMPTY, or the error that makes the queue unusable.
 */
enum virtq_result virtq_pop(struct virtq *q, struct virtq_chain *c);

/**
 * Returns chain `c` to the driver with `written` bytes written into its
 * writable segments (at most c->in_len: VIRTQ_E_USED_LEN otherwise, and
 * nothing is returned).
 */
enum virtq_result virtq_push(struct virtq *q, const struct virtq_chain *c, uint32_t written);

/** Whether the driver wants an interrupt for used buffers (section 2.7.7). */
bool virtq_wants_interrupt(const struct virtq *q);

/**
 * Asks the driver to notify when it makes buffers available, or not to
 * (VIRTQ_USED_F_NO_NOTIFY, section 2.7.7.1: a hint it may ignore). Returns
 * whether buffers are available now, checked after the flag is visible:
 * turning notifications on, a buffer added just before needs no
 * notification and gets none, so the caller takes it now.
 */
bool virtq_set_notify(struct virtq *q, bool on);

/**
 * Takes the next available chain as virtq_pop does, for a device that
 * waits for buffers (receive queues): with none, it first asks the driver
 * to notify its next one (virtq_set_notify) and takes one that came
 * meanwhile. VIRTQ_EMPTY means none, and the driver will notify.
 */
enum virtq_result virtq_pop_or_arm(struct virtq *q, struct virtq_chain *c);

/** Copies up to n bytes from the chain's readable segments, from byte `off` on. */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf, size_t n);

/** Copies up to n bytes into the chain's writable segments, from byte `off` on. */
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *buf, size_t n);

/** A short text for a result ("descriptor chain loops"). */
const char *virtq_strerror(enum virtq_result r);

#endif /* VMM_VIRTQ_H */
