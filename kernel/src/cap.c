/*
 * The capability derivation tree, and deletion without recursion.
 *
 * Deleting the last cap to a CNode or TCB must delete the caps inside it, which may be the last
 * caps to further CNodes, and so on without bound. Instead of recursing on the kernel stack, such a
 * cap becomes a *zombie* in place: it leaves the tree (so its link fields are free), is pushed on a
 * kernel-wide worklist through its `next` field, and reap() empties the object slot by slot before
 * destroying it. Every path through here runs under the kernel lock and completes before the kernel
 * exits, so the memory of a zombie cannot be retyped while it is on the list.
 */
#include <kernel/cap.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>

static struct cte *zombie_list;
static bool reaping;

bool cap_same_object(const struct cap *a, const struct cap *b)
{
    return a->type == b->type && a->obj == b->obj;
}

static void tree_unlink(struct cte *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else if (s->parent)
        s->parent->child = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->parent = s->next = s->prev = NULL;
}

static void tree_add_child(struct cte *parent, struct cte *c)
{
    c->parent = parent;
    c->prev = NULL;
    c->next = parent ? parent->child : NULL;
    if (c->next)
        c->next->prev = c;
    if (parent)
        parent->child = c;
}

void cte_insert(struct cte *dest, const struct cap *cap, struct cte *parent)
{
    KASSERT(cte_empty(dest));
    dest->cap = *cap;
    dest->child = NULL;
    tree_add_child(parent, dest);
}

void cte_move(struct cte *dest, struct cte *src)
{
    KASSERT(cte_empty(dest) && dest != src);
    *dest = *src;
    if (dest->prev)
        dest->prev->next = dest;
    else if (dest->parent)
        dest->parent->child = dest;
    if (dest->next)
        dest->next->prev = dest;
    for (struct cte *c = dest->child; c; c = c->next)
        c->parent = dest;
    *src = (struct cte){0};
}

/* Takes `s` out of the tree, keeping the invariant that all caps to one object form a connected
 * subtree: the first child naming the same object takes s's place and adopts s's other same-object
 * children; children naming other objects (retyped from an untyped) move up to s's parent. */
static void tree_remove(struct cte *s)
{
    struct cte *heir = NULL;
    struct cte *c = s->child;
    while (c) {
        struct cte *next = c->next;
        c->parent = c->next = c->prev = NULL;
        if (cap_same_object(&c->cap, &s->cap)) {
            if (!heir)
                heir = c;
            else
                tree_add_child(heir, c);
        } else {
            tree_add_child(s->parent, c);
        }
        c = next;
    }
    s->child = NULL;
    struct cte *parent = s->parent;
    tree_unlink(s);
    if (heir)
        tree_add_child(parent, heir);
}

bool cte_is_final(const struct cte *s)
{
    if (s->parent && cap_same_object(&s->parent->cap, &s->cap))
        return false;
    for (const struct cte *c = s->child; c; c = c->next)
        if (cap_same_object(&c->cap, &s->cap))
            return false;
    return true;
}

static void zombie_push(struct cte *s)
{
    s->cap.flags = s->cap.type; /* remember the object type */
    s->cap.type = CAP_ZOMBIE;
    s->next = zombie_list;
    zombie_list = s;
}

/* The object a zombie stands for, as an ordinary cap. */
static struct cap zombie_object(const struct cte *z)
{
    struct cap c = z->cap;
    c.type = z->cap.flags;
    c.flags = 0;
    return c;
}

static void delete_one(struct cte *s)
{
    if (cte_empty(s) || s->cap.type == CAP_ZOMBIE)
        return;
    bool final = cte_is_final(s);
    tree_remove(s);
    obj_cap_removed(&s->cap);
    if (final && obj_needs_zombie(&s->cap)) {
        obj_zombie_begin(&s->cap);
        zombie_push(s);
        return;
    }
    struct cap gone = s->cap;
    s->cap = (struct cap){0};
    if (final)
        obj_destroy(&gone);
}

/* Empties and destroys every zombie, iteratively. */
static void reap(void)
{
    if (reaping)
        return;
    reaping = true;
    while (zombie_list) {
        struct cte *z = zombie_list;
        struct cap obj = zombie_object(z);
        struct cte *inner = obj_zombie_next_slot(&obj);
        if (inner) {
            delete_one(inner);
            continue;
        }
        zombie_list = z->next;
        z->next = NULL;
        z->cap = (struct cap){0};
        obj_destroy(&obj);
    }
    reaping = false;
}

void cte_delete(struct cte *s)
{
    delete_one(s);
    reap();
}

void cte_replace_copy(struct cte *slot, struct cte *src)
{
    cte_delete(slot);
    struct cap c;
    if (src && cap_derive(&src->cap, CV_RIGHTS_ALL, 0, false, &c) == CV_OK)
        cte_insert(slot, &c, src);
}

void cte_revoke(struct cte *s)
{
    /* Deleting a child may delete others (inside a destroyed cnode), even
     * `s` itself: re-read the tree every round. */
    while (s->child && !cte_empty(s)) {
        struct cte *leaf = s->child;
        while (leaf->child)
            leaf = leaf->child;
        cte_delete(leaf);
    }
}

static bool type_is_derivable(uint8_t type)
{
    switch (type) {
    case CV_OBJ_UNTYPED:    /* its watermark lives in the cap: one cap only */
    case CV_OBJ_PAGE_TABLE: /* one cap = one link: unmap may then zero it */
    case CAP_ZOMBIE:
    case CV_OBJ_NULL:
        return false;
    default:
        return true;
    }
}

enum cv_err cap_derive(const struct cap *src, uint8_t rights, uint64_t badge, bool mint,
                       struct cap *out)
{
    if (!type_is_derivable(src->type))
        return CV_E_NOT_DERIVABLE;
    *out = *src;
    out->rights = src->rights & rights;
    switch (src->type) {
    case CV_OBJ_FRAME_4K:
    case CV_OBJ_FRAME_2M:
        out->extra = 0; /* a copy starts unmapped */
        out->data1 = 0;
        break;
    case CV_OBJ_ENDPOINT:
    case CV_OBJ_NOTIFICATION:
        if (mint) {
            /* A badge is set once: re-badging would let a holder forge. */
            if (src->data0 != 0 && badge != src->data0)
                return CV_E_INVALID_ARG;
            out->data0 = badge;
        }
        break;
    default:
        break;
    }
    return CV_OK;
}
