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

/*
 * Interrupts (head.S conform_irq, conform.c conform_irq_handle): the
 * handler acknowledges one (GICC_IAR), records it in the record of the
 * vCPU that took it (MPIDR_EL1.Aff0), EOIs it and returns; a spurious
 * acknowledge (1023) is only counted. A timer's PPI also gets that timer's
 * IMASK set before the EOI, as Linux's handler does: its level drops, so
 * it does not come straight back. The suite runs with PSTATE.I set; a case
 * clears its record (conform_irq_clear) and unmasks where it waits for one.
 */
struct conform_irq {
    uint64_t count;    /* interrupts taken since the clear, spurious ones not */
    uint64_t spurious; /* acknowledges that found nothing (GICC_IAR 1023) */
    /* the first interrupt since the clear: */
    uint32_t intid;
    uint32_t vcpu;      /* MPIDR_EL1.Aff0 of the vCPU that took it */
    uint64_t cntvct;    /* CNTVCT_EL0 at the handler's entry */
    uint64_t cntpct;    /* CNTPCT_EL0 there */
    uint64_t timer_ctl; /* for a timer's PPI: its CNTV_CTL or CNTP_CTL there (ISTATUS) */
};
extern volatile struct conform_irq conform_irq[CONFORM_CPUS];

/** This vCPU's index (MPIDR_EL1.Aff0). */
unsigned conform_vcpu(void);

/** Clears this vCPU's interrupt record. */
void conform_irq_clear(void);

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

/** Programs the physical or virtual EL1 timer: CVAL, then CTL (as the guest of a hypervisor
 * would), then an ISB. */
void conform_timer_set(bool phys, uint64_t cval, uint64_t ctl);
/* The timer cases (timer.c). */
struct conform_result timer_virt_fires(void);
struct conform_result timer_phys_fires(void);
struct conform_result timer_disabled_nothing_pending(void);
struct conform_result timer_masked_nothing_pending(void);
struct conform_result timer_future_nothing_pending(void);
struct conform_result timer_ppi_off_nothing_pending(void);

/* The IPI case (ipi.c). A secondary vCPU started while conform_ipi_mode is
 * set runs conform_ipi_partner (SGIs to and from vCPU 0) before it turns
 * itself off. */
struct conform_result smp_ipi(void);
struct conform_result irq_eoi_then_exit(void);
struct conform_result irq_eoi_then_wfi(void);
extern volatile uint32_t conform_ipi_mode;
void conform_ipi_partner(void);
void conform_secondary(void);

/* The PSCI cases (power.c). A secondary vCPU started while
 * conform_power_mode is set runs conform_power_secondary, then turns itself
 * off. */
struct conform_result psci_cpu_on_errors(void);
struct conform_result psci_cpu_on_race(void);
extern volatile uint32_t conform_power_mode;
void conform_power_secondary(unsigned index);

/* ESR_ELx (ARM D17.2.40): EC [31:26], IL [25], ISS [24:0]. */
#define ESR_EC(esr)  ((uint32_t)((esr) >> 26) & 0x3fu)
#define ESR_IL       (1ull << 25)
#define ESR_FNV      (1ull << 10)
#define ESR_FSC(esr) ((uint32_t)(esr)&0x3fu)

/* CNTV_CTL_EL0 and CNTP_CTL_EL0 (ARM ARM D11.2.4, D19.10). */
#define CNT_CTL_ENABLE  1u
#define CNT_CTL_IMASK   2u
#define CNT_CTL_ISTATUS 4u

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
/** uint64_t conform_eoi_hvc: GICC_EOIR <- iar (at eoir), then at once HVC #0 with x0; x0 back. */
uint64_t conform_eoi_hvc(uint64_t eoir, uint32_t iar, uint64_t x0);
/** void conform_eoi_wfi: GICC_EOIR <- iar (at eoir), then at once WFI. */
void conform_eoi_wfi(uint64_t eoir, uint32_t iar);

/** The counter (CNTVCT_EL0) and its frequency (CNTFRQ_EL0). */
uint64_t conform_now(void);
uint64_t conform_hz(void);
/**
 * Waits, in WFE (whoever changes *v sends SEV), up to 20 s of counter time
 * for *v to reach want; false if it did not.
 */
bool conform_wait(const volatile uint64_t *v, uint64_t want);
#endif /* __ASSEMBLER__ */

#endif /* CONFORM_H */
