/*
 * Exception injection (inject.h). Register layouts: ESR_ELx ARM ARM D17.2.40
 * (EC [31:26], IL [25], ISS [24:0]; data abort ISS D17.2.40.8: ISV [24],
 * FnV [10], WnR [6], DFSC [5:0]; instruction abort ISS D17.2.40.7: FnV
 * [10], IFSC [5:0]; EC 0, "Unknown reason", has ISS 0); vector offsets
 * D1.10.2 table D1-7.
 */
#include <stddef.h>

#include <cap/invoke.h>

#include "inject.h"

#define ESR_EC_SHIFT    26
#define ESR_EC_UNKNOWN  0x00ull /* an UNDEFINED instruction, from any level */
#define ESR_EC_IABT_LOW 0x20ull /* instruction abort from a lower exception level */
#define ESR_EC_IABT_CUR 0x21ull /* instruction abort without a change of level */
#define ESR_EC_DABT_LOW 0x24ull /* data abort from a lower exception level */
#define ESR_EC_DABT_CUR 0x25ull /* data abort without a change of level */
#define ESR_IL          (1ull << 25)
#define ESR_FNV         (1ull << 10)
#define ESR_WNR         (1ull << 6)
#define FSC_SEA         0x10ull /* synchronous external abort, not on a table walk (DFSC, IFSC) */

#define SPSR_M_MASK 0x1full
#define SPSR_M_EL0T 0x0ull
#define SPSR_M_EL1T 0x4ull
#define SPSR_ENTRY  0x3c5ull /* EL1h, D, A, I, F masked */

#define VECTOR_CUR_SP0  0x000ull /* current EL with SP_EL0 */
#define VECTOR_CUR_SPX  0x200ull /* current EL with SP_ELx */
#define VECTOR_LOWER_64 0x400ull /* lower EL, AArch64 */

_Static_assert(CV_VCPU_SPSR_EL1 == CV_VCPU_ELR_EL1 + 1 && CV_VCPU_ESR_EL1 == CV_VCPU_ELR_EL1 + 2 &&
                   CV_VCPU_FAR_EL1 == CV_VCPU_ELR_EL1 + 3,
               "one CV_OP_VCPU_WRITE_REGS writes ELR, SPSR, ESR and FAR of EL1");

/** The vector offset for an exception taken from PSTATE mode m (synchronous). */
static uint64_t inject_vector(uint64_t m)
{
    if (m == SPSR_M_EL0T)
        return VECTOR_LOWER_64;
    return m == SPSR_M_EL1T ? VECTOR_CUR_SP0 : VECTOR_CUR_SPX;
}

/**
 * What the CPU does on taking a synchronous exception to EL1 from vCPU i's
 * current state: ESR_EL1 = (ec_lower if it ran at EL0, else ec_same) with
 * IL and iss, ELR_EL1 = its pc, FAR_EL1 = its pc if far_is_pc (an
 * instruction abort's faulting address is the fetch's, the pc) else 0,
 * SPSR_EL1 = its PSTATE; it continues at the vector in EL1h, DAIF masked.
 */
static enum cv_err inject_sync(struct vm *vm, unsigned i, uint64_t ec_lower, uint64_t ec_same,
                               uint64_t iss, bool far_is_pc)
{
    const struct vm_vcpu *c = &vm->vcpu[i];
    struct cv_user_regs regs;
    uint64_t vbar;
    uint64_t args[2] = {CV_VCPU_VBAR, 1};
    enum cv_err err = cv_invoke(c->vcpu, CV_OP_VCPU_READ_REGS, args, 2, &vbar, 1);
    if (err == CV_OK)
        err = cv_tcb_read_regs(c->tcb, &regs);
    if (err != CV_OK)
        return err;
    uint64_t m = regs.spsr & SPSR_M_MASK;
    uint64_t ec = m == SPSR_M_EL0T ? ec_lower : ec_same;
    /* ELR_EL1, SPSR_EL1, ESR_EL1 and FAR_EL1 are consecutive (abi.h). */
    uint64_t esr = (ec << ESR_EC_SHIFT) | ESR_IL | iss;
    uint64_t el1[2 + 4] = {CV_VCPU_ELR_EL1, 4, regs.pc, regs.spsr, esr, far_is_pc ? regs.pc : 0};
    err = cv_invoke(c->vcpu, CV_OP_VCPU_WRITE_REGS, el1, 6, NULL, 0);
    if (err != CV_OK)
        return err;
    regs.pc = vbar + inject_vector(m);
    regs.spsr = SPSR_ENTRY;
    return cv_tcb_write_regs(c->tcb, &regs);
}

enum cv_err inject_data_abort(struct vm *vm, unsigned i, uint64_t esr)
{
    return inject_sync(vm, i, ESR_EC_DABT_LOW, ESR_EC_DABT_CUR, ESR_FNV | (esr & ESR_WNR) | FSC_SEA,
                       false);
}

enum cv_err inject_insn_abort(struct vm *vm, unsigned i)
{
    return inject_sync(vm, i, ESR_EC_IABT_LOW, ESR_EC_IABT_CUR, FSC_SEA, true);
}

enum cv_err inject_undef(struct vm *vm, unsigned i)
{
    return inject_sync(vm, i, ESR_EC_UNKNOWN, ESR_EC_UNKNOWN, 0, false);
}
