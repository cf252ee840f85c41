/*
 * conform: the cases (conform.h). Each checks one thing the virtual CPU
 * must do as the architecture says (ARM ARM), or as capvisor documents it
 * does instead (docs/vmm.md "What the virtual CPU advertises"). Groups:
 * id (ID registers), pmu (hidden: its registers UNDEF), debug (a vCPU's
 * own breakpoints, watchpoints and single-step), abort (accesses and
 * fetches where nothing is mapped), timer (the EL1 timers' interrupts,
 * timer.c), smp (PSCI on the other vCPUs; SGIs between them, ipi.c) and
 * psci (CPU_ON's errors and races, power.c).
 */
#include "conform.h"
#include "uart.h"

/* An IPA nothing backs in apps/vm_conform's VM: the first virtio-mmio
 * slot (libvmm machine.h), which has no device there. */
#define UNBACKED 0x0a000000ul

#define EC_UNKNOWN   0x00u /* an UNDEFINED instruction */
#define EC_IABT_CUR  0x21u /* instruction abort without a change of level */
#define EC_DABT_CUR  0x25u /* data abort without a change of level */
#define FSC_SEA      0x10u /* synchronous external abort */
#define PSCI_AFF_OFF 1u    /* AFFINITY_INFO: the vCPU is off */
#define EC_BKPT_CUR  0x31u /* breakpoint without a change of level */
#define EC_STEP_CUR  0x33u /* software step without a change of level */
#define EC_WATCH_CUR 0x35u /* watchpoint without a change of level */
#define ISS_WNR      (1ull << 6)
/* ARM ARM D19.2: OSLSR_EL1.OSLK; MDSCR_EL1 SS, KDE, MDE; DBGBCR: BAS 0xf,
 * PMC EL1, E; DBGWCR: BAS 0xff (8 bytes), LSC store, PAC EL1, E. */
#define OSLSR_OSLK  2u
#define MDSCR_SS    1ull
#define MDSCR_KDE   (1ull << 13)
#define MDSCR_MDE   (1ull << 15)
#define DBGBCR_EL1  0x1e3ull
#define DBGWCR_EL1S 0x1ff3ull

#define ID_FIELD(v, shift) ((uint32_t)((v) >> (shift)) & 0xfu)

uint64_t conform_load(uint64_t addr);
void conform_store(uint64_t addr, uint64_t value);
void conform_nop(void);
uint64_t conform_step(uint64_t x);
extern const char conform_stepped[];
void conform_call(uint64_t addr);
void conform_secondary_main(uint64_t index);

/** An ID register the kernel answers (HCR_EL2.TID3). */
#define READ_ID(reg)                                                                               \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })

/*
 * The PMU is hidden (docs/vmm.md): ID_AA64DFR0_EL1.PMUVer is 0, and so
 * are the fields of PMU features (PMSS, MTPMU, HPMN0), and the AArch32
 * view ID_DFR0_EL1.PerfMon agrees.
 */
static struct conform_result id_dfr0_no_pmu(void)
{
    uint64_t dfr0 = READ_ID(id_aa64dfr0_el1);
    if (ID_FIELD(dfr0, 8)) {
        conform_got(dfr0);
        return CONFORM_FAILED("ID_AA64DFR0_EL1.PMUVer is not 0");
    }
    if (ID_FIELD(dfr0, 16) || ID_FIELD(dfr0, 48) || ID_FIELD(dfr0, 60)) {
        conform_got(dfr0);
        return CONFORM_FAILED("ID_AA64DFR0_EL1 shows a PMU feature (PMSS, MTPMU or HPMN0)");
    }
    uint64_t a32 = READ_ID(id_dfr0_el1);
    if (ID_FIELD(a32, 24)) {
        conform_got(a32);
        return CONFORM_FAILED("ID_DFR0_EL1.PerfMon is not 0");
    }
    return CONFORM_PASS;
}

/* The debug fields beside PMUVer keep what an ARMv8.0 CPU must have:
 * DebugVer at least 6 (ARMv8 debug), 2 to 16 breakpoints and watchpoints. */
static struct conform_result id_dfr0_debug(void)
{
    uint64_t dfr0 = READ_ID(id_aa64dfr0_el1);
    conform_got(dfr0);
    if (ID_FIELD(dfr0, 0) < 6)
        return CONFORM_FAILED("DebugVer below ARMv8's 6");
    if (ID_FIELD(dfr0, 12) < 1 || ID_FIELD(dfr0, 20) < 1)
        return CONFORM_FAILED("fewer than 2 breakpoints or watchpoints");
    return CONFORM_PASS;
}

/**
 * Calls the access function fn (its access is its first instruction) and
 * checks it took an UNDEF there: one exception, EC 0, IL 1, ELR = fn.
 * NULL if so, else why not.
 */
static const char *undef_at(void (*fn)(void))
{
    conform_exc_clear();
    fn();
    if (conform_exc.count == 0)
        return "no exception";
    conform_got(conform_exc.esr);
    if (conform_exc.count != 1)
        return "more than one exception";
    if (ESR_EC(conform_exc.esr) != EC_UNKNOWN || !(conform_exc.esr & ESR_IL))
        return "not an UNDEF (EC 0, IL 1)";
    conform_got(conform_exc.elr);
    if (conform_exc.elr != (uint64_t)fn)
        return "ELR_EL1 is not the access";
    return 0;
}

/* head.S: one PMU register access each. */
#define PMU_REGS(X)                                                                                \
    X(rd, pmcr)                                                                                    \
    X(rd, pmcntenset)                                                                              \
    X(rd, pmcntenclr)                                                                              \
    X(rd, pmovsclr)                                                                                \
    X(rd, pmselr)                                                                                  \
    X(rd, pmceid0)                                                                                 \
    X(rd, pmceid1)                                                                                 \
    X(rd, pmccntr)                                                                                 \
    X(rd, pmxevtyper)                                                                              \
    X(rd, pmxevcntr)                                                                               \
    X(rd, pmuserenr)                                                                               \
    X(rd, pmintenset)                                                                              \
    X(rd, pmintenclr)                                                                              \
    X(rd, pmovsset)                                                                                \
    X(rd, pmevcntr0)                                                                               \
    X(rd, pmevtyper0)                                                                              \
    X(rd, pmccfiltr)                                                                               \
    X(wr, pmcr)                                                                                    \
    X(wr, pmcntenset)                                                                              \
    X(wr, pmcntenclr)                                                                              \
    X(wr, pmovsclr)                                                                                \
    X(wr, pmswinc)                                                                                 \
    X(wr, pmselr)                                                                                  \
    X(wr, pmccntr)                                                                                 \
    X(wr, pmxevtyper)                                                                              \
    X(wr, pmxevcntr)                                                                               \
    X(wr, pmuserenr)                                                                               \
    X(wr, pmintenset)                                                                              \
    X(wr, pmintenclr)                                                                              \
    X(wr, pmovsset)                                                                                \
    X(wr, pmevcntr0)                                                                               \
    X(wr, pmevtyper0)                                                                              \
    X(wr, pmccfiltr)
#define PMU_DECLARE(dir, reg) void conform_pmu_##dir##_##reg(void);
PMU_REGS(PMU_DECLARE)

/* A PMCCNTR_EL0 read UNDEFs at the MRS (a hidden PMU: no counter). */
static struct conform_result pmu_pmccntr_read(void)
{
    const char *why = undef_at(conform_pmu_rd_pmccntr);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/* A PMCR_EL0 write UNDEFs at the MSR. */
static struct conform_result pmu_pmcr_write(void)
{
    const char *why = undef_at(conform_pmu_wr_pmcr);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/* Every PMU register, read and written (PMSWINC only written), UNDEFs. */
static struct conform_result pmu_all_undef(void)
{
#define PMU_FN(dir, reg) conform_pmu_##dir##_##reg,
    static void (*const fns[])(void) = {PMU_REGS(PMU_FN)};
    for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        const char *why = undef_at(fns[i]);
        if (why) {
            conform_got((uint64_t)fns[i]);
            return CONFORM_FAILED("the PMU access at the address got did not UNDEF");
        }
    }
    return CONFORM_PASS;
}

/* A load from an unbacked IPA (unbacked-access = "abort"): a synchronous
 * external abort, EC 0x25, DFSC 0x10, at the load. */
static struct conform_result abort_data_unbacked(void)
{
    conform_load(UNBACKED);
    if (conform_exc.count != 1)
        return CONFORM_FAILED("not exactly one exception");
    conform_got(conform_exc.esr);
    if (ESR_EC(conform_exc.esr) != EC_DABT_CUR || ESR_FSC(conform_exc.esr) != FSC_SEA)
        return CONFORM_FAILED("not a synchronous external data abort (EC 0x25, DFSC 0x10)");
    conform_got(conform_exc.elr);
    if (conform_exc.elr != (uint64_t)conform_load)
        return CONFORM_FAILED("ELR_EL1 is not the load");
    return CONFORM_PASS;
}

/*
 * A BLR to an unbacked IPA: a synchronous external instruction abort at
 * the target (EC 0x21, IFSC 0x10, FnV 0, FAR_EL1 = ELR_EL1 = the target);
 * the handler returns to the caller (ret_lr) and the suite goes on.
 */
static struct conform_result abort_insn_unbacked(void)
{
    conform_exc.ret_lr = 1;
    conform_call(UNBACKED);
    if (conform_exc.count != 1)
        return CONFORM_FAILED("not exactly one exception");
    conform_got(conform_exc.esr);
    if (ESR_EC(conform_exc.esr) != EC_IABT_CUR || ESR_FSC(conform_exc.esr) != FSC_SEA ||
        !(conform_exc.esr & ESR_IL))
        return CONFORM_FAILED("not a synchronous external instruction abort (EC 0x21, IFSC 0x10)");
    if (conform_exc.esr & ESR_FNV)
        return CONFORM_FAILED("FAR_EL1 marked not valid (FnV)");
    conform_got(conform_exc.elr);
    if (conform_exc.elr != UNBACKED)
        return CONFORM_FAILED("ELR_EL1 is not the branch target");
    conform_got(conform_exc.far);
    if (conform_exc.far != UNBACKED)
        return CONFORM_FAILED("FAR_EL1 is not the branch target");
    return CONFORM_PASS;
}

#define SYSREG_RD(reg)    READ_ID(reg)
#define SYSREG_WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" : : "r"((uint64_t)(v)))
/* EL1 debug exceptions on (MDSCR_EL1.KDE, MDE; PSTATE.D clear) or off. */
#define DEBUG_ON(mdscr)                                                                            \
    do {                                                                                           \
        SYSREG_WR(mdscr_el1, mdscr);                                                               \
        __asm__ volatile("msr daifclr, #8");                                                       \
    } while (0)
#define DEBUG_OFF()                                                                                \
    do {                                                                                           \
        __asm__ volatile("msr daifset, #8");                                                       \
        SYSREG_WR(mdscr_el1, 0);                                                                   \
    } while (0)

/* The OS lock is set at reset (OSLSR_EL1.OSLK 1, ARM ARM D19.2) and an
 * OSLAR_EL1 write of 0 clears it, as Linux does before using debug. */
static struct conform_result debug_os_lock(void)
{
    uint64_t oslsr = SYSREG_RD(oslsr_el1);
    conform_got(oslsr);
    if (!(oslsr & OSLSR_OSLK))
        return CONFORM_FAILED("OSLSR_EL1.OSLK is not set at reset");
    SYSREG_WR(oslar_el1, 0);
    oslsr = SYSREG_RD(oslsr_el1);
    conform_got(oslsr);
    return (oslsr & OSLSR_OSLK) ? CONFORM_FAILED("OSLAR_EL1 did not clear the OS lock")
                                : CONFORM_PASS;
}

/* Checks the one debug exception a case provoked: its EC and ELR_EL1. */
static const char *debug_taken(uint32_t ec, uint64_t elr)
{
    if (conform_exc.count != 1)
        return conform_exc.count ? "more than one exception" : "no debug exception";
    conform_got(conform_exc.esr);
    if (ESR_EC(conform_exc.esr) != ec)
        return "not the debug exception class expected";
    conform_got(conform_exc.elr);
    return conform_exc.elr == elr ? 0 : "ELR_EL1 is not the instruction";
}

/* A hardware breakpoint (DBGBVR0/DBGBCR0_EL1) on a function at EL1 with
 * MDSCR_EL1.KDE: a breakpoint exception at its first instruction (EC 0x31). */
static struct conform_result debug_breakpoint(void)
{
    SYSREG_WR(dbgbvr0_el1, (uint64_t)conform_nop);
    SYSREG_WR(dbgbcr0_el1, DBGBCR_EL1);
    conform_exc_clear();
    DEBUG_ON(MDSCR_MDE | MDSCR_KDE);
    conform_nop();
    DEBUG_OFF();
    SYSREG_WR(dbgbcr0_el1, 0);
    const char *why = debug_taken(EC_BKPT_CUR, (uint64_t)conform_nop);
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/* A watchpoint (DBGWVR0/DBGWCR0_EL1) on a variable's stores: the store
 * takes a watchpoint exception (EC 0x35, WnR, FAR_EL1 = the variable)
 * before it writes (the handler steps over it). */
static volatile uint64_t debug_watched;
static struct conform_result debug_watchpoint(void)
{
    uint64_t addr = (uint64_t)&debug_watched;
    debug_watched = 1;
    SYSREG_WR(dbgwvr0_el1, addr);
    SYSREG_WR(dbgwcr0_el1, DBGWCR_EL1S);
    conform_exc_clear();
    DEBUG_ON(MDSCR_MDE | MDSCR_KDE);
    conform_store(addr, 2);
    DEBUG_OFF();
    SYSREG_WR(dbgwcr0_el1, 0);
    const char *why = debug_taken(EC_WATCH_CUR, (uint64_t)conform_store);
    if (why)
        return CONFORM_FAILED(why);
    conform_got(conform_exc.far);
    if (conform_exc.far != addr)
        return CONFORM_FAILED("FAR_EL1 is not the watched variable");
    if (!(conform_exc.esr & ISS_WNR))
        return CONFORM_FAILED("ESR_EL1.WnR does not say a write");
    return debug_watched == 1 ? CONFORM_PASS : CONFORM_FAILED("the store was done");
}

/* Software step at EL1 (MDSCR_EL1.SS and KDE, SPSR_EL1.SS by an ERET):
 * exactly one instruction runs, then a step exception (EC 0x33) at the
 * next. PSTATE.D stays set until the ERET: clearing it with MDSCR_EL1.SS
 * and PSTATE.SS 0 would step at once (active-pending, ARM ARM D2.12). */
static struct conform_result debug_step(void)
{
    conform_exc_clear();
    SYSREG_WR(mdscr_el1, MDSCR_KDE | MDSCR_SS); /* PSTATE.D set: not yet */
    uint64_t x = conform_step(0);
    DEBUG_OFF();
    const char *why = debug_taken(EC_STEP_CUR, (uint64_t)conform_stepped);
    if (why)
        return CONFORM_FAILED(why);
    conform_got(x);
    return x == 2 ? CONFORM_PASS : CONFORM_FAILED("the stepped code did not run once");
}

/*
 * Breakpoint and watchpoint values (not enabled) are each vCPU's own and
 * outlive exits: vCPU 0's are there after an exit (a PSCI call), vCPU 1
 * (on vCPU 0's core in smp1) reads its own, not vCPU 0's, and vCPU 0's
 * are there again after vCPU 1 ran. The kernel switches them only for a
 * vCPU that touches them (docs/vmm.md), which each read here does.
 */
#define DEBUG_OWN_BVR 0x4a5a1000ull
#define DEBUG_OWN_WVR 0x4b5b2000ull
static volatile uint64_t debug_own_seen[2];
static volatile int debug_own_mode, debug_own_done;

static const char *debug_own_check(const char *why)
{
    uint64_t b = SYSREG_RD(dbgbvr1_el1), w = SYSREG_RD(dbgwvr1_el1);
    conform_got(b);
    return b == DEBUG_OWN_BVR && w == DEBUG_OWN_WVR ? 0 : why;
}

/* vCPU 1 reads its registers (conform_secondary_main) and turns off:
 * CPU_ON's result (-2: no vCPU 1), or why that failed. */
static int64_t debug_own_partner(const char **why)
{
    debug_own_mode = 1;
    int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, 1, (uint64_t)conform_secondary, 1);
    uint64_t end = conform_now() + 20 * conform_hz();
    while (r == 0 && !debug_own_done && conform_now() < end)
        __asm__ volatile("wfe"); /* under QEMU: lets vCPU 1's core run */
    while (r == 0 && conform_hvc(PSCI_AFFINITY_INFO, 1, 0, 0) != PSCI_AFF_OFF &&
           conform_now() < end)
        ;
    debug_own_mode = 0;
    if (r != 0 && r != -2) {
        conform_got((uint64_t)r);
        *why = "CPU_ON refused";
    } else if (r == 0 && !debug_own_done) {
        *why = "vCPU 1 did not read its registers";
    } else if (r == 0 &&
               (debug_own_seen[0] == DEBUG_OWN_BVR || debug_own_seen[1] == DEBUG_OWN_WVR)) {
        *why = "vCPU 1 read vCPU 0's values";
    } else if (r == 0) {
        *why = debug_own_check("vCPU 0's values changed while vCPU 1 ran");
    }
    return r;
}

static struct conform_result debug_own(void)
{
    SYSREG_WR(dbgbvr1_el1, DEBUG_OWN_BVR);
    SYSREG_WR(dbgwvr1_el1, DEBUG_OWN_WVR);
    (void)conform_hvc(PSCI_VERSION, 0, 0, 0);
    const char *why = debug_own_check("lost across an exit");
    int64_t r = why ? 0 : debug_own_partner(&why);
    SYSREG_WR(dbgbvr1_el1, 0);
    SYSREG_WR(dbgwvr1_el1, 0);
    if (why)
        return CONFORM_FAILED(why);
    return r == -2 ? CONFORM_SKIPPED("one vCPU") : CONFORM_PASS;
}

/* Secondary vCPUs (smp_cpu_on): each writes its MPIDR_EL1.Aff0 + 1 to its
 * slot, then turns itself off; in smp.ipi each is vCPU 0's partner first;
 * after the cases, vCPU 1 has its last words (conform_last_words). */
static volatile uint64_t smp_seen[CONFORM_CPUS];
static volatile int last_words, last_words_done;
uint8_t conform_stacks[CONFORM_CPUS << CONFORM_STACK_SHIFT] __attribute__((aligned(16)));

void conform_secondary_main(uint64_t index)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    if (last_words) {
        uart_put_str("conform: last words from vcpu 1\n");
        last_words_done = 1;
        for (;;) /* no exit: the line stays in this vCPU's posted writes; WFE
                  * (QEMU never traps it) hands QEMU's one TCG thread on under
                  * -icount, where a bare spin holds it for whole slices */
            __asm__ volatile("wfe");
    }
    if (debug_own_mode) {
        debug_own_seen[0] = SYSREG_RD(dbgbvr1_el1);
        debug_own_seen[1] = SYSREG_RD(dbgwvr1_el1);
        debug_own_done = 1;
        conform_hvc(PSCI_CPU_OFF, 0, 0, 0);
    }
    if (conform_power_mode) {
        conform_power_secondary((unsigned)index);
        return;
    }
    if (conform_ipi_mode) {
        conform_ipi_partner();
        conform_hvc(PSCI_CPU_OFF, 0, 0, 0);
    }
    if (index < CONFORM_CPUS)
        smp_seen[index] = (mpidr & 0xffu) + 1;
    conform_hvc(PSCI_CPU_OFF, 0, 0, 0);
}

void conform_last_words(void)
{
    last_words = 1;
    int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, 1, (uint64_t)conform_secondary, 1);
    if (r != 0) {
        uart_put_str("conform: no last words: CPU_ON of vcpu 1 returned ");
        uart_put_dec((uint64_t)-r);
        uart_put_str(" (negated)\n");
        return;
    }
    uint64_t end = conform_now() + 20 * conform_hz();
    while (!last_words_done && conform_now() < end)
        __asm__ volatile("wfe"); /* under QEMU: lets vCPU 1's core run */
    if (!last_words_done)
        uart_put_str("conform: no last words: vcpu 1 did not say it wrote them\n");
}

/** Waits up to 20 s of counter time (a loaded host runs 4 vCPUs slowly) for
 * vCPU i to say it ran, then to be off. */
static const char *smp_wait(unsigned i)
{
    uint64_t end = conform_now() + 20 * conform_hz();
    while (!smp_seen[i])
        if (conform_now() > end)
            return "a vCPU never ran";
    if (smp_seen[i] != i + 1) {
        conform_got(smp_seen[i] - 1);
        return "a vCPU's MPIDR_EL1.Aff0 is not its index";
    }
    while (conform_hvc(PSCI_AFFINITY_INFO, i, 0, 0) != PSCI_AFF_OFF)
        if (conform_now() > end)
            return "a vCPU is not off after CPU_OFF";
    return 0;
}

/*
 * PSCI CPU_ON of every other vCPU (up to CONFORM_CPUS): each runs at its
 * entry with its context in x0, reads its own MPIDR, and CPU_OFF turns it
 * off. Skipped with one vCPU (CPU_ON of vCPU 1 is INVALID_PARAMETERS).
 */
static struct conform_result smp_cpu_on(void)
{
    unsigned n = 1;
    for (unsigned i = 1; i < CONFORM_CPUS; i++) {
        int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, i, (uint64_t)conform_secondary, i);
        if (r == -2)
            break;
        if (r != 0) {
            conform_got((uint64_t)r);
            return CONFORM_FAILED("CPU_ON refused");
        }
        const char *why = smp_wait(i);
        if (why)
            return CONFORM_FAILED(why);
        n++;
    }
    return n == 1 ? CONFORM_SKIPPED("one vCPU") : CONFORM_PASS;
}

const struct conform_case conform_cases[] = {
    {"id.dfr0_no_pmu", id_dfr0_no_pmu},
    {"id.dfr0_debug", id_dfr0_debug},
    {"pmu.pmccntr_read", pmu_pmccntr_read},
    {"pmu.pmcr_write", pmu_pmcr_write},
    {"pmu.all_undef", pmu_all_undef},
    {"debug.os_lock", debug_os_lock},
    {"debug.breakpoint", debug_breakpoint},
    {"debug.watchpoint", debug_watchpoint},
    {"debug.step", debug_step},
    {"debug.own", debug_own},
    {"abort.data_unbacked", abort_data_unbacked},
    {"abort.insn_unbacked", abort_insn_unbacked},
    {"timer.virt_fires", timer_virt_fires},
    {"timer.phys_fires", timer_phys_fires},
    {"timer.disabled_nothing_pending", timer_disabled_nothing_pending},
    {"timer.masked_nothing_pending", timer_masked_nothing_pending},
    {"timer.future_nothing_pending", timer_future_nothing_pending},
    {"timer.ppi_off_nothing_pending", timer_ppi_off_nothing_pending},
    {"smp.cpu_on", smp_cpu_on},
    {"smp.ipi", smp_ipi},
    {"irq.eoi_then_exit", irq_eoi_then_exit},
    {"irq.eoi_then_wfi", irq_eoi_then_wfi},
    {"psci.cpu_on_errors", psci_cpu_on_errors},
    {"psci.cpu_on_race", psci_cpu_on_race},
};
const unsigned conform_case_count = sizeof(conform_cases) / sizeof(conform_cases[0]);
