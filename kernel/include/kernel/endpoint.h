/*
 * Endpoints: synchronous, unbuffered IPC (Send, Call, Recv, Reply).
 * Notifications: asynchronous words of badge bits (Signal, Wait, Poll).
 */
#ifndef KERNEL_ENDPOINT_H
#define KERNEL_ENDPOINT_H

#include <kernel/types.h>

struct tcb;

/** A FIFO of threads blocked on an object. */
struct tcb_queue {
    struct tcb *head;
    struct tcb *tail;
};

enum ep_state { EP_IDLE, EP_SEND, EP_RECV };

struct endpoint {
    struct tcb_queue queue; /* all senders or all receivers */
    uint32_t state;
};

struct notification {
    uint64_t word;
    struct tcb_queue queue; /* waiters */
    struct tcb *bound;      /* tcb bound with TCB_BIND_NTFN, or NULL */
};

#define ENDPOINT_BITS     6u
#define NOTIFICATION_BITS 6u

void tcbq_append(struct tcb_queue *q, struct tcb *t);
void tcbq_remove(struct tcb_queue *q, struct tcb *t);

/** `s` sends on `ep` (`call`: and waits for the reply): to a waiting
 * receiver at once, else it waits in the queue unless it is an NBSend. */
void ep_send(struct tcb *s, struct endpoint *ep, uint64_t badge, bool can_grant, bool call,
             bool blocking);
/** The current thread receives on `ep` (blocking or not). */
void ep_recv(struct endpoint *ep, bool blocking);
/** The current thread replies to the thread that called it. */
void ep_reply(void);

/** Takes the first thread off ep's queue (there is one); the endpoint goes idle when it empties. */
struct tcb *ep_dequeue(struct endpoint *ep);
/** The fault message of `s` (in_fault) to receiver `r`, with `badge` in its x0. */
void ep_transfer_fault(struct tcb *s, struct tcb *r, uint64_t badge);
/** Sends the fault message of `t` on `ep` as a Call; `t` then waits. */
void ep_send_fault(struct tcb *t, struct endpoint *ep, uint64_t badge);

/** Wakes every thread blocked on `ep` with CV_E_DELETED. */
void ep_destroy(struct endpoint *ep);

void ntfn_signal(struct notification *n, uint64_t badge);
/** `t` waits on n (at the tail); the caller blocks it (ntfn_wait, the fast path). */
void ntfn_enqueue(struct notification *n, struct tcb *t);
/** The signal to n's first waiter (there is one): it gets the word and is
 * runnable, the caller queues it or runs it (ntfn_signal, the fast path). */
void ntfn_give(struct notification *n, uint64_t badge);
void ntfn_wait(struct notification *n, bool blocking);
/** CV_SYS_WAIT_UNTIL: waits on n until a signal or the physical count
 * reaches `deadline`; x0 gets the word, 0 if the deadline came first. */
void ntfn_wait_until(struct notification *n, uint64_t deadline);
/** Timer tick on `core`: wakes its waiters whose deadline passed; the next deadline, or 0. */
uint64_t ntfn_sleep_tick(uint32_t core, uint64_t now);
void ntfn_destroy(struct notification *n);
void ntfn_bind(struct notification *n, struct tcb *t);
void ntfn_unbind(struct tcb *t);

/** Removes `t` from whatever IPC it is blocked in (suspend, delete). */
void ipc_cancel(struct tcb *t);
/** `server` is going away: its pending caller gets CV_E_DELETED. */
void ipc_abandon_reply(struct tcb *server);

#endif
