/*
 * Notifications (kernel/src/endpoint.c): signal, wait, poll, badges that
 * OR together, waiter order, and a notification bound to a thread waking
 * it from an endpoint Recv.
 */
#include "kt.h"

/** Signal n: the label of the Send. */
static enum cv_err send_signal(uint64_t n)
{
    return kt_label(cv_syscall(CV_SYS_SEND, n, CV_MSGINFO(0, 0, 0), NULL));
}

/** A badged WRITE-only cap to n in a new slot (0: failed). */
static uint64_t badged(uint64_t n, uint64_t badge)
{
    uint64_t s = kt_slot();
    if (s && cv_cnode_mint(KT_CNODE, s, 0, n, CV_RIGHT_WRITE, badge) != CV_OK) {
        kt_failf("mint badge %#llx failed", (unsigned long long)badge);
        return 0;
    }
    return s;
}

static void case_signal_wait(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), w = 0;
    KT_NONZERO(n);
    KT_OK(send_signal(n));
    cv_wait(n, &w); /* pending: does not block */
    KT_EQ(w, 1);
    KT_ERR(kt_label(cv_nbrecv(n)), CV_E_WOULD_BLOCK);
}

static void case_badges_or(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    KT_NONZERO(n);
    uint64_t b1 = badged(n, 0x1), b4 = badged(n, 0x4);
    KT_NONZERO(b1 && b4);
    KT_OK(send_signal(b1));
    KT_OK(send_signal(b4));
    KT_OK(send_signal(b4));
    struct cv_sysret r = cv_nbrecv(n);
    KT_OK(kt_label(r));
    KT_EQ(r.badge, 0x5);
}

static void case_poll_empty(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), w = 7;
    KT_NONZERO(n);
    KT_TRUE(!cv_poll(n, &w), "poll of an empty notification reported a signal");
    KT_EQ(w, 0);
    KT_ERR(kt_label(cv_nbrecv(n)), CV_E_WOULD_BLOCK);
}

static void case_wakes_waiter(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    KT_NONZERO(n);
    uint64_t b = badged(n, 0x20);
    KT_NONZERO(b);
    KT_THREAD(t, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = n;
    KT_OK(kt_thread_start(t));
    KT_TRUE(t->started && !t->done, "wait did not block");
    KT_OK(send_signal(b));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "waiter not woken");
    KT_EQ(t->out[0], CV_OK);
    KT_EQ(t->out[1], 0x20);
}

/* Signals arg[0], then marks that it went on (counter). */
static void h_signal_then_mark(struct kt_thread *t)
{
    t->out[0] = send_signal(t->arg[0]);
    t->counter = 1;
}

/*
 * Strict priority through notifications on one core (the fast path's
 * direct switches, kernel/src/fastpath.c, must decide as the scheduler
 * does): a woken waiter of higher priority runs before the signal
 * returns; a blocking wait hands the core to the best ready thread; and
 * that thread's signal back runs us at once, before it goes on.
 */
static void case_switch_order(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), back = kt_alloc(CV_OBJ_NOTIFICATION, 0), w = 0;
    KT_NONZERO(n && back);
    KT_THREAD(hi, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(lo, h_signal_then_mark, KT_MAIN_PRIO - 10, 0);
    hi->arg[0] = n;
    lo->arg[0] = back;
    KT_OK(kt_thread_start(hi));
    KT_TRUE(hi->started && !hi->done, "wait did not block");
    KT_OK(send_signal(n));
    KT_TRUE(hi->done, "the waiter of higher priority had not run when the signal returned");
    KT_EQ(hi->out[1], 1);
    KT_OK(kt_thread_start(lo));
    KT_TRUE(!lo->started, "a thread of lower priority ran while we were runnable");
    cv_wait(back, &w); /* lo runs (it outranks the heartbeat) and signals */
    KT_EQ(w, 1);
    KT_TRUE(lo->started && !lo->counter, "the signaller went on before the waiter it woke");
}

static void case_waiters_fifo(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    KT_NONZERO(n);
    KT_THREAD(a, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(b, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    a->arg[0] = b->arg[0] = n;
    KT_OK(kt_thread_start(a));
    KT_OK(kt_thread_start(b));
    KT_OK(send_signal(n));
    KT_TRUE(kt_wait_flag(&a->done, 1000), "first waiter not woken");
    KT_TRUE(!b->done, "one signal woke two waiters");
    KT_OK(send_signal(n));
    KT_TRUE(kt_wait_flag(&b->done, 1000), "second waiter not woken");
}

static void case_bound_wakes_recv(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(n && ep);
    uint64_t b = badged(n, 0x8);
    KT_NONZERO(b);
    KT_THREAD(t, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = ep;
    KT_OK(cv_tcb_bind_ntfn(t->tcb, n));
    KT_OK(kt_thread_start(t));
    KT_TRUE(t->started && !t->done, "Recv did not block");
    KT_OK(send_signal(b));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "bound notification did not wake the Recv");
    KT_EQ(t->out[0], CV_MSG_LABEL_NTFN);
    KT_EQ(t->out[1], 0x8);
}

static void case_bound_pending(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(n && ep);
    uint64_t b = badged(n, 0x40);
    KT_NONZERO(b);
    KT_OK(cv_tcb_bind_ntfn(KT_TCB, n));
    KT_OK(send_signal(b));
    struct cv_sysret r = cv_nbrecv(ep);
    enum cv_err unbind = cv_tcb_bind_ntfn(KT_TCB, 0);
    KT_EQ(CV_MSG_LABEL(r.info), CV_MSG_LABEL_NTFN);
    KT_EQ(r.badge, 0x40);
    KT_OK(unbind);
    KT_ERR(kt_label(cv_nbrecv(ep)), CV_E_WOULD_BLOCK);
}

static void case_rights(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), ro = kt_slot(), wo = kt_slot();
    KT_NONZERO(n && ro && wo);
    KT_OK(cv_cnode_mint(KT_CNODE, ro, 0, n, CV_RIGHT_READ, 0));
    KT_OK(cv_cnode_mint(KT_CNODE, wo, 0, n, CV_RIGHT_WRITE, 0));
    KT_ERR(send_signal(ro), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_nbrecv(wo)), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_recv(wo)), CV_E_NO_RIGHTS);
}

/** Waits on arg[0] until arg[1]: out[0] label, out[1] word, out[2] the time after. */
static void h_wait_until(struct kt_thread *t)
{
    struct cv_sysret r = cv_syscall(CV_SYS_WAIT_UNTIL, t->arg[0], t->arg[1], NULL);
    t->out[0] = CV_MSG_LABEL(r.info);
    t->out[1] = r.badge;
    t->out[2] = cv_now();
}

/* CV_SYS_WAIT_UNTIL: a deadline already passed returns at once with word 0,
 * a pending signal at once with its word; a wait with nothing signalled
 * ends at its deadline (not before, and within a few ticks after), one
 * signalled before it ends then with the word. */
static void case_wait_until(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), w = 7;
    KT_NONZERO(n);
    KT_TRUE(!cv_wait_until(n, cv_now() - 1, &w), "a passed deadline waited or got a word");
    KT_EQ(w, 0);
    KT_TRUE(!cv_wait_until(n, 0, &w), "deadline 0 waited or got a word");
    KT_OK(send_signal(n));
    KT_TRUE(cv_wait_until(n, cv_now() + kt_ticks_ms(10000), &w), "a pending signal waited");
    KT_EQ(w, 1);
    uint64_t t0 = cv_now(), deadline = t0 + kt_ticks_ms(30);
    KT_TRUE(!cv_wait_until(n, deadline, &w), "nobody signalled, yet a word");
    uint64_t t1 = cv_now();
    KT_TRUE(t1 >= deadline, "woke %llu ticks early", (unsigned long long)(deadline - t1));
    /* late is the host's doing when it is loaded (kt.h KT_PATIENCE) */
    KT_TRUE(t1 - deadline < kt_ticks_ms(500 * KT_PATIENCE), "woke %llu ms late",
            (unsigned long long)((t1 - deadline) / kt_ticks_ms(1)));
    KT_THREAD(t, h_wait_until, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = n;
    t->arg[1] = cv_now() + kt_ticks_ms(60000);
    KT_OK(kt_thread_start(t));
    KT_TRUE(t->started && !t->done, "wait did not block");
    KT_OK(send_signal(badged(n, 0x10)));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "signal did not end the wait");
    KT_EQ(t->out[0], CV_OK);
    KT_EQ(t->out[1], 0x10);
}

/* A waiter whose deadline comes while it is suspended, or after its
 * notification is gone, or one signalled before it: the kernel forgets
 * each (no wake-up of a thread that waits no more, no list left behind:
 * a later timed wait still ends at its own deadline). Wrong caps are
 * refused. */
static void case_wait_until_cancel(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), m = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), wo = kt_slot(), w = 0;
    KT_NONZERO(n && m && ep && wo);
    KT_THREAD(a, h_wait_until, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(b, h_wait_until, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(c, h_wait_until, KT_MAIN_PRIO + 10, 0);
    a->arg[0] = n;
    b->arg[0] = m;
    c->arg[0] = n;
    /* far enough that the suspend and the deletion below come first, on a
     * loaded host too (4 QEMU cores on 2 host ones, another test beside) */
    a->arg[1] = b->arg[1] = cv_now() + kt_ticks_ms(500);
    c->arg[1] = cv_now() + kt_ticks_ms(60000);
    KT_OK(kt_thread_start(a));
    KT_OK(kt_thread_start(b));
    KT_OK(kt_thread_start(c));
    KT_OK(cv_tcb_suspend(a->tcb));       /* a: suspended while waiting */
    KT_OK(cv_cnode_delete(KT_CNODE, m)); /* b: its notification deleted */
    KT_TRUE(kt_wait_flag(&b->done, 1000), "deleting the notification did not end the wait");
    KT_EQ(b->out[0], CV_E_DELETED);
    KT_OK(send_signal(n)); /* c: signalled, long before its deadline */
    KT_TRUE(kt_wait_flag(&c->done, 1000), "signal did not end the wait");
    KT_EQ(c->out[1], 1);
    kt_yield_ms(600); /* a's deadline passes: it must stay suspended */
    KT_TRUE(!a->done, "a suspended waiter ran at its deadline");
    uint64_t deadline = cv_now() + kt_ticks_ms(20);
    KT_TRUE(!cv_wait_until(n, deadline, &w), "a word from nowhere");
    KT_TRUE(cv_now() >= deadline, "the list was left inconsistent");
    KT_OK(cv_cnode_mint(KT_CNODE, wo, 0, n, CV_RIGHT_WRITE, 0));
    KT_ERR(kt_label(cv_syscall(CV_SYS_WAIT_UNTIL, wo, 0, NULL)), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_syscall(CV_SYS_WAIT_UNTIL, ep, 0, NULL)), CV_E_WRONG_TYPE);
    KT_ERR(kt_label(cv_syscall(CV_SYS_WAIT_UNTIL, 4000, 0, NULL)), CV_E_INVALID_CAP);
}

static void case_call_invalid(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    KT_NONZERO(n);
    KT_ERR(cv_invoke(n, (enum cv_op)1, NULL, 0, NULL, 0), CV_E_INVALID_OP);
}

void kt_ntfn_tests(void)
{
    kt_run("ntfn.signal_wait", case_signal_wait);
    kt_run("ntfn.badges_or", case_badges_or);
    kt_run("ntfn.poll_empty", case_poll_empty);
    kt_run("ntfn.signal_wakes_waiter", case_wakes_waiter);
    kt_run("ntfn.switch_order", case_switch_order);
    kt_run("ntfn.waiters_fifo", case_waiters_fifo);
    kt_run("ntfn.bound_wakes_endpoint_recv", case_bound_wakes_recv);
    kt_run("ntfn.bound_pending_on_recv", case_bound_pending);
    kt_run("ntfn.rights", case_rights);
    kt_run("ntfn.call_invalid_op", case_call_invalid);
    kt_run("ntfn.wait_until", case_wait_until);
    kt_run("ntfn.wait_until_cancel", case_wait_until_cancel);
}
