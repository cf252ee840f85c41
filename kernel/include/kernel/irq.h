/* Interrupts given to user level: irq control and irq handler caps. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/cap.h>

#define IRQ_MAX 1020u

struct invocation;
/** CV_OP_IRQ_GET(_CONSOLE) on irq control, the others on a handler (syscall.h). */
enum cv_err irq_control_invoke(struct invocation *inv);
enum cv_err irq_handler_invoke(struct invocation *inv);
/** Handler cap h gone: detach and disable (not a stale UART one's: irq.c). */
void irq_handler_destroy(const struct cap *h);
/** The kernel took the UART back: its interrupt is no handler's. */
void irq_uart_taken_back(void);
/** Puts an irq handler cap for `irq` in empty slot dest (a child of parent); masked. */
void irq_give(uint32_t irq, struct cte *dest, struct cte *parent);
/** Kernel IRQ dispatch (timer, IPIs, user interrupts) of `irq`, acknowledged. */
void irq_handle(uint32_t irq);
/** This core's timer arms for the end of a timeslice from now. */
void timer_start(void);
/**
 * This core's timer fires by `deadline` (physical count): brought forward if it was set later,
 * never put back (a nearer deadline of another waiter stands).
 */
void timer_wake_by(uint64_t deadline);
/** This core leaves an idle wait: a thread may run now, whose timeslice
 * the idle tick (SCHED_IDLE_TICK_MS) would not end in time. */
void timer_idle_woken(void);

#endif
