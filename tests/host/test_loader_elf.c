/*
 * loader/elf.c against a good image and one small corruption per check.
 */
#include <stdint.h>

#include "elf.h"
#include "test_loader.h"

#define LO        0x400000ull
#define HI        0x8000000ull
#define TEXT_OFF  0x200u
#define TEXT_SIZE 0x100u
#define DATA_SIZE 0x10u
#define FILE_SIZE (TEXT_OFF + TEXT_SIZE + DATA_SIZE)

/** An ELF file: header, two program headers, text, data. */
struct image {
    union {
        uint8_t bytes[FILE_SIZE];
        struct {
            struct elf64_ehdr eh;
            struct elf64_phdr ph[2];
        } h;
    } u;
};

static struct image make_image(void)
{
    struct image im;
    struct elf64_ehdr *eh = &im.u.h.eh;

    memset(&im, 0, sizeof(im));
    memcpy(eh->e_ident,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    eh->e_type = ELF_ET_EXEC;
    eh->e_machine = ELF_EM_AARCH64;
    eh->e_version = 1;
    eh->e_entry = LO + 0x10;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(struct elf64_phdr);
    eh->e_phnum = 2;
    im.u.h.ph[0] = (struct elf64_phdr){ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, TEXT_OFF,  LO,
                                       LO,          TEXT_SIZE,           TEXT_SIZE, 0x1000};
    im.u.h.ph[1] = (struct elf64_phdr){ELF_PT_LOAD,
                                       ELF_PF_R | ELF_PF_W,
                                       TEXT_OFF + TEXT_SIZE,
                                       LO + 0x1000,
                                       LO + 0x1000,
                                       DATA_SIZE,
                                       0x3000,
                                       0x1000};
    for (unsigned i = 0; i < TEXT_SIZE + DATA_SIZE; i++)
        im.u.bytes[TEXT_OFF + i] = (uint8_t)i;
    return im;
}

static int parse(struct image *im, size_t size, char *err)
{
    struct elf_image img;
    return elf_parse(&img, im->u.bytes, size, LO, HI, err, 128);
}

static void test_good(void)
{
    struct image im = make_image();
    struct elf_image img;
    char err[128] = "";

    CHECK(elf_parse(&img, im.u.bytes, FILE_SIZE, LO, HI, err, sizeof(err)) == 0);
    CHECK(img.seg_count == 2);
    CHECK(img.entry == LO + 0x10);
    CHECK(img.seg[1].filesz == DATA_SIZE && img.seg[1].memsz == 0x3000);
    CHECK(img.seg[0].flags == (ELF_PF_R | ELF_PF_X));
}

/** Every truncation of the file is refused, never read past. */
static void test_truncated(void)
{
    char err[128];

    for (size_t n = 0; n < FILE_SIZE; n++) {
        struct image im = make_image();
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, im.u.bytes, n);
        struct elf_image img;
        CHECK(elf_parse(&img, copy, n, LO, HI, err, sizeof(err)) == -1);
        free(copy);
    }
}

static void test_header(void)
{
    struct image im;
    char err[128];

    im = make_image();
    im.u.h.eh.e_ident[0] = 0;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "not a little-endian ELF64");
    im = make_image();
    im.u.h.eh.e_ident[4] = 1; /* ELFCLASS32 */
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "not a little-endian ELF64");
    im = make_image();
    im.u.h.eh.e_ident[5] = 2; /* big-endian */
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "not a little-endian ELF64");
    im = make_image();
    im.u.h.eh.e_machine = 62;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "want EXEC AArch64");
    im = make_image();
    im.u.h.eh.e_type = 3;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "want EXEC AArch64");
    im = make_image();
    im.u.h.eh.e_phentsize = 32;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "phentsize");
    im = make_image();
    im.u.h.eh.e_phoff = UINT64_MAX - 8;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "program headers outside");
    im = make_image();
    im.u.h.eh.e_phnum = 0xffff;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "program headers outside");
    im = make_image();
    im.u.h.eh.e_phnum = 0;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "no PT_LOAD");
}

static void test_segments(void)
{
    struct image im;
    char err[128];

    im = make_image();
    im.u.h.ph[1].p_filesz = 0x4000;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "filesz > memsz");
    im = make_image();
    im.u.h.ph[1].p_offset = UINT64_MAX - 4;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "outside the file");
    im = make_image();
    im.u.h.ph[1].p_filesz = DATA_SIZE + 1;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "outside the file");
    im = make_image();
    im.u.h.ph[0].p_vaddr = LO - 0x1000;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "outside 0x400000");
    im = make_image();
    im.u.h.ph[1].p_vaddr = UINT64_MAX - 0x1000;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "outside 0x400000");
    im = make_image();
    im.u.h.ph[1].p_memsz = HI;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "outside 0x400000");
    im = make_image();
    im.u.h.ph[1].p_vaddr = LO + TEXT_SIZE; /* same page as text */
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "share a page");
    im = make_image();
    im.u.h.eh.e_entry = LO + 0x1000;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "not in an executable");
    im = make_image();
    im.u.h.ph[0].p_flags = ELF_PF_R;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "not in an executable");
    im = make_image();
    im.u.h.ph[0].p_flags |= 0x100;
    CHECK_FAILS(parse(&im, FILE_SIZE, err), err, "unknown flags");
}

/** More PT_LOADs than the loader keeps are refused, not overflowed. */
static void test_too_many(void)
{
    enum { N = ELF_MAX_SEGMENTS + 1 };
    size_t size = sizeof(struct elf64_ehdr) + N * sizeof(struct elf64_phdr);
    uint8_t *buf = calloc(1, size);
    struct image im = make_image();
    char err[128];

    memcpy(buf, &im.u.h.eh, sizeof(im.u.h.eh));
    ((struct elf64_ehdr *)buf)->e_phnum = N;
    for (unsigned i = 0; i < N; i++) {
        struct elf64_phdr ph = {
            ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, LO + (uint64_t)i * 0x1000, 0, 0, 0x10, 0};
        memcpy(buf + sizeof(struct elf64_ehdr) + i * sizeof(ph), &ph, sizeof(ph));
    }
    struct elf_image img;
    CHECK_FAILS(elf_parse(&img, buf, size, LO, HI, err, sizeof(err)), err, "more than");
    free(buf);
}

int main(void)
{
    test_good();
    test_truncated();
    test_header();
    test_segments();
    test_too_many();
    return test_done("test_loader_elf");
}
