/*
 * ipc_bench: what IPC costs, in guest instructions (README.md).
 *
 * Measures, after BENCH_WARMUP untimed rounds, BENCH_N rounds of
 *  - call_replyrecv_roundtrip: Call from this thread (priority 100) to a
 *    server thread (priority 101) on the same core that answers with
 *    ReplyRecv, one message register each way;
 *  - ntfn_signal_wait: a ping-pong with a partner thread (priority 101)
 *    over two notifications, per one-way signal -> wait (round / 2);
 *  - null_syscall: a Call on an empty slot (the kernel answers
 *    CV_E_INVALID_CAP at once);
 *  - yield: cv_yield() with no other thread runnable on the core.
 * The time base is CNTVCT_EL0. Under QEMU's `-icount shift=0,sleep=off`
 * virtual time advances 1 ns per guest instruction, so instructions =
 * ticks * 1e9 / timer_freq (bench/ipc/run.sh runs it so). The figures
 * include the loop around each operation (a few instructions).
 */
#include <stdbool.h>
#include <stdio.h>

#include <cap/invoke.h>
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/self.h>
#include <cap/syscall.h>

#define BENCH_N           2000u
#define BENCH_WARMUP      100u
#define BENCH_PRIO        100u          /* ipc_bench.dts: priority of `bench` */
#define BENCH_HELPER_PRIO 101u          /* server and partner: run at once */
#define BENCH_FIRST_SLOT  16u           /* above the loader's fixed slots */
#define BENCH_SLOT_END    256u          /* default cnode-radix 8 */
#define BENCH_VA_BASE     0x40000000ull /* helper stacks and IPC buffers */

static uint64_t bench_freq;

/** Print ticks spent on BENCH_N rounds of `per_round` operations each. */
static void bench_report(const char *name, uint64_t ticks, unsigned per_round)
{
    /* 1 ns per instruction: split the product so it cannot overflow */
    uint64_t insns =
        ticks / bench_freq * 1000000000ull + ticks % bench_freq * 1000000000ull / bench_freq;
    uint64_t ops = (uint64_t)BENCH_N * per_round;
    printf("ipc_bench: %s: %llu instructions/op (N=%u)\n", name,
           (unsigned long long)((insns + ops / 2) / ops), BENCH_N);
}

/** Server: answer every Call with its MR0 + 1. */
static void bench_server(void *arg)
{
    uint64_t ep = (uint64_t)(uintptr_t)arg;
    struct cv_sysret r = cv_recv(ep);
    for (;;) {
        uint64_t mr[CV_MSG_REGS] = {r.mr[0] + 1, 0, 0, 0};
        r = cv_reply_recv(ep, CV_MSGINFO(0, 0, 1), mr);
    }
}

/** The two notifications of the ping-pong. */
struct bench_pingpong {
    uint64_t ping, pong;
};

/** Partner: wait for a ping, answer with a pong. */
static void bench_partner(void *arg)
{
    const struct bench_pingpong *p = arg;
    uint64_t word;
    for (;;) {
        cv_wait(p->ping, &word);
        cv_signal(p->pong);
    }
}

/** A new object of type: its cptr, or 0 (reported). */
static uint64_t bench_obj(enum cv_obj type)
{
    enum cv_err err;
    uint64_t cptr = cv_self_retype(type, 0, &err);
    if (!cptr)
        printf("ipc_bench: FAIL creating object type %d: %s\n", (int)type, cv_err_str(err));
    return cptr;
}

/** Create a helper thread running fn(arg) and start it; false on error. */
static bool bench_thread(struct cv_self_thread *t, void (*fn)(void *), void *arg)
{
    enum cv_err err = cv_self_thread_create(t, fn, arg, BENCH_HELPER_PRIO, 0);
    if (err == CV_OK)
        err = cv_tcb_resume(t->tcb);
    if (err != CV_OK)
        printf("ipc_bench: FAIL creating a thread: %s\n", cv_err_str(err));
    return err == CV_OK;
}

static bool bench_call(void)
{
    static struct cv_self_thread server;
    uint64_t ep = bench_obj(CV_OBJ_ENDPOINT);
    if (!ep || !bench_thread(&server, bench_server, (void *)(uintptr_t)ep))
        return false;

    uint64_t mr[CV_MSG_REGS] = {0, 0, 0, 0};
    for (unsigned i = 0; i < BENCH_WARMUP; i++)
        mr[0] = cv_call(ep, CV_MSGINFO(1, 0, 1), mr).mr[0];
    uint64_t t0 = cv_now();
    for (unsigned i = 0; i < BENCH_N; i++)
        mr[0] = cv_call(ep, CV_MSGINFO(1, 0, 1), mr).mr[0];
    uint64_t t1 = cv_now();
    if (mr[0] != BENCH_WARMUP + BENCH_N) {
        printf("ipc_bench: FAIL server answered %llu calls of %u\n", (unsigned long long)mr[0],
               BENCH_WARMUP + BENCH_N);
        return false;
    }
    bench_report("call_replyrecv_roundtrip", t1 - t0, 1);
    return true;
}

static bool bench_ntfn(void)
{
    static struct cv_self_thread partner;
    static struct bench_pingpong pp;
    pp.ping = bench_obj(CV_OBJ_NOTIFICATION);
    pp.pong = bench_obj(CV_OBJ_NOTIFICATION);
    if (!pp.ping || !pp.pong || !bench_thread(&partner, bench_partner, &pp))
        return false;

    uint64_t word = 0;
    for (unsigned i = 0; i < BENCH_WARMUP; i++) {
        cv_signal(pp.ping);
        cv_wait(pp.pong, &word);
    }
    uint64_t t0 = cv_now();
    for (unsigned i = 0; i < BENCH_N; i++) {
        cv_signal(pp.ping);
        cv_wait(pp.pong, &word);
    }
    uint64_t t1 = cv_now();
    if (word != 1) {
        printf("ipc_bench: FAIL pong word %#llx\n", (unsigned long long)word);
        return false;
    }
    bench_report("ntfn_signal_wait", t1 - t0, 2);
    return true;
}

static bool bench_null(void)
{
    uint64_t empty = cv_self_slot();
    struct cv_sysret r = {0};
    for (unsigned i = 0; i < BENCH_WARMUP; i++)
        r = cv_call(empty, 0, NULL);
    uint64_t t0 = cv_now();
    for (unsigned i = 0; i < BENCH_N; i++)
        r = cv_call(empty, 0, NULL);
    uint64_t t1 = cv_now();
    if (!empty || CV_MSG_LABEL(r.info) != CV_E_INVALID_CAP) {
        printf("ipc_bench: FAIL call on an empty slot: label %llu\n",
               (unsigned long long)CV_MSG_LABEL(r.info));
        return false;
    }
    bench_report("null_syscall", t1 - t0, 1);
    return true;
}

static void bench_yield(void)
{
    for (unsigned i = 0; i < BENCH_WARMUP; i++)
        cv_yield();
    uint64_t t0 = cv_now();
    for (unsigned i = 0; i < BENCH_N; i++)
        cv_yield();
    uint64_t t1 = cv_now();
    bench_report("yield", t1 - t0, 1);
}

int run(void)
{
    bench_freq = cv_timer_freq();
    cv_self_init(CV_COMP_SLOT_UNTYPED, BENCH_FIRST_SLOT, BENCH_SLOT_END, BENCH_VA_BASE);
    printf("ipc_bench: timer %llu Hz, main priority %u, helpers %u, core 0\n",
           (unsigned long long)bench_freq, BENCH_PRIO, BENCH_HELPER_PRIO);
    if (!bench_call() || !bench_ntfn() || !bench_null())
        return 1;
    bench_yield();
    printf("ipc_bench: done\n");
    return 0;
}
