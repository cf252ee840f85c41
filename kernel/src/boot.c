/*
 * Boot: platform discovery, the root thread and its capabilities, its untyped memory, the other
 * cores. The kernel allocates only what the root needs to start (cspace, vspace, tcb, stack, IPC
 * buffer, boot info, image); the rest of RAM becomes untyped caps, and it never allocates again.
 */
#include <kernel/core.h>
#include <kernel/fdt.h>
#include <kernel/fpu.h>
#include <kernel/irq.h>
#include <kernel/kprintf.h>
#include <kernel/lock.h>
#include <kernel/object.h>
#include <kernel/sched.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

#define ROOT_CNODE_RADIX     14u
#define ROOT_PRIORITY        255u
#define MAX_FREE_RANGES      8u
#define SECONDARY_WAIT_LOOPS 200000000ull

struct plat_info plat;

extern char __kernel_start[], __kernel_end[], __archive_start[], __archive_end[];

struct range {
    uint64_t start, end;
};

/* Linker symbols are distinct objects to C: compare them as addresses. */
static uint64_t archive_size(void)
{
    return (uint64_t)(uintptr_t)__archive_end - (uint64_t)(uintptr_t)__archive_start;
}

static struct range free_ram[MAX_FREE_RANGES];
static uint32_t free_ram_count;
static struct cv_bootinfo *bootinfo;
static struct cte *root_slots;

/* ---------------- boot memory ---------------- */

static void free_ram_add(uint64_t start, uint64_t end)
{
    start = ROUND_UP(start, CV_PAGE_SIZE);
    end &= ~(uint64_t)(CV_PAGE_SIZE - 1);
    if (start < end && free_ram_count < MAX_FREE_RANGES)
        free_ram[free_ram_count++] = (struct range){start, end};
}

/* Removes [start, end) from the free ranges (kernel image, DTB). */
static void free_ram_reserve(uint64_t start, uint64_t end)
{
    start &= ~(uint64_t)(CV_PAGE_SIZE - 1);
    end = ROUND_UP(end, CV_PAGE_SIZE);
    for (uint32_t i = 0; i < free_ram_count; i++) {
        struct range r = free_ram[i];
        if (end <= r.start || start >= r.end)
            continue;
        free_ram[i] = free_ram[--free_ram_count];
        free_ram_add(r.start, start < r.start ? r.start : start);
        free_ram_add(end > r.end ? r.end : end, r.end);
        i = (uint32_t)-1; /* ranges changed: rescan */
    }
}

static paddr_t boot_alloc(uint32_t bits)
{
    uint64_t size = 1ull << bits;
    for (uint32_t i = 0; i < free_ram_count; i++) {
        uint64_t at = ROUND_UP(free_ram[i].start, size);
        if (at < free_ram[i].end && free_ram[i].end - at >= size) {
            /* the skipped alignment gap stays free as its own range */
            uint64_t gap = free_ram[i].start;
            free_ram[i].start = at + size;
            free_ram_add(gap, at);
            memset(pa_ptr(PA(at)), 0, size);
            return PA(at);
        }
    }
    kpanic("boot: out of memory for the root thread");
}

static paddr_t boot_alloc_page(void)
{
    return boot_alloc(CV_PAGE_BITS);
}

/* ---------------- root objects ---------------- */

/* An object of the root's in its `slot`; the first, the root cnode, holds its own cap. */
static struct cte *root_make(uint32_t slot, uint32_t type, uint32_t size_bits)
{
    struct cap c;
    paddr_t pa = boot_alloc(obj_size_bits(type, size_bits));
    obj_init(type, size_bits, pa, false, &c);
    if (type == CV_OBJ_CNODE)
        root_slots = pa_ptr(pa);
    cte_insert(&root_slots[slot], &c, NULL);
    return &root_slots[slot];
}

/* Minimal ELF64 program headers, enough to place the root's segments. */
struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1u
#define PF_X    1u
#define PF_W    2u
#define PF_R    4u

static void load_segment(struct vspace *vs, const uint8_t *file, const struct elf64_phdr *ph)
{
    uint32_t rights = ((ph->flags & PF_R) ? CV_RIGHT_READ : 0) |
                      ((ph->flags & PF_W) ? CV_RIGHT_WRITE : 0) |
                      ((ph->flags & PF_X) ? CV_RIGHT_EXEC : 0) | CV_RIGHT_READ;
    uint64_t first = ph->vaddr & ~(uint64_t)(CV_PAGE_SIZE - 1);
    uint64_t file_end = ph->vaddr + ph->filesz;
    for (uint64_t va = first; va < ph->vaddr + ph->memsz; va += CV_PAGE_SIZE) {
        paddr_t pa = boot_alloc_page(); /* zeroed: the part past filesz stays so */
        uint64_t from = va > ph->vaddr ? va : ph->vaddr;
        uint64_t to = va + CV_PAGE_SIZE < file_end ? va + CV_PAGE_SIZE : file_end;
        if (from < to)
            memcpy((uint8_t *)pa_ptr(pa) + (from - va), file + ph->offset + (from - ph->vaddr),
                   to - from);
        vspace_boot_map(vs, va, pa, rights, false, boot_alloc_page);
    }
}

/* Loads the root's ELF; returns its entry point. Bad input is a build error. */
static uint64_t load_root_elf(struct vspace *vs, const uint8_t *file, uint64_t size)
{
    const struct elf64_ehdr *eh = (const void *)file;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) != 0 || eh->machine != 183 ||
        eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size)
        kpanic("boot: rootloader is not an aarch64 ELF64 executable");
    const struct elf64_phdr *ph = (const void *)(file + eh->phoff);
    for (uint32_t i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD)
            continue;
        if (ph[i].offset + ph[i].filesz > size || ph[i].filesz > ph[i].memsz ||
            ph[i].vaddr < CV_ROOT_IMAGE_BASE || ph[i].vaddr + ph[i].memsz > CV_ROOT_ARCHIVE_VADDR)
            kpanic("boot: rootloader segment %u out of range", i);
        load_segment(vs, file, &ph[i]);
    }
    return eh->entry;
}

static const struct cv_archive_entry *archive_find(const char *name)
{
    const struct cv_archive_header *h = (const void *)__archive_start;
    uint64_t size = archive_size();
    if (size < sizeof(*h) || h->magic != CV_ARCHIVE_MAGIC)
        kpanic("boot: no boot archive in the image");
    for (uint32_t i = 0; i < h->count; i++) {
        const struct cv_archive_entry *e = &h->entry[i];
        if (memcmp(e->name, name, strlen(name) + 1) == 0 && e->offset + e->size <= size)
            return e;
    }
    kpanic("boot: '%s' missing from the boot archive", name);
}

/* The archive, read-only, at CV_ROOT_ARCHIVE_VADDR: 2 MiB blocks where the addresses allow (its
 * 30-odd MiB page by page cost a boot 0.8 M instructions and 16 page tables), else pages. */
static void map_root_archive(struct vspace *vs)
{
    uint64_t asize = archive_size(), off = 0;
    while (off < asize) {
        uint64_t va = CV_ROOT_ARCHIVE_VADDR + off;
        paddr_t pa = ptr_pa(__archive_start + off);
        bool large = ((va | pa.v) & (CV_ARCHIVE_LARGE_ALIGN - 1)) == 0 &&
                     asize - off >= CV_ARCHIVE_LARGE_ALIGN;
        vspace_boot_map(vs, va, pa, CV_RIGHT_READ, large, boot_alloc_page);
        off += large ? CV_ARCHIVE_LARGE_ALIGN : CV_PAGE_SIZE;
    }
}

static void map_root_fixed(struct vspace *vs, struct cte *ipcbuf)
{
    paddr_t bi = boot_alloc_page();
    bootinfo = pa_ptr(bi);
    vspace_boot_map(vs, CV_ROOT_BOOTINFO_VADDR, bi, CV_RIGHT_READ, false, boot_alloc_page);
    vspace_boot_map(vs, CV_ROOT_IPCBUF_VADDR, PA(ipcbuf->cap.obj), CV_RIGHT_READ | CV_RIGHT_WRITE,
                    false, boot_alloc_page);
    ipcbuf->cap.extra = vs->meta.id; /* so the cap knows it is mapped */
    ipcbuf->cap.data1 = CV_ROOT_IPCBUF_VADDR;
    for (uint32_t i = 1; i <= CV_ROOT_STACK_PAGES; i++)
        vspace_boot_map(vs, CV_ROOT_STACK_TOP - i * CV_PAGE_SIZE, boot_alloc_page(),
                        CV_RIGHT_READ | CV_RIGHT_WRITE, false, boot_alloc_page);
    map_root_archive(vs);
}

static struct tcb *make_root(void)
{
    struct cte *cn_slot = root_make(CV_ROOT_CNODE, CV_OBJ_CNODE, ROOT_CNODE_RADIX);
    struct tcb *t = pa_ptr(PA(root_make(CV_ROOT_TCB, CV_OBJ_TCB, 0)->cap.obj));
    struct cte *vs_slot = root_make(CV_ROOT_VSPACE, CV_OBJ_VSPACE, 0);
    struct cte *ipcbuf = root_make(CV_ROOT_IPCBUF, CV_OBJ_FRAME_4K, 0);
    struct cap ctl = {.type = CV_OBJ_IRQ_CONTROL, .rights = CV_RIGHTS_ALL};
    cte_insert(&root_slots[CV_ROOT_IRQ_CONTROL], &ctl, NULL);
    struct vspace *vs = pa_ptr(PA(vs_slot->cap.obj));
    map_root_fixed(vs, ipcbuf);
    const struct cv_archive_entry *e = archive_find("rootloader");
    t->regs.pc = load_root_elf(vs, (const uint8_t *)__archive_start + e->offset, e->size);
    t->regs.sp = CV_ROOT_STACK_TOP;
    t->regs.x[0] = CV_ROOT_BOOTINFO_VADDR;
    cte_replace_copy(&t->slot[TCB_SLOT_CSPACE], cn_slot);
    cte_replace_copy(&t->slot[TCB_SLOT_VSPACE], vs_slot);
    cte_replace_copy(&t->slot[TCB_SLOT_IPCBUF], ipcbuf);
    t->prio = ROOT_PRIORITY;
    memcpy(t->name, "rootloader", 11);
    return t;
}

/* ---------------- untyped ---------------- */

static void untyped_add(uint64_t pa, uint32_t bits, bool device)
{
    uint32_t n = (uint32_t)bootinfo->untyped_count;
    if (n >= CV_BOOTINFO_MAX_UNTYPED) {
        kprintf("boot: too many untyped regions, dropping 0x%lx\n", pa);
        return;
    }
    struct cap c = {.type = CV_OBJ_UNTYPED,
                    .rights = CV_RIGHTS_ALL,
                    .size_bits = (uint8_t)bits,
                    .flags = device ? CAP_FLAG_DEVICE : 0,
                    .obj = pa};
    cte_insert(&root_slots[bootinfo->untyped_first + n], &c, NULL);
    bootinfo->untyped[n] =
        (struct cv_untyped_desc){.paddr = pa, .size_bits = (uint8_t)bits, .is_device = device};
    bootinfo->untyped_count = n + 1;
}

/* Splits [start, end) into the largest naturally aligned blocks. */
static void untyped_add_range(uint64_t start, uint64_t end, bool device)
{
    while (end - start >= CV_PAGE_SIZE) {
        uint32_t bits = start ? (uint32_t)__builtin_ctzll(start) : 63;
        uint32_t fit = 63 - (uint32_t)__builtin_clzll(end - start);
        if (bits > fit)
            bits = fit;
        if (bits > CV_UNTYPED_MAX_BITS)
            bits = CV_UNTYPED_MAX_BITS;
        untyped_add(start, bits, device);
        start += 1ull << bits;
    }
}

/* Below the lowest RAM bank: device memory (QEMU virt: 1 GiB, Tegra: 2 GiB). */
static uint64_t device_top(void)
{
    uint64_t top = UINT64_MAX;
    for (uint32_t i = 0; i < plat.mem_count; i++)
        if (plat.mem_base[i].v < top)
            top = plat.mem_base[i].v;
    return top;
}

/* Device memory for user level: the MMIO below RAM but the kernel's (never RAM, wherever). */
static void device_untyped(void)
{
    /* GICv2: GICD, GICC, GICH (GICV is given out); GICv3: GICD, GICR; absent ones are empty.
     * Sizes from the DTB: QEMU's frames are 64 KiB apart, Tegra's 8 KiB. */
    struct range kernel_dev[] = {{plat.gicd.v, plat.gicd.v + plat.gic_size[0]},
                                 {plat.gicc.v, plat.gicc.v + plat.gic_size[1]},
                                 {plat.gich.v, plat.gich.v + plat.gic_size[2]},
                                 {plat.gicr.v, plat.gicr.v + plat.gicr_size},
                                 {plat.uart.v, plat.uart.v + 0x1000}};
    uint64_t at = 0, top = device_top();
    while (at < top) {
        uint64_t next = top;
        bool skipped = false;
        for (uint32_t i = 0; i < ARRAY_SIZE(kernel_dev); i++) {
            if (kernel_dev[i].start <= at && at < kernel_dev[i].end) {
                at = kernel_dev[i].end;
                skipped = true;
            } else if (kernel_dev[i].start > at && kernel_dev[i].start < next) {
                next = kernel_dev[i].start;
            }
        }
        if (!skipped) {
            untyped_add_range(at, next, true);
            at = next;
        }
    }
}

/*
 * Frame caps over the archive's whole 2 MiB blocks, after the untypeds: the loader maps large boot
 * files (a guest's kernel) from there instead of copying them. The archive is in the kernel image,
 * never in an untyped: these caps are its only handles. They have all rights because a VM's own
 * kernel file becomes its RAM (the loader hands it over read-write only when no one else has the
 * file); the kernel never reads the archive after it started the root.
 */
static void archive_frames(void)
{
    uint64_t start = ptr_pa(__archive_start).v, end = start + archive_size();
    uint64_t first = (start + CV_ARCHIVE_LARGE_ALIGN - 1) & ~(CV_ARCHIVE_LARGE_ALIGN - 1);
    uint64_t slot = bootinfo->first_free_slot, n = 0;
    for (uint64_t pa = first;
         pa + CV_ARCHIVE_LARGE_ALIGN <= end && slot + n < (1ull << ROOT_CNODE_RADIX);
         pa += CV_ARCHIVE_LARGE_ALIGN, n++) {
        struct cap c = {.type = CV_OBJ_FRAME_2M,
                        .rights = CV_RIGHTS_ALL,
                        .size_bits = CV_LARGE_PAGE_BITS,
                        .obj = pa};
        cte_insert(&root_slots[slot + n], &c, NULL);
    }
    bootinfo->archive_frame_first = slot;
    bootinfo->archive_frame_count = n;
    bootinfo->archive_frame_offset = first - start;
    bootinfo->first_free_slot = slot + n;
}

static void fill_bootinfo(void)
{
    bootinfo->magic = CV_BOOTINFO_MAGIC;
    bootinfo->core_count = core_count;
    bootinfo->cnode_radix = ROOT_CNODE_RADIX;
    bootinfo->untyped_first = CV_ROOT_FIRST_FREE_FIXED;
    bootinfo->archive_vaddr = CV_ROOT_ARCHIVE_VADDR;
    bootinfo->archive_size = archive_size();
    bootinfo->ipcbuf_vaddr = CV_ROOT_IPCBUF_VADDR;
    bootinfo->timer_freq = arch_timer_freq();
    bootinfo->gic_version = plat.gic_version;
    for (uint32_t i = 0; i < free_ram_count; i++)
        untyped_add_range(free_ram[i].start, free_ram[i].end, false);
    device_untyped();
    bootinfo->first_free_slot = bootinfo->untyped_first + bootinfo->untyped_count;
    archive_frames();
}

/* ---------------- cores ---------------- */

static void core_start_local(uint32_t index)
{
    struct core *c = &cores[index];
    c->index = index;
    arch_set_core(c);
    arch_gic_init_core();
    arch_timer_init_core();
    arch_fpu_init();
    c->fpu_trapping = true;
    arch_vcpu_init_core();
    timer_start();
}

void kernel_secondary_main(uint32_t index)
{
    core_start_local(index);
    __atomic_store_n(&cores[index].online, true, __ATOMIC_RELEASE);
    lock_acquire(&kernel_lock);
    kernel_exit();
}

static void start_secondaries(void)
{
    for (uint32_t i = 1; i < core_count; i++) {
        int r = arch_cpu_on(i, plat.cpu_mpidr[i]);
        uint64_t n = 0;
        while (r == 0 && !__atomic_load_n(&cores[i].online, __ATOMIC_ACQUIRE) &&
               n++ < SECONDARY_WAIT_LOOPS)
            ;
        if (r != 0 || !cores[i].online) {
            kprintf("boot: core %u did not start (psci %d); running on %u cores\n", i, r, i);
            core_count = i;
            break;
        }
    }
}

/* Where the kernel's reservation starts: the base of its RAM bank, so the RAM below stays reserved
 * (firmware may keep data there; the DTB's reservations are not read yet), whatever the banks'
 * order. Only the kernel itself if no bank holds it. */
static uint64_t kernel_bank_base(void)
{
    uint64_t k = (uint64_t)(uintptr_t)__kernel_start;
    for (uint32_t i = 0; i < plat.mem_count; i++)
        if (plat.mem_base[i].v <= k && k - plat.mem_base[i].v < plat.mem_size[i])
            return plat.mem_base[i].v;
    return k;
}

/*
 * Where the DTB is when the boot path passed none (x0 = 0). QEMU enters an ELF image (our default,
 * see docs/build.md) that way and puts the DTB at the base of RAM instead: the board's data
 * (plat/<board>/board.cmake), as is the UART to say so on when there is no DTB.
 */
void kernel_main(paddr_t dtb, uint64_t mpidr)
{
    if (dtb.v == 0)
        dtb = PA(CV_BOARD_RAM_BASE);
    if (fdt_plat_parse(pa_ptr(dtb), 1u << 21, mpidr, &plat) != 0) {
        arch_uart_init(PA(CV_BOARD_UART), CV_BOARD_UART_KIND); /* best effort */
        kpanic("boot: cannot read the device tree at 0x%lx", dtb.v);
    }
    arch_uart_init(plat.uart, plat.uart_kind);
    core_count = plat.cpu_count < CV_MAX_CORES ? plat.cpu_count : CV_MAX_CORES;
    kprintf("capvisor: kernel at EL2, %u of %u cores, %lu MiB RAM at 0x%lx, GICv%u\n", core_count,
            plat.cpu_count, plat.mem_size[0] >> 20, plat.mem_base[0].v, plat.gic_version);
    arch_gic_init(&plat);
    core_start_local(0);
    for (uint32_t i = 0; i < plat.mem_count; i++)
        free_ram_add(plat.mem_base[i].v, plat.mem_base[i].v + plat.mem_size[i]);
    free_ram_reserve(kernel_bank_base(), (uint64_t)__kernel_end);
    free_ram_reserve(dtb.v, dtb.v + plat.dtb_size);
    struct tcb *root = make_root();
    start_secondaries();
    fill_bootinfo();
    kprintf("capvisor: root thread with %lu untyped regions, %u cores online\n",
            bootinfo->untyped_count, core_count);
    lock_acquire(&kernel_lock);
    sched_wake(root);
    kernel_exit();
}
