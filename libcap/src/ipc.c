/*
 * Notifications and RPC helpers. Words beyond MR3 travel in the IPC
 * buffer (abi.h: mr[0..3] of struct cv_ipcbuf are unused).
 */
#include <cap/ipc.h>
#include <cap/syscall.h>

void cv_signal(uint64_t ntfn)
{
    cv_send(ntfn, CV_MSGINFO(0, 0, 0), NULL);
}

void cv_wait(uint64_t ntfn, uint64_t *word)
{
    *word = cv_recv(ntfn).badge;
}

bool cv_wait_until(uint64_t ntfn, uint64_t deadline, uint64_t *word)
{
    *word = cv_syscall(CV_SYS_WAIT_UNTIL, ntfn, deadline, NULL).badge;
    return *word != 0;
}

bool cv_poll(uint64_t ntfn, uint64_t *word)
{
    struct cv_sysret r = cv_nbrecv(ntfn);
    *word = r.badge;
    return r.badge != 0;
}

/** Load n (clamped to CV_MSG_MAX) words: the first four into mr. */
static unsigned put_words(uint64_t mr[CV_MSG_REGS], const uint64_t *w, unsigned n)
{
    struct cv_ipcbuf *ipc = CV_IPCBUF;

    if (n > CV_MSG_MAX)
        n = CV_MSG_MAX;
    for (unsigned i = 0; i < n; i++) {
        if (i < CV_MSG_REGS)
            mr[i] = w[i];
        else
            ipc->mr[i] = w[i];
    }
    return n;
}

/** Store the words of a received message (at most max) into w. */
static unsigned get_words(const struct cv_sysret *r, uint64_t *w, unsigned max)
{
    const struct cv_ipcbuf *ipc = CV_IPCBUF;
    unsigned len = (unsigned)CV_MSG_LEN(r->info);

    if (len > CV_MSG_MAX)
        len = CV_MSG_MAX;
    for (unsigned i = 0; i < len && i < max; i++)
        w[i] = i < CV_MSG_REGS ? r->mr[i] : ipc->mr[i];
    return len < max ? len : max;
}

uint64_t cv_rpc_call(uint64_t ep, uint64_t label, const uint64_t *args, unsigned n,
                     uint64_t *results, unsigned max)
{
    uint64_t mr[CV_MSG_REGS] = {0};

    n = put_words(mr, args, n);
    struct cv_sysret r = cv_call(ep, CV_MSGINFO(label, 0, n), mr);
    (void)get_words(&r, results, results ? max : 0);
    return r.info;
}

/** Fill msg from a Recv/ReplyRecv result. */
static void rpc_msg_from(struct cv_rpc_msg *msg, const struct cv_sysret *r)
{
    msg->badge = r->badge;
    msg->label = CV_MSG_LABEL(r->info);
    msg->len = get_words(r, msg->arg, CV_MSG_MAX);
}

void cv_rpc_recv(uint64_t ep, struct cv_rpc_msg *msg)
{
    struct cv_sysret r = cv_recv(ep);
    rpc_msg_from(msg, &r);
}

void cv_rpc_reply(uint64_t label, const uint64_t *results, unsigned n)
{
    uint64_t mr[CV_MSG_REGS] = {0};

    n = put_words(mr, results, n);
    cv_reply(CV_MSGINFO(label, 0, n), mr);
}

void cv_rpc_reply_recv(uint64_t ep, uint64_t label, const uint64_t *results, unsigned n,
                       struct cv_rpc_msg *msg)
{
    uint64_t mr[CV_MSG_REGS] = {0};

    n = put_words(mr, results, n);
    struct cv_sysret r = cv_reply_recv(ep, CV_MSGINFO(label, 0, n), mr);
    rpc_msg_from(msg, &r);
}
