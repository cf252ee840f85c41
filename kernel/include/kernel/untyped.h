/* Untyped memory: the only source of kernel objects (retype). */
#ifndef KERNEL_UNTYPED_H
#define KERNEL_UNTYPED_H

#include <kernel/cap.h>

struct invocation;

/** CV_OP_UNTYPED_RETYPE (syscall.h struct invocation). */
enum cv_err untyped_invoke(struct invocation *inv);

#endif
