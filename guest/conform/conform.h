/*
 * conform: the suite's runtime (conform.c) and its cases (cases.c). Each
 * case is a function that returns NULL for ok, or a short reason it failed
 * or was skipped; the runner prints one line per case on the emulated
 * PL011 and the counts at the end, which tests/system checks.
 */
#ifndef CONFORM_H
#define CONFORM_H

#define CONFORM_CPUS        4u  /* vCPUs the SMP cases use at most */
#define CONFORM_STACK_SHIFT 10u /* a secondary vCPU's stack: 1 KiB */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "psci.h" /* the PSCI function IDs */

/*
 * The last synchronous exception (head.S conform_sync writes it): a case
 * clears it with conform_exc_clear, provokes one, and checks what came.
 */
struct conform_exc {
    uint64_t esr;
    uint64_t far;
    uint64_t elr;
    uint64_t count;  /* exceptions taken since the clear */
    uint64_t ret_lr; /* set by a case: return to x30, not past the instruction */
};
extern volatile struct conform_exc conform_exc;

/** What a case found: its outcome and, unless ok, why (a string constant). */
enum conform_outcome { CONFORM_OK, CONFORM_FAIL, CONFORM_SKIP };
struct conform_result {
    enum conform_outcome outcome;
    const char *why;
};
#define CONFORM_PASS         ((struct conform_result){CONFORM_OK, 0})
#define CONFORM_FAILED(why)  ((struct conform_result){CONFORM_FAIL, (why)})
#define CONFORM_SKIPPED(why) ((struct conform_result){CONFORM_SKIP, (why)})

/** One case: its name (group.what) and its function. */
struct conform_case {
    const char *name;
    struct conform_result (*run)(void);
};
extern const struct conform_case conform_cases[];
extern const unsigned conform_case_count;

/* ESR_ELx (ARM ARM D17.2.40): EC [31:26], IL [25], ISS [24:0]. */
#define ESR_EC(esr)  ((uint32_t)((esr) >> 26) & 0x3fu)
#define ESR_IL       (1ull << 25)
#define ESR_FNV      (1ull << 10)
#define ESR_FSC(esr) ((uint32_t)(esr)&0x3fu)

/**
 * Just before the power-off: vCPU 1 (if there is one) prints a line and
 * spins without an exit, and vCPU 0 powers off as soon as the line is
 * written. The line is then in vCPU 1's posted UART writes, which the VMM
 * must print before its own power-off line (issue 16 item 6).
 */
void conform_last_words(void);

/** A value the runner prints after a FAIL's reason ("got 0x..."): what was wrong. */
void conform_got(uint64_t v);

/** Forgets the last exception (and any ret_lr). */
void conform_exc_clear(void);

/** uint64_t conform_hvc: an SMCCC call over HVC #0; x0 back. */
uint64_t conform_hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);

/** The counter (CNTVCT_EL0) and its frequency (CNTFRQ_EL0). */
uint64_t conform_now(void);
uint64_t conform_hz(void);
#endif /* __ASSEMBLER__ */

#endif /* CONFORM_H */
