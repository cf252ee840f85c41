/*
 * libvmm posted.c: a VM's posted writes handed over in the order the guest
 * wrote them, across vCPUs, against a fake kernel that records and takes
 * them as abi.h CV_OP_VCPU_TAKE_POSTED says (a stamp counter of all
 * vCPUs, a limit, CV_POSTED_TAKE_MAX a take). A vCPU that writes while the
 * VMM drains is played by a hook that runs before each take.
 */
#include "test_vmm.h"
#include "vmm/posted.h"

#define FAKE_VCPUS 4u
#define FAKE_MAX   1024u
#define OUT_MAX    4096u

/** The kernel's side: each vCPU's record (a queue) and the counter. */
struct fake {
    uint64_t rec[FAKE_VCPUS][FAKE_MAX];
    unsigned head[FAKE_VCPUS], count[FAKE_VCPUS];
    uint32_t stamp;
    unsigned takes;
    int fail_vcpu; /* its takes fail, or -1 */
    /* before take number `hook_at`: vCPU hook_vcpu writes hook_n more */
    unsigned hook_at, hook_vcpu, hook_n;
    /* what was handed over */
    unsigned out_vcpu[OUT_MAX];
    uint64_t out_rec[OUT_MAX];
    unsigned out_count;
};

/** vCPU v writes `value` (one byte): recorded with the next stamp. */
static void fake_write(struct fake *f, unsigned v, uint32_t value)
{
    uint64_t e = value | (1ull << 32) | ((uint64_t)(f->stamp & CV_POSTED_STAMP_MASK) << 36);
    f->stamp++;
    f->rec[v][(f->head[v] + f->count[v]++) % FAKE_MAX] = e;
}

static bool fake_take(void *ctx, unsigned vcpu, const uint32_t *limit, uint64_t *rec, unsigned *n,
                      uint32_t *next)
{
    struct fake *f = ctx;
    if (f->takes++ == f->hook_at)
        for (unsigned k = 0; k < f->hook_n; k++)
            fake_write(f, f->hook_vcpu, 0x1000 + k);
    if ((int)vcpu == f->fail_vcpu)
        return false;
    unsigned k = 0;
    for (; k < f->count[vcpu] && k < CV_POSTED_TAKE_MAX; k++) {
        uint64_t e = f->rec[vcpu][(f->head[vcpu] + k) % FAKE_MAX];
        if (limit && !CV_POSTED_BEFORE(CV_POSTED_STAMP(e), *limit))
            break;
        rec[k] = e;
    }
    f->head[vcpu] = (f->head[vcpu] + k) % FAKE_MAX;
    f->count[vcpu] -= k;
    *n = k;
    *next = f->stamp & CV_POSTED_STAMP_MASK;
    return true;
}

static void fake_emit(void *ctx, unsigned vcpu, uint64_t rec)
{
    struct fake *f = ctx;
    if (f->out_count < OUT_MAX) {
        f->out_vcpu[f->out_count] = vcpu;
        f->out_rec[f->out_count++] = rec;
    }
}

static void fake_init(struct fake *f, struct posted_merge *m, unsigned vcpus, uint32_t stamp)
{
    memset(f, 0, sizeof(*f));
    f->stamp = stamp;
    f->fail_vcpu = -1;
    f->hook_at = ~0u;
    posted_init(m, vcpus, fake_take, fake_emit, f);
}

/** Every write handed over so far came in the order it was written (value = its index). */
static void check_in_order(const struct fake *f, unsigned first, unsigned n)
{
    CHECK_EQ(f->out_count, n);
    for (unsigned k = 0; k < f->out_count && k < n; k++)
        CHECK_EQ(CV_POSTED_VALUE(f->out_rec[k]), first + k);
}

static void test_before(void)
{
    CHECK(CV_POSTED_BEFORE(5u, 6u));
    CHECK(!CV_POSTED_BEFORE(6u, 5u));
    CHECK(!CV_POSTED_BEFORE(5u, 5u));
    CHECK(CV_POSTED_BEFORE(CV_POSTED_STAMP_MASK, 0u)); /* across the wrap */
    CHECK(!CV_POSTED_BEFORE(0u, CV_POSTED_STAMP_MASK));
    CHECK(CV_POSTED_BEFORE(0u, (1u << (CV_POSTED_STAMP_BITS - 1u)) - 1u));
    uint64_t e = 0xabcdef01ull | (4ull << 32) | ((uint64_t)CV_POSTED_STAMP_MASK << 36);
    CHECK_EQ(CV_POSTED_VALUE(e), 0xabcdef01u);
    CHECK_EQ(CV_POSTED_WIDTH(e), 4u);
    CHECK_EQ(CV_POSTED_STAMP(e), CV_POSTED_STAMP_MASK);
}

/* Writes of three vCPUs, one each in turn and in runs: handed over in the
 * order written, whichever vCPU holds them (a per-vCPU drain gives vCPU 0's
 * first). */
static void test_interleaved(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 3, 100);
    static const unsigned who[] = {0, 1, 2, 1, 1, 0, 2, 2, 2, 0, 1, 0};
    for (unsigned k = 0; k < sizeof(who) / sizeof(who[0]); k++)
        fake_write(&f, who[k], k);
    CHECK_EQ(posted_drain(&m, false), 12);
    check_in_order(&f, 0, 12);
    for (unsigned k = 0; k < f.out_count; k++)
        CHECK_EQ(f.out_vcpu[k], who[k]);
}

/* More than a take's worth on each vCPU: their queues refill in the
 * middle of the merge, and the order holds. */
static void test_refill(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 2, 0);
    for (unsigned k = 0; k < 3 * CV_POSTED_TAKE_MAX + 7; k++)
        fake_write(&f, (k / 5) % 2, k);
    CHECK_EQ(posted_drain(&m, false), 3 * CV_POSTED_TAKE_MAX + 7);
    check_in_order(&f, 0, 3 * CV_POSTED_TAKE_MAX + 7);
    CHECK_EQ(f.count[0] + f.count[1], 0);
}

/* The stamps wrap in the middle of the writes: still in order. */
static void test_wrap(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 2, CV_POSTED_STAMP_MASK - 3u);
    for (unsigned k = 0; k < 10; k++)
        fake_write(&f, k % 3 == 0, k);
    CHECK_EQ(posted_drain(&m, false), 10);
    check_in_order(&f, 0, 10);
}

/* vCPU 0 writes on while the VMM takes the others (after the first take):
 * those writes are stamped after the limit and stay in the kernel, though
 * vCPU 0 is taken again in the same drain; the next drain hands them over,
 * after everything before them. A drain that took them at once would put
 * them before vCPU 1's older ones. */
static void test_writes_during_drain(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 2, 7);
    for (unsigned k = 0; k < CV_POSTED_TAKE_MAX + 4; k++)
        fake_write(&f, k < CV_POSTED_TAKE_MAX ? 0 : 1, k);
    f.hook_at = 1; /* before the take of vCPU 1 */
    f.hook_vcpu = 0;
    f.hook_n = 5;
    CHECK_EQ(posted_drain(&m, false), CV_POSTED_TAKE_MAX + 4);
    check_in_order(&f, 0, CV_POSTED_TAKE_MAX + 4);
    CHECK_EQ(f.count[0], 5); /* vCPU 0's late writes wait */
    f.out_count = 0;
    CHECK_EQ(posted_drain(&m, false), 5);
    for (unsigned k = 0; k < f.out_count; k++)
        CHECK_EQ(CV_POSTED_VALUE(f.out_rec[k]), 0x1000 + k);
}

/* At power-off (all): everything is taken, whatever its stamp. */
static void test_all(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 2, 0);
    fake_write(&f, 1, 0);
    fake_write(&f, 0, 1);
    f.hook_at = 0;
    f.hook_vcpu = 1;
    f.hook_n = 3;
    CHECK_EQ(posted_drain(&m, true), 5);
    CHECK_EQ(f.count[0] + f.count[1], 0);
    CHECK_EQ(CV_POSTED_VALUE(f.out_rec[0]), 0);
    CHECK_EQ(CV_POSTED_VALUE(f.out_rec[1]), 1);
    CHECK_EQ(CV_POSTED_VALUE(f.out_rec[4]), 0x1002);
}

/* A vCPU whose take fails: the others are handed over; its writes wait.
 * With the first vCPU failing, the next take sets the limit. */
static void test_take_fails(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 3, 0);
    for (unsigned k = 0; k < 9; k++)
        fake_write(&f, k % 3, k);
    f.fail_vcpu = 0;
    f.hook_at = 2; /* after the first take that works: stamped after its limit */
    f.hook_vcpu = 2;
    f.hook_n = 1;
    CHECK_EQ(posted_drain(&m, false), 6);
    CHECK_EQ(f.count[0], 3);
    CHECK_EQ(f.count[2], 1);
    f.fail_vcpu = -1;
    f.out_count = 0;
    CHECK_EQ(posted_drain(&m, false), 4);
    CHECK_EQ(f.out_vcpu[0], 0);
    CHECK_EQ(f.out_vcpu[3], 2);
}

/* Nothing written: nothing handed over; more vCPUs than the merge holds are cut. */
static void test_empty(void)
{
    static struct fake f;
    struct posted_merge m;
    fake_init(&f, &m, 0, 0);
    CHECK_EQ(posted_drain(&m, false), 0);
    posted_init(&m, POSTED_VCPUS_MAX + 3, fake_take, fake_emit, &f);
    CHECK_EQ(m.vcpu_count, POSTED_VCPUS_MAX);
}

int main(void)
{
    test_before();
    test_interleaved();
    test_refill();
    test_wrap();
    test_writes_during_drain();
    test_all();
    test_take_fails();
    test_empty();
    return test_done("test_posted");
}
