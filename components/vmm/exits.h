/*
 * The VMM's loops: each vCPU's exits arrive as fault IPC on that vCPU's
 * endpoint (abi.h CV_FAULT_VM_*; badge: vcpu.h), which a VMM thread of its
 * own on the vCPU's core receives; console input (and the serial server's
 * signal) arrives on the notification bound to the VMM's main thread
 * (CV_MSG_LABEL_NTFN), which waits for nothing else. Each exit is decoded
 * and dispatched by libvmm (vmm/vmexit.h) to the handlers this file
 * registers, under the VM lock, and answered before that thread receives
 * its next. docs/vmm.md "Threads and the VM lock".
 */
#ifndef VMM_EXITS_H
#define VMM_EXITS_H

#include <stdint.h>

#include <vmm/vmexit.h>

#include "vm.h"

/**
 * Creates and starts each vCPU's server thread, on that vCPU's core. From
 * then on the VM is the VM lock's: false (reason printed) on error.
 */
bool exits_start(struct vm *vm);

/** The main thread: handles the notifications forever. */
_Noreturn void exits_loop(struct vm *vm);

#endif /* VMM_EXITS_H */
