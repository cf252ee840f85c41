/*
 * Interrupts (kernel/src/irq.c): irq control and handler invocations and
 * their errors, a real interrupt from QEMU virt's PL031 RTC (device
 * `rtc`, irq handler `rtc_irq`, notification `rtc_ntfn`), and at the end
 * that the `heartbeat` component kept running through the whole suite.
 */
#include "kt.h"

/* PL031 registers (ARM PrimeCell RTC PL031 TRM, 3.2), as word indices. */
#define RTC_DR   (0x00 / 4) /* data: seconds */
#define RTC_MR   (0x04 / 4) /* match */
#define RTC_IMSC (0x10 / 4) /* interrupt mask set/clear: 1 = enabled */
#define RTC_RIS  (0x14 / 4) /* raw interrupt status */
#define RTC_ICR  (0x1c / 4) /* interrupt clear */

#define RTC_IRQ  34u  /* SPI 2 on QEMU virt */
#define FREE_IRQ 100u /* an SPI no QEMU virt device drives */

static bool rtc_works; /* the round trip passed: the heartbeat check may block */

static void case_get_invalid(void)
{
    uint64_t s = kt_slot();
    KT_NONZERO(s);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, 5, 0, s), CV_E_RANGE);  /* an SGI */
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, 27, 0, s), CV_E_RANGE); /* a PPI */
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, 1020, 0, s), CV_E_RANGE);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, 2000, 0, s), CV_E_RANGE);
    KT_ERR(cv_cnode_delete(KT_CNODE, s), CV_E_SLOT_EMPTY);
}

static void case_get_taken(void)
{
    /* the loader gave irq 34 to our rtc_irq interface */
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, RTC_IRQ, 0, kt_slot()), CV_E_BUSY);
}

static void case_get_twice(void)
{
    uint64_t a = kt_slot(), b = kt_slot();
    KT_NONZERO(a && b);
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, a));
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, b), CV_E_BUSY);
    KT_OK(cv_cnode_delete(KT_CNODE, a)); /* the last handler cap frees it */
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, b));
}

static void case_get_dest_errors(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, KT_TCB), CV_E_SLOT_OCCUPIED);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, KT_CNODE_SLOTS), CV_E_INVALID_ARG);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, ep, 1), CV_E_WRONG_TYPE);
    uint64_t a[2] = {FREE_IRQ, 0};
    KT_ERR(cv_invoke(KT_IRQ_CONTROL, CV_OP_IRQ_GET, a, 2, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(KT_IRQ_CONTROL, CV_OP_IRQ_ACK, NULL, 0, NULL, 0), CV_E_INVALID_OP);
    /* none of that took the irq */
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, kt_slot()));
}

static void case_handler_ops(void)
{
    uint64_t h = kt_slot(), n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), ro = kt_slot(), empty = kt_slot();
    KT_NONZERO(h && n && ep && ro && empty);
    KT_OK(cv_cnode_mint(KT_CNODE, ro, 0, n, CV_RIGHT_READ, 0));
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, h));
    KT_ERR(cv_irq_ack(h), CV_E_BUSY); /* no notification yet */
    KT_ERR(cv_irq_set_ntfn(h, ep), CV_E_WRONG_TYPE);
    KT_ERR(cv_irq_set_ntfn(h, ro), CV_E_NO_RIGHTS);
    KT_ERR(cv_irq_set_ntfn(h, empty), CV_E_INVALID_CAP);
    KT_OK(cv_irq_set_ntfn(h, n));
    KT_OK(cv_irq_ack(h));
    KT_OK(cv_irq_set_ntfn(h, n)); /* replacing it is fine */
    KT_OK(cv_irq_clear(h));
    KT_ERR(cv_irq_ack(h), CV_E_BUSY);
    KT_ERR(cv_invoke(h, CV_OP_IRQ_GET, NULL, 0, NULL, 0), CV_E_INVALID_OP);
}

static void case_handler_copy(void)
{
    uint64_t h = kt_slot(), c = kt_slot();
    KT_NONZERO(h && c);
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, h));
    KT_OK(cv_cnode_copy(KT_CNODE, c, 0, h, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_delete(KT_CNODE, h));
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, h), CV_E_BUSY); /* the copy holds it */
    KT_OK(cv_cnode_delete(KT_CNODE, c));
    KT_OK(cv_irq_get(KT_IRQ_CONTROL, FREE_IRQ, 0, h));
}

/** The rtc's registers, its irq handler and notification (false: missing). */
static bool rtc_ifaces(volatile uint32_t **rtc, uint64_t *irq, uint64_t *ntfn, uint64_t *bit)
{
    size_t size = 0;
    *rtc = cv_iface_vaddr("rtc", &size);
    *irq = cv_iface_cap("rtc_irq");
    *ntfn = cv_iface_cap("rtc_ntfn");
    *bit = cv_iface_badge("rtc_irq");
    if (!*rtc || size < 0x1000 || !*irq || !*ntfn || !*bit) {
        kt_failf("rtc interfaces missing (rtc %p size %u irq %llu ntfn %llu badge %#llx)",
                 (void *)*rtc, (unsigned)size, (unsigned long long)*irq, (unsigned long long)*ntfn,
                 (unsigned long long)*bit);
        return false;
    }
    return true;
}

/** Make the RTC interrupt at its next second. */
static void rtc_arm(volatile uint32_t *rtc, uint64_t ntfn)
{
    uint64_t w;
    rtc[RTC_IMSC] = 0;
    rtc[RTC_ICR] = 1;
    (void)cv_poll(ntfn, &w); /* nothing stale */
    rtc[RTC_MR] = rtc[RTC_DR] + 1;
    rtc[RTC_IMSC] = 1;
}

/** Acknowledge at the device, then at the kernel. */
static enum cv_err rtc_done(volatile uint32_t *rtc, uint64_t irq)
{
    rtc[RTC_ICR] = 1;
    rtc[RTC_IMSC] = 0;
    return cv_irq_ack(irq);
}

static void case_rtc(void)
{
    volatile uint32_t *rtc;
    uint64_t irq, ntfn, bit, w = 0;
    KT_NONZERO(rtc_ifaces(&rtc, &irq, &ntfn, &bit));
    KT_EQ(bit, 1ull << RTC_IRQ); /* the loader's default badge: bit irq % 64 */
    rtc_arm(rtc, ntfn);
    uint64_t end = kt_deadline_ms(2500);
    while (!cv_poll(ntfn, &w) && kt_now() < end)
        cv_yield();
    KT_TRUE(w & bit, "no interrupt (word %#llx, RIS %u)", (unsigned long long)w,
            (unsigned)rtc[RTC_RIS]);
    KT_EQ(rtc[RTC_RIS] & 1, 1);
    KT_OK(rtc_done(rtc, irq));
    KT_EQ(rtc[RTC_RIS] & 1, 0);
    rtc_works = true;
}

static void case_heartbeat_alive(void)
{
    volatile uint32_t *rtc;
    uint64_t irq, ntfn, bit, w = 0;
    size_t size = 0;
    struct kt_heartbeat *hb = cv_iface_vaddr("hb", &size);
    KT_TRUE(hb && size >= sizeof(*hb), "no heartbeat dataport");
    KT_NONZERO(rtc_ifaces(&rtc, &irq, &ntfn, &bit));
    KT_TRUE(rtc_works, "no RTC interrupt to block on (irq.rtc_roundtrip failed)");
    uint64_t spins = hb->spins, beats = hb->beats;
    /* block (up to a second per alarm): the lower-priority heartbeat gets
     * the core; wait until it printed a beat of its own period too */
    for (int i = 0; i < 3 && hb->beats < beats + 2; i++) {
        rtc_arm(rtc, ntfn);
        cv_wait(ntfn, &w);
        KT_TRUE(w & bit, "woken without the rtc bit (word %#llx)", (unsigned long long)w);
        KT_OK(rtc_done(rtc, irq));
    }
    KT_TRUE(hb->spins > spins, "heartbeat made no progress while we were blocked");
    KT_TRUE(hb->beats > beats, "heartbeat printed nothing while we were blocked");
}

#define UART_IRQ 33u /* QEMU virt's PL011, SPI 1: the kernel's console */

/*
 * CV_OP_CONSOLE_TAKE_UART refuses bad destinations before it does
 * anything: the UART stays the kernel's (this suite's own output goes on,
 * and its interrupt still cannot be had through irq control). It never
 * succeeds here: that would take the suite's console away.
 */
static void case_console_take_errors(void)
{
    uint64_t con = kt_slot(), a = kt_slot(), b = kt_slot();
    KT_NONZERO(con && a && b);
    const uint64_t get[2] = {0, con};
    KT_OK(cv_invoke(KT_IRQ_CONTROL, CV_OP_IRQ_GET_CONSOLE, get, 2, NULL, 0));
    const uint64_t short_args[3] = {0, a, 0};
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_TAKE_UART, short_args, 3, NULL, 0), CV_E_INVALID_ARG);
    const uint64_t occupied[4] = {0, KT_TCB, 0, b};
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_TAKE_UART, occupied, 4, NULL, 0), CV_E_SLOT_OCCUPIED);
    const uint64_t occupied2[4] = {0, a, 0, KT_TCB};
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_TAKE_UART, occupied2, 4, NULL, 0), CV_E_SLOT_OCCUPIED);
    const uint64_t same[4] = {0, a, 0, a};
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_TAKE_UART, same, 4, NULL, 0), CV_E_INVALID_ARG);
    const uint64_t outside[4] = {0, KT_CNODE_SLOTS, 0, b};
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_TAKE_UART, outside, 4, NULL, 0), CV_E_INVALID_ARG);
    /* nothing was handed out, and the UART's interrupt is still the kernel's */
    KT_ERR(cv_cnode_delete(KT_CNODE, a), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_delete(KT_CNODE, b), CV_E_SLOT_EMPTY);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, UART_IRQ, 0, a), CV_E_BUSY);
    KT_OK(cv_cnode_delete(KT_CNODE, con));
}

/** Takes the UART over with console cap arg[0] into slots arg[1], arg[2]; out[0] the result. */
static void h_take_uart(struct kt_thread *t)
{
    const uint64_t args[4] = {0, t->arg[1], 0, t->arg[2]};
    t->out[0] = cv_invoke(t->arg[0], CV_OP_CONSOLE_TAKE_UART, args, 4, NULL, 0);
    uint64_t word;
    if (t->arg[3]) /* then holds it until signalled */
        cv_wait(t->arg[3], &word);
}

/* A thread that took the UART over (a serial server) stops: the kernel
 * takes the UART back (it writes what the thread left in the log, then
 * prints on the UART again: the cases after this one reach the console,
 * which the system test counts). Its console cap is an ordinary one
 * again, the stale handler cap of the UART's interrupt does nothing and
 * its deletion leaves the interrupt with the kernel. */
static void case_console_taker_stops(void)
{
    uint64_t con = kt_slot(), other = kt_slot(), frame = kt_slot(), irq = kt_slot(), s = kt_slot();
    KT_NONZERO(con && other && frame && irq && s);
    const uint64_t get[2] = {0, con}, get2[2] = {0, other};
    KT_OK(cv_invoke(KT_IRQ_CONTROL, CV_OP_IRQ_GET_CONSOLE, get, 2, NULL, 0));
    KT_OK(cv_invoke(KT_IRQ_CONTROL, CV_OP_IRQ_GET_CONSOLE, get2, 2, NULL, 0));
    KT_THREAD(t, h_take_uart, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = con;
    t->arg[1] = frame;
    t->arg[2] = irq;
    KT_OK(kt_thread_start(t));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "the taker did not finish");
    KT_EQ(t->out[0], CV_OK); /* it took the UART, and has stopped since */
    uint64_t res[CV_MSG_MAX];
    KT_OK(cv_invoke(other, CV_OP_CONSOLE_READ, NULL, 0, res, CV_MSG_MAX)); /* not BUSY */
    KT_ERR(cv_invoke(irq, CV_OP_IRQ_ACK, NULL, 0, NULL, 0), CV_E_BUSY);
    KT_ERR(cv_invoke(irq, CV_OP_IRQ_CLEAR, NULL, 0, NULL, 0), CV_E_BUSY);
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, UART_IRQ, 0, s), CV_E_BUSY); /* the kernel's */
    /* A second server takes it and holds it: the first one's caps are
     * nobody's (its console cap reads no log, its handler cap does nothing,
     * and deleting that leaves the second's interrupt alone) */
    uint64_t frame2 = kt_slot(), irq2 = kt_slot(), hold = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    KT_NONZERO(frame2 && irq2 && hold && n);
    KT_THREAD(t2, h_take_uart, KT_MAIN_PRIO + 10, 0);
    t2->arg[0] = other;
    t2->arg[1] = frame2;
    t2->arg[2] = irq2;
    t2->arg[3] = hold;
    KT_OK(kt_thread_start(t2));
    KT_EQ(t2->out[0], CV_OK); /* it took the UART and waits */
    KT_ERR(cv_invoke(con, CV_OP_CONSOLE_READ, NULL, 0, res, CV_MSG_MAX), CV_E_BUSY);
    KT_ERR(cv_invoke(irq, CV_OP_IRQ_ACK, NULL, 0, NULL, 0), CV_E_BUSY);
    KT_OK(cv_invoke(irq2, CV_OP_IRQ_SET_NTFN, &n, 1, NULL, 0));
    KT_OK(cv_cnode_delete(KT_CNODE, irq));                   /* the first's: nothing happens */
    KT_OK(cv_invoke(irq2, CV_OP_IRQ_ACK, NULL, 0, NULL, 0)); /* the second's still works */
    cv_signal(hold);
    KT_TRUE(kt_wait_flag(&t2->done, 1000), "the second taker did not finish");
    KT_ERR(cv_invoke(irq2, CV_OP_IRQ_ACK, NULL, 0, NULL, 0), CV_E_BUSY); /* back again */
    KT_OK(cv_cnode_delete(KT_CNODE, irq2));
    KT_OK(cv_cnode_delete(KT_CNODE, frame2));
    KT_OK(cv_cnode_delete(KT_CNODE, frame));
    KT_ERR(cv_irq_get(KT_IRQ_CONTROL, UART_IRQ, 0, s), CV_E_BUSY); /* the kernel's */
    KT_OK(cv_cnode_delete(KT_CNODE, con));
    KT_OK(cv_cnode_delete(KT_CNODE, other));
}

void kt_irq_tests(void)
{
    kt_run("irq.get_invalid", case_get_invalid);
    kt_run("irq.get_taken", case_get_taken);
    kt_run("irq.get_twice", case_get_twice);
    kt_run("irq.get_dest_errors", case_get_dest_errors);
    kt_run("irq.handler_ops", case_handler_ops);
    kt_run("irq.handler_copy", case_handler_copy);
    kt_run("irq.console_take_errors", case_console_take_errors);
    kt_run("irq.console_taker_stops", case_console_taker_stops);
    kt_run("irq.rtc_roundtrip", case_rtc);
    kt_run("system.heartbeat_alive", case_heartbeat_alive);
}
