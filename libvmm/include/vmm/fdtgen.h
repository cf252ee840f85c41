/*
 * Generates the guest's flattened device tree (DTB) with libfdt's
 * sequential-write API from its machine (machine.h): a "linux,dummy-virt"
 * machine with RAM, N PSCI-started Cortex-A57 cores, a GICv2 or GICv3, the
 * architected timer, a PL011 and its virtio-mmio devices. Devicetree
 * specification v0.4 (nodes, standard properties); Linux bindings: arm/gic.yaml,
 * interrupt-controller/arm,gic-v3.yaml, timer/arm,arch_timer.yaml, arm/psci.yaml,
 * serial/pl011.yaml, clock/fixed-clock.yaml, virtio/mmio.yaml.
 */
#ifndef VMM_FDTGEN_H
#define VMM_FDTGEN_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/machine.h"
#include "vmm/types.h"

#define FDTGEN_UART_CLK 24000000u

/** The machine, and what varies between boots of it. */
struct fdtgen_params {
    const struct machine *machine; /* RAM, vCPUs (cpu@i has reg = i, MPIDR Aff0), devices */
    const char *bootargs;          /* NULL: none */
    ipa_t initrd_start;            /* linux,initrd-*; only if initrd_end > initrd_start */
    ipa_t initrd_end;
};

/** Outcome of fdtgen_build. */
enum fdtgen_result {
    FDTGEN_OK = 0,
    FDTGEN_E_PARAM,   /* a parameter out of range */
    FDTGEN_E_NOSPACE, /* `size` too small for the tree */
    FDTGEN_E_LIBFDT   /* any other libfdt error */
};

/**
 * Writes the DTB for `p` into buf[0..size). On FDTGEN_OK, *out_size (may be
 * NULL) is the blob's total size (fdt_totalsize).
 */
enum fdtgen_result fdtgen_build(const struct fdtgen_params *p, void *buf, size_t size,
                                size_t *out_size);

#endif /* VMM_FDTGEN_H */
