/*
 * The VM's cross-VM connectors (docs/xconn.md): libvmm's device model
 * (vmm/xconn.h) on a PCI slot, glued to the capabilities the description
 * gives the VMM for each (spec.h struct cv_spec_xconn):
 *   - each dataport's frame caps (a `caps;` dataport end), mapped at its
 *     BAR's address in the guest's stage 2 while the BAR decodes, and
 *     unmapped when the guest moves it or turns memory decoding off;
 *   - one notification per doorbell, signalled when the guest rings it;
 *   - the events the native side emits arrive at the one notification the
 *     VMM's main thread waits on, a badge bit each (vxconn_poll).
 */
#ifndef VMM_VXCONN_H
#define VMM_VXCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/** Sets up connector device cfg at its PCI slot `at`: false, the reason printed, on error. */
bool vxconn_create(struct vm *vm, const struct cv_spec_vm_device *cfg,
                   const struct machine_dev *at);

/**
 * The notification the connectors' events arrive at (0 if none): the VMM
 * binds it when nothing else (the serial server, a switch port) decides.
 */
uint64_t vxconn_signal(const struct vm *vm);

/**
 * The badge of the VMM's own signals (console input, its wake-ups) on the
 * connectors' notification: an unbadged signal is bit 0 (kernel
 * ntfn_signal), which is an event's; specc keeps bit 63 free.
 */
#define VXCONN_SELF_BADGE (1ull << 63)

/**
 * A cap to signal `ntfn` with VXCONN_SELF_BADGE if it is the connectors'
 * notification (else, or if it cannot be made, ntfn itself).
 */
uint64_t vxconn_self_cap(const struct vm *vm, uint64_t ntfn);

/** Checks that the events arrive at `bound`, the one the VMM waits on. False, printed, if not. */
bool vxconn_check_signal(const struct vm *vm, uint64_t bound);

/** The VMM's notification word `badge` came: raises the events whose bits it has. */
void vxconn_poll(struct vm *vm, uint64_t badge);

/** After a guest access to the PCI window: reports (rate-limited) what a connector refused. */
void vxconn_accessed(struct vm *vm, uint64_t offset, unsigned width, bool write);

/** A system reset: config space as at power-on, dataports unmapped, no events pending. */
void vxconn_reset(struct vm *vm);

/** One line per connector with doorbells, refused accesses and events, then zeroed. */
void vxconn_report(struct vm *vm);

#endif /* VMM_VXCONN_H */
