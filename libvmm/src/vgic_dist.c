/*
 * The GICv2 distributor register map as a table of offset ranges and
 * handlers. GICv2 architecture specification (IHI 0048B) 4.1.2 (register
 * map), 4.1.4 (access sizes: word everywhere, bytes also for IPRIORITYR,
 * ITARGETSR, CPENDSGIR and SPENDSGIR), 4.3 (register descriptions).
 * The VM sees a GIC without the Security Extensions: GICD_CTLR has
 * EnableGrp0/EnableGrp1 and GICD_IGROUPR is read/write (4.3.1, 4.3.4).
 */
#include <stddef.h>

#include "vgic_internal.h"

#define W8  0x1u /* byte accesses allowed */
#define W32 0x4u /* word accesses allowed */

/** Implementer Arm (JEP106 0x43B), product 0, revision 0: GICD_IIDR (4.3.3). */
#define VGIC_IIDR 0x0000043Bu

typedef uint32_t (*vgic_read_fn)(struct vgic *v, unsigned vcpu, uint32_t off, unsigned width);
typedef void (*vgic_write_fn)(struct vgic *v, unsigned vcpu, uint32_t off, unsigned width,
                              uint32_t val);

/** One register block: [base, end), allowed widths, handlers. */
struct vgic_reg {
    uint16_t base;
    uint16_t end;
    uint8_t widths;
    uint8_t bits_per_irq; /* 0: not indexed by INTID */
    vgic_read_fn read;    /* NULL: reads as zero (write-only register) */
    vgic_write_fn write;  /* NULL: writes ignored (read-only register) */
};

/* ---- bit-per-interrupt registers (word access only) ---- */

typedef bool (*bit_get_fn)(const struct vgic *v, unsigned vcpu, unsigned intid);
typedef void (*bit_set_fn)(struct vgic *v, unsigned vcpu, unsigned intid);

/** Collects one bit per INTID for the 32 INTIDs of register word `off`. */
static uint32_t read_bits(struct vgic *v, unsigned vcpu, uint32_t off, bit_get_fn get)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < 32; i++) {
        unsigned id = off * 8u + i;
        if (vgic_irq_peek(v, vcpu, id) && get(v, vcpu, id))
            val |= 1u << i;
    }
    return val;
}

/** Applies `set` to every INTID whose bit is 1 in `val` (set/clear registers). */
static void write_bits(struct vgic *v, unsigned vcpu, uint32_t off, uint32_t val, bit_set_fn set)
{
    for (unsigned i = 0; i < 32; i++) {
        unsigned id = off * 8u + i;
        if ((val & (1u << i)) && vgic_irq_peek(v, vcpu, id))
            set(v, vcpu, id);
    }
}

static bool flag_is(const struct vgic *v, unsigned vcpu, unsigned id, unsigned f)
{
    return (vgic_irq_peek(v, vcpu, id)->flags & f) != 0;
}

static void flag_set(struct vgic *v, unsigned vcpu, unsigned id, unsigned f, bool on)
{
    struct vgic_irq *irq = vgic_irq_get(v, vcpu, id);
    irq->flags = (uint8_t)(on ? (irq->flags | f) : (irq->flags & ~f));
}

static bool get_group(const struct vgic *v, unsigned c, unsigned id)
{
    return flag_is(v, c, id, VGIC_IRQ_GROUP1);
}

static bool get_enabled(const struct vgic *v, unsigned c, unsigned id)
{
    return flag_is(v, c, id, VGIC_IRQ_ENABLED);
}

/** Active as far as the distributor knows: set by ISACTIVER, or in an LR. */
static bool get_active(const struct vgic *v, unsigned c, unsigned id)
{
    return flag_is(v, c, id, VGIC_IRQ_ACTIVE | VGIC_IRQ_IN_LR);
}

static void set_enabled(struct vgic *v, unsigned c, unsigned id)
{
    flag_set(v, c, id, VGIC_IRQ_ENABLED, true);
}

static void clear_enabled(struct vgic *v, unsigned c, unsigned id)
{
    flag_set(v, c, id, VGIC_IRQ_ENABLED, false);
}

/** SGI pending bits are read-only here: SPENDSGIR sets them (4.3.7). */
static void set_pending(struct vgic *v, unsigned c, unsigned id)
{
    if (id >= VGIC_NR_SGIS)
        flag_set(v, c, id, VGIC_IRQ_LATCH, true);
}

/** A level interrupt whose line is high stays pending (4.3.8). */
static void clear_pending(struct vgic *v, unsigned c, unsigned id)
{
    if (id >= VGIC_NR_SGIS)
        flag_set(v, c, id, VGIC_IRQ_LATCH, false);
}

static void set_active(struct vgic *v, unsigned c, unsigned id)
{
    flag_set(v, c, id, VGIC_IRQ_ACTIVE, true);
}

static void clear_active(struct vgic *v, unsigned c, unsigned id)
{
    flag_set(v, c, id, VGIC_IRQ_ACTIVE, false);
}

static uint32_t rd_group(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)w;
    return read_bits(v, c, off, get_group);
}

static void wr_group(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    for (unsigned i = 0; i < 32; i++) {
        if (vgic_irq_peek(v, c, off * 8u + i))
            flag_set(v, c, off * 8u + i, VGIC_IRQ_GROUP1, (val >> i) & 1u);
    }
}

static uint32_t rd_enable(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)w;
    return read_bits(v, c, off, get_enabled);
}

static void wr_set_enable(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, set_enabled);
}

static void wr_clear_enable(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, clear_enabled);
}

static uint32_t rd_pending(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)w;
    return read_bits(v, c, off, vgic_irq_is_pending);
}

static void wr_set_pending(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, set_pending);
}

static void wr_clear_pending(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, clear_pending);
}

static uint32_t rd_active(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)w;
    return read_bits(v, c, off, get_active);
}

static void wr_set_active(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, set_active);
}

static void wr_clear_active(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    write_bits(v, c, off, val, clear_active);
}

/* ---- byte-per-interrupt registers: off is the first INTID ---- */

static uint32_t rd_priority(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < w; i++) {
        const struct vgic_irq *irq = vgic_irq_peek(v, c, off + i);
        val |= irq ? (uint32_t)irq->priority << (8 * i) : 0;
    }
    return val;
}

static void wr_priority(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    for (unsigned i = 0; i < w; i++) {
        struct vgic_irq *irq = vgic_irq_get(v, c, off + i);
        if (irq)
            irq->priority = (uint8_t)((val >> (8 * i)) & VGIC_PRIO_MASK);
    }
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

/* ---- GICD_ICFGR: two bits per INTID, Int_config[1] = edge (4.3.13) ---- */

static uint32_t rd_config(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    uint32_t val = 0;

    (void)w;
    for (unsigned i = 0; i < 16; i++) {
        unsigned id = off * 4u + i;
        if (vgic_irq_peek(v, c, id) && flag_is(v, c, id, VGIC_IRQ_EDGE))
            val |= 2u << (2 * i);
    }
    return val;
}

/** SGIs are always edge (ICFGR0 read-only); PPIs and SPIs are programmable. */
static void wr_config(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)w;
    for (unsigned i = 0; i < 16; i++) {
        unsigned id = off * 4u + i;
        if (id >= VGIC_NR_SGIS && vgic_irq_peek(v, c, id))
            flag_set(v, c, id, VGIC_IRQ_EDGE, (val >> (2 * i + 1)) & 1u);
    }
}

/* ---- control, type, SGIs, identification ---- */

static uint32_t rd_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return v->ctlr;
}

static void wr_ctlr(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    (void)c, (void)off, (void)w;
    v->ctlr = val & 3u;
}

/** ITLinesNumber [4:0], CPUNumber [7:5], no Security Extensions (4.3.2). */
static uint32_t rd_typer(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)c, (void)off, (void)w;
    return (v->irq_count / 32u - 1u) | ((v->vcpu_count - 1u) << 5);
}

static uint32_t rd_iidr(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)v, (void)c, (void)off, (void)w;
    return VGIC_IIDR;
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
        if (targets & (1u << t))
            v->vcpu[t].sgi_src[id] |= (uint8_t)(1u << c);
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
    for (unsigned i = 0; i < w; i++)
        v->vcpu[c].sgi_src[off + i] |= (uint8_t)((val >> (8 * i)) & vgic_cpu_mask(v));
}

static void wr_sgi_clrpend(struct vgic *v, unsigned c, uint32_t off, unsigned w, uint32_t val)
{
    for (unsigned i = 0; i < w; i++)
        v->vcpu[c].sgi_src[off + i] &= (uint8_t) ~(val >> (8 * i));
}

/** PIDR4..7, PIDR0..3, CIDR0..3 from 0xFD0: a GICv2 (ArchRev 2 in PIDR2[7:4]). */
static uint32_t rd_id(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    static const uint8_t ids[12] = {0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1};

    (void)v, (void)c, (void)w;
    return ids[off / 4u];
}

static const struct vgic_reg vgic_regs[] = {
    {0x000, 0x004, W32, 0, rd_ctlr, wr_ctlr},
    {0x004, 0x008, W32, 0, rd_typer, NULL},
    {0x008, 0x00c, W32, 0, rd_iidr, NULL},
    {0x080, 0x100, W32, 1, rd_group, wr_group},
    {0x100, 0x180, W32, 1, rd_enable, wr_set_enable},
    {0x180, 0x200, W32, 1, rd_enable, wr_clear_enable},
    {0x200, 0x280, W32, 1, rd_pending, wr_set_pending},
    {0x280, 0x300, W32, 1, rd_pending, wr_clear_pending},
    {0x300, 0x380, W32, 1, rd_active, wr_set_active},
    {0x380, 0x400, W32, 1, rd_active, wr_clear_active},
    {0x400, 0x800, W8 | W32, 8, rd_priority, wr_priority},
    {0x800, 0xc00, W8 | W32, 8, rd_targets, wr_targets},
    {0xc00, 0xd00, W32, 2, rd_config, wr_config},
    {0xf00, 0xf04, W32, 0, NULL, wr_sgir},
    {0xf10, 0xf20, W8 | W32, 0, rd_sgi_pend, wr_sgi_clrpend},
    {0xf20, 0xf30, W8 | W32, 0, rd_sgi_pend, wr_sgi_setpend},
    {0xfd0, 0x1000, W32, 0, rd_id, NULL},
};

/** The block holding `offset`, NULL for reserved offsets. */
static const struct vgic_reg *find_reg(uint64_t offset)
{
    for (size_t i = 0; i < sizeof(vgic_regs) / sizeof(vgic_regs[0]); i++) {
        if (offset >= vgic_regs[i].base && offset < vgic_regs[i].end)
            return &vgic_regs[i];
    }
    return NULL;
}

/** Reports `why` for `offset` the first time only. */
static void log_once(struct vgic *v, unsigned vcpu, uint64_t offset, bool write, const char *why)
{
    uint32_t word = (uint32_t)(offset / 4u);
    uint32_t bit = 1u << (word % 32u);

    if (v->logged[word / 32u] & bit)
        return;
    v->logged[word / 32u] |= bit;
    if (v->log)
        v->log(v->log_ctx, vcpu, offset, write, why);
}

/** Whether `width` at `offset` is a legal access to `reg` (4.1.4). */
static bool width_ok(const struct vgic_reg *reg, uint64_t offset, unsigned width)
{
    if ((width != 1 && width != 4) || offset % width != 0)
        return false;
    return (reg->widths & width) != 0;
}

/** Whether the INTIDs `reg` addresses at `offset` exist in this VM. */
static bool irq_in_range(const struct vgic *v, const struct vgic_reg *reg, uint64_t offset)
{
    if (reg->bits_per_irq == 0)
        return true;
    uint64_t first = (offset - reg->base) * 8u / reg->bits_per_irq;
    return first < v->irq_count;
}

/** Runs the handler of `reg`; `value` is already 0 for reads. */
static void do_access(struct vgic *v, const struct vgic_reg *reg, unsigned vcpu, uint64_t offset,
                      unsigned width, bool write, uint64_t *value)
{
    uint32_t off = (uint32_t)(offset - reg->base);

    if (write && reg->write)
        reg->write(v, vcpu, off, width, (uint32_t)*value);
    else if (!write && reg->read)
        *value = reg->read(v, vcpu, off, width);
}

/** Decode (checks every argument, logs once) then invoke. */
enum vgic_result vgic_dist_access(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned width,
                                  bool write, uint64_t *value)
{
    if (!write)
        *value = 0;
    if (vcpu >= v->vcpu_count)
        return VGIC_BAD_VCPU;
    if (offset >= VGIC_DIST_FRAME)
        return VGIC_BAD_OFFSET;
    const struct vgic_reg *reg = find_reg(offset);
    if (!reg) {
        log_once(v, vcpu, offset, write, "reserved distributor offset (RAZ/WI)");
        return VGIC_RAZ_WI;
    }
    if (!width_ok(reg, offset, width)) {
        log_once(v, vcpu, offset, write, "access size not allowed (ignored)");
        return VGIC_BAD_WIDTH;
    }
    if (!irq_in_range(v, reg, offset)) {
        log_once(v, vcpu, offset, write, "register beyond ITLinesNumber (RAZ/WI)");
        return VGIC_RAZ_WI;
    }
    do_access(v, reg, vcpu, offset, width, write, value);
    return VGIC_OK;
}
