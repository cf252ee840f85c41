/*
 * libvmm MMIO: the kernel's exit record (abi.h CV_DA_*) unpacked, and dispatch.
 */
#include <stdbool.h>
#include <stdint.h>

#include <capvisor/abi.h>

#include "test_vmm.h"
#include "vmm/mmio.h"

/** An access word as the kernel writes it (arch trap.c arch_abort_access). */
static uint64_t acc(unsigned width, bool sse, unsigned rt, bool sf, bool write)
{
    return width | (sse ? CV_DA_SIGNED : 0) | ((uint64_t)rt << CV_DA_REG_SHIFT) |
           (sf ? CV_DA_SF : 0) | (write ? CV_DA_WRITE : 0) | (0x93000000ull << 32);
}

static void test_decode(void)
{
    struct mmio_access a;
    struct mmio_exit e = {0x09000018, 0xffffffff12345678ull, acc(4, false, 5, false, true)};

    CHECK_EQ(mmio_decode(&e, &a), MMIO_OK);
    CHECK_EQ(a.ipa.v, 0x09000018);
    CHECK_EQ(a.width, 4);
    CHECK(a.write);
    CHECK_EQ(a.reg, 5);
    CHECK_EQ(a.value, 0x12345678); /* masked again: the word comes from a guest's exit */
    CHECK(!a.sign_extend && !a.sf);
    e.access = acc(1, false, 31, false, true); /* strb wzr */
    e.value = 0;
    CHECK_EQ(mmio_decode(&e, &a), MMIO_OK);
    CHECK_EQ(a.value, 0);
    CHECK_EQ(a.width, 1);
    CHECK_EQ(a.reg, 31);
    e.access = acc(8, false, 1, true, false);
    e.value = 77;
    CHECK_EQ(mmio_decode(&e, &a), MMIO_OK);
    CHECK_EQ(a.width, 8);
    CHECK(!a.write);
    CHECK(a.sf);
    CHECK_EQ(a.value, 0); /* a load has no value yet */
    e.access = acc(2, true, 1, true, true);
    e.value = 0x12345678;
    CHECK_EQ(mmio_decode(&e, &a), MMIO_OK);
    CHECK_EQ(a.value, 0x5678);
    CHECK(a.sign_extend);
}

static void test_decode_errors(void)
{
    struct mmio_access a;
    struct mmio_exit e = {0x0a000200, 0, acc(0, false, 0, false, false)};

    CHECK_EQ(mmio_decode(&e, &a), MMIO_UNDECODABLE);
    CHECK_EQ(a.ipa.v, 0x0a000200); /* where and which way, for the unbacked report */
    CHECK(!a.write);
    e.access = acc(0, false, 0, false, true);
    CHECK_EQ(mmio_decode(&e, &a), MMIO_UNDECODABLE);
    CHECK(a.write);
    for (unsigned w = 3; w < 16; w++) { /* a width no access has */
        if (w == 4 || w == 8)
            continue;
        e.access = acc(w, false, 0, false, false);
        CHECK_EQ(mmio_decode(&e, &a), MMIO_UNDECODABLE);
    }
    e.access = acc(4, false, 0, false, false) | CV_DA_S1PTW;
    CHECK_EQ(mmio_decode(&e, &a), MMIO_STAGE1_WALK);
    e.access = acc(4, false, 0, false, false) | CV_DA_CACHE;
    CHECK_EQ(mmio_decode(&e, &a), MMIO_CACHE_OP);
}

static void test_read_result(void)
{
    struct mmio_access a = {.width = 1, .sign_extend = true, .sf = true};
    CHECK_EQ(mmio_read_result(&a, 0x80), 0xffffffffffffff80ull); /* ldrsb x */
    a.sf = false;
    CHECK_EQ(mmio_read_result(&a, 0x80), 0xffffff80ull); /* ldrsb w */
    CHECK_EQ(mmio_read_result(&a, 0x7f), 0x7f);
    a.width = 2;
    a.sf = true;
    CHECK_EQ(mmio_read_result(&a, 0xdead8001), 0xffffffffffff8001ull); /* ldrsh x, garbage cut */
    a.width = 4;
    CHECK_EQ(mmio_read_result(&a, 0x80000000), 0xffffffff80000000ull); /* ldrsw */
    a.sign_extend = false;
    CHECK_EQ(mmio_read_result(&a, 0xff80000000ull), 0x80000000);
    a.width = 8;
    CHECK_EQ(mmio_read_result(&a, 0x8000000000000001ull), 0x8000000000000001ull);
    a.sf = false; /* 64-bit access into a W register is not encodable; stays 32-bit */
    CHECK_EQ(mmio_read_result(&a, 0x8000000000000001ull), 1);
}

static unsigned hits;
static uint64_t last_off;

static bool dev(void *d, uint64_t off, unsigned width, bool write, uint64_t *value)
{
    (void)width;
    hits++;
    last_off = off;
    if (!write)
        *value = (uintptr_t)d;
    return off != 0x10;
}

static struct mmio_registry reg, none;

/** Registered out of order; refused: overlaps either side, empty, wrapping, full. */
static void test_register(void)
{
    const struct mmio_region regions[] = {
        {IPA(0xfffffffffffff000ull), 0x1000, dev, (void *)3, "top"},
        {IPA(0x09000000), 0x1000, dev, (void *)2, "uart"},
        {IPA(0x08000000), 0x10000, dev, (void *)1, "gicd"},
    };
    mmio_registry_init(&reg);
    mmio_registry_init(&none);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(mmio_register(&reg, &regions[i]), MMIO_REG_OK);
    CHECK_EQ(reg.count, 3);
    CHECK_EQ(reg.region[0].base.v, 0x08000000);
    CHECK_EQ(reg.region[2].base.v, 0xfffffffffffff000ull);
    struct mmio_region r = {IPA(0x0800f000), 0x2000, dev, NULL, "x"};
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_OVERLAP);
    r.base = IPA(0x08fff000);
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_OVERLAP);
    r.base = IPA(0x07000000);
    r.size = 0x01000001;
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_OVERLAP);
    r.size = 0;
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_EMPTY);
    r.base = IPA(0xffffffffffffff00ull);
    r.size = 0x200;
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_EMPTY);
    r.base = IPA(0x0a000000);
    r.handler = NULL;
    CHECK_EQ(mmio_register(&reg, &r), MMIO_REG_EMPTY);
    CHECK_EQ(reg.count, 3);
    struct mmio_registry full;
    mmio_registry_init(&full);
    r.handler = dev;
    r.size = 0x200;
    for (unsigned i = 0; i < MMIO_REGIONS_MAX; i++) {
        r.base = IPA(0x0a000000 + 0x200ull * (MMIO_REGIONS_MAX - i));
        CHECK_EQ(mmio_register(&full, &r), MMIO_REG_OK);
    }
    r.base = IPA(0x0c000000);
    CHECK_EQ(mmio_register(&full, &r), MMIO_REG_FULL);
    for (unsigned i = 1; i < MMIO_REGIONS_MAX; i++)
        CHECK(full.region[i - 1].base.v < full.region[i].base.v);
}

static void test_dispatch(void)
{
    const struct mmio_region *regions = reg.region, *hit;
    struct mmio_access a = {.ipa = IPA(0x09000ffc), .width = 4};

    CHECK_EQ(mmio_dispatch(&reg, &a, &hit), MMIO_OK);
    CHECK(hit == &regions[1]);
    CHECK_EQ(a.value, 2);
    CHECK_EQ(last_off, 0xffc);
    a.ipa = IPA(0x09000ffe); /* straddles the end */
    CHECK_EQ(mmio_dispatch(&reg, &a, &hit), MMIO_UNBACKED);
    CHECK(hit == NULL);
    a.ipa = IPA(0x07ffffff);
    a.width = 1;
    CHECK_EQ(mmio_dispatch(&reg, &a, NULL), MMIO_UNBACKED);
    a.ipa = IPA(0x08000010);
    CHECK_EQ(mmio_dispatch(&reg, &a, NULL), MMIO_DEVICE_ERROR);
    a.ipa = IPA(0xfffffffffffffffcull);
    a.width = 8; /* would wrap past 2^64 */
    CHECK_EQ(mmio_dispatch(&reg, &a, NULL), MMIO_UNBACKED);
    a.width = 4;
    CHECK_EQ(mmio_dispatch(&reg, &a, NULL), MMIO_OK);
    CHECK_EQ(mmio_dispatch(&none, &a, NULL), MMIO_UNBACKED);

    CHECK(mmio_region_at(&reg, IPA(0x08000000)) == &regions[0]);
    CHECK(mmio_region_at(&reg, IPA(0x0800ffff)) == &regions[0]);
    CHECK(mmio_region_at(&reg, IPA(0x08010000)) == NULL);
    CHECK(mmio_region_at(&reg, IPA(0x07ffffff)) == NULL);
    CHECK(mmio_region_at(&reg, IPA(0xffffffffffffffffull)) == &regions[2]);
    CHECK(mmio_region_at(&none, IPA(0x08000000)) == NULL);
}

int main(void)
{
    test_decode();
    test_decode_errors();
    test_read_result();
    test_register();
    test_dispatch();
    return test_done("test_mmio");
}
