/*
 * A byte ring in memory shared by two components, one producer and one
 * consumer: the serial server's link to each of its clients (two rings in
 * one dataport, struct sring_pair). The producer writes data then `head`,
 * the consumer reads data then writes `tail`, both indices free-running.
 * Neither side trusts the other: an index that claims more bytes than the
 * ring holds is reported (sring_ok) and the ring is then reset by its
 * consumer, never read beyond its data.
 */
#ifndef CAP_SRING_H
#define CAP_SRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRING_DATA 4080u /* a ring is 4 KiB with its header */

struct sring {
    volatile uint32_t head; /* bytes ever written (producer) */
    volatile uint32_t tail; /* bytes ever read (consumer) */
    uint32_t reserved[2];
    uint8_t data[SRING_DATA];
};

/** The dataport between a client and the serial server. */
struct sring_pair {
    struct sring out; /* client -> server: what the client prints */
    struct sring in;  /* server -> client: what is typed to it */
};

/** Bytes waiting in r, or SRING_DATA + 1 if its indices are inconsistent. */
size_t sring_count(const struct sring *r);

/** Whether r's indices are consistent (at most SRING_DATA bytes waiting). */
bool sring_ok(const struct sring *r);

/** Producer: copies up to n bytes in; returns how many fitted. */
size_t sring_put(struct sring *r, const void *buf, size_t n);

/**
 * Consumer: copies up to n bytes out; returns how many. A ring with
 * inconsistent indices gives nothing (check sring_ok, then sring_reset).
 */
size_t sring_get(struct sring *r, void *buf, size_t n);

/**
 * Consumer that keeps its own copy of the tail (*tail), so a producer that
 * rewrites the shared `tail` cannot make it read the same bytes again:
 * copies up to n bytes, advances *tail and publishes it; 0 if the shared
 * head is inconsistent with *tail.
 */
size_t sring_take(struct sring *r, uint32_t *tail, void *buf, size_t n);

/** Consumer: drops whatever is waiting (tail = head). */
void sring_reset(struct sring *r);

#endif /* CAP_SRING_H */
