/* FP/SIMD register save/restore and the EL2 trap control (CPTR_EL2.TFP). */
#include <arch/sysreg.h>
#include <kernel/fpu.h>

void arch_fpu_save(struct fpu_state *s)
{
    __asm__ volatile("stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n"
                     "stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
                     "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
                     "stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
                     "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
                     "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
                     "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
                     "stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
                     :
                     : "r"(s->q)
                     : "memory");
    uint64_t fpsr, fpcr;
    __asm__ volatile("mrs %0, fpsr\n mrs %1, fpcr" : "=r"(fpsr), "=r"(fpcr));
    s->fpsr = fpsr;
    s->fpcr = fpcr;
}

void arch_fpu_restore(const struct fpu_state *s)
{
    __asm__ volatile("ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n"
                     "ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
                     "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
                     "ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
                     "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
                     "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
                     "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
                     "ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
                     :
                     : "r"(s->q)
                     : "memory");
    __asm__ volatile("msr fpsr, %0\n msr fpcr, %1" : : "r"(s->fpsr), "r"(s->fpcr));
}

void arch_fpu_set_trap(bool trap)
{
    /* TFP is the only bit the kernel changes (head.S sets the rest) */
    uint64_t v = CPTR_EL2_RES1 | (trap ? CPTR_TFP : 0);
    __asm__ volatile("msr cptr_el2, %0\n isb" : : "r"(v));
}

void arch_fpu_init(void)
{
    /* CPACR_EL1.FPEN = 0b11: EL0 use is governed by CPTR_EL2.TFP alone */
    __asm__ volatile("msr cpacr_el1, %0\n isb" : : "r"(3ull << 20));
    arch_fpu_set_trap(true);
}
