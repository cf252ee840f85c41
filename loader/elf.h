/*
 * ELF64 (AArch64, little-endian, ET_EXEC) program images: validation and
 * the PT_LOAD segments the loader maps. Portable C without syscalls, so it
 * runs in host tests. Only the fields the loader uses are declared
 * (ELF-64 Object File Format, version 1.5, sections 3 and 7).
 */
#ifndef LOADER_ELF_H
#define LOADER_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8u

/* p_flags */
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

/** The ELF64 file header. */
struct elf64_ehdr {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

/** An ELF64 program header. */
struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

#define ELF_ET_EXEC    2u
#define ELF_EM_AARCH64 183u
#define ELF_PT_LOAD    1u

/** One loadable segment, checked to lie inside file and image range. */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset; /* of the file bytes */
    uint64_t filesz;
    uint32_t flags; /* ELF_PF_* */
};

/** A validated program image. */
struct elf_image {
    const uint8_t *data;
    size_t size;
    uint64_t entry;
    uint32_t seg_count;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/**
 * Validate the file [data, data + size): every PT_LOAD must lie in the
 * file and in [lo, hi), segments must not share a page, the entry must be
 * in an executable segment. Returns 0, or -1 with the reason in err.
 */
int elf_parse(struct elf_image *img, const void *data, size_t size, uint64_t lo, uint64_t hi,
              char *err, size_t errlen);

#endif /* LOADER_ELF_H */
