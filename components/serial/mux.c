/*
 * The serial server's multiplexer (mux.h).
 */
#include <stdio.h>
#include <string.h>

#include "mux.h"

/* Prefix colours (SGR 31..36), by client index. */
static const char *const mux_colors[] = {"\033[36m", "\033[33m", "\033[32m",
                                         "\033[35m", "\033[34m", "\033[31m"};

enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_C2 };

static void mux_puts(struct mux *m, const char *s)
{
    m->write(m->ctx, s, strlen(s));
}

/** What a client's bytes become on the terminal, written in pieces. */
struct mux_term {
    struct mux *m;
    char buf[64];
    size_t n;
};

static void term_put(struct mux_term *t, char b)
{
    if (t->n == sizeof(t->buf)) {
        t->m->write(t->m->ctx, t->buf, t->n);
        t->n = 0;
    }
    t->buf[t->n++] = b;
}

/** Whether an escape sequence's parameters are digits and ';' only. */
static bool csi_plain(const struct mux_client *c)
{
    for (unsigned k = 0; k < c->csi_len; k++)
        if (!((c->csi[k] >= '0' && c->csi[k] <= '9') || c->csi[k] == ';'))
            return false;
    return c->csi_len < MUX_CSI_MAX;
}

/** The end of an escape sequence: colours and erase-to-end-of-line pass. */
static void term_csi(struct mux_term *t, struct mux_client *c, uint8_t final)
{
    bool sgr = final == 'm' && csi_plain(c);
    bool el = final == 'K' && (c->csi_len == 0 || (c->csi_len == 1 && c->csi[0] == '0'));
    c->esc = ESC_NONE;
    if (!sgr && !el)
        return;
    term_put(t, '\033');
    term_put(t, '[');
    for (unsigned k = 0; k < c->csi_len; k++)
        term_put(t, c->csi[k]);
    term_put(t, (char) final);
    c->sgr |= sgr;
}

static void term_caret(struct mux_term *t, struct mux_client *c, char x)
{
    term_put(t, '^');
    term_put(t, x);
    c->col += 2;
}

/**
 * A byte of a UTF-8 character. Its cells on the terminal are unknown (0
 * for a combining mark, 2 for a wide one): from here to the line's end a
 * backspace shows as ^H rather than move over them. Bytes that are no
 * well-formed UTF-8 show as ^?, so no terminal reads a C1 control in them.
 */
static void term_utf8(struct mux_term *t, struct mux_client *c, uint8_t b)
{
    c->wide = true;
    if (b >= 0x80 && b <= 0xbf) { /* a continuation byte */
        if (c->u8) {
            c->u8--;
            term_put(t, (char)b);
        } else {
            term_caret(t, c, '?');
        }
        return;
    }
    c->u8 = b >= 0xc3 && b <= 0xdf   ? 1u
            : b >= 0xe0 && b <= 0xef ? 2u
            : b >= 0xf0 && b <= 0xf4 ? 3u
                                     : 0u;
    if (b == 0xc2)
        c->esc = ESC_C2; /* maybe a C1 control: see the next byte */
    else if (c->u8)
        term_put(t, (char)b);
    else
        term_caret(t, c, '?'); /* 0xc0, 0xc1, 0xf5..0xff */
}

/** A byte outside an escape sequence. */
static void term_byte(struct mux_term *t, struct mux_client *c, uint8_t b)
{
    if (c->u8 && (b < 0x80 || b > 0xbf))
        c->u8 = 0; /* a character cut short: the terminal shows its own mark */
    if (b == 0x1b) {
        c->esc = ESC_SEEN;
    } else if (b >= 0x80) {
        term_utf8(t, c, b);
    } else if (b == '\b') {
        if (c->wide) {
            term_caret(t, c, 'H');
        } else if (c->col) { /* only over what the client printed on this line */
            term_put(t, '\b');
            c->col--;
        }
    } else if (b == '\t' || (b >= 0x20 && b != 0x7f)) {
        term_put(t, (char)b);
        c->col++;
    } else {
        term_caret(t, c, (char)(b ^ 0x40u));
    }
}

/** Client c's bytes through its escape state onto the terminal. */
static void mux_term_out(struct mux *m, struct mux_client *c, const char *s, size_t n)
{
    struct mux_term t = {.m = m};
    for (size_t k = 0; k < n; k++) {
        uint8_t b = (uint8_t)s[k];
        switch (c->esc) {
        case ESC_SEEN: /* only CSI sequences are looked at; ESC x is dropped */
            c->esc = b == '[' ? ESC_CSI : ESC_NONE;
            c->csi_len = 0;
            break;
        case ESC_CSI:
            if (b >= 0x40 && b <= 0x7e)
                term_csi(&t, c, b);
            else if (b >= 0x20 && b <= 0x3f && c->csi_len < MUX_CSI_MAX)
                c->csi[c->csi_len++] = (char)b;
            else if (b < 0x20 || b > 0x7e)
                c->esc = ESC_NONE; /* not a sequence after all: dropped */
            break;
        case ESC_C2:
            c->esc = ESC_NONE;
            if (b >= 0xa0 && b <= 0xbf) { /* U+00A0..U+00BF */
                term_put(&t, (char)0xc2);
                term_put(&t, (char)b);
                break;
            }
            term_caret(&t, c, '?'); /* U+0080..U+009F, the C1 controls, or a lone lead */
            if (b < 0x80 || b > 0x9f)
                term_byte(&t, c, b);
            break;
        default:
            term_byte(&t, c, b);
            break;
        }
    }
    if (t.n)
        m->write(m->ctx, t.buf, t.n);
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
        c->col = 0;
        c->wide = false;
    }
    c->cut = false;
    mux_term_out(m, c, c->line, c->len);
    if (c->sgr) { /* its colours end with its text */
        mux_puts(m, "\033[0m");
        c->sgr = false;
    }
    if (newline) {
        mux_puts(m, "\r\n");
        c->col = 0;
        c->wide = false;
    }
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

/** The client whose partial line ends the terminal, if it was active within m->hold. */
static int mux_fresh_last(const struct mux *m)
{
    if (m->last < 0 || !m->hold || m->now - m->client[m->last].stamp >= m->hold)
        return -1;
    return m->last;
}

/**
 * Whether a line of client i must wait: another's fresh partial line ends
 * the terminal, and i has not waited a whole hold already (a client that
 * keeps printing without ending its line holds the others a second, not
 * for ever).
 */
static bool mux_holding(const struct mux *m, unsigned i)
{
    int x = mux_fresh_last(m);
    const struct mux_client *c = &m->client[i];
    if (c->backlog_len && m->now - c->held_since >= m->hold)
        return false;
    return x >= 0 && x != (int)i;
}

/** When client i's wait ends at the latest: the hold after its start or after x's last print. */
static uint64_t mux_hold_end(const struct mux *m, unsigned i)
{
    const struct mux_client *c = &m->client[i];
    uint64_t end = m->client[m->last].stamp + m->hold;
    if (c->backlog_len && c->held_since + m->hold < end)
        end = c->held_since + m->hold;
    return end;
}

bool mux_ready(const struct mux *m, unsigned i)
{
    return m->client[i].backlog_len == 0;
}

/** Keeps buf for later: client i's line waits. */
static void mux_hold(struct mux *m, unsigned i, const uint8_t *buf, size_t n)
{
    struct mux_client *c = &m->client[i];
    if (!c->backlog_len)
        c->held_since = m->now;
    if (n > sizeof(c->backlog) - c->backlog_len) /* the server keeps within it */
        n = sizeof(c->backlog) - c->backlog_len;
    memcpy(c->backlog + c->backlog_len, buf, n);
    c->backlog_len += n;
}

/** Client i's bytes onto its line and the terminal; from the first that must wait on, held. */
static void mux_take(struct mux *m, unsigned i, const uint8_t *buf, size_t n)
{
    struct mux_client *c = &m->client[i];
    for (size_t k = 0; k < n; k++) {
        bool ends = buf[k] == '\n' || (buf[k] != '\r' && c->len + 1 == sizeof(c->line));
        if (ends && mux_holding(m, i) && !(buf[k] == '\n' && c->len == 0 && c->cut)) {
            mux_hold(m, i, buf + k, n - k);
            return;
        }
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

/** The held clients whose wait is over go on (their backlog, in order). */
static void mux_release(struct mux *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        struct mux_client *c = &m->client[i];
        if (!c->backlog_len || mux_holding(m, i))
            continue;
        uint8_t buf[MUX_BACKLOG];
        size_t n = c->backlog_len;
        uint64_t hold = m->hold;
        if (m->now - c->held_since >= hold) /* waited a whole hold: it breaks the line */
            m->hold = 0;
        memcpy(buf, c->backlog, n);
        c->backlog_len = 0;
        mux_take(m, i, buf, n);
        m->hold = hold;
        m->released = true;
    }
}

void mux_out(struct mux *m, unsigned i, const uint8_t *buf, size_t n)
{
    struct mux_client *c = &m->client[i];
    if (n)
        c->stamp = m->now;
    if (c->backlog_len)
        mux_hold(m, i, buf, n);
    else
        mux_take(m, i, buf, n);
    if (m->last < 0) /* a line ended: whoever waited for it goes on */
        mux_release(m);
}

void mux_flush(struct mux *m, unsigned i)
{
    if (m->client[i].len)
        mux_emit(m, i, false);
}

/** The earlier of two due times, 0 meaning none. */
static uint64_t mux_sooner(uint64_t a, uint64_t b)
{
    return !a || (b && b < a) ? b : a;
}

uint64_t mux_flush_idle(struct mux *m, uint64_t idle)
{
    uint64_t next = 0;
    mux_release(m); /* a hold that ran out */
    for (unsigned i = 0; i < m->count; i++) {
        const struct mux_client *c = &m->client[i];
        if (c->backlog_len || (c->len && mux_holding(m, i))) { /* when the hold runs out */
            if (m->last >= 0)
                next = mux_sooner(next, mux_hold_end(m, i));
            continue;
        }
        if (!c->len)
            continue;
        uint64_t due = c->stamp + idle;
        if (m->now >= due)
            mux_emit(m, i, false);
        else
            next = mux_sooner(next, due);
    }
    return next;
}

bool mux_cpr_find(const uint8_t *buf, size_t n, size_t *at, size_t *len)
{
    for (size_t s = 0; s + 1 < n; s++) {
        if (buf[s] != 0x1b || buf[s + 1] != '[')
            continue;
        size_t k = s + 2, digits[2] = {0, 0};
        unsigned part = 0;
        for (; k < n; k++) {
            if (buf[k] >= '0' && buf[k] <= '9')
                digits[part]++;
            else if (buf[k] == ';' && part == 0)
                part = 1;
            else
                break;
        }
        if (k < n && buf[k] == 'R' && part == 1 && digits[0] && digits[1]) {
            *at = s;
            *len = k + 1 - s;
            return true;
        }
    }
    return false;
}

void mux_say(struct mux *m, unsigned i, const char *text)
{
    /* the server's own word does not wait: it breaks a fresh partial line */
    uint64_t hold = m->hold;
    m->hold = 0;
    mux_out(m, i, (const uint8_t *)text, strlen(text));
    mux_out(m, i, (const uint8_t *)"\n", 1);
    m->hold = hold;
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
