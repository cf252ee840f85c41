/*
 * Runs fuzz_pci.c's target without libFuzzer: a deterministic corpus
 * (xorshift64*, fixed seed) of access sequences that mostly follow a
 * driver (BAR sized and placed in the window, memory decode on, the common
 * configuration and notify registers used), with some accesses anywhere.
 * argv[1] = number of inputs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_replay.h"
#include "test_rng.h"

#define RAM_PART 64u
#define RECORDS  96u

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint8_t input[RAM_PART * 2 + RECORDS * 12];

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

/** One record: kind/width byte, 3 offset bytes, 8 value bytes. */
static void put(uint8_t *p, bool ecam, unsigned wlog, bool write, uint32_t off, uint64_t v)
{
    p[0] = (uint8_t)((ecam ? 1 : 0) | (wlog << 1) | (write ? 8 : 0));
    for (unsigned i = 0; i < 3; i++)
        p[1 + i] = (uint8_t)(off >> (8 * i));
    for (unsigned i = 0; i < 8; i++)
        p[4 + i] = (uint8_t)(v >> (8 * i));
}

/* The BAR placed at window offset 0x4000 (the target shifts window offsets by 4). */
#define BAR_REC(off) ((0x4000u + (off)) >> 4)

static void make_input(void)
{
    uint8_t *r = input + RAM_PART * 2;
    for (size_t i = 0; i < RAM_PART * 2; i++)
        input[i] = (uint8_t)rnd();
    put(r, true, 2, true, (1u << 15) | 0x10, 0x10004000u);
    put(r + 12, true, 1, true, (1u << 15) | 0x04, 0x6);
    for (unsigned k = 2; k < RECORDS; k++) {
        uint8_t *p = r + 12 * k;
        unsigned pick = (unsigned)(rnd() % 8);
        if (pick == 0)
            put(p, true, (unsigned)(rnd() % 3), rnd() % 2, (1u << 15) | (rnd() % 0x100), rnd());
        else if (pick < 6)
            put(p, false, (unsigned)(rnd() % 3), rnd() % 2, BAR_REC(rnd() % 0x40 & ~3u),
                rnd() % 4 ? rnd() % 0x100 : 0x40000000u + rnd() % 0x8000);
        else if (pick == 6)
            put(p, false, 1, true, BAR_REC(0x3000 + 4 * (rnd() % 3)), rnd() % 3);
        else
            put(p, rnd() % 2, (unsigned)(rnd() % 4), rnd() % 2, (uint32_t)rnd(), rnd());
    }
}

int main(int argc, char **argv)
{
    return fuzz_replay(argc, argv, "fuzz_pci_replay", make_input, input, sizeof(input));
}
