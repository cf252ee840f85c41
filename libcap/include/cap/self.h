/*
 * Components that manage themselves: those given `untyped-bits` in their
 * system description, which the loader hands their own TCB, CNode and
 * VSpace (slots 1..3) and an untyped (slot 5, spec.h enum cv_comp_slot).
 *
 * This module carves objects out of one untyped into a range of the
 * component's own cnode, maps frames in its own vspace (adding page tables
 * on CV_E_NO_TABLE) and starts threads there. It keeps one allocator per
 * program and does no locking: a program whose threads share it excludes
 * them itself.
 */
#ifndef CAP_SELF_H
#define CAP_SELF_H

#include <stdint.h>

#include <capvisor/abi.h>
#include <capvisor/spec.h>

#define CV_SELF_STACK_PAGES 4u /* 16 KiB of stack per thread */

/**
 * Take objects from untyped into slots [first_slot, slot_end) of the own
 * cnode and place mappings from va_base upwards. Call again to switch.
 */
void cv_self_init(uint64_t untyped, uint64_t first_slot, uint64_t slot_end, uint64_t va_base);

/**
 * Delete the caps in every slot handed out since cv_self_init() and reuse
 * slots and addresses from the start. Revoke the untyped first to destroy
 * the objects themselves (deleting a cap leaves its object while a copy or
 * the untyped's record of it remains).
 */
void cv_self_reset(void);

/** n consecutive free slots: the first, or 0 when the range is exhausted. */
uint64_t cv_self_slots(unsigned n);

/** One free slot, or 0. */
uint64_t cv_self_slot(void);

/**
 * Retype one object of type (size_bits: cnode radix, untyped bits, else 0)
 * into a new slot: its cptr, or 0 with the reason in *err (err may be NULL).
 */
uint64_t cv_self_retype(enum cv_obj type, unsigned size_bits, enum cv_err *err);

/** size bytes of fresh address space aligned to align, an unmapped guard page after. */
uint64_t cv_self_va(uint64_t size, uint64_t align);

/** Map frame at vaddr in the own vspace, adding page tables on CV_E_NO_TABLE. */
enum cv_err cv_self_map(uint64_t frame, uint64_t vaddr, unsigned rights);

/** cv_self_map into `vspace` (e.g. a guest's stage 2); rights may carry CV_MAP_PAGES. */
enum cv_err cv_self_map_in(uint64_t vspace, uint64_t frame, uint64_t vaddr, unsigned rights);

/** Retype count 4 KiB frames and map them from vaddr upwards. */
enum cv_err cv_self_map_pages(uint64_t vaddr, unsigned count, unsigned rights);

/** A new read-write page at a fresh address (its frame cap in *frame). */
void *cv_self_page(uint64_t *frame, enum cv_err *err);

/** A thread in the component's own cspace and vspace. */
struct cv_self_thread {
    uint64_t tcb;          /* cptr of its TCB */
    uint64_t ipcbuf_frame; /* cptr of its IPC buffer frame */
    struct cv_ipcbuf *ipc; /* where that frame is mapped */
    uintptr_t stack_top;
};

/**
 * Create a thread that runs entry(arg) at priority prio on core affinity,
 * with its own stack (CV_SELF_STACK_PAGES), IPC buffer and TLS block (in
 * the IPC buffer's page, after the buffer: its own errno, and CV_IPCBUF
 * naming its own buffer, so libcap's invocations and IPC work in it; the
 * template is copied from the program's .tdata as it is now). stdio is
 * not thread-safe: threads that print must exclude each other. It is
 * configured without a fault endpoint and not started:
 * cv_tcb_resume(t->tcb). If entry returns, the thread exits
 * (CV_SYS_THREAD_EXIT).
 */
enum cv_err cv_self_thread_create(struct cv_self_thread *t, void (*entry)(void *), void *arg,
                                  unsigned prio, unsigned affinity);

#endif /* CAP_SELF_H */
