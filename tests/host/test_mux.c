/*
 * The serial server's multiplexer (components/serial/mux.h): lines never
 * mix, prefixes, partial lines, input switching by escape.
 */
#include "../../components/serial/mux.h"
#include "test_vmm.h"

static char term[8192];
static size_t term_len;

static void on_write(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (n > sizeof(term) - 1 - term_len)
        n = sizeof(term) - 1 - term_len;
    memcpy(term + term_len, s, n);
    term_len += n;
    term[term_len] = 0;
}

static struct mux m;

static void out(unsigned i, const char *s)
{
    mux_out(&m, i, (const uint8_t *)s, strlen(s));
}

/** vm0 prints `partial` and pauses, vm1 a line, then vm0 `rest`. */
static void cut_in(const char *partial, const char *line, const char *rest)
{
    out(2, partial);
    mux_flush(&m, 2);
    out(3, line);
    out(2, rest);
}

static bool term_is(const char *want)
{
    bool ok = strcmp(term, want) == 0;
    if (!ok)
        fprintf(stderr, "terminal:\n%s\nwant:\n%s\n", term, want);
    term_len = 0;
    term[0] = 0;
    return ok;
}

static void test_lines(void)
{
    mux_init(&m, on_write, NULL);
    CHECK_EQ(mux_add(&m, "", false), 0);
    CHECK_EQ(mux_add(&m, "serial", false), 1);
    CHECK_EQ(mux_add(&m, "vm0", true), 2);
    CHECK_EQ(mux_add(&m, "vm1", true), 3);
    out(2, "hello\r\nwor");
    out(3, "other line\n");
    out(2, "ld\n");
    CHECK(term_is("vm0: hello\r\nvm1: other line\r\nvm0: world\r\n"));
    /* a prompt: out when its client pauses, then another client's line */
    cut_in("~ # ", "boot message\n", "ls\n");
    CHECK(term_is("vm0: ~ # \r\nvm1: boot message\r\nvm0: ls\r\n"));
    /* a partial line cut by another client's, then only its end: no empty line */
    cut_in("text", "cut in\n", "\n");
    out(2, "next\n");
    CHECK(term_is("vm0: text\r\nvm1: cut in\r\nvm0: next\r\n"));
    /* the same client going on after its prompt: no second prefix */
    out(2, "~ # ");
    mux_flush(&m, 2);
    out(2, "echo\n");
    mux_flush(&m, 2); /* nothing buffered: nothing printed */
    CHECK(term_is("vm0: ~ # echo\r\n"));
    /* the log's lines carry their own prefix */
    out(0, "vmm0: started\n");
    CHECK(term_is("vmm0: started\r\n"));
    /* an over-long line goes out in pieces under one prefix */
    char big[MUX_LINE_MAX + 10];
    memset(big, 'x', sizeof(big));
    mux_out(&m, 3, (const uint8_t *)big, sizeof(big));
    out(3, "\n");
    CHECK_EQ(term_len, 5 + sizeof(big) + 2);
    term_len = 0;
}

/* A client draws only on its own line: '\r', cursor movement, screen
 * clears and other escapes are dropped, colours pass and are reset after
 * its text, backspaces erase only its own bytes, other control bytes and
 * UTF-8 C1 controls show as ^X. */
static void test_sanitize(void)
{
    term_len = 0;
    m.last = -1;
    out(2, "a\033[31mred\033[0m\033[2J\033[H\033[10;1H\033[?25l\033[Kb\033]0;title\007\n");
    CHECK(term_is("vm0: a\033[31mred\033[0m\033[Kb0;title^G\033[0m\r\n"));
    out(2, "\b\b\bab\b\bxy\n");
    CHECK(term_is("vm0: ab\b\bxy\r\n"));
    out(2, "\x07"
           "bell\x7f\x01\n");
    CHECK(term_is("vm0: ^Gbell^?^A\r\n"));
    /* UTF-8 C1 controls and ill-formed bytes show as ^?; after a non-ASCII
     * character (a zero-width one could hide backspaces that reach the
     * prefix) a backspace shows as ^H */
    out(2, "\xc2\x9b"
           "2J \x9b \xc0\xaf ok\xc2\xa0\xc3\xa9\xe2\x80\x8b\b\b\n");
    CHECK(term_is("vm0: ^?2J ^? ^?^? ok\xc2\xa0\xc3\xa9\xe2\x80\x8b^H^H\r\n"));
    out(2, "ab\b\b\b\n"); /* a new line: backspaces over its ASCII again */
    CHECK(term_is("vm0: ab\b\b\r\n"));
    /* a backspace waiting when another client cut the line: not over the new prefix */
    cut_in("p", "x\n", "\bq\n");
    CHECK(term_is("vm0: p\r\nvm1: x\r\nvm0: q\r\n"));
    /* an escape sequence split across writes, another client's line between */
    out(2, "\033[3");
    out(3, "y\n");
    out(2, "2mgreen\n");
    CHECK(term_is("vm1: y\r\nvm0: \033[32mgreen\033[0m\r\n"));
}

/* Partial lines wait until their client has been quiet for `idle`. */
static void test_idle(void)
{
    term_len = 0;
    m.now = 100;
    CHECK_EQ(mux_flush_idle(&m, 50), 0); /* nothing waits */
    out(2, "~ # ");
    m.now = 120;
    out(3, "half");
    CHECK_EQ(mux_flush_idle(&m, 50), 150);
    CHECK_EQ(term_len, 0);
    m.now = 150;
    CHECK_EQ(mux_flush_idle(&m, 50), 170);
    CHECK(term_is("vm0: ~ # "));
    out(3, " more"); /* it grew: its wait starts again */
    m.now = 190;
    CHECK_EQ(mux_flush_idle(&m, 50), 200);
    m.now = 200;
    CHECK_EQ(mux_flush_idle(&m, 50), 0);
    CHECK(term_is("\r\nvm1: half more"));
    out(3, "\n");
    CHECK(term_is("\r\n"));
}

/* While the client whose partial line ends the terminal is active (within
 * mux.hold), another's complete line waits for it, and so does the rest
 * of what that one printed; the first line's end lets it go. A prompt
 * older than the hold is broken. The server's own lines never wait. */
static void test_hold(void)
{
    term_len = 0;
    m.last = -1;
    m.hold = 1000;
    m.now = 5000;
    out(2, "0123");
    m.now = 5050;
    CHECK_EQ(mux_flush_idle(&m, 50), 0);
    CHECK(term_is("vm0: 0123"));
    m.now = 5100;
    out(3, "tick 1\ntick 2\n");
    CHECK_EQ(term_len, 0); /* held */
    CHECK(!mux_ready(&m, 3));
    CHECK(mux_ready(&m, 2));
    CHECK_EQ(mux_flush_idle(&m, 50), 6000); /* vm0 printed at 5000: its hold's end */
    out(2, "4567\n");
    CHECK(term_is("4567\r\nvm1: tick 1\r\nvm1: tick 2\r\n"));
    CHECK(mux_ready(&m, 3));
    /* a prompt older than the hold: broken for the other's line */
    m.released = false;
    out(2, "~ # "); /* at 5100 */
    m.now = 5200;
    CHECK_EQ(mux_flush_idle(&m, 50), 0);
    CHECK(term_is("vm0: ~ # "));
    out(3, "late\n");
    CHECK_EQ(term_len, 0);
    m.now = 6099;
    CHECK_EQ(mux_flush_idle(&m, 50), 6100);
    CHECK(!m.released);
    m.now = 6100;
    CHECK_EQ(mux_flush_idle(&m, 50), 0);
    CHECK(m.released);
    CHECK(term_is("\r\nvm1: late\r\n"));
    /* a client that keeps its line going holds the others one hold, no longer */
    out(2, "a");
    m.now = 6300;
    CHECK_EQ(mux_flush_idle(&m, 50), 0);
    CHECK(term_is("vm0: a"));
    out(3, "waits\n"); /* held from 6300 */
    for (m.now = 6400; m.now < 7300; m.now += 100) {
        out(2, "b"); /* vm0 keeps printing, never its line's end */
        CHECK(!mux_ready(&m, 3));
        CHECK_EQ(mux_flush_idle(&m, 50), m.now + 50); /* vm0's pending byte */
    }
    m.now = 7300;
    (void)mux_flush_idle(&m, 50);
    CHECK(mux_ready(&m, 3));
    CHECK(strstr(term, "\r\nvm1: waits\r\n") != NULL);
    term_len = 0;
    out(2, "\n");
    term_len = 0;
    /* the server's own line does not wait */
    out(2, "x");
    mux_flush(&m, 2);
    mux_say(&m, 1, "input to vm1");
    CHECK(term_is("vm0: x\r\nserial: input to vm1\r\n"));
    m.hold = 0;
}

static void test_cpr(void)
{
    size_t at = 9, len = 9;
    CHECK(mux_cpr_find((const uint8_t *)"\033[24;80R", 8, &at, &len));
    CHECK_EQ(at, 0);
    CHECK_EQ(len, 8);
    CHECK(mux_cpr_find((const uint8_t *)"ab\033[A\033[12;1Rcd", 14, &at, &len));
    CHECK_EQ(at, 5);
    CHECK_EQ(len, 7);
    CHECK(!mux_cpr_find((const uint8_t *)"\033[24R", 5, &at, &len));
    CHECK(!mux_cpr_find((const uint8_t *)"\033[;5R", 5, &at, &len));
    CHECK(!mux_cpr_find((const uint8_t *)"\033[24;80", 7, &at, &len)); /* not yet whole */
    CHECK(!mux_cpr_find((const uint8_t *)"x", 1, &at, &len));
}

static int type(uint8_t byte, uint8_t *got)
{
    return mux_input(&m, 1, byte, got);
}

static void test_input(void)
{
    uint8_t b = 0;
    term_len = 0;
    CHECK_EQ(m.input, 2); /* the first that takes input */
    CHECK_EQ(type('a', &b), 2);
    CHECK_EQ(b, 'a');
    CHECK_EQ(type(MUX_ESCAPE, &b), -1);
    CHECK_EQ(type('1', &b), -1);
    CHECK(term_is("serial: input to vm1\r\n"));
    CHECK_EQ(type('z', &b), 3);
    CHECK_EQ(type(MUX_ESCAPE, &b), -1);
    CHECK_EQ(type(MUX_ESCAPE, &b), 3); /* a literal Ctrl-] */
    CHECK_EQ(b, MUX_ESCAPE);
    CHECK_EQ(type(MUX_ESCAPE, &b), -1);
    CHECK_EQ(type('7', &b), -1); /* no such client: help, input stays */
    CHECK(strstr(term, "Ctrl-] then 0-9") != NULL);
    term_len = 0;
    CHECK_EQ(m.input, 3);
    CHECK_EQ(type(MUX_ESCAPE, &b), -1);
    CHECK_EQ(type('0', &b), -1);
    CHECK_EQ(m.input, 2);
    CHECK(term_is("serial: input to vm0\r\n"));
    /* colour */
    CHECK_EQ(type(MUX_ESCAPE, &b), -1);
    CHECK_EQ(type('c', &b), -1);
    term_len = 0;
    out(2, "x\n");
    CHECK(strncmp(term, "\033[", 2) == 0 && strstr(term, "vm0: \033[0mx\r\n") != NULL);
    term_len = 0;
    CHECK_EQ(m.client[2].bytes_in, 1);
    CHECK_EQ(m.client[3].bytes_in, 2);
}

static void test_full(void)
{
    mux_init(&m, on_write, NULL);
    for (unsigned i = 0; i < MUX_CLIENTS_MAX; i++)
        CHECK_EQ(mux_add(&m, "c", false), (int)i);
    CHECK_EQ(mux_add(&m, "c", false), -1);
    uint8_t b;
    CHECK_EQ(mux_input(&m, 0, 'x', &b), -1); /* nobody takes input */
}

int main(void)
{
    test_lines();
    test_sanitize();
    test_idle();
    test_hold();
    test_cpr();
    test_input();
    test_full();
    return test_done("test_mux");
}
