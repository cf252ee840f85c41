/*
 * libFuzzer target for the PCI host bridge and virtio-pci (pci.h,
 * virtio_pci.h): the input is a sequence of 12-byte guest accesses, each
 * to the ECAM config space or to the memory window, of any offset, width
 * and value, on a bus with a virtio console at 00:01.0 over a small guest
 * RAM the fuzzer fills too. After each access the invariants must hold:
 * IDs and the capability list read as built, a BAR's flag bits stay 0,
 * and the INTx line reported matches the function's state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_RAM_SIZE 0x8000ull
#include "fuzz_pci_rec.h"
#include "fuzz_ram.h"
#include "vmm/virtio_console.h"
#include "vmm/virtio_pci.h"

#define WINDOW 0x10000000ull
#define WSIZE  0x2eff0000ull

static struct pci_bus bus;
static struct virtio_console con;
static struct virtio_pci vp;
static bool line;

static void on_intx(void *ctx, unsigned intid, bool level)
{
    (void)ctx;
    REQUIRE(intid == 36);
    line = level;
}

static void on_irq(void *ctx, bool level)
{
    (void)ctx;
    virtio_pci_irq(&vp, level);
}

static size_t on_out(void *ctx, const uint8_t *buf, size_t n)
{
    (void)ctx;
    REQUIRE(n == 0 || (buf >= fuzz_ram && (size_t)(buf - fuzz_ram) <= FUZZ_RAM_SIZE - n));
    return n;
}

static void check(void)
{
    const struct pci_func *f = &vp.fn;
    REQUIRE(pci_cfg_get(f, PCI_VENDOR_ID, 4) == 0x10431af4u);
    REQUIRE(pci_cfg_get(f, PCI_CAP_PTR, 1) == 0x40);
    REQUIRE((pci_cfg_get(f, PCI_BAR0, 4) & 0x3fffu) == 0);
    for (unsigned b = 1; b < PCI_BARS; b++)
        REQUIRE(pci_cfg_get(f, PCI_BAR0 + 4 * b, 4) == 0);
    bool want = f->intx && !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
    REQUIRE(line == want);
    REQUIRE(f->intx == (virtio_isr(&con.dev) != 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct gmem mem = {{FUZZ_RAM_BASE}, FUZZ_RAM_SIZE, fuzz_map, NULL};
    size_t ram_bytes = size > 4096 ? 4096 : size / 2;
    memset(fuzz_ram, 0, sizeof(fuzz_ram));
    memcpy(fuzz_ram, data, ram_bytes);
    data += ram_bytes;
    size -= ram_bytes;
    line = false;
    pci_bus_init(&bus, IPA(WINDOW), WSIZE, 35, on_intx, NULL);
    virtio_console_init(&con, &mem, on_irq, fuzz_no_warn, on_out, NULL, NULL);
    virtio_pci_init(&vp, &con.dev, 0x078000);
    REQUIRE(pci_bus_add(&bus, 1, 36, &vp.fn));
    for (; size >= FUZZ_PCI_REC; data += FUZZ_PCI_REC, size -= FUZZ_PCI_REC) {
        fuzz_pci_access(&bus, WSIZE, data);
        check();
    }
    return 0;
}
