/* Thread control blocks: lifecycle and the tcb invocations. */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/fpu.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/tcb.h>
#include <kernel/vcpu.h>

#define IPCBUF_RIGHTS (CV_RIGHT_READ | CV_RIGHT_WRITE)

void tcb_init(struct tcb *t)
{
    t->state = TS_INACTIVE;
    t->prio = 0;
    memcpy(t->name, "thread", 7);
}

struct cv_ipcbuf *tcb_ipcbuf(const struct tcb *t)
{
    const struct cap *c = &t->slot[TCB_SLOT_IPCBUF].cap;
    if (c->type != CV_OBJ_FRAME_4K)
        return NULL;
    return pa_ptr(PA(c->obj));
}

static struct tcb_link *tcb_link_at(struct tcb *t, size_t link)
{
    return (struct tcb_link *)((char *)t + link);
}

void tcb_list_push(struct tcb **head, struct tcb *t, size_t link)
{
    struct tcb_link *l = tcb_link_at(t, link);
    l->prev = NULL;
    l->next = *head;
    if (*head)
        tcb_link_at(*head, link)->prev = t;
    *head = t;
}

void tcb_list_remove(struct tcb **head, struct tcb *t, size_t link)
{
    struct tcb_link *l = tcb_link_at(t, link);
    if (l->prev)
        tcb_link_at(l->prev, link)->next = l->next;
    else if (*head == t)
        *head = l->next;
    if (l->next)
        tcb_link_at(l->next, link)->prev = l->prev;
    l->next = l->prev = NULL;
}

void tcb_suspend(struct tcb *t)
{
    ipc_cancel(t);
    sched_block(t, TS_INACTIVE);
    console_thread_stopped(t);
}

void tcb_resume(struct tcb *t)
{
    if (t->state != TS_INACTIVE)
        return;
    sched_wake(t);
}

void tcb_destroy(struct tcb *t)
{
    tcb_suspend(t);
    ipc_abandon_reply(t);
    ntfn_unbind(t);
    vcpu_unbind(t);
    core_wait_thread_out(t);
    fpu_forget(t);
    for (uint32_t i = 0; i < core_count; i++) {
        if (cores[i].cur == t)
            cores[i].cur = NULL;
        if (cores[i].handoff == t)
            cores[i].handoff = NULL;
    }
}

/* Replaces internal slot `which` with a copy of the cap at `cptr` (0: empty). */
static void tcb_set_slot(struct tcb *t, enum tcb_slot which, struct cte *src)
{
    cte_replace_copy(&t->slot[which], src);
}

/* Looks up an optional cap of `type`: cptr 0 gives NULL without error. */
static enum cv_err optional_cap(uint64_t cptr, uint32_t type, struct cte **out)
{
    enum cv_err err;
    *out = NULL;
    if (cptr == 0)
        return CV_OK;
    struct cte *s = cnode_lookup(inv_thread(), cptr, &err);
    if (!s)
        return err;
    if (s->cap.type != type)
        return CV_E_WRONG_TYPE;
    *out = s;
    return CV_OK;
}

static enum cv_err tcb_configure(struct tcb *t)
{
    struct cte *cspace, *vspace, *ipcbuf, *fault_ep;
    enum cv_err err;
    if (inv_len() < 5)
        return CV_E_INVALID_ARG;
    if ((err = optional_cap(inv_mr(0), CV_OBJ_CNODE, &cspace)) != CV_OK ||
        (err = optional_cap(inv_mr(1), CV_OBJ_VSPACE, &vspace)) != CV_OK ||
        (err = optional_cap(inv_mr(2), CV_OBJ_FRAME_4K, &ipcbuf)) != CV_OK ||
        (err = optional_cap(inv_mr(4), CV_OBJ_ENDPOINT, &fault_ep)) != CV_OK)
        return err;
    if (!cspace || !vspace)
        return CV_E_INVALID_ARG;
    if (ipcbuf && (ipcbuf->cap.flags & CAP_FLAG_DEVICE))
        return CV_E_INVALID_ARG;
    /* The kernel writes replies into it: a read-only cap must not do. */
    if (ipcbuf && (ipcbuf->cap.rights & IPCBUF_RIGHTS) != IPCBUF_RIGHTS)
        return CV_E_NO_RIGHTS;
    if (fault_ep && !(fault_ep->cap.rights & CV_RIGHT_WRITE))
        return CV_E_NO_RIGHTS;
    if (t == inv_thread())
        return CV_E_BUSY; /* it would swap the cspace this call runs in */
    tcb_set_slot(t, TCB_SLOT_CSPACE, cspace);
    tcb_set_slot(t, TCB_SLOT_VSPACE, vspace);
    tcb_set_slot(t, TCB_SLOT_IPCBUF, ipcbuf);
    tcb_set_slot(t, TCB_SLOT_FAULT_EP, fault_ep);
    return CV_OK;
}

static enum cv_err tcb_set_fault_ep(struct tcb *t)
{
    struct cte *ep;
    enum cv_err err = optional_cap(inv_mr(0), CV_OBJ_ENDPOINT, &ep);
    if (err != CV_OK)
        return err;
    if (ep && !(ep->cap.rights & CV_RIGHT_WRITE))
        return CV_E_NO_RIGHTS;
    tcb_set_slot(t, TCB_SLOT_FAULT_EP, ep);
    return CV_OK;
}

static enum cv_err tcb_set_priority(struct tcb *t)
{
    if (inv_len() < 1 || inv_mr(0) >= TCB_PRIO_COUNT)
        return CV_E_INVALID_ARG;
    bool queued = t->in_ready_queue;
    sched_dequeue(t);
    t->prio = (uint32_t)inv_mr(0);
    if (queued)
        sched_enqueue(t);
    this_core()->resched = true;
    return CV_OK;
}

static enum cv_err tcb_set_affinity(struct tcb *t)
{
    if (inv_len() < 1 || inv_mr(0) >= core_count)
        return CV_E_INVALID_ARG;
    bool queued = t->in_ready_queue;
    sched_dequeue(t);
    t->affinity = (uint32_t)inv_mr(0);
    if (queued)
        sched_enqueue(t);
    for (uint32_t i = 0; i < core_count; i++) /* moves off a core it runs on */
        if (cores[i].cur == t && i != t->affinity) {
            if (&cores[i] == this_core())
                cores[i].resched = true;
            else
                arch_send_ipi(i, ARCH_IPI_RESCHEDULE);
        }
    return CV_OK;
}

static enum cv_err tcb_read_regs(struct tcb *t)
{
    const uint64_t *r = (const uint64_t *)&t->regs;
    for (uint32_t i = 0; i < CV_USER_REGS_WORDS; i++)
        inv_set_mr(i, r[i]);
    inv_set_len(CV_USER_REGS_WORDS);
    return CV_OK;
}

static enum cv_err tcb_write_regs(struct tcb *t)
{
    if (inv_len() < CV_USER_REGS_WORDS)
        return CV_E_INVALID_ARG;
    if (t == inv_thread())
        return CV_E_BUSY; /* its registers are about to take the reply */
    /* a guest may run at EL1 with its own interrupt masks; others: EL0 */
    uint64_t spsr = inv_mr(33);
    if (t->vcpu && !vcpu_spsr_valid(spsr))
        return CV_E_INVALID_ARG;
    uint64_t *r = (uint64_t *)&t->regs;
    for (uint32_t i = 0; i < CV_USER_REGS_WORDS; i++)
        r[i] = inv_mr(i);
    t->regs.spsr &= t->vcpu ? VCPU_SPSR_BITS : 0xf0000000ull;
    return CV_OK;
}

static enum cv_err tcb_bind_ntfn(struct tcb *t)
{
    struct cte *n;
    enum cv_err err = optional_cap(inv_mr(0), CV_OBJ_NOTIFICATION, &n);
    if (err != CV_OK)
        return err;
    if (!n) {
        ntfn_unbind(t);
        return CV_OK;
    }
    struct notification *ntfn = pa_ptr(PA(n->cap.obj));
    if (!(n->cap.rights & CV_RIGHT_READ))
        return CV_E_NO_RIGHTS;
    if (t->bound_ntfn || ntfn->bound)
        return CV_E_BUSY;
    ntfn_bind(ntfn, t);
    return CV_OK;
}

static enum cv_err tcb_set_name(struct tcb *t)
{
    char name[TCB_NAME_LEN] = {0};
    for (uint32_t i = 0; i < TCB_NAME_LEN - 1; i++) {
        char ch = (char)(inv_mr(i / 8) >> ((i % 8) * 8));
        if (i / 8 >= inv_len() || ch == 0)
            break;
        name[i] = (ch >= 32 && ch < 127) ? ch : '?';
    }
    memcpy(t->name, name, TCB_NAME_LEN);
    return CV_OK;
}

enum cv_err tcb_invoke(struct tcb *t, const struct cap *cap, uint64_t label, uint64_t len)
{
    (void)cap;
    (void)len;
    switch (label) {
    case CV_OP_TCB_CONFIGURE:
        return tcb_configure(t);
    case CV_OP_TCB_SET_PRIORITY:
        return tcb_set_priority(t);
    case CV_OP_TCB_SET_AFFINITY:
        return tcb_set_affinity(t);
    case CV_OP_TCB_READ_REGS:
        return tcb_read_regs(t);
    case CV_OP_TCB_WRITE_REGS:
        return tcb_write_regs(t);
    case CV_OP_TCB_RESUME:
        if (!t->slot[TCB_SLOT_CSPACE].cap.type || !t->slot[TCB_SLOT_VSPACE].cap.type)
            return CV_E_INVALID_ARG;
        tcb_resume(t);
        return CV_OK;
    case CV_OP_TCB_SUSPEND:
        tcb_suspend(t);
        return CV_OK;
    case CV_OP_TCB_BIND_NTFN:
        return tcb_bind_ntfn(t);
    case CV_OP_TCB_SET_FAULT_EP:
        return tcb_set_fault_ep(t);
    case CV_OP_TCB_GET_CORE:
        inv_set_mr(0, t->last_core);
        inv_set_len(1);
        return CV_OK;
    case CV_OP_TCB_SET_NAME:
        return tcb_set_name(t);
    case CV_OP_TCB_BIND_VCPU:
        return vcpu_bind_invoke(t);
    default:
        return CV_E_INVALID_OP;
    }
}
