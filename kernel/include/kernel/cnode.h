/*
 * CNodes and capability addressing.
 *
 * Addressing scheme (docs/capabilities.md): a thread's cspace is the CNode in its TCB_SLOT_CSPACE
 * slot; a cptr is a plain index into it (0 .. 2^radix - 1; slot 0 is never used so 0 means "none").
 * Other CNodes are reached as objects: CNode invocations take (cnode cptr, index).
 */
#ifndef KERNEL_CNODE_H
#define KERNEL_CNODE_H

#include <kernel/cap.h>

struct tcb;
struct invocation;

/** The slot `cptr` names in `t`'s cspace, or NULL (error in *err). */
struct cte *cnode_lookup(struct tcb *t, uint64_t cptr, enum cv_err *err);
/**
 * Slot `index` of the cnode named by `cnode_cptr` in `t`'s cspace (0: the cspace root itself). NULL
 * with *err on a bad cptr, type or index.
 */
struct cte *cnode_slot(struct tcb *t, uint64_t cnode_cptr, uint64_t index, enum cv_err *err);

/**
 * cnode_lookup, then checks the cap is of `type` (CV_E_WRONG_TYPE) and has every right in `rights`
 * (CV_E_NO_RIGHTS).
 */
struct cte *cnode_lookup_typed(struct tcb *t, uint64_t cptr, uint32_t type, uint8_t rights,
                               enum cv_err *err);

/** CV_OP_CNODE_* on the invoked cnode (syscall.h struct invocation). */
enum cv_err cnode_invoke(struct invocation *inv);

#endif
