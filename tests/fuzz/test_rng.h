/*
 * The deterministic pseudo-random numbers of the fuzz replays and the host
 * tests that generate inputs (xorshift64*: Vigna, "An experimental
 * exploration of Marsaglia's xorshift generators"): the same sequence on
 * every run and machine, so a failure repeats.
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

/** The next number from *state (never 0: seed it non-zero). */
static inline uint64_t test_rng(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

#endif /* TEST_RNG_H */
