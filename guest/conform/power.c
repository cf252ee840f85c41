/*
 * conform: PSCI power state under races (issue 17). The VMM serves each
 * vCPU's exits on that vCPU's own core, so two vCPUs' calls can be handled
 * at once; what PSCI (DEN 0022D 5.6, 5.7) says must still hold:
 *
 *  - psci.cpu_on_errors: CPU_ON of a vCPU that is on (the caller itself, a
 *    running one) is ALREADY_ON; an entry point outside RAM or not 4-byte
 *    aligned is INVALID_ADDRESS and leaves the vCPU off; AFFINITY_INFO
 *    says ON while one runs and OFF once its CPU_OFF is done.
 *  - psci.cpu_on_race: every vCPU but the last calls CPU_ON of the last at
 *    once, for several rounds: exactly one gets SUCCESS, every other
 *    ALREADY_ON or ON_PENDING; the target runs once a round; AFFINITY_INFO
 *    of it, asked by each caller right after its CPU_ON and before the
 *    target turns itself off, is ON or ON_PENDING.
 *
 * Secondary vCPUs started while conform_power_mode is set run
 * conform_power_secondary (cases.c conform_secondary_main).
 */
#include "conform.h"

#define RACE_ROUNDS 8u

/* DEN 0022D 5.2.2, 5.7 */
#define E_ALREADY_ON      (-4)
#define E_ON_PENDING      (-5)
#define E_INVALID_ADDRESS (-9)
#define AFF_ON            0
#define AFF_OFF           1
#define AFF_ON_PENDING    2

volatile uint32_t conform_power_mode; /* enum power_mode: what secondaries do now */
enum power_mode { POWER_NONE, POWER_SPIN, POWER_RACE };

static volatile uint64_t spin_running, spin_stop;
/* the race: round r starts when go == r; racers report res/aff and ready */
static volatile uint64_t race_go, race_stop, race_ready, race_target;
static volatile uint64_t race_runs; /* the target's runs so far */
static volatile int64_t race_res[CONFORM_CPUS], race_aff[CONFORM_CPUS];
static volatile uint64_t race_done[CONFORM_CPUS]; /* the last round each caller called in */

static void power_sev(void)
{
    __asm__ volatile("dsb ish\n\tsev");
}

/** Waits until AFFINITY_INFO(i) is OFF. */
static bool power_wait_off(unsigned i)
{
    uint64_t end = conform_now() + 20 * conform_hz();
    while ((int64_t)conform_hvc(PSCI_AFFINITY_INFO, i, 0, 0) != AFF_OFF) {
        if (conform_now() > end)
            return false;
        __asm__ volatile("wfe");
    }
    return true;
}

/** vCPU `me`'s CPU_ON of the target, then AFFINITY_INFO of it at once. */
static void race_call(unsigned me)
{
    unsigned t = race_target;
    race_res[me] = (int64_t)conform_hvc(PSCI_CPU_ON, t, (uint64_t)conform_secondary, t);
    race_aff[me] = (int64_t)conform_hvc(PSCI_AFFINITY_INFO, t, 0, 0);
    race_done[me] = race_go;
    power_sev();
}

/**
 * The target's run: counted, then off once every caller of the round has
 * called (and asked AFFINITY_INFO): a CPU_ON after its CPU_OFF would
 * rightly succeed, and the round would not be a race any more.
 */
static void race_target_run(void)
{
    uint64_t round = race_go;
    __atomic_fetch_add(&race_runs, 1, __ATOMIC_SEQ_CST);
    power_sev();
    for (unsigned i = 0; i < race_target; i++)
        (void)conform_wait(&race_done[i], round);
}

/** A racer: one CPU_ON of the target each round vCPU 0 starts. */
static void race_racer(unsigned me)
{
    for (uint64_t round = 1;; round++) {
        __atomic_fetch_add(&race_ready, 1, __ATOMIC_SEQ_CST);
        power_sev();
        while (race_go < round && !race_stop)
            __asm__ volatile("wfe");
        if (race_stop)
            return;
        race_call(me);
    }
}

void conform_power_secondary(unsigned index)
{
    if (conform_power_mode == POWER_SPIN) {
        spin_running = 1;
        power_sev();
        while (!spin_stop)
            __asm__ volatile("wfe");
    } else if (index == race_target) {
        race_target_run();
    } else {
        race_racer(index);
    }
    conform_hvc(PSCI_CPU_OFF, 0, 0, 0);
}

/** The vCPUs there are (AFFINITY_INFO of a vCPU that is not: INVALID_PARAMETERS). */
static unsigned power_vcpus(void)
{
    unsigned n = 1;
    while (n < CONFORM_CPUS && (int64_t)conform_hvc(PSCI_AFFINITY_INFO, n, 0, 0) >= 0)
        n++;
    return n;
}

/** A CPU_ON that must fail with `want` and leave vCPU 1 off. */
static const char *power_refused(uint64_t entry, int64_t want, const char *why)
{
    int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, 1, entry, 1);
    if (r != want) {
        conform_got((uint64_t)r);
        return why;
    }
    if ((int64_t)conform_hvc(PSCI_AFFINITY_INFO, 1, 0, 0) != AFF_OFF)
        return "a refused CPU_ON left the vCPU not OFF";
    return 0;
}

static const char *power_errors(void)
{
    int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, 0, (uint64_t)conform_secondary, 0);
    if (r != E_ALREADY_ON) {
        conform_got((uint64_t)r);
        return "CPU_ON of the caller is not ALREADY_ON";
    }
    const char *why = power_refused(0x1000, E_INVALID_ADDRESS,
                                    "CPU_ON at an entry below RAM is not INVALID_ADDRESS");
    if (!why)
        why = power_refused((uint64_t)conform_secondary + 2, E_INVALID_ADDRESS,
                            "CPU_ON at an unaligned entry is not INVALID_ADDRESS");
    if (!why)
        why = power_refused(UINT64_C(0xffffffff00000000), E_INVALID_ADDRESS,
                            "CPU_ON at an entry past RAM is not INVALID_ADDRESS");
    return why;
}

/** CPU_ON of vCPU 1 while it runs (spinning) is ALREADY_ON; its AFFINITY_INFO ON, then OFF. */
static const char *power_running(void)
{
    spin_running = spin_stop = 0;
    conform_power_mode = POWER_SPIN;
    int64_t r = (int64_t)conform_hvc(PSCI_CPU_ON, 1, (uint64_t)conform_secondary, 1);
    if (r != 0) {
        conform_got((uint64_t)r);
        return "CPU_ON refused";
    }
    const char *why = 0;
    if (!conform_wait(&spin_running, 1))
        why = "the vCPU never ran";
    else if ((r = (int64_t)conform_hvc(PSCI_CPU_ON, 1, (uint64_t)conform_secondary, 1)) !=
             E_ALREADY_ON)
        why = "CPU_ON of a running vCPU is not ALREADY_ON";
    else if ((r = (int64_t)conform_hvc(PSCI_AFFINITY_INFO, 1, 0, 0)) != AFF_ON)
        why = "AFFINITY_INFO of a running vCPU is not ON";
    if (why)
        conform_got((uint64_t)r);
    spin_stop = 1;
    power_sev();
    if (!power_wait_off(1) && !why)
        why = "the vCPU is not OFF after its CPU_OFF";
    conform_power_mode = POWER_NONE;
    return why;
}

struct conform_result psci_cpu_on_errors(void)
{
    if (power_vcpus() < 2)
        return CONFORM_SKIPPED("one vCPU");
    const char *why = power_errors();
    if (!why)
        why = power_running();
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}

/** What a round gave each of the n - 1 callers; 0 if it is what PSCI says. */
static const char *race_check(unsigned n)
{
    unsigned success = 0;
    for (unsigned i = 0; i + 1 < n; i++) {
        int64_t r = race_res[i];
        if (r == 0) {
            success++;
        } else if (r != E_ALREADY_ON && r != E_ON_PENDING) {
            conform_got((uint64_t)r);
            return "a losing CPU_ON is not ALREADY_ON or ON_PENDING";
        }
        /* the target stays on until every caller asked */
        if (race_aff[i] != AFF_ON && race_aff[i] != AFF_ON_PENDING) {
            conform_got((uint64_t)race_aff[i]);
            return "AFFINITY_INFO of the target after the race is not ON or ON_PENDING";
        }
    }
    if (success != 1) {
        conform_got(success);
        return "not exactly one CPU_ON of the race succeeded";
    }
    return 0;
}

/** One round: every caller's CPU_ON at once, then the target runs and turns off. */
static const char *race_round(unsigned n, uint64_t round)
{
    if (!conform_wait(&race_ready, round * (n - 2)))
        return "a racer never got ready";
    race_go = round;
    power_sev();
    race_call(0);
    for (unsigned i = 1; i + 1 < n; i++)
        if (!conform_wait(&race_done[i], round))
            return "a racer never called";
    if (!conform_wait(&race_runs, round))
        return "the target never ran";
    if (!power_wait_off(n - 1))
        return "the target is not OFF after its CPU_OFF";
    return race_check(n);
}

struct conform_result psci_cpu_on_race(void)
{
    unsigned n = power_vcpus();
    if (n < 3)
        return CONFORM_SKIPPED("fewer than three vCPUs");
    race_go = race_stop = race_ready = race_runs = 0;
    race_target = n - 1;
    for (unsigned i = 0; i < CONFORM_CPUS; i++)
        race_done[i] = 0;
    conform_power_mode = POWER_RACE;
    const char *why = 0;
    for (unsigned i = 1; i + 1 < n && !why; i++)
        if (conform_hvc(PSCI_CPU_ON, i, (uint64_t)conform_secondary, i) != 0)
            why = "CPU_ON of a racer refused";
    for (uint64_t round = 1; round <= RACE_ROUNDS && !why; round++)
        why = race_round(n, round);
    race_stop = 1;
    power_sev();
    for (unsigned i = 1; i + 1 < n; i++)
        if (!power_wait_off(i) && !why)
            why = "a racer is not OFF after its CPU_OFF";
    conform_power_mode = POWER_NONE;
    if (!why && race_runs != RACE_ROUNDS) {
        conform_got(race_runs);
        why = "the target did not run once a round";
    }
    return why ? CONFORM_FAILED(why) : CONFORM_PASS;
}
