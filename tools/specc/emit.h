/*
 * Writing the compiled spec (include/capvisor/spec.h): header, then the
 * component, object and interface tables, each 8-byte aligned.
 */
#ifndef SPECC_EMIT_H
#define SPECC_EMIT_H

#include <stddef.h>

#include "desc.h"

/** Build the spec blob of laid-out `d` in a malloc'd buffer. NULL: no memory. */
void *emit_build(const struct desc *d, size_t *size);

/** Write the spec of `d` to file `path`. Returns 0, or -1 (reported). */
int emit_write(const struct desc *d, const char *path);

#endif /* SPECC_EMIT_H */
