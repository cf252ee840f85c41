/*
 * ELF64 validation. The input comes from the boot archive: build output,
 * but a corrupt file must be refused with a reason, never read out of
 * bounds. Every sum is checked for overflow before it is used.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "elf.h"

#define ELF_PAGE 4096u

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/** Identification and header fields. */
static int check_ehdr(const struct elf64_ehdr *eh, size_t size, char *err, size_t errlen)
{
    static const unsigned char ident[7] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

    if (size < sizeof(*eh))
        return fail(err, errlen, "elf: %zu bytes, shorter than the header", size);
    if (memcmp(eh->e_ident, ident, sizeof(ident)) != 0)
        return fail(err, errlen, "elf: not a little-endian ELF64 v1 file");
    if (eh->e_type != ELF_ET_EXEC || eh->e_machine != ELF_EM_AARCH64)
        return fail(err, errlen, "elf: type %u machine %u, want EXEC AArch64", (unsigned)eh->e_type,
                    (unsigned)eh->e_machine);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(err, errlen, "elf: phentsize %u", (unsigned)eh->e_phentsize);
    if (eh->e_phoff > size || eh->e_phoff % 8 != 0 ||
        eh->e_phnum > (size - eh->e_phoff) / sizeof(struct elf64_phdr))
        return fail(err, errlen, "elf: program headers outside the file");
    return 0;
}

/** One PT_LOAD header against the file and the allowed range. */
static int check_load(const struct elf64_phdr *ph, size_t size, uint64_t lo, uint64_t hi, char *err,
                      size_t errlen)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, errlen, "elf: segment %#llx: filesz > memsz",
                    (unsigned long long)ph->p_vaddr);
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return fail(err, errlen,
                    "elf: segment %#llx: file bytes outside "
                    "the file",
                    (unsigned long long)ph->p_vaddr);
    if (ph->p_vaddr < lo || ph->p_vaddr > hi || ph->p_memsz > hi - ph->p_vaddr)
        return fail(err, errlen,
                    "elf: segment %#llx+%#llx outside "
                    "%#llx..%#llx",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz,
                    (unsigned long long)lo, (unsigned long long)hi);
    if (ph->p_flags & ~(uint32_t)(ELF_PF_R | ELF_PF_W | ELF_PF_X))
        return fail(err, errlen, "elf: segment %#llx: unknown flags %#x",
                    (unsigned long long)ph->p_vaddr, (unsigned)ph->p_flags);
    return 0;
}

/** Page span [first, last] of a segment (memsz > 0). */
static void seg_pages(const struct elf_segment *s, uint64_t *first, uint64_t *last)
{
    *first = s->vaddr / ELF_PAGE;
    *last = (s->vaddr + s->memsz - 1) / ELF_PAGE;
}

/** Segments get separate frames with their own rights: no shared page. */
static int check_disjoint(const struct elf_image *img, char *err, size_t errlen)
{
    for (uint32_t a = 0; a < img->seg_count; a++) {
        for (uint32_t b = a + 1; b < img->seg_count; b++) {
            uint64_t fa, la, fb, lb;
            seg_pages(&img->seg[a], &fa, &la);
            seg_pages(&img->seg[b], &fb, &lb);
            if (fa <= lb && fb <= la)
                return fail(err, errlen,
                            "elf: segments %#llx and %#llx "
                            "share a page",
                            (unsigned long long)img->seg[a].vaddr,
                            (unsigned long long)img->seg[b].vaddr);
        }
    }
    return 0;
}

/** The entry point lies in an executable segment. */
static int check_entry(const struct elf_image *img, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < img->seg_count; i++) {
        const struct elf_segment *s = &img->seg[i];
        if ((s->flags & ELF_PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            return 0;
    }
    return fail(err, errlen, "elf: entry %#llx not in an executable segment",
                (unsigned long long)img->entry);
}

/** Collect the PT_LOAD segments (empty ones are skipped). */
static int collect(struct elf_image *img, const struct elf64_ehdr *eh, uint64_t lo, uint64_t hi,
                   char *err, size_t errlen)
{
    for (uint16_t i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, img->data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
            continue;
        if (check_load(&ph, img->size, lo, hi, err, errlen))
            return -1;
        if (img->seg_count == ELF_MAX_SEGMENTS)
            return fail(err, errlen, "elf: more than %u PT_LOAD segments", ELF_MAX_SEGMENTS);
        img->seg[img->seg_count++] =
            (struct elf_segment){ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags};
    }
    if (img->seg_count == 0)
        return fail(err, errlen, "elf: no PT_LOAD segment");
    return 0;
}

int elf_parse(struct elf_image *img, const void *data, size_t size, uint64_t lo, uint64_t hi,
              char *err, size_t errlen)
{
    struct elf64_ehdr eh;

    memset(img, 0, sizeof(*img));
    if (size < sizeof(eh))
        return fail(err, errlen, "elf: %zu bytes, shorter than the header", size);
    memcpy(&eh, data, sizeof(eh));
    if (check_ehdr(&eh, size, err, errlen))
        return -1;
    img->data = data;
    img->size = size;
    img->entry = eh.e_entry;
    if (collect(img, &eh, lo, hi, err, errlen) || check_disjoint(img, err, errlen) ||
        check_entry(img, err, errlen))
        return -1;
    return 0;
}
