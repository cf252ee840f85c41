/*
 * Guest MMIO: decoding a stage-2 data abort into an access, and dispatching
 * it to the emulated device that owns the IPA.
 *
 * Input is the raw syndrome of the exit (the fields of the kernel's
 * CV_FAULT_VM_DATA_ABORT message): ESR_EL2, the faulting IPA (HPFAR_EL2
 * page | FAR_EL2 page offset) and, for writes, the value of the source
 * register. Everything is validated: a guest controls all of it.
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
    MMIO_NOT_DATA_ABORT, /* ESR.EC is not "data abort from a lower EL" (0x24) */
    MMIO_UNDECODABLE,    /* ISV = 0: no syndrome (e.g. LDP/STP, writeback): cannot emulate */
    MMIO_STAGE1_WALK,    /* S1PTW = 1: the guest's page-table walk hit a hole */
    MMIO_CACHE_OP,       /* CM = 1: cache maintenance on an MMIO address */
    MMIO_UNBACKED,       /* no region covers [ipa, ipa + width): report the address */
    MMIO_DEVICE_ERROR    /* the device handler refused the access */
};

/** Raw exit data (ARM ARM D17.2.37 ESR_EL2, ISS encoding for a Data Abort). */
struct mmio_exit {
    uint64_t esr;      /* ESR_EL2 */
    uint64_t ipa;      /* faulting IPA, byte exact */
    uint64_t rt_value; /* value of Rt at the fault (used for writes) */
};

/** One decoded access. For writes, `value` is Rt truncated to `width`. */
struct mmio_access {
    ipa_t ipa;
    unsigned width;   /* 1, 2, 4 or 8 bytes (ISS.SAS) */
    bool write;       /* ISS.WnR */
    unsigned reg;     /* Rt (ISS.SRT); 31 is XZR */
    uint64_t value;   /* write data, or read data once a device produced it */
    bool sign_extend; /* ISS.SSE: load sign-extends */
    bool sf;          /* ISS.SF: Rt is a 64-bit register */
};

/**
 * Decodes `exit` into `out` (ARM ARM D17.2.37, ISS for EC 0x24). A data
 * abort it cannot emulate (ISV 0, a table walk, cache maintenance) still
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
