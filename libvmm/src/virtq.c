/*
 * Split virtqueues, the device side (virtq.h). Each guest-written word is
 * loaded once (the guest may change it meanwhile) and checked before use.
 */
#include <string.h>

#include "vmm/virtq.h"

/* Ring sizes in bytes for a queue of n entries (virtio 1.2 section 2.7):
 * the rings' flags, idx, ring[n] and the event word EVENT_IDX would use. */
#define DESC_BYTES(n)  (16ull * (n))
#define AVAIL_BYTES(n) (6ull + 2ull * (n))
#define USED_BYTES(n)  (6ull + 8ull * (n))

bool virtq_ready(const struct virtq *q)
{
    return q->size != 0;
}

void virtq_clear(struct virtq *q)
{
    memset(q, 0, sizeof(*q));
}

/** Section 2.7 alignment: descriptors 16, available ring 2, used ring 4. */
static bool virtq_aligned(uint64_t desc, uint64_t avail, uint64_t used)
{
    return desc % 16 == 0 && avail % 2 == 0 && used % 4 == 0;
}

enum virtq_result virtq_setup(struct virtq *q, const struct gmem *mem, uint16_t size, uint64_t desc,
                              uint64_t avail, uint64_t used)
{
    virtq_clear(q);
    if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1u)) != 0)
        return VIRTQ_E_SIZE;
    if (!virtq_aligned(desc, avail, used))
        return VIRTQ_E_ALIGN;
    void *d = gmem_ptr(mem, IPA(desc), DESC_BYTES(size));
    void *a = gmem_ptr(mem, IPA(avail), AVAIL_BYTES(size));
    void *u = gmem_ptr(mem, IPA(used), USED_BYTES(size));
    if (!d || !a || !u)
        return VIRTQ_E_RING;
    q->desc = d;
    q->avail = a;
    q->used = u;
    q->mem = *mem;
    /* the driver starts both indices at 0 after a reset (section 2.7.13.1);
     * what the rings hold now is what a previous driver left */
    q->last_avail = 0;
    q->used_idx = 0;
    q->used->idx = 0;
    q->used->flags = 0; /* notifications on, until the device says otherwise */
    q->size = size;
    return VIRTQ_OK;
}

/** Adds descriptor d (a copy) to the chain: checks its flags and buffer. */
static enum virtq_result virtq_add_seg(const struct virtq *q, struct virtq_chain *c,
                                       const struct virtq_desc *d)
{
    if (d->flags & VIRTQ_DESC_F_INDIRECT)
        return VIRTQ_E_INDIRECT;
    bool writable = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
    if (!writable && c->count > c->out_count)
        return VIRTQ_E_ORDER;
    if (d->len == 0) /* nothing to read or write: no segment */
        return VIRTQ_OK;
    void *p = gmem_ptr(&q->mem, IPA(d->addr), d->len);
    if (!p)
        return VIRTQ_E_BUFFER;
    c->seg[c->count++] = (struct virtq_seg){p, d->len};
    if (writable) {
        c->in_len += d->len;
    } else {
        c->out_count++;
        c->out_len += d->len;
    }
    return VIRTQ_OK;
}

/** Loads descriptor i (< size) once. */
static struct virtq_desc virtq_load_desc(const struct virtq *q, uint16_t i)
{
    volatile const struct virtq_desc *v = &q->desc[i];
    return (struct virtq_desc){v->addr, v->len, v->flags, v->next};
}

/** Walks the chain from `head`: at most `size` descriptors, each checked. */
static enum virtq_result virtq_walk(const struct virtq *q, uint16_t head, struct virtq_chain *c)
{
    uint16_t i = head;
    c->head = head;
    c->count = c->out_count = 0;
    c->out_len = c->in_len = 0;
    for (unsigned n = 0;; n++) {
        if (n == q->size)
            return VIRTQ_E_LOOP;
        struct virtq_desc d = virtq_load_desc(q, i);
        enum virtq_result r = virtq_add_seg(q, c, &d);
        if (r != VIRTQ_OK)
            return r;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return VIRTQ_OK;
        if (d.next >= q->size)
            return VIRTQ_E_NEXT;
        i = d.next;
    }
}

enum virtq_result virtq_pop(struct virtq *q, struct virtq_chain *c)
{
    if (!virtq_ready(q))
        return VIRTQ_EMPTY;
    uint16_t avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);
    uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
    if (pending == 0)
        return VIRTQ_EMPTY;
    if (pending > q->size)
        return VIRTQ_E_AVAIL_IDX;
    uint16_t head = q->avail->ring[q->last_avail & (q->size - 1u)];
    if (head >= q->size)
        return VIRTQ_E_HEAD;
    enum virtq_result r = virtq_walk(q, head, c);
    if (r == VIRTQ_OK)
        q->last_avail++;
    return r;
}

enum virtq_result virtq_push(struct virtq *q, const struct virtq_chain *c, uint32_t written)
{
    if (!virtq_ready(q))
        return VIRTQ_EMPTY;
    if (written > c->in_len)
        return VIRTQ_E_USED_LEN;
    volatile struct virtq_used_elem *e = &q->used->ring[q->used_idx & (q->size - 1u)];
    e->id = c->head;
    e->len = written;
    q->used_idx++;
    /* the element is visible before the index that hands it over (2.7.8) */
    __atomic_store_n(&q->used->idx, q->used_idx, __ATOMIC_RELEASE);
    return VIRTQ_OK;
}

bool virtq_set_notify(struct virtq *q, bool on)
{
    if (!virtq_ready(q))
        return false;
    __atomic_store_n(&q->used->flags, on ? 0 : VIRTQ_USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
    /* the flag is visible before the available index is read */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE) != q->last_avail;
}

enum virtq_result virtq_pop_or_arm(struct virtq *q, struct virtq_chain *c)
{
    enum virtq_result r = virtq_pop(q, c);
    if (r == VIRTQ_EMPTY && virtq_set_notify(q, true))
        r = virtq_pop(q, c);
    return r;
}

bool virtq_wants_interrupt(const struct virtq *q)
{
    if (!virtq_ready(q))
        return false;
    /* the used index is published before the flags are read (2.7.7.2) */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/** Copies between the chain's segments [first, last) and buf, from `off`. */
static size_t virtq_copy(const struct virtq_chain *c, unsigned first, unsigned last, uint64_t off,
                         uint8_t *buf, size_t n, bool to_chain)
{
    size_t done = 0;
    for (unsigned s = first; s < last && done < n; s++) {
        const struct virtq_seg *g = &c->seg[s];
        if (off >= g->len) {
            off -= g->len;
            continue;
        }
        size_t k = g->len - off < n - done ? (size_t)(g->len - off) : n - done;
        if (to_chain)
            memcpy(g->ptr + off, buf + done, k);
        else
            memcpy(buf + done, g->ptr + off, k);
        done += k;
        off = 0;
    }
    return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf, size_t n)
{
    return virtq_copy(c, 0, c->out_count, off, buf, n, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *buf, size_t n)
{
    /* the source is only read: the cast serves the shared copy loop */
    return virtq_copy(c, c->out_count, c->count, off, (uint8_t *)(uintptr_t)buf, n, true);
}

const char *virtq_strerror(enum virtq_result r)
{
    static const char *const why[] = {
        [VIRTQ_OK] = "ok",
        [VIRTQ_EMPTY] = "empty",
        [VIRTQ_E_SIZE] = "queue size not a power of two in 1..256",
        [VIRTQ_E_ALIGN] = "ring address misaligned",
        [VIRTQ_E_RING] = "ring outside guest RAM",
        [VIRTQ_E_AVAIL_IDX] = "available index runs past the queue",
        [VIRTQ_E_HEAD] = "available entry names a descriptor past the queue",
        [VIRTQ_E_NEXT] = "descriptor's next is past the queue",
        [VIRTQ_E_LOOP] = "descriptor chain loops",
        [VIRTQ_E_BUFFER] = "buffer outside guest RAM",
        [VIRTQ_E_INDIRECT] = "indirect descriptor (feature not offered)",
        [VIRTQ_E_ORDER] = "device-readable descriptor after a writable one",
        [VIRTQ_E_USED_LEN] = "used length past the chain",
    };
    if ((unsigned)r >= sizeof(why) / sizeof(why[0]))
        return "unknown";
    return why[r];
}
