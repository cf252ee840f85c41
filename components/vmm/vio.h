/*
 * The VM's virtio devices (the `devices` of its description): each is a
 * libvmm virtio device on the virtio-mmio or virtio-pci transport at the
 * place the VM's machine gave it (libvmm machine.h), its interrupt a level
 * on the vGIC. A virtio console's output goes to the VM's console lines
 * (console.c) and the first console takes the VM's console input instead
 * of the PL011. A virtio-net device has the description's MAC; its
 * backend is where a switch port plugs in (vio.c): until then what the
 * guest sends is dropped and counted, and nothing arrives.
 */
#ifndef VMM_VIO_H
#define VMM_VIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/**
 * Creates the devices the description asks for, on the machine (vm.c put
 * them there, in the same order). False, the reason printed, on error.
 */
bool vio_create(struct vm *vm);

/** Resets every device, as the VM starts again. */
void vio_reset(struct vm *vm);

/** mmio_handler_fn of a virtio-mmio window; `dev` is its struct vm_virtio. */
bool vio_mmio(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value);

/** mmio_handler_fn of the PCI host bridge's config space (ECAM); `dev` is the VM. */
bool vio_ecam(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value);

/** mmio_handler_fn of the PCI host bridge's memory window, where BARs are; `dev` is the VM. */
bool vio_window(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value);

/**
 * Starts a warning line about a device (the VM's budget of VM_WARN_LOG_MAX
 * such lines, STYLE.md: rate-limited): false if the budget is spent, else
 * the guest's partial console line is flushed and the caller prints its
 * text, then vio_warn_end.
 */
bool vio_warn_begin(struct vm *vm);

/** Ends the line vio_warn_begin started, saying when it was the last one. */
void vio_warn_end(struct vm *vm);

/** One line per device with what moved since the last report (vm_report). */
void vio_report(struct vm *vm);

#endif /* VMM_VIO_H */
