/*
 * Spec emission, see emit.h. The host is little-endian like the target,
 * so the structs are written as they are, zero-initialised so padding and
 * name tails are NUL.
 */
#include "emit.h"

#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "specc writes spec structs as-is: host must be little-endian");
_Static_assert(sizeof(struct cv_spec_header) % 8 == 0, "header size");
_Static_assert(sizeof(struct cv_spec_component) % 8 == 0, "component size");
_Static_assert(sizeof(struct cv_spec_object) % 8 == 0, "object size");
_Static_assert(sizeof(struct cv_spec_iface) % 8 == 0, "iface size");
_Static_assert(sizeof(struct cv_spec_vm) % 8 == 0, "vm size");

/** Fill the header of a blob with `d`'s counts and table offsets. */
static void emit_header(const struct desc *d, struct cv_spec_header *h)
{
    h->magic = CV_SPEC_MAGIC;
    h->version = CV_SPEC_VERSION;
    h->component_count = d->comp_count;
    h->object_count = d->obj_count;
    h->iface_count = d->iface_count;
    h->vm_count = d->vm_count;
    h->component_off = sizeof(*h);
    h->object_off = h->component_off + d->comp_count * (uint32_t)sizeof(struct cv_spec_component);
    h->iface_off = h->object_off + d->obj_count * (uint32_t)sizeof(struct cv_spec_object);
    h->vm_off = h->iface_off + d->iface_count * (uint32_t)sizeof(struct cv_spec_iface);
    h->total_size = h->vm_off + d->vm_count * (uint32_t)sizeof(struct cv_spec_vm);
    memcpy(h->app_name, d->app_name, sizeof(h->app_name));
}

void *emit_build(const struct desc *d, size_t *size)
{
    struct cv_spec_header h = {0};
    char *blob;

    emit_header(d, &h);
    blob = calloc(1, h.total_size);
    if (!blob)
        return NULL;
    memcpy(blob, &h, sizeof(h));
    for (uint32_t i = 0; i < d->comp_count; i++)
        memcpy(blob + h.component_off + i * sizeof(struct cv_spec_component), &d->comp[i].spec,
               sizeof(struct cv_spec_component));
    for (uint32_t i = 0; i < d->obj_count; i++)
        memcpy(blob + h.object_off + i * sizeof(struct cv_spec_object), &d->obj[i].spec,
               sizeof(struct cv_spec_object));
    for (uint32_t i = 0; i < d->iface_count; i++)
        memcpy(blob + h.iface_off + i * sizeof(struct cv_spec_iface), &d->iface[i].spec,
               sizeof(struct cv_spec_iface));
    if (d->vm_count)
        memcpy(blob + h.vm_off, d->vm, d->vm_count * sizeof(struct cv_spec_vm));
    *size = h.total_size;
    return blob;
}

int emit_write(const struct desc *d, const char *path)
{
    size_t size;
    void *blob = emit_build(d, &size);
    FILE *f;
    int ok;

    if (!blob) {
        diag_tool_error("out of memory");
        return -1;
    }
    f = fopen(path, "wb");
    ok = f && fwrite(blob, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    free(blob);
    if (ok)
        return 0;
    diag_tool_error("cannot write '%s': %s", path, strerror(errno));
    unlink(path);
    return -1;
}
