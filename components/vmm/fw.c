/*
 * Firmware calls (fw.h).
 */
#include <stdio.h>

#include "fw.h"
#include "vcpu.h"

/** The call's result in x0 (an int64_t, sign-extended). */
static struct exit_result fw_return(int64_t ret)
{
    return exits_reply(CV_FAULT_VM_EMULATED, (uint64_t)ret);
}

/** CPU_ON: the target starts at entry with x0 = context (PSCI DEN 0022D 5.6). */
static struct exit_result fw_cpu_start(struct vm *vm, const struct psci_action *a)
{
    if (!vcpu_start(vm, a->target, a->entry, a->context)) {
        psci_vcpu_stopped(&vm->psci, a->target);
        return fw_return(PSCI_E_INTERNAL_FAILURE);
    }
    psci_vcpu_started(&vm->psci, a->target);
    return fw_return(a->ret);
}

/** Unknown calls return NOT_SUPPORTED; the first is reported. */
static struct exit_result fw_unsupported(struct vm *vm, uint64_t fid)
{
    if (!vm->fw_logged)
        printf("%s: unsupported firmware call 0x%llx: NOT_SUPPORTED (reported once)\n", vm->name,
               (unsigned long long)fid);
    vm->fw_logged = true;
    return fw_return(PSCI_E_NOT_SUPPORTED);
}

struct exit_result fw_call(struct vm *vm, const struct exit_msg *m)
{
    const uint64_t x[4] = {m->mr[2], m->mr[3], m->mr[4], m->mr[5]};
    struct psci_action a;
    psci_call(&vm->psci, m->vcpu, x, &a);
    switch (a.kind) {
    case PSCI_ACT_CPU_START:
        return fw_cpu_start(vm, &a);
    case PSCI_ACT_CPU_STOP:
        vm->vcpu[m->vcpu].running = false; /* the STOP reply suspends it */
        return exits_reply(CV_FAULT_STOP, 0);
    case PSCI_ACT_SYSTEM_OFF:
        printf("%s: guest powered off (PSCI SYSTEM_OFF)\n", vm->name);
        vm_stop(vm);
        return exits_reply(CV_FAULT_STOP, 0);
    case PSCI_ACT_SYSTEM_RESET:
        printf("%s: guest reset (PSCI SYSTEM_RESET): rebooting\n", vm->name);
        return (struct exit_result){EXIT_REBOOT, CV_FAULT_STOP, 0};
    case PSCI_ACT_RETURN:
        if (a.ret == PSCI_E_NOT_SUPPORTED)
            return fw_unsupported(vm, x[0]);
        return fw_return(a.ret);
    case PSCI_ACT_WAIT:
    default:
        return fw_return(a.ret);
    }
}
