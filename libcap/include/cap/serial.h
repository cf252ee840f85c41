/*
 * A native component as a client of the serial server (components/serial):
 * its output goes out as lines prefixed with its name, and it gets what is
 * typed while the server gives it the input. The description connects
 * three interfaces of the client (apps/vm_serial_server/vm_serial_server.dts):
 *   serial         a dataport, struct sring_pair (cap/sring.h), the server's
 *                  interface named after the client;
 *   serial_kick    a notification to the server (its `kick`);
 *   serial_signal  a notification from the server (its `<client>_signal`):
 *                  output was taken, or input came.
 */
#ifndef CAP_SERIAL_H
#define CAP_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cap/sring.h>

struct cv_serial {
    struct sring_pair *ring;
    uint64_t kick;   /* cptr: to the server */
    uint64_t signal; /* cptr: from the server */
};

/** Finds the three interfaces; false if any is missing. */
bool cv_serial_open(struct cv_serial *s);

/** Writes all n bytes, waiting for the server while the ring is full. */
void cv_serial_write(struct cv_serial *s, const void *buf, size_t n);

/** Takes up to n typed bytes without waiting; returns how many. */
size_t cv_serial_read(struct cv_serial *s, void *buf, size_t n);

#endif /* CAP_SERIAL_H */
