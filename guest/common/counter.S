/*
 * The bare-metal guests' clock (counter.h).
 */
    .text
    .globl  counter_ticks, counter_hz
counter_ticks:
    isb
    mrs     x0, cntvct_el0
    ret

counter_hz:
    mrs     x0, cntfrq_el0
    ret
