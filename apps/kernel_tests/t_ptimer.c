/*
 * The EL1 physical timer of a vCPU (kernel/arch/aarch64/vcpu.c,
 * kernel/src/vcpu.c): the guest reaches CNTP_CTL/CVAL/TVAL without an
 * exit, each vCPU has its own (native threads reach none), and the kernel
 * injects its interrupt (INTID 30 on QEMU virt) into the kernel's list
 * register once the count reaches the compare value, not before, and not
 * for a disabled, masked or future timer. Timer registers: ARM ARM D11.2,
 * D17.2 (CNTP_CTL_EL0, CNTP_CVAL_EL0).
 */
#include <string.h>

#include "guest.h"

#define PTIMER_INTID 30u
#define VTIMER_INTID 27u
#define TIMER_PRIO   0xa0u
#define CTL_ENABLE   1u
#define CTL_IMASK    2u
#define CTL_RW       3u
/* the guest's IRQ vector: VBAR_EL1 + 0x280 (current EL, SPx) */
#define VBAR_OFF    0x800u
#define HANDLER_OFF (VBAR_OFF + 0x280u)
#define HANDLER_IPA (GUEST_CODE_IPA + HANDLER_OFF)
/* GICH_VMCR / ICH_VMCR_EL2 (GICv2 5.3.5, GICv3 12.4.9): priority mask
 * 0xf8, both groups enabled: the same bits in either */
#define VMCR_ON 0xf8000003ull

/* A64 encodings (ARM ARM C6) */
#define I_MRS_X2_CNTPCT    0xd53be022u /* mrs x2, cntpct_el0 */
#define I_MRS_X4_CNTPCT    0xd53be024u /* mrs x4, cntpct_el0 */
#define I_ADD_X2_1MS       0x91404042u /* add x2, x2, #16, lsl #12: 1 ms at 62.5 MHz */
#define I_ADD_X2_16MS      0x91440042u /* add x2, x2, #0x100, lsl #12 */
#define I_ADD_X2_X5        0x8b050042u /* add x2, x2, x5 */
#define I_ADD_X6_X2_X7     0x8b070046u /* add x6, x2, x7 */
#define I_CMP_X4_X6        0xeb06009fu /* cmp x4, x6 */
#define I_B_LO_BACK2       0x54ffffc3u /* b.lo .-8 */
#define I_MSR_CNTP_CVAL_X1 0xd51be241u /* msr cntp_cval_el0, x1 */
#define I_MSR_CNTP_CVAL_X2 0xd51be242u /* msr cntp_cval_el0, x2 */
#define I_MSR_CNTP_CTL_X1  0xd51be221u /* msr cntp_ctl_el0, x1 */
#define I_MSR_CNTP_CTL_X3  0xd51be223u /* msr cntp_ctl_el0, x3 */
#define I_MRS_X3_CNTP_CTL  0xd53be223u /* mrs x3, cntp_ctl_el0 */
#define I_MRS_X4_CNTP_CTL  0xd53be224u /* mrs x4, cntp_ctl_el0 */
#define I_MRS_X3_CNTP_CVAL 0xd53be243u /* mrs x3, cntp_cval_el0 */
#define I_MRS_X4_CNTP_CVAL 0xd53be244u /* mrs x4, cntp_cval_el0 */
#define I_MRS_X5_CNTP_TVAL 0xd53be205u /* mrs x5, cntp_tval_el0 */
#define I_MOV_X3_1         0xd2800023u /* mov x3, #1 */
#define I_MOV_X3_3         0xd2800063u /* mov x3, #3 */
#define I_MSR_DAIFCLR_I    0xd50342ffu /* msr daifclr, #2: IRQs on */
#define I_MRS_X2_CNTVCT    0xd53be042u /* mrs x2, cntvct_el0 */
#define I_MSR_CNTV_CVAL_X2 0xd51be342u /* msr cntv_cval_el0, x2 */
#define I_MSR_CNTV_CTL_X3  0xd51be323u /* msr cntv_ctl_el0, x3 */
#define I_MRS_X5_IAR1      0xd538cc05u /* mrs x5, icc_iar1_el1 */
#define I_CMP_X5_1023      0xf10ffcbfu /* cmp x5, #0x3ff (spurious) */
#define I_MSR_EOIR1_X5     0xd518cc25u /* msr icc_eoir1_el1, x5 */
#define I_MRS_X6_IAR1      0xd538cc06u /* mrs x6, icc_iar1_el1 */
#define I_CMP_X6_1023      0xf10ffcdfu /* cmp x6, #0x3ff */
#define I_B_EQ_BACK3       0x54ffffa0u /* b.eq .-12 */
#define I_CMP_X5_30        0xf10078bfu /* cmp x5, #30 */
#define I_B_NE_FWD3        0x54000061u /* b.ne .+12 */
#define I_MSR_CNTP_CTL_XZR 0xd51be23fu /* msr cntp_ctl_el0, xzr */
#define I_B_FWD2           0x14000002u /* b .+8 */
#define I_MSR_CNTV_CTL_XZR 0xd51be33fu /* msr cntv_ctl_el0, xzr */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3fu)
#define EC_SYSREG          0x18u

/* The IRQ handler: x4 = the count when it was taken, then hvc. */
static const uint32_t handler[] = {I_MRS_X4_CNTPCT, I_HVC0, I_B_SELF};

/** Sets `count` VCPU registers from `first` (abi.h enum cv_vcpu_reg). */
static enum cv_err set_regs(const struct guest *g, uint64_t first, uint64_t count,
                            const uint64_t *values)
{
    uint64_t args[2 + 4] = {first, count};
    if (count > 4)
        return CV_E_INVALID_ARG;
    memcpy(&args[2], values, count * sizeof(uint64_t));
    return cv_invoke(g->vcpu, CV_OP_VCPU_WRITE_REGS, args, 2 + count, NULL, 0);
}

/** The kernel injects the physical timer as INTID 30, Group 1 (what GICv3 needs). */
static enum cv_err deliver_ptimer(const struct guest *g)
{
    const uint64_t arg[3] = {PTIMER_INTID, TIMER_PRIO, CV_INJECT_GROUP1 | CV_TIMER_PHYS};
    return cv_invoke(g->vcpu, CV_OP_VCPU_SET_VTIMER, arg, 3, NULL, 0);
}

/** A guest that takes interrupts: the handler above, its CPU interface on. */
static bool irq_guest(struct guest *g, const uint32_t *prog, unsigned n)
{
    const uint64_t vbar = GUEST_CODE_IPA + VBAR_OFF, vmcr = VMCR_ON;
    if (!guest_new(g, prog, n, 0))
        return false;
    guest_put(g, HANDLER_OFF, handler, sizeof(handler) / sizeof(handler[0]));
    enum cv_err err = set_regs(g, CV_VCPU_VBAR, 1, &vbar);
    if (err == CV_OK)
        err = set_regs(g, CV_VCPU_GICH_VMCR, 1, &vmcr);
    if (err == CV_OK)
        err = deliver_ptimer(g);
    if (err != CV_OK)
        kt_failf("interrupt set-up: %s", cv_err_str(err));
    return err == CV_OK;
}

/** Starts a guest running prog with the timer delivered: its first exit's label, 0 on failure. */
static uint64_t run_guest(struct guest *g, const uint32_t *prog, unsigned n,
                          uint64_t m[CV_VMEXIT_MSG_LEN])
{
    if (!guest_new(g, prog, n, 0))
        return 0;
    enum cv_err err = deliver_ptimer(g);
    if (err == CV_OK)
        err = cv_tcb_resume(g->tcb);
    if (err != CV_OK) {
        kt_failf("starting the guest: %s", cv_err_str(err));
        return 0;
    }
    return guest_next_exit(g, m);
}

/** Sets x[i] of a guest not started yet. */
static enum cv_err set_x(const struct guest *g, unsigned i, uint64_t value)
{
    struct cv_user_regs regs;
    enum cv_err err = cv_tcb_read_regs(g->tcb, &regs);
    regs.x[i] = value;
    return err == CV_OK ? cv_tcb_write_regs(g->tcb, &regs) : err;
}

/** INJECT_IRQ of the physical timer's INTID: CV_E_BUSY while the kernel's LR holds it. */
static enum cv_err inject_ptimer(const struct guest *g)
{
    const uint64_t irq[4] = {PTIMER_INTID, TIMER_PRIO, (uint64_t)-1, CV_INJECT_GROUP1};
    return cv_invoke(g->vcpu, CV_OP_VCPU_INJECT_IRQ, irq, 4, NULL, 0);
}

/* The guest reads and writes the timer's registers without an exit (it
 * used to be stopped: a trapped read of S3_3_C14_C2_1), sees what its VMM
 * wrote (WRITE_REGS) and its VMM sees what it wrote (READ_REGS). */
static const uint32_t regs_prog[] = {I_MRS_X3_CNTP_CTL, I_MRS_X4_CNTP_CVAL, I_MSR_CNTP_CVAL_X1,
                                     I_MRS_X5_CNTP_TVAL, I_HVC0};

static void case_ptimer_regs(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN], got[2] = {0, 0};
    const uint64_t set[2] = {CTL_IMASK, 0x123456789abcull}, mine = 0xfedcba9876543210ull;
    const uint64_t get[2] = {CV_VCPU_CNTP_CTL, 2}, bad[3] = {PTIMER_INTID, 0, 8};
    KT_NONZERO(guest_new(&g, regs_prog, sizeof(regs_prog) / sizeof(regs_prog[0]), mine));
    KT_OK(set_regs(&g, CV_VCPU_CNTP_CTL, 2, set));
    KT_ERR(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, bad, 3, NULL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_tcb_resume(g.tcb));
    uint64_t label = guest_next_exit(&g, m);
    KT_TRUE(label != CV_FAULT_VM_SYSREG, "trapped: esr 0x%llx at pc 0x%llx",
            (unsigned long long)m[1], (unsigned long long)m[0]);
    KT_EQ(label, CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 3] & CTL_RW, CTL_IMASK);
    KT_EQ(m[2 + 4], set[1]);
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_READ_REGS, get, 2, got, 2));
    KT_EQ(got[0] & CTL_RW, CTL_IMASK);
    KT_EQ(got[1], mine);
}

/* Due 1 ms after the guest set it, with IRQs unmasked and the guest
 * spinning: its handler runs, at a count at or past the compare value,
 * and the interrupt is INTID 30 in the kernel's list register (INJECT_IRQ
 * of it is refused: the guest took it but did not acknowledge it). */
static const uint32_t fires_prog[] = {I_MRS_X2_CNTPCT, I_ADD_X2_1MS,      I_MSR_CNTP_CVAL_X2,
                                      I_MOV_X3_1,      I_MSR_CNTP_CTL_X3, I_MSR_DAIFCLR_I};

static void case_ptimer_fires(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_NONZERO(irq_guest(&g, fires_prog, sizeof(fires_prog) / sizeof(fires_prog[0])));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], HANDLER_IPA + 8);
    KT_TRUE(m[2 + 4] >= m[2 + 2], "taken at count 0x%llx, before the compare value 0x%llx",
            (unsigned long long)m[2 + 4], (unsigned long long)m[2 + 2]);
    KT_ERR(inject_ptimer(&g), CV_E_BUSY);
}

/* A WFI with the timer due 16 ms later (IRQs masked) waits for it: the
 * kernel's own timer wakes the vCPU at the compare value, and the
 * interrupt is then pending in the kernel's list register. */
static const uint32_t wfi_prog[] = {
    I_MRS_X2_CNTPCT,   I_ADD_X2_16MS, I_MSR_CNTP_CVAL_X2, I_MOV_X3_1,
    I_MSR_CNTP_CTL_X3, I_WFI,         I_MRS_X4_CNTPCT,    I_HVC0};

static void case_ptimer_wfi(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_EQ(run_guest(&g, wfi_prog, sizeof(wfi_prog) / sizeof(wfi_prog[0]), m), CV_FAULT_VM_HVC);
    KT_TRUE(m[2 + 4] >= m[2 + 2], "the WFI ended at 0x%llx, before the compare value 0x%llx",
            (unsigned long long)m[2 + 4], (unsigned long long)m[2 + 2]);
    KT_ERR(inject_ptimer(&g), CV_E_BUSY);
}

/* Due while the guest waits in an exit: it fires in native mode (its PPI
 * is turned off there) and is delivered when the guest runs again: its
 * WFI completes. */
static const uint32_t in_exit_prog[] = {
    I_MRS_X2_CNTPCT, I_ADD_X2_1MS, I_MSR_CNTP_CVAL_X2, I_MOV_X3_1, I_MSR_CNTP_CTL_X3, I_HVC0,
    I_WFI,           I_HVC0};

static void case_ptimer_in_exit(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    KT_EQ(run_guest(&g, in_exit_prog, sizeof(in_exit_prog) / sizeof(in_exit_prog[0]), m),
          CV_FAULT_VM_HVC);
    uint64_t pc = m[0];
    kt_spin_ms(30); /* as vcpu.vtimer_in_exit: the timer fires meanwhile */
    guest_reply(CV_FAULT_RESUME, 0);
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], pc + 8); /* past the WFI */
    KT_ERR(inject_ptimer(&g), CV_E_BUSY);
}

/* With IRQs unmasked the guest sets the timer from x1 (CTL) and x5 (the
 * compare value's distance from now) and spins for x7 ticks, then hvc. */
static const uint32_t quiet_prog[] = {
    I_MRS_X2_CNTPCT, I_ADD_X6_X2_X7,  I_ADD_X2_X5, I_MSR_CNTP_CVAL_X2, I_MSR_CNTP_CTL_X1,
    I_MSR_DAIFCLR_I, I_MRS_X4_CNTPCT, I_CMP_X4_X6, I_B_LO_BACK2,       I_HVC0};

/* A disabled timer whose compare value has passed, an enabled one masked
 * by IMASK, and one whose compare value is far ahead: none interrupts the
 * guest in 5 ms, and the kernel's list register stays empty. */
static void case_ptimer_quiet(void)
{
    const uint64_t cases[3][2] = {{0, 0}, {CTL_ENABLE | CTL_IMASK, 0}, {CTL_ENABLE, 1ull << 40}};
    const unsigned n = sizeof(quiet_prog) / sizeof(quiet_prog[0]);
    for (unsigned i = 0; i < 3; i++) {
        struct guest g;
        uint64_t m[CV_VMEXIT_MSG_LEN];
        KT_NONZERO(irq_guest(&g, quiet_prog, n));
        KT_OK(set_x(&g, 1, cases[i][0]));
        KT_OK(set_x(&g, 5, cases[i][1]));
        KT_OK(set_x(&g, 7, kt_ticks_ms(5)));
        KT_OK(cv_tcb_resume(g.tcb));
        KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
        KT_TRUE(m[0] == GUEST_CODE_IPA + n * sizeof(uint32_t), "case %u: interrupted (pc 0x%llx)",
                i, (unsigned long long)m[0]);
        KT_OK(inject_ptimer(&g)); /* not in the kernel's LR */
    }
}

/* Two vCPUs on one core and a native thread there: B reads its own timer
 * (reset: 0), not A's, though A's values are in the core's registers, and
 * B's VMM reads what B wrote; A finds its own again after B ran. The
 * native thread's read of CNTP_CVAL_EL0 traps (CNTKCTL_EL1.EL0PTEN clear):
 * an undefined-instruction fault, no value. (Taking its fault drops our
 * reply to A: A is suspended after its hvc, and resumed from there.) */
static const uint32_t iso_a_prog[] = {
    I_MSR_CNTP_CVAL_X1, I_MOV_X3_3, I_MSR_CNTP_CTL_X3, I_HVC0, I_MRS_X3_CNTP_CVAL,
    I_MRS_X4_CNTP_CTL,  I_HVC0};
static const uint32_t iso_b_prog[] = {I_MRS_X3_CNTP_CVAL, I_MRS_X4_CNTP_CTL, I_MSR_CNTP_CVAL_X1,
                                      I_HVC0};

static void h_read_cntp(struct kt_thread *t)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_cval_el0" : "=r"(v));
    t->out[0] = v;
}

/** A native thread on `core` reads CNTP_CVAL_EL0: it must fault, a system register trap. */
static void native_read_faults(unsigned core)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    struct cv_sysret r;
    KT_NONZERO(ep);
    KT_THREAD(t, h_read_cntp, KT_MAIN_PRIO + 10, ep);
    KT_OK(cv_tcb_set_affinity(t->tcb, core));
    KT_OK(kt_thread_start(t));
    KT_TRUE(kt_recv_timeout(ep, 1000, &r), "the native thread did not fault (read 0x%llx)",
            (unsigned long long)t->out[0]);
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_UNDEFINED);
    KT_EQ(ESR_EC(r.mr[2]), EC_SYSREG);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
}

static void case_ptimer_isolation(void)
{
    struct guest a, b;
    uint64_t m[CV_VMEXIT_MSG_LEN], got = 0;
    const uint64_t secret_a = 0x5ec4e7a000000001ull, secret_b = 0x5ec4e7b000000002ull;
    const uint64_t get[2] = {CV_VCPU_CNTP_CVAL, 1};
    unsigned core = 0;
    KT_OK(cv_tcb_get_core(KT_TCB, &core));
    KT_NONZERO(guest_new(&a, iso_a_prog, sizeof(iso_a_prog) / sizeof(iso_a_prog[0]), secret_a));
    KT_NONZERO(guest_new(&b, iso_b_prog, sizeof(iso_b_prog) / sizeof(iso_b_prog[0]), secret_b));
    KT_OK(cv_tcb_set_affinity(a.tcb, core));
    KT_OK(cv_tcb_set_affinity(b.tcb, core));
    KT_OK(cv_tcb_resume(a.tcb));
    KT_EQ(guest_next_exit(&a, m), CV_FAULT_VM_HVC); /* A's timer is set */
    uint64_t pc = m[0];
    native_read_faults(core);
    KT_NONZERO(!kt.case_failed);
    KT_OK(cv_tcb_resume(b.tcb));
    KT_EQ(guest_next_exit(&b, m), CV_FAULT_VM_HVC);
    KT_EQ(m[2 + 3], 0); /* B's compare value, not A's */
    KT_EQ(m[2 + 4] & CTL_RW, 0);
    KT_OK(cv_invoke(b.vcpu, CV_OP_VCPU_READ_REGS, get, 2, &got, 1));
    KT_EQ(got, secret_b);
    KT_OK(cv_tcb_resume(a.tcb));
    KT_EQ(guest_next_exit(&a, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], pc + 12);
    KT_EQ(m[2 + 3], secret_a);
    KT_EQ(m[2 + 4] & CTL_RW, CTL_ENABLE | CTL_IMASK);
}

/* Without an INTID (the guest has its PPI disabled) the timer is not
 * delivered and makes no exit: the guest spins 5 ms past its compare value
 * untouched. Once its VMM names the INTID (SET_VTIMER) it is delivered,
 * still due: the guest's handler runs. */
static const uint32_t undelivered_prog[] = {
    I_MRS_X2_CNTPCT, I_MSR_CNTP_CVAL_X2, I_MOV_X3_1,  I_MSR_CNTP_CTL_X3, I_MSR_DAIFCLR_I,
    I_ADD_X6_X2_X7,  I_MRS_X4_CNTPCT,    I_CMP_X4_X6, I_B_LO_BACK2,      I_HVC0};

static void case_ptimer_undelivered(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    const uint64_t none[3] = {0, 0, CV_TIMER_PHYS};
    const unsigned n = sizeof(undelivered_prog) / sizeof(undelivered_prog[0]);
    KT_NONZERO(irq_guest(&g, undelivered_prog, n));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, none, 3, NULL, 0));
    KT_OK(set_x(&g, 7, kt_ticks_ms(5)));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], GUEST_CODE_IPA + n * sizeof(uint32_t)); /* not interrupted */
    KT_OK(deliver_ptimer(&g));
    guest_reply(CV_FAULT_RESUME, 0); /* on to its `b .` */
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    KT_EQ(m[0], HANDLER_IPA + 8);
}

/* Both timers due at once share the kernel's list register: one is
 * delivered, the other once the guest has EOI'd the first (which it turns
 * off first: a level interrupt still asserted would come again). Needs a
 * GICv3 (the guest acknowledges through its ICC registers); on a GICv2 it
 * would need the GICV frame mapped. */
static const uint32_t shared_prog[] = {I_MRS_X2_CNTPCT,   I_MSR_CNTP_CVAL_X2,
                                       I_MOV_X3_1,        I_MSR_CNTP_CTL_X3,
                                       I_MRS_X2_CNTVCT,   I_MSR_CNTV_CVAL_X2,
                                       I_MSR_CNTV_CTL_X3, I_WFI,
                                       I_MRS_X5_IAR1,     I_CMP_X5_1023,
                                       I_B_EQ_BACK3,      I_CMP_X5_30,
                                       I_B_NE_FWD3,       I_MSR_CNTP_CTL_XZR,
                                       I_B_FWD2,          I_MSR_CNTV_CTL_XZR,
                                       I_MSR_EOIR1_X5,    I_WFI,
                                       I_MRS_X6_IAR1,     I_CMP_X6_1023,
                                       I_B_EQ_BACK3,      I_HVC0};

static void case_ptimer_shared_lr(void)
{
    struct guest g;
    uint64_t m[CV_VMEXIT_MSG_LEN];
    const uint64_t vmcr = VMCR_ON, vtimer[3] = {VTIMER_INTID, TIMER_PRIO, CV_INJECT_GROUP1};
    if (cv_comp_info()->gic_version != 3) {
        kt_skipf("GICv2: the guest cannot acknowledge without a GICV mapping");
        return;
    }
    KT_NONZERO(guest_new(&g, shared_prog, sizeof(shared_prog) / sizeof(shared_prog[0]), 0));
    KT_OK(set_regs(&g, CV_VCPU_GICH_VMCR, 1, &vmcr));
    KT_OK(deliver_ptimer(&g));
    KT_OK(cv_invoke(g.vcpu, CV_OP_VCPU_SET_VTIMER, vtimer, 3, NULL, 0));
    KT_OK(cv_tcb_resume(g.tcb));
    KT_EQ(guest_next_exit(&g, m), CV_FAULT_VM_HVC);
    uint64_t first = m[2 + 5], second = m[2 + 6];
    KT_TRUE((first == PTIMER_INTID && second == VTIMER_INTID) ||
                (first == VTIMER_INTID && second == PTIMER_INTID),
            "acknowledged INTIDs %llu then %llu", (unsigned long long)first,
            (unsigned long long)second);
}

void kt_ptimer_tests(void)
{
    kt_run("ptimer.regs", case_ptimer_regs);
    kt_run("ptimer.fires", case_ptimer_fires);
    kt_run("ptimer.wfi", case_ptimer_wfi);
    kt_run("ptimer.in_exit", case_ptimer_in_exit);
    kt_run("ptimer.quiet", case_ptimer_quiet);
    kt_run("ptimer.isolation", case_ptimer_isolation);
    kt_run("ptimer.undelivered", case_ptimer_undelivered);
    kt_run("ptimer.shared_lr", case_ptimer_shared_lr);
}
