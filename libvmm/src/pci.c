/*
 * PCI host bridge, bus 0 (pci.h).
 */
#include <string.h>

#include "vmm/pci.h"

#define PCI_BAR_FLAGS 0xfu  /* memory space indicator, type and prefetchable: 0 */
#define CAP_FIRST     0x40u /* capabilities follow the 64-byte header */

/** Little-endian bytes of `value` at p. */
static void bytes_set(uint8_t *p, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

uint32_t pci_cfg_get(const struct pci_func *f, unsigned off, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)f->cfg[off + i] << (8 * i);
    return v;
}

void pci_cfg_set(struct pci_func *f, unsigned off, unsigned width, uint32_t value)
{
    bytes_set(&f->cfg[off], width, value);
}

void pci_cfg_writable(struct pci_func *f, unsigned off, unsigned len)
{
    memset(&f->wmask[off], 0xff, len);
}

void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code,
                   uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id)
{
    memset(f, 0, sizeof(*f));
    pci_cfg_set(f, PCI_VENDOR_ID, 2, vendor);
    pci_cfg_set(f, PCI_DEVICE_ID, 2, device);
    pci_cfg_set(f, PCI_REVISION, 1, revision);
    pci_cfg_set(f, PCI_CLASS, 3, class_code);
    pci_cfg_set(f, PCI_SUBSYS_VID, 2, subsys_vendor);
    pci_cfg_set(f, PCI_SUBSYS_ID, 2, subsys_id);
    pci_cfg_set(f, PCI_INT_PIN, 1, 1); /* INTA */
    /* what system software sets: memory decode, bus mastering, INTx off;
     * the cache line size and latency timer; the interrupt line */
    bytes_set(&f->wmask[PCI_COMMAND], 2,
              PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    pci_cfg_writable(f, 0x0c, 2);
    pci_cfg_writable(f, PCI_INT_LINE, 1);
    f->cap_free = CAP_FIRST;
}

void pci_set_bar(struct pci_func *f, unsigned bar, uint32_t size)
{
    unsigned off = PCI_BAR0 + 4 * bar;
    f->bar_size[bar] = size;
    pci_cfg_set(f, off, 4, 0);
    /* the address bits a BAR of this size decodes; writing all ones reads
     * back ~(size - 1): the guest's BAR sizing */
    bytes_set(&f->wmask[off], 4, ~(size - 1u) & ~PCI_BAR_FLAGS);
}

uint8_t pci_add_cap(struct pci_func *f, const uint8_t *body, unsigned len)
{
    unsigned at = (f->cap_free + 3u) & ~3u;
    if (len < 2 || at + len > PCI_CFG_SIZE)
        return 0;
    memcpy(&f->cfg[at], body, len);
    f->cfg[at + 1] = PCI_NO_CAP;
    if (f->cap_last == PCI_NO_CAP)
        f->cfg[PCI_CAP_PTR] = (uint8_t)at;
    else
        f->cfg[f->cap_last + 1] = (uint8_t)at;
    f->cap_last = (uint8_t)at;
    f->cap_free = (uint8_t)(at + len);
    pci_cfg_set(f, PCI_STATUS, 2, pci_cfg_get(f, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
    return (uint8_t)at;
}

void pci_bus_init(struct pci_bus *b, ipa_t window, uint64_t window_size, unsigned intx_base,
                  pci_intx_fn intx, void *ctx)
{
    memset(b, 0, sizeof(*b));
    b->window = window;
    b->window_size = window_size;
    b->intx_base = intx_base;
    b->intx = intx;
    b->ctx = ctx;
}

bool pci_bus_add(struct pci_bus *b, unsigned slot, unsigned intid, struct pci_func *f)
{
    if (slot >= PCI_SLOTS || b->slot[slot] || intid < b->intx_base || intid >= b->intx_base + 4)
        return false;
    f->bus = b;
    f->intid = intid;
    b->slot[slot] = f;
    return true;
}

/** Recomputes line `intid` of the bridge: the OR of the functions sharing it. */
static void pci_line_update(struct pci_bus *b, unsigned intid)
{
    bool level = false;
    for (unsigned s = 0; s < PCI_SLOTS; s++) {
        const struct pci_func *f = b->slot[s];
        if (f && f->intid == intid && f->intx &&
            !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE))
            level = true;
    }
    bool *was = &b->line[intid - b->intx_base];
    if (level != *was) {
        *was = level;
        b->intx(b->ctx, intid, level);
    }
}

/** Status.Interrupt shows the device's output; its line follows. */
static void pci_intx_update(struct pci_func *f)
{
    uint32_t status = pci_cfg_get(f, PCI_STATUS, 2) & ~PCI_STATUS_INTERRUPT;
    pci_cfg_set(f, PCI_STATUS, 2, status | (f->intx ? PCI_STATUS_INTERRUPT : 0));
    if (f->bus)
        pci_line_update(f->bus, f->intid);
}

void pci_set_intx(struct pci_func *f, bool level)
{
    f->intx = level;
    pci_intx_update(f);
}

/** A config write: each byte through its write mask, then what it changes. */
static void pci_cfg_write(struct pci_func *f, unsigned off, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width; i++) {
        uint8_t m = f->wmask[off + i], v = (uint8_t)(value >> (8 * i));
        f->cfg[off + i] = (uint8_t)((f->cfg[off + i] & ~m) | (v & m));
    }
    if (off < PCI_COMMAND + 2 && off + width > PCI_COMMAND) {
        pci_intx_update(f); /* INTx_DISABLE may have changed */
        if (f->command_changed)
            f->command_changed(f);
    }
    if (off < PCI_BAR0 + 4 * PCI_BARS && off + width > PCI_BAR0 && f->bars_changed)
        f->bars_changed(f);
}

/** A naturally aligned 1, 2 or 4 byte access? */
static bool pci_aligned(uint64_t off, unsigned width)
{
    return (width == 1 || width == 2 || width == 4) && off % width == 0;
}

/** Config space register `reg` of f, through its hook where it has one. */
static void pci_cfg_access(struct pci_func *f, unsigned reg, unsigned width, bool write,
                           uint64_t *value)
{
    if (reg >= PCI_CFG_SIZE) { /* no extended capabilities */
        if (!write)
            *value = 0;
        return;
    }
    if (f->cfg_hook && reg >= f->hook_off && reg + width <= f->hook_off + f->hook_len) {
        uint32_t v = (uint32_t)*value;
        f->cfg_hook(f, reg, width, write, &v);
        if (!write)
            *value = v;
        return;
    }
    if (write)
        pci_cfg_write(f, reg, width, (uint32_t)*value);
    else
        *value = pci_cfg_get(f, reg, width);
}

enum pci_result pci_ecam_access(struct pci_bus *b, uint64_t off, unsigned width, bool write,
                                uint64_t *value)
{
    if (!write)
        *value = 0;
    if (!pci_aligned(off, width))
        return PCI_BAD_ACCESS;
    unsigned dev = (unsigned)(off >> 15) & 31u, fn = (unsigned)(off >> 12) & 7u;
    struct pci_func *f = off < PCI_ECAM_BUS0 && fn == 0 ? b->slot[dev] : NULL;
    if (!f) {
        if (!write)
            *value = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1u;
        return PCI_NO_FUNC;
    }
    pci_cfg_access(f, (unsigned)(off & 0xfffu), width, write, value);
    return PCI_OK;
}

/** The BAR of f holding IPA `a` with `width` bytes, or -1. */
static int pci_bar_at(const struct pci_func *f, uint64_t a, unsigned width)
{
    if (!(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
        return -1;
    for (unsigned bar = 0; bar < PCI_BARS; bar++) {
        uint64_t size = f->bar_size[bar];
        uint64_t base = pci_cfg_get(f, PCI_BAR0 + 4 * bar, 4) & ~(uint64_t)PCI_BAR_FLAGS;
        if (size && a >= base && a - base < size && width <= size - (a - base))
            return (int)bar;
    }
    return -1;
}

enum pci_result pci_window_access(struct pci_bus *b, uint64_t off, unsigned width, bool write,
                                  uint64_t *value)
{
    if (!write)
        *value = 0;
    if (!pci_aligned(off, width) || off >= b->window_size)
        return PCI_BAD_ACCESS;
    /* a BAR the guest placed outside the window is never reached: the
     * bridge only forwards what falls in it */
    uint64_t a = b->window.v + off;
    for (unsigned s = 0; s < PCI_SLOTS; s++) {
        struct pci_func *f = b->slot[s];
        int bar = f ? pci_bar_at(f, a, width) : -1;
        if (bar < 0)
            continue;
        uint64_t base = pci_cfg_get(f, PCI_BAR0 + 4 * (unsigned)bar, 4) & ~(uint64_t)PCI_BAR_FLAGS;
        return f->bar_access(f, (unsigned)bar, a - base, width, write, value) ? PCI_OK
                                                                              : PCI_REFUSED;
    }
    if (!write)
        *value = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1u;
    return PCI_NO_BAR;
}

const char *pci_strerror(enum pci_result r)
{
    switch (r) {
    case PCI_OK:
        return "ok";
    case PCI_BAD_ACCESS:
        return "not a naturally aligned 1, 2 or 4 byte access";
    case PCI_NO_FUNC:
        return "no function there";
    case PCI_NO_BAR:
        return "no BAR there";
    case PCI_REFUSED:
        return "refused by the device";
    }
    return "unknown";
}
