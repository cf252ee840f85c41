/*
 * Generates the guest's flattened device tree (DTB) with libfdt's
 * sequential-write API: a minimal "linux,dummy-virt" machine with RAM,
 * N PSCI-started Cortex-A57 cores, a GICv2, the architected timer and one
 * PL011. Devicetree specification v0.4 (nodes, standard properties); Linux
 * bindings: arm/gic.yaml, timer/arm,arch_timer.yaml, arm/psci.yaml,
 * serial/pl011.yaml, clock/fixed-clock.yaml.
 */
#ifndef VMM_FDTGEN_H
#define VMM_FDTGEN_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/types.h"

#define FDTGEN_MAX_VCPUS 8u

/** Default guest addresses (QEMU virt layout). */
#define FDTGEN_GICD_BASE 0x08000000u
#define FDTGEN_GICC_BASE 0x08010000u
#define FDTGEN_GIC_SIZE  0x10000u
#define FDTGEN_UART_BASE 0x09000000u
#define FDTGEN_UART_SIZE 0x1000u
#define FDTGEN_UART_SPI  1u /* INTID 33 */
#define FDTGEN_UART_CLK  24000000u

/** Everything that varies between VMs. */
struct fdtgen_params {
    ipa_t ram_base;
    uint64_t ram_size;
    unsigned vcpu_count;  /* 1..8; cpu@i has reg = i (MPIDR Aff0) */
    const char *bootargs; /* NULL: none */
    ipa_t initrd_start;   /* linux,initrd-*; only if initrd_end > initrd_start */
    ipa_t initrd_end;
    ipa_t gicd_base; /* distributor (emulated), FDTGEN_GIC_SIZE bytes */
    ipa_t gicc_base; /* CPU interface: the hardware GICV page */
    ipa_t uart_base;
    unsigned uart_spi; /* SPI number (INTID - 32) */
};

/** Outcome of fdtgen_build. */
enum fdtgen_result {
    FDTGEN_OK = 0,
    FDTGEN_E_PARAM,   /* a parameter out of range */
    FDTGEN_E_NOSPACE, /* `size` too small for the tree */
    FDTGEN_E_LIBFDT   /* any other libfdt error */
};

/** Fills `p` with the QEMU-virt addresses above and no RAM, bootargs or initrd. */
void fdtgen_defaults(struct fdtgen_params *p);

/**
 * Writes the DTB for `p` into buf[0..size). On FDTGEN_OK, *out_size (may be
 * NULL) is the blob's total size (fdt_totalsize).
 */
enum fdtgen_result fdtgen_build(const struct fdtgen_params *p, void *buf, size_t size,
                                size_t *out_size);

#endif /* VMM_FDTGEN_H */
