/*
 * gzip (RFC 1952) and DEFLATE (RFC 1951) decompression into a caller's
 * buffer: the VMM inflates a gzip copy of a guest kernel Image straight
 * into guest RAM. No allocation, no static mutable state, under 12 KiB of
 * stack; the input is untrusted, so every read, write and back-reference
 * is bounds checked and a corrupt file gives an error, never a fault.
 *
 * Choices the RFCs leave to a decoder:
 *   - Huffman codes must be complete. The one exception, as zlib makes it,
 *     is a literal/length or distance code with a single symbol of length
 *     1 (RFC 1951 3.2.7: "one distance code ... is encoded using one bit");
 *     the unused bit pattern then decodes as corrupt data. A distance code
 *     with no symbols at all (a block of literals only) is accepted too.
 *   - A dynamic block may declare at most 30 distance codes, as zlib
 *     enforces: HDIST's field could say 32, but codes 30-31 never occur
 *     (3.2.5). Literal/length 286-287 and distance 30-31 in the data, as
 *     the fixed code could send them, are corrupt data.
 *   - Exactly one gzip member: bytes after its trailer are accepted only if
 *     all are zero (padding); anything else, such as a second member, is
 *     GUNZIP_E_HEADER.
 */
#ifndef VMM_GUNZIP_H
#define VMM_GUNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Why gunzip() failed. gunzip_strerror() names each. */
enum gunzip_result {
    GUNZIP_OK = 0,
    GUNZIP_E_HEADER,    /* not gzip or not deflate, bad flags or header CRC, trailing data */
    GUNZIP_E_TRUNCATED, /* the input ends before the member does */
    GUNZIP_E_DATA,      /* corrupt deflate stream */
    GUNZIP_E_SPACE,     /* the output would exceed out_cap */
    GUNZIP_E_CRC,       /* CRC-32 of the output differs from the trailer's */
    GUNZIP_E_SIZE,      /* output length mod 2^32 differs from the trailer's ISIZE */
    GUNZIP_E_COUNT
};

/**
 * Decompresses the one gzip member in in[0, in_len) into out[0, out_cap).
 * *out_len is set to the bytes written, also on error (for the report);
 * nothing at or after out[*out_len] is written. Header fields FTEXT, FHCRC
 * (checked), FEXTRA, FNAME and FCOMMENT are accepted and skipped.
 */
enum gunzip_result gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len);

/**
 * The trailer's ISIZE (the last 4 bytes: uncompressed length mod 2^32), if
 * in[] starts with the gzip magic and method 8 and is long enough to hold a
 * member. A cheap size check before inflating; it assumes the member ends
 * the buffer (no padding) and is not verified until gunzip() runs.
 */
bool gunzip_isize(const uint8_t *in, size_t in_len, uint32_t *isize);

/** A short English reason for `r`; "unknown" out of range. */
const char *gunzip_strerror(enum gunzip_result r);

/**
 * CRC-32 as gzip uses it (IEEE 802.3 polynomial, reflected, pre- and
 * post-inverted), continued from `crc`: start with 0, and
 * gunzip_crc32(gunzip_crc32(0, a, n), b, m) is the CRC of a then b.
 */
uint32_t gunzip_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif /* VMM_GUNZIP_H */
