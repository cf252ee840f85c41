/*
 * vGIC state, interrupt inputs and list-register management.
 * GICv2 architecture specification (IHI 0048B): chapter 3 (interrupt
 * handling and prioritization), chapter 5 (GIC virtualization extensions).
 */
#include <string.h>

#include <stddef.h>

#include "vgic_internal.h"

/** Resets every interrupt: disabled, group 0, level, priority 0 (GICv2 spec 4.3). */
enum vgic_result vgic_init_version(struct vgic *v, enum vgic_version ver, unsigned vcpus,
                                   unsigned irqs)
{
    if (ver != VGIC_V2 && ver != VGIC_V3)
        return VGIC_BAD_CONFIG;
    if (vcpus == 0 || vcpus > VGIC_MAX_VCPUS)
        return VGIC_BAD_CONFIG;
    if (irqs < VGIC_NR_PRIVATE || irqs > VGIC_MAX_IRQS || irqs % 32u != 0)
        return VGIC_BAD_CONFIG;
    memset(v, 0, sizeof(*v));
    v->version = ver;
    v->vcpu_count = vcpus;
    v->irq_count = irqs;
    for (unsigned c = 0; c < vcpus; c++) {
        v->vcpu[c].lr_count = VGIC_DEFAULT_LRS;
        v->vcpu[c].asleep = ver == VGIC_V3; /* GICR_WAKER.ProcessorSleep resets to 1 */
        for (unsigned i = 0; i < VGIC_NR_SGIS; i++)
            v->vcpu[c].priv[i].flags = VGIC_IRQ_EDGE; /* SGIs are edge (ICFGR0 RO) */
    }
    if (ver == VGIC_V3) {
        for (unsigned i = 0; i < irqs - VGIC_NR_PRIVATE; i++)
            v->spi[i].targets = 1u; /* GICD_IROUTER 0: affinity 0.0.0.0, vCPU 0 */
    }
    return VGIC_OK;
}

enum vgic_result vgic_init(struct vgic *v, unsigned vcpus, unsigned irqs)
{
    return vgic_init_version(v, VGIC_V2, vcpus, irqs);
}

/** Installs the log-once hook. */
void vgic_set_log(struct vgic *v, vgic_log_fn log, void *ctx)
{
    v->log = log;
    v->log_ctx = ctx;
}

/** Sets the LR count of `vcpu`; LRs beyond the new count must be empty. */
enum vgic_result vgic_set_lr_count(struct vgic *v, unsigned vcpu, unsigned lrs)
{
    if (vcpu >= v->vcpu_count)
        return VGIC_BAD_VCPU;
    if (lrs == 0 || lrs > VGIC_MAX_LRS)
        return VGIC_BAD_CONFIG;
    if (lrs < VGIC_MAX_LRS && (v->vcpu[vcpu].lr_used >> lrs) != 0)
        return VGIC_BAD_CONFIG;
    v->vcpu[vcpu].lr_count = lrs;
    return VGIC_OK;
}

/** See vgic_internal.h: banked state below 32, shared above. */
struct vgic_irq *vgic_irq_get(struct vgic *v, unsigned vcpu, unsigned intid)
{
    if (intid >= v->irq_count || vcpu >= v->vcpu_count)
        return NULL;
    if (intid < VGIC_NR_PRIVATE)
        return &v->vcpu[vcpu].priv[intid];
    return &v->spi[intid - VGIC_NR_PRIVATE];
}

/** See vgic_internal.h. */
const struct vgic_irq *vgic_irq_peek(const struct vgic *v, unsigned vcpu, unsigned intid)
{
    return vgic_irq_get((struct vgic *)v, vcpu, intid);
}

/* Recomputes spi_candidate after an SPI's enable or pending bit changed. */
static void spi_summary(struct vgic *v)
{
    uint64_t any = 0;
    for (unsigned w = 0; w < VGIC_MAX_IRQS / 64; w++)
        any |= v->spi_enabled[w] & v->spi_pending[w];
    v->spi_candidate = any != 0;
}

void vgic_irq_set_enabled(struct vgic *v, unsigned vcpu, unsigned intid, bool on)
{
    struct vgic_irq *irq = vgic_irq_get(v, vcpu, intid);
    if (!irq)
        return;
    uint8_t before = irq->flags;
    irq->flags = (uint8_t)(on ? irq->flags | VGIC_IRQ_ENABLED : irq->flags & ~VGIC_IRQ_ENABLED);
    if (irq->flags != before) /* a rewrite of the same bit changes no delivery */
        vgic_private_changed(v, intid);
    if (intid < VGIC_NR_PRIVATE) {
        uint32_t bit = 1u << intid;
        v->vcpu[vcpu].enabled = on ? v->vcpu[vcpu].enabled | bit : v->vcpu[vcpu].enabled & ~bit;
    } else {
        uint64_t bit = 1ull << (intid % 64);
        uint64_t *w = &v->spi_enabled[intid / 64];
        *w = on ? *w | bit : *w & ~bit;
        spi_summary(v);
    }
}

/** Pending: a latched edge or set-pending, or a high level input (spec 3.2.4). */
static bool irq_pending(const struct vgic *v, unsigned vcpu, unsigned intid,
                        const struct vgic_irq *irq)
{
    if (intid < VGIC_NR_SGIS)
        return v->vcpu[vcpu].sgi_src[intid] != 0;
    if (irq->flags & VGIC_IRQ_LATCH)
        return true;
    return (irq->flags & (VGIC_IRQ_LINE | VGIC_IRQ_EDGE)) == VGIC_IRQ_LINE;
}

bool vgic_irq_is_pending(const struct vgic *v, unsigned vcpu, unsigned intid)
{
    const struct vgic_irq *irq = vgic_irq_peek(v, vcpu, intid);
    return irq && irq_pending(v, vcpu, intid, irq);
}

void vgic_pending_update(struct vgic *v, unsigned vcpu, unsigned intid)
{
    if (intid >= VGIC_NR_PRIVATE)
        vcpu = 0; /* SPIs are shared: any vCPU's view, even an out-of-range one */
    if (vcpu >= v->vcpu_count)
        return;
    bool on = vgic_irq_is_pending(v, vcpu, intid);
    if (intid < VGIC_NR_PRIVATE) {
        uint32_t bit = 1u << intid;
        v->vcpu[vcpu].pending = on ? v->vcpu[vcpu].pending | bit : v->vcpu[vcpu].pending & ~bit;
    } else if (intid < VGIC_MAX_IRQS) {
        uint64_t bit = 1ull << (intid % 64);
        uint64_t *w = &v->spi_pending[intid / 64];
        *w = on ? *w | bit : *w & ~bit;
        spi_summary(v);
    }
}

/** The input interrupt `intid` of `vcpu`: PPIs and SPIs only. */
static struct vgic_irq *input_irq(struct vgic *v, unsigned vcpu, unsigned intid,
                                  enum vgic_result *res)
{
    if (intid < VGIC_NR_PRIVATE && vcpu >= v->vcpu_count) {
        *res = VGIC_BAD_VCPU;
        return NULL;
    }
    struct vgic_irq *irq = vgic_irq_get(v, intid < VGIC_NR_PRIVATE ? vcpu : 0, intid);
    *res = (irq && intid >= VGIC_NR_SGIS) ? VGIC_OK : VGIC_BAD_INTID;
    return *res == VGIC_OK ? irq : NULL;
}

/** Level input; a rising edge latches an edge-configured interrupt (spec 3.2.4). */
enum vgic_result vgic_set_irq_level(struct vgic *v, unsigned vcpu, unsigned intid, bool level)
{
    enum vgic_result res;
    struct vgic_irq *irq = input_irq(v, vcpu, intid, &res);

    if (!irq)
        return res;
    bool rising = level && !(irq->flags & VGIC_IRQ_LINE);
    if (rising && (irq->flags & VGIC_IRQ_EDGE))
        irq->flags |= VGIC_IRQ_LATCH;
    if (level)
        irq->flags |= VGIC_IRQ_LINE;
    else
        irq->flags &= (uint8_t)~VGIC_IRQ_LINE;
    vgic_pending_update(v, vcpu, intid);
    return VGIC_OK;
}

/** A pulse: latches pending. */
enum vgic_result vgic_raise_irq(struct vgic *v, unsigned vcpu, unsigned intid)
{
    enum vgic_result res;
    struct vgic_irq *irq = input_irq(v, vcpu, intid, &res);

    if (irq) {
        irq->flags |= VGIC_IRQ_LATCH;
        vgic_pending_update(v, vcpu, intid);
    }
    return res;
}

/**
 * Whether a pending `intid` (its state `irq`, looked up once by the
 * caller: this runs for every enabled interrupt after most exits) may be
 * signalled to `vcpu` now (spec 3.2, 4.3.1).
 */
static bool deliverable(const struct vgic *v, unsigned vcpu, unsigned intid,
                        const struct vgic_irq *irq)
{
    unsigned group = (irq->flags & VGIC_IRQ_GROUP1) ? 1u : 0u;

    if (!(irq->flags & VGIC_IRQ_ENABLED) || !(v->ctlr & (1u << group)))
        return false;
    if (irq->flags & (VGIC_IRQ_IN_LR | VGIC_IRQ_ACTIVE))
        return false;
    /* a GICv2 with one CPU ignores ITARGETSR (4.3.12); a GICv3 SPI routed to
     * an affinity no vCPU has goes nowhere, even with one vCPU */
    bool routed = v->version == VGIC_V3 || v->vcpu_count > 1;
    if (intid >= VGIC_NR_PRIVATE && routed && !(irq->targets & (1u << vcpu)))
        return false;
    return irq_pending(v, vcpu, intid, irq);
}

bool vgic_irq_enabled(const struct vgic *v, unsigned vcpu, unsigned intid, uint8_t *prio)
{
    if (vcpu >= v->vcpu_count)
        return false;
    const struct vgic_irq *irq = vgic_irq_peek(v, vcpu, intid);
    if (!irq)
        return false;
    unsigned group = (irq->flags & VGIC_IRQ_GROUP1) ? 1u : 0u;
    *prio = irq->priority;
    return (irq->flags & VGIC_IRQ_ENABLED) && (v->ctlr & (1u << group));
}

bool vgic_irq_group1(const struct vgic *v, unsigned vcpu, unsigned intid)
{
    const struct vgic_irq *irq = vcpu < v->vcpu_count ? vgic_irq_peek(v, vcpu, intid) : NULL;
    return irq && (irq->flags & VGIC_IRQ_GROUP1);
}

/** Lowest set bit of a non-zero byte. */
static unsigned lowest_bit(unsigned x)
{
    return (unsigned)__builtin_ctz(x);
}

/** INTIDs vgic_deliver passes over: the kernel refused them (busy). */
struct vgic_skip {
    uint64_t bits[VGIC_MAX_IRQS / 64];
};

static bool skipped(const struct vgic_skip *s, unsigned id)
{
    return s && (s->bits[id / 64] >> (id % 64)) & 1u;
}

/** Whether `id` beats the best so far (`*best`, `*best_prio`): if so it becomes it. */
static inline __attribute__((always_inline)) void consider(const struct vgic *v, unsigned vcpu,
                                                           const struct vgic_skip *skip,
                                                           unsigned id, unsigned *best,
                                                           unsigned *best_prio)
{
    const struct vgic_irq *irq = vgic_irq_peek(v, vcpu, id);
    if (!irq || irq->priority >= *best_prio || skipped(skip, id) || !deliverable(v, vcpu, id, irq))
        return;
    *best = id;
    *best_prio = irq->priority;
}

/**
 * vgic_next_pending without the INTIDs in `skip` (may be NULL). Highest
 * priority first, then lowest INTID (spec 3.3). Runs after most exits, so
 * it walks only the interrupts both enabled and pending (the summaries
 * vgic_irq_set_enabled and vgic_pending_update keep), in INTID order: a
 * scan of all 256 cost thousands of instructions an exit, one of the
 * enabled ones (a guest enables a handful) still about 80 a call.
 */
static bool next_pending(const struct vgic *v, unsigned vcpu, const struct vgic_skip *skip,
                         struct vgic_lr *out)
{
    unsigned best = VGIC_MAX_IRQS;
    unsigned best_prio = 0x100;

    if (vcpu >= v->vcpu_count || !(v->ctlr & 3u))
        return false;
    for (uint32_t m = v->vcpu[vcpu].enabled & v->vcpu[vcpu].pending; m; m &= m - 1u)
        consider(v, vcpu, skip, (unsigned)__builtin_ctz(m), &best, &best_prio);
    for (unsigned w = 0; v->spi_candidate && w < VGIC_MAX_IRQS / 64; w++)
        for (uint64_t m = v->spi_enabled[w] & v->spi_pending[w]; m; m &= m - 1u)
            consider(v, vcpu, skip, w * 64u + (unsigned)__builtin_ctzll(m), &best, &best_prio);
    if (best == VGIC_MAX_IRQS)
        return false;
    const struct vgic_irq *irq = vgic_irq_peek(v, vcpu, best);
    out->intid = (uint16_t)best;
    out->source = best < VGIC_NR_SGIS ? (uint8_t)lowest_bit(v->vcpu[vcpu].sgi_src[best]) : 0;
    out->priority = irq->priority;
    out->group1 = (irq->flags & VGIC_IRQ_GROUP1) != 0;
    out->level = best >= VGIC_NR_SGIS && !(irq->flags & VGIC_IRQ_EDGE);
    return true;
}

bool vgic_next_pending(const struct vgic *v, unsigned vcpu, struct vgic_lr *out)
{
    return next_pending(v, vcpu, NULL, out);
}

/** Mask of the LRs of `c` that are usable and empty. */
static uint64_t free_lrs(const struct vgic_vcpu *c)
{
    uint64_t all = c->lr_count >= 64 ? ~0ull : (1ull << c->lr_count) - 1u;
    return all & ~c->lr_used;
}

/** Any vCPU with a deliverable interrupt and a free LR. */
uint32_t vgic_pending_vcpus(const struct vgic *v)
{
    uint32_t mask = 0;
    struct vgic_lr e;

    for (unsigned c = 0; c < v->vcpu_count; c++) {
        if (free_lrs(&v->vcpu[c]) && vgic_next_pending(v, c, &e))
            mask |= 1u << c;
    }
    return mask;
}

/** Records that `e` now sits in LR `lr` of `vcpu`: no longer pending here. */
static void commit_lr(struct vgic *v, unsigned vcpu, unsigned lr, const struct vgic_lr *e)
{
    struct vgic_vcpu *c = &v->vcpu[vcpu];
    struct vgic_irq *irq = vgic_irq_get(v, vcpu, e->intid);

    irq->flags = (uint8_t)((irq->flags | VGIC_IRQ_IN_LR) & ~VGIC_IRQ_LATCH);
    if (e->intid < VGIC_NR_SGIS)
        c->sgi_src[e->intid] &= (uint8_t) ~(1u << e->source);
    vgic_pending_update(v, vcpu, e->intid);
    c->lr_used |= 1ull << lr;
    c->lr_intid[lr] = e->intid;
}

/*
 * Fills free LRs in priority order. An interrupt the kernel refuses as busy
 * (it holds that INTID itself, e.g. the timer in its own LR) stays pending
 * and the next ones go on; after VGIC_BUSY_MAX refusals the kernel is taken
 * to have no LR free. Stops on the first other error.
 */
#define VGIC_BUSY_MAX 4u

/* Whether next_pending has any candidate for `vcpu` at all (enabled and
 * pending): most calls (after nearly every exit) find none, and this
 * answers that from the summaries, without next_pending's set-up. */
static bool any_candidate(const struct vgic *v, unsigned vcpu)
{
    return v->spi_candidate || (v->vcpu[vcpu].enabled & v->vcpu[vcpu].pending);
}

/* vgic_deliver once it has something to deliver: out of line, so that the
 * far more common call with nothing to do does not pay for its frame. */
static __attribute__((noinline)) int deliver_some(struct vgic *v, unsigned vcpu,
                                                  const struct vgic_injector *inj)
{
    int count = 0;
    unsigned busy = 0;
    struct vgic_lr e;
    struct vgic_skip skip = {{0}};
    for (;;) {
        uint64_t avail = free_lrs(&v->vcpu[vcpu]);
        if (!avail || !next_pending(v, vcpu, &skip, &e))
            return count;
        unsigned lr = (unsigned)__builtin_ctzll(avail);
        int rc = inj->inject(inj->ctx, vcpu, lr, &e);
        if (rc < 0)
            return rc;
        if (rc != 0) {
            if (++busy == VGIC_BUSY_MAX)
                return count;
            skip.bits[e.intid / 64] |= 1ull << (e.intid % 64);
            continue;
        }
        commit_lr(v, vcpu, lr, &e);
        count++;
        if (!any_candidate(v, vcpu))
            return count; /* the usual case: that was the only one */
    }
}

int vgic_deliver(struct vgic *v, unsigned vcpu, const struct vgic_injector *inj)
{
    if (vcpu >= v->vcpu_count || !free_lrs(&v->vcpu[vcpu]) || !any_candidate(v, vcpu))
        return 0;
    return deliver_some(v, vcpu, inj);
}

/** Empties the LRs in `freed` (GICH_ELRSR), then refills them. */
int vgic_lrs_freed(struct vgic *v, unsigned vcpu, uint64_t freed, const struct vgic_injector *inj)
{
    if (vcpu >= v->vcpu_count)
        return 0;
    struct vgic_vcpu *c = &v->vcpu[vcpu];
    freed &= c->lr_used;
    while (freed) {
        unsigned lr = (unsigned)__builtin_ctzll(freed);
        struct vgic_irq *irq = vgic_irq_get(v, vcpu, c->lr_intid[lr]);
        irq->flags &= (uint8_t)~VGIC_IRQ_IN_LR;
        c->lr_used &= ~(1ull << lr);
        freed &= freed - 1;
    }
    return inj ? vgic_deliver(v, vcpu, inj) : 0;
}
