/*
 * The interrupt controller, as the generic kernel sees it: the physical interrupts it takes (arch.h
 * arch_irq_*) and the virtual CPU interface a guest runs with. One driver per GIC architecture
 * version sits behind `struct irqc_ops` (arch/aarch64/gicv2.c, gicv3.c); the boot DTB chooses it
 * (plat_info.gic_version, arch/aarch64/irqc.c).
 *
 * List registers are kept in `struct irqc_lr`, a form of no particular GIC: the driver converts at
 * save and restore (GICv2 GICH_LRn, 32 bits; GICv3 ICH_LR<n>_EL2, 64 bits). The generic vCPU code
 * (vcpu.c) decides what goes into them and never sees a register layout.
 */
#ifndef KERNEL_IRQC_H
#define KERNEL_IRQC_H

#include <kernel/types.h>

#define IRQC_LR_PENDING 1u /* irqc_lr.state */
#define IRQC_LR_ACTIVE  2u
#define IRQC_LR_EOI     1u /* irqc_lr.flags: a maintenance interrupt at its EOI */
#define IRQC_LR_GROUP1  2u /* delivered as a Group 1 interrupt */

/** One list register: an interrupt the guest's CPU interface presents. */
struct irqc_lr {
    uint32_t intid; /* virtual INTID */
    uint8_t prio;   /* 8-bit priority (the controller keeps its top bits) */
    uint8_t src;    /* GICv2: the requesting CPU of an SGI; GICv3 has none */
    uint8_t state;  /* IRQC_LR_PENDING | IRQC_LR_ACTIVE, 0: free */
    uint8_t flags;  /* IRQC_LR_* */
};

/**
 * The virtual CPU interface state of a vCPU besides its list registers: GICv2 GICH_VMCR and
 * GICH_APR; GICv3 ICH_VMCR_EL2 and ICH_AP0R0_EL2 | ICH_AP1R0_EL2 << 32 (five priority bits need one
 * APR of each group).
 */
struct irqc_vif {
    uint64_t vmcr;
    uint64_t apr;
};

struct plat_info;

/** A GIC driver. Every operation acts on the calling core's interface. */
struct irqc_ops {
    uint32_t version;
    /* ---- physical interrupts (arch.h arch_irq_* call these) ---- */
    void (*init)(const struct plat_info *p); /* distributor: boot core, first */
    void (*init_core)(void);                 /* this core's CPU interface */
    uint32_t (*ack)(void);
    void (*eoi)(uint32_t irq);
    void (*enable)(uint32_t irq);
    void (*disable)(uint32_t irq);
    void (*set_target)(uint32_t irq, uint32_t core);
    void (*send_ipi)(uint32_t core, uint32_t sgi);
    /* ---- the virtual CPU interface ---- */
    uint32_t (*vif_lr_count)(void);
    void (*vif_init_core)(void);
    /** Saves `n` LRs and `s`, then turns the interface off (no maintenance outside the guest). */
    void (*vif_save)(struct irqc_lr *lr, uint32_t n, struct irqc_vif *s);
    /** Loads them and turns the interface on. */
    void (*vif_restore)(const struct irqc_lr *lr, uint32_t n, const struct irqc_vif *s);
    /** Writes LR i of the interface on (the guest's, not saved: vcpu_irq_fast). */
    void (*vif_set_lr)(uint32_t i, const struct irqc_lr *lr);
};

extern const struct irqc_ops irqc_gicv2;
extern const struct irqc_ops irqc_gicv3;

/** The driver chosen at boot (arch_gic_init). */
extern const struct irqc_ops *irqc;
/** The highest INTID the distributor implements: its driver's init sets it. */
extern uint32_t irqc_max_intid;

#endif /* KERNEL_IRQC_H */
