/*
 * VCPUs (kernel/src/vcpu.c), with a few instructions of guest code at EL1
 * (MMU off: addresses are IPAs): posted writes (abi.h
 * CV_OP_VCPU_SET_POSTED) are recorded without exits and taken in order,
 * other accesses still exit, a full record or an idle vCPU makes one, and
 * the stamps follow the order writes of two vCPUs happened in; the
 * virtual timer is delivered by the kernel when asked (SET_VTIMER), else
 * it exits; the invocations refuse bad arguments. And a 2 MiB frame
 * mapped as pages (CV_MAP_PAGES), which is how guest RAM is mapped.
 */
#include <string.h>

#include "guest.h"

/* A64 encodings (ARM ARM C6): Rn = x0 (the posted IPA), Rt = w1/x1. */
#define I_STRB_W1   0x39000001u /* strb w1, [x0] */
#define I_STRH_W1   0x79000001u /* strh w1, [x0] */
#define I_STR_W1    0xb9000001u /* str  w1, [x0] */
#define I_STR_X1    0xf9000001u /* str  x1, [x0]: 8 bytes, never posted */
#define I_STR_W1_4  0xb9000401u /* str  w1, [x0, #4]: another register */
#define I_STR_W1_S  0xb9003001u /* str  w1, [x0, #0x30]: the steady register */
#define I_STRH_W1_S 0x79006001u /* strh w1, [x0, #0x30] */
#define I_STRB_W1_S 0x3900c001u /* strb w1, [x0, #0x30] */
#define I_LDR_W2    0xb9400002u /* ldr  w2, [x0] */
#define I_ADD_W1_1  0x11000421u /* add  w1, w1, #1 */
#define I_LDRSH_W2  0x79c00002u /* ldrsh w2, [x0] */
#define I_LDRSB_X3  0x39800403u /* ldrsb x3, [x0, #1] */
#define I_STR_X1_8  0xf9000401u /* str  x1, [x0, #8] */
#define I_LDP_X4_X5 0xa9401404u /* ldp  x4, x5, [x0]: no syndrome (ISV 0) */
#define I_B_BACK2   0x17fffffeu /* b    .-8 */
/* the virtual timer, due 100 ticks from now (ARM ARM D11.2.4) */
#define I_MRS_X2_CNTVCT    0xd53be042u /* mrs x2, cntvct_el0 */
#define I_ADD_X2_100       0x91019042u /* add x2, x2, #100 */
#define I_ADD_X2_64K       0x91404042u /* add x2, x2, #16, lsl #12: 1 ms at 62.5 MHz */
#define I_MSR_CNTV_CVAL_X2 0xd51be342u /* msr cntv_cval_el0, x2 */
#define I_MOV_X2_1         0xd2800022u /* mov x2, #1 (ENABLE) */
#define I_MSR_CNTV_CTL_X2  0xd51be322u /* msr cntv_ctl_el0, x2 */
#define I_ADD_X2_268MS     0x917ffc42u /* add x2, x2, #0xfff, lsl #12: 268 ms */
#define TIMER_INTID        27u
#define I_MSR_TPIDRRO_X1   0xd51bd061u /* msr tpidrro_el0, x1 */
#define I_MRS_X3_TPIDRRO   0xd53bd063u /* mrs x3, tpidrro_el0 */
/* PAN (ARM ARM D19.2.110 ID_AA64MMFR1_EL1.PAN [23:20], C5.2.13 PAN) */
#define I_MRS_X4_MMFR1 0xd5380724u /* mrs x4, id_aa64mmfr1_el1 */
#define I_UBFX_X4_PAN  0xd3545c84u /* ubfx x4, x4, #20, #4 */
#define I_CBZ_X4_FWD4  0xb4000084u /* cbz x4, .+16 */
#define I_MSR_PAN_1    0xd500419fu /* msr pan, #1 */
#define I_MRS_X3_PAN   0xd5384263u /* mrs x3, pan */
#define PSTATE_PAN     (1ull << 22)
/* FP/SIMD (ARM ARM C7.2 FMOV (general)) */
#define I_FMOV_X4_D1 0x9e660024u /* fmov x4, d1 */
#define I_FMOV_D0_X1 0x9e670020u /* fmov d0, x1 */
#define I_FMOV_X3_D0 0x9e660003u /* fmov x3, d0 */
#define CPACR_FPEN   (3ull << 20)

static enum cv_err set_posted(const struct guest *g, uint64_t ipa)
{
    return cv_invoke(g->vcpu, CV_OP_VCPU_SET_POSTED, &ipa, 1, NULL, 0);
}

/* A record's value and width, without its stamp (abi.h CV_POSTED_*). */
#define POSTED_VW(e) ((e)&0xfffffffffull)

/**
 * One TAKE_POSTED (limit: only writes stamped before it; NULL: all) into
 * out[] (CV_POSTED_TAKE_MAX room); returns how many, *next the counter.
 */
static unsigned take_one(const struct guest *g, const uint64_t *limit, uint64_t *out,
                         uint64_t *next)
{
    uint64_t res[2 + CV_POSTED_TAKE_MAX];
    if (cv_invoke(g->vcpu, CV_OP_VCPU_TAKE_POSTED, limit, limit ? 1 : 0, res,
                  2 + CV_POSTED_TAKE_MAX) != CV_OK ||
        res[0] > CV_POSTED_TAKE_MAX)
        return 0;
    memcpy(out, &res[2], res[0] * sizeof(res[0]));
    if (next)
        *next = res[1];
    return (unsigned)res[0];
}

/** Takes every posted write into out[] (at most max); returns how many. */
static unsigned take_all(const struct guest *g, uint64_t *out, unsigned max)
{
    uint64_t res[CV_POSTED_TAKE_MAX];
    unsigned total = 0;
    for (unsigned n; (n = take_one(g, NULL, res, NULL)) != 0;)
        for (unsigned k = 0; k < n && total < max; k++)
            out[total++] = res[k];
    return total;
}

/** Posted writes taken so far from a guest, oldest first. */
struct taken {
    uint64_t e[CV_POSTED_MAX + 1];
    unsigned n;
    unsigned posted_exits; /* CV_FAULT_VM_POSTED exits seen */
    unsigned at_wfi;       /* of them, with MR2 CV_POSTED_AT_WFI */
    uint64_t last_why;     /* the last one's MR2 */
};

/**
 * The next exit other than CV_FAULT_VM_POSTED, whose label it returns. A
 * timer tick can make that exit whenever writes wait: each one's writes
 * are taken into *t and the guest resumed; so are those an exit flags.
 */
static uint64_t exit_taking(const struct guest *g, uint64_t mr[CV_VMEXIT_MSG_LEN], struct taken *t)
{
    for (;;) {
        uint64_t label = guest_next_exit(g, mr);
        if (label & CV_FAULT_VM_POSTED_FLAG)
            t->n += take_all(g, &t->e[t->n], CV_POSTED_MAX + 1 - t->n);
        if ((label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG) != CV_FAULT_VM_POSTED)
            return label;
        t->posted_exits++;
        t->at_wfi += mr[2] == CV_POSTED_AT_WFI;
        t->last_why = mr[2];
        guest_reply(CV_FAULT_RESUME, 0);
    }
}

/** A guest running prog with UARTDR-like posted writes at GUEST_DEV_IPA; *t emptied. */
static bool posted_guest(struct guest *g, const uint32_t *prog, unsigned n, uint64_t x1,
                         struct taken *t)
{
    t->n = t->posted_exits = t->at_wfi = 0;
    if (!guest_new(g, prog, n, x1))
        return false;
    enum cv_err err = set_posted(g, GUEST_DEV_IPA);
    if (err != CV_OK)
        kt_failf("SET_POSTED: %s", cv_err_str(err));
    return err == CV_OK;
}

/** A page the guest reads at GUEST_DEV_IPA, read-only (the VMM's UART
 * page): its writes there are permission faults. */
static void map_dev_page(const struct guest *g)
{
    uint64_t dev = 0, gdev = kt_slot();
    KT_NONZERO(kt_page(&dev) && gdev);
    KT_OK(cv_cnode_copy(KT_CNODE, gdev, 0, dev, CV_RIGHT_READ));
    KT_OK(cv_self_map_in(g->vspace, gdev, GUEST_DEV_IPA, CV_RIGHT_READ));
}

/* Byte, halfword and word writes are recorded; a doubleword write and a
 * write to the next register exit, flagged because writes wait; a read
 * exits. The register's page is mapped read-only (the VMM's UART page):
 * the writes are permission faults. */
static void case_posted_in_order(void)
{
    static const uint32_t prog[] = {I_STRB_W1, I_ADD_W1_1, I_STRH_W1, I_STR_W1,
                                    I_STR_X1,  I_STR_W1_4, I_HVC0};
    struct guest g;
    static struct taken t;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(posted_guest(&g, prog, sizeof(prog) / sizeof(prog[0]), 0x1234abcd, &t));
    map_dev_page(&g);
    KT_OK(cv_tcb_resume(g.tcb));
    uint64_t label = exit_taking(&g, m, &t);
    KT_EQ(label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG, CV_FAULT_VM_DATA_ABORT);
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA);
    KT_EQ(CV_DA_WIDTH(m[CV_VMEXIT_DA_ACCESS]), 8);
    KT_EQ(m[CV_VMEXIT_DA_VALUE], 0x1234abce);
    KT_EQ(t.n, 3);
    KT_TRUE(t.posted_exits || (label & CV_FAULT_VM_POSTED_FLAG), "the waiting writes unflagged");
    KT_EQ(POSTED_VW(t.e[0]), 0xcd | (1ull << 32));
    KT_EQ(POSTED_VW(t.e[1]), 0xabce | (2ull << 32));
    KT_EQ(POSTED_VW(t.e[2]), 0x1234abce | (4ull << 32));
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_DATA_ABORT); /* nothing waits now */
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA + 4);
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_HVC);
    KT_EQ(t.n, 3);
}

/* CV_POSTED_MAX writes fit; the next one exits with the flag, and the
 * record holds them all, oldest first. Ticks may have the VMM take some
 * before (each CV_FAULT_VM_POSTED empties the record): every write is
 * checked as it is taken, however many exits there were. */
static void case_posted_full(void)
{
    static const uint32_t prog[] = {I_STR_W1, I_ADD_W1_1, I_B_BACK2};
    static struct taken t;
    static uint64_t e[CV_POSTED_MAX + 1];
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], label, next = 0; /* the value the next write taken has */
    unsigned n = 0, wrong = 0;
    KT_NONZERO(posted_guest(&g, prog, sizeof(prog) / sizeof(prog[0]), 0, &t));
    KT_OK(cv_tcb_resume(g.tcb));
    for (;;) {
        label = guest_next_exit(&g, m);
        n = (label & CV_FAULT_VM_POSTED_FLAG) ? take_all(&g, e, CV_POSTED_MAX + 1) : 0;
        for (unsigned i = 0; i < n; i++)
            wrong += POSTED_VW(e[i]) != ((next + i) | (4ull << 32));
        next += n;
        if ((label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG) != CV_FAULT_VM_POSTED)
            break;
        guest_reply(CV_FAULT_RESUME, 0);
    }
    KT_EQ(label, CV_FAULT_VM_DATA_ABORT | CV_FAULT_VM_POSTED_FLAG);
    KT_EQ(wrong, 0);                    /* taken in order, none lost */
    KT_EQ(n, CV_POSTED_MAX);            /* the exiting write found the record full */
    KT_EQ(m[CV_VMEXIT_DA_VALUE], next); /* and is the one after them */
}

/* A vCPU that waits for an interrupt (WFI) with writes waiting exits once
 * to have them taken (MR2 says at a WFI), then waits as usual (here it has
 * one pending, masked by DAIF: the WFI completes); a read of the posted
 * register is never recorded. Had a tick taken them just before, the WFI
 * still exits, with none waiting, for the VMM to know the guest paused.
 * (QEMU never traps WFE, so that is not tested.) */
static void case_posted_idle(void)
{
    static const uint32_t prog[] = {I_STR_W1, I_WFI, I_LDR_W2, I_HVC0};
    const uint64_t irq[3] = {27, 0xa0, (uint64_t)-1}; /* virq, priority, any LR */
    static struct taken t;
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(posted_guest(&g, prog, sizeof(prog) / sizeof(prog[0]), 7, &t));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, irq, 3, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_DATA_ABORT); /* the read */
    KT_EQ(t.at_wfi, 1);
    KT_EQ(t.last_why, CV_POSTED_AT_WFI);
    KT_TRUE(t.posted_exits <= 2, "more exits than a tick's and the WFI's");
    KT_EQ(t.n, 1);
    KT_EQ(POSTED_VW(t.e[0]), 7 | (4ull << 32));
    KT_EQ(m[CV_VMEXIT_DA_ACCESS] & CV_DA_WRITE, 0);
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA);
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_HVC);
    KT_EQ(t.n, 1);
}

/** The next exit other than CV_FAULT_VM_POSTED (a tick's: resumed), the records left alone. */
static uint64_t exit_keeping(const struct guest *g, uint64_t mr[CV_VMEXIT_MSG_LEN])
{
    for (;;) {
        uint64_t label = guest_next_exit(g, mr);
        if ((label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG) != CV_FAULT_VM_POSTED)
            return label;
        guest_reply(CV_FAULT_RESUME, 0);
    }
}

/* Two vCPUs write in turn (a, b, a: the test orders them): the stamps
 * follow, whichever vCPU's record holds them; a take's counter is after
 * every write taken by then and not after a later one; and a take with
 * b's stamp as the limit takes only a's write before it. */
static void case_posted_stamps(void)
{
    static const uint32_t prog_a[] = {I_STR_W1, I_ADD_W1_1, I_HVC0, I_STR_W1, I_HVC0};
    static const uint32_t prog_b[] = {I_STR_W1};
    static struct taken t;
    struct guest a, b;
    uint64_t m[CV_VMEXIT_MSG_LEN], eb[CV_POSTED_TAKE_MAX], ea[CV_POSTED_TAKE_MAX], w = 0;
    KT_NONZERO(posted_guest(&a, prog_a, sizeof(prog_a) / sizeof(prog_a[0]), 10, &t));
    KT_NONZERO(posted_guest(&b, prog_b, 1, 20, &t));
    KT_OK(cv_tcb_resume(a.tcb));
    KT_EQ(exit_keeping(&a, m), CV_FAULT_VM_HVC | CV_FAULT_VM_POSTED_FLAG); /* a wrote 10 */
    KT_OK(cv_tcb_resume(b.tcb)); /* b writes 20, then spins: taken while it runs */
    unsigned nb = 0;
    for (uint64_t end = kt_now() + kt_ticks_ms(GUEST_WAIT_MS); !nb && kt_now() < end; cv_yield())
        nb = take_one(&b, NULL, eb, &w);
    KT_OK(cv_tcb_suspend(b.tcb));
    KT_EQ(nb, 1);
    KT_EQ(POSTED_VW(eb[0]), 20 | (4ull << 32));
    guest_reply(CV_FAULT_RESUME, 0); /* a writes 11 */
    KT_EQ(exit_keeping(&a, m), CV_FAULT_VM_HVC | CV_FAULT_VM_POSTED_FLAG);
    uint64_t sb = CV_POSTED_STAMP(eb[0]);
    KT_EQ(take_one(&a, &sb, ea, NULL), 1); /* 10 only */
    KT_EQ(take_one(&a, NULL, &ea[1], NULL), 1);
    KT_EQ(POSTED_VW(ea[0]), 10 | (4ull << 32));
    KT_EQ(POSTED_VW(ea[1]), 11 | (4ull << 32));
    uint32_t sa0 = CV_POSTED_STAMP(ea[0]), sa1 = CV_POSTED_STAMP(ea[1]);
    KT_TRUE(CV_POSTED_BEFORE(sa0, sb) && CV_POSTED_BEFORE(sb, sa1), "stamps %u, %u, %u", sa0,
            (unsigned)sb, sa1);
    KT_TRUE(CV_POSTED_BEFORE(sb, w) && !CV_POSTED_BEFORE(sa1, w), "counter %llu",
            (unsigned long long)w);
}

/* A limit no write is stamped before takes nothing: here the counter
 * before the guest wrote. A bad limit or more arguments are refused and
 * take nothing. Without a limit all three come, stamped before the
 * counter then. */
static void case_posted_take_limit(void)
{
    static const uint32_t prog[] = {I_STR_W1, I_ADD_W1_1, I_STR_W1, I_ADD_W1_1, I_STR_W1, I_HVC0};
    static struct taken t;
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], e[CV_POSTED_TAKE_MAX], w0 = ~0ull, w = 0;
    KT_NONZERO(posted_guest(&g, prog, sizeof(prog) / sizeof(prog[0]), 1, &t));
    KT_EQ(take_one(&g, NULL, e, &w0), 0);
    KT_TRUE(w0 <= CV_POSTED_STAMP_MASK, "counter %llu", (unsigned long long)w0);
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(exit_keeping(&g, m), CV_FAULT_VM_HVC | CV_FAULT_VM_POSTED_FLAG);
    KT_EQ(take_one(&g, &w0, e, NULL), 0);
    const uint64_t bad[2] = {(uint64_t)CV_POSTED_STAMP_MASK + 1u, 0};
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_TAKE_POSTED, bad, 1, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_TAKE_POSTED, &bad[1], 2, NULL, 0), CV_E_INVALID_ARG);
    KT_EQ(take_one(&g, NULL, e, &w), 3);
    KT_EQ(POSTED_VW(e[0]), 1 | (4ull << 32));
    KT_EQ(POSTED_VW(e[2]), 3 | (4ull << 32));
    KT_TRUE(!CV_POSTED_BEFORE(CV_POSTED_STAMP(e[0]), w0) &&
                CV_POSTED_BEFORE(CV_POSTED_STAMP(e[2]), w),
            "stamps %u..%u, counters %llu, %llu", CV_POSTED_STAMP(e[0]), CV_POSTED_STAMP(e[2]),
            (unsigned long long)w0, (unsigned long long)w);
}

/* Without a posted register every write exits; bad registers are refused. */
static void case_posted_args(void)
{
    static const uint32_t prog[] = {I_STR_W1, I_HVC0};
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], posted[1];
    KT_NONZERO(guest_new(&g, prog, sizeof(prog) / sizeof(prog[0]), 1));
    KT_ERR(set_posted(&g, GUEST_DEV_IPA + 2), CV_E_INVALID_ARG);
    KT_ERR(set_posted(&g, 1ull << CV_VSPACE_BITS), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(g.tcb, CV_OP_VCPU_SET_POSTED, NULL, 0, NULL, 0), CV_E_INVALID_OP);
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_POSTED, NULL, 0, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(set_posted(&g, GUEST_DEV_IPA));
    KT_OK(set_posted(&g, 0)); /* off again */
    KT_EQ(take_all(&g, posted, 1), 0);
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_DATA_ABORT);
    KT_EQ(m[CV_VMEXIT_DA_VALUE], 1);
}

/* SET_POSTED's steady register: writes of its value are dropped without
 * an exit or a record; another value exits, and so does a byte, which
 * cannot hold 0x301. */
static void case_posted_steady(void)
{
    static const uint32_t prog[] = {I_STR_W1_S, I_STRH_W1_S, I_STRB_W1_S,
                                    I_ADD_W1_1, I_STR_W1_S,  I_HVC0};
    struct guest g;
    static struct taken t;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    const uint64_t arg[3] = {GUEST_DEV_IPA, GUEST_DEV_IPA + 0x30, 0x301};
    KT_NONZERO(posted_guest(&g, prog, sizeof(prog) / sizeof(prog[0]), 0x301, &t));
    map_dev_page(&g);
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_POSTED, arg, 3, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_DATA_ABORT); /* the byte */
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA + 0x30);
    KT_EQ(CV_DA_WIDTH(m[CV_VMEXIT_DA_ACCESS]), 1);
    uint64_t pc = m[CV_VMEXIT_DA_PC];
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_DATA_ABORT); /* 0x302 */
    KT_EQ(m[CV_VMEXIT_DA_VALUE], 0x302);
    KT_EQ(m[CV_VMEXIT_DA_PC], pc + 8);
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(exit_taking(&g, m, &t), CV_FAULT_VM_HVC);
    KT_EQ(t.n, 0);                 /* nothing recorded */
    KT_EQ(pc, GUEST_CODE_IPA + 8); /* the word and the halfword: no exit */
}

static void case_posted_steady_args(void)
{
    static const uint32_t prog[] = {I_HVC0};
    struct guest g;
    static const uint64_t bad[][3] = {{GUEST_DEV_IPA, GUEST_DEV_IPA + 0x31, 1},
                                      {GUEST_DEV_IPA, 1ull << CV_VSPACE_BITS, 1},
                                      {GUEST_DEV_IPA, GUEST_DEV_IPA + 0x30, 1ull << 32},
                                      {0, GUEST_DEV_IPA + 0x30, 1}};
    KT_NONZERO(guest_new(&g, prog, 1, 0));
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_POSTED, bad[i], 3, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_POSTED, bad[0], 2, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_POSTED, bad[0], 1, NULL, 0)); /* no steady register */
}

/* The timer fires with DAIF masked: the interrupt waits in a list
 * register, so the WFI completes and the hvc exits. */
static const uint32_t timer_prog[] = {I_MRS_X2_CNTVCT, I_ADD_X2_100,      I_MSR_CNTV_CVAL_X2,
                                      I_MOV_X2_1,      I_MSR_CNTV_CTL_X2, I_WFI,
                                      I_HVC0};

/* CV_OP_VCPU_SET_VTIMER: the kernel injects the timer, no exit; from the
 * first call the last list register is the kernel's. */
static void case_vtimer_direct(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(guest_new(&g, timer_prog, sizeof(timer_prog) / sizeof(timer_prog[0]), 0));
    uint64_t all = guest_lr_count(&g), arg[2] = {TIMER_INTID, 0xa0};
    KT_TRUE(all >= 2, "%llu list registers", (unsigned long long)all);
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, arg, 2, NULL, 0));
    KT_EQ(guest_lr_count(&g), all - 1);
    const uint64_t last[3] = {40, 0xa0, all - 1}; /* INTID, priority, LR */
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, last, 3, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
}

/* The timer due while the guest waits in an exit fires in native mode
 * (the kernel leaves the guest's timer running there) and is delivered
 * when the guest runs again: then the kernel's list register holds it,
 * which INJECT_IRQ of its INTID tells (CV_E_BUSY). A WFI cannot tell: it
 * may complete without an interrupt. */
static const uint32_t timer_exit_first_prog[] = {
    I_MRS_X2_CNTVCT, I_ADD_X2_64K, I_MSR_CNTV_CVAL_X2, I_MOV_X2_1, I_MSR_CNTV_CTL_X2, I_HVC0,
    I_WFI,           I_HVC0};

static void case_vtimer_in_exit(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], arg[2] = {TIMER_INTID, 0xa0};
    const uint64_t timer[3] = {TIMER_INTID, 0xa0, 0}; /* INTID, priority, LR */
    KT_NONZERO(guest_new(&g, timer_exit_first_prog,
                         sizeof(timer_exit_first_prog) / sizeof(timer_exit_first_prog[0]), 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, arg, 2, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    uint64_t pc = m[0];
    /* the timer, due 1 ms after it was set, fires meanwhile; 30 ms, not 5:
     * on a loaded host (ctest -j2 beside 4 QEMU cores) 5 ms once passed
     * before the timer's interrupt was taken, and the WFI ran past it */
    kt_spin_ms(30);
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], pc + 8); /* past the WFI */
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, timer, 3, NULL, 0), CV_E_BUSY);
}

/* SET_VTIMER cannot take the last list register while the VMM's
 * interrupt is in it; INJECT_IRQ cannot inject the timer's INTID while the
 * kernel's list register holds it (the timer fired, DAIF masked). */
static void case_vtimer_busy(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], arg[2] = {TIMER_INTID, 0xa0};
    KT_NONZERO(guest_new(&g, timer_prog, sizeof(timer_prog) / sizeof(timer_prog[0]), 0));
    uint64_t last = guest_lr_count(&g) - 1;
    const uint64_t spi[3] = {40, 0xa0, last}; /* INTID, priority, LR */
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, spi, 3, NULL, 0));
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, arg, 2, NULL, 0), CV_E_BUSY);

    KT_NONZERO(guest_new(&g, timer_prog, sizeof(timer_prog) / sizeof(timer_prog[0]), 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, arg, 2, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC); /* the timer pends in the kernel's LR */
    const uint64_t timer[3] = {TIMER_INTID, 0xa0, 0};
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, timer, 3, NULL, 0), CV_E_BUSY);
}

/* Without it (INTID 0) the timer exits, masked until acknowledged. */
static void case_vtimer_exit(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], off[2] = {0, 0};
    KT_NONZERO(guest_new(&g, timer_prog, sizeof(timer_prog) / sizeof(timer_prog[0]), 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, off, 2, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_VTIMER);
}

static void case_vtimer_args(void)
{
    struct guest g;
    static const uint64_t bad[][2] = {{15, 0}, {32, 0}, {TIMER_INTID, 256}};
    KT_NONZERO(guest_new(&g, timer_prog, 1, 0));
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, bad[i], 2, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, bad[0], 1, NULL, 0), CV_E_INVALID_ARG);
}

/* INJECT_IRQ and READ/WRITE_REGS check every argument before they touch
 * a list register or a register (CV_E_INVALID_ARG). With every list
 * register taken a new INTID is CV_E_BUSY; one already there is not (it
 * pends again where it is). An unbound VCPU will do. */
static void case_invoke_args(void)
{
    uint64_t v = kt_alloc(CV_OBJ_VCPU, 0), lrs[2] = {0, 0}, vbar = 0;
    KT_NONZERO(v);
    KT_OK(cv_invoke(v, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2));
    const uint64_t any = ~0ull, bad[][5] = {{1020, 0, any, 0, 0},
                                            {40, 256, any, 0, 0},
                                            {40, 0, lrs[1], 0, 0},
                                            {40, 0, any, 4, 0},
                                            {1, 0, any, 0, 8}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        KT_ERR(cv_invoke(v, CV_OP_VCPU_INJECT_IRQ, bad[i], 5, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(v, CV_OP_VCPU_INJECT_IRQ, bad[0], 2, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_invoke(v, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2));
    KT_EQ(lrs[0], (1ull << lrs[1]) - 1); /* all still free */
    for (uint64_t i = 0; i < lrs[1]; i++) {
        const uint64_t irq[3] = {40 + i, 0xa0, any};
        KT_OK(cv_invoke(v, CV_OP_VCPU_INJECT_IRQ, irq, 3, NULL, 0));
    }
    const uint64_t again[3] = {40, 0xa0, any}, more[3] = {40 + lrs[1], 0xa0, any};
    KT_OK(cv_invoke(v, CV_OP_VCPU_INJECT_IRQ, again, 3, NULL, 0));
    KT_ERR(cv_invoke(v, CV_OP_VCPU_INJECT_IRQ, more, 3, NULL, 0), CV_E_BUSY);
    KT_OK(cv_invoke(v, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2));
    KT_EQ(lrs[0], 0);

    const uint64_t rbad[][2] = {{CV_VCPU_REG_COUNT, 1}, {CV_VCPU_VBAR, CV_VCPU_REG_COUNT}};
    const uint64_t get[2] = {CV_VCPU_VBAR, 1}, set[3] = {CV_VCPU_VBAR, 2, 0x1000};
    for (unsigned i = 0; i < sizeof(rbad) / sizeof(rbad[0]); i++)
        KT_ERR(cv_invoke(v, CV_OP_VCPU_READ_REGS, rbad[i], 2, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_invoke(v, CV_OP_VCPU_READ_REGS, get, 2, &vbar, 1));
    KT_ERR(cv_invoke(v, CV_OP_VCPU_WRITE_REGS, set, 3, NULL, 0), CV_E_INVALID_ARG); /* 1 of 2 */
    uint64_t now = ~vbar;
    KT_OK(cv_invoke(v, CV_OP_VCPU_READ_REGS, get, 2, &now, 1));
    KT_EQ(now, vbar);
}

/* A guest's FP/SIMD registers are its own: zero at its first use although
 * ours hold values, kept while we (its VMM) use ours during its exit, and
 * ours are kept too. (A guest gets its registers as soon as it runs:
 * kernel/src/fpu.c.) */
static const uint32_t fpu_prog[] = {I_FMOV_X4_D1, I_FMOV_D0_X1, I_HVC0, I_FMOV_X3_D0, I_HVC0};

static void case_fpu(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    const uint64_t pattern = 0x3333000000000007ull, cpacr[3] = {CV_VCPU_CPACR, 1, CPACR_FPEN};
    KT_NONZERO(guest_new(&g, fpu_prog, sizeof(fpu_prog) / sizeof(fpu_prog[0]), pattern));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_WRITE_REGS, cpacr, 3, NULL, 0));
    kt_fp_fill(KT_FP_PATTERN);
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 4], 0);              /* its d1 at its first use */
    kt_fp_fill(KT_FP_PATTERN + 100); /* ours again, while it waits */
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 3], pattern); /* its d0 */
    KT_EQ(kt_fp_mismatch(KT_FP_PATTERN + 100), KT_FP_REGS);
}

/* TPIDRRO_EL0, which EL0 can read, is the guest's: we (its VMM, native,
 * on its core) read 0 during its exit, and it reads its value after. */
static const uint32_t tpidrro_prog[] = {I_MSR_TPIDRRO_X1, I_HVC0, I_MRS_X3_TPIDRRO, I_HVC0};

static void case_tpidrro(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], ours = 1;
    unsigned core = 0;
    const uint64_t secret = 0x5ec4e75ec4e7ull;
    KT_NONZERO(guest_new(&g, tpidrro_prog, sizeof(tpidrro_prog) / sizeof(tpidrro_prog[0]), secret));
    KT_OK(cv_tcb_get_core(KT_TCB, &core));
    KT_OK(cv_tcb_set_affinity(g.tcb, core));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    __asm__ volatile("mrs %0, tpidrro_el0" : "=r"(ours));
    KT_EQ(ours, 0);
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 3], secret);
}

/* PSTATE bits the guest sets at EL1 survive an exit: PAN, set before an
 * hvc, is still set after it. Needs a CPU with PAN (-cpu max: the test
 * system.kernel_tests.cpu_max); without, the guest skips to its last hvc
 * with x4 = 0. */
static const uint32_t pan_prog[] = {I_MRS_X4_MMFR1, I_UBFX_X4_PAN, I_CBZ_X4_FWD4, I_MSR_PAN_1,
                                    I_HVC0,         I_MRS_X3_PAN,  I_HVC0};

static void case_pstate_kept(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(guest_new(&g, pan_prog, sizeof(pan_prog) / sizeof(pan_prog[0]), 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    if (m[2 + 4] == 0) {
        kt_skipf("no PAN on this CPU");
        return;
    }
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 3] & PSTATE_PAN, PSTATE_PAN);
}

/* Unbinding a vCPU that waits in WFI suspends its thread, and the other
 * vCPUs waiting stay on the kernel's WFI list: b's WFI still ends at its
 * timer after a (unbound while in WFI) is suspended. */
static const uint32_t wfi_prog[] = {I_WFI, I_HVC0};
static const uint32_t timer_late_prog[] = {I_MRS_X2_CNTVCT, I_ADD_X2_268MS,    I_MSR_CNTV_CVAL_X2,
                                           I_MOV_X2_1,      I_MSR_CNTV_CTL_X2, I_WFI,
                                           I_HVC0};

static void case_unbind_in_wfi(void)
{
    struct guest a, b;
    uint64_t m[CV_VMEXIT_MSG_LEN], arg[2] = {TIMER_INTID, 0xa0}, none = 0;
    KT_NONZERO(guest_new(&a, wfi_prog, sizeof(wfi_prog) / sizeof(wfi_prog[0]), 0));
    KT_NONZERO(
        guest_new(&b, timer_late_prog, sizeof(timer_late_prog) / sizeof(timer_late_prog[0]), 0));
    KT_OK(cv_invoke(b.vcpu, CV_OP_VCPU_SET_VTIMER, arg, 2, NULL, 0));
    KT_OK(cv_tcb_resume(a.tcb));
    kt_yield_ms(5); /* a runs into its WFI: no timer, no interrupt */
    KT_OK(cv_tcb_resume(b.tcb));
    kt_yield_ms(20); /* b runs into its WFI, its timer 268 ms away */
    KT_OK(cv_invoke(a.tcb, CV_OP_TCB_BIND_VCPU, &none, 1, NULL, 0));
    KT_OK(cv_tcb_suspend(a.tcb));
    KT_EQ(guest_next_exit(&b, m), CV_FAULT_VM_HVC);
}

/* CV_MAP_PAGES: a 2 MiB frame as 512 pages of the level-3 table there. */
static void case_map_pages(void)
{
    uint64_t big = kt_alloc(CV_OBJ_FRAME_2M, 0), small = kt_alloc(CV_OBJ_FRAME_4K, 0);
    uint64_t va = kt_va(1ull << CV_LARGE_PAGE_BITS, 1ull << CV_LARGE_PAGE_BITS);
    KT_NONZERO(big && small && va);
    KT_ERR(cv_frame_map(small, KT_VSPACE, va, KT_RW | CV_MAP_PAGES), CV_E_INVALID_ARG);
    KT_OK(cv_self_map_in(KT_VSPACE, big, va, KT_RW | CV_MAP_PAGES)); /* tables down to level 3 */
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)va;
    p[0] = 1;
    p[(1u << CV_LARGE_PAGE_BITS) / 8 - 1] = 2; /* the last page */
    uint64_t pa = 0;
    KT_OK(cv_frame_paddr(big, &pa));
    KT_OK(cv_frame_unmap(big));
    KT_ERR(cv_frame_unmap(big), CV_E_NOT_MAPPED);
    /* the level-3 table is empty again: a 4 KiB frame fits in, then the
     * 2 MiB one no longer does */
    KT_OK(cv_frame_map(small, KT_VSPACE, va + 0x1000, KT_RW));
    KT_ERR(cv_frame_map(big, KT_VSPACE, va, KT_RW | CV_MAP_PAGES), CV_E_MAPPED);
    KT_OK(cv_frame_unmap(small));
    KT_OK(cv_frame_map(big, KT_VSPACE, va, KT_RW | CV_MAP_PAGES));
    KT_EQ(p[0], 1);
    KT_EQ(p[(1u << CV_LARGE_PAGE_BITS) / 8 - 1], 2);
}

/* A guest that counts in the word at x1 (in its code page, which we map
 * too): ldr x2, [x1]; add x2, x2, #1; str x2, [x1]; b .-12. */
static const uint32_t count_prog[] = {0xf9400022u, 0x91000442u, 0xf9000022u, 0x17fffffdu};
#define COUNT_OFF 0x800u /* the counter's offset in the code page */

/** Starts a counting guest on core 1; false (the case stopped) if it did not count. */
static bool counting_guest(struct guest *g, volatile uint64_t **count)
{
    if (!guest_new(g, count_prog, sizeof(count_prog) / sizeof(count_prog[0]),
                   GUEST_CODE_IPA + COUNT_OFF))
        return false;
    *count = (volatile uint64_t *)((uintptr_t)g->code + COUNT_OFF);
    enum cv_err err = cv_tcb_set_affinity(g->tcb, 1);
    if (err == CV_OK)
        err = cv_tcb_resume(g->tcb);
    if (err != CV_OK) {
        kt_failf("starting the guest on core 1: %s", cv_err_str(err));
        return false;
    }
    uint64_t end = kt_now() + kt_ticks_ms(3000);
    while (**count < 1000 && kt_now() < end)
        cv_yield();
    if (**count < 1000)
        kt_failf("the guest on core 1 did not count (%llu)", (unsigned long long)**count);
    return **count >= 1000;
}

/** The guest counted at most once more (the increment in flight) in 50 ms. */
static bool guest_stopped(volatile uint64_t *count)
{
    uint64_t after = *count;
    kt_spin_ms(50);
    if (*count - after > 1)
        kt_failf("the guest counted %llu more after it was stopped",
                 (unsigned long long)(*count - after));
    return *count - after <= 1;
}

/*
 * Injections into a vCPU running on another core do not wait for it: its
 * core takes them when kicked. The guest counts on core 1 with interrupts
 * on; INTID 40 twice (one LR: the second only adds pending) and INTID 41
 * into LR 2 while it runs; its IRQ vector exits (hvc), and then its LRs
 * hold exactly those two. Whichever injection the guest's exit overtook
 * went the direct way: the result must be the same.
 */
#define INJ_VBAR_OFF    0x800u
#define INJ_COUNT_OFF   0xf00u
#define I_MSR_DAIFCLR_I 0xd50342ffu /* msr daifclr, #2 */

static void case_inject_remote(void)
{
    static const uint32_t prog[] = {I_MSR_DAIFCLR_I, 0xf9400022u, 0x91000442u, 0xf9000022u,
                                    0x17fffffdu}; /* the counting loop of count_prog */
    static const uint32_t handler[] = {I_HVC0};
    const uint64_t vbar[3] = {CV_VCPU_VBAR, 1, GUEST_CODE_IPA + INJ_VBAR_OFF};
    const uint64_t vmcr[3] = {CV_VCPU_GICH_VMCR, 1, 0xf8000003ull}; /* both groups, mask 0xf8 */
    const uint64_t a[4] = {40, 0xa0, (uint64_t)-1, CV_INJECT_GROUP1};
    const uint64_t b[4] = {41, 0xa0, 2, CV_INJECT_GROUP1};
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], lrs[2] = {0, 0};
    if (kt.core_count == 1) {
        kt_skipf("one core: the guest must run on another");
        return;
    }
    KT_NONZERO(guest_new(&g, prog, sizeof(prog) / sizeof(prog[0]), GUEST_CODE_IPA + INJ_COUNT_OFF));
    guest_put(&g, INJ_VBAR_OFF + 0x280u, handler, 1); /* current EL, SPx, IRQ */
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_WRITE_REGS, vbar, 3, NULL, 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_WRITE_REGS, vmcr, 3, NULL, 0));
    volatile uint64_t *count = (volatile uint64_t *)((uintptr_t)g.code + INJ_COUNT_OFF);
    KT_OK(cv_tcb_set_affinity(g.tcb, 1));
    KT_OK(cv_tcb_resume(g.tcb));
    uint64_t end = kt_now() + kt_ticks_ms(3000);
    while (*count < 1000 && kt_now() < end)
        cv_yield();
    KT_TRUE(*count >= 1000, "the guest on core 1 did not count");
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, a, 4, NULL, 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, a, 4, NULL, 0));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_INJECT_IRQ, b, 4, NULL, 0));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], GUEST_CODE_IPA + INJ_VBAR_OFF + 0x284u); /* after the hvc */
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2));
    KT_EQ(lrs[0], ((1ull << lrs[1]) - 1) & ~5ull); /* LR 0 (INTID 40) and LR 2 taken */
}

/*
 * Objects destroyed under a guest running on another core: its VCPU, its
 * thread, or all of it at once by revoking the untyped it came from (its
 * stage-2 tables freed under it). When the call returns, the guest runs
 * no more (at most the increment in flight lands), and the kernel goes
 * on. Deleting our cap of its vspace alone destroys nothing: the thread
 * holds a copy, and the guest counts on.
 */
static void destroy_under_guest(unsigned which)
{
    if (kt.core_count == 1) {
        kt_skipf("one core: the guest must run on another");
        return;
    }
    struct guest g;
    volatile uint64_t *count;
    uint64_t ut = which == 3 ? kt_alloc(CV_OBJ_UNTYPED, 16) : 0;
    KT_TRUE(which != 3 || ut, "no untyped");
    guest_set_untyped(ut);
    bool running = counting_guest(&g, &count);
    guest_set_untyped(0);
    if (!running)
        return;
    if (which == 0)
        KT_OK(cv_cnode_delete(KT_CNODE, g.vcpu));
    else if (which == 1)
        KT_OK(cv_cnode_delete(KT_CNODE, g.tcb));
    else if (which == 3)
        KT_OK(cv_cnode_revoke(KT_CNODE, ut));
    if (which == 2) { /* the vspace: still the thread's */
        KT_OK(cv_cnode_delete(KT_CNODE, g.vspace));
        uint64_t before = *count;
        kt_spin_ms(50);
        KT_TRUE(*count - before > 100, "the guest stopped with our vspace cap gone");
        KT_OK(cv_cnode_delete(KT_CNODE, g.tcb)); /* now the last: the vspace goes */
    }
    KT_TRUE(guest_stopped(count), "see above");
}

/* The exit record (abi.h CV_VMEXIT_DA_*): four words in registers, the
 * access decoded (width, direction, register, sign extension, register
 * width), and the kernel completes an emulated load as it says: a
 * sign-extending halfword load into a W register keeps 32 bits, a byte
 * load into an X register all 64. An access without a syndrome says width
 * 0, and an emulated reply to it stops the vCPU. */
static void case_exit_record(void)
{
    static const uint32_t prog[] = {I_LDRSH_W2, I_LDRSB_X3, I_STR_X1_8, I_HVC0, I_LDP_X4_X5};
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(guest_new(&g, prog, sizeof(prog) / sizeof(prog[0]), 0x1122334455667788ull));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_DATA_ABORT);
    uint64_t pc = m[CV_VMEXIT_DA_PC], a = m[CV_VMEXIT_DA_ACCESS];
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA);
    KT_EQ(CV_DA_WIDTH(a), 2);
    KT_EQ(CV_DA_REG(a), 2);
    KT_EQ(a & (CV_DA_WRITE | CV_DA_SIGNED | CV_DA_SF), CV_DA_SIGNED);
    KT_EQ(CV_DA_SYNDROME(a) >> 26, 0x24); /* a data abort from a lower EL */
    guest_reply(CV_FAULT_VM_EMULATED, 0x12348001);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_DATA_ABORT);
    a = m[CV_VMEXIT_DA_ACCESS];
    KT_EQ(m[CV_VMEXIT_DA_PC], pc + 4);
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA + 1);
    KT_EQ(CV_DA_WIDTH(a), 1);
    KT_EQ(CV_DA_REG(a), 3);
    KT_EQ(a & (CV_DA_WRITE | CV_DA_SIGNED | CV_DA_SF), CV_DA_SIGNED | CV_DA_SF);
    guest_reply(CV_FAULT_VM_EMULATED, 0x80);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_DATA_ABORT);
    a = m[CV_VMEXIT_DA_ACCESS];
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA + 8);
    KT_EQ(CV_DA_WIDTH(a), 8);
    KT_EQ(CV_DA_REG(a), 1);
    KT_EQ(a & (CV_DA_WRITE | CV_DA_SIGNED | CV_DA_SF), CV_DA_WRITE | CV_DA_SF);
    KT_EQ(m[CV_VMEXIT_DA_VALUE], 0x1122334455667788ull);
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC); /* MR2.. are x0..x7 */
    KT_EQ(m[2 + 2], 0xffff8001ull);
    KT_EQ(m[2 + 3], 0xffffffffffffff80ull);
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_DATA_ABORT);
    KT_EQ(CV_DA_WIDTH(m[CV_VMEXIT_DA_ACCESS]), 0);
    KT_EQ(m[CV_VMEXIT_DA_IPA], GUEST_DEV_IPA);
    guest_reply(CV_FAULT_VM_EMULATED, 0);
    struct cv_sysret r;
    KT_TRUE(!kt_recv_timeout(g.ep, 20, &r), "an exit after the refused emulation");
}

static void case_delete_vcpu_running(void)
{
    destroy_under_guest(0);
}

static void case_delete_tcb_running(void)
{
    destroy_under_guest(1);
}

static void case_delete_vspace_running(void)
{
    destroy_under_guest(2);
}

static void case_revoke_running(void)
{
    destroy_under_guest(3);
}

void kt_vcpu_tests(void)
{
    kt_run("vcpu.exit_record", case_exit_record);
    kt_run("vcpu.posted_in_order", case_posted_in_order);
    kt_run("vcpu.posted_full", case_posted_full);
    kt_run("vcpu.posted_idle", case_posted_idle);
    kt_run("vcpu.posted_stamps", case_posted_stamps);
    kt_run("vcpu.posted_take_limit", case_posted_take_limit);
    kt_run("vcpu.posted_args", case_posted_args);
    kt_run("vcpu.posted_steady", case_posted_steady);
    kt_run("vcpu.posted_steady_args", case_posted_steady_args);
    kt_run("vcpu.vtimer_direct", case_vtimer_direct);
    kt_run("vcpu.vtimer_exit", case_vtimer_exit);
    kt_run("vcpu.vtimer_in_exit", case_vtimer_in_exit);
    kt_run("vcpu.vtimer_busy", case_vtimer_busy);
    kt_run("vcpu.vtimer_args", case_vtimer_args);
    kt_run("vcpu.invoke_args", case_invoke_args);
    kt_run("vcpu.fpu", case_fpu);
    kt_run("vcpu.tpidrro", case_tpidrro);
    kt_run("vcpu.pstate_kept", case_pstate_kept);
    kt_run("vcpu.unbind_in_wfi", case_unbind_in_wfi);
    kt_run("vcpu.inject_remote", case_inject_remote);
    kt_run("vcpu.delete_vcpu_running", case_delete_vcpu_running);
    kt_run("vcpu.delete_tcb_running", case_delete_tcb_running);
    kt_run("vcpu.delete_vspace_running", case_delete_vspace_running);
    kt_run("vcpu.revoke_untyped_running", case_revoke_running);
    kt_run("vspace.map_pages", case_map_pages);
}
