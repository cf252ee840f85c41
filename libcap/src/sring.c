/*
 * Shared byte rings (sring.h). Each index is loaded once per call: the
 * other side may change it at any time.
 */
#include <string.h>

#include <cap/sring.h>

size_t sring_count(const struct sring *r)
{
    uint32_t n = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - r->tail;
    return n > SRING_DATA ? SRING_DATA + 1u : n;
}

bool sring_ok(const struct sring *r)
{
    return sring_count(r) <= SRING_DATA;
}

/** Copies between buf and the ring's data from position `at` (wrapping). */
static void sring_copy(struct sring *r, uint32_t at, uint8_t *buf, size_t n, bool in)
{
    size_t off = at % SRING_DATA, first = SRING_DATA - off < n ? SRING_DATA - off : n;
    if (in) {
        memcpy(&r->data[off], buf, first);
        memcpy(r->data, buf + first, n - first);
    } else {
        memcpy(buf, &r->data[off], first);
        memcpy(buf + first, r->data, n - first);
    }
}

size_t sring_put(struct sring *r, const void *buf, size_t n)
{
    uint32_t head = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    uint32_t used = head - tail;
    size_t room = used > SRING_DATA ? 0 : SRING_DATA - used;
    if (n > room)
        n = room;
    /* the cast only serves the shared copy; buf is not written */
    sring_copy(r, head, (uint8_t *)(uintptr_t)buf, n, true);
    __atomic_store_n(&r->head, head + (uint32_t)n, __ATOMIC_RELEASE);
    return n;
}

size_t sring_take(struct sring *r, uint32_t *tail, void *buf, size_t n)
{
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    uint32_t avail = head - *tail;
    if (avail > SRING_DATA)
        return 0;
    if (n > avail)
        n = avail;
    sring_copy(r, *tail, buf, n, false);
    *tail += (uint32_t)n;
    __atomic_store_n(&r->tail, *tail, __ATOMIC_RELEASE);
    return n;
}

size_t sring_get(struct sring *r, void *buf, size_t n)
{
    uint32_t tail = r->tail;
    return sring_take(r, &tail, buf, n);
}

void sring_reset(struct sring *r)
{
    __atomic_store_n(&r->tail, __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}
