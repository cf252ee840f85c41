/*
 * mkarchive: pack files into a capvisor boot archive.
 *
 *   mkarchive -o archive.bin NAME=PATH [NAME=PATH ...]
 *
 * Layout (include/capvisor/abi.h): struct cv_archive_header, `count`
 * struct cv_archive_entry in command-line order (the root loader first, by
 * convention of the build), then each file's data at a 4 KiB-aligned offset
 * from the archive start; total_size is padded to 4 KiB. The root loader
 * maps files straight out of the archive, hence the page alignment.
 * Errors (bad argument, unreadable file, name too long or used twice) are
 * printed as `mkarchive: error: ...` and give exit status 1.
 */
#include <capvisor/abi.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "mkarchive writes the structs as-is: host must be little-endian");

/** One file to pack. */
struct mkarchive_file {
    char name[CV_ARCHIVE_NAME_LEN];
    const char *path;
    char *data;
    size_t size;
    uint64_t offset;
};

/** Print `mkarchive: error: MESSAGE`; returns -1. */
static int mkarchive_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int mkarchive_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "mkarchive: error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/** Round `v` up to the page size. */
static uint64_t mkarchive_page_up(uint64_t v)
{
    return (v + CV_PAGE_SIZE - 1) & ~(uint64_t)(CV_PAGE_SIZE - 1);
}

/** Read all of f->path into f->data. */
static int mkarchive_read(struct mkarchive_file *f)
{
    FILE *in = fopen(f->path, "rb");
    long len;

    if (!in)
        return mkarchive_error("%s: cannot read '%s': %s", f->name, f->path, strerror(errno));
    if (fseek(in, 0, SEEK_END) != 0 || (len = ftell(in)) < 0 || fseek(in, 0, SEEK_SET) != 0) {
        fclose(in);
        return mkarchive_error("%s: cannot size '%s'", f->name, f->path);
    }
    f->size = (size_t)len;
    f->data = malloc(f->size ? f->size : 1);
    if (!f->data || fread(f->data, 1, f->size, in) != f->size) {
        fclose(in);
        return mkarchive_error("%s: cannot read '%s'", f->name, f->path);
    }
    fclose(in);
    return 0;
}

/** Split argument "NAME=PATH" into f, checking the name. */
static int mkarchive_parse_entry(const char *arg, struct mkarchive_file *f)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : 0;

    if (!eq || len == 0 || eq[1] == '\0')
        return mkarchive_error("'%s' is not NAME=PATH", arg);
    if (len >= CV_ARCHIVE_NAME_LEN)
        return mkarchive_error("name '%.*s' is longer than %u characters", (int)len, arg,
                               CV_ARCHIVE_NAME_LEN - 1);
    memcpy(f->name, arg, len);
    f->name[len] = '\0';
    f->path = eq + 1;
    return 0;
}

/** Check that file `i`'s name differs from the ones before it. */
static int mkarchive_check_unique(const struct mkarchive_file *files, int i)
{
    for (int j = 0; j < i; j++) {
        if (strcmp(files[j].name, files[i].name) == 0)
            return mkarchive_error("name '%s' is used twice", files[i].name);
    }
    return 0;
}

/** x rounded up to a multiple of CV_ARCHIVE_LARGE_ALIGN. */
static uint64_t mkarchive_large_up(uint64_t x)
{
    return (x + CV_ARCHIVE_LARGE_ALIGN - 1) & ~(uint64_t)(CV_ARCHIVE_LARGE_ALIGN - 1);
}

/**
 * Assign each file its offset; returns the padded total size. A file of at
 * least CV_ARCHIVE_LARGE_MIN bytes starts on a CV_ARCHIVE_LARGE_ALIGN
 * boundary and has its last block to itself (abi.h): the loader can then
 * hand out the archive's own 2 MiB frames instead of copies.
 */
static uint64_t mkarchive_layout(struct mkarchive_file *files, int count)
{
    uint64_t at =
        sizeof(struct cv_archive_header) + (uint64_t)count * sizeof(struct cv_archive_entry);

    for (int i = 0; i < count; i++) {
        bool large = files[i].size >= CV_ARCHIVE_LARGE_MIN;
        files[i].offset = large ? mkarchive_large_up(at) : mkarchive_page_up(at);
        at = files[i].offset + files[i].size;
        if (large)
            at = mkarchive_large_up(at);
    }
    return mkarchive_page_up(at);
}

/** Build the archive image in memory. NULL if out of memory. */
static char *mkarchive_build(const struct mkarchive_file *files, int count, uint64_t total)
{
    char *img = calloc(1, total);
    struct cv_archive_header *h = (struct cv_archive_header *)img;

    if (!img)
        return NULL;
    h->magic = CV_ARCHIVE_MAGIC;
    h->count = (uint32_t)count;
    h->total_size = total;
    for (int i = 0; i < count; i++) {
        memcpy(h->entry[i].name, files[i].name, CV_ARCHIVE_NAME_LEN);
        h->entry[i].offset = files[i].offset;
        h->entry[i].size = files[i].size;
        memcpy(img + files[i].offset, files[i].data, files[i].size);
    }
    return img;
}

/** Write the archive of `files` to `path`. */
static int mkarchive_write(const char *path, struct mkarchive_file *files, int count)
{
    uint64_t total = mkarchive_layout(files, count);
    char *img = mkarchive_build(files, count, total);
    FILE *out;
    int ok;

    if (!img)
        return mkarchive_error("out of memory");
    out = fopen(path, "wb");
    ok = out && fwrite(img, 1, total, out) == total;
    if (out && fclose(out) != 0)
        ok = 0;
    free(img);
    if (ok)
        return 0;
    unlink(path);
    return mkarchive_error("cannot write '%s': %s", path, strerror(errno));
}

/** Parse, read and check every NAME=PATH argument. */
static int mkarchive_load(char **args, int count, struct mkarchive_file *files)
{
    for (int i = 0; i < count; i++) {
        if (mkarchive_parse_entry(args[i], &files[i]) || mkarchive_check_unique(files, i) ||
            mkarchive_read(&files[i]))
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct mkarchive_file *files;
    int count = argc - 3, rc;

    if (argc < 4 || strcmp(argv[1], "-o") != 0) {
        fprintf(stderr, "usage: mkarchive -o archive.bin NAME=PATH...\n");
        return 1;
    }
    files = calloc((size_t)count, sizeof(*files));
    if (!files) {
        mkarchive_error("out of memory");
        return 1;
    }
    rc = mkarchive_load(argv + 3, count, files) || mkarchive_write(argv[2], files, count);
    for (int i = 0; i < count; i++)
        free(files[i].data);
    free(files);
    return rc ? 1 : 0;
}
