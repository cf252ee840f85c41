/*
 * hello_server: upper-cases the client's string in the shared dataport,
 * replies with a checksum of the result, then signals `done`.
 */
#include <stdio.h>

#include <cap/ipc.h>
#include <cap/runtime.h>

#include "hello.h"

/** Handle one request; returns the reply label, *sum the checksum. */
static uint64_t serve(const struct cv_rpc_msg *msg, volatile char *buf, size_t size, uint64_t *sum)
{
    if (msg->label != HELLO_OP_UPCASE || msg->len < 1)
        return HELLO_E_OP;
    if (msg->arg[0] > size)
        return HELLO_E_LENGTH;
    size_t len = (size_t)msg->arg[0];
    for (size_t i = 0; i < len; i++)
        buf[i] = hello_upper(buf[i]);
    *sum = hello_checksum(buf, len);
    return HELLO_OK;
}

int run(void)
{
    uint64_t echo = cv_iface_cap("echo");
    uint64_t done = cv_iface_cap("done");
    size_t size = 0;
    volatile char *buf = cv_iface_vaddr("buf", &size);

    if (!echo || !done || !buf) {
        printf("hello: FAILED: server is missing echo, done or buf\n");
        return 1;
    }
    struct cv_rpc_msg msg;
    cv_rpc_recv(echo, &msg);
    for (;;) {
        uint64_t sum = 0;
        uint64_t status = serve(&msg, buf, size, &sum);
        cv_rpc_reply(status, &sum, status == HELLO_OK ? 1 : 0);
        /* Signal after the reply: the client checks the data then. */
        if (status == HELLO_OK)
            cv_signal(done);
        cv_rpc_recv(echo, &msg);
    }
}
