/*
 * Guest exits: decode and dispatch (vmexit.h).
 */
#include <string.h>

#include "vmm/vmexit.h"

enum vmexit_kind vmexit_kind_of(uint64_t label)
{
    switch (label) {
    case CV_FAULT_VM_DATA_ABORT:
        return VMEXIT_DATA_ABORT;
    case CV_FAULT_VM_INSN_ABORT:
        return VMEXIT_INSN_ABORT;
    case CV_FAULT_VM_HVC:
    case CV_FAULT_VM_SMC:
        return VMEXIT_FIRMWARE;
    case CV_FAULT_VM_SYSREG:
        return VMEXIT_SYSREG;
    case CV_FAULT_VM_VTIMER:
        return VMEXIT_VTIMER;
    case CV_FAULT_VM_MAINTENANCE:
        return VMEXIT_MAINTENANCE;
    case CV_FAULT_VM_POSTED:
        return VMEXIT_POSTED;
    default:
        return VMEXIT_UNKNOWN;
    }
}

bool vmexit_decode(uint64_t label, uint64_t badge, unsigned vcpu_count, const uint64_t *mr,
                   struct vmexit *out)
{
    if (badge == 0 || badge > vcpu_count)
        return false;
    out->vcpu = (unsigned)(badge - 1u);
    out->label = label & ~(uint64_t)CV_FAULT_VM_POSTED_FLAG;
    out->posted = (label & CV_FAULT_VM_POSTED_FLAG) != 0;
    out->kind = vmexit_kind_of(out->label);
    if (mr != out->mr)
        memcpy(out->mr, mr, sizeof(out->mr));
    return true;
}

struct vmexit_result vmexit_dispatch(const vmexit_fn *fn, void *ctx, const struct vmexit *e)
{
    vmexit_fn f = e->kind < VMEXIT_KINDS ? fn[e->kind] : NULL;
    if (!f)
        f = fn[VMEXIT_UNKNOWN];
    return f ? f(ctx, e) : vmexit_reply(CV_FAULT_STOP, 0);
}

struct vmexit_result vmexit_reply(uint64_t label, uint64_t mr0)
{
    return (struct vmexit_result){VMEXIT_REPLY, label, mr0};
}
