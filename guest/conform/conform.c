/*
 * conform: a bare-metal guest kernel that checks what the virtual CPU
 * advertises against what it does (issue 16). It runs at EL1 with the MMU
 * off on vCPU 0, runs every case of cases.c in turn and prints on the
 * emulated PL011
 *
 *     conform: CASE: ok | FAIL (why[, got 0x...]) | skip (why)
 *     conform: N ok, F failed, S skipped
 *
 * then powers the VM off (PSCI SYSTEM_OFF). tests/system/CMakeLists.txt
 * (system.vm_conform.*) checks the last line's counts and that no line
 * says FAIL. An exception the suite did not provoke (an interrupt with
 * SP_EL0, an FIQ, an SError) is reported and ends the run without the
 * count line; IRQs go to conform_irq_handle, which records them.
 */
#include "conform.h"
#include "counter.h"
#include "gic.h"
#include "uart.h"

volatile struct conform_exc conform_exc;
volatile struct conform_irq conform_irq[CONFORM_CPUS];
static uint64_t got;
static bool got_set;

void conform_main(void);
void conform_unexpected(uint64_t esr, uint64_t elr, uint64_t vector);
void conform_irq_handle(uint64_t cntvct, uint64_t cntpct);

void conform_got(uint64_t v)
{
    got = v;
    got_set = true;
}

void conform_exc_clear(void)
{
    conform_exc.esr = 0;
    conform_exc.far = 0;
    conform_exc.elr = 0;
    conform_exc.count = 0;
    conform_exc.ret_lr = 0;
}

unsigned conform_vcpu(void)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    return (unsigned)(mpidr & 0xffu) % CONFORM_CPUS;
}

void conform_irq_clear(void)
{
    volatile struct conform_irq *r = &conform_irq[conform_vcpu()];
    r->count = r->spurious = 0;
    r->intid = r->vcpu = 0;
    r->cntvct = r->cntpct = r->timer_ctl = 0;
}

/* A timer's PPI: its CTL as found (ISTATUS), then IMASK set (conform.h). */
static uint64_t irq_quiet_timer(unsigned intid)
{
    uint64_t ctl = 0;
    if (intid == GIC_PPI_VTIMER) {
        __asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(ctl));
        __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"(ctl | CNT_CTL_IMASK));
    } else if (intid == GIC_PPI_PTIMER) {
        __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(ctl));
        __asm__ volatile("msr cntp_ctl_el0, %0\n\tisb" ::"r"(ctl | CNT_CTL_IMASK));
    }
    return ctl;
}

/** head.S conform_irq: one interrupt, with the counters at the handler's entry. */
void conform_irq_handle(uint64_t cntvct, uint64_t cntpct)
{
    uint32_t iar = gic_ack();
    unsigned intid = GIC_INTID(iar);
    volatile struct conform_irq *r = &conform_irq[conform_vcpu()];
    if (intid == GIC_SPURIOUS) { /* nothing to end (GICv2 spec 4.4.5) */
        r->spurious++;
        return;
    }
    uint64_t ctl = irq_quiet_timer(intid);
    if (!r->count) {
        r->intid = intid;
        r->vcpu = conform_vcpu();
        r->cntvct = cntvct;
        r->cntpct = cntpct;
        r->timer_ctl = ctl;
    }
    r->count++;
    gic_eoi(iar);
    __asm__ volatile("dsb ish\n\tsev"); /* a vCPU may wait for the count in a WFE */
}

uint64_t conform_now(void)
{
    return counter_ticks();
}

uint64_t conform_hz(void)
{
    return counter_hz();
}

bool conform_wait(const volatile uint64_t *v, uint64_t want)
{
    uint64_t end = conform_now() + 20 * conform_hz();
    while (*v < want) {
        if (conform_now() > end)
            return false;
        __asm__ volatile("wfe"); /* under -icount a spinning core would keep QEMU's thread */
    }
    return true;
}

/** Runs one case and prints its line; returns its outcome. */
static enum conform_outcome conform_run(const struct conform_case *c)
{
    conform_exc_clear();
    got_set = false;
    struct conform_result r = c->run();
    uart_put_str("conform: ");
    uart_put_str(c->name);
    if (r.outcome == CONFORM_OK) {
        uart_put_str(": ok\n");
        return r.outcome;
    }
    uart_put_str(r.outcome == CONFORM_FAIL ? ": FAIL (" : ": skip (");
    uart_put_str(r.why ? r.why : "no reason given");
    if (got_set) {
        uart_put_str(", got ");
        uart_put_hex(got);
    }
    uart_put_str(")\n");
    return r.outcome;
}

void conform_main(void)
{
    uint64_t count[3] = {0, 0, 0};
    gic_dist_init(); /* interrupts stay masked (PSTATE.I) but where a case waits for one */
    gic_cpu_init();
    uart_put_str("conform: ");
    uart_put_dec(conform_case_count);
    uart_put_str(" cases\n");
    for (unsigned i = 0; i < conform_case_count; i++)
        count[conform_run(&conform_cases[i])]++;
    uart_put_str("conform: ");
    uart_put_dec(count[CONFORM_OK]);
    uart_put_str(" ok, ");
    uart_put_dec(count[CONFORM_FAIL]);
    uart_put_str(" failed, ");
    uart_put_dec(count[CONFORM_SKIP]);
    uart_put_str(" skipped\n");
    conform_last_words();
    conform_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

/** head.S conform_other: an exception no case asked for. */
void conform_unexpected(uint64_t esr, uint64_t elr, uint64_t vector)
{
    uart_put_str("conform: unexpected exception at vector ");
    uart_put_dec(vector);
    uart_put_str(", esr ");
    uart_put_hex(esr);
    uart_put_str(", elr ");
    uart_put_hex(elr);
    uart_put_str("\n");
    conform_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}
