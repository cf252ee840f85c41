/*
 * The protocol between hello_client and hello_server (apps/hello).
 */
#ifndef HELLO_H
#define HELLO_H

#include <stddef.h>
#include <stdint.h>

/** RPC labels on the `echo` connection. */
enum hello_op {
    HELLO_OP_UPCASE = 1 /* arg0 = length in `buf`; reply: checksum */
};

/** Reply labels. */
enum hello_status {
    HELLO_OK = 0,
    HELLO_E_OP = 1,    /* unknown operation       */
    HELLO_E_LENGTH = 2 /* length beyond the dataport */
};

/** FNV-1a over len bytes: both sides compute it over the same data. */
static inline uint64_t hello_checksum(const volatile char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/** ASCII upper case. */
static inline char hello_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

#endif /* HELLO_H */
