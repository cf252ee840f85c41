/*
 * The virtio-pci transport, modern only (virtio 1.2 section 4.1): a virtio
 * device as a PCI function (vendor 0x1af4, device 0x1040 + device ID,
 * revision 1) whose one memory BAR holds the common configuration, the
 * ISR status, the device configuration and the notification area, each
 * found by the guest through a vendor-specific capability (4.1.4); plus
 * the PCI configuration access capability (4.1.4.9). No MSI-X: the device
 * interrupts on INTx, its level the ISR's (4.1.4.5).
 */
#ifndef VMM_VIRTIO_PCI_H
#define VMM_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/pci.h"
#include "vmm/virtio.h"

#define VIRTIO_PCI_VENDOR   0x1af4u
#define VIRTIO_PCI_DEVICE0  0x1040u /* + virtio device ID */
#define VIRTIO_PCI_BAR      0u
#define VIRTIO_PCI_BAR_SIZE 0x4000u
/* Where the structures lie in the BAR. */
#define VIRTIO_PCI_COMMON      0x0000u
#define VIRTIO_PCI_ISR         0x1000u
#define VIRTIO_PCI_DEVCFG      0x2000u
#define VIRTIO_PCI_NOTIFY      0x3000u
#define VIRTIO_PCI_NOTIFY_MULT 4u /* notify_off_multiplier: queue q at NOTIFY + 4 q */

/** What an access to the BAR did (for the VMM's rate-limited log). */
enum virtio_pci_result {
    VIRTIO_PCI_OK = 0,
    VIRTIO_PCI_BAD_ACCESS, /* a field accessed at another width or offset: ignored, reads 0 */
    VIRTIO_PCI_NO_REG,     /* nothing there: ignored, reads 0 */
    VIRTIO_PCI_READ_ONLY,  /* a write to a read-only field: ignored */
    VIRTIO_PCI_LOCKED,     /* a queue field written while the queue is ready: ignored */
};

/** The transport: the PCI function and the virtio device behind it. */
struct virtio_pci {
    struct pci_func fn;
    struct virtio_dev *dev;
    uint8_t cfg_cap;             /* offset of the PCI configuration access capability */
    enum virtio_pci_result last; /* the outcome of the last access (for the VMM's log) */
};

/* PCI class codes of the device types (PCI Code and ID Assignment 1.x). */
#define VIRTIO_PCI_CLASS_NET     0x020000u /* network controller, Ethernet */
#define VIRTIO_PCI_CLASS_CONSOLE 0x078000u /* communication controller, other */
#define VIRTIO_PCI_CLASS_OTHER   0xff0000u /* unassigned class */

/** The PCI class code for a virtio device ID (VIRTIO_ID_*). */
uint32_t virtio_pci_class(uint32_t device_id);

/** Makes `vp` the PCI function of `dev` (its BAR unplaced, memory decode off). */
void virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev, uint32_t class_code);

/** The device's interrupt output changed (from its virtio_irq_fn): INTx follows. */
void virtio_pci_irq(struct virtio_pci *vp, bool level);

/** A short text for a result. */
const char *virtio_pci_strerror(enum virtio_pci_result r);

#endif /* VMM_VIRTIO_PCI_H */
