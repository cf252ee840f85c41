/*
 * Tiny guests for the vCPU cases (guest.h).
 */
#include <string.h>

#include "guest.h"

#define GUEST_RWX (CV_RIGHT_READ | CV_RIGHT_WRITE | CV_RIGHT_EXEC)

void guest_put(struct guest *g, unsigned off, const uint32_t *code, unsigned n)
{
    uint32_t *at = &g->code[off / sizeof(uint32_t)];
    memcpy(at, code, n * sizeof(uint32_t));
    for (unsigned i = 0; i < n; i += 16) /* 64-byte lines */
        __asm__ volatile("dc cvac, %0\n\tic ivau, %0" : : "r"(&at[i]) : "memory");
    __asm__ volatile("dc cvac, %0\n\tic ivau, %0" : : "r"(&at[n - 1]) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

/* Where guest_new takes the guest's objects (not its code page) from: an
 * untyped of ours to revoke under it, or 0 (the arena). */
static uint64_t guest_ut;

void guest_set_untyped(uint64_t ut)
{
    guest_ut = ut;
}

static uint64_t guest_alloc(enum cv_obj type)
{
    uint64_t s = guest_ut ? kt_slot() : 0;
    if (!guest_ut)
        return kt_alloc(type, 0);
    enum cv_err err = s ? cv_untyped_retype(guest_ut, type, 0, 0, s, 1) : CV_E_NO_MEMORY;
    if (err != CV_OK)
        kt_failf("allocating object type %d: %s", (int)type, cv_err_str(err));
    return err == CV_OK ? s : 0;
}

bool guest_new(struct guest *g, const uint32_t *prog, unsigned n, uint64_t x1_start)
{
    static const uint32_t self[] = {I_B_SELF};
    uint64_t frame = 0, gframe = kt_slot();
    g->code = kt_page(&frame);
    g->vspace = guest_alloc(CV_OBJ_VSPACE);
    g->ep = guest_alloc(CV_OBJ_ENDPOINT);
    g->tcb = guest_alloc(CV_OBJ_TCB);
    g->vcpu = guest_alloc(CV_OBJ_VCPU);
    if (!g->code || !gframe || !g->vspace || !g->ep || !g->tcb || !g->vcpu)
        return false;
    guest_put(g, 0, prog, n);
    guest_put(g, n * sizeof(uint32_t), self, 1);
    struct cv_user_regs regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = GUEST_CODE_IPA;
    regs.spsr = GUEST_SPSR;
    regs.x[0] = GUEST_DEV_IPA;
    regs.x[1] = x1_start;
    enum cv_err err = cv_cnode_copy(KT_CNODE, gframe, 0, frame, CV_RIGHTS_ALL);
    if (err == CV_OK)
        err = cv_self_map_in(g->vspace, gframe, GUEST_CODE_IPA, GUEST_RWX);
    if (err == CV_OK)
        err = cv_tcb_configure(g->tcb, KT_CNODE, g->vspace, 0, 0, g->ep);
    if (err == CV_OK)
        err = cv_tcb_set_priority(g->tcb, GUEST_PRIO);
    if (err == CV_OK)
        err = cv_invoke(g->tcb, CV_OP_TCB_BIND_VCPU, &g->vcpu, 1, NULL, 0);
    if (err == CV_OK)
        err = cv_tcb_write_regs(g->tcb, &regs);
    if (err != CV_OK)
        kt_failf("guest set-up: %s", cv_err_str(err));
    return err == CV_OK;
}

uint64_t guest_next_exit(const struct guest *g, uint64_t mr[CV_VMEXIT_MSG_LEN])
{
    struct cv_sysret r;
    if (!kt_recv_timeout(g->ep, GUEST_WAIT_MS, &r)) {
        kt_failf("no exit within %u ms", GUEST_WAIT_MS);
        return 0;
    }
    for (unsigned i = 0; i < CV_VMEXIT_MSG_LEN; i++)
        mr[i] = i < CV_MSG_REGS ? r.mr[i] : CV_IPCBUF->mr[i];
    return CV_MSG_LABEL(r.info);
}

void guest_reply(uint64_t label, uint64_t value)
{
    uint64_t mr[CV_MSG_REGS] = {value};
    cv_reply(CV_MSGINFO(label, 0, 1), mr);
}

uint64_t guest_lr_count(const struct guest *g)
{
    uint64_t lrs[2] = {0, 0};
    (void)cv_invoke(g->vcpu, CV_OP_VCPU_GET_LRS, NULL, 0, lrs, 2);
    return lrs[1];
}
