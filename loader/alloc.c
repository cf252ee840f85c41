/*
 * Untyped and slot allocator of the root loader.
 *
 * Device frames: retype always carves at an untyped's watermark, aligned
 * to the object size, so to reach a device at an offset inside a device
 * untyped the loader first carves filler UNTYPED children over the gap,
 * each the largest power of two that is aligned at the watermark and fits
 * (O(log gap) retypes and slots, instead of one filler frame per page).
 * The fillers stay in the loader's cspace, unused.
 */
#include <stdbool.h>
#include <stdio.h>

#include <cap/invoke.h>

#include "alloc.h"

int alloc_init(struct alloc *a, const struct cv_bootinfo *bi)
{
    if (bi->untyped_count > CV_BOOTINFO_MAX_UNTYPED || bi->cnode_radix > CV_CNODE_MAX_RADIX ||
        bi->first_free_slot > (1ull << bi->cnode_radix))
        return -1;
    a->next_slot = bi->first_free_slot;
    a->slot_end = 1ull << bi->cnode_radix;
    a->ut_count = (uint32_t)bi->untyped_count;
    for (uint32_t i = 0; i < a->ut_count; i++) {
        const struct cv_untyped_desc *d = &bi->untyped[i];
        a->ut[i] = (struct alloc_untyped){
            .cptr = bi->untyped_first + i,
            .paddr = d->paddr,
            .watermark = d->paddr,
            .size_bits = d->size_bits,
            .is_device = d->is_device,
        };
    }
    return 0;
}

uint64_t alloc_slots(struct alloc *a, uint64_t n)
{
    if (n > a->slot_end - a->next_slot)
        return 0;
    uint64_t first = a->next_slot;
    a->next_slot += n;
    return first;
}

enum cv_err alloc_retype(struct alloc *a, enum cv_obj type, unsigned bits, uint64_t dest_cnode,
                         uint64_t dest_index, unsigned count)
{
    for (uint32_t i = 0; i < a->ut_count; i++) {
        if (a->ut[i].is_device)
            continue;
        enum cv_err err =
            cv_untyped_retype(a->ut[i].cptr, type, bits, dest_cnode, dest_index, count);
        if (err != CV_E_NO_MEMORY)
            return err;
    }
    return CV_E_NO_MEMORY;
}

enum cv_err alloc_object(struct alloc *a, enum cv_obj type, unsigned bits, uint64_t *cptr)
{
    *cptr = alloc_slots(a, 1);
    if (!*cptr)
        return CV_E_RANGE;
    return alloc_retype(a, type, bits, 0, *cptr, 1);
}

/** Most objects one retype makes (RETYPE_MAX_COUNT, kernel/src/untyped.c). */
#define ALLOC_RETYPE_MAX 4096u

enum cv_err alloc_frames_in(struct alloc *a, enum cv_obj type, uint64_t count, uint64_t first)
{
    uint64_t done = 0;
    uint64_t chunk = count < ALLOC_RETYPE_MAX ? count : ALLOC_RETYPE_MAX;

    /* Ask for the whole run; halve it when no single untyped has room. */
    while (done < count) {
        if (chunk > count - done)
            chunk = count - done;
        enum cv_err err = alloc_retype(a, type, 0, 0, first + done, (unsigned)chunk);
        if (err == CV_OK)
            done += chunk;
        else if (err != CV_E_NO_MEMORY || chunk == 1)
            return err;
        else
            chunk = (chunk + 1) / 2;
    }
    return CV_OK;
}

enum cv_err alloc_frames(struct alloc *a, uint64_t count, uint64_t *first)
{
    *first = alloc_slots(a, count);
    if (!*first)
        return CV_E_RANGE;
    return alloc_frames_in(a, CV_OBJ_FRAME_4K, count, *first);
}

/** The device (or RAM) untyped holding [paddr, paddr + bytes), or NULL. */
static struct alloc_untyped *find_ut(struct alloc *a, uint64_t paddr, uint64_t bytes, bool device)
{
    for (uint32_t i = 0; i < a->ut_count; i++) {
        struct alloc_untyped *u = &a->ut[i];
        uint64_t size = u->size_bits >= 64 ? 0 : 1ull << u->size_bits;
        if (u->is_device == device && size && paddr >= u->paddr && paddr - u->paddr <= size &&
            bytes <= size - (paddr - u->paddr))
            return u;
    }
    return NULL;
}

/** Largest k: watermark aligned to 2^k and 2^k <= gap. */
static unsigned filler_bits(uint64_t watermark, uint64_t gap)
{
    unsigned k = watermark ? (unsigned)__builtin_ctzll(watermark) : 63;
    unsigned fit = 63 - (unsigned)__builtin_clzll(gap);

    if (k > fit)
        k = fit;
    return k > CV_UNTYPED_MAX_BITS ? CV_UNTYPED_MAX_BITS : k;
}

/** Move u's watermark up to paddr with filler untypeds. */
static enum cv_err skip_to(struct alloc *a, struct alloc_untyped *u, uint64_t paddr)
{
    while (u->watermark < paddr) {
        unsigned k = filler_bits(u->watermark, paddr - u->watermark);
        uint64_t slot = alloc_slots(a, 1);
        if (!slot)
            return CV_E_RANGE;
        enum cv_err err = cv_untyped_retype(u->cptr, CV_OBJ_UNTYPED, k, 0, slot, 1);
        if (err != CV_OK)
            return err;
        /* RAM below a placed object stays usable: the filler joins the untypeds */
        if (!u->is_device && a->ut_count < CV_BOOTINFO_MAX_UNTYPED)
            a->ut[a->ut_count++] = (struct alloc_untyped){.cptr = slot,
                                                          .paddr = u->watermark,
                                                          .watermark = u->watermark,
                                                          .size_bits = (uint8_t)k};
        u->watermark += 1ull << k;
    }
    return CV_OK;
}

/**
 * count objects of `type` (2^bits bytes each, `bytes` in all) at paddr in
 * untyped u, the gap below filled first, into new slots from *first.
 */
static enum cv_err carve_at(struct alloc *a, struct alloc_untyped *u, uint64_t paddr,
                            enum cv_obj type, unsigned bits, uint64_t count, uint64_t *first)
{
    uint64_t bytes = count << (type == CV_OBJ_UNTYPED ? bits : CV_PAGE_BITS);

    if (!u || paddr < u->watermark)
        return CV_E_RANGE;
    enum cv_err err = skip_to(a, u, paddr);
    if (err != CV_OK)
        return err;
    *first = alloc_slots(a, count);
    if (!*first)
        return CV_E_RANGE;
    err = cv_untyped_retype(u->cptr, type, bits, 0, *first, (unsigned)count);
    if (err == CV_OK)
        u->watermark += bytes;
    return err;
}

enum cv_err alloc_device_frames(struct alloc *a, uint64_t paddr, uint64_t count, uint64_t *first)
{
    struct alloc_untyped *u = find_ut(a, paddr, count << CV_PAGE_BITS, true);
    return carve_at(a, u, paddr, CV_OBJ_FRAME_4K, 0, count, first);
}

enum cv_err alloc_ram_at(struct alloc *a, uint64_t paddr, unsigned bits, uint64_t *cptr)
{
    struct alloc_untyped *u = bits < 64 ? find_ut(a, paddr, 1ull << bits, false) : NULL;

    if (bits >= 64 || (paddr & ((1ull << bits) - 1)))
        return CV_E_RANGE;
    return carve_at(a, u, paddr, CV_OBJ_UNTYPED, bits, 1, cptr);
}
