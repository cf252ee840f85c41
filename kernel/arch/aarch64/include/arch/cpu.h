/* Small CPU hints for generic code (kernel/lock.h). */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

/** In a spin loop: let the other hardware thread or a hypervisor run. */
static inline void arch_relax(void)
{
    __asm__ volatile("yield");
}

#endif
