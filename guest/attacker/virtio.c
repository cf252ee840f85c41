/*
 * attacker: bad rings and bad register use on its virtio device, vm1's
 * virtio console evil0 on the virtio-mmio transport (virtio 1.2 sections
 * 2.7 and 4.2; the VMM's side is libvmm's virtq.c, virtio.c and
 * virtio_mmio.c).
 *
 * Each case starts the device as a driver does, does one wrong thing and
 * checks the outcome the VMM defines for it: the device needs a reset
 * (status bit DEVICE_NEEDS_RESET, a configuration change interrupt once
 * the driver is running, nothing used), or the access is ignored, or, for
 * what the spec allows, the buffer is sent. The used ring and 16 bytes on
 * either side of it are filled with a canary first: the device may write
 * nothing else. Buffers the device must refuse say "WRONG", which the test
 * rejects should one reach the console. Every case ends with a reset, a
 * driver's bring-up and a good transmit ("attacker: virtio tx ok", which
 * the console prints), then its line, "attacker: virtio CASE: OUTCOME ok".
 *
 * The MMU is off: RAM is Device memory to this guest, so the rings are
 * written and read with single aligned accesses; QEMU models no caches,
 * so the VMM's cacheable view of them is the same memory.
 */
#include <stdbool.h>
#include <stdint.h>

#include "attacker.h"
#include "virtio.h"
#include "vmmio.h"

#define VIO_BASE  0x0a000400ul /* evil0, apps/vm_hostile/vm_hostile.dts */
#define GICD_BASE 0x08000000ul

/* What the VMM's device answers (libvmm virtio.h, virtio_mmio.h, virtq.h) */
#define MMIO_MAGIC    0x74726976u /* "virt" */
#define MMIO_VERSION  2u
#define VENDOR_CVCV   0x56435643u
#define ID_CONSOLE    3u
#define QUEUE_MAX     256u
#define INDIRECT_DESC (1u << 28)

#define TXQ     1u      /* the console's transmitq (receiveq is 0), section 5.3.2 */
#define NO_SUCH 0x1234u /* a queue index the console does not have */
#define QSIZE   8u      /* the queues' size here (QueueNum) */

/*
 * The rings and buffers: a 2 MiB block of RAM of their own, past the image
 * and the DTB (the VMM puts it in the block after the image), below the
 * RESET_STATE of attacker.c. Ring B is only named in a locked queue's
 * registers; the device must never touch it.
 */
#define AREA       0x40400000ul
#define RING_A     (AREA + 0x0000u)
#define RING_B     (AREA + 0x1000u)
#define AVAIL_OFF  0x100u /* each ring set: descriptors, available, used ring */
#define USED_OFF   0x200u
#define TXT_OK     (AREA + 0x8000u)
#define TXT_BAD    (AREA + 0x8100u)
#define IND_TABLE  (AREA + 0x8200u) /* the table an indirect descriptor names */
#define TXT_AT_END (RAM_END - OK_LEN)
#define USED_BYTES (6u + 8u * QSIZE) /* flags, idx, ring[QSIZE], avail_event */
#define CANARY     0xa5a5a5a5u
#define CANARY_PAD 16u
#define UNTOUCHED  0xa5a5u /* the used index of a ring the device never set up */
#define STORM      100000u

static const char ok_text[] = "attacker: virtio tx ok\n";
static const char bad_text[] = "attacker: virtio sent a bad buffer WRONG\n";
#define OK_LEN  (sizeof(ok_text) - 1u)
#define BAD_LEN (sizeof(bad_text) - 1u)

static const struct ring ring_a = {RING_A, RING_A + AVAIL_OFF, RING_A + USED_OFF};
static const struct ring ring_b = {RING_B, RING_B + AVAIL_OFF, RING_B + USED_OFF};

/** The cases and their tally (attacker.h). */
static struct attack_suite vcase = {.name = "virtio"};

/* --- the driver side --- */

static uint32_t reg(uint32_t off)
{
    return read32(VIO_BASE + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
    write32(VIO_BASE + off, v);
}

static void set_reg64(uint32_t lo, uint64_t v)
{
    set_reg(lo, (uint32_t)v);
    set_reg(lo + 4u, (uint32_t)(v >> 32));
}

/** The rings' writes reach memory before the device hears of them (section 2.7.13.4). */
static void notify(uint32_t q)
{
    __asm__ volatile("dsb sy" ::: "memory");
    set_reg(QUEUE_NOTIFY, q);
}

/** A fresh ring set: descriptors and available ring zero, the used ring and its margins CANARY. */
static void ring_clear(const struct ring *r)
{
    for (uint64_t a = r->desc; a < r->desc + 16u * QSIZE; a += 8)
        write64(a, 0);
    for (uint64_t a = r->avail; a < r->avail + 6u + 2u * QSIZE; a += 2)
        write16(a, 0);
    for (uint64_t a = r->used - CANARY_PAD; a < r->used + USED_BYTES + CANARY_PAD; a += 4)
        write32(a, CANARY);
}

/**
 * The word the used ring (or a margin) must hold at `a` with used index
 * idx: the canary, but the flags and the index of a ring the device set up
 * and, once one buffer was used, its element (the console writes nothing
 * into a transmit buffer: length 0).
 */
static uint32_t used_want(const struct ring *r, uint64_t a, uint16_t idx, uint16_t head)
{
    if (a == r->used) /* flags are the device's: 0 (notify it) from the queue's setup on */
        return (uint32_t)idx << 16 | (idx == UNTOUCHED ? CANARY & 0xffffu : 0u);
    if (idx == 1 && a == r->used + 4)
        return head;
    if (idx == 1 && a == r->used + 8)
        return 0;
    return CANARY;
}

/** The used ring holds idx and what it used, and nothing else changed around it. */
static void used_check(const char *what, const struct ring *r, uint16_t idx, uint16_t head)
{
    for (uint64_t a = r->used - CANARY_PAD; a < r->used + USED_BYTES + CANARY_PAD; a += 4) {
        uint32_t got = read32(a), want = used_want(r, a, idx, head);
        if (got != want) { /* the first wrong word: its offset from the ring */
            suite_wrong_begin(&vcase, what);
            uart_put_hex(a - r->used);
            uart_put_str(": ");
            suite_wrong_end(&vcase, got, want);
            return;
        }
    }
}

/** Reset, ACKNOWLEDGE, DRIVER, the driver's features and FEATURES_OK (section 3.1.1). */
static void drv_negotiate(uint32_t lo, uint32_t hi)
{
    set_reg(STATUS, 0);
    set_reg(STATUS, S_ACK);
    set_reg(STATUS, S_ACK | S_DRIVER);
    set_reg(DRIVER_FEATURES_SEL, 0);
    set_reg(DRIVER_FEATURES, lo);
    set_reg(DRIVER_FEATURES_SEL, 1);
    set_reg(DRIVER_FEATURES, hi);
    set_reg(STATUS, S_FEATURES);
}

/** The transmit queue: size and ring addresses, then QueueReady (section 4.2.3.2). */
static void drv_queue(uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    set_reg(QUEUE_SEL, TXQ);
    set_reg(QUEUE_NUM, size);
    set_reg64(QUEUE_DESC, desc);
    set_reg64(QUEUE_DRIVER, avail);
    set_reg64(QUEUE_DEVICE, used);
    set_reg(QUEUE_READY, 1);
}

/** A driver's bring-up with the transmit queue on a fresh ring_a: DRIVER_OK. */
static void drv_start(void)
{
    ring_clear(&ring_a);
    drv_negotiate(0, VERSION_1_HI);
    drv_queue(QSIZE, ring_a.desc, ring_a.avail, ring_a.used);
    set_reg(STATUS, S_LIVE);
}

/** The device used buffer `head` of ring r (the first since it was set up) and said so. */
static void expect_sent(const struct ring *r, uint16_t head)
{
    suite_check(&vcase, "status", reg(STATUS), S_LIVE);
    suite_check(&vcase, "interrupt status", reg(INTERRUPT_STATUS), ISR_QUEUE);
    set_reg(INTERRUPT_ACK, ISR_QUEUE);
    used_check("used ring, word", r, 1, head);
}

/** One good buffer, ok_text, as descriptor `head` of ring r: the console prints it. */
static void tx_good(const struct ring *r, uint16_t head)
{
    desc_set(r, head, TXT_OK, OK_LEN, 0, 0);
    avail_set(r, head, 1);
    notify(TXQ);
    expect_sent(r, head);
}

/** The end of every case: a reset clears everything, and the device works again. */
static void recover(void)
{
    set_reg(STATUS, 0);
    suite_check(&vcase, "status after reset", reg(STATUS), 0);
    suite_check(&vcase, "interrupt status after reset", reg(INTERRUPT_STATUS), 0);
    drv_start();
    tx_good(&ring_a, 0);
    suite_tally(&vcase);
}

/**
 * A queue error of a running driver (section 2.1.2): DEVICE_NEEDS_RESET,
 * which the driver cannot clear, a configuration change interrupt with a
 * new generation, nothing used; and a repaired chain is not taken before
 * the reset.
 */
static void expect_needs_reset(uint32_t generation)
{
    suite_check(&vcase, "status", reg(STATUS), S_LIVE | S_NEEDS_RESET);
    suite_check(&vcase, "interrupt status", reg(INTERRUPT_STATUS), ISR_CONFIG);
    suite_check(&vcase, "config generation", reg(CONFIG_GENERATION), generation + 1u);
    used_check("used ring, word", &ring_a, 0, 0);
    set_reg(STATUS, S_LIVE); /* the driver cannot clear the device's bit */
    suite_check(&vcase, "status after the driver wrote 0xf", reg(STATUS), S_LIVE | S_NEEDS_RESET);
    desc_set(&ring_a, 0, TXT_BAD, BAD_LEN, 0, 0);
    avail_set(&ring_a, 0, 1);
    notify(TXQ);
    used_check("used ring after a repaired chain, word", &ring_a, 0, 0);
}

/* --- the cases --- */

/** evil0 is what the description asks for: a virtio-mmio v2 console offering VERSION_1 only. */
static void case_identity(void)
{
    suite_case(&vcase, "evil0 at 0xa000400");
    set_reg(STATUS, 0);
    suite_check(&vcase, "MagicValue", reg(MAGIC_VALUE), MMIO_MAGIC);
    suite_check(&vcase, "Version", reg(VERSION), MMIO_VERSION);
    suite_check(&vcase, "DeviceID", reg(DEVICE_ID), ID_CONSOLE);
    suite_check(&vcase, "VendorID", reg(VENDOR_ID), VENDOR_CVCV);
    set_reg(DEVICE_FEATURES_SEL, 0);
    suite_check(&vcase, "features 0..31 (no INDIRECT_DESC, no EVENT_IDX)", reg(DEVICE_FEATURES), 0);
    set_reg(DEVICE_FEATURES_SEL, 1);
    suite_check(&vcase, "features 32..63", reg(DEVICE_FEATURES), VERSION_1_HI);
    set_reg(QUEUE_SEL, TXQ);
    suite_check(&vcase, "QueueNumMax", reg(QUEUE_NUM_MAX), QUEUE_MAX);
    suite_check(&vcase, "QueueReady after reset", reg(QUEUE_READY), 0);
    suite_outcome(&vcase, "console, version 2, VERSION_1 only");
    recover();
}

/** One descriptor as a case writes it. */
struct desc_spec {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

/** A chain on the transmit queue, and whether the device must send it or need a reset. */
struct chain_case {
    const char *name;
    unsigned count;            /* descriptors 0..count-1 */
    struct desc_spec d[QSIZE]; /* unnamed ones stay zero */
    uint16_t head, avail_idx;  /* available entry 0, and the index published */
    bool sent;
};

/* Zero-length descriptors are legal and skipped; a 4 GiB one is not in 16 MiB of RAM. */
static const struct chain_case chain_cases[] = {
    {"chain loop 0->1->0", 2, {{TXT_BAD, 8, NEXT, 1}, {TXT_BAD, 8, NEXT, 0}}, 0, 1, false},
    {"chain self loop", 1, {{TXT_BAD, 8, NEXT, 0}}, 0, 1, false},
    {"available index 9 ahead, queue of 8", 1, {{TXT_BAD, BAD_LEN, 0, 0}}, 0, QSIZE + 1, false},
    {"available entry 8, queue of 8", 1, {{TXT_BAD, BAD_LEN, 0, 0}}, QSIZE, 1, false},
    {"next 8, queue of 8", 1, {{TXT_BAD, BAD_LEN, NEXT, QSIZE}}, 0, 1, false},
    {"buffer across the end of RAM", 1, {{RAM_END - 8, 16, 0, 0}}, 0, 1, false},
    {"buffer across the start of RAM", 1, {{RAM_BASE - 8, 16, 0, 0}}, 0, 1, false},
    {"buffer on the GIC distributor", 1, {{GICD_BASE, 16, 0, 0}}, 0, 1, false},
    {"buffer on the virtio window", 1, {{VIO_BASE, 0x100, 0, 0}}, 0, 1, false},
    {"buffer wrapping the address space", 1, {{~0ull - 7, 16, 0, 0}}, 0, 1, false},
    {"buffer of 4 GiB, length 0xffffffff", 1, {{TXT_BAD, 0xffffffffu, 0, 0}}, 0, 1, false},
    {"indirect descriptor, a feature not offered", 1, {{IND_TABLE, 16, INDIRECT, 0}}, 0, 1, false},
    {"readable after writable",
     2,
     {{TXT_BAD, 8, WRITE | NEXT, 1}, {TXT_BAD, BAD_LEN, 0, 0}},
     0,
     1,
     false},
    {"zero-length descriptor on the distributor",
     2,
     {{GICD_BASE, 0, NEXT, 1}, {TXT_OK, OK_LEN, 0, 0}},
     0,
     1,
     true},
    {"zero-length descriptors only", 2, {{0, 0, NEXT, 1}, {RAM_END, 0, 0, 0}}, 0, 1, true},
    {"writable buffer on the transmit queue", 1, {{TXT_BAD, BAD_LEN, WRITE, 0}}, 0, 1, true},
    {"buffer ending at the end of RAM", 1, {{TXT_AT_END, OK_LEN, 0, 0}}, 0, 1, true},
    {"chain as long as the queue",
     QSIZE,
     {{TXT_OK, 3, NEXT, 1},
      {TXT_OK + 3, 3, NEXT, 2},
      {TXT_OK + 6, 3, NEXT, 3},
      {TXT_OK + 9, 3, NEXT, 4},
      {TXT_OK + 12, 3, NEXT, 5},
      {TXT_OK + 15, 3, NEXT, 6},
      {TXT_OK + 18, 3, NEXT, 7},
      {TXT_OK + 21, OK_LEN - 21, 0, 0}},
     0,
     1,
     true},
};

static void case_chain(const struct chain_case *c)
{
    suite_case(&vcase, c->name);
    drv_start();
    for (unsigned i = 0; i < c->count; i++)
        desc_set(&ring_a, i, c->d[i].addr, c->d[i].len, c->d[i].flags, c->d[i].next);
    avail_set(&ring_a, c->head, c->avail_idx);
    uint32_t generation = reg(CONFIG_GENERATION);
    notify(TXQ);
    if (c->sent)
        expect_sent(&ring_a, c->head);
    else
        expect_needs_reset(generation);
    suite_outcome(&vcase, c->sent ? "sent" : "needs reset");
    recover();
}

/**
 * A good chain and a loop made available together: the device takes them
 * in order, so the first is sent and used, then the loop makes it need a
 * reset. Only the configuration bit of the interrupt status is checked:
 * whether the used buffer is notified too (section 2.7.7.2) is not what
 * this case is about.
 */
static void case_mixed(void)
{
    suite_case(&vcase, "good chain, then a loop");
    drv_start();
    desc_set(&ring_a, 0, TXT_OK, OK_LEN, 0, 0);
    desc_set(&ring_a, 1, TXT_BAD, 8, NEXT, 1);
    write16(ring_a.avail + 6, 1); /* available entry 1: the loop */
    avail_set(&ring_a, 0, 2);
    uint32_t generation = reg(CONFIG_GENERATION);
    notify(TXQ);
    suite_check(&vcase, "status", reg(STATUS), S_LIVE | S_NEEDS_RESET);
    suite_check(&vcase, "interrupt status, config bit", reg(INTERRUPT_STATUS) & ISR_CONFIG,
                ISR_CONFIG);
    suite_check(&vcase, "config generation", reg(CONFIG_GENERATION), generation + 1u);
    used_check("used ring, word", &ring_a, 1, 0);
    suite_outcome(&vcase, "the first sent, then needs reset");
    recover();
}

/** A transmit queue made ready with a bad size or ring address (QueueNum, QueueDesc...). */
struct ring_case {
    const char *name;
    uint32_t size;
    uint64_t desc, avail, used;
};

#define A_DESC  RING_A
#define A_AVAIL (RING_A + AVAIL_OFF)
#define A_USED  (RING_A + USED_OFF)
static const struct ring_case ring_cases[] = {
    {"queue size 0", 0, A_DESC, A_AVAIL, A_USED},
    {"queue size 3", 3, A_DESC, A_AVAIL, A_USED},
    {"queue size 512, above QueueNumMax", 512, A_DESC, A_AVAIL, A_USED},
    {"queue size 0x10008", 0x10008, A_DESC, A_AVAIL, A_USED},
    {"descriptor table misaligned", QSIZE, A_DESC + 8, A_AVAIL, A_USED},
    {"available ring misaligned", QSIZE, A_DESC, A_AVAIL + 1, A_USED},
    {"used ring misaligned", QSIZE, A_DESC, A_AVAIL, A_USED + 2},
    {"descriptor table on the GIC distributor", QSIZE, GICD_BASE, A_AVAIL, A_USED},
    {"available ring on the virtio window", QSIZE, A_DESC, VIO_BASE, A_USED},
    {"used ring across the end of RAM", QSIZE, A_DESC, A_AVAIL, RAM_END - 0x20},
    {"descriptor table across the start of RAM", QSIZE, RAM_BASE - 0x40, A_AVAIL, A_USED},
    {"descriptor table above 4 GiB", QSIZE, (1ull << 32) | A_DESC, A_AVAIL, A_USED},
};

/**
 * Made ready before DRIVER_OK, as drivers do: the device needs a reset at
 * once but raises no interrupt (the driver is not running); DRIVER_OK
 * then keeps the bit, and the queue takes nothing.
 */
static void case_ring(const struct ring_case *c)
{
    suite_case(&vcase, c->name);
    ring_clear(&ring_a);
    drv_negotiate(0, VERSION_1_HI);
    uint32_t generation = reg(CONFIG_GENERATION);
    drv_queue(c->size, c->desc, c->avail, c->used);
    suite_check(&vcase, "status", reg(STATUS), S_FEATURES | S_NEEDS_RESET);
    suite_check(&vcase, "interrupt status", reg(INTERRUPT_STATUS), 0);
    suite_check(&vcase, "config generation", reg(CONFIG_GENERATION), generation);
    set_reg(STATUS, S_LIVE);
    suite_check(&vcase, "status after DRIVER_OK", reg(STATUS), S_LIVE | S_NEEDS_RESET);
    desc_set(&ring_a, 0, TXT_BAD, BAD_LEN, 0, 0);
    avail_set(&ring_a, 0, 1);
    notify(TXQ);
    used_check("used ring, word", &ring_a, UNTOUCHED, 0);
    suite_outcome(&vcase, "needs reset");
    recover();
}

/** A driver whose features the device must refuse: FEATURES_OK does not stick (section 2.2.2). */
static void case_features(const char *name, uint32_t lo, uint32_t hi)
{
    suite_case(&vcase, name);
    drv_negotiate(lo, hi);
    suite_check(&vcase, "status", reg(STATUS), S_ACK | S_DRIVER);
    suite_outcome(&vcase, "FEATURES_OK refused");
    recover();
}

/** A queue the console does not have: no size, never ready, its configuration ignored. */
static void case_no_queue(uint32_t q)
{
    suite_case(&vcase, q == 2 ? "queue 2, the console has 0 and 1" : "queue 0xffffffff");
    drv_negotiate(0, VERSION_1_HI);
    set_reg(QUEUE_SEL, q);
    suite_check(&vcase, "QueueNumMax", reg(QUEUE_NUM_MAX), 0);
    set_reg(QUEUE_NUM, QSIZE);
    set_reg64(QUEUE_DESC, ring_a.desc);
    set_reg(QUEUE_READY, 1);
    suite_check(&vcase, "QueueReady", reg(QUEUE_READY), 0);
    suite_check(&vcase, "status", reg(STATUS), S_FEATURES);
    suite_outcome(&vcase, "ignored");
    recover();
}

/**
 * The queue's configuration rewritten while it is ready (pointing at ring
 * B, which holds a bad buffer, with size 4): ignored. Descriptor 5 proves
 * the size is still 8, both before and after the driver set the queue
 * not ready and ready again, which sets it up from what was configured.
 */
static void case_locked(void)
{
    suite_case(&vcase, "queue configured while ready");
    drv_start();
    ring_clear(&ring_b);
    desc_set(&ring_b, 0, TXT_BAD, BAD_LEN, 0, 0);
    avail_set(&ring_b, 0, 1);
    set_reg(QUEUE_NUM, 4);
    set_reg64(QUEUE_DESC, ring_b.desc);
    set_reg64(QUEUE_DRIVER, ring_b.avail);
    set_reg64(QUEUE_DEVICE, ring_b.used);
    suite_check(&vcase, "QueueReady", reg(QUEUE_READY), 1);
    tx_good(&ring_a, 5);
    set_reg(QUEUE_READY, 0);
    suite_check(&vcase, "QueueReady after 0", reg(QUEUE_READY), 0);
    ring_clear(&ring_a); /* the driver starts its ring again */
    set_reg(QUEUE_READY, 1);
    tx_good(&ring_a, 5);
    used_check("ring B's used ring, word", &ring_b, UNTOUCHED, 0);
    suite_outcome(&vcase, "ignored, the old ring used");
    recover();
}

/** An access the device must ignore: what `off` reads does not change. */
struct reg_case {
    const char *name;
    uint32_t off;
    unsigned width; /* bytes: 1, 2, 4 or 8 */
    uint64_t value;
};

/* Registers below 0x100 are 32-bit only (section 4.2.2.2): a byte,
 * halfword or doubleword write of 0 to Status must not reset the device. */
static const struct reg_case reg_cases[] = {
    {"write MagicValue", MAGIC_VALUE, 4, 0xffffffffu},
    {"write Version", VERSION, 4, 1},
    {"write DeviceID", DEVICE_ID, 4, 0},
    {"write VendorID", VENDOR_ID, 4, 0},
    {"write DeviceFeatures", DEVICE_FEATURES, 4, 0xffffffffu},
    {"write QueueNumMax", QUEUE_NUM_MAX, 4, 0x10000u},
    {"write InterruptStatus", INTERRUPT_STATUS, 4, 0xffffffffu},
    {"write ConfigGeneration", CONFIG_GENERATION, 4, 0xffffffffu},
    {"write config space word", CONFIG, 4, 0xffffffffu},
    {"write config space halfword", CONFIG + 6, 2, 0xffffu},
    {"write config space byte", CONFIG + 11, 1, 0xffu},
    {"byte write of 0 to Status", STATUS, 1, 0},
    {"halfword write of 0 to Status", STATUS, 2, 0},
    {"doubleword write of 0 to Status", STATUS, 8, 0},
};

static uint64_t reg_read(uint32_t off, unsigned width)
{
    uint64_t a = VIO_BASE + off;
    return width == 1 ? read8(a) : width == 2 ? read16(a) : read32(a);
}

static void reg_write(uint32_t off, unsigned width, uint64_t v)
{
    uint64_t a = VIO_BASE + off;
    if (width == 1)
        write8(a, (uint8_t)v);
    else if (width == 2)
        write16(a, (uint16_t)v);
    else if (width == 4)
        write32(a, (uint32_t)v);
    else
        write64(a, v);
}

static void case_reg(const struct reg_case *c)
{
    suite_case(&vcase, c->name);
    drv_start();
    set_reg(DEVICE_FEATURES_SEL, 1); /* DeviceFeatures reads VERSION_1; QueueSel is 1 */
    unsigned width = c->off >= CONFIG ? c->width : 4;
    uint64_t before = reg_read(c->off, width);
    reg_write(c->off, c->width, c->value);
    suite_check(&vcase, "read back", reg_read(c->off, width), before);
    suite_check(&vcase, "status", reg(STATUS), S_LIVE);
    suite_outcome(&vcase, "ignored");
    recover();
}

/** A read the device answers with 0: not 32 bits wide, a write-only register, no register. */
struct read_case {
    const char *name;
    uint32_t off;
    unsigned width;
};

static const struct read_case read_cases[] = {
    {"byte read of MagicValue", MAGIC_VALUE, 1},
    {"halfword read of MagicValue", MAGIC_VALUE, 2},
    {"read of write-only QueueNotify", QUEUE_NOTIFY, 4},
    {"read past the config space", CONFIG + 12, 4},
};

static void case_read(const struct read_case *c)
{
    suite_case(&vcase, c->name);
    drv_start();
    suite_check(&vcase, "value", reg_read(c->off, c->width), 0);
    suite_check(&vcase, "status", reg(STATUS), S_LIVE);
    suite_outcome(&vcase, "reads 0");
    recover();
}

/** STORM notifies of queue q that has nothing for the device: no error, nothing used. */
static void case_storm(const char *name, uint32_t q)
{
    suite_case(&vcase, name);
    drv_start();
    for (unsigned i = 0; i < STORM; i++)
        set_reg(QUEUE_NOTIFY, q);
    suite_check(&vcase, "status", reg(STATUS), S_LIVE);
    suite_check(&vcase, "interrupt status", reg(INTERRUPT_STATUS), 0);
    used_check("used ring, word", &ring_a, 0, 0);
    suite_outcome(&vcase, "ignored");
    recover();
}

/** The buffers the cases name; a bad one's text should never reach the console. */
static void buffers_init(void)
{
    put_text(TXT_OK, ok_text, OK_LEN);
    put_text(TXT_BAD, bad_text, BAD_LEN);
    put_text(TXT_AT_END, ok_text, OK_LEN);
    for (uint64_t a = IND_TABLE; a < IND_TABLE + 16u; a += 8)
        write64(a, 0);
    write64(IND_TABLE, TXT_BAD);
    write32(IND_TABLE + 8, BAD_LEN);
}

void attack_virtio(void)
{
    buffers_init();
    case_identity();
    for (unsigned i = 0; i < sizeof(chain_cases) / sizeof(chain_cases[0]); i++)
        case_chain(&chain_cases[i]);
    case_mixed();
    for (unsigned i = 0; i < sizeof(ring_cases) / sizeof(ring_cases[0]); i++)
        case_ring(&ring_cases[i]);
    case_features("driver without VERSION_1", 0, 0);
    case_features("driver taking INDIRECT_DESC, not offered", INDIRECT_DESC, VERSION_1_HI);
    case_no_queue(2);
    case_no_queue(0xffffffffu);
    case_locked();
    for (unsigned i = 0; i < sizeof(reg_cases) / sizeof(reg_cases[0]); i++)
        case_reg(&reg_cases[i]);
    for (unsigned i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++)
        case_read(&read_cases[i]);
    case_storm("notify storm, empty queue", TXQ);
    case_storm("notify storm, no such queue", NO_SUCH);
    set_reg(STATUS, 0);
    suite_summary(&vcase);
}
