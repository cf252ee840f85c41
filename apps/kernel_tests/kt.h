/*
 * kernel_tests: the in-system test suite's helpers (kt.c) and the case
 * lists of each test file.
 *
 * A case is a function run by kt_run(): it checks one behaviour with the
 * KT_* macros below, which record the first failure and return from the
 * case. After every case the scratch arena is reset (kt_reset()): every
 * object the case created is deleted, so threads it left running or
 * blocked are destroyed and memory, slots and addresses are reused.
 *
 * Objects come from a scratch untyped (child of the component's untyped
 * in CV_COMP_SLOT_UNTYPED) into slots from KT_SLOT_SCRATCH upwards of the
 * component's own cnode; helper threads run in the component's own
 * vspace, with stacks and IPC buffers mapped from KT_VA_BASE upwards.
 * libcap's cap/self.h does the allocating, mapping and thread set-up.
 */
#ifndef KT_H
#define KT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cap/invoke.h>
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/self.h>
#include <cap/syscall.h>

/* The component's own caps (spec.h) under shorter names. */
#define KT_TCB         CV_COMP_SLOT_TCB
#define KT_CNODE       CV_COMP_SLOT_CNODE
#define KT_VSPACE      CV_COMP_SLOT_VSPACE
#define KT_UNTYPED     CV_COMP_SLOT_UNTYPED
#define KT_IRQ_CONTROL CV_COMP_SLOT_IRQ_CONTROL

#define KT_CNODE_RADIX  12u /* kernel_tests.dts: cnode-radix */
#define KT_CNODE_SLOTS  (1u << KT_CNODE_RADIX)
#define KT_SLOT_ARENA   64u           /* the scratch untyped */
#define KT_SLOT_SCRATCH 128u          /* first slot handed out by kt_slot() */
#define KT_ARENA_BITS   23u           /* 8 MiB of the component's 16 MiB */
#define KT_VA_BASE      0x40000000ull /* helper stacks, IPC buffers, test mappings */
#define KT_VA_UNMAPPED  0x30000000ull /* never mapped in the tests component */
#define KT_MAIN_PRIO    100u          /* kernel_tests.dts: priority of `tests` */
#define KT_MAX_THREADS  16u

#define KT_RW (CV_RIGHT_READ | CV_RIGHT_WRITE)

/** A helper thread in the component's own vspace. */
struct kt_thread {
    uint64_t tcb;          /* cptr of its TCB */
    struct cv_ipcbuf *ipc; /* its IPC buffer */
    void (*fn)(struct kt_thread *);
    uint64_t arg[4];           /* set by the case before the start */
    volatile uint64_t out[8];  /* results the thread reports */
    volatile uint64_t counter; /* progress of spinning threads */
    volatile int started;
    volatile int done; /* fn returned (the thread then suspends) */
};

/** Suite-wide state. */
struct kt_state {
    unsigned core_count;
    uint64_t timer_freq;
    unsigned thread_count;
    unsigned passed, failed, skipped;
    bool case_failed;
    bool case_skipped; /* could not run here: counted apart from ok */
    char why[200];     /* first failure of the current case */
};
extern struct kt_state kt;

/* ---- running and reporting ---- */

/** Prepare the arena; false if the suite cannot run at all. */
bool kt_init(void);
/** Run one case: print `TEST name: ok` or `TEST name: FAIL reason`. */
void kt_run(const char *name, void (*fn)(void));
/** Delete everything the last case created. */
void kt_reset(void);
/** Record the case's first failure (printf format). */
void kt_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The current case cannot run here (one core, a CPU without the feature): "skip", not "ok". */
void kt_skipf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Stop the case (return) unless `got` is the error `want`. */
#define KT_ERR(expr, want)                                                                         \
    do {                                                                                           \
        enum cv_err kt_got_ = (expr);                                                              \
        enum cv_err kt_want_ = (want);                                                             \
        if (kt_got_ != kt_want_) {                                                                 \
            kt_failf("line %d: %s: expected %s got %s", __LINE__, #expr, cv_err_str(kt_want_),     \
                     cv_err_str(kt_got_));                                                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KT_OK(expr) KT_ERR(expr, CV_OK)

/** Stop the case unless the 64-bit values are equal. */
#define KT_EQ(got_expr, want_expr)                                                                 \
    do {                                                                                           \
        uint64_t kt_g_ = (uint64_t)(got_expr);                                                     \
        uint64_t kt_w_ = (uint64_t)(want_expr);                                                    \
        if (kt_g_ != kt_w_) {                                                                      \
            kt_failf("line %d: %s: expected %#llx got %#llx", __LINE__, #got_expr,                 \
                     (unsigned long long)kt_w_, (unsigned long long)kt_g_);                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/** Stop the case unless cond holds (message: printf format). */
#define KT_TRUE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            kt_failf(__VA_ARGS__);                                                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/** Stop the case if a helper failed (it already recorded why). */
#define KT_NONZERO(x)                                                                              \
    do {                                                                                           \
        if (!(x))                                                                                  \
            return;                                                                                \
    } while (0)

/* ---- objects, slots and mappings (from the scratch arena) ---- */

/** A free scratch slot (0 and a recorded failure when the cnode is full). */
uint64_t kt_slot(void);
/** n consecutive free scratch slots; returns the first. */
uint64_t kt_slots(unsigned n);
/** Retype one object into a new slot; 0 (failure recorded) on error. */
uint64_t kt_alloc(enum cv_obj type, unsigned size_bits);
/** Map frame at va in the own vspace, adding page tables on CV_E_NO_TABLE. */
enum cv_err kt_map(uint64_t frame, uint64_t va, unsigned rights);
/** Reserve size bytes of helper address space aligned to align. */
uint64_t kt_va(uint64_t size, uint64_t align);
/** A new RW 4 KiB frame mapped at a new address; 0 on error. */
void *kt_page(uint64_t *frame_out);

/* ---- helper threads ---- */

/**
 * A helper thread running fn(t), configured (own cspace and vspace, its
 * IPC buffer, fault endpoint fault_ep or 0) with priority prio, not yet
 * started. NULL (failure recorded) on error. When fn returns the thread
 * sets t->done and suspends itself.
 */
struct kt_thread *kt_thread_new(void (*fn)(struct kt_thread *), unsigned prio, uint64_t fault_ep);
/** Resume t. */
enum cv_err kt_thread_start(struct kt_thread *t);

/** Create a helper into `var` (stopping the case on failure). */
#define KT_THREAD(var, fn, prio, fault_ep)                                                         \
    struct kt_thread *var = kt_thread_new((fn), (prio), (fault_ep));                               \
    KT_NONZERO(var)

/*
 * Common helper bodies. Results: out[0] = the label (error) the syscall
 * returned, out[1] = badge / notification word, out[2..5] = MR0..MR3.
 */
/** Recv on arg[0]. */
void kt_h_recv(struct kt_thread *t);
/** Send on arg[0] with label arg[1] and MR0 = arg[2]. */
void kt_h_send(struct kt_thread *t);
/** Call arg[0] with label arg[1] and MR0 = arg[2]. */
void kt_h_call(struct kt_thread *t);
/** out[0] = the word at address arg[0] (a data fault test). */
void kt_h_read(struct kt_thread *t);
/** Increment t->counter forever (never returns). */
void kt_h_spin(struct kt_thread *t);

/**
 * A helper running fn at a priority above ours whose faults go to a new
 * endpoint (*ep), started: it has faulted (or finished) when this returns.
 */
struct kt_thread *kt_fault_thread(void (*fn)(struct kt_thread *), uint64_t *ep, uint64_t arg0);

/* ---- time ---- */

/*
 * The waits below give up after KT_PATIENCE times the milliseconds they are
 * given: those bound how long a case waits for an event, they claim no
 * timing. Without icount, guest time is host time, and a loaded host can
 * leave QEMU's vCPU threads descheduled for seconds while it runs on (a
 * 1 s bound failed beside two CPU hogs). A case that gets its event
 * returns as early as before.
 */
#define KT_PATIENCE 10u

uint64_t kt_now(void);
uint64_t kt_ticks_ms(uint64_t ms);
/** kt_now() + ms * KT_PATIENCE: when a wait for an event gives up. */
uint64_t kt_deadline_ms(uint64_t ms);
/** Spin for ms milliseconds (preemptible: equal priorities share the core). */
void kt_spin_ms(uint64_t ms);
/** Gives the core away for ms: threads of our priority run meanwhile. */
void kt_yield_ms(uint64_t ms);
/** Wait (spinning with yield) until *flag != 0; false after ms. */
bool kt_wait_flag(volatile int *flag, uint64_t ms);
/**
 * Busy-waits (no yield: only preemption lets others run) until *counter
 * exceeds `above`, at most `ms`. Progress checks wait for an event with a
 * generous bound instead of sampling after a fixed time, so a loaded host
 * (4 virtual cores on 2 real ones) cannot fail them.
 */
bool kt_spin_until_above(volatile uint64_t *counter, uint64_t above, uint64_t ms);
/** Poll cptr (NBRecv with yield) until a message arrives; false after ms. */
bool kt_recv_timeout(uint64_t cptr, uint64_t ms, struct cv_sysret *r);

/* ---- raw calls the libcap wrappers do not cover ---- */

/** A syscall's x1 label as an error (what Send/Recv/Reply report). */
static inline enum cv_err kt_label(struct cv_sysret r)
{
    return (enum cv_err)CV_MSG_LABEL(r.info);
}

/** TCB_SET_NAME (abi.h): up to 15 characters in MR0..MR1. */
static inline enum cv_err kt_tcb_set_name(uint64_t tcb, const char *name)
{
    return cv_tcb_set_name(tcb, name);
}

/* ---- the case lists, one per file ---- */
void kt_untyped_tests(void);
void kt_cnode_tests(void);
void kt_tcb_tests(void);
void kt_ipc_tests(void);
void kt_ntfn_tests(void);
void kt_vspace_tests(void);
void kt_fault_tests(void);
void kt_vcpu_tests(void);
void kt_ptimer_tests(void);
void kt_fpu_tests(void);

/* ---- FP/SIMD registers (t_fpu.c; the suite itself never uses them) ---- */

#define KT_FP_REGS    32u
#define KT_FP_PATTERN 0x1111000000000000ull /* what the main thread fills */
/** d0..d31 := base, base + 1, ... */
void kt_fp_fill(uint64_t base);
/** The first of d0..d31 that does not hold base + i (base 0: all zero);
 * KT_FP_REGS if all do. */
unsigned kt_fp_mismatch(uint64_t base);
void kt_irq_tests(void);

/** The shared dataport with kt_heartbeat (heartbeat.c writes it). */
struct kt_heartbeat {
    volatile uint64_t beats; /* lines printed */
    volatile uint64_t spins; /* loop iterations */
};

#endif /* KT_H */
