/*
 * Reading a system description: the root node and its components.
 * Connections are read by conn.c. See docs/system-description.md.
 */
#include "desc.h"

#include "conn.h"
#include "diag.h"
#include "prop.h"
#include "vm.h"

#include <capvisor/abi.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESC_COMPATIBLE "capvisor,system"

/* Component defaults and limits (docs/system-description.md). */
#define DESC_DEFAULT_PRIORITY 100u
#define DESC_DEFAULT_STACK    0x4000u
#define DESC_DEFAULT_HEAP     0x10000u
#define DESC_DEFAULT_RADIX    8u
#define DESC_MIN_RADIX        4u
#define DESC_MAX_RADIX        12u
#define DESC_MIN_UNTYPED_BITS 12u
#define DESC_MAX_UNTYPED_BITS 30u

static const char *const desc_root_props[] = {"compatible",     "app-name",    "model",
                                              "#address-cells", "#size-cells", NULL};

static const char *const desc_comp_props[] = {
    "program",      "priority",    "affinity",      "stack-size",    "heap-size", "cnode-radix",
    "untyped-bits", "irq-control", "fault-handler", "console-input", "files",     NULL};

/** Grow array `*arr` of `count` elements of `size` bytes by one (zeroed). */
static void *desc_grow(void *arr, uint32_t count, size_t size, void **out)
{
    char *p = realloc(arr, (count + 1) * size);

    if (!p) {
        diag_tool_error("out of memory");
        *out = NULL;
        return arr;
    }
    memset(p + count * size, 0, size);
    *out = p + count * size;
    return p;
}

struct desc_iface *desc_add_iface(struct desc *d, uint32_t comp)
{
    void *e;

    d->iface = desc_grow(d->iface, d->iface_count, sizeof(*d->iface), &e);
    if (!e)
        return NULL;
    d->iface_count++;
    ((struct desc_iface *)e)->comp = comp;
    return e;
}

struct desc_object *desc_add_object(struct desc *d)
{
    void *e;

    d->obj = desc_grow(d->obj, d->obj_count, sizeof(*d->obj), &e);
    if (e)
        d->obj_count++;
    return e;
}

struct cv_spec_vm *desc_add_vm(struct desc *d)
{
    void *e;

    d->vm = desc_grow(d->vm, d->vm_count, sizeof(*d->vm), &e);
    if (e)
        d->vm_count++;
    return e;
}

/** Append a component; returns it (zeroed), or NULL. */
static struct desc_component *desc_add_component(struct desc *d)
{
    void *e;

    d->comp = desc_grow(d->comp, d->comp_count, sizeof(*d->comp), &e);
    if (e)
        d->comp_count++;
    return e;
}

uint32_t desc_find_component(const struct desc *d, const char *name)
{
    for (uint32_t i = 0; i < d->comp_count; i++) {
        if (strcmp(d->comp[i].spec.name, name) == 0)
            return i;
    }
    return CV_SPEC_NONE;
}

void desc_free(struct desc *d)
{
    free(d->comp);
    free(d->obj);
    free(d->iface);
    free(d->vm);
    free(d->xconn);
    free(d->passthru);
    memset(d, 0, sizeof(*d));
}

int desc_check_listed(const struct prop_node *n, const char *prop, const char *what,
                      const char *name, const struct desc_programs *list)
{
    char names[512];
    size_t used = 0;

    if (list->count == 0)
        return 0;
    for (uint32_t i = 0; i < list->count; i++) {
        if (strcmp(list->name[i], name) == 0)
            return 0;
    }
    names[0] = '\0';
    for (uint32_t i = 0; i < list->count && used < sizeof(names); i++)
        used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                                 list->name[i]);
    return prop_error(n, prop, "unknown %s '%s' (%ss: %s)", what, name, what, names);
}

/** Check that size property `prop` is a page multiple (non-zero if asked). */
static int desc_check_pages(const struct prop_node *n, const char *prop, uint32_t value,
                            int nonzero)
{
    if (value % CV_PAGE_SIZE == 0 && (value != 0 || !nonzero))
        return 0;
    return prop_error(n, prop,
                      "%s 0x%x is not a %smultiple of the page "
                      "size (0x%x)",
                      prop, value, nonzero ? "non-zero " : "", CV_PAGE_SIZE);
}

/** Read the numeric properties of a component. */
static int desc_comp_numbers(const struct prop_node *n, struct cv_spec_component *c)
{
    if (prop_u32(n, "priority", DESC_DEFAULT_PRIORITY, 0, 255, &c->priority) ||
        prop_u32(n, "affinity", 0, 0, DESC_MAX_CORES - 1, &c->affinity) ||
        prop_u32(n, "stack-size", DESC_DEFAULT_STACK, 0, UINT32_MAX, &c->stack_size) ||
        desc_check_pages(n, "stack-size", c->stack_size, 1) ||
        prop_u32(n, "heap-size", DESC_DEFAULT_HEAP, 0, UINT32_MAX, &c->heap_size) ||
        desc_check_pages(n, "heap-size", c->heap_size, 0) ||
        prop_u32(n, "cnode-radix", DESC_DEFAULT_RADIX, DESC_MIN_RADIX, DESC_MAX_RADIX,
                 &c->cnode_radix))
        return -1;
    if (!prop_has(n, "untyped-bits"))
        return 0;
    return prop_u32(n, "untyped-bits", 0, DESC_MIN_UNTYPED_BITS, DESC_MAX_UNTYPED_BITS,
                    &c->untyped_bits);
}

/** Check a component's node name: short, usable in "comp.iface". */
static int desc_comp_name(const struct prop_node *n)
{
    if (strlen(n->name) >= CV_SPEC_NAME_MAX)
        return prop_error(n, NULL, "name is longer than %u characters", CV_SPEC_NAME_MAX - 1);
    if (strchr(n->name, '.'))
        return prop_error(n, NULL, "name must not contain '.'");
    return 0;
}

/** Read one component node. */
static int desc_component(struct desc *d, const struct prop_node *n,
                          const struct desc_programs *programs, const struct desc_programs *files)
{
    struct desc_component *c;
    int irq_control, console;

    if (prop_check_known(n, desc_comp_props) || vm_check_children(n) || desc_comp_name(n))
        return -1;
    c = desc_add_component(d);
    if (!c)
        return -1;
    strcpy(c->spec.name, n->name);
    c->loc = prop_loc(n, NULL);
    c->fault_loc = prop_loc(n, "fault-handler");
    c->radix_loc = prop_loc(n, "cnode-radix");
    c->files_loc = prop_loc(n, "files");
    c->spec.fault_handler = CV_SPEC_NONE;
    c->spec.vm_index = CV_SPEC_NONE;
    if (prop_name(n, "program", 1, c->spec.program) ||
        desc_check_listed(n, "program", "program", c->spec.program, programs) ||
        desc_comp_numbers(n, &c->spec) || prop_flag(n, "irq-control", &irq_control) ||
        prop_flag(n, "console-input", &console) || prop_name(n, "fault-handler", 0, c->fault_name))
        return -1;
    c->spec.flags =
        (irq_control ? CV_SPEC_COMP_IRQ_CONTROL : 0u) | (console ? CV_SPEC_COMP_CONSOLE : 0u);
    return vm_load_files(d, n, d->comp_count - 1, files) || vm_load(d, n, d->comp_count - 1);
}

/** Read every child of /components. */
static int desc_components(struct desc *d, const struct dtsrc *src, int off,
                           const struct desc_programs *programs, const struct desc_programs *files)
{
    struct prop_node parent, n;
    int child;

    if (prop_node_init(&parent, src, off, NULL) ||
        prop_check_known(&parent, (const char *const[]){NULL}))
        return -1;
    fdt_for_each_subnode(child, src->dtb, off)
    {
        if (prop_node_init(&n, src, child, "component") || desc_component(d, &n, programs, files))
            return -1;
    }
    if (d->comp_count == 0)
        return prop_error(&parent, NULL, "no components");
    return 0;
}

/** Resolve every fault-handler name to a component index. */
static int desc_fault_handlers(struct desc *d)
{
    for (uint32_t i = 0; i < d->comp_count; i++) {
        struct desc_component *c = &d->comp[i];

        if (c->fault_name[0] == '\0')
            continue;
        c->spec.fault_handler = desc_find_component(d, c->fault_name);
        if (c->spec.fault_handler == CV_SPEC_NONE) {
            diag_error(c->fault_loc,
                       "component '%s': fault-handler '%s' "
                       "names no component",
                       c->spec.name, c->fault_name);
            return -1;
        }
        if (c->spec.fault_handler == i) {
            diag_error(c->fault_loc,
                       "component '%s': a component cannot "
                       "handle its own faults",
                       c->spec.name);
            return -1;
        }
    }
    return 0;
}

/** The default app name: the input's basename without its extension. */
static int desc_default_app_name(struct desc *d, const struct dtsrc *src,
                                 const struct prop_node *root)
{
    const char *base = strrchr(src->file, '/');
    size_t len;

    base = base ? base + 1 : src->file;
    len = strcspn(base, ".");
    if (len == 0 || len >= CV_SPEC_NAME_MAX)
        return prop_error(root, NULL,
                          "cannot use the file name as app name "
                          "(empty or longer than %u characters): set "
                          "app-name",
                          CV_SPEC_NAME_MAX - 1);
    memcpy(d->app_name, base, len);
    d->app_name[len] = '\0';
    return 0;
}

/** Check the root node: compatible, app-name, and only known children. */
static int desc_root(struct desc *d, const struct dtsrc *src, const struct prop_node *root)
{
    const char *compat;
    int child;

    if (prop_check_known(root, desc_root_props))
        return -1;
    compat = prop_string(root, "compatible");
    if (!compat)
        return -1;
    if (strcmp(compat, DESC_COMPATIBLE) != 0)
        return prop_error(root, "compatible",
                          "compatible is '%s', expected "
                          "'%s'",
                          compat, DESC_COMPATIBLE);
    fdt_for_each_subnode(child, src->dtb, root->off)
    {
        struct prop_node n;

        if (prop_node_init(&n, src, child, NULL))
            return -1;
        if (strcmp(n.name, "components") != 0 && strcmp(n.name, "connections") != 0)
            return prop_error(&n, NULL,
                              "unknown node '%s' (known: "
                              "components, connections)",
                              n.name);
    }
    if (prop_has(root, "app-name"))
        return prop_name(root, "app-name", 1, d->app_name);
    return desc_default_app_name(d, src, root);
}

int desc_load(struct desc *d, const struct dtsrc *src, const struct desc_programs *programs,
              const struct desc_programs *files)
{
    struct prop_node root;
    int comps, conns;

    memset(d, 0, sizeof(*d));
    if (prop_node_init(&root, src, 0, NULL) || desc_root(d, src, &root))
        return -1;
    comps = fdt_subnode_offset(src->dtb, 0, "components");
    if (comps < 0)
        return prop_error(&root, NULL, "missing node 'components'");
    if (desc_components(d, src, comps, programs, files) || desc_fault_handlers(d))
        return -1;
    conns = fdt_subnode_offset(src->dtb, 0, "connections");
    if (conns >= 0 && conn_load(d, src, conns))
        return -1;
    return vm_check_own_kernels(d);
}
