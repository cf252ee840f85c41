/*
 * PL011 register emulation as a table of offset -> handler.
 * ARM DDI 0183 (PrimeCell UART PL011 TRM r1p5) section 3.
 */
#include <stddef.h>
#include <string.h>

#include "vmm/pl011.h"

#define FR_BUSY 0x008u
#define FR_RXFE 0x010u
#define FR_TXFF 0x020u
#define FR_RXFF 0x040u
#define FR_TXFE 0x080u

#define INT_RX    0x010u
#define INT_TX    0x020u
#define INT_RT    0x040u
#define INT_ALL   0x7ffu
#define LCR_H_FEN 0x010u

/** Peripheral ID 0x00341011 (PL011 r1p5), PrimeCell ID 0xB105F00D (TRM 3.3.16-17). */
static const uint8_t pl011_ids[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

typedef uint32_t (*pl011_read_fn)(struct pl011 *u, uint32_t off);
typedef void (*pl011_write_fn)(struct pl011 *u, uint32_t off, uint32_t val);

/** One register block [base, end) and its handlers (NULL: that direction RAZ/WI). */
struct pl011_reg {
    uint16_t base;
    uint16_t end;
    pl011_read_fn read;
    pl011_write_fn write;
};

/** Resets the UART (TRM 3.3 reset values). */
void pl011_init(struct pl011 *u, pl011_tx_fn tx, void *ctx)
{
    memset(u, 0, sizeof(*u));
    u->cr = 0x300;
    u->ifls = 0x12;
    u->tx = tx;
    u->tx_ctx = ctx;
}

static unsigned fifo_depth(const struct pl011 *u)
{
    return (u->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1u;
}

/** Receive trigger level from IFLS.RXIFLSEL: 1/8 .. 7/8 full (TRM 3.3.12). */
static unsigned rx_trigger(const struct pl011 *u)
{
    static const unsigned eighths[8] = {1, 2, 4, 6, 7, 7, 7, 7};

    if (!(u->lcr_h & LCR_H_FEN))
        return 1;
    return eighths[(u->ifls >> 3) & 7u] * PL011_FIFO_DEPTH / 8u;
}

/** Free receive FIFO entries. */
unsigned pl011_rx_space(const struct pl011 *u)
{
    unsigned depth = fifo_depth(u);
    return u->rx_count >= depth ? 0 : depth - u->rx_count;
}

/** Queues a byte the console received. */
bool pl011_rx_push(struct pl011 *u, uint8_t byte)
{
    if (pl011_rx_space(u) == 0)
        return false;
    u->rx[(u->rx_head + u->rx_count) % PL011_FIFO_DEPTH] = byte;
    u->rx_count++;
    return true;
}

/** RX at the trigger level; below it, the receive timeout fires at once (TRM 3.4.3). */
uint32_t pl011_ris(const struct pl011 *u)
{
    uint32_t ris = u->ris_tx_err;

    if (u->rx_count >= rx_trigger(u))
        ris |= INT_RX;
    else if (u->rx_count > 0)
        ris |= INT_RT;
    return ris;
}

/** UARTINTR. */
bool pl011_irq_level(const struct pl011 *u)
{
    return (pl011_ris(u) & u->imsc) != 0;
}

/** UARTDR read: pops one byte, 0 if empty (no error bits: the link is ideal). */
static uint32_t rd_dr(struct pl011 *u, uint32_t off)
{
    (void)off;
    if (u->rx_count == 0)
        return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1u) % PL011_FIFO_DEPTH;
    u->rx_count--;
    return b;
}

/** UARTDR write: the byte leaves at once, so the TX FIFO is empty again. */
static void wr_dr(struct pl011 *u, uint32_t off, uint32_t val)
{
    (void)off;
    if (u->tx)
        u->tx(u->tx_ctx, (uint8_t)val);
    u->ris_tx_err |= INT_TX;
}

static uint32_t rd_rsr(struct pl011 *u, uint32_t off)
{
    (void)off;
    return u->rsr;
}

static void wr_ecr(struct pl011 *u, uint32_t off, uint32_t val)
{
    (void)off, (void)val;
    u->rsr = 0;
}

/** UARTFR: transmitter never busy or full (TRM 3.3.3). */
static uint32_t rd_fr(struct pl011 *u, uint32_t off)
{
    uint32_t fr = FR_TXFE;

    (void)off;
    if (u->rx_count == 0)
        fr |= FR_RXFE;
    if (pl011_rx_space(u) == 0)
        fr |= FR_RXFF;
    return fr;
}

/** Plain read/write registers, located by offset. */
static uint32_t *plain_reg(struct pl011 *u, uint32_t off)
{
    switch (off) {
    case 0x20:
        return &u->ilpr;
    case 0x24:
        return &u->ibrd;
    case 0x28:
        return &u->fbrd;
    case 0x2c:
        return &u->lcr_h;
    case 0x30:
        return &u->cr;
    case 0x34:
        return &u->ifls;
    case 0x38:
        return &u->imsc;
    default:
        return &u->dmacr;
    }
}

/** Writable bits per plain register (TRM 3.3). */
static uint32_t plain_mask(uint32_t off)
{
    static const uint32_t masks[] = {0xff, 0xffff, 0x3f, 0xff, 0xff87, 0x3f, INT_ALL};
    return off >= 0x20 && off <= 0x38 ? masks[(off - 0x20) / 4u] : 0x7u;
}

static uint32_t rd_plain(struct pl011 *u, uint32_t off)
{
    return *plain_reg(u, off);
}

/** Turning the FIFO off keeps at most one received byte (the rest is lost). */
static void wr_plain(struct pl011 *u, uint32_t off, uint32_t val)
{
    *plain_reg(u, off) = val & plain_mask(off);
    if (off == 0x2c && !(u->lcr_h & LCR_H_FEN) && u->rx_count > 1)
        u->rx_count = 1;
}

static uint32_t rd_ris(struct pl011 *u, uint32_t off)
{
    (void)off;
    return pl011_ris(u);
}

static uint32_t rd_mis(struct pl011 *u, uint32_t off)
{
    (void)off;
    return pl011_ris(u) & u->imsc;
}

/** UARTICR: clears TX and error bits; RX/RT follow the FIFO level. */
static void wr_icr(struct pl011 *u, uint32_t off, uint32_t val)
{
    (void)off;
    u->ris_tx_err &= ~val;
}

static uint32_t rd_id(struct pl011 *u, uint32_t off)
{
    (void)u;
    return pl011_ids[(off - 0xfe0u) / 4u];
}

/* Handlers get the absolute register offset. */
static const struct pl011_reg pl011_regs[] = {
    {0x000, 0x004, rd_dr, wr_dr}, {0x004, 0x008, rd_rsr, wr_ecr},
    {0x018, 0x01c, rd_fr, NULL},  {0x020, 0x03c, rd_plain, wr_plain},
    {0x03c, 0x040, rd_ris, NULL}, {0x040, 0x044, rd_mis, NULL},
    {0x044, 0x048, NULL, wr_icr}, {0x048, 0x04c, rd_plain, wr_plain},
    {0xfe0, 0x1000, rd_id, NULL},
};

static const struct pl011_reg *find_reg(uint64_t offset)
{
    for (size_t i = 0; i < sizeof(pl011_regs) / sizeof(pl011_regs[0]); i++) {
        if (offset >= pl011_regs[i].base && offset < pl011_regs[i].end)
            return &pl011_regs[i];
    }
    return NULL;
}

bool pl011_reads_pure(const struct pl011 *u)
{
    return u->rx_count == 0;
}

/* The handlers run on a copy: a UARTDR read pops (from an empty FIFO: 0). */
unsigned pl011_read_page(const struct pl011 *u, uint32_t *page)
{
    struct pl011 copy = *u;
    unsigned changed = 0;
    for (size_t i = 0; i < sizeof(pl011_regs) / sizeof(pl011_regs[0]); i++) {
        const struct pl011_reg *r = &pl011_regs[i];
        for (uint32_t off = r->base; r->read && off < r->end; off += 4) {
            uint32_t v = r->read(&copy, off);
            if (page[off / 4] != v) {
                page[off / 4] = v;
                changed++;
            }
        }
    }
    return changed;
}

/**
 * Decode, then run the handler. Accesses are 1, 2 or 4 bytes at a register's
 * offset: narrow reads see its low bits, narrow writes set its low bits.
 */
enum pl011_result pl011_access(struct pl011 *u, uint64_t offset, unsigned width, bool write,
                               uint64_t *value)
{
    if (!write)
        *value = 0;
    if ((width != 1 && width != 2 && width != 4) || offset % 4u != 0)
        return PL011_BAD_WIDTH;
    const struct pl011_reg *reg = find_reg(offset);
    if (!reg || (write ? !reg->write : !reg->read))
        return PL011_RAZ_WI;
    uint32_t mask = width == 4 ? ~0u : (1u << (8u * width)) - 1u;
    if (write)
        reg->write(u, (uint32_t)offset, (uint32_t)*value & mask);
    else
        *value = reg->read(u, (uint32_t)offset) & mask;
    return PL011_OK;
}

/** For struct mmio_region. */
bool pl011_mmio(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value)
{
    return pl011_access(dev, offset, width, write, value) != PL011_BAD_WIDTH;
}
