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
    out(2, "~ # ");
    mux_flush(&m, 2);
    out(3, "boot message\n");
    out(2, "ls\n");
    CHECK(term_is("vm0: ~ # \r\nvm1: boot message\r\nvm0: ls\r\n"));
    /* a partial line cut by another client's, then only its end: no empty line */
    out(2, "text");
    mux_flush(&m, 2);
    out(3, "cut in\n");
    out(2, "\n");
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
    test_input();
    test_full();
    return test_done("test_mux");
}
