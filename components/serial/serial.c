/*
 * serial: the serial server. It takes the machine's PL011 over from the
 * kernel (CV_OP_CONSOLE_TAKE_UART on its console cap: the UART's frame and
 * interrupt come to it, and the kernel's own prints and every component's
 * debug output come to it as the kernel's log), and from then on it is the
 * only writer of the UART. Its clients (each VM's virtio console through
 * its VMM, native components through cap/serial.h) write into shared rings
 * and kick it; it prints their lines through the multiplexer (mux.h) and
 * gives typed input to one client at a time.
 *
 * Fair service: each wake-up drains the clients round-robin, at most
 * SERIAL_QUANTUM bytes from each per round, so a client that floods gets
 * its share and no more; its ring fills, it waits (a VMM leaves its
 * guest's transmit buffers unused: the guest waits), and the others keep
 * printing. Every client taken from is signalled: it may have waited for room.
 *
 * A partial line goes out once its client has been quiet for SERIAL_IDLE_MS
 * (the server waits with a deadline for it): a prompt shows, and a line a
 * guest writes in several buffers is not cut by another client's between
 * them, as it was when partial lines went out whenever the rings were empty.
 */
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/self.h>
#include <cap/sring.h>

#include "mux.h"

#define SERIAL_QUANTUM 512u
_Static_assert(SERIAL_QUANTUM <= MUX_BACKLOG && CV_CONSOLE_LOG_READ_MAX <= MUX_BACKLOG,
               "what one take gives the mux fits a held client's backlog");
#define SERIAL_ROUNDS   16u             /* per wake-up: then input and the log get their turn */
#define SERIAL_RADIX    8u              /* the description gives the server cnode-radix 8 */
#define SERIAL_VA       0x1000000000ull /* cv_self's own mappings */
#define SERIAL_CLIENTS  (MUX_CLIENTS_MAX - 2u)
#define SERIAL_LOG      0u /* mux client of the kernel's log */
#define SERIAL_SELF     1u /* mux client of the server's own lines */
#define SIGNAL_SUFFIX   "_signal"
#define SERIAL_IDLE_MS  50u   /* a client this quiet has paused its partial line */
#define SERIAL_HOLD_MS  1000u /* another's line waits this long for a partial one's end */
#define SERIAL_PROBE_MS 500u  /* how long a terminal has to answer the cursor query */

/* PL011 registers (PL011 TRM 3.2) and bits. */
#define UART_DR    0x000u
#define UART_FR    0x018u
#define UART_LCRH  0x02cu
#define UART_CR    0x030u
#define UART_IMSC  0x038u
#define UART_ICR   0x044u
#define FR_BUSY    (1u << 3)
#define FR_RXFE    (1u << 4)
#define FR_TXFE    (1u << 7)
#define LCRH_FEN   (1u << 4)
#define LCRH_WLEN8 (3u << 5)
#define CR_UARTEN  (1u << 0)
#define UART_FIFO  16u /* transmit FIFO depth: 16 in PL011 r1p0-r1p4, 32 in r1p5 */
#define INT_RX     ((1u << 4) | (1u << 6)) /* receive and receive timeout */

/** One client: its ring, the cap that signals it, its mux index. */
struct serial_client {
    struct sring_pair *ring;
    uint64_t signal;
    unsigned mux;
    bool broken;   /* its ring's indices were inconsistent: said once */
    uint32_t tail; /* our own copy of its out ring's tail: the client's is not trusted */
    uint64_t dropped_in;
};

static struct {
    volatile uint32_t *uart;
    uint64_t irq;  /* cptr of the UART's irq handler */
    uint64_t kick; /* cptr: what wakes us */
    struct serial_client client[SERIAL_CLIENTS];
    unsigned count;
    struct mux mux;
} srv;

static uint32_t uart_rd(uint32_t off)
{
    return srv.uart[off / 4];
}

static void uart_wr(uint32_t off, uint32_t v)
{
    srv.uart[off / 4] = v;
}

/**
 * mux_write_fn: the only writer of the UART. A FIFO's worth at a time once
 * the FIFO is empty: a flag read per 16 bytes, not per byte (each access
 * is a trap into QEMU's device model, which costs as much as the write).
 */
static void serial_write(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    while (n) {
        while (!(uart_rd(UART_FR) & FR_TXFE))
            ;
        size_t k = n < UART_FIFO ? n : UART_FIFO;
        for (size_t i = 0; i < k; i++)
            uart_wr(UART_DR, (uint8_t)s[i]);
        s += k;
        n -= k;
    }
}

/**
 * 8 bits, FIFOs on (whoever set the UART up may have left them off, e.g.
 * QEMU's reset value): the line format may change only with the UART off
 * and idle (PL011 TRM 3.3.8), so off, set, on again.
 */
static void serial_fifo_on(void)
{
    uint32_t cr = uart_rd(UART_CR);
    while (uart_rd(UART_FR) & FR_BUSY)
        ;
    uart_wr(UART_CR, cr & ~CR_UARTEN);
    uart_wr(UART_LCRH, (uart_rd(UART_LCRH) & ~LCRH_FEN) | LCRH_WLEN8); /* flushes */
    uart_wr(UART_LCRH, uart_rd(UART_LCRH) | LCRH_FEN);
    uart_wr(UART_CR, cr);
}

/** Takes the UART: its frame mapped here, its interrupt and our log ours. */
static bool serial_take_uart(void)
{
    uint64_t self = cv_iface_cap("self");
    uint64_t frame = cv_self_slot(), irq = cv_self_slot();
    const uint64_t args[4] = {0, frame, 0, irq};
    enum cv_err err = cv_invoke(CV_COMP_SLOT_CONSOLE, CV_OP_CONSOLE_TAKE_UART, args, 4, NULL, 0);
    uint64_t va = cv_self_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    if (err == CV_OK)
        err = cv_self_map(frame, va, CV_RIGHT_READ | CV_RIGHT_WRITE);
    if (err == CV_OK)
        err = cv_invoke(CV_COMP_SLOT_CONSOLE, CV_OP_CONSOLE_SET_NTFN, &self, 1, NULL, 0);
    if (err == CV_OK)
        err = cv_invoke(irq, CV_OP_IRQ_SET_NTFN, &self, 1, NULL, 0);
    if (err != CV_OK) {
        printf("serial: taking the UART: %s\n", cv_err_str(err));
        return false;
    }
    srv.uart = (volatile uint32_t *)(uintptr_t)va;
    srv.irq = irq;
    serial_fifo_on();
    uart_wr(UART_IMSC, INT_RX);
    return true;
}

/** Every dataport of ours is a client, named by the interface. */
static void serial_find_clients(void)
{
    const struct cv_comp_info *info = cv_comp_info();
    for (uint32_t i = 0; i < info->iface_count && srv.count < SERIAL_CLIENTS; i++) {
        const struct cv_comp_iface_info *f = &info->iface[i];
        char name[CV_SPEC_NAME_MAX + sizeof(SIGNAL_SUFFIX)];
        if (f->kind != CV_SPEC_IF_DATAPORT || f->size < sizeof(struct sring_pair))
            continue;
        snprintf(name, sizeof(name), "%s%s", f->name, SIGNAL_SUFFIX);
        struct serial_client *c = &srv.client[srv.count];
        c->ring = (struct sring_pair *)(uintptr_t)f->vaddr;
        c->signal = cv_iface_cap(name);
        if (!c->signal) /* not a client: there is no way to wake it */
            continue;
        int m = mux_add(&srv.mux, f->name, true);
        if (m < 0)
            continue;
        c->mux = (unsigned)m;
        c->tail = c->ring->out.tail;
        srv.count++;
    }
}

/** The kernel's log, a read at a time (already whole lines from each writer). */
static void serial_drain_log(void)
{
    uint64_t res[CV_MSG_MAX];
    while (mux_ready(&srv.mux, SERIAL_LOG)) { /* else the kernel keeps it */
        enum cv_err err =
            cv_invoke(CV_COMP_SLOT_CONSOLE, CV_OP_CONSOLE_READ, NULL, 0, res, CV_MSG_MAX);
        uint64_t n = err == CV_OK ? res[0] & ~(1ull << 63) : 0;
        if (err == CV_OK && (res[0] >> 63))
            mux_say(&srv.mux, SERIAL_SELF, "(kernel log overflowed: lines were dropped)");
        if (n == 0 || n > CV_CONSOLE_LOG_READ_MAX)
            return;
        mux_out(&srv.mux, SERIAL_LOG, (const uint8_t *)&res[1], (size_t)n);
    }
}

/** Up to SERIAL_QUANTUM bytes of client c's output; true if it may have more. */
static bool serial_drain_one(struct serial_client *c)
{
    uint8_t buf[SERIAL_QUANTUM];
    if (!mux_ready(&srv.mux, c->mux))
        return false; /* a line of it waits (mux.h): its bytes stay in its ring */
    uint32_t head = __atomic_load_n(&c->ring->out.head, __ATOMIC_ACQUIRE);
    if (head - c->tail > SRING_DATA) {
        if (!c->broken)
            mux_say(&srv.mux, SERIAL_SELF, "a client's ring is inconsistent: its output dropped");
        c->broken = true;
        c->tail = head;
        __atomic_store_n(&c->ring->out.tail, head, __ATOMIC_RELEASE);
        return false;
    }
    size_t n = sring_take(&c->ring->out, &c->tail, buf, sizeof(buf));
    if (n == 0)
        return false;
    mux_out(&srv.mux, c->mux, buf, n);
    cv_signal(c->signal); /* room: a writer waiting for it goes on */
    return n == sizeof(buf);
}

/**
 * Round-robin over the clients, SERIAL_ROUNDS rounds at most: a client
 * that refills its ring as fast as it is drained (a guest on another core)
 * must not keep the server from typed input and the kernel's log, so if
 * any ring may hold more the server kicks itself and comes back after
 * those.
 */
static void serial_drain_clients(uint64_t self)
{
    bool more = true;
    for (unsigned round = 0; more && round < SERIAL_ROUNDS; round++) {
        more = false;
        for (unsigned i = 0; i < srv.count; i++)
            more |= serial_drain_one(&srv.client[i]);
    }
    if (more)
        cv_signal(self);
}

/** A typed byte for mux client m: into its input ring (dropped if full). */
static void serial_give(unsigned m, uint8_t byte)
{
    for (unsigned i = 0; i < srv.count; i++) {
        struct serial_client *c = &srv.client[i];
        if (c->mux != m)
            continue;
        if (sring_put(&c->ring->in, &byte, 1) == 0)
            c->dropped_in++;
        cv_signal(c->signal);
    }
}

/** A typed byte, through the multiplexer's escape to its client. */
static void serial_typed(uint8_t byte)
{
    uint8_t out;
    int to = mux_input(&srv.mux, SERIAL_SELF, byte, &out);
    if (to >= 0)
        serial_give((unsigned)to, out);
}

/** Up to max bytes the UART received; its interrupt on again after. */
static size_t serial_receive(uint8_t *buf, size_t max)
{
    size_t n = 0;
    while (n < max && !(uart_rd(UART_FR) & FR_RXFE))
        buf[n++] = (uint8_t)uart_rd(UART_DR);
    uart_wr(UART_ICR, INT_RX);
    (void)cv_invoke(srv.irq, CV_OP_IRQ_ACK, NULL, 0, NULL, 0);
    return n;
}

/** Everything the UART received. */
static void serial_input(void)
{
    uint8_t buf[64];
    size_t n;
    do {
        n = serial_receive(buf, sizeof(buf));
        for (size_t i = 0; i < n; i++)
            serial_typed(buf[i]);
    } while (n == sizeof(buf));
}

/**
 * Coloured prefixes if a terminal is behind the UART: it answers the
 * cursor position query (ECMA-48 DSR 6) within SERIAL_PROBE_MS, a pipe or a
 * file does not (and gets the 4 bytes of the query). What else is typed
 * meanwhile goes to the client with input, as ever.
 */
static void serial_probe(uint64_t freq)
{
    uint8_t got[64];
    size_t n = 0, at = 0, len = 0;
    bool found = false;
    uint64_t deadline = cv_now() + freq * SERIAL_PROBE_MS / 1000u, word;
    serial_write(NULL, "\033[6n", 4);
    while (!found && n < sizeof(got)) {
        n += serial_receive(got + n, sizeof(got) - n);
        found = mux_cpr_find(got, n, &at, &len);
        if (!found && !cv_wait_until(srv.kick, deadline, &word))
            break; /* the deadline (the kick's other signals change nothing here) */
    }
    srv.mux.color = found;
    for (size_t i = 0; i < n; i++)
        if (!found || i < at || i >= at + len)
            serial_typed(got[i]);
}

/** The first line: who the clients are and how to switch input. */
static void serial_hello(void)
{
    char text[256];
    size_t n = (size_t)snprintf(text, sizeof(text), "%u clients:", srv.count);
    for (unsigned i = 0; i < srv.count && n < sizeof(text); i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, " %u %s", i,
                              srv.mux.client[srv.client[i].mux].name);
    if (n < sizeof(text))
        snprintf(text + n, sizeof(text) - n, "; input to %s (Ctrl-] N switches to client N)%s",
                 srv.count ? srv.mux.client[srv.client[0].mux].name : "nobody",
                 srv.mux.color ? "; colour on: the terminal answered" : "");
    mux_say(&srv.mux, SERIAL_SELF, text);
}

int run(void)
{
    mux_init(&srv.mux, serial_write, NULL);
    (void)mux_add(&srv.mux, "", false);       /* SERIAL_LOG */
    (void)mux_add(&srv.mux, "serial", false); /* SERIAL_SELF */
    srv.kick = cv_iface_cap("kick");
    uint64_t self = cv_iface_cap("self");
    cv_self_init(CV_COMP_SLOT_UNTYPED, cv_first_free_slot(), 1ull << SERIAL_RADIX, SERIAL_VA);
    if (!srv.kick || !serial_take_uart())
        return 1;
    serial_find_clients();
    uint64_t freq = cv_timer_freq(), word;
    serial_probe(freq);
    srv.mux.hold = freq * SERIAL_HOLD_MS / 1000u;
    serial_hello();
    for (;;) {
        srv.mux.now = cv_now();
        srv.mux.released = false; /* set by any release below, in a drain too */
        serial_drain_log();
        serial_input();
        serial_drain_clients(self);
        uint64_t due = mux_flush_idle(&srv.mux, freq * SERIAL_IDLE_MS / 1000u);
        if (srv.mux.released) /* a held client may have more in its ring */
            cv_signal(self);
        if (due)
            (void)cv_wait_until(srv.kick, due, &word);
        else
            cv_wait(srv.kick, &word);
    }
}
