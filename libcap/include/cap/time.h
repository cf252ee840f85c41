/*
 * Time for components: the system counter and its frequency, the clock of
 * CV_SYS_WAIT_UNTIL (cap/ipc.h cv_wait_until).
 */
#ifndef CAP_TIME_H
#define CAP_TIME_H

#include <stdint.h>

/** The system counter (CNTVCT_EL0), ordered after earlier instructions. */
static inline uint64_t cv_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

/** Counter ticks per second: the info page's, else CNTFRQ_EL0. */
uint64_t cv_timer_freq(void);

#endif /* CAP_TIME_H */
