/*
 * The fake architecture (kernel/arch/fake): the generic kernel linked into
 * a host program, for unit tests of its scheduling, system call decode and
 * vCPU logic (tests/host/test_kernel_generic.c). Physical memory is host
 * memory (pa_ptr is the identity); the "hardware" is this structure. A
 * test puts a thread's registers and a syndrome in place, enters the kernel
 * with fake_run and gets control back when the kernel leaves: into a
 * thread (its registers in fake.ran), into idle, or halted.
 */
#ifndef ARCH_FAKE_H
#define ARCH_FAKE_H

#include <kernel/arch.h>

enum fake_stop {
    FAKE_RAN_USER = 1, /* arch_return_to_user(fake.ran) */
    FAKE_RAN_GUEST,    /* arch_return_to_guest(fake.ran) */
    FAKE_IDLE,         /* arch_idle_wait: nothing to run */
    FAKE_HALTED,       /* arch_halt or arch_system_off (a kernel panic) */
};

#define FAKE_MAX_CORES 8
#define FAKE_LOG_SIZE  8192

struct fake_machine {
    /* set by the test before an entry */
    uint64_t esr, far, ipa; /* the exception in hand; ipa of a guest abort */
    uint64_t now;           /* the counter (arch_timer_now, arch_read_cntvct) */
    uint32_t irq;           /* what arch_irq_ack returns (ARCH_IRQ_SPURIOUS: none) */
    /* what the kernel did */
    const struct arch_regs *ran;
    uint64_t timer_at; /* absolute deadline of arch_timer_set, 0 if cancelled */
    uint32_t ipis[FAKE_MAX_CORES];
    uint32_t eois, tlb_flushes, vspace_switches;
    bool fpu_trapped, guest_mode;
    char log[FAKE_LOG_SIZE]; /* the console */
    uint32_t log_len;
};

extern struct fake_machine fake;

/** Installs `c` as the running core and calls entry until the kernel leaves. */
enum fake_stop fake_run(struct core *c, void (*entry)(void));

#endif
