/*
 * The VMM's loop: every guest exit arrives as fault IPC on the VMM's
 * endpoint (abi.h CV_FAULT_VM_*, badge = vCPU index + 1); console input
 * arrives on the notification bound to the VMM's thread (CV_MSG_LABEL_NTFN).
 * Each exit is handled and answered before the next is received.
 */
#ifndef VMM_EXITS_H
#define VMM_EXITS_H

#include <stdint.h>

#include "vm.h"

/** What the loop does after an exit was handled. */
enum exit_action {
    EXIT_REPLY,    /* reply `label` (enum cv_fault_reply or CV_FAULT_VM_EMULATED), MR0 */
    EXIT_NO_REPLY, /* nobody waits (console input) */
    EXIT_REBOOT    /* reply CV_FAULT_STOP, then reboot the VM */
};

/** The outcome of one exit. */
struct exit_result {
    enum exit_action action;
    uint64_t label;
    uint64_t mr0;
};

/** An exit message as received. */
struct exit_msg {
    unsigned vcpu; /* from the badge */
    uint64_t label;
    bool posted; /* CV_FAULT_VM_POSTED_FLAG: take the vCPU's posted writes first */
    uint64_t mr[CV_VMEXIT_MSG_LEN]; /* of a data abort only MR0..3 (exits_unpack) */
};

/** Reply label with MR0. */
struct exit_result exits_reply(uint64_t label, uint64_t mr0);

/**
 * Stops the VM with one line "<vm>: <why> — VM stopped" (printf format)
 * and answers the exit with CV_FAULT_STOP.
 */
struct exit_result exits_stop(struct vm *vm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Prints the exit counts since the guest started ("<vm>: N exits: ...") and zeroes them. */
void exits_report(struct vm *vm);

/** Handles exits forever. */
_Noreturn void exits_loop(struct vm *vm);

#endif /* VMM_EXITS_H */
