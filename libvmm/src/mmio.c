/*
 * Data-abort exit records and MMIO region dispatch. The kernel decoded the
 * syndrome (abi.h CV_DA_*); this only unpacks and checks the result.
 */
#include <capvisor/abi.h>

#include "vmm/mmio.h"

/** All ones in the low `width` bytes. */
static uint64_t width_mask(unsigned width)
{
    return width >= 8 ? ~0ull : (1ull << (8u * width)) - 1u;
}

/** Whether the record describes one load or store the VMM can emulate. */
static enum mmio_result check_access(uint64_t a)
{
    unsigned w = CV_DA_WIDTH(a);
    if (w != 1 && w != 2 && w != 4 && w != 8)
        return MMIO_UNDECODABLE;
    if (a & CV_DA_S1PTW)
        return MMIO_STAGE1_WALK;
    if (a & CV_DA_CACHE)
        return MMIO_CACHE_OP;
    return MMIO_OK;
}

enum mmio_result mmio_decode(const struct mmio_exit *exit, struct mmio_access *out)
{
    uint64_t a = exit->access;
    enum mmio_result res = check_access(a);

    out->ipa = IPA(exit->ipa);
    out->write = (a & CV_DA_WRITE) != 0;
    if (res != MMIO_OK)
        return res;
    out->width = CV_DA_WIDTH(a);
    out->reg = CV_DA_REG(a);
    out->sign_extend = (a & CV_DA_SIGNED) != 0;
    out->sf = (a & CV_DA_SF) != 0;
    out->value = out->write ? exit->value & width_mask(out->width) : 0;
    return MMIO_OK;
}

/** Load result: sign- or zero-extend to 64 bits, then cut to 32 if !SF (ARM ARM C6.2 LDRS*). */
uint64_t mmio_read_result(const struct mmio_access *acc, uint64_t raw)
{
    uint64_t val = raw & width_mask(acc->width);

    if (acc->sign_extend && acc->width < 8) {
        uint64_t sign = 1ull << (8u * acc->width - 1u);
        val = (val ^ sign) - sign;
    }
    if (!acc->sf)
        val &= 0xffffffffull;
    return val;
}

/** Whether [ipa, ipa + width) lies inside `r`, without overflow. */
static bool region_holds(const struct mmio_region *r, uint64_t ipa, unsigned width)
{
    if (ipa < r->base.v)
        return false;
    uint64_t off = ipa - r->base.v;
    return off < r->size && width <= r->size - off;
}

void mmio_registry_init(struct mmio_registry *reg)
{
    reg->count = 0;
}

enum mmio_reg_result mmio_register(struct mmio_registry *reg, const struct mmio_region *r)
{
    if (reg->count == MMIO_REGIONS_MAX)
        return MMIO_REG_FULL;
    if (r->size == 0 || r->base.v + r->size - 1 < r->base.v || !r->handler)
        return MMIO_REG_EMPTY;
    size_t at = 0;
    while (at < reg->count && reg->region[at].base.v < r->base.v)
        at++;
    /* sorted and disjoint: only the neighbours can overlap */
    const struct mmio_region *prev = at ? &reg->region[at - 1] : NULL;
    const struct mmio_region *next = at < reg->count ? &reg->region[at] : NULL;
    if ((prev && r->base.v - prev->base.v < prev->size) ||
        (next && next->base.v - r->base.v < r->size))
        return MMIO_REG_OVERLAP;
    for (size_t i = reg->count; i > at; i--)
        reg->region[i] = reg->region[i - 1];
    reg->region[at] = *r;
    reg->count++;
    return MMIO_REG_OK;
}

/** The last region whose base is at or below ipa, or NULL: a binary search. */
static const struct mmio_region *region_floor(const struct mmio_registry *reg, uint64_t ipa)
{
    size_t lo = 0, hi = reg->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (reg->region[mid].base.v <= ipa)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &reg->region[lo - 1] : NULL;
}

const struct mmio_region *mmio_region_at(const struct mmio_registry *reg, ipa_t ipa)
{
    const struct mmio_region *r = region_floor(reg, ipa.v);
    return r && region_holds(r, ipa.v, 1) ? r : NULL;
}

enum mmio_result mmio_dispatch(const struct mmio_registry *reg, struct mmio_access *acc,
                               const struct mmio_region **hit)
{
    const struct mmio_region *r = region_floor(reg, acc->ipa.v);
    if (!r || !region_holds(r, acc->ipa.v, acc->width)) {
        if (hit)
            *hit = NULL;
        return MMIO_UNBACKED;
    }
    if (hit)
        *hit = r;
    uint64_t off = acc->ipa.v - r->base.v;
    return r->handler(r->dev, off, acc->width, acc->write, &acc->value) ? MMIO_OK
                                                                        : MMIO_DEVICE_ERROR;
}
