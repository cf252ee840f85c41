/*
 * The VMM's vCPU threads: one TCB bound to one VCPU object per guest CPU
 * (abi.h CV_OP_TCB_BIND_VCPU), running in the guest vspace on its core and
 * faulting to an endpoint of its own, which one VMM thread on that core
 * serves (exits.c), with badge = vCPU index + 1 and its start count above
 * VCPU_BADGE_INDEX_BITS.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/**
 * Priority of the vCPU threads: just below the VMM component's (its
 * description gives it 100, the default), so an exit is handled before the
 * guest runs on.
 */
#define VCPU_PRIORITY 99u
/** Bits of a fault badge that hold the vCPU's index + 1 (libvmm vmexit_decode). */
#define VCPU_BADGE_INDEX_BITS 8u
/** SPSR of a vCPU at entry: EL1h with D, A, I and F masked (booting.rst 4). */
#define VCPU_SPSR_ENTRY 0x3c5ull

/**
 * The core vCPU i runs on: the description's `vcpu-affinity`, else spread
 * over the cores (vCPU i on core i modulo their count).
 */
unsigned vcpu_core(const struct vm *vm, unsigned i);

/** Creates vCPU i (thread, VCPU object, badged fault endpoint); not started. */
bool vcpu_create(struct vm *vm, unsigned i);

/**
 * The vCPU an exit's badge names, if it comes from that vCPU's current
 * start and it runs; -1 for an unknown badge or a stale exit: one its vCPU
 * sent before another thread suspended it (a stop, a reset), and maybe
 * started it again. Such a vCPU no longer waits for that reply (suspending
 * it cancelled the reply), and the exit must not be emulated, least of all
 * against a new start.
 */
int vcpu_current(const struct vm *vm, uint64_t badge);

/** Gives vCPU i a new VCPU object: reset EL1 state and empty list registers. */
bool vcpu_renew(struct vm *vm, unsigned i);

/** Starts vCPU i at pc with x0 (x1..x30 zero), EL1 state as after reset. */
bool vcpu_start(struct vm *vm, unsigned i, uint64_t pc, uint64_t x0);

/**
 * vCPU i, stopped (PSCI CPU_OFF), before it starts again: its console bytes
 * taken, a fresh VCPU object (empty list registers, timer and posted
 * state), and what the vGIC had in its list registers let go. A CPU that
 * powers on has no interrupt active from before.
 */
bool vcpu_refresh(struct vm *vm, unsigned i);

/** Suspends vCPU i if it runs. */
void vcpu_suspend(struct vm *vm, unsigned i);

#endif /* VMM_VCPU_H */
