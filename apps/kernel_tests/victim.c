/*
 * kt_victim: reads an address it was never given. Its fault goes to the
 * `tests` component (fault-handler in kernel_tests.dts), which checks the
 * fault message and stops it (t_fault.c: fault.victim_isolation).
 */
#include <stdint.h>
#include <stdio.h>

#include <cap/runtime.h>

#define VICTIM_ADDRESS 0x30000000u /* nothing is mapped there */

int run(void)
{
    uint32_t v = *(volatile uint32_t *)(uintptr_t)VICTIM_ADDRESS;
    printf("kt_victim: error: read %#x from an address it was not given\n", (unsigned)v);
    return 1;
}
