/*
 * Reading connections, see conn.h.
 */
#include "conn.h"

#include "diag.h"
#include "prop.h"

#include <capvisor/abi.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define CONN_IRQ_MIN      32u   /* first SPI (GICv2 architecture spec 2.2.1) */
#define CONN_IRQ_MAX      1019u /* last SPI */
#define CONN_MAX_EMITTERS 64u   /* one badge bit each */

/** A connection type: its name, object kind and allowed properties. */
struct conn_type {
    const char *name;
    uint32_t kind; /* enum cv_spec_obj_kind */
    int (*load)(struct desc *d, const struct prop_node *n, uint32_t obj);
    const char *const *props;
};

static int conn_rpc(struct desc *d, const struct prop_node *n, uint32_t obj);
static int conn_ntfn(struct desc *d, const struct prop_node *n, uint32_t obj);
static int conn_dataport(struct desc *d, const struct prop_node *n, uint32_t obj);
static int conn_device(struct desc *d, const struct prop_node *n, uint32_t obj);

static const char *const conn_props_channel[] = {"type", "from", "to", NULL};
static const char *const conn_props_dataport[] = {"type", "from", "to", "size", "caps", NULL};
/* "from" is listed only to give a better error in conn_device(). */
static const char *const conn_props_device[] = {
    "type", "from", "to", "address", "size", "interrupt", "irq-notification", "caps", NULL};

static const struct conn_type conn_types[] = {
    {"rpc", CV_SPEC_OBJ_ENDPOINT, conn_rpc, conn_props_channel},
    {"notification", CV_SPEC_OBJ_NOTIFICATION, conn_ntfn, conn_props_channel},
    {"dataport", CV_SPEC_OBJ_DATAPORT, conn_dataport, conn_props_dataport},
    {"device", CV_SPEC_OBJ_DEVICE, conn_device, conn_props_device},
};
#define CONN_TYPE_COUNT (sizeof(conn_types) / sizeof(conn_types[0]))

/** Look up the connection type named by `type`. */
static const struct conn_type *conn_find_type(const struct prop_node *n)
{
    const char *type = prop_string(n, "type");

    if (!type)
        return NULL;
    for (size_t i = 0; i < CONN_TYPE_COUNT; i++) {
        if (strcmp(conn_types[i].name, type) == 0)
            return &conn_types[i];
    }
    prop_error(n, "type",
               "unknown type '%s' (types: rpc, notification, "
               "dataport, device)",
               type);
    return NULL;
}

/** Append object `name` of `kind`; -1 (reported) if the name is taken. */
static int conn_add_object(struct desc *d, const struct prop_node *n, const char *name,
                           uint32_t kind, uint32_t *index)
{
    struct desc_object *o;

    if (strlen(name) >= CV_SPEC_NAME_MAX)
        return prop_error(n, NULL,
                          "object name '%s' is longer than %u "
                          "characters",
                          name, CV_SPEC_NAME_MAX - 1);
    for (uint32_t i = 0; i < d->obj_count; i++) {
        if (strcmp(d->obj[i].spec.name, name) == 0)
            return prop_error(n, NULL, "object name '%s' is used twice", name);
    }
    o = desc_add_object(d);
    if (!o)
        return -1;
    strcpy(o->spec.name, name);
    o->spec.kind = kind;
    o->loc = prop_loc(n, NULL);
    *index = d->obj_count - 1;
    return 0;
}

/** Write the component names of `d` as "a, b, c" into buf. */
static void conn_component_list(const struct desc *d, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (uint32_t i = 0; i < d->comp_count && used < len; i++)
        used +=
            (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", d->comp[i].spec.name);
}

/**
 * Split end `ref` ("component.interface", from property `prop`) into the
 * component index and the interface name.
 */
static int conn_parse_end(const struct desc *d, const struct prop_node *n, const char *prop,
                          const char *ref, uint32_t *comp, char *iface)
{
    const char *dot = strchr(ref, '.');
    char name[CV_SPEC_NAME_MAX], list[512];
    size_t len = dot ? (size_t)(dot - ref) : 0;

    if (!dot || len == 0 || dot[1] == '\0' || strchr(dot + 1, '.'))
        return prop_error(n, prop, "end '%s' is not \"component.interface\"", ref);
    if (len >= CV_SPEC_NAME_MAX || strlen(dot + 1) >= CV_SPEC_NAME_MAX)
        return prop_error(n, prop,
                          "end '%s': a name in it is longer than %u "
                          "characters",
                          ref, CV_SPEC_NAME_MAX - 1);
    memcpy(name, ref, len);
    name[len] = '\0';
    *comp = desc_find_component(d, name);
    if (*comp == CV_SPEC_NONE) {
        conn_component_list(d, list, sizeof(list));
        return prop_error(n, prop,
                          "end '%s' names no component "
                          "(components: %s)",
                          ref, list);
    }
    strcpy(iface, dot + 1);
    return 0;
}

/** Add the interface for end `i` of property `prop`; returns it or NULL. */
static struct desc_iface *conn_add_end(struct desc *d, const struct prop_node *n, const char *prop,
                                       int i, uint32_t obj, uint32_t kind)
{
    char name[CV_SPEC_NAME_MAX];
    struct desc_iface *f;
    uint32_t comp = CV_SPEC_NONE;

    if (conn_parse_end(d, n, prop, prop_string_at(n, prop, i), &comp, name))
        return NULL;
    f = desc_add_iface(d, comp);
    if (!f)
        return NULL;
    strcpy(f->spec.name, name);
    f->spec.kind = kind;
    f->spec.object = obj;
    f->spec.ntfn_iface = CV_SPEC_NONE;
    f->loc = prop_loc(n, prop);
    return f;
}

/**
 * Count the ends in `prop`: at least one, and exactly one if `one`.
 * Returns the count, or -1 (reported).
 */
static int conn_count_ends(const struct prop_node *n, const char *type, const char *prop, int one)
{
    int count = prop_string_count(n, prop);

    if (count < 0)
        return -1;
    if (count == 0)
        return prop_error(n, NULL, "missing required property '%s'", prop);
    if (one && count != 1)
        return prop_error(n, prop,
                          "a %s connection has exactly one '%s' "
                          "end, not %d",
                          type, prop, count);
    return count;
}

/** The `from` ends get `from_kind` and badges, the one `to` end to_kind. */
static int conn_channel(struct desc *d, const struct prop_node *n, uint32_t obj, uint32_t from_kind,
                        uint32_t to_kind)
{
    const char *type = from_kind == CV_SPEC_IF_RPC_CLIENT ? "rpc" : "notification";
    int from = conn_count_ends(n, type, "from", 0);
    struct desc_iface *f;

    if (from < 0 || conn_count_ends(n, type, "to", 1) < 0)
        return -1;
    if (from_kind == CV_SPEC_IF_NTFN_EMIT && from > (int)CONN_MAX_EMITTERS)
        return prop_error(n, "from",
                          "a notification has at most %u 'from' "
                          "ends (one badge bit each), not %d",
                          CONN_MAX_EMITTERS, from);
    for (int i = 0; i < from; i++) {
        f = conn_add_end(d, n, "from", i, obj, from_kind);
        if (!f)
            return -1;
        f->spec.badge = from_kind == CV_SPEC_IF_RPC_CLIENT ? (uint64_t)i + 1 : (uint64_t)1 << i;
    }
    return conn_add_end(d, n, "to", 0, obj, to_kind) ? 0 : -1;
}

/** rpc: badged clients (1, 2, 3, ...) calling one server. */
static int conn_rpc(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    return conn_channel(d, n, obj, CV_SPEC_IF_RPC_CLIENT, CV_SPEC_IF_RPC_SERVER);
}

/** notification: emitters (badge bit i each) signalling one consumer. */
static int conn_ntfn(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    return conn_channel(d, n, obj, CV_SPEC_IF_NTFN_EMIT, CV_SPEC_IF_NTFN_CONSUME);
}

/** Read `size` into the object: present, a non-zero page multiple. */
static int conn_size(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    uint64_t size;

    if (prop_u64(n, "size", &size))
        return -1;
    if (size == 0 || size % CV_PAGE_SIZE != 0)
        return prop_error(n, "size",
                          "size 0x%llx is not a non-zero multiple "
                          "of the page size (0x%x)",
                          (unsigned long long)size, CV_PAGE_SIZE);
    d->obj[obj].spec.size = size;
    return 0;
}

/**
 * The interface kind of a `to` end of a dataport or device: the frame caps
 * (FRAMES) with the `caps` flag, else `mapped`. Returns 0 (reported) on error.
 */
static uint32_t conn_to_kind(const struct prop_node *n, uint32_t mapped)
{
    int caps;

    if (prop_flag(n, "caps", &caps))
        return 0;
    return caps ? CV_SPEC_IF_FRAMES : mapped;
}

/** Add the ends of `prop` (at least one) as read-write dataports of `kind`. */
static int conn_dataport_ends(struct desc *d, const struct prop_node *n, const char *prop,
                              uint32_t obj, uint32_t kind)
{
    int count = conn_count_ends(n, "dataport", prop, 0);
    struct desc_iface *f;

    if (kind == 0)
        return -1;
    for (int i = 0; i < count; i++) {
        f = conn_add_end(d, n, prop, i, obj, kind);
        if (!f)
            return -1;
        f->spec.rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    }
    return count < 0 ? -1 : 0;
}

/** dataport: shared RAM mapped read-write by every end (`to`: maybe caps). */
static int conn_dataport(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    if (conn_size(d, n, obj) || conn_dataport_ends(d, n, "from", obj, CV_SPEC_IF_DATAPORT) ||
        conn_dataport_ends(d, n, "to", obj, conn_to_kind(n, CV_SPEC_IF_DATAPORT)))
        return -1;
    return 0;
}

/** Check device region `obj` against the device regions before it. */
static int conn_device_overlap(const struct desc *d, const struct prop_node *n, uint32_t obj)
{
    const struct cv_spec_object *o = &d->obj[obj].spec;
    uint64_t o_end = o->paddr + o->size;

    if (o_end < o->paddr)
        return prop_error(n, "address", "region 0x%llx + 0x%llx wraps around",
                          (unsigned long long)o->paddr, (unsigned long long)o->size);
    for (uint32_t i = 0; i < obj; i++) {
        const struct cv_spec_object *p = &d->obj[i].spec;
        uint64_t p_end = p->paddr + p->size;

        if (p->kind != CV_SPEC_OBJ_DEVICE || o->paddr >= p_end || p->paddr >= o_end)
            continue;
        return prop_error(n, "address",
                          "device region 0x%llx..0x%llx "
                          "overlaps device '%s' (0x%llx..0x%llx)",
                          (unsigned long long)o->paddr, (unsigned long long)o_end, p->name,
                          (unsigned long long)p->paddr, (unsigned long long)p_end);
    }
    return 0;
}

/** Read a device's address and size. */
static int conn_device_region(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    uint64_t paddr;

    if (prop_u64(n, "address", &paddr) || conn_size(d, n, obj))
        return -1;
    if (paddr % CV_PAGE_SIZE != 0)
        return prop_error(n, "address", "address 0x%llx is not page aligned",
                          (unsigned long long)paddr);
    d->obj[obj].spec.paddr = paddr;
    return conn_device_overlap(d, n, obj);
}

/**
 * A device's interrupt: an irq object "<conn>_irq" and an IRQ interface
 * "<iface>_irq" in component `comp`, whose device interface is `iface`.
 */
static int conn_device_irq(struct desc *d, const struct prop_node *n, uint32_t comp,
                           const char *iface)
{
    char name[2 * CV_SPEC_NAME_MAX];
    const char *ref;
    struct desc_iface *f;
    uint32_t irq, obj;

    if (prop_u32(n, "interrupt", 0, CONN_IRQ_MIN, CONN_IRQ_MAX, &irq))
        return -1;
    for (uint32_t i = 0; i < d->obj_count; i++)
        if (d->obj[i].spec.kind == CV_SPEC_OBJ_IRQ && d->obj[i].spec.irq == irq)
            return prop_error(n, "interrupt",
                              "interrupt %u is given twice: '%s' has it already (a line has "
                              "one handler)",
                              irq, d->obj[i].spec.name);
    snprintf(name, sizeof(name), "%s_irq", n->name);
    if (conn_add_object(d, n, name, CV_SPEC_OBJ_IRQ, &obj))
        return -1;
    d->obj[obj].spec.irq = irq;
    snprintf(name, sizeof(name), "%s_irq", iface);
    if (strlen(name) >= CV_SPEC_NAME_MAX)
        return prop_error(n, "to",
                          "interface name '%s' is longer than %u "
                          "characters",
                          name, CV_SPEC_NAME_MAX - 1);
    f = desc_add_iface(d, comp);
    if (!f)
        return -1;
    strcpy(f->spec.name, name);
    f->spec.kind = CV_SPEC_IF_IRQ;
    f->spec.object = obj;
    f->spec.ntfn_iface = CV_SPEC_NONE;
    f->loc = prop_loc(n, "interrupt");
    f->ntfn_loc = prop_loc(n, "irq-notification");
    if (!prop_has(n, "irq-notification"))
        return 0;
    ref = prop_string(n, "irq-notification");
    if (!ref)
        return -1;
    snprintf(f->ntfn_ref, sizeof(f->ntfn_ref), "%s", ref);
    return 0;
}

/**
 * device: frames at `address` (and maybe an interrupt), mapped, or handed
 * over as caps with the `caps` flag. Several components may share a device
 * without an interrupt (e.g. the GICv2 virtual CPU interface every VMM maps
 * into its guest); an interrupt goes to exactly one.
 */
static int conn_device(struct desc *d, const struct prop_node *n, uint32_t obj)
{
    struct desc_iface *f = NULL;
    uint32_t kind;
    int irq = prop_has(n, "interrupt"), count;

    if (prop_has(n, "from"))
        return prop_error(n, "from",
                          "a device connection has no 'from' end, "
                          "only 'to'");
    if (conn_device_region(d, n, obj))
        return -1;
    count = conn_count_ends(n, irq ? "device with an interrupt" : "device", "to", irq);
    if (count < 0)
        return -1;
    kind = conn_to_kind(n, CV_SPEC_IF_DEVICE);
    for (int i = 0; i < count; i++) {
        f = kind ? conn_add_end(d, n, "to", i, obj, kind) : NULL;
        if (!f)
            return -1;
        f->spec.rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    }
    if (irq && f) /* count is 1 here (conn_count_ends) */
        return conn_device_irq(d, n, f->comp, f->spec.name);
    if (prop_has(n, "irq-notification"))
        return prop_error(n, "irq-notification",
                          "irq-notification without "
                          "an interrupt");
    return 0;
}

/** Read one connection node. */
static int conn_one(struct desc *d, const struct prop_node *n)
{
    const struct conn_type *type;
    uint32_t obj = CV_SPEC_NONE;

    if (prop_check_leaf(n))
        return -1;
    type = conn_find_type(n);
    if (!type || prop_check_known(n, type->props))
        return -1;
    if (conn_add_object(d, n, n->name, type->kind, &obj))
        return -1;
    return type->load(d, n, obj);
}

int conn_load(struct desc *d, const struct dtsrc *src, int off)
{
    struct prop_node parent, n;
    int child;

    if (prop_node_init(&parent, src, off, NULL) ||
        prop_check_known(&parent, (const char *const[]){NULL}))
        return -1;
    fdt_for_each_subnode(child, src->dtb, off)
    {
        if (prop_node_init(&n, src, child, "connection") || conn_one(d, &n))
            return -1;
    }
    return 0;
}
