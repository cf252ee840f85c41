/*
 * Interrupts: the kernel's own (timer tick, IPIs) and those given to user
 * level. A user interrupt is masked at the distributor when it fires and
 * its notification signalled; the handler's owner unmasks it with Ack.
 */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>

static struct cte irq_ntfn[IRQ_MAX]; /* copy of the notification cap */
static bool irq_taken[IRQ_MAX];

static uint64_t timer_slice(void)
{
    return arch_timer_freq() / (1000000u / SCHED_TIMESLICE_US);
}

/* An idle core's tick: it has no timeslice to end. Every wake-up of an
 * idle core takes the kernel lock twice; at the 5 ms tick, 3 idle cores
 * of a 4-core QEMU on 2 host cores kept the one running core waiting for
 * the lock (kernel_tests at 4 cores: 54 s, 4 s at 1). */
static uint64_t timer_idle_slice(void)
{
    return arch_timer_freq() / (1000u / SCHED_IDLE_TICK_MS);
}

void timer_start(void)
{
    this_core()->timer_at = arch_timer_now() + timer_slice();
    arch_timer_set(timer_slice());
}

void timer_idle_woken(void)
{
    timer_wake_by(arch_timer_now() + timer_slice());
}

void timer_wake_by(uint64_t deadline)
{
    struct core *c = this_core();
    uint64_t now = arch_timer_now();
    if (deadline >= c->timer_at)
        return;
    c->timer_at = deadline;
    arch_timer_set(deadline > now ? deadline - now : 1);
}

/* Next timer: the end of the timeslice, or sooner a vCPU's WFI deadline or
 * a timed notification wait's. */
static void timer_tick(void)
{
    console_log_kick(); /* the log reaches its reader within a tick */
    uint64_t now = arch_timer_now();
    /* idle: nothing runs here nor waits to (a current thread destroyed
     * meanwhile leaves cur NULL on the way to the next) */
    bool idle = !this_core()->cur && !this_core()->ready_words;
    uint64_t next = idle ? timer_idle_slice() : timer_slice();
    uint64_t wfi = vcpu_wfi_tick(this_core(), now);
    uint64_t sleep = ntfn_sleep_tick(this_core()->index, now);
    if (wfi && wfi > now && wfi - now < next)
        next = wfi - now;
    if (sleep && sleep > now && sleep - now < next)
        next = sleep - now;
    this_core()->timer_at = now + next;
    arch_timer_set(next);
    vcpu_posted_tick(this_core());
    this_core()->resched = true;
}

void irq_handle(uint32_t irq)
{
    if (irq >= IRQ_MAX)
        return;     /* spurious */
    if (irq < 16) { /* IPI: the other core changed something for us */
        arch_irq_eoi(irq);
        if (irq == ARCH_IPI_RESCHEDULE)
            this_core()->resched = true;
        return;
    }
    if (irq == plat.timer_hyp_ppi) {
        timer_tick(); /* re-arm before EOI: the timer PPI is level-triggered */
        arch_irq_eoi(irq);
        return;
    }
    if (irq == plat.uart_irq && irq != 0 && !console_uart_taken()) {
        console_irq();
        arch_irq_eoi(irq);
        return;
    }
    if (vcpu_handle_irq(irq)) {
        arch_irq_eoi(irq);
        return;
    }
    const struct cap *n = &irq_ntfn[irq].cap;
    arch_irq_disable(irq);
    arch_irq_eoi(irq);
    if (irq_taken[irq] && n->type == CV_OBJ_NOTIFICATION)
        ntfn_signal(pa_ptr(PA(n->obj)), n->data0);
    else
        kprintf("kernel: interrupt %u has no handler: masked\n", irq);
}

void irq_give(uint32_t irq, struct cte *dest, struct cte *parent)
{
    struct cap c = {.type = CV_OBJ_IRQ_HANDLER, .rights = CV_RIGHTS_ALL, .obj = irq};
    arch_irq_disable(irq); /* until its handler names a notification */
    cte_insert(dest, &c, parent);
    irq_taken[irq] = true;
    arch_irq_set_target(irq, 0);
}

static enum cv_err irq_get(struct invocation *inv)
{
    enum cv_err err;
    uint64_t irq = inv->mr[0];
    if (inv->len < 3)
        return CV_E_INVALID_ARG;
    if (irq < 32 || irq >= IRQ_MAX || irq > arch_irq_max())
        return CV_E_RANGE;
    if (irq_taken[irq] || irq == plat.uart_irq) /* the console UART is the kernel's */
        return CV_E_BUSY;
    struct cte *dest = cnode_slot(inv->thread, inv->mr[1], inv->mr[2], &err);
    if (!dest)
        return err;
    if (!cte_empty(dest))
        return CV_E_SLOT_OCCUPIED;
    irq_give((uint32_t)irq, dest, inv->slot);
    return CV_OK;
}

enum cv_err irq_control_invoke(struct invocation *inv)
{
    if (inv->label == CV_OP_IRQ_GET_CONSOLE)
        return console_get_invoke(inv);
    return inv->label == CV_OP_IRQ_GET ? irq_get(inv) : CV_E_INVALID_OP;
}

static enum cv_err irq_set_ntfn(uint32_t irq, const struct invocation *inv)
{
    enum cv_err err;
    struct cte *n =
        cnode_lookup_typed(inv->thread, inv->mr[0], CV_OBJ_NOTIFICATION, CV_RIGHT_WRITE, &err);
    if (!n)
        return err;
    cte_replace_copy(&irq_ntfn[irq], n);
    arch_irq_enable(irq);
    return CV_OK;
}

/* A UART handler cap of a serial server that stopped: the kernel took the
 * UART and its interrupt back (console_thread_stopped), and may have
 * given them to another since. Such a cap does nothing. */
static bool irq_stale(const struct cap *h)
{
    return h->obj == plat.uart_irq && !console_uart_irq_cap_live(h);
}

void irq_uart_taken_back(void)
{
    irq_taken[plat.uart_irq] = false;
    cte_delete(&irq_ntfn[plat.uart_irq]);
}

enum cv_err irq_handler_invoke(struct invocation *inv)
{
    const struct cap *h = &inv->slot->cap;
    uint32_t irq = (uint32_t)h->obj;
    if (irq_stale(h))
        return CV_E_BUSY;
    switch (inv->label) {
    case CV_OP_IRQ_SET_NTFN:
        return irq_set_ntfn(irq, inv);
    case CV_OP_IRQ_ACK:
        if (irq_ntfn[irq].cap.type != CV_OBJ_NOTIFICATION)
            return CV_E_BUSY;
        arch_irq_enable(irq);
        return CV_OK;
    case CV_OP_IRQ_CLEAR:
        arch_irq_disable(irq);
        cte_delete(&irq_ntfn[irq]);
        return CV_OK;
    default:
        return CV_E_INVALID_OP;
    }
}

void irq_handler_destroy(const struct cap *h)
{
    uint32_t irq = (uint32_t)h->obj;
    if (irq_stale(h))
        return; /* the interrupt is the kernel's, or another taker's */
    arch_irq_disable(irq);
    cte_delete(&irq_ntfn[irq]);
    irq_taken[irq] = false;
}
