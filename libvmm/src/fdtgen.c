/*
 * Guest device tree generation with libfdt's sequential-write functions
 * (fdt_create .. fdt_finish). Each node has its own function; the first
 * libfdt error aborts the whole build (FDT_TRY).
 */
#include <libfdt.h>
#include <stdio.h>

#include "vmm/fdtgen.h"

#define PHANDLE_GIC 1u
#define PHANDLE_CLK 2u

/* Interrupt specifier, arm/gic.yaml: type, number, flags. */
#define GIC_SPI             0u
#define GIC_PPI             1u
#define IRQ_TYPE_LEVEL_HIGH 4u

/* Architected timer PPIs (as INTID - 16) the machine does not give a guest:
 * secure physical and hypervisor (arch timer binding order: secure,
 * non-secure physical, virtual, hypervisor). */
#define TIMER_SEC_PPI 13u
#define TIMER_HYP_PPI 10u

#define FDT_TRY(expr)                                                                              \
    do {                                                                                           \
        int err_ = (expr);                                                                         \
        if (err_ < 0)                                                                              \
            return err_;                                                                           \
    } while (0)

/** A property of two 64-bit cells per pair: <addr size> in (2, 2) cells. */
static int prop_reg(void *fdt, const uint64_t *pairs, unsigned count)
{
    fdt64_t cells[4];

    for (unsigned i = 0; i < count * 2u; i++)
        cells[i] = cpu_to_fdt64(pairs[i]);
    return fdt_property(fdt, "reg", cells, (int)((size_t)count * 2u * sizeof(fdt64_t)));
}

/** A property of `n` 32-bit cells. */
static int prop_cells(void *fdt, const char *name, const uint32_t *vals, unsigned n)
{
    fdt32_t cells[12];

    for (unsigned i = 0; i < n; i++)
        cells[i] = cpu_to_fdt32(vals[i]);
    return fdt_property(fdt, name, cells, (int)(n * sizeof(fdt32_t)));
}

/** Root properties: machine compatible, 2/2 cells, the GIC as default parent. */
static int root_props(void *fdt)
{
    FDT_TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    FDT_TRY(fdt_property_cell(fdt, "#address-cells", 2));
    FDT_TRY(fdt_property_cell(fdt, "#size-cells", 2));
    FDT_TRY(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_GIC));
    return fdt_property_string(fdt, "model", "capvisor guest");
}

/** /chosen: bootargs, initrd range, console (Linux chosen.txt). */
static int node_chosen(void *fdt, const struct fdtgen_params *p)
{
    const struct machine_dev *uart = machine_find(p->machine, MACHINE_PL011, 0);
    char path[32];

    snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)uart->base.v);
    FDT_TRY(fdt_begin_node(fdt, "chosen"));
    if (p->bootargs)
        FDT_TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
    if (p->initrd_end.v > p->initrd_start.v) {
        FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start.v));
        FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end.v));
    }
    FDT_TRY(fdt_property_string(fdt, "stdout-path", path));
    return fdt_end_node(fdt);
}

/** memory@base (devicetree spec 3.4). */
static int node_memory(void *fdt, const struct fdtgen_params *p)
{
    char name[32];
    uint64_t reg[2] = {p->machine->ram_base.v, p->machine->ram_size};

    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)reg[0]);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
    FDT_TRY(prop_reg(fdt, reg, 1));
    return fdt_end_node(fdt);
}

/** cpu@i: reg = MPIDR Aff0 = i, started with PSCI CPU_ON (devicetree spec 3.8). */
static int node_cpu(void *fdt, unsigned i)
{
    char name[16];

    snprintf(name, sizeof(name), "cpu@%u", i);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
    FDT_TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a57"));
    FDT_TRY(fdt_property_cell(fdt, "reg", i));
    FDT_TRY(fdt_property_string(fdt, "enable-method", "psci"));
    return fdt_end_node(fdt);
}

static int node_cpus(void *fdt, const struct fdtgen_params *p)
{
    FDT_TRY(fdt_begin_node(fdt, "cpus"));
    FDT_TRY(fdt_property_cell(fdt, "#address-cells", 1));
    FDT_TRY(fdt_property_cell(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < p->machine->vcpu_count; i++)
        FDT_TRY(node_cpu(fdt, i));
    return fdt_end_node(fdt);
}

/** psci: PSCI 1.0 with the 0.2 function IDs, HVC conduit (arm/psci.yaml). */
static int node_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

    FDT_TRY(fdt_begin_node(fdt, "psci"));
    FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    FDT_TRY(fdt_property_string(fdt, "method", "hvc"));
    return fdt_end_node(fdt);
}

/**
 * intc: the GIC. GICv2 (arm,gic.yaml): distributor + CPU interface, no
 * hypervisor regions. GICv3 (arm,gic-v3.yaml): distributor + one
 * redistributor region, no ITS child, no CPU interface regions (the guest
 * uses the system registers). #address-cells 0 either way: an
 * interrupt-map's parent unit address has no cells.
 */
static int node_gic(void *fdt, const struct machine_dev *gicd, const struct machine_dev *cpu,
                    unsigned version)
{
    const char *compat = version == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic";
    uint64_t reg[4] = {gicd->base.v, gicd->size, cpu->base.v, cpu->size};
    char name[32];

    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)gicd->base.v);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "compatible", compat));
    FDT_TRY(fdt_property_cell(fdt, "#interrupt-cells", 3));
    FDT_TRY(fdt_property_cell(fdt, "#address-cells", 0));
    FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    if (version == 3)
        FDT_TRY(fdt_property_cell(fdt, "#redistributor-regions", 1));
    FDT_TRY(prop_reg(fdt, reg, 2));
    FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_GIC));
    return fdt_end_node(fdt);
}

/**
 * timer: four PPIs, level-high, routed to every CPU: a GICv2 wants the CPU
 * mask in flags[15:8], a GICv3 has no such field (those bits must be 0).
 */
static int node_timer(void *fdt, const struct machine *m)
{
    uint32_t cpus = m->gic_version == 3 ? 0 : ((1u << m->vcpu_count) - 1u) << 8;
    uint32_t flags = cpus | IRQ_TYPE_LEVEL_HIGH;
    const uint32_t timer_ppis[4] = {TIMER_SEC_PPI, m->ptimer_intid - 16u, m->timer_intid - 16u,
                                    TIMER_HYP_PPI};
    uint32_t irqs[12];

    for (size_t i = 0; i < 4; i++) {
        irqs[3 * i] = GIC_PPI;
        irqs[3 * i + 1] = timer_ppis[i];
        irqs[3 * i + 2] = flags;
    }
    FDT_TRY(fdt_begin_node(fdt, "timer"));
    FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
    FDT_TRY(prop_cells(fdt, "interrupts", irqs, 12));
    return fdt_end_node(fdt);
}

/** apb-pclk: the fixed 24 MHz clock both PL011 clock inputs use. */
static int node_clock(void *fdt)
{
    FDT_TRY(fdt_begin_node(fdt, "apb-pclk"));
    FDT_TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
    FDT_TRY(fdt_property_cell(fdt, "#clock-cells", 0));
    FDT_TRY(fdt_property_cell(fdt, "clock-frequency", FDTGEN_UART_CLK));
    FDT_TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_CLK));
    return fdt_end_node(fdt);
}

/** pl011@base: an AMBA PrimeCell, SPI level-high (serial/pl011.yaml). */
static int node_uart(void *fdt, const struct machine_dev *uart)
{
    static const char compat[] = "arm,pl011\0arm,primecell";
    static const char clk_names[] = "uartclk\0apb_pclk";
    uint32_t irq[3] = {GIC_SPI, uart->intid - MACHINE_SPI_BASE, IRQ_TYPE_LEVEL_HIGH};
    uint32_t clks[2] = {PHANDLE_CLK, PHANDLE_CLK};
    uint64_t reg[2] = {uart->base.v, uart->size};
    char name[32];

    snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)uart->base.v);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    FDT_TRY(prop_reg(fdt, reg, 1));
    FDT_TRY(prop_cells(fdt, "interrupts", irq, 3));
    FDT_TRY(prop_cells(fdt, "clocks", clks, 2));
    FDT_TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
    return fdt_end_node(fdt);
}

/**
 * prefix@base: a device with one register window, a level-high SPI (none
 * if intid is 0) and coherent DMA, as QEMU virt describes its virtio-mmio
 * slots.
 */
static int node_simple(void *fdt, const char *prefix, const char *compatible, uint64_t base,
                       uint64_t size, unsigned intid)
{
    uint32_t irq[3] = {GIC_SPI, intid - MACHINE_SPI_BASE, IRQ_TYPE_LEVEL_HIGH};
    uint64_t reg[2] = {base, size};
    char name[40];

    snprintf(name, sizeof(name), "%s@%llx", prefix, (unsigned long long)base);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "compatible", compatible));
    FDT_TRY(prop_reg(fdt, reg, 1));
    if (intid)
        FDT_TRY(prop_cells(fdt, "interrupts", irq, 3));
    FDT_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
    return fdt_end_node(fdt);
}

/**
 * virtio_mmio@base: a virtio-mmio transport (virtio/mmio.yaml). Its line
 * is a level: the VMM holds it high while the interrupt status is not 0.
 */
static int node_virtio_mmio(void *fdt, const struct machine_dev *d)
{
    return node_simple(fdt, "virtio_mmio", "virtio,mmio", d->base.v, d->size, d->intid);
}

/**
 * passthru@reg: a passed-through device, as the description gives it: its
 * compatible, its register window and its line (a level: the VMM forwards
 * the hardware line's level, docs/passthrough.md). dma-coherent: the
 * guest's RAM is at IPA == PA and the platform's DMA is coherent (QEMU).
 */
static int node_passthru(void *fdt, const struct machine_dev *d)
{
    return node_simple(fdt, "passthru", d->compatible ? d->compatible : "", d->reg.v, d->reg_size,
                       d->intid);
}

/* PCI address space codes (IEEE 1275 PCI bus binding 2.2.1.1): 32-bit memory. */
#define PCI_SPACE_MEM32 0x02000000u

/**
 * interrupt-map of the host bridge: INTA..INTD (pins 1..4) of devices 0..3
 * (the map's mask repeats it every four slots) onto the bridge's lines,
 * swizzled as the PCI-to-PCI bridge specification does: line (slot + pin -
 * 1) mod 4. The GIC has #address-cells 0, so an entry is 3 + 1 + 1 + 3 cells.
 */
static int prop_pci_interrupt_map(void *fdt, unsigned first_spi)
{
    uint32_t map[4 * 4 * 8];
    unsigned n = 0;
    for (unsigned slot = 0; slot < 4; slot++) {
        for (unsigned pin = 1; pin <= 4; pin++) {
            const uint32_t e[8] = {slot << 11,
                                   0,
                                   0,
                                   pin,
                                   PHANDLE_GIC,
                                   GIC_SPI,
                                   first_spi + (slot + pin - 1) % 4,
                                   IRQ_TYPE_LEVEL_HIGH};
            for (unsigned k = 0; k < 8; k++)
                map[n++] = cpu_to_fdt32(e[k]);
        }
    }
    return fdt_property(fdt, "interrupt-map", map, (int)sizeof(map));
}

/**
 * pcie@base: a generic ECAM host bridge with bus 0 and one 32-bit memory
 * window, identity-mapped (pci/host-generic-pci.yaml). Linux assigns the
 * BARs in the window itself.
 */
static int node_pci(void *fdt, const struct machine_dev *ecam, const struct machine_dev *window)
{
    const uint32_t mask[4] = {0x1800, 0, 0, 7};
    const uint32_t bus_range[2] = {0, 0};
    const uint32_t ranges[7] = {PCI_SPACE_MEM32,          (uint32_t)(window->base.v >> 32),
                                (uint32_t)window->base.v, (uint32_t)(window->base.v >> 32),
                                (uint32_t)window->base.v, (uint32_t)(window->size >> 32),
                                (uint32_t)window->size};
    uint64_t reg[2] = {ecam->base.v, ecam->size};
    char name[40];

    snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)ecam->base.v);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
    FDT_TRY(fdt_property_string(fdt, "device_type", "pci"));
    FDT_TRY(prop_reg(fdt, reg, 1));
    FDT_TRY(prop_cells(fdt, "bus-range", bus_range, 2));
    FDT_TRY(fdt_property_cell(fdt, "#address-cells", 3));
    FDT_TRY(fdt_property_cell(fdt, "#size-cells", 2));
    FDT_TRY(fdt_property_cell(fdt, "#interrupt-cells", 1));
    FDT_TRY(fdt_property_cell(fdt, "linux,pci-domain", 0));
    FDT_TRY(prop_cells(fdt, "ranges", ranges, 7));
    FDT_TRY(prop_cells(fdt, "interrupt-map-mask", mask, 4));
    FDT_TRY(prop_pci_interrupt_map(fdt, ecam->intid - MACHINE_SPI_BASE));
    FDT_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
    return fdt_end_node(fdt);
}

/** The GIC's per-CPU part: the GICv2 CPU interface or the GICv3 redistributors. */
static const struct machine_dev *gic_cpu(const struct machine *m)
{
    return machine_find(m, m->gic_version == 3 ? MACHINE_GICR : MACHINE_GICC, 0);
}

/** Every device of the machine, in the order it lists them. */
static int node_devices(void *fdt, const struct machine *m)
{
    FDT_TRY(node_gic(fdt, machine_find(m, MACHINE_GICD, 0), gic_cpu(m), m->gic_version));
    FDT_TRY(node_timer(fdt, m));
    FDT_TRY(node_clock(fdt));
    for (unsigned i = 0; i < m->dev_count; i++) {
        const struct machine_dev *d = &m->dev[i];
        if (d->kind == MACHINE_PL011)
            FDT_TRY(node_uart(fdt, d));
        else if (d->kind == MACHINE_VIRTIO_MMIO)
            FDT_TRY(node_virtio_mmio(fdt, d));
        else if (d->kind == MACHINE_PASSTHRU)
            FDT_TRY(node_passthru(fdt, d));
        else if (d->kind == MACHINE_PCI_ECAM)
            FDT_TRY(node_pci(fdt, d, machine_find(m, MACHINE_PCI_WINDOW, 0)));
    }
    return 0;
}

/** The whole tree, in sequential-write order. */
static int build(void *fdt, size_t size, const struct fdtgen_params *p)
{
    FDT_TRY(fdt_create(fdt, (int)size));
    FDT_TRY(fdt_finish_reservemap(fdt));
    FDT_TRY(fdt_begin_node(fdt, ""));
    FDT_TRY(root_props(fdt));
    FDT_TRY(node_chosen(fdt, p));
    FDT_TRY(node_memory(fdt, p));
    FDT_TRY(node_cpus(fdt, p));
    FDT_TRY(node_psci(fdt));
    FDT_TRY(node_devices(fdt, p->machine));
    FDT_TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

/** Checks the parameters, then builds. */
enum fdtgen_result fdtgen_build(const struct fdtgen_params *p, void *buf, size_t size,
                                size_t *out_size)
{
    const struct machine *m = p->machine;
    /* a machine from machine_virt has these; anything else is not one */
    if (!m || m->vcpu_count == 0 || m->vcpu_count > MACHINE_VCPUS_MAX || m->ram_size == 0 ||
        (m->gic_version != 2 && m->gic_version != 3) || !machine_find(m, MACHINE_GICD, 0) ||
        !gic_cpu(m) || !machine_find(m, MACHINE_PL011, 0))
        return FDTGEN_E_PARAM;
    if (p->initrd_end.v < p->initrd_start.v || size > INT32_MAX)
        return FDTGEN_E_PARAM;
    int err = build(buf, size, p);
    if (err == -FDT_ERR_NOSPACE)
        return FDTGEN_E_NOSPACE;
    if (err < 0)
        return FDTGEN_E_LIBFDT;
    if (out_size)
        *out_size = fdt_totalsize(buf);
    return FDTGEN_OK;
}
