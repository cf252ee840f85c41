/*
 * An emulated PCI Express host bridge for a guest: bus 0 behind an ECAM
 * config space (PCI Express Base Specification, "Enhanced Configuration
 * Access Mechanism"; Linux's pci-host-ecam-generic binding), a 32-bit
 * memory window in which the guest kernel sizes and places the BARs, and
 * INTx lines. A function's config space (PCI Local Bus Specification 3.0,
 * chapter 6: the type 0 header, the capability list) is data: 256 bytes of
 * what reads return and 256 bytes of which bits a write may change, so a
 * BAR's size shows in the bits a guest cannot set (BAR sizing, 6.2.5.1)
 * and a read-only field stays what it is whatever the guest writes.
 */
#ifndef VMM_PCI_H
#define VMM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/types.h"

#define PCI_CFG_SIZE  256u /* conventional config space; the rest of ECAM's 4 KiB reads 0 */
#define PCI_BARS      6u
#define PCI_SLOTS     32u
#define PCI_ECAM_BUS0 0x100000ull /* ECAM bytes of bus 0 */
#define PCI_NO_CAP    0u

/* Type 0 header offsets (PCI 3.0 6.1) */
#define PCI_VENDOR_ID  0x00u
#define PCI_DEVICE_ID  0x02u
#define PCI_COMMAND    0x04u
#define PCI_STATUS     0x06u
#define PCI_REVISION   0x08u
#define PCI_CLASS      0x09u /* 3 bytes: programming interface, subclass, class */
#define PCI_BAR0       0x10u
#define PCI_SUBSYS_VID 0x2cu
#define PCI_SUBSYS_ID  0x2eu
#define PCI_CAP_PTR    0x34u
#define PCI_INT_LINE   0x3cu
#define PCI_INT_PIN    0x3du

#define PCI_COMMAND_MEMORY       0x0002u
#define PCI_COMMAND_MASTER       0x0004u
#define PCI_COMMAND_INTX_DISABLE 0x0400u
#define PCI_STATUS_INTERRUPT     0x0008u
#define PCI_STATUS_CAP_LIST      0x0010u

struct pci_func;

/** An access to BAR `bar` of f at `off` (inside its size). Returns false to refuse. */
typedef bool (*pci_bar_fn)(struct pci_func *f, unsigned bar, uint64_t off, unsigned width,
                           bool write, uint64_t *value);
/**
 * A config space window a function serves itself ([hook_off, hook_off +
 * hook_len)): virtio's PCI configuration access capability.
 */
typedef void (*pci_cfg_hook_fn)(struct pci_func *f, uint32_t off, unsigned width, bool write,
                                uint32_t *value);
/** An INTx line changed level. */
typedef void (*pci_intx_fn)(void *ctx, unsigned intid, bool level);

/** One function of a device on bus 0. */
struct pci_func {
    uint8_t cfg[PCI_CFG_SIZE];   /* what reads return */
    uint8_t wmask[PCI_CFG_SIZE]; /* bits a write may change */
    uint32_t bar_size[PCI_BARS]; /* 0: no BAR; a 32-bit memory BAR of that power-of-two size */
    uint8_t cap_last;            /* offset of the last capability, PCI_NO_CAP if none */
    uint8_t cap_free;            /* where the next capability goes */
    pci_bar_fn bar_access;
    pci_cfg_hook_fn cfg_hook;
    uint16_t hook_off, hook_len;
    void (*command_changed)(struct pci_func *f); /* after a write of Command (may be NULL) */
    void (*bars_changed)(struct pci_func *f);    /* after a write of a BAR (may be NULL) */
    void *priv;                                  /* the device's own state */
    unsigned intid;      /* its INTx line (after the bridge's swizzle), 0 if none */
    bool intx;           /* the device's interrupt output, before Command.INTx_DISABLE */
    struct pci_bus *bus; /* set by pci_bus_add */
};

/** Bus 0 of the host bridge. */
struct pci_bus {
    struct pci_func *slot[PCI_SLOTS];
    ipa_t window; /* the memory window's base */
    uint64_t window_size;
    pci_intx_fn intx;
    void *ctx;
    bool line[4]; /* levels reported on the bridge's four lines, from intx_base */
    unsigned intx_base;
};

/** What a config space or window access did. */
enum pci_result {
    PCI_OK = 0,
    PCI_BAD_ACCESS, /* not a 1, 2 or 4 byte naturally aligned access: ignored, reads 0 */
    PCI_NO_FUNC,    /* no function there: reads all ones, writes ignored */
    PCI_NO_BAR,     /* no enabled BAR holds the address: reads all ones, writes ignored */
    PCI_REFUSED,    /* the function refused the access */
};

/**
 * A function with its IDs (class: class << 16 | subclass << 8 | prog-if),
 * interrupt pin INTA, no BARs and no capabilities yet.
 */
void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id);

/** BAR `bar`: 32-bit memory, non-prefetchable, `size` bytes (a power of two >= 16). */
void pci_set_bar(struct pci_func *f, unsigned bar, uint32_t size);

/**
 * Appends a capability of `len` bytes (body[0] is its ID, body[1] the next
 * pointer, filled in here) to the list; returns its offset, or 0 if the
 * config space is full. Its bytes are read-only unless pci_cap_writable.
 */
uint8_t pci_add_cap(struct pci_func *f, const uint8_t *body, unsigned len);

/** Lets the guest write bytes [off, off + len) of config space. */
void pci_cfg_writable(struct pci_func *f, unsigned off, unsigned len);

/** An empty bus 0 whose INTx lines intx_base..intx_base + 3 are reported to intx(ctx). */
void pci_bus_init(struct pci_bus *b, ipa_t window, uint64_t window_size, unsigned intx_base,
                  pci_intx_fn intx, void *ctx);

/** Puts f at device `slot` (function 0) of bus 0 with INTx line `intid`. */
bool pci_bus_add(struct pci_bus *b, unsigned slot, unsigned intid, struct pci_func *f);

/** A guest access at `off` of the ECAM window (bus 0 only: off < PCI_ECAM_BUS0). */
enum pci_result pci_ecam_access(struct pci_bus *b, uint64_t off, unsigned width, bool write,
                                uint64_t *value);

/** A guest access at `off` of the memory window: to the BAR there, if any. */
enum pci_result pci_window_access(struct pci_bus *b, uint64_t off, unsigned width, bool write,
                                  uint64_t *value);

/** The function's interrupt output: its INTx line follows (unless disabled). */
void pci_set_intx(struct pci_func *f, bool level);

/** Reads `width` bytes of f's config space at off (in range), little-endian. */
uint32_t pci_cfg_get(const struct pci_func *f, unsigned off, unsigned width);

/** Sets `width` bytes of f's config space at off (in range), ignoring wmask. */
void pci_cfg_set(struct pci_func *f, unsigned off, unsigned width, uint32_t value);

/** A short text for a result. */
const char *pci_strerror(enum pci_result r);

#endif /* VMM_PCI_H */
