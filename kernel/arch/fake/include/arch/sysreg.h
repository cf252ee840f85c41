/* What <arch/pte.h> needs from it: constants usable from C. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#define SR_ULL(x) x##ull

#endif
