/* System call entry and the helpers invocations use to reply. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/tcb.h>

/** Handles a synchronous exception of the current thread. */
void syscall_sync_exception(void);

/** Message register i of the current invocation (0 if beyond the buffer). */
uint64_t inv_mr(uint32_t i);
/** Sets result MR i of the current invocation's reply. */
void inv_set_mr(uint32_t i, uint64_t v);
/** Number of result MRs to report (set by the invoked object). */
void inv_set_len(uint32_t n);
/** Length (MR count) of the current invocation's message. */
uint32_t inv_len(void);
/** The thread making the current invocation. */
struct tcb *inv_thread(void);

/** Writes a message register of `t` (regs for 0..3, ipc buffer beyond). */
void tcb_set_mr(struct tcb *t, uint32_t i, uint64_t v);
uint64_t tcb_get_mr(struct tcb *t, uint32_t i);

#endif
