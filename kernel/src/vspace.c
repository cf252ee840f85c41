/*
 * Stage-2 address spaces: table walks, frame and page-table mapping. Descriptor format: ARM ARM
 * D8.3 (VMSAv8-64 translation table format), stage-2 attributes D8.5 (S2AP, MemAttr, XN).
 */
#include <kernel/cnode.h>
#include <kernel/core.h>
#include <kernel/kprintf.h>
#include <kernel/syscall.h>
#include <kernel/vspace.h>

#include <arch/pte.h>

/* Levels 1-2: the next table; level 3: a page (arch/pte.h PTE_TABLE, PTE_PAGE). */
#define S2_TABLE   (PTE_VALID | PTE_TABLE)
#define S2_BLOCK   (PTE_VALID | PTE_BLOCK) /* levels 1-2 */
#define VSPACE_TOP (1ull << CV_VSPACE_BITS)

static struct vspace *vmid_table[VMID_COUNT];
static uint32_t vmid_generation[VMID_COUNT];

static uint64_t *table_of(uint64_t desc)
{
    return pa_ptr(PA(desc & PTE_OA_MASK));
}

bool vspace_vmid_available(uint64_t n)
{
    uint64_t free = 0;
    for (uint32_t i = 1; i < VMID_COUNT; i++)
        if (!vmid_table[i])
            free++;
    return free >= n;
}

void vspace_init(struct vspace *vs)
{
    for (uint32_t i = 1; i < VMID_COUNT; i++) {
        if (!vmid_table[i]) {
            vmid_table[i] = vs;
            vmid_generation[i]++;
            vs->meta.vmid = (uint16_t)i;
            vs->meta.id = (vmid_generation[i] << 8) | i;
            return;
        }
    }
    kpanic("vspace_init without a free VMID"); /* retype checked first */
}

struct vspace *vspace_from_id(uint32_t id)
{
    uint32_t vmid = id & 0xffu;
    struct vspace *vs = vmid_table[vmid];
    if (id == 0 || !vs || vs->meta.id != id)
        return NULL;
    return vs;
}

void vspace_destroy(struct vspace *vs)
{
    uint16_t vmid = vs->meta.vmid;
    vmid_table[vmid] = NULL;
    /* no core may keep walking these tables once the memory is reused */
    core_wait_vmid_out(vmid);
    arch_tlb_flush_vmid(vmid);
}

void vspace_activate(struct vspace *vs)
{
    arch_vspace_activate(ptr_pa(vs->l1), vs->meta.vmid);
}

/* Pointer to the level-`level` entry for `va`, or NULL if a table is missing. */
static uint64_t *walk(struct vspace *vs, uint64_t va, uint32_t level)
{
    uint64_t *e = &vs->l1[S2_INDEX(va, S2_L1_SHIFT)];
    if (level == 1)
        return e;
    if ((*e & PTE_TYPE_MASK) != S2_TABLE)
        return NULL;
    e = &table_of(*e)[S2_INDEX(va, S2_L2_SHIFT)];
    if (level == 2)
        return e;
    if ((*e & PTE_TYPE_MASK) != S2_TABLE)
        return NULL;
    return &table_of(*e)[S2_INDEX(va, S2_L3_SHIFT)];
}

static uint64_t leaf_desc(paddr_t pa, uint32_t rights, bool device, bool large)
{
    uint64_t d = (pa.v & PTE_OA_MASK) | PTE_AF | (large ? S2_BLOCK : S2_TABLE);
    d |= device ? S2_MEMATTR_DEVICE_nGnRE : (S2_MEMATTR_NORMAL_WB | PTE_SH_INNER);
    if (rights & CV_RIGHT_READ)
        d |= S2_AP_R;
    if (rights & CV_RIGHT_WRITE)
        d |= S2_AP_W;
    if (!(rights & CV_RIGHT_EXEC) || device)
        d |= PTE_XN;
    return d;
}

static void set_entry(uint64_t *e, uint64_t v)
{
    __atomic_store_n(e, v, __ATOMIC_RELAXED);
    arch_pt_barrier();
}

/* ---------------- frames ---------------- */

#define PAGES_PER_LARGE (1u << (CV_LARGE_PAGE_BITS - CV_PAGE_BITS))

/* How a frame cap is mapped: entries at the level walk() gives for it, one
 * (a page, or a 2 MiB block) or 512 pages (CV_MAP_PAGES). */
static uint32_t frame_entries(const struct cap *cap, bool pages, uint32_t *level)
{
    bool block = cap->type == CV_OBJ_FRAME_2M && !pages;
    *level = block ? 2 : 3;
    return pages ? PAGES_PER_LARGE : 1u;
}

void frame_unmap_cap(struct cap *cap)
{
    if (cap->extra == 0)
        return;
    struct vspace *vs = vspace_from_id(cap->extra);
    bool pages = cap->flags & CAP_FLAG_PAGES;
    uint32_t level, n = frame_entries(cap, pages, &level);
    uint64_t *e = vs ? walk(vs, cap->data1, level) : NULL;
    /* only remove what this cap mapped: the same frame, still there (its
     * first entry says; the rest are never mapped apart from it) */
    if (e && (*e & PTE_VALID) && (*e & PTE_OA_MASK) == cap->obj &&
        (*e & PTE_TYPE_MASK) == (level == 2 ? S2_BLOCK : S2_TABLE)) {
        for (uint32_t i = 0; i < n; i++)
            __atomic_store_n(&e[i], 0, __ATOMIC_RELAXED);
        arch_pt_barrier();
        if (n > 1)
            arch_tlb_flush_vmid(vs->meta.vmid);
        else
            arch_tlb_flush_ipa(vs->meta.vmid, cap->data1);
    }
    cap->extra = 0;
    cap->data1 = 0;
    cap->flags &= (uint8_t)~CAP_FLAG_PAGES;
}

/* FRAME_MAP, PT_MAP: at least `len` words, the cap not mapped yet, MR0 a vspace. */
static enum cv_err map_decode_vspace(const struct invocation *inv, uint32_t len,
                                     struct vspace **out)
{
    enum cv_err err;
    if (inv->len < len)
        return CV_E_INVALID_ARG;
    if (inv->slot->cap.extra != 0)
        return CV_E_MAPPED;
    struct cte *s = cnode_lookup_typed(inv->thread, inv->mr[0], CV_OBJ_VSPACE, 0, &err);
    if (!s)
        return err;
    *out = pa_ptr(PA(s->cap.obj));
    return CV_OK;
}

/* FRAME_MAP, decoded: `count` entries from `entry` (at `level`) get the frame. */
struct frame_map_args {
    struct vspace *vs;
    uint64_t *entry;
    uint64_t va;
    uint32_t rights;
    uint32_t level, count;
    bool pages; /* a 2 MiB frame as 512 pages (CV_MAP_PAGES) */
};

static enum cv_err frame_map_decode(const struct invocation *inv, struct frame_map_args *a)
{
    const struct cap *cap = &inv->slot->cap;
    enum cv_err err = map_decode_vspace(inv, 3, &a->vs);
    if (err != CV_OK)
        return err;
    uint64_t va = inv->mr[1], rights = inv->mr[2] & ~(uint64_t)CV_MAP_PAGES;
    uint64_t size = 1ull << cap->size_bits;
    a->pages = inv->mr[2] & CV_MAP_PAGES;
    if (a->pages && cap->type != CV_OBJ_FRAME_2M)
        return CV_E_INVALID_ARG;
    if (!ALIGNED(va, size))
        return CV_E_ALIGNMENT;
    if (va >= VSPACE_TOP || VSPACE_TOP - va < size)
        return CV_E_RANGE;
    if (rights & ~(uint64_t)(CV_RIGHT_READ | CV_RIGHT_WRITE | CV_RIGHT_EXEC))
        return CV_E_INVALID_ARG;
    if (!(rights & CV_RIGHT_READ) || ((cap->flags & CAP_FLAG_DEVICE) && (rights & CV_RIGHT_EXEC)))
        return CV_E_INVALID_ARG;
    if (rights & ~(uint64_t)cap->rights)
        return CV_E_NO_RIGHTS;
    a->va = va;
    a->rights = (uint32_t)rights;
    a->count = frame_entries(cap, a->pages, &a->level);
    a->entry = walk(a->vs, va, a->level);
    if (!a->entry)
        return CV_E_NO_TABLE;
    for (uint32_t i = 0; i < a->count; i++)
        if (a->entry[i] & PTE_VALID)
            return CV_E_MAPPED;
    return CV_OK;
}

static void frame_map(struct cap *cap, const struct frame_map_args *a)
{
    bool device = cap->flags & CAP_FLAG_DEVICE;
    for (uint32_t i = 0; i < a->count; i++)
        __atomic_store_n(
            &a->entry[i],
            leaf_desc(PA(cap->obj + i * CV_PAGE_SIZE), a->rights, device, a->level == 2),
            __ATOMIC_RELAXED);
    arch_pt_barrier();
    cap->flags =
        a->pages ? (uint8_t)(cap->flags | CAP_FLAG_PAGES) : (uint8_t)(cap->flags & ~CAP_FLAG_PAGES);
    cap->extra = a->vs->meta.id;
    cap->data1 = a->va;
}

enum cv_err frame_invoke(struct invocation *inv)
{
    struct cap *cap = &inv->slot->cap;
    struct frame_map_args a;
    enum cv_err err;
    switch (inv->label) {
    case CV_OP_FRAME_MAP:
        if ((err = frame_map_decode(inv, &a)) == CV_OK)
            frame_map(cap, &a);
        return err;
    case CV_OP_FRAME_UNMAP:
        if (cap->extra == 0)
            return CV_E_NOT_MAPPED;
        frame_unmap_cap(cap);
        return CV_OK;
    case CV_OP_FRAME_PADDR:
        inv->out[0] = cap->obj;
        inv->out_len = 1;
        return CV_OK;
    default:
        return CV_E_INVALID_OP;
    }
}

/* ---------------- page tables ---------------- */

void pt_unmap_cap(struct cap *cap)
{
    if (cap->extra == 0)
        return;
    struct vspace *vs = vspace_from_id(cap->extra);
    uint64_t *e = vs ? walk(vs, cap->data1, cap->size_bits - 1) : NULL;
    if (e && (*e & PTE_TYPE_MASK) == S2_TABLE && (*e & PTE_OA_MASK) == cap->obj) {
        set_entry(e, 0);
        arch_tlb_flush_vmid(vs->meta.vmid);
    }
    /* A table's entries must not come back if it is mapped again: the
     * frames they name may be gone by then (its only cap is this one). */
    memset(pa_ptr(PA(cap->obj)), 0, 1u << PAGE_TABLE_BITS);
    arch_pt_barrier();
    cap->extra = 0;
    cap->data1 = 0;
    cap->size_bits = 0;
}

/* The level is the first missing table on the walk to MR1: decoded in
 * full before the one entry is written. */
static enum cv_err pt_map(struct cap *cap, struct invocation *inv)
{
    struct vspace *vs = NULL;
    uint64_t va = inv->mr[1];
    enum cv_err err = map_decode_vspace(inv, 2, &vs);
    if (err != CV_OK)
        return err;
    if (va >= VSPACE_TOP)
        return CV_E_RANGE;
    uint32_t level = 2;
    uint64_t *e = walk(vs, va, 1);
    if ((*e & PTE_TYPE_MASK) == S2_TABLE) {
        level = 3;
        e = walk(vs, va, 2);
    }
    if (*e & PTE_VALID)
        return CV_E_MAPPED; /* nothing missing on this walk */
    set_entry(e, (cap->obj & PTE_OA_MASK) | S2_TABLE);
    cap->extra = vs->meta.id;
    cap->data1 = va & ~((1ull << (level == 2 ? S2_L1_SHIFT : S2_L2_SHIFT)) - 1);
    cap->size_bits = (uint8_t)level;
    inv->out[0] = level;
    inv->out_len = 1;
    return CV_OK;
}

enum cv_err pt_invoke(struct invocation *inv)
{
    struct cap *cap = &inv->slot->cap;
    switch (inv->label) {
    case CV_OP_PT_MAP:
        return pt_map(cap, inv);
    case CV_OP_PT_UNMAP:
        if (cap->extra == 0)
            return CV_E_NOT_MAPPED;
        pt_unmap_cap(cap);
        return CV_OK;
    default:
        return CV_E_INVALID_OP;
    }
}

/* ---------------- kernel use ---------------- */

void vspace_boot_map(struct vspace *vs, uint64_t va, paddr_t pa, uint32_t rights, bool large,
                     paddr_t (*alloc)(void))
{
    uint32_t leaf = large ? 2 : 3;
    for (uint32_t level = 1; level < leaf; level++) {
        uint64_t *e = walk(vs, va, level);
        if (!(*e & PTE_VALID))
            set_entry(e, (alloc().v & PTE_OA_MASK) | S2_TABLE);
    }
    set_entry(walk(vs, va, leaf), leaf_desc(pa, rights, false, large));
}

bool vspace_copy_in(struct vspace *vs, uint64_t va, void *dst, size_t len)
{
    uint8_t *out = dst;
    while (len > 0) {
        if (va >= VSPACE_TOP)
            return false;
        uint64_t *e = walk(vs, va, 2);
        uint64_t pa;
        if (e && (*e & PTE_TYPE_MASK) == S2_BLOCK) {
            pa = (*e & PTE_OA_MASK_L2_BLOCK) | (va & ((1ull << S2_L2_SHIFT) - 1));
        } else {
            e = walk(vs, va, 3);
            if (!e || (*e & PTE_TYPE_MASK) != S2_TABLE)
                return false;
            pa = (*e & PTE_OA_MASK) | (va & (CV_PAGE_SIZE - 1));
        }
        if (!(*e & S2_AP_R) || (*e & S2_MEMATTR_NORMAL_WB) != S2_MEMATTR_NORMAL_WB)
            return false;
        size_t chunk = CV_PAGE_SIZE - (va & (CV_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(out, pa_ptr(PA(pa)), chunk);
        out += chunk;
        va += chunk;
        len -= chunk;
    }
    return true;
}
