/*
 * What lwIP needs of the system with NO_SYS (lwip/sys.h): the time in
 * milliseconds, from the architectural counter (cap/time.h), and a
 * pseudo-random number for its first local ports.
 */
#include <stdint.h>

#include <cap/time.h>

#include "lwip/sys.h"

/** Milliseconds since the counter started (wraps after 49 days, as lwIP expects). */
u32_t sys_now(void)
{
    static uint64_t freq;
    if (!freq)
        freq = cv_timer_freq();
    return (u32_t)(cv_now() / (freq / 1000u));
}

/** xorshift64 seeded from the counter: unpredictable enough for port numbers. */
unsigned int netstack_rand(void)
{
    static uint64_t x;
    if (!x)
        x = cv_now() | 1u;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return (unsigned int)(x >> 32);
}
