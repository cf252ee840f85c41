/*
 * virtio-mmio version 2 (virtio_mmio.h). Register offsets and meanings:
 * virtio 1.2 section 4.2.2, table "MMIO Device Register Layout".
 */
#include <stddef.h>

#include "vmm/virtio_mmio.h"

/** A register's read or write; `v` is the 32-bit value. */
typedef uint32_t (*reg_read_fn)(struct virtio_dev *d);
typedef enum virtio_mmio_result (*reg_write_fn)(struct virtio_dev *d, uint32_t v);

struct mmio_reg {
    uint32_t offset;
    reg_read_fn read;   /* NULL: write-only */
    reg_write_fn write; /* NULL: read-only */
};

static uint32_t r_magic(struct virtio_dev *d)
{
    (void)d;
    return VIRTIO_MMIO_MAGIC;
}

static uint32_t r_version(struct virtio_dev *d)
{
    (void)d;
    return 2;
}

static uint32_t r_device_id(struct virtio_dev *d)
{
    return d->ops->device_id;
}

static uint32_t r_vendor_id(struct virtio_dev *d)
{
    (void)d;
    return VIRTIO_VENDOR_ID;
}

static uint32_t r_device_features(struct virtio_dev *d)
{
    return virtio_features_word(d, d->device_features_sel);
}

static enum virtio_mmio_result w_device_features_sel(struct virtio_dev *d, uint32_t v)
{
    d->device_features_sel = v;
    return VIRTIO_MMIO_OK;
}

static enum virtio_mmio_result w_driver_features(struct virtio_dev *d, uint32_t v)
{
    virtio_set_driver_features(d, d->driver_features_sel, v);
    return VIRTIO_MMIO_OK;
}

static enum virtio_mmio_result w_driver_features_sel(struct virtio_dev *d, uint32_t v)
{
    d->driver_features_sel = v;
    return VIRTIO_MMIO_OK;
}

static enum virtio_mmio_result w_queue_sel(struct virtio_dev *d, uint32_t v)
{
    d->queue_sel = v;
    return VIRTIO_MMIO_OK;
}

static uint32_t r_queue_num_max(struct virtio_dev *d)
{
    return virtio_queue_max(d, d->queue_sel);
}

static enum virtio_mmio_result w_queue_num(struct virtio_dev *d, uint32_t v)
{
    return virtio_set_queue_size(d, v) ? VIRTIO_MMIO_OK : VIRTIO_MMIO_LOCKED;
}

static uint32_t r_queue_ready(struct virtio_dev *d)
{
    const struct virtio_queue *q = virtio_selected_queue(d);
    return q && q->ready;
}

static enum virtio_mmio_result w_queue_ready(struct virtio_dev *d, uint32_t v)
{
    virtio_set_queue_ready(d, v & 1u);
    return VIRTIO_MMIO_OK;
}

static enum virtio_mmio_result w_queue_notify(struct virtio_dev *d, uint32_t v)
{
    virtio_notify(d, v);
    return VIRTIO_MMIO_OK;
}

static uint32_t r_interrupt_status(struct virtio_dev *d)
{
    return virtio_isr(d);
}

static enum virtio_mmio_result w_interrupt_ack(struct virtio_dev *d, uint32_t v)
{
    virtio_isr_ack(d, v);
    return VIRTIO_MMIO_OK;
}

static uint32_t r_status(struct virtio_dev *d)
{
    return d->status;
}

static enum virtio_mmio_result w_status(struct virtio_dev *d, uint32_t v)
{
    virtio_set_status(d, (uint8_t)v);
    return VIRTIO_MMIO_OK;
}

/* The three ring addresses, each as a low and a high half (virtio.c keeps them). */
#define RING_WRITER(name, ring, half)                                                              \
    static enum virtio_mmio_result w_##name(struct virtio_dev *d, uint32_t v)                      \
    {                                                                                              \
        return virtio_set_ring_addr(d, ring, half, v) ? VIRTIO_MMIO_OK : VIRTIO_MMIO_LOCKED;       \
    }
RING_WRITER(desc_lo, VIRTIO_RING_DESC, 0)
RING_WRITER(desc_hi, VIRTIO_RING_DESC, 1)
RING_WRITER(driver_lo, VIRTIO_RING_DRIVER, 0)
RING_WRITER(driver_hi, VIRTIO_RING_DRIVER, 1)
RING_WRITER(device_lo, VIRTIO_RING_DEVICE, 0)
RING_WRITER(device_hi, VIRTIO_RING_DEVICE, 1)

/* Shared memory regions (SHMLenLow/High): none, which reads as all ones. */
static uint32_t r_ones(struct virtio_dev *d)
{
    (void)d;
    return 0xffffffffu;
}

static enum virtio_mmio_result w_ignore(struct virtio_dev *d, uint32_t v)
{
    (void)d;
    (void)v;
    return VIRTIO_MMIO_OK;
}

static uint32_t r_generation(struct virtio_dev *d)
{
    return d->generation;
}

static const struct mmio_reg regs[] = {
    {0x000, r_magic, NULL},
    {0x004, r_version, NULL},
    {0x008, r_device_id, NULL},
    {0x00c, r_vendor_id, NULL},
    {0x010, r_device_features, NULL},
    {0x014, NULL, w_device_features_sel},
    {0x020, NULL, w_driver_features},
    {0x024, NULL, w_driver_features_sel},
    {0x030, NULL, w_queue_sel},
    {0x034, r_queue_num_max, NULL},
    {0x038, NULL, w_queue_num},
    {0x044, r_queue_ready, w_queue_ready},
    {0x050, NULL, w_queue_notify},
    {0x060, r_interrupt_status, NULL},
    {0x064, NULL, w_interrupt_ack},
    {0x070, r_status, w_status},
    {0x080, NULL, w_desc_lo},
    {0x084, NULL, w_desc_hi},
    {0x090, NULL, w_driver_lo},
    {0x094, NULL, w_driver_hi},
    {0x0a0, NULL, w_device_lo},
    {0x0a4, NULL, w_device_hi},
    {0x0ac, NULL, w_ignore}, /* SHMSel */
    {0x0b0, r_ones, NULL},   /* SHMLenLow */
    {0x0b4, r_ones, NULL},   /* SHMLenHigh */
    {0x0b8, r_ones, NULL},   /* SHMBaseLow */
    {0x0bc, r_ones, NULL},   /* SHMBaseHigh */
    {0x0fc, r_generation, NULL},
};

/** The register at `offset`, or NULL. The table is sorted: a binary search. */
static const struct mmio_reg *reg_at(uint64_t offset)
{
    size_t lo = 0, hi = sizeof(regs) / sizeof(regs[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (regs[mid].offset == offset)
            return &regs[mid];
        if (regs[mid].offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/** The device configuration space, from VIRTIO_MMIO_CONFIG (read-only here). */
static enum virtio_mmio_result config_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                             bool write, uint64_t *value)
{
    uint32_t v = 0;
    if (write)
        return VIRTIO_MMIO_READ_ONLY;
    bool ok = off <= UINT32_MAX && virtio_config_read(d, (uint32_t)off, width, &v);
    *value = v;
    return ok ? VIRTIO_MMIO_OK : VIRTIO_MMIO_NO_REG;
}

enum virtio_mmio_result virtio_mmio_access(struct virtio_dev *d, uint64_t offset, unsigned width,
                                           bool write, uint64_t *value)
{
    if (!write)
        *value = 0;
    if (offset >= VIRTIO_MMIO_CONFIG)
        return config_access(d, offset - VIRTIO_MMIO_CONFIG, width, write, value);
    if (width != 4 || offset % 4 != 0)
        return VIRTIO_MMIO_BAD_ACCESS;
    const struct mmio_reg *r = reg_at(offset);
    if (!r)
        return VIRTIO_MMIO_NO_REG;
    if (write)
        return r->write ? r->write(d, (uint32_t)*value) : VIRTIO_MMIO_READ_ONLY;
    if (!r->read)
        return VIRTIO_MMIO_WRITE_ONLY;
    *value = r->read(d);
    return VIRTIO_MMIO_OK;
}

const char *virtio_mmio_strerror(enum virtio_mmio_result r)
{
    switch (r) {
    case VIRTIO_MMIO_OK:
        return "ok";
    case VIRTIO_MMIO_BAD_ACCESS:
        return "register access not 32-bit aligned";
    case VIRTIO_MMIO_NO_REG:
        return "no register";
    case VIRTIO_MMIO_READ_ONLY:
        return "write to a read-only register";
    case VIRTIO_MMIO_WRITE_ONLY:
        return "read of a write-only register";
    case VIRTIO_MMIO_LOCKED:
        return "queue configured while ready";
    }
    return "unknown";
}
