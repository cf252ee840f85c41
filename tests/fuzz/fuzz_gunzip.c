/*
 * Fuzz target for gunzip(): the input as a gzip member, and again as a raw
 * deflate stream behind a fixed valid gzip header, so that inputs reach the
 * inflater without having to keep a header intact. Checked: the result is
 * in range and *out_len within the 1 MiB buffer; when the stream decoded to
 * its end (OK, or a CRC or ISIZE mismatch), the same result again with
 * exactly that much room, and GUNZIP_E_SPACE with one byte less.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "vmm/gunzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_SIZE (1u << 20)

static uint8_t out[OUT_SIZE];

static void check(const uint8_t *in, size_t len)
{
    size_t n = OUT_SIZE + 1, m = 0;
    enum gunzip_result r = gunzip(in, len, out, OUT_SIZE, &n);

    REQUIRE((unsigned)r < GUNZIP_E_COUNT && n <= OUT_SIZE);
    if (r != GUNZIP_OK && r != GUNZIP_E_CRC && r != GUNZIP_E_SIZE)
        return;
    REQUIRE(gunzip(in, len, out, n, &m) == r && m == n);
    if (n > 0)
        REQUIRE(gunzip(in, len, out, n - 1, &m) == GUNZIP_E_SPACE && m < n);
}

/** libFuzzer entry point; also driven by fuzz_gunzip_replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    uint8_t *raw = malloc(sizeof(header) + size); /* exactly sized: ASan sees overreads */

    check(data, size);
    REQUIRE(raw != NULL);
    memcpy(raw, header, sizeof(header));
    if (size > 0)
        memcpy(raw + sizeof(header), data, size);
    check(raw, sizeof(header) + size);
    free(raw);
    return 0;
}
