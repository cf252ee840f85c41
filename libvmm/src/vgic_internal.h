/*
 * Shared between vgic.c (state, inputs, list registers) and vgic_dist.c
 * (the distributor register table). Not part of the library interface.
 */
#ifndef VMM_VGIC_INTERNAL_H
#define VMM_VGIC_INTERNAL_H

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

/** Pending state of `intid` for `vcpu` (spec 3.2.4), LR contents aside. */
bool vgic_irq_is_pending(const struct vgic *v, unsigned vcpu, unsigned intid);

/** Mask of the VM's vCPUs. */
static inline uint32_t vgic_cpu_mask(const struct vgic *v)
{
    return (1u << v->vcpu_count) - 1u;
}

#endif /* VMM_VGIC_INTERNAL_H */
