/*
 * The serial server's multiplexer, portable (unit tested on the host):
 * many clients' output onto one terminal, a line at a time, each line
 * prefixed with its client's name; typed input to one client at a time,
 * switched by an escape sequence.
 *
 * Lines never mix: a client's line goes out whole when it ends; a partial
 * line (a shell prompt) goes out when its client pauses, and if another
 * client prints before it goes on, the terminal gets a newline first and
 * the rest comes later under the prefix again (a rest that is only the
 * line's end prints nothing: the terminal's line is already ended).
 *
 * Input: Ctrl-] (0x1d, telnet's escape: nothing a shell or an editor
 * binds by default) then a digit N gives the input to client N (the
 * clients that take input, numbered from 0); Ctrl-] c turns coloured
 * prefixes on or off (the server cannot tell whether the terminal behind
 * the UART is one); Ctrl-] Ctrl-] types a Ctrl-]. The switch is announced
 * on the terminal.
 */
#ifndef SERIAL_MUX_H
#define SERIAL_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MUX_CLIENTS_MAX 12u
#define MUX_NAME_MAX    32u
#define MUX_LINE_MAX    256u
#define MUX_ESCAPE      0x1du /* Ctrl-] */

/** Where the terminal's bytes go (the UART). */
typedef void (*mux_write_fn)(void *ctx, const char *s, size_t n);

struct mux_client {
    char name[MUX_NAME_MAX]; /* "" for the kernel's log: its lines carry their own */
    bool takes_input;
    char line[MUX_LINE_MAX];
    size_t len;
    bool cut;          /* its partial line was ended on the terminal by another client's */
    uint64_t bytes_in; /* typed bytes given to it */
};

struct mux {
    struct mux_client client[MUX_CLIENTS_MAX];
    unsigned count;
    int last;    /* client whose partial line ends the terminal, -1 if none */
    int input;   /* client that gets typed input, -1 if none */
    bool escape; /* Ctrl-] seen */
    bool color;
    mux_write_fn write;
    void *ctx;
};

/** An empty multiplexer writing to write(ctx). */
void mux_init(struct mux *m, mux_write_fn write, void *ctx);

/**
 * Adds a client (its name truncated to MUX_NAME_MAX - 1); the first that
 * takes input gets it. Returns its index, or -1 if full.
 */
int mux_add(struct mux *m, const char *name, bool takes_input);

/** Client i printed these bytes ('\r' is dropped: lines end in "\r\n" on the wire). */
void mux_out(struct mux *m, unsigned i, const uint8_t *buf, size_t n);

/** Client i paused: its partial line goes out now. */
void mux_flush(struct mux *m, unsigned i);

/** A line of the server's own, under client i's prefix. */
void mux_say(struct mux *m, unsigned i, const char *text);

/**
 * A typed byte. Returns the client it is for (its index), with the byte
 * to give it in *out, or -1 if the byte was the escape's (or nobody takes
 * input). `self` is the client the server's announcements print as.
 */
int mux_input(struct mux *m, unsigned self, uint8_t byte, uint8_t *out);

#endif /* SERIAL_MUX_H */
