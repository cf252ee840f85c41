/*
 * Guest memory (guest.h). Every object comes from the component's untyped
 * through libcap's self allocator (cap/self.h); guest RAM from the part of
 * it reserved at creation.
 */
#include <stdio.h>

#include <cap/invoke.h>
#include <cap/runtime.h>
#include <cap/self.h>

#include "guest.h"

#define RIGHTS_RW  (CV_RIGHT_READ | CV_RIGHT_WRITE)
#define RIGHTS_RWX (RIGHTS_RW | CV_RIGHT_EXEC)

enum cv_err guest_map(const struct vm *vm, uint64_t frame, uint64_t ipa, unsigned rights)
{
    return cv_self_map_in(vm->vspace, frame, ipa, rights);
}

/**
 * Reserves the guest's RAM: untyped children of the component's untyped,
 * one per set bit of ram_size, largest first. Called before any other
 * object is made, so each child sits aligned at the parent's watermark
 * with no gap. An untyped is not zeroed (kernel/src/untyped.c): the
 * reservation costs nothing until a block is backed.
 */
static enum cv_err guest_reserve(struct vm *vm)
{
    struct vm_ram *mem = &vm->mem;
    uint64_t left = vm->cfg->ram_size;
    while (left) {
        unsigned bits = 63u - (unsigned)__builtin_clzll(left);
        if (bits > CV_UNTYPED_MAX_BITS)
            bits = CV_UNTYPED_MAX_BITS;
        if (mem->ut_count == VM_RAM_UT_MAX)
            return CV_E_RANGE;
        enum cv_err err;
        uint64_t ut = cv_self_retype(CV_OBJ_UNTYPED, bits, &err);
        if (!ut)
            return err;
        mem->ut[mem->ut_count++] = ut;
        left -= 1ull << bits;
    }
    return CV_OK;
}

/** A zeroed 2 MiB frame from the reservation into a new slot, or 0. */
static uint64_t guest_frame(struct vm *vm, enum cv_err *err)
{
    const struct vm_ram *mem = &vm->mem;
    uint64_t frame = cv_self_slot();
    *err = frame ? CV_E_NO_MEMORY : CV_E_RANGE;
    for (unsigned i = 0; frame && i < mem->ut_count && *err == CV_E_NO_MEMORY; i++)
        *err = cv_untyped_retype(mem->ut[i], CV_OBJ_FRAME_2M, 0, 0, frame, 1);
    return *err == CV_OK ? frame : 0;
}

/** Maps frame as RAM block b (offset b * GUEST_BLOCK): in the guest, and a copy in the VMM. */
static enum cv_err guest_back_with(struct vm *vm, uint64_t b, uint64_t frame)
{
    uint64_t off = b * GUEST_BLOCK;
    /* as pages: see abi.h CV_MAP_PAGES (a table per block is the price) */
    enum cv_err err = guest_map(vm, frame, vm->cfg->ram_base + off, RIGHTS_RWX | CV_MAP_PAGES);
    if (err != CV_OK)
        return err;
    uint64_t copy = cv_self_slot();
    if (!copy)
        return CV_E_RANGE;
    err = cv_cnode_copy(CV_COMP_SLOT_CNODE, copy, 0, frame, RIGHTS_RW);
    if (err == CV_OK)
        err = cv_self_map(copy, GUEST_RAM_VADDR + off, RIGHTS_RW);
    if (err != CV_OK)
        return err;
    vm->mem.backed[b / 64] |= 1ull << (b % 64);
    return CV_OK;
}

/** Whether RAM block b has a frame. */
static bool guest_backed(const struct vm *vm, uint64_t b)
{
    return (vm->mem.backed[b / 64] >> (b % 64)) & 1u;
}

/** Backs RAM block b with a zeroed frame from the reservation, unless it has one. */
static enum cv_err guest_back(struct vm *vm, uint64_t b)
{
    if (guest_backed(vm, b))
        return CV_OK;
    enum cv_err err;
    uint64_t frame = guest_frame(vm, &err);
    return frame ? guest_back_with(vm, b, frame) : err;
}

/** The RAM block holding ipa into *b; false if ipa is not guest RAM. */
static bool guest_block(const struct vm *vm, uint64_t ipa, uint64_t *b)
{
    uint64_t base = vm->cfg->ram_base;
    if (ipa < base || ipa - base >= vm->cfg->ram_size)
        return false;
    *b = (ipa - base) / GUEST_BLOCK;
    return true;
}

enum cv_err guest_adopt(struct vm *vm, uint64_t ipa, uint64_t frame)
{
    uint64_t b;
    if (!guest_block(vm, ipa, &b) || (ipa - vm->cfg->ram_base) % GUEST_BLOCK)
        return CV_E_RANGE;
    return guest_backed(vm, b) ? CV_E_MAPPED : guest_back_with(vm, b, frame);
}

/** guest_back, the failure printed: false then. */
static bool guest_back_said(struct vm *vm, uint64_t b)
{
    enum cv_err err = guest_back(vm, b);
    if (err != CV_OK)
        printf("[%s] backing guest RAM at IPA 0x%llx: %s\n", vm->name,
               (unsigned long long)(vm->cfg->ram_base + b * GUEST_BLOCK), cv_err_str(err));
    return err == CV_OK;
}

/**
 * 1:1 RAM (CV_SPEC_VM_RAM_IDENTITY): the loader placed the untyped at
 * ram_base, so the reservation is [ram_base, + ram_size) physically, and
 * retype carves frames in order. Backing every block now, in order, puts
 * block b at ram_base + b * GUEST_BLOCK: IPA == PA, what a device's DMA
 * needs. On first touch the order would be the guest's.
 */
static bool guest_identity(struct vm *vm)
{
    if (!(vm->cfg->flags & CV_SPEC_VM_RAM_IDENTITY))
        return true;
    for (uint64_t b = 0; b < vm->cfg->ram_size / GUEST_BLOCK; b++)
        if (!guest_back_said(vm, b))
            return false;
    printf("[%s] %llu MiB of RAM at IPA == PA 0x%llx\n", vm->name,
           (unsigned long long)(vm->cfg->ram_size >> 20), (unsigned long long)vm->cfg->ram_base);
    return true;
}

bool guest_create(struct vm *vm)
{
    enum cv_err err = guest_reserve(vm);
    if (err != CV_OK) {
        printf("[%s] cannot reserve %llu MiB of guest RAM: %s\n", vm->name,
               (unsigned long long)(vm->cfg->ram_size >> 20), cv_err_str(err));
        return false;
    }
    vm->vspace = cv_self_retype(CV_OBJ_VSPACE, 0, &err);
    if (!vm->vspace) {
        printf("[%s] cannot create the guest vspace: %s\n", vm->name, cv_err_str(err));
        return false;
    }
    vm->ram = (uint8_t *)(uintptr_t)GUEST_RAM_VADDR;
    return guest_identity(vm);
}

enum guest_fault_result guest_fault(struct vm *vm, uint64_t ipa)
{
    uint64_t b;
    if (!guest_block(vm, ipa, &b))
        return GUEST_NOT_RAM;
    return guest_back_said(vm, b) ? GUEST_BACKED : GUEST_NO_MEMORY;
}

bool guest_map_gicv(struct vm *vm)
{
    const struct machine_dev *gicc = machine_find(&vm->machine, MACHINE_GICC, 0);
    if (!gicc)
        return true; /* GICv3: the guest's CPU interface is its system registers */
    const struct cv_comp_iface_info *f = cv_iface_find(GUEST_GICV_IFACE);
    if (!f || f->kind != CV_SPEC_IF_FRAMES || !f->cptr || f->size < 2 * CV_PAGE_SIZE) {
        printf("[%s] no '%s' frames interface (the GICV device caps)\n", vm->name,
               GUEST_GICV_IFACE);
        return false;
    }
    uint64_t frames = f->size / CV_PAGE_SIZE;
    if (frames > VM_GICV_FRAMES)
        frames = VM_GICV_FRAMES;
    for (uint64_t i = 0; i < frames; i++) {
        enum cv_err err = guest_map(vm, f->cptr + i, gicc->base.v + i * CV_PAGE_SIZE, RIGHTS_RW);
        if (err != CV_OK) {
            printf("[%s] mapping GICV frame %llu: %s\n", vm->name, (unsigned long long)i,
                   cv_err_str(err));
            return false;
        }
    }
    return true;
}

void *guest_ptr(struct vm *vm, uint64_t ipa, uint64_t len)
{
    uint64_t base = vm->cfg->ram_base, size = vm->cfg->ram_size;
    if (ipa < base || ipa - base > size || len > size - (ipa - base))
        return NULL;
    uint64_t first = (ipa - base) / GUEST_BLOCK, last = (ipa - base + len - 1) / GUEST_BLOCK;
    for (uint64_t b = first; len && b <= last; b++)
        if (!guest_back_said(vm, b))
            return NULL;
    return vm->ram + (ipa - base);
}
