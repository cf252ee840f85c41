/*
 * Synchronous IPC over endpoints, and the message transfer shared with fault delivery. A blocked
 * sender's message stays in its own registers and IPC buffer until a receiver arrives: nothing is
 * buffered in the kernel, so no IPC can run the kernel out of memory.
 */
#include <kernel/cnode.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/fault.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/tcb.h>
#include <kernel/vcpu.h>

void tcbq_append(struct tcb_queue *q, struct tcb *t)
{
    t->ipc_next = NULL;
    t->ipc_prev = q->tail;
    if (q->tail)
        q->tail->ipc_next = t;
    else
        q->head = t;
    q->tail = t;
}

void tcbq_remove(struct tcb_queue *q, struct tcb *t)
{
    if (t->ipc_prev)
        t->ipc_prev->ipc_next = t->ipc_next;
    else
        q->head = t->ipc_next;
    if (t->ipc_next)
        t->ipc_next->ipc_prev = t->ipc_prev;
    else
        q->tail = t->ipc_prev;
    t->ipc_next = t->ipc_prev = NULL;
}

struct tcb *ep_dequeue(struct endpoint *ep)
{
    struct tcb *t = ep->queue.head;
    tcbq_remove(&ep->queue, t);
    if (!ep->queue.head)
        ep->state = EP_IDLE;
    t->blocked_on = NULL;
    return t;
}

static void ep_enqueue(struct endpoint *ep, struct tcb *t, uint32_t state)
{
    ep->state = state == TS_BLOCKED_SEND ? EP_SEND : EP_RECV;
    tcbq_append(&ep->queue, t);
    t->blocked_on = ep;
    sched_block(t, state);
}

/* Sets the label/length word a thread sees in x1. */
static void set_msginfo(struct tcb *t, uint64_t label, bool cap, uint64_t len)
{
    t->regs.x[1] = CV_MSGINFO(label, cap ? 1 : 0, len);
}

/* Moves one capability from `s`'s send_cap to the slot `r` offers. */
static bool transfer_cap(struct tcb *s, struct tcb *r)
{
    struct cv_ipcbuf *sb = tcb_ipcbuf(s), *rb = tcb_ipcbuf(r);
    enum cv_err err;
    if (!sb || !rb || rb->recv_index == 0)
        return false;
    struct cte *src = cnode_lookup(s, sb->send_cap, &err);
    struct cte *dst = cnode_slot(r, rb->recv_cnode, rb->recv_index, &err);
    struct cap c;
    if (!src || !dst || !cte_empty(dst) || cap_derive(&src->cap, CV_RIGHTS_ALL, 0, false, &c))
        return false;
    cte_insert(dst, &c, src);
    rb->recv_badge = c.data0;
    return true;
}

/* Copies words [0, len) of msg into r's message registers: the first
 * CV_MSG_REGS into its registers, the rest into its IPC buffer, which
 * must be there when len > CV_MSG_REGS (the callers check). */
static void copy_to_mrs(struct tcb *r, const uint64_t *msg, uint64_t len)
{
    uint32_t regs = len < CV_MSG_REGS ? (uint32_t)len : CV_MSG_REGS;
    for (uint32_t i = 0; i < regs; i++)
        r->regs.x[2 + i] = msg[i];
    if (len > CV_MSG_REGS) {
        struct cv_ipcbuf *b = tcb_ipcbuf(r);
        for (uint32_t i = CV_MSG_REGS; i < len; i++)
            b->mr[i] = msg[i];
    }
}

void ep_transfer_fault(struct tcb *s, struct tcb *r, uint64_t badge)
{
    uint64_t len = s->fault_len;
    if (len > CV_MSG_REGS && !tcb_ipcbuf(r))
        len = CV_MSG_REGS;
    copy_to_mrs(r, s->fault_msg, len);
    r->regs.x[0] = badge;
    set_msginfo(r, s->fault_label | vcpu_fault_flags(s), false, len);
}

/* Copies the message of sender `s` to receiver `r` (badge into x0). */
static void transfer(struct tcb *s, struct tcb *r, uint64_t badge, bool grant)
{
    if (s->in_fault) {
        ep_transfer_fault(s, r, badge);
        return;
    }
    uint64_t info = s->regs.x[1], len = CV_MSG_LEN(info);
    bool cap = false;
    if (len > CV_MSG_MAX)
        len = CV_MSG_MAX;
    if (len > CV_MSG_REGS && (!tcb_ipcbuf(s) || !tcb_ipcbuf(r)))
        len = CV_MSG_REGS;
    for (uint32_t i = 0; i < len; i++)
        tcb_set_mr(r, i, tcb_get_mr(s, i));
    if (CV_MSG_CAPS(info) && grant)
        cap = transfer_cap(s, r);
    r->regs.x[0] = badge;
    set_msginfo(r, CV_MSG_LABEL(info), cap, len);
}

/* `caller` now waits for `server`'s reply. */
static void link_reply(struct tcb *server, struct tcb *caller)
{
    struct tcb *old = server->reply_to;
    if (old) { /* the server took a new call without answering this one */
        old->reply_from = NULL;
        if (old->in_fault) {
            old->in_fault = false;
            sched_block(old, TS_INACTIVE);
        } else {
            set_msginfo(old, CV_E_NO_REPLY, false, 0);
            sched_wake(old);
        }
    }
    server->reply_to = caller;
    caller->reply_from = server;
    sched_block(caller, TS_BLOCKED_REPLY);
}

void ep_send(struct tcb *s, struct endpoint *ep, uint64_t badge, bool can_grant, bool call,
             bool blocking)
{
    if (ep->state == EP_RECV) {
        struct tcb *r = ep_dequeue(ep);
        transfer(s, r, badge, can_grant);
        if (call)
            link_reply(r, s);
        sched_wake_ipc(r);
        return;
    }
    if (!blocking && !call)
        return; /* NBSend: nobody waits, the message is dropped */
    s->ipc_badge = badge;
    s->ipc_grant = can_grant;
    s->ipc_call = call;
    ep_enqueue(ep, s, TS_BLOCKED_SEND);
}

void ep_send_fault(struct tcb *t, struct endpoint *ep, uint64_t badge)
{
    ep_send(t, ep, badge, false, true, true);
}

/* Delivers a pending bound-notification word instead of a message. */
static bool recv_bound_ntfn(struct tcb *self)
{
    struct notification *n = self->bound_ntfn;
    if (!n || !n->word)
        return false;
    self->regs.x[0] = n->word;
    n->word = 0;
    set_msginfo(self, CV_MSG_LABEL_NTFN, false, 0);
    return true;
}

void ep_recv(struct endpoint *ep, bool blocking)
{
    struct tcb *self = this_core()->cur;
    if (recv_bound_ntfn(self))
        return;
    if (ep->state == EP_SEND) {
        struct tcb *s = ep_dequeue(ep);
        transfer(s, self, s->ipc_badge, s->ipc_grant);
        if (s->ipc_call || s->in_fault)
            link_reply(self, s);
        else
            sched_wake(s);
        return;
    }
    if (!blocking) {
        self->regs.x[0] = 0;
        set_msginfo(self, CV_E_WOULD_BLOCK, false, 0);
        return;
    }
    ep_enqueue(ep, self, TS_BLOCKED_RECV);
}

void ep_reply(void)
{
    struct tcb *self = this_core()->cur;
    struct tcb *t = self->reply_to;
    if (!t) {
        set_msginfo(self, CV_E_NO_REPLY, false, 0);
        return;
    }
    self->reply_to = NULL;
    t->reply_from = NULL;
    if (t->in_fault) {
        t->in_fault = false;
        fault_apply_reply(t, CV_MSG_LABEL(self->regs.x[1]), self->regs.x[2]);
    } else {
        transfer(self, t, 0, false);
        sched_wake_ipc(t);
    }
    set_msginfo(self, CV_OK, false, 0);
}

/* Wakes `t`, whose IPC object disappeared, with CV_E_DELETED. */
static void wake_deleted(struct tcb *t)
{
    t->blocked_on = NULL;
    if (t->in_fault) { /* no handler any more: stop where it faulted */
        t->in_fault = false;
        kprintf("kernel: %s: fault handler endpoint deleted, thread stopped\n", t->name);
        sched_block(t, TS_INACTIVE);
        return;
    }
    t->regs.x[0] = 0;
    set_msginfo(t, CV_E_DELETED, false, 0);
    sched_wake(t);
}

void ep_destroy(struct endpoint *ep)
{
    while (ep->queue.head)
        wake_deleted(ep_dequeue(ep));
}

/* ---------------- notifications ---------------- */

static struct tcb *sleep_head; /* waiters with a deadline, all cores */

/* Out of the deadline list (if in it). */
static void sleep_cancel(struct tcb *t)
{
    if (!t->sleep_deadline)
        return;
    tcb_list_remove(&sleep_head, t, offsetof(struct tcb, sleep));
    t->sleep_deadline = 0;
}

/* Out of n's queue, and of the deadline list if it waited with one. */
static void ntfn_dequeue(struct notification *n, struct tcb *t)
{
    tcbq_remove(&n->queue, t);
    sleep_cancel(t);
}

void ntfn_enqueue(struct notification *n, struct tcb *t)
{
    tcbq_append(&n->queue, t);
    t->blocked_on = n;
}

void ntfn_give(struct notification *n, uint64_t badge)
{
    struct tcb *w = n->queue.head;
    ntfn_dequeue(n, w);
    w->blocked_on = NULL;
    w->regs.x[0] = (badge ? badge : 1) | n->word;
    n->word = 0;
    set_msginfo(w, CV_OK, false, 0);
    w->state = TS_RUNNABLE;
}

void ntfn_signal(struct notification *n, uint64_t badge)
{
    uint64_t bits = badge ? badge : 1;
    struct tcb *w = n->queue.head;
    if (w) {
        ntfn_give(n, badge);
        sched_enqueue(w);
        return;
    }
    struct tcb *b = n->bound;
    if (b && b->state == TS_BLOCKED_RECV) {
        ipc_cancel(b);
        b->regs.x[0] = bits | n->word;
        n->word = 0;
        set_msginfo(b, CV_MSG_LABEL_NTFN, false, 0);
        sched_wake(b);
        return;
    }
    n->word |= bits;
}

void ntfn_wait(struct notification *n, bool blocking)
{
    struct tcb *self = this_core()->cur;
    if (n->word) {
        self->regs.x[0] = n->word;
        n->word = 0;
        set_msginfo(self, CV_OK, false, 0);
        return;
    }
    if (!blocking) {
        self->regs.x[0] = 0;
        set_msginfo(self, CV_E_WOULD_BLOCK, false, 0);
        return;
    }
    ntfn_enqueue(n, self);
    sched_block(self, TS_BLOCKED_NTFN);
}

void ntfn_wait_until(struct notification *n, uint64_t deadline)
{
    struct tcb *self = this_core()->cur;
    uint64_t now = arch_timer_now();
    if (n->word || deadline <= now) { /* a word, or 0: the deadline passed */
        ntfn_wait(n, false);
        if (!self->regs.x[0])
            set_msginfo(self, CV_OK, false, 0);
        return;
    }
    ntfn_wait(n, true);
    self->sleep_deadline = deadline;
    tcb_list_push(&sleep_head, self, offsetof(struct tcb, sleep));
    timer_wake_by(deadline);
}

uint64_t ntfn_sleep_tick(uint32_t core, uint64_t now)
{
    uint64_t next = 0;
    for (struct tcb *t = sleep_head, *n; t; t = n) {
        n = t->sleep.next;
        if (t->affinity != core)
            continue;
        if (t->sleep_deadline <= now) { /* woken with word 0 */
            ntfn_dequeue(t->blocked_on, t);
            t->blocked_on = NULL;
            t->regs.x[0] = 0;
            set_msginfo(t, CV_OK, false, 0);
            sched_wake(t);
        } else if (!next || t->sleep_deadline < next) {
            next = t->sleep_deadline;
        }
    }
    return next;
}

void ntfn_destroy(struct notification *n)
{
    while (n->queue.head) {
        struct tcb *t = n->queue.head;
        ntfn_dequeue(n, t);
        wake_deleted(t);
    }
    if (n->bound)
        ntfn_unbind(n->bound);
}

void ntfn_bind(struct notification *n, struct tcb *t)
{
    n->bound = t;
    t->bound_ntfn = n;
}

void ntfn_unbind(struct tcb *t)
{
    if (t->bound_ntfn)
        t->bound_ntfn->bound = NULL;
    t->bound_ntfn = NULL;
}

/* ---------------- cancelling ---------------- */

void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case TS_BLOCKED_SEND:
    case TS_BLOCKED_RECV: {
        struct endpoint *ep = t->blocked_on;
        tcbq_remove(&ep->queue, t);
        if (!ep->queue.head)
            ep->state = EP_IDLE;
        break;
    }
    case TS_BLOCKED_NTFN:
        ntfn_dequeue(t->blocked_on, t);
        break;
    case TS_BLOCKED_WFI:
        vcpu_wfi_cancel(t);
        break;
    case TS_BLOCKED_REPLY:
        if (t->reply_from)
            t->reply_from->reply_to = NULL;
        t->reply_from = NULL;
        break;
    default:
        break;
    }
    t->blocked_on = NULL;
    t->in_fault = false;
}

void ipc_abandon_reply(struct tcb *server)
{
    struct tcb *caller = server->reply_to;
    if (!caller)
        return;
    server->reply_to = NULL;
    caller->reply_from = NULL;
    if (caller->in_fault) {
        caller->in_fault = false;
        kprintf("kernel: %s: fault handler deleted, thread stopped\n", caller->name);
        sched_block(caller, TS_INACTIVE);
        return;
    }
    set_msginfo(caller, CV_E_DELETED, false, 0);
    sched_wake(caller);
}
