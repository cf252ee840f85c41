/*
 * Spec table layout, see layout.h.
 */
#include "layout.h"
#include "passthru.h"
#include "xconn.h"

#include "diag.h"

#include <capvisor/abi.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_REGION_ALIGN (1ull << CV_LARGE_PAGE_BITS) /* 2 MiB */

/** Reorder d->iface so each component's interfaces are contiguous. */
static int layout_group(struct desc *d)
{
    struct desc_iface *sorted = calloc(d->iface_count + 1, sizeof(*sorted));
    uint32_t n = 0;

    if (!sorted) {
        diag_tool_error("out of memory");
        return -1;
    }
    for (uint32_t c = 0; c < d->comp_count; c++) {
        d->comp[c].spec.iface_first = n;
        for (uint32_t i = 0; i < d->iface_count; i++) {
            if (d->iface[i].comp == c)
                sorted[n++] = d->iface[i];
        }
        d->comp[c].spec.iface_count = n - d->comp[c].spec.iface_first;
    }
    free(d->iface);
    d->iface = sorted;
    return 0;
}

/** Cspace slots interface `f` takes: one per frame for FRAMES. */
static uint32_t layout_cap_slots(const struct desc *d, const struct desc_iface *f)
{
    switch (f->spec.kind) {
    case CV_SPEC_IF_DATAPORT:
    case CV_SPEC_IF_DEVICE:
    case CV_SPEC_IF_FILE:
        return 0;
    case CV_SPEC_IF_FRAMES:
        return (uint32_t)(d->obj[f->spec.object].spec.size / CV_PAGE_SIZE);
    default:
        return 1;
    }
}

/**
 * Check one component's interfaces: count and unique names. A
 * console-input component also gets the interface "console" (loader).
 */
static int layout_check_names(const struct desc *d, uint32_t c)
{
    const struct cv_spec_component *comp = &d->comp[c].spec;
    const struct desc_iface *f = &d->iface[comp->iface_first];
    int console = (comp->flags & CV_SPEC_COMP_CONSOLE) != 0;
    uint32_t max = CV_COMP_INFO_MAX_IFACES - (console ? 1u : 0u);

    if (comp->iface_count > max) {
        diag_error(f[max].loc, "component '%s': more than %u interfaces%s", comp->name, max,
                   console ? " (besides 'console')" : "");
        return -1;
    }
    for (uint32_t i = 0; console && i < comp->iface_count; i++) {
        if (strcmp(f[i].spec.name, "console") != 0)
            continue;
        diag_error(f[i].loc,
                   "component '%s': interface name 'console' is taken by "
                   "console-input",
                   comp->name);
        return -1;
    }
    for (uint32_t i = 1; i < comp->iface_count; i++) {
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(f[i].spec.name, f[j].spec.name) != 0)
                continue;
            diag_error(f[i].loc,
                       "component '%s': interface '%s' is used "
                       "twice (connections '%s' and '%s')",
                       comp->name, f[i].spec.name, d->obj[f[j].spec.object].spec.name,
                       d->obj[f[i].spec.object].spec.name);
            return -1;
        }
    }
    return 0;
}

/** Check that the cspace holds the fixed slots and every interface cap. */
static int layout_check_radix(const struct desc *d, uint32_t c)
{
    const struct desc_component *comp = &d->comp[c];
    const struct desc_iface *f = &d->iface[comp->spec.iface_first];
    uint64_t caps = 0, slots = 1ull << comp->spec.cnode_radix;

    for (uint32_t i = 0; i < comp->spec.iface_count; i++)
        caps += layout_cap_slots(d, &f[i]);
    if (CV_COMP_SLOT_FIRST_IFACE + caps <= slots)
        return 0;
    diag_error(comp->radix_loc,
               "component '%s': cnode-radix %u gives %u "
               "slots, too few for %llu interface capabilities from slot %u",
               comp->spec.name, comp->spec.cnode_radix, (unsigned)slots, (unsigned long long)caps,
               CV_COMP_SLOT_FIRST_IFACE);
    return -1;
}

/**
 * Place one component's dataports and devices from CV_COMP_SHARED_BASE,
 * below CV_COMP_FILES_BASE (the loader places files from there).
 */
static int layout_vaddrs(struct desc *d, uint32_t c)
{
    const struct desc_component *comp = &d->comp[c];
    struct desc_iface *f = &d->iface[comp->spec.iface_first];
    uint64_t next = CV_COMP_SHARED_BASE, size;

    for (uint32_t i = 0; i < comp->spec.iface_count; i++) {
        if (f[i].spec.kind != CV_SPEC_IF_DATAPORT && f[i].spec.kind != CV_SPEC_IF_DEVICE)
            continue;
        size = d->obj[f[i].spec.object].spec.size;
        if (next > CV_COMP_FILES_BASE || size > CV_COMP_FILES_BASE - next) {
            diag_error(f[i].loc,
                       "component '%s': shared regions do not fit "
                       "below 0x%llx",
                       comp->spec.name, (unsigned long long)CV_COMP_FILES_BASE);
            return -1;
        }
        f[i].spec.vaddr = next;
        next = (next + size + LAYOUT_REGION_ALIGN - 1) & ~(LAYOUT_REGION_ALIGN - 1);
    }
    return 0;
}

/** Global index of interface `name` of component `c`, or CV_SPEC_NONE. */
static uint32_t layout_find_iface(const struct desc *d, uint32_t c, const char *name)
{
    const struct cv_spec_component *comp = &d->comp[c].spec;

    for (uint32_t i = comp->iface_first; i < comp->iface_first + comp->iface_count; i++) {
        if (strcmp(d->iface[i].spec.name, name) == 0)
            return i;
    }
    return CV_SPEC_NONE;
}

/**
 * Resolve the irq-notification "comp.iface" of IRQ interface `f`: the
 * NTFN_CONSUME end of a notification in the irq's own component.
 */
static int layout_irq_ntfn(struct desc *d, struct desc_iface *f)
{
    /* conn_device_irq() adds the irq object right after its device's. */
    const char *conn = d->obj[f->spec.object - 1].spec.name;
    const char *comp = d->comp[f->comp].spec.name;
    size_t len = strlen(comp);
    uint32_t i = CV_SPEC_NONE;

    if (strncmp(f->ntfn_ref, comp, len) != 0 || f->ntfn_ref[len] != '.') {
        diag_error(f->ntfn_loc,
                   "connection '%s': irq-notification '%s' "
                   "must name an interface of component '%s' (the device's "
                   "'to' end)",
                   conn, f->ntfn_ref, comp);
        return -1;
    }
    i = layout_find_iface(d, f->comp, f->ntfn_ref + len + 1);
    if (i == CV_SPEC_NONE || d->iface[i].spec.kind != CV_SPEC_IF_NTFN_CONSUME) {
        diag_error(f->ntfn_loc,
                   "connection '%s': irq-notification '%s' is "
                   "not the 'to' end of a notification connection",
                   conn, f->ntfn_ref);
        return -1;
    }
    f->spec.ntfn_iface = i;
    return 0;
}

int layout_build(struct desc *d)
{
    if (layout_group(d))
        return -1;
    for (uint32_t c = 0; c < d->comp_count; c++) {
        if (layout_check_names(d, c) || layout_check_radix(d, c) || layout_vaddrs(d, c))
            return -1;
    }
    for (uint32_t i = 0; i < d->iface_count; i++) {
        struct desc_iface *f = &d->iface[i];

        if (f->spec.kind == CV_SPEC_IF_IRQ && f->ntfn_ref[0] && layout_irq_ntfn(d, f))
            return -1;
    }
    return xconn_resolve(d) || passthru_resolve(d);
}
