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

/** What both Jetsons share: a GIC-400, the generic timer's PPIs, PSCI by SMC. */
static void check_tegra(const struct plat_info *p)
{
    CHECK(p->gic_version == 2);
    CHECK(p->gic_size[0] == 0x1000 && p->gic_size[1] == 0x2000 && p->gic_size[2] == 0x2000);
    CHECK(p->gicr.v == 0);
    /* PPIs 10, 11, 14 (tegra186.dtsi, tegra210.dtsi timer) */
    CHECK(p->timer_hyp_ppi == 26 && p->timer_virt_ppi == 27 && p->timer_phys_ppi == 30);
    CHECK(p->psci_smc);
    CHECK(p->uart_kind == PLAT_UART_NS16550_32);
}

/* Jetson TX1: tegra210.dtsi and tegra210-p2371-2180.dts (Linux 6.1). */
static void test_tx1(void)
{
    struct plat_info p;
    if (!parse_board(CV_TX1_DTB, 0x80000000ull, &p))
        return;
    check_tegra(&p);
    CHECK(p.mem_count == 1);
    CHECK(p.mem_base[0].v == 0x80000000 && p.mem_size[0] == 4ull << 30);
    CHECK(p.uart.v == 0x70006000); /* UART-A, stdout-path serial0 */
    CHECK(p.uart_irq == 32 + 36);
    CHECK(p.gicd.v == 0x50041000 && p.gicc.v == 0x50042000);
    CHECK(p.gich.v == 0x50044000 && p.gicv.v == 0x50046000);
    CHECK(p.cpu_count == 4);
    for (uint32_t i = 0; i < 4; i++)
        CHECK(p.cpu_mpidr[i] == i); /* four Cortex-A57, cluster 0 */
    /* the board data agrees with the DTB */
    CHECK(p.mem_base[0].v == CV_TX1_RAM_BASE && p.uart.v == CV_TX1_UART);
    CHECK(p.gicv.v == CV_TX1_GICV);

    /* booted on core 2 (MPIDR_EL1 with its RES1 bit 31): it is core 0 */
    if (!parse_board(CV_TX1_DTB, 0x80000002ull, &p))
        return;
    CHECK(p.cpu_count == 4 && p.cpu_mpidr[0] == 2 && p.cpu_mpidr[1] == 3);
    CHECK(p.cpu_mpidr[2] == 0 && p.cpu_mpidr[3] == 1);
}

/* Jetson TX2: plat/tx2/tx2.dts (its comments cite each fact's source). */
static void test_tx2(void)
{
    struct plat_info p;
    /* the firmware boots the first Cortex-A57 (0x100), after two Denvers */
    if (!parse_board(CV_TX2_DTB, 0x80000100ull, &p))
        return;
    check_tegra(&p);
    CHECK(p.mem_count == 1);
    CHECK(p.mem_base[0].v == 0x80000000 && p.mem_size[0] == 8ull << 30);
    CHECK(p.uart.v == 0x03100000); /* UART-A; UART-B is disabled */
    CHECK(p.uart_irq == 32 + 112);
    CHECK(p.gicd.v == 0x03881000 && p.gicc.v == 0x03882000);
    CHECK(p.gich.v == 0x03884000 && p.gicv.v == 0x03886000);
    static const uint64_t order[6] = {0x100, 0x101, 0x102, 0x103, 0x000, 0x001};
    CHECK(p.cpu_count == 6);
    for (uint32_t i = 0; i < 6; i++)
        CHECK(p.cpu_mpidr[i] == order[i]);
    CHECK(p.mem_base[0].v == CV_TX2_RAM_BASE && p.uart.v == CV_TX2_UART);
    CHECK(p.gicv.v == CV_TX2_GICV);

    /* an MPIDR no cpu node has (a DTB of another board): /cpus order */
    if (!parse_board(CV_TX2_DTB, 0x80000203ull, &p))
        return;
    CHECK(p.cpu_mpidr[0] == 0x000 && p.cpu_mpidr[2] == 0x100);
}

int main(void)
{
    test_tx1();
    test_tx2();
    return test_done("test_board_dtb");
}
