/*
 * A VM's posted writes (abi.h CV_OP_VCPU_TAKE_POSTED), of all its vCPUs,
 * in the order the guest wrote them.
 *
 * The kernel records a vCPU's posted writes in that vCPU and stamps each
 * from one counter; a VMM that takes one vCPU's record at a time, in the
 * order the vCPUs exit, prints a line one vCPU wrote after another's
 * written later, or cuts it in two (a lock in the guest that serialises
 * its lines does not help), and loses what vCPUs that did not exit still
 * hold when it stops the VM.
 *
 * A drain takes every vCPU: the first take (unlimited) returns the
 * counter, W; the others take only writes stamped before W, and the
 * writes are handed over in stamp order. Every write stamped before W was
 * recorded before the first take read it (abi.h), so no write handed over
 * can be followed by an earlier one in a later drain; those stamped from W
 * on stay in the kernel, and their vCPUs exit for them later (a tick, a
 * WFI, or a flagged exit). A final drain (`all`, once every vCPU is
 * stopped) takes everything.
 *
 * The takes and what is done with each write are the VMM's (callbacks):
 * the merge itself is portable and host-tested.
 */
#ifndef VMM_POSTED_H
#define VMM_POSTED_H

#include <stdbool.h>
#include <stdint.h>

#include <capvisor/abi.h>

#define POSTED_VCPUS_MAX 8u

/**
 * One take of vCPU `vcpu`: at most CV_POSTED_TAKE_MAX records, oldest
 * first, into rec[] and their count into *n; only those stamped before
 * *limit unless limit is NULL. *next gets the kernel's counter (TAKE_POSTED
 * MR1). False if the take failed (then nothing was taken).
 */
typedef bool (*posted_take_fn)(void *ctx, unsigned vcpu, const uint32_t *limit, uint64_t *rec,
                               unsigned *n, uint32_t *next);

/** One write handed over: vCPU `vcpu` wrote record `rec` (abi.h CV_POSTED_*). */
typedef void (*posted_emit_fn)(void *ctx, unsigned vcpu, uint64_t rec);

/** What one vCPU gave and has not been handed over yet. */
struct posted_queue {
    uint64_t rec[CV_POSTED_TAKE_MAX];
    unsigned head, count;
    bool more; /* the last take was full: the kernel may hold more */
};

/** The merge of one VM's vCPUs; its queues are empty between drains. */
struct posted_merge {
    posted_take_fn take;
    posted_emit_fn emit;
    void *ctx;
    unsigned vcpu_count; /* at most POSTED_VCPUS_MAX */
    bool limited;        /* this drain takes only writes stamped before `limit` */
    uint32_t limit;
    struct posted_queue q[POSTED_VCPUS_MAX];
};

/** Sets up a merge of `vcpu_count` vCPUs (more than POSTED_VCPUS_MAX: the first ones). */
void posted_init(struct posted_merge *m, unsigned vcpu_count, posted_take_fn take,
                 posted_emit_fn emit, void *ctx);

/**
 * Takes every vCPU's writes and hands them to `emit` in stamp order: those
 * stamped before the first take's counter, or (all) everything, which is
 * right only while no vCPU runs. Returns how many were handed over.
 */
unsigned posted_drain(struct posted_merge *m, bool all);

#endif /* VMM_POSTED_H */
