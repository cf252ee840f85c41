/*
 * The PCI fuzz targets' input record (fuzz_pci.c, fuzz_xconn.c): 12 bytes,
 * [0] kind and width (bit 0: ECAM, else the memory window; bits 1-2: the
 * width 1, 2, 4 or 8; bit 3: a write; bit 4 and up: the target's own),
 * [1..3] offset (window offsets are shifted left by 4), [4..11] value.
 */
#ifndef FUZZ_PCI_REC_H
#define FUZZ_PCI_REC_H

#include <stdint.h>

#include "vmm/pci.h"

#define FUZZ_PCI_REC 12u

/** Little-endian `bytes` bytes at p. */
static inline uint64_t fuzz_pci_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/** Does record r's access on bus b (a window of window_size bytes). */
static inline void fuzz_pci_access(struct pci_bus *b, uint64_t window_size, const uint8_t *r)
{
    static const unsigned widths[4] = {1, 2, 4, 8};
    unsigned width = widths[(r[0] >> 1) & 3];
    bool write = r[0] & 8;
    uint64_t off = fuzz_pci_le(r + 1, 3), value = fuzz_pci_le(r + 4, 8);
    if (r[0] & 1)
        (void)pci_ecam_access(b, off & (PCI_ECAM_BUS0 - 1), width, write, &value);
    else
        (void)pci_window_access(b, (off << 4) % window_size, width, write, &value);
}

#endif /* FUZZ_PCI_REC_H */
