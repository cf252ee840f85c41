/*
 * Guest memory: the stage-2 address space, guest RAM (2 MiB frames from the
 * component's untyped, also mapped into the VMM so it can write the boot
 * images) and the hardware GICv2 virtual CPU interface the guest uses as
 * its GICC (GIC architecture specification v2, 5.4).
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/** Where the VMM sees guest RAM: offset o of RAM is at GUEST_RAM_VADDR + o. */
#define GUEST_RAM_VADDR 0x4000000000ull
/** The guest's GICC: IPA of the GICV frames (fdtgen's default). */
#define GUEST_GICC_IPA 0x08010000ull
/** The `caps` device interface holding the GICV frame caps. */
#define GUEST_GICV_IFACE "gicv"

/** Creates the guest vspace and maps cfg->ram_size bytes of RAM at cfg->ram_base. */
bool guest_create(struct vm *vm);

/** Maps the GICV frames (interface GUEST_GICV_IFACE) at GUEST_GICC_IPA. */
bool guest_map_gicv(struct vm *vm);

/** The VMM's pointer to [ipa, ipa + len) of guest RAM, or NULL if not all RAM. */
void *guest_ptr(const struct vm *vm, uint64_t ipa, uint64_t len);

/**
 * Cleans [p, p + len) to the point of coherency: the guest starts with its
 * MMU and caches off and must see what the VMM wrote (booting.rst 4).
 */
void guest_clean(const void *p, size_t len);

#endif /* VMM_GUEST_H */
