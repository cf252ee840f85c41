/*
 * The HTTP responder's text (http.h): RFC 9112 section 3 request line
 * "METHOD SP TARGET SP HTTP/1.x", header lines ignored, the head ending at
 * an empty line (CRLF, or a bare LF as section 2.2 lets a recipient accept).
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

#define GEN_PREFIX "/gen/"

/** The offset just past the empty line ending the head in req[0..len), or 0. */
static size_t http_head_end(const char *req, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (req[i] != '\n')
            continue;
        if (req[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && req[i + 1] == '\r' && req[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/** N of a target "/gen/N" (t, len bytes): 1..HTTP_GEN_MAX, else 0. */
static uint64_t http_gen_len(const char *t, size_t len)
{
    size_t plen = sizeof(GEN_PREFIX) - 1u;
    uint64_t n = 0;
    if (len <= plen || len > plen + 10u || memcmp(t, GEN_PREFIX, plen) != 0)
        return 0;
    for (size_t i = plen; i < len; i++) {
        if (t[i] < '0' || t[i] > '9')
            return 0;
        n = n * 10u + (uint64_t)(t[i] - '0');
    }
    return n <= HTTP_GEN_MAX ? n : 0;
}

/** Length of the token at s (up to a space or a line end, within len). */
static size_t http_token(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != ' ' && s[n] != '\r' && s[n] != '\n')
        n++;
    return n;
}

enum http_verdict http_parse(const char *req, size_t len, uint64_t *n)
{
    size_t end = http_head_end(req, len);
    *n = 0;
    if (!end)
        return len >= HTTP_REQ_MAX ? HTTP_BAD : HTTP_MORE;
    if (end > HTTP_REQ_MAX)
        return HTTP_BAD;
    size_t m = http_token(req, end);
    if (m == 0 || m + 1 >= end || req[m] != ' ')
        return HTTP_BAD;
    const char *target = req + m + 1;
    size_t t = http_token(target, end - m - 1);
    const char *version = target + t + 1;
    size_t rest = end - m - 1 - t;
    if (t == 0 || rest < 10 || target[t] != ' ' || memcmp(version, "HTTP/1.", 7) != 0 ||
        (version[7] != '0' && version[7] != '1') || (version[8] != '\r' && version[8] != '\n'))
        return HTTP_BAD;
    if (m != 3 || memcmp(req, "GET", 3) != 0)
        return HTTP_NOT_ALLOWED;
    *n = http_gen_len(target, t);
    return *n ? HTTP_GEN : HTTP_NOT_FOUND;
}

unsigned http_status(enum http_verdict v)
{
    static const unsigned code[] = {
        [HTTP_MORE] = 0,        [HTTP_GEN] = 200,         [HTTP_BAD] = 400,
        [HTTP_NOT_FOUND] = 404, [HTTP_NOT_ALLOWED] = 405,
    };
    return (unsigned)v < sizeof(code) / sizeof(code[0]) ? code[v] : 0;
}

size_t http_head(enum http_verdict v, uint64_t n, char *buf, size_t size)
{
    static const char *const reason[] = {
        [HTTP_GEN] = "OK",
        [HTTP_BAD] = "Bad Request",
        [HTTP_NOT_FOUND] = "Not Found",
        [HTTP_NOT_ALLOWED] = "Method Not Allowed",
    };
    unsigned code = http_status(v);
    if (!code || size < HTTP_HEAD_MAX)
        return 0;
    int len = snprintf(buf, size,
                       "HTTP/1.0 %u %s\r\nContent-Type: %s\r\nContent-Length: %llu\r\n"
                       "Connection: close\r\n\r\n",
                       code, reason[v], v == HTTP_GEN ? "application/octet-stream" : "text/plain",
                       (unsigned long long)(v == HTTP_GEN ? n : 0));
    return len > 0 && (size_t)len < size ? (size_t)len : 0;
}
