/*
 * FP/SIMD state (kernel/src/fpu.c): each thread and guest sees only its
 * own registers, whoever used them in between; a thread's first use sees
 * zeroes, not what the last owner left; a state left in one core's
 * registers follows its thread to another core. The suite is built with
 * -mgeneral-regs-only, so only the asm below touches FP/SIMD registers.
 */
#include "kt.h"

/* GNU as repeats the body for each register number */
#define EACH_FP_REG                                                                                \
    ".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "   \
    "23, 24, 25, 26, 27, 28, 29, 30, 31\n\t"

/* FPCR and FPSR values of a pattern: flush-to-zero, a rounding mode and
 * cumulative exception flags that tell the patterns apart. */
static uint64_t fpcr_of(uint64_t base)
{
    return base ? (1ull << 24) | (((base >> 60) & 3u) << 22) : 0;
}

static uint64_t fpsr_of(uint64_t base)
{
    return (base >> 56) & 0x1fu;
}

void kt_fp_fill(uint64_t base)
{
    uint64_t fpcr = fpcr_of(base), fpsr = fpsr_of(base);
    __asm__ volatile(EACH_FP_REG "dup v\\n\\().2d, %x0\n\tadd %x0, %x0, #1\n\t.endr\n\t"
                                 "msr fpcr, %1\n\tmsr fpsr, %2"
                     : "+r"(base)
                     : "r"(fpcr), "r"(fpsr));
}

/* out[2i], out[2i + 1] := the halves of vi; out[64], out[65] := FPCR, FPSR */
#define FP_WORDS (2 * KT_FP_REGS + 2)
static void fp_read(uint64_t out[FP_WORDS])
{
    __asm__ volatile(EACH_FP_REG "mov x9, v\\n\\().d[0]\n\tstr x9, [%0, #\\n * 16]\n\t"
                                 "mov x9, v\\n\\().d[1]\n\tstr x9, [%0, #\\n * 16 + 8]\n\t.endr\n\t"
                                 "mrs x9, fpcr\n\tstr x9, [%0, #512]\n\t"
                                 "mrs x9, fpsr\n\tstr x9, [%0, #520]"
                     :
                     : "r"(out)
                     : "x9", "memory");
}

unsigned kt_fp_mismatch(uint64_t base)
{
    uint64_t v[FP_WORDS];
    fp_read(v);
    for (unsigned i = 0; i < KT_FP_REGS; i++) {
        uint64_t want = base ? base + i : 0;
        if (v[2 * i] != want || v[2 * i + 1] != want)
            return i;
    }
    if (v[2 * KT_FP_REGS] != fpcr_of(base) || v[2 * KT_FP_REGS + 1] != fpsr_of(base))
        return KT_FP_REGS + 1;
    return KT_FP_REGS;
}

#define PATTERN_OTHER 0x2222000000000000ull

/* arg[0] = an endpoint: checks that its first use sees zeroes (out[0]),
 * fills its own pattern, waits for a message, then checks it (out[1]).
 * arg[1] = the pattern. Results: KT_FP_REGS when all matched. */
static void h_fp_owner(struct kt_thread *t)
{
    t->out[0] = kt_fp_mismatch(0);
    kt_fp_fill(t->arg[1]);
    t->counter = 1; /* filled */
    cv_recv(t->arg[0]);
    t->out[1] = kt_fp_mismatch(t->arg[1]);
}

/* Two threads on one core take the registers from each other, each time
 * on its first use after the other ran: neither sees the other's values. */
static void case_isolation(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    kt_fp_fill(KT_FP_PATTERN);
    KT_THREAD(t, h_fp_owner, KT_MAIN_PRIO + 1, 0);
    t->arg[0] = ep;
    t->arg[1] = PATTERN_OTHER;
    KT_OK(kt_thread_start(t)); /* runs at once (higher priority), blocks in recv */
    KT_EQ(t->counter, 1);
    KT_EQ(t->out[0], KT_FP_REGS); /* zeroes at its first use, not ours */
    KT_EQ(kt_fp_mismatch(KT_FP_PATTERN), KT_FP_REGS);
    uint64_t mr[CV_MSG_REGS] = {0};
    cv_send(ep, CV_MSGINFO(0, 0, 0), mr); /* it runs again, checks its own */
    KT_TRUE(kt_wait_flag(&t->done, 3000), "helper did not finish");
    KT_EQ(t->out[1], KT_FP_REGS);
    KT_EQ(kt_fp_mismatch(KT_FP_PATTERN), KT_FP_REGS);
}

/*
 * A thread whose state a core still holds (it blocked; the core went on
 * with a spinner that never touches FP/SIMD) is moved to another core and
 * woken from there: it runs with its own values, which the old core saves
 * when told (TS_BLOCKED_FPU, fpu.c) or on its next switch.
 */
static void moved_owner(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_OK(cv_tcb_set_affinity(KT_TCB, 1)); /* we work from core 1 */
    unsigned core = 99;
    KT_OK(cv_tcb_get_core(KT_TCB, &core));
    KT_EQ(core, 1);
    KT_THREAD(spin, kt_h_spin, KT_MAIN_PRIO, 0);
    KT_THREAD(t, h_fp_owner, KT_MAIN_PRIO + 1, 0);
    t->arg[0] = ep;
    t->arg[1] = PATTERN_OTHER;
    KT_OK(cv_tcb_set_affinity(t->tcb, 0));
    KT_OK(cv_tcb_set_affinity(spin->tcb, 0));
    /* core 0 runs the spinner, which never uses FP/SIMD, from before the
     * helper until after its move: nothing there saves the helper's state
     * before the move; after it, core 0's next kernel exit does (the IPI
     * when core 1 picks the helper first, or a timer tick before that) */
    KT_OK(kt_thread_start(spin));
    KT_TRUE(kt_spin_until_above(&spin->counter, 0, 3000), "spinner made no progress");
    KT_OK(kt_thread_start(t)); /* preempts the spinner, fills, blocks */
    KT_TRUE(kt_spin_until_above(&t->counter, 0, 3000), "helper did not fill");
    uint64_t c1 = spin->counter;
    KT_TRUE(kt_spin_until_above(&spin->counter, c1, 3000), "spinner did not run again");
    KT_OK(cv_tcb_set_affinity(t->tcb, 1));
    uint64_t mr[CV_MSG_REGS] = {0};
    cv_send(ep, CV_MSGINFO(0, 0, 0), mr); /* wakes it here, on core 1 */
    KT_TRUE(kt_wait_flag(&t->done, 3000), "moved helper did not finish");
    KT_OK(cv_tcb_get_core(t->tcb, &core));
    KT_EQ(core, 1);
    KT_EQ(t->out[0], KT_FP_REGS);
    KT_EQ(t->out[1], KT_FP_REGS);
    KT_OK(cv_tcb_suspend(spin->tcb));
}

/*
 * The same with the old core idle (core 2: core 0 runs the heartbeat): an
 * idle core keeps its owner's state (a vCPU waiting for an interrupt finds
 * it in place) until another core needs it. Core 1 picking the moved
 * helper first sends core 2 an IPI; core 2 saves the state on its way back
 * to idle (fpu_idle). Without that the helper waits for ever.
 */
static void moved_from_idle(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_OK(cv_tcb_set_affinity(KT_TCB, 1));
    KT_THREAD(t, h_fp_owner, KT_MAIN_PRIO + 1, 0);
    t->arg[0] = ep;
    t->arg[1] = PATTERN_OTHER;
    KT_OK(cv_tcb_set_affinity(t->tcb, 2));
    KT_OK(kt_thread_start(t)); /* on core 2: fills, blocks; core 2 idles */
    KT_TRUE(kt_spin_until_above(&t->counter, 0, 3000), "helper did not fill");
    kt_spin_ms(5);
    KT_OK(cv_tcb_set_affinity(t->tcb, 1));
    uint64_t mr[CV_MSG_REGS] = {0};
    cv_send(ep, CV_MSGINFO(0, 0, 0), mr); /* wakes it here, on core 1 */
    KT_TRUE(kt_wait_flag(&t->done, 3000), "helper moved from an idle core did not finish");
    KT_EQ(t->out[0], KT_FP_REGS);
    KT_EQ(t->out[1], KT_FP_REGS);
}

/* Runs `body` from core 1 if there are `cores` cores, then moves back to core 0 (where the other
 * cases run). */
static void on_core_1(void (*body)(void), unsigned cores)
{
    if (kt.core_count < cores) {
        if (kt.core_count == 1)
            kt_skipf("one core: the case needs %u", cores);
        else
            kt_skipf("%u cores: the case needs %u", kt.core_count, cores);
        return;
    }
    body();
    if (cv_tcb_set_affinity(KT_TCB, 0) != CV_OK)
        kt_failf("cannot move back to core 0");
}

static void case_moved_owner(void)
{
    on_core_1(moved_owner, 2);
}

static void case_moved_from_idle(void)
{
    on_core_1(moved_from_idle, 3);
}

void kt_fpu_tests(void)
{
    kt_run("fpu.isolation", case_isolation);
    kt_run("fpu.moved_owner", case_moved_owner);
    kt_run("fpu.moved_from_idle", case_moved_from_idle);
}
