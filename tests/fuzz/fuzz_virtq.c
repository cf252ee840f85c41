/*
 * libFuzzer target for the split virtqueue walker (virtq.h): the input is
 * a guest's whole RAM (rings, descriptors and buffers alike) plus the
 * queue's size and ring addresses, so every ring index, descriptor index,
 * flag, length and address is the fuzzer's. The device pops and pushes
 * until the queue is empty or broken; every segment it is given must lie
 * inside RAM, and a chain never holds more segments than the queue size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ram.h"
#include "vmm/virtq.h"

static struct virtq_chain chain;

static void check_chain(const struct virtq *q)
{
    REQUIRE(chain.count <= q->size && chain.out_count <= chain.count);
    uint64_t out = 0, in = 0;
    for (unsigned s = 0; s < chain.count; s++) {
        const struct virtq_seg *g = &chain.seg[s];
        REQUIRE(g->ptr >= fuzz_ram && g->len <= FUZZ_RAM_SIZE &&
                (size_t)(g->ptr - fuzz_ram) <= FUZZ_RAM_SIZE - g->len);
        *(s < chain.out_count ? &out : &in) += g->len;
    }
    REQUIRE(out == chain.out_len && in == chain.in_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct gmem mem = {{FUZZ_RAM_BASE}, FUZZ_RAM_SIZE, fuzz_map, NULL};
    struct virtq q;
    uint16_t qsize = (uint16_t)(1u << (fuzz_take(&data, &size, 1) % 10)); /* 1..512 */
    uint64_t desc = fuzz_ring_addr(&data, &size), avail = fuzz_ring_addr(&data, &size);
    uint64_t used = fuzz_ring_addr(&data, &size);
    memset(fuzz_ram, 0, sizeof(fuzz_ram));
    memcpy(fuzz_ram, data, size < FUZZ_RAM_SIZE ? size : FUZZ_RAM_SIZE);
    if (virtq_setup(&q, &mem, qsize, desc, avail, used) != VIRTQ_OK)
        return 0;
    for (unsigned i = 0; i < 2u * VIRTQ_SIZE_MAX; i++) {
        enum virtq_result r = virtq_pop(&q, &chain);
        if (r != VIRTQ_OK)
            break;
        check_chain(&q);
        uint8_t buf[64];
        (void)virtq_chain_read(&chain, i % 7, buf, sizeof(buf));
        size_t w = virtq_chain_write(&chain, i % 5, buf, sizeof(buf));
        REQUIRE(virtq_push(&q, &chain, (uint32_t)w + (uint32_t)(i % 5)) == VIRTQ_OK ||
                w + i % 5 > chain.in_len);
        (void)virtq_wants_interrupt(&q);
    }
    return 0;
}
