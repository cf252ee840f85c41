/*
 * Fuzz target for the vGIC (GICv2 or GICv3) and its list-register
 * bookkeeping. The input is a sequence of 8-byte records:
 *   byte 0: operation (low 3 bits; bit 4 picks the GICv3 variant of
 *   operations 0, 1 and 7: redistributor access, ICC_SGI1R_EL1 write),
 *   byte 1: vCPU, bytes 2-3: offset / INTID, byte 4: width / flags,
 *   bytes 5-7: value bits (byte 7 also the redistributor offset's bits 16..18).
 * The first record configures the VM (version, vCPUs, INTIDs, LRs). After
 * every step the invariants below are checked; a violation aborts (a
 * libFuzzer crash).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "vgic_internal.h" /* vgic_irq_is_pending: the pending summaries' reference */
#include "vmm/vgic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** The kernel's view of the LRs: which are full, with what. */
struct model {
    uint64_t full[VGIC_MAX_VCPUS];
    uint16_t intid[VGIC_MAX_VCPUS][VGIC_MAX_LRS];
    unsigned lrs[VGIC_MAX_VCPUS];
    int busy_after; /* refuse with BUSY after this many injections (-1: never) */
};

static struct vgic vg;
static struct model m;

/** Kernel side of CV_OP_VCPU_INJECT_IRQ: the LR must be ours to fill and empty. */
static int inject(void *ctx, unsigned vcpu, unsigned lr, const struct vgic_lr *e)
{
    (void)ctx;
    REQUIRE(vcpu < vg.vcpu_count && lr < m.lrs[vcpu]);
    REQUIRE(!(m.full[vcpu] & (1ull << lr)));
    REQUIRE(e->intid < vg.irq_count);
    REQUIRE(e->source < vg.vcpu_count);
    REQUIRE(e->intid < 16 || e->source == 0);
    REQUIRE(vg.version == VGIC_V2 || e->source == 0); /* GICv3 SGIs carry no source */
    for (unsigned i = 0; i < m.lrs[vcpu]; i++)
        REQUIRE(!(m.full[vcpu] & (1ull << i)) || m.intid[vcpu][i] != e->intid);
    if (m.busy_after == 0)
        return VGIC_INJECT_BUSY;
    if (m.busy_after > 0)
        m.busy_after--;
    m.full[vcpu] |= 1ull << lr;
    m.intid[vcpu][lr] = e->intid;
    return 0;
}

static const struct vgic_injector injector = {inject, NULL};

/** The library's LR bookkeeping matches the model. */
static void check_invariants(void)
{
    for (unsigned c = 0; c < vg.vcpu_count; c++) {
        REQUIRE(vg.vcpu[c].lr_used == m.full[c]);
        for (unsigned i = 0; i < m.lrs[c]; i++)
            REQUIRE(!(m.full[c] & (1ull << i)) || vg.vcpu[c].lr_intid[i] == m.intid[c][i]);
        for (unsigned s = 0; s < VGIC_NR_SGIS; s++) {
            REQUIRE((vg.vcpu[c].sgi_src[s] >> vg.vcpu_count) == 0);
            REQUIRE(vg.version == VGIC_V2 || vg.vcpu[c].sgi_src[s] <= 1);
        }
        /* the pending summaries say what vgic_irq_is_pending says */
        for (unsigned id = 0; id < VGIC_NR_PRIVATE; id++)
            REQUIRE(((vg.vcpu[c].pending >> id) & 1u) == vgic_irq_is_pending(&vg, c, id));
    }
    bool candidate = false; /* and spi_candidate whether any SPI is enabled and pending */
    for (unsigned w = 0; w < VGIC_MAX_IRQS / 64; w++)
        candidate |= (vg.spi_enabled[w] & vg.spi_pending[w]) != 0;
    REQUIRE(vg.spi_candidate == candidate);
    for (unsigned i = 0; i < vg.irq_count - VGIC_NR_PRIVATE; i++) {
        REQUIRE((vg.spi[i].targets >> vg.vcpu_count) == 0 && (vg.spi[i].priority & 7) == 0);
        /* GICv3: IROUTER without RES0 bits, and at most one target */
        REQUIRE((vg.irouter[i] & ~0xff80ffffffull) == 0);
        REQUIRE(vg.version == VGIC_V2 || (vg.spi[i].targets & (vg.spi[i].targets - 1u)) == 0);
        unsigned id = VGIC_NR_PRIVATE + i;
        REQUIRE(((vg.spi_pending[id / 64] >> (id % 64)) & 1u) == vgic_irq_is_pending(&vg, 0, id));
    }
}

/** Operations 0 and 1: a read or write of the distributor or (GICv3) a redistributor. */
static void step_access(const uint8_t *r, unsigned vcpu, unsigned arg, uint64_t value)
{
    static const unsigned widths[8] = {1, 4, 4, 4, 2, 8, 0, 3};
    unsigned width = widths[r[4] & 7u];
    bool write = r[0] & 1u;
    uint64_t v = value;
    enum vgic_result res;

    if (vg.version == VGIC_V3 && (r[0] & 0x10u))
        res = vgic_redist_access(&vg, vcpu, (uint64_t)(r[7] & 7u) << 16 | arg, width, write, &v);
    else
        res = vgic_dist_access(&vg, vcpu, arg & (vg.version == VGIC_V3 ? 0xffffu : 0x1fffu), width,
                               write, &v);
    REQUIRE(write || res == VGIC_OK || v == 0);
}

/** One record. */
static void step(const uint8_t *r)
{
    unsigned vcpu = r[1] % (VGIC_MAX_VCPUS + 1);
    unsigned arg = r[2] | (unsigned)r[3] << 8;
    uint64_t value = r[5] | (uint64_t)r[6] << 8 | (uint64_t)r[7] << 16;
    value |= value << 24 | (uint64_t)r[4] << 48;

    switch (r[0] & 7u) {
    case 0:
    case 1:
        step_access(r, vcpu, arg, value);
        break;
    case 2:
        vgic_set_irq_level(&vg, vcpu, arg % 300, r[4] & 1u);
        break;
    case 3:
        vgic_raise_irq(&vg, vcpu, arg % 300);
        break;
    case 4:
        m.busy_after = (r[4] & 0x80) ? -1 : (int)(r[4] & 3u);
        REQUIRE(vgic_deliver(&vg, vcpu, &injector) >= 0);
        break;
    case 5: {
        uint64_t freed = value & (vcpu < vg.vcpu_count ? m.full[vcpu] | (r[4] & 1u) : ~0ull);
        if (vcpu < vg.vcpu_count)
            m.full[vcpu] &= ~freed;
        m.busy_after = -1;
        REQUIRE(vgic_lrs_freed(&vg, vcpu, freed, (r[4] & 2u) ? &injector : NULL) >= 0);
        break;
    }
    case 6: {
        struct vgic_lr e;
        if (vgic_next_pending(&vg, vcpu, &e))
            REQUIRE(e.intid < vg.irq_count && (e.priority & 7u) == 0);
        break;
    }
    default:
        if (vg.version == VGIC_V3 && (r[0] & 0x10u))
            REQUIRE(vgic_sgi1r_write(&vg, vcpu, value) ==
                    (vcpu < vg.vcpu_count ? VGIC_OK : VGIC_BAD_VCPU));
        REQUIRE((vgic_pending_vcpus(&vg) >> vg.vcpu_count) == 0);
        break;
    }
    check_invariants();
}

/** libFuzzer entry point; also driven by fuzz_vgic_replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    unsigned vcpus = 1u + data[0] % VGIC_MAX_VCPUS;
    unsigned irqs = 32u * (1u + data[1] % (VGIC_MAX_IRQS / 32u));
    enum vgic_version ver = (data[6] & 1u) ? VGIC_V3 : VGIC_V2;
    REQUIRE(vgic_init_version(&vg, ver, vcpus, irqs) == VGIC_OK);
    memset(&m, 0, sizeof(m));
    for (unsigned c = 0; c < vcpus; c++) {
        m.lrs[c] = 1u + (data[2 + (c & 3u)] % 8u);
        REQUIRE(vgic_set_lr_count(&vg, c, m.lrs[c]) == VGIC_OK);
    }
    for (size_t off = 8; off + 8 <= size; off += 8)
        step(data + off);
    return 0;
}
