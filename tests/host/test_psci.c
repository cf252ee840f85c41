/*
 * libvmm PSCI decoding (DEN 0022D section 5).
 */
#include <stdint.h>

#include "test_vmm.h"
#include "vmm/psci.h"

#define RAM 0x40000000ull

static struct psci p;
static struct psci_action a;

static void call(unsigned vcpu, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    const uint64_t x[4] = {x0, x1, x2, x3};
    psci_call(&p, vcpu, x, &a);
}

static void test_version_features(void)
{
    CHECK(psci_init(&p, 4, IPA(RAM), 1u << 28));
    call(0, PSCI_0_2_VERSION, 0, 0, 0);
    CHECK_EQ(a.kind, PSCI_ACT_RETURN);
    CHECK_EQ(a.ret, 0x10000);
    call(0, SMCCC_VERSION, 0, 0, 0);
    CHECK_EQ(a.ret, 0x10001);
    call(0, PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0);
    CHECK_EQ(a.ret, 0);
    call(0, PSCI_FEATURES, SMCCC_VERSION, 0, 0);
    CHECK_EQ(a.ret, 0);
    call(0, PSCI_FEATURES, SMCCC_ARCH_FEATURES, 0, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED);
    call(0, PSCI_FEATURES, 0x84000005, 0, 0); /* MIGRATE */
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED);
    call(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
    CHECK_EQ(a.ret, 2);
    call(0, 0xC4000099, 0, 0, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED);
    CHECK(!psci_known(0xC4000099));
    CHECK(psci_known(SMCCC_ARCH_FEATURES));
    CHECK(!psci_known(0x100000000ull | PSCI_0_2_VERSION));
    call(0, 0x100000000ull | PSCI_0_2_VERSION, 0, 0, 0); /* upper bits set */
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED);
    call(5, PSCI_0_2_VERSION, 0, 0, 0); /* no such vCPU */
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_NOT_SUPPORTED);
    CHECK(!psci_init(&p, 0, IPA(RAM), 1));
    CHECK(!psci_init(&p, 9, IPA(RAM), 1));
}

static void test_cpu_on_off(void)
{
    psci_init(&p, 4, IPA(RAM), 1u << 28);
    call(0, PSCI_CPU_ON_64, 2, RAM + 0x1000, 0xc0ffee);
    CHECK_EQ(a.kind, PSCI_ACT_CPU_START);
    CHECK_EQ(a.ret, 0);
    CHECK_EQ(a.target, 2);
    CHECK_EQ(a.entry, RAM + 0x1000);
    CHECK_EQ(a.context, 0xc0ffee);
    call(0, PSCI_AFFINITY_INFO_64, 2, 0, 0);
    CHECK_EQ(a.ret, PSCI_STATE_ON_PENDING);
    call(0, PSCI_CPU_ON_64, 2, RAM, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_ON_PENDING);
    psci_vcpu_started(&p, 2);
    call(0, PSCI_CPU_ON_64, 2, RAM, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_ALREADY_ON);
    CHECK_EQ(a.kind, PSCI_ACT_RETURN);
    call(0, PSCI_CPU_ON_64, 0, RAM, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_ALREADY_ON);
    call(0, PSCI_CPU_ON_64, 4, RAM, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_PARAMETERS);
    call(0, PSCI_CPU_ON_64, 0x100, RAM, 0); /* Aff1 = 1 */
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_PARAMETERS);
    call(0, PSCI_CPU_ON_64, 3, RAM - 4, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_ADDRESS);
    call(0, PSCI_CPU_ON_64, 3, RAM + 2, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_ADDRESS);
    call(0, PSCI_CPU_ON_64, 3, RAM + (1u << 28), 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_ADDRESS);
    /* SMC32 form: upper halves ignored */
    call(0, PSCI_CPU_ON_32, 0xffffffff00000003ull, 0xffffffff00000000ull | (RAM + 8), 7);
    CHECK_EQ(a.kind, PSCI_ACT_CPU_START);
    CHECK_EQ(a.target, 3);
    CHECK_EQ(a.entry, RAM + 8);
    call(2, PSCI_CPU_OFF, 0, 0, 0);
    CHECK_EQ(a.kind, PSCI_ACT_CPU_STOP);
    call(0, PSCI_AFFINITY_INFO_32, 2, 0, 0);
    CHECK_EQ(a.ret, PSCI_STATE_OFF);
    call(0, PSCI_AFFINITY_INFO_32, 0, 0, 0);
    CHECK_EQ(a.ret, PSCI_STATE_ON);
    call(0, PSCI_AFFINITY_INFO_32, 0, 1, 0);
    CHECK_EQ(a.ret, (uint64_t)(int64_t)PSCI_E_INVALID_PARAMETERS);
    psci_vcpu_stopped(&p, 3);
    call(0, PSCI_AFFINITY_INFO_64, 3, 0, 0);
    CHECK_EQ(a.ret, PSCI_STATE_OFF);
}

static void test_system(void)
{
    psci_init(&p, 1, IPA(RAM), 1u << 28);
    call(0, PSCI_SYSTEM_OFF, 0, 0, 0);
    CHECK_EQ(a.kind, PSCI_ACT_SYSTEM_OFF);
    call(0, PSCI_SYSTEM_RESET, 0, 0, 0);
    CHECK_EQ(a.kind, PSCI_ACT_SYSTEM_RESET);
    call(0, PSCI_CPU_SUSPEND_64, 0x10000, RAM, 0);
    CHECK_EQ(a.kind, PSCI_ACT_WAIT);
    CHECK_EQ(a.ret, 0);
}

int main(void)
{
    test_version_features();
    test_cpu_on_off();
    test_system();
    return test_done("test_psci");
}
