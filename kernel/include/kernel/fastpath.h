/*
 * IPC fast paths (fastpath.c): Call and ReplyRecv between native threads on one core, message in
 * registers, no capability transfer; signal and wait on a notification without the general decode.
 */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <kernel/core.h>

/** On kernel entry from native thread `t`, current on `c`, with the lock held: performs its system
 * call if it is one the fast path takes, and makes the thread to run next current (or leaves
 * through kernel_exit when the scheduler must choose). False: nothing changed, take the general
 * path. */
bool fastpath_syscall(struct core *c, struct tcb *t);
/** On a guest exit of vCPU thread `t` (its state saved, the lock held): if the exit goes to the VMM
 * as its record alone and the VMM waits for it on this core, delivers it and makes the VMM current.
 * False: nothing changed, take the general path. */
bool fastpath_exit(struct core *c, struct tcb *t);

#endif
