/*
 * A virtio 1.x device, independent of its transport (virtio 1.2 sections
 * 2 and 3): device status, feature negotiation, the interrupt status and
 * the queues as the driver configures them. A transport (virtio_mmio.h,
 * virtio_pci.h) maps its registers onto these calls; a device type
 * (virtio_console.h, virtio_net.h) fills in struct virtio_ops.
 *
 * Modern only: VIRTIO_F_VERSION_1 is always offered and a driver that does
 * not accept it does not get FEATURES_OK (section 6.1). A driver error the
 * device sees in a queue puts the device in DEVICE_NEEDS_RESET (section
 * 2.1.2) and tells the VMM once through `warn`; the device then ignores
 * its queues until the driver resets it.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/gmem.h"
#include "vmm/virtq.h"

/* Device status bits, section 2.1 */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED      128u

/* Interrupt status bits (ISR), sections 4.1.4.5 and 4.2.2 */
#define VIRTIO_ISR_QUEUE  1u
#define VIRTIO_ISR_CONFIG 2u

/* Reserved feature bits, section 6 */
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Device IDs, section 5 */
#define VIRTIO_ID_NET     1u
#define VIRTIO_ID_BLOCK   2u
#define VIRTIO_ID_CONSOLE 3u

#define VIRTIO_QUEUES_MAX 4u
#define VIRTIO_VENDOR_ID  0x56435643u /* "CVCV" */

struct virtio_dev;

/** What a device type provides. */
struct virtio_ops {
    const char *name; /* "virtio-console" */
    uint32_t device_id;
    uint64_t features; /* device-specific bits offered (VERSION_1 is added) */
    unsigned queue_count;
    uint32_t config_size; /* bytes of device configuration space */
    /** Back to the reset state (the queues are cleared by the core). */
    void (*reset)(struct virtio_dev *d);
    /** The driver turned queue q off (may be NULL): drop what is held of it. */
    void (*queue_off)(struct virtio_dev *d, unsigned q);
    /** The driver notified queue q (it is ready, the device DRIVER_OK). */
    void (*notify)(struct virtio_dev *d, unsigned q);
    /** Reads config bytes [off, off + width), which lie inside config_size. */
    uint32_t (*config_read)(struct virtio_dev *d, uint32_t off, unsigned width);
};

/** The interrupt line of the device (level: ISR != 0). */
typedef void (*virtio_irq_fn)(void *ctx, bool level);
/** A driver error the device saw (queue, or -1 for the device), once per reset. */
typedef void (*virtio_warn_fn)(void *ctx, int queue, const char *why);

/** One queue as the driver configures it before it sets it ready. */
struct virtio_queue {
    uint16_t size; /* QueueNum / queue_size */
    uint64_t desc, driver, device;
    bool ready;
    struct virtq vq; /* set up when the driver makes it ready */
};

/** A device: plain data, driven by its transport. */
struct virtio_dev {
    const struct virtio_ops *ops;
    void *priv; /* the device type's own state */
    struct gmem mem;
    virtio_irq_fn irq;
    virtio_warn_fn warn;
    void *ctx; /* for irq and warn */
    uint8_t status;
    uint32_t isr;
    bool level; /* the interrupt line as last reported */
    uint64_t driver_features;
    uint32_t device_features_sel, driver_features_sel;
    uint32_t queue_sel;
    uint32_t generation; /* config generation (section 2.5) */
    bool dma_off;        /* the transport forbids memory access (PCI bus mastering off) */
    struct virtio_queue q[VIRTIO_QUEUES_MAX];
};

/** Sets the device up in the reset state. */
void virtio_init(struct virtio_dev *d, const struct virtio_ops *ops, void *priv,
                 const struct gmem *mem, virtio_irq_fn irq, virtio_warn_fn warn, void *ctx);

/** Device reset (status 0, section 2.1): queues, features and ISR cleared, line low. */
void virtio_reset(struct virtio_dev *d);

/** Every feature bit the device offers. */
uint64_t virtio_device_features(const struct virtio_dev *d);

/** The 32 bits of the offered features selected by `sel` (0: bits 0..31). */
uint32_t virtio_features_word(const struct virtio_dev *d, uint32_t sel);

/** The driver writes 32 bits of its features (ignored once FEATURES_OK is set). */
void virtio_set_driver_features(struct virtio_dev *d, uint32_t sel, uint32_t value);

/**
 * A write of the device status: 0 resets; FEATURES_OK sticks only if the
 * driver's features are a subset of the device's and include VERSION_1;
 * a write that would clear a bit (other than a reset) is ignored.
 */
void virtio_set_status(struct virtio_dev *d, uint8_t status);

/** The queue the driver selected, or NULL if there is no such queue. */
struct virtio_queue *virtio_selected_queue(struct virtio_dev *d);

/** The maximum size of queue sel (0 if there is no such queue). */
uint16_t virtio_queue_max(const struct virtio_dev *d, uint32_t sel);

/**
 * The driver sets the selected queue ready (1) or not (0): on ready its
 * rings are checked (a bad ring puts the device in DEVICE_NEEDS_RESET).
 */
void virtio_set_queue_ready(struct virtio_dev *d, bool ready);

/**
 * The driver's size for the selected queue (checked when it is made
 * ready: a bad one is a queue error then): false if it is locked (none, or
 * ready).
 */
bool virtio_set_queue_size(struct virtio_dev *d, uint32_t size);

/** A queue's ring addresses (section 2.7): descriptor table, driver and device areas. */
enum virtio_ring { VIRTIO_RING_DESC, VIRTIO_RING_DRIVER, VIRTIO_RING_DEVICE };

/** Half `half` (0: bits 0..31, 1: bits 32..63) of a ring address of the selected queue. */
uint32_t virtio_ring_addr(struct virtio_dev *d, enum virtio_ring ring, unsigned half);

/**
 * Sets half `half` of a ring address of the selected queue: false (and
 * nothing set) if there is no such queue or it is ready (locked).
 */
bool virtio_set_ring_addr(struct virtio_dev *d, enum virtio_ring ring, unsigned half, uint32_t v);

/** Whether the driver may still change queue sel's configuration. */
bool virtio_queue_configurable(const struct virtio_dev *d);

/** The driver notified queue q (a transport's notify register). */
void virtio_notify(struct virtio_dev *d, uint32_t q);

/** Queue q, if the device may use it now (DRIVER_OK, ready, no reset needed), else NULL. */
struct virtq *virtio_queue_live(struct virtio_dev *d, unsigned q);

/**
 * A queue error the device found: DEVICE_NEEDS_RESET, a configuration
 * change interrupt if the driver is running, and `warn`.
 */
void virtio_queue_error(struct virtio_dev *d, unsigned q, enum virtq_result r);

/** Used buffers were returned on queue q: raises the queue interrupt if the driver wants it. */
void virtio_used(struct virtio_dev *d, unsigned q);

/**
 * The driver added buffers to queue q, which the device fills only when
 * it has something for them (a receive queue): it is asked not to notify
 * further ones (VIRTQ_USED_F_NO_NOTIFY) until the device runs out of
 * them (virtq_pop_or_arm asks again).
 */
void virtio_notify_off(struct virtio_dev *d, unsigned q);

/**
 * The end of a device's pass over queue q: if it returned buffers
 * (`used`), their interrupt, then the queue error `bad` if the pass
 * stopped at one (VIRTQ_OK: none). Buffers used before an error are
 * notified before the device stops using the queue (section 2.7.7.2).
 */
void virtio_queue_done(struct virtio_dev *d, unsigned q, bool used, enum virtq_result bad);

/**
 * The device changed its configuration space (section 2.5): a new
 * generation, and the configuration change interrupt if the driver runs.
 */
void virtio_config_changed(struct virtio_dev *d);

/** Reads ISR (a PCI ISR read also clears it; MMIO clears by InterruptACK). */
uint32_t virtio_isr(const struct virtio_dev *d);

/** Clears ISR bits (InterruptACK, or a PCI ISR read). */
void virtio_isr_ack(struct virtio_dev *d, uint32_t bits);

/**
 * Reads the device configuration space: width 1, 2 or 4 within
 * config_size, else 0 (false).
 */
bool virtio_config_read(struct virtio_dev *d, uint32_t off, unsigned width, uint32_t *value);

#endif /* VMM_VIRTIO_H */
