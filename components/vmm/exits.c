/*
 * The exit loop (exits.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include <cap/syscall.h>

#include "console.h"
#include "exits.h"
#include "fw.h"
#include "guest.h"
#include "sysreg.h"
#include "vdev.h"
#include "vio.h"
#include "virq.h"

struct exit_result exits_reply(uint64_t label, uint64_t mr0)
{
    return (struct exit_result){EXIT_REPLY, label, mr0};
}

struct exit_result exits_stop(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    console_flush(vm);
    printf("%s: ", vm->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" — VM stopped\n");
    vm_stop(vm);
    return exits_reply(CV_FAULT_STOP, 0);
}

/** Exits the VMM does not emulate: the VM stops with the syndrome. */
static struct exit_result exits_unhandled(struct vm *vm, const struct exit_msg *m)
{
    unsigned long long pc = m->mr[0];
    switch (m->label) {
    case CV_FAULT_VM_INSN_ABORT:
        return exits_stop(vm,
                          "vcpu %u: instruction fetch from unbacked IPA 0x%llx (pc 0x%llx, "
                          "esr 0x%llx)",
                          m->vcpu, (unsigned long long)m->mr[1], pc, (unsigned long long)m->mr[2]);
    case CV_FAULT_VM_UNKNOWN:
        return exits_stop(vm, "vcpu %u: unhandled guest exit (pc 0x%llx, esr 0x%llx)", m->vcpu, pc,
                          (unsigned long long)m->mr[2]);
    default:
        return exits_stop(vm, "vcpu %u: unexpected fault %llu (pc 0x%llx)", m->vcpu,
                          (unsigned long long)m->label, pc);
    }
}

void exits_report(struct vm *vm)
{
    const uint64_t *e = vm->exits;
    unsigned long long total = 0;
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        total += e[k];
    printf("%s: %llu exits: %llu mmio, %llu ram, %llu firmware, %llu timer/eoi, %llu posted, "
           "%llu other; %llu posted writes\n",
           vm->name, total, (unsigned long long)e[VM_EXIT_MMIO], (unsigned long long)e[VM_EXIT_RAM],
           (unsigned long long)e[VM_EXIT_FW], (unsigned long long)e[VM_EXIT_IRQ],
           (unsigned long long)e[VM_EXIT_POSTED], (unsigned long long)e[VM_EXIT_OTHER],
           (unsigned long long)vm->posted_writes);
    for (unsigned k = 0; k < VM_EXIT_KINDS; k++)
        vm->exits[k] = 0;
    vm->posted_writes = 0;
    vio_report(vm);
}

/** The kind an exit is counted as (RAM backing: exits_ram). */
static enum vm_exit_kind exits_kind(uint64_t label)
{
    switch (label) {
    case CV_FAULT_VM_DATA_ABORT:
        return VM_EXIT_MMIO;
    case CV_FAULT_VM_HVC:
    case CV_FAULT_VM_SMC:
        return VM_EXIT_FW;
    case CV_FAULT_VM_VTIMER:
    case CV_FAULT_VM_MAINTENANCE:
        return VM_EXIT_IRQ;
    case CV_FAULT_VM_POSTED:
        return VM_EXIT_POSTED;
    default:
        return VM_EXIT_OTHER;
    }
}

/**
 * A stage-2 abort on guest RAM that is not backed yet (guest_fault backs
 * it): any access, decodable or not, a table walk or an instruction fetch,
 * is retried. False if the abort is not on guest RAM.
 */
static bool exits_ram(struct vm *vm, const struct exit_msg *m, struct exit_result *res)
{
    if (m->label != CV_FAULT_VM_DATA_ABORT && m->label != CV_FAULT_VM_INSN_ABORT)
        return false;
    /* both messages carry the IPA in MR1 (abi.h) */
    enum guest_fault_result g = guest_fault(vm, m->mr[CV_VMEXIT_DA_IPA]);
    if (g == GUEST_NOT_RAM)
        return false;
    vm->exits[VM_EXIT_RAM]++;
    *res = g == GUEST_BACKED ? exits_reply(CV_FAULT_RESUME, 0)
                             : exits_stop(vm, "vcpu %u: guest RAM unavailable", m->vcpu);
    return true;
}

/** One exit of a running VM. */
static struct exit_result exits_dispatch(struct vm *vm, const struct exit_msg *m)
{
    struct exit_result res;
    if (exits_ram(vm, m, &res))
        return res;
    vm->exits[exits_kind(m->label)]++;
    /* The vCPU that wrote the partial line paused its output (a prompt):
     * print it. Another vCPU's exit says nothing about that output, and
     * flushing there split lines of an SMP guest around other writers. */
    if (m->label != CV_FAULT_VM_DATA_ABORT && m->vcpu == vm->con.writer)
        console_flush(vm);
    switch (m->label) {
    case CV_FAULT_VM_DATA_ABORT:
        return vdev_data_abort(vm, m);
    case CV_FAULT_VM_HVC:
    case CV_FAULT_VM_SMC:
        return fw_call(vm, m);
    case CV_FAULT_VM_VTIMER:
        virq_vtimer(vm, m->vcpu);
        return exits_reply(CV_FAULT_RESUME, 0);
    case CV_FAULT_VM_MAINTENANCE:
        virq_maintenance(vm, m->vcpu, m->mr[1]);
        return exits_reply(CV_FAULT_RESUME, 0);
    case CV_FAULT_VM_SYSREG:
        return sysreg_access(vm, m);
    case CV_FAULT_VM_POSTED: /* taken in exits_handle; the partial line is out */
        return exits_reply(CV_FAULT_RESUME, 0);
    default:
        return exits_unhandled(vm, m);
    }
}

/**
 * Unpacks a received message: MR0..3 from registers, the rest from the IPC
 * buffer. A data abort needs only MR0..3 (abi.h: the VMM decodes the
 * syndrome), so its other words are not read; words not sent read 0.
 */
static void exits_unpack(const struct cv_sysret *r, struct exit_msg *m)
{
    uint64_t len = CV_MSG_LEN(r->info);
    unsigned want = m->label == CV_FAULT_VM_DATA_ABORT ? CV_MSG_REGS : CV_VMEXIT_MSG_LEN;
    for (unsigned i = 0; i < want; i++)
        m->mr[i] = i >= len ? 0 : i < CV_MSG_REGS ? r->mr[i] : CV_IPCBUF->mr[i];
}

/** Handles what one Recv returned. */
static struct exit_result exits_handle(struct vm *vm, const struct cv_sysret *r)
{
    struct exit_msg m;
    if (CV_MSG_LABEL(r->info) == CV_MSG_LABEL_NTFN) {
        console_flush(vm);
        console_input(vm);
        if (vm->hvc && !vm->stopped) /* the serial server may have made room */
            virtio_console_tx_resume(vm->hvc);
        return (struct exit_result){EXIT_NO_REPLY, 0, 0};
    }
    m.vcpu = (unsigned)(r->badge - 1u);
    m.label = CV_MSG_LABEL(r->info) & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG;
    m.posted = (CV_MSG_LABEL(r->info) & CV_FAULT_VM_POSTED_FLAG) != 0;
    exits_unpack(r, &m);
    if (r->badge == 0 || m.vcpu >= vm->vcpu_count) {
        printf("%s: message with unknown badge %llu ignored\n", vm->name,
               (unsigned long long)r->badge);
        return (struct exit_result){EXIT_NO_REPLY, 0, 0};
    }
    if (vm->stopped)
        return exits_reply(CV_FAULT_STOP, 0);
    if (m.posted || m.label == CV_FAULT_VM_POSTED)
        vdev_take_posted(vm, m.vcpu); /* they came before this exit */
    vm->waiting = (int)m.vcpu;
    struct exit_result res = exits_dispatch(vm, &m);
    vm->waiting = -1;
    return res;
}

_Noreturn void exits_loop(struct vm *vm)
{
    struct cv_sysret r = cv_recv(vm->ep);
    for (;;) {
        struct exit_result res = exits_handle(vm, &r);
        uint64_t mr[CV_MSG_REGS] = {res.mr0, 0, 0, 0};
        switch (res.action) {
        case EXIT_REPLY:
            r = cv_reply_recv(vm->ep, CV_MSGINFO(res.label, 0, 1), mr);
            break;
        case EXIT_REBOOT:
            cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
            if (!vm_reboot(vm))
                vm_stop(vm);
            r = cv_recv(vm->ep);
            break;
        default:
            r = cv_recv(vm->ep);
            break;
        }
    }
}
