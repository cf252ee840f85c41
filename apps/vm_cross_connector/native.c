/*
 * xconn_native: the native end of vm_cross_connector's two connections
 * (README.md). For each connection NAME (xc0, xc1) it has the dataports
 * NAME_req and NAME_ans (the same memory as the guest's BARs 1 and 2),
 * raises NAME_answer and NAME_call (the device's events 0 and 1), and
 * takes the guest's doorbells on its one notification `doorbell`: bit
 * 3 k + d is doorbell d of connection k (the order of `from` in the
 * description). It answers a request with the bytes reversed and their
 * checksum, and on LISTEN calls the guest that many times, checking each
 * reply. What it refuses it says, a line per kind a connection (then a count).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cap/ipc.h>
#include <cap/runtime.h>

#include "xconn_proto.h"

#define CONNS        2u
#define DOORBELLS    3u
#define MSG_MAX      (64u * 1024u)
#define REFUSED_LOGS 4u

/** One connection's end. */
struct conn {
    const char *name;
    volatile uint32_t *req, *ans;
    size_t req_size, ans_size;
    uint64_t answer, call; /* caps of the events it raises */
    uint32_t calls_left, call_seq;
    uint64_t requests, calls_ok, refused;
};

static uint8_t scratch[MSG_MAX];

/** A refusal: said for the first few, counted always. */
static void refuse(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    if (++c->refused > REFUSED_LOGS)
        return;
    printf("xconn_native: %s: ", c->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(": refused%s\n", c->refused == REFUSED_LOGS ? " (further refusals only counted)" : "");
}

/** REQUEST: ans = the request reversed, with its sum; then the ANSWER event. */
static void on_request(struct conn *c)
{
    uint32_t seq = c->req[0], len = c->req[1];
    size_t room = c->req_size - XPROTO_HDR_WORDS * 4u;
    c->requests++;
    if (len > room || len > c->ans_size - XPROTO_HDR_WORDS * 4u || len > MSG_MAX) {
        refuse(c, "request %u of %u bytes runs past its dataport (%zu bytes)", seq, len,
               c->req_size);
        c->ans[1] = XPROTO_REFUSED;
        c->ans[0] = seq;
        cv_signal(c->answer);
        return;
    }
    xproto_get(&c->req[XPROTO_HDR_WORDS], scratch, len);
    uint32_t sum = xproto_sum(scratch, len);
    for (uint32_t i = 0; i < len / 2; i++) {
        uint8_t t = scratch[i];
        scratch[i] = scratch[len - 1 - i];
        scratch[len - 1 - i] = t;
    }
    xproto_put(&c->ans[XPROTO_HDR_WORDS], scratch, len);
    c->ans[1] = len;
    c->ans[2] = sum;
    c->ans[0] = seq; /* last: the guest checks it */
    cv_signal(c->answer);
}

/** Puts call number c->call_seq in ans and raises CALL. */
static void call_next(struct conn *c)
{
    int n = snprintf((char *)scratch, sizeof(scratch), "call %u from the native side of %s",
                     (unsigned)c->call_seq, c->name);
    xproto_put(&c->ans[XPROTO_HDR_WORDS], scratch, (uint32_t)n);
    c->ans[1] = (uint32_t)n;
    c->ans[2] = 0;
    c->ans[0] = c->call_seq;
    cv_signal(c->call);
}

/** REPLY: the guest's reply to the current call (the call reversed, its sum). */
static void on_reply(struct conn *c)
{
    uint32_t seq = c->req[0], len = c->req[1];
    if (!c->calls_left) {
        refuse(c, "reply %u with no call waiting", seq);
        return;
    }
    if (seq != c->call_seq || len > c->req_size - XPROTO_HDR_WORDS * 4u || len > MSG_MAX) {
        refuse(c, "reply %u (of %u bytes) is not to the call waiting", seq, len);
        return;
    }
    int n = snprintf((char *)scratch, sizeof(scratch), "call %u from the native side of %s",
                     (unsigned)seq, c->name);
    uint32_t want = xproto_sum(scratch, (uint32_t)n);
    uint8_t got[128];
    bool ok = len == (uint32_t)n && len <= sizeof(got) && c->req[2] == want;
    if (ok) {
        xproto_get(&c->req[XPROTO_HDR_WORDS], got, len);
        for (uint32_t i = 0; i < len && ok; i++)
            ok = got[i] == scratch[len - 1 - i];
    }
    if (!ok) {
        refuse(c, "reply %u (of %u bytes) is wrong", seq, len);
        return;
    }
    c->calls_ok++;
    c->call_seq++;
    if (--c->calls_left)
        call_next(c);
    else
        printf("xconn_native: %s: %llu calls answered right (%llu refused so far)\n", c->name,
               (unsigned long long)c->calls_ok, (unsigned long long)c->refused);
}

/** LISTEN: the guest waits for req[0] calls. */
static void on_listen(struct conn *c)
{
    uint32_t n = c->req[0];
    if (n == 0 || n > 1000000u) {
        refuse(c, "listen for %u calls (1..%u)", n, 1000000u);
        return;
    }
    c->calls_left = n;
    c->calls_ok = 0;
    c->call_seq = 1;
    call_next(c);
}

/** The caps and mappings of connection `name`. */
static bool conn_open(struct conn *c, const char *name)
{
    char buf[40];
    memset(c, 0, sizeof(*c));
    c->name = name;
    snprintf(buf, sizeof(buf), "%s_req", name);
    c->req = cv_iface_vaddr(buf, &c->req_size);
    snprintf(buf, sizeof(buf), "%s_ans", name);
    c->ans = cv_iface_vaddr(buf, &c->ans_size);
    snprintf(buf, sizeof(buf), "%s_answer", name);
    c->answer = cv_iface_cap(buf);
    snprintf(buf, sizeof(buf), "%s_call", name);
    c->call = cv_iface_cap(buf);
    return c->req && c->ans && c->answer && c->call && c->req_size > XPROTO_HDR_WORDS * 4u &&
           c->ans_size > XPROTO_HDR_WORDS * 4u;
}

int run(void)
{
    static struct conn conn[CONNS];
    static const char *const names[CONNS] = {"xc0", "xc1"};
    static void (*const on[DOORBELLS])(struct conn *) = {on_request, on_reply, on_listen};
    uint64_t doorbell = cv_iface_cap("doorbell");
    for (unsigned k = 0; k < CONNS; k++)
        if (!conn_open(&conn[k], names[k]) || !doorbell) {
            printf("xconn_native: FAILED: connection %s is missing an interface\n", names[k]);
            return 1;
        }
    printf("xconn_native: serving xc0 (%zu + %zu bytes) and xc1 (%zu + %zu bytes)\n",
           conn[0].req_size, conn[0].ans_size, conn[1].req_size, conn[1].ans_size);
    for (;;) {
        uint64_t word = 0;
        cv_wait(doorbell, &word);
        for (unsigned bit = 0; bit < CONNS * DOORBELLS; bit++)
            if (word >> bit & 1u)
                on[bit % DOORBELLS](&conn[bit / DOORBELLS]);
    }
}
