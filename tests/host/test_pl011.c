/*
 * libvmm PL011 (ARM DDI 0183 section 3).
 */
#include <stdbool.h>
#include <stdint.h>

#include "test_vmm.h"
#include "vmm/pl011.h"

static char out[64];
static unsigned out_len;

static void tx(void *ctx, uint8_t b)
{
    (void)ctx;
    if (out_len < sizeof(out))
        out[out_len++] = (char)b;
}

static struct pl011 u;

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0;
    CHECK_EQ(pl011_access(&u, off, 4, false, &v), PL011_OK);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t val)
{
    uint64_t v = val;
    CHECK_EQ(pl011_access(&u, off, 4, true, &v), PL011_OK);
}

static void test_ids(void)
{
    static const uint32_t ids[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    uint32_t periph = 0;
    pl011_init(&u, tx, NULL);
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(rd(0xfe0 + 4 * i), ids[i]);
    for (unsigned i = 0; i < 4; i++)
        periph |= rd(0xfe0 + 4 * i) << (8 * i);
    CHECK_EQ(periph & 0x000fffff, 0x00041011); /* Linux amba-pl011 id/mask */
    CHECK_EQ(rd(0x030), 0x300);                /* CR reset */
    CHECK_EQ(rd(0x034), 0x12);                 /* IFLS reset */
    CHECK_EQ(rd(0x018), 0x90);                 /* FR: TXFE | RXFE */
}

static void test_tx(void)
{
    pl011_init(&u, tx, NULL);
    out_len = 0;
    wr(0x038, 0x20); /* TXIM */
    CHECK(!pl011_irq_level(&u));
    wr(0x000, 'h');
    wr(0x000, 0x169); /* only the byte goes out */
    CHECK_EQ(out_len, 2);
    CHECK(memcmp(out, "hi", 2) == 0);
    CHECK_EQ(rd(0x03c) & 0x20, 0x20);
    CHECK_EQ(rd(0x040), 0x20);
    CHECK(pl011_irq_level(&u));
    wr(0x044, 0x20); /* ICR */
    CHECK(!pl011_irq_level(&u));
    CHECK_EQ(rd(0x018) & 0x28, 0); /* never BUSY or TXFF */
}

static void test_rx(void)
{
    pl011_init(&u, tx, NULL);
    CHECK(pl011_rx_push(&u, 'a'));
    CHECK(!pl011_rx_push(&u, 'b'));   /* FIFO disabled: 1 deep */
    CHECK_EQ(rd(0x018) & 0x50, 0x40); /* RXFF, not RXFE */
    CHECK_EQ(rd(0x03c) & 0x50, 0x10); /* trigger level 1 reached: RX */
    CHECK_EQ(rd(0x000), 'a');
    CHECK_EQ(rd(0x018) & 0x10, 0x10);
    CHECK_EQ(rd(0x000), 0); /* empty */
    wr(0x02c, 0x70);        /* 8N1, FEN */
    wr(0x038, 0x50);        /* RXIM | RTIM */
    for (unsigned i = 0; i < 16; i++)
        CHECK(pl011_rx_push(&u, (uint8_t)('0' + i)));
    CHECK(!pl011_rx_push(&u, 'x'));
    CHECK_EQ(pl011_rx_space(&u), 0);
    CHECK(pl011_irq_level(&u));
    for (unsigned i = 0; i < 13; i++)
        CHECK_EQ(rd(0x000), '0' + i);
    CHECK_EQ(rd(0x03c) & 0x50, 0x40); /* 3 left, below 1/2: receive timeout */
    for (unsigned i = 13; i < 16; i++)
        CHECK_EQ(rd(0x000), '0' + i);
    CHECK(!pl011_irq_level(&u));
    CHECK_EQ(pl011_rx_space(&u), 16);
}

static void test_bad_access(void)
{
    uint64_t v = 7;
    pl011_init(&u, tx, NULL);
    CHECK_EQ(pl011_access(&u, 0x000, 8, false, &v), PL011_BAD_WIDTH);
    CHECK_EQ(v, 0);
    CHECK_EQ(pl011_access(&u, 0x001, 1, false, &v), PL011_BAD_WIDTH);
    CHECK_EQ(pl011_access(&u, 0x008, 4, false, &v), PL011_RAZ_WI);
    CHECK_EQ(pl011_access(&u, 0x018, 4, true, &v), PL011_RAZ_WI);  /* FR is RO */
    CHECK_EQ(pl011_access(&u, 0x044, 4, false, &v), PL011_RAZ_WI); /* ICR is WO */
    v = 0xffff;
    CHECK_EQ(pl011_access(&u, 0x024, 2, true, &v), PL011_OK);
    CHECK_EQ(rd(0x024), 0xffff);
    CHECK(pl011_mmio(&u, 0x18, 4, false, &v));
    CHECK(!pl011_mmio(&u, 0x18, 3, false, &v));
    for (uint64_t off = 0; off < 0x1000; off++)
        for (unsigned w = 0; w <= 8; w++)
            for (int d = 0; d < 2; d++) {
                v = 0xffffffff;
                pl011_access(&u, off, w, d, &v);
            }
    CHECK(1);
}

/* Every aligned word of the page is what the emulation reads there. */
static void check_page(const uint32_t *page)
{
    for (uint64_t off = 0; off < PL011_MMIO_SIZE; off += 4) {
        uint64_t v = 0;
        (void)pl011_access(&u, off, 4, false, &v);
        CHECK_EQ(page[off / 4], (uint32_t)v);
    }
}

static void test_read_page(void)
{
    static uint32_t page[PL011_MMIO_SIZE / 4];
    pl011_init(&u, tx, NULL);
    CHECK(pl011_reads_pure(&u));
    CHECK(pl011_read_page(&u, page) > 0);
    check_page(page);
    CHECK_EQ(pl011_read_page(&u, page), 0u); /* nothing changed: nothing written */
    wr(0x038, 0x30);                         /* IMSC: RX, TX */
    wr(0x000, 'x');                          /* TX raised */
    CHECK_EQ(pl011_read_page(&u, page), 3u); /* IMSC, RIS and MIS */
    check_page(page);
    CHECK(pl011_rx_push(&u, 'a'));
    CHECK(!pl011_reads_pure(&u)); /* a UARTDR read would pop 'a' */
    CHECK_EQ(rd(0x000), 'a');
    CHECK(pl011_reads_pure(&u));
    (void)pl011_read_page(&u, page);
    check_page(page);
}

int main(void)
{
    test_ids();
    test_tx();
    test_rx();
    test_bad_access();
    test_read_page();
    return test_done("test_pl011");
}
