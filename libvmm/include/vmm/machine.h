/*
 * A guest's machine as data: its RAM, vCPUs and every device with its MMIO
 * range and interrupt line. The guest's device tree (fdtgen.h), the VMM's
 * MMIO dispatch and its interrupt routing are all derived from one struct
 * machine, so no address or INTID is written twice (STYLE.md). The same
 * code runs in tools/specc, which checks an app's devices at build time
 * with file:line errors, and in the VMM, which builds the machine it runs.
 *
 * The layout is QEMU virt's (hw/arm/virt.c's memory map): GICv2 distributor
 * at 0x08000000, CPU interface at 0x08010000 (or a GICv3: distributor at
 * 0x08000000, redistributors from 0x080a0000, 128 KiB per vCPU, no CPU
 * interface in memory), PL011 at 0x09000000 on SPI 1,
 * virtio-mmio transports from 0x0a000000, 0x200 bytes apart, on SPIs 16..47,
 * and, once a VM has a PCI device, a PCIe host bridge: its 32-bit memory
 * window at 0x10000000 and its config space (ECAM, bus 0 only) at
 * 0x3f000000, INTA..INTD on SPIs 3..6. PCI devices sit at 00:01.0 onwards.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/types.h"

#define MACHINE_DEVS_MAX   24u
#define MACHINE_VCPUS_MAX  8u
#define MACHINE_IRQ_COUNT  96u           /* INTIDs 0..95: SGIs, PPIs and SPIs 0..63 */
#define MACHINE_SPI_BASE   32u           /* INTID of SPI 0 */
#define MACHINE_TIMER_PPI  11u           /* virtual timer (arch timer binding), INTID 27 */
#define MACHINE_PTIMER_PPI 14u           /* EL1 (non-secure) physical timer, INTID 30 */
#define MACHINE_RAM_MIN    0x40000000ull /* devices lie below */

#define MACHINE_GICD_BASE       0x08000000ull
#define MACHINE_GICC_BASE       0x08010000ull
#define MACHINE_GIC_SIZE        0x10000ull
#define MACHINE_GICR_BASE       0x080a0000ull
#define MACHINE_GICR_STRIDE     0x20000ull /* RD_base and SGI_base frames of one vCPU */
#define MACHINE_UART_BASE       0x09000000ull
#define MACHINE_UART_SIZE       0x1000ull
#define MACHINE_UART_SPI        1u
#define MACHINE_VMMIO_BASE      0x0a000000ull
#define MACHINE_VMMIO_SIZE      0x200ull
#define MACHINE_VMMIO_SLOTS     32u
#define MACHINE_VMMIO_SPI       16u /* SPI of slot 0; slot i uses SPI 16 + i */
#define MACHINE_PCI_WINDOW_BASE 0x10000000ull
#define MACHINE_PCI_WINDOW_SIZE 0x2eff0000ull
#define MACHINE_PCI_ECAM_BASE   0x3f000000ull
#define MACHINE_PCI_ECAM_SIZE   0x100000ull /* bus 0: 32 devices x 8 functions x 4 KiB */
#define MACHINE_PCI_INTX_SPI    3u          /* INTA; INTB..INTD follow */
#define MACHINE_PCI_SLOTS       32u

/** What a device is. */
enum machine_dev_kind {
    MACHINE_GICD = 1,    /* GIC distributor (v2 or v3), emulated */
    MACHINE_GICC,        /* GICv2 CPU interface: the hardware's GICV frames */
    MACHINE_PL011,       /* PL011 UART, emulated */
    MACHINE_VIRTIO_MMIO, /* a virtio device on the virtio-mmio transport */
    MACHINE_PCI_ECAM,    /* the PCIe host bridge's config space; intid: INTA (4 lines) */
    MACHINE_PCI_WINDOW,  /* the bridge's memory window, where the guest places BARs */
    MACHINE_VIRTIO_PCI,  /* a virtio device as PCI function 00:pci_slot.0 (no range) */
    MACHINE_GICR,        /* GICv3 redistributors, emulated: MACHINE_GICR_STRIDE per vCPU */
    MACHINE_PASSTHRU,    /* a real device: its frames mapped at their PA, its line forwarded */
};

/** One device of the machine. */
struct machine_dev {
    enum machine_dev_kind kind;
    ipa_t base;
    uint64_t size;
    unsigned intid;         /* its (first) interrupt line, 0 if none */
    unsigned intid_count;   /* lines from intid on that it owns */
    uint32_t virtio_id;     /* MACHINE_VIRTIO_*: virtio device ID (virtio.h) */
    unsigned pci_slot;      /* MACHINE_VIRTIO_PCI: its device number on bus 0 */
    ipa_t reg;              /* MACHINE_PASSTHRU: its device-tree node's reg, in [base, +size) */
    uint64_t reg_size;      /* MACHINE_PASSTHRU: that reg's length */
    const char *compatible; /* MACHINE_PASSTHRU: its node's compatible (the caller's string) */
};

/** The machine. */
struct machine {
    ipa_t ram_base;
    uint64_t ram_size;
    unsigned vcpu_count;
    unsigned gic_version;  /* 2 (GICD + GICC) or 3 (GICD + GICR) */
    unsigned timer_intid;  /* the virtual timer's PPI */
    unsigned ptimer_intid; /* the EL1 physical timer's PPI (the kernel delivers it) */
    struct machine_dev dev[MACHINE_DEVS_MAX];
    unsigned dev_count;
};

/** Why a machine or a device was refused. */
enum machine_result {
    MACHINE_OK = 0,
    MACHINE_E_RAM,      /* RAM below MACHINE_RAM_MIN, misaligned, empty or past 39 bits */
    MACHINE_E_VCPUS,    /* vCPUs out of 1..MACHINE_VCPUS_MAX */
    MACHINE_E_FULL,     /* no room: MACHINE_DEVS_MAX devices or every slot taken */
    MACHINE_E_OVERLAP,  /* the range overlaps RAM or another device */
    MACHINE_E_RANGE,    /* an empty, misaligned or wrapping range, or one above RAM_MIN */
    MACHINE_E_IRQ,      /* an interrupt that is not an SPI below MACHINE_IRQ_COUNT */
    MACHINE_E_IRQ_USED, /* an interrupt another device has */
    MACHINE_E_GIC,      /* a GIC version other than 2 or 3 */
};

/**
 * The fixed part of a QEMU virt guest: RAM (2 MiB aligned, at or above
 * MACHINE_RAM_MIN), the vCPUs, a GICv2 and the PL011.
 */
enum machine_result machine_virt(struct machine *m, ipa_t ram_base, uint64_t ram_size,
                                 unsigned vcpus);

/**
 * machine_virt with a GIC of version `gic_version`: 2 (distributor and CPU
 * interface) or 3 (distributor and one redistributor region holding every
 * vCPU's, RD_base and SGI_base frames each).
 */
enum machine_result machine_virt_gic(struct machine *m, ipa_t ram_base, uint64_t ram_size,
                                     unsigned vcpus, unsigned gic_version);

/**
 * Adds a virtio-mmio device: at `base` on INTID `intid`, or where 0, in the
 * first free virtio-mmio slot and its SPI. On success *out (may be NULL)
 * is the device as added.
 */
enum machine_result machine_add_virtio_mmio(struct machine *m, uint32_t virtio_id, ipa_t base,
                                            unsigned intid, const struct machine_dev **out);

/**
 * Adds a virtio device as a PCI function at the next free slot of bus 0
 * (from 00:01.0), its INTA swizzled onto the bridge's four lines as the
 * PCI-to-PCI bridge specification does (slot + pin - 1, modulo 4). The
 * first such device adds the host bridge (ECAM and memory window).
 */
enum machine_result machine_add_virtio_pci(struct machine *m, uint32_t virtio_id,
                                           const struct machine_dev **out);

/**
 * Adds a passed-through device (docs/passthrough.md): the page-aligned
 * range [base, base + size) the guest reaches without exits, the window
 * [reg, reg + reg_size) inside it its device-tree node names, its line
 * `intid` (0: none) and the node's `compatible` (kept as a pointer).
 * MACHINE_E_RANGE if the window is not inside the range.
 */
enum machine_result machine_add_passthru(struct machine *m, ipa_t base, uint64_t size, ipa_t reg,
                                         uint64_t reg_size, unsigned intid, const char *compatible,
                                         const struct machine_dev **out);

/** The n-th device of `kind` (counting from 0), or NULL. */
const struct machine_dev *machine_find(const struct machine *m, enum machine_dev_kind kind,
                                       unsigned n);

/** A short text for a result. */
const char *machine_strerror(enum machine_result r);

#endif /* VMM_MACHINE_H */
