/*
 * GICv2 driver (ARM IHI 0048B): the physical interrupts and the virtual CPU interface (5.3).
 *
 * All interrupts are Group 0, signalled as IRQ: no Security Extensions are visible to us, and
 * GICC_CTLR.FIQEn = 0 keeps Group 0 on the IRQ line (4.4.1). EOImode 0: one GICC_EOIR write
 * drops priority and deactivates (4.4.5).
 *
 * A core's CPU interface mask (ITARGETSR, SGI target list) is read from the banked
 * GICD_ITARGETSR0..7 (4.3.12) in init_core; until then interface n == core n, as QEMU wires it.
 *
 * Locking: none. The per-INTID registers are set/clear registers or byte-accessible fields,
 * so cores never read-modify-write a word another core might change.
 */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/core.h>
#include <kernel/irqc.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_SGIR       0xf00

#define GICC_CTLR 0x000
#define GICC_PMR  0x004
#define GICC_BPR  0x008
#define GICC_IAR  0x00c
#define GICC_EOIR 0x010

#define GIC_CTLR_ENABLE  1u
#define GIC_PRIO_DEFAULT 0xa0u
#define GIC_PMR_ALL      0xffu
#define GIC_INTID_MASK   0x3ffu
#define GIC_SPI_BASE     32u
#define GIC_MAX_INTID    1019u

static volatile uint8_t *gicd;
static volatile uint8_t *gicc;
static uint32_t gic_timer_ppi;
static uint8_t gic_cpuif_mask[PLAT_MAX_CORES];
/* GICC_IAR of the SGI each core acknowledged last: its EOI must echo the source. */
static uint32_t gic_sgi_iar[PLAT_MAX_CORES];

static inline volatile uint32_t *gicd_reg(uint32_t off)
{
    return (volatile uint32_t *)(gicd + off);
}

static inline volatile uint32_t *gicc_reg(uint32_t off)
{
    return (volatile uint32_t *)(gicc + off);
}

/** Disables, un-pends, deactivates and prioritises INTIDs [first, last]. */
static void gic_reset_range(uint32_t first, uint32_t last)
{
    for (uint32_t i = first; i <= last; i += 32) {
        *gicd_reg(GICD_ICENABLER + i / 8) = ~0u;
        *gicd_reg(GICD_ICPENDR + i / 8) = ~0u;
        *gicd_reg(GICD_ICACTIVER + i / 8) = ~0u;
        *gicd_reg(GICD_IGROUPR + i / 8) = 0;
    }
    for (uint32_t i = first; i <= last; i++)
        gicd[GICD_IPRIORITYR + i] = GIC_PRIO_DEFAULT;
}

/** Distributor (4.3): every SPI off, Group 0, default priority, to core 0; boot core first. */
static void gicv2_init(const struct plat_info *p)
{
    gicd = pa_ptr(p->gicd);
    gicc = pa_ptr(p->gicc);
    gic_timer_ppi = p->timer_hyp_ppi;
    for (uint32_t i = 0; i < PLAT_MAX_CORES; i++)
        gic_cpuif_mask[i] = (uint8_t)(1u << i);

    *gicd_reg(GICD_CTLR) = 0;
    uint32_t lines = 32u * ((*gicd_reg(GICD_TYPER) & 0x1fu) + 1u);
    irqc_max_intid = lines - 1 > GIC_MAX_INTID ? GIC_MAX_INTID : lines - 1;
    gic_reset_range(GIC_SPI_BASE, irqc_max_intid);
    for (uint32_t i = GIC_SPI_BASE; i <= irqc_max_intid; i++)
        gicd[GICD_ITARGETSR + i] = gic_cpuif_mask[0];
    *gicd_reg(GICD_CTLR) = GIC_CTLR_ENABLE;
}

/** First non-zero byte of the banked GICD_ITARGETSR0..7: this core's interface mask. */
static uint8_t gic_own_mask(void)
{
    for (uint32_t i = 0; i < 32; i++) {
        uint8_t m = gicd[GICD_ITARGETSR + i];
        if (m)
            return m;
    }
    return 0;
}

/** This core's banked SGIs/PPIs and CPU interface (4.4): all off but the IPIs and timer PPI. */
static void gicv2_init_core(void)
{
    uint32_t core = arch_core_index();
    uint8_t mask = gic_own_mask();
    if (core < PLAT_MAX_CORES && mask)
        gic_cpuif_mask[core] = mask;

    gic_reset_range(0, 31);
    *gicd_reg(GICD_ISENABLER) =
        (1u << ARCH_IPI_RESCHEDULE) | (1u << ARCH_IPI_KICK) | (1u << (gic_timer_ppi & 31));

    *gicc_reg(GICC_PMR) = GIC_PMR_ALL;
    *gicc_reg(GICC_BPR) = 0;
    *gicc_reg(GICC_CTLR) = GIC_CTLR_ENABLE;
}

/** Reads GICC_IAR (4.4.4). For SGIs the source core is kept for the EOI. */
static uint32_t gicv2_ack(void)
{
    uint32_t iar = *gicc_reg(GICC_IAR);
    uint32_t irq = iar & GIC_INTID_MASK;
    uint32_t core = arch_core_index();
    if (irq < 16 && core < PLAT_MAX_CORES)
        gic_sgi_iar[core] = iar;
    return irq;
}

static void gicv2_eoi(uint32_t irq)
{
    uint32_t core = arch_core_index();
    if (irq < 16 && core < PLAT_MAX_CORES && (gic_sgi_iar[core] & GIC_INTID_MASK) == irq)
        irq = gic_sgi_iar[core];
    *gicc_reg(GICC_EOIR) = irq;
}

static void gicv2_enable(uint32_t irq)
{
    if (irq <= irqc_max_intid)
        *gicd_reg(GICD_ISENABLER + (irq / 32) * 4) = 1u << (irq % 32);
}

static void gicv2_disable(uint32_t irq)
{
    if (irq <= irqc_max_intid)
        *gicd_reg(GICD_ICENABLER + (irq / 32) * 4) = 1u << (irq % 32);
}

/** GICD_ITARGETSR is byte-accessible (4.3.12); SGI/PPI targets are read-only. */
static void gicv2_set_target(uint32_t irq, uint32_t core)
{
    if (irq < GIC_SPI_BASE || irq > irqc_max_intid || core >= PLAT_MAX_CORES)
        return;
    gicd[GICD_ITARGETSR + irq] = gic_cpuif_mask[core];
}

/** GICD_SGIR (4.3.15), TargetListFilter 0; the dsb makes earlier writes visible first. */
static void gicv2_send_ipi(uint32_t core, uint32_t sgi)
{
    if (core >= PLAT_MAX_CORES || sgi > 15)
        return;
    dsb(ish);
    *gicd_reg(GICD_SGIR) = ((uint32_t)gic_cpuif_mask[core] << 16) | sgi;
}

/* ---------------- virtual CPU interface (5.3) ---------------- */

#define GICH_HCR       0x000u
#define GICH_VTR       0x004u
#define GICH_VMCR      0x008u
#define GICH_EISR0     0x020u /* LRs EOI'd with a maintenance request */
#define GICH_ELRSR0    0x030u /* LRs holding no interrupt */
#define GICH_APR       0x0f0u
#define GICH_LR0       0x100u
#define GICH_HCR_EN    1u
#define LR_VIRQ_MASK   0x3ffu
#define LR_CPUID_SHIFT 10u
#define LR_EOI         BIT(19)
#define LR_PRIO_SHIFT  23u /* five bits: priority [7:3] */
#define LR_STATE_SHIFT 28u /* 1 pending, 2 active, as IRQC_LR_* */
#define LR_GRP1        BIT(30)

static volatile uint32_t *gich(uint32_t off)
{
    return (volatile uint32_t *)(uintptr_t)(plat.gich.v + off);
}

static uint32_t gicv2_vif_lr_count(void)
{
    return (*gich(GICH_VTR) & 0x3fu) + 1;
}

static void gicv2_vif_init_core(void)
{
    *gich(GICH_HCR) = 0;
}

static void lr_decode(uint32_t raw, struct irqc_lr *lr)
{
    lr->intid = raw & LR_VIRQ_MASK;
    lr->src = (uint8_t)((raw >> LR_CPUID_SHIFT) & 7u);
    lr->prio = (uint8_t)(((raw >> LR_PRIO_SHIFT) & 0x1fu) << 3);
    lr->state = (uint8_t)((raw >> LR_STATE_SHIFT) & 3u);
    lr->flags =
        (uint8_t)(((raw & LR_EOI) ? IRQC_LR_EOI : 0) | ((raw & LR_GRP1) ? IRQC_LR_GROUP1 : 0));
}

static uint32_t lr_encode(const struct irqc_lr *lr)
{
    return (lr->intid & LR_VIRQ_MASK) | ((uint32_t)(lr->src & 7u) << LR_CPUID_SHIFT) |
           ((uint32_t)(lr->prio >> 3) << LR_PRIO_SHIFT) | ((uint32_t)lr->state << LR_STATE_SHIFT) |
           ((lr->flags & IRQC_LR_EOI) ? LR_EOI : 0) | ((lr->flags & IRQC_LR_GROUP1) ? LR_GRP1 : 0);
}

/* An empty LR (GICH_ELRSR) is not read, only whether it was EOI'd with a maintenance request
 * (GICH_EISR), which vcpu.c collects. Most exits find every LR empty. */
static void gicv2_vif_save(struct irqc_lr *lr, uint32_t n, struct irqc_vif *s)
{
    uint32_t empty = *gich(GICH_ELRSR0), eoi = *gich(GICH_EISR0);
    s->vmcr = *gich(GICH_VMCR);
    s->apr = *gich(GICH_APR);
    for (uint32_t i = 0; i < n; i++) {
        if (empty & (1u << i))
            lr[i] = (struct irqc_lr){.flags = (eoi & (1u << i)) ? IRQC_LR_EOI : 0};
        else
            lr_decode(gich(GICH_LR0)[i], &lr[i]);
    }
    *gich(GICH_HCR) = 0;
}

static void gicv2_vif_restore(const struct irqc_lr *lr, uint32_t n, const struct irqc_vif *s)
{
    *gich(GICH_VMCR) = (uint32_t)s->vmcr;
    *gich(GICH_APR) = (uint32_t)s->apr;
    for (uint32_t i = 0; i < n; i++)
        gich(GICH_LR0)[i] = lr[i].state || lr[i].flags ? lr_encode(&lr[i]) : 0;
    *gich(GICH_HCR) = GICH_HCR_EN;
}

static void gicv2_vif_set_lr(uint32_t i, const struct irqc_lr *lr)
{
    gich(GICH_LR0)[i] = lr_encode(lr);
}

const struct irqc_ops irqc_gicv2 = {
    .version = 2,
    .init = gicv2_init,
    .init_core = gicv2_init_core,
    .ack = gicv2_ack,
    .eoi = gicv2_eoi,
    .enable = gicv2_enable,
    .disable = gicv2_disable,
    .set_target = gicv2_set_target,
    .send_ipi = gicv2_send_ipi,
    .vif_lr_count = gicv2_vif_lr_count,
    .vif_init_core = gicv2_vif_init_core,
    .vif_save = gicv2_vif_save,
    .vif_restore = gicv2_vif_restore,
    .vif_set_lr = gicv2_vif_set_lr,
};
