/*
 * netstack: a native component with a TCP/IP stack (lwIP 2.1.3, NO_SYS)
 * on one port of the virtual switch (docs/netstack.md). The description
 * connects:
 *   net          a dataport: the port's two frame rings (cap/fring.h), this
 *                component on the side a VMM's netport is;
 *   net_kick     a notification to the switch;
 *   net_signal   the notification the switch signals;
 *   netcfg       a file: its MAC, address and what it connects to (netcfg.h).
 *
 * One thread: take frames in (ringif_input), run lwIP's timers, publish
 * what was sent; with nothing waiting, sleep on net_signal until a frame
 * comes or lwIP's next timer is due. A status line with every counter
 * (frames, drops, lwIP's own drops, what was served and refused) at most
 * every NETSTACK_REPORT_S seconds, when something was served, refused or
 * dropped (a connect attempt refused by a closed port is not news: one
 * comes every second while nobody listens).
 */
#include <stdio.h>

#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/time.h>

#include "lwip/init.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"

#include "netcfg.h"
#include "ringif.h"
#include "services.h"

#define NETSTACK_REPORT_S 10u

static struct {
    struct netcfg cfg;
    struct ringif rif;
    uint64_t freq;
    uint64_t next_report;
    uint64_t reported; /* netstack_events() at the last status line */
} ns;

/** The configuration and the port; NULL, or what is wrong. */
static const char *netstack_open(void)
{
    static char why_line[96];
    size_t size = 0, cfg_len = 0;
    void *net = cv_iface_vaddr("net", &size);
    const char *cfg = cv_iface_vaddr("netcfg", &cfg_len);
    uint64_t kick = cv_iface_cap("net_kick"), signal = cv_iface_cap("net_signal");
    const char *why;
    if (!net || !kick || !signal || !cfg)
        return "net, net_kick, net_signal or netcfg missing";
    unsigned line = netcfg_parse(cfg, cfg_len, &ns.cfg, &why);
    if (line) {
        snprintf(why_line, sizeof(why_line), "netcfg:%u: error: %s", line, why);
        return why_line;
    }
    ip4_addr_t ip, mask;
    const uint8_t *a = ns.cfg.ip;
    IP4_ADDR(&ip, a[0], a[1], a[2], a[3]);
    ip4_addr_set_u32(&mask, lwip_htonl(~0u << (32u - ns.cfg.prefix)));
    lwip_init();
    if (!ringif_open(&ns.rif, net, size, kick, signal, ns.cfg.mac, &ip, &mask))
        return "the net dataport is too small for two rings";
    if (!svc_start(&ns.cfg))
        return "lwIP had no room for the services";
    return NULL;
}

/** The first line: who it is and what it serves. */
static void netstack_hello(void)
{
    const struct netcfg *c = &ns.cfg;
    const uint8_t *m = c->mac;
    printf("netstack: %02x:%02x:%02x:%02x:%02x:%02x %u.%u.%u.%u/%u (lwIP %s, %u slots a ring):"
           " arp, icmp echo, udp echo %u, http %u (GET /gen/N), discard %u\n",
           m[0], m[1], m[2], m[3], m[4], m[5], c->ip[0], c->ip[1], c->ip[2], c->ip[3], c->prefix,
           LWIP_VERSION_STRING, ns.rif.rx.mask + 1u, SVC_UDP_ECHO_PORT, SVC_HTTP_PORT,
           SVC_DISCARD_PORT);
    if (c->connect)
        printf("netstack: connects to %u.%u.%u.%u:%u to send %llu bytes, every %u ms until "
               "accepted and again after each\n",
               c->connect_ip[0], c->connect_ip[1], c->connect_ip[2], c->connect_ip[3],
               c->connect_port, (unsigned long long)c->connect_bytes, SVC_RETRY_MS);
}

/** The status line into buf. */
static void netstack_status(char *buf, size_t size)
{
    const struct ringif_counters *r = &ns.rif.count;
    const struct svc_counters *s = svc_counters();
    snprintf(
        buf, size,
        "netstack: frames in %llu out %llu dropped: malformed %llu not-mine %llu nomem %llu "
        "full %llu long %llu; lwip drops: ethernet/arp %u ip %u icmp %u udp %u tcp %u; echo %llu; "
        "http %llu served %llu refused %llu busy %llu reset; discard %llu; connect %llu sent "
        "%llu failed",
        (unsigned long long)r->rx, (unsigned long long)r->tx, (unsigned long long)r->rx_malformed,
        (unsigned long long)r->rx_not_mine, (unsigned long long)r->rx_nomem,
        (unsigned long long)r->tx_full, (unsigned long long)r->tx_long,
        (unsigned)lwip_stats.etharp.drop, (unsigned)lwip_stats.ip.drop,
        (unsigned)lwip_stats.icmp.drop, (unsigned)lwip_stats.udp.drop,
        (unsigned)lwip_stats.tcp.drop, (unsigned long long)s->udp_echoed,
        (unsigned long long)s->http_served, (unsigned long long)s->http_refused,
        (unsigned long long)s->http_busy, (unsigned long long)s->http_reset,
        (unsigned long long)s->discard_conns, (unsigned long long)s->connect_done,
        (unsigned long long)s->connect_failed);
}

/** The sum of the counters a status line is printed for: served, refused, dropped. */
static uint64_t netstack_events(void)
{
    const struct ringif_counters *r = &ns.rif.count;
    const struct svc_counters *s = svc_counters();
    return r->rx_malformed + r->rx_not_mine + r->rx_nomem + r->tx_full + r->tx_long +
           lwip_stats.ip.drop + lwip_stats.icmp.drop + lwip_stats.udp.drop + lwip_stats.tcp.drop +
           s->udp_echoed + s->http_served + s->http_refused + s->http_busy + s->http_reset +
           s->discard_conns + s->discard_busy + s->connect_done;
}

/** Prints the status line if due and news came; returns when the next one is due. */
static uint64_t netstack_report(void)
{
    char line[384];
    uint64_t now = cv_now();
    if (now < ns.next_report)
        return ns.next_report;
    ns.next_report = now + ns.freq * NETSTACK_REPORT_S;
    svc_period();
    if (netstack_events() != ns.reported) {
        ns.reported = netstack_events();
        netstack_status(line, sizeof(line));
        printf("%s\n", line);
    }
    return ns.next_report;
}

/** Sleeps until a signal, lwIP's next timer or the next status line, whichever is first. */
static void netstack_sleep(uint64_t report_due)
{
    uint64_t deadline = report_due, word;
    u32_t ms = sys_timeouts_sleeptime();
    if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
        uint64_t t = cv_now() + (uint64_t)ms * (ns.freq / 1000u);
        if (t < deadline)
            deadline = t;
    }
    (void)cv_wait_until(ns.rif.signal, deadline, &word);
}

int run(void)
{
    ns.freq = cv_timer_freq();
    const char *why = netstack_open();
    if (why) {
        printf("netstack: not started: %s\n", why);
        return 1;
    }
    netstack_hello();
    ns.next_report = cv_now() + ns.freq * NETSTACK_REPORT_S;
    for (;;) {
        unsigned n = ringif_input(&ns.rif);
        sys_check_timeouts();
        ringif_flush(&ns.rif);
        uint64_t due = netstack_report();
        if (n == 0 && ringif_idle(&ns.rif))
            netstack_sleep(due);
    }
}
