/*
 * Firmware calls: a guest HVC or SMC is a PSCI 1.0 / SMCCC call (libvmm
 * vmm/psci.h decodes it); the VMM carries out the power actions on its
 * vCPU threads. The kernel continues after the call with x0 = the result
 * (abi.h, CV_FAULT_VM_EMULATED on an HVC/SMC exit).
 */
#ifndef VMM_FW_H
#define VMM_FW_H

#include "vm.h"
#include <vmm/vmexit.h>

/** CV_FAULT_VM_HVC or CV_FAULT_VM_SMC from vCPU m->vcpu. */
struct vmexit_result fw_call(struct vm *vm, const struct vmexit *m);

#endif /* VMM_FW_H */
