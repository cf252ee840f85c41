/*
 * Virtual CPUs: the guest state a thread runs with at EL1.
 *
 * A VCPU holds what a guest owns besides its general registers (kept in the bound TCB's arch_regs):
 * struct vcpu_arch (EL1 system registers, timers) and the GIC virtual CPU interface (list
 * registers, VMCR, APR). It is saved on every kernel entry from the guest that others can see (not
 * vcpu_irq_fast's) and restored on every return, so it is in memory then; a vCPU running on another
 * core is first made to leave (core_wait_thread_out) before its state is read or changed, except
 * for an injection, which waits in its inbox (docs/kernel.md "Injecting into a running vCPU").
 * Guest exits reach the VMM as fault IPC (abi.h CV_FAULT_VM_*), except posted writes
 * (CV_OP_VCPU_SET_POSTED), recorded here while the guest goes on (docs/kernel.md "Guests and
 * what QEMU makes expensive").
 */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include <arch/vcpu.h>
#include <kernel/irqc.h>
#include <kernel/tcb.h>

#define VCPU_BITS    12u
#define VCPU_MAX_LRS 16u

/** A vCPU's EL1 timers, each with its own PPI (plat_info.timer_*_ppi). */
enum vcpu_timer { VCPU_TIMER_VIRT, VCPU_TIMER_PHYS, VCPU_TIMER_COUNT };

/** How the kernel delivers one of them (CV_OP_VCPU_SET_VTIMER). */
struct vcpu_timer_irq {
    bool masked;    /* fired: waits for its EOI, for CV_OP_VCPU_ACK_VTIMER or for an INTID */
    bool waiting;   /* fired while the other timer held the kernel's LR: unmasked at its EOI */
    uint16_t intid; /* inject the timer as this INTID, or 0: exit (virtual), wait (physical) */
    uint8_t prio;
    uint8_t group; /* IRQC_LR_GROUP1 or 0 */
};

struct vcpu {
    struct vcpu_arch arch;
    struct irqc_lr lr[VCPU_MAX_LRS];
    struct irqc_vif vif;
    /* Injections from other cores while it ran: inbox[i] for LR i, bit i set */
    struct irqc_lr inbox[VCPU_MAX_LRS];
    uint32_t inbox_mask;
    uint32_t eoi_pending; /* list registers EOI'd with maintenance asked */
    struct vcpu_timer_irq timer[VCPU_TIMER_COUNT];
    bool timer_lr_own;   /* the last LR is the kernel's (CV_OP_VCPU_SET_VTIMER) */
    uint8_t timer_in_lr; /* 1 + the timer whose interrupt is in it, or 0 */
    uint32_t live_core;  /* core index + 1 whose EL1 registers hold reg[], or 0 */
    struct tcb *tcb;     /* bound thread, or NULL */
    uint64_t posted_ipa; /* register whose writes are posted, or 0 */
    uint64_t steady_ipa; /* register whose writes of steady_value are dropped, or 0 */
    uint32_t steady_value;
    /* posted[]: a ring of one producer, the vCPU's core (lock-free: vcpu_posted_fast),
     * and one consumer, TAKE_POSTED (locked); free-running indices, each written by one side */
    uint32_t posted_head; /* entries taken */
    uint32_t posted_tail; /* entries recorded */
    uint32_t posted_busy; /* the vCPU's core is between a stamp and its record */
    bool posted_wfi_due;  /* a tick handed writes over: the next WFI exits (CV_POSTED_AT_WFI) */
    uint64_t posted[CV_POSTED_MAX]; /* value, width, stamp (abi.h CV_POSTED_*) */
    bool da_recorded; /* vcpu_posted_fast wrote the abort's exit record (fault_msg), unposted */
};
_Static_assert(sizeof(struct vcpu) <= (1u << VCPU_BITS), "vcpu size");

void vcpu_init(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
struct invocation;
/** CV_OP_VCPU_* on the invoked vcpu (syscall.h struct invocation). */
enum cv_err vcpu_invoke(struct invocation *inv);
/** CV_OP_TCB_BIND_VCPU on the invoked tcb. */
enum cv_err vcpu_bind_invoke(struct invocation *inv);
void vcpu_unbind(struct tcb *t);
/** Checks an SPSR written for a vCPU thread (EL0t, EL1t, EL1h; AArch64). */
bool vcpu_spsr_valid(uint64_t spsr);
/* The SPSR bits a vCPU thread keeps (ARM ARM C5.2.19): NZCV, DIT, UAO, PAN, SS, SSBS, BTYPE, DAIF,
 * M[3:0]. The guest sets these at EL1; dropping one at an exit would undo its own protections (PAN,
 * BTYPE) or guarantees (DIT). The return path keeps them but M[3], M[1] (arch asm.h
 * ARCH_SPSR_GUEST_MASK). */
#define VCPU_SPSR_BITS 0xf1e01fcfull

/** Kernel entry from a vCPU thread: save its state (before in_user clears). */
void vcpu_entry_save(struct tcb *t);
/** Kernel exit to vCPU thread `t`: restores its state, or false: a maintenance exit raised. */
bool vcpu_exit_prepare(struct core *c, struct tcb *t);
/** Exit to a native thread: the core leaves guest mode if it was in it. */
void vcpu_exit_native(struct core *c);
/** A synchronous exception of a vCPU thread (a guest exit). */
void vcpu_handle_exit(struct tcb *t, uint64_t esr);
/** If the exit `esr` of `t` goes to the VMM as its record alone (a device access, a firmware
 * call): writes that into t->fault_msg, its length into *len, and returns its label; else 0. */
uint32_t vcpu_exit_record(struct tcb *t, uint64_t esr, uint32_t *len);
/** Kernel entry from the guest on vCPU thread `t`, before anything is saved or locked: true if it
 * was a posted write, now recorded (the guest continues). Only `t`'s core touches the record while
 * `t` runs (invocations first make it leave), and only the exception registers. */
bool vcpu_posted_fast(struct tcb *t);
/** Label bits a fault message of `t` carries besides its type (CV_FAULT_VM_POSTED_FLAG). */
uint64_t vcpu_fault_flags(const struct tcb *t);
/** Timer tick: a guest running here with posted writes waiting exits to its VMM. */
void vcpu_posted_tick(struct core *c);
/** An interrupt `irq` (acknowledged) while vCPU thread `t` ran, its state not saved, the lock held:
 * true if it was t's timer, now in (or waiting for) the hardware list register, so t goes on. Else
 * nothing is done and it takes the general path. */
bool vcpu_irq_fast(struct core *c, struct tcb *t, uint32_t irq);
/** Interrupts for vCPUs: the EL1 timers and the GIC maintenance PPI. */
bool vcpu_handle_irq(uint32_t irq);
/** Timer tick: wakes vCPUs whose WFI deadline passed; next deadline or 0. */
uint64_t vcpu_wfi_tick(struct core *c, uint64_t now);
/** Removes a WFI-blocked thread from the WFI list. */
void vcpu_wfi_cancel(struct tcb *t);

/* arch layer (arch/aarch64/vcpu.c) */
void arch_vcpu_init_core(void);
uint32_t arch_vcpu_lr_count(void);
/** A new VCPU's EL1 state: as after a reset. */
void arch_vcpu_reset(struct vcpu *v);
/** Where register `i` of VCPU_READ/WRITE_REGS (abi.h enum cv_vcpu_reg) is kept, or NULL. */
uint64_t *arch_vcpu_reg(struct vcpu *v, uint32_t i);
/** The physical count at which the guest's enabled, unmasked timer `timer` fires, or 0. */
uint64_t arch_vcpu_timer_due(const struct vcpu *v, uint32_t timer);
void arch_vcpu_save(struct vcpu *v, uint32_t lrs);
/** Loads v's state into this core. `el1_live`: the core's EL1 registers still hold v->reg (v ran
 * here last, nobody wrote them since), so only what native mode overwrites is loaded: every EL1
 * context write is work, and some (TCR, TTBRs) are TLB flushes under QEMU. */
void arch_vcpu_restore(struct vcpu *v, uint32_t lrs, bool el1_live);
/** Writes list register i of the running vCPU (its state not saved). */
void arch_vcpu_set_lr(uint32_t i, const struct irqc_lr *lr);
/** A trapped access asking for state switched lazily (the debug registers); the guest retries. */
bool arch_vcpu_dbg_trap(struct vcpu *v, uint64_t syndrome);
/**
 * IPA of a stage-2 data abort: HPFAR_EL2, except for a permission fault outside a table walk, where
 * it is UNKNOWN and the guest's stage 1 translates FAR_EL2 (AT S1E1R; PAR_EL1 keeps the guest's
 * value). The guest's EL1 registers must be loaded.
 */
uint64_t arch_guest_fault_ipa(uint64_t esr);
/** What a guest reads from ID register op0 3, op1 0, CRn 0, `crm`, `op2` (TID3), or false. */
bool arch_vcpu_id_reg(uint32_t crm, uint32_t op2, uint64_t *value);
void arch_enter_guest_mode(void);
void arch_enter_native_mode(void);
uint64_t arch_read_cntvct(void);

#endif
