/*
 * The cross-VM connector: an emulated PCI function through which a guest
 * process and a native component share memory and signal each other
 * (docs/xconn.md). The guest binds it with Linux's stock uio_pci_generic.
 *
 * BAR 0 is a 4 KiB register page; BARs 1..XCONN_DATAPORTS_MAX are the
 * connection's dataports, each one whole dataport (a power of two of at
 * least 4 KiB). The VMM maps a dataport's frames at its BAR's address in
 * the guest's stage 2 while the BAR decodes (xconn_bar_ipa), so the guest
 * reaches them without an exit; this model only says where they go.
 *
 * Registers (BAR 0, 32-bit accesses only):
 *   0x000 MAGIC     "XCON" (0x4e4f4358), read-only
 *   0x004 VERSION   1, read-only
 *   0x008 COUNTS    dataports | emits << 8 | events << 16, read-only
 *   0x00c EVENTS    the events the native side raised and the guest has
 *                   not acknowledged; write 1s to acknowledge (clear)
 *   0x100 + 4 i     DOORBELL i (i < emits): a write emits event i to the
 *                   native side; reads 0
 * The function's INTx output is EVENTS != 0; PCI 2.3 INTx masking
 * (Command.Interrupt Disable, Status.Interrupt Status) comes from pci.c,
 * which is what uio_pci_generic requires and uses on each interrupt.
 */
#ifndef VMM_XCONN_H
#define VMM_XCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/pci.h"

#define XCONN_VENDOR_ID     0x1de0u /* see docs/xconn.md "IDs" */
#define XCONN_DEVICE_ID     0xc0c0u
#define XCONN_CLASS         0xff0000u /* "device does not fit any defined class" */
#define XCONN_DATAPORTS_MAX 5u        /* BARs 1..5 */
#define XCONN_EMITS_MAX     6u
#define XCONN_EVENTS_MAX    8u
#define XCONN_DATAPORT_MIN  0x1000u
#define XCONN_REGS_SIZE     0x1000u

#define XCONN_REG_MAGIC    0x000u
#define XCONN_REG_VERSION  0x004u
#define XCONN_REG_COUNTS   0x008u
#define XCONN_REG_EVENTS   0x00cu
#define XCONN_REG_DOORBELL 0x100u
#define XCONN_MAGIC        0x4e4f4358u
#define XCONN_VERSION      1u

/** What the last BAR 0 access did (a refused one is the guest's error, counted). */
enum xconn_result {
    XCONN_OK = 0,
    XCONN_BAD_WIDTH,    /* not a 32-bit access: ignored, reads 0 */
    XCONN_NO_REGISTER,  /* no register there: ignored, reads 0 */
    XCONN_NO_DOORBELL,  /* a doorbell past the emitted events: ignored */
    XCONN_READ_ONLY,    /* a write of a read-only register: ignored */
    XCONN_DATAPORT_BAR, /* an access to a dataport BAR that exited (not mapped): ignored */
};

/** The guest rang doorbell `event`. */
typedef void (*xconn_emit_fn)(void *ctx, unsigned event);
/** A BAR's decoding may have changed (Command or BAR written): remap the dataports. */
typedef void (*xconn_layout_fn)(void *ctx);

/** Counters of what the guest did (never reset by the guest). */
struct xconn_stats {
    uint64_t doorbells; /* rung, by any valid doorbell */
    uint64_t refused;   /* BAR 0 accesses refused (any enum xconn_result but OK) */
    uint64_t raised;    /* events raised by the native side */
};

/** One connector device. */
struct xconn {
    struct pci_func fn;
    unsigned dataport_count, emit_count, event_count;
    uint32_t events; /* EVENTS */
    xconn_emit_fn emit;
    xconn_layout_fn layout;
    void *ctx;
    enum xconn_result last; /* of the last BAR access */
    uint64_t last_off;      /* its offset in BAR 0 */
    struct xconn_stats stats;
};

/**
 * A connector with `dataports` dataport BARs of the given sizes (each a
 * power of two, >= XCONN_DATAPORT_MIN), `emits` doorbells and `events`
 * events; false if a count or size is out of range (the description
 * compiler checks them first). Config space as at power-on.
 */
bool xconn_init(struct xconn *x, const uint32_t *size, unsigned dataports, unsigned emits,
                unsigned events, xconn_emit_fn emit, xconn_layout_fn layout, void *ctx);

/** The native side raised event `event` (< event_count): EVENTS and INTx follow. */
void xconn_raise(struct xconn *x, unsigned event);

/**
 * Where dataport `dp` decodes now: its BAR's address if memory decoding is
 * on and the BAR lies whole inside [window, window + window_size); false
 * (unmapped) otherwise, and for a BAR still at 0 (not placed).
 */
bool xconn_bar_ipa(const struct xconn *x, unsigned dp, uint64_t window, uint64_t window_size,
                   uint64_t *ipa);

/** A short text for a result. */
const char *xconn_strerror(enum xconn_result r);

#endif /* VMM_XCONN_H */
