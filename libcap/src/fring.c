/*
 * Shared frame rings (fring.h). The other side's index is loaded once per
 * refresh and checked before use; slot positions are always reduced by
 * the mask, so whatever the shared memory holds, no access leaves the
 * ring. Ordering: slot contents, then head (release), read after head
 * (acquire); slot reads, then tail (release), slot writes after tail
 * (acquire). A wait flag's store and the index store of the other side
 * are each followed by a full barrier before the opposite load (a Dekker
 * handshake, docs/vswitch.md "Signalling").
 */
#include <string.h>

#include <cap/fring.h>

uint32_t fring_port_slots(size_t size)
{
    if (size < FRING_PORT_SLOTS)
        return 0;
    size_t fit = (size - FRING_PORT_SLOTS) / ((size_t)2 * FRING_SLOT_SIZE);
    uint32_t n = FRING_SLOTS_MAX;
    while (n > fit)
        n >>= 1;
    return n < 2u ? 0 : n;
}

void fring_open(struct fring *r, struct fring_shared *sh, struct fring_slot *slot, uint32_t slots,
                bool producer)
{
    memset(r, 0, sizeof(*r));
    r->sh = sh;
    r->slot = slot;
    r->mask = slots - 1u;
    r->pos = producer ? sh->head : sh->tail;
}

bool fring_port_open(void *mem, size_t size, enum fring_side side, struct fring *out,
                     struct fring *in)
{
    uint32_t n = fring_port_slots(size);
    if (n == 0)
        return false;
    struct fring_port *port = mem;
    struct fring_slot *to_switch = (struct fring_slot *)((uint8_t *)mem + FRING_PORT_SLOTS);
    struct fring_slot *to_vm = to_switch + n;
    bool vm = side == FRING_SIDE_VM;
    fring_open(out, vm ? &port->to_switch : &port->to_vm, vm ? to_switch : to_vm, n, true);
    fring_open(in, vm ? &port->to_vm : &port->to_switch, vm ? to_vm : to_switch, n, false);
    return true;
}

/** Slots in r. */
static uint32_t fring_slots(const struct fring *r)
{
    return r->mask + 1u;
}

/* ---- producer ---- */

uint32_t fring_room(struct fring *r)
{
    uint32_t used = r->pos - __atomic_load_n(&r->sh->tail, __ATOMIC_ACQUIRE);
    if (used > fring_slots(r)) {
        r->bad_index++;
        used = fring_slots(r); /* no room until the consumer's tail makes sense */
    }
    r->seen = fring_slots(r) - used;
    return r->seen > r->next ? r->seen - r->next : 0;
}

uint8_t *fring_stage_buf(struct fring *r)
{
    if (r->next >= r->seen && fring_room(r) == 0)
        return NULL;
    return r->slot[(r->pos + r->next) & r->mask].data;
}

bool fring_stage(struct fring *r, uint32_t len)
{
    if (len < FRING_FRAME_MIN || len > FRING_FRAME_MAX || r->next >= r->seen)
        return false;
    r->slot[(r->pos + r->next) & r->mask].len = len;
    r->next++;
    return true;
}

bool fring_put(struct fring *r, const void *frame, uint32_t len)
{
    uint8_t *buf = len <= FRING_FRAME_MAX ? fring_stage_buf(r) : NULL;
    if (buf == NULL)
        return false;
    memcpy(buf, frame, len);
    return fring_stage(r, len);
}

/** Clears *flag if set; whether it was (the waiter is then signalled). */
static bool fring_take_flag(volatile uint32_t *flag)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* our index store before the flag's load */
    if (__atomic_load_n(flag, __ATOMIC_RELAXED) == 0)
        return false;
    return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST) != 0;
}

bool fring_publish(struct fring *r)
{
    if (r->next == 0)
        return false;
    r->pos += r->next;
    r->seen = r->seen > r->next ? r->seen - r->next : 0; /* a tail moved back: less */
    r->next = 0;
    __atomic_store_n(&r->sh->head, r->pos, __ATOMIC_RELEASE);
    return fring_take_flag(&r->sh->cons_wait);
}

/**
 * The side that ran out of work (count(r) is 0) sets its wait flag, then
 * (full barrier) counts again: true to sleep; false, flag cleared, if work
 * came meanwhile.
 */
static bool fring_sleep(struct fring *r, volatile uint32_t *flag, uint32_t (*count)(struct fring *))
{
    __atomic_store_n(flag, 1u, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (count(r) == 0)
        return true;
    __atomic_store_n(flag, 0u, __ATOMIC_RELAXED);
    return false;
}

bool fring_prod_wait(struct fring *r)
{
    return fring_sleep(r, &r->sh->prod_wait, fring_room);
}

/* ---- consumer ---- */

uint32_t fring_avail(struct fring *r)
{
    uint32_t head = __atomic_load_n(&r->sh->head, __ATOMIC_ACQUIRE);
    uint32_t waiting = head - r->pos;
    if (waiting > fring_slots(r) || waiting < r->next) { /* too many, or head went back */
        r->bad_index++;
        r->pos = head;
        r->next = 0;
        waiting = 0;
        __atomic_store_n(&r->sh->tail, r->pos, __ATOMIC_RELEASE);
    }
    r->seen = waiting;
    return waiting - r->next;
}

bool fring_get(struct fring *r, struct fring_frame *f)
{
    if (r->next >= r->seen && fring_avail(r) == 0)
        return false;
    const struct fring_slot *s = &r->slot[(r->pos + r->next) & r->mask];
    r->next++;
    f->len = s->len; /* read once: the producer may change it */
    f->data = f->len <= FRING_FRAME_MAX ? s->data : NULL;
    if (f->data == NULL)
        r->bad_len++;
    return true;
}

void fring_unget(struct fring *r)
{
    if (r->next)
        r->next--;
}

bool fring_release(struct fring *r)
{
    if (r->next == 0)
        return false;
    r->pos += r->next;
    r->seen -= r->next;
    r->next = 0;
    __atomic_store_n(&r->sh->tail, r->pos, __ATOMIC_RELEASE);
    return fring_take_flag(&r->sh->prod_wait);
}

bool fring_cons_wait(struct fring *r)
{
    return fring_sleep(r, &r->sh->cons_wait, fring_avail);
}
