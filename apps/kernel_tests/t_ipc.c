/*
 * Endpoint IPC (kernel/src/endpoint.c): Call/ReplyRecv with register and
 * IPC-buffer message registers, badges, blocking and non-blocking send
 * and receive, capability transfer, and the reply errors.
 */
#include "kt.h"

/** Echo server on arg[0]: label + 1, every word + 1; out[1] = badge. */
static void h_echo(struct kt_thread *t)
{
    uint64_t ep = t->arg[0];
    struct cv_sysret r = cv_recv(ep);
    for (;;) {
        unsigned len = (unsigned)CV_MSG_LEN(r.info);
        uint64_t mr[CV_MSG_REGS] = {0};
        if (len > CV_MSG_MAX)
            len = CV_MSG_MAX;
        for (unsigned i = 0; i < len; i++) {
            if (i < CV_MSG_REGS)
                mr[i] = r.mr[i] + 1;
            else
                t->ipc->mr[i] += 1;
        }
        t->out[1] = r.badge;
        t->counter++;
        r = cv_reply_recv(ep, CV_MSGINFO(CV_MSG_LABEL(r.info) + 1, 0, len), mr);
    }
}

/** An echo server on a new endpoint; returns the endpoint (0: failed). */
static uint64_t echo_server(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    struct kt_thread *t = ep ? kt_thread_new(h_echo, KT_MAIN_PRIO + 10, 0) : NULL;
    if (!t)
        return 0;
    t->arg[0] = ep;
    if (kt_thread_start(t) != CV_OK) {
        kt_failf("cannot start the echo server");
        return 0;
    }
    return ep;
}

/** Call ep with n words 0x100 + i; check the echo. */
static void echo_check(uint64_t ep, unsigned n)
{
    uint64_t args[CV_MSG_MAX], res[CV_MSG_MAX] = {0};
    for (unsigned i = 0; i < n; i++)
        args[i] = 0x100 + i;
    uint64_t info = cv_rpc_call(ep, 5, args, n, res, n);
    KT_EQ(CV_MSG_LABEL(info), 6);
    KT_EQ(CV_MSG_LEN(info), n);
    for (unsigned i = 0; i < n; i++)
        KT_TRUE(res[i] == args[i] + 1, "word %u: expected %#llx got %#llx", i,
                (unsigned long long)(args[i] + 1), (unsigned long long)res[i]);
}

static void case_echo_4(void)
{
    uint64_t ep = echo_server();
    KT_NONZERO(ep);
    echo_check(ep, 4);
}

static void case_echo_20(void)
{
    uint64_t ep = echo_server();
    KT_NONZERO(ep);
    echo_check(ep, 20);
}

static void case_echo_64(void)
{
    uint64_t ep = echo_server();
    KT_NONZERO(ep);
    echo_check(ep, CV_MSG_MAX);
}

/** The echo server sees the badge of the cap the caller used (0: none). */
static void case_badge_seen(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), b = kt_slot();
    KT_NONZERO(ep && b);
    KT_THREAD(t, h_echo, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = ep;
    KT_OK(kt_thread_start(t));
    KT_OK(cv_cnode_mint(KT_CNODE, b, 0, ep, CV_RIGHT_WRITE, 0x42));
    (void)cv_rpc_call(b, 1, NULL, 0, NULL, 0);
    KT_EQ(t->out[1], 0x42);
    (void)cv_rpc_call(ep, 1, NULL, 0, NULL, 0);
    KT_EQ(t->out[1], 0);
}

static void case_send_blocks(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_THREAD(t, kt_h_send, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = ep;
    t->arg[1] = 9;
    t->arg[2] = 0x77;
    KT_OK(kt_thread_start(t));
    KT_TRUE(t->started && !t->done, "Send did not block without a receiver");
    struct cv_sysret r = cv_recv(ep);
    KT_EQ(CV_MSG_LABEL(r.info), 9);
    KT_EQ(CV_MSG_LEN(r.info), 1);
    KT_EQ(r.mr[0], 0x77);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "sender not released by the Recv");
}

static void case_nbsend_drops(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t mr[CV_MSG_REGS] = {0x55, 0, 0, 0};
    KT_NONZERO(ep);
    cv_nbsend(ep, CV_MSGINFO(3, 0, 1), mr);
    struct cv_sysret r = cv_nbrecv(ep);
    KT_ERR(kt_label(r), CV_E_WOULD_BLOCK);
    KT_EQ(r.badge, 0);
}

static void case_nbsend_delivers(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t mr[CV_MSG_REGS] = {0x55, 0, 0, 0};
    KT_NONZERO(ep);
    KT_THREAD(t, kt_h_recv, KT_MAIN_PRIO + 10, 0);
    t->arg[0] = ep;
    KT_OK(kt_thread_start(t));
    cv_nbsend(ep, CV_MSGINFO(3, 0, 1), mr);
    KT_TRUE(kt_wait_flag(&t->done, 1000), "waiting receiver got nothing");
    KT_EQ(t->out[0], 3);
    KT_EQ(t->out[2], 0x55);
}

static void case_nbrecv_empty(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_ERR(kt_label(cv_nbrecv(ep)), CV_E_WOULD_BLOCK);
}

static void case_reply_no_caller(void)
{
    struct cv_sysret r = cv_syscall(CV_SYS_REPLY, 0, CV_MSGINFO(0, 0, 0), NULL);
    KT_ERR(kt_label(r), CV_E_NO_REPLY);
}

/** Receive one message with a cap slot arg[1] offered; reply label 0. */
static void h_cap_server(struct kt_thread *t)
{
    t->ipc->recv_cnode = 0;
    t->ipc->recv_index = t->arg[1];
    t->ipc->recv_badge = 0xdead;
    struct cv_sysret r = cv_recv(t->arg[0]);
    t->out[0] = CV_MSG_LABEL(r.info);
    t->out[1] = CV_MSG_CAPS(r.info);
    t->out[2] = t->ipc->recv_badge;
    cv_reply(CV_MSGINFO(0, 0, 0), NULL);
}

/** Send cap through send_ep (a cap to the server's endpoint) to slot. */
static struct kt_thread *cap_transfer(uint64_t ep, uint64_t send_ep, uint64_t cap, uint64_t slot)
{
    struct kt_thread *t = kt_thread_new(h_cap_server, KT_MAIN_PRIO + 10, 0);
    if (!t)
        return NULL;
    t->arg[0] = ep;
    t->arg[1] = slot;
    if (kt_thread_start(t) != CV_OK) {
        kt_failf("cannot start the cap server");
        return NULL;
    }
    CV_IPCBUF->send_cap = cap;
    struct cv_sysret r = cv_call(send_ep, CV_MSGINFO(1, 1, 0), NULL);
    CV_IPCBUF->send_cap = 0;
    if (kt_label(r) != CV_OK || !t->done) {
        kt_failf("cap transfer call: label %s, server done %d", cv_err_str(kt_label(r)), t->done);
        return NULL;
    }
    return t;
}

static void case_cap_grant_frame(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    uint64_t slot = kt_slot(), pa = 0, pa2 = 0;
    KT_NONZERO(ep && f && slot);
    struct kt_thread *t = cap_transfer(ep, ep, f, slot);
    KT_NONZERO(t);
    KT_EQ(t->out[1], 1);
    KT_OK(cv_frame_paddr(f, &pa));
    KT_OK(cv_frame_paddr(slot, &pa2));
    KT_EQ(pa2, pa);
}

static void case_cap_grant_endpoint(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), e2 = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t b = kt_slot(), slot = kt_slot();
    KT_NONZERO(ep && e2 && b && slot);
    KT_OK(cv_cnode_mint(KT_CNODE, b, 0, e2, CV_RIGHTS_ALL, 0x99));
    struct kt_thread *t = cap_transfer(ep, ep, b, slot);
    KT_NONZERO(t);
    KT_EQ(t->out[1], 1);
    KT_EQ(t->out[2], 0x99);
    KT_ERR(kt_label(cv_nbrecv(slot)), CV_E_WOULD_BLOCK);
}

static void case_cap_no_grant(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    uint64_t w = kt_slot(), slot = kt_slot(), pa = 0;
    KT_NONZERO(ep && f && w && slot);
    KT_OK(cv_cnode_mint(KT_CNODE, w, 0, ep, CV_RIGHT_WRITE, 0));
    struct kt_thread *t = cap_transfer(ep, w, f, slot);
    KT_NONZERO(t);
    KT_EQ(t->out[1], 0);
    KT_ERR(cv_frame_paddr(slot, &pa), CV_E_INVALID_CAP);
}

static void case_cap_no_slot(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(ep && f);
    struct kt_thread *t = cap_transfer(ep, ep, f, 0); /* receiver accepts no cap */
    KT_NONZERO(t);
    KT_EQ(t->out[1], 0);
}

static void case_wrong_objects(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), empty = kt_slot();
    KT_NONZERO(f && empty);
    KT_ERR(kt_label(cv_recv(f)), CV_E_WRONG_TYPE);
    KT_ERR(kt_label(cv_nbrecv(KT_TCB)), CV_E_WRONG_TYPE);
    KT_ERR(kt_label(cv_syscall(CV_SYS_SEND, f, 0, NULL)), CV_E_INVALID_OP);
    KT_ERR(kt_label(cv_syscall(CV_SYS_NBSEND, KT_CNODE, 0, NULL)), CV_E_INVALID_OP);
    KT_ERR(kt_label(cv_recv(empty)), CV_E_INVALID_CAP);
    KT_ERR(kt_label(cv_syscall(CV_SYS_SEND, 0, 0, NULL)), CV_E_INVALID_CAP);
}

static void case_new_call_without_reply(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_THREAD(c1, kt_h_call, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(c2, kt_h_call, KT_MAIN_PRIO + 10, 0);
    c1->arg[0] = c2->arg[0] = ep;
    c1->arg[2] = 1;
    c2->arg[2] = 2;
    KT_OK(kt_thread_start(c1));
    KT_OK(kt_thread_start(c2));
    struct cv_sysret r = cv_recv(ep);
    KT_EQ(r.mr[0], 1); /* FIFO */
    r = cv_recv(ep);
    KT_EQ(r.mr[0], 2);
    KT_TRUE(kt_wait_flag(&c1->done, 1000), "first caller not released");
    KT_ERR((enum cv_err)c1->out[0], CV_E_NO_REPLY);
    KT_TRUE(!c2->done, "second caller released before the reply");
    uint64_t mr[CV_MSG_REGS] = {0xab, 0, 0, 0};
    cv_reply(CV_MSGINFO(0x33, 0, 1), mr);
    KT_TRUE(kt_wait_flag(&c2->done, 1000), "second caller not released by the reply");
    KT_EQ(c2->out[0], 0x33);
    KT_EQ(c2->out[2], 0xab);
}

static void case_server_deleted(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_THREAD(client, kt_h_call, KT_MAIN_PRIO + 10, 0);
    KT_THREAD(server, kt_h_recv, KT_MAIN_PRIO + 5, 0);
    client->arg[0] = server->arg[0] = ep;
    KT_OK(kt_thread_start(client));
    KT_OK(kt_thread_start(server)); /* takes the call and stops unanswered */
    KT_TRUE(server->done && !client->done, "server %d client %d", server->done, client->done);
    KT_OK(cv_cnode_delete(KT_CNODE, server->tcb));
    KT_TRUE(kt_wait_flag(&client->done, 1000), "caller not released when the server died");
    KT_ERR((enum cv_err)client->out[0], CV_E_DELETED);
}

static void case_fifo(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    for (unsigned i = 1; i <= 3; i++) {
        KT_THREAD(t, kt_h_send, KT_MAIN_PRIO + 10, 0);
        t->arg[0] = ep;
        t->arg[1] = i;
        KT_OK(kt_thread_start(t));
    }
    for (unsigned i = 1; i <= 3; i++)
        KT_EQ(CV_MSG_LABEL(cv_recv(ep).info), i);
}

void kt_ipc_tests(void)
{
    kt_run("ipc.call_echo_4mr", case_echo_4);
    kt_run("ipc.call_echo_20mr", case_echo_20);
    kt_run("ipc.call_echo_64mr", case_echo_64);
    kt_run("ipc.badge_delivered", case_badge_seen);
    kt_run("ipc.send_blocks_until_recv", case_send_blocks);
    kt_run("ipc.nbsend_no_receiver_drops", case_nbsend_drops);
    kt_run("ipc.nbsend_to_waiting_receiver", case_nbsend_delivers);
    kt_run("ipc.nbrecv_empty", case_nbrecv_empty);
    kt_run("ipc.reply_without_caller", case_reply_no_caller);
    kt_run("ipc.cap_transfer_frame", case_cap_grant_frame);
    kt_run("ipc.cap_transfer_badged_endpoint", case_cap_grant_endpoint);
    kt_run("ipc.cap_transfer_needs_grant", case_cap_no_grant);
    kt_run("ipc.cap_transfer_no_recv_slot", case_cap_no_slot);
    kt_run("ipc.wrong_objects", case_wrong_objects);
    kt_run("ipc.new_call_without_reply", case_new_call_without_reply);
    kt_run("ipc.server_deleted", case_server_deleted);
    kt_run("ipc.send_queue_fifo", case_fifo);
}
