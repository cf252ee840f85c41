/*
 * The bare-metal guests' GICv2 (gic.h).
 */
#include "gic.h"

#define GICD_BASE 0x08000000ul
#define GICC_BASE GIC_CPU_BASE

/* GICv2 spec 4.1.2 (distributor) and 4.1.3 (CPU interface) register maps. */
#define GICD_CTLR       0x000u
#define GICD_ISENABLER  0x100u
#define GICD_ICENABLER  0x180u
#define GICD_ISPENDR    0x200u
#define GICD_IPRIORITYR 0x400u
#define GICD_SGIR       0xf00u
#define GICC_CTLR       0x00u
#define GICC_PMR        0x04u
#define GICC_BPR        0x08u
#define GICC_IAR        0x0cu
#define GICC_EOIR       0x10u
#define GICC_HPPIR      0x18u

#define GICD_CTLR_GRP0_GRP1 0x3u /* EnableGrp0, EnableGrp1 */
#define GICC_CTLR_ENABLE    0x7u /* EnableGrp0, EnableGrp1, AckCtl */
#define GICD_SGIR_TARGETS   16u  /* CPUTargetList [23:16]; TargetListFilter 0 */

/* One access each, no writeback: a distributor access exits and the VMM
 * emulates it from the syndrome (a compiler may pick a form without one). */
static void write32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static void write8(uint64_t addr, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" ::"r"((uint32_t)v), "r"(addr) : "memory");
}

static uint32_t read32(uint64_t addr)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

void gic_dist_init(void)
{
    write32(GICD_BASE + GICD_CTLR, GICD_CTLR_GRP0_GRP1);
}

void gic_cpu_init(void)
{
    write32(GICC_BASE + GICC_PMR, GIC_PRIO_LOWEST);
    write32(GICC_BASE + GICC_BPR, 0);
    write32(GICC_BASE + GICC_CTLR, GICC_CTLR_ENABLE);
}

void gic_enable(unsigned intid, bool on)
{
    uint64_t reg = (on ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32u) * 4u;
    write32(GICD_BASE + reg, 1u << (intid % 32u));
}

void gic_set_priority(unsigned intid, uint8_t prio)
{
    write8(GICD_BASE + GICD_IPRIORITYR + intid, prio);
}

void gic_send_sgi(unsigned intid, uint8_t targets)
{
    write32(GICD_BASE + GICD_SGIR, ((uint32_t)targets << GICD_SGIR_TARGETS) | (intid & 0xfu));
}

bool gic_pending(unsigned intid)
{
    return (read32(GICD_BASE + GICD_ISPENDR + (intid / 32u) * 4u) >> (intid % 32u)) & 1u;
}

uint32_t gic_ack(void)
{
    return read32(GICC_BASE + GICC_IAR);
}

void gic_eoi(uint32_t iar)
{
    write32(GICC_BASE + GICC_EOIR, iar);
}

uint32_t gic_highest_pending(void)
{
    return read32(GICC_BASE + GICC_HPPIR);
}
