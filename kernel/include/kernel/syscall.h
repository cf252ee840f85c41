/* System call entry, and the kernel invocation every object's *_invoke takes. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/tcb.h>

/**
 * A kernel invocation: a Call on a capability to a kernel object. It lives on the stack of
 * syscall.c's kernel_invocation, which copies the message in once, before anything checks it (the
 * words past the fourth are in the caller's IPC buffer, which another core can rewrite meanwhile).
 * The object's *_invoke decodes mr[] and the caps it names, then performs the operation and leaves
 * its results in out[]; kernel_invocation copies them to the caller when the result is CV_OK. A
 * decoder may read the first INV_FIXED_ARGS words unchecked (zero past `len`), the rest only below
 * a `len` it checked (TCB and vCPU registers): mr[] is not zeroed further.
 */
struct invocation {
    struct tcb *thread; /* the caller */
    struct cte *slot;   /* the invoked capability */
    uint64_t label;     /* the operation, abi.h enum cv_op */
    uint32_t len;       /* message words */
    uint32_t out_len;   /* reply words */
    uint64_t mr[CV_MSG_MAX];
    uint64_t out[CV_MSG_MAX];
};
#define INV_FIXED_ARGS 8u /* more than any decoder reads unchecked (mr[0..4] today) */

/** The object the invoked capability names (a tcb, a vcpu). */
static inline void *inv_object(const struct invocation *inv)
{
    return pa_ptr(PA(inv->slot->cap.obj));
}

/** Performs the Call of `t` on the kernel object in `slot` (cnode_lookup found it). */
void kernel_invocation(struct tcb *t, struct cte *slot);
/** The slot t's x0 names, or NULL after replying with the lookup's error. */
struct cte *syscall_invoked_slot(struct tcb *t);
/** Handles a synchronous exception of the current thread. */
void syscall_sync_exception(void);

/** Writes a message register of `t` (regs for 0..3, ipc buffer beyond). */
void tcb_set_mr(struct tcb *t, uint32_t i, uint64_t v);
uint64_t tcb_get_mr(struct tcb *t, uint32_t i);

#endif
