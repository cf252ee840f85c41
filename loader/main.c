/*
 * The root loader: the first user thread. It reads the compiled spec from
 * the boot archive, builds every component from the untyped memory the
 * kernel handed over, starts them all, and suspends itself.
 */
#include <stdio.h>

#include <cap/invoke.h>
#include <cap/runtime.h>

#include "archive.h"
#include "build.h"
#include "spec.h"

/** Scratch page for filling frames: first 2 MiB boundary above this. */
#define LOADER_SCRATCH_MIN 0x20000000ull

static struct alloc loader_alloc;
static struct build loader_build;

/**
 * Entry from the kernel (x0 = bootinfo, sp = CV_ROOT_STACK_TOP). The root
 * provides its own _start, so libcap's component crt0 is not linked.
 */
_Noreturn void _start(uint64_t bootinfo)
{
    cv_runtime_start_root(bootinfo);
}

/** Scratch vaddr: clear of the archive mapping, below 2^39. */
static uint64_t scratch_vaddr(const struct cv_bootinfo *bi)
{
    uint64_t end = bi->archive_vaddr + bi->archive_size;
    uint64_t v = end > LOADER_SCRATCH_MIN ? end : LOADER_SCRATCH_MIN;

    return (v + (1ull << CV_LARGE_PAGE_BITS) - 1) & ~((1ull << CV_LARGE_PAGE_BITS) - 1);
}

/** Find and validate spec.bin in the archive. */
static int load_spec(const struct cv_bootinfo *bi, struct spec *s)
{
    const void *ar = (const void *)(uintptr_t)bi->archive_vaddr;
    const void *blob;
    size_t len;
    char err[128];

    if (archive_check(ar, bi->archive_size, err, sizeof(err))) {
        printf("loader: error: %s\n", err);
        return -1;
    }
    if (archive_find(ar, "spec.bin", &blob, &len)) {
        printf("loader: error: no spec.bin in the boot archive\n");
        return -1;
    }
    if (spec_parse(s, blob, len, err, sizeof(err))) {
        printf("loader: error: %s\n", err);
        return -1;
    }
    if (s->hdr->component_count > BUILD_MAX_COMPONENTS ||
        s->hdr->object_count > BUILD_MAX_OBJECTS) {
        printf("loader: error: %u components / %u objects, at most %u / %u\n",
               (unsigned)s->hdr->component_count, (unsigned)s->hdr->object_count,
               BUILD_MAX_COMPONENTS, BUILD_MAX_OBJECTS);
        return -1;
    }
    return 0;
}

/** Check the bootinfo page before trusting its numbers. */
static int bootinfo_ok(const struct cv_bootinfo *bi)
{
    if (bi->magic != CV_BOOTINFO_MAGIC) {
        printf("loader: error: bad bootinfo magic %#x\n", (unsigned)bi->magic);
        return 0;
    }
    /* a 4 KiB scratch page, then a 2 MiB one (build.h) */
    if (scratch_vaddr(bi) > (1ull << CV_VSPACE_BITS) - 2 * (1ull << CV_LARGE_PAGE_BITS) ||
        bi->archive_size > (1ull << CV_VSPACE_BITS)) {
        printf("loader: error: archive %#llx+%#llx leaves no scratch page\n",
               (unsigned long long)bi->archive_vaddr, (unsigned long long)bi->archive_size);
        return 0;
    }
    return 1;
}

int cv_root_main(const struct cv_bootinfo *bi)
{
    static struct spec spec;
    struct build *b = &loader_build;

    if (!bootinfo_ok(bi) || load_spec(bi, &spec))
        return 1;
    if (alloc_init(&loader_alloc, bi)) {
        printf("loader: error: bootinfo untyped/slot numbers out of range\n");
        return 1;
    }
    printf("loader: app %s: %u components, %u cores\n", spec.hdr->app_name,
           (unsigned)spec.hdr->component_count, (unsigned)bi->core_count);
    b->spec = &spec;
    b->bi = bi;
    b->archive = (const void *)(uintptr_t)bi->archive_vaddr;
    b->alloc = &loader_alloc;
    b->scratch_vaddr = scratch_vaddr(bi);
    if (build_identity(b) || build_objects(b))
        return 1;
    for (uint32_t i = 0; i < spec.hdr->component_count; i++)
        if (build_component(b, i))
            return 1;
    printf("loader: started %u components\n", (unsigned)build_start(b));
    return 0;
}
