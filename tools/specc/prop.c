/*
 * Checked property access, see prop.h.
 */
#include "prop.h"

#include "diag.h"

#include <capvisor/spec.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int prop_node_init(struct prop_node *n, const struct dtsrc *src, int off, const char *what)
{
    memset(n, 0, sizeof(*n));
    n->fdt = src->dtb;
    n->off = off;
    n->what = what;
    n->src = src;
    n->name = fdt_get_name(src->dtb, off, NULL);
    if (!n->name || fdt_get_path(src->dtb, off, n->path, sizeof(n->path))) {
        diag_error(src->file_loc, "node path too long (max %d characters)", PROP_PATH_MAX - 1);
        return -1;
    }
    return 0;
}

const char *prop_loc(const struct prop_node *n, const char *prop)
{
    return dtsrc_loc(n->src, n->path, prop);
}

int prop_error(const struct prop_node *n, const char *prop, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n->what)
        diag_error(prop_loc(n, prop), "%s '%s': %s", n->what, n->name, msg);
    else
        diag_error(prop_loc(n, prop), "%s", msg);
    return -1;
}

int prop_has(const struct prop_node *n, const char *prop)
{
    return fdt_getprop(n->fdt, n->off, prop, NULL) != NULL;
}

int prop_u32(const struct prop_node *n, const char *prop, uint32_t dflt, uint32_t min, uint32_t max,
             uint32_t *out)
{
    int len;
    const fdt32_t *v = fdt_getprop(n->fdt, n->off, prop, &len);

    if (!v) {
        *out = dflt;
        return 0;
    }
    if (len != 4)
        return prop_error(n, prop, "'%s' must be one cell, like <%u>", prop, min);
    *out = fdt32_to_cpu(*v);
    if (*out < min || *out > max)
        return prop_error(n, prop, "%s %u is out of range %u..%u", prop, *out, min, max);
    return 0;
}

int prop_u64(const struct prop_node *n, const char *prop, uint64_t *out)
{
    int len;
    const fdt32_t *v = fdt_getprop(n->fdt, n->off, prop, &len);

    if (!v)
        return prop_error(n, NULL, "missing required property '%s'", prop);
    if (len == 4) {
        *out = fdt32_to_cpu(v[0]);
        return 0;
    }
    if (len == 8) {
        *out = (uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
        return 0;
    }
    return prop_error(n, prop, "'%s' must be one or two cells (<high low>)", prop);
}

/** Whether the `len` bytes at `s` are one non-empty NUL-terminated string. */
static int prop_is_string(const char *s, int len)
{
    return len > 1 && s[len - 1] == '\0' && strlen(s) == (size_t)len - 1;
}

int prop_bytes(const struct prop_node *n, const char *prop, uint8_t *out, size_t len,
               const char *example)
{
    int got;
    const void *v = fdt_getprop(n->fdt, n->off, prop, &got);

    if (!v)
        return prop_error(n, NULL, "missing required property '%s' (%zu bytes, like %s)", prop, len,
                          example);
    if ((size_t)got != len)
        return prop_error(n, prop, "'%s' must be %zu bytes, like %s", prop, len, example);
    memcpy(out, v, len);
    return 0;
}

const char *prop_string(const struct prop_node *n, const char *prop)
{
    int len;
    const char *s = fdt_getprop(n->fdt, n->off, prop, &len);

    if (!s) {
        prop_error(n, NULL, "missing required property '%s'", prop);
        return NULL;
    }
    if (!prop_is_string(s, len)) {
        prop_error(n, prop, "'%s' must be one non-empty string", prop);
        return NULL;
    }
    return s;
}

int prop_choice(const struct prop_node *n, const char *prop, const char *const choices[],
                uint32_t *out)
{
    const char *s;
    char list[128] = "";

    *out = 0;
    if (!prop_has(n, prop))
        return 0;
    s = prop_string(n, prop);
    if (!s)
        return -1;
    for (uint32_t i = 0; choices[i]; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 0;
        }
        /* The message lists them: "a", "b" or "c". */
        const char *sep = i == 0 ? "" : (choices[i + 1] ? ", " : " or ");
        size_t used = strlen(list);
        snprintf(list + used, sizeof(list) - used, "%s\"%s\"", sep, choices[i]);
    }
    return prop_error(n, prop, "%s '%s' is not %s", prop, s, list);
}

int prop_name(const struct prop_node *n, const char *prop, int required, char *buf)
{
    const char *s;

    if (!required && !prop_has(n, prop))
        return 0;
    s = prop_string(n, prop);
    if (!s)
        return -1;
    if (strlen(s) >= CV_SPEC_NAME_MAX)
        return prop_error(n, prop, "%s '%s' is longer than %u characters", prop, s,
                          CV_SPEC_NAME_MAX - 1);
    strcpy(buf, s);
    return 0;
}

int prop_string_count(const struct prop_node *n, const char *prop)
{
    int len, count = 0;
    const char *s = fdt_getprop(n->fdt, n->off, prop, &len);

    if (!s)
        return 0;
    if (len == 0 || s[len - 1] != '\0')
        return prop_error(n, prop, "'%s' must be a list of strings", prop);
    for (int i = 0; i < len; i += (int)strlen(s + i) + 1, count++) {
        if (s[i] == '\0')
            return prop_error(n, prop, "'%s' contains an empty string", prop);
    }
    return count;
}

const char *prop_string_at(const struct prop_node *n, const char *prop, int i)
{
    return fdt_stringlist_get(n->fdt, n->off, prop, i, NULL);
}

int prop_flag(const struct prop_node *n, const char *prop, int *out)
{
    int len;

    *out = fdt_getprop(n->fdt, n->off, prop, &len) != NULL;
    if (*out && len != 0)
        return prop_error(n, prop, "'%s' is a flag and takes no value", prop);
    return 0;
}

/** Whether `name` is in NULL-terminated `list`. */
static int prop_in_list(const char *name, const char *const list[])
{
    for (; *list; list++) {
        if (strcmp(name, *list) == 0)
            return 1;
    }
    return 0;
}

/** Write "a, b, c" of NULL-terminated `list` into buf. */
static void prop_join(char *buf, size_t len, const char *const list[])
{
    size_t used = 0;

    buf[0] = '\0';
    for (; *list && used < len; list++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", *list);
}

int prop_check_absent(const struct prop_node *n, const char *const own[], const char *owner)
{
    for (unsigned i = 0; own[i]; i++)
        if (prop_has(n, own[i]))
            return prop_error(n, own[i], "only a %s has '%s'", owner, own[i]);
    return 0;
}

int prop_check_known(const struct prop_node *n, const char *const known[])
{
    int p;

    fdt_for_each_property_offset(p, n->fdt, n->off)
    {
        const char *name;
        char list[256];

        if (!fdt_getprop_by_offset(n->fdt, p, &name, NULL))
            continue;
        if (prop_in_list(name, known))
            continue;
        prop_join(list, sizeof(list), known);
        return prop_error(n, name, "unknown property '%s' (known: %s)", name, list);
    }
    return 0;
}

int prop_check_leaf(const struct prop_node *n)
{
    int child = fdt_first_subnode(n->fdt, n->off);
    struct prop_node c;

    if (child < 0)
        return 0;
    if (prop_node_init(&c, n->src, child, NULL))
        return -1;
    return prop_error(&c, NULL, "%s '%s': unexpected child node '%s'", n->what ? n->what : "node",
                      n->name, c.name);
}
