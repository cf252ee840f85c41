/*
 * Host stand-in for libcap's cap/time.h (test_ringif): the counter is a
 * variable the test moves, at 1 MHz.
 */
#ifndef CAP_TIME_H
#define CAP_TIME_H

#include <stdint.h>

/** The fake counter (test_ringif.c). */
extern uint64_t fake_now;

/** The fake counter's value. */
static inline uint64_t cv_now(void)
{
    return fake_now;
}

/** 1 MHz. */
static inline uint64_t cv_timer_freq(void)
{
    return 1000000u;
}

#endif /* CAP_TIME_H */
