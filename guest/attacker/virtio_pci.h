/*
 * attacker: its attacks on the VMM's PCI host bridge and virtio-pci device
 * (virtio_pci.c).
 */
#ifndef ATTACKER_VIRTIO_PCI_H
#define ATTACKER_VIRTIO_PCI_H

/**
 * Enumerates vm1's PCI bus 0, writes its read-only config space, sizes
 * and places the virtio console's BAR (also over RAM and the GIC), then
 * drives it with bad rings and bad register use; checks each case's
 * defined outcome and that the device works again after it, and prints
 * one line per case and a count.
 */
void attack_virtio_pci(void);

#endif /* ATTACKER_VIRTIO_PCI_H */
