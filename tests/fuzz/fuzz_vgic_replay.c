/*
 * Runs fuzz_vgic.c's target without libFuzzer: a deterministic pseudo-random
 * corpus (xorshift64*, fixed seed), biased towards the distributor's real
 * registers so the interesting paths are reached. argv[1] = number of inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

/**
 * Mostly register offsets the distributor (GICv2, GICv3) or, at the same
 * offsets in RD_base or SGI_base, a redistributor implements; some anything.
 */
static unsigned pick_offset(void)
{
    static const unsigned hot[] = {0x000, 0x004, 0x008,  0x014,  0x080,  0x100, 0x104,
                                   0x180, 0x200, 0x204,  0x280,  0x300,  0x380, 0x400,
                                   0x420, 0x800, 0x820,  0xc00,  0xc08,  0xf00, 0xf10,
                                   0xf20, 0xfe8, 0x6100, 0x6120, 0x6200, 0xffe8};
    if (rnd() % 4 == 0)
        return (unsigned)(rnd() & 0xffff);
    return hot[rnd() % (sizeof(hot) / sizeof(hot[0]))] + (unsigned)(rnd() % 8) * 4u;
}

static void make_input(uint8_t *buf, size_t records)
{
    for (size_t i = 0; i < 8; i++)
        buf[i] = (uint8_t)rnd();
    for (size_t r = 1; r < records; r++) {
        uint8_t *p = buf + 8 * r;
        uint64_t x = rnd();
        for (unsigned i = 0; i < 8; i++)
            p[i] = (uint8_t)(x >> (8 * i));
        if (p[0] % 8 < 2) {
            unsigned off = pick_offset();
            p[2] = (uint8_t)off;
            p[3] = (uint8_t)(off >> 8);
            p[1] %= 4;
        }
    }
}

int main(int argc, char **argv)
{
    static uint8_t buf[8 * 512];
    long runs = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;

    for (long i = 0; i < runs; i++) {
        size_t records = 1 + rnd() % 512;
        make_input(buf, records);
        LLVMFuzzerTestOneInput(buf, records * 8);
    }
    printf("fuzz_vgic_replay: %ld inputs ok\n", runs);
    return 0;
}
