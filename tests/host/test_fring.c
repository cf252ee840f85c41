/*
 * libcap frame rings (fring.h): a port's layout, batches published with
 * one index write, wrap-around of slots and indices, a peer that lies
 * about its index or a slot's length, the wait flags, and a producer and
 * a consumer on two threads that sleep through the flags, so a lost
 * wake-up would hang the test (it fails on a timeout instead).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <cap/fring.h>

#include "test_vmm.h"

#define SLOTS     8u
#define PORT_SIZE (FRING_PORT_SLOTS + 2u * SLOTS * FRING_SLOT_SIZE)

static _Alignas(64) uint8_t mem[PORT_SIZE];
static struct fring vm_out, vm_in, sw_out, sw_in;

/** A fresh port: both sides opened on mem. */
static void port_open(void)
{
    memset(mem, 0, sizeof(mem));
    CHECK(fring_port_open(mem, sizeof(mem), FRING_SIDE_VM, &vm_out, &vm_in));
    CHECK(fring_port_open(mem, sizeof(mem), FRING_SIDE_SWITCH, &sw_out, &sw_in));
}

/** A frame of len bytes whose bytes follow from seed. */
static void frame_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed * 7u + i);
}

static bool frame_is(const struct fring_frame *f, uint32_t len, uint32_t seed)
{
    uint8_t want[FRING_FRAME_MAX];
    frame_fill(want, len, seed);
    return f->data != NULL && f->len == len && memcmp(f->data, want, len) == 0;
}

/** A fresh port whose VM side has published n frames of 64 bytes, frame i from seed i. */
static void port_with(uint32_t n)
{
    uint8_t buf[64];
    port_open();
    for (uint32_t i = 0; i < n; i++) {
        frame_fill(buf, sizeof(buf), i);
        CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    }
    fring_publish(&vm_out);
}

static void test_layout(void)
{
    CHECK_EQ(fring_port_slots(0), 0);
    CHECK_EQ(fring_port_slots(FRING_PORT_SLOTS + 2u * FRING_SLOT_SIZE), 0); /* one each */
    CHECK_EQ(fring_port_slots(FRING_PORT_SLOTS + 4u * FRING_SLOT_SIZE), 2);
    CHECK_EQ(fring_port_slots(FRING_PORT_SLOTS + 2u * 100u * FRING_SLOT_SIZE), 64);
    CHECK_EQ(fring_port_slots(1ull << 30), FRING_SLOTS_MAX);
    CHECK(!fring_port_open(mem, FRING_PORT_SLOTS, FRING_SIDE_VM, &vm_out, &vm_in));
    port_open();
    struct fring_port *p = (struct fring_port *)mem;
    CHECK(vm_out.sh == &p->to_switch && sw_in.sh == &p->to_switch);
    CHECK(sw_out.sh == &p->to_vm && vm_in.sh == &p->to_vm);
    CHECK((uint8_t *)vm_out.slot == mem + FRING_PORT_SLOTS);
    CHECK(vm_in.slot == vm_out.slot + SLOTS && sw_out.slot == vm_in.slot);
    CHECK_EQ(vm_out.mask, SLOTS - 1u);
}

/** Frames are invisible until published, then all appear with one head write. */
static void test_batch(void)
{
    uint8_t buf[FRING_FRAME_MAX];
    struct fring_frame f;
    port_open();
    for (uint32_t i = 0; i < 5; i++) {
        frame_fill(buf, 60 + i, i);
        CHECK(fring_put(&vm_out, buf, 60 + i));
    }
    CHECK_EQ(vm_out.sh->head, 0);
    CHECK_EQ(fring_avail(&sw_in), 0);
    CHECK(!fring_publish(&vm_out)); /* nobody asked to be woken */
    CHECK_EQ(vm_out.sh->head, 5);
    CHECK_EQ(fring_avail(&sw_in), 5);
    for (uint32_t i = 0; i < 5; i++) {
        CHECK(fring_get(&sw_in, &f));
        CHECK(frame_is(&f, 60 + i, i));
    }
    CHECK(!fring_get(&sw_in, &f));
    CHECK_EQ(sw_in.sh->tail, 0); /* taken, not yet freed */
    CHECK_EQ(fring_room(&vm_out), SLOTS - 5u);
    CHECK(!fring_release(&sw_in));
    CHECK_EQ(sw_in.sh->tail, 5);
    CHECK_EQ(fring_room(&vm_out), SLOTS);
    CHECK(!fring_publish(&vm_out)); /* nothing staged: no write */
    CHECK(!fring_release(&sw_in));
}

/** A frame written in place (fring_stage_buf) and the length limits. */
static void test_stage(void)
{
    uint8_t big[FRING_FRAME_MAX + 1] = {0};
    struct fring_frame f;
    port_open();
    uint8_t *buf = fring_stage_buf(&vm_out);
    CHECK(buf != NULL);
    frame_fill(buf, FRING_FRAME_MAX, 9);
    CHECK(!fring_stage(&vm_out, FRING_FRAME_MIN - 1u));
    CHECK(!fring_stage(&vm_out, FRING_FRAME_MAX + 1u));
    CHECK(fring_stage(&vm_out, FRING_FRAME_MAX));
    CHECK(!fring_put(&vm_out, big, sizeof(big)));
    CHECK(!fring_put(&vm_out, big, FRING_FRAME_MIN - 1u));
    fring_publish(&vm_out);
    CHECK_EQ(fring_avail(&sw_in), 1);
    CHECK(fring_get(&sw_in, &f));
    CHECK(frame_is(&f, FRING_FRAME_MAX, 9));
}

/** A full ring takes nothing more; freed slots are reused. */
static void test_full(void)
{
    uint8_t buf[64] = {0};
    struct fring_frame f;
    port_open();
    for (uint32_t i = 0; i < SLOTS; i++)
        CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(!fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(fring_stage_buf(&vm_out) == NULL);
    CHECK(!fring_stage(&vm_out, 64));
    CHECK_EQ(fring_room(&vm_out), 0);
    fring_publish(&vm_out);
    CHECK(fring_get(&sw_in, &f) && fring_get(&sw_in, &f));
    fring_release(&sw_in);
    CHECK_EQ(fring_room(&vm_out), 2);
    CHECK(fring_put(&vm_out, buf, sizeof(buf)) && fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(!fring_put(&vm_out, buf, sizeof(buf)));
    CHECK_EQ(vm_out.bad_index + sw_in.bad_index, 0);
}

/** Slots and indices wrap (indices start just below 2^32), in batches of every size. */
static void test_wrap(void)
{
    uint8_t buf[FRING_FRAME_MAX];
    struct fring_frame f;
    uint32_t sent = 0, got = 0;
    memset(mem, 0, sizeof(mem));
    struct fring_port *p = (struct fring_port *)mem;
    p->to_switch.head = p->to_switch.tail = 0xfffffff0u;
    CHECK(fring_port_open(mem, sizeof(mem), FRING_SIDE_VM, &vm_out, &vm_in));
    CHECK(fring_port_open(mem, sizeof(mem), FRING_SIDE_SWITCH, &sw_out, &sw_in));
    for (uint32_t round = 0; round < 200; round++) {
        uint32_t batch = round % (SLOTS + 1u);
        for (uint32_t i = 0; i < batch; i++, sent++) {
            uint32_t len = FRING_FRAME_MIN + (sent * 37u) % (FRING_FRAME_MAX - FRING_FRAME_MIN);
            frame_fill(buf, len, sent);
            CHECK(fring_put(&vm_out, buf, len));
        }
        fring_publish(&vm_out);
        for (uint32_t take = 0; take < (round % 3u == 0 ? batch / 2u : batch); take++, got++) {
            uint32_t len = FRING_FRAME_MIN + (got * 37u) % (FRING_FRAME_MAX - FRING_FRAME_MIN);
            CHECK(fring_get(&sw_in, &f));
            CHECK(frame_is(&f, len, got));
        }
        fring_release(&sw_in);
        while (fring_get(&sw_in, &f)) /* what a half take left */
            got++;
        fring_release(&sw_in);
    }
    CHECK_EQ(got, sent);
    CHECK(vm_out.pos < 0xfffffff0u); /* it did wrap */
    CHECK_EQ(vm_out.bad_index + sw_in.bad_index + sw_in.bad_len, 0);
}

/** A head claiming more than the ring holds, or going back: everything waiting is dropped. */
static void test_bad_head(void)
{
    uint8_t buf[64] = {0};
    struct fring_frame f;
    port_open();
    vm_out.sh->head = SLOTS + 1u;
    CHECK_EQ(fring_avail(&sw_in), 0);
    CHECK_EQ(sw_in.bad_index, 1);
    CHECK_EQ(sw_in.sh->tail, SLOTS + 1u); /* reset: consumer caught up with that head */
    CHECK(!fring_get(&sw_in, &f));
    vm_out.sh->head = 0xffffffffu; /* behind the tail now */
    CHECK_EQ(fring_avail(&sw_in), 0);
    CHECK_EQ(sw_in.bad_index, 2);
    /* a well-behaved producer that starts again from the shared indices works */
    fring_open(&vm_out, vm_out.sh, vm_out.slot, SLOTS, true);
    CHECK(fring_put(&vm_out, buf, sizeof(buf)) && fring_put(&vm_out, buf, sizeof(buf)));
    fring_publish(&vm_out);
    CHECK_EQ(fring_avail(&sw_in), 2);
    /* taken frames, then a head moved back under them */
    CHECK(fring_get(&sw_in, &f));
    vm_out.sh->head -= 2;
    CHECK_EQ(fring_avail(&sw_in), 0);
    CHECK_EQ(sw_in.bad_index, 3);
    CHECK(!fring_release(&sw_in)); /* the reset freed them already */
}

/** A tail that makes no sense leaves the producer no room, never a slot outside the ring. */
static void test_bad_tail(void)
{
    uint8_t buf[64] = {0};
    port_open();
    CHECK(fring_put(&sw_out, buf, sizeof(buf)));
    fring_publish(&sw_out);
    sw_out.sh->tail = 5; /* ahead of the head */
    CHECK_EQ(fring_room(&sw_out), 0);
    CHECK(!fring_put(&sw_out, buf, sizeof(buf)));
    CHECK(sw_out.bad_index >= 1);
    sw_out.sh->tail = 1u - SLOTS - 1u; /* more than SLOTS behind */
    CHECK_EQ(fring_room(&sw_out), 0);
    sw_out.sh->tail = 1;
    CHECK_EQ(fring_room(&sw_out), SLOTS);
    /* a tail moved back while frames are staged: they stay staged */
    CHECK(fring_put(&sw_out, buf, sizeof(buf)));
    sw_out.sh->tail = 1u - SLOTS;
    CHECK_EQ(fring_room(&sw_out), 0);
    fring_publish(&sw_out);
    CHECK_EQ(sw_out.sh->head, 2);
}

/** Each side's own index is what counts: a rewritten shared copy changes nothing. */
static void test_own_index(void)
{
    uint8_t buf[64] = {0};
    struct fring_frame f;
    port_with(1);
    CHECK(fring_get(&sw_in, &f));
    fring_release(&sw_in);
    sw_in.sh->tail = 0;               /* the producer lies about the consumer's tail */
    CHECK_EQ(fring_avail(&sw_in), 0); /* nothing read twice */
    sw_in.sh->tail = 1;
    vm_out.sh->head = 7; /* the consumer lies about the producer's head */
    CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    fring_publish(&vm_out);
    CHECK_EQ(vm_out.sh->head, 2);
}

/** A slot claiming more than a frame is handed out without data, counted, and skipped. */
static void test_bad_len(void)
{
    struct fring_frame f;
    port_with(3);
    vm_out.slot[0].len = FRING_FRAME_MAX + 1u; /* after publishing: the consumer reads it once */
    vm_out.slot[1].len = 0xffffffffu;
    CHECK(fring_get(&sw_in, &f));
    CHECK(f.data == NULL && f.len == FRING_FRAME_MAX + 1u);
    CHECK(fring_get(&sw_in, &f));
    CHECK(f.data == NULL && f.len == 0xffffffffu);
    CHECK(fring_get(&sw_in, &f));
    CHECK(f.data != NULL && f.len == 64);
    CHECK_EQ(sw_in.bad_len, 2);
    fring_release(&sw_in);
    CHECK_EQ(sw_in.sh->tail, 3);
}

/** A frame put back is taken again; the tail only covers what was kept. */
static void test_unget(void)
{
    struct fring_frame f;
    port_with(3);
    CHECK(fring_get(&sw_in, &f) && fring_get(&sw_in, &f));
    fring_unget(&sw_in);
    CHECK_EQ(fring_avail(&sw_in), 2);
    fring_release(&sw_in);
    CHECK_EQ(sw_in.sh->tail, 1);
    CHECK(fring_get(&sw_in, &f));
    CHECK(frame_is(&f, 64, 1));
    fring_unget(&sw_in);
    fring_unget(&sw_in); /* nothing more to put back */
    CHECK(fring_get(&sw_in, &f));
    CHECK(frame_is(&f, 64, 1));
}

/** The wait flags: set by the side that sleeps, cleared by the one that signals once. */
static void test_flags(void)
{
    uint8_t buf[64] = {0};
    struct fring_frame f;
    port_open();
    CHECK(fring_cons_wait(&sw_in)); /* empty: sleep */
    CHECK_EQ(sw_in.sh->cons_wait, 1);
    CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(fring_publish(&vm_out)); /* signal */
    CHECK_EQ(sw_in.sh->cons_wait, 0);
    CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(!fring_publish(&vm_out));  /* once per request */
    CHECK(!fring_cons_wait(&sw_in)); /* frames waiting: do not sleep */
    CHECK_EQ(sw_in.sh->cons_wait, 0);
    for (uint32_t i = 2; i < SLOTS; i++)
        CHECK(fring_put(&vm_out, buf, sizeof(buf)));
    CHECK(fring_prod_wait(&vm_out)); /* full: sleep */
    CHECK_EQ(vm_out.sh->prod_wait, 1);
    fring_publish(&vm_out);
    CHECK(fring_get(&sw_in, &f));
    CHECK(fring_release(&sw_in)); /* room: signal */
    CHECK_EQ(vm_out.sh->prod_wait, 0);
    CHECK(fring_get(&sw_in, &f));
    CHECK(!fring_release(&sw_in));
    CHECK(!fring_prod_wait(&vm_out)); /* room already */
    CHECK_EQ(vm_out.sh->prod_wait, 0);
}

/* ---- two threads: a producer and a consumer that sleep on the flags ---- */

#define STRESS_FRAMES 200000u

/** A notification: a signal is remembered until the waiter takes it. */
struct ntfn {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool pending;
};

static struct ntfn to_cons = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
static struct ntfn to_prod = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
static int stress_lost; /* waits that timed out: a lost signal */

static bool stress_going(void)
{
    return __atomic_load_n(&stress_lost, __ATOMIC_RELAXED) == 0;
}

static void ntfn_signal(struct ntfn *n)
{
    pthread_mutex_lock(&n->lock);
    n->pending = true;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->lock);
}

/** Waits for a signal; a wait over 5 s counts as lost and gives up. */
static void ntfn_wait(struct ntfn *n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&n->lock);
    while (!n->pending)
        if (pthread_cond_timedwait(&n->cond, &n->lock, &until) != 0) {
            __atomic_add_fetch(&stress_lost, 1, __ATOMIC_RELAXED);
            break;
        }
    n->pending = false;
    pthread_mutex_unlock(&n->lock);
}

static void *stress_producer(void *arg)
{
    (void)arg;
    uint8_t buf[FRING_FRAME_MIN + 4] = {0};
    for (uint32_t seq = 0; seq < STRESS_FRAMES && stress_going();) {
        memcpy(buf, &seq, sizeof(seq));
        if (fring_put(&vm_out, buf, sizeof(buf))) {
            seq++;
            if (seq % 3u == 0 && fring_publish(&vm_out)) /* batches of 3 */
                ntfn_signal(&to_cons);
        } else {
            if (fring_publish(&vm_out))
                ntfn_signal(&to_cons);
            if (fring_prod_wait(&vm_out))
                ntfn_wait(&to_prod);
        }
    }
    if (fring_publish(&vm_out))
        ntfn_signal(&to_cons);
    return NULL;
}

static void *stress_consumer(void *arg)
{
    uint32_t *bad = arg;
    struct fring_frame f;
    for (uint32_t seq = 0; seq < STRESS_FRAMES && stress_going();) {
        while (fring_get(&sw_in, &f)) {
            uint32_t got;
            memcpy(&got, f.data, sizeof(got));
            *bad += got != seq++;
        }
        if (fring_release(&sw_in))
            ntfn_signal(&to_prod);
        if (seq < STRESS_FRAMES && fring_cons_wait(&sw_in))
            ntfn_wait(&to_cons);
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t prod, cons;
    uint32_t bad = 0;
    port_open();
    CHECK(pthread_create(&cons, NULL, stress_consumer, &bad) == 0);
    CHECK(pthread_create(&prod, NULL, stress_producer, NULL) == 0);
    pthread_join(prod, NULL);
    pthread_join(cons, NULL);
    CHECK_EQ(stress_lost, 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(sw_in.pos, STRESS_FRAMES);
}

int main(void)
{
    test_layout();
    test_batch();
    test_stage();
    test_full();
    test_wrap();
    test_bad_head();
    test_bad_tail();
    test_own_index();
    test_bad_len();
    test_unget();
    test_flags();
    test_threads();
    return test_done("test_fring");
}
