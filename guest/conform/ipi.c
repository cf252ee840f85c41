/*
 * conform: the IPI case. An SGI a vCPU sends through the distributor
 * (GICD_SGIR: the write exits to the VMM, whose vGIC injects the SGI into
 * the target's list registers, through the kernel's inbox if the target
 * runs on another core) reaches the vCPU it names, each one, both ways:
 * with the vCPUs on cores of their own (NUM_NODES 4) and sharing one
 * (NUM_NODES 1), and under -icount (system.vm_conform.*_icount), where
 * QEMU's one TCG thread runs the cores in turn.
 *
 * Every wait is a WFE loop, as a guest's should be: under QEMU a WFE hands
 * the TCG thread to the next core (a core that only spins keeps it for
 * its whole time slice, millions of instructions under -icount); on
 * hardware it sleeps until an interrupt or the other side's SEV.
 */
#include "conform.h"
#include "gic.h"

#define IPI_SGI    5u  /* any SGI: the suite has no other */
#define IPI_ROUNDS 20u /* SGIs each way */

/* Between vCPU 0 and its partner of the moment (conform_ipi_partner). */
static volatile uint32_t ipi_ready; /* the partner takes SGIs now */
static volatile uint32_t ipi_asked; /* SGIs vCPU 0 wants from it so far */
static volatile uint32_t ipi_stop;  /* the partner turns itself off */
volatile uint32_t conform_ipi_mode; /* secondaries started now are partners */

void conform_ipi_partner(void)
{
    uint32_t sent = 0;
    gic_cpu_init();
    gic_enable(IPI_SGI, true); /* an SGI's enable is banked: each vCPU its own */
    conform_irq_clear();
    __asm__ volatile("msr daifclr, #2");
    ipi_ready = 1;
    __asm__ volatile("dsb ish\n\tsev");
    while (!ipi_stop) {
        if (sent != ipi_asked) {
            gic_send_sgi(IPI_SGI, 1u); /* to vCPU 0 */
            sent++;
        }
        __asm__ volatile("wfe");
    }
    __asm__ volatile("msr daifset, #2");
}

/** vCPU 0 and vCPU i (started as a partner) send each other IPI_ROUNDS SGIs. */
static const char *ipi_both_ways(unsigned i)
{
    volatile struct conform_irq *them = &conform_irq[i], *us = &conform_irq[0];
    uint64_t ready = 0;
    for (uint64_t end = conform_now() + 20 * conform_hz(); !ready; ready = ipi_ready) {
        if (conform_now() > end)
            return "a vCPU never ran";
        __asm__ volatile("wfe");
    }
    conform_irq_clear();
    for (uint32_t k = 1; k <= IPI_ROUNDS; k++) {
        gic_send_sgi(IPI_SGI, (uint8_t)(1u << i));
        if (!conform_wait(&them->count, k)) {
            conform_got(k);
            return "an SGI to the other vCPU did not arrive (got: its number)";
        }
    }
    __asm__ volatile("msr daifclr, #2");
    for (uint32_t k = 1; k <= IPI_ROUNDS; k++) {
        ipi_asked = k;
        __asm__ volatile("dsb ish\n\tsev");
        if (!conform_wait(&us->count, k)) {
            __asm__ volatile("msr daifset, #2");
            conform_got(k);
            return "an SGI from the other vCPU did not arrive (got: its number)";
        }
    }
    __asm__ volatile("msr daifset, #2");
    if (them->intid != IPI_SGI || us->intid != IPI_SGI) {
        conform_got(them->intid != IPI_SGI ? them->intid : us->intid);
        return "an interrupt other than the SGI came";
    }
    return 0;
}

/** Stops the partner and waits until it is off (PSCI AFFINITY_INFO). */
static const char *ipi_partner_off(unsigned i)
{
    ipi_stop = 1;
    __asm__ volatile("dsb ish\n\tsev");
    uint64_t end = conform_now() + 20 * conform_hz();
    while (conform_hvc(PSCI_AFFINITY_INFO, i, 0, 0) != 1)
        if (conform_now() > end)
            return "a vCPU is not off after CPU_OFF";
    return 0;
}

struct conform_result smp_ipi(void)
{
    unsigned n = 0;
    gic_enable(IPI_SGI, true);
    for (unsigned i = 1; i < CONFORM_CPUS; i++) {
        ipi_ready = ipi_asked = ipi_stop = 0;
        conform_ipi_mode = 1;
        int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, i, (uint64_t)conform_secondary, i);
        if (r == -2)
            break; /* no vCPU i */
        const char *why = r ? "CPU_ON refused" : ipi_both_ways(i);
        const char *off = r ? 0 : ipi_partner_off(i);
        conform_ipi_mode = 0;
        if (r)
            conform_got((uint64_t)r);
        if (why || off)
            return CONFORM_FAILED(why ? why : off);
        /* counted again once the partner is off: no SGI came twice */
        if (conform_irq[i].count != IPI_ROUNDS || conform_irq[0].count != IPI_ROUNDS)
            return CONFORM_FAILED("an SGI was taken more than once");
        n++;
    }
    gic_enable(IPI_SGI, false);
    return n ? CONFORM_PASS : CONFORM_SKIPPED("one vCPU");
}

/* This vCPU's SGI IPI_SGI, acknowledged within a second; GIC_SPURIOUS if it did not come. */
static uint32_t ack_sgi(void)
{
    uint32_t iar = GIC_SPURIOUS;
    for (uint64_t end = conform_now() + conform_hz(); GIC_INTID(iar) == GIC_SPURIOUS;) {
        iar = gic_ack();
        if (GIC_INTID(iar) == GIC_SPURIOUS && conform_now() > end)
            break;
    }
    return iar;
}

/*
 * An exit right behind the EOI of an interrupt whose EOI the VMM asked to see (an SGI): the
 * kernel finds the EOI at that exit's entry, and must tell the VMM (a maintenance exit) before
 * the guest runs again, also when the VMM's reply to the exit takes the fast path. Each round
 * sends this vCPU an SGI, acknowledges it with interrupts masked, then writes its EOI and
 * calls PSCI_VERSION back to back; the call must answer as before, and the next SGI come.
 */
/* Round k of irq_eoi_then_exit: why it failed, or 0. */
static const char *eoi_then_exit_round(uint32_t k, uint64_t version)
{
    gic_send_sgi(IPI_SGI, 1u); /* to vCPU 0: this one */
    uint32_t iar = ack_sgi();
    if (GIC_INTID(iar) == GIC_SPURIOUS) {
        conform_got(k);
        return "an SGI to this vCPU did not come (got: its number)";
    }
    uint64_t r = conform_eoi_hvc(GIC_EOIR_ADDR, iar, PSCI_VERSION);
    if (GIC_INTID(iar) != IPI_SGI) {
        conform_got(GIC_INTID(iar));
        return "another interrupt came (got: it)";
    }
    if (r != version) {
        conform_got(r);
        return "PSCI_VERSION after the EOI (got: it)";
    }
    return 0;
}

struct conform_result irq_eoi_then_exit(void)
{
    uint64_t version = conform_hvc(PSCI_VERSION, 0, 0, 0);
    const char *why = 0;
    gic_enable(IPI_SGI, true);
    for (uint32_t k = 1; k <= IPI_ROUNDS && !why; k++)
        why = eoi_then_exit_round(k, version);
    gic_enable(IPI_SGI, false);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/*
 * A WFI right behind the EOI of an interrupt whose EOI the VMM asked to see, the same SGI pending
 * again meanwhile (sent while it was active: the VMM's vGIC holds it until it learns of the EOI).
 * The VMM must learn of the EOI before the vCPU sleeps: asleep, it would wait for the very
 * interrupt held back. The virtual timer, armed a second ahead, ends such a wait; the second SGI
 * must come well before it. Under QEMU the EOI's maintenance interrupt is pending when the WFI
 * executes, and QEMU completes a WFI without trapping then: the interrupt's exit tells the VMM.
 * The other order (the WFI's exit first, as a GIC slower to raise it allows) is
 * test_kernel_generic's case_vcpu_eoi_then_wfi.
 */
static const char *eoi_then_wfi_round(uint32_t k)
{
    gic_send_sgi(IPI_SGI, 1u); /* to vCPU 0: this one */
    uint32_t iar = ack_sgi();
    if (GIC_INTID(iar) != IPI_SGI) {
        conform_got(k);
        return "the first SGI did not come (got: the round)";
    }
    gic_send_sgi(IPI_SGI, 1u); /* again, while the first is active */
    uint64_t start = conform_now();
    conform_timer_set(false, start + conform_hz(), CNT_CTL_ENABLE);
    conform_eoi_wfi(GIC_EOIR_ADDR, iar);
    uint32_t again = ack_sgi();
    uint64_t took = conform_now() - start;
    conform_timer_set(false, 0, 0);
    if (GIC_INTID(again) != IPI_SGI) {
        conform_got(GIC_INTID(again));
        return "the second SGI did not come (got: what came)";
    }
    gic_eoi(again);
    if (took >= conform_hz() / 2) {
        conform_got(took);
        return "the second SGI came only with the timer: the WFI slept (got: ticks)";
    }
    return 0;
}

struct conform_result irq_eoi_then_wfi(void)
{
    const char *why = 0;
    gic_enable(IPI_SGI, true);
    for (uint32_t k = 1; k <= IPI_ROUNDS && !why; k++)
        why = eoi_then_wfi_round(k);
    gic_enable(IPI_SGI, false);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}
