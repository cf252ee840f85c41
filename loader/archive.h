/*
 * The boot archive (struct cv_archive_header, abi.h): validation and
 * lookup by name. Portable C without syscalls (host-testable).
 */
#ifndef LOADER_ARCHIVE_H
#define LOADER_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capvisor/abi.h>

/**
 * Check the archive at [data, data + size): header, entry table, names
 * and that every entry lies inside it. Returns 0 or -1 with err set.
 */
int archive_check(const void *data, size_t size, char *err, size_t errlen);

/**
 * Find entry name in a checked archive: *file and *len describe it.
 * Returns 0, or -1 if there is no such entry.
 */
int archive_find(const void *data, const char *name, const void **file, size_t *len);

/**
 * True if [offset, offset + size) of a checked archive holds bytes of
 * exactly one entry, which starts at `offset`, and none of the header:
 * what a frame over that range may show of the archive.
 */
bool archive_alone(const void *data, uint64_t offset, uint64_t size);

#endif /* LOADER_ARCHIVE_H */
