/*
 * System calls and exceptions of EL0 threads. Kernel invocations are a Call on a capability to a
 * kernel object: the object's *_invoke decodes every argument first, then performs the operation,
 * which cannot fail (struct invocation, syscall.h; docs/kernel.md "Invocation path").
 */
#include <kernel/cnode.h>
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/fault.h>
#include <kernel/fpu.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/untyped.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

#define DEBUG_PUTS_MAX 4096u

uint64_t tcb_get_mr(struct tcb *t, uint32_t i)
{
    if (i < CV_MSG_REGS)
        return t->regs.x[2 + i];
    struct cv_ipcbuf *b = tcb_ipcbuf(t);
    return (b && i < CV_MSG_MAX) ? b->mr[i] : 0;
}

void tcb_set_mr(struct tcb *t, uint32_t i, uint64_t v)
{
    if (i < CV_MSG_REGS) {
        t->regs.x[2 + i] = v;
        return;
    }
    struct cv_ipcbuf *b = tcb_ipcbuf(t);
    if (b && i < CV_MSG_MAX)
        b->mr[i] = v;
}

static void reply_error(struct tcb *t, enum cv_err err)
{
    t->regs.x[1] = CV_MSGINFO(err, 0, 0);
}

/* Each object type's invoke; none: it has no operations (endpoints and
 * notifications are sent to, vspaces only named). */
static enum cv_err (*const invoke_type[CV_OBJ_COUNT])(struct invocation *) = {
    [CV_OBJ_UNTYPED] = untyped_invoke,
    [CV_OBJ_CNODE] = cnode_invoke,
    [CV_OBJ_TCB] = tcb_invoke,
    [CV_OBJ_FRAME_4K] = frame_invoke,
    [CV_OBJ_FRAME_2M] = frame_invoke,
    [CV_OBJ_PAGE_TABLE] = pt_invoke,
    [CV_OBJ_IRQ_CONTROL] = irq_control_invoke,
    [CV_OBJ_IRQ_HANDLER] = irq_handler_invoke,
    [CV_OBJ_VCPU] = vcpu_invoke,
    [CV_OBJ_CONSOLE] = console_invoke,
};

/* A Call on a kernel object: the message is copied once into `inv`, on this stack, before any of it
 * is checked; the object decodes and performs the operation; its results go back to the caller
 * once, here. */
void kernel_invocation(struct tcb *t, struct cte *slot)
{
    struct invocation inv;
    uint64_t info = t->regs.x[1];
    uint8_t type = slot->cap.type;
    inv.thread = t;
    inv.slot = slot;
    inv.label = CV_MSG_LABEL(info);
    inv.len = CV_MSG_LEN(info) < CV_MSG_MAX ? (uint32_t)CV_MSG_LEN(info) : CV_MSG_MAX;
    inv.out_len = 0;
    uint32_t i = 0;
    /* a decoder may read a fixed argument left out: it reads 0 (syscall.h INV_FIXED_ARGS) */
#pragma GCC unroll 4
    for (; i < CV_MSG_REGS; i++) /* in registers: unrolled, no test a word */
        inv.mr[i] = i < inv.len ? t->regs.x[2 + i] : 0;
    for (; i < inv.len; i++)
        inv.mr[i] = tcb_get_mr(t, i);
    for (; i < INV_FIXED_ARGS; i++)
        inv.mr[i] = 0;
    enum cv_err err = CV_E_INVALID_OP;
    if (type < CV_OBJ_COUNT && invoke_type[type])
        err = invoke_type[type](&inv);
    if (this_core()->cur != t)
        return; /* the caller deleted itself */
    if (err != CV_OK)
        inv.out_len = 0;
    for (uint32_t i = 0; i < inv.out_len; i++)
        tcb_set_mr(t, i, inv.out[i]);
    t->regs.x[0] = 0;
    t->regs.x[1] = CV_MSGINFO(err, 0, inv.out_len);
}

static bool need_right(struct tcb *t, const struct cap *c, uint8_t right)
{
    if (c->rights & right)
        return true;
    reply_error(t, CV_E_NO_RIGHTS);
    return false;
}

struct cte *syscall_invoked_slot(struct tcb *t)
{
    enum cv_err err;
    struct cte *s = cnode_lookup(t, t->regs.x[0], &err);
    if (!s)
        reply_error(t, err);
    return s;
}

/* Send, NBSend and Call. */
static void sys_send(struct tcb *t, uint64_t num)
{
    struct cte *s = syscall_invoked_slot(t);
    if (!s)
        return;
    const struct cap *c = &s->cap;
    if (c->type == CV_OBJ_ENDPOINT) {
        if (need_right(t, c, CV_RIGHT_WRITE))
            ep_send(t, pa_ptr(PA(c->obj)), c->data0, c->rights & CV_RIGHT_GRANT, num == CV_SYS_CALL,
                    num == CV_SYS_SEND);
    } else if (c->type == CV_OBJ_NOTIFICATION && num != CV_SYS_CALL) {
        if (need_right(t, c, CV_RIGHT_WRITE)) {
            ntfn_signal(pa_ptr(PA(c->obj)), c->data0);
            reply_error(t, CV_OK);
        }
    } else if (num == CV_SYS_CALL) {
        kernel_invocation(t, s);
    } else {
        reply_error(t, CV_E_INVALID_OP);
    }
}

/* Recv, NBRecv and WaitUntil (a notification only, x1 the deadline). */
static void sys_recv(struct tcb *t, uint64_t num)
{
    struct cte *s = syscall_invoked_slot(t);
    if (!s)
        return;
    const struct cap *c = &s->cap;
    bool until = num == CV_SYS_WAIT_UNTIL;
    if (c->type != CV_OBJ_NOTIFICATION && (c->type != CV_OBJ_ENDPOINT || until)) {
        reply_error(t, CV_E_WRONG_TYPE);
        return;
    }
    if (!need_right(t, c, CV_RIGHT_READ))
        return;
    if (c->type == CV_OBJ_ENDPOINT)
        ep_recv(pa_ptr(PA(c->obj)), num == CV_SYS_RECV);
    else if (until)
        ntfn_wait_until(pa_ptr(PA(c->obj)), t->regs.x[1]);
    else
        ntfn_wait(pa_ptr(PA(c->obj)), num == CV_SYS_RECV);
}

static void sys_debug_puts(struct tcb *t)
{
    uint64_t va = t->regs.x[0], len = t->regs.x[1];
    struct vspace *vs = NULL;
    if (t->slot[TCB_SLOT_VSPACE].cap.type == CV_OBJ_VSPACE)
        vs = pa_ptr(PA(t->slot[TCB_SLOT_VSPACE].cap.obj));
    char buf[256];
    enum cv_err err = len > DEBUG_PUTS_MAX ? CV_E_INVALID_ARG : CV_OK;
    for (uint64_t done = 0; err == CV_OK && done < len;) {
        uint64_t n = len - done > sizeof(buf) ? sizeof(buf) : len - done;
        if (!vs || !vspace_copy_in(vs, va + done, buf, n)) {
            err = CV_E_RANGE;
            break;
        }
        kputs_n(buf, n);
        done += n;
    }
    console_log_kick();
    reply_error(t, err);
}

static void raise_fault(struct tcb *t, uint32_t label, uint64_t addr, uint64_t esr, uint64_t w)
{
    uint64_t msg[CV_FAULT_MSG_LEN] = {t->regs.pc, addr, esr, w};
    fault_raise_n(t, label, msg, CV_FAULT_MSG_LEN);
}

static void handle_syscall(struct tcb *t, uint64_t esr)
{
    uint64_t num = t->regs.x[7];
    switch (num) {
    case CV_SYS_CALL:
    case CV_SYS_SEND:
    case CV_SYS_NBSEND:
        sys_send(t, num);
        break;
    case CV_SYS_RECV:
    case CV_SYS_NBRECV:
    case CV_SYS_WAIT_UNTIL:
        sys_recv(t, num);
        break;
    case CV_SYS_REPLY:
        ep_reply();
        break;
    case CV_SYS_REPLYRECV:
        ep_reply();
        sys_recv(t, CV_SYS_RECV);
        break;
    case CV_SYS_YIELD:
        sched_yield();
        break;
    case CV_SYS_DEBUG_PUTS:
        sys_debug_puts(t);
        break;
    case CV_SYS_THREAD_EXIT:
        tcb_suspend(t);
        break;
    default:
        /* ELR points after the svc: report (and resume at) the svc itself */
        t->regs.pc -= 4;
        raise_fault(t, CV_FAULT_UNKNOWN_SYSCALL, num, esr, 0);
        break;
    }
}

void syscall_sync_exception(void)
{
    struct tcb *t = this_core()->cur;
    uint64_t esr = arch_read_esr();
    if (t->state != TS_RUNNABLE) {
        /* Another core stopped it (suspend) while it entered the kernel:
         * what it asked for is not done; it asks again when resumed. */
        arch_trap_restart(&t->regs, esr);
        return;
    }
    if (t->vcpu) {
        vcpu_handle_exit(t, esr);
        return;
    }
    switch (arch_trap_kind(esr, false)) {
    case ARCH_TRAP_SYSCALL:
        handle_syscall(t, esr);
        break;
    case ARCH_TRAP_FP:
        fpu_trap(t);
        break;
    case ARCH_TRAP_WFI: /* an EL0 thread waiting for "an event": give the core away */
    case ARCH_TRAP_WFE:
        arch_regs_skip(&t->regs);
        sched_yield();
        break;
    case ARCH_TRAP_DATA_ABORT:
        raise_fault(t, CV_FAULT_DATA_ABORT, arch_read_far(), esr,
                    (arch_abort_access(esr) & CV_DA_WRITE) ? 1 : 0);
        break;
    case ARCH_TRAP_INSN_ABORT:
        raise_fault(t, CV_FAULT_INSN_ABORT, arch_read_far(), esr, 0);
        break;
    case ARCH_TRAP_ALIGNMENT:
        raise_fault(t, CV_FAULT_ALIGNMENT, arch_read_far(), esr,
                    (arch_abort_access(esr) & CV_DA_WRITE) ? 1 : 0);
        break;
    default:
        raise_fault(t, CV_FAULT_UNDEFINED, 0, esr, 0);
        break;
    }
}
