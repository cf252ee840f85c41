/*
 * The bare-metal guests' clock (guest/conform, guest/vbench): the virtual
 * counter CNTVCT_EL0 and its frequency CNTFRQ_EL0 (ARM ARM D11.2), read by
 * counter.S. Under QEMU with -icount shift=0 virtual time advances 1 ns
 * per instruction, so at virt's 62.5 MHz a tick is 16 instructions.
 */
#ifndef GUEST_COUNTER_H
#define GUEST_COUNTER_H

#include <stdint.h>

/** The virtual count now, read after an ISB (not before what came before). */
uint64_t counter_ticks(void);

/** The counter's frequency in Hz. */
uint64_t counter_hz(void);

#endif /* GUEST_COUNTER_H */
