/*
 * Capabilities, the table entries (cte: in a CNode, a TCB's slots or the IRQ table) holding
 * them, and the derivation tree (docs/capabilities.md): retyped objects are children of their
 * untyped, copies and mints of their source. All caps to one object form one connected subtree
 * (delete promotes a same-object child), so "is this the last cap to the object?" is O(1).
 */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <capvisor/abi.h>
#include <kernel/types.h>

/** Kernel-only cap type: a cnode/tcb whose teardown is pending (cap.c). */
#define CAP_ZOMBIE 0xffu

/** cap.flags bits */
#define CAP_FLAG_DEVICE 1u /* untyped/frame: device memory, never RAM */
#define CAP_FLAG_PAGES  2u /* 2 MiB frame: mapped as 512 pages (CV_MAP_PAGES) */

/**
 * A capability: type, rights and object reference plus per-type data:
 *   untyped:   obj = base PA, size_bits, data0 = free offset (watermark)
 *   cnode:     obj = PA, size_bits = radix
 *   endpoint/notification: obj = PA, data0 = badge
 *   frame:     obj = PA, size_bits 12/21, extra = vspace id (0: unmapped), data1 = vaddr
 *   page table: obj = PA, extra = vspace id, data1 = vaddr, size_bits = level (2, 3; 0 unmapped)
 *   vspace, tcb, vcpu: obj = PA; irq handler: obj = INTID
 */
struct cap {
    uint8_t type; /* enum cv_obj, or CAP_ZOMBIE */
    uint8_t rights;
    uint8_t size_bits;
    uint8_t flags;
    uint32_t extra;
    uint64_t obj;
    uint64_t data0;
    uint64_t data1;
};

/** A slot holding one capability, with its place in the derivation tree. */
struct cte {
    struct cap cap;
    struct cte *parent;
    struct cte *child; /* first child */
    struct cte *next;  /* siblings */
    struct cte *prev;
};

_Static_assert(sizeof(struct cte) == (1u << CV_CNODE_SLOT_BITS), "cte size");

static inline bool cte_empty(const struct cte *s)
{
    return s->cap.type == CV_OBJ_NULL;
}

/** True if the two caps name the same kernel object. */
bool cap_same_object(const struct cap *a, const struct cap *b);

/** Puts `cap` into empty `dest` as a new child of `parent` (NULL: a root). */
void cte_insert(struct cte *dest, const struct cap *cap, struct cte *parent);

/** The last cap to its object: no same-object parent or child (O(1): see above). */
bool cte_is_final(const struct cte *s);

/** Moves the cap in `src` to empty `dest`, keeping its tree position. */
void cte_move(struct cte *dest, struct cte *src);

/**
 * Deletes the cap in `s` (if any); the last cap's object is destroyed (threads blocked on it
 * woken with an error, mappings removed, contained caps deleted). Cannot fail.
 */
void cte_delete(struct cte *s);

/** Kernel-held `slot` (a TCB's, the IRQ table's) gets a copy derived from `src`, or nothing. */
void cte_replace_copy(struct cte *slot, struct cte *src);

/** Deletes every descendant of `s` in the derivation tree. Cannot fail. */
void cte_revoke(struct cte *s);

/** True if `s` has children (derived caps or retyped objects). */
static inline bool cte_has_children(const struct cte *s)
{
    return s->child != NULL;
}

/** Whether `src` may be copied/minted with `rights` and `badge`; fills `out` with the result. */
enum cv_err cap_derive(const struct cap *src, uint8_t rights, uint64_t badge, bool mint,
                       struct cap *out);

#endif /* KERNEL_CAP_H */
