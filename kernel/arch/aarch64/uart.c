/*
 * Polled console UART, a table entry per register layout (fdt.c picks it) rather than a driver
 * each: PL011 (QEMU virt; TRM DDI 0183 3.3), and the 16550 with 32-bit registers 4 bytes apart
 * (Tegra's "nvidia,tegra20-uart", reg-shift 2). Data is at 0 in both; the firmware's baud rate is
 * kept. Until arch_uart_init runs (its address comes from the DTB) output is dropped.
 */
#include <kernel/arch.h>

/** A register layout (byte offsets); init: (register, value) pairs up to register 0. */
struct uart_kind {
    uint16_t status, flip, tx_full, rx_empty; /* bits after the flip (16550: room, data) */
    uint16_t rx_irq_reg, rx_irqs, rx_ack_reg; /* rx_ack_reg 0: reading clears */
    const uint16_t *init;
};

/* PL011: off, interrupts masked and cleared, 8 bits + FIFO, on (UARTEN, TXE, RXE).
 * 16550: 8N1 with the divisor latch closed (LCR) first, so the IER write
 * cannot land in a divisor the firmware left open; IER off; FIFOs on (FCR,
 * receive trigger at 1 byte, which is why the RX timeout IRQ is not needed). */
static const uint16_t pl011_init[] = {0x30, 0, 0x38, 0, 0x44, 0x7ff, 0x2c, 0x70, 0x30, 0x301, 0};
static const uint16_t ns16550_init[] = {0x0c, 3, 0x04, 0, 0x08, 1, 0};

static const struct uart_kind uart_kinds[] = {
    /* status, flip, tx_full, rx_empty, rx_irq_reg, rx_irqs, rx_ack_reg, init. PL011: FR.TXFF,
     * RXFE, IMSC.RXIM, RTIM, ICR; 16550: LSR.THRE, DR (set: room, data), IER.ERBFI */
    [PLAT_UART_PL011] = {0x18, 0, BIT(5), BIT(4), 0x38, BIT(4) | BIT(6), 0x44, pl011_init},
    [PLAT_UART_NS16550_32] = {0x14, BIT(5) | BIT(0), BIT(5), BIT(0), 0x04, BIT(0), 0, ns16550_init},
};

static volatile uint32_t *uart_regs;
static const struct uart_kind *uart;

static inline volatile uint32_t *uart_reg(uint32_t off)
{
    return uart_regs + off / 4;
}

void arch_uart_init(paddr_t base, uint32_t kind)
{
    uart = &uart_kinds[kind < ARRAY_SIZE(uart_kinds) ? kind : 0];
    uart_regs = pa_ptr(base);
    for (const uint16_t *w = uart->init; *w; w += 2)
        *uart_reg(w[0]) = w[1];
}

static void uart_put_raw(char c)
{
    while ((*uart_reg(uart->status) ^ uart->flip) & uart->tx_full)
        ;
    *uart_reg(0) = (uint8_t)c;
}

/** Writes `c`, '\n' as "\r\n" for terminals. Spins while the FIFO is full. */
void arch_uart_putc(char c)
{
    if (!uart_regs)
        return;
    if (c == '\n')
        uart_put_raw('\r');
    uart_put_raw(c);
}

int arch_uart_getc(void)
{
    if (!uart_regs || ((*uart_reg(uart->status) ^ uart->flip) & uart->rx_empty))
        return -1;
    return (int)(*uart_reg(0) & 0xff);
}

/** Receive and receive-timeout interrupts on (PL011 UARTIMSC, 16550 IER.ERBFI). */
void arch_uart_rx_irq_enable(void)
{
    if (uart_regs)
        *uart_reg(uart->rx_irq_reg) = uart->rx_irqs;
}

void arch_uart_rx_irq_disable(void)
{
    if (uart_regs)
        *uart_reg(uart->rx_irq_reg) = 0;
}

/** Clears the receive interrupts once the FIFO has been drained. */
void arch_uart_rx_irq_ack(void)
{
    if (uart_regs && uart->rx_ack_reg)
        *uart_reg(uart->rx_ack_reg) = uart->rx_irqs;
}
