/* The fake architecture's CPU hints: host tests run on one thread. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

static inline void arch_relax(void)
{
}

#endif
