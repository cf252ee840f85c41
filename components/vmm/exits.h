/*
 * The VMM's loop: every guest exit arrives as fault IPC on the VMM's
 * endpoint (abi.h CV_FAULT_VM_*, badge = vCPU index + 1); console input
 * arrives on the notification bound to the VMM's thread (CV_MSG_LABEL_NTFN).
 * Each exit is decoded and dispatched by libvmm (vmm/vmexit.h) to the
 * handlers this file registers, and answered before the next is received.
 */
#ifndef VMM_EXITS_H
#define VMM_EXITS_H

#include <stdint.h>

#include <vmm/vmexit.h>

#include "vm.h"

/** Handles exits forever. */
_Noreturn void exits_loop(struct vm *vm);

#endif /* VMM_EXITS_H */
