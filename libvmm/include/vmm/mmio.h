/*
 * Guest MMIO: decoding a stage-2 data abort into an access, and dispatching
 * it to the emulated device that owns the IPA.
 *
 * Input is the kernel's exit record (abi.h CV_FAULT_VM_DATA_ABORT): the
 * faulting IPA, the value written and the access word the kernel decoded
 * from the syndrome (CV_DA_*). Nothing here reads the syndrome again.
 * Everything is checked: a guest controls all of it.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/types.h"

/** Outcome of decoding or dispatching an access. */
enum mmio_result {
    MMIO_OK = 0,
    MMIO_UNDECODABLE, /* width 0 (no syndrome: e.g. LDP/STP, writeback): cannot emulate */
    MMIO_STAGE1_WALK, /* the guest's own page-table walk hit a hole */
    MMIO_CACHE_OP,    /* cache maintenance on an MMIO address */
    MMIO_UNBACKED,    /* no region covers [ipa, ipa + width): report the address */
    MMIO_DEVICE_ERROR /* the device handler refused the access */
};

/** The exit record's words (abi.h CV_VMEXIT_DA_*). */
struct mmio_exit {
    uint64_t ipa;    /* faulting IPA, byte exact */
    uint64_t value;  /* a store's value, masked to its width */
    uint64_t access; /* CV_DA_* */
};

/** One decoded access. For writes, `value` is Rt truncated to `width`. */
struct mmio_access {
    ipa_t ipa;
    unsigned width; /* 1, 2, 4 or 8 bytes */
    bool write;
    unsigned reg;     /* Rt; 31 is XZR */
    uint64_t value;   /* write data, or read data once a device produced it */
    bool sign_extend; /* a load that sign-extends */
    bool sf;          /* Rt is a 64-bit register */
};

/**
 * Unpacks `exit` into `out`. An access it cannot emulate (no syndrome, a
 * table walk, cache maintenance, a width that is not 1, 2, 4 or 8) still
 * gets out->ipa and out->write: where it went and in which direction.
 */
enum mmio_result mmio_decode(const struct mmio_exit *exit, struct mmio_access *out);

/** The value a load leaves in Rt for device data `raw` (SSE / SF rules). */
uint64_t mmio_read_result(const struct mmio_access *acc, uint64_t raw);

/**
 * A device's access handler: `offset` is from the region base; for reads it
 * stores the data in *value. Returns false to refuse (MMIO_DEVICE_ERROR).
 */
typedef bool (*mmio_handler_fn)(void *dev, uint64_t offset, unsigned width, bool write,
                                uint64_t *value);

/** A [base, base + size) IPA range backed by a device. */
struct mmio_region {
    ipa_t base;
    uint64_t size;
    mmio_handler_fn handler;
    void *dev;
    const char *name;
};

/**
 * The device registry: every region a VM's devices registered, kept sorted
 * by base and without overlaps, so an exit finds its device by a binary
 * search (STYLE.md: a sorted table, not an if-ladder).
 */
#define MMIO_REGIONS_MAX 32u
struct mmio_registry {
    struct mmio_region region[MMIO_REGIONS_MAX];
    size_t count;
};

/** Why a region could not be registered. */
enum mmio_reg_result {
    MMIO_REG_OK = 0,
    MMIO_REG_FULL,    /* MMIO_REGIONS_MAX regions already */
    MMIO_REG_EMPTY,   /* size 0, the range wraps, or no handler */
    MMIO_REG_OVERLAP, /* shares a byte with a registered region */
};

/** An empty registry. */
void mmio_registry_init(struct mmio_registry *reg);

/** Adds `r` in order of base. */
enum mmio_reg_result mmio_register(struct mmio_registry *reg, const struct mmio_region *r);

/**
 * Runs `acc` on the region that contains all of [ipa, ipa + width). Reads
 * leave the device data in acc->value (convert with mmio_read_result).
 * MMIO_UNBACKED if no region does; *hit (may be NULL) gets the region used.
 */
enum mmio_result mmio_dispatch(const struct mmio_registry *reg, struct mmio_access *acc,
                               const struct mmio_region **hit);

/**
 * The region holding the byte at `ipa`, or NULL: where an access that
 * cannot be decoded (no width) was going.
 */
const struct mmio_region *mmio_region_at(const struct mmio_registry *reg, ipa_t ipa);

#endif /* VMM_MMIO_H */
