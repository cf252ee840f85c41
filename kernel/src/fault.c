/* Faults of EL0 threads: a Call on the thread's fault endpoint, or a stop. */
#include <kernel/console.h>
#include <kernel/core.h>
#include <kernel/fault.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>

static const char *const fault_names[CV_FAULT_COUNT] = {
    [CV_FAULT_DATA_ABORT] = "data abort",           [CV_FAULT_INSN_ABORT] = "instruction abort",
    [CV_FAULT_UNKNOWN_SYSCALL] = "unknown syscall", [CV_FAULT_UNDEFINED] = "undefined instruction",
    [CV_FAULT_ALIGNMENT] = "alignment fault",
};

void fault_raise_n(struct tcb *t, uint32_t label, const uint64_t *msg, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        t->fault_msg[i] = msg[i];
    fault_send(t, label, len);
}

/* Only words [0, len) of fault_msg leave (endpoint.c transfer). */
void fault_send(struct tcb *t, uint32_t label, uint32_t len)
{
    const uint64_t *msg = t->fault_msg;
    t->in_fault = true;
    t->fault_label = label;
    t->fault_len = len;
    const struct cap *ep = &t->slot[TCB_SLOT_FAULT_EP].cap;
    if (ep->type == CV_OBJ_ENDPOINT) {
        ep_send_fault(t, pa_ptr(PA(ep->obj)), ep->data0);
        return;
    }
    t->in_fault = false;
    kprintf("kernel: thread '%s': %s at pc 0x%lx, address 0x%lx (esr 0x%lx): no fault handler, "
            "suspended\n",
            t->name, label < CV_FAULT_COUNT && fault_names[label] ? fault_names[label] : "fault",
            msg[0], len > 1 ? msg[1] : 0, len > 2 ? msg[2] : 0);
    sched_block(t, TS_INACTIVE);
    console_thread_stopped(t);
}

/* A reply resumes `t` if it is RESUME, SKIP, SET_PC, or VM_EMULATED for an exit whose effect the
 * kernel can complete: a firmware call's result, a system register or a decoded device read. */
bool fault_reply_resumes(const struct tcb *t, uint64_t label)
{
    if (label != CV_FAULT_VM_EMULATED)
        return label <= CV_FAULT_SET_PC;
    return t->fault_label == CV_FAULT_VM_SYSREG || t->fault_label == CV_FAULT_VM_HVC ||
           t->fault_label == CV_FAULT_VM_SMC ||
           (t->fault_label == CV_FAULT_VM_DATA_ABORT &&
            CV_DA_WIDTH(t->fault_msg[CV_VMEXIT_DA_ACCESS]));
}

/* The emulated exit's effect: a device read's value goes to its register (the exit record's
 * access word says how), a system register read's to its, a firmware call's result to the
 * call's; the guest continues after the instruction. */
static void fault_emulated(struct tcb *t, uint64_t value)
{
    const uint64_t *m = t->fault_msg;
    switch (t->fault_label) {
    case CV_FAULT_VM_SYSREG:
        arch_sysreg_read_done(&t->regs, m[1], value);
        break;
    case CV_FAULT_VM_SMC:
        arch_call_result(&t->regs, value);
        arch_regs_skip(&t->regs);
        break;
    case CV_FAULT_VM_DATA_ABORT:
        arch_load_done(&t->regs, m[CV_VMEXIT_DA_ACCESS], value);
        break;
    default: /* CV_FAULT_VM_HVC: the hvc's pc is past it already */
        arch_call_result(&t->regs, value);
        break;
    }
}

void fault_reply_regs(struct tcb *t, uint64_t label, uint64_t mr0)
{
    if (label == CV_FAULT_SKIP)
        arch_regs_skip(&t->regs);
    else if (label == CV_FAULT_SET_PC)
        t->regs.pc = mr0;
    else if (label == CV_FAULT_VM_EMULATED)
        fault_emulated(t, mr0);
}

void fault_apply_reply(struct tcb *t, uint64_t label, uint64_t mr0)
{
    if (!fault_reply_resumes(t, label)) { /* CV_FAULT_STOP and anything else: it stays stopped */
        if (label == CV_FAULT_VM_EMULATED)
            kprintf("kernel: %s: emulated reply to a non-decodable exit: stopped\n", t->name);
        sched_block(t, TS_INACTIVE);
        return;
    }
    fault_reply_regs(t, label, mr0);
    sched_wake_ipc(t); /* a reply: the handler usually waits next */
}
