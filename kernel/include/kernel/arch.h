/* The hooks the generic kernel calls instead of touching system registers, GIC or UART. */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/types.h>

/**
 * A thread's saved user context, which vectors.S saves into and restores from via the
 * core's `struct core` (offset 0): keep in sync with ARCH_REGS_* in arch/asm.h.
 */
struct arch_regs {
    uint64_t x[31];
    uint64_t sp;    /* SP_EL0 */
    uint64_t pc;    /* ELR_EL2 */
    uint64_t spsr;  /* SPSR_EL2 */
    uint64_t tpidr; /* TPIDR_EL0 */
    uint64_t pad;
};

/**
 * Steps over the A64 instruction at pc as the CPU would: SPSR.BTYPE (11:10) becomes 0, as after
 * any non-branch (a stale one could raise a Branch Target exception on a guarded page); SPSR.SS
 * (21) becomes 0, so a guest stepping it takes its step exception next (ARM ARM D2.12).
 */
static inline void arch_regs_skip(struct arch_regs *r)
{
    r->pc += 4;
    r->spsr &= ~(3ull << 10 | 1ull << 21);
}

/** Platform facts taken from the DTB at boot (kernel/src/fdt.c fills it). */
#define PLAT_MAX_CORES 8
#define PLAT_MAX_MEM   4
struct plat_info {
    paddr_t mem_base[PLAT_MAX_MEM];
    uint64_t mem_size[PLAT_MAX_MEM];
    uint32_t mem_count;
    paddr_t uart;                   /* the console: /chosen's stdout-path */
    uint32_t uart_kind;             /* its register layout: enum plat_uart */
    uint32_t uart_irq;              /* its INTID (0: none: no console input) */
    paddr_t gicd, gicc, gich, gicv; /* GICv2 distributor, cpu, hyp, vcpu */
    paddr_t gicr;                   /* GICv3 redistributors (gicc.. are 0) */
    uint64_t gicr_size;
    uint64_t gic_size[4];    /* the sizes of gicd, gicc, gich, gicv (GICv3: gicd's) */
    uint32_t gic_version;    /* 2 or 3: the driver (kernel/irqc.h) */
    uint32_t timer_hyp_ppi;  /* EL2 physical timer PPI (INTID) */
    uint32_t timer_virt_ppi; /* EL1 virtual timer PPI (INTID) */
    uint32_t timer_phys_ppi; /* EL1 (non-secure) physical timer PPI (INTID) */
    uint64_t cpu_mpidr[PLAT_MAX_CORES];
    uint32_t cpu_count;
    bool psci_smc; /* PSCI conduit: true = SMC, false = HVC */
    paddr_t dtb;
    uint64_t dtb_size;
};

enum plat_uart { PLAT_UART_PL011, PLAT_UART_NS16550_32 }; /* layouts: arch uart.c */

/* ---- console ---- */
void arch_uart_init(paddr_t base, uint32_t kind);
void arch_uart_putc(char c);
int arch_uart_getc(void); /* non-blocking: -1 when none */
void arch_uart_rx_irq_enable(void);
void arch_uart_rx_irq_ack(void);
void arch_uart_rx_irq_disable(void); /* the UART is handed to user level */

/* ---- per-core state ---- */
struct core;
void arch_set_core(struct core *c); /* TPIDR_EL2 */
struct core *arch_core(void);

/** Restores `r` (the core's current thread) and erets to EL0. */
__attribute__((noreturn)) void arch_return_to_user(struct arch_regs *r);
/** The same for a vCPU thread: to EL1 or EL0 as its SPSR says. */
__attribute__((noreturn)) void arch_return_to_guest(struct arch_regs *r);

void arch_idle_wait(void); /* unmask, wfi, mask */

/* ---- stage-2 address spaces (for EL0 threads: stage 1 is off) ---- */
/** Makes the EL1&0 regime use `root` (level-1 table, 39-bit IPA) with `vmid`. */
void arch_vspace_activate(paddr_t root, uint16_t vmid);
/** Invalidates every stage-1+2 TLB entry of `vmid`, on all cores. */
void arch_tlb_flush_vmid(uint16_t vmid);
/** Invalidates the stage-2 entries of one IPA page of `vmid`, all cores. */
void arch_tlb_flush_ipa(uint16_t vmid, uint64_t ipa);
void arch_pt_barrier(void); /* page-table writes visible to the walkers (dsb ishst) */
/** Cleans [p, p + len) from the data caches to the point of coherency. */
void arch_dcache_clean_poc(const void *p, uint64_t len);
/** VMID width of this machine: 16 with FEAT_VMID16 (VTCR_EL2.VS set), else 8. */
uint32_t arch_vmid_bits(void);

/* ---- interrupts (the GIC driver the DTB names: kernel/irqc.h) ---- */
#define ARCH_IRQ_SPURIOUS    1023u
#define ARCH_IPI_RESCHEDULE  0u                /* SGI number */
#define ARCH_IPI_KICK        1u                /* SGI: out of the guest, no reschedule */
#define ARCH_IRQ_MAINTENANCE 25u               /* GIC virtual interface maintenance PPI */
void arch_gic_init(const struct plat_info *p); /* distributor: boot core only */
void arch_gic_init_core(void);                 /* cpu interface: every core */
uint32_t arch_irq_ack(void);                   /* the highest-priority pending INTID */
void arch_irq_eoi(uint32_t irq);
void arch_irq_enable(uint32_t irq);
void arch_irq_disable(uint32_t irq);
/** Routes SPI `irq` to `core` (index into plat_info.cpu_mpidr). */
void arch_irq_set_target(uint32_t irq, uint32_t core);
uint32_t arch_irq_max(void); /* highest INTID implemented (GICD_TYPER) */
void arch_send_ipi(uint32_t core, uint32_t sgi);

/* ---- time (EL2 physical timer, CNTHP) ---- */
void arch_timer_init_core(void);
uint64_t arch_timer_now(void);       /* CNTPCT */
uint64_t arch_timer_freq(void);      /* CNTFRQ */
void arch_timer_set(uint64_t ticks); /* the hyp timer PPI fires once, `ticks` from now */
/**
 * Disarms the hyp timer. Its PPI is level-triggered: an expired, enabled timer keeps it
 * asserted, so the handler must re-arm (arch_timer_set) or cancel before the EOI.
 */
void arch_timer_cancel(void);

/* ---- cores ---- */
int arch_cpu_on(uint32_t core, uint64_t mpidr);       /* PSCI CPU_ON into the secondary path */
__attribute__((noreturn)) void arch_system_off(void); /* PSCI SYSTEM_OFF */
__attribute__((noreturn)) void arch_halt(void);

/* ---- exception syndrome ---- */
uint64_t arch_read_esr(void);   /* ESR_EL2 */
uint64_t arch_read_far(void);   /* FAR_EL2 */
uint64_t arch_read_hpfar(void); /* HPFAR_EL2 (IPA[47:12] >> 8 of a stage-2 fault) */

/* ---- what a synchronous exception is (arch trap.c decodes the syndrome) ---- */
enum arch_trap {
    ARCH_TRAP_OTHER = 0, /* undefined instruction, or nothing the kernel handles */
    ARCH_TRAP_SYSCALL,
    ARCH_TRAP_FP, /* FP/SIMD access while the unit is off (lazy switch) */
    ARCH_TRAP_WFI,
    ARCH_TRAP_WFE,
    ARCH_TRAP_DATA_ABORT,
    ARCH_TRAP_INSN_ABORT,
    ARCH_TRAP_ALIGNMENT, /* a native thread's misaligned pc, sp or access */
    ARCH_TRAP_HVC,       /* guest only, as the three below */
    ARCH_TRAP_SMC,
    ARCH_TRAP_SYSREG, /* a trapped system register access */
};
/* Inline in <arch/trap.h> (included at the end) for the hot paths: arch_trap_kind,
 * arch_trap_is_syscall, arch_abort_access (abi.h CV_DA_*), arch_store_value. */
/** Makes the exception in hand happen again when the thread runs: SVC, HVC are re-executed. */
void arch_trap_restart(struct arch_regs *r, uint64_t syndrome);
/** Completes an emulated load of `value` (extended as the access says) and steps over it. */
void arch_load_done(struct arch_regs *r, uint64_t access, uint64_t value);
/** The value a trapped system register write stores (0 for reads). */
uint64_t arch_sysreg_value(const struct arch_regs *r, uint64_t syndrome);
/** Completes a trapped system register read with `value`, and steps over it. */
void arch_sysreg_read_done(struct arch_regs *r, uint64_t syndrome, uint64_t value);
/** A register the kernel answers itself (the ID registers): done, and true. */
bool arch_sysreg_local(struct arch_regs *r, uint64_t syndrome);
/** A guest's firmware call arguments (up to 8). */
void arch_call_args(const struct arch_regs *r, uint64_t *args, uint32_t n);
/** A firmware call's result, as the calling convention returns it. */
void arch_call_result(struct arch_regs *r, uint64_t value);
/** The IPA of a stage-2 instruction abort (page granular). */
uint64_t arch_insn_abort_ipa(void);

/* ---- entry points the arch layer calls into the generic kernel ---- */
/** Boot core (its MPIDR_EL1), MMU on, BSS clear, on its stack. */
__attribute__((noreturn)) void kernel_main(paddr_t dtb, uint64_t mpidr);
/** Secondary core `index`, MMU on, on its stack. */
__attribute__((noreturn)) void kernel_secondary_main(uint32_t index);
/** Synchronous exception from EL0 (registers saved in the current thread). */
__attribute__((noreturn)) void kernel_sync_from_user(void);
/** IRQ while at EL0. */
__attribute__((noreturn)) void kernel_irq_from_user(void);
/** IRQ while the kernel idles (arch_idle_wait); returns to the idle loop. */
void kernel_irq_from_idle(void);
/**
 * Any exception the kernel itself caused: prints and halts. `kind` is the vector-table slot
 * (ARCH_EXC_* in arch/asm.h). Lower-EL FIQ and AArch32 entries also come here; a lower-EL
 * AArch64 SError goes to kernel_sync_from_user (EC 0x2F): it faults the thread, not the system.
 */
__attribute__((noreturn)) void kernel_panic_exception(uint64_t esr, uint64_t elr, uint64_t far,
                                                      uint32_t kind);

#include <arch/trap.h>

#endif /* KERNEL_ARCH_H */
