/*
 * Runs fuzz_vswitch.c's target without libFuzzer: a deterministic corpus
 * (xorshift64*, fixed seed) of record sequences that mostly behave (frames
 * between the ports' MACs, published and taken, passes), with broadcasts,
 * spoofed sources, bad lengths and hostile index writes mixed in.
 * argv[1] = number of inputs.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_replay.h"
#include "test_rng.h"

#define RECORDS    400u
#define FRAME_NEAR 1500u

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint8_t input[RECORDS * 8];

/** A record's op: puts, publishes, passes and takes mostly, the rest now and then. */
static uint8_t pick_op(void)
{
    static const uint8_t ops[16] = {0, 0, 0, 0, 0, 1, 1, 1, 5, 5, 5, 2, 2, 6, 7, 3};
    uint8_t op = ops[test_rng(&rng_state) % 16u];
    if (op == 3 && test_rng(&rng_state) % 4u)
        return (uint8_t)(test_rng(&rng_state) % 2u ? 0 : 4); /* hostile writes are rarer */
    return op;
}

static void make_input(void)
{
    for (unsigned k = 0; k < RECORDS; k++) {
        uint8_t *r = input + 8u * k;
        uint64_t v = test_rng(&rng_state);
        memcpy(r, &v, 8);
        r[0] = pick_op();
        if (r[0] == 0 && v % 8u) {                /* a well-formed frame between the ports mostly */
            r[2] = 0;                             /* destination: a port's MAC */
            r[4] = (uint8_t)(v % 8u < 6 ? 0 : 1); /* own source, or a spoof */
        }
        if (r[0] == 4 && v % 4u) { /* lengths around the largest frame */
            uint32_t len = FRAME_NEAR + (uint32_t)(v >> 40) % 32u;
            r[3] = (uint8_t)len;
            r[4] = (uint8_t)(len >> 8);
            r[5] = r[6] = 0;
        }
    }
}

int main(int argc, char **argv)
{
    return fuzz_replay(argc, argv, "fuzz_vswitch_replay", make_input, input, sizeof(input));
}
