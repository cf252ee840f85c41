/*
 * Console input for user level. The kernel owns the PL011; typed bytes are
 * buffered here and handed to holders of a console cap (CV_OBJ_CONSOLE,
 * made by irq control), who are signalled on a notification of their own.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

#include <kernel/cap.h>

struct tcb;
struct invocation;

/** CV_OP_IRQ_GET_CONSOLE on the invoked irq control cap (syscall.h struct invocation). */
enum cv_err console_get_invoke(struct invocation *inv);
/** CV_OP_CONSOLE_* on the invoked console cap. */
enum cv_err console_invoke(struct invocation *inv);
/** Whether a console cap holder took the UART (CV_OP_CONSOLE_TAKE_UART). */
bool console_uart_taken(void);
/** Whether h, an irq handler cap of the UART's interrupt, is the current taker's. */
bool console_uart_irq_cap_live(const struct cap *h);
/** Appends n bytes to the log the UART's owner reads (whole, or dropped). */
void console_log_write(const char *s, size_t n);
/** Signals the console notification if the log got bytes since (a safe point). */
void console_log_kick(void);
/** The UART's receive interrupt: buffer the bytes, signal the reader. */
void console_irq(void);
/**
 * Thread t stops for good (an unhandled fault, its exit, suspend or
 * deletion): if it took the UART (a serial server), the kernel takes it back.
 */
void console_thread_stopped(const struct tcb *t);

#endif
