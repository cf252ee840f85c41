/*
 * Kernel entry and exit, the idle loop, and the cross-core waits.
 *
 * Entry from EL0: vectors.S saved the registers into the current thread; we publish "not in user"
 * (in_user = NULL), take the kernel lock, handle the exception and leave through kernel_exit(),
 * which picks the next thread, publishes it in in_user and drops the lock just before eret.
 */
#include <kernel/core.h>
#include <kernel/fastpath.h>
#include <kernel/fpu.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/lock.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

struct core cores[CV_MAX_CORES];
uint32_t core_count;
struct ticket_lock kernel_lock;

__attribute__((noreturn)) static void exit_to_current(struct core *c);

/* `t` left user mode. A vCPU's state goes to memory before in_user
 * clears: a core that sees NULL there may read it. */
static inline __attribute__((always_inline)) void leave_user(struct core *c, struct tcb *t)
{
    if (t->vcpu)
        vcpu_entry_save(t);
    __atomic_store_n(&c->in_user, NULL, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline)) void enter_kernel(struct core *c, struct tcb *t)
{
    leave_user(c, t);
    lock_acquire(&kernel_lock);
}

/* Out of line: the general path's frame is large; the fast path needs none of it. */
__attribute__((noinline, noreturn)) static void sync_slow(void)
{
    if (this_core()->cur) /* NULL if it was destroyed while we waited */
        syscall_sync_exception();
    kernel_exit();
}

/* A guest's exit. A posted write goes back to the guest at once: no state saved, no lock
 * (vcpu_posted_fast says why none is needed). Out of line: a system call's entry pays nothing. */
__attribute__((noinline, noreturn)) static void guest_sync(struct core *c, struct tcb *t)
{
    if (vcpu_posted_fast(t))
        arch_return_to_guest(&t->regs);
    enter_kernel(c, t);
    if (c->cur == t && fastpath_exit(c, t)) /* c->cur: as below */
        exit_to_current(c);
    sync_slow();
}

void kernel_sync_from_user(void)
{
    struct core *c = this_core();
    struct tcb *t = c->cur;
    if (t->vcpu)
        guest_sync(c, t);
    enter_kernel(c, t);
    /* c->cur again: another core may have destroyed t while we waited */
    if (c->cur == t && fastpath_syscall(c, t))
        exit_to_current(c);
    sync_slow();
}

/* A guest's own timer is delivered without saving the guest if the lock is free (vcpu_irq_fast):
 * nobody then waits for this core to leave the guest, and in_user stays. Otherwise, or for another
 * interrupt, the state is saved and in_user cleared before the handling, as enter_kernel does. */
void kernel_irq_from_user(void)
{
    struct core *c = this_core();
    struct tcb *t = c->cur;
    if (!t->vcpu || !lock_try(&kernel_lock)) {
        enter_kernel(c, t);
        irq_handle(arch_irq_ack());
        kernel_exit();
    }
    uint32_t irq = arch_irq_ack();
    if (vcpu_irq_fast(c, t, irq)) {
        lock_release(&kernel_lock);
        arch_return_to_guest(&t->regs);
    }
    leave_user(c, t); /* with the lock already held */
    irq_handle(irq);
    kernel_exit();
}

void kernel_irq_from_idle(void)
{
    lock_acquire(&kernel_lock);
    irq_handle(arch_irq_ack());
    lock_release(&kernel_lock);
}

/* Nothing to run here: wait for an interrupt with the lock released. The
 * caller chooses again; it loops, so an idle core picking threads that
 * cannot run (fpu_runnable_here, a missing vspace) uses no more stack. */
static void idle_wait(struct core *c)
{
    if (fpu_idle(c)) /* an owner that moved, and back: it runs here */
        return;
    lock_release(&kernel_lock);
    arch_idle_wait();
    lock_acquire(&kernel_lock);
    timer_idle_woken();
}

/* The vspace `t` runs in, or NULL if it has none (then it cannot run). */
static struct vspace *thread_vspace(const struct tcb *t)
{
    const struct cap *c = &t->slot[TCB_SLOT_VSPACE].cap;
    return c->type == CV_OBJ_VSPACE ? pa_ptr(PA(c->obj)) : NULL;
}

void kernel_exit(void)
{
    struct core *c = this_core();
    for (;;) {
        sched_choose(c);
        if (!c->cur) {
            idle_wait(c);
            continue;
        }
        if (!thread_vspace(c->cur)) {
            kprintf("kernel: thread '%s' has no address space: suspended\n", c->cur->name);
            sched_block(c->cur, TS_INACTIVE);
            continue;
        }
        if (!fpu_runnable_here(c, c->cur) || fpu_switch(c, c->cur))
            continue;
        if (!c->cur->vcpu) {
            vcpu_exit_native(c);
            break;
        }
        if (vcpu_exit_prepare(c, c->cur))
            break;
    }
    exit_to_current(c);
}

/* Leaves the kernel into c->cur, which can run here now (kernel_exit checked). */
static void exit_to_current(struct core *c)
{
    struct tcb *t = c->cur;
    struct vspace *vs = thread_vspace(t);
    vspace_activate(vs);
    t->last_core = c->index;
    c->active_vmid = vs->meta.vmid;
    __atomic_store_n(&c->in_user, t, __ATOMIC_RELEASE);
    lock_release(&kernel_lock);
    if (t->vcpu)
        arch_return_to_guest(&t->regs);
    arch_return_to_user(&t->regs);
}

static void wait_core_out(uint32_t i, const struct tcb *t, uint32_t vmid)
{
    struct core *c = &cores[i];
    for (bool sent = false;;) {
        struct tcb *u = __atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE);
        if (!u || (t && u != t) || (!t && c->active_vmid != vmid))
            return;
        if (!sent) {
            arch_send_ipi(i, ARCH_IPI_RESCHEDULE);
            sent = true;
        }
        arch_relax(); /* under QEMU's one TCG thread, lets that core run */
    }
}

bool core_runs_elsewhere(const struct tcb *t)
{
    const struct core *c = &cores[t->last_core];
    return c != this_core() && __atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE) == t;
}

void core_wait_thread_out(const struct tcb *t)
{
    for (uint32_t i = 0; i < core_count; i++)
        if (&cores[i] != this_core())
            wait_core_out(i, t, 0);
}

void core_wait_vmid_out(uint16_t vmid)
{
    for (uint32_t i = 0; i < core_count; i++)
        if (&cores[i] != this_core())
            wait_core_out(i, NULL, vmid);
}

static const char *const exception_kinds[16] = {
    "EL2t sync",    "EL2t irq",    "EL2t fiq",    "EL2t serror",   "EL2h sync", "EL2h irq",
    "EL2h fiq",     "EL2h serror", "EL0 sync",    "EL0 irq",       "EL0 fiq",   "EL0 serror",
    "AArch32 sync", "AArch32 irq", "AArch32 fiq", "AArch32 serror"};

void kernel_panic_exception(uint64_t esr, uint64_t elr, uint64_t far, uint32_t kind)
{
    kpanic("unexpected %s exception on core %u: esr 0x%lx elr 0x%lx far 0x%lx",
           kind < 16 ? exception_kinds[kind] : "?", this_core()->index, esr, elr, far);
}
