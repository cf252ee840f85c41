/* Faults of EL0 threads: decode the syndrome, deliver as IPC or stop. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <kernel/tcb.h>

/** Raises fault `label` of `t` with the `len` (<= CV_VMEXIT_MSG_LEN) words of `msg`. */
void fault_raise_n(struct tcb *t, uint32_t label, const uint64_t *msg, uint32_t len);
/** Raises a fault whose message the caller wrote into t->fault_msg[0, len). */
void fault_send(struct tcb *t, uint32_t label, uint32_t len);
/** Applies a fault reply (label = enum cv_fault_reply) to `t`: it runs again or stays stopped. */
void fault_apply_reply(struct tcb *t, uint64_t label, uint64_t mr0);
/** Whether reply `label` to t's fault resumes `t` (decode: nothing changes). */
bool fault_reply_resumes(const struct tcb *t, uint64_t label);
/** The effect of a reply that resumes `t` on its registers (no failure: fault_reply_resumes). */
void fault_reply_regs(struct tcb *t, uint64_t label, uint64_t mr0);

#endif
