/*
 * Runs fuzz_xconn.c's target without libFuzzer: a deterministic corpus
 * (xorshift64*, fixed seed) of sequences that mostly follow
 * uio_pci_generic and the guest program (BARs placed, decoding on,
 * doorbells rung, events raised, acknowledged and masked through Command),
 * with some accesses anywhere. argv[1] = number of inputs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_replay.h"
#include "test_rng.h"

#define RECORDS 96u

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint8_t input[RECORDS * 12];

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

/** One record: kind/width byte, 3 offset bytes, 8 value bytes. */
static void put(uint8_t *p, unsigned kind, unsigned wlog, bool write, uint32_t off, uint64_t v)
{
    p[0] = (uint8_t)(kind | (wlog << 1) | (write ? 8 : 0));
    for (unsigned i = 0; i < 3; i++)
        p[1 + i] = (uint8_t)(off >> (8 * i));
    for (unsigned i = 0; i < 8; i++)
        p[4 + i] = (uint8_t)(v >> (8 * i));
}

#define CFG(reg) ((1u << 15) | (reg))
/* BAR 0 at window offset 0 (the target shifts window offsets by 4). */
#define REG(off) ((off) >> 4)

static void make_input(void)
{
    uint8_t *r = input;
    put(r, 1, 2, true, CFG(0x10), 0x10000000u);
    put(r + 12, 1, 2, true, CFG(0x14), 0x10001000u);
    put(r + 24, 1, 2, true, CFG(0x18), 0x10100000u);
    put(r + 36, 1, 1, true, CFG(0x04), 0x2);
    for (unsigned k = 4; k < RECORDS; k++) {
        uint8_t *p = r + 12 * k;
        unsigned pick = (unsigned)(rnd() % 8);
        if (pick == 0)
            put(p, 0x10, 0, false, 0, rnd());
        else if (pick == 1)
            put(p, 1, 1, true, CFG(0x04), rnd() % 2 ? 0x402 : 0x2);
        else if (pick == 2)
            put(p, 1, (unsigned)(rnd() % 3), rnd() % 2, CFG(rnd() % 0x100), rnd());
        else if (pick < 6)
            put(p, 0, 2, rnd() % 2, REG(rnd() % 4 ? 0x100 + 4 * (rnd() % 8) : 4 * (rnd() % 8)),
                rnd() % 4);
        else if (pick == 6)
            put(p, 0, (unsigned)(rnd() % 4), rnd() % 2, REG(rnd() % 0x1000), rnd());
        else
            put(p, (unsigned)(rnd() % 2), (unsigned)(rnd() % 4), rnd() % 2, (uint32_t)rnd(), rnd());
    }
}

int main(int argc, char **argv)
{
    return fuzz_replay(argc, argv, "fuzz_xconn_replay", make_input, input, sizeof(input));
}
