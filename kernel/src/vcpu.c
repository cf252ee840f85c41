/* Virtual CPUs: binding, state switching, guest exits, virtual interrupts (design: vcpu.h). */
#include <arch/cpu.h>
#include <kernel/cnode.h>
#include <kernel/core.h>
#include <kernel/fault.h>
#include <kernel/fpu.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>

static uint32_t lr_count;
static struct tcb *wfi_head; /* vCPU threads blocked in WFI, all cores */
/* The next posted write's stamp (abi.h CV_POSTED_STAMP), of every vCPU. An atomic: the fast
 * path takes no lock. A guest that orders two writes (a lock's release on one core, its acquire
 * on another) orders the increments around them too. */
static uint32_t posted_stamp;

void vcpu_init(struct vcpu *v)
{
    arch_vcpu_reset(v);
    if (!lr_count)
        lr_count = arch_vcpu_lr_count();
}

bool vcpu_spsr_valid(uint64_t spsr)
{
    uint64_t m = spsr & 0x1fu;
    return m == 0x0u || m == 0x4u || m == 0x5u; /* EL0t, EL1t, EL1h */
}

/* ---------------- binding ---------------- */

void vcpu_unbind(struct tcb *t)
{
    struct vcpu *v = t->vcpu;
    if (!v)
        return;
    core_wait_thread_out(t);
    /* Suspended: it must not run the guest's code as a plain EL0 thread (it did: kernel_tests
     * vcpu.delete_vcpu_running), and in WFI it could never get an interrupt (ipc_cancel takes
     * it off the WFI list or out of a fault). */
    if (t->state != TS_INACTIVE)
        tcb_suspend(t);
    v->tcb = NULL;
    t->vcpu = NULL;
    t->regs.spsr = 0; /* back to a plain EL0 thread */
}

void vcpu_destroy(struct vcpu *v)
{
    if (v->tcb)
        vcpu_unbind(v->tcb);
}

enum cv_err vcpu_bind_invoke(struct invocation *inv)
{
    enum cv_err err;
    struct tcb *t = inv_object(inv);
    if (inv->mr[0] == 0) {
        vcpu_unbind(t);
        return CV_OK;
    }
    struct cte *s = cnode_lookup_typed(inv->thread, inv->mr[0], CV_OBJ_VCPU, 0, &err);
    if (!s)
        return err;
    struct vcpu *v = pa_ptr(PA(s->cap.obj));
    if (v->tcb || t->vcpu)
        return CV_E_BUSY;
    if (t == inv->thread)
        return CV_E_BUSY; /* the caller would continue as a guest */
    core_wait_thread_out(t);
    v->tcb = t;
    t->vcpu = v;
    return CV_OK;
}

/* ---------------- state switching ---------------- */

/* The list registers the VMM may use: all but the kernel's timer LR. */
static uint32_t vmm_lr_count(const struct vcpu *v)
{
    return v->timer_lr_own ? lr_count - 1 : lr_count;
}

/* The guest EOI'd the timer in the kernel's LR: it runs again, as does one that fired meanwhile. */
static void timer_lr_freed(struct vcpu *v)
{
    v->timer[v->timer_in_lr - 1].masked = false;
    v->timer_in_lr = 0;
    for (uint32_t k = 0; k < VCPU_TIMER_COUNT; k++) {
        if (v->timer[k].waiting)
            v->timer[k].masked = v->timer[k].waiting = false;
    }
}

/* LRs EOI'd with maintenance requested: freed, reported once (the kernel's timer LR is not). */
static void collect_eoi(struct vcpu *v)
{
    for (uint32_t i = 0; i < lr_count; i++) {
        if ((v->lr[i].flags & IRQC_LR_EOI) && !v->lr[i].state) {
            v->lr[i] = (struct irqc_lr){0};
            if (i >= vmm_lr_count(v) && v->timer_in_lr)
                timer_lr_freed(v);
            else
                v->eoi_pending |= 1u << i;
        }
    }
}

/* The LR holding `intid` (any state), or lr_count. */
static uint32_t lr_find(const struct vcpu *v, uint32_t intid)
{
    uint32_t i = 0;
    while (i < lr_count && !(v->lr[i].state && v->lr[i].intid == intid))
        i++;
    return i;
}

/* What other cores injected while v ran (inbox_put) goes into its LRs, now in memory: pending
 * added to the LR holding its INTID, else into the LR it was given, free unless the VMM erred
 * (then it waits, as while the kernel's LR holds its INTID: one copy of an INTID). */
static void inbox_flush(struct vcpu *v)
{
    for (uint32_t m = v->inbox_mask; m; m &= m - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(m), at = lr_find(v, v->inbox[i].intid);
        if (at < vmm_lr_count(v)) {
            v->lr[at].state |= IRQC_LR_PENDING;
        } else if (at == lr_count && !v->lr[i].state) {
            v->lr[i] = v->inbox[i];
            v->lr[i].state = IRQC_LR_PENDING; /* the active copy it saw is gone */
        } else {
            continue;
        }
        v->inbox_mask &= ~(1u << i);
    }
}

/* Makes v's state the (locked) caller's: its thread leaves its core, its inbox is flushed. */
static void vcpu_take(struct vcpu *v)
{
    if (v->tcb)
        core_wait_thread_out(v->tcb);
    inbox_flush(v);
}

/* Timer k fired and has an INTID: into the kernel's LR unless the other timer still holds it. */
static bool timer_inject(struct vcpu *v, uint32_t k)
{
    uint32_t last = lr_count - 1;
    const struct vcpu_timer_irq *ti = &v->timer[k];
    if (v->timer_in_lr || v->lr[last].state)
        return false;
    v->lr[last] = (struct irqc_lr){.intid = ti->intid,
                                   .prio = ti->prio,
                                   .state = IRQC_LR_PENDING,
                                   .flags = IRQC_LR_EOI | ti->group};
    v->timer_in_lr = (uint8_t)(k + 1);
    return true;
}

/* A timer's output is a level (ARM ARM D11.2.4), written untrapped, so each guest entry
 * resamples it: one no longer due (off, IMASK, CVAL ahead) stops waiting for the kernel's LR,
 * or leaves it if only pending there (an active one stays until its EOI). */
static void timer_resample(struct vcpu *v, uint64_t now)
{
    for (uint32_t k = 0; k < VCPU_TIMER_COUNT; k++) {
        uint64_t due = arch_vcpu_timer_due(v, k);
        if (due && due <= now)
            continue;
        if (v->timer_in_lr == k + 1 && v->lr[lr_count - 1].state == IRQC_LR_PENDING)
            v->lr[lr_count - 1].state = 0; /* as if EOI'd: collect_eoi frees it, its PPI goes on */
        if (v->timer[k].waiting)
            v->timer[k].masked = v->timer[k].waiting = false;
    }
}

void vcpu_entry_save(struct tcb *t)
{
    arch_vcpu_save(t->vcpu, lr_count);
    if (t->vcpu->timer_in_lr) /* a timer waits only while one is in the LR */
        timer_resample(t->vcpu, arch_timer_now());
    collect_eoi(t->vcpu);
}

static uint32_t timer_ppi(uint32_t k)
{
    return k == VCPU_TIMER_PHYS ? plat.timer_phys_ppi : plat.timer_virt_ppi;
}

static inline __attribute__((always_inline)) void set_timer_irq(struct core *c, uint32_t k,
                                                                bool enable)
{
    uint8_t bit = (uint8_t)(1u << k);
    if (!(c->timer_irq_on & bit) == !enable)
        return;
    if (enable)
        arch_irq_enable(timer_ppi(k));
    else
        arch_irq_disable(timer_ppi(k));
    c->timer_irq_on ^= bit;
}

bool vcpu_exit_prepare(struct core *c, struct tcb *t)
{
    struct vcpu *v = t->vcpu;
    if (v->eoi_pending) {
        uint64_t msg[CV_MSG_REGS] = {t->regs.pc, v->eoi_pending, 0, 0};
        v->eoi_pending = 0;
        fault_raise_n(t, CV_FAULT_VM_MAINTENANCE, msg, 2);
        return false;
    }
    if (!c->guest_mode) {
        arch_enter_guest_mode();
        c->guest_mode = true;
    }
    inbox_flush(v);
    bool live = v->live_core == c->index + 1 && c->live_vcpu == v;
    arch_vcpu_restore(v, lr_count, live);
    v->live_core = c->index + 1;
    c->live_vcpu = v;
    for (uint32_t k = 0; k < VCPU_TIMER_COUNT; k++)
        set_timer_irq(c, k, !v->timer[k].masked);
    return true;
}

/* The timer PPIs and the guest's timers stay as the vCPU left them: one rarely fires during an
 * exit, and then vcpu_handle_irq turns its PPI off. Switching them at each exit cost more: under
 * QEMU a timer write wakes its main loop, a distributor access takes its global lock. */
void vcpu_exit_native(struct core *c)
{
    if (!c->guest_mode)
        return;
    arch_enter_native_mode();
    c->guest_mode = false;
}

/* ---------------- posted writes (abi.h CV_OP_VCPU_SET_POSTED) ---------------- */

static uint32_t posted_count(const struct vcpu *v)
{
    return __atomic_load_n(&v->posted_tail, __ATOMIC_ACQUIRE) - v->posted_head;
}

/* Records a write of `width` bytes (value masked: arch_store_value) to the posted register, or
 * false: it exits (another address, 8 bytes, record full). The busy flag is set before the
 * stamp is drawn (a full fence between), so a taker that read the stamp counter after it sees
 * the flag. */
static bool posted_record(struct vcpu *v, uint64_t ipa, uint32_t width, uint64_t value)
{
    uint32_t tail = v->posted_tail;
    if (ipa != v->posted_ipa || width == 8u ||
        tail - __atomic_load_n(&v->posted_head, __ATOMIC_ACQUIRE) == CV_POSTED_MAX)
        return false;
    __atomic_store_n(&v->posted_busy, 1u, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t stamp = __atomic_fetch_add(&posted_stamp, 1u, __ATOMIC_RELAXED) & CV_POSTED_STAMP_MASK;
    v->posted[tail % CV_POSTED_MAX] = value | ((uint64_t)width << 32) | (stamp << 36);
    __atomic_store_n(&v->posted_tail, tail + 1u, __ATOMIC_RELEASE);
    __atomic_store_n(&v->posted_busy, 0u, __ATOMIC_RELEASE);
    return true;
}

static void posted_exit(struct tcb *t, uint64_t why)
{
    uint64_t m[CV_MSG_REGS] = {t->regs.pc, posted_count(t->vcpu), why, 0};
    t->vcpu->posted_wfi_due = why == CV_POSTED_AT_TICK;
    fault_raise_n(t, CV_FAULT_VM_POSTED, m, 3);
}

/* A write of the value the steady register holds (zero-extended: a narrower write matches only
 * a value that fits; Linux writes a PL011's registers 2 bytes wide) changes nothing. */
static bool steady_write(const struct vcpu *v, uint64_t ipa, uint32_t width, uint64_t value)
{
    return v->steady_ipa && ipa == v->steady_ipa && width < 8u && value == v->steady_value;
}

static void record_data_abort(struct tcb *t, uint64_t esr);

bool vcpu_posted_fast(struct tcb *t)
{
    struct vcpu *v = t->vcpu;
    v->da_recorded = false; /* every guest exit passes here first: only this one's record counts */
    if (!v->posted_ipa)     /* steady implies posted */
        return false;
    uint64_t esr = arch_read_esr(), *m = t->fault_msg;
    if (arch_trap_kind(esr, true) != ARCH_TRAP_DATA_ABORT)
        return false;
    record_data_abort(t, esr);
    v->da_recorded = true;
    uint64_t access = m[CV_VMEXIT_DA_ACCESS], ipa = m[CV_VMEXIT_DA_IPA];
    uint32_t width = CV_DA_WIDTH(access);
    if (!width || !(access & CV_DA_WRITE))
        return false; /* not a write the syndrome describes: never posted */
    if (posted_record(v, ipa, width, m[CV_VMEXIT_DA_VALUE]) ||
        steady_write(v, ipa, width, m[CV_VMEXIT_DA_VALUE])) {
        v->da_recorded = false;
        arch_regs_skip(&t->regs);
        return true;
    }
    return false;
}

uint64_t vcpu_fault_flags(const struct tcb *t)
{
    return t->vcpu && posted_count(t->vcpu) ? CV_FAULT_VM_POSTED_FLAG : 0;
}

void vcpu_posted_tick(struct core *c)
{
    struct tcb *t = c->cur;
    if (t && t->vcpu && c->guest_mode && posted_count(t->vcpu) && t->state == TS_RUNNABLE &&
        !t->in_fault)
        posted_exit(t, CV_POSTED_AT_TICK);
}

/* A register IPA for SET_POSTED: 4-byte aligned, inside the vspace (0 = none). */
static bool posted_ipa_ok(uint64_t ipa)
{
    return !(ipa & 3u) && ipa < (1ull << CV_VSPACE_BITS);
}

static enum cv_err vcpu_set_posted(struct vcpu *v, const struct invocation *inv)
{
    uint64_t ipa = inv->mr[0], steady = inv->mr[1], value = inv->mr[2];
    if ((inv->len != 1 && inv->len != 3) || !posted_ipa_ok(ipa) || !posted_ipa_ok(steady) ||
        (steady && !ipa) || value > 0xffffffffu)
        return CV_E_INVALID_ARG;
    vcpu_take(v);
    v->posted_ipa = ipa;
    v->posted_wfi_due = v->posted_wfi_due && ipa;
    v->steady_ipa = steady;
    v->steady_value = (uint32_t)value;
    return CV_OK;
}

/*
 * The check of the last LR reads the saved state, so the wait for the vCPU to leave belongs to
 * the decode; it changes nothing visible, so a CV_E_BUSY after it leaves everything as it was.
 * The physical timer never exits: masked, it waited for this (an INTID) or for the LR, and
 * fires again if still due.
 */
static enum cv_err vcpu_set_vtimer(struct vcpu *v, const struct invocation *inv)
{
    uint64_t intid = inv->mr[0], prio = inv->mr[1], flags = inv->mr[2];
    if (inv->len < 2 || (intid != 0 && (intid < 16 || intid > 31)) || prio > 255 ||
        (flags & ~(uint64_t)(CV_INJECT_GROUP1 | CV_TIMER_PHYS)) || lr_count < 2)
        return CV_E_INVALID_ARG;
    vcpu_take(v);
    if (!v->timer_lr_own && v->lr[lr_count - 1].state)
        return CV_E_BUSY; /* the VMM's interrupt is still in the last LR */
    uint32_t k = (flags & CV_TIMER_PHYS) ? VCPU_TIMER_PHYS : VCPU_TIMER_VIRT;
    struct vcpu_timer_irq *ti = &v->timer[k];
    v->timer_lr_own = true;
    ti->intid = (uint16_t)intid;
    ti->prio = (uint8_t)prio;
    ti->group = (flags & CV_INJECT_GROUP1) ? IRQC_LR_GROUP1 : 0;
    if (k == VCPU_TIMER_PHYS && v->timer_in_lr != k + 1)
        ti->masked = ti->waiting = false;
    return CV_OK;
}

/*
 * A cut at the stamp counter, read first: every entry stamped before it is taken (up to the
 * limit, if given), none after. A vCPU running elsewhere is not made to leave (a cross-core round
 * trip per take); the take waits only while its core is between a stamp and its record. Writes
 * taken from a vCPU that runs on may end a partial line, so its next WFI exits too
 * (CV_POSTED_AT_WFI): the VMM learns when that output pauses.
 */
static enum cv_err vcpu_take_posted(struct vcpu *v, struct invocation *inv)
{
    uint64_t limit = inv->mr[0];
    if (inv->len > 1 || (inv->len && limit > CV_POSTED_STAMP_MASK))
        return CV_E_INVALID_ARG;
    uint32_t cut = __atomic_load_n(&posted_stamp, __ATOMIC_RELAXED) & CV_POSTED_STAMP_MASK;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    while (__atomic_load_n(&v->posted_busy, __ATOMIC_ACQUIRE))
        arch_relax();
    if (!inv->len || CV_POSTED_BEFORE(cut, (uint32_t)limit))
        limit = cut;
    uint32_t n = 0, avail = posted_count(v);
    for (; n < avail && n < CV_POSTED_TAKE_MAX; n++) {
        uint64_t e = v->posted[(v->posted_head + n) % CV_POSTED_MAX];
        if (!CV_POSTED_BEFORE(CV_POSTED_STAMP(e), (uint32_t)limit))
            break;
        inv->out[2 + n] = e;
    }
    __atomic_store_n(&v->posted_head, v->posted_head + n, __ATOMIC_RELEASE);
    v->posted_wfi_due = v->posted_wfi_due || (n && v->tcb && !v->tcb->in_fault);
    inv->out[0] = n;
    inv->out[1] = cut;
    inv->out_len = 2 + n;
    return CV_OK;
}

/* ---------------- guest exits ---------------- */

/* The record of every emulated device access (abi.h CV_VMEXIT_DA_*), written in place. A posted
 * write gets here only when its record is full. */
static void record_data_abort(struct tcb *t, uint64_t esr)
{
    uint64_t *m = t->fault_msg;
    uint64_t access = arch_abort_access(esr);
    m[CV_VMEXIT_DA_PC] = t->regs.pc;
    m[CV_VMEXIT_DA_IPA] = arch_guest_fault_ipa(esr);
    m[CV_VMEXIT_DA_VALUE] = arch_store_value(&t->regs, access);
    m[CV_VMEXIT_DA_ACCESS] = access;
}

static void record_call(struct tcb *t, uint64_t esr)
{
    _Static_assert(CV_VMEXIT_MSG_LEN - 2 == 8, "pc, esr and the eight argument registers");
    t->fault_msg[0] = t->regs.pc; /* written in place: every word, once */
    t->fault_msg[1] = esr;
    arch_call_args(&t->regs, &t->fault_msg[2], CV_VMEXIT_MSG_LEN - 2);
}

uint32_t vcpu_exit_record(struct tcb *t, uint64_t esr, uint32_t *len)
{
    enum arch_trap kind = t->vcpu->da_recorded ? ARCH_TRAP_DATA_ABORT : arch_trap_kind(esr, true);
    switch (kind) {
    case ARCH_TRAP_DATA_ABORT:
        if (!t->vcpu->da_recorded) /* else vcpu_posted_fast wrote it in this entry */
            record_data_abort(t, esr);
        t->vcpu->da_recorded = false;
        *len = CV_VMEXIT_DA_LEN;
        return CV_FAULT_VM_DATA_ABORT;
    case ARCH_TRAP_HVC:
    case ARCH_TRAP_SMC:
        record_call(t, esr);
        *len = CV_VMEXIT_MSG_LEN;
        return kind == ARCH_TRAP_HVC ? CV_FAULT_VM_HVC : CV_FAULT_VM_SMC;
    default:
        return 0;
    }
}

/* A trapped system register: the kernel answers the ID registers, the VMM the rest. */
static void exit_sysreg(struct tcb *t, uint64_t esr)
{
    if (arch_vcpu_dbg_trap(t->vcpu, esr) || arch_sysreg_local(&t->regs, esr))
        return;
    uint64_t m[CV_MSG_REGS] = {t->regs.pc, esr, arch_sysreg_value(&t->regs, esr), 0};
    fault_raise_n(t, CV_FAULT_VM_SYSREG, m, 3);
}

/* True if the guest has an interrupt waiting in a list register. */
static bool vcpu_irq_pending(const struct vcpu *v)
{
    if (v->inbox_mask)
        return true;
    for (uint32_t i = 0; i < lr_count; i++)
        if (v->lr[i].state & IRQC_LR_PENDING)
            return true;
    return false;
}

/* When the first timer whose interrupt reaches the guest fires, or 0 (a physical one without an
 * INTID reaches nobody). */
static uint64_t timer_deadline(const struct vcpu *v)
{
    uint64_t first = 0;
    for (uint32_t k = 0; k < VCPU_TIMER_COUNT; k++) {
        const struct vcpu_timer_irq *ti = &v->timer[k];
        bool reaches = !ti->masked && (ti->intid || k == VCPU_TIMER_VIRT);
        uint64_t due = reaches ? arch_vcpu_timer_due(v, k) : 0;
        if (due && (!first || due < first))
            first = due;
    }
    return first;
}

/* WFI/WFE: the vCPU gives up its core until it has something to do. */
static void exit_wfx(struct tcb *t, bool wfe)
{
    struct vcpu *v = t->vcpu; /* a WFE is a spin-wait: no pause of the guest's output */
    if (posted_count(v) || (v->posted_wfi_due && !wfe)) {
        /* idle: the VMM takes them first, then the WFx runs again */
        posted_exit(t, wfe ? CV_POSTED_AT_TICK : CV_POSTED_AT_WFI);
        return;
    }
    arch_regs_skip(&t->regs);
    /* An EOI the VMM asked to see is told before the guest waits (vcpu_exit_prepare at the
     * re-entry): its vGIC may hold back the very interrupt the guest waits for until then. */
    if (wfe || vcpu_irq_pending(v) || v->eoi_pending) { /* a spin-wait, or work waiting */
        sched_yield();
        return;
    }
    uint64_t deadline = timer_deadline(v);
    if (deadline && deadline <= arch_timer_now())
        return; /* the timer is due: its interrupt comes on return */
    t->wfi_deadline = deadline;
    tcb_list_push(&wfi_head, t, offsetof(struct tcb, wfi));
    sched_block(t, TS_BLOCKED_WFI);
    if (deadline)
        timer_wake_by(deadline);
}

void vcpu_wfi_cancel(struct tcb *t)
{
    if (t->state != TS_BLOCKED_WFI)
        return;
    tcb_list_remove(&wfi_head, t, offsetof(struct tcb, wfi));
}

static void wfi_wake(struct tcb *t)
{
    vcpu_wfi_cancel(t);
    sched_wake(t);
}

uint64_t vcpu_wfi_tick(struct core *c, uint64_t now)
{
    uint64_t next = 0;
    for (struct tcb *t = wfi_head, *n; t; t = n) {
        n = t->wfi.next;
        if (t->affinity != c->index || !t->wfi_deadline)
            continue;
        if (t->wfi_deadline <= now)
            wfi_wake(t);
        else if (!next || t->wfi_deadline < next)
            next = t->wfi_deadline;
    }
    return next;
}

void vcpu_handle_exit(struct tcb *t, uint64_t esr)
{
    uint32_t len, label = vcpu_exit_record(t, esr, &len);
    if (label) {
        fault_send(t, label, len);
        return;
    }
    switch (arch_trap_kind(esr, true)) {
    case ARCH_TRAP_FP:
        fpu_trap(t);
        break;
    case ARCH_TRAP_WFI:
    case ARCH_TRAP_WFE:
        exit_wfx(t, arch_trap_kind(esr, true) == ARCH_TRAP_WFE);
        break;
    case ARCH_TRAP_INSN_ABORT: {
        uint64_t m[CV_MSG_REGS] = {t->regs.pc, arch_insn_abort_ipa(), esr, 0};
        fault_raise_n(t, CV_FAULT_VM_INSN_ABORT, m, 3);
        break;
    }
    case ARCH_TRAP_SYSREG:
        exit_sysreg(t, esr);
        break;
    default: {
        uint64_t m[CV_MSG_REGS] = {t->regs.pc, 0, esr, 0};
        fault_raise_n(t, CV_FAULT_VM_UNKNOWN, m, 3);
        break;
    }
    }
}

/* Timer k of the guest running here fired (its PPI now off): into the kernel's LR, or it waits
 * for it. Without an INTID the virtual timer exits to the VMM, the physical one waits. */
static void timer_fired(struct tcb *t, uint32_t k)
{
    struct vcpu_timer_irq *ti = &t->vcpu->timer[k];
    ti->masked = true;
    if (ti->intid) {
        ti->waiting = !timer_inject(t->vcpu, k);
    } else if (k == VCPU_TIMER_VIRT) {
        uint64_t m[CV_MSG_REGS] = {t->regs.pc, 0, 0, 0};
        fault_raise_n(t, CV_FAULT_VM_VTIMER, m, 1);
    }
}

/* The vCPU timer whose PPI `irq` is, or VCPU_TIMER_COUNT. */
static inline __attribute__((always_inline)) uint32_t timer_of_ppi(uint32_t irq)
{
    uint32_t k = 0;
    while (k < VCPU_TIMER_COUNT && irq != timer_ppi(k))
        k++;
    return k;
}

bool vcpu_irq_fast(struct core *c, struct tcb *t, uint32_t irq)
{
    struct vcpu *v = t->vcpu;
    uint32_t k = timer_of_ppi(irq);
    /* the LR state in memory may be older, but only busier (the guest's EOIs) */
    if (k == VCPU_TIMER_COUNT || !v->timer[k].intid || v->timer_in_lr || !v->timer_lr_own ||
        !c->guest_mode || c->resched || c->handoff || t->state != TS_RUNNABLE)
        return false;
    set_timer_irq(c, k, false);
    timer_fired(t, k);
    if (v->timer_in_lr)
        arch_vcpu_set_lr(lr_count - 1, &v->lr[lr_count - 1]);
    arch_irq_eoi(irq);
    return true;
}

bool vcpu_handle_irq(uint32_t irq)
{
    struct core *c = this_core();
    struct tcb *t = c->cur;
    uint32_t k = timer_of_ppi(irq);
    if (k < VCPU_TIMER_COUNT) {
        set_timer_irq(c, k, false); /* level-triggered: off until acked */
        if (t && t->vcpu && c->guest_mode)
            timer_fired(t, k);
        return true;
    }
    /* maintenance: its work is done at entry (collect_eoi) and on exit */
    return irq == ARCH_IRQ_MAINTENANCE;
}

/* ---------------- invocations ---------------- */

static enum cv_err vcpu_regs(struct vcpu *v, struct invocation *inv, bool write)
{
    uint64_t first = inv->mr[0], count = inv->mr[1];
    if (inv->len < (write ? 2u + count : 2u) || first >= CV_VCPU_REG_COUNT ||
        count > CV_VCPU_REG_COUNT - first || count > CV_MSG_MAX - 2)
        return CV_E_INVALID_ARG;
    vcpu_take(v);
    if (write)
        v->live_core = 0; /* the next run loads every register */
    for (uint32_t i = 0; i < count; i++) {
        uint64_t *r = arch_vcpu_reg(v, (uint32_t)first + i);
        if (write)
            *r = inv->mr[2 + i];
        else
            inv->out[i] = *r;
    }
    inv->out_len = write ? 0 : (uint32_t)count;
    return CV_OK;
}

/* INJECT_IRQ, decoded: LR `index` becomes `lr`, now or when the remote core reenters v. */
struct inject_args {
    uint32_t index;
    bool remote;
    struct irqc_lr lr;
};

/* LR i as an injection sees it: the inbox's, else the saved state; older than the LR of a vCPU
 * running elsewhere, but only the guest's EOIs changed it since: an LR free there is free. */
static const struct irqc_lr *lr_view(const struct vcpu *v, uint32_t i)
{
    return (v->inbox_mask >> i & 1u) ? &v->inbox[i] : &v->lr[i];
}

/* virq goes to the LR already holding it (an active one becomes pending+active), else to a free
 * one (MR2's, or any). A vCPU running elsewhere is not waited for (inbox_put). */
static enum cv_err inject_decode(struct vcpu *v, const struct invocation *inv,
                                 struct inject_args *a)
{
    uint64_t virq = inv->mr[0], prio = inv->mr[1], want = inv->mr[2];
    uint64_t flags = inv->mr[3], src = inv->mr[4];
    if (inv->len < 3 || virq > 1019 || prio > 255 || src > 7 ||
        (flags & ~(uint64_t)(CV_INJECT_EOI_EXIT | CV_INJECT_GROUP1)) ||
        (want != (uint64_t)-1 && want >= vmm_lr_count(v)))
        return CV_E_INVALID_ARG;
    a->remote = v->tcb && core_runs_elsewhere(v->tcb);
    if (!a->remote)
        vcpu_take(v);
    if (v->timer_in_lr && virq == v->lr[lr_count - 1].intid)
        return CV_E_BUSY; /* in the kernel's LR: one copy of an INTID at most */
    a->index = vmm_lr_count(v);
    for (uint32_t i = 0; i < vmm_lr_count(v); i++) {
        const struct irqc_lr *lr = lr_view(v, i);
        if (lr->state && lr->intid == virq) {
            a->index = i;
            a->lr = *lr;
            a->lr.state |= IRQC_LR_PENDING;
            return CV_OK;
        }
        if (!lr->state && a->index == vmm_lr_count(v) && (want == (uint64_t)-1 || want == i))
            a->index = i;
    }
    if (a->index == vmm_lr_count(v))
        return CV_E_BUSY;
    a->lr = (struct irqc_lr){.intid = (uint32_t)virq,
                             .prio = (uint8_t)prio,
                             .src = virq < 16 ? (uint8_t)src : 0,
                             .state = IRQC_LR_PENDING,
                             .flags = (uint8_t)(((flags & CV_INJECT_EOI_EXIT) ? IRQC_LR_EOI : 0) |
                                                ((flags & CV_INJECT_GROUP1) ? IRQC_LR_GROUP1 : 0))};
    return CV_OK;
}

/* Leaves an injection for v's core and kicks it out of the guest (ARCH_IPI_KICK: no wait, no
 * reschedule) unless the inbox's first one did; it takes it on its way back in. */
static void inbox_put(struct vcpu *v, const struct inject_args *a)
{
    bool kicked = v->inbox_mask != 0;
    v->inbox[a->index] = a->lr;
    v->inbox_mask |= 1u << a->index;
    if (!kicked)
        arch_send_ipi(v->tcb->last_core, ARCH_IPI_KICK);
}

static void vcpu_get_lrs(struct vcpu *v, struct invocation *inv)
{
    vcpu_take(v);
    uint64_t free = 0;
    for (uint32_t i = 0; i < vmm_lr_count(v); i++)
        if (!v->lr[i].state)
            free |= 1ull << i;
    inv->out[0] = free;
    inv->out[1] = vmm_lr_count(v);
    inv->out_len = 2;
}

enum cv_err vcpu_invoke(struct invocation *inv)
{
    struct vcpu *v = inv_object(inv);
    struct inject_args a;
    enum cv_err err;
    switch (inv->label) {
    case CV_OP_VCPU_READ_REGS:
    case CV_OP_VCPU_WRITE_REGS:
        return vcpu_regs(v, inv, inv->label == CV_OP_VCPU_WRITE_REGS);
    case CV_OP_VCPU_INJECT_IRQ:
        if ((err = inject_decode(v, inv, &a)) != CV_OK)
            return err;
        if (a.remote) {
            inbox_put(v, &a);
            return CV_OK;
        }
        v->lr[a.index] = a.lr;
        break;
    case CV_OP_VCPU_ACK_VTIMER:
        v->timer[VCPU_TIMER_VIRT].masked = false;
        break;
    case CV_OP_VCPU_GET_LRS:
        vcpu_get_lrs(v, inv);
        return CV_OK;
    case CV_OP_VCPU_SET_POSTED:
        return vcpu_set_posted(v, inv);
    case CV_OP_VCPU_TAKE_POSTED:
        return vcpu_take_posted(v, inv);
    case CV_OP_VCPU_SET_VTIMER:
        if ((err = vcpu_set_vtimer(v, inv)) != CV_OK)
            return err;
        break;
    default:
        return CV_E_INVALID_OP;
    }
    if (v->tcb && v->tcb->state == TS_BLOCKED_WFI)
        wfi_wake(v->tcb); /* an interrupt; or a deadline ignored while masked or undelivered */
    return CV_OK;
}
