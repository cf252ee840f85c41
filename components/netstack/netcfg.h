/*
 * netstack's configuration file (a boot-archive file, `netcfg`): its
 * address on the network and the connection it opens. One setting a line,
 * '#' starts a comment:
 *
 *   mac 02:00:00:00:00:10          its MAC (the same as its line in the switch's ports file)
 *   ip 10.0.0.2/24                 its address and prefix length (1..30)
 *   connect 10.0.0.1 5001 1048576  open TCP to ADDR PORT, send BYTES of seq.h, close
 *
 * mac and ip are required, connect optional; each at most once. Portable
 * (host.test_netstack: one bad file per error).
 */
#ifndef NETSTACK_NETCFG_H
#define NETSTACK_NETCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETCFG_BYTES_MAX (1ull << 30) /* the largest connect payload */

/** The settings; addresses in network order (ip[0] first on the wire). */
struct netcfg {
    uint8_t mac[6];
    uint8_t ip[4];
    unsigned prefix;
    bool connect; /* a connect line was given */
    uint8_t connect_ip[4];
    uint16_t connect_port;
    uint64_t connect_bytes;
};

/**
 * Parses text (len bytes, need not be terminated) into *cfg. 0 on success;
 * else the line of the first error (or the line after the last, for a
 * missing setting) and *why says what is wrong.
 */
unsigned netcfg_parse(const char *text, size_t len, struct netcfg *cfg, const char **why);

#endif /* NETSTACK_NETCFG_H */
