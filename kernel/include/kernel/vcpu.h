/*
 * Virtual CPUs: the guest state a thread runs with at EL1.
 *
 * A VCPU holds what a guest owns besides its general registers (which stay
 * in the bound TCB's arch_regs): EL1 system registers, the virtual timer
 * and the GICv2 virtual CPU interface (list registers, VMCR, APR). The
 * state is saved into the VCPU on every kernel entry from the guest and
 * restored on every return to it, so the kernel and the VMM always see it
 * in memory; a vCPU running on another core is first made to leave
 * (core_wait_thread_out) before its state is read or changed.
 *
 * Guest exits reach the VMM as fault IPC (abi.h CV_FAULT_VM_*).
 */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include <kernel/tcb.h>

#define VCPU_BITS    12u
#define VCPU_MAX_LRS 16u

struct vcpu {
    uint64_t reg[CV_VCPU_REG_COUNT];
    uint32_t lr[VCPU_MAX_LRS];
    uint32_t gich_hcr;
    uint32_t eoi_pending; /* list registers EOI'd with maintenance asked */
    bool vtimer_masked;   /* fired; waiting for CV_OP_VCPU_ACK_VTIMER */
    uint32_t live_core;   /* core index + 1 whose EL1 registers hold reg[], or 0 */
    struct tcb *tcb;      /* bound thread, or NULL */
};
_Static_assert(sizeof(struct vcpu) <= (1u << VCPU_BITS), "vcpu size");

void vcpu_init(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
enum cv_err vcpu_invoke(struct vcpu *v, uint64_t label);
/** TCB_BIND_VCPU on `t`. */
enum cv_err vcpu_bind_invoke(struct tcb *t);
void vcpu_unbind(struct tcb *t);
/** Checks an SPSR written for a vCPU thread (EL0t, EL1t, EL1h; AArch64). */
bool vcpu_spsr_valid(uint64_t spsr);

/** Kernel entry from a vCPU thread: save its state (before in_user clears). */
void vcpu_entry_save(struct tcb *t);
/**
 * Kernel exit to vCPU thread `t`: false if it must not run now (a pending
 * maintenance exit was raised instead); else restores its state.
 */
bool vcpu_exit_prepare(struct core *c, struct tcb *t);
/** Exit to a native thread: the core leaves guest mode if it was in it. */
void vcpu_exit_native(struct core *c);
/** A synchronous exception of a vCPU thread (a guest exit). */
void vcpu_handle_exit(struct tcb *t, uint64_t esr);
/** Interrupts for vCPUs: the virtual timer and the GIC maintenance PPI. */
bool vcpu_handle_irq(uint32_t irq);
/** Timer tick: wakes vCPUs whose WFI deadline passed; next deadline or 0. */
uint64_t vcpu_wfi_tick(struct core *c, uint64_t now);
/** Removes a WFI-blocked thread from the WFI list. */
void vcpu_wfi_cancel(struct tcb *t);

/* arch layer (arch/aarch64/vcpu.c) */
void arch_vcpu_init_core(void);
uint32_t arch_vcpu_lr_count(void);
void arch_vcpu_save(struct vcpu *v, uint32_t lrs);
/**
 * Loads v's state into this core. `el1_live`: the core's EL1 context
 * registers still hold v->reg (v ran here last and nobody wrote them since),
 * so only what native mode overwrites is loaded again: every EL1 context
 * write is work, and some (TCR, TTBRs) are TLB flushes under QEMU.
 */
void arch_vcpu_restore(const struct vcpu *v, uint32_t lrs, bool el1_live);
void arch_enter_guest_mode(void);
void arch_enter_native_mode(void);
uint64_t arch_read_cntvct(void);

#endif
