/*
 * Host stand-in for libcap's cap/ipc.h (test_ringif): signals are counted,
 * a timed wait returns at once with the counter moved to its deadline.
 */
#ifndef CAP_IPC_H
#define CAP_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include <cap/time.h>

/** Counts the signal (test_ringif.c). */
void cv_signal(uint64_t ntfn);

/** No signal comes: the counter jumps to deadline; false. */
bool cv_wait_until(uint64_t ntfn, uint64_t deadline, uint64_t *word);

#endif /* CAP_IPC_H */
