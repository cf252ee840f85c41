/*
 * libvmm vGIC distributor and list-register management (GICv2 spec 4.3, 5).
 */
#include "test_vgic.h"

static void setup(unsigned vcpus, unsigned irqs)
{
    setup_version(VGIC_V2, vcpus, irqs);
}

/* ---- tests ---- */

static void test_init_errors(void)
{
    CHECK_EQ(vgic_init(&vg, 0, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init(&vg, 9, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init(&vg, 1, 48), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init(&vg, 1, 288), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init(&vg, 8, 256), VGIC_OK);
    CHECK_EQ(vgic_set_lr_count(&vg, 8, 4), VGIC_BAD_VCPU);
    CHECK_EQ(vgic_set_lr_count(&vg, 0, 0), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_set_lr_count(&vg, 0, 65), VGIC_BAD_CONFIG);
}

static void test_id_registers(void)
{
    setup(4, 128);
    CHECK_EQ(rd(0, 0x004, 4), (128 / 32 - 1) | (3u << 5)); /* TYPER */
    CHECK_EQ(rd(2, 0x008, 4) & 0xfff, 0x43b);              /* IIDR: Arm */
    CHECK_EQ((rd(0, 0xfe8, 4) >> 4) & 0xf, 2);             /* PIDR2.ArchRev = GICv2 */
    CHECK_EQ(rd(0, 0xff0, 4), 0x0d);
    CHECK_EQ(rd(0, 0xffc, 4), 0xb1);
    wr(0, 0x004, 4, 0xffffffff); /* RO: ignored */
    CHECK_EQ(rd(0, 0x004, 4), (128 / 32 - 1) | (3u << 5));
    wr(0, 0x000, 4, 0xffffffff);
    CHECK_EQ(rd(0, 0x000, 4), 3); /* EnableGrp0 | EnableGrp1 */
}

static void test_enable_banked(void)
{
    setup(2, 64);
    wr(0, 0x100, 4, 0x80010002); /* vcpu0: SGI1, PPI16, PPI31 */
    wr(1, 0x100, 4, 0x00000004); /* vcpu1: SGI2 */
    wr(0, 0x104, 4, 0x00000003); /* SPIs 32, 33 */
    CHECK_EQ(rd(0, 0x100, 4), 0x80010002);
    CHECK_EQ(rd(1, 0x100, 4), 0x00000004);
    CHECK_EQ(rd(1, 0x104, 4), 3); /* shared */
    wr(0, 0x180, 4, 0x00010000);  /* ICENABLER PPI16 */
    CHECK_EQ(rd(0, 0x180, 4), 0x80000002);
    uint64_t v = 9;
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x108, 4, false, &v), VGIC_RAZ_WI); /* beyond 64 */
    CHECK_EQ(v, 0);
}

static void test_priority_and_targets(void)
{
    setup(4, 64);
    wr(0, 0x400 + 33, 1, 0xa7); /* byte write, low 3 bits dropped */
    CHECK_EQ(rd(0, 0x420, 4), 0xa000);
    wr(0, 0x420, 4, 0x11223344);
    CHECK_EQ(rd(0, 0x420, 4), 0x10203040);
    CHECK_EQ(rd(0, 0x422, 1), 0x20);
    wr(1, 0x400, 1, 0x80); /* SGI0 priority is banked */
    CHECK_EQ(rd(1, 0x400, 1), 0x80);
    CHECK_EQ(rd(0, 0x400, 1), 0x00);
    /* ITARGETSR: SGI/PPI bytes read the accessing CPU's bit, RO */
    CHECK_EQ(rd(2, 0x800, 4), 0x04040404);
    CHECK_EQ(rd(3, 0x81c, 4), 0x08080808);
    wr(2, 0x800, 4, 0xffffffff);
    CHECK_EQ(rd(2, 0x800, 4), 0x04040404);
    /* SPI targets: masked to existing CPUs */
    wr(0, 0x820, 4, 0xff0201f3);
    CHECK_EQ(rd(1, 0x820, 4), 0x0f020103);
    wr(0, 0x821, 1, 0x04);
    CHECK_EQ(rd(0, 0x821, 1), 0x04);
}

static void test_config(void)
{
    setup(1, 64);
    CHECK_EQ(rd(0, 0xc00, 4), 0xaaaaaaaa); /* SGIs edge, RO */
    wr(0, 0xc00, 4, 0);
    CHECK_EQ(rd(0, 0xc00, 4), 0xaaaaaaaa);
    CHECK_EQ(rd(0, 0xc04, 4), 0); /* PPIs level by default */
    wr(0, 0xc08, 4, 0x0000000a);  /* SPI 32, 33 edge */
    CHECK_EQ(rd(0, 0xc08, 4), 0x0000000a);
}

static void test_width_rules(void)
{
    uint64_t v = 1;
    setup(1, 64);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x100, 1, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(v, 0);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x100, 2, true, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x400, 8, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x402, 4, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x403, 1, false, &v), VGIC_OK);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0xf21, 1, false, &v), VGIC_OK);
    CHECK_EQ(vgic_dist_access(&vg, 1, 0x100, 4, false, &v), VGIC_BAD_VCPU);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x10000, 4, false, &v), VGIC_BAD_OFFSET);
}

static void test_reserved_logged_once(void)
{
    uint64_t v = 5;
    setup(1, 32);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x00c, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(v, 0);
    CHECK_EQ(log_calls, 1);
    CHECK_EQ(log_off, 0x00c);
    CHECK(strcmp(log_frame, "GICD") == 0);
    v = 7;
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x00c, 4, true, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x00c, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(v, 0);
    CHECK_EQ(log_calls, 1);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0xe00, 4, false, &v), VGIC_RAZ_WI); /* NSACR */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x104, 4, true, &v), VGIC_RAZ_WI);  /* no SPIs */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x8000, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 4);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x104, 4, true, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 4);
}

static void test_sgir(void)
{
    setup(4, 32);
    wr(1, 0xf00, 4, (0u << 24) | (0x0du << 16) | 3);    /* list: CPUs 0, 2, 3 */
    CHECK_EQ(rd(0, 0xf20, 4) & 0xff000000, 0x02000000); /* SPENDSGIR0 byte 3: SGI3 from CPU1 */
    CHECK_EQ(rd(2, 0xf23, 1), 0x02);
    CHECK_EQ(rd(3, 0xf23, 1), 0x02);
    CHECK_EQ(rd(1, 0xf23, 1), 0x00);
    CHECK_EQ(rd(0, 0x200, 4), 1u << 3); /* ISPENDR shows SGI3 */
    wr(2, 0xf00, 4, (1u << 24) | 5);    /* all but self */
    CHECK_EQ(rd(0, 0xf25, 1), 0x04);
    CHECK_EQ(rd(1, 0xf25, 1), 0x04);
    CHECK_EQ(rd(2, 0xf25, 1), 0x00);
    CHECK_EQ(rd(3, 0xf25, 1), 0x04);
    wr(3, 0xf00, 4, (2u << 24) | (0xffu << 16) | 6); /* self only, list ignored */
    CHECK_EQ(rd(3, 0xf24, 4), 0x00080400);
    CHECK_EQ(rd(0, 0xf24, 4), 0x00000400);
    wr(0, 0xf00, 4, (3u << 24) | (0xffu << 16) | 7); /* reserved filter: nothing */
    CHECK_EQ(rd(1, 0xf24, 4), 0x00000400);
    wr(0, 0xf10 + 3, 1, 0xff); /* CPENDSGIR: clear SGI3 */
    CHECK_EQ(rd(0, 0xf23, 1), 0);
    wr(0, 0xf20, 4, 0x00000f00); /* SPENDSGIR: SGI1 from CPUs 0-3 */
    CHECK_EQ(rd(0, 0xf21, 1), 0x0f);
    CHECK_EQ(rd(0, 0xf00, 4), 0); /* SGIR is write-only */
}

static void test_sgi_delivery_source(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(2, 32);
    wr(0, 0x000, 4, 1);
    wr(1, 0x100, 4, 0xffff);                        /* vcpu1 enables its SGIs */
    wr(0, 0xf00, 4, (0u << 24) | (0x2u << 16) | 9); /* CPU0 -> CPU1, SGI9 */
    wr(1, 0xf00, 4, (2u << 24) | 9);                /* CPU1 -> self, SGI9 */
    CHECK_EQ(vgic_pending_vcpus(&vg), 2);
    CHECK_EQ(vgic_deliver(&vg, 1, &inj), 1); /* one LR per SGI ID at a time */
    CHECK_EQ(l.e[0].intid, 9);
    CHECK_EQ(l.e[0].source, 0);
    CHECK_EQ(rd(1, 0xf29, 1), 0x02); /* CPU1's request still pending */
    CHECK_EQ(vgic_lrs_freed(&vg, 1, 1ull << l.lr[0], &inj), 1);
    CHECK_EQ(l.e[1].intid, 9);
    CHECK_EQ(l.e[1].source, 1);
    CHECK(!l.e[1].level);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0); /* CPU0 has SGIs disabled */
}

static void test_overflow_priority_order(void)
{
    static const uint8_t prio[10] = {0x80, 0x20, 0xa0, 0x20, 0x00, 0x60, 0xf0, 0x40, 0x08, 0x18};
    static const unsigned want[10] = {36, 40, 41, 33, 35, 39, 37, 32, 34, 38};
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(1, 64);
    wr(0, 0x000, 4, 1);
    for (unsigned i = 0; i < 10; i++) {
        wr(0, 0x400 + 32 + i, 1, prio[i]);
        CHECK_EQ(vgic_raise_irq(&vg, 0, 32 + i), VGIC_OK);
    }
    wr(0, 0x104, 4, 0x3ff);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 4);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(l.e[i].intid, want[i]);
        CHECK_EQ(l.lr[i], i);
    }
    CHECK_EQ(rd(0, 0x204, 4), 0x3ff & ~((1u << 4) | (1u << 8) | (1u << 9) | (1u << 1)));
    CHECK_EQ(rd(0, 0x304, 4), (1u << 4) | (1u << 8) | (1u << 9) | (1u << 1)); /* in LRs */
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);                                  /* all LRs busy */
    CHECK_EQ(vgic_lrs_freed(&vg, 0, 0x5, &inj), 2);
    CHECK_EQ(l.e[4].intid, want[4]);
    CHECK_EQ(l.lr[4], 0);
    CHECK_EQ(l.e[5].intid, want[5]);
    CHECK_EQ(l.lr[5], 2);
    CHECK_EQ(vgic_lrs_freed(&vg, 0, 0xf, &inj), 4);
    CHECK_EQ(vgic_lrs_freed(&vg, 0, 0xf, &inj), 0);
    for (unsigned i = 0; i < 10; i++)
        CHECK_EQ(l.e[i].intid, want[i]);
    CHECK_EQ(l.count, 10);
    CHECK_EQ(rd(0, 0x204, 4), 0);
    CHECK_EQ(vgic_pending_vcpus(&vg), 0);
}

static void test_level_repending(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(1, 64);
    wr(0, 0x000, 4, 1);
    wr(0, 0x104, 4, 1u << 1); /* SPI 33, level */
    CHECK_EQ(vgic_set_irq_level(&vg, 0, 33, true), VGIC_OK);
    CHECK_EQ(rd(0, 0x204, 4), 2);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK(l.e[0].level);
    CHECK_EQ(rd(0, 0x304, 4), 2);                 /* in the LR: reads active ... */
    CHECK_EQ(rd(0, 0x204, 4), 2);                 /* ... and, its line being high, pending */
    CHECK_EQ(vgic_lrs_freed(&vg, 0, 1, &inj), 1); /* EOI, line still high */
    CHECK_EQ(l.e[1].intid, 33);
    CHECK_EQ(vgic_set_irq_level(&vg, 0, 33, false), VGIC_OK);
    CHECK_EQ(vgic_lrs_freed(&vg, 0, 1, &inj), 0); /* EOI, line low: done */
    CHECK_EQ(rd(0, 0x204, 4), 0);
    /* ICPENDR cannot clear a level interrupt whose line is high (4.3.8) */
    vgic_set_irq_level(&vg, 0, 33, true);
    wr(0, 0x284, 4, 2);
    CHECK_EQ(rd(0, 0x204, 4), 2);
    vgic_set_irq_level(&vg, 0, 33, false);
    CHECK_EQ(rd(0, 0x204, 4), 0);
    /* ISPENDR latches it until ICPENDR */
    wr(0, 0x204, 4, 2);
    CHECK_EQ(rd(0, 0x204, 4), 2);
    wr(0, 0x284, 4, 2);
    CHECK_EQ(rd(0, 0x204, 4), 0);
}

static void test_edge_and_ppi(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(2, 64);
    wr(0, 0x000, 4, 1);
    wr(0, 0xc08, 4, 0x8); /* SPI 33 edge */
    wr(0, 0x104, 4, 2);
    wr(0, 0x821, 1, 2); /* SPI 33 -> CPU1 */
    vgic_set_irq_level(&vg, 0, 33, true);
    vgic_set_irq_level(&vg, 0, 33, false);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0); /* not targeted */
    CHECK_EQ(vgic_pending_vcpus(&vg), 2);
    CHECK_EQ(vgic_deliver(&vg, 1, &inj), 1);
    vgic_set_irq_level(&vg, 0, 33, true); /* new edge while in the LR */
    CHECK_EQ(vgic_lrs_freed(&vg, 1, 1, &inj), 1);
    CHECK_EQ(vgic_lrs_freed(&vg, 1, 1, &inj), 0); /* edge consumed */
    /* PPI 27 (virtual timer) is banked: vcpu1's line does not reach vcpu0 */
    wr(0, 0x100, 4, 1u << 27);
    wr(1, 0x100, 4, 1u << 27);
    vgic_set_irq_level(&vg, 1, 27, true);
    CHECK_EQ(rd(0, 0x200, 4), 0);
    CHECK_EQ(rd(1, 0x200, 4), 1u << 27);
    CHECK_EQ(vgic_deliver(&vg, 1, &inj), 1);
    CHECK_EQ(l.vcpu[l.count - 1], 1);
    CHECK_EQ(l.e[l.count - 1].intid, 27);
    /* input errors */
    CHECK_EQ(vgic_set_irq_level(&vg, 0, 3, true), VGIC_BAD_INTID);
    CHECK_EQ(vgic_set_irq_level(&vg, 0, 64, true), VGIC_BAD_INTID);
    CHECK_EQ(vgic_set_irq_level(&vg, 2, 27, true), VGIC_BAD_VCPU);
    CHECK_EQ(vgic_raise_irq(&vg, 7, 40), VGIC_OK); /* SPI: vcpu ignored */
}

static void test_gating(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    struct vgic_lr e;
    setup(1, 64);
    vgic_raise_irq(&vg, 0, 40);
    wr(0, 0x104, 4, 1u << 8);
    CHECK(!vgic_next_pending(&vg, 0, &e)); /* distributor disabled */
    wr(0, 0x084, 4, 1u << 8);              /* group 1 */
    wr(0, 0x000, 4, 1);                    /* only group 0 enabled */
    CHECK(!vgic_next_pending(&vg, 0, &e));
    wr(0, 0x000, 4, 2);
    CHECK(vgic_next_pending(&vg, 0, &e));
    CHECK(e.group1);
    wr(0, 0x304, 4, 1u << 8); /* active: not signalled again */
    CHECK(!vgic_next_pending(&vg, 0, &e));
    wr(0, 0x384, 4, 1u << 8);
    l.fail_with = VGIC_INJECT_BUSY; /* kernel says busy: stays pending */
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);
    CHECK_EQ(rd(0, 0x204, 4), 1u << 8);
    l.fail_with = -5;
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), -5);
    l.fail_with = 0;
    CHECK_EQ(vgic_set_lr_count(&vg, 0, 1), VGIC_OK);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK_EQ(vgic_set_lr_count(&vg, 0, 64), VGIC_OK);
    CHECK_EQ(vgic_lrs_freed(&vg, 0, ~0ull, NULL), 0); /* only our LR is freed */
}

/* The kernel refusing one INTID (it holds the timer's in its own LR) does
 * not hold back the others; it stays pending and goes in once accepted. */
static void test_busy_intid_skipped(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(1, 64);
    wr(0, 0x000, 4, 1);
    wr(0, 0x100, 4, (1u << 27) | (1u << 20)); /* enable PPIs 27 and 20 */
    wr(0, 0x104, 4, 1u << 8);                 /* and SPI 40 */
    wr(0, 0x414, 4, 0x80u);                   /* PPI 20: priority 0x80 */
    wr(0, 0x428, 4, 0x80u);                   /* SPI 40: 0x80 */
    wr(0, 0x418, 4, 0x10u << 24);             /* PPI 27: 0x10, the highest */
    CHECK_EQ(vgic_raise_irq(&vg, 0, 27), VGIC_OK);
    CHECK_EQ(vgic_raise_irq(&vg, 0, 20), VGIC_OK);
    CHECK_EQ(vgic_raise_irq(&vg, 0, 40), VGIC_OK);
    l.busy_intid = 27;
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 2);
    CHECK_EQ(l.count, 2);
    CHECK(l.e[0].intid != 27 && l.e[1].intid != 27);
    CHECK_EQ(rd(0, 0x200, 4) & (1u << 27), 1u << 27); /* still pending */
    l.busy_intid = 0;
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK_EQ(l.e[2].intid, 27);
    /* a kernel with no LR at all: a few refusals, then it stops asking */
    setup(1, 64);
    wr(0, 0x000, 4, 1);
    wr(0, 0x104, 4, 0xffu); /* SPIs 32..39 */
    for (unsigned id = 32; id < 40; id++)
        CHECK_EQ(vgic_raise_irq(&vg, 0, id), VGIC_OK);
    l.count = l.calls = 0;
    l.fail_with = VGIC_INJECT_BUSY;
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);
    CHECK_EQ(l.calls, 4);
    CHECK_EQ(rd(0, 0x204, 4) & 0xffu, 0xffu);
}

/** Every offset, width and direction on every vCPU: defined result, no crash. */
static void test_exhaustive(void)
{
    static const unsigned widths[] = {0, 1, 2, 3, 4, 8, 16};
    unsigned ok = 0;
    setup(3, 96);
    for (unsigned vcpu = 0; vcpu < 4; vcpu++) {
        for (uint64_t off = 0; off < 0x1004; off++) {
            for (unsigned w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
                for (int dir = 0; dir < 2; dir++) {
                    uint64_t v = dir ? 0xffffffffffffffffull : 0x1234;
                    enum vgic_result r = vgic_dist_access(&vg, vcpu, off, widths[w], dir, &v);
                    if (!dir && r != VGIC_OK)
                        CHECK_EQ(v, 0);
                    ok += r == VGIC_OK;
                }
            }
        }
    }
    CHECK(ok > 1000);
    CHECK(log_calls > 0 && log_calls <= 0x1004 / 4 + 1);
}

/** private_gen moves with what a PPI's delivery depends on, and only with that. */
static void test_private_gen(void)
{
    setup(2, 96);
    uint32_t g = vg.private_gen;
    wr(0, 0xf00, 4, 0x00010001u); /* SGIR: SGI 1 to vCPU 0 */
    wr(0, 0x104, 4, 0x1u);        /* ISENABLER1: SPI 32 */
    wr(0, 0x420, 4, 0xa0a0a0a0u); /* IPRIORITYR8: SPIs 32..35 */
    wr(0, 0x084, 4, 0x1u);        /* IGROUPR1: SPI 32 */
    CHECK_EQ(vg.private_gen, g);
    wr(1, 0x100, 4, 1u << 27); /* ISENABLER0: PPI 27 of vCPU 1 */
    CHECK(vg.private_gen != g);
    g = vg.private_gen;
    wr(0, 0x100, 4, 1u << 30); /* ISENABLER0: PPI 30 of vCPU 0 */
    CHECK(vg.private_gen != g);
    g = vg.private_gen;
    wr(0, 0x100, 4, 1u << 30); /* the same bit again: nothing changes */
    CHECK_EQ(vg.private_gen, g);
    wr(0, 0x180, 4, 1u << 30); /* ICENABLER0 */
    CHECK(vg.private_gen != g);
    g = vg.private_gen;
    wr(0, 0x418, 4, 0x80808080u); /* IPRIORITYR6: PPIs 24..27 */
    CHECK(vg.private_gen != g);
    g = vg.private_gen;
    wr(0, 0x080, 4, 1u << 27); /* IGROUPR0 */
    CHECK(vg.private_gen != g);
    g = vg.private_gen;
    wr(0, 0x000, 4, 3u); /* CTLR */
    CHECK(vg.private_gen != g);
}

/* The reference for test_next_pending_scan: what the distributor's own
 * registers say, INTID by INTID (the old way next_pending worked). */
static bool reg_bit(unsigned vcpu, uint64_t base, unsigned id)
{
    return (rd(vcpu, base + (uint64_t)(id / 32u) * 4u, 4) >> (id % 32u)) & 1u;
}

static bool ref_next(unsigned vcpu, unsigned irqs, unsigned *intid, unsigned *prio)
{
    uint64_t ctlr = rd(vcpu, 0x000, 4);
    unsigned best = 0, best_prio = 0x100;
    for (unsigned id = 0; id < irqs; id++) {
        unsigned group = reg_bit(vcpu, 0x080, id);
        unsigned p = (unsigned)rd(vcpu, 0x400 + id, 1);
        bool routed = id < 32 || vg.vcpu_count == 1 || ((rd(vcpu, 0x800 + id, 1) >> vcpu) & 1u);
        if (!reg_bit(vcpu, 0x100, id) || !((ctlr >> group) & 1u) || reg_bit(vcpu, 0x300, id) ||
            !routed || !reg_bit(vcpu, 0x200, id) || p >= best_prio)
            continue;
        best = id;
        best_prio = p;
    }
    *intid = best;
    *prio = best_prio;
    return best_prio < 0x100;
}

/** 5,000 random distributor writes, inputs, deliveries and EOIs: vgic_next_pending
 * (which walks only the enabled interrupts) always agrees with the registers. */
static void test_next_pending_scan(void)
{
    static const uint64_t regs[] = {0x100, 0x180, 0x200, 0x280, 0x400, 0x800, 0xc00, 0x080};
    struct lr_log l = {0};
    const struct vgic_injector inj = {record, &l};
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned checked = 0, found = 0;
    setup(3, 96);
    wr(0, 0x000, 4, 3);
    for (unsigned step = 0; step < 5000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned vcpu = (unsigned)(x >> 8) % 3u, id = (unsigned)(x >> 16) % 96u;
        switch ((x >> 40) % 6u) {
        case 0: { /* a per-interrupt register's word holding id's field */
            uint64_t base = regs[(x >> 24) % 8u];
            unsigned per_word = base == 0x400 || base == 0x800 ? 4u : base == 0xc00 ? 16u : 32u;
            wr(vcpu, base + (uint64_t)(id / per_word) * 4u, 4, (uint32_t)(x >> 32));
            break;
        }
        case 1:
            (void)vgic_set_irq_level(&vg, vcpu, id, (x >> 50) & 1u);
            break;
        case 2:
            (void)vgic_raise_irq(&vg, vcpu, id);
            break;
        case 3:
            wr(vcpu, 0xf00, 4, (uint32_t)((x >> 20) & 0x30f000fu)); /* SGIR */
            break;
        case 4:
            l.count = 0;
            (void)vgic_deliver(&vg, vcpu, &inj);
            break;
        default:
            (void)vgic_lrs_freed(&vg, vcpu, (x >> 28) & 0xfu, NULL);
            break;
        }
        for (unsigned c = 0; c < 3; c++) {
            struct vgic_lr e = {0};
            unsigned want = 0, want_prio = 0;
            bool got = vgic_next_pending(&vg, c, &e), ref = ref_next(c, 96, &want, &want_prio);
            CHECK_EQ(got, ref);
            if (got && ref) {
                CHECK_EQ(e.intid, want);
                CHECK_EQ(e.priority, want_prio);
            }
            checked++;
            found += got;
        }
    }
    CHECK_EQ(checked, 15000);
    CHECK(found > 500); /* the walk had work to do */
}

int main(void)
{
    test_init_errors();
    test_id_registers();
    test_enable_banked();
    test_priority_and_targets();
    test_config();
    test_width_rules();
    test_reserved_logged_once();
    test_sgir();
    test_sgi_delivery_source();
    test_overflow_priority_order();
    test_level_repending();
    test_edge_and_ppi();
    test_gating();
    test_busy_intid_skipped();
    test_exhaustive();
    test_next_pending_scan();
    test_private_gen();
    return test_done("test_vgic");
}
