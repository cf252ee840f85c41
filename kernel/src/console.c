/*
 * The console: input, a byte ring filled by the UART interrupt; and, once
 * a console cap holder took the UART over (a serial server), the log the
 * kernel's own prints and CV_SYS_DEBUG_PUTS go to instead of the UART.
 */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>
#include <kernel/syscall.h>

#define CONSOLE_RING     1024u
#define CONSOLE_READ_MAX 24u /* bytes per read: MR1..MR3 */

static uint8_t ring[CONSOLE_RING];
static uint32_t ring_head, ring_tail; /* free-running */
static struct cte console_ntfn;       /* copy of the reader's notification cap */
static bool rx_enabled;

/* cap.data0 of the console cap that took the UART (and of copies made of
 * it), and of the UART's irq handler cap it got: the take-over's number
 * (uart_gen, from 1). After the take-over only such a cap reads the log or
 * names its notification, so another console-input component can neither
 * steal the log's wake-ups nor read what every component printed; after
 * the kernel took the UART back, and a new server took it, the caps of
 * the one before are nobody's. */
static uint64_t uart_gen;

/* After CV_OP_CONSOLE_TAKE_UART: what the kernel would have printed. */
#define CONSOLE_LOG 65536u
static uint8_t log_ring[CONSOLE_LOG];
static uint32_t log_head, log_tail; /* free-running */
static bool uart_taken, log_dropped, log_unsignalled;
static const struct tcb *uart_taker; /* the thread that took it */

bool console_uart_taken(void)
{
    return uart_taken;
}

bool console_uart_irq_cap_live(const struct cap *h)
{
    return uart_taken && h->data0 == uart_gen;
}

void console_log_write(const char *s, size_t n)
{
    /* a write that does not fit is dropped whole (and said at the next
     * read): a line is never cut */
    if (n > CONSOLE_LOG - (log_head - log_tail)) {
        log_dropped = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        log_ring[log_head++ % CONSOLE_LOG] = (uint8_t)s[i];
    log_unsignalled = log_unsignalled || n > 0;
}

void console_log_kick(void)
{
    const struct cap *c = &console_ntfn.cap;
    if (!log_unsignalled || c->type != CV_OBJ_NOTIFICATION)
        return;
    log_unsignalled = false;
    ntfn_signal(pa_ptr(PA(c->obj)), c->data0);
}

void console_irq(void)
{
    if (uart_taken)
        return; /* its owner's now (irq.c delivers it as any handler's) */
    int ch;
    bool got = false;
    /* Ack before draining: a byte arriving after the last read raises the
     * interrupt again instead of being cleared with it and left unread. */
    arch_uart_rx_irq_ack();
    while ((ch = arch_uart_getc()) >= 0) {
        if (ring_head - ring_tail < CONSOLE_RING) /* full: drop, never block */
            ring[ring_head++ % CONSOLE_RING] = (uint8_t)ch;
        got = true;
    }
    const struct cap *n = &console_ntfn.cap;
    if (got && n->type == CV_OBJ_NOTIFICATION)
        ntfn_signal(pa_ptr(PA(n->obj)), n->data0);
}

static void enable_rx(void)
{
    if (rx_enabled || !plat.uart_irq)
        return;
    arch_uart_rx_irq_enable();
    arch_irq_set_target(plat.uart_irq, 0);
    arch_irq_enable(plat.uart_irq);
    rx_enabled = true;
}

enum cv_err console_get_invoke(struct invocation *inv)
{
    enum cv_err err;
    if (inv->len < 2)
        return CV_E_INVALID_ARG;
    if (!plat.uart_irq)
        return CV_E_INVALID_OP; /* no interrupt: no input */
    struct cte *dest = cnode_slot(inv->thread, inv->mr[0], inv->mr[1], &err);
    if (!dest)
        return err;
    if (!cte_empty(dest))
        return CV_E_SLOT_OCCUPIED;
    struct cap c = {.type = CV_OBJ_CONSOLE, .rights = CV_RIGHTS_ALL};
    cte_insert(dest, &c, inv->slot);
    enable_rx();
    return CV_OK;
}

static enum cv_err console_set_ntfn(const struct invocation *inv)
{
    enum cv_err err;
    struct cte *n = NULL;
    if (inv->mr[0] != 0) {
        n = cnode_lookup_typed(inv->thread, inv->mr[0], CV_OBJ_NOTIFICATION, CV_RIGHT_WRITE, &err);
        if (!n)
            return err;
    }
    cte_replace_copy(&console_ntfn, n);
    const struct cap *c = &console_ntfn.cap;
    if (n && (ring_head != ring_tail || log_head != log_tail)) /* before anyone listened */
        ntfn_signal(pa_ptr(PA(c->obj)), c->data0);
    return CV_OK;
}

/* Moves up to `max` bytes out of ring `r` (`size` bytes, free-running
 * indices) into out[], 8 to a word, the words zero-filled; returns how many. */
static uint32_t ring_take(const uint8_t *r, uint32_t size, uint32_t *tail, uint32_t head,
                          uint32_t max, uint64_t *out)
{
    uint32_t n = 0;
    memset(out, 0, (max + 7) / 8 * sizeof(*out));
    for (; n < max && *tail != head; n++)
        out[n / 8] |= (uint64_t)r[(*tail)++ % size] << ((n % 8) * 8);
    return n;
}

/**
 * CV_OP_CONSOLE_TAKE_UART: decode both destinations first (empty, not the
 * same slot), then hand out the UART's frame and interrupt and switch the
 * kernel's output to the log; nothing can fail after the checks.
 */
static enum cv_err console_take_uart(struct invocation *inv)
{
    enum cv_err err;
    struct cte *console = inv->slot;
    if (inv->len < 4)
        return CV_E_INVALID_ARG;
    if (uart_taken)
        return CV_E_BUSY;
    if (!plat.uart.v || !plat.uart_irq)
        return CV_E_INVALID_OP;
    struct cte *frame = cnode_slot(inv->thread, inv->mr[0], inv->mr[1], &err);
    if (!frame)
        return err;
    struct cte *irq = cnode_slot(inv->thread, inv->mr[2], inv->mr[3], &err);
    if (!irq)
        return err;
    if (!cte_empty(frame) || !cte_empty(irq))
        return CV_E_SLOT_OCCUPIED;
    if (frame == irq)
        return CV_E_INVALID_ARG;
    struct cap f;
    obj_init(CV_OBJ_FRAME_4K, 0, plat.uart, true, &f);
    f.rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    cte_insert(frame, &f, console);
    irq_give(plat.uart_irq, irq, console);
    console->cap.data0 = ++uart_gen;
    irq->cap.data0 = uart_gen;
    arch_uart_rx_irq_disable();
    uart_taken = true;
    uart_taker = inv->thread;
    return CV_OK;
}

void console_thread_stopped(const struct tcb *t)
{
    if (!uart_taken || t != uart_taker)
        return;
    /* Nobody prints the log any more: the kernel writes the UART again,
     * first what the server left unread; typed input is the kernel's
     * again, for whoever names a notification next. */
    uart_taken = false;
    uart_taker = NULL;
    while (log_tail != log_head)
        arch_uart_putc((char)log_ring[log_tail++ % CONSOLE_LOG]);
    log_unsignalled = false;
    if (log_dropped)
        kprintf("kernel: (the console log overflowed: lines were dropped)\n");
    log_dropped = false;
    cte_delete(&console_ntfn);
    irq_uart_taken_back();
    if (rx_enabled) {
        rx_enabled = false;
        enable_rx();
    }
    kprintf("kernel: thread '%s', which had taken the UART, stopped: the kernel prints on it "
            "again\n",
            t->name);
}

/** CV_OP_CONSOLE_READ: typed input, or the log (up to 504 bytes) once the UART is taken. */
static void console_read(struct invocation *inv)
{
    if (!uart_taken) {
        inv->out[0] =
            ring_take(ring, CONSOLE_RING, &ring_tail, ring_head, CONSOLE_READ_MAX, &inv->out[1]);
        inv->out_len = 4;
        return;
    }
    uint32_t n = ring_take(log_ring, CONSOLE_LOG, &log_tail, log_head, CV_CONSOLE_LOG_READ_MAX,
                           &inv->out[1]);
    inv->out[0] = n | (log_dropped ? 1ull << 63 : 0);
    inv->out_len = 1 + (n + 7) / 8;
    log_dropped = false;
}

enum cv_err console_invoke(struct invocation *inv)
{
    bool owner = inv->slot->cap.data0 == uart_gen;
    if (uart_taken && !owner && inv->label != CV_OP_CONSOLE_TAKE_UART)
        return CV_E_BUSY; /* the console is the UART's taker's now */
    switch (inv->label) {
    case CV_OP_CONSOLE_SET_NTFN:
        return console_set_ntfn(inv);
    case CV_OP_CONSOLE_READ:
        console_read(inv);
        return CV_OK;
    case CV_OP_CONSOLE_TAKE_UART:
        return console_take_uart(inv);
    default:
        return CV_E_INVALID_OP;
    }
}
