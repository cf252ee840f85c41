/*
 * heartbeat: a native component beside the VM that prints `heartbeat N`
 * every HEARTBEAT_MS of counter time, yielding between looks at the
 * virtual counter. While a hostile guest pokes at its VMM, the lines keep
 * coming: the guest cannot stop the rest of the system.
 */
#include <stdio.h>

#include <cap/runtime.h>
#include <cap/syscall.h>

#define HEARTBEAT_MS 5000u

/** The virtual counter (CNTVCT_EL0), ordered after earlier instructions. */
static uint64_t heartbeat_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

/** Counter ticks per second: the info page's, else CNTFRQ_EL0. */
static uint64_t heartbeat_freq(void)
{
    uint64_t freq = cv_comp_info()->timer_freq;
    if (freq == 0)
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    return freq;
}

int run(void)
{
    uint64_t period = heartbeat_freq() * HEARTBEAT_MS / 1000u;
    uint64_t next = heartbeat_now() + period;
    for (unsigned long long beats = 1;; beats++) {
        while (heartbeat_now() < next)
            cv_yield();
        printf("heartbeat %llu\n", beats);
        next += period;
    }
}
