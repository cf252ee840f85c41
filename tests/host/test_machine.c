/*
 * libvmm guest machine (machine.h): QEMU virt's fixed devices, virtio-mmio
 * slots chosen or given, and every refusal.
 */
#include "test_vmm.h"
#include "vmm/machine.h"
#include "vmm/vgic.h"

/* the machine's redistributor frames are the ones the vGIC emulates */
_Static_assert(MACHINE_GICR_STRIDE == VGIC_REDIST_STRIDE, "GICR stride");

static struct machine m;

static void test_virt(void)
{
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 2), MACHINE_OK);
    CHECK_EQ(m.dev_count, 3);
    CHECK_EQ(m.gic_version, 2);
    CHECK_EQ(m.timer_intid, 27);
    CHECK_EQ(m.ptimer_intid, 30);
    CHECK(machine_find(&m, MACHINE_GICR, 0) == NULL);
    const struct machine_dev *d = machine_find(&m, MACHINE_GICD, 0);
    CHECK(d && d->base.v == 0x08000000 && d->size == 0x10000);
    d = machine_find(&m, MACHINE_GICC, 0);
    CHECK(d && d->base.v == 0x08010000);
    d = machine_find(&m, MACHINE_PL011, 0);
    CHECK(d && d->base.v == 0x09000000 && d->intid == 33);
    CHECK(machine_find(&m, MACHINE_PL011, 1) == NULL);
    CHECK(machine_find(&m, MACHINE_VIRTIO_MMIO, 0) == NULL);
    CHECK_EQ(machine_virt(&m, IPA(0x3fe00000), 0x200000, 1), MACHINE_E_RAM);
    CHECK_EQ(machine_virt(&m, IPA(0x40100000), 0x200000, 1), MACHINE_E_RAM);
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0, 1), MACHINE_E_RAM);
    CHECK_EQ(machine_virt(&m, IPA(0x7f00000000), 0x200000000, 1), MACHINE_E_RAM);
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x200000, 0), MACHINE_E_VCPUS);
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x200000, 9), MACHINE_E_VCPUS);
}

/** GICv3: QEMU virt's distributor and redistributor region, no CPU interface. */
static void test_virt_gicv3(void)
{
    const struct machine_dev *d;
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 4, 3), MACHINE_OK);
    CHECK_EQ(m.gic_version, 3);
    CHECK_EQ(m.vcpu_count, 4);
    CHECK_EQ(m.dev_count, 3);
    CHECK_EQ(m.timer_intid, 27);
    d = machine_find(&m, MACHINE_GICD, 0);
    CHECK(d && d->base.v == 0x08000000 && d->size == 0x10000 && d->intid == 0);
    d = machine_find(&m, MACHINE_GICR, 0);
    CHECK(d && d->base.v == 0x080a0000 && d->size == 0x80000 && d->intid == 0);
    CHECK(machine_find(&m, MACHINE_GICC, 0) == NULL);
    CHECK(machine_find(&m, MACHINE_GICR, 1) == NULL);
    d = machine_find(&m, MACHINE_PL011, 0);
    CHECK(d && d->base.v == 0x09000000 && d->intid == 33);
    /* eight vCPUs: the region ends at 0x081a0000, below the UART */
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 8, 3), MACHINE_OK);
    d = machine_find(&m, MACHINE_GICR, 0);
    CHECK(d && d->size == 0x100000);
    /* the redistributors' range is taken; the GICv2 CPU interface's is free */
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x08190000), 70, NULL), MACHINE_E_OVERLAP);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x081a0000), 70, NULL), MACHINE_OK);
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 1, 3), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x08010000), 71, NULL), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x080bfe00), 72, NULL), MACHINE_E_OVERLAP);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x080c0000), 72, NULL), MACHINE_OK);
    /* version 2 is machine_virt's machine */
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 2, 2), MACHINE_OK);
    CHECK_EQ(m.gic_version, 2);
    CHECK(machine_find(&m, MACHINE_GICC, 0) != NULL && machine_find(&m, MACHINE_GICR, 0) == NULL);
    /* refusals */
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 1, 4), MACHINE_E_GIC);
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 1, 0), MACHINE_E_GIC);
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40000000), 0x20000000, 9, 3), MACHINE_E_VCPUS);
    CHECK_EQ(machine_virt_gic(&m, IPA(0x40100000), 0x20000000, 1, 3), MACHINE_E_RAM);
    CHECK(strcmp(machine_strerror(MACHINE_E_GIC), "the GIC version must be 2 or 3") == 0);
}

static void test_virtio_slots(void)
{
    const struct machine_dev *d = NULL;
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 0, &d), MACHINE_OK);
    CHECK(d && d->base.v == 0x0a000000 && d->intid == 48 && d->virtio_id == 3);
    /* slot 1 given by address: the next automatic one skips it */
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0a000200), 60, &d), MACHINE_OK);
    CHECK(d && d->intid == 60);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0), 0, &d), MACHINE_OK);
    CHECK(d && d->base.v == 0x0a000400 && d->intid == 50);
    /* refusals: overlap, a line in use, not an SPI, out of range, misaligned */
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0a000400), 70, NULL), MACHINE_E_OVERLAP);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x08001000), 70, NULL), MACHINE_E_OVERLAP);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0b000000), 33, NULL), MACHINE_E_IRQ_USED);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0b000000), 27, NULL), MACHINE_E_IRQ);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0b000000), 96, NULL), MACHINE_E_IRQ);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x40000000), 70, NULL), MACHINE_E_RANGE);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x3ffffe00), 70, NULL), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0b000100), 71, NULL), MACHINE_E_RANGE);
    CHECK_EQ(m.dev_count, 7);
}

static void test_full(void)
{
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    unsigned added = 0;
    while (machine_add_virtio_mmio(&m, 1, IPA(0), 0, NULL) == MACHINE_OK)
        added++;
    CHECK_EQ(added, MACHINE_DEVS_MAX - 3);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0), 0, NULL), MACHINE_E_FULL);
    /* every slot's line taken by a device elsewhere: none is left to choose */
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    for (unsigned i = 0; i < MACHINE_DEVS_MAX - 3; i++)
        CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0c000000 + i * 0x200), 48 + i, NULL),
                 MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 1, IPA(0x0d000000), 0, NULL), MACHINE_E_FULL);
    CHECK(strcmp(machine_strerror(MACHINE_E_IRQ_USED), "its interrupt is used by another device") ==
          0);
}

/** PCI devices: the bridge comes with the first, INTA swizzled over SPIs 3..6. */
static void test_pci(void)
{
    const struct machine_dev *d = NULL;
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    CHECK(machine_find(&m, MACHINE_PCI_ECAM, 0) == NULL);
    CHECK_EQ(machine_add_virtio_pci(&m, 3, &d), MACHINE_OK);
    CHECK(d && d->pci_slot == 1 && d->intid == 36 && d->virtio_id == 3 && d->size == 0);
    const struct machine_dev *e = machine_find(&m, MACHINE_PCI_ECAM, 0);
    CHECK(e && e->base.v == 0x3f000000 && e->size == 0x100000 && e->intid == 35);
    const struct machine_dev *w = machine_find(&m, MACHINE_PCI_WINDOW, 0);
    CHECK(w && w->base.v == 0x10000000 && w->size == 0x2eff0000);
    for (unsigned s = 2; s <= 5; s++) {
        CHECK_EQ(machine_add_virtio_pci(&m, 3, &d), MACHINE_OK);
        CHECK(d && d->pci_slot == s && d->intid == 35 + s % 4);
    }
    CHECK_EQ(m.dev_count, 3 + 2 + 5);
    /* the bridge's lines and ranges are taken */
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 38, NULL), MACHINE_E_IRQ_USED);
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0x3f0ffe00), 0, NULL), MACHINE_E_OVERLAP);
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0x20000000), 0, NULL), MACHINE_E_OVERLAP);
    /* a line the bridge would need, taken first */
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 36, NULL), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_pci(&m, 3, NULL), MACHINE_E_IRQ_USED);
    /* no room for the bridge */
    CHECK_EQ(machine_virt(&m, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    while (m.dev_count < MACHINE_DEVS_MAX - 1)
        CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 0, NULL), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_pci(&m, 3, NULL), MACHINE_E_FULL);
}

/** A passed-through device: its range against the others', its reg inside it, its line free. */
static void test_passthru(void)
{
    struct machine m;
    const struct machine_dev *d = NULL;
    CHECK_EQ(machine_virt(&m, IPA(0x80000000), 0x08000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 0, NULL), MACHINE_OK); /* slot 0, INTID 48 */
    CHECK_EQ(machine_add_passthru(&m, IPA(0x0a003000), 0x1000, IPA(0x0a003e00), 0x200, 79,
                                  "virtio,mmio", &d),
             MACHINE_OK);
    CHECK(d && d->kind == MACHINE_PASSTHRU && d->base.v == 0x0a003000 && d->size == 0x1000 &&
          d->reg.v == 0x0a003e00 && d->reg_size == 0x200 && d->intid == 79 &&
          strcmp(d->compatible, "virtio,mmio") == 0);
    /* the emulated slots in the same page would be shadowed by its mapping */
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0x0a003c00), 0, NULL), MACHINE_E_OVERLAP);
    /* the next free slot and line skip it: slot 1, INTID 49 */
    CHECK_EQ(machine_add_virtio_mmio(&m, 3, IPA(0), 0, &d), MACHINE_OK);
    CHECK(d && d->base.v == 0x0a000200 && d->intid == 49);
    CHECK_EQ(
        machine_add_passthru(&m, IPA(0x0a004000), 0x1000, IPA(0x0a004000), 0x200, 48, "x", NULL),
        MACHINE_E_IRQ_USED);
    CHECK_EQ(
        machine_add_passthru(&m, IPA(0x0a004000), 0x1000, IPA(0x0a004f00), 0x200, 0, "x", NULL),
        MACHINE_E_RANGE);
    CHECK_EQ(machine_add_passthru(&m, IPA(0x0a004000), 0x1000, IPA(0x0a004000), 0, 0, "x", NULL),
             MACHINE_E_RANGE);
    CHECK_EQ(
        machine_add_passthru(&m, IPA(0x40000000), 0x1000, IPA(0x40000000), 0x200, 0, "x", NULL),
        MACHINE_E_RANGE); /* devices lie below RAM */
    CHECK_EQ(
        machine_add_passthru(&m, IPA(0x0a004000), 0x1000, IPA(0x0a004000), 0x1000, 0, "x", NULL),
        MACHINE_OK); /* no line */
}

int main(void)
{
    test_virt();
    test_virt_gicv3();
    test_virtio_slots();
    test_full();
    test_pci();
    test_passthru();
    return test_done("test_machine");
}
