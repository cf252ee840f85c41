/*
 * netstack's network interface: an lwIP netif whose link is one port of
 * the virtual switch (docs/vswitch.md; the same side of the port a VMM's
 * netport is): frames out go into the to_switch frame ring, frames in come
 * from the to_vm ring, each copied once between a slot and a pbuf.
 */
#ifndef NETSTACK_RINGIF_H
#define NETSTACK_RINGIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cap/fring.h>

#include "lwip/netif.h"

#define RINGIF_BUDGET     64u /* frames taken from the ring per ringif_input */
#define RINGIF_TX_WAIT_MS 20u /* the longest a frame waits for room before it is dropped */

/** Frames and drops, from the component's side. */
struct ringif_counters {
    uint64_t rx, rx_bytes, tx, tx_bytes;
    uint64_t rx_malformed; /* a slot's length over a frame's, or under a header */
    uint64_t rx_not_mine;  /* a unicast frame for another MAC (the switch floods unknown ones) */
    uint64_t rx_nomem;     /* no pbuf to copy it into */
    uint64_t tx_full;      /* no room in the ring for RINGIF_TX_WAIT_MS: dropped */
    uint64_t tx_long;      /* longer than a slot holds: dropped */
};

/** The interface: the port's rings, its notifications and counters. */
struct ringif {
    struct netif netif;
    struct fring tx, rx;
    uint64_t kick;   /* the switch's notification */
    uint64_t signal; /* the switch signals this one */
    struct ringif_counters count;
};

/**
 * Opens the port's dataport (mem, size bytes) and adds the netif with mac,
 * ip, netmask as lwIP's default interface, up. false if the dataport is
 * too small for two rings.
 */
bool ringif_open(struct ringif *rif, void *mem, size_t size, uint64_t kick, uint64_t signal,
                 const uint8_t mac[6], const ip4_addr_t *ip, const ip4_addr_t *netmask);

/** Hands up to RINGIF_BUDGET waiting frames to lwIP; returns how many were taken. */
unsigned ringif_input(struct ringif *rif);

/** Publishes the frames lwIP sent since the last flush (one kick if the switch asked). */
void ringif_flush(struct ringif *rif);

/**
 * Nothing was waiting: asks the switch for a signal. true: still nothing,
 * the caller may sleep on rif->signal; false: frames came meanwhile.
 */
bool ringif_idle(struct ringif *rif);

#endif /* NETSTACK_RINGIF_H */
