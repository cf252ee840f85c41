/*
 * The exit loops (exits.h).
 *
 * Lock order: the VM lock (vm->lock) is the VMM's only lock. Every thread
 * takes it after its Recv returns and releases it before its reply;
 * nothing is called with it held that waits for another VMM thread (the
 * kernel's waits for a core to leave a guest do not need one).
 */
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>
#include <cap/syscall.h>

#include "console.h"
#include "exits.h"
#include "fw.h"
#include "guest.h"
#include "netport.h"
#include "sysreg.h"
#include "vcpu.h"
#include "vdev.h"
#include "vio.h"
#include "virq.h"
#include "vpass.h"
#include "vxconn.h"

/** The server threads' priority: above their vCPUs' (vcpu.h), as the VMM's is. */
#define EXITS_PRIORITY (VCPU_PRIORITY + 1u)

/** Exits the VMM does not emulate: the VM stops with the syndrome. */
static struct vmexit_result exits_unhandled(struct vm *vm, const struct vmexit *m)
{
    unsigned long long pc = m->mr[0];
    switch (m->label) {
    case CV_FAULT_VM_UNKNOWN:
        return vm_halt(vm, "vcpu %u: unhandled guest exit (pc 0x%llx, esr 0x%llx)", m->vcpu, pc,
                       (unsigned long long)m->mr[2]);
    default:
        return vm_halt(vm, "vcpu %u: unexpected fault %llu (pc 0x%llx)", m->vcpu,
                       (unsigned long long)m->label, pc);
    }
}

/** The count an exit goes to (RAM backing: exits_ram). */
static enum vm_exit_kind exits_count_kind(enum vmexit_kind k)
{
    static const enum vm_exit_kind count[VMEXIT_KINDS] = {
        [VMEXIT_DATA_ABORT] = VM_EXIT_MMIO, [VMEXIT_INSN_ABORT] = VM_EXIT_OTHER,
        [VMEXIT_FIRMWARE] = VM_EXIT_FW,     [VMEXIT_SYSREG] = VM_EXIT_OTHER,
        [VMEXIT_VTIMER] = VM_EXIT_IRQ,      [VMEXIT_MAINTENANCE] = VM_EXIT_IRQ,
        [VMEXIT_POSTED] = VM_EXIT_POSTED,   [VMEXIT_UNKNOWN] = VM_EXIT_OTHER,
    };
    return k < VMEXIT_KINDS ? count[k] : VM_EXIT_OTHER;
}

/**
 * A stage-2 abort on guest RAM that is not backed yet (guest_fault backs
 * it): any access, decodable or not, a table walk or an instruction fetch,
 * is retried. False if the abort is not on guest RAM.
 */
static bool exits_ram(struct vm *vm, const struct vmexit *m, struct vmexit_result *res)
{
    if (m->kind != VMEXIT_DATA_ABORT && m->kind != VMEXIT_INSN_ABORT)
        return false;
    /* both messages carry the IPA in MR1 (abi.h) */
    enum guest_fault_result g = guest_fault(vm, m->mr[CV_VMEXIT_DA_IPA]);
    if (g == GUEST_NOT_RAM)
        return false;
    vm->exits[VM_EXIT_RAM]++;
    *res = g == GUEST_BACKED ? vmexit_reply(CV_FAULT_RESUME, 0)
                             : vm_halt(vm, "vcpu %u: guest RAM unavailable", m->vcpu);
    return true;
}

/* The handlers this VMM registers with libvmm's dispatch (vmexit.h). */
static struct vmexit_result on_data_abort(void *vm, const struct vmexit *m)
{
    return vdev_data_abort(vm, m);
}

static struct vmexit_result on_insn_abort(void *vm, const struct vmexit *m)
{
    return vdev_insn_abort(vm, m);
}

static struct vmexit_result on_firmware(void *vm, const struct vmexit *m)
{
    return fw_call(vm, m);
}

static struct vmexit_result on_sysreg(void *vm, const struct vmexit *m)
{
    return sysreg_access(vm, m);
}

static struct vmexit_result on_vtimer(void *vm, const struct vmexit *m)
{
    virq_vtimer(vm, m->vcpu);
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

static struct vmexit_result on_maintenance(void *vm, const struct vmexit *m)
{
    virq_maintenance(vm, m->vcpu, m->mr[1]);
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

/** Posted writes were taken before dispatch (exits_handle); the partial line is out. */
static struct vmexit_result on_posted(void *vm, const struct vmexit *m)
{
    (void)vm;
    (void)m;
    return vmexit_reply(CV_FAULT_RESUME, 0);
}

static struct vmexit_result on_unhandled(void *vm, const struct vmexit *m)
{
    return exits_unhandled(vm, m);
}

/** One exit of a running VM: RAM backing, its count, then its handler. */
static struct vmexit_result exits_dispatch(struct vm *vm, const struct vmexit *m)
{
    static const vmexit_fn fns[VMEXIT_KINDS] = {
        [VMEXIT_DATA_ABORT] = on_data_abort, [VMEXIT_INSN_ABORT] = on_insn_abort,
        [VMEXIT_FIRMWARE] = on_firmware,     [VMEXIT_SYSREG] = on_sysreg,
        [VMEXIT_VTIMER] = on_vtimer,         [VMEXIT_MAINTENANCE] = on_maintenance,
        [VMEXIT_POSTED] = on_posted,         [VMEXIT_UNKNOWN] = on_unhandled,
    };
    struct vmexit_result res;
    if (exits_ram(vm, m, &res))
        return res;
    vm->exits[exits_count_kind(m->kind)]++;
    /* The vCPU that wrote the partial line waits for an interrupt: it
     * paused its output (a prompt), so print it. Any other exit, a timer
     * tick's above all, may cut a line the guest is still writing, and a
     * flush there let another VM's line in between the halves; another
     * vCPU's exit says nothing about that output. */
    if (m->kind == VMEXIT_POSTED && m->mr[2] == CV_POSTED_AT_WFI && m->vcpu == vm->con.writer)
        console_flush(vm);
    return vmexit_dispatch(fns, vm, m);
}

/**
 * Unpacks a received message: MR0..3 from registers, the rest from the IPC
 * buffer. A data abort needs only MR0..3 (abi.h: the VMM decodes the
 * syndrome), so its other words are not read; words not sent read 0.
 */
static void exits_unpack(const struct cv_sysret *r, uint64_t *mr)
{
    uint64_t len = CV_MSG_LEN(r->info), label = CV_MSG_LABEL(r->info);
    bool abort = (label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG) == CV_FAULT_VM_DATA_ABORT;
    uint64_t n = abort ? CV_MSG_REGS : CV_VMEXIT_MSG_LEN;
    /* The copies below have fixed counts and are unrolled into plain loads
     * and stores: as loops with a test a word they cost ~100 instructions
     * an exit. */
    if (len < n)
        n = len;
#pragma GCC unroll 4
    for (unsigned i = 0; i < CV_MSG_REGS; i++)
        mr[i] = i < n ? r->mr[i] : 0;
    if (n <= CV_MSG_REGS) {
        memset(&mr[CV_MSG_REGS], 0, (CV_VMEXIT_MSG_LEN - CV_MSG_REGS) * sizeof(*mr));
        return;
    }
    const uint64_t *buf = CV_IPCBUF->mr;
#pragma GCC unroll 8
    for (unsigned i = CV_MSG_REGS; i < CV_VMEXIT_MSG_LEN; i++)
        mr[i] = i < n ? buf[i] : 0;
}

/** Handles what one Recv returned. */
static struct vmexit_result exits_handle(struct vm *vm, const struct cv_sysret *r)
{
    struct vmexit m;
    if (CV_MSG_LABEL(r->info) == CV_MSG_LABEL_NTFN) {
        console_input(vm);
        if (vm->hvc && !vm->stopped) /* the serial server may have made room */
            virtio_console_tx_resume(vm->hvc);
        netport_poll(vm);          /* the switch may have frames or room */
        vxconn_poll(vm, r->badge); /* the native side's events */
        vpass_poll(vm, r->badge);  /* a passed-through device's interrupt */
        return (struct vmexit_result){VMEXIT_NO_REPLY, 0, 0};
    }
    /* a stale exit: its vCPU was suspended (nobody waits for the reply) */
    int i = vcpu_current(vm, r->badge);
    if (i < 0)
        return (struct vmexit_result){VMEXIT_NO_REPLY, 0, 0};
    exits_unpack(r, m.mr); /* decoded in place */
    if (!vmexit_decode(CV_MSG_LABEL(r->info), (uint64_t)i + 1u, vm->vcpu_count, m.mr, &m)) {
        printf("[%s] message with unknown badge %llu ignored\n", vm->name,
               (unsigned long long)r->badge);
        return (struct vmexit_result){VMEXIT_NO_REPLY, 0, 0};
    }
    vm->vcpu[i].served++;
    if (vm->stopped)
        return vmexit_reply(CV_FAULT_STOP, 0);
    if (m.posted || m.kind == VMEXIT_POSTED)
        vdev_take_posted(vm, false); /* they came before this exit */
    vm->waiting = (int)m.vcpu;
    struct vmexit_result res = exits_dispatch(vm, &m);
    vm->waiting = -1;
    return res;
}

/**
 * Handles one message under the VM lock; the answer to give after it. A
 * reset is done here, the lock still held: the caller's vCPU is stopped
 * first (CV_FAULT_STOP), as vm_reboot wants every vCPU out of its exit.
 */
static struct vmexit_result exits_locked(struct vm *vm, const struct cv_sysret *r)
{
    cv_mutex_lock(&vm->lock);
    struct vmexit_result res = exits_handle(vm, r);
    if (res.action == VMEXIT_REBOOT) {
        cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
        if (!vm_reboot(vm))
            vm_stop(vm);
    }
    cv_mutex_unlock(&vm->lock);
    return res;
}

/**
 * vCPU c's server: receives its exits on its endpoint, on its core,
 * handles each under the VM lock and replies after releasing it. The
 * reply may find its vCPU suspended by another thread meanwhile (a stop,
 * a reset): the kernel then drops it (CV_E_NO_REPLY).
 */
static _Noreturn void exits_serve(void *arg)
{
    struct vm_vcpu *c = arg;
    struct vm *vm = c->vm;
    unsigned core = 0;
    enum cv_err err = cv_tcb_get_core(c->server.tcb, &core); /* the core it runs on now */
    cv_mutex_lock(&vm->lock);
    c->served_core = err == CV_OK ? (int)core : -1;
    cv_mutex_unlock(&vm->lock);
    struct cv_sysret r = cv_recv(c->ep);
    for (;;) {
        struct vmexit_result res = exits_locked(vm, &r);
        uint64_t mr[CV_MSG_REGS] = {res.mr0, 0, 0, 0};
        if (res.action == VMEXIT_REPLY)
            r = cv_reply_recv(c->ep, CV_MSGINFO(res.label, 0, 1), mr);
        else
            r = cv_recv(c->ep);
    }
}

bool exits_start(struct vm *vm)
{
    bool ok = true;
    /* held while the servers are made: one that starts serves vCPU 0's
     * exits at once, which may take from the self allocator too */
    cv_mutex_lock(&vm->lock);
    for (unsigned i = 0; i < vm->vcpu_count && ok; i++) {
        struct vm_vcpu *c = &vm->vcpu[i];
        char name[16];
        snprintf(name, sizeof(name), "%.9s.exit%u", vm->name, i % 10u);
        enum cv_err err =
            cv_self_thread_create(&c->server, exits_serve, c, EXITS_PRIORITY, c->core);
        if (err == CV_OK)
            err = cv_tcb_set_name(c->server.tcb, name);
        if (err == CV_OK)
            err = cv_tcb_resume(c->server.tcb);
        if (err != CV_OK) {
            printf("[%s] vcpu %u: exit thread: %s\n", vm->name, i, cv_err_str(err));
            ok = false;
        }
    }
    cv_mutex_unlock(&vm->lock);
    return ok;
}

_Noreturn void exits_loop(struct vm *vm)
{
    for (;;) {
        struct cv_sysret r = cv_recv(vm->ep);
        (void)exits_locked(vm, &r); /* a notification: nobody waits for a reply */
    }
}
