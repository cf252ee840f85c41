/*
 * vbench: a bare-metal EL1 guest that measures what a guest pays for a
 * hypercall, an IPI between its vCPUs and a virtual timer interrupt (issue
 * 16, "Measure"). apps/vm_vbench boots it under a capvisor VMM with two
 * vCPUs; bench/vcpu/run.sh boots the same image on bare QEMU at EL1 too.
 * vCPU 0 measures; vCPU 1 times its own hypercalls once (hvc1: whose
 * exits the VMM serves on vCPU 1's core since issue 17, on vCPU 0's
 * before) and then only takes IPIs. One line per figure on the
 * PL011:
 *
 *     vbench: at ADDR (linked at ADDR), EL1, counter HZ Hz, PSCI version V
 *     vbench: hvc: N ops, T ns, M ns/op
 *     vbench: gicd: N ops, T ns, M ns/op
 *     vbench: hvc1: N ops, T ns, M ns/op          (vCPU 1's hypercalls)
 *     vbench: vtimer: N samples, mean M ns, min A ns, max B ns
 *     vbench: ipi_spin: N samples, mean M ns, min A ns, max B ns[, stopped ...]
 *     vbench: ipi_wfe: ...
 *     vbench: ipi_wfi: ...
 *     vbench: done
 *
 * then PSCI SYSTEM_OFF. Times are the virtual counter's in ns (a mean to a
 * tenth): under -icount shift=0 one ns is one instruction, of whichever
 * vCPU ran it (QEMU runs them in turn on one thread). Each stamp is exact
 * to the instruction there (stamp_ns), finer than the counter's 16 ns
 * tick. bench/README.md says what each figure is and how bare QEMU does
 * the same work.
 */
#include "vbench.h"
#include "counter.h"
#include "gic.h"
#include "psci.h"
#include "uart.h"

#define WARMUP      100u  /* untimed rounds before the hvc and vtimer figures */
#define IPI_WARMUP  10u   /* and before an IPI figure (some take a timeslice each) */
#define OPS         2000u /* timed rounds of each figure */
#define TIMER_AHEAD 1000u /* ticks from arming the timer to its compare value */
#define BUDGET_S    1u    /* seconds of counter time an IPI figure may take */
#define SGI_PING    1u    /* vCPU 0 -> vCPU 1: the IPI timed */
#define SGI_PONG    2u    /* vCPU 1 -> vCPU 0: handled; wakes vCPU 0 from WFI */
#define CNTV_ENABLE 1u    /* CNTV_CTL_EL0.ENABLE, IMASK clear */

/** How vCPU 0 waits for an IPI's answer and vCPU 1 for the IPI. */
enum wait { WAIT_SPIN, WAIT_WFE, WAIT_WFI };

/** One figure's samples, in ns. */
struct stats {
    uint64_t n, sum, min, max;
};

void vbench_main(void);
void vbench_secondary_main(uint64_t index);
extern char _start[];

uint8_t vbench_stacks[VBENCH_CPUS << VBENCH_STACK_SHIFT] __attribute__((aligned(16)));
static uint64_t ns_per_tick;

/* The virtual timer's last interrupt (vCPU 0). */
static volatile struct {
    uint64_t entry; /* its handler's entry, ns */
    uint32_t fired;
} vt;

/* The IPI ping-pong: vCPU 0 sends SGI_PING, vCPU 1's handler stamps its
 * entry and answers SGI_PONG after its EOI. Each count has one writer. */
static volatile struct {
    uint32_t wait;   /* enum wait: how both vCPUs wait now */
    uint32_t up;     /* vCPU 1 runs its loop */
    uint64_t entry;  /* vCPU 1's handler entry for the last ping, ns */
    uint32_t sent;   /* pings sent (vCPU 0) */
    uint32_t ponged; /* pongs taken (vCPU 0) */
    uint32_t hvc1;   /* set by vCPU 0: vCPU 1 times its hypercalls, then clears it */
} ipi;

static void irq_mask(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static void irq_unmask(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

/** Prints v / 10 with its tenth: 17655 -> "1765.5". */
static void put_tenths(uint64_t v)
{
    uart_put_dec(v / 10u);
    uart_put_char('.');
    uart_put_dec(v % 10u);
}

/**
 * The virtual time, in ns, of r[0] (vbench_reads). The first read of a
 * new tick, j reads on, was at that tick's start, so r[0] was j ns (j
 * instructions) before it. If no read saw a new tick (the reads span 15 ns,
 * a tick is 16), r[0] was at a tick's start. Exact under -icount
 * shift=0; without icount, close enough for a line to print.
 */
static uint64_t stamp_ns(const uint64_t r[VBENCH_READS])
{
    for (unsigned j = 1; j < VBENCH_READS; j++)
        if (r[j] != r[0])
            return r[j] * ns_per_tick - j;
    return r[0] * ns_per_tick;
}

static uint64_t now_ns(void)
{
    uint64_t r[VBENCH_READS];
    vbench_reads(r);
    return stamp_ns(r);
}

static void stats_add(struct stats *s, uint64_t v)
{
    s->min = s->n && s->min < v ? s->min : v;
    s->max = s->max > v ? s->max : v;
    s->sum += v;
    s->n++;
}

/** `vbench: NAME: N samples, mean M ns, min A ns, max B ns`, no newline. */
static void stats_print(const char *name, const struct stats *s)
{
    uart_put_str("vbench: ");
    uart_put_str(name);
    uart_put_str(": ");
    uart_put_dec(s->n);
    uart_put_str(" samples");
    if (s->n) {
        uart_put_str(", mean ");
        put_tenths(s->sum * 10u / s->n);
        uart_put_str(" ns, min ");
        uart_put_dec(s->min);
        uart_put_str(" ns, max ");
        uart_put_dec(s->max);
        uart_put_str(" ns");
    }
}

/* hvc: PSCI_VERSION over HVC #0, a round trip to who answers it (the VMM
 * under capvisor, QEMU itself on bare QEMU at EL1). */
static void op_hvc(void)
{
    psci_call(PSCI_VERSION, 0, 0, 0);
}

/* gicd: a distributor write that changes nothing (SGI_PING's enable bit,
 * set already): the exit an SGI's GICD_SGIR write is, without the SGI. */
static void op_gicd(void)
{
    gic_enable(SGI_PING, true);
}

/**
 * `vbench: NAME: N ops, T ns, M ns/op`: OPS calls of op after WARMUP,
 * timed together; ns/op includes the loop's and the call's few instructions.
 */
static void bench_ops(const char *name, void (*op)(void))
{
    for (unsigned i = 0; i < WARMUP; i++)
        op();
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < OPS; i++)
        op();
    uint64_t t = now_ns() - t0;
    uart_put_str("vbench: ");
    uart_put_str(name);
    uart_put_str(": ");
    uart_put_dec(OPS);
    uart_put_str(" ops, ");
    uart_put_dec(t);
    uart_put_str(" ns, ");
    put_tenths(t * 10u / OPS);
    uart_put_str(" ns/op\n");
}

/**
 * vtimer: the virtual timer's compare value set TIMER_AHEAD ticks ahead,
 * IRQs unmasked, a spin (not WFI: bare QEMU with icount sleep=off would
 * skip the idle time) until the handler has run; the latency is from the
 * instant the count reaches the compare value to the vector's entry.
 */
static void bench_vtimer(void)
{
    struct stats s = {0, 0, 0, 0};
    gic_enable(GIC_PPI_VTIMER, true);
    irq_unmask();
    for (unsigned i = 0; i < WARMUP + OPS; i++) {
        uint64_t cval = counter_ticks() + TIMER_AHEAD;
        vt.fired = 0;
        __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(cval),
                         "r"((uint64_t)CNTV_ENABLE)
                         : "memory");
        while (!vt.fired)
            ;
        if (i >= WARMUP)
            stats_add(&s, vt.entry - cval * ns_per_tick);
    }
    irq_mask();
    gic_enable(GIC_PPI_VTIMER, false);
    stats_print("vtimer", &s);
    uart_put_char('\n');
}

/**
 * Waits as `how` says until the pongs reach `want`: false at the counter's
 * `deadline`. The check and a WFI are made with IRQs masked (a WFI wakes on
 * a pending interrupt all the same), so a pong cannot slip in between.
 */
static bool wait_pong(uint32_t want, enum wait how, uint64_t deadline)
{
    for (;;) {
        irq_mask();
        bool done = ipi.ponged == want;
        if (!done && how == WAIT_WFI)
            __asm__ volatile("wfi");
        irq_unmask(); /* a pending pong is taken here */
        if (done)
            return true;
        if (how == WAIT_WFE)
            __asm__ volatile("wfe");
        if (counter_ticks() >= deadline)
            return false;
    }
}

/** One IPI: stamp, send, wait for the pong; the latency in *ns. */
static bool ipi_sample(enum wait how, uint64_t deadline, uint64_t *ns)
{
    uint64_t r[VBENCH_READS];
    uint32_t want = ++ipi.sent;
    vbench_reads(r);
    gic_send_sgi(SGI_PING, 1u << 1);
    if (!wait_pong(want, how, deadline))
        return false;
    *ns = ipi.entry - stamp_ns(r);
    return true;
}

/**
 * An IPI figure: IPI_WARMUP + OPS ping-pongs with both vCPUs waiting as
 * `how` says, within BUDGET_S seconds of counter time (where a round takes
 * a timeslice, or QEMU's instruction slice, they do not all fit: the line
 * then says after how many rounds it stopped). The latency is from vCPU
 * 0's stamp just before gic_send_sgi to the entry of vCPU 1's vector.
 * False if vCPU 1 stopped answering: the next figure would wait for it too.
 */
static bool bench_ipi(const char *name, enum wait how)
{
    struct stats s = {0, 0, 0, 0};
    uint64_t deadline = counter_ticks() + BUDGET_S * counter_hz();
    unsigned i = 0;
    bool stopped = false;
    ipi.wait = how;
    for (; i < IPI_WARMUP + OPS && !stopped; i++) {
        uint64_t ns;
        if (!ipi_sample(how, deadline, &ns))
            stopped = true;
        else if (i >= IPI_WARMUP)
            stats_add(&s, ns);
    }
    stats_print(name, &s);
    if (stopped) {
        uart_put_str(", stopped at the 1 s budget after ");
        uart_put_dec(i - 1u);
        uart_put_str(" rounds");
    }
    uart_put_char('\n');
    return !stopped || wait_pong(ipi.sent, WAIT_SPIN, counter_ticks() + BUDGET_S * counter_hz());
}

/** vCPU 1 up (PSCI CPU_ON), then the IPI figures; skipped with one vCPU. */
static void bench_ipis(void)
{
    uint64_t deadline = counter_ticks() + BUDGET_S * counter_hz();
    int64_t r = (int64_t)psci_call(PSCI_CPU_ON, 1, (uint64_t)vbench_secondary, 1);
    while (r == 0 && !ipi.up && counter_ticks() < deadline)
        ;
    if (r != 0 || !ipi.up) {
        uart_put_str("vbench: ipi: skipped (vCPU 1 did not start)\n");
        return;
    }
    /* vCPU 1's hypercalls first, while it spins (ipi.wait WAIT_SPIN). We
     * wait in WFI with IRQs masked (on one core WFE would keep the core:
     * QEMU does not trap it) for the SGI_PONG vCPU 1 sends when it is
     * done, and take that one here: the IPI figures count theirs. */
    gic_enable(SGI_PONG, true);
    ipi.hvc1 = 1;
    uint64_t end = counter_ticks() + 20 * counter_hz();
    uint32_t iar;
    while (GIC_INTID(iar = gic_ack()) == GIC_SPURIOUS && counter_ticks() < end)
        __asm__ volatile("wfi");
    if (GIC_INTID(iar) == GIC_SPURIOUS)
        uart_put_str("vbench: hvc1: vCPU 1 did not finish\n");
    else
        gic_eoi(iar);
    if (bench_ipi("ipi_spin", WAIT_SPIN) && bench_ipi("ipi_wfe", WAIT_WFE))
        bench_ipi("ipi_wfi", WAIT_WFI);
    else
        uart_put_str("vbench: ipi: vCPU 1 no longer answers; the rest skipped\n");
}

/** Where this image runs and was linked, the EL, the counter, PSCI's version. */
static void vbench_hello(uint64_t hz)
{
    static char *const volatile linked = _start; /* an absolute address, set at link time */
    uint64_t at, el;
    __asm__ volatile("adr %0, _start; mrs %1, currentel" : "=r"(at), "=r"(el));
    uart_put_str("vbench: at ");
    uart_put_hex(at);
    uart_put_str(" (linked at ");
    uart_put_hex((uint64_t)linked);
    uart_put_str("), EL");
    uart_put_dec((el >> 2) & 3u);
    uart_put_str(", counter ");
    uart_put_dec(hz);
    uart_put_str(" Hz, PSCI version ");
    uart_put_hex(psci_call(PSCI_VERSION, 0, 0, 0));
    uart_put_char('\n');
}

void vbench_main(void)
{
    uint64_t hz = counter_hz();
    ns_per_tick = 1000000000u / hz; /* 16 on QEMU virt (62.5 MHz) */
    vbench_hello(hz);
    gic_dist_init();
    gic_cpu_init();
    bench_ops("hvc", op_hvc);
    gic_enable(SGI_PING, true);
    bench_ops("gicd", op_gicd);
    bench_vtimer();
    bench_ipis();
    uart_put_str("vbench: done\n");
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

/** vCPU 1: takes pings, waiting as vCPU 0 says (ipi.wait), IRQs unmasked. */
void vbench_secondary_main(uint64_t index)
{
    (void)index;
    gic_cpu_init();
    gic_enable(SGI_PING, true);
    irq_unmask();
    ipi.up = 1;
    for (;;) {
        uint32_t how = ipi.wait;
        if (ipi.hvc1) {
            bench_ops("hvc1", op_hvc);
            ipi.hvc1 = 0;
            gic_send_sgi(SGI_PONG, 1u << 0); /* wakes vCPU 0 */
        }
        if (how == WAIT_WFE)
            __asm__ volatile("wfe");
        else if (how == WAIT_WFI)
            __asm__ volatile("wfi");
    }
}

void vbench_irq(const uint64_t r[VBENCH_READS], uint64_t lead)
{
    uint64_t entry = stamp_ns(r) - lead;
    uint32_t iar = gic_ack();
    switch (GIC_INTID(iar)) {
    case GIC_PPI_VTIMER:
        __asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory"); /* its level drops */
        vt.entry = entry;
        vt.fired = 1;
        break;
    case SGI_PING:
        ipi.entry = entry;
        gic_eoi(iar);
        gic_send_sgi(SGI_PONG, 1u << 0);
        return;
    case SGI_PONG:
        ipi.ponged = ipi.ponged + 1u;
        break;
    case GIC_SPURIOUS:
        return;
    default:
        break;
    }
    gic_eoi(iar);
}

void vbench_unexpected(uint64_t esr, uint64_t elr, uint64_t vector)
{
    uart_put_str("vbench: unexpected exception at vector ");
    uart_put_dec(vector);
    uart_put_str(", esr ");
    uart_put_hex(esr);
    uart_put_str(", elr ");
    uart_put_hex(elr);
    uart_put_char('\n');
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
