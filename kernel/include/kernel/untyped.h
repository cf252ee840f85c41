/* Untyped memory: the only source of kernel objects (retype). */
#ifndef KERNEL_UNTYPED_H
#define KERNEL_UNTYPED_H

#include <kernel/cap.h>

enum cv_err untyped_invoke(struct cte *ut, uint64_t label);

#endif
