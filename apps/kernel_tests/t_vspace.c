/*
 * Frames and page tables (kernel/src/vspace.c): mapping in the own
 * address space, every map/unmap error, 2 MiB frames, page-table
 * unmap/remap, mappings of other address spaces, and that an unmapped
 * page really faults.
 */
#include <string.h>

#include "kt.h"

#define FRESH_REGION 0x2000000000ull /* a 1 GiB region no table covers */
#define LARGE_VA     0x60000000ull   /* 2 MiB aligned, in the helper region */

static void case_map_readback(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), alias = kt_slot();
    KT_NONZERO(f && alias);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE), va2 = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)va;
    for (unsigned i = 0; i < CV_PAGE_SIZE / 8; i++)
        p[i] = 0x1111111111111111ull * (i & 0xf) + i;
    /* a copy starts unmapped and maps the same memory elsewhere */
    KT_OK(cv_cnode_copy(KT_CNODE, alias, 0, f, CV_RIGHTS_ALL));
    KT_OK(kt_map(alias, va2, CV_RIGHT_READ));
    volatile uint64_t *q = (volatile uint64_t *)(uintptr_t)va2;
    for (unsigned i = 0; i < CV_PAGE_SIZE / 8; i++)
        KT_TRUE(p[i] == 0x1111111111111111ull * (i & 0xf) + i && q[i] == p[i],
                "word %u reads back %#llx / %#llx", i, (unsigned long long)p[i],
                (unsigned long long)q[i]);
}

static void case_map_twice(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), g = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(f && g);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE), va2 = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    KT_ERR(cv_frame_map(f, KT_VSPACE, va2, KT_RW), CV_E_MAPPED); /* the cap is in use */
    KT_ERR(cv_frame_map(g, KT_VSPACE, va, KT_RW), CV_E_MAPPED);  /* the address is */
}

static void case_alignment(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), big = kt_alloc(CV_OBJ_FRAME_2M, 0);
    KT_NONZERO(f && big);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW)); /* tables now exist there */
    KT_OK(cv_frame_unmap(f));
    KT_ERR(cv_frame_map(f, KT_VSPACE, va + 8, KT_RW), CV_E_ALIGNMENT);
    KT_ERR(cv_frame_map(f, KT_VSPACE, va + 0x800, KT_RW), CV_E_ALIGNMENT);
    KT_ERR(cv_frame_map(big, KT_VSPACE, LARGE_VA + CV_PAGE_SIZE, KT_RW), CV_E_ALIGNMENT);
}

static void case_range(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), pt = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    KT_NONZERO(f && pt);
    uint64_t top = 1ull << CV_VSPACE_BITS;
    KT_ERR(cv_frame_map(f, KT_VSPACE, top, KT_RW), CV_E_RANGE);
    KT_ERR(cv_frame_map(f, KT_VSPACE, ~0ull & ~0xfffull, KT_RW), CV_E_RANGE);
    KT_ERR(cv_pt_map(pt, KT_VSPACE, top), CV_E_RANGE);
    /* the last page below the top is fine */
    KT_OK(kt_map(f, top - CV_PAGE_SIZE, KT_RW));
    *(volatile uint64_t *)(uintptr_t)(top - 8) = 0x70;
    KT_EQ(*(volatile uint64_t *)(uintptr_t)(top - 8), 0x70);
}

static void case_no_table(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), big = kt_alloc(CV_OBJ_FRAME_2M, 0);
    KT_NONZERO(f && big);
    KT_ERR(cv_frame_map(f, KT_VSPACE, FRESH_REGION, KT_RW), CV_E_NO_TABLE);
    KT_ERR(cv_frame_map(big, KT_VSPACE, FRESH_REGION, KT_RW), CV_E_NO_TABLE);
    uint64_t l2 = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    KT_NONZERO(l2);
    KT_OK(cv_pt_map(l2, KT_VSPACE, FRESH_REGION));
    /* a 2 MiB frame needs only the level-2 table, a 4 KiB one also level 3 */
    KT_ERR(cv_frame_map(f, KT_VSPACE, FRESH_REGION, KT_RW), CV_E_NO_TABLE);
    KT_OK(cv_frame_map(big, KT_VSPACE, FRESH_REGION, KT_RW));
}

static void case_rights(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), ro = kt_slot();
    KT_NONZERO(f && ro);
    KT_OK(cv_cnode_mint(KT_CNODE, ro, 0, f, CV_RIGHT_READ, 0));
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    KT_OK(cv_frame_unmap(f));
    KT_ERR(cv_frame_map(ro, KT_VSPACE, va, KT_RW), CV_E_NO_RIGHTS);
    KT_ERR(cv_frame_map(ro, KT_VSPACE, va, CV_RIGHT_READ | CV_RIGHT_EXEC), CV_E_NO_RIGHTS);
    KT_ERR(cv_frame_map(f, KT_VSPACE, va, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_frame_map(f, KT_VSPACE, va, CV_RIGHT_WRITE), CV_E_INVALID_ARG);
    KT_ERR(cv_frame_map(f, KT_VSPACE, va, KT_RW | CV_RIGHT_GRANT), CV_E_INVALID_ARG);
    KT_OK(cv_frame_map(ro, KT_VSPACE, va, CV_RIGHT_READ));
}

static void case_bad_args(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), empty = kt_slot(),
             pt = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    KT_NONZERO(f && empty && pt);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_ERR(cv_frame_map(f, KT_CNODE, va, KT_RW), CV_E_WRONG_TYPE);
    KT_ERR(cv_frame_map(f, empty, va, KT_RW), CV_E_INVALID_CAP);
    uint64_t a[3] = {KT_VSPACE, va, KT_RW};
    KT_ERR(cv_invoke(f, CV_OP_FRAME_MAP, a, 2, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_invoke(pt, CV_OP_PT_MAP, a, 1, NULL, 0), CV_E_INVALID_ARG);
    KT_ERR(cv_pt_map(pt, KT_TCB, va), CV_E_WRONG_TYPE);
    KT_ERR(cv_invoke(f, CV_OP_PT_MAP, a, 3, NULL, 0), CV_E_INVALID_OP);
    KT_ERR(cv_invoke(pt, CV_OP_FRAME_MAP, a, 3, NULL, 0), CV_E_INVALID_OP);
}

static void case_unmap_unmapped(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(f);
    KT_ERR(cv_frame_unmap(f), CV_E_NOT_MAPPED);
    KT_OK(kt_map(f, kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE), KT_RW));
    KT_OK(cv_frame_unmap(f));
    KT_ERR(cv_frame_unmap(f), CV_E_NOT_MAPPED);
}

/** Map a page, unmap (or delete) it, let a helper read it: it must fault. */
static void access_after(bool delete_cap)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), ep;
    KT_NONZERO(f);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    *(volatile uint64_t *)(uintptr_t)va = 0x1234;
    if (delete_cap)
        KT_OK(cv_cnode_delete(KT_CNODE, f));
    else
        KT_OK(cv_frame_unmap(f));
    struct kt_thread *t = kt_fault_thread(kt_h_read, &ep, va);
    KT_NONZERO(t);
    struct cv_sysret r;
    KT_TRUE(kt_recv_timeout(ep, 1000, &r), "no fault (read %#llx, done %d)",
            (unsigned long long)t->out[0], t->done);
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_DATA_ABORT);
    KT_EQ(r.mr[1], va);
    KT_EQ(r.mr[3], 0);
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
    KT_TRUE(!t->done, "stopped thread continued");
}

static void case_unmap_faults(void)
{
    access_after(false);
}

static void case_delete_unmaps(void)
{
    access_after(true);
}

/** Reads arg[0] forever, counting the reads (a fault ends it). */
static void h_read_loop(struct kt_thread *t)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)t->arg[0];
    for (;;) {
        t->out[0] = *p;
        __atomic_add_fetch(&t->counter, 1, __ATOMIC_RELEASE);
    }
}

/*
 * TLB shootdown: a helper on core 1 keeps reading a page (its TLB holds
 * the translation) while we unmap it (or delete its cap) on core 0. When
 * that returns, the helper's next read must fault: at most the read in
 * flight completes. Without the invalidation reaching core 1, it would
 * go on reading the freed page.
 */
static void shootdown(bool delete_cap)
{
    if (kt.core_count == 1) {
        kt_skipf("one core: no other core's TLB");
        return;
    }
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), ep = kt_alloc(CV_OBJ_ENDPOINT, 0);
    KT_NONZERO(f && ep);
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    *(volatile uint64_t *)(uintptr_t)va = 0x5151;
    KT_THREAD(t, h_read_loop, KT_MAIN_PRIO, ep);
    t->arg[0] = va;
    KT_OK(cv_tcb_set_affinity(t->tcb, 1));
    KT_OK(kt_thread_start(t));
    KT_TRUE(kt_spin_until_above(&t->counter, 1000, 3000), "the reader did not run");
    KT_EQ(t->out[0], 0x5151);
    if (delete_cap)
        KT_OK(cv_cnode_delete(KT_CNODE, f));
    else
        KT_OK(cv_frame_unmap(f));
    uint64_t after = __atomic_load_n(&t->counter, __ATOMIC_ACQUIRE);
    struct cv_sysret r;
    KT_TRUE(kt_recv_timeout(ep, 2000, &r), "the reader on core 1 never faulted (%llu reads)",
            (unsigned long long)t->counter);
    KT_EQ(CV_MSG_LABEL(r.info), CV_FAULT_DATA_ABORT);
    KT_EQ(r.mr[1], va);
    uint64_t at_fault = t->counter;
    cv_reply(CV_MSGINFO(CV_FAULT_STOP, 0, 0), NULL);
    KT_TRUE(at_fault - after <= 1, "%llu reads after the unmap returned",
            (unsigned long long)(at_fault - after));
}

static void case_unmap_shootdown(void)
{
    shootdown(false);
}

static void case_delete_shootdown(void)
{
    shootdown(true);
}

static void case_frame_2m(void)
{
    uint64_t big = kt_alloc(CV_OBJ_FRAME_2M, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(big && f);
    KT_OK(kt_map(big, LARGE_VA, KT_RW));
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)LARGE_VA;
    uint64_t last = (1u << CV_LARGE_PAGE_BITS) / 8 - 1;
    p[0] = 0xaa;
    p[last] = 0xbb;
    p[last / 2] = 0xcc;
    KT_EQ(p[0], 0xaa);
    KT_EQ(p[last], 0xbb);
    KT_EQ(p[last / 2], 0xcc);
    /* a 4 KiB page inside the block has no level-3 table, and none fits */
    uint64_t pt = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    KT_NONZERO(pt);
    KT_ERR(cv_frame_map(f, KT_VSPACE, LARGE_VA + CV_PAGE_SIZE, KT_RW), CV_E_NO_TABLE);
    KT_ERR(cv_pt_map(pt, KT_VSPACE, LARGE_VA), CV_E_MAPPED);
    KT_OK(cv_frame_unmap(big));
    KT_OK(cv_pt_map(pt, KT_VSPACE, LARGE_VA));
    KT_OK(cv_frame_map(f, KT_VSPACE, LARGE_VA + CV_PAGE_SIZE, KT_RW));
    KT_ERR(cv_frame_map(big, KT_VSPACE, LARGE_VA, KT_RW), CV_E_MAPPED);
}

static void case_pt_unmap_remap(void)
{
    uint64_t l2 = kt_alloc(CV_OBJ_PAGE_TABLE, 0), l3 = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    uint64_t extra = kt_alloc(CV_OBJ_PAGE_TABLE, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    KT_NONZERO(l2 && l3 && extra && f);
    uint64_t va = FRESH_REGION + 0x5000;
    KT_ERR(cv_pt_unmap(l3), CV_E_NOT_MAPPED);
    KT_OK(cv_pt_map(l2, KT_VSPACE, va));
    KT_OK(cv_pt_map(l3, KT_VSPACE, va));
    KT_ERR(cv_pt_map(l3, KT_VSPACE, va + 0x200000), CV_E_MAPPED); /* cap in use */
    KT_ERR(cv_pt_map(extra, KT_VSPACE, va), CV_E_MAPPED);         /* nothing missing */
    KT_OK(cv_frame_map(f, KT_VSPACE, va, KT_RW));
    *(volatile uint64_t *)(uintptr_t)va = 0xc0ffee;
    KT_OK(cv_pt_unmap(l3));
    KT_ERR(cv_pt_unmap(l3), CV_E_NOT_MAPPED);
    KT_ERR(cv_frame_map(extra, KT_VSPACE, va, KT_RW), CV_E_INVALID_OP);
    KT_OK(cv_frame_unmap(f)); /* its table is gone: only the cap's record */
    KT_OK(cv_pt_map(l3, KT_VSPACE, va));
    KT_OK(cv_frame_map(f, KT_VSPACE, va, KT_RW));
    KT_EQ(*(volatile uint64_t *)(uintptr_t)va, 0xc0ffee);
}

static void case_other_vspace(void)
{
    uint64_t vs = kt_alloc(CV_OBJ_VSPACE, 0), f = kt_alloc(CV_OBJ_FRAME_4K, 0);
    uint64_t l2 = kt_alloc(CV_OBJ_PAGE_TABLE, 0), l3 = kt_alloc(CV_OBJ_PAGE_TABLE, 0);
    KT_NONZERO(vs && f && l2 && l3);
    KT_ERR(cv_frame_map(f, vs, 0x1000, KT_RW), CV_E_NO_TABLE);
    KT_OK(cv_pt_map(l2, vs, 0x1000));
    KT_OK(cv_pt_map(l3, vs, 0x1000));
    KT_OK(cv_frame_map(f, vs, 0x1000, KT_RW));
    KT_ERR(cv_frame_map(f, KT_VSPACE, kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE), KT_RW), CV_E_MAPPED);
    /* the address space dies: the frame's record of it is stale, harmless */
    KT_OK(cv_cnode_delete(KT_CNODE, vs));
    KT_OK(cv_frame_unmap(f));
    uint64_t va = kt_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    KT_OK(kt_map(f, va, KT_RW));
    *(volatile uint64_t *)(uintptr_t)va = 5;
    KT_EQ(*(volatile uint64_t *)(uintptr_t)va, 5);
}

static void case_paddr(void)
{
    uint64_t f = kt_alloc(CV_OBJ_FRAME_4K, 0), g = kt_alloc(CV_OBJ_FRAME_4K, 0), c = kt_slot();
    uint64_t pf = 0, pg = 0, pc = 0;
    KT_NONZERO(f && g && c);
    KT_OK(cv_cnode_copy(KT_CNODE, c, 0, f, CV_RIGHT_READ));
    KT_OK(cv_frame_paddr(f, &pf));
    KT_OK(cv_frame_paddr(g, &pg));
    KT_OK(cv_frame_paddr(c, &pc));
    KT_EQ(pc, pf);
    KT_TRUE(pf != pg && pf && pg, "paddrs %#llx %#llx", (unsigned long long)pf,
            (unsigned long long)pg);
}

void kt_vspace_tests(void)
{
    kt_run("vspace.map_rw_readback", case_map_readback);
    kt_run("vspace.map_twice", case_map_twice);
    kt_run("vspace.unaligned", case_alignment);
    kt_run("vspace.out_of_range", case_range);
    kt_run("vspace.missing_table", case_no_table);
    kt_run("vspace.rights", case_rights);
    kt_run("vspace.bad_args", case_bad_args);
    kt_run("vspace.unmap_unmapped", case_unmap_unmapped);
    kt_run("vspace.unmap_then_access_faults", case_unmap_faults);
    kt_run("vspace.delete_cap_unmaps", case_delete_unmaps);
    kt_run("vspace.unmap_shootdown", case_unmap_shootdown);
    kt_run("vspace.delete_shootdown", case_delete_shootdown);
    kt_run("vspace.frame_2m", case_frame_2m);
    kt_run("vspace.pt_unmap_remap", case_pt_unmap_remap);
    kt_run("vspace.other_vspace", case_other_vspace);
    kt_run("vspace.frame_paddr", case_paddr);
}
