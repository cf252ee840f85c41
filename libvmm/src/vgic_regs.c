/*
 * The register-table machinery the distributor (GICv2, GICv3) and the GICv3
 * redistributors share, and the per-interrupt registers they all have.
 * GICv2 architecture specification (IHI 0048B) 4.1.4 (access sizes), 4.3
 * (register descriptions); GICv3 (IHI 0069): "GIC memory-mapped register
 * access" (word accesses everywhere, bytes also for IPRIORITYR, ITARGETSR,
 * CPENDSGIR and SPENDSGIR, doublewords or two words for 64-bit registers),
 * and the GICD_/GICR_ register descriptions.
 */
#include "vgic_internal.h"

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
/* Only the bits set: a guest's enable or pending write names one or two. */
static void write_bits(struct vgic *v, unsigned vcpu, uint32_t off, uint32_t val, bit_set_fn set)
{
    for (uint32_t m = val; m; m &= m - 1u) {
        unsigned id = off * 8u + (unsigned)__builtin_ctz(m);
        if (vgic_irq_peek(v, vcpu, id))
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
    vgic_irq_set_enabled(v, c, id, true);
}

static void clear_enabled(struct vgic *v, unsigned c, unsigned id)
{
    vgic_irq_set_enabled(v, c, id, false);
}

/*
 * GICv2: SGI pending bits are read-only here, GICD_SPENDSGIR sets them
 * (4.3.7). GICv3: GICR_ISPENDR0 sets an SGI pending, with no source (its
 * SGIs carry none: bit 0 of sgi_src stands for "pending").
 */
static void set_pending(struct vgic *v, unsigned c, unsigned id)
{
    if (id >= VGIC_NR_SGIS)
        flag_set(v, c, id, VGIC_IRQ_LATCH, true);
    else if (v->version == VGIC_V3)
        v->vcpu[c].sgi_src[id] = 1u;
    vgic_pending_update(v, c, id);
}

/** A level interrupt whose line is high stays pending (4.3.8). */
static void clear_pending(struct vgic *v, unsigned c, unsigned id)
{
    if (id >= VGIC_NR_SGIS)
        flag_set(v, c, id, VGIC_IRQ_LATCH, false);
    else if (v->version == VGIC_V3)
        v->vcpu[c].sgi_src[id] = 0;
    vgic_pending_update(v, c, id);
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
    vgic_private_changed(v, off * 8u);
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
        vgic_private_changed(v, off + i);
    }
}

/* ---- ICFGR: two bits per INTID, Int_config[1] = edge (4.3.13) ---- */

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
        if (id >= VGIC_NR_SGIS && vgic_irq_peek(v, c, id)) {
            flag_set(v, c, id, VGIC_IRQ_EDGE, (val >> (2 * i + 1)) & 1u);
            vgic_pending_update(v, c, id); /* a high line pends as a level only */
        }
    }
}

/* ---- identification ---- */

/** Implementer Arm (JEP106 0x43B), product 0, revision 0 (GICv2 4.3.3). */
#define VGIC_IIDR 0x0000043Bu

uint32_t vgic_regs_iidr(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    (void)v, (void)c, (void)off, (void)w;
    return VGIC_IIDR;
}

/** PIDR2.ArchRev [7:4] tells the GIC version; JEDEC-assigned ID bits 0xb. */
uint32_t vgic_regs_id(struct vgic *v, unsigned c, uint32_t off, unsigned w)
{
    static const uint8_t ids[12] = {0x04, 0, 0, 0, 0x90, 0xb4, 0x0b, 0, 0x0d, 0xf0, 0x05, 0xb1};

    (void)c, (void)w;
    if (off / 4u == 6) /* PIDR2 */
        return ids[6] | ((uint32_t)v->version << 4);
    return ids[off / 4u];
}

/* The per-interrupt blocks from the start of the frame's block (0x080..0xD00), sorted (find_in). */
static const struct vgic_reg irq_regs[] = {
    {0x080, 0x100, VGIC_W32, 1, rd_group, wr_group, NULL},
    {0x100, 0x180, VGIC_W32, 1, rd_enable, wr_set_enable, NULL},
    {0x180, 0x200, VGIC_W32, 1, rd_enable, wr_clear_enable, NULL},
    {0x200, 0x280, VGIC_W32, 1, rd_pending, wr_set_pending, NULL},
    {0x280, 0x300, VGIC_W32, 1, rd_pending, wr_clear_pending, NULL},
    {0x300, 0x380, VGIC_W32, 1, rd_active, wr_set_active, NULL},
    {0x380, 0x400, VGIC_W32, 1, rd_active, wr_clear_active, NULL},
    {0x400, 0x800, VGIC_W8 | VGIC_W32, 8, rd_priority, wr_priority, NULL},
    {0xc00, 0xd00, VGIC_W32, 2, rd_config, wr_config, NULL},
};

/**
 * The block of `table` holding `offset`, NULL if none. Every table is
 * sorted by base and its blocks are disjoint: a binary search (a guest's
 * every distributor access passes here; a scan cost ~10 instructions a
 * block, ~100 for an enable write).
 */
static const struct vgic_reg *find_in(const struct vgic_reg *table, size_t count, uint64_t offset)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2u;
        if (offset < table[mid].base)
            hi = mid;
        else if (offset >= table[mid].end)
            lo = mid + 1u;
        else
            return &table[mid];
    }
    return NULL;
}

/** The block of `map` holding `offset` (*base: where its offsets start), NULL if reserved. */
static const struct vgic_reg *find_reg(const struct vgic_regmap *map, uint64_t offset,
                                       uint64_t *base)
{
    const struct vgic_reg *reg = find_in(map->regs, map->count, offset);

    *base = 0;
    if (reg || offset < map->irq_block)
        return reg;
    *base = map->irq_block;
    return find_in(irq_regs, sizeof(irq_regs) / sizeof(irq_regs[0]), offset - map->irq_block);
}

/** Reports `why` for the word at `a->offset` of `map`'s frame the first time only. */
static void log_once(struct vgic *v, const struct vgic_regmap *map, const struct vgic_access *a,
                     const char *why)
{
    uint32_t word = map->log_base + (uint32_t)(a->offset / 4u);
    uint32_t bit = 1u << (word % 32u);

    if (v->logged[word / 32u] & bit)
        return;
    v->logged[word / 32u] |= bit;
    if (v->log)
        v->log(v->log_ctx, a->vcpu, a->frame, a->offset, a->write, why);
}

/** Whether `width` at `offset` is a legal access to `reg`. */
static bool width_ok(const struct vgic_reg *reg, uint64_t offset, unsigned width)
{
    if ((width != 1 && width != 4 && width != 8) || offset % width != 0)
        return false;
    return (reg->widths & width) != 0;
}

/**
 * Whether the INTIDs that `reg` addresses at `off` (from the block's base)
 * are in `map`'s frame. If not, *why is what to log, or stays NULL where
 * the architecture makes the word RAZ/WI (GICv3 GICD words of INTIDs 0..31).
 */
static bool irq_in_frame(const struct vgic *v, const struct vgic_regmap *map,
                         const struct vgic_reg *reg, uint64_t off, const char **why)
{
    if (reg->bits_per_irq == 0)
        return true;
    uint64_t first = (off - reg->base) * 8u / reg->bits_per_irq;
    if (map->intids == VGIC_INTIDS_PRIVATE && first >= VGIC_NR_PRIVATE)
        *why = map->reserved;
    else if (map->intids == VGIC_INTIDS_SPI && first < VGIC_NR_PRIVATE)
        return false;
    else if (first >= v->irq_count)
        *why = "register beyond ITLinesNumber (RAZ/WI)";
    return *why == NULL;
}

/** Runs the handler of `reg` on one word or byte; `value` is already 0 for reads. */
static void do_access(struct vgic *v, const struct vgic_reg *reg, unsigned c, uint32_t off,
                      unsigned width, bool write, uint64_t *value)
{
    if (write && reg->write)
        reg->write(v, c, off, width, (uint32_t)*value);
    else if (!write && reg->read)
        *value = reg->read(v, c, off, width);
}

/** A doubleword as two words, low word first. */
static void do_access64(struct vgic *v, const struct vgic_reg *reg, unsigned c, uint32_t off,
                        bool write, uint64_t *value)
{
    uint64_t lo = *value & 0xffffffffu;
    uint64_t hi = *value >> 32;

    do_access(v, reg, c, off, 4, write, &lo);
    do_access(v, reg, c, off + 4u, 4, write, &hi);
    if (!write)
        *value = lo | hi << 32;
}

enum vgic_result vgic_regs_access(struct vgic *v, const struct vgic_regmap *map,
                                  const struct vgic_access *a)
{
    uint64_t base;
    const struct vgic_reg *reg = find_reg(map, a->offset, &base);
    const char *why = NULL;

    if (!reg) {
        log_once(v, map, a, map->reserved);
        return VGIC_RAZ_WI;
    }
    if (!width_ok(reg, a->offset - base, a->width)) {
        log_once(v, map, a, "access size not allowed (ignored)");
        return VGIC_BAD_WIDTH;
    }
    if (reg->odd) {
        log_once(v, map, a, reg->odd);
        return VGIC_RAZ_WI;
    }
    if (!irq_in_frame(v, map, reg, a->offset - base, &why)) {
        if (!why)
            return VGIC_OK;
        log_once(v, map, a, why);
        return VGIC_RAZ_WI;
    }
    uint32_t off = (uint32_t)(a->offset - base - reg->base);
    if (a->width == 8)
        do_access64(v, reg, a->owner, off, a->write, a->value);
    else
        do_access(v, reg, a->owner, off, a->width, a->write, a->value);
    return VGIC_OK;
}
