/*
 * attacker: its attacks on the VMM's virtio-mmio device (virtio.c).
 */
#ifndef ATTACKER_VIRTIO_H
#define ATTACKER_VIRTIO_H

/**
 * Drives vm1's virtio console (evil0) with bad rings and bad register use,
 * checks each case's defined outcome and that the device works again
 * after it, and prints one line per case and a count.
 */
void attack_virtio(void);

#endif /* ATTACKER_VIRTIO_H */
