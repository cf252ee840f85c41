/* The fake architecture's part of a VCPU: the guest registers the ABI names. */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <capvisor/abi.h>
#include <stdint.h>

struct vcpu_arch {
    uint64_t reg[CV_VCPU_REG_COUNT];
};

#endif
