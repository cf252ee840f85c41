/*
 * GICv3 driver (ARM IHI 0069): distributor and redistributors by MMIO, the CPU interface and
 * the virtual CPU interface control (ICH_*) by system registers.
 *
 * Affinity routing is on (ARE): SPIs are routed by GICD_IROUTER<n>, SGIs and PPIs configured in
 * each core's redistributor (GICR_TYPER.Affinity, 12.11.36). Every interrupt is Group 1, taken
 * through ICC_IAR1_EL1, so it is an IRQ at EL2 with or without two security states (4.6.2);
 * EOImode 0: one ICC_EOIR1_EL1 write drops the priority and deactivates.
 *
 * Guests' ICC_* accesses go to ICV_* (HCR_EL2.IMO/FMO); their ICC_SGI1R_EL1 writes trap
 * (12.2.22) and reach the VMM as system register exits. ICC_SRE_EL1.SRE is set for them: no
 * memory-mapped CPU interface.
 */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/core.h>
#include <kernel/irqc.h>
#include <kernel/kprintf.h>

#define GICD_CTLR        0x0000u
#define GICD_TYPER       0x0004u
#define GICD_IGROUPR     0x0080u
#define GICD_ISENABLER   0x0100u
#define GICD_ICENABLER   0x0180u
#define GICD_ICPENDR     0x0280u
#define GICD_ICACTIVER   0x0380u
#define GICD_IPRIORITYR  0x0400u
#define GICD_IROUTER     0x6000u
#define GICD_CTLR_GRP1   (BIT(0) | BIT(1)) /* EnableGrp0/1 (DS 1) or EnableGrp1/1A (DS 0) */
#define GICD_CTLR_ARE    BIT(4)
#define GICD_CTLR_RWP    BIT(31)
#define GICR_TYPER       0x0008u
#define GICR_WAKER       0x0014u
#define GICR_SGI         0x10000u /* SGI_base frame */
#define GICR_STRIDE      0x20000u /* RD_base + SGI_base */
#define GICR_STRIDE_VLPI 0x40000u /* ... + VLPI frames (GICv4) */
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_TYPER_LAST  BIT(4)
#define GICR_WAKER_SLEEP BIT(1) /* ProcessorSleep */
#define GICR_WAKER_ASLP  BIT(2) /* ChildrenAsleep */
#define GICR_CTLR_RWP    BIT(3)

#define GIC_PRIO_DEFAULT 0xa0u
#define GIC_SPI_BASE     32u
#define GIC_MAX_INTID    1019u
#define GIC_INTID_MASK   0xffffffu
#define MPIDR_AFF_MASK   0xff00ffffffull /* Aff3 [39:32], Aff2..0 [23:0] */

/* System registers by encoding (older assemblers lack the GICv3 names). */
#define ICC_IAR1_EL1    "s3_0_c12_c12_0"
#define ICC_EOIR1_EL1   "s3_0_c12_c12_1"
#define ICC_BPR1_EL1    "s3_0_c12_c12_3"
#define ICC_CTLR_EL1    "s3_0_c12_c12_4"
#define ICC_SRE_EL1     "s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1 "s3_0_c12_c12_7"
#define ICC_PMR_EL1     "s3_0_c4_c6_0"
#define ICC_SGI1R_EL1   "s3_0_c12_c11_5"
#define ICC_SRE_EL2     "s3_4_c12_c9_5"
#define ICH_AP0R0_EL2   "s3_4_c12_c8_0"
#define ICH_AP1R0_EL2   "s3_4_c12_c9_0"
#define ICH_HCR_EL2     "s3_4_c12_c11_0"
#define ICH_VTR_EL2     "s3_4_c12_c11_1"
#define ICH_VMCR_EL2    "s3_4_c12_c11_7"
#define ICH_EISR_EL2    "s3_4_c12_c11_3"
#define ICH_ELRSR_EL2   "s3_4_c12_c11_5"
#define ICC_SRE_SRE     1u
#define ICC_SRE_DFB     2u
#define ICC_SRE_DIB     4u
#define ICC_SRE_ENABLE  8u
#define ICH_HCR_EN      1u

#define SR_READ(name)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " name : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define SR_WRITE(name, v) __asm__ volatile("msr " name ", %0" : : "r"((uint64_t)(v)))

static volatile uint8_t *gicd;
static uint32_t gic_timer_ppi;
/* Each core's SGI_base frame, set by its gicv3_init_core. */
static volatile uint8_t *gicr_sgi[PLAT_MAX_CORES];

static inline volatile uint32_t *reg32(volatile uint8_t *base, uint32_t off)
{
    return (volatile uint32_t *)(base + off);
}

static inline volatile uint64_t *reg64(volatile uint8_t *base, uint32_t off)
{
    return (volatile uint64_t *)(base + off);
}

/** Waits until a CTLR's register-write-pending bit clears (enable changes took effect). */
static void wait_rwp(volatile uint8_t *base, uint32_t bit)
{
    while (*reg32(base, 0) & bit)
        ;
}

/** Disables, un-pends, deactivates, groups and prioritises 32 INTIDs a frame holds. */
static void reset_block(volatile uint8_t *base, uint32_t first)
{
    *reg32(base, GICD_ICENABLER + first / 8) = ~0u;
    *reg32(base, GICD_ICPENDR + first / 8) = ~0u;
    *reg32(base, GICD_ICACTIVER + first / 8) = ~0u;
    *reg32(base, GICD_IGROUPR + first / 8) = ~0u; /* Group 1 */
    for (uint32_t i = first; i < first + 32; i++)
        base[GICD_IPRIORITYR + i] = GIC_PRIO_DEFAULT;
}

static uint64_t mpidr_affinity(uint64_t mpidr)
{
    return mpidr & MPIDR_AFF_MASK;
}

/** Distributor: SPIs off, Group 1, routed to core 0; affinity routing and Group 1 on. */
static void gicv3_init(const struct plat_info *p)
{
    gicd = pa_ptr(p->gicd);
    gic_timer_ppi = p->timer_hyp_ppi;
    *reg32(gicd, GICD_CTLR) = 0;
    wait_rwp(gicd, GICD_CTLR_RWP);
    uint32_t lines = 32u * ((*reg32(gicd, GICD_TYPER) & 0x1fu) + 1u);
    irqc_max_intid = lines - 1 > GIC_MAX_INTID ? GIC_MAX_INTID : lines - 1;
    for (uint32_t i = GIC_SPI_BASE; i <= irqc_max_intid; i += 32)
        reset_block(gicd, i);
    wait_rwp(gicd, GICD_CTLR_RWP);
    *reg32(gicd, GICD_CTLR) = GICD_CTLR_ARE;
    wait_rwp(gicd, GICD_CTLR_RWP);
    for (uint32_t i = GIC_SPI_BASE; i <= irqc_max_intid; i++)
        *reg64(gicd, GICD_IROUTER + i * 8) = mpidr_affinity(p->cpu_mpidr[0]);
    *reg32(gicd, GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_GRP1;
    wait_rwp(gicd, GICD_CTLR_RWP);
}

/** This core's redistributor (RD_base), or NULL: walks the frames to the Last one. */
static volatile uint8_t *find_redist(uint64_t aff)
{
    volatile uint8_t *rd = pa_ptr(plat.gicr);
    volatile uint8_t *end = rd + plat.gicr_size;
    while (rd < end) {
        uint64_t typer = *reg64(rd, GICR_TYPER);
        uint64_t raff = typer >> 32;
        if (((raff & 0xff000000u) << 8 | (raff & 0xffffffu)) == aff)
            return rd;
        if (typer & GICR_TYPER_LAST)
            break;
        rd += (typer & GICR_TYPER_VLPIS) ? GICR_STRIDE_VLPI : GICR_STRIDE;
    }
    return NULL;
}

/**
 * This core: its redistributor awake (12.11.44 GICR_WAKER handshake), SGIs and PPIs off but the
 * IPIs and the EL2 timer, CPU interface on (system registers for EL2 and EL1, Group 1).
 */
static void gicv3_init_core(void)
{
    uint32_t core = arch_core_index();
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    volatile uint8_t *rd = find_redist(mpidr_affinity(mpidr));
    if (!rd || core >= PLAT_MAX_CORES) /* no interrupts here: it must not run threads */
        kpanic("gicv3: core %u (MPIDR 0x%lx) has no redistributor in the DTB's GICR region", core,
               mpidr);
    *reg32(rd, GICR_WAKER) &= ~GICR_WAKER_SLEEP;
    while (*reg32(rd, GICR_WAKER) & GICR_WAKER_ASLP)
        ;
    volatile uint8_t *sgi = rd + GICR_SGI;
    gicr_sgi[core] = sgi;
    reset_block(sgi, 0);
    wait_rwp(rd, GICR_CTLR_RWP);
    *reg32(sgi, GICD_ISENABLER) =
        (1u << ARCH_IPI_RESCHEDULE) | (1u << ARCH_IPI_KICK) | (1u << (gic_timer_ppi & 31));

    SR_WRITE(ICC_SRE_EL2, SR_READ(ICC_SRE_EL2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
    __asm__ volatile("isb");
    SR_WRITE(ICC_SRE_EL1, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB); /* the guests' */
    SR_WRITE(ICC_PMR_EL1, 0xffu);
    SR_WRITE(ICC_BPR1_EL1, 0);
    SR_WRITE(ICC_CTLR_EL1, 0); /* EOImode 0 */
    SR_WRITE(ICC_IGRPEN1_EL1, 1);
    __asm__ volatile("isb");
}

/** ICC_IAR1_EL1: 1020..1023 mean nothing for us; ARCH_IRQ_SPURIOUS. */
static uint32_t gicv3_ack(void)
{
    uint32_t irq = (uint32_t)SR_READ(ICC_IAR1_EL1) & GIC_INTID_MASK;
    __asm__ volatile("dsb sy"); /* the acknowledge before the handler's reads */
    return irq >= 1020 && irq <= 1023 ? ARCH_IRQ_SPURIOUS : irq;
}

static void gicv3_eoi(uint32_t irq)
{
    SR_WRITE(ICC_EOIR1_EL1, irq);
    __asm__ volatile("isb");
}

/** The frame whose ISENABLER/ICENABLER hold `irq`: this core's for SGIs and PPIs. */
static volatile uint8_t *enable_frame(uint32_t irq)
{
    if (irq >= GIC_SPI_BASE)
        return gicd;
    uint32_t core = arch_core_index();
    return core < PLAT_MAX_CORES ? gicr_sgi[core] : NULL;
}

static void gicv3_enable(uint32_t irq)
{
    volatile uint8_t *f = enable_frame(irq);
    if (irq <= irqc_max_intid && f)
        *reg32(f, GICD_ISENABLER + (irq / 32) * 4) = 1u << (irq % 32);
}

static void gicv3_disable(uint32_t irq)
{
    volatile uint8_t *f = enable_frame(irq);
    if (irq <= irqc_max_intid && f)
        *reg32(f, GICD_ICENABLER + (irq / 32) * 4) = 1u << (irq % 32);
}

static void gicv3_set_target(uint32_t irq, uint32_t core)
{
    if (irq < GIC_SPI_BASE || irq > irqc_max_intid || core >= plat.cpu_count)
        return;
    *reg64(gicd, GICD_IROUTER + irq * 8) = mpidr_affinity(plat.cpu_mpidr[core]);
}

/**
 * ICC_SGI1R_EL1 (12.2.22): the target's Aff3.Aff2.Aff1, its Aff0 a TargetList bit (Aff0 < 16:
 * RS 0). The dsb makes the sender's memory writes visible first.
 */
static void gicv3_send_ipi(uint32_t core, uint32_t sgi)
{
    if (core >= plat.cpu_count || sgi > 15)
        return;
    uint64_t m = plat.cpu_mpidr[core];
    uint64_t aff0 = m & 0xffu, aff1 = (m >> 8) & 0xffu, aff2 = (m >> 16) & 0xffu,
             aff3 = (m >> 32) & 0xffu;
    if (aff0 >= 16)
        return;
    __asm__ volatile("dsb ish");
    SR_WRITE(ICC_SGI1R_EL1,
             (aff3 << 48) | (aff2 << 32) | ((uint64_t)sgi << 24) | (aff1 << 16) | (1ull << aff0));
    __asm__ volatile("isb");
}

/* ---------------- virtual CPU interface (ICH_*, 12.4) ---------------- */

#define LR_INTID_MASK  0xffffffffull
#define LR_EOI         (1ull << 41) /* with HW 0: maintenance at EOI */
#define LR_PRIO_SHIFT  48u
#define LR_GROUP       (1ull << 60)
#define LR_STATE_SHIFT 62u /* 1 pending, 2 active, as IRQC_LR_* */

/* ICH_LR<n>_EL2 is s3_4_c12_c<12 + n / 8>_<n % 8>, in the instruction: a case per n. */
#define LR_OP2(X, crm)                                                                             \
    X(crm, 0) X(crm, 1) X(crm, 2) X(crm, 3) X(crm, 4) X(crm, 5) X(crm, 6) X(crm, 7)
#define LR_CASE_READ(crm, op2)                                                                     \
    case (crm - 12) * 8 + op2:                                                                     \
        return SR_READ("s3_4_c12_c" #crm "_" #op2);
#define LR_CASE_WRITE(crm, op2)                                                                    \
    case (crm - 12) * 8 + op2:                                                                     \
        SR_WRITE("s3_4_c12_c" #crm "_" #op2, v);                                                   \
        break;

static uint64_t lr_read(uint32_t n)
{
    switch (n) {
        LR_OP2(LR_CASE_READ, 12)
        LR_OP2(LR_CASE_READ, 13)
    default:
        return 0;
    }
}

static void lr_write(uint32_t n, uint64_t v)
{
    switch (n) {
        LR_OP2(LR_CASE_WRITE, 12)
        LR_OP2(LR_CASE_WRITE, 13)
    default:
        break;
    }
}

static uint64_t lr_encode(const struct irqc_lr *lr)
{
    return lr->intid | (uint64_t)lr->prio << LR_PRIO_SHIFT |
           (uint64_t)(lr->state & 3u) << LR_STATE_SHIFT | ((lr->flags & IRQC_LR_EOI) ? LR_EOI : 0) |
           ((lr->flags & IRQC_LR_GROUP1) ? LR_GROUP : 0);
}

static uint32_t gicv3_vif_lr_count(void)
{
    return (uint32_t)(SR_READ(ICH_VTR_EL2) & 0x1fu) + 1;
}

static void gicv3_vif_init_core(void)
{
    SR_WRITE(ICH_HCR_EL2, 0);
    for (uint32_t i = 0; i < gicv3_vif_lr_count(); i++)
        lr_write(i, 0);
    __asm__ volatile("isb");
}

static void gicv3_vif_save(struct irqc_lr *lr, uint32_t n, struct irqc_vif *s)
{
    s->vmcr = SR_READ(ICH_VMCR_EL2);
    s->apr = (SR_READ(ICH_AP0R0_EL2) & 0xffffffffu) | SR_READ(ICH_AP1R0_EL2) << 32;
    uint64_t empty = SR_READ(ICH_ELRSR_EL2), eoi = SR_READ(ICH_EISR_EL2);
    for (uint32_t i = 0; i < n; i++) {
        if (empty & (1u << i)) { /* as gicv2_vif_save: only its EOI matters */
            lr[i] = (struct irqc_lr){.flags = (eoi & (1u << i)) ? IRQC_LR_EOI : 0};
            continue;
        }
        uint64_t raw = lr_read(i);
        lr[i].intid = (uint32_t)(raw & LR_INTID_MASK);
        lr[i].src = 0;
        lr[i].prio = (uint8_t)(raw >> LR_PRIO_SHIFT);
        lr[i].state = (uint8_t)(raw >> LR_STATE_SHIFT);
        lr[i].flags =
            (uint8_t)(((raw & LR_EOI) ? IRQC_LR_EOI : 0) | ((raw & LR_GROUP) ? IRQC_LR_GROUP1 : 0));
    }
    SR_WRITE(ICH_HCR_EL2, 0);
    __asm__ volatile("isb");
}

static void gicv3_vif_restore(const struct irqc_lr *lr, uint32_t n, const struct irqc_vif *s)
{
    SR_WRITE(ICH_VMCR_EL2, s->vmcr);
    SR_WRITE(ICH_AP0R0_EL2, s->apr & 0xffffffffu);
    SR_WRITE(ICH_AP1R0_EL2, s->apr >> 32);
    for (uint32_t i = 0; i < n; i++)
        lr_write(i, lr[i].state || lr[i].flags ? lr_encode(&lr[i]) : 0);
    SR_WRITE(ICH_HCR_EL2, ICH_HCR_EN);
    __asm__ volatile("isb");
}

static void gicv3_vif_set_lr(uint32_t i, const struct irqc_lr *lr)
{
    lr_write(i, lr_encode(lr));
}

const struct irqc_ops irqc_gicv3 = {
    .version = 3,
    .init = gicv3_init,
    .init_core = gicv3_init_core,
    .ack = gicv3_ack,
    .eoi = gicv3_eoi,
    .enable = gicv3_enable,
    .disable = gicv3_disable,
    .set_target = gicv3_set_target,
    .send_ipi = gicv3_send_ipi,
    .vif_lr_count = gicv3_vif_lr_count,
    .vif_init_core = gicv3_vif_init_core,
    .vif_save = gicv3_vif_save,
    .vif_restore = gicv3_vif_restore,
    .vif_set_lr = gicv3_vif_set_lr,
};
