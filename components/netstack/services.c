/*
 * netstack's services on lwIP's raw API (services.h). All of it runs on
 * the component's one thread, from lwIP's callbacks: a frame in
 * (ringif_input) or a timer (sys_check_timeouts) calls them.
 *
 * A TCP sender (the HTTP responder and the connect client) is a stream:
 * an optional head, then bytes of seq.h, queued whenever lwIP has room in
 * the connection's send buffer (at the start, and each time data is
 * acknowledged), then closed. Nothing is buffered beyond lwIP's own send
 * buffer: the generator makes each segment's bytes as it is queued.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "http.h"
#include "seq.h"
#include "services.h"

#define SVC_POLL_TICKS 2u /* lwIP's poll interval in its 500 ms ticks: a poll a second */
#define SVC_CONNECT_S  3u /* an attempt not connected by then is given up */

/** A TCP sender: head bytes, then body bytes of the stream. */
struct stream {
    struct tcp_pcb *pcb;
    char head[HTTP_HEAD_MAX];
    size_t head_len, head_off;
    struct seq seq;
};

/** What every accepted connection has: its slot's state, pcb, peer and idle time. */
struct conn {
    bool used;
    struct tcp_pcb *pcb;
    ip_addr_t peer;
    unsigned idle; /* polls without progress */
};

/** One HTTP connection. */
struct http_conn {
    struct conn conn; /* first: conn_accept hands out slots by it */
    struct stream st;
    char req[HTTP_REQ_MAX];
    size_t req_len;
    enum http_verdict verdict;
    uint64_t n;
};

/** One discard connection. */
struct discard_conn {
    struct conn conn; /* first */
    uint64_t bytes;
};

/** A service's connection callbacks (lwIP's tcp_recv, tcp_sent, tcp_err, tcp_poll). */
struct conn_cb {
    tcp_recv_fn recv;
    tcp_sent_fn sent;
    tcp_err_fn err;
    tcp_poll_fn poll;
};

static struct {
    struct svc_counters count;
    unsigned log_budget;
    struct http_conn http[SVC_HTTP_CONNS];
    struct discard_conn discard[SVC_DISCARD_CONNS];
    struct {
        const struct netcfg *cfg;
        ip_addr_t ip;
        struct stream st;
        bool connected, pending;
        unsigned idle;
    } push;
} svc;

/** Whether a line about a refusal may be printed (SVC_LOG_BUDGET a period). */
static bool svc_log(void)
{
    if (!svc.log_budget)
        return false;
    svc.log_budget--;
    return true;
}

/** Queues as much of s as lwIP takes and sends it; true once all of it is queued. */
static bool stream_push(struct stream *s)
{
    uint8_t buf[TCP_MSS];
    while (s->head_off < s->head_len) {
        size_t n = s->head_len - s->head_off;
        if (n > tcp_sndbuf(s->pcb))
            n = tcp_sndbuf(s->pcb);
        if (!n || tcp_write(s->pcb, s->head + s->head_off, (u16_t)n,
                            TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE) != ERR_OK)
            break;
        s->head_off += n;
    }
    while (s->head_off == s->head_len && s->seq.left) {
        size_t room = tcp_sndbuf(s->pcb);
        if (room > sizeof(buf))
            room = sizeof(buf);
        if (!room || tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 1u)
            break;
        struct seq before = s->seq;
        size_t n = seq_fill(&s->seq, buf, room);
        u8_t more = s->seq.left ? TCP_WRITE_FLAG_MORE : 0;
        if (tcp_write(s->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY | more) != ERR_OK) {
            s->seq = before; /* not queued: the same bytes next time */
            break;
        }
    }
    (void)tcp_output(s->pcb);
    return s->head_off == s->head_len && !s->seq.left;
}

/** Detaches pcb from its callbacks and closes it (reset if lwIP has no room to): ERR_ABRT then. */
static err_t svc_close(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

/** Resets a connection that made no progress (or could not go on). */
static err_t svc_reset(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_abort(pcb);
    return ERR_ABRT;
}

/**
 * A new connection (lwIP's accept, pcb and err as it gives them) into a
 * free one of the count slots of size bytes at slot (each starting with a
 * struct conn), with service's callbacks cb; NULL if it was refused and
 * reset: no slot free (counted in *busy and said), or lwIP reported an
 * error.
 */
static void *conn_accept(const char *service, void *slot, size_t size, unsigned count,
                         uint64_t *busy, const struct conn_cb *cb, struct tcp_pcb *pcb, err_t err)
{
    if (err != ERR_OK || !pcb) {
        if (pcb)
            tcp_abort(pcb);
        return NULL;
    }
    for (unsigned i = 0; i < count; i++) {
        struct conn *c = (struct conn *)((uint8_t *)slot + i * size);
        if (c->used)
            continue;
        memset(c, 0, size);
        c->used = true;
        c->pcb = pcb;
        ip_addr_copy(c->peer, pcb->remote_ip);
        tcp_arg(pcb, c);
        tcp_recv(pcb, cb->recv);
        tcp_sent(pcb, cb->sent);
        tcp_err(pcb, cb->err);
        tcp_poll(pcb, cb->poll, SVC_POLL_TICKS);
        return c;
    }
    (*busy)++;
    if (svc_log())
        printf("netstack: %s: refused a connection from %s: %u already open\n", service,
               ipaddr_ntoa(&pcb->remote_ip), count);
    tcp_abort(pcb);
    return NULL;
}

/* ---- UDP echo ---- */

/** A datagram to port 7: back to its sender as it came. */
static void udp_echo_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                          u16_t port)
{
    (void)arg;
    if (udp_sendto(pcb, p, addr, port) == ERR_OK)
        svc.count.udp_echoed++;
    pbuf_free(p);
}

/* ---- HTTP ---- */

/** Frees c; closes its connection. */
static err_t http_done(struct http_conn *c)
{
    struct tcp_pcb *pcb = c->st.pcb;
    c->conn.used = false;
    return svc_close(pcb);
}

/** Queues more of c's response; at its end, says what was served and closes. */
static err_t http_continue(struct http_conn *c)
{
    if (!stream_push(&c->st))
        return ERR_OK;
    if (c->verdict == HTTP_GEN) {
        svc.count.http_served++;
        svc.count.http_bytes += c->n;
        printf("netstack: http: GET /gen/%llu from %s: 200, %llu bytes\n", (unsigned long long)c->n,
               ipaddr_ntoa(&c->conn.peer), (unsigned long long)c->n);
    }
    return http_done(c);
}

/** The request's head is whole: c's response starts. */
static err_t http_respond(struct http_conn *c)
{
    c->st.head_len = http_head(c->verdict, c->n, c->st.head, sizeof(c->st.head));
    c->st.head_off = 0;
    seq_init(&c->st.seq, c->verdict == HTTP_GEN ? c->n : 0);
    if (c->verdict != HTTP_GEN) {
        svc.count.http_refused++;
        if (svc_log())
            printf("netstack: http: refused a request from %s: %u\n", ipaddr_ntoa(&c->conn.peer),
                   http_status(c->verdict));
    }
    return http_continue(c);
}

/** Bytes of a request: kept up to HTTP_REQ_MAX until its head ends; after that ignored. */
static err_t http_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct http_conn *c = arg;
    if (!p)
        return c->verdict == HTTP_MORE ? http_done(c) : ERR_OK; /* the client closed */
    if (err != ERR_OK) {
        pbuf_free(p);
        return err;
    }
    tcp_recved(pcb, p->tot_len);
    c->conn.idle = 0;
    if (c->verdict == HTTP_MORE) {
        size_t n = p->tot_len;
        if (n > sizeof(c->req) - c->req_len)
            n = sizeof(c->req) - c->req_len;
        c->req_len += pbuf_copy_partial(p, c->req + c->req_len, (u16_t)n, 0);
        c->verdict = http_parse(c->req, c->req_len, &c->n);
    }
    pbuf_free(p);
    return c->verdict == HTTP_MORE ? ERR_OK : http_respond(c);
}

/** Data acknowledged: room for more of the response. */
static err_t http_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct http_conn *c = arg;
    (void)pcb;
    (void)len;
    c->conn.idle = 0;
    return c->verdict == HTTP_MORE ? ERR_OK : http_continue(c);
}

/** A second passed: a connection idle for SVC_IDLE_S is reset. */
static err_t http_poll(void *arg, struct tcp_pcb *pcb)
{
    struct http_conn *c = arg;
    if (++c->conn.idle < SVC_IDLE_S)
        return c->verdict == HTTP_MORE ? ERR_OK : http_continue(c);
    svc.count.http_reset++;
    c->conn.used = false;
    return svc_reset(pcb);
}

/** The connection is gone (reset, or lwIP gave up on it): its pcb already freed. */
static void http_err(void *arg, err_t err)
{
    struct http_conn *c = arg;
    (void)err;
    if (c) {
        c->conn.used = false;
        svc.count.http_reset++;
    }
}

/** A new HTTP connection. */
static err_t http_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    static const struct conn_cb cb = {http_recv, http_sent, http_err, http_poll};
    (void)arg;
    struct http_conn *c = conn_accept("http", svc.http, sizeof(svc.http[0]), SVC_HTTP_CONNS,
                                      &svc.count.http_busy, &cb, pcb, err);
    if (c)
        c->st.pcb = pcb;
    return c ? ERR_OK : ERR_ABRT;
}

/* ---- discard ---- */

/** Bytes to port 9: counted and dropped; at the client's close, how many. */
static err_t discard_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct discard_conn *c = arg;
    if (!p) {
        svc.count.discard_conns++;
        printf("netstack: discard: %llu bytes from %s\n", (unsigned long long)c->bytes,
               ipaddr_ntoa(&c->conn.peer));
        c->conn.used = false;
        return svc_close(pcb);
    }
    if (err == ERR_OK) {
        tcp_recved(pcb, p->tot_len);
        c->bytes += p->tot_len;
        svc.count.discard_bytes += p->tot_len;
        c->conn.idle = 0;
    }
    pbuf_free(p);
    return err;
}

/** A second passed: a connection idle for SVC_IDLE_S is reset. */
static err_t discard_poll(void *arg, struct tcp_pcb *pcb)
{
    struct discard_conn *c = arg;
    if (++c->conn.idle < SVC_IDLE_S)
        return ERR_OK;
    c->conn.used = false;
    return svc_reset(pcb);
}

/** The connection is gone: its pcb already freed. */
static void discard_err(void *arg, err_t err)
{
    struct discard_conn *c = arg;
    (void)err;
    if (c)
        c->conn.used = false;
}

/** A new discard connection. */
static err_t discard_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    static const struct conn_cb cb = {discard_recv, NULL, discard_err, discard_poll};
    (void)arg;
    return conn_accept("discard", svc.discard, sizeof(svc.discard[0]), SVC_DISCARD_CONNS,
                       &svc.count.discard_busy, &cb, pcb, err)
               ? ERR_OK
               : ERR_ABRT;
}

/* ---- connect ---- */

static void push_try(void *arg);

/** The next attempt in SVC_RETRY_MS. */
static void push_later(void)
{
    svc.push.st.pcb = NULL;
    svc.push.connected = false;
    if (!svc.push.pending) {
        svc.push.pending = true;
        sys_timeout(SVC_RETRY_MS, push_try, NULL);
    }
}

/** Queues more of the payload; at its end, says so, closes and tries again later. */
static err_t push_continue(void)
{
    if (!stream_push(&svc.push.st))
        return ERR_OK;
    const struct netcfg *cfg = svc.push.cfg;
    svc.count.connect_done++;
    svc.count.connect_bytes += cfg->connect_bytes;
    printf("netstack: connect: sent %llu bytes to %s:%u\n", (unsigned long long)cfg->connect_bytes,
           ipaddr_ntoa(&svc.push.ip), cfg->connect_port);
    err_t e = svc_close(svc.push.st.pcb);
    push_later();
    return e;
}

/** Connected: the payload starts. */
static err_t push_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)pcb;
    if (err != ERR_OK)
        return err;
    svc.push.connected = true;
    svc.push.idle = 0;
    seq_init(&svc.push.st.seq, svc.push.cfg->connect_bytes);
    return push_continue();
}

/** Acknowledged: room for more. */
static err_t push_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)pcb;
    (void)len;
    svc.push.idle = 0;
    return push_continue();
}

/** What the listener sends is read and dropped; its close ends the attempt. */
static err_t push_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    if (!p) {
        svc.count.connect_failed++;
        err_t e = svc_close(pcb);
        push_later();
        return e;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return err;
}

/** A second passed: an attempt not connected in SVC_CONNECT_S, or stalled, is given up. */
static err_t push_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)arg;
    unsigned limit = svc.push.connected ? SVC_IDLE_S : SVC_CONNECT_S;
    if (++svc.push.idle < limit)
        return svc.push.connected ? push_continue() : ERR_OK;
    svc.count.connect_failed++;
    err_t e = svc_reset(pcb);
    push_later();
    return e;
}

/** Refused (reset) or lost: its pcb already freed; another attempt later. */
static void push_err(void *arg, err_t err)
{
    (void)arg;
    (void)err;
    svc.count.connect_failed++;
    push_later();
}

/** An attempt: a new connection to the configured listener. */
static void push_try(void *arg)
{
    (void)arg;
    svc.push.pending = false;
    svc.count.connect_attempts++;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb) {
        svc.count.connect_failed++;
        push_later();
        return;
    }
    memset(&svc.push.st, 0, sizeof(svc.push.st));
    svc.push.st.pcb = pcb;
    svc.push.idle = 0;
    tcp_arg(pcb, NULL);
    tcp_err(pcb, push_err);
    tcp_recv(pcb, push_recv);
    tcp_sent(pcb, push_sent);
    tcp_poll(pcb, push_poll, SVC_POLL_TICKS);
    if (tcp_connect(pcb, &svc.push.ip, svc.push.cfg->connect_port, push_connected) != ERR_OK) {
        svc.count.connect_failed++;
        (void)svc_reset(pcb);
        push_later();
    }
}

/* ---- start ---- */

/** A TCP listener on port, accepting with accept; false if lwIP had no room. */
static bool svc_listen(u16_t port, tcp_accept_fn accept)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb || tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK)
        return false;
    struct tcp_pcb *l = tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG);
    if (!l)
        return false;
    tcp_accept(l, accept);
    return true;
}

bool svc_start(const struct netcfg *cfg)
{
    struct udp_pcb *udp = udp_new_ip_type(IPADDR_TYPE_V4);
    svc.log_budget = SVC_LOG_BUDGET;
    if (!udp || udp_bind(udp, IP4_ADDR_ANY, SVC_UDP_ECHO_PORT) != ERR_OK)
        return false;
    udp_recv(udp, udp_echo_recv, NULL);
    if (!svc_listen(SVC_HTTP_PORT, http_accept) || !svc_listen(SVC_DISCARD_PORT, discard_accept))
        return false;
    if (cfg->connect) {
        svc.push.cfg = cfg;
        IP_ADDR4(&svc.push.ip, cfg->connect_ip[0], cfg->connect_ip[1], cfg->connect_ip[2],
                 cfg->connect_ip[3]);
        push_later();
    }
    return true;
}

const struct svc_counters *svc_counters(void)
{
    return &svc.count;
}

void svc_period(void)
{
    svc.log_budget = SVC_LOG_BUDGET;
}
