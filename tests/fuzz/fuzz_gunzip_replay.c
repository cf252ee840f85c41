/*
 * Runs fuzz_gunzip.c's target without libFuzzer: a deterministic
 * pseudo-random corpus (xorshift64*, fixed seed). Most inputs are valid
 * members made with the host's zlib (every level and strategy) and then
 * damaged: bits flipped, bytes overwritten, inserted or dropped, the end
 * cut off; a quarter carry every optional header field. Some are their deflate data alone, which
 * the target decodes behind its own header; a few are random bytes. argv[1] = number of inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "test_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SRC_MAX 8192u
#define BUF_MAX (2 * SRC_MAX + 1024)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

/** Data worth compressing: runs, repeats from earlier, a small alphabet, noise. */
static void make_source(uint8_t *p, size_t n)
{
    unsigned alphabet = 2u + (unsigned)(rnd() % 60);
    for (size_t i = 0; i < n;) {
        size_t len = 1 + rnd() % 200;
        unsigned kind = (unsigned)(rnd() % 4);
        for (size_t k = 0; k < len && i < n; k++, i++) {
            if (kind == 0 && i > 0)
                p[i] = p[i - 1];
            else if (kind == 1 && i > 300)
                p[i] = p[i - 300 + (size_t)(rnd() % 4 == 0)];
            else if (kind == 2)
                p[i] = (uint8_t)('a' + rnd() % alphabet);
            else
                p[i] = (uint8_t)rnd();
        }
    }
}

/** A valid member of up to SRC_MAX bytes; returns its size. */
static size_t make_member(uint8_t *buf)
{
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                     Z_FIXED};
    static uint8_t src[SRC_MAX];
    size_t n = rnd() % SRC_MAX;
    z_stream s;

    make_source(src, n);
    memset(&s, 0, sizeof(s));
    if (deflateInit2(&s, (int)(rnd() % 10), Z_DEFLATED, 31, 8 + (int)(rnd() % 2),
                     strategies[rnd() % 5]) != Z_OK)
        abort();
    if (rnd() % 4 == 0) { /* every optional header field */
        static uint8_t extra[] = {'C', 'V', 2, 0, 1, 2};
        static gz_header h = {.text = 1,
                              .extra = extra,
                              .extra_len = sizeof(extra),
                              .name = (Bytef *)"Image",
                              .comment = (Bytef *)"c",
                              .hcrc = 1};
        if (deflateSetHeader(&s, &h) != Z_OK)
            abort();
    }
    s.next_in = src;
    s.avail_in = (uInt)n;
    s.next_out = buf;
    s.avail_out = BUF_MAX;
    if (deflate(&s, Z_FINISH) != Z_STREAM_END)
        abort();
    deflateEnd(&s);
    return s.total_out;
}

/** One damage to buf[0, *len) (room for BUF_MAX). */
static void mutate(uint8_t *buf, size_t *len)
{
    size_t at = *len ? rnd() % *len : 0;
    switch (rnd() % 6) {
    case 0:
    case 1:
        if (*len)
            buf[at] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 2:
        if (*len)
            buf[at] = (uint8_t)rnd();
        break;
    case 3:
        *len = at;
        break;
    case 4:
        if (*len < BUF_MAX) {
            memmove(buf + at + 1, buf + at, *len - at);
            buf[at] = (uint8_t)rnd();
            (*len)++;
        }
        break;
    default:
        if (*len) {
            memmove(buf + at, buf + at + 1, *len - at - 1);
            (*len)--;
        }
        break;
    }
}

static size_t make_input(uint8_t *buf)
{
    unsigned kind = (unsigned)(rnd() % 8);
    size_t len;

    if (kind == 0) {
        len = rnd() % 512;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd();
        return len;
    }
    len = make_member(buf);
    if (kind == 1 || kind == 2) { /* the deflate data and trailer: raw in the target */
        memmove(buf, buf + 10, len - 10);
        len -= 10;
    }
    for (unsigned m = kind == 1 ? 0 : 1 + (unsigned)(rnd() % 4); m > 0; m--)
        mutate(buf, &len);
    return len;
}

int main(int argc, char **argv)
{
    static uint8_t buf[BUF_MAX];
    long runs = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;

    for (long i = 0; i < runs; i++) {
        size_t len = make_input(buf);
        LLVMFuzzerTestOneInput(buf, len);
    }
    printf("fuzz_gunzip_replay: %ld inputs ok\n", runs);
    return 0;
}
