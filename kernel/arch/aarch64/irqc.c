/*
 * The interrupt controller seam (kernel/irqc.h): the arch_irq_* hooks of
 * arch.h go to the GIC driver the boot DTB named.
 */
#include <kernel/arch.h>
#include <kernel/irqc.h>

const struct irqc_ops *irqc = &irqc_gicv2;
uint32_t irqc_max_intid;

void arch_gic_init(const struct plat_info *p)
{
    irqc = p->gic_version == 3 ? &irqc_gicv3 : &irqc_gicv2;
    irqc->init(p);
}

void arch_gic_init_core(void)
{
    irqc->init_core();
}

uint32_t arch_irq_ack(void)
{
    return irqc->ack();
}

void arch_irq_eoi(uint32_t irq)
{
    irqc->eoi(irq);
}

void arch_irq_enable(uint32_t irq)
{
    irqc->enable(irq);
}

void arch_irq_disable(uint32_t irq)
{
    irqc->disable(irq);
}

void arch_irq_set_target(uint32_t irq, uint32_t core)
{
    irqc->set_target(irq, core);
}

uint32_t arch_irq_max(void)
{
    return irqc_max_intid;
}

void arch_send_ipi(uint32_t core, uint32_t sgi)
{
    irqc->send_ipi(core, sgi);
}
