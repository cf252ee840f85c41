/*
 * The guest's console (console.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/console.h>
#include <cap/invoke.h>
#include <cap/ipc.h>
#include <cap/self.h>
#include <cap/syscall.h>

#include "console.h"
#include "netport.h"
#include "vdev.h"
#include "vxconn.h"

#define CONSOLE_READ_MAX 24u /* abi.h CV_OP_CONSOLE_READ: bytes per call */
/* What Linux's panic() prints first (kernel/panic.c); its 'K' occurs only
 * at the start, so a byte-at-a-time match needs no backtracking. */
static const char CONSOLE_PANIC[] = "Kernel panic - not syncing";

#define CONSOLE_SERIAL_TRIES 10000u

/**
 * The PL011's line to the serial server, which prefixes it: through the
 * same ring as the virtio console's output, so the server never sees two
 * VMs' partial lines in one stream. The server outranks the VMM: a kick
 * runs it and makes room; a server that does not within many tries is
 * stuck, and the line is dropped rather than the VM.
 */
static void console_serial_emit(struct vm *vm, bool newline)
{
    struct vm_console *c = &vm->con;
    if (newline)
        c->line[c->len++] = '\n'; /* the buffer keeps a byte for it */
    const uint8_t *p = (const uint8_t *)c->line;
    size_t n = c->len;
    for (unsigned tries = 0; n && tries < CONSOLE_SERIAL_TRIES; tries++) {
        size_t k = sring_put(&c->link.ring->out, p, n);
        p += k;
        n -= k;
        cv_signal(c->link.kick);
        if (n)
            cv_yield();
    }
    c->len = 0;
}

/**
 * Prints the buffered output, with the prefix if it starts a line: one
 * kernel call and no formatting, as the guest's output is most of what the
 * VMM prints (printf added 0.25 us a byte under QEMU).
 */
static void console_emit(struct vm *vm, bool newline)
{
    struct vm_console *c = &vm->con;
    char out[sizeof(vm->name) + 2 + sizeof(c->line) + 1];
    size_t n = 0;
    if (c->serial) {
        console_serial_emit(vm, newline);
        return;
    }
    if (!c->mid_line) {
        n = strnlen(vm->name, sizeof(vm->name));
        memcpy(out, vm->name, n);
        out[n++] = ':';
        out[n++] = ' ';
    }
    memcpy(out + n, c->line, c->len);
    n += c->len;
    if (newline)
        out[n++] = '\n';
    cv_console_flush(); /* what the VMM printf'd before goes first */
    cv_debug_puts(out, n);
    c->mid_line = !newline;
    c->len = 0;
}

/** Follows the output for CONSOLE_PANIC, across line-buffer flushes. */
static void console_watch(struct vm_console *c, uint8_t byte)
{
    if (byte == (uint8_t)CONSOLE_PANIC[c->panic_match])
        c->panic_match++;
    else
        c->panic_match = byte == (uint8_t)CONSOLE_PANIC[0] ? 1u : 0u;
    if (c->panic_match == sizeof(CONSOLE_PANIC) - 1u) {
        c->panicked = true;
        c->panic_match = 0;
    }
}

void console_reset(struct vm *vm)
{
    vm->con.panic_match = 0;
    vm->con.panicked = false;
}

void console_tx(void *ctx, uint8_t byte)
{
    struct vm *vm = ctx;
    struct vm_console *c = &vm->con;
    console_watch(c, byte);
    if (byte == '\r')
        return;
    if (byte == '\n') {
        console_emit(vm, true);
        return;
    }
    c->line[c->len++] = (char)byte;
    if (c->len == sizeof(c->line) - 1) /* a byte kept for console_serial_emit's newline */
        console_emit(vm, false);
}

void console_flush(struct vm *vm)
{
    if (vm->con.len == 0)
        return;
    console_emit(vm, false);
}

/** Connected to the serial server: its signal wakes the VMM as input did. */
static bool console_serial_init(struct vm *vm)
{
    struct vm_console *c = &vm->con;
    if (!cv_serial_open(&c->link))
        return false;
    enum cv_err err = cv_tcb_bind_ntfn(CV_COMP_SLOT_TCB, c->link.signal);
    if (err != CV_OK) {
        printf("[%s] serial server signal: %s\n", vm->name, cv_err_str(err));
        return false;
    }
    c->serial = true;
    c->ntfn = c->link.signal;
    c->in_more = true;
    return true;
}

size_t console_hvc_out(struct vm *vm, const uint8_t *buf, size_t n)
{
    struct vm_console *c = &vm->con;
    if (!c->serial) {
        for (size_t i = 0; i < n; i++)
            console_tx(vm, buf[i]);
        return n;
    }
    size_t k = sring_put(&c->link.ring->out, buf, n);
    if (k)
        cv_signal(c->link.kick);
    return k;
}

bool console_init(struct vm *vm)
{
    if (console_serial_init(vm)) {
        /* its own signals (work left for later) must not look like a connector's event */
        vm->wake = vxconn_self_cap(vm, vm->con.ntfn);
        vm->bound = vm->con.ntfn;
        return netport_check_signal(vm, vm->con.ntfn) && vxconn_check_signal(vm, vm->con.ntfn);
    }
    /* a switch port's or the connectors' signal, if one brings it, wakes us for input too */
    enum cv_err err = CV_OK;
    uint64_t ntfn = netport_signal(vm);
    if (!ntfn)
        ntfn = vxconn_signal(vm);
    if (!netport_check_signal(vm, ntfn) || !vxconn_check_signal(vm, ntfn))
        return false;
    if (!ntfn)
        ntfn = cv_self_retype(CV_OBJ_NOTIFICATION, 0, &err);
    if (ntfn)
        err = cv_tcb_bind_ntfn(CV_COMP_SLOT_TCB, ntfn);
    if (err != CV_OK) {
        printf("[%s] no notification to wait on (%s)\n", vm->name, cv_err_str(err));
        return false;
    }
    vm->bound = ntfn;
    /* its own signals must not look like a connector's event */
    uint64_t self = vxconn_self_cap(vm, ntfn);
    vm->wake = self;
    err = cv_invoke(CV_COMP_SLOT_CONSOLE, CV_OP_CONSOLE_SET_NTFN, &self, 1, NULL, 0);
    if (err == CV_E_INVALID_CAP) { /* no console cap: the description has no console-input */
        printf("[%s] no console-input: the guest reads nothing\n", vm->name);
        return true;
    }
    if (err != CV_OK) {
        printf("[%s] no console input (%s): the guest reads nothing\n", vm->name, cv_err_str(err));
        return true;
    }
    vm->con.ntfn = ntfn;
    vm->con.in_more = true; /* input may have come before we asked */
    return true;
}

/** One CV_OP_CONSOLE_READ into the input ring (which has room for it). */
static void console_read(struct vm *vm)
{
    struct vm_console *c = &vm->con;
    if (c->serial) {
        uint8_t buf[CONSOLE_READ_MAX];
        size_t n = cv_serial_read(&c->link, buf, sizeof(buf));
        for (size_t k = 0; k < n; k++)
            c->in[(c->in_head + c->in_count++) % sizeof(c->in)] = buf[k];
        c->in_more = n == sizeof(buf);
        return;
    }
    uint64_t res[4] = {0};
    enum cv_err err = cv_invoke(CV_COMP_SLOT_CONSOLE, CV_OP_CONSOLE_READ, NULL, 0, res, 4);
    uint64_t n = err == CV_OK ? res[0] : 0;
    if (n > CONSOLE_READ_MAX)
        n = CONSOLE_READ_MAX;
    for (uint64_t k = 0; k < n; k++) {
        uint8_t byte = (uint8_t)(res[1 + k / 8] >> (8 * (k % 8)));
        c->in[(c->in_head + c->in_count++) % sizeof(c->in)] = byte;
    }
    c->in_more = n == CONSOLE_READ_MAX;
}

/** Reads from the kernel while it may have input and the ring has room. */
static void console_fill(struct vm *vm)
{
    struct vm_console *c = &vm->con;
    while (c->ntfn && c->in_more && sizeof(c->in) - c->in_count >= CONSOLE_READ_MAX)
        console_read(vm);
}

void console_input(struct vm *vm)
{
    vm->con.in_more = true;
    console_feed(vm);
}

/**
 * Input to the VM's virtio console: as much of the ring as the guest has
 * buffers for, in at most two pieces (the ring wraps); the rest waits for
 * its next receive buffers (vio.c calls console_feed again).
 */
static size_t console_feed_hvc(struct vm *vm)
{
    struct vm_console *c = &vm->con;
    size_t fed = 0;
    while (c->in_count) {
        size_t run = sizeof(c->in) - c->in_head;
        if (run > c->in_count)
            run = c->in_count;
        size_t n = virtio_console_input(vm->hvc, &c->in[c->in_head], run);
        c->in_head = (unsigned)((c->in_head + n) % sizeof(c->in));
        c->in_count -= (unsigned)n;
        fed += n;
        if (n < run)
            break;
    }
    return fed;
}

void console_feed(struct vm *vm)
{
    struct vm_console *c = &vm->con;
    if (vm->stopped || !c->ntfn)
        return;
    console_fill(vm);
    if (vm->hvc) {
        /* until the guest's buffers or the input run out: the guest is not
         * asked to notify new receive buffers (virtio_console.c), so what
         * waits here would wait for the next keystroke */
        size_t fed;
        do {
            fed = console_feed_hvc(vm);
            console_fill(vm);
        } while (fed && vm->con.in_count);
        return;
    }
    bool pushed = false, level = pl011_irq_level(&vm->uart);
    while (c->in_count && pl011_rx_space(&vm->uart) > 0) {
        (void)pl011_rx_push(&vm->uart, c->in[c->in_head]);
        c->in_head = (c->in_head + 1) % sizeof(c->in);
        c->in_count--;
        pushed = true;
    }
    if (pushed)
        vdev_uart_changed(vm, level); /* a UARTDR read pops now: it must exit */
    console_fill(vm);
}
