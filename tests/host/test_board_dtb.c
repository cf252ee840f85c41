/*
 * Host test of the kernel's devicetree reader (kernel/src/fdt.c) on the
 * Jetson boards' DTBs: the TX1's (Debian's tegra210-p2371-2180.dtb, which
 * scripts/setup.sh extracts) and the TX2's (plat/tx2/tx2.dts). What the
 * reader finds is checked against the boards' public facts, and the board
 * data that repeats a DTB fact (plat/<board>/board.cmake and board.h:
 * CV_<BOARD>_*) against the DTB. A missing DTB is a failure: the TX1's
 * comes from setup, which must have run.
 */
#include <kernel/fdt.h>

#include <stdint.h>

#include "test_loader.h"

/** Reads `path` (malloc) into *size; NULL with a message when it cannot. */
static uint8_t *read_dtb(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "test_board_dtb: cannot read %s (run scripts/setup.sh)\n", path);
        return NULL;
    }
    uint8_t *buf = malloc(4u << 20);
    *size = fread(buf, 1, 4u << 20, f);
    fclose(f);
    return buf;
}

/** Parses `path` as the core with MPIDR_EL1 `boot` would; false if it cannot. */
static bool parse_board(const char *path, uint64_t boot, struct plat_info *p)
{
    size_t size = 0;
    uint8_t *dtb = read_dtb(path, &size);
    CHECK(dtb != NULL);
    if (!dtb)
        return false;
    int r = fdt_plat_parse(dtb, size, boot, p);
    free(dtb);
    CHECK(r == FDT_OK);
    return r == FDT_OK;
}

/** One Jetson's facts: what its DTB must give the kernel's reader. */
struct board_facts {
    const char *dtb;
    uint64_t boot_mpidr; /* MPIDR_EL1 of the core the firmware starts (RES1 bit 31) */
    uint64_t ram_size, uart, gic_base;
    uint32_t uart_irq, cpu_count;
    uint64_t cpu_order[6];                        /* cpu_mpidr, boot core first */
    uint64_t data_ram_base, data_uart, data_gicv; /* board.cmake and board.h */
};

static const struct board_facts boards[] = {
    /* Jetson TX1: tegra210.dtsi and tegra210-p2371-2180.dts (Linux 6.1):
     * 4 GiB, UART-A on SPI 36 (stdout-path serial0), four Cortex-A57 */
    {CV_TX1_DTB,
     0x80000000ull,
     4ull << 30,
     0x70006000,
     0x50040000,
     32 + 36,
     4,
     {0, 1, 2, 3},
     CV_TX1_RAM_BASE,
     CV_TX1_UART,
     CV_TX1_GICV},
    /* Jetson TX2: plat/tx2/tx2.dts (its comments cite each fact's source):
     * 8 GiB, UART-A on SPI 112 (UART-B is disabled), the firmware starts the
     * first Cortex-A57 (0x100), listed after two Denver cores */
    {CV_TX2_DTB,
     0x80000100ull,
     8ull << 30,
     0x03100000,
     0x03880000,
     32 + 112,
     6,
     {0x100, 0x101, 0x102, 0x103, 0x000, 0x001},
     CV_TX2_RAM_BASE,
     CV_TX2_UART,
     CV_TX2_GICV},
};

/**
 * Both Jetsons: RAM at 0x80000000, a 16550 console, a GIC-400 (GICD, GICC,
 * GICH, GICV at +0x1000, +0x2000, +0x4000, +0x6000), the timer's PPIs 10,
 * 11, 14 (tegra186.dtsi, tegra210.dtsi), PSCI by SMC.
 */
static void test_board(const struct board_facts *b)
{
    struct plat_info p;
    if (!parse_board(b->dtb, b->boot_mpidr, &p))
        return;
    CHECK(p.mem_count == 1 && p.mem_base[0].v == 0x80000000 && p.mem_size[0] == b->ram_size);
    CHECK(p.uart.v == b->uart && p.uart_kind == PLAT_UART_NS16550_32);
    CHECK(p.uart_irq == b->uart_irq);
    CHECK(p.gic_version == 2 && p.gicr.v == 0);
    CHECK(p.gicd.v == b->gic_base + 0x1000 && p.gicc.v == b->gic_base + 0x2000);
    CHECK(p.gich.v == b->gic_base + 0x4000 && p.gicv.v == b->gic_base + 0x6000);
    CHECK(p.gic_size[0] == 0x1000 && p.gic_size[1] == 0x2000 && p.gic_size[2] == 0x2000);
    CHECK(p.timer_hyp_ppi == 26 && p.timer_virt_ppi == 27 && p.timer_phys_ppi == 30);
    CHECK(p.psci_smc);
    CHECK(p.cpu_count == b->cpu_count);
    for (uint32_t i = 0; i < b->cpu_count; i++)
        CHECK(p.cpu_mpidr[i] == b->cpu_order[i]);
    /* the board data agrees with the DTB */
    CHECK(p.mem_base[0].v == b->data_ram_base && p.uart.v == b->data_uart);
    CHECK(p.gicv.v == b->data_gicv);
}

/** The boot core's rotation: another core of the TX1, and an unknown MPIDR. */
static void test_boot_core(void)
{
    struct plat_info p;
    if (parse_board(CV_TX1_DTB, 0x80000002ull, &p)) {
        CHECK(p.cpu_count == 4 && p.cpu_mpidr[0] == 2 && p.cpu_mpidr[1] == 3);
        CHECK(p.cpu_mpidr[2] == 0 && p.cpu_mpidr[3] == 1);
    }
    /* an MPIDR no cpu node has (a DTB of another board): /cpus order */
    if (parse_board(CV_TX2_DTB, 0x80000203ull, &p))
        CHECK(p.cpu_mpidr[0] == 0x000 && p.cpu_mpidr[2] == 0x100);
}

int main(void)
{
    for (uint32_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++)
        test_board(&boards[i]);
    test_boot_core();
    return test_done("test_board_dtb");
}
