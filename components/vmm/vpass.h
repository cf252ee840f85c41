/*
 * The VM's passed-through devices (docs/passthrough.md): a real device's
 * frames (a `caps;` device end of the description) mapped in the guest's
 * stage 2 at their physical address, so its accesses do not exit, and its
 * interrupt forwarded through the vGIC as the same INTID.
 *
 * The line is a level. The kernel masks a user interrupt at the
 * distributor when it fires and signals the handler's notification; the
 * VMM raises the virtual line (pending in the vGIC while high) and acks
 * the hardware line (CV_OP_IRQ_ACK: unmask) only when the guest EOIs the
 * virtual one. A device still asserting then fires again at once, one
 * that stopped does not: the line neither storms nor is lost.
 */
#ifndef VMM_VPASS_H
#define VMM_VPASS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/** Badge bit of passthrough k on the main thread's notification (below VXCONN_SELF_BADGE). */
#define VPASS_BADGE(k) (1ull << (62u - (k)))

/**
 * Adds the passthrough devices to the machine, after the emulated ones (as
 * specc placed them). False, the reason printed, on error.
 */
bool vpass_machine(struct vm *vm);

/** Maps each device's frames at their physical address in the guest. False (printed) on error. */
bool vpass_create(struct vm *vm);

/**
 * Points each device's interrupt at the notification the main thread
 * waits on (vm->bound), badged VPASS_BADGE(k). False (printed) on error.
 */
bool vpass_bind(struct vm *vm);

/** The main thread's notification word: raises the lines whose bit is set. */
void vpass_poll(struct vm *vm, uint64_t badge);

/** The guest EOI'd INTID intid (a list register freed): lowers and acks it if it is ours. */
void vpass_eoi(struct vm *vm, unsigned intid);

/** A reset: every line low, and acked where the kernel holds it masked for an EOI now lost. */
void vpass_reset(struct vm *vm);

/** One line per device at power-off and reset: interrupts forwarded. */
void vpass_report(struct vm *vm);

#endif /* VMM_VPASS_H */
