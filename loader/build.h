/*
 * Construction of the system a spec describes: shared objects first, then
 * each component (cspace, address space, thread), then all threads are
 * started together.
 */
#ifndef LOADER_BUILD_H
#define LOADER_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include <capvisor/abi.h>

#include "alloc.h"
#include "spec.h"

#define BUILD_MAX_COMPONENTS 64u
#define BUILD_MAX_OBJECTS    256u

/** Loader-side state of one shared object. */
struct build_obj {
    uint64_t cptr;   /* ep / ntfn / irq handler, or the first frame    */
    uint64_t pages;  /* DATAPORT / DEVICE / FILE: consecutive frame slots */
    uint64_t large;  /* FILE: how many of them (the first) are 2 MiB    */
    uint64_t size;   /* FILE: bytes of the archive entry               */
    uint32_t users;  /* DATAPORT / DEVICE / FILE: ends mapped so far     */
    bool in_archive; /* FILE: its frames are the boot archive's own        */
    bool owned;      /* FILE: one writable interface has it (2 MiB frames) */
};

/** Loader-side state of one component. */
struct build_comp {
    uint64_t cnode, vspace, tcb, ipcbuf;
    uint64_t fault_ep;  /* endpoint it handles faults on, if a handler */
    uint64_t file_next; /* where its next FILE interface is mapped */
    uint32_t frames, caps;
    uint32_t archive_frames; /* of `frames`: the boot archive's own (FILE) */
    int skipped;             /* not built: affinity beyond the cores */
    uint64_t identity_ut;    /* a 1:1 VM's untyped, placed at its RAM (build_identity) */
};

/** Everything the construction needs. */
struct build {
    const struct spec *spec;
    const struct cv_bootinfo *bi;
    const void *archive;
    struct alloc *alloc;
    uint64_t scratch_vaddr; /* 2 MiB aligned in the loader's own vspace: */
                            /* a 4 KiB page there, a 2 MiB frame above  */
    struct build_obj obj[BUILD_MAX_OBJECTS];
    struct build_comp comp[BUILD_MAX_COMPONENTS];
};

/**
 * The untyped of every component whose vm has 1:1 RAM, at its ram_base
 * (docs/passthrough.md). First, before anything else is retyped: the
 * allocator can place an object only where nothing was carved yet.
 * 0, or -1 (printed) if a range is not free RAM.
 */
int build_identity(struct build *b);

/** Create every connection object and fault endpoint. 0 or -1. */
int build_objects(struct build *b);

/** Build component i (not started). 0, or -1 after printing why. */
int build_component(struct build *b, uint32_t i);

/** Resume every built component; returns how many were started. */
uint32_t build_start(struct build *b);

#endif /* LOADER_BUILD_H */
