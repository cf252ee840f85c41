/*
 * Typed, checked access to the properties of one devicetree node of a
 * system description. Every failure is reported as
 * `FILE:LINE: error: <what> '<name>': ...` at the property's location (the
 * node's for a missing property), so callers only propagate -1.
 */
#ifndef SPECC_PROP_H
#define SPECC_PROP_H

#include <stddef.h>
#include <stdint.h>

#include "dtsrc.h"

/** Longest node path specc handles. */
#define PROP_PATH_MAX 256

/** A node being read: where it is and how errors name it. */
struct prop_node {
    const void *fdt;
    int off;                  /* node offset in fdt */
    char path[PROP_PATH_MAX]; /* "/components/client" */
    const char *what;         /* "component", "connection", or NULL */
    const char *name;         /* node name (points into fdt) */
    const struct dtsrc *src;  /* for locations */
};

/** Fill `n` for node `off` of `fdt`; -1 (reported) if the path is too long. */
int prop_node_init(struct prop_node *n, const struct dtsrc *src, int off, const char *what);

/** "FILE:LINE" of property `prop` of `n` (of the node if prop is NULL). */
const char *prop_loc(const struct prop_node *n, const char *prop);

/** Report an error about `n` at `prop` (NULL: the node). Returns -1. */
int prop_error(const struct prop_node *n, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Whether `n` has property `prop`. */
int prop_has(const struct prop_node *n, const char *prop);

/**
 * Read one-cell property `prop` into `out`, `dflt` if absent, and check
 * min <= value <= max.
 */
int prop_u32(const struct prop_node *n, const char *prop, uint32_t dflt, uint32_t min, uint32_t max,
             uint32_t *out);

/** Read a one- or two-cell (high, low) number; it must be present. */
int prop_u64(const struct prop_node *n, const char *prop, uint64_t *out);

/**
 * Read string `prop` into `buf` (a name: at most CV_SPEC_NAME_MAX - 1
 * characters); if absent, an error when `required`, else buf is untouched.
 */
int prop_name(const struct prop_node *n, const char *prop, int required, char *buf);

/**
 * Read byte string `prop` (`[01 02 ...]`), exactly `len` bytes, into
 * `out`; it must be present. `example` is how one looks, for the error.
 */
int prop_bytes(const struct prop_node *n, const char *prop, uint8_t *out, size_t len,
               const char *example);

/** Read string `prop` of any length; NULL (reported) if absent or bad. */
const char *prop_string(const struct prop_node *n, const char *prop);

/**
 * Number of strings in string-list `prop`: 0 if absent, -1 (reported) if it
 * is not a list of non-empty strings.
 */
int prop_string_count(const struct prop_node *n, const char *prop);

/** String `i` of string-list `prop` (checked by prop_string_count). */
const char *prop_string_at(const struct prop_node *n, const char *prop, int i);

/**
 * Read enumerated string `prop`: `out` is its index in NULL-terminated
 * `choices`, 0 (the default) when absent; another string is reported.
 */
int prop_choice(const struct prop_node *n, const char *prop, const char *const choices[],
                uint32_t *out);

/** Read flag property `prop` (no value) into `out` (1 if present). */
int prop_flag(const struct prop_node *n, const char *prop, int *out);

/** Report the first property of `n` not in NULL-terminated `known`. */
int prop_check_known(const struct prop_node *n, const char *const known[]);

/**
 * Report the first property of NULL-terminated `own` that `n` has: they
 * belong to another kind of node ("only a OWNER has 'PROP'").
 */
int prop_check_absent(const struct prop_node *n, const char *const own[], const char *owner);

/** Report the first child node of `n`, if `n` must have none. */
int prop_check_leaf(const struct prop_node *n);

#endif /* SPECC_PROP_H */
