/*
 * The serial server's multiplexer (mux.h).
 */
#include <stdio.h>
#include <string.h>

#include "mux.h"

/* Prefix colours (SGR 31..36), by client index. */
static const char *const mux_colors[] = {"\033[36m", "\033[33m", "\033[32m",
                                         "\033[35m", "\033[34m", "\033[31m"};

static void mux_puts(struct mux *m, const char *s)
{
    m->write(m->ctx, s, strlen(s));
}

/** "name: ", coloured if asked; nothing for the log, whose lines have their own. */
static void mux_prefix(struct mux *m, unsigned i)
{
    const char *name = m->client[i].name;
    if (!name[0])
        return;
    if (m->color)
        mux_puts(m, mux_colors[i % (sizeof(mux_colors) / sizeof(mux_colors[0]))]);
    mux_puts(m, name);
    mux_puts(m, ": ");
    if (m->color)
        mux_puts(m, "\033[0m");
}

/**
 * Puts client i's buffered bytes on the terminal: under its prefix unless
 * its own partial line is what the terminal ends with, after a newline if
 * another client's partial line is.
 */
static void mux_emit(struct mux *m, unsigned i, bool newline)
{
    struct mux_client *c = &m->client[i];
    if (m->last != (int)i) {
        if (m->last >= 0) {
            mux_puts(m, "\r\n");
            m->client[m->last].cut = true;
        }
        mux_prefix(m, i);
    }
    c->cut = false;
    m->write(m->ctx, c->line, c->len);
    if (newline)
        mux_puts(m, "\r\n");
    m->last = newline ? -1 : (int)i;
    c->len = 0;
}

void mux_init(struct mux *m, mux_write_fn write, void *ctx)
{
    memset(m, 0, sizeof(*m));
    m->last = -1;
    m->input = -1;
    m->write = write;
    m->ctx = ctx;
}

int mux_add(struct mux *m, const char *name, bool takes_input)
{
    if (m->count == MUX_CLIENTS_MAX)
        return -1;
    struct mux_client *c = &m->client[m->count];
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->takes_input = takes_input;
    if (takes_input && m->input < 0)
        m->input = (int)m->count;
    return (int)m->count++;
}

void mux_out(struct mux *m, unsigned i, const uint8_t *buf, size_t n)
{
    struct mux_client *c = &m->client[i];
    for (size_t k = 0; k < n; k++) {
        if (buf[k] == '\r')
            continue;
        if (buf[k] == '\n') {
            if (c->len == 0 && c->cut)
                c->cut = false; /* ended already, by another client's line */
            else
                mux_emit(m, i, true);
            continue;
        }
        c->line[c->len++] = (char)buf[k];
        if (c->len == sizeof(c->line))
            mux_emit(m, i, false);
    }
}

void mux_flush(struct mux *m, unsigned i)
{
    if (m->client[i].len)
        mux_emit(m, i, false);
}

void mux_say(struct mux *m, unsigned i, const char *text)
{
    mux_out(m, i, (const uint8_t *)text, strlen(text));
    mux_out(m, i, (const uint8_t *)"\n", 1);
}

/** The client with input number n (counting those that take input), or -1. */
static int mux_nth_input(const struct mux *m, unsigned n)
{
    for (unsigned i = 0; i < m->count; i++)
        if (m->client[i].takes_input && n-- == 0)
            return (int)i;
    return -1;
}

/** The byte after Ctrl-]: a switch, the colour toggle, or a literal Ctrl-]. */
static int mux_command(struct mux *m, unsigned self, uint8_t byte, uint8_t *out)
{
    char text[96];
    int to = byte >= '0' && byte <= '9' ? mux_nth_input(m, byte - '0') : -1;
    if (byte == MUX_ESCAPE) {
        *out = byte;
        if (m->input >= 0)
            m->client[m->input].bytes_in++;
        return m->input;
    }
    if (byte == 'c') {
        m->color = !m->color;
        mux_say(m, self, m->color ? "colour on" : "colour off");
    } else if (to >= 0) {
        m->input = to;
        snprintf(text, sizeof(text), "input to %s", m->client[to].name);
        mux_say(m, self, text);
    } else {
        mux_say(m, self,
                "Ctrl-] then 0-9: input to that client; c: colour on/off; "
                "Ctrl-] again: a Ctrl-]");
    }
    return -1;
}

int mux_input(struct mux *m, unsigned self, uint8_t byte, uint8_t *out)
{
    if (m->escape) {
        m->escape = false;
        return mux_command(m, self, byte, out);
    }
    if (byte == MUX_ESCAPE) {
        m->escape = true;
        return -1;
    }
    *out = byte;
    if (m->input >= 0)
        m->client[m->input].bytes_in++;
    return m->input;
}
