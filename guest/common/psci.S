/*
 * The bare-metal guests' firmware call (psci.h): uint64_t psci_call(x0..x3)
 * is HVC #0 itself, x0 back. SMCCC 1.0 lets the callee change x4..x17,
 * which a call may anyway.
 */
    .text
    .globl  psci_call
psci_call:
    hvc     #0
    ret
