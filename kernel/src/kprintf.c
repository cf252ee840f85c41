/* Kernel console: a small printf over the PL011. */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/kprintf.h>

/* Set by kpanic: from then on everything goes to the UART itself. */
static bool panicking;

/**
 * Kernel output: to the UART, or to the console log once a serial server has taken the UART
 * (console.c). A panic always reaches the UART: whoever reads the log may be what went wrong.
 */
void kputs_n(const char *s, size_t n)
{
    if (console_uart_taken() && !panicking) {
        console_log_write(s, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        arch_uart_putc(s[i]);
}

static void kputc(char c)
{
    kputs_n(&c, 1);
}

static void put_uint(uint64_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < width--)
        kputc(pad);
    while (n)
        kputc(buf[--n]);
}

static uint64_t take_uint(va_list *ap, int longs)
{
    return longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
}

/* ap by pointer: a va_list parameter's address has another type on some
 * ABIs (x86-64, where the fake-arch host tests run). */
static void vkprintf(const char *fmt, va_list *ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            kputc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            longs = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(*ap, const char *);
            kputs_n(s ? s : "(null)", strlen(s ? s : "(null)"));
            break;
        }
        case 'c':
            kputc((char)va_arg(*ap, int));
            break;
        case 'd': {
            int64_t v = longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
            if (v < 0) {
                kputc('-');
                v = -v;
            }
            put_uint((uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_uint(take_uint(ap, longs), 10, width, pad);
            break;
        case 'x':
            put_uint(take_uint(ap, longs), 16, width, pad);
            break;
        case 'p':
            kputs_n("0x", 2);
            put_uint((uint64_t)(uintptr_t)va_arg(*ap, void *), 16, 0, ' ');
            break;
        case '%':
            kputc('%');
            break;
        default:
            kputc('?');
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, &ap);
    va_end(ap);
}

void kpanic(const char *fmt, ...)
{
    va_list ap;
    panicking = true;
    kputs_n("\nKERNEL PANIC: ", 15);
    va_start(ap, fmt);
    vkprintf(fmt, &ap);
    va_end(ap);
    kputc('\n');
    arch_halt();
}
