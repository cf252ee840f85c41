/*
 * libvmm split virtqueues (virtq.h): chains as a driver builds them, and
 * every way a driver can get one wrong, each with its defined result.
 */
#include <stdlib.h>

#include "test_guest_ram.h"
#include "test_vmm.h"
#include "vmm/virtq.h"

static struct virtq q;
static struct virtq_chain chain;

static void setup(unsigned size)
{
    ram_init();
    CHECK_EQ(virtq_setup(&q, &test_mem, (uint16_t)size, Q_DESC, Q_AVAIL, Q_USED), VIRTQ_OK);
}

static void test_setup_errors(void)
{
    ram_init();
    CHECK_EQ(virtq_setup(&q, &test_mem, 0, Q_DESC, Q_AVAIL, Q_USED), VIRTQ_E_SIZE);
    CHECK_EQ(virtq_setup(&q, &test_mem, 3, Q_DESC, Q_AVAIL, Q_USED), VIRTQ_E_SIZE);
    CHECK_EQ(virtq_setup(&q, &test_mem, 512, Q_DESC, Q_AVAIL, Q_USED), VIRTQ_E_SIZE);
    CHECK(!virtq_ready(&q));
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, Q_DESC + 8, Q_AVAIL, Q_USED), VIRTQ_E_ALIGN);
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, Q_DESC, Q_AVAIL + 1, Q_USED), VIRTQ_E_ALIGN);
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, Q_DESC, Q_AVAIL, Q_USED + 2), VIRTQ_E_ALIGN);
    /* rings outside RAM, straddling its end, in a device's window, wrapping */
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, RAM_BASE + RAM_SIZE - 64, Q_AVAIL, Q_USED),
             VIRTQ_E_RING);
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, Q_DESC, 0x08000000, Q_USED), VIRTQ_E_RING);
    CHECK_EQ(virtq_setup(&q, &test_mem, 8, Q_DESC, Q_AVAIL, 0xfffffffffffffff0ull), VIRTQ_E_RING);
    CHECK_EQ(virtq_setup(&q, &test_mem, 256, RAM_BASE - 16, Q_AVAIL, Q_USED), VIRTQ_E_RING);
    CHECK(!virtq_ready(&q));
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_EMPTY); /* an unset queue has nothing */
    setup(256);
    CHECK(virtq_ready(&q));
    virtq_clear(&q);
    CHECK(!virtq_ready(&q));
}

/** A three-buffer chain: header and data to read, a status byte to write. */
static void test_chain(void)
{
    setup(8);
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_EMPTY);
    memcpy(at(Q_BUF), "head", 4);
    memcpy(at(Q_BUF + 0x100), "payload", 7);
    drv_set_desc(Q_DESC, 5, Q_BUF, 4, VIRTQ_DESC_F_NEXT, 2);
    drv_set_desc(Q_DESC, 2, Q_BUF + 0x100, 7, VIRTQ_DESC_F_NEXT, 7);
    drv_set_desc(Q_DESC, 7, Q_BUF + 0x200, 16, VIRTQ_DESC_F_WRITE, 0);
    drv_avail(Q_AVAIL, 8, 5);
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_OK);
    CHECK_EQ(chain.head, 5);
    CHECK_EQ(chain.count, 3);
    CHECK_EQ(chain.out_count, 2);
    CHECK_EQ(chain.out_len, 11);
    CHECK_EQ(chain.in_len, 16);
    char buf[32] = {0};
    CHECK_EQ(virtq_chain_read(&chain, 0, buf, sizeof(buf)), 11);
    CHECK(memcmp(buf, "headpayload", 11) == 0);
    CHECK_EQ(virtq_chain_read(&chain, 6, buf, 3), 3);
    CHECK(memcmp(buf, "ylo", 3) == 0);
    CHECK_EQ(virtq_chain_read(&chain, 11, buf, 3), 0);
    CHECK_EQ(virtq_chain_write(&chain, 14, "xyz", 3), 2);
    CHECK(memcmp((char *)at(Q_BUF + 0x200 + 14), "xy", 2) == 0);
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_EMPTY);
    /* the used ring gets the head and the length written */
    CHECK_EQ(virtq_push(&q, &chain, 17), VIRTQ_E_USED_LEN);
    CHECK_EQ(drv_used(Q_USED)->idx, 0);
    CHECK_EQ(virtq_push(&q, &chain, 16), VIRTQ_OK);
    CHECK_EQ(drv_used(Q_USED)->idx, 1);
    CHECK_EQ(drv_used(Q_USED)->ring[0].id, 5);
    CHECK_EQ(drv_used(Q_USED)->ring[0].len, 16);
    /* interrupts unless the driver suppresses them */
    CHECK(virtq_wants_interrupt(&q));
    ((volatile struct virtq_avail *)at(Q_AVAIL))->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    CHECK(!virtq_wants_interrupt(&q));
}

/** 16-bit ring indices wrap (virtio 1.2 section 2.7.6). */
static void test_index_wrap(void)
{
    setup(4);
    drv_set_desc(Q_DESC, 0, Q_BUF, 1, 0, 0);
    for (unsigned n = 0; n < 70000; n++) {
        drv_avail(Q_AVAIL, 4, 0);
        if (virtq_pop(&q, &chain) != VIRTQ_OK || virtq_push(&q, &chain, 0) != VIRTQ_OK) {
            CHECK(!"pop/push across the wrap");
            return;
        }
    }
    CHECK_EQ(drv_used(Q_USED)->idx, (uint16_t)70000);
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_EMPTY);
}

/** Pops one chain whose head is `head` and checks the result. */
static enum virtq_result pop_head(unsigned size, uint16_t head)
{
    drv_avail(Q_AVAIL, size, head);
    return virtq_pop(&q, &chain);
}

static void test_bad_chains(void)
{
    setup(8);
    drv_set_desc(Q_DESC, 0, Q_BUF, 8, 0, 0);
    CHECK_EQ(pop_head(8, 8), VIRTQ_E_HEAD);
    setup(8);
    drv_set_desc(Q_DESC, 0, Q_BUF, 8, VIRTQ_DESC_F_NEXT, 8);
    CHECK_EQ(pop_head(8, 0), VIRTQ_E_NEXT);
    setup(8); /* 0 -> 1 -> 0 */
    drv_set_desc(Q_DESC, 0, Q_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    drv_set_desc(Q_DESC, 1, Q_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    CHECK_EQ(pop_head(8, 0), VIRTQ_E_LOOP);
    setup(8); /* a descriptor that is its own next */
    drv_set_desc(Q_DESC, 3, Q_BUF, 0, VIRTQ_DESC_F_NEXT, 3);
    CHECK_EQ(pop_head(8, 3), VIRTQ_E_LOOP);
    setup(8); /* buffers outside RAM: past its end, in a device, wrapping, 4 GiB */
    static const struct {
        uint64_t addr;
        uint32_t len;
    } bad[] = {{RAM_BASE + RAM_SIZE - 4, 8},
               {0x08000000, 4},
               {0xfffffffffffffff0ull, 0x20},
               {RAM_BASE, 0xffffffffu},
               {RAM_BASE - 1, 2}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup(8);
        drv_set_desc(Q_DESC, 0, bad[i].addr, bad[i].len, 0, 0);
        CHECK_EQ(pop_head(8, 0), VIRTQ_E_BUFFER);
    }
    setup(8);
    drv_set_desc(Q_DESC, 0, Q_BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
    CHECK_EQ(pop_head(8, 0), VIRTQ_E_INDIRECT);
    setup(8);
    drv_set_desc(Q_DESC, 0, Q_BUF, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    drv_set_desc(Q_DESC, 1, Q_BUF, 16, 0, 0);
    CHECK_EQ(pop_head(8, 0), VIRTQ_E_ORDER);
    setup(8); /* the driver claims 9 new buffers in a queue of 8 */
    ((volatile struct virtq_avail *)at(Q_AVAIL))->idx = 9;
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_E_AVAIL_IDX);
}

/** Legal edge cases: a chain as long as the queue, zero-length buffers. */
static void test_edges(void)
{
    setup(8);
    for (unsigned i = 0; i < 8; i++)
        drv_set_desc(Q_DESC, i, Q_BUF + i, 1, i < 7 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    CHECK_EQ(pop_head(8, 0), VIRTQ_OK);
    CHECK_EQ(chain.count, 8);
    setup(8);
    drv_set_desc(Q_DESC, 0, 0, 0, VIRTQ_DESC_F_NEXT, 1); /* no buffer at all: skipped */
    drv_set_desc(Q_DESC, 1, Q_BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    CHECK_EQ(pop_head(8, 0), VIRTQ_OK);
    CHECK_EQ(chain.count, 1);
    CHECK_EQ(chain.in_len, 4);
    /* the queue's whole last buffer of RAM is fine */
    setup(8);
    drv_set_desc(Q_DESC, 0, RAM_BASE + RAM_SIZE - 8, 8, 0, 0);
    CHECK_EQ(pop_head(8, 0), VIRTQ_OK);
    CHECK(strcmp(virtq_strerror(VIRTQ_E_LOOP), "descriptor chain loops") == 0);
    CHECK(strcmp(virtq_strerror((enum virtq_result)99), "unknown") == 0);
}

/* The device asks for notifications or not (used.flags); turning them on
 * reports a buffer the driver added meanwhile, which got none. A new
 * setup starts with them on, whatever the ring held. */
static void test_notify_flag(void)
{
    struct virtq off = {0};
    CHECK(!virtq_set_notify(&off, false)); /* no queue: nothing happens */
    drv_used(Q_USED)->flags = VIRTQ_USED_F_NO_NOTIFY;
    setup(8);
    CHECK_EQ(drv_used(Q_USED)->flags, 0);
    CHECK(!virtq_set_notify(&q, false));
    CHECK_EQ(drv_used(Q_USED)->flags, VIRTQ_USED_F_NO_NOTIFY);
    drv_set_desc(Q_DESC, 0, Q_BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    drv_avail(Q_AVAIL, 8, 0);
    CHECK(virtq_set_notify(&q, true));
    CHECK_EQ(drv_used(Q_USED)->flags, 0);
    CHECK_EQ(virtq_pop(&q, &chain), VIRTQ_OK);
    CHECK(!virtq_set_notify(&q, true)); /* taken: none waits */
}

int main(void)
{
    test_setup_errors();
    test_chain();
    test_index_wrap();
    test_bad_chains();
    test_edges();
    test_notify_flag();
    free(ram);
    return test_done("test_virtq");
}
