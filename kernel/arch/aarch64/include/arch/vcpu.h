/*
 * The AArch64 part of a VCPU (kernel/vcpu.h struct vcpu embeds it): the guest's EL1 system
 * registers and timers, indexed as the ABI's VCPU_READ/WRITE_REGS has them (abi.h enum
 * cv_vcpu_reg). The GIC interface's VMCR and APR live in the generic struct vcpu (irqc.h); their
 * slots here are unused (arch_vcpu_reg maps them).
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <capvisor/abi.h>
#include <stdbool.h>
#include <stdint.h>

/* dbg[]: 16 breakpoint (value, control) pairs, 16 watchpoint pairs, then
 * MDSCR_EL1, OSLSR_EL1 and OSDLR_EL1 (vcpu.c arch_vcpu_save). */
enum { ARCH_DBG_MDSCR = 64, ARCH_DBG_OSLSR, ARCH_DBG_OSDLR, ARCH_DBG_WORDS };

/* Where a vCPU's debug registers are (vcpu.c dbg_enter): in dbg[] with its
 * accesses trapped (LAZY), to be loaded after an access trapped (WANTED),
 * or loaded while it runs (LOADED). dbg_hw: this core's registers hold
 * dbg[] as of the last save (meaningful while its EL1 state is live). */
enum { ARCH_DBG_LAZY, ARCH_DBG_WANTED, ARCH_DBG_LOADED };

struct vcpu_arch {
    uint64_t reg[CV_VCPU_REG_COUNT];
    uint64_t dbg[ARCH_DBG_WORDS];
    uint8_t dbg_state;
    bool dbg_hw;
};

/** debug.S: the breakpoint and watchpoint pairs the CPU has, to and from dbg. */
void arch_dbg_save(uint64_t *dbg);
void arch_dbg_restore(const uint64_t *dbg);

#endif
