/*
 * Trapped guest system register accesses (CV_FAULT_VM_SYSREG). The kernel
 * traps the guest's debug and performance-monitor registers (MDCR_EL2 TDA,
 * TDOSA, TDRA, TPM, TPMCR): those are not context switched, so the guest
 * must not reach the hardware ones. They read as zero and ignore writes here,
 * as for a CPU without self-hosted debug or PMU counters in use; anything
 * else trapped stops the VM.
 */
#ifndef VMM_SYSREG_H
#define VMM_SYSREG_H

#include "vm.h"
#include <vmm/vmexit.h>

/** CV_FAULT_VM_SYSREG from vCPU m->vcpu: MR0 pc, MR1 ESR, MR2 value written. */
struct vmexit_result sysreg_access(struct vm *vm, const struct vmexit *m);

#endif /* VMM_SYSREG_H */
