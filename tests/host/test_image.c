/*
 * libvmm arm64 Image header parsing and placement (Linux booting.rst 4),
 * with every truncation of a header, a flipped magic and one bad input per error.
 */
#include <stdint.h>

#include "test_vmm.h"
#include "vmm/image.h"

#define MIB       (1ull << 20)
#define RAM       0x40000000ull
#define FILE_SIZE 4096u

static uint8_t img[FILE_SIZE];

static void put64(unsigned off, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        img[off + i] = (uint8_t)(v >> (8 * i));
}

/** A 4 KiB file claiming 3 MiB with BSS, text_offset 0, 4K pages, place anywhere. */
static void make_image(void)
{
    memset(img, 0, sizeof(img));
    put64(0x00, 0x91005a4d14000000ull); /* code0/code1 as an EFI-stub kernel has */
    put64(0x08, 0);
    put64(0x10, 3 * MIB);
    put64(0x18, (1u << 1) | (1u << 3));
    static const uint8_t magic[4] = {'A', 'R', 'M', 0x64};
    memcpy(img + 0x38, magic, sizeof(magic));
}

static void test_good(void)
{
    struct image_hdr h;
    ipa_t k;
    make_image();
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_OK);
    CHECK_EQ(h.text_offset, 0);
    CHECK_EQ(h.image_size, 3 * MIB);
    CHECK_EQ(h.page_size, IMAGE_PAGE_4K);
    CHECK(h.place_anywhere);
    CHECK(!h.legacy);
    CHECK_EQ(image_place(&h, IPA(RAM), 256 * MIB, &k), IMAGE_OK);
    CHECK_EQ(k.v, RAM);
    CHECK_EQ(image_place(&h, IPA(RAM + 0x1000), 256 * MIB, &k), IMAGE_OK);
    CHECK_EQ(k.v, RAM + 2 * MIB); /* next 2 MiB boundary */
    put64(0x08, 0x80000);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_OK);
    CHECK_EQ(image_place(&h, IPA(RAM), 256 * MIB, &k), IMAGE_OK);
    CHECK_EQ(k.v, RAM + 0x80000);
}

static void test_legacy(void)
{
    struct image_hdr h;
    make_image();
    put64(0x10, 0);
    put64(0x18, 1); /* flags were reserved before 3.17: not read */
    put64(0x08, 0x12345);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_OK);
    CHECK(h.legacy);
    CHECK_EQ(h.text_offset, 0x80000);
    CHECK_EQ(h.image_size, FILE_SIZE);
}

static void test_truncations(void)
{
    struct image_hdr h;
    make_image();
    for (size_t len = 0; len < IMAGE_HEADER_SIZE; len++)
        CHECK_EQ(image_parse(img, len, &h), IMAGE_E_TOO_SHORT);
    CHECK_EQ(image_parse(img, IMAGE_HEADER_SIZE, &h), IMAGE_OK);
    for (unsigned byte = 0x38; byte < 0x3c; byte++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            make_image();
            img[byte] ^= (uint8_t)(1u << bit);
            CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_BAD_MAGIC);
        }
    }
}

static void test_errors(void)
{
    struct image_hdr h;
    make_image();
    put64(0x18, 1);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_BIG_ENDIAN);
    make_image();
    put64(0x08, 0x1001);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_TEXT_OFFSET);
    put64(0x08, 2 * MIB);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_TEXT_OFFSET);
    make_image();
    put64(0x10, FILE_SIZE - 1);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_SIZE_SMALL);
    put64(0x10, ~0ull);
    CHECK_EQ(image_parse(img, sizeof(img), &h), IMAGE_E_SIZE_HUGE);
    for (int e = 0; e <= IMAGE_E_COUNT; e++)
        CHECK(image_strerror((enum image_error)e)[0] != '\0');
}

static void test_layout(void)
{
    struct image_hdr h;
    struct image_layout l;
    ipa_t k;
    make_image();
    image_parse(img, sizeof(img), &h);
    CHECK_EQ(image_layout(&h, IPA(RAM), 256 * MIB, 0x2000, 5 * MIB, &l), IMAGE_OK);
    CHECK_EQ(l.kernel.v, RAM);
    CHECK_EQ(l.kernel_end.v, RAM + 3 * MIB);
    CHECK_EQ(l.dtb.v, RAM + 4 * MIB);
    CHECK_EQ(l.dtb.v % 8, 0);
    CHECK_EQ(l.initrd.v, RAM + 6 * MIB);
    CHECK_EQ(l.initrd_end.v, RAM + 11 * MIB);
    CHECK_EQ(image_layout(&h, IPA(RAM), 256 * MIB, 0, 0, &l), IMAGE_E_DTB_SIZE);
    CHECK_EQ(image_layout(&h, IPA(RAM), 256 * MIB, 2 * MIB + 1, 0, &l), IMAGE_E_DTB_SIZE);
    CHECK_EQ(image_layout(&h, IPA(RAM), 6 * MIB, 0x2000, 0, &l), IMAGE_OK);
    CHECK_EQ(image_layout(&h, IPA(RAM), 6 * MIB, 0x2000, 1, &l), IMAGE_E_NO_ROOM);
    CHECK_EQ(image_layout(&h, IPA(RAM), 5 * MIB, 0x2000, 0, &l), IMAGE_E_NO_ROOM);
    CHECK_EQ(image_place(&h, IPA(RAM), 3 * MIB - 1, &k), IMAGE_E_NO_RAM);
    CHECK_EQ(image_place(&h, IPA(RAM + 1), 2 * MIB, &k), IMAGE_E_NO_RAM);
    CHECK_EQ(image_place(&h, IPA(~0ull - MIB), 4 * MIB, &k), IMAGE_E_NO_RAM);
    CHECK_EQ(image_layout(&h, IPA(RAM), 40ull << 30, 0x2000, 33ull << 30, &l),
             IMAGE_E_INITRD_WINDOW);
}

int main(void)
{
    test_good();
    test_legacy();
    test_truncations();
    test_errors();
    test_layout();
    return test_done("test_image");
}
