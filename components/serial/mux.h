/*
 * The serial server's multiplexer, portable (unit tested on the host):
 * many clients' output onto one terminal, a line at a time, each line
 * prefixed with its client's name; typed input to one client at a time,
 * switched by an escape sequence.
 *
 * Lines never mix: a client's line goes out whole when it ends; a partial
 * line (a shell prompt) goes out once its client has been quiet for a
 * while (mux_flush_idle: the server's clock, not the pace of its rings,
 * which empty between two buffers of one line), and if another client
 * prints before it goes on, the terminal gets a newline first and the rest
 * comes later under the prefix again (a rest that is only the line's end
 * prints nothing: the terminal's line is already ended). But while the
 * client whose partial line ends the terminal was active within
 * `mux.hold`, another's complete line waits for it (mux_ready says so; the
 * server then leaves that client's bytes in its ring): a guest slowed down
 * in the middle of a line (a loaded host) finishes it first. A prompt
 * stays longer than that: the line is broken then.
 *
 * A client cannot draw on the terminal outside its own line: '\r' is
 * dropped, a backspace erases only ASCII the client printed on its line
 * (after a non-ASCII character, whose width is unknown, it shows as ^H),
 * of escape sequences only colours (SGR, reset after the client's text)
 * and erase-to-end-of-line pass; other escape sequences are dropped and
 * other control bytes show as ^X. So nothing can overwrite or forge a
 * prefix, move the cursor into another client's line or leave the
 * terminal in another mode.
 *
 * Input: Ctrl-] (0x1d, telnet's escape: nothing a shell or an editor
 * binds by default) then a digit N gives the input to client N (the
 * clients that take input, numbered from 0); Ctrl-] c turns coloured
 * prefixes on or off (they start on when the terminal answered the
 * server's cursor position query, mux_cpr_find: a terminal does, a pipe or
 * a file does not); Ctrl-] Ctrl-] types a Ctrl-]. The switch is announced
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
#define MUX_CSI_MAX     16u   /* parameter bytes of an escape sequence kept */
#define MUX_BACKLOG     1024u /* bytes of a held client (the server's quantum fits) */

/** Where the terminal's bytes go (the UART). */
typedef void (*mux_write_fn)(void *ctx, const char *s, size_t n);

struct mux_client {
    char name[MUX_NAME_MAX]; /* "" for the kernel's log: its lines carry their own */
    bool takes_input;
    char line[MUX_LINE_MAX];
    size_t len;
    bool cut;          /* its partial line was ended on the terminal by another client's */
    uint64_t bytes_in; /* typed bytes given to it */
    uint64_t stamp;    /* mux.now when it last printed */
    uint8_t backlog[MUX_BACKLOG]; /* held: its bytes from the line that waits on */
    size_t backlog_len;
    uint64_t held_since; /* mux.now when its backlog began */
    size_t col;          /* bytes of its current line already on the terminal */
    bool sgr;            /* a colour of its own is on: reset after its text */
    uint8_t esc;         /* escape sequence state (mux.c) */
    uint8_t u8;          /* UTF-8 continuation bytes still to come */
    bool wide;           /* a non-ASCII character is on its line: no backspace moves */
    uint8_t csi_len;
    char csi[MUX_CSI_MAX];
};

struct mux {
    struct mux_client client[MUX_CLIENTS_MAX];
    unsigned count;
    int last;    /* client whose partial line ends the terminal, -1 if none */
    int input;   /* client that gets typed input, -1 if none */
    bool escape; /* Ctrl-] seen */
    bool color;
    uint64_t now;  /* the caller's clock, for mux_flush_idle */
    uint64_t hold; /* how long another's fresh partial line holds a line back (0: never) */
    bool released; /* mux_flush_idle let a held client go: drain its ring again */
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

/**
 * Whether client i's output may be given now (mux_out takes it all). Not
 * while a line of it is held: up to MUX_BACKLOG bytes then wait for it.
 */
bool mux_ready(const struct mux *m, unsigned i);

/**
 * Puts out the partial lines of the clients quiet for `idle` or more (by
 * m->now, which the caller keeps current), and the held lines whose hold
 * ended (m->released then). Returns when the next of either is due
 * (m->now's clock), or 0 if nothing waits.
 */
uint64_t mux_flush_idle(struct mux *m, uint64_t idle);

/**
 * A terminal's answer to the cursor position query "\033[6n" (ECMA-48
 * CPR: ESC [ row ; col R) in buf: true with its offset and length.
 */
bool mux_cpr_find(const uint8_t *buf, size_t n, size_t *at, size_t *len);

/** A line of the server's own, under client i's prefix. */
void mux_say(struct mux *m, unsigned i, const char *text);

/**
 * A typed byte. Returns the client it is for (its index), with the byte
 * to give it in *out, or -1 if the byte was the escape's (or nobody takes
 * input). `self` is the client the server's announcements print as.
 */
int mux_input(struct mux *m, unsigned self, uint8_t byte, uint8_t *out);

#endif /* SERIAL_MUX_H */
