/*
 * The bare-metal guests' console (uart.h).
 */
#include "uart.h"

#define UART_DR 0x09000000ul /* QEMU virt PL011 (the VMM emulates it) */

/* A single store with no writeback: its abort has a syndrome (ISV 1) the
 * VMM emulates from (a compiler may pick a post-index form otherwise). */
void uart_put_char(char c)
{
    __asm__ volatile("str %w0, [%1]" ::"r"((uint32_t)(uint8_t)c), "r"(UART_DR) : "memory");
}

void uart_put_str(const char *s)
{
    while (*s)
        uart_put_char(*s++);
}

void uart_put_hex(uint64_t v)
{
    uart_put_str("0x");
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xfu) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        uart_put_char("0123456789abcdef"[(v >> shift) & 0xfu]);
}

void uart_put_dec(uint64_t v)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_put_char(digits[--n]);
}
