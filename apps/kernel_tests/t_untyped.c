/*
 * Untyped retype: every object type, every argument check, exhaustion,
 * and the watermark reset once all children are gone (kernel/src/untyped.c).
 * Device untypeds stay with the root loader, so their rules are not
 * reachable from a component (README.md).
 */
#include <string.h>

#include "kt.h"

/** A child untyped of 2^bits carved from the arena. */
static uint64_t child_untyped(unsigned bits)
{
    return kt_alloc(CV_OBJ_UNTYPED, bits);
}

/** Retype one object of type into a fresh slot; 0 if that failed. */
static uint64_t retype_one(enum cv_obj type, unsigned bits, enum cv_err *err)
{
    uint64_t s = kt_slot();
    *err = s ? cv_untyped_retype(KT_SLOT_ARENA, type, bits, 0, s, 1) : CV_E_INVALID_ARG;
    return *err == CV_OK ? s : 0;
}

static void case_endpoint(void)
{
    enum cv_err err;
    uint64_t ep = retype_one(CV_OBJ_ENDPOINT, 0, &err);
    KT_OK(err);
    KT_ERR(kt_label(cv_nbrecv(ep)), CV_E_WOULD_BLOCK);
}

static void case_notification(void)
{
    enum cv_err err;
    uint64_t n = retype_one(CV_OBJ_NOTIFICATION, 0, &err);
    KT_OK(err);
    KT_ERR(kt_label(cv_nbrecv(n)), CV_E_WOULD_BLOCK);
}

static void case_tcb(void)
{
    enum cv_err err;
    unsigned core = 99;
    uint64_t t = retype_one(CV_OBJ_TCB, 0, &err);
    KT_OK(err);
    KT_OK(cv_tcb_get_core(t, &core));
    KT_EQ(core, 0);
}

static void case_cnode(void)
{
    enum cv_err err;
    uint64_t cn = retype_one(CV_OBJ_CNODE, 4, &err);
    KT_OK(err);
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(ep);
    KT_OK(cv_cnode_copy(cn, 15, 0, ep, CV_RIGHTS_ALL));
    KT_ERR(cv_cnode_copy(cn, 16, 0, ep, CV_RIGHTS_ALL), CV_E_INVALID_ARG);
}

static void case_frame_4k(void)
{
    enum cv_err err;
    uint64_t pa = 0;
    uint64_t f = retype_one(CV_OBJ_FRAME_4K, 0, &err);
    KT_OK(err);
    KT_OK(cv_frame_paddr(f, &pa));
    KT_TRUE(pa != 0 && (pa & 0xfff) == 0, "frame paddr %#llx not page aligned",
            (unsigned long long)pa);
}

static void case_frame_2m(void)
{
    enum cv_err err;
    uint64_t pa = 0;
    uint64_t f = retype_one(CV_OBJ_FRAME_2M, 0, &err);
    KT_OK(err);
    KT_OK(cv_frame_paddr(f, &pa));
    KT_TRUE(pa != 0 && (pa & 0x1fffff) == 0, "2 MiB frame paddr %#llx not 2 MiB aligned",
            (unsigned long long)pa);
}

static void case_page_table(void)
{
    enum cv_err err;
    uint64_t pt = retype_one(CV_OBJ_PAGE_TABLE, 0, &err);
    KT_OK(err);
    KT_ERR(cv_pt_unmap(pt), CV_E_NOT_MAPPED);
}

static void case_vspace(void)
{
    enum cv_err err;
    uint64_t vs = retype_one(CV_OBJ_VSPACE, 0, &err);
    KT_OK(err);
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(f);
    /* a new address space has only its root table */
    KT_ERR(cv_frame_map(f, vs, 0x1000, KT_RW), CV_E_NO_TABLE);
}

static void case_untyped(void)
{
    enum cv_err err;
    uint64_t ut = retype_one(CV_OBJ_UNTYPED, 16, &err);
    KT_OK(err);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_ENDPOINT, 0, 0, kt_slot(), 1));
}

static void case_count_zero(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, kt_slot(), 0), CV_E_INVALID_ARG);
}

static void case_count_too_big(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, kt_slot(), 4097),
           CV_E_INVALID_ARG);
}

static void case_dest_slot_zero(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, 0, 1), CV_E_INVALID_ARG);
}

static void case_dest_beyond_cnode(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, KT_CNODE_SLOTS, 1),
           CV_E_INVALID_ARG);
    /* the first slot exists, the second does not */
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, KT_CNODE_SLOTS - 1, 2),
           CV_E_INVALID_ARG);
}

static void case_dest_occupied(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, KT_TCB, 1), CV_E_SLOT_OCCUPIED);
    uint64_t s = kt_slots(3);
    KT_NONZERO(s);
    KT_OK(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, s + 2, 1));
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, 0, s, 3), CV_E_SLOT_OCCUPIED);
    /* nothing half-done: the free slots before it are still empty */
    KT_ERR(cv_cnode_delete(KT_CNODE, s), CV_E_SLOT_EMPTY);
    KT_ERR(cv_cnode_delete(KT_CNODE, s + 1), CV_E_SLOT_EMPTY);
}

static void case_dest_cnode_bad(void)
{
    uint64_t ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    uint64_t empty = kt_slot();
    KT_NONZERO(ep && empty);
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, ep, 1, 1), CV_E_WRONG_TYPE);
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, empty, 1, 1), CV_E_INVALID_CAP);
}

static void case_bad_type(void)
{
    static const unsigned bad[] = {CV_OBJ_NULL, CV_OBJ_IRQ_CONTROL, CV_OBJ_IRQ_HANDLER,
                                   CV_OBJ_COUNT, 99};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, (enum cv_obj)bad[i], 0, 0, kt_slot(), 1),
               CV_E_INVALID_ARG);
}

static void case_cnode_radix_range(void)
{
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_CNODE, CV_CNODE_MIN_RADIX - 1, 0, kt_slot(), 1),
           CV_E_INVALID_ARG);
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_CNODE, CV_CNODE_MAX_RADIX + 1, 0, kt_slot(), 1),
           CV_E_INVALID_ARG);
    KT_OK(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_CNODE, CV_CNODE_MIN_RADIX, 0, kt_slot(), 1));
}

static void case_untyped_bits_range(void)
{
    KT_ERR(
        cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_UNTYPED, CV_UNTYPED_MIN_BITS - 1, 0, kt_slot(), 1),
        CV_E_INVALID_ARG);
    KT_ERR(
        cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_UNTYPED, CV_UNTYPED_MAX_BITS + 1, 0, kt_slot(), 1),
        CV_E_INVALID_ARG);
    /* in range but larger than the arena */
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_UNTYPED, KT_ARENA_BITS + 1, 0, kt_slot(), 1),
           CV_E_NO_MEMORY);
}

static void case_too_few_args(void)
{
    uint64_t a[4] = {CV_OBJ_ENDPOINT, 0, 0, kt_slot()};
    KT_ERR(cv_invoke(KT_SLOT_ARENA, CV_OP_UNTYPED_RETYPE, a, 4, NULL, 0), CV_E_INVALID_ARG);
}

static void case_bad_op(void)
{
    KT_ERR(cv_invoke(KT_SLOT_ARENA, CV_OP_CNODE_COPY, NULL, 0, NULL, 0), CV_E_INVALID_OP);
    KT_ERR(cv_invoke(KT_SLOT_ARENA, (enum cv_op)0, NULL, 0, NULL, 0), CV_E_INVALID_OP);
}

static void case_object_larger(void)
{
    uint64_t ut = child_untyped(16);
    KT_NONZERO(ut);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_FRAME_2M, 0, 0, kt_slot(), 1), CV_E_NO_MEMORY);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_UNTYPED, 17, 0, kt_slot(), 1), CV_E_NO_MEMORY);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_CNODE, 11, 0, kt_slot(), 1), CV_E_NO_MEMORY);
}

static void case_exhausted(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t s = kt_slots(17);
    KT_NONZERO(ut && s);
    for (unsigned i = 0; i < 16; i++)
        KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s + i, 1));
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s + 16, 1), CV_E_NO_MEMORY);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_ENDPOINT, 0, 0, s + 16, 1), CV_E_NO_MEMORY);
}

static void case_count_beyond_free(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t s = kt_slots(17);
    KT_NONZERO(ut && s);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 17), CV_E_NO_MEMORY);
    /* the failed call made nothing: all 16 frames are still there */
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 16));
}

static void case_revoke_reuses(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t s = kt_slots(16);
    uint64_t pa0 = 0, pa1 = 0;
    KT_NONZERO(ut && s);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 16));
    KT_OK(cv_frame_paddr(s, &pa0));
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(s, va, KT_RW));
    memset((void *)(uintptr_t)va, 0xa5, CV_PAGE_SIZE);
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, kt_slot(), 1), CV_E_NO_MEMORY);
    KT_OK(cv_cnode_revoke(KT_CNODE, ut));
    KT_ERR(cv_cnode_delete(KT_CNODE, s), CV_E_SLOT_EMPTY);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 16));
    KT_OK(cv_frame_paddr(s, &pa1));
    KT_EQ(pa1, pa0);
    KT_OK(kt_map(s, va, KT_RW));
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)va;
    for (unsigned i = 0; i < CV_PAGE_SIZE; i++)
        KT_TRUE(p[i] == 0, "reused frame not zeroed at byte %u (%#x)", i, p[i]);
}

static void case_delete_children_resets(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t s = kt_slots(16);
    KT_NONZERO(ut && s);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 16));
    for (unsigned i = 0; i < 16; i++)
        KT_OK(cv_cnode_delete(KT_CNODE, s + i));
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 16));
}

static void case_live_child_keeps_watermark(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t s = kt_slots(16);
    KT_NONZERO(ut && s);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s, 2));
    KT_OK(cv_cnode_delete(KT_CNODE, s));
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s + 2, 15), CV_E_NO_MEMORY);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_FRAME_4K, 0, 0, s + 2, 14));
}

static void case_other_cnode(void)
{
    uint64_t cn = kt_alloc(CV_OBJ_CNODE, 4);
    uint64_t out = kt_slot();
    KT_NONZERO(cn && out);
    KT_OK(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, cn, 3, 1));
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, cn, 3, 1), CV_E_SLOT_OCCUPIED);
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, cn, 16, 1), CV_E_INVALID_ARG);
    KT_ERR(cv_untyped_retype(KT_SLOT_ARENA, CV_OBJ_ENDPOINT, 0, cn, 0, 1), CV_E_INVALID_ARG);
    KT_OK(cv_cnode_copy(KT_CNODE, out, cn, 3, CV_RIGHTS_ALL));
    KT_ERR(kt_label(cv_nbrecv(out)), CV_E_WOULD_BLOCK);
}

static void case_vmid_exhaustion(void)
{
    uint64_t ut = child_untyped(22);
    uint64_t s = kt_slots(255);
    KT_NONZERO(ut && s);
    /* 255 VMIDs exist and the loader and components already hold some */
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_VSPACE, 0, 0, s, 255), CV_E_BUSY);
    KT_ERR(cv_cnode_delete(KT_CNODE, s), CV_E_SLOT_EMPTY);
    KT_OK(cv_untyped_retype(ut, CV_OBJ_VSPACE, 0, 0, s, 1));
}

static void case_move_untyped(void)
{
    uint64_t ut = child_untyped(16);
    uint64_t to = kt_slot();
    KT_NONZERO(ut && to);
    KT_OK(cv_cnode_move(KT_CNODE, to, 0, ut));
    KT_ERR(cv_untyped_retype(ut, CV_OBJ_ENDPOINT, 0, 0, kt_slot(), 1), CV_E_INVALID_CAP);
    KT_OK(cv_untyped_retype(to, CV_OBJ_ENDPOINT, 0, 0, kt_slot(), 1));
}

void kt_untyped_tests(void)
{
    kt_run("untyped.retype_endpoint", case_endpoint);
    kt_run("untyped.retype_notification", case_notification);
    kt_run("untyped.retype_tcb", case_tcb);
    kt_run("untyped.retype_cnode", case_cnode);
    kt_run("untyped.retype_frame_4k", case_frame_4k);
    kt_run("untyped.retype_frame_2m", case_frame_2m);
    kt_run("untyped.retype_page_table", case_page_table);
    kt_run("untyped.retype_vspace", case_vspace);
    kt_run("untyped.retype_untyped", case_untyped);
    kt_run("untyped.count_zero", case_count_zero);
    kt_run("untyped.count_too_big", case_count_too_big);
    kt_run("untyped.dest_slot_zero", case_dest_slot_zero);
    kt_run("untyped.dest_beyond_cnode", case_dest_beyond_cnode);
    kt_run("untyped.dest_occupied", case_dest_occupied);
    kt_run("untyped.dest_cnode_bad", case_dest_cnode_bad);
    kt_run("untyped.bad_type", case_bad_type);
    kt_run("untyped.cnode_radix_range", case_cnode_radix_range);
    kt_run("untyped.untyped_bits_range", case_untyped_bits_range);
    kt_run("untyped.too_few_args", case_too_few_args);
    kt_run("untyped.bad_op", case_bad_op);
    kt_run("untyped.object_larger_than_untyped", case_object_larger);
    kt_run("untyped.exhausted", case_exhausted);
    kt_run("untyped.count_beyond_free", case_count_beyond_free);
    kt_run("untyped.revoke_reuses_memory", case_revoke_reuses);
    kt_run("untyped.delete_children_resets", case_delete_children_resets);
    kt_run("untyped.live_child_keeps_watermark", case_live_child_keeps_watermark);
    kt_run("untyped.into_other_cnode", case_other_cnode);
    kt_run("untyped.vmid_exhaustion", case_vmid_exhaustion);
    kt_run("untyped.move", case_move_untyped);
}
