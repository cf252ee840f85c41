/*
 * netstack's portable parts (components/netstack): the seq stream against
 * `seq`'s own output in chunks of every awkward size, the HTTP request
 * parser on good, incomplete, refused and malformed heads and the
 * response heads, and the configuration file: a good one, and one bad
 * file per error with its line and message.
 */
#include "http.h"
#include "netcfg.h"
#include "seq.h"
#include "test_vmm.h"

#define REF_MAX 1000000u

static char ref[REF_MAX + 32];

/** What `seq 1 BIG | head -c REF_MAX` prints. */
static void ref_init(void)
{
    size_t n = 0;
    for (unsigned v = 1; n < REF_MAX; v++)
        n += (size_t)snprintf(ref + n, sizeof(ref) - n, "%u\n", v);
}

/** The first bytes of the stream, read chunk bytes at a time, equal the reference. */
static void check_seq(uint64_t bytes, size_t chunk)
{
    static uint8_t buf[4096];
    struct seq s;
    uint64_t off = 0;
    size_t n;
    seq_init(&s, bytes);
    while ((n = seq_fill(&s, buf, chunk)) != 0) {
        CHECK(n <= chunk);
        CHECK(off + n <= bytes);
        if (off + n > bytes)
            return;
        if (memcmp(buf, ref + off, n) != 0) {
            CHECK(!"seq stream differs");
            return;
        }
        off += n;
    }
    CHECK_EQ(off, bytes);
    CHECK_EQ(seq_fill(&s, buf, chunk), 0);
}

static void test_seq(void)
{
    static const size_t chunks[] = {1, 2, 3, 7, 10, 11, 1460, 4096};
    ref_init();
    for (unsigned i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        check_seq(REF_MAX, chunks[i]);
        check_seq(100000, chunks[i]);
        check_seq(1, chunks[i]);
        check_seq(18, chunks[i]); /* "1\n" .. "9\n" and "1" of 10 */
    }
    uint8_t b[4];
    struct seq s;
    seq_init(&s, 0);
    CHECK_EQ(seq_fill(&s, b, sizeof(b)), 0);
    seq_init(&s, 10);
    CHECK_EQ(seq_fill(&s, b, 0), 0);
    CHECK_EQ(s.left, 10);
}

/** A request head and what the parser must make of it. */
struct http_case {
    const char *req;
    enum http_verdict verdict;
    uint64_t n;
};

static void test_http_parse(void)
{
    static const char get[] = "GET /gen/4194304 HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: Wget\r\n"
                              "Connection: close\r\n\r\n";
    static const struct http_case cases[] = {
        {get, HTTP_GEN, 4194304},
        {"GET /gen/1 HTTP/1.0\n\n", HTTP_GEN, 1}, /* bare LFs */
        {"GET /gen/1073741824 HTTP/1.1\r\n\r\n", HTTP_GEN, HTTP_GEN_MAX},
        {"GET /gen/1073741825 HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /gen/99999999999 HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /gen/0 HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /gen/ HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /gen/12a HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /gen/-1 HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET / HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"GET /generate/5 HTTP/1.1\r\n\r\n", HTTP_NOT_FOUND, 0},
        {"POST /gen/5 HTTP/1.1\r\n\r\n", HTTP_NOT_ALLOWED, 0},
        {"GETS /gen/5 HTTP/1.1\r\n\r\n", HTTP_NOT_ALLOWED, 0},
        {"GET  /gen/5 HTTP/1.1\r\n\r\n", HTTP_BAD, 0},
        {"GET /gen/5 HTTP/2.0\r\n\r\n", HTTP_BAD, 0},
        {"GET /gen/5 HTTP/1.1x\r\n\r\n", HTTP_BAD, 0},
        {"GET /gen/5\r\n\r\n", HTTP_BAD, 0},
        {"GET\r\n\r\n", HTTP_BAD, 0},
        {"\r\n\r\n", HTTP_BAD, 0},
        {"\n\n", HTTP_BAD, 0},
        {" /gen/5 HTTP/1.1\r\n\r\n", HTTP_BAD, 0},
    };
    uint64_t n;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = 99;
        CHECK_EQ(http_parse(cases[i].req, strlen(cases[i].req), &n), cases[i].verdict);
        CHECK_EQ(n, cases[i].n);
    }
    for (size_t len = 0; len < sizeof(get) - 1u; len++) /* every prefix: not yet */
        CHECK_EQ(http_parse(get, len, &n), HTTP_MORE);
}

/** Writes the characters of s (not its NUL) at dst. */
static void put(char *dst, const char *s)
{
    while (*s)
        *dst++ = *s++;
}

static void test_http_limits(void)
{
    static char big[HTTP_REQ_MAX + 64];
    uint64_t n;
    memset(big, 'x', sizeof(big)); /* no line end at all */
    CHECK_EQ(http_parse(big, HTTP_REQ_MAX - 1u, &n), HTTP_MORE);
    CHECK_EQ(http_parse(big, HTTP_REQ_MAX, &n), HTTP_BAD);
    /* a head that ends only past HTTP_REQ_MAX */
    put(big, "GET /gen/5 HTTP/1.1\r\nX: ");
    put(big + HTTP_REQ_MAX, "\r\n\r\n");
    CHECK_EQ(http_parse(big, HTTP_REQ_MAX + 4u, &n), HTTP_BAD);
    /* one that ends right at it */
    put(big + HTTP_REQ_MAX - 4u, "\r\n\r\n");
    CHECK_EQ(http_parse(big, HTTP_REQ_MAX, &n), HTTP_GEN);
    /* a NUL inside is a byte like any other: here, part of the target */
    CHECK_EQ(http_parse("GET /gen/5\0HTTP/1.1\r\n\r\n", 24, &n), HTTP_BAD);
}

static void test_http_head(void)
{
    char buf[HTTP_HEAD_MAX];
    size_t len = http_head(HTTP_GEN, 4194304, buf, sizeof(buf));
    static const char want[] = "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                               "Content-Length: 4194304\r\nConnection: close\r\n\r\n";
    CHECK_EQ(len, sizeof(want) - 1u);
    CHECK(memcmp(buf, want, sizeof(want) - 1u) == 0);
    CHECK(http_head(HTTP_GEN, HTTP_GEN_MAX, buf, sizeof(buf)) > 0);
    len = http_head(HTTP_NOT_FOUND, 0, buf, sizeof(buf));
    CHECK(len > 0 && strncmp(buf, "HTTP/1.0 404 Not Found\r\n", 24) == 0);
    CHECK(strstr(buf, "Content-Length: 0\r\n") != NULL);
    len = http_head(HTTP_BAD, 0, buf, sizeof(buf));
    CHECK(len > 0 && strncmp(buf, "HTTP/1.0 400 Bad Request\r\n", 26) == 0);
    len = http_head(HTTP_NOT_ALLOWED, 0, buf, sizeof(buf));
    CHECK(len > 0 && strncmp(buf, "HTTP/1.0 405 Method Not Allowed\r\n", 33) == 0);
    CHECK_EQ(http_head(HTTP_MORE, 0, buf, sizeof(buf)), 0);
    CHECK_EQ(http_head(HTTP_GEN, 5, buf, HTTP_HEAD_MAX - 1u), 0);
    CHECK_EQ(http_status(HTTP_GEN), 200);
    CHECK_EQ(http_status(HTTP_MORE), 0);
    CHECK_EQ(http_status((enum http_verdict)99), 0);
}

static void test_netcfg_good(void)
{
    static const char good[] = "# netstack\r\n\n  mac 02:00:00:00:00:0A   # its MAC\n"
                               "ip 10.0.0.2/24\r\n\tconnect 10.0.0.1 5001 1048576";
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 10};
    struct netcfg c;
    const char *why = "unset";
    CHECK_EQ(netcfg_parse(good, sizeof(good) - 1u, &c, &why), 0);
    CHECK(why == NULL);
    CHECK(memcmp(c.mac, mac, 6) == 0);
    CHECK(c.ip[0] == 10 && c.ip[1] == 0 && c.ip[2] == 0 && c.ip[3] == 2);
    CHECK_EQ(c.prefix, 24);
    CHECK(c.connect);
    CHECK(c.connect_ip[0] == 10 && c.connect_ip[3] == 1);
    CHECK_EQ(c.connect_port, 5001);
    CHECK_EQ(c.connect_bytes, 1048576);
    static const char bare[] = "ip 192.168.1.200/30\nmac fe:ff:ff:ff:ff:ff\n";
    CHECK_EQ(netcfg_parse(bare, sizeof(bare) - 1u, &c, &why), 0);
    CHECK(!c.connect);
    CHECK_EQ(c.prefix, 30);
    CHECK_EQ(c.ip[3], 200);
    /* the length bounds it: the ip line cut off is missing */
    CHECK_EQ(netcfg_parse(bare, 5, &c, &why), 1);
}

/** One bad file: the line and message it must give. */
struct bad_cfg {
    const char *text;
    unsigned line;
    const char *why;
};

static void test_netcfg_bad(void)
{
    static const char ok[] = "mac 02:00:00:00:00:01\nip 10.0.0.2/24\n";
    static const struct bad_cfg bad[] = {
        {"", 1, "no mac line"},
        {"ip 10.0.0.2/24\n", 2, "no mac line"},
        {"mac 02:00:00:00:00:01\n", 2, "no ip line"},
        {"mac 02:00:00:00:00:01\nmac 02:00:00:00:00:01\n", 2, "a setting given twice"},
        {"mtu 1500\n", 1, "unknown setting (mac, ip or connect)"},
        {"mac 02:00:00:00:00\n", 1, "mac wants aa:bb:cc:dd:ee:ff"},
        {"mac 02:00:00:00:00:0g\n", 1, "mac wants aa:bb:cc:dd:ee:ff"},
        {"mac 02-00-00-00-00-01\n", 1, "mac wants aa:bb:cc:dd:ee:ff"},
        {"mac 02:00:00:00:00:01 x\n", 1, "mac wants aa:bb:cc:dd:ee:ff"},
        {"mac 01:00:5e:00:00:01\n", 1, "mac is a group address"},
        {"mac 00:00:00:00:00:00\n", 1, "mac is zero"},
        {"ip 10.0.0.2\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0.0/24\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0.0.256/24\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0..2/24\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0.0.0002/24\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0.0.2/33\n", 1, "ip wants a.b.c.d/prefix"},
        {"ip 10.0.0.2/31\n", 1, "ip's prefix length is not 1..30"},
        {"ip 10.0.0.2/0\n", 1, "ip's prefix length is not 1..30"},
        {"connect 10.0.0.1 5001\n", 1, "connect wants ADDRESS PORT BYTES"},
        {"connect 10.0.0.1/8 5001 1\n", 1, "connect wants ADDRESS PORT BYTES"},
        {"connect 10.0.0.1 0 1\n", 1, "connect's port is not 1..65535"},
        {"connect 10.0.0.1 65536 1\n", 1, "connect's port is not 1..65535"},
        {"connect 10.0.0.1 80 0\n", 1, "connect's byte count is not 1..1073741824"},
        {"connect 10.0.0.1 80 1073741825\n", 1, "connect's byte count is not 1..1073741824"},
        {"connect 10.0.0.1 80 99999999999999999999999\n", 1,
         "connect's byte count is not 1..1073741824"},
        {"connect 10.0.0.1 80 999999999999999999999999999999\n", 1,
         "a word too long, or too many words"},
        {"connect 10.0.0.1 80 1 2\n", 1, "a word too long, or too many words"},
    };
    char text[256];
    struct netcfg c;
    const char *why;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* the bad line after a good file, unless it is about a missing line */
        bool alone = bad[i].line != 1 || strncmp(bad[i].why, "no ", 3) == 0 ||
                     strncmp(bad[i].text, "ip", 2) == 0 || strncmp(bad[i].text, "mac", 3) == 0;
        int len = snprintf(text, sizeof(text), "%s%s", alone ? "" : ok, bad[i].text);
        unsigned line = netcfg_parse(text, (size_t)len, &c, &why);
        CHECK_EQ(line, bad[i].line + (alone ? 0u : 2u));
        if (!why || strcmp(why, bad[i].why) != 0) {
            fprintf(stderr, "case %u: got \"%s\", want \"%s\"\n", i, why ? why : "(none)",
                    bad[i].why);
            CHECK(!"wrong message");
        }
    }
    CHECK_EQ(sizeof(bad) / sizeof(bad[0]), 28); /* one file per error, pinned */
}

int main(void)
{
    test_seq();
    test_http_parse();
    test_http_limits();
    test_http_head();
    test_netcfg_good();
    test_netcfg_bad();
    return test_done("test_netstack");
}
