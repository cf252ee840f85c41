/*
 * Tiny guests for the vCPU cases (t_vcpu.c, t_ptimer.c): a few
 * instructions at EL1 with the MMU off (addresses are IPAs), in a code
 * page we map too, run by a vCPU thread whose exits we receive as its VMM.
 */
#ifndef KT_GUEST_H
#define KT_GUEST_H

#include "kt.h"

#define GUEST_CODE_IPA 0x40000000ull
#define GUEST_DEV_IPA  0x09000000ull /* x0 at the start; no RAM there: accesses exit */
#define GUEST_SPSR     0x3c5ull      /* EL1h, DAIF masked */
#define GUEST_PRIO     KT_MAIN_PRIO  /* equal: our polling yield lets it run */
#define GUEST_WAIT_MS  30000u        /* generous: 4 vCPUs of QEMU on 2 host cores are slow */

/* A64 encodings (ARM ARM C6) every guest uses */
#define I_WFI    0xd503207fu
#define I_HVC0   0xd4000002u
#define I_B_SELF 0x14000000u

/** A guest: a vCPU thread in its own stage-2 vspace, faulting to ep. */
struct guest {
    uint64_t vspace, tcb, vcpu, ep;
    uint32_t *code; /* our mapping of its code page */
};

/**
 * Builds a guest running prog (then `b .`) from GUEST_CODE_IPA, with
 * x0 = GUEST_DEV_IPA and x1 = x1_start; not started. False (the failure
 * recorded) on error.
 */
bool guest_new(struct guest *g, const uint32_t *prog, unsigned n, uint64_t x1_start);
/** Writes code[] at byte offset `off` of the code page, visible to instruction fetch. */
void guest_put(struct guest *g, unsigned off, const uint32_t *code, unsigned n);
/** Takes the next guests' objects (not their code pages) from untyped ut, or the arena (0). */
void guest_set_untyped(uint64_t ut);
/** The next exit: its label (posted flag included); mr[] gets MR0..MR9. 0 after GUEST_WAIT_MS. */
uint64_t guest_next_exit(const struct guest *g, uint64_t mr[CV_VMEXIT_MSG_LEN]);
/** Replies to the exit in hand with `label` and MR0 = value. */
void guest_reply(uint64_t label, uint64_t value);
/** The list registers the VMM may use (CV_OP_VCPU_GET_LRS MR1). */
uint64_t guest_lr_count(const struct guest *g);

#endif /* KT_GUEST_H */
