/*
 * Fast paths: the common IPC and guest-exit switches in one pass, without the general decode, the
 * message copy loops or the scheduler's choice: Call and ReplyRecv between native threads on one
 * core (message in registers, no capability); signal and wait on a notification; a guest's device
 * access or firmware call to the VMM waiting for it here, and the ReplyRecv that completes it. Each
 * checks everything before it changes anything and then has the general path's effect; anything
 * else takes the general path. docs/kernel.md "IPC fast path" has the conditions.
 */
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/fpu.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>

#define FAST_INLINE static inline __attribute__((always_inline)) /* one pass, no calls */

/* The object of `type` cptr names in t's cspace, with `right`; else NULL.
 * As cnode_lookup: an empty slot or a zombie has another type. */
FAST_INLINE void *fast_obj(const struct tcb *t, uint64_t cptr, uint8_t type, uint8_t right,
                           uint64_t *badge)
{
    const struct cap *root = &t->slot[TCB_SLOT_CSPACE].cap;
    if (root->type != CV_OBJ_CNODE || cptr == 0 || cptr >= (1ull << root->size_bits))
        return NULL;
    const struct cap *c = &((const struct cte *)pa_ptr(PA(root->obj)))[cptr].cap;
    if (c->type != type || !(c->rights & right))
        return NULL;
    *badge = c->data0;
    return pa_ptr(PA(c->obj));
}

/* `n` can run at once: here, with an address space. Its FP/SIMD set-up is done last: the only
 * step with an effect, and it has none when it fails. */
FAST_INLINE bool can_run_here(struct core *c, struct tcb *n)
{
    return n->affinity == c->index && n->slot[TCB_SLOT_VSPACE].cap.type == CV_OBJ_VSPACE &&
           fpu_switch_fast(c, n);
}

/* Whether `n` runs next on this core once the current thread blocks, as sched_choose would decide
 * for a thread woken by IPC (sched_take_handoff: nothing ready with its priority or more), and can
 * run at once, native (runs_now). */
FAST_INLINE bool runs_now(struct core *c, struct tcb *n)
{
    return !n->vcpu && can_run_here(c, n);
}

FAST_INLINE bool runs_next(struct core *c, struct tcb *n)
{
    return !sched_ready_at_least(c, n->prio) && runs_now(c, n);
}

/* The message: label and length from the sender's info word, MR0..MR3 in registers. */
static void fast_copy(struct tcb *to, const struct tcb *from, uint64_t info, uint64_t badge)
{
    uint64_t len = CV_MSG_LEN(info);
    for (uint64_t i = 0; i < len; i++)
        to->regs.x[2 + i] = from->regs.x[2 + i];
    to->regs.x[0] = badge;
    to->regs.x[1] = CV_MSGINFO(CV_MSG_LABEL(info), 0, len);
}

/* The first receiver waiting on ep, if it can take a Call from this core's thread at once. */
FAST_INLINE struct tcb *fast_receiver(struct core *c, const struct endpoint *ep)
{
    struct tcb *r = ep && ep->state == EP_RECV ? ep->queue.head : NULL;
    return r && !r->reply_to && runs_next(c, r) ? r : NULL;
}

/* t's Call reached r (fast_receiver) with its message: r runs, t waits for the reply. */
FAST_INLINE void fast_call_to(struct core *c, struct endpoint *ep, struct tcb *r, struct tcb *t)
{
    ep_dequeue(ep); /* r, its head */
    r->reply_to = t;
    t->reply_from = r;
    t->state = TS_BLOCKED_REPLY;
    r->state = TS_RUNNABLE;
    c->cur = r;
}

/* Call: the first waiting receiver takes the message and the reply link. */
static bool fast_call(struct core *c, struct tcb *t, uint64_t info)
{
    uint64_t badge;
    struct endpoint *ep = fast_obj(t, t->regs.x[0], CV_OBJ_ENDPOINT, CV_RIGHT_WRITE, &badge);
    struct tcb *r = fast_receiver(c, ep);
    if (!r)
        return false;
    fast_copy(r, t, info, badge);
    fast_call_to(c, ep, r, t);
    return true;
}

/* t waits on ep for its next message (its reply given), `r` runs. */
FAST_INLINE void fast_recv_to(struct core *c, struct endpoint *ep, struct tcb *t, struct tcb *r)
{
    t->reply_to = NULL;
    r->reply_from = NULL;
    r->state = TS_RUNNABLE;
    ep->state = EP_RECV;
    tcbq_append(&ep->queue, t);
    t->blocked_on = ep;
    t->state = TS_BLOCKED_RECV;
    c->cur = r;
}

/* ReplyRecv completing a guest exit (fault_reply_resumes) of a vCPU of this core: the guest goes
 * on at once if it runs next here, has no maintenance exit due (vcpu_exit_prepare would raise it)
 * and owns this core's FP/SIMD registers; otherwise the scheduler chooses, as after the general
 * path (fault_apply_reply's handoff, ep_recv's sched_block). */
static bool fast_reply_exit(struct core *c, struct tcb *t, struct tcb *g, uint64_t info)
{
    uint64_t badge, label = CV_MSG_LABEL(info);
    struct endpoint *ep = fast_obj(t, t->regs.x[0], CV_OBJ_ENDPOINT, CV_RIGHT_READ, &badge);
    if (!g->vcpu || g->state != TS_BLOCKED_REPLY || !ep || ep->state == EP_SEND ||
        (t->bound_ntfn && t->bound_ntfn->word) || !fault_reply_resumes(g, label) ||
        g->affinity != c->index)
        return false;
    g->in_fault = false;
    fault_reply_regs(g, label, t->regs.x[2]);
    fast_recv_to(c, ep, t, g);
    if (!g->vcpu->eoi_pending && !sched_ready_at_least(c, g->prio) && g->fpu_core == c->index + 1 &&
        can_run_here(c, g)) {
        vcpu_exit_prepare(c, g);
        return true;
    }
    c->cur = t;
    sched_wake_ipc(g); /* fault_apply_reply's handoff */
    c->resched = true; /* ep_recv's sched_block: t stopped here (sched_resched's effect) */
    kernel_exit();
}

/* ReplyRecv: the caller gets the reply and runs; we wait on the endpoint. */
static bool fast_reply_recv(struct core *c, struct tcb *t, uint64_t info)
{
    struct tcb *caller = t->reply_to;
    uint64_t badge;
    if (caller && caller->in_fault)
        return fast_reply_exit(c, t, caller, info);
    if (!caller || caller->state != TS_BLOCKED_REPLY)
        return false;
    struct endpoint *ep = fast_obj(t, t->regs.x[0], CV_OBJ_ENDPOINT, CV_RIGHT_READ, &badge);
    if (!ep || ep->state == EP_SEND || (t->bound_ntfn && t->bound_ntfn->word) ||
        !runs_next(c, caller))
        return false;
    fast_copy(caller, t, info, 0);
    fast_recv_to(c, ep, t, caller);
    return true;
}

bool fastpath_exit(struct core *c, struct tcb *t)
{
    const struct cap *fc = &t->slot[TCB_SLOT_FAULT_EP].cap;
    uint32_t len, label;
    if (t->state != TS_RUNNABLE || c->handoff || c->resched || fc->type != CV_OBJ_ENDPOINT)
        return false;
    /* the record first: fast_receiver's last check sets the FP/SIMD trap when it passes */
    if (!(label = vcpu_exit_record(t, arch_read_esr(), &len)))
        return false;
    struct endpoint *ep = pa_ptr(PA(fc->obj));
    struct tcb *r = fast_receiver(c, ep);
    if (!r)
        return false;
    t->in_fault = true; /* fault_send's effect */
    t->fault_label = label;
    t->fault_len = len;
    ep_transfer_fault(t, r, fc->data0);
    fast_call_to(c, ep, r, t);
    vcpu_exit_native(c);
    return true;
}

/* After a notification operation by t: back to t if the scheduler would keep it (still current and
 * runnable, nothing woken for a handoff, no reschedule asked, nothing ready here that outranks it),
 * else choose. */
FAST_INLINE bool fast_resume(struct core *c, struct tcb *t)
{
    if (c->cur != t || t->state != TS_RUNNABLE || c->resched || c->handoff ||
        (t->prio + 1u < TCB_PRIO_COUNT && sched_ready_at_least(c, t->prio + 1u)))
        kernel_exit();
    return true;
}

/* Send or NBSend on a notification: signal it (sys_send's effect). A
 * woken waiter that outranks t runs now and t, preempted, keeps its place
 * (sched_choose's decision, taken here without the queues' round trip). */
static bool fast_signal(struct core *c, struct tcb *t)
{
    uint64_t badge;
    struct notification *n = fast_obj(t, t->regs.x[0], CV_OBJ_NOTIFICATION, CV_RIGHT_WRITE, &badge);
    if (!n)
        return false;
    t->regs.x[1] = CV_MSGINFO(CV_OK, 0, 0);
    struct tcb *w = n->queue.head;
    if (w && w->prio > t->prio && runs_next(c, w)) {
        ntfn_give(n, badge);
        sched_preempted(c, t);
        c->cur = w;
        return true;
    }
    ntfn_signal(n, badge);
    return fast_resume(c, t);
}

/* Recv or NBRecv on a notification: wait on it (sys_recv's effect). If t
 * blocks, the first thread of the highest ready priority here runs next,
 * as sched_choose would pick it. */
static bool fast_wait(struct core *c, struct tcb *t, bool blocking)
{
    uint64_t badge;
    struct notification *n = fast_obj(t, t->regs.x[0], CV_OBJ_NOTIFICATION, CV_RIGHT_READ, &badge);
    if (!n)
        return false;
    int best = blocking && !n->word ? sched_highest(c) : -1;
    if (best >= 0 && runs_now(c, c->ready_head[best])) {
        /* ntfn_wait's effect; sched_block has nothing to add: t runs
         * here only and is in no ready queue */
        ntfn_enqueue(n, t);
        t->state = TS_BLOCKED_NTFN;
        c->cur = sched_pop(c, (uint32_t)best);
        return true;
    }
    ntfn_wait(n, blocking);
    return fast_resume(c, t);
}

/* Call on a kernel object, or on no capability: performed or refused as the general path would
 * (kernel_invocation, syscall_invoked_slot); t goes on if it still can here (runs_now: it may have
 * changed its own address space or core) and the scheduler would keep it (fast_resume). */
static bool fast_invoke(struct core *c, struct tcb *t)
{
    struct cte *s = syscall_invoked_slot(t);
    if (s && s->cap.type == CV_OBJ_ENDPOINT)
        return false;
    if (s)
        kernel_invocation(t, s);
    if (c->cur == t && !runs_now(c, t))
        kernel_exit();
    return fast_resume(c, t);
}

bool fastpath_syscall(struct core *c, struct tcb *t)
{
    uint64_t num = t->regs.x[7], info = t->regs.x[1];
    /* Cheapest first: yield, debug puts... are never fast. t may have been
     * suspended by another core while it waited for the lock; a pending
     * scheduling decision or handoff goes the general way. */
    if (num == 0 || num > CV_SYS_NBRECV || num == CV_SYS_REPLY || t->state != TS_RUNNABLE ||
        c->handoff || c->resched || !arch_trap_is_syscall(arch_read_esr()))
        return false;
    switch (num) {
    case CV_SYS_CALL:
    case CV_SYS_REPLYRECV:
        if (!CV_MSG_CAPS(info) && CV_MSG_LEN(info) <= CV_MSG_REGS &&
            (num == CV_SYS_CALL ? fast_call(c, t, info) : fast_reply_recv(c, t, info)))
            return true;
        return num == CV_SYS_CALL && fast_invoke(c, t);
    case CV_SYS_SEND:
    case CV_SYS_NBSEND:
        return fast_signal(c, t);
    case CV_SYS_RECV:
    case CV_SYS_NBRECV:
        return fast_wait(c, t, num == CV_SYS_RECV);
    default:
        return false;
    }
}
