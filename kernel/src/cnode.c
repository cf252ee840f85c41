/* CNode lookups and the CNode invocations (copy, mint, move, delete, revoke). */
#include <kernel/cnode.h>
#include <kernel/kprintf.h>
#include <kernel/syscall.h>
#include <kernel/tcb.h>

static struct cte *cnode_index(const struct cap *cnode, uint64_t index, enum cv_err *err)
{
    if (cnode->type != CV_OBJ_CNODE) {
        *err = CV_E_WRONG_TYPE;
        return NULL;
    }
    if (index >= (1ull << cnode->size_bits)) {
        *err = CV_E_INVALID_ARG;
        return NULL;
    }
    struct cte *slots = pa_ptr(PA(cnode->obj));
    return &slots[index];
}

struct cte *cnode_lookup(struct tcb *t, uint64_t cptr, enum cv_err *err)
{
    const struct cap *root = &t->slot[TCB_SLOT_CSPACE].cap;
    if (root->type != CV_OBJ_CNODE || cptr == 0 || cptr >= (1ull << root->size_bits)) {
        *err = CV_E_INVALID_CAP;
        return NULL;
    }
    struct cte *s = &((struct cte *)pa_ptr(PA(root->obj)))[cptr];
    if (cte_empty(s) || s->cap.type == CAP_ZOMBIE) {
        *err = CV_E_INVALID_CAP;
        return NULL;
    }
    return s;
}

struct cte *cnode_lookup_typed(struct tcb *t, uint64_t cptr, uint32_t type, uint8_t rights,
                               enum cv_err *err)
{
    struct cte *s = cnode_lookup(t, cptr, err);
    if (s && s->cap.type != type) {
        *err = CV_E_WRONG_TYPE;
        return NULL;
    }
    if (s && (s->cap.rights & rights) != rights) {
        *err = CV_E_NO_RIGHTS;
        return NULL;
    }
    return s;
}

struct cte *cnode_slot(struct tcb *t, uint64_t cnode_cptr, uint64_t index, enum cv_err *err)
{
    const struct cap *cn;
    if (cnode_cptr == 0) {
        cn = &t->slot[TCB_SLOT_CSPACE].cap;
        if (cn->type != CV_OBJ_CNODE) {
            *err = CV_E_INVALID_CAP;
            return NULL;
        }
    } else {
        struct cte *s = cnode_lookup(t, cnode_cptr, err);
        if (!s)
            return NULL;
        cn = &s->cap;
    }
    if (index == 0) { /* slot 0 stays empty: cptr 0 means "none" */
        *err = CV_E_INVALID_ARG;
        return NULL;
    }
    return cnode_index(cn, index, err);
}

/* Decodes the (src cnode, src index) pair of copy/mint/move. */
static struct cte *source_slot(enum cv_err *err)
{
    struct cte *src = cnode_slot(inv_thread(), inv_mr(1), inv_mr(2), err);
    if (src && (cte_empty(src) || src->cap.type == CAP_ZOMBIE)) {
        *err = CV_E_SLOT_EMPTY;
        return NULL;
    }
    return src;
}

static enum cv_err cnode_copy(struct cte *dest, bool mint)
{
    enum cv_err err;
    struct cte *src = source_slot(&err);
    if (!src)
        return err;
    struct cap derived;
    err = cap_derive(&src->cap, (uint8_t)inv_mr(3), mint ? inv_mr(4) : 0, mint, &derived);
    if (err != CV_OK)
        return err;
    cte_insert(dest, &derived, src);
    return CV_OK;
}

static enum cv_err cnode_move(struct cte *dest)
{
    enum cv_err err;
    struct cte *src = source_slot(&err);
    if (!src)
        return err;
    if (src == dest)
        return CV_E_SLOT_OCCUPIED;
    cte_move(dest, src);
    return CV_OK;
}

enum cv_err cnode_invoke(struct cte *cnode, uint64_t label)
{
    enum cv_err err = CV_OK;
    if (inv_len() < 1)
        return CV_E_INVALID_ARG;
    struct cte *slot = cnode_index(&cnode->cap, inv_mr(0), &err);
    if (!slot)
        return err;
    if (inv_mr(0) == 0)
        return CV_E_INVALID_ARG;
    switch (label) {
    case CV_OP_CNODE_COPY:
    case CV_OP_CNODE_MINT:
    case CV_OP_CNODE_MOVE:
        if (inv_len() < (label == CV_OP_CNODE_MINT ? 5u : label == CV_OP_CNODE_COPY ? 4u : 3u))
            return CV_E_INVALID_ARG;
        if (!cte_empty(slot))
            return CV_E_SLOT_OCCUPIED;
        if (label == CV_OP_CNODE_MOVE)
            return cnode_move(slot);
        return cnode_copy(slot, label == CV_OP_CNODE_MINT);
    case CV_OP_CNODE_DELETE:
        if (cte_empty(slot))
            return CV_E_SLOT_EMPTY;
        if (slot->cap.type == CAP_ZOMBIE)
            return CV_E_BUSY;
        cte_delete(slot);
        return CV_OK;
    case CV_OP_CNODE_REVOKE:
        if (cte_empty(slot))
            return CV_E_SLOT_EMPTY;
        cte_revoke(slot);
        return CV_OK;
    default:
        return CV_E_INVALID_OP;
    }
}
