/*
 * IPC fast paths (fastpath.c): Call and ReplyRecv between native threads
 * on one core, message in registers, no capability transfer.
 */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <kernel/core.h>

/**
 * On kernel entry from `t`, current on `c`, with the lock held: performs
 * its system call if it is a Call or ReplyRecv the fast path takes, and
 * makes the thread to run next current. False: nothing changed, take the
 * general path.
 */
bool fastpath_syscall(struct core *c, struct tcb *t);

#endif
