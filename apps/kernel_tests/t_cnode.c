/*
 * CNode invocations (kernel/src/cnode.c) and the derivation tree
 * (kernel/src/cap.c): copy, mint, move, delete, revoke and their errors;
 * deleting the last cap to an object wakes the threads blocked on it.
 */
#include "kt.h"

/** Poll notification n: the label, *word the bits. */
static enum cv_err poll_word(uint64_t n, uint64_t *word)
{
    struct cv_sysret r = cv_nbrecv(n);
    *word = r.badge;
    return kt_label(r);
}

/** Signal through n (a Send on a notification cap): the label. */
static enum cv_err send_signal(uint64_t n)
{
    return kt_label(cv_syscall(CV_SYS_SEND, n, CV_MSGINFO(0, 0, 0), NULL));
}

static void case_copy(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), c = kt_slot(), w = 0;
    KT_NONZERO(n && c);
    KT_OK(cv_cnode_copy(KT_CNODE, c, 0, n, CV_RIGHTS_ALL));
    KT_OK(send_signal(c));
    KT_OK(poll_word(n, &w));
    KT_EQ(w, 1);
}

static void case_mint_badge(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), m = kt_slot(), w = 0;
    KT_NONZERO(n && m);
    KT_OK(cv_cnode_mint(KT_CNODE, m, 0, n, CV_RIGHT_WRITE, 0x10));
    KT_OK(send_signal(m));
    KT_OK(poll_word(n, &w));
    KT_EQ(w, 0x10);
}

static void case_move(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), m = kt_slot(), w = 0;
    KT_NONZERO(n && m);
    KT_OK(cv_cnode_move(KT_CNODE, m, 0, n));
    KT_ERR(poll_word(n, &w), CV_E_INVALID_CAP);
    KT_OK(send_signal(m));
    KT_OK(poll_word(m, &w));
    KT_EQ(w, 1);
}

static void case_delete(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), w = 0;
    KT_NONZERO(n);
    KT_OK(cv_cnode_delete(KT_CNODE, n));
    KT_ERR(cv_cnode_delete(KT_CNODE, n), CV_E_SLOT_EMPTY);
    KT_ERR(poll_word(n, &w), CV_E_INVALID_CAP);
    KT_ERR(cv_cnode_revoke(KT_CNODE, n), CV_E_SLOT_EMPTY);
}

static void case_empty_source(void)
{
    uint64_t src = kt_slot(), dst = kt_slot();
    KT_NONZERO(src && dst);
    KT_ERR(cv_cnode_copy(KT_CNODE, dst, 0, src, CV_RIGHTS_ALL), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_mint(KT_CNODE, dst, 0, src, CV_RIGHTS_ALL, 1), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_move(KT_CNODE, dst, 0, src), CV_E_SLOT_EMPTY);
}

static void case_dest_occupied(void)
{
    uint64_t a = kt_alloc(CV_OBJ_ENDPOINT, 0), b = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(a && b);
    KT_ERR(cv_cnode_copy(KT_CNODE, b, 0, a, CV_RIGHTS_ALL), CV_E_SLOT_OCCUPIED);
    KT_ERR(cv_cnode_mint(KT_CNODE, b, 0, a, CV_RIGHTS_ALL, 1), CV_E_SLOT_OCCUPIED);
    KT_ERR(cv_cnode_move(KT_CNODE, b, 0, a), CV_E_SLOT_OCCUPIED);
    KT_ERR(cv_cnode_move(KT_CNODE, a, 0, a), CV_E_SLOT_OCCUPIED);
}

static void case_invalid_cptr(void)
{
    uint64_t empty = kt_slot(), a = kt_alloc(CV_OBJ_ENDPOINT, 0), d = kt_slot();
    KT_NONZERO(empty && a && d);
    KT_ERR(cv_cnode_copy(0, d, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
    KT_ERR(cv_cnode_copy(empty, d, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
    KT_ERR(cv_cnode_copy(KT_CNODE_SLOTS, d, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
    KT_ERR(cv_cnode_copy(~0ull, d, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
    /* the source cnode named by an empty slot */
    KT_ERR(cv_cnode_copy(KT_CNODE, d, empty, a, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
}

static void case_wrong_type(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    uint64_t a = kt_alloc(CV_OBJ_ENDPOINT, 0), d = kt_slot();
    KT_NONZERO(n && f && a && d);
    /* a Call on an endpoint is IPC, so the wrong-type objects here are a
     * notification and a frame: their invocations know no cnode labels */
    KT_ERR(cv_cnode_copy(n, d, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_OP);
    KT_ERR(cv_cnode_delete(f, d), CV_E_INVALID_OP);
    /* a source "cnode" that is an endpoint */
    KT_ERR(cv_cnode_copy(KT_CNODE, d, a, 1, CV_RIGHTS_ALL), CV_E_WRONG_TYPE);
}

static void case_index_range(void)
{
    uint64_t a = kt_alloc(CV_OBJ_ENDPOINT, 0), d = kt_slot();
    KT_NONZERO(a && d);
    KT_ERR(cv_cnode_copy(KT_CNODE, KT_CNODE_SLOTS, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_copy(KT_CNODE, 0, 0, a, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_copy(KT_CNODE, d, 0, KT_CNODE_SLOTS, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_copy(KT_CNODE, d, 0, 0, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_delete(KT_CNODE, 5000), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_revoke(KT_CNODE, 0), CV_E_INVALID_ARG);
}

static void case_untyped_not_derivable(void)
{
    uint64_t d = kt_slot();
    KT_NONZERO(d);
    KT_ERR(cv_cnode_copy(KT_CNODE, d, 0, KT_UNTYPED, CV_RIGHTS_ALL), CV_E_NOT_DERIVABLE);
    KT_ERR(cv_cnode_mint(KT_CNODE, d, 0, KT_UNTYPED, CV_RIGHTS_ALL, 0), CV_E_NOT_DERIVABLE);
    KT_ERR(cv_cnode_delete(KT_CNODE, d), CV_E_SLOT_EMPTY);
}

static void case_page_table_not_derivable(void)
{
    uint64_t pt = kt_alloc(CV_OBJ_PAGE_TABLE, 0), d = kt_slot();
    KT_NONZERO(pt && d);
    KT_ERR(cv_cnode_copy(KT_CNODE, d, 0, pt, CV_RIGHTS_ALL), CV_E_NOT_DERIVABLE);
}

static void case_rebadge(void)
{
    uint64_t n = kt_alloc(CV_OBJ_NOTIFICATION, 0);
    uint64_t b = kt_slot(), x = kt_slot(), c = kt_slot(), w = 0;
    KT_NONZERO(n && b && x && c);
    KT_OK(cv_cnode_mint(KT_CNODE, b, 0, n, CV_RIGHTS_ALL, 4));
    KT_ERR(cv_cnode_mint(KT_CNODE, x, 0, b, CV_RIGHTS_ALL, 6), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_mint(KT_CNODE, x, 0, b, CV_RIGHTS_ALL, 0), CV_E_INVALID_ARG);
    KT_OK(cv_cnode_mint(KT_CNODE, x, 0, b, CV_RIGHTS_ALL, 4));
    /* a copy keeps the badge */
    KT_OK(cv_cnode_copy(KT_CNODE, c, 0, b, CV_RIGHTS_ALL));
    KT_OK(send_signal(c));
    KT_OK(poll_word(n, &w));
    KT_EQ(w, 4);
}

static void case_rights_reduced(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t ro = kt_slot(), ro2 = kt_slot(), wo = kt_slot();
    KT_NONZERO(ep && ro && ro2 && wo);
    KT_OK(cv_cnode_mint(KT_CNODE, ro, 0, ep, CV_RIGHT_READ, 0));
    KT_ERR(kt_label(cv_syscall(CV_SYS_SEND, ro, CV_MSGINFO(1, 0, 0), NULL)), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_call(ro, CV_MSGINFO(1, 0, 0), NULL)), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_syscall(CV_SYS_NBSEND, ro, CV_MSGINFO(1, 0, 0), NULL)), CV_E_NO_RIGHTS);
    /* copying with every right cannot give back what mint removed */
    KT_OK(cv_cnode_copy(KT_CNODE, ro2, 0, ro, CV_RIGHTS_ALL));
    KT_ERR(kt_label(cv_syscall(CV_SYS_SEND, ro2, CV_MSGINFO(1, 0, 0), NULL)), CV_E_NO_RIGHTS);
    KT_OK(cv_cnode_mint(KT_CNODE, wo, 0, ep, CV_RIGHT_WRITE, 0));
    KT_ERR(kt_label(cv_nbrecv(wo)), CV_E_NO_RIGHTS);
    KT_ERR(kt_label(cv_nbrecv(ro2)), CV_E_WOULD_BLOCK);
}

static void case_revoke_descendants(void)
{
    uint64_t e = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t a = kt_slot(), b = kt_slot(), c = kt_slot();
    KT_NONZERO(e && a && b && c);
    KT_OK(cv_cnode_copy(KT_CNODE, a, 0, e, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_copy(KT_CNODE, b, 0, a, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_mint(KT_CNODE, c, 0, b, CV_RIGHTS_ALL, 3));
    KT_OK(cv_cnode_revoke(KT_CNODE, e));
    KT_ERR(cv_cnode_delete(KT_CNODE, a), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_delete(KT_CNODE, b), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_delete(KT_CNODE, c), CV_E_SLOT_EMPTY);
    KT_ERR(kt_label(cv_nbrecv(e)), CV_E_WOULD_BLOCK);
    /* revoking a cap without children does nothing */
    KT_OK(cv_cnode_revoke(KT_CNODE, e));
    KT_ERR(kt_label(cv_nbrecv(e)), CV_E_WOULD_BLOCK);
}

static void case_revoke_middle(void)
{
    uint64_t e = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t a = kt_slot(), b = kt_slot(), s = kt_slot();
    KT_NONZERO(e && a && b && s);
    KT_OK(cv_cnode_copy(KT_CNODE, a, 0, e, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_copy(KT_CNODE, b, 0, a, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_copy(KT_CNODE, s, 0, e, CV_RIGHTS_ALL)); /* a sibling of a */
    KT_OK(cv_cnode_revoke(KT_CNODE, a));
    KT_ERR(cv_cnode_delete(KT_CNODE, b), CV_E_SLOT_EMPTY);
    KT_ERR(kt_label(cv_nbrecv(a)), CV_E_WOULD_BLOCK);
    KT_ERR(kt_label(cv_nbrecv(s)), CV_E_WOULD_BLOCK);
}

static void case_delete_keeps_copies(void)
{
    uint64_t e = kt_alloc(CV_OBJ_ENDPOINT, 0), a = kt_slot(), b = kt_slot();
    KT_NONZERO(e && a && b);
    KT_OK(cv_cnode_copy(KT_CNODE, a, 0, e, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_copy(KT_CNODE, b, 0, a, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_delete(KT_CNODE, e));
    KT_ERR(kt_label(cv_nbrecv(a)), CV_E_WOULD_BLOCK);
    KT_OK(cv_cnode_delete(KT_CNODE, a));
    KT_ERR(kt_label(cv_nbrecv(b)), CV_E_WOULD_BLOCK);
}

/** A helper of higher priority blocked in fn on obj (it ran at once). */
static struct kt_thread *blocked_helper(void (*fn)(struct kt_thread *), uint64_t obj)
{
    struct kt_thread *t = kt_thread_new(fn, KT_MAIN_PRIO + 10, 0);
    if (!t)
        return NULL;
    t->arg[0] = obj;
    t->arg[1] = 7;
    enum cv_err err = kt_thread_start(t);
    if (err != CV_OK) {
        kt_failf("resume: %s", cv_err_str(err));
        return NULL;
    }
    if (!t->started || t->done) {
        kt_failf("helper did not block (started %d, done %d)", t->started, t->done);
        return NULL;
    }
    return t;
}

/** Delete the only cap to obj while a helper blocks on it in fn. */
static void delete_wakes(void (*fn)(struct kt_thread *), enum cv_obj type)
{
    uint64_t obj = kt_alloc(type, 0);
    KT_NONZERO(obj);
    struct kt_thread *t = blocked_helper(fn, obj);
    KT_NONZERO(t);
    KT_OK(cv_cnode_delete(KT_CNODE, obj));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "blocked thread not woken by the delete");
    KT_ERR((enum cv_err)t->out[0], CV_E_DELETED);
}

static void case_delete_wakes_recv(void)
{
    delete_wakes(kt_h_recv, CV_OBJ_ENDPOINT);
}

static void case_delete_wakes_send(void)
{
    delete_wakes(kt_h_send, CV_OBJ_ENDPOINT);
}

static void case_delete_wakes_call(void)
{
    delete_wakes(kt_h_call, CV_OBJ_ENDPOINT);
}

static void case_delete_wakes_wait(void)
{
    delete_wakes(kt_h_recv, CV_OBJ_NOTIFICATION);
}

static void case_delete_copy_keeps_waiter(void)
{
    uint64_t e = kt_alloc(CV_OBJ_ENDPOINT, 0), a = kt_slot();
    KT_NONZERO(e && a);
    KT_OK(cv_cnode_copy(KT_CNODE, a, 0, e, CV_RIGHTS_ALL));
    struct kt_thread *t = blocked_helper(kt_h_recv, a);
    KT_NONZERO(t);
    KT_OK(cv_cnode_delete(KT_CNODE, e));
    KT_TRUE(!t->done, "thread woken although a cap to the endpoint is left");
    KT_OK(cv_cnode_delete(KT_CNODE, a));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "not woken by deleting the last cap");
    KT_ERR((enum cv_err)t->out[0], CV_E_DELETED);
}

static void case_delete_cnode_destroys_contents(void)
{
    uint64_t e = kt_alloc(CV_OBJ_ENDPOINT, 0), cn = kt_alloc(CV_OBJ_CNODE, 2);
    KT_NONZERO(e && cn);
    struct kt_thread *t = blocked_helper(kt_h_recv, e);
    KT_NONZERO(t);
    KT_OK(cv_cnode_copy(cn, 1, 0, e, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_delete(KT_CNODE, e)); /* the copy inside cn is the last */
    KT_TRUE(!t->done, "woken while the cnode still holds a cap");
    KT_OK(cv_cnode_delete(KT_CNODE, cn));
    KT_TRUE(kt_wait_flag(&t->done, 1000), "not woken when the cnode holding the last cap died");
    KT_ERR((enum cv_err)t->out[0], CV_E_DELETED);
    KT_ERR(cv_cnode_copy(cn, 1, 0, KT_TCB, CV_RIGHTS_ALL), CV_E_INVALID_CAP);
}

static void case_too_few_args(void)
{
    uint64_t a = kt_alloc(CV_OBJ_ENDPOINT, 0), d = kt_slot();
    KT_NONZERO(a && d);
    uint64_t args[5] = {d, 0, a, CV_RIGHTS_ALL, 1};
    KT_ERR(cv_invoke(KT_CNODE, CV_OP_CNODE_COPY, args, 3, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(KT_CNODE, CV_OP_CNODE_MINT, args, 4, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(KT_CNODE, CV_OP_CNODE_MOVE, args, 2, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(KT_CNODE, CV_OP_CNODE_DELETE, args, 0, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_cnode_delete(KT_CNODE, d), CV_E_SLOT_EMPTY);
}

static void case_bad_op(void)
{
    uint64_t d = kt_slot();
    KT_ERR(cv_invoke(KT_CNODE, (enum cv_op)19, &d, 1, NULL, 0), CV_E_INVALID_OP);
    KT_ERR(cv_invoke(KT_CNODE, CV_OP_UNTYPED_RETYPE, &d, 1, NULL, 0), CV_E_INVALID_OP);
}

static void case_other_cnode(void)
{
    uint64_t cn = kt_alloc(CV_OBJ_CNODE, 3), e = kt_alloc(CV_OBJ_ENDPOINT, 0), back = kt_slot();
    KT_NONZERO(cn && e && back);
    KT_OK(cv_cnode_copy(cn, 2, 0, e, CV_RIGHTS_ALL));
    KT_OK(cv_cnode_move(cn, 5, cn, 2));
    KT_ERR(cv_cnode_copy(KT_CNODE, back, cn, 2, CV_RIGHTS_ALL), CV_E_SLOT_EMPTY);
    KT_OK(cv_cnode_copy(KT_CNODE, back, cn, 5, CV_RIGHTS_ALL));
    KT_ERR(cv_cnode_copy(KT_CNODE, kt_slot(), cn, 8, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
    KT_OK(cv_cnode_delete(cn, 5));
    KT_ERR(cv_cnode_delete(cn, 5), CV_E_SLOT_EMPTY);
    KT_ERR(kt_label(cv_nbrecv(back)), CV_E_WOULD_BLOCK);
}

void kt_cnode_tests(void)
{
    kt_run("cnode.copy", case_copy);
    kt_run("cnode.mint_badge", case_mint_badge);
    kt_run("cnode.move", case_move);
    kt_run("cnode.delete", case_delete);
    kt_run("cnode.empty_source", case_empty_source);
    kt_run("cnode.dest_occupied", case_dest_occupied);
    kt_run("cnode.invalid_cptr", case_invalid_cptr);
    kt_run("cnode.wrong_type", case_wrong_type);
    kt_run("cnode.index_range", case_index_range);
    kt_run("cnode.untyped_not_derivable", case_untyped_not_derivable);
    kt_run("cnode.page_table_not_derivable", case_page_table_not_derivable);
    kt_run("cnode.mint_rebadge", case_rebadge);
    kt_run("cnode.mint_reduces_rights", case_rights_reduced);
    kt_run("cnode.revoke_descendants", case_revoke_descendants);
    kt_run("cnode.revoke_middle", case_revoke_middle);
    kt_run("cnode.delete_keeps_copies", case_delete_keeps_copies);
    kt_run("cnode.delete_wakes_recv", case_delete_wakes_recv);
    kt_run("cnode.delete_wakes_send", case_delete_wakes_send);
    kt_run("cnode.delete_wakes_call", case_delete_wakes_call);
    kt_run("cnode.delete_wakes_ntfn_wait", case_delete_wakes_wait);
    kt_run("cnode.delete_copy_keeps_waiter", case_delete_copy_keeps_waiter);
    kt_run("cnode.delete_cnode_destroys_contents", case_delete_cnode_destroys_contents);
    kt_run("cnode.too_few_args", case_too_few_args);
    kt_run("cnode.bad_op", case_bad_op);
    kt_run("cnode.other_cnode", case_other_cnode);
}
