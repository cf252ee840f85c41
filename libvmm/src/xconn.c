/*
 * The cross-VM connector device (xconn.h).
 */
#include "vmm/xconn.h"

#define XCONN_REVISION 1u

/** Register BAR 0 reads. */
static uint32_t xconn_reg_read(const struct xconn *x, uint64_t off, enum xconn_result *r)
{
    *r = XCONN_OK;
    switch (off) {
    case XCONN_REG_MAGIC:
        return XCONN_MAGIC;
    case XCONN_REG_VERSION:
        return XCONN_VERSION;
    case XCONN_REG_COUNTS:
        return x->dataport_count | x->emit_count << 8 | x->event_count << 16;
    case XCONN_REG_EVENTS:
        return x->events;
    default:
        break;
    }
    if (off >= XCONN_REG_DOORBELL && off < XCONN_REG_DOORBELL + 4u * x->emit_count)
        return 0;
    *r = off >= XCONN_REG_DOORBELL ? XCONN_NO_DOORBELL : XCONN_NO_REGISTER;
    return 0;
}

/** The INTx output follows EVENTS. */
static void xconn_intx(struct xconn *x)
{
    pci_set_intx(&x->fn, x->events != 0);
}

/** Register BAR 0 writes. */
static enum xconn_result xconn_reg_write(struct xconn *x, uint64_t off, uint32_t value)
{
    if (off == XCONN_REG_EVENTS) {
        x->events &= ~value;
        xconn_intx(x);
        return XCONN_OK;
    }
    if (off >= XCONN_REG_DOORBELL) {
        uint64_t i = (off - XCONN_REG_DOORBELL) / 4u;
        if (i >= x->emit_count)
            return XCONN_NO_DOORBELL;
        x->stats.doorbells++;
        x->emit(x->ctx, (unsigned)i);
        return XCONN_OK;
    }
    return off < XCONN_REG_EVENTS ? XCONN_READ_ONLY : XCONN_NO_REGISTER;
}

/**
 * pci_bar_fn: BAR 0 is the registers; a dataport BAR reaches here only
 * while the VMM has not mapped it (it failed, or the guest moved it
 * outside the window), and is ignored then. Never refused to the bus: the
 * guest's access completes (reads 0), the outcome is in `last`.
 */
static bool xconn_bar(struct pci_func *f, unsigned bar, uint64_t off, unsigned width, bool write,
                      uint64_t *value)
{
    struct xconn *x = f->priv;
    enum xconn_result r = XCONN_OK;
    uint32_t v = 0;
    if (bar != 0)
        r = XCONN_DATAPORT_BAR;
    else if (width != 4 || off % 4u)
        r = XCONN_BAD_WIDTH;
    else if (write)
        r = xconn_reg_write(x, off, (uint32_t)*value);
    else
        v = xconn_reg_read(x, off, &r);
    if (!write)
        *value = v;
    x->last = r;
    x->last_off = off;
    if (r != XCONN_OK)
        x->stats.refused++;
    return true;
}

/** pci_func.command_changed and bars_changed: decoding may have moved. */
static void xconn_cfg_changed(struct pci_func *f)
{
    struct xconn *x = f->priv;
    if (x->layout)
        x->layout(x->ctx);
}

/** A power of two of at least the minimum (and at most 2 GiB: a 32-bit BAR). */
static bool xconn_size_ok(uint32_t size)
{
    return size >= XCONN_DATAPORT_MIN && (size & (size - 1u)) == 0;
}

bool xconn_init(struct xconn *x, const uint32_t *size, unsigned dataports, unsigned emits,
                unsigned events, xconn_emit_fn emit, xconn_layout_fn layout, void *ctx)
{
    if (dataports > XCONN_DATAPORTS_MAX || emits > XCONN_EMITS_MAX || events > XCONN_EVENTS_MAX)
        return false;
    for (unsigned i = 0; i < dataports; i++)
        if (!xconn_size_ok(size[i]))
            return false;
    *x = (struct xconn){.dataport_count = dataports,
                        .emit_count = emits,
                        .event_count = events,
                        .emit = emit,
                        .layout = layout,
                        .ctx = ctx};
    pci_func_init(&x->fn, XCONN_VENDOR_ID, XCONN_DEVICE_ID, XCONN_CLASS, XCONN_REVISION,
                  XCONN_VENDOR_ID, XCONN_DEVICE_ID);
    pci_set_bar(&x->fn, 0, XCONN_REGS_SIZE);
    for (unsigned i = 0; i < dataports; i++)
        pci_set_bar(&x->fn, 1 + i, size[i]);
    x->fn.bar_access = xconn_bar;
    x->fn.command_changed = xconn_cfg_changed;
    x->fn.bars_changed = xconn_cfg_changed;
    x->fn.priv = x;
    return true;
}

void xconn_raise(struct xconn *x, unsigned event)
{
    if (event >= x->event_count)
        return;
    x->stats.raised++;
    x->events |= 1u << event;
    xconn_intx(x);
}

bool xconn_bar_ipa(const struct xconn *x, unsigned dp, uint64_t window, uint64_t window_size,
                   uint64_t *ipa)
{
    if (dp >= x->dataport_count || !(pci_cfg_get(&x->fn, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
        return false;
    uint64_t size = x->fn.bar_size[1 + dp];
    uint64_t base = pci_cfg_get(&x->fn, PCI_BAR0 + 4u * (1 + dp), 4) & ~(uint64_t)0xfu;
    if (base == 0 || base < window || base - window >= window_size ||
        size > window_size - (base - window))
        return false;
    *ipa = base;
    return true;
}

const char *xconn_strerror(enum xconn_result r)
{
    static const char *const text[] = {
        [XCONN_OK] = "ok",
        [XCONN_BAD_WIDTH] = "not an aligned 32-bit access",
        [XCONN_NO_REGISTER] = "no register there",
        [XCONN_NO_DOORBELL] = "no such doorbell (past the events the guest emits)",
        [XCONN_READ_ONLY] = "a read-only register",
        [XCONN_DATAPORT_BAR] = "a dataport BAR that is not mapped",
    };
    return (unsigned)r < sizeof(text) / sizeof(text[0]) ? text[r] : "unknown";
}
