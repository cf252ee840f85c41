/*
 * What the libvmm vGIC tests (test_vgic.c: GICv2, test_vgic3.c: GICv3)
 * share: one vGIC, distributor accessors that check the access is OK, an
 * injector that records the list-register writes, and a log hook that
 * keeps the last odd access.
 */
#ifndef TEST_VGIC_H
#define TEST_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "test_vmm.h"
#include "vmm/vgic.h"

static struct vgic vg;

/** A distributor read by `vcpu`, which must be VGIC_OK. */
static uint64_t rd(unsigned vcpu, uint64_t off, unsigned width)
{
    uint64_t v = 0xdeadbeef;
    CHECK_EQ(vgic_dist_access(&vg, vcpu, off, width, false, &v), VGIC_OK);
    return v;
}

/** A distributor write by `vcpu`, which must be VGIC_OK. */
static void wr(unsigned vcpu, uint64_t off, unsigned width, uint64_t val)
{
    CHECK_EQ(vgic_dist_access(&vg, vcpu, off, width, true, &val), VGIC_OK);
}

/** Injector recording the LR writes; it can refuse all (fail_with) or one INTID (busy). */
struct lr_log {
    struct vgic_lr e[64];
    unsigned lr[64];
    unsigned vcpu[64];
    unsigned count;
    int fail_with;       /* 0: accept */
    unsigned busy_intid; /* 0: none; else this INTID is refused as busy */
    unsigned calls;
};

static int record(void *ctx, unsigned vcpu, unsigned lr, const struct vgic_lr *e)
{
    struct lr_log *l = ctx;
    l->calls++;
    if (l->fail_with)
        return l->fail_with;
    if (l->busy_intid && e->intid == l->busy_intid)
        return VGIC_INJECT_BUSY;
    if (l->count == 64)
        return -1;
    l->e[l->count] = *e;
    l->lr[l->count] = lr;
    l->vcpu[l->count] = vcpu;
    l->count++;
    return 0;
}

/* The log hook's calls and its last call's vCPU, offset and frame. */
static unsigned log_calls;
static unsigned log_vcpu;
static uint64_t log_off;
static char log_frame[16];

static void count_log(void *ctx, unsigned vcpu, const char *frame, uint64_t off, bool write,
                      const char *why)
{
    (void)ctx, (void)write, (void)why;
    log_calls++;
    log_vcpu = vcpu;
    log_off = off;
    snprintf(log_frame, sizeof(log_frame), "%s", frame);
}

/** A fresh vGIC of version `ver` with the log hook. */
static void setup_version(enum vgic_version ver, unsigned vcpus, unsigned irqs)
{
    CHECK_EQ(vgic_init_version(&vg, ver, vcpus, irqs), VGIC_OK);
    vgic_set_log(&vg, count_log, NULL);
    log_calls = 0;
}

#endif /* TEST_VGIC_H */
