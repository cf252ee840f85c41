/*
 * Component construction (see build.h). Every kernel error is printed
 * with the component and the step, and stops the load: a half-built
 * system is never started.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cap/cache.h>
#include <cap/invoke.h>

#include "archive.h"
#include "build.h"
#include "elf.h"

#define PAGE       CV_PAGE_SIZE
#define RIGHTS_RW  (CV_RIGHT_READ | CV_RIGHT_WRITE)
#define RIGHTS_RWX (RIGHTS_RW | CV_RIGHT_EXEC)  /* an owned file: its guest runs it */
#define REGION     (1ull << CV_LARGE_PAGE_BITS) /* FILE mappings: 2 MiB aligned */

/** Print a failed step; returns -1 so callers can `return check(...)`. */
static int check(const char *who, const char *what, enum cv_err err)
{
    if (err == CV_OK)
        return 0;
    printf("loader: %s: error: %s: %s\n", who, what, cv_err_str(err));
    return -1;
}

/** Map frame at vaddr, adding page tables until no level is missing. */
static enum cv_err map_frame(struct build *b, uint64_t frame, uint64_t vspace, uint64_t vaddr,
                             unsigned rights)
{
    /* At most one table per level below the root (level 2 and 3). */
    for (int tries = 0; tries < 3; tries++) {
        enum cv_err err = cv_frame_map(frame, vspace, vaddr, rights);
        if (err != CV_E_NO_TABLE)
            return err;
        uint64_t pt;
        err = alloc_object(b->alloc, CV_OBJ_PAGE_TABLE, 0, &pt);
        if (err == CV_OK)
            err = cv_pt_map(pt, vspace, vaddr);
        if (err != CV_OK)
            return err;
    }
    return CV_E_NO_TABLE;
}

/**
 * Map a frame at the loader's scratch area: a 4 KiB one at scratch_vaddr,
 * a 2 MiB (`large`) one at the next 2 MiB (build.h). NULL on error.
 */
static void *scratch_map(struct build *b, uint64_t frame, bool large, const char *who)
{
    uint64_t va = b->scratch_vaddr + (large ? REGION : 0);

    if (check(who, "scratch map", map_frame(b, frame, CV_ROOT_VSPACE, va, RIGHTS_RW)))
        return NULL;
    return (void *)(uintptr_t)va;
}

/** Map count consecutive frame slots from first, each `size` bytes, at vaddr.. in c. */
static int map_frames(struct build *b, struct build_comp *c, const char *who, uint64_t first,
                      uint64_t count, uint64_t size, uint64_t vaddr, unsigned rights)
{
    for (uint64_t j = 0; j < count; j++) {
        if (check(who, "map frame", map_frame(b, first + j, c->vspace, vaddr + j * size, rights)))
            return -1;
    }
    c->frames += (uint32_t)count;
    return 0;
}

/** Map count consecutive 4 KiB frame slots from first at vaddr.. in c. */
static int map_run(struct build *b, struct build_comp *c, const char *who, uint64_t first,
                   uint64_t count, uint64_t vaddr, unsigned rights)
{
    return map_frames(b, c, who, first, count, PAGE, vaddr, rights);
}

/** New RAM frames mapped at vaddr.. (stack, heap, IPC buffer). */
static int map_new(struct build *b, struct build_comp *c, const char *who, uint64_t count,
                   uint64_t vaddr, unsigned rights, uint64_t *first)
{
    if (count == 0)
        return 0;
    if (check(who, "allocate frames", alloc_frames(b->alloc, count, first)))
        return -1;
    return map_run(b, c, who, *first, count, vaddr, rights);
}

/** ELF p_flags to frame rights. */
static unsigned seg_rights(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? CV_RIGHT_READ : 0) | ((flags & ELF_PF_W) ? CV_RIGHT_WRITE : 0) |
           ((flags & ELF_PF_X) ? CV_RIGHT_EXEC : 0);
}

/** Copy the file bytes of s that fall into the page at pv into frame. */
static int fill_page(struct build *b, const struct elf_image *img, const struct elf_segment *s,
                     uint64_t pv, uint64_t frame, const char *who)
{
    uint64_t lo = s->vaddr > pv ? s->vaddr : pv;
    uint64_t hi = s->vaddr + s->filesz;

    if (hi > pv + PAGE)
        hi = pv + PAGE;
    if (lo >= hi)
        return 0; /* only bss here: retype hands out zeroed frames */
    uint8_t *p = scratch_map(b, frame, false, who);
    if (!p)
        return -1;
    memset(p, 0, PAGE);
    memcpy(p + (lo - pv), img->data + s->offset + (lo - s->vaddr), hi - lo);
    return check(who, "scratch unmap", cv_frame_unmap(frame));
}

/** Frames for one PT_LOAD segment: fill, then map with its rights. */
static int load_segment(struct build *b, struct build_comp *c, const struct elf_image *img,
                        const struct elf_segment *s, const char *who)
{
    uint64_t base = s->vaddr & ~(uint64_t)(PAGE - 1);
    uint64_t count = (s->vaddr + s->memsz - base + PAGE - 1) / PAGE;
    uint64_t first;

    if (check(who, "allocate image frames", alloc_frames(b->alloc, count, &first)))
        return -1;
    for (uint64_t j = 0; j < count; j++)
        if (fill_page(b, img, s, base + j * PAGE, first + j, who))
            return -1;
    return map_run(b, c, who, first, count, base, seg_rights(s->flags));
}

/** Load the component's program; *entry gets its entry point. */
static int load_program(struct build *b, struct build_comp *c, const struct cv_spec_component *sc,
                        uint64_t *entry)
{
    const void *file;
    size_t len;
    struct elf_image img;
    char err[96];

    if (archive_find(b->archive, sc->program, &file, &len)) {
        printf("loader: %s: error: program %s not in the boot archive\n", sc->name, sc->program);
        return -1;
    }
    if (elf_parse(&img, file, len, CV_COMP_IMAGE_BASE, CV_COMP_HEAP_BASE, err, sizeof(err))) {
        printf("loader: %s: %s: %s\n", sc->name, sc->program, err);
        return -1;
    }
    for (uint32_t i = 0; i < img.seg_count; i++)
        if (load_segment(b, c, &img, &img.seg[i], sc->name))
            return -1;
    *entry = img.entry;
    return 0;
}

/**
 * Copy n bytes to frame (size bytes, mapped through the scratch area);
 * clean: to the point of coherency too, for a reader with its caches off
 * (an owned file: a guest kernel entered with its MMU off runs on it).
 */
static int fill_frame(struct build *b, uint64_t frame, bool large, const uint8_t *src, uint64_t n,
                      bool clean, const char *who)
{
    uint8_t *p = scratch_map(b, frame, large, who);
    if (!p)
        return -1;
    memcpy(p, src, n);
    if (clean)
        cv_dcache_clean(p, n);
    return check(who, "scratch unmap", cv_frame_unmap(frame));
}

/**
 * A large FILE object as the archive's own frames (bootinfo
 * archive_frame_*; caps derived read-only, but read-write-execute for an
 * owned file, its VM's RAM): no copy, and none of the fresh memory a copy
 * would touch (under QEMU a guest kernel's 27 MiB, zeroed and then
 * written). 0 if done, 1 if the file is not where those frames can serve
 * (the archive placed or built otherwise: copy it), -1 on error.
 */
static int file_from_archive(struct build *b, const uint8_t *file, size_t len, struct build_obj *bo,
                             const char *who)
{
    /* an owned file's frames are its VM's RAM (docs/vmm.md, kernel in place) */
    unsigned rights = bo->owned ? RIGHTS_RWX : CV_RIGHT_READ;
    const struct cv_bootinfo *bi = b->bi;
    uint64_t off = (uint64_t)(file - (const uint8_t *)b->archive), n = (len + REGION - 1) / REGION;
    if (!bi->archive_frame_count || off < bi->archive_frame_offset ||
        (off - bi->archive_frame_offset) % REGION)
        return 1;
    uint64_t k = (off - bi->archive_frame_offset) / REGION;
    if (k + n > bi->archive_frame_count || !archive_alone(b->archive, off, n * REGION))
        return 1;
    bo->cptr = alloc_slots(b->alloc, n);
    if (!bo->cptr)
        return check(who, "allocate file frame slots", CV_E_RANGE);
    for (uint64_t j = 0; j < n; j++)
        if (check(who, "share archive frames",
                  cv_cnode_copy(CV_ROOT_CNODE, bo->cptr + j, 0, bi->archive_frame_first + k + j,
                                rights)))
            return -1;
    bo->size = len;
    bo->large = n;
    bo->pages = n;
    bo->in_archive = true;
    return 0;
}

/**
 * Whether a writable FILE interface names object obj: that file is then
 * its component's alone (spec.c checks), to be handed over as frame caps.
 */
static bool file_owned(const struct build *b, uint32_t obj)
{
    for (uint32_t i = 0; i < b->spec->hdr->iface_count; i++) {
        const struct cv_spec_iface *f = &b->spec->iface[i];
        if (f->kind == CV_SPEC_IF_FILE && f->object == obj && (f->rights & CV_RIGHT_WRITE))
            return true;
    }
    return false;
}

/**
 * A FILE object: the archive's frames (file_from_archive), or else frames
 * holding a copy of archive entry o->name: 2 MiB
 * frames for every whole 2 MiB of it, 4 KiB frames for the rest (a
 * 27 MiB kernel Image is then 13 copies and mappings, not 6,900; each
 * mapping change costs TLB maintenance); an owned file (file_owned) is
 * 2 MiB frames only, as its VM's RAM blocks are. The tail of the last
 * frame stays zero: retype hands out zeroed frames.
 */
static int create_file(struct build *b, uint32_t i, struct build_obj *bo)
{
    const struct cv_spec_object *o = &b->spec->obj[i];
    const uint8_t *file;
    size_t len;

    if (archive_find(b->archive, o->name, (const void **)&file, &len) || len == 0) {
        printf("loader: %s: error: file missing from the boot archive, or empty\n", o->name);
        return -1;
    }
    bo->owned = file_owned(b, i);
    int shared = file_from_archive(b, file, len, bo, o->name);
    if (shared <= 0)
        return shared;
    bo->size = len;
    bo->large = bo->owned ? (len + REGION - 1) / REGION : len / REGION;
    bo->pages = bo->owned ? bo->large : bo->large + (len % REGION + PAGE - 1) / PAGE;
    bo->cptr = alloc_slots(b->alloc, bo->pages);
    if (!bo->cptr)
        return check(o->name, "allocate file frames", CV_E_RANGE);
    if (check(o->name, "allocate file frames",
              alloc_frames_in(b->alloc, CV_OBJ_FRAME_2M, bo->large, bo->cptr)) ||
        check(o->name, "allocate file frames",
              alloc_frames_in(b->alloc, CV_OBJ_FRAME_4K, bo->pages - bo->large,
                              bo->cptr + bo->large)))
        return -1;
    uint64_t off = 0;
    for (uint64_t j = 0; j < bo->pages; j++) {
        bool large = j < bo->large;
        uint64_t step = large ? REGION : PAGE;
        uint64_t n = len - off < step ? len - off : step;
        if (fill_frame(b, bo->cptr + j, large, file + off, n, bo->owned, o->name))
            return -1;
        off += n;
    }
    return 0;
}

/** Create the object of one connection. */
static int create_object(struct build *b, uint32_t i)
{
    const struct cv_spec_object *o = &b->spec->obj[i];
    struct build_obj *bo = &b->obj[i];
    enum cv_err err = CV_OK;

    switch (o->kind) {
    case CV_SPEC_OBJ_ENDPOINT:
        err = alloc_object(b->alloc, CV_OBJ_ENDPOINT, 0, &bo->cptr);
        break;
    case CV_SPEC_OBJ_NOTIFICATION:
        err = alloc_object(b->alloc, CV_OBJ_NOTIFICATION, 0, &bo->cptr);
        break;
    case CV_SPEC_OBJ_DATAPORT:
        bo->pages = spec_obj_pages(o);
        err = alloc_frames(b->alloc, bo->pages, &bo->cptr);
        break;
    case CV_SPEC_OBJ_IRQ:
        bo->cptr = alloc_slots(b->alloc, 1);
        err = bo->cptr ? cv_irq_get(CV_ROOT_IRQ_CONTROL, o->irq, 0, bo->cptr) : CV_E_RANGE;
        break;
    case CV_SPEC_OBJ_FILE:
        return create_file(b, i, bo);
    default: /* devices: create_devices(), in address order */
        break;
    }
    return check(o->name, "create object", err);
}

/** Device objects, lowest paddr first (retype only moves forward). */
static int create_devices(struct build *b)
{
    const struct spec *s = b->spec;
    uint64_t done_below = 0; /* devices with paddr < this are created */

    for (;;) {
        uint32_t next = CV_SPEC_NONE;
        for (uint32_t i = 0; i < s->hdr->object_count; i++) {
            const struct cv_spec_object *o = &s->obj[i];
            if (o->kind == CV_SPEC_OBJ_DEVICE && o->paddr >= done_below && !b->obj[i].pages &&
                (next == CV_SPEC_NONE || o->paddr < s->obj[next].paddr))
                next = i;
        }
        if (next == CV_SPEC_NONE)
            return 0;
        const struct cv_spec_object *o = &s->obj[next];
        struct build_obj *bo = &b->obj[next];
        bo->pages = spec_obj_pages(o);
        if (check(o->name,
                  "device frames (not in a device untyped, or "
                  "overlapping another device)",
                  alloc_device_frames(b->alloc, o->paddr, bo->pages, &bo->cptr)))
            return -1;
        done_below = o->paddr;
    }
}

int build_objects(struct build *b)
{
    const struct spec *s = b->spec;

    for (uint32_t i = 0; i < s->hdr->object_count; i++)
        if (create_object(b, i))
            return -1;
    if (create_devices(b))
        return -1;
    for (uint32_t i = 0; i < s->hdr->component_count; i++) {
        uint32_t h = s->comp[i].fault_handler;
        if (h == CV_SPEC_NONE || b->comp[h].fault_ep)
            continue;
        if (check(s->comp[h].name, "fault endpoint",
                  alloc_object(b->alloc, CV_OBJ_ENDPOINT, 0, &b->comp[h].fault_ep)))
            return -1;
    }
    return 0;
}

/** The frames one end of a dataport/device maps: originals, then copies. */
static int shared_frames(struct build *b, struct build_obj *bo, const char *who, uint64_t *first)
{
    if (bo->users++ == 0) {
        *first = bo->cptr;
        return 0;
    }
    *first = alloc_slots(b->alloc, bo->pages);
    if (!*first)
        return check(who, "copy shared frames", CV_E_RANGE);
    for (uint64_t j = 0; j < bo->pages; j++)
        if (check(who, "copy shared frame",
                  cv_cnode_copy(CV_ROOT_CNODE, *first + j, 0, bo->cptr + j, CV_RIGHTS_ALL)))
            return -1;
    return 0;
}

/** Map a dataport or device interface at its vaddr. */
static int iface_map(struct build *b, struct build_comp *c, const char *who,
                     const struct cv_spec_iface *f, struct cv_comp_iface_info *out)
{
    struct build_obj *bo = &b->obj[f->object];
    unsigned rights = f->rights ? f->rights : RIGHTS_RW;
    uint64_t first;

    if (f->kind == CV_SPEC_IF_DEVICE)
        rights &= ~CV_RIGHT_EXEC;
    if (shared_frames(b, bo, who, &first) || map_run(b, c, who, first, bo->pages, f->vaddr, rights))
        return -1;
    out->vaddr = f->vaddr;
    out->size = bo->pages * PAGE;
    return 0;
}

/**
 * Copies count frame caps from slot first of the root into c's slots from
 * slot, with rights; the interface's info names the first.
 */
static int give_frame_caps(struct build_comp *c, const char *who, uint64_t first, uint64_t count,
                           unsigned rights, uint64_t slot, struct cv_comp_iface_info *out)
{
    for (uint64_t j = 0; j < count; j++)
        if (check(who, "copy frame cap (cnode-radix too small?)",
                  cv_cnode_copy(c->cnode, slot + j, 0, first + j, rights)))
            return -1;
    out->cptr = (uint32_t)slot;
    c->caps += (uint32_t)count;
    return 0;
}

/**
 * Map a FILE interface read-only at the component's next 2 MiB boundary;
 * a writable one's frame caps too, from slot. Returns the slots used, or -1.
 */
static int64_t iface_file(struct build *b, struct build_comp *c, const char *who,
                          const struct cv_spec_iface *f, uint64_t slot,
                          struct cv_comp_iface_info *out)
{
    struct build_obj *bo = &b->obj[f->object];
    uint64_t vaddr = c->file_next ? c->file_next : CV_COMP_FILES_BASE;
    uint64_t first;

    if (bo->size > (1ull << CV_VSPACE_BITS) - vaddr)
        return check(who, "file does not fit the address space", CV_E_RANGE);
    if (shared_frames(b, bo, who, &first) ||
        map_frames(b, c, who, first, bo->large, REGION, vaddr, CV_RIGHT_READ) ||
        map_run(b, c, who, first + bo->large, bo->pages - bo->large, vaddr + bo->large * REGION,
                CV_RIGHT_READ))
        return -1;
    out->vaddr = vaddr;
    out->size = bo->size;
    if (bo->in_archive)
        c->archive_frames += (uint32_t)bo->pages;
    c->file_next = (vaddr + bo->size + REGION - 1) & ~(REGION - 1);
    if (!(f->rights & CV_RIGHT_WRITE))
        return 0;
    /* its VM's kernel run in place: the 2 MiB frames it runs on */
    return give_frame_caps(c, who, bo->cptr, bo->large, RIGHTS_RWX, slot, out) ? -1
                                                                               : (int64_t)bo->large;
}

/** Copy the frame caps of a dataport/device into c's slots from slot. */
static int iface_frames(struct build *b, struct build_comp *c, const char *who,
                        const struct cv_spec_iface *f, uint64_t slot,
                        struct cv_comp_iface_info *out)
{
    struct build_obj *bo = &b->obj[f->object];
    unsigned rights = f->rights ? f->rights : RIGHTS_RW;

    out->size = bo->pages * PAGE;
    /* a device's frames: where they are, for a VMM that maps them 1:1 */
    if (b->spec->obj[f->object].kind == CV_SPEC_OBJ_DEVICE)
        out->vaddr = b->spec->obj[f->object].paddr;
    return give_frame_caps(c, who, bo->cptr, bo->pages, rights & ~CV_RIGHT_EXEC, slot, out);
}

/** Bind an IRQ handler to the component's notification, badged. */
static int irq_bind(struct build *b, const char *who, const struct cv_spec_iface *f,
                    struct cv_comp_iface_info *out)
{
    const struct spec *s = b->spec;
    uint64_t ntfn = b->obj[s->iface[f->ntfn_iface].object].cptr;
    uint32_t irq = s->obj[f->object].irq;
    /* An unbadged signal would set no bit: default to bit irq % 64. */
    uint64_t badge = f->badge ? f->badge : 1ull << (irq % 64);
    uint64_t slot = alloc_slots(b->alloc, 1);

    if (!slot)
        return check(who, "irq badge slot", CV_E_RANGE);
    if (check(who, "mint irq notification",
              cv_cnode_mint(CV_ROOT_CNODE, slot, 0, ntfn, CV_RIGHT_WRITE, badge)) ||
        check(who, "irq set notification", cv_irq_set_ntfn(b->obj[f->object].cptr, slot)))
        return -1;
    out->badge = badge;
    return 0;
}

/** Put the cap of a cap-carrying interface into slot of c's cnode. */
static enum cv_err iface_cap(struct build *b, struct build_comp *c, const struct cv_spec_iface *f,
                             uint64_t slot)
{
    uint64_t src = b->obj[f->object].cptr;

    switch (f->kind) {
    case CV_SPEC_IF_RPC_CLIENT:
        return cv_cnode_mint(c->cnode, slot, 0, src, CV_RIGHT_WRITE | CV_RIGHT_GRANT, f->badge);
    case CV_SPEC_IF_NTFN_EMIT:
        return cv_cnode_mint(c->cnode, slot, 0, src, CV_RIGHT_WRITE, f->badge);
    case CV_SPEC_IF_RPC_SERVER:
        return cv_cnode_copy(c->cnode, slot, 0, src, CV_RIGHT_READ);
    case CV_SPEC_IF_NTFN_CONSUME:
        /* wait, and signal: a consumer may wake itself (work it left for
         * later) or hand its notification on as a signal target (the
         * kernel console's input); it wakes nobody but itself */
        return cv_cnode_copy(c->cnode, slot, 0, src, CV_RIGHT_READ | CV_RIGHT_WRITE);
    default: /* CV_SPEC_IF_IRQ */
        return cv_cnode_copy(c->cnode, slot, 0, src, CV_RIGHTS_ALL);
    }
}

/** Give component c all its interfaces; describe them in info. */
static int build_ifaces(struct build *b, struct build_comp *c, const struct cv_spec_component *sc,
                        struct cv_comp_info *info)
{
    uint64_t slot = CV_COMP_SLOT_FIRST_IFACE;

    for (uint32_t k = 0; k < sc->iface_count; k++) {
        const struct cv_spec_iface *f = &b->spec->iface[sc->iface_first + k];
        struct cv_comp_iface_info *out = &info->iface[k];
        memcpy(out->name, f->name, sizeof(out->name));
        out->kind = f->kind;
        out->badge = f->badge;
        if (spec_iface_has_mapping(f->kind)) {
            if (iface_map(b, c, sc->name, f, out))
                return -1;
            continue;
        }
        if (f->kind == CV_SPEC_IF_FILE) {
            int64_t used = iface_file(b, c, sc->name, f, slot, out);
            if (used < 0)
                return -1;
            slot += (uint64_t)used;
            continue;
        }
        if (f->kind == CV_SPEC_IF_FRAMES) {
            if (iface_frames(b, c, sc->name, f, slot, out))
                return -1;
            slot += spec_iface_slots(b->spec, f);
            continue;
        }
        if (check(sc->name, f->name, iface_cap(b, c, f, slot)))
            return -1;
        out->cptr = (uint32_t)slot++;
        c->caps++;
        if (f->kind == CV_SPEC_IF_IRQ && f->ntfn_iface != CV_SPEC_NONE &&
            irq_bind(b, sc->name, f, out))
            return -1;
    }
    info->iface_count = sc->iface_count;
    if (sc->flags & CV_SPEC_COMP_CONSOLE) {
        struct cv_comp_iface_info *out = &info->iface[info->iface_count++];
        strcpy(out->name, "console");
        out->kind = CV_SPEC_IF_CONSOLE;
        out->cptr = CV_COMP_SLOT_CONSOLE;
    }
    return 0;
}

/** The component's untyped: a 1:1 VM's placed at its RAM (build_identity), else any. */
static enum cv_err build_untyped(struct build *b, struct build_comp *c,
                                 const struct cv_spec_component *sc)
{
    if (c->identity_ut)
        return cv_cnode_move(c->cnode, CV_COMP_SLOT_UNTYPED, 0, c->identity_ut);
    return alloc_retype(b->alloc, CV_OBJ_UNTYPED, sc->untyped_bits, c->cnode, CV_COMP_SLOT_UNTYPED,
                        1);
}

/** The 1:1 VM of component i with the lowest ram_base above `above`, or -1. */
static int64_t build_next_identity(const struct build *b, uint64_t above, int first)
{
    const struct spec *s = b->spec;
    int64_t best = -1;
    for (uint32_t i = 0; i < s->hdr->component_count; i++) {
        const struct cv_spec_component *sc = &s->comp[i];
        if (sc->vm_index == CV_SPEC_NONE || !(s->vm[sc->vm_index].flags & CV_SPEC_VM_RAM_IDENTITY))
            continue;
        uint64_t base = s->vm[sc->vm_index].ram_base;
        if ((first || base > above) && (best < 0 || base < s->vm[s->comp[best].vm_index].ram_base))
            best = i;
    }
    return best;
}

int build_identity(struct build *b)
{
    const struct spec *s = b->spec;
    uint64_t above = 0;
    /* in increasing address order: retype carves only at an untyped's watermark */
    for (int64_t i = build_next_identity(b, 0, 1); i >= 0; i = build_next_identity(b, above, 0)) {
        const struct cv_spec_component *sc = &s->comp[i];
        above = s->vm[sc->vm_index].ram_base;
        enum cv_err err = alloc_ram_at(b->alloc, above, sc->untyped_bits, &b->comp[i].identity_ut);
        if (err != CV_OK) {
            printf("loader: error: %s: 1:1 RAM 0x%llx..0x%llx is not free RAM (the kernel, the "
                   "boot archive, the DTB or another VM holds part of it, or the machine has "
                   "no RAM there): %s\n",
                   sc->name, (unsigned long long)above,
                   (unsigned long long)(above + (1ull << sc->untyped_bits)), cv_err_str(err));
            return -1;
        }
    }
    return 0;
}

/** Fixed slots: own objects + untyped, irq control, console, fault endpoint. */
static int build_fixed_caps(struct build *b, struct build_comp *c,
                            const struct cv_spec_component *sc)
{
    const char *who = sc->name;

    if (sc->untyped_bits) {
        if (check(who, "own tcb cap",
                  cv_cnode_copy(c->cnode, CV_COMP_SLOT_TCB, 0, c->tcb, CV_RIGHTS_ALL)) ||
            check(who, "own cnode cap",
                  cv_cnode_copy(c->cnode, CV_COMP_SLOT_CNODE, 0, c->cnode, CV_RIGHTS_ALL)) ||
            check(who, "own vspace cap",
                  cv_cnode_copy(c->cnode, CV_COMP_SLOT_VSPACE, 0, c->vspace, CV_RIGHTS_ALL)) ||
            check(who, "untyped", build_untyped(b, c, sc)))
            return -1;
        c->caps += 4;
    }
    if (sc->flags & CV_SPEC_COMP_IRQ_CONTROL) {
        if (check(who, "irq control",
                  cv_cnode_copy(c->cnode, CV_COMP_SLOT_IRQ_CONTROL, 0, CV_ROOT_IRQ_CONTROL,
                                CV_RIGHTS_ALL)))
            return -1;
        c->caps++;
    }
    if (sc->flags & CV_SPEC_COMP_CONSOLE) {
        /* CV_E_INVALID_OP: a kernel without console input. */
        if (check(who, "console input cap",
                  cv_irq_get_console(CV_ROOT_IRQ_CONTROL, c->cnode, CV_COMP_SLOT_CONSOLE)))
            return -1;
        c->caps++;
    }
    if (c->fault_ep) {
        if (check(who, "fault endpoint cap",
                  cv_cnode_copy(c->cnode, CV_COMP_SLOT_FAULT_EP, 0, c->fault_ep, CV_RIGHT_READ)))
            return -1;
        c->caps++;
    }
    return 0;
}

/** Write the info page into frame (via the scratch page) and map it. */
static int build_info(struct build *b, struct build_comp *c, uint32_t i,
                      const struct cv_spec_component *sc)
{
    uint64_t frame;

    if (check(sc->name, "info frame", alloc_frames(b->alloc, 1, &frame)))
        return -1;
    struct cv_comp_info *info = scratch_map(b, frame, false, sc->name);
    if (!info)
        return -1;
    _Static_assert(sizeof(*info) <= PAGE, "info page fits a frame");
    memset(info, 0, PAGE);
    info->magic = CV_COMP_INFO_MAGIC;
    memcpy(info->name, sc->name, sizeof(info->name));
    info->heap_base = sc->heap_size ? CV_COMP_HEAP_BASE : 0;
    info->heap_size = sc->heap_size;
    info->core_count = b->bi->core_count;
    info->component_index = i;
    info->timer_freq = b->bi->timer_freq;
    info->gic_version = (uint32_t)b->bi->gic_version;
    if (sc->vm_index != CV_SPEC_NONE) {
        info->has_vm = 1;
        info->vm = b->spec->vm[sc->vm_index];
    }
    int rc = build_ifaces(b, c, sc, info);
    if (check(sc->name, "scratch unmap", cv_frame_unmap(frame)) || rc)
        return -1;
    return map_run(b, c, sc->name, frame, 1, CV_COMP_INFO_VADDR, CV_RIGHT_READ);
}

/** The handled component's fault endpoint: badge = its index + 1. */
static int fault_ep_for(struct build *b, uint32_t i, uint64_t *ep)
{
    const struct cv_spec_component *sc = &b->spec->comp[i];

    *ep = 0;
    if (sc->fault_handler == CV_SPEC_NONE)
        return 0;
    *ep = alloc_slots(b->alloc, 1);
    if (!*ep)
        return check(sc->name, "fault ep slot", CV_E_RANGE);
    return check(sc->name, "mint fault ep",
                 cv_cnode_mint(CV_ROOT_CNODE, *ep, 0, b->comp[sc->fault_handler].fault_ep,
                               CV_RIGHT_WRITE | CV_RIGHT_GRANT, (uint64_t)i + 1));
}

/** Configure the thread: spaces, IPC buffer, registers, scheduling. */
static int build_thread(struct build *b, struct build_comp *c, uint32_t i, uint64_t entry)
{
    const struct cv_spec_component *sc = &b->spec->comp[i];
    struct cv_user_regs regs;
    uint64_t fault_ep;

    memset(&regs, 0, sizeof(regs));
    regs.pc = entry;
    regs.sp = CV_COMP_STACK_TOP;
    regs.x[0] = CV_COMP_INFO_VADDR;
    if (fault_ep_for(b, i, &fault_ep))
        return -1;
    if (check(sc->name, "tcb configure",
              cv_tcb_configure(c->tcb, c->cnode, c->vspace, c->ipcbuf, CV_COMP_IPCBUF_VADDR,
                               fault_ep)) ||
        check(sc->name, "write regs", cv_tcb_write_regs(c->tcb, &regs)) ||
        check(sc->name, "name", cv_tcb_set_name(c->tcb, sc->name)) ||
        check(sc->name, "priority", cv_tcb_set_priority(c->tcb, sc->priority)) ||
        check(sc->name, "affinity", cv_tcb_set_affinity(c->tcb, sc->affinity)))
        return -1;
    return 0;
}

/** CNode, VSpace, TCB, and the fixed mappings (IPC buffer, stack, heap). */
static int build_spaces(struct build *b, struct build_comp *c, const struct cv_spec_component *sc)
{
    const char *who = sc->name;
    uint64_t first;

    if (check(who, "cnode", alloc_object(b->alloc, CV_OBJ_CNODE, sc->cnode_radix, &c->cnode)) ||
        check(who, "vspace", alloc_object(b->alloc, CV_OBJ_VSPACE, 0, &c->vspace)) ||
        check(who, "tcb", alloc_object(b->alloc, CV_OBJ_TCB, 0, &c->tcb)))
        return -1;
    if (map_new(b, c, who, 1, CV_COMP_IPCBUF_VADDR, RIGHTS_RW, &c->ipcbuf))
        return -1;
    /* The page below the stack stays unmapped: an overflow faults. */
    if (map_new(b, c, who, sc->stack_size / PAGE, CV_COMP_STACK_TOP - sc->stack_size, RIGHTS_RW,
                &first))
        return -1;
    return map_new(b, c, who, sc->heap_size / PAGE, CV_COMP_HEAP_BASE, RIGHTS_RW, &first);
}

int build_component(struct build *b, uint32_t i)
{
    const struct cv_spec_component *sc = &b->spec->comp[i];
    struct build_comp *c = &b->comp[i];
    uint64_t entry;

    if (sc->affinity >= b->bi->core_count) {
        printf("loader: %s: error: affinity %u but only %u cores; not "
               "started\n",
               sc->name, (unsigned)sc->affinity, (unsigned)b->bi->core_count);
        c->skipped = 1;
        return 0;
    }
    if (build_spaces(b, c, sc) || load_program(b, c, sc, &entry) || build_info(b, c, i, sc) ||
        build_fixed_caps(b, c, sc) || build_thread(b, c, i, entry))
        return -1;
    printf("loader: %s: %u frames, %u caps, core %u", sc->name, (unsigned)c->frames,
           (unsigned)c->caps, (unsigned)sc->affinity);
    if (c->archive_frames)
        printf("; %u frames are the boot archive's (files)", (unsigned)c->archive_frames);
    printf("\n");
    return 0;
}

uint32_t build_start(struct build *b)
{
    uint32_t started = 0;

    for (uint32_t i = 0; i < b->spec->hdr->component_count; i++) {
        if (b->comp[i].skipped)
            continue;
        if (check(b->spec->comp[i].name, "resume", cv_tcb_resume(b->comp[i].tcb)) == 0)
            started++;
    }
    return started;
}
