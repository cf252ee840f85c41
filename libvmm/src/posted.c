/*
 * Posted writes of all vCPUs in the guest's order (posted.h).
 */
#include <string.h>

#include "vmm/posted.h"

void posted_init(struct posted_merge *m, unsigned vcpu_count, posted_take_fn take,
                 posted_emit_fn emit, void *ctx)
{
    memset(m, 0, sizeof(*m));
    m->take = take;
    m->emit = emit;
    m->ctx = ctx;
    m->vcpu_count = vcpu_count < POSTED_VCPUS_MAX ? vcpu_count : POSTED_VCPUS_MAX;
}

/*
 * Refills vCPU i's queue (empty). The first take of a drain that is not
 * `all` is unlimited: what it returns was recorded before the counter it
 * returns, which limits every take after it. A take that fails leaves the
 * queue empty; the writes it did not take wait for the next drain.
 */
static void posted_fill(struct posted_merge *m, unsigned i, bool all)
{
    struct posted_queue *q = &m->q[i];
    unsigned n = 0;
    uint32_t next = 0;
    bool ok = m->take(m->ctx, i, m->limited ? &m->limit : NULL, q->rec, &n, &next);
    if (!ok || n > CV_POSTED_TAKE_MAX)
        n = 0;
    q->head = 0;
    q->count = n;
    q->more = n == CV_POSTED_TAKE_MAX;
    if (ok && !all && !m->limited) {
        m->limited = true;
        m->limit = next & CV_POSTED_STAMP_MASK;
    }
}

/* The vCPU whose next write is the oldest, or -1 if none is left. */
static int posted_oldest(const struct posted_merge *m)
{
    int best = -1;
    uint32_t oldest = 0;
    for (unsigned i = 0; i < m->vcpu_count; i++) {
        const struct posted_queue *q = &m->q[i];
        if (!q->count)
            continue;
        uint32_t stamp = CV_POSTED_STAMP(q->rec[q->head]);
        if (best < 0 || CV_POSTED_BEFORE(stamp, oldest)) {
            best = (int)i;
            oldest = stamp;
        }
    }
    return best;
}

unsigned posted_drain(struct posted_merge *m, bool all)
{
    unsigned handed = 0;
    m->limited = false;
    for (unsigned i = 0; i < m->vcpu_count; i++)
        posted_fill(m, i, all);
    for (int i; (i = posted_oldest(m)) >= 0; handed++) {
        struct posted_queue *q = &m->q[i];
        uint64_t rec = q->rec[q->head++];
        q->count--;
        if (!q->count && q->more)
            posted_fill(m, (unsigned)i, all);
        m->emit(m->ctx, (unsigned)i, rec);
    }
    return handed;
}
