/*
 * The system description in memory: what desc_load() reads from the
 * devicetree (components, connections) and layout_build() turns into the
 * tables of include/capvisor/spec.h. docs/system-description.md describes
 * the source format and its meaning.
 */
#ifndef SPECC_DESC_H
#define SPECC_DESC_H

#include <capvisor/spec.h>
#include <stdint.h>

#include "dtsrc.h"

/** Cores a component may be placed on (affinity < DESC_MAX_CORES). */
#define DESC_MAX_CORES 4u

/** A component: its spec entry and what still needs resolving. */
struct desc_component {
    struct cv_spec_component spec;     /* iface_first/count set by layout */
    char fault_name[CV_SPEC_NAME_MAX]; /* fault-handler, "" if none */
    const char *loc;                   /* "FILE:LINE" of the node */
    const char *fault_loc;             /* of the fault-handler property */
    const char *radix_loc;             /* of cnode-radix (or the node) */
};

/** A connection object (or the irq object of a device connection). */
struct desc_object {
    struct cv_spec_object spec;
    const char *loc; /* "FILE:LINE" of the node */
};

/** An interface: one end of a connection, in some component. */
struct desc_iface {
    struct cv_spec_iface spec;
    uint32_t comp;                       /* index of the component that has it */
    const char *loc;                     /* "FILE:LINE" of the from/to property naming it */
    char ntfn_ref[2 * CV_SPEC_NAME_MAX]; /* IRQ: irq-notification, or "" */
    const char *ntfn_loc;                /* IRQ: its location */
};

/** The whole description. */
struct desc {
    char app_name[CV_SPEC_NAME_MAX];
    struct desc_component *comp;
    uint32_t comp_count;
    struct desc_object *obj;
    uint32_t obj_count;
    struct desc_iface *iface; /* declaration order, then grouped by layout */
    uint32_t iface_count;
};

/** The programs a description may name (--programs), or all if count 0. */
struct desc_programs {
    char **name;
    uint32_t count;
};

/**
 * Read and check the description in `src` (components, connections, every
 * property). Interfaces are left in declaration order for layout_build().
 * Returns 0, or -1 after printing `FILE:LINE: error: ...`.
 */
int desc_load(struct desc *d, const struct dtsrc *src, const struct desc_programs *programs);

/** Free what desc_load() allocated. */
void desc_free(struct desc *d);

/** Index of component `name`, or CV_SPEC_NONE. */
uint32_t desc_find_component(const struct desc *d, const char *name);

/** Append an interface; returns it (zeroed but for comp), or NULL. */
struct desc_iface *desc_add_iface(struct desc *d, uint32_t comp);

/** Append an object; returns it (zeroed), or NULL. */
struct desc_object *desc_add_object(struct desc *d);

#endif /* SPECC_DESC_H */
