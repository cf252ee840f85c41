/*
 * Host test of the kernel's devicetree reader (kernel/src/fdt.c) on real
 * QEMU virt DTBs (dumped with -M virt,...,dumpdtb=FILE) and on truncated
 * and corrupted copies of them. Each parse gets a heap buffer of exactly
 * the size it may read, so ASan reports any out-of-bounds access.
 */
#include <kernel/fdt.h>

#include <stdint.h>

#include "test_loader.h"

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/** Dumps QEMU virt's DTB for `smp` cores; returns its bytes (malloc) or NULL. */
static uint8_t *dump_dtb(int smp, size_t *size)
{
    char file[512], cmd[1200];
    snprintf(file, sizeof file, "%s/virt-smp%d.dtb", CV_TEST_TMP, smp);
    snprintf(cmd, sizeof cmd,
             "'%s' -M virt,virtualization=on,gic-version=2,dumpdtb='%s' -cpu cortex-a57 "
             "-smp %d -m 1G -nographic -nic none >/dev/null 2>&1",
             CV_QEMU, file, smp);
    if (system(cmd) != 0)
        return NULL;
    FILE *f = fopen(file, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(4u << 20);
    *size = fread(buf, 1, 4u << 20, f);
    fclose(f);
    return buf;
}

/** Parses a private copy of exactly `len` bytes (ASan sees every overread). */
static int parse_copy(const uint8_t *blob, size_t len, struct plat_info *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, blob, len);
    int r = fdt_plat_parse(copy, len, 0x80000000ull, out); /* booted on core 0 */
    free(copy);
    return r;
}

/**
 * Drops QEMU's padding: totalsize = end of the last block, so the
 * exhaustive truncation loops stay small.
 */
static size_t compact(uint8_t *blob)
{
    uint32_t end = be32(blob + 12) + be32(blob + 32);
    uint32_t s_end = be32(blob + 8) + be32(blob + 36);
    if (s_end > end)
        end = s_end;
    put_be32(blob + 4, end);
    return end;
}

static void check_virt(const struct plat_info *p, uint32_t cpus, size_t total)
{
    CHECK(p->mem_count == 1);
    CHECK(p->mem_base[0].v == 0x40000000 && p->mem_size[0] == 1ull << 30);
    CHECK(p->uart.v == 0x09000000 && p->uart_kind == PLAT_UART_PL011);
    CHECK(p->gicd.v == 0x08000000 && p->gicc.v == 0x08010000);
    /* 64 KiB frames: the kernel keeps them whole out of the device untypeds */
    CHECK(p->gic_size[0] == 0x10000 && p->gic_size[1] == 0x10000 && p->gic_size[2] == 0x10000);
    CHECK(p->gich.v == 0x08030000 && p->gicv.v == 0x08040000);
    CHECK(p->gic_version == 2);
    CHECK(p->timer_hyp_ppi == 26 && p->timer_virt_ppi == 27 && p->timer_phys_ppi == 30);
    CHECK(p->cpu_count == cpus);
    for (uint32_t i = 0; i < cpus; i++)
        CHECK(p->cpu_mpidr[i] == i);
    CHECK(p->psci_smc);
    CHECK(p->dtb_size == total);
}

/** Every prefix, with the header unchanged and with totalsize = prefix. */
static void test_truncations(const uint8_t *blob, size_t total)
{
    struct plat_info p;
    uint8_t *copy = malloc(total);
    for (size_t len = 0; len < total; len++) {
        CHECK(parse_copy(blob, len, &p) == FDT_E_HEADER);
        memcpy(copy, blob, total);
        if (len >= 8)
            put_be32(copy + 4, (uint32_t)len);
        CHECK(parse_copy(copy, len, &p) != FDT_OK);
    }
    /* A structure block cut short at every length, inside a valid blob. */
    uint32_t struct_size = be32(blob + 36);
    for (uint32_t k = 0; k < struct_size; k++) {
        memcpy(copy, blob, total);
        put_be32(copy + 36, k);
        CHECK(parse_copy(copy, total, &p) != FDT_OK);
    }
    free(copy);
}

/** Random byte flips (deterministic): must not crash; may parse. */
static void test_corruptions(const uint8_t *blob, size_t total)
{
    struct plat_info p;
    uint8_t *copy = malloc(total);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    int parsed = 0;
    for (int iter = 0; iter < 30000; iter++) {
        memcpy(copy, blob, total);
        int flips = 1 + iter % 4;
        for (int f = 0; f < flips; f++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % total;
            copy[at] ^= (uint8_t)(1u << ((seed >> 20) & 7));
            if (iter % 3 == 0) /* also whole-word garbage */
                copy[at] = (uint8_t)(seed >> 40);
        }
        parsed += parse_copy(copy, total, &p) == FDT_OK;
    }
    printf("corruptions: %d of 30000 still parse\n", parsed);
    free(copy);
}

static void test_header_errors(const uint8_t *blob, size_t total)
{
    struct plat_info p;
    uint8_t *copy = malloc(total);
    memcpy(copy, blob, total);
    copy[0] ^= 1;
    CHECK(parse_copy(copy, total, &p) == FDT_E_HEADER); /* magic */
    memcpy(copy, blob, total);
    put_be32(copy + 20, 16);
    CHECK(parse_copy(copy, total, &p) == FDT_E_HEADER); /* version */
    memcpy(copy, blob, total);
    put_be32(copy + 12, 0xfffffff0u);
    CHECK(parse_copy(copy, total, &p) == FDT_E_HEADER); /* strings offset */
    memcpy(copy, blob, total);
    put_be32(copy + 8, be32(blob + 8) + 2);
    CHECK(parse_copy(copy, total, &p) == FDT_E_HEADER); /* unaligned struct */
    CHECK(fdt_plat_parse(NULL, 100, 0, &p) == FDT_E_HEADER);
    free(copy);
}

int main(void)
{
    size_t size4 = 0, size1 = 0;
    uint8_t *dtb4 = dump_dtb(4, &size4), *dtb1 = dump_dtb(1, &size1);
    if (!dtb4 || !dtb1) {
        printf("SKIP: could not run %s\n", CV_QEMU);
        return 77;
    }
    struct plat_info p;
    CHECK(parse_copy(dtb4, size4, &p) == FDT_OK);
    check_virt(&p, 4, be32(dtb4 + 4));
    CHECK(parse_copy(dtb1, size1, &p) == FDT_OK);
    check_virt(&p, 1, be32(dtb1 + 4));

    size_t total = compact(dtb4);
    CHECK(parse_copy(dtb4, total, &p) == FDT_OK);
    check_virt(&p, 4, total);
    printf("compacted smp4 DTB: %zu bytes\n", total);
    test_header_errors(dtb4, total);
    test_truncations(dtb4, total);
    test_corruptions(dtb4, total);
    size_t total1 = compact(dtb1);
    test_truncations(dtb1, total1);
    test_corruptions(dtb1, total1);

    free(dtb4);
    free(dtb1);
    return test_done("test_kernel_fdt");
}
