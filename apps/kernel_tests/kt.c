/*
 * kernel_tests helpers: case running and reporting, the scratch arena
 * (objects, slots, addresses), helper threads and time. See kt.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kt.h"

struct kt_state kt;

static struct kt_thread kt_threads[KT_MAX_THREADS];

void kt_failf(const char *fmt, ...)
{
    va_list ap;

    if (kt.case_failed)
        return; /* keep the first reason */
    kt.case_failed = true;
    va_start(ap, fmt);
    vsnprintf(kt.why, sizeof(kt.why), fmt, ap);
    va_end(ap);
}

static uint64_t read_tpidr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

bool kt_init(void)
{
    const struct cv_comp_info *info = cv_comp_info();

    kt.core_count = info ? info->core_count : 1;
    kt.timer_freq = info ? info->timer_freq : 0;
    if (kt.timer_freq == 0)
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(kt.timer_freq));
    kt.tpidr = read_tpidr();
    kt.next_slot = KT_SLOT_SCRATCH;
    kt.next_va = KT_VA_BASE;
    enum cv_err err =
        cv_untyped_retype(KT_UNTYPED, CV_OBJ_UNTYPED, KT_ARENA_BITS, 0, KT_SLOT_ARENA, 1);
    if (err != CV_OK) {
        printf("kernel_tests: cannot make the scratch untyped: %s\n", cv_err_str(err));
        return false;
    }
    return true;
}

void kt_reset(void)
{
    enum cv_err err = cv_cnode_revoke(KT_CNODE, KT_SLOT_ARENA);
    if (err != CV_OK)
        printf("kernel_tests: revoking the arena: %s\n", cv_err_str(err));
    /* copies of caps from outside the arena (own tcb, irq handlers...) */
    for (uint64_t s = KT_SLOT_SCRATCH; s < kt.next_slot; s++)
        (void)cv_cnode_delete(KT_CNODE, s);
    kt.next_slot = KT_SLOT_SCRATCH;
    kt.next_va = KT_VA_BASE;
    kt.thread_count = 0;
    memset(kt_threads, 0, sizeof(kt_threads));
}

void kt_run(const char *name, void (*fn)(void))
{
    kt.case_failed = false;
    kt.why[0] = '\0';
    fn();
    if (kt.case_failed) {
        kt.failed++;
        printf("TEST %s: FAIL %s\n", name, kt.why);
    } else {
        kt.passed++;
        printf("TEST %s: ok\n", name);
    }
    kt_reset();
}

/* ---------------- objects ---------------- */

uint64_t kt_slots(unsigned n)
{
    if (kt.next_slot + n > KT_CNODE_SLOTS) {
        kt_failf("out of scratch slots");
        return 0;
    }
    uint64_t s = kt.next_slot;
    kt.next_slot += n;
    return s;
}

uint64_t kt_slot(void)
{
    return kt_slots(1);
}

uint64_t kt_alloc(enum cv_obj type, unsigned size_bits)
{
    uint64_t s = kt_slot();
    if (!s)
        return 0;
    enum cv_err err = cv_untyped_retype(KT_SLOT_ARENA, type, size_bits, 0, s, 1);
    if (err != CV_OK) {
        kt_failf("allocating object type %d: %s", (int)type, cv_err_str(err));
        return 0;
    }
    return s;
}

enum cv_err kt_map(uint64_t frame, uint64_t va, unsigned rights)
{
    /* at most one missing table per level below the root */
    for (int tries = 0; tries < 3; tries++) {
        enum cv_err err = cv_frame_map(frame, KT_VSPACE, va, rights);
        if (err != CV_E_NO_TABLE)
            return err;
        uint64_t pt = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
        if (!pt)
            return CV_E_NO_MEMORY;
        err = cv_pt_map(pt, KT_VSPACE, va);
        if (err != CV_OK)
            return err;
    }
    return CV_E_NO_TABLE;
}

uint64_t kt_va(uint64_t size, uint64_t align)
{
    uint64_t va = (kt.next_va + align - 1) & ~(align - 1);
    kt.next_va = va + size + CV_PAGE_SIZE; /* an unmapped guard page after it */
    return va;
}

void *kt_page(uint64_t *frame_out)
{
    uint64_t frame = kt_alloc(CV_OBJ_FRAME_4K, 0);
    if (!frame)
        return NULL;
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    enum cv_err err = kt_map(frame, va, KT_RW);
    if (err != CV_OK) {
        kt_failf("mapping a page at %#llx: %s", (unsigned long long)va, cv_err_str(err));
        return NULL;
    }
    if (frame_out)
        *frame_out = frame;
    return (void *)(uintptr_t)va;
}

/* ---------------- helper threads ---------------- */

/** First code a helper runs (pc set by kt_thread_new, x0 = t). */
static _Noreturn void kt_thread_entry(struct kt_thread *t)
{
    t->started = 1;
    t->fn(t);
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
    (void)cv_tcb_suspend(t->tcb);
    for (;;)
        __asm__ volatile("udf #1"); /* unreachable: the suspend stops us */
}

struct kt_thread *kt_thread_new(void (*fn)(struct kt_thread *), unsigned prio, uint64_t fault_ep)
{
    if (kt.thread_count == KT_MAX_THREADS) {
        kt_failf("too many helper threads");
        return NULL;
    }
    struct kt_thread *t = &kt_threads[kt.thread_count++];
    memset(t, 0, sizeof(*t));
    t->fn = fn;

    uint64_t stack = kt_va(KT_STACK_PAGES * CV_PAGE_SIZE, CV_PAGE_SIZE);
    for (unsigned i = 0; i < KT_STACK_PAGES; i++) {
        uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0);
        if (!f || kt_map(f, stack + i * CV_PAGE_SIZE, KT_RW) != CV_OK) {
            kt_failf("helper stack page %u", i);
            return NULL;
        }
    }
    t->stack_top = stack + KT_STACK_PAGES * CV_PAGE_SIZE;
    t->ipc = kt_page(&t->ipcbuf_cap);
    t->tcb = kt_alloc(CV_OBJ_TCB, 0);
    if (!t->ipc || !t->tcb)
        return NULL;

    struct cv_user_regs regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (uint64_t)(uintptr_t)kt_thread_entry;
    regs.sp = t->stack_top;
    regs.x[0] = (uint64_t)(uintptr_t)t;
    regs.tpidr = kt.tpidr;
    enum cv_err err = cv_tcb_configure(t->tcb, KT_CNODE, KT_VSPACE, t->ipcbuf_cap,
                                       (uint64_t)(uintptr_t)t->ipc, fault_ep);
    if (err == CV_OK)
        err = cv_tcb_write_regs(t->tcb, &regs);
    if (err == CV_OK)
        err = cv_tcb_set_priority(t->tcb, prio);
    if (err != CV_OK) {
        kt_failf("setting up a helper thread: %s", cv_err_str(err));
        return NULL;
    }
    return t;
}

enum cv_err kt_thread_start(struct kt_thread *t)
{
    return cv_tcb_resume(t->tcb);
}

/** Store a syscall's results in t->out (kt.h). */
static void h_store(struct kt_thread *t, struct cv_sysret r)
{
    t->out[0] = CV_MSG_LABEL(r.info);
    t->out[1] = r.badge;
    for (unsigned i = 0; i < CV_MSG_REGS; i++)
        t->out[2 + i] = r.mr[i];
}

void kt_h_recv(struct kt_thread *t)
{
    h_store(t, cv_recv(t->arg[0]));
}

void kt_h_send(struct kt_thread *t)
{
    uint64_t mr[CV_MSG_REGS] = {t->arg[2], 0, 0, 0};
    h_store(t, cv_syscall(CV_SYS_SEND, t->arg[0], CV_MSGINFO(t->arg[1], 0, 1), mr));
}

void kt_h_call(struct kt_thread *t)
{
    uint64_t mr[CV_MSG_REGS] = {t->arg[2], 0, 0, 0};
    h_store(t, cv_call(t->arg[0], CV_MSGINFO(t->arg[1], 0, 1), mr));
}

void kt_h_read(struct kt_thread *t)
{
    t->out[0] = *(volatile uint64_t *)(uintptr_t)t->arg[0];
}

struct kt_thread *kt_fault_thread(void (*fn)(struct kt_thread *), uint64_t *ep, uint64_t arg0)
{
    *ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    if (!*ep)
        return NULL;
    struct kt_thread *t = kt_thread_new(fn, KT_MAIN_PRIO + 10, *ep);
    if (!t)
        return NULL;
    t->arg[0] = arg0;
    enum cv_err err = kt_thread_start(t);
    if (err != CV_OK) {
        kt_failf("resume: %s", cv_err_str(err));
        return NULL;
    }
    return t;
}

void kt_h_spin(struct kt_thread *t)
{
    for (;;)
        __atomic_add_fetch(&t->counter, 1, __ATOMIC_RELAXED);
}

/* ---------------- time ---------------- */

uint64_t kt_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t kt_ticks_ms(uint64_t ms)
{
    return kt.timer_freq * ms / 1000u;
}

void kt_spin_ms(uint64_t ms)
{
    uint64_t end = kt_now() + kt_ticks_ms(ms);
    while (kt_now() < end)
        ;
}

bool kt_wait_flag(volatile int *flag, uint64_t ms)
{
    uint64_t end = kt_now() + kt_ticks_ms(ms);
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
        if (kt_now() > end)
            return false;
        cv_yield();
    }
    return true;
}

bool kt_recv_timeout(uint64_t cptr, uint64_t ms, struct cv_sysret *r)
{
    uint64_t end = kt_now() + kt_ticks_ms(ms);
    for (;;) {
        *r = cv_nbrecv(cptr);
        if (kt_label(*r) != CV_E_WOULD_BLOCK)
            return true;
        if (kt_now() > end)
            return false;
        cv_yield();
    }
}

enum cv_err kt_tcb_set_name(uint64_t tcb, const char *name)
{
    uint64_t w[2] = {0, 0};
    for (unsigned i = 0; i < 15 && name[i]; i++)
        w[i / 8] |= (uint64_t)(unsigned char)name[i] << ((i % 8) * 8);
    return cv_invoke(tcb, CV_OP_TCB_SET_NAME, w, 2, NULL, 0);
}
