/*
 * libcap shared byte rings (sring.h): wrap-around, partial puts, and a
 * peer that lies about its index.
 */
#include <stdlib.h>

#include <cap/sring.h>

#include "test_vmm.h"

static struct sring r;

static void test_wrap(void)
{
    uint8_t in[1000], out[1000];
    uint32_t total = 0;
    memset(&r, 0, sizeof(r));
    r.head = r.tail = 0xfffffe00u; /* indices wrap too */
    for (int round = 0; round < 100; round++) {
        for (size_t i = 0; i < sizeof(in); i++)
            in[i] = (uint8_t)(total + i);
        CHECK_EQ(sring_put(&r, in, sizeof(in)), sizeof(in));
        CHECK_EQ(sring_count(&r), sizeof(in));
        memset(out, 0, sizeof(out));
        CHECK_EQ(sring_get(&r, out, 600), 600);
        CHECK_EQ(sring_get(&r, out + 600, 1000), 400);
        CHECK(memcmp(in, out, sizeof(in)) == 0);
        total += sizeof(in);
    }
    CHECK_EQ(sring_count(&r), 0);
    CHECK_EQ(sring_get(&r, out, 10), 0);
}

static void test_full(void)
{
    static uint8_t big[SRING_DATA + 100];
    memset(&r, 0, sizeof(r));
    CHECK_EQ(sring_put(&r, big, sizeof(big)), SRING_DATA);
    CHECK_EQ(sring_put(&r, big, 1), 0);
    CHECK_EQ(sring_get(&r, big, 10), 10);
    CHECK_EQ(sring_put(&r, big, 20), 10);
    CHECK(sring_ok(&r));
}

static void test_lies(void)
{
    uint8_t out[16];
    memset(&r, 0, sizeof(r));
    r.head = SRING_DATA + 1; /* more than the ring holds */
    CHECK(!sring_ok(&r));
    CHECK_EQ(sring_count(&r), SRING_DATA + 1);
    CHECK_EQ(sring_get(&r, out, sizeof(out)), 0);
    CHECK_EQ(sring_put(&r, out, sizeof(out)), 0); /* a producer gets no room either */
    sring_reset(&r);
    CHECK(sring_ok(&r));
    CHECK_EQ(sring_count(&r), 0);
    r.tail = r.head + 5; /* a consumer ahead of the producer */
    CHECK(!sring_ok(&r));
    CHECK_EQ(sring_put(&r, out, sizeof(out)), 0);
}

/** A producer that moves the shared tail back gets nothing read twice. */
static void test_own_tail(void)
{
    uint8_t out[8];
    uint32_t tail = 0;
    memset(&r, 0, sizeof(r));
    CHECK_EQ(sring_put(&r, "abcdef", 6), 6);
    CHECK_EQ(sring_take(&r, &tail, out, 6), 6);
    CHECK_EQ(r.tail, 6);
    r.tail = 0; /* the peer lies */
    CHECK_EQ(sring_take(&r, &tail, out, 6), 0);
    CHECK_EQ(r.tail, 6); /* our own tail is what is published again */
    r.head = 6 + SRING_DATA + 1;
    CHECK_EQ(sring_take(&r, &tail, out, 6), 0);
    CHECK_EQ(tail, 6);
}

int main(void)
{
    test_wrap();
    test_full();
    test_lies();
    test_own_tail();
    return test_done("test_sring");
}
