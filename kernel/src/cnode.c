/* CNode lookups and the CNode invocations (copy, mint, move, delete, revoke). */
#include <kernel/cnode.h>
#include <kernel/kprintf.h>
#include <kernel/syscall.h>

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
    struct cte *s = NULL;
    if (root->type == CV_OBJ_CNODE && cptr != 0 && cptr < (1ull << root->size_bits))
        s = &((struct cte *)pa_ptr(PA(root->obj)))[cptr];
    if (!s || cte_empty(s) || s->cap.type == CAP_ZOMBIE) {
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

/* What a cnode operation acts on, decoded. */
struct cnode_args {
    struct cte *slot;   /* the slot MR0 names in the invoked cnode */
    struct cte *src;    /* copy, mint, move: the source */
    struct cap derived; /* copy, mint: the new cap */
};

/* COPY/MINT/MOVE: MR1, MR2 name the source; the copy is derived now. */
static enum cv_err cnode_decode_src(const struct invocation *inv, struct cnode_args *a)
{
    enum cv_err err;
    uint64_t label = inv->label;
    if (inv->len < (label == CV_OP_CNODE_MINT ? 5u : label == CV_OP_CNODE_COPY ? 4u : 3u))
        return CV_E_INVALID_ARG;
    if (!cte_empty(a->slot))
        return CV_E_SLOT_OCCUPIED;
    a->src = cnode_slot(inv->thread, inv->mr[1], inv->mr[2], &err);
    if (!a->src)
        return err;
    if (cte_empty(a->src) || a->src->cap.type == CAP_ZOMBIE)
        return CV_E_SLOT_EMPTY;
    if (label == CV_OP_CNODE_MOVE)
        return CV_OK; /* the source is not empty, so it is not the empty slot */
    bool mint = label == CV_OP_CNODE_MINT;
    return cap_derive(&a->src->cap, (uint8_t)inv->mr[3], mint ? inv->mr[4] : 0, mint, &a->derived);
}

static enum cv_err cnode_decode(const struct invocation *inv, struct cnode_args *a)
{
    enum cv_err err = CV_OK;
    if (inv->len < 1)
        return CV_E_INVALID_ARG;
    a->slot = cnode_index(&inv->slot->cap, inv->mr[0], &err);
    if (!a->slot)
        return err;
    if (inv->mr[0] == 0)
        return CV_E_INVALID_ARG;
    switch (inv->label) {
    case CV_OP_CNODE_COPY:
    case CV_OP_CNODE_MINT:
    case CV_OP_CNODE_MOVE:
        return cnode_decode_src(inv, a);
    case CV_OP_CNODE_DELETE:
    case CV_OP_CNODE_REVOKE:
        if (cte_empty(a->slot))
            return CV_E_SLOT_EMPTY;
        if (inv->label == CV_OP_CNODE_DELETE && a->slot->cap.type == CAP_ZOMBIE)
            return CV_E_BUSY;
        return CV_OK;
    default:
        return CV_E_INVALID_OP;
    }
}

enum cv_err cnode_invoke(struct invocation *inv)
{
    struct cnode_args a = {0};
    enum cv_err err = cnode_decode(inv, &a);
    if (err != CV_OK)
        return err;
    if (inv->label == CV_OP_CNODE_MOVE)
        cte_move(a.slot, a.src);
    else if (inv->label == CV_OP_CNODE_DELETE)
        cte_delete(a.slot);
    else if (inv->label == CV_OP_CNODE_REVOKE)
        cte_revoke(a.slot);
    else
        cte_insert(a.slot, &a.derived, a.src);
    return CV_OK;
}
