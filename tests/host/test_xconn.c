/*
 * libvmm cross-VM connector (xconn.h) behind the PCI host bridge: its
 * config space as uio_pci_generic sees it (IDs, class, INTA, BAR sizing),
 * the registers of BAR 0 (magic, counts, EVENTS write-1-to-clear,
 * doorbells, and what is refused), PCI 2.3 INTx masking through Command
 * and Status as uio_pci_generic's handler uses it, and when the VMM is
 * told to map the dataports (xconn_bar_ipa).
 */
#include "test_vmm.h"
#include "vmm/xconn.h"

#define WINDOW 0x10000000ull
#define WSIZE  0x2eff0000ull
#define INTX   35u
#define SLOT   1u

static struct pci_bus bus;
static struct xconn x;
static bool line;
static unsigned line_changes, layouts, rung[XCONN_EMITS_MAX];

static void on_intx(void *ctx, unsigned intid, bool level)
{
    (void)ctx;
    CHECK_EQ(intid, INTX + 1);
    line = level;
    line_changes++;
}

static void on_emit(void *ctx, unsigned event)
{
    CHECK(ctx == &x);
    CHECK(event < XCONN_EMITS_MAX);
    rung[event]++;
}

static void on_layout(void *ctx)
{
    CHECK(ctx == &x);
    layouts++;
}

static uint32_t cfg_rd(unsigned reg, unsigned width)
{
    uint64_t v = 0xdead;
    CHECK_EQ(pci_ecam_access(&bus, ((uint64_t)SLOT << 15) | reg, width, false, &v), PCI_OK);
    return (uint32_t)v;
}

static void cfg_wr(unsigned reg, unsigned width, uint32_t value)
{
    uint64_t v = value;
    CHECK_EQ(pci_ecam_access(&bus, ((uint64_t)SLOT << 15) | reg, width, true, &v), PCI_OK);
}

/** A register of BAR 0 (placed at WINDOW); returns what a read gave. */
static uint32_t reg(uint64_t off, unsigned width, bool write, uint32_t value)
{
    uint64_t v = value;
    CHECK_EQ(pci_window_access(&bus, off, width, write, &v), PCI_OK);
    return (uint32_t)v;
}

/** Two dataports (4 KiB, 1 MiB), three doorbells, two events, on 00:01.0. */
static void setup(void)
{
    static const uint32_t size[2] = {0x1000, 0x100000};
    pci_bus_init(&bus, IPA(WINDOW), WSIZE, INTX, on_intx, NULL);
    CHECK(xconn_init(&x, size, 2, 3, 2, on_emit, on_layout, &x));
    CHECK(pci_bus_add(&bus, SLOT, INTX + 1, &x.fn));
    line = false;
    line_changes = layouts = 0;
    memset(rung, 0, sizeof(rung));
}

/** Places BAR 0 at WINDOW, the dataports after it, and turns memory decoding on. */
static void place(void)
{
    cfg_wr(PCI_BAR0, 4, (uint32_t)WINDOW);
    cfg_wr(PCI_BAR0 + 4, 4, (uint32_t)WINDOW + 0x1000);
    cfg_wr(PCI_BAR0 + 8, 4, (uint32_t)WINDOW + 0x100000);
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
}

static void test_config(void)
{
    setup();
    CHECK_EQ(cfg_rd(PCI_VENDOR_ID, 2), XCONN_VENDOR_ID);
    CHECK_EQ(cfg_rd(PCI_DEVICE_ID, 2), XCONN_DEVICE_ID);
    CHECK_EQ(cfg_rd(PCI_REVISION, 4) >> 8, XCONN_CLASS);
    CHECK_EQ(cfg_rd(PCI_INT_PIN, 1), 1);
    /* BAR sizing: all ones read back the size; unused BARs read 0 */
    uint32_t want[PCI_BARS] = {0xfffff000u, 0xfffff000u, 0xfff00000u, 0, 0, 0};
    for (unsigned b = 0; b < PCI_BARS; b++) {
        cfg_wr(PCI_BAR0 + 4 * b, 4, 0xffffffffu);
        CHECK_EQ(cfg_rd(PCI_BAR0 + 4 * b, 4), want[b]);
    }
    CHECK(layouts >= PCI_BARS); /* each BAR write tells the VMM */
    /* uio_pci_generic's probe: Interrupt Disable must toggle */
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(cfg_rd(PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE);
    cfg_wr(PCI_COMMAND, 2, 0);
    CHECK_EQ(cfg_rd(PCI_COMMAND, 2), 0);
    CHECK_EQ(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
}

static void test_registers(void)
{
    setup();
    place();
    CHECK_EQ(reg(XCONN_REG_MAGIC, 4, false, 0), XCONN_MAGIC);
    CHECK_EQ(reg(XCONN_REG_VERSION, 4, false, 0), XCONN_VERSION);
    CHECK_EQ(reg(XCONN_REG_COUNTS, 4, false, 0), 2u | 3u << 8 | 2u << 16);
    CHECK_EQ(reg(XCONN_REG_EVENTS, 4, false, 0), 0);
    (void)reg(XCONN_REG_DOORBELL + 8, 4, true, 1);
    (void)reg(XCONN_REG_DOORBELL, 4, true, 0);
    CHECK_EQ(rung[0], 1);
    CHECK_EQ(rung[2], 1);
    CHECK_EQ(x.last, XCONN_OK);
    CHECK_EQ(x.stats.doorbells, 2);
    CHECK_EQ(reg(XCONN_REG_DOORBELL + 4, 4, false, 0), 0); /* reads 0, rings nothing */
    CHECK_EQ(rung[1], 0);
    /* what is refused: rings nothing, changes nothing, counted */
    (void)reg(XCONN_REG_DOORBELL + 12, 4, true, 1);
    CHECK_EQ(x.last, XCONN_NO_DOORBELL);
    CHECK_EQ(x.last_off, XCONN_REG_DOORBELL + 12);
    (void)reg(0xffc, 4, true, 1);
    CHECK_EQ(x.last, XCONN_NO_DOORBELL);
    (void)reg(0x010, 4, true, 1);
    CHECK_EQ(x.last, XCONN_NO_REGISTER);
    CHECK_EQ(reg(0x010, 4, false, 0), 0);
    (void)reg(XCONN_REG_MAGIC, 4, true, 0);
    CHECK_EQ(x.last, XCONN_READ_ONLY);
    CHECK_EQ(reg(XCONN_REG_MAGIC, 4, false, 0), XCONN_MAGIC);
    (void)reg(XCONN_REG_DOORBELL, 1, true, 1);
    CHECK_EQ(x.last, XCONN_BAD_WIDTH);
    (void)reg(XCONN_REG_DOORBELL, 2, true, 1);
    CHECK_EQ(x.last, XCONN_BAD_WIDTH);
    CHECK_EQ(rung[0], 1);
    CHECK_EQ(x.stats.refused, 7); /* the read of 0x010 too */
    /* a dataport BAR that exits (the VMM did not map it) is ignored */
    CHECK_EQ(reg(0x1000, 4, false, 0), 0);
    CHECK_EQ(x.last, XCONN_DATAPORT_BAR);
    CHECK(strcmp(xconn_strerror(XCONN_NO_DOORBELL),
                 "no such doorbell (past the events the guest emits)") == 0);
}

/** uio_pci_generic's interrupt handler (pci_check_and_mask_intx): mask if pending. */
static bool uio_handler(void)
{
    if (!(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT))
        return false;
    cfg_wr(PCI_COMMAND, 2, cfg_rd(PCI_COMMAND, 2) | PCI_COMMAND_INTX_DISABLE);
    return true;
}

static void test_intx(void)
{
    setup();
    place();
    xconn_raise(&x, 1);
    CHECK(line);
    CHECK_EQ(reg(XCONN_REG_EVENTS, 4, false, 0), 2);
    CHECK(uio_handler());
    CHECK(!line); /* masked: the line drops, Status still shows it */
    CHECK(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    xconn_raise(&x, 0); /* while masked: no line */
    CHECK(!line);
    (void)reg(XCONN_REG_EVENTS, 4, true, 2); /* acknowledge event 1 only */
    CHECK_EQ(reg(XCONN_REG_EVENTS, 4, false, 0), 1);
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY); /* the guest unmasks: event 0 still pending */
    CHECK(line);
    (void)reg(XCONN_REG_EVENTS, 4, true, 0xffffffffu);
    CHECK(!line);
    CHECK_EQ(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
    CHECK(!uio_handler()); /* nothing pending: not ours */
    xconn_raise(&x, 7);    /* no such event */
    CHECK(!line);
    CHECK_EQ(x.stats.raised, 2);
}

static void test_bar_ipa(void)
{
    uint64_t ipa = 0;
    setup();
    CHECK(!xconn_bar_ipa(&x, 0, WINDOW, WSIZE, &ipa)); /* decoding off, BARs at 0 */
    place();
    CHECK(xconn_bar_ipa(&x, 0, WINDOW, WSIZE, &ipa));
    CHECK_EQ(ipa, WINDOW + 0x1000);
    CHECK(xconn_bar_ipa(&x, 1, WINDOW, WSIZE, &ipa));
    CHECK_EQ(ipa, WINDOW + 0x100000);
    CHECK(!xconn_bar_ipa(&x, 2, WINDOW, WSIZE, &ipa)); /* no third dataport */
    unsigned before = layouts;
    cfg_wr(PCI_COMMAND, 2, 0);
    CHECK(layouts > before);
    CHECK(!xconn_bar_ipa(&x, 0, WINDOW, WSIZE, &ipa));
    cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    cfg_wr(PCI_BAR0 + 8, 4, 0x3ff00000u); /* outside the window: never mapped */
    CHECK(!xconn_bar_ipa(&x, 1, WINDOW, WSIZE, &ipa));
    cfg_wr(PCI_BAR0 + 8, 4, (uint32_t)(WINDOW + WSIZE - 0x80000)); /* runs past its end */
    CHECK(!xconn_bar_ipa(&x, 1, WINDOW, WSIZE, &ipa));
}

static void test_init_limits(void)
{
    static const uint32_t ok[1] = {0x1000}, odd[1] = {0x3000}, small[1] = {0x800};
    static const uint32_t six[6] = {0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000};
    CHECK(xconn_init(&x, ok, 1, XCONN_EMITS_MAX, XCONN_EVENTS_MAX, on_emit, NULL, &x));
    CHECK(!xconn_init(&x, odd, 1, 1, 1, on_emit, NULL, &x));
    CHECK(!xconn_init(&x, small, 1, 1, 1, on_emit, NULL, &x));
    CHECK(!xconn_init(&x, six, 6, 1, 1, on_emit, NULL, &x));
    CHECK(!xconn_init(&x, ok, 1, XCONN_EMITS_MAX + 1, 1, on_emit, NULL, &x));
    CHECK(!xconn_init(&x, ok, 1, 1, XCONN_EVENTS_MAX + 1, on_emit, NULL, &x));
}

int main(void)
{
    test_config();
    test_registers();
    test_intx();
    test_bar_ipa();
    test_init_limits();
    return test_done("test_xconn");
}
