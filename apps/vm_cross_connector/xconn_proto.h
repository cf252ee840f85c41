/*
 * The exchange vm_cross_connector's guest program (guest/xconn/xconn.c)
 * and native component (native.c) run over one cross-connector
 * (docs/xconn.md): two dataports, `req` (BAR 1) and `ans` (BAR 2), each
 * starting with a struct xproto_msg header and its bytes; three doorbells
 * the guest rings and two events the native side raises. Both sides see
 * the dataports as 32-bit words (the guest maps its BARs uncached:
 * Device memory takes no unaligned or cache-zeroing accesses).
 */
#ifndef XCONN_PROTO_H
#define XCONN_PROTO_H

#include <stdint.h>

/* Doorbells (the device's emitted events, BAR 0 at 0x100 + 4 i). */
#define XPROTO_REQUEST 0u /* req holds a request: answer it in ans */
#define XPROTO_REPLY   1u /* req holds the guest's reply to the native side's call */
#define XPROTO_LISTEN  2u /* req's first word: calls the guest now waits for */
/* Events (bits of the EVENTS register). */
#define XPROTO_ANSWER 0u /* ans holds the answer to the request */
#define XPROTO_CALL   1u /* ans holds a call from the native side: reply in req */

#define XPROTO_REFUSED 0xffffffffu /* an answer's len: the request was refused */

/** The header at the start of each dataport; the message's bytes follow. */
struct xproto_msg {
    uint32_t seq; /* the request's (or call's) number; its answer's is the same */
    uint32_t len; /* bytes after the header */
    uint32_t sum; /* an answer's or reply: xproto_sum of what it answers */
    uint32_t pad;
};
#define XPROTO_HDR_WORDS 4u

/** FNV-1a of n bytes: what an answer carries of the message it answers. */
static inline uint32_t xproto_sum(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/** n bytes from 32-bit words w (little-endian) into p. */
static inline void xproto_get(const volatile uint32_t *w, uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += 4) {
        uint32_t v = w[i / 4];
        for (uint32_t k = 0; k < 4 && i + k < n; k++)
            p[i + k] = (uint8_t)(v >> (8 * k));
    }
}

/** n bytes from p into 32-bit words w (the last word padded with zeroes). */
static inline void xproto_put(volatile uint32_t *w, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        for (uint32_t k = 0; k < 4 && i + k < n; k++)
            v |= (uint32_t)p[i + k] << (8 * k);
        w[i / 4] = v;
    }
}

#endif /* XCONN_PROTO_H */
