/*
 * An emulated ARM PrimeCell UART (PL011) for a guest console.
 * PrimeCell UART (PL011) Technical Reference Manual, ARM DDI 0183 (r1p5):
 * 3.2 register summary, 3.3 register descriptions, 3.4 interrupts.
 * Transmit is immediate (the TX FIFO always reads empty, TX interrupt raised
 * after each byte as the FIFO drains); receive is a 16-entry FIFO the VMM
 * fills from the system console. The interrupt output is (RIS & IMSC) != 0.
 */
#ifndef VMM_PL011_H
#define VMM_PL011_H

#include <stdbool.h>
#include <stdint.h>

#define PL011_FIFO_DEPTH 16u
#define PL011_MMIO_SIZE  0x1000u

/** Receives each byte the guest writes to UARTDR. */
typedef void (*pl011_tx_fn)(void *ctx, uint8_t byte);

/** Outcome of a register access. */
enum pl011_result {
    PL011_OK = 0,
    PL011_RAZ_WI,   /* reserved or read-only/write-only in that direction: ignored */
    PL011_BAD_WIDTH /* not a 1/2/4-byte aligned access: ignored, reads 0 */
};

/** One UART. Plain data. */
struct pl011 {
    uint8_t rx[PL011_FIFO_DEPTH];
    unsigned rx_head;
    unsigned rx_count;
    uint32_t ris_tx_err; /* RIS bits other than RX/RT (those follow the FIFO) */
    uint32_t imsc;
    uint32_t ibrd, fbrd, lcr_h, cr, ifls, dmacr, ilpr, rsr;
    pl011_tx_fn tx;
    void *tx_ctx;
};

/** Reset state (TRM 3.3): CR 0x300, IFLS 0x12, FIFOs empty. */
void pl011_init(struct pl011 *u, pl011_tx_fn tx, void *ctx);

/** A guest access at `offset` in the 4 KiB frame (TRM 3.2). Reads fill *value. */
enum pl011_result pl011_access(struct pl011 *u, uint64_t offset, unsigned width, bool write,
                               uint64_t *value);

/** mmio_handler_fn adapter: refuses only bad widths. */
bool pl011_mmio(void *dev, uint64_t offset, unsigned width, bool write, uint64_t *value);

/** Queues one received byte; false if the FIFO is full (byte dropped by caller). */
bool pl011_rx_push(struct pl011 *u, uint8_t byte);

/** Free entries in the receive FIFO (1 deep when LCR_H.FEN is 0). */
unsigned pl011_rx_space(const struct pl011 *u);

/** Raw interrupt status UARTRIS (TRM 3.3.13). */
uint32_t pl011_ris(const struct pl011 *u);

/** The UARTINTR output: any unmasked raised interrupt (TRM 3.4). */
bool pl011_irq_level(const struct pl011 *u);

/** True if no register read changes the UART: the receive FIFO is empty (a UARTDR read pops). */
bool pl011_reads_pure(const struct pl011 *u);

/**
 * The UART as a read-only page the guest can read without exits: the word
 * at each readable register's offset is what a 4-byte read returns (and a
 * narrow aligned read its low bytes; offsets of no register stay as they
 * were, 0 in a zeroed page). Writes only the words that changed and says
 * how many. Only a true image while pl011_reads_pure().
 */
unsigned pl011_read_page(const struct pl011 *u, uint32_t *page);

#endif /* VMM_PL011_H */
