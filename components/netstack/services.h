/*
 * What netstack serves and initiates over lwIP's raw API (docs/netstack.md):
 *   UDP 7    echo: each datagram back to its sender;
 *   TCP 80   HTTP: GET /gen/N answers N bytes of the seq.h stream;
 *   TCP 9    discard: counts what arrives, says how much at the close;
 *   connect  (netcfg's connect line) opens TCP to a listener, sends its
 *            bytes of seq.h and closes; tries again a second after each
 *            attempt, so a listener gets the payload each time one appears.
 * Connections are taken from fixed pools: one beyond them is refused
 * (reset) and counted.
 */
#ifndef NETSTACK_SERVICES_H
#define NETSTACK_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "netcfg.h"

#define SVC_UDP_ECHO_PORT 7u
#define SVC_DISCARD_PORT  9u
#define SVC_HTTP_PORT     80u
#define SVC_HTTP_CONNS    4u    /* HTTP connections at once */
#define SVC_DISCARD_CONNS 2u    /* discard connections at once */
#define SVC_IDLE_S        30u   /* a connection with no progress for this long is reset */
#define SVC_RETRY_MS      1000u /* between two connect attempts */
#define SVC_LOG_BUDGET    16u   /* lines about refusals per status period, then only counts */

/** Counts of what was served and refused. */
struct svc_counters {
    uint64_t udp_echoed;
    uint64_t http_served, http_bytes, http_refused, http_busy, http_reset;
    uint64_t discard_conns, discard_bytes, discard_busy;
    uint64_t connect_attempts, connect_done, connect_failed, connect_bytes;
};

/** Starts every service (the connect one if cfg has it); false if lwIP had no room. */
bool svc_start(const struct netcfg *cfg);

/** The counters so far. */
const struct svc_counters *svc_counters(void);

/** A new status period: refusals are printed again, up to SVC_LOG_BUDGET. */
void svc_period(void);

#endif /* NETSTACK_SERVICES_H */
