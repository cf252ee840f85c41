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

void fault_raise(struct tcb *t, uint32_t label, const uint64_t msg[CV_FAULT_MSG_LEN])
{
    fault_raise_n(t, label, msg, CV_FAULT_MSG_LEN);
}

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

/*
 * Completes an emulated guest MMIO read: the value goes to Rt, sign- or
 * zero-extended as the syndrome says (ARM ARM D17.2.40: SAS, SSE, SF), and
 * the guest continues after the access. Only for a decodable data abort.
 */
static bool fault_emulated_read(struct tcb *t, uint64_t value)
{
    const uint64_t *m = t->fault_msg;
    if (t->fault_label == CV_FAULT_VM_SYSREG) {
        /* ESR ISS for MSR/MRS traps (ARM ARM D17.2.37, EC 0x18): Rt [9:5],
         * direction [0] (1 = read); a read gets the value, then skip */
        uint64_t esr = m[1], rt = (esr >> 5) & 31u;
        if ((esr & 1u) && rt < 31)
            t->regs.x[rt] = value;
        arch_regs_skip(&t->regs);
        return true;
    }
    if (t->fault_label == CV_FAULT_VM_HVC || t->fault_label == CV_FAULT_VM_SMC) {
        t->regs.x[0] = value; /* firmware call result; hvc's pc is past it */
        if (t->fault_label == CV_FAULT_VM_SMC)
            arch_regs_skip(&t->regs);
        return true;
    }
    if (t->fault_label != CV_FAULT_VM_DATA_ABORT || !m[CV_VMEXIT_DA_ISV]) {
        kprintf("kernel: %s: emulated reply to a non-decodable exit: stopped\n", t->name);
        sched_block(t, TS_INACTIVE);
        return false;
    }
    uint32_t bits = (uint32_t)m[CV_VMEXIT_DA_WIDTH] * 8;
    if (bits < 64) {
        value &= (1ull << bits) - 1;
        if (m[CV_VMEXIT_DA_SIGNED] && (value >> (bits - 1)) & 1)
            value |= ~((1ull << bits) - 1);
    }
    if (!m[CV_VMEXIT_DA_SF])
        value &= 0xffffffffull;
    uint64_t rt = m[CV_VMEXIT_DA_REG];
    if (!m[CV_VMEXIT_DA_WRITE] && rt < 31)
        t->regs.x[rt] = value;
    arch_regs_skip(&t->regs);
    return true;
}

void fault_apply_reply(struct tcb *t, uint64_t label, uint64_t mr0)
{
    switch (label) {
    case CV_FAULT_RESUME:
        break;
    case CV_FAULT_SKIP:
        arch_regs_skip(&t->regs);
        break;
    case CV_FAULT_SET_PC:
        t->regs.pc = mr0;
        break;
    case CV_FAULT_VM_EMULATED:
        if (!fault_emulated_read(t, mr0))
            return;
        break;
    default: /* CV_FAULT_STOP and anything else: leave it stopped */
        sched_block(t, TS_INACTIVE);
        return;
    }
    sched_wake_ipc(t); /* a reply: the handler usually waits next */
}
