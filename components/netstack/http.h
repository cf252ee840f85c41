/*
 * netstack's HTTP responder, the part that is only text (docs/netstack.md):
 * a request's head, read whole (at most HTTP_REQ_MAX bytes) before it is
 * answered, and the response head. One resource: GET /gen/N, N bytes of
 * the seq.h stream (1 <= N <= HTTP_GEN_MAX). Portable (host.test_netstack).
 */
#ifndef NETSTACK_HTTP_H
#define NETSTACK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_REQ_MAX  1024u        /* a request head longer than this is refused */
#define HTTP_GEN_MAX  (1ull << 30) /* the largest /gen/N */
#define HTTP_HEAD_MAX 160u         /* room for any response head */

/** What a request (so far) asks for. */
enum http_verdict {
    HTTP_MORE,        /* its head has not ended yet: read more */
    HTTP_GEN,         /* 200: GET /gen/N */
    HTTP_BAD,         /* 400: not a request line, or a head over HTTP_REQ_MAX */
    HTTP_NOT_FOUND,   /* 404: another path, or N out of range */
    HTTP_NOT_ALLOWED, /* 405: a method other than GET */
};

/**
 * Looks at the first len bytes of a request (req need not be terminated):
 * HTTP_MORE until the blank line that ends its head; *n is N for HTTP_GEN.
 */
enum http_verdict http_parse(const char *req, size_t len, uint64_t *n);

/**
 * The response head for verdict v (content length n for HTTP_GEN) into
 * buf (size bytes, at least HTTP_HEAD_MAX); returns its length, 0 for
 * HTTP_MORE. Every response closes the connection.
 */
size_t http_head(enum http_verdict v, uint64_t n, char *buf, size_t size);

/** The status code of verdict v (0 for HTTP_MORE). */
unsigned http_status(enum http_verdict v);

#endif /* NETSTACK_HTTP_H */
