/*
 * EL2 physical timer (CNTHP, ARM ARM D11 "The Generic Timer"). Its PPI (26 on QEMU virt) is enabled
 * per core by arch_gic_init_core. The timer output is level-triggered: it stays asserted until the
 * compare value is moved or the timer is disabled, so the interrupt handler must call
 * arch_timer_set or arch_timer_cancel before the EOI.
 */
#include <arch/sysreg.h>
#include <kernel/arch.h>

void arch_timer_init_core(void)
{
    sysreg_write(cnthp_ctl_el2, 0);
    isb();
}

uint64_t arch_timer_now(void)
{
    isb(); /* CNTPCT reads are not ordered with earlier instructions otherwise */
    return sysreg_read(cntpct_el0);
}

uint64_t arch_timer_freq(void)
{
    return sysreg_read(cntfrq_el0);
}

/** Uses CVAL (64-bit) rather than TVAL (signed 32-bit) so long delays do not wrap. */
void arch_timer_set(uint64_t ticks)
{
    uint64_t now = arch_timer_now();
    uint64_t when = now + ticks;
    if (when < now)
        when = UINT64_MAX;
    sysreg_write(cnthp_cval_el2, when);
    sysreg_write(cnthp_ctl_el2, CNT_CTL_ENABLE);
    isb();
}

void arch_timer_cancel(void)
{
    sysreg_write(cnthp_ctl_el2, 0);
    isb();
}
