/*
 * libvmm virtio core, the virtio-mmio transport and the console: a driver
 * in the test goes through Linux's steps (virtio 1.2 section 3.1.1) on the
 * registers, then moves bytes both ways; and a driver that gets the
 * registers or the rings wrong gets the defined outcome.
 */
#include <stdlib.h>

#include "test_guest_ram.h"
#include "test_vmm.h"
#include "vmm/virtio_console.h"
#include "vmm/virtio_mmio.h"

static struct virtio_console con;
static bool irq_level;
static unsigned irq_changes, warnings, rx_ready_calls;
static char out[256];
static size_t out_len;

static void on_irq(void *ctx, bool level)
{
    (void)ctx;
    irq_level = level;
    irq_changes++;
}

static void on_warn(void *ctx, int queue, const char *why)
{
    (void)ctx;
    fprintf(stderr, "(expected) queue %d: %s\n", queue, why);
    warnings++;
}

static size_t out_room = SIZE_MAX; /* what the sink takes before it is full */

static size_t on_out(void *ctx, const uint8_t *buf, size_t n)
{
    (void)ctx;
    if (n > out_room)
        n = out_room;
    out_room -= out_room == SIZE_MAX ? 0 : n;
    if (n > sizeof(out) - out_len)
        n = sizeof(out) - out_len;
    memcpy(out + out_len, buf, n);
    out_len += n;
    return n;
}

static void on_rx_ready(void *ctx)
{
    (void)ctx;
    rx_ready_calls++;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdead;
    CHECK_EQ(virtio_mmio_access(&con.dev, off, 4, false, &v), VIRTIO_MMIO_OK);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint64_t v)
{
    CHECK_EQ(virtio_mmio_access(&con.dev, off, 4, true, &v), VIRTIO_MMIO_OK);
}

/* Each queue's rings, 0x4000 apart. */
#define QBASE(n)  (RAM_BASE + 0x1000 + (n)*0x4000ull)
#define QDESC(n)  QBASE(n)
#define QAVAIL(n) (QBASE(n) + 0x1000)
#define QUSED(n)  (QBASE(n) + 0x2000)
#define QSIZE     16u

static void setup_queue(unsigned n, uint64_t desc)
{
    wr(0x030, n);
    CHECK_EQ(rd(0x034), VIRTQ_SIZE_MAX);
    CHECK_EQ(rd(0x044), 0);
    wr(0x038, QSIZE);
    wr(0x080, (uint32_t)desc);
    wr(0x084, desc >> 32);
    wr(0x090, (uint32_t)QAVAIL(n));
    wr(0x094, 0);
    wr(0x0a0, (uint32_t)QUSED(n));
    wr(0x0a4, 0);
    wr(0x044, 1);
}

/** Linux's virtio_mmio probe and virtio_dev_probe, in order. */
static void driver_init(void)
{
    ram_init();
    irq_level = false;
    warnings = rx_ready_calls = 0;
    out_len = 0;
    virtio_console_init(&con, &test_mem, on_irq, on_warn, on_out, on_rx_ready, NULL);
    CHECK_EQ(rd(0x000), VIRTIO_MMIO_MAGIC);
    CHECK_EQ(rd(0x004), 2);
    CHECK_EQ(rd(0x008), VIRTIO_ID_CONSOLE);
    CHECK_EQ(rd(0x00c), VIRTIO_VENDOR_ID);
    wr(0x070, 0);
    wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(0x014, 1);
    CHECK_EQ(rd(0x010), 1); /* VERSION_1, bit 32 */
    wr(0x014, 0);
    CHECK_EQ(rd(0x010), 0);
    wr(0x024, 1);
    wr(0x020, 1);
    wr(0x024, 0);
    wr(0x020, 0);
    wr(0x070, 0x0b);
    CHECK_EQ(rd(0x070), 0x0b); /* FEATURES_OK kept */
    setup_queue(VIRTIO_CONSOLE_RX, QDESC(0));
    setup_queue(VIRTIO_CONSOLE_TX, QDESC(1));
    wr(0x070, 0x0f);
    CHECK_EQ(rd(0x070), 0x0f);
}

static void test_output(void)
{
    driver_init();
    memcpy(at(Q_BUF), "hello, ", 7);
    memcpy(at(Q_BUF + 0x100), "world\n", 6);
    drv_set_desc(QDESC(1), 0, Q_BUF, 7, 0, 0);
    drv_set_desc(QDESC(1), 1, Q_BUF + 0x100, 6, 0, 0);
    drv_avail(QAVAIL(1), QSIZE, 0);
    drv_avail(QAVAIL(1), QSIZE, 1);
    wr(0x050, VIRTIO_CONSOLE_TX); /* one kick, two buffers */
    CHECK_EQ(out_len, 13);
    CHECK(memcmp(out, "hello, world\n", 13) == 0);
    CHECK_EQ(drv_used(QUSED(1))->idx, 2);
    CHECK_EQ(drv_used(QUSED(1))->ring[1].id, 1);
    CHECK_EQ(con.tx_buffers, 2);
    CHECK(irq_level);
    CHECK_EQ(rd(0x060), VIRTIO_ISR_QUEUE);
    wr(0x064, VIRTIO_ISR_QUEUE);
    CHECK(!irq_level);
    CHECK_EQ(rd(0x060), 0);
    CHECK_EQ(warnings, 0);
}

static void test_input(void)
{
    driver_init();
    CHECK_EQ(drv_used(QUSED(0))->flags, 0); /* notifications on at the start */
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"abc", 3), 0); /* no buffer yet */
    CHECK_EQ(drv_used(QUSED(0))->flags, 0); /* input waits: the next buffer is notified */
    drv_set_desc(QDESC(0), 0, Q_BUF, 2, VIRTQ_DESC_F_WRITE, 0);
    drv_set_desc(QDESC(0), 1, Q_BUF + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
    drv_avail(QAVAIL(0), QSIZE, 0);
    drv_avail(QAVAIL(0), QSIZE, 1);
    wr(0x050, VIRTIO_CONSOLE_RX);
    CHECK_EQ(rx_ready_calls, 1);
    /* nothing waits for a buffer now: further ones need no notification */
    CHECK_EQ(drv_used(QUSED(0))->flags, VIRTQ_USED_F_NO_NOTIFY);
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"abcde", 5), 5);
    CHECK(memcmp(at(Q_BUF), "ab", 2) == 0);
    CHECK(memcmp(at(Q_BUF + 0x100), "cde", 3) == 0);
    CHECK_EQ(drv_used(QUSED(0))->idx, 2);
    CHECK_EQ(drv_used(QUSED(0))->ring[0].len, 2);
    CHECK_EQ(drv_used(QUSED(0))->ring[1].len, 3);
    CHECK(irq_level);
    CHECK_EQ(drv_used(QUSED(0))->flags, VIRTQ_USED_F_NO_NOTIFY);      /* input all given */
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"f", 1), 0); /* buffers used up */
    CHECK_EQ(drv_used(QUSED(0))->flags, 0); /* "f" waits: notify the next buffer */
    /* a receive buffer with no writable byte is returned, with its interrupt */
    wr(0x064, VIRTIO_ISR_QUEUE);
    CHECK(!irq_level);
    drv_set_desc(QDESC(0), 2, Q_BUF, 4, 0, 0);
    drv_avail(QAVAIL(0), QSIZE, 2);
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"g", 1), 0);
    CHECK_EQ(drv_used(QUSED(0))->idx, 3);
    CHECK_EQ(drv_used(QUSED(0))->ring[2].len, 0);
    CHECK(irq_level);
    /* a buffer that came while notifications were off is found when they
     * are turned on again: taken at once, no notification needed */
    wr(0x050, VIRTIO_CONSOLE_RX);
    CHECK_EQ(drv_used(QUSED(0))->flags, VIRTQ_USED_F_NO_NOTIFY);
    drv_set_desc(QDESC(0), 3, Q_BUF + 0x200, 8, VIRTQ_DESC_F_WRITE, 0);
    drv_avail(QAVAIL(0), QSIZE, 3);
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"hi", 2), 2);
    CHECK(memcmp(at(Q_BUF + 0x200), "hi", 2) == 0);
    /* a notification of a queue that does not exist does nothing */
    wr(0x050, 7);
    CHECK_EQ(warnings, 0);
}

/** Every odd register access has its outcome, and changes nothing. */
static void test_register_errors(void)
{
    uint64_t v = 0x1234;
    driver_init();
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x070, 2, false, &v), VIRTIO_MMIO_BAD_ACCESS);
    CHECK_EQ(v, 0);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x072, 4, false, &v), VIRTIO_MMIO_BAD_ACCESS);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x018, 4, false, &v), VIRTIO_MMIO_NO_REG);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x0f8, 4, true, &v), VIRTIO_MMIO_NO_REG);
    v = 1;
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x000, 4, true, &v), VIRTIO_MMIO_READ_ONLY);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x050, 4, false, &v), VIRTIO_MMIO_WRITE_ONLY);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x100, 4, true, &v), VIRTIO_MMIO_READ_ONLY);
    CHECK_EQ(rd(0x000), VIRTIO_MMIO_MAGIC);
    /* a ready queue's configuration is locked */
    wr(0x030, VIRTIO_CONSOLE_TX);
    v = 0x1000;
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x080, 4, true, &v), VIRTIO_MMIO_LOCKED);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x038, 4, true, &v), VIRTIO_MMIO_LOCKED);
    CHECK_EQ(con.dev.q[VIRTIO_CONSOLE_TX].desc, QDESC(1));
    /* no such queue: size 0, not ready, not configurable */
    wr(0x030, 2);
    CHECK_EQ(rd(0x034), 0);
    CHECK_EQ(rd(0x044), 0);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x038, 4, true, &v), VIRTIO_MMIO_LOCKED);
    wr(0x044, 1);
    /* config space: 12 bytes, any aligned 1/2/4 read, nothing beyond */
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x108, 4, false, &v), VIRTIO_MMIO_OK);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x101, 1, false, &v), VIRTIO_MMIO_OK);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x10c, 1, false, &v), VIRTIO_MMIO_NO_REG);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x101, 2, false, &v), VIRTIO_MMIO_NO_REG);
    CHECK_EQ(virtio_mmio_access(&con.dev, 0x100, 8, false, &v), VIRTIO_MMIO_NO_REG);
    CHECK_EQ(virtio_mmio_access(&con.dev, ~0ull, 1, false, &v), VIRTIO_MMIO_NO_REG);
    CHECK_EQ(rd(0x0b0), 0xffffffffu); /* no shared memory */
    CHECK_EQ(rd(0x070), 0x0f);
    CHECK_EQ(warnings, 0);
    CHECK(strcmp(virtio_mmio_strerror(VIRTIO_MMIO_LOCKED), "queue configured while ready") == 0);
}

/** Features: a driver without VERSION_1, or with bits not offered, gets no FEATURES_OK. */
static void test_features(void)
{
    ram_init();
    virtio_console_init(&con, &test_mem, on_irq, on_warn, on_out, on_rx_ready, NULL);
    wr(0x070, 3);
    wr(0x070, 0x0b); /* no VERSION_1 */
    CHECK_EQ(rd(0x070), 3);
    /* DRIVER_OK without FEATURES_OK: kept, but the device does not operate */
    setup_queue(VIRTIO_CONSOLE_TX, QDESC(1));
    wr(0x070, 0x07);
    CHECK(virtio_queue_live(&con.dev, VIRTIO_CONSOLE_TX) == NULL);
    drv_set_desc(QDESC(1), 0, Q_BUF, 2, 0, 0);
    drv_avail(QAVAIL(1), QSIZE, 0);
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(drv_used(QUSED(1))->idx, 0);
    wr(0x070, 0);
    wr(0x070, 3);
    wr(0x024, 0);
    wr(0x020, 1); /* VIRTIO_CONSOLE_F_SIZE: not offered */
    wr(0x024, 1);
    wr(0x020, 1);
    wr(0x070, 0x0b);
    CHECK_EQ(rd(0x070), 3);
    wr(0x024, 0);
    wr(0x020, 0);
    wr(0x070, 0x0b);
    CHECK_EQ(rd(0x070), 0x0b);
    /* once FEATURES_OK is set the features are fixed; a bit cleared is ignored */
    wr(0x020, 1);
    CHECK_EQ(con.dev.driver_features, VIRTIO_F_VERSION_1);
    wr(0x070, 0x01);
    CHECK_EQ(rd(0x070), 0x0b);
    wr(0x070, 0);
    CHECK_EQ(rd(0x070), 0);
    CHECK_EQ(con.dev.driver_features, 0);
}

/** A bad ring: DEVICE_NEEDS_RESET, one warning, a config interrupt; a reset recovers. */
static void test_bad_rings(void)
{
    driver_init();
    drv_set_desc(QDESC(1), 0, Q_BUF, 8, VIRTQ_DESC_F_NEXT, 0); /* loops */
    drv_avail(QAVAIL(1), QSIZE, 0);
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(warnings, 1);
    CHECK_EQ(rd(0x070), 0x0f | VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(rd(0x060), VIRTIO_ISR_CONFIG);
    CHECK_EQ(rd(0x0fc), 1);
    CHECK(irq_level);
    /* a good buffer before a bad one: used, and its interrupt as well as the
     * configuration change's (2.7.7.2) */
    driver_init();
    drv_set_desc(QDESC(1), 0, Q_BUF, 2, 0, 0);
    drv_set_desc(QDESC(1), 1, Q_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    drv_avail(QAVAIL(1), QSIZE, 0);
    drv_avail(QAVAIL(1), QSIZE, 1);
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(drv_used(QUSED(1))->idx, 1);
    CHECK_EQ(rd(0x060), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    CHECK_EQ(warnings, 1);
    CHECK_EQ(out_len, 2);
    out_len = 0;
    /* the device ignores its queues now, and says nothing more */
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(virtio_console_input(&con, (const uint8_t *)"x", 1), 0);
    CHECK_EQ(warnings, 1);
    CHECK_EQ(out_len, 0);
    /* the driver's status writes keep NEEDS_RESET; reset clears all */
    wr(0x070, 0x8f);
    CHECK_EQ(rd(0x070), 0x8f | VIRTIO_STATUS_NEEDS_RESET);
    wr(0x070, 0);
    CHECK_EQ(rd(0x070), 0);
    CHECK(!irq_level);
    /* a queue made ready with a ring outside RAM */
    wr(0x070, 3);
    wr(0x024, 1);
    wr(0x020, 1);
    wr(0x070, 0x0b);
    setup_queue(VIRTIO_CONSOLE_TX, 0x08000000);
    CHECK_EQ(warnings, 2);
    CHECK(rd(0x070) & VIRTIO_STATUS_NEEDS_RESET);
    CHECK(!irq_level); /* not yet DRIVER_OK: no interrupt */
    /* a fresh start works */
    driver_init();
    memcpy(at(Q_BUF), "ok", 2);
    drv_set_desc(QDESC(1), 3, Q_BUF, 2, 0, 0);
    drv_avail(QAVAIL(1), QSIZE, 3);
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(out_len, 2);
    CHECK_EQ(warnings, 0);
}

/** A full sink: the chain in hand and the rest wait, the guest gets nothing back. */
static void test_back_pressure(void)
{
    driver_init();
    memcpy(at(Q_BUF), "0123456789", 10);
    memcpy(at(Q_BUF + 0x100), "abc", 3);
    drv_set_desc(QDESC(1), 0, Q_BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    drv_set_desc(QDESC(1), 1, Q_BUF + 4, 6, 0, 0);
    drv_set_desc(QDESC(1), 2, Q_BUF + 0x100, 3, 0, 0);
    drv_avail(QAVAIL(1), QSIZE, 0);
    drv_avail(QAVAIL(1), QSIZE, 2);
    out_room = 6;
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK_EQ(out_len, 6);
    CHECK_EQ(drv_used(QUSED(1))->idx, 0); /* nothing returned: the guest waits */
    CHECK(!irq_level);
    out_room = 2;
    virtio_console_tx_resume(&con);
    CHECK_EQ(out_len, 8);
    CHECK_EQ(drv_used(QUSED(1))->idx, 0);
    out_room = SIZE_MAX;
    wr(0x050, VIRTIO_CONSOLE_TX); /* a kick meanwhile goes on where it stopped too */
    CHECK_EQ(out_len, 13);
    CHECK(memcmp(out, "0123456789abc", 13) == 0);
    CHECK_EQ(drv_used(QUSED(1))->idx, 2);
    CHECK(irq_level);
    /* turning the transmit queue off while a chain is in hand drops it */
    drv_avail(QAVAIL(1), QSIZE, 2);
    out_room = 1;
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK(con.tx_busy);
    wr(0x030, VIRTIO_CONSOLE_TX);
    wr(0x044, 0);
    CHECK(!con.tx_busy);
    setup_queue(VIRTIO_CONSOLE_TX, QDESC(1));
    /* a reset while a chain is in hand drops it */
    drv_avail(QAVAIL(1), QSIZE, 2);
    out_room = 1;
    wr(0x050, VIRTIO_CONSOLE_TX);
    CHECK(con.tx_busy);
    wr(0x070, 0);
    CHECK(!con.tx_busy);
    out_room = SIZE_MAX;
    CHECK_EQ(warnings, 0);
}

int main(void)
{
    test_output();
    test_input();
    test_register_errors();
    test_features();
    test_bad_rings();
    test_back_pressure();
    free(ram);
    return test_done("test_virtio");
}
