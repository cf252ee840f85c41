/*
 * Kernel objects made by untyped_retype: their sizes, initialisation and destruction when their
 * last capability goes.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <kernel/cap.h>

/** Size in bits of an object of `type` (`size_bits` for cnode/untyped). */
uint32_t obj_size_bits(uint32_t type, uint32_t size_bits);

/** Whether `type`/`size_bits` is something retype may create. */
enum cv_err obj_check_retype(uint32_t type, uint32_t size_bits);

/** Initialises zeroed memory at `pa` as an object and fills `cap` with the capability to it (all
 * rights). */
void obj_init(uint32_t type, uint32_t size_bits, paddr_t pa, bool device, struct cap *cap);

/**
 * Tears down the object of `cap`, whose last capability is being deleted. Objects that contain caps
 * (cnode, tcb) are handled by cap.c's zombie list; this returns true if `cap` is such an object,
 * and destroys the rest immediately.
 */
bool obj_needs_zombie(const struct cap *cap);
/** First step of a zombie's teardown (a tcb stops running). */
void obj_zombie_begin(const struct cap *cap);
void obj_destroy(const struct cap *cap);

/** Per-cap cleanup on every delete, last or not (unmap frames and tables). */
void obj_cap_removed(const struct cap *cap);

/** For a zombie object: the next cte inside it still holding a cap, or NULL when it is empty (then
 * obj_destroy finishes it). */
struct cte *obj_zombie_next_slot(const struct cap *cap);

#endif
