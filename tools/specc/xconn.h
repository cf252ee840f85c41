/*
 * A cross-connector device of a vm (docs/xconn.md): the dataports and
 * events it joins are interfaces, known only once every connection is
 * read and laid out. xconn_read notes the device; xconn_resolve, after
 * layout, checks its ends and stores them in its cv_spec_xconn.
 */
#ifndef SPECC_XCONN_H
#define SPECC_XCONN_H

#include <stdint.h>

#include "desc.h"
#include "prop.h"

/**
 * Device node `n` (device `dev` of the vm being read, which becomes
 * d->vm[d->vm_count]): `dataports`, `emits` and `consumes` belong to a
 * cross-connector only; their counts are checked here, their names later.
 * Returns 0, or -1 after printing the error.
 */
int xconn_read(struct desc *d, const struct prop_node *n, const struct cv_spec_vm_device *dev,
               uint32_t index);

/** Resolves every noted device's ends (after layout). Returns 0, or -1 after the error. */
int xconn_resolve(struct desc *d);

#endif /* SPECC_XCONN_H */
