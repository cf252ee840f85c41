/*
 * The AArch64 part of a VCPU (kernel/vcpu.h struct vcpu embeds it): the
 * guest's EL1 system registers and timers, indexed as the ABI's
 * VCPU_READ/WRITE_REGS has them (abi.h enum cv_vcpu_reg). The GIC
 * interface's VMCR and APR live in the generic struct vcpu (irqc.h); their
 * slots here are unused (arch_vcpu_reg maps them).
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <capvisor/abi.h>
#include <stdint.h>

struct vcpu_arch {
    uint64_t reg[CV_VCPU_REG_COUNT];
};

#endif
