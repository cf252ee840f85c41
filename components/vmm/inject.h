/*
 * Exceptions the VMM injects into its guest: it emulates what the CPU does
 * when it takes an exception to EL1 (ARM ARM D1.10.2, "Exception entry"),
 * on the vCPU's saved state, while the vCPU waits for the reply to its exit.
 */
#ifndef VMM_INJECT_H
#define VMM_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include <capvisor/abi.h>

#include "vm.h"

/**
 * A synchronous external abort on a data access (DFSC 0x10) of vCPU i,
 * whose exit reported ESR_EL2 esr: ESR_EL1 gets EC 0x24 (from EL0) or 0x25
 * (from EL1) with ISV 0 and FnV 1 (FAR_EL1 not valid: the VMM knows the
 * IPA, not the virtual address), ELR_EL1 the faulting pc, SPSR_EL1 the
 * guest's PSTATE; the vCPU continues at its VBAR_EL1 vector in EL1h with
 * D, A, I and F masked. The caller replies CV_FAULT_RESUME. On an error
 * (a register access failed) the vCPU's state may be half written: the
 * caller stops the VM.
 */
enum cv_err inject_data_abort(struct vm *vm, unsigned i, uint64_t esr);

/**
 * A synchronous external abort on an instruction fetch (IFSC 0x10) of
 * vCPU i at its pc: ESR_EL1 gets EC 0x20 (from EL0) or 0x21 (from EL1),
 * FnV 0, and FAR_EL1 the pc (the fetch's virtual address: the VMM knows
 * it here, unlike a data access's); otherwise as inject_data_abort.
 */
enum cv_err inject_insn_abort(struct vm *vm, unsigned i);

/**
 * An Undefined Instruction exception at vCPU i's pc (ESR_EL1 EC 0 "Unknown
 * reason", IL 1, ISS 0: what the CPU reports for an instruction it does
 * not implement, such as an access to a register of a feature the ID
 * registers say is absent); otherwise as inject_data_abort.
 */
enum cv_err inject_undef(struct vm *vm, unsigned i);

#endif /* VMM_INJECT_H */
