/*
 * Polled PL011 console (ARM PrimeCell UART PL011 TRM, DDI 0183, 3.3).
 * QEMU ignores the baud-rate divisors, so init only enables the UART.
 * Until arch_uart_init runs (its address comes from the DTB) output is
 * dropped.
 */
#include <kernel/arch.h>

#define UART_DR   0x00
#define UART_FR   0x18
#define UART_LCRH 0x2c
#define UART_CR   0x30
#define UART_IMSC 0x38
#define UART_ICR  0x44

#define FR_RXFE    (1u << 4)
#define FR_TXFF    (1u << 5)
#define LCRH_WLEN8 (3u << 5)
#define LCRH_FEN   (1u << 4)
#define CR_UARTEN  (1u << 0)
#define CR_TXE     (1u << 8)
#define CR_RXE     (1u << 9)

static volatile uint32_t *uart_regs;

static inline volatile uint32_t *uart_reg(uint32_t off)
{
    return uart_regs + off / 4;
}

void arch_uart_init(paddr_t base)
{
    uart_regs = pa_ptr(base);
    *uart_reg(UART_CR) = 0;
    *uart_reg(UART_IMSC) = 0;
    *uart_reg(UART_ICR) = 0x7ff;
    *uart_reg(UART_LCRH) = LCRH_WLEN8 | LCRH_FEN;
    *uart_reg(UART_CR) = CR_UARTEN | CR_TXE | CR_RXE;
}

static void uart_put_raw(char c)
{
    while (*uart_reg(UART_FR) & FR_TXFF)
        ;
    *uart_reg(UART_DR) = (uint8_t)c;
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
    if (!uart_regs || (*uart_reg(UART_FR) & FR_RXFE))
        return -1;
    return (int)(*uart_reg(UART_DR) & 0xff);
}

/** Receive and receive-timeout interrupts on (PL011 TRM 3.3.10 UARTIMSC). */
void arch_uart_rx_irq_enable(void)
{
    if (uart_regs)
        *uart_reg(UART_IMSC) = (1u << 4) | (1u << 6);
}

void arch_uart_rx_irq_disable(void)
{
    if (uart_regs)
        *uart_reg(UART_IMSC) = 0;
}

/** Clears the receive interrupts once the FIFO has been drained. */
void arch_uart_rx_irq_ack(void)
{
    if (uart_regs)
        *uart_reg(UART_ICR) = (1u << 4) | (1u << 6);
}
