/*
 * Message-passing conventions on top of the raw syscalls: notifications
 * and a small RPC layer (label = operation, MRs = argument words).
 */
#ifndef CAP_IPC_H
#define CAP_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include <cap/time.h>
#include <capvisor/abi.h>

/** Signal a notification (Send on a notification cap with WRITE). */
void cv_signal(uint64_t ntfn);

/** Block until ntfn is signalled; *word gets the accumulated badges. */
void cv_wait(uint64_t ntfn, uint64_t *word);

/** Non-blocking wait: true and *word set if a signal was pending. */
bool cv_poll(uint64_t ntfn, uint64_t *word);

/**
 * Waits on ntfn until a signal (true, *word set) or until the counter
 * (cv_now) reaches deadline (false, *word 0): CV_SYS_WAIT_UNTIL.
 */
bool cv_wait_until(uint64_t ntfn, uint64_t deadline, uint64_t *word);

/** A received RPC request (server side). */
struct cv_rpc_msg {
    uint64_t badge; /* badge of the client's endpoint cap          */
    uint64_t label; /* operation, or CV_MSG_LABEL_NTFN (see abi.h) */
    unsigned len;   /* number of valid words in arg                */
    uint64_t arg[CV_MSG_MAX];
};

/**
 * Call ep with label and n argument words; copy up to max reply words into
 * results. Returns the reply's message info: CV_MSG_LABEL() is the
 * server's status, CV_MSG_LEN() the number of reply words it sent.
 */
uint64_t cv_rpc_call(uint64_t ep, uint64_t label, const uint64_t *args, unsigned n,
                     uint64_t *results, unsigned max);

/** Wait for the next request on ep. */
void cv_rpc_recv(uint64_t ep, struct cv_rpc_msg *msg);

/** Reply to the current request with a status label and n words. */
void cv_rpc_reply(uint64_t label, const uint64_t *results, unsigned n);

/** Reply to the current request, then wait for the next one on ep. */
void cv_rpc_reply_recv(uint64_t ep, uint64_t label, const uint64_t *results, unsigned n,
                       struct cv_rpc_msg *msg);

#endif /* CAP_IPC_H */
