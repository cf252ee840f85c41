/*
 * kt_heartbeat: a low-priority component that keeps running while the
 * kernel tests run (and the victim is stopped). It counts in the dataport
 * `hb` it shares with `tests` (struct kt_heartbeat, kt.h), which checks
 * at the end that the counts moved, and prints `heartbeat N` every
 * HEARTBEAT_MS of the time it gets.
 */
#include <stdio.h>

#include <cap/runtime.h>
#include <cap/syscall.h>
#include <cap/time.h>

#include "kt.h"

#define HEARTBEAT_MS 500u

int run(void)
{
    size_t size = 0;
    struct kt_heartbeat *hb = cv_iface_vaddr("hb", &size);
    uint64_t freq = cv_timer_freq();

    if (!hb || size < sizeof(*hb)) {
        printf("heartbeat: no dataport hb\n");
        return 1;
    }
    uint64_t period = freq * HEARTBEAT_MS / 1000u;
    uint64_t next = cv_now(); /* the first beat at once */
    for (;;) {
        hb->spins++;
        if (cv_now() >= next) {
            hb->beats++;
            printf("heartbeat %llu\n", (unsigned long long)hb->beats);
            next = cv_now() + period;
        }
        cv_yield();
    }
}
