/*
 * The transport-independent virtio device (virtio.h).
 */
#include <string.h>

#include "vmm/virtio.h"

/** Reports the line if it moved: the ISR has a bit set. */
static void virtio_irq_update(struct virtio_dev *d)
{
    bool level = d->isr != 0;
    if (level != d->level) {
        d->level = level;
        d->irq(d->ctx, level);
    }
}

void virtio_init(struct virtio_dev *d, const struct virtio_ops *ops, void *priv,
                 const struct gmem *mem, virtio_irq_fn irq, virtio_warn_fn warn, void *ctx)
{
    memset(d, 0, sizeof(*d));
    d->ops = ops;
    d->priv = priv;
    d->mem = *mem;
    d->irq = irq;
    d->warn = warn;
    d->ctx = ctx;
    virtio_reset(d);
}

void virtio_reset(struct virtio_dev *d)
{
    d->status = 0;
    d->isr = 0;
    d->driver_features = 0;
    d->device_features_sel = d->driver_features_sel = 0;
    d->queue_sel = 0;
    for (unsigned i = 0; i < VIRTIO_QUEUES_MAX; i++) {
        memset(&d->q[i], 0, sizeof(d->q[i]));
        d->q[i].size = virtio_queue_max(d, i);
    }
    if (d->ops->reset)
        d->ops->reset(d);
    virtio_irq_update(d);
}

uint64_t virtio_device_features(const struct virtio_dev *d)
{
    return d->ops->features | VIRTIO_F_VERSION_1;
}

uint32_t virtio_features_word(const struct virtio_dev *d, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(virtio_device_features(d) >> (32 * sel)) : 0;
}

void virtio_set_driver_features(struct virtio_dev *d, uint32_t sel, uint32_t value)
{
    if (sel >= 2 || (d->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    uint64_t mask = 0xffffffffull << (32 * sel);
    d->driver_features = (d->driver_features & ~mask) | ((uint64_t)value << (32 * sel));
}

/** The driver's features as they may be accepted (section 3.1.1 step 5). */
static bool virtio_features_ok(const struct virtio_dev *d)
{
    uint64_t offered = virtio_device_features(d);
    return (d->driver_features & ~offered) == 0 && (d->driver_features & VIRTIO_F_VERSION_1);
}

void virtio_set_status(struct virtio_dev *d, uint8_t status)
{
    if (status == 0) {
        virtio_reset(d);
        return;
    }
    /* the driver never clears a bit (section 2.1.2); NEEDS_RESET is the
     * device's, the driver only sees it */
    uint8_t keep = d->status & (uint8_t)~VIRTIO_STATUS_NEEDS_RESET;
    if ((status & keep) != keep)
        return;
    if ((status & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
        !virtio_features_ok(d))
        status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    d->status =
        (uint8_t)((status & ~VIRTIO_STATUS_NEEDS_RESET) | (d->status & VIRTIO_STATUS_NEEDS_RESET));
}

struct virtio_queue *virtio_selected_queue(struct virtio_dev *d)
{
    return d->queue_sel < d->ops->queue_count ? &d->q[d->queue_sel] : NULL;
}

uint16_t virtio_queue_max(const struct virtio_dev *d, uint32_t sel)
{
    return sel < d->ops->queue_count && sel < VIRTIO_QUEUES_MAX ? VIRTQ_SIZE_MAX : 0;
}

bool virtio_queue_configurable(const struct virtio_dev *d)
{
    const struct virtio_queue *q = d->queue_sel < d->ops->queue_count ? &d->q[d->queue_sel] : NULL;
    return q && !q->ready;
}

/** The selected queue's field for `ring`, or NULL if there is no queue. */
static uint64_t *virtio_ring_field(struct virtio_dev *d, enum virtio_ring ring)
{
    struct virtio_queue *q = virtio_selected_queue(d);
    if (!q)
        return NULL;
    return ring == VIRTIO_RING_DESC     ? &q->desc
           : ring == VIRTIO_RING_DRIVER ? &q->driver
                                        : &q->device;
}

bool virtio_set_queue_size(struct virtio_dev *d, uint32_t size)
{
    struct virtio_queue *q = virtio_selected_queue(d);
    if (!q || !virtio_queue_configurable(d))
        return false;
    q->size = (uint16_t)(size > 0xffffu ? 0u : size);
    return true;
}

uint32_t virtio_ring_addr(struct virtio_dev *d, enum virtio_ring ring, unsigned half)
{
    const uint64_t *f = virtio_ring_field(d, ring);
    return f && half < 2 ? (uint32_t)(*f >> (32 * half)) : 0;
}

bool virtio_set_ring_addr(struct virtio_dev *d, enum virtio_ring ring, unsigned half, uint32_t v)
{
    uint64_t *f = virtio_ring_field(d, ring);
    if (!f || half >= 2 || !virtio_queue_configurable(d))
        return false;
    uint64_t mask = 0xffffffffull << (32 * half);
    *f = (*f & ~mask) | ((uint64_t)v << (32 * half));
    return true;
}

void virtio_set_queue_ready(struct virtio_dev *d, bool ready)
{
    struct virtio_queue *q = virtio_selected_queue(d);
    if (!q || q->ready == ready)
        return;
    q->ready = ready;
    if (!ready) {
        virtq_clear(&q->vq);
        if (d->ops->queue_off)
            d->ops->queue_off(d, d->queue_sel);
        return;
    }
    enum virtq_result r = virtq_setup(&q->vq, &d->mem, q->size, q->desc, q->driver, q->device);
    if (r != VIRTQ_OK)
        virtio_queue_error(d, d->queue_sel, r);
}

struct virtq *virtio_queue_live(struct virtio_dev *d, unsigned q)
{
    /* a driver that never got FEATURES_OK (it refused VERSION_1) may set
     * DRIVER_OK, but the device does not operate for it (section 6.1) */
    if (q >= d->ops->queue_count || d->dma_off || !(d->status & VIRTIO_STATUS_DRIVER_OK) ||
        !(d->status & VIRTIO_STATUS_FEATURES_OK) || (d->status & VIRTIO_STATUS_NEEDS_RESET) ||
        !d->q[q].ready || !virtq_ready(&d->q[q].vq))
        return NULL;
    return &d->q[q].vq;
}

void virtio_notify(struct virtio_dev *d, uint32_t q)
{
    if (virtio_queue_live(d, q))
        d->ops->notify(d, q);
}

void virtio_queue_error(struct virtio_dev *d, unsigned q, enum virtq_result r)
{
    if (d->status & VIRTIO_STATUS_NEEDS_RESET)
        return; /* said once per reset */
    d->status |= VIRTIO_STATUS_NEEDS_RESET;
    d->warn(d->ctx, (int)q, virtq_strerror(r));
    if (d->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_config_changed(d);
}

void virtio_config_changed(struct virtio_dev *d)
{
    d->generation++;
    if (d->status & VIRTIO_STATUS_DRIVER_OK) {
        d->isr |= VIRTIO_ISR_CONFIG;
        virtio_irq_update(d);
    }
}

void virtio_used(struct virtio_dev *d, unsigned q)
{
    struct virtq *vq = virtio_queue_live(d, q);
    if (vq && virtq_wants_interrupt(vq)) {
        d->isr |= VIRTIO_ISR_QUEUE;
        virtio_irq_update(d);
    }
}

void virtio_notify_off(struct virtio_dev *d, unsigned q)
{
    struct virtq *vq = virtio_queue_live(d, q);
    if (vq)
        (void)virtq_set_notify(vq, false);
}

void virtio_queue_done(struct virtio_dev *d, unsigned q, bool used, enum virtq_result bad)
{
    if (used)
        virtio_used(d, q);
    if (bad != VIRTQ_OK)
        virtio_queue_error(d, q, bad);
}

uint32_t virtio_isr(const struct virtio_dev *d)
{
    return d->isr;
}

void virtio_isr_ack(struct virtio_dev *d, uint32_t bits)
{
    d->isr &= ~bits;
    virtio_irq_update(d);
}

bool virtio_config_read(struct virtio_dev *d, uint32_t off, unsigned width, uint32_t *value)
{
    *value = 0;
    if ((width != 1 && width != 2 && width != 4) || off % width != 0 ||
        off >= d->ops->config_size || width > d->ops->config_size - off || !d->ops->config_read)
        return false;
    *value = d->ops->config_read(d, off, width);
    return true;
}
