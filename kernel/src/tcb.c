/* Thread control blocks: lifecycle and the tcb invocations. */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/fpu.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>
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

/* Looks up an optional cap of `type` with `rights`: cptr 0 gives NULL without error. */
static enum cv_err optional_cap(const struct invocation *inv, uint64_t cptr, uint32_t type,
                                uint8_t rights, struct cte **out)
{
    enum cv_err err = CV_OK;
    *out = cptr ? cnode_lookup_typed(inv->thread, cptr, type, rights, &err) : NULL;
    return err;
}

static enum cv_err tcb_configure(struct tcb *t, const struct invocation *inv)
{
    struct cte *cspace, *vspace, *ipcbuf, *fault_ep;
    enum cv_err err;
    if (inv->len < 5)
        return CV_E_INVALID_ARG;
    if ((err = optional_cap(inv, inv->mr[0], CV_OBJ_CNODE, 0, &cspace)) != CV_OK ||
        (err = optional_cap(inv, inv->mr[1], CV_OBJ_VSPACE, 0, &vspace)) != CV_OK ||
        (err = optional_cap(inv, inv->mr[2], CV_OBJ_FRAME_4K, 0, &ipcbuf)) != CV_OK ||
        (err = optional_cap(inv, inv->mr[4], CV_OBJ_ENDPOINT, 0, &fault_ep)) != CV_OK)
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
    if (t == inv->thread)
        return CV_E_BUSY; /* it would swap the cspace this call runs in */
    /* Replacing the last cap to t's cspace would destroy that cnode and
     * every cap in it, which may be the caps installed here, t itself or
     * the caller: a cascade in the middle of the operation. Refused;
     * deleting t tears it all down safely. */
    const struct cte *old = &t->slot[TCB_SLOT_CSPACE];
    if (!cte_empty(old) && cte_is_final(old) && obj_needs_zombie(&old->cap))
        return CV_E_BUSY;
    cte_replace_copy(&t->slot[TCB_SLOT_CSPACE], cspace);
    cte_replace_copy(&t->slot[TCB_SLOT_VSPACE], vspace);
    cte_replace_copy(&t->slot[TCB_SLOT_IPCBUF], ipcbuf);
    cte_replace_copy(&t->slot[TCB_SLOT_FAULT_EP], fault_ep);
    return CV_OK;
}

static enum cv_err tcb_set_fault_ep(struct tcb *t, const struct invocation *inv)
{
    struct cte *ep;
    enum cv_err err = optional_cap(inv, inv->mr[0], CV_OBJ_ENDPOINT, CV_RIGHT_WRITE, &ep);
    if (err != CV_OK)
        return err;
    cte_replace_copy(&t->slot[TCB_SLOT_FAULT_EP], ep);
    return CV_OK;
}

/* SET_PRIORITY (affinity false) and SET_AFFINITY: MR0 the new value. */
static enum cv_err tcb_set_sched(struct tcb *t, const struct invocation *inv, bool affinity)
{
    if (inv->len < 1 || inv->mr[0] >= (affinity ? core_count : TCB_PRIO_COUNT))
        return CV_E_INVALID_ARG;
    uint32_t value = (uint32_t)inv->mr[0];
    bool queued = t->in_ready_queue;
    sched_dequeue(t);
    *(affinity ? &t->affinity : &t->prio) = value;
    if (queued)
        sched_enqueue(t);
    if (!affinity)
        this_core()->resched = true;
    for (uint32_t i = 0; affinity && i < core_count; i++) /* moves off a core it runs on */
        if (cores[i].cur == t && i != t->affinity)
            sched_resched(i);
    return CV_OK;
}

static enum cv_err tcb_write_regs(struct tcb *t, const struct invocation *inv)
{
    if (inv->len < CV_USER_REGS_WORDS)
        return CV_E_INVALID_ARG;
    if (t == inv->thread)
        return CV_E_BUSY; /* its registers are about to take the reply */
    /* a guest may run at EL1 with its own interrupt masks; others: EL0 */
    if (t->vcpu && !vcpu_spsr_valid(inv->mr[33]))
        return CV_E_INVALID_ARG;
    memcpy(&t->regs, inv->mr, CV_USER_REGS_WORDS * sizeof(uint64_t));
    t->regs.spsr &= t->vcpu ? VCPU_SPSR_BITS : 0xf0000000ull;
    return CV_OK;
}

static enum cv_err tcb_bind_ntfn(struct tcb *t, const struct invocation *inv)
{
    struct cte *n;
    enum cv_err err = optional_cap(inv, inv->mr[0], CV_OBJ_NOTIFICATION, CV_RIGHT_READ, &n);
    if (err != CV_OK)
        return err;
    if (!n) {
        ntfn_unbind(t);
        return CV_OK;
    }
    struct notification *ntfn = pa_ptr(PA(n->cap.obj));
    if (t->bound_ntfn || ntfn->bound)
        return CV_E_BUSY;
    ntfn_bind(ntfn, t);
    return CV_OK;
}

/* MR0..MR1: the name's bytes, up to the first NUL (mr[] is zero past the message). */
static enum cv_err tcb_set_name(struct tcb *t, const struct invocation *inv)
{
    char name[TCB_NAME_LEN] = {0};
    for (uint32_t i = 0; i < TCB_NAME_LEN - 1; i++) {
        char ch = (char)(inv->mr[i / 8] >> ((i % 8) * 8));
        if (ch == 0)
            break;
        name[i] = (ch >= 32 && ch < 127) ? ch : '?';
    }
    memcpy(t->name, name, TCB_NAME_LEN);
    return CV_OK;
}

enum cv_err tcb_invoke(struct invocation *inv)
{
    struct tcb *t = inv_object(inv);
    switch (inv->label) {
    case CV_OP_TCB_CONFIGURE:
        return tcb_configure(t, inv);
    case CV_OP_TCB_SET_PRIORITY:
    case CV_OP_TCB_SET_AFFINITY:
        return tcb_set_sched(t, inv, inv->label == CV_OP_TCB_SET_AFFINITY);
    case CV_OP_TCB_READ_REGS:
        memcpy(inv->out, &t->regs, CV_USER_REGS_WORDS * sizeof(uint64_t));
        inv->out_len = CV_USER_REGS_WORDS;
        return CV_OK;
    case CV_OP_TCB_WRITE_REGS:
        return tcb_write_regs(t, inv);
    case CV_OP_TCB_RESUME:
        if (!t->slot[TCB_SLOT_CSPACE].cap.type || !t->slot[TCB_SLOT_VSPACE].cap.type)
            return CV_E_INVALID_ARG;
        tcb_resume(t);
        return CV_OK;
    case CV_OP_TCB_SUSPEND:
        tcb_suspend(t);
        return CV_OK;
    case CV_OP_TCB_BIND_NTFN:
        return tcb_bind_ntfn(t, inv);
    case CV_OP_TCB_SET_FAULT_EP:
        return tcb_set_fault_ep(t, inv);
    case CV_OP_TCB_GET_CORE:
        inv->out[0] = t->last_core;
        inv->out_len = 1;
        return CV_OK;
    case CV_OP_TCB_SET_NAME:
        return tcb_set_name(t, inv);
    case CV_OP_TCB_BIND_VCPU:
        return vcpu_bind_invoke(inv);
    default:
        return CV_E_INVALID_OP;
    }
}
