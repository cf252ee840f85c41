/*
 * Guest RAM bounds (gmem.h).
 */
#include <stddef.h>

#include "vmm/gmem.h"

void *gmem_ptr(const struct gmem *m, ipa_t ipa, uint64_t len)
{
    /* written so that nothing can overflow: ipa - base only once ipa >= base */
    if (len == 0 || ipa.v < m->base.v)
        return NULL;
    uint64_t off = ipa.v - m->base.v;
    if (off >= m->size || len > m->size - off)
        return NULL;
    return m->map(m->ctx, ipa, len);
}
