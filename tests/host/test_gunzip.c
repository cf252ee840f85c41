/*
 * libvmm gzip/DEFLATE decoder (RFC 1952, RFC 1951). The host's zlib only
 * makes inputs: members at every level and strategy, one with every
 * optional header field. Hand-built blocks give one bad input per rule the
 * decoder enforces; every truncation and every single-bit flip of small
 * members must fail cleanly (or, for a flip, decode to the original).
 */
#include <stdint.h>
#include <zlib.h>

#include "../fuzz/test_rng.h"
#include "test_vmm.h"
#include "vmm/gunzip.h"

#define BIG_SIZE ((size_t)300 * 1024) /* crosses the 32 KiB window many times */

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- Inputs ------------------------------------------------------------ */

/** Words, spaces and newlines: what dynamic Huffman blocks are for. */
static void fill_text(uint8_t *p, size_t n)
{
    static const char *const words[] = {"the",       "kernel", "guest", "capability", "of",  "a",
                                        "interrupt", "page",   "table", "and",        "map", "VMM"};
    size_t i = 0;
    while (i < n) {
        const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
        for (; *w && i < n; w++)
            p[i++] = (uint8_t)*w;
        if (i < n)
            p[i++] = rnd() % 8 == 0 ? '\n' : ' ';
    }
}

static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

/** Runs of one byte (distance 1) and short repeating patterns (distances 2-7). */
static void fill_runs(uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 1 + rnd() % 3000, period = 1 + rnd() % 7;
        uint8_t pat[8];
        fill_random(pat, sizeof(pat));
        for (size_t k = 0; k < len && i < n; k++)
            p[i++] = pat[k % period];
    }
}

/** p[i, i + len) repeats what stood up to 32 KiB before it (text if nothing does). */
static void copy_back(uint8_t *p, size_t i, size_t len)
{
    if (i == 0) {
        fill_text(p, len);
        return;
    }
    size_t d = 1 + rnd() % (i < 32768 ? i : 32768);
    for (size_t k = 0; k < len; k++)
        p[i + k] = p[i + k - d];
}

/** Text, random and runs, some repeated from far back: long distances. */
static void fill_mixed(uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 1 + rnd() % 20000;
        if (len > n - i)
            len = n - i;
        unsigned kind = (unsigned)(rnd() % 4);
        if (kind == 0)
            fill_text(p + i, len);
        else if (kind == 1)
            fill_random(p + i, len);
        else if (kind == 2)
            fill_runs(p + i, len);
        else
            copy_back(p, i, len);
        i += len;
    }
}

/** Compresses src with zlib's gzip wrapper; returns the member's size. */
static size_t compress_gz(const uint8_t *src, size_t n, int level, int strategy, gz_header *hdr,
                          uint8_t **dst)
{
    z_stream s;
    memset(&s, 0, sizeof(s));
    CHECK_EQ(deflateInit2(&s, level, Z_DEFLATED, 31, 8, strategy), Z_OK);
    if (hdr)
        CHECK_EQ(deflateSetHeader(&s, hdr), Z_OK);
    size_t cap = deflateBound(&s, n) + 1024;
    *dst = malloc(cap);
    s.next_in = (Bytef *)src;
    s.avail_in = (uInt)n;
    s.next_out = *dst;
    s.avail_out = (uInt)cap;
    CHECK_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
    size_t len = s.total_out;
    deflateEnd(&s);
    uint8_t *exact = realloc(*dst, len); /* ASan then sees any read past the member */
    CHECK(exact != NULL);
    if (exact)
        *dst = exact;
    return len;
}

/* ---- Round trips -------------------------------------------------------- */

/** Decodes gz into a buffer of exactly n bytes, then one byte short. */
static void check_member(const uint8_t *gz, size_t len, const uint8_t *src, size_t n)
{
    uint8_t *out = malloc(n ? n : 1);
    size_t out_len = 12345;
    uint32_t isize = 0;

    CHECK_EQ(gunzip(gz, len, out, n, &out_len), GUNZIP_OK);
    CHECK_EQ(out_len, n);
    CHECK(out_len == n && memcmp(out, src, n) == 0);
    CHECK(gunzip_isize(gz, len, &isize));
    CHECK_EQ(isize, n);
    if (n > 0) {
        CHECK_EQ(gunzip(gz, len, out, n - 1, &out_len), GUNZIP_E_SPACE);
        CHECK(out_len <= n - 1 && memcmp(out, src, out_len) == 0);
    }
    free(out);
}

static void roundtrip(const uint8_t *src, size_t n, int level, int strategy)
{
    uint8_t *gz;
    size_t len = compress_gz(src, n, level, strategy, NULL, &gz);
    check_member(gz, len, src, n);
    free(gz);
}

static void test_roundtrips(void)
{
    static const int levels[] = {0, 1, 6, 9};
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                     Z_FIXED};
    static void (*const fills[])(uint8_t *, size_t) = {fill_text, fill_random, fill_runs,
                                                       fill_mixed};
    static const size_t sizes[] = {0, 1, 5000, BIG_SIZE};
    uint8_t *src = malloc(BIG_SIZE);

    for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
        for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
            fills[f](src, sizes[z]);
            for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++)
                for (size_t s = 0; s < sizeof(strategies) / sizeof(strategies[0]); s++)
                    roundtrip(src, sizes[z], levels[l], strategies[s]);
        }
    }
    free(src);
}

/** FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT all set; a wrong header CRC. */
static void test_header_fields(void)
{
    static uint8_t extra[] = {'C', 'V', 3, 0, 1, 2, 3};
    uint8_t src[3000];
    gz_header h;
    uint8_t *gz;

    memset(&h, 0, sizeof(h));
    h.text = 1;
    h.time = 0x12345678;
    h.os = 3;
    h.extra = extra;
    h.extra_len = sizeof(extra);
    h.name = (Bytef *)"Image";
    h.comment = (Bytef *)"capvisor test";
    h.hcrc = 1;
    fill_text(src, sizeof(src));
    size_t len = compress_gz(src, sizeof(src), 6, Z_DEFAULT_STRATEGY, &h, &gz);
    CHECK_EQ(gz[3], 0x1f); /* all five flags */
    check_member(gz, len, src, sizeof(src));
    size_t out_len;
    gz[10 + 2 + sizeof(extra)] ^= 0x20; /* "Image" -> "image": the header CRC no longer holds */
    CHECK_EQ(gunzip(gz, len, src, sizeof(src), &out_len), GUNZIP_E_HEADER);
    CHECK_EQ(out_len, 0);
    free(gz);
}

/* ---- Damaged members -------------------------------------------------- */

/** A small member of `kind` 0 stored, 1 fixed, 2 dynamic, 3 full header; *src is its data. */
static size_t small_member(unsigned kind, uint8_t *src, size_t n, uint8_t **gz)
{
    static const int strategy[] = {Z_DEFAULT_STRATEGY, Z_FIXED, Z_DEFAULT_STRATEGY,
                                   Z_DEFAULT_STRATEGY};
    gz_header h;
    memset(&h, 0, sizeof(h));
    static uint8_t extra[] = {'x', 'y', 1, 0, 7};
    h.extra = extra;
    h.extra_len = sizeof(extra);
    h.name = (Bytef *)"x";
    h.comment = (Bytef *)"y";
    h.hcrc = 1;
    fill_text(src, n);
    return compress_gz(src, n, kind == 0 ? 0 : 9, strategy[kind], kind == 3 ? &h : NULL, gz);
}

/** Every proper prefix ends early: GUNZIP_E_TRUNCATED, never anything else. */
static void test_truncations(void)
{
    uint8_t src[700], out[700];
    for (unsigned kind = 0; kind < 4; kind++) {
        uint8_t *gz;
        size_t len = small_member(kind, src, sizeof(src), &gz), out_len;
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1); /* ASan sees any read past the cut */
            memcpy(copy, gz, cut);
            enum gunzip_result r = gunzip(copy, cut, out, sizeof(out), &out_len);
            if (r != GUNZIP_E_TRUNCATED)
                fprintf(stderr, "kind %u cut %zu of %zu: %s\n", kind, cut, len, gunzip_strerror(r));
            CHECK_EQ(r, GUNZIP_E_TRUNCATED);
            free(copy);
        }
        CHECK_EQ(gunzip(gz, len, out, sizeof(out), &out_len), GUNZIP_OK);
        free(gz);
    }
}

/** Every single-bit flip: an error, or else the original data. */
static void test_bit_flips(void)
{
    uint8_t src[600], out[sizeof(src) + 64];
    for (unsigned kind = 0; kind < 4; kind++) {
        uint8_t *gz;
        size_t len = small_member(kind, src, sizeof(src), &gz), out_len;
        unsigned ok = 0;
        for (size_t bit = 0; bit < 8 * len; bit++) {
            gz[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            enum gunzip_result r = gunzip(gz, len, out, sizeof(out), &out_len);
            CHECK(r < GUNZIP_E_COUNT && out_len <= sizeof(out));
            if (r == GUNZIP_OK) {
                ok++;
                CHECK(out_len == sizeof(src) && memcmp(out, src, sizeof(src)) == 0);
            }
            gz[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        /* Harmless flips: MTIME, XFL, OS, FTEXT, unused bits, a match at another
         * distance that copies the same bytes. Nearly all others are caught. */
        CHECK(ok < len);
        free(gz);
    }
}

/** Magic, method, flags, trailer fields, trailing bytes. */
static void test_member_errors(void)
{
    uint8_t src[2000], out[2000], *gz;
    size_t out_len;
    uint32_t isize;
    fill_text(src, sizeof(src));
    size_t len = compress_gz(src, sizeof(src), 6, Z_DEFAULT_STRATEGY, NULL, &gz);
    uint8_t *big = malloc(len + 16);

    for (unsigned i = 0; i < 3; i++) {
        memcpy(big, gz, len);
        big[i] ^= 0x40; /* ID1, ID2, CM */
        CHECK_EQ(gunzip(big, len, out, sizeof(out), &out_len), GUNZIP_E_HEADER);
        CHECK(!gunzip_isize(big, len, &isize));
    }
    for (unsigned bit = 5; bit < 8; bit++) {
        memcpy(big, gz, len);
        big[3] |= (uint8_t)(1u << bit);
        CHECK_EQ(gunzip(big, len, out, sizeof(out), &out_len), GUNZIP_E_HEADER);
    }
    memcpy(big, gz, len);
    big[len - 8] ^= 1;
    CHECK_EQ(gunzip(big, len, out, sizeof(out), &out_len), GUNZIP_E_CRC);
    CHECK_EQ(out_len, sizeof(src));
    memcpy(big, gz, len);
    big[len - 1] ^= 0x80;
    CHECK_EQ(gunzip(big, len, out, sizeof(out), &out_len), GUNZIP_E_SIZE);
    memcpy(big, gz, len);
    memset(big + len, 0, 16);
    CHECK_EQ(gunzip(big, len + 16, out, sizeof(out), &out_len), GUNZIP_OK);
    big[len + 15] = 1;
    CHECK_EQ(gunzip(big, len + 16, out, sizeof(out), &out_len), GUNZIP_E_HEADER);
    CHECK(!gunzip_isize(gz, 19, &isize));
    free(big);
    free(gz);
}

/* ---- Hand-built deflate blocks ----------------------------------------- */

/** A deflate stream being written (RFC 1951 3.1.1: LSB first, Huffman codes MSB first). */
struct bitw {
    uint8_t b[1024];
    size_t n;
};

static void put_bits(struct bitw *w, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, w->n++)
        w->b[w->n / 8] |= (uint8_t)(((v >> i) & 1u) << (w->n % 8));
}

static void put_code(struct bitw *w, uint32_t code, unsigned len)
{
    while (len-- > 0)
        put_bits(w, code >> len, 1);
}

/** Wraps w's stream in a gzip member for `data` and decodes it. */
static enum gunzip_result run(const struct bitw *w, const char *data, size_t *out_len, uint8_t *out)
{
    static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    uint8_t member[sizeof(w->b) + 18];
    size_t n = (w->n + 7) / 8, len = strlen(data);

    memcpy(member, hdr, sizeof(hdr));
    memcpy(member + 10, w->b, n);
    put32(member + 10 + n, (uint32_t)crc32(0, (const Bytef *)data, (uInt)len));
    put32(member + 14 + n, (uint32_t)len);
    return gunzip(member, n + 18, out, 64, out_len);
}

static void expect(const struct bitw *w, const char *data, enum gunzip_result want)
{
    uint8_t out[64];
    size_t out_len;
    enum gunzip_result r = run(w, data, &out_len, out);
    CHECK_EQ(r, want);
    if (want == GUNZIP_OK)
        CHECK(out_len == strlen(data) && memcmp(out, data, out_len) == 0);
}

/** Stored blocks: LEN/NLEN (3.2.4), and the reserved type 3. */
static void test_stored_and_reserved(void)
{
    struct bitw w = {0};
    put_bits(&w, 1, 1);
    put_bits(&w, 0, 2);
    w.n = 8;
    put_bits(&w, 3, 16);
    put_bits(&w, 0xfffc, 16);
    memcpy(w.b + 5, "abc", 3);
    w.n += 24;
    expect(&w, "abc", GUNZIP_OK);
    w.b[3] ^= 1; /* NLEN no longer ~LEN */
    expect(&w, "abc", GUNZIP_E_DATA);
    struct bitw r = {0};
    put_bits(&r, 1, 1);
    put_bits(&r, 3, 2);
    put_bits(&r, 0, 13);
    expect(&r, "", GUNZIP_E_DATA);
}

/** Fixed Huffman (3.2.6): 'a', then a match of 3 at distance `dist_sym` + 1. */
static void fixed_match(struct bitw *w, unsigned dist_sym)
{
    memset(w, 0, sizeof(*w));
    put_bits(w, 1, 1);
    put_bits(w, 1, 2);
    put_code(w, 0x30 + 'a', 8);
    put_code(w, 257 - 256, 7); /* length 3 */
    put_code(w, dist_sym, 5);
    put_code(w, 0, 7); /* end of block */
}

static void test_fixed(void)
{
    struct bitw w;
    fixed_match(&w, 0);
    expect(&w, "aaaa", GUNZIP_OK);
    fixed_match(&w, 1); /* distance 2, one byte written */
    expect(&w, "aaaa", GUNZIP_E_DATA);
    fixed_match(&w, 30); /* distance codes 30-31 do not occur (3.2.6) */
    expect(&w, "aaaa", GUNZIP_E_DATA);
    memset(&w, 0, sizeof(w));
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    put_code(&w, 0xc0 + 286 - 280, 8); /* literal/length 286 */
    put_code(&w, 0, 7);
    expect(&w, "", GUNZIP_E_DATA);
}

/** A dynamic block's code lengths and the symbols to send with them. */
struct dyn {
    unsigned nlit, ndist;
    uint8_t lens[288 + 32]; /* literal/length then distance */
    uint8_t cl[19];
};

/** Canonical codes for lens (3.2.2), for the writer. */
static void canon(const uint8_t *lens, unsigned n, uint16_t *codes)
{
    unsigned count[16] = {0}, next[16], code = 0;
    for (unsigned i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    for (unsigned len = 1; len < 16; len++)
        next[len] = code = (code + count[len - 1]) << 1;
    for (unsigned i = 0; i < n; i++)
        codes[i] = lens[i] ? (uint16_t)next[lens[i]]++ : 0;
}

/** A dynamic block (3.2.7) sending each code length as itself, then "hi" and end of block. */
static void put_dynamic(struct bitw *w, const struct dyn *d)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    uint16_t clc[19], lit[288];

    memset(w, 0, sizeof(*w));
    put_bits(w, 1, 1);
    put_bits(w, 2, 2);
    put_bits(w, d->nlit - 257, 5);
    put_bits(w, d->ndist - 1, 5);
    put_bits(w, 19 - 4, 4);
    for (unsigned i = 0; i < 19; i++)
        put_bits(w, d->cl[order[i]], 3);
    canon(d->cl, 19, clc);
    for (unsigned i = 0; i < d->nlit + d->ndist; i++)
        put_code(w, clc[d->lens[i]], d->cl[d->lens[i]]);
    canon(d->lens, d->nlit, lit);
    put_code(w, lit['h'], d->lens['h']);
    put_code(w, lit['i'], d->lens['i']);
    put_code(w, lit[256], d->lens[256]);
}

/** Literals 0-254 in 8 bits, 255 and end of block in 9, one 1-bit distance code. */
static void dyn_valid(struct dyn *d)
{
    memset(d, 0, sizeof(*d));
    d->nlit = 257;
    d->ndist = 1;
    memset(d->lens, 8, 255);
    d->lens[255] = d->lens[256] = 9;
    d->lens[257] = 1;
    d->cl[0] = d->cl[8] = d->cl[9] = 2; /* 0, 8, 9 in 2 bits; 1, 2 in 3: complete */
    d->cl[1] = d->cl[2] = 3;
}

static void expect_dyn(const struct dyn *d, enum gunzip_result want)
{
    struct bitw w;
    put_dynamic(&w, d);
    expect(&w, "hi", want);
}

/** Complete codes, the single-code exceptions, and each way to break them. */
static void test_dynamic_codes(void)
{
    struct dyn d;
    dyn_valid(&d);
    expect_dyn(&d, GUNZIP_OK);
    d.lens[255] = d.lens[256] = 8; /* 257 codes of 8 bits: over-subscribed */
    expect_dyn(&d, GUNZIP_E_DATA);
    d.lens[255] = 0; /* 256 of 8 bits: complete */
    expect_dyn(&d, GUNZIP_OK);
    d.lens[254] = 0; /* 255 of 8 bits: incomplete */
    expect_dyn(&d, GUNZIP_E_DATA);
    dyn_valid(&d);
    d.lens[257] = 0; /* no distance codes: a block of literals */
    expect_dyn(&d, GUNZIP_OK);
    d.lens[257] = 2; /* one distance code, but of 2 bits */
    expect_dyn(&d, GUNZIP_E_DATA);
    d.ndist = 2;
    d.lens[257] = 1;
    d.lens[258] = 2; /* two distance codes, incomplete */
    expect_dyn(&d, GUNZIP_E_DATA);
    d.lens[258] = 1;
    expect_dyn(&d, GUNZIP_OK);
    dyn_valid(&d);
    d.lens[255] = 8;
    d.lens[256] = 0; /* complete, but no end of block */
    expect_dyn(&d, GUNZIP_E_DATA);
    dyn_valid(&d);
    d.cl[1] = 2; /* code length code over-subscribed */
    expect_dyn(&d, GUNZIP_E_DATA);
    d.cl[1] = 0;
    d.cl[2] = 0;
    d.lens[257] = 0; /* code length code incomplete (0, 8, 9 in 2 bits) */
    expect_dyn(&d, GUNZIP_E_DATA);
}

/** HLIT/HDIST beyond 286/30 (3.2.7), a repeat with nothing before, a repeat past the end. */
static void test_dynamic_header(void)
{
    struct dyn d;
    dyn_valid(&d);
    d.nlit = 287;
    d.lens[257] = 0;
    d.lens[287] = 1;
    expect_dyn(&d, GUNZIP_E_DATA);
    dyn_valid(&d);
    d.ndist = 31;
    expect_dyn(&d, GUNZIP_E_DATA);

    static const uint8_t cl_order_16_0[19] = {1, 0, 0, 1}; /* symbols 16 and 0: 1 bit each */
    struct bitw w = {0};
    put_bits(&w, 1, 1);
    put_bits(&w, 2, 2);
    put_bits(&w, 0, 10);
    put_bits(&w, 0, 4);
    for (unsigned i = 0; i < 4; i++)
        put_bits(&w, cl_order_16_0[i], 3);
    put_code(&w, 1, 1); /* 16: repeat the previous length, but there is none */
    put_bits(&w, 0, 2);
    expect(&w, "", GUNZIP_E_DATA);

    memset(&w, 0, sizeof(w));
    put_bits(&w, 1, 1);
    put_bits(&w, 2, 2);
    put_bits(&w, 0, 10);
    put_bits(&w, 0, 4);
    put_bits(&w, 0, 3 * 2);
    put_bits(&w, 1, 3); /* 18: 1 bit */
    put_bits(&w, 1, 3); /* 0: 1 bit */
    put_code(&w, 1, 1);
    put_bits(&w, 127, 7); /* 138 zeros */
    put_code(&w, 1, 1);
    put_bits(&w, 127, 7); /* 276 of 258 */
    expect(&w, "", GUNZIP_E_DATA);
}

/** Gives symbols 0, 1, ... the lengths that counts[len - 1] says, shortest first. */
static void assign_lengths(uint8_t *lens, const uint8_t *counts)
{
    for (unsigned len = 1; len <= 15; len++)
        for (unsigned k = 0; k < counts[len - 1]; k++)
            *lens++ = (uint8_t)len;
}

/**
 * The code shapes that need the largest tables (gunzip.c's LIT_ENOUGH,
 * DIST_ENOUGH: 1332 and 400 entries): decoded, and within the tables
 * (ASan watches the stack).
 */
static void test_largest_tables(void)
{
    static const uint8_t lit[15] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 232, 47, 1, 1, 2};
    static const uint8_t dist[15] = {1, 1, 1, 1, 1, 0, 0, 0, 12, 7, 1, 1, 1, 1, 2};
    struct dyn d;

    memset(&d, 0, sizeof(d));
    d.nlit = 286;
    d.ndist = 30;
    assign_lengths(d.lens, lit);
    assign_lengths(d.lens + d.nlit, dist);
    memset(d.cl, 4, 16); /* lengths 0-15 in 4 bits each */
    expect_dyn(&d, GUNZIP_OK);
}

/* ---- CRC-32, isize, strings ------------------------------------------- */

static void test_crc32(void)
{
    static uint8_t buf[5000];
    fill_random(buf, sizeof(buf));
    for (size_t align = 0; align < 8; align++) {
        for (size_t n = 0; n < 80; n++)
            CHECK_EQ(gunzip_crc32(0, buf + align, n), crc32(0, buf + align, (uInt)n));
        CHECK_EQ(gunzip_crc32(0, buf + align, 4000), crc32(0, buf + align, 4000));
    }
    for (size_t split = 0; split < 40; split += 3) {
        uint32_t c = gunzip_crc32(0, buf, split);
        CHECK_EQ(gunzip_crc32(c, buf + split, 1000 - split), crc32(0, buf, 1000));
    }
    CHECK_EQ(gunzip_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926u); /* the check value */
}

static void test_empty_and_strings(void)
{
    uint8_t *gz;
    size_t out_len = 99;
    size_t len = compress_gz(NULL, 0, 6, Z_DEFAULT_STRATEGY, NULL, &gz);
    CHECK_EQ(gunzip(gz, len, NULL, 0, &out_len), GUNZIP_OK);
    CHECK_EQ(out_len, 0);
    free(gz);
    CHECK_EQ(gunzip(NULL, 0, NULL, 0, &out_len), GUNZIP_E_TRUNCATED);

    for (int a = 0; a < GUNZIP_E_COUNT; a++) {
        const char *s = gunzip_strerror((enum gunzip_result)a);
        CHECK(s != NULL && s[0] != '\0');
        for (int b = 0; b < a; b++) {
            const char *t = gunzip_strerror((enum gunzip_result)b);
            CHECK(s != NULL && t != NULL && strcmp(s, t) != 0);
        }
    }
    CHECK(strcmp(gunzip_strerror(GUNZIP_E_COUNT), "unknown") == 0);
    int below = -1;
    CHECK(strcmp(gunzip_strerror((enum gunzip_result)below), "unknown") == 0);
}

int main(void)
{
    test_roundtrips();
    test_header_fields();
    test_truncations();
    test_bit_flips();
    test_member_errors();
    test_stored_and_reserved();
    test_fixed();
    test_dynamic_codes();
    test_dynamic_header();
    test_largest_tables();
    test_crc32();
    test_empty_and_strings();
    return test_done("test_gunzip");
}
