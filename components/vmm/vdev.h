/*
 * Emulated devices on guest MMIO: the GICv2 distributor at 0x08000000
 * (64 KiB) and the PL011 at 0x09000000 (4 KiB), found by libvmm's
 * mmio_dispatch for a stage-2 data abort.
 */
#ifndef VMM_VDEV_H
#define VMM_VDEV_H

#include "exits.h"
#include "vm.h"

/** Resets the PL011 (its output goes to console_tx). */
void vdev_init(struct vm *vm);

/**
 * CV_FAULT_VM_DATA_ABORT: emulates the access, or stops the VM if it cannot.
 * An access to an unbacked IPA injects an abort or stops the VM, as the
 * VM's `unbacked-access` says.
 */
struct exit_result vdev_data_abort(struct vm *vm, const struct exit_msg *m);

#endif /* VMM_VDEV_H */
