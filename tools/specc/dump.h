/*
 * `specc --dump`: print a compiled spec in a readable, greppable form
 * (one `key=value` line per table entry), checking it as the loader would.
 */
#ifndef SPECC_DUMP_H
#define SPECC_DUMP_H

#include <stddef.h>
#include <stdio.h>

/**
 * Check the spec blob `buf` of `size` bytes and print it to `out`.
 * Returns 0, or -1 after printing why the blob is malformed.
 */
int dump_spec(const void *buf, size_t size, FILE *out);

#endif /* SPECC_DUMP_H */
