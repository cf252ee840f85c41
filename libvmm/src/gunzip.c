/*
 * gzip member (RFC 1952 2.3) and DEFLATE stream (RFC 1951) decoding, fast
 * enough under QEMU TCG for a 27 MB kernel and safe on hostile input.
 *
 * Bits (RFC 1951 3.1.1) come LSB first from a 64-bit buffer, refilled 8
 * bytes at a time while 8 input bytes remain and a byte at a time after
 * that. Past the end of the input the buffer reads as zeros and `cnt`, the
 * real bits it holds, goes negative, so no decoder tests for the end before
 * each code: a negative cnt turns whatever came of those zeros (a bad code,
 * a bad distance, a full buffer, even success) into GUNZIP_E_TRUNCATED.
 *
 * A Huffman code (3.2.2) decodes through a table indexed by the next `root`
 * input bits (10 for literal/length, 8 for distance, 7 for code lengths):
 * the entry gives the symbol's meaning and the code's length. The rarer
 * codes longer than root bits share their first root bits with few others;
 * that primary entry links to a sub-table indexed by the bits after them,
 * sized for the longest code under it. Distances are checked against the
 * bytes written so far: the output buffer is the whole window.
 *
 * Entries (uint32_t): bits 0-7 the code length in bits, 8-15 an operation,
 * 16-31 its value:
 *   OP_BAD             no such code, or symbol 286/287 or distance 30/31
 *   OP_BASE | extra    a length or distance base, then `extra` bits to add
 *   OP_EOB             end of block (symbol 256)
 *   OP_LIT             a literal byte (or a code-length symbol 0-18)
 *   OP_SUB | bits      link to a sub-table of 2^bits entries at index value
 */
#include <string.h>

#include "vmm/gunzip.h"

#define OP_BAD  0x00u
#define OP_BASE 0x10u
#define OP_EOB  0x20u
#define OP_LIT  0x40u
#define OP_SUB  0x80u
#define OP_ARG  0x0fu /* extra bits of OP_BASE, index bits of OP_SUB */

#define MAX_BITS  15u /* longest Huffman code (3.2.7) */
#define LIT_ROOT  10u
#define DIST_ROOT 8u
#define CL_ROOT   7u   /* code length codes are at most 7 bits: no sub-tables */
#define LIT_MAX   286u /* HLIT's range is 257-286 (3.2.7) */
#define DIST_MAX  30u  /* HDIST's is 1-32, but codes 30-31 never occur (3.2.5): see gunzip.h */
#define CL_COUNT  19u
#define FIX_LIT   288u /* the fixed code (3.2.6) has codes for 286-287 and 30-31 too */
#define FIX_DIST  32u

/*
 * The most entries a complete code can need: 2^root plus its sub-tables.
 * Found by exhaustive search over the code length counts (codes take their
 * root slots in canonical order, so a dynamic program over lengths covers
 * every shape): 286 symbols with a 10-bit root need 1024 + 308, 30 with an
 * 8-bit root 256 + 144. huff_build() checks the bound all the same.
 */
#define LIT_ENOUGH  1332u
#define DIST_ENOUGH 400u

/* Bits one length/distance pair can use: codes 15 + 15, extra 5 + 13. */
#define PAIR_BITS 48

#define GZ_ID1       0x1fu
#define GZ_ID2       0x8bu
#define GZ_DEFLATE   8u
#define GZ_FHCRC     0x02u
#define GZ_FEXTRA    0x04u
#define GZ_FNAME     0x08u
#define GZ_FCOMMENT  0x10u
#define GZ_FRESERVED 0xe0u
#define GZ_HDR_SIZE  10u
#define GZ_TRAILER   8u
#define GZ_MIN_SIZE  (GZ_HDR_SIZE + 2u + GZ_TRAILER) /* fixed block holding only EOB: 10 bits */

/** The input as a bit stream (RFC 1951 3.1.1). */
struct gz_bits {
    const uint8_t *in;
    size_t len;
    size_t pos;   /* in[pos] is the next byte not yet counted in cnt */
    uint64_t buf; /* next bits, LSB first; above cnt: zero or the bytes from in[pos] on */
    int cnt;      /* real bits in buf; negative once zeros past the end were used */
};

/** The output buffer: the decoded data and the window back-references read. */
struct gz_out {
    uint8_t *p;
    size_t cap;
    size_t pos;
};

/** A block's two codes (3.2.5); `dist` also holds the code length code. */
struct gz_tables {
    uint32_t lit[LIT_ENOUGH];
    uint32_t dist[DIST_ENOUGH];
};

/** Which alphabet a code decodes: decides each symbol's table entry. */
enum huff_kind { HUFF_CL, HUFF_LIT, HUFF_DIST };

static inline unsigned e_bits(uint32_t e)
{
    return e & 0xffu;
}

static inline unsigned e_op(uint32_t e)
{
    return (e >> 8) & 0xffu;
}

static inline unsigned e_val(uint32_t e)
{
    return e >> 16;
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;

    __builtin_memcpy(&v, p, sizeof(v)); /* a plain load, also under -ffreestanding */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static uint32_t load_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- CRC-32 (RFC 1952 8, ISO 3309) ----------------------------------- */

/*
 * Slice-by-8 tables: crc_tab[k][b] is the CRC register after byte b and
 * then k zero bytes. The CRC is linear over GF(2), so each entry is the XOR
 * of the entries of b's set bits: the 8 values each table row is built from
 * (row 0, bit 7 is the reflected polynomial 0xedb88320).
 */
#define CRC_E(b, c0, c1, c2, c3, c4, c5, c6, c7)                                                   \
    (((1u & (b)) ? (c0) : 0u) ^ ((2u & (b)) ? (c1) : 0u) ^ ((4u & (b)) ? (c2) : 0u) ^              \
     ((8u & (b)) ? (c3) : 0u) ^ ((16u & (b)) ? (c4) : 0u) ^ ((32u & (b)) ? (c5) : 0u) ^            \
     ((64u & (b)) ? (c6) : 0u) ^ ((128u & (b)) ? (c7) : 0u))
#define CRC_R4(b, ...)                                                                             \
    CRC_E((b), __VA_ARGS__), CRC_E((b) + 1u, __VA_ARGS__), CRC_E((b) + 2u, __VA_ARGS__),           \
        CRC_E((b) + 3u, __VA_ARGS__)
#define CRC_R16(b, ...)                                                                            \
    CRC_R4((b), __VA_ARGS__), CRC_R4((b) + 4u, __VA_ARGS__), CRC_R4((b) + 8u, __VA_ARGS__),        \
        CRC_R4((b) + 12u, __VA_ARGS__)
#define CRC_R64(b, ...)                                                                            \
    CRC_R16((b), __VA_ARGS__), CRC_R16((b) + 16u, __VA_ARGS__), CRC_R16((b) + 32u, __VA_ARGS__),   \
        CRC_R16((b) + 48u, __VA_ARGS__)
#define CRC_ROW(...)                                                                               \
    {                                                                                              \
        CRC_R64(0u, __VA_ARGS__), CRC_R64(64u, __VA_ARGS__), CRC_R64(128u, __VA_ARGS__),           \
            CRC_R64(192u, __VA_ARGS__)                                                             \
    }

static const uint32_t crc_tab[8][256] = {
    CRC_ROW(0x77073096u, 0xee0e612cu, 0x076dc419u, 0x0edb8832u, 0x1db71064u, 0x3b6e20c8u,
            0x76dc4190u, 0xedb88320u),
    CRC_ROW(0x191b3141u, 0x32366282u, 0x646cc504u, 0xc8d98a08u, 0x4ac21251u, 0x958424a2u,
            0xf0794f05u, 0x3b83984bu),
    CRC_ROW(0x01c26a37u, 0x0384d46eu, 0x0709a8dcu, 0x0e1351b8u, 0x1c26a370u, 0x384d46e0u,
            0x709a8dc0u, 0xe1351b80u),
    CRC_ROW(0xb8bc6765u, 0xaa09c88bu, 0x8f629757u, 0xc5b428efu, 0x5019579fu, 0xa032af3eu,
            0x9b14583du, 0xed59b63bu),
    CRC_ROW(0x3d6029b0u, 0x7ac05360u, 0xf580a6c0u, 0x30704bc1u, 0x60e09782u, 0xc1c12f04u,
            0x58f35849u, 0xb1e6b092u),
    CRC_ROW(0xcb5cd3a5u, 0x4dc8a10bu, 0x9b914216u, 0xec53826du, 0x03d6029bu, 0x07ac0536u,
            0x0f580a6cu, 0x1eb014d8u),
    CRC_ROW(0xa6770bb4u, 0x979f1129u, 0xf44f2413u, 0x33ef4e67u, 0x67de9cceu, 0xcfbd399cu,
            0x440b7579u, 0x8816eaf2u),
    CRC_ROW(0xccaa009eu, 0x4225077du, 0x844a0efau, 0xd3e51bb5u, 0x7cbb312bu, 0xf9766256u,
            0x299dc2edu, 0x533b85dau),
};

/** Eight bytes a step: one table lookup per byte, no dependency between them. */
uint32_t gunzip_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t c = ~crc;

    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w = load_le64(p) ^ c;
        c = crc_tab[7][w & 0xffu] ^ crc_tab[6][(w >> 8) & 0xffu] ^ crc_tab[5][(w >> 16) & 0xffu] ^
            crc_tab[4][(w >> 24) & 0xffu] ^ crc_tab[3][(w >> 32) & 0xffu] ^
            crc_tab[2][(w >> 40) & 0xffu] ^ crc_tab[1][(w >> 48) & 0xffu] ^ crc_tab[0][w >> 56];
    }
    for (; n > 0; n--, p++)
        c = (c >> 8) ^ crc_tab[0][(c ^ *p) & 0xffu];
    return ~c;
}

/* ---- Bit input --------------------------------------------------------- */

/** The slow end of bits_refill(): the last bytes, one by one. */
static void bits_refill_tail(struct gz_bits *b)
{
    while (b->cnt >= 0 && b->cnt <= 56 && b->pos < b->len) {
        b->buf |= (uint64_t)b->in[b->pos++] << b->cnt;
        b->cnt += 8;
    }
}

/**
 * At least 56 real bits while 8 input bytes remain. The 8-byte load puts
 * bytes above cnt that it does not count yet; the next load ORs the same
 * bits into the same places.
 */
static inline void bits_refill(struct gz_bits *b)
{
    if (b->len - b->pos >= 8) {
        b->buf |= load_le64(b->in + b->pos) << b->cnt;
        b->pos += (size_t)(63 - b->cnt) >> 3;
        b->cnt |= 56;
    } else {
        bits_refill_tail(b);
    }
}

static inline void bits_drop(struct gz_bits *b, unsigned n)
{
    b->buf >>= n;
    b->cnt -= (int)n;
}

/** The next n (<= 16) bits as a number, first bit least significant. */
static inline uint32_t bits_get(struct gz_bits *b, unsigned n)
{
    if (b->cnt < (int)n)
        bits_refill(b);
    uint32_t v = (uint32_t)b->buf & ((1u << n) - 1u);
    bits_drop(b, n);
    return v;
}

/** The entry for the code starting the buffer (at least MAX_BITS bits in it). */
static inline uint32_t huff_decode(const uint32_t *t, unsigned root, uint64_t buf)
{
    uint32_t e = t[buf & ((1u << root) - 1u)];

    if (e_op(e) & OP_SUB)
        e = t[e_val(e) + ((buf >> root) & ((1u << (e_op(e) & OP_ARG)) - 1u))];
    return e;
}

/** Reads the code at the head of the buffer: its entry, the code dropped. */
static inline uint32_t bits_code(struct gz_bits *b, const uint32_t *t, unsigned root)
{
    uint32_t e = huff_decode(t, root, b->buf);

    bits_drop(b, e_bits(e));
    return e;
}

/** A base entry's value plus its extra bits (3.2.5). */
static inline uint32_t bits_base(struct gz_bits *b, uint32_t e)
{
    unsigned n = e_op(e) & OP_ARG;
    uint32_t v = e_val(e) + ((uint32_t)b->buf & ((1u << n) - 1u));

    bits_drop(b, n);
    return v;
}

/** An error found while reading: truncation instead if zeros past the end were read. */
static enum gunzip_result bits_fail(const struct gz_bits *b, enum gunzip_result r)
{
    return b->cnt < 0 ? GUNZIP_E_TRUNCATED : r;
}

/* ---- Huffman tables (RFC 1951 3.2.2) ----------------------------------- */

static uint32_t entry(unsigned bits, unsigned op, unsigned val)
{
    return (uint32_t)val << 16 | op << 8 | bits;
}

/**
 * Literal/length symbol `sym` (3.2.5): 0-255 literals, 256 end of block,
 * lengths 3-10 for 257-264, then groups of four with one more extra bit
 * each (265-268: 11-17, 1 bit ... 281-284: 131-257, 5 bits), 285 is 258.
 */
static uint32_t huff_lit_entry(unsigned sym, unsigned bits)
{
    if (sym < 256)
        return entry(bits, OP_LIT, sym);
    if (sym == 256)
        return entry(bits, OP_EOB, 0);
    if (sym < 265)
        return entry(bits, OP_BASE, sym - 254);
    if (sym < 285) {
        unsigned i = sym - 257, extra = (i >> 2) - 1;
        return entry(bits, OP_BASE | extra, 3 + ((4 + (i & 3u)) << extra));
    }
    return entry(bits, sym == 285 ? OP_BASE : OP_BAD, 258);
}

/** Distance symbol `sym` (3.2.5): 1-4 for 0-3, then pairs with one more extra bit each. */
static uint32_t huff_dist_entry(unsigned sym, unsigned bits)
{
    if (sym < 4)
        return entry(bits, OP_BASE, sym + 1);
    if (sym < DIST_MAX) {
        unsigned extra = (sym >> 1) - 1;
        return entry(bits, OP_BASE | extra, 1 + ((2 + (sym & 1u)) << extra));
    }
    return entry(bits, OP_BAD, 0);
}

static uint32_t huff_entry(enum huff_kind kind, unsigned sym, unsigned bits)
{
    if (kind == HUFF_LIT)
        return huff_lit_entry(sym, bits);
    if (kind == HUFF_DIST)
        return huff_dist_entry(sym, bits);
    return entry(bits, OP_LIT, sym);
}

/**
 * Whether code lengths with these counts make a usable prefix code:
 * never over-subscribed; complete, except a literal/length or distance
 * code of one 1-bit code, or a distance code with no codes (see gunzip.h).
 */
static bool huff_usable(const uint16_t *count, enum huff_kind kind)
{
    int left = 1; /* codes of the current length still free */
    unsigned total = 0;

    for (unsigned len = 1; len <= MAX_BITS; len++) {
        left = 2 * left - count[len];
        if (left < 0)
            return false;
        total += count[len];
    }
    if (left == 0)
        return true;
    if (kind == HUFF_CL)
        return false;
    return total == 0 ? kind == HUFF_DIST : total == 1 && count[1] == 1;
}

/** The first code of each length (3.2.2 step 2). */
static void huff_first_codes(const uint16_t *count, uint32_t *next)
{
    uint32_t code = 0;

    for (unsigned len = 1; len <= MAX_BITS; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
}

/** Codes are sent MSB first (3.1.1), so a table indexed by input bits wants them reversed. */
static unsigned reverse(uint32_t code, unsigned len)
{
    unsigned r = 0;

    for (unsigned i = 0; i < len; i++, code >>= 1)
        r = (r << 1) | (code & 1u);
    return r;
}

/**
 * Links each primary slot that codes longer than root bits start in to a
 * sub-table after the primary table, sized for the longest of those codes.
 * Returns the entries used, 0 past `cap`.
 */
static unsigned huff_link(uint32_t *t, unsigned cap, unsigned root, const uint8_t *lens, unsigned n,
                          uint32_t *next)
{
    unsigned size = 1u << root;

    for (unsigned sym = 0; sym < n; sym++) {
        unsigned len = lens[sym];
        if (len == 0)
            continue;
        unsigned slot = reverse(next[len]++, len) & (size - 1);
        if (len > root && len - root > t[slot])
            t[slot] = len - root; /* the slot holds the sub-table's bits for now */
    }
    for (unsigned slot = 0; slot < 1u << root; slot++) {
        unsigned bits = t[slot];
        if (bits == 0)
            continue;
        if (size + (1u << bits) > cap)
            return 0;
        memset(t + size, 0, sizeof(*t) << bits);
        t[slot] = entry(root, OP_SUB | bits, size);
        size += 1u << bits;
    }
    return size;
}

/** Writes entry e wherever the reversed code `rev` of `len` bits leads. */
static void huff_put(uint32_t *t, unsigned root, unsigned rev, unsigned len, uint32_t e)
{
    unsigned end = 1u << root, step = 1u << len;

    if (len > root) {
        uint32_t link = t[rev & (end - 1)];
        t += e_val(link);
        end = 1u << (e_op(link) & OP_ARG);
        step = 1u << (len - root);
        rev >>= root;
    }
    for (unsigned i = rev; i < end; i += step)
        t[i] = e;
}

/**
 * Fills t[] (room for `cap` entries) to decode the canonical code with
 * code lengths lens[0, n) (3.2.2). Entries no code reaches stay OP_BAD.
 */
static bool huff_build(uint32_t *t, unsigned cap, unsigned root, const uint8_t *lens, unsigned n,
                       enum huff_kind kind)
{
    uint16_t count[MAX_BITS + 1] = {0};
    uint32_t next[MAX_BITS + 1];

    for (unsigned sym = 0; sym < n; sym++)
        count[lens[sym]]++;
    count[0] = 0;
    if (!huff_usable(count, kind))
        return false;
    memset(t, 0, sizeof(*t) << root);
    huff_first_codes(count, next);
    if (huff_link(t, cap, root, lens, n, next) == 0)
        return false;
    huff_first_codes(count, next);
    for (unsigned sym = 0; sym < n; sym++) {
        unsigned len = lens[sym];
        if (len != 0)
            huff_put(t, root, reverse(next[len]++, len), len, huff_entry(kind, sym, len));
    }
    return true;
}

/* ---- Blocks (RFC 1951 3.2.3-3.2.7) ------------------------------------- */

/** The fixed codes of block type 1 (3.2.6). */
static bool gz_fixed(struct gz_tables *tab)
{
    uint8_t lens[FIX_LIT + FIX_DIST];

    memset(lens, 8, 144);
    memset(lens + 144, 9, 256 - 144);
    memset(lens + 256, 7, 280 - 256);
    memset(lens + 280, 8, FIX_LIT - 280);
    memset(lens + FIX_LIT, 5, FIX_DIST);
    return huff_build(tab->lit, LIT_ENOUGH, LIT_ROOT, lens, FIX_LIT, HUFF_LIT) &&
           huff_build(tab->dist, DIST_ENOUGH, DIST_ROOT, lens + FIX_LIT, FIX_DIST, HUFF_DIST);
}

/** Reads n code lengths coded with the code length code `cl`: 16 repeats, 17-18 are zeros. */
static enum gunzip_result gz_lengths(struct gz_bits *b, const uint32_t *cl, uint8_t *lens,
                                     unsigned n)
{
    for (unsigned i = 0; i < n;) {
        if (b->cnt < 16) /* a 7-bit code and 7 extra bits */
            bits_refill(b);
        unsigned sym = e_val(bits_code(b, cl, CL_ROOT)), val = 0, rep;
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return bits_fail(b, GUNZIP_E_DATA);
            val = lens[i - 1];
            rep = 3 + bits_get(b, 2);
        } else {
            rep = sym == 17 ? 3 + bits_get(b, 3) : 11 + bits_get(b, 7);
        }
        if (rep > n - i)
            return bits_fail(b, GUNZIP_E_DATA);
        memset(lens + i, (int)val, rep);
        i += rep;
    }
    return bits_fail(b, GUNZIP_OK);
}

/** Block type 2's header (3.2.7): the code length code, then both codes' lengths. */
static enum gunzip_result gz_dynamic(struct gz_bits *b, struct gz_tables *tab)
{
    static const uint8_t order[CL_COUNT] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                            11, 4,  12, 3, 13, 2, 14, 1, 15};
    uint8_t cl[CL_COUNT] = {0};
    uint8_t lens[LIT_MAX + DIST_MAX] = {0}; /* gz_lengths() fills nlit + ndist */
    unsigned nlit = 257 + bits_get(b, 5);
    unsigned ndist = 1 + bits_get(b, 5);
    unsigned ncl = 4 + bits_get(b, 4);

    if (nlit > LIT_MAX || ndist > DIST_MAX)
        return bits_fail(b, GUNZIP_E_DATA);
    for (unsigned i = 0; i < ncl; i++)
        cl[order[i]] = (uint8_t)bits_get(b, 3);
    if (!huff_build(tab->dist, DIST_ENOUGH, CL_ROOT, cl, CL_COUNT, HUFF_CL))
        return bits_fail(b, GUNZIP_E_DATA);
    enum gunzip_result r = gz_lengths(b, tab->dist, lens, nlit + ndist);
    if (r != GUNZIP_OK)
        return r;
    if (lens[256] == 0 || /* no end of block: the block could never end */
        !huff_build(tab->lit, LIT_ENOUGH, LIT_ROOT, lens, nlit, HUFF_LIT) ||
        !huff_build(tab->dist, DIST_ENOUGH, DIST_ROOT, lens + nlit, ndist, HUFF_DIST))
        return GUNZIP_E_DATA;
    return GUNZIP_OK;
}

/**
 * Copies a match of len bytes from dist back (3.2.3). When dist < len the
 * source overlaps the bytes being written, repeating the last dist bytes.
 */
static inline void gz_copy(uint8_t *d, size_t dist, size_t len)
{
    const uint8_t *s = d - dist;

    if (dist == 1) {
        memset(d, *s, len);
        return;
    }
    if (dist >= 8) { /* each 8-byte source lies wholly before its destination */
        for (; len >= 8; len -= 8, d += 8, s += 8)
            __builtin_memcpy(d, s, 8);
    }
    while (len-- > 0)
        *d++ = *s++;
}

/**
 * Decodes one Huffman-coded block's literals and matches until end of
 * block. The hot loop: locals for the bit reader and output, one refill per
 * symbol or pair (PAIR_BITS), and no end-of-input test beyond cnt < 0.
 */
static enum gunzip_result gz_codes(struct gz_bits *bp, struct gz_out *o, const struct gz_tables *t)
{
    struct gz_bits b = *bp;
    uint8_t *out = o->p;
    size_t pos = o->pos, cap = o->cap;
    enum gunzip_result r = GUNZIP_E_DATA;

    for (;;) {
        if (b.cnt < PAIR_BITS) {
            if (b.cnt < 0)
                break;
            bits_refill(&b);
        }
        uint32_t e = bits_code(&b, t->lit, LIT_ROOT);
        if (e_op(e) == OP_LIT) {
            if (pos == cap) {
                r = GUNZIP_E_SPACE;
                break;
            }
            out[pos++] = (uint8_t)e_val(e);
            continue;
        }
        if (!(e_op(e) & OP_BASE)) {
            r = e_op(e) == OP_EOB ? GUNZIP_OK : GUNZIP_E_DATA;
            break;
        }
        size_t len = bits_base(&b, e);
        e = bits_code(&b, t->dist, DIST_ROOT);
        if (!(e_op(e) & OP_BASE))
            break;
        size_t dist = bits_base(&b, e);
        if (dist > pos)
            break;
        if (len > cap - pos) {
            r = GUNZIP_E_SPACE;
            break;
        }
        gz_copy(out + pos, dist, len);
        pos += len;
    }
    *bp = b;
    o->pos = pos;
    return bits_fail(&b, r);
}

/** Block type 0 (3.2.4): LEN and its complement NLEN, then LEN bytes as they are. */
static enum gunzip_result gz_stored(struct gz_bits *b, struct gz_out *o)
{
    if (b->cnt < 0)
        return GUNZIP_E_TRUNCATED;
    bits_drop(b, (unsigned)b->cnt & 7u); /* to the byte boundary */
    uint32_t len = bits_get(b, 16);
    uint32_t nlen = bits_get(b, 16);
    if (b->cnt < 0)
        return GUNZIP_E_TRUNCATED;
    if (nlen != (len ^ 0xffffu))
        return GUNZIP_E_DATA;
    /* Give the whole bytes still buffered back to the input, then copy straight from it. */
    b->pos -= (size_t)b->cnt >> 3;
    b->buf = 0;
    b->cnt = 0;
    if (len > b->len - b->pos)
        return GUNZIP_E_TRUNCATED;
    if (len > o->cap - o->pos)
        return GUNZIP_E_SPACE;
    if (len > 0) /* out may be NULL when out_cap is 0 */
        memcpy(o->p + o->pos, b->in + b->pos, len);
    b->pos += len;
    o->pos += len;
    return GUNZIP_OK;
}

/** One block of any type (3.2.3); *last is its BFINAL bit. */
static enum gunzip_result gz_block(struct gz_bits *b, struct gz_out *o, struct gz_tables *tab,
                                   bool *last)
{
    *last = bits_get(b, 1) != 0;
    switch (bits_get(b, 2)) {
    case 0:
        return gz_stored(b, o);
    case 1:
        if (!gz_fixed(tab))
            return GUNZIP_E_DATA;
        return gz_codes(b, o, tab);
    case 2: {
        enum gunzip_result r = gz_dynamic(b, tab);
        return r != GUNZIP_OK ? r : gz_codes(b, o, tab);
    }
    default: /* 3 is reserved */
        return bits_fail(b, GUNZIP_E_DATA);
    }
}

/** The blocks up to the last, CRC-32 of each block's output taken while it is in cache. */
static enum gunzip_result gz_inflate(struct gz_bits *b, struct gz_out *o, uint32_t *crc)
{
    struct gz_tables tab;
    enum gunzip_result r;
    bool last;

    do {
        size_t start = o->pos;
        r = gz_block(b, o, &tab, &last);
        if (o->pos > start)
            *crc = gunzip_crc32(*crc, o->p + start, o->pos - start);
    } while (r == GUNZIP_OK && !last);
    return r;
}

/* ---- gzip member (RFC 1952 2.3) ---------------------------------------- */

/** Steps past a zero-terminated FNAME or FCOMMENT. */
static enum gunzip_result gz_skip_string(const uint8_t *in, size_t len, size_t *pos)
{
    size_t p = *pos;

    while (p < len && in[p] != 0)
        p++;
    if (p == len)
        return GUNZIP_E_TRUNCATED;
    *pos = p + 1;
    return GUNZIP_OK;
}

/** The optional fields after the fixed 10 bytes, in the order 2.3 gives them. */
static enum gunzip_result gz_header_extra(const uint8_t *in, size_t len, unsigned flg, size_t *pos)
{
    enum gunzip_result r = GUNZIP_OK;

    if (flg & GZ_FEXTRA) {
        if (len - *pos < 2)
            return GUNZIP_E_TRUNCATED;
        size_t xlen = in[*pos] | (size_t)in[*pos + 1] << 8;
        *pos += 2;
        if (len - *pos < xlen)
            return GUNZIP_E_TRUNCATED;
        *pos += xlen;
    }
    if (flg & GZ_FNAME)
        r = gz_skip_string(in, len, pos);
    if (r == GUNZIP_OK && (flg & GZ_FCOMMENT))
        r = gz_skip_string(in, len, pos);
    return r;
}

/** Checks the header and finds where the deflate data starts (*pos). */
static enum gunzip_result gz_header(const uint8_t *in, size_t len, size_t *pos)
{
    static const uint8_t magic[3] = {GZ_ID1, GZ_ID2, GZ_DEFLATE};

    for (size_t i = 0; i < sizeof(magic); i++) {
        if (i == len)
            return GUNZIP_E_TRUNCATED;
        if (in[i] != magic[i])
            return GUNZIP_E_HEADER;
    }
    if (len < GZ_HDR_SIZE)
        return GUNZIP_E_TRUNCATED;
    unsigned flg = in[3];
    if (flg & GZ_FRESERVED)
        return GUNZIP_E_HEADER;
    *pos = GZ_HDR_SIZE;
    enum gunzip_result r = gz_header_extra(in, len, flg, pos);
    if (r != GUNZIP_OK || !(flg & GZ_FHCRC))
        return r;
    if (len - *pos < 2)
        return GUNZIP_E_TRUNCATED;
    uint32_t crc16 = in[*pos] | (uint32_t)in[*pos + 1] << 8;
    if (crc16 != (gunzip_crc32(0, in, *pos) & 0xffffu))
        return GUNZIP_E_HEADER;
    *pos += 2;
    return GUNZIP_OK;
}

/** CRC32 and ISIZE (2.3.1), then nothing but zero padding. */
static enum gunzip_result gz_trailer(const uint8_t *in, size_t len, size_t pos, uint32_t crc,
                                     size_t out_len)
{
    if (len - pos < GZ_TRAILER)
        return GUNZIP_E_TRUNCATED;
    if (load_le32(in + pos) != crc)
        return GUNZIP_E_CRC;
    if (load_le32(in + pos + 4) != (uint32_t)out_len)
        return GUNZIP_E_SIZE;
    for (size_t i = pos + GZ_TRAILER; i < len; i++) {
        if (in[i] != 0)
            return GUNZIP_E_HEADER;
    }
    return GUNZIP_OK;
}

/** Header, deflate stream, trailer (RFC 1952 2.2-2.3). */
enum gunzip_result gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len)
{
    struct gz_bits b = {in, in_len, 0, 0, 0};
    struct gz_out o = {out, out_cap, 0};
    uint32_t crc = 0;

    *out_len = 0;
    enum gunzip_result r = gz_header(in, in_len, &b.pos);
    if (r != GUNZIP_OK)
        return r;
    r = gz_inflate(&b, &o, &crc);
    *out_len = o.pos;
    if (r != GUNZIP_OK)
        return r;
    /* The stream ends inside a byte: the trailer starts at the next one. */
    size_t end = b.pos - (size_t)b.cnt / 8;
    return gz_trailer(in, in_len, end, crc, o.pos);
}

/** Magic and method checked, the last 4 bytes (RFC 1952 2.3.1). */
bool gunzip_isize(const uint8_t *in, size_t in_len, uint32_t *isize)
{
    if (in_len < GZ_MIN_SIZE || in[0] != GZ_ID1 || in[1] != GZ_ID2 || in[2] != GZ_DEFLATE)
        return false;
    *isize = load_le32(in + in_len - 4);
    return true;
}

/** Names each gunzip_result. */
const char *gunzip_strerror(enum gunzip_result r)
{
    static const char *const msg[GUNZIP_E_COUNT] = {
        [GUNZIP_OK] = "ok",
        [GUNZIP_E_HEADER] = "not gzip with deflate, bad header flags or CRC, or data after it",
        [GUNZIP_E_TRUNCATED] = "input ends inside the gzip member",
        [GUNZIP_E_DATA] = "corrupt deflate data",
        [GUNZIP_E_SPACE] = "output larger than the buffer",
        [GUNZIP_E_CRC] = "CRC-32 of the output differs from the trailer",
        [GUNZIP_E_SIZE] = "output length differs from the trailer's ISIZE",
    };
    return (unsigned)r < GUNZIP_E_COUNT ? msg[r] : "unknown";
}
