/*
 * The devices of a VM (the `devices` child of a component's `vm` node):
 * each child node is one device the VMM emulates for the guest. They are
 * placed on the guest's machine by libvmm's machine.c, the code the VMM
 * itself runs, so what specc accepts is what the VMM will build.
 * docs/system-description.md has the syntax.
 */
#ifndef SPECC_VMDEV_H
#define SPECC_VMDEV_H

#include <capvisor/spec.h>

#include "desc.h"
#include "prop.h"

/**
 * Reads the `devices` child of vm node `v` (if any) into vm->device[], and
 * places the guest's machine (RAM, vCPUs, devices) as the VMM will. d
 * holds the VMs read before (a MAC is the system's to give once).
 * Returns 0, or -1 after printing `FILE:LINE: error: ...`.
 */
int vmdev_load(struct desc *d, const struct prop_node *v, struct cv_spec_vm *vm);

#endif /* SPECC_VMDEV_H */
