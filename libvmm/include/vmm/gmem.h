/*
 * Guest RAM as a device model reaches it: one contiguous IPA range and a
 * callback that gives the VMM's pointer to a part of it. Every guest
 * address a device uses (a virtqueue, a buffer) goes through gmem_ptr,
 * which refuses anything that is not wholly inside RAM, so no device can
 * be pointed at the VMM's own memory, a device's registers or past the end.
 */
#ifndef VMM_GMEM_H
#define VMM_GMEM_H

#include <stdint.h>

#include "vmm/types.h"

/**
 * The VMM's pointer to [ipa, ipa + len), which the caller has checked is
 * inside RAM; NULL if it cannot be had (the VMM could not back it).
 */
typedef void *(*gmem_map_fn)(void *ctx, ipa_t ipa, uint64_t len);

/** Guest RAM: [base, base + size). */
struct gmem {
    ipa_t base;
    uint64_t size;
    gmem_map_fn map;
    void *ctx;
};

/**
 * The VMM's pointer to [ipa, ipa + len) of guest RAM, or NULL if any byte
 * of it is outside RAM (or len is 0, or the range wraps).
 */
void *gmem_ptr(const struct gmem *m, ipa_t ipa, uint64_t len);

#endif /* VMM_GMEM_H */
