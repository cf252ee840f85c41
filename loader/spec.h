/*
 * The compiled system spec (include/capvisor/spec.h): validation and
 * typed access. Portable C without syscalls, so it runs in host tests.
 *
 * spec_parse() checks everything the loader later relies on (sizes,
 * alignment, every index, every string's NUL); after it succeeds the
 * accessors below need no further checks.
 */
#ifndef LOADER_SPEC_H
#define LOADER_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include <capvisor/abi.h>
#include <capvisor/spec.h>

/** A validated spec blob. */
struct spec {
    const struct cv_spec_header *hdr;
    const struct cv_spec_component *comp;
    const struct cv_spec_object *obj;
    const struct cv_spec_iface *iface;
    const struct cv_spec_vm *vm;
};

/**
 * Validate the blob [data, data + size) and fill *s. Returns 0, or -1
 * with a one-line reason in err (errlen bytes).
 */
int spec_parse(struct spec *s, const void *data, size_t size, char *err, size_t errlen);

/** True for interface kinds that put one capability in the cspace. */
int spec_iface_has_cap(uint32_t kind);

/** Cspace slots interface f takes (FRAMES: one per page). */
uint64_t spec_iface_slots(const struct spec *s, const struct cv_spec_iface *f);

/** True for interface kinds that map frames (dataport, device). */
int spec_iface_has_mapping(uint32_t kind);

/** Cspace slots the interfaces of component c take from CV_COMP_SLOT_FIRST_IFACE. */
uint64_t spec_comp_cap_count(const struct spec *s, const struct cv_spec_component *c);

/** Interfaces in c's info page: its spec interfaces, plus "console". */
uint32_t spec_comp_info_ifaces(const struct cv_spec_component *c);

/** Pages of a DATAPORT/DEVICE object (FILE objects: see the archive). */
static inline uint64_t spec_obj_pages(const struct cv_spec_object *o)
{
    return o->size >> CV_PAGE_BITS;
}

#endif /* LOADER_SPEC_H */
