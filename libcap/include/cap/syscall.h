/*
 * Raw system calls: the `svc #0` convention of include/capvisor/abi.h and
 * one typed wrapper per syscall number.
 *
 * Every EL0 program (components and the root loader) uses these. They do
 * not interpret labels; invoke.h turns kernel replies into enum cv_err and
 * ipc.h/rpc.h add message-passing conventions on top.
 */
#ifndef CAP_SYSCALL_H
#define CAP_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include <capvisor/abi.h>
#include <capvisor/spec.h>

/*
 * The IPC buffer of the running thread, a thread-local pointer (picolibc's
 * TLS, TPIDR_EL0, which the kernel keeps per thread: two loads, no system
 * call). The main thread's is CV_COMP_IPCBUF_VADDR (== CV_ROOT_IPCBUF_VADDR,
 * so one initial value serves components and the root); a thread made by
 * cv_self_thread_create has a TLS block of its own that names its own
 * buffer. A thread started with another's TLS pointer shares that one's
 * buffer (and errno).
 */
extern _Thread_local struct cv_ipcbuf *cv_ipcbuf_self;
#define CV_IPCBUF cv_ipcbuf_self

_Static_assert(CV_COMP_IPCBUF_VADDR == CV_ROOT_IPCBUF_VADDR,
               "root and components share the IPC buffer address");

/** What a syscall hands back: x0 (badge or notification word), x1..x5. */
struct cv_sysret {
    uint64_t badge; /* x0: sender badge, notification word          */
    uint64_t info;  /* x1: message info (label = cv_err for invokes) */
    uint64_t mr[CV_MSG_REGS];
};

/**
 * The one generic syscall: number in x7, cptr in x0, message info in x1,
 * MR0..MR3 in x2..x5 (mr may be NULL for "all zero"). The kernel is
 * assumed to preserve x8..x30 and sp; x6 and x7 are treated as clobbered
 * as well so the stub stays correct if the kernel uses them as scratch.
 */
static inline struct cv_sysret cv_syscall(enum cv_syscall num, uint64_t cptr, uint64_t info,
                                          const uint64_t *mr)
{
    register uint64_t x0 __asm__("x0") = cptr;
    register uint64_t x1 __asm__("x1") = info;
    register uint64_t x2 __asm__("x2") = mr ? mr[0] : 0;
    register uint64_t x3 __asm__("x3") = mr ? mr[1] : 0;
    register uint64_t x4 __asm__("x4") = mr ? mr[2] : 0;
    register uint64_t x5 __asm__("x5") = mr ? mr[3] : 0;
    register uint64_t x7 __asm__("x7") = (uint64_t)num;

    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x7)
                     :
                     : "x6", "memory");
    struct cv_sysret r = {x0, x1, {x2, x3, x4, x5}};
    return r;
}

/** Call: send on cptr and wait for the reply (also kernel invocations). */
static inline struct cv_sysret cv_call(uint64_t cptr, uint64_t info, const uint64_t *mr)
{
    return cv_syscall(CV_SYS_CALL, cptr, info, mr);
}

/** Blocking send on an endpoint (a signal on a notification). */
static inline void cv_send(uint64_t cptr, uint64_t info, const uint64_t *mr)
{
    (void)cv_syscall(CV_SYS_SEND, cptr, info, mr);
}

/** Send only if a receiver is already waiting; otherwise dropped. */
static inline void cv_nbsend(uint64_t cptr, uint64_t info, const uint64_t *mr)
{
    (void)cv_syscall(CV_SYS_NBSEND, cptr, info, mr);
}

/** Wait for a message on an endpoint or a signal on a notification. */
static inline struct cv_sysret cv_recv(uint64_t cptr)
{
    return cv_syscall(CV_SYS_RECV, cptr, 0, NULL);
}

/**
 * Poll an endpoint or notification. Nothing pending is reported with the
 * label CV_E_WOULD_BLOCK and x0 = 0 (our reading of abi.h).
 */
static inline struct cv_sysret cv_nbrecv(uint64_t cptr)
{
    return cv_syscall(CV_SYS_NBRECV, cptr, 0, NULL);
}

/** Reply to the last Call this thread received. */
static inline void cv_reply(uint64_t info, const uint64_t *mr)
{
    (void)cv_syscall(CV_SYS_REPLY, 0, info, mr);
}

/** Reply to the last Call, then wait on cptr (the server loop step). */
static inline struct cv_sysret cv_reply_recv(uint64_t cptr, uint64_t info, const uint64_t *mr)
{
    return cv_syscall(CV_SYS_REPLYRECV, cptr, info, mr);
}

/** Give up the rest of the timeslice. */
static inline void cv_yield(void)
{
    (void)cv_syscall(CV_SYS_YIELD, 0, 0, NULL);
}

/** Print len bytes at s on the kernel console (x0 = vaddr, x1 = length). */
static inline void cv_debug_puts(const char *s, size_t len)
{
    (void)cv_syscall(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)s, len, NULL);
}

#endif /* CAP_SYSCALL_H */
