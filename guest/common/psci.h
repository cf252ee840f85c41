/*
 * The bare-metal guests' firmware calls (guest/conform, guest/vbench):
 * PSCI 1.0 (DEN 0022) over HVC #0 with the SMCCC (DEN 0028) register
 * convention. Under a capvisor VMM the HVC exits to the VMM (components/vmm
 * fw.c); on bare QEMU at EL1 (virtualization=off) QEMU answers it itself.
 */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

/* Function IDs, SMC64 where there are two. */
#define PSCI_VERSION       0x84000000ull
#define PSCI_CPU_OFF       0x84000002ull
#define PSCI_CPU_ON        0xc4000003ull
#define PSCI_AFFINITY_INFO 0xc4000004ull
#define PSCI_SYSTEM_OFF    0x84000008ull

#ifndef __ASSEMBLER__
#include <stdint.h>

/** One call (psci.S): x0 = fid, x1..x3 the arguments, x0 back. */
uint64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
#endif

#endif /* GUEST_PSCI_H */
