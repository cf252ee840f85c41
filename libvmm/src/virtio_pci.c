/*
 * virtio-pci, modern (virtio_pci.h). The common configuration structure
 * (virtio 1.2 section 4.1.4.3) is a const table of field -> handlers.
 */
#include <stddef.h>

#include "vmm/virtio_pci.h"

#define PCI_CAP_VENDOR   0x09u /* vendor-specific capability ID */
#define CFG_COMMON       1u    /* virtio_pci_cap.cfg_type, 4.1.4 */
#define CFG_NOTIFY       2u
#define CFG_ISR          3u
#define CFG_DEVICE       4u
#define CFG_PCI          5u
#define VIRTIO_NO_VECTOR 0xffffu
#define COMMON_SIZE      0x38u

/** One field of the common configuration; 64-bit ones are two 32-bit halves. */
struct common_field {
    uint8_t offset, width;
    uint32_t (*read)(struct virtio_dev *d);
    enum virtio_pci_result (*write)(struct virtio_dev *d, uint32_t v);
};

static uint32_t r_dfsel(struct virtio_dev *d)
{
    return d->device_features_sel;
}

static enum virtio_pci_result w_dfsel(struct virtio_dev *d, uint32_t v)
{
    d->device_features_sel = v;
    return VIRTIO_PCI_OK;
}

static uint32_t r_dfeat(struct virtio_dev *d)
{
    return virtio_features_word(d, d->device_features_sel);
}

static uint32_t r_gfsel(struct virtio_dev *d)
{
    return d->driver_features_sel;
}

static enum virtio_pci_result w_gfsel(struct virtio_dev *d, uint32_t v)
{
    d->driver_features_sel = v;
    return VIRTIO_PCI_OK;
}

static uint32_t r_gfeat(struct virtio_dev *d)
{
    uint32_t sel = d->driver_features_sel;
    return sel < 2 ? (uint32_t)(d->driver_features >> (32 * sel)) : 0;
}

static enum virtio_pci_result w_gfeat(struct virtio_dev *d, uint32_t v)
{
    virtio_set_driver_features(d, d->driver_features_sel, v);
    return VIRTIO_PCI_OK;
}

/* No MSI-X: every vector reads NO_VECTOR whatever is written (4.1.5.1.2). */
static uint32_t r_novec(struct virtio_dev *d)
{
    (void)d;
    return VIRTIO_NO_VECTOR;
}

static enum virtio_pci_result w_novec(struct virtio_dev *d, uint32_t v)
{
    (void)d;
    (void)v;
    return VIRTIO_PCI_OK;
}

static uint32_t r_numq(struct virtio_dev *d)
{
    return d->ops->queue_count;
}

static uint32_t r_status(struct virtio_dev *d)
{
    return d->status;
}

static enum virtio_pci_result w_status(struct virtio_dev *d, uint32_t v)
{
    virtio_set_status(d, (uint8_t)v);
    return VIRTIO_PCI_OK;
}

static uint32_t r_gen(struct virtio_dev *d)
{
    return d->generation & 0xffu;
}

static uint32_t r_qsel(struct virtio_dev *d)
{
    return d->queue_sel;
}

static enum virtio_pci_result w_qsel(struct virtio_dev *d, uint32_t v)
{
    d->queue_sel = v;
    return VIRTIO_PCI_OK;
}

static uint32_t r_qsize(struct virtio_dev *d)
{
    const struct virtio_queue *q = virtio_selected_queue(d);
    return q ? q->size : 0;
}

static enum virtio_pci_result w_qsize(struct virtio_dev *d, uint32_t v)
{
    return virtio_set_queue_size(d, v) ? VIRTIO_PCI_OK : VIRTIO_PCI_LOCKED;
}

static uint32_t r_qenable(struct virtio_dev *d)
{
    const struct virtio_queue *q = virtio_selected_queue(d);
    return q && q->ready;
}

static enum virtio_pci_result w_qenable(struct virtio_dev *d, uint32_t v)
{
    /* 4.1.4.3.2: the driver MUST NOT write a 0 to queue_enable */
    if (v == 1)
        virtio_set_queue_ready(d, true);
    return VIRTIO_PCI_OK;
}

static uint32_t r_qnoff(struct virtio_dev *d)
{
    return virtio_selected_queue(d) ? d->queue_sel : 0;
}

/* The ring addresses, each as a low and a high half, read back as written
 * (virtio.c keeps them). */
#define RING_FIELD(name, ring, half)                                                               \
    static uint32_t r_##name(struct virtio_dev *d)                                                 \
    {                                                                                              \
        return virtio_ring_addr(d, ring, half);                                                    \
    }                                                                                              \
    static enum virtio_pci_result w_##name(struct virtio_dev *d, uint32_t v)                       \
    {                                                                                              \
        return virtio_set_ring_addr(d, ring, half, v) ? VIRTIO_PCI_OK : VIRTIO_PCI_LOCKED;         \
    }
RING_FIELD(desc_lo, VIRTIO_RING_DESC, 0)
RING_FIELD(desc_hi, VIRTIO_RING_DESC, 1)
RING_FIELD(driver_lo, VIRTIO_RING_DRIVER, 0)
RING_FIELD(driver_hi, VIRTIO_RING_DRIVER, 1)
RING_FIELD(device_lo, VIRTIO_RING_DEVICE, 0)
RING_FIELD(device_hi, VIRTIO_RING_DEVICE, 1)

/* struct virtio_pci_common_cfg, sorted by offset. */
static const struct common_field common[] = {
    {0x00, 4, r_dfsel, w_dfsel},
    {0x04, 4, r_dfeat, NULL},
    {0x08, 4, r_gfsel, w_gfsel},
    {0x0c, 4, r_gfeat, w_gfeat},
    {0x10, 2, r_novec, w_novec},
    {0x12, 2, r_numq, NULL},
    {0x14, 1, r_status, w_status},
    {0x15, 1, r_gen, NULL},
    {0x16, 2, r_qsel, w_qsel},
    {0x18, 2, r_qsize, w_qsize},
    {0x1a, 2, r_novec, w_novec},
    {0x1c, 2, r_qenable, w_qenable},
    {0x1e, 2, r_qnoff, NULL},
    {0x20, 4, r_desc_lo, w_desc_lo},
    {0x24, 4, r_desc_hi, w_desc_hi},
    {0x28, 4, r_driver_lo, w_driver_lo},
    {0x2c, 4, r_driver_hi, w_driver_hi},
    {0x30, 4, r_device_lo, w_device_lo},
    {0x34, 4, r_device_hi, w_device_hi},
};

/** The field at off, or NULL (a linear scan of 19 entries: below a binary search's cost). */
static const struct common_field *common_at(uint64_t off)
{
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        if (common[i].offset == off)
            return &common[i];
    return NULL;
}

static enum virtio_pci_result common_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                            bool write, uint64_t *value)
{
    const struct common_field *f = common_at(off);
    if (!f)
        return VIRTIO_PCI_NO_REG;
    if (f->width != width)
        return VIRTIO_PCI_BAD_ACCESS;
    if (!write) {
        *value = f->read(d);
        return VIRTIO_PCI_OK;
    }
    return f->write ? f->write(d, (uint32_t)*value) : VIRTIO_PCI_READ_ONLY;
}

/** ISR status: a read returns it and clears it (4.1.4.5). */
static enum virtio_pci_result isr_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                         bool write, uint64_t *value)
{
    if (off != 0 || width != 1)
        return VIRTIO_PCI_BAD_ACCESS;
    if (write)
        return VIRTIO_PCI_READ_ONLY;
    *value = virtio_isr(d);
    virtio_isr_ack(d, 0xffffffffu);
    return VIRTIO_PCI_OK;
}

static enum virtio_pci_result devcfg_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                            bool write, uint64_t *value)
{
    uint32_t v = 0;
    if (write)
        return VIRTIO_PCI_READ_ONLY;
    bool ok = off < d->ops->config_size && virtio_config_read(d, (uint32_t)off, width, &v);
    *value = v;
    return ok ? VIRTIO_PCI_OK : VIRTIO_PCI_NO_REG;
}

/** A write in the notification area notifies the queue whose slot it is. */
static enum virtio_pci_result notify_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                            bool write, uint64_t *value)
{
    (void)value;
    if (!write)
        return VIRTIO_PCI_NO_REG;
    if (off % VIRTIO_PCI_NOTIFY_MULT != 0 || width > VIRTIO_PCI_NOTIFY_MULT)
        return VIRTIO_PCI_BAD_ACCESS;
    virtio_notify(d, (uint32_t)(off / VIRTIO_PCI_NOTIFY_MULT));
    return VIRTIO_PCI_OK;
}

/** The BAR: which structure `off` falls in (each has a 4 KiB page). */
static enum virtio_pci_result bar_access(struct virtio_dev *d, uint64_t off, unsigned width,
                                         bool write, uint64_t *value)
{
    uint64_t in = off & 0xfffu;
    switch (off & ~0xfffull) {
    case VIRTIO_PCI_COMMON:
        return common_access(d, in, width, write, value);
    case VIRTIO_PCI_ISR:
        return isr_access(d, in, width, write, value);
    case VIRTIO_PCI_DEVCFG:
        return devcfg_access(d, in, width, write, value);
    case VIRTIO_PCI_NOTIFY:
        return in < (uint64_t)VIRTIO_PCI_NOTIFY_MULT * d->ops->queue_count
                   ? notify_access(d, in, width, write, value)
                   : VIRTIO_PCI_NO_REG;
    default:
        return VIRTIO_PCI_NO_REG;
    }
}

/** pci_bar_fn: every access has its outcome, kept in vp->last. */
static bool vp_bar(struct pci_func *f, unsigned bar, uint64_t off, unsigned width, bool write,
                   uint64_t *value)
{
    struct virtio_pci *vp = f->priv;
    (void)bar; /* the only one */
    if (!write)
        *value = 0;
    vp->last = bar_access(vp->dev, off, width, write, value);
    return true;
}

/*
 * The PCI configuration access capability (4.1.4.9): the driver names a
 * BAR offset and length in the capability, then reads or writes
 * pci_cfg_data to access the BAR there.
 */
#define PCI_CFG_CAP_OFFSET 8u  /* cap.offset in the capability */
#define PCI_CFG_CAP_LENGTH 12u /* cap.length */
#define PCI_CFG_CAP_DATA   16u /* pci_cfg_data[4] */

static void vp_cfg_hook(struct pci_func *f, uint32_t off, unsigned width, bool write,
                        uint32_t *value)
{
    struct virtio_pci *vp = f->priv;
    uint32_t at = pci_cfg_get(f, vp->cfg_cap + PCI_CFG_CAP_OFFSET, 4);
    uint32_t len = pci_cfg_get(f, vp->cfg_cap + PCI_CFG_CAP_LENGTH, 4);
    uint64_t v = *value;
    /* the access must be the length named, at the data's start (4.1.4.9.1) */
    if (off != vp->cfg_cap + PCI_CFG_CAP_DATA || width != len ||
        f->cfg[vp->cfg_cap + 4] != VIRTIO_PCI_BAR || at >= VIRTIO_PCI_BAR_SIZE) {
        if (!write)
            *value = 0;
        vp->last = VIRTIO_PCI_BAD_ACCESS;
        return;
    }
    vp->last = bar_access(vp->dev, at, width, write, &v);
    if (!write)
        *value = (uint32_t)v;
}

/** A virtio_pci_cap (4.1.4) of `len` bytes, its first 16 filled in. */
static uint8_t vp_cap(struct virtio_pci *vp, uint8_t type, uint32_t offset, uint32_t length,
                      const uint8_t *extra, unsigned extra_len)
{
    uint8_t body[24] = {PCI_CAP_VENDOR, 0, (uint8_t)(16 + extra_len), type, VIRTIO_PCI_BAR};
    for (unsigned i = 0; i < 4; i++) {
        body[8 + i] = (uint8_t)(offset >> (8 * i));
        body[12 + i] = (uint8_t)(length >> (8 * i));
    }
    for (unsigned i = 0; i < extra_len; i++)
        body[16 + i] = extra[i];
    return pci_add_cap(&vp->fn, body, 16 + extra_len);
}

/**
 * Command.Bus Master off: the function may not access memory (PCI 3.0
 * 6.2.2), so its queues are not served until the driver turns it on.
 */
static void vp_command(struct pci_func *f)
{
    struct virtio_pci *vp = f->priv;
    vp->dev->dma_off = !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
}

void virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev, uint32_t class_code)
{
    static const uint8_t notify_mult[4] = {VIRTIO_PCI_NOTIFY_MULT, 0, 0, 0};
    static const uint8_t no_data[4] = {0};
    struct pci_func *f = &vp->fn;
    vp->dev = dev;
    vp->last = VIRTIO_PCI_OK;
    pci_func_init(f, VIRTIO_PCI_VENDOR, (uint16_t)(VIRTIO_PCI_DEVICE0 + dev->ops->device_id),
                  class_code, 1, VIRTIO_PCI_VENDOR, (uint16_t)(0x40u + dev->ops->device_id));
    pci_set_bar(f, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE);
    f->priv = vp;
    f->bar_access = vp_bar;
    f->command_changed = vp_command;
    vp_command(f); /* off until the driver sets Bus Master */
    (void)vp_cap(vp, CFG_COMMON, VIRTIO_PCI_COMMON, COMMON_SIZE, NULL, 0);
    (void)vp_cap(vp, CFG_NOTIFY, VIRTIO_PCI_NOTIFY, VIRTIO_PCI_NOTIFY_MULT * dev->ops->queue_count,
                 notify_mult, 4);
    (void)vp_cap(vp, CFG_ISR, VIRTIO_PCI_ISR, 1, NULL, 0);
    (void)vp_cap(vp, CFG_DEVICE, VIRTIO_PCI_DEVCFG, dev->ops->config_size, NULL, 0);
    vp->cfg_cap = vp_cap(vp, CFG_PCI, 0, 0, no_data, 4);
    /* the driver sets bar, offset and length, then goes through the data */
    pci_cfg_writable(f, vp->cfg_cap + 4, 1);
    pci_cfg_writable(f, vp->cfg_cap + PCI_CFG_CAP_OFFSET, 8);
    f->cfg_hook = vp_cfg_hook;
    f->hook_off = (uint16_t)(vp->cfg_cap + PCI_CFG_CAP_DATA);
    f->hook_len = 4;
}

uint32_t virtio_pci_class(uint32_t device_id)
{
    switch (device_id) {
    case VIRTIO_ID_NET:
        return VIRTIO_PCI_CLASS_NET;
    case VIRTIO_ID_CONSOLE:
        return VIRTIO_PCI_CLASS_CONSOLE;
    default:
        return VIRTIO_PCI_CLASS_OTHER;
    }
}

void virtio_pci_irq(struct virtio_pci *vp, bool level)
{
    pci_set_intx(&vp->fn, level);
}

const char *virtio_pci_strerror(enum virtio_pci_result r)
{
    switch (r) {
    case VIRTIO_PCI_OK:
        return "ok";
    case VIRTIO_PCI_BAD_ACCESS:
        return "field accessed at the wrong width or offset";
    case VIRTIO_PCI_NO_REG:
        return "no field";
    case VIRTIO_PCI_READ_ONLY:
        return "write to a read-only field";
    case VIRTIO_PCI_LOCKED:
        return "queue configured while enabled";
    }
    return "unknown";
}
