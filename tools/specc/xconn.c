/*
 * Cross-connector devices (xconn.h).
 */
#include "xconn.h"

#include <capvisor/abi.h>

#include <stdlib.h>
#include <string.h>

/**
 * A list property: at most `max` names (`what` says of what, `over` what
 * more would be), none twice; `required`: at least one.
 */
static int xconn_list(const struct prop_node *n, const char *prop, unsigned max, int required,
                      const char *what, const char *over)
{
    int count = prop_string_count(n, prop);
    if (count < 0)
        return -1;
    if (count == 0 && required)
        return prop_error(n, NULL, "a cross-connector needs '%s' (at least one)", prop);
    if ((unsigned)count > max)
        return prop_error(n, prop, "%d %s: a cross-connector has at most %u%s", count, what, max,
                          over);
    for (int i = 0; i < count; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(prop_string_at(n, prop, i), prop_string_at(n, prop, k)) == 0)
                return prop_error(n, prop, "'%s' is listed twice", prop_string_at(n, prop, i));
    return 0;
}

int xconn_read(struct desc *d, const struct prop_node *n, const struct cv_spec_vm_device *dev,
               uint32_t index)
{
    static const char *const own[] = {"dataports", "emits", "consumes", NULL};
    if (dev->kind != CV_SPEC_VDEV_XCONN)
        return prop_check_absent(n, own, "cross-connector");
    if (xconn_list(n, "dataports", CV_SPEC_XCONN_DATAPORTS, 1, "dataports",
                   " (too many BARs: BAR 0 is its registers, one BAR a dataport)") ||
        xconn_list(n, "emits", CV_SPEC_XCONN_EMITS, 0, "events the guest emits", "") ||
        xconn_list(n, "consumes", CV_SPEC_XCONN_EVENTS, 0, "events the guest consumes", ""))
        return -1;
    struct desc_xconn *x = realloc(d->xconn, (d->xconn_count + 1) * sizeof(*x));
    if (!x)
        return prop_error(n, NULL, "out of memory");
    d->xconn = x;
    x[d->xconn_count++] = (struct desc_xconn){d->vm_count, index, *n};
    return 0;
}

/** The component whose vm is index vm. */
static uint32_t xconn_comp(const struct desc *d, uint32_t vm)
{
    for (uint32_t c = 0; c < d->comp_count; c++)
        if (d->comp[c].spec.vm_index == vm)
            return c;
    return CV_SPEC_NONE;
}

/** Global index of interface `name` of component c, or CV_SPEC_NONE. */
static uint32_t xconn_iface(const struct desc *d, uint32_t c, const char *name, size_t len)
{
    const struct cv_spec_component *comp = &d->comp[c].spec;
    for (uint32_t i = comp->iface_first; i < comp->iface_first + comp->iface_count; i++)
        if (strlen(d->iface[i].spec.name) == len && strncmp(d->iface[i].spec.name, name, len) == 0)
            return i;
    return CV_SPEC_NONE;
}

/** The dataports: FRAMES ends in the VMM, power-of-two sizes, one BAR each. */
static int xconn_dataports(const struct desc *d, const struct desc_xconn *x, uint32_t c,
                           struct cv_spec_xconn *out)
{
    const struct prop_node *n = &x->node;
    const char *vmm = d->comp[c].spec.name;
    out->dataport_count = (uint8_t)prop_string_count(n, "dataports");
    for (unsigned k = 0; k < out->dataport_count; k++) {
        const char *name = prop_string_at(n, "dataports", (int)k);
        uint32_t i = xconn_iface(d, c, name, strlen(name));
        if (i == CV_SPEC_NONE)
            return prop_error(n, "dataports", "'%s' is not an interface of component '%s'", name,
                              vmm);
        const struct cv_spec_object *o = &d->obj[d->iface[i].spec.object].spec;
        if (d->iface[i].spec.kind != CV_SPEC_IF_FRAMES || o->kind != CV_SPEC_OBJ_DATAPORT)
            return prop_error(n, "dataports",
                              "'%s' is not the end of a dataport with 'caps;' (the VMM maps "
                              "its frames into the guest)",
                              name);
        if (o->size > 0x80000000ull || (o->size & (o->size - 1)))
            return prop_error(n, "dataports",
                              "dataport '%s' is 0x%llx bytes: a BAR's size is a power of two "
                              "(at most 2 GiB)",
                              name, (unsigned long long)o->size);
        out->dataport[k] = (uint8_t)(i - d->comp[c].spec.iface_first);
    }
    return 0;
}

/** The events the guest emits: notifications the VMM signals (NTFN_EMIT ends). */
static int xconn_emits(const struct desc *d, const struct desc_xconn *x, uint32_t c,
                       struct cv_spec_xconn *out)
{
    const struct prop_node *n = &x->node;
    int count = prop_has(n, "emits") ? prop_string_count(n, "emits") : 0;
    out->emit_count = (uint8_t)count;
    for (int k = 0; k < count; k++) {
        const char *name = prop_string_at(n, "emits", k);
        uint32_t i = xconn_iface(d, c, name, strlen(name));
        if (i == CV_SPEC_NONE || d->iface[i].spec.kind != CV_SPEC_IF_NTFN_EMIT)
            return prop_error(n, "emits",
                              "event '%s' has no end: it is not a notification that component "
                              "'%s' emits ('from')",
                              name, d->comp[c].spec.name);
        out->emit[k] = (uint8_t)(i - d->comp[c].spec.iface_first);
    }
    return 0;
}

/** The consuming end (NTFN_CONSUME) of the notification of emitting end e. */
static uint32_t xconn_consumer(const struct desc *d, uint32_t e)
{
    for (uint32_t i = 0; i < d->iface_count; i++)
        if (d->iface[i].spec.kind == CV_SPEC_IF_NTFN_CONSUME &&
            d->iface[i].spec.object == d->iface[e].spec.object)
            return i;
    return CV_SPEC_NONE;
}

/**
 * One consumed event "comp.iface": a native emitter whose notification
 * the VMM consumes at `*signal` (every event of the VMM's connectors must
 * arrive at the one notification it waits on).
 */
static int xconn_event(const struct desc *d, const struct desc_xconn *x, uint32_t c,
                       const char *ref, uint32_t *signal, uint8_t *bit)
{
    const struct prop_node *n = &x->node;
    const char *dot = strchr(ref, '.');
    uint32_t o = CV_SPEC_NONE, e = CV_SPEC_NONE;
    for (uint32_t k = 0; dot && k < d->comp_count && o == CV_SPEC_NONE; k++)
        if (strlen(d->comp[k].spec.name) == (size_t)(dot - ref) &&
            strncmp(d->comp[k].spec.name, ref, (size_t)(dot - ref)) == 0)
            o = k;
    if (o != CV_SPEC_NONE)
        e = xconn_iface(d, o, dot + 1, strlen(dot + 1));
    if (e == CV_SPEC_NONE || d->iface[e].spec.kind != CV_SPEC_IF_NTFN_EMIT)
        return prop_error(n, "consumes",
                          "event '%s' has no end: want \"component.interface\", the emitting "
                          "('from') end of a notification",
                          ref);
    uint32_t to = xconn_consumer(d, e);
    if (to == CV_SPEC_NONE || d->iface[to].comp != c)
        return prop_error(n, "consumes", "event '%s' does not end in component '%s' (its 'to')",
                          ref, d->comp[c].spec.name);
    if (*signal != CV_SPEC_NONE && *signal != to)
        return prop_error(n, "consumes",
                          "event '%s' ends at '%s', another of the events at '%s': the VMM "
                          "waits on one notification",
                          ref, d->iface[to].spec.name, d->iface[*signal].spec.name);
    *signal = to;
    *bit = (uint8_t)__builtin_ctzll(d->iface[e].spec.badge);
    if (*bit == 63) /* components/vmm/vxconn.h VXCONN_SELF_BADGE */
        return prop_error(n, "consumes",
                          "event '%s' has badge bit 63, the VMM's own: at most 63 emitters "
                          "into its notification",
                          ref);
    return 0;
}

/** Every consumed event, all at one notification of the VMM (*signal, shared by its devices). */
static int xconn_events(const struct desc *d, const struct desc_xconn *x, uint32_t c,
                        uint32_t *signal, struct cv_spec_xconn *out)
{
    const struct prop_node *n = &x->node;
    int count = prop_has(n, "consumes") ? prop_string_count(n, "consumes") : 0;
    out->event_count = (uint8_t)count;
    for (int k = 0; k < count; k++)
        if (xconn_event(d, x, c, prop_string_at(n, "consumes", k), signal, &out->event_bit[k]))
            return -1;
    if (*signal == CV_SPEC_NONE)
        return 0;
    out->signal = (uint8_t)(*signal - d->comp[c].spec.iface_first);
    /* the VMM's one notification: it also points the console (and its
     * own wake-ups) at it, which takes a cap it can signal */
    d->iface[*signal].spec.rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    return 0;
}

int xconn_resolve(struct desc *d)
{
    for (uint32_t k = 0; k < d->xconn_count; k++) {
        const struct desc_xconn *x = &d->xconn[k];
        uint32_t c = xconn_comp(d, x->vm), signal = CV_SPEC_NONE;
        struct cv_spec_xconn *out = &d->vm[x->vm].device[x->dev].xconn;
        /* the VMM's other devices' events: the same notification */
        for (uint32_t j = 0; j < k; j++)
            if (d->xconn[j].vm == x->vm && d->vm[x->vm].device[d->xconn[j].dev].xconn.event_count)
                signal =
                    d->comp[c].spec.iface_first + d->vm[x->vm].device[d->xconn[j].dev].xconn.signal;
        memset(out, 0, sizeof(*out));
        if (xconn_dataports(d, x, c, out) || xconn_emits(d, x, c, out) ||
            xconn_events(d, x, c, &signal, out))
            return -1;
    }
    return 0;
}
