/*
 * Reading the connections of a system description: each becomes one
 * object (two for a device with an interrupt) and one interface per end,
 * in the component the end names. See docs/system-description.md.
 */
#ifndef SPECC_CONN_H
#define SPECC_CONN_H

#include "desc.h"
#include "dtsrc.h"

/**
 * Read every child of the /connections node at offset `off` into `d`
 * (whose components are already read). Returns 0, or -1 after printing
 * `FILE:LINE: error: ...`.
 */
int conn_load(struct desc *d, const struct dtsrc *src, int off);

#endif /* SPECC_CONN_H */
