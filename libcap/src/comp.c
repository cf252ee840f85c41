/*
 * Component start and interface lookup in the info page the loader wrote
 * (struct cv_comp_info, spec.h).
 */
#include <stdio.h>
#include <string.h>

#include <cap/runtime.h>

static const struct cv_comp_info *comp_info;

/** Default entry: the program forgot to define run(). */
__attribute__((weak)) int run(void)
{
    printf("%s: error: program has no run()\n", cv_comp_name());
    return -1;
}

/** The info page is trusted loader output, but still bounds-checked. */
static int info_valid(const struct cv_comp_info *info)
{
    return info->magic == CV_COMP_INFO_MAGIC && info->iface_count <= CV_COMP_INFO_MAX_IFACES &&
           memchr(info->name, 0, sizeof(info->name)) != NULL;
}

_Noreturn void cv_runtime_start(uint64_t info_vaddr)
{
    const struct cv_comp_info *info = (const struct cv_comp_info *)(uintptr_t)info_vaddr;

    if (!info_valid(info)) {
        cv_runtime_init("component", CV_COMP_SLOT_TCB, 0, 0);
        printf("libcap: error: no valid info page at %#lx\n", (unsigned long)info_vaddr);
        cv_runtime_stop();
    }
    comp_info = info;
    cv_runtime_init(info->name, CV_COMP_SLOT_TCB, info->heap_base, info->heap_size);
    int rc = run();
    printf("%s: run() returned %d\n", cv_comp_name(), rc);
    cv_runtime_stop();
}

const struct cv_comp_info *cv_comp_info(void)
{
    return comp_info;
}

uint64_t cv_timer_freq(void)
{
    uint64_t freq = comp_info ? comp_info->timer_freq : 0;
    if (freq == 0)
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    return freq;
}

const struct cv_comp_iface_info *cv_iface_find(const char *name)
{
    if (!comp_info)
        return NULL;
    for (uint32_t i = 0; i < comp_info->iface_count; i++) {
        const struct cv_comp_iface_info *f = &comp_info->iface[i];
        if (strncmp(f->name, name, sizeof(f->name)) == 0)
            return f;
    }
    return NULL;
}

uint64_t cv_iface_cap(const char *name)
{
    const struct cv_comp_iface_info *f = cv_iface_find(name);
    return f ? f->cptr : 0;
}

void *cv_iface_vaddr(const char *name, size_t *size)
{
    const struct cv_comp_iface_info *f = cv_iface_find(name);

    if (size)
        *size = f ? (size_t)f->size : 0;
    return f && f->vaddr ? (void *)(uintptr_t)f->vaddr : NULL;
}

uint64_t cv_first_free_slot(void)
{
    const struct cv_comp_info *info = cv_comp_info();
    const uint64_t block = 1ull << CV_LARGE_PAGE_BITS;
    uint64_t first = CV_COMP_SLOT_FIRST_IFACE;
    for (uint32_t i = 0; info && i < info->iface_count && i < CV_COMP_INFO_MAX_IFACES; i++) {
        const struct cv_comp_iface_info *f = &info->iface[i];
        /* FRAMES: a cap per page; a writable FILE: a cap per 2 MiB */
        uint64_t n = f->kind == CV_SPEC_IF_FRAMES ? f->size / CV_PAGE_SIZE
                     : f->kind == CV_SPEC_IF_FILE ? (f->size + block - 1) / block
                                                  : 1;
        if (f->cptr && f->cptr + n > first)
            first = f->cptr + n;
    }
    return first;
}

uint64_t cv_iface_badge(const char *name)
{
    const struct cv_comp_iface_info *f = cv_iface_find(name);
    return f ? f->badge : 0;
}
