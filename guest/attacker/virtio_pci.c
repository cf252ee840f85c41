/*
 * attacker: its attacks on the PCI host bridge vm1's machine has since it
 * got a PCI device, and on that device, the virtio console evilpci at
 * 00:01.0 on the modern virtio-pci transport (virtio 1.2 section 4.1; PCI
 * Local Bus Specification 3.0 chapter 6; the VMM's side is libvmm's pci.c
 * and virtio_pci.c).
 *
 * First the bridge: bus 0 enumerated through ECAM, bad ECAM accesses,
 * writes of every read-only config field, BAR sizing. Then, as a driver
 * does, BAR0 placed in the bridge's memory window, memory decode on, the
 * virtio structures found through the capability list; from there each
 * case does one wrong thing and checks the outcome the VMM defines: the
 * device needs a reset (DEVICE_NEEDS_RESET), or the access is ignored, or
 * the BAR is not reached. Every device case ends with a reset, a driver's
 * bring-up and a good transmit ("attacker: virtio-pci tx ok", which the
 * console prints), then its line, "attacker: virtio-pci CASE: OUTCOME ok".
 *
 * The MMU is off, so every access is a Device memory access: single
 * aligned loads and stores of the exact width (attacker.h). The VMM logs
 * nothing here: virtio.c used up its 16 virtio warning lines, so the
 * attacker's own checks are what the test sees.
 */
#include <stdbool.h>
#include <stdint.h>

#include "attacker.h"
#include "virtio_pci.h"

/* vm1's machine (libvmm machine.h): the host bridge and its device */
#define ECAM       0x3f000000ul
#define WINDOW     0x10000000ul /* the bridge's memory window: where BAR0 goes */
#define EMPTY_AT   0x20000000ul /* in the window, no BAR there */
#define GICD_BASE  0x08000000ul
#define GICD_TYPER 0x4ul
#define OVER_RAM   0x40100000ul /* the attacker's RAM: past its image, below the DTB's block */
#define SLOT       1u           /* evilpci: 00:01.0 */
#define SLOTS      32u
#define FUNCS      8u
#define ALL_ONES   0xffffffffu

/* What evilpci must be: vendor 0x1af4, device 0x1040 + 3 (console) */
#define CONSOLE_IDS 0x10431af4u
#define BAR_SIZED   0xffffc000u /* a 16 KiB 32-bit memory BAR after all ones */

/* Type 0 header (PCI 3.0 6.1) */
#define CFG_ID       0x00u
#define CFG_COMMAND  0x04u
#define CFG_STATUS   0x06u
#define CFG_REVISION 0x08u
#define CFG_BAR0     0x10u
#define CFG_SUBSYS   0x2cu
#define CFG_CAP_PTR  0x34u
#define CFG_INT_PIN  0x3du

#define CMD_MEMORY       0x0002u
#define CMD_MASTER       0x0004u
#define CMD_INTX_DISABLE 0x0400u
#define CMD_ON           (CMD_MEMORY | CMD_MASTER)
#define STATUS_INTERRUPT 0x0008u

/* struct virtio_pci_cap (4.1.4) */
#define CAP_VENDOR   0x09u
#define CAP_NEXT     1u
#define CAP_CFG_TYPE 3u
#define CAP_BAR      4u
#define CAP_OFFSET   8u
#define CAP_LENGTH   12u
#define CAP_MULT     16u /* notify: notify_off_multiplier */
#define CAP_DATA     16u /* PCI configuration access: pci_cfg_data */
#define CAPS_MAX     48u /* a list longer than fits in config space loops */
#define T_COMMON     1u
#define T_NOTIFY     2u
#define T_ISR        3u
#define T_DEVICE     4u
#define T_PCI        5u

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define C_DFSEL   0x00u
#define C_DFEAT   0x04u
#define C_GFSEL   0x08u
#define C_GFEAT   0x0cu
#define C_NUMQ    0x12u
#define C_STATUS  0x14u
#define C_GEN     0x15u
#define C_QSEL    0x16u
#define C_QSIZE   0x18u
#define C_QENABLE 0x1cu
#define C_QNOFF   0x1eu
#define C_DESC    0x20u
#define C_DRIVER  0x28u
#define C_DEVICE  0x30u

/* Device status bits (2.1), ISR bits (4.1.4.5) */
#define S_ACK         1u
#define S_DRIVER      2u
#define S_DRIVER_OK   4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 64u
#define S_FEATURES    (S_ACK | S_DRIVER | S_FEATURES_OK)
#define S_LIVE        (S_FEATURES | S_DRIVER_OK)
#define ISR_QUEUE     1u
#define ISR_CONFIG    2u

#define NEXT       1u /* descriptor flag */
#define TXQ        1u /* the console's transmitq */
#define QUEUES     2u
#define QSIZE      8u
#define NO_SUCH_Q  2u /* the first queue the console does not have */
#define STORM      100000u
#define PATTERN    0x52414d21u /* "RAM!" */
#define DFSC_ALIGN 0x21u

/* Rings and buffers: a 2 MiB block of RAM of their own (virtio.c uses 0x40400000's). */
#define AREA      0x40600000ul
#define RING_A    (AREA + 0x0000u)
#define RING_B    (AREA + 0x1000u)
#define AVAIL_OFF 0x100u
#define USED_OFF  0x200u
#define TXT_OK    (AREA + 0x8000u)
#define TXT_BAD   (AREA + 0x8100u)

static const char ok_text[] = "attacker: virtio-pci tx ok\n";
static const char bad_text[] = "attacker: virtio-pci sent a bad buffer WRONG\n";
#define OK_LEN  (sizeof(ok_text) - 1u)
#define BAD_LEN (sizeof(bad_text) - 1u)

static const struct ring ring_a = {RING_A, RING_A + AVAIL_OFF, RING_A + USED_OFF};
static const struct ring ring_b = {RING_B, RING_B + AVAIL_OFF, RING_B + USED_OFF};

/** The cases and their tally (attacker.h). */
static struct attack_suite pcase = {.name = "virtio-pci"};

/** Where the driver found the device: BAR0's address and the structures in it. */
static struct {
    uint64_t bar;
    uint32_t common, isr, device, notify, mult;
    uint8_t cfg_cap;  /* the PCI configuration access capability */
    unsigned types;   /* bit n: a capability of cfg_type n on BAR0 */
    uint16_t tx_noff; /* the transmit queue's queue_notify_off */
} vp;

/* --- accesses --- */

static uint64_t acc_read(uint64_t a, unsigned width)
{
    return width == 1 ? read8(a) : width == 2 ? read16(a) : width == 4 ? read32(a) : read64(a);
}

static void acc_write(uint64_t a, unsigned width, uint64_t v)
{
    if (width == 1)
        write8(a, (uint8_t)v);
    else if (width == 2)
        write16(a, (uint16_t)v);
    else if (width == 4)
        write32(a, (uint32_t)v);
    else
        write64(a, v);
}

/** ECAM address of bus 0, device `slot`, function `fn`, register `off`. */
static uint64_t ecam(unsigned slot, unsigned fn, unsigned off)
{
    return ECAM + ((uint64_t)slot << 15) + ((uint64_t)fn << 12) + off;
}

static uint32_t cfg_rd(unsigned off, unsigned width)
{
    return (uint32_t)acc_read(ecam(SLOT, 0, off), width);
}

static void cfg_wr(unsigned off, unsigned width, uint32_t v)
{
    acc_write(ecam(SLOT, 0, off), width, v);
}

static uint32_t com_rd(unsigned off, unsigned width)
{
    return (uint32_t)acc_read(vp.bar + vp.common + off, width);
}

static void com_wr(unsigned off, unsigned width, uint64_t v)
{
    acc_write(vp.bar + vp.common + off, width, v);
}

static void com_wr64(unsigned lo, uint64_t v)
{
    com_wr(lo, 4, (uint32_t)v);
    com_wr(lo + 4, 4, (uint32_t)(v >> 32));
}

static uint8_t isr_rd(void)
{
    return read8(vp.bar + vp.isr);
}

/** BAR0 at `addr` (the guest's to place; memory decode as it is). */
static void bar_place(uint64_t addr)
{
    cfg_wr(CFG_BAR0, 4, (uint32_t)addr);
    vp.bar = addr;
}

/* --- the driver side --- */

static void ring_clear(const struct ring *r)
{
    for (uint64_t a = r->desc; a < r->desc + 16u * QSIZE; a += 8)
        write64(a, 0);
    for (uint64_t a = r->avail; a < r->avail + 8u + 2u * QSIZE; a += 4)
        write32(a, 0);
    for (uint64_t a = r->used; a < r->used + 8u + 8u * QSIZE; a += 4)
        write32(a, 0);
}

static uint16_t used_idx(const struct ring *r)
{
    return read16(r->used + 2);
}

/** Queue q's notification (4.1.4.4): the rings reach memory first. */
static void notify(uint16_t noff, uint16_t q)
{
    __asm__ volatile("dsb sy" ::: "memory");
    write16(vp.bar + vp.notify + (uint64_t)noff * vp.mult, q);
}

/** Reset, ACKNOWLEDGE, DRIVER, VERSION_1 only and FEATURES_OK (3.1.1). */
static void drv_negotiate(void)
{
    com_wr(C_STATUS, 1, 0);
    com_wr(C_STATUS, 1, S_ACK);
    com_wr(C_STATUS, 1, S_ACK | S_DRIVER);
    com_wr(C_GFSEL, 4, 0);
    com_wr(C_GFEAT, 4, 0);
    com_wr(C_GFSEL, 4, 1);
    com_wr(C_GFEAT, 4, 1); /* VIRTIO_F_VERSION_1, bit 32 */
    com_wr(C_STATUS, 1, S_FEATURES);
}

/** The transmit queue: size, rings, its notify offset, then queue_enable (4.1.5.1.3). */
static void drv_queue(uint64_t desc, uint64_t avail, uint64_t used)
{
    com_wr(C_QSEL, 2, TXQ);
    com_wr(C_QSIZE, 2, QSIZE);
    com_wr64(C_DESC, desc);
    com_wr64(C_DRIVER, avail);
    com_wr64(C_DEVICE, used);
    vp.tx_noff = (uint16_t)com_rd(C_QNOFF, 2);
    com_wr(C_QENABLE, 2, 1);
}

static void drv_start(void)
{
    ring_clear(&ring_a);
    drv_negotiate();
    drv_queue(ring_a.desc, ring_a.avail, ring_a.used);
    com_wr(C_STATUS, 1, S_LIVE);
}

static void tx_post(const struct ring *r, uint16_t head, uint64_t addr, uint32_t len)
{
    desc_set(r, head, addr, len, 0, 0);
    avail_set(r, head, 1);
    notify(vp.tx_noff, TXQ);
}

/** The device used buffer `head`, the first on ring r, and interrupted for it. */
static void expect_sent(const struct ring *r, uint16_t head)
{
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    suite_check(&pcase, "ISR", isr_rd(), ISR_QUEUE);
    suite_check(&pcase, "used index", used_idx(r), 1);
    suite_check(&pcase, "used id", read32(r->used + 4), head);
}

/** One good buffer: the console prints it. */
static void tx_good(const struct ring *r, uint16_t head)
{
    tx_post(r, head, TXT_OK, OK_LEN);
    expect_sent(r, head);
}

/** The end of every device case: a reset, and the device works again. */
static void recover(const char *outcome)
{
    com_wr(C_STATUS, 1, 0);
    suite_check(&pcase, "status after reset", com_rd(C_STATUS, 1), 0);
    suite_check(&pcase, "ISR after reset", isr_rd(), 0);
    drv_start();
    tx_good(&ring_a, 0);
    suite_end(&pcase, outcome);
}

/**
 * A queue error of a running driver (2.1.2): DEVICE_NEEDS_RESET, which the
 * driver cannot clear, a configuration change interrupt and a new
 * generation, nothing used, and a repaired chain not taken before a reset.
 */
static void expect_needs_reset(uint32_t generation)
{
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE | S_NEEDS_RESET);
    suite_check(&pcase, "ISR", isr_rd(), ISR_CONFIG);
    suite_check(&pcase, "config generation", com_rd(C_GEN, 1), (generation + 1u) & 0xffu);
    suite_check(&pcase, "used index", used_idx(&ring_a), 0);
    com_wr(C_STATUS, 1, S_LIVE);
    suite_check(&pcase, "status after the driver wrote 0xf", com_rd(C_STATUS, 1),
                S_LIVE | S_NEEDS_RESET);
    tx_post(&ring_a, 0, TXT_BAD, BAD_LEN);
    suite_check(&pcase, "used index after a repaired chain", used_idx(&ring_a), 0);
}

/* --- the bridge --- */

/** Bus 0: only 00:01.0 answers; every other device and function reads all ones. */
static void case_enumerate(void)
{
    suite_case(&pcase, "bus 0 through ECAM");
    for (unsigned s = 0; s < SLOTS; s++)
        for (unsigned f = 0; f < FUNCS; f++)
            suite_check(&pcase, "IDs", read32(ecam(s, f, CFG_ID)),
                        s == SLOT && f == 0 ? CONSOLE_IDS : ALL_ONES);
    suite_end(&pcase, "00:01.0 is 1af4:1043, the other 255 functions read all ones");
}

/** ECAM takes 1, 2 and 4 byte accesses (PCIe 7.2.2): a doubleword reads 0 and writes nothing. */
static void case_ecam_wide(void)
{
    suite_case(&pcase, "ECAM doubleword access");
    suite_check(&pcase, "read of the IDs", read64(ecam(SLOT, 0, CFG_ID)), 0);
    write64(ecam(SLOT, 0, CFG_BAR0), ~0ull); /* BAR0 and BAR1 sized, if it counted */
    suite_check(&pcase, "BAR0", cfg_rd(CFG_BAR0, 4), 0);
    write64(ecam(SLOT, 0, CFG_ID), ~0ull); /* the IDs, Command and Status */
    suite_check(&pcase, "IDs", cfg_rd(CFG_ID, 4), CONSOLE_IDS);
    suite_check(&pcase, "Command", cfg_rd(CFG_COMMAND, 2), 0);
    suite_end(&pcase, "reads 0, write ignored");
}

/**
 * A misaligned ECAM access reaches the VMM when the CPU does not fault it
 * first (the MMU is off: Device memory, where an alignment fault at EL1
 * is allowed, and QEMU does not raise one): a read is 0, a write nothing.
 * The value of a load the CPU faulted counts as 0 (attacker_esr says).
 */
static uint32_t ecam_misaligned_read(unsigned off, unsigned width)
{
    attacker_esr = 0;
    uint32_t v = (uint32_t)acc_read(ecam(SLOT, 0, off), width);
    if (attacker_esr == 0)
        return v;
    suite_check(&pcase, "fault status", attacker_esr & 0x3fu, DFSC_ALIGN);
    return 0;
}

static void case_ecam_misaligned(void)
{
    suite_case(&pcase, "ECAM misaligned accesses");
    suite_check(&pcase, "word read at +2", ecam_misaligned_read(CFG_ID + 2, 4), 0);
    suite_check(&pcase, "halfword read at +1", ecam_misaligned_read(CFG_ID + 1, 2), 0);
    attacker_esr = 0;
    write32(ecam(SLOT, 0, CFG_COMMAND + 2), ~0u); /* Command's high byte, Status */
    write16(ecam(SLOT, 0, CFG_COMMAND + 1), 0xffffu);
    suite_check(&pcase, "Command", cfg_rd(CFG_COMMAND, 2), 0);
    suite_check(&pcase, "IDs", cfg_rd(CFG_ID, 4), CONSOLE_IDS);
    suite_end(&pcase, "read 0, writes ignored");
}

/** A write of all ones to a read-only field: it reads what it read before. */
static void case_read_only(const char *name, unsigned off, unsigned width)
{
    suite_case(&pcase, name);
    uint32_t before = cfg_rd(off, width);
    cfg_wr(off, width, ALL_ONES);
    suite_check(&pcase, "read back", cfg_rd(off, width), before);
    suite_check(&pcase, "IDs", cfg_rd(CFG_ID, 4), CONSOLE_IDS);
    suite_end(&pcase, "unchanged");
}

static void cases_read_only(void)
{
    case_read_only("write vendor ID", CFG_ID, 2);
    case_read_only("write device ID", CFG_ID + 2, 2);
    case_read_only("write revision", CFG_REVISION, 1);
    case_read_only("write revision and class", CFG_REVISION, 4);
    case_read_only("write Status", CFG_STATUS, 2);
    case_read_only("write subsystem IDs", CFG_SUBSYS, 4);
    case_read_only("write capability pointer", CFG_CAP_PTR, 1);
    case_read_only("write interrupt pin", CFG_INT_PIN, 1);
    unsigned cap = cfg_rd(CFG_CAP_PTR, 1) & ~3u;
    case_read_only("write first capability's header", cap, 4);
    case_read_only("write first capability's offset", cap + CAP_OFFSET, 4);
    case_read_only("write BAR1", CFG_BAR0 + 4, 4);
    case_read_only("write BAR2", CFG_BAR0 + 8, 4);
    case_read_only("write BAR3", CFG_BAR0 + 12, 4);
    case_read_only("write BAR4", CFG_BAR0 + 16, 4);
    case_read_only("write BAR5", CFG_BAR0 + 20, 4);
}

/** BAR sizing (PCI 3.0 6.2.5.1): all ones read back as its size mask. */
static void case_bar_sizing(void)
{
    suite_case(&pcase, "BAR0 sizing");
    cfg_wr(CFG_BAR0, 4, ALL_ONES);
    suite_check(&pcase, "BAR0", cfg_rd(CFG_BAR0, 4), BAR_SIZED);
    cfg_wr(CFG_BAR0, 4, 0);
    suite_check(&pcase, "BAR0 after 0", cfg_rd(CFG_BAR0, 4), 0);
    suite_end(&pcase, "reads 0xffffc000: 16 KiB");
}

/* --- the device --- */

/** One capability: a virtio structure on BAR0 is remembered by its type. */
static void cap_take(unsigned at)
{
    if (cfg_rd(at, 1) != CAP_VENDOR)
        return;
    unsigned type = cfg_rd(at + CAP_CFG_TYPE, 1);
    uint32_t off = cfg_rd(at + CAP_OFFSET, 4);
    if (type != T_PCI && cfg_rd(at + CAP_BAR, 1) != 0)
        return; /* a structure on another BAR: not this device's layout */
    switch (type) {
    case T_COMMON:
        vp.common = off;
        break;
    case T_NOTIFY:
        vp.notify = off;
        vp.mult = cfg_rd(at + CAP_MULT, 4);
        break;
    case T_ISR:
        vp.isr = off;
        break;
    case T_DEVICE:
        vp.device = off;
        break;
    case T_PCI:
        vp.cfg_cap = (uint8_t)at;
        break;
    default:
        return;
    }
    vp.types |= 1u << type;
}

/** The capability list (PCI 3.0 6.7), as Linux's virtio_pci_modern walks it. */
static void caps_walk(void)
{
    vp.types = 0;
    unsigned at = cfg_rd(CFG_CAP_PTR, 1) & ~3u;
    for (unsigned n = 0; at && n < CAPS_MAX; n++) {
        cap_take(at);
        at = cfg_rd(at + CAP_NEXT, 1) & ~3u;
    }
}

/** BAR0 in the window, memory decode on, the structures found: a driver's start. */
static void case_driver(void)
{
    suite_case(&pcase, "driver through the capability list");
    suite_check(&pcase, "Status.Capabilities", cfg_rd(CFG_STATUS, 2) & 0x10u, 0x10u);
    caps_walk();
    suite_check(&pcase, "capability types found", vp.types, 0x3eu);
    bar_place(WINDOW);
    cfg_wr(CFG_COMMAND, 2, CMD_ON);
    suite_check(&pcase, "Command", cfg_rd(CFG_COMMAND, 2), CMD_ON);
    suite_check(&pcase, "num_queues", com_rd(C_NUMQ, 2), QUEUES);
    com_wr(C_DFSEL, 4, 1);
    suite_check(&pcase, "device features 32..63", com_rd(C_DFEAT, 4), 1);
    suite_check(&pcase, "notify_off_multiplier", vp.mult != 0, 1);
    recover("found, a buffer sent");
}

/** A chain on the transmit queue the device must refuse. */
struct chain_case {
    const char *name;
    unsigned count;
    struct {
        uint64_t addr;
        uint32_t len;
        uint16_t flags, next;
    } d[2];
};

static const struct chain_case chain_cases[] = {
    {"chain loop 0->1->0", 2, {{TXT_BAD, 8, NEXT, 1}, {TXT_BAD, 8, NEXT, 0}}},
    {"buffer on the GIC distributor", 1, {{GICD_BASE, 16, 0, 0}}},
    {"buffer of 4 GiB, length 0xffffffff", 1, {{TXT_BAD, 0xffffffffu, 0, 0}}},
};

static void case_chain(const struct chain_case *c)
{
    suite_case(&pcase, c->name);
    drv_start();
    for (unsigned i = 0; i < c->count; i++)
        desc_set(&ring_a, i, c->d[i].addr, c->d[i].len, c->d[i].flags, c->d[i].next);
    avail_set(&ring_a, 0, 1);
    uint32_t generation = com_rd(C_GEN, 1);
    notify(vp.tx_noff, TXQ);
    expect_needs_reset(generation);
    recover("needs reset");
}

/** A descriptor table outside RAM at queue_enable: needs a reset at once, no interrupt. */
static void case_ring_outside(void)
{
    suite_case(&pcase, "descriptor table on the GIC distributor at enable");
    ring_clear(&ring_a);
    drv_negotiate();
    drv_queue(GICD_BASE, ring_a.avail, ring_a.used);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_FEATURES | S_NEEDS_RESET);
    suite_check(&pcase, "ISR", isr_rd(), 0);
    com_wr(C_STATUS, 1, S_LIVE);
    suite_check(&pcase, "status after DRIVER_OK", com_rd(C_STATUS, 1), S_LIVE | S_NEEDS_RESET);
    tx_post(&ring_a, 0, TXT_BAD, BAD_LEN);
    suite_check(&pcase, "used index", used_idx(&ring_a), 0);
    recover("needs reset");
}

/**
 * BAR0 moved over the attacker's own RAM: the bridge forwards only its
 * window, so RAM keeps answering there and the device does not (a byte
 * write of 0 at device_status lands in RAM and resets nothing).
 */
static void case_bar_over_ram(void)
{
    suite_case(&pcase, "BAR0 over RAM at 0x40100000");
    drv_start();
    for (uint32_t off = 0; off < 0x4000u; off += 4)
        write32(OVER_RAM + off, PATTERN ^ off);
    bar_place(OVER_RAM);
    suite_check(&pcase, "RAM at common config", read32(OVER_RAM + C_DFSEL), PATTERN);
    suite_check(&pcase, "RAM at num_queues", read16(OVER_RAM + C_NUMQ), (PATTERN ^ 0x10u) >> 16);
    suite_check(&pcase, "RAM at ISR", read8(OVER_RAM + 0x1000u), (PATTERN ^ 0x1000u) & 0xffu);
    write8(OVER_RAM + C_STATUS, 0);
    suite_check(&pcase, "RAM after a byte write at device_status", read32(OVER_RAM + C_STATUS),
                (PATTERN ^ C_STATUS) & ~0xffu);
    suite_check(&pcase, "the window where BAR0 was", read32(WINDOW), ALL_ONES);
    bar_place(WINDOW);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    recover("RAM answers, the device does not");
}

/** BAR0 moved over the GIC distributor: the distributor still answers there. */
static void case_bar_over_gicd(void)
{
    suite_case(&pcase, "BAR0 over the GIC distributor");
    drv_start();
    uint32_t typer = read32(GICD_BASE + GICD_TYPER);
    bar_place(GICD_BASE);
    suite_check(&pcase, "GICD_TYPER", read32(GICD_BASE + GICD_TYPER), typer);
    suite_check(&pcase, "the window where BAR0 was", read32(WINDOW), ALL_ONES);
    bar_place(WINDOW);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    recover("GICD_TYPER unchanged");
}

/** Memory decode off: BAR0's address in the window reads all ones and takes no writes. */
static void case_decode_off(void)
{
    suite_case(&pcase, "BAR0 with memory decode off");
    drv_start();
    cfg_wr(CFG_COMMAND, 2, CMD_MASTER);
    suite_check(&pcase, "device_feature_select", com_rd(C_DFSEL, 4), ALL_ONES);
    suite_check(&pcase, "device_status", com_rd(C_STATUS, 1), 0xffu);
    com_wr(C_STATUS, 1, 0); /* a reset, if it were reached */
    suite_check(&pcase, "ISR", isr_rd(), 0xffu);
    cfg_wr(CFG_COMMAND, 2, CMD_ON);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    recover("reads all ones, writes ignored");
}

/** An address of the window no BAR holds: all ones, writes go nowhere. */
static void case_empty_window(void)
{
    suite_case(&pcase, "window address with no BAR");
    drv_start();
    write32(EMPTY_AT, 0);
    suite_check(&pcase, "word", read32(EMPTY_AT), ALL_ONES);
    suite_check(&pcase, "halfword", read16(EMPTY_AT + 2), 0xffffu);
    suite_check(&pcase, "byte", read8(EMPTY_AT + 1), 0xffu);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    recover("reads all ones");
}

/** A common config field written at another width than its own: ignored. */
struct width_case {
    const char *name;
    uint8_t off, width, field_width;
    uint32_t value;
};

static const struct width_case width_cases[] = {
    {"halfword write of 0 to device_status", C_STATUS, 2, 1, 0},
    {"word write of 0 to device_status", C_STATUS, 4, 1, 0},
    {"byte write to queue_select", C_QSEL, 1, 2, 0},
    {"halfword write to device_feature_select", C_DFSEL, 2, 4, 0x1234},
    {"byte write to driver_feature_select", C_GFSEL, 1, 4, 0x56},
    {"doubleword write to device_feature_select", C_DFSEL, 8, 4, 0},
};

static void case_width(const struct width_case *c)
{
    suite_case(&pcase, c->name);
    drv_start();
    com_wr(C_DFSEL, 4, 1);
    uint32_t before = com_rd(c->off, c->field_width);
    com_wr(c->off, c->width, c->value);
    suite_check(&pcase, "read back", com_rd(c->off, c->field_width), before);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    suite_check(&pcase, "queue_select", com_rd(C_QSEL, 2), TXQ);
    recover("ignored");
}

/** Reads at another width: 0. */
static void case_narrow_reads(void)
{
    suite_case(&pcase, "byte, halfword and word reads of other fields");
    drv_start();
    suite_check(&pcase, "byte read of num_queues", com_rd(C_NUMQ, 1), 0);
    suite_check(&pcase, "halfword read of device_feature", com_rd(C_DFEAT, 2), 0);
    suite_check(&pcase, "word read at device_status", com_rd(C_STATUS, 4), 0);
    suite_check(&pcase, "doubleword read of device_feature_select", read64(vp.bar + vp.common), 0);
    recover("read 0");
}

/**
 * The transmit queue's size and rings rewritten while it is enabled (ring
 * B, size 4), and a 0 written to queue_enable: ignored. Descriptor 5
 * proves the size is still 8 and ring A still the one in use.
 */
static void case_locked(void)
{
    suite_case(&pcase, "queue configured while enabled");
    drv_start();
    ring_clear(&ring_b);
    desc_set(&ring_b, 0, TXT_BAD, BAD_LEN, 0, 0);
    avail_set(&ring_b, 0, 1);
    com_wr(C_QSIZE, 2, 4);
    com_wr64(C_DESC, ring_b.desc);
    com_wr64(C_DRIVER, ring_b.avail);
    com_wr64(C_DEVICE, ring_b.used);
    com_wr(C_QENABLE, 2, 0);
    suite_check(&pcase, "queue_size", com_rd(C_QSIZE, 2), QSIZE);
    suite_check(&pcase, "queue_desc", com_rd(C_DESC, 4), (uint32_t)ring_a.desc);
    suite_check(&pcase, "queue_enable", com_rd(C_QENABLE, 2), 1);
    tx_good(&ring_a, 5);
    suite_check(&pcase, "ring B's used index", used_idx(&ring_b), 0);
    recover("ignored, the old ring used");
}

/**
 * INTx (PCI 3.0 6.2.2, 6.2.3): a used buffer sets the ISR and
 * Status.Interrupt; Command.INTx_DISABLE masks the line only, and reading
 * the ISR (4.1.4.5) clears both.
 */
static void case_intx(void)
{
    suite_case(&pcase, "INTx");
    drv_start();
    tx_post(&ring_a, 0, TXT_OK, OK_LEN);
    suite_check(&pcase, "used index", used_idx(&ring_a), 1);
    suite_check(&pcase, "Status.Interrupt", cfg_rd(CFG_STATUS, 2) & STATUS_INTERRUPT,
                STATUS_INTERRUPT);
    cfg_wr(CFG_COMMAND, 2, CMD_ON | CMD_INTX_DISABLE);
    suite_check(&pcase, "Command", cfg_rd(CFG_COMMAND, 2), CMD_ON | CMD_INTX_DISABLE);
    suite_check(&pcase, "Status.Interrupt, INTx disabled", cfg_rd(CFG_STATUS, 2) & STATUS_INTERRUPT,
                STATUS_INTERRUPT);
    suite_check(&pcase, "BAR0", cfg_rd(CFG_BAR0, 4), (uint32_t)vp.bar);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    suite_check(&pcase, "ISR", isr_rd(), ISR_QUEUE);
    suite_check(&pcase, "Status.Interrupt after the ISR read",
                cfg_rd(CFG_STATUS, 2) & STATUS_INTERRUPT, 0);
    suite_check(&pcase, "ISR read again", isr_rd(), 0);
    cfg_wr(CFG_COMMAND, 2, CMD_ON);
    suite_check(&pcase, "Command", cfg_rd(CFG_COMMAND, 2), CMD_ON);
    recover("Status.Interrupt set, INTX_DISABLE changes nothing else, the ISR read clears it");
}

/** An access through the PCI configuration access capability (4.1.4.9). */
static void cfgcap_set(uint8_t bar, uint32_t offset, uint32_t length)
{
    cfg_wr(vp.cfg_cap + CAP_BAR, 1, bar);
    cfg_wr(vp.cfg_cap + CAP_OFFSET, 4, offset);
    cfg_wr(vp.cfg_cap + CAP_LENGTH, 4, length);
}

/** A bad window of the capability: a read of device_status through it is 0, a write of 0 nothing.
 */
struct cfgcap_case {
    const char *name;
    uint8_t bar;
    uint32_t offset, length;
};

static const struct cfgcap_case cfgcap_cases[] = {
    {"PCI cfg access, length 4 for a byte", 0, C_STATUS, 4},
    {"PCI cfg access, offset 0x4014 outside the BAR", 0, 0x4000u + C_STATUS, 1},
    {"PCI cfg access, offset 0xffffffff", 0, 0xffffffffu, 1},
    {"PCI cfg access, BAR 5", 5, C_STATUS, 1},
};

static void case_cfgcap(const struct cfgcap_case *c)
{
    suite_case(&pcase, c->name);
    drv_start();
    uint64_t data = ecam(SLOT, 0, vp.cfg_cap + CAP_DATA);
    cfgcap_set(0, C_STATUS, 1); /* first a good one */
    suite_check(&pcase, "device_status through it", read8(data), S_LIVE);
    cfgcap_set(c->bar, c->offset, c->length);
    suite_check(&pcase, "read", read8(data), 0);
    write8(data, 0);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    recover("reads 0, write ignored");
}

/** STORM notifies of a queue the console does not have: nothing happens. */
static void case_storm(void)
{
    suite_case(&pcase, "notify storm, queue 2 (no such queue)");
    drv_start();
    for (unsigned i = 0; i < STORM; i++)
        write16(vp.bar + vp.notify + NO_SUCH_Q * vp.mult, NO_SUCH_Q);
    suite_check(&pcase, "status", com_rd(C_STATUS, 1), S_LIVE);
    suite_check(&pcase, "ISR", isr_rd(), 0);
    suite_check(&pcase, "used index", used_idx(&ring_a), 0);
    recover("ignored");
}

/** The bridge's cases, then the device's (which need case_driver's BAR). */
static void cases_bridge(void)
{
    case_enumerate();
    case_ecam_wide();
    case_ecam_misaligned();
    cases_read_only();
    case_bar_sizing();
}

void attack_virtio_pci(void)
{
    put_text(TXT_OK, ok_text, OK_LEN);
    put_text(TXT_BAD, bad_text, BAD_LEN);
    cases_bridge();
    case_driver();
    for (unsigned i = 0; i < sizeof(chain_cases) / sizeof(chain_cases[0]); i++)
        case_chain(&chain_cases[i]);
    case_ring_outside();
    case_bar_over_ram();
    case_bar_over_gicd();
    case_decode_off();
    case_empty_window();
    for (unsigned i = 0; i < sizeof(width_cases) / sizeof(width_cases[0]); i++)
        case_width(&width_cases[i]);
    case_narrow_reads();
    case_locked();
    case_intx();
    for (unsigned i = 0; i < sizeof(cfgcap_cases) / sizeof(cfgcap_cases[0]); i++)
        case_cfgcap(&cfgcap_cases[i]);
    case_storm();
    com_wr(C_STATUS, 1, 0);
    suite_summary(&pcase);
}
