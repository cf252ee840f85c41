/*
 * Fuzz target for netstack's parsers of what others write
 * (components/netstack): the input as an HTTP request head (what a guest
 * sends to port 80) and as a settings file. Checked: the verdict is one of
 * the five and N is 1..HTTP_GEN_MAX exactly for HTTP_GEN; a complete head
 * stays complete with more bytes after it, and its verdict is the same;
 * every answer's head fits HTTP_HEAD_MAX and says its status; a settings
 * file either parses into values in their ranges, or names a line of the
 * file (or the one after its last) and a reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "http.h"
#include "netcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_http(const char *req, size_t len)
{
    char head[HTTP_HEAD_MAX], status[8];
    uint64_t n = 1, m = 1;
    enum http_verdict v = http_parse(req, len, &n);
    REQUIRE((unsigned)v <= HTTP_NOT_ALLOWED);
    REQUIRE((v == HTTP_GEN) == (n >= 1 && n <= HTTP_GEN_MAX));
    if (v == HTTP_MORE) {
        REQUIRE(len < HTTP_REQ_MAX && http_head(v, n, head, sizeof(head)) == 0);
        return;
    }
    if (len > 0) /* the head ended at or before len: a byte less may make it incomplete, never
                    different */
        REQUIRE(http_parse(req, len - 1u, &m) == v || http_parse(req, len - 1u, &m) == HTTP_MORE ||
                v == HTTP_BAD);
    size_t h = http_head(v, n, head, sizeof(head));
    snprintf(status, sizeof(status), " %u ", http_status(v));
    REQUIRE(h > 0 && h < sizeof(head) && memcmp(head, "HTTP/1.0", 8) == 0);
    REQUIRE(memcmp(head + 8, status, strlen(status)) == 0);
}

static void check_netcfg(const char *text, size_t len)
{
    struct netcfg c;
    const char *why = NULL;
    unsigned lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    unsigned line = netcfg_parse(text, len, &c, &why);
    if (line) {
        REQUIRE(why != NULL && line <= lines + 1u);
        return;
    }
    REQUIRE(why == NULL && !(c.mac[0] & 1u) && c.prefix >= 1 && c.prefix <= 30);
    REQUIRE(!c.connect ||
            (c.connect_port > 0 && c.connect_bytes >= 1 && c.connect_bytes <= NETCFG_BYTES_MAX));
}

/** libFuzzer entry point; also driven by fuzz_netstack_replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text =
        malloc(size + 1u); /* exactly sized (+1 so 0 bytes allocate): ASan sees overreads */
    REQUIRE(text != NULL);
    if (size > 0)
        memcpy(text, data, size);
    check_http(text, size);
    check_netcfg(text, size);
    free(text);
    return 0;
}
