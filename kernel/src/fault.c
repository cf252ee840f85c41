/* Faults of EL0 threads: a Call on the thread's fault endpoint, or a stop. */
#include <kernel/core.h>
#include <kernel/fault.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>

static const char *const fault_names[CV_FAULT_COUNT] = {
    [CV_FAULT_DATA_ABORT] = "data abort",
    [CV_FAULT_INSN_ABORT] = "instruction abort",
    [CV_FAULT_UNKNOWN_SYSCALL] = "unknown syscall",
    [CV_FAULT_UNDEFINED] = "undefined instruction",
    [CV_FAULT_ALIGNMENT] = "alignment fault",
};

void fault_raise(struct tcb *t, uint32_t label, const uint64_t msg[CV_FAULT_MSG_LEN])
{
    t->in_fault = true;
    t->fault_label = label;
    memcpy(t->fault_msg, msg, sizeof(t->fault_msg));
    const struct cap *ep = &t->slot[TCB_SLOT_FAULT_EP].cap;
    if (ep->type == CV_OBJ_ENDPOINT) {
        ep_send_fault(t, pa_ptr(PA(ep->obj)), ep->data0);
        return;
    }
    t->in_fault = false;
    kprintf("kernel: thread '%s': %s at pc 0x%lx, address 0x%lx (esr 0x%lx): no fault handler, "
            "suspended\n",
            t->name, label < CV_FAULT_COUNT ? fault_names[label] : "fault", msg[0], msg[1],
            msg[2]);
    sched_block(t, TS_INACTIVE);
}

void fault_apply_reply(struct tcb *t, uint64_t label, uint64_t mr0)
{
    switch (label) {
    case CV_FAULT_RESUME:
        break;
    case CV_FAULT_SKIP:
        t->regs.pc += 4;
        break;
    case CV_FAULT_SET_PC:
        t->regs.pc = mr0;
        break;
    default: /* CV_FAULT_STOP and anything else: leave it stopped */
        sched_block(t, TS_INACTIVE);
        return;
    }
    sched_wake(t);
}
