/*
 * A virtio network device (virtio 1.2 section 5.1): queue 0 is receiveq1
 * (host to guest), queue 1 transmitq1; no control queue, one queue pair.
 * Features offered: VERSION_1, VIRTIO_NET_F_MAC (the MAC the VMM gives,
 * from the description) and VIRTIO_NET_F_STATUS (link up until the VMM
 * says otherwise). No checksum or segmentation offload and no merged
 * receive buffers, so every buffer starts with the 12-byte virtio_net_hdr
 * (section 5.1.6, the VERSION_1 layout with num_buffers) and holds one
 * whole Ethernet frame of VIRTIO_NET_FRAME_MIN..VIRTIO_NET_FRAME_MAX
 * bytes, its Ethernet header included and no FCS.
 *
 * Transmit: at the driver's notification every chain it made available
 * is taken, checked, its frame copied into one contiguous buffer and
 * handed to the backend's `tx`; a backend with no room keeps the rest of
 * the queue waiting (back-pressure, as the console's sink does) until
 * virtio_net_tx_resume. Receive: the VMM puts one frame into the next
 * receive buffer (virtio_net_rx), or several and their one interrupt
 * (virtio_net_rx_put, then virtio_net_rx_flush). Without a receive buffer
 * the frame stays the caller's: it keeps it (until `rx_ready`) or drops
 * it, as it chooses; the device never holds a received frame.
 *
 * What a driver gets wrong in one chain (a transmit chain with a
 * device-writable buffer or too short for the header, a frame under 14 or
 * over 1514 bytes, a header asking for offloads not negotiated, a receive
 * buffer too small or device-readable) costs that frame: it is dropped,
 * never passed on, counted in struct virtio_net_stats, and the chain is
 * returned to the driver (used length 0). A broken ring (virtq.h's
 * errors) puts the device in DEVICE_NEEDS_RESET, as for every device here.
 */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/virtio.h"

#define VIRTIO_NET_RX 0u
#define VIRTIO_NET_TX 1u

/* Feature bits, section 5.1.3 */
#define VIRTIO_NET_F_MAC    (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
/* virtio_net_config.status, section 5.1.4 */
#define VIRTIO_NET_S_LINK_UP 1u

#define VIRTIO_NET_MAC_LEN   6u
#define VIRTIO_NET_HDR_SIZE  12u   /* struct virtio_net_hdr with VERSION_1 (section 5.1.6) */
#define VIRTIO_NET_FRAME_MIN 14u   /* an Ethernet header: destination, source, type */
#define VIRTIO_NET_FRAME_MAX 1514u /* 1500 bytes of payload and the header, no FCS */

/** What the device hands over and asks for; `tx` is required, the rest may be NULL. */
struct virtio_net_backend {
    /**
     * A frame the guest sent, `len` bytes (VIRTIO_NET_FRAME_MIN..MAX), in
     * the device's buffer for the call's duration. True: taken (sent, or
     * dropped by the backend's own rules). False: no room now; the frame's
     * chain stays the device's and the transmit queue waits until
     * virtio_net_tx_resume.
     */
    bool (*tx)(void *ctx, const uint8_t *frame, size_t len);
    /** The end of one pass of `tx` calls (a notification's worth): wake the peer once. */
    void (*tx_batch_end)(void *ctx);
    /** The guest added receive buffers: frames kept for want of one can go now. */
    void (*rx_ready)(void *ctx);
};

/** Per-device counters, since the device was set up (the VMM reads and clears them). */
struct virtio_net_stats {
    uint64_t tx_frames, tx_bytes; /* handed to the backend (bytes: frames, without headers) */
    uint64_t rx_frames, rx_bytes; /* put into the guest's receive buffers */
    uint64_t tx_dropped_header;   /* transmit chain shorter than the virtio_net_hdr */
    uint64_t tx_dropped_short;    /* frame under VIRTIO_NET_FRAME_MIN bytes */
    uint64_t tx_dropped_long;     /* frame over VIRTIO_NET_FRAME_MAX bytes */
    uint64_t tx_dropped_writable; /* transmit chain with a device-writable buffer */
    uint64_t tx_dropped_offload;  /* header asks for a checksum or GSO not negotiated */
    uint64_t tx_held;             /* times the backend had no room (the queue waited) */
    uint64_t rx_dropped_frame;    /* frame given to virtio_net_rx under MIN or over MAX bytes */
    uint64_t rx_dropped_buffer;   /* receive chain too small or device-readable: returned empty */
    uint64_t rx_no_buffer;        /* frames given while the guest had no receive buffer */
};

/** The device; `dev` is what the transport drives. */
struct virtio_net {
    struct virtio_dev dev;
    const struct virtio_net_backend *be;
    void *ctx;
    uint8_t mac[VIRTIO_NET_MAC_LEN];
    uint16_t status; /* virtio_net_config.status */
    struct virtio_net_stats stats;
    bool tx_busy;    /* tx_chain's frame is in tx_frame, waiting for the backend */
    bool rx_pending; /* receive buffers returned since the last virtio_net_rx_flush */
    size_t tx_len;
    struct virtq_chain tx_chain;
    struct virtq_chain rx_chain;
    uint8_t tx_frame[VIRTIO_NET_FRAME_MAX];
};

/** The device type, for virtio_init. */
extern const struct virtio_ops virtio_net_ops;

/** What became of a frame given to the guest. */
enum virtio_net_rx_result {
    VIRTIO_NET_RX_OK = 0,    /* in the guest's next receive buffer */
    VIRTIO_NET_RX_NO_BUFFER, /* no receive buffer, or the driver is not running: still the caller's
                              */
    VIRTIO_NET_RX_DROPPED,   /* not a frame, or its buffer could not hold it: dropped, counted */
};

/**
 * Sets the device up (reset state, link up). irq and warn are the virtio
 * core's (virtio.h); be the backend; all get ctx. mac: the device's
 * address, copied.
 */
void virtio_net_init(struct virtio_net *n, const struct gmem *mem, virtio_irq_fn irq,
                     virtio_warn_fn warn, const uint8_t mac[VIRTIO_NET_MAC_LEN],
                     const struct virtio_net_backend *be, void *ctx);

/**
 * Puts one frame of `len` bytes into the guest's next receive buffer and
 * raises the used-buffer interrupt (if the driver wants it).
 */
enum virtio_net_rx_result virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len);

/**
 * As virtio_net_rx, without the interrupt: for a batch of frames, then
 * virtio_net_rx_flush once.
 */
enum virtio_net_rx_result virtio_net_rx_put(struct virtio_net *n, const uint8_t *frame, size_t len);

/** The used-buffer interrupt for what virtio_net_rx_put returned since the last flush. */
void virtio_net_rx_flush(struct virtio_net *n);

/** The backend has room again: the frame held and the rest of the transmit queue go on. */
void virtio_net_tx_resume(struct virtio_net *n);

/** The link goes up or down (status, a configuration change interrupt); kept across resets. */
void virtio_net_set_link(struct virtio_net *n, bool up);

#endif /* VMM_VIRTIO_NET_H */
