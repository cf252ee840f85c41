/*
 * Shared between vgic.c (state, inputs, list registers), vgic_regs.c (the
 * register-table machinery and the per-interrupt registers), vgic_dist.c
 * (the GICv2 distributor) and vgic_v3.c (the GICv3 distributor,
 * redistributors and ICC_SGI1R_EL1). Not part of the library interface.
 */
#ifndef VMM_VGIC_INTERNAL_H
#define VMM_VGIC_INTERNAL_H

#include <stddef.h>

#include "vmm/vgic.h"

#define VGIC_IRQ_ENABLED 0x01u /* GICD_ISENABLER */
#define VGIC_IRQ_GROUP1  0x02u /* GICD_IGROUPR */
#define VGIC_IRQ_EDGE    0x04u /* GICD_ICFGR Int_config[1] */
#define VGIC_IRQ_LATCH   0x08u /* pending latched: edge, ISPENDR write */
#define VGIC_IRQ_LINE    0x10u /* input line level */
#define VGIC_IRQ_ACTIVE  0x20u /* active set through ISACTIVER */
#define VGIC_IRQ_IN_LR   0x40u /* held by a list register */

/** The state of `intid` as `vcpu` sees it, NULL beyond the configured INTIDs. */
struct vgic_irq *vgic_irq_get(struct vgic *v, unsigned vcpu, unsigned intid);

/** Const variant of vgic_irq_get. */
const struct vgic_irq *vgic_irq_peek(const struct vgic *v, unsigned vcpu, unsigned intid);

/**
 * Enables or disables `intid` for `vcpu`: its flag and the summaries
 * next_pending walks (the only way VGIC_IRQ_ENABLED changes).
 */
void vgic_irq_set_enabled(struct vgic *v, unsigned vcpu, unsigned intid, bool on);

/** Something a private interrupt's delivery depends on changed (struct vgic private_gen). */
static inline void vgic_private_changed(struct vgic *v, unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE)
        v->private_gen++;
}

/** Pending state of `intid` for `vcpu` (spec 3.2.4), LR contents aside. */
bool vgic_irq_is_pending(const struct vgic *v, unsigned vcpu, unsigned intid);

/**
 * Records in the pending summaries (vgic_vcpu.pending, vgic.spi_pending)
 * whether `intid` of `vcpu` is pending now. Called after every change of
 * what vgic_irq_is_pending reads (latch, line, edge, SGI sources), so the
 * search for the next interrupt to deliver visits only pending ones.
 */
void vgic_pending_update(struct vgic *v, unsigned vcpu, unsigned intid);

/** Mask of the VM's vCPUs. */
static inline uint32_t vgic_cpu_mask(const struct vgic *v)
{
    return (1u << v->vcpu_count) - 1u;
}

/* ---- register tables (vgic_regs.c) ---- */

#define VGIC_W8  0x1u /* byte accesses allowed */
#define VGIC_W32 0x4u /* word accesses allowed */
#define VGIC_W64 0x8u /* doubleword accesses allowed (64-bit registers, also as two words) */

/*
 * Register handlers. `c` is the vCPU whose banked SGIs/PPIs the frame
 * shows (the accessing vCPU for a distributor, the owner for a
 * redistributor), `off` the offset from the start of the register block,
 * `width` 1 or 4: a 64-bit access is two word accesses, low word first.
 */
typedef uint32_t (*vgic_read_fn)(struct vgic *v, unsigned c, uint32_t off, unsigned width);
typedef void (*vgic_write_fn)(struct vgic *v, unsigned c, uint32_t off, unsigned width,
                              uint32_t val);

/** One register block: [base, end), allowed widths, handlers. */
struct vgic_reg {
    uint32_t base;
    uint32_t end;
    uint8_t widths;       /* VGIC_W* */
    uint8_t bits_per_irq; /* 0: not indexed by INTID */
    vgic_read_fn read;    /* NULL: reads as zero (write-only or RAZ/WI register) */
    vgic_write_fn write;  /* NULL: writes ignored (read-only or RAZ/WI register) */
    const char *odd;      /* not NULL: RAZ/WI and logged once with this text */
};

/** Which INTIDs the per-interrupt registers of a frame hold. */
enum vgic_intids {
    VGIC_INTIDS_ALL,     /* GICv2 distributor: banked words for 0..31, then SPIs */
    VGIC_INTIDS_SPI,     /* GICv3 distributor: the words for INTIDs 0..31 are RAZ/WI */
    VGIC_INTIDS_PRIVATE, /* GICv3 redistributor: INTIDs 0..31 only, the rest reserved */
};

/**
 * A frame's register map: its own blocks, and the per-interrupt blocks
 * (IGROUPR..IPRIORITYR, ICFGR) that the GICv2 and GICv3 distributors and
 * the redistributor's SGI_base frame lay out alike, placed at `irq_block`.
 */
struct vgic_regmap {
    const struct vgic_reg *regs;
    size_t count;
    uint32_t irq_block;
    enum vgic_intids intids;
    uint32_t log_base;    /* the frame's first word in vgic.logged */
    const char *reserved; /* log text for an offset that is no register */
};

/** One guest access, as vgic_regs_access takes it. */
struct vgic_access {
    unsigned vcpu;     /* the vCPU making the access: reported */
    unsigned owner;    /* whose banked SGIs/PPIs the frame shows: the handlers' `c` */
    const char *frame; /* "GICD", "GICR<k>": reported */
    uint64_t offset;   /* from the start of the frame, below the frame's size */
    unsigned width;
    bool write;
    uint64_t *value; /* already 0 for a read */
};

/**
 * Decodes `a` against `map` (reserved offset, width, INTID range: each
 * logged once per word offset) then runs the handlers.
 */
enum vgic_result vgic_regs_access(struct vgic *v, const struct vgic_regmap *map,
                                  const struct vgic_access *a);

/** GICD_IIDR and GICR_IIDR: implementer Arm, product 0, revision 0. */
uint32_t vgic_regs_iidr(struct vgic *v, unsigned c, uint32_t off, unsigned width);

/** PIDR4..7, PIDR0..3, CIDR0..3: from GICD 0xFD0 (GICv2), GICD/GICR 0xFFD0 (GICv3). */
uint32_t vgic_regs_id(struct vgic *v, unsigned c, uint32_t off, unsigned width);

/** The GICv3 distributor's map (vgic_v3.c). */
extern const struct vgic_regmap vgic_v3_dist_map;

#endif /* VMM_VGIC_INTERNAL_H */
