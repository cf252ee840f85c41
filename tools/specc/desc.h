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
#include "prop.h"

/** Cores a component may be placed on (affinity < DESC_MAX_CORES). */
#define DESC_MAX_CORES 4u

/** A component: its spec entry and what still needs resolving. */
struct desc_component {
    struct cv_spec_component spec;     /* iface_first/count set by layout */
    char fault_name[CV_SPEC_NAME_MAX]; /* fault-handler, "" if none */
    const char *loc;                   /* "FILE:LINE" of the node */
    const char *fault_loc;             /* of the fault-handler property */
    const char *radix_loc;             /* of cnode-radix (or the node) */
    const char *files_loc;             /* of files (or the node) */
    const char *kernel_gz_loc;         /* of its vm's kernel-gz, if any */
    const char *ram_loc;               /* of its vm's ram-identity, if any */
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

/** A cross-connector device, resolved once every interface is laid out (xconn.h). */
struct desc_xconn {
    uint32_t vm, dev;      /* d->vm[vm].device[dev] */
    struct prop_node node; /* its device node, for the ends' names and errors */
};

/** A passthrough device, resolved once every interface is laid out (passthru.h). */
struct desc_passthru {
    uint32_t vm, dev;      /* d->vm[vm].device[dev] */
    struct prop_node node; /* its device node, for errors */
    uint64_t reg;          /* `reg`'s address, 0: the region's first byte */
    uint64_t reg_size;     /* `reg`'s size, 0: the whole region */
    uint64_t paddr, size;  /* its region, once resolved */
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
    struct cv_spec_vm *vm; /* in component order (vm_index) */
    uint32_t vm_count;
    struct desc_xconn *xconn;
    uint32_t xconn_count;
    struct desc_passthru *passthru;
    uint32_t passthru_count;
};

/**
 * The programs (--programs) or boot-archive files (--files) a description
 * may name, or any name if count is 0.
 */
struct desc_programs {
    char **name;
    uint32_t count;
};

/**
 * Read and check the description in `src` (components, connections, every
 * property). Interfaces are left in declaration order for layout_build().
 * Returns 0, or -1 after printing `FILE:LINE: error: ...`.
 */
int desc_load(struct desc *d, const struct dtsrc *src, const struct desc_programs *programs,
              const struct desc_programs *files);

/** Free what desc_load() allocated. */
void desc_free(struct desc *d);

/** Index of component `name`, or CV_SPEC_NONE. */
uint32_t desc_find_component(const struct desc *d, const char *name);

/** Append an interface; returns it (zeroed but for comp), or NULL. */
struct desc_iface *desc_add_iface(struct desc *d, uint32_t comp);

/** Append an object; returns it (zeroed), or NULL. */
struct desc_object *desc_add_object(struct desc *d);

/** Append a vm table entry; returns it (zeroed), or NULL. */
struct cv_spec_vm *desc_add_vm(struct desc *d);

/**
 * Check that `name` (from property `prop` of `n`) is in `list`, unless the
 * list is empty; the error names it as `what` and lists the known names.
 */
int desc_check_listed(const struct prop_node *n, const char *prop, const char *what,
                      const char *name, const struct desc_programs *list);

#endif /* SPECC_DESC_H */
