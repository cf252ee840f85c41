/*
 * The guest's machine (machine.h).
 */
#include <stddef.h>
#include <string.h>

#include "vmm/machine.h"

#define RAM_ALIGN (1ull << 21)
#define IPA_LIMIT (1ull << 39) /* the stage-2 input size the kernel gives guests */
#define DEV_ALIGN 0x200ull     /* the smallest device window (virtio-mmio) */

/** Whether [a, a + as) and [b, b + bs) share a byte (neither wraps). */
static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

/** A device's lines: intid_count of them from intid, one if not said. */
static unsigned machine_lines(const struct machine_dev *d)
{
    return d->intid == 0 ? 0 : d->intid_count ? d->intid_count : 1;
}

/** Checks a new device's range (if it has one) and lines against every device. */
static enum machine_result machine_fits(const struct machine *m, const struct machine_dev *d)
{
    bool ranged = d->kind != MACHINE_VIRTIO_PCI; /* a PCI function's BAR is the guest's */
    if (ranged && (d->size == 0 || d->base.v % DEV_ALIGN || d->size % DEV_ALIGN ||
                   d->base.v >= MACHINE_RAM_MIN || d->size > MACHINE_RAM_MIN - d->base.v))
        return MACHINE_E_RANGE;
    unsigned lines = machine_lines(d);
    if (lines && (d->intid < MACHINE_SPI_BASE || d->intid + lines > MACHINE_IRQ_COUNT))
        return MACHINE_E_IRQ;
    for (unsigned i = 0; i < m->dev_count; i++) {
        const struct machine_dev *o = &m->dev[i];
        if (ranged && overlaps(d->base.v, d->size, o->base.v, o->size))
            return MACHINE_E_OVERLAP;
        if (lines && d->kind != MACHINE_VIRTIO_PCI &&
            overlaps(d->intid, lines, o->intid, machine_lines(o)))
            return MACHINE_E_IRQ_USED;
    }
    return MACHINE_OK;
}

/** Adds d after machine_fits. */
static enum machine_result machine_add(struct machine *m, const struct machine_dev *d,
                                       const struct machine_dev **out)
{
    if (m->dev_count == MACHINE_DEVS_MAX)
        return MACHINE_E_FULL;
    enum machine_result r = machine_fits(m, d);
    if (r != MACHINE_OK)
        return r;
    m->dev[m->dev_count] = *d;
    if (out)
        *out = &m->dev[m->dev_count];
    m->dev_count++;
    return MACHINE_OK;
}

/** The GIC's devices: distributor, then CPU interface (v2) or redistributors (v3). */
static enum machine_result machine_add_gic(struct machine *m)
{
    const struct machine_dev gicd = {
        .kind = MACHINE_GICD, .base = {MACHINE_GICD_BASE}, .size = MACHINE_GIC_SIZE};
    const struct machine_dev gicc = {
        .kind = MACHINE_GICC, .base = {MACHINE_GICC_BASE}, .size = MACHINE_GIC_SIZE};
    const struct machine_dev gicr = {.kind = MACHINE_GICR,
                                     .base = {MACHINE_GICR_BASE},
                                     .size = MACHINE_GICR_STRIDE * m->vcpu_count};
    enum machine_result r = machine_add(m, &gicd, NULL);
    if (r != MACHINE_OK)
        return r;
    return machine_add(m, m->gic_version == 3 ? &gicr : &gicc, NULL);
}

enum machine_result machine_virt_gic(struct machine *m, ipa_t ram_base, uint64_t ram_size,
                                     unsigned vcpus, unsigned gic_version)
{
    static const struct machine_dev uart = {.kind = MACHINE_PL011,
                                            .base = {MACHINE_UART_BASE},
                                            .size = MACHINE_UART_SIZE,
                                            .intid = MACHINE_SPI_BASE + MACHINE_UART_SPI,
                                            .intid_count = 1};
    memset(m, 0, sizeof(*m));
    if (ram_base.v < MACHINE_RAM_MIN || ram_base.v % RAM_ALIGN || ram_size == 0 ||
        ram_size % RAM_ALIGN || ram_base.v >= IPA_LIMIT || ram_size > IPA_LIMIT - ram_base.v)
        return MACHINE_E_RAM;
    if (vcpus == 0 || vcpus > MACHINE_VCPUS_MAX)
        return MACHINE_E_VCPUS;
    if (gic_version != 2 && gic_version != 3)
        return MACHINE_E_GIC;
    m->ram_base = ram_base;
    m->ram_size = ram_size;
    m->vcpu_count = vcpus;
    m->gic_version = gic_version;
    m->timer_intid = 16u + MACHINE_TIMER_PPI;
    m->ptimer_intid = 16u + MACHINE_PTIMER_PPI;
    enum machine_result r = machine_add_gic(m);
    return r == MACHINE_OK ? machine_add(m, &uart, NULL) : r;
}

enum machine_result machine_virt(struct machine *m, ipa_t ram_base, uint64_t ram_size,
                                 unsigned vcpus)
{
    return machine_virt_gic(m, ram_base, ram_size, vcpus, 2);
}

/** Whether virtio-mmio slot i's window or SPI is taken. */
static bool machine_slot_free(const struct machine *m, unsigned i)
{
    const struct machine_dev d = {.kind = MACHINE_VIRTIO_MMIO,
                                  .base = {MACHINE_VMMIO_BASE + i * MACHINE_VMMIO_SIZE},
                                  .size = MACHINE_VMMIO_SIZE,
                                  .intid = MACHINE_SPI_BASE + MACHINE_VMMIO_SPI + i,
                                  .intid_count = 1};
    return machine_fits(m, &d) == MACHINE_OK;
}

enum machine_result machine_add_virtio_mmio(struct machine *m, uint32_t virtio_id, ipa_t base,
                                            unsigned intid, const struct machine_dev **out)
{
    struct machine_dev d = {.kind = MACHINE_VIRTIO_MMIO,
                            .base = base,
                            .size = MACHINE_VMMIO_SIZE,
                            .intid = intid,
                            .intid_count = 1,
                            .virtio_id = virtio_id};
    unsigned slot = 0;
    /* an address or line left to the platform: the first slot whose window
     * and line are both free, so a VM that names neither gets QEMU's */
    if (base.v == 0 || intid == 0) {
        while (slot < MACHINE_VMMIO_SLOTS && !machine_slot_free(m, slot))
            slot++;
        if (slot == MACHINE_VMMIO_SLOTS)
            return MACHINE_E_FULL;
    }
    if (base.v == 0)
        d.base = IPA(MACHINE_VMMIO_BASE + slot * MACHINE_VMMIO_SIZE);
    if (intid == 0)
        d.intid = MACHINE_SPI_BASE + MACHINE_VMMIO_SPI + slot;
    return machine_add(m, &d, out);
}

/** The host bridge of the first PCI device: its config space and window. */
static enum machine_result machine_add_bridge(struct machine *m)
{
    const struct machine_dev ecam = {.kind = MACHINE_PCI_ECAM,
                                     .base = {MACHINE_PCI_ECAM_BASE},
                                     .size = MACHINE_PCI_ECAM_SIZE,
                                     .intid = MACHINE_SPI_BASE + MACHINE_PCI_INTX_SPI,
                                     .intid_count = 4};
    const struct machine_dev window = {.kind = MACHINE_PCI_WINDOW,
                                       .base = {MACHINE_PCI_WINDOW_BASE},
                                       .size = MACHINE_PCI_WINDOW_SIZE};
    if (m->dev_count + 2 > MACHINE_DEVS_MAX)
        return MACHINE_E_FULL;
    enum machine_result r = machine_add(m, &ecam, NULL);
    return r == MACHINE_OK ? machine_add(m, &window, NULL) : r;
}

enum machine_result machine_add_virtio_pci(struct machine *m, uint32_t virtio_id,
                                           const struct machine_dev **out)
{
    const struct machine_dev *ecam = machine_find(m, MACHINE_PCI_ECAM, 0);
    unsigned slot = 1;
    while (machine_find(m, MACHINE_VIRTIO_PCI, slot - 1))
        slot++;
    if (slot == MACHINE_PCI_SLOTS)
        return MACHINE_E_FULL;
    if (!ecam) {
        enum machine_result r = machine_add_bridge(m);
        if (r != MACHINE_OK)
            return r;
        ecam = machine_find(m, MACHINE_PCI_ECAM, 0);
    }
    /* INTA of the device in `slot`, after the bridge's swizzle */
    struct machine_dev d = {.kind = MACHINE_VIRTIO_PCI,
                            .intid = ecam->intid + slot % 4u,
                            .intid_count = 1,
                            .virtio_id = virtio_id,
                            .pci_slot = slot};
    return machine_add(m, &d, out);
}

enum machine_result machine_add_passthru(struct machine *m, ipa_t base, uint64_t size, ipa_t reg,
                                         uint64_t reg_size, unsigned intid, const char *compatible,
                                         const struct machine_dev **out)
{
    const struct machine_dev d = {.kind = MACHINE_PASSTHRU,
                                  .base = base,
                                  .size = size,
                                  .intid = intid,
                                  .intid_count = intid ? 1 : 0,
                                  .reg = reg,
                                  .reg_size = reg_size,
                                  .compatible = compatible};
    if (reg_size == 0 || reg.v < base.v || reg.v - base.v > size ||
        reg_size > size - (reg.v - base.v))
        return MACHINE_E_RANGE;
    return machine_add(m, &d, out);
}

const struct machine_dev *machine_find(const struct machine *m, enum machine_dev_kind kind,
                                       unsigned n)
{
    for (unsigned i = 0; i < m->dev_count; i++)
        if (m->dev[i].kind == kind && n-- == 0)
            return &m->dev[i];
    return NULL;
}

const char *machine_strerror(enum machine_result r)
{
    static const char *const why[] = {
        [MACHINE_OK] = "ok",
        [MACHINE_E_RAM] = ("guest RAM must be 2 MiB aligned, non-empty, from 1 GiB up and "
                           "below 512 GiB"),
        [MACHINE_E_VCPUS] = "vcpus out of 1..8",
        [MACHINE_E_FULL] = "no room for another device on the platform",
        [MACHINE_E_OVERLAP] = "its range overlaps another device",
        [MACHINE_E_RANGE] = "its range is empty, not 0x200-aligned or not below 1 GiB",
        [MACHINE_E_IRQ] = "its interrupt is not an SPI (INTID 32..95)",
        [MACHINE_E_IRQ_USED] = "its interrupt is used by another device",
        [MACHINE_E_GIC] = "the GIC version must be 2 or 3",
    };
    if ((unsigned)r >= sizeof(why) / sizeof(why[0]))
        return "unknown";
    return why[r];
}
