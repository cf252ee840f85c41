/*
 * Object and slot allocation for the root loader: objects are retyped
 * from the untyped caps the kernel handed over (bootinfo), into free
 * slots of the loader's own cspace taken in increasing order.
 */
#ifndef LOADER_ALLOC_H
#define LOADER_ALLOC_H

#include <stdint.h>

#include <capvisor/abi.h>

/** What the loader knows about one untyped cap. */
struct alloc_untyped {
    uint64_t cptr;
    uint64_t paddr;
    uint64_t watermark; /* device untypeds: next paddr retype will carve */
    uint8_t size_bits;
    uint8_t is_device;
};

/** The allocator: untypeds and the next free slot. */
struct alloc {
    uint64_t next_slot;
    uint64_t slot_end;
    uint32_t ut_count;
    struct alloc_untyped ut[CV_BOOTINFO_MAX_UNTYPED];
};

/** Take over the untypeds and free slots bootinfo describes. */
int alloc_init(struct alloc *a, const struct cv_bootinfo *bi);

/** First of n consecutive free slots, or 0 when the cspace is full. */
uint64_t alloc_slots(struct alloc *a, uint64_t n);

/**
 * Retype count objects from the first RAM untyped with room into
 * dest_cnode[dest_index..] (dest_cnode 0 = the loader's cspace).
 */
enum cv_err alloc_retype(struct alloc *a, enum cv_obj type, unsigned bits, uint64_t dest_cnode,
                         uint64_t dest_index, unsigned count);

/** One RAM object in a new slot of the loader's cspace (*cptr). */
enum cv_err alloc_object(struct alloc *a, enum cv_obj type, unsigned bits, uint64_t *cptr);

/** count RAM 4 KiB frames in consecutive new slots from *first. */
enum cv_err alloc_frames(struct alloc *a, uint64_t count, uint64_t *first);

/** Retype count frames of `type` (4 KiB or 2 MiB) into slots first.. (allocated). */
enum cv_err alloc_frames_in(struct alloc *a, enum cv_obj type, uint64_t count, uint64_t first);

/**
 * count 4 KiB device frames covering [paddr, paddr + count pages), in
 * consecutive new slots from *first. Calls must come in increasing paddr
 * order per device untyped: retype only carves at the watermark.
 */
enum cv_err alloc_device_frames(struct alloc *a, uint64_t paddr, uint64_t count, uint64_t *first);

/**
 * An untyped of 2^bits bytes at paddr, from the RAM untyped holding that
 * range, into a new slot *cptr. The gap below it becomes filler untypeds
 * the allocator uses like the others. Only before anything was retyped
 * from that RAM untyped, and in increasing paddr order: CV_E_RANGE if the
 * range is not inside free RAM (or was carved past already).
 */
enum cv_err alloc_ram_at(struct alloc *a, uint64_t paddr, unsigned bits, uint64_t *cptr);

#endif /* LOADER_ALLOC_H */
