/*
 * Boot archive validation and lookup.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "archive.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int archive_check(const void *data, size_t size, char *err, size_t errlen)
{
    const struct cv_archive_header *h = data;

    if (size < sizeof(*h) || (uintptr_t)data % 8 != 0)
        return fail(err, errlen, "archive: %zu bytes or misaligned", size);
    if (h->magic != CV_ARCHIVE_MAGIC)
        return fail(err, errlen, "archive: bad magic %#x", (unsigned)h->magic);
    if (h->total_size > size || h->total_size < sizeof(*h) ||
        h->count > (h->total_size - sizeof(*h)) / sizeof(h->entry[0]))
        return fail(err, errlen,
                    "archive: %u entries or total_size %llu "
                    "beyond %zu bytes",
                    (unsigned)h->count, (unsigned long long)h->total_size, size);
    for (uint32_t i = 0; i < h->count; i++) {
        const struct cv_archive_entry *e = &h->entry[i];
        if (!memchr(e->name, 0, sizeof(e->name)))
            return fail(err, errlen,
                        "archive: entry %u: name not "
                        "NUL-terminated",
                        (unsigned)i);
        if (e->offset > h->total_size || e->size > h->total_size - e->offset)
            return fail(err, errlen, "archive: entry %s outside the archive", e->name);
    }
    return 0;
}

int archive_find(const void *data, const char *name, const void **file, size_t *len)
{
    const struct cv_archive_header *h = data;

    for (uint32_t i = 0; i < h->count; i++) {
        const struct cv_archive_entry *e = &h->entry[i];
        if (strncmp(e->name, name, sizeof(e->name)) == 0) {
            *file = (const uint8_t *)data + e->offset;
            *len = (size_t)e->size;
            return 0;
        }
    }
    return -1;
}

bool archive_alone(const void *data, uint64_t offset, uint64_t size)
{
    const struct cv_archive_header *h = data;

    if (offset < sizeof(*h) + (uint64_t)h->count * sizeof(h->entry[0]))
        return false; /* the header or entry table is there */
    /* Exactly one entry's bytes, and it starts there: a second entry at the
     * same offset (an alias under another name) would share the frames. */
    uint32_t inside = 0;
    for (uint32_t i = 0; i < h->count; i++) {
        const struct cv_archive_entry *e = &h->entry[i];
        if (e->offset < offset + size && offset < e->offset + e->size &&
            (e->offset != offset || ++inside > 1))
            return false;
    }
    return inside == 1;
}
