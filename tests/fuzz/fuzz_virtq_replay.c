/*
 * Runs fuzz_virtq.c's target without libFuzzer: a deterministic corpus
 * (xorshift64*, fixed seed) of guest RAM images that look like real
 * queues (rings where the header says, descriptors that chain, buffers
 * in RAM) with random damage. argv[1] = number of inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM 0x10000u
#define HDR 10u

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint8_t input[HDR + RAM];

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/** A queue of 2^k entries: descriptors at 0x1000, rings at 0x3000/0x4000, buffers above. */
static void make_queue(uint8_t *ram, unsigned k)
{
    unsigned size = 1u << k;
    for (unsigned i = 0; i < size; i++) {
        uint8_t *d = ram + 0x1000 + 16 * i;
        put(d, 0x40008000ull + (rnd() % 0x7000), 8);
        put(d + 8, rnd() % 0x200, 4);
        put(d + 12, rnd() % 4 ? rnd() % 4 : rnd(), 2); /* NEXT and WRITE, sometimes junk */
        put(d + 14, rnd() % 2 ? (i + 1) % size : rnd() % (2 * size), 2);
    }
    unsigned avail = (unsigned)(rnd() % (size + 2));
    put(ram + 0x3002, avail, 2);
    for (unsigned i = 0; i < size; i++)
        put(ram + 0x3004 + 2 * i, rnd() % 8 ? rnd() % size : rnd(), 2);
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? atol(argv[1]) : 1000;
    for (long r = 0; r < runs; r++) {
        unsigned k = (unsigned)(rnd() % 9);
        memset(input, 0, sizeof(input));
        input[0] = (uint8_t)k;
        put(input + 1, 0x1000, 3);
        put(input + 4, 0x3000, 3);
        put(input + 7, 0x4000, 3);
        make_queue(input + HDR, k);
        for (unsigned d = (unsigned)(rnd() % 8); d > 0; d--) /* damage anywhere */
            input[rnd() % sizeof(input)] = (uint8_t)rnd();
        size_t len = rnd() % 16 == 0 ? rnd() % sizeof(input) : sizeof(input);
        LLVMFuzzerTestOneInput(input, len);
    }
    printf("fuzz_virtq_replay: %ld inputs\n", runs);
    return 0;
}
