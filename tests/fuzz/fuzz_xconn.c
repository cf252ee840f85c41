/*
 * libFuzzer target for the cross-VM connector (xconn.h) behind the PCI
 * host bridge: the input is a sequence of 12-byte records, each a guest
 * access to the ECAM config space or to the memory window (any offset,
 * width and value) or an event the native side raises. After each the
 * invariants must hold: IDs and BAR flag bits read as built, the unused
 * BARs read 0, EVENTS holds only existing events, Status.Interrupt
 * follows it and the INTx line is it unless Interrupt Disable is set, and
 * only existing doorbells ring.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pci_rec.h"
#include "fuzz_require.h"
#include "vmm/xconn.h"

#define WINDOW 0x10000000ull
#define WSIZE  0x2eff0000ull
#define EMITS  3u
#define EVENTS 2u

static struct pci_bus bus;
static struct xconn x;
static bool line;

static void on_intx(void *ctx, unsigned intid, bool level)
{
    (void)ctx;
    REQUIRE(intid == 36);
    line = level;
}

static void on_emit(void *ctx, unsigned event)
{
    REQUIRE(ctx == &x);
    REQUIRE(event < EMITS);
}

static void on_layout(void *ctx)
{
    uint64_t ipa;
    REQUIRE(ctx == &x);
    for (unsigned dp = 0; dp < 2; dp++)
        if (xconn_bar_ipa(&x, dp, WINDOW, WSIZE, &ipa))
            REQUIRE(ipa >= WINDOW && ipa - WINDOW < WSIZE && ipa % x.fn.bar_size[1 + dp] == 0);
}

static void check(void)
{
    const struct pci_func *f = &x.fn;
    REQUIRE(pci_cfg_get(f, PCI_VENDOR_ID, 2) == XCONN_VENDOR_ID);
    REQUIRE(pci_cfg_get(f, PCI_DEVICE_ID, 2) == XCONN_DEVICE_ID);
    for (unsigned b = 0; b < 3; b++)
        REQUIRE((pci_cfg_get(f, PCI_BAR0 + 4 * b, 4) & 0xfffu) == 0);
    for (unsigned b = 3; b < PCI_BARS; b++)
        REQUIRE(pci_cfg_get(f, PCI_BAR0 + 4 * b, 4) == 0);
    REQUIRE((x.events & ~((1u << EVENTS) - 1u)) == 0);
    REQUIRE(f->intx == (x.events != 0));
    REQUIRE(!!(pci_cfg_get(f, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT) == (x.events != 0));
    REQUIRE(line == (f->intx && !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t sizes[2] = {0x1000, 0x100000};
    line = false;
    pci_bus_init(&bus, IPA(WINDOW), WSIZE, 35, on_intx, NULL);
    REQUIRE(xconn_init(&x, sizes, 2, EMITS, EVENTS, on_emit, on_layout, &x));
    REQUIRE(pci_bus_add(&bus, 1, 36, &x.fn));
    for (; size >= FUZZ_PCI_REC; data += FUZZ_PCI_REC, size -= FUZZ_PCI_REC) {
        if (data[0] & 0x10) /* the native side raises an event (some that do not exist) */
            xconn_raise(&x, (unsigned)(fuzz_pci_le(data + 4, 8) % (EVENTS + 2)));
        else
            fuzz_pci_access(&bus, WSIZE, data);
        check();
    }
    return 0;
}
