/*
 * Guest memory: the stage-2 address space, guest RAM (2 MiB frames from the
 * component's untyped, also mapped into the VMM so it can write the boot
 * images and read what the guest shares) and the hardware GICv2 virtual CPU interface the guest
 * uses as its GICC (GIC architecture specification v2, 5.4).
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/** Guest RAM is backed, and a kernel run in place, a 2 MiB block at a time. */
#define GUEST_BLOCK (1ull << CV_LARGE_PAGE_BITS)
/** Where the VMM sees guest RAM: offset o of RAM is at GUEST_RAM_VADDR + o. */
#define GUEST_RAM_VADDR 0x4000000000ull
/** The `caps` device interface holding the GICV frame caps. */
#define GUEST_GICV_IFACE "gicv"

/**
 * Reserves cfg->ram_size bytes of RAM for the guest (from the component's
 * untyped: the first objects made from it) and creates its vspace. RAM is
 * backed 2 MiB at a time on first use (guest_fault, guest_ptr): memory the
 * guest never touches is never zeroed (which is what QEMU's boot time
 * spent most on when all of it was). False, the reason printed, on error.
 */
bool guest_create(struct vm *vm);

enum guest_fault_result {
    GUEST_NOT_RAM,   /* not guest RAM: a device or unbacked */
    GUEST_BACKED,    /* RAM, backed now (or already): retry the access */
    GUEST_NO_MEMORY, /* RAM the VMM could not back (printed) */
};

/** A stage-2 fault at ipa: backs the RAM block if ipa is guest RAM. */
enum guest_fault_result guest_fault(struct vm *vm, uint64_t ipa);

/**
 * Backs the RAM block at ipa (2 MiB aligned) with frame, a 2 MiB frame cap
 * of the VMM's own with write rights (a kernel file run in place, boot.c)
 * instead of a zeroed one from the reservation. CV_E_RANGE if ipa is not a
 * block of guest RAM, CV_E_MAPPED if the block is backed already.
 */
enum cv_err guest_adopt(struct vm *vm, uint64_t ipa, uint64_t frame);

/** Maps frame at ipa in the guest vspace, adding page tables on CV_E_NO_TABLE. */
enum cv_err guest_map(const struct vm *vm, uint64_t frame, uint64_t ipa, unsigned rights);

/** Maps the GICV frames (interface GUEST_GICV_IFACE) at the machine's GICC. */
bool guest_map_gicv(struct vm *vm);

/**
 * The VMM's pointer to [ipa, ipa + len) of guest RAM, backed now if it was
 * not; NULL if it is not all RAM or cannot be backed (printed).
 */
void *guest_ptr(struct vm *vm, uint64_t ipa, uint64_t len);

#endif /* VMM_GUEST_H */
