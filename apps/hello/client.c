/*
 * hello_client: puts a string in the dataport `buf`, asks the server over
 * the rpc `echo` to upper-case it, waits for the notification `done`, and
 * checks the dataport and the server's checksum.
 */
#include <stdio.h>
#include <string.h>

#include <cap/ipc.h>
#include <cap/runtime.h>

#include "hello.h"

static const char hello_text[] = "hello, capvisor: rpc + dataport!";
static const char hello_expect[] = "HELLO, CAPVISOR: RPC + DATAPORT!";

/** Run the exchange; returns NULL on success or why it failed. */
static const char *exchange(uint64_t echo, uint64_t done, volatile char *buf, size_t size)
{
    size_t len = sizeof(hello_text) - 1;

    if (size < len)
        return "dataport too small";
    for (size_t i = 0; i < len; i++)
        buf[i] = hello_text[i];

    uint64_t args[1] = {len};
    uint64_t sum = 0;
    uint64_t info = cv_rpc_call(echo, HELLO_OP_UPCASE, args, 1, &sum, 1);
    if (CV_MSG_LABEL(info) != HELLO_OK || CV_MSG_LEN(info) < 1)
        return "server rejected the request";

    uint64_t word = 0;
    cv_wait(done, &word);
    for (size_t i = 0; i < len; i++)
        if (buf[i] != hello_expect[i])
            return "dataport content differs from the expected upper case";
    if (sum != hello_checksum(hello_expect, len))
        return "checksum differs";
    return NULL;
}

int run(void)
{
    uint64_t echo = cv_iface_cap("echo");
    uint64_t done = cv_iface_cap("done");
    size_t size = 0;
    volatile char *buf = cv_iface_vaddr("buf", &size);

    if (!echo || !done || !buf) {
        printf("hello: FAILED: client is missing echo, done or buf\n");
        return 1;
    }
    const char *why = exchange(echo, done, buf, size);
    if (why) {
        printf("hello: FAILED: %s\n", why);
        return 1;
    }
    printf("hello: client and server agree (rpc + dataport + notification OK)\n");
    return 0;
}
