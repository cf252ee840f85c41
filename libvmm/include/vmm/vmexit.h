/*
 * A guest exit as a VMM handles it: decoded from the kernel's fault message
 * (abi.h CV_FAULT_VM_*, the badge naming the vCPU), dispatched through a
 * table of handlers, one per kind, that a VMM registers, and answered with
 * the reply a handler formed. The loop itself (receive, reply) is the VMM
 * component's; what an exit means and who handles it lives here, so that
 * any VMM built on libvmm shares it (Microkit's libvmm keeps fault handling
 * in the library the same way).
 */
#ifndef VMM_VMEXIT_H
#define VMM_VMEXIT_H

#include <stdbool.h>
#include <stdint.h>

#include <capvisor/abi.h>

/** What kind of exit (one handler each). */
enum vmexit_kind {
    VMEXIT_DATA_ABORT,  /* stage-2 data abort: MMIO, or RAM not backed yet */
    VMEXIT_INSN_ABORT,  /* instruction fetch from an IPA not backed */
    VMEXIT_FIRMWARE,    /* HVC or SMC: PSCI and other firmware calls */
    VMEXIT_SYSREG,      /* a trapped system register */
    VMEXIT_VTIMER,      /* the virtual timer fired */
    VMEXIT_MAINTENANCE, /* list registers the guest EOI'd */
    VMEXIT_POSTED,      /* only to hand over posted writes */
    VMEXIT_UNKNOWN,     /* anything else */
    VMEXIT_KINDS
};

/** One decoded exit. */
struct vmexit {
    unsigned vcpu; /* from the badge: vCPU index */
    enum vmexit_kind kind;
    uint64_t label; /* CV_FAULT_VM_*, without CV_FAULT_VM_POSTED_FLAG */
    bool posted;    /* the vCPU's posted writes are to be taken first */
    uint64_t mr[CV_VMEXIT_MSG_LEN];
};

/** What the loop does after a handler. */
enum vmexit_action {
    VMEXIT_REPLY,    /* reply `label` (enum cv_fault_reply or CV_FAULT_VM_EMULATED), MR0 */
    VMEXIT_NO_REPLY, /* nobody waits for a reply */
    VMEXIT_REBOOT    /* reply CV_FAULT_STOP, then reboot the VM */
};

/** A handler's answer. */
struct vmexit_result {
    enum vmexit_action action;
    uint64_t label;
    uint64_t mr0;
};

/** A handler of one kind of exit. */
typedef struct vmexit_result (*vmexit_fn)(void *ctx, const struct vmexit *e);

/** The kind of exit a fault label (flags stripped) is. */
enum vmexit_kind vmexit_kind_of(uint64_t label);

/**
 * Decodes a received fault message: the label (with its flags), the badge
 * (vCPU index + 1) and the message words. False if the badge names no vCPU
 * of the VM's `vcpu_count` (nothing that the kernel sends: not answered).
 * `mr` may be out->mr itself, unpacked there by the caller: it is not copied.
 */
bool vmexit_decode(uint64_t label, uint64_t badge, unsigned vcpu_count, const uint64_t *mr,
                   struct vmexit *out);

/**
 * Runs e's handler from `fn` (VMEXIT_KINDS entries, a VMM's constant table)
 * with `ctx`: fn[VMEXIT_UNKNOWN] if its kind has none; no handler at all
 * stops the VM.
 */
struct vmexit_result vmexit_dispatch(const vmexit_fn *fn, void *ctx, const struct vmexit *e);

/** A reply with `label` and MR0. */
struct vmexit_result vmexit_reply(uint64_t label, uint64_t mr0);

#endif /* VMM_VMEXIT_H */
