/*
 * Console input for user level. The kernel owns the PL011; typed bytes are
 * buffered here and handed to holders of a console cap (CV_OBJ_CONSOLE,
 * made by irq control), who are signalled on a notification of their own.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/cap.h>

/** irq control CV_OP_IRQ_GET_CONSOLE. */
enum cv_err console_get_invoke(struct cte *ctl);
/** CV_OP_CONSOLE_* on a console cap. */
enum cv_err console_invoke(uint64_t label);
/** The UART's receive interrupt: buffer the bytes, signal the reader. */
void console_irq(void);

#endif
