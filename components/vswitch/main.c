/*
 * vswitch: the virtual switch (docs/vswitch.md), a native component. Each
 * port is a dataport holding two frame rings (cap/fring.h struct
 * fring_port) to one VM's VMM, or to a native component; the forwarding
 * is fwd.c's. The description connects, per port NAME:
 *   NAME          a dataport (the switch's end), at least two slots a ring;
 *   NAME_signal   a notification from the switch to that port's side;
 * and, once for the switch:
 *   kick          the notification every port's side signals;
 *   ports         a file: a line "NAME aa:bb:cc:dd:ee:ff" per port, the
 *                 MAC its side must send from (fwd.h fwd_ports_find).
 * A dataport without a signal or a line in the file is not a port (said
 * once at start).
 *
 * The loop: passes while frames come; then every input ring is asked to
 * signal (fwd_wait) and the switch sleeps on `kick`. A port's side is
 * signalled only when it asked (it waits for frames, or for room), at most
 * once a pass. Drop counts that changed are printed as status lines, at
 * most every VSWITCH_REPORT_S seconds.
 */
#include <stdio.h>
#include <string.h>

#include <cap/fring.h>
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/time.h>

#include "fwd.h"

#define SIGNAL_SUFFIX    "_signal"
#define PORTS_FILE       "ports"
#define VSWITCH_AGE_S    300u /* a learned MAC's life without frames from it */
#define VSWITCH_REPORT_S 10u  /* at most this often, lines about drops */

static struct {
    struct fwd fwd;
    const char *name[FWD_PORTS_MAX];
    uint64_t signal[FWD_PORTS_MAX];
    uint64_t reported[FWD_PORTS_MAX]; /* drops at the last status line */
    uint64_t kick;
    uint64_t last_report; /* cv_now() of the last status lines, 0: none yet */
} sw;

/** Port f: its rings opened and added with its MAC from the ports file; else why not. */
static const char *vswitch_port(const struct cv_comp_iface_info *f, const char *ports,
                                size_t ports_len)
{
    char name[CV_SPEC_NAME_MAX + sizeof(SIGNAL_SUFFIX)];
    uint8_t mac[FWD_MAC_LEN];
    struct fring in, out;
    snprintf(name, sizeof(name), "%s%s", f->name, SIGNAL_SUFFIX);
    uint64_t signal = cv_iface_cap(name);
    int found = ports ? fwd_ports_find(ports, ports_len, f->name, mac) : 0;
    if (!signal)
        return "no " SIGNAL_SUFFIX " notification";
    if (found <= 0)
        return found ? "its line in the ports file is malformed" : "not in the ports file";
    if (!fring_port_open((void *)(uintptr_t)f->vaddr, f->size, FRING_SIDE_SWITCH, &out, &in))
        return "the dataport is too small for two rings";
    int p = fwd_port_add(&sw.fwd, mac, &in, &out);
    if (p < 0)
        return "a group MAC, another port's MAC, or too many ports";
    sw.name[p] = f->name;
    sw.signal[p] = signal;
    return NULL;
}

/** Every dataport with a signal and a MAC is a port. */
static void vswitch_find_ports(void)
{
    const struct cv_comp_info *info = cv_comp_info();
    size_t ports_len = 0;
    const char *ports = cv_iface_vaddr(PORTS_FILE, &ports_len);
    for (uint32_t i = 0; i < info->iface_count; i++) {
        const struct cv_comp_iface_info *f = &info->iface[i];
        if (f->kind != CV_SPEC_IF_DATAPORT)
            continue;
        const char *why = vswitch_port(f, ports, ports_len);
        if (why)
            printf("vswitch: dataport %s is not a port: %s\n", f->name, why);
    }
}

/** The first line: the ports, their MACs and ring sizes. */
static void vswitch_hello(void)
{
    char line[512];
    size_t n = (size_t)snprintf(line, sizeof(line), "vswitch: %u port%s:", sw.fwd.port_count,
                                sw.fwd.port_count == 1 ? "" : "s");
    for (unsigned p = 0; p < sw.fwd.port_count && n < sizeof(line); p++) {
        const uint8_t *m = sw.fwd.port[p].mac;
        n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %02x:%02x:%02x:%02x:%02x:%02x",
                              sw.name[p], m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    if (n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, " (%u slots a ring)",
                 sw.fwd.port_count ? sw.fwd.port[0].in.mask + 1u : 0u);
    printf("%s\n", line);
}

/** Port p's drops of every kind and ring errors, summed. */
static uint64_t vswitch_drops(unsigned p)
{
    const struct fwd_port *port = &sw.fwd.port[p];
    const struct fwd_counters *c = &port->count;
    return c->dropped_short + c->dropped_long + c->dropped_spoof + c->dropped_self +
           c->dropped_full + port->in.bad_index + port->out.bad_index;
}

/**
 * A status line for each port whose drops changed, unless the last lines
 * were less than VSWITCH_REPORT_S ago: then the time they are due, else 0.
 */
static uint64_t vswitch_report(uint64_t freq)
{
    char line[FWD_STATUS_MAX];
    uint64_t now = cv_now(), due = sw.last_report + freq * VSWITCH_REPORT_S;
    bool changed = false;
    for (unsigned p = 0; p < sw.fwd.port_count; p++)
        changed |= vswitch_drops(p) != sw.reported[p];
    if (!changed)
        return 0;
    if (sw.last_report && now < due)
        return due;
    for (unsigned p = 0; p < sw.fwd.port_count; p++) {
        if (vswitch_drops(p) == sw.reported[p])
            continue;
        sw.reported[p] = vswitch_drops(p);
        fwd_status(&sw.fwd, p, line, sizeof(line));
        printf("vswitch: %s %s\n", sw.name[p], line);
    }
    sw.last_report = now;
    return 0;
}

/** Signals each port whose bit is in wake. */
static void vswitch_signal(uint32_t wake)
{
    for (unsigned p = 0; p < sw.fwd.port_count; p++)
        if (wake & (1u << p))
            cv_signal(sw.signal[p]);
}

int run(void)
{
    uint64_t freq = cv_timer_freq(), word;
    sw.kick = cv_iface_cap("kick");
    fwd_init(&sw.fwd, freq * VSWITCH_AGE_S);
    if (!sw.kick) {
        printf("vswitch: no kick notification\n");
        return 1;
    }
    vswitch_find_ports();
    vswitch_hello();
    for (;;) {
        uint32_t wake;
        uint32_t taken = fwd_pass(&sw.fwd, cv_now(), &wake);
        vswitch_signal(wake);
        if (taken || !fwd_wait(&sw.fwd))
            continue;
        uint64_t due = vswitch_report(freq);
        if (due)
            (void)cv_wait_until(sw.kick, due, &word);
        else
            cv_wait(sw.kick, &word);
    }
}
