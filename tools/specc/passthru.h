/*
 * Device passthrough and guest RAM at IPA == PA (docs/passthrough.md):
 * a vm's `ram-identity` checked against the platform's physical memory,
 * and its `type = "passthrough"` devices, resolved once the interfaces
 * are laid out (their region is a device connection's end in the VMM).
 */
#ifndef SPECC_PASSTHRU_H
#define SPECC_PASSTHRU_H

#include "desc.h"

/**
 * The platform's RAM (--ram BASE:SIZE) and the image's place in it
 * (--image BASE:SIZE), from the board's data: what 1:1 RAM is checked
 * against. Without --ram a vm with ram-identity is an error. -1 (after a
 * message) if `arg` is not a non-empty BASE:SIZE.
 */
int passthru_set_ram(const char *arg);
int passthru_set_image(const char *arg);

/**
 * `ram-identity` of vm `v` (component comp): the VMM's untyped is placed at
 * ram-base, so [ram-base, + 2^untyped-bits) must be the platform's RAM,
 * clear of the kernel image and of every other VM's such range.
 */
int passthru_ram(struct desc *d, const struct prop_node *v, uint32_t comp, struct cv_spec_vm *vm);

/** A device node's passthrough properties (only `type = "passthrough"` has them). */
int passthru_read(struct desc *d, const struct prop_node *n, struct cv_spec_vm_device *dev,
                  uint32_t index);

/** Every passthrough device: its region and interrupt found and checked. */
int passthru_resolve(struct desc *d);

#endif /* SPECC_PASSTHRU_H */
