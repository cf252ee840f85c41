/*
 * vCPU threads (vcpu.h). Objects come from the self allocator (cap/self.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/invoke.h>
#include <cap/self.h>

#include "vcpu.h"
#include "vdev.h"
#include "virq.h"

#define VMPIDR_RES1 (1ull << 31)
/*
 * A VCPU object's size (kernel VCPU_BITS). Each vCPU makes its objects from
 * an untyped of this size into one slot: a reset deletes the old object,
 * which leaves the untyped without children, so the next one reuses the
 * memory and the slot (from the VMM's own untyped, each reset would cost
 * both for good: a guest looping on SYSTEM_RESET ran the VMM out).
 */
#define VCPU_OBJ_BITS 12u

/** Reports a failed step of vCPU i; always false. */
static bool vcpu_fail(const struct vm *vm, unsigned i, const char *what, enum cv_err err)
{
    printf("[%s] vcpu %u: %s: %s\n", vm->name, i, what, cv_err_str(err));
    return false;
}

/** Writes every EL1 register of vCPU i from the reset image, VMPIDR = index. */
static enum cv_err vcpu_reset_sysregs(struct vm *vm, unsigned i)
{
    uint64_t args[2 + CV_VCPU_REG_COUNT] = {0, CV_VCPU_REG_COUNT};
    memcpy(&args[2], vm->sysreg_reset, sizeof(vm->sysreg_reset));
    args[2 + CV_VCPU_VMPIDR] = VMPIDR_RES1 | i;
    return cv_invoke(vm->vcpu[i].vcpu, CV_OP_VCPU_WRITE_REGS, args, 2 + CV_VCPU_REG_COUNT, NULL, 0);
}

/** A VCPU object bound to vCPU i's thread; the first one records the reset state. */
static bool vcpu_new_object(struct vm *vm, unsigned i)
{
    enum cv_err err;
    struct vm_vcpu *c = &vm->vcpu[i];
    err = cv_untyped_retype(c->vcpu_ut, CV_OBJ_VCPU, 0, 0, c->vcpu, 1);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "VCPU object", err);
    uint64_t args[2] = {0, CV_VCPU_REG_COUNT};
    if (!vm->have_sysreg_reset) {
        err =
            cv_invoke(c->vcpu, CV_OP_VCPU_READ_REGS, args, 2, vm->sysreg_reset, CV_VCPU_REG_COUNT);
        if (err != CV_OK)
            return vcpu_fail(vm, i, "reading reset state", err);
        vm->have_sysreg_reset = true;
    }
    err = cv_invoke(c->tcb, CV_OP_TCB_BIND_VCPU, &c->vcpu, 1, NULL, 0);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "binding", err);
    /* the kernel takes the last list register for the timers (virq.c) */
    memset(c->timer, 0, sizeof(c->timer));
    c->timer[1][2] = CV_TIMER_PHYS; /* a new object delivers neither timer */
    err = cv_invoke(c->vcpu, CV_OP_VCPU_SET_VTIMER, c->timer[0], 2, NULL, 0);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "timer list register", err);
    uint64_t lrs[2];
    err = cv_invoke(c->vcpu, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "list registers", err);
    c->lr_count = (unsigned)lrs[1];
    err = vdev_posted_set(vm, i); /* console bytes need no exit each */
    if (err != CV_OK)
        return vcpu_fail(vm, i, "posted writes", err);
    c->used = false;
    return true;
}

unsigned vcpu_core(const struct vm *vm, unsigned i)
{
    if (vm->cfg->flags & CV_SPEC_VM_VCPU_AFFINITY)
        return vm->cfg->vcpu_core[i];
    return vm->core_count ? i % vm->core_count : 0;
}

/** The vCPU thread's scheduling and name ("vm0.vcpu0"). */
static enum cv_err vcpu_sched(struct vm *vm, unsigned i)
{
    uint64_t tcb = vm->vcpu[i].tcb;
    char name[16];
    snprintf(name, sizeof(name), "%.9s.vcpu%u", vm->name, i % 10u);
    enum cv_err err = cv_tcb_set_priority(tcb, VCPU_PRIORITY);
    if (err == CV_OK)
        err = cv_tcb_set_affinity(tcb, vm->vcpu[i].core);
    if (err == CV_OK)
        err = cv_tcb_set_name(tcb, name);
    return err;
}

/** vCPU i's badge: its index + 1, and its starts so far above VCPU_BADGE_INDEX_BITS. */
static uint64_t vcpu_badge_of(const struct vm *vm, unsigned i)
{
    return ((uint64_t)vm->vcpu[i].gen << VCPU_BADGE_INDEX_BITS) | (i + 1u);
}

/**
 * A new start of vCPU i (suspended: in no exit) faults with a new badge,
 * so that its server thread can tell an exit it received from the start
 * before, whose vCPU another thread suspended meanwhile (vcpu_current).
 */
static enum cv_err vcpu_badge(struct vm *vm, unsigned i)
{
    struct vm_vcpu *c = &vm->vcpu[i];
    c->gen++;
    enum cv_err err = cv_cnode_delete(CV_COMP_SLOT_CNODE, c->fault_ep);
    if (err == CV_OK)
        err = cv_cnode_mint(CV_COMP_SLOT_CNODE, c->fault_ep, 0, c->ep, CV_RIGHT_WRITE,
                            vcpu_badge_of(vm, i));
    if (err == CV_OK)
        err = cv_tcb_set_fault_ep(c->tcb, c->fault_ep);
    return err;
}

int vcpu_current(const struct vm *vm, uint64_t badge)
{
    uint64_t i = (badge & ((1u << VCPU_BADGE_INDEX_BITS) - 1u)) - 1u;
    if (i >= vm->vcpu_count || badge != vcpu_badge_of(vm, (unsigned)i) || !vm->vcpu[i].running)
        return -1;
    return (int)i;
}

bool vcpu_create(struct vm *vm, unsigned i)
{
    enum cv_err err;
    struct vm_vcpu *c = &vm->vcpu[i];
    c->vm = vm;
    c->index = i;
    c->core = vcpu_core(vm, i); /* the description's, else spread */
    c->served_core = -1;
    c->tcb = cv_self_retype(CV_OBJ_TCB, 0, &err);
    if (!c->tcb)
        return vcpu_fail(vm, i, "TCB", err);
    c->ep = cv_self_retype(CV_OBJ_ENDPOINT, 0, &err);
    if (!c->ep)
        return vcpu_fail(vm, i, "exit endpoint", err);
    c->fault_ep = cv_self_slot();
    c->vcpu = cv_self_slot();
    if (!c->fault_ep || !c->vcpu)
        return vcpu_fail(vm, i, "fault endpoint and VCPU slots", CV_E_RANGE);
    c->vcpu_ut = cv_self_retype(CV_OBJ_UNTYPED, VCPU_OBJ_BITS, &err);
    if (!c->vcpu_ut)
        return vcpu_fail(vm, i, "untyped for VCPU objects", err);
    err = cv_cnode_mint(CV_COMP_SLOT_CNODE, c->fault_ep, 0, c->ep, CV_RIGHT_WRITE,
                        vcpu_badge_of(vm, i));
    if (err != CV_OK)
        return vcpu_fail(vm, i, "fault endpoint", err);
    err = cv_tcb_configure(c->tcb, CV_COMP_SLOT_CNODE, vm->vspace, 0, 0, c->fault_ep);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "configure", err);
    err = vcpu_sched(vm, i);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "priority, affinity or name", err);
    return vcpu_new_object(vm, i);
}

bool vcpu_renew(struct vm *vm, unsigned i)
{
    struct vm_vcpu *c = &vm->vcpu[i];
    uint64_t none = 0;
    vcpu_suspend(vm, i);
    enum cv_err err = cv_invoke(c->tcb, CV_OP_TCB_BIND_VCPU, &none, 1, NULL, 0);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "unbinding", err);
    err = cv_cnode_delete(CV_COMP_SLOT_CNODE, c->vcpu);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "deleting the VCPU object", err);
    return vcpu_new_object(vm, i);
}

bool vcpu_start(struct vm *vm, unsigned i, uint64_t pc, uint64_t x0)
{
    struct vm_vcpu *c = &vm->vcpu[i];
    enum cv_err err = vcpu_reset_sysregs(vm, i);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "EL1 registers", err);
    err = vcpu_badge(vm, i);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "badge", err);
    struct cv_user_regs regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = pc;
    regs.x[0] = x0;
    regs.spsr = VCPU_SPSR_ENTRY;
    err = cv_tcb_write_regs(c->tcb, &regs);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "registers", err);
    err = cv_tcb_resume(c->tcb);
    if (err != CV_OK)
        return vcpu_fail(vm, i, "resume", err);
    c->running = true;
    c->used = true;
    return true;
}

bool vcpu_refresh(struct vm *vm, unsigned i)
{
    vdev_take_posted(vm, false); /* its own, if any, are older than the limit */
    if (!vcpu_renew(vm, i))
        return false;
    (void)vgic_lrs_freed(&vm->vgic, i, ~0ull, NULL);
    /* its timer is off in the new object: the line the old one raised drops */
    (void)vgic_set_irq_level(&vm->vgic, i, vm->machine.timer_intid, false);
    virq_vtimer_sync(vm); /* the new object delivers no timer yet */
    return true;
}

void vcpu_suspend(struct vm *vm, unsigned i)
{
    struct vm_vcpu *c = &vm->vcpu[i];
    if (!c->running)
        return;
    enum cv_err err = cv_tcb_suspend(c->tcb);
    if (err != CV_OK)
        vcpu_fail(vm, i, "suspend", err);
    c->running = false;
}
