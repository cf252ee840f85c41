/*
 * The bare-metal guests' console (guest/attacker, guest/conform): bytes
 * written to the emulated PL011's UARTDR at QEMU virt's 0x09000000, one
 * store each, no flow control (the VMM takes them all).
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>

/** One byte. */
void uart_put_char(char c);

/** A NUL-terminated string. */
void uart_put_str(const char *s);

/** v in hex with a 0x prefix, no leading zeros. */
void uart_put_hex(uint64_t v);

/** v in decimal. */
void uart_put_dec(uint64_t v);

#endif /* GUEST_UART_H */
