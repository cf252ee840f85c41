/*
 * Address spaces: stage-2 translation tables (39-bit IPA, 4 KiB granule, starting at level 1). EL0
 * threads run with stage 1 off, so a thread's virtual address is the IPA these tables translate.
 *
 * A vspace object is 8 KiB: its level-1 table, then its metadata page. Frames and page tables
 * record where they are mapped in their cap as (vspace id, vaddr); the id is VMID plus a
 * generation, so a cap whose vspace is gone (and whose VMID was reused) never touches the new one.
 */
#ifndef KERNEL_VSPACE_H
#define KERNEL_VSPACE_H

#include <kernel/cap.h>

#define VSPACE_BITS     13u
#define PAGE_TABLE_BITS 12u
#define VMID_COUNT      256u /* 8-bit VMIDs; VMID 0 is the kernel's "none" */

struct vspace_meta {
    uint32_t id; /* (generation << 8) | vmid */
    uint16_t vmid;
};

struct vspace {
    uint64_t l1[512];
    struct vspace_meta meta;
};

/** Initialises a zeroed vspace object (a VMID must be available). */
void vspace_init(struct vspace *vs);
/** Whether `n` more vspaces can get a VMID. */
bool vspace_vmid_available(uint64_t n);
void vspace_destroy(struct vspace *vs);
/** The live vspace with this id, or NULL. */
struct vspace *vspace_from_id(uint32_t id);

struct invocation;
/** CV_OP_FRAME_* and CV_OP_PT_* on the invoked cap (syscall.h struct invocation). */
enum cv_err frame_invoke(struct invocation *inv);
enum cv_err pt_invoke(struct invocation *inv);

/** Removes the mapping a frame / page-table cap records (no-op if none). */
void frame_unmap_cap(struct cap *cap);
void pt_unmap_cap(struct cap *cap);

/** Boot-time mapping into the root's vspace (a 4 KiB page, or a 2 MiB
 *  block if `large`: both addresses then 2 MiB aligned), with tables from `alloc`. */
void vspace_boot_map(struct vspace *vs, uint64_t vaddr, paddr_t pa, uint32_t rights, bool large,
                     paddr_t (*alloc)(void));

/**
 * Copies `len` bytes at user `vaddr` of `vs` to `dst`, checking every page is mapped readable.
 * Returns false (copying nothing useful) otherwise.
 */
bool vspace_copy_in(struct vspace *vs, uint64_t vaddr, void *dst, size_t len);

/** Makes `vs` the current EL1&0 stage-2 space. */
void vspace_activate(struct vspace *vs);

#endif
