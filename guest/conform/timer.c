/*
 * conform: the timer cases (cases.c lists them). The EL1 virtual and
 * physical timers fire at their compare value, through the vGIC as PPIs
 * 27 and 30 (QEMU virt; the kernel injects them itself once the guest
 * enabled them in its distributor, docs/vmm.md). A timer's output is a
 * level (ARM ARM D11.2.4: the interrupt is asserted while ENABLE is 1,
 * IMASK 0 and the count has reached CVAL): when the guest turns the timer
 * off, masks it or moves CVAL ahead before taking its interrupt, nothing
 * stays pending. The guest writes its timers without trapping, so the
 * hypervisor learns of the change at its next exit, where it resamples the
 * level: the cases make one (PSCI VERSION) before they look. A timer that
 * fired while its PPI was disabled waits in the VMM's vGIC instead; that
 * one is checked when the guest enables the PPI (ppi_off_nothing_pending).
 */
#include "conform.h"
#include "gic.h"

#define ISR_I        (1u << 7) /* ISR_EL1.I: an IRQ (here virtual) is pending */
#define TIMER_PRIO   0xa0u
#define WAIT_SECONDS 5u /* counter time; a loaded host runs the guest slowly */
/* A reason a timer case failed, naming the timer. */
#define WHY(phys, why) ((phys) ? "physical timer: " why : "virtual timer: " why)

static unsigned timer_ppi(bool phys)
{
    return phys ? GIC_PPI_PTIMER : GIC_PPI_VTIMER;
}

/* The timer's own count: CNTPCT_EL0 for the physical one, CNTVCT_EL0 for the virtual. */
static uint64_t timer_count(bool phys)
{
    uint64_t v;
    if (phys)
        __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v));
    else
        __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

void conform_timer_set(bool phys, uint64_t cval, uint64_t ctl)
{
    if (phys)
        __asm__ volatile("msr cntp_cval_el0, %0\n\tmsr cntp_ctl_el0, %1\n\tisb" ::"r"(cval),
                         "r"(ctl));
    else
        __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval),
                         "r"(ctl));
}

static uint64_t isr(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, isr_el1" : "=r"(v));
    return v;
}

/* The timer's PPI on in the distributor: from that exit on, the kernel delivers it. */
static void timer_ppi_on(bool phys)
{
    gic_set_priority(timer_ppi(phys), TIMER_PRIO);
    gic_enable(timer_ppi(phys), true);
}

/* PSTATE.I clear until this vCPU took an interrupt or `ticks` of the counter passed. */
static void irq_wait(uint64_t ticks)
{
    volatile struct conform_irq *r = &conform_irq[conform_vcpu()];
    uint64_t end = conform_now() + ticks;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    while (!r->count && conform_now() < end)
        ;
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

/*
 * The timer armed a little (10 ms) ahead fires: with PSTATE.I clear its
 * PPI reaches the handler, not before the count reached CVAL, with
 * ISTATUS set (the handler then masks it: conform.h). The timer is off
 * afterwards. NULL if so, else why not.
 */
static const char *timer_fires(bool phys)
{
    timer_ppi_on(phys);
    conform_irq_clear();
    uint64_t cval = timer_count(phys) + conform_hz() / 100u;
    conform_timer_set(phys, cval, CNT_CTL_ENABLE);
    irq_wait(WAIT_SECONDS * conform_hz());
    conform_timer_set(phys, 0, 0);
    volatile struct conform_irq *r = &conform_irq[conform_vcpu()];
    if (!r->count)
        return WHY(phys, "no interrupt within 5 s");
    conform_got(r->intid);
    if (r->intid != timer_ppi(phys))
        return WHY(phys, "the interrupt taken is not the timer's PPI");
    uint64_t at = phys ? r->cntpct : r->cntvct;
    conform_got(cval - at);
    if (at < cval)
        return WHY(phys, "taken before the compare value (got: counts early)");
    conform_got(r->timer_ctl);
    return (r->timer_ctl & CNT_CTL_ISTATUS) ? 0 : WHY(phys, "ISTATUS clear at the handler");
}

struct conform_result timer_virt_fires(void)
{
    const char *why = timer_fires(false);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

struct conform_result timer_phys_fires(void)
{
    const char *why = timer_fires(true);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/* How a case takes the condition away after the interrupt is pending. */
enum timer_off { TIMER_DISABLE, TIMER_IMASK, TIMER_FUTURE };

/*
 * Right after the exit that should have dropped it: nothing is pending
 * (ISR_EL1.I 0, GICC_HPPIR 1023) and unmasking takes no interrupt (one
 * left behind is taken and ended there: the next case starts clean); then
 * the timer still fires.
 */
static const char *nothing_left(bool phys)
{
    uint64_t after = isr();
    uint32_t hppir = gic_highest_pending();
    irq_wait(conform_hz() / 1000u); /* 1 ms */
    conform_timer_set(phys, 0, 0);
    conform_got(hppir);
    if (after & ISR_I)
        return WHY(phys, "still pending after the exit (got: GICC_HPPIR)");
    if (GIC_INTID(hppir) != GIC_SPURIOUS)
        return WHY(phys, "GICC_HPPIR shows an interrupt pending");
    volatile struct conform_irq *r = &conform_irq[conform_vcpu()];
    conform_got(r->intid);
    if (r->count)
        return WHY(phys, "an interrupt was taken after the exit");
    const char *why = timer_fires(phys);
    return why ? WHY(phys, "it no longer fires afterwards") : 0;
}

/*
 * PSTATE.I set: the timer armed to fire now becomes pending for the guest
 * (ISR_EL1.I, GICC_HPPIR its PPI); `off` takes its condition away; one
 * exit (PSCI VERSION); then nothing_left.
 */
static const char *timer_nothing_pending(bool phys, enum timer_off off)
{
    timer_ppi_on(phys);
    conform_irq_clear();
    conform_timer_set(phys, timer_count(phys), CNT_CTL_ENABLE);
    uint64_t end = conform_now() + WAIT_SECONDS * conform_hz();
    while (!(isr() & ISR_I) && conform_now() < end)
        ;
    uint32_t hppir = gic_highest_pending();
    conform_got(hppir);
    if (!(isr() & ISR_I))
        return WHY(phys, "the timer's interrupt never became pending (got: GICC_HPPIR)");
    if (GIC_INTID(hppir) != timer_ppi(phys))
        return WHY(phys, "the pending interrupt is not the timer's PPI");
    if (off == TIMER_DISABLE)
        conform_timer_set(phys, 0, 0);
    else if (off == TIMER_IMASK)
        conform_timer_set(phys, 0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
    else
        conform_timer_set(phys, timer_count(phys) + 1000u * conform_hz(), CNT_CTL_ENABLE);
    conform_hvc(PSCI_VERSION, 0, 0, 0); /* an exit: the level is resampled there */
    return nothing_left(phys);
}

/* The virtual timer, then the physical one. */
static struct conform_result nothing_pending(enum timer_off off)
{
    const char *why = timer_nothing_pending(false, off);
    if (!why)
        why = timer_nothing_pending(true, off);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

struct conform_result timer_disabled_nothing_pending(void)
{
    return nothing_pending(TIMER_DISABLE);
}

struct conform_result timer_masked_nothing_pending(void)
{
    return nothing_pending(TIMER_IMASK);
}

struct conform_result timer_future_nothing_pending(void)
{
    return nothing_pending(TIMER_FUTURE);
}

/*
 * The virtual timer fires while the guest has its PPI disabled: the VMM
 * holds the line (GICD_ISPENDR shows it). The guest turns the timer off,
 * then enables the PPI (an exit: the VMM hands the timer to the kernel
 * there); then nothing_left. The physical timer has no such path: while
 * its PPI is disabled it is not delivered at all (docs/vmm.md).
 */
struct conform_result timer_ppi_off_nothing_pending(void)
{
    gic_enable(GIC_PPI_VTIMER, false);
    conform_irq_clear();
    conform_timer_set(false, timer_count(false), CNT_CTL_ENABLE);
    uint64_t end = conform_now() + WAIT_SECONDS * conform_hz();
    while (!gic_pending(GIC_PPI_VTIMER) && conform_now() < end)
        ;
    if (!gic_pending(GIC_PPI_VTIMER))
        return CONFORM_FAILED("the disabled PPI never showed pending in GICD_ISPENDR0");
    conform_timer_set(false, 0, 0);
    gic_enable(GIC_PPI_VTIMER, true);
    const char *why = nothing_left(false);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}
