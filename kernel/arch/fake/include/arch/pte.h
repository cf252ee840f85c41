/*
 * Stage-2 descriptors: the fake architecture walks the same LPAE tables as
 * AArch64 (and as ARMv7's LPAE stage 2 would): they are data to the
 * generic vspace code, which the host tests exercise as they are.
 */
#include "../../../aarch64/include/arch/pte.h"
