/*
 * Untyped retype: carves objects out of an untyped region at its watermark, each aligned to its own
 * size, as children of the untyped cap.
 */
#include <kernel/arch.h>
#include <kernel/cnode.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>
#include <kernel/syscall.h>
#include <kernel/untyped.h>
#include <kernel/vspace.h>

#define RETYPE_MAX_COUNT 4096u

struct retype_args {
    uint32_t type;
    uint32_t size_bits;
    struct cte *dest; /* first destination slot */
    uint64_t count;
    uint64_t first_offset; /* of the first object, from the untyped base */
    uint32_t obj_bits;
};

static enum cv_err retype_decode_dest(const struct invocation *inv, struct retype_args *a)
{
    enum cv_err err;
    uint64_t index = inv->mr[3];
    a->count = inv->mr[4];
    if (a->count == 0 || a->count > RETYPE_MAX_COUNT)
        return CV_E_INVALID_ARG;
    struct cte *first = cnode_slot(inv->thread, inv->mr[2], index, &err);
    if (!first)
        return err;
    /* every destination slot must exist and be empty */
    struct cte *last = cnode_slot(inv->thread, inv->mr[2], index + a->count - 1, &err);
    if (!last || index + a->count - 1 < index)
        return last ? CV_E_INVALID_ARG : err;
    for (uint64_t i = 0; i < a->count; i++)
        if (!cte_empty(&first[i]))
            return CV_E_SLOT_OCCUPIED;
    a->dest = first;
    return CV_OK;
}

static enum cv_err retype_decode(const struct invocation *inv, struct retype_args *a)
{
    const struct cap *ut = &inv->slot->cap;
    if (inv->len < 5 || inv->mr[0] > 0xffffffffu || inv->mr[1] > 0xffffffffu)
        return CV_E_INVALID_ARG;
    a->type = (uint32_t)inv->mr[0];
    a->size_bits = (uint32_t)inv->mr[1];
    enum cv_err err = obj_check_retype(a->type, a->size_bits);
    if (err != CV_OK)
        return err;
    bool device = ut->flags & CAP_FLAG_DEVICE;
    /* device memory only becomes frames (or smaller device untypeds) */
    if (device && a->type != CV_OBJ_FRAME_4K && a->type != CV_OBJ_FRAME_2M &&
        a->type != CV_OBJ_UNTYPED)
        return CV_E_INVALID_ARG;
    err = retype_decode_dest(inv, a);
    if (err != CV_OK)
        return err;
    a->obj_bits = obj_size_bits(a->type, a->size_bits);
    if (a->obj_bits > ut->size_bits)
        return CV_E_NO_MEMORY;
    /* no children: everything made from it is gone, start from the base */
    uint64_t watermark = cte_has_children(inv->slot) ? ut->data0 : 0;
    uint64_t obj_size = 1ull << a->obj_bits;
    a->first_offset = ROUND_UP(watermark, obj_size);
    uint64_t ut_size = 1ull << ut->size_bits;
    if (a->first_offset > ut_size || (ut_size - a->first_offset) / obj_size < a->count)
        return CV_E_NO_MEMORY;
    /* VMIDs are a finite resource: check before anything is made */
    if (a->type == CV_OBJ_VSPACE && !vspace_vmid_available(a->count))
        return CV_E_BUSY;
    return CV_OK;
}

/* Zeroes a new object. A frame is also cleaned to the point of coherency, or a guest reading it
 * uncached could see its previous owner's data (docs/kernel.md "Execution model"). */
static void retype_zero(uint32_t type, paddr_t pa, uint64_t size)
{
    memset(pa_ptr(pa), 0, size);
    if (type == CV_OBJ_FRAME_4K || type == CV_OBJ_FRAME_2M)
        arch_dcache_clean_poc(pa_ptr(pa), size);
}

static void retype_perform(struct cte *ut, const struct retype_args *a)
{
    bool device = ut->cap.flags & CAP_FLAG_DEVICE;
    uint64_t obj_size = 1ull << a->obj_bits;
    for (uint64_t i = 0; i < a->count; i++) {
        paddr_t pa = PA(ut->cap.obj + a->first_offset + i * obj_size);
        /* Device frames are registers: never write them. An untyped child
         * is not zeroed either: nothing reads it until it is retyped into
         * objects, which are zeroed then (zeroing a 1 GiB VMM untyped at
         * load took 1.9 s under TCG for nothing). */
        if (!device && a->type != CV_OBJ_UNTYPED)
            retype_zero(a->type, pa, obj_size);
        struct cap c;
        obj_init(a->type, a->size_bits, pa, device, &c);
        cte_insert(&a->dest[i], &c, ut);
    }
    ut->cap.data0 = a->first_offset + a->count * obj_size;
}

enum cv_err untyped_invoke(struct invocation *inv)
{
    if (inv->label != CV_OP_UNTYPED_RETYPE)
        return CV_E_INVALID_OP;
    struct retype_args a = {0};
    enum cv_err err = retype_decode(inv, &a);
    if (err == CV_OK)
        retype_perform(inv->slot, &a);
    return err;
}
