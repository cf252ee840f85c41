/* Object sizes, creation and destruction, by type. */
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>
#include <kernel/tcb.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

uint32_t obj_size_bits(uint32_t type, uint32_t size_bits)
{
    switch (type) {
    case CV_OBJ_UNTYPED:
        return size_bits;
    case CV_OBJ_CNODE:
        return size_bits + CV_CNODE_SLOT_BITS;
    case CV_OBJ_TCB:
        return TCB_BITS;
    case CV_OBJ_ENDPOINT:
        return ENDPOINT_BITS;
    case CV_OBJ_NOTIFICATION:
        return NOTIFICATION_BITS;
    case CV_OBJ_FRAME_4K:
    case CV_OBJ_PAGE_TABLE:
        return CV_PAGE_BITS;
    case CV_OBJ_FRAME_2M:
        return CV_LARGE_PAGE_BITS;
    case CV_OBJ_VSPACE:
        return VSPACE_BITS;
    case CV_OBJ_VCPU:
        return VCPU_BITS;
    default:
        return 0;
    }
}

enum cv_err obj_check_retype(uint32_t type, uint32_t size_bits)
{
    if (type == CV_OBJ_UNTYPED &&
        (size_bits < CV_UNTYPED_MIN_BITS || size_bits > CV_UNTYPED_MAX_BITS))
        return CV_E_INVALID_ARG;
    if (type == CV_OBJ_CNODE && (size_bits < CV_CNODE_MIN_RADIX || size_bits > CV_CNODE_MAX_RADIX))
        return CV_E_INVALID_ARG;
    /* Memory objects are those with a size: not irq control, irq handlers
     * or the console. */
    return obj_size_bits(type, size_bits) ? CV_OK : CV_E_INVALID_ARG;
}

void obj_init(uint32_t type, uint32_t size_bits, paddr_t pa, bool device, struct cap *cap)
{
    *cap = (struct cap){.type = (uint8_t)type, .rights = CV_RIGHTS_ALL, .obj = pa.v};
    switch (type) {
    case CV_OBJ_UNTYPED:
    case CV_OBJ_CNODE:
        cap->size_bits = (uint8_t)size_bits;
        break;
    case CV_OBJ_FRAME_4K:
        cap->size_bits = CV_PAGE_BITS;
        break;
    case CV_OBJ_FRAME_2M:
        cap->size_bits = CV_LARGE_PAGE_BITS;
        break;
    case CV_OBJ_TCB:
        tcb_init(pa_ptr(pa));
        break;
    case CV_OBJ_VSPACE:
        vspace_init(pa_ptr(pa));
        break;
    case CV_OBJ_VCPU:
        vcpu_init(pa_ptr(pa));
        break;
    default:
        break;
    }
    if (device)
        cap->flags |= CAP_FLAG_DEVICE;
}

bool obj_needs_zombie(const struct cap *cap)
{
    return cap->type == CV_OBJ_CNODE || cap->type == CV_OBJ_TCB;
}

void obj_zombie_begin(const struct cap *cap)
{
    if (cap->type == CV_OBJ_TCB)
        tcb_destroy(pa_ptr(PA(cap->obj)));
}

struct cte *obj_zombie_next_slot(const struct cap *cap)
{
    struct cte *s;
    size_t n;
    if (cap->type == CV_OBJ_CNODE) {
        s = pa_ptr(PA(cap->obj));
        n = (size_t)1 << cap->size_bits;
    } else {
        struct tcb *t = pa_ptr(PA(cap->obj));
        s = t->slot;
        n = TCB_SLOT_COUNT;
    }
    for (size_t i = 0; i < n; i++)
        if (!cte_empty(&s[i]) && s[i].cap.type != CAP_ZOMBIE)
            return &s[i];
    return NULL;
}

void obj_destroy(const struct cap *cap)
{
    switch (cap->type) {
    case CV_OBJ_ENDPOINT:
        ep_destroy(pa_ptr(PA(cap->obj)));
        break;
    case CV_OBJ_NOTIFICATION:
        ntfn_destroy(pa_ptr(PA(cap->obj)));
        break;
    case CV_OBJ_VSPACE:
        vspace_destroy(pa_ptr(PA(cap->obj)));
        break;
    case CV_OBJ_IRQ_HANDLER:
        irq_handler_destroy(cap);
        break;
    case CV_OBJ_VCPU:
        vcpu_destroy(pa_ptr(PA(cap->obj)));
        break;
    default: /* untyped, frames, tables, cnode and tcb shells: memory only */
        break;
    }
}

void obj_cap_removed(const struct cap *cap)
{
    struct cap c = *cap;
    if (c.type == CV_OBJ_FRAME_4K || c.type == CV_OBJ_FRAME_2M)
        frame_unmap_cap(&c);
    else if (c.type == CV_OBJ_PAGE_TABLE)
        pt_unmap_cap(&c);
}
