/*
 * libvmm guest exits (vmexit.h): every fault label's kind, the badge's
 * checks, the posted flag, dispatch to the registered handler or the
 * unknown one.
 */
#include "test_vmm.h"
#include "vmm/vmexit.h"

static unsigned calls[VMEXIT_KINDS];

static struct vmexit_result handle_exit(void *ctx, const struct vmexit *e)
{
    CHECK(ctx == &calls);
    calls[e->kind < VMEXIT_KINDS ? e->kind : VMEXIT_UNKNOWN]++;
    return vmexit_reply(CV_FAULT_VM_EMULATED, e->mr[0] + 1);
}

static void test_decode(void)
{
    static const struct {
        uint64_t label;
        enum vmexit_kind kind;
    } kinds[] = {
        {CV_FAULT_VM_DATA_ABORT, VMEXIT_DATA_ABORT},
        {CV_FAULT_VM_INSN_ABORT, VMEXIT_INSN_ABORT},
        {CV_FAULT_VM_HVC, VMEXIT_FIRMWARE},
        {CV_FAULT_VM_SMC, VMEXIT_FIRMWARE},
        {CV_FAULT_VM_SYSREG, VMEXIT_SYSREG},
        {CV_FAULT_VM_VTIMER, VMEXIT_VTIMER},
        {CV_FAULT_VM_MAINTENANCE, VMEXIT_MAINTENANCE},
        {CV_FAULT_VM_POSTED, VMEXIT_POSTED},
        {CV_FAULT_VM_UNKNOWN, VMEXIT_UNKNOWN},
        {1, VMEXIT_UNKNOWN},
        {0xdead, VMEXIT_UNKNOWN},
    };
    uint64_t mr[CV_VMEXIT_MSG_LEN] = {7, 8, 9};
    struct vmexit e;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        CHECK(vmexit_decode(kinds[i].label, 2, 2, mr, &e));
        CHECK_EQ(e.kind, kinds[i].kind);
        CHECK_EQ(e.vcpu, 1);
        CHECK(!e.posted);
    }
    CHECK(vmexit_decode(CV_FAULT_VM_HVC | CV_FAULT_VM_POSTED_FLAG, 1, 1, mr, &e));
    CHECK(e.posted);
    CHECK_EQ(e.label, CV_FAULT_VM_HVC);
    CHECK_EQ(e.kind, VMEXIT_FIRMWARE);
    CHECK_EQ(e.mr[2], 9);
    /* a badge that names no vCPU: not an exit of this VM */
    CHECK(!vmexit_decode(CV_FAULT_VM_HVC, 0, 2, mr, &e));
    CHECK(!vmexit_decode(CV_FAULT_VM_HVC, 3, 2, mr, &e));
    CHECK(!vmexit_decode(CV_FAULT_VM_HVC, ~0ull, 8, mr, &e));
}

static void test_dispatch(void)
{
    vmexit_fn fn[VMEXIT_KINDS] = {0};
    uint64_t mr[CV_VMEXIT_MSG_LEN] = {41};
    struct vmexit e;
    /* no handler at all: the VM is stopped */
    CHECK(vmexit_decode(CV_FAULT_VM_SYSREG, 1, 1, mr, &e));
    struct vmexit_result r = vmexit_dispatch(fn, &calls, &e);
    CHECK_EQ(r.action, VMEXIT_REPLY);
    CHECK_EQ(r.label, CV_FAULT_STOP);
    /* only the unknown one: every kind goes there */
    fn[VMEXIT_UNKNOWN] = handle_exit;
    r = vmexit_dispatch(fn, &calls, &e);
    CHECK_EQ(calls[VMEXIT_SYSREG], 1);
    CHECK_EQ(r.mr0, 42);
    fn[VMEXIT_SYSREG] = handle_exit;
    (void)vmexit_dispatch(fn, &calls, &e);
    CHECK_EQ(calls[VMEXIT_SYSREG], 2);
    e.kind = VMEXIT_KINDS; /* out of range: the unknown handler */
    (void)vmexit_dispatch(fn, &calls, &e);
    CHECK_EQ(calls[VMEXIT_SYSREG], 2);
    CHECK_EQ(calls[VMEXIT_UNKNOWN], 1);
}

int main(void)
{
    test_decode();
    test_dispatch();
    return test_done("test_vmexit");
}
