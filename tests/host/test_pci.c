/*
 * libvmm PCI host bridge (pci.h) and virtio-pci (virtio_pci.h): a guest's
 * config space accesses through ECAM, BAR sizing and placement, INTx, and
 * a driver that finds the virtio structures through the capability list
 * as Linux's virtio_pci_modern does, then moves bytes through a console.
 */
#include <stdlib.h>

#include "test_guest_ram.h"
#include "test_vmm.h"
#include "vmm/virtio_console.h"
#include "vmm/virtio_pci.h"

#define WINDOW 0x10000000ull
#define WSIZE  0x2eff0000ull
#define INTX   35u

static struct pci_bus bus;
static struct virtio_console con;
static struct virtio_pci vp;
static bool line[4];
static unsigned line_changes;
static char out[64];
static size_t out_len;

static void on_intx(void *ctx, unsigned intid, bool level)
{
    (void)ctx;
    CHECK(intid >= INTX && intid < INTX + 4);
    line[intid - INTX] = level;
    line_changes++;
}

static void on_irq(void *ctx, bool level)
{
    (void)ctx;
    virtio_pci_irq(&vp, level);
}

static void on_warn(void *ctx, int queue, const char *why)
{
    (void)ctx;
    fprintf(stderr, "(expected) queue %d: %s\n", queue, why);
}

static size_t on_out(void *ctx, const uint8_t *buf, size_t n)
{
    (void)ctx;
    if (n > sizeof(out) - out_len)
        n = sizeof(out) - out_len;
    memcpy(out + out_len, buf, n);
    out_len += n;
    return n;
}

/* Config space of 00:slot.0 through ECAM. */
static uint32_t cfg_rd(unsigned slot, unsigned reg, unsigned width)
{
    uint64_t v = 0xdead;
    (void)pci_ecam_access(&bus, ((uint64_t)slot << 15) | reg, width, false, &v);
    return (uint32_t)v;
}

static void cfg_wr(unsigned slot, unsigned reg, unsigned width, uint32_t v)
{
    uint64_t x = v;
    CHECK_EQ(pci_ecam_access(&bus, ((uint64_t)slot << 15) | reg, width, true, &x), PCI_OK);
}

static uint64_t bar_base;

static uint32_t bar_rd(uint64_t off, unsigned width)
{
    uint64_t v = 0xdead;
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + off, width, false, &v), PCI_OK);
    return (uint32_t)v;
}

static void bar_wr(uint64_t off, unsigned width, uint32_t v)
{
    uint64_t x = v;
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + off, width, true, &x), PCI_OK);
}

/** A console at 00:03.0 (INTA swizzled to line 3 % 4). */
static void setup(void)
{
    ram_init();
    out_len = 0;
    memset(line, 0, sizeof(line));
    line_changes = 0;
    pci_bus_init(&bus, IPA(WINDOW), WSIZE, INTX, on_intx, NULL);
    virtio_console_init(&con, &test_mem, on_irq, on_warn, on_out, NULL, NULL);
    virtio_pci_init(&vp, &con.dev, 0x078000);
    CHECK(pci_bus_add(&bus, 3, INTX + 3, &vp.fn));
    CHECK(!pci_bus_add(&bus, 3, INTX + 3, &vp.fn)); /* taken */
    CHECK(!pci_bus_add(&bus, 4, INTX + 4, &vp.fn)); /* not a line of the bridge */
}

static void test_header(void)
{
    setup();
    CHECK_EQ(cfg_rd(3, PCI_VENDOR_ID, 2), 0x1af4);
    CHECK_EQ(cfg_rd(3, PCI_DEVICE_ID, 2), 0x1043);
    CHECK_EQ(cfg_rd(3, 0, 4), 0x10431af4);
    CHECK_EQ(cfg_rd(3, PCI_REVISION, 1), 1);
    CHECK_EQ(cfg_rd(3, 0x08, 4), 0x07800001);
    CHECK_EQ(cfg_rd(3, 0x0b, 1), 0x07);
    CHECK_EQ(cfg_rd(3, PCI_SUBSYS_VID, 2), 0x1af4);
    CHECK_EQ(cfg_rd(3, PCI_SUBSYS_ID, 2), 0x43);
    CHECK_EQ(cfg_rd(3, PCI_INT_PIN, 1), 1);
    CHECK(cfg_rd(3, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    /* nothing at other slots or functions: all ones */
    CHECK_EQ(cfg_rd(0, 0, 4), 0xffffffffu);
    CHECK_EQ(cfg_rd(4, 0, 2), 0xffff);
    uint64_t v;
    CHECK_EQ(pci_ecam_access(&bus, (3u << 15) | (1u << 12), 4, false, &v), PCI_NO_FUNC);
    CHECK_EQ(v, 0xffffffffu);
    /* odd accesses */
    CHECK_EQ(pci_ecam_access(&bus, (3u << 15) | 2, 4, false, &v), PCI_BAD_ACCESS);
    CHECK_EQ(v, 0);
    CHECK_EQ(pci_ecam_access(&bus, (3u << 15) | 1, 2, false, &v), PCI_BAD_ACCESS);
    CHECK_EQ(pci_ecam_access(&bus, 3u << 15, 8, false, &v), PCI_BAD_ACCESS);
    CHECK_EQ(cfg_rd(3, 0x100, 4), 0); /* no extended capabilities */
    /* read-only fields stay */
    cfg_wr(3, 0, 4, 0x12345678);
    cfg_wr(3, PCI_CLASS, 1, 0xff);
    cfg_wr(3, PCI_CAP_PTR, 1, 0);
    CHECK_EQ(cfg_rd(3, 0, 4), 0x10431af4);
    CHECK_EQ(cfg_rd(3, PCI_CAP_PTR, 1), 0x40);
    /* command: only memory, master and INTx disable stick */
    cfg_wr(3, PCI_COMMAND, 2, 0xffff);
    CHECK_EQ(cfg_rd(3, PCI_COMMAND, 2), 0x0406);
    cfg_wr(3, PCI_INT_LINE, 1, 0x2a);
    CHECK_EQ(cfg_rd(3, PCI_INT_LINE, 1), 0x2a);
}

/** BAR sizing (all ones reads back ~(size - 1)), placement, decode on and off. */
static void test_bars(void)
{
    uint64_t v;
    setup();
    cfg_wr(3, PCI_BAR0, 4, 0xffffffffu);
    CHECK_EQ(cfg_rd(3, PCI_BAR0, 4), 0xffffc000u);
    CHECK_EQ(cfg_rd(3, PCI_BAR0 + 4, 4), 0); /* no BAR 1 */
    cfg_wr(3, PCI_BAR0 + 4, 4, 0xffffffffu);
    CHECK_EQ(cfg_rd(3, PCI_BAR0 + 4, 4), 0);
    cfg_wr(3, PCI_BAR0, 4, 0x10004567u); /* low bits do not stick */
    CHECK_EQ(cfg_rd(3, PCI_BAR0, 4), 0x10004000u);
    bar_base = 0x10004000u;
    /* memory decode off: nothing answers */
    CHECK_EQ(pci_window_access(&bus, 0x4000, 4, false, &v), PCI_NO_BAR);
    CHECK_EQ(v, 0xffffffffu);
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    CHECK_EQ(bar_rd(0x12, 2), 2);                                        /* num_queues */
    CHECK_EQ(pci_window_access(&bus, 0x8000, 4, false, &v), PCI_NO_BAR); /* past the BAR */
    CHECK_EQ(pci_window_access(&bus, 0x3fff, 2, false, &v), PCI_BAD_ACCESS);
    CHECK_EQ(pci_window_access(&bus, WSIZE, 4, false, &v), PCI_BAD_ACCESS);
    /* a BAR moved over the GIC or over RAM is outside the window: the
     * bridge never forwards there, and the window finds it nowhere */
    cfg_wr(3, PCI_BAR0, 4, 0x08000000u);
    CHECK_EQ(pci_window_access(&bus, 0, 4, false, &v), PCI_NO_BAR);
    cfg_wr(3, PCI_BAR0, 4, 0x40000000u);
    CHECK_EQ(pci_window_access(&bus, WSIZE - 4, 4, false, &v), PCI_NO_BAR);
}

/** Walks the capability list for virtio's cfg_type `type`; returns the cap's offset. */
static unsigned find_cap(unsigned type)
{
    unsigned n = 0;
    for (unsigned at = cfg_rd(3, PCI_CAP_PTR, 1); at && n < 48; at = cfg_rd(3, at + 1, 1), n++)
        if (cfg_rd(3, at, 1) == 0x09 && cfg_rd(3, at + 3, 1) == type)
            return at;
    return 0;
}

static void test_caps(void)
{
    setup();
    static const unsigned want_off[] = {0, 0x0000, 0x3000, 0x1000, 0x2000};
    for (unsigned t = 1; t <= 4; t++) {
        unsigned at = find_cap(t);
        CHECK(at != 0);
        CHECK_EQ(cfg_rd(3, at + 4, 1), 0); /* BAR 0 */
        CHECK_EQ(cfg_rd(3, at + 8, 4), want_off[t]);
    }
    CHECK_EQ(cfg_rd(3, find_cap(2) + 16, 4), 4);  /* notify_off_multiplier */
    CHECK_EQ(cfg_rd(3, find_cap(2) + 12, 4), 8);  /* two queues' notify slots */
    CHECK_EQ(cfg_rd(3, find_cap(4) + 12, 4), 12); /* the console's config */
    CHECK(find_cap(5) != 0);
    CHECK_EQ(find_cap(6), 0);
    /* capability bytes are read-only (but for the PCI_CFG window's) */
    unsigned c = find_cap(1);
    cfg_wr(3, c + 8, 4, 0x1234);
    CHECK_EQ(cfg_rd(3, c + 8, 4), 0);
}

/** Linux's virtio_pci_modern probe, then a transmit with its interrupt. */
static void driver_init(void)
{
    setup();
    cfg_wr(3, PCI_BAR0, 4, 0x10004000u);
    bar_base = 0x10004000u;
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    bar_wr(0x14, 1, 0);
    bar_wr(0x14, 1, 1);
    bar_wr(0x14, 1, 3);
    bar_wr(0x00, 4, 1);
    CHECK_EQ(bar_rd(0x04, 4), 1);
    bar_wr(0x08, 4, 1);
    bar_wr(0x0c, 4, 1);
    bar_wr(0x08, 4, 0);
    bar_wr(0x0c, 4, 0);
    bar_wr(0x14, 1, 0x0b);
    CHECK_EQ(bar_rd(0x14, 1), 0x0b);
    for (unsigned q = 0; q < 2; q++) {
        uint64_t base = RAM_BASE + 0x1000 + (uint64_t)q * 0x4000;
        bar_wr(0x16, 2, q);
        CHECK_EQ(bar_rd(0x18, 2), VIRTQ_SIZE_MAX);
        CHECK_EQ(bar_rd(0x1e, 2), q);
        bar_wr(0x18, 2, 16);
        bar_wr(0x1a, 2, 0);
        CHECK_EQ(bar_rd(0x1a, 2), 0xffff); /* no MSI-X */
        bar_wr(0x20, 4, (uint32_t)base);
        bar_wr(0x24, 4, 0);
        bar_wr(0x28, 4, (uint32_t)(base + 0x1000));
        bar_wr(0x2c, 4, 0);
        bar_wr(0x30, 4, (uint32_t)(base + 0x2000));
        bar_wr(0x34, 4, 0);
        CHECK_EQ(bar_rd(0x28, 4), (uint32_t)(base + 0x1000));
        bar_wr(0x1c, 2, 1);
        CHECK_EQ(bar_rd(0x1c, 2), 1);
    }
    bar_wr(0x14, 1, 0x0f);
}

static void test_console(void)
{
    driver_init();
    uint64_t txq = RAM_BASE + 0x5000;
    memcpy(at(Q_BUF), "via pci\n", 8);
    drv_set_desc(txq, 0, Q_BUF, 8, 0, 0);
    drv_avail(txq + 0x1000, 16, 0);
    bar_wr(0x3004, 2, 1); /* notify queue 1 */
    CHECK_EQ(out_len, 8);
    CHECK(memcmp(out, "via pci\n", 8) == 0);
    CHECK(line[3]);
    CHECK(cfg_rd(3, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* INTx disabled: the line drops, the status still shows it */
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
    CHECK(!line[3]);
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    CHECK(line[3]);
    CHECK_EQ(bar_rd(0x1000, 1), VIRTIO_ISR_QUEUE); /* reading clears */
    CHECK(!line[3]);
    CHECK_EQ(bar_rd(0x1000, 1), 0);
    /* odd accesses to the BAR: defined, logged by the VMM */
    uint64_t v;
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + 0x14, 4, false, &v), PCI_OK);
    CHECK_EQ(vp.last, VIRTIO_PCI_BAD_ACCESS);
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + 0x04, 4, true, &v), PCI_OK);
    CHECK_EQ(vp.last, VIRTIO_PCI_READ_ONLY);
    v = 0x80000000;
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + 0x20, 4, true, &v), PCI_OK);
    CHECK_EQ(vp.last, VIRTIO_PCI_LOCKED); /* queue 1 is enabled */
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + 0x3008, 2, true, &v), PCI_OK);
    CHECK_EQ(vp.last, VIRTIO_PCI_NO_REG); /* no queue 2 */
    CHECK_EQ(pci_window_access(&bus, bar_base - WINDOW + 0x2000, 1, true, &v), PCI_OK);
    CHECK_EQ(vp.last, VIRTIO_PCI_READ_ONLY);
    CHECK_EQ(bar_rd(0x14, 1), 0x0f);
    /* bus mastering off: the queues wait, and go on when it is back on */
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    drv_set_desc(txq, 1, Q_BUF, 3, 0, 0);
    drv_avail(txq + 0x1000, 16, 1);
    bar_wr(0x3004, 2, 1);
    CHECK_EQ(out_len, 8);
    CHECK_EQ(drv_used(txq + 0x2000)->idx, 1);
    cfg_wr(3, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    bar_wr(0x3004, 2, 1);
    CHECK_EQ(out_len, 11);
    CHECK_EQ(drv_used(txq + 0x2000)->idx, 2);
}

/** The PCI configuration access capability reaches the BAR (4.1.4.9). */
static void test_cfg_window(void)
{
    driver_init();
    unsigned c = find_cap(5);
    cfg_wr(3, c + 4, 1, 0);
    cfg_wr(3, c + 8, 4, 0x14); /* device_status */
    cfg_wr(3, c + 12, 4, 1);
    CHECK_EQ(cfg_rd(3, c + 16, 1), 0x0f);
    CHECK_EQ(cfg_rd(3, c + 16, 4), 0); /* not the length named */
    CHECK_EQ(vp.last, VIRTIO_PCI_BAD_ACCESS);
    cfg_wr(3, c + 8, 4, 0x7fffffff); /* outside the BAR */
    CHECK_EQ(cfg_rd(3, c + 16, 1), 0);
    CHECK_EQ(vp.last, VIRTIO_PCI_BAD_ACCESS);
    cfg_wr(3, c + 8, 4, 0x14);
    cfg_wr(3, c + 16, 1, 0); /* a reset through the window */
    CHECK_EQ(bar_rd(0x14, 1), 0);
}

/** Functions on one line: the line is their OR. */
static void test_shared_line(void)
{
    static struct virtio_console c2;
    static struct virtio_pci vp2;
    setup();
    virtio_console_init(&c2, &test_mem, on_irq, on_warn, on_out, NULL, NULL);
    virtio_pci_init(&vp2, &c2.dev, 0x078000);
    CHECK(pci_bus_add(&bus, 7, INTX + 3, &vp2.fn));
    pci_set_intx(&vp.fn, true);
    pci_set_intx(&vp2.fn, true);
    CHECK(line[3]);
    pci_set_intx(&vp.fn, false);
    CHECK(line[3]);
    pci_set_intx(&vp2.fn, false);
    CHECK(!line[3]);
    CHECK_EQ(line_changes, 2);
    CHECK(strcmp(pci_strerror(PCI_NO_BAR), "no BAR there") == 0);
    CHECK(strcmp(virtio_pci_strerror(VIRTIO_PCI_LOCKED), "queue configured while enabled") == 0);
}

int main(void)
{
    test_header();
    test_bars();
    test_caps();
    test_console();
    test_cfg_window();
    test_shared_line();
    free(ram);
    return test_done("test_pci");
}
