/*
 * A virtio driver for the host tests, on either transport, so that one
 * test runs on both: the registers of virtio-mmio (virtio 1.2 section
 * 4.2.2) or the common configuration, ISR, notify and device
 * configuration structures of virtio-pci (section 4.1.4) in the BAR of a
 * function on a PCI host bridge, named by one enum.
 */
#ifndef TEST_VIRTIO_DRV_H
#define TEST_VIRTIO_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include "test_guest_ram.h"
#include "test_vmm.h"
#include "vmm/virtio_mmio.h"
#include "vmm/virtio_pci.h"

enum tdrv_transport { TDRV_MMIO, TDRV_PCI };

/** The fields a driver reaches, on both transports. */
enum tdrv_field {
    TDRV_STATUS,
    TDRV_DFSEL,  /* device_feature_select */
    TDRV_DFEAT,  /* device_feature */
    TDRV_GFSEL,  /* driver_feature_select */
    TDRV_GFEAT,  /* driver_feature */
    TDRV_QSEL,   /* queue_select */
    TDRV_QSIZE,  /* queue_size (mmio: QueueNum, write only) */
    TDRV_QREADY, /* queue_enable */
    TDRV_QDESC,  /* the ring addresses' low halves; each high half is 4 bytes on */
    TDRV_QDRIVER,
    TDRV_QDEVICE,
    TDRV_FIELDS
};

/* Where each field is: virtio-mmio offset, virtio-pci common offset and width. */
static const struct {
    uint16_t mmio, pci;
    uint8_t pci_width;
} tdrv_fields[TDRV_FIELDS] = {
    [TDRV_STATUS] = {0x070, 0x14, 1},  [TDRV_DFSEL] = {0x014, 0x00, 4},
    [TDRV_DFEAT] = {0x010, 0x04, 4},   [TDRV_GFSEL] = {0x024, 0x08, 4},
    [TDRV_GFEAT] = {0x020, 0x0c, 4},   [TDRV_QSEL] = {0x030, 0x16, 2},
    [TDRV_QSIZE] = {0x038, 0x18, 2},   [TDRV_QREADY] = {0x044, 0x1c, 2},
    [TDRV_QDESC] = {0x080, 0x20, 4},   [TDRV_QDRIVER] = {0x090, 0x28, 4},
    [TDRV_QDEVICE] = {0x0a0, 0x30, 4},
};

#define TDRV_WINDOW 0x10000000ull
#define TDRV_BAR    0x10004000ull
#define TDRV_SLOT   1u
#define TDRV_INTX   35u

/** The driver's view of one device on one transport. */
struct tdrv {
    enum tdrv_transport t;
    struct virtio_dev *dev;
    struct pci_bus bus;
    struct virtio_pci vp;
    bool line; /* the device's interrupt line as the guest sees it */
};

static void tdrv_intx(void *ctx, unsigned intid, bool level)
{
    struct tdrv *t = ctx;
    CHECK_EQ(intid, TDRV_INTX + TDRV_SLOT);
    t->line = level;
}

/** The device's virtio_irq_fn calls this: on mmio the line itself, on pci through INTx. */
static inline void tdrv_irq(struct tdrv *t, bool level)
{
    if (t->t == TDRV_PCI)
        virtio_pci_irq(&t->vp, level);
    else
        t->line = level;
}

/** An access of the device's window (mmio) or BAR (pci), which must succeed. */
static inline uint64_t tdrv_access(struct tdrv *t, uint64_t off, unsigned width, bool write,
                                   uint64_t v)
{
    if (t->t == TDRV_PCI) {
        CHECK_EQ(pci_window_access(&t->bus, TDRV_BAR - TDRV_WINDOW + off, width, write, &v),
                 PCI_OK);
        CHECK_EQ(t->vp.last, VIRTIO_PCI_OK);
    } else {
        CHECK_EQ(virtio_mmio_access(t->dev, off, width, write, &v), VIRTIO_MMIO_OK);
    }
    return v;
}

static inline uint32_t tdrv_rd(struct tdrv *t, enum tdrv_field f)
{
    if (t->t == TDRV_PCI)
        return (uint32_t)tdrv_access(t, tdrv_fields[f].pci, tdrv_fields[f].pci_width, false, 0);
    return (uint32_t)tdrv_access(t, tdrv_fields[f].mmio, 4, false, 0);
}

static inline void tdrv_wr(struct tdrv *t, enum tdrv_field f, uint32_t v)
{
    if (t->t == TDRV_PCI)
        (void)tdrv_access(t, tdrv_fields[f].pci, tdrv_fields[f].pci_width, true, v);
    else
        (void)tdrv_access(t, tdrv_fields[f].mmio, 4, true, v);
}

/** A config space read at `off` of `width` bytes; false if the device refused it. */
static inline bool tdrv_config(struct tdrv *t, uint32_t off, unsigned width, uint32_t *value)
{
    uint64_t v = 0xdead;
    bool ok;
    if (t->t == TDRV_PCI) {
        /* the bridge refuses a misaligned access before the device sees it */
        ok = pci_window_access(&t->bus, TDRV_BAR - TDRV_WINDOW + VIRTIO_PCI_DEVCFG + off, width,
                               false, &v) == PCI_OK &&
             t->vp.last == VIRTIO_PCI_OK;
    } else {
        ok = virtio_mmio_access(t->dev, VIRTIO_MMIO_CONFIG + off, width, false, &v) ==
             VIRTIO_MMIO_OK;
    }
    *value = (uint32_t)v;
    return ok;
}

/** The driver notifies queue q. */
static inline void tdrv_notify(struct tdrv *t, unsigned q)
{
    if (t->t == TDRV_PCI)
        (void)tdrv_access(t, VIRTIO_PCI_NOTIFY + VIRTIO_PCI_NOTIFY_MULT * q, 2, true, q);
    else
        (void)tdrv_access(t, 0x050, 4, true, q);
}

/** Reads the ISR and acknowledges it (a pci read does both). */
static inline uint32_t tdrv_isr(struct tdrv *t)
{
    if (t->t == TDRV_PCI)
        return (uint32_t)tdrv_access(t, VIRTIO_PCI_ISR, 1, false, 0);
    uint32_t isr = (uint32_t)tdrv_access(t, 0x060, 4, false, 0);
    (void)tdrv_access(t, 0x064, 4, true, isr);
    return isr;
}

/** The config generation (mmio ConfigGeneration, pci config_generation). */
static inline uint32_t tdrv_generation(struct tdrv *t)
{
    if (t->t == TDRV_PCI)
        return (uint32_t)tdrv_access(t, 0x15, 1, false, 0);
    return (uint32_t)tdrv_access(t, 0x0fc, 4, false, 0);
}

/**
 * Puts device `dev` on transport `tt`: on pci, function 00:01.0 of a new
 * bus, its BAR placed at TDRV_BAR with memory decode and bus mastering on.
 */
static inline void tdrv_attach(struct tdrv *t, enum tdrv_transport tt, struct virtio_dev *dev)
{
    t->t = tt;
    t->dev = dev;
    t->line = false;
    if (tt != TDRV_PCI)
        return;
    pci_bus_init(&t->bus, IPA(TDRV_WINDOW), 0x2eff0000ull, TDRV_INTX, tdrv_intx, t);
    virtio_pci_init(&t->vp, dev, virtio_pci_class(dev->ops->device_id));
    CHECK(pci_bus_add(&t->bus, TDRV_SLOT, TDRV_INTX + TDRV_SLOT, &t->vp.fn));
    uint64_t bar = TDRV_BAR, cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    CHECK_EQ(pci_ecam_access(&t->bus, (TDRV_SLOT << 15) | PCI_BAR0, 4, true, &bar), PCI_OK);
    CHECK_EQ(pci_ecam_access(&t->bus, (TDRV_SLOT << 15) | PCI_COMMAND, 2, true, &cmd), PCI_OK);
}

/** Queue n's rings, 0x4000 apart from RAM_BASE + 0x1000: descriptors, then +0x1000, +0x2000. */
#define TDRV_QDESC_AT(n)   (RAM_BASE + 0x1000 + (n)*0x4000ull)
#define TDRV_QAVAIL_AT(n)  (TDRV_QDESC_AT(n) + 0x1000)
#define TDRV_QUSED_AT(n)   (TDRV_QDESC_AT(n) + 0x2000)
#define TDRV_QSIZE_DEFAULT 16u

/** Sets queue n up at TDRV_QDESC_AT(n) with TDRV_QSIZE_DEFAULT entries, and makes it ready. */
static inline void tdrv_queue(struct tdrv *t, unsigned n)
{
    static const enum tdrv_field ring[3] = {TDRV_QDESC, TDRV_QDRIVER, TDRV_QDEVICE};
    const uint64_t addr[3] = {TDRV_QDESC_AT(n), TDRV_QAVAIL_AT(n), TDRV_QUSED_AT(n)};
    tdrv_wr(t, TDRV_QSEL, n);
    CHECK_EQ(tdrv_rd(t, TDRV_QREADY), 0);
    tdrv_wr(t, TDRV_QSIZE, TDRV_QSIZE_DEFAULT);
    for (unsigned i = 0; i < 3; i++) {
        enum tdrv_field f = ring[i];
        if (t->t == TDRV_PCI) {
            (void)tdrv_access(t, tdrv_fields[f].pci, 4, true, (uint32_t)addr[i]);
            (void)tdrv_access(t, tdrv_fields[f].pci + 4u, 4, true, addr[i] >> 32);
        } else {
            (void)tdrv_access(t, tdrv_fields[f].mmio, 4, true, (uint32_t)addr[i]);
            (void)tdrv_access(t, tdrv_fields[f].mmio + 4u, 4, true, addr[i] >> 32);
        }
    }
    tdrv_wr(t, TDRV_QREADY, 1);
    CHECK_EQ(tdrv_rd(t, TDRV_QREADY), 1);
}

/** The driver's 64 feature bits as the device offers them. */
static inline uint64_t tdrv_device_features(struct tdrv *t)
{
    tdrv_wr(t, TDRV_DFSEL, 1);
    uint64_t hi = tdrv_rd(t, TDRV_DFEAT);
    tdrv_wr(t, TDRV_DFSEL, 0);
    return hi << 32 | tdrv_rd(t, TDRV_DFEAT);
}

/**
 * Reset, ACKNOWLEDGE, DRIVER, then `features` written and FEATURES_OK
 * asked for (section 3.1.1): whether the device kept FEATURES_OK.
 */
static inline bool tdrv_negotiate(struct tdrv *t, uint64_t features)
{
    tdrv_wr(t, TDRV_STATUS, 0);
    tdrv_wr(t, TDRV_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    tdrv_wr(t, TDRV_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    for (uint32_t sel = 0; sel < 2; sel++) {
        tdrv_wr(t, TDRV_GFSEL, sel);
        tdrv_wr(t, TDRV_GFEAT, (uint32_t)(features >> (32 * sel)));
    }
    tdrv_wr(t, TDRV_STATUS, 0x0b);
    return tdrv_rd(t, TDRV_STATUS) == 0x0b;
}

/** The whole start: `features` accepted, queues 0..queue_count-1 set up, DRIVER_OK. */
static inline void tdrv_start(struct tdrv *t, uint64_t features, unsigned queue_count)
{
    CHECK(tdrv_negotiate(t, features));
    for (unsigned q = 0; q < queue_count; q++)
        tdrv_queue(t, q);
    tdrv_wr(t, TDRV_STATUS, 0x0f);
    CHECK_EQ(tdrv_rd(t, TDRV_STATUS), 0x0f);
}

#endif /* TEST_VIRTIO_DRV_H */
