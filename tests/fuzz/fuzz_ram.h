/*
 * What the fuzz targets of virtio devices and queues share: a guest RAM of
 * FUZZ_RAM_SIZE bytes at FUZZ_RAM_BASE (a target may define a smaller
 * size first), reached through gmem with a map that requires every
 * request to lie wholly inside it, and readers of the input.
 */
#ifndef FUZZ_RAM_H
#define FUZZ_RAM_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz_require.h"
#include "vmm/gmem.h"

#define FUZZ_RAM_BASE 0x40000000ull
#ifndef FUZZ_RAM_SIZE
#define FUZZ_RAM_SIZE 0x10000ull
#endif

static uint8_t fuzz_ram[FUZZ_RAM_SIZE];

/** gmem_map_fn: the device must only ask for what gmem checked to be RAM. */
static inline void *fuzz_map(void *ctx, ipa_t ipa, uint64_t len)
{
    (void)ctx;
    REQUIRE(ipa.v >= FUZZ_RAM_BASE && len <= FUZZ_RAM_SIZE &&
            ipa.v - FUZZ_RAM_BASE <= FUZZ_RAM_SIZE - len);
    return fuzz_ram + (ipa.v - FUZZ_RAM_BASE);
}

/** The next `bytes` bytes of the input (*p, *n left), little-endian; 0s past its end. */
static inline uint64_t fuzz_take(const uint8_t **p, size_t *n, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes && *n; i++, (*n)--)
        v |= (uint64_t) * (*p)++ << (8 * i);
    return v;
}

/** A ring address from 3 input bytes: mostly inside RAM (the low 16 bits), sometimes anything. */
static inline uint64_t fuzz_ring_addr(const uint8_t **p, size_t *n)
{
    uint64_t raw = fuzz_take(p, n, 3);
    return raw >> 23 ? (raw << 40) ^ raw : FUZZ_RAM_BASE + (raw & 0xffff);
}

/** virtio_warn_fn: a driver error is an outcome the targets expect, not a finding. */
static inline void fuzz_no_warn(void *ctx, int queue, const char *why)
{
    (void)ctx;
    (void)queue;
    (void)why;
}

#endif /* FUZZ_RAM_H */
