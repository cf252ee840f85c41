/*
 * The GICv2 distributor's own registers, and the distributor entry point
 * for both versions. GICv2 architecture specification (IHI 0048B) 4.1.2
 * (register map), 4.1.4 (access sizes), 4.3 (register descriptions). The
 * VM sees a GIC without the Security Extensions: GICD_CTLR has
 * EnableGrp0/EnableGrp1 and GICD_IGROUPR is read/write (4.3.1, 4.3.4).
 * The per-interrupt registers are vgic_regs.c's; GICv3 is vgic_v3.c.
 */
#include "vgic_internal.h"

static uint32_t rd_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return v->ctlr;
}

static void wr_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)c, (void)off, (void)w;
    v->ctlr = val & 3u;
    v->private_gen++;
}

/** ITLinesNumber [4:0], CPUNumber [7:5], no Security Extensions (4.3.2). */
static uint32_t rd_typer(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return (v->irq_count / 32u - 1u) | ((v->vcpu_count - 1u) << 5);
}

/** SGIs/PPIs read the accessing CPU's bit; SPIs their stored targets (4.3.12). */
static uint32_t rd_targets(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < w; i++) {
        const struct vgic_irq *irq = vgic_irq_peek(v, c, off + i);
        uint32_t t = off + i < VGIC_NR_PRIVATE ? 1u << c : (irq ? irq->targets : 0);
        val |= irq ? t << (8 * i) : 0;
    }
    return val;
}

/** SGI/PPI bytes are read-only; SPI targets are limited to existing vCPUs. */
static void wr_targets(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    for (unsigned i = 0; i < w; i++) {
        struct vgic_irq *irq = vgic_irq_get(v, c, off + i);
        if (irq && off + i >= VGIC_NR_PRIVATE)
            irq->targets = (uint8_t)((val >> (8 * i)) & vgic_cpu_mask(v));
    }
}

/** GICD_SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0] (4.3.15). */
static void wr_sgir(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    unsigned id = val & 0xfu;
    uint32_t targets;

    (void)off, (void)w;
    switch ((val >> 24) & 3u) {
    case 0:
        targets = (val >> 16) & 0xffu;
        break;
    case 1:
        targets = ~(1u << c);
        break;
    case 2:
        targets = 1u << c;
        break;
    default:
        return; /* reserved filter value: no SGI */
    }
    targets &= vgic_cpu_mask(v);
    for (unsigned t = 0; t < v->vcpu_count; t++) {
        if (targets & (1u << t)) {
            v->vcpu[t].sgi_src[id] |= (uint8_t)(1u << c);
            vgic_pending_update(v, t, id);
        }
    }
}

/** GICD_[CS]PENDSGIR byte n: source CPUs with SGI n pending (4.3.16, 4.3.17). */
static uint32_t rd_sgi_pend(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < w; i++)
        val |= (uint32_t)v->vcpu[c].sgi_src[off + i] << (8 * i);
    return val;
}

static void wr_sgi_setpend(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    for (unsigned i = 0; i < w; i++) {
        v->vcpu[c].sgi_src[off + i] |= (uint8_t)((val >> (8 * i)) & vgic_cpu_mask(v));
        vgic_pending_update(v, c, off + i);
    }
}

static void wr_sgi_clrpend(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    for (unsigned i = 0; i < w; i++) {
        v->vcpu[c].sgi_src[off + i] &= (uint8_t) ~(val >> (8 * i));
        vgic_pending_update(v, c, off + i);
    }
}

/* Besides the per-interrupt blocks 0x080..0x800 and 0xC00..0xD00; sorted by base (vgic_regs.c
 * find_in). */
static const struct vgic_reg v2_regs[] = {
    {0x000, 0x004, VGIC_W32, 0, rd_ctlr, wr_ctlr, NULL},
    {0x004, 0x008, VGIC_W32, 0, rd_typer, NULL, NULL},
    {0x008, 0x00c, VGIC_W32, 0, vgic_regs_iidr, NULL, NULL},
    {0x800, 0xc00, VGIC_W8 | VGIC_W32, 8, rd_targets, wr_targets, NULL},
    {0xf00, 0xf04, VGIC_W32, 0, NULL, wr_sgir, NULL},
    {0xf10, 0xf20, VGIC_W8 | VGIC_W32, 0, rd_sgi_pend, wr_sgi_clrpend, NULL},
    {0xf20, 0xf30, VGIC_W8 | VGIC_W32, 0, rd_sgi_pend, wr_sgi_setpend, NULL},
    {0xfd0, 0x1000, VGIC_W32, 0, vgic_regs_id, NULL, NULL},
};

static const struct vgic_regmap v2_map = {
    .regs = v2_regs,
    .count = sizeof(v2_regs) / sizeof(v2_regs[0]),
    .irq_block = 0,
    .intids = VGIC_INTIDS_ALL,
    .log_base = 0,
    .reserved = "reserved distributor offset (RAZ/WI)",
};

/** Decode (checks every argument, logs once) then invoke. */
enum vgic_result vgic_dist_access(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned width,
                                  bool write, uint64_t *value)
{
    const struct vgic_access a = {vcpu, vcpu, "GICD", offset, width, write, value};

    if (!write)
        *value = 0;
    if (vcpu >= v->vcpu_count)
        return VGIC_BAD_VCPU;
    if (offset >= VGIC_DIST_FRAME)
        return VGIC_BAD_OFFSET;
    return vgic_regs_access(v, v->version == VGIC_V3 ? &vgic_v3_dist_map : &v2_map, &a);
}
