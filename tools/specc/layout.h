/*
 * Laying out a loaded description as spec tables: interfaces grouped per
 * component (declaration order within one), shared-region addresses, irq
 * notification indices, and the per-component checks that need the grouped
 * view (duplicate interface names, interface count, cspace size).
 */
#ifndef SPECC_LAYOUT_H
#define SPECC_LAYOUT_H

#include "desc.h"

/** Lay out `d` in place. Returns 0, or -1 after printing an error. */
int layout_build(struct desc *d);

#endif /* SPECC_LAYOUT_H */
