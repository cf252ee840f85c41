/*
 * Fuzz target for the vGIC distributor and its list-register bookkeeping.
 * The input is a sequence of 8-byte records:
 *   byte 0: operation (low 3 bits), byte 1: vCPU, bytes 2-3: offset / INTID,
 *   byte 4: width / flags, bytes 5-7: value bits.
 * The first record configures the VM (vCPUs, INTIDs, LRs). After every step
 * the invariants below are checked; a violation aborts (a libFuzzer crash).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
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
        for (unsigned s = 0; s < VGIC_NR_SGIS; s++)
            REQUIRE((vg.vcpu[c].sgi_src[s] >> vg.vcpu_count) == 0);
    }
    for (unsigned i = 0; i < vg.irq_count - VGIC_NR_PRIVATE; i++)
        REQUIRE((vg.spi[i].targets >> vg.vcpu_count) == 0 && (vg.spi[i].priority & 7) == 0);
}

/** One record. */
static void step(const uint8_t *r)
{
    unsigned vcpu = r[1] % (VGIC_MAX_VCPUS + 1);
    unsigned arg = r[2] | (unsigned)r[3] << 8;
    uint64_t value = r[5] | (uint64_t)r[6] << 8 | (uint64_t)r[7] << 16;
    value |= value << 24 | (uint64_t)r[4] << 48;
    static const unsigned widths[8] = {1, 4, 4, 4, 2, 8, 0, 3};

    switch (r[0] & 7u) {
    case 0:
    case 1: {
        uint64_t v = value;
        enum vgic_result res =
            vgic_dist_access(&vg, vcpu, arg & 0x1fff, widths[r[4] & 7u], r[0] & 1u, &v);
        REQUIRE((r[0] & 1u) || res == VGIC_OK || v == 0);
        break;
    }
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
    REQUIRE(vgic_init(&vg, vcpus, irqs) == VGIC_OK);
    memset(&m, 0, sizeof(m));
    for (unsigned c = 0; c < vcpus; c++) {
        m.lrs[c] = 1u + (data[2 + (c & 3u)] % 8u);
        REQUIRE(vgic_set_lr_count(&vg, c, m.lrs[c]) == VGIC_OK);
    }
    for (size_t off = 8; off + 8 <= size; off += 8)
        step(data + off);
    return 0;
}
