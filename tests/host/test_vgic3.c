/*
 * libvmm vGIC in GICv3 mode (IHI 0069): the distributor with affinity
 * routing, the redistributors, ICC_SGI1R_EL1, and delivery through them.
 */
#include "test_vgic.h"

#define RD(k)  ((uint64_t)(k)*VGIC_REDIST_STRIDE) /* vCPU k's RD_base */
#define SGI(k) (RD(k) + 0x10000u)                 /* vCPU k's SGI_base */

#define CTLR_ARE_DS 0x50u /* GICD_CTLR.ARE [4] and DS [6]: read as one */

/* ---- helpers ---- */

static uint64_t rrd(unsigned vcpu, uint64_t off, unsigned width)
{
    uint64_t v = 0xdeadbeef;
    CHECK_EQ(vgic_redist_access(&vg, vcpu, off, width, false, &v), VGIC_OK);
    return v;
}

static void rwr(unsigned vcpu, uint64_t off, unsigned width, uint64_t val)
{
    CHECK_EQ(vgic_redist_access(&vg, vcpu, off, width, true, &val), VGIC_OK);
}

static void setup(unsigned vcpus, unsigned irqs)
{
    setup_version(VGIC_V3, vcpus, irqs);
}

/* ---- tests ---- */

static void test_init(void)
{
    uint64_t v = 3;
    CHECK_EQ(vgic_init_version(&vg, (enum vgic_version)4, 1, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, (enum vgic_version)0, 1, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, VGIC_V3, 0, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, VGIC_V3, 9, 64), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, VGIC_V3, 1, 48), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, VGIC_V3, 8, 256), VGIC_OK);
    CHECK_EQ(vg.version, VGIC_V3);
    /* a GICv2 has no redistributors and no ICC_SGI1R_EL1 */
    CHECK_EQ(vgic_init(&vg, 2, 64), VGIC_OK);
    CHECK_EQ(vg.version, VGIC_V2);
    CHECK_EQ(vgic_redist_access(&vg, 0, 0x8, 4, false, &v), VGIC_BAD_OFFSET);
    CHECK_EQ(v, 0);
    CHECK_EQ(vgic_sgi1r_write(&vg, 0, 1), VGIC_BAD_CONFIG);
    CHECK_EQ(vgic_init_version(&vg, VGIC_V2, 2, 64), VGIC_OK);
    CHECK_EQ(vg.version, VGIC_V2);
}

static void test_dist_id_registers(void)
{
    setup(4, 128);
    CHECK_EQ(rd(0, 0x000, 4), CTLR_ARE_DS); /* groups off, ARE and DS RAO */
    wr(0, 0x000, 4, 0x13);                  /* Linux: ARE_NS | EnableGrp1A | EnableGrp1 */
    CHECK_EQ(rd(1, 0x000, 4), CTLR_ARE_DS | 3);
    wr(0, 0x000, 4, 0xffffffff); /* RWP, E1NWF and the rest do not stick */
    CHECK_EQ(rd(0, 0x000, 4), CTLR_ARE_DS | 3);
    wr(0, 0x000, 4, 2);
    CHECK_EQ(rd(0, 0x000, 4), CTLR_ARE_DS | 2);
    wr(0, 0x000, 4, 0); /* ARE and DS: WI */
    CHECK_EQ(rd(0, 0x000, 4), CTLR_ARE_DS);
    /* TYPER: ITLinesNumber 3, IDbits 9, CPUNumber 0, no LPIs/MBIS/SecurityExtn */
    CHECK_EQ(rd(0, 0x004, 4), (128 / 32 - 1) | (9u << 19));
    wr(0, 0x004, 4, 0xffffffff);
    CHECK_EQ(rd(0, 0x004, 4), (128 / 32 - 1) | (9u << 19));
    CHECK_EQ(rd(2, 0x008, 4), 0x43b); /* IIDR: Arm */
    CHECK_EQ(rd(0, 0x00c, 4), 0);     /* TYPER2 */
    wr(0, 0x00c, 4, 0xffffffff);
    CHECK_EQ(rd(0, 0x00c, 4), 0);
    CHECK_EQ(rd(0, 0x010, 4), 0);     /* STATUSR */
    CHECK_EQ(rd(0, 0xffe8, 4), 0x3b); /* PIDR2.ArchRev = 3 */
    CHECK_EQ(rd(0, 0xfff0, 4), 0x0d); /* CIDR0 */
    CHECK_EQ(rd(0, 0xfffc, 4), 0xb1); /* CIDR3 */
    CHECK_EQ(rd(0, 0xffd0, 4), 0x04); /* PIDR4 */
    wr(0, 0xffe8, 4, 0);              /* RO */
    CHECK_EQ(rd(0, 0xffe8, 4), 0x3b);
    CHECK_EQ(log_calls, 0);
    /* where the GICv2 kept its ID registers there is nothing now */
    uint64_t v = 1;
    CHECK_EQ(vgic_dist_access(&vg, 0, 0xfe8, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(v, 0);
    CHECK_EQ(log_calls, 1);
    CHECK(strcmp(log_frame, "GICD") == 0);
    CHECK_EQ(log_off, 0xfe8);
}

/** With ARE = 1 the INTID 0..31 words and bytes of the distributor are RAZ/WI. */
static void test_dist_banked_words_raz(void)
{
    setup(2, 64);
    static const uint64_t words[] = {0x080, 0x100, 0x180, 0x200, 0x280, 0x300,
                                     0x380, 0x400, 0x41c, 0xc00, 0xc04};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        wr(0, words[i], 4, 0xffffffff);
        CHECK_EQ(rd(0, words[i], 4), 0);
        CHECK_EQ(rd(1, words[i], 4), 0);
    }
    wr(1, 0x41f, 1, 0xff);
    CHECK_EQ(rd(1, 0x41f, 1), 0);
    /* none of it reached the banked state the redistributors show */
    for (unsigned k = 0; k < 2; k++) {
        CHECK_EQ(rrd(0, SGI(k) + 0x080, 4), 0);
        CHECK_EQ(rrd(0, SGI(k) + 0x100, 4), 0);
        CHECK_EQ(rrd(0, SGI(k) + 0x200, 4), 0);
        CHECK_EQ(rrd(0, SGI(k) + 0x300, 4), 0);
        CHECK_EQ(rrd(0, SGI(k) + 0x41c, 4), 0);
        CHECK_EQ(rrd(0, SGI(k) + 0xc00, 4), 0xaaaaaaaa);
        CHECK_EQ(rrd(0, SGI(k) + 0xc04, 4), 0);
    }
    /* the SPI words work */
    wr(0, 0x084, 4, 0x5);
    CHECK_EQ(rd(1, 0x084, 4), 0x5);
    wr(0, 0x104, 4, 0x3);
    wr(0, 0x184, 4, 0x1);
    CHECK_EQ(rd(0, 0x104, 4), 0x2);
    wr(0, 0x204, 4, 0x4);
    CHECK_EQ(rd(0, 0x204, 4), 0x4);
    wr(0, 0x284, 4, 0x4);
    CHECK_EQ(rd(0, 0x204, 4), 0);
    wr(0, 0x304, 4, 0x8);
    CHECK_EQ(rd(0, 0x304, 4), 0x8);
    wr(0, 0x384, 4, 0x8);
    CHECK_EQ(rd(0, 0x304, 4), 0);
    wr(0, 0x420, 4, 0x11223344);
    CHECK_EQ(rd(0, 0x420, 4), 0x10203040);
    wr(0, 0x421, 1, 0xa7);
    CHECK_EQ(rd(0, 0x421, 1), 0xa0);
    wr(0, 0xc08, 4, 0x0000000a);
    CHECK_EQ(rd(0, 0xc08, 4), 0x0000000a);
    CHECK_EQ(log_calls, 0); /* architectural RAZ/WI: nothing to report */
}

/** ITARGETSR, [CS]PENDSGIR, IGRPMODR, NSACR: RAZ/WI; SGIR: RAZ/WI and logged. */
static void test_dist_legacy_raz(void)
{
    uint64_t v = 1;
    setup(2, 64);
    wr(0, 0x820, 4, 0x02020202); /* ITARGETSR of SPIs 32..35 */
    CHECK_EQ(rd(0, 0x820, 4), 0);
    CHECK_EQ(rd(1, 0x800, 4), 0);
    wr(0, 0x821, 1, 0x02);
    CHECK_EQ(rd(0, 0x821, 1), 0);
    CHECK_EQ(vg.spi[1].targets, 1); /* still routed by IROUTER: vCPU 0 */
    wr(0, 0xf20, 4, 0xffffffff);    /* SPENDSGIR */
    CHECK_EQ(rd(0, 0xf20, 4), 0);
    CHECK_EQ(rrd(0, SGI(0) + 0x200, 4), 0);
    wr(0, 0xd00, 4, 0xffffffff); /* IGRPMODR */
    CHECK_EQ(rd(0, 0xd04, 4), 0);
    wr(0, 0xe08, 4, 0xffffffff); /* NSACR */
    CHECK_EQ(rd(0, 0xe08, 4), 0);
    CHECK_EQ(log_calls, 0);
    v = (0u << 24) | (0x3u << 16) | 2; /* GICD_SGIR: SGI 2 to CPUs 0, 1 */
    CHECK_EQ(vgic_dist_access(&vg, 1, 0xf00, 4, true, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_dist_access(&vg, 1, 0xf00, 4, true, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_dist_access(&vg, 1, 0xf00, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(v, 0);
    CHECK_EQ(log_calls, 1);
    CHECK(strcmp(log_frame, "GICD") == 0);
    CHECK_EQ(log_vcpu, 1);
    CHECK_EQ(log_off, 0xf00);
    CHECK_EQ(rrd(0, SGI(0) + 0x200, 4), 0); /* no SGI came of it */
    CHECK_EQ(rrd(0, SGI(1) + 0x200, 4), 0);
}

static void test_dist_widths(void)
{
    uint64_t v = 1;
    setup(1, 64);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x000, 8, false, &v), VGIC_BAD_WIDTH); /* 32-bit reg */
    CHECK_EQ(v, 0);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x104, 2, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x104, 1, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6100, 1, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6100, 2, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6104, 8, false, &v), VGIC_BAD_WIDTH); /* misaligned */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6102, 4, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6100, 8, false, &v), VGIC_OK);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6104, 4, false, &v), VGIC_OK);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x10000, 4, false, &v), VGIC_BAD_OFFSET);
    CHECK_EQ(vgic_dist_access(&vg, 1, 0x000, 4, false, &v), VGIC_BAD_VCPU);
    /* IROUTER of an SGI/PPI: RAZ/WI; past the configured SPIs: logged */
    log_calls = 0;
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x60f8, 8, false, &v), VGIC_OK);
    CHECK_EQ(v, 0);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6000 + 8 * 64, 8, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 1);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x0108, 4, false, &v), VGIC_RAZ_WI); /* ISENABLER2 */
    CHECK_EQ(log_calls, 2);
}

static void test_irouter_registers(void)
{
    setup(2, 96);
    for (unsigned n = 32; n < 96; n++)
        CHECK_EQ(rd(0, 0x6000 + 8u * n, 8), 0);       /* reset: 0.0.0.0 */
    wr(0, 0x6000 + 8 * 40, 8, 0xffffffffffffffffull); /* RES0 bits dropped */
    CHECK_EQ(rd(0, 0x6000 + 8 * 40, 8), 0x000000ff80ffffffull);
    CHECK_EQ(rd(1, 0x6000 + 8 * 40, 4), 0x80ffffffu);
    CHECK_EQ(rd(1, 0x6000 + 8 * 40 + 4, 4), 0xffu);
    wr(0, 0x6000 + 8 * 41, 4, 0x00000001); /* low word */
    wr(0, 0x6000 + 8 * 41 + 4, 4, 0x12);   /* high word: Aff3 */
    CHECK_EQ(rd(0, 0x6000 + 8 * 41, 8), 0x1200000001ull);
    wr(0, 0x6000 + 8 * 41 + 4, 4, 0); /* the low word stays */
    CHECK_EQ(rd(0, 0x6000 + 8 * 41, 8), 0x1ull);
    CHECK_EQ(rd(0, 0x6000 + 8 * 42, 8), 0); /* neighbours untouched */
    CHECK_EQ(rd(0, 0x6000 + 8 * 39, 8), 0);
    CHECK_EQ(rd(0, 0x6000 + 8 * 95, 8), 0);
    wr(0, 0x6000 + 8 * 95, 8, 1);
    CHECK_EQ(rd(0, 0x6000 + 8 * 95, 8), 1);
}

/** Enables SPI `id` in group 1, raises it and enables group 1. */
static void spi_ready(unsigned id)
{
    wr(0, 0x080 + id / 32 * 4, 4, rd(0, 0x080 + id / 32 * 4, 4) | 1u << (id % 32));
    wr(0, 0x100 + id / 32 * 4, 4, 1u << (id % 32));
    wr(0, 0x000, 4, 0x13);
    CHECK_EQ(vgic_raise_irq(&vg, 0, id), VGIC_OK);
}

static void test_irouter_delivery(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(4, 64);
    spi_ready(40); /* reset routing: vCPU 0 */
    CHECK_EQ(vgic_pending_vcpus(&vg), 1);
    wr(0, 0x6000 + 8 * 40, 8, 2); /* Aff0 2 */
    CHECK_EQ(vgic_pending_vcpus(&vg), 1u << 2);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);
    CHECK_EQ(vgic_deliver(&vg, 2, &inj), 1);
    CHECK_EQ(l.e[0].intid, 40);
    CHECK(l.e[0].group1);
    CHECK_EQ(l.vcpu[0], 2);
    /* affinities no vCPU has: stays pending, goes nowhere */
    spi_ready(41);
    static const uint64_t nowhere[] = {4, 0xff, 0x100, 0x10000, 0x100000000ull, 0x101};
    for (size_t i = 0; i < sizeof(nowhere) / sizeof(nowhere[0]); i++) {
        wr(0, 0x6000 + 8 * 41, 8, nowhere[i]);
        CHECK_EQ(vgic_pending_vcpus(&vg), 0);
        for (unsigned k = 0; k < 4; k++)
            CHECK_EQ(vgic_deliver(&vg, k, &inj), 0);
        CHECK_EQ(rd(0, 0x204, 4), 1u << 9); /* pending all along */
    }
    wr(0, 0x6000 + 8 * 41 + 4, 4, 0); /* Aff3 back to 0 leaves 0.0.1.1 */
    CHECK_EQ(vgic_pending_vcpus(&vg), 0);
    wr(0, 0x6000 + 8 * 41, 4, 3); /* rerouted to vCPU 3: delivered there */
    CHECK_EQ(vgic_pending_vcpus(&vg), 1u << 3);
    CHECK_EQ(vgic_deliver(&vg, 3, &inj), 1);
    CHECK_EQ(l.e[1].intid, 41);
    CHECK_EQ(l.vcpu[1], 3);
    /* IRM = 1 (1 of N): vCPU 0 whatever the affinity */
    spi_ready(42);
    wr(0, 0x6000 + 8 * 42, 8, (1ull << 31) | 3);
    CHECK_EQ(vgic_pending_vcpus(&vg), 1);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK_EQ(l.e[2].intid, 42);
    /* one vCPU: routing still matters (a GICv2 with one CPU ignores targets) */
    setup(1, 64);
    spi_ready(33);
    CHECK_EQ(vgic_pending_vcpus(&vg), 1);
    wr(0, 0x6000 + 8 * 33, 8, 1);
    CHECK_EQ(vgic_pending_vcpus(&vg), 0);
    wr(0, 0x6000 + 8 * 33, 8, 0);
    CHECK_EQ(vgic_pending_vcpus(&vg), 1);
    /* eight vCPUs: the last one is reachable */
    setup(8, 64);
    spi_ready(63);
    wr(0, 0x6000 + 8 * 63, 8, 7);
    CHECK_EQ(vgic_pending_vcpus(&vg), 1u << 7);
}

static void test_redist_rd_base(void)
{
    uint64_t v = 1;
    setup(4, 64);
    for (unsigned k = 0; k < 4; k++) {
        uint64_t last = k == 3 ? 0x10 : 0;
        uint64_t typer = ((uint64_t)k << 32) | (k << 8) | last;
        CHECK_EQ(rrd(0, RD(k) + 0x8, 8), typer);
        CHECK_EQ(rrd(3 - k, RD(k) + 0x8, 4), (uint32_t)typer);
        CHECK_EQ(rrd(k, RD(k) + 0xc, 4), k);
        rwr(0, RD(k) + 0x8, 8, 0); /* RO */
        CHECK_EQ(rrd(0, RD(k) + 0x8, 8), typer);
        CHECK_EQ(rrd(0, RD(k) + 0x0, 4), 0); /* CTLR: no LPIs, RWP 0 */
        rwr(0, RD(k) + 0x0, 4, 0xffffffff);
        CHECK_EQ(rrd(0, RD(k) + 0x0, 4), 0);
        CHECK_EQ(rrd(0, RD(k) + 0x4, 4), 0x43b); /* IIDR */
        CHECK_EQ(rrd(0, RD(k) + 0x10, 4), 0);    /* STATUSR */
        CHECK_EQ(rrd(0, RD(k) + 0xffe8, 4), 0x3b);
        CHECK_EQ(rrd(0, RD(k) + 0xfff0, 4), 0x0d);
    }
    CHECK_EQ(log_calls, 0);
    /* two vCPUs: the Last bit moves */
    setup(2, 64);
    CHECK_EQ(rrd(0, RD(0) + 0x8, 4) & 0x10, 0);
    CHECK_EQ(rrd(0, RD(1) + 0x8, 4) & 0x10, 0x10);
    /* outside the region, by a vCPU that does not exist, bad widths */
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(2), 4, false, &v), VGIC_BAD_OFFSET);
    CHECK_EQ(v, 0);
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(2) - 4, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_redist_access(&vg, 2, RD(0) + 8, 4, false, &v), VGIC_BAD_VCPU);
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(1) + 0x14, 8, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(1) + 0x8, 2, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(1) + 0xc, 8, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_redist_access(&vg, 0, RD(1) + 0x0, 1, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_redist_access(&vg, 0, SGI(1) + 0x100, 1, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(vgic_redist_access(&vg, 0, SGI(1) + 0x401, 1, false, &v), VGIC_OK);
}

/** Linux clears ProcessorSleep, then waits for ChildrenAsleep to read 0. */
static void test_redist_waker(void)
{
    setup(2, 64);
    CHECK_EQ(rrd(0, RD(0) + 0x14, 4), 0x6); /* reset: asleep */
    CHECK_EQ(rrd(0, RD(1) + 0x14, 4), 0x6);
    rwr(0, RD(0) + 0x14, 4, rrd(0, RD(0) + 0x14, 4) & ~2u);
    CHECK_EQ(rrd(0, RD(0) + 0x14, 4), 0);
    CHECK_EQ(rrd(0, RD(1) + 0x14, 4), 0x6); /* per redistributor */
    rwr(1, RD(1) + 0x14, 4, 0x4);           /* ChildrenAsleep is RO */
    CHECK_EQ(rrd(0, RD(1) + 0x14, 4), 0);
    rwr(0, RD(0) + 0x14, 4, 0x2); /* back to sleep */
    CHECK_EQ(rrd(1, RD(0) + 0x14, 4), 0x6);
    rwr(0, RD(0) + 0x14, 4, 0xfffffffd); /* other bits do not stick */
    CHECK_EQ(rrd(1, RD(0) + 0x14, 4), 0);
}

/** SGI_base registers act on the frame owner's banked state, whoever accesses it. */
static void test_redist_sgi_base(void)
{
    uint64_t v = 1;
    uint8_t prio = 0;
    setup(2, 64);
    rwr(0, SGI(1) + 0x080, 4, 0xffffffff); /* IGROUPR0 */
    CHECK_EQ(rrd(1, SGI(1) + 0x080, 4), 0xffffffff);
    CHECK_EQ(rrd(1, SGI(0) + 0x080, 4), 0);
    rwr(0, SGI(1) + 0x100, 4, (1u << 27) | (1u << 3)); /* ISENABLER0 */
    CHECK_EQ(rrd(0, SGI(1) + 0x100, 4), (1u << 27) | (1u << 3));
    CHECK_EQ(rrd(0, SGI(1) + 0x180, 4), (1u << 27) | (1u << 3));
    CHECK_EQ(rrd(0, SGI(0) + 0x100, 4), 0);
    wr(0, 0x000, 4, 0x13);
    CHECK(vgic_irq_enabled(&vg, 1, 27, &prio)); /* what the VMM gives the kernel */
    CHECK(!vgic_irq_enabled(&vg, 0, 27, &prio));
    rwr(1, SGI(1) + 0x180, 4, 1u << 3); /* ICENABLER0 */
    CHECK_EQ(rrd(0, SGI(1) + 0x100, 4), 1u << 27);
    /* ISPENDR0/ICPENDR0 set and clear SGIs (no source) and PPIs */
    rwr(0, SGI(1) + 0x200, 4, (1u << 20) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(1) + 0x200, 4), (1u << 20) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(1) + 0x280, 4), (1u << 20) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(0) + 0x200, 4), 0);
    CHECK_EQ(vg.vcpu[1].sgi_src[5], 1);
    rwr(0, SGI(1) + 0x280, 4, (1u << 20) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(1) + 0x200, 4), 0);
    /* ISACTIVER0/ICACTIVER0 */
    rwr(0, SGI(1) + 0x300, 4, 0x80000001);
    CHECK_EQ(rrd(0, SGI(1) + 0x380, 4), 0x80000001);
    rwr(0, SGI(1) + 0x380, 4, 0x1);
    CHECK_EQ(rrd(0, SGI(1) + 0x300, 4), 0x80000000);
    CHECK_EQ(rrd(0, SGI(0) + 0x300, 4), 0);
    /* IPRIORITYR0..7: words and bytes, 5 bits kept */
    rwr(0, SGI(1) + 0x41c, 4, 0xa0a0a0a0);
    CHECK_EQ(rrd(0, SGI(1) + 0x41c, 4), 0xa0a0a0a0);
    rwr(0, SGI(1) + 0x41b, 1, 0x17); /* PPI 27 */
    CHECK_EQ(rrd(0, SGI(1) + 0x41b, 1), 0x10);
    CHECK(vgic_irq_enabled(&vg, 1, 27, &prio));
    CHECK_EQ(prio, 0x10);
    rwr(0, SGI(1) + 0x400, 4, 0x40302010);
    CHECK_EQ(rrd(1, SGI(1) + 0x400, 4), 0x40302010);
    CHECK_EQ(rrd(1, SGI(0) + 0x400, 4), 0);
    /* ICFGR0: SGIs edge, RO; ICFGR1: PPIs programmable */
    rwr(0, SGI(1) + 0xc00, 4, 0);
    CHECK_EQ(rrd(0, SGI(1) + 0xc00, 4), 0xaaaaaaaa);
    CHECK_EQ(rrd(0, SGI(1) + 0xc04, 4), 0);
    rwr(0, SGI(1) + 0xc04, 4, 0x00800000); /* PPI 27 edge */
    CHECK_EQ(rrd(0, SGI(1) + 0xc04, 4), 0x00800000);
    CHECK_EQ(rrd(0, SGI(0) + 0xc04, 4), 0);
    /* IGRPMODR0, NSACR: RAZ/WI with DS = 1 */
    rwr(0, SGI(1) + 0xd00, 4, 0xffffffff);
    CHECK_EQ(rrd(0, SGI(1) + 0xd00, 4), 0);
    rwr(0, SGI(1) + 0xe00, 4, 0xffffffff);
    CHECK_EQ(rrd(0, SGI(1) + 0xe00, 4), 0);
    CHECK_EQ(log_calls, 0);
    /* past INTID 31 a redistributor has nothing: reserved, logged once */
    static const uint64_t past[] = {0x084, 0x104, 0x204, 0x420, 0xc08, 0x800, 0xf00, 0x0};
    for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
        v = 0xffffffff;
        CHECK_EQ(vgic_redist_access(&vg, 0, SGI(1) + past[i], 4, true, &v), VGIC_RAZ_WI);
        CHECK_EQ(vgic_redist_access(&vg, 0, SGI(1) + past[i], 4, false, &v), VGIC_RAZ_WI);
        CHECK_EQ(v, 0);
    }
    CHECK_EQ(log_calls, sizeof(past) / sizeof(past[0]));
    CHECK_EQ(rd(0, 0x104, 4), 0); /* the SPIs did not change */
    CHECK_EQ(rd(0, 0x204, 4), 0);
}

/** Reserved offsets are logged with the frame they were in, once per offset. */
static void test_redist_log_frames(void)
{
    uint64_t v = 1;
    setup(4, 64);
    CHECK_EQ(vgic_redist_access(&vg, 1, RD(2) + 0x70, 8, false, &v), VGIC_RAZ_WI); /* PROPBASER */
    CHECK_EQ(log_calls, 1);
    CHECK(strcmp(log_frame, "GICR2") == 0);
    CHECK_EQ(log_vcpu, 1);
    CHECK_EQ(log_off, 0x70);
    CHECK_EQ(vgic_redist_access(&vg, 3, SGI(3) + 0x84, 4, true, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 2);
    CHECK(strcmp(log_frame, "GICR3") == 0);
    CHECK_EQ(log_off, 0x10084);
    CHECK_EQ(vgic_redist_access(&vg, 3, SGI(3) + 0x84, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_redist_access(&vg, 0, SGI(0) + 0x84, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 2); /* the same offset in every redistributor: once */
    /* the distributor's 0x70 is another offset */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x70, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(log_calls, 3);
    CHECK(strcmp(log_frame, "GICD") == 0);
}

/** Group 1 and the redistributor's enables deliver PPIs and SGIs to their vCPU. */
static void test_private_delivery(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    setup(2, 64);
    rwr(0, SGI(1) + 0x080, 4, 0xffffffff);
    rwr(0, SGI(1) + 0x100, 4, (1u << 27) | (1u << 5));
    CHECK_EQ(vgic_set_irq_level(&vg, 1, 27, true), VGIC_OK);
    rwr(0, SGI(1) + 0x200, 4, 1u << 5);
    CHECK_EQ(vgic_pending_vcpus(&vg), 0); /* distributor groups off */
    wr(0, 0x000, 4, 0x13);
    CHECK_EQ(vgic_pending_vcpus(&vg), 2);
    rwr(0, SGI(1) + 0x41b, 1, 0x80); /* PPI 27 below SGI 5 */
    CHECK_EQ(vgic_deliver(&vg, 1, &inj), 2);
    CHECK_EQ(l.e[0].intid, 5);
    CHECK_EQ(l.e[0].source, 0);
    CHECK(l.e[0].group1 && !l.e[0].level);
    CHECK_EQ(l.e[1].intid, 27);
    CHECK(l.e[1].group1 && l.e[1].level);
    CHECK_EQ(l.vcpu[1], 1);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);
    /* in the LRs: active as the redistributor shows it, the level one also pending */
    CHECK_EQ(rrd(0, SGI(1) + 0x300, 4), (1u << 27) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(1) + 0x200, 4), 1u << 27);
    CHECK_EQ(vgic_lrs_freed(&vg, 1, (1ull << l.lr[0]) | (1ull << l.lr[1]), &inj), 1);
    CHECK_EQ(l.e[2].intid, 27); /* line still high */
    /* disabled through ICENABLER0: no more */
    rwr(0, SGI(1) + 0x180, 4, 1u << 27);
    CHECK_EQ(vgic_lrs_freed(&vg, 1, 1ull << l.lr[2], &inj), 0);
}

/** Sends SGIs from `vcpu`; every vCPU has its SGIs enabled in group 1. */
static void sgi_setup(unsigned vcpus)
{
    setup(vcpus, 64);
    wr(0, 0x000, 4, 0x13);
    for (unsigned k = 0; k < vcpus; k++) {
        rwr(k, SGI(k) + 0x080, 4, 0xffffffff);
        rwr(k, SGI(k) + 0x100, 4, 0xffff);
    }
}

/** Bit k: SGI `id` pending on vCPU k, as its redistributor reads. */
static uint32_t sgi_pending_on(unsigned vcpus, unsigned id)
{
    uint32_t mask = 0;
    for (unsigned k = 0; k < vcpus; k++)
        if (rrd(0, SGI(k) + 0x200, 4) & (1u << id))
            mask |= 1u << k;
    return mask;
}

static uint64_t sgi1r(unsigned id, uint64_t targets)
{
    return ((uint64_t)id << 24) | targets;
}

static void test_sgi1r(void)
{
    sgi_setup(4);
    CHECK_EQ(vgic_sgi1r_write(&vg, 1, sgi1r(3, 0xd)), VGIC_OK); /* list: 0, 2, 3 */
    CHECK_EQ(sgi_pending_on(4, 3), 0xd);
    CHECK_EQ(vgic_sgi1r_write(&vg, 2, sgi1r(5, 0) | (1ull << 40)), VGIC_OK); /* IRM */
    CHECK_EQ(sgi_pending_on(4, 5), 0xb);
    CHECK_EQ(vgic_sgi1r_write(&vg, 0, sgi1r(6, 0x1) | (1ull << 40) | (1ull << 16)), VGIC_OK);
    CHECK_EQ(sgi_pending_on(4, 6), 0xe); /* IRM ignores the affinity fields */
    CHECK_EQ(vgic_sgi1r_write(&vg, 3, sgi1r(7, 0x8)), VGIC_OK); /* to self */
    CHECK_EQ(sgi_pending_on(4, 7), 0x8);
    /* affinities no vCPU has: Aff1, Aff2, Aff3 or RS not 0, Aff0 past the vCPUs */
    static const uint64_t none[] = {1ull << 16, 1ull << 32, 1ull << 48, 1ull << 44, 0};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        uint64_t list = none[i] ? 0xf : 0xfff0;
        CHECK_EQ(vgic_sgi1r_write(&vg, 0, sgi1r(9, list) | none[i]), VGIC_OK);
        CHECK_EQ(sgi_pending_on(4, 9), 0);
    }
    /* other bits of the pending words stayed as they were */
    CHECK_EQ(rrd(0, SGI(0) + 0x200, 4), (1u << 3) | (1u << 5));
    CHECK_EQ(rrd(0, SGI(1) + 0x200, 4), (1u << 5) | (1u << 6));
    CHECK_EQ(vgic_sgi1r_write(&vg, 4, sgi1r(1, 1)), VGIC_BAD_VCPU);
    CHECK_EQ(sgi_pending_on(4, 1), 0);
    /* every INTID field value is an SGI */
    CHECK_EQ(vgic_sgi1r_write(&vg, 0, sgi1r(15, 0x2) | (0xfull << 28)), VGIC_OK);
    CHECK_EQ(sgi_pending_on(4, 15), 0x2);
}

/** One SGI from several vCPUs is one pending interrupt, source 0 (GICv3 LRs have none). */
static void test_sgi1r_delivery(void)
{
    struct lr_log l = {0};
    struct vgic_injector inj = {record, &l};
    sgi_setup(3);
    CHECK_EQ(vgic_sgi1r_write(&vg, 0, sgi1r(4, 0x2)), VGIC_OK);
    CHECK_EQ(vgic_sgi1r_write(&vg, 2, sgi1r(4, 0x2)), VGIC_OK);
    CHECK_EQ(vgic_sgi1r_write(&vg, 1, sgi1r(4, 0) | (1ull << 40)), VGIC_OK);
    CHECK_EQ(vgic_pending_vcpus(&vg), 0x7);
    CHECK_EQ(vgic_deliver(&vg, 1, &inj), 1);
    CHECK_EQ(l.e[0].intid, 4);
    CHECK_EQ(l.e[0].source, 0);
    CHECK(l.e[0].group1 && !l.e[0].level);
    CHECK_EQ(vgic_lrs_freed(&vg, 1, 1ull << l.lr[0], &inj), 0); /* nothing left */
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK_EQ(vgic_deliver(&vg, 2, &inj), 1);
    CHECK_EQ(l.vcpu[1], 0);
    CHECK_EQ(l.vcpu[2], 2);
    CHECK_EQ(l.count, 3);
    for (unsigned i = 0; i < l.count; i++)
        CHECK_EQ(l.e[i].source, 0);
    /* a disabled SGI stays pending until enabled */
    rwr(0, SGI(0) + 0x180, 4, 1u << 8);
    CHECK_EQ(vgic_sgi1r_write(&vg, 1, sgi1r(8, 0x1)), VGIC_OK);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 0);
    rwr(0, SGI(0) + 0x100, 4, 1u << 8);
    CHECK_EQ(vgic_deliver(&vg, 0, &inj), 1);
    CHECK_EQ(l.e[3].intid, 8);
}

/** The GICv2 view is untouched by GICv3 mode existing. */
static void test_v2_unchanged(void)
{
    uint64_t v = 1;
    CHECK_EQ(vgic_init(&vg, 1, 64), VGIC_OK);
    vgic_set_log(&vg, count_log, NULL);
    log_calls = 0;
    CHECK_EQ(rd(0, 0xfe8, 4), 0x2b);                 /* PIDR2 ArchRev 2 */
    CHECK_EQ(rd(0, 0x000, 4), 0);                    /* no ARE/DS */
    CHECK_EQ(rd(0, 0xc00, 4), 0xaaaaaaaa);           /* banked words at the GICD */
    CHECK_EQ(rd(0, 0x800, 4), 0x01010101);           /* ITARGETSR */
    CHECK_EQ(rd(0, 0x004, 4), (64 / 32 - 1) | 0x0u); /* TYPER: CPUNumber 0, no IDbits */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6100, 4, false, &v), VGIC_RAZ_WI); /* no IROUTER */
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x6100, 8, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0xffe8, 4, false, &v), VGIC_RAZ_WI);
    CHECK_EQ(vgic_dist_access(&vg, 0, 0x100, 8, false, &v), VGIC_BAD_WIDTH);
    CHECK_EQ(log_calls, 3);
    /* ISPENDR0 cannot set SGIs in a GICv2 (SPENDSGIR does) */
    wr(0, 0x200, 4, 0xffff);
    CHECK_EQ(rd(0, 0x200, 4), 0);
    /* one CPU: ITARGETSR ignored for delivery */
    wr(0, 0x000, 4, 1);
    wr(0, 0x104, 4, 1u << 1);
    CHECK_EQ(vgic_raise_irq(&vg, 0, 33), VGIC_OK);
    CHECK_EQ(vg.spi[1].targets, 0);
    CHECK_EQ(vgic_pending_vcpus(&vg), 1);
}

/** Every offset, width and direction in both regions: defined result, no crash. */
static void test_exhaustive(void)
{
    static const unsigned widths[] = {0, 1, 2, 3, 4, 8, 16};
    unsigned ok = 0;
    setup(2, 96);
    for (uint64_t off = 0; off < VGIC_DIST_FRAME + 8; off++) {
        for (unsigned w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (int dir = 0; dir < 2; dir++) {
                uint64_t v = dir ? 0xffffffffffffffffull : 0x1234;
                enum vgic_result r = vgic_dist_access(&vg, off & 1, off, widths[w], dir, &v);
                if (!dir && r != VGIC_OK)
                    CHECK_EQ(v, 0);
                ok += r == VGIC_OK;
            }
        }
    }
    /* both directions of: 620 words (CTLR..STATUSR 5, the SPI words of the
     * seven bit registers 21, IPRIORITYR 24, ICFGR 6, ITARGETSR 256,
     * IGRPMODR 32, NSACR 64, [CS]PENDSGIR 8, IROUTER 192, IDs 12), 1152
     * bytes (IPRIORITYR 96, ITARGETSR 1024, [CS]PENDSGIR 32), 96 IROUTERs */
    CHECK_EQ(ok, 2 * (620 + 1152 + 96));
    ok = 0;
    for (uint64_t off = 0; off < 2 * VGIC_REDIST_STRIDE + 8; off++) {
        for (unsigned w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (int dir = 0; dir < 2; dir++) {
                uint64_t v = dir ? 0xffffffffffffffffull : 0x1234;
                enum vgic_result r = vgic_redist_access(&vg, off & 1, off, widths[w], dir, &v);
                if (!dir && r != VGIC_OK)
                    CHECK_EQ(v, 0);
                ok += r == VGIC_OK;
            }
        }
    }
    /* two vCPUs, both directions of: RD_base 18 words (CTLR, IIDR, TYPER 2,
     * STATUSR, WAKER, IDs 12) and TYPER as a doubleword; SGI_base 19 words
     * (7 bit registers, IPRIORITYR 8, ICFGR 2, IGRPMODR0, NSACR), 32 bytes */
    CHECK_EQ(ok, 2 * 2 * (18 + 1 + 19 + 32));
    CHECK(log_calls > 0 && log_calls <= (VGIC_DIST_FRAME + VGIC_REDIST_STRIDE) / 4);
}

int main(void)
{
    test_init();
    test_dist_id_registers();
    test_dist_banked_words_raz();
    test_dist_legacy_raz();
    test_dist_widths();
    test_irouter_registers();
    test_irouter_delivery();
    test_redist_rd_base();
    test_redist_waker();
    test_redist_sgi_base();
    test_redist_log_frames();
    test_private_delivery();
    test_sgi1r();
    test_sgi1r_delivery();
    test_v2_unchanged();
    test_exhaustive();
    return test_done("test_vgic3");
}
