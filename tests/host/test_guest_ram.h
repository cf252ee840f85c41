/*
 * A fake guest RAM for the virtio host tests: 1 MiB at IPA 0x40000000,
 * reached through gmem (gmem.h) like the VMM's, plus helpers that write
 * the driver's side of a split virtqueue (virtio 1.2 section 2.7).
 */
#ifndef TEST_GUEST_RAM_H
#define TEST_GUEST_RAM_H

#include <stdint.h>
#include <string.h>

#include "vmm/gmem.h"
#include "vmm/virtq.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x100000ull

static uint8_t *ram;
static unsigned map_calls;

static inline void *ram_map(void *ctx, ipa_t ipa, uint64_t len)
{
    (void)ctx;
    (void)len;
    map_calls++;
    return ram + (ipa.v - RAM_BASE);
}

static const struct gmem test_mem = {{RAM_BASE}, RAM_SIZE, ram_map, NULL};

static inline void ram_init(void)
{
    if (!ram)
        ram = aligned_alloc(4096, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
}

static inline void *at(uint64_t ipa)
{
    return ram + (ipa - RAM_BASE);
}

/* A driver's queue: descriptors at D, available ring at A, used ring at U. */
#define Q_DESC  (RAM_BASE + 0x1000)
#define Q_AVAIL (RAM_BASE + 0x3000)
#define Q_USED  (RAM_BASE + 0x4000)
#define Q_BUF   (RAM_BASE + 0x10000)

static inline volatile struct virtq_desc *drv_desc(uint64_t desc_ipa, unsigned i)
{
    return (volatile struct virtq_desc *)at(desc_ipa) + i;
}

static inline void drv_set_desc(uint64_t desc_ipa, unsigned i, uint64_t addr, uint32_t len,
                                uint16_t flags, uint16_t next)
{
    volatile struct virtq_desc *d = drv_desc(desc_ipa, i);
    d->addr = addr;
    d->len = len;
    d->flags = flags;
    d->next = next;
}

/** Makes descriptor `head` available in a queue of `size` entries. */
static inline void drv_avail(uint64_t avail_ipa, unsigned size, uint16_t head)
{
    volatile struct virtq_avail *a = at(avail_ipa);
    a->ring[a->idx % size] = head;
    a->idx++;
}

static inline volatile struct virtq_used *drv_used(uint64_t used_ipa)
{
    return at(used_ipa);
}

#endif /* TEST_GUEST_RAM_H */
