/*
 * Firmware calls (fw.h).
 */
#include <stdio.h>

#include "console.h"
#include "fw.h"
#include "vcpu.h"

#define ESR_IMM16 0xffffull /* HVC/SMC ISS: the instruction's immediate */

/** The call's result in x0 (an int64_t, sign-extended). */
static struct vmexit_result fw_return(int64_t ret)
{
    return vmexit_reply(CV_FAULT_VM_EMULATED, (uint64_t)ret);
}

/** CPU_ON: the target starts at entry with x0 = context (PSCI DEN 0022D 5.6). */
static struct vmexit_result fw_cpu_start(struct vm *vm, const struct psci_action *a)
{
    bool fresh = !vm->vcpu[a->target].used || vcpu_refresh(vm, a->target);
    if (!fresh || !vcpu_start(vm, a->target, a->entry, a->context)) {
        psci_vcpu_stopped(&vm->psci, a->target);
        return fw_return(PSCI_E_INTERNAL_FAILURE);
    }
    psci_vcpu_started(&vm->psci, a->target);
    return fw_return(a->ret);
}

/** True the first time fid is seen (up to VM_FW_LOG_MAX distinct IDs). */
static bool fw_first_sight(struct vm *vm, uint64_t fid)
{
    struct vm_logs *l = &vm->logs;
    for (unsigned i = 0; i < l->fw_count; i++)
        if (l->fw_id[i] == fid)
            return false;
    if (l->fw_count == VM_FW_LOG_MAX)
        return false;
    l->fw_id[l->fw_count++] = fid;
    if (l->fw_count == VM_FW_LOG_MAX)
        printf("[%s] further unknown firmware call IDs are not reported\n", vm->name);
    return true;
}

/**
 * Unknown function IDs return NOT_SUPPORTED (SMCCC 5.2); each distinct one
 * is reported once. Linux probes several at boot (TRNG_VERSION, the vendor
 * hypervisor UID): that is expected, not an error.
 */
static struct vmexit_result fw_unknown(struct vm *vm, unsigned vcpu, uint64_t fid)
{
    if (fw_first_sight(vm, fid))
        printf("[%s] vcpu %u: unknown firmware call 0x%llx -> NOT_SUPPORTED\n", vm->name, vcpu,
               (unsigned long long)fid);
    return fw_return(PSCI_E_NOT_SUPPORTED);
}

/**
 * SYSTEM_RESET. A reset that follows "Kernel panic - not syncing" on the
 * guest's console (the guest runs with panic=-1: reboot at once) is
 * reported as a panic, so a user sees the guest crashed.
 */
static struct vmexit_result fw_reset(struct vm *vm)
{
    vm_stop(vm); /* the guest's last output first; vm_reboot renews the vCPUs */
    vm_report(vm);
    if (vm->con.panicked)
        printf("[%s] guest kernel panic reported; rebooting\n", vm->name);
    else
        printf("[%s] guest reset (PSCI SYSTEM_RESET): rebooting\n", vm->name);
    return (struct vmexit_result){VMEXIT_REBOOT, CV_FAULT_STOP, 0};
}

/**
 * An HVC or SMC with a non-zero immediate: SMCCC (DEN 0028, 2.5) calls use
 * #0 only, other values are reserved. NOT_SUPPORTED, reported (rate-limited).
 */
static struct vmexit_result fw_bad_imm(struct vm *vm, const struct vmexit *m, uint64_t imm)
{
    struct vm_logs *l = &vm->logs;
    if (l->imm_count < VM_WARN_LOG_MAX) {
        console_flush(vm);
        printf("[%s] vcpu %u: %s #0x%llx (SMCCC uses #0) -> NOT_SUPPORTED%s\n", vm->name, m->vcpu,
               m->label == CV_FAULT_VM_SMC ? "smc" : "hvc", (unsigned long long)imm,
               ++l->imm_count == VM_WARN_LOG_MAX ? " (further ones not reported)" : "");
    }
    return fw_return(PSCI_E_NOT_SUPPORTED);
}

struct vmexit_result fw_call(struct vm *vm, const struct vmexit *m)
{
    const uint64_t x[4] = {m->mr[2], m->mr[3], m->mr[4], m->mr[5]};
    uint64_t imm = m->mr[1] & ESR_IMM16;
    if (imm != 0)
        return fw_bad_imm(vm, m, imm);
    struct psci_action a;
    psci_call(&vm->psci, m->vcpu, x, &a);
    switch (a.kind) {
    case PSCI_ACT_CPU_START:
        return fw_cpu_start(vm, &a);
    case PSCI_ACT_CPU_STOP:
        /* suspended now, under the lock, not by a STOP reply after it: a
         * CPU_ON that another thread handles next, as soon as it sees the
         * vCPU OFF, must find it out of its exit (the reply would stop the
         * start that CPU_ON made) */
        vcpu_suspend(vm, m->vcpu);
        return (struct vmexit_result){VMEXIT_NO_REPLY, 0, 0};
    case PSCI_ACT_SYSTEM_OFF:
        vm_stop(vm); /* first: it prints what the other vCPUs wrote last */
        vm_report(vm);
        printf("[%s] guest powered off (PSCI SYSTEM_OFF)\n", vm->name);
        return vmexit_reply(CV_FAULT_STOP, 0);
    case PSCI_ACT_SYSTEM_RESET:
        return fw_reset(vm);
    case PSCI_ACT_RETURN:
        if (!psci_known(x[0]))
            return fw_unknown(vm, m->vcpu, x[0]);
        return fw_return(a.ret);
    case PSCI_ACT_WAIT:
    default:
        return fw_return(a.ret);
    }
}
