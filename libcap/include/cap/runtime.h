/*
 * Program start-up and the component's view of itself.
 *
 * Two start paths share one initialisation (TLS, console, heap):
 *  - components: crt0.S `_start` -> cv_runtime_start(CV_COMP_INFO_VADDR)
 *    -> the component's run();
 *  - the root loader: it defines `_start` itself and calls
 *    cv_runtime_start_root(bootinfo) -> cv_root_main(). It has no info
 *    page and no heap.
 * When run()/cv_root_main() returns, or on exit()/abort(), the thread
 * prints why and stops itself (cv_runtime_stop()).
 */
#ifndef CAP_RUNTIME_H
#define CAP_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include <capvisor/abi.h>
#include <capvisor/spec.h>

/** The component's entry point, written by the application. */
int run(void);

/** The root program's entry point (the loader), called with bootinfo. */
int cv_root_main(const struct cv_bootinfo *bi);

/** Component start (from crt0.S): info page at info_vaddr. */
_Noreturn void cv_runtime_start(uint64_t info_vaddr);

/** Root start: call from the root's own `_start` with its x0. */
_Noreturn void cv_runtime_start_root(uint64_t bootinfo_vaddr);

/**
 * Shared set-up for both paths: thread pointer for picolibc's TLS
 * (errno), stdio on the debug console, and the sbrk heap
 * [heap_base, heap_base + heap_size). self_tcb is the cptr
 * cv_runtime_stop() suspends; name prefixes its messages.
 */
void cv_runtime_init(const char *name, uint64_t self_tcb, uint64_t heap_base, uint64_t heap_size);

/**
 * Stop the calling thread for good: flush stdout, suspend self_tcb, and
 * if that is impossible (a component without its own TCB cap) execute an
 * undefined instruction so the kernel stops the thread as faulted or
 * its fault handler decides (abi.h: CV_FAULT_UNDEFINED).
 */
_Noreturn void cv_runtime_stop(void);

/** The component's info page, or NULL (root, or an invalid page). */
const struct cv_comp_info *cv_comp_info(void);

/** The instance name ("rootloader" for the root). */
const char *cv_comp_name(void);

/** The interface called name, or NULL. */
const struct cv_comp_iface_info *cv_iface_find(const char *name);

/** Capability slot of interface name, 0 if absent or cap-less. */
uint64_t cv_iface_cap(const char *name);

/** Mapping of interface name (size in *size if not NULL), or NULL. */
void *cv_iface_vaddr(const char *name, size_t *size);

/** Badge the loader gave interface name (0 if absent). */
uint64_t cv_iface_badge(const char *name);

/**
 * The first cspace slot after every interface cap the loader placed: where
 * a component with an untyped starts its own (cv_self_init).
 */
uint64_t cv_first_free_slot(void);

#endif /* CAP_RUNTIME_H */
