/* Console input: a byte ring filled by the UART interrupt. */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/kprintf.h>
#include <kernel/syscall.h>

#define CONSOLE_RING     1024u
#define CONSOLE_READ_MAX 24u /* bytes per read: MR1..MR3 */

static uint8_t ring[CONSOLE_RING];
static uint32_t ring_head, ring_tail; /* free-running */
static struct cte console_ntfn;       /* copy of the reader's notification cap */
static bool rx_enabled;

void console_irq(void)
{
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

enum cv_err console_get_invoke(struct cte *ctl)
{
    enum cv_err err;
    if (inv_len() < 2)
        return CV_E_INVALID_ARG;
    if (!plat.uart_irq)
        return CV_E_INVALID_OP; /* no interrupt: no input */
    struct cte *dest = cnode_slot(inv_thread(), inv_mr(0), inv_mr(1), &err);
    if (!dest)
        return err;
    if (!cte_empty(dest))
        return CV_E_SLOT_OCCUPIED;
    struct cap c = {.type = CV_OBJ_CONSOLE, .rights = CV_RIGHTS_ALL};
    cte_insert(dest, &c, ctl);
    enable_rx();
    return CV_OK;
}

static enum cv_err console_set_ntfn(void)
{
    enum cv_err err;
    struct cte *n = NULL;
    if (inv_mr(0) != 0) {
        n = cnode_lookup_typed(inv_thread(), inv_mr(0), CV_OBJ_NOTIFICATION, CV_RIGHT_WRITE, &err);
        if (!n)
            return err;
    }
    cte_replace_copy(&console_ntfn, n);
    const struct cap *c = &console_ntfn.cap;
    if (n && ring_head != ring_tail) /* input typed before anyone listened */
        ntfn_signal(pa_ptr(PA(c->obj)), c->data0);
    return CV_OK;
}

static enum cv_err console_read(void)
{
    uint64_t words[3] = {0, 0, 0};
    uint32_t n = 0;
    while (n < CONSOLE_READ_MAX && ring_tail != ring_head) {
        words[n / 8] |= (uint64_t)ring[ring_tail++ % CONSOLE_RING] << ((n % 8) * 8);
        n++;
    }
    inv_set_mr(0, n);
    for (uint32_t i = 0; i < 3; i++)
        inv_set_mr(1 + i, words[i]);
    inv_set_len(4);
    return CV_OK;
}

enum cv_err console_invoke(uint64_t label)
{
    switch (label) {
    case CV_OP_CONSOLE_SET_NTFN:
        return console_set_ntfn();
    case CV_OP_CONSOLE_READ:
        return console_read();
    default:
        return CV_E_INVALID_OP;
    }
}
