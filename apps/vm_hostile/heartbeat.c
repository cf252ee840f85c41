/*
 * heartbeat: a native component beside the VM that prints `heartbeat N`
 * every HEARTBEAT_MS of counter time, yielding between looks at the
 * virtual counter. While a hostile guest pokes at its VMM, the lines keep
 * coming: the guest cannot stop the rest of the system.
 */
#include <stdio.h>

#include <cap/runtime.h>
#include <cap/syscall.h>
#include <cap/time.h>

#define HEARTBEAT_MS 5000u

int run(void)
{
    uint64_t period = cv_timer_freq() * HEARTBEAT_MS / 1000u;
    uint64_t next = cv_now() + period;
    for (unsigned long long beats = 1;; beats++) {
        while (cv_now() < next)
            cv_yield();
        printf("heartbeat %llu\n", beats);
        next += period;
    }
}
