/*
 * Data cache maintenance from EL0 (DC CVAC is allowed there: the kernel
 * leaves SCTLR_EL1.UCI set). What a program writes through its cacheable
 * mapping for a reader that may not use the cache (a guest kernel entered
 * with its MMU and caches off, Linux booting.rst 4) must be cleaned to the
 * point of coherency.
 */
#ifndef CAP_CACHE_H
#define CAP_CACHE_H

#include <stddef.h>

/** Cleans [p, p + len) to the point of coherency, then a DSB. */
void cv_dcache_clean(const void *p, size_t len);

#endif /* CAP_CACHE_H */
