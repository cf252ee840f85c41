/*
 * libvmm guest device tree: generate, read back with libfdt, run dtc on it.
 */
#include <libfdt.h>
#include <stdint.h>

#include "test_vmm.h"
#include "vmm/fdtgen.h"

static uint8_t blob[16384];

static const void *prop(const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(blob, path);
    CHECK(node >= 0);
    const void *p = fdt_getprop(blob, node, name, len);
    if (!p)
        fprintf(stderr, "missing %s:%s\n", path, name);
    CHECK(p != NULL);
    return p;
}

static uint32_t cell(const char *path, const char *name, int i)
{
    int len;
    const fdt32_t *p = prop(path, name, &len);
    CHECK(p && len >= 4 * (i + 1));
    return p && len >= 4 * (i + 1) ? fdt32_to_cpu(p[i]) : 0xdeadbeef;
}

static uint64_t cell64(const char *path, const char *name, int i)
{
    return ((uint64_t)cell(path, name, 2 * i) << 32) | cell(path, name, 2 * i + 1);
}

static bool str_is(const char *path, const char *name, const char *want, int want_len)
{
    int len;
    const char *p = prop(path, name, &len);
    return p && len == want_len && memcmp(p, want, (size_t)len) == 0;
}

static struct machine machine;

/**
 * A QEMU virt machine with a GIC of version `gic` and two virtio-mmio
 * devices, the second at a given place.
 */
static void build_gic(unsigned vcpus, unsigned gic)
{
    struct fdtgen_params p = {.machine = &machine};
    size_t size = 0;
    CHECK_EQ(machine_virt_gic(&machine, IPA(0x40000000), 0x20000000, vcpus, gic), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&machine, 3, IPA(0), 0, NULL), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_mmio(&machine, 1, IPA(0x0a003e00), 79, NULL), MACHINE_OK);
    p.bootargs = "console=ttyAMA0 earlycon";
    p.initrd_start = IPA(0x48000000);
    p.initrd_end = IPA(0x48123456);
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), &size), FDTGEN_OK);
    CHECK_EQ(fdt_check_header(blob), 0);
    CHECK_EQ(size, fdt_totalsize(blob));
}

static void build(unsigned vcpus)
{
    build_gic(vcpus, 2);
}

static void test_tree(void)
{
    build(4);
    CHECK(str_is("/", "compatible", "linux,dummy-virt", 17));
    CHECK_EQ(cell("/", "#address-cells", 0), 2);
    CHECK_EQ(cell("/", "#size-cells", 0), 2);
    CHECK_EQ(cell("/", "interrupt-parent", 0), cell("/intc@8000000", "phandle", 0));
    CHECK_EQ(cell64("/memory@40000000", "reg", 0), 0x40000000);
    CHECK_EQ(cell64("/memory@40000000", "reg", 1), 0x20000000);
    CHECK(str_is("/memory@40000000", "device_type", "memory", 7));
    CHECK(str_is("/chosen", "bootargs", "console=ttyAMA0 earlycon", 25));
    CHECK(str_is("/chosen", "stdout-path", "/pl011@9000000", 15));
    CHECK_EQ(cell64("/chosen", "linux,initrd-start", 0), 0x48000000);
    CHECK_EQ(cell64("/chosen", "linux,initrd-end", 0), 0x48123456);
    CHECK_EQ(cell("/cpus", "#address-cells", 0), 1);
    CHECK_EQ(cell("/cpus", "#size-cells", 0), 0);
    CHECK_EQ(cell("/cpus/cpu@3", "reg", 0), 3);
    CHECK(str_is("/cpus/cpu@3", "enable-method", "psci", 5));
    CHECK(str_is("/cpus/cpu@0", "device_type", "cpu", 4));
    CHECK(fdt_path_offset(blob, "/cpus/cpu@4") < 0);
    CHECK(str_is("/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2", 26));
    CHECK(str_is("/psci", "method", "hvc", 4));
    CHECK(str_is("/intc@8000000", "compatible", "arm,cortex-a15-gic", 19));
    CHECK_EQ(cell("/intc@8000000", "#interrupt-cells", 0), 3);
    int len = -1;
    CHECK(prop("/intc@8000000", "interrupt-controller", &len) && len == 0);
    CHECK_EQ(cell64("/intc@8000000", "reg", 0), 0x08000000);
    CHECK_EQ(cell64("/intc@8000000", "reg", 1), 0x10000);
    CHECK_EQ(cell64("/intc@8000000", "reg", 2), 0x08010000);
    CHECK_EQ(cell64("/intc@8000000", "reg", 3), 0x10000);
    prop("/intc@8000000", "reg", &len);
    CHECK_EQ(len, 32); /* no hypervisor regions */
    CHECK(str_is("/timer", "compatible", "arm,armv8-timer", 16));
    static const uint32_t ppis[4] = {13, 14, 11, 10};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(cell("/timer", "interrupts", 3 * i), 1);
        CHECK_EQ(cell("/timer", "interrupts", 3 * i + 1), ppis[i]);
        CHECK_EQ(cell("/timer", "interrupts", 3 * i + 2), 0xf04);
    }
    CHECK(str_is("/pl011@9000000", "compatible", "arm,pl011\0arm,primecell", 24));
    CHECK_EQ(cell64("/pl011@9000000", "reg", 0), 0x09000000);
    CHECK_EQ(cell64("/pl011@9000000", "reg", 1), 0x1000);
    CHECK_EQ(cell("/pl011@9000000", "interrupts", 0), 0);
    CHECK_EQ(cell("/pl011@9000000", "interrupts", 1), 1);
    CHECK_EQ(cell("/pl011@9000000", "interrupts", 2), 4);
    CHECK(str_is("/pl011@9000000", "clock-names", "uartclk\0apb_pclk", 17));
    uint32_t clk = cell("/apb-pclk", "phandle", 0);
    CHECK_EQ(cell("/pl011@9000000", "clocks", 0), clk);
    CHECK_EQ(cell("/pl011@9000000", "clocks", 1), clk);
    CHECK_EQ(cell("/apb-pclk", "clock-frequency", 0), 24000000);
    CHECK_EQ(cell("/apb-pclk", "#clock-cells", 0), 0);
    CHECK(str_is("/virtio_mmio@a000000", "compatible", "virtio,mmio", 12));
    CHECK_EQ(cell64("/virtio_mmio@a000000", "reg", 0), 0x0a000000);
    CHECK_EQ(cell64("/virtio_mmio@a000000", "reg", 1), 0x200);
    CHECK_EQ(cell("/virtio_mmio@a000000", "interrupts", 0), 0);
    CHECK_EQ(cell("/virtio_mmio@a000000", "interrupts", 1), 16);
    CHECK_EQ(cell("/virtio_mmio@a000000", "interrupts", 2), 4);
    CHECK(prop("/virtio_mmio@a000000", "dma-coherent", &len) && len == 0);
    CHECK_EQ(cell64("/virtio_mmio@a003e00", "reg", 0), 0x0a003e00);
    CHECK_EQ(cell("/virtio_mmio@a003e00", "interrupts", 1), 47);
    CHECK(fdt_path_offset(blob, "/virtio_mmio@a000200") < 0);
    CHECK(fdt_path_offset(blob, "/pcie@3f000000") < 0); /* no PCI device, no bridge */
}

/** GICv3: distributor and redistributor region; timer flags without a CPU mask. */
static void test_gicv3(void)
{
    const char *gic = "/intc@8000000";
    int len = -1;
    build_gic(4, 3);
    CHECK(str_is(gic, "compatible", "arm,gic-v3", 11));
    CHECK_EQ(cell(gic, "#interrupt-cells", 0), 3);
    CHECK_EQ(cell(gic, "#address-cells", 0), 0);
    CHECK(fdt_getprop(blob, fdt_path_offset(blob, gic), "#size-cells", NULL) == NULL);
    CHECK(prop(gic, "interrupt-controller", &len) && len == 0);
    CHECK_EQ(cell(gic, "#redistributor-regions", 0), 1);
    prop(gic, "reg", &len);
    CHECK_EQ(len, 32); /* GICD, GICR: no GICC/GICH/GICV */
    CHECK_EQ(cell64(gic, "reg", 0), 0x08000000);
    CHECK_EQ(cell64(gic, "reg", 1), 0x10000);
    CHECK_EQ(cell64(gic, "reg", 2), 0x080a0000);
    CHECK_EQ(cell64(gic, "reg", 3), 4 * 0x20000);
    CHECK_EQ(cell("/", "interrupt-parent", 0), cell(gic, "phandle", 0));
    static const uint32_t ppis[4] = {13, 14, 11, 10};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(cell("/timer", "interrupts", 3 * i), 1);
        CHECK_EQ(cell("/timer", "interrupts", 3 * i + 1), ppis[i]);
        CHECK_EQ(cell("/timer", "interrupts", 3 * i + 2), 4); /* level-high, no CPU mask */
    }
    CHECK_EQ(cell("/pl011@9000000", "interrupts", 1), 1);
    CHECK_EQ(cell("/cpus/cpu@3", "reg", 0), 3);
    CHECK(fdt_path_offset(blob, "/cpus/cpu@4") < 0);
    /* a GICv2 machine has no #redistributor-regions */
    build_gic(1, 2);
    CHECK(fdt_getprop(blob, fdt_path_offset(blob, gic), "#redistributor-regions", NULL) == NULL);
    CHECK(str_is(gic, "compatible", "arm,cortex-a15-gic", 19));
    /* a GICv3 machine without its redistributors, or of no known version, is refused */
    struct fdtgen_params p = {.machine = &machine};
    CHECK_EQ(machine_virt_gic(&machine, IPA(0x40000000), 0x20000000, 1, 3), MACHINE_OK);
    machine.dev[1].kind = MACHINE_GICC;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    machine.dev[1].kind = MACHINE_GICR;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
    machine.gic_version = 4;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
}

/** A PCI device brings the host bridge: ECAM, window, INTx map. */
static void test_pci(void)
{
    struct fdtgen_params p = {.machine = &machine};
    CHECK_EQ(machine_virt(&machine, IPA(0x40000000), 0x20000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_virtio_pci(&machine, 3, NULL), MACHINE_OK);
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
    const char *n = "/pcie@3f000000";
    CHECK(str_is(n, "compatible", "pci-host-ecam-generic", 22));
    CHECK(str_is(n, "device_type", "pci", 4));
    CHECK_EQ(cell64(n, "reg", 0), 0x3f000000);
    CHECK_EQ(cell64(n, "reg", 1), 0x100000);
    CHECK_EQ(cell(n, "bus-range", 1), 0);
    CHECK_EQ(cell(n, "#address-cells", 0), 3);
    CHECK_EQ(cell(n, "#interrupt-cells", 0), 1);
    CHECK_EQ(cell(n, "ranges", 0), 0x02000000);
    CHECK_EQ(cell(n, "ranges", 2), 0x10000000);
    CHECK_EQ(cell(n, "ranges", 4), 0x10000000);
    CHECK_EQ(cell(n, "ranges", 6), 0x2eff0000);
    CHECK_EQ(cell(n, "interrupt-map-mask", 0), 0x1800);
    int len = 0;
    prop(n, "interrupt-map", &len);
    CHECK_EQ(len, 16 * 8 * 4);
    /* slot 1, INTA (entry 4): SPI 3 + 1 = 4; slot 3, INTD (entry 15): SPI 3 + 6 % 4 = 5 */
    CHECK_EQ(cell(n, "interrupt-map", 4 * 8), 1u << 11);
    CHECK_EQ(cell(n, "interrupt-map", 4 * 8 + 3), 1);
    CHECK_EQ(cell(n, "interrupt-map", 4 * 8 + 4), cell("/intc@8000000", "phandle", 0));
    CHECK_EQ(cell(n, "interrupt-map", 4 * 8 + 6), 4);
    CHECK_EQ(cell(n, "interrupt-map", 15 * 8 + 6), 5);
    CHECK(prop(n, "dma-coherent", &len) && len == 0);
}

/** A passed-through device's node: its compatible, reg and level line, dma-coherent. */
static void test_passthru(void)
{
    struct fdtgen_params p = {.machine = &machine};
    CHECK_EQ(machine_virt(&machine, IPA(0x80000000), 0x08000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_passthru(&machine, IPA(0x0a003000), 0x1000, IPA(0x0a003e00), 0x200, 79,
                                  "virtio,mmio", NULL),
             MACHINE_OK);
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
    const char *n = "/passthru@a003e00";
    CHECK(str_is(n, "compatible", "virtio,mmio", 12));
    CHECK_EQ(cell64(n, "reg", 0), 0x0a003e00);
    CHECK_EQ(cell64(n, "reg", 1), 0x200);
    CHECK_EQ(cell(n, "interrupts", 0), 0);  /* SPI */
    CHECK_EQ(cell(n, "interrupts", 1), 47); /* INTID 79 */
    CHECK_EQ(cell(n, "interrupts", 2), 4);  /* level, high */
    int len = -1;
    CHECK(prop(n, "dma-coherent", &len) && len == 0);
    /* without a line: no interrupts property */
    CHECK_EQ(machine_virt(&machine, IPA(0x80000000), 0x08000000, 1), MACHINE_OK);
    CHECK_EQ(machine_add_passthru(&machine, IPA(0x09010000), 0x1000, IPA(0x09010000), 0x1000, 0,
                                  "arm,pl031", NULL),
             MACHINE_OK);
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
    CHECK(fdt_getprop(blob, fdt_path_offset(blob, "/passthru@9010000"), "interrupts", NULL) ==
          NULL);
}

static void test_one_cpu_and_errors(void)
{
    struct fdtgen_params p = {.machine = &machine};
    uint8_t small[256];
    build(1);
    CHECK_EQ(cell("/timer", "interrupts", 2), 0x104);
    CHECK_EQ(fdtgen_build(&p, small, sizeof(small), NULL), FDTGEN_E_NOSPACE);
    machine.vcpu_count = 9;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    machine.vcpu_count = 1;
    machine.ram_size = 0;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    machine.ram_size = 1;
    machine.dev_count = 2; /* no PL011: not a machine from machine_virt */
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    machine.dev_count = 3;
    p.machine = NULL;
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    p.machine = &machine;
    p.initrd_start = IPA(2);
    p.initrd_end = IPA(1);
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_E_PARAM);
    p.initrd_end = IPA(2); /* empty: no initrd properties */
    CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
    CHECK(fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "linux,initrd-start", NULL) == NULL);
}

/** Writes the blob to `path` and has dtc decompile it: silently. */
static void dtc_quiet(const char *dtc, const char *path)
{
    char cmd[512];
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ(fwrite(blob, 1, fdt_totalsize(blob), f), fdt_totalsize(blob));
    fclose(f);
    /* dtc checks the tree as it reads it: warnings (a bad interrupt-map,
     * reg against #address-cells, ...) fail the test */
    snprintf(cmd, sizeof(cmd), "%s -I dtb -O dts -o /dev/null %s 2>&1 | grep . && exit 1; exit 0",
             dtc, path);
    CHECK_EQ(system(cmd), 0);
}

/** dtc must decompile the blob (argv[1] = dtc, argv[2] = scratch file), GICv2 and GICv3. */
static void test_dtc(const char *dtc, const char *path)
{
    struct fdtgen_params p = {.machine = &machine};
    for (unsigned gic = 2; gic <= 3; gic++) {
        build_gic(2, gic);
        CHECK_EQ(machine_add_virtio_pci(&machine, 3, NULL), MACHINE_OK);
        CHECK_EQ(fdtgen_build(&p, blob, sizeof(blob), NULL), FDTGEN_OK);
        dtc_quiet(dtc, path);
    }
}

int main(int argc, char **argv)
{
    test_tree();
    test_gicv3();
    test_one_cpu_and_errors();
    test_pci();
    test_passthru();
    if (argc == 3)
        test_dtc(argv[1], argv[2]);
    return test_done("test_fdtgen");
}
