/*
 * GICv3 (IHI 0069) as the guest sees it: the distributor's own registers,
 * one redistributor per vCPU, and SGIs sent through ICC_SGI1R_EL1. No ITS,
 * no LPIs; one security state (GICD_CTLR.DS = 1), so GICD_NSACR and the
 * IGRPMODR registers are RAZ/WI; affinity routing always on (ARE RAO/WI),
 * so the distributor's ITARGETSR, SGIR, [CS]PENDSGIR and the words of its
 * per-interrupt registers for INTIDs 0..31 are RAZ/WI, and SPIs are routed
 * by GICD_IROUTER. vCPU k has affinity 0.0.0.k. The per-interrupt
 * registers are vgic_regs.c's.
 */
#include "vgic_internal.h"

#define CTLR_ENABLE_GRPS 0x3u      /* EnableGrp0 [0], EnableGrp1 [1] */
#define CTLR_ARE         (1u << 4) /* affinity routing: RAO/WI */
#define CTLR_DS          (1u << 6) /* security disabled: RAO/WI */

#define TYPER_IDBITS 9u /* GICD_TYPER.IDbits: 10 INTID bits (no LPIs) */

#define IROUTER_AFF0  0xffull
#define IROUTER_AFF12 0xffff00ull     /* Aff1 [15:8], Aff2 [23:16] */
#define IROUTER_IRM   (1ull << 31)    /* 1 of N */
#define IROUTER_AFF3  (0xffull << 32) /* Aff3 [39:32] */
#define IROUTER_MASK  (IROUTER_AFF0 | IROUTER_AFF12 | IROUTER_IRM | IROUTER_AFF3)

#define RTYPER_LAST (1u << 4) /* GICR_TYPER.Last: the region's last redistributor */

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

#define SGI1R_TARGETS     0xffffull
#define SGI1R_AFF1        (0xffull << 16)
#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF2        (0xffull << 32)
#define SGI1R_IRM         (1ull << 40)
#define SGI1R_RS          (0xfull << 44)
#define SGI1R_AFF3        (0xffull << 48)

/* ---- distributor ---- */

/** GICD_CTLR (single security state view): RWP [31] reads 0, nothing is ever pending. */
static uint32_t rd_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return v->ctlr | CTLR_ARE | CTLR_DS;
}

static void wr_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)c, (void)off, (void)w;
    v->ctlr = val & CTLR_ENABLE_GRPS;
    v->private_gen++;
}

/*
 * GICD_TYPER: ITLinesNumber [4:0], IDbits [23:19]. CPUNumber [7:5] is 0 as
 * there is no legacy (ARE = 0) operation; no SecurityExtn, MBIS, LPIS, DVIS,
 * A3V (Aff3 is 0 for every vCPU), RSS (TargetList covers Aff0 0..15).
 */
static uint32_t rd_typer(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return (v->irq_count / 32u - 1u) | (TYPER_IDBITS << 19);
}

/** The vCPUs an SPI routed by `r` (a GICD_IROUTER value) goes to: see vgic_dist_access. */
static uint8_t route_targets(const struct vgic *v, uint64_t r)
{
    if (r & IROUTER_IRM)
        return 1u;
    if ((r & (IROUTER_AFF12 | IROUTER_AFF3)) || (r & IROUTER_AFF0) >= v->vcpu_count)
        return 0;
    return (uint8_t)(1u << (r & IROUTER_AFF0));
}

/** GICD_IROUTER<n> at 8n, its words read separately: off / 8 is the INTID (32..). */
static uint32_t rd_irouter(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)w;
    return (uint32_t)(v->irouter[off / 8u - VGIC_NR_PRIVATE] >> (off % 8u * 8u));
}

/** Stores one word of GICD_IROUTER<n> (RES0 bits dropped) and reroutes SPI n. */
static void wr_irouter(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    unsigned spi = off / 8u - VGIC_NR_PRIVATE;
    unsigned shift = off % 8u * 8u;
    uint64_t r = v->irouter[spi] & ~(0xffffffffull << shift);

    (void)c, (void)w;
    r = (r | (uint64_t)val << shift) & IROUTER_MASK;
    v->irouter[spi] = r;
    v->spi[spi].targets = route_targets(v, r);
}

/* Besides the per-interrupt blocks 0x080..0x800 and 0xC00..0xD00; sorted by base (vgic_regs.c
 * find_in). */
static const struct vgic_reg v3_dist_regs[] = {
    {0x0000, 0x0004, VGIC_W32, 0, rd_ctlr, wr_ctlr, NULL},
    {0x0004, 0x0008, VGIC_W32, 0, rd_typer, NULL, NULL},
    {0x0008, 0x000c, VGIC_W32, 0, vgic_regs_iidr, NULL, NULL},
    {0x000c, 0x0010, VGIC_W32, 0, NULL, NULL, NULL},           /* TYPER2: no GICv4.1 */
    {0x0010, 0x0014, VGIC_W32, 0, NULL, NULL, NULL},           /* STATUSR: no errors */
    {0x0800, 0x0c00, VGIC_W8 | VGIC_W32, 0, NULL, NULL, NULL}, /* ITARGETSR: ARE */
    {0x0d00, 0x0d80, VGIC_W32, 0, NULL, NULL, NULL},           /* IGRPMODR: DS */
    {0x0e00, 0x0f00, VGIC_W32, 0, NULL, NULL, NULL},           /* NSACR: DS */
    {0x0f00, 0x0f04, VGIC_W32, 0, NULL, NULL,
     "GICD_SGIR with affinity routing (RAZ/WI): SGIs go through ICC_SGI1R_EL1"},
    {0x0f10, 0x0f30, VGIC_W8 | VGIC_W32, 0, NULL, NULL, NULL}, /* [CS]PENDSGIR: ARE */
    {0x6000, 0x7fe0, VGIC_W32 | VGIC_W64, 64, rd_irouter, wr_irouter, NULL},
    {0xffd0, 0x10000, VGIC_W32, 0, vgic_regs_id, NULL, NULL},
};

const struct vgic_regmap vgic_v3_dist_map = {
    .regs = v3_dist_regs,
    .count = sizeof(v3_dist_regs) / sizeof(v3_dist_regs[0]),
    .irq_block = 0,
    .intids = VGIC_INTIDS_SPI,
    .log_base = 0,
    .reserved = "reserved distributor offset (RAZ/WI)",
};

/* ---- redistributors: offsets from a vCPU's RD_base, SGI_base at 0x10000 ---- */

/**
 * GICR_TYPER of vCPU c's redistributor: Affinity_Value [63:32] = 0.0.0.c,
 * Processor_Number [23:8] = c, Last [4] on the last vCPU's; no PLPIS or
 * VLPIS (so Linux steps 128 KiB to the next one), PPInum 0 (PPIs 16..31).
 */
static uint32_t rd_rtyper(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)w;
    if (off != 0)
        return c;
    return (c << 8) | (c + 1u == v->vcpu_count ? RTYPER_LAST : 0);
}

/*
 * GICR_WAKER: ProcessorSleep is kept; ChildrenAsleep follows it at once
 * (nothing to quiesce). A sleeping redistributor still gets its interrupts
 * delivered: its vCPU is not powered down by this, only by PSCI.
 */
static uint32_t rd_waker(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)off, (void)w;
    return v->vcpu[c].asleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
}

static void wr_waker(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)off, (void)w;
    v->vcpu[c].asleep = (val & WAKER_PROCESSOR_SLEEP) != 0;
}

/* Besides the per-interrupt blocks (INTIDs 0..31 only) of SGI_base; sorted by base (vgic_regs.c
 * find_in). */
static const struct vgic_reg redist_regs[] = {
    {0x00000, 0x00004, VGIC_W32, 0, NULL, NULL, NULL}, /* CTLR: no LPIs, RWP 0 */
    {0x00004, 0x00008, VGIC_W32, 0, vgic_regs_iidr, NULL, NULL},
    {0x00008, 0x00010, VGIC_W32 | VGIC_W64, 0, rd_rtyper, NULL, NULL},
    {0x00010, 0x00014, VGIC_W32, 0, NULL, NULL, NULL}, /* STATUSR: no errors */
    {0x00014, 0x00018, VGIC_W32, 0, rd_waker, wr_waker, NULL},
    {0x0ffd0, 0x10000, VGIC_W32, 0, vgic_regs_id, NULL, NULL},
    {0x10d00, 0x10d04, VGIC_W32, 0, NULL, NULL, NULL}, /* IGRPMODR0: DS */
    {0x10e00, 0x10e04, VGIC_W32, 0, NULL, NULL, NULL}, /* NSACR: DS */
};

static const struct vgic_regmap redist_map = {
    .regs = redist_regs,
    .count = sizeof(redist_regs) / sizeof(redist_regs[0]),
    .irq_block = 0x10000,
    .intids = VGIC_INTIDS_PRIVATE,
    .log_base = VGIC_DIST_FRAME / 4u,
    .reserved = "reserved redistributor offset (RAZ/WI)",
};

enum vgic_result vgic_redist_access(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned width,
                                    bool write, uint64_t *value)
{
    static const char *const frames[] = {"GICR0", "GICR1", "GICR2", "GICR3",
                                         "GICR4", "GICR5", "GICR6", "GICR7"};
    _Static_assert(sizeof(frames) / sizeof(frames[0]) == VGIC_MAX_VCPUS, "a name per vCPU");

    if (!write)
        *value = 0;
    if (v->version != VGIC_V3)
        return VGIC_BAD_OFFSET;
    if (vcpu >= v->vcpu_count)
        return VGIC_BAD_VCPU;
    if (offset >= (uint64_t)v->vcpu_count * VGIC_REDIST_STRIDE)
        return VGIC_BAD_OFFSET;
    unsigned k = (unsigned)(offset / VGIC_REDIST_STRIDE);
    const struct vgic_access a = {vcpu,  k,     frames[k], offset % VGIC_REDIST_STRIDE,
                                  width, write, value};
    return vgic_regs_access(v, &redist_map, &a);
}

/* ---- ICC_SGI1R_EL1 ---- */

/** The vCPUs an ICC_SGI1R_EL1 value from `vcpu` names (see vgic.h). */
static uint32_t sgi1r_targets(const struct vgic *v, unsigned vcpu, uint64_t val)
{
    if (val & SGI1R_IRM)
        return vgic_cpu_mask(v) & ~(1u << vcpu);
    if (val & (SGI1R_AFF1 | SGI1R_AFF2 | SGI1R_AFF3 | SGI1R_RS))
        return 0;
    return (uint32_t)(val & SGI1R_TARGETS) & vgic_cpu_mask(v);
}

enum vgic_result vgic_sgi1r_write(struct vgic *v, unsigned vcpu, uint64_t value)
{
    if (v->version != VGIC_V3)
        return VGIC_BAD_CONFIG;
    if (vcpu >= v->vcpu_count)
        return VGIC_BAD_VCPU;
    unsigned id = (unsigned)(value >> SGI1R_INTID_SHIFT) & 0xfu;
    uint32_t targets = sgi1r_targets(v, vcpu, value);
    for (unsigned t = 0; t < v->vcpu_count; t++) {
        if (targets & (1u << t)) {
            v->vcpu[t].sgi_src[id] = 1u; /* no source: one pending SGI however many sent it */
            vgic_pending_update(v, t, id);
        }
    }
    return VGIC_OK;
}
