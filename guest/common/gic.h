/*
 * The bare-metal guests' interrupt controller (guest/conform, and the
 * guests that send IPIs or measure interrupt latency): a GICv2 at QEMU
 * virt's addresses, the distributor at 0x08000000 (the VMM emulates it:
 * every access exits) and the CPU interface at 0x08010000 (the hardware's
 * virtual CPU interface, GICV, mapped there: no exit). GICv2 architecture
 * spec (IHI 0048B) 4.3 (distributor), 4.4 (CPU interface).
 *
 * Groups: both are enabled, in the distributor and in the CPU interface,
 * and every interrupt stays in Group 0 (the reset value of GICD_IGROUPR,
 * which Linux keeps on a GICv2 without security extensions), signalled as
 * IRQ (GICC_CTLR.FIQEn 0); AckCtl is set, so GICC_IAR acknowledges a
 * Group 1 interrupt too, should a guest move one there. EOImode 0: the
 * write to GICC_EOIR drops the priority and deactivates the interrupt.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_SPURIOUS    1023u /* GICC_IAR when nothing is pending (spec 3.2.5) */
#define GIC_INTID(iar)  ((iar)&0x3ffu)
#define GIC_PRIO_LOWEST 0xffu /* GICC_PMR: let every priority through */
#define GIC_PPI_VTIMER  27u   /* QEMU virt's timer PPIs (its DTB's timer node) */
#define GIC_PPI_PTIMER  30u
#define GIC_CPU_BASE    0x08010000ul          /* the CPU interface (GICV) */
#define GIC_EOIR_ADDR   (GIC_CPU_BASE + 0x10) /* GICC_EOIR, for a write in assembly */

/** Enables the distributor, for both groups (GICD_CTLR). Once per VM. */
void gic_dist_init(void);

/** Enables this CPU's interface: PMR 0xff, binary point 0, both groups. */
void gic_cpu_init(void);

/** Enables (or disables) `intid` (GICD_ISENABLER/ICENABLER): an SGI or PPI for this CPU. */
void gic_enable(unsigned intid, bool on);

/** Sets the priority of `intid` (GICD_IPRIORITYR; lower is more urgent). */
void gic_set_priority(unsigned intid, uint8_t prio);

/** Sends SGI `intid` (0..15) to the CPUs in `targets` (bit n: CPU n) through GICD_SGIR. */
void gic_send_sgi(unsigned intid, uint8_t targets);

/** Acknowledges the highest-priority pending interrupt: GICC_IAR (INTID and an SGI's source). */
uint32_t gic_ack(void);

/** Ends an interrupt: GICC_EOIR with the value gic_ack returned. */
void gic_eoi(uint32_t iar);

/** Whether `intid` is pending in the distributor (GICD_ISPENDR): an SGI or PPI for this CPU. */
bool gic_pending(unsigned intid);

/** The highest-priority pending interrupt, not acknowledged: GICC_HPPIR (GIC_SPURIOUS if none). */
uint32_t gic_highest_pending(void);

#endif /* GUEST_GIC_H */
