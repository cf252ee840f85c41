/*
 * A small, defensive flattened-devicetree (DTB) reader: enough to learn the platform (memory,
 * console, GIC, timer, cores, PSCI) from the DTB the boot loader hands over. Devicetree
 * Specification v0.4, chapter 5 ("Flattened Devicetree (DTB) Format").
 *
 * Defensive: the blob is untrusted input. Every offset, length and string is bounds-checked against
 * the header and `max_size`; a corrupt blob yields an error, never an out-of-bounds read. Portable
 * C (host tested).
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <kernel/arch.h>

/** Errors of fdt_plat_parse (negative). */
enum fdt_err {
    FDT_OK = 0,
    FDT_E_HEADER = -1,    /* bad magic, version, sizes or offsets */
    FDT_E_STRUCT = -2,    /* malformed token stream or property */
    FDT_E_DEPTH = -3,     /* nodes nested deeper than FDT_MAX_DEPTH */
    FDT_E_NO_MEMORY = -4, /* no usable memory node */
    FDT_E_NO_UART = -5,   /* no enabled "arm,pl011" */
    FDT_E_NO_GIC = -6,    /* no GICv2 with its 4 register frames */
    FDT_E_NO_TIMER = -7,  /* no "arm,armv8-timer" with 4 interrupts */
    FDT_E_NO_CPUS = -8    /* no cpu node */
};

#define FDT_MAX_DEPTH 16

/**
 * Checks the header of `dtb` (at most `max_size` bytes readable) and returns its totalsize, or 0
 * when the header is invalid.
 */
size_t fdt_check_header(const void *dtb, size_t max_size);

/**
 * Fills `out` from the platform nodes of `dtb`: memory nodes, the UART (PL011 or Tegra's 16550)
 * named by /chosen/stdout-path (else the first enabled one), the GICv2 (GICD, GICC, GICH, GICV
 * frames) or GICv3, the generic timer's interrupts, /cpus/cpu@* (MPIDR affinity, rotated so that
 * `boot_mpidr`, the MPIDR_EL1 of the core that boots, is core 0) and PSCI. `out` is zeroed first;
 * on error its content is unspecified. Returns FDT_OK or an fdt_err.
 */
int fdt_plat_parse(const void *dtb, size_t max_size, uint64_t boot_mpidr, struct plat_info *out);

#endif /* KERNEL_FDT_H */
