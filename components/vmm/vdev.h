/*
 * Emulated devices on guest MMIO: the GICv2 distributor at 0x08000000
 * (64 KiB) and the PL011 at 0x09000000 (4 KiB), found by libvmm's
 * mmio_dispatch for a stage-2 data abort.
 */
#ifndef VMM_VDEV_H
#define VMM_VDEV_H

#include "vm.h"
#include <vmm/vmexit.h>

/** The UART's read page (struct vm_uart_page): false, the reason printed, on error. */
bool vdev_create(struct vm *vm);

/** Resets the PL011 (its output goes to console_tx). */
void vdev_init(struct vm *vm);

/**
 * After the UART changed: its read page shows the new state, and is mapped
 * in the guest exactly while reads have no side effect (no received byte
 * waits, which a UARTDR read would pop).
 */
void vdev_uart_sync(struct vm *vm);

/**
 * The UART changed (an access, input, posted writes): its interrupt line
 * follows if it moved from `level_before` (pl011_irq_level before), and
 * vdev_uart_sync.
 */
void vdev_uart_changed(struct vm *vm, bool level_before);

/**
 * Tells the kernel about vCPU i's UART writes that need no exit
 * (CV_OP_VCPU_SET_POSTED): UARTDR's are posted, and UARTCR is steady at its
 * current value (Linux writes it before and after every console line).
 * vdev_uart_sync calls it again for every vCPU when UARTCR changes.
 */
enum cv_err vdev_posted_set(struct vm *vm, unsigned i);

/**
 * Takes the posted writes of every vCPU from the kernel and emulates them
 * in the order the guest wrote them (libvmm posted.h): those stamped
 * before the first take, or with `all` (every vCPU stopped) everything.
 */
void vdev_take_posted(struct vm *vm, bool all);

/**
 * CV_FAULT_VM_DATA_ABORT: emulates the access, or stops the VM if it cannot.
 * An access to an unbacked IPA injects an abort or stops the VM, as the
 * VM's `unbacked-access` says.
 */
struct vmexit_result vdev_data_abort(struct vm *vm, const struct vmexit *m);

/**
 * CV_FAULT_VM_INSN_ABORT off guest RAM: nothing there can be fetched (a
 * device neither), so the VM's `unbacked-access` decides as for a data
 * access: a synchronous instruction abort injected, or the VM stopped.
 */
struct vmexit_result vdev_insn_abort(struct vm *vm, const struct vmexit *m);

#endif /* VMM_VDEV_H */
