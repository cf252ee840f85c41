/*
 * The guest's console: what it writes to its PL011 is printed on the
 * system console, one line at a time prefixed with the VM's name ("vm0: ");
 * what is typed on the system console (the console-input capability,
 * abi.h CV_OP_CONSOLE_*) goes into the PL011's receive FIFO.
 *
 * A VMM that the description connects to the serial server (interfaces
 * `serial`, `serial_kick`, `serial_signal`, cap/serial.h) is its client:
 * its first virtio console's output goes to the server's ring as it is
 * (the server prefixes and line-buffers it), and what the server gives it
 * is that console's input. Its own lines, and a PL011's, go on as before
 * (the kernel's log, which the server prints too).
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdint.h>

#include "vm.h"

/**
 * Arranges for console input to wake the VMM: a notification signalled by
 * the console cap (CV_COMP_SLOT_CONSOLE) or the serial server and bound to
 * the VMM's own thread, so its Recv on the fault endpoint returns with
 * CV_MSG_LABEL_NTFN. Without either the guest gets no input (said once).
 * The switch ports' signal is that notification too (netport.h). False,
 * the reason printed, if the VMM cannot wait for them all.
 */
bool console_init(struct vm *vm);

/**
 * Output of the VM's first virtio console: to the serial server's ring if
 * the VMM is its client (as much as fits: the rest waits, and so does the
 * guest), else into the console lines. Returns how much it took.
 */
size_t console_hvc_out(struct vm *vm, const uint8_t *buf, size_t n);

/** pl011_tx_fn: one byte from the guest (ctx is the struct vm). */
void console_tx(void *ctx, uint8_t byte);

/**
 * Forgets what the guest printed before a reboot: the watch for a kernel
 * panic (vm_console.panicked, reported by fw.c at the reset) starts afresh.
 */
void console_reset(struct vm *vm);

/** Prints a partial output line now (the guest stopped writing, e.g. a prompt). */
void console_flush(struct vm *vm);

/** Console input arrived: read it from the kernel and feed the UART. */
void console_input(struct vm *vm);

/** Moves buffered input into the UART's receive FIFO as it drains. */
void console_feed(struct vm *vm);

#endif /* VMM_CONSOLE_H */
