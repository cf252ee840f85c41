/*
 * Virtual interrupts: libvmm's vGIC distributor (vmm/vgic.h) connected to
 * the kernel's list registers (abi.h CV_OP_VCPU_INJECT_IRQ), the virtual
 * timer and the emulated UART's interrupt line.
 *
 * Every interrupt is injected with the EOI-maintenance flag, so the kernel
 * reports each list register the guest is done with (CV_FAULT_VM_MAINTENANCE)
 * and libvmm's bookkeeping of list registers stays exact.
 */
#ifndef VMM_VIRQ_H
#define VMM_VIRQ_H

#include <stdint.h>

#include "vm.h"

/** Resets the distributor for the VM's vCPUs and list-register counts. */
bool virq_init(struct vm *vm);

/** Injects what is pending into free list registers of every vCPU. */
void virq_deliver(struct vm *vm);

/**
 * CV_FAULT_VM_VTIMER on vCPU i: its timer PPI's line is high, latched
 * until the guest EOIs it or enables the PPI (virq_vtimer_sync hands the
 * timer to the kernel then). Raised before the kernel was given the INTID,
 * it only turns the timer on again: the kernel delivers it if still due.
 */
void virq_vtimer(struct vm *vm, unsigned i);

/**
 * CV_FAULT_VM_MAINTENANCE on vCPU i: the guest EOI'd the list registers in
 * freed. An EOI'd timer interrupt lowers its line and re-enables the timer
 * (CV_OP_VCPU_ACK_VTIMER): it fires again if still due.
 */
void virq_maintenance(struct vm *vm, unsigned i, uint64_t freed);

/**
 * After the guest wrote the distributor (and when a vCPU got a new VCPU
 * object): while it has the timer PPI enabled, the kernel delivers the
 * timer itself, at the priority the guest gave it, in the list register
 * the VMM leaves to it (CV_OP_VCPU_SET_VTIMER); a tick then costs no exit.
 * Otherwise it exits (CV_FAULT_VM_VTIMER) and virq_vtimer handles it; at
 * the hand-over a line virq_vtimer latched drops and the timer is on again,
 * so the guest gets it only if it is still due. The
 * EL1 physical timer's PPI the same way (CV_TIMER_PHYS), except that it
 * never exits: while the guest has it disabled, it is not delivered. One
 * invocation per vCPU and timer whose setting changed. The distributor's
 * pending and active bits of a timer PPI do not show an interrupt the
 * kernel delivered.
 */
void virq_vtimer_sync(struct vm *vm);

/**
 * virq_vtimer_sync after a guest's distributor or redistributor write, if
 * it changed something the timers' delivery depends on (the vGIC's
 * private_gen moved): most writes, SGIs above all, change nothing of it.
 */
void virq_vtimer_resync(struct vm *vm);

/** Sets the UART's SPI to the PL011's interrupt output. */
void virq_uart_update(struct vm *vm);

#endif /* VMM_VIRQ_H */
