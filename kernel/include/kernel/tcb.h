/*
 * Thread control blocks: a thread's registers, scheduling parameters, IPC
 * state and the capabilities it runs with (internal slots).
 */
#ifndef KERNEL_TCB_H
#define KERNEL_TCB_H

#include <stddef.h>

#include <kernel/arch.h>
#include <kernel/cap.h>
#include <kernel/endpoint.h>

enum tcb_slot {
    TCB_SLOT_CSPACE,
    TCB_SLOT_VSPACE,
    TCB_SLOT_IPCBUF,
    TCB_SLOT_FAULT_EP,
    TCB_SLOT_COUNT
};

enum thread_state {
    TS_INACTIVE = 0,  /* suspended, or never started */
    TS_RUNNABLE,      /* running or in a ready queue */
    TS_BLOCKED_SEND,  /* in an endpoint queue, sending (or faulting) */
    TS_BLOCKED_RECV,  /* in an endpoint queue, receiving */
    TS_BLOCKED_REPLY, /* after Call / fault: waiting for the reply */
    TS_BLOCKED_NTFN,  /* in a notification queue */
    TS_BLOCKED_WFI,   /* a vCPU in WFI: until an interrupt or its timer */
    TS_BLOCKED_FPU    /* moved core: until the old one saves its FP/SIMD state */
};

#define TCB_NAME_LEN   16u
#define TCB_PRIO_COUNT 256u

/** FP/SIMD state, saved only for threads that have used it. */
struct vcpu;

struct fpu_state {
    uint64_t q[64]; /* q0..q31, 128 bits each */
    uint64_t fpsr;
    uint64_t fpcr;
};

/** Links of a thread in one of the kernel's intrusive thread lists. */
struct tcb_link {
    struct tcb *next, *prev;
};

struct tcb {
    struct arch_regs regs;
    struct cte slot[TCB_SLOT_COUNT];
    uint32_t state;
    uint32_t prio;
    uint32_t affinity;  /* core it runs on */
    uint32_t last_core; /* core it last ran on */
    /* scheduler queue links (runnable, not current) */
    struct tcb *sched_next, *sched_prev;
    bool in_ready_queue;
    /* IPC */
    struct tcb *ipc_next, *ipc_prev;
    void *blocked_on; /* endpoint or notification */
    uint64_t ipc_badge;
    bool ipc_call;
    bool ipc_grant;
    struct tcb *reply_to;   /* the caller this thread must reply to */
    struct tcb *reply_from; /* the thread this one waits on for a reply */
    /* fault being delivered / waiting for its reply */
    bool in_fault;
    uint32_t fault_label;
    uint32_t fault_len;
    uint64_t fault_msg[CV_VMEXIT_MSG_LEN];
    struct vcpu *vcpu;     /* bound VCPU: runs as a guest */
    struct tcb_link wfi;   /* vCPUs waiting in WFI */
    uint64_t wfi_deadline; /* physical count, 0 = none */
    /* a notification wait with a deadline (CV_SYS_WAIT_UNTIL) */
    struct tcb_link sleep;
    uint64_t sleep_deadline; /* physical count, 0 = not in the list */
    struct notification *bound_ntfn;
    bool fpu_used;
    uint32_t fpu_core; /* 1 + the core whose registers hold its FP state; 0: in fpu */
    char name[TCB_NAME_LEN];
    struct fpu_state fpu;
};

#define TCB_BITS 11u
_Static_assert(sizeof(struct tcb) <= (1u << TCB_BITS), "tcb size");

/** Puts t first in the list at *head, through its links at byte `link` of struct tcb. */
void tcb_list_push(struct tcb **head, struct tcb *t, size_t link);
/** Takes t out of that list (nothing if it is not in it). */
void tcb_list_remove(struct tcb **head, struct tcb *t, size_t link);

/** Initialises a zeroed tcb. */
void tcb_init(struct tcb *t);
/** Last cap gone: stop the thread everywhere; its slots become a zombie. */
void tcb_destroy(struct tcb *t);

/** The ipc buffer of `t`, or NULL if it has none. */
struct cv_ipcbuf *tcb_ipcbuf(const struct tcb *t);

struct invocation;
/** CV_OP_TCB_* on the invoked tcb (syscall.h struct invocation). */
enum cv_err tcb_invoke(struct invocation *inv);

/** Stops `t` (cancelling any IPC) and removes it from scheduling. */
void tcb_suspend(struct tcb *t);
/** Makes an inactive `t` runnable. */
void tcb_resume(struct tcb *t);

#endif
