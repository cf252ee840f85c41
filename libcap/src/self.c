/*
 * Objects, mappings and threads of a component that manages itself. See
 * cap/self.h.
 */
#include <string.h>

#include <cap/invoke.h>
#include <cap/self.h>
#include <cap/syscall.h>

#define SELF_RW (CV_RIGHT_READ | CV_RIGHT_WRITE)

/** The allocator: where the next slot and address come from. */
static struct {
    uint64_t untyped;
    uint64_t first_slot, next_slot, slot_end;
    uint64_t va_base, next_va;
} self;

void cv_self_init(uint64_t untyped, uint64_t first_slot, uint64_t slot_end, uint64_t va_base)
{
    self.untyped = untyped;
    self.first_slot = self.next_slot = first_slot;
    self.slot_end = slot_end;
    self.va_base = self.next_va = va_base;
}

void cv_self_reset(void)
{
    for (uint64_t s = self.first_slot; s < self.next_slot; s++)
        (void)cv_cnode_delete(CV_COMP_SLOT_CNODE, s);
    self.next_slot = self.first_slot;
    self.next_va = self.va_base;
}

uint64_t cv_self_slots(unsigned n)
{
    if (self.next_slot + n > self.slot_end)
        return 0;
    uint64_t s = self.next_slot;
    self.next_slot += n;
    return s;
}

uint64_t cv_self_slot(void)
{
    return cv_self_slots(1);
}

uint64_t cv_self_retype(enum cv_obj type, unsigned size_bits, enum cv_err *err)
{
    uint64_t s = cv_self_slot();
    enum cv_err e = s ? cv_untyped_retype(self.untyped, type, size_bits, 0, s, 1) : CV_E_RANGE;
    if (err)
        *err = e;
    return e == CV_OK ? s : 0;
}

uint64_t cv_self_va(uint64_t size, uint64_t align)
{
    uint64_t va = (self.next_va + align - 1) & ~(align - 1);
    self.next_va = va + size + CV_PAGE_SIZE;
    return va;
}

enum cv_err cv_self_map_in(uint64_t vspace, uint64_t frame, uint64_t vaddr, unsigned rights)
{
    /* at most one missing table per level below the root */
    for (int tries = 0; tries < 3; tries++) {
        enum cv_err err = cv_frame_map(frame, vspace, vaddr, rights);
        if (err != CV_E_NO_TABLE)
            return err;
        uint64_t pt = cv_self_retype(CV_OBJ_PAGE_TABLE, 0, &err);
        if (!pt)
            return err;
        err = cv_pt_map(pt, vspace, vaddr);
        if (err != CV_OK)
            return err;
    }
    return CV_E_NO_TABLE;
}

enum cv_err cv_self_map(uint64_t frame, uint64_t vaddr, unsigned rights)
{
    return cv_self_map_in(CV_COMP_SLOT_VSPACE, frame, vaddr, rights);
}

enum cv_err cv_self_map_pages(uint64_t vaddr, unsigned count, unsigned rights)
{
    enum cv_err err = CV_OK;
    for (unsigned i = 0; i < count && err == CV_OK; i++) {
        uint64_t f = cv_self_retype(CV_OBJ_FRAME_4K, 0, &err);
        if (f)
            err = cv_self_map(f, vaddr + (uint64_t)i * CV_PAGE_SIZE, rights);
    }
    return err;
}

void *cv_self_page(uint64_t *frame, enum cv_err *err)
{
    enum cv_err e;
    uint64_t f = cv_self_retype(CV_OBJ_FRAME_4K, 0, &e);
    uint64_t va = cv_self_va(CV_PAGE_SIZE, CV_PAGE_SIZE);
    if (f)
        e = cv_self_map(f, va, SELF_RW);
    if (err)
        *err = e;
    if (e != CV_OK)
        return NULL;
    if (frame)
        *frame = f;
    return (void *)(uintptr_t)va;
}

/** Where a thread's entry returns to (its link register). */
static _Noreturn void self_thread_exit(void)
{
    for (;;) /* resumed by a holder of the TCB cap: exit again */
        (void)cv_syscall(CV_SYS_THREAD_EXIT, 0, 0, NULL);
}

/* picolibc (picolib/inittls.c, machine/aarch64/tls.c) and program.ld:
 * the TLS template, and the thread pointer's distance below a block. */
void _init_tls(void *block);
extern char __tls_size[], __tls_align[], __arm64_tls_tcb_offset[];

static uintptr_t self_tpidr(void)
{
    uintptr_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

/**
 * A TLS block for a new thread in its IPC buffer's page, after the buffer:
 * the template copied, .tbss zeroed, and its cv_ipcbuf_self naming `ipc`.
 * Returns the thread pointer (TPIDR_EL0) for it, or 0 if the block does
 * not fit in the page (the program's TLS is a few bytes: errno and that
 * pointer).
 */
static uintptr_t self_tls(struct cv_ipcbuf *ipc)
{
    uintptr_t tcb = (uintptr_t)__arm64_tls_tcb_offset, align = (uintptr_t)__tls_align;
    if (align < 16)
        align = 16;
    uintptr_t at = (sizeof(*ipc) + tcb + align - 1) & ~(align - 1);
    if (at + (uintptr_t)__tls_size > CV_PAGE_SIZE)
        return 0;
    char *block = (char *)ipc + at;
    _init_tls(block);
    /* the pointer's offset in a block is the same in every thread's */
    uintptr_t here = self_tpidr() + tcb;
    uintptr_t off = (uintptr_t)&cv_ipcbuf_self - here;
    memcpy(block + off, &ipc, sizeof(ipc));
    return (uintptr_t)block - tcb;
}

enum cv_err cv_self_thread_create(struct cv_self_thread *t, void (*entry)(void *), void *arg,
                                  unsigned prio, unsigned affinity)
{
    enum cv_err err;

    memset(t, 0, sizeof(*t));
    uint64_t stack = cv_self_va(CV_SELF_STACK_PAGES * CV_PAGE_SIZE, CV_PAGE_SIZE);
    err = cv_self_map_pages(stack, CV_SELF_STACK_PAGES, SELF_RW);
    if (err != CV_OK)
        return err;
    t->stack_top = stack + CV_SELF_STACK_PAGES * CV_PAGE_SIZE;
    t->ipc = cv_self_page(&t->ipcbuf_frame, &err);
    if (!t->ipc)
        return err;
    uintptr_t tls = self_tls(t->ipc);
    if (!tls)
        return CV_E_RANGE;
    t->tcb = cv_self_retype(CV_OBJ_TCB, 0, &err);
    if (!t->tcb)
        return err;

    struct cv_user_regs regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (uint64_t)(uintptr_t)entry;
    regs.sp = t->stack_top;
    regs.x[0] = (uint64_t)(uintptr_t)arg;
    regs.x[30] = (uint64_t)(uintptr_t)self_thread_exit;
    regs.tpidr = tls;
    err = cv_tcb_configure(t->tcb, CV_COMP_SLOT_CNODE, CV_COMP_SLOT_VSPACE, t->ipcbuf_frame,
                           (uint64_t)(uintptr_t)t->ipc, 0);
    if (err == CV_OK)
        err = cv_tcb_write_regs(t->tcb, &regs);
    if (err == CV_OK)
        err = cv_tcb_set_priority(t->tcb, prio);
    if (err == CV_OK)
        err = cv_tcb_set_affinity(t->tcb, affinity);
    return err;
}
