/*
 * PSCI 1.0 over the HVC conduit: decodes a guest call (x0..x3) into an
 * action the VMM performs, and tracks each vCPU's power state.
 * Arm Power State Coordination Interface, DEN 0022D: 5.1 function list,
 * 5.2 return codes, 5.4-5.15 individual functions; SMC Calling Convention
 * (DEN 0028) 7 (Arm architecture calls: SMCCC_VERSION, SMCCC_ARCH_FEATURES).
 * vCPU i has MPIDR Aff0 = i, other affinity fields 0 (matches fdtgen's cpu@i).
 */
#ifndef VMM_PSCI_H
#define VMM_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/types.h"

#define PSCI_MAX_VCPUS 8u

/* Function IDs (DEN 0022D table 5.1; 0xC4.. are the SMC64 forms). */
#define PSCI_0_2_VERSION          0x84000000u
#define PSCI_CPU_SUSPEND_32       0x84000001u
#define PSCI_CPU_SUSPEND_64       0xC4000001u
#define PSCI_CPU_OFF              0x84000002u
#define PSCI_CPU_ON_32            0x84000003u
#define PSCI_CPU_ON_64            0xC4000003u
#define PSCI_AFFINITY_INFO_32     0x84000004u
#define PSCI_AFFINITY_INFO_64     0xC4000004u
#define PSCI_MIGRATE_INFO_TYPE    0x84000006u
#define PSCI_SYSTEM_OFF           0x84000008u
#define PSCI_SYSTEM_RESET         0x84000009u
#define PSCI_FEATURES             0x8400000Au
#define SMCCC_VERSION             0x80000000u
#define SMCCC_ARCH_FEATURES       0x80000001u
#define PSCI_VERSION_1_0          0x00010000u
#define SMCCC_VERSION_1_1         0x00010001u
#define PSCI_MIGRATE_NOT_REQUIRED 2

/** PSCI return codes (DEN 0022D 5.2.2). */
enum psci_ret {
    PSCI_SUCCESS = 0,
    PSCI_E_NOT_SUPPORTED = -1,
    PSCI_E_INVALID_PARAMETERS = -2,
    PSCI_E_DENIED = -3,
    PSCI_E_ALREADY_ON = -4,
    PSCI_E_ON_PENDING = -5,
    PSCI_E_INTERNAL_FAILURE = -6,
    PSCI_E_NOT_PRESENT = -7,
    PSCI_E_DISABLED = -8,
    PSCI_E_INVALID_ADDRESS = -9
};

/** AFFINITY_INFO values, also the per-vCPU state (DEN 0022D 5.7). */
enum psci_state { PSCI_STATE_ON = 0, PSCI_STATE_OFF = 1, PSCI_STATE_ON_PENDING = 2 };

/** What the VMM does after a call. Unless stated, it then writes `ret` to x0 and resumes. */
enum psci_action_kind {
    PSCI_ACT_RETURN,     /* just return `ret` */
    PSCI_ACT_CPU_START,  /* start vCPU `target` at `entry`, x0 = `context`, EL1h, MMU off;
                            then psci_vcpu_started(); the caller gets `ret` (0) */
    PSCI_ACT_CPU_STOP,   /* stop the calling vCPU; it does not return */
    PSCI_ACT_WAIT,       /* CPU_SUSPEND as standby: may wait for an interrupt, then return */
    PSCI_ACT_SYSTEM_OFF, /* power the VM off */
    PSCI_ACT_SYSTEM_RESET
};

/** The decoded call. */
struct psci_action {
    enum psci_action_kind kind;
    int64_t ret; /* value for x0 */
    unsigned target;
    uint64_t entry;
    uint64_t context;
};

/** Power state of every vCPU and the RAM range entry points must lie in. */
struct psci {
    unsigned vcpu_count;
    enum psci_state state[PSCI_MAX_VCPUS];
    ipa_t ram_base;
    uint64_t ram_size;
};

/** vCPU 0 on, the others off (DEN 0022D 6.1: the boot CPU). False if vcpus is out of 1..8. */
bool psci_init(struct psci *p, unsigned vcpus, ipa_t ram_base, uint64_t ram_size);

/** Decodes and commits the call in x[0..3] from `vcpu` (DEN 0022D 5). */
void psci_call(struct psci *p, unsigned vcpu, const uint64_t x[4], struct psci_action *out);

/**
 * True if psci_call implements function ID fid (PSCI or SMCCC arch), even
 * if it answers NOT_SUPPORTED (SMCCC_ARCH_FEATURES for an unknown feature);
 * false for IDs psci_call only rejects as unknown (SMCCC 5.2).
 */
bool psci_known(uint64_t fid);

/** The VMM started `vcpu` after PSCI_ACT_CPU_START: ON_PENDING -> ON. */
void psci_vcpu_started(struct psci *p, unsigned vcpu);

/** The VMM could not start `vcpu`, or it stopped: back to OFF. */
void psci_vcpu_stopped(struct psci *p, unsigned vcpu);

#endif /* VMM_PSCI_H */
