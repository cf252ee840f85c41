/*
 * PSCI 1.0 call decoding (DEN 0022D) as a table of function ID -> handler.
 * Calls that change power state commit here; the VMM carries out the action.
 */
#include <stddef.h>

#include "vmm/psci.h"

#define MPIDR_AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..0 [23:0] */

typedef void (*psci_fn)(struct psci *p, unsigned vcpu, const uint64_t x[4],
                        struct psci_action *out);

struct psci_func {
    uint32_t id;
    psci_fn fn;
};

/** vCPU 0 is the boot CPU; the others wait for CPU_ON. */
bool psci_init(struct psci *p, unsigned vcpus, ipa_t ram_base, uint64_t ram_size)
{
    if (vcpus == 0 || vcpus > PSCI_MAX_VCPUS)
        return false;
    p->vcpu_count = vcpus;
    for (unsigned i = 0; i < PSCI_MAX_VCPUS; i++)
        p->state[i] = i == 0 ? PSCI_STATE_ON : PSCI_STATE_OFF;
    p->ram_base = ram_base;
    p->ram_size = ram_size;
    return true;
}

static void ret(struct psci_action *out, int64_t value)
{
    out->kind = PSCI_ACT_RETURN;
    out->ret = value;
}

/** SMC32 calls take 32-bit arguments: the upper halves are ignored (SMCCC 2.6). */
static uint64_t arg(const uint64_t x[4], unsigned i)
{
    return (x[0] & 0x40000000u) ? x[i] : (x[i] & 0xffffffffu);
}

/** The vCPU index of an MPIDR value, or -1 if there is none (Aff0 only). */
static int mpidr_to_vcpu(const struct psci *p, uint64_t mpidr)
{
    mpidr &= MPIDR_AFF_MASK;
    return mpidr < p->vcpu_count ? (int)mpidr : -1;
}

static void fn_version(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_VERSION_1_0);
}

static void fn_smccc_version(struct psci *p, unsigned vcpu, const uint64_t x[4],
                             struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, SMCCC_VERSION_1_1);
}

/** No architecture workarounds are offered (SMCCC 7.3). */
static void fn_not_supported(struct psci *p, unsigned vcpu, const uint64_t x[4],
                             struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_E_NOT_SUPPORTED);
}

/** Every power state is treated as standby: return at the next interrupt (5.4). */
static void fn_cpu_suspend(struct psci *p, unsigned vcpu, const uint64_t x[4],
                           struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_SUCCESS);
    out->kind = PSCI_ACT_WAIT;
}

/** CPU_OFF: the caller powers down and does not return (5.5). */
static void fn_cpu_off(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out)
{
    (void)x;
    p->state[vcpu] = PSCI_STATE_OFF;
    ret(out, PSCI_E_DENIED); /* only seen if the VMM cannot stop it */
    out->kind = PSCI_ACT_CPU_STOP;
}

/** Whether an AArch64 entry point lies in guest RAM, 4-byte aligned. */
static bool entry_ok(const struct psci *p, uint64_t entry)
{
    return entry % 4u == 0 && entry >= p->ram_base.v && entry - p->ram_base.v < p->ram_size;
}

/** The CPU_ON error for target `t` and `entry`, or SUCCESS (5.6.2). */
static enum psci_ret cpu_on_check(const struct psci *p, int t, uint64_t entry)
{
    if (t < 0)
        return PSCI_E_INVALID_PARAMETERS;
    if (p->state[t] == PSCI_STATE_ON)
        return PSCI_E_ALREADY_ON;
    if (p->state[t] == PSCI_STATE_ON_PENDING)
        return PSCI_E_ON_PENDING;
    if (!entry_ok(p, entry))
        return PSCI_E_INVALID_ADDRESS;
    return PSCI_SUCCESS;
}

/** CPU_ON(target MPIDR, entry, context id) (5.6). */
static void fn_cpu_on(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out)
{
    int t = mpidr_to_vcpu(p, arg(x, 1));
    enum psci_ret err = cpu_on_check(p, t, arg(x, 2));

    (void)vcpu;
    ret(out, err);
    if (err != PSCI_SUCCESS)
        return;
    p->state[t] = PSCI_STATE_ON_PENDING;
    out->kind = PSCI_ACT_CPU_START;
    out->target = (unsigned)t;
    out->entry = arg(x, 2);
    out->context = arg(x, 3);
}

/** AFFINITY_INFO(target, lowest level): only level 0 is described (5.7). */
static void fn_affinity_info(struct psci *p, unsigned vcpu, const uint64_t x[4],
                             struct psci_action *out)
{
    int t = mpidr_to_vcpu(p, arg(x, 1));

    (void)vcpu;
    if (t < 0 || arg(x, 2) != 0)
        ret(out, PSCI_E_INVALID_PARAMETERS);
    else
        ret(out, p->state[t]);
}

static void fn_migrate_info_type(struct psci *p, unsigned vcpu, const uint64_t x[4],
                                 struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_MIGRATE_NOT_REQUIRED);
}

static void fn_system_off(struct psci *p, unsigned vcpu, const uint64_t x[4],
                          struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_E_INTERNAL_FAILURE);
    out->kind = PSCI_ACT_SYSTEM_OFF;
}

static void fn_system_reset(struct psci *p, unsigned vcpu, const uint64_t x[4],
                            struct psci_action *out)
{
    (void)p, (void)vcpu, (void)x;
    ret(out, PSCI_E_INTERNAL_FAILURE);
    out->kind = PSCI_ACT_SYSTEM_RESET;
}

static void fn_features(struct psci *p, unsigned vcpu, const uint64_t x[4],
                        struct psci_action *out);

static const struct psci_func psci_funcs[] = {
    {PSCI_0_2_VERSION, fn_version},
    {PSCI_CPU_SUSPEND_32, fn_cpu_suspend},
    {PSCI_CPU_SUSPEND_64, fn_cpu_suspend},
    {PSCI_CPU_OFF, fn_cpu_off},
    {PSCI_CPU_ON_32, fn_cpu_on},
    {PSCI_CPU_ON_64, fn_cpu_on},
    {PSCI_AFFINITY_INFO_32, fn_affinity_info},
    {PSCI_AFFINITY_INFO_64, fn_affinity_info},
    {PSCI_MIGRATE_INFO_TYPE, fn_migrate_info_type},
    {PSCI_SYSTEM_OFF, fn_system_off},
    {PSCI_SYSTEM_RESET, fn_system_reset},
    {PSCI_FEATURES, fn_features},
    {SMCCC_VERSION, fn_smccc_version},
    {SMCCC_ARCH_FEATURES, fn_not_supported},
};

static const struct psci_func *find_func(uint64_t id)
{
    for (size_t i = 0; i < sizeof(psci_funcs) / sizeof(psci_funcs[0]); i++) {
        if (psci_funcs[i].id == id)
            return &psci_funcs[i];
    }
    return NULL;
}

/** PSCI_FEATURES(fid): 0 for implemented functions, CPU_SUSPEND in the original format (5.15). */
static void fn_features(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out)
{
    const struct psci_func *f = find_func(arg(x, 1));

    (void)p, (void)vcpu;
    ret(out, f && f->fn != fn_not_supported ? PSCI_SUCCESS : PSCI_E_NOT_SUPPORTED);
}

bool psci_known(uint64_t fid)
{
    return (fid >> 32) == 0 && find_func(fid) != NULL;
}

/** Unknown function IDs return NOT_SUPPORTED (SMCCC 5.2: -1). */
void psci_call(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out)
{
    const struct psci_func *f = find_func(x[0] & 0xffffffffu);

    *out = (struct psci_action){.kind = PSCI_ACT_RETURN, .ret = PSCI_E_NOT_SUPPORTED};
    if (vcpu < p->vcpu_count && f && (x[0] >> 32) == 0)
        f->fn(p, vcpu, x, out);
}

/** ON_PENDING -> ON. */
void psci_vcpu_started(struct psci *p, unsigned vcpu)
{
    if (vcpu < p->vcpu_count)
        p->state[vcpu] = PSCI_STATE_ON;
}

/** Any state -> OFF. */
void psci_vcpu_stopped(struct psci *p, unsigned vcpu)
{
    if (vcpu < p->vcpu_count)
        p->state[vcpu] = PSCI_STATE_OFF;
}
