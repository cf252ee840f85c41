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

void kt_skipf(const char *fmt, ...)
{
    va_list ap;
    if (kt.case_failed || kt.case_skipped)
        return;
    kt.case_skipped = true;
    va_start(ap, fmt);
    vsnprintf(kt.why, sizeof(kt.why), fmt, ap);
    va_end(ap);
}

bool kt_init(void)
{
    const struct cv_comp_info *info = cv_comp_info();

    kt.core_count = info ? info->core_count : 1;
    kt.timer_freq = cv_timer_freq();
    cv_self_init(KT_SLOT_ARENA, KT_SLOT_SCRATCH, KT_CNODE_SLOTS, KT_VA_BASE);
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
    cv_self_reset();
    kt.thread_count = 0;
    memset(kt_threads, 0, sizeof(kt_threads));
}

void kt_run(const char *name, void (*fn)(void))
{
    kt.case_failed = kt.case_skipped = false;
    kt.why[0] = '\0';
    fn();
    if (kt.case_failed) {
        kt.failed++;
        printf("TEST %s: FAIL %s\n", name, kt.why);
    } else if (kt.case_skipped) {
        kt.skipped++;
        printf("TEST %s: skip (%s)\n", name, kt.why);
    } else {
        kt.passed++;
        printf("TEST %s: ok\n", name);
    }
    kt_reset();
}

/* ---------------- objects ---------------- */

uint64_t kt_slots(unsigned n)
{
    uint64_t s = cv_self_slots(n);
    if (!s)
        kt_failf("out of scratch slots");
    return s;
}

uint64_t kt_slot(void)
{
    return kt_slots(1);
}

uint64_t kt_alloc(enum cv_obj type, unsigned size_bits)
{
    enum cv_err err;
    uint64_t s = cv_self_retype(type, size_bits, &err);
    if (!s)
        kt_failf("allocating object type %d: %s", (int)type, cv_err_str(err));
    return s;
}

enum cv_err kt_map(uint64_t frame, uint64_t va, unsigned rights)
{
    return cv_self_map(frame, va, rights);
}

uint64_t kt_va(uint64_t size, uint64_t align)
{
    return cv_self_va(size, align);
}

void *kt_page(uint64_t *frame_out)
{
    enum cv_err err;
    void *p = cv_self_page(frame_out, &err);
    if (!p)
        kt_failf("mapping a page: %s", cv_err_str(err));
    return p;
}

/* ---------------- helper threads ---------------- */

/** First code a helper runs (entry given to cv_self_thread_create, arg = t). */
static _Noreturn void kt_thread_entry(void *arg)
{
    struct kt_thread *t = arg;

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

    struct cv_self_thread th;
    enum cv_err err = cv_self_thread_create(&th, kt_thread_entry, t, prio, 0);
    if (err == CV_OK && fault_ep)
        err = cv_tcb_set_fault_ep(th.tcb, fault_ep);
    if (err != CV_OK) {
        kt_failf("setting up a helper thread: %s", cv_err_str(err));
        return NULL;
    }
    t->tcb = th.tcb;
    t->ipc = th.ipc;
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
    return cv_now();
}

uint64_t kt_ticks_ms(uint64_t ms)
{
    return kt.timer_freq * ms / 1000u;
}

uint64_t kt_deadline_ms(uint64_t ms)
{
    return kt_now() + kt_ticks_ms(ms * KT_PATIENCE);
}

void kt_spin_ms(uint64_t ms)
{
    uint64_t end = kt_now() + kt_ticks_ms(ms);
    while (kt_now() < end)
        ;
}

bool kt_spin_until_above(volatile uint64_t *counter, uint64_t above, uint64_t ms)
{
    uint64_t end = kt_deadline_ms(ms);
    while (__atomic_load_n(counter, __ATOMIC_RELAXED) <= above)
        if (kt_now() > end)
            return false;
    return true;
}

void kt_yield_ms(uint64_t ms)
{
    uint64_t end = kt_now() + kt_ticks_ms(ms);
    while (kt_now() < end)
        cv_yield();
}

bool kt_wait_flag(volatile int *flag, uint64_t ms)
{
    uint64_t end = kt_deadline_ms(ms);
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
        if (kt_now() > end)
            return false;
        cv_yield();
    }
    return true;
}

bool kt_recv_timeout(uint64_t cptr, uint64_t ms, struct cv_sysret *r)
{
    uint64_t end = kt_deadline_ms(ms);
    for (;;) {
        *r = cv_nbrecv(cptr);
        if (kt_label(*r) != CV_E_WOULD_BLOCK)
            return true;
        if (kt_now() > end)
            return false;
        cv_yield();
    }
}
