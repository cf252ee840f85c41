/*
 * The virtio-mmio transport, version 2 (virtio 1.2 section 4.2): a 512-byte
 * register window per device, registers at 0x000..0x0fc (32-bit accesses
 * only, section 4.2.2.2) and the device configuration space from 0x100.
 * Emulated as a const table of offset -> read/write handler.
 */
#ifndef VMM_VIRTIO_MMIO_H
#define VMM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/virtio.h"

#define VIRTIO_MMIO_SIZE   0x200u
#define VIRTIO_MMIO_MAGIC  0x74726976u /* "virt" */
#define VIRTIO_MMIO_CONFIG 0x100u

/** What an access did. */
enum virtio_mmio_result {
    VIRTIO_MMIO_OK = 0,
    VIRTIO_MMIO_BAD_ACCESS, /* a register access not 32 bits wide, or misaligned: ignored, reads 0
                             */
    VIRTIO_MMIO_NO_REG,     /* no register there: ignored, reads 0 */
    VIRTIO_MMIO_READ_ONLY,  /* a write to a read-only register: ignored */
    VIRTIO_MMIO_WRITE_ONLY, /* a read of a write-only register: reads 0 */
    VIRTIO_MMIO_LOCKED,     /* a queue field written while the queue is ready: ignored */
};

/**
 * A guest access at `offset` of device d's window. Every access has a
 * defined outcome; the result says which (for the VMM's rate-limited log).
 */
enum virtio_mmio_result virtio_mmio_access(struct virtio_dev *d, uint64_t offset, unsigned width,
                                           bool write, uint64_t *value);

/** A short text for a result. */
const char *virtio_mmio_strerror(enum virtio_mmio_result r);

#endif /* VMM_VIRTIO_MMIO_H */
