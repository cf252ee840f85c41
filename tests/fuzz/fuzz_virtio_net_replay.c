/*
 * Runs fuzz_virtio_net.c's target without libFuzzer: a deterministic
 * corpus (xorshift64*, fixed seed) of inputs that look like a running
 * virtio-net driver (a receive queue of writable buffers, a transmit
 * queue of header-and-frame chains of mostly valid lengths, events that
 * notify, give frames, fill the backend and rewrite the rings) with random
 * damage. argv[1] = number of inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM    0x10000u
#define QUEUES 20u  /* two sizes, six ring addresses */
#define EVENTS 255u /* at most, 4 bytes each */

/* Where the replay puts the rings: receive queue, then transmit queue. */
static const uint32_t ring_at[2][3] = {{0x1000, 0x2000, 0x2400}, {0x3000, 0x4000, 0x4400}};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint8_t input[QUEUES + 1 + 4 * EVENTS + RAM];

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

static void le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/** A length around what the device expects `good` to be, now and then anything. */
static uint32_t near(uint32_t good)
{
    switch (rnd() % 8) {
    case 0:
        return (uint32_t)(rnd() % 2048);
    case 1:
        return good + 1;
    default:
        return good;
    }
}

/** Descriptor i of queue q: buffer at addr of len bytes with flags, then next. */
static void desc(uint8_t *ram, unsigned q, unsigned i, uint32_t addr, uint32_t len, unsigned flags,
                 unsigned next)
{
    uint8_t *d = ram + ring_at[q][0] + 16 * i;
    le(d, 0x40000000ull + addr, 8);
    le(d + 8, len, 4);
    le(d + 12, flags, 2);
    le(d + 14, next, 2);
}

/** The receive queue: mostly one writable buffer per chain, big enough for any frame. */
static void make_rx(uint8_t *ram, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned flags = rnd() % 8 ? 2u : (unsigned)(rnd() % 4);
        uint32_t addr = 0x5000 + (uint32_t)(rnd() % 0xa000);
        desc(ram, 0, i, addr, near(1526) % (RAM - addr), flags, (i + 1) % size);
    }
}

/** The transmit queue: a header buffer chained to a frame buffer, in pairs. */
static void make_tx(uint8_t *ram, unsigned size)
{
    for (unsigned i = 0; i + 1 < size || i == 0; i += 2) {
        uint32_t addr = 0x5000 + (uint32_t)(rnd() % 0xa000);
        uint32_t len = 14 + (uint32_t)(rnd() % 1501);
        desc(ram, 1, i, addr, near(12), size > 1 ? 1u : 0u, (i + 1) % size);
        memset(ram + addr, 0, 12);
        if (rnd() % 8 == 0)
            ram[addr + rnd() % 2] = (uint8_t)rnd(); /* checksum or GSO asked for */
        if (size > 1)
            desc(ram, 1, i + 1, addr + 12, near(len) % (RAM - addr - 12), rnd() % 16 ? 0u : 2u,
                 (i + 2) % size);
    }
}

/** The available rings: heads (mostly chain starts), an index up to one past full. */
static void make_avail(uint8_t *ram, unsigned q, unsigned size)
{
    uint8_t *a = ram + ring_at[q][1];
    le(a + 2, rnd() % (size + 2), 2);
    for (unsigned i = 0; i < size; i++)
        le(a + 4 + 2 * i, rnd() % 64 ? (q ? 2 * i % size : i) : rnd(), 2);
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? atol(argv[1]) : 1000;
    for (long r = 0; r < runs; r++) {
        unsigned k[2] = {(unsigned)(rnd() % 9), (unsigned)(rnd() % 9)};
        unsigned events = (unsigned)(rnd() % (EVENTS + 1));
        memset(input, 0, sizeof(input));
        for (unsigned q = 0; q < 2; q++) {
            input[q] = (uint8_t)k[q];
            for (unsigned w = 0; w < 3; w++)
                le(input + 2 + 9 * q + 3 * w, ring_at[q][w], 3);
        }
        input[QUEUES] = (uint8_t)events;
        uint8_t *ev = input + QUEUES + 1;
        for (unsigned e = 0; e < events; e++) { /* mostly notifications, frames, room */
            le(ev + 4 * e, rnd() % 4 ? rnd() % 5 : rnd(), 1);
            le(ev + 4 * e + 1, rnd(), 3);
        }
        uint8_t *ram = ev + 4 * events;
        make_rx(ram, 1u << k[0]);
        make_tx(ram, 1u << k[1]);
        make_avail(ram, 0, 1u << k[0]);
        make_avail(ram, 1, 1u << k[1]);
        for (unsigned d = (unsigned)(rnd() % 8); d > 0; d--) /* damage anywhere */
            input[rnd() % sizeof(input)] = (uint8_t)rnd();
        size_t len = (size_t)(ram + RAM - input);
        LLVMFuzzerTestOneInput(input, rnd() % 16 == 0 ? rnd() % len : len);
    }
    printf("fuzz_virtio_net_replay: %ld inputs\n", runs);
    return 0;
}
