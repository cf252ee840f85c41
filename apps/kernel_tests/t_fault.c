/*
 * Faults (kernel/src/fault.c, syscall.c): the message of each fault type,
 * the four replies (resume, skip, set pc, stop), threads without a
 * handler, the `victim` component's fault (isolation), and the checks on
 * user pointers of CV_SYS_DEBUG_PUTS.
 */
#include <stdio.h>
#include <string.h>

#include "kt.h"

#define ESR_EC(esr)   (((esr) >> 26) & 0x3fu)
#define EC_UNKNOWN    0x00u
#define EC_SVC64      0x15u
#define EC_IABT_LOWER 0x20u
#define EC_PC_ALIGN   0x22u
#define EC_DABT_LOWER 0x24u

/* kernel_tests.dts: components tests (0), victim (1), heartbeat (2);
 * the loader badges a fault endpoint with the faulting index + 1. */
#define VICTIM_FAULT_BADGE 2u
#define VICTIM_ADDRESS     0x30000000ull

/** out[7] = address of a `udf`, which it executes; out[6] = 1 after it. */
static void h_udf(struct kt_thread *t)
{
    __asm__ volatile("adr x9, 1f\n\t"
                     "str x9, [%0]\n\t"
                     "1: udf #7\n\t"
                     :
                     : "r"(&t->out[7])
                     : "x9", "memory");
    t->out[6] = 1;
}

/** out[7] = address of `svc #0` with x7 = 77; out[6] = 1 if the next
 * instruction ran exactly once. */
static void h_bad_syscall(struct kt_thread *t)
{
    __asm__ volatile("adr x9, 1f\n\t"
                     "str x9, [%0]\n\t"
                     "mov x10, #0\n\t"
                     "mov x7, #77\n\t"
                     "1: svc #0\n\t"
                     "add x10, x10, #1\n\t"
                     "str x10, [%1]\n\t"
                     :
                     : "r"(&t->out[7]), "r"(&t->out[6])
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x9", "x10", "memory");
}

/** out[7] = pc of a store of arg[1] to arg[0]. */
static void h_write(struct kt_thread *t)
{
    __asm__ volatile("adr x9, 1f\n\t"
                     "str x9, [%0]\n\t"
                     "1: str %2, [%1]\n\t"
                     :
                     : "r"(&t->out[7]), "r"(t->arg[0]), "r"(t->arg[1])
                     : "x9", "memory");
    t->out[6] = 1;
}

/** Branch to arg[0]. */
static void h_jump(struct kt_thread *t)
{
    __asm__ volatile("br %0" : : "r"(t->arg[0]) : "memory");
}

/** Receive the fault of t on ep (1 s); stop the case if none. */
static bool get_fault(uint64_t ep, struct cv_sysret *r, struct kt_thread *t)
{
    if (kt_recv_timeout(ep, 1000, r))
        return true;
    kt_failf("no fault message (thread done %d)", t->done);
    return false;
}

static void case_undefined(void)
{
    uint64_t ep;
    struct cv_sysret r;
    struct kt_thread *t = kt_fault_thread(h_udf, &ep, 0);
    KT_NONZERO(t && get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_UNDEFINED);
    KT_EQ(CV_MSG_LEN(r.info), CV_FAULT_MSG_LEN);
    KT_EQ(r.mr[0], t->out[7]);
    KT_EQ(r.mr[1], 0);
    KT_EQ(ESR_EC(r.mr[2]), EC_UNKNOWN);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
    kt_spin_ms(5);
    KT_TRUE(!t->out[6] && !t->done, "stopped thread continued");
    struct cv_user_regs regs;
    KT_OK(cv_tcb_read_regs(t->tcb, &regs));
    KT_EQ(regs.pc, t->out[7]);
}

static void case_skip(void)
{
    uint64_t ep;
    struct cv_sysret r;
    struct kt_thread *t = kt_fault_thread(h_udf, &ep, 0);
    KT_NONZERO(t && get_fault(ep, &r, t));
    cv_reply(CV_MSGINFO(CV_FAULT_SKIP, 0, 0), NULL);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "thread did not continue after SKIP");
    KT_EQ(t->out[6], 1);
}

static volatile int setpc_hit;
static volatile uint64_t setpc_tcb;

/** Where CV_FAULT_SET_PC sends the thread: mark, then stop. */
static void setpc_target(void)
{
    setpc_hit = 1;
    (void)cv_tcb_suspend(setpc_tcb);
    for (;;)
        __asm__ volatile("udf #2");
}

static void case_set_pc(void)
{
    uint64_t ep;
    struct cv_sysret r;
    setpc_hit = 0;
    struct kt_thread *t = kt_fault_thread(h_udf, &ep, 0);
    KT_NONZERO(t && get_fault(ep, &r, t));
    setpc_tcb = t->tcb;
    uint64_t mr[CV_MSG_REGS] = {(uint64_t)(uintptr_t)setpc_target, 0, 0, 0};
    cv_reply(CV_MSGINFO(CV_FAULT_SET_PC, 0, 1), mr);
    KT_TRUE(kt_wait_flag(&setpc_hit, 1000), "thread did not run at the new pc");
    KT_TRUE(!t->out[6], "thread continued at the old pc");
}

static void case_resume_after_map(void)
{
    uint64_t ep, f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    struct cv_sysret r;
    KT_NONZERO(f);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    struct kt_thread *t = kt_fault_thread(kt_h_read, &ep, va + 0x40);
    KT_NONZERO(t && get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_DATA_ABORT);
    KT_EQ(r.mr[1], va + 0x40);
    KT_EQ(r.mr[3], 0);
    KT_EQ(ESR_EC(r.mr[2]), EC_DABT_LOWER);
    /* demand paging: map the page, then retry the load */
    KT_OK(kt_map(f, va, KT_RW));
    *(volatile uint64_t *)(uintptr_t)(va + 0x40) = 0xfeed;
    cv_reply(CV_MSGINFO(CV_FAULT_RESUME, 0, 0), NULL);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "thread did not finish after RESUME");
    KT_EQ(t->out[0], 0xfeed);
}

static void case_data_abort_write(void)
{
    uint64_t ep;
    struct cv_sysret r;
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE) + 0x18;
    struct kt_thread *t = kt_thread_new(h_write, KT_MAIN_PRIO + 10, 0);
    KT_NONZERO(t);
    ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_OK(cv_tcb_set_fault_ep(t->tcb, ep));
    t->arg[0] = va;
    t->arg[1] = 0xbad;
    KT_OK(kt_thread_start(t));
    KT_NONZERO(get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_DATA_ABORT);
    KT_EQ(r.mr[0], t->out[7]);
    KT_EQ(r.mr[1], va);
    KT_EQ(r.mr[3], 1);
    cv_reply(CV_MSGINFO(CV_FAULT_SKIP, 0, 0), NULL);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "thread did not continue after skipping the store");
}

static void case_unknown_syscall(void)
{
    uint64_t ep;
    struct cv_sysret r;
    struct kt_thread *t = kt_fault_thread(h_bad_syscall, &ep, 0);
    KT_NONZERO(t && get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_UNKNOWN_SYSCALL);
    KT_EQ(r.mr[1], 77);
    KT_EQ(ESR_EC(r.mr[2]), EC_SVC64);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
}

/*
 * abi.h: MR0 is the pc of the fault, and SKIP continues after the
 * faulting instruction. For the `svc` the next instruction must run once.
 */
static void case_unknown_syscall_skip(void)
{
    uint64_t ep;
    struct cv_sysret r;
    struct kt_thread *t = kt_fault_thread(h_bad_syscall, &ep, 0);
    KT_NONZERO(t && get_fault(ep, &r, t));
    uint64_t pc = r.mr[0];
    cv_reply(CV_MSGINFO(CV_FAULT_SKIP, 0, 0), NULL);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "thread did not continue after SKIP");
    KT_TRUE(pc == t->out[7], "MR0 pc: expected the svc at %#llx got %#llx (the pc after it?)",
            (unsigned long long)t->out[7], (unsigned long long)pc);
    KT_TRUE(t->out[6] == 1, "the instruction after the svc ran %llu times (expected 1)",
            (unsigned long long)t->out[6]);
}

/** A function to jump to (its address, plus 2, is misaligned). */
static void jump_target(void)
{
    __asm__ volatile("nop");
}

static void case_pc_alignment(void)
{
    uint64_t ep;
    struct cv_sysret r;
    uint64_t target = (uint64_t)(uintptr_t)jump_target + 2;
    struct kt_thread *t = kt_fault_thread(h_jump, &ep, target);
    KT_NONZERO(t && get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_ALIGNMENT);
    KT_EQ(r.mr[0], target);
    KT_EQ(ESR_EC(r.mr[2]), EC_PC_ALIGN);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
}

static void case_execute_never(void)
{
    uint64_t ep, f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    struct cv_sysret r;
    KT_NONZERO(f);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));                      /* no EXEC */
    *(volatile uint32_t *)(uintptr_t)va = 0xd65f03c0; /* ret */
    struct kt_thread *t = kt_fault_thread(h_jump, &ep, va);
    KT_NONZERO(t && get_fault(ep, &r, t));
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_INSN_ABORT);
    KT_EQ(r.mr[0], va);
    KT_EQ(r.mr[1], va);
    KT_EQ(ESR_EC(r.mr[2]), EC_IABT_LOWER);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
}

static void case_fault_badge(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), b = kt_slot();
    struct cv_sysret r;
    KT_NONZERO(ep && b);
    KT_OK(cv_cnode_mint(KT_CNODE, b, 0, ep, CV_RIGHT_WRITE, 0x77));
    KT_THREAD(t, h_udf, KT_MAIN_PRIO + 10, b);
    KT_OK(kt_thread_start(t));
    KT_NONZERO(get_fault(ep, &r, t));
    KT_EQ(r.badge, 0x77);
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_UNDEFINED);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
}

static void case_no_handler(void)
{
    KT_THREAD(t, h_udf, KT_MAIN_PRIO + 10, 0);
    KT_OK(kt_tcb_set_name(t->tcb, "kt_nohandler"));
    printf("kernel_tests: expect a kernel line: thread 'kt_nohandler' ... suspended\n");
    KT_OK(kt_thread_start(t));
    kt_spin_ms(5);
    KT_TRUE(t->started && !t->done && !t->out[6], "faulting thread continued");
    struct cv_user_regs regs;
    KT_OK(cv_tcb_read_regs(t->tcb, &regs));
    KT_EQ(regs.pc, t->out[7]);
}

static void case_handler_deleted(void)
{
    uint64_t ep;
    struct kt_thread *t = kt_fault_thread(h_udf, &ep, 0);
    KT_NONZERO(t);
    KT_TRUE(t->started && !t->done, "thread did not fault");
    printf("kernel_tests: expect a kernel line: ... fault handler endpoint deleted\n");
    KT_OK(cv_cnode_delete(KT_CNODE, ep)); /* the thread waits in its queue */
    kt_spin_ms(5);
    KT_TRUE(!t->done && !t->out[6], "thread continued without a handler");
}

static void case_victim(void)
{
    struct cv_sysret r;
    KT_TRUE(kt_recv_timeout(CV_COMP_SLOT_FAULT_EP, 2000, &r), "no fault from the victim");
    KT_EQ(r.badge, VICTIM_FAULT_BADGE);
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_DATA_ABORT);
    KT_EQ(r.mr[1], VICTIM_ADDRESS);
    KT_EQ(r.mr[3], 0);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
    /* stopped: it never faults again, nor prints */
    kt_spin_ms(20);
    KT_ERR(kt_label(cv_nbrecv(CV_COMP_SLOT_FAULT_EP)), CV_E_WOULD_BLOCK);
}

/** CV_SYS_DEBUG_PUTS: the label it returns. */
static enum cv_err debug_puts(uint64_t va, uint64_t len)
{
    return kt_label(cv_syscall(CV_SYS_DEBUG_PUTS, va, len, NULL));
}

static void case_debug_puts(void)
{
    static const char line[] = "kernel_tests: debug_puts prints this line\n";
    KT_OK(debug_puts((uint64_t)(uintptr_t)line, sizeof(line) - 1));
    KT_OK(debug_puts((uint64_t)(uintptr_t)line, 0));
    KT_ERR(debug_puts(VICTIM_ADDRESS, 4), CV_E_RANGE);
    KT_ERR(debug_puts(1ull << CV_VSPACE_BITS, 4), CV_E_RANGE);
    KT_ERR(debug_puts((uint64_t)(uintptr_t)line, 1ull << 40), CV_E_INVALID_ARG);
    KT_ERR(debug_puts((uint64_t)(uintptr_t)line, 4097), CV_E_INVALID_ARG);
    /* starts mapped, runs into the unmapped guard page after it */
    uint64_t f;
    char *p = kt_page(&f);
    KT_NONZERO(p);
    memset(p, 'x', CV_PAGE_SIZE);
    KT_ERR(debug_puts((uint64_t)(uintptr_t)p + CV_PAGE_SIZE - 16, 64), CV_E_RANGE);
    size_t size = 0;
    void *rtc = cv_iface_vaddr("rtc", &size);
    KT_TRUE(rtc != NULL, "no rtc device mapping");
    KT_ERR(debug_puts((uint64_t)(uintptr_t)rtc, 4), CV_E_RANGE); /* device memory */
}

void kt_fault_tests(void)
{
    kt_run("fault.victim_isolation", case_victim);
    kt_run("fault.undefined_instruction", case_undefined);
    kt_run("fault.reply_skip", case_skip);
    kt_run("fault.reply_set_pc", case_set_pc);
    kt_run("fault.reply_resume_after_map", case_resume_after_map);
    kt_run("fault.data_abort_write", case_data_abort_write);
    kt_run("fault.unknown_syscall", case_unknown_syscall);
    kt_run("fault.unknown_syscall_pc_and_skip", case_unknown_syscall_skip);
    kt_run("fault.pc_alignment", case_pc_alignment);
    kt_run("fault.execute_never", case_execute_never);
    kt_run("fault.endpoint_badge", case_fault_badge);
    kt_run("fault.no_handler_suspends", case_no_handler);
    kt_run("fault.handler_endpoint_deleted", case_handler_deleted);
    kt_run("syscall.debug_puts_pointers", case_debug_puts);
}
